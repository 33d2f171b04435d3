//! Rejected rows: every rejected row with file, physical 1-based line (right on CRLF files and
//! after quoted fields with line breaks), column and reason, in German and English; counts
//! reconcile; files that cannot be read fail with one message and a hint.

use kundenwert_core::{Lang, Role};
use kundenwert_ingest::{ImportError, Reason};

use crate::fixtures::{lines, write_text, Enc};
use crate::{read, read_err, threads};

pub const HEADER: &str =
    "Belegnummer;Kundennr.;Kundenname;Belegdatum;Artikel;Menge;Nettoumsatz;Wareneinsatz";

/// A German export built line by line, knowing what the import must make of it.
///
/// Records are written with `\n` for their inner line breaks; [`Export::render`] puts the
/// file's line end everywhere.
#[derive(Debug, Default)]
pub struct Export {
    /// Physical lines, without line ends.
    pub lines: Vec<String>,
    pub rows: u64,
    pub blank: u64,
    pub accepted: u64,
    pub revenue_cents: i64,
    /// (line, English message, German message, raw record).
    pub rejected: Vec<(u64, String, String, String)>,
    next: u64,
}

impl Export {
    pub fn new() -> Self {
        Export {
            lines: vec![HEADER.to_string()],
            ..Default::default()
        }
    }

    /// Number of the next physical line.
    pub fn line_no(&self) -> u64 {
        self.lines.len() as u64 + 1
    }

    fn push(&mut self, record: &str) -> u64 {
        let at = self.line_no();
        self.lines.extend(record.split('\n').map(str::to_string));
        at
    }

    /// A valid row; `inner_breaks` line breaks inside its quoted name.
    pub fn good(&mut self, inner_breaks: usize) {
        self.next += 1;
        let i = self.next;
        let cents = ((i * 7919) % 300_000) as i64 - 30_000;
        let amount = crate::fixtures::amount(cents, crate::fixtures::NumberFormat::GERMAN);
        let name = if inner_breaks == 0 {
            format!("Müller {i} GmbH")
        } else {
            format!("\"Müller {i}{}GmbH\"", "\n".repeat(inner_breaks))
        };
        let customer = 10_000 + i % 97;
        let day = 1 + i % 28;
        self.push(&format!(
            "RE-{i};{customer};{name};{day:02}.03.2024;A-{};{};\"{amount}\";10,00",
            i % 7,
            1 + i % 5
        ));
        self.rows += 1;
        self.accepted += 1;
        self.revenue_cents += cents;
    }

    /// Valid rows (some spanning several lines) up to the line before `target`.
    pub fn fill_to(&mut self, target: u64) {
        while self.line_no() < target {
            let left = target - self.line_no();
            let breaks = match self.next % 23 {
                0 if left > 3 => 2,
                5 | 11 if left > 2 => 1,
                _ => 0,
            };
            self.good(breaks);
        }
        assert_eq!(self.line_no(), target);
    }

    pub fn blank(&mut self, text: &str) {
        self.push(text);
        self.blank += 1;
    }

    /// A row the import must reject at the line it starts on.
    pub fn bad(&mut self, record: &str, en: &str, de: &str) -> u64 {
        let at = self.push(record);
        self.rows += 1;
        self.rejected.push((
            at,
            en.replace("{line}", &at.to_string()),
            de.replace("{line}", &at.to_string()),
            record.to_string(),
        ));
        at
    }

    pub fn render(&self, eol: &str) -> String {
        let mut out = self.lines.join(eol);
        out.push_str(eol);
        out
    }
}

