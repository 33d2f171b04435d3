//! The features as first written, one sum after another (the straightforward reading of the
//! specification): the oracle that `Features::compute`'s fused passes must match bit for bit.

use super::super::stats::{
    acf_with, block_means_into, detrend_into, mann_kendall, mean, moving_mean_into,
    percentile_with, runs_z_with, std_pop,
};
// The block size is a plain rule, not one of the fused sums: shared, not re-derived.
use super::{block_size, Features, PhaseCounts, Scratch, COS_30, SIN_30};

#[derive(Clone, Copy, PartialEq)]
enum Phase {
    High,
    Low,
}

pub(super) fn compute(y: &[f64], left_censored: bool, scratch: &mut Scratch) -> Option<Features> {
    let first = y.iter().position(|v| *v != 0.0)?;
    let last = y.iter().rposition(|v| *v != 0.0)?;
    let act = &y[first..=last];
    let (counts, level) = counts_and_level(y, first, last);
    let block = block_size(counts.adi, counts.span);
    let trend = trend(act, block, left_censored, &mut scratch.blocks);
    let shape = shape(act, counts.adi, block, left_censored, scratch);
    let variation = variation(act, scratch);
    let PhaseCounts {
        highs,
        troughs,
        low_months,
    } = phases(act, scratch);
    let curve = curve(act);
    Some(Features {
        left_censored,
        tenure: counts.tenure,
        span: counts.span,
        n_active: counts.n_active,
        gap_end: counts.gap_end,
        adi: counts.adi,
        cv2: level.cv2,
        level12: level.level12,
        level_life: level.level_life,
        block,
        n_blocks: trend.n_blocks,
        mk_s: trend.s,
        tau: trend.tau,
        p: trend.p,
        ratio_31: trend.ratio_31,
        peak_pos: shape.peak_pos,
        rise: shape.rise,
        fall: shape.fall,
        tau_pre: shape.tau_pre,
        tau_post: shape.tau_post,
        cv_block: variation.cv_block,
        cv_month: variation.cv_month,
        acf_season: variation.acf_season,
        runs_z: variation.runs_z,
        highs,
        troughs,
        acf1: variation.acf1,
        season_power: variation.season_power,
        slope_rel: curve.slope_rel,
        curvature: curve.curvature,
        season_evidence: act.len() as f64 * variation.season_power / 2.0,
        low_share: low_months as f64 / act.len() as f64,
        longest_pause: counts.longest_pause,
        // One implementation, checked against the definitions in `evidence::tests`.
        evidence: super::Evidence::compute(&y[first..], None),
    })
}

struct Counts {
    tenure: usize,
    span: usize,
    n_active: usize,
    gap_end: usize,
    adi: f64,
    longest_pause: usize,
}

struct Level {
    cv2: f64,
    level12: f64,
    level_life: f64,
}

/// Tenure, span, activity and levels.
fn counts_and_level(y: &[f64], first: usize, last: usize) -> (Counts, Level) {
    let act = &y[first..=last];
    let span = act.len();
    // The non-zero months in two passes (mean, then squared deviations), in the same order
    // and arithmetic as the population variance of a collected vector.
    let sizes = || act.iter().copied().filter(|v| *v != 0.0);
    let n_active = sizes().count();
    let (mut longest_pause, mut pause) = (0, 0);
    for v in act {
        pause = if *v == 0.0 { pause + 1 } else { 0 };
        longest_pause = longest_pause.max(pause);
    }
    let size_mean = sizes().sum::<f64>() / n_active as f64;
    let cv2 = if size_mean == 0.0 {
        0.0
    } else {
        let var = sizes()
            .map(|v| (v - size_mean) * (v - size_mean))
            .sum::<f64>()
            / n_active as f64;
        var / (size_mean * size_mean)
    };
    // level12 counts the months after the last order as zeros: a customer who stopped is
    // worth less now than its lifetime mean says.
    let since_first = &y[first..];
    let level12 = mean(&since_first[since_first.len().saturating_sub(12)..]);
    let counts = Counts {
        tenure: y.len() - first,
        span,
        n_active,
        gap_end: y.len() - 1 - last,
        adi: span as f64 / n_active as f64,
        longest_pause,
    };
    let level = Level {
        cv2,
        level12,
        level_life: mean(act),
    };
    (counts, level)
}

struct Trend {
    n_blocks: usize,
    s: i64,
    tau: f64,
    p: f64,
    ratio_31: f64,
}

