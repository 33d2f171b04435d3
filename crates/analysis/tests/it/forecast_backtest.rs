//! The future value held against what happened, on the demo company and on a second company
//! built differently: forecast as of 31.12.2024 from the history before, calibrated on the
//! backtest (as of 31.12.2023 against 2024), then compared with 2025.
//!
//! The figures are pinned with the tolerances named below, so that a change in the models, the
//! types or the calibration that moves them shows here and is written down in
//! `docs/forecast-backtest.md`. Issue 21's targets (per type with ≥ 100 customers and ≥ 2 % of
//! the margin, predicted / actual within 0.85–1.15; all within ±5 %; 75–85 % of the actual
//! values inside the 80 % ranges) are asserted where this forecast meets them, and the
//! shortfalls are pinned as they are.

use chrono::NaiveDate;
use kundenwert_analysis::demo::{generate, DemoConfig};
use kundenwert_analysis::future::outcome::Outcome;
use kundenwert_analysis::future::{forecast, ChoiceBasis, FutureConfig};
use kundenwert_analysis::{classify_series_with, CustomerType, TypologyConfig};

/// How far a pinned ratio of predicted to actual value may move.
const RATIO_TOLERANCE: f64 = 0.03;
/// How far a pinned share of outcomes inside their range may move.
const COVERAGE_TOLERANCE: f64 = 0.03;

fn outcomes(config: &DemoConfig) -> (Vec<Outcome>, kundenwert_analysis::future::Forecast) {
    let demo = generate(config);
    let as_of = NaiveDate::from_ymd_opt(2024, 12, 31).expect("valid date");
    let series = demo.series(as_of);
    let typology = TypologyConfig::default();
    let types = classify_series_with(&series, &typology);
    let config = FutureConfig {
        discount_rate: 0.0,
        ..FutureConfig::default()
    };
    let f = forecast(&series, &types, &typology, &config);
    let outcomes = f
        .holdout
        .as_ref()
        .and_then(|h| h.outcomes.clone())
        .expect("2025 covers the horizon");
    (outcomes, f)
}

fn of(outcomes: &[Outcome], t: Option<CustomerType>) -> Outcome {
    *outcomes
        .iter()
        .find(|o| o.customer_type == t)
        .expect("the type has customers")
}

#[track_caller]
fn pinned(o: &Outcome, ratio: f64, coverage: f64) {
    let r = o.ratio().expect("positive actual value");
    let c = o.coverage().expect("customers");
    assert!(
        (r - ratio).abs() <= RATIO_TOLERANCE,
        "{:?}: predicted / actual {r:.3}, pinned {ratio}",
        o.customer_type
    );
    assert!(
        (c - coverage).abs() <= COVERAGE_TOLERANCE,
        "{:?}: coverage {c:.3}, pinned {coverage}",
        o.customer_type
    );
}

#[test]
fn demo_company_forecast_against_2025() {
    let (o, f) = outcomes(&DemoConfig::default());
    // The choice was made on the backtest, never on 2025.
    assert_eq!(f.basis, ChoiceBasis::Backtest);
    let b = f.backtest.as_ref().expect("a backtest");
    assert_eq!(
        b.origin,
        NaiveDate::from_ymd_opt(2023, 12, 31).expect("date")
    );

    let all = of(&o, None);
    pinned(&all, 1.022, 0.803);
    // Targets met: all customers within ±5 %, 75–85 % inside the ranges.
    assert!((all.ratio().expect("ratio") - 1.0).abs() <= 0.05);
    assert!((0.75..=0.85).contains(&all.coverage().expect("coverage")));
    for (t, ratio, coverage) in [
        (CustomerType::Stable, 0.946, 0.795),
        (CustomerType::Cyclical, 1.046, 0.896),
        (CustomerType::Shrink, 1.138, 0.770),
    ] {
        let x = of(&o, Some(t));
        pinned(&x, ratio, coverage);
        assert!((0.85..=1.15).contains(&x.ratio().expect("ratio")), "{t:?}");
        assert!(x.coverage().expect("coverage") >= 0.70, "{t:?}");
    }
    // Not met: growth customers are valued 24 % too high and 40 % of them fall outside their
    // range. Half of the customers typed growth at the end of 2024 are bells that turn in 2025;
    // neither the history before nor the backtest's year shows it (docs/forecast-backtest.md).
    pinned(&of(&o, Some(CustomerType::Growth)), 1.241, 0.602);
}

/// Another seed and other type shares, not tuned on: more growth and shrinking, fewer bells.
#[test]
fn second_company_forecast_against_2025() {
    let config = DemoConfig {
        seed: 7,
        type_shares: [
            (CustomerType::Stable, 0.20),
            (CustomerType::Cyclical, 0.15),
            (CustomerType::Bell, 0.05),
            (CustomerType::Growth, 0.25),
            (CustomerType::Shrink, 0.20),
            (CustomerType::Barnacle, 0.05),
            (CustomerType::Insufficient, 0.10),
        ],
        ..DemoConfig::default()
    };
    let (o, _) = outcomes(&config);
    let all = of(&o, None);
    pinned(&all, 0.960, 0.702);
    assert!((all.ratio().expect("ratio") - 1.0).abs() <= 0.05);
    for (t, ratio, coverage) in [
        (CustomerType::Stable, 0.970, 0.627),
        (CustomerType::Cyclical, 0.899, 0.895),
        (CustomerType::Growth, 0.875, 0.764),
        (CustomerType::Shrink, 1.403, 0.838),
    ] {
        pinned(&of(&o, Some(t)), ratio, coverage);
    }
}
