//! The one reader for the crate's two file kinds, chain files and plan files: YAML or JSON text
//! becomes a [`Node`] tree that keeps key order and every repeated key, plus what both schemas
//! need to walk it: key checks with a "did you mean" hint, paths, their document order, and
//! wrong-type reports that name what was found.
//!
//! The schema logic (which keys exist, what a value must be, which problems the meaning adds)
//! stays in `parse.rs` and `plan/parse.rs`. Chain and plan files differ in a few details users
//! see (how odd numbers and keys are shown, how repeated keys are reported); [`FileKind`] holds
//! each of them in one place, so both file kinds keep their messages.
//!
//! Nodes carry no line or column: serde's visitor API, the only way into serde_norway and
//! serde_json, does not give positions. Syntax errors carry the parser's own line and column.

use std::fmt;
use std::path::Path;

use chrono::NaiveDate;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Unexpected, Visitor};

use crate::validate::Expected;

/// A chain or plan file format.
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

/// Which kind of file is read. The methods below are the only places where the two kinds are
/// read differently; each difference is visible in messages, so it is kept, not smoothed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FileKind {
    /// A chain file.
    Chain,
    /// A plan file.
    Plan,
}

impl FileKind {
    /// What a value may be, as serde words it when it meets a YAML tag or a number too wide.
    fn expecting(self) -> &'static str {
        match self {
            FileKind::Chain => "a plain value (YAML tags such as !name are not supported)",
            FileKind::Plan => "a YAML or JSON value",
        }
    }

    /// Whether a text that looks like JSON but is not is read again as YAML in flow style.
    fn retries_as_yaml(self) -> bool {
        self == FileKind::Chain
    }

    /// How a number with a fraction or an exponent is shown back: chains print Rust's form
    /// (`3`, `100000000000000000000`), plans serde_json's (`3.0`, `1e+20`).
    fn show_float(self, value: f64) -> String {
        match self {
            FileKind::Chain => value.to_string(),
            FileKind::Plan => serde_json::Number::from_f64(value)
                .map_or_else(|| value.to_string(), |n| n.to_string()),
        }
    }

    /// The text of a mapping key that is not a text: chains show it like a value (`[…]`),
    /// plans as compact JSON (`["a","b"]`).
    fn key_text(self, key: &Node) -> String {
        match (key, self) {
            (Node::Str(s), _) => s.clone(),
            (other, FileKind::Chain) => other.describe(),
            (other, FileKind::Plan) => match other.to_json() {
                serde_json::Value::String(s) => s,
                json => json.to_string(),
            },
        }
    }

    /// What one entry of a mapping is, given the keys allowed there and how often its key came
    /// before. A chain reports an unknown key every time and every repeat of a known key; a plan
    /// reports the first repeat of any key and then stays silent about it.
    fn check_key(self, key: &str, allowed: &[&str], earlier: usize) -> KeyCheck {
        let known = allowed.contains(&key);
        match self {
            FileKind::Chain if !known => KeyCheck::Unknown(unknown_key(key, allowed)),
            FileKind::Chain if earlier > 0 => KeyCheck::Duplicate,
            FileKind::Chain => KeyCheck::Known,
            FileKind::Plan if earlier == 1 => KeyCheck::Duplicate,
            FileKind::Plan if earlier > 1 => KeyCheck::Ignored,
            FileKind::Plan if !known => KeyCheck::Unknown(unknown_key(key, allowed)),
            FileKind::Plan => KeyCheck::Known,
        }
    }
}

/// A document tree that keeps key order and repeated keys (serde's map types drop them).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Null,
    Bool(bool),
    Int(i128),
    /// A number with a fraction or exponent, and how messages show it.
    Float(f64, String),
    Str(String),
    Seq(Vec<Node>),
    /// Entries in file order; a key may appear more than once.
    Map(Vec<(String, Node)>),
}

