//! The import: upload a German export, its preview (formats, the rejected row with line and
//! reason, counts that reconcile), a correction changing the preview, confirm storing it with
//! an audit entry, a PDF named as such, and the API.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use kundenwert_store::{Accounts, Role, Store, Workspace};

use super::{split, Fixture};

const GERMAN: &[u8] = include_bytes!("../fixtures/german-1252.csv");
const PDF: &[u8] = include_bytes!("../fixtures/not-an-export.csv");

const BOUNDARY: &str = "----kundenwert-test-boundary";

fn multipart(name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn upload(
    f: &Fixture,
    name: &str,
    bytes: &[u8],
    role: Role,
) -> (StatusCode, String, axum::http::HeaderMap) {
    let request = Request::builder()
        .method(Method::POST)
        .uri("/import")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header("sec-fetch-site", "same-origin")
        .header(header::ACCEPT_LANGUAGE, "en")
        .header(header::COOKIE, f.session(role))
        .body(Body::from(multipart(name, bytes)))
        .unwrap();
    split(f.send(request).await).await
}

fn location(headers: &axum::http::HeaderMap) -> String {
    headers
        .get(header::LOCATION)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

fn store(f: &Fixture) -> Store {
    Store::open(f.dir.path().join("kundenwert.db")).unwrap()
}

/// Uploads the German export and returns the preview's path.
async fn uploaded(f: &Fixture) -> String {
    let (status, body, headers) = upload(f, "Umsätze 2024.csv", GERMAN, Role::Editor).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let to = location(&headers);
    assert!(to.starts_with("/import/"), "{to}");
    to
}

#[tokio::test]
async fn a_german_export_is_previewed_corrected_and_stored() {
    let f = Fixture::new();
    let before = store(&f).transaction_count().unwrap();
    let preview = uploaded(&f).await;
    let (status, page, _) = f.get(&preview, Some(Role::Editor)).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    // The detected formats.
    for detected in [
        "<code>windows-1252</code>",
        "<code>;</code>",
        "comma (1.234,56)",
        "<code>%d.%m.%Y</code>",
    ] {
        assert!(page.contains(detected), "{detected} in {page}");
    }
    // The column roles as read.
    assert!(page.contains("Kundennr.") && page.contains("<code>customer</code>"));
    assert!(page.contains("<code>revenue</code>") && page.contains("<code>cost</code>"));
    // The first rows as read: the umlauts decoded, the amounts read with a decimal comma.
    assert!(page.contains("Müller Landtechnik GmbH"), "{page}");
    assert!(page.contains("1,234.56"), "{page}");
    // The broken row: its physical line and why, and counts that reconcile.
    assert!(page.contains("<td class=\"num\">6</td>"), "{page}");
    assert!(page.contains("31.02.2024"), "{page}");
    assert!(
        page.contains("10 rows read = 9 accepted + 1 rejected"),
        "{page}"
    );
    // Correcting the date format reads again: now no date fits.
    let (status, corrected, _) = f
        .post_form(
            &preview,
            "encoding=&delimiter=&decimal=&date_format=%25Y-%25m-%25d",
            Some(Role::Editor),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{corrected}");
    assert!(corrected.contains("<code>%Y-%m-%d</code>"), "{corrected}");
    assert!(
        corrected.contains("10 rows read = 0 accepted + 10 rejected"),
        "{corrected}"
    );
    assert!(
        !corrected.contains("/confirm\""),
        "nothing usable, nothing to confirm"
    );
    // Back to detection, then a column role by hand: the name column read as the product.
    let (status, corrected, _) = f
        .post_form(&preview, "date_format=&role_2=product", Some(Role::Editor))
        .await;
    assert_eq!(status, StatusCode::OK, "{corrected}");
    assert!(corrected.contains("9 accepted + 1 rejected"), "{corrected}");
    // Two columns given one role: refused naming both, the column form kept for correcting.
    let (status, twice, _) = f
        .post_form(
            &preview,
            "role_1=product&role_2=product",
            Some(Role::Editor),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{twice}");
    assert!(
        twice.contains("two columns are given for `product`, `Kundennr.` and `Kundenname`"),
        "{twice}"
    );
    assert!(twice.contains("name=\"role_2\""), "{twice}");
    let (_, _, _) = f
        .post_form(&preview, "date_format=", Some(Role::Editor))
        .await;
    // Confirm stores it, audits it and shows the status.
    let (status, _, headers) = f
        .post_form(&format!("{preview}/confirm"), "", Some(Role::Editor))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&headers), format!("{preview}/status"));
    let s = store(&f);
    assert_eq!(s.transaction_count().unwrap(), before + 9);
    let imports = s.imports().unwrap();
    let last = imports.last().unwrap();
    assert_eq!(last.path, "Umsätze_2024.csv");
    assert_eq!((last.rows_read, last.rows_rejected), (10, 1));
    let audit = s.audit_log(10, None).unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.action == "import" && e.actor == "emil" && e.target == "Umsätze_2024.csv"),
        "{audit:?}"
    );
    let (status, page, _) = f
        .get(&format!("{preview}/status"), Some(Role::Editor))
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Stored: 9 rows"), "{page}");
    // The list of imports names it.
    let (_, list, _) = f.get("/import", Some(Role::Editor)).await;
    assert!(list.contains("Umsätze_2024.csv"), "{list}");
    // The upload is gone: the preview now leads to the status.
    let (status, _, headers) = f.get(&preview, Some(Role::Editor)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&headers), format!("{preview}/status"));
    // The same file again adds nothing.
    let again = uploaded(&f).await;
    f.post_form(&format!("{again}/confirm"), "", Some(Role::Editor))
        .await;
    assert_eq!(store(&f).transaction_count().unwrap(), before + 9);
}

