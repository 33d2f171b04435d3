//! Where a command's result goes: a file the user named, or stdout.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use kundenwert_core::Lang;

/// Writes `bytes` to `output`, or to stdout without one.
pub fn write_out(output: Option<&PathBuf>, bytes: &[u8], lang: Lang) -> Result<()> {
    match output {
        Some(path) => write_file(path, bytes, lang),
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(bytes)?;
            out.flush()?;
            Ok(())
        }
    }
}

/// Writes `bytes` to the file `path`; the error names the file in the user's language.
pub fn write_file(path: &Path, bytes: &[u8], lang: Lang) -> Result<()> {
    std::fs::write(path, bytes)
        .with_context(|| kundenwert_text::file_cannot_write(lang, path.display()))
}
