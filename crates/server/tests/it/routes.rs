//! Every route of the table, asked by nobody and by every role: nobody is sent to the login
//! (pages) or refused with 401 (API); a role below the route's least is refused with 403; a
//! role at or above it is let through (whatever the handler then says about the request, it is
//! never 401, 403 or a server error).

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use kundenwert_server::routes::{table, Access};
use kundenwert_store::Role;

use super::Fixture;

fn concrete(path: &str, f: &Fixture) -> String {
    let name = if path.contains("/plans/") {
        &f.plan
    } else {
        &f.chain
    };
    path.replace("{number}", &f.customer)
        .replace("{name}", &urlencode(name))
        .replace("{code}", "en")
        .replace("{id}", "1")
        .replace("{format}", "json")
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn every_route_admits_exactly_the_roles_it_names() {
    let f = Fixture::new();
    let routes = table();
    assert!(routes.len() >= 10, "{}", routes.len());
    let mut checked = 0;
    for route in &routes {
        let uri = concrete(route.path, &f);
        let api = route.path.starts_with("/api/");
        for who in [
            None,
            Some(Role::Viewer),
            Some(Role::Editor),
            Some(Role::Admin),
        ] {
            let mut b = Request::builder()
                .method(route.method.clone())
                .uri(&uri)
                .header("sec-fetch-site", "same-origin");
            if let Some(role) = who {
                b = b.header(header::COOKIE, f.session(role));
            }
            let body = if route.method == axum::http::Method::GET {
                Body::empty()
            } else if api {
                b = b.header(header::CONTENT_TYPE, "application/json");
                Body::from("{}")
            } else {
                b = b.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
                Body::from("x=1")
            };
            let response = f.send(b.body(body).unwrap()).await;
            let status = response.status();
            let location = response
                .headers()
                .get(header::LOCATION)
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_default();
            let what = format!(
                "{} {} as {who:?}: {status} {location}",
                route.method, route.path
            );
            assert!(!status.is_server_error(), "{what}");
            match (route.access, who) {
                (Access::Public, _) => {
                    assert!(
                        status != StatusCode::UNAUTHORIZED && status != StatusCode::FORBIDDEN,
                        "{what}"
                    );
                }
                (Access::Least(_), None) if api => {
                    assert_eq!(status, StatusCode::UNAUTHORIZED, "{what}")
                }
                (Access::Least(_), None) => {
                    assert_eq!(status, StatusCode::SEE_OTHER, "{what}");
                    assert!(location.starts_with("/login?next="), "{what}");
                }
                (Access::Least(least), Some(role)) if role < least => {
                    assert_eq!(status, StatusCode::FORBIDDEN, "{what}");
                }
                (Access::Least(_), Some(_)) => {
                    assert!(
                        status != StatusCode::UNAUTHORIZED && status != StatusCode::FORBIDDEN,
                        "{what}"
                    );
                    assert!(!location.starts_with("/login"), "{what}");
                }
            }
            checked += 1;
        }
    }
    assert_eq!(checked, routes.len() * 4);
}

#[tokio::test]
async fn a_cross_site_post_riding_the_session_cookie_is_refused() {
    let f = Fixture::new();
    for site in ["cross-site", "same-site"] {
        let request = Request::builder()
            .method("POST")
            .uri("/customers/views")
            .header(header::COOKIE, f.session(Role::Admin))
            .header("sec-fetch-site", site)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from("name=x&state="))
            .unwrap();
        assert_eq!(
            f.send(request).await.status(),
            StatusCode::FORBIDDEN,
            "{site}"
        );
    }
    // Browsers without Fetch Metadata: the Origin decides.
    let request = Request::builder()
        .method("POST")
        .uri("/customers/views")
        .header(header::HOST, "127.0.0.1:8080")
        .header(header::ORIGIN, "http://evil.example")
        .header(header::COOKIE, f.session(Role::Admin))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("name=x&state="))
        .unwrap();
    assert_eq!(f.send(request).await.status(), StatusCode::FORBIDDEN);
    // The same from our own origin passes.
    let request = Request::builder()
        .method("POST")
        .uri("/customers/views")
        .header(header::HOST, "127.0.0.1:8080")
        .header(header::ORIGIN, "http://127.0.0.1:8080")
        .header(header::COOKIE, f.session(Role::Admin))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("name=x&state="))
        .unwrap();
    assert_eq!(f.send(request).await.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let f = Fixture::new();
    for (uri, role) in [
        ("/login", None),
        ("/", Some(Role::Viewer)),
        ("/nowhere", Some(Role::Viewer)),
        ("/healthz", None),
    ] {
        let (_, _, headers) = f.get(uri, role).await;
        let csp = headers
            .get(header::CONTENT_SECURITY_POLICY)
            .expect(uri)
            .to_str()
            .unwrap();
        assert!(
            csp.contains("default-src 'none'") && csp.contains("script-src 'self'"),
            "{uri}: {csp}"
        );
        assert!(!csp.contains("unsafe-inline"), "{uri}: {csp}");
        assert_eq!(
            headers.get(header::X_CONTENT_TYPE_OPTIONS).unwrap(),
            "nosniff",
            "{uri}"
        );
        assert_eq!(
            headers.get(header::X_FRAME_OPTIONS).unwrap(),
            "DENY",
            "{uri}"
        );
    }
}
