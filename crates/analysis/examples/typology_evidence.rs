//! How often the evidence tests (`typology::evidence`) pass on the B2B panels: on flat and
//! bursty buyers (false alarms, bounded by the levels), and on patterned ones (power), beside
//! the Laplace trend test on the exact purchase times after the first purchase (the best test
//! on the same information).
//!
//! ```sh
//! cargo run --release -p kundenwert-analysis --example typology_evidence -- [SEED] [CUSTOMERS] [MONTHS] [ACQUIRED]
//! ```
use kundenwert_analysis::typology::b2b_panels::{generate, PanelSpec, Pattern};
use kundenwert_analysis::typology::evidence::{normal_sf, Claim, Critical, Evidence, Levels};

const RATES: [f64; 5] = [0.25, 0.5, 1.0, 2.0, 4.0];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let seed: u64 = args.get(1).map_or(1, |s| s.parse().unwrap());
    let customers: usize = args.get(2).map_or(2000, |s| s.parse().unwrap());
    let months: usize = args.get(3).map_or(36, |s| s.parse().unwrap());
    let acquired: f64 = args.get(4).map_or(0.0, |s| s.parse().unwrap());
    let levels = Levels::default();
    let critical = Critical::of(&levels);
    println!("{levels:?}, months {months}, acquired {acquired}");
    let cols = ["rising", "falling", "hump", "cycle", "any", "oracle"];
    print!("{:<9} {:>18}", "pattern", "rate");
    for c in cols {
        print!(" {c:>7}");
    }
    println!(" {:>6} {:>5}", "purch", "disp");
    let claims = [Claim::Rising, Claim::Falling, Claim::Hump, Claim::Cycle];
    for pattern in Pattern::ALL {
        for (i, rate) in RATES.iter().enumerate() {
            let panel = generate(&PanelSpec {
                pattern,
                rate: *rate,
                customers,
                months,
                acquired,
                seed: seed * 1000 + (pattern as u64) * 10 + i as u64,
            });
            let n = panel.len() as f64;
            let mut hits = [0usize; 6];
            let (mut purchases, mut disp) = (0u64, 0.0);
            for c in &panel {
                let Some(e) = Evidence::compute(&c.values, Some(&c.purchases)) else {
                    continue;
                };
                purchases += e.purchases;
                disp += e.dispersion;
                let shown: Vec<bool> = claims.iter().map(|k| e.shows(*k, &critical)).collect();
                for (k, s) in shown.iter().enumerate() {
                    hits[k] += usize::from(*s);
                }
                hits[4] += usize::from(shown.iter().any(|s| *s));
                let times = &c.times[1..];
                if !times.is_empty() {
                    let from = c.times[0];
                    let len = months as f64 - from;
                    let k = times.len() as f64;
                    let u = times.iter().map(|t| (t - from) / len).sum::<f64>() / k;
                    let z = (u - 0.5) / (1.0 / (12.0 * k)).sqrt();
                    let z = if pattern == Pattern::Falling { -z } else { z };
                    hits[5] += usize::from(normal_sf(z) < levels.trend);
                }
            }
            print!("{:<9} {:>18}", pattern.id(), pattern.rate_label(*rate));
            for h in hits {
                print!(" {:>6.1}%", 100.0 * h as f64 / n);
            }
            println!(" {:>6.1} {:>5.2}", purchases as f64 / n, disp / n);
        }
    }
}
