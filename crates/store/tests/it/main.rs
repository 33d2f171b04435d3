//! Integration tests of the SQLite workspace store (one test binary, see the style guide).

use std::time::Instant;

use chrono::NaiveDate;
use kundenwert_core::Lang;
use kundenwert_store::{
    ImportMeta, InvalidRowReason, Store, StoreError, StoredTransaction, Workspace, MIGRATIONS,
    SCHEMA_VERSION,
};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
}

fn row(customer: &str, d: NaiveDate, revenue: f64, doc: Option<(&str, u32)>) -> StoredTransaction {
    StoredTransaction {
        customer: customer.into(),
        name: Some(format!("Kunde {customer}")),
        date: d,
        revenue,
        cost: Some(revenue * 0.6),
        quantity: Some(1.0),
        product: Some("A-1".into()),
        document: doc.map(|(d, _)| d.to_owned()),
        position: doc.map(|(_, p)| p),
    }
}

fn meta(path: &str, hash: &str, rows: u64) -> ImportMeta {
    ImportMeta {
        path: path.into(),
        content_hash: hash.into(),
        rows_read: rows,
        rows_rejected: 0,
    }
}

fn import(
    store: &mut Store,
    m: &ImportMeta,
    rows: Vec<StoredTransaction>,
) -> kundenwert_store::ImportOutcome {
    store
        .import_file(m, &mut rows.into_iter())
        .expect("import succeeds")
}

/// Everything stored, as owned rows in streaming order, with the sum of revenue.
fn dump(store: &Store) -> Vec<(String, NaiveDate, f64, Option<String>)> {
    let mut out = Vec::new();
    let n = store
        .for_each_transaction(&mut |t| {
            out.push((
                t.customer.to_owned(),
                t.date,
                t.revenue,
                t.document.map(str::to_owned),
            ));
        })
        .expect("stream");
    assert_eq!(n as usize, out.len());
    out
}

fn temp_store() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("workspace.kundenwert");
    (dir, path)
}

#[test]
fn open_creates_file_with_wal_and_foreign_keys() {
    let (_dir, path) = temp_store();
    assert!(!path.exists());
    let store = Store::open(&path).expect("open");
    assert!(path.exists());
    let conn = store.connection();
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .expect("pragma");
    assert_eq!(mode, "wal");
    let fk: i64 = conn
        .pragma_query_value(None, "foreign_keys", |r| r.get(0))
        .expect("pragma");
    assert_eq!(fk, 1);
    // Foreign keys are enforced, not only switched on: a line of an unknown import is refused.
    let err = conn.execute(
        "INSERT INTO transactions (import_id, customer, date, revenue) VALUES (4711, 'K1', '2024-01-01', 1.0)",
        [],
    );
    assert!(err.is_err(), "FK violation must fail");
}

#[test]
fn migrations_are_idempotent() {
    let (_dir, path) = temp_store();
    {
        let mut store = Store::open(&path).expect("first open");
        assert_eq!(store.schema_version().expect("version"), SCHEMA_VERSION);
        store.put_plan("p", "{\"plan\":\"p\"}").expect("put");
    }
    let store = Store::open(&path).expect("second open");
    assert_eq!(store.schema_version().expect("version"), SCHEMA_VERSION);
    assert_eq!(
        store.get_plan("p").expect("get").as_deref(),
        Some("{\"plan\":\"p\"}")
    );
    let tables: i64 = store
        .connection()
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table' \
             AND name NOT LIKE 'analysis_customers_search_%'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(
        tables, 16,
        "imports, transactions, chains, plans, saved_selections, settings, data_version, \
         analysis_run, analysis_customers, analysis_customers_search (without its FTS5 tables), \
         users, sessions, api_tokens, audit_log, saved_views and AUTOINCREMENT's sqlite_sequence"
    );
}

#[test]
fn newer_schema_is_refused_with_a_clear_message() {
    let (_dir, path) = temp_store();
    {
        let store = Store::open(&path).expect("open");
        store
            .connection()
            .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .expect("bump");
    }
    let err = Store::open(&path).expect_err("newer schema must fail");
    assert!(
        matches!(err, StoreError::SchemaTooNew { found, known, .. } if found == SCHEMA_VERSION + 1 && known == SCHEMA_VERSION),
        "{err:?}"
    );
    let (de, hint) = err.localized(Lang::De);
    assert!(de.contains("Schema-Version"), "{de}");
    assert!(hint.expect("hint").contains("aktualisieren"));
    assert!(err.localized(Lang::En).0.contains("schema version"));
}

