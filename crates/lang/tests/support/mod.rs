//! A three-party in-memory run of the evaluator over secret shares of the adrenal fixture
//! (Munich as dataset `munich`, Rome as `rome`), or of another cohort of `examples/` (its
//! sites `site_a`, `site_b`), checked and evaluated as a node would.
#![allow(dead_code)]
pub mod attack;
pub mod cohort;
use sharestat_client::import::{ImportOptions, Imported, import_file};
use sharestat_dict::{Dictionary, Policy};
use sharestat_lang::check::{Checked, Checker, Env};
use sharestat_lang::eval::{Data, Evaluator, History, Output, render};
use sharestat_mpc::AShares;
use sharestat_mpc::harness::{Keys, run_in_memory};
use sharestat_mpc::prg::Prg;
use sharestat_mpc::proto::io::deal;
use std::path::Path;
use std::sync::Mutex;

pub struct Fixture {
    pub dict: Dictionary,
    pub sites: Vec<Imported>,
    dealt: Vec<Vec<[AShares; 3]>>,
    histories: [Mutex<History>; 3],
    pub policies: [Policy; 3],
    pub expected: serde_json::Value,
    /// The datasets' names, one per site.
    pub names: Vec<String>,
}

pub const NAMES: [&str; 2] = ["munich", "rome"];

struct PartyData<'a> {
    fx: &'a Fixture,
    party: usize,
}

impl Data for PartyData<'_> {
    fn rows(&self, dataset: &str) -> Option<usize> {
        let s = self.fx.names.iter().position(|n| n == dataset)?;
        Some(self.fx.sites[s].rows)
    }
    fn version(&self, dataset: &str) -> String {
        dataset.to_owned()
    }
    fn column(&self, dataset: &str, encoded: &str) -> Result<AShares, String> {
        let s = self
            .fx
            .names
            .iter()
            .position(|n| n == dataset)
            .ok_or("no dataset")?;
        let c = self.fx.sites[s]
            .columns
            .iter()
            .position(|c| c.name == encoded)
            .ok_or_else(|| format!("no column {encoded}"))?;
        Ok(self.fx.dealt[s][c][self.party].clone())
    }
}

impl Fixture {
    /// The fixture with one policy on every node.
    pub fn new(policy: Policy) -> Fixture {
        Fixture::with_policies([policy.clone(), policy.clone(), policy])
    }

    /// The fixture with the study's own policy (`examples/adrenal/policy.toml`).
    pub fn adrenal() -> Fixture {
        let ex = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/adrenal");
        let text = std::fs::read_to_string(ex.join("policy.toml")).unwrap();
        Fixture::new(Policy::parse(&text).unwrap())
    }

    /// A policy that lets everything out (to compare with R's unrestricted answers).
    pub fn open() -> Fixture {
        Fixture::new(open_policy())
    }

    /// Each node with its own policy (the strictest applies, as the node service merges them).
    pub fn with_policies(policies: [Policy; 3]) -> Fixture {
        Fixture::build(policies, |_| {})
    }

    /// The fixture under `policy` with the dictionary changed by `edit` (e.g. a column's
    /// declared range removed).
    pub fn with_dictionary(policy: Policy, edit: impl FnOnce(&mut Dictionary)) -> Fixture {
        Fixture::build([policy.clone(), policy.clone(), policy], edit)
    }

    /// The cohort `examples/{name}` (sites `site_a.csv`, `site_b.csv`, R's references in
    /// `r/survival_cohorts.json` under `name`) with everything let out.
    pub fn cohort(name: &str) -> Fixture {
        Fixture::cohort_with(name, open_policy())
    }

