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

/// `GET path` with a bearer token against `address`; the status line and body.
fn http_get(address: &str, path: &str, token: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

#[test]
fn the_cli_imports_while_the_server_serves_and_both_see_whole_imports() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    export(&d.join("alt.csv"), 1_000, "A");
    export(&d.join("nord.csv"), 60_000, "N");
    let first = kundenwert(d).args(["import", "alt.csv"]).output().unwrap();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let mut add = kundenwert(d)
        .args(["user", "add", "robot", "--role", "viewer"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut add.stdin.take().unwrap(), b"a long enough password\n").unwrap();
    assert!(add.wait().unwrap().success());
    let token = kundenwert(d)
        .args(["token", "create", "t", "--user", "robot"])
        .output()
        .unwrap();
    let token = String::from_utf8(token.stdout)
        .unwrap()
        .lines()
        .last()
        .unwrap()
        .to_owned();

    let mut server = kundenwert(d)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(server.stdout.take().unwrap()).lines();
    let listening = lines.next().unwrap().unwrap();
    let address = listening
        .split("http://")
        .nth(1)
        .unwrap()
        .trim_end_matches('/')
        .to_owned();

    let mut import = kundenwert(d)
        .args(["import", "nord.csv"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The server keeps answering from the stored analysis while the import writes and the
    // analysis is recomputed: the customers it lists are those of one whole analysis.
    let mut answers = 0;
    let mut counts = BTreeSet::new();
    loop {
        let answer = http_get(&address, "/api/v1/analysis", &token);
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        let body = &answer[answer.find("\r\n\r\n").unwrap() + 4..];
        let json: serde_json::Value = serde_json::from_str(body).unwrap();
        counts.insert(json["customers"].as_u64().unwrap());
        answers += 1;
        if let Some(status) = import.try_wait().unwrap() {
            let out = import.wait_with_output().unwrap();
            assert!(status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let after = http_get(&address, "/api/v1/analysis", &token);
    server.kill().unwrap();
    let _ = server.wait();
    assert!(answers > 1, "the server answered while the import ran");
    // 997 customers of the old file, then 997 more: never anything in between.
    assert!(counts.iter().all(|c| *c == 997 || *c == 1994), "{counts:?}");
    assert!(
        after.contains("\"customers\":1994") || after.contains("\"customers\": 1994"),
        "{after}"
    );
}
