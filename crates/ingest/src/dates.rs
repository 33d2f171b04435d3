//! Dates as exports write them: ISO (`2024-03-31`, with or without time), German `31.03.2024`
//! and `31.03.24`, US `3/31/2024`, compact `20240331`, and Excel serial numbers.
//!
//! Slash dates are the one case a value may not decide: `03/04/2024` is 3 April or 4 March.
//! The order is decided from the whole column ([`DateEvidence`]); when every value fits both,
//! the import stops and asks for `--date-format`.

use chrono::{Duration, NaiveDate, NaiveDateTime};

/// Order of day and month in slash (or dash) dates with the year last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DayMonthOrder {
    /// `31/12/2024`.
    DayFirst,
    /// `12/31/2024` (US).
    MonthFirst,
}

/// How a date column is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateFormat {
    /// Every value by its own unambiguous shape; slash dates in the given order.
    Auto(DayMonthOrder),
    /// A chrono `strftime` pattern given by the user (`--date-format`).
    Custom(String),
}

impl DateFormat {
    /// Builds the format from a user's `--date-format`; the common patterns map onto the fast
    /// readers, everything else goes through chrono.
    pub fn from_pattern(pattern: &str) -> DateFormat {
        match pattern {
            "%m/%d/%Y" | "%m/%d/%y" | "%m-%d-%Y" => DateFormat::Auto(DayMonthOrder::MonthFirst),
            "%d/%m/%Y" | "%d/%m/%y" | "%d-%m-%Y" => DateFormat::Auto(DayMonthOrder::DayFirst),
            other => DateFormat::Custom(other.to_string()),
        }
    }
}

/// What one value says about its column's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateShape {
    /// `YYYY-MM-DD`, optionally with a time.
    Iso,
    /// `YYYYMMDD`.
    Compact,
    /// `DD.MM.YYYY` or `DD.MM.YY`.
    Dotted,
    /// Slash or dash date with year last where the first number is > 12: day first.
    SlashDayFirst,
    /// ... where the second number is > 12: month first.
    SlashMonthFirst,
    /// ... where both numbers are ≤ 12.
    SlashAmbiguous,
    /// An Excel serial day number (`45321`).
    Serial,
    /// Not a date in any known shape.
    Invalid,
}

/// Counts of date shapes over a column.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DateEvidence {
    /// ISO values.
    pub iso: u64,
    /// Compact values.
    pub compact: u64,
    /// Dotted values.
    pub dotted: u64,
    /// Dotted values with a two-digit year.
    pub dotted_short_year: u64,
    /// Slash dates that must be day first.
    pub day_first: u64,
    /// Slash dates that must be month first.
    pub month_first: u64,
    /// Slash dates that fit both orders.
    pub slash_ambiguous: u64,
    /// Excel serial numbers.
    pub serial: u64,
    /// An example of an ambiguous slash date, for the message.
    pub ambiguous_example: Option<String>,
}

impl DateEvidence {
    /// Adds one value.
    pub fn add(&mut self, raw: &str, shape: DateShape) {
        match shape {
            DateShape::Iso => self.iso += 1,
            DateShape::Compact => self.compact += 1,
            DateShape::Dotted => {
                self.dotted += 1;
                if split3(raw.trim(), b'.').is_some_and(|(_, _, y, _)| y.len() == 2) {
                    self.dotted_short_year += 1;
                }
            }
            DateShape::SlashDayFirst => self.day_first += 1,
            DateShape::SlashMonthFirst => self.month_first += 1,
            DateShape::SlashAmbiguous => {
                self.slash_ambiguous += 1;
                if self.ambiguous_example.is_none() {
                    self.ambiguous_example = Some(raw.trim().to_string());
                }
            }
            DateShape::Serial => self.serial += 1,
            DateShape::Invalid => {}
        }
    }

    /// Adds another part of the column.
    pub fn merge(&mut self, other: &DateEvidence) {
        self.iso += other.iso;
        self.compact += other.compact;
        self.dotted += other.dotted;
        self.dotted_short_year += other.dotted_short_year;
        self.day_first += other.day_first;
        self.month_first += other.month_first;
        self.slash_ambiguous += other.slash_ambiguous;
        self.serial += other.serial;
        if self.ambiguous_example.is_none() {
            self.ambiguous_example.clone_from(&other.ambiguous_example);
        }
    }

