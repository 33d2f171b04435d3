//! Users and security for the web workbench: users with a role and a password hash, sessions
//! and API tokens stored under the SHA-256 of their secret, the audit log and saved views.
//!
//! The store keeps records and applies the rules a record can carry itself (unique names
//! regardless of case, expiry of a session by the limits the caller passes, cascades); hashing
//! passwords, making tokens and deciding who may do what belong to the caller.

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use rusqlite::{params, OptionalExtension, Row, TransactionBehavior};

use crate::sqlite::NOW;
use crate::{Store, StoreError};

/// Roles, ordered: Viewer < Editor < Admin.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads the analysis, lists and exports.
    Viewer,
    /// Also changes the workspace's data (imports, settings, chains, plans).
    Editor,
    /// Also manages users and tokens.
    Admin,
}

impl Role {
    /// Every role, lowest first.
    pub const ALL: [Role; 3] = [Role::Viewer, Role::Editor, Role::Admin];

    /// The role's name as stored and serialised: `viewer`, `editor`, `admin`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }

    /// The role named `s` (as [`Role::as_str`] writes it, ASCII case ignored).
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s))
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl ToSql for Role {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_str()))
    }
}

impl FromSql for Role {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        Role::parse(text)
            .ok_or_else(|| FromSqlError::Other(format!("unknown role `{text}`").into()))
    }
}

/// A user who may sign in to the web workbench.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct User {
    /// Id (never reused for another user).
    pub id: i64,
    /// Name as given when the user was added.
    pub name: String,
    /// Role.
    pub role: Role,
    /// When the user was added, UTC `YYYY-MM-DDTHH:MM:SSZ`.
    pub created_at: String,
}

/// An API token as lists show it; the secret itself is never stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ApiTokenInfo {
    /// Id (never reused for another token), what [`Accounts::revoke_token`] takes.
    pub id: i64,
    /// Name, unique per user.
    pub name: String,
    /// The name of the user it acts as.
    pub user: String,
    /// The first characters of the secret, to recognise it in lists.
    pub prefix: String,
    /// When it was created, UTC `YYYY-MM-DDTHH:MM:SSZ`.
    pub created_at: String,
    /// When it was last used (to the minute), UTC `YYYY-MM-DDTHH:MM:SSZ`.
    pub last_used: Option<String>,
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditEntry {
    /// Id, in the order of writing.
    pub id: i64,
    /// When, UTC `YYYY-MM-DDTHH:MM:SSZ`.
    pub at: String,
    /// Who (a user's name, kept when the user is deleted).
    pub actor: String,
    /// What was done.
    pub action: String,
    /// To what.
    pub target: String,
    /// Anything else worth keeping.
    pub detail: String,
}

/// A saved customer-list view.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SavedView {
    /// Name, unique per owner.
    pub name: String,
    /// The user it belongs to.
    pub owner: String,
    /// The list's query string, as in the URL.
    pub query: String,
    /// Last stored, UTC `YYYY-MM-DDTHH:MM:SSZ`.
    pub updated_at: String,
}

/// Users, sessions, API tokens, the audit log and saved views of a workspace: what the web
/// workbench keeps beyond the data. Separate from [`crate::Workspace`], which the CLI's data
/// commands use.
///
/// Times the caller passes (`now`, limits) are unix seconds; stored times are UTC text
/// `YYYY-MM-DDTHH:MM:SSZ`. User names are compared regardless of case (Unicode lowercase).
///
/// # Errors
/// Every method fails on a database failure; the ones that say so also on a taken name.
pub trait Accounts {
    /// Adds a user; `password_hash` is a PHC string (Argon2id), computed by the caller.
    /// Error [`StoreError::UserExists`] when the name is taken (names compared
    /// case-insensitively).
    fn add_user(&mut self, name: &str, role: Role, password_hash: &str)
        -> Result<User, StoreError>;

    /// Replaces the user's password hash; `false` when there is no such user. Sessions stay
    /// (see [`Accounts::delete_user_sessions`]).
    fn set_password(&mut self, name: &str, password_hash: &str) -> Result<bool, StoreError>;

    /// Changes the user's role; `false` when there is no such user.
    fn set_role(&mut self, name: &str, role: Role) -> Result<bool, StoreError>;

