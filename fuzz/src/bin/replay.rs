//! Replays inputs through a target without instrumentation: `fuzz-replay TARGET PATH...`, each
//! path a file or a directory of files (a corpus, AFL++'s `queue/` or `crashes/`). Every input
//! that panics is named; the exit code is 1 if any did.

use std::path::{Path, PathBuf};

fn files(path: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()?;
        entries.sort();
        for e in entries {
            files(&e, out)?;
        }
    } else if path.file_name().is_some_and(|n| n != "README.txt") {
        out.push(path.to_path_buf());
    }
    Ok(())
}

fn main() {
    let mut args = std::env::args().skip(1);
    let name = args.next().unwrap_or_default();
    let Some(target) = kundenwert_fuzz::target(&name) else {
        let names: Vec<&str> = kundenwert_fuzz::TARGETS.iter().map(|(n, _)| *n).collect();
        eprintln!(
            "usage: fuzz-replay TARGET PATH... (TARGET one of {})",
            names.join(", ")
        );
        std::process::exit(2);
    };
    let mut inputs = Vec::new();
    for path in args {
        if let Err(e) = files(Path::new(&path), &mut inputs) {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    }
    let mut failed = 0;
    for input in &inputs {
        let data = match std::fs::read(input) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("{}: {e}", input.display());
                std::process::exit(2);
            }
        };
        if std::panic::catch_unwind(|| target(&data)).is_err() {
            eprintln!("FAILED: {name} on {}", input.display());
            failed += 1;
        }
    }
    println!("{name}: {} inputs replayed, {failed} failed", inputs.len());
    if failed > 0 {
        std::process::exit(1);
    }
}
