//! Canonical JSON: the model's field order, absent values omitted, two-space indentation.

use crate::model::Chain;

/// The chain as canonical JSON, ending with a newline.
pub fn to_json(chain: &Chain) -> String {
    // Serializing plain structs of strings, numbers and dates cannot fail; the fallback keeps the
    // function total instead of panicking.
    let mut out = serde_json::to_string_pretty(chain).unwrap_or_default();
    out.push('\n');
    out
}
