use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What a column of an export means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Customer number (required).
    Customer,
    /// Customer name.
    Name,
    /// Invoice or order date (required).
    Date,
    /// Net revenue of the line (required unless quantity and unit price are given).
    Revenue,
    /// Cost of goods.
    Cost,
    /// Contribution margin or gross profit.
    Margin,
    /// Quantity.
    Quantity,
    /// Unit price.
    UnitPrice,
    /// Product or article.
    Product,
    /// Document: invoice or order number.
    Document,
}

impl Role {
    /// Every role, in the order columns are reported.
    pub const ALL: [Role; 10] = [
        Role::Customer,
        Role::Name,
        Role::Date,
        Role::Revenue,
        Role::Cost,
        Role::Margin,
        Role::Quantity,
        Role::UnitPrice,
        Role::Product,
        Role::Document,
    ];

    /// The identifier used in `--column ROLE=HEADER` and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Customer => "customer",
            Role::Name => "name",
            Role::Date => "date",
            Role::Revenue => "revenue",
            Role::Cost => "cost",
            Role::Margin => "margin",
            Role::Quantity => "quantity",
            Role::UnitPrice => "unit_price",
            Role::Product => "product",
            Role::Document => "document",
        }
    }

    /// Whether values of this role are amounts or counts parsed as numbers.
    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            Role::Revenue | Role::Cost | Role::Margin | Role::Quantity | Role::UnitPrice
        )
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Error for an unknown role name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownRole(pub String);

impl fmt::Display for UnknownRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<_> = Role::ALL.iter().map(|r| r.as_str()).collect();
        write!(
            f,
            "unknown role `{}`; expected one of {}",
            self.0,
            names.join(", ")
        )
    }
}

impl std::error::Error for UnknownRole {}

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase().replace('-', "_");
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == wanted || (wanted == "price" && *r == Role::UnitPrice))
            .ok_or_else(|| UnknownRole(s.to_string()))
    }
}
