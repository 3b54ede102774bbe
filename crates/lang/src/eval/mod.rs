//! The evaluator: runs a type-checked program on this node, in lockstep with the two other
//! nodes, through the secure engine (`sharestat-mpc`) and the statistics (`sharestat-stats`).
//!
//! Every node runs the same program over its own shares, so every branch the evaluator takes
//! depends only on public information: the program, the dictionary, the row counts, and
//! values the protocol has revealed to all three. Private values stay shares; the only
//! reveals are the aggregates a statement prints (and the pass/fail bits of disclosure
//! control), each documented at the function that makes it.
//!
//! **Disclosure control** ([`disclose`]): before an aggregate is revealed, the study policy's
//! rules are checked, securely where they depend on private counts: a subset must hold at
//! least `min_subset` rows and leave out none or at least `min_complement`, may not differ from
//! an earlier released subset of the study in 1 to `min_subset - 1` rows (the differencing
//! defence, [`History`]), table cells must be 0 or at least `min_cell`, tables have at most
//! `max_levels` levels, and single-patient values (min, max, quantiles 0 and 1) need
//! `allow_extremes`. A refusal ([`EvalError::Refused`]) names the rule and the cell or
//! expression, never a hidden value.
//!
//! Files: `value.rs` (values), `render.rs`, `render_stats.rs` (R printing, JSON; the tests',
//! survival curves' and R's number formatting are `sharestat-rstats`'), `expr.rs` (names, columns, indexing, masks), `ops.rs` (operators on private
//! vectors), `call.rs` (non-aggregate functions), `cut.rs`, `public.rs` (public values in the
//! clear), `agg.rs` (aggregates), `tables.rs` (frequency tables), `disclose.rs` (the policy
//! checks), `cells.rs` (the small-cell rule and the release of counts), `support.rs` (the rows
//! each value depends on), `quantile_rules.rs`, `cell_key.rs` (perturbation of counts), `record.rs` (what the node persists of the record), `htest.rs`, `ttest.rs`, `rankcor.rs` (tests; `wilcox.test` is whole in `builtins/wilcox_test.rs`), `model.rs` (`lm`), `surv.rs`
//! (survival), `limits.rs` (the policy's cost limits: rows after `c()` / `rbind()`, memory).
//!
//! **Cost limits** (`limits.rs`): a `c()` or `rbind()` whose result would have more rows than
//! the policy allows (`max_rows`, `max_rows_factor`) is refused before anything is allocated,
//! and an assignment that would make the query's variables hold more shares than
//! `max_query_memory_mb` is refused ([`EvalError::Limit`]). The wall-time, traffic (secure
//! operations) and concurrency limits are enforced by the node.
pub(crate) mod agg;
pub(crate) mod call;
mod cell_key;
mod cells;
pub(crate) mod checks;
mod compare;
pub(crate) mod confint;
mod cox;
mod cut;
mod defaults;
pub mod disclose;
mod event;
mod expr;
pub(crate) mod factor;
mod fields;
pub(crate) use sharestat_rstats::fisher as fisher_rc;
mod formula;
mod frame;
pub(crate) mod glm;
pub(crate) mod htest;
mod ifelse;
mod levels;
mod leverage;
mod limits;
mod math;
mod minmax;
mod model;
pub(crate) mod moments;
mod newdata;
pub(crate) mod ops;
mod pearson;
pub(crate) mod plot;
mod predict;
mod prop_table;
mod public;
mod quantile_rules;
mod quotient;
pub mod range;
pub(crate) mod rankcor;
mod record;
pub mod render;
pub(crate) use sharestat_rstats::format as render_coefmat;
pub mod render_cox;
pub mod render_stats;
pub use sharestat_rstats::survival_print as render_surv;
mod rounding;
mod scale;
mod strata;
mod strict;
mod support;
pub(crate) mod suppress;
pub mod surv;
mod surv_summary;
mod survdiff_strata;
mod tables;
pub(crate) mod ttest;
pub mod value;
mod wide;
mod wide_gram;
mod zph;

