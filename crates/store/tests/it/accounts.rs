//! Users, sessions, API tokens, the audit log and saved views (`Accounts`): unique names
//! regardless of case, expiry by the caller's clock, throttled touches, cascades that keep the
//! audit log, keyset paging, and the upgrade of a version-3 workspace.

use kundenwert_core::Lang;
use kundenwert_store::{
    Accounts, Role, Store, StoreError, User, Workspace, MIGRATIONS, SCHEMA_VERSION,
};

use super::{date, import, meta, row, temp_store};

const IDLE: i64 = 30 * 60;
const ABSOLUTE: i64 = 12 * 3600;
/// 2024-06-01T12:00:00Z.
const T0: i64 = 1_717_243_200;

fn hash(n: u8) -> [u8; 32] {
    [n; 32]
}

fn store_with_user(name: &str, role: Role) -> (Store, User) {
    let mut store = Store::open_in_memory().expect("store");
    let user = store
        .add_user(name, role, "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA")
        .expect("add user");
    (store, user)
}

fn last_seen(store: &Store, token: &[u8; 32]) -> Option<String> {
    store
        .connection()
        .query_row(
            "SELECT last_seen FROM sessions WHERE token_sha256 = ?1",
            [&token[..]],
            |r| r.get(0),
        )
        .ok()
}

fn count(store: &Store, table: &str) -> i64 {
    store
        .connection()
        .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .expect("count")
}

#[test]
fn roles_are_ordered_and_read_as_they_are_written() {
    assert!(Role::Viewer < Role::Editor && Role::Editor < Role::Admin);
    let mut sorted = Role::ALL;
    sorted.sort();
    assert_eq!(sorted, Role::ALL);
    assert_eq!(Role::ALL, [Role::Viewer, Role::Editor, Role::Admin]);
    for role in Role::ALL {
        assert_eq!(Role::parse(role.as_str()), Some(role));
        let json = serde_json::to_string(&role).expect("serialise");
        assert_eq!(json, format!("\"{}\"", role.as_str()));
        assert_eq!(
            serde_json::from_str::<Role>(&json).expect("deserialise"),
            role
        );
    }
    assert_eq!(Role::parse("Admin"), Some(Role::Admin));
    assert_eq!(Role::parse("root"), None);
}

#[test]
fn user_names_are_unique_regardless_of_case() {
    let (mut store, anna) = store_with_user("Anna", Role::Admin);
    assert_eq!((anna.name.as_str(), anna.role), ("Anna", Role::Admin));
    assert_eq!(anna.created_at.len(), "2024-06-01T12:00:00Z".len());
    for taken in ["anna", "ANNA", "Anna"] {
        let err = store
            .add_user(taken, Role::Viewer, "h")
            .expect_err("name taken");
        assert!(
            matches!(&err, StoreError::UserExists { name } if name == taken),
            "{err:?}"
        );
    }
    // Beyond ASCII too (SQLite's NOCASE would miss these).
    store.add_user("Jörg", Role::Editor, "h").expect("add");
    let err = store
        .add_user("JÖRG", Role::Viewer, "h")
        .expect_err("taken");
    let (de, de_hint) = err.localized(Lang::De);
    assert!(
        de.contains("`JÖRG`") && de.contains("gibt es schon"),
        "{de}"
    );
    assert!(de_hint.expect("hint").contains("anderen Namen"));
    let (en, en_hint) = err.localized(Lang::En);
    assert!(
        en.contains("`JÖRG`") && en.contains("exists already"),
        "{en}"
    );
    assert!(en_hint.expect("hint").contains("another name"));
    assert_eq!(err.to_string(), en);

    assert_eq!(store.user_count().expect("count"), 2);
    let names: Vec<String> = store
        .users()
        .expect("users")
        .into_iter()
        .map(|u| u.name)
        .collect();
    assert_eq!(names, ["Anna", "Jörg"]);

    let (user, hash) = store
        .user_with_hash("jörg")
        .expect("read")
        .expect("found regardless of case");
    assert_eq!(
        (user.name.as_str(), user.role, hash.as_str()),
        ("Jörg", Role::Editor, "h")
    );
    assert_eq!(store.user_with_hash("nobody").expect("read"), None);
}

