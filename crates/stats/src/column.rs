//! A secret-shared column as the statistics see it: the value shares, an optional private 0/1
//! presence mask (missing values and filters; the value shares hold 0 where absent), and the
//! decimal scale of the encoding.
use sharestat_mpc::{AShares, Party};

/// One column (possibly the concatenation of several sites' columns).
#[derive(Clone, Debug)]
pub struct Column {
    /// Shares of the encoded values (integers; decimals scaled by `10^scale`).
    pub values: AShares,
    /// Shares of 1 where the value is present (and selected), 0 elsewhere; `None`: all present.
    pub present: Option<AShares>,
    /// Decimal places of the encoding.
    pub scale: u32,
}

impl Column {
    /// A column in which every value is present.
    pub fn complete(values: AShares, scale: u32) -> Column {
        Column {
            values,
            present: None,
            scale,
        }
    }

    /// Number of rows (present or not).
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// True for a column without rows.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The presence mask, materialised (all ones when the column is complete).
    pub fn mask(&self, p: &Party) -> AShares {
        match &self.present {
            Some(m) => m.clone(),
            None => {
                AShares::from_parts(vec![0; self.len()], vec![0; self.len()]).add_const(p.id(), 1)
            }
        }
    }

    /// Concatenates columns of the same scale (e.g. `c(tm$age, tr$age)`).
    pub fn concat(p: &Party, parts: &[&Column]) -> Column {
        let values = AShares::concat(&parts.iter().map(|c| &c.values).collect::<Vec<_>>());
        let present = if parts.iter().all(|c| c.present.is_none()) {
            None
        } else {
            let masks: Vec<AShares> = parts.iter().map(|c| c.mask(p)).collect();
            Some(AShares::concat(&masks.iter().collect::<Vec<_>>()))
        };
        Column {
            values,
            present,
            scale: parts.first().map_or(0, |c| c.scale),
        }
    }

    /// `10^scale` as a float.
    pub fn unit(&self) -> f64 {
        10f64.powi(self.scale as i32)
    }
}