use std::collections::HashMap;

use sharestat_dict::Policy;
use sharestat_mpc::{AShares, MpcError, Party};

use crate::ast::{Expr, Program, StmtKind};
use crate::builtins::args::Calls;
use crate::check::{Checked, Env, PrivTy};
use crate::span::Span;
pub use disclose::History;
pub use record::{ReleasedVersion, StoredQuantiles};
pub(crate) use tables::ordered;
use value::{Kind, PrivTable, PrivVec};
pub use value::{Public, Value};

/// Where the evaluator reads the shares of stored columns.
pub trait Data {
    /// Rows of dataset `name`.
    fn rows(&self, dataset: &str) -> Option<usize>;
    /// A version id of the dataset (changes when it is replaced). Written `name#id`, it links
    /// the versions of one dataset for disclosure control (`version_change`).
    fn version(&self, dataset: &str) -> String;
    /// This node's shares of stored column `encoded` (see `Dictionary::encoded_columns`).
    fn column(&self, dataset: &str, encoded: &str) -> Result<AShares, String>;
}

/// Why a statement could not be evaluated.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EvalError {
    /// Disclosure control refused an output.
    #[error("{span}: refused by disclosure control ({rule}): {message}")]
    Refused {
        /// The statement or expression refused.
        span: Span,
        /// The policy rule (`min_cell`, `min_subset`, ...).
        rule: &'static str,
        /// What broke it, naming cells or expressions, never values.
        message: String,
    },
    /// A cost limit of the study policy would be exceeded (the work is not started).
    #[error("{span}: refused by the query's cost limits ({limit}): {message}")]
    Limit {
        /// The expression refused.
        span: Span,
        /// The policy limit (`max_rows`).
        limit: &'static str,
        /// What would exceed it: the expression and both numbers (public row counts).
        message: String,
    },
    /// A value or operation the evaluator cannot handle.
    #[error("{span}: {message}")]
    Runtime {
        /// Where.
        span: Span,
        /// What went wrong.
        message: String,
    },
    /// The secure computation failed (a peer went away, a protocol check failed).
    #[error("secure computation: {0}")]
    Engine(#[from] MpcError),
    /// Stored data could not be read.
    #[error("data: {0}")]
    Data(String),
    /// The type checker refused the statement (nothing of it ran).
    #[error("{0}")]
    Type(Box<crate::check::TypeError>),
}

impl EvalError {
    /// Whether the message names its line and column itself (the engine's and the store's
    /// errors do not: [`Stopped`] gives their statement's).
    pub fn has_position(&self) -> bool {
        !matches!(self, EvalError::Engine(_) | EvalError::Data(_))
    }
}

/// Where and why a script stopped.
#[derive(Debug)]
pub struct Stopped {
    /// The statement that failed or was refused.
    pub at: Span,
    /// Why.
    pub error: EvalError,
}

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.error.has_position() {
            write!(f, "{}", self.error)
        } else {
            write!(f, "{}: {}", self.at, self.error)
        }
    }
}

/// What a script printed, and where it stopped if it did not run to its end: as Rscript
/// runs a file, the statements before a failing or refused one run and print, nothing after
/// it runs.
#[derive(Debug)]
pub struct Script {
    /// The printed statements, in order.
    pub outputs: Vec<Output>,
    /// The statement that stopped the script.
    pub stopped: Option<Stopped>,
}

impl EvalError {
    /// A runtime error at `e`.
    pub(crate) fn at(e: &Expr, message: impl Into<String>) -> EvalError {
        EvalError::Runtime {
            span: e.span,
            message: message.into(),
        }
    }

    /// A refusal at `e`.
    pub(crate) fn refused(e: &Expr, rule: &'static str, message: impl Into<String>) -> EvalError {
        EvalError::Refused {
            span: e.span,
            rule,
            message: message.into(),
        }
    }
}

/// Shorthand.
pub type Result<T, E = EvalError> = std::result::Result<T, E>;

