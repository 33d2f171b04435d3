//! Turning one row of cells into a transaction or a rejection.

use crate::dates::{self, DateEvidence, DateFormat, DateShape, DayMonthOrder};
use crate::header::ColumnMap;
use crate::numbers::{self, DecimalStyle, NumberEvidence};
use crate::reject::{shown_value, Reason, Rejection, MAX_ABS_VALUE};
use crate::split::{split, Dialect, Fields};
use chrono::NaiveDate;
use kundenwert_core::{Role, Transaction};

/// One cell as the file holds it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    /// Text, as in every CSV field.
    Text(&'a str),
    /// A numeric spreadsheet cell.
    Number(f64),
    /// A date spreadsheet cell.
    Date(NaiveDate),
    /// Nothing.
    Empty,
}

impl<'a> Cell<'a> {
    fn text(self) -> Option<&'a str> {
        match self {
            Cell::Text(s) => Some(trim(s)).filter(|s| !s.is_empty()),
            _ => None,
        }
    }

    fn is_empty(self) -> bool {
        match self {
            Cell::Text(s) => trim(s).is_empty(),
            Cell::Empty => true,
            _ => false,
        }
    }
}

/// `str::trim`, with a fast exit for the usual value that has no surrounding space.
fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(b)) if a.is_ascii_graphic() && b.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

/// The numeric roles, in the order of [`Evidence::numbers`] and [`Decisions::decimal`].
pub const NUMERIC_ROLES: [Role; 5] = [
    Role::Revenue,
    Role::Cost,
    Role::Margin,
    Role::Quantity,
    Role::UnitPrice,
];

fn numeric_slot(role: Role) -> usize {
    NUMERIC_ROLES
        .iter()
        .position(|r| *r == role)
        .expect("numeric role")
}

/// What the values of a file say about its formats.
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    /// Per numeric role.
    pub numbers: [NumberEvidence; 5],
    /// The date column.
    pub dates: DateEvidence,
}

impl Evidence {
    /// Adds another part of the file.
    pub fn merge(&mut self, other: &Evidence) {
        for (a, b) in self.numbers.iter_mut().zip(&other.numbers) {
            a.merge(b);
        }
        self.dates.merge(&other.dates);
    }
}

/// How a file's numbers and dates are read.
#[derive(Debug, Clone, PartialEq)]
pub struct Decisions {
    /// Per numeric role.
    pub decimal: [DecimalStyle; 5],
    /// The date column.
    pub date: DateFormat,
    /// The date pattern shown in messages and reports.
    pub date_pattern: String,
}

/// The day/month order of the file's slash dates cannot be decided.
#[derive(Debug, Clone)]
pub struct AmbiguousDates {
    /// An example value.
    pub example: String,
}

/// Decides formats from evidence; `strict` turns an undecidable day/month order into an error
/// (at the end of the whole column), otherwise a provisional guess is taken.
pub fn decide(
    ev: &Evidence,
    map: &ColumnMap,
    dialect: Dialect,
    forced_decimal: Option<DecimalStyle>,
    forced_date: Option<&str>,
    strict: bool,
) -> Result<Decisions, AmbiguousDates> {
    let germanic = dialect == Dialect::Delimited(b';') || ev.dates.dotted > 0;
    let default_order = if germanic || ev.dates.day_first > 0 {
        DayMonthOrder::DayFirst
    } else {
        DayMonthOrder::MonthFirst
    };
    let (date, date_pattern) = match forced_date {
        Some(p) => (DateFormat::from_pattern(p), p.to_string()),
        None => {
            let order = match ev.dates.order() {
                Ok(Some(o)) => o,
                Ok(None) => default_order,
                Err(()) if strict => {
                    return Err(AmbiguousDates {
                        example: ev.dates.ambiguous_example.clone().unwrap_or_default(),
                    })
                }
                Err(()) => default_order,
            };
            (
                DateFormat::Auto(order),
                ev.dates.describe(order).to_string(),
            )
        }
    };
    let (mut comma, mut point) = (0, 0);
    for (i, role) in NUMERIC_ROLES.iter().enumerate() {
        if map.get(*role).is_some() {
            comma += ev.numbers[i].comma;
            point += ev.numbers[i].point;
        }
    }
    let file_style = if comma > point {
        DecimalStyle::Comma
    } else if point > comma {
        DecimalStyle::Point
    } else if germanic {
        DecimalStyle::Comma
    } else {
        DecimalStyle::Point
    };
    let mut decimal = [file_style; 5];
    for (i, slot) in decimal.iter_mut().enumerate() {
        *slot = forced_decimal
            .or_else(|| ev.numbers[i].decisive())
            .unwrap_or(file_style);
    }
    Ok(Decisions {
        decimal,
        date,
        date_pattern,
    })
}

