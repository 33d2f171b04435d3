//! Every user-facing text of Kundenwert, in German and English, from one catalog.
//!
//! The texts live in Fluent files, `locales/de/*.ftl` and `locales/en/*.ftl` (the same files in
//! both languages, split by area). `build.rs` parses them with `fluent-syntax`, checks them and
//! writes one function per message, named after the message id in snake_case:
//!
//! - a message without variables: `fn chain_no_actors(lang: Lang) -> &'static str`;
//! - a message with variables: `fn import_rows_rejected(lang: Lang, count: impl Display,
//!   file: impl Display) -> String`, the arguments in **alphabetical order** of the variable names
//!   (stable when a translation reorders its words).
//!
//! Supported Fluent: plain text, multiline values, `{ $var }`, string literals (`{ "{" }`,
//! `{ " " }` for a leading or trailing space, which Fluent otherwise trims) and selectors on a
//! variable (`{ $n -> [one] … *[other] … }`). A selector picks the variant whose key equals the
//! argument as displayed, else `[one]` when it displays as `1` (the German and English plural
//! rule for whole numbers), else the default. The build fails, naming file, message and language,
//! when a file does not parse, a message exists in one language only, the languages use
//! different variables for a message, or a message uses anything else (functions, terms,
//! message references, attributes).
//!
//! The generated code writes the text directly: no Fluent runtime, no Unicode isolation marks.
//! Numbers and dates are not the catalog's job: callers format them and pass the string.
//!
//! Every crate with user-facing text uses it: ingest, analysis, clv, chain, store, workbench
//! and the CLI. Beside the generated functions, [`CustomerTypeLabel`] gives
//! `kundenwert_core::CustomerType` its names, since core cannot depend on the catalog.
#![deny(missing_docs)]

pub use kundenwert_core::Lang;

mod customer_type;
pub use customer_type::CustomerTypeLabel;

include!(concat!(env!("OUT_DIR"), "/catalog.rs"));

/// The variant a selector takes for `value`, given the variant keys and the default's index:
/// the key equal to the value, else `one` when the value is `1`, else the default.
#[doc(hidden)]
pub fn variant(value: &str, keys: &[&str], default: usize) -> usize {
    if let Some(i) = keys.iter().position(|k| *k == value) {
        return i;
    }
    if value == "1" {
        if let Some(i) = keys.iter().position(|k| *k == "one") {
            return i;
        }
    }
    default
}

#[cfg(test)]
#[allow(dead_code)]
#[path = "catalog.rs"]
mod catalog;

#[cfg(test)]
mod tests;
