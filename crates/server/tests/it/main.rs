//! The web workbench in-process: every route with every role (from the one route table),
//! login and sessions, the pages' content and escaping, and the API.

mod api;
mod chains;
mod import;
mod pages;
mod plans;
mod routes;
mod session;
mod settings;

use axum::body::Body;
use axum::http::{header, Method, Request, Response, StatusCode};
use axum::Router;
use kundenwert_analysis::demo::{generate, DemoConfig};
use kundenwert_server::{auth, AppState};
use kundenwert_store::{Accounts, ImportMeta, Role, Store, StoredTransaction, Workspace};
use kundenwert_workbench::Workbench;
use tower::ServiceExt;

/// The password every fixture user has.
pub const PASSWORD: &str = "correct horse battery staple";

/// A workspace with a small demo company, its analysis, a chain, a plan, a saved selection,
/// and one user per role; and the workbench's router on it.
#[derive(Debug)]
pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub app: Router,
    pub state: AppState,
    /// A customer number that exists.
    pub customer: String,
    /// The chain's name.
    pub chain: String,
    /// The plan's name.
    pub plan: String,
}

/// The customer whose name tries to inject a script.
pub const HOSTILE_NUMBER: &str = "99999";
pub const HOSTILE_NAME: &str = "<script>alert(1)</script> & \"Söhne\"";

impl Fixture {
    #[allow(clippy::new_without_default)]
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kundenwert.db");
        let mut store = Store::open(&path).unwrap();
        let demo = generate(&DemoConfig {
            customers: 300,
            ..DemoConfig::default()
        });
        let mut rows = kundenwert_workbench::demo_transactions(&demo);
        let last = rows.iter().map(|r| r.date).max().unwrap();
        for (i, months_back) in [1u32, 4, 7, 10].iter().enumerate() {
            rows.push(StoredTransaction {
                customer: HOSTILE_NUMBER.into(),
                name: Some(HOSTILE_NAME.into()),
                date: last - chrono::Months::new(*months_back),
                revenue: 1000.0 + i as f64,
                cost: Some(600.0),
                quantity: Some(1.0),
                product: Some("X".into()),
                document: Some(format!("H{i}")),
                position: Some(0),
            });
        }
        store
            .import_file(
                &ImportMeta {
                    path: "demo.csv".into(),
                    content_hash: "demo-300".into(),
                    rows_read: rows.len() as u64,
                    rows_rejected: 0,
                },
                &mut rows.into_iter(),
            )
            .unwrap();
        let mut bench = Workbench::new(store);
        bench.refresh(&mut |_| {}).unwrap();
        let customer = bench
            .customers(&kundenwert_store::CustomerQuery {
                limit: Some(1),
                ..Default::default()
            })
            .unwrap()[0]
            .number
            .clone();
        let store = bench.store_mut();
        for (name, role) in [
            ("anna", Role::Admin),
            ("emil", Role::Editor),
            ("vera", Role::Viewer),
        ] {
            kundenwert_server::add_user(store, name, role, PASSWORD, kundenwert_core::Lang::En)
                .unwrap();
        }
        let chain_yaml = include_str!("../../../../data/demo/kette_hydraulik.yaml");
        let chain =
            kundenwert_chain::parse(chain_yaml, Some(kundenwert_chain::Format::Yaml)).unwrap();
        store
            .put_chain(&chain.chain, &kundenwert_chain::export::to_json(&chain))
            .unwrap();
        let plan_yaml = include_str!("../../../chain/fixtures/plan_growth.yaml");
        let plan =
            kundenwert_chain::plan::parse_plan(plan_yaml, Some(kundenwert_chain::Format::Yaml))
                .unwrap();
        store
            .put_plan(&plan.plan, &kundenwert_chain::plan::plan_to_json(&plan))
            .unwrap();
        store
            .put_selection("top", "type=growth and future_value > 1000")
            .unwrap();
        drop(bench);
        let state = AppState::open(&path, false).unwrap();
        let app = kundenwert_server::app(state.clone());
        Fixture {
            dir,
            app,
            state,
            customer,
            chain: chain.chain,
            plan: plan.plan,
        }
    }

    /// A fresh session cookie for the user with `role` (made in the store, as a login would).
    pub fn session(&self, role: Role) -> String {
        let name = match role {
            Role::Admin => "anna",
            Role::Editor => "emil",
            Role::Viewer => "vera",
        };
        let mut store = Store::open(self.dir.path().join("kundenwert.db")).unwrap();
        let (user, _) = store.user_with_hash(name).unwrap().unwrap();
        let (token, hash) = auth::new_session_token().unwrap();
        store.create_session(&hash, user.id, auth::now()).unwrap();
        format!("{}={token}", auth::SESSION_COOKIE)
    }

    /// Sends a request; `cookie` as the Cookie header.
    pub async fn send(&self, request: Request<Body>) -> Response<Body> {
        self.app.clone().oneshot(request).await.unwrap()
    }

    /// GET `uri` as `role` (none: anonymous), in English.
    pub async fn get(
        &self,
        uri: &str,
        role: Option<Role>,
    ) -> (StatusCode, String, axum::http::HeaderMap) {
        self.get_lang(uri, role, "en").await
    }

    /// GET `uri` as `role` (none: anonymous) with `Accept-Language: lang`.
    pub async fn get_lang(
        &self,
        uri: &str,
        role: Option<Role>,
        lang: &str,
    ) -> (StatusCode, String, axum::http::HeaderMap) {
        let mut b = Request::builder()
            .uri(uri)
            .header(header::ACCEPT_LANGUAGE, lang);
        if let Some(role) = role {
            b = b.header(header::COOKIE, self.session(role));
        }
        let response = self.send(b.body(Body::empty()).unwrap()).await;
        split(response).await
    }

    /// POST a form as `role` from the same origin.
    pub async fn post_form(
        &self,
        uri: &str,
        form: &str,
        role: Option<Role>,
    ) -> (StatusCode, String, axum::http::HeaderMap) {
        let mut b = Request::builder()
            .method(Method::POST)
            .uri(uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "same-origin")
            .header(header::ACCEPT_LANGUAGE, "en");
        if let Some(role) = role {
            b = b.header(header::COOKIE, self.session(role));
        }
        split(
            self.send(b.body(Body::from(form.to_owned())).unwrap())
                .await,
        )
        .await
    }
}

/// Status, body text and headers of a response.
pub async fn split(response: Response<Body>) -> (StatusCode, String, axum::http::HeaderMap) {
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (
        status,
        String::from_utf8_lossy(&bytes).into_owned(),
        headers,
    )
}
