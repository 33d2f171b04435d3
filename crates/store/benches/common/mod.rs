//! Code the store's benches share (and `examples/list_workspace.rs` includes).

pub mod synthetic;
