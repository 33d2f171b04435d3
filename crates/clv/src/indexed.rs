//! Compressed summaries laid out for fast likelihood passes.
//!
//! Why: the transaction models' likelihoods are sums over customers of terms built from
//! `lgamma`/`digamma` of `x`-shifted parameters, `ln(alpha + t)` for the two times of each
//! customer and (Pareto/NBD) a hypergeometric function of `(x, t)`. On real data `x` takes a few
//! hundred values and the times a few hundred to a few thousand (they are dates on a calendar
//! grid), while there are hundreds of thousands of distinct `(x, t_x, T)` rows. So everything
//! that depends on `x` alone or on `t` alone is computed once per pass in a small table, rows
//! refer to the tables by index, and only what truly depends on the whole row (one `exp` and
//! one `ln_1p` of a log-sum-exp) is computed per row.
//!
//! Passes are split into fixed chunks of rows whose partial sums are added in chunk order, so
//! the result does not depend on how many threads ran them (reproducible to the last bit).

use crate::Summary;
use kundenwert_core::par;

/// Rows per chunk of a pass: large enough that a chunk's bookkeeping is negligible, small enough
/// to balance two to eight threads on a few hundred thousand rows.
const CHUNK: usize = 1 << 14;
/// Below this many rows a pass is run on the calling thread: spawning threads costs tens of
/// microseconds, about what 50k rows of the cheapest model cost.
const PARALLEL_MIN_ROWS: usize = 50_000;
/// Most threads a pass uses.
const MAX_THREADS: usize = 8;

/// One distinct customer history, as indices into the tables of [`Indexed`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Row {
    /// Index into [`Indexed::xs`].
    pub x: u32,
    /// Index of `t_x` into [`Indexed::times`].
    pub t_x: u32,
    /// Index of `T` into [`Indexed::times`].
    pub t: u32,
    /// Number of customers with this history.
    pub w: f64,
}

/// Summaries with positive weight, as rows of table indices sorted by `x`.
#[derive(Debug, Clone)]
pub(crate) struct Indexed {
    /// Distinct frequencies, ascending.
    pub xs: Vec<f64>,
    /// Distinct times (`t_x` and `T` together), ascending.
    pub times: Vec<f64>,
    /// Rows sorted by `(x, t_x, T)` index.
    pub rows: Vec<Row>,
    /// Total weight per entry of `xs`.
    pub x_weight: Vec<f64>,
    /// Total weight.
    pub total: f64,
}

/// Sorted distinct values (by bits, so the tables reproduce the inputs exactly).
fn distinct(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(f64::total_cmp);
    v.dedup_by(|a, b| a.to_bits() == b.to_bits());
    v
}

/// Index of `v` in the sorted distinct table `table` (it is there by construction).
fn index_of(table: &[f64], v: f64) -> u32 {
    let i = table
        .binary_search_by(|p| p.total_cmp(&v))
        .unwrap_or_else(|i| i.min(table.len().saturating_sub(1)));
    i as u32
}

impl Indexed {
    /// Builds the tables from (valid) summaries; rows with weight `<= 0` are dropped.
    pub fn new(data: &[Summary]) -> Self {
        let used: Vec<&Summary> = data.iter().filter(|s| s.weight > 0.0).collect();
        let xs = distinct(used.iter().map(|s| s.x).collect());
        let times = distinct(used.iter().flat_map(|s| [s.t_x, s.t]).collect());
        let mut rows: Vec<Row> = used
            .iter()
            .map(|s| Row {
                x: index_of(&xs, s.x),
                t_x: index_of(&times, s.t_x),
                t: index_of(&times, s.t),
                w: s.weight,
            })
            .collect();
        rows.sort_by_key(|r| (r.x, r.t_x, r.t));
        let mut x_weight = vec![0.0; xs.len()];
        for r in &rows {
            x_weight[r.x as usize] += r.w;
        }
        let total = x_weight.iter().sum();
        Indexed {
            xs,
            times,
            rows,
            x_weight,
            total,
        }
    }
}

/// Rows above which a fit first runs on a sample (see [`Indexed::sample`]).
pub(crate) const SAMPLE_FROM_ROWS: usize = 60_000;

impl Indexed {
    /// Every `every`-th row (rows are sorted by `(x, t_x, T)`, so this is a systematic sample
    /// stratified by frequency and recency; each customer is in it with the same chance 1/every),
    /// with the same tables. `None` unless there are at least [`SAMPLE_FROM_ROWS`] rows.
    pub fn sample(&self, rows: usize) -> Option<Indexed> {
        if self.rows.len() < SAMPLE_FROM_ROWS || rows == 0 {
            return None;
        }
        let every = self.rows.len().div_ceil(rows).max(2);
        let sample: Vec<Row> = self.rows.iter().copied().step_by(every).collect();
        let mut x_weight = vec![0.0; self.xs.len()];
        for r in &sample {
            x_weight[r.x as usize] += r.w;
        }
        Some(Indexed {
            xs: self.xs.clone(),
            times: self.times.clone(),
            rows: sample,
            total: x_weight.iter().sum(),
            x_weight,
        })
    }