#[test]
fn password_and_role_change_by_name_regardless_of_case() {
    let (mut store, _) = store_with_user("Anna", Role::Viewer);
    assert!(store.set_password("ANNA", "new-hash").expect("set"));
    assert!(store.set_role("anna", Role::Editor).expect("set"));
    let (user, hash) = store.user_with_hash("Anna").expect("read").expect("found");
    assert_eq!((user.role, hash.as_str()), (Role::Editor, "new-hash"));
    assert!(!store.set_password("nobody", "x").expect("set"));
    assert!(!store.set_role("nobody", Role::Admin).expect("set"));
}

#[test]
fn a_session_expires_after_its_idle_limit() {
    let (mut store, anna) = store_with_user("Anna", Role::Editor);
    let token = hash(1);
    store.create_session(&token, anna.id, T0).expect("session");
    // Exactly at the limit it still counts, and the read moves last_seen.
    let user = store
        .session_user(&token, T0 + IDLE, IDLE, ABSOLUTE)
        .expect("read");
    assert_eq!(user.as_ref(), Some(&anna));
    assert_eq!(
        last_seen(&store, &token).as_deref(),
        Some("2024-06-01T12:30:00Z")
    );
    // One second past the idle limit since then: gone, and deleted.
    let later = T0 + 2 * IDLE + 1;
    assert_eq!(
        store
            .session_user(&token, later, IDLE, ABSOLUTE)
            .expect("read"),
        None
    );
    assert_eq!(last_seen(&store, &token), None);
    assert_eq!(
        store
            .session_user(&token, T0 + IDLE, IDLE, ABSOLUTE)
            .expect("read"),
        None,
        "a deleted session does not come back"
    );
}

#[test]
fn a_session_expires_after_its_absolute_limit_however_active() {
    let (mut store, anna) = store_with_user("Anna", Role::Viewer);
    let token = hash(2);
    store.create_session(&token, anna.id, T0).expect("session");
    let mut now = T0;
    while now + IDLE / 2 <= T0 + ABSOLUTE {
        now += IDLE / 2;
        assert!(
            store
                .session_user(&token, now, IDLE, ABSOLUTE)
                .expect("read")
                .is_some(),
            "active at {now}"
        );
    }
    assert_eq!(
        now,
        T0 + ABSOLUTE,
        "the last read was at the absolute limit"
    );
    assert_eq!(
        store
            .session_user(&token, now + 1, IDLE, ABSOLUTE)
            .expect("read"),
        None
    );
    assert_eq!(count(&store, "sessions"), 0);
}

#[test]
fn last_seen_is_written_at_most_once_a_minute() {
    let (mut store, anna) = store_with_user("Anna", Role::Viewer);
    let token = hash(3);
    store.create_session(&token, anna.id, T0).expect("session");
    let seen_at = |store: &mut Store, now: i64| {
        store
            .session_user(&token, now, IDLE, ABSOLUTE)
            .expect("read")
            .expect("alive");
        last_seen(store, &token).expect("stored")
    };
    assert_eq!(seen_at(&mut store, T0 + 1), "2024-06-01T12:00:00Z");
    assert_eq!(seen_at(&mut store, T0 + 59), "2024-06-01T12:00:00Z");
    assert_eq!(seen_at(&mut store, T0 + 60), "2024-06-01T12:01:00Z");
    assert_eq!(seen_at(&mut store, T0 + 119), "2024-06-01T12:01:00Z");
    assert_eq!(seen_at(&mut store, T0 + 185), "2024-06-01T12:03:05Z");
    // A clock that went back does not move last_seen back.
    assert_eq!(seen_at(&mut store, T0 + 10), "2024-06-01T12:03:05Z");
}