/// A broken export: rejections at lines 301, 602 and 903 and more, after many
/// quoted names with line breaks, blank lines of several kinds, and an unclosed quote at the
/// end. Returns the export and the line of the unclosed quote.
pub fn broken_export() -> (Export, u64) {
    let mut e = Export::new();
    e.fill_to(120);
    e.blank("");
    e.fill_to(250);
    e.blank(";;;;;;;");
    e.fill_to(301);
    e.bad(
        "RE-9301;10001;Müller GmbH;31.02.2024;A-1;1;100,00;10,00",
        "Line {line}, Belegdatum: '31.02.2024' is not a valid date (DD.MM.YYYY)",
        "Zeile {line}, Belegdatum: '31.02.2024' ist kein gültiges Datum (TT.MM.JJJJ)",
    );
    e.fill_to(400);
    e.blank("   ");
    e.blank("");
    e.fill_to(602);
    e.bad(
        "RE-9602;10002;Bäcker KG;02.03.2024;A-2;1;n/a;10,00",
        "Line {line}, Nettoumsatz: 'n/a' is not a number (format 1.234,56)",
        "Zeile {line}, Nettoumsatz: 'n/a' ist keine Zahl (Format 1.234,56)",
    );
    e.fill_to(700);
    e.bad(
        "RE-9700;10003;\"Schön\n\nAG\";30.02.2024;A-3;1;1,00;0,50",
        "Line {line}, Belegdatum: '30.02.2024' is not a valid date (DD.MM.YYYY)",
        "Zeile {line}, Belegdatum: '30.02.2024' ist kein gültiges Datum (TT.MM.JJJJ)",
    );
    e.fill_to(903);
    e.bad(
        "RE-9903;;Ohne Nummer;03.03.2024;A-4;1;5,00;1,00",
        "Line {line}: customer number missing; row skipped",
        "Zeile {line}: Kundennummer fehlt; Zeile übersprungen",
    );
    e.fill_to(950);
    e.bad(
        "RE-9950;10004;\"Ohne\nDatum\";;A-5;1;5,00;1,00",
        "Line {line}, Belegdatum: date missing; row skipped",
        "Zeile {line}, Belegdatum: Datum fehlt; Zeile übersprungen",
    );
    e.fill_to(1000);
    e.bad(
        "RE-10000;10005;Ohne Betrag;04.03.2024;A-6;1;;1,00",
        "Line {line}, Nettoumsatz: amount missing; row skipped",
        "Zeile {line}, Nettoumsatz: Betrag fehlt; Zeile übersprungen",
    );
    e.fill_to(1100);
    e.bad(
        "RE-11000,10006,Komma GmbH,05.03.2024,A-7,1,\"5,00\",\"1,00\"",
        "Line {line}: row has 1 field instead of 8; it looks separated by `,`, not like the header",
        "Zeile {line}: Zeile hat 1 Feld statt 8; sie scheint durch `,` getrennt, anders als die Kopfzeile",
    );
    e.fill_to(1200);
    e.bad(
        "RE-12000;10007;Zu viel;06.03.2024;A-8;1;5,00;1,00;x;y",
        "Line {line}: row has 10 fields instead of 8",
        "Zeile {line}: Zeile hat 10 Felder statt 8",
    );
    e.fill_to(1250);
    // Trailing empty fields, as spreadsheets write them, are fine.
    e.push("RE-12500;10008;Leer am Ende;07.03.2024;A-9;1;5,00;1,00;;");
    e.rows += 1;
    e.accepted += 1;
    e.revenue_cents += 500;
    e.fill_to(1300);
    e.bad(
        "RE-13000;10009;Tab\tGmbH;08.03.2024;A-1;1;12,5x;1,00",
        "Line {line}, Nettoumsatz: '12,5x' is not a number (format 1.234,56)",
        "Zeile {line}, Nettoumsatz: '12,5x' ist keine Zahl (Format 1.234,56)",
    );
    e.fill_to(1497);
    e.blank("");
    e.blank("");
    e.blank("");
    let open = e.bad(
        "RE-15000;10010;\"Offen GmbH;09.03.2024;A-1;1;5,00;1,00",
        "Line {line}, Kundenname: quote is never closed; the rest of the file was not read",
        "Zeile {line}, Kundenname: Anführungszeichen wird nie geschlossen; der Rest der Datei wurde nicht gelesen",
    );
    // Not read: after the open quote everything is one field.
    e.push("RE-15001;10011;Danach;10.03.2024;A-1;1;5,00;1,00");
    e.push("RE-15002;10012;Danach;10.03.2024;A-1;1;5,00;1,00");
    (e, open)
}

