//! Amounts as ERP exports write them: `1.234,56`, `1,234.56`, `250,00-` (SAP), `1 234,56 €`,
//! `EUR 5,00`, `(12.50)`.
//!
//! Whether `,` or `.` is the decimal separator is decided per column from the whole column
//! ([`NumberEvidence`]), because a single value such as `1.234` cannot tell.

use serde::Serialize;

/// Which character separates the decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum DecimalStyle {
    /// `1.234,56` (German).
    Comma,
    /// `1,234.56` (English).
    Point,
}

impl DecimalStyle {
    /// The decimal separator character.
    pub fn separator(self) -> char {
        match self {
            DecimalStyle::Comma => ',',
            DecimalStyle::Point => '.',
        }
    }

    /// The format shown to users in messages, e.g. `1.234,56`.
    pub fn example(self) -> &'static str {
        match self {
            DecimalStyle::Comma => "1.234,56",
            DecimalStyle::Point => "1,234.56",
        }
    }
}

/// What a single value says about the column's decimal separator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberShape {
    /// Digits only: fits either style.
    Plain,
    /// Only a decimal comma reading makes sense (`12,5`, `1.234,56`).
    Comma,
    /// Only a decimal point reading makes sense (`12.5`, `1,234.56`).
    Point,
    /// One `,` followed by exactly three digits (`1,234`): either 1234 or 1.234.
    AmbiguousComma,
    /// One `.` followed by exactly three digits (`1.234`): either 1234 or 1.234.
    AmbiguousPoint,
    /// Not a number in any style.
    Invalid,
}

/// Counts of [`NumberShape`]s over a whole column.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NumberEvidence {
    /// Values only a decimal comma explains.
    pub comma: u64,
    /// Values only a decimal point explains.
    pub point: u64,
    /// `1,234`-like values.
    pub ambiguous_comma: u64,
    /// `1.234`-like values.
    pub ambiguous_point: u64,
}

impl NumberEvidence {
    /// Adds the shape of one value.
    pub fn add(&mut self, shape: NumberShape) {
        match shape {
            NumberShape::Comma => self.comma += 1,
            NumberShape::Point => self.point += 1,
            NumberShape::AmbiguousComma => self.ambiguous_comma += 1,
            NumberShape::AmbiguousPoint => self.ambiguous_point += 1,
            NumberShape::Plain | NumberShape::Invalid => {}
        }
    }

    /// Adds another column part's counts.
    pub fn merge(&mut self, other: &NumberEvidence) {
        self.comma += other.comma;
        self.point += other.point;
        self.ambiguous_comma += other.ambiguous_comma;
        self.ambiguous_point += other.ambiguous_point;
    }

    /// The style the values decide on their own, if they do.
    pub fn decisive(&self) -> Option<DecimalStyle> {
        if self.comma == 0 && self.point == 0 {
            None
        } else if self.comma >= self.point {
            Some(DecimalStyle::Comma)
        } else {
            Some(DecimalStyle::Point)
        }
    }
}

/// The numeric core of a value once sign, currency and spaces are stripped.
struct Core<'a> {
    negative: bool,
    body: &'a str,
}

fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{a0}' || c == '\u{202f}' || c == '\''
}

/// Strips currency words and symbols, spaces and the sign (leading `-`/`+`, SAP trailing `-`,
/// accounting parentheses). Returns `None` when nothing numeric is left.
fn core(raw: &str) -> Option<Core<'_>> {
    // Fast path for the common `1234.56` / `-1234,56`: no currency, no padding.
    let b = raw.as_bytes();
    if let (Some(&first), Some(&last)) = (b.first(), b.last()) {
        if last.is_ascii_digit() {
            if first.is_ascii_digit() {
                return Some(Core {
                    negative: false,
                    body: raw,
                });
            }
            if first == b'-' && b.get(1).is_some_and(u8::is_ascii_digit) {
                return Some(Core {
                    negative: true,
                    body: &raw[1..],
                });
            }
        }
    }
    let mut s = raw.trim_matches(is_space);
    let mut negative = false;
    if s.starts_with('(') && s.ends_with(')') && s.len() > 2 {
        negative = true;
        s = s[1..s.len() - 1].trim_matches(is_space);
    }
    // Currency may stand on either side, with or without a space, and around the sign.
    for _ in 0..2 {
        s = strip_currency(s);
        if let Some(rest) = s.strip_prefix('-') {
            negative = !negative;
            s = rest.trim_start_matches(is_space);
        } else if let Some(rest) = s.strip_prefix('+') {
            s = rest.trim_start_matches(is_space);
        } else if let Some(rest) = s.strip_suffix('-') {
            negative = !negative;
            s = rest.trim_end_matches(is_space);
        }
    }
    if s.is_empty() {
        return None;
    }
    Some(Core { negative, body: s })
}

