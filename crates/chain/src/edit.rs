//! Editing a chain: pure functions behind `chain new`, `chain actor add|set|rm`,
//! `chain person add|set|rm` and `chain flow add|rm`, and the web workbench's chain forms.
//!
//! Values arrive as command-line text and go through the same per-key checks as a file, so the
//! messages are the same. Every edit is applied to a copy and re-validated; on any problem the
//! chain is left unchanged.

use kundenwert_core::Lang;
use kundenwert_text as text;

use crate::model::{Actor, Chain, Contact, Flow, FlowKind, Person, Tier};
use crate::parse::{
    cli_node, set_actor_key, set_flow_key, set_person_key, unknown_key, Sink, ACTOR_KEYS,
    PERSON_KEYS,
};
use crate::validate::{validate, ChainError, ChainErrors, ErrorKind};

/// Why an edit was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// A value or the resulting chain is invalid.
    #[error("{0}")]
    Invalid(ChainErrors),
    /// No actor with this id.
    #[error("{}", self.localized(Lang::En))]
    NoSuchActor(String),
    /// No person of this name at the actor.
    #[error("{}", self.localized(Lang::En))]
    NoSuchPerson {
        /// Actor id.
        actor: String,
        /// Person name.
        name: String,
    },
    /// No such flow.
    #[error("{}", self.localized(Lang::En))]
    NoSuchFlow {
        /// From actor id.
        from: String,
        /// To actor id.
        to: String,
        /// Kind.
        kind: FlowKind,
    },
    /// The actor is used by flows and `cascade` was not asked for.
    #[error("{}", self.localized(Lang::En))]
    ActorInUse {
        /// Actor id.
        id: String,
        /// How many flows refer to it.
        flows: usize,
    },
    /// The only `self` actor cannot be removed.
    #[error("{}", self.localized(Lang::En))]
    OnlySelf(String),
}

impl EditError {
    /// The message in German or English.
    pub fn localized(&self, lang: Lang) -> String {
        match self {
            EditError::Invalid(e) => e.localized(lang),
            EditError::NoSuchActor(id) => text::chain_edit_no_such_actor(lang, id),
            EditError::NoSuchPerson { actor, name } => {
                text::chain_edit_no_such_person(lang, actor, name)
            }
            EditError::NoSuchFlow { from, to, kind } => {
                text::chain_edit_no_such_flow(lang, from, kind.id(), to)
            }
            EditError::ActorInUse { id, flows } => text::chain_edit_actor_in_use(lang, flows, id),
            EditError::OnlySelf(id) => text::chain_edit_only_self(lang, id),
        }
    }
}

/// Applies `change` to a copy, validates it, and only then replaces the chain.
fn transact<T>(
    chain: &mut Chain,
    change: impl FnOnce(&mut Chain) -> Result<T, EditError>,
) -> Result<T, EditError> {
    let mut draft = chain.clone();
    let out = change(&mut draft)?;
    validate(&draft).map_err(EditError::Invalid)?;
    *chain = draft;
    Ok(out)
}

fn actor_index(chain: &Chain, id: &str) -> Result<usize, EditError> {
    chain
        .actors
        .iter()
        .position(|a| a.id == id)
        .ok_or_else(|| EditError::NoSuchActor(id.to_string()))
}

fn sink_result(sink: Sink) -> Result<(), EditError> {
    if sink.errors.is_empty() {
        Ok(())
    } else {
        Err(EditError::Invalid(ChainErrors(sink.errors)))
    }
}

/// Builds an actor from `key = value` pairs (file keys, command-line text), checked like a file.
/// `persons` cannot be given here; add persons with [`add_person`].
pub fn actor_from_fields(fields: &[(&str, &str)]) -> Result<Actor, EditError> {
    let mut actor = Actor::new("", Tier::Other, "");
    let mut sink = Sink::default();
    let settable: Vec<&str> = ACTOR_KEYS
        .iter()
        .copied()
        .filter(|k| *k != "persons")
        .collect();
    for (key, value) in fields {
        if !settable.contains(key) {
            sink.errors.push(unknown_key(key, &settable, key));
            continue;
        }
        set_actor_key(&mut actor, key, &cli_node(key, value), key, &mut sink);
    }
    for required in ["id", "tier", "name"] {
        if !fields.iter().any(|(k, _)| *k == required) {
            sink.errors
                .push(ChainError::new(required, ErrorKind::Missing));
        }
    }
    sink_result(sink)?;
    Ok(actor)
}

