//! The focus plan: parsing with every problem reported, canonical exports that round-trip, and
//! the Markdown/HTML reports.

use chrono::NaiveDate;
use kundenwert_chain::parse::Format;
use kundenwert_chain::plan::{
    parse_plan, plan_to_json, plan_to_yaml, to_html, to_markdown, validate_plan, Activity, Plan,
    PlanContext, Reason, ReasonKind, Scope, ScopeKind, Status, TargetCustomer, Targets,
};
use kundenwert_core::Lang;
use proptest::prelude::*;

const GROWTH: &str = include_str!("../../fixtures/plan_growth.yaml");
const BAD: &str = include_str!("../../fixtures/plan_bad.yaml");

fn growth() -> Plan {
    parse_plan(GROWTH, None).unwrap_or_else(|e| panic!("{}", e.localized(Lang::En)))
}

fn context() -> PlanContext {
    PlanContext {
        as_of: NaiveDate::from_ymd_opt(2025, 12, 31),
        customers: vec![
            TargetCustomer {
                id: "10007".into(),
                name: Some("Müller Maschinenbau GmbH".into()),
                type_label: Some("Wachstumskunde".into()),
                current_value: Some(12_345.6),
                future_value: Some(1_234_567.4),
            },
            TargetCustomer {
                id: "10042".into(),
                name: Some("Schmidt | Söhne <KG>".into()),
                type_label: Some("Wachstumskunde".into()),
                current_value: Some(-250.0),
                future_value: None,
            },
        ],
    }
}

#[test]
fn reads_the_handwritten_plan() {
    let p = growth();
    assert_eq!(p.plan, "Wachstumskunden Süd 2025");
    assert_eq!(
        p.scope,
        Scope {
            kind: ScopeKind::CustomerType,
            value: "growth".into()
        }
    );
    assert_eq!(
        p.reasons[0],
        Reason {
            kind: ReasonKind::Growth,
            text: None
        }
    );
    assert_eq!(p.reasons[1].kind, ReasonKind::Retention);
    // Unquoted YAML numbers are customer numbers, kept as text.
    assert_eq!(p.targets.customers, ["10007", "10099"]);
    assert_eq!(
        p.targets.selection.as_deref(),
        Some("type=growth and future_value > 10_000")
    );
    assert_eq!(p.activities.len(), 3);
    assert_eq!(
        p.activities[0],
        Activity {
            what: "Jahresgespräch mit der Geschäftsführung".into(),
            owner: Some("Max Weber".into()),
            due: NaiveDate::from_ymd_opt(2025, 3, 31),
            status: Status::InProgress,
            priority: Some(1),
            actor: None,
            customer: Some("10007".into()),
            person: Some("Anna Berg".into()),
        }
    );
    assert_eq!(p.activities[2].status, Status::Dropped);
    assert_eq!(p.coaching, ["10007"]);
    assert_eq!(p.priorities.len(), 2);
    assert_eq!(
        p.notes.as_deref(),
        Some("Erste Zeile.\nZweite Zeile mit <b>HTML</b> & \"Zitat\".\n")
    );
}

#[test]
fn reports_every_problem_with_its_path() {
    let errors = parse_plan(BAD, Some(Format::Yaml)).expect_err("bad plan");
    let en: Vec<String> = errors.0.iter().map(|e| e.localized(Lang::En)).collect();
    assert_eq!(
        en,
        [
            "plan: must not be empty",
            "scope.kind: 'kundentyp' is not one of customer_type, product, service, chain",
            "reasons[0]: 'wachstum' is not one of growth, profitability, innovation, retention, other",
            "reasons[1].txt: unknown key (did you mean 'text'?); allowed: kind, text",
            "targets.customers: expected a list, found 10007",
            "targets.selection: at 31: expected a value after '>'",
            "activities[0].due: '31.03.2025' is not a date of the form YYYY-MM-DD",
            "activities[0].status: 'offen' is not one of open, in_progress, done, dropped",
            "activities[0].priority: 5 is not between 1 and 3",
            "activities[1].what: missing (required)",
            "activities[1].priority: expected a whole number, found 'hoch'",
            "priorites: unknown key (did you mean 'priorities'?); allowed: plan, scope, reasons, targets, activities, coaching, priorities, notes",
        ]
    );
    let de: Vec<String> = errors.0.iter().map(|e| e.localized(Lang::De)).collect();
    assert_eq!(de[0], "plan: darf nicht leer sein");
    assert_eq!(
        de[5],
        "targets.selection: bei Spalte 31: nach '>' fehlt ein Wert"
    );
    assert_eq!(
        de[7],
        "activities[0].status: 'offen' ist keiner der Werte open, in_progress, done, dropped"
    );
}

