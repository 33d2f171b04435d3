//! What the pages show: escaping, the list's filter, search, sort and paging, the customer
//! page, languages, saved views, the export and the error pages.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use kundenwert_store::Role;

use super::{Fixture, HOSTILE_NAME, HOSTILE_NUMBER};

#[tokio::test]
async fn a_customer_called_script_stays_text_everywhere() {
    let f = Fixture::new();
    for uri in [
        format!("/customers?q={HOSTILE_NUMBER}"),
        format!("/customers/{HOSTILE_NUMBER}"),
    ] {
        let (status, body, _) = f.get(&uri, Some(Role::Viewer)).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        let escaped = [
            "&lt;script&gt;alert(1)&lt;/script&gt;",
            "&#60;script&#62;alert(1)&#60;/script&#62;",
        ];
        assert!(
            escaped.iter().any(|e| body.contains(e)),
            "{uri}: escaped name shown: {}",
            &body[body.find("99999").unwrap_or(0)..]
                [..400.min(body.len() - body.find("99999").unwrap_or(0))]
        );
        assert!(
            !body.contains(HOSTILE_NAME),
            "{uri}: raw name must not appear"
        );
        assert!(!body.contains("<script>alert"), "{uri}");
    }
}

#[tokio::test]
async fn the_dashboard_shows_types_portfolio_whale_abc() {
    let f = Fixture::new();
    let (status, body, _) = f.get("/", Some(Role::Viewer)).await;
    assert_eq!(status, StatusCode::OK);
    for part in [
        "Customer types",
        "Portfolio",
        "Whale curve",
        "ABC classes",
        "/customers?type=growth",
    ] {
        assert!(body.contains(part), "{part}");
    }
}

#[tokio::test]
async fn the_list_filters_searches_sorts_and_pages() {
    let f = Fixture::new();
    let (status, body, _) = f
        .get(
            "/customers?type=growth&sort=future_value&dir=desc",
            Some(Role::Viewer),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("aria-sort=\"descending\""));
    let growth_rows = body.matches("<tr data-href").count();
    assert!(growth_rows > 0);
    assert!(
        !body.contains("<td>steady</td>"),
        "only growth customers are listed"
    );
    assert!(body.contains("<td>growth</td>"));
    // Paging: the first page links the next, the next continues after the last row.
    let (_, first, _) = f
        .get("/customers?sort=number&dir=asc", Some(Role::Viewer))
        .await;
    assert_eq!(first.matches("<tr data-href").count(), 50);
    let next = first
        .split("rel=\"next\"")
        .next()
        .and_then(|s| s.rsplit("href=\"").next())
        .map(|s| {
            s.split('"')
                .next()
                .unwrap()
                .replace("&amp;", "&")
                .replace("&#38;", "&")
        })
        .expect("a next link");
    assert!(next.contains("after="), "{next}");
    let (status, second, _) = f.get(&next, Some(Role::Viewer)).await;
    assert_eq!(status, StatusCode::OK);
    let first_numbers: Vec<&str> = first
        .match_indices("<tr data-href=\"/customers/")
        .map(|(i, _)| &first[i + 26..i + 31])
        .collect();
    let second_numbers: Vec<&str> = second
        .match_indices("<tr data-href=\"/customers/")
        .map(|(i, _)| &second[i + 26..i + 31])
        .collect();
    assert!(
        first_numbers.last() < second_numbers.first(),
        "{first_numbers:?} then {second_numbers:?}"
    );
}

