//! Public polynomials of a shared fixed-point value by Estrin's scheme (Estrin, "Organization
//! of computer systems: the fixed plus variable structure computer", 1960; Knuth, TAOCP vol. 2,
//! §4.6.4): `c_0 + c_1 v + ... + c_d v^d` as `(c_0 + c_1 v) + (c_2 + c_3 v) v^2 + ...`, pairs
//! of terms combined level by level with `v^2, v^4, ...`. Horner's rule needs `d` sequential
//! fixed-point products; Estrin's `⌈log2 (d + 1)⌉`, each level one round of products and one
//! batched truncation. With exact rounding a truncation costs about eight rounds, so the
//! degree-7 power of two takes 27 rounds instead of 63 and the degree-9 logarithm 36 instead
//! of 81.
//!
//! Estrin's scheme truncates about half as often again as Horner's rule (the odd terms
//! `c_2i+1 v` at the first level), so beyond [`ESTRIN_MAX_ELEMENTS`] elements, where bytes
//! and work rather than rounds set the time, [`Party::poly_eval`] uses Horner's rule.
//!
//! A level's products also carry `tree`: integer factors multiplied pairwise (no truncation),
//! one level of their product tree per level of the polynomial (the power of two's `2^k`).
//!
//! Error: every truncation is at most one unit `2^-f` (`floor`, or to nearest with
//! `nearest`); `|v| <= 1`, so `v^(2^j)` carries at most `2^(j+1) − 1` units and each
//! combined term its own unit plus its parts' errors weighted by coefficients below 1: a few
//! units for the polynomials used here (tested against `f64` evaluation).
use crate::party::Party;
use crate::share::AShares;

/// Up to this many elements a polynomial is evaluated by Estrin's scheme (fewer rounds);
/// beyond, by Horner's rule (about a third fewer truncations: the bytes and the work that
/// dominate at many rows). Both are deterministic in the secret and within the same error.
pub const ESTRIN_MAX_ELEMENTS: usize = 4096;

impl Party {
    /// `Σ_i c[i] v^i` at `f` fractional bits for shared `v` at `f` bits with `|v| <= 1`, by
    /// Estrin's scheme (`⌈log2 (d + 1)⌉` levels), every truncation to nearest.
    pub fn poly(&mut self, v: &AShares, c: &[f64], f: u32) -> crate::Result<AShares> {
        if c.is_empty() || f > 30 {
            return Err(crate::error::MpcError::param(
                "poly",
                format!("{} coefficients at f = {f}", c.len()),
            ));
        }
        self.poly_eval(v, c, f, true, &mut Vec::new())
    }

    /// [`Party::poly_estrin`] up to [`ESTRIN_MAX_ELEMENTS`] elements, Horner's rule beyond
    /// (the same arguments and contract).
    pub(crate) fn poly_eval(
        &mut self,
        v: &AShares,
        c: &[f64],
        f: u32,
        nearest: bool,
        tree: &mut Vec<AShares>,
    ) -> crate::Result<AShares> {
        if v.len() <= ESTRIN_MAX_ELEMENTS {
            self.poly_estrin(v, c, f, nearest, tree)
        } else {
            self.poly_horner(v, c, f, nearest, tree)
        }
    }

    /// The products of `pairs` and, in the same round, one level of `tree`'s product tree
    /// (an odd factor out waits for the next level).
    fn mul_with_tree(
        &mut self,
        pairs: Vec<(&AShares, &AShares)>,
        tree: &mut Vec<AShares>,
    ) -> crate::Result<Vec<AShares>> {
        let half = tree.len() / 2;
        let (left, right) = tree.split_at(half);
        let all: Vec<(&AShares, &AShares)> =
            pairs.into_iter().chain(left.iter().zip(right)).collect();
        if all.is_empty() {
            return Ok(Vec::new());
        }
        let mut out = self.mul_many(&all)?;
        drop(all);
        let level = out.split_off(out.len() - half);
        if half > 0 {
            let carried = (tree.len() % 2 == 1).then(|| tree[tree.len() - 1].clone());
            *tree = level;
            tree.extend(carried);
        }
        Ok(out)
    }

    /// The rest of `tree`'s product tree, one level a round.
    fn finish_tree(&mut self, tree: &mut Vec<AShares>) -> crate::Result<()> {
        while tree.len() > 1 {
            self.mul_with_tree(Vec::new(), tree)?;
        }
        Ok(())
    }

    /// `x / 2^f` of each of `parts`, in one truncation (to nearest, or floor).
    fn trunc_parts(
        &mut self,
        parts: &[&AShares],
        f: u32,
        nearest: bool,
    ) -> crate::Result<Vec<AShares>> {
        let cat = AShares::concat(parts);
        if cat.is_empty() {
            return Ok(parts.iter().map(|p| (*p).clone()).collect());
        }
        let d = vec![f; cat.len()];
        let cut = if nearest {
            self.trunc_unbiased(&cat, &d)?
        } else {
            self.trunc_each(&cat, &d)?
        };
        let mut at = 0;
        Ok(parts
            .iter()
            .map(|p| {
                at += p.len();
                cut.slice(at - p.len()..at)
            })
            .collect())
    }

