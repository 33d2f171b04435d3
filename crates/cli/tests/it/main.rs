//! Integration tests of the `kundenwert` binary: terminal summary, `analyze --json`, exit codes,
//! the rejects file, `series` and the CDNOW data set. The binary runs as a user would start it,
//! with `LANG=C` and an explicit `--lang`, in a temporary folder holding copies of the fixtures.
//!
//! One test binary for the crate, with every file a module of it: each test binary is linked
//! on its own, and on a 2-core CI the link steps add up.

mod analyze;
mod cdnow;
mod chain;
mod concurrency;
mod crash_safety;
mod demo;
mod exit_codes;
mod limits;
mod plan;
mod rejects;
mod report;
mod series;
mod settings;
mod web;
mod workspace;

use std::path::{Path, PathBuf};
use std::process::Command;

/// `tests/fixtures`.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A temporary folder holding a copy of `export_de.csv`, so that file names in the output are
/// the relative names a user types.
pub fn workdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::copy(
        fixtures().join("export_de.csv"),
        dir.path().join("export_de.csv"),
    )
    .expect("copy fixture");
    dir
}

/// The binary with a clean environment: no language, workspace or timing variables of the
/// machine running the tests leak in.
pub fn kundenwert(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kundenwert"));
    cmd.current_dir(dir)
        .env("LANG", "C")
        .env_remove("LC_ALL")
        .env_remove("KUNDENWERT_LANG")
        .env_remove("KUNDENWERT_WORKSPACE")
        .env_remove("KUNDENWERT_TIMINGS");
    cmd
}

/// What one run printed and how it ended.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Exit code, stdout and stderr in one text, for snapshots.
    pub fn render(&self) -> String {
        format!(
            "exit_code: {}\n----- stdout -----\n{}----- stderr -----\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Runs `kundenwert ARGS` in `dir`.
pub fn run(dir: &Path, args: &[&str]) -> Run {
    let out = kundenwert(dir).args(args).output().expect("run kundenwert");
    Run {
        code: out.status.code().expect("exit code"),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// Snapshot settings: the temporary folder shows as `[TEMP]`.
pub fn settings(dir: &Path) -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    let temp = dir.display().to_string();
    settings.add_filter(&regex_escape(&temp), "[TEMP]");
    settings
}

fn regex_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
