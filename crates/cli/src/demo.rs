//! `kundenwert demo`: writes the synthetic German mid-sized company of
//! [`kundenwert_analysis::demo`] as a German ERP export (Windows-1252, `;`, decimal comma,
//! `DD.MM.YYYY`, CRLF) and the true customer types beside it.

use crate::output::out;
use kundenwert_text as text;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use chrono::{Datelike, NaiveDate};
use kundenwert_analysis::demo::{generate, Demo, DemoConfig, MONTHS};
use kundenwert_analysis::CustomerType;
use kundenwert_core::Lang;
use kundenwert_store::Workspace;

use crate::fmt::count;
use crate::{resolve_lang, LangArg, UserError};

/// The invoice lines.
pub const EXPORT_FILE: &str = "rechnungen.csv";
/// The true type of every customer.
pub const TRUTH_FILE: &str = "kundentypen_wahr.csv";

/// Arguments of `kundenwert demo`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folder to write the demo files to (created if missing).
    #[arg(long, value_name = "DIR", default_value = "kundenwert-demo")]
    out: PathBuf,

    /// Overwrite demo files that already exist.
    #[arg(long)]
    force: bool,

    /// Language of messages: de or en (default: from LANG).
    #[arg(long, value_enum, env = "KUNDENWERT_LANG")]
    lang: Option<LangArg>,

    /// Only write the files; do not also store the export in the workspace.
    #[arg(long)]
    no_import: bool,

    /// Seed of the generator: another seed, another company of the same kind.
    #[arg(long, value_name = "N")]
    seed: Option<u64>,

    /// How often each true type is drawn, e.g. `growth=0.3,bell=0.02` (types not named keep
    /// their default share; all are then scaled to add up to one). Types: steady, cyclical,
    /// bell, growth, shrinking, barnacle, new.
    #[arg(long, value_name = "TYPE=SHARE,...", value_delimiter = ',', value_parser = parse_share)]
    type_shares: Vec<(CustomerType, f64)>,
}

/// `growth=0.3` as a type and its share.
fn parse_share(s: &str) -> std::result::Result<(CustomerType, f64), String> {
    let (name, share) = s
        .split_once('=')
        .ok_or_else(|| format!("`{s}` is not TYPE=SHARE"))?;
    let t = CustomerType::ALL
        .into_iter()
        .find(|t| t.id() == name.trim())
        .ok_or_else(|| {
            format!(
                "`{name}` is not a type (steady, cyclical, bell, growth, shrinking, barnacle, new)"
            )
        })?;
    let share: f64 = share
        .trim()
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite() && *v >= 0.0)
        .ok_or_else(|| format!("`{share}` is not a share (a number of at least 0)"))?;
    Ok((t, share))
}

/// The example chain the demo brings: the hydraulics chain of the handbook's kind.
const DEMO_CHAIN: &str = include_str!("../../../data/demo/kette_hydraulik.yaml");
/// The example focus plan the demo brings, on the demo company's growth customers.
const DEMO_PLAN: &str = include_str!("../../../data/demo/fokusplan_wachstum.yaml");

/// `serve --demo` on an empty workspace: writes the demo company to `kundenwert-demo/` and
/// stores it with its analysis, the example chain and focus plan, as `kundenwert demo` does.
pub fn bring_demo(lang: Lang) -> Result<()> {
    run(Args {
        out: PathBuf::from("kundenwert-demo"),
        force: true,
        lang: Some(match lang {
            Lang::De => LangArg::De,
            Lang::En => LangArg::En,
        }),
        no_import: false,
        seed: None,
        type_shares: Vec::new(),
    })
}

/// Stores the example chain and focus plan beside the demo company, each only where the
/// workspace has none of that name yet (a chain edited since stays as it is). Returns the
/// line that says what was stored, if anything was.
fn store_examples(lang: Lang) -> Result<Option<String>> {
    let mut store = crate::workspace::open(lang)?;
    let store_err = |e: kundenwert_store::StoreError| crate::workspace::store_error(&e, lang);
    let chain = kundenwert_chain::parse(DEMO_CHAIN, Some(kundenwert_chain::Format::Yaml))
        .map_err(|e| anyhow::anyhow!("the demo chain: {e}"))?;
    let plan = kundenwert_chain::plan::parse_plan(DEMO_PLAN, Some(kundenwert_chain::Format::Yaml))
        .map_err(|e| anyhow::anyhow!("the demo plan: {e}"))?;
    let mut stored = Vec::new();
    if store.get_chain(&chain.chain).map_err(store_err)?.is_none() {
        store
            .put_chain(&chain.chain, &kundenwert_chain::export::to_json(&chain))
            .map_err(store_err)?;
        stored.push(text::demo_example_chain(lang, &chain.chain));
    }
    if store.get_plan(&plan.plan).map_err(store_err)?.is_none() {
        store
            .put_plan(&plan.plan, &kundenwert_chain::plan::plan_to_json(&plan))
            .map_err(store_err)?;
        stored.push(text::demo_example_plan(lang, &plan.plan));
    }
    Ok((!stored.is_empty())
        .then(|| text::demo_examples_stored(lang, stored.join(text::demo_and(lang)))))
}

