// The catalog generator: parses the Fluent files of both languages, checks that they agree and
// writes the Rust accessors. Shared by `build.rs` (which panics with the error) and the crate's
// unit tests (which feed it bad catalogs), hence no crate-level items here.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use fluent_syntax::ast;

/// The two languages, in the order the generated `match` lists them.
pub const LANGS: [(&str, &str); 2] = [("de", "De"), ("en", "En")];

/// A piece of a message's value, after parsing.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    /// Literal text.
    Text(String),
    /// `{ $name }`.
    Var(String),
    /// `{ $name -> [key] … *[other] … }`.
    Select {
        /// The variable selected on.
        var: String,
        /// The variants in file order.
        variants: Vec<Variant>,
    },
}

/// One variant of a selector.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// The key as written (`one`, `other`, `0`).
    pub key: String,
    /// Whether it is the default (`*[…]`).
    pub default: bool,
    /// Its value.
    pub parts: Vec<Part>,
}

/// One message in one language.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// The Fluent id, kebab-case.
    pub id: String,
    /// The file it comes from (`chain.ftl`).
    pub file: String,
    /// Its value.
    pub parts: Vec<Part>,
}

/// Rust keywords and names the accessors use themselves: not allowed as variable names.
const RESERVED: &[&str] = &[
    "lang", "out", "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false",
    "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe",
    "use", "where", "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final",
    "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Parses one Fluent file of one language.
pub fn parse_file(lang: &str, file: &str, source: &str) -> Result<Vec<Message>, String> {
    let where_ = |offset: usize| {
        let line = source[..offset.min(source.len())].matches('\n').count() + 1;
        format!("locales/{lang}/{file}:{line}")
    };
    let resource = match fluent_syntax::parser::parse(source) {
        Ok(resource) => resource,
        Err((_, errors)) => {
            let first = &errors[0];
            // The entry the error is in: its first line names the message.
            let (start, id) = match &first.slice {
                Some(r) => {
                    let entry = &source[r.clone()];
                    let id = entry.split('=').next().unwrap_or("").trim();
                    (r.start, format!(" in message `{id}`"))
                }
                None => (first.pos.start, String::new()),
            };
            return Err(format!(
                "{}: cannot parse{id} ({}); language {lang}",
                where_(start),
                first.kind
            ));
        }
    };
    let mut messages = Vec::new();
    for entry in resource.body {
        match entry {
            ast::Entry::Message(m) => {
                let id = m.id.name.to_owned();
                let at = format!("locales/{lang}/{file}: message `{id}` (language {lang})");
                if !id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                    || id.starts_with('-')
                    || id.ends_with('-')
                {
                    return Err(format!(
                        "{at}: ids are kebab-case (lowercase letters, digits, `-`)"
                    ));
                }
                if !m.attributes.is_empty() {
                    return Err(format!("{at}: attributes are not supported"));
                }
                let Some(value) = m.value else {
                    return Err(format!("{at}: has no value"));
                };
                let parts = pattern(&value, &at)?;
                messages.push(Message {
                    id,
                    file: file.to_owned(),
                    parts,
                });
            }
            ast::Entry::Term(t) => {
                return Err(format!(
                    "locales/{lang}/{file}: term `-{}` (language {lang}): terms are not supported",
                    t.id.name
                ));
            }
            ast::Entry::Comment(_)
            | ast::Entry::GroupComment(_)
            | ast::Entry::ResourceComment(_) => {}
            ast::Entry::Junk { content } => {
                let offset = source.find(content).unwrap_or(0);
                return Err(format!(
                    "{}: cannot parse `{}`; language {lang}",
                    where_(offset),
                    content.trim()
                ));
            }
        }
    }
    Ok(messages)
}

fn pattern(p: &ast::Pattern<&str>, at: &str) -> Result<Vec<Part>, String> {
    let mut parts: Vec<Part> = Vec::new();
    let push_text = |parts: &mut Vec<Part>, s: &str| {
        if let Some(Part::Text(t)) = parts.last_mut() {
            t.push_str(s);
        } else {
            parts.push(Part::Text(s.to_owned()));
        }
    };
    for element in &p.elements {
        match element {
            ast::PatternElement::TextElement { value } => push_text(&mut parts, value),
            ast::PatternElement::Placeable { expression } => match expression {
                ast::Expression::Inline(inline) => match inline {
                    ast::InlineExpression::VariableReference { id } => {
                        parts.push(Part::Var(variable(id.name, at)?));
                    }
                    ast::InlineExpression::StringLiteral { value } => {
                        push_text(
                            &mut parts,
                            &fluent_syntax::unicode::unescape_unicode_to_string(value),
                        );
                    }
                    ast::InlineExpression::NumberLiteral { value } => push_text(&mut parts, value),
                    other => return Err(unsupported(other, at)),
                },
                ast::Expression::Select { selector, variants } => {
                    let ast::InlineExpression::VariableReference { id } = selector else {
                        return Err(format!(
                            "{at}: a selector must select on a variable (`{{ $n -> … }}`)"
                        ));
                    };
                    let mut out = Vec::new();
                    for v in variants {
                        let key = match &v.key {
                            ast::VariantKey::Identifier { name } => (*name).to_owned(),
                            ast::VariantKey::NumberLiteral { value } => (*value).to_owned(),
                        };
                        out.push(Variant {
                            key,
                            default: v.default,
                            parts: pattern(&v.value, at)?,
                        });
                    }
                    parts.push(Part::Select {
                        var: variable(id.name, at)?,
                        variants: out,
                    });
                }
            },
        }
    }
    Ok(parts)
}

fn variable(name: &str, at: &str) -> Result<String, String> {
    if RESERVED.contains(&name)
        || !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        return Err(format!(
            "{at}: variable `${name}` must be snake_case and not a Rust keyword or `lang`/`out`"
        ));
    }
    Ok(name.to_owned())
}

