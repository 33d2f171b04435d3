//! The chain pages: the diagram and the gaps, editing through the forms (the same validated
//! edits as the CLI), refusals that change nothing, every export, German and English, and names
//! that stay text.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use kundenwert_store::{Role, Store, Workspace};

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

fn stored(f: &Fixture, name: &str) -> kundenwert_chain::Chain {
    let store = Store::open(f.dir.path().join("kundenwert.db")).unwrap();
    let json = store.get_chain(name).unwrap().expect("the chain is stored");
    kundenwert_chain::parse(&json, Some(kundenwert_chain::Format::Json)).unwrap()
}

#[tokio::test]
async fn the_chain_page_shows_the_diagram_and_the_gaps() {
    let f = Fixture::new();
    let (status, body, _) = f.get("/chains", Some(Role::Viewer)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("Hydraulikzylinder für Landmaschinen"),
        "{body}"
    );
    let uri = format!("/chains/{}", enc(&f.chain));
    let (status, body, _) = f.get(&uri, Some(Role::Viewer)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\""),
        "{body}"
    );
    assert!(body.contains("Contact gaps"), "{body}");
    assert!(body.contains("Stahlwerke Nord AG"));
    // A viewer sees no forms.
    assert!(
        !body.contains("/actors/edit"),
        "a viewer gets no edit forms"
    );
    let (_, body, _) = f.get(&uri, Some(Role::Editor)).await;
    assert!(body.contains("/actors/edit"));
}