#[test]
fn rejected_rows_with_exact_lines_and_messages() {
    let (e, open) = broken_export();
    assert_eq!(open, 1500);
    let dir = tempfile::tempdir().unwrap();
    for (enc, eol, n) in [
        (Enc::Windows1252, "\r\n", 2),
        (Enc::Utf8, "\n", 1),
        (Enc::Utf16LeBom, "\r\n", 3),
        (Enc::Utf8Bom, "\n", 4),
    ] {
        let case = format!("{enc:?} {eol:?}");
        let path = write_text(dir.path(), "export.csv", &e.render(eol), enc);
        let (txs, report) = read(&path, &threads(n));
        assert_eq!(report.rows_read, e.rows, "{case}");
        assert_eq!(report.rows_accepted, e.accepted, "{case}");
        assert_eq!(report.blank_lines, e.blank, "{case}");
        assert_eq!(report.rows_rejected, e.rejected.len() as u64, "{case}");
        assert_eq!(
            txs.iter().map(|t| t.revenue_cents()).sum::<i64>(),
            e.revenue_cents,
            "{case}"
        );
        let shown = path.display().to_string();
        for (r, (line, en, de, raw)) in report.rejected.iter().zip(&e.rejected) {
            assert_eq!(r.file, shown);
            assert_eq!(r.line, *line, "{case}: {en}");
            if *line == open {
                // The count of lines not read is checked in `unclosed_quote_counts_lines_not_read`.
                assert!(
                    r.message(Lang::En).starts_with(en.as_str()),
                    "{case}: {}",
                    r.message(Lang::En)
                );
                assert!(
                    r.message(Lang::De).starts_with(de.as_str()),
                    "{case}: {}",
                    r.message(Lang::De)
                );
                assert!(matches!(r.reason, Reason::UnclosedQuote { .. }));
                continue;
            }
            assert_eq!(&r.message(Lang::En), en, "{case}");
            assert_eq!(&r.message(Lang::De), de, "{case}");
            // The raw row, for the rejects file, is the record as written (line ends as in the file).
            assert_eq!(r.raw, raw.replace('\n', eol), "{case}");
        }
        assert_eq!(report.rejected.len(), e.rejected.len());
    }
}

/// The unclosed quote reports how many physical lines were not read: from its own line to the
/// last line of the file (a final line end starts no new line).
#[test]

fn unclosed_quote_counts_lines_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let (e, open) = broken_export();
    let total_lines = e.lines.len() as u64;
    let not_read = total_lines - open + 1;
    for eol in ["\r\n", "\n"] {
        let path = write_text(dir.path(), "export.csv", &e.render(eol), Enc::Utf8);
        let (_, report) = read(&path, &threads(1));
        let last = report.rejected.last().unwrap();
        assert_eq!(
            last.message(Lang::En),
            format!("Line {open}, Kundenname: quote is never closed; the rest of the file was not read ({not_read} lines)")
        );
        assert_eq!(
            last.message(Lang::De),
            format!("Zeile {open}, Kundenname: Anführungszeichen wird nie geschlossen; der Rest der Datei wurde nicht gelesen ({not_read} Zeilen)")
        );
    }
}

/// As the rejection a user reads for it (`Line 5, Kundenname: quote is never closed`), here on line 6
/// after a record of two lines; the unclosed quote and a wrong-delimiter row before it each get
/// their own message.
#[test]
fn unclosed_quote_and_wrong_delimiter_each_get_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let text = lines(
        &[
            "Kundennr.;Kundenname;Belegdatum;Nettoumsatz",
            "10001;Müller GmbH;02.01.2024;1.234,56",
            "10002,Bäcker KG,03.01.2024,\"99,00\"",
            "10003;\"Schön\r\nAG\";04.01.2024;10,00",
            "10004;\"Offen GmbH;05.01.2024;5,00",
        ],
        "\r\n",
    );
    let path = write_text(dir.path(), "offen.csv", &text, Enc::Windows1252);
    let (txs, report) = read(&path, &threads(1));
    assert_eq!(txs.len(), 2);
    assert_eq!(txs[1].name.as_deref(), Some("Schön\r\nAG"));
    assert_eq!(report.rows_read, 4);
    let msgs: Vec<String> = report
        .rejected
        .iter()
        .map(|r| r.message(Lang::En))
        .collect();
    assert_eq!(msgs.len(), 2);
    assert_eq!(
        msgs[0],
        "Line 3: row has 1 field instead of 4; it looks separated by `,`, not like the header"
    );
    assert!(
        msgs[1].starts_with(
            "Line 6, Kundenname: quote is never closed; the rest of the file was not read"
        ),
        "{}",
        msgs[1]
    );
    assert_eq!(report.rejected[1].column.as_deref(), Some("Kundenname"));
}

/// Blank lines before the header, between rows and at the end are counted apart and do not
/// shift line numbers.
#[test]
fn blank_lines_are_counted_apart() {
    let dir = tempfile::tempdir().unwrap();
    let text = lines(
        &[
            "",
            ";;;",
            "Kundennr.;Belegdatum;Nettoumsatz;Bemerkung",
            "1;01.02.2024;1,00;",
            "",
            "2;01.02.2024;2,00",
            " ; ; ; ",
            "3;xx;3,00;x",
            "",
            "",
        ],
        "\r\n",
    );
    let path = write_text(dir.path(), "blank.csv", &text, Enc::Utf8);
    let (txs, report) = read(&path, &threads(1));
    assert_eq!(report.blank_lines, 6);
    assert_eq!(report.rows_read, 3);
    assert_eq!(
        txs.len(),
        2,
        "a short row holding every used column is fine"
    );
    assert_eq!(report.rejected[0].line, 8);
    assert_eq!(report.rejected[0].column.as_deref(), Some("Belegdatum"));
}

