//! The selection language: parsing, matching, messages, and the Display round trip.

use std::collections::HashMap;

use kundenwert_chain::selection::{parse, CustomerFields, Field, Op, Selection, Value};
use kundenwert_core::Lang;
use proptest::prelude::*;

#[derive(Default)]
struct Customer {
    text: HashMap<Field, String>,
    number: HashMap<Field, f64>,
}

impl Customer {
    fn new(id: &str, name: &str, ty: &str, abc: &str, current: f64, future: Option<f64>) -> Self {
        let mut c = Customer::default();
        c.text.insert(Field::Id, id.into());
        c.text.insert(Field::Name, name.into());
        c.text.insert(Field::Type, ty.into());
        c.text.insert(Field::Status, "active".into());
        c.text.insert(Field::Abc, abc.into());
        c.number.insert(Field::CurrentValue, current);
        if let Some(f) = future {
            c.number.insert(Field::FutureValue, f);
        }
        c
    }
}

impl CustomerFields for Customer {
    fn text(&self, field: Field) -> Option<&str> {
        self.text.get(&field).map(String::as_str)
    }
    fn number(&self, field: Field) -> Option<f64> {
        self.number.get(&field).copied()
    }
}

fn customers() -> Vec<Customer> {
    vec![
        Customer::new(
            "10007",
            "Müller Maschinenbau GmbH",
            "growth",
            "A",
            12_000.0,
            Some(25_000.0),
        ),
        Customer::new(
            "10008",
            "Schmidt & Söhne",
            "steady",
            "B",
            6_000.0,
            Some(5_000.0),
        ),
        Customer::new("10009", "MÜLLER Logistik", "shrinking", "C", 800.0, None),
        Customer::new("10010", "Weber AG", "growth", "C", 1_000.0, Some(9_000.0)),
    ]
}

/// Ids of the example customers a selection picks.
fn pick(text: &str) -> Vec<String> {
    let sel = parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    customers()
        .iter()
        .filter(|c| sel.matches(*c))
        .map(|c| c.text[&Field::Id].clone())
        .collect()
}

#[test]
fn example_expressions_select_the_expected_customers() {
    assert_eq!(pick("type=growth and future_value>10000"), ["10007"]);
    assert_eq!(
        pick("type in (growth, steady) and current_value >= 5000 or abc=C"),
        ["10007", "10008", "10009", "10010"]
    );
    assert_eq!(
        pick("type in (growth, steady) and current_value >= 5000"),
        ["10007", "10008"]
    );
    assert_eq!(pick("not type=growth"), ["10008", "10009"]);
    // The German labels the outputs show stand for the type ids, in any case.
    assert_eq!(pick("type = Wachstum"), pick("type = growth"));
    assert_eq!(
        pick("type in (WACHSTUM, unauffällig)"),
        pick("type in (growth, steady)")
    );
    assert_eq!(
        parse("type in (Wachstum, Klette)")
            .expect("parses")
            .to_string(),
        parse("type in (growth, barnacle)")
            .expect("parses")
            .to_string()
    );
    // `~` ignores case, also for umlauts.
    assert_eq!(pick("name ~ \"Müller\""), ["10007", "10009"]);
    assert_eq!(pick("name ~ müller and not (abc = A)"), ["10009"]);
    assert_eq!(pick("future_value > 10_000"), ["10007"]);
    // Three decimals with a zero integer part are not thousands: p_alive 0.125 stays readable.
    assert!(parse("p_alive >= 0.125").is_ok());
    assert_eq!(
        parse("revenue = 1.1250").expect("parses").to_string(),
        "revenue = 1.1250"
    );
    // A missing figure makes the comparison false, also for `!=`; `not` turns it around.
    assert_eq!(pick("future_value != 1"), ["10007", "10008", "10010"]);
    assert_eq!(pick("not future_value > -1"), ["10009"]);
    // `and` binds tighter than `or`; parentheses change that.
    assert_eq!(pick("abc=A or abc=C and type=growth"), ["10007", "10010"]);
    assert_eq!(pick("(abc=A or abc=C) and type=growth"), ["10007", "10010"]);
    assert_eq!(pick("(abc=A or abc=B) and type=growth"), ["10007"]);
    assert_eq!(pick("TYPE = GROWTH UND abc = c"), ["10010"]);
    assert_eq!(
        pick("id = 10008 oder nicht current_value >= 1000"),
        ["10008", "10009"]
    );
}