#[test]
fn a_broken_value_is_reported_once_and_its_neighbours_still_checked() {
    // `scope.kind` is broken, so `scope.value` is not judged against a guessed kind; the empty
    // name and the bad selection are still found in the same run; list indices stay true.
    let text = "plan: ' '\nscope: {kind: 3, value: growht}\ntargets: {selection: 'type=growth or'}\nactivities: [17, {what: ' ', priority: 0}]\n";
    let errors = parse_plan(text, None).expect_err("bad");
    let en: Vec<String> = errors.0.iter().map(|e| e.localized(Lang::En)).collect();
    assert_eq!(
        en,
        [
            "plan: must not be empty",
            "scope.kind: expected a text, found 3",
            "targets.selection: at 15: expected a field (id, name, type, status, abc, current_value, future_value, revenue, margin, p_alive, transactions), found the end",
            "activities[0]: expected a mapping (key: value), found 17",
            "activities[1].what: must not be empty",
            "activities[1].priority: 0 is not between 1 and 3",
        ]
    );
    let text = "plan: p\nscope: {kind: customer_type, value: growht}\n";
    let errors = parse_plan(text, None).expect_err("bad");
    assert_eq!(
        errors.localized(Lang::En),
        "scope.value: 'growht' is not one of steady, cyclical, bell, growth, shrinking, barnacle, new"
    );
}

#[test]
fn syntax_errors_and_non_mappings_are_single_errors() {
    let errors = parse_plan("plan: [unclosed", None).expect_err("syntax");
    assert_eq!(errors.0.len(), 1);
    assert!(errors
        .localized(Lang::De)
        .starts_with("Datei nicht lesbar (Syntaxfehler): "));
    let errors = parse_plan("[1, 2]", Some(Format::Json)).expect_err("not a mapping");
    assert_eq!(
        errors.localized(Lang::En),
        "expected a mapping (key: value), found […]"
    );
    let errors = parse_plan("{}", None).expect_err("empty");
    assert_eq!(
        errors.localized(Lang::En),
        "plan: missing (required)\nscope: missing (required)"
    );
}

#[test]
fn canonical_exports_are_stable_and_round_trip() {
    let p = growth();
    let yaml = plan_to_yaml(&p);
    let json = plan_to_json(&p);
    insta::assert_snapshot!("canonical_yaml", yaml);
    insta::assert_snapshot!("canonical_json", json);
    let from_yaml = parse_plan(&yaml, None).expect("canonical YAML parses");
    let from_json = parse_plan(&json, None).expect("canonical JSON parses");
    assert_eq!(from_yaml, p);
    assert_eq!(from_json, p);
    assert_eq!(plan_to_yaml(&from_json), yaml, "byte-stable across formats");
    assert_eq!(plan_to_json(&from_yaml), json);
    validate_plan(&p).expect("valid");
}

#[test]
fn saved_selection_references_are_not_parsed_as_expressions() {
    let p = parse_plan("plan: p\nscope: {kind: chain, value: Hydraulik}\ntargets: {selection: '@wachstum_gross'}\n", None).expect("parses");
    assert_eq!(p.targets.saved_selection(), Some("wachstum_gross"));
}

