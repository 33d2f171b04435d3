//! Chains and focus plans on the workspace: the figures a chain's actors show from the stored
//! analysis, whether a plan's references hold in the workspace (its saved selection, its chain,
//! the actors and persons of its activities), and the customers a plan targets today. The CLI's
//! `chain` and `plan` commands and the web workbench ask the same questions here.

use std::collections::BTreeMap;

use kundenwert_chain::plan::{LinkProblem, Plan, PlanContext, ScopeKind, TargetCustomer};
use kundenwert_chain::selection::SelectionError;
use kundenwert_chain::{ActorFigures, Chain, ChainErrors, Format};
use kundenwert_core::Lang;
use kundenwert_store::Workspace;
use kundenwert_text as text;

use crate::{type_label, Workbench, WorkbenchError};

/// A reference of a plan that does not hold in the workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanProblem {
    /// `targets.selection` is `@name` and no selection of that name is saved.
    NoSuchSelection(String),
    /// The selection (or the saved one it names) does not parse.
    BadSelection(SelectionError),
    /// `scope.value` names a chain the workspace does not hold.
    NoSuchChain(String),
    /// A stored chain the plan's activities are checked against no longer reads.
    BrokenChain {
        /// The chain's name.
        name: String,
        /// Its problems.
        errors: ChainErrors,
    },
    /// An activity names an actor or person the chains do not have.
    Link(LinkProblem),
}

impl PlanProblem {
    /// Where in the plan (`targets.selection`, `scope.value`, `activities[2].actor`).
    pub fn path(&self) -> String {
        match self {
            PlanProblem::NoSuchSelection(_) | PlanProblem::BadSelection(_) => {
                "targets.selection".to_owned()
            }
            PlanProblem::NoSuchChain(_) | PlanProblem::BrokenChain { .. } => {
                "scope.value".to_owned()
            }
            PlanProblem::Link(LinkProblem::NoSuchActor { activity, .. }) => {
                format!("activities[{activity}].actor")
            }
            PlanProblem::Link(LinkProblem::UnknownPerson { activity, .. }) => {
                format!("activities[{activity}].person")
            }
        }
    }

    /// The problem in German or English.
    pub fn localized(&self, lang: Lang) -> String {
        match self {
            PlanProblem::NoSuchSelection(name) => text::plan_cmd_no_such_selection(lang, name),
            PlanProblem::BadSelection(e) => e.localized(lang),
            PlanProblem::NoSuchChain(name) => text::plan_cmd_no_such_chain(lang, name),
            PlanProblem::BrokenChain { name, errors } => {
                format!("{name}: {}", errors.localized(lang))
            }
            PlanProblem::Link(l) => l.localized(lang),
        }
    }
}

/// Every reference of `plan` that does not hold in `store`: a saved selection it names must
/// exist (else its targets would silently shrink to the listed customers); a plan about a chain
/// names a stored chain; its activities' actors and persons exist there (or, for other scopes,
/// in some stored chain). In that order; the links only when the chains read.
///
/// # Errors
/// On a database failure.
pub fn plan_problems<W: Workspace>(
    store: &W,
    plan: &Plan,
) -> Result<Vec<PlanProblem>, WorkbenchError> {
    let mut problems = Vec::new();
    if let Some(name) = plan.targets.saved_selection() {
        if store.get_selection(name)?.is_none() {
            problems.push(PlanProblem::NoSuchSelection(name.to_owned()));
        }
    }
    let mut chains = Vec::new();
    if plan.scope.kind == ScopeKind::Chain {
        match store.get_chain(&plan.scope.value)? {
            Some(json) => chains.push((plan.scope.value.clone(), json)),
            None => {
                problems.push(PlanProblem::NoSuchChain(plan.scope.value.clone()));
                return Ok(problems);
            }
        }
    } else if plan.activities.iter().any(|a| a.actor.is_some()) {
        for c in store.list_chains()? {
            if let Some(json) = store.get_chain(&c.name)? {
                chains.push((c.name, json));
            }
        }
    }
    // A stored chain was validated when it was stored; one that no longer parses is said, not
    // skipped (its actors would otherwise look missing).
    let mut parsed = Vec::with_capacity(chains.len());
    for (name, json) in &chains {
        match kundenwert_chain::parse(json, Some(Format::Json)) {
            Ok(chain) => parsed.push(chain),
            Err(errors) => {
                problems.push(PlanProblem::BrokenChain {
                    name: name.clone(),
                    errors,
                });
                return Ok(problems);
            }
        }
    }
    problems.extend(
        kundenwert_chain::plan::check_links(plan, &parsed)
            .into_iter()
            .map(PlanProblem::Link),
    );
    Ok(problems)
}

impl<W: Workspace> Workbench<W> {
    /// The current value (summed over its members), the type (of a single member) and the
    /// number of customers of each actor linked to a customer number or a selection, from the
    /// stored analysis; actors without members are left out (the diagram then shows the actor
    /// alone).
    ///
    /// # Errors
    /// On a database failure.
    pub fn actor_figures(
        &self,
        chain: &Chain,
        lang: Lang,
    ) -> Result<BTreeMap<String, ActorFigures>, WorkbenchError> {
        let mut out = BTreeMap::new();
        for a in &chain.actors {
            if a.customer.is_none() && a.segment.is_none() {
                continue;
            }
            let members = self.members(a.customer.as_deref(), a.segment.as_deref())?;
            if members.is_empty() {
                continue;
            }
            let current: f64 = members.iter().map(|m| m.current_value).sum();
            let customer_type =
                (members.len() == 1).then(|| type_label(&members[0], lang).to_owned());
            out.insert(
                a.id.clone(),
                ActorFigures {
                    current_value: Some(current),
                    customer_type,
                    customers: Some(members.len() as u64),
                },
            );
        }
        Ok(out)
    }

    /// [`plan_problems`] on this workbench's workspace.
    ///
    /// # Errors
    /// On a database failure.
    pub fn plan_problems(&self, plan: &Plan) -> Result<Vec<PlanProblem>, WorkbenchError> {
        plan_problems(self.store(), plan)
    }

    /// The customers `plan` targets on the stored analysis, best future value first, as its
    /// reports list them, with the analysis's as-of; `Err(problem)` when its selection does not
    /// parse or names a saved selection that does not exist.
    ///
    /// # Errors
    /// On a database failure.
    pub fn plan_context(
        &self,
        plan: &Plan,
        lang: Lang,
    ) -> Result<Result<PlanContext, PlanProblem>, WorkbenchError> {
        let saved = match plan.targets.saved_selection() {
            Some(name) => match self.store().get_selection(name)? {
                Some(expr) => Some(expr),
                None => return Ok(Err(PlanProblem::NoSuchSelection(name.to_owned()))),
            },
            None => None,
        };
        let filter = match plan.targets.filter(saved.as_deref()) {
            Ok(f) => f,
            Err(e) => return Ok(Err(PlanProblem::BadSelection(e))),
        };
        let as_of = self.run()?.map(|r| r.as_of);
        let customers = self
            .plan_targets(&filter)?
            .into_iter()
            .map(|r| TargetCustomer {
                type_label: Some(type_label(&r, lang).to_owned()),
                id: r.number,
                name: r.name,
                current_value: Some(r.current_value),
                future_value: r.future_value,
            })
            .collect();
        Ok(Ok(PlanContext { as_of, customers }))
    }
}
