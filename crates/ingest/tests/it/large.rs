//! A file of several 4 MiB read blocks: CRLF, quoted names with line breaks (one of them across
//! the first block boundary), blank lines, rejected rows planted deep in the file. Line numbers
//! must be exact and totals equal what the generator computed while writing.

use kundenwert_core::Lang;

use crate::fixtures::{amount, encode, Enc, NumberFormat};
use crate::{read, sorted, threads};

/// Size of one raw read of the import (`decode::BLOCK`).
const BLOCK: usize = 4 << 20;

struct Big {
    text: String,
    line: u64,
    rows: u64,
    blank: u64,
    accepted: u64,
    revenue_cents: i64,
    customers: std::collections::BTreeSet<String>,
    /// (line, English message)
    rejected: Vec<(u64, String)>,
    /// Line of the record that spans the first block boundary.
    straddle_line: u64,
}

impl Big {
    fn push(&mut self, record: &str) -> u64 {
        let at = self.line;
        self.text.push_str(record);
        self.text.push_str("\r\n");
        self.line += 1 + record.matches('\n').count() as u64;
        at
    }

    fn good(&mut self, i: u64, name: &str) {
        let cents = ((i * 104_729) % 500_000) as i64 - 50_000;
        let customer = format!("{:06}", (i * 31) % 20_011);
        let day = 1 + i % 28;
        let month = 1 + (i / 28) % 12;
        let name = if name.contains(['\n', ';', '"']) {
            format!("\"{}\"", name.replace('"', "\"\""))
        } else {
            name.to_string()
        };
        self.push(&format!(
            "{i};{customer};{name};{day:02}.{month:02}.2023;{}",
            amount(cents, NumberFormat::GERMAN)
        ));
        self.rows += 1;
        self.accepted += 1;
        self.revenue_cents += cents;
        self.customers.insert(customer);
    }

    fn bad(&mut self, record: &str, en: &str) {
        let at = self.push(record);
        self.rows += 1;
        self.rejected
            .push((at, en.replace("{line}", &at.to_string())));
    }
}

fn big_export() -> Big {
    let mut b = Big {
        text: String::with_capacity(12 << 20),
        line: 1,
        rows: 0,
        blank: 0,
        accepted: 0,
        revenue_cents: 0,
        customers: Default::default(),
        rejected: Vec::new(),
        straddle_line: 0,
    };
    b.push("Belegnummer;Kundennr.;Kundenname;Belegdatum;Nettoumsatz");
    let mut straddled = false;
    let mut after_straddle = false;
    for i in 0..200_000u64 {
        // Umlauts only far past the first block: a Windows-1252 reader must decide then.
        let umlauts = b.text.len() > BLOCK + BLOCK / 4;
        if !straddled && b.text.len() > BLOCK - 200 {
            straddled = true;
            let long = format!(
                "Lange\nAdresse {}\nZeile drei \"zitiert\"\n{}",
                "x".repeat(150),
                "y".repeat(200)
            );
            let at = b.line;
            b.good(i, &long);
            b.straddle_line = at;
            assert!(
                b.text.len() > BLOCK + 100,
                "the record spans the block boundary"
            );
            after_straddle = true;
            continue;
        }
        if after_straddle {
            after_straddle = false;
            b.bad(
                &format!("{i};000001;Nach der Grenze;02.01.2023;n/a"),
                "Line {line}, Nettoumsatz: 'n/a' is not a number (format 1.234,56)",
            );
            continue;
        }
        match i {
            1_000 => b.bad(
                "1000;000002;Frueh;29.02.2023;1,00",
                "Line {line}, Belegdatum: '29.02.2023' is not a valid date (DD.MM.YYYY)",
            ),
            150_000 => b.bad(
                "150000;;Tief;03.01.2023;1,00",
                "Line {line}: customer number missing; row skipped",
            ),
            199_998 => b.bad(
                "199998;000003;\"Ganz\nam Ende\";00.01.2023;1,00",
                "Line {line}, Belegdatum: '00.01.2023' is not a valid date (DD.MM.YYYY)",
            ),
            _ if i % 1_000 == 500 => {
                b.push("");
                b.blank += 1;
                b.good(i, "Nach Leerzeile");
            }
            _ => {
                let name = match (i % 10, umlauts) {
                    (3, false) => format!("Kunde {i}\nzweite Zeile"),
                    (3, true) => format!("Müller-Lüdenscheidt {i}\nÖl & Söhne"),
                    (7, _) => format!("Firma \"{i}\"; GmbH"),
                    (_, true) => format!("Bäckerei Groß {i}"),
                    (_, false) => format!("Kunde {i}"),
                };
                b.good(i, &name);
            }
        }
    }
    b
}

#[test]
fn large_file_line_numbers_and_totals() {
    let b = big_export();
    assert!(b.text.len() > 2 * BLOCK, "several read blocks");
    let dir = tempfile::tempdir().unwrap();
    let mut previous: Option<Vec<crate::Tx>> = None;
    for (enc, n) in [(Enc::Utf8, 2), (Enc::Windows1252, 1), (Enc::Utf8, 4)] {
        let path = dir.path().join(format!("big-{enc:?}.csv"));
        std::fs::write(&path, encode(&b.text, enc)).unwrap();
        let (txs, report) = read(&path, &threads(n));
        let case = format!("{enc:?} threads={n}");
        assert_eq!(report.files[0].encoding, enc.reported(), "{case}");
        assert_eq!(report.rows_read, b.rows, "{case}");
        assert_eq!(report.rows_accepted, b.accepted, "{case}");
        assert_eq!(report.blank_lines, b.blank, "{case}");
        let got: Vec<(u64, String)> = report
            .rejected
            .iter()
            .map(|r| (r.line, r.message(Lang::En)))
            .collect();
        assert_eq!(got, b.rejected, "{case}");
        assert_eq!(
            txs.iter().map(|t| t.revenue_cents()).sum::<i64>(),
            b.revenue_cents,
            "{case}"
        );
        let customers: std::collections::BTreeSet<String> =
            txs.iter().map(|t| t.customer.clone()).collect();
        assert_eq!(customers, b.customers, "{case}");
        let straddle = txs
            .iter()
            .find(|t| {
                t.name
                    .as_deref()
                    .is_some_and(|n| n.starts_with("Lange\nAdresse"))
            })
            .expect("the record across the block boundary");
        assert!(
            straddle
                .name
                .as_deref()
                .unwrap()
                .ends_with(&"y".repeat(200)),
            "{case}"
        );
        assert!(
            txs.iter()
                .any(|t| t.name.as_deref() == Some("Müller-Lüdenscheidt 199993\nÖl & Söhne")),
            "{case}: umlauts past the first block"
        );
        let txs = sorted(txs);
        if let Some(prev) = &previous {
            assert!(prev == &txs, "{case}: same rows as the previous reading");
        }
        previous = Some(txs);
    }
    assert!(b.straddle_line > 50_000);
}
