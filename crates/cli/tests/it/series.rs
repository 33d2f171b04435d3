//! `kundenwert series`: the customer × period table as CSV, per quarter, month and year.
//! Expected values are summed by hand from `tests/fixtures/export_de.csv`.

use crate::{run, workdir};

const HEADER: &str = "customer_id,period,revenue,cost,margin,orders\n";

#[test]
fn quarters() {
    let dir = workdir();
    let out = run(
        dir.path(),
        &[
            "series",
            "export_de.csv",
            "--period",
            "quarter",
            "--lang",
            "en",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        HEADER.to_string()
            + "10001,2024-Q1,1334.56,860.00,474.56,1\n\
               10001,2024-Q2,-100.00,-60.00,-40.00,1\n\
               10001,2024-Q3,617.28,400.00,217.28,1\n\
               10001,2024-Q4,300.00,180.00,120.00,1\n\
               10002,2024-Q1,250.00,120.00,130.00,1\n\
               10002,2024-Q2,125.00,60.00,65.00,1\n\
               10002,2024-Q4,200.00,96.00,104.00,1\n\
               10003,2024-Q1,617.28,400.00,217.28,1\n\
               10003,2024-Q3,1234.56,800.00,434.56,1\n\
               10005,2024-Q2,1480.00,1100.00,380.00,1\n\
               10005,2024-Q4,370.00,275.00,95.00,1\n"
    );
    // Rejected rows are reported on stderr, the table stays clean.
    assert!(
        out.stderr.starts_with("Rejected rows: 4\n"),
        "{}",
        out.stderr
    );
}

#[test]
fn months_to_a_file() {
    let dir = workdir();
    let out = run(
        dir.path(),
        &["series", "export_de.csv", "--lang", "de", "-o", "reihe.csv"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "");
    let written = std::fs::read_to_string(dir.path().join("reihe.csv")).unwrap();
    assert_eq!(
        written,
        HEADER.to_string()
            + "10001,2024-01,1334.56,860.00,474.56,1\n\
               10001,2024-04,-100.00,-60.00,-40.00,1\n\
               10001,2024-09,617.28,400.00,217.28,1\n\
               10001,2024-12,300.00,180.00,120.00,1\n\
               10002,2024-02,250.00,120.00,130.00,1\n\
               10002,2024-04,125.00,60.00,65.00,1\n\
               10002,2024-11,200.00,96.00,104.00,1\n\
               10003,2024-03,617.28,400.00,217.28,1\n\
               10003,2024-07,1234.56,800.00,434.56,1\n\
               10005,2024-06,1480.00,1100.00,380.00,1\n\
               10005,2024-10,370.00,275.00,95.00,1\n"
    );
}

#[test]
fn years() {
    let dir = workdir();
    let out = run(
        dir.path(),
        &[
            "series",
            "export_de.csv",
            "--period",
            "year",
            "--lang",
            "en",
        ],
    );
    assert_eq!(
        out.stdout,
        HEADER.to_string()
            + "10001,2024,2151.84,1380.00,771.84,4\n\
               10002,2024,575.00,276.00,299.00,3\n\
               10003,2024,1851.84,1200.00,651.84,2\n\
               10005,2024,1850.00,1375.00,475.00,2\n"
    );
}

/// Without cost or margin the cost and margin columns stay empty; without document numbers an
/// order is a day; lines of one document in one period count once.
#[test]
fn revenue_only_and_orders() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("en.csv"),
        "Customer ID,Invoice Date,Amount\n\
         C-2,2024-01-05,10.00\n\
         C-2,2024-01-05,5.50\n\
         C-2,2024-02-01,1.00\n\
         C-10,2024-03-31,-2.00\n\
         \"Smith, J.\",2024-03-01,7.00\n",
    )
    .unwrap();
    let out = run(
        dir.path(),
        &["series", "en.csv", "--period", "quarter", "--lang", "en"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        HEADER.to_string()
            + "C-10,2024-Q1,-2.00,,,1\n\
               C-2,2024-Q1,16.50,,,2\n\
               \"Smith, J.\",2024-Q1,7.00,,,1\n"
    );
}

/// See: issue 20. Cells are data: customer numbers that would start a formula in Excel are
/// written with a leading `'`, in `series` and in the rejects file; numbers stay numbers.
#[test]
fn text_cells_never_start_a_formula() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("formeln.csv"),
        "customer,date,revenue\n\
         \"=HYPERLINK(\"\"http://x\"\")\",2024-01-05,10.00\n\
         @SUM(1),2024-01-06,-5.00\n\
         +4930,2024-01-07,1.00\n\
         =1+1,gestern,2.00\n",
    )
    .unwrap();
    let out = run(
        dir.path(),
        &[
            "series",
            "formeln.csv",
            "--period",
            "year",
            "--rejects",
            "abgelehnt.csv",
            "--lang",
            "en",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        HEADER.to_string()
            + "'+4930,2024,1.00,,,1\n\
               \"'=HYPERLINK(\"\"http://x\"\")\",2024,10.00,,,1\n\
               '@SUM(1),2024,-5.00,,,1\n"
    );
    let rejects = std::fs::read_to_string(dir.path().join("abgelehnt.csv")).unwrap();
    assert_eq!(
        rejects,
        "\u{feff}file,line,column,reason,row\n\
         formeln.csv,5,date,'gestern' is not a valid date (YYYY-MM-DD),\"'=1+1,gestern,2.00\"\n"
    );
}