    /// The distinct `(x, t)` index pairs that occur as `(x, t_x)` or `(x, T)`, and per row the
    /// indices of its two pairs: quantities of `(x, t)` (Pareto/NBD's hypergeometric endpoint
    /// terms) are then computed once per pair, far fewer than two per row on real data.
    pub fn pairs(&self) -> (Vec<(u32, u32)>, Vec<[u32; 2]>) {
        let mut index: std::collections::HashMap<(u32, u32), u32> =
            std::collections::HashMap::new();
        let mut pairs = Vec::new();
        let mut id = |k: (u32, u32)| {
            *index.entry(k).or_insert_with(|| {
                pairs.push(k);
                (pairs.len() - 1) as u32
            })
        };
        let per_row = self
            .rows
            .iter()
            .map(|r| [id((r.x, r.t_x)), id((r.x, r.t))])
            .collect();
        (pairs, per_row)
    }
}

/// `f` applied to `items` in fixed chunks of [`CHUNK`], on several threads when there are many
/// items; results in chunk order whatever the thread count.
pub(crate) fn map_chunks<T: Sync, A: Send>(items: &[T], f: impl Fn(&[T]) -> A + Sync) -> Vec<A> {
    map_chunks_sized(items, CHUNK, PARALLEL_MIN_ROWS, f)
}

/// [`map_chunks`] with chunks of `chunk` items, run on several threads from `parallel_min`
/// items on: for items that are expensive one by one (hypergeometric functions).
pub(crate) fn map_chunks_sized<T: Sync, A: Send>(
    items: &[T],
    chunk: usize,
    parallel_min: usize,
    f: impl Fn(&[T]) -> A + Sync,
) -> Vec<A> {
    let chunks: Vec<&[T]> = items.chunks(chunk.max(1)).collect();
    let threads = if items.len() >= parallel_min {
        par::cores().min(MAX_THREADS)
    } else {
        1
    };
    // Chunks go to whichever thread is free next, which balances rows whose cost grows with
    // x (rows are sorted by x); the results come back in chunk order all the same.
    par::map_in_order(chunks.len(), threads, |i| f(chunks[i]))
}

/// Per-row sums of the BG/NBD-family pass (see [`bg_family_pass`]).
pub(crate) struct BgSums {
    /// `sum w * ln(e^A3 + e^A4)`.
    pub lse: f64,
    /// `sum w * (w3 ln(alpha+T) + w4 ln(alpha+t_x))`.
    pub d_r: f64,
    /// `sum w * (r+x) * (w3 / (alpha+T) + w4 / (alpha+t_x))`.
    pub d_alpha: f64,
    /// `sum w * w4` per entry of `xs`.
    pub w4: Vec<f64>,
}

