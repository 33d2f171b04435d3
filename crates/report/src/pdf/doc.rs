//! A laid-out document before typst sees it: headings, paragraphs, tables, lists and SVG
//! images, every text already formatted in the reader's language. It goes to typst as the
//! virtual `input.json`; the layout (`layout.typ`) only places it, so no text is ever read as
//! typst markup, and a character the bundled fonts lack becomes a `?` here instead of a
//! missing glyph there.

use chrono::{Datelike, NaiveDate};
use kundenwert_core::Lang;
use serde::Serialize;

/// One piece of a document.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(crate) enum Block {
    /// A heading; level 1 starts a new page in a report.
    Heading { level: u8, text: String },
    /// A paragraph; muted ones are grey.
    Par { text: String, muted: bool },
    /// Key figures side by side: (label, value).
    Figures { items: Vec<(String, String)> },
    /// A table with a header that repeats on each page.
    Table(Table),
    /// An SVG image as wide as the text; `fill` makes it as large as the rest of the page
    /// allows instead (its proportions kept).
    Svg { svg: String, fill: bool },
    /// A bullet or numbered list.
    List { items: Vec<String>, numbered: bool },
    /// The table of contents (the level-1 headings with their pages).
    Outline { title: String },
    /// Blocks on pages of their own turned to landscape (a wide diagram), after which the
    /// document goes on in its own orientation.
    Landscape { blocks: Vec<Block> },
}

/// A table: its columns, header, rows and an optional total row.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Table {
    /// Per column: whether it is right-aligned (numbers).
    pub numeric: Vec<bool>,
    /// Per column: its share of the width the content-sized columns leave (0: sized to its
    /// content), so long text wraps in its column instead of squeezing another.
    pub shares: Vec<u8>,
    /// The header cells.
    pub head: Vec<String>,
    /// The body rows.
    pub rows: Vec<Vec<String>>,
    /// Per body row: a line of text under it across the whole table (a customer's reason).
    pub notes: Vec<Option<String>>,
    /// The total row, bold.
    pub foot: Option<Vec<String>>,
}

impl Table {
    /// A table whose columns are text, left-aligned and as wide as their content.
    pub fn new(head: Vec<String>) -> Table {
        let n = head.len();
        Table {
            numeric: vec![false; n],
            shares: vec![0; n],
            head,
            rows: Vec::new(),
            notes: Vec::new(),
            foot: None,
        }
    }

    /// Marks columns `cols` right-aligned.
    pub fn numeric(mut self, cols: impl IntoIterator<Item = usize>) -> Table {
        for c in cols {
            self.numeric[c] = true;
        }
        self
    }

    /// Gives the text columns `cols` these shares of the width the other columns leave.
    pub fn shares(mut self, cols: impl IntoIterator<Item = (usize, u8)>) -> Table {
        for (c, share) in cols {
            self.shares[c] = share;
        }
        self
    }

    /// Adds a row; numbers keep their unit on the same line.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(self.keep_together(cells));
        self.notes.push(None);
    }

    /// Adds a row with a line of text under it.
    pub fn row_with_note(&mut self, cells: Vec<String>, note: String) {
        self.rows.push(self.keep_together(cells));
        self.notes.push(Some(note));
    }

    /// Sets the total row.
    pub fn foot(&mut self, cells: Vec<String>) {
        self.foot = Some(self.keep_together(cells));
    }

    fn keep_together(&self, cells: Vec<String>) -> Vec<String> {
        cells
            .into_iter()
            .zip(&self.numeric)
            .map(|(c, &n)| if n { c.replace(' ', "\u{a0}") } else { c })
            .collect()
    }
}

/// A whole document: its language, title, date and blocks.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Document {
    /// `de` or `en`: hyphenation and quotes.
    pub lang: &'static str,
    /// The PDF's title (metadata and the first heading).
    pub title: String,
    /// The line under the title.
    pub subtitle: Option<String>,
    /// The page footer's text left of the page number.
    pub footer: String,
    /// The document's date (year, month, day): the creation date the PDF states.
    pub date: (i32, u32, u32),
    /// Whether the pages are landscape.
    pub landscape: bool,
    /// Whether each level-1 heading starts a new page.
    pub break_sections: bool,
    /// The content.
    pub blocks: Vec<Block>,
}

impl Document {
    /// An empty document.
    pub fn new(lang: Lang, title: String, date: NaiveDate) -> Document {
        Document {
            lang: lang.code(),
            title,
            subtitle: None,
            footer: String::new(),
            date: (date.year(), date.month(), date.day()),
            landscape: false,
            break_sections: false,
            blocks: Vec::new(),
        }
    }

    /// Adds a heading.
    pub fn heading(&mut self, level: u8, text: impl Into<String>) {
        self.blocks.push(Block::Heading {
            level,
            text: text.into(),
        });
    }

    /// Adds a paragraph.
    pub fn par(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Par {
            text: text.into(),
            muted: false,
        });
    }

    /// Adds a grey paragraph.
    pub fn muted(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Par {
            text: text.into(),
            muted: true,
        });
    }

    /// Adds a table.
    pub fn table(&mut self, table: Table) {
        self.blocks.push(Block::Table(table));
    }

    /// Adds an SVG image (an XML declaration is allowed).
    pub fn svg(&mut self, svg: impl Into<String>) {
        self.blocks.push(Block::Svg {
            svg: svg.into(),
            fill: false,
        });
    }

    /// Adds an SVG image that fills the rest of the page.
    pub fn svg_filling(&mut self, svg: impl Into<String>) {
        self.blocks.push(Block::Svg {
            svg: svg.into(),
            fill: true,
        });
    }

    /// Adds what `fill` adds on landscape pages of their own.
    pub fn landscape_pages(&mut self, fill: impl FnOnce(&mut Document)) {
        let outer = std::mem::take(&mut self.blocks);
        fill(self);
        let blocks = std::mem::replace(&mut self.blocks, outer);
        self.blocks.push(Block::Landscape { blocks });
    }

    /// Adds a list.
    pub fn list(&mut self, items: Vec<String>, numbered: bool) {
        if !items.is_empty() {
            self.blocks.push(Block::List { items, numbered });
        }
    }

    /// The document as typst's `input.json`, every character the fonts lack replaced.
    pub fn to_json(&self) -> Vec<u8> {
        let mut value = serde_json::to_value(self).unwrap_or_default();
        printable(&mut value);
        serde_json::to_vec(&value).unwrap_or_default()
    }
}

/// Replaces in every string of `value` the characters the bundled fonts cannot draw with `?`
/// (line breaks and tabs become spaces), so that a customer name in Chinese or with an emoji
/// prints as `?` instead of failing the document.
fn printable(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(s)
            if s.chars().any(|c| !c.is_ascii() || c.is_ascii_control()) =>
        {
            *s = s
                .chars()
                .map(|c| match c {
                    '\n' | '\r' | '\t' => ' ',
                    c if c.is_ascii() && !c.is_ascii_control() => c,
                    '\u{a0}' => c,
                    c if !c.is_control() && super::world::has_glyph(c) => c,
                    _ => '?',
                })
                .collect();
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(printable),
        serde_json::Value::Object(map) => map.values_mut().for_each(printable),
        _ => {}
    }
}
