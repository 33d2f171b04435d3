//! Contact gaps — the handbook's question „Mit wem haben Sie gar keinen Kontakt?“: actors where we
//! know nobody, persons we have no contact with, tiers where nobody has direct contact, and
//! contacts that went cold.
//!
//! The `self` tier is left out throughout: the persons there are our own colleagues.

use std::fmt::Write as _;

use chrono::NaiveDate;
use kundenwert_core::{fmt, Lang};
use kundenwert_text as text;
use serde::Serialize;

use crate::model::{Chain, Contact, Tier};

/// Days after which a last contact counts as cold when no other limit is given.
pub const DEFAULT_STALE_DAYS: u32 = 365;

/// An actor in a gap list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GapActor {
    /// Actor id.
    pub id: String,
    /// Actor name.
    pub name: String,
    /// Its tier.
    pub tier: Tier,
}

/// A person in a gap list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GapPerson {
    /// Id of the person's actor.
    pub actor: String,
    /// Name of the person's actor.
    pub actor_name: String,
    /// The actor's tier.
    pub tier: Tier,
    /// Person name.
    pub name: String,
    /// Role, if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Contact strength.
    pub contact: Contact,
    /// Last contact, if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_contact: Option<NaiveDate>,
    /// Days since the last contact (only in `stale_contacts`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_since: Option<i64>,
}

/// All contact gaps of a chain; lists in chain order (tiers left to right, then file order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gaps {
    /// Actors (not `self`) without any named person.
    pub actors_without_persons: Vec<GapActor>,
    /// Persons with contact `none`.
    pub persons_without_contact: Vec<GapPerson>,
    /// Tiers with actors (not `self`) where no person has direct contact.
    pub tiers_without_direct_contact: Vec<Tier>,
    /// Persons whose last contact is more than `stale_after_days` before `today`.
    pub stale_contacts: Vec<GapPerson>,
    /// The day the stale check was made against; `None`: no stale check.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub today: Option<NaiveDate>,
    /// The limit of the stale check, in days.
    pub stale_after_days: u32,
}

/// The gaps of a chain; with `today`, contacts older than [`DEFAULT_STALE_DAYS`] count as cold.
pub fn gaps(chain: &Chain, today: Option<NaiveDate>) -> Gaps {
    gaps_with(chain, today, DEFAULT_STALE_DAYS)
}

/// The gaps of a chain with a chosen limit for cold contacts.
pub fn gaps_with(chain: &Chain, today: Option<NaiveDate>, stale_after_days: u32) -> Gaps {
    let mut out = Gaps {
        actors_without_persons: Vec::new(),
        persons_without_contact: Vec::new(),
        tiers_without_direct_contact: Vec::new(),
        stale_contacts: Vec::new(),
        today,
        stale_after_days,
    };
    for &tier in Tier::ALL {
        if tier == Tier::SelfTier {
            continue;
        }
        let mut present = false;
        let mut direct = false;
        for actor in chain.actors_in(tier) {
            present = true;
            if actor.persons.is_empty() {
                out.actors_without_persons.push(GapActor {
                    id: actor.id.clone(),
                    name: actor.name.clone(),
                    tier,
                });
            }
            for person in &actor.persons {
                direct |= person.contact == Contact::Direct;
                let entry = |days_since| GapPerson {
                    actor: actor.id.clone(),
                    actor_name: actor.name.clone(),
                    tier,
                    name: person.name.clone(),
                    role: person.role.clone(),
                    contact: person.contact,
                    last_contact: person.last_contact,
                    days_since,
                };
                if person.contact == Contact::None {
                    out.persons_without_contact.push(entry(None));
                }
                if let (Some(today), Some(last)) = (today, person.last_contact) {
                    let days = (today - last).num_days();
                    if days > i64::from(stale_after_days) {
                        out.stale_contacts.push(entry(Some(days)));
                    }
                }
            }
        }
        if present && !direct {
            out.tiers_without_direct_contact.push(tier);
        }
    }
    out
}

impl Gaps {
    /// `true` when there is no gap at all.
    pub fn is_empty(&self) -> bool {
        self.actors_without_persons.is_empty()
            && self.persons_without_contact.is_empty()
            && self.tiers_without_direct_contact.is_empty()
            && self.stale_contacts.is_empty()
    }

    /// Stable JSON for `chain gaps --json`, ending with a newline.
    pub fn to_json(&self) -> String {
        let mut out = serde_json::to_string_pretty(self).unwrap_or_default();
        out.push('\n');
        out
    }

    /// A text report in German or English.
    pub fn render(&self, lang: Lang) -> String {
        let mut out = String::new();
        if self.is_empty() {
            out.push_str(text::chain_no_gaps(lang));
            out.push('\n');
            return out;
        }
        if !self.tiers_without_direct_contact.is_empty() {
            let _ = writeln!(
                out,
                "{}",
                text::chain_gaps_tiers_without_direct_contact(lang)
            );
            for tier in &self.tiers_without_direct_contact {
                let _ = writeln!(out, "  - {}", tier.label(lang));
            }
        }
        if !self.actors_without_persons.is_empty() {
            let _ = writeln!(out, "{}", text::chain_gaps_actors_without_persons(lang));
            for a in &self.actors_without_persons {
                let _ = writeln!(out, "  - {} [{}] ({})", a.name, a.id, a.tier.label(lang));
            }
        }
        if !self.persons_without_contact.is_empty() {
            let _ = writeln!(out, "{}", text::chain_gaps_persons_without_contact(lang));
            for p in &self.persons_without_contact {
                let _ = writeln!(out, "  - {}", person_line(p));
            }
        }
        if !self.stale_contacts.is_empty() {
            let _ = writeln!(
                out,
                "{}",
                text::chain_gaps_stale_contacts(lang, self.stale_after_days)
            );
            for p in &self.stale_contacts {
                let days = p.days_since.unwrap_or_default();
                let last = p
                    .last_contact
                    .map(|d| fmt::date(d, lang))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "  - {} — {}",
                    person_line(p),
                    text::chain_gaps_last_contact(lang, last, days)
                );
            }
        }
        out
    }
}

fn person_line(p: &GapPerson) -> String {
    match &p.role {
        Some(role) => format!("{} ({role}) — {}", p.name, p.actor_name),
        None => format!("{} — {}", p.name, p.actor_name),
    }
}
