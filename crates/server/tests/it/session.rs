//! Login, the session cookie, logout, throttling and the way back after login.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use kundenwert_store::{Accounts, Role, Store};

use super::{split, Fixture, PASSWORD};

async fn login(
    f: &Fixture,
    user: &str,
    password: &str,
    next: &str,
) -> (StatusCode, String, axum::http::HeaderMap) {
    let form =
        serde_urlencoded::to_string([("username", user), ("password", password), ("next", next)])
            .unwrap();
    f.post_form("/login", &form, None).await
}

#[tokio::test]
async fn healthz_answers_without_login() {
    let f = Fixture::new();
    let (status, body, _) = f.get("/healthz", None).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "ok\n"));
}

#[tokio::test]
async fn a_login_sets_an_http_only_cookie_that_opens_the_pages_until_logout() {
    let f = Fixture::new();
    let (status, _, headers) = login(&f, "vera", PASSWORD, "/customers?type=growth").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        headers.get(header::LOCATION).unwrap(),
        "/customers?type=growth"
    );
    let cookie = headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
        "{cookie}"
    );
    let pair = cookie.split(';').next().unwrap().to_owned();

    let page = |pair: String| {
        Request::builder()
            .uri("/customers")
            .header(header::COOKIE, pair)
            .body(Body::empty())
            .unwrap()
    };
    let (status, body, _) = split(f.send(page(pair.clone())).await).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("vera"), "the page names who is signed in");

    // Only the token's hash is stored.
    let store = Store::open(f.dir.path().join("kundenwert.db")).unwrap();
    let token = pair.split_once('=').unwrap().1;
    let raw: i64 = store
        .connection()
        .query_row(
            "SELECT count(*) FROM sessions WHERE hex(token_sha256) = upper(?1)",
            [token],
            |r| r.get(0),
        )
        .unwrap_or(0);
    assert_eq!(raw, 0, "the raw token must not be stored");

    let logout = Request::builder()
        .method("POST")
        .uri("/logout")
        .header(header::COOKIE, pair.clone())
        .header("sec-fetch-site", "same-origin")
        .body(Body::empty())
        .unwrap();
    let (status, _, headers) = split(f.send(logout).await).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    let (status, _, headers) = split(f.send(page(pair)).await).await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "the ended session opens nothing"
    );
    assert!(headers
        .get(header::LOCATION)
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("/login"));

    let audit = store.audit_log(10, None).unwrap();
    let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).collect();
    assert!(actions.starts_with(&["logout", "login"]), "{actions:?}");
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_get_the_same_answer() {
    let f = Fixture::new();
    let (s1, b1, h1) = login(&f, "vera", "wrong password!", "/").await;
    let (s2, b2, _) = login(&f, "nobody", "wrong password!", "/").await;
    assert_eq!(s1, StatusCode::UNAUTHORIZED);
    assert_eq!(s2, StatusCode::UNAUTHORIZED);
    assert!(h1.get(header::SET_COOKIE).is_none());
    assert!(b1.contains("User name or password is wrong."));
    assert_eq!(b1.replace("vera", "nobody"), b2);
}

#[tokio::test]
async fn five_failures_block_the_name_for_a_while_even_with_the_right_password() {
    let f = Fixture::new();
    for _ in 0..5 {
        assert_eq!(
            login(&f, "emil", "guess guess guess", "/").await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    let (status, body, _) = login(&f, "emil", PASSWORD, "/").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(body.contains("Too many failed attempts"));
    // Another user is not affected.
    assert_eq!(
        login(&f, "vera", PASSWORD, "/").await.0,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn the_way_back_after_login_never_leaves_the_site() {
    let f = Fixture::new();
    for next in [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
    ] {
        let (status, _, headers) = login(&f, "vera", PASSWORD, next).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(headers.get(header::LOCATION).unwrap(), "/", "{next}");
    }
}

#[tokio::test]
async fn a_page_without_a_session_redirects_to_the_login_and_comes_back() {
    let f = Fixture::new();
    let (status, _, headers) = f.get("/customers?type=growth", None).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        headers.get(header::LOCATION).unwrap(),
        "/login?next=%2Fcustomers%3Ftype%3Dgrowth"
    );
    let (status, body, _) = f
        .get("/login?next=%2Fcustomers%3Ftype%3Dgrowth", None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("name=\"next\" value=\"/customers?type=growth\""),
        "{body}"
    );
    let _ = Role::Viewer;
}