#[test]
fn expired_sessions_are_swept_and_signing_out_deletes_one() {
    let (mut store, anna) = store_with_user("Anna", Role::Viewer);
    let bert = store.add_user("Bert", Role::Viewer, "h").expect("add");
    store.create_session(&hash(1), anna.id, T0).expect("old");
    store
        .create_session(&hash(2), anna.id, T0 + ABSOLUTE - 60)
        .expect("recent");
    store
        .create_session(&hash(3), bert.id, T0 + ABSOLUTE - IDLE - 1)
        .expect("idle");
    store
        .create_session(&hash(4), bert.id, T0 + ABSOLUTE)
        .expect("fresh");
    let swept = store
        .delete_expired_sessions(T0 + ABSOLUTE + 1, IDLE, ABSOLUTE)
        .expect("sweep");
    assert_eq!(swept, 2, "past the absolute limit, past the idle limit");
    assert_eq!(count(&store, "sessions"), 2);
    store.delete_session(&hash(2)).expect("sign out");
    store.delete_session(&hash(2)).expect("twice is fine");
    assert_eq!(store.delete_user_sessions(bert.id).expect("all of Bert"), 1);
    assert_eq!(count(&store, "sessions"), 0);
    // A session of a user who does not exist is refused by the foreign key.
    assert!(store.create_session(&hash(9), 4711, T0).is_err());
}

#[test]
fn deleting_a_user_deletes_its_sessions_tokens_and_views_but_keeps_the_audit_log() {
    let (mut store, anna) = store_with_user("Anna", Role::Admin);
    let bert = store.add_user("Bert", Role::Viewer, "h").expect("add");
    store
        .create_session(&hash(1), anna.id, T0)
        .expect("session");
    store
        .create_session(&hash(2), bert.id, T0)
        .expect("session");
    store
        .create_token(anna.id, "ci", "kw_abcd", &hash(11))
        .expect("token");
    store
        .create_token(bert.id, "ci", "kw_efgh", &hash(12))
        .expect("token");
    store
        .put_view("Anna", "growth", "type=growth")
        .expect("view");
    store
        .put_view("Bert", "growth", "type=growth")
        .expect("view");
    store
        .audit("Anna", "user.add", "Bert", "role=viewer")
        .expect("audit");

    assert!(store.delete_user("ANNA").expect("delete"));
    assert!(!store.delete_user("Anna").expect("delete again"));
    assert_eq!(
        store
            .session_user(&hash(1), T0, IDLE, ABSOLUTE)
            .expect("read"),
        None
    );
    assert_eq!(store.token_user(&hash(11), T0).expect("read"), None);
    assert_eq!(store.views("Anna").expect("views"), vec![]);
    // Bert keeps everything.
    assert_eq!(
        store
            .session_user(&hash(2), T0, IDLE, ABSOLUTE)
            .expect("read")
            .map(|u| u.name),
        Some("Bert".into())
    );
    assert!(store.token_user(&hash(12), T0).expect("read").is_some());
    assert_eq!(store.views("Bert").expect("views").len(), 1);
    assert_eq!(
        (count(&store, "sessions"), count(&store, "api_tokens")),
        (1, 1)
    );
    let log = store.audit_log(10, None).expect("log");
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].actor, "Anna");
    // A new user of the same name starts afresh, with a new id.
    let again = store.add_user("anna", Role::Viewer, "h").expect("re-add");
    assert!(again.id > bert.id);
    assert_eq!(store.views("anna").expect("views"), vec![]);
}

