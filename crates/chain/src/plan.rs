//! The focus plan (the handbook's *Vorlage*): for which customer type, product, service or chain
//! to improve relationships, why, with which customers, through which activities and priorities,
//! and which customers to coach.
//!
//! A plan file is YAML or JSON like the chain file:
//!
//! ```yaml
//! plan: Wachstumskunden Süd 2025
//! scope: { kind: customer_type, value: growth }
//! reasons: [growth, { kind: retention, text: Zwei Wettbewerber werben aktiv ab }]
//! targets:
//!   customers: ['10007']
//!   selection: type=growth and future_value > 10000
//! activities:
//!   - what: Jahresgespräch mit der Geschäftsführung
//!     owner: Max Weber
//!     due: 2025-03-31
//!     status: open          # open | in_progress | done | dropped
//!     priority: 1           # 1 (highest) ..= 3
//! coaching: ['10007']
//! priorities: [Liefertreue sichern]
//! notes: …
//! ```
//!
//! [`parse_plan`] reports every problem with its path; [`plan_to_yaml`] / [`plan_to_json`] write the
//! canonical, byte-stable form that parses back to the same [`Plan`]. [`to_markdown`] and
//! [`to_html`] render the plan for reading and printing, with the customers the selection
//! matches today ([`PlanContext`], computed by the caller).

use std::fmt::{self, Write as _};

use chrono::NaiveDate;
use kundenwert_core::Lang;
use kundenwert_text as text;
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::Value as Json;

use crate::parse::Format;
use crate::selection;

/// A closed set of file values with identifier and the catalog accessor of its label in one place.
macro_rules! plan_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $($variant:ident = $id:literal, $label:ident;)* }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
        pub enum $name {
            $(
                #[doc = concat!("`", $id, "`; label: `text::", stringify!($label), "`.")]
                #[serde(rename = $id)]
                $variant,
            )*
        }

        impl $name {
            /// All values in canonical order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The identifier used in files.
            pub fn id(self) -> &'static str {
                match self { $($name::$variant => $id,)* }
            }

            /// The label a reader sees.
            pub fn label(self, lang: Lang) -> &'static str {
                match self { $($name::$variant => text::$label(lang),)* }
            }

            /// The value for a file identifier.
            pub fn from_id(id: &str) -> Option<$name> {
                match id { $($id => Some($name::$variant),)* _ => None }
            }

            fn allowed() -> String {
                Self::ALL.iter().map(|v| v.id()).collect::<Vec<_>>().join(", ")
            }
        }
    };
}

plan_enum! {
    /// What the plan is about.
    ScopeKind {
        CustomerType = "customer_type", plan_scope_customer_type;
        Product = "product", plan_scope_product;
        Service = "service", plan_scope_service;
        Chain = "chain", plan_scope_chain;
    }
}

plan_enum! {
    /// Why relationships are to be improved.
    ReasonKind {
        Growth = "growth", plan_reason_growth;
        Profitability = "profitability", plan_reason_profitability;
        Innovation = "innovation", plan_reason_innovation;
        Retention = "retention", plan_reason_retention;
        Other = "other", plan_reason_other;
    }
}

plan_enum! {
    /// Where an activity stands.
    Status {
        Open = "open", plan_status_open;
        InProgress = "in_progress", plan_status_in_progress;
        Done = "done", plan_status_done;
        Dropped = "dropped", plan_status_dropped;
    }
}

plan_enum! {
    /// Customer types a `customer_type` scope may name (product.md §1).
    CustomerType {
        Steady = "steady", plan_customer_type_steady;
        Cyclical = "cyclical", plan_customer_type_cyclical;
        Bell = "bell", plan_customer_type_bell;
        Growth = "growth", plan_customer_type_growth;
        Shrinking = "shrinking", plan_customer_type_shrinking;
        Barnacle = "barnacle", plan_customer_type_barnacle;
        New = "new", plan_customer_type_new;
    }
}

/// A focus plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// Name of the plan.
    pub plan: String,
    /// What the plan is about.
    pub scope: Scope,
    /// Why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<Reason>,
    /// Which customers.
    #[serde(skip_serializing_if = "Targets::is_empty")]
    pub targets: Targets,
    /// What is done, by whom, by when.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub activities: Vec<Activity>,
    /// Customers to coach (customer numbers).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub coaching: Vec<String>,
    /// Priorities (Schwerpunkte), most important first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub priorities: Vec<String>,
    /// Free text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// What a plan is about: a customer type, a product, a service or a chain (by name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scope {
    /// Kind.
    pub kind: ScopeKind,
    /// The customer type id, product, service or chain name.
    pub value: String,
}

/// One reason, with optional explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    /// Kind.
    pub kind: ReasonKind,
    /// Explanation.
    pub text: Option<String>,
}

impl Serialize for Reason {
    /// A reason without text is written as its bare identifier (`- growth`), which is how people
    /// write it by hand; with text as `{kind, text}`.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.text {
            None => s.serialize_str(self.kind.id()),
            Some(text) => {
                let mut m = s.serialize_map(Some(2))?;
                m.serialize_entry("kind", self.kind.id())?;
                m.serialize_entry("text", text)?;
                m.end()
            }
        }
    }
}

/// Which customers the plan is for: listed ones and/or a selection.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Targets {
    /// Customer numbers named explicitly.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub customers: Vec<String>,
    /// A selection expression (see [`crate::selection`]), or `@name` for a saved selection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selection: Option<String>,
}

impl Targets {
    /// Neither customers nor a selection.
    pub fn is_empty(&self) -> bool {
        self.customers.is_empty() && self.selection.is_none()
    }

