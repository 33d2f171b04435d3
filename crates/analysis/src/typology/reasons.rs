//! One sentence per rule, with the numbers that decided it (spec §3 "Reasons"), in German and
//! English.

use kundenwert_core::Lang;
use kundenwert_text::{self as text, CustomerTypeLabel};

use super::evidence::Claim;
use super::rules::claim_of;
use super::tree::conditions_text;
use super::{Classification, CustomerType, Status, RULE_EVIDENCE, RULE_NO_EVIDENCE, RULE_TREE};

/// A number for a sentence: two decimals, decimal comma in German.
fn num(v: f64, lang: Lang) -> String {
    let s = format!("{v:.2}");
    match lang {
        Lang::De => s.replace('.', ","),
        Lang::En => s,
    }
}

/// A share as whole percent.
fn pct(v: f64) -> String {
    format!("{:.0}", 100.0 * v)
}

/// A p-value for a sentence: three decimals (decimal comma in German), `< 0.001` below.
fn p_text(p: f64, lang: Lang) -> String {
    let s = if p < 0.001 {
        "< 0.001".to_string()
    } else {
        format!("= {p:.3}")
    };
    match lang {
        Lang::De => s.replace('.', ","),
        Lang::En => s,
    }
}

/// A level for a sentence: as short as it is exact (0.035, 0.01), decimal comma in German.
fn level_text(v: f64, lang: Lang) -> String {
    let s = format!("{v}");
    match lang {
        Lang::De => s.replace('.', ","),
        Lang::En => s,
    }
}

impl Classification {
    /// The p-value of the evidence behind the type, against a flat random buyer with the same
    /// purchases and amounts: for growth, shrinking, bell, cyclical and barnacle that of their
    /// pattern (also when it was not shown, [`Classification::unproven`]); for steady the
    /// smallest over the four patterns (how close the strongest came); `None` for new
    /// customers and without business.
    pub fn evidence_p(&self) -> Option<f64> {
        let e = self.features.as_ref()?.evidence?;
        match self.judged_type() {
            CustomerType::Insufficient => None,
            CustomerType::Barnacle => self.minimal_p,
            CustomerType::Stable => [Claim::Rising, Claim::Falling, Claim::Hump, Claim::Cycle]
                .into_iter()
                .map(|c| e.p(c, &self.levels))
                .reduce(f64::min),
            t => claim_of(t).map(|c| e.p(c, &self.levels)),
        }
    }

    /// The level [`Classification::evidence_p`] is held against for the type's pattern
    /// (`None` for steady and new).
    pub fn evidence_level(&self) -> Option<f64> {
        let l = &self.levels;
        match self.judged_type() {
            CustomerType::Growth | CustomerType::Shrink => Some(l.trend),
            CustomerType::Bell => Some(l.hump),
            CustomerType::Cyclical => Some(l.cycle),
            CustomerType::Barnacle => Some(l.minimal),
            CustomerType::Stable | CustomerType::Insufficient => None,
        }
    }

    /// The type whose pattern [`Classification::evidence_p`] speaks of: the suggestion that
    /// was not shown for "steady, no pattern beyond chance", else the type.
    fn judged_type(&self) -> CustomerType {
        match (self.rule, self.unproven) {
            (RULE_NO_EVIDENCE, Some(t)) => t,
            _ => self.customer_type,
        }
    }

    /// The sentence on the evidence: how many purchases over how many months, and the
    /// p-value of the type's pattern.
    fn evidence_text(&self, lang: Lang) -> Option<String> {
        let e = self.features.as_ref()?.evidence?;
        let p = self.evidence_p();
        let (purchases, months) = (e.purchases, e.months);
        if self.rule == RULE_EVIDENCE {
            let what = match claim_of(self.customer_type) {
                Some(Claim::Rising) => text::typology_claim_rising(lang),
                Some(Claim::Falling) => text::typology_claim_falling(lang),
                Some(Claim::Hump) => text::typology_claim_hump(lang),
                _ => text::typology_claim_season(lang),
            };
            let shape = self.unproven.unwrap_or(CustomerType::Stable).label(lang);
            let p = p_text(p.unwrap_or(1.0), lang);
            let label = self.customer_type.label(lang);
            // An English sentence starts with a capital; German type labels keep their case.
            let label = if lang == Lang::En {
                format!("{}{}", label[..1].to_uppercase(), &label[1..])
            } else {
                label.to_owned()
            };
            return Some(text::typology_evidence_shown(
                lang, label, months, p, purchases, shape, what,
            ));
        }
        Some(match (self.customer_type, self.unproven) {
            (CustomerType::Insufficient, _) => return None,
            (_, Some(t)) => text::typology_evidence_not_shown(
                lang,
                level_text(self.evidence_level().unwrap_or(0.0), lang),
                months,
                p_text(p.unwrap_or(1.0), lang),
                purchases,
                t.label(lang),
            ),
            (CustomerType::Stable, None) => text::typology_evidence_steady(
                lang,
                months,
                p_text(p.unwrap_or(1.0), lang),
                purchases,
            ),
            (_, None) => text::typology_evidence_beyond_chance(
                lang,
                months,
                p_text(p.unwrap_or(1.0), lang),
                purchases,
            ),
        })
    }

    /// Why the customer got its type: one sentence naming the rule's numbers.
    pub fn reason(&self, lang: Lang) -> String {
        let Some(f) = &self.features else {
            return text::typology_no_margin_month(lang).to_string();
        };
        let n = |v| num(v, lang);
        let mut reason = match self.rule {
            RULE_NO_EVIDENCE | RULE_EVIDENCE => self.evidence_text(lang).unwrap_or_default(),
            // The tree: the conditions on the way to the leaf, then the type.
            RULE_TREE => {
                let conditions = conditions_text(&self.conditions, lang);
                let mut chars = conditions.chars();
                let first: String = chars
                    .next()
                    .map(|c| c.to_uppercase().collect())
                    .unwrap_or_default();
                format!(
                    "{first}{} → {}.",
                    chars.as_str(),
                    self.customer_type.label(lang)
                )
            }
            0 => text::typology_reason_too_little_history(lang, f.n_active, f.span),
            1 => text::typology_reason_loyal_no_value(lang, n(f.level12), f.tenure),
            2 => text::typology_reason_growing(
                lang,
                n(f.p),
                pct(f.peak_pos),
                n(f.ratio_31),
                n(f.tau),
            ),
            3 => text::typology_reason_bell(lang, pct(f.fall), pct(f.peak_pos), pct(f.rise)),
            4 => text::typology_reason_shrinking(lang, n(f.p), n(f.ratio_31), n(f.tau)),
            5 => text::typology_reason_barnacle(
                lang,
                n(f.level12),
                pct(self.level_rel.unwrap_or(0.0)),
                f.tenure,
            ),
            6 => text::typology_reason_cyclical(
                lang,
                n(f.cv2),
                n(f.cv_month),
                f.highs,
                f.troughs,
                self.cyclical_votes.unwrap_or(0),
            ),
            _ => text::typology_reason_steady(lang, n(f.cv_block), n(f.p), n(f.tau)),
        };
        if self.rule != RULE_NO_EVIDENCE && self.rule != RULE_EVIDENCE && !self.levels.is_off() {
            if let Some(evidence) = self.evidence_text(lang) {
                reason.push_str(&evidence);
            }
        }
        if self.weak_evidence {
            reason.push_str(text::typology_weak_evidence(lang));
        }
        if matches!(self.status, Status::Lost | Status::OneTime) {
            reason.push_str(&text::typology_no_business_for(lang, f.gap_end));
        }
        reason
    }
}
