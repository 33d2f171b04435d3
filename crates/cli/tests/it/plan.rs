//! `kundenwert plan` and `select` (issue 5): a focus plan targets customers chosen by type and
//! value on the workspace's data, is exported as Markdown and HTML, and a broken plan file is
//! refused with one message per problem and nothing stored.

use std::path::Path;

use super::{fixtures, run};

fn ok(dir: &Path, args: &[&str]) -> String {
    let r = run(dir, args);
    assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    r.stdout
}

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in ["plan_growth.yaml", "plan_bad.yaml"] {
        std::fs::copy(fixtures().join("chain").join(f), dir.path().join(f)).unwrap();
    }
    // The demo company's export: 58 customers of every type.
    let demo =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/demo/rechnungen_2023_2024.csv");
    std::fs::copy(demo, dir.path().join("rechnungen.csv")).unwrap();
    ok(dir.path(), &["import", "rechnungen.csv", "--lang", "en"]);
    dir
}

#[test]
fn a_plan_targets_customers_by_type_and_value() {
    let dir = workspace();
    let d = dir.path();
    ok(
        d,
        &[
            "select",
            "save",
            "top",
            "type=growth and future_value > 10000",
        ],
    );
    let out = ok(
        d,
        &[
            "plan",
            "new",
            "Growth North",
            "--scope",
            "customer_type=growth",
            "--reason",
            "growth",
            "--select",
            "@top",
            "--lang",
            "en",
        ],
    );
    assert!(out.contains("target customers today"), "{out}");

    // Every customer the plan lists is a growth customer with a future value above 10,000
    // in the analysis of the same workspace.
    let json = ok(d, &["analyze", "--json", "--lang", "en"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let expected: Vec<String> = v["customers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["type"] == "growth" && c["future_value"].as_f64().unwrap() > 10_000.0)
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    assert!(!expected.is_empty());
    let md = ok(
        d,
        &[
            "plan",
            "export",
            "Growth North",
            "--format",
            "markdown",
            "--lang",
            "en",
        ],
    );
    for id in &expected {
        assert!(md.contains(&format!("| {id} |")), "{id} missing:\n{md}");
    }
    let rows = md.lines().filter(|l| l.starts_with("| 1")).count();
    assert_eq!(rows, expected.len(), "{md}");
    // The same plan as a one-page PDF listing the same customers.
    #[cfg(feature = "pdf")]
    {
        ok(
            d,
            &[
                "plan",
                "export",
                "Growth North",
                "--format",
                "pdf",
                "--lang",
                "en",
                "-o",
                "plan.pdf",
            ],
        );
        let text = std::process::Command::new("pdftotext")
            .args([d.join("plan.pdf").as_os_str(), "-".as_ref()])
            .output()
            .expect("pdftotext (poppler-utils) must be installed");
        let text = String::from_utf8(text.stdout).unwrap();
        assert!(text.contains("Growth North"), "{text}");
        for id in &expected {
            assert!(text.contains(id.as_str()), "{id} missing:\n{text}");
        }
    }
    // `show` states the analysis its targets come from, and lists the same customers.
    ok(d, &["settings", "set", "forecast.horizon", "12"]);
    let show = ok(d, &["plan", "show", "Growth North", "--lang", "en"]);
    assert!(
        show.starts_with("Analysis as of 2024-12-28 · settings: defaults\n"),
        "{show}"
    );
    for id in &expected {
        assert!(show.contains(&format!("  {id} ")), "{id} missing:\n{show}");
    }

    // The plan's second activity names the chain actor `landmaschinen`: without a chain that
    // has it, the plan is refused with the path of the reference.
    let r = run(d, &["plan", "import", "plan_growth.yaml", "--lang", "en"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("activities[1].actor: no actor `landmaschinen` in the stored chains"),
        "{}",
        r.stderr
    );
    ok(
        d,
        &[
            "chain",
            "new",
            "Zylinder",
            "--self-name",
            "Weber Hydraulik GmbH",
        ],
    );
    ok(
        d,
        &[
            "chain",
            "actor",
            "add",
            "Zylinder",
            "id=landmaschinen",
            "tier=customer",
            "name=Landmaschinenbau",
        ],
    );
    ok(d, &["plan", "import", "plan_growth.yaml", "--lang", "de"]);
    let html = ok(
        d,
        &[
            "plan",
            "export",
            "Wachstumskunden Süd 2025",
            "--format",
            "html",
            "--lang",
            "de",
        ],
    );
    assert!(html.contains("<html"), "{html}");
    // Text from the file is escaped, never markup.
    assert!(html.contains("&lt;sinken&gt; &amp; Margen"), "{html}");
    assert!(!html.contains("<sinken>"));
    let list = ok(d, &["plan", "list", "--lang", "en"]);
    assert!(
        list.contains("Growth North") && list.contains("Wachstumskunden Süd 2025"),
        "{list}"
    );

    // Export → import → export of the plan file is byte-stable.
    let yaml = ok(
        d,
        &[
            "plan",
            "export",
            "Wachstumskunden Süd 2025",
            "--format",
            "yaml",
        ],
    );
    std::fs::write(d.join("again.yaml"), &yaml).unwrap();
    ok(d, &["plan", "import", "again.yaml"]);
    assert_eq!(
        ok(
            d,
            &[
                "plan",
                "export",
                "Wachstumskunden Süd 2025",
                "--format",
                "yaml"
            ]
        ),
        yaml
    );
}

#[test]
fn a_broken_plan_names_every_problem_and_stores_nothing() {
    let dir = workspace();
    let d = dir.path();
    let r = run(d, &["plan", "import", "plan_bad.yaml", "--lang", "en"]);
    super::settings(d).bind(|| insta::assert_snapshot!("plan_import_broken_en", r.render()));
    assert!(ok(d, &["plan", "list", "--lang", "en"]).contains("No plans stored"));
    // A plan pointing at a saved selection that does not exist is refused too.
    let r = run(
        d,
        &[
            "plan",
            "new",
            "X",
            "--scope",
            "product=Zylinder",
            "--select",
            "@nothere",
            "--lang",
            "en",
        ],
    );
    super::settings(d).bind(|| insta::assert_snapshot!("plan_unknown_selection_en", r.render()));
    // A broken selection says where.
    let r = run(
        d,
        &[
            "select",
            "save",
            "bad",
            "type=growth and future_value >",
            "--lang",
            "en",
        ],
    );
    super::settings(d).bind(|| insta::assert_snapshot!("select_broken_en", r.render()));
}