/// Mann-Kendall and the last-third / first-third ratio on the blocks B. Unless the start is
/// censored, up to three ramp-up months are dropped first: every new customer "grows" in its
/// first months, which is not the trend we mean.
fn trend(act: &[f64], b: usize, left_censored: bool, blocks: &mut Vec<f64>) -> Trend {
    let span = act.len();
    let trim = if left_censored { 0 } else { (span / 5).min(3) };
    block_means_into(&act[trim..], b, blocks);
    let blocks = &blocks[..];
    let mk = mann_kendall(blocks);
    let k = (blocks.len() / 3).max(1);
    let m1 = mean(&blocks[..k.min(blocks.len())]);
    let m3 = mean(&blocks[blocks.len().saturating_sub(k)..]);
    // The damping d keeps the ratio finite and modest when the first third is near zero.
    let d = 0.1 * mean(blocks).abs();
    let num = m3.max(0.0) + d;
    let den = m1.max(0.0) + d;
    let ratio_31 = if den > 0.0 {
        num / den
    } else if num > 0.0 {
        f64::INFINITY
    } else {
        1.0
    };
    Trend {
        n_blocks: blocks.len(),
        s: mk.s,
        tau: mk.tau,
        p: mk.p,
        ratio_31,
    }
}

struct Shape {
    peak_pos: f64,
    rise: f64,
    fall: f64,
    tau_pre: f64,
    tau_post: f64,
}

/// Where the smoothed peak lies and how far the start and the end lie below it: the bell
/// (rise and fall), growth (peak at the end) and shrinking (peak at the start) shapes.
fn shape(act: &[f64], adi: f64, b: usize, left_censored: bool, scratch: &mut Scratch) -> Shape {
    let span = act.len();
    // The window grows with the span (one month per year either side) and with sparseness
    // (so that a window usually holds an order).
    let w = (2 * (span / 12) + 1)
        .max(2 * adi.ceil() as usize + 1)
        .max(3);
    moving_mean_into(act, w, &mut scratch.smooth);
    let sm = &scratch.smooth;
    // First maximum, as numpy's argmax.
    let mut pk = 0;
    for (i, v) in sm.iter().enumerate() {
        if *v > sm[pk] {
            pk = i;
        }
    }
    let peak_pos = if span > 1 {
        pk as f64 / (span - 1) as f64
    } else {
        0.0
    };
    // Skip the acquisition month (often a partial month) unless the start is censored.
    let e = if left_censored { 0 } else { 1 };
    let km = ((0.15 * span as f64).round_ties_even() as usize).max(3);
    let head = &act[e.min(span)..(e + km).min(span)];
    let tail = &act[span.saturating_sub(km)..];
    let peak = sm[pk];
    let (rise, fall) = if peak == 0.0 || head.is_empty() {
        (0.0, 0.0)
    } else {
        (
            (1.0 - mean(head) / peak).clamp(-1.0, 1.0),
            (1.0 - mean(tail) / peak).clamp(-1.0, 2.0),
        )
    };
    let side = &mut scratch.side;
    let mut side_tau = |part: &[f64]| {
        block_means_into(part, b, side);
        if side.len() >= 3 {
            mann_kendall(side).tau
        } else {
            0.0
        }
    };
    let tau_pre = side_tau(&act[..=pk]);
    let tau_post = side_tau(&act[pk..]);
    Shape {
        peak_pos,
        rise,
        fall,
        tau_pre,
        tau_post,
    }
}

struct Variation {
    cv_block: f64,
    cv_month: f64,
    acf_season: Option<f64>,
    runs_z: f64,
    acf1: f64,
    season_power: f64,
}

/// Variation around the trend and signs of a season: detrended first so that a growing or
/// shrinking customer does not look volatile or periodic.
fn variation(act: &[f64], scratch: &mut Scratch) -> Variation {
    // Detrended once and used for every measure below.
    let cv = |x: &[f64], detrended: &[f64]| {
        let m = mean(x);
        if m <= 0.0 {
            0.0
        } else {
            std_pop(detrended) / m
        }
    };
    detrend_into(&scratch.blocks, &mut scratch.detrended_blocks);
    detrend_into(act, &mut scratch.detrended);
    let da = &scratch.detrended;
    let span = act.len();
    let da_mean = mean(da);
    let da_den: f64 = da.iter().map(|v| (v - da_mean) * (v - da_mean)).sum();
    let acf = |lag| acf_with(da, lag, da_mean, da_den);
    let acf_season = [3, 4, 6, 12]
        .into_iter()
        .filter(|p| span >= 2 * p + 2)
        .map(acf)
        .reduce(f64::max);
    Variation {
        cv_block: cv(&scratch.blocks, &scratch.detrended_blocks),
        cv_month: cv(act, da),
        acf_season,
        runs_z: runs_z_with(da, &mut scratch.select),
        acf1: acf(1),
        season_power: season_power(da),
    }
}

