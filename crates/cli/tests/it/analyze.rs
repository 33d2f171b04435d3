//! `kundenwert analyze`: the terminal summary in German and English and the JSON object of
//! the JSON document of `analyze --json`, for a small German export with broken rows (`tests/fixtures/README.md`).

use serde_json::Value;

use crate::{run, settings, workdir};

#[test]
fn summary_german() {
    let dir = workdir();
    let out = run(dir.path(), &["analyze", "export_de.csv", "--lang", "de"]);
    assert_eq!(out.code, 0, "rejected rows are no failure");
    settings(dir.path()).bind(|| insta::assert_snapshot!("analyze_summary_de", out.render()));
}

#[test]
fn summary_english() {
    let dir = workdir();
    let out = run(dir.path(), &["analyze", "export_de.csv", "--lang", "en"]);
    assert_eq!(out.code, 0);
    settings(dir.path()).bind(|| insta::assert_snapshot!("analyze_summary_en", out.render()));
}

/// `--lang` wins over the environment; without it `LANG=de_DE.UTF-8` picks German.
#[test]
fn language_from_environment() {
    let dir = workdir();
    let out = crate::kundenwert(dir.path())
        .env("LANG", "de_DE.UTF-8")
        .args(["analyze", "export_de.csv"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.starts_with("Kundenwert-Analyse, Stand 18.12.2024"),
        "{stdout}"
    );
    let en = run(dir.path(), &["analyze", "export_de.csv", "--lang", "en"]);
    let out = crate::kundenwert(dir.path())
        .env("LANG", "de_DE.UTF-8")
        .args(["analyze", "export_de.csv", "--lang", "en"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), en.stdout);
}

#[test]
fn json() {
    let dir = workdir();
    let out = run(
        dir.path(),
        &[
            "analyze",
            "export_de.csv",
            "--json",
            "--features",
            "--lang",
            "en",
        ],
    );
    assert_eq!(out.code, 0);
    let value: Value = serde_json::from_str(&out.stdout).expect("stdout is one JSON object");
    // Written in parts (the customers in blocks), formatted as serde_json's pretty printer does.
    assert_eq!(
        out.stdout,
        serde_json::to_string_pretty(&value).unwrap() + "\n"
    );
    // Human-readable text goes to stderr in JSON mode.
    settings(dir.path()).bind(|| {
        insta::assert_json_snapshot!("analyze_json_en", value);
        insta::assert_snapshot!(
            "analyze_json_en_stderr",
            format!("exit_code: {}\n{}", out.code, out.stderr)
        );
    });
    // Independent checks of what the snapshot holds.
    assert_eq!(value["input"]["rows_read"], 16);
    assert_eq!(value["input"]["rows_accepted"], 12);
    assert_eq!(value["input"]["rows_rejected"], 4);
    assert_eq!(value["input"]["blank_lines"], 2);
    assert_eq!(value["summary"]["customers"], 4);
    assert_eq!(value["summary"]["revenue"], 6428.68);
    assert_eq!(value["summary"]["cost"], 4231.0);
    assert_eq!(value["summary"]["margin"], 2197.68);
    let customers = value["customers"].as_array().unwrap();
    let revenue: f64 = customers
        .iter()
        .map(|c| c["revenue"].as_f64().unwrap())
        .sum();
    assert!((revenue - 6428.68).abs() < 0.005);
    let lines: Vec<u64> = value["input"]["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [9, 10, 12, 14]);
    assert_eq!(value["input"]["files"][0]["encoding"], "windows-1252");
    assert_eq!(value["as_of"], "2024-12-18");
}

/// Without `--features` every customer is the same object less its features (about 1.7 kB of
/// the 2.8 kB a customer takes); `--features` without `--json` is a usage error.
#[test]
fn json_leaves_features_out_unless_asked() {
    let dir = workdir();
    let args = ["analyze", "export_de.csv", "--json", "--lang", "en"];
    let plain: Value = serde_json::from_str(&run(dir.path(), &args).stdout).unwrap();
    let with: Value =
        serde_json::from_str(&run(dir.path(), &[&args[..], &["--features"]].concat()).stdout)
            .unwrap();
    let (plain, mut with) = (
        plain["customers"].as_array().unwrap().clone(),
        with["customers"].as_array().unwrap().clone(),
    );
    assert_eq!(plain.len(), 4);
    for (p, w) in plain.iter().zip(&mut with) {
        assert!(p.get("features").is_none(), "{p}");
        assert!(w["features"].is_object(), "{w}");
        w.as_object_mut().unwrap().remove("features");
        assert_eq!(p, w);
    }
    let out = run(dir.path(), &["analyze", "export_de.csv", "--features"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
}

/// The reasons in the JSON object follow `--lang`.
#[test]
fn json_german_reasons() {
    let dir = workdir();
    let out = run(
        dir.path(),
        &["analyze", "export_de.csv", "--json", "--lang", "de"],
    );
    let value: Value = serde_json::from_str(&out.stdout).unwrap();
    let reasons: Vec<String> = value["input"]["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{} {} {}",
                r["line"],
                r["column"],
                r["reason"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        reasons,
        [
            "9 \"Belegdatum\" '31.02.2024' ist kein gültiges Datum (TT.MM.JJJJ)",
            "10 \"Nettoumsatz\" 'n/a' ist keine Zahl (Format 1.234,56)",
            "12 null Kundennummer fehlt; Zeile übersprungen",
            "14 null Zeile hat 1 Feld statt 8; sie scheint durch `,` getrennt, anders als die Kopfzeile",
        ]
    );
    assert!(
        out.stderr.starts_with("Abgelehnte Zeilen: 4\n"),
        "{}",
        out.stderr
    );
}

/// `--as-of` ends the history: later rows are kept apart as holdout.
#[test]
fn as_of_keeps_later_rows_apart() {
    let dir = workdir();
    let out = run(
        dir.path(),
        &[
            "analyze",
            "export_de.csv",
            "--json",
            "--lang",
            "en",
            "--as-of",
            "2024-09-30",
            "--period",
            "quarter",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let value: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(value["as_of"], "2024-09-30");
    assert_eq!(value["period"], "quarter");
    assert_eq!(value["input"]["holdout"]["rows"], 3);
    assert_eq!(value["input"]["holdout"]["customers"], 3);
    assert_eq!(value["input"]["holdout"]["revenue"], 870.0);
    assert_eq!(value["summary"]["revenue"], 5558.68);
    let text = run(
        dir.path(),
        &[
            "analyze",
            "export_de.csv",
            "--lang",
            "de",
            "--as-of",
            "30.09.2024",
        ],
    );
    assert!(
        text.stdout
            .contains("Zurückgelegt: 3 Zeilen nach dem Stichtag (für die Prüfung von Prognosen)\n"),
        "{}",
        text.stdout
    );
}

/// A spreadsheet: the summary names it as such.
#[test]
fn spreadsheet_summary() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let dir = tempfile::tempdir().unwrap();
    let mut workbook = Workbook::new();
    let ws = workbook.add_worksheet();
    let date = Format::new().set_num_format("dd.mm.yyyy");
    for (c, h) in ["Kundennr.", "Kundenname", "Belegdatum", "Nettoumsatz"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, (id, name, day, amount)) in [
        (10002.0, "Müller GmbH", 3, 1234.5),
        (10003.0, "Öl AG", 4, -50.0),
    ]
    .into_iter()
    .enumerate()
    {
        let r = r as u32 + 1;
        ws.write_number(r, 0, id).unwrap();
        ws.write_string(r, 1, name).unwrap();
        ws.write_datetime_with_format(r, 2, ExcelDateTime::from_ymd(2024, 5, day).unwrap(), &date)
            .unwrap();
        ws.write_number(r, 3, amount).unwrap();
    }
    workbook.save(dir.path().join("umsatz.xlsx")).unwrap();
    let out = run(dir.path(), &["analyze", "umsatz.xlsx", "--lang", "en"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    settings(dir.path()).bind(|| insta::assert_snapshot!("analyze_xlsx_en", out.render()));
}

/// `--date-format`, `--decimal`, `--delimiter`, `--encoding` and several files reach the import.
#[test]
fn import_options_pass_through() {
    let dir = workdir();
    let json = |args: &[&str]| -> Value {
        let mut all = vec!["analyze", "--json", "--lang", "en"];
        all.extend_from_slice(args);
        let out = run(dir.path(), &all);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        serde_json::from_str(&out.stdout).unwrap()
    };
    std::fs::write(
        dir.path().join("us.csv"),
        "customer,date,amount\n1,01/02/2024,1.500\n2,03/04/2024,6.00\n",
    )
    .unwrap();
    let v = json(&["us.csv", "--date-format", "%d/%m/%Y"]);
    assert_eq!(v["customers"][0]["first_date"], "2024-02-01");
    assert_eq!(v["input"]["files"][0]["date_format"], "%d/%m/%Y");
    let v = json(&["us.csv", "--date-format", "%m/%d/%Y", "--decimal", "comma"]);
    assert_eq!(v["customers"][0]["first_date"], "2024-01-02");
    assert_eq!(v["customers"][0]["revenue"], 1500.0);
    // A pipe file named by `--delimiter`, Windows-1252 amounts with `€` named by `--encoding`.
    let text = "Kundennr.|Belegdatum|Nettoumsatz\r\n7|02.01.2024|1\u{a0}234,56\u{a0}€\r\n";
    std::fs::write(dir.path().join("pipe.txt"), windows_1252(text)).unwrap();
    let v = json(&["pipe.txt", "--delimiter", "|", "--encoding", "windows-1252"]);
    assert_eq!(v["summary"]["revenue"], 1234.56);
    assert_eq!(v["input"]["files"][0]["encoding"], "windows-1252");
    // Several files combined, in the order given.
    let v = json(&["export_de.csv", "pipe.txt", "--encoding", "windows-1252"]);
    assert_eq!(v["input"]["files"].as_array().unwrap().len(), 2);
    assert_eq!(v["input"]["rows_read"], 17);
    assert_eq!(v["summary"]["customers"], 5);
    assert_eq!(v["summary"]["revenue"], 7663.24);
}

/// Windows-1252 bytes of text that holds only ASCII, `\u{a0}` and `€` (no encoder needed here).
fn windows_1252(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '€' => 0x80,
            '\u{a0}' => 0xa0,
            c if c.is_ascii() => c as u8,
            c => panic!("{c:?} is not in this small table"),
        })
        .collect()
}

/// Issue 3: margin II after cost to serve — per order and per line — and the refusal without a
/// cost of goods unless a margin rate is assumed.
#[test]
fn cost_to_serve_gives_margin_two() {
    let dir = workdir();
    let plain = run(
        dir.path(),
        &["analyze", "export_de.csv", "--json", "--lang", "en"],
    );
    let served = run(
        dir.path(),
        &[
            "analyze",
            "export_de.csv",
            "--json",
            "--lang",
            "en",
            "--cost-per-order",
            "10",
            "--cost-per-line",
            "2",
        ],
    );
    assert_eq!(served.code, 0, "{}", served.stderr);
    let a: serde_json::Value = serde_json::from_str(&plain.stdout).unwrap();
    let b: serde_json::Value = serde_json::from_str(&served.stdout).unwrap();
    assert_eq!(b["cost_to_serve"]["per_order"], 10.0);
    for (x, y) in a["customers"]
        .as_array()
        .unwrap()
        .iter()
        .zip(b["customers"].as_array().unwrap())
    {
        let orders = x["transactions"].as_f64().unwrap();
        let lines = x["lines"].as_f64().unwrap();
        let expected = x["margin"].as_f64().unwrap() - 10.0 * orders - 2.0 * lines;
        assert!(
            (y["margin"].as_f64().unwrap() - expected).abs() < 0.01,
            "{x}\n{y}"
        );
    }
    let text = run(
        dir.path(),
        &[
            "analyze",
            "export_de.csv",
            "--lang",
            "de",
            "--cost-per-order",
            "10",
        ],
    );
    assert!(
        text.stdout
            .contains("Deckungsbeitrag II nach Servicekosten (10,00 je Auftrag"),
        "{}",
        text.stdout
    );
    let bad = run(
        dir.path(),
        &[
            "analyze",
            "export_de.csv",
            "--lang",
            "en",
            "--cost-per-order",
            "-1",
        ],
    );
    assert_eq!(bad.code, 2);
}

/// Issue 3: type migration between two as-of dates — every customer of the earlier date is
/// counted once in the matrix, the others as new, and a date not before as-of is refused.
#[test]
fn type_migration_between_two_dates() {
    let dir = tempfile::tempdir().unwrap();
    let demo = bundled_demo();
    let path = demo.to_str().unwrap();
    let out = run(
        dir.path(),
        &[
            "analyze",
            path,
            "--json",
            "--lang",
            "en",
            "--compare-as-of",
            "2023-12-31",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let m = &v["portfolio"]["migration"];
    let in_matrix: u64 = m["matrix"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r.as_array().unwrap().iter().map(|x| x.as_u64().unwrap()))
        .sum();
    let customers = v["summary"]["customers"].as_u64().unwrap();
    assert_eq!(in_matrix + m["new_customers"].as_u64().unwrap(), customers);
    let diagonal: u64 = (0..7).map(|i| m["matrix"][i][i].as_u64().unwrap()).sum();
    assert_eq!(
        m["moved"].as_array().unwrap().len() as u64,
        in_matrix - diagonal
    );
    let text = run(
        dir.path(),
        &[
            "analyze",
            path,
            "--lang",
            "de",
            "--compare-as-of",
            "2023-12-31",
        ],
    );
    assert!(
        text.stdout.contains("Typwanderung 31.12.2023"),
        "{}",
        text.stdout
    );
    let bad = run(
        dir.path(),
        &[
            "analyze",
            path,
            "--lang",
            "en",
            "--compare-as-of",
            "2030-01-01",
        ],
    );
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("is not before the as-of date"),
        "{}",
        bad.stderr
    );
}

/// Issue 3: yearly fixed costs per customer from a CSV (German numbers), and a broken line
/// named with file and line.
#[test]
fn fixed_costs_per_customer_from_a_file() {
    let dir = workdir();
    std::fs::write(
        dir.path().join("fix.csv"),
        "Kundennr.;Fixkosten pro Jahr\n10001;1.200,00\n",
    )
    .unwrap();
    let plain = run(
        dir.path(),
        &["analyze", "export_de.csv", "--json", "--lang", "en"],
    );
    let fixed = run(
        dir.path(),
        &[
            "analyze",
            "export_de.csv",
            "--json",
            "--lang",
            "en",
            "--fixed-costs",
            "fix.csv",
        ],
    );
    assert_eq!(fixed.code, 0, "{}", fixed.stderr);
    let a: serde_json::Value = serde_json::from_str(&plain.stdout).unwrap();
    let b: serde_json::Value = serde_json::from_str(&fixed.stdout).unwrap();
    let margin = |v: &serde_json::Value, id: &str| {
        v["customers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap()["margin"]
            .as_f64()
            .unwrap()
    };
    // The export covers 2024 up to December: the whole year's 1,200 are charged.
    assert!((margin(&a, "10001") - margin(&b, "10001") - 1200.0).abs() < 0.01);
    assert_eq!(margin(&a, "10002"), margin(&b, "10002"));
    std::fs::write(
        dir.path().join("bad.csv"),
        "Kundennr.;Fixkosten\n10001;viel\n",
    )
    .unwrap();
    let bad = run(
        dir.path(),
        &[
            "analyze",
            "export_de.csv",
            "--lang",
            "en",
            "--fixed-costs",
            "bad.csv",
        ],
    );
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("bad.csv:2:"), "{}", bad.stderr);
}

/// A fit that ran to the edge of its parameter space says so: `at_boundary` in the JSON, no
/// standard errors, and the model choice explains what the edge means. On the bundled demo
/// export Pareto/NBD ends where every customer leaves at the same rate.
#[test]
fn fits_at_the_parameter_edge_are_flagged_and_explained() {
    let dir = workdir();
    let demo = bundled_demo();
    let out = run(
        dir.path(),
        &["analyze", demo.to_str().unwrap(), "--json", "--lang", "en"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let value: Value = serde_json::from_str(&out.stdout).unwrap();
    let models = &value["models"];
    let mut flagged = 0;
    for m in ["bg_nbd", "mbg_nbd", "pareto_nbd", "bg_cnbd_k"] {
        if models[m]["at_boundary"] == true {
            flagged += 1;
            assert!(models[m]["std_errors"].is_null(), "{m}: {}", models[m]);
        } else {
            assert!(models[m]["std_errors"].is_object(), "{m}: {}", models[m]);
        }
    }
    assert!(flagged >= 1, "{models}");
    let pareto = &models["pareto_nbd"];
    assert_eq!(pareto["at_boundary"], true, "{pareto}");
    let chosen = models["chosen"].as_str().unwrap();
    let reason = models["choice"]["reason"].as_str().unwrap();
    if models[chosen]["at_boundary"] == true {
        assert!(reason.contains("edge of the parameter space"), "{reason}");
    } else {
        assert!(!reason.contains("edge of the parameter space"), "{reason}");
    }
    if chosen == "pareto_nbd" {
        let rate = pareto["s"].as_f64().unwrap() / pareto["beta"].as_f64().unwrap();
        assert!(
            reason.contains(&format!("same rate ({rate:.4} a week)")),
            "{reason}"
        );
    }
}

/// Issue 21: every analysis with a year of history before as-of minus the horizon backtests
/// itself and says how last year's forecast did; `--no-backtest` leaves it out.
#[test]
fn every_analysis_backtests_itself() {
    let dir = workdir();
    let demo = bundled_demo();
    let path = demo.to_str().unwrap();
    let out = run(dir.path(), &["analyze", path, "--json", "--lang", "en"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    let b = &v["backtest"];
    // The export ends on 28.12.2024: December counts as whole, the backtest stands a year
    // before.
    assert_eq!(b["as_of"], "2023-12-31", "{b}");
    assert_eq!(b["until"], "2024-12-31", "{b}");
    assert!(b["customers"].as_u64().unwrap() > 0, "{b}");
    assert_eq!(v["models"]["choice"]["basis"], "backtest");
    let methods = [
        "bg_nbd",
        "mbg_nbd",
        "pareto_nbd",
        "bg_cnbd_k",
        "type_projection",
    ];
    for t in crate::demo::TYPES {
        let x = &b["by_type"][t];
        assert!(methods.contains(&x["method"].as_str().unwrap()), "{t}: {x}");
        assert_eq!(v["models"]["source_by_type"][t], x["method"], "{t}");
    }
    // On the data it was calibrated on, the ranges hold about 80 % of the outcomes.
    let after = b["all"]["after"]["coverage"].as_f64().unwrap();
    assert!((0.7..=0.95).contains(&after), "{after}");
    assert!(b["summary"]
        .as_str()
        .unwrap()
        .starts_with("Backtest: the same forecast, made as of 2023-12-31"));

    let text = run(dir.path(), &["analyze", path, "--lang", "de"]);
    assert!(
        text.stdout.contains(
            "Rückblick: Dieselbe Prognose, erstellt zum 31.12.2023 für die Monate bis 31.12.2024"
        ),
        "{}",
        text.stdout
    );

    let off = run(
        dir.path(),
        &["analyze", path, "--json", "--no-backtest", "--lang", "en"],
    );
    let v: Value = serde_json::from_str(&off.stdout).unwrap();
    assert!(v["backtest"].is_null());
    assert_ne!(v["models"]["choice"]["basis"], "backtest");
}

/// With data after as-of that covers the horizon, the forecast is checked against it per type;
/// without a year of history before as-of minus the horizon, there is no backtest and the
/// summary says so.
#[test]
fn the_forecast_is_checked_against_what_happened_after_as_of() {
    let dir = workdir();
    let demo = bundled_demo();
    let path = demo.to_str().unwrap();
    // Undiscounted, so that the actual value is plainly the margin of 2024.
    let args = [
        "analyze",
        path,
        "--as-of",
        "2023-12-31",
        "--discount-rate",
        "0",
        "--lang",
        "en",
    ];
    let out = run(dir.path(), &[&args[..], &["--json"]].concat());
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert!(v["backtest"].is_null());
    let all = &v["models"]["holdout"]["outcomes"]["all"];
    let customers = v["summary"]["customers"].as_u64().unwrap();
    assert_eq!(all["customers"].as_u64().unwrap(), customers, "{all}");
    // The actual value is the customers' margin of 2024, as the holdout's own total says.
    let actual = all["actual"].as_f64().unwrap();
    let holdout = v["models"]["holdout"]["actual_value"].as_f64().unwrap();
    assert!((actual - holdout).abs() < 0.01, "{actual} vs {holdout}");
    let text = run(dir.path(), &args);
    assert!(
        text.stdout.contains("Backtest: not possible")
            && text
                .stdout
                .contains("Checked against the 12 months after as-of")
            && text
                .stdout
                .contains("The model was chosen on the same months, which flatters the check."),
        "{}",
        text.stdout
    );
}

/// The bundled demo export of the README's first command.
fn bundled_demo() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/demo/rechnungen_2023_2024.csv")
}
