//! `kundenwert`: customer value, customer types and the problem-solving chain from ERP exports.
//!
//! The binary is glue: every subcommand is one module that parses its arguments, calls the
//! library crates (mostly `kundenwert-workbench`) and prints: `analyze`, `series`, `demo`,
//! `import`, `settings`, `chain`, `plan`, `select`, `report`, `serve`, `user` and `token` (the last
//! two in `accounts`). Shared between them: the input options and
//! the import with its progress bar and rejected rows (`input`), the workspace's opening and
//! refresh with messages a user can act on (`workspace`), the future value's JSON and text
//! (`future`), numbers and dates for German and English readers (`fmt`), and where a result goes
//! (`output`). Errors the user can act on carry a `hint:` line; exit codes: 0 done, 1 input
//! unreadable or nothing usable, 2 usage error.

// Stdout is written through `output::{out, outln}` or `output::write_out`, which return a
// reader that has gone as an error; `print!` would panic.
#![deny(clippy::print_stdout)]

mod accounts;
mod analyze;
mod chain;
mod demo;
mod fmt;
mod future;
mod import;
mod input;
mod output;
mod plan;
mod report;
mod select;
mod series;
mod serve;
mod settings;
mod workspace;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use kundenwert_core::Lang;

// The import builds millions of small per-customer allocations; mimalloc makes them and the
// final teardown markedly cheaper than the system allocator (see docs/benchmarks-log.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Customer value from ERP exports: value series, customer types, future value.
#[derive(Debug, Parser)]
#[command(name = "kundenwert", version, about, max_term_width = 100)]
struct Cli {
    /// The workspace store (SQLite file, default `./kundenwert.db`): transactions, chains and
    /// focus plans kept between runs.
    #[arg(long, global = true, env = "KUNDENWERT_WORKSPACE", value_name = "PATH")]
    workspace: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Read exports and show every customer's value history, current value and rejected rows.
    Analyze(analyze::Args),
    /// Store exports in the workspace (same import as `analyze`; importing a file twice adds
    /// nothing); `analyze` without files then analyses the workspace.
    Import(import::Args),
    /// The problem-solving chain: import, export (YAML, JSON, SVG, PNG, Mermaid, DOT, draw.io,
    /// GraphML), list, show, contact gaps, and editing actors, persons and flows.
    Chain(chain::Args),
    /// The focus plan (Vorlage): scope, reasons, target customers (listed or a selection),
    /// activities, coaching, priorities; Markdown or HTML in German or English.
    Plan(plan::Args),
    /// Named customer selections (`type=growth and future_value>10000`) for plans and chains.
    Select(select::Args),
    /// Write the workspace's analysis as a report to hand on: `-o report.html` (to read, mail
    /// and print) or `-o report.xlsx` (every customer, and their values per month).
    Report(report::Args),
    /// The settings the workspace's analysis uses: show, set one, import a TOML file.
    Settings(settings::Args),
    /// Write the customer × period table (revenue, cost, margin, orders) as CSV.
    Series(series::Args),
    /// Start the web workbench on the workspace (`--demo`: with the demo company when the
    /// workspace is empty).
    Serve(serve::Args),
    /// The web workbench's users: add, passwd, role, list, rm.
    User(accounts::UserArgs),
    /// API tokens for the web workbench's REST API: create, list, revoke.
    Token(accounts::TokenArgs),
    /// Write a synthetic German company (about 5,000 customers) as an ERP export, with the true
    /// customer types beside it.
    Demo(demo::Args),
}

/// Language of messages and reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    /// Deutsch.
    De,
    /// English.
    En,
}

/// The language asked for, else the one of the environment (`LANG=de_DE...` → German).
pub fn resolve_lang(arg: Option<LangArg>) -> Lang {
    match arg {
        Some(LangArg::De) => Lang::De,
        Some(LangArg::En) => Lang::En,
        None => {
            let env = std::env::var("LC_ALL")
                .ok()
                .filter(|v| !v.is_empty())
                .or_else(|| std::env::var("LANG").ok())
                .unwrap_or_default();
            if env.starts_with("de") {
                Lang::De
            } else {
                Lang::En
            }
        }
    }
}

/// Phase timings on stderr when `KUNDENWERT_TIMINGS` is set, for benchmarking.
#[derive(Debug)]
pub struct Timer {
    enabled: bool,
    last: std::cell::Cell<std::time::Instant>,
}

impl Timer {
    /// Starts timing.
    pub fn start() -> Self {
        Timer {
            enabled: std::env::var_os("KUNDENWERT_TIMINGS").is_some(),
            last: std::cell::Cell::new(std::time::Instant::now()),
        }
    }

