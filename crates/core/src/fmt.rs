//! Numbers, dates and labels as a German or English reader expects them, written once for the
//! command line, the diagrams and the plan reports.
//!
//! Negative numbers carry the ASCII hyphen-minus `-`, so that a figure copied from the terminal
//! or a report into a spreadsheet is still a number.

use chrono::NaiveDate;

use crate::Lang;

/// `1.234.567,89` (de) or `1,234,567.89` (en): `value` with `decimals` places and grouped
/// thousands.
///
/// Rounds as `format!` does (a tie of the exact binary value goes to the even digit). A value
/// that rounds to zero has no sign (`0.00`, not `-0.00`).
pub fn amount(value: f64, decimals: usize, lang: Lang) -> String {
    let text = format!("{:.*}", decimals, value.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut out = String::new();
    if value < 0.0 && text.bytes().any(|b| b.is_ascii_digit() && b != b'0') {
        out.push('-');
    }
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push_str(lang.thousands_separator());
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push_str(lang.decimal_separator());
        out.push_str(frac);
    }
    out
}

/// Whole currency units, rounded half away from zero (`12,5` → `13`), with grouped thousands:
/// `12.346` (de) or `12,346` (en). Diagrams and plan reports show amounts this way.
///
/// Unlike `amount(value, 0, lang)`, a tie always rounds up in magnitude; the two agree
/// everywhere else.
pub fn whole_amount(value: f64, lang: Lang) -> String {
    amount(value.round(), 0, lang)
}

/// A whole number with grouped thousands: `23.570` (de) or `23,570` (en).
pub fn count(value: u64, lang: Lang) -> String {
    amount(value as f64, 0, lang)
}

/// A share (`0.38`) as a whole percentage: `38 %` (de, with the space German typesetting
/// wants) or `38%` (en).
pub fn percent(share: f64, lang: Lang) -> String {
    let p = amount(share * 100.0, 0, lang);
    match lang {
        Lang::De => format!("{p} %"),
        Lang::En => format!("{p}%"),
    }
}

/// A date as a reader expects it: `31.12.2024` (de) or `2024-12-31` (en).
pub fn date(d: NaiveDate, lang: Lang) -> String {
    d.format(lang.date_pattern()).to_string()
}

/// `value` rounded to `decimals` places (at most 6) for output: sums of many lines carry float
/// noise, so amounts are reported to cents (2), shares and probabilities to 0.01 % (4), model
/// parameters to 6 places. Ties go away from zero; a result of zero has no sign.
pub fn rounded(value: f64, decimals: usize) -> f64 {
    const SCALE: [f64; 7] = [1.0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6];
    let scale = SCALE[decimals.min(6)];
    // `+ 0.0` turns the `-0.0` of an empty or cancelled sum into `0.0`.
    (value * scale).round() / scale + 0.0
}

/// `label` with an upper-case first letter, for the start of a line, heading or table cell.
/// Labels in the catalog are lower case where they stand inside sentences (`offen`, `growth`,
/// `supplier`).
pub fn capitalized(label: &str) -> String {
    let mut chars = label.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounded_for_output() {
        // (value, decimals, rounded); every case is also the old hand-written form's result.
        let cases: [(f64, usize, f64); 9] = [
            (1234.5678, 2, 1234.57),
            (-0.001, 2, 0.0),
            (0.125, 2, 0.13),
            (0.123_456_78, 4, 0.1235),
            (2.5, 0, 3.0),
            (-2.5, 0, -3.0),
            (1.234_567_89, 6, 1.234_568),
            (-12.345_6, 3, -12.346),
            (7.0, 9, 7.0),
        ];
        for (value, decimals, want) in cases {
            let got = rounded(value, decimals);
            assert_eq!(
                got.to_bits(),
                want.to_bits(),
                "{value} to {decimals}: {got}"
            );
        }
        assert!(rounded(f64::NAN, 2).is_nan());
        assert_eq!(rounded(f64::INFINITY, 6), f64::INFINITY);
        for v in [0.1, 1e-7, 123_456.789_012, -98.765_432_1, 1e12 / 3.0] {
            assert_eq!(rounded(v, 2), (v * 100.0).round() / 100.0 + 0.0);
            assert_eq!(rounded(v, 6), (v * 1e6).round() / 1e6 + 0.0);
        }
    }

    #[test]
    fn amounts() {
        // (value, decimals, de, en)
        let cases = [
            (0.0, 2, "0,00", "0.00"),
            (1234567.891, 2, "1.234.567,89", "1,234,567.89"),
            (-1234.5, 2, "-1.234,50", "-1,234.50"),
            (999.0, 0, "999", "999"),
            (1000.0, 0, "1.000", "1,000"),
            (-250.0, 0, "-250", "-250"),
            (123456.0, 1, "123.456,0", "123,456.0"),
            // Rounds to zero: no sign.
            (-0.001, 2, "0,00", "0.00"),
            (-0.4, 0, "0", "0"),
            // Ties of the exact binary value go to the even digit.
            (2.5, 0, "2", "2"),
            (0.125, 2, "0,12", "0.12"),
            (f64::NAN, 2, "NaN", "NaN"),
        ];
        for (value, decimals, de, en) in cases {
            assert_eq!(amount(value, decimals, Lang::De), de, "{value} de");
            assert_eq!(amount(value, decimals, Lang::En), en, "{value} en");
        }
    }

    #[test]
    fn whole_amounts_round_ties_away_from_zero() {
        // (value, de, en)
        let cases = [
            (0.0, "0", "0"),
            (2.5, "3", "3"),
            (-2.5, "-3", "-3"),
            (-0.4, "0", "0"),
            (12345.5, "12.346", "12,346"),
            (-1234567.2, "-1.234.567", "-1,234,567"),
        ];
        for (value, de, en) in cases {
            assert_eq!(whole_amount(value, Lang::De), de, "{value} de");
            assert_eq!(whole_amount(value, Lang::En), en, "{value} en");
        }
    }

    #[test]
    fn counts_percents_and_dates() {
        // (text, de, en)
        let d = NaiveDate::from_ymd_opt(2024, 12, 31).unwrap();
        let cases = [
            (count(0, Lang::De), count(0, Lang::En), "0", "0"),
            (
                count(23570, Lang::De),
                count(23570, Lang::En),
                "23.570",
                "23,570",
            ),
            (
                count(u64::from(u32::MAX), Lang::De),
                count(u64::from(u32::MAX), Lang::En),
                "4.294.967.295",
                "4,294,967,295",
            ),
            (
                percent(0.38, Lang::De),
                percent(0.38, Lang::En),
                "38 %",
                "38%",
            ),
            (
                percent(12.5, Lang::De),
                percent(12.5, Lang::En),
                "1.250 %",
                "1,250%",
            ),
            (
                date(d, Lang::De),
                date(d, Lang::En),
                "31.12.2024",
                "2024-12-31",
            ),
        ];
        for (de, en, want_de, want_en) in cases {
            assert_eq!(de, want_de);
            assert_eq!(en, want_en);
        }
    }

    #[test]
    fn capitalizes_the_first_letter_only() {
        for (label, want) in [
            ("", ""),
            ("offen", "Offen"),
            ("in progress", "In progress"),
            ("Problemlösekette", "Problemlösekette"),
            ("übrige", "Übrige"),
            ("3 tiers", "3 tiers"),
        ] {
            assert_eq!(capitalized(label), want, "{label}");
        }
    }
}
