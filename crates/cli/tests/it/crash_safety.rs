//! See: issue 20. Crash safety: the program is killed with SIGKILL at random points while it
//! imports, while it writes the analysis results and while it edits a chain, 50 times each.
//! After every kill SQLite's `PRAGMA integrity_check` says `ok` and the workspace is exactly as
//! before or exactly as after the command, never in between; where it is as before, the command
//! then runs again and must complete (five times per command).
//!
//! The kill points are drawn uniformly over 1.2 times the command's own duration (measured once
//! without a kill), from a fixed seed, so that a failure can be repeated.

use std::path::Path;
use std::process::Stdio;
use std::time::Instant;

use crate::kundenwert;

/// Kills per command.
const RUNS: usize = 50;

/// A small deterministic generator (SplitMix64) for kill points and test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A German export of `lines` invoice lines of up to 3,000 customers over two years.
fn export(path: &Path, lines: usize, seed: u64) {
    let mut rng = Rng(seed);
    let mut text = String::from("Kundennr.;Belegdatum;Nettoumsatz;Wareneinsatz\n");
    for _ in 0..lines {
        let cents = 100 + rng.below(100_000);
        text += &format!(
            "K{};{:02}.{:02}.{};{},{:02};{},{:02}\n",
            rng.below(3_000),
            1 + rng.below(28),
            1 + rng.below(12),
            2023 + rng.below(2),
            cents / 100,
            cents % 100,
            cents / 300,
            cents % 100,
        );
    }
    std::fs::write(path, text).unwrap();
}

/// What a check reads from the workspace: a state to compare with before and after.
type Probe = fn(&rusqlite::Connection) -> String;

