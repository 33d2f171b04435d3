//! Settings: a viewer reads them without a form, an administrator changes one (stored,
//! audited) or is told why not (422); the password change; the users, tokens and audit pages
//! for administrators only; a user called `<script>` stays text.

use axum::http::StatusCode;
use kundenwert_store::{Accounts, Role, Store};
use kundenwert_workbench::Workbench;

use super::{Fixture, PASSWORD};

fn store(f: &Fixture) -> Store {
    Store::open(f.dir.path().join("kundenwert.db")).unwrap()
}

#[tokio::test]
async fn a_viewer_reads_the_settings_and_gets_no_form() {
    let f = Fixture::new();
    let (status, page, _) = f.get("/settings", Some(Role::Viewer)).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("forecast.horizon"), "{page}");
    assert!(!page.contains("name=\"value\""), "{page}");
    assert!(page.contains("action=\"/settings/password\""), "{page}");
    assert!(!page.contains("href=\"/settings/users\""), "{page}");
    let (status, _, _) = f
        .post_form(
            "/settings",
            "key=forecast.horizon&value=6",
            Some(Role::Editor),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_admin_changes_a_setting_or_is_told_why_not() {
    let f = Fixture::new();
    let (status, page, _) = f.get("/settings", Some(Role::Admin)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("name=\"value\""), "{page}");
    let (status, _, headers) = f
        .post_form(
            "/settings",
            "key=forecast.horizon&value=6",
            Some(Role::Admin),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let to = headers
        .get("location")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let settings = Workbench::new(store(&f)).settings().unwrap();
    assert_eq!(settings.forecast.horizon, 6);
    let (_, page, _) = f.get(&to, Some(Role::Admin)).await;
    assert!(page.contains("`forecast.horizon` is now 6"), "{page}");
    assert!(page.contains("* changed"), "{page}");
    let audit = store(&f).audit_log(5, None).unwrap();
    assert!(audit
        .iter()
        .any(|e| e.action == "settings.set" && e.target == "forecast.horizon" && e.detail == "6"));
    // A value out of range: 422, the message, the typed value kept, nothing stored.
    let (status, page, _) = f
        .post_form(
            "/settings",
            "key=forecast.horizon&value=999",
            Some(Role::Admin),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(page.contains("not between 1 and 120"), "{page}");
    assert!(page.contains("value=\"999\""), "{page}");
    assert_eq!(
        Workbench::new(store(&f))
            .settings()
            .unwrap()
            .forecast
            .horizon,
        6
    );
    let (status, page, _) = f
        .post_form(
            "/settings",
            "key=forecast.horizn&value=6",
            Some(Role::Admin),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
}

#[tokio::test]
async fn a_password_change_needs_the_current_one() {
    let f = Fixture::new();
    let (status, page, _) = f
        .post_form(
            "/settings/password",
            "current=wrong&new=a+new+long+password",
            Some(Role::Viewer),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    let form = format!("current={}&new=short", PASSWORD.replace(' ', "+"));
    let (status, _, _) = f
        .post_form("/settings/password", &form, Some(Role::Viewer))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let form = format!(
        "current={}&new=a+new+long+password",
        PASSWORD.replace(' ', "+")
    );
    let (status, _, headers) = f
        .post_form("/settings/password", &form, Some(Role::Viewer))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(headers.get("set-cookie").is_some());
    let s = store(&f);
    assert!(
        kundenwert_server::auth::check_login(&s, "vera", "a new long password")
            .unwrap()
            .is_some()
    );
    assert!(kundenwert_server::auth::check_login(&s, "vera", PASSWORD)
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn users_tokens_and_audit_are_for_administrators() {
    let f = Fixture::new();
    for uri in ["/settings/users", "/settings/tokens", "/settings/audit"] {
        let (status, _, _) = f.get(uri, Some(Role::Editor)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{uri}");
        let (status, page, _) = f.get(uri, Some(Role::Admin)).await;
        assert_eq!(status, StatusCode::OK, "{uri}: {page}");
    }
    // Add a user, change the role, remove them; not oneself.
    let (status, _, _) = f
        .post_form(
            "/settings/users",
            "name=otto&role=editor&password=long+enough+password",
            Some(Role::Admin),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, _) = f
        .post_form(
            "/settings/users/role",
            "name=otto&role=admin",
            Some(Role::Admin),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        store(&f).user_with_hash("otto").unwrap().unwrap().0.role,
        Role::Admin
    );
    let (status, _, _) = f
        .post_form("/settings/users/delete", "name=anna", Some(Role::Admin))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _, _) = f
        .post_form("/settings/users/delete", "name=otto", Some(Role::Admin))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(store(&f).user_with_hash("otto").unwrap().is_none());
    let (status, page, _) = f
        .post_form(
            "/settings/users",
            "name=x&role=viewer&password=short",
            Some(Role::Admin),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    // A token: shown once, listed by its prefix, revoked.
    let (status, page, _) = f
        .post_form(
            "/settings/tokens",
            "name=backup&user=emil",
            Some(Role::Admin),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let token = page
        .split("<code id=\"token\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .unwrap()
        .to_owned();
    assert!(token.starts_with("kw_"), "{token}");
    let (_, list, _) = f.get("/settings/tokens", Some(Role::Admin)).await;
    assert!(list.contains("backup") && !list.contains(&token), "{list}");
    let id = store(&f).tokens().unwrap()[0].id;
    let (status, _, _) = f
        .post_form(
            "/settings/tokens/revoke",
            &format!("id={id}"),
            Some(Role::Admin),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(store(&f).tokens().unwrap().is_empty());
    // Every change is in the audit log, newest first.
    let (_, audit, _) = f.get("/settings/audit", Some(Role::Admin)).await;
    for action in [
        "user.add",
        "user.role",
        "user.remove",
        "token.create",
        "token.revoke",
    ] {
        assert!(audit.contains(action), "{action}: {audit}");
    }
    assert!(audit.find("token.revoke").unwrap() < audit.find("user.add").unwrap());
}

#[tokio::test]
async fn a_user_called_script_stays_text() {
    let f = Fixture::new();
    // Refused as a name, and the refusal shows it as text.
    let (status, page, _) = f
        .post_form(
            "/settings/users",
            "name=%3Cscript%3E&role=viewer&password=long+enough+password",
            Some(Role::Admin),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(page.contains("&#60;script&#62;"), "{page}");
    assert!(!page.contains("`<script>`"), "{page}");
    // One that got into the workspace another way is listed as text.
    let mut s = store(&f);
    s.add_user("<script>", Role::Viewer, "x").unwrap();
    s.audit("<script>", "login", "<script>", "").unwrap();
    drop(s);
    for uri in ["/settings/users", "/settings/audit"] {
        let (_, page, _) = f.get(uri, Some(Role::Admin)).await;
        assert!(page.contains("&#60;script&#62;"), "{uri}: {page}");
        assert!(!page.contains("<script></"), "{uri}");
        assert!(
            !page.contains(">\n<script>") && !page.contains("\"<script>"),
            "{uri}"
        );
    }
}
