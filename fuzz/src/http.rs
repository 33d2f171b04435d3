//! The web workbench over HTTP: any request to any route of the route table, as nobody, a
//! viewer or an editor, through the whole router (security layers, sign-in gate, extractors,
//! form, query-string, JSON and multipart decoding, handlers, templates) on a small workspace.
//!
//! The input's first bytes pick the role, the route, the method's language and whether the
//! request comes from the same site; the rest is text split at line breaks into the route's
//! path parameters, the query string, the content type and the body (the body keeps its line
//! breaks). Invariants on every answer:
//!
//! - never a server error (500): bad input is a 4xx with a message, never an internal failure;
//! - the security headers on every answer (Content-Security-Policy, nosniff, frame denial);
//! - a route's least role holds: a request below it never succeeds (2xx);
//! - a cross-site write never succeeds;
//! - text from the request never comes back as markup: an HTML answer never holds `<kwfuzz`
//!   (the seeds put that marker into parameters, query strings and bodies).
//!
//! `KW_FUZZ_TRACE=1` prints every request and its status (to see what a corpus reaches).
//!
//! Administrators' routes are left out on purpose: they can delete the users this target signs
//! in as. Their forms are plain settings and account fields, covered by the route table's tests.

use std::path::PathBuf;
use std::sync::OnceLock;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use kundenwert_server::routes::{self, Access};
use kundenwert_server::{auth, AppState};
use kundenwert_store::{Accounts, ImportMeta, Role, Store, Workspace};
use kundenwert_workbench::Workbench;
use tower::ServiceExt;

/// The marker the seeds put into request text; an HTML answer holding it unescaped would be
/// an injection.
const MARKER: &str = "<kwfuzz";

struct Server {
    path: PathBuf,
    app: axum::Router,
    runtime: tokio::runtime::Runtime,
    routes: Vec<routes::Route>,
}

/// The workbench on a small demo workspace (40 customers, the demo chain and plan, a viewer
/// and an editor), made once per fuzzing process.
fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| {
        // A directory of this process's own among the scratch files (`run.sh` empties them
        // after a run); those of processes that ended (AFL++ starts a new one now and then)
        // go now, so a long run does not fill the disk with workspaces.
        let dir = crate::scratch("http");
        remove_ended_processes_dirs(&dir);
        std::fs::create_dir_all(&dir).expect("a scratch directory");
        let path = dir.join("kundenwert.db");
        let mut store = Store::open(&path).expect("a workspace");
        let demo = kundenwert_analysis::demo::generate(&kundenwert_analysis::demo::DemoConfig {
            customers: 40,
            ..Default::default()
        });
        let rows = kundenwert_workbench::demo_transactions(&demo);
        store
            .import_file(
                &ImportMeta {
                    path: "demo.csv".into(),
                    content_hash: "demo-40".into(),
                    rows_read: rows.len() as u64,
                    rows_rejected: 0,
                },
                &mut rows.into_iter(),
            )
            .expect("the demo imports");
        let (chain, plan) = crate::demo_documents();
        store
            .put_chain(&chain.chain, &kundenwert_chain::export::to_json(chain))
            .expect("the chain stores");
        store
            .put_plan(&plan.plan, &kundenwert_chain::plan::plan_to_json(plan))
            .expect("the plan stores");
        for (name, role) in [("vera", Role::Viewer), ("emil", Role::Editor)] {
            kundenwert_server::add_user(
                &mut store,
                name,
                role,
                "fuzz-password-1234",
                kundenwert_core::Lang::En,
            )
            .expect("a user");
        }
        let mut bench = Workbench::new(store);
        bench.refresh(&mut |_| {}).expect("the analysis");
        drop(bench);
        let state = AppState::open(&path, false).expect("the server state");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let routes = routes::table()
            .into_iter()
            .filter(|r| !matches!(r.access, Access::Least(Role::Admin)))
            .collect();
        Server {
            path,
            app: kundenwert_server::app(state),
            runtime,
            routes,
        }
    })
}

