//! The problem-solving chain (Problemlösekette): actors by tier, the persons we know there, flows
//! between actors, contact gaps, diagrams; and the focus plan built on it.
#![deny(missing_docs)]
