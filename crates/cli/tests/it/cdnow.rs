//! The CDNOW data set (`tests/fixtures/cdnow/README.md`): whitespace-aligned, CRLF, English
//! numbers, compact dates; every row and customer read, dollars summed exactly.

use serde_json::Value;

use crate::{fixtures, run};

/// The dollar total computed without kundenwert: the 4th whitespace field of every data line.
fn dollars(text: &str) -> (u64, f64) {
    let mut rows = 0;
    let mut cents = 0i64;
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let field = line.split_whitespace().nth(3).expect("4 fields");
        let (int, frac) = field.split_once('.').unwrap_or((field, "0"));
        let frac = format!("{frac:0<2}");
        assert_eq!(frac.len(), 2, "{line}");
        cents += int.parse::<i64>().unwrap() * 100 + frac.parse::<i64>().unwrap();
        rows += 1;
    }
    (rows, cents as f64 / 100.0)
}

#[test]
fn cdnow_master() {
    let dir = tempfile::tempdir().unwrap();
    let path = fixtures().join("cdnow/CDNOW_master.txt");
    let text = std::fs::read_to_string(&path).unwrap();
    let (rows, total) = dollars(&text);
    assert_eq!(rows, 69_659);
    let out = run(
        dir.path(),
        &[
            "analyze",
            path.to_str().unwrap(),
            "--json",
            "--lang",
            "en",
            "--column",
            "revenue=dollar_value",
            "--column",
            "quantity=number_of_cds",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stderr, "", "no rejected rows");
    let value: Value = serde_json::from_str(&out.stdout).unwrap();
    let input = &value["input"];
    assert_eq!(input["rows_read"], 69_659);
    assert_eq!(input["rows_accepted"], 69_659);
    assert_eq!(input["rows_rejected"], 0);
    assert_eq!(value["summary"]["customers"], 23_570);
    let revenue = value["summary"]["revenue"].as_f64().unwrap();
    assert!((revenue - total).abs() < 0.005, "{revenue} vs {total}");
    let file = &input["files"][0];
    assert_eq!(file["delimiter"], "whitespace");
    assert_eq!(file["decimal"], ".");
    assert_eq!(file["date_format"], "%Y%m%d");
    assert_eq!(file["columns"]["customer"], "customer_id");
    assert_eq!(file["columns"]["date"], "date");
    assert_eq!(file["columns"]["revenue"], "dollar_value");
    assert_eq!(file["columns"]["quantity"], "number_of_cds");
    assert_eq!(value["as_of"], "1998-06-30");
    assert_eq!(value["value_basis"], "revenue");
    let first = &value["customers"][0];
    assert_eq!(first["id"], "00001");
    assert_eq!(first["first_date"], "1997-01-01");
}
