//! The focus plan pages: a plan created from a selection or a saved view lists its targets,
//! activities through the forms, refusals, exports, the API, German and English, names that
//! stay text.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use kundenwert_store::{Accounts, Role, Store, Workspace};

use super::{split, Fixture};

fn enc(s: &str) -> String {
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

fn stored(f: &Fixture, name: &str) -> Option<kundenwert_chain::plan::Plan> {
    let store = Store::open(f.dir.path().join("kundenwert.db")).unwrap();
    store.get_plan(name).unwrap().map(|json| {
        kundenwert_chain::plan::parse_plan(&json, Some(kundenwert_chain::Format::Json)).unwrap()
    })
}

/// Customer numbers linked from a page.
fn linked_customers(body: &str) -> Vec<String> {
    body.split("href=\"/customers/")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].to_owned())
        .collect()
}

#[tokio::test]
async fn a_plan_from_a_selection_lists_its_targets_and_takes_activities() {
    let f = Fixture::new();
    let (status, _, headers) = f
        .post_form(
            "/plans",
            "name=Wachstum+West&scope_kind=customer_type&scope_type=growth&scope_value=&reason=growth&text_growth=&reason=retention&text_retention=Wettbewerb&selection=type%3Dgrowth&saved=&view=&customers=",
            Some(Role::Editor),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let location = headers[header::LOCATION].to_str().unwrap().to_owned();
    assert_eq!(location, "/plans/Wachstum%20West");
    let plan = stored(&f, "Wachstum West").unwrap();
    assert_eq!(plan.targets.selection.as_deref(), Some("type=growth"));
    assert_eq!(plan.reasons.len(), 2);
    let (status, body, _) = f.get(&location, Some(Role::Viewer)).await;
    assert_eq!(status, StatusCode::OK);
    let targets = linked_customers(&body);
    // Every growth customer of the stored analysis, and nothing else.
    let store = Store::open(f.dir.path().join("kundenwert.db")).unwrap();
    let bench = kundenwert_workbench::Workbench::new(store);
    let growth = bench
        .select(&kundenwert_chain::selection::parse("type=growth").unwrap())
        .unwrap();
    assert!(!growth.is_empty());
    for c in &growth {
        assert!(targets.contains(&enc(&c.number)), "{} missing", c.number);
    }
    assert!(
        body.contains(&format!("Target customers today ({})", growth.len())),
        "{body}"
    );

    let (status, _, _) = f
        .post_form(
            &format!("{location}/activities"),
            "index=&what=Jahresgespr%C3%A4ch+f%C3%BChren&owner=Max+Weber&due=2025-06-30&status=in_progress&priority=1&customer=&actor=&person=",
            Some(Role::Editor),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let plan = stored(&f, "Wachstum West").unwrap();
    assert_eq!(plan.activities.len(), 1);
    assert_eq!(plan.activities[0].owner.as_deref(), Some("Max Weber"));
    let (_, body, _) = f.get(&location, Some(Role::Viewer)).await;
    assert!(body.contains("Jahresgespräch führen"));
    assert!(body.contains("Max Weber"));
    assert!(
        body.contains("6/30/2025")
            || body.contains("2025-06-30")
            || body.contains("30 Jun 2025")
            || body.contains("Jun"),
        "the due date: {body}"
    );

    // A refused activity: every problem, nothing changed.
    let (status, body, _) = f
        .post_form(
            &format!("{location}/activities"),
            "index=0&what=&owner=Max&due=30.06.2025&status=offen&priority=7",
            Some(Role::Editor),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("activities[0].due"), "{body}");
    assert!(body.contains("activities[0].status"), "{body}");
    assert!(body.contains("activities[0].what"), "{body}");
    assert_eq!(stored(&f, "Wachstum West").unwrap(), plan);

    // Status change, coaching, priorities, notes, reasons.
    let (status, _, _) = f
        .post_form(
            &format!("{location}/activities"),
            "index=0&what=Jahresgespr%C3%A4ch+f%C3%BChren&owner=Max+Weber&due=2025-06-30&status=done&priority=1",
            Some(Role::Editor),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    for (path, form) in [
        ("coaching", format!("coaching={}", enc(&f.customer))),
        (
            "priorities",
            "priorities=Liefertreue%0D%0AService".to_owned(),
        ),
        ("notes", "notes=Erste+Zeile".to_owned()),
        (
            "reasons",
            "reason=innovation&text_innovation=Neue+Baureihe".to_owned(),
        ),
    ] {
        let (status, _, _) = f
            .post_form(&format!("{location}/{path}"), &form, Some(Role::Editor))
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{path}");
    }
    let plan = stored(&f, "Wachstum West").unwrap();
    assert_eq!(
        plan.activities[0].status,
        kundenwert_chain::plan::Status::Done
    );
    assert_eq!(plan.coaching, vec![f.customer.clone()]);
    assert_eq!(plan.priorities, vec!["Liefertreue", "Service"]);
    assert_eq!(plan.notes.as_deref(), Some("Erste Zeile"));
    assert_eq!(plan.reasons.len(), 1);

    // Exports.
    for (format, content_type) in [
        ("markdown", "text/markdown"),
        ("html", "text/html"),
        ("yaml", "application/yaml"),
        ("json", "application/json"),
    ] {
        let (status, body, headers) = f
            .get(&format!("{location}/export/{format}"), Some(Role::Viewer))
            .await;
        assert_eq!(status, StatusCode::OK, "{format}");
        assert!(headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with(content_type));
        assert!(headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment"));
        assert!(body.contains("Wachstum West"), "{format}");
    }

    // A viewer may not.
    let (status, _, _) = f
        .post_form(&format!("{location}/notes"), "notes=x", Some(Role::Viewer))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_plan_from_a_saved_view_takes_the_views_filters_as_its_selection() {
    let f = Fixture::new();
    {
        let mut store = Store::open(f.dir.path().join("kundenwert.db")).unwrap();
        store
            .put_view(
                "emil",
                "Große Wachstumskunden",
                "type=growth&cv_min=1.000&sort=name",
            )
            .unwrap();
        store.put_view("emil", "Alle", "sort=name").unwrap();
    }
    let (_, body, _) = f.get("/plans", Some(Role::Editor)).await;
    assert!(
        body.contains("Große Wachstumskunden"),
        "the editor's views are offered"
    );
    let (status, _, _) = f
        .post_form(
            "/plans",
            "name=Aus+Ansicht&scope_kind=customer_type&scope_value=growth&view=Gro%C3%9Fe+Wachstumskunden",
            Some(Role::Editor),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let plan = stored(&f, "Aus Ansicht").unwrap();
    assert_eq!(
        plan.targets.selection.as_deref(),
        Some("type = growth and current_value >= 1000")
    );
    // A view without a filter would target everybody: refused.
    let (status, body, _) = f
        .post_form(
            "/plans",
            "name=Alle&scope_kind=customer_type&scope_value=growth&view=Alle",
            Some(Role::Editor),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("filters nothing"), "{body}");
    assert!(stored(&f, "Alle").is_none());
    // A saved selection by name.
    let (status, _, _) = f
        .post_form(
            "/plans",
            "name=Top&scope_kind=product&scope_value=Zylinder&saved=top",
            Some(Role::Editor),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        stored(&f, "Top").unwrap().targets.selection.as_deref(),
        Some("@top")
    );
}

#[tokio::test]
async fn a_bad_plan_form_is_refused_with_its_problems() {
    let f = Fixture::new();
    let (status, body, _) = f
        .post_form(
            "/plans",
            "name=Kaputt&scope_kind=galaxy&scope_value=x&reason=nonsense&selection=type%3D",
            Some(Role::Editor),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("scope.kind"), "{body}");
    assert!(body.contains("reasons[0]"), "{body}");
    assert!(body.contains("value=\"Kaputt\""), "what was typed stays");
    assert!(stored(&f, "Kaputt").is_none());
}

#[tokio::test]
async fn the_plan_page_in_german_and_english_with_names_as_text() {
    let f = Fixture::new();
    let uri = format!("/plans/{}", enc(&f.plan));
    let (status, body, _) = f.get(&uri, Some(Role::Viewer)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Activities"));
    assert!(body.contains("Jahresgespräch mit der Geschäftsführung"));
    // The test plan's notes and reasons hold markup: it shows as text (askama escapes to
    // numeric references).
    assert!(
        body.contains("&#60;b&#62;HTML&#60;/b&#62;"),
        "notes stay text"
    );
    assert!(!body.contains("<b>HTML</b>"), "notes stay text");
    assert!(
        body.contains("Preise &#60;sinken&#62;"),
        "reasons stay text"
    );
    assert!(!body.contains("Preise <sinken>"), "reasons stay text");
    let request = Request::builder()
        .uri(&uri)
        .header(header::ACCEPT_LANGUAGE, "de")
        .header(header::COOKIE, f.session(Role::Editor))
        .body(Body::empty())
        .unwrap();
    let (status, body, _) = split(f.send(request).await).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Aktivitäten"), "{body}");
    assert!(body.contains("Aktivität hinzufügen"));
    // A plan called <script>.
    let (status, _, headers) = f
        .post_form(
            "/plans",
            "name=%3Cscript%3Ealert(1)%3C%2Fscript%3E&scope_kind=product&scope_value=%3Cscript%3E&selection=type%3Dgrowth",
            Some(Role::Editor),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let location = headers[header::LOCATION].to_str().unwrap().to_owned();
    for uri in [location.as_str(), "/plans"] {
        let (status, body, _) = f.get(uri, Some(Role::Viewer)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!body.contains("<script>alert(1)</script>"), "{uri}");
        assert!(!body.contains("<script>"), "{uri}");
    }
}

#[tokio::test]
async fn the_api_stores_a_plan_or_lists_every_problem() {
    let f = Fixture::new();
    let post = |body: &'static str, role: Role| {
        let request = Request::builder()
            .method("POST")
            .uri("/api/v1/plans")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ACCEPT_LANGUAGE, "en")
            .header("sec-fetch-site", "same-origin")
            .header(header::COOKIE, f.session(role))
            .body(Body::from(body))
            .unwrap();
        async { split(f.send(request).await).await }
    };
    let (status, body, headers) = post(
        r#"{"plan": "API-Plan", "scope": {"kind": "product", "value": "Zylinder"}, "targets": {"selection": "type=growth"}, "activities": [{"what": "Anrufen", "owner": "Emil", "due": "2025-05-01"}]}"#,
        Role::Editor,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(headers[header::LOCATION], "/api/v1/plans/API-Plan");
    assert_eq!(stored(&f, "API-Plan").unwrap().activities.len(), 1);
    let (status, body, _) = post(
        r#"{"plan": "Kaputt", "scope": {"kind": "galaxy", "value": "x"}, "activities": [{"what": "x", "status": "offen"}]}"#,
        Role::Editor,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    let paths: Vec<&str> = json["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["path"].as_str().unwrap())
        .collect();
    assert!(paths.contains(&"scope.kind"), "{body}");
    assert!(paths.contains(&"activities[0].status"), "{body}");
    let (status, _, _) = post(
        r#"{"plan": "Ohne Auswahl", "scope": {"kind": "product", "value": "x"}, "targets": {"selection": "@gibtsnicht"}}"#,
        Role::Editor,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(stored(&f, "Ohne Auswahl").is_none());
    let (status, _, _) = post(
        r#"{"plan": "V", "scope": {"kind": "product", "value": "x"}}"#,
        Role::Viewer,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
