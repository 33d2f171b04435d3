//! `kundenwert chain` (issue 5): a chain goes in by file and by commands, comes out in every
//! format, its gaps are listed, and a broken file is refused with one message per problem and
//! nothing stored.

use std::path::Path;

use super::{fixtures, run};

fn workdir_with_chain() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in ["hydraulik.yaml", "broken.yaml"] {
        std::fs::copy(fixtures().join("chain").join(f), dir.path().join(f)).unwrap();
    }
    dir
}

const NAME: &str = "Hydraulikzylinder für Landmaschinen";

fn ok(dir: &Path, args: &[&str]) -> String {
    let r = run(dir, args);
    assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    r.stdout
}

#[test]
fn chain_by_file_round_trips_through_every_format() {
    let dir = workdir_with_chain();
    let d = dir.path();
    let out = ok(d, &["chain", "import", "hydraulik.yaml", "--lang", "de"]);
    assert!(out.contains("Kette gespeichert"), "{out}");
    assert!(out.contains("8 Akteure"), "{out}");
    let list = ok(d, &["chain", "list", "--lang", "en"]);
    assert!(list.contains(NAME), "{list}");

    // Canonical YAML: export → import → export is byte-stable.
    ok(
        d,
        &["chain", "export", NAME, "--format", "yaml", "-o", "a.yaml"],
    );
    ok(d, &["chain", "import", "a.yaml", "--lang", "en"]);
    ok(
        d,
        &["chain", "export", NAME, "--format", "yaml", "-o", "b.yaml"],
    );
    let a = std::fs::read(d.join("a.yaml")).unwrap();
    assert_eq!(a, std::fs::read(d.join("b.yaml")).unwrap());
    assert!(String::from_utf8(a)
        .unwrap()
        .contains("Dichtungstechnik Müller & Söhne KG"));

    for (format, check) in [
        ("json", "\"chain\""),
        ("svg", "<svg"),
        ("mermaid", "flowchart LR"),
        ("dot", "digraph"),
        ("drawio", "<mxfile"),
        ("graphml", "<graphml"),
    ] {
        let text = ok(
            d,
            &["chain", "export", NAME, "--format", format, "--lang", "de"],
        );
        assert!(
            text.contains(check),
            "{format}: {}",
            &text[..text.len().min(200)]
        );
        // Umlauts survive every format (escaped or not, the name is readable in the output).
        assert!(
            text.contains("Müller")
                || text.contains("M\\u00fcller")
                || text.contains("M&#252;ller"),
            "{format}"
        );
    }
    ok(
        d,
        &[
            "chain",
            "export",
            NAME,
            "--format",
            "png",
            "-o",
            "kette.png",
        ],
    );
    let png = std::fs::read(d.join("kette.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    assert!(png.len() > 10_000);

    // PDF: the diagram on one page, its names as text.
    #[cfg(feature = "pdf")]
    {
        ok(
            d,
            &[
                "chain",
                "export",
                NAME,
                "--format",
                "pdf",
                "--lang",
                "de",
                "-o",
                "kette.pdf",
            ],
        );
        let pdf = std::fs::read(d.join("kette.pdf")).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        let r = run(
            d,
            &["chain", "export", NAME, "--format", "pdf", "--lang", "en"],
        );
        assert_eq!(r.code, 2);
        assert!(
            r.stderr
                .starts_with("error: PDF needs an output file\nhint: "),
            "{}",
            r.stderr
        );
    }

    // PNG without an output file is a usage error.
    let r = run(
        d,
        &["chain", "export", NAME, "--format", "png", "--lang", "en"],
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("hint:"), "{}", r.stderr);
}

/// The contact gaps in full, as text and JSON. The days since a last contact grow with the
/// calendar, so the snapshots show them as `[DAYS]`, and the day of the run as `[TODAY]`.
#[test]
fn gaps_answer_with_whom_we_have_no_contact() {
    let dir = workdir_with_chain();
    let d = dir.path();
    ok(d, &["chain", "import", "hydraulik.yaml"]);
    let mut settings = super::settings(d);
    settings.add_filter(r"vor \d+ Tagen", "vor [DAYS] Tagen");
    settings.add_filter(r#""days_since": \d+"#, r#""days_since": [DAYS]"#);
    settings.add_filter(r#""today": "\d{4}-\d{2}-\d{2}""#, r#""today": "[TODAY]""#);
    settings.bind(|| {
        insta::assert_snapshot!(
            "chain_gaps_de",
            run(d, &["chain", "gaps", NAME, "--lang", "de"]).render()
        );
        insta::assert_snapshot!(
            "chain_gaps_json",
            run(d, &["chain", "gaps", NAME, "--json"]).render()
        );
    });
}

/// A broken file: exit 2, one line per problem with its path and what is allowed, a hint, and
/// nothing stored.
#[test]
fn a_broken_chain_file_names_every_problem_and_stores_nothing() {
    let dir = workdir_with_chain();
    let d = dir.path();
    let r = run(d, &["chain", "import", "broken.yaml", "--lang", "en"]);
    super::settings(d).bind(|| insta::assert_snapshot!("chain_import_broken_en", r.render()));
    assert!(
        !d.join("kundenwert.db").exists(),
        "a refused file must not create a workspace"
    );
    let list = ok(d, &["chain", "list", "--lang", "en"]);
    assert!(list.contains("No chains stored"), "{list}");
}

#[test]
fn a_chain_built_by_commands() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(
        d,
        &[
            "chain",
            "new",
            "Service",
            "--subject",
            "service",
            "--self-name",
            "Wir \"&\" <Co> GmbH",
        ],
    );
    ok(
        d,
        &[
            "chain",
            "actor",
            "add",
            "Service",
            "id=kunde",
            "tier=customer",
            "name=Bäckerei Groß",
            "count=12",
            "importance=4",
        ],
    );
    ok(
        d,
        &[
            "chain",
            "actor",
            "add",
            "Service",
            "id=nutzer",
            "tier=user",
            "name=Filialen",
        ],
    );
    ok(
        d,
        &[
            "chain",
            "person",
            "add",
            "Service",
            "kunde",
            "name=Eva Schön",
            "contact=direct",
            "role=Einkauf",
        ],
    );
    ok(
        d,
        &[
            "chain",
            "person",
            "add",
            "Service",
            "nutzer",
            "name=Filialleitung",
            "contact=none",
        ],
    );
    ok(
        d,
        &[
            "chain", "flow", "add", "Service", "wir", "kunde", "service", "--label", "Wartung",
        ],
    );
    ok(
        d,
        &["chain", "flow", "add", "Service", "kunde", "wir", "money"],
    );
    ok(
        d,
        &[
            "chain",
            "person",
            "set",
            "Service",
            "kunde",
            "Eva Schön",
            "contact=indirect",
        ],
    );
    ok(
        d,
        &["chain", "actor", "set", "Service", "kunde", "importance=5"],
    );

    // A wrong value gets the allowed ones and changes nothing; our own company cannot be
    // removed, an actor in use only with --cascade.
    let refused = [
        run(
            d,
            &[
                "chain",
                "actor",
                "set",
                "Service",
                "kunde",
                "tier=kunde",
                "--lang",
                "en",
            ],
        ),
        run(
            d,
            &["chain", "actor", "rm", "Service", "wir", "--lang", "en"],
        ),
        run(
            d,
            &["chain", "actor", "rm", "Service", "kunde", "--lang", "en"],
        ),
    ];
    let yaml = ok(d, &["chain", "export", "Service", "--format", "yaml"]);
    let show = ok(d, &["chain", "show", "Service", "--lang", "de"]);
    super::settings(d).bind(|| {
        for (i, r) in refused.iter().enumerate() {
            insta::assert_snapshot!(format!("chain_edit_refused_{i}_en"), r.render());
        }
        insta::assert_snapshot!("chain_by_commands_yaml", yaml);
        insta::assert_snapshot!("chain_by_commands_show_de", show);
    });

    ok(
        d,
        &["chain", "actor", "rm", "Service", "kunde", "--cascade"],
    );
    let after = ok(d, &["chain", "export", "Service", "--format", "yaml"]);
    super::settings(d).bind(|| {
        insta::assert_snapshot!("chain_by_commands_after_cascade_yaml", after);
    });
}

/// Actors linked to a customer number or a selection show the stored analysis's figures, and
/// `show` states which analysis (as-of, settings) they come from.
#[test]
fn linked_actors_show_the_stored_analysis() {
    let dir = super::workdir();
    let d = dir.path();
    ok(d, &["import", "export_de.csv", "--lang", "en"]);
    std::fs::write(
        d.join("kette.yaml"),
        "chain: Hydraulik\nsubject: product\nactors:\n  - id: wir\n    tier: self\n    name: Hydraulik Müller GmbH\n  - id: kunde\n    tier: customer\n    name: Maschinenbau\n    customer: \"10001\"\n  - id: feste\n    tier: customer\n    name: Unauffällige\n    segment: \"type=steady or abc=A\"\n",
    )
    .unwrap();
    ok(d, &["chain", "import", "kette.yaml", "--lang", "en"]);
    let json: serde_json::Value =
        serde_json::from_str(&ok(d, &["analyze", "--json", "--lang", "en"])).unwrap();
    let first = &json["customers"][0];
    assert_eq!(first["id"], "10001");
    let show = ok(d, &["chain", "show", "Hydraulik", "--lang", "en"]);
    assert!(
        show.starts_with("Analysis as of 2024-12-18 · settings: defaults\n"),
        "{show}"
    );
    let current = first["current_value"].as_f64().unwrap().round();
    assert!(
        show.contains(&format!(
            "[kunde] Maschinenbau — current value {current}, {}",
            first["type"].as_str().unwrap()
        )),
        "{show}"
    );
    super::settings(d).bind(|| insta::assert_snapshot!("chain_show_linked_en", show));
}