#[tokio::test]
async fn a_pdf_is_named_as_one_and_nothing_is_staged() {
    let f = Fixture::new();
    let (status, page, _) = upload(&f, "rechnung.csv", PDF, Role::Editor).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(page.contains("PDF"), "{page}");
    assert!(
        !page.contains(f.dir.path().to_str().unwrap()),
        "no server path: {page}"
    );
    // An empty upload is asked for again.
    let (status, page, _) = upload(&f, "leer.csv", b"", Role::Editor).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
}

#[tokio::test]
async fn a_discarded_upload_is_gone_and_a_viewer_cannot_upload() {
    let f = Fixture::new();
    let preview = uploaded(&f).await;
    let (status, _, headers) = f
        .post_form(&format!("{preview}/cancel"), "", Some(Role::Editor))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&headers), "/import");
    let (status, _, _) = f.get(&preview, Some(Role::Editor)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = upload(&f, "x.csv", GERMAN, Role::Viewer).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_api_imports_a_raw_body_and_refuses_a_pdf_with_422() {
    let f = Fixture::new();
    let token = {
        let mut s = store(&f);
        kundenwert_server::create_token(&mut s, "emil", "import", kundenwert_core::Lang::En)
            .unwrap()
            .1
    };
    let call = |uri: &str, bytes: &'static [u8]| {
        Request::builder()
            .method(Method::POST)
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "text/csv")
            .header(header::ACCEPT_LANGUAGE, "en")
            .body(Body::from(bytes))
            .unwrap()
    };
    let (status, body, _) = split(
        f.send(call("/api/v1/imports?name=export.csv", GERMAN))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["rows_read"], 10);
    assert_eq!(json["rows_accepted"], 9);
    assert_eq!(json["inserted"], 9);
    assert_eq!(json["encoding"], "windows-1252");
    assert_eq!(json["rejected"][0]["line"], 6);
    let (status, body, _) = split(f.send(call("/api/v1/imports?name=r.csv", PDF)).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("PDF"), "{body}");
    let (status, _, _) = split(f.send(call("/api/v1/imports", GERMAN)).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
