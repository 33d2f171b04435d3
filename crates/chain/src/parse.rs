//! Reading a chain file (YAML or JSON) into a [`Chain`], collecting every problem.
//!
//! The text is read by the shared document reader (`document.rs`), then validated key by key
//! while the typed model is built. The same per-key functions serve the editing commands, so a
//! value set on the command line gets the same messages as one in a file.

use chrono::NaiveDate;

use crate::document::{self, FileKind, KeyCheck, Node, Problem};
use crate::model::{
    Actor, Chain, CompetitivePosition, Contact, Flow, FlowKind, Person, Relationship, Size,
    Subject, Tier,
};
use crate::validate::{semantic_errors, ChainError, ChainErrors, ErrorKind, Expected};

pub use crate::document::Format;

/// Keys of the chain, actor, person and flow mappings, in canonical order.
pub const CHAIN_KEYS: &[&str] = &["chain", "subject", "description", "actors", "flows"];
/// Keys of an actor mapping, in canonical order.
pub const ACTOR_KEYS: &[&str] = &[
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
    "persons",
];
/// Keys of a person mapping, in canonical order.
pub const PERSON_KEYS: &[&str] = &[
    "name",
    "role",
    "contact",
    "known_by",
    "last_contact",
    "notes",
];
/// Keys of a flow mapping, in canonical order.
pub const FLOW_KEYS: &[&str] = &["from", "to", "kind", "label"];

/// Reads a chain from YAML or JSON text; `format` `None` guesses it from the content.
///
/// Returns every problem found (syntax, unknown keys, wrong values, semantic checks), not just the
/// first.
pub fn parse(text: &str, format: Option<Format>) -> Result<Chain, ChainErrors> {
    let node = document::read(text, format, FileKind::Chain)
        .map_err(|message| ChainErrors(vec![ChainError::new("", ErrorKind::Syntax { message })]))?;
    from_node(&node)
}

/// Collects problems while building; paths of structurally broken values are remembered so that
/// the semantic checks do not report the same place twice.
#[derive(Default)]
pub(crate) struct Sink {
    pub(crate) errors: Vec<ChainError>,
}

impl Sink {
    fn push(&mut self, path: &str, kind: impl Into<ErrorKind>) {
        self.errors.push(ChainError::new(path, kind.into()));
    }
}

impl From<Problem> for ErrorKind {
    fn from(problem: Problem) -> ErrorKind {
        match problem {
            Problem::UnknownKey {
                allowed,
                suggestion,
            } => ErrorKind::UnknownKey {
                allowed,
                suggestion,
            },
            Problem::WrongType { expected, found } => ErrorKind::WrongType { expected, found },
        }
    }
}

fn from_node(node: &Node) -> Result<Chain, ChainErrors> {
    let mut sink = Sink::default();
    if *node == Node::Null {
        sink.push("", ErrorKind::EmptyFile);
        return Err(ChainErrors(sink.errors));
    }
    let Some(entries) = mapping(node, "", &mut sink) else {
        return Err(ChainErrors(sink.errors));
    };
    let mut chain = Chain {
        chain: String::new(),
        subject: Subject::Product,
        description: None,
        actors: Vec::new(),
        flows: Vec::new(),
    };
    let mut seen = Vec::new();
    for (key, value, check) in document::check_keys(entries, CHAIN_KEYS, FileKind::Chain) {
        let path = document::key_path("", key);
        if !check_key(check, key, &path, &mut seen, &mut sink) {
            continue;
        }
        match key {
            "actors" => {
                for (i, item) in list(value, &path, &mut sink).iter().enumerate() {
                    let path = format!("actors[{i}]");
                    if let Some(actor) = actor_from_node(item, &path, &mut sink) {
                        chain.actors.push(actor);
                    } else {
                        // Keep indices aligned with the file so later paths stay right.
                        chain.actors.push(Actor::new("", Tier::Other, ""));
                    }
                }
            }
            "flows" => {
                for (i, item) in list(value, &path, &mut sink).iter().enumerate() {
                    let path = format!("flows[{i}]");
                    chain.flows.push(flow_from_node(item, &path, &mut sink));
                }
            }
            _ => set_chain_key(&mut chain, key, value, &path, &mut sink),
        }
    }
    require(&seen, &["chain", "subject"], "", &mut sink);
    finish(chain, sink)
}

