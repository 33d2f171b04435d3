//! The chain model: a chain of actor types (supplier → self → customer → customer's customer → user),
//! the persons we know at each actor and the flows between actors.
//!
//! Field names are the keys of the chain file; enum values are the lowercase
//! snake_case identifiers of that file. Optional fields are omitted when absent, empty lists too,
//! so that the canonical export stays short and byte-stable.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Declares a closed set of file values with its identifier and the catalog accessor of its label in
/// one place, so that parsing, messages ("allowed values") and labels can never drift apart. Chain
/// files and plan files both declare theirs with it.
macro_rules! file_enum {
    (
        $(#[$meta:meta])*
        $name:ident {
            $($variant:ident = $id:literal, $label:ident;)*
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
        )]
        pub enum $name {
            $(
                #[doc = concat!("`", $id, "`; label: `text::", stringify!($label), "`.")]
                #[serde(rename = $id)]
                $variant,
            )*
        }

        impl $name {
            /// All values in their canonical order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The identifier used in files and JSON.
            pub fn id(&self) -> &'static str {
                match self {
                    $($name::$variant => $id,)*
                }
            }

            /// The label a reader sees, in German or English.
            pub fn label(&self, lang: kundenwert_core::Lang) -> &'static str {
                match self {
                    $($name::$variant => kundenwert_text::$label(lang),)*
                }
            }

            /// The value for a file identifier (exact, case-sensitive like the file format).
            pub fn from_id(id: &str) -> Option<$name> {
                match id {
                    $($id => Some($name::$variant),)*
                    _ => None,
                }
            }

            /// The allowed identifiers, comma-separated, for error messages.
            pub fn allowed() -> String {
                Self::ALL.iter().map(|v| v.id()).collect::<Vec<_>>().join(", ")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.id())
            }
        }
    };
}

pub(crate) use file_enum;

file_enum! {
    /// What the chain is drawn for.
    Subject {
        Product = "product", chain_subject_product;
        Service = "service", chain_subject_service;
        CustomerGroup = "customer_group", chain_subject_customer_group;
    }
}

file_enum! {
    /// The stage of the chain an actor belongs to; `ALL` is in chain order (left to right).
    Tier {
        Supplier = "supplier", chain_tier_supplier;
        SelfTier = "self", chain_tier_self;
        Customer = "customer", chain_tier_customer;
        CustomerOfCustomer = "customer_of_customer", chain_tier_customer_of_customer;
        User = "user", chain_tier_user;
        Other = "other", chain_tier_other;
    }
}

file_enum! {
    /// Company size of an actor.
    Size {
        Micro = "micro", chain_size_micro;
        Small = "small", chain_size_small;
        Medium = "medium", chain_size_medium;
        Large = "large", chain_size_large;
    }
}

file_enum! {
    /// Position of an actor in its own market.
    CompetitivePosition {
        Leader = "leader", chain_position_leader;
        Challenger = "challenger", chain_position_challenger;
        Follower = "follower", chain_position_follower;
        Niche = "niche", chain_position_niche;
    }
}

file_enum! {
    /// Our business relationship with an actor.
    Relationship {
        None = "none", chain_relationship_none;
        Indirect = "indirect", chain_relationship_indirect;
        Prospect = "prospect", chain_relationship_prospect;
        Customer = "customer", chain_relationship_customer;
        Supplier = "supplier", chain_relationship_supplier;
        Partner = "partner", chain_relationship_partner;
    }
}

file_enum! {
    /// How we reach a person: directly, only through others, or not at all.
    Contact {
        Direct = "direct", chain_contact_direct;
        Indirect = "indirect", chain_contact_indirect;
        None = "none", chain_contact_none;
    }
}

file_enum! {
    /// What moves between two actors.
    FlowKind {
        Goods = "goods", chain_flow_goods;
        Service = "service", chain_flow_service;
        Money = "money", chain_flow_money;
        Information = "information", chain_flow_information;
        Influence = "influence", chain_flow_influence;
    }
}

