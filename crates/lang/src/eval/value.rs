//! Runtime values of the evaluator: public values (which may be shown) and private vectors and
//! tables (secret shares on this node, with their private masks).
//!
//! A private vector carries two masks, both secret-shared 0/1 vectors or `None` for "all 1":
//! `present` (0 where the value is missing, `NA`) and `sel` (0 for rows outside a subset, from
//! `subset()` or `x[cond]`). R drops unselected rows and keeps `NA`s, so the two stay apart:
//! `length(x[cond])` counts `sel`, `mean(x, na.rm = TRUE)` uses `sel ∘ present`. Masks get an
//! id when made, identical on the three nodes (they run the same program), so combining a mask
//! with itself costs nothing.
use crate::check::PrivTy;
use sharestat_mpc::AShares;

/// What the encoded words of a private vector mean.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Numbers scaled by `10^scale`.
    Num {
        /// Decimal places of the encoding.
        scale: u32,
    },
    /// Level indices `0..levels.len()`.
    Cat {
        /// The levels in order.
        levels: Vec<String>,
    },
    /// 0/1.
    Bool,
    /// Days since 1970-01-01.
    Date,
}

/// A run of rows that come from one dataset, in a private vector's row order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seg {
    /// Dataset name.
    pub dataset: String,
    /// Its rows.
    pub rows: usize,
}

/// Total rows of a layout.
pub fn layout_rows(layout: &[Seg]) -> usize {
    layout.iter().map(|s| s.rows).sum()
}

/// A shared 0/1 mask with an id (equal ids: the same mask).
#[derive(Clone, Debug)]
pub struct Mask {
    /// Identifies the mask within one evaluation.
    pub id: u64,
    /// The shares.
    pub shares: AShares,
    /// Made by comparing numbers or dates (`x > k`, `x == k`, `cut`): a threshold the query
    /// chooses can move across single patients, so the counts of such rows are refused
    /// when below `min_cell`, zero included (`disclose.rs`).
    pub ordered: bool,
}

/// One additive part of a private vector's value: zero outside `rows`.
#[derive(Clone, Debug)]
pub struct Term {
    /// The rows where the part can be non-zero (`None`: every row).
    pub rows: Option<Mask>,
    /// The part is a public constant on its rows (it was made from conditions alone, as
    /// in `(x > k) * 1` or `ifelse(c, 2, 0)`): an aggregate of it is a count of `rows`.
    pub count: bool,
}

/// Which rows can influence a private vector (disclosure control, design brief §7): its
/// value is a public constant plus the sum of its [`Term`]s, each zero outside its rows.
/// `x * cond` has one term on the rows of `cond`; `ifelse(c, x, y)` has two; a constant
/// has none. Every aggregate is checked on the rows of each term, not only on the rows it
/// selects, so a sum over `x * cond` is refused exactly when a sum over `x[cond]` would be.
#[derive(Clone, Debug)]
pub struct Support {
    /// The additive parts (empty: the value is a public constant by construction).
    pub terms: Vec<Term>,
    /// Levels made by comparing numbers with query-chosen values (`cut(x, breaks)`).
    pub ordered: bool,
    /// The values are in the reverse order of their source's (`-x`, `10 - x`), for the
    /// quantile rules.
    pub reversed: bool,
}

impl Support {
    /// A stored column: one part over every row.
    pub fn all() -> Support {
        Support {
            terms: vec![Term {
                rows: None,
                count: false,
            }],
            ordered: false,
            reversed: false,
        }
    }

    /// A logical vector, as the mask of its TRUE rows: one counting part.
    pub fn indicator(m: Mask) -> Support {
        Support {
            terms: vec![Term {
                rows: Some(m),
                count: true,
            }],
            ordered: false,
            reversed: false,
        }
    }

    /// A public constant: no part.
    pub fn constant() -> Support {
        Support {
            terms: Vec::new(),
            ordered: false,
            reversed: false,
        }
    }