impl Node {
    /// A short rendering of the value for "found …" in a message.
    pub(crate) fn describe(&self) -> String {
        match self {
            Node::Null => "null".into(),
            Node::Bool(b) => b.to_string(),
            Node::Int(i) => i.to_string(),
            Node::Float(_, shown) => shown.clone(),
            Node::Str(s) => format!("'{}'", shorten(s)),
            Node::Seq(_) => "[…]".into(),
            Node::Map(_) => "{…}".into(),
        }
    }

    /// That this value is not the `expected` kind.
    pub(crate) fn wrong_type(&self, expected: Expected) -> Problem {
        Problem::WrongType {
            expected,
            found: self.describe(),
        }
    }

    /// The value as JSON, for a plan's key that is not a text; a key repeated inside keeps its
    /// first value, as everywhere else.
    fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as Json;
        match self {
            Node::Null => Json::Null,
            Node::Bool(b) => Json::Bool(*b),
            Node::Int(i) => serde_json::Number::from_i128(*i).map_or(Json::Null, Json::Number),
            Node::Float(f, shown) => serde_json::Number::from_f64(*f)
                .map_or_else(|| Json::String(shown.clone()), Json::Number),
            Node::Str(s) => Json::String(s.clone()),
            Node::Seq(items) => Json::Array(items.iter().map(Node::to_json).collect()),
            Node::Map(entries) => {
                let mut map = serde_json::Map::new();
                for (key, value) in entries {
                    map.entry(key.clone()).or_insert_with(|| value.to_json());
                }
                Json::Object(map)
            }
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

/// Reads YAML or JSON text (a leading byte order mark is ignored); `format` `None` guesses it
/// from the content.
///
/// # Errors
/// The parser's message, with line and column.
pub(crate) fn read(text: &str, format: Option<Format>, kind: FileKind) -> Result<Node, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let read = |format| match format {
        Format::Json => {
            let mut de = serde_json::Deserializer::from_str(text);
            let node = Seed(kind)
                .deserialize(&mut de)
                .and_then(|node| de.end().map(|()| node));
            node.map_err(|e| e.to_string())
        }
        Format::Yaml => Seed(kind)
            .deserialize(serde_norway::Deserializer::from_str(text))
            .map_err(|e| e.to_string()),
    };
    match format {
        Some(format) => read(format),
        // A guessed JSON chain may be YAML in flow style (`{chain: A, ...}`); if it is neither,
        // the JSON parser's message is the more helpful one.
        None => match Format::sniff(text) {
            Format::Json if kind.retries_as_yaml() => {
                read(Format::Json).or_else(|json| read(Format::Yaml).map_err(|_| json))
            }
            format => read(format),
        },
    }
}

/// Builds [`Node`]s; it carries the file kind because keys and numbers are rendered per kind.
#[derive(Clone, Copy)]
struct Seed(FileKind);

impl<'de> DeserializeSeed<'de> for Seed {
    type Value = Node;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Node, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.expecting())
    }
    fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        self.deserialize(d)
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
        match self.0 {
            FileKind::Chain => Ok(Node::Int(v)),
            // Plans never took integers beyond 64 bits; this is serde's own refusal.
            FileKind::Plan => Err(E::invalid_type(
                Unexpected::Other(&format!("integer `{v}` as i128")),
                &self,
            )),
        }
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Node, E> {
        Ok(Node::Float(v, self.0.show_float(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Str(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Node, E> {
        Ok(Node::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self)? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some((key, value)) = map.next_entry_seed(self, self)? {
            entries.push((self.0.key_text(&key), value));
        }
        Ok(Node::Map(entries))
    }
}

/// A problem found while walking the tree, before a schema turns it into its own error kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Problem {
    /// A key the schema does not know.
    UnknownKey {
        /// The allowed keys, comma-separated.
        allowed: String,
        /// The allowed key nearest to the typo, if one is near.
        suggestion: Option<String>,
    },
    /// Another kind of value than the one expected.
    WrongType {
        /// What was expected.
        expected: Expected,
        /// What was found, as [`Node::describe`] shows it.
        found: String,
    },
}

/// The unknown-key problem, with the product's one rule for the hint (`kundenwert_core::closest`).
pub(crate) fn unknown_key(key: &str, allowed: &[&str]) -> Problem {
    Problem::UnknownKey {
        allowed: allowed.join(", "),
        suggestion: kundenwert_core::closest(key, allowed).map(str::to_owned),
    }
}

/// What to do with one mapping entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum KeyCheck {
    /// An allowed key, seen for the first time: read its value.
    Known,
    /// Not an allowed key: report it.
    Unknown(Problem),
    /// A repeated key: report it, do not read the value.
    Duplicate,
    /// A repeat that is not reported again.
    Ignored,
}

/// The entries of a mapping in file order, each with what the file kind makes of it.
pub(crate) fn check_keys<'a>(
    entries: &'a [(String, Node)],
    allowed: &'a [&'a str],
    kind: FileKind,
) -> impl Iterator<Item = (&'a str, &'a Node, KeyCheck)> + 'a {
    entries.iter().enumerate().map(move |(i, (key, value))| {
        let earlier = entries[..i].iter().filter(|(k, _)| k == key).count();
        (key.as_str(), value, kind.check_key(key, allowed, earlier))
    })
}

