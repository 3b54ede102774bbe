//! Proven ranges of private values (issue 14): every private vector carries an interval that
//! holds the words of *all* its rows (selected or not; a missing row's word is whatever the
//! operations made of its 0), in real units. Stored columns start from their dictionary
//! bounds (`ColumnSpec::bounds`: the declared `min`/`max`, each side defaulting to
//! `±DEFAULT_BOUND` encoded, which uploads enforce); every operation maps the intervals of
//! its operands (interval arithmetic: Moore, *Interval Analysis*, 1966), so the evaluator
//! knows before each step how large its encoded words can be, and refuses ("can reach ...")
//! or rescales instead of letting a word leave the ring `Z_2^64` unnoticed.
//!
//! The bounds are public: they follow from the dictionary and the program, and for a column
//! whose dictionary leaves a side open, from one opened bit per stated bound tried
//! ([`STATED_BOUNDS`]: "every value is below 2^20 units"), checked securely once per dataset
//! version.

/// Largest magnitude an encoded word may reach after an operation: `2^62`, which leaves the
/// sign bit and one bit of headroom for the truncation protocol (`|x| < 2^62`).
pub(crate) const WORD_LIMIT: f64 = 4_611_686_018_427_387_904.0;

/// A closed interval `[lo, hi]` of real values.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Range {
    /// Least value.
    pub lo: f64,
    /// Greatest value.
    pub hi: f64,
}

impl Range {
    /// `[lo, hi]` (the two ordered).
    pub fn new(a: f64, b: f64) -> Range {
        Range {
            lo: a.min(b),
            hi: a.max(b),
        }
    }

    /// The single value `c`.
    pub fn point(c: f64) -> Range {
        Range::new(c, c)
    }

    /// `[0, 1]`: logicals.
    pub fn unit() -> Range {
        Range::new(0.0, 1.0)
    }

    /// The smallest interval holding both.
    pub fn hull(self, o: Range) -> Range {
        Range::new(self.lo.min(o.lo), self.hi.max(o.hi))
    }

    /// The largest magnitude.
    pub fn mag(self) -> f64 {
        self.lo.abs().max(self.hi.abs())
    }

    /// The largest magnitude of an encoded word at `scale` decimals.
    pub fn words(self, scale: u32) -> f64 {
        self.mag() * 10f64.powi(scale as i32)
    }

    /// `-x`.
    pub fn negated(self) -> Range {
        Range::new(-self.hi, -self.lo)
    }

    /// `x + y`.
    pub fn plus(self, o: Range) -> Range {
        Range::new(self.lo + o.lo, self.hi + o.hi)
    }

    /// `x - y`.
    pub fn minus(self, o: Range) -> Range {
        self.plus(o.negated())
    }

    /// `x * y`.
    pub fn times(self, o: Range) -> Range {
        let c = [
            self.lo * o.lo,
            self.lo * o.hi,
            self.hi * o.lo,
            self.hi * o.hi,
        ];
        Range::new(
            c.iter().copied().fold(f64::INFINITY, f64::min),
            c.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        )
    }

    /// `x * x` (never negative).
    pub fn square(self) -> Range {
        let m = self.mag();
        let lo = if self.lo <= 0.0 && self.hi >= 0.0 {
            0.0
        } else {
            self.lo.abs().min(self.hi.abs()).powi(2)
        };
        Range::new(lo, m * m)
    }

    /// The midpoint, as a word at `scale` decimals (the centre of a variance).
    pub fn centre_word(self, scale: u32) -> i64 {
        ((self.lo + self.hi) / 2.0 * 10f64.powi(scale as i32)).round() as i64
    }
}

/// The proven bounds of a private vector: `all` holds the word of every row (missing and
/// unselected rows included: what keeps the ring from wrapping), `present` the values of its
/// present rows (what R sees: the domain that `log`, `sqrt` and division check). A row is
/// present in a result only when it is present in every operand, so each operation maps the
/// two intervals alike; `present` is always within `all`. Dereferences to `all`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bounds {
    /// Every row's word, in real units.
    pub all: Range,
    /// The present rows' values.
    pub present: Range,
}

impl From<Range> for Bounds {
    fn from(r: Range) -> Bounds {
        Bounds { all: r, present: r }
    }
}

impl From<Bounds> for Range {
    fn from(b: Bounds) -> Range {
        b.all
    }
}

impl std::ops::Deref for Bounds {
    type Target = Range;
    fn deref(&self) -> &Range {
        &self.all
    }
}

impl Bounds {
    /// A column's bounds: its values within `present`, and missing rows holding `missing`.
    pub fn with_missing(present: Range, missing: f64) -> Bounds {
        Bounds {
            all: present.hull(Range::point(missing)),
            present,
        }
    }

    /// Both intervals mapped by `f` (a function increasing or decreasing on each).
    pub fn map(self, f: impl Fn(Range) -> Range) -> Bounds {
        Bounds {
            all: f(self.all),
            present: f(self.present),
        }
    }

