//! The REST API under `/api/v1`: what the pages show, as JSON, for scripts and other tools
//! (`Authorization: Bearer kw_…`, or the session cookie). Refusals are JSON problems
//! (`status`, `title`, `problems` with `path` and `message`). Described by the OpenAPI
//! document at `/api/v1/openapi.json` (`openapi.json` beside this file; a test holds it to
//! the route table).

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use kundenwert_chain::{export, Format};
use kundenwert_store::{Accounts, CustomerResult, Workspace};
use serde_json::{json, Value};

use super::customers::{cursor_after, view::ListView};
use crate::auth::Identity;
use crate::error::{AppError, Problem};
use crate::page::PageCtx;
use crate::state::AppState;

/// The OpenAPI document.
pub const OPENAPI: &str = include_str!("openapi.json");

/// Most customers one API page returns.
pub const MAX_LIMIT: u64 = 1000;

/// The routes of this module.
pub fn routes() -> Vec<super::Route> {
    super::routes![
        GET "/api/v1/openapi.json" Public => openapi,
        GET "/api/v1/customers" Viewer => customers,
        GET "/api/v1/customers/{number}" Viewer => customer,
        GET "/api/v1/chains" Viewer => chains,
        POST "/api/v1/chains" Editor => put_chain,
        GET "/api/v1/chains/{name}" Viewer => chain,
        GET "/api/v1/plans" Viewer => plans,
        POST "/api/v1/plans" Editor => super::plans::api_put_plan,
        GET "/api/v1/plans/{name}" Viewer => plan,
        GET "/api/v1/selections" Viewer => selections,
        GET "/api/v1/imports" Viewer => imports,
        GET "/api/v1/analysis" Viewer => analysis,
    ]
}

async fn openapi() -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        OPENAPI,
    )
        .into_response()
}

/// A stored customer as the API gives it (the fields of `analyze --json`'s customers that
/// the stored analysis keeps).
pub fn customer_json(c: &CustomerResult) -> Value {
    json!({
        "id": c.number,
        "name": c.name,
        "type": c.customer_type,
        "confidence": c.confidence,
        "reason": { "de": c.reason_de, "en": c.reason_en },
        "status": c.status,
        "abc": c.abc,
        "current_value": c.current_value,
        "future_value": c.future_value,
        "future_value_low": c.future_value_low,
        "future_value_high": c.future_value_high,
        "future_value_source": c.future_value_source,
        "p_alive": c.p_alive,
        "expected_purchases": c.expected_purchases,
        "revenue": c.revenue,
        "margin": c.margin,
        "orders": c.orders,
        "first_order": c.first_order,
        "last_order": c.last_order,
    })
}

async fn customers(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, AppError> {
    let view = ListView::parse(raw.as_deref());
    let limit = serde_urlencoded::from_str::<Vec<(String, String)>>(raw.as_deref().unwrap_or(""))
        .unwrap_or_default()
        .into_iter()
        .find(|(k, _)| k == "limit")
        .map(|(_, v)| {
            v.parse::<u64>()
                .map_err(|_| AppError::BadRequest(format!("limit={v}")))
        })
        .transpose()?
        .unwrap_or(100)
        .clamp(1, MAX_LIMIT);
    let body = state
        .read(move |bench| {
            let sort = view.sort_column().column;
            let cursor = cursor_after(bench, sort, view.after_id())?;
            let mut rows = bench.customers(&view.query(cursor, limit + 1))?;
            let more = rows.len() as u64 > limit;
            rows.truncate(limit as usize);
            let next = more
                .then(|| rows.last().map(|r| r.id.to_string()))
                .flatten();
            Ok(json!({
                "customers": rows.iter().map(customer_json).collect::<Vec<_>>(),
                "next": next,
            }))
        })
        .await?;
    Ok(Json(body))
}

async fn customer(
    State(state): State<AppState>,
    Path(number): Path<String>,
) -> Result<Json<Value>, AppError> {
    let found = state
        .read(move |bench| {
            let lines = bench.customer_lines(&number, API_LINES)?;
            Ok(bench.customer(&number)?.map(|found| (found, lines)))
        })
        .await?;
    let ((c, months), lines) = found.ok_or(AppError::NotFound)?;
    let mut body = customer_json(&c);
    body["months"] = months
        .iter()
        .map(|m| {
            json!({
                "month": super::customers::month_label(m.month_index),
                "revenue": m.revenue,
                "margin": m.margin,
                "orders": m.orders,
            })
        })
        .collect();
    // The newest invoice lines; null while their index is built after an import.
    body["transactions"] = match &lines {
        Some(found) => json!({
            "total": found.total,
            "lines": found.lines.iter().map(|l| json!({
                "date": l.date.format("%Y-%m-%d").to_string(),
                "document": l.document,
                "position": l.position,
                "product": l.product,
                "quantity": l.quantity,
                "revenue": l.revenue,
                "cost": l.cost,
            })).collect::<Vec<_>>(),
        }),
        None => Value::Null,
    };
    Ok(Json(body))
}

/// How many of a customer's newest invoice lines `GET /api/v1/customers/{number}` answers with.
const API_LINES: u64 = 100;

/// A document as the workspace stores it (canonical JSON), answered as it is.
fn stored_json(json: String) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        json,
    )
        .into_response()
}

