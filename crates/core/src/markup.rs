//! Escaping text for XML (SVG, draw.io, GraphML) and HTML: the one escape every export, diagram,
//! chart and report of Kundenwert uses.

/// The markup escaped text goes into; it decides only how an apostrophe and the line breaks are
/// spelled, never which characters survive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Markup {
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
pub fn forbidden_in_xml(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

/// Escapes text for markup content and attribute values (double- or single-quoted). Characters
/// the markup cannot carry become U+FFFD, so the reader sees that something was there; tab, line
/// feed and carriage return are kept, spelled as `markup` needs them.
pub fn escape(s: &str, markup: Markup) -> String {
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
