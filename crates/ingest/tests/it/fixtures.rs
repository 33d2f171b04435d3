//! Writes export files the way ERP and CRM systems do: logical rows plus a [`Dialect`]
//! (delimiter, encoding, line ends, number and date style, header language).
//!
//! Rows hold amounts in cents so that what was written can be compared exactly with what was
//! read; [`amount`] and [`Dialect::date_text`] render them in the dialect's style.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

/// One logical row of an export.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub customer: String,
    pub name: Option<String>,
    pub date: NaiveDate,
    /// Net revenue in cents; negative for credit notes.
    pub revenue: i64,
    /// Cost in cents.
    pub cost: Option<i64>,
    pub quantity: Option<i64>,
    pub product: Option<String>,
    pub document: Option<String>,
}

impl Row {
    /// A row with the required values only.
    pub fn new(customer: &str, date: NaiveDate, revenue: i64) -> Self {
        Row {
            customer: customer.to_string(),
            name: None,
            date,
            revenue,
            cost: None,
            quantity: None,
            product: None,
            document: None,
        }
    }

    pub fn name(mut self, name: &str) -> Self {
        self.name = Some(name.to_string());
        self
    }

    pub fn cost(mut self, cost: i64) -> Self {
        self.cost = Some(cost);
        self
    }

    pub fn quantity(mut self, q: i64) -> Self {
        self.quantity = Some(q);
        self
    }

    pub fn product(mut self, p: &str) -> Self {
        self.product = Some(p.to_string());
        self
    }

    pub fn document(mut self, d: &str) -> Self {
        self.document = Some(d.to_string());
        self
    }
}

/// Field separation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delim {
    Comma,
    Semicolon,
    Tab,
    Pipe,
    /// Column-aligned with runs of spaces, like CDNOW; values may not contain spaces.
    Aligned,
}

impl Delim {
    pub const ALL: [Delim; 5] = [
        Delim::Comma,
        Delim::Semicolon,
        Delim::Tab,
        Delim::Pipe,
        Delim::Aligned,
    ];

    fn byte(self) -> Option<char> {
        match self {
            Delim::Comma => Some(','),
            Delim::Semicolon => Some(';'),
            Delim::Tab => Some('\t'),
            Delim::Pipe => Some('|'),
            Delim::Aligned => None,
        }
    }

    /// As `FileReport::delimiter` shows it.
    pub fn reported(self) -> &'static str {
        match self {
            Delim::Comma => ",",
            Delim::Semicolon => ";",
            Delim::Tab => "\t",
            Delim::Pipe => "|",
            Delim::Aligned => "whitespace",
        }
    }
}

/// Character encoding of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enc {
    Utf8,
    Utf8Bom,
    Windows1252,
    /// Excel's "Unicode text".
    Utf16LeBom,
}

impl Enc {
    pub const ALL: [Enc; 4] = [Enc::Utf8, Enc::Utf8Bom, Enc::Windows1252, Enc::Utf16LeBom];

    /// As `FileReport::encoding` shows it (for a file with non-ASCII text).
    pub fn reported(self) -> &'static str {
        match self {
            Enc::Utf8 | Enc::Utf8Bom => "utf-8",
            Enc::Windows1252 => "windows-1252",
            Enc::Utf16LeBom => "utf-16le",
        }
    }
}

/// How thousands are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    None,
    /// `.` in German style, `,` in English style.
    Separator,
    /// `1 234,56`.
    Space,
    /// `1\u{a0}234,56`, as Excel writes with a French or Swiss locale.
    NoBreakSpace,
}

/// Where a minus sign goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Minus {
    Leading,
    /// SAP: `250,00-`.
    Trailing,
}

/// Currency decoration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Currency {
    None,
    /// `1.234,56 €` (the space is the grouping's kind of space when it has one).
    EuroSuffix,
    /// `EUR 5,00`.
    EurPrefix,
}

/// How amounts are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumberFormat {
    pub decimal_comma: bool,
    pub grouping: Grouping,
    pub minus: Minus,
    pub currency: Currency,
}

impl NumberFormat {
    pub const GERMAN: NumberFormat = NumberFormat {
        decimal_comma: true,
        grouping: Grouping::Separator,
        minus: Minus::Leading,
        currency: Currency::None,
    };
    pub const ENGLISH: NumberFormat = NumberFormat {
        decimal_comma: false,
        grouping: Grouping::Separator,
        minus: Minus::Leading,
        currency: Currency::None,
    };
}