/// A file without a usable customer, date or amount column fails with one message naming the
/// headers found, and a hint.
#[test]
fn missing_columns_fail_with_one_message() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_text(
        dir.path(),
        "lager.csv",
        &lines(&["Artikel;Menge;Lagerort", "A-1;5;Halle 2"], "\r\n"),
        Enc::Windows1252,
    );
    let err = read_err(&path, &threads(1));
    let shown = path.display().to_string();
    match &err {
        ImportError::MissingColumns { found, missing, .. } => {
            assert_eq!(found, &["Artikel", "Menge", "Lagerort"]);
            assert_eq!(missing, &[Role::Customer, Role::Date, Role::Revenue]);
        }
        other => panic!("{other:?}"),
    }
    let (msg, hint) = err.localized(Lang::En);
    assert_eq!(
        msg,
        format!("`{shown}` has no usable column for `customer`, `date`, `revenue`; found: `Artikel`, `Menge`, `Lagerort`")
    );
    assert_eq!(
        hint.as_deref(),
        Some("expected a customer (e.g. `Customer ID`), a date (`Invoice Date`) and revenue (`Revenue`) or quantity and unit price; map a column yourself with `--column customer=\"Header\"`")
    );
    let (msg, hint) = err.localized(Lang::De);
    assert_eq!(
        msg,
        format!("`{shown}` hat keine brauchbare Spalte für `customer`, `date`, `revenue`; gefunden: `Artikel`, `Menge`, `Lagerort`")
    );
    assert!(hint.unwrap().contains("--column customer="));
    // Only the amount missing: named alone.
    let path = write_text(
        dir.path(),
        "ohne-betrag.csv",
        &lines(&["Kundennr.;Datum;Menge", "1;01.01.2024;5"], "\n"),
        Enc::Utf8,
    );
    match read_err(&path, &threads(1)) {
        ImportError::MissingColumns { missing, .. } => assert_eq!(missing, [Role::Revenue]),
        other => panic!("{other:?}"),
    }
}

/// Files that cannot be read at all: missing, empty, an unknown `--encoding`.
#[test]
fn unreadable_files() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("fehlt.csv");
    let err = read_err(&missing, &threads(1));
    assert!(matches!(err, ImportError::Io { .. }), "{err:?}");
    let (msg, _) = err.localized(Lang::De);
    assert!(
        msg.starts_with(&format!(
            "`{}` kann nicht gelesen werden: ",
            missing.display()
        )),
        "{msg}"
    );
    let empty = write_text(dir.path(), "leer.csv", "\r\n\r\n", Enc::Utf8);
    let err = read_err(&empty, &threads(1));
    assert!(matches!(err, ImportError::Empty { .. }), "{err:?}");
    assert_eq!(
        err.localized(Lang::De).0,
        format!("`{}` ist leer", empty.display())
    );
    let ok = write_text(
        dir.path(),
        "ok.csv",
        "customer,date,revenue\n1,2024-01-01,1.00\n",
        Enc::Utf8,
    );
    let options = kundenwert_ingest::ImportOptions {
        encoding: Some("klingon".into()),
        ..threads(1)
    };
    let err = read_err(&ok, &options);
    let (msg, hint) = err.localized(Lang::En);
    assert_eq!(msg, "unknown encoding `klingon`");
    assert!(hint.unwrap().contains("--encoding windows-1252"));
}

/// A stray quote in the middle of a file, with another quoted field further down: the record
/// from line 2 swallows lines 3 and 4 up to the next quote. The import accepts it with the text
/// of two other rows as the customer's name, and those rows are neither accepted nor rejected
/// (every row that cannot be used is reported). Text after a closing quote
/// (`"Zu"` closes at `3;"`, then `Zu"` follows) marks the record as broken.
#[test]

