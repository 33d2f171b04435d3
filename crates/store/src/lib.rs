//! The workspace store: SQLite (WAL, foreign keys, embedded migrations) holding imported
//! transactions, chains and focus plans.
#![deny(missing_docs)]