/// The largest share of the variance of `x` (mean about 0, e.g. detrended) that a sine wave of
/// period 3, 4, 6 or 12 explains, over the periods that fit at least twice: 2 (C² + S²) /
/// (n Σx²) with C, S the cosine and sine sums (the periodogram at that frequency).
fn season_power(x: &[f64]) -> f64 {
    let n = x.len();
    let total: f64 = x.iter().map(|v| v * v).sum();
    if total <= 0.0 {
        return 0.0;
    }
    let mut best = 0.0f64;
    for p in [3usize, 4, 6, 12] {
        if n < 2 * p {
            continue;
        }
        // Angle 360° · t / p = 30° · (t mod p) · 12 / p.
        let step = 12 / p;
        let (mut c, mut s) = (0.0, 0.0);
        // k = (t mod p) · step, stepped instead of divided (a division per month was the
        // slowest instruction of the feature pass).
        let mut k = 0;
        for v in x {
            c += v * COS_30[k];
            s += v * SIN_30[k];
            k += step;
            if k >= 12 {
                k = 0;
            }
        }
        best = best.max(2.0 * (c * c + s * s) / (n as f64 * total));
    }
    best.min(1.0)
}

struct Curve {
    slope_rel: f64,
    curvature: f64,
}

/// Line and parabola through the active span with time scaled to u in -1..1: the linear and
/// the centred quadratic term are orthogonal on a symmetric grid, so each coefficient is one
/// projection. Both relative to the mean level.
fn curve(act: &[f64]) -> Curve {
    let n = act.len();
    let m = mean(act);
    if n < 3 || m <= 0.0 {
        return Curve {
            slope_rel: 0.0,
            curvature: 0.0,
        };
    }
    let a = 2.0 / (n - 1) as f64;
    // mean of u² over the grid u_t = a t - 1: (n + 1) / (3 (n - 1)).
    let u2_mean = (n + 1) as f64 / (3.0 * (n - 1) as f64);
    let (mut s1, mut q1, mut s2, mut q2) = (0.0, 0.0, 0.0, 0.0);
    for (t, y) in act.iter().enumerate() {
        let p1 = a * t as f64 - 1.0;
        let p2 = p1 * p1 - u2_mean;
        s1 += y * p1;
        q1 += p1 * p1;
        s2 += y * p2;
        q2 += p2 * p2;
    }
    Curve {
        // The line runs from -b1 to +b1 over the span.
        slope_rel: 2.0 * s1 / q1 / m,
        curvature: s2 / q2 / m,
    }
}

/// High and low phases of the centred 3-month mean against its 90th percentile. Months in
/// between are ignored, so a high phase with one middling month stays one phase. A trough is a
/// low run of at least two months between two high runs: a real pause, not a late start or an
/// end.
fn phases(act: &[f64], scratch: &mut Scratch) -> PhaseCounts {
    moving_mean_into(act, 3, &mut scratch.smooth);
    let r3 = &scratch.smooth;
    let reference = percentile_with(r3, 90.0, &mut scratch.select);
    // A reference <= 0 (a loss-making customer) has no meaningful low phase.
    let low_months = if reference > 0.0 {
        r3.iter().filter(|v| **v <= 0.2 * reference).count()
    } else {
        0
    };
    let labels = r3.iter().filter_map(|v| {
        if *v >= 0.5 * reference {
            Some(Phase::High)
        } else if *v <= 0.2 * reference {
            Some(Phase::Low)
        } else {
            None
        }
    });
    // One pass over the runs: a long enough low run after a high one is a pending trough,
    // counted once another high run follows.
    let (mut highs, mut troughs, mut pending) = (0, 0, 0);
    let mut run: Option<(Phase, usize)> = None;
    let mut seen_high = false;
    for label in labels {
        match &mut run {
            Some((phase, len)) if *phase == label => *len += 1,
            _ => {
                if let Some((Phase::Low, len)) = run {
                    if len >= 2 && seen_high {
                        pending += 1;
                    }
                }
                if label == Phase::High {
                    highs += 1;
                    seen_high = true;
                    troughs += pending;
                    pending = 0;
                }
                run = Some((label, 1));
            }
        }
    }
    PhaseCounts {
        highs,
        troughs,
        low_months,
    }
}
