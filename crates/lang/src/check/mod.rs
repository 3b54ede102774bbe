//! The type checker: runs before anything executes and refuses any statement that
//! would print or return private (patient-level) data.
//!
//! Every expression has a [`Ty`]: [`Ty::Public`] values (literals, aggregates, row
//! counts) may be shown; [`Ty::Private`] values (a loaded dataset, its columns and
//! everything computed element-wise from them) live secret-shared on the nodes and
//! may only be assigned to variables, fed to aggregates (`mean`, `quantile`, `freq`,
//! ...) or described with `print`. An expression statement of a private type is a
//! [`TypeError`] that names the expression and points at it.
//!
//! A [`Checker`] keeps the variables across calls of [`Checker::check_program`], so
//! a REPL checks line after line; a program that fails leaves the variables as they
//! were. Datasets come from the [`Env`]: `load("munich")` is a private table with
//! the columns of that dataset's [`Dictionary`].
//!
//! ```
//! use sharestat_lang::check::{Checker, Env, PubTy, Ty};
//! use sharestat_lang::parse;
//!
//! let dict = sharestat_dict::Dictionary::parse(
//!     "study = \"s\"\n[[columns]]\nname = \"age\"\ntype = \"integer\"\n",
//! ).unwrap();
//! let mut checker = Checker::new(Env::new().with_dataset("munich", dict));
//! let types = checker.check_program(&parse("tm <- load(\"munich\")\nmean(tm$age)").unwrap());
//! assert_eq!(types.unwrap()[1], Ty::Public(PubTy::Num));
//! let err = checker.check_program(&parse("tm$age").unwrap()).unwrap_err();
//! assert!(err.to_string().contains("would print private data: `tm$age`"));
//! ```
//!
//! Files: `error.rs` ([`TypeError`], [`TypeErrorKind`]), `expr.rs` (names, `$`,
//! indexing, operators), `call.rs` (argument matching and the functions).

mod call;
mod error;
mod expr;

/// What a function module's type rule uses (`Builtin::check`).
pub(crate) mod rules {
    pub(crate) use super::call::{first, missing, public, required, ty_of};
    pub(crate) use super::describe;
    pub(crate) use super::expr::{Elem, Scope, elem, logical, mismatch, numeric, unsupported};
    pub(crate) use crate::builtins::args::arg_error;
}
mod factor;

use std::collections::{BTreeMap, HashMap};

use sharestat_dict::{ColumnType, Dictionary};

pub use error::{TypeError, TypeErrorKind};

use crate::ast::{Expr, Program, StmtKind};
use crate::builtins::args::{Calls, match_calls};

/// A program the checker accepted, the only form the evaluator runs
/// ([`crate::eval::Evaluator::run`]): the statements before the first one the checker
/// refused (all of them when none was) and that refusal, which the script reports after
/// their outputs, as Rscript stops at an error.
#[derive(Debug, Clone)]
pub struct Checked {
    pub(crate) program: Program,
    /// Every call's matched arguments.
    pub(crate) calls: Calls,
    /// The type of each accepted statement.
    pub types: Vec<Ty>,
    /// The first statement the checker refused, if any.
    pub refused: Option<TypeError>,
}

impl Checked {
    /// The accepted statements.
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// `program` as if the checker had accepted it all: for tests of the evaluator's own
    /// defences (the node never uses it).
    #[doc(hidden)]
    pub fn without_checker(program: &Program) -> Checked {
        let mut calls = Calls::default();
        for s in &program.stmts {
            calls.extend(match_calls(s.expr()).0);
        }
        Checked {
            program: program.clone(),
            calls,
            types: Vec::new(),
            refused: None,
        }
    }
}

/// The type of a value: public (may be shown) or private (never leaves the nodes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    /// A value that may be shown.
    Public(PubTy),
    /// Patient-level data.
    Private(PrivTy),
}

/// Public types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PubTy {
    /// One number.
    Num,
    /// One integer (counts such as `length`, `nrow`).
    Int,
    /// One string.
    Str,
    /// One logical value.
    Bool,
    /// `NULL`.
    Null,
    /// A numeric vector.
    NumVec,
    /// A character vector.
    StrVec,
    /// A logical vector.
    BoolVec,
    /// A table of results (`summary`, `freq`, `table`).
    Table,
    /// A formula `y ~ x`.
    Formula,
    /// A public value not typed further (results of statistical tests, `NA`).
    Any,
}

