//! The AFL++ harness: `fuzz-afl TARGET`, run by `afl-fuzz` (see `fuzz/run.sh`). Built with
//! `cargo afl build --features afl`.

fn main() {
    let name = std::env::args().nth(1).unwrap_or_default();
    let Some(target) = kundenwert_fuzz::target(&name) else {
        let names: Vec<&str> = kundenwert_fuzz::TARGETS.iter().map(|(n, _)| *n).collect();
        eprintln!("usage: fuzz-afl TARGET (one of {})", names.join(", "));
        std::process::exit(2);
    };
    // Without afl.rs's abort-on-panic hook: a panic the code under test catches itself (as the
    // XLSX reader does with calamine's) is not a finding; one that escapes the target still
    // aborts, and AFL++ records it as a crash.
    afl::fuzz_nohook!(|data: &[u8]| {
        target(data);
    });
}