    /// The name of a saved selection (`@name`), when the selection refers to one.
    pub fn saved_selection(&self) -> Option<&str> {
        self.selection.as_deref()?.trim().strip_prefix('@')
    }

    /// The filter that says whether a customer is a target: listed by number, or matched by the
    /// selection. `saved` is the expression of the saved selection when the plan refers to one
    /// (`@name`); the caller looks it up in the workspace. Given `None` for a referenced saved
    /// selection, only listed customers match, so a caller should report the unknown name first.
    ///
    /// # Errors
    /// When the selection (or the saved one) does not parse.
    pub fn filter(&self, saved: Option<&str>) -> Result<TargetFilter, selection::SelectionError> {
        let text = match self.saved_selection() {
            Some(_) => saved,
            None => self.selection.as_deref(),
        };
        Ok(TargetFilter {
            customers: self.customers.clone(),
            selection: text.map(selection::parse).transpose()?,
        })
    }
}

/// Decides which customers a plan targets; see [`Targets::filter`].
#[derive(Debug, Clone, PartialEq)]
pub struct TargetFilter {
    customers: Vec<String>,
    selection: Option<selection::Selection>,
}

impl TargetFilter {
    /// The customers listed by number.
    pub fn customers(&self) -> &[String] {
        &self.customers
    }

    /// The selection, when the plan has one.
    pub fn selection(&self) -> Option<&selection::Selection> {
        self.selection.as_ref()
    }

    /// Listed by number (exactly as written) or matched by the selection.
    pub fn matches(&self, customer: &dyn selection::CustomerFields) -> bool {
        let listed = customer
            .text(selection::Field::Id)
            .is_some_and(|id| self.customers.iter().any(|c| c == id));
        listed || self.selection.as_ref().is_some_and(|s| s.matches(customer))
    }
}

/// One activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Activity {
    /// What is done.
    pub what: String,
    /// Who is responsible.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// By when.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<NaiveDate>,
    /// Where it stands.
    pub status: Status,
    /// 1 (highest) to 3.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<u8>,
    /// The chain actor (id) it is aimed at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// The customer (number) it is aimed at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
    /// The person it is aimed at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Errors.

/// What is wrong at one path of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PlanErrorKind {
    /// Not valid YAML/JSON; the parser's message (English).
    Syntax {
        /// Message with line and column.
        message: String,
    },
    /// A required key is missing.
    Missing,
    /// A key the format does not know.
    UnknownKey {
        /// Allowed keys here.
        allowed: String,
        /// The closest allowed key, when one is close.
        suggestion: Option<String>,
    },
    /// A value outside a closed set.
    NotOneOf {
        /// Found.
        value: String,
        /// Allowed, comma-separated.
        allowed: String,
    },
    /// Wrong kind of value.
    WrongType {
        /// `text`, `list`, `mapping`, `whole number`.
        expected: Expected,
        /// What was found.
        found: String,
    },
    /// A whole number out of range.
    OutOfRange {
        /// Found.
        value: String,
        /// Smallest allowed.
        min: u64,
        /// Largest allowed.
        max: u64,
    },
    /// Not an ISO date.
    BadDate {
        /// Found.
        value: String,
    },
    /// A text that must not be empty.
    Empty,
    /// The same key twice in one mapping (YAML and JSON readers would keep only one).
    DuplicateKey,
    /// The selection expression does not parse.
    Selection(selection::SelectionError),
}

/// Kind of value a key expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// A text.
    Text,
    /// A whole number.
    WholeNumber,
    /// A list.
    List,
    /// A mapping.
    Mapping,
}

impl Expected {
    fn label(self, lang: Lang) -> &'static str {
        match self {
            Expected::Text => text::plan_expected_text(lang),
            Expected::WholeNumber => text::file_expected_whole_number(lang),
            Expected::List => text::file_expected_list(lang),
            Expected::Mapping => text::file_expected_mapping(lang),
        }
    }
}

/// One problem of a plan with the path of the value (`activities[0].status`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.localized(Lang::En))]
pub struct PlanError {
    /// Where; empty for the whole document.
    pub path: String,
    /// What.
    pub kind: PlanErrorKind,
}

impl PlanError {
    fn new(path: impl Into<String>, kind: PlanErrorKind) -> PlanError {
        PlanError {
            path: path.into(),
            kind,
        }
    }

    /// `activities[0].status: 'offen' is not one of open, in_progress, done, dropped`.
    pub fn localized(&self, lang: Lang) -> String {
        use PlanErrorKind as K;
        let what = match &self.kind {
            K::Syntax { message } => text::file_syntax_error(lang, message),
            K::Missing => text::file_missing_required(lang).into(),
            K::UnknownKey {
                allowed,
                suggestion,
            } => match suggestion {
                Some(s) => text::file_unknown_key_did_you_mean(lang, allowed, s),
                None => text::file_unknown_key(lang, allowed),
            },
            K::NotOneOf { value, allowed } => text::file_not_one_of(lang, allowed, value),
            K::WrongType { expected, found } => {
                text::file_wrong_type(lang, expected.label(lang), found)
            }
            K::OutOfRange { value, min, max } => text::file_not_between(lang, max, min, value),
            K::BadDate { value } => text::file_bad_date(lang, value),
            K::Empty => text::file_must_not_be_empty(lang).into(),
            K::DuplicateKey => text::file_duplicate_key(lang).into(),
            K::Selection(e) => e.localized(lang),
        };
        if self.path.is_empty() {
            what
        } else {
            format!("{}: {what}", self.path)
        }
    }
}

/// All problems of a plan, in document order; never empty when returned as an error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct PlanErrors(pub Vec<PlanError>);

