//! Editing a plan from text (the web workbench's forms, the command line): each change is made
//! on the plan's document and read back through [`parse_plan`], so a change is checked exactly
//! like a file and refused with every problem and its path (`activities[2].due`); on any
//! problem the plan is left unchanged.

use serde_json::{Map, Value};

use super::{parse_plan, plan_to_json, Plan, PlanErrors};
use crate::Format;

/// A new plan: its scope (`customer_type`, `product`, `service` or `chain` and a value), its
/// reasons (`growth`, or `retention:text` with an explanation), and its targets — a selection
/// (or `@name` of a saved one) and/or customers by number.
///
/// # Errors
/// Every problem, with its path.
pub fn new_plan(
    name: &str,
    scope_kind: &str,
    scope_value: &str,
    reasons: &[String],
    selection: Option<&str>,
    customers: &[String],
) -> Result<Plan, PlanErrors> {
    let reasons: Vec<Value> = reasons.iter().map(|r| reason_value(r)).collect();
    let mut targets = Map::new();
    if !customers.is_empty() {
        targets.insert("customers".into(), serde_json::json!(customers));
    }
    if let Some(s) = selection {
        targets.insert("selection".into(), serde_json::json!(s));
    }
    let doc = serde_json::json!({
        "plan": name,
        "scope": {"kind": scope_kind.trim(), "value": scope_value.trim()},
        "reasons": reasons,
        "targets": targets,
    });
    parse_plan(&doc.to_string(), Some(Format::Json))
}

/// `kind` or `kind:text` as the file writes a reason.
fn reason_value(r: &str) -> Value {
    match r.split_once(':') {
        Some((k, t)) if !t.trim().is_empty() => {
            serde_json::json!({"kind": k.trim(), "text": t.trim()})
        }
        Some((k, _)) => serde_json::json!(k.trim()),
        None => serde_json::json!(r.trim()),
    }
}

/// Applies `change` to the plan's document and reads it back; the plan is replaced only when
/// the result holds.
///
/// # Errors
/// Every problem of the changed document, with its path.
pub fn revise(
    plan: &mut Plan,
    change: impl FnOnce(&mut Map<String, Value>),
) -> Result<(), PlanErrors> {
    let mut doc: Value = serde_json::from_str(&plan_to_json(plan)).unwrap_or_default();
    if let Some(map) = doc.as_object_mut() {
        change(map);
    }
    *plan = parse_plan(&doc.to_string(), Some(Format::Json))?;
    Ok(())
}

/// Sets (or, with an empty list, removes) a list of the plan (`coaching`, `priorities`).
fn set_list(map: &mut Map<String, Value>, key: &str, items: &[String]) {
    let items: Vec<&str> = items
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    if items.is_empty() {
        map.remove(key);
    } else {
        map.insert(key.into(), serde_json::json!(items));
    }
}

/// Replaces the reasons (`kind` or `kind:text` each).
///
/// # Errors
/// Every problem, with its path.
pub fn set_reasons(plan: &mut Plan, reasons: &[String]) -> Result<(), PlanErrors> {
    revise(plan, |m| {
        let reasons: Vec<Value> = reasons
            .iter()
            .filter(|r| !r.trim().is_empty())
            .map(|r| reason_value(r))
            .collect();
        if reasons.is_empty() {
            m.remove("reasons");
        } else {
            m.insert("reasons".into(), Value::Array(reasons));
        }
    })
}

/// Replaces the customers to coach (customer numbers).
///
/// # Errors
/// Every problem, with its path.
pub fn set_coaching(plan: &mut Plan, customers: &[String]) -> Result<(), PlanErrors> {
    revise(plan, |m| set_list(m, "coaching", customers))
}

/// Replaces the priorities, most important first.
///
/// # Errors
/// Every problem, with its path.
pub fn set_priorities(plan: &mut Plan, priorities: &[String]) -> Result<(), PlanErrors> {
    revise(plan, |m| set_list(m, "priorities", priorities))
}

/// Sets the notes (empty: none).
///
/// # Errors
/// Every problem, with its path.
pub fn set_notes(plan: &mut Plan, notes: &str) -> Result<(), PlanErrors> {
    revise(plan, |m| {
        if notes.trim().is_empty() {
            m.remove("notes");
        } else {
            m.insert("notes".into(), Value::String(notes.trim().to_owned()));
        }
    })
}