/// Builds a person from `key = value` pairs (file keys, command-line text), checked like a file.
/// `contact` defaults to `none` when not given.
pub fn person_from_fields(fields: &[(&str, &str)]) -> Result<Person, EditError> {
    let mut person = Person::new("", Contact::None);
    let mut sink = Sink::default();
    for (key, value) in fields {
        if !PERSON_KEYS.contains(key) {
            sink.errors.push(unknown_key(key, PERSON_KEYS, key));
            continue;
        }
        set_person_key(&mut person, key, &cli_node(key, value), key, &mut sink);
    }
    if !fields.iter().any(|(k, _)| *k == "name") {
        sink.errors
            .push(ChainError::new("name", ErrorKind::Missing));
    }
    sink_result(sink)?;
    Ok(person)
}

/// Builds a flow from command-line text, checked like a file.
pub fn flow_from_fields(
    from: &str,
    to: &str,
    kind: &str,
    label: Option<&str>,
) -> Result<Flow, EditError> {
    let mut flow = Flow {
        from: String::new(),
        to: String::new(),
        kind: FlowKind::Goods,
        label: None,
    };
    let mut sink = Sink::default();
    let mut fields = vec![("from", from), ("to", to), ("kind", kind)];
    if let Some(label) = label {
        fields.push(("label", label));
    }
    for (key, value) in fields {
        set_flow_key(&mut flow, key, &cli_node(key, value), key, &mut sink);
    }
    sink_result(sink)?;
    Ok(flow)
}

/// Adds an actor at the end of its tier's actors (so files stay grouped by tier).
pub fn add_actor(chain: &mut Chain, actor: Actor) -> Result<(), EditError> {
    transact(chain, |c| {
        let at = c
            .actors
            .iter()
            .rposition(|a| a.tier == actor.tier)
            .map_or(c.actors.len(), |i| i + 1);
        c.actors.insert(at, actor);
        Ok(())
    })
}

/// Sets one actor field from command-line text; an empty value unsets an optional field.
/// Changing `id` also renames it in all flows.
pub fn set_actor_field(
    chain: &mut Chain,
    actor_id: &str,
    field: &str,
    value: &str,
) -> Result<(), EditError> {
    transact(chain, |c| {
        let i = actor_index(c, actor_id)?;
        let path = format!("actors[{i}].{field}");
        let settable: Vec<&str> = ACTOR_KEYS
            .iter()
            .copied()
            .filter(|k| *k != "persons")
            .collect();
        if !settable.contains(&field) {
            return Err(EditError::Invalid(ChainErrors(vec![unknown_key(
                field, &settable, &path,
            )])));
        }
        let mut sink = Sink::default();
        set_actor_key(
            &mut c.actors[i],
            field,
            &cli_node(field, value),
            &path,
            &mut sink,
        );
        sink_result(sink)?;
        if field == "id" {
            let new_id = c.actors[i].id.clone();
            for flow in &mut c.flows {
                if flow.from == actor_id {
                    flow.from.clone_from(&new_id);
                }
                if flow.to == actor_id {
                    flow.to.clone_from(&new_id);
                }
            }
        }
        Ok(())
    })
}

/// Removes an actor. Refused for the only `self` actor, and when flows refer to it unless
/// `cascade` (then those flows go too). Returns the removed actor.
pub fn remove_actor(chain: &mut Chain, actor_id: &str, cascade: bool) -> Result<Actor, EditError> {
    transact(chain, |c| {
        let i = actor_index(c, actor_id)?;
        if c.actors[i].tier == Tier::SelfTier
            && c.actors.iter().filter(|a| a.tier == Tier::SelfTier).count() == 1
        {
            return Err(EditError::OnlySelf(actor_id.to_string()));
        }
        let uses = c
            .flows
            .iter()
            .filter(|f| f.from == actor_id || f.to == actor_id)
            .count();
        if uses > 0 && !cascade {
            return Err(EditError::ActorInUse {
                id: actor_id.to_string(),
                flows: uses,
            });
        }
        c.flows.retain(|f| f.from != actor_id && f.to != actor_id);
        Ok(c.actors.remove(i))
    })
}

/// Adds a person to an actor.
pub fn add_person(chain: &mut Chain, actor_id: &str, person: Person) -> Result<(), EditError> {
    transact(chain, |c| {
        let i = actor_index(c, actor_id)?;
        c.actors[i].persons.push(person);
        Ok(())
    })
}

/// Sets one field of the person `name` at `actor_id` from command-line text.
pub fn set_person_field(
    chain: &mut Chain,
    actor_id: &str,
    name: &str,
    field: &str,
    value: &str,
) -> Result<(), EditError> {
    transact(chain, |c| {
        let i = actor_index(c, actor_id)?;
        let j = person_index(c, i, actor_id, name)?;
        let path = format!("actors[{i}].persons[{j}].{field}");
        if !PERSON_KEYS.contains(&field) {
            return Err(EditError::Invalid(ChainErrors(vec![unknown_key(
                field,
                PERSON_KEYS,
                &path,
            )])));
        }
        let mut sink = Sink::default();
        set_person_key(
            &mut c.actors[i].persons[j],
            field,
            &cli_node(field, value),
            &path,
            &mut sink,
        );
        sink_result(sink)
    })
}