impl PlanErrors {
    /// One message per line.
    pub fn localized(&self, lang: Lang) -> String {
        self.0
            .iter()
            .map(|e| e.localized(lang))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl fmt::Display for PlanErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.localized(Lang::En))
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing.

const PLAN_KEYS: &[&str] = &[
    "plan",
    "scope",
    "reasons",
    "targets",
    "activities",
    "coaching",
    "priorities",
    "notes",
];
const SCOPE_KEYS: &[&str] = &["kind", "value"];
const REASON_KEYS: &[&str] = &["kind", "text"];
const TARGET_KEYS: &[&str] = &["customers", "selection"];
const ACTIVITY_KEYS: &[&str] = &[
    "what", "owner", "due", "status", "priority", "actor", "customer", "person",
];

/// Reads a plan file (YAML or JSON; `None` sniffs: `{` means JSON), reporting every problem.
///
/// # Errors
/// All problems found, each with its path.
pub fn parse_plan(text: &str, format: Option<Format>) -> Result<Plan, PlanErrors> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let format = format.unwrap_or_else(|| Format::sniff(text));
    let value = match format {
        Format::Json => serde_json::from_str::<Tree>(text).map_err(|e| e.to_string()),
        Format::Yaml => serde_norway::from_str::<Tree>(text).map_err(|e| e.to_string()),
    }
    .map(|t| t.0)
    .map_err(|message| PlanErrors(vec![PlanError::new("", PlanErrorKind::Syntax { message })]))?;
    let mut r = Reader::default();
    let Some(plan) = r.plan(&value) else {
        return Err(PlanErrors(r.errors));
    };
    // The semantic checks see the partial plan too, so one run reports everything; a value that
    // was already reported as structurally broken is not reported again.
    let broken = std::mem::take(&mut r.broken);
    let covered = |path: &str| {
        broken.iter().any(|b| {
            path == b
                || path
                    .strip_prefix(b.as_str())
                    .is_some_and(|rest| rest.starts_with(['.', '[']))
        })
    };
    let semantic: Vec<PlanError> = semantic_errors(&plan)
        .into_iter()
        .filter(|e| !covered(&e.path))
        .collect();
    r.errors.extend(semantic);
    if r.errors.is_empty() {
        return Ok(plan);
    }
    // Document order: by top-level key, then list index; stable within one element.
    r.errors.sort_by_key(|e| path_order(&e.path));
    Err(PlanErrors(r.errors))
}

fn path_order(path: &str) -> (usize, usize) {
    let head = path.split(['.', '[']).next().unwrap_or("");
    let key = PLAN_KEYS
        .iter()
        .position(|k| *k == head)
        .unwrap_or(PLAN_KEYS.len());
    let index = path
        .split_once('[')
        .and_then(|(_, rest)| rest.split_once(']'))
        .and_then(|(n, _)| n.parse().ok())
        .unwrap_or(0);
    (key, index)
}

/// Checks a plan built in code (by an editing command): non-empty name and texts, priority
/// 1..=3, a customer type the typology knows, a selection that parses.
///
/// # Errors
/// All problems found.
pub fn validate_plan(plan: &Plan) -> Result<(), PlanErrors> {
    let errors = semantic_errors(plan);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(PlanErrors(errors))
    }
}

fn semantic_errors(plan: &Plan) -> Vec<PlanError> {
    let mut errors = Vec::new();
    if plan.plan.trim().is_empty() {
        errors.push(PlanError::new("plan", PlanErrorKind::Empty));
    }
    if plan.scope.value.trim().is_empty() {
        errors.push(PlanError::new("scope.value", PlanErrorKind::Empty));
    } else if plan.scope.kind == ScopeKind::CustomerType
        && CustomerType::from_id(&plan.scope.value).is_none()
    {
        errors.push(PlanError::new(
            "scope.value",
            PlanErrorKind::NotOneOf {
                value: plan.scope.value.clone(),
                allowed: CustomerType::allowed(),
            },
        ));
    }
    if let Some(sel) = &plan.targets.selection {
        match plan.targets.saved_selection() {
            Some(name) if name.trim().is_empty() => {
                errors.push(PlanError::new("targets.selection", PlanErrorKind::Empty));
            }
            Some(_) => {}
            None => {
                if let Err(e) = selection::parse(sel) {
                    errors.push(PlanError::new(
                        "targets.selection",
                        PlanErrorKind::Selection(e),
                    ));
                }
            }
        }
    }
    for (i, c) in plan.targets.customers.iter().enumerate() {
        if c.trim().is_empty() {
            errors.push(PlanError::new(
                format!("targets.customers[{i}]"),
                PlanErrorKind::Empty,
            ));
        }
    }
    for (i, a) in plan.activities.iter().enumerate() {
        if a.what.trim().is_empty() {
            errors.push(PlanError::new(
                format!("activities[{i}].what"),
                PlanErrorKind::Empty,
            ));
        }
        if let Some(p) = a.priority {
            if !(1..=3).contains(&p) {
                errors.push(PlanError::new(
                    format!("activities[{i}].priority"),
                    PlanErrorKind::OutOfRange {
                        value: p.to_string(),
                        min: 1,
                        max: 3,
                    },
                ));
            }
        }
    }
    for (key, list) in [
        ("coaching", &plan.coaching),
        ("priorities", &plan.priorities),
    ] {
        for (i, c) in list.iter().enumerate() {
            if c.trim().is_empty() {
                errors.push(PlanError::new(format!("{key}[{i}]"), PlanErrorKind::Empty));
            }
        }
    }
    errors
}

