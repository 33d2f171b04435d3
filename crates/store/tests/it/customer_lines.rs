//! One customer's invoice lines: read through an index that every import drops and a reader
//! builds again (see `SCHEMA.md`).

use kundenwert_store::{Store, StoredTransaction, Workspace};

use super::{date, import, meta, reader, row, varied_rows};

const INDEX: &str = "transactions_by_customer";

fn has_index(store: &Store) -> bool {
    super::index_names(store).iter().any(|n| n == INDEX)
}

#[test]
fn lines_are_the_customers_own_newest_first_and_counted() {
    let mut store = Store::open_in_memory().expect("open");
    let mut rows = vec![
        row("K1", date(2024, 3, 1), 30.0, Some(("R3", 0))),
        row("K2", date(2024, 5, 1), 99.0, Some(("R9", 0))),
        row("K1", date(2024, 1, 1), 10.0, Some(("R1", 0))),
        // Two lines of one day: the later stored comes first.
        row("K1", date(2024, 2, 1), 20.0, Some(("R2", 0))),
        row("K1", date(2024, 2, 1), 21.0, Some(("R2", 1))),
        // A customer number that differs only in case is another customer.
        row("k1", date(2024, 4, 1), 40.0, None),
    ];
    rows[0].quantity = Some(2.5);
    import(&mut store, &meta("a.csv", "h1", 6), rows);
    // Before the index is built: no answer (a scan of the whole table would be the only way).
    assert_eq!(store.customer_lines("K1", 10).expect("read"), None);
    assert!(store.index_customer_lines().expect("index"));
    assert!(!store.index_customer_lines().expect("index"), "built once");
    let found = store
        .customer_lines("K1", 10)
        .expect("read")
        .expect("index");
    assert_eq!(found.total, 4);
    let revenues: Vec<f64> = found.lines.iter().map(|l| l.revenue).collect();
    assert_eq!(revenues, vec![30.0, 21.0, 20.0, 10.0]);
    let first: &StoredTransaction = &found.lines[0];
    assert_eq!(first.customer, "K1");
    assert_eq!(first.date, date(2024, 3, 1));
    assert_eq!(first.document.as_deref(), Some("R3"));
    assert_eq!(first.position, Some(0));
    assert_eq!(first.quantity, Some(2.5));
    assert_eq!(first.cost, Some(18.0));
    assert_eq!(first.product.as_deref(), Some("A-1"));
    assert_eq!(first.name.as_deref(), Some("Kunde K1"));
    // A limit keeps the newest; the total stays.
    let two = store.customer_lines("K1", 2).expect("read").expect("index");
    assert_eq!((two.lines.len(), two.total), (2, 4));
    assert_eq!(two.lines, found.lines[..2]);
    let other = store
        .customer_lines("k1", 10)
        .expect("read")
        .expect("index");
    assert_eq!(other.total, 1);
    let none = store
        .customer_lines("nobody", 10)
        .expect("read")
        .expect("index");
    assert_eq!((none.lines.len(), none.total), (0, 0));
}

#[test]
fn every_import_drops_the_index_and_a_failed_one_keeps_it() {
    let mut store = Store::open_in_memory().expect("open");
    import(
        &mut store,
        &meta("a.csv", "h1", 1),
        vec![row("K1", date(2024, 1, 1), 1.0, None)],
    );
    store.index_customer_lines().expect("index");
    // A failed import of either kind rolls the drop back with everything else.
    let failing = vec![
        row("K1", date(2024, 1, 2), 1.0, None),
        row("K1", date(2024, 1, 3), f64::INFINITY, None),
    ];
    store
        .import_file(&meta("b.csv", "h2", 2), &mut failing.into_iter())
        .expect_err("infinite revenue");
    assert!(has_index(&store));
    let mut bad = row("K1", date(2024, 1, 4), 1.0, None);
    bad.revenue = f64::NAN;
    store
        .import_streamed(vec![kundenwert_store::StreamedFile {
            path: "nan.csv".into(),
            content_hash: "h3".into(),
            read: reader(vec![bad]),
        }])
        .expect_err("a non-finite amount");
    assert!(has_index(&store));
    assert_eq!(
        store
            .customer_lines("K1", 10)
            .expect("read")
            .expect("index")
            .total,
        1
    );
    // Each import path that lands drops it.
    import(
        &mut store,
        &meta("c.csv", "h4", 1),
        vec![row("K1", date(2024, 2, 1), 2.0, None)],
    );
    assert!(!has_index(&store));
    store.index_customer_lines().expect("index");
    store
        .import_streamed(vec![kundenwert_store::StreamedFile {
            path: "d.csv".into(),
            content_hash: "h5".into(),
            read: reader(varied_rows(20, 7)),
        }])
        .expect("streamed import");
    assert!(!has_index(&store));
    store.index_customer_lines().expect("index");
    store
        .import_files(&mut std::iter::once((
            meta("e.csv", "h6", 1),
            vec![row("K1", date(2024, 3, 1), 3.0, None)],
        )))
        .expect("import files");
    assert!(!has_index(&store));
    store.index_customer_lines().expect("index");
    // What a scan of the whole table finds.
    let mut scanned = 0u64;
    store
        .for_each_transaction(&mut |t| scanned += u64::from(t.customer == "K1"))
        .expect("scan");
    let lines = store
        .customer_lines("K1", 1_000)
        .expect("read")
        .expect("index");
    assert_eq!(lines.total, scanned);
    assert_eq!(lines.lines.len() as u64, scanned);
    assert!(lines.lines.windows(2).all(|w| w[0].date >= w[1].date));
}
