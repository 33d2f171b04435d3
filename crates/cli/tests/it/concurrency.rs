//! See: issue 20. Concurrent use of one workspace: two imports and a series of chain edits at
//! the same time all land, none fails with "database is locked", and a reader polling all the
//! while only ever sees whole imports.

use std::collections::BTreeSet;
use std::process::Stdio;

use crate::kundenwert;

/// A German export of `lines` invoice lines; `prefix` keeps each file's customers apart.
fn export(path: &std::path::Path, lines: usize, prefix: &str) {
    let mut text = String::from("Kundennr.;Belegdatum;Nettoumsatz\n");
    for i in 0..lines {
        text += &format!(
            "{prefix}{};{:02}.{:02}.2024;{},{:02}\n",
            i % 997,
            1 + i % 28,
            1 + i % 12,
            10 + i % 500,
            i % 100
        );
    }
    std::fs::write(path, text).unwrap();
}

#[test]
fn two_imports_and_chain_edits_at_once_all_land() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    export(&d.join("alt.csv"), 1_000, "A");
    export(&d.join("nord.csv"), 40_000, "N");
    export(&d.join("sued.csv"), 40_000, "S");
    std::fs::write(
        d.join("kette.yaml"),
        "chain: Hydraulik\nsubject: product\nactors:\n  - id: wir\n    tier: self\n    name: Hydraulik Müller GmbH\n",
    )
    .unwrap();
    for args in [
        &["import", "alt.csv", "--no-analysis"][..],
        &["chain", "import", "kette.yaml"][..],
    ] {
        let out = kundenwert(d).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    let spawn = |args: &[&str]| {
        kundenwert(d)
            .args(args)
            .args(["--lang", "en"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let imports = [
        spawn(&["import", "nord.csv", "--no-analysis"]),
        spawn(&["import", "sued.csv", "--no-analysis"]),
    ];
    let edits = std::thread::scope(|s| {
        let edits = s.spawn(|| {
            (0..5)
                .map(|i| {
                    let id = format!("id=kunde{i}");
                    spawn(&[
                        "chain",
                        "actor",
                        "add",
                        "Hydraulik",
                        &id,
                        "tier=customer",
                        "name=K",
                    ])
                    .wait_with_output()
                    .unwrap()
                })
                .collect::<Vec<_>>()
        });
        // A reader all the while: every count it sees is a sum of whole imports.
        let db = rusqlite::Connection::open(d.join("kundenwert.db")).unwrap();
        db.busy_timeout(std::time::Duration::from_secs(30)).unwrap();
        let mut seen = BTreeSet::new();
        while !edits.is_finished() || seen.len() < 2 {
            let n: i64 = db
                .query_row("SELECT count(*) FROM transactions", [], |r| r.get(0))
                .unwrap();
            seen.insert(n);
            if seen.contains(&81_000) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        let allowed = BTreeSet::from([1_000, 41_000, 81_000]);
        assert!(
            seen.is_subset(&allowed),
            "a reader saw a half import: {seen:?}"
        );
        edits.join().unwrap()
    });
    for out in imports
        .map(|c| c.wait_with_output().unwrap())
        .iter()
        .chain(&edits)
    {
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        assert!(!stderr.contains("locked"), "{stderr}");
    }
    let db = rusqlite::Connection::open(d.join("kundenwert.db")).unwrap();
    let (imports, transactions): (i64, i64) = db
        .query_row(
            "SELECT (SELECT count(*) FROM imports), (SELECT count(*) FROM transactions)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((imports, transactions), (3, 81_000));
    let actors: i64 = db
        .query_row(
            "SELECT json_array_length(document, '$.actors') FROM chains WHERE name = 'Hydraulik'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(actors, 6, "every edit landed");
}
