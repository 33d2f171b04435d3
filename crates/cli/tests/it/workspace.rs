//! `kundenwert import` and `analyze` without files (issue 5): the workspace keeps
//! transactions, importing a file twice adds nothing, overlapping re-exports are recognised by
//! document and line, and an unreadable file leaves the workspace unchanged.

use super::{run, workdir};

fn stored(stdout: &str) -> u64 {
    // The last line: "Workspace `kundenwert.db`: N transactions".
    let last = stdout.lines().last().expect("a summary line");
    let n = last
        .rsplit(": ")
        .next()
        .and_then(|s| s.split_whitespace().next())
        .expect("a count");
    n.replace(',', "").parse().expect("a number")
}

#[test]
fn import_twice_adds_nothing_and_analyze_reads_the_workspace() {
    let dir = workdir();
    let first = run(dir.path(), &["import", "--lang", "en", "export_de.csv"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(dir.path().join("kundenwert.db").exists());
    let n = stored(&first.stdout);
    let again = run(dir.path(), &["import", "--lang", "en", "export_de.csv"]);
    assert_eq!(stored(&again.stdout), n);
    // The fixture's accepted rows stored, its rejected ones reported on stderr (as by
    // analyze), the analysis brought up to date; the second time nothing is added.
    super::settings(dir.path()).bind(|| {
        insta::assert_snapshot!("workspace_import_en", first.render());
        insta::assert_snapshot!("workspace_import_again_en", again.render());
    });

    let from_file = run(
        dir.path(),
        &["analyze", "--lang", "en", "--json", "export_de.csv"],
    );
    let from_store = run(dir.path(), &["analyze", "--lang", "en", "--json"]);
    assert_eq!(from_store.code, 0, "{}", from_store.stderr);
    let a: serde_json::Value = serde_json::from_str(&from_file.stdout).unwrap();
    let b: serde_json::Value = serde_json::from_str(&from_store.stdout).unwrap();
    assert_eq!(a["summary"], b["summary"]);
    assert_eq!(a["customers"], b["customers"]);
}

#[test]
fn overlapping_reexport_is_recognised_by_document_and_line() {
    let dir = workdir();
    let text = std::fs::read(dir.path().join("export_de.csv")).unwrap();
    // A second export with the same lines and one more invoice: different file content.
    let mut more = text.clone();
    more.extend_from_slice(
        b"RE-24099;10001;M\xfcller Maschinenbau GmbH;20.12.2024;A-100;1;10,00;5,00\r\n",
    );
    std::fs::write(dir.path().join("export_2.csv"), more).unwrap();
    let first = run(dir.path(), &["import", "--lang", "en", "export_de.csv"]);
    let n = stored(&first.stdout);
    let second = run(dir.path(), &["import", "--lang", "en", "export_2.csv"]);
    assert_eq!(stored(&second.stdout), n + 1);
    super::settings(dir.path())
        .bind(|| insta::assert_snapshot!("workspace_import_overlapping_en", second.render()));
}

#[test]
fn an_unreadable_file_changes_nothing() {
    let dir = workdir();
    let first = run(dir.path(), &["import", "--lang", "en", "export_de.csv"]);
    let n = stored(&first.stdout);
    std::fs::write(dir.path().join("broken.csv"), "foo;bar\n1;2\n").unwrap();
    std::fs::write(
        dir.path().join("new.csv"),
        "Kundennr.;Belegdatum;Nettoumsatz\n1;01.01.2024;5,00\n",
    )
    .unwrap();
    // The good file comes first: it must not be stored either.
    let bad = run(
        dir.path(),
        &["import", "--lang", "en", "new.csv", "broken.csv"],
    );
    assert_eq!(bad.code, 1, "{}", bad.stderr);
    let after = run(dir.path(), &["import", "--lang", "en", "export_de.csv"]);
    assert_eq!(stored(&after.stdout), n);
}

#[test]
fn analyze_without_files_and_without_workspace_says_what_to_do() {
    let dir = workdir();
    let r = run(dir.path(), &["analyze", "--lang", "de"]);
    super::settings(dir.path())
        .bind(|| insta::assert_snapshot!("workspace_missing_de", r.render()));
    assert!(!dir.path().join("kundenwert.db").exists());
}