const CURRENCIES: [&str; 10] = [
    "EUR", "USD", "CHF", "GBP", "€", "$", "£", "Fr.", "SFr.", "DM",
];

fn strip_currency(mut s: &str) -> &str {
    for c in CURRENCIES {
        if let Some(rest) = s.strip_prefix(c) {
            s = rest.trim_start_matches(is_space);
        }
        if let Some(rest) = s.strip_suffix(c) {
            s = rest.trim_end_matches(is_space);
        }
    }
    s
}

/// Classifies one raw value; see [`NumberShape`].
pub fn shape(raw: &str) -> NumberShape {
    let Some(core) = core(raw) else {
        return NumberShape::Invalid;
    };
    let body = core.body;
    let mut commas = 0;
    let mut points = 0;
    let mut last_sep = None;
    for (i, b) in body.bytes().enumerate() {
        match b {
            b'0'..=b'9' => {}
            b',' => {
                commas += 1;
                last_sep = Some((i, b','));
            }
            b'.' => {
                points += 1;
                last_sep = Some((i, b'.'));
            }
            b' ' | b'\'' => {}
            0xC2 | 0xA0 | 0xE2 | 0x80 | 0xAF => {} // UTF-8 bytes of (narrow) no-break spaces
            _ => return NumberShape::Invalid,
        }
    }
    if !body.bytes().any(|b| b.is_ascii_digit()) {
        return NumberShape::Invalid;
    }
    let Some((pos, sep)) = last_sep else {
        return NumberShape::Plain;
    };
    let decimal_if = |sep: u8| {
        if sep == b',' {
            NumberShape::Comma
        } else {
            NumberShape::Point
        }
    };
    let other_if = |sep: u8| {
        if sep == b',' {
            NumberShape::Point
        } else {
            NumberShape::Comma
        }
    };
    if commas > 0 && points > 0 {
        // The last separator is the decimal one: `1.234,56` or `1,234.56`.
        return decimal_if(sep);
    }
    let count = commas + points;
    if count > 1 {
        // `1.234.567`: repeated separators are thousands groups.
        return other_if(sep);
    }
    let digits_after = body[pos + 1..].bytes().filter(u8::is_ascii_digit).count();
    let digits_before = body[..pos].bytes().filter(u8::is_ascii_digit).count();
    let lead_zero = body[..pos].trim_matches(is_space) == "0";
    if digits_after == 3 && (1..=3).contains(&digits_before) && !lead_zero {
        if sep == b',' {
            NumberShape::AmbiguousComma
        } else {
            NumberShape::AmbiguousPoint
        }
    } else {
        decimal_if(sep)
    }
}

/// [`shape`] and [`parse`] of one value together, in one scan for the plain values that make
/// up nearly every export (`1234.56`, `-12,5`, `250`: digits, at most one separator, no
/// currency or grouping); everything else goes through both.
pub fn shape_and_parse(raw: &str, style: DecimalStyle) -> (NumberShape, Option<f64>) {
    plain(raw.as_bytes(), style).unwrap_or_else(|| (shape(raw), parse(raw, style)))
}

/// The fast path of [`shape_and_parse`]; `None` when the value is not plain. Mirrors the rules
/// of [`shape`] and [`parse`] for these values exactly (the tests compare them).
fn plain(raw: &[u8], style: DecimalStyle) -> Option<(NumberShape, Option<f64>)> {
    let (negative, body) = match raw.first()? {
        b'-' => (true, &raw[1..]),
        _ => (false, raw),
    };
    // Both ends digits, as `core`'s own fast path requires.
    if !body.first()?.is_ascii_digit() || !body.last()?.is_ascii_digit() {
        return None;
    }
    let mut mantissa = 0u64;
    let mut digits = 0usize;
    let mut sep: Option<(usize, u8)> = None;
    for (i, &b) in body.iter().enumerate() {
        match b {
            b'0'..=b'9' => {
                // Longer values take `parse`'s correctly rounded slow path (and more than 19
                // digits would overflow the mantissa).
                if digits == 15 {
                    return None;
                }
                mantissa = mantissa * 10 + u64::from(b - b'0');
                digits += 1;
            }
            b'.' | b',' if sep.is_none() => sep = Some((i, b)),
            _ => return None,
        }
    }
    let sign = |v: f64| if negative { -v } else { v };
    let Some((pos, sep)) = sep else {
        return Some((NumberShape::Plain, Some(sign(mantissa as f64))));
    };
    let before = pos;
    let after = body.len() - pos - 1;
    let comma = sep == b',';
    let grouped = after == 3 && (1..=3).contains(&before);
    let shape = match (grouped && &body[..pos] != b"0", comma) {
        (true, true) => NumberShape::AmbiguousComma,
        (true, false) => NumberShape::AmbiguousPoint,
        (false, true) => NumberShape::Comma,
        (false, false) => NumberShape::Point,
    };
    let decimal = match style {
        DecimalStyle::Comma => comma,
        DecimalStyle::Point => !comma,
    };
    let value = if decimal {
        Some(sign(mantissa as f64 / POW10[after]))
    } else if grouped {
        // A thousands separator followed by one group: an integer.
        Some(sign(mantissa as f64))
    } else {
        None
    };
    Some((shape, value))
}

