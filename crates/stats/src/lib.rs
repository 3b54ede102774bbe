//! # sharestat-stats: statistics on secret-shared columns
//!
//! The layer between the engine (`sharestat-mpc`) and the analysis language: each function
//! takes the shares of a column (and its private presence mask), runs the secure computation
//! in lockstep on the three nodes, and returns **public** results, revealing only what its doc
//! says. Arithmetic is exact wherever the statistic allows: counts and sums are computed in the
//! ring as integers (decimals are stored as integers scaled by `10^decimals`) and divided only
//! after the aggregates are revealed, as the design brief asks.
//!
//! - [`column`]: a shared column with its presence mask and decimal scale.
//! - [`cox`]: Cox regression (Efron or Breslow ties) by Newton-Raphson on secure score sums.
//! - [`glm`]: generalised linear models (binomial logit, Poisson log) by R's iteration on
//!   secure scores.
//! - [`summary`]: count, sum, mean, variance, standard deviation.
//! - [`order`]: quantiles (R type 7), median, min and max, by secure selection.
//! - [`freq`]: frequency tables of one-hot encoded categorical columns.
//! - [`distinct`]: frequency tables of numeric columns (distinct values), small cells refused.
//! - [`rank`]: the Wilcoxon rank-sum and signed-rank statistics with ties, Spearman's rank
//!   sums, from oblivious sorts and scans.
//! - [`kendall`]: Kendall's `S` and tie sums (pairwise signs; quadratic, bounded rows).
//! - [`round`]: `floor` of private decimals (exact division by `10^s`).
//! - [`sorted`]: one sort of a column shared by its quantiles overall and per group and the
//!   rank-sum statistic (`table1`'s numeric variables).
//! - [`logrank`]: the strict log-rank test (k groups), revealing only its statistic.
//! - [`linalg`]: inverse of small matrices (public model fitting).
//! - [`leverage`]: a model's cross-products and the leverage rule (one bit: some hat value above
//!   a bound).
//! - [`disclose`]: secure disclosure-control tests that reveal only pass/fail bits.
//! - [`magnitude`]: a secret power-of-two bound on the largest value (the scale of the noise of
//!   perturbed sums).
#![forbid(unsafe_code)]

pub mod column;
pub mod cox;
pub mod disclose;
pub mod distinct;
pub mod freq;
pub mod glm;
pub mod kendall;
pub mod leverage;
pub mod linalg;
pub mod logrank;
pub mod magnitude;
pub mod order;
pub mod rank;
pub mod round;
pub mod sorted;
pub mod summary;

pub use column::Column;
