//! The REST API: tokens, the customer list's cursor, chains in and out, and the OpenAPI
//! document covering every API route of the table.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use kundenwert_store::{Role, Store};

use super::{split, Fixture, HOSTILE_NUMBER};

fn token(f: &Fixture, user: &str) -> String {
    let mut store = Store::open(f.dir.path().join("kundenwert.db")).unwrap();
    kundenwert_server::create_token(
        &mut store,
        user,
        &format!("test-{user}"),
        kundenwert_core::Lang::En,
    )
    .unwrap()
    .1
}

async fn call(
    f: &Fixture,
    method: &str,
    uri: &str,
    bearer: Option<&str>,
    body: &str,
) -> (StatusCode, serde_json::Value) {
    let mut b = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::ACCEPT_LANGUAGE, "en");
    if let Some(t) = bearer {
        b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    if !body.is_empty() {
        b = b.header(header::CONTENT_TYPE, "application/json");
    }
    let (status, text, _) = split(f.send(b.body(Body::from(body.to_owned())).unwrap()).await).await;
    (
        status,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)),
    )
}

#[tokio::test]
async fn without_a_token_the_api_says_401_as_json() {
    let f = Fixture::new();
    let (status, body) = call(&f, "GET", "/api/v1/customers", None, "").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["status"], 401);
    let (status, _) = call(&f, "GET", "/api/v1/customers", Some("kw_not-a-token"), "").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_cursor_walks_every_customer_once_in_order() {
    let f = Fixture::new();
    let t = token(&f, "vera");
    let mut after: Option<String> = None;
    let mut seen = Vec::new();
    let mut values = Vec::new();
    loop {
        let uri = match &after {
            Some(a) => format!("/api/v1/customers?sort=current_value&dir=desc&limit=37&after={a}"),
            None => "/api/v1/customers?sort=current_value&dir=desc&limit=37".to_owned(),
        };
        let (status, page) = call(&f, "GET", &uri, Some(&t), "").await;
        assert_eq!(status, StatusCode::OK);
        for c in page["customers"].as_array().unwrap() {
            seen.push(c["id"].as_str().unwrap().to_owned());
            values.push(c["current_value"].as_f64().unwrap());
        }
        match page["next"].as_str() {
            Some(next) => after = Some(next.to_owned()),
            None => break,
        }
    }
    let (_, all) = call(&f, "GET", "/api/v1/analysis", Some(&t), "").await;
    assert_eq!(seen.len() as u64, all["customers"].as_u64().unwrap());
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "no customer twice");
    assert!(values.windows(2).all(|w| w[0] >= w[1]), "largest first");
}

#[tokio::test]
async fn one_customer_with_months() {
    let f = Fixture::new();
    let t = token(&f, "vera");
    let (status, c) = call(
        &f,
        "GET",
        &format!("/api/v1/customers/{}", f.customer),
        Some(&t),
        "",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(c["id"], f.customer.as_str());
    assert!(!c["months"].as_array().unwrap().is_empty());
    // The invoice lines' index is built after an import: null until then.
    assert!(c["transactions"].is_null(), "{c}");
    f.state
        .write(|bench| Ok(bench.index_customer_lines()?))
        .await
        .unwrap();
    let (_, c) = call(
        &f,
        "GET",
        &format!("/api/v1/customers/{HOSTILE_NUMBER}"),
        Some(&t),
        "",
    )
    .await;
    let lines = &c["transactions"];
    assert_eq!(lines["total"], 4, "{c}");
    assert_eq!(lines["lines"][0]["document"], "H0");
    assert_eq!(lines["lines"][3]["revenue"], 1003.0);
    assert_eq!(lines["lines"][3]["cost"], 600.0);
    assert_eq!(lines["lines"][3]["position"], 0);
    let (status, body) = call(&f, "GET", "/api/v1/customers/nope", Some(&t), "").await;
    assert_eq!(
        (status, body["status"].as_u64()),
        (StatusCode::NOT_FOUND, Some(404))
    );
}

#[tokio::test]
async fn a_chain_is_refused_with_every_problem_and_its_path_or_stored() {
    let f = Fixture::new();
    let editor = token(&f, "emil");
    let viewer = token(&f, "vera");
    let bad = r#"{"chain": "Neu", "actors": [{"id": "a", "tier": "nowhere", "name": "A"}, {"tier": "customer"}], "flows": [{"from": "a", "to": "zz"}]}"#;
    let (status, body) = call(&f, "POST", "/api/v1/chains", Some(&editor), bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let problems = body["problems"].as_array().unwrap();
    assert!(problems.len() >= 3, "{body}");
    assert!(problems
        .iter()
        .all(|p| !p["path"].as_str().unwrap().is_empty() || p["message"].is_string()));
    assert!(
        problems
            .iter()
            .any(|p| p["path"].as_str().unwrap().contains("actors[0]")),
        "{body}"
    );

    let good = r#"{"chain": "Neu", "subject": "product", "actors": [{"id": "wir", "tier": "self", "name": "Wir"}, {"id": "k", "tier": "customer", "name": "Kunde"}], "flows": [{"from": "wir", "to": "k", "kind": "goods"}]}"#;
    let (status, _) = call(&f, "POST", "/api/v1/chains", Some(&viewer), good).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a viewer may not write");
    let (status, stored) = call(&f, "POST", "/api/v1/chains", Some(&editor), good).await;
    assert_eq!(status, StatusCode::CREATED, "{stored}");
    let (status, _) = call(&f, "POST", "/api/v1/chains", Some(&editor), good).await;
    assert_eq!(status, StatusCode::OK, "the second time replaces");
    let (status, back) = call(&f, "GET", "/api/v1/chains/Neu", Some(&viewer), "").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(back, stored);
    let (_, list) = call(&f, "GET", "/api/v1/chains", Some(&viewer), "").await;
    assert!(list["chains"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["name"] == "Neu"));
    let _ = Role::Editor;
}

#[tokio::test]
async fn the_openapi_document_describes_exactly_the_api_routes() {
    let f = Fixture::new();
    let (status, doc) = call(&f, "GET", "/api/v1/openapi.json", None, "").await;
    assert_eq!(status, StatusCode::OK);
    let paths = doc["paths"].as_object().unwrap();
    let mut documented: Vec<String> = paths
        .iter()
        .flat_map(|(p, ops)| {
            ops.as_object()
                .unwrap()
                .keys()
                .map(move |m| format!("{} {p}", m.to_uppercase()))
        })
        .collect();
    let mut routed: Vec<String> = kundenwert_server::routes::table()
        .iter()
        .filter(|r| r.path.starts_with("/api/"))
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    documented.sort();
    routed.sort();
    assert_eq!(documented, routed);
}