fn unsupported(e: &ast::InlineExpression<&str>, at: &str) -> String {
    let what = match e {
        ast::InlineExpression::FunctionReference { id, .. } => format!("function `{}()`", id.name),
        ast::InlineExpression::MessageReference { id, .. } => {
            format!("message reference `{}`", id.name)
        }
        ast::InlineExpression::TermReference { id, .. } => format!("term reference `-{}`", id.name),
        ast::InlineExpression::Placeable { .. } => "nested placeable".to_owned(),
        _ => "expression".to_owned(),
    };
    format!(
        "{at}: unknown variable form: {what}; only `{{ $name }}`, string literals and selectors on a variable are supported"
    )
}

/// The variables a message uses, each once.
pub fn variables(parts: &[Part]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    fn walk(parts: &[Part], out: &mut BTreeSet<String>) {
        for p in parts {
            match p {
                Part::Text(_) => {}
                Part::Var(v) => {
                    out.insert(v.clone());
                }
                Part::Select { var, variants } => {
                    out.insert(var.clone());
                    for v in variants {
                        walk(&v.parts, out);
                    }
                }
            }
        }
    }
    walk(parts, &mut out);
    out
}

/// A message in both languages, checked.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The Fluent id.
    pub id: String,
    /// The file both languages keep it in.
    pub file: String,
    /// The accessor's arguments, alphabetical.
    pub args: Vec<String>,
    /// German, then English.
    pub values: [Vec<Part>; 2],
}

