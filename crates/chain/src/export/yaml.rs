//! Canonical YAML: fixed key order, absent values omitted, one style per value, so the same chain
//! always gives the same bytes and the file reads back to the same chain.

use std::fmt::Write as _;

use crate::model::{Actor, Chain, Flow, Person};

/// The chain as canonical YAML (keys in the model's field order), ending with a newline.
pub fn to_yaml(chain: &Chain) -> String {
    let mut out = String::new();
    line(&mut out, 0, "chain", &scalar(&chain.chain));
    line(&mut out, 0, "subject", chain.subject.id());
    if let Some(d) = &chain.description {
        line(&mut out, 0, "description", &scalar(d));
    }
    if !chain.actors.is_empty() {
        out.push_str("actors:\n");
        for actor in &chain.actors {
            write_actor(&mut out, actor);
        }
    }
    if !chain.flows.is_empty() {
        out.push_str("flows:\n");
        for flow in &chain.flows {
            write_flow(&mut out, flow);
        }
    }
    out
}

fn write_actor(out: &mut String, a: &Actor) {
    item(out, 2, "id", &scalar(&a.id));
    line(out, 4, "tier", a.tier.id());
    line(out, 4, "name", &scalar(&a.name));
    if let Some(c) = a.count {
        line(out, 4, "count", &c.to_string());
    }
    if let Some(s) = a.size {
        line(out, 4, "size", s.id());
    }
    if let Some(i) = a.importance {
        line(out, 4, "importance", &i.to_string());
    }
    if let Some(p) = a.competitive_position {
        line(out, 4, "competitive_position", p.id());
    }
    if let Some(r) = a.relationship {
        line(out, 4, "relationship", r.id());
    }
    if !a.success_factors.is_empty() {
        out.push_str("    success_factors:\n");
        for f in &a.success_factors {
            let _ = writeln!(out, "      - {}", scalar(f));
        }
    }
    for (key, value) in [
        ("notes", &a.notes),
        ("customer", &a.customer),
        ("segment", &a.segment),
    ] {
        if let Some(v) = value {
            line(out, 4, key, &scalar(v));
        }
    }
    if !a.persons.is_empty() {
        out.push_str("    persons:\n");
        for p in &a.persons {
            write_person(out, p);
        }
    }
}

fn write_person(out: &mut String, p: &Person) {
    item(out, 6, "name", &scalar(&p.name));
    if let Some(r) = &p.role {
        line(out, 8, "role", &scalar(r));
    }
    line(out, 8, "contact", p.contact.id());
    if let Some(k) = &p.known_by {
        line(out, 8, "known_by", &scalar(k));
    }
    if let Some(d) = p.last_contact {
        line(out, 8, "last_contact", &d.format("%Y-%m-%d").to_string());
    }
    if let Some(n) = &p.notes {
        line(out, 8, "notes", &scalar(n));
    }
}

fn write_flow(out: &mut String, f: &Flow) {
    item(out, 2, "from", &scalar(&f.from));
    line(out, 4, "to", &scalar(&f.to));
    line(out, 4, "kind", f.kind.id());
    if let Some(l) = &f.label {
        line(out, 4, "label", &scalar(l));
    }
}

fn line(out: &mut String, indent: usize, key: &str, value: &str) {
    let _ = writeln!(out, "{:indent$}{key}: {value}", "");
}

/// The first key of a list item: `- key: value` at `indent`.
fn item(out: &mut String, indent: usize, key: &str, value: &str) {
    let _ = writeln!(out, "{:indent$}- {key}: {value}", "");
}

/// A string as a YAML scalar: plain when that is unambiguous, else double-quoted.
///
/// Plain style is only used for a conservative set of strings (letters, digits, spaces inside and
/// harmless punctuation, not looking like a number, bool or null), because YAML gives many plain
/// strings another meaning. Everything else is double-quoted with escapes for every character YAML
/// does not allow raw or would fold (line breaks including NEL/LS/PS, BOM, controls).
pub(crate) fn scalar(s: &str) -> String {
    if is_plain_safe(s) {
        s.to_string()
    } else {
        quoted(s)
    }
}

fn is_plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if !first.is_alphabetic() || s.ends_with(' ') {
        return false;
    }
    const RESERVED: &[&str] = &[
        "true", "false", "yes", "no", "on", "off", "null", "y", "n", "nan", "inf",
    ];
    if RESERVED.contains(&s.to_ascii_lowercase().as_str()) {
        return false;
    }
    let mut prev = ' ';
    for c in s.chars() {
        let ok = c.is_alphanumeric() && !is_special_letter(c)
            || matches!(c, '-' | '_' | '.' | ',' | '(' | ')' | '/' | '+')
            || (c == ' ' && prev != ' ');
        if !ok {
            return false;
        }
        prev = c;
    }
    true
}

/// Characters `is_alphanumeric` accepts that still should not appear raw in a plain scalar.
fn is_special_letter(c: char) -> bool {
    // Combining marks and the like are alphanumeric for Rust only in rare cases; keep everything
    // outside the printable range quoted so the escape logic decides.
    !is_yaml_printable(c) || matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}')
}

fn is_yaml_printable(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{7e}' | '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..='\u{10ffff}')
}

fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c == '\u{85}'
                || c == '\u{2028}'
                || c == '\u{2029}'
                || c == '\u{feff}'
                || c == '\u{7f}'
                || !is_yaml_printable(c) =>
            {
                let n = u32::from(c);
                if n <= 0xffff {
                    let _ = write!(out, "\\u{n:04x}");
                } else {
                    let _ = write!(out, "\\U{n:08x}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