/// The printed result of one expression statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    /// The statement's source text.
    pub source: String,
    /// Its value.
    pub value: Public,
    /// What the reader must know about how the value was made (e.g. that the study perturbs
    /// released counts and sums), printed after it as `Note: ...`.
    pub notes: Vec<String>,
}

/// Evaluates programs on one node.
pub struct Evaluator<'a> {
    pub(crate) p: &'a mut Party,
    pub(crate) data: &'a dyn Data,
    pub(crate) env: Env,
    pub(crate) policy: Policy,
    pub(crate) history: &'a mut History,
    pub(crate) vars: HashMap<String, Value>,
    next_mask: u64,
    /// While replaying a session's earlier statements: no outputs, no history entries.
    pub(crate) replay: bool,
    /// The program run (with the replayed lines), for the provenance of released subsets.
    pub(crate) source_key: String,
    /// Subset checks so far in this run.
    pub(crate) checks: u64,
    /// Cells (counts and labels) whose small-cell rule runs in the batch of the next subset
    /// check (`cells.rs`, [`Evaluator::check_with_cells`]).
    pub(crate) deferred_cells: Vec<(AShares, Vec<String>)>,
    /// Notes of the statement being evaluated ([`Output::notes`]).
    pub(crate) notes: Vec<String>,
    /// The matched arguments of the calls of the program being run (from the checker).
    pub(crate) calls: Calls,
}