    /// Prints a measurement taken elsewhere.
    pub fn note(&self, what: &str) {
        if self.enabled {
            eprintln!("timing: {what}");
        }
    }

    /// Prints the time since the previous lap.
    pub fn lap(&self, phase: &str) {
        if self.enabled {
            let now = std::time::Instant::now();
            eprintln!(
                "timing: {phase} {:.3} s{}",
                (now - self.last.get()).as_secs_f64(),
                memory_note()
            );
            self.last.set(now);
        }
    }
}

/// ", resident X MB, peak Y MB" from `/proc/self/status` where the system has it (Linux), so a
/// lap shows what a phase holds as well as how long it took; empty elsewhere.
fn memory_note() -> String {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return String::new();
    };
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
    };
    match (field("VmRSS:"), field("VmHWM:")) {
        (Some(rss), Some(peak)) => format!(", resident {} MB, peak {} MB", rss / 1024, peak / 1024),
        _ => String::new(),
    }
}

/// A document (chain or plan file, or an edit) that does not hold: a head line naming what and
/// how many problems (`head` gets the count, e.g. `kundenwert_text::file_invalid_chain`), then
/// one indented line per problem with its path; exit code 2, and the hint that nothing was
/// stored.
pub fn invalid_document(
    head: fn(Lang, usize) -> String,
    problems: &[String],
    lang: Lang,
) -> UserError {
    let head = head(lang, problems.len());
    let lines: Vec<String> = problems.iter().map(|p| format!("  {p}")).collect();
    UserError::usage(
        format!("{head}\n{}", lines.join("\n")),
        Some(kundenwert_text::file_invalid_nothing_stored(lang).into()),
    )
}

/// A failure the user can act on: message, optional hint, exit code.
#[derive(Debug)]
pub struct UserError {
    message: String,
    hint: Option<String>,
    code: u8,
}

impl UserError {
    /// Exit code 1: input unreadable or nothing usable.
    pub fn input(message: String, hint: Option<String>) -> Self {
        UserError {
            message,
            hint,
            code: 1,
        }
    }

    /// Exit code 2: the command line is wrong.
    pub fn usage(message: String, hint: Option<String>) -> Self {
        UserError {
            message,
            hint,
            code: 2,
        }
    }
}

impl std::fmt::Display for UserError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UserError {}

fn main() -> ExitCode {
    let cli = Cli::parse();
    kundenwert_ingest::quiet_reader_panics();
    workspace::set_path(cli.workspace);
    let result = match cli.command {
        Command::Import(args) => import::run(args),
        Command::Chain(args) => chain::run(args),
        Command::Plan(args) => plan::run(args),
        Command::Select(args) => select::run(args),
        Command::Report(args) => report::run(args),
        Command::Analyze(args) => analyze::run(args),
        Command::Series(args) => series::run(args),
        Command::Settings(args) => settings::run(args),
        Command::Demo(args) => demo::run(args),
        Command::Serve(args) => serve::run(args),
        Command::User(args) => accounts::run_user(args),
        Command::Token(args) => accounts::run_token(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // A reader that stopped reading (`| head`) is not a failure (as in ripgrep).
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            if let Some(user) = err.downcast_ref::<UserError>() {
                eprintln!("error: {}", user.message);
                if let Some(hint) = &user.hint {
                    eprintln!("hint: {hint}");
                }
                ExitCode::from(user.code)
            } else {
                eprintln!("error: {err:#}");
                ExitCode::from(1)
            }
        }
    }
}

/// Whether `err` comes from writing to a pipe whose reader has gone: an I/O error of that kind,
/// also when it reached us wrapped in a JSON serialiser's error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        let kind = e
            .downcast_ref::<std::io::Error>()
            .map(std::io::Error::kind)
            .or_else(|| {
                e.downcast_ref::<serde_json::Error>()
                    .and_then(serde_json::Error::io_error_kind)
            });
        kind == Some(std::io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use super::is_broken_pipe;
    use std::io::{Error, ErrorKind};

    #[test]
    fn a_broken_pipe_is_recognised_bare_wrapped_and_in_a_json_error() {
        let bare = anyhow::Error::from(Error::from(ErrorKind::BrokenPipe));
        let wrapped = bare.context("writing the summary");
        let json = anyhow::Error::from(serde_json::Error::io(Error::from(ErrorKind::BrokenPipe)));
        let other = anyhow::Error::from(Error::from(ErrorKind::PermissionDenied));
        assert!(is_broken_pipe(&wrapped));
        assert!(is_broken_pipe(&json));
        assert!(!is_broken_pipe(&other));
    }
}
