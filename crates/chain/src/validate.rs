//! Problems of a chain, one per path, in German or English; and the semantic checks that hold for
//! every chain whether it came from a file or from an edit.

use std::collections::{HashMap, HashSet};
use std::fmt;

use kundenwert_core::Lang;

use crate::model::{Chain, Tier};

/// What is wrong at one path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    /// The text is not valid YAML/JSON; `message` comes from the parser (English only).
    Syntax {
        /// The parser's message, with line and column.
        message: String,
    },
    /// A required key is missing or empty.
    Missing,
    /// A key the format does not know (typos must not silently vanish).
    UnknownKey {
        /// The allowed keys at this place.
        allowed: String,
        /// The allowed key closest to the typo, if any is close.
        suggestion: Option<String>,
    },
    /// The same key twice in one mapping.
    DuplicateKey,
    /// A value outside a closed set.
    NotOneOf {
        /// The value found.
        value: String,
        /// The allowed values, comma-separated.
        allowed: String,
    },
    /// Wrong kind of value.
    WrongType {
        /// What was expected.
        expected: Expected,
        /// A short rendering of what was found.
        found: String,
    },
    /// A whole number outside its range.
    OutOfRange {
        /// The value found.
        value: String,
        /// Smallest allowed value.
        min: u64,
        /// Largest allowed value, `None` when only bounded below.
        max: Option<u64>,
    },
    /// Not an ISO date `YYYY-MM-DD`.
    BadDate {
        /// The value found.
        value: String,
    },
    /// A text that must not be empty is empty.
    Empty,
    /// An actor id used twice.
    DuplicateActorId {
        /// The id.
        id: String,
        /// Path of its first use.
        first: String,
    },
    /// Two persons of one actor with the same name (persons are addressed by name).
    DuplicatePerson {
        /// The name.
        name: String,
    },
    /// The same flow (from, to, kind) twice (flows are addressed by these three).
    DuplicateFlow,
    /// A flow from an actor to itself.
    SelfLoop,
    /// The file holds no document at all.
    EmptyFile,
    /// A flow refers to an actor id that does not exist.
    UnknownActor {
        /// The id.
        id: String,
    },
    /// No actor has tier `self`.
    NoSelf,
    /// A second actor with tier `self`.
    SecondSelf {
        /// Path of the first `self` actor.
        first: String,
    },
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
    /// A mapping of keys to values.
    Mapping,
}

impl Expected {
    fn label(self, lang: Lang) -> &'static str {
        match self {
            Expected::Text => lang.pick("einen Text", "a text"),
            Expected::WholeNumber => lang.pick("eine ganze Zahl", "a whole number"),
            Expected::List => lang.pick("eine Liste", "a list"),
            Expected::Mapping => {
                lang.pick("eine Zuordnung (Schlüssel: Wert)", "a mapping (key: value)")
            }
        }
    }
}

/// One problem of a chain file or edit, with the path of the value (`actors[2].tier`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.localized(Lang::En))]
pub struct ChainError {
    /// Where: `chain`, `actors[1].tier`, `flows[0].to`; empty for the whole document.
    pub path: String,
    /// What.
    pub kind: ErrorKind,
}

impl ChainError {
    /// A problem at `path`.
    pub fn new(path: impl Into<String>, kind: ErrorKind) -> ChainError {
        ChainError {
            path: path.into(),
            kind,
        }
    }

    /// The message in German or English, prefixed with the path.
    pub fn localized(&self, lang: Lang) -> String {
        let what = self.describe(lang);
        if self.path.is_empty() {
            match self.kind {
                // The parser's message already says where.
                ErrorKind::Syntax { .. } => what,
                _ => format!("{}: {what}", lang.pick("Datei", "file")),
            }
        } else {
            format!("{}: {what}", self.path)
        }
    }

