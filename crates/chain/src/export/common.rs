//! Pieces shared by the text diagrams: label texts, colours per flow kind, escaping (through
//! [`kundenwert_core::markup`], the one escape of the project).

pub(crate) use kundenwert_core::markup::forbidden_in_xml;
use kundenwert_core::markup::{escape, Markup};
use kundenwert_core::Lang;
use kundenwert_text as text;

use crate::model::{Actor, Contact, FlowKind, Tier};

/// Colour of a flow kind, the same in every diagram format.
pub(crate) fn flow_color(kind: FlowKind) -> &'static str {
    match kind {
        FlowKind::Goods => "#1f77b4",
        FlowKind::Service => "#2ca02c",
        FlowKind::Money => "#b8860b",
        FlowKind::Information => "#7f7f7f",
        FlowKind::Influence => "#9467bd",
    }
}

/// Border colour for the strongest contact to an actor (`None`: nobody known there).
pub(crate) fn contact_color(contact: Option<Contact>) -> &'static str {
    match contact {
        Some(Contact::Direct) => "#2e7d32",
        Some(Contact::Indirect) => "#ef6c00",
        Some(Contact::None) | None => "#c62828",
    }
}

/// Border colour of an actor: by its strongest contact, blue for our own company.
pub(crate) fn actor_color(actor: &Actor) -> &'static str {
    if actor.tier == Tier::SelfTier {
        OWN_COLOR
    } else {
        contact_color(actor.best_contact())
    }
}

/// Border colour of our own company.
pub(crate) const OWN_COLOR: &str = "#1565c0";

/// "×3" when the count is known and not 1.
pub(crate) fn count_badge(actor: &Actor) -> Option<String> {
    actor.count.filter(|c| *c != 1).map(|c| format!("×{c}"))
}

/// Importance as five stars, e.g. "★★★★☆".
pub(crate) fn stars(importance: u8) -> String {
    let n = usize::from(importance.min(5));
    format!("{}{}", "★".repeat(n), "☆".repeat(5 - n))
}

/// The strongest contact as reader text, e.g. "direkter Kontakt" or "keine Person bekannt".
pub(crate) fn contact_text(actor: &Actor, lang: Lang) -> &'static str {
    match actor.best_contact() {
        Some(Contact::Direct) => text::chain_best_contact_direct(lang),
        Some(Contact::Indirect) => text::chain_best_contact_indirect(lang),
        Some(Contact::None) => text::chain_best_contact_none(lang),
        None => text::chain_best_contact_nobody_known(lang),
    }
}

/// The second label line: count badge, stars and contact, joined with " · ".
pub(crate) fn detail_line(actor: &Actor, lang: Lang) -> String {
    let mut parts = Vec::new();
    if let Some(b) = count_badge(actor) {
        parts.push(b);
    }
    if let Some(i) = actor.importance {
        parts.push(stars(i));
    }
    // Persons at our own company are colleagues; "contact" means nothing there.
    if actor.tier != Tier::SelfTier {
        parts.push(contact_text(actor, lang).to_string());
    }
    parts.join(" · ")
}

/// [`escape`] for XML.
pub(crate) fn xml_escape(s: &str) -> String {
    escape(s, Markup::Xml)
}

/// [`escape`] for HTML.
pub(crate) fn html_escape(s: &str) -> String {
    escape(s, Markup::Html)
}

/// Escapes text for an HTML label (draw.io `html=1`, Graphviz HTML labels): markup characters as
/// entities, line breaks as `<br/>`.
pub(crate) fn html_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("<br/>"),
            '\r' => {}
            c if forbidden_in_xml(c) => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}
