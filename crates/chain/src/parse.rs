//! Reading a chain file (YAML or JSON) into a [`Chain`], collecting every problem.
//!
//! The text is first read into a generic tree ([`Node`]) that keeps key order and duplicate keys,
//! then validated key by key while the typed model is built. The same per-key functions serve the
//! editing commands, so a value set on the command line gets the same messages as one in a file.

use std::fmt;
use std::path::Path;

use chrono::NaiveDate;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::model::{
    Actor, Chain, CompetitivePosition, Contact, Flow, FlowKind, Person, Relationship, Size,
    Subject, Tier,
};
use crate::validate::{semantic_errors, ChainError, ChainErrors, ErrorKind, Expected};

/// A chain file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// YAML (`.yaml`, `.yml`).
    Yaml,
    /// JSON (`.json`).
    Json,
}

impl Format {
    /// The format for a file name's extension, if it names one.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "yaml" | "yml" => Some(Format::Yaml),
            "json" => Some(Format::Json),
            _ => None,
        }
    }

    /// Guesses the format from the text: JSON documents start with `{`, everything else is read as
    /// YAML (JSON is nearly a subset of YAML, but the JSON parser gives better messages).
    pub fn sniff(text: &str) -> Format {
        if text
            .trim_start_matches('\u{feff}')
            .trim_start()
            .starts_with('{')
        {
            Format::Json
        } else {
            Format::Yaml
        }
    }
}

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

/// A generic document tree that keeps key order and duplicate keys (serde's map types drop them).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Node {
    fn describe(&self) -> String {
        match self {
            Node::Null => "null".into(),
            Node::Bool(b) => b.to_string(),
            Node::Int(i) => i.to_string(),
            Node::Float(f) => f.to_string(),
            Node::Str(s) => format!("'{}'", shorten(s)),
            Node::Seq(_) => "[…]".into(),
            Node::Map(_) => "{…}".into(),
        }
    }

    /// A scalar as a mapping key.
    fn key_text(&self) -> String {
        match self {
            Node::Str(s) => s.clone(),
            other => other.describe(),
        }
    }
}

