//! Writes the list benchmarks' synthetic workspace (a stored analysis of 1 M generated
//! customers, `CUSTOMERS` to change that; no transactions) for the web benchmark
//! `bench/web_list.sh`.
//!
//! The rows are those of the store's criterion bench (`benches/customer_list.rs`): the
//! workspace is built once in its cache, `target/kundenwert-bench/`, and reused from there by
//! both. With a path, a copy of it is written there (unless a workspace of as many customers is
//! there already), so that the web benchmark's users, tokens and sessions do not change the
//! cached file.
//!
//! Prints `workspace=PATH` and `deep_after=ID`: the id of the row halfway down the list's
//! default order (current value, descending), which a deep page continues after.
//!
//! ```sh
//! cargo run --release -p kundenwert-store --example list_workspace -- /tmp/web_list.db
//! ```
//!
//! A workspace without transactions is `Freshness::Empty` to the workbench: the background
//! refresh of `kundenwert serve` finds nothing to compute and leaves the stored analysis as it is.

use std::path::PathBuf;

use kundenwert_store::{Store, Workspace};

#[path = "../benches/common/synthetic.rs"]
mod synthetic;

fn main() {
    let n = synthetic::count();
    let cached = synthetic::workspace(n);
    let path = match std::env::args_os().nth(1).map(PathBuf::from) {
        None => cached,
        Some(path) => {
            let holds_all = path.exists()
                && Store::open(&path)
                    .ok()
                    .and_then(|s| s.analysis_run().ok().flatten())
                    .is_some_and(|r| r.customers == n as u64);
            if !holds_all {
                for suffix in ["-wal", "-shm"] {
                    let mut side = path.clone().into_os_string();
                    side.push(suffix);
                    let _ = std::fs::remove_file(side);
                }
                std::fs::copy(&cached, &path).expect("copy the cached workspace");
            }
            path
        }
    };
    let store = Store::open(&path).expect("open workspace");
    let deep: i64 = store
        .connection()
        .query_row(
            "SELECT id FROM analysis_customers ORDER BY current_value DESC, id DESC \
             LIMIT 1 OFFSET ?1",
            [n / 2 - 1],
            |r| r.get(0),
        )
        .expect("deep row");
    println!("workspace={}", path.display());
    println!("deep_after={deep}");
}
