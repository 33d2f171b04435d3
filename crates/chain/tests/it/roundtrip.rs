//! Property: any valid chain survives export → import unchanged, and exports are fixed points.

use chrono::NaiveDate;
use kundenwert_chain::{
    parse, to_json, to_yaml, Actor, Chain, CompetitivePosition, Contact, Flow, FlowKind, Format,
    Person, Relationship, Size, Subject, Tier,
};
use proptest::prelude::*;

fn text() -> impl Strategy<Value = String> {
    // Arbitrary unicode plus the characters YAML and JSON treat specially, mixed in often.
    prop_oneof![
        any::<String>(),
        "[ -~äöüß\n\t#:&<>\"'\\-]{0,12}",
        prop::sample::select(vec![
            "true".to_string(),
            "null".into(),
            "~".into(),
            "- x".into(),
            " lead".into(),
            "trail ".into(),
            "1e3".into(),
            "0x1F".into(),
            "a: b".into(),
            "#c".into(),
        ]),
    ]
}

fn nonempty() -> impl Strategy<Value = String> {
    text().prop_filter("non-empty", |s| !s.trim().is_empty())
}

fn opt<T: std::fmt::Debug + Clone>(
    s: impl Strategy<Value = T>,
) -> impl Strategy<Value = Option<T>> {
    prop::option::of(s)
}

fn pick<T: Copy + std::fmt::Debug + 'static>(all: &'static [T]) -> impl Strategy<Value = T> {
    prop::sample::select(all)
}

fn date() -> impl Strategy<Value = NaiveDate> {
    (1900i32..2100, 1u32..=12, 1u32..=28)
        .prop_map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap())
}

fn person() -> impl Strategy<Value = Person> {
    (
        nonempty(),
        opt(text()),
        pick(Contact::ALL),
        opt(text()),
        opt(date()),
        opt(text()),
    )
        .prop_map(
            |(name, role, contact, known_by, last_contact, notes)| Person {
                name,
                role,
                contact,
                known_by,
                last_contact,
                notes,
            },
        )
}

fn actor() -> impl Strategy<Value = Actor> {
    (
        (
            nonempty(),
            pick(Tier::ALL),
            nonempty(),
            opt(1u32..=u32::MAX),
            opt(pick(Size::ALL)),
            opt(1u8..=5),
        ),
        (
            opt(pick(CompetitivePosition::ALL)),
            opt(pick(Relationship::ALL)),
            prop::collection::vec(text(), 0..3),
            opt(text()),
            opt(text()),
            opt(text()),
            prop::collection::vec(person(), 0..3),
        ),
    )
        .prop_map(
            |(
                (id, tier, name, count, size, importance),
                (cp, rel, sf, notes, customer, segment, persons),
            )| Actor {
                id,
                tier,
                name,
                count,
                size,
                importance,
                competitive_position: cp,
                relationship: rel,
                success_factors: sf,
                notes,
                customer,
                segment,
                persons,
            },
        )
}

/// A valid chain: unique ids, exactly one self actor, unique person names, flows between actors.
fn chain() -> impl Strategy<Value = Chain> {
    (
        nonempty(),
        pick(Subject::ALL),
        opt(text()),
        prop::collection::vec(actor(), 1..5),
        prop::collection::vec(
            (
                any::<prop::sample::Index>(),
                any::<prop::sample::Index>(),
                pick(FlowKind::ALL),
                opt(text()),
            ),
            0..6,
        ),
    )
        .prop_map(|(name, subject, description, mut actors, flows)| {
            for (i, a) in actors.iter_mut().enumerate() {
                a.id = format!("{}{i}", a.id);
                if a.tier == Tier::SelfTier {
                    a.tier = Tier::Other;
                }
                let mut seen = std::collections::HashSet::new();
                a.persons.retain(|p| seen.insert(p.name.clone()));
            }
            actors[0].tier = Tier::SelfTier;
            let mut seen = std::collections::HashSet::new();
            let flows = flows
                .into_iter()
                .map(|(f, t, kind, label)| Flow {
                    from: f.get(&actors).id.clone(),
                    to: t.get(&actors).id.clone(),
                    kind,
                    label,
                })
                .filter(|f| f.from != f.to && seen.insert((f.from.clone(), f.to.clone(), f.kind)))
                .collect();
            Chain {
                chain: name,
                subject,
                description,
                actors,
                flows,
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn yaml_round_trip(c in chain()) {
        let y = to_yaml(&c);
        let back = parse(&y, Some(Format::Yaml));
        prop_assert_eq!(back.as_ref().map_err(|e| format!("{e}\n{y}")), Ok(&c));
        prop_assert_eq!(to_yaml(back.as_ref().unwrap()), y);
    }

    #[test]
    fn json_round_trip(c in chain()) {
        let j = to_json(&c);
        let back = parse(&j, Some(Format::Json));
        prop_assert_eq!(back.as_ref().map_err(|e| format!("{e}\n{j}")), Ok(&c));
        prop_assert_eq!(to_json(back.as_ref().unwrap()), j);
    }
}
