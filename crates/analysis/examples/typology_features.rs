//! Dumps the typology features of a labelled panel in `tests/fixtures/typology/<panel>/` as
//! CSV on stdout (for looking at the rules' misses): `cargo run -p kundenwert-analysis
//! --example typology_features -- dev`.

#[path = "support/labelled.rs"]
mod labelled;

use kundenwert_analysis::typology::{classify_features, portfolio_reference, Features};

fn main() {
    let panel = std::env::args().nth(1).unwrap_or_else(|| "dev".into());
    assert!(panel != "heldout", "never tune on heldout/");
    let customers = labelled::load(&panel);
    let labels: Vec<(u64, String)> = customers.iter().map(|c| (c.id, c.label.clone())).collect();
    let feats: Vec<Option<Features>> = customers
        .iter()
        .map(|c| Features::compute(&c.months, c.left_censored))
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
