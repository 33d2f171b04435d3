//! The pair comparisons of the Mann-Kendall test in single precision, eight pairs to an AVX2
//! instruction, for the AVX2 build of the classification (`features::avx2`).
//!
//! The double-precision pass of
//! [`mann_kendall_with_sides_by`](super::stats::mann_kendall_with_sides_by) compares four pairs
//! at a time and was the largest part of classifying a customer. Rounding to single precision
//! keeps the order (x < y gives f32(x) <= f32(y)), so a pair that differs in single precision
//! differs the same way in double precision; only a tie in single precision may hide
//! a difference. [`pair_sums`] therefore counts every pair's comparison, and answers only when
//! the pairs tied in single precision are exactly the pairs of months that are 0.0: then every
//! other pair was decided as in double precision, and the only group of equal values is the
//! zeros, whose tie term is z (z − 1) (2z + 5). Any other tie (two equal amounts, an amount
//! that rounds to zero) gives `None`, and the caller takes the double-precision pass. Either
//! way the sums are the same integers (`tests` holds them against the double-precision pass).
//!
//! Written with `std::arch` intrinsics rather than left to the compiler: its vectorizer turned
//! the natural loops into shuffles of lanes across registers that cost more than they saved.
//! The intrinsics used are safe in a function compiled for AVX2; there is no pointer access.

use std::arch::x86_64::{
    __m256, __m256i, _mm256_add_epi32, _mm256_and_si256, _mm256_andnot_si256, _mm256_blendv_ps,
    _mm256_castps_si256, _mm256_castsi256_ps, _mm256_castsi256_si128, _mm256_cmp_ps,
    _mm256_cmpgt_epi32, _mm256_extracti128_si256, _mm256_permutevar8x32_ps, _mm256_set1_epi32,
    _mm256_set1_ps, _mm256_setr_epi32, _mm256_setr_ps, _mm256_setzero_si256, _mm256_sub_epi32,
    _mm_add_epi32, _mm_cvtsi128_si32, _mm_shuffle_epi32, _CMP_GT_OQ, _CMP_LT_OQ,
};
use std::ops::Range;

use super::stats::PairSums;

/// Lanes of a register of single-precision values.
const LANES: usize = 8;
/// The longest series [`pair_sums`] takes (eight registers); longer ones are compared in
/// double precision.
pub(crate) const MAX_LEN: usize = 64;

/// The integer sums of
/// [`mann_kendall_with_sides_by`](super::stats::mann_kendall_with_sides_by) (S of `x[from..]`
/// with its tie terms, S of `x[..=split]` and of `x[split..]`), or `None` when single
/// precision cannot be shown to give them exactly (see the module).
///
/// The series is cut into registers of eight rows (`i`); each register is compared with the
/// later values inside it by permutation ([`count_own`]) and with every later value (`j`)
/// after it broadcast to all lanes ([`count_later`]). The later values up to the split and
/// those after it are counted apart, as the side before the peak needs; which rows lie from
/// `from` and from the split on is a mask over lanes, applied once per register rather than
/// per pair. Rows past the end are NaN and count nothing.
#[target_feature(enable = "avx2")]
pub(crate) fn pair_sums(x: &[f64], from: usize, split: usize) -> Option<PairSums> {
    let n = x.len();
    if !(2..=MAX_LEN).contains(&n) {
        return None;
    }
    // Past the end they mean the same as at the end, and so they fit an `i32` lane.
    let (from, split) = (from.min(n), split.min(n));
    // NaN past the end: neither above nor below anything.
    let mut y = [f32::NAN; MAX_LEN];
    for (d, v) in y.iter_mut().zip(x) {
        *d = *v as f32;
    }
    let lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    let zero = _mm256_setzero_si256();
    let (mut pre, mut from_on, mut post_on, mut decided) = (zero, zero, zero, zero);
    // Later values up to here count towards the side before the peak.
    let pre_end = (split + 1).min(n);
    for start in (0..n).step_by(LANES) {
        let r = &y[start..start + LANES];
        let rows = _mm256_setr_ps(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]);
        let own_end = (start + LANES).min(n);
        let mut c = [zero; 4];
        // Inside the register, then after it; up to the split, then after it.
        let own_pre = start + 1..own_end.min(pre_end);
        let own_post = (start + 1).max(pre_end)..own_end;
        let after_pre = own_end..pre_end;
        let after_post = own_end.max(pre_end)..n;
        let [above_pre, below_pre, above_post, below_post] = &mut c;
        // Pairs inside the register: all up to the split, all after it, or some of each.
        if own_pre.is_empty() {
            count_own::<AFTER_SPLIT>(rows, lane, 0, above_pre, below_pre, above_post, below_post);
        } else if own_post.is_empty() {
            count_own::<UP_TO_SPLIT>(rows, lane, 0, above_pre, below_pre, above_post, below_post);
        } else {
            let room = (pre_end - start) as i32;
            count_own::<MIXED>(
                rows, lane, room, above_pre, below_pre, above_post, below_post,
            );
        }
        count_later(&y, after_pre, rows, above_pre, below_pre);
        count_later(&y, after_post, rows, above_post, below_post);
        let [above_pre, below_pre, above_post, below_post] = c;
        let row = _mm256_add_epi32(lane, _mm256_set1_epi32(start as i32));
        let rows_from = _mm256_cmpgt_epi32(row, _mm256_set1_epi32(from as i32 - 1));
        let rows_post = _mm256_cmpgt_epi32(row, _mm256_set1_epi32(split as i32 - 1));
        let s_pre = _mm256_sub_epi32(above_pre, below_pre);
        let s_post = _mm256_sub_epi32(above_post, below_post);
        pre = _mm256_add_epi32(pre, s_pre);
        from_on = _mm256_add_epi32(
            from_on,
            _mm256_and_si256(_mm256_add_epi32(s_pre, s_post), rows_from),
        );
        post_on = _mm256_add_epi32(post_on, _mm256_and_si256(s_post, rows_post));
        decided = _mm256_add_epi32(
            decided,
            _mm256_add_epi32(
                _mm256_add_epi32(above_pre, below_pre),
                _mm256_add_epi32(above_post, below_post),
            ),
        );
    }
    let zeros = |part: &[f64]| part.iter().map(|v| i64::from(*v == 0.0)).sum::<i64>();
    let zeros_all = zeros(x);
    let pairs = (n * (n - 1) / 2) as i64;
    if pairs - sum_lanes(decided) != zeros_all * (zeros_all - 1) / 2 {
        return None;
    }
    // The zeros from `from` on: all of them but the few (a trimmed ramp-up) before it.
    let z = zeros_all - zeros(&x[..from]);
    Some(PairSums {
        s: sum_lanes(from_on),
        ties: z * (z - 1) * (2 * z + 5),
        s_pre: sum_lanes(pre),
        s_post: sum_lanes(post_on),
    })
}