    /// Every part is a count (the value is a function of conditions alone).
    pub fn is_count(&self) -> bool {
        self.terms.iter().all(|t| t.count)
    }

    /// Some part's rows come from comparing numbers or dates.
    pub fn ordered(&self) -> bool {
        self.ordered
            || self
                .terms
                .iter()
                .any(|t| t.rows.as_ref().is_some_and(|m| m.ordered))
    }

    /// The parts of `self` and `other` (the value of a sum), each mask once.
    pub fn union(&self, other: &Support) -> Support {
        let mut terms = self.terms.clone();
        for t in &other.terms {
            let same = terms.iter_mut().find(|u| match (&u.rows, &t.rows) {
                (None, None) => true,
                (Some(a), Some(b)) => a.id == b.id,
                _ => false,
            });
            match same {
                Some(u) => u.count &= t.count,
                None => terms.push(t.clone()),
            }
        }
        Support {
            terms,
            ordered: self.ordered || other.ordered,
            reversed: false,
        }
    }
}

/// A private vector.
#[derive(Clone, Debug)]
pub struct PrivVec {
    /// What the words mean.
    pub kind: Kind,
    /// Encoded values (0 where missing). For a categorical whose one-hot columns are known,
    /// may be empty (codes not materialised; see `Evaluator::codes`).
    pub data: AShares,
    /// For categoricals: one 0/1 vector per level, when known.
    pub onehot: Option<Vec<AShares>>,
    /// Present (not `NA`) mask.
    pub present: Option<Mask>,
    /// Selection (subset) mask.
    pub sel: Option<Mask>,
    /// Where the rows come from.
    pub layout: Vec<Seg>,
    /// Which rows can influence the value (see [`Support`]).
    pub support: Support,
    /// Proven bounds on the words of every row and on the present values, in real units
    /// (see [`super::range`]).
    pub range: super::range::Bounds,
}

impl PrivVec {
    /// Number of rows (selected or not).
    pub fn len(&self) -> usize {
        layout_rows(&self.layout)
    }

    /// True for a vector without rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A person-readable type: `private numeric vector [48]`.
    pub fn describe(&self) -> String {
        let what = match &self.kind {
            Kind::Num { .. } => "numeric vector".to_owned(),
            Kind::Cat { levels } => format!("categorical vector ({} levels)", levels.len()),
            Kind::Bool => "logical vector".to_owned(),
            Kind::Date => "date vector".to_owned(),
        };
        let subset = if self.sel.is_some() {
            ", subset of private size"
        } else {
            ""
        };
        format!("private {what} [{}{subset}]", self.len())
    }
}

/// A private table: rows of one or more datasets (with the study's columns) and a selection.
#[derive(Clone, Debug)]
pub struct PrivTable {
    /// Where the rows come from.
    pub layout: Vec<Seg>,
    /// Column names and types.
    pub columns: Vec<(String, PrivTy)>,
    /// Selection mask.
    pub sel: Option<Mask>,
    /// Columns set by the program (`t$x <- ...`), over all rows of the layout; the table's
    /// selection applies to them as to its stored columns.
    pub derived: Vec<(String, PrivVec)>,
}

impl PrivTable {
    /// `e` names a stored column of this table as it is (`event`, `d$event`), not one the
    /// program set or computed.
    pub(crate) fn stored_column(&self, e: &crate::ast::Expr) -> bool {
        use crate::ast::ExprKind;
        let name = match &e.kind {
            ExprKind::Ident(n) => n,
            ExprKind::Dollar { field, .. } => field,
            _ => return false,
        };
        self.columns.iter().any(|(c, _)| c == name) && !self.derived.iter().any(|(c, _)| c == name)
    }
}

/// A contingency table of counts (`freq`, `table`): one or two dimensions.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// Per dimension: its name (may be empty) and level labels.
    pub dims: Vec<(String, Vec<String>)>,
    /// Counts in row-major order (the last dimension varies fastest).
    pub counts: Vec<u64>,
}

