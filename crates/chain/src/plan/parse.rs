//! Reading a plan file (YAML or JSON): every problem reported with its path, duplicate keys
//! included, and the checks of a plan's meaning.

use std::fmt;

use chrono::NaiveDate;
use kundenwert_core::CustomerType;
use serde_json::Value as Json;

use super::error::{Expected, PlanError, PlanErrorKind, PlanErrors};
use super::{Activity, Plan, Reason, ReasonKind, Scope, ScopeKind, Status, Targets};
use crate::parse::Format;
use crate::selection;

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
                allowed: CustomerType::ALL.map(CustomerType::id).join(", "),
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