#[test]
fn tokens_find_their_user_until_revoked() {
    let (mut store, anna) = store_with_user("Anna", Role::Editor);
    let bert = store.add_user("bert", Role::Viewer, "h").expect("add");
    let ci = store
        .create_token(anna.id, "ci", "kw_abcd", &hash(1))
        .expect("token");
    assert_eq!(
        (ci.name.as_str(), ci.user.as_str(), ci.prefix.as_str()),
        ("ci", "Anna", "kw_abcd")
    );
    assert_eq!(ci.last_used, None);
    let err = store
        .create_token(anna.id, "ci", "kw_zzzz", &hash(2))
        .expect_err("name taken for Anna");
    assert!(
        matches!(&err, StoreError::TokenExists { name } if name == "ci"),
        "{err:?}"
    );
    let (de, hint) = err.localized(Lang::De);
    assert!(de.contains("`ci`") && hint.is_some(), "{de}");
    // The same name for another user is fine.
    let bert_ci = store
        .create_token(bert.id, "ci", "kw_efgh", &hash(3))
        .expect("token");
    let report = store
        .create_token(anna.id, "report", "kw_ijkl", &hash(4))
        .expect("token");
    // The same secret twice is refused (it would make the lookup ambiguous).
    assert!(store
        .create_token(bert.id, "x", "kw_abcd", &hash(1))
        .is_err());

    assert_eq!(
        store.token_user(&hash(1), T0).expect("read"),
        Some(anna.clone())
    );
    assert_eq!(store.token_user(&hash(9), T0).expect("read"), None);
    let listed: Vec<(String, String, Option<String>)> = store
        .tokens()
        .expect("list")
        .into_iter()
        .map(|t| (t.user, t.name, t.last_used))
        .collect();
    assert_eq!(
        listed,
        [
            (
                "Anna".into(),
                "ci".into(),
                Some("2024-06-01T12:00:00Z".into())
            ),
            ("Anna".into(), "report".into(), None),
            ("bert".into(), "ci".into(), None),
        ]
    );
    // last_used moves at most once a minute.
    store.token_user(&hash(1), T0 + 59).expect("read");
    let used = |store: &Store| store.tokens().expect("list")[0].last_used.clone();
    assert_eq!(used(&store).as_deref(), Some("2024-06-01T12:00:00Z"));
    store.token_user(&hash(1), T0 + 60).expect("read");
    assert_eq!(used(&store).as_deref(), Some("2024-06-01T12:01:00Z"));

    assert!(store.revoke_token(ci.id).expect("revoke"));
    assert!(!store.revoke_token(ci.id).expect("revoke again"));
    assert_eq!(store.token_user(&hash(1), T0).expect("read"), None);
    // Ids are not reused: a new token never takes a revoked one's id.
    let next = store
        .create_token(anna.id, "ci", "kw_mnop", &hash(5))
        .expect("name free again");
    assert!(next.id > report.id && next.id > bert_ci.id);
}

#[test]
fn the_audit_log_pages_newest_first() {
    let mut store = Store::open_in_memory().expect("store");
    for i in 1..=5 {
        store
            .audit("Anna", "settings.set", &format!("key{i}"), "")
            .expect("audit");
    }
    let page = |store: &Store, before| -> Vec<String> {
        store
            .audit_log(2, before)
            .expect("log")
            .into_iter()
            .map(|e| e.target)
            .collect()
    };
    assert_eq!(page(&store, None), ["key5", "key4"]);
    let first = store.audit_log(2, None).expect("log");
    assert_eq!(page(&store, Some(first[1].id)), ["key3", "key2"]);
    assert_eq!(page(&store, Some(first[1].id - 2)), ["key1"]);
    assert_eq!(page(&store, Some(first[1].id - 3)), Vec::<String>::new());
    assert_eq!(store.audit_log(0, None).expect("log"), vec![]);
    let entry = &first[0];
    assert_eq!(
        (entry.actor.as_str(), entry.action.as_str()),
        ("Anna", "settings.set")
    );
    let at = entry.at.as_bytes();
    assert_eq!(at.len(), 20, "{}", entry.at);
    assert_eq!((at[10], at[19]), (b'T', b'Z'), "{}", entry.at);
}