fn describe(v: &Json) -> String {
    match v {
        Json::Null => "null".into(),
        Json::Bool(b) => b.to_string(),
        Json::Number(n) => n.to_string(),
        Json::String(s) => {
            let short: String = s.chars().take(40).collect();
            if short.len() < s.len() {
                format!("'{short}…'")
            } else {
                format!("'{s}'")
            }
        }
        Json::Array(_) => "[…]".into(),
        Json::Object(_) => "{…}".into(),
    }
}

/// The allowed key nearest to a typo (the product's one rule, `kundenwert_core::closest`).
fn closest(key: &str, allowed: &[&str]) -> Option<String> {
    kundenwert_core::closest(key, allowed).map(str::to_owned)
}

#[derive(Default)]
struct Reader {
    errors: Vec<PlanError>,
    /// Paths whose value could not be read; their placeholders are not checked again.
    broken: Vec<String>,
}

impl Default for Scope {
    fn default() -> Self {
        Scope {
            kind: ScopeKind::Product,
            value: String::new(),
        }
    }
}

impl Default for Reason {
    fn default() -> Self {
        Reason {
            kind: ReasonKind::Other,
            text: None,
        }
    }
}

impl Default for Activity {
    fn default() -> Self {
        Activity {
            what: String::new(),
            owner: None,
            due: None,
            status: Status::Open,
            priority: None,
            actor: None,
            customer: None,
            person: None,
        }
    }
}

impl Reader {
    fn push(&mut self, path: impl Into<String>, kind: PlanErrorKind) {
        let path = path.into();
        self.broken.push(path.clone());
        self.errors.push(PlanError::new(path, kind));
    }

    fn wrong(&mut self, path: &str, expected: Expected, found: &Json) {
        self.push(
            path,
            PlanErrorKind::WrongType {
                expected,
                found: describe(found),
            },
        );
    }

