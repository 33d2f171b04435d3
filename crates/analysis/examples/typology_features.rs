//! Dumps the typology features of a labelled panel in `tests/fixtures/typology/<panel>/` as
//! CSV on stdout (for looking at the rules' misses): `cargo run -p kundenwert-analysis
//! --example typology_features -- dev`.

use std::collections::HashMap;

use kundenwert_analysis::typology::{classify_features, portfolio_reference, Features};

fn read(panel: &str, file: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/typology/{panel}/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn main() {
    let panel = std::env::args().nth(1).unwrap_or_else(|| "dev".into());
    assert!(panel != "heldout", "never tune on heldout/");
    let mut points: HashMap<u64, Vec<(i64, f64)>> = HashMap::new();
    for l in read(&panel, "series.csv").lines().skip(1) {
        let r: Vec<&str> = l.split(',').collect();
        points
            .entry(r[0].parse().unwrap())
            .or_default()
            .push((r[1].parse().unwrap(), r[2].parse().unwrap()));
    }
    let censored: HashMap<u64, bool> = read(&panel, "customers.csv")
        .lines()
        .skip(1)
        .map(|l| {
            let r: Vec<&str> = l.split(',').collect();
            (r[0].parse().unwrap(), r[1] == "1")
        })
        .collect();
    let labels: Vec<(u64, String)> = read(&panel, "labels.csv")
        .lines()
        .skip(1)
        .map(|l| {
            let r: Vec<&str> = l.split(',').collect();
            (r[0].parse().unwrap(), r[1].to_string())
        })
        .collect();
    let feats: Vec<Option<Features>> = labels
        .iter()
        .map(|(id, _)| {
            let pts = points.get(id).map(Vec::as_slice).unwrap_or(&[]);
            let start = pts.iter().map(|p| p.0).min().unwrap_or(0).min(0);
            let mut y = vec![0.0; (1 - start) as usize];
            for (m, v) in pts {
                y[(m - start) as usize] += v;
            }
            Features::compute(&y, censored[id])
        })
        .collect();
    let reference = portfolio_reference(feats.iter().flatten());
    println!("id,truth,pred,rule,status,ref,lc,tenure,span,n_active,gap_end,adi,cv2,level12,level_life,block,n_blocks,tau,p,ratio_31,peak_pos,rise,fall,tau_pre,tau_post,cv_block,cv_month,acf_season,runs_z,highs,troughs");
    for ((id, truth), f) in labels.iter().zip(&feats) {
        let c = classify_features(f.as_ref(), reference);
        let Some(f) = f else { continue };
        println!(
            "{id},{truth},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            c.customer_type.spec_name(),
            c.rule,
            c.status.spec_name(),
            reference.unwrap_or(f64::NAN),
            u8::from(f.left_censored),
            f.tenure,
            f.span,
            f.n_active,
            f.gap_end,
            f.adi,
            f.cv2,
            f.level12,
            f.level_life,
            f.block,
            f.n_blocks,
            f.tau,
            f.p,
            f.ratio_31,
            f.peak_pos,
            f.rise,
            f.fall,
            f.tau_pre,
            f.tau_post,
            f.cv_block,
            f.cv_month,
            f.acf_season.unwrap_or(f64::NAN),
            f.runs_z,
            f.highs,
            f.troughs
        );
    }
}
