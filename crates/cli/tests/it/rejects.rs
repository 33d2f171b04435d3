//! `--rejects FILE`: every rejected row with file, line, column, reason and the row as written;
//! UTF-8 with BOM, `;` for German users, `,` for English ones. And the stderr listing of many
//! rejected rows.

use crate::{run, workdir};

#[test]
fn rejects_file_german() {
    let dir = workdir();
    let out = run(
        dir.path(),
        &[
            "analyze",
            "export_de.csv",
            "--lang",
            "de",
            "--rejects",
            "abgelehnt.csv",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let written = std::fs::read_to_string(dir.path().join("abgelehnt.csv")).unwrap();
    assert_eq!(
        written,
        concat!(
            "\u{feff}Datei;Zeile;Spalte;Grund;Zeileninhalt\n",
            "export_de.csv;9;Belegdatum;'31.02.2024' ist kein gültiges Datum (TT.MM.JJJJ);\"RE-24006;10004;Weiß & Co.;31.02.2024;C-1;1;99,00;50,00\"\n",
            "export_de.csv;10;Nettoumsatz;'n/a' ist keine Zahl (Format 1.234,56);\"RE-24007;10004;Weiß & Co.;05.05.2024;C-1;3;n/a;50,00\"\n",
            "export_de.csv;12;;\"Kundennummer fehlt; Zeile übersprungen\";\"RE-24008;;Laufkunde;06.05.2024;C-2;1;19,90;10,00\"\n",
            "export_de.csv;14;;\"Zeile hat 1 Feld statt 8; sie scheint durch `,` getrennt, anders als die Kopfzeile\";\"RE-24010,10006,Komma GmbH,13.06.2024,A-100,1,\"\"50,00\"\",\"\"20,00\"\"\"\n",
        )
    );
}

#[test]
fn rejects_file_english() {
    let dir = workdir();
    let out = run(
        dir.path(),
        &[
            "series",
            "export_de.csv",
            "--lang",
            "en",
            "--rejects",
            "rejects.csv",
            "-o",
            "series.csv",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let written = std::fs::read_to_string(dir.path().join("rejects.csv")).unwrap();
    assert_eq!(
        written,
        concat!(
            "\u{feff}file,line,column,reason,row\n",
            "export_de.csv,9,Belegdatum,'31.02.2024' is not a valid date (DD.MM.YYYY),\"RE-24006;10004;Weiß & Co.;31.02.2024;C-1;1;99,00;50,00\"\n",
            "export_de.csv,10,Nettoumsatz,\"'n/a' is not a number (format 1.234,56)\",\"RE-24007;10004;Weiß & Co.;05.05.2024;C-1;3;n/a;50,00\"\n",
            "export_de.csv,12,,customer number missing; row skipped,\"RE-24008;;Laufkunde;06.05.2024;C-2;1;19,90;10,00\"\n",
            "export_de.csv,14,,\"row has 1 field instead of 8; it looks separated by `,`, not like the header\",\"RE-24010,10006,Komma GmbH,13.06.2024,A-100,1,\"\"50,00\"\",\"\"20,00\"\"\"\n",
        )
    );
    // The rejects file is CSV that reads back to the same rows.
    let mut reader =
        csv::ReaderBuilder::new().from_reader(written.trim_start_matches('\u{feff}').as_bytes());
    let lines: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[1].to_string())
        .collect();
    assert_eq!(lines, ["9", "10", "12", "14"]);
}

/// Many rejected rows: the first 20 on stderr, then a count, and a hint to write them all; the
/// hint goes once they are written.
#[test]
fn many_rejected_rows() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("Kundennr.;Belegdatum;Nettoumsatz\r\n");
    for i in 0..25 {
        text.push_str(&format!("{i};01.13.2024;1,00\r\n"));
    }
    text.push_str("99;01.12.2024;1,00\r\n");
    std::fs::write(dir.path().join("viele.csv"), text).unwrap();
    let out = run(
        dir.path(),
        &["analyze", "viele.csv", "--lang", "de", "--json"],
    );
    assert_eq!(out.code, 0);
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(lines[0], "Abgelehnte Zeilen: 25");
    assert_eq!(
        lines[1],
        "  viele.csv: Zeile 2, Belegdatum: '01.13.2024' ist kein gültiges Datum (TT.MM.JJJJ)"
    );
    assert_eq!(
        lines[20],
        "  viele.csv: Zeile 21, Belegdatum: '01.13.2024' ist kein gültiges Datum (TT.MM.JJJJ)"
    );
    assert_eq!(
        lines[21..],
        [
            "  … und 5",
            "hint: alle abgelehnten Zeilen mit `--rejects DATEI` schreiben"
        ]
    );
    let value: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        value["input"]["rejected"].as_array().unwrap().len(),
        25,
        "JSON holds every rejection"
    );
    let out = run(
        dir.path(),
        &["analyze", "viele.csv", "--lang", "en", "--rejects", "r.csv"],
    );
    assert_eq!(out.stderr.lines().last(), Some("  … and 5"));
    let written = std::fs::read_to_string(dir.path().join("r.csv")).unwrap();
    assert_eq!(written.lines().count(), 26);
}

#[test]
fn rejects_file_that_cannot_be_written() {
    let dir = workdir();
    let out = run(
        dir.path(),
        &[
            "analyze",
            "export_de.csv",
            "--lang",
            "en",
            "--rejects",
            "no/such/folder/r.csv",
        ],
    );
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .starts_with("error: cannot write `no/such/folder/r.csv`: "),
        "{}",
        out.stderr
    );
}