fn stray_quote_mid_file_does_not_swallow_rows_silently() {
    let dir = tempfile::tempdir().unwrap();
    let text = lines(
        &[
            "Kundennr.;Kundenname;Belegdatum;Nettoumsatz",
            "1;\"Offen;01.01.2024;5,00",
            "2;Normal;02.01.2024;5,00",
            "3;\"Zu\";03.01.2024;5,00",
            "4;Normal;04.01.2024;5,00",
        ],
        "\r\n",
    );
    let path = write_text(dir.path(), "streu.csv", &text, Enc::Utf8);
    let (txs, report) = read(&path, &threads(1));
    assert!(
        txs.iter()
            .all(|t| !t.name.as_deref().unwrap_or_default().contains('\n')),
        "a name holding other rows was accepted: {txs:?}"
    );
    assert_eq!(
        report.rejected.first().map(|r| r.line),
        Some(2),
        "{:?}",
        report.rejected
    );
}

fn wrapped_header_file(dir: &std::path::Path) -> std::path::PathBuf {
    let text = lines(
        &[
            "\"Kunden-\r\nnummer\";Belegdatum;\"Netto-\r\numsatz\"",
            "1;01.02.2024;1,00",
            "2;31.02.2024;1,00",
        ],
        "\r\n",
    );
    write_text(dir, "kopf.csv", &text, Enc::Utf8)
}

/// A header cell with a line break (Excel's wrapped column titles) takes two physical lines;
/// with the delimiter given, the columns are found and line numbers count both lines.
#[test]
fn header_with_a_line_break_counts_its_lines() {
    let dir = tempfile::tempdir().unwrap();
    let path = wrapped_header_file(dir.path());
    let options = kundenwert_ingest::ImportOptions {
        dialect: Some(kundenwert_ingest::Dialect::Delimited(b';')),
        ..threads(1)
    };
    let (txs, report) = read(&path, &options);
    assert_eq!(txs.len(), 1);
    assert_eq!(
        report.rejected[0].message(Lang::En),
        "Line 5, Belegdatum: '31.02.2024' is not a valid date (DD.MM.YYYY)"
    );
}

/// The same file without `--delimiter`: the delimiter must be detected from the header record,
/// not from its first physical line.
#[test]

fn header_with_a_line_break_is_sniffed() {
    let dir = tempfile::tempdir().unwrap();
    let path = wrapped_header_file(dir.path());
    let (txs, report) = read(&path, &threads(1));
    assert_eq!(report.files[0].delimiter.as_deref(), Some(";"));
    assert_eq!(txs.len(), 1);
}

/// See: issue 20. An amount of millions of digits used to become infinity (and the totals
/// `null`); a barcode in the amount column a sum that loses cents. Every number beyond a
/// trillion either way, and a quantity × price beyond it, is rejected with its line, column and
/// a reason that shows the value's start, not its millions of characters (the rejects file
/// keeps the row); the counts reconcile.
#[test]
fn implausible_amounts_are_rejected_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let huge = "9".repeat(5_000_000);
    let text = lines(
        &[
            "Kundennr.;Belegdatum;Menge;Einzelpreis",
            "1;01.02.2024;2;1,50",
            &format!("2;01.02.2024;1;{huge},00"),
            "3;01.02.2024;1;4006381333931",
            "4;01.02.2024;1;-1.000.000.000.000,01",
            "5;01.02.2024;1000000;2000000",
            "6;01.02.2024;1;1.000.000.000.000,00",
        ],
        "\n",
    );
    let path = write_text(dir.path(), "gross.csv", &text, Enc::Utf8);
    let (txs, report) = read(&path, &threads(1));
    assert_eq!(report.rows_read, 6);
    assert_eq!(report.rows_accepted, 2, "{:?}", report.rejected);
    assert_eq!(report.rows_rejected, 4);
    assert_eq!(
        txs.iter().map(|t| t.revenue).collect::<Vec<_>>(),
        [3.0, 1e12]
    );
    let got: Vec<(u64, Option<&str>, String)> = report
        .rejected
        .iter()
        .map(|r| (r.line, r.column.as_deref(), r.reason.message(Lang::En)))
        .collect();
    let beyond =
        "cannot be an amount: more than 1,000,000,000,000 (one trillion) either way; row skipped";
    assert_eq!(
        got,
        [
            (
                3,
                Some("Einzelpreis"),
                format!("'{}…' {beyond}", "9".repeat(40))
            ),
            (4, Some("Einzelpreis"), format!("'4006381333931' {beyond}")),
            (
                5,
                Some("Einzelpreis"),
                format!("'-1.000.000.000.000,01' {beyond}")
            ),
            (6, Some("Einzelpreis"), format!("'2000000000000' {beyond}")),
        ]
    );
    assert!(report.rejected[0]
        .reason
        .message(Lang::De)
        .contains("eine Billion"));
}
