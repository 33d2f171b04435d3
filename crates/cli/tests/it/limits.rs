//! See: issue 20. Inputs at the limits either work or are refused with a reason, and never
//! exhaust memory: a field of 2 MB, a line of 20 MB, 10,000 columns, a million customers with
//! one line each (about 20 s and 1.1 GB in the test build; its memory in a release build is in
//! `docs/reliability.md`).

use crate::{kundenwert, run};

#[test]
fn huge_fields_long_lines_and_wide_files_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let header = "customer;date;revenue;name\n";
    let tail = "2;01.02.2024;6,00;ok\n";
    std::fs::write(
        d.join("feld.csv"),
        format!("{header}1;01.02.2024;5,00;{}\n{tail}", "x".repeat(2 << 20)),
    )
    .unwrap();
    std::fs::write(
        d.join("zeile.csv"),
        format!(
            "{header}1;01.02.2024;5,00;{}\n{tail}",
            "y;".repeat(10 << 20)
        ),
    )
    .unwrap();
    let mut wide = String::from("customer;date;revenue");
    for c in 0..10_000 {
        wide += &format!(";c{c}");
    }
    wide += "\n";
    for r in 1..=50 {
        wide += &format!("{r};01.02.2024;5,00{}\n", ";1".repeat(10_000));
    }
    std::fs::write(d.join("breit.csv"), wide).unwrap();

    let out = run(
        d,
        &["series", "feld.csv", "--period", "year", "--lang", "en"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "customer_id,period,revenue,cost,margin,orders\n1,2024,5.00,,,1\n2,2024,6.00,,,1\n"
    );
    // The 20 MB line has far more fields than the header: rejected with its reason; the next
    // line is read.
    let out = run(
        d,
        &["series", "zeile.csv", "--period", "year", "--lang", "en"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "customer_id,period,revenue,cost,margin,orders\n2,2024,6.00,,,1\n"
    );
    assert!(
        out.stderr
            .starts_with("Rejected rows: 1\n  zeile.csv: Line 2: row has 10485764 fields"),
        "{}",
        &out.stderr[..out.stderr.len().min(300)]
    );
    let out = kundenwert(d)
        .args(["series", "breit.csv", "--period", "year", "--lang", "en"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 51);
}

#[test]
fn a_million_customers_with_one_line_each_are_analysed() {
    use std::fmt::Write as _;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let n = 1_000_000u32;
    let mut text = String::with_capacity(27 << 20);
    text.push_str("Kundennr.;Datum;Umsatz\n");
    for i in 0..n {
        // Days and months spread over 2024, amounts from 1,00 to 997,99.
        let (day, month) = (i * 7 % 28 + 1, i * 5 % 12 + 1);
        let (euros, cents) = (i % 997 + 1, i % 100);
        writeln!(text, "K{i:07};{day:02}.{month:02}.2024;{euros},{cents:02}").unwrap();
    }
    std::fs::write(d.join("einmal.csv"), text).unwrap();
    // Nearly a gigabyte of JSON: to a file, and only its head read back.
    let json = std::fs::File::create(d.join("out.json")).unwrap();
    let out = kundenwert(d)
        .args(["analyze", "einmal.csv", "--json", "--lang", "en"])
        .stdout(json)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut head = Vec::new();
    std::io::Read::read_to_end(
        &mut std::io::Read::take(std::fs::File::open(d.join("out.json")).unwrap(), 8192),
        &mut head,
    )
    .unwrap();
    let head = String::from_utf8_lossy(&head);
    assert!(head.contains("\"rows_accepted\": 1000000,"), "{head}");
    assert!(head.contains("\"rows_rejected\": 0,"), "{head}");
    let summary = &head[head.find("\"summary\"").expect("a summary")..];
    assert!(summary.contains("\"customers\": 1000000,"), "{summary}");
}