impl<'a> Evaluator<'a> {
    /// An evaluator over `data`, with the datasets of `env` and the (merged) `policy`.
    pub fn new(
        p: &'a mut Party,
        data: &'a dyn Data,
        env: Env,
        policy: Policy,
        history: &'a mut History,
    ) -> Evaluator<'a> {
        Evaluator {
            p,
            data,
            env,
            policy,
            history,
            vars: HashMap::new(),
            next_mask: 1,
            replay: false,
            source_key: String::new(),
            checks: 0,
            deferred_cells: Vec::new(),
            notes: Vec::new(),
            calls: Calls::default(),
        }
    }

    /// Replays a session's earlier statements (all accepted by the checker): assignments
    /// only, nothing printed or recorded.
    pub fn replay(&mut self, checked: &Checked) -> Result<()> {
        if let Some(e) = &checked.refused {
            return Err(EvalError::Type(Box::new(e.clone())));
        }
        let program = &checked.program;
        self.calls = checked.calls.clone();
        self.replay = true;
        self.source_key = format!("{program}\n\u{0}");
        let mut out = Vec::new();
        let r = self.program(program, &mut out).map_err(|s| s.error);
        self.replay = false;
        r
    }

    /// Runs a checked script as Rscript does: the outputs of the statements before one that
    /// fails or is refused (by the checker or at run time), then where and why it stopped.
    pub fn run_script(&mut self, checked: &Checked, src: &str) -> Script {
        let program = &checked.program;
        self.calls = checked.calls.clone();
        self.source_key.push_str(&format!("{program}"));
        let mut printed = Vec::new();
        let mut stopped = self.program(program, &mut printed).err();
        if stopped.is_none()
            && let Some(e) = &checked.refused
        {
            stopped = Some(Stopped {
                at: e.span,
                error: EvalError::Type(Box::new(e.clone())),
            });
        }
        let outputs = printed
            .into_iter()
            .map(|(stmt, value, notes)| Output {
                source: src
                    .get(stmt.start.offset..stmt.end.offset)
                    .unwrap_or_default()
                    .to_owned(),
                value,
                notes,
            })
            .collect();
        Script { outputs, stopped }
    }

    /// Runs a checked program and returns what its expression statements print, or the
    /// first error (nothing of what came before it).
    pub fn run(&mut self, checked: &Checked, src: &str) -> Result<Vec<Output>> {
        let s = self.run_script(checked, src);
        match s.stopped {
            Some(stop) => Err(stop.error),
            None => Ok(s.outputs),
        }
    }

    /// Evaluates the statements in order, pushing each printed value to `out`; stops at the
    /// first error, with its statement.
    fn program(
        &mut self,
        program: &Program,
        out: &mut Vec<(Span, Public, Vec<String>)>,
    ) -> std::result::Result<(), Stopped> {
        for stmt in &program.stmts {
            // A bug that panics stops its statement with its position; the node keeps
            // serving (the panic's message goes to the node's log through the hook).
            let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                self.statement(stmt, out)
            }));
            let result = run.unwrap_or_else(|_| {
                Err(EvalError::Runtime {
                    span: stmt.span,
                    message: "an internal error stopped this statement (a bug: the node's log \
                              has its details; please report it with the query)"
                        .into(),
                })
            });
            result.map_err(|error| Stopped {
                at: stmt.span,
                error,
            })?;
        }
        Ok(())
    }

    fn statement(
        &mut self,
        stmt: &crate::ast::Stmt,
        out: &mut Vec<(Span, Public, Vec<String>)>,
    ) -> Result<()> {
        match &stmt.kind {
            StmtKind::Assign {
                target,
                column: None,
                value,
                ..
            } => {
                let v = self.eval(value)?;
                self.check_memory(stmt.span, target, &v)?;
                self.vars.insert(target.clone(), v);
            }
            StmtKind::Assign {
                target,
                column: Some(column),
                value,
                ..
            } => {
                let t = Value::Table(self.set_column(target, column, value)?);
                self.check_memory(stmt.span, target, &t)?;
                self.vars.insert(target.clone(), t);
            }
            StmtKind::Expr(e) => {
                if self.replay {
                    return Ok(());
                }
                self.notes.clear();
                match self.eval(e)? {
                    Value::Pub(v) => out.push((stmt.span, v, std::mem::take(&mut self.notes))),
                    _ => {
                        return Err(EvalError::at(
                            e,
                            "would print private data (the type checker should have refused this)",
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// `target$column <- value`: the table with the column added or replaced. The value must
    /// have one entry per row of the table (selected or not), as the table's own columns do.
    fn set_column(&mut self, target: &str, column: &str, value: &Expr) -> Result<PrivTable> {
        let Some(Value::Table(t)) = self.vars.get(target).cloned() else {
            return Err(EvalError::at(
                value,
                format!("`{target}` is not a private table"),
            ));
        };
        let Value::Vec(v) = self.eval(value)? else {
            return Err(EvalError::at(
                value,
                format!("a column of `{target}` must be a private vector computed from its rows"),
            ));
        };
        let rows = value::layout_rows(&t.layout);
        if v.len() != rows {
            return Err(EvalError::at(
                value,
                format!("`{value}` has {} rows, `{target}` has {rows}", v.len()),
            ));
        }
        let ty = match &v.kind {
            Kind::Num { scale } => PrivTy::Num { decimals: *scale },
            Kind::Cat { levels } => PrivTy::Cat {
                levels: levels.clone(),
            },
            Kind::Bool => PrivTy::Bool,
            Kind::Date => PrivTy::Date,
        };
        let mut t = t;
        let v = PrivVec { sel: None, ..v };
        match t.columns.iter_mut().find(|(n, _)| n == column) {
            Some(c) => c.1 = ty,
            None => t.columns.push((column.to_owned(), ty)),
        }
        match t.derived.iter_mut().find(|(n, _)| n == column) {
            Some(d) => d.1 = v,
            None => t.derived.push((column.to_owned(), v)),
        }
        Ok(t)
    }

    /// Adds a note to the statement being evaluated (once).
    pub(crate) fn note(&mut self, text: String) {
        if !self.notes.contains(&text) {
            self.notes.push(text);
        }
    }

    /// A new mask id.
    pub(crate) fn mask_id(&mut self) -> u64 {
        self.next_mask += 1;
        self.next_mask
    }

    /// Shares of a stored column (a `Data` implementation caches them if it wants to: the
    /// node keeps recently read columns in memory).
    pub(crate) fn stored(&mut self, dataset: &str, encoded: &str) -> Result<AShares> {
        self.data.column(dataset, encoded).map_err(EvalError::Data)
    }
}