/// Adds the semantic problems not already covered by a structural one at the same place.
fn finish(chain: Chain, mut sink: Sink) -> Result<Chain, ChainErrors> {
    let broken: Vec<String> = sink.errors.iter().map(|e| e.path.clone()).collect();
    // A path is covered when it, a parent or a child of it already has a problem.
    let is_broken = |p: &str| {
        broken
            .iter()
            .any(|b| document::within(p, b) || document::within(b, p))
    };
    let any_tier_broken = broken.iter().any(|b| b.ends_with(".tier") || b == "actors");
    for e in semantic_errors(&chain) {
        let skip = match e.kind {
            ErrorKind::NoSelf => any_tier_broken,
            _ => is_broken(&e.path),
        };
        if !skip {
            sink.errors.push(e);
        }
    }
    if sink.errors.is_empty() {
        Ok(chain)
    } else {
        sink.errors.sort_by_key(|e| path_order(&e.path));
        Err(ChainErrors(sink.errors))
    }
}

/// Orders paths the way they appear in a file: root keys, actors by index, flows by index.
fn path_order(path: &str) -> (usize, Vec<u64>) {
    // By prefix, not by key: an unknown root key such as `actors_old` sorts with the actors.
    let section = if path.starts_with("actors") {
        1
    } else if path.starts_with("flows") {
        2
    } else {
        0
    };
    document::path_order(path, section, FileKind::Chain)
}

fn actor_from_node(node: &Node, path: &str, sink: &mut Sink) -> Option<Actor> {
    let entries = mapping(node, path, sink)?;
    let mut actor = Actor::new("", Tier::Other, "");
    let mut seen = Vec::new();
    for (key, value, check) in document::check_keys(entries, ACTOR_KEYS, FileKind::Chain) {
        let kpath = document::key_path(path, key);
        if !check_key(check, key, &kpath, &mut seen, sink) {
            continue;
        }
        set_actor_key(&mut actor, key, value, &kpath, sink);
    }
    require(&seen, &["id", "tier", "name"], path, sink);
    Some(actor)
}

fn person_from_node(node: &Node, path: &str, sink: &mut Sink) -> Person {
    let mut person = Person::new("", Contact::None);
    if let Some(entries) = mapping(node, path, sink) {
        let mut seen = Vec::new();
        for (key, value, check) in document::check_keys(entries, PERSON_KEYS, FileKind::Chain) {
            let kpath = document::key_path(path, key);
            if !check_key(check, key, &kpath, &mut seen, sink) {
                continue;
            }
            set_person_key(&mut person, key, value, &kpath, sink);
        }
        require(&seen, &["name", "contact"], path, sink);
    }
    person
}

fn flow_from_node(node: &Node, path: &str, sink: &mut Sink) -> Flow {
    let mut flow = Flow {
        from: String::new(),
        to: String::new(),
        kind: FlowKind::Goods,
        label: None,
    };
    if let Some(entries) = mapping(node, path, sink) {
        let mut seen = Vec::new();
        for (key, value, check) in document::check_keys(entries, FLOW_KEYS, FileKind::Chain) {
            let kpath = document::key_path(path, key);
            if !check_key(check, key, &kpath, &mut seen, sink) {
                continue;
            }
            set_flow_key(&mut flow, key, value, &kpath, sink);
        }
        require(&seen, &["from", "to", "kind"], path, sink);
    }
    flow
}

/// Reports unknown and duplicate keys; `true` when the key should be applied. `seen` collects
/// the applied keys for the check of required ones.
fn check_key(
    check: KeyCheck,
    key: &str,
    path: &str,
    seen: &mut Vec<String>,
    sink: &mut Sink,
) -> bool {
    match check {
        KeyCheck::Known => {
            seen.push(key.to_string());
            true
        }
        KeyCheck::Unknown(problem) => {
            sink.push(path, problem);
            false
        }
        KeyCheck::Duplicate => {
            sink.push(path, ErrorKind::DuplicateKey);
            false
        }
        KeyCheck::Ignored => false,
    }
}

fn require(seen: &[String], required: &[&str], path: &str, sink: &mut Sink) {
    for key in required {
        if !seen.iter().any(|s| s == key) {
            sink.push(&document::key_path(path, key), ErrorKind::Missing);
        }
    }
}

fn mapping<'a>(node: &'a Node, path: &str, sink: &mut Sink) -> Option<&'a [(String, Node)]> {
    document::mapping(node)
        .map_err(|problem| sink.push(path, problem))
        .ok()
}

fn list<'a>(node: &'a Node, path: &str, sink: &mut Sink) -> &'a [Node] {
    document::list(node).unwrap_or_else(|problem| {
        sink.push(path, problem);
        &[]
    })
}

