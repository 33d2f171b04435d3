//! The problem-solving chain (Problemlösekette): actors by tier, the persons we know there, flows
//! between actors, contact gaps, diagrams; and the focus plan built on it.
#![deny(missing_docs)]

pub mod export;
pub mod model;

pub use model::{
    Actor, ActorFigures, Chain, CompetitivePosition, Contact, Flow, FlowKind, Person, Relationship,
    Size, Subject, Tier,
};
