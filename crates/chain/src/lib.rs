//! The problem-solving chain (Problemlösekette): actors by tier, the persons we know there, flows
//! between actors, contact gaps, diagrams; and the focus plan built on it.
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