/// Renders cents in a number format: `amount(123456, GERMAN)` is `1.234,56`.
pub fn amount(cents: i64, f: NumberFormat) -> String {
    let abs = cents.unsigned_abs();
    let int = (abs / 100).to_string();
    let group = match (f.grouping, f.decimal_comma) {
        (Grouping::None, _) => None,
        (Grouping::Separator, true) => Some('.'),
        (Grouping::Separator, false) => Some(','),
        (Grouping::Space, _) => Some(' '),
        (Grouping::NoBreakSpace, _) => Some('\u{a0}'),
    };
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && i % 3 == int.len() % 3 {
            grouped.extend(group);
        }
        grouped.push(c);
    }
    let dec = if f.decimal_comma { ',' } else { '.' };
    let body = format!("{grouped}{dec}{:02}", abs % 100);
    let signed = match (cents < 0, f.minus) {
        (false, _) => body,
        (true, Minus::Leading) => format!("-{body}"),
        (true, Minus::Trailing) => format!("{body}-"),
    };
    let space = if f.grouping == Grouping::NoBreakSpace {
        '\u{a0}'
    } else {
        ' '
    };
    match f.currency {
        Currency::None => signed,
        Currency::EuroSuffix => format!("{signed}{space}€"),
        Currency::EurPrefix => format!("EUR{space}{signed}"),
    }
}

/// How dates are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateFmt {
    /// `31.03.2024`
    Dotted,
    /// `31.03.24`
    DottedShortYear,
    /// `2024-03-31`
    Iso,
    /// `2024-03-31 14:05:00`
    IsoTime,
    /// `2024-03-31T14:05:00`
    IsoT,
    /// `3/31/2024`
    UsSlash,
}

impl DateFmt {
    pub const ALL: [DateFmt; 6] = [
        DateFmt::Dotted,
        DateFmt::DottedShortYear,
        DateFmt::Iso,
        DateFmt::IsoTime,
        DateFmt::IsoT,
        DateFmt::UsSlash,
    ];

    pub fn text(self, d: NaiveDate) -> String {
        let pattern = match self {
            DateFmt::Dotted => "%d.%m.%Y",
            DateFmt::DottedShortYear => "%d.%m.%y",
            DateFmt::Iso => "%Y-%m-%d",
            DateFmt::IsoTime => "%Y-%m-%d 14:05:00",
            DateFmt::IsoT => "%Y-%m-%dT14:05:00",
            DateFmt::UsSlash => "%-m/%-d/%Y",
        };
        d.format(pattern).to_string()
    }

    /// The pattern the import reports for a column of such dates.
    pub fn reported(self) -> &'static str {
        match self {
            DateFmt::Dotted => "%d.%m.%Y",
            DateFmt::DottedShortYear => "%d.%m.%y",
            DateFmt::Iso | DateFmt::IsoTime | DateFmt::IsoT => "%Y-%m-%d",
            DateFmt::UsSlash => "%m/%d/%Y",
        }
    }
}

/// Language of the header names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Headers {
    German,
    English,
}

/// The columns an export may have, in the order they are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Document,
    Customer,
    Name,
    Date,
    Product,
    Quantity,
    Revenue,
    Cost,
}

impl Col {
    pub const ALL: [Col; 8] = [
        Col::Document,
        Col::Customer,
        Col::Name,
        Col::Date,
        Col::Product,
        Col::Quantity,
        Col::Revenue,
        Col::Cost,
    ];

    /// Header as German or English exports write it; `compact` avoids spaces for aligned files.
    pub fn header(self, lang: Headers, compact: bool) -> &'static str {
        match (self, lang, compact) {
            (Col::Document, Headers::German, _) => "Belegnummer",
            (Col::Customer, Headers::German, _) => "Kundennr.",
            (Col::Name, Headers::German, _) => "Kundenname",
            (Col::Date, Headers::German, _) => "Belegdatum",
            (Col::Product, Headers::German, _) => "Artikel",
            (Col::Quantity, Headers::German, _) => "Menge",
            (Col::Revenue, Headers::German, _) => "Nettoumsatz",
            (Col::Cost, Headers::German, _) => "Wareneinsatz",
            (Col::Document, Headers::English, false) => "Invoice No",
            (Col::Document, Headers::English, true) => "InvoiceNo",
            (Col::Customer, Headers::English, false) => "Customer ID",
            (Col::Customer, Headers::English, true) => "CustomerID",
            (Col::Name, Headers::English, false) => "Customer Name",
            (Col::Name, Headers::English, true) => "CustomerName",
            (Col::Date, Headers::English, false) => "Invoice Date",
            (Col::Date, Headers::English, true) => "InvoiceDate",
            (Col::Product, Headers::English, _) => "StockCode",
            (Col::Quantity, Headers::English, _) => "Quantity",
            (Col::Revenue, Headers::English, _) => "Revenue",
            (Col::Cost, Headers::English, _) => "Cost",
        }
    }
}