pub fn run(args: Args) -> Result<()> {
    let lang = resolve_lang(args.lang);
    let export = args.out.join(EXPORT_FILE);
    let truth = args.out.join(TRUTH_FILE);
    if !args.force {
        if let Some(existing) = [&export, &truth].into_iter().find(|p| p.exists()) {
            return Err(UserError::usage(
                text::demo_exists(lang, existing.display()),
                Some(text::demo_exists_hint(lang).to_string()),
            )
            .into());
        }
    }
    let timer = crate::Timer::start();
    let mut config = DemoConfig::default();
    if let Some(seed) = args.seed {
        config.seed = seed;
    }
    for (t, share) in &args.type_shares {
        if let Some(slot) = config.type_shares.iter_mut().find(|(k, _)| k == t) {
            slot.1 = *share;
        }
    }
    if config.type_shares.iter().all(|(_, w)| *w <= 0.0) {
        return Err(UserError::usage(
            text::demo_all_shares_zero(lang).to_string(),
            Some(text::demo_all_shares_zero_hint(lang).to_string()),
        )
        .into());
    }
    let demo = generate(&config);
    timer.lap("generate");
    let bytes = export_bytes(&demo)?;
    timer.lap("format");
    std::fs::create_dir_all(&args.out)
        .with_context(|| kundenwert_text::file_cannot_create(lang, args.out.display()))?;
    crate::output::write_file(&export, &bytes, lang)?;
    crate::output::write_file(&truth, truth_csv(&demo).as_bytes(), lang)?;
    timer.lap("write");
    out!("{}", summary(&demo, &export, &truth, lang));
    if !args.no_import {
        // The demo company also fills the workspace, with an example chain and focus plan,
        // so `kundenwert analyze` (without files), chains, plans and reports can be tried on
        // it right away.
        let input = crate::input::InputArgs {
            files: vec![export.clone()],
            lang: args.lang,
            columns: Vec::new(),
            delimiter: None,
            decimal: None,
            date_format: None,
            encoding: None,
            rejects: None,
            as_of: None,
        };
        out!("\n{}", crate::import::store_files(&input)?);
        if let Some(stored) = store_examples(lang)? {
            out!("{stored}\n");
        }
        let mut bench = crate::workspace::open_workbench(lang)?;
        crate::workspace::refresh(&mut bench, lang)?;
    }
    Ok(())
}

/// `1.234,56`, `-77,80`: cents as a German amount with thousands dots (fast: 346,000 lines
/// with three amounts each, also in debug builds).
fn push_amount_de(out: &mut String, cents: i64) {
    if cents < 0 {
        out.push('-');
    }
    let abs = cents.unsigned_abs();
    let mut buf = itoa::Buffer::new();
    let int = buf.format(abs / 100);
    let head = match int.len() % 3 {
        0 => 3,
        n => n,
    };
    out.push_str(&int[..head]);
    let mut rest = &int[head..];
    while !rest.is_empty() {
        out.push('.');
        out.push_str(&rest[..3]);
        rest = &rest[3..];
    }
    let frac = (abs % 100) as u8;
    let digits = [b',', b'0' + frac / 10, b'0' + frac % 10];
    out.push_str(std::str::from_utf8(&digits).unwrap_or(",00"));
}

/// `DD.MM.YYYY`.
fn push_date_de(out: &mut String, date: NaiveDate) {
    let (d, m) = (date.day() as u8, date.month() as u8);
    let digits = [
        b'0' + d / 10,
        b'0' + d % 10,
        b'.',
        b'0' + m / 10,
        b'0' + m % 10,
        b'.',
    ];
    out.push_str(std::str::from_utf8(&digits).unwrap_or(""));
    out.push_str(itoa::Buffer::new().format(date.year()));
}