/// The row-dependent part of the BG/NBD and MBG/NBD log-likelihoods,
/// `ln(e^A3 + e^A4)` with `A3 = -(r+x) ln(alpha+T)` and `A4 = c4[x] - (r+x) ln(alpha+t_x)`,
/// and the sums its gradient needs (`w3`, `w4` are the softmax weights of `A3`, `A4`).
/// `c4[x] = -inf` means there is no `A4` term for that `x` (BG/NBD at `x = 0`).
pub(crate) fn bg_family_pass(ix: &Indexed, r: f64, alpha: f64, c4: &[f64]) -> BgSums {
    // ln(1 + t/alpha) rather than ln(alpha + t): the callers take n ln(alpha) into their
    // per-x part, so that no term grows with r (see `special::ln_gamma_shift_scaled`).
    let ln_t: Vec<f64> = ix.times.iter().map(|t| (t / alpha).ln_1p()).collect();
    let inv_t: Vec<f64> = ix.times.iter().map(|t| 1.0 / (alpha + t)).collect();
    let rx: Vec<f64> = ix.xs.iter().map(|x| r + x).collect();
    let nx = ix.xs.len();
    let parts = map_chunks(&ix.rows, |rows| {
        let mut s = BgSums {
            lse: 0.0,
            d_r: 0.0,
            d_alpha: 0.0,
            w4: vec![0.0; nx],
        };
        for row in rows {
            let (xi, ti, txi) = (row.x as usize, row.t as usize, row.t_x as usize);
            let rx = rx[xi];
            let a3 = -rx * ln_t[ti];
            let c = c4[xi];
            if c == f64::NEG_INFINITY {
                s.lse += row.w * a3;
                s.d_r += row.w * ln_t[ti];
                s.d_alpha += row.w * rx * inv_t[ti];
                continue;
            }
            let a4 = c - rx * ln_t[txi];
            let d = a4 - a3;
            // ln(e^a3 + e^a4) = a3 + softplus(d); one exp and one ln_1p per row.
            let e = (-d.abs()).exp();
            let inv = 1.0 / (1.0 + e);
            let (w3, w4) = if d > 0.0 {
                (e * inv, inv)
            } else {
                (inv, e * inv)
            };
            s.lse += row.w * (a3 + d.max(0.0) + e.ln_1p());
            s.d_r += row.w * (w3 * ln_t[ti] + w4 * ln_t[txi]);
            s.d_alpha += row.w * rx * (w3 * inv_t[ti] + w4 * inv_t[txi]);
            s.w4[xi] += row.w * w4;
        }
        s
    });
    let mut out = BgSums {
        lse: 0.0,
        d_r: 0.0,
        d_alpha: 0.0,
        w4: vec![0.0; nx],
    };
    for p in parts {
        out.lse += p.lse;
        out.d_r += p.d_r;
        out.d_alpha += p.d_alpha;
        for (o, v) in out.w4.iter_mut().zip(&p.w4) {
            *o += v;
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod tests_support {
    use crate::Summary;

    /// Deterministic pseudo-random summaries (xorshift), with repeated `x` and times on a grid
    /// like real data, plus some off-grid times; `n` rows of random weight.
    pub fn random_summaries(n: usize, seed: u64) -> Vec<Summary> {
        let mut state = seed | 1;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        (0..n)
            .map(|i| {
                let t = if i % 5 == 0 {
                    1.0 + 60.0 * next()
                } else {
                    (1.0 + (60.0 * next()).floor()) / 7.0 * 7.0
                };
                let x = if next() < 0.4 {
                    0.0
                } else {
                    (next() * 30.0).floor()
                };
                let t_x = if x == 0.0 { 0.0 } else { t * next() };
                Summary {
                    x,
                    t_x,
                    t,
                    weight: 1.0 + (next() * 5.0).floor(),
                }
            })
            .collect()
    }

    /// Asserts `a == b` to `rel` relative to `scale`.
    pub fn assert_close(a: f64, b: f64, scale: f64, rel: f64, what: &str) {
        assert!(
            (a - b).abs() <= rel * scale.abs().max(f64::MIN_POSITIVE),
            "{what}: {a} vs {b} (scale {scale})"
        );
    }

    /// Asserts that a pass's mean NLL `value` and gradient `grad` equal the weighted sum of the
    /// per-row `(weight, log-likelihood, gradient)` over `total` weight, to 1e-12 relative (the
    /// value relative to itself, each gradient component relative to the sum of its absolute
    /// terms): only the order of the additions may differ.
    pub fn assert_pass_equals_rows<const N: usize>(
        value: f64,
        grad: &[f64; N],
        rows: impl IntoIterator<Item = (f64, f64, [f64; N])>,
        total: f64,
    ) {
        let (mut want, mut want_g, mut abs_g) = (0.0, [0.0; N], [0.0; N]);
        for (w, l, gi) in rows {
            want -= w * l / total;
            for k in 0..N {
                want_g[k] -= w * gi[k] / total;
                abs_g[k] += (w * gi[k] / total).abs();
            }
        }
        assert_close(value, want, want, 1e-12, "value");
        for k in 0..N {
            assert_close(grad[k], want_g[k], abs_g[k], 1e-12, "gradient");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_reproduce_the_rows() {
        let data = tests_support::random_summaries(3000, 7);
        let ix = Indexed::new(&data);
        let mut back: Vec<(u64, u64, u64, u64)> = ix
            .rows
            .iter()
            .map(|r| {
                (
                    ix.xs[r.x as usize].to_bits(),
                    ix.times[r.t_x as usize].to_bits(),
                    ix.times[r.t as usize].to_bits(),
                    r.w.to_bits(),
                )
            })
            .collect();
        let mut want: Vec<(u64, u64, u64, u64)> = data
            .iter()
            .map(|s| {
                (
                    s.x.to_bits(),
                    s.t_x.to_bits(),
                    s.t.to_bits(),
                    s.weight.to_bits(),
                )
            })
            .collect();
        back.sort_unstable();
        want.sort_unstable();
        assert_eq!(back, want);
        let total: f64 = data.iter().map(|s| s.weight).sum();
        assert!((ix.total - total).abs() < 1e-9 * total);
    }

    #[test]
    fn chunks_keep_order_across_threads() {
        let items: Vec<u64> = (0..200_000).collect();
        let sums = map_chunks(&items, |c| c.iter().sum::<u64>());
        let serial: Vec<u64> = items.chunks(CHUNK).map(|c| c.iter().sum()).collect();
        assert_eq!(sums, serial);
    }
}