fn one_row(db: &rusqlite::Connection, sql: &str) -> String {
    db.query_row(sql, [], |row| row.get::<_, String>(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Imports and their transactions.
fn imports(db: &rusqlite::Connection) -> String {
    one_row(
        db,
        "SELECT (SELECT count(*) FROM imports) || ' imports, ' || \
                (SELECT count(*) FROM transactions) || ' transactions, ' || \
                (SELECT coalesce(sum(inserted), 0) FROM imports) || ' inserted'",
    )
}

/// The stored analysis: which data it is of, its customers as it says and as stored.
fn analysis(db: &rusqlite::Connection) -> String {
    one_row(
        db,
        "SELECT (SELECT data_version || ' / ' || customers || ' customers / ' || as_of \
                 FROM analysis_run) || ' / ' || (SELECT count(*) FROM analysis_customers) \
                 || ' stored'",
    )
}

/// The stored chains' documents.
fn chains(db: &rusqlite::Connection) -> String {
    one_row(
        db,
        "SELECT coalesce(group_concat(name || '=' || document, '|'), '') FROM chains",
    )
}

/// Opens the workspace as the next program would (recovering its journal) and checks it.
fn checked(workspace: &Path, probe: Probe) -> String {
    let db = rusqlite::Connection::open(workspace).unwrap();
    let integrity: String = db
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap();
    assert_eq!(integrity, "ok", "{}", workspace.display());
    probe(&db)
}

/// Copies a workspace that is closed (no journal beside it).
fn copy_workspace(from: &Path, to: &Path) {
    for suffix in ["-wal", "-shm"] {
        let mut journal = to.as_os_str().to_owned();
        journal.push(suffix);
        let _ = std::fs::remove_file(journal);
    }
    std::fs::copy(from, to).unwrap();
}

/// Kills `args` at random points, `RUNS` times, each on a fresh copy of the workspace
/// `before`, and checks the workspace is as before or as after every time.
fn kill_at_random_points(name: &str, before: &Path, args: &[&str], probe: Probe, seed: u64) {
    let dir = before.parent().unwrap();
    let workspace = dir.join("kundenwert.db");
    let expected_before = checked(before, probe);

    // Once without a kill: how long it takes and what it leaves.
    copy_workspace(before, &workspace);
    let started = Instant::now();
    let done = kundenwert(dir).args(args).output().unwrap();
    let duration = started.elapsed();
    assert!(
        done.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&done.stderr)
    );
    let expected_after = checked(&workspace, probe);
    assert_ne!(
        expected_before, expected_after,
        "{name}: the command changes nothing"
    );

    let mut rng = Rng(seed);
    let (mut as_before, mut as_after) = (0, 0);
    for run in 0..RUNS {
        copy_workspace(before, &workspace);
        // A sixth of the points past the measured end, so that finishing is checked too.
        let kill_after = duration.mul_f64(rng.below(1_200) as f64 / 1_000.0);
        let mut child = kundenwert(dir)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(kill_after);
        // SIGKILL: no handler, no destructor, no flush runs.
        let _ = child.kill();
        let _ = child.wait();
        let state = checked(&workspace, probe);
        if state == expected_before {
            as_before += 1;
        } else if state == expected_after {
            as_after += 1;
        } else {
            panic!(
                "{name}: killed after {kill_after:?} (run {run}), the workspace is neither as \
                 before nor as after:\n  before: {expected_before}\n  after:  {expected_after}\n  \
                 found:  {state}"
            );
        }
        // A workspace left as before must take the command again (a journal left behind, a
        // lock, a half-written file would show here); five times per command.
        if state == expected_before && as_before <= 5 {
            let again = kundenwert(dir).args(args).output().unwrap();
            assert!(
                again.status.success(),
                "{name}: after a kill the command fails: {}",
                String::from_utf8_lossy(&again.stderr)
            );
            assert_eq!(
                checked(&workspace, probe),
                expected_after,
                "{name}: run {run} again"
            );
        }
    }
    eprintln!("{name}: {RUNS} kills over {duration:?}: {as_before} as before, {as_after} as after");
    // Kill points over the whole duration land on both sides (or the test measured nothing).
    assert!(
        as_before > 0 && as_before + as_after == RUNS,
        "{name}: {as_before} as before, {as_after} as after"
    );
}

#[test]
fn killed_at_any_point_the_workspace_is_as_before_or_as_after() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    export(&d.join("alt.csv"), 2_000, 1);
    export(&d.join("neu.csv"), 60_000, 2);
    std::fs::write(
        d.join("kette.yaml"),
        "chain: Hydraulik\nsubject: product\nactors:\n  - id: wir\n    tier: self\n    name: Hydraulik Müller GmbH\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        let out = kundenwert(d).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    // The workspace before: one import, analysed, one chain.
    run(&["import", "alt.csv", "--lang", "en"]);
    run(&["chain", "import", "kette.yaml", "--lang", "en"]);
    let analysed = d.join("analysed.db");
    std::fs::copy(d.join("kundenwert.db"), &analysed).unwrap();

    kill_at_random_points(
        "import",
        &analysed,
        &["import", "neu.csv", "--no-analysis", "--lang", "en"],
        imports,
        11,
    );

    // The stored analysis written anew: the second import is in, its analysis not yet.
    copy_workspace(&analysed, &d.join("kundenwert.db"));
    run(&["import", "neu.csv", "--no-analysis", "--lang", "en"]);
    let stale = d.join("stale.db");
    std::fs::copy(d.join("kundenwert.db"), &stale).unwrap();
    kill_at_random_points(
        "analysis results",
        &stale,
        &["select", "show", "type = growth", "--lang", "en"],
        analysis,
        12,
    );

    kill_at_random_points(
        "chain edit",
        &analysed,
        &[
            "chain",
            "actor",
            "add",
            "Hydraulik",
            "id=kunde",
            "tier=customer",
            "name=Landtechnik Süd",
            "--lang",
            "en",
        ],
        chains,
        13,
    );
}

/// A disk that fills during an import (here the file-size limit of the process, with the
/// signal it would send ignored, so that writes fail as on a full disk): exit 1 with a message
/// that says so and what to do, and the workspace exactly as before.
#[test]
fn a_full_disk_during_an_import_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    export(&d.join("alt.csv"), 2_000, 1);
    export(&d.join("neu.csv"), 60_000, 2);
    let first = kundenwert(d)
        .args(["import", "alt.csv", "--no-analysis"])
        .output()
        .unwrap();
    assert!(first.status.success());
    let workspace = d.join("kundenwert.db");
    let before = checked(&workspace, imports);
    let size = std::fs::metadata(&workspace).unwrap().len();
    // Room for a quarter of the new rows: `ulimit -f` counts KiB.
    let limit_kib = size / 1024 + 500;
    let script = format!(
        "trap '' XFSZ; ulimit -f {limit_kib}; exec \"$0\" import neu.csv --no-analysis --lang en"
    );
    let out = std::process::Command::new("bash")
        .args(["-c", &script, env!("CARGO_BIN_EXE_kundenwert")])
        .current_dir(d)
        .env("LANG", "C")
        .env_remove("KUNDENWERT_WORKSPACE")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.ends_with(
            "; nothing was changed\nhint: free space on the workspace's disk (or lift a limit on \
             the file's size) and run the command again\n"
        ),
        "{stderr}"
    );
    assert_eq!(checked(&workspace, imports), before);
}
