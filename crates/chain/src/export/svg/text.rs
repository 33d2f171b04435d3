//! Text inside the boxes: the advance widths of the bundled fonts ([`Metrics`]), which fit and
//! wrap text to a width, and the lines of an actor's box ([`box_content`]).

use kundenwert_core::{fmt, Lang};
use kundenwert_text as text;
use skrifa::charmap::Charmap;
use skrifa::instance::{LocationRef, Size as FontSize};
use skrifa::metrics::GlyphMetrics;
use skrifa::{FontRef, GlyphId, MetadataProvider};

use super::{
    BoxLayout, Slot, BOX_W, FONT_BOLD, FONT_REGULAR, INK, MUTED, NAME_SIZE, PAD, SMALL_SIZE,
    TEXT_SIZE,
};
use crate::export::common::forbidden_in_xml;
use crate::model::{Actor, ActorFigures, Contact, Person};

/// Advance widths of the bundled fonts.
pub(super) struct Metrics {
    regular: Option<Face>,
    bold: Option<Face>,
}

struct Face {
    charmap: Charmap<'static>,
    glyphs: GlyphMetrics<'static>,
}

impl Face {
    fn new(data: &'static [u8]) -> Option<Face> {
        let font = FontRef::new(data).ok()?;
        Some(Face {
            charmap: font.charmap(),
            // Size 1 ppem: advances come out in ems.
            glyphs: font.glyph_metrics(FontSize::new(1.0), LocationRef::default()),
        })
    }

    fn em(&self, c: char) -> f32 {
        // What XML cannot carry is drawn as U+FFFD (see `xml_escape`), so it is measured as one.
        let c = if forbidden_in_xml(c) { '\u{fffd}' } else { c };
        let glyph = self.charmap.map(c).unwrap_or(GlyphId::NOTDEF);
        self.glyphs.advance_width(glyph).unwrap_or(FALLBACK_EM)
    }
}

/// Average advance of DejaVu Sans; only used if the bundled font could not be read.
const FALLBACK_EM: f32 = 0.6;

impl Metrics {
    pub(super) fn new() -> Metrics {
        Metrics {
            regular: Face::new(FONT_REGULAR),
            bold: Face::new(FONT_BOLD),
        }
    }

    /// Width of `text` at `size` px. Kerning is ignored, which only overestimates slightly.
    pub(super) fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        let face = if bold { &self.bold } else { &self.regular };
        let ems: f32 = match face {
            Some(face) => text.chars().map(|c| face.em(c)).sum(),
            None => text.chars().count() as f32 * FALLBACK_EM,
        };
        ems * size
    }

    /// `text` cut to `max` px, with an ellipsis when cut.
    pub(super) fn fit(&self, text: &str, size: f32, bold: bool, max: f32) -> String {
        if self.width(text, size, bold) <= max {
            return text.to_owned();
        }
        let budget = max - self.width("…", size, bold);
        let mut used = 0.0;
        let mut out = String::new();
        for c in text.chars() {
            let w = self.width(c.encode_utf8(&mut [0; 4]), size, bold);
            if used + w > budget {
                break;
            }
            used += w;
            out.push(c);
        }
        let mut out = out.trim_end().to_owned();
        out.push('…');
        out
    }

    /// `text` wrapped at word boundaries into at most `max_lines` lines of `max` px; the last
    /// line ends with an ellipsis when text is left over.
    pub(super) fn wrap(
        &self,
        text: &str,
        size: f32,
        bold: bool,
        max: f32,
        max_lines: usize,
    ) -> Vec<String> {
        let mut lines: Vec<String> = Vec::new();
        let mut current = String::new();
        let words: Vec<&str> = text.split_whitespace().collect();
        let mut rest_from = words.len();
        for (i, word) in words.iter().enumerate() {
            let candidate = if current.is_empty() {
                (*word).to_owned()
            } else {
                format!("{current} {word}")
            };
            if self.width(&candidate, size, bold) <= max || current.is_empty() {
                current = candidate;
                continue;
            }
            lines.push(std::mem::take(&mut current));
            if lines.len() == max_lines {
                rest_from = i;
                break;
            }
            current = (*word).to_owned();
        }
        if !current.is_empty() && lines.len() < max_lines {
            lines.push(current);
        }
        if rest_from < words.len() {
            // Text left over: the last line takes as much of it as fits, then the ellipsis.
            if let Some(last) = lines.last_mut() {
                let joined = format!("{last} {}", words[rest_from..].join(" "));
                *last = self.fit(&joined, size, bold, max);
            }
        }
        // A single word longer than the line is cut as well.
        for line in &mut lines {
            if self.width(line, size, bold) > max {
                *line = self.fit(line, size, bold, max);
            }
        }
        lines
    }
}

/// One line of an actor box.
pub(super) enum Line {
    Name(String),
    Text {
        text: String,
        size: f32,
        colour: &'static str,
        italic: bool,
    },
    Rule,
    Person {
        contact: Contact,
        name: String,
        detail: Option<String>,
        title: String,
    },
}

impl Line {
    pub(super) fn height(&self) -> f32 {
        match self {
            Line::Name(_) => 17.0,
            Line::Text { .. } => 15.0,
            Line::Rule => 9.0,
            Line::Person { detail, .. } => {
                if detail.is_some() {
                    29.0
                } else {
                    16.0
                }
            }
        }
    }
}

