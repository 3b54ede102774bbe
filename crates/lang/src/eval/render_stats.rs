//! Printing and JSON of test results and linear models (R's `print.htest`, `print.lm`,
//! `print.summary.lm`): `sharestat-rstats`' functions, under the names the evaluator uses.
pub use sharestat_rstats::format::{pval, signif};
pub use sharestat_rstats::htest::{render_test, render_test_digits, t_p, test_json};
pub use sharestat_rstats::lm::{model_json, render_lm_print, render_model, render_model_digits};