/// Adds an activity (`index` `None`, at the end) or replaces the activity at `index`, from
/// `key = value` text with the file's keys (`what`, `owner`, `due` as an ISO date, `status`,
/// `priority`, `actor`, `customer`, `person`); empty values are left out. Returns the
/// activity's index.
///
/// # Errors
/// Every problem, with its path (`activities[3].due`); an `index` beyond the activities is
/// reported at `activities[index]`.
pub fn set_activity(
    plan: &mut Plan,
    index: Option<usize>,
    fields: &[(&str, &str)],
) -> Result<usize, PlanErrors> {
    let mut activity = Map::new();
    for (key, value) in fields {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        let v = match (*key, value.parse::<i64>()) {
            ("priority", Ok(n)) => Value::from(n),
            _ => Value::String(value.to_owned()),
        };
        activity.insert((*key).to_owned(), v);
    }
    let count = plan.activities.len();
    let at = index.unwrap_or(count);
    if at > count || (index.is_some() && at == count) {
        return Err(PlanErrors(vec![super::PlanError::new(
            format!("activities[{at}]"),
            super::PlanErrorKind::Missing,
        )]));
    }
    revise(plan, |m| {
        let list = m
            .entry("activities")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Some(list) = list.as_array_mut() {
            if at < list.len() {
                list[at] = Value::Object(activity);
            } else {
                list.push(Value::Object(activity));
            }
        }
    })?;
    Ok(at)
}

/// Removes the activity at `index`.
///
/// # Errors
/// When there is no activity at `index`.
pub fn remove_activity(plan: &mut Plan, index: usize) -> Result<(), PlanErrors> {
    if index >= plan.activities.len() {
        return Err(PlanErrors(vec![super::PlanError::new(
            format!("activities[{index}]"),
            super::PlanErrorKind::Missing,
        )]));
    }
    plan.activities.remove(index);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> Plan {
        new_plan(
            "P",
            "customer_type",
            "growth",
            &["growth".into(), "retention:Wettbewerb".into()],
            Some("type=growth"),
            &[],
        )
        .unwrap()
    }

    #[test]
    fn an_activity_is_added_and_changed_through_the_file_checks() {
        let mut p = plan();
        let i = set_activity(
            &mut p,
            None,
            &[
                ("what", "Besuch"),
                ("owner", "Max"),
                ("due", "2025-03-31"),
                ("status", "open"),
                ("priority", "1"),
            ],
        )
        .unwrap();
        assert_eq!(i, 0);
        assert_eq!(p.activities[0].owner.as_deref(), Some("Max"));
        let before = p.clone();
        let err = set_activity(
            &mut p,
            Some(0),
            &[
                ("what", "Besuch"),
                ("due", "31.03.2025"),
                ("status", "offen"),
            ],
        )
        .unwrap_err();
        assert_eq!(err.0.len(), 2, "{err}");
        assert!(err.0.iter().any(|e| e.path == "activities[0].due"), "{err}");
        assert_eq!(p, before);
        set_activity(&mut p, Some(0), &[("what", "Besuch"), ("status", "done")]).unwrap();
        assert_eq!(p.activities[0].status, super::super::Status::Done);
        remove_activity(&mut p, 0).unwrap();
        assert!(p.activities.is_empty());
    }

    #[test]
    fn reasons_lists_and_notes_are_replaced() {
        let mut p = plan();
        set_reasons(&mut p, &["innovation".into()]).unwrap();
        assert_eq!(p.reasons.len(), 1);
        assert!(set_reasons(&mut p, &["nonsense".into()]).is_err());
        assert_eq!(p.reasons.len(), 1);
        set_priorities(&mut p, &["Liefertreue".into(), " ".into()]).unwrap();
        assert_eq!(p.priorities, vec!["Liefertreue".to_owned()]);
        set_coaching(&mut p, &["10007".into()]).unwrap();
        set_notes(&mut p, "x").unwrap();
        assert_eq!(p.notes.as_deref(), Some("x"));
    }
}