    /// Deleting a user also deletes its sessions and tokens (and its saved views, so a later
    /// user of the same name does not inherit them), in one transaction; the audit log keeps
    /// its name. `false` when there was no such user.
    fn delete_user(&mut self, name: &str) -> Result<bool, StoreError>;

    /// The user and its password hash (case-insensitive name).
    fn user_with_hash(&self, name: &str) -> Result<Option<(User, String)>, StoreError>;

    /// All users, by name regardless of case.
    fn users(&self) -> Result<Vec<User>, StoreError>;

    /// How many users there are (0: the workbench has not been set up).
    fn user_count(&self) -> Result<u64, StoreError>;

    /// Stores a session under the SHA-256 of its token (the raw token never stored). `now` is
    /// unix seconds (caller passes it so tests control time).
    fn create_session(
        &mut self,
        token_sha256: &[u8; 32],
        user_id: i64,
        now: i64,
    ) -> Result<(), StoreError>;

    /// The session's user if the session exists, `now - last_seen <= idle_secs` and
    /// `now - created <= absolute_secs`; then sets last_seen = now (at most once a minute, to
    /// keep reads cheap). An expired session is deleted and None returned.
    fn session_user(
        &mut self,
        token_sha256: &[u8; 32],
        now: i64,
        idle_secs: i64,
        absolute_secs: i64,
    ) -> Result<Option<User>, StoreError>;

    /// Deletes the session (signing out); nothing when there is none.
    fn delete_session(&mut self, token_sha256: &[u8; 32]) -> Result<(), StoreError>;

    /// Deletes every session of a user (signing it out everywhere, e.g. after a password
    /// change); returns how many.
    fn delete_user_sessions(&mut self, user_id: i64) -> Result<u64, StoreError>;

    /// Deletes sessions past either limit; returns how many.
    fn delete_expired_sessions(
        &mut self,
        now: i64,
        idle_secs: i64,
        absolute_secs: i64,
    ) -> Result<u64, StoreError>;

    /// Stores an API token for a user under its SHA-256; `prefix` is the first characters shown
    /// in lists. Token names unique per user ([`StoreError::TokenExists`]); a `user_id` that
    /// names no user fails as a database error (foreign key).
    fn create_token(
        &mut self,
        user_id: i64,
        name: &str,
        prefix: &str,
        token_sha256: &[u8; 32],
    ) -> Result<ApiTokenInfo, StoreError>;

    /// The token's user (sets last_used = now, at most once a minute).
    fn token_user(&mut self, token_sha256: &[u8; 32], now: i64)
        -> Result<Option<User>, StoreError>;

    /// All tokens, by user name (regardless of case), then token name.
    fn tokens(&self) -> Result<Vec<ApiTokenInfo>, StoreError>;

    /// Deletes the token; `false` when there was none.
    fn revoke_token(&mut self, id: i64) -> Result<bool, StoreError>;

    /// Appends to the audit log (`at` set by the store, UTC ISO-8601 with seconds).
    fn audit(
        &mut self,
        actor: &str,
        action: &str,
        target: &str,
        detail: &str,
    ) -> Result<(), StoreError>;

    /// Newest first, entries with id < before (all when None), at most `limit`.
    fn audit_log(&self, limit: u32, before: Option<i64>) -> Result<Vec<AuditEntry>, StoreError>;

    /// Saved customer-list views: a name and the list's query string (as in the URL). Unique
    /// per (owner, name); put replaces. `owner` is compared exactly: pass [`User::name`].
    fn put_view(&mut self, owner: &str, name: &str, query: &str) -> Result<(), StoreError>;

    /// The owner's views by name.
    fn views(&self, owner: &str) -> Result<Vec<SavedView>, StoreError>;

    /// Deletes the owner's view `name`; `false` when there was none.
    fn delete_view(&mut self, owner: &str, name: &str) -> Result<bool, StoreError>;
}

/// How often at most a session's `last_seen` or a token's `last_used` is written, in seconds:
/// every authenticated request reads them, and a write on each would serialise reads behind
/// the write lock.
const TOUCH_EVERY: i64 = 60;

/// The key a user name is unique under: Unicode lowercase, as the selection language folds.
fn name_key(name: &str) -> String {
    name.to_lowercase()
}