    /// [`Fixture::cohort`] under `policy` on all three nodes.
    pub fn cohort_with(name: &str, policy: Policy) -> Fixture {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let ex = root.join("examples").join(name);
        let dict = Dictionary::parse(&std::fs::read_to_string(ex.join("dictionary.toml")).unwrap())
            .unwrap();
        let refs: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(root.join("r/survival_cohorts.json")).unwrap(),
        )
        .unwrap();
        let names = vec!["site_a".to_owned(), "site_b".to_owned()];
        let files: Vec<String> = names.iter().map(|n| format!("{n}.csv")).collect();
        let policies = [policy.clone(), policy.clone(), policy];
        Fixture::from_files(&ex, dict, &files, names, policies, refs[name].clone())
    }

    /// A study with one site `a` from a dictionary's text (with `[sites.a]`) and a canonical
    /// CSV text, under `policy` on every node: written to a temporary directory and imported
    /// as an upload would import it.
    pub fn from_csv(dictionary: &str, csv: &str, policy: Policy) -> Fixture {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let k = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("sharestat-fx-{}-{k}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("a.csv"), csv).unwrap();
        let dict = Dictionary::parse(dictionary).unwrap_or_else(|e| panic!("{e}\n{dictionary}"));
        let policies = [policy.clone(), policy.clone(), policy];
        let names = vec!["a".to_owned()];
        let fx = Fixture::from_files(
            &dir,
            dict,
            &["a.csv".to_owned()],
            names,
            policies,
            serde_json::Value::Null,
        );
        std::fs::remove_dir_all(&dir).ok();
        fx
    }

    fn build(policies: [Policy; 3], edit: impl FnOnce(&mut Dictionary)) -> Fixture {
        let ex = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/adrenal");
        let mut dict =
            Dictionary::parse(&std::fs::read_to_string(ex.join("dictionary.toml")).unwrap())
                .unwrap();
        edit(&mut dict);
        let expected =
            serde_json::from_str(&std::fs::read_to_string(ex.join("expected.json")).unwrap())
                .unwrap();
        let files = ["munich.csv".to_owned(), "rome.csv".to_owned()];
        let names = NAMES.iter().map(|n| n.to_string()).collect();
        Fixture::from_files(&ex, dict, &files, names, policies, expected)
    }

    /// Imports the canonical CSV `files` of `ex` with `dict` and deals their shares.
    fn from_files(
        ex: &Path,
        dict: Dictionary,
        files: &[String],
        names: Vec<String>,
        policies: [Policy; 3],
        expected: serde_json::Value,
    ) -> Fixture {
        let opts = ImportOptions {
            site: "canonical".into(),
            drop_bad_rows: false,
        };
        let sites: Vec<Imported> = files
            .iter()
            .map(|f| {
                import_file(&ex.join(f), &dict, &opts).unwrap_or_else(|e| panic!("{f}: {e:?}"))
            })
            .collect();
        let mut prg = Prg::new([3; 16]);
        let dealt = sites
            .iter()
            .map(|s| s.data.iter().map(|c| deal(c, &mut prg)).collect())
            .collect();
        Fixture {
            dict,
            sites,
            dealt,
            histories: Default::default(),
            policies,
            expected,
            names,
        }
    }

    pub fn env(&self) -> Env {
        self.names
            .iter()
            .fold(Env::new(), |env, n| env.with_dataset(n, self.dict.clone()))
    }

    /// Checks and runs `src` on the three parties; all must agree. `Err` is the message.
    pub fn run(&self, src: &str) -> Result<Vec<Output>, String> {
        let program = sharestat_lang::parse(src).map_err(|e| e.render(src))?;
        let checked = Checker::new(self.env()).check_script(&program);
        if let Some(e) = &checked.refused {
            return Err(e.to_string());
        }
        self.evaluate(self.env(), self.policy(), &checked, src, [11; 16])
            .0
    }

    /// The consortium's merged policy: the strictest of the three.
    fn policy(&self) -> Policy {
        self.policies
            .iter()
            .skip(1)
            .fold(self.policies[0].clone(), |a, b| a.strictest(b))
    }

    /// Runs `src` as a script (Rscript's semantics): the printed text of each output before
    /// the statement that stopped it, and that statement's error.
    pub fn run_script(&self, src: &str) -> (Vec<String>, Option<String>) {
        let program = sharestat_lang::parse(src).unwrap_or_else(|e| panic!("{}", e.render(src)));
        let checked = Checker::new(self.env()).check_script(&program);
        let out = run_in_memory(Keys::Seeded([11; 16]), |p| {
            let i = p.id().index();
            let data = PartyData { fx: self, party: i };
            let mut h = self.histories[i].lock().unwrap();
            let mut ev = Evaluator::new(p, &data, self.env(), self.policy(), &mut h);
            let s = ev.run_script(&checked, src);
            let printed: Vec<String> = s
                .outputs
                .iter()
                .map(|o| render::with_notes(&o.value, &o.notes))
                .collect();
            Ok((printed, s.stopped.map(|s| s.to_string())))
        })
        .unwrap();
        assert_eq!(out[0], out[1]);
        assert_eq!(out[0], out[2]);
        out[0].clone()
    }

    /// The printed output (R-like text, notes included) of `src` in a session keyed by
    /// `seed` (the shares' randomness of a fresh run); panics when it fails.
    pub fn printed(&self, src: &str, seed: u8) -> String {
        let checked = self.checked(src);
        let policy = self.policies[0].clone();
        let (out, _) = self.evaluate(self.env(), policy, &checked, src, [seed; 16]);
        out.unwrap_or_else(|e| panic!("{src}: {e}"))
            .iter()
            .map(|o| render::with_notes(&o.value, &o.notes))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The communication rounds that [`Fixture::run`] of `src` takes (the same at every
    /// party); panics when it fails.
    pub fn rounds(&self, src: &str) -> u64 {
        let checked = self.checked(src);
        let policy = self.policies[0].clone();
        let (out, rounds) = self.evaluate(self.env(), policy, &checked, src, [11; 16]);
        out.unwrap_or_else(|e| panic!("{src}: {e}"));
        rounds
    }

    /// Evaluates a parsed `program` on the three parties with `env` and `policy`; all must
    /// agree. `Err` is the message.
    fn evaluate(
        &self,
        env: Env,
        policy: Policy,
        program: &Checked,
        src: &str,
        seed: [u8; 16],
    ) -> (Result<Vec<Output>, String>, u64) {
        let out = run_in_memory(Keys::Seeded(seed), |p| {
            let i = p.id().index();
            let data = PartyData { fx: self, party: i };
            let mut h = self.histories[i].lock().unwrap();
            let mut ev = Evaluator::new(p, &data, env.clone(), policy.clone(), &mut h);
            let out = ev.run(program, src).map_err(|e| e.to_string());
            Ok((out, p.stats().rounds))
        })
        .unwrap();
        let rounds = out[0].1;
        let out: Vec<Result<Vec<Output>, String>> = out.into_iter().map(|(o, _)| o).collect();
        // Compared as text so that NaN results compare equal.
        let text = |o: &Result<Vec<Output>, String>| format!("{o:?}");
        assert_eq!(text(&out[0]), text(&out[1]));
        assert_eq!(text(&out[0]), text(&out[2]));
        (out[0].clone(), rounds)
    }

    /// The single output of `src`, as JSON.
    pub fn json(&self, src: &str) -> serde_json::Value {
        let out = self.run(src).unwrap_or_else(|e| panic!("{src}: {e}"));
        render::to_json(&out.last().expect("an output").value)
    }

    /// The refusal message of `src`.
    pub fn refusal(&self, src: &str) -> String {
        match self.run(src) {
            Ok(out) => panic!("{src} was let out: {out:?}"),
            Err(e) => e,
        }
    }

    /// Runs `src` on the three parties with `env` and *without* the type checker (to test the
    /// evaluator's own checks); the parties must agree. `Err` is the message.
    pub fn run_unchecked(&self, env: Env, src: &str) -> Result<Vec<Output>, String> {
        let program = sharestat_lang::parse(src).map_err(|e| e.render(src))?;
        let checked = Checked::without_checker(&program);
        self.evaluate(env, self.policies[0].clone(), &checked, src, [12; 16])
            .0
    }

    /// `src` parsed and checked whole; panics when either refuses it.
    fn checked(&self, src: &str) -> Checked {
        let program = sharestat_lang::parse(src).unwrap_or_else(|e| panic!("{}", e.render(src)));
        let checked = Checker::new(self.env()).check_script(&program);
        if let Some(e) = &checked.refused {
            panic!("{src}: {e}");
        }
        checked
    }
}

/// A policy that lets everything out.
pub fn open_policy() -> Policy {
    Policy {
        min_cell: 1,
        min_subset: 1,
        min_complement: 0,
        max_levels: 1000,
        allow_extremes: true,
        allow_event_times: true,
        event_time_grid: None,
        perturbation: sharestat_dict::Perturbation::None,
        ..Policy::default()
    }
}

pub fn close(got: f64, want: f64, what: &str) {
    let tol = 1e-6 * want.abs().max(1e-3);
    assert!(
        (got - want).abs() <= tol,
        "{what}: got {got}, R says {want}"
    );
}