    fn describe(&self, lang: Lang) -> String {
        match &self.kind {
            ErrorKind::Syntax { message } => match lang {
                Lang::De => format!("Datei nicht lesbar (Syntaxfehler): {message}"),
                Lang::En => format!("file not readable (syntax error): {message}"),
            },
            ErrorKind::Missing => lang
                .pick("fehlt (Pflichtangabe)", "missing (required)")
                .into(),
            ErrorKind::UnknownKey {
                allowed,
                suggestion,
            } => {
                let hint = match (suggestion, lang) {
                    (Some(s), Lang::De) => format!(" (gemeint: '{s}'?)"),
                    (Some(s), Lang::En) => format!(" (did you mean '{s}'?)"),
                    (None, _) => String::new(),
                };
                match lang {
                    Lang::De => format!("unbekannter Schlüssel{hint}; erlaubt: {allowed}"),
                    Lang::En => format!("unknown key{hint}; allowed: {allowed}"),
                }
            }
            ErrorKind::DuplicateKey => lang
                .pick("Schlüssel kommt doppelt vor", "key appears twice")
                .into(),
            ErrorKind::NotOneOf { value, allowed } => match lang {
                Lang::De => format!("'{value}' ist keiner der Werte {allowed}"),
                Lang::En => format!("'{value}' is not one of {allowed}"),
            },
            ErrorKind::WrongType { expected, found } => match lang {
                Lang::De => format!("erwartet {}, gefunden {found}", expected.label(lang)),
                Lang::En => format!("expected {}, found {found}", expected.label(lang)),
            },
            ErrorKind::OutOfRange { value, min, max } => match (max, lang) {
                (Some(max), Lang::De) => format!("{value} liegt nicht zwischen {min} und {max}"),
                (Some(max), Lang::En) => format!("{value} is not between {min} and {max}"),
                (None, Lang::De) => format!("{value} ist kleiner als {min}"),
                (None, Lang::En) => format!("{value} is less than {min}"),
            },
            ErrorKind::BadDate { value } => match lang {
                Lang::De => format!("'{value}' ist kein Datum der Form JJJJ-MM-TT"),
                Lang::En => format!("'{value}' is not a date of the form YYYY-MM-DD"),
            },
            ErrorKind::Empty => lang
                .pick("darf nicht leer sein", "must not be empty")
                .into(),
            ErrorKind::DuplicateActorId { id, first } => match lang {
                Lang::De => format!("Akteur-ID '{id}' ist schon vergeben ({first})"),
                Lang::En => format!("actor id '{id}' is already used ({first})"),
            },
            ErrorKind::DuplicatePerson { name } => match lang {
                Lang::De => format!("Person '{name}' kommt bei diesem Akteur doppelt vor"),
                Lang::En => format!("person '{name}' appears twice at this actor"),
            },
            ErrorKind::DuplicateFlow => lang
                .pick(
                    "gleicher Fluss (from, to, kind) kommt doppelt vor",
                    "the same flow (from, to, kind) appears twice",
                )
                .into(),
            ErrorKind::SelfLoop => lang
                .pick(
                    "Fluss von einem Akteur zu sich selbst",
                    "flow from an actor to itself",
                )
                .into(),
            ErrorKind::EmptyFile => lang.pick("ist leer", "is empty").into(),
            ErrorKind::UnknownActor { id } => match lang {
                Lang::De => format!("unbekannter Akteur '{id}'"),
                Lang::En => format!("unknown actor '{id}'"),
            },
            ErrorKind::NoSelf => lang
                .pick(
                    "kein Akteur mit tier 'self' (genau einer ist nötig: das eigene Unternehmen)",
                    "no actor with tier 'self' (exactly one is required: our own company)",
                )
                .into(),
            ErrorKind::SecondSelf { first } => match lang {
                Lang::De => format!(
                    "zweiter Akteur mit tier 'self' (erster: {first}); genau einer ist erlaubt"
                ),
                Lang::En => format!(
                    "a second actor with tier 'self' (first: {first}); exactly one is allowed"
                ),
            },
        }
    }
}

/// All problems found, in document order; never empty when returned as an error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ChainErrors(pub Vec<ChainError>);