async fn chains(State(state): State<AppState>) -> Result<Json<Value>, AppError> {
    let list = state.read(|bench| Ok(bench.store().list_chains()?)).await?;
    Ok(Json(json!({
        "chains": list.iter().map(|c| json!({
            "name": c.name,
            "subject": c.subject,
            "created_at": c.created_at,
            "updated_at": c.updated_at,
        })).collect::<Vec<_>>()
    })))
}

async fn chain(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Response, AppError> {
    let json = state
        .read(move |bench| Ok(bench.store().get_chain(&name)?))
        .await?;
    Ok(stored_json(json.ok_or(AppError::NotFound)?))
}

/// `POST /api/v1/chains`: a chain file (product.md §6) as JSON, validated as `chain import`
/// validates it; stored under its `chain` name (replacing one of that name). A refusal lists
/// every problem with its path (422).
async fn put_chain(
    State(state): State<AppState>,
    ctx: PageCtx,
    Extension(identity): Extension<Identity>,
    body: String,
) -> Result<Response, AppError> {
    let chain = kundenwert_chain::parse(&body, Some(Format::Json)).map_err(|errors| {
        AppError::Unprocessable(
            errors
                .0
                .iter()
                .map(|e| Problem {
                    path: e.path.clone(),
                    message: e.message(ctx.lang),
                })
                .collect(),
        )
    })?;
    let canonical = export::to_json(&chain);
    let name = chain.chain.clone();
    let who = identity.user.name.clone();
    let (n, doc) = (name.clone(), canonical.clone());
    let existed = state
        .write(move |bench| {
            let store = bench.store_mut();
            let existed = store.get_chain(&n)?.is_some();
            store.put_chain(&n, &doc)?;
            store.audit(
                &who,
                if existed {
                    "chain.replace"
                } else {
                    "chain.create"
                },
                &n,
                "api",
            )?;
            Ok(existed)
        })
        .await?;
    let status = if existed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    let mut response = (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        canonical,
    )
        .into_response();
    if let Ok(location) =
        HeaderValue::from_str(&format!("/api/v1/chains/{}", crate::page::urlencode(&name)))
    {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

async fn plans(State(state): State<AppState>) -> Result<Json<Value>, AppError> {
    let list = state.read(|bench| Ok(bench.store().list_plans()?)).await?;
    Ok(Json(json!({
        "plans": list.iter().map(|p| json!({
            "name": p.name,
            "created_at": p.created_at,
            "updated_at": p.updated_at,
        })).collect::<Vec<_>>()
    })))
}

async fn plan(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Response, AppError> {
    let json = state
        .read(move |bench| Ok(bench.store().get_plan(&name)?))
        .await?;
    Ok(stored_json(json.ok_or(AppError::NotFound)?))
}

async fn selections(State(state): State<AppState>) -> Result<Json<Value>, AppError> {
    let list = state
        .read(|bench| {
            let store = bench.store();
            let mut out = Vec::new();
            for entry in store.list_selections()? {
                let expression = store.get_selection(&entry.name)?.unwrap_or_default();
                out.push(json!({ "name": entry.name, "expression": expression, "updated_at": entry.updated_at }));
            }
            Ok(out)
        })
        .await?;
    Ok(Json(json!({ "selections": list })))
}

async fn imports(State(state): State<AppState>) -> Result<Json<Value>, AppError> {
    let list = state.read(|bench| Ok(bench.store().imports()?)).await?;
    Ok(Json(json!({
        "imports": list.iter().map(|i| json!({
            "id": i.id,
            "path": i.path,
            "rows_read": i.rows_read,
            "rows_rejected": i.rows_rejected,
            "inserted": i.inserted,
            "duplicates_skipped": i.duplicates_skipped,
            "imported_at": i.imported_at,
        })).collect::<Vec<_>>()
    })))
}

async fn analysis(State(state): State<AppState>) -> Result<Json<Value>, AppError> {
    let run = state.read(|bench| Ok(bench.run()?)).await?;
    let run = run.ok_or(AppError::NotFound)?;
    let summary: Value = serde_json::from_str(&run.summary).map_err(AppError::internal)?;
    Ok(Json(json!({
        "as_of": run.as_of,
        "customers": run.customers,
        "computed_at": run.computed_at,
        "seconds": run.seconds,
        "summary": summary,
    })))
}
