//! Reading a plan file (YAML or JSON) through the shared document reader (`document.rs`): every
//! problem reported with its path, duplicate keys included, and the checks of a plan's meaning.

use kundenwert_core::CustomerType;

use super::error::{Expected, PlanError, PlanErrorKind, PlanErrors};
use super::{Activity, Plan, Reason, ReasonKind, Scope, ScopeKind, Status, Targets};
use crate::document::{self, FileKind, KeyCheck, Node, Problem};
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
    let value = document::read(text, format, FileKind::Plan).map_err(|message| {
        PlanErrors(vec![PlanError::new("", PlanErrorKind::Syntax { message })])
    })?;
    let mut r = Reader::default();
    let Some(plan) = r.plan(&value) else {
        return Err(PlanErrors(r.errors));
    };
    // The semantic checks see the partial plan too, so one run reports everything; a value that
    // was already reported as structurally broken is not reported again.
    let broken = std::mem::take(&mut r.broken);
    let covered = |path: &str| broken.iter().any(|b| document::within(path, b));
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

/// Orders paths the way a plan file is written: by top-level key (unknown ones last), then by
/// list index.
fn path_order(path: &str) -> (usize, Vec<u64>) {
    let head = path.split(['.', '[']).next().unwrap_or("");
    let section = PLAN_KEYS
        .iter()
        .position(|k| *k == head)
        .unwrap_or(PLAN_KEYS.len());
    document::path_order(path, section, FileKind::Plan)
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

impl From<Problem> for PlanErrorKind {
    fn from(problem: Problem) -> PlanErrorKind {
        match problem {
            Problem::UnknownKey {
                allowed,
                suggestion,
            } => PlanErrorKind::UnknownKey {
                allowed,
                suggestion,
            },
            Problem::WrongType { expected, found } => PlanErrorKind::WrongType { expected, found },
        }
    }
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

    fn wrong(&mut self, path: &str, expected: Expected, found: &Node) {
        self.push(path, found.wrong_type(expected).into());
    }

    /// The mapping at `path`, with unknown and repeated keys reported.
    fn mapping<'a>(
        &mut self,
        v: &'a Node,
        path: &str,
        allowed: &[&str],
    ) -> Option<&'a [(String, Node)]> {
        let entries = match document::mapping(v) {
            Ok(entries) => entries,
            Err(problem) => {
                self.push(path, problem.into());
                return None;
            }
        };
        for (key, _, check) in document::check_keys(entries, allowed, FileKind::Plan) {
            match check {
                KeyCheck::Duplicate => {
                    self.push(document::key_path(path, key), PlanErrorKind::DuplicateKey);
                }
                // Not marked broken: no later check looks at a key the plan does not know.
                KeyCheck::Unknown(problem) => self.errors.push(PlanError::new(
                    document::key_path(path, key),
                    problem.into(),
                )),
                KeyCheck::Known | KeyCheck::Ignored => {}
            }
        }
        Some(entries)
    }

    fn text(&mut self, v: &Node, path: &str) -> Option<String> {
        match document::text(v) {
            Ok(s) => Some(s.to_owned()),
            Err(problem) => {
                self.push(path, problem.into());
                None
            }
        }
    }

    /// A customer number: YAML users write `- 10007` unquoted, which arrives as a number.
    fn id_text(&mut self, v: &Node, path: &str) -> Option<String> {
        match v {
            Node::Int(n) => Some(n.to_string()),
            other => self.text(other, path),
        }
    }

    /// An optional key: `None` when absent or null or unreadable (then reported).
    fn opt<T>(
        &mut self,
        map: &[(String, Node)],
        key: &str,
        path: &str,
        read: impl FnOnce(&mut Self, &Node, &str) -> Option<T>,
    ) -> Option<T> {
        match document::get(map, key) {
            None | Some(Node::Null) => None,
            Some(v) => {
                let at = document::key_path(path, key);
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
        map: &[(String, Node)],
        key: &str,
        path: &str,
        read: impl FnOnce(&mut Self, &Node, &str) -> Option<T>,
    ) -> Option<T> {
        if let None | Some(Node::Null) = document::get(map, key) {
            self.push(document::key_path(path, key), PlanErrorKind::Missing);
            return None;
        }
        self.opt(map, key, path, read)
    }

    /// A list; unreadable items become placeholders so later items keep their index.
    fn list<T: Default>(
        &mut self,
        v: &Node,
        path: &str,
        mut item: impl FnMut(&mut Self, &Node, &str) -> Option<T>,
    ) -> Option<Vec<T>> {
        let items = match document::list(v) {
            Ok(items) => items,
            Err(problem) => {
                self.push(path, problem.into());
                return None;
            }
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
        v: &Node,
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
    fn plan(&mut self, v: &Node) -> Option<Plan> {
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

    fn scope(&mut self, v: &Node, path: &str) -> Option<Scope> {
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

    fn reason(&mut self, v: &Node, path: &str) -> Option<Reason> {
        if matches!(v, Node::Str(_)) {
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

    fn targets(&mut self, v: &Node, path: &str) -> Option<Targets> {
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

    fn activity(&mut self, v: &Node, path: &str) -> Option<Activity> {
        let map = self.mapping(v, path, ACTIVITY_KEYS)?;
        Some(Activity {
            what: self
                .required(map, "what", path, Self::text)
                .unwrap_or_default(),
            owner: self.opt(map, "owner", path, Self::text),
            due: self.opt(map, "due", path, |r, v, p| {
                let s = r.text(v, p)?;
                let d = document::iso_date(&s);
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
                Node::Int(n) => match u8::try_from(*n).ok() {
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
                },
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