/// FNV-1a, 64 bit: enough to notice an edited file; no cryptographic strength is needed.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[test]
fn migrations_are_never_edited() {
    // One line per landed migration. Add a line for a new file; never change an existing one.
    let landed: &[(&str, u64)] = &[
        ("0001_init.sql", 0x4b5c_b5c4_a197_f7c9),
        ("0002_drop_read_indexes.sql", 0xa846_77f1_1ec1_148c),
        ("0003_settings_and_results.sql", 0x7bb2_7824_e440_a6b2),
        ("0004_accounts.sql", 0x71ae_dc9b_9409_3985),
        ("0005_customer_list_indexes.sql", 0xcb62_90fe_83dc_7690),
    ];
    assert_eq!(
        MIGRATIONS.len(),
        landed.len(),
        "a new migration needs its hash pinned here"
    );
    for ((name, sql), (pinned_name, pinned)) in MIGRATIONS.iter().zip(landed) {
        assert_eq!(name, pinned_name);
        assert_eq!(
            fnv1a(sql.as_bytes()),
            *pinned,
            "{name} was edited after it landed; add a new migration instead"
        );
    }
}

#[test]
fn import_twice_adds_nothing() {
    let mut store = Store::open_in_memory().expect("open");
    let rows = vec![
        row("K2", date(2024, 3, 1), 100.0, Some(("R1", 0))),
        row("K1", date(2024, 2, 1), 50.0, None),
    ];
    let first = import(&mut store, &meta("a.csv", "h1", 2), rows.clone());
    assert_eq!(
        (
            first.inserted,
            first.duplicates_skipped,
            first.already_imported
        ),
        (2, 0, false)
    );
    let second = import(&mut store, &meta("a-copy.csv", "h1", 2), rows);
    assert!(second.already_imported);
    assert_eq!(second.import_id, first.import_id);
    assert_eq!((second.inserted, second.duplicates_skipped), (0, 0));
    assert_eq!(store.transaction_count().expect("count"), 2);
    let imports = store.imports().expect("imports");
    assert_eq!(imports.len(), 1);
    assert_eq!(imports[0].path, "a.csv");
    assert_eq!(imports[0].inserted, 2);
    assert_eq!(imports[0].imported_at.len(), "2024-01-01T00:00:00Z".len());
}

#[test]
fn overlapping_reexport_skips_lines_already_stored() {
    let mut store = Store::open_in_memory().expect("open");
    // January export: invoices R1 (two lines) and R2.
    let january = vec![
        row("K1", date(2024, 1, 5), 100.0, Some(("R1", 0))),
        row("K1", date(2024, 1, 5), 20.0, Some(("R1", 1))),
        row("K2", date(2024, 1, 20), 70.0, Some(("R2", 0))),
    ];
    // January–February export repeats R1 and R2 and adds R3; lines without a document are
    // always stored because they cannot be recognised.
    let jan_feb = vec![
        row("K1", date(2024, 1, 5), 100.0, Some(("R1", 0))),
        row("K1", date(2024, 1, 5), 20.0, Some(("R1", 1))),
        row("K2", date(2024, 1, 20), 70.0, Some(("R2", 0))),
        row("K2", date(2024, 2, 3), 40.0, Some(("R3", 0))),
        row("K3", date(2024, 2, 9), 5.0, None),
    ];
    import(&mut store, &meta("jan.csv", "h-jan", 3), january);
    let out = import(&mut store, &meta("jan-feb.csv", "h-janfeb", 5), jan_feb);
    assert_eq!((out.inserted, out.duplicates_skipped), (2, 3));
    let rows = dump(&store);
    let total: f64 = rows.iter().map(|r| r.2).sum();
    assert_eq!(total, 235.0, "100 + 20 + 70 + 40 + 5, each line once");
    assert_eq!(store.imports().expect("imports")[1].duplicates_skipped, 3);
}