/// The value of `key`'s first appearance in a mapping's entries.
pub(crate) fn get<'a>(entries: &'a [(String, Node)], key: &str) -> Option<&'a Node> {
    entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// A mapping's entries, or what else was found.
pub(crate) fn mapping(node: &Node) -> Result<&[(String, Node)], Problem> {
    match node {
        Node::Map(entries) => Ok(entries),
        other => Err(other.wrong_type(Expected::Mapping)),
    }
}

/// A list's items; null is an empty list.
pub(crate) fn list(node: &Node) -> Result<&[Node], Problem> {
    match node {
        Node::Seq(items) => Ok(items),
        Node::Null => Ok(&[]),
        other => Err(other.wrong_type(Expected::List)),
    }
}

/// A text, or what else was found (null included; whether null means "missing" is the
/// schema's business).
pub(crate) fn text(node: &Node) -> Result<&str, Problem> {
    match node {
        Node::Str(s) => Ok(s),
        other => Err(other.wrong_type(Expected::Text)),
    }
}

/// A strictly ISO date `YYYY-MM-DD`.
pub(crate) fn iso_date(s: &str) -> Option<NaiveDate> {
    // chrono's %Y and %m alone would also accept forms such as "+2025-1-3", so check the shape.
    let shape_ok = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .filter(|_| shape_ok)
}

/// The path of `key` inside the mapping at `path` (`actors[0].tier`; the root's keys stand alone).
pub(crate) fn key_path(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// Whether `inner` is `outer` or lies inside it (`actors[0].tier` inside `actors[0]`).
pub(crate) fn within(inner: &str, outer: &str) -> bool {
    inner
        .strip_prefix(outer)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
}

/// Where a problem at `path` sorts so that a report reads like the file: first the `section`
/// the schema gives the path, then its list indices.
///
/// The two file kinds read the indices differently, and both are kept: a chain takes every
/// number between brackets (and a root key that is a number, so such keys sort after the other
/// root keys); a plan takes only the first index, and a path without one counts as index 0.
pub(crate) fn path_order(path: &str, section: usize, kind: FileKind) -> (usize, Vec<u64>) {
    let indices = match kind {
        FileKind::Chain => path
            .split(['[', ']'])
            .filter_map(|part| part.parse::<u64>().ok())
            .collect(),
        FileKind::Plan => vec![path
            .split_once('[')
            .and_then(|(_, rest)| rest.split_once(']'))
            .and_then(|(n, _)| n.parse().ok())
            .unwrap_or(0)],
    };
    (section, indices)
}