#[test]
fn parses_to_the_expected_tree() {
    assert_eq!(
        parse("type in (growth, steady) and current_value >= 5000 or abc=A").expect("parses"),
        Selection::Or(vec![
            Selection::And(vec![
                Selection::In {
                    field: Field::Type,
                    values: vec![Value::Text("growth".into()), Value::Text("steady".into())],
                },
                Selection::Compare {
                    field: Field::CurrentValue,
                    op: Op::Ge,
                    value: Value::Number(5000.0)
                },
            ]),
            Selection::Compare {
                field: Field::Abc,
                op: Op::Eq,
                value: Value::Text("A".into())
            },
        ])
    );
    assert_eq!(
        parse("type in (growth, steady) and current_value >= 5000 or abc=A")
            .expect("parses")
            .to_string(),
        "type in (growth, steady) and current_value >= 5000 or abc = A"
    );
}

#[test]
fn errors_point_at_the_column() {
    let cases = [
        (
            "future_value >",
            15,
            "at 15: expected a value after '>'",
            "bei Spalte 15: nach '>' fehlt ein Wert",
        ),
        (
            "type=growth and future_value>",
            30,
            "at 30: expected a value after '>'",
            "bei Spalte 30: nach '>' fehlt ein Wert",
        ),
        (
            "typ=growth",
            1,
            "at 1: unknown field 'typ'",
            "bei Spalte 1: unbekanntes Feld 'typ'",
        ),
        (
            "future_value > 10000,50",
            21,
            "at 21: unexpected ','",
            "bei Spalte 21: unerwartet ','",
        ),
        (
            "future_value > 10.000",
            16,
            "at 16: '10.000' is ambiguous: write 10000 (or group digits with '_') for thousands, 10.0000 for a decimal",
            "bei Spalte 16: '10.000' ist mehrdeutig: Tausender als 10000 schreiben",
        ),
        (
            "name ~ \"Müller",
            8,
            "at 8: the quote is never closed",
            "bei Spalte 8: das Anführungszeichen wird nicht geschlossen",
        ),
        (
            "type < growth",
            6,
            "at 6: '<' does not apply to the field type",
            "bei Spalte 6: '<' passt nicht zum Feld type",
        ),
        (
            "revenue > viel",
            11,
            "at 11: 'viel' is not a number",
            "bei Spalte 11: 'viel' ist keine Zahl",
        ),
        (
            "(type=growth",
            13,
            "at 13: expected ')', found the end",
            "bei Spalte 13: erwartet ')'",
        ),
        (
            "type in growth",
            9,
            "at 9: expected '(' after 'in'",
            "bei Spalte 9: nach 'in' fehlt '('",
        ),
        (
            "type growth",
            6,
            "at 6: expected an operator",
            "bei Spalte 6: erwartet ein Vergleichszeichen",
        ),
        (
            "   ",
            1,
            "at 1: the selection is empty",
            "bei Spalte 1: die Auswahl ist leer",
        ),
        (
            "type = a ! b",
            10,
            "at 10: unexpected character '!'",
            "bei Spalte 10: unerwartetes Zeichen '!'",
        ),
    ];
    for (text, column, en, de) in cases {
        let err = parse(text).expect_err(text);
        assert_eq!(err.column, column, "{text}: {err}");
        assert!(
            err.localized(Lang::En).starts_with(en),
            "{text}: {}",
            err.localized(Lang::En)
        );
        assert!(
            err.localized(Lang::De).starts_with(de),
            "{text}: {}",
            err.localized(Lang::De)
        );
    }
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    let text = format!("{}type=growth{}", "(".repeat(10_000), ")".repeat(10_000));
    let err = parse(&text).expect_err("too deep");
    assert_eq!(err.column, 65, "the 65th parenthesis is one too many");
    assert_eq!(
        err.localized(Lang::En),
        "at 65: nested deeper than 64 levels of parentheses or 'not'"
    );
    let ok = format!("{}type=growth{}", "(".repeat(60), ")".repeat(60));
    assert!(parse(&ok).is_ok());
    let text = format!("{}type=growth", "not ".repeat(10_000));
    assert!(parse(&text).is_err());
}