#[test]
fn failed_import_changes_nothing() {
    let mut store = Store::open_in_memory().expect("open");
    import(
        &mut store,
        &meta("ok.csv", "h-ok", 1),
        vec![row("K1", date(2024, 1, 1), 1.0, Some(("R0", 0)))],
    );
    let before = dump(&store);
    let mut bad = vec![
        row("K1", date(2024, 1, 2), 10.0, Some(("R1", 0))),
        row("K2", date(2024, 1, 3), 11.0, Some(("R2", 0))),
        row("K3", date(2024, 1, 4), f64::NAN, Some(("R3", 0))),
        row("K4", date(2024, 1, 5), 12.0, Some(("R4", 0))),
    ];
    let err = store
        .import_file(&meta("bad.csv", "h-bad", 4), &mut bad.clone().into_iter())
        .expect_err("NaN must fail");
    assert!(
        matches!(
            err,
            StoreError::InvalidRow {
                row: 3,
                reason: InvalidRowReason::NotFinite,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err
        .localized(Lang::De)
        .0
        .contains("nichts wurde importiert"));
    assert_eq!(dump(&store), before);
    assert_eq!(
        store.imports().expect("imports").len(),
        1,
        "no import record either"
    );
    // The hash was not taken by the failed attempt: the corrected file imports in full.
    bad[2].revenue = 13.0;
    bad[2].cost = Some(7.0);
    let out = import(&mut store, &meta("bad.csv", "h-bad", 4), bad);
    assert_eq!(out.inserted, 4);
}

#[test]
fn several_files_are_stored_all_or_none() {
    let mut store = Store::open_in_memory().expect("open");
    let before = dump(&store);
    let good = vec![row("K1", date(2024, 1, 1), 1.0, Some(("R1", 0)))];
    let bad = vec![row("K2", date(2024, 1, 2), f64::NAN, Some(("R2", 0)))];
    let err = store
        .import_files(
            &mut vec![
                (meta("good.csv", "h-good", 1), good.clone()),
                (meta("bad.csv", "h-bad", 1), bad),
            ]
            .into_iter(),
        )
        .expect_err("the second file fails");
    assert!(matches!(err, StoreError::InvalidRow { .. }), "{err:?}");
    assert_eq!(dump(&store), before, "the good file was rolled back too");
    assert!(store.imports().expect("imports").is_empty());
    // Together with a fine second file both are stored; the same content twice in one call
    // counts as already imported.
    let out = store
        .import_files(
            &mut vec![
                (meta("good.csv", "h-good", 1), good.clone()),
                (meta("copy.csv", "h-good", 1), good),
            ]
            .into_iter(),
        )
        .expect("stored");
    assert_eq!(out[0].inserted, 1);
    assert!(out[1].already_imported);
    assert_eq!(store.transaction_count().expect("count"), 1);
}

#[test]
fn empty_customer_and_far_dates_are_refused() {
    let mut store = Store::open_in_memory().expect("open");
    let mut r = row("", date(2024, 1, 1), 1.0, None);
    let err = store
        .import_file(&meta("x", "h", 1), &mut std::iter::once(r.clone()))
        .expect_err("empty customer");
    assert!(matches!(
        err,
        StoreError::InvalidRow {
            reason: InvalidRowReason::EmptyCustomer,
            ..
        }
    ));
    r.customer = "K".into();
    r.date = date(12_000, 1, 1);
    let err = store
        .import_file(&meta("x", "h", 1), &mut std::iter::once(r))
        .expect_err("far date");
    assert!(matches!(
        err,
        StoreError::InvalidRow {
            reason: InvalidRowReason::DateOutOfRange,
            ..
        }
    ));
    assert_eq!(store.transaction_count().expect("count"), 0);
}

#[test]
fn streams_in_stored_order_with_all_fields() {
    let mut store = Store::open_in_memory().expect("open");
    let mut full = row("10007", date(2023, 12, 31), -25.5, Some(("GS-9", 2)));
    full.name = Some("Müller \"Maschinenbau\" GmbH".into());
    full.cost = None;
    full.quantity = Some(-1.5);
    let rows = vec![
        row("20001", date(2024, 1, 1), 1.0, None),
        row("10007", date(2024, 5, 1), 2.0, None),
        full.clone(),
        row("10007", date(2024, 1, 1), 3.0, None),
    ];
    import(&mut store, &meta("a", "h", 4), rows);
    let order: Vec<(String, NaiveDate)> = dump(&store).into_iter().map(|r| (r.0, r.1)).collect();
    assert_eq!(
        order,
        vec![
            ("20001".into(), date(2024, 1, 1)),
            ("10007".into(), date(2024, 5, 1)),
            ("10007".into(), date(2023, 12, 31)),
            ("10007".into(), date(2024, 1, 1)),
        ]
    );
    let mut third = None;
    let mut seen = 0;
    store
        .for_each_transaction(&mut |t| {
            seen += 1;
            if seen == 3 {
                third = Some(StoredTransaction::from_transaction(&t, Some(2)));
            }
        })
        .expect("stream");
    assert_eq!(third, Some(full));
}

#[test]
fn documents_round_trip_with_umlauts_and_quotes() {
    let (_dir, path) = temp_store();
    let chain = r#"{"chain":"Hydraulikzylinder für Landmaschinen","subject":"product","actors":[{"id":"wir","name":"Müller \"&\" Söhne <GmbH>\n","success_factors":["Preis","Liefertreue ß€"]}]}"#;
    let plan = r#"{"plan":"Wachstum 2025 – Süd","notes":"„Zitat“ 'einfach' \\ backslash"}"#;
    {
        let mut store = Store::open(&path).expect("open");
        store
            .put_chain("Hydraulik für Landmaschinen", chain)
            .expect("put chain");
        store.put_plan("Wachstum „Süd“", plan).expect("put plan");
        store
            .put_selection("Wachstum groß", "type=growth and name ~ \"Müller\"")
            .expect("put selection");
    }
    let mut store = Store::open(&path).expect("reopen");
    assert_eq!(
        store
            .get_chain("Hydraulik für Landmaschinen")
            .expect("get")
            .as_deref(),
        Some(chain)
    );
    assert_eq!(
        store.get_plan("Wachstum „Süd“").expect("get").as_deref(),
        Some(plan)
    );
    assert_eq!(
        store
            .get_selection("Wachstum groß")
            .expect("get")
            .as_deref(),
        Some("type=growth and name ~ \"Müller\"")
    );
    let chains = store.list_chains().expect("list");
    assert_eq!(chains.len(), 1);
    assert_eq!(chains[0].subject.as_deref(), Some("product"));
    // Replacing keeps one row and follows the new subject.
    store
        .put_chain(
            "Hydraulik für Landmaschinen",
            r#"{"chain":"x","subject":"service"}"#,
        )
        .expect("replace");
    let chains = store.list_chains().expect("list");
    assert_eq!(chains.len(), 1);
    assert_eq!(chains[0].subject.as_deref(), Some("service"));
    assert!(chains[0].updated_at >= chains[0].created_at);
    assert_eq!(store.list_plans().expect("list")[0].name, "Wachstum „Süd“");
    assert!(store.delete_plan("Wachstum „Süd“").expect("delete"));
    assert!(!store.delete_plan("Wachstum „Süd“").expect("delete again"));
    assert_eq!(store.get_plan("Wachstum „Süd“").expect("get"), None);
    assert!(store
        .delete_chain("Hydraulik für Landmaschinen")
        .expect("delete"));
    assert!(store.list_chains().expect("list").is_empty());
    assert!(store.delete_selection("Wachstum groß").expect("delete"));
    assert!(store.list_selections().expect("list").is_empty());
}

#[test]
fn non_json_documents_are_refused() {
    let mut store = Store::open_in_memory().expect("open");
    let err = store
        .put_chain("k", "chain: yaml is not json")
        .expect_err("not json");
    assert!(
        matches!(err, StoreError::InvalidDocument { kind: "chain", .. }),
        "{err:?}"
    );
    assert!(err.localized(Lang::De).0.starts_with("Kette `k`"));
    assert!(store.list_chains().expect("list").is_empty());
}

#[test]
fn works_through_a_trait_object() {
    let mut boxed: Box<dyn Workspace> = Box::new(Store::open_in_memory().expect("open"));
    let out = boxed
        .import_file(
            &meta("a", "h", 1),
            &mut std::iter::once(row("K", date(2024, 1, 1), 1.0, None)),
        )
        .expect("import");
    assert_eq!(out.inserted, 1);
    assert_eq!(boxed.transaction_count().expect("count"), 1);
}

/// Measures the import of one million rows into a file-backed workspace. Not part of the normal
/// run (it writes ~100 MB); run with
/// `cargo test -p kundenwert-store --test it -- --ignored --nocapture import_speed`.
#[test]
#[ignore = "measurement, writes ~100 MB"]
fn import_speed_one_million_rows() {
    let (_dir, path) = temp_store();
    let mut store = Store::open(&path).expect("open");
    const N: u32 = 1_000_000;
    // Rows are made first so the figure is the store's alone, not the generator's.
    let start = Instant::now();
    let rows: Vec<StoredTransaction> = (0..N)
        .map(|i| StoredTransaction {
            customer: format!("{:05}", i % 5_000),
            name: None,
            date: date(2020, 1, 1) + chrono::Days::new(u64::from(i % 1_800)),
            revenue: f64::from(i % 997) * 1.25,
            cost: Some(f64::from(i % 997)),
            quantity: Some(f64::from(i % 7 + 1)),
            product: Some(format!("P{}", i % 300)),
            document: Some(format!("R{}", i / 4)),
            position: Some(i % 4),
        })
        .collect();
    let make_secs = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let out = store
        .import_file(&meta("big.csv", "big", u64::from(N)), &mut rows.into_iter())
        .expect("import");
    let import_secs = start.elapsed().as_secs_f64();
    assert_eq!(out.inserted, u64::from(N));
    let start = Instant::now();
    let mut sum = 0.0;
    let n = store
        .for_each_transaction(&mut |t| sum += t.revenue)
        .expect("stream");
    let stream_secs = start.elapsed().as_secs_f64();
    assert_eq!(n, u64::from(N));
    // A re-export overlapping by half: 200 000 lines of which the first 100 000 are stored
    // already. The workspace is larger than the file, so this takes the row-by-row index path.
    let again: Vec<StoredTransaction> = (N - 100_000..N + 100_000)
        .map(|i| StoredTransaction {
            customer: format!("{:05}", i % 5_000),
            name: None,
            date: date(2020, 1, 1) + chrono::Days::new(u64::from(i % 1_800)),
            revenue: 1.0,
            cost: None,
            quantity: None,
            product: None,
            document: Some(format!("R{}", i / 4)),
            position: Some(i % 4),
        })
        .collect();
    let start = Instant::now();
    let out = store
        .import_file(&meta("again.csv", "again", 200_000), &mut again.into_iter())
        .expect("import");
    let again_secs = start.elapsed().as_secs_f64();
    assert_eq!((out.inserted, out.duplicates_skipped), (100_000, 100_000));
    println!(
        "rows made in {make_secs:.2} s; import: {N} rows in {import_secs:.2} s ({:.0} rows/s); stream: {stream_secs:.2} s; overlapping 200k re-export: {again_secs:.2} s",
        f64::from(N) / import_secs
    );
}

fn index_names(store: &Store) -> Vec<String> {
    let mut stmt = store
        .connection()
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'transactions' ORDER BY name")
        .expect("prepare");
    let names = stmt
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<Vec<String>, _>>()
        .expect("rows");
    names
}

#[test]
fn only_the_dedup_index_is_kept_and_a_failed_import_keeps_it() {
    let mut store = Store::open_in_memory().expect("open");
    // Migration 2 dropped the read indexes nothing read through (see SCHEMA.md); the index of
    // a customer's lines is built by readers after an import (`customer_lines.rs`).
    let want = vec!["transactions_document_position".to_owned()];
    assert_eq!(index_names(&store), want);
    import(
        &mut store,
        &meta("a", "h1", 3),
        vec![
            row("K2", date(2024, 1, 1), 1.0, None),
            row("K1", date(2024, 1, 2), 2.0, None),
            row("K1", date(2024, 1, 1), 3.0, None),
        ],
    );
    assert_eq!(index_names(&store), want);
    let failing = vec![
        row("K3", date(2024, 1, 1), 1.0, None),
        row("K3", date(2024, 1, 1), f64::INFINITY, None),
    ];
    store
        .import_file(&meta("b", "h2", 100), &mut failing.into_iter())
        .expect_err("infinite revenue");
    assert_eq!(index_names(&store), want);
    // Reading streams in stored order (a sequential scan).
    let order: Vec<f64> = dump(&store).into_iter().map(|r| r.2).collect();
    assert_eq!(order, vec![1.0, 2.0, 3.0]);
}

#[test]
fn opening_to_read_does_not_wait_for_a_writer() {
    let (_dir, path) = temp_store();
    let mut writer = Store::open(&path).expect("open");
    import(
        &mut writer,
        &meta("a", "h", 1),
        vec![row("K", date(2024, 1, 1), 1.0, None)],
    );
    // Another process is in the middle of an import: it holds the write lock.
    writer
        .connection()
        .execute_batch("BEGIN IMMEDIATE")
        .expect("lock");
    let start = Instant::now();
    let reader = Store::open(&path).expect("open while locked");
    assert_eq!(reader.transaction_count().expect("read"), 1);
    assert!(
        start.elapsed().as_secs() < 5,
        "must not wait for the busy timeout"
    );
    writer
        .connection()
        .execute_batch("ROLLBACK")
        .expect("unlock");
}

/// Rows with mixed documents, negative and equal amounts, missing cost and product, for the
/// streamed import: deterministic pseudo-random (xorshift).
fn varied_rows(n: usize, seed: u64) -> Vec<StoredTransaction> {
    let mut state = seed | 1;
    let mut next = move |m: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % m
    };
    (0..n)
        .map(|_| {
            let revenue = (next(2_000) as f64 - 500.0) / 4.0;
            let mut r = row(
                &format!("K{}", next(7)),
                date(2024, 1 + next(3) as u32, 1 + next(28) as u32),
                revenue,
                None,
            );
            r.document = (next(10) > 0).then(|| format!("RE-{}", next(40)));
            r.cost = (next(4) > 0).then(|| -(next(300) as f64) / 8.0);
            r.product = (next(3) > 0).then(|| format!("A-{}", next(5)));
            r.quantity = Some(next(3) as f64 - 1.0);
            r
        })
        .collect()
}

/// The numbering the streamed import must reproduce: each document's lines ranked by
/// (date, product, customer, revenue, cost, quantity), amounts by their bit patterns.
fn reference_positions(rows: &[StoredTransaction]) -> Vec<(String, u32, f64, Option<f64>)> {
    let mut sorted = rows.to_vec();
    sorted.sort_by_key(|t| {
        (
            t.document.clone(),
            t.date,
            t.product.clone(),
            t.customer.clone(),
            t.revenue.to_bits(),
            t.cost.map(f64::to_bits),
            t.quantity.map(f64::to_bits),
        )
    });
    let mut out = Vec::new();
    let mut rank = 0;
    for (i, t) in sorted.iter().enumerate() {
        if i > 0 && sorted[i - 1].document == t.document {
            rank += 1;
        } else {
            rank = 0;
        }
        if let Some(d) = &t.document {
            out.push((d.clone(), rank, t.revenue, t.cost));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    out
}

fn stored_positions(store: &Store) -> Vec<(String, u32, f64, Option<f64>)> {
    let mut stmt = store
        .connection()
        .prepare(
            "SELECT document, position, revenue, cost FROM transactions \
             WHERE document IS NOT NULL ORDER BY document, position",
        )
        .expect("prepare");
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}

/// A reader for `import_streamed` that delivers `rows` as attempt 1 after a dropped attempt 0
/// (as the file reader does when it reads a file again), in the order given.
fn reader(rows: Vec<StoredTransaction>) -> kundenwert_store::FileReader<'static> {
    Box::new(move |push| {
        for r in rows.iter().take(5) {
            push(0, r.clone()).ok()?;
        }
        let n = rows.len() as u64;
        for r in rows {
            push(1, r).ok()?;
        }
        Some(kundenwert_store::ReadOutcome {
            rows_read: n,
            rows_rejected: 0,
            attempts: vec![1],
        })
    })
}

#[test]
fn streamed_import_numbers_document_lines_by_content_and_keeps_only_the_final_attempt() {
    let rows = varied_rows(600, 7);
    let mut store = Store::open_in_memory().expect("open");
    let mut shuffled = rows.clone();
    shuffled.reverse();
    let outcome = store
        .import_streamed(vec![kundenwert_store::StreamedFile {
            path: "a.csv".into(),
            content_hash: "h1".into(),
            read: reader(shuffled),
        }])
        .expect("import");
    // Identical lines get consecutive ranks: every row is stored, none of attempt 0.
    assert_eq!(outcome[0].inserted, 600, "{outcome:?}");
    assert_eq!(store.transaction_count().expect("count"), 600);
    assert_eq!(stored_positions(&store), reference_positions(&rows));
    // The same lines in another order, in a later export: all recognised.
    let mut again = rows.clone();
    again.rotate_left(123);
    let outcome = store
        .import_streamed(vec![kundenwert_store::StreamedFile {
            path: "b.csv".into(),
            content_hash: "h2".into(),
            read: reader(again),
        }])
        .expect("import");
    let undocumented = rows.iter().filter(|r| r.document.is_none()).count() as u64;
    assert_eq!(outcome[0].inserted, undocumented, "{outcome:?}");
}

#[test]
fn a_failed_streamed_reading_or_row_leaves_the_workspace_unchanged() {
    let mut store = Store::open_in_memory().expect("open");
    import(
        &mut store,
        &meta("a", "h", 1),
        vec![row("K", date(2024, 1, 1), 1.0, None)],
    );
    let failing: kundenwert_store::FileReader<'static> = Box::new(|push| {
        push(0, row("K2", date(2024, 1, 1), 1.0, None)).ok()?;
        None
    });
    let err = store
        .import_streamed(vec![
            kundenwert_store::StreamedFile {
                path: "ok.csv".into(),
                content_hash: "h2".into(),
                read: reader(varied_rows(50, 3)),
            },
            kundenwert_store::StreamedFile {
                path: "broken.csv".into(),
                content_hash: "h3".into(),
                read: failing,
            },
        ])
        .expect_err("the second reading fails");
    assert!(matches!(err, StoreError::ReadFailed { .. }), "{err:?}");
    let mut bad = row("K3", date(2024, 1, 1), 1.0, None);
    bad.revenue = f64::NAN;
    let err = store
        .import_streamed(vec![kundenwert_store::StreamedFile {
            path: "nan.csv".into(),
            content_hash: "h4".into(),
            read: reader(vec![row("K4", date(2024, 1, 1), 1.0, None), bad]),
        }])
        .expect_err("a non-finite amount");
    assert!(
        matches!(
            err,
            StoreError::InvalidRow {
                reason: InvalidRowReason::NotFinite,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(store.transaction_count().expect("count"), 1);
    assert_eq!(store.imports().expect("imports").len(), 1);
}

#[test]
fn reading_in_parts_visits_every_row_once() {
    let (_dir, path) = temp_store();
    let mut store = Store::open(&path).expect("open");
    let rows = varied_rows(1_001, 11);
    import(&mut store, &meta("a", "h", 1_001), rows);
    let mut whole: Vec<(String, NaiveDate, u64)> = Vec::new();
    store
        .for_each_transaction(&mut |t| whole.push((t.customer.into(), t.date, t.revenue.to_bits())))
        .expect("stream");
    for n in [1, 2, 3, 7] {
        let mut seen: Vec<Vec<(String, NaiveDate, u64)>> = vec![Vec::new(); n];
        let mut pushes: Vec<_> = seen
            .iter_mut()
            .map(|v| {
                move |t: kundenwert_core::Transaction<'_>| {
                    v.push((t.customer.into(), t.date, t.revenue.to_bits()));
                }
            })
            .collect();
        let mut parts: Vec<&mut (dyn FnMut(kundenwert_core::Transaction<'_>) + Send)> = pushes
            .iter_mut()
            .map(|p| p as &mut (dyn FnMut(kundenwert_core::Transaction<'_>) + Send))
            .collect();
        let count = store
            .for_each_transaction_in_parts(&mut parts)
            .expect("parts");
        drop(parts);
        drop(pushes);
        assert_eq!(count, 1_001);
        if n > 1 {
            assert!(
                seen.iter().filter(|v| !v.is_empty()).count() > 1,
                "{n} parts read in one"
            );
        }
        // In stored order, part after part: exactly the rows of one whole reading.
        let joined: Vec<_> = seen.into_iter().flatten().collect();
        assert_eq!(joined, whole, "{n} parts");
    }
}

fn streamed_file(
    path: &str,
    hash: &str,
    read: kundenwert_store::FileReader<'static>,
) -> kundenwert_store::StreamedFile<'static> {
    kundenwert_store::StreamedFile {
        path: path.into(),
        content_hash: hash.into(),
        read,
    }
}

#[test]
fn documented_lines_sorted_in_many_spilled_runs_are_numbered_and_deduplicated_as_in_memory() {
    let rows = varied_rows(2_000, 19);
    let mut shuffled = rows.clone();
    shuffled.reverse();
    // Runs of about 200 bytes: a few rows each, so the merge reads from dozens of files.
    let (_dir, path) = temp_store();
    let mut store = Store::open(&path).expect("open");
    store.set_sort_run_bytes(200);
    let out = store
        .import_streamed(vec![streamed_file("a.csv", "h1", reader(shuffled))])
        .expect("import");
    assert_eq!((out[0].inserted, out[0].duplicates_skipped), (2_000, 0));
    assert_eq!(stored_positions(&store), reference_positions(&rows));
    // The same numbering as with everything in one run in memory.
    let mut one_run = Store::open_in_memory().expect("open");
    one_run
        .import_streamed(vec![streamed_file("a.csv", "h1", reader(rows.clone()))])
        .expect("import");
    assert_eq!(stored_positions(&one_run), stored_positions(&store));
    // An overlapping re-export: the first half of the lines again, plus 300 new ones, in
    // another order. Lines of documents already stored are skipped where their rank is taken;
    // the reference says which positions are new.
    let mut overlap: Vec<StoredTransaction> = rows[..1_000].to_vec();
    overlap.extend(varied_rows(300, 23));
    overlap.rotate_left(77);
    let before = stored_positions(&store);
    let out = store
        .import_streamed(vec![streamed_file("b.csv", "h2", reader(overlap.clone()))])
        .expect("import");
    let undocumented = overlap.iter().filter(|r| r.document.is_none()).count() as u64;
    let stored_keys: std::collections::HashSet<(String, u32)> =
        before.iter().map(|p| (p.0.clone(), p.1)).collect();
    let new_documented = reference_positions(&overlap)
        .into_iter()
        .filter(|p| !stored_keys.contains(&(p.0.clone(), p.1)))
        .count() as u64;
    assert_eq!(out[0].inserted, undocumented + new_documented, "{out:?}");
    assert_eq!(out[0].inserted + out[0].duplicates_skipped, 1_300);
    assert!(out[0].duplicates_skipped > 800, "{out:?}");
    let record = &store.imports().expect("imports")[1];
    assert_eq!(
        (record.inserted, record.duplicates_skipped, record.rows_read),
        (out[0].inserted, out[0].duplicates_skipped, 1_300)
    );
}

#[test]
fn a_second_reading_attempt_undoes_the_first_ones_rows() {
    let mut store = Store::open_in_memory().expect("open");
    store.set_sort_run_bytes(100);
    import(
        &mut store,
        &meta("old", "h0", 1),
        vec![row("K0", date(2023, 1, 1), 9.0, Some(("R0", 0)))],
    );
    // Attempt 3 stores 40 rows (documented ones spilled to runs), then the reader reads the
    // file again as attempt 4 with other values: only attempt 4's rows stand.
    let first = varied_rows(40, 5);
    let second = varied_rows(25, 6);
    let want = reference_positions(&second);
    let read: kundenwert_store::FileReader<'static> = Box::new(move |push| {
        for r in first {
            push(3, r).ok()?;
        }
        for r in second {
            push(4, r).ok()?;
        }
        Some(kundenwert_store::ReadOutcome {
            rows_read: 25,
            rows_rejected: 0,
            attempts: vec![0, 4],
        })
    });
    let out = store
        .import_streamed(vec![streamed_file("a.csv", "h1", read)])
        .expect("import");
    assert_eq!((out[0].inserted, out[0].duplicates_skipped), (25, 0));
    assert_eq!(store.transaction_count().expect("count"), 26);
    let mut got = stored_positions(&store);
    got.retain(|p| p.0 != "R0");
    assert_eq!(got, want);
    // When the reader names no attempt that delivered rows, nothing of the file is stored.
    let read: kundenwert_store::FileReader<'static> = Box::new(|push| {
        push(1, row("K9", date(2024, 1, 1), 1.0, Some(("R9", 0)))).ok()?;
        Some(kundenwert_store::ReadOutcome {
            rows_read: 0,
            rows_rejected: 0,
            attempts: vec![2],
        })
    });
    let out = store
        .import_streamed(vec![streamed_file("b.csv", "h2", read)])
        .expect("import");
    assert_eq!((out[0].inserted, out[0].duplicates_skipped), (0, 0));
    assert_eq!(store.transaction_count().expect("count"), 26);
}

#[test]
fn a_reader_going_back_to_a_dropped_attempt_fails_and_stores_nothing() {
    let mut store = Store::open_in_memory().expect("open");
    let back: kundenwert_store::FileReader<'static> = Box::new(|push| {
        push(1, row("K1", date(2024, 1, 1), 1.0, None)).ok()?;
        push(2, row("K2", date(2024, 1, 1), 2.0, None)).ok()?;
        push(1, row("K3", date(2024, 1, 1), 3.0, None)).ok()?;
        Some(kundenwert_store::ReadOutcome {
            rows_read: 2,
            rows_rejected: 0,
            attempts: vec![2],
        })
    });
    let err = store
        .import_streamed(vec![streamed_file("a.csv", "h1", back)])
        .expect_err("rows of attempt 1 after attempt 2");
    assert!(
        matches!(err, StoreError::AttemptsInterleaved { .. }),
        "{err:?}"
    );
    assert!(err
        .localized(Lang::De)
        .0
        .contains("nichts wurde importiert"));
    // Naming a dropped attempt as final is refused too: its rows were already undone.
    let named: kundenwert_store::FileReader<'static> = Box::new(|push| {
        push(1, row("K1", date(2024, 1, 1), 1.0, None)).ok()?;
        push(2, row("K2", date(2024, 1, 1), 2.0, None)).ok()?;
        Some(kundenwert_store::ReadOutcome {
            rows_read: 1,
            rows_rejected: 0,
            attempts: vec![1],
        })
    });
    let err = store
        .import_streamed(vec![streamed_file("a.csv", "h1", named)])
        .expect_err("a dropped attempt named as final");
    assert!(
        matches!(err, StoreError::AttemptsInterleaved { .. }),
        "{err:?}"
    );
    assert_eq!(store.transaction_count().expect("count"), 0);
    assert!(store.imports().expect("imports").is_empty());
    // Foreign keys are enforced again after the failed import.
    let fk: i64 = store
        .connection()
        .pragma_query_value(None, "foreign_keys", |r| r.get(0))
        .expect("pragma");
    assert_eq!(fk, 1);
}