fn shorten(s: &str) -> String {
    const MAX: usize = 40;
    if s.chars().count() > MAX {
        let head: String = s.chars().take(MAX).collect();
        format!("{head}…")
    } else {
        s.to_string()
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Node, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a plain value (YAML tags such as !name are not supported)")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        Node::deserialize(d)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Int(v.into()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Node, E> {
        Ok(Node::Int(v.into()))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Node, E> {
        Ok(Node::Int(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Node, E> {
        Ok(Node::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Str(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Node, E> {
        Ok(Node::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some((k, v)) = map.next_entry()? {
            entries.push((k, v));
        }
        Ok(Node::Map(entries))
    }
}

/// Reads a chain from YAML or JSON text; `format` `None` guesses it from the content.
///
/// Returns every problem found (syntax, unknown keys, wrong values, semantic checks), not just the
/// first.
pub fn parse(text: &str, format: Option<Format>) -> Result<Chain, ChainErrors> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let read = |format| match format {
        Format::Json => serde_json::from_str::<Node>(text).map_err(|e| e.to_string()),
        Format::Yaml => serde_norway::from_str::<Node>(text).map_err(|e| e.to_string()),
    };
    let node = match format {
        Some(format) => read(format),
        // A guessed JSON document may be YAML in flow style (`{chain: A, ...}`); if it is neither,
        // the JSON parser's message is the more helpful one.
        None => match Format::sniff(text) {
            Format::Json => read(Format::Json).or_else(|json| read(Format::Yaml).map_err(|_| json)),
            Format::Yaml => read(Format::Yaml),
        },
    };
    let node = node
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
    fn push(&mut self, path: &str, kind: ErrorKind) {
        self.errors.push(ChainError::new(path, kind));
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
    for (key, value) in entries {
        let key = key.key_text();
        let path = key.clone();
        if !check_key(&key, CHAIN_KEYS, &path, &mut seen, &mut sink) {
            continue;
        }
        match key.as_str() {
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
            _ => set_chain_key(&mut chain, &key, value, &path, &mut sink),
        }
    }
    require(&seen, &["chain", "subject"], "", &mut sink);
    finish(chain, sink)
}

/// Adds the semantic problems not already covered by a structural one at the same place.
fn finish(chain: Chain, mut sink: Sink) -> Result<Chain, ChainErrors> {
    let broken: Vec<String> = sink.errors.iter().map(|e| e.path.clone()).collect();
    // A path is covered when it, a parent or a child of it already has a problem.
    let within = |inner: &str, outer: &str| {
        inner == outer
            || (inner.starts_with(outer)
                && matches!(inner.as_bytes().get(outer.len()), Some(b'.') | Some(b'[')))
    };
    let is_broken = |p: &str| broken.iter().any(|b| within(p, b) || within(b, p));
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
fn path_order(path: &str) -> (u8, Vec<u64>) {
    let section = if path.starts_with("actors") {
        1
    } else if path.starts_with("flows") {
        2
    } else {
        0
    };
    let indices = path
        .split(['[', ']'])
        .filter_map(|part| part.parse::<u64>().ok())
        .collect();
    (section, indices)
}

fn actor_from_node(node: &Node, path: &str, sink: &mut Sink) -> Option<Actor> {
    let entries = mapping(node, path, sink)?;
    let mut actor = Actor::new("", Tier::Other, "");
    let mut seen = Vec::new();
    for (key, value) in entries {
        let key = key.key_text();
        let kpath = format!("{path}.{key}");
        if !check_key(&key, ACTOR_KEYS, &kpath, &mut seen, sink) {
            continue;
        }
        set_actor_key(&mut actor, &key, value, &kpath, sink);
    }
    require(&seen, &["id", "tier", "name"], path, sink);
    Some(actor)
}

fn person_from_node(node: &Node, path: &str, sink: &mut Sink) -> Person {
    let mut person = Person::new("", Contact::None);
    if let Some(entries) = mapping(node, path, sink) {
        let mut seen = Vec::new();
        for (key, value) in entries {
            let key = key.key_text();
            let kpath = format!("{path}.{key}");
            if !check_key(&key, PERSON_KEYS, &kpath, &mut seen, sink) {
                continue;
            }
            set_person_key(&mut person, &key, value, &kpath, sink);
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
        for (key, value) in entries {
            let key = key.key_text();
            let kpath = format!("{path}.{key}");
            if !check_key(&key, FLOW_KEYS, &kpath, &mut seen, sink) {
                continue;
            }
            set_flow_key(&mut flow, &key, value, &kpath, sink);
        }
        require(&seen, &["from", "to", "kind"], path, sink);
    }
    flow
}

/// Reports unknown and duplicate keys; `true` when the key should be applied.
fn check_key(
    key: &str,
    allowed: &[&str],
    path: &str,
    seen: &mut Vec<String>,
    sink: &mut Sink,
) -> bool {
    if !allowed.contains(&key) {
        sink.push(
            path,
            ErrorKind::UnknownKey {
                allowed: allowed.join(", "),
                suggestion: closest(key, allowed),
            },
        );
        return false;
    }
    if seen.iter().any(|s| s == key) {
        sink.push(path, ErrorKind::DuplicateKey);
        return false;
    }
    seen.push(key.to_string());
    true
}

fn require(seen: &[String], required: &[&str], path: &str, sink: &mut Sink) {
    for key in required {
        if !seen.iter().any(|s| s == key) {
            let p = if path.is_empty() {
                (*key).to_string()
            } else {
                format!("{path}.{key}")
            };
            sink.push(&p, ErrorKind::Missing);
        }
    }
}

/// The allowed key nearest to a typo (the product's one rule, `kundenwert_core::closest`).
fn closest(key: &str, allowed: &[&str]) -> Option<String> {
    kundenwert_core::closest(key, allowed).map(str::to_owned)
}

fn mapping<'a>(node: &'a Node, path: &str, sink: &mut Sink) -> Option<&'a [(Node, Node)]> {
    match node {
        Node::Map(entries) => Some(entries),
        other => {
            sink.push(
                path,
                ErrorKind::WrongType {
                    expected: Expected::Mapping,
                    found: other.describe(),
                },
            );
            None
        }
    }
}

fn list<'a>(node: &'a Node, path: &str, sink: &mut Sink) -> &'a [Node] {
    match node {
        Node::Seq(items) => items,
        Node::Null => &[],
        other => {
            sink.push(
                path,
                ErrorKind::WrongType {
                    expected: Expected::List,
                    found: other.describe(),
                },
            );
            &[]
        }
    }
}

/// A required text: null is missing; a non-text is a wrong type.
fn text(node: &Node, path: &str, sink: &mut Sink) -> Option<String> {
    match node {
        Node::Str(s) => Some(s.clone()),
        Node::Null => {
            sink.push(path, ErrorKind::Missing);
            None
        }
        other => {
            sink.push(
                path,
                ErrorKind::WrongType {
                    expected: Expected::Text,
                    found: other.describe(),
                },
            );
            None
        }
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
        Node::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => *f as i128,
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
    // Strictly ISO: chrono's %Y would also accept "+2025-1-3"-like forms, so check the shape too.
    let shape_ok = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        Ok(d) if shape_ok => Some(Some(d)),
        _ => {
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
    ChainError::new(
        path,
        ErrorKind::UnknownKey {
            allowed: allowed.join(", "),
            suggestion: closest(key, allowed),
        },
    )
}
