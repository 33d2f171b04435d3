//! Property: random rows written by the fixture generator in a random dialect read back as
//! exactly the same transactions.

use chrono::NaiveDate;
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

use crate::fixtures::{
    Col, Currency, DateFmt, Delim, Dialect, Enc, Grouping, Headers, Minus, NumberFormat, Row,
};
use crate::{cents, read, threads};

fn dialect() -> impl Strategy<Value = Dialect> {
    let shape = (
        prop::sample::select(Delim::ALL.to_vec()),
        prop::sample::select(Enc::ALL.to_vec()),
        any::<bool>(),
        prop::sample::select(DateFmt::ALL.to_vec()),
        any::<bool>(),
        any::<bool>(),
    );
    let numbers = (
        any::<bool>(),
        prop::sample::select(vec![
            Grouping::None,
            Grouping::Separator,
            Grouping::Space,
            Grouping::NoBreakSpace,
        ]),
        prop::sample::select(vec![Minus::Leading, Minus::Trailing]),
        prop::sample::select(vec![
            Currency::None,
            Currency::EuroSuffix,
            Currency::EurPrefix,
        ]),
    );
    let columns = (
        Just(Col::ALL.to_vec()).prop_shuffle(),
        prop::collection::vec(any::<bool>(), 8),
    );
    (shape, numbers, columns).prop_map(
        |(
            (delim, enc, crlf, dates, german, quote_text),
            (decimal_comma, grouping, minus, currency),
            (order, keep),
        )| {
            let required = [Col::Customer, Col::Date, Col::Revenue];
            let columns = order
                .into_iter()
                .zip(keep)
                .filter(|(c, k)| *k || required.contains(c))
                .map(|(c, _)| c)
                .collect();
            let mut d = Dialect {
                delim,
                enc,
                crlf,
                numbers: NumberFormat {
                    decimal_comma,
                    grouping,
                    minus,
                    currency,
                },
                dates,
                headers: if german {
                    Headers::German
                } else {
                    Headers::English
                },
                columns,
                quote_text,
            };
            if delim == Delim::Aligned {
                // Aligned columns cannot hold spaces.
                if matches!(d.numbers.grouping, Grouping::Space | Grouping::NoBreakSpace) {
                    d.numbers.grouping = Grouping::None;
                }
                d.numbers.currency = Currency::None;
                if d.dates == DateFmt::IsoTime {
                    d.dates = DateFmt::IsoT;
                }
            }
            d
        },
    )
}

fn text(pattern: &'static str) -> impl Strategy<Value = Option<String>> {
    prop::option::of(pattern)
        .prop_map(|s| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty()))
}

/// Names of German and other customers: words with umlauts and `ß`, quotes, delimiters,
/// random letters.
fn name() -> impl Strategy<Value = Option<String>> {
    let word = prop_oneof![
        prop::sample::select(vec![
            "Müller",
            "Bäckerei",
            "Groß",
            "Süß",
            "Straße",
            "Jörg",
            "Weiß",
            "Ärzte",
            "Zürich",
            "Lüdenscheid",
            "Hügel",
            "Söhne",
            "Übersee",
            "Ölmühle",
            "Café",
            "Gärtnerei",
            "GmbH",
            "KG",
            "AG",
            "e.K.",
            "& Co.",
            "\"Zur Post\"",
            "12\" Rohr",
            "Nord;Süd",
            "Hamm, Ost",
            "A|B",
            "O'Brien",
            "-",
        ])
        .prop_map(str::to_string),
        "[A-Za-z0-9]{1,8}",
    ];
    prop::option::of(prop::collection::vec(word, 1..4).prop_map(|w| w.join(" ")))
}

fn row() -> impl Strategy<Value = Row> {
    (
        "[0-9A-Z]{1,8}",
        name(),
        0i64..25_567, // days from 2000-01-01: up to 2069, as two-digit years read
        -100_000_000i64..100_000_000,
        prop::option::of(-100_000_000i64..100_000_000),
        prop::option::of(-50i64..1000),
        text("[A-Z0-9-]{1,8}"),
        text("[A-Z]{0,2}[0-9]{1,6}"),
    )
        .prop_map(
            |(customer, name, day, revenue, cost, quantity, product, document)| Row {
                customer,
                name,
                date: NaiveDate::from_ymd_opt(2000, 1, 1).unwrap() + chrono::Days::new(day as u64),
                revenue,
                cost,
                quantity,
                product,
                document,
            },
        )
}

/// What the import must make of a row in a dialect: (customer, name, date, revenue, cost,
/// quantity, product, document), amounts in cents.
type Key = (
    String,
    Option<String>,
    NaiveDate,
    i64,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<String>,
);

fn expected(row: &Row, d: &Dialect) -> Key {
    let has = |c: Col| d.columns.contains(&c);
    (
        row.customer.clone(),
        row.name.clone().filter(|_| has(Col::Name)),
        row.date,
        row.revenue,
        // An empty cost cell counts as zero.
        has(Col::Cost).then(|| row.cost.unwrap_or(0)),
        row.quantity.filter(|_| has(Col::Quantity)),
        row.product.clone().filter(|_| has(Col::Product)),
        row.document.clone().filter(|_| has(Col::Document)),
    )
}

/// Makes rows fit the dialect: aligned files need a value in every column and no spaces; US
/// dates need one day above 12 for the order to be decidable.
fn fit(mut rows: Vec<Row>, d: &Dialect) -> Vec<Row> {
    if d.delim == Delim::Aligned {
        for r in &mut rows {
            let fill = |v: &mut Option<String>, default: &str| {
                let s = v.take().unwrap_or_else(|| default.to_string());
                *v = Some(s.replace(' ', "_"));
            };
            fill(&mut r.name, "N");
            fill(&mut r.product, "P");
            fill(&mut r.document, "D");
            r.cost.get_or_insert(0);
            r.quantity.get_or_insert(1);
        }
    }
    if d.dates == DateFmt::UsSlash {
        let d0 = rows[0].date;
        rows[0].date = NaiveDate::from_ymd_opt(chrono::Datelike::year(&d0), 1, 20).unwrap();
    }
    rows
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 96,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/it/proptest-regressions/roundtrip.txt",
        ))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn rows_round_trip_in_any_dialect(
        d in dialect(),
        rows in prop::collection::vec(row(), 1..40),
        n in 1usize..4,
    ) {
        let rows = fit(rows, &d);
        let dir = tempfile::tempdir().unwrap();
        let path = d.write(dir.path(), "export.txt", &rows);
        let (txs, report) = read(&path, &threads(n));
        prop_assert_eq!(report.rows_rejected, 0, "{:?}\n{:?}", report.rejected, d.render(&rows));
        prop_assert_eq!(report.rows_read, rows.len() as u64);
        let mut want: Vec<Key> = rows.iter().map(|r| expected(r, &d)).collect();
        want.sort();
        let mut got: Vec<Key> = txs
            .iter()
            .map(|t| {
                (
                    t.customer.clone(),
                    t.name.clone(),
                    t.date,
                    cents(t.revenue),
                    t.cost.map(cents),
                    t.quantity.map(|q| q as i64),
                    t.product.clone(),
                    t.document.clone(),
                )
            })
            .collect();
        got.sort();
        prop_assert_eq!(got, want, "{}", d.render(&rows));
        let f = &report.files[0];
        prop_assert_eq!(f.delimiter.as_deref(), Some(d.delim.reported()));
        prop_assert_eq!(f.decimal.as_deref(), Some(if d.numbers.decimal_comma { "," } else { "." }));
        prop_assert_eq!(&f.date_format, d.dates.reported());
    }
}