/// Everything about how an export is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Dialect {
    pub delim: Delim,
    pub enc: Enc,
    pub crlf: bool,
    pub numbers: NumberFormat,
    pub dates: DateFmt,
    pub headers: Headers,
    pub columns: Vec<Col>,
    /// Quote every text field, as some ERPs do, not only those that need it.
    pub quote_text: bool,
}

impl Dialect {
    /// A German ERP export: `;`, Windows-1252, CRLF, `1.234,56`, `31.03.2024`.
    pub fn german() -> Self {
        Dialect {
            delim: Delim::Semicolon,
            enc: Enc::Windows1252,
            crlf: true,
            numbers: NumberFormat::GERMAN,
            dates: DateFmt::Dotted,
            headers: Headers::German,
            columns: Col::ALL.to_vec(),
            quote_text: false,
        }
    }

    /// An English export: `,`, UTF-8, LF, `1,234.56`, ISO dates.
    pub fn english() -> Self {
        Dialect {
            delim: Delim::Comma,
            enc: Enc::Utf8,
            crlf: false,
            numbers: NumberFormat::ENGLISH,
            dates: DateFmt::Iso,
            headers: Headers::English,
            columns: Col::ALL.to_vec(),
            quote_text: false,
        }
    }

    pub fn delim(mut self, d: Delim) -> Self {
        self.delim = d;
        self
    }

    pub fn enc(mut self, e: Enc) -> Self {
        self.enc = e;
        self
    }

    pub fn crlf(mut self, crlf: bool) -> Self {
        self.crlf = crlf;
        self
    }

    pub fn numbers(mut self, n: NumberFormat) -> Self {
        self.numbers = n;
        self
    }

    pub fn dates(mut self, d: DateFmt) -> Self {
        self.dates = d;
        self
    }

    pub fn columns(mut self, c: &[Col]) -> Self {
        self.columns = c.to_vec();
        self
    }

    pub fn eol(&self) -> &'static str {
        if self.crlf {
            "\r\n"
        } else {
            "\n"
        }
    }

    pub fn date_text(&self, d: NaiveDate) -> String {
        self.dates.text(d)
    }

    pub fn header_names(&self) -> Vec<&'static str> {
        let compact = self.delim == Delim::Aligned;
        self.columns
            .iter()
            .map(|c| c.header(self.headers, compact))
            .collect()
    }

    /// The values of one row as text, in column order (empty for values the row lacks).
    pub fn values(&self, row: &Row) -> Vec<(String, bool)> {
        self.columns
            .iter()
            .map(|c| match c {
                Col::Document => (row.document.clone().unwrap_or_default(), true),
                Col::Customer => (row.customer.clone(), true),
                Col::Name => (row.name.clone().unwrap_or_default(), true),
                Col::Date => (self.date_text(row.date), false),
                Col::Product => (row.product.clone().unwrap_or_default(), true),
                Col::Quantity => (
                    row.quantity.map(|q| q.to_string()).unwrap_or_default(),
                    false,
                ),
                Col::Revenue => (amount(row.revenue, self.numbers), false),
                Col::Cost => (
                    row.cost
                        .map(|c| amount(c, self.numbers))
                        .unwrap_or_default(),
                    false,
                ),
            })
            .collect()
    }

    /// One line (without its line end) of fields, quoted as RFC 4180 asks.
    pub fn line(&self, fields: &[(String, bool)]) -> String {
        match self.delim.byte() {
            Some(d) => fields
                .iter()
                .map(|(v, is_text)| {
                    let needs =
                        v.contains([d, '"', '\n', '\r']) || v.starts_with(' ') || v.ends_with(' ');
                    if needs || (self.quote_text && *is_text) {
                        format!("\"{}\"", v.replace('"', "\"\""))
                    } else {
                        v.clone()
                    }
                })
                .collect::<Vec<_>>()
                .join(&d.to_string()),
            None => {
                // Aligned: every value at least two spaces from the next, one leading space.
                let mut out = String::new();
                for (v, _) in fields {
                    assert!(
                        !v.is_empty() && !v.contains(char::is_whitespace),
                        "aligned files cannot hold {v:?}"
                    );
                    out.push_str(&format!(" {v:>14} "));
                }
                out.trim_end().to_string()
            }
        }
    }

    /// The whole file as text, before encoding.
    pub fn render(&self, rows: &[Row]) -> String {
        let eol = self.eol();
        let header: Vec<(String, bool)> = self
            .header_names()
            .into_iter()
            .map(|h| (h.to_string(), true))
            .collect();
        let mut out = self.line(&header);
        out.push_str(eol);
        for row in rows {
            out.push_str(&self.line(&self.values(row)));
            out.push_str(eol);
        }
        out
    }

    /// Writes `rows` as `dir/name` and returns the path.
    pub fn write(&self, dir: &Path, name: &str, rows: &[Row]) -> PathBuf {
        write_text(dir, name, &self.render(rows), self.enc)
    }
}

