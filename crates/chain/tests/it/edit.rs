//! Editing commands: each edit is checked like a file and leaves the chain unchanged on errors.

use kundenwert_chain::edit::{
    actor_from_fields, add_actor, add_flow, add_person, flow_from_fields, person_from_fields,
    remove_actor, remove_flow, remove_person, set_actor_field, set_person_field,
};
use kundenwert_chain::{parse, Chain, Contact, EditError, FlowKind, Lang, Tier};

fn chain() -> Chain {
    parse(
        "chain: Test\nsubject: product\nactors:\n  - {id: lief, tier: supplier, name: Lieferant}\n  - {id: wir, tier: self, name: Wir}\n  - {id: kunde, tier: customer, name: Kunde, persons: [{name: Eva, contact: direct}]}\nflows:\n  - {from: lief, to: wir, kind: goods}\n  - {from: wir, to: kunde, kind: goods}\n",
        None,
    )
    .expect("valid")
}

#[test]
fn set_actor_field_uses_the_file_messages() {
    let mut c = chain();
    let before = c.clone();
    let e = set_actor_field(&mut c, "kunde", "tier", "kunde").unwrap_err();
    assert_eq!(
        e.localized(Lang::En),
        "actors[2].tier: 'kunde' is not one of supplier, self, customer, customer_of_customer, user, other"
    );
    let e = set_actor_field(&mut c, "kunde", "importance", "9").unwrap_err();
    assert_eq!(
        e.localized(Lang::De),
        "actors[2].importance: 9 liegt nicht zwischen 1 und 5"
    );
    let e = set_actor_field(&mut c, "kunde", "importence", "3").unwrap_err();
    assert!(e
        .localized(Lang::En)
        .starts_with("actors[2].importence: unknown key (did you mean 'importance'?)"));
    let e = set_actor_field(&mut c, "kunde", "tier", "self").unwrap_err();
    assert!(e
        .localized(Lang::En)
        .contains("a second actor with tier 'self'"));
    assert_eq!(c, before, "failed edits leave the chain unchanged");

    set_actor_field(&mut c, "kunde", "importance", "5").unwrap();
    set_actor_field(&mut c, "kunde", "success_factors", "Preis, Qualität").unwrap();
    set_actor_field(&mut c, "kunde", "size", "large").unwrap();
    let k = c.actor("kunde").unwrap();
    assert_eq!(k.importance, Some(5));
    assert_eq!(k.success_factors, ["Preis", "Qualität"]);
    set_actor_field(&mut c, "kunde", "importance", "").unwrap();
    assert_eq!(c.actor("kunde").unwrap().importance, None);
    let e = set_actor_field(&mut c, "kunde", "name", "").unwrap_err();
    assert_eq!(e.localized(Lang::En), "actors[2].name: missing (required)");
}

#[test]
fn renaming_an_actor_renames_its_flows() {
    let mut c = chain();
    set_actor_field(&mut c, "wir", "id", "hersteller").unwrap();
    assert_eq!(c.flows[0].to, "hersteller");
    assert_eq!(c.flows[1].from, "hersteller");
    let e = set_actor_field(&mut c, "hersteller", "id", "kunde").unwrap_err();
    assert!(e
        .localized(Lang::En)
        .contains("actor id 'kunde' is already used"));
}

#[test]
fn remove_actor_guards_flows_and_self() {
    let mut c = chain();
    assert_eq!(
        remove_actor(&mut c, "lief", false).unwrap_err(),
        EditError::ActorInUse {
            id: "lief".into(),
            flows: 1
        }
    );
    assert_eq!(
        remove_actor(&mut c, "wir", true).unwrap_err(),
        EditError::OnlySelf("wir".into())
    );
    assert_eq!(
        remove_actor(&mut c, "nix", true).unwrap_err(),
        EditError::NoSuchActor("nix".into())
    );
    let removed = remove_actor(&mut c, "lief", true).unwrap();
    assert_eq!(removed.id, "lief");
    assert_eq!(c.flows.len(), 1);
    assert!(c.actor("lief").is_none());
}

