//! Turns `locales/{de,en}/*.ftl` into typed accessors (`$OUT_DIR/catalog.rs`), or stops the build
//! with the file, message and language of the first problem.

#[allow(dead_code)]
#[path = "src/catalog.rs"]
mod catalog;

use std::path::Path;

fn read(dir: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let entries = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("kundenwert-text: cannot read {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("directory entry").path();
        if path.extension().is_some_and(|e| e == "ftl") {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let source = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("kundenwert-text: cannot read {}: {e}", path.display()));
            files.push((name, source));
        }
    }
    files.sort();
    files
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
    println!("cargo:rerun-if-changed=locales");
    println!("cargo:rerun-if-changed=src/catalog.rs");
    let de = read(&root.join("de"));
    let en = read(&root.join("en"));
    let entries = catalog::check(&de, &en).unwrap_or_else(|e| panic!("kundenwert-text: {e}"));
    let code = catalog::generate(&entries);
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("catalog.rs");
    std::fs::write(&out, code).expect("write the generated catalog");
}
