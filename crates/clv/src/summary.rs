//! Per-customer summaries (frequency, recency, age) and their compression.

/// One customer (or `weight` identical customers) in the calibration period.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// Number of repeat transactions (transactions after the first).
    pub x: f64,
    /// Time of the last transaction, measured from the first transaction (0 when `x = 0`).
    pub t_x: f64,
    /// Age `T`: time from the first transaction to the end of calibration.
    pub t: f64,
    /// Number of customers with this `(x, t_x, T)`.
    pub weight: f64,
}

impl Summary {
    /// A single customer (weight 1).
    pub fn new(x: f64, t_x: f64, t: f64) -> Self {
        Summary {
            x,
            t_x,
            t,
            weight: 1.0,
        }
    }

    /// True when all fields are finite, non-negative and `t_x <= T`.
    pub fn is_valid(&self) -> bool {
        self.x.is_finite()
            && self.t_x.is_finite()
            && self.t.is_finite()
            && self.weight.is_finite()
            && self.x >= 0.0
            && self.t_x >= 0.0
            && self.t >= 0.0
            && self.weight >= 0.0
            && self.t_x <= self.t
    }
}

/// Groups identical `(x, t_x, T)` rows (exact bit equality) into one [`Summary`] with a weight,
/// so that the likelihood is evaluated once per distinct row. The result is sorted by
/// `(x, t_x, T)` (total order on the bits) so fits are deterministic whatever the input order.
pub fn compress(rows: impl IntoIterator<Item = (f64, f64, f64)>) -> Vec<Summary> {
    // Sorted by integer keys in the order of `f64::total_cmp` (the same transform it applies
    // before comparing): an unstable sort of plain integers is about twice as fast as
    // chained float comparisons, and equal keys are bit-identical rows, so their order does
    // not matter.
    fn key(v: f64) -> u64 {
        let b = v.to_bits() as i64;
        let ordered = b ^ ((((b >> 63) as u64) >> 1) as i64);
        (ordered as u64) ^ (1 << 63)
    }
    let mut v: Vec<[u64; 3]> = rows
        .into_iter()
        .map(|(x, t_x, t)| [key(x), key(t_x), key(t)])
        .collect();
    v.sort_unstable();
    let back = |k: u64| {
        let ordered = (k ^ (1 << 63)) as i64;
        f64::from_bits((ordered ^ ((((ordered >> 63) as u64) >> 1) as i64)) as u64)
    };
    let mut out: Vec<Summary> = Vec::new();
    for [kx, kt_x, kt] in v {
        let (x, t_x, t) = (back(kx), back(kt_x), back(kt));
        match out.last_mut() {
            Some(last)
                if last.x.to_bits() == x.to_bits()
                    && last.t_x.to_bits() == t_x.to_bits()
                    && last.t.to_bits() == t.to_bits() =>
            {
                last.weight += 1.0
            }
            _ => out.push(Summary::new(x, t_x, t)),
        }
    }
    out
}

/// Checks that the data are usable by a fit (all values finite and non-negative, `t_x <= T`,
/// positive total weight, at least one repeat buyer) and returns the total weight.
pub fn validate(data: &[Summary]) -> Result<f64, crate::FitError> {
    if data.iter().any(|s| !s.is_valid()) {
        return Err(crate::FitError::InvalidInput {
            what: "summary with negative or non-finite value or t_x > T",
        });
    }
    let w: f64 = data.iter().map(|s| s.weight).sum();
    if w <= 0.0 {
        return Err(crate::FitError::NoData);
    }
    if !data.iter().any(|s| s.weight > 0.0 && s.x > 0.0) {
        return Err(crate::FitError::NoRepeatBuyers);
    }
    Ok(w)
}

/// Weighted means of `x` and `T` (for start values); zeros when the total weight is zero.
pub(crate) fn weighted_means(data: &[Summary]) -> (f64, f64) {
    let w: f64 = data.iter().map(|s| s.weight).sum();
    if w <= 0.0 {
        return (0.0, 0.0);
    }
    (
        data.iter().map(|s| s.weight * s.x).sum::<f64>() / w,
        data.iter().map(|s| s.weight * s.t).sum::<f64>() / w,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compress_orders_like_total_cmp_and_keeps_bits() {
        let vals = [
            -f64::INFINITY,
            -3.5,
            -0.0,
            0.0,
            1e-300,
            0.25,
            7.0,
            1e300,
            f64::INFINITY,
            f64::NAN,
        ];
        let mut rows = Vec::new();
        for (i, &a) in vals.iter().enumerate() {
            for &b in vals.iter().rev().skip(i % 3) {
                rows.push((a, b, vals[(i * 7) % vals.len()]));
                rows.push((b, a, 1.0));
            }
        }
        let out = compress(rows.clone());
        let mut expected = rows;
        expected.sort_by(|a, b| {
            a.0.total_cmp(&b.0)
                .then(a.1.total_cmp(&b.1))
                .then(a.2.total_cmp(&b.2))
        });
        expected.dedup_by(|a, b| {
            a.0.to_bits() == b.0.to_bits()
                && a.1.to_bits() == b.1.to_bits()
                && a.2.to_bits() == b.2.to_bits()
        });
        assert_eq!(out.len(), expected.len());
        for (o, e) in out.iter().zip(&expected) {
            assert_eq!(
                [o.x.to_bits(), o.t_x.to_bits(), o.t.to_bits()],
                [e.0.to_bits(), e.1.to_bits(), e.2.to_bits()]
            );
        }
    }

    #[test]
    fn compress_groups_and_sorts() {
        let s = compress([(1.0, 2.0, 3.0), (0.0, 0.0, 5.0), (1.0, 2.0, 3.0)]);
        assert_eq!(
            s,
            vec![
                Summary::new(0.0, 0.0, 5.0),
                Summary {
                    x: 1.0,
                    t_x: 2.0,
                    t: 3.0,
                    weight: 2.0
                }
            ]
        );
    }
}