/// Parses a value in the given style; `None` when it is not a number in that style.
///
/// Thousands separators must group digits by three; a value like `12,5` in
/// [`DecimalStyle::Point`] is rejected rather than read as 125.
pub fn parse(raw: &str, style: DecimalStyle) -> Option<f64> {
    let core = core(raw)?;
    let (dec, thousands) = match style {
        DecimalStyle::Comma => (b',', b'.'),
        DecimalStyle::Point => (b'.', b','),
    };
    let mut mantissa: u64 = 0;
    let mut digits = 0u32;
    let mut frac_digits = 0i32;
    let mut seen_dec = false;
    let mut group_len: Option<u32> = None; // digits since the last thousands separator
    let mut int_digits_before_group = 0u32;
    let mut overflow = false;
    for b in core.body.bytes() {
        match b {
            b'0'..=b'9' => {
                if digits < 19 {
                    mantissa = mantissa * 10 + u64::from(b - b'0');
                    if seen_dec {
                        frac_digits += 1;
                    }
                } else if !seen_dec {
                    overflow = true;
                }
                digits += 1;
                if !seen_dec {
                    match group_len.as_mut() {
                        Some(g) => *g += 1,
                        None => int_digits_before_group += 1,
                    }
                }
            }
            _ if b == dec => {
                if seen_dec {
                    return None;
                }
                if group_len.is_some_and(|g| g != 3) {
                    return None;
                }
                seen_dec = true;
            }
            _ if b == thousands => {
                if seen_dec {
                    return None;
                }
                match group_len {
                    None if int_digits_before_group == 0 || int_digits_before_group > 3 => {
                        return None
                    }
                    Some(g) if g != 3 => return None,
                    _ => {}
                }
                group_len = Some(0);
            }
            b' ' | b'\'' | 0xC2 | 0xA0 | 0xE2 | 0x80 | 0xAF => {
                // Spaces as thousands separators (`1 234,56`); grouping is not checked.
            }
            _ => return None,
        }
    }
    if digits == 0 || (!seen_dec && group_len.is_some_and(|g| g != 3)) {
        return None;
    }
    let value = if overflow || digits > 15 {
        // Rare long values: let the standard library round them correctly.
        let cleaned: String = core
            .body
            .chars()
            .filter_map(|c| match c {
                '0'..='9' => Some(c),
                c if c as u32 == u32::from(dec) => Some('.'),
                _ => None,
            })
            .collect();
        cleaned.parse::<f64>().ok()?
    } else {
        // Exact: mantissa < 2^53 and 10^frac_digits is exactly representable, so one division
        // rounds correctly (Clinger's fast path).
        mantissa as f64 / POW10[frac_digits as usize]
    };
    Some(if core.negative { -value } else { value })
}