/// A required text: null is missing; a non-text is a wrong type.
fn text(node: &Node, path: &str, sink: &mut Sink) -> Option<String> {
    match node {
        Node::Null => {
            sink.push(path, ErrorKind::Missing);
            None
        }
        other => match document::text(other) {
            Ok(s) => Some(s.to_string()),
            Err(problem) => {
                sink.push(path, problem);
                None
            }
        },
    }
}

/// An optional text: null clears it.
fn opt_text(node: &Node, path: &str, sink: &mut Sink) -> Option<Option<String>> {
    match node {
        Node::Null => Some(None),
        n => text(n, path, sink).map(Some),
    }
}

fn one_of<T>(
    node: &Node,
    path: &str,
    sink: &mut Sink,
    from_id: fn(&str) -> Option<T>,
    allowed: String,
) -> Option<T> {
    let s = text(node, path, sink)?;
    match from_id(&s) {
        Some(v) => Some(v),
        None => {
            sink.push(path, ErrorKind::NotOneOf { value: s, allowed });
            None
        }
    }
}

fn opt_one_of<T>(
    node: &Node,
    path: &str,
    sink: &mut Sink,
    from_id: fn(&str) -> Option<T>,
    allowed: String,
) -> Option<Option<T>> {
    match node {
        Node::Null => Some(None),
        n => one_of(n, path, sink, from_id, allowed).map(Some),
    }
}

/// An optional whole number in `min..=max`.
fn opt_int(
    node: &Node,
    path: &str,
    sink: &mut Sink,
    min: u64,
    max: Option<u64>,
) -> Option<Option<u64>> {
    let value = match node {
        Node::Null => return Some(None),
        Node::Int(i) => *i,
        // 3.0 is a whole number written as a float; accept it, it round-trips as 3.
        Node::Float(f, _) if f.fract() == 0.0 && f.abs() < 1e15 => *f as i128,
        other => {
            sink.push(
                path,
                ErrorKind::WrongType {
                    expected: Expected::WholeNumber,
                    found: other.describe(),
                },
            );
            return None;
        }
    };
    let upper = i128::from(max.unwrap_or(u64::from(u32::MAX)));
    if value < i128::from(min) || value > upper {
        sink.push(
            path,
            ErrorKind::OutOfRange {
                value: value.to_string(),
                min,
                max: Some(max.unwrap_or(u64::from(u32::MAX)))
                    .filter(|_| max.is_some() || value > upper),
            },
        );
        return None;
    }
    u64::try_from(value).ok().map(Some)
}

fn texts(node: &Node, path: &str, sink: &mut Sink) -> Option<Vec<String>> {
    let before = sink.errors.len();
    let out: Vec<String> = list(node, path, sink)
        .iter()
        .enumerate()
        .filter_map(|(i, item)| text(item, &format!("{path}[{i}]"), sink))
        .collect();
    (sink.errors.len() == before).then_some(out)
}

fn date(node: &Node, path: &str, sink: &mut Sink) -> Option<Option<NaiveDate>> {
    let s = match node {
        Node::Null => return Some(None),
        Node::Str(s) => s,
        other => {
            sink.push(
                path,
                ErrorKind::BadDate {
                    value: other.describe(),
                },
            );
            return None;
        }
    };
    match document::iso_date(s) {
        Some(d) => Some(Some(d)),
        None => {
            sink.push(path, ErrorKind::BadDate { value: s.clone() });
            None
        }
    }
}

pub(crate) fn set_chain_key(
    chain: &mut Chain,
    key: &str,
    value: &Node,
    path: &str,
    sink: &mut Sink,
) {
    match key {
        "chain" => {
            if let Some(v) = text(value, path, sink) {
                chain.chain = v;
            }
        }
        "subject" => {
            if let Some(v) = one_of(value, path, sink, Subject::from_id, Subject::allowed()) {
                chain.subject = v;
            }
        }
        "description" => {
            if let Some(v) = opt_text(value, path, sink) {
                chain.description = v;
            }
        }
        _ => {}
    }
}

