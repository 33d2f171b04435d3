//! Numbers and dates as a German or English reader expects them, and as CSV output writes them.

// The reader's formats live in core, shared with the diagrams and the plan reports.
pub use kundenwert_core::fmt::{amount, count, date, percent};

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

/// One customer as `select show` and `plan show` list it: number, name (its first 30
/// characters), type, current and future value, in aligned columns (no line end).
pub fn customer_row(
    number: &str,
    name: Option<&str>,
    customer_type: &str,
    current_value: Option<f64>,
    future_value: Option<f64>,
    lang: kundenwert_core::Lang,
) -> String {
    let value = |v: Option<f64>| v.map_or(String::new(), |v| amount(v, 0, lang));
    format!(
        "  {:<10} {:<30} {:<14} {:>14} {:>14}",
        number,
        name.unwrap_or("").chars().take(30).collect::<String>(),
        customer_type,
        value(current_value),
        value(future_value),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cents() {
        let mut v = Vec::new();
        write_cents(&mut v, -0.5);
        v.push(b' ');
        write_cents(&mut v, 1234.566);
        v.push(b' ');
        write_cents(&mut v, 0.1 + 0.2);
        assert_eq!(String::from_utf8(v).unwrap(), "-0.50 1234.57 0.30");
    }
}