/// Private types. Vectors carry their availability (missing-value) mask implicitly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrivTy {
    /// A numeric vector with exact decimals (integers have 0).
    Num {
        /// Decimal places.
        decimals: u32,
    },
    /// A categorical vector.
    Cat {
        /// The levels in order (empty when not known).
        levels: Vec<String>,
    },
    /// A logical vector.
    Bool,
    /// A date vector.
    Date,
    /// A table: a loaded dataset, or a subset or `rbind` of them.
    Table {
        /// The columns in order.
        columns: Vec<(String, PrivTy)>,
    },
}

impl PrivTy {
    /// The private type of a dictionary column.
    pub fn from_column(ty: &ColumnType) -> PrivTy {
        match ty {
            ColumnType::Integer => PrivTy::Num { decimals: 0 },
            ColumnType::Decimal { decimals } => PrivTy::Num {
                decimals: *decimals,
            },
            ColumnType::Categorical { levels, .. } => PrivTy::Cat {
                levels: levels.clone(),
            },
            ColumnType::Boolean => PrivTy::Bool,
            ColumnType::Date => PrivTy::Date,
        }
    }

    /// The private table of a dictionary's columns.
    pub fn from_dictionary(dict: &Dictionary) -> PrivTy {
        PrivTy::Table {
            columns: dict
                .columns
                .iter()
                .map(|c| (c.name.clone(), PrivTy::from_column(&c.ty)))
                .collect(),
        }
    }
}

/// A person-readable description: `private numeric vector`, `private table with 26
/// columns`, `public numeric vector`, ...
pub fn describe(ty: &Ty) -> String {
    match ty {
        Ty::Private(p) => match p {
            PrivTy::Num { .. } => "private numeric vector".to_owned(),
            PrivTy::Cat { levels } => {
                format!("private categorical vector with {} levels", levels.len())
            }
            PrivTy::Bool => "private logical vector".to_owned(),
            PrivTy::Date => "private date vector".to_owned(),
            PrivTy::Table { columns } => {
                format!("private table with {} columns", columns.len())
            }
        },
        Ty::Public(p) => match p {
            PubTy::Num => "public number",
            PubTy::Int => "public integer",
            PubTy::Str => "public string",
            PubTy::Bool => "public logical value",
            PubTy::Null => "NULL",
            PubTy::NumVec => "public numeric vector",
            PubTy::StrVec => "public character vector",
            PubTy::BoolVec => "public logical vector",
            PubTy::Table => "public table",
            PubTy::Formula => "formula",
            PubTy::Any => "public value",
        }
        .to_owned(),
    }
}

/// What the checker knows about the world: the datasets that `load` can open.
#[derive(Debug, Clone, Default)]
pub struct Env {
    /// Dataset name -> the dictionary of its columns (shared: the datasets of a study have one
    /// dictionary, and checkers and evaluators are made per query).
    pub datasets: BTreeMap<String, std::sync::Arc<Dictionary>>,
    /// The study the query runs in, when there is one (a node always sets it). A query reads
    /// only this study: `load(study, name)` naming another study is refused (its datasets,
    /// grants, policy and release history are not this query's), and `load(name)` and
    /// `load(this_study, name)` read the same dataset. `None` (tests, a study-less
    /// environment) accepts any study name.
    pub study: Option<String>,
}

impl Env {
    /// An environment without datasets.
    pub fn new() -> Env {
        Env::default()
    }

    /// Adds the dataset `name` with the columns of `dict`.
    pub fn with_dataset(
        mut self,
        name: impl Into<String>,
        dict: impl Into<std::sync::Arc<Dictionary>>,
    ) -> Env {
        self.datasets.insert(name.into(), dict.into());
        self
    }

    /// Sets the study the query runs in (see [`Env::study`]).
    pub fn in_study(mut self, study: impl Into<String>) -> Env {
        self.study = Some(study.into());
        self
    }

    /// Checks the study argument of `load(study, name)`: `Err` with the message to show when
    /// it names another study than the query's.
    pub fn check_load_study(&self, named: &str) -> Result<(), String> {
        match &self.study {
            Some(current) if current != named => Err(format!(
                "load(\"{named}\", ...) reads study {named}, but this query runs in study \
                 {current}; a query reads one study: run it in study {named}"
            )),
            _ => Ok(()),
        }
    }
}

/// Checks programs statement by statement, keeping the variables between calls.
#[derive(Debug, Clone)]
pub struct Checker {
    env: Env,
    vars: HashMap<String, Ty>,
    /// The matched arguments of every call checked since the last program began.
    calls: Calls,
}

impl Checker {
    /// A checker with no variables yet.
    pub fn new(env: Env) -> Checker {
        Checker {
            env,
            vars: HashMap::new(),
            calls: Calls::default(),
        }
    }

