//! Classifying customers on one core (issue 3, item 7: 1 M customers × 36 months ≤ 1 s).
//!
//! Deterministic synthetic monthly margin series (a seeded SplitMix64, no dependency) in the
//! shapes of the typology: steady, cyclical, bell, growth, shrinking, barnacle, sparse buyers
//! and short histories. Criterion measures 10,000 series per iteration (per-customer time =
//! iteration time / 10,000); under `cargo bench` a plain timed run then classifies 1,000,000
//! distinct series (generated in chunks, only classification timed) and prints the seconds.
//!
//! ```sh
//! taskset -c 0 cargo bench -p kundenwert-analysis --bench classify
//! ```

use std::hash::{DefaultHasher, Hash, Hasher};
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use kundenwert_analysis::typology::{classify, Classification, CustomerType};
use kundenwert_core::Lang;

/// Months per series.
const MONTHS: usize = 36;
/// Portfolio reference level for rule 5 (the relative barnacle).
const REFERENCE: f64 = 400.0;

use kundenwert_analysis::demo::Rng;

fn series(rng: &mut Rng, y: &mut [f64]) -> bool {
    let n = y.len();
    let kind = rng.next_u64() % 8;
    let level = 50.0 + 1000.0 * rng.f64();
    // First active month: half of the customers were there before the data started.
    let censored = rng.f64() < 0.5;
    let start = if censored {
        0
    } else {
        (rng.next_u64() % (n as u64 - 2)) as usize
    };
    // Probability of buying in a month: most are regular, some sparse.
    let p_buy = if kind == 6 {
        0.25
    } else {
        0.6 + 0.4 * rng.f64()
    };
    let period = [3.0, 4.0, 6.0, 12.0][(rng.next_u64() % 4) as usize];
    let stop = if rng.f64() < 0.15 {
        start + ((n - start) as f64 * rng.f64()) as usize
    } else {
        n
    };
    for (t, v) in y.iter_mut().enumerate() {
        *v = 0.0;
        if t < start || t >= stop || rng.f64() >= p_buy {
            continue;
        }
        let x = (t - start) as f64 / (n - start).max(1) as f64;
        let shape = match kind {
            0 | 6 => 1.0,
            1 => 1.0 + (std::f64::consts::TAU * t as f64 / period).sin().max(-0.9),
            2 => (-((x - 0.5) * 4.0).powi(2)).exp(),
            3 => 0.2 + 1.6 * x,
            4 => 1.8 - 1.6 * x,
            5 => 0.02,
            _ => 1.0 + 0.5 * x,
        };
        // Noise, a credit note now and then; values are rounded to cents like real margins.
        let noise = 0.6 + 0.8 * rng.f64();
        let sign = if rng.f64() < 0.03 { -0.5 } else { 1.0 };
        *v = (level * shape * noise * sign * 100.0).round() / 100.0;
        if *v == 0.0 {
            *v = 0.01;
        }
    }
    censored
}

/// `count` series, one after the other in a flat buffer, with their censoring flags.
fn generate(rng: &mut Rng, count: usize) -> (Vec<f64>, Vec<bool>) {
    let mut flat = vec![0.0; count * MONTHS];
    let censored = flat
        .chunks_exact_mut(MONTHS)
        .map(|y| series(rng, y))
        .collect();
    (flat, censored)
}

/// Classifies every series of `flat` and counts the types (in [`CustomerType::ALL`] order):
/// the counts keep the work observable and show that a faster classifier decides the same.
fn classify_all(flat: &[f64], censored: &[bool]) -> [usize; 7] {
    let mut counts = [0; 7];
    for (y, c) in flat.chunks_exact(MONTHS).zip(censored) {
        let k: Classification = classify(black_box(y), *c, Some(REFERENCE));
        counts[type_index(k.customer_type)] += 1;
    }
    counts
}

fn type_index(t: CustomerType) -> usize {
    CustomerType::ALL.iter().position(|u| *u == t).unwrap_or(0)
}

/// Folds every classification of `flat` (type, rule, leaf, confidence, conditions, all
/// features, each float in full precision via `Debug`) into `hasher`. Untimed: comparing the
/// digest of two builds shows that an optimisation changed no bit of the output.
fn digest_all(flat: &[f64], censored: &[bool], hasher: &mut impl Hasher) {
    for (y, c) in flat.chunks_exact(MONTHS).zip(censored) {
        let k = classify(y, *c, Some(REFERENCE));
        format!("{k:?}").hash(hasher);
        // The reason sentences are part of the output too.
        k.reason(Lang::De).hash(hasher);
        k.reason(Lang::En).hash(hasher);
    }
}

fn bench_classify(c: &mut Criterion) {
    const N: usize = 10_000;
    let (flat, censored) = generate(&mut Rng(42), N);
    let mut group = c.benchmark_group("classify");
    group.throughput(Throughput::Elements(N as u64));
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(8));
    group.bench_function("10k_customers_x_36_months", |b| {
        b.iter(|| classify_all(&flat, &censored))
    });
    group.finish();
}

/// Nanoseconds this thread has run on a CPU (Linux `/proc/thread-self/schedstat`), `None`
/// elsewhere. On a shared machine the wall time includes the time other processes held the
/// core; the CPU time does not.
fn thread_cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// 1,000,000 distinct series in chunks of 10,000; generation is not timed. With
/// `KW_CLASSIFY_DIGEST=1` in the environment a digest of every classification and reason is
/// printed as well (computed in a second, untimed pass).
fn one_million() {
    let mut digest = std::env::var_os("KW_CLASSIFY_DIGEST").map(|_| DefaultHasher::new());
    const TOTAL: usize = 1_000_000;
    const CHUNK: usize = 10_000;
    let mut rng = Rng(7);
    let mut spent = Duration::ZERO;
    let mut cpu_ns: Option<u64> = Some(0);
    let mut counts = [0; 7];
    for _ in 0..TOTAL / CHUNK {
        let (flat, censored) = generate(&mut rng, CHUNK);
        let cpu = thread_cpu_ns();
        let t = Instant::now();
        let chunk_counts = classify_all(&flat, &censored);
        spent += t.elapsed();
        cpu_ns = match (cpu_ns, cpu, thread_cpu_ns()) {
            (Some(sum), Some(a), Some(b)) => Some(sum + (b - a)),
            _ => None,
        };
        for (total, c) in counts.iter_mut().zip(chunk_counts) {
            *total += c;
        }
        if let Some(h) = digest.as_mut() {
            digest_all(&flat, &censored, h);
        }
    }
    let cpu = cpu_ns.map_or("n/a".to_string(), |ns| format!("{:.3} s", ns as f64 * 1e-9));
    let types: Vec<String> = CustomerType::ALL
        .iter()
        .zip(counts)
        .map(|(t, c)| format!("{} {c}", t.id()))
        .collect();
    println!(
        "classify/1m_customers_x_36_months: {:.3} s wall, {cpu} CPU on one thread ({:.0} ns wall per customer; {})",
        spent.as_secs_f64(),
        spent.as_secs_f64() * 1e9 / TOTAL as f64,
        types.join(", ")
    );
    if let Some(h) = digest {
        println!(
            "classify/1m_customers_x_36_months digest: {:016x}",
            h.finish()
        );
    }
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    bench_classify(&mut c);
    c.final_summary();
    // Only under `cargo bench` (which passes `--bench`), not when tests run the target once.
    if std::env::args().any(|a| a == "--bench") {
        one_million();
    }
}