    /// The day/month order the slash dates decide, `Err(())` when they leave it open.
    #[expect(
        clippy::result_unit_err,
        reason = "the only failure is \"undecidable\"; callers attach the context"
    )]
    pub fn order(&self) -> Result<Option<DayMonthOrder>, ()> {
        if self.day_first == 0 && self.month_first == 0 {
            if self.slash_ambiguous > 0 {
                Err(())
            } else {
                Ok(None)
            }
        } else if self.day_first >= self.month_first {
            Ok(Some(DayMonthOrder::DayFirst))
        } else {
            Ok(Some(DayMonthOrder::MonthFirst))
        }
    }

    /// The `strftime` pattern most values follow, for reports.
    pub fn describe(&self, order: DayMonthOrder) -> &'static str {
        let slash = self.day_first + self.month_first + self.slash_ambiguous;
        let dotted_long = self.dotted - self.dotted_short_year;
        let candidates = [
            (self.iso, "%Y-%m-%d"),
            (self.compact, "%Y%m%d"),
            (dotted_long, "%d.%m.%Y"),
            (self.dotted_short_year, "%d.%m.%y"),
            (
                slash,
                match order {
                    DayMonthOrder::DayFirst => "%d/%m/%Y",
                    DayMonthOrder::MonthFirst => "%m/%d/%Y",
                },
            ),
            (self.serial, "excel-serial"),
        ];
        // A column without a single readable date names the form its file suggests, not the
        // last candidate (`excel-serial`) that `max_by_key` would pick among all-zero counts.
        let fallback = match order {
            DayMonthOrder::DayFirst => "%d.%m.%Y",
            DayMonthOrder::MonthFirst => "%Y-%m-%d",
        };
        candidates
            .iter()
            .filter(|(n, _)| *n > 0)
            .max_by_key(|(n, _)| *n)
            .map_or(fallback, |(_, p)| *p)
    }
}

fn num(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Splits `a<sep>b<sep>c[rest]` where `rest` starts with a space or `T` (a time part).
fn split3(s: &str, sep: u8) -> Option<(&str, &str, &str, &str)> {
    let b = s.as_bytes();
    let i = memchr::memchr(sep, b)?;
    let j = i + 1 + memchr::memchr(sep, &b[i + 1..])?;
    let tail = &s[j + 1..];
    let end = tail
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(tail.len());
    let rest = &tail[end..];
    if !rest.is_empty() && !rest.starts_with([' ', 'T']) {
        return None;
    }
    Some((&s[..i], &s[i + 1..j], &tail[..end], rest))
}

fn full_year(y: &str) -> Option<i32> {
    let v = num(y)? as i32;
    match y.len() {
        4 => Some(v),
        // Two-digit years: 00–69 are 2000–2069, 70–99 are 1970–1999.
        2 => Some(if v < 70 { 2000 + v } else { 1900 + v }),
        _ => None,
    }
}

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

/// `YYYY-MM-DD` with an optional time part, read without searching.
fn iso_fast(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() < 10
        || b[4] != b'-'
        || b[7] != b'-'
        || (b.len() > 10 && b[10] != b' ' && b[10] != b'T')
    {
        return None;
    }
    let d = |i: usize| -> Option<u32> {
        let c = b[i];
        c.is_ascii_digit().then(|| u32::from(c - b'0'))
    };
    let y = d(0)? * 1000 + d(1)? * 100 + d(2)? * 10 + d(3)?;
    let m = d(5)? * 10 + d(6)?;
    let day = d(8)? * 10 + d(9)?;
    ymd(y as i32, m, day)
}

/// Classifies one raw value; see [`DateShape`].
pub fn shape(raw: &str) -> DateShape {
    let s = raw.trim();
    if iso_fast(s).is_some() {
        return DateShape::Iso;
    }
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        let y: i32 = s[..4].parse().unwrap_or(0);
        if (1900..=2200).contains(&y) && parse_compact(s).is_some() {
            return DateShape::Compact;
        }
    }
    if let Some((a, _, _, _)) = split3(s, b'-') {
        if a.len() == 4 {
            return if parse_iso(s).is_some() {
                DateShape::Iso
            } else {
                DateShape::Invalid
            };
        }
    }
    if split3(s, b'.').is_some() {
        return if parse_dotted(s).is_some() {
            DateShape::Dotted
        } else {
            DateShape::Invalid
        };
    }
    for sep in [b'/', b'-'] {
        if let Some((a, b, y, _)) = split3(s, sep) {
            if a.len() == 4 {
                // `2024/03/31`
                return if parse_ymd_sep(s, sep).is_some() {
                    DateShape::Iso
                } else {
                    DateShape::Invalid
                };
            }
            let (Some(a), Some(b), Some(y)) = (num(a), num(b), full_year(y)) else {
                return DateShape::Invalid;
            };
            let day_first = ymd(y, b, a).is_some();
            let month_first = ymd(y, a, b).is_some();
            return match (day_first, month_first) {
                (true, true) if a == b => DateShape::SlashAmbiguous,
                (true, true) => DateShape::SlashAmbiguous,
                (true, false) => DateShape::SlashDayFirst,
                (false, true) => DateShape::SlashMonthFirst,
                (false, false) => DateShape::Invalid,
            };
        }
    }
    if parse_serial(s).is_some() {
        return DateShape::Serial;
    }
    DateShape::Invalid
}

