//! The problem-solving chains: the list with a form for a new chain, one chain with its diagram
//! (the SVG export, with the actors' figures from the stored analysis), its contact gaps, actors,
//! persons and flows and — for editors — the forms that change them, and every export the CLI
//! has.
//!
//! Every form goes through the same validated edits as `kundenwert chain` (`kundenwert_chain::
//! edit`): the chain is loaded, changed on a copy, checked, stored as canonical JSON and audited
//! in one write; a refused edit changes nothing and shows the page again with every problem
//! (422) and what was typed.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use kundenwert_chain::edit::{self, EditError};
use kundenwert_chain::{
    export, gaps, ActorFigures, Chain, CompetitivePosition, Contact, FlowKind, Format,
    Relationship, Size, Subject, Tier,
};
use kundenwert_core::Lang;
use kundenwert_store::{Accounts, Workspace};
use kundenwert_text as t;

use crate::auth::Identity;
use crate::error::AppError;
use crate::page::{html, urlencode, PageCtx};
use crate::state::AppState;

/// The routes of this module.
pub fn routes() -> Vec<super::Route> {
    super::routes![
        GET "/chains" Viewer => list,
        POST "/chains" Editor => create,
        GET "/chains/{name}" Viewer => page,
        POST "/chains/{name}/delete" Editor => delete,
        POST "/chains/{name}/actors" Editor => actor_add,
        POST "/chains/{name}/actors/edit" Editor => actor_edit,
        POST "/chains/{name}/actors/remove" Editor => actor_remove,
        POST "/chains/{name}/persons" Editor => person_add,
        POST "/chains/{name}/persons/edit" Editor => person_edit,
        POST "/chains/{name}/persons/remove" Editor => person_remove,
        POST "/chains/{name}/flows" Editor => flow_add,
        POST "/chains/{name}/flows/remove" Editor => flow_remove,
        GET "/chains/{name}/export/{format}" Viewer => export_chain,
    ]
}

/// The chain formats of `kundenwert chain export`: id, content type, file extension.
pub const FORMATS: [(&str, &str, &str); 8] = [
    ("yaml", "application/yaml; charset=utf-8", "yaml"),
    ("json", "application/json", "json"),
    ("svg", "image/svg+xml", "svg"),
    ("png", "image/png", "png"),
    ("mermaid", "text/vnd.mermaid; charset=utf-8", "mmd"),
    ("dot", "text/vnd.graphviz; charset=utf-8", "dot"),
    ("drawio", "application/vnd.jgraph.mxfile", "drawio"),
    ("graphml", "application/graphml+xml", "graphml"),
];

