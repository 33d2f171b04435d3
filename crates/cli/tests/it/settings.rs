//! `kundenwert settings show|set|import` (issue 17): the workspace keeps its settings, a change
//! brings the stored analysis up to date at once, reading commands answer from the stored
//! analysis without recomputing, and a bad key, value or file changes nothing.

use super::{run, settings, workdir};

/// The line the CLI writes to stderr when it (re)computes the workspace's analysis.
const RECOMPUTED: &str = "Workspace analysis brought up to date";

#[test]
fn settings_are_kept_in_the_workspace_and_every_change_recomputes_once() {
    let dir = workdir();
    let import = run(dir.path(), &["import", "--lang", "en", "export_de.csv"]);
    assert_eq!(import.code, 0, "{}", import.stderr);
    assert!(import.stderr.contains(RECOMPUTED), "{}", import.stderr);

    let show = run(dir.path(), &["settings", "show", "--lang", "en"]);
    assert_eq!(show.code, 0, "{}", show.stderr);
    assert!(
        !show.stdout.contains(" *"),
        "defaults only: {}",
        show.stdout
    );
    assert!(show.stdout.contains("  forecast.horizon = 12\n"));

    // Nothing changed since the import: reading commands do not recompute.
    let first = run(dir.path(), &["select", "show", "--lang", "en", "abc = A"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(!first.stderr.contains(RECOMPUTED), "{}", first.stderr);
    assert!(
        first
            .stdout
            .starts_with("Analysis as of 2024-12-18 · settings: defaults\n"),
        "{}",
        first.stdout
    );

    let set = run(
        dir.path(),
        &["settings", "set", "--lang", "en", "forecast.horizon", "6"],
    );
    assert_eq!(set.code, 0, "{}", set.stderr);
    assert!(set.stderr.contains(RECOMPUTED), "{}", set.stderr);
    let show = run(dir.path(), &["settings", "show", "--lang", "en"]);
    assert!(
        show.stdout.contains("  forecast.horizon = 6  *\n"),
        "{}",
        show.stdout
    );
    let again = run(dir.path(), &["select", "show", "--lang", "en", "abc = A"]);
    assert!(!again.stderr.contains(RECOMPUTED), "{}", again.stderr);
    assert!(
        again
            .stdout
            .starts_with("Analysis as of 2024-12-18 · settings: forecast.horizon = 6\n"),
        "{}",
        again.stdout
    );

    // The stored analysis is what `analyze` computes with the same settings, and `analyze`
    // on the workspace states the settings it used.
    let json = run(dir.path(), &["analyze", "--lang", "en", "--json"]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(value["settings"]["changed"]["forecast.horizon"], 6);
    let by_flag = run(
        dir.path(),
        &[
            "analyze",
            "--lang",
            "en",
            "--json",
            "--horizon",
            "6",
            "export_de.csv",
        ],
    );
    let flagged: serde_json::Value = serde_json::from_str(&by_flag.stdout).unwrap();
    assert_eq!(value["customers"], flagged["customers"]);

    // `import` replaces the settings: what the file leaves out takes its default.
    std::fs::write(
        dir.path().join("mine.toml"),
        "[cost_to_serve]\nper_order = 20\n",
    )
    .unwrap();
    let import = run(
        dir.path(),
        &["settings", "import", "--lang", "en", "mine.toml"],
    );
    assert_eq!(import.code, 0, "{}", import.stderr);
    assert!(import.stderr.contains(RECOMPUTED), "{}", import.stderr);
    let show = run(dir.path(), &["settings", "show", "--lang", "de"]);
    settings(dir.path()).bind(|| insta::assert_snapshot!("settings_show_de", show.render()));
}

#[test]
fn a_bad_key_value_or_file_is_refused_and_changes_nothing() {
    let dir = workdir();
    let import = run(dir.path(), &["import", "--lang", "en", "export_de.csv"]);
    assert_eq!(import.code, 0, "{}", import.stderr);
    let set = run(
        dir.path(),
        &["settings", "set", "--lang", "en", "forecast.horizon", "6"],
    );
    assert_eq!(set.code, 0, "{}", set.stderr);
    let before = run(dir.path(), &["settings", "show", "--lang", "en"]).stdout;

    std::fs::write(dir.path().join("bad.toml"), "[forecast]\nhorizon = \"x\"\n").unwrap();
    std::fs::write(dir.path().join("far.toml"), "[forecast]\nhorizon = 500\n").unwrap();
    let cases: [(&str, &[&str]); 8] = [
        ("typo", &["set", "forecast.horizn", "6"]),
        ("negative", &["set", "forecast.horizon", "-3"]),
        ("out_of_range", &["set", "cost_to_serve.margin_rate", "1.5"]),
        ("unknown_word", &["set", "forecast.time_unit", "fortnight"]),
        ("whole_tree", &["set", "typology.tree", "3"]),
        ("wrong_type_file", &["import", "bad.toml"]),
        ("out_of_range_file", &["import", "far.toml"]),
        ("missing_file", &["import", "nothere.toml"]),
    ];
    let mut rendered = String::new();
    for (name, args) in cases {
        let mut full = vec!["settings", "--lang", "en"];
        full.extend_from_slice(args);
        let out = run(dir.path(), &full);
        assert_eq!(out.code, 2, "{name}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "{name}: {}", out.stdout);
        assert!(!out.stderr.contains(RECOMPUTED), "{name}: {}", out.stderr);
        rendered.push_str(&format!(
            "## {name}: settings {}\n{}",
            args.join(" "),
            out.stderr
        ));
    }
    settings(dir.path()).bind(|| insta::assert_snapshot!("settings_refused_en", rendered));
    let after = run(dir.path(), &["settings", "show", "--lang", "en"]).stdout;
    assert_eq!(before, after);
}
