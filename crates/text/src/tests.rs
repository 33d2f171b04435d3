use super::catalog::{self, Part};
use super::*;

fn files(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(f, s)| ((*f).to_owned(), (*s).to_owned()))
        .collect()
}

fn check_err(de: &[(&str, &str)], en: &[(&str, &str)]) -> String {
    catalog::check(&files(de), &files(en)).expect_err("the check should fail")
}

#[test]
fn every_message_renders_non_empty_in_both_languages() {
    let de = render_all(Lang::De);
    let en = render_all(Lang::En);
    assert!(!de.is_empty());
    assert_eq!(de.len(), en.len());
    for (id, text) in de.iter().chain(&en) {
        assert!(!text.trim().is_empty(), "`{id}` renders empty");
    }
}

#[test]
fn the_real_catalog_passes_the_check() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
    let read = |lang: &str| {
        let mut out = Vec::new();
        for e in std::fs::read_dir(dir.join(lang)).unwrap() {
            let p = e.unwrap().path();
            out.push((
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            ));
        }
        out
    };
    let entries = catalog::check(&read("de"), &read("en")).unwrap();
    assert_eq!(entries.len(), render_all(Lang::En).len());
}

#[test]
fn a_message_in_one_language_only_fails() {
    let e = check_err(
        &[("a.ftl", "a-x = X\na-y = Y\n")],
        &[("a.ftl", "a-x = X\n")],
    );
    assert!(
        e.contains("`a-y`") && e.contains("locales/de/a.ftl") && e.contains("not in language en"),
        "{e}"
    );
    let e = check_err(
        &[("a.ftl", "a-x = X\n")],
        &[("a.ftl", "a-x = X\na-z = Z\n")],
    );
    assert!(
        e.contains("`a-z`") && e.contains("locales/en/a.ftl") && e.contains("not in language de"),
        "{e}"
    );
}

#[test]
fn a_file_in_one_language_only_fails() {
    let e = check_err(
        &[("a.ftl", "a-x = X\n"), ("b.ftl", "")],
        &[("a.ftl", "a-x = X\n")],
    );
    assert!(
        e.contains("locales/de/b.ftl") && e.contains("locales/en/b.ftl"),
        "{e}"
    );
}

#[test]
fn a_message_in_different_files_fails() {
    let e = check_err(
        &[("a.ftl", "a-x = X\n"), ("b.ftl", "")],
        &[("a.ftl", ""), ("b.ftl", "a-x = X\n")],
    );
    assert!(
        e.contains("`a-x`") && e.contains("locales/de/a.ftl") && e.contains("locales/en/b.ftl"),
        "{e}"
    );
}

#[test]
fn different_variables_fail() {
    let e = check_err(
        &[("a.ftl", "a-x = { $count } Zeilen in { $file }\n")],
        &[("a.ftl", "a-x = { $count } rows\n")],
    );
    assert!(
        e.contains("`a-x`") && e.contains("$count, $file") && e.contains("language en"),
        "{e}"
    );
}

#[test]
fn unknown_variable_forms_fail() {
    for (src, what) in [
        ("a-x = { NUMBER($n) }\n", "function `NUMBER()`"),
        ("a-x = { -brand }\n", "term reference `-brand`"),
        ("a-x = { a-y }\na-y = Y\n", "message reference `a-y`"),
        ("a-x = { $n.attr }\n", "cannot parse"),
    ] {
        let e = check_err(&[("a.ftl", src)], &[("a.ftl", src)]);
        assert!(
            e.contains(what) && e.contains("locales/de/a.ftl"),
            "{src}: {e}"
        );
    }
    let e = check_err(
        &[("a.ftl", "a-x = { $type }\n")],
        &[("a.ftl", "a-x = { $type }\n")],
    );
    assert!(e.contains("$type"), "{e}");
    let e = check_err(
        &[("a.ftl", "a-x = { $Count }\n")],
        &[("a.ftl", "a-x = { $Count }\n")],
    );
    assert!(e.contains("$Count"), "{e}");
}

#[test]
fn parse_errors_name_file_line_and_language() {
    let e = check_err(
        &[("a.ftl", "a-x = X\n\na-y = { $n\n")],
        &[("a.ftl", "a-x = X\na-y = Y\n")],
    );
    assert!(
        e.contains("locales/de/a.ftl:3") && e.contains("`a-y`") && e.contains("language de"),
        "{e}"
    );
    let e = check_err(&[("a.ftl", "a-x = X\n")], &[("a.ftl", "a-x = }\n")]);
    assert!(
        e.contains("locales/en/a.ftl:1") && e.contains("`a-x`") && e.contains("language en"),
        "{e}"
    );
}

