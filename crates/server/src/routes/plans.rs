//! The focus plans: the list with a form for a new plan (from a selection, a saved selection or
//! one of the reader's saved customer-list views), one plan as the handbook's template shows it
//! with the customers it targets on the stored analysis today, the forms that change its
//! reasons, activities, coaching, priorities and notes, and its exports.
//!
//! Every change goes through `kundenwert_chain::plan`'s checked model (a plan is changed as a
//! document and read back, `plan::edit`) and the workspace's checks of its references
//! (`kundenwert_workbench::plan_problems`, as `kundenwert plan` does), is stored and audited in
//! one write; a refusal shows the page again with every problem (422).
//!
//! **A saved view as a plan's customers.** A view is the customer list's URL state; its filters
//! become the plan's selection expression: the types as `type in (…)`, the statuses as
//! `status in (…)`, the ABC classes as `abc in (…)`, the value bounds as `current_value >= …`
//! etc., and its search as `(id ~ "…" or name ~ "…")` (contains, ignoring case; the list's
//! search also folds accents). Sorting, columns and the page position do not select. The
//! expression is stored in the plan (the view may change or go later) and evaluated on the
//! current data every time, like any selection; a view without any filter is refused, as it
//! would target every customer.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use kundenwert_chain::plan::{
    self, parse_plan, plan_to_json, plan_to_yaml, LinkProblem, Plan, PlanContext, ReasonKind,
    ScopeKind, Status,
};
use kundenwert_chain::Format;
use kundenwert_core::{CustomerType, Lang};
use kundenwert_store::{Accounts, Workspace};
use kundenwert_text as t;
use kundenwert_text::CustomerTypeLabel;
use kundenwert_workbench::PlanProblem;

use super::chains::{download, file_name, Fields};
use super::customers::view::{parse_amount, ListView};
use crate::auth::Identity;
use crate::error::{AppError, Problem};
use crate::page::{html, urlencode, PageCtx};
use crate::state::AppState;

/// The routes of this module.
pub fn routes() -> Vec<super::Route> {
    super::routes![
        GET "/plans" Viewer => list,
        POST "/plans" Editor => create,
        GET "/plans/{name}" Viewer => page,
        POST "/plans/{name}/delete" Editor => delete,
        POST "/plans/{name}/reasons" Editor => reasons,
        POST "/plans/{name}/activities" Editor => activity,
        POST "/plans/{name}/activities/remove" Editor => activity_remove,
        POST "/plans/{name}/coaching" Editor => coaching,
        POST "/plans/{name}/priorities" Editor => priorities,
        POST "/plans/{name}/notes" Editor => notes,
        GET "/plans/{name}/export/{format}" Viewer => export_plan,
    ]
}