    /// The mapping at `path`, with unknown keys reported.
    fn mapping<'a>(
        &mut self,
        v: &'a Json,
        path: &str,
        allowed: &[&str],
    ) -> Option<&'a serde_json::Map<String, Json>> {
        let Json::Object(map) = v else {
            self.wrong(path, Expected::Mapping, v);
            return None;
        };
        for key in map.keys() {
            if let Some(dup) = key.strip_prefix(DUPLICATE) {
                self.push(join(path, dup), PlanErrorKind::DuplicateKey);
            } else if !allowed.contains(&key.as_str()) {
                let at = join(path, key);
                let suggestion = closest(key, allowed);
                self.errors.push(PlanError::new(
                    at,
                    PlanErrorKind::UnknownKey {
                        allowed: allowed.join(", "),
                        suggestion,
                    },
                ));
            }
        }
        Some(map)
    }

    fn text(&mut self, v: &Json, path: &str) -> Option<String> {
        match v {
            Json::String(s) => Some(s.clone()),
            other => {
                self.wrong(path, Expected::Text, other);
                None
            }
        }
    }

    /// A customer number: YAML users write `- 10007` unquoted, which arrives as a number.
    fn id_text(&mut self, v: &Json, path: &str) -> Option<String> {
        match v {
            Json::Number(n) if n.is_i64() || n.is_u64() => Some(n.to_string()),
            other => self.text(other, path),
        }
    }

    /// An optional key: `None` when absent or null or unreadable (then reported).
    fn opt<T>(
        &mut self,
        map: &serde_json::Map<String, Json>,
        key: &str,
        path: &str,
        read: impl FnOnce(&mut Self, &Json, &str) -> Option<T>,
    ) -> Option<T> {
        match map.get(key) {
            None | Some(Json::Null) => None,
            Some(v) => {
                let at = join(path, key);
                let value = read(self, v, &at);
                if value.is_none() {
                    self.broken.push(at);
                }
                value
            }
        }
    }

    /// A required key; reported when missing.
    fn required<T>(
        &mut self,
        map: &serde_json::Map<String, Json>,
        key: &str,
        path: &str,
        read: impl FnOnce(&mut Self, &Json, &str) -> Option<T>,
    ) -> Option<T> {
        match map.get(key) {
            None | Some(Json::Null) => {
                self.push(join(path, key), PlanErrorKind::Missing);
                None
            }
            Some(v) => {
                let at = join(path, key);
                let value = read(self, v, &at);
                if value.is_none() {
                    self.broken.push(at);
                }
                value
            }
        }
    }

    /// A list; unreadable items become placeholders so later items keep their index.
    fn list<T: Default>(
        &mut self,
        v: &Json,
        path: &str,
        mut item: impl FnMut(&mut Self, &Json, &str) -> Option<T>,
    ) -> Option<Vec<T>> {
        let Json::Array(items) = v else {
            self.wrong(path, Expected::List, v);
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, v) in items.iter().enumerate() {
            let at = format!("{path}[{i}]");
            match item(self, v, &at) {
                Some(x) => out.push(x),
                None => {
                    self.broken.push(at);
                    out.push(T::default());
                }
            }
        }
        Some(out)
    }

    fn one_of<T: Copy>(
        &mut self,
        v: &Json,
        path: &str,
        from_id: fn(&str) -> Option<T>,
        allowed: fn() -> String,
    ) -> Option<T> {
        let s = self.text(v, path)?;
        let found = from_id(&s);
        if found.is_none() {
            self.push(
                path,
                PlanErrorKind::NotOneOf {
                    value: s,
                    allowed: allowed(),
                },
            );
        }
        found
    }

    /// The plan, with placeholders where values are broken; `None` only when the document is not
    /// a mapping at all.
    fn plan(&mut self, v: &Json) -> Option<Plan> {
        let map = self.mapping(v, "", PLAN_KEYS)?;
        Some(Plan {
            plan: self
                .required(map, "plan", "", Self::text)
                .unwrap_or_default(),
            scope: self
                .required(map, "scope", "", Self::scope)
                .unwrap_or_default(),
            reasons: self
                .opt(map, "reasons", "", |r, v, p| r.list(v, p, Self::reason))
                .unwrap_or_default(),
            targets: self
                .opt(map, "targets", "", Self::targets)
                .unwrap_or_default(),
            activities: self
                .opt(map, "activities", "", |r, v, p| {
                    r.list(v, p, Self::activity)
                })
                .unwrap_or_default(),
            coaching: self
                .opt(map, "coaching", "", |r, v, p| r.list(v, p, Self::id_text))
                .unwrap_or_default(),
            priorities: self
                .opt(map, "priorities", "", |r, v, p| r.list(v, p, Self::text))
                .unwrap_or_default(),
            notes: self.opt(map, "notes", "", Self::text),
        })
    }

    fn scope(&mut self, v: &Json, path: &str) -> Option<Scope> {
        let map = self.mapping(v, path, SCOPE_KEYS)?;
        let kind = self.required(map, "kind", path, |r, v, p| {
            r.one_of(v, p, ScopeKind::from_id, ScopeKind::allowed)
        });
        let value = self.required(map, "value", path, Self::text);
        match (kind, value) {
            (Some(kind), Some(value)) => Some(Scope { kind, value }),
            // Whether `value` fits depends on `kind`; without both, nothing more can be said.
            _ => None,
        }
    }

    fn reason(&mut self, v: &Json, path: &str) -> Option<Reason> {
        if v.is_string() {
            let kind = self.one_of(v, path, ReasonKind::from_id, ReasonKind::allowed)?;
            return Some(Reason { kind, text: None });
        }
        let map = self.mapping(v, path, REASON_KEYS)?;
        let kind = self.required(map, "kind", path, |r, v, p| {
            r.one_of(v, p, ReasonKind::from_id, ReasonKind::allowed)
        });
        let text = self.opt(map, "text", path, Self::text);
        Some(Reason { kind: kind?, text })
    }

    fn targets(&mut self, v: &Json, path: &str) -> Option<Targets> {
        let map = self.mapping(v, path, TARGET_KEYS)?;
        Some(Targets {
            customers: self
                .opt(map, "customers", path, |r, v, p| {
                    r.list(v, p, Self::id_text)
                })
                .unwrap_or_default(),
            selection: self.opt(map, "selection", path, Self::text),
        })
    }

    fn activity(&mut self, v: &Json, path: &str) -> Option<Activity> {
        let map = self.mapping(v, path, ACTIVITY_KEYS)?;
        Some(Activity {
            what: self
                .required(map, "what", path, Self::text)
                .unwrap_or_default(),
            owner: self.opt(map, "owner", path, Self::text),
            due: self.opt(map, "due", path, |r, v, p| {
                let s = r.text(v, p)?;
                let d = NaiveDate::parse_from_str(&s, "%Y-%m-%d")
                    .ok()
                    .filter(|_| s.len() == 10);
                if d.is_none() {
                    r.push(p, PlanErrorKind::BadDate { value: s });
                }
                d
            }),
            // Omitted status means nothing has happened yet.
            status: self
                .opt(map, "status", path, |r, v, p| {
                    r.one_of(v, p, Status::from_id, Status::allowed)
                })
                .unwrap_or(Status::Open),
            // Any small whole number is read; the 1..=3 range is a semantic check.
            priority: self.opt(map, "priority", path, |r, v, p| match v {
                Json::Number(n) if n.is_i64() || n.is_u64() => {
                    match n.as_u64().and_then(|x| u8::try_from(x).ok()) {
                        Some(x) => Some(x),
                        None => {
                            r.push(
                                p,
                                PlanErrorKind::OutOfRange {
                                    value: n.to_string(),
                                    min: 1,
                                    max: 3,
                                },
                            );
                            None
                        }
                    }
                }
                other => {
                    r.wrong(p, Expected::WholeNumber, other);
                    None
                }
            }),
            actor: self.opt(map, "actor", path, Self::text),
            customer: self.opt(map, "customer", path, Self::id_text),
            person: self.opt(map, "person", path, Self::text),
        })
    }
}

/// Prefix of the marker key [`Tree`] adds for a key seen twice; a NUL cannot come from a sane
/// plan file, so it cannot clash with a real key.
const DUPLICATE: &str = "\u{0}duplicate:";

/// A JSON value read from YAML or JSON that remembers duplicate keys (as `DUPLICATE` + key
/// entries) instead of letting the second value silently replace the first.
struct Tree(Json);

impl<'de> serde::Deserialize<'de> for Tree {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Tree, D::Error> {
        d.deserialize_any(TreeVisitor).map(Tree)
    }
}

struct TreeVisitor;