    /// Horner's rule: `d` steps of one product and one truncation; the first steps' products
    /// carry `tree`'s levels.
    fn poly_horner(
        &mut self,
        v: &AShares,
        c: &[f64],
        f: u32,
        nearest: bool,
        tree: &mut Vec<AShares>,
    ) -> crate::Result<AShares> {
        let me = self.id;
        let n = v.len();
        let enc = |x: f64| crate::fixed::encode(x, f);
        let top = c.len() - 1;
        let mut q = AShares::from_parts(vec![0; n], vec![0; n]).add_const(me, enc(c[top]));
        for &k in c[..top].iter().rev() {
            let prod = self.mul_with_tree(vec![(&q, v)], tree)?;
            let cut = self.trunc_parts(&[&prod[0]], f, nearest)?;
            q = cut[0].add_const(me, enc(k));
        }
        self.finish_tree(tree)?;
        Ok(q)
    }

    /// `Σ_i c[i] v^i` at `f` fractional bits for shared `v` at `f` bits with `|v| <= 1`
    /// (see the module doc); `tree`'s factors are multiplied pairwise along (an odd one out
    /// waits), one level per level of the polynomial.
    pub(crate) fn poly_estrin(
        &mut self,
        v: &AShares,
        c: &[f64],
        f: u32,
        nearest: bool,
        tree: &mut Vec<AShares>,
    ) -> crate::Result<AShares> {
        let mut out = self.polys_estrin(v, &[c], f, nearest, tree)?;
        Ok(out.swap_remove(0))
    }

    /// Several polynomials of the same `v` (each `cs[k]` as [`Party::poly`]'s `c`), by
    /// Estrin's scheme sharing the powers `v^2, v^4, ...`: the rounds of the longest one, its
    /// terms' products and truncations batched level by level. Up to [`ESTRIN_MAX_ELEMENTS`]
    /// elements; Horner's rule per polynomial beyond.
    pub fn polys(&mut self, v: &AShares, cs: &[&[f64]], f: u32) -> crate::Result<Vec<AShares>> {
        if cs.iter().any(|c| c.is_empty()) || f > 30 {
            return Err(crate::error::MpcError::param(
                "polys",
                format!("{} polynomials at f = {f}", cs.len()),
            ));
        }
        if v.len() <= ESTRIN_MAX_ELEMENTS {
            return self.polys_estrin(v, cs, f, true, &mut Vec::new());
        }
        cs.iter()
            .map(|c| self.poly_horner(v, c, f, true, &mut Vec::new()))
            .collect()
    }

    /// Estrin's scheme for each of `cs` (shorter ones padded with zeros), sharing the powers.
    fn polys_estrin(
        &mut self,
        v: &AShares,
        cs: &[&[f64]],
        f: u32,
        nearest: bool,
        tree: &mut Vec<AShares>,
    ) -> crate::Result<Vec<AShares>> {
        let me = self.id;
        let n = v.len();
        let enc = |x: f64| crate::fixed::encode(x, f);
        let len = cs.iter().map(|c| c.len()).max().unwrap_or(1);
        let coef = |c: &[f64], i: usize| c.get(i).copied().unwrap_or(0.0);
        // Level 0: the terms c_2i + c_2i+1 v, the products with public constants local and
        // truncated together with v^2 (when a later level needs it).
        let odd: Vec<AShares> = cs
            .iter()
            .flat_map(|c| (1..len).step_by(2).map(move |i| v.scale(enc(coef(c, i)))))
            .collect();
        let more = len > 2;
        let square = self.mul_with_tree(if more { vec![(v, v)] } else { Vec::new() }, tree)?;
        let mut parts: Vec<&AShares> = square.iter().collect();
        parts.extend(odd.iter());
        let mut cut = self.trunc_parts(&parts, f, nearest)?.into_iter();
        let mut power = if more { cut.next() } else { None };
        let zero = AShares::from_parts(vec![0; n], vec![0; n]);
        let lin: Vec<AShares> = cut.collect();
        let per = len / 2; // odd terms per polynomial
        let mut terms: Vec<Vec<AShares>> = cs
            .iter()
            .enumerate()
            .map(|(k, c)| {
                (0..len)
                    .step_by(2)
                    .enumerate()
                    .map(|(i, j)| {
                        let l = if i < per { &lin[k * per + i] } else { &zero };
                        l.add_const(me, enc(coef(c, j)))
                    })
                    .collect()
            })
            .collect();
        // Each level: terms_2i + terms_2i+1 · power, and power^2 when a later level needs it.
        while let Some(p) = power.take() {
            let more = terms[0].len() > 2;
            let mut pairs: Vec<(&AShares, &AShares)> =
                if more { vec![(&p, &p)] } else { Vec::new() };
            for t in &terms {
                pairs.extend(t.iter().skip(1).step_by(2).map(|t| (t, &p)));
            }
            let out = self.mul_with_tree(pairs, tree)?;
            let mut cut = self
                .trunc_parts(&out.iter().collect::<Vec<_>>(), f, nearest)?
                .into_iter();
            power = if more { cut.next() } else { None };
            let prods: Vec<AShares> = cut.collect();
            let per = terms[0].len() / 2;
            terms = terms
                .iter()
                .enumerate()
                .map(|(k, t)| {
                    t.iter()
                        .step_by(2)
                        .enumerate()
                        .map(|(i, x)| {
                            if i < per {
                                x.add(&prods[k * per + i])
                            } else {
                                x.clone()
                            }
                        })
                        .collect()
                })
                .collect();
        }
        self.finish_tree(tree)?;
        Ok(terms.into_iter().map(|mut t| t.swap_remove(0)).collect())
    }
}