/// Unix seconds as stored: UTC `YYYY-MM-DDTHH:MM:SSZ`, clamped to the years 0–9999 so that text
/// order stays time order.
fn utc(secs: i64) -> String {
    const MIN: i64 = -62_167_219_200; // 0000-01-01T00:00:00Z
    const MAX: i64 = 253_402_300_799; // 9999-12-31T23:59:59Z
    chrono::DateTime::from_timestamp(secs.clamp(MIN, MAX), 0)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

/// The earliest stored time still within `limit` seconds of `now`.
fn cutoff(now: i64, limit: i64) -> String {
    utc(now.saturating_sub(limit))
}

const USER_COLUMNS: &str = "users.id, users.name, users.role, users.created_at";

fn user_of(r: &Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: r.get(0)?,
        name: r.get(1)?,
        role: r.get(2)?,
        created_at: r.get(3)?,
    })
}

fn token_of(r: &Row<'_>) -> rusqlite::Result<ApiTokenInfo> {
    Ok(ApiTokenInfo {
        id: r.get(0)?,
        name: r.get(1)?,
        user: r.get(2)?,
        prefix: r.get(3)?,
        created_at: r.get(4)?,
        last_used: r.get(5)?,
    })
}

impl Accounts for Store {
    fn add_user(
        &mut self,
        name: &str,
        role: Role,
        password_hash: &str,
    ) -> Result<User, StoreError> {
        // One statement: the unique key decides a race between two adds of the same name.
        let added = self
            .conn
            .query_row(
                "INSERT INTO users (name, name_key, role, password_hash) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (name_key) DO NOTHING RETURNING id, created_at",
                params![name, name_key(name), role, password_hash],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((id, created_at)) = added else {
            return Err(StoreError::UserExists {
                name: name.to_owned(),
            });
        };
        Ok(User {
            id,
            name: name.to_owned(),
            role,
            created_at,
        })
    }

    fn set_password(&mut self, name: &str, password_hash: &str) -> Result<bool, StoreError> {
        let n = self.conn.execute(
            "UPDATE users SET password_hash = ?2 WHERE name_key = ?1",
            params![name_key(name), password_hash],
        )?;
        Ok(n > 0)
    }

    fn set_role(&mut self, name: &str, role: Role) -> Result<bool, StoreError> {
        let n = self.conn.execute(
            "UPDATE users SET role = ?2 WHERE name_key = ?1",
            params![name_key(name), role],
        )?;
        Ok(n > 0)
    }

    fn delete_user(&mut self, name: &str) -> Result<bool, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let stored: Option<String> = tx
            .query_row(
                "DELETE FROM users WHERE name_key = ?1 RETURNING name",
                [name_key(name)],
                |r| r.get(0),
            )
            .optional()?;
        let Some(stored) = stored else {
            return Ok(false);
        };
        // Sessions and tokens go with the user by the foreign keys' cascade.
        tx.execute("DELETE FROM saved_views WHERE owner = ?1", [&stored])?;
        tx.commit()?;
        Ok(true)
    }