/// One problem-solving chain for a product, service or customer group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Chain {
    /// The chain's name.
    pub chain: String,
    /// What the chain is drawn for.
    pub subject: Subject,
    /// Free text describing the chain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The actors, in file order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actors: Vec<Actor>,
    /// The flows between actors, in file order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flows: Vec<Flow>,
}

/// One actor type (or one named company) at a stage of the chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    /// Identifier, unique in the chain; flows refer to it.
    pub id: String,
    /// Stage of the chain.
    pub tier: Tier,
    /// Display name.
    pub name: String,
    /// How many such actors there are (≥ 1); `None` when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    /// Company size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<Size>,
    /// Importance for us, 1 (low) ..= 5 (high).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub importance: Option<u8>,
    /// Position in its market.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub competitive_position: Option<CompetitivePosition>,
    /// Our relationship with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relationship: Option<Relationship>,
    /// What makes this actor successful (its buying criteria), in file order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub success_factors: Vec<String>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// One customer id of the transaction data this actor stands for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
    /// A segment or selection of customers this actor stands for, e.g. `type=growth`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    /// The persons we know there.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub persons: Vec<Person>,
}

/// A person we know at an actor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// Name; unique within its actor (persons are addressed by actor id + name).
    pub name: String,
    /// Role or function.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// How we reach this person.
    pub contact: Contact,
    /// Who in our company knows this person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub known_by: Option<String>,
    /// Date of the last contact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_contact: Option<NaiveDate>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// Something moving from one actor to another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Flow {
    /// Actor id the flow starts at.
    pub from: String,
    /// Actor id the flow ends at.
    pub to: String,
    /// What moves.
    pub kind: FlowKind,
    /// Free text on the arrow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// Figures the CLI passes in for actors linked to transaction data (current value, type label) —
/// shown in diagrams. Not part of the chain file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ActorFigures {
    /// Current customer value of the linked customer(s), in the data's currency.
    pub current_value: Option<f64>,
    /// Customer type, already localized.
    pub customer_type: Option<String>,
    /// Number of linked customers.
    pub customers: Option<u64>,
}

impl Chain {
    /// The actor with this id.
    pub fn actor(&self, id: &str) -> Option<&Actor> {
        self.actors.iter().find(|a| a.id == id)
    }

    /// The actor with this id, mutable.
    pub fn actor_mut(&mut self, id: &str) -> Option<&mut Actor> {
        self.actors.iter_mut().find(|a| a.id == id)
    }

    /// The `self` actor (the first one, if a broken chain has several).
    pub fn self_actor(&self) -> Option<&Actor> {
        self.actors.iter().find(|a| a.tier == Tier::SelfTier)
    }

    /// The actors of one tier, in file order.
    pub fn actors_in(&self, tier: Tier) -> impl Iterator<Item = &Actor> {
        self.actors.iter().filter(move |a| a.tier == tier)
    }

    /// The tiers that have at least one actor, in chain order.
    pub fn tiers_present(&self) -> Vec<Tier> {
        Tier::ALL
            .iter()
            .copied()
            .filter(|t| self.actors.iter().any(|a| a.tier == *t))
            .collect()
    }
}

impl Actor {
    /// A new actor with only the required fields set.
    pub fn new(id: impl Into<String>, tier: Tier, name: impl Into<String>) -> Actor {
        Actor {
            id: id.into(),
            tier,
            name: name.into(),
            count: None,
            size: None,
            importance: None,
            competitive_position: None,
            relationship: None,
            success_factors: Vec::new(),
            notes: None,
            customer: None,
            segment: None,
            persons: Vec::new(),
        }
    }

    /// The strongest contact we have to any person of this actor; `None` without persons.
    pub fn best_contact(&self) -> Option<Contact> {
        // Contact is declared strongest first, so the minimum is the best.
        self.persons.iter().map(|p| p.contact).min()
    }
}

impl Person {
    /// A new person with only the required fields set.
    pub fn new(name: impl Into<String>, contact: Contact) -> Person {
        Person {
            name: name.into(),
            role: None,
            contact,
            known_by: None,
            last_contact: None,
            notes: None,
        }
    }
}