#[test]
fn add_actor_checks_and_groups_by_tier() {
    let mut c = chain();
    let a = actor_from_fields(&[
        ("id", "lief2"),
        ("tier", "supplier"),
        ("name", "Zweiter"),
        ("count", "3"),
    ])
    .unwrap();
    add_actor(&mut c, a).unwrap();
    assert_eq!(c.actors[1].id, "lief2", "inserted after the other supplier");
    let dup = actor_from_fields(&[("id", "wir"), ("tier", "user"), ("name", "X")]).unwrap();
    let e = add_actor(&mut c, dup).unwrap_err();
    assert!(e
        .localized(Lang::En)
        .contains("actor id 'wir' is already used"));
    let e = actor_from_fields(&[("id", "x"), ("tier", "nutzer"), ("persons", "a")]).unwrap_err();
    assert_eq!(
        e.localized(Lang::En),
        "tier: 'nutzer' is not one of supplier, self, customer, customer_of_customer, user, other\npersons: unknown key; allowed: id, tier, name, count, size, importance, competitive_position, relationship, success_factors, notes, customer, segment\nname: missing (required)"
    );
}

#[test]
fn persons_are_addressed_by_actor_and_name() {
    let mut c = chain();
    let p = person_from_fields(&[
        ("name", "Jan"),
        ("contact", "indirect"),
        ("last_contact", "2025-01-31"),
    ])
    .unwrap();
    add_person(&mut c, "kunde", p.clone()).unwrap();
    let e = add_person(&mut c, "kunde", p).unwrap_err();
    assert_eq!(
        e.localized(Lang::En),
        "actors[2].persons[2].name: person 'Jan' appears twice at this actor"
    );
    set_person_field(&mut c, "kunde", "Jan", "contact", "direct").unwrap();
    assert_eq!(
        c.actor("kunde").unwrap().persons[1].contact,
        Contact::Direct
    );
    let e = set_person_field(&mut c, "kunde", "Jan", "last_contact", "31.01.2025").unwrap_err();
    assert_eq!(
        e.localized(Lang::En),
        "actors[2].persons[1].last_contact: '31.01.2025' is not a date of the form YYYY-MM-DD"
    );
    assert_eq!(
        set_person_field(&mut c, "kunde", "Nobody", "role", "x")
            .unwrap_err()
            .localized(Lang::De),
        "Akteur 'kunde' hat keine Person 'Nobody'"
    );
    assert_eq!(remove_person(&mut c, "kunde", "Jan").unwrap().name, "Jan");
    assert_eq!(c.actor("kunde").unwrap().persons.len(), 1);
}

#[test]
fn flows_are_addressed_by_from_to_kind() {
    let mut c = chain();
    let f = flow_from_fields("kunde", "wir", "money", Some("Zahlung")).unwrap();
    add_flow(&mut c, f.clone()).unwrap();
    assert_eq!(
        add_flow(&mut c, f).unwrap_err().localized(Lang::En),
        "flows[3]: the same flow (from, to, kind) appears twice"
    );
    let bad = flow_from_fields("kunde", "xyz", "money", None).unwrap();
    assert_eq!(
        add_flow(&mut c, bad).unwrap_err().localized(Lang::En),
        "flows[3].to: unknown actor 'xyz'"
    );
    assert_eq!(
        flow_from_fields("a", "b", "geld", None)
            .unwrap_err()
            .localized(Lang::En),
        "kind: 'geld' is not one of goods, service, money, information, influence"
    );
    assert!(remove_flow(&mut c, "kunde", "wir", FlowKind::Goods).is_err());
    assert_eq!(
        remove_flow(&mut c, "kunde", "wir", FlowKind::Money)
            .unwrap()
            .label
            .as_deref(),
        Some("Zahlung")
    );
    assert_eq!(c.flows.len(), 2);
    assert_eq!(
        c.actors.iter().filter(|a| a.tier == Tier::SelfTier).count(),
        1
    );
}