    /// Both intervals combined with `o`'s by `f`.
    pub fn zip(self, o: impl Into<Bounds>, f: impl Fn(Range, Range) -> Range) -> Bounds {
        let o = o.into();
        Bounds {
            all: f(self.all, o.all),
            present: f(self.present, o.present),
        }
    }

    /// `-x`.
    pub fn negated(self) -> Bounds {
        self.map(Range::negated)
    }

    /// `x + y`.
    pub fn plus(self, o: impl Into<Bounds>) -> Bounds {
        self.zip(o, Range::plus)
    }

    /// `x - y`.
    pub fn minus(self, o: impl Into<Bounds>) -> Bounds {
        self.zip(o, Range::minus)
    }

    /// `x * y`.
    pub fn times(self, o: impl Into<Bounds>) -> Bounds {
        self.zip(o, Range::times)
    }

    /// `x * x`.
    pub fn square(self) -> Bounds {
        self.map(Range::square)
    }

    /// The smallest bounds holding both (`ifelse`, `c()`).
    pub fn hull(self, o: impl Into<Bounds>) -> Bounds {
        self.zip(o, Range::hull)
    }
}

/// Bounds stated for an open side of a column, tried in order (encoded units): a secure check
/// that every value lies within one opens a single bit.
pub(crate) const STATED_BOUNDS: [i64; 3] = [1 << 10, 1 << 20, 1 << 30];

impl super::Evaluator<'_> {
    /// The bounds of a stored numeric or date column `name` of `t` whose dictionary leaves a
    /// side open: the open side's implicit `±DEFAULT_BOUND`, narrowed to the first of
    /// [`STATED_BOUNDS`] that every value of the column is securely checked to respect (one
    /// opened bit per bound tried, kept per dataset version: the same query reveals nothing
    /// new). Tight bounds keep variances exact; the bit says no more than "every value of this
    /// column is below 1024 units", which the dictionary could have declared.
    pub(crate) fn stated_bounds(
        &mut self,
        t: &super::value::PrivTable,
        name: &str,
        spec: &sharestat_dict::ColumnSpec,
        data: &sharestat_mpc::AShares,
    ) -> super::Result<(i64, i64)> {
        let (lo, hi) = spec.bounds();
        let key = t
            .layout
            .iter()
            .map(|s| self.data.version(&s.dataset))
            .collect::<Vec<_>>()
            .join(",")
            + "/"
            + name;
        if let Some(b) = self.history.stated.get(&key) {
            return Ok(*b);
        }
        let n = data.len();
        let mut found = (lo, hi);
        for b in STATED_BOUNDS {
            let (lo_c, hi_c) = (
                if spec.min.is_some() { lo } else { -b },
                if spec.max.is_some() { hi } else { b },
            );
            // Rows beyond an open side: `x < lo_c` or `-x < -hi_c`.
            let mut xs = Vec::new();
            let mut cs = Vec::new();
            if spec.min.is_none() {
                xs.push(data.clone());
                cs.extend(std::iter::repeat_n(lo_c as u64, n));
            }
            if spec.max.is_none() {
                xs.push(data.neg());
                cs.extend(std::iter::repeat_n((-hi_c) as u64, n));
            }
            let all = sharestat_mpc::AShares::concat(&xs.iter().collect::<Vec<_>>());
            let beyond = self.p.lt_public(&all, &cs, super::ops::CMP_BITS)?;
            let count = self.p.b2a_bits(&beyond)?.sum();
            let zero = sharestat_mpc::AShares::from_parts(vec![0], vec![0]);
            let none = self.p.eq(&count, &zero, super::ops::CMP_BITS)?;
            if self.p.reveal_bits(&none)?[0] {
                found = (lo_c, hi_c);
                break;
            }
        }
        self.history.stated.insert(key, found);
        Ok(found)
    }
}

/// A number for messages: 4 significant digits, with an exponent when large.
pub(crate) fn show(x: f64) -> String {
    if x.abs() >= 1e6 {
        format!("{x:.1e}")
    } else {
        crate::display::fmt_num((x * 1e3).round() / 1e3)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_arithmetic_holds_every_combination() {
        let (a, b) = (Range::new(-2.0, 3.0), Range::new(4.0, 5.0));
        assert_eq!(a.plus(b), Range::new(2.0, 8.0));
        assert_eq!(a.minus(b), Range::new(-7.0, -1.0));
        assert_eq!(a.times(b), Range::new(-10.0, 15.0));
        assert_eq!(a.negated(), Range::new(-3.0, 2.0));
        assert_eq!(a.square(), Range::new(0.0, 9.0));
        assert_eq!(b.square(), Range::new(16.0, 25.0));
        assert_eq!(a.hull(b), Range::new(-2.0, 5.0));
        assert_eq!(a.words(2), 300.0);
        assert_eq!(Range::new(0.0, 110.0).centre_word(1), 550);
        // Every product of members is a member.
        for x in [-2.0, 0.0, 3.0] {
            for y in [4.0, 4.5, 5.0] {
                let p = x * y;
                assert!(a.times(b).lo <= p && p <= a.times(b).hi);
            }
        }
    }
}
