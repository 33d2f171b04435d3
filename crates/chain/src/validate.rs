//! Problems of a chain, one per path, in German or English; and the semantic checks that hold for
//! every chain whether it came from a file or from an edit.

use std::collections::{HashMap, HashSet};
use std::fmt;

use kundenwert_core::Lang;
use kundenwert_text as text;

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
    pub(crate) fn label(self, lang: Lang) -> &'static str {
        match self {
            Expected::Text => text::chain_expected_text(lang),
            Expected::WholeNumber => text::file_expected_whole_number(lang),
            Expected::List => text::file_expected_list(lang),
            Expected::Mapping => text::file_expected_mapping(lang),
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
                _ => text::file_whole_document(lang, what),
            }
        } else {
            format!("{}: {what}", self.path)
        }
    }

    /// The message in German or English, without the path (for callers that show the path
    /// apart, as the web API's problem list does).
    pub fn message(&self, lang: Lang) -> String {
        self.describe(lang)
    }

    fn describe(&self, lang: Lang) -> String {
        match &self.kind {
            ErrorKind::Syntax { message } => text::file_syntax_error(lang, message),
            ErrorKind::Missing => text::file_missing_required(lang).into(),
            ErrorKind::UnknownKey {
                allowed,
                suggestion,
            } => match suggestion {
                Some(s) => text::file_unknown_key_did_you_mean(lang, allowed, s),
                None => text::file_unknown_key(lang, allowed),
            },
            ErrorKind::DuplicateKey => text::file_duplicate_key(lang).into(),
            ErrorKind::NotOneOf { value, allowed } => text::file_not_one_of(lang, allowed, value),
            ErrorKind::WrongType { expected, found } => {
                text::file_wrong_type(lang, expected.label(lang), found)
            }
            ErrorKind::OutOfRange { value, min, max } => match max {
                Some(max) => text::file_not_between(lang, max, min, value),
                None => text::file_less_than(lang, min, value),
            },
            ErrorKind::BadDate { value } => text::file_bad_date(lang, value),
            ErrorKind::Empty => text::file_must_not_be_empty(lang).into(),
            ErrorKind::DuplicateActorId { id, first } => {
                text::chain_duplicate_actor_id(lang, first, id)
            }
            ErrorKind::DuplicatePerson { name } => text::chain_duplicate_person(lang, name),
            ErrorKind::DuplicateFlow => text::chain_duplicate_flow(lang).into(),
            ErrorKind::SelfLoop => text::chain_self_loop(lang).into(),
            ErrorKind::EmptyFile => text::chain_empty_file(lang).into(),
            ErrorKind::UnknownActor { id } => text::chain_unknown_actor(lang, id),
            ErrorKind::NoSelf => text::chain_missing_self(lang).into(),
            ErrorKind::SecondSelf { first } => text::chain_second_self(lang, first),
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