/// Per-thread memory of the last date read: exports list many lines of one day in a row.
#[derive(Debug, Default)]
pub struct RowCache {
    date_raw: String,
    date_shape: Option<DateShape>,
    /// The parsed date of `date_raw`, once parsed.
    date: Option<Option<NaiveDate>>,
    /// Per numeric role, the value `observe` parsed along with the shape, with the address and
    /// length of the text it came from: `process` of the same row takes it instead of
    /// scanning the text again.
    numbers: [Option<(usize, usize, Option<f64>)>; 5],
}

impl RowCache {
    fn date_shape(&mut self, raw: &str) -> DateShape {
        match self.date_shape {
            Some(shape) if self.date_raw == raw => shape,
            _ => {
                let shape = dates::shape(raw);
                self.date_raw.clear();
                self.date_raw.push_str(raw);
                self.date_shape = Some(shape);
                self.date = None;
                shape
            }
        }
    }
}

/// Everything needed to read the rows of one file.
#[derive(Debug, Clone)]
pub struct RowPlan {
    /// File name for rejections.
    pub file: String,
    /// Headers as written.
    pub headers: Vec<String>,
    /// Roles to columns.
    pub map: ColumnMap,
    /// Field separation (CSV only).
    pub dialect: Option<Dialect>,
    /// Formats.
    pub decisions: Decisions,
}

/// What became of one row.
#[derive(Debug)]
pub enum Outcome<'a> {
    /// Usable.
    Accepted(Transaction<'a>),
    /// Not usable, with the reason.
    Rejected(Rejection),
    /// Empty; counted apart.
    Blank,
}

impl RowPlan {
    /// Which columns (by header position) some role reads.
    pub fn used_columns(&self) -> Vec<bool> {
        let mut used = vec![false; self.headers.len()];
        for (_, i) in self.map.iter() {
            if let Some(u) = used.get_mut(i) {
                *u = true;
            }
        }
        used
    }

    /// Records what the row's numbers and dates say about the file's formats.
    pub fn observe(&self, cells: &[Cell<'_>], ev: &mut Evidence, cache: &mut RowCache) {
        for (role, col) in self.map.iter() {
            let Some(Cell::Text(raw)) = cells.get(col).copied() else {
                continue;
            };
            if role.is_numeric() {
                let slot = numeric_slot(role);
                let (shape, value) = numbers::shape_and_parse(raw, self.decisions.decimal[slot]);
                ev.numbers[slot].add(shape);
                cache.numbers[slot] = Some((raw.as_ptr() as usize, raw.len(), value));
            } else if role == Role::Date && !raw.trim().is_empty() {
                ev.dates.add(raw, cache.date_shape(raw));
            }
        }
    }

    fn header(&self, role: Role) -> Option<String> {
        self.map
            .get(role)
            .and_then(|i| self.headers.get(i).cloned())
    }

    fn reject(
        &self,
        line: u64,
        role: Option<Role>,
        reason: Reason,
        raw: &dyn Fn() -> String,
    ) -> Outcome<'static> {
        Outcome::Rejected(Rejection {
            file: self.file.clone(),
            line,
            column: role.and_then(|r| self.header(r)),
            reason,
            raw: raw(),
        })
    }