/// [`count_own`]: every pair inside the register lies up to the split.
const UP_TO_SPLIT: u8 = 0;
/// [`count_own`]: every pair inside the register lies after the split.
const AFTER_SPLIT: u8 = 1;
/// [`count_own`]: the pairs whose later value lies in a lane before `room` lie up to the split.
const MIXED: u8 = 2;

/// Adds the pairs inside the register `rows`: each row's lane l with the later value in lane
/// l + k, k = 1..7, brought over by a permutation, with NaN where l + k passes the register.
/// Seven steps of straight-line code instead of a loop over the later values with a mask of
/// the rows before each.
#[target_feature(enable = "avx2")]
#[inline]
fn count_own<const PART: u8>(
    rows: __m256,
    lane: __m256i,
    room: i32,
    above_pre: &mut __m256i,
    below_pre: &mut __m256i,
    above_post: &mut __m256i,
    below_post: &mut __m256i,
) {
    let nan = _mm256_set1_ps(f32::NAN);
    let width = _mm256_set1_epi32(LANES as i32);
    let room = _mm256_set1_epi32(room);
    for k in 1..LANES as i32 {
        let from_lane = _mm256_add_epi32(lane, _mm256_set1_epi32(k));
        let inside = _mm256_cmpgt_epi32(width, from_lane);
        let later = _mm256_blendv_ps(
            nan,
            _mm256_permutevar8x32_ps(rows, from_lane),
            _mm256_castsi256_ps(inside),
        );
        let is_above = _mm256_castps_si256(_mm256_cmp_ps::<_CMP_GT_OQ>(later, rows));
        let is_below = _mm256_castps_si256(_mm256_cmp_ps::<_CMP_LT_OQ>(later, rows));
        match PART {
            UP_TO_SPLIT => {
                *above_pre = _mm256_sub_epi32(*above_pre, is_above);
                *below_pre = _mm256_sub_epi32(*below_pre, is_below);
            }
            AFTER_SPLIT => {
                *above_post = _mm256_sub_epi32(*above_post, is_above);
                *below_post = _mm256_sub_epi32(*below_post, is_below);
            }
            _ => {
                let pre = _mm256_cmpgt_epi32(room, from_lane);
                *above_pre = _mm256_sub_epi32(*above_pre, _mm256_and_si256(pre, is_above));
                *below_pre = _mm256_sub_epi32(*below_pre, _mm256_and_si256(pre, is_below));
                *above_post = _mm256_sub_epi32(*above_post, _mm256_andnot_si256(pre, is_above));
                *below_post = _mm256_sub_epi32(*below_post, _mm256_andnot_si256(pre, is_below));
            }
        }
    }
}

