//! Embedded schema migrations. A landed file is never edited (see `migrations/README.md`).

/// The migrations in order; `MIGRATIONS[i]` brings the schema from version `i` to `i + 1`.
pub const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_init.sql", include_str!("../migrations/0001_init.sql")),
    (
        "0002_drop_read_indexes.sql",
        include_str!("../migrations/0002_drop_read_indexes.sql"),
    ),
    (
        "0003_settings_and_results.sql",
        include_str!("../migrations/0003_settings_and_results.sql"),
    ),
    (
        "0004_accounts.sql",
        include_str!("../migrations/0004_accounts.sql"),
    ),
    (
        "0005_customer_list_indexes.sql",
        include_str!("../migrations/0005_customer_list_indexes.sql"),
    ),
];

/// The schema version this binary creates and understands.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;