/// A frequency table with hidden cells (`small_cells = "suppress"`, `suppress.rs`).
#[derive(Debug, Clone, PartialEq)]
pub struct SuppressedTable {
    /// The table (hidden cells hold 0).
    pub table: Table,
    /// Which cells are hidden, in the order of the counts.
    pub hidden: Vec<bool>,
}

impl SuppressedTable {
    /// Each cell as `shown` of its count, or `hidden` where suppression hid it.
    pub fn cells<T>(&self, shown: impl Fn(u64) -> T, hidden: impl Fn() -> T) -> Vec<T> {
        let cells = self.table.counts.iter().zip(&self.hidden);
        cells
            .map(|(c, h)| if *h { hidden() } else { shown(*c) })
            .collect()
    }
}

pub use sharestat_rstats::htest::HTest;

pub use sharestat_rstats::glm::GlmFit;
pub use sharestat_rstats::lm::LmFit;
pub use sharestat_rstats::pairwise::Pairwise;

/// A value that may be shown.
#[derive(Clone, Debug, PartialEq)]
pub enum Public {
    /// `NULL`.
    Null,
    /// A numeric vector (`None` is `NA`), optionally named.
    Num {
        /// Values.
        values: Vec<Option<f64>>,
        /// Element names (`quantile`, `summary`).
        names: Option<Vec<String>>,
    },
    /// A character vector.
    Str(Vec<Option<String>>),
    /// A logical vector.
    Bool(Vec<Option<bool>>),
    /// A table of counts.
    Table(Table),
    /// A table of counts with hidden cells (small-cell suppression).
    Suppressed(Box<SuppressedTable>),
    /// Text shown as it is (`print` of a private value).
    Note(String),
    /// A statistical test's result (R's `htest`).
    Test(Box<HTest>),
    /// A fitted linear model (R's `summary(lm(...))`).
    Model(Box<LmFit>),
    /// A generalised linear model (R's `glm`).
    Glm(Box<GlmFit>),
    /// Pairwise comparisons (R's `pairwise.htest`).
    Pairwise(Box<Pairwise>),
    /// A study's "Table 1" (`table1`).
    Table1(Box<sharestat_rstats::table1::Table1>),
    /// An analysis of deviance of nested fits (R's `anova.glmlist`).
    Anova(Box<sharestat_rstats::anova::AnovaGlm>),
    /// The sequential analysis of variance of a linear model (R's `anova(lm)`).
    AnovaLm(Box<sharestat_rstats::aov::AnovaLm>),
    /// An analysis of variance fit (R's `aov`).
    Aov(Box<sharestat_rstats::aov::Aov>),
    /// Kaplan-Meier curves (R's `survfit`).
    Surv(Box<super::surv::SurvFit>),
    /// A log-rank test (R's `survdiff`).
    LogRank(Box<super::surv::LogRank>),
    /// A Cox model (R's `coxph`).
    Cox(Box<super::cox::CoxModel>),
    /// R's `prop.table` of a table: one proportion per cell, in the table's layout.
    Props {
        /// The table (its dimensions and counts).
        table: Table,
        /// The proportions, row-major as the counts.
        props: Vec<f64>,
    },
    /// A table of numbers by column (`summary(fit, times = ...)`), with an optional first
    /// column of labels.
    Frame {
        /// Label column: its name and one label per row.
        labels: Option<(String, Vec<String>)>,
        /// Columns: name and values.
        columns: Vec<(String, Vec<Option<f64>>)>,
        /// Of `summary(survfit)`: R's `$table`, the numbers per curve (not printed with it).
        table: Option<Box<Public>>,
    },
    /// R's `data.frame` of public columns (`predict`'s `newdata`): each column a public
    /// vector of the same length.
    DataFrame(Vec<(String, Public)>),
    /// R's list of named public values (`predict(..., se.fit = TRUE)`).
    List(Vec<(String, Public)>),
    /// A plot for the client to draw into `file` (nodes write no files).
    Plot {
        /// The file the client writes (`.svg` or `.png`).
        file: String,
        /// What to draw: a `Surv` fit or a `Table`.
        what: Box<Public>,
        /// Draw confidence bands.
        conf_int: bool,
        /// Title.
        main: String,
        /// The axes' labels (`xlab`, `ylab`), when given (else the plot's own).
        labels: [Option<String>; 2],
        /// R's graphical arguments: limits, colours, line types.
        style: PlotStyle,
        /// A Kaplan-Meier figure's journal options (`ggsurvplot`), as the client reads them
        /// (`sharestat_plot::journal::KmOptions`'s JSON).
        km_options: Option<Box<serde_json::Value>>,
    },
    /// A formula, as source.
    Formula(String),
}