#[test]
fn saved_views_belong_to_their_owner_and_put_replaces() {
    let mut store = Store::open_in_memory().expect("store");
    store
        .put_view("Anna", "growth", "type=growth")
        .expect("put");
    store
        .put_view("Anna", "at risk", "status=dormant&sort=future_value")
        .expect("put");
    store
        .put_view("Bert", "growth", "type=growth&abc=A")
        .expect("put");
    store
        .put_view("Anna", "growth", "type=growth&sort=revenue")
        .expect("replace");
    let anna = store.views("Anna").expect("views");
    let listed: Vec<(&str, &str, &str)> = anna
        .iter()
        .map(|v| (v.owner.as_str(), v.name.as_str(), v.query.as_str()))
        .collect();
    assert_eq!(
        listed,
        [
            ("Anna", "at risk", "status=dormant&sort=future_value"),
            ("Anna", "growth", "type=growth&sort=revenue"),
        ]
    );
    assert_eq!(
        store.views("Bert").expect("views")[0].query,
        "type=growth&abc=A"
    );
    assert!(store.delete_view("Anna", "growth").expect("delete"));
    assert!(!store.delete_view("Anna", "growth").expect("delete again"));
    assert_eq!(store.views("Anna").expect("views").len(), 1);
    assert_eq!(store.views("Bert").expect("views").len(), 1);
    assert_eq!(store.views("Carla").expect("views"), vec![]);
}

#[test]
fn a_version_3_workspace_gains_the_account_tables_and_keeps_its_data() {
    let (_dir, path) = temp_store();
    {
        // A workspace as version 3 left it: its migrations and rows in its tables.
        let conn = rusqlite::Connection::open(&path).expect("open");
        for (_, sql) in &MIGRATIONS[..3] {
            conn.execute_batch(sql).expect("migration");
        }
        conn.pragma_update(None, "user_version", 3)
            .expect("version");
        conn.execute_batch(
            "INSERT INTO imports (path, content_hash, rows_read, rows_rejected, inserted, duplicates_skipped) \
             VALUES ('a.csv', 'h1', 1, 0, 0, 0); \
             UPDATE imports SET inserted = 1 WHERE id = 1; \
             INSERT INTO transactions (import_id, customer, date, revenue, document, position) \
             VALUES (1, 'K1', '2024-01-01', 5.0, 'R1', 0); \
             INSERT INTO plans (name, document) VALUES ('p', '{\"plan\":\"p\"}'); \
             INSERT INTO settings (id, document) VALUES (1, 'horizon_months = 6');",
        )
        .expect("version-3 data");
    }
    let mut store = Store::open(&path).expect("upgrade");
    assert_eq!(store.schema_version().expect("version"), SCHEMA_VERSION);
    const { assert!(SCHEMA_VERSION >= 4) };
    assert_eq!(store.transaction_count().expect("count"), 1);
    assert_eq!(store.data_version().expect("data version"), 1);
    assert_eq!(
        store.get_plan("p").expect("plan").as_deref(),
        Some("{\"plan\":\"p\"}")
    );
    assert_eq!(
        store.settings().expect("settings").as_deref(),
        Some("horizon_months = 6")
    );
    assert_eq!(store.user_count().expect("users"), 0);
    let anna = store.add_user("Anna", Role::Admin, "h").expect("add");
    store
        .create_session(&hash(1), anna.id, T0)
        .expect("session");
    let out = import(
        &mut store,
        &meta("b.csv", "h2", 2),
        vec![
            row("K1", date(2024, 1, 1), 5.0, Some(("R1", 0))),
            row("K2", date(2024, 2, 1), 7.0, None),
        ],
    );
    assert_eq!((out.inserted, out.duplicates_skipped), (1, 1));
    drop(store);
    // And it opens again at version 4 without migrating anything.
    let mut store = Store::open(&path).expect("reopen");
    assert_eq!(
        store
            .session_user(&hash(1), T0, IDLE, ABSOLUTE)
            .expect("read"),
        Some(anna)
    );
}