/// Removes the `PID-http` scratch directories beside `mine` whose process has ended.
fn remove_ended_processes_dirs(mine: &std::path::Path) {
    let Some(parent) = mine.parent() else { return };
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name.strip_suffix("-http") else {
            continue;
        };
        if !std::path::Path::new("/proc").join(pid).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// A fresh session cookie for `role`'s user, made in the store as a login would: a session
/// the previous input ended (by logging out) does not carry over.
fn session(server: &Server, role: Role) -> String {
    let name = if role == Role::Editor { "emil" } else { "vera" };
    let mut store = Store::open(&server.path).expect("the workspace");
    let (user, _) = store
        .user_with_hash(name)
        .expect("the users table")
        .expect("the user exists");
    let (token, hash) = auth::new_session_token().expect("a token");
    store
        .create_session(&hash, user.id, auth::now())
        .expect("a session");
    format!("{}={token}", auth::SESSION_COOKIE)
}

/// `text` with every byte a URI path segment or query cannot hold as it is percent-encoded
/// (`keep` lists the delimiters the part may hold as they are).
fn encoded(text: &str, keep: &[u8]) -> String {
    let mut out = String::with_capacity(text.len());
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) || keep.contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// One request through the router, with the invariants above.
pub fn http_requests(data: &[u8]) {
    let [role_byte, route_byte, flags, rest @ ..] = data else {
        return;
    };
    let server = server();
    let route = &server.routes[usize::from(*route_byte) % server.routes.len()];
    let role = match role_byte % 3 {
        0 => None,
        1 => Some(Role::Viewer),
        _ => Some(Role::Editor),
    };
    let same_site = flags & 1 == 0;
    let lang = if flags & 2 == 0 { "de" } else { "en" };
    // HEAD for a GET route now and then: the router answers it from the GET handler.
    let method = if route.method == Method::GET && flags & 4 != 0 {
        Method::HEAD
    } else {
        route.method.clone()
    };

    let text = String::from_utf8_lossy(rest);
    let params = route.path.matches('{').count();
    let mut parts = text.splitn(params + 3, '\n');
    let mut path = String::new();
    for segment in route.path.split('/').filter(|s| !s.is_empty()) {
        path.push('/');
        if segment.starts_with('{') {
            // An empty parameter would leave a path of no route (the fallback's 404).
            let value = parts.next().filter(|v| !v.is_empty()).unwrap_or("x");
            path.push_str(&encoded(value, &[]));
        } else {
            path.push_str(segment);
        }
    }
    if path.is_empty() {
        path.push('/');
    }
    let query = parts.next().unwrap_or("");
    if !query.is_empty() {
        path.push('?');
        path.push_str(&encoded(query, b"&=+%"));
    }
    let content_type = parts.next().unwrap_or("").trim().to_owned();
    let body = parts.next().unwrap_or("").to_owned();

    let mut request = Request::builder()
        .method(method.clone())
        .uri(&path)
        .header(header::HOST, "127.0.0.1:8080")
        .header(header::ACCEPT_LANGUAGE, lang)
        .header(
            "sec-fetch-site",
            if same_site {
                "same-origin"
            } else {
                "cross-site"
            },
        );
    if !content_type.is_empty() {
        request = request.header(header::CONTENT_TYPE, content_type.as_str());
    }
    if let Some(role) = role {
        request = request.header(header::COOKIE, session(server, role));
    }
    let Ok(request) = request.body(Body::from(body)) else {
        // A header value the HTTP types refuse (a control character): no request to send.
        return;
    };

    let (status, headers, bytes) = server.runtime.block_on(async {
        let response = server
            .app
            .clone()
            .oneshot(request)
            .await
            .expect("the router answers");
        let (parts, body) = response.into_parts();
        let bytes = axum::body::to_bytes(body, 64 << 20)
            .await
            .expect("the body reads");
        (parts.status, parts.headers, bytes)
    });

    let what = format!("{method} {path} as {role:?} ({lang}, same site: {same_site})");
    if std::env::var_os("KW_FUZZ_TRACE").is_some() {
        eprintln!("{what}: {status}");
    }
    assert_ne!(
        status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{what}: {}",
        String::from_utf8_lossy(&bytes)
    );
    for name in [
        header::CONTENT_SECURITY_POLICY,
        header::X_CONTENT_TYPE_OPTIONS,
        header::X_FRAME_OPTIONS,
    ] {
        assert!(headers.contains_key(&name), "{what}: no {name} ({status})");
    }
    let location = headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !same_site && method == Method::POST {
        assert_eq!(status, StatusCode::FORBIDDEN, "{what}: a cross-site write");
    } else if let Access::Least(least) = route.access {
        let refused = match role {
            // Signed in, but not enough: forbidden.
            Some(r) if r < least => status == StatusCode::FORBIDDEN,
            Some(_) => true,
            // Nobody: the API says unauthorised, a page sends to the login.
            None => {
                status == StatusCode::UNAUTHORIZED
                    || (status == StatusCode::SEE_OTHER && location.starts_with("/login"))
            }
        };
        assert!(
            refused,
            "{what}: below {least:?}, answered {status} {location}"
        );
    }
    let html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if html {
        let page = String::from_utf8_lossy(&bytes);
        assert!(
            !page.contains(MARKER),
            "{what}: request text as markup in {page}"
        );
    }
}