#[test]
fn duplicate_ids_terms_attributes_and_bad_ids_fail() {
    let e = check_err(
        &[("a.ftl", "a-x = X\n"), ("b.ftl", "a-x = Y\n")],
        &[("a.ftl", "a-x = X\n"), ("b.ftl", "")],
    );
    assert!(e.contains("defined twice"), "{e}");
    let e = check_err(&[("a.ftl", "-t = T\n")], &[("a.ftl", "")]);
    assert!(e.contains("terms are not supported"), "{e}");
    let e = check_err(
        &[("a.ftl", "a-x = X\n  .title = T\n")],
        &[("a.ftl", "a-x = X\n")],
    );
    assert!(e.contains("attributes"), "{e}");
    let e = check_err(&[("a.ftl", "a_x = X\n")], &[("a.ftl", "a_x = X\n")]);
    assert!(e.contains("kebab-case"), "{e}");
}

#[test]
fn multiline_values_literals_and_variables_parse_as_written() {
    let src = "a-x =\n    Erste Zeile\n      eingerückt { $n }\n    { \"{\" }Ende{ \" \" }\n";
    let m = &catalog::parse_file("de", "a.ftl", src).unwrap()[0];
    assert_eq!(
        m.parts,
        vec![
            Part::Text("Erste Zeile\n  eingerückt ".into()),
            Part::Var("n".into()),
            Part::Text("\n{Ende ".into()),
        ]
    );
}

#[test]
fn selectors_parse_check_and_pick_their_variant() {
    let src =
        "a-x = { $n ->\n    [0] keine Zeile\n    [one] eine Zeile\n   *[other] { $n } Zeilen\n}\n";
    let entries = catalog::check(&files(&[("a.ftl", src)]), &files(&[("a.ftl", src)])).unwrap();
    assert_eq!(entries[0].args, vec!["n".to_owned()]);
    let code = catalog::generate(&entries);
    assert!(
        code.contains("crate::variant(&n.to_string(), &[\"0\", \"one\", \"other\"], 2)"),
        "{code}"
    );
    let keys = ["0", "one", "other"];
    assert_eq!(variant("0", &keys, 2), 0);
    assert_eq!(variant("1", &keys, 2), 1);
    assert_eq!(variant("2", &keys, 2), 2);
    assert_eq!(variant("1.234", &keys, 2), 2);
    assert_eq!(variant("1", &["0", "other"], 1), 1);
    // A default is required, once.
    let bad = "a-x = { $n ->\n    [one] eine\n    [other] viele\n}\n";
    let e = check_err(&[("a.ftl", bad)], &[("a.ftl", bad)]);
    assert!(e.contains("`a-x`") && e.contains("default"), "{e}");
}

#[test]
fn generated_accessors_take_arguments_in_alphabetical_order() {
    let de = "a-x = { $zeta } vor { $alpha }\n";
    let en = "a-x = { $alpha } before { $zeta }\n";
    let entries = catalog::check(&files(&[("a.ftl", de)]), &files(&[("a.ftl", en)])).unwrap();
    assert_eq!(entries[0].args, vec!["alpha".to_owned(), "zeta".to_owned()]);
    let code = catalog::generate(&entries);
    assert!(code.contains("pub fn a_x(lang: Lang, alpha: impl ::std::fmt::Display, zeta: impl ::std::fmt::Display) -> String"), "{code}");
}

#[test]
fn real_selectors_and_significant_spaces_render_as_the_old_code_did() {
    assert_eq!(import_stored(Lang::En, 1), "1 transaction stored");
    assert_eq!(
        import_stored(Lang::De, "1.234"),
        "1.234 Buchungen gespeichert"
    );
    assert_eq!(
        import_reject_field_count(Lang::En, 3, 1),
        "row has 1 field instead of 3"
    );
    assert_eq!(
        import_reject_field_count(Lang::De, 3, 2),
        "Zeile hat 2 Felder statt 3"
    );
    assert_eq!(
        store_invalid_document(Lang::De, "chain", "x", "k"),
        "Kette `k` ist kein JSON-Dokument: x"
    );
    assert_eq!(
        store_invalid_document(Lang::De, "plan", "x", "p"),
        "Plan `p` ist kein JSON-Dokument: x"
    );
    assert_eq!(
        file_invalid_chain(Lang::De, 1),
        "die Kette ist nicht gültig (1 Problem):"
    );
    // Leading spaces written as `{ " " }` survive Fluent's trimming.
    assert_eq!(input_rejected_more(Lang::En, 7), "  … and 7");
    assert!(typology_weak_evidence(Lang::De).starts_with(" Schwache"));
    // Column padding inside a message is kept.
    assert!(analyze_types(Lang::En, "x").starts_with("Types:     x"));
}