#[tokio::test]
async fn an_editor_adds_an_actor_a_person_and_a_flow_through_the_forms() {
    let f = Fixture::new();
    let base = format!("/chains/{}", enc(&f.chain));
    let (status, _, headers) = f
        .post_form(
            &format!("{base}/actors"),
            "id=grosshandel&tier=customer&name=Gro%C3%9Fhandel+Nord&count=12&size=medium&importance=4&competitive_position=&relationship=customer&success_factors=Preis%2C+Verf%C3%BCgbarkeit&customer=&segment=",
            Some(Role::Editor),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(headers[header::LOCATION]
        .to_str()
        .unwrap()
        .starts_with(&base));
    let (status, _, _) = f
        .post_form(
            &format!("{base}/persons"),
            "actor=grosshandel&name=Petra+Lang&role=Einkauf&contact=none&known_by=&last_contact=",
            Some(Role::Editor),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, _) = f
        .post_form(
            &format!("{base}/flows"),
            "from=wir&to=grosshandel&kind=goods&label=Zylinder",
            Some(Role::Editor),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let chain = stored(&f, &f.chain);
    let actor = chain.actor("grosshandel").expect("the actor is stored");
    assert_eq!(actor.count, Some(12));
    assert_eq!(actor.success_factors, vec!["Preis", "Verfügbarkeit"]);
    assert_eq!(actor.persons[0].name, "Petra Lang");
    assert_eq!(actor.persons[0].contact, kundenwert_chain::Contact::None);
    assert!(chain
        .flows
        .iter()
        .any(|fl| fl.from == "wir" && fl.to == "grosshandel"));
    // The person without contact is a gap on the page.
    let (_, body, _) = f.get(&base, Some(Role::Viewer)).await;
    let gaps = body
        .split("data-gaps=\"persons\"")
        .nth(1)
        .expect("persons without contact");
    let gaps = &gaps[..gaps.find("</ul>").unwrap()];
    assert!(gaps.contains("Petra Lang"), "{gaps}");
    // Editing and removing go through the same edits.
    let (status, _, _) = f
        .post_form(
            &format!("{base}/persons/edit"),
            "actor=grosshandel&person=Petra+Lang&name=Petra+Lang&role=Einkauf&contact=direct&known_by=Max+Weber&last_contact=2025-01-15&notes=",
            Some(Role::Editor),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let chain = stored(&f, &f.chain);
    let p = &chain.actor("grosshandel").unwrap().persons[0];
    assert_eq!(p.contact, kundenwert_chain::Contact::Direct);
    assert_eq!(p.known_by.as_deref(), Some("Max Weber"));
    let (status, _, _) = f
        .post_form(
            &format!("{base}/actors/remove"),
            "actor=grosshandel&cascade=yes",
            Some(Role::Editor),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let chain = stored(&f, &f.chain);
    assert!(chain.actor("grosshandel").is_none());
    assert!(!chain.flows.iter().any(|fl| fl.to == "grosshandel"));
}

#[tokio::test]
async fn a_refused_edit_answers_422_with_every_problem_and_changes_nothing() {
    let f = Fixture::new();
    let base = format!("/chains/{}", enc(&f.chain));
    let before = stored(&f, &f.chain);
    let (status, body, _) = f
        .post_form(
            &format!("{base}/actors"),
            "id=neu&tier=grosskunde&name=Neu&importance=9",
            Some(Role::Editor),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("grosskunde"), "{body}");
    assert!(
        body.contains("supplier, self, customer"),
        "the allowed tiers: {body}"
    );
    assert!(
        body.contains("importance"),
        "the second problem too: {body}"
    );
    // What was typed stays.
    assert!(body.contains("value=\"neu\""), "{body}");
    let (status, body, _) = f
        .post_form(
            &format!("{base}/actors"),
            "id=stahlwerk&tier=supplier&name=Zweites+Stahlwerk",
            Some(Role::Editor),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("stahlwerk"), "{body}");
    let (status, _, _) = f
        .post_form(
            &format!("{base}/flows"),
            "from=wir&to=nirgendwo&kind=goods",
            Some(Role::Editor),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _, _) = f
        .post_form(&format!("{base}/delete"), "x=1", Some(Role::Editor))
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "no deletion without confirmation"
    );
    assert_eq!(stored(&f, &f.chain), before);
    // A viewer may not.
    let (status, _, _) = f
        .post_form(
            &format!("{base}/actors"),
            "id=x&tier=customer&name=X",
            Some(Role::Viewer),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(stored(&f, &f.chain), before);
}

#[tokio::test]
async fn a_chain_is_created_and_deleted() {
    let f = Fixture::new();
    let (status, _, headers) = f
        .post_form(
            "/chains",
            "name=%3Cscript%3Ealert(1)%3C%2Fscript%3E&subject=service&self_name=Wir+%26+Co",
            Some(Role::Editor),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let location = headers[header::LOCATION].to_str().unwrap().to_owned();
    let (status, body, _) = f.get(&location, Some(Role::Viewer)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !body.contains("<script>alert(1)</script>"),
        "the name stays text"
    );
    assert!(
        body.contains("&#60;script&#62;alert(1)&#60;/script&#62;")
            || body.contains("&lt;script&gt;"),
        "{body}"
    );
    let (_, list, _) = f.get("/chains", Some(Role::Viewer)).await;
    assert!(!list.contains("<script>alert(1)</script>"));
    // The same name again is refused.
    let (status, body, _) = f
        .post_form(
            "/chains",
            "name=%3Cscript%3Ealert(1)%3C%2Fscript%3E&subject=service&self_name=Wir",
            Some(Role::Editor),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!body.contains("<script>alert(1)</script>"));
    let (status, _, _) = f
        .post_form(
            &format!("{location}/delete"),
            "confirm=yes",
            Some(Role::Editor),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, _) = f.get(&location, Some(Role::Viewer)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn every_export_format_answers_with_its_content_type() {
    let f = Fixture::new();
    let base = format!("/chains/{}/export", enc(&f.chain));
    for (format, content_type, start) in [
        ("yaml", "application/yaml", "chain:"),
        ("json", "application/json", "{"),
        ("svg", "image/svg+xml", "<svg"),
        ("png", "image/png", "\u{fffd}PNG"),
        ("mermaid", "text/vnd.mermaid", "flowchart LR"),
        ("dot", "text/vnd.graphviz", "digraph"),
        ("drawio", "application/vnd.jgraph.mxfile", "<"),
        ("graphml", "application/graphml+xml", "<?xml"),
    ] {
        let (status, body, headers) = f.get(&format!("{base}/{format}"), Some(Role::Viewer)).await;
        assert_eq!(status, StatusCode::OK, "{format}");
        let ct = headers[header::CONTENT_TYPE].to_str().unwrap();
        assert!(ct.starts_with(content_type), "{format}: {ct}");
        let cd = headers[header::CONTENT_DISPOSITION].to_str().unwrap();
        assert!(cd.starts_with("attachment; filename=\""), "{format}: {cd}");
        assert!(
            body.trim_start().starts_with(start),
            "{format}: {}",
            &body[..body.len().min(80)]
        );
    }
    let (status, _, _) = f.get(&format!("{base}/pdf"), Some(Role::Viewer)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_chain_page_in_german() {
    let f = Fixture::new();
    let request = Request::builder()
        .uri(format!("/chains/{}", enc(&f.chain)))
        .header(header::ACCEPT_LANGUAGE, "de")
        .header(header::COOKIE, f.session(Role::Editor))
        .body(Body::empty())
        .unwrap();
    let (status, body, _) = split(f.send(request).await).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Kontaktlücken"), "{body}");
    assert!(body.contains("Akteur hinzufügen"));
    assert!(
        body.contains("Lieferant") || body.contains("lieferant"),
        "tier labels in German"
    );
}
