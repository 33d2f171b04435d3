//! Where a command's result goes: a file the user named, or stdout.
//!
//! Everything the commands print to stdout goes through [`out!`] and [`outln!`] (or
//! [`write_out`]): `print!` panics when the reader has gone (`kundenwert … | head`), these
//! return the error, which `main` turns into a quiet exit 0.

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

/// Writes formatted text to stdout; the caller's `?` returns a failed write.
pub fn print(args: std::fmt::Arguments) -> std::io::Result<()> {
    std::io::stdout().lock().write_fmt(args)
}

/// `print!` whose failed write is returned from the calling function (which returns a
/// `Result`) instead of panicking.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::output::print(format_args!($($arg)*))?
    };
}

/// `println!` whose failed write is returned from the calling function instead of panicking.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::output::print(format_args!("{}\n", format_args!($($arg)*)))?
    };
}

pub(crate) use {out, outln};
