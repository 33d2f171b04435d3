//! Whether a plan's activities point at actors and persons that exist in the chains.

use kundenwert_core::Lang;
use kundenwert_text as text;

use super::Plan;
use crate::model::Chain;

/// An activity that names an actor or a person the chains do not have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkProblem {
    /// `activities[activity].actor` is in none of the chains.
    NoSuchActor {
        /// Index of the activity.
        activity: usize,
        /// The actor id as written.
        actor: String,
    },
    /// `activities[activity].person` is not among the actor's persons.
    UnknownPerson {
        /// Index of the activity.
        activity: usize,
        /// The actor id.
        actor: String,
        /// The person as written.
        person: String,
    },
}

impl LinkProblem {
    /// The problem with its path, in the user's language.
    pub fn localized(&self, lang: Lang) -> String {
        match self {
            LinkProblem::NoSuchActor { activity, actor } => {
                text::plan_cmd_no_such_actor(lang, actor, activity)
            }
            LinkProblem::UnknownPerson {
                activity,
                actor,
                person,
            } => text::plan_cmd_unknown_person(lang, actor, activity, person),
        }
    }
}

/// Every activity whose actor is in none of `chains`, or whose person that actor does not
/// have, in activity order.
pub fn check_links(plan: &Plan, chains: &[Chain]) -> Vec<LinkProblem> {
    let mut problems = Vec::new();
    for (activity, a) in plan.activities.iter().enumerate() {
        let Some(actor) = &a.actor else { continue };
        match chains.iter().find_map(|c| c.actor(actor)) {
            None => problems.push(LinkProblem::NoSuchActor {
                activity,
                actor: actor.clone(),
            }),
            Some(found) => {
                if let Some(person) = &a.person {
                    if !found.persons.iter().any(|p| &p.name == person) {
                        problems.push(LinkProblem::UnknownPerson {
                            activity,
                            actor: actor.clone(),
                            person: person.clone(),
                        });
                    }
                }
            }
        }
    }
    problems
}