/// A field as CSV needs it: quoted when it holds the delimiter, a quote or a line break.
fn field(out: &mut String, value: &str) {
    // One `contains` per character: a character-set pattern is slow in debug builds.
    if value.contains(';') || value.contains('"') || value.contains('\n') || value.contains('\r') {
        out.push('"');
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(value);
    }
}

/// The invoice lines as a German ERP writes them: Windows-1252, `;`, CRLF.
pub fn export_bytes(demo: &Demo) -> Result<Vec<u8>> {
    let mut text = String::with_capacity(demo.lines.len() * 120);
    text.push_str("Belegnummer;Kundennr.;Kundenname;Belegdatum;Artikel;Bezeichnung;Menge;Einzelpreis;Nettoumsatz;Wareneinsatz\r\n");
    let mut itoa = itoa::Buffer::new();
    for l in &demo.lines {
        for (i, text_field) in [&l.document, &l.customer_id, &l.customer_name]
            .into_iter()
            .enumerate()
        {
            if i > 0 {
                text.push(';');
            }
            field(&mut text, text_field);
        }
        text.push(';');
        push_date_de(&mut text, l.date);
        text.push(';');
        field(&mut text, l.article);
        text.push(';');
        field(&mut text, l.description);
        text.push(';');
        text.push_str(itoa.format(l.quantity));
        for amount in [l.unit_price_cents, l.revenue_cents, l.cost_cents] {
            text.push(';');
            push_amount_de(&mut text, amount);
        }
        text.push_str("\r\n");
    }
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&text);
    if unmappable {
        bail!("the demo data holds a character Windows-1252 cannot encode");
    }
    Ok(bytes.into_owned())
}

/// `Kundennr.;Typ` (UTF-8, LF), the type as `analyze` names it.
pub fn truth_csv(demo: &Demo) -> String {
    let mut text = String::from("Kundennr.;Typ\n");
    for (id, kind) in &demo.truth {
        text.push_str(id);
        text.push(';');
        text.push_str(kind.id());
        text.push('\n');
    }
    text
}

fn summary(demo: &Demo, export: &Path, truth: &Path, lang: Lang) -> String {
    let customers = count(demo.truth.len() as u64, lang);
    let lines = count(demo.lines.len() as u64, lang);
    let width = export
        .display()
        .to_string()
        .chars()
        .count()
        .max(truth.display().to_string().chars().count());
    let as_of = crate::fmt::date(demo.as_of, lang);
    let title = text::demo_written(lang, as_of, &customers, MONTHS);
    let export_text = text::demo_export_file(lang, lines);
    let truth_text = text::demo_truth_file(lang, &customers);
    let next = text::demo_next(lang);
    format!(
        "{title}\n  {:<width$}  {export_text}\n  {:<width$}  {truth_text}\n{next}\n  kundenwert analyze {}\n",
        export.display(),
        truth.display(),
        shell_word(&export.display().to_string()),
    )
}

/// A path as one shell word: quoted when it holds anything but plain characters.
fn shell_word(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_alphanumeric() || "/._-+:,@".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_and_amounts() {
        let amounts = |values: &[i64]| {
            let mut s = String::new();
            for v in values {
                push_amount_de(&mut s, *v);
                s.push(' ');
            }
            s
        };
        assert_eq!(
            amounts(&[123_456, -7_780, 5, 0, 100_000_000, -12_345_678_901]),
            "1.234,56 -77,80 0,05 0,00 1.000.000,00 -123.456.789,01 "
        );
        let mut s = String::new();
        push_date_de(&mut s, NaiveDate::from_ymd_opt(2025, 3, 7).unwrap());
        assert_eq!(s, "07.03.2025");
        let mut s = String::new();
        field(&mut s, "Schlauchverbinder 12\"");
        s.push('|');
        field(&mut s, "Montagematerial; pauschal");
        s.push('|');
        field(&mut s, "Müller GmbH");
        assert_eq!(
            s,
            "\"Schlauchverbinder 12\"\"\"|\"Montagematerial; pauschal\"|Müller GmbH"
        );
        assert_eq!(
            shell_word("kundenwert-demo/rechnungen.csv"),
            "kundenwert-demo/rechnungen.csv"
        );
        assert_eq!(shell_word("mein ordner/r.csv"), "'mein ordner/r.csv'");
    }
}