fn field() -> impl Strategy<Value = Field> {
    prop::sample::select(Field::ALL.to_vec())
}

fn value_for(f: Field) -> BoxedStrategy<Value> {
    if f.is_number() {
        prop_oneof![
            (-1_000_000i64..1_000_000).prop_map(|n| Value::Number(n as f64)),
            (-1.0e9f64..1.0e9).prop_map(Value::Number),
        ]
        .boxed()
    } else {
        // Any text, including quotes, backslashes, keywords, operators and blanks.
        prop_oneof![
            "[a-zA-Z0-9äöüÄÖÜß_.&-]{1,12}",
            ".{0,12}",
            prop::sample::select(vec![
                "and", "OR", "not", "in", "nicht", "\"", "\\", "a\\\"b", " ", ""
            ])
            .prop_map(String::from),
        ]
        .prop_map(Value::Text)
        .boxed()
    }
}

fn leaf() -> impl Strategy<Value = Selection> {
    field().prop_flat_map(|f| {
        let ops: Vec<Op> = if f.is_number() {
            vec![Op::Eq, Op::Ne, Op::Lt, Op::Le, Op::Gt, Op::Ge]
        } else {
            vec![Op::Eq, Op::Ne, Op::Contains]
        };
        prop_oneof![
            (prop::sample::select(ops), value_for(f)).prop_map(move |(op, value)| {
                Selection::Compare {
                    field: f,
                    op,
                    value,
                }
            }),
            prop::collection::vec(value_for(f), 1..4)
                .prop_map(move |values| Selection::In { field: f, values }),
        ]
    })
}

/// Trees as the parser builds them: `And`/`Or` with two or more parts, never an `And` directly
/// inside an `And` (the parser flattens `a and b and c`), likewise for `Or`.
fn selection() -> impl Strategy<Value = Selection> {
    leaf().prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(|s| Selection::Not(Box::new(s))),
            prop::collection::vec(inner.clone(), 2..4).prop_map(Selection::And),
            prop::collection::vec(inner, 2..4).prop_map(Selection::Or),
        ]
    })
}

proptest! {
    #[test]
    fn parser_never_panics(text in "\\PC{0,60}") {
        let _ = parse(&text);
    }

    #[test]
    fn parser_never_panics_on_near_misses(text in "[a-z_ ()=!<>~,\"0-9.-]{0,60}") {
        if let Err(e) = parse(&text) {
            prop_assert!(e.column >= 1 && e.column <= text.chars().count() + 1);
        }
    }

    #[test]
    fn display_parses_back_to_the_same_selection(sel in selection()) {
        let text = sel.to_string();
        let back = parse(&text).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        // Nested And-in-And (or Or-in-Or) are printed with parentheses and come back nested,
        // so the tree is equal, not merely equivalent.
        prop_assert_eq!(&back, &sel, "{}", text);
        prop_assert_eq!(back.to_string(), text);
    }

    #[test]
    fn display_of_any_parsed_text_is_a_fixed_point(text in "[a-z_ ()=<>~,0-9]{0,40}") {
        if let Ok(sel) = parse(&text) {
            let canonical = sel.to_string();
            prop_assert_eq!(parse(&canonical).expect("canonical parses"), sel);
        }
    }
}