/// Removes the person `name` from `actor_id`; returns it.
pub fn remove_person(chain: &mut Chain, actor_id: &str, name: &str) -> Result<Person, EditError> {
    transact(chain, |c| {
        let i = actor_index(c, actor_id)?;
        let j = person_index(c, i, actor_id, name)?;
        Ok(c.actors[i].persons.remove(j))
    })
}

fn person_index(c: &Chain, i: usize, actor_id: &str, name: &str) -> Result<usize, EditError> {
    c.actors[i]
        .persons
        .iter()
        .position(|p| p.name == name)
        .ok_or_else(|| EditError::NoSuchPerson {
            actor: actor_id.to_string(),
            name: name.to_string(),
        })
}

/// Adds a flow (its actors must exist; the same from/to/kind must not exist yet).
pub fn add_flow(chain: &mut Chain, flow: Flow) -> Result<(), EditError> {
    transact(chain, |c| {
        c.flows.push(flow);
        Ok(())
    })
}

/// Removes the flow `from → to` of `kind`; returns it.
pub fn remove_flow(
    chain: &mut Chain,
    from: &str,
    to: &str,
    kind: FlowKind,
) -> Result<Flow, EditError> {
    transact(chain, |c| {
        let k = c
            .flows
            .iter()
            .position(|f| f.from == from && f.to == to && f.kind == kind)
            .ok_or_else(|| EditError::NoSuchFlow {
                from: from.to_string(),
                to: to.to_string(),
                kind,
            })?;
        Ok(c.flows.remove(k))
    })
}

/// A new chain with only our own company in it (tier `self`), to be filled by the other edits;
/// built as a document so that it is checked exactly like a file (`subject` must be one of
/// `product`, `service`, `customer_group`).
///
/// # Errors
/// Every problem of the name, subject or our own actor, with its path.
pub fn new_chain(
    name: &str,
    subject: &str,
    self_id: &str,
    self_name: &str,
) -> Result<Chain, ChainErrors> {
    let doc = serde_json::json!({
        "chain": name,
        "subject": subject,
        "actors": [{"id": self_id, "tier": "self", "name": self_name}],
    });
    crate::parse(&doc.to_string(), Some(crate::Format::Json))
}

/// Sets several fields of one actor from text (as [`set_actor_field`] does one), all on the same
/// copy: every problem of every field is reported together, and nothing changes unless all
/// hold. Returns the actor's id afterwards (changed when `id` is among the fields; flows follow).
pub fn set_actor_fields(
    chain: &mut Chain,
    actor_id: &str,
    fields: &[(&str, &str)],
) -> Result<String, EditError> {
    transact(chain, |c| {
        let i = actor_index(c, actor_id)?;
        let settable: Vec<&str> = ACTOR_KEYS
            .iter()
            .copied()
            .filter(|k| *k != "persons")
            .collect();
        let mut sink = Sink::default();
        for (field, value) in fields {
            let path = format!("actors[{i}].{field}");
            if !settable.contains(field) {
                sink.errors.push(unknown_key(field, &settable, &path));
                continue;
            }
            set_actor_key(
                &mut c.actors[i],
                field,
                &cli_node(field, value),
                &path,
                &mut sink,
            );
        }
        sink_result(sink)?;
        let new_id = c.actors[i].id.clone();
        if new_id != actor_id {
            for flow in &mut c.flows {
                if flow.from == actor_id {
                    flow.from.clone_from(&new_id);
                }
                if flow.to == actor_id {
                    flow.to.clone_from(&new_id);
                }
            }
        }
        Ok(new_id)
    })
}

/// Sets several fields of the person `name` at `actor_id` from text, all on the same copy (see
/// [`set_actor_fields`]). Returns the person's name afterwards.
pub fn set_person_fields(
    chain: &mut Chain,
    actor_id: &str,
    name: &str,
    fields: &[(&str, &str)],
) -> Result<String, EditError> {
    transact(chain, |c| {
        let i = actor_index(c, actor_id)?;
        let j = person_index(c, i, actor_id, name)?;
        let mut sink = Sink::default();
        for (field, value) in fields {
            let path = format!("actors[{i}].persons[{j}].{field}");
            if !PERSON_KEYS.contains(field) {
                sink.errors.push(unknown_key(field, PERSON_KEYS, &path));
                continue;
            }
            set_person_key(
                &mut c.actors[i].persons[j],
                field,
                &cli_node(field, value),
                &path,
                &mut sink,
            );
        }
        sink_result(sink)?;
        Ok(c.actors[i].persons[j].name.clone())
    })
}