/// The lines of an actor's box and its height.
pub(super) fn box_content(
    m: &Metrics,
    a: &Actor,
    lang: Lang,
    fig: Option<&ActorFigures>,
) -> BoxLayout {
    let inner = BOX_W - 2.0 * PAD;
    let badge = a.count.map(|c| {
        let text = format!("×{}", fmt::count(u64::from(c), lang));
        let w = m.width(&text, SMALL_SIZE, true) + 10.0;
        (text, w)
    });
    let badge_w = badge.as_ref().map(|(_, w)| w + 4.0).unwrap_or(0.0);
    let mut lines: Vec<Line> = m
        .wrap(&a.name, NAME_SIZE, true, inner - badge_w, 2)
        .into_iter()
        .map(Line::Name)
        .collect();
    let text = |lines: &mut Vec<Line>, t: String, size: f32, colour: &'static str, italic: bool| {
        lines.push(Line::Text {
            text: m.fit(&t, size, false, inner),
            size,
            colour,
            italic,
        });
    };
    if let Some(imp) = a.importance {
        let imp = imp.min(5) as usize;
        let dots = format!("{}{}", "●".repeat(imp), "○".repeat(5 - imp));
        text(
            &mut lines,
            text::chain_importance_dots(lang, dots),
            TEXT_SIZE,
            INK,
            false,
        );
    }
    let profile: Vec<&str> = [
        a.size.map(|s| s.label(lang)),
        a.competitive_position.map(|p| p.label(lang)),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !profile.is_empty() {
        let profile = profile.join(" · ");
        text(
            &mut lines,
            if a.size.is_some() {
                text::chain_actor_profile_with_size(lang, profile)
            } else {
                profile
            },
            TEXT_SIZE,
            INK,
            false,
        );
    }
    if let Some(r) = a.relationship {
        text(
            &mut lines,
            text::chain_actor_relationship(lang, r.label(lang)),
            TEXT_SIZE,
            INK,
            false,
        );
    }
    if let Some(f) = fig {
        if let Some(v) = f.current_value {
            if v.is_finite() {
                text(
                    &mut lines,
                    text::chain_actor_customer_value(lang, fmt::whole_amount(v, lang)),
                    TEXT_SIZE,
                    INK,
                    false,
                );
            }
        }
        if let Some(t) = &f.customer_type {
            text(
                &mut lines,
                text::chain_actor_customer_type(lang, t),
                TEXT_SIZE,
                INK,
                false,
            );
        }
        if let Some(c) = f.customers {
            text(
                &mut lines,
                text::chain_actor_customers(lang, fmt::count(c, lang)),
                TEXT_SIZE,
                INK,
                false,
            );
        }
    }
    if !a.success_factors.is_empty() {
        text(
            &mut lines,
            text::chain_actor_success_factors(lang, a.success_factors.join(", ")),
            SMALL_SIZE,
            MUTED,
            true,
        );
    }
    if !a.persons.is_empty() {
        lines.push(Line::Rule);
        for p in &a.persons {
            lines.push(person_line(m, p, lang, inner - 28.0));
        }
    }
    let h = PAD + lines.iter().map(Line::height).sum::<f32>() + PAD - 2.0;
    let mut tooltip = a.name.clone();
    if let Some(notes) = &a.notes {
        tooltip.push_str(" — ");
        tooltip.push_str(notes);
    }
    BoxLayout {
        slot: Slot::Other,
        x: 0.0,
        y: 0.0,
        h,
        badge,
        lines,
        tooltip,
    }
}

/// A person's line in a box: the contact sample, the name and, when known, role and who knows
/// them; the tooltip holds everything.
fn person_line(m: &Metrics, p: &Person, lang: Lang, max: f32) -> Line {
    let mut detail: Vec<String> = Vec::new();
    if let Some(r) = &p.role {
        detail.push(r.clone());
    }
    if let Some(k) = &p.known_by {
        detail.push(text::chain_person_known_by(lang, k));
    }
    let mut title = text::chain_person_tooltip(lang, p.contact.label(lang), &p.name);
    for d in &detail {
        title.push_str(", ");
        title.push_str(d);
    }
    if let Some(date) = p.last_contact {
        title.push_str(", ");
        title.push_str(&text::chain_person_last_contact(
            lang,
            fmt::date(date, lang),
        ));
    }
    if let Some(notes) = &p.notes {
        title.push_str(" — ");
        title.push_str(notes);
    }
    let detail = if detail.is_empty() {
        None
    } else {
        Some(m.fit(&detail.join(" · "), SMALL_SIZE, false, max))
    };
    Line::Person {
        contact: p.contact,
        name: m.fit(&p.name, TEXT_SIZE, false, max),
        detail,
        title,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_character_xml_cannot_carry_is_measured_as_the_replacement_drawn_for_it() {
        let m = Metrics::new();
        for bold in [false, true] {
            assert_eq!(
                m.width("a\u{1}b\u{1f}", 10.0, bold),
                m.width("a\u{fffd}b\u{fffd}", 10.0, bold)
            );
        }
    }
}