#[tokio::test]
async fn the_customer_page_has_reason_figures_and_neighbours() {
    let f = Fixture::new();
    let (status, body, _) = f
        .get(
            &format!("/customers/{}?sort=number&dir=asc", f.customer),
            Some(Role::Viewer),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    for part in [
        "Why ",
        "Key figures",
        "P(alive)",
        "Months with business",
        "rel=\"next\"",
        "Back to the list",
    ] {
        assert!(body.contains(part), "{part}");
    }
    let (status, body, _) = f
        .get("/customers/no-such-customer", Some(Role::Viewer))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The error page keeps the signed-in reader's navigation.
    assert!(body.contains("vera"), "{body}");
    assert!(body.contains("action=\"/logout\""), "{body}");
    let (status, body, _) = f.get("/no/such/page", Some(Role::Editor)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("emil"), "{body}");
    // Anonymous: no user.
    let (status, body, _) = f.get("/no/such/page", None).await;
    assert!(
        status == StatusCode::NOT_FOUND || status.is_redirection(),
        "{status}"
    );
    assert!(!body.contains("action=\"/logout\""), "{body}");
}

#[tokio::test]
async fn the_customer_page_lists_the_newest_invoice_lines_once_they_are_indexed() {
    let f = Fixture::new();
    let page = format!("/customers/{HOSTILE_NUMBER}");
    // The fixture imported without building the index: the page says the lines are coming.
    let (status, body, _) = f.get(&page, Some(Role::Viewer)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Invoice lines"), "{body}");
    assert!(body.contains("being indexed"), "{body}");
    // The server's background refresh builds it (as after every import).
    f.state.refresh_in_background();
    let waited = std::time::Instant::now();
    while f.state.refresh_state() == kundenwert_server::state::RefreshState::Running {
        assert!(waited.elapsed().as_secs() < 60, "the refresh ends");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(
        f.state.refresh_state(),
        kundenwert_server::state::RefreshState::Idle
    );
    let (_, body, _) = f.get(&page, Some(Role::Viewer)).await;
    assert!(!body.contains("being indexed"), "{body}");
    assert!(body.contains("All 4 lines."), "{body}");
    // Newest first: H0 was one month before the last date, H3 ten months.
    let at = |doc: &str| body.find(&format!("<td>{doc}</td>")).expect(doc);
    assert!(at("H0") < at("H1") && at("H1") < at("H2") && at("H2") < at("H3"));
    // Revenue 1,003.00 and the margin 403.00 of H3, in the reader's format.
    assert!(body.contains("1,003.00"), "{body}");
    assert!(body.contains("403.00"), "{body}");
    // In German.
    let (_, body, _) = f.get_lang(&page, Some(Role::Viewer), "de").await;
    assert!(body.contains("Rechnungszeilen"), "{body}");
    assert!(body.contains("Alle 4 Zeilen."), "{body}");
    assert!(body.contains("1.003,00"), "{body}");
}

#[tokio::test]
async fn german_by_accept_language_and_switchable() {
    let f = Fixture::new();
    let request = axum::http::Request::builder()
        .uri("/customers")
        .header(header::COOKIE, f.session(Role::Viewer))
        .header(header::ACCEPT_LANGUAGE, "de-DE,de;q=0.9,en;q=0.5")
        .body(axum::body::Body::empty())
        .unwrap();
    let (_, body, _) = super::split(f.send(request).await).await;
    assert!(
        body.contains("<html lang=\"de\">") && body.contains("Kunden"),
        "German page"
    );
    let (status, _, headers) = f.get("/lang/de?back=%2Fcustomers", None).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers.get(header::LOCATION).unwrap(), "/customers");
    assert!(headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("kw_lang=de"));
    let (status, body, _) = f.get("/no-such-page?lang=de", Some(Role::Viewer)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("Nicht gefunden"), "German error page");
}

#[tokio::test]
async fn a_saved_view_comes_back_in_the_list() {
    let f = Fixture::new();
    let (status, _, headers) = f
        .post_form(
            "/customers/views",
            "name=Wachstum+oben&state=type%3Dgrowth%26sort%3Dfuture_value",
            Some(Role::Viewer),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let location = headers
        .get(header::LOCATION)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        location.starts_with("/customers?type=growth&sort=future_value"),
        "{location}"
    );
    let (_, body, _) = f.get("/customers", Some(Role::Viewer)).await;
    assert!(body.contains("Wachstum oben"));
    // Views are the user's own.
    let (_, other, _) = f.get("/customers", Some(Role::Editor)).await;
    assert!(!other.contains("Wachstum oben"));
}

#[tokio::test]
async fn the_export_holds_exactly_what_the_list_shows() {
    let f = Fixture::new();
    let (status, csv, headers) = f
        .get(
            "/customers/export.csv?type=growth&cols=number,name,future_value&sort=number&dir=asc",
            Some(Role::Viewer),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers
        .get(header::CONTENT_TYPE)
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let api = f
        .get(
            "/api/v1/customers?type=growth&limit=1000",
            Some(Role::Viewer),
        )
        .await
        .1;
    let json: serde_json::Value = serde_json::from_str(&api).unwrap();
    let expected = json["customers"].as_array().unwrap().len();
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines[0], "Number,Name,Future value");
    assert_eq!(lines.len() - 1, expected);
}

#[tokio::test]
async fn the_xlsx_export_reads_back_with_the_list_rows_and_keeps_text_as_text() {
    use calamine::{Data, Reader, Xlsx};
    let f = Fixture::new();
    let request = axum::http::Request::builder()
        .uri(format!(
            "/customers/export.xlsx?q={HOSTILE_NUMBER}&cols=number,name,current_value,last_order"
        ))
        .header(header::COOKIE, f.session(Role::Viewer))
        .header(header::ACCEPT_LANGUAGE, "de")
        .body(axum::body::Body::empty())
        .unwrap();
    let response = f.send(request).await;
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let sheet = book.worksheet_range("Kunden").unwrap();
    let rows: Vec<Vec<Data>> = sheet.rows().map(|r| r.to_vec()).collect();
    assert_eq!(
        rows[0],
        vec![
            Data::String("Nummer".into()),
            Data::String("Name".into()),
            Data::String("Aktueller Wert".into()),
            Data::String("Letzter Auftrag".into()),
        ]
    );
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[1][0], Data::String(HOSTILE_NUMBER.into()));
    assert_eq!(
        rows[1][1],
        Data::String(HOSTILE_NAME.into()),
        "the name is a string cell as it was"
    );
    assert!(matches!(rows[1][2], Data::Float(_)), "{:?}", rows[1][2]);
    assert!(matches!(rows[1][3], Data::DateTime(_)), "{:?}", rows[1][3]);
}

#[tokio::test]
async fn the_overview_offers_the_report_as_html_and_xlsx_downloads() {
    let f = Fixture::new();
    let (_, overview, _) = f.get("/", Some(Role::Viewer)).await;
    assert!(overview.contains("href=\"/report.html\""), "{overview}");
    assert!(overview.contains("href=\"/report.xlsx\""), "{overview}");
    let (status, page, headers) = f.get_lang("/report.html", Some(Role::Viewer), "de").await;
    assert_eq!(status, StatusCode::OK);
    let disposition = headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"Kundenwert-Bericht-20"),
        "{disposition}"
    );
    assert!(
        page.starts_with("<!DOCTYPE html>\n<html lang=\"de\">"),
        "{page}"
    );
    assert!(page.contains("Kundentypen"));
    assert!(!page.contains(HOSTILE_NAME), "names are escaped");
    let response = f
        .send(
            Request::builder()
                .uri("/report.xlsx")
                .header(header::ACCEPT_LANGUAGE, "en")
                .header(header::COOKIE, f.session(Role::Viewer))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    use calamine::Reader;
    assert_eq!(
        book.sheet_names(),
        ["Summary", "Customers", "Value per month"]
    );
    let customers = book.worksheet_range("Customers").unwrap();
    // The fixture's 300 demo customers (those the analysis types) and the hostile one, with a
    // header.
    assert!(customers.height() > 200, "{}", customers.height());
    assert!(customers
        .rows()
        .any(|r| r[1] == calamine::Data::String(HOSTILE_NAME.into())));
}

/// With the feature `pdf` (on in the CLI's default build, so in `cargo test --workspace`).
#[cfg(feature = "pdf")]
#[tokio::test]
async fn the_overview_offers_the_report_as_pdf() {
    let f = Fixture::new();
    let (_, overview, _) = f.get("/", Some(Role::Viewer)).await;
    assert!(overview.contains("href=\"/report.pdf\""), "{overview}");
    let response = f
        .send(
            Request::builder()
                .uri("/report.pdf")
                .header(header::ACCEPT_LANGUAGE, "de")
                .header(header::COOKIE, f.session(Role::Viewer))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CONTENT_TYPE], "application/pdf");
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    assert!(bytes.starts_with(b"%PDF-"), "a PDF");
}