fn parse_compact(s: &str) -> Option<NaiveDate> {
    ymd(
        s[..4].parse().ok()?,
        s[4..6].parse().ok()?,
        s[6..8].parse().ok()?,
    )
}

fn parse_iso(s: &str) -> Option<NaiveDate> {
    iso_fast(s).or_else(|| parse_ymd_sep(s, b'-'))
}

fn parse_ymd_sep(s: &str, sep: u8) -> Option<NaiveDate> {
    let (y, m, d, _) = split3(s, sep)?;
    if y.len() != 4 {
        return None;
    }
    ymd(num(y)? as i32, num(m)?, num(d)?)
}

fn parse_dotted(s: &str) -> Option<NaiveDate> {
    let (d, m, y, _) = split3(s, b'.')?;
    ymd(full_year(y)?, num(m)?, num(d)?)
}

fn parse_slash(s: &str, order: DayMonthOrder) -> Option<NaiveDate> {
    for sep in [b'/', b'-'] {
        if let Some((a, b, y, _)) = split3(s, sep) {
            if a.len() == 4 {
                return parse_ymd_sep(s, sep);
            }
            let (a, b, y) = (num(a)?, num(b)?, full_year(y)?);
            return match order {
                DayMonthOrder::DayFirst => ymd(y, b, a),
                DayMonthOrder::MonthFirst => ymd(y, a, b),
            };
        }
    }
    None
}

/// Excel's day zero: serial 1 is 1900-01-01, and Excel counts a 29 February 1900 that never was,
/// so serials from 61 on are one day ahead; 1899-12-30 + serial is right for all of those.
fn parse_serial(s: &str) -> Option<NaiveDate> {
    let int = s.split_once(['.', ',']).map_or(s, |(i, _)| i);
    if int.len() != 5 || !int.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let serial: i64 = int.parse().ok()?;
    // 1927-05-18 .. 2173-10-14: plausible invoice dates only.
    if !(10_000..=99_999).contains(&serial) {
        return None;
    }
    serial_to_date(serial as f64)
}

/// Converts an Excel serial day number (1900 system) to a date.
pub fn serial_to_date(serial: f64) -> Option<NaiveDate> {
    if !serial.is_finite() || !(61.0..3_000_000.0).contains(&serial) {
        return None;
    }
    ymd(1899, 12, 30)?.checked_add_signed(Duration::days(serial.floor() as i64))
}

/// Parses one value under the column's format.
pub fn parse(raw: &str, format: &DateFormat) -> Option<NaiveDate> {
    match format {
        DateFormat::Auto(_) => parse_shaped(raw, shape(raw), format),
        DateFormat::Custom(_) => parse_shaped(raw, DateShape::Invalid, format),
    }
}