impl<'de> serde::de::Visitor<'de> for TreeVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a YAML or JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
        Ok(Json::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
        Ok(Json::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Json, E> {
        // Non-finite numbers (YAML `.inf`) have no JSON form; keep them as text for the message.
        Ok(serde_json::Number::from_f64(v)
            .map_or_else(|| Json::String(v.to_string()), Json::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Json, E> {
        Ok(Json::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Json, E> {
        Ok(Json::String(v))
    }
    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_none<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Json, D::Error> {
        d.deserialize_any(TreeVisitor)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut out = Vec::new();
        while let Some(Tree(v)) = seq.next_element()? {
            out.push(v);
        }
        Ok(Json::Array(out))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut out = serde_json::Map::new();
        while let Some((Tree(k), Tree(v))) = map.next_entry()? {
            let key = match k {
                Json::String(s) => s,
                other => other.to_string(),
            };
            if out.contains_key(&key) {
                out.insert(format!("{DUPLICATE}{key}"), Json::Null);
            } else {
                out.insert(key, v);
            }
        }
        Ok(Json::Object(out))
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

// ---------------------------------------------------------------------------------------------
// Canonical exports.

/// The canonical YAML form: keys in the documented order, empty parts omitted, byte-stable.
pub fn plan_to_yaml(plan: &Plan) -> String {
    // Serialising plain structs, strings, numbers and dates cannot fail.
    serde_norway::to_string(plan).unwrap_or_default()
}

/// The canonical JSON form (pretty, two-space indent, trailing newline), as the store keeps it.
pub fn plan_to_json(plan: &Plan) -> String {
    let mut out = serde_json::to_string_pretty(plan).unwrap_or_default();
    out.push('\n');
    out
}

// ---------------------------------------------------------------------------------------------
// Reports.

/// The customers a plan's targets resolve to today, computed by the caller from the analysis.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlanContext {
    /// The date the figures refer to.
    pub as_of: Option<NaiveDate>,
    /// Matched customers, in the order to list them.
    pub customers: Vec<TargetCustomer>,
}

/// One resolved target customer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TargetCustomer {
    /// Customer number.
    pub id: String,
    /// Name, when known.
    pub name: Option<String>,
    /// Customer type as the reader should see it (already localised).
    pub type_label: Option<String>,
    /// Current value.
    pub current_value: Option<f64>,
    /// Future value.
    pub future_value: Option<f64>,
}

struct Labels {
    title: &'static str,
    as_of: &'static str,
    scope: &'static str,
    why: &'static str,
    customers: &'static str,
    selection: &'static str,
    listed: &'static str,
    none: &'static str,
    not_found: &'static str,
    customer: &'static str,
    name: &'static str,
    ty: &'static str,
    current: &'static str,
    future: &'static str,
    total: &'static str,
    activities: &'static str,
    no_activities: &'static str,
    priority: &'static str,
    what: &'static str,
    owner: &'static str,
    due: &'static str,
    status: &'static str,
    actor: &'static str,
    person: &'static str,
    priorities: &'static str,
    coaching: &'static str,
    notes: &'static str,
    saved: &'static str,
}

fn labels(lang: Lang) -> Labels {
    Labels {
        title: text::plan_label_title(lang),
        as_of: text::plan_label_as_of(lang),
        scope: text::plan_label_scope(lang),
        why: text::plan_label_why(lang),
        customers: text::plan_label_customers(lang),
        selection: text::plan_label_selection(lang),
        listed: text::plan_label_listed(lang),
        none: text::plan_label_none(lang),
        not_found: text::plan_label_not_found(lang),
        customer: text::plan_label_customer(lang),
        name: text::plan_label_name(lang),
        ty: text::plan_label_type(lang),
        current: text::plan_label_current(lang),
        future: text::plan_label_future(lang),
        total: text::plan_label_total(lang),
        activities: text::plan_label_activities(lang),
        no_activities: text::plan_label_no_activities(lang),
        priority: text::plan_label_priority(lang),
        what: text::plan_label_what(lang),
        owner: text::plan_label_owner(lang),
        due: text::plan_label_due(lang),
        status: text::plan_label_status(lang),
        actor: text::plan_label_actor(lang),
        person: text::plan_label_person(lang),
        priorities: text::plan_label_priorities(lang),
        coaching: text::plan_label_coaching(lang),
        notes: text::plan_label_notes(lang),
        saved: text::plan_label_saved(lang),
    }
}

/// Whole currency units with thousands separators (`12.345` / `12,345`); `–` when unknown.
fn amount(x: Option<f64>, lang: Lang) -> String {
    let Some(x) = x else {
        return "–".into();
    };
    let rounded = x.round();
    let digits = format!("{:.0}", rounded.abs());
    let sep = lang.thousands_separator();
    let mut out = String::new();
    if rounded < 0.0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push_str(sep);
        }
        out.push(c);
    }
    out
}

fn date(d: NaiveDate, lang: Lang) -> String {
    d.format(lang.date_pattern()).to_string()
}

fn scope_text(scope: &Scope, lang: Lang) -> String {
    let value = match (scope.kind, CustomerType::from_id(&scope.value)) {
        (ScopeKind::CustomerType, Some(t)) => t.label(lang).to_owned(),
        _ => scope.value.clone(),
    };
    format!("{}: {value}", capitalized(scope.kind.label(lang)))
}

/// Labels are lower case for use inside sentences (`offen`, `growth`); at the start of a line or
/// table cell they get a capital. Non-ASCII labels are left alone (none starts lower case).
fn capitalized(label: &str) -> String {
    let mut chars = label.chars();
    match chars.next() {
        Some(first) if label.is_ascii() => first.to_uppercase().chain(chars).collect(),
        _ => label.to_owned(),
    }
}

/// A Markdown code span; falls back to escaped text when the content has backticks.
fn md_code(s: &str) -> String {
    if s.contains('`') || s.contains('\n') {
        md(s)
    } else {
        format!("`{s}`")
    }
}

/// Customers listed by number that the context does not contain.
fn missing_ids<'a>(plan: &'a Plan, ctx: &PlanContext) -> Vec<&'a str> {
    plan.targets
        .customers
        .iter()
        .filter(|id| !ctx.customers.iter().any(|c| &c.id == *id))
        .map(String::as_str)
        .collect()
}

fn customer_label(id: &str, ctx: &PlanContext) -> String {
    match ctx
        .customers
        .iter()
        .find(|c| c.id == id)
        .and_then(|c| c.name.as_deref())
    {
        Some(name) => format!("{id} {name}"),
        None => id.to_owned(),
    }
}

fn sum(values: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    values.fold(None, |acc, v| match (acc, v) {
        (acc, None) => acc,
        (None, Some(v)) => Some(v),
        (Some(a), Some(v)) => Some(a + v),
    })
}

/// Escapes text for Markdown so names like `Müller *Söhne* | GmbH` stay literal, also in tables.
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '!' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\r' => {}
            '\n' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// The plan as Markdown, in German or English.
pub fn to_markdown(plan: &Plan, ctx: &PlanContext, lang: Lang) -> String {
    let l = labels(lang);
    let mut o = String::new();
    // Writing into a String cannot fail; the results are ignored throughout.
    let _ = writeln!(o, "# {}: {}\n", l.title, md(&plan.plan));
    if let Some(d) = ctx.as_of {
        let _ = writeln!(o, "{}: {}\n", l.as_of, date(d, lang));
    }
    let _ = writeln!(
        o,
        "## {}\n\n{}\n",
        l.scope,
        md(&scope_text(&plan.scope, lang))
    );
    if !plan.reasons.is_empty() {
        let _ = writeln!(o, "## {}\n", l.why);
        for r in &plan.reasons {
            match &r.text {
                Some(t) => {
                    let _ = writeln!(o, "- **{}**: {}", capitalized(r.kind.label(lang)), md(t));
                }
                None => {
                    let _ = writeln!(o, "- **{}**", capitalized(r.kind.label(lang)));
                }
            }
        }
        o.push('\n');
    }
    let _ = writeln!(o, "## {}\n", l.customers);
    if let Some(sel) = &plan.targets.selection {
        match plan.targets.saved_selection() {
            Some(name) => {
                let _ = writeln!(o, "{}: {} {}\n", l.selection, l.saved, md_code(name));
            }
            None => {
                let _ = writeln!(o, "{}: {}\n", l.selection, md_code(sel));
            }
        }
    }
    if !plan.targets.customers.is_empty() {
        let ids: Vec<String> = plan.targets.customers.iter().map(|c| md(c)).collect();
        let _ = writeln!(o, "{}: {}\n", l.listed, ids.join(", "));
    }
    if ctx.customers.is_empty() {
        let _ = writeln!(o, "{}\n", l.none);
    } else {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} |",
            l.customer, l.name, l.ty, l.current, l.future
        );
        o.push_str("|---|---|---|---:|---:|\n");
        for c in &ctx.customers {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} |",
                md(&c.id),
                md(c.name.as_deref().unwrap_or("")),
                md(c.type_label.as_deref().unwrap_or("")),
                amount(c.current_value, lang),
                amount(c.future_value, lang)
            );
        }
        let _ = writeln!(
            o,
            "| **{}** ({}) | | | **{}** | **{}** |\n",
            l.total,
            ctx.customers.len(),
            amount(sum(ctx.customers.iter().map(|c| c.current_value)), lang),
            amount(sum(ctx.customers.iter().map(|c| c.future_value)), lang)
        );
    }
    let missing = missing_ids(plan, ctx);
    if !missing.is_empty() {
        let ids: Vec<String> = missing.iter().map(|c| md(c)).collect();
        let _ = writeln!(o, "{}: {}\n", l.not_found, ids.join(", "));
    }
    let _ = writeln!(o, "## {}\n", l.activities);
    if plan.activities.is_empty() {
        let _ = writeln!(o, "{}\n", l.no_activities);
    } else {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            l.priority, l.what, l.owner, l.due, l.status, l.actor, l.customer, l.person
        );
        o.push_str("|---:|---|---|---|---|---|---|---|\n");
        for a in &plan.activities {
            let opt = |s: &Option<String>| md(s.as_deref().unwrap_or(""));
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} | {} | {} | {} |",
                a.priority.map(|p| p.to_string()).unwrap_or_default(),
                md(&a.what),
                opt(&a.owner),
                a.due.map(|d| date(d, lang)).unwrap_or_default(),
                capitalized(a.status.label(lang)),
                opt(&a.actor),
                a.customer
                    .as_deref()
                    .map(|c| md(&customer_label(c, ctx)))
                    .unwrap_or_default(),
                opt(&a.person)
            );
        }
        o.push('\n');
    }
    if !plan.priorities.is_empty() {
        let _ = writeln!(o, "## {}\n", l.priorities);
        for (i, p) in plan.priorities.iter().enumerate() {
            let _ = writeln!(o, "{}. {}", i + 1, md(p));
        }
        o.push('\n');
    }
    if !plan.coaching.is_empty() {
        let _ = writeln!(o, "## {}\n", l.coaching);
        for c in &plan.coaching {
            let _ = writeln!(o, "- {}", md(&customer_label(c, ctx)));
        }
        o.push('\n');
    }
    if let Some(notes) = &plan.notes {
        // Notes keep their line breaks; each line is escaped on its own.
        let _ = writeln!(o, "## {}\n", l.notes);
        for line in notes.lines() {
            let _ = writeln!(o, "{}  ", md(line));
        }
        o.push('\n');
    }
    while o.ends_with("\n\n") {
        o.pop();
    }
    o
}

