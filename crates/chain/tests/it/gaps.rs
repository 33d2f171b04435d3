//! Contact gaps on the fixture chains.

use std::path::Path;

use chrono::NaiveDate;
use kundenwert_chain::gaps::gaps_with;
use kundenwert_chain::{gaps, parse, Chain, Lang, Tier};

fn load(name: &str) -> Chain {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name);
    parse(&std::fs::read_to_string(path).unwrap(), None).unwrap()
}

#[test]
fn hydraulik_gaps() {
    let today = NaiveDate::from_ymd_opt(2025, 11, 1);
    let g = gaps(&load("hydraulik.yaml"), today);
    let ids: Vec<&str> = g
        .actors_without_persons
        .iter()
        .map(|a| a.id.as_str())
        .collect();
    assert_eq!(ids, ["lohnunternehmer"]);
    let none: Vec<&str> = g
        .persons_without_contact
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(none, ["Sabine Roth", "Klaus Meier"]);
    // Direct contact exists at the suppliers (Anna Berg) and the customer (Petra Schäfer) only.
    assert_eq!(
        g.tiers_without_direct_contact,
        [Tier::CustomerOfCustomer, Tier::User, Tier::Other]
    );
    // 2023-05-02 and 2024-02-20 are more than 365 days before 2025-11-01 (914 and 620 days).
    let stale: Vec<(&str, Option<i64>)> = g
        .stale_contacts
        .iter()
        .map(|p| (p.name.as_str(), p.days_since))
        .collect();
    assert_eq!(
        stale,
        [("Thomas Lang", Some(914)), ("Uwe Brandt", Some(620))]
    );
    insta::assert_snapshot!("hydraulik_gaps_de", g.render(Lang::De));
    insta::assert_snapshot!("hydraulik_gaps_json", g.to_json());
}

#[test]
fn stale_limit_and_no_today() {
    let c = load("hydraulik.yaml");
    assert!(gaps(&c, None).stale_contacts.is_empty());
    let today = NaiveDate::from_ymd_opt(2025, 11, 1);
    // Exactly 620 days is not more than 620.
    let g = gaps_with(&c, today, 620);
    assert_eq!(g.stale_contacts.len(), 1);
    assert_eq!(gaps_with(&c, today, 619).stale_contacts.len(), 2);
}

#[test]
fn packaging_gaps_in_english() {
    let g = gaps(
        &load("packaging.json"),
        NaiveDate::from_ymd_opt(2025, 11, 1),
    );
    insta::assert_snapshot!("packaging_gaps_en", g.render(Lang::En));
}

#[test]
fn a_chain_without_gaps_says_so() {
    let c = parse(
        "chain: C\nsubject: service\nactors:\n  - {id: w, tier: self, name: W}\n  - {id: k, tier: customer, name: K, persons: [{name: P, contact: direct}]}\n",
        None,
    )
    .unwrap();
    let g = gaps(&c, None);
    assert!(g.is_empty());
    assert!(g.render(Lang::En).starts_with("No contact gaps"));
}