#[test]
fn markdown_and_html_reports() {
    let p = growth();
    let ctx = context();
    insta::assert_snapshot!("markdown_de", to_markdown(&p, &ctx, Lang::De));
    insta::assert_snapshot!("markdown_en", to_markdown(&p, &ctx, Lang::En));
    insta::assert_snapshot!("html_de", to_html(&p, &ctx, Lang::De));
    let en = to_html(&p, &ctx, Lang::En);
    assert!(en.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(en.contains("<td class=\"n\">12,346</td><td class=\"n\">1,234,567</td>"));
}

#[test]
fn reports_escape_user_text() {
    let mut p = growth();
    p.plan = "<script>alert('x')</script> | *fett*".into();
    let html = to_html(&p, &PlanContext::default(), Lang::En);
    assert!(!html.contains("<script>"));
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; | *fett*"));
    let md = to_markdown(&p, &PlanContext::default(), Lang::En);
    assert!(md.starts_with("# Focus plan: \\<script\\>alert('x')\\</script\\> \\| \\*fett\\*\n"));
    assert!(md.contains("No customers selected."));
    assert!(md.contains("Not found in the data: 10007, 10099"));
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-ZäöüÄÖÜß0-9 ]{1,20}",
        "\\PC{1,20}",
        prop::sample::select(vec![
            "yes",
            "no",
            "null",
            "~",
            "true",
            "1e3",
            "0x10",
            "- a",
            "a: b",
            "#x",
            " lead",
            "trail ",
            "2025-01-01",
            "'",
            "\"",
            "a\nb",
            "\n",
            "@",
            "&a",
            "*a",
            "!x",
            "%",
            "10007"
        ])
        .prop_map(String::from),
    ]
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    prop::option::of(text())
}

fn activity() -> impl Strategy<Value = Activity> {
    (
        text(),
        opt_text(),
        prop::option::of(
            (1i32..9000, 1u32..13, 1u32..29)
                .prop_map(|(y, m, d)| NaiveDate::from_ymd_opt(y + 1000, m, d).expect("valid")),
        ),
        prop::sample::select(Status::ALL.to_vec()),
        prop::option::of(1u8..=3),
        (opt_text(), opt_text(), opt_text()),
    )
        .prop_map(
            |(what, owner, due, status, priority, (actor, customer, person))| Activity {
                what,
                owner,
                due,
                status,
                priority,
                actor,
                customer,
                person,
            },
        )
}

fn plan() -> impl Strategy<Value = Plan> {
    (
        text(),
        (
            prop::sample::select(vec![
                ScopeKind::Product,
                ScopeKind::Service,
                ScopeKind::Chain,
            ]),
            text(),
        ),
        prop::collection::vec(
            (prop::sample::select(ReasonKind::ALL.to_vec()), opt_text()),
            0..3,
        ),
        (
            prop::collection::vec(text(), 0..3),
            prop::option::of(prop::sample::select(vec![
                "type = growth",
                "@gespeichert",
                "name ~ \"Müller\" or abc = A",
            ])),
        ),
        prop::collection::vec(activity(), 0..3),
        (
            prop::collection::vec(text(), 0..3),
            prop::collection::vec(text(), 0..3),
            opt_text(),
        ),
    )
        .prop_map(
            |(
                plan,
                (kind, value),
                reasons,
                (customers, selection),
                activities,
                (coaching, priorities, notes),
            )| Plan {
                plan,
                scope: Scope { kind, value },
                reasons: reasons
                    .into_iter()
                    .map(|(kind, text)| Reason { kind, text })
                    .collect(),
                targets: Targets {
                    customers,
                    selection: selection.map(String::from),
                },
                activities,
                coaching,
                priorities,
                notes,
            },
        )
        // Blank texts are refused by validation; the round trip is about valid plans.
        .prop_filter("valid plans only", |p| validate_plan(p).is_ok())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]
    #[test]
    fn any_valid_plan_round_trips_through_yaml_and_json(p in plan()) {
        let yaml = plan_to_yaml(&p);
        let back = parse_plan(&yaml, None).map_err(|e| TestCaseError::fail(format!("{yaml}\n{e}")))?;
        prop_assert_eq!(&back, &p, "{}", yaml);
        prop_assert_eq!(plan_to_yaml(&back), yaml);
        let json = plan_to_json(&p);
        let back = parse_plan(&json, None).map_err(|e| TestCaseError::fail(format!("{json}\n{e}")))?;
        prop_assert_eq!(&back, &p);
    }

    #[test]
    fn parser_never_panics(text in "\\PC{0,200}") {
        let _ = parse_plan(&text, None);
    }
}