/// R's graphical arguments of a plot, each when given.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlotStyle {
    /// `xlim`: the x axis from, to.
    pub xlim: Option<[f64; 2]>,
    /// `ylim`: the y axis from, to.
    pub ylim: Option<[f64; 2]>,
    /// `col`: colours as `#RRGGBB(AA)`, one per curve or bar, recycled.
    pub col: Vec<String>,
    /// `lty`: R's line types (0 blank, 1 solid, 2 dashed, 3 dotted, 4 dotdash, 5 longdash,
    /// 6 twodash), one per curve, recycled.
    pub lty: Vec<u8>,
}

impl Public {
    /// One number.
    pub fn num(v: f64) -> Public {
        Public::Num {
            values: vec![Some(v)],
            names: None,
        }
    }

    /// A numeric vector without names.
    pub fn nums(v: impl IntoIterator<Item = Option<f64>>) -> Public {
        Public::Num {
            values: v.into_iter().collect(),
            names: None,
        }
    }

    /// Number of elements (cells for a table).
    pub fn len(&self) -> usize {
        match self {
            Public::Null => 0,
            Public::Num { values, .. } => values.len(),
            Public::Str(v) => v.len(),
            Public::Bool(v) => v.len(),
            Public::Table(t) => t.counts.len(),
            Public::Suppressed(s) => s.table.counts.len(),
            Public::Note(_)
            | Public::Formula(_)
            | Public::Test(_)
            | Public::Model(_)
            | Public::Glm(_)
            | Public::Pairwise(_)
            | Public::Table1(_)
            | Public::Anova(_)
            | Public::AnovaLm(_)
            | Public::Aov(_)
            | Public::Surv(_)
            | Public::LogRank(_)
            | Public::Cox(_)
            | Public::Plot { .. } => 1,
            Public::Frame { columns, .. } => columns.first().map_or(0, |c| c.1.len()),
            Public::DataFrame(columns) | Public::List(columns) => columns.len(),
            Public::Props { props, .. } => props.len(),
        }
    }

    /// True for `NULL` and empty vectors.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Any value.
#[derive(Clone, Debug)]
pub enum Value {
    /// Public.
    Pub(Public),
    /// A private vector.
    Vec(PrivVec),
    /// A private table.
    Table(PrivTable),
}

impl Value {
    /// Bytes of shares this node holds for the value (two words per row of every vector and
    /// mask it carries; a table's stored columns are read on demand and not counted). A
    /// function of public lengths: every node computes the same number.
    pub fn share_bytes(&self) -> u64 {
        fn mask(m: &Option<Mask>) -> u64 {
            m.as_ref().map_or(0, |m| shares(&m.shares))
        }
        fn shares(s: &AShares) -> u64 {
            16 * s.len() as u64
        }
        fn vec(v: &PrivVec) -> u64 {
            let onehot: u64 = v.onehot.iter().flatten().map(shares).sum();
            let terms: u64 = v.support.terms.iter().map(|t| mask(&t.rows)).sum();
            shares(&v.data) + onehot + mask(&v.present) + mask(&v.sel) + terms
        }
        match self {
            Value::Pub(_) => 0,
            Value::Vec(v) => vec(v),
            Value::Table(t) => mask(&t.sel) + t.derived.iter().map(|(_, v)| vec(v)).sum::<u64>(),
        }
    }
}