/// Encodes text; panics when the encoding cannot hold it.
pub fn encode(text: &str, enc: Enc) -> Vec<u8> {
    match enc {
        Enc::Utf8 => text.as_bytes().to_vec(),
        Enc::Utf8Bom => {
            let mut out = b"\xef\xbb\xbf".to_vec();
            out.extend_from_slice(text.as_bytes());
            out
        }
        Enc::Windows1252 => {
            let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
            assert!(!unmappable, "Windows-1252 cannot hold {text:?}");
            bytes.into_owned()
        }
        Enc::Utf16LeBom => {
            let mut out = vec![0xff, 0xfe];
            for unit in text.encode_utf16() {
                out.extend_from_slice(&unit.to_le_bytes());
            }
            out
        }
    }
}

/// Writes text in an encoding as `dir/name`.
pub fn write_text(dir: &Path, name: &str, text: &str, enc: Enc) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, encode(text, enc)).expect("write fixture");
    path
}

/// Joins lines with a line end and ends the file with one.
pub fn lines(lines: &[&str], eol: &str) -> String {
    let mut out = lines.join(eol);
    out.push_str(eol);
    out
}

/// A set of varied rows: several customers with umlauts in their names, credit notes,
/// amounts above a thousand, several years.
pub fn sample_rows(n: usize) -> Vec<Row> {
    const NAMES: [&str; 6] = [
        "Müller Maschinenbau GmbH",
        "Bäckerei Größ",
        "Öztürk & Söhne KG",
        "Weiß-Übersee AG",
        "Jürgen Hoß e.K.",
        "Acme Ltd.",
    ];
    (0..n)
        .map(|i| {
            let c = i % NAMES.len();
            let day = chrono::Days::new((i as u64 * 37) % 1000);
            let revenue = ((i as i64 * 7919) % 250_000) - 20_000;
            Row::new(&format!("{}", 10001 + c), date(2022, 1, 3) + day, revenue)
                .name(NAMES[c])
                .cost(revenue / 2)
                .quantity((i % 9) as i64 + 1)
                .product(&format!("A-{}", 100 + i % 13))
                .document(&format!("RE-{}", 5000 + i / 2))
        })
        .collect()
}

/// Compact names (no spaces) for aligned files.
pub fn compact(rows: &[Row]) -> Vec<Row> {
    rows.iter()
        .map(|r| {
            let mut r = r.clone();
            r.name = r.name.map(|n| n.replace(' ', "_"));
            r.product = r.product.map(|n| n.replace(' ', "_"));
            r.document = r.document.map(|n| n.replace(' ', "_"));
            r
        })
        .collect()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// What an import of `rows` must produce, as (customer, date, revenue cents) sorted.
pub fn expected_keys(rows: &[Row]) -> Vec<(String, NaiveDate, i64)> {
    let mut keys: Vec<_> = rows
        .iter()
        .map(|r| (r.customer.clone(), r.date, r.revenue))
        .collect();
    keys.sort();
    keys
}

/// The same key of imported rows.
pub fn keys(rows: &[crate::Tx]) -> Vec<(String, NaiveDate, i64)> {
    let mut keys: Vec<_> = rows
        .iter()
        .map(|t| (t.customer.clone(), t.date, t.revenue_cents()))
        .collect();
    keys.sort();
    keys
}

#[test]
fn amounts_render_in_every_style() {
    let de = NumberFormat::GERMAN;
    let en = NumberFormat::ENGLISH;
    assert_eq!(amount(123_456, de), "1.234,56");
    assert_eq!(amount(123_456, en), "1,234.56");
    assert_eq!(
        amount(
            -25_000,
            NumberFormat {
                minus: Minus::Trailing,
                ..de
            }
        ),
        "250,00-"
    );
    assert_eq!(
        amount(
            123_456,
            NumberFormat {
                grouping: Grouping::NoBreakSpace,
                currency: Currency::EuroSuffix,
                ..de
            }
        ),
        "1\u{a0}234,56\u{a0}€"
    );
    assert_eq!(
        amount(
            500,
            NumberFormat {
                currency: Currency::EurPrefix,
                ..de
            }
        ),
        "EUR 5,00"
    );
    assert_eq!(amount(5, de), "0,05");
    assert_eq!(DateFmt::UsSlash.text(date(2024, 3, 1)), "3/1/2024");
}