/// Applies one actor key; the caller has checked that `key` is an actor key.
pub(crate) fn set_actor_key(
    actor: &mut Actor,
    key: &str,
    value: &Node,
    path: &str,
    sink: &mut Sink,
) {
    match key {
        "id" => {
            if let Some(v) = text(value, path, sink) {
                actor.id = v;
            }
        }
        "tier" => {
            if let Some(v) = one_of(value, path, sink, Tier::from_id, Tier::allowed()) {
                actor.tier = v;
            }
        }
        "name" => {
            if let Some(v) = text(value, path, sink) {
                actor.name = v;
            }
        }
        "count" => {
            if let Some(v) = opt_int(value, path, sink, 1, None) {
                actor.count = v.and_then(|v| u32::try_from(v).ok());
            }
        }
        "size" => {
            if let Some(v) = opt_one_of(value, path, sink, Size::from_id, Size::allowed()) {
                actor.size = v;
            }
        }
        "importance" => {
            if let Some(v) = opt_int(value, path, sink, 1, Some(5)) {
                actor.importance = v.and_then(|v| u8::try_from(v).ok());
            }
        }
        "competitive_position" => {
            if let Some(v) = opt_one_of(
                value,
                path,
                sink,
                CompetitivePosition::from_id,
                CompetitivePosition::allowed(),
            ) {
                actor.competitive_position = v;
            }
        }
        "relationship" => {
            if let Some(v) = opt_one_of(
                value,
                path,
                sink,
                Relationship::from_id,
                Relationship::allowed(),
            ) {
                actor.relationship = v;
            }
        }
        "success_factors" => {
            if let Some(v) = texts(value, path, sink) {
                actor.success_factors = v;
            }
        }
        "notes" => {
            if let Some(v) = opt_text(value, path, sink) {
                actor.notes = v;
            }
        }
        "customer" => {
            if let Some(v) = opt_text(value, path, sink) {
                actor.customer = v;
            }
        }
        "segment" => {
            if let Some(v) = opt_text(value, path, sink) {
                actor.segment = v;
            }
        }
        "persons" => {
            actor.persons = list(value, path, sink)
                .iter()
                .enumerate()
                .map(|(j, item)| person_from_node(item, &format!("{path}[{j}]"), sink))
                .collect();
        }
        _ => {}
    }
}

/// Applies one person key; the caller has checked that `key` is a person key.
pub(crate) fn set_person_key(
    person: &mut Person,
    key: &str,
    value: &Node,
    path: &str,
    sink: &mut Sink,
) {
    match key {
        "name" => {
            if let Some(v) = text(value, path, sink) {
                person.name = v;
            }
        }
        "role" => {
            if let Some(v) = opt_text(value, path, sink) {
                person.role = v;
            }
        }
        "contact" => {
            if let Some(v) = one_of(value, path, sink, Contact::from_id, Contact::allowed()) {
                person.contact = v;
            }
        }
        "known_by" => {
            if let Some(v) = opt_text(value, path, sink) {
                person.known_by = v;
            }
        }
        "last_contact" => {
            if let Some(v) = date(value, path, sink) {
                person.last_contact = v;
            }
        }
        "notes" => {
            if let Some(v) = opt_text(value, path, sink) {
                person.notes = v;
            }
        }
        _ => {}
    }
}

/// Applies one flow key; the caller has checked that `key` is a flow key.
pub(crate) fn set_flow_key(flow: &mut Flow, key: &str, value: &Node, path: &str, sink: &mut Sink) {
    match key {
        "from" => {
            if let Some(v) = text(value, path, sink) {
                flow.from = v;
            }
        }
        "to" => {
            if let Some(v) = text(value, path, sink) {
                flow.to = v;
            }
        }
        "kind" => {
            if let Some(v) = one_of(value, path, sink, FlowKind::from_id, FlowKind::allowed()) {
                flow.kind = v;
            }
        }
        "label" => {
            if let Some(v) = opt_text(value, path, sink) {
                flow.label = v;
            }
        }
        _ => {}
    }
}

/// Turns a command-line value into a node for `key`: numbers for numeric keys, comma-separated
/// lists for list keys, the empty string as "unset". Anything else stays text, so the per-key
/// functions report exactly what a file with that value would get.
pub(crate) fn cli_node(key: &str, value: &str) -> Node {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Node::Null;
    }
    match key {
        "count" | "importance" => trimmed
            .parse::<i128>()
            .map(Node::Int)
            .unwrap_or_else(|_| Node::Str(value.to_string())),
        "success_factors" => Node::Seq(
            value
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Node::Str(s.to_string()))
                .collect(),
        ),
        _ => Node::Str(value.to_string()),
    }
}

/// An unknown key error for the editing commands, worded like the file's.
pub(crate) fn unknown_key(key: &str, allowed: &[&str], path: &str) -> ChainError {
    ChainError::new(path, document::unknown_key(key, allowed).into())
}