    fn number(
        &self,
        cells: &[Cell<'_>],
        cache: &mut RowCache,
        role: Role,
    ) -> Option<Result<f64, Reason>> {
        let cell = *cells.get(self.map.get(role)?)?;
        if cell.is_empty() {
            return None;
        }
        let value = match cell {
            Cell::Number(v) => Ok(v),
            Cell::Text(raw) => {
                let slot = numeric_slot(role);
                let style = self.decisions.decimal[slot];
                let parsed = match cache.numbers[slot].take() {
                    // The same text `observe` just read (spreadsheets observe every row first,
                    // so only the address tells).
                    Some((at, len, value)) if at == raw.as_ptr() as usize && len == raw.len() => {
                        value
                    }
                    _ => numbers::parse(raw, style),
                };
                parsed.ok_or_else(|| Reason::InvalidNumber {
                    value: shown_value(raw),
                    example: style.example().to_string(),
                })
            }
            Cell::Date(d) => Err(Reason::InvalidNumber {
                value: d.to_string(),
                example: self.decisions.decimal[numeric_slot(role)]
                    .example()
                    .to_string(),
            }),
            Cell::Empty => return None,
        };
        Some(value.and_then(|v| plausible(v, cell)))
    }

    fn date(&self, cell: Cell<'_>, cache: &mut RowCache) -> Option<NaiveDate> {
        match cell {
            Cell::Date(d) => Some(d),
            Cell::Number(serial) => dates::serial_to_date(serial),
            Cell::Text(raw) => {
                let shape = cache.date_shape(raw);
                if let Some(date) = cache.date {
                    return date;
                }
                let date = dates::parse_shaped(raw, shape, &self.decisions.date);
                cache.date = Some(date);
                date
            }
            Cell::Empty => None,
        }
    }

    /// Reads one row. `raw` renders the row as it stood, called only for rejections.
    pub fn process<'a>(
        &self,
        cache: &mut RowCache,
        cells: &[Cell<'a>],
        line: u64,
        raw: &dyn Fn() -> String,
    ) -> Outcome<'a> {
        // CSV rows are checked for blankness on their raw fields (unused columns are not
        // decoded into cells); spreadsheet rows here.
        if self.dialect.is_none() && cells.iter().all(|c| c.is_empty()) {
            return Outcome::Blank;
        }
        if let Some(dialect) = self.dialect {
            let expected = self.headers.len();
            let found = cells.len();
            let fits = found == expected
                || (found > expected && cells[expected..].iter().all(|c| c.is_empty()))
                || (found < expected && found > self.map.max_index());
            if !fits {
                let text = raw();
                let other_delimiter = other_delimiter(&text, dialect, expected);
                return Outcome::Rejected(Rejection {
                    file: self.file.clone(),
                    line,
                    column: None,
                    reason: Reason::FieldCount {
                        found,
                        expected,
                        other_delimiter,
                    },
                    raw: text,
                });
            }
        }
        let cell = |role: Role| {
            self.map
                .get(role)
                .and_then(|i| cells.get(i).copied())
                .unwrap_or(Cell::Empty)
        };
        let Some(customer) = cell(Role::Customer).text() else {
            return self.reject(line, None, Reason::CustomerMissing, raw);
        };
        let date_cell = cell(Role::Date);
        if date_cell.is_empty() {
            return self.reject(line, Some(Role::Date), Reason::DateMissing, raw);
        }
        let Some(date) = self.date(date_cell, cache) else {
            let value = match date_cell {
                Cell::Text(s) => s.trim().to_string(),
                Cell::Number(v) => v.to_string(),
                _ => String::new(),
            };
            return self.reject(
                line,
                Some(Role::Date),
                Reason::InvalidDate {
                    value,
                    format: self.decisions.date_pattern.clone(),
                },
                raw,
            );
        };
        let quantity = match self.number(cells, cache, Role::Quantity) {
            Some(Ok(q)) => Some(q),
            Some(Err(reason)) if self.map.get(Role::Revenue).is_none() => {
                return self.reject(line, Some(Role::Quantity), reason, raw)
            }
            _ => None,
        };
        let revenue = if self.map.get(Role::Revenue).is_some() {
            match self.number(cells, cache, Role::Revenue) {
                Some(Ok(v)) => v,
                Some(Err(reason)) => return self.reject(line, Some(Role::Revenue), reason, raw),
                None => return self.reject(line, Some(Role::Revenue), Reason::AmountMissing, raw),
            }
        } else {
            let price = match self.number(cells, cache, Role::UnitPrice) {
                Some(Ok(p)) => p,
                Some(Err(reason)) => return self.reject(line, Some(Role::UnitPrice), reason, raw),
                None => {
                    return self.reject(line, Some(Role::UnitPrice), Reason::AmountMissing, raw)
                }
            };
            let Some(q) = quantity else {
                return self.reject(line, Some(Role::Quantity), Reason::AmountMissing, raw);
            };
            // Each factor is within the limit; their product need not be.
            match plausible(q * price, Cell::Empty) {
                Ok(v) => v,
                Err(reason) => return self.reject(line, Some(Role::UnitPrice), reason, raw),
            }
        };
        // An empty cost or margin cell counts as zero (service lines often carry none).
        let cost = if self.map.get(Role::Cost).is_some() {
            match self.number(cells, cache, Role::Cost) {
                Some(Ok(c)) => Some(c),
                Some(Err(reason)) => return self.reject(line, Some(Role::Cost), reason, raw),
                None => Some(0.0),
            }
        } else if self.map.get(Role::Margin).is_some() {
            match self.number(cells, cache, Role::Margin) {
                Some(Ok(m)) => Some(revenue - m),
                Some(Err(reason)) => return self.reject(line, Some(Role::Margin), reason, raw),
                None => Some(revenue),
            }
        } else {
            None
        };
        Outcome::Accepted(Transaction {
            customer,
            name: cell(Role::Name).text(),
            date,
            revenue,
            cost,
            quantity,
            product: cell(Role::Product).text(),
            document: cell(Role::Document).text(),
        })
    }
}

/// `v` when it can be an amount, quantity or price: finite and within [`MAX_ABS_VALUE`].
fn plausible(v: f64, cell: Cell<'_>) -> Result<f64, Reason> {
    if v.abs() <= MAX_ABS_VALUE {
        return Ok(v);
    }
    Err(Reason::ImplausibleNumber {
        value: match cell {
            Cell::Text(raw) => shown_value(raw),
            _ => v.to_string(),
        },
    })
}

/// Another delimiter that splits the row into as many fields as the header has.
fn other_delimiter(text: &str, dialect: Dialect, expected: usize) -> Option<char> {
    let current = match dialect {
        Dialect::Delimited(d) => d,
        Dialect::Whitespace => return None,
    };
    let mut fields = Fields::default();
    [b';', b',', b'\t', b'|']
        .into_iter()
        .filter(|d| *d != current)
        .find(|d| {
            split(text.as_bytes(), Dialect::Delimited(*d), &mut fields);
            fields.len() == expected
        })
        .map(char::from)
}
