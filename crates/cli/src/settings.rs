//! `kundenwert settings`: the settings the workspace's analysis uses — `show`, `set KEY VALUE`,
//! `import FILE.toml` (the format of the configuration file, `config/kundenwert.toml`). A
//! change brings the stored analysis up to date at once. Also the `--config FILE` of `analyze`
//! and how outputs state the settings they were computed with.

use crate::output::outln;
use kundenwert_text as text;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::Subcommand;
use kundenwert_core::Lang;
use kundenwert_workbench::Settings;
use serde_json::Value;

use crate::{resolve_lang, LangArg, UserError};

/// Arguments of `kundenwert settings`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Language of messages: de or en (default: from LANG).
    #[arg(long, value_enum, global = true, env = "KUNDENWERT_LANG")]
    lang: Option<LangArg>,

    /// Store the settings without bringing the analysis up to date (the next command that
    /// reads it does).
    #[arg(long, global = true)]
    no_analysis: bool,

    #[command(subcommand)]
    command: SettingsCommand,
}

#[derive(Debug, Subcommand)]
enum SettingsCommand {
    /// Every setting with its value; `*` marks those that differ from the default.
    Show,
    /// Set one setting: `settings set forecast.horizon 6`, `settings set
    /// cost_to_serve.per_order 25`, `settings set forecast.time_unit day`.
    Set {
        /// The setting (`section.key`, as `settings show` lists them).
        key: String,
        /// The value (a number, `true`/`false`, a word, or a TOML array).
        #[arg(allow_hyphen_values = true)]
        value: String,
    },
    /// Replace the settings by those of a TOML file (what it leaves out takes its default).
    Import {
        /// The file, in the format of `config/kundenwert.toml`.
        file: PathBuf,
    },
}

/// Reads a settings file (`--config`).
pub fn load_file(path: &Path, lang: Lang) -> Result<Settings> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        UserError::usage(text::settings_cannot_read(lang, &e, path.display()), None)
    })?;
    Settings::parse(&text).map_err(|e| {
        let (message, hint) = e.localized(lang);
        UserError::usage(format!("`{}`: {message}", path.display()), hint).into()
    })
}

/// The settings as the JSON documents state them: the settings that differ from the defaults,
/// by key.
pub fn json(settings: &Settings) -> Value {
    let mut changed = serde_json::Map::new();
    for (key, value, differs) in settings.lines() {
        if differs {
            let v = toml::from_str::<toml::Table>(&format!("v = {value}"))
                .ok()
                .and_then(|t| t.get("v").cloned())
                .and_then(|v| serde_json::to_value(v).ok())
                .unwrap_or(Value::String(value));
            changed.insert(key, v);
        }
    }
    serde_json::json!({ "changed": changed })
}

/// The settings that differ from the defaults, as one line (`forecast.horizon = 6, …`), or
/// "defaults".
pub fn changed_text(settings: &Settings, lang: Lang) -> String {
    let changed: Vec<String> = settings
        .lines()
        .into_iter()
        .filter(|(_, _, differs)| *differs)
        .map(|(k, v, _)| format!("{k} = {v}"))
        .collect();
    if changed.is_empty() {
        text::settings_defaults(lang).to_owned()
    } else {
        changed.join(", ")
    }
}

pub fn run(args: Args) -> Result<()> {
    let lang = resolve_lang(args.lang);
    match args.command {
        SettingsCommand::Show => {
            let settings = if crate::workspace::path().exists() {
                crate::workspace::open_workbench(lang)?
                    .settings()
                    .map_err(|e| crate::workspace::workbench_error(&e, lang))?
            } else {
                Settings::default()
            };
            let mut out = std::io::stdout().lock();
            writeln!(
                out,
                "{}",
                text::settings_show_title(lang, crate::workspace::path().display())
            )?;
            for (key, value, differs) in settings.lines() {
                let value = if value.is_empty() {
                    text::settings_not_set(lang).to_owned()
                } else {
                    value
                };
                writeln!(out, "  {key} = {value}{}", if differs { "  *" } else { "" })?;
            }
            Ok(())
        }
        SettingsCommand::Set { key, value } => {
            let mut bench = kundenwert_workbench::Workbench::new(crate::workspace::open(lang)?);
            let settings = bench
                .set_setting(&key, &value)
                .map_err(|e| crate::workspace::workbench_error(&e, lang))?;
            let shown = settings
                .lines()
                .into_iter()
                .find(|(k, _, _)| *k == key)
                .map_or(value, |(_, v, _)| v);
            outln!("{}", text::settings_stored(lang, &key, shown));
            if !args.no_analysis {
                crate::workspace::refresh(&mut bench, lang)?;
            }
            Ok(())
        }
        SettingsCommand::Import { file } => {
            let text = std::fs::read_to_string(&file).map_err(|e| {
                UserError::usage(text::settings_cannot_read(lang, &e, file.display()), None)
            })?;
            let mut bench = kundenwert_workbench::Workbench::new(crate::workspace::open(lang)?);
            let settings = bench.import_settings(&text).map_err(|e| match e {
                kundenwert_workbench::WorkbenchError::Settings(e) => {
                    let (message, hint) = e.localized(lang);
                    UserError::usage(format!("`{}`: {message}", file.display()), hint).into()
                }
                other => crate::workspace::workbench_error(&other, lang),
            })?;
            outln!(
                "{}",
                text::settings_imported(lang, changed_text(&settings, lang), file.display())
            );
            if !args.no_analysis {
                crate::workspace::refresh(&mut bench, lang)?;
            }
            Ok(())
        }
    }
}
