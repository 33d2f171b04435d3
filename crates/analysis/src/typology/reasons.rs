//! One sentence per rule, with the numbers that decided it (spec §3 "Reasons"), in German and
//! English.

use kundenwert_core::Lang;

use super::tree::conditions_text;
use super::{Classification, Status, RULE_TREE};

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

impl Classification {
    /// Why the customer got its type: one sentence naming the rule's numbers.
    pub fn reason(&self, lang: Lang) -> String {
        let Some(f) = &self.features else {
            return lang
                .pick(
                    "Kein Monat mit Deckungsbeitrag.",
                    "No month with a contribution margin.",
                )
                .to_string();
        };
        let n = |v| num(v, lang);
        let mut text = match (self.rule, lang) {
            // The tree: the conditions on the way to the leaf, then the type.
            (RULE_TREE, _) => {
                let conditions = conditions_text(&self.conditions, lang);
                let mut chars = conditions.chars();
                let first: String = chars.next().map(|c| c.to_uppercase().collect()).unwrap_or_default();
                format!("{first}{} → {}.", chars.as_str(), self.customer_type.label(lang))
            }
            (0, Lang::De) => format!(
                "Nur {} aktive Monate in {} Monaten: zu wenig Verlauf für einen Typ (nötig sind 4 aktive Monate in mindestens 6).",
                f.n_active, f.span
            ),
            (0, Lang::En) => format!(
                "Only {} active months in {} months: too little history for a type (needs 4 active months in at least 6).",
                f.n_active, f.span
            ),
            (1, Lang::De) => format!(
                "Seit {} Monaten treu, aber die letzten 12 Monate bringen im Mittel {} (null oder weniger).",
                f.tenure,
                n(f.level12)
            ),
            (1, Lang::En) => format!(
                "Loyal for {} months, but the last 12 months average {} (zero or less).",
                f.tenure,
                n(f.level12)
            ),
            (2, Lang::De) => format!(
                "Wachsend: Mann-Kendall-tau {} (p = {}), letztes Drittel {}-mal das erste, Höhepunkt bei {} % der Laufzeit.",
                n(f.tau), n(f.p), n(f.ratio_31), pct(f.peak_pos)
            ),
            (2, Lang::En) => format!(
                "Growing: Mann-Kendall tau {} (p = {}), last third {} times the first, peak at {} % of the span.",
                n(f.tau), n(f.p), n(f.ratio_31), pct(f.peak_pos)
            ),
            (3, Lang::De) => format!(
                "Bis zu einem Höhepunkt bei {} % der Laufzeit gestiegen und wieder gefallen: Anfang {} % und Ende {} % unter dem Höhepunkt.",
                pct(f.peak_pos), pct(f.rise), pct(f.fall)
            ),
            (3, Lang::En) => format!(
                "Rose to a peak at {} % of the span and fell again: start {} % and end {} % below the peak.",
                pct(f.peak_pos), pct(f.rise), pct(f.fall)
            ),
            (4, Lang::De) => format!(
                "Schrumpfend: Mann-Kendall-tau {} (p = {}), letztes Drittel {}-mal das erste.",
                n(f.tau), n(f.p), n(f.ratio_31)
            ),
            (4, Lang::En) => format!(
                "Shrinking: Mann-Kendall tau {} (p = {}), last third {} times the first.",
                n(f.tau), n(f.p), n(f.ratio_31)
            ),
            (5, Lang::De) => format!(
                "Seit {} Monaten treu, aber die letzten 12 Monate bringen im Mittel {}, {} % des typischen Kundenniveaus.",
                f.tenure,
                n(f.level12),
                pct(self.level_rel.unwrap_or(0.0))
            ),
            (5, Lang::En) => format!(
                "Loyal for {} months, but the last 12 months average {}, {} % of the portfolio's typical level.",
                f.tenure,
                n(f.level12),
                pct(self.level_rel.unwrap_or(0.0))
            ),
            (6, Lang::De) => format!(
                "Zyklisch: Monate schwanken um {}, Auftragsgrößen um {} (cv²); {} von 4 Zyklus-Anzeichen, {} Hochphasen mit {} Pausen dazwischen.",
                n(f.cv_month), n(f.cv2), self.cyclical_votes.unwrap_or(0), f.highs, f.troughs
            ),
            (6, Lang::En) => format!(
                "Cyclical: months vary by {}, order sizes by {} (cv²); {} of 4 signs of a cycle, {} high phases with {} pauses between them.",
                n(f.cv_month), n(f.cv2), self.cyclical_votes.unwrap_or(0), f.highs, f.troughs
            ),
            (_, Lang::De) => format!(
                "Kein klarer Trend, Höhepunkt oder Zyklus (tau {}, p = {}, Schwankung der Blöcke {}).",
                n(f.tau), n(f.p), n(f.cv_block)
            ),
            (_, Lang::En) => format!(
                "No clear trend, peak or cycle (tau {}, p = {}, block variation {}).",
                n(f.tau), n(f.p), n(f.cv_block)
            ),
        };
        if self.weak_evidence {
            text.push_str(lang.pick(
                " Schwache Evidenz: die Blöcke schwanken stark oder ändern sich deutlich.",
                " Weak evidence: the blocks vary strongly or change significantly.",
            ));
        }
        if matches!(self.status, Status::Lost | Status::OneTime) {
            text.push_str(&match lang {
                Lang::De => format!(" Seit {} Monaten ohne Umsatz.", f.gap_end),
                Lang::En => format!(" No business for {} months.", f.gap_end),
            });
        }
        text
    }
}
