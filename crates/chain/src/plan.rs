//! The focus plan.