/// Adds, lane by lane, whether each later value in `later` (all after the register) lies
/// above or below each row of `rows`.
#[target_feature(enable = "avx2")]
#[inline]
fn count_later(
    y: &[f32; MAX_LEN],
    later: Range<usize>,
    rows: __m256,
    above: &mut __m256i,
    below: &mut __m256i,
) {
    // Never taken (the later values end at the series' end, at most `MAX_LEN`); it spares the
    // loop a bounds check per value.
    if later.end > MAX_LEN {
        return;
    }
    for j in later {
        let xj = _mm256_set1_ps(y[j]);
        // All ones where true: subtracting counts one.
        let is_above = _mm256_castps_si256(_mm256_cmp_ps::<_CMP_GT_OQ>(xj, rows));
        let is_below = _mm256_castps_si256(_mm256_cmp_ps::<_CMP_LT_OQ>(xj, rows));
        *above = _mm256_sub_epi32(*above, is_above);
        *below = _mm256_sub_epi32(*below, is_below);
    }
}

/// The sum of the eight lanes.
#[target_feature(enable = "avx2")]
#[inline]
fn sum_lanes(v: __m256i) -> i64 {
    let q = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256::<1>(v));
    let q = _mm_add_epi32(q, _mm_shuffle_epi32::<0b01_00_11_10>(q));
    let q = _mm_add_epi32(q, _mm_shuffle_epi32::<0b10_11_00_01>(q));
    i64::from(_mm_cvtsi128_si32(q))
}

#[cfg(test)]
mod tests {
    use super::super::stats::pair_sums_with_sides;
    use super::*;
    use crate::demo::Rng;

    /// A month drawn to provoke every case the proof rests on: zeros, repeated amounts,
    /// amounts that differ only past single precision, amounts that round to 0.0 or to
    /// infinity in single precision, credit notes, and plain amounts in cents.
    fn month(rng: &mut Rng, pool: &[f64]) -> f64 {
        let plain = (rng.f64() * 200_000.0).round() / 100.0;
        match rng.next_u64() % 20 {
            0..=3 => 0.0,
            4 => pool[(rng.next_u64() % pool.len() as u64) as usize],
            5 => pool[0] * (1.0 + 1e-12),
            6 => 1e-300,
            7 => -plain,
            8 if rng.next_u64().is_multiple_of(4) => 1e300,
            _ => plain,
        }
    }

    /// Runs `check` compiled for AVX2, or says why it cannot on this CPU.
    fn on_avx2(check: impl FnOnce()) {
        if !std::arch::is_x86_feature_detected!("avx2") {
            eprintln!("skipped: this CPU has no AVX2");
            return;
        }
        check()
    }

    /// Where [`pair_sums`] answers, it gives exactly the double-precision pass's sums, for
    /// every `from` and split; and it declines everything it cannot show (ties that are not
    /// zeros, series longer than it takes).
    #[test]
    fn single_precision_sums_equal_the_double_precision_pass() {
        on_avx2(|| {
            let mut rng = Rng(2026);
            let (mut answered, mut declined) = (0, 0);
            for case in 0..4000 {
                let n = 1 + case % (MAX_LEN + 6);
                let pool = [12.34, 0.1 + 0.2, -5.0];
                let x: Vec<f64> = (0..n).map(|_| month(&mut rng, &pool)).collect();
                for from in [0, 1, 3, n / 2] {
                    for split in [0, 1, n / 3, n / 2, n.saturating_sub(2), n - 1, n + 3] {
                        let (from, split) = (from.min(n - 1), split);
                        // SAFETY: `on_avx2` has checked that this CPU has AVX2.
                        #[expect(unsafe_code)]
                        let fast = unsafe { pair_sums(&x, from, split) };
                        let exact = pair_sums_with_sides(&x, from, split.min(n - 1));
                        match fast {
                            Some(sums) => {
                                answered += 1;
                                assert_eq!(sums, exact, "{x:?} from {from} split {split}");
                            }
                            None => declined += 1,
                        }
                    }
                }
            }
            // Both ways are taken (the test would prove nothing if one never were).
            assert!(
                answered > 10_000 && declined > 10_000,
                "{answered} {declined}"
            );
        });
    }

    /// Typical series (amounts in cents and months without business) are answered here, not
    /// handed back: otherwise the single-precision pass would only add to the time.
    #[test]
    fn cent_amounts_with_zeros_are_answered() {
        on_avx2(|| {
            let mut rng = Rng(7);
            for n in 2..=MAX_LEN {
                let mut x: Vec<f64> = (0..n)
                    .map(|t| {
                        // Distinct amounts: a different whole euro each month plus random cents.
                        let cents = (rng.next_u64() % 100) as f64 / 100.0;
                        if rng.next_u64().is_multiple_of(4) {
                            0.0
                        } else {
                            100.0 * (t + 1) as f64 + cents
                        }
                    })
                    .collect();
                x.reverse();
                // SAFETY: `on_avx2` has checked that this CPU has AVX2.
                #[expect(unsafe_code)]
                let fast = unsafe { pair_sums(&x, 1.min(n - 1), n / 2) };
                assert_eq!(fast, Some(pair_sums_with_sides(&x, 1.min(n - 1), n / 2)));
            }
        });
    }
}
