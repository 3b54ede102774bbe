//! R's `alternative =` argument and the p-value of the asked tail.
//!
//! R's tests take `alternative = c("two.sided", "less", "greater")` through `match.arg`, so a
//! prefix (`"g"`, `"two"`) selects one. For a statistic with a continuous null distribution
//! `F`, R's p-value is `F(z)` for `less`, `1 − F(z)` for `greater` and
//! `2 min(F(z), 1 − F(z))` for `two.sided`.
use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

/// R's `alternative`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Alt {
    /// `"two.sided"`: the statistic differs from its null value either way.
    TwoSided,
    /// `"less"`: the statistic is below its null value.
    Less,
    /// `"greater"`: the statistic is above its null value.
    Greater,
}

impl Alt {
    /// `two.sided`, `less` or `greater`, or a non-empty prefix of one (R's `match.arg`).
    pub fn parse(s: &str) -> Option<Alt> {
        [
            ("two.sided", Alt::TwoSided),
            ("less", Alt::Less),
            ("greater", Alt::Greater),
        ]
        .into_iter()
        .find(|(name, _)| !s.is_empty() && name.starts_with(s))
        .map(|(_, a)| a)
    }

    /// R's name of the alternative (what `print.htest` shows without a null value).
    pub fn name(self) -> &'static str {
        match self {
            Alt::TwoSided => "two.sided",
            Alt::Less => "less",
            Alt::Greater => "greater",
        }
    }

    /// The words of R's `alternative hypothesis:` line (`"not equal to"`, ...).
    pub fn words(self) -> &'static str {
        match self {
            Alt::TwoSided => "not equal to",
            Alt::Less => "less than",
            Alt::Greater => "greater than",
        }
    }

    /// The p-value of `z` under a null distribution function `cdf` (upper tail `1 − cdf(z)`
    /// computed by the caller's `upper` for accuracy in the far tail).
    pub fn p_value(self, lower: f64, upper: f64) -> f64 {
        match self {
            Alt::Less => lower,
            Alt::Greater => upper,
            Alt::TwoSided => (2.0 * lower.min(upper)).min(1.0),
        }
    }

    /// The p-value of a standard normal statistic `z`.
    pub fn normal_p(self, z: f64) -> f64 {
        let n = Normal::standard();
        self.p_value(n.cdf(z), n.cdf(-z))
    }

    /// The p-value of a t statistic with `df` degrees of freedom (`NaN` for invalid df).
    pub fn t_p(self, t: f64, df: f64) -> f64 {
        match StudentsT::new(0.0, 1.0, df) {
            Ok(d) if !t.is_nan() => self.p_value(d.cdf(t), d.cdf(-t)),
            _ => f64::NAN,
        }
    }

    /// R's p-value of a discrete statistic `q` (`W`, `V`, `T`) whose null distribution
    /// function is `cdf` (`P(Q ≤ q)`) and whose centre is `mid`: `P(Q ≤ q)` for `less`,
    /// `P(Q ≥ q)` for `greater`, and twice the tail on `q`'s side of `mid`, at most 1.
    pub fn discrete_p(self, q: f64, mid: f64, cdf: impl Fn(f64) -> f64) -> f64 {
        let upper = |q: f64| 1.0 - cdf(q - 1.0);
        match self {
            Alt::Less => cdf(q),
            Alt::Greater => upper(q),
            Alt::TwoSided => {
                let p = if q > mid { upper(q) } else { cdf(q) };
                (2.0 * p).min(1.0)
            }
        }
    }

    /// R's continuity correction of a normal approximation (`sign(z) 0.5` two-sided, `0.5`
    /// for `greater`, `−0.5` for `less`), applied when `correct`.
    pub fn correction(self, z: f64, correct: bool) -> f64 {
        if !correct {
            return 0.0;
        }
        match self {
            Alt::TwoSided => 0.5 * sign(z),
            Alt::Greater => 0.5,
            Alt::Less => -0.5,
        }
    }
}

/// R's `sign`: −1, 0 or 1.
fn sign(z: f64) -> f64 {
    if z > 0.0 {
        1.0
    } else if z < 0.0 {
        -1.0
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::Alt;

    #[test]
    fn match_arg_prefixes() {
        assert_eq!(Alt::parse("g"), Some(Alt::Greater));
        assert_eq!(Alt::parse("two"), Some(Alt::TwoSided));
        assert_eq!(Alt::parse("l"), Some(Alt::Less));
        assert_eq!(Alt::parse(""), None);
        assert_eq!(Alt::parse("bigger"), None);
    }

    #[test]
    fn tails_of_the_normal() {
        // pnorm(1.96) = 0.9750021048517795
        let got = Alt::Less.normal_p(1.96);
        assert!((got - 0.9750021048517796).abs() < 1e-10, "{got}");
        assert!((Alt::Greater.normal_p(1.96) - 0.024997895148220428).abs() < 1e-10);
        assert!((Alt::TwoSided.normal_p(-1.96) - 0.049995790296440856).abs() < 1e-10);
        assert_eq!(Alt::TwoSided.correction(0.0, true), 0.0);
        assert_eq!(Alt::Less.correction(3.0, true), -0.5);
    }
}