impl ChainErrors {
    /// One message per line, in German or English.
    pub fn localized(&self, lang: Lang) -> String {
        self.0
            .iter()
            .map(|e| e.localized(lang))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The problems.
    pub fn errors(&self) -> &[ChainError] {
        &self.0
    }
}

impl fmt::Display for ChainErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.localized(Lang::En))
    }
}

/// Checks that hold for every chain: exactly one `self` actor, unique non-empty actor ids, unique
/// person names per actor, flows between two different existing actors and no flow twice,
/// importance 1..=5,
/// count ≥ 1, non-empty names.
pub fn validate(chain: &Chain) -> Result<(), ChainErrors> {
    let errors = semantic_errors(chain);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ChainErrors(errors))
    }
}

/// The semantic problems of a chain, in document order.
pub(crate) fn semantic_errors(chain: &Chain) -> Vec<ChainError> {
    let mut errors = Vec::new();
    if chain.chain.trim().is_empty() {
        errors.push(ChainError::new("chain", ErrorKind::Empty));
    }
    let mut ids: HashMap<&str, usize> = HashMap::new();
    let mut first_self: Option<usize> = None;
    for (i, actor) in chain.actors.iter().enumerate() {
        let path = format!("actors[{i}]");
        if actor.id.trim().is_empty() {
            errors.push(ChainError::new(format!("{path}.id"), ErrorKind::Empty));
        } else if let Some(first) = ids.get(actor.id.as_str()) {
            errors.push(ChainError::new(
                format!("{path}.id"),
                ErrorKind::DuplicateActorId {
                    id: actor.id.clone(),
                    first: format!("actors[{first}]"),
                },
            ));
        } else {
            ids.insert(&actor.id, i);
        }
        if actor.tier == Tier::SelfTier {
            match first_self {
                Some(first) => errors.push(ChainError::new(
                    format!("{path}.tier"),
                    ErrorKind::SecondSelf {
                        first: format!("actors[{first}]"),
                    },
                )),
                None => first_self = Some(i),
            }
        }
        if actor.name.trim().is_empty() {
            errors.push(ChainError::new(format!("{path}.name"), ErrorKind::Empty));
        }
        if actor.count == Some(0) {
            errors.push(ChainError::new(
                format!("{path}.count"),
                ErrorKind::OutOfRange {
                    value: "0".into(),
                    min: 1,
                    max: None,
                },
            ));
        }
        if let Some(imp) = actor.importance {
            if !(1..=5).contains(&imp) {
                errors.push(ChainError::new(
                    format!("{path}.importance"),
                    ErrorKind::OutOfRange {
                        value: imp.to_string(),
                        min: 1,
                        max: Some(5),
                    },
                ));
            }
        }
        let mut names: HashSet<&str> = HashSet::new();
        for (j, person) in actor.persons.iter().enumerate() {
            let ppath = format!("{path}.persons[{j}].name");
            if person.name.trim().is_empty() {
                errors.push(ChainError::new(ppath, ErrorKind::Empty));
            } else if !names.insert(&person.name) {
                errors.push(ChainError::new(
                    ppath,
                    ErrorKind::DuplicatePerson {
                        name: person.name.clone(),
                    },
                ));
            }
        }
    }
    if first_self.is_none() {
        errors.push(ChainError::new("actors", ErrorKind::NoSelf));
    }
    let mut flows = HashSet::new();
    for (i, flow) in chain.flows.iter().enumerate() {
        for (key, id) in [("from", &flow.from), ("to", &flow.to)] {
            if !ids.contains_key(id.as_str()) {
                let kind = if id.trim().is_empty() {
                    ErrorKind::Empty
                } else {
                    ErrorKind::UnknownActor { id: id.clone() }
                };
                errors.push(ChainError::new(format!("flows[{i}].{key}"), kind));
            }
        }
        if flow.from == flow.to && !flow.from.is_empty() {
            errors.push(ChainError::new(
                format!("flows[{i}].to"),
                ErrorKind::SelfLoop,
            ));
        }
        if !flows.insert((&flow.from, &flow.to, flow.kind)) {
            errors.push(ChainError::new(
                format!("flows[{i}]"),
                ErrorKind::DuplicateFlow,
            ));
        }
    }
    errors
}
