//! Query jobs: a researcher's analysis text (one REPL line with the session's earlier lines as
//! a prelude, or a whole script) run by all three nodes in lockstep.
//!
//! Every node handles the text itself ([`check`]): it parses it and type-checks it against
//! *its own* copy of the study's dictionary and datasets, so a query that would print private
//! data is refused by each node before any computation. Each node also contributes *its own*
//! copy of the study's disclosure policy; the job runs under the strictest combination, and
//! before computing every node verifies that this combination is at least as strict as its
//! own ([`run`]), so one node with a stricter policy vetoes what the others would allow.
//!
//! The study's released subsets (shares of their row masks) are kept in memory and in the
//! node's store, so the differencing defence survives a restart.
//!
//! Queries of one study run one at a time across the consortium (see `Registry`): the study's
//! history of released subsets (the differencing defence) must be the same on the three nodes
//! when a query starts.
use crate::problem::ApiError;
use crate::state::AppState;
use sharestat_dict::{Dictionary, Policy};
use sharestat_lang::StmtKind;
use sharestat_lang::check::{Checked, Checker, Env};
use sharestat_lang::eval::{Data, EvalError, Evaluator, History, Stopped, render};
use sharestat_mpc::{AShares, Party};
use sharestat_store::Dataset;

/// Longest query text accepted (prelude and line together).
pub const MAX_QUERY_BYTES: usize = 256 * 1024;

/// The study's dictionary and policy as this node holds them (parsed once per version of
/// the documents: the parsed forms are kept under the documents' hashes).
pub fn study_rules(state: &AppState, study: &str) -> Result<(Dictionary, Policy), ApiError> {
    let s = state
        .store
        .study(study)?
        .ok_or_else(|| ApiError::not_found(format!("no study {study}")))?;
    let key = format!("{}/{}", s.dictionary_sha256, s.policy_sha256);
    if let Some((k, d, p)) = state.rules.lock().expect("rules lock").get(study)
        && *k == key
    {
        return Ok((d.clone(), p.clone()));
    }
    let dict = Dictionary::parse(&s.dictionary)
        .map_err(|e| ApiError::internal(format!("stored dictionary of {study}: {e}")))?;
    let policy = Policy::parse(&s.policy)
        .map_err(|e| ApiError::internal(format!("stored policy of {study}: {e}")))?;
    state
        .rules
        .lock()
        .expect("rules lock")
        .insert(study.to_owned(), (key, dict.clone(), policy.clone()));
    Ok((dict, policy))
}

/// The datasets `load()` can open in `study`, on this node: only the study's own. A query
/// reads one study: `load("other", ...)` is refused by the checker (and again by the
/// evaluator) on every node, because the caller's grant, the policy and the release history
/// the query runs under are all `study`'s.
fn study_env(state: &AppState, study: &str) -> Result<(Env, Vec<Dataset>), ApiError> {
    let dict = std::sync::Arc::new(study_rules(state, study)?.0);
    let datasets = state.store.dataset_index(study)?;
    let mut env = Env::new().in_study(study);
    for d in &datasets {
        env = env.with_dataset(d.name.clone(), dict.clone());
    }
    Ok((env, datasets))
}

/// Parses and type-checks `prelude` then `text` on this node. Errors name the line and
/// column (`line 2, column 5: ...`) with the source line and a caret. A script whose
/// refused statement follows statements that print is accepted: they run and print, then
/// the refusal is reported (Rscript's semantics, [`run`]).
pub fn check(state: &AppState, study: &str, prelude: &str, text: &str) -> Result<(), ApiError> {
    if prelude.len() + text.len() > MAX_QUERY_BYTES {
        return Err(ApiError::bad_request(format!(
            "the query is longer than {MAX_QUERY_BYTES} bytes"
        )));
    }
    let (env, _) = study_env(state, study)?;
    checked(env, prelude, text)
        .map(|_| ())
        .map_err(ApiError::query)
}

/// `prelude` (all of it) and `text` (as a script) parsed and checked; `Err` when nothing of
/// `text` would print before its first refused statement.
fn checked(env: Env, prelude: &str, text: &str) -> Result<(Checked, Checked), String> {
    let mut checker = Checker::new(env);
    let parse = |src: &str| sharestat_lang::parse(src).map_err(|e| e.render(src));
    let before = checker.check_script(&parse(prelude)?);
    if let Some(e) = &before.refused {
        return Err(e.render(prelude));
    }
    let script = checker.check_script(&parse(text)?);
    if let Some(e) = &script.refused {
        let prints = script
            .program()
            .stmts
            .iter()
            .any(|s| matches!(s.kind, StmtKind::Expr(_)));
        if !prints {
            return Err(e.render(text));
        }
    }
    Ok((before, script))
}

/// Shares of stored columns, read from this node's store.
struct StoreData<'a> {
    state: &'a AppState,
    datasets: Vec<Dataset>,
}

impl StoreData<'_> {
    fn find(&self, name: &str) -> Option<&Dataset> {
        self.datasets.iter().find(|d| d.name == name)
    }
}

impl Data for StoreData<'_> {
    fn rows(&self, dataset: &str) -> Option<usize> {
        self.find(dataset).map(|d| d.rows as usize)
    }
    fn version(&self, dataset: &str) -> String {
        self.find(dataset)
            .map(|d| format!("{dataset}#{}", d.id))
            .unwrap_or_default()
    }
    fn column(&self, dataset: &str, encoded: &str) -> Result<AShares, String> {
        let d = self
            .find(dataset)
            .ok_or_else(|| format!("no dataset {dataset:?}"))?;
        let parts = self
            .state
            .columns
            .get_or_load(&d.id, encoded, || {
                self.state.store.load_column(&d.id, encoded)
            })
            .map_err(|e| format!("dataset {dataset:?}, column {encoded:?}: {e}"))?;
        Ok(AShares::from_parts(parts.0.clone(), parts.1.clone()))
    }
}