    /// The environment.
    pub fn env(&self) -> &Env {
        &self.env
    }

    /// The type of variable `name`, if assigned.
    pub fn var(&self, name: &str) -> Option<&Ty> {
        self.vars.get(name)
    }

    /// Checks `program` and returns the type of each statement (an assignment has
    /// the type of its value). The first error stops the check; then no variable
    /// of the program is kept.
    pub fn check_program(&mut self, program: &Program) -> Result<Vec<Ty>, TypeError> {
        self.calls = Calls::default();
        let saved = self.vars.clone();
        let result = self.statements(program);
        if result.is_err() {
            self.vars = saved;
        }
        result
    }

    /// `target$column <- value`: the table `target` with `column` set (added or replaced) to
    /// the private vector `value`, computed row by row from the table.
    fn set_column(&mut self, target: &str, column: &str, value: &Expr) -> Result<Ty, TypeError> {
        let Some(Ty::Private(PrivTy::Table { columns })) = self.vars.get(target).cloned() else {
            return Err(expr::unsupported(
                value,
                format!("`{target}$... <-` needs `{target}` to be a private table (from load())"),
            ));
        };
        let col_ty = match self.type_of(value)? {
            Ty::Private(PrivTy::Table { .. }) | Ty::Public(_) => {
                return Err(expr::unsupported(
                    value,
                    format!(
                        "a column of `{target}` must be a private vector computed from its rows, \
                         e.g. {target}${column} <- ifelse({target}$x > 1, \"a\", \"b\")"
                    ),
                ));
            }
            Ty::Private(p) => p,
        };
        let mut columns = columns;
        match columns.iter_mut().find(|(n, _)| n == column) {
            Some(c) => c.1 = col_ty,
            None => columns.push((column.to_owned(), col_ty)),
        }
        Ok(Ty::Private(PrivTy::Table { columns }))
    }

    fn statements(&mut self, program: &Program) -> Result<Vec<Ty>, TypeError> {
        program.stmts.iter().map(|s| self.statement(s)).collect()
    }

    /// Checks a script as Rscript runs one: the statements before the first that is
    /// refused are accepted (their variables kept), and that refusal is reported after
    /// their outputs ([`Checked::refused`]).
    pub fn check_script(&mut self, program: &Program) -> Checked {
        self.calls = Calls::default();
        let mut types = Vec::with_capacity(program.stmts.len());
        let mut refused = None;
        for stmt in &program.stmts {
            match self.statement(stmt) {
                Ok(t) => types.push(t),
                Err(e) => {
                    refused = Some(e);
                    break;
                }
            }
        }
        Checked {
            program: Program {
                stmts: program.stmts[..types.len()].to_vec(),
            },
            types,
            refused,
            calls: std::mem::take(&mut self.calls),
        }
    }

    /// The type of one statement (an assignment's is its value's); an assignment binds.
    /// Every call's arguments are matched first, once (`builtins/args.rs`).
    fn statement(&mut self, stmt: &crate::ast::Stmt) -> Result<Ty, TypeError> {
        let (calls, failed) = match_calls(stmt.expr());
        if let Some(e) = failed {
            return Err(e);
        }
        self.calls.extend(calls);
        match &stmt.kind {
            StmtKind::Assign {
                target,
                column: None,
                value,
                ..
            } => {
                let ty = self.type_of(value)?;
                self.vars.insert(target.clone(), ty.clone());
                Ok(ty)
            }
            StmtKind::Assign {
                target,
                column: Some(column),
                value,
                ..
            } => {
                let ty = self.set_column(target, column, value)?;
                self.vars.insert(target.clone(), ty.clone());
                Ok(ty)
            }
            StmtKind::Expr(e) => {
                let ty = self.type_of(e)?;
                if let Ty::Private(p) = &ty {
                    return Err(TypeError::new(
                        e,
                        TypeErrorKind::PrivateOutput {
                            expr: e.to_string(),
                            what: describe(&ty),
                            hint: hint(p),
                        },
                    ));
                }
                Ok(ty)
            }
        }
    }
}

/// Aggregates that suit a private type, for the message of a refused statement.
fn hint(ty: &PrivTy) -> &'static str {
    match ty {
        PrivTy::Num { .. } => "mean(), quantile()",
        PrivTy::Cat { .. } | PrivTy::Bool => "freq(), table()",
        PrivTy::Date => "min(), range()",
        PrivTy::Table { .. } => "nrow(), names(), summary()",
    }
}
