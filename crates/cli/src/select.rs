//! `kundenwert select`: named customer selections (`type=growth and future_value>10000`) kept
//! in the workspace, re-evaluated on the current data whenever they are used — by focus plans
//! as `@name` or on their own.

use crate::output::outln;
use kundenwert_text as text;
use std::io::Write;

use anyhow::Result;
use clap::Subcommand;
use kundenwert_core::Lang;
use kundenwert_store::Workspace;

use crate::{resolve_lang, LangArg, UserError};

/// Arguments of `kundenwert select`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Language of messages: de or en (default: from LANG).
    #[arg(long, value_enum, global = true, env = "KUNDENWERT_LANG")]
    lang: Option<LangArg>,

    #[command(subcommand)]
    command: SelectCommand,
}

#[derive(Debug, Subcommand)]
enum SelectCommand {
    /// Save a selection: `select save wachstum "type=growth and future_value > 10000"`.
    /// Fields: id, name, type, status, abc, current_value, future_value, revenue, margin,
    /// p_alive, transactions; operators = != < <= > >= ~ in (...), and/or/not, parentheses.
    Save {
        /// Name (plans refer to it as `@name`).
        name: String,
        /// The expression.
        expression: String,
    },
    /// The customers a selection (a name or an expression) matches on the current data.
    Show {
        /// A saved selection's name or an expression.
        selection: String,
    },
    /// List the saved selections.
    List,
    /// Delete a saved selection.
    Rm {
        /// Name.
        name: String,
    },
}

fn parse(expr: &str, lang: Lang) -> Result<kundenwert_chain::selection::Selection> {
    kundenwert_chain::selection::parse(expr).map_err(|e| {
        UserError::usage(
            format!("`{expr}`: {}", e.localized(lang)),
            Some(text::select_example_hint(lang).into()),
        )
        .into()
    })
}

pub fn run(args: Args) -> Result<()> {
    let lang = resolve_lang(args.lang);
    match args.command {
        SelectCommand::Save { name, expression } => {
            let sel = parse(&expression, lang)?;
            let mut store = crate::workspace::open(lang)?;
            // Stored in its canonical form, which parses back to the same selection.
            store
                .put_selection(&name, &sel.to_string())
                .map_err(|e| crate::workspace::store_error(&e, lang))?;
            outln!("{}", text::select_saved(lang, &name, &sel));
            Ok(())
        }
        SelectCommand::Show { selection } => {
            let bench = crate::workspace::analysed(lang)?;
            let saved = bench
                .store()
                .get_selection(&selection)
                .map_err(|e| crate::workspace::store_error(&e, lang))?;
            let sel = parse(saved.as_deref().unwrap_or(&selection), lang)?;
            // Page by page: a selection of a million customers is never held at once.
            let (total, mut pages) = bench
                .select_pages(&sel, 10_000)
                .map_err(|e| crate::workspace::workbench_error(&e, lang))?;
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            if let Some(line) = crate::workspace::analysis_line(&bench, lang)? {
                writeln!(out, "{line}")?;
            }
            writeln!(
                out,
                "{}",
                text::select_matched(lang, crate::fmt::count(total, lang), &sel)
            )?;
            while let Some(page) = pages
                .next_page()
                .map_err(|e| crate::workspace::workbench_error(&e, lang))?
            {
                for c in &page {
                    let row = crate::fmt::customer_row(
                        &c.number,
                        c.name.as_deref(),
                        kundenwert_workbench::type_label(c, lang),
                        Some(c.current_value),
                        c.future_value,
                        lang,
                    );
                    writeln!(out, "{row}")?;
                }
            }
            out.flush()?;
            Ok(())
        }
        SelectCommand::List => {
            if !crate::workspace::path().exists() {
                return Ok(());
            }
            let store = crate::workspace::open_existing(lang)?;
            for s in store
                .list_selections()
                .map_err(|e| crate::workspace::store_error(&e, lang))?
            {
                let expr = store
                    .get_selection(&s.name)
                    .map_err(|e| crate::workspace::store_error(&e, lang))?
                    .unwrap_or_default();
                outln!("@{}  {expr}", s.name);
            }
            Ok(())
        }
        SelectCommand::Rm { name } => {
            let mut store = crate::workspace::open_existing(lang)?;
            let removed = store
                .delete_selection(&name)
                .map_err(|e| crate::workspace::store_error(&e, lang))?;
            if !removed {
                return Err(UserError::input(text::select_no_such(lang, &name), None).into());
            }
            outln!("{}", text::select_deleted(lang, &name));
            Ok(())
        }
    }
}