#[test]
fn duplicate_keys_are_reported_not_silently_merged() {
    // Two `activities:` blocks: a YAML reader would keep only the second and lose the first.
    let text = "plan: a\nscope: {kind: product, value: x}\nactivities: [{what: eins, what: zwei}]\nactivities: [{what: drei}]\n";
    let errors = parse_plan(text, None).expect_err("duplicates");
    assert_eq!(
        errors.localized(Lang::En),
        "activities: key appears twice\nactivities[0].what: key appears twice"
    );
    let json = r#"{"plan": "a", "plan": "b", "scope": {"kind": "product", "value": "x"}}"#;
    let errors = parse_plan(json, None).expect_err("duplicates");
    assert_eq!(
        errors.localized(Lang::De),
        "plan: Schlüssel kommt doppelt vor"
    );
}

struct Fields(&'static str, &'static str, f64);

impl kundenwert_chain::selection::CustomerFields for Fields {
    fn text(&self, field: kundenwert_chain::selection::Field) -> Option<&str> {
        use kundenwert_chain::selection::Field;
        match field {
            Field::Id => Some(self.0),
            Field::Type => Some(self.1),
            _ => None,
        }
    }
    fn number(&self, field: kundenwert_chain::selection::Field) -> Option<f64> {
        (field == kundenwert_chain::selection::Field::FutureValue).then_some(self.2)
    }
}

#[test]
fn targets_are_listed_customers_or_selection_matches() {
    let p = growth();
    let filter = p.targets.filter(None).expect("selection parses");
    let picked: Vec<&str> = [
        Fields("10007", "steady", 0.0),      // listed
        Fields("10008", "growth", 20_000.0), // matched by the selection
        Fields("10009", "growth", 5_000.0),  // growth, but too little future value
        Fields("10010", "bell", 50_000.0),   // wrong type
    ]
    .iter()
    .filter(|c| filter.matches(*c))
    .map(|c| c.0)
    .collect();
    assert_eq!(picked, ["10007", "10008"]);
    // A saved selection is looked up by the caller and passed in.
    let mut saved = p.clone();
    saved.targets = Targets {
        customers: vec![],
        selection: Some("@grosse".into()),
    };
    let filter = saved
        .targets
        .filter(Some("future_value >= 50000"))
        .expect("parses");
    assert!(filter.matches(&Fields("10010", "bell", 50_000.0)));
    assert!(!filter.matches(&Fields("10007", "steady", 0.0)));
    let err = saved
        .targets
        .filter(Some("future_value >="))
        .expect_err("bad saved selection");
    assert_eq!(err.column, 16);
}

/// Activities point at actors and persons of the chains: a missing actor and a person the actor
/// does not have are each named with their activity; a known pair passes.
#[test]
fn activities_are_checked_against_the_chains_actors_and_persons() {
    use kundenwert_chain::plan::{check_links, LinkProblem};
    let chain = kundenwert_chain::parse(include_str!("../../fixtures/hydraulik.yaml"), None)
        .expect("fixture chain");
    let mut plan = growth();
    // activities[1] names `landmaschinen`, which the fixture chain does not have.
    assert_eq!(
        check_links(&plan, std::slice::from_ref(&chain)),
        vec![LinkProblem::NoSuchActor {
            activity: 1,
            actor: "landmaschinen".into()
        }]
    );
    plan.activities[1].actor = Some("oem".into());
    plan.activities[1].person = Some("Thomas Lang".into());
    assert!(check_links(&plan, std::slice::from_ref(&chain)).is_empty());
    plan.activities[1].person = Some("Anna Berg".into());
    let problems = check_links(&plan, std::slice::from_ref(&chain));
    assert_eq!(
        problems[0].localized(Lang::En),
        "activities[1].person: `Anna Berg` is not known at `oem`"
    );
    assert!(
        check_links(&plan, &[]).len() == 1,
        "no chains: the actor is missing"
    );
}