const POW10: [f64; 20] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19,
];

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A plain value of more digits than a `u64` holds takes the slow path instead of
    /// overflowing (a debug build panicked on the 20th digit).
    #[test]
    fn long_plain_values_do_not_overflow() {
        for digits in [15, 16, 19, 20, 30, 400] {
            let raw = "9".repeat(digits);
            for style in [DecimalStyle::Comma, DecimalStyle::Point] {
                assert_eq!(
                    shape_and_parse(&raw, style).1,
                    parse(&raw, style),
                    "{digits}"
                );
                let decimal = format!("{raw},5");
                assert_eq!(
                    shape_and_parse(&decimal, style).1,
                    parse(&decimal, style),
                    "{digits}"
                );
            }
        }
    }

    #[test]
    fn forms_users_bring() {
        use DecimalStyle::*;
        let cases: &[(&str, DecimalStyle, Option<f64>)] = &[
            ("1.234,56", Comma, Some(1234.56)),
            ("1234,56", Comma, Some(1234.56)),
            ("-250,00", Comma, Some(-250.0)),
            ("250,00-", Comma, Some(-250.0)),
            ("1 234,56 €", Comma, Some(1234.56)),
            ("1\u{a0}234,56\u{a0}€", Comma, Some(1234.56)),
            ("EUR 5,00", Comma, Some(5.0)),
            ("€ -5,00", Comma, Some(-5.0)),
            ("1,234.56", Point, Some(1234.56)),
            ("$1,234.56", Point, Some(1234.56)),
            ("(12.50)", Point, Some(-12.5)),
            ("11.77", Point, Some(11.77)),
            ("1.234", Comma, Some(1234.0)),
            ("1.234", Point, Some(1.234)),
            ("12,5", Point, None),
            ("1.23.4", Comma, None),
            ("n/a", Comma, None),
            ("", Point, None),
            ("-", Point, None),
            ("0,5", Comma, Some(0.5)),
            ("1.234.567,8", Comma, Some(1234567.8)),
            ("12'345.50", Point, Some(12345.5)),
        ];
        for (raw, style, want) in cases {
            assert_eq!(parse(raw, *style), *want, "{raw:?} as {style:?}");
        }
    }

    #[test]
    fn shape_and_parse_on_edges() {
        use DecimalStyle::*;
        for raw in [
            "0,123",
            "0.123",
            "1,234",
            "1.234",
            "1234,567",
            "12,34",
            "-1.234",
            "-0",
            "007",
            "1.",
            ".5",
            "1,2,3",
            "1234567890123456",
            "123456789012345",
            "-",
            "",
            "1.234,5",
            "9,999",
        ] {
            for style in [Comma, Point] {
                let (s, v) = shape_and_parse(raw, style);
                assert_eq!(s, shape(raw), "{raw:?}");
                assert_eq!(
                    v.map(f64::to_bits),
                    parse(raw, style).map(f64::to_bits),
                    "{raw:?} as {style:?}"
                );
            }
        }
    }

    #[test]
    fn shapes() {
        assert_eq!(shape("1.234,56"), NumberShape::Comma);
        assert_eq!(shape("12,5"), NumberShape::Comma);
        assert_eq!(shape("0,123"), NumberShape::Comma);
        assert_eq!(shape("1,234.5"), NumberShape::Point);
        assert_eq!(shape("1,234"), NumberShape::AmbiguousComma);
        assert_eq!(shape("1.234"), NumberShape::AmbiguousPoint);
        assert_eq!(shape("1.234.567"), NumberShape::Comma);
        assert_eq!(shape("250"), NumberShape::Plain);
        assert_eq!(shape("abc"), NumberShape::Invalid);
    }

    fn format(value: f64, style: DecimalStyle, grouped: bool, sap: bool) -> String {
        let negative = value < 0.0;
        let cents = (value.abs() * 100.0).round() as u64;
        let int = (cents / 100).to_string();
        let int = if grouped {
            let sep = if style == DecimalStyle::Comma {
                '.'
            } else {
                ','
            };
            let mut out = String::new();
            for (i, c) in int.chars().enumerate() {
                if i > 0 && i % 3 == int.len() % 3 {
                    out.push(sep);
                }
                out.push(c);
            }
            out
        } else {
            int
        };
        let body = format!("{int}{}{:02}", style.separator(), cents % 100);
        match (negative, sap) {
            (false, _) => body,
            (true, true) => format!("{body}-"),
            (true, false) => format!("-{body}"),
        }
    }

    proptest! {
        #[test]
        fn round_trip(cents in -10_000_000_000i64..10_000_000_000,
                      comma in any::<bool>(), grouped in any::<bool>(), sap in any::<bool>()) {
            let style = if comma { DecimalStyle::Comma } else { DecimalStyle::Point };
            let value = cents as f64 / 100.0;
            let text = format(value, style, grouped, sap);
            let parsed = parse(&text, style).expect("own format parses");
            prop_assert!((parsed - value).abs() <= 1e-9 * value.abs().max(1.0), "{text} -> {parsed}");
            // The shape never contradicts the style the value was written in.
            let s = shape(&text);
            let wrong = if comma { NumberShape::Point } else { NumberShape::Comma };
            prop_assert_ne!(s, wrong);
        }

        /// The one-scan path gives what the two separate scans give.
        #[test]
        fn shape_and_parse_agree(raw in "-?[0-9]{0,9}([.,][0-9]{0,5})?|[-0-9., ]{0,12}|\\PC{0,12}",
                                 comma in any::<bool>()) {
            let style = if comma { DecimalStyle::Comma } else { DecimalStyle::Point };
            let (s, v) = shape_and_parse(&raw, style);
            prop_assert_eq!(s, shape(&raw));
            prop_assert_eq!(v.map(f64::to_bits), parse(&raw, style).map(f64::to_bits));
        }

        #[test]
        fn never_panics(raw in "\\PC{0,24}") {
            let _ = shape(&raw);
            let _ = parse(&raw, DecimalStyle::Comma);
            let _ = parse(&raw, DecimalStyle::Point);
        }

        #[test]
        fn agrees_with_std_on_plain_decimals(value in -1e12f64..1e12) {
            let text = format!("{value:.4}");
            let parsed = parse(&text, DecimalStyle::Point).unwrap();
            prop_assert_eq!(parsed, text.parse::<f64>().unwrap());
        }
    }
}
