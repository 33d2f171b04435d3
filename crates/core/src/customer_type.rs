//! The customer types: the shape of a customer's margin over its life (the handbook's six
//! types, and `new` for a history too short to judge). The analysis decides a customer's type,
//! the plan and the selection language name types, so the closed set lives here, below both. The reader's names are in the text catalog
//! (`kundenwert_text::CustomerTypeLabel`), which builds on this crate.

use serde::{Deserialize, Serialize};

/// The shape of a customer's margin over its life. Serialized as the product's identifier
/// ([`CustomerType::id`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CustomerType {
    /// Steady: no clear trend, peak or cycle (the default, "unauffällig").
    #[serde(rename = "steady")]
    Stable,
    /// Recurring high phases with real pauses in between (seasonal or project business).
    #[serde(rename = "cyclical")]
    Cyclical,
    /// Rose to a peak and fell again.
    #[serde(rename = "bell")]
    Bell,
    /// Rising significantly, peak near the as-of month.
    #[serde(rename = "growth")]
    Growth,
    /// Falling significantly from an early peak.
    #[serde(rename = "shrinking")]
    Shrink,
    /// Loyal but brings (almost) nothing: margin at or below zero, or at most a tenth of the
    /// portfolio's typical level.
    #[serde(rename = "barnacle")]
    Barnacle,
    /// Too little history for a shape (fewer than 4 active months or a span under 6 months).
    #[serde(rename = "new")]
    Insufficient,
}

impl CustomerType {
    /// All types in a fixed order (for reports, confusion matrices and lists of allowed values).
    pub const ALL: [CustomerType; 7] = [
        CustomerType::Stable,
        CustomerType::Cyclical,
        CustomerType::Bell,
        CustomerType::Growth,
        CustomerType::Shrink,
        CustomerType::Barnacle,
        CustomerType::Insufficient,
    ];

    /// The identifier users see, as files, JSON, selections and plans write it:
    /// `steady`, `cyclical`, `bell`, `growth`, `shrinking`, `barnacle`, or `new` when the
    /// history is too short to judge.
    pub fn id(self) -> &'static str {
        match self {
            CustomerType::Stable => "steady",
            CustomerType::Cyclical => "cyclical",
            CustomerType::Bell => "bell",
            CustomerType::Growth => "growth",
            CustomerType::Shrink => "shrinking",
            CustomerType::Barnacle => "barnacle",
            CustomerType::Insufficient => "new",
        }
    }

    /// The type with this identifier ([`CustomerType::id`]), exactly as written.
    pub fn from_id(id: &str) -> Option<CustomerType> {
        CustomerType::ALL.into_iter().find(|t| t.id() == id)
    }

    /// The specification's upper-case name (`STABLE`, `CYCLICAL`, ...), as in the label files.
    pub fn spec_name(self) -> &'static str {
        match self {
            CustomerType::Stable => "STABLE",
            CustomerType::Cyclical => "CYCLICAL",
            CustomerType::Bell => "BELL",
            CustomerType::Growth => "GROWTH",
            CustomerType::Shrink => "SHRINK",
            CustomerType::Barnacle => "BARNACLE",
            CustomerType::Insufficient => "INSUFFICIENT",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_read_back_and_serialize_as_written() {
        // (type, id, spec name)
        let cases = [
            (CustomerType::Stable, "steady", "STABLE"),
            (CustomerType::Cyclical, "cyclical", "CYCLICAL"),
            (CustomerType::Bell, "bell", "BELL"),
            (CustomerType::Growth, "growth", "GROWTH"),
            (CustomerType::Shrink, "shrinking", "SHRINK"),
            (CustomerType::Barnacle, "barnacle", "BARNACLE"),
            (CustomerType::Insufficient, "new", "INSUFFICIENT"),
        ];
        assert_eq!(cases.map(|c| c.0), CustomerType::ALL);
        for (t, id, spec) in cases {
            assert_eq!(t.id(), id);
            assert_eq!(t.spec_name(), spec);
            assert_eq!(CustomerType::from_id(id), Some(t));
            let json = format!("\"{id}\"");
            assert_eq!(serde_json::to_string(&t).unwrap(), json);
            assert_eq!(serde_json::from_str::<CustomerType>(&json).unwrap(), t);
        }
        for unknown in ["", "Growth", "stable", "shrink", "Wachstum"] {
            assert_eq!(CustomerType::from_id(unknown), None, "{unknown}");
        }
    }
}