/// Parses one value whose [`shape`] is already known.
pub fn parse_shaped(raw: &str, shape: DateShape, format: &DateFormat) -> Option<NaiveDate> {
    let s = raw.trim();
    match format {
        DateFormat::Auto(order) => match shape {
            DateShape::Iso => parse_iso(s).or_else(|| parse_slash(s, *order)),
            DateShape::Compact => parse_compact(s),
            DateShape::Dotted => parse_dotted(s),
            DateShape::SlashDayFirst | DateShape::SlashMonthFirst | DateShape::SlashAmbiguous => {
                parse_slash(s, *order)
            }
            DateShape::Serial => parse_serial(s),
            DateShape::Invalid => None,
        },
        DateFormat::Custom(pattern) => NaiveDate::parse_from_str(s, pattern).ok().or_else(|| {
            NaiveDateTime::parse_from_str(s, pattern)
                .ok()
                .map(|t| t.date())
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn forms_users_bring() {
        let dm = DateFormat::Auto(DayMonthOrder::DayFirst);
        let md = DateFormat::Auto(DayMonthOrder::MonthFirst);
        let cases: &[(&str, &DateFormat, Option<NaiveDate>)] = &[
            ("2024-03-31", &dm, Some(d(2024, 3, 31))),
            ("2024-03-31 14:05:00", &dm, Some(d(2024, 3, 31))),
            ("2024-03-31T14:05:00Z", &dm, Some(d(2024, 3, 31))),
            ("31.03.2024", &dm, Some(d(2024, 3, 31))),
            ("1.3.2024", &dm, Some(d(2024, 3, 1))),
            ("31.03.24", &dm, Some(d(2024, 3, 31))),
            ("31.12.99", &dm, Some(d(1999, 12, 31))),
            ("31.03.2024 00:00:00", &dm, Some(d(2024, 3, 31))),
            ("3/31/2024", &md, Some(d(2024, 3, 31))),
            ("03/04/2024", &md, Some(d(2024, 3, 4))),
            ("03/04/2024", &dm, Some(d(2024, 4, 3))),
            ("19970101", &dm, Some(d(1997, 1, 1))),
            ("45382", &dm, Some(d(2024, 3, 31))),
            ("31.02.2024", &dm, None),
            ("2024-13-01", &dm, None),
            ("gestern", &dm, None),
            ("", &dm, None),
        ];
        for (raw, format, want) in cases {
            assert_eq!(parse(raw, format), *want, "{raw:?}");
        }
        let custom = DateFormat::Custom("%d-%b-%Y".into());
        assert_eq!(parse("05-Mar-2024", &custom), Some(d(2024, 3, 5)));
    }

    #[test]
    fn slash_order_comes_from_the_column() {
        let mut ev = DateEvidence::default();
        for v in ["03/04/2024", "01/02/2024"] {
            ev.add(v, shape(v));
        }
        assert_eq!(ev.order(), Err(()));
        ev.add("12/31/2024", shape("12/31/2024"));
        assert_eq!(ev.order(), Ok(Some(DayMonthOrder::MonthFirst)));
        assert_eq!(ev.describe(DayMonthOrder::MonthFirst), "%m/%d/%Y");
    }

    proptest! {
        #[test]
        fn round_trip(days in 0i64..60_000, fmt in 0usize..6) {
            let date = d(1950, 1, 1) + Duration::days(days);
            let (pattern, format) = [
                ("%Y-%m-%d", DateFormat::Auto(DayMonthOrder::DayFirst)),
                ("%d.%m.%Y", DateFormat::Auto(DayMonthOrder::DayFirst)),
                ("%m/%d/%Y", DateFormat::Auto(DayMonthOrder::MonthFirst)),
                ("%d/%m/%Y", DateFormat::Auto(DayMonthOrder::DayFirst)),
                ("%Y%m%d", DateFormat::Auto(DayMonthOrder::DayFirst)),
                ("%Y-%m-%d %H:%M:%S", DateFormat::Auto(DayMonthOrder::MonthFirst)),
            ][fmt].clone();
            let text = date.and_hms_opt(13, 4, 5).unwrap().format(pattern).to_string();
            prop_assert_eq!(parse(&text, &format), Some(date), "{}", text);
            prop_assert_ne!(shape(&text), DateShape::Invalid);
        }

        #[test]
        fn never_panics(raw in "\\PC{0,24}") {
            let _ = shape(&raw);
            let _ = parse(&raw, &DateFormat::Auto(DayMonthOrder::DayFirst));
            let _ = parse(&raw, &DateFormat::Custom("%d.%m.%Y".into()));
        }
    }
}
