//! A secret power-of-two bound on the largest magnitude among shared values: the scale of the
//! cell-key noise of released sums (issue 13), the way statistical offices scale the noise
//! of a magnitude table's cell by its largest contribution (Giessing and Tent, "Concepts for
//! generalising tools implementing the cell key method to the case of continuous
//! variables", UNECE/Eurostat work session on statistical data confidentiality, 2019).
//! Nothing is opened: the bound stays in shares and only scales the noise.
//!
//! **Protocol.** Bit-decompose every `x_i` (`Party::a2b`: 7 rounds). Its one's complement
//! magnitude `y_i = x_i XOR sext(sign)` (`|x_i|` for `x_i >= 0`, `|x_i| - 1` below) is local:
//! sign-extending each share component's top bit and XOR-ing gives the sign extension of the
//! XOR of the top bits, which is the value's sign. `OR` all `y_i` together by a tree of
//! word-wise ORs (`⌈log2 n⌉` rounds, `n` words in all), fold the word onto its lower bits
//! (`v |= v >> s` for `s = 1, 2, ..., 32`: 6 rounds), which gives `M = 2^b - 1` with `b` the
//! bit length of the largest `y_i`. Then `2^b = M + 1` and `2^(b-k) = (M >> k) + 1` (exact:
//! shifting a boolean sharing is local), converted to arithmetic shares together (B2A, one
//! round trip of 2 words). `2^b` lies in `[max |x_i|, 2 max |x_i|]` (at least 1).
//!
//! Why hand-written: an MPC protocol over our own shares; no crate fits.
use sharestat_mpc::{AShares, BShares, MpcError, Party};

/// Shares of `[2^(b-k), 2^b]` for `b` the bit length of `max |x_i|` (see the module doc);
/// `2^(b-k)` is 1 when `b < k`. Reveals nothing.
pub fn power_bound(p: &mut Party, x: &AShares, k: u32) -> Result<AShares, MpcError> {
    let k = k.min(63);
    let me = p.id();
    if x.is_empty() {
        return Ok(AShares::from_parts(vec![0; 2], vec![0; 2]).add_const(me, 1));
    }
    let sext = |w: u64| w ^ (((w as i64) >> 63) as u64);
    let mut v = p.a2b(x)?.map(sext);
    while v.len() > 1 {
        let half = v.len() / 2;
        let or = p.or(&v.slice(0..half), &v.slice(half..2 * half))?;
        v = if v.len() % 2 == 1 {
            BShares::concat(&[&or, &v.slice(2 * half..v.len())])
        } else {
            or
        };
    }
    for s in [1, 2, 4, 8, 16, 32] {
        let shifted = v.map(|w| w >> s);
        v = p.or(&v, &shifted)?;
    }
    let both = BShares::concat(&[&v.map(|w| w >> k), &v]);
    Ok(p.b2a(&both)?.add_const(me, 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sharestat_mpc::harness::{Keys, run_in_memory};
    use sharestat_mpc::prg::Prg;
    use sharestat_mpc::proto::io::deal;

    fn bound(values: &[i64], k: u32) -> Vec<u64> {
        let out = run_in_memory(Keys::Seeded([2; 16]), |p| {
            let v: Vec<u64> = values.iter().map(|&x| x as u64).collect();
            let x = deal(&v, &mut Prg::new([1; 16]))[p.id().index()].clone();
            let b = power_bound(p, &x, k)?;
            p.reveal(&b)
        })
        .unwrap();
        out[0].clone()
    }

    #[test]
    fn the_bound_is_the_power_of_two_above_the_largest_magnitude() {
        for (values, k, want) in [
            (vec![3i64, -5, 12, 0, 7], 2u32, [4u64, 16]),
            (vec![-16, 3], 0, [16, 16]),
            (vec![-17, 3, 9], 1, [16, 32]),
            (vec![0, 0, 0], 3, [1, 1]),
            (vec![1], 4, [1, 2]),
            (vec![91_00, 45_50, -3], 4, [1024, 16384]),
            ((1..=1000).collect(), 3, [128, 1024]),
        ] {
            assert_eq!(bound(&values, k), want, "{values:?} k = {k}");
        }
    }
}