/// `POST /api/v1/plans` (registered in `api.rs`'s table): a plan file (the handbook's template)
/// as JSON, checked as `plan import` checks it, including its references in the workspace;
/// stored under its `plan` name (replacing one of that name). A refusal lists every problem with
/// its path (422).
pub async fn api_put_plan(
    State(state): State<AppState>,
    ctx: PageCtx,
    Extension(identity): Extension<Identity>,
    body: String,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let plan = parse_plan(&body, Some(Format::Json)).map_err(|errors| {
        AppError::Unprocessable(
            errors
                .0
                .iter()
                .map(|e| Problem {
                    path: e.path.clone(),
                    message: e.message(lang),
                })
                .collect(),
        )
    })?;
    let canonical = plan_to_json(&plan);
    let name = plan.plan.clone();
    let who = identity.user.name.clone();
    let doc = canonical.clone();
    let existed = state
        .write(move |bench| {
            let problems = bench.plan_problems(&plan)?;
            if !problems.is_empty() {
                return Err(AppError::Unprocessable(
                    problems
                        .iter()
                        .map(|p| Problem {
                            path: p.path(),
                            message: p.localized(lang),
                        })
                        .collect(),
                ));
            }
            let store = bench.store_mut();
            let existed = store.get_plan(&plan.plan)?.is_some();
            store.put_plan(&plan.plan, &doc)?;
            store.audit(
                &who,
                if existed {
                    "plan.replace"
                } else {
                    "plan.create"
                },
                &plan.plan,
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
    if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/plans/{}", urlencode(&name))) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// The plan formats of `kundenwert plan export`: id, content type, file extension.
pub const FORMATS: [(&str, &str, &str); 4] = [
    ("markdown", "text/markdown; charset=utf-8", "md"),
    ("html", "text/html; charset=utf-8", "html"),
    ("yaml", "application/yaml; charset=utf-8", "yaml"),
    ("json", "application/json", "json"),
];

/// Most target customers the page lists (the exports list all).
const TARGETS_SHOWN: usize = 200;

fn plan_href(name: &str) -> String {
    format!("/plans/{}", urlencode(name))
}

fn load(store: &impl Workspace, name: &str) -> Result<Plan, AppError> {
    let json = store.get_plan(name)?.ok_or(AppError::NotFound)?;
    parse_plan(&json, Some(Format::Json))
        .map_err(|e| AppError::internal(format!("plan `{name}`: {e}")))
}

/// A text for a selection: quoted, with `"` and `\` escaped.
fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The selection expression a saved customer-list view stands for (see the module's
/// documentation); `None` when the view filters nothing.
pub fn view_selection(view: &ListView) -> Option<String> {
    let mut parts = Vec::new();
    let list = |s: &str, ok: &dyn Fn(&str) -> bool| -> Vec<String> {
        s.split(',')
            .map(str::trim)
            .filter(|v| !v.is_empty() && ok(v))
            .map(str::to_owned)
            .collect()
    };
    for (field, values) in [
        (
            "type",
            list(&view.types, &|v| CustomerType::from_id(v).is_some()),
        ),
        (
            "status",
            list(&view.status, &|v| {
                super::customers::view::STATUSES.contains(&v)
            }),
        ),
        (
            "abc",
            list(&view.abc, &|v| {
                ["A", "B", "C"].iter().any(|c| c.eq_ignore_ascii_case(v))
            }),
        ),
    ] {
        match values.len() {
            0 => {}
            1 => parts.push(format!("{field} = {}", values[0])),
            _ => parts.push(format!("{field} in ({})", values.join(", "))),
        }
    }
    for (text, field, op) in [
        (&view.cv_min, "current_value", ">="),
        (&view.cv_max, "current_value", "<="),
        (&view.fv_min, "future_value", ">="),
        (&view.fv_max, "future_value", "<="),
    ] {
        if let Some(v) = parse_amount(text) {
            parts.push(format!("{field} {op} {v}"));
        }
    }
    let q = view.q.trim();
    if !q.is_empty() {
        parts.push(format!("(id ~ {0} or name ~ {0})", quoted(q)));
    }
    (!parts.is_empty()).then(|| parts.join(" and "))
}

// ---------------------------------------------------------------------------------------------
// The list.

#[derive(Debug)]
struct ListRow {
    name: String,
    href: String,
    scope: String,
    activities: usize,
    updated: String,
}

#[derive(Template)]
#[template(path = "plans.html")]
struct ListPage {
    ctx: PageCtx,
    rows: Vec<ListRow>,
    scopes: Vec<(&'static str, &'static str)>,
    reason_kinds: Vec<(&'static str, &'static str)>,
    types: Vec<(&'static str, &'static str)>,
    saved: Vec<String>,
    views: Vec<String>,
    problems: Vec<String>,
    typed: Fields,
    flash: Option<String>,
}

impl ListPage {
    fn reason_checked(&self, kind: impl AsRef<str>) -> bool {
        self.typed.all("reason").iter().any(|r| r == kind.as_ref())
    }

    fn reason_text(&self, kind: impl AsRef<str>) -> String {
        self.typed
            .get(&format!("text_{}", kind.as_ref()))
            .to_owned()
    }

    fn typed_is(&self, field: &str, value: impl AsRef<str>) -> bool {
        self.typed.get(field) == value.as_ref()
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct ListFlash {
    deleted: String,
}

async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    Extension(identity): Extension<Identity>,
    Query(flash): Query<ListFlash>,
) -> Result<Response, AppError> {
    let flash = (!flash.deleted.is_empty()).then(|| t::web_plans_deleted(ctx.lang, &flash.deleted));
    list_page(
        &state,
        ctx,
        &identity,
        Vec::new(),
        Fields::default(),
        flash,
        StatusCode::OK,
    )
    .await
}

async fn list_page(
    state: &AppState,
    ctx: PageCtx,
    identity: &Identity,
    problems: Vec<String>,
    typed: Fields,
    flash: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let owner = identity.user.name.clone();
    let (rows, saved, views) = state
        .read(move |bench| {
            let store = bench.store();
            let mut rows = Vec::new();
            for entry in store.list_plans()? {
                let plan = store
                    .get_plan(&entry.name)?
                    .and_then(|json| parse_plan(&json, Some(Format::Json)).ok());
                rows.push(ListRow {
                    href: plan_href(&entry.name),
                    scope: plan
                        .as_ref()
                        .map(|p| format!("{}: {}", p.scope.kind.label(lang), p.scope.value))
                        .unwrap_or_default(),
                    activities: plan.as_ref().map_or(0, |p| p.activities.len()),
                    updated: entry.updated_at.replace('T', " ").replace('Z', ""),
                    name: entry.name,
                });
            }
            let saved = store
                .list_selections()?
                .into_iter()
                .map(|s| s.name)
                .collect();
            let views = store.views(&owner)?.into_iter().map(|v| v.name).collect();
            Ok((rows, saved, views))
        })
        .await?;
    let page = ListPage {
        rows,
        scopes: ScopeKind::ALL
            .iter()
            .map(|s| (s.id(), s.label(lang)))
            .collect(),
        reason_kinds: ReasonKind::ALL
            .iter()
            .map(|s| (s.id(), s.label(lang)))
            .collect(),
        types: CustomerType::ALL
            .iter()
            .map(|c| (c.id(), c.label(lang)))
            .collect(),
        saved,
        views,
        problems,
        typed,
        flash,
        ctx,
    };
    let mut response = html(&page);
    *response.status_mut() = status;
    Ok(response)
}

/// The reasons of a form: each ticked `reason` kind with its `text_KIND` (as `kind:text`).
fn form_reasons(form: &Fields) -> Vec<String> {
    form.all("reason")
        .into_iter()
        .map(|kind| {
            let text = form.get(&format!("text_{kind}")).trim().to_owned();
            if text.is_empty() {
                kind
            } else {
                format!("{kind}:{text}")
            }
        })
        .collect()
}

/// Items of a list field: one per line or comma-separated.
fn items(text: &str, commas: bool) -> Vec<String> {
    text.split(|c| c == '\n' || (commas && c == ','))
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    Extension(identity): Extension<Identity>,
    Form(form): Form<Fields>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let name = form.get("name").trim().to_owned();
    let expression = form.get("selection").trim().to_owned();
    let saved = form.get("saved").trim().to_owned();
    let view_name = form.get("view").trim().to_owned();
    let customers = items(form.get("customers"), true);
    let reasons = form_reasons(&form);
    let scope_kind = form.get("scope_kind").to_owned();
    // A customer type can be chosen from a list; other scopes are typed.
    let scope_value = match (scope_kind.as_str(), form.get("scope_type")) {
        ("customer_type", ty) if !ty.is_empty() && form.get("scope_value").trim().is_empty() => {
            ty.to_owned()
        }
        _ => form.get("scope_value").trim().to_owned(),
    };
    let owner = identity.user.name.clone();
    let who = identity.user.name.clone();
    let outcome = state
        .write(move |bench| {
            let sources = [
                !expression.is_empty(),
                !saved.is_empty(),
                !view_name.is_empty(),
            ];
            if sources.iter().filter(|s| **s).count() > 1 {
                return Ok(Err(vec![t::web_plans_two_sources(lang).to_owned()]));
            }
            let selection = if !saved.is_empty() {
                Some(format!("@{}", saved.trim_start_matches('@')))
            } else if !view_name.is_empty() {
                let store = bench.store();
                let Some(view) = store
                    .views(&owner)?
                    .into_iter()
                    .find(|v| v.name == view_name)
                else {
                    return Ok(Err(vec![t::web_plans_no_such_view(lang, &view_name)]));
                };
                match view_selection(&ListView::parse(Some(&view.query))) {
                    Some(s) => Some(s),
                    None => {
                        return Ok(Err(vec![t::web_plans_view_without_filter(
                            lang, &view_name,
                        )]))
                    }
                }
            } else {
                (!expression.is_empty()).then_some(expression)
            };
            let plan = match plan::edit::new_plan(
                &name,
                &scope_kind,
                &scope_value,
                &reasons,
                selection.as_deref(),
                &customers,
            ) {
                Ok(p) => p,
                Err(e) => return Ok(Err(e.0.iter().map(|e| e.localized(lang)).collect())),
            };
            let problems = bench.plan_problems(&plan)?;
            if !problems.is_empty() {
                return Ok(Err(problems.iter().map(|p| p.localized(lang)).collect()));
            }
            let store = bench.store_mut();
            if store.get_plan(&plan.plan)?.is_some() {
                return Ok(Err(vec![t::web_plans_exists(lang, &plan.plan)]));
            }
            store.put_plan(&plan.plan, &plan_to_json(&plan))?;
            store.audit(
                &who,
                "plan.create",
                &plan.plan,
                plan.targets.selection.as_deref().unwrap_or(""),
            )?;
            Ok(Ok(plan.plan))
        })
        .await?;
    match outcome {
        Ok(name) => Ok(Redirect::to(&plan_href(&name)).into_response()),
        Err(problems) => {
            list_page(
                &state,
                ctx,
                &identity,
                problems,
                form,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

// ---------------------------------------------------------------------------------------------
// One plan.

#[derive(Debug)]
struct TargetRow {
    number: String,
    href: String,
    name: String,
    type_label: String,
    current: String,
    future: String,
}

#[derive(Debug)]
struct ActivityRow {
    what: String,
    owner: String,
    due: String,
    due_shown: String,
    status: &'static str,
    status_label: &'static str,
    priority: String,
    actor: String,
    customer: String,
    person: String,
}

/// A refused form: which (and which activity), what was typed, every problem.
#[derive(Debug, Default)]
struct Refusal {
    form: String,
    key: String,
    typed: Fields,
    problems: Vec<String>,
}

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPage {
    ctx: PageCtx,
    name: String,
    base: String,
    scope: String,
    reasons: Vec<String>,
    reason_kinds: Vec<(&'static str, &'static str, bool, String)>,
    selection: String,
    listed: Vec<String>,
    targets: Vec<TargetRow>,
    target_count: usize,
    as_of: Option<String>,
    target_problem: Option<String>,
    activities: Vec<ActivityRow>,
    coaching: Vec<(String, String)>,
    coaching_text: String,
    priorities: Vec<String>,
    priorities_text: String,
    notes: String,
    statuses: Vec<(&'static str, &'static str)>,
    formats: Vec<&'static str>,
    refusal: Refusal,
    flash: Option<String>,
}

impl PlanPage {
    fn refused(&self, form: &str, key: impl std::fmt::Display) -> bool {
        self.refusal.form == form && self.refusal.key == key.to_string()
    }

    fn v(
        &self,
        form: &str,
        key: impl std::fmt::Display,
        field: &str,
        current: impl AsRef<str>,
    ) -> String {
        if self.refused(form, key) {
            self.refusal.typed.get(field).to_owned()
        } else {
            current.as_ref().to_owned()
        }
    }

    fn chosen(
        &self,
        form: &str,
        key: impl std::fmt::Display,
        field: &str,
        current: impl AsRef<str>,
        option: impl AsRef<str>,
    ) -> bool {
        self.v(form, key, field, current) == option.as_ref()
    }

    fn more(&self) -> Option<String> {
        (self.target_count > self.targets.len()).then(|| {
            t::web_plans_targets_more(self.ctx.lang, self.target_count, self.targets.len())
        })
    }

    fn export_href(&self, format: impl AsRef<str>) -> String {
        format!("{}/export/{}", self.base, format.as_ref())
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct PageFlash {
    saved: String,
}

async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(name): Path<String>,
    Query(flash): Query<PageFlash>,
) -> Result<Response, AppError> {
    let flash = (!flash.saved.is_empty()).then(|| t::web_plans_saved(ctx.lang).to_owned());
    plan_page(&state, ctx, name, Refusal::default(), flash, StatusCode::OK).await
}

async fn plan_page(
    state: &AppState,
    ctx: PageCtx,
    name: String,
    refusal: Refusal,
    flash: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let (plan, context) = state
        .read(move |bench| {
            let plan = load(bench.store(), &name)?;
            let context = bench.plan_context(&plan, lang)?;
            Ok((plan, context))
        })
        .await?;
    let (context, target_problem) = match context {
        Ok(c) => (c, None),
        Err(p) => (PlanContext::default(), Some(p.localized(lang))),
    };
    let money = |v: Option<f64>| v.map_or_else(|| "–".to_owned(), |v| ctx.money(v));
    let page = PlanPage {
        name: plan.plan.clone(),
        base: plan_href(&plan.plan),
        scope: format!(
            "{}: {}",
            plan.scope.kind.label(lang),
            scope_value(&plan, lang)
        ),
        reasons: plan
            .reasons
            .iter()
            .map(|r| match &r.text {
                Some(text) => format!("{} — {text}", r.kind.label(lang)),
                None => r.kind.label(lang).to_owned(),
            })
            .collect(),
        reason_kinds: ReasonKind::ALL
            .iter()
            .map(|k| {
                let found = plan.reasons.iter().find(|r| r.kind == *k);
                (
                    k.id(),
                    k.label(lang),
                    found.is_some(),
                    found.and_then(|r| r.text.clone()).unwrap_or_default(),
                )
            })
            .collect(),
        selection: plan.targets.selection.clone().unwrap_or_default(),
        listed: plan.targets.customers.clone(),
        target_count: context.customers.len(),
        targets: context
            .customers
            .iter()
            .take(TARGETS_SHOWN)
            .map(|c| TargetRow {
                href: format!("/customers/{}", urlencode(&c.id)),
                number: c.id.clone(),
                name: c.name.clone().unwrap_or_default(),
                type_label: c.type_label.clone().unwrap_or_default(),
                current: money(c.current_value),
                future: money(c.future_value),
            })
            .collect(),
        as_of: context.as_of.map(|d| ctx.date(&d)),
        target_problem,
        activities: plan
            .activities
            .iter()
            .map(|a| ActivityRow {
                what: a.what.clone(),
                owner: a.owner.clone().unwrap_or_default(),
                due: a.due.map(|d| d.to_string()).unwrap_or_default(),
                due_shown: a.due.map(|d| ctx.date(&d)).unwrap_or_default(),
                status: a.status.id(),
                status_label: a.status.label(lang),
                priority: a.priority.map(|p| p.to_string()).unwrap_or_default(),
                actor: a.actor.clone().unwrap_or_default(),
                customer: a.customer.clone().unwrap_or_default(),
                person: a.person.clone().unwrap_or_default(),
            })
            .collect(),
        coaching: plan
            .coaching
            .iter()
            .map(|c| (c.clone(), format!("/customers/{}", urlencode(c))))
            .collect(),
        coaching_text: plan.coaching.join("\n"),
        priorities: plan.priorities.clone(),
        priorities_text: plan.priorities.join("\n"),
        notes: plan.notes.clone().unwrap_or_default(),
        statuses: Status::ALL
            .iter()
            .map(|s| (s.id(), s.label(lang)))
            .collect(),
        formats: FORMATS.iter().map(|f| f.0).collect(),
        refusal,
        flash,
        ctx,
    };
    let mut response = html(&page);
    *response.status_mut() = status;
    Ok(response)
}

/// A scope's value for readers: a customer type's label, else as written.
fn scope_value(plan: &Plan, lang: Lang) -> String {
    match (plan.scope.kind, CustomerType::from_id(&plan.scope.value)) {
        (ScopeKind::CustomerType, Some(ty)) => ty.label(lang).to_owned(),
        _ => plan.scope.value.clone(),
    }
}

/// What a problem is about, apart from where (an activity's index moves when one before it goes).
fn problem_key(p: &PlanProblem) -> String {
    match p {
        PlanProblem::Link(LinkProblem::NoSuchActor { actor, .. }) => format!("actor {actor}"),
        PlanProblem::Link(LinkProblem::UnknownPerson { actor, person, .. }) => {
            format!("person {actor} {person}")
        }
        other => other.localized(Lang::En),
    }
}

/// One change of a stored plan from a form: load, change (checked as a file), check the
/// references in the workspace, store, audit — or the page again with every problem (422).
#[allow(clippy::too_many_arguments)]
async fn edit_stored(
    state: AppState,
    ctx: PageCtx,
    identity: Identity,
    name: String,
    (form_id, key): (&'static str, String),
    action: &'static str,
    typed: Fields,
    change: impl FnOnce(&mut Plan) -> Result<String, plan::PlanErrors> + Send + 'static,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let who = identity.user.name.clone();
    let n = name.clone();
    let outcome = state
        .write(move |bench| {
            let mut plan = load(bench.store(), &n)?;
            // A plan stored with a reference that no longer holds (a chain's actor renamed
            // since) can still be worked on: only problems the change brings are refused.
            let before: Vec<String> = bench
                .plan_problems(&plan)?
                .iter()
                .map(problem_key)
                .collect();
            let detail = match change(&mut plan) {
                Ok(d) => d,
                Err(e) => return Ok(Err(e.0.iter().map(|e| e.localized(lang)).collect())),
            };
            let problems: Vec<PlanProblem> = bench
                .plan_problems(&plan)?
                .into_iter()
                .filter(|p| !before.contains(&problem_key(p)))
                .collect();
            if !problems.is_empty() {
                return Ok(Err(problems.iter().map(|p| p.localized(lang)).collect()));
            }
            let store = bench.store_mut();
            store.put_plan(&n, &plan_to_json(&plan))?;
            store.audit(&who, action, &n, &detail)?;
            Ok(Ok(()))
        })
        .await?;
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!("{}?saved=1", plan_href(&name))).into_response()),
        Err(problems) => {
            let refusal = Refusal {
                form: form_id.to_owned(),
                key,
                typed,
                problems,
            };
            plan_page(
                &state,
                ctx,
                name,
                refusal,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

async fn reasons(
    State(state): State<AppState>,
    ctx: PageCtx,
    Extension(identity): Extension<Identity>,
    Path(name): Path<String>,
    Form(form): Form<Fields>,
) -> Result<Response, AppError> {
    let reasons = form_reasons(&form);
    edit_stored(
        state,
        ctx,
        identity,
        name,
        ("reasons", String::new()),
        "plan.reasons",
        form,
        move |p| {
            plan::edit::set_reasons(p, &reasons)?;
            Ok(reasons.join(", "))
        },
    )
    .await
}

/// The activity keys the forms send, as the plan file names them.
const ACTIVITY_FIELDS: [&str; 8] = [
    "what", "owner", "due", "status", "priority", "actor", "customer", "person",
];

async fn activity(
    State(state): State<AppState>,
    ctx: PageCtx,
    Extension(identity): Extension<Identity>,
    Path(name): Path<String>,
    Form(form): Form<Fields>,
) -> Result<Response, AppError> {
    let index = form.get("index").trim().to_owned();
    let f = form.clone();
    let (form_id, key) = if index.is_empty() {
        ("activity-add", String::new())
    } else {
        ("activity-edit", index.clone())
    };
    edit_stored(
        state,
        ctx,
        identity,
        name,
        (form_id, key),
        if index.is_empty() {
            "plan.activity.add"
        } else {
            "plan.activity.set"
        },
        form,
        move |p| {
            let at = if index.is_empty() {
                None
            } else {
                Some(index.parse::<usize>().unwrap_or(usize::MAX / 2))
            };
            let fields: Vec<(&str, &str)> =
                ACTIVITY_FIELDS.iter().map(|k| (*k, f.get(k))).collect();
            let i = plan::edit::set_activity(p, at, &fields)?;
            Ok(format!("activities[{i}]: {}", f.get("what").trim()))
        },
    )
    .await
}

async fn activity_remove(
    State(state): State<AppState>,
    ctx: PageCtx,
    Extension(identity): Extension<Identity>,
    Path(name): Path<String>,
    Form(form): Form<Fields>,
) -> Result<Response, AppError> {
    let index = form.get("index").trim().to_owned();
    edit_stored(
        state,
        ctx,
        identity,
        name,
        ("activity-edit", index.clone()),
        "plan.activity.remove",
        form,
        move |p| {
            let i = index.parse::<usize>().unwrap_or(usize::MAX);
            plan::edit::remove_activity(p, i)?;
            Ok(format!("activities[{i}]"))
        },
    )
    .await
}

async fn coaching(
    State(state): State<AppState>,
    ctx: PageCtx,
    Extension(identity): Extension<Identity>,
    Path(name): Path<String>,
    Form(form): Form<Fields>,
) -> Result<Response, AppError> {
    let list = items(form.get("coaching"), true);
    edit_stored(
        state,
        ctx,
        identity,
        name,
        ("coaching", String::new()),
        "plan.coaching",
        form,
        move |p| {
            plan::edit::set_coaching(p, &list)?;
            Ok(list.join(", "))
        },
    )
    .await
}

async fn priorities(
    State(state): State<AppState>,
    ctx: PageCtx,
    Extension(identity): Extension<Identity>,
    Path(name): Path<String>,
    Form(form): Form<Fields>,
) -> Result<Response, AppError> {
    let list = items(form.get("priorities"), false);
    edit_stored(
        state,
        ctx,
        identity,
        name,
        ("priorities", String::new()),
        "plan.priorities",
        form,
        move |p| {
            plan::edit::set_priorities(p, &list)?;
            Ok(list.join("; "))
        },
    )
    .await
}

async fn notes(
    State(state): State<AppState>,
    ctx: PageCtx,
    Extension(identity): Extension<Identity>,
    Path(name): Path<String>,
    Form(form): Form<Fields>,
) -> Result<Response, AppError> {
    let text = form.get("notes").replace("\r\n", "\n");
    edit_stored(
        state,
        ctx,
        identity,
        name,
        ("notes", String::new()),
        "plan.notes",
        form,
        move |p| {
            plan::edit::set_notes(p, &text)?;
            Ok(String::new())
        },
    )
    .await
}

async fn delete(
    State(state): State<AppState>,
    ctx: PageCtx,
    Extension(identity): Extension<Identity>,
    Path(name): Path<String>,
    Form(form): Form<Fields>,
) -> Result<Response, AppError> {
    if form.get("confirm") != "yes" {
        let refusal = Refusal {
            form: "delete".into(),
            key: String::new(),
            problems: vec![t::web_plans_delete_needs_confirm(ctx.lang).to_owned()],
            typed: form,
        };
        return plan_page(
            &state,
            ctx,
            name,
            refusal,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let who = identity.user.name.clone();
    let n = name.clone();
    let removed = state
        .write(move |bench| {
            let store = bench.store_mut();
            let removed = store.delete_plan(&n)?;
            if removed {
                store.audit(&who, "plan.delete", &n, "web")?;
            }
            Ok(removed)
        })
        .await?;
    if !removed {
        return Err(AppError::NotFound);
    }
    Ok(Redirect::to(&format!("/plans?deleted={}", urlencode(&name))).into_response())
}

async fn export_plan(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((name, format)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let Some(&(id, content_type, extension)) = FORMATS.iter().find(|f| f.0 == format) else {
        return Err(AppError::NotFound);
    };
    let n = name.clone();
    let text = state
        .read(move |bench| {
            let plan = load(bench.store(), &n)?;
            let context = || -> Result<PlanContext, AppError> {
                bench
                    .plan_context(&plan, lang)?
                    .map_err(|p| AppError::BadRequest(p.localized(lang)))
            };
            Ok(match id {
                "yaml" => plan_to_yaml(&plan),
                "json" => plan_to_json(&plan),
                "markdown" => plan::to_markdown(&plan, &context()?, lang),
                _ => plan::to_html(&plan, &context()?, lang),
            })
        })
        .await?;
    download(
        content_type,
        &file_name(&name, "plan", extension),
        text.into_bytes(),
    )
}