/// Parses and checks both languages' files (`(file name, source)`), returning the messages in
/// id order.
pub fn check(de: &[(String, String)], en: &[(String, String)]) -> Result<Vec<Entry>, String> {
    let files =
        |list: &[(String, String)]| list.iter().map(|(f, _)| f.clone()).collect::<BTreeSet<_>>();
    let (de_files, en_files) = (files(de), files(en));
    for (lang, mine, other, other_lang) in [
        ("de", &de_files, &en_files, "en"),
        ("en", &en_files, &de_files, "de"),
    ] {
        if let Some(f) = mine.difference(other).next() {
            return Err(format!(
                "locales/{lang}/{f} exists in language {lang} but there is no locales/{other_lang}/{f}"
            ));
        }
    }
    let mut by_lang: Vec<BTreeMap<String, Message>> = Vec::new();
    for (lang, list) in [("de", de), ("en", en)] {
        let mut map = BTreeMap::new();
        for (file, source) in list {
            for m in parse_file(lang, file, source)? {
                if let Some(first) = map.get(&m.id).map(|f: &Message| f.file.clone()) {
                    return Err(format!(
                        "locales/{lang}/{}: message `{}` (language {lang}) is defined twice (also in {first})",
                        m.file, m.id
                    ));
                }
                map.insert(m.id.clone(), m);
            }
        }
        by_lang.push(map);
    }
    let (de_map, en_map) = (&by_lang[0], &by_lang[1]);
    for (lang, mine, other, other_lang) in
        [("de", de_map, en_map, "en"), ("en", en_map, de_map, "de")]
    {
        if let Some(m) = mine.values().find(|m| !other.contains_key(&m.id)) {
            return Err(format!(
                "locales/{lang}/{}: message `{}` exists in language {lang} but not in language {other_lang}",
                m.file, m.id
            ));
        }
    }
    let mut entries = Vec::new();
    for (id, d) in de_map {
        let e = &en_map[id];
        if d.file != e.file {
            return Err(format!(
                "message `{id}` is in locales/de/{} (language de) but in locales/en/{} (language en)",
                d.file, e.file
            ));
        }
        let (dv, ev) = (variables(&d.parts), variables(&e.parts));
        if dv != ev {
            let show = |s: &BTreeSet<String>| {
                s.iter()
                    .map(|v| format!("${v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            return Err(format!(
                "locales/{{de,en}}/{}: message `{id}` uses variables [{}] in language de but [{}] in language en",
                d.file,
                show(&dv),
                show(&ev)
            ));
        }
        for (lang, m) in [("de", d), ("en", e)] {
            check_selects(
                &m.parts,
                &format!(
                    "locales/{lang}/{}: message `{id}` (language {lang})",
                    m.file
                ),
            )?;
        }
        entries.push(Entry {
            id: id.clone(),
            file: d.file.clone(),
            args: dv.into_iter().collect(),
            values: [d.parts.clone(), e.parts.clone()],
        });
    }
    Ok(entries)
}

fn check_selects(parts: &[Part], at: &str) -> Result<(), String> {
    for p in parts {
        if let Part::Select { variants, .. } = p {
            if variants.iter().filter(|v| v.default).count() != 1 {
                return Err(format!(
                    "{at}: a selector needs exactly one default variant `*[…]`"
                ));
            }
            let mut keys = BTreeSet::new();
            for v in variants {
                if !keys.insert(&v.key) {
                    return Err(format!("{at}: variant `[{}]` appears twice", v.key));
                }
                check_selects(&v.parts, at)?;
            }
        }
    }
    Ok(())
}

/// The accessor's name for a message id.
pub fn accessor(id: &str) -> String {
    id.replace('-', "_")
}

/// Writes the accessors for checked messages.
pub fn generate(entries: &[Entry]) -> String {
    let mut out = String::new();
    out.push_str("// Generated by crates/text/build.rs from crates/text/locales; do not edit.\n\n");
    for e in entries {
        let name = accessor(&e.id);
        let en_doc = plain(&e.values[1]);
        let de_doc = plain(&e.values[0]);
        let _ = writeln!(
            out,
            "#[doc = {:?}]",
            format!("`{}` ({}): “{}” / “{}”", e.id, e.file, de_doc, en_doc)
        );
        if e.args.is_empty() {
            let _ = writeln!(
                out,
                "pub fn {name}(lang: Lang) -> &'static str {{\n    match lang {{"
            );
            for (i, (_, variant)) in LANGS.iter().enumerate() {
                let _ = writeln!(out, "        Lang::{variant} => {:?},", plain(&e.values[i]));
            }
            out.push_str("    }\n}\n\n");
        } else {
            let params: Vec<String> = e
                .args
                .iter()
                .map(|a| format!("{a}: impl ::std::fmt::Display"))
                .collect();
            let _ = writeln!(
                out,
                "pub fn {name}(lang: Lang, {}) -> String {{\n    let mut out = String::new();\n    match lang {{",
                params.join(", ")
            );
            for (i, (_, variant)) in LANGS.iter().enumerate() {
                let _ = writeln!(out, "        Lang::{variant} => {{");
                write_parts(&mut out, &e.values[i], 3);
                out.push_str("        }\n");
            }
            out.push_str("    }\n    out\n}\n\n");
        }
    }
    // Every message with placeholder arguments, for the crate's own tests.
    out.push_str("#[cfg(test)]\npub(crate) fn render_all(lang: Lang) -> Vec<(&'static str, String)> {\n    vec![\n");
    for e in entries {
        let args: String = e.args.iter().map(|a| format!(", \"{{{a}}}\"")).collect();
        let call = format!("{}(lang{args})", accessor(&e.id));
        let _ = writeln!(out, "        ({:?}, {call}.to_string()),", e.id);
    }
    out.push_str("    ]\n}\n");
    out
}

/// The text of a message without variables; for variables and selectors (docs only) their
/// Fluent form.
fn plain(parts: &[Part]) -> String {
    let mut s = String::new();
    for p in parts {
        match p {
            Part::Text(t) => s.push_str(t),
            Part::Var(v) => {
                let _ = write!(s, "{{ ${v} }}");
            }
            Part::Select { var, .. } => {
                let _ = write!(s, "{{ ${var} -> … }}");
            }
        }
    }
    s
}

fn write_parts(out: &mut String, parts: &[Part], depth: usize) {
    let pad = "    ".repeat(depth);
    for p in parts {
        match p {
            Part::Text(t) if t.is_empty() => {}
            Part::Text(t) if t.chars().count() == 1 => {
                let _ = writeln!(out, "{pad}out.push({:?});", t.chars().next().unwrap_or(' '));
            }
            Part::Text(t) => {
                let _ = writeln!(out, "{pad}out.push_str({t:?});");
            }
            Part::Var(v) => {
                let _ = writeln!(
                    out,
                    "{pad}let _ = ::std::fmt::Write::write_fmt(&mut out, format_args!(\"{{{v}}}\"));"
                );
            }
            Part::Select { var, variants } => {
                let keys: Vec<String> = variants.iter().map(|v| format!("{:?}", v.key)).collect();
                let default = variants.iter().position(|v| v.default).unwrap_or(0);
                let _ = writeln!(
                    out,
                    "{pad}match crate::variant(&{var}.to_string(), &[{}], {default}) {{",
                    keys.join(", ")
                );
                for (i, v) in variants.iter().enumerate() {
                    if i == variants.len() - 1 {
                        let _ = writeln!(out, "{pad}    _ => {{");
                    } else {
                        let _ = writeln!(out, "{pad}    {i} => {{");
                    }
                    write_parts(out, &v.parts, depth + 2);
                    let _ = writeln!(out, "{pad}    }}");
                }
                let _ = writeln!(out, "{pad}}}");
            }
        }
    }
}
