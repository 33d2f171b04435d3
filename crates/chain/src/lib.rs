//! The problem-solving chain (Problemlösekette): actors by tier, the persons we know there, flows
//! between actors, contact gaps, diagrams; and the focus plan built on it.
//!
//! | module | what |
//! |---|---|
//! | [`model`] | the chain: actors by tier (supplier → self → customer → customer's customer → user), persons with their contact strength, flows |
//! | [`parse`](mod@parse) | a chain file (YAML or JSON) into the model, one error per problem with its path |
//! | [`validate`](mod@validate) | the checks every chain passes, from a file or an edit, and the errors in German and English |
//! | [`edit`] | the editing commands as pure functions: each applied to a copy and re-validated |
//! | [`gaps`](mod@gaps) | contact gaps: actors where we know nobody, tiers without direct contact, contacts gone cold |
//! | [`export`] | canonical, byte-stable YAML and JSON; Mermaid, DOT, draw.io, GraphML; the tier-column SVG layout and PNG through resvg with the bundled DejaVu Sans |
//! | [`plan`] | the focus plan (the handbook's *Vorlage*): reading with every problem reported, the links of its activities to the chains, Markdown and HTML reports |
//! | [`selection`] | the customer selection language (`type=growth and future_value>10000`) |
//!
//! Nothing here stores or analyses: the workspace keeps chains and plans as documents, and the
//! figures a diagram or a plan shows come from the caller.
#![deny(missing_docs)]

mod document;
pub mod edit;
pub mod export;
pub mod gaps;
pub mod model;
pub mod parse;
pub mod plan;
pub mod selection;
pub mod validate;

pub use edit::EditError;
pub use export::{to_dot, to_drawio, to_graphml, to_json, to_mermaid, to_yaml};
pub use gaps::{gaps, Gaps};
pub use kundenwert_core::Lang;
pub use model::{
    Actor, ActorFigures, Chain, CompetitivePosition, Contact, Flow, FlowKind, Person, Relationship,
    Size, Subject, Tier,
};
pub use parse::{parse, Format};
pub use validate::{validate, ChainError, ChainErrors, ErrorKind};