/// A submitted form, as its pairs in order (a field may repeat).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(transparent)]
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    /// The first value of `key`, or "".
    pub fn get(&self, key: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Every value of `key`.
    pub fn all(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// The pairs whose keys are among `keys`, in `keys`' order (first value each).
    fn pick<'a>(&'a self, keys: &[&'a str]) -> Vec<(&'a str, &'a str)> {
        keys.iter()
            .filter(|k| self.0.iter().any(|(key, _)| key == *k))
            .map(|k| (*k, self.get(k)))
            .collect()
    }
}

/// The actor keys the forms send, as the chain file names them.
const ACTOR_FIELDS: [&str; 12] = [
    "id",
    "tier",
    "name",
    "count",
    "size",
    "importance",
    "competitive_position",
    "relationship",
    "success_factors",
    "notes",
    "customer",
    "segment",
];

/// The person keys the forms send.
const PERSON_FIELDS: [&str; 6] = [
    "name",
    "role",
    "contact",
    "known_by",
    "last_contact",
    "notes",
];

/// Today, for the cold-contact check.
fn today() -> chrono::NaiveDate {
    chrono::DateTime::from_timestamp(crate::auth::now(), 0)
        .map_or_else(|| chrono::NaiveDate::MIN, |d| d.date_naive())
}

/// A stored chain; 404 when there is none.
fn load(store: &impl Workspace, name: &str) -> Result<Chain, AppError> {
    let json = store.get_chain(name)?.ok_or(AppError::NotFound)?;
    // A stored document is canonical JSON this program wrote; one edited by hand into something
    // invalid is an internal error, said in the log.
    kundenwert_chain::parse(&json, Some(Format::Json))
        .map_err(|e| AppError::internal(format!("chain `{name}`: {e}")))
}

/// The link to a chain's page.
pub fn chain_href(name: &str) -> String {
    format!("/chains/{}", urlencode(name))
}

// ---------------------------------------------------------------------------------------------
// The list.

/// One chain of the list.
#[derive(Debug)]
struct ListRow {
    name: String,
    href: String,
    subject: String,
    actors: usize,
    persons: usize,
    flows: usize,
    updated: String,
}

#[derive(Template)]
#[template(path = "chains.html")]
struct ListPage {
    ctx: PageCtx,
    rows: Vec<ListRow>,
    subjects: Vec<(&'static str, &'static str)>,
    problems: Vec<String>,
    typed: Fields,
    flash: Option<String>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct ListFlash {
    deleted: String,
}

async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(flash): Query<ListFlash>,
) -> Result<Response, AppError> {
    let flash =
        (!flash.deleted.is_empty()).then(|| t::web_chains_deleted(ctx.lang, &flash.deleted));
    list_page(
        &state,
        ctx,
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
    problems: Vec<String>,
    typed: Fields,
    flash: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let rows = state
        .read(move |bench| {
            let store = bench.store();
            let mut rows = Vec::new();
            for entry in store.list_chains()? {
                let Some(json) = store.get_chain(&entry.name)? else {
                    continue;
                };
                let chain = kundenwert_chain::parse(&json, Some(Format::Json)).ok();
                rows.push(ListRow {
                    href: chain_href(&entry.name),
                    subject: chain
                        .as_ref()
                        .map(|c| c.subject.label(lang).to_owned())
                        .unwrap_or_default(),
                    actors: chain.as_ref().map_or(0, |c| c.actors.len()),
                    persons: chain
                        .as_ref()
                        .map_or(0, |c| c.actors.iter().map(|a| a.persons.len()).sum()),
                    flows: chain.as_ref().map_or(0, |c| c.flows.len()),
                    updated: entry.updated_at.replace('T', " ").replace('Z', ""),
                    name: entry.name,
                });
            }
            Ok(rows)
        })
        .await?;
    let page = ListPage {
        rows,
        subjects: Subject::ALL
            .iter()
            .map(|s| (s.id(), s.label(lang)))
            .collect(),
        problems,
        typed,
        flash,
        ctx,
    };
    let mut response = html(&page);
    *response.status_mut() = status;
    Ok(response)
}

async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    Extension(identity): Extension<Identity>,
    Form(form): Form<Fields>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let name = form.get("name").trim().to_owned();
    let subject = match form.get("subject") {
        "" => "product",
        s => s,
    };
    let chain = match edit::new_chain(&name, subject, "wir", form.get("self_name").trim()) {
        Ok(c) => c,
        Err(errors) => {
            let problems = errors.0.iter().map(|e| e.localized(lang)).collect();
            return list_page(
                &state,
                ctx,
                problems,
                form,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let who = identity.user.name.clone();
    let json = export::to_json(&chain);
    let n = chain.chain.clone();
    let created = state
        .write(move |bench| {
            let store = bench.store_mut();
            if store.get_chain(&n)?.is_some() {
                return Ok(false);
            }
            store.put_chain(&n, &json)?;
            store.audit(&who, "chain.create", &n, "web")?;
            Ok(true)
        })
        .await?;
    if !created {
        let problems = vec![t::web_chains_exists(lang, &chain.chain)];
        return list_page(
            &state,
            ctx,
            problems,
            form,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    Ok(Redirect::to(&chain_href(&chain.chain)).into_response())
}

// ---------------------------------------------------------------------------------------------
// One chain.

/// A person as the page shows it.
#[derive(Debug)]
struct PersonView {
    name: String,
    role: String,
    contact: &'static str,
    contact_label: &'static str,
    known_by: String,
    last_contact: String,
    last_contact_shown: String,
    notes: String,
    gap: bool,
}

/// An actor as the page shows it.
#[derive(Debug)]
struct ActorView {
    id: String,
    tier: &'static str,
    tier_label: &'static str,
    name: String,
    count: String,
    size: &'static str,
    size_label: &'static str,
    importance: String,
    position: &'static str,
    position_label: &'static str,
    relationship: &'static str,
    relationship_label: &'static str,
    success_factors: String,
    notes: String,
    customer: String,
    segment: String,
    figures: String,
    gap: bool,
    persons: Vec<PersonView>,
}

/// A flow as the page shows it.
#[derive(Debug)]
struct FlowView {
    from: String,
    to: String,
    kind: &'static str,
    kind_label: &'static str,
    label: String,
}

/// A refused form: which form (and which actor, person or flow it was about), what was typed,
/// and every problem.
#[derive(Debug, Default)]
struct Refusal {
    form: String,
    key: String,
    typed: Fields,
    problems: Vec<String>,
}

#[derive(Template)]
#[template(path = "chain.html")]
struct ChainPage {
    ctx: PageCtx,
    name: String,
    base: String,
    subject: &'static str,
    description: String,
    svg: String,
    gap_tiers: Vec<&'static str>,
    gap_actors: Vec<String>,
    gap_persons: Vec<String>,
    gap_stale: Vec<String>,
    no_gaps: bool,
    actors: Vec<ActorView>,
    flows: Vec<FlowView>,
    refusal: Refusal,
    flash: Option<String>,
    formats: Vec<&'static str>,
    tiers: Vec<(&'static str, &'static str)>,
    sizes: Vec<(&'static str, &'static str)>,
    positions: Vec<(&'static str, &'static str)>,
    relationships: Vec<(&'static str, &'static str)>,
    contacts: Vec<(&'static str, &'static str)>,
    kinds: Vec<(&'static str, &'static str)>,
}

impl ChainPage {
    /// Whether the refused form is this one (`form`, about `key`).
    fn refused(&self, form: &str, key: impl AsRef<str>) -> bool {
        self.refusal.form == form && self.refusal.key == key.as_ref()
    }

    /// A field's value in a form: what was typed when this form was refused, else `current`.
    fn v(&self, form: &str, key: impl AsRef<str>, field: &str, current: impl AsRef<str>) -> String {
        if self.refused(form, key) {
            self.refusal.typed.get(field).to_owned()
        } else {
            current.as_ref().to_owned()
        }
    }

    /// Whether `option` is the chosen value of a select.
    fn chosen(
        &self,
        form: &str,
        key: impl AsRef<str>,
        field: &str,
        current: impl AsRef<str>,
        option: impl AsRef<str>,
    ) -> bool {
        self.v(form, key, field, current) == option.as_ref()
    }

    /// A person's form key: actor and name.
    fn person_key(&self, actor: impl AsRef<str>, name: impl AsRef<str>) -> String {
        format!("{}\u{1f}{}", actor.as_ref(), name.as_ref())
    }

    fn export_href(&self, format: impl AsRef<str>) -> String {
        format!("{}/export/{}", self.base, format.as_ref())
    }

    fn importance_options(&self) -> Vec<String> {
        (1..=5).map(|i| i.to_string()).collect()
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
    let flash = (!flash.saved.is_empty()).then(|| t::web_chains_saved(ctx.lang).to_owned());
    chain_page(&state, ctx, name, Refusal::default(), flash, StatusCode::OK).await
}

/// The label of a closed-set value, or `(“”, “–”)` without one.
fn opt_label<T: Copy>(
    v: Option<T>,
    id: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> &'static str,
) -> (&'static str, &'static str) {
    v.map_or(("", "–"), |v| (id(v), label(v)))
}

async fn chain_page(
    state: &AppState,
    ctx: PageCtx,
    name: String,
    refusal: Refusal,
    flash: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let (chain, figures) = state
        .read(move |bench| {
            let chain = load(bench.store(), &name)?;
            let figures = bench.actor_figures(&chain, lang)?;
            Ok((chain, figures))
        })
        .await?;
    let page = build_page(ctx, &chain, &figures, refusal, flash, lang);
    let mut response = html(&page);
    *response.status_mut() = status;
    Ok(response)
}

fn build_page(
    ctx: PageCtx,
    chain: &Chain,
    figures: &BTreeMap<String, ActorFigures>,
    refusal: Refusal,
    flash: Option<String>,
    lang: Lang,
) -> ChainPage {
    let g = gaps::gaps(chain, Some(today()));
    // An image whose name is its own `<title>` (`role="img"` from the chain crate).
    let svg = export::to_svg(chain, lang, figures);
    let actors = Tier::ALL
        .iter()
        .flat_map(|tier| chain.actors_in(*tier))
        .map(|a| {
            let (size, size_label) = opt_label(a.size, |v| v.id(), |v| v.label(lang));
            let (position, position_label) =
                opt_label(a.competitive_position, |v| v.id(), |v| v.label(lang));
            let (relationship, relationship_label) =
                opt_label(a.relationship, |v| v.id(), |v| v.label(lang));
            let figures = figures
                .get(&a.id)
                .map(|f| {
                    let mut s = t::web_chains_figures(
                        lang,
                        f.customers.unwrap_or(0),
                        ctx.money(f.current_value.unwrap_or(0.0)),
                    );
                    if let Some(ty) = &f.customer_type {
                        s = format!("{s} · {ty}");
                    }
                    s
                })
                .unwrap_or_default();
            ActorView {
                id: a.id.clone(),
                tier: a.tier.id(),
                tier_label: a.tier.label(lang),
                name: a.name.clone(),
                count: a.count.map(|c| c.to_string()).unwrap_or_default(),
                size,
                size_label,
                importance: a.importance.map(|i| i.to_string()).unwrap_or_default(),
                position,
                position_label,
                relationship,
                relationship_label,
                success_factors: a.success_factors.join(", "),
                notes: a.notes.clone().unwrap_or_default(),
                customer: a.customer.clone().unwrap_or_default(),
                segment: a.segment.clone().unwrap_or_default(),
                figures,
                gap: a.tier != Tier::SelfTier && a.persons.is_empty(),
                persons: a
                    .persons
                    .iter()
                    .map(|p| PersonView {
                        name: p.name.clone(),
                        role: p.role.clone().unwrap_or_default(),
                        contact: p.contact.id(),
                        contact_label: p.contact.label(lang),
                        known_by: p.known_by.clone().unwrap_or_default(),
                        last_contact: p.last_contact.map(|d| d.to_string()).unwrap_or_default(),
                        last_contact_shown: p
                            .last_contact
                            .map(|d| ctx.date(&d))
                            .unwrap_or_default(),
                        notes: p.notes.clone().unwrap_or_default(),
                        gap: p.contact == Contact::None,
                    })
                    .collect(),
            }
        })
        .collect();
    let gap_person = |p: &gaps::GapPerson| format!("{} ({}: {})", p.name, p.actor_name, p.actor);
    ChainPage {
        name: chain.chain.clone(),
        base: chain_href(&chain.chain),
        subject: chain.subject.label(lang),
        description: chain.description.clone().unwrap_or_default(),
        svg,
        gap_tiers: g
            .tiers_without_direct_contact
            .iter()
            .map(|t| t.label(lang))
            .collect(),
        gap_actors: g
            .actors_without_persons
            .iter()
            .map(|a| format!("{} ({})", a.name, a.id))
            .collect(),
        gap_persons: g.persons_without_contact.iter().map(gap_person).collect(),
        gap_stale: g.stale_contacts.iter().map(gap_person).collect(),
        no_gaps: g.is_empty(),
        actors,
        flows: chain
            .flows
            .iter()
            .map(|f| FlowView {
                from: f.from.clone(),
                to: f.to.clone(),
                kind: f.kind.id(),
                kind_label: f.kind.label(lang),
                label: f.label.clone().unwrap_or_default(),
            })
            .collect(),
        refusal,
        flash,
        formats: FORMATS.iter().map(|f| f.0).collect(),
        tiers: Tier::ALL.iter().map(|v| (v.id(), v.label(lang))).collect(),
        sizes: Size::ALL.iter().map(|v| (v.id(), v.label(lang))).collect(),
        positions: CompetitivePosition::ALL
            .iter()
            .map(|v| (v.id(), v.label(lang)))
            .collect(),
        relationships: Relationship::ALL
            .iter()
            .map(|v| (v.id(), v.label(lang)))
            .collect(),
        contacts: Contact::ALL
            .iter()
            .map(|v| (v.id(), v.label(lang)))
            .collect(),
        kinds: FlowKind::ALL
            .iter()
            .map(|v| (v.id(), v.label(lang)))
            .collect(),
        ctx,
    }
}

/// Every problem of a refused edit, in the reader's language.
fn problems(e: &EditError, lang: Lang) -> Vec<String> {
    match e {
        EditError::Invalid(errors) => errors.0.iter().map(|e| e.localized(lang)).collect(),
        other => vec![other.localized(lang)],
    }
}

/// One edit of a stored chain from a form: load, change (validated), store, audit — or, when
/// refused, the page again with every problem (422) and what was typed.
#[allow(clippy::too_many_arguments)]
async fn edit_stored(
    state: AppState,
    ctx: PageCtx,
    identity: Identity,
    name: String,
    (form_id, key): (&'static str, String),
    action: &'static str,
    typed: Fields,
    change: impl FnOnce(&mut Chain) -> Result<String, EditError> + Send + 'static,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let who = identity.user.name.clone();
    let n = name.clone();
    let outcome = state
        .write(move |bench| {
            let mut chain = load(bench.store(), &n)?;
            let detail = match change(&mut chain) {
                Ok(detail) => detail,
                Err(e) => return Ok(Err(e)),
            };
            let store = bench.store_mut();
            store.put_chain(&n, &export::to_json(&chain))?;
            store.audit(&who, action, &n, &detail)?;
            Ok(Ok(()))
        })
        .await?;
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!("{}?saved=1", chain_href(&name))).into_response()),
        Err(e) => {
            let refusal = Refusal {
                form: form_id.to_owned(),
                key,
                problems: problems(&e, lang),
                typed,
            };
            chain_page(
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

/// The actor fields of a form that were filled in (an added actor leaves empty ones out).
fn filled<'a>(pairs: Vec<(&'a str, &'a str)>) -> Vec<(&'a str, &'a str)> {
    pairs
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .collect()
}

async fn actor_add(
    State(state): State<AppState>,
    ctx: PageCtx,
    Extension(identity): Extension<Identity>,
    Path(name): Path<String>,
    Form(form): Form<Fields>,
) -> Result<Response, AppError> {
    let f = form.clone();
    edit_stored(
        state,
        ctx,
        identity,
        name,
        ("actor-add", String::new()),
        "chain.actor.add",
        form,
        move |chain| {
            let actor = edit::actor_from_fields(&filled(f.pick(&ACTOR_FIELDS)))?;
            let id = actor.id.clone();
            edit::add_actor(chain, actor)?;
            Ok(id)
        },
    )
    .await
}

async fn actor_edit(
    State(state): State<AppState>,
    ctx: PageCtx,
    Extension(identity): Extension<Identity>,
    Path(name): Path<String>,
    Form(form): Form<Fields>,
) -> Result<Response, AppError> {
    let f = form.clone();
    let actor = form.get("actor").to_owned();
    edit_stored(
        state,
        ctx,
        identity,
        name,
        ("actor-edit", actor.clone()),
        "chain.actor.set",
        form,
        move |chain| edit::set_actor_fields(chain, &actor, &f.pick(&ACTOR_FIELDS)),
    )
    .await
}

async fn actor_remove(
    State(state): State<AppState>,
    ctx: PageCtx,
    Extension(identity): Extension<Identity>,
    Path(name): Path<String>,
    Form(form): Form<Fields>,
) -> Result<Response, AppError> {
    let actor = form.get("actor").to_owned();
    let cascade = !form.get("cascade").is_empty();
    edit_stored(
        state,
        ctx,
        identity,
        name,
        ("actor-remove", actor.clone()),
        "chain.actor.remove",
        form,
        move |chain| {
            edit::remove_actor(chain, &actor, cascade)?;
            Ok(actor)
        },
    )
    .await
}

async fn person_add(
    State(state): State<AppState>,
    ctx: PageCtx,
    Extension(identity): Extension<Identity>,
    Path(name): Path<String>,
    Form(form): Form<Fields>,
) -> Result<Response, AppError> {
    let f = form.clone();
    let actor = form.get("actor").to_owned();
    edit_stored(
        state,
        ctx,
        identity,
        name,
        ("person-add", actor.clone()),
        "chain.person.add",
        form,
        move |chain| {
            let person = edit::person_from_fields(&filled(f.pick(&PERSON_FIELDS)))?;
            let who = person.name.clone();
            edit::add_person(chain, &actor, person)?;
            Ok(format!("{actor}: {who}"))
        },
    )
    .await
}

async fn person_edit(
    State(state): State<AppState>,
    ctx: PageCtx,
    Extension(identity): Extension<Identity>,
    Path(name): Path<String>,
    Form(form): Form<Fields>,
) -> Result<Response, AppError> {
    let f = form.clone();
    let actor = form.get("actor").to_owned();
    let person = form.get("person").to_owned();
    edit_stored(
        state,
        ctx,
        identity,
        name,
        ("person-edit", format!("{actor}\u{1f}{person}")),
        "chain.person.set",
        form,
        move |chain| {
            let who = edit::set_person_fields(chain, &actor, &person, &f.pick(&PERSON_FIELDS))?;
            Ok(format!("{actor}: {who}"))
        },
    )
    .await
}

async fn person_remove(
    State(state): State<AppState>,
    ctx: PageCtx,
    Extension(identity): Extension<Identity>,
    Path(name): Path<String>,
    Form(form): Form<Fields>,
) -> Result<Response, AppError> {
    let actor = form.get("actor").to_owned();
    let person = form.get("person").to_owned();
    edit_stored(
        state,
        ctx,
        identity,
        name,
        ("person-remove", format!("{actor}\u{1f}{person}")),
        "chain.person.remove",
        form,
        move |chain| {
            edit::remove_person(chain, &actor, &person)?;
            Ok(format!("{actor}: {person}"))
        },
    )
    .await
}

async fn flow_add(
    State(state): State<AppState>,
    ctx: PageCtx,
    Extension(identity): Extension<Identity>,
    Path(name): Path<String>,
    Form(form): Form<Fields>,
) -> Result<Response, AppError> {
    let f = form.clone();
    edit_stored(
        state,
        ctx,
        identity,
        name,
        ("flow-add", String::new()),
        "chain.flow.add",
        form,
        move |chain| {
            let label = Some(f.get("label")).filter(|l| !l.trim().is_empty());
            let flow = edit::flow_from_fields(f.get("from"), f.get("to"), f.get("kind"), label)?;
            let detail = format!("{} → {} {}", flow.from, flow.to, flow.kind.id());
            edit::add_flow(chain, flow)?;
            Ok(detail)
        },
    )
    .await
}

async fn flow_remove(
    State(state): State<AppState>,
    ctx: PageCtx,
    Extension(identity): Extension<Identity>,
    Path(name): Path<String>,
    Form(form): Form<Fields>,
) -> Result<Response, AppError> {
    let f = form.clone();
    edit_stored(
        state,
        ctx,
        identity,
        name,
        ("flow-remove", String::new()),
        "chain.flow.remove",
        form,
        move |chain| {
            let (from, to) = (f.get("from"), f.get("to"));
            let kind = edit::flow_from_fields(from, to, f.get("kind"), None)?.kind;
            edit::remove_flow(chain, from, to, kind)?;
            Ok(format!("{from} → {to} {}", kind.id()))
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
    let lang = ctx.lang;
    if form.get("confirm") != "yes" {
        let refusal = Refusal {
            form: "delete".into(),
            key: String::new(),
            problems: vec![t::web_chains_delete_needs_confirm(lang).to_owned()],
            typed: form,
        };
        return chain_page(
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
            let removed = store.delete_chain(&n)?;
            if removed {
                store.audit(&who, "chain.delete", &n, "web")?;
            }
            Ok(removed)
        })
        .await?;
    if !removed {
        return Err(AppError::NotFound);
    }
    Ok(Redirect::to(&format!("/chains?deleted={}", urlencode(&name))).into_response())
}

/// A file name for a download: the name's letters, digits, `-` and `_` (others become `_`),
/// or `fallback` when nothing is left.
pub fn file_name(name: &str, fallback: &str, extension: &str) -> String {
    let stem: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let stem = stem.trim_matches('_');
    let stem = if stem.is_empty() { fallback } else { stem };
    format!("{stem}.{extension}")
}

/// A download: content type, `attachment` with the file name, the bytes.
pub fn download(content_type: &str, file: &str, body: Vec<u8>) -> Result<Response, AppError> {
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_str(content_type).map_err(AppError::internal)?,
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&format!("attachment; filename=\"{file}\""))
                    .map_err(AppError::internal)?,
            ),
        ],
        body,
    )
        .into_response())
}

async fn export_chain(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((name, format)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let Some(&(id, content_type, extension)) = FORMATS.iter().find(|f| f.0 == format) else {
        return Err(AppError::NotFound);
    };
    let n = name.clone();
    let bytes = state
        .read(move |bench| {
            let chain = load(bench.store(), &n)?;
            let figures = || bench.actor_figures(&chain, lang);
            Ok(match id {
                "yaml" => export::to_yaml(&chain).into_bytes(),
                "json" => export::to_json(&chain).into_bytes(),
                "mermaid" => export::to_mermaid(&chain, lang).into_bytes(),
                "dot" => export::to_dot(&chain, lang).into_bytes(),
                "drawio" => export::to_drawio(&chain, lang).into_bytes(),
                "graphml" => export::to_graphml(&chain).into_bytes(),
                "svg" => export::to_svg(&chain, lang, &figures()?).into_bytes(),
                _ => export::to_png(&chain, lang, &figures()?, 2.0)
                    .map_err(|e| AppError::BadRequest(e.message(lang)))?,
            })
        })
        .await?;
    download(content_type, &file_name(&name, "chain", extension), bytes)
}
