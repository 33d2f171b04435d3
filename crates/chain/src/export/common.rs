//! Pieces shared by the text diagrams: label texts, colours per flow kind, escaping.

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

/// The markup escaped text goes into; it decides only how an apostrophe and the line breaks are
/// spelled, never which characters survive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Markup {
    /// XML (SVG, draw.io, GraphML): the apostrophe as `&apos;`; tab, line feed and carriage
    /// return as character references, because attribute-value normalization would turn them
    /// into spaces.
    Xml,
    /// HTML pages: the apostrophe as `&#39;` (`&apos;` is not HTML 4); tab and line breaks
    /// literal, since HTML does not normalize attribute values and `white-space: pre-wrap`
    /// shows them as written.
    Html,
}

/// Whether XML 1.0 cannot carry `c` at all, not even as a character reference: the C0 controls
/// other than tab, line feed and carriage return, and U+FFFE / U+FFFF. HTML forbids the same.
pub(crate) fn forbidden_in_xml(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

/// Escapes text for markup content and attribute values (double- or single-quoted). Characters
/// the markup cannot carry become U+FFFD, so the reader sees that something was there; tab, line
/// feed and carriage return are kept, spelled as `markup` needs them.
pub(crate) fn escape(s: &str, markup: Markup) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match (c, markup) {
            ('&', _) => out.push_str("&amp;"),
            ('<', _) => out.push_str("&lt;"),
            ('>', _) => out.push_str("&gt;"),
            ('"', _) => out.push_str("&quot;"),
            ('\'', Markup::Xml) => out.push_str("&apos;"),
            ('\'', Markup::Html) => out.push_str("&#39;"),
            ('\n', Markup::Xml) => out.push_str("&#10;"),
            ('\r', Markup::Xml) => out.push_str("&#13;"),
            ('\t', Markup::Xml) => out.push_str("&#9;"),
            (c, _) if forbidden_in_xml(c) => out.push('\u{fffd}'),
            (c, _) => out.push(c),
        }
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_escape_for_xml_and_html() {
        // (input, as XML, as HTML)
        let cases = [
            ("", "", ""),
            ("Müller & Söhne", "Müller &amp; Söhne", "Müller &amp; Söhne"),
            (
                "<b>\"x\"</b>",
                "&lt;b&gt;&quot;x&quot;&lt;/b&gt;",
                "&lt;b&gt;&quot;x&quot;&lt;/b&gt;",
            ),
            ("O'Neil", "O&apos;Neil", "O&#39;Neil"),
            ("a\nb\r\nc\td", "a&#10;b&#13;&#10;c&#9;d", "a\nb\r\nc\td"),
            (
                "\u{0}\u{1}\u{7}\u{b}\u{1f}",
                "\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}",
                "\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}",
            ),
            ("\u{fffe}\u{ffff}", "\u{fffd}\u{fffd}", "\u{fffd}\u{fffd}"),
            // DEL, C1 controls and everything above U+FFFF are allowed in XML 1.0.
            (
                "\u{7f}\u{85}\u{1d400}",
                "\u{7f}\u{85}\u{1d400}",
                "\u{7f}\u{85}\u{1d400}",
            ),
        ];
        for (input, xml, html) in cases {
            assert_eq!(escape(input, Markup::Xml), xml, "{input:?} as XML");
            assert_eq!(escape(input, Markup::Html), html, "{input:?} as HTML");
        }
    }
}
