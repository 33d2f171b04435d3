//! What is wrong in a plan file: one error per problem, with its path.

use std::fmt;

use kundenwert_core::Lang;
use kundenwert_text as text;

use crate::selection;

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

/// Kind of value a key expects: the same for plans as for chains, so both say it alike.
pub use crate::validate::Expected;

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
    pub(super) fn new(path: impl Into<String>, kind: PlanErrorKind) -> PlanError {
        PlanError {
            path: path.into(),
            kind,
        }
    }

    /// `activities[0].status: 'offen' is not one of open, in_progress, done, dropped`.
    pub fn localized(&self, lang: Lang) -> String {
        let what = self.message(lang);
        if self.path.is_empty() {
            what
        } else {
            format!("{}: {what}", self.path)
        }
    }

    /// The message in German or English, without the path (for callers that show the path
    /// apart, as the web API's problem list does).
    pub fn message(&self, lang: Lang) -> String {
        use PlanErrorKind as K;
        match &self.kind {
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