fn h(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const CSS: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1a1a1a;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45}\
h1{font-size:1.6rem;border-bottom:2px solid #1f4e79;padding-bottom:.3rem}\
h2{font-size:1.15rem;color:#1f4e79;margin-top:1.6rem}\
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}\
th,td{border:1px solid #c8c8c8;padding:.3rem .5rem;text-align:left;vertical-align:top}\
th{background:#eef3f8}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}\
tfoot td{font-weight:600}.meta{color:#555}.status-done{color:#2e7d32}.status-dropped{color:#888;text-decoration:line-through}\
.notes{white-space:pre-wrap}\
@media print{body{margin:0;max-width:none;font-size:10pt}h2{break-after:avoid}tr{break-inside:avoid}a{color:inherit}}";

/// The plan as a standalone, printable HTML page (inline CSS, no scripts), in German or English.
pub fn to_html(plan: &Plan, ctx: &PlanContext, lang: Lang) -> String {
    let l = labels(lang);
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}: {}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        lang.code(),
        l.title,
        h(&plan.plan)
    );
    let _ = writeln!(o, "<h1>{}: {}</h1>", l.title, h(&plan.plan));
    if let Some(d) = ctx.as_of {
        let _ = writeln!(o, "<p class=\"meta\">{}: {}</p>", l.as_of, date(d, lang));
    }
    let _ = writeln!(
        o,
        "<h2>{}</h2>\n<p>{}</p>",
        l.scope,
        h(&scope_text(&plan.scope, lang))
    );
    if !plan.reasons.is_empty() {
        let _ = writeln!(o, "<h2>{}</h2>\n<ul>", l.why);
        for r in &plan.reasons {
            match &r.text {
                Some(t) => {
                    let _ = writeln!(
                        o,
                        "<li><strong>{}</strong>: {}</li>",
                        capitalized(r.kind.label(lang)),
                        h(t)
                    );
                }
                None => {
                    let _ = writeln!(
                        o,
                        "<li><strong>{}</strong></li>",
                        capitalized(r.kind.label(lang))
                    );
                }
            }
        }
        o.push_str("</ul>\n");
    }
    let _ = writeln!(o, "<h2>{}</h2>", l.customers);
    if let Some(sel) = &plan.targets.selection {
        match plan.targets.saved_selection() {
            Some(name) => {
                let _ = writeln!(
                    o,
                    "<p>{}: {} <code>{}</code></p>",
                    l.selection,
                    l.saved,
                    h(name)
                );
            }
            None => {
                let _ = writeln!(o, "<p>{}: <code>{}</code></p>", l.selection, h(sel));
            }
        }
    }
    if !plan.targets.customers.is_empty() {
        let ids: Vec<String> = plan.targets.customers.iter().map(|c| h(c)).collect();
        let _ = writeln!(o, "<p>{}: {}</p>", l.listed, ids.join(", "));
    }
    if ctx.customers.is_empty() {
        let _ = writeln!(o, "<p>{}</p>", l.none);
    } else {
        let _ = writeln!(
            o,
            "<table>\n<thead><tr><th>{}</th><th>{}</th><th>{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th></tr></thead>\n<tbody>",
            l.customer, l.name, l.ty, l.current, l.future
        );
        for c in &ctx.customers {
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                h(&c.id),
                h(c.name.as_deref().unwrap_or("")),
                h(c.type_label.as_deref().unwrap_or("")),
                amount(c.current_value, lang),
                amount(c.future_value, lang)
            );
        }
        let _ = writeln!(
            o,
            "</tbody>\n<tfoot><tr><td colspan=\"3\">{} ({})</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr></tfoot>\n</table>",
            l.total,
            ctx.customers.len(),
            amount(sum(ctx.customers.iter().map(|c| c.current_value)), lang),
            amount(sum(ctx.customers.iter().map(|c| c.future_value)), lang)
        );
    }
    let missing = missing_ids(plan, ctx);
    if !missing.is_empty() {
        let ids: Vec<String> = missing.iter().map(|c| h(c)).collect();
        let _ = writeln!(
            o,
            "<p class=\"meta\">{}: {}</p>",
            l.not_found,
            ids.join(", ")
        );
    }
    let _ = writeln!(o, "<h2>{}</h2>", l.activities);
    if plan.activities.is_empty() {
        let _ = writeln!(o, "<p>{}</p>", l.no_activities);
    } else {
        let _ = writeln!(
            o,
            "<table>\n<thead><tr><th class=\"n\">{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>",
            l.priority, l.what, l.owner, l.due, l.status, l.actor, l.customer, l.person
        );
        for a in &plan.activities {
            let opt = |s: &Option<String>| h(s.as_deref().unwrap_or(""));
            let _ = writeln!(
                o,
                "<tr><td class=\"n\">{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"status-{}\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                a.priority.map(|p| p.to_string()).unwrap_or_default(),
                h(&a.what),
                opt(&a.owner),
                a.due.map(|d| date(d, lang)).unwrap_or_default(),
                a.status.id(),
                capitalized(a.status.label(lang)),
                opt(&a.actor),
                a.customer.as_deref().map(|c| h(&customer_label(c, ctx))).unwrap_or_default(),
                opt(&a.person)
            );
        }
        o.push_str("</tbody>\n</table>\n");
    }
    if !plan.priorities.is_empty() {
        let _ = writeln!(o, "<h2>{}</h2>\n<ol>", l.priorities);
        for p in &plan.priorities {
            let _ = writeln!(o, "<li>{}</li>", h(p));
        }
        o.push_str("</ol>\n");
    }
    if !plan.coaching.is_empty() {
        let _ = writeln!(o, "<h2>{}</h2>\n<ul>", l.coaching);
        for c in &plan.coaching {
            let _ = writeln!(o, "<li>{}</li>", h(&customer_label(c, ctx)));
        }
        o.push_str("</ul>\n");
    }
    if let Some(notes) = &plan.notes {
        let _ = writeln!(
            o,
            "<h2>{}</h2>\n<p class=\"notes\">{}</p>",
            l.notes,
            h(notes.trim_end())
        );
    }
    o.push_str("</body>\n</html>\n");
    o
}