#[test]
fn a_version_1_workspace_loses_its_read_indexes_and_keeps_its_rows() {
    let (_dir, path) = temp_store();
    {
        let conn = rusqlite::Connection::open(&path).expect("open");
        conn.execute_batch(MIGRATIONS[0].1).expect("version 1");
        conn.pragma_update(None, "user_version", 1)
            .expect("version");
        conn.execute_batch(
            "INSERT INTO imports (path, content_hash, rows_read, rows_rejected, inserted, duplicates_skipped) \
             VALUES ('a', 'h', 1, 0, 1, 0); \
             INSERT INTO transactions (import_id, customer, date, revenue, document, position) \
             VALUES (1, 'K1', '2024-01-01', 5.0, 'R1', 0);",
        )
        .expect("a row");
    }
    let mut store = Store::open(&path).expect("upgrade");
    assert_eq!(store.schema_version().expect("version"), SCHEMA_VERSION);
    // The import stored before the data version existed counts as one change.
    assert_eq!(store.data_version().expect("data version"), 1);
    assert_eq!(
        index_names(&store),
        vec!["transactions_document_position".to_owned()]
    );
    // The row stored under version 1 still deduplicates.
    let out = store
        .import_streamed(vec![streamed_file(
            "b.csv",
            "h2",
            reader(vec![row("K1", date(2024, 1, 1), 5.0, Some(("R1", 0)))]),
        )])
        .expect("import");
    assert_eq!((out[0].inserted, out[0].duplicates_skipped), (0, 1));
}