/// The study's record of releases as this node stored it (after a restart): the released
/// subsets, the dataset versions released on, the released quantiles.
fn stored_history(state: &AppState, study: &str) -> Result<History, String> {
    let shares = |parts: Vec<sharestat_store::MaskPart>| {
        parts
            .into_iter()
            .map(|(ds, a, b)| (ds, AShares::from_parts(a, b)))
            .collect::<Vec<_>>()
    };
    let entries = state
        .store
        .released_subsets(study)
        .map_err(|e| format!("released subsets of {study}: {e}"))?;
    let mut history = History::from_records(
        entries
            .into_iter()
            .map(|(_, key, parts)| (key, shares(parts)))
            .collect(),
    );
    let versions = state
        .store
        .released_versions(study)
        .map_err(|e| format!("released versions of {study}: {e}"))?;
    let quantiles = state
        .store
        .released_quantiles(study)
        .map_err(|e| format!("released quantiles of {study}: {e}"))?;
    history
        .restore(
            versions
                .into_iter()
                .map(|(v, d, rows)| (v, d, rows as usize))
                .collect(),
            quantiles
                .into_iter()
                .map(|(_, public, rows)| (public, rows.map(shares)))
                .collect(),
        )
        .map_err(|e| format!("the record of {study}: {e}"))?;
    Ok(history)
}

/// The parts of a released subset as the store takes them (borrowed, not copied).
fn mask_parts(entry: &[(String, AShares)]) -> Vec<(&str, &[u64], &[u64])> {
    entry
        .iter()
        .map(|(ds, m)| {
            let (a, b) = m.parts();
            (ds.as_str(), a, b)
        })
        .collect()
}

/// Persists what `history` recorded in this run: released subsets, versions and quantiles.
/// Without its record the defence would weaken after a restart: a failure fails the query.
fn save_history(state: &AppState, study: &str, history: &mut History) -> Result<(), String> {
    let fail = |e: sharestat_store::StoreError| format!("could not record the release: {e}");
    for (key, entry) in history.take_new() {
        state
            .store
            .add_released_subset(study, &mask_parts(entry), key)
            .map_err(fail)?;
    }
    for (v, dataset, rows) in history.take_new_versions() {
        state
            .store
            .add_released_version(study, &v, &dataset, rows as u64)
            .map_err(fail)?;
    }
    for (public, rows) in history.take_new_quantiles() {
        let parts = rows.map(|r| mask_parts(r));
        state
            .store
            .add_released_quantiles(study, &public, parts.as_deref())
            .map_err(fail)?;
    }
    Ok(())
}

/// Runs a query on this node under the consortium's merged `policy`; returns the public
/// result: each printed statement's source, R text and JSON value, and the engine's cost.
pub fn run(
    state: &AppState,
    p: &mut Party,
    study: &str,
    prelude: &str,
    text: &str,
    policy: &Policy,
) -> Result<serde_json::Value, String> {
    let (_, own) = study_rules(state, study).map_err(|e| e.detail)?;
    if !policy.at_least_as_strict_as(&own) {
        return Err(format!(
            "{} refuses to run under a disclosure policy less strict than its own",
            state.party_name(state.party() as usize)
        ));
    }
    let (env, datasets) = study_env(state, study).map_err(|e| e.detail)?;
    let (before, script) = checked(env.clone(), prelude, text)?;
    let data = StoreData { state, datasets };
    // The study's record is held for the whole run: a query that outlives its job (cancelled,
    // its thread still finishing) completes its record before the next query reads it.
    let slot = {
        let mut all = state.histories.lock().unwrap_or_else(|e| e.into_inner());
        match all.get(study) {
            Some(h) => h.clone(),
            None => {
                let h = std::sync::Arc::new(std::sync::Mutex::new(stored_history(state, study)?));
                all.insert(study.to_owned(), h.clone());
                h
            }
        }
    };
    let mut history = slot.lock().unwrap_or_else(|e| e.into_inner());
    let outcome = {
        let mut ev = Evaluator::new(p, &data, env, policy.clone(), &mut history);
        ev.replay(&before).map(|()| ev.run_script(&script, text))
    };
    save_history(state, study, &mut history)?;
    drop(history);
    let outcome = outcome.map_err(|e| match e {
        EvalError::Engine(e) => super::exec::describe(state, &e),
        other => other.to_string(),
    })?;
    let error = outcome.stopped.map(|s| match s.error {
        EvalError::Engine(e) => format!("{}: {}", s.at, super::exec::describe(state, &e)),
        EvalError::Type(e) => e.render(text),
        other => Stopped {
            at: s.at,
            error: other,
        }
        .to_string(),
    });
    // Rscript's semantics: what the statements before the error printed, then the error;
    // a job that printed nothing failed.
    if let (Some(e), true) = (&error, outcome.outputs.is_empty()) {
        return Err(e.clone());
    }
    let stats = p.stats();
    let mut result = serde_json::json!({
        "outputs": outcome.outputs.iter().map(|o| serde_json::json!({
            "source": o.source,
            "text": render::with_notes(&o.value, &o.notes),
            "value": render::to_json(&o.value),
            "notes": o.notes,
        })).collect::<Vec<_>>(),
        "bytes_sent": stats.bytes_sent,
        "communication_rounds": stats.rounds,
    });
    if let Some(e) = error {
        result["error"] = serde_json::json!(e);
    }
    Ok(result)
}