    fn user_with_hash(&self, name: &str) -> Result<Option<(User, String)>, StoreError> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {USER_COLUMNS}, password_hash FROM users WHERE name_key = ?1"),
                [name_key(name)],
                |r| Ok((user_of(r)?, r.get(4)?)),
            )
            .optional()?)
    }

    fn users(&self) -> Result<Vec<User>, StoreError> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {USER_COLUMNS} FROM users ORDER BY name_key"
        ))?;
        let rows = stmt.query_map([], user_of)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn user_count(&self) -> Result<u64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM users", [], |r| r.get(0))?)
    }

    fn create_session(
        &mut self,
        token_sha256: &[u8; 32],
        user_id: i64,
        now: i64,
    ) -> Result<(), StoreError> {
        let now = utc(now);
        self.conn.execute(
            "INSERT INTO sessions (token_sha256, user_id, created_at, last_seen) \
             VALUES (?1, ?2, ?3, ?3)",
            params![&token_sha256[..], user_id, now],
        )?;
        Ok(())
    }

    fn session_user(
        &mut self,
        token_sha256: &[u8; 32],
        now: i64,
        idle_secs: i64,
        absolute_secs: i64,
    ) -> Result<Option<User>, StoreError> {
        let hash = &token_sha256[..];
        let (idle_cut, absolute_cut) = (cutoff(now, idle_secs), cutoff(now, absolute_secs));
        // A read, without the write lock; a write follows only when the session expired or was
        // last seen a minute ago or more. Each write repeats its condition, so a race with
        // another request for the same session is harmless.
        let found = self
            .conn
            .query_row(
                &format!(
                    "SELECT {USER_COLUMNS}, sessions.last_seen >= ?2 AND sessions.created_at >= ?3, \
                     sessions.last_seen <= ?4 \
                     FROM sessions JOIN users ON users.id = sessions.user_id \
                     WHERE sessions.token_sha256 = ?1"
                ),
                params![hash, idle_cut, absolute_cut, cutoff(now, TOUCH_EVERY)],
                |r| Ok((user_of(r)?, r.get::<_, bool>(4)?, r.get::<_, bool>(5)?)),
            )
            .optional()?;
        let Some((user, alive, stale)) = found else {
            return Ok(None);
        };
        if !alive {
            self.conn.execute(
                "DELETE FROM sessions WHERE token_sha256 = ?1 \
                 AND (last_seen < ?2 OR created_at < ?3)",
                params![hash, idle_cut, absolute_cut],
            )?;
            return Ok(None);
        }
        if stale {
            self.conn.execute(
                "UPDATE sessions SET last_seen = ?2 WHERE token_sha256 = ?1 AND last_seen <= ?3",
                params![hash, utc(now), cutoff(now, TOUCH_EVERY)],
            )?;
        }
        Ok(Some(user))
    }

    fn delete_session(&mut self, token_sha256: &[u8; 32]) -> Result<(), StoreError> {
        self.conn.execute(
            "DELETE FROM sessions WHERE token_sha256 = ?1",
            [&token_sha256[..]],
        )?;
        Ok(())
    }

    fn delete_user_sessions(&mut self, user_id: i64) -> Result<u64, StoreError> {
        let n = self
            .conn
            .execute("DELETE FROM sessions WHERE user_id = ?1", [user_id])?;
        Ok(n as u64)
    }

    fn delete_expired_sessions(
        &mut self,
        now: i64,
        idle_secs: i64,
        absolute_secs: i64,
    ) -> Result<u64, StoreError> {
        // A scan: the table holds one row per signed-in browser, and an index on `last_seen`
        // would be rewritten by every touch.
        let n = self.conn.execute(
            "DELETE FROM sessions WHERE last_seen < ?1 OR created_at < ?2",
            params![cutoff(now, idle_secs), cutoff(now, absolute_secs)],
        )?;
        Ok(n as u64)
    }

    fn create_token(
        &mut self,
        user_id: i64,
        name: &str,
        prefix: &str,
        token_sha256: &[u8; 32],
    ) -> Result<ApiTokenInfo, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        // `DO NOTHING` for the (user, name) key only: a clash of hashes still fails.
        let added = tx
            .query_row(
                "INSERT INTO api_tokens (user_id, name, prefix, token_sha256) \
                 VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (user_id, name) DO NOTHING RETURNING id",
                params![user_id, name, prefix, &token_sha256[..]],
                |r| r.get::<_, i64>(0),
            )
            .optional()?;
        let Some(id) = added else {
            return Err(StoreError::TokenExists {
                name: name.to_owned(),
            });
        };
        let info = tx.query_row(
            "SELECT api_tokens.id, api_tokens.name, users.name, api_tokens.prefix, \
             api_tokens.created_at, api_tokens.last_used \
             FROM api_tokens JOIN users ON users.id = api_tokens.user_id WHERE api_tokens.id = ?1",
            [id],
            token_of,
        )?;
        tx.commit()?;
        Ok(info)
    }

    fn token_user(
        &mut self,
        token_sha256: &[u8; 32],
        now: i64,
    ) -> Result<Option<User>, StoreError> {
        let hash = &token_sha256[..];
        let touch_cut = cutoff(now, TOUCH_EVERY);
        let found = self
            .conn
            .query_row(
                &format!(
                    "SELECT {USER_COLUMNS}, \
                     api_tokens.last_used IS NULL OR api_tokens.last_used <= ?2 \
                     FROM api_tokens JOIN users ON users.id = api_tokens.user_id \
                     WHERE api_tokens.token_sha256 = ?1"
                ),
                params![hash, touch_cut],
                |r| Ok((user_of(r)?, r.get::<_, bool>(4)?)),
            )
            .optional()?;
        let Some((user, stale)) = found else {
            return Ok(None);
        };
        if stale {
            self.conn.execute(
                "UPDATE api_tokens SET last_used = ?2 WHERE token_sha256 = ?1 \
                 AND (last_used IS NULL OR last_used <= ?3)",
                params![hash, utc(now), touch_cut],
            )?;
        }
        Ok(Some(user))
    }

    fn tokens(&self) -> Result<Vec<ApiTokenInfo>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT api_tokens.id, api_tokens.name, users.name, api_tokens.prefix, \
             api_tokens.created_at, api_tokens.last_used \
             FROM api_tokens JOIN users ON users.id = api_tokens.user_id \
             ORDER BY users.name_key, api_tokens.name, api_tokens.id",
        )?;
        let rows = stmt.query_map([], token_of)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn revoke_token(&mut self, id: i64) -> Result<bool, StoreError> {
        let n = self
            .conn
            .execute("DELETE FROM api_tokens WHERE id = ?1", [id])?;
        Ok(n > 0)
    }

    fn audit(
        &mut self,
        actor: &str,
        action: &str,
        target: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            &format!(
                "INSERT INTO audit_log (at, actor, action, target, detail) \
                 VALUES ({NOW}, ?1, ?2, ?3, ?4)"
            ),
            params![actor, action, target, detail],
        )?;
        Ok(())
    }

    fn audit_log(&self, limit: u32, before: Option<i64>) -> Result<Vec<AuditEntry>, StoreError> {
        // Keyset paging down the primary key: the next page starts before the last id shown.
        let mut stmt = self.conn.prepare(
            "SELECT id, at, actor, action, target, detail FROM audit_log \
             WHERE id < ?1 ORDER BY id DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![before.unwrap_or(i64::MAX), limit], |r| {
            Ok(AuditEntry {
                id: r.get(0)?,
                at: r.get(1)?,
                actor: r.get(2)?,
                action: r.get(3)?,
                target: r.get(4)?,
                detail: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn put_view(&mut self, owner: &str, name: &str, query: &str) -> Result<(), StoreError> {
        self.conn.execute(
            &format!(
                "INSERT INTO saved_views (owner, name, query) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (owner, name) DO UPDATE SET query = excluded.query, updated_at = {NOW}"
            ),
            params![owner, name, query],
        )?;
        Ok(())
    }

    fn views(&self, owner: &str) -> Result<Vec<SavedView>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT name, owner, query, updated_at FROM saved_views WHERE owner = ?1 ORDER BY name",
        )?;
        let rows = stmt.query_map([owner], |r| {
            Ok(SavedView {
                name: r.get(0)?,
                owner: r.get(1)?,
                query: r.get(2)?,
                updated_at: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn delete_view(&mut self, owner: &str, name: &str) -> Result<bool, StoreError> {
        let n = self.conn.execute(
            "DELETE FROM saved_views WHERE owner = ?1 AND name = ?2",
            params![owner, name],
        )?;
        Ok(n > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_times_sort_as_times_and_stay_in_four_digit_years() {
        assert_eq!(utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(utc(i64::MIN), "0000-01-01T00:00:00Z");
        assert_eq!(utc(i64::MAX), "9999-12-31T23:59:59Z");
        assert_eq!(cutoff(i64::MIN, i64::MAX), "0000-01-01T00:00:00Z");
        let times = [-5_000_000_000, -1, 0, 59, 60, 1_700_000_000, 99_999_999_999];
        for w in times.windows(2) {
            assert!(utc(w[0]) < utc(w[1]), "{} {}", w[0], w[1]);
        }
    }

    #[test]
    fn roles_parse_what_they_write() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
            assert_eq!(Role::parse(&role.as_str().to_uppercase()), Some(role));
        }
        assert_eq!(Role::parse("owner"), None);
        assert_eq!(Role::parse(""), None);
    }
}
