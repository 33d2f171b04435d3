//! Numbers and dates as a German or English reader expects them.

use kundenwert_core::Lang;

/// `1.234.567,89` (de) or `1,234,567.89` (en), with `decimals` places.
pub fn amount(value: f64, decimals: usize, lang: Lang) -> String {
    let (group, dec) = match lang {
        Lang::De => ('.', ','),
        Lang::En => (',', '.'),
    };
    let text = format!("{:.*}", decimals, value.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut out = String::new();
    if value < 0.0 && text.bytes().any(|b| b.is_ascii_digit() && b != b'0') {
        out.push('-');
    }
    for (i, c) in int.chars().enumerate() {
        if i > 0 && i % 3 == int.len() % 3 {
            out.push(group);
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push(dec);
        out.push_str(frac);
    }
    out
}

/// A date as a reader expects it: `31.12.2024` (de) or `2024-12-31` (en).
pub fn date(d: chrono::NaiveDate, lang: Lang) -> String {
    d.format(lang.date_pattern()).to_string()
}

/// A share as a whole percentage: `38 %` (de) or `38%` (en).
pub fn percent(share: f64, lang: Lang) -> String {
    let p = amount(share * 100.0, 0, lang);
    match lang {
        Lang::De => format!("{p} %"),
        Lang::En => format!("{p}%"),
    }
}

/// Whole numbers with grouping.
pub fn count(value: u64, lang: Lang) -> String {
    amount(value as f64, 0, lang)
}

/// Writes a money amount rounded to cents with `.` as decimal point, fast (no allocation).
pub fn write_cents(out: &mut Vec<u8>, value: f64) {
    let cents = (value * 100.0).round();
    if !cents.is_finite() || cents.abs() >= 9e17 {
        out.extend_from_slice(format!("{value:.2}").as_bytes());
        return;
    }
    let cents = cents as i64;
    if cents < 0 {
        out.push(b'-');
    }
    let abs = cents.unsigned_abs();
    let mut buf = itoa::Buffer::new();
    out.extend_from_slice(buf.format(abs / 100).as_bytes());
    let frac = (abs % 100) as u8;
    out.extend_from_slice(&[b'.', b'0' + frac / 10, b'0' + frac % 10]);
}

/// Today's date (UTC) from the system clock; chrono's clock feature is not needed for one date.
pub fn today() -> chrono::NaiveDate {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400);
    chrono::NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|epoch| epoch.checked_add_days(chrono::Days::new(days)))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts() {
        assert_eq!(amount(1234567.891, 2, Lang::De), "1.234.567,89");
        assert_eq!(amount(-1234.5, 2, Lang::En), "-1,234.50");
        assert_eq!(amount(-0.001, 2, Lang::En), "0.00");
        assert_eq!(count(23570, Lang::De), "23.570");
        let mut v = Vec::new();
        write_cents(&mut v, -0.5);
        v.push(b' ');
        write_cents(&mut v, 1234.566);
        v.push(b' ');
        write_cents(&mut v, 0.1 + 0.2);
        assert_eq!(String::from_utf8(v).unwrap(), "-0.50 1234.57 0.30");
    }
}
