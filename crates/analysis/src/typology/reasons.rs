//! One sentence per rule, with the numbers that decided it (spec §3 "Reasons"), in German and
//! English.

use kundenwert_core::Lang;

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
            let what = match (claim_of(self.customer_type), lang) {
                (Some(Claim::Rising), Lang::De) => "Käufe oder Monatswerte steigen",
                (Some(Claim::Rising), Lang::En) => "purchases or monthly values rise",
                (Some(Claim::Falling), Lang::De) => "Käufe oder Monatswerte fallen",
                (Some(Claim::Falling), Lang::En) => "purchases or monthly values fall",
                (Some(Claim::Hump), Lang::De) => "Käufe oder Monatswerte steigen und fallen wieder",
                (Some(Claim::Hump), Lang::En) => "purchases or monthly values rise and fall again",
                (_, Lang::De) => "Käufe oder Monatswerte folgen einer Saison oder kommen in Phasen",
                (_, Lang::En) => "purchases or monthly values follow a season or come in phases",
            };
            let shape = self.unproven.unwrap_or(CustomerType::Stable).label(lang);
            let p = p_text(p.unwrap_or(1.0), lang);
            let label = self.customer_type.label(lang);
            return Some(match lang {
                Lang::De => format!(
                    "{label}: {what} über den Zufall hinaus (p {p} bei {purchases} Käufen über {months} Monate); der Verlauf allein sah nach {shape} aus."
                ),
                Lang::En => format!(
                    "{}{}: {what} beyond chance (p {p} in {purchases} purchases over {months} months); the shape alone looked like {shape}.",
                    label[..1].to_uppercase(),
                    &label[1..]
                ),
            });
        }
        Some(match (self.customer_type, self.unproven, lang) {
            (CustomerType::Insufficient, _, _) => return None,
            (_, Some(t), Lang::De) => format!(
                "Unauffällig: kein Muster über den Zufall hinaus in {purchases} Käufen über {months} Monate (der Verlauf sah nach {} aus, p {}; nötig wäre p < {}).",
                t.label(lang),
                p_text(p.unwrap_or(1.0), lang),
                level_text(self.evidence_level().unwrap_or(0.0), lang)
            ),
            (_, Some(t), Lang::En) => format!(
                "Steady: no pattern beyond chance in {purchases} purchases over {months} months (the shape looked like {}, p {}; it would need p < {}).",
                t.label(lang),
                p_text(p.unwrap_or(1.0), lang),
                level_text(self.evidence_level().unwrap_or(0.0), lang)
            ),
            (CustomerType::Stable, None, Lang::De) => format!(
                " {purchases} Käufe über {months} Monate; das stärkste Muster p {}.",
                p_text(p.unwrap_or(1.0), lang)
            ),
            (CustomerType::Stable, None, Lang::En) => format!(
                " {purchases} purchases over {months} months; the strongest pattern p {}.",
                p_text(p.unwrap_or(1.0), lang)
            ),
            (_, None, Lang::De) => format!(
                " Über den Zufall hinaus: p {} bei {purchases} Käufen über {months} Monate.",
                p_text(p.unwrap_or(1.0), lang)
            ),
            (_, None, Lang::En) => format!(
                " Beyond chance: p {} in {purchases} purchases over {months} months.",
                p_text(p.unwrap_or(1.0), lang)
            ),
        })
    }

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
            (RULE_NO_EVIDENCE | RULE_EVIDENCE, _) => self.evidence_text(lang).unwrap_or_default(),
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
        if self.rule != RULE_NO_EVIDENCE && self.rule != RULE_EVIDENCE && !self.levels.is_off() {
            if let Some(evidence) = self.evidence_text(lang) {
                text.push_str(&evidence);
            }
        }
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
