//! The focus plan (the handbook's *Vorlage*): for which customer type, product, service or chain
//! to improve relationships, why, with which customers, through which activities and priorities,
//! and which customers to coach.
//!
//! A plan file is YAML or JSON like the chain file:
//!
//! ```yaml
//! plan: Wachstumskunden Süd 2025
//! scope: { kind: customer_type, value: growth }
//! reasons: [growth, { kind: retention, text: Zwei Wettbewerber werben aktiv ab }]
//! targets:
//!   customers: ['10007']
//!   selection: type=growth and future_value > 10000
//! activities:
//!   - what: Jahresgespräch mit der Geschäftsführung
//!     owner: Max Weber
//!     due: 2025-03-31
//!     status: open          # open | in_progress | done | dropped
//!     priority: 1           # 1 (highest) ..= 3
//! coaching: ['10007']
//! priorities: [Liefertreue sichern]
//! notes: …
//! ```
//!
//! [`parse_plan`] reports every problem with its path; [`plan_to_yaml`] / [`plan_to_json`] write the
//! canonical, byte-stable form that parses back to the same [`Plan`]. [`to_markdown`] and
//! [`to_html`] render the plan for reading and printing, with the customers the selection
//! matches today ([`PlanContext`], computed by the caller).

use chrono::NaiveDate;
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use crate::model::file_enum;
use crate::selection;

pub mod edit;
mod error;
mod links;
mod parse;
mod report;

pub use error::{Expected, PlanError, PlanErrorKind, PlanErrors};
pub use links::{check_links, LinkProblem};
pub use parse::{parse_plan, validate_plan};
pub use report::{
    customer_label, missing_ids, scope_text, scope_value, sum, to_html, to_markdown, PlanContext,
    TargetCustomer,
};

file_enum! {
    /// What the plan is about.
    ScopeKind {
        CustomerType = "customer_type", plan_scope_customer_type;
        Product = "product", plan_scope_product;
        Service = "service", plan_scope_service;
        Chain = "chain", plan_scope_chain;
    }
}

file_enum! {
    /// Why relationships are to be improved.
    ReasonKind {
        Growth = "growth", plan_reason_growth;
        Profitability = "profitability", plan_reason_profitability;
        Innovation = "innovation", plan_reason_innovation;
        Retention = "retention", plan_reason_retention;
        Other = "other", plan_reason_other;
    }
}

file_enum! {
    /// Where an activity stands.
    Status {
        Open = "open", plan_status_open;
        InProgress = "in_progress", plan_status_in_progress;
        Done = "done", plan_status_done;
        Dropped = "dropped", plan_status_dropped;
    }
}

/// A focus plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// Name of the plan.
    pub plan: String,
    /// What the plan is about.
    pub scope: Scope,
    /// Why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<Reason>,
    /// Which customers.
    #[serde(skip_serializing_if = "Targets::is_empty")]
    pub targets: Targets,
    /// What is done, by whom, by when.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub activities: Vec<Activity>,
    /// Customers to coach (customer numbers).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub coaching: Vec<String>,
    /// Priorities (Schwerpunkte), most important first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub priorities: Vec<String>,
    /// Free text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// What a plan is about: a customer type, a product, a service or a chain (by name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scope {
    /// Kind.
    pub kind: ScopeKind,
    /// The customer type id, product, service or chain name.
    pub value: String,
}

/// One reason, with optional explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    /// Kind.
    pub kind: ReasonKind,
    /// Explanation.
    pub text: Option<String>,
}

impl Serialize for Reason {
    /// A reason without text is written as its bare identifier (`- growth`), which is how people
    /// write it by hand; with text as `{kind, text}`.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.text {
            None => s.serialize_str(self.kind.id()),
            Some(text) => {
                let mut m = s.serialize_map(Some(2))?;
                m.serialize_entry("kind", self.kind.id())?;
                m.serialize_entry("text", text)?;
                m.end()
            }
        }
    }
}

/// Which customers the plan is for: listed ones and/or a selection.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Targets {
    /// Customer numbers named explicitly.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub customers: Vec<String>,
    /// A selection expression (see [`crate::selection`]), or `@name` for a saved selection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selection: Option<String>,
}

impl Targets {
    /// Neither customers nor a selection.
    pub fn is_empty(&self) -> bool {
        self.customers.is_empty() && self.selection.is_none()
    }

    /// The name of a saved selection (`@name`), when the selection refers to one.
    pub fn saved_selection(&self) -> Option<&str> {
        self.selection.as_deref()?.trim().strip_prefix('@')
    }

    /// The filter that says whether a customer is a target: listed by number, or matched by the
    /// selection. `saved` is the expression of the saved selection when the plan refers to one
    /// (`@name`); the caller looks it up in the workspace. Given `None` for a referenced saved
    /// selection, only listed customers match, so a caller should report the unknown name first.
    ///
    /// # Errors
    /// When the selection (or the saved one) does not parse.
    pub fn filter(&self, saved: Option<&str>) -> Result<TargetFilter, selection::SelectionError> {
        let text = match self.saved_selection() {
            Some(_) => saved,
            None => self.selection.as_deref(),
        };
        Ok(TargetFilter {
            customers: self.customers.clone(),
            selection: text.map(selection::parse).transpose()?,
        })
    }
}

/// Decides which customers a plan targets; see [`Targets::filter`].
#[derive(Debug, Clone, PartialEq)]
pub struct TargetFilter {
    customers: Vec<String>,
    selection: Option<selection::Selection>,
}

impl TargetFilter {
    /// The customers listed by number.
    pub fn customers(&self) -> &[String] {
        &self.customers
    }

    /// The selection, when the plan has one.
    pub fn selection(&self) -> Option<&selection::Selection> {
        self.selection.as_ref()
    }

    /// Listed by number (exactly as written) or matched by the selection.
    pub fn matches(&self, customer: &dyn selection::CustomerFields) -> bool {
        let listed = customer
            .text(selection::Field::Id)
            .is_some_and(|id| self.customers.iter().any(|c| c == id));
        listed || self.selection.as_ref().is_some_and(|s| s.matches(customer))
    }
}

/// One activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Activity {
    /// What is done.
    pub what: String,
    /// Who is responsible.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// By when.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<NaiveDate>,
    /// Where it stands.
    pub status: Status,
    /// 1 (highest) to 3.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<u8>,
    /// The chain actor (id) it is aimed at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// The customer (number) it is aimed at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
    /// The person it is aimed at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person: Option<String>,
}

/// The canonical YAML form: keys in the documented order, empty parts omitted, byte-stable.
pub fn plan_to_yaml(plan: &Plan) -> String {
    // Serialising plain structs, strings, numbers and dates cannot fail.
    serde_norway::to_string(plan).unwrap_or_default()
}

/// The canonical JSON form (pretty, two-space indent, trailing newline), as the store keeps it.
pub fn plan_to_json(plan: &Plan) -> String {
    let mut out = serde_json::to_string_pretty(plan).unwrap_or_default();
    out.push('\n');
    out
}