/// Set in the child process of the test below: the workspace it imports into and then dies.
const KILLED_IMPORT_ENV: &str = "KUNDENWERT_STORE_TEST_KILLED_IMPORT";

#[test]
fn a_killed_import_leaves_the_workspace_as_before() {
    if let Some(path) = std::env::var_os(KILLED_IMPORT_ENV) {
        // The child: a tiny page cache so the import's pages reach the WAL early, then the
        // process dies in the middle of the import without unwinding (as under `kill -9`).
        let mut store = Store::open(&path).expect("open");
        store
            .connection()
            .pragma_update(None, "cache_size", 10)
            .expect("cache");
        store.set_sort_run_bytes(1_000);
        let read: kundenwert_store::FileReader<'static> = Box::new(|push| {
            for (i, r) in varied_rows(20_000, 5).into_iter().enumerate() {
                push(1, r).ok()?;
                if i == 15_000 {
                    std::process::abort();
                }
            }
            None
        });
        let _ = store.import_streamed(vec![streamed_file("big.csv", "h-big", read)]);
        std::process::abort();
    }
    let (_dir, path) = temp_store();
    {
        let mut store = Store::open(&path).expect("open");
        import(
            &mut store,
            &meta("a", "h-a", 2),
            vec![
                row("K1", date(2024, 1, 1), 1.0, Some(("R1", 0))),
                row("K2", date(2024, 1, 2), 2.0, None),
            ],
        );
    }
    let before = {
        let store = Store::open(&path).expect("open");
        (dump(&store), store.imports().expect("imports"))
    };
    let status = std::process::Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "--exact",
            "a_killed_import_leaves_the_workspace_as_before",
            "--nocapture",
        ])
        .env(KILLED_IMPORT_ENV, &path)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("child runs");
    assert!(!status.success(), "the child must die mid-import");
    let wal = std::fs::metadata(path.with_extension("kundenwert-wal")).map_or(0, |m| m.len());
    assert!(
        wal > 16_384,
        "the import had written pages to the WAL: {wal} bytes"
    );
    let mut store = Store::open(&path).expect("reopen after the kill");
    assert_eq!((dump(&store), store.imports().expect("imports")), before);
    // The content hash was not taken: the same file imports in full afterwards.
    let out = store
        .import_streamed(vec![streamed_file(
            "big.csv",
            "h-big",
            reader(varied_rows(2_000, 5)),
        )])
        .expect("import");
    assert_eq!(out[0].inserted + out[0].duplicates_skipped, 2_000);
}

mod accounts;
mod customer_lines;
mod results;
