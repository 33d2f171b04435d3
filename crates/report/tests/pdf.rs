//! The PDF report, chain diagram and focus plan, read back with poppler-utils: the text
//! (`pdftotext`) carries the headings, customers and figures in the reader's language, every
//! font is embedded (`pdffonts`), the same analysis gives the same bytes, and a name the
//! fonts cannot draw prints instead of failing. `KUNDENWERT_PDF_KEEP=DIR` keeps the files
//! (to render them with `pdftoppm -png -r 50` and look).
#![cfg(feature = "pdf")]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use common::{report, workspace};
use kundenwert_core::{fmt, Lang};
use kundenwert_report::pdf;

/// Writes `bytes` as `name` into the kept directory (or `dir`) and returns the path.
fn save(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::var_os("KUNDENWERT_PDF_KEEP").map_or_else(|| dir.to_owned(), PathBuf::from);
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// A poppler tool's standard output; the tool must be installed (`.ci/run` installs them).
fn poppler(tool: &str, args: &[&str], pdf: &Path) -> String {
    let out = Command::new(tool)
        .args(args)
        .arg(pdf)
        .args(if tool == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|e| panic!("{tool} (poppler-utils) must be installed: {e}"));
    assert!(
        out.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The text with every run of white space one space, so line and cell breaks do not matter.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every font `pdffonts` lists is embedded; returns how many there are.
fn assert_fonts_embedded(pdf: &Path) -> usize {
    let listing = poppler("pdffonts", &[], pdf);
    let fonts: Vec<&str> = listing.lines().skip(2).collect();
    assert!(!fonts.is_empty(), "{listing}");
    for line in &fonts {
        // name type encoding emb sub uni object ID
        let cols: Vec<&str> = line.split_whitespace().collect();
        let emb = cols[cols.len() - 5];
        assert_eq!(emb, "yes", "not embedded: {line}");
        assert!(line.contains("DejaVuSans"), "{line}");
    }
    fonts.len()
}

#[test]
fn the_pdf_report_says_what_the_html_says_in_german_and_english() {
    let (dir, bench) = workspace();
    for lang in [Lang::De, Lang::En] {
        let report = report(&bench, lang);
        let started = Instant::now();
        let bytes = pdf::render(&report).unwrap();
        eprintln!("{lang:?}: {} bytes in {:?}", bytes.len(), started.elapsed());
        let path = save(dir.path(), &format!("report-{}.pdf", lang.code()), &bytes);
        let text = words(&poppler("pdftotext", &["-layout"], &path));
        let ov = &report.overview;
        let (title, summary, customers, chains, plans, types) = match lang {
            Lang::De => (
                "Kundenwert-Bericht",
                "Überblick",
                "Kunden nach Typ",
                "Problemlöseketten",
                "Fokuspläne",
                "Kundentypen",
            ),
            Lang::En => (
                "Customer value report",
                "Summary",
                "Customers by type",
                "Problem-solving chains",
                "Focus plans",
                "Customer types",
            ),
        };
        for heading in [title, summary, customers, chains, plans, types] {
            assert!(text.contains(heading), "{lang:?}: no `{heading}` in {text}");
        }
        // The top customer of the first type with its number, name and future value.
        let top = &report
            .types
            .iter()
            .find(|t| !t.customers.is_empty())
            .unwrap()
            .customers[0];
        assert!(
            text.contains(&top.number),
            "{lang:?}: no customer {}",
            top.number
        );
        // Figures in the reader's number format: 1.234.567 in German, 1,234,567 in English.
        let current = fmt::whole_amount(ov.current_value, lang);
        assert!(
            ov.current_value >= 1000.0,
            "the fixture's value has thousands"
        );
        let separator = if lang == Lang::De { '.' } else { ',' };
        assert!(current.contains(separator), "{current}");
        assert!(
            text.contains(&current),
            "{lang:?}: no {current} in the summary"
        );
        assert!(
            text.contains(&fmt::date(ov.as_of, lang)),
            "{lang:?}: no as-of date"
        );
        // The chain and the plan of the fixture are there.
        for c in &report.chains {
            assert!(text.contains(&c.name), "{lang:?}: no chain {}", c.name);
        }
        for p in &report.plans {
            assert!(text.contains(&p.name), "{lang:?}: no plan {}", p.name);
        }
        let info = poppler("pdfinfo", &[], &path);
        let pages: u32 = info
            .lines()
            .find_map(|l| l.strip_prefix("Pages:"))
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        assert!(pages >= 8, "a page per section at least: {pages}");
        assert!(info.contains(title), "the title is the PDF's title: {info}");
        assert_fonts_embedded(&path);
    }
}

#[test]
fn the_same_analysis_gives_the_same_pdf() {
    let (_dir, bench) = workspace();
    let report = report(&bench, Lang::De);
    assert_eq!(pdf::render(&report).unwrap(), pdf::render(&report).unwrap());
}

#[test]
fn a_name_the_fonts_cannot_draw_prints_as_question_marks() {
    let (dir, bench) = workspace();
    let mut report = report(&bench, Lang::En);
    let row = report
        .types
        .iter_mut()
        .find_map(|t| t.customers.first_mut())
        .unwrap();
    row.name = Some("Zhang 张伟 GmbH 🚀 Ünal".into());
    let path = save(
        dir.path(),
        "unprintable.pdf",
        &pdf::render(&report).unwrap(),
    );
    let text = poppler("pdftotext", &[], &path);
    assert!(text.contains("Zhang ?? GmbH ? Ünal"), "{text}");
    assert_fonts_embedded(&path);
}

#[test]
fn a_chain_and_a_plan_are_one_page_each() {
    let (dir, bench) = workspace();
    let report = report(&bench, Lang::De);
    let c = &report.chains[0];
    let bytes = pdf::chain(
        &c.chain,
        &c.figures,
        Some("Analyse zum 31.12.2024"),
        report.overview.as_of,
        Lang::De,
    )
    .unwrap();
    let path = save(dir.path(), "chain.pdf", &bytes);
    let info = poppler("pdfinfo", &[], &path);
    assert!(info.contains("Pages:           1"), "{info}");
    let text = words(&poppler("pdftotext", &[], &path));
    assert!(text.contains(&c.chain.chain), "{text}");
    // The diagram's text is text, not outlines: an actor's name can be found.
    assert!(text.contains(&c.chain.actors[0].name), "{text}");
    assert_fonts_embedded(&path);

    let p = &report.plans[0];
    let ctx = p.context(report.overview.as_of);
    let bytes = pdf::plan(&p.plan, &ctx, report.overview.as_of, Lang::De).unwrap();
    let path = save(dir.path(), "plan.pdf", &bytes);
    let info = poppler("pdfinfo", &[], &path);
    assert!(info.contains("Pages:           1"), "{info}");
    let text = words(&poppler("pdftotext", &[], &path));
    for heading in ["Fokusplan", "Aktivitäten", &p.plan.plan] {
        assert!(text.contains(heading), "no {heading}: {text}");
    }
    if let Some(first) = ctx.customers.first() {
        assert!(text.contains(&first.id), "{text}");
    }
    assert_fonts_embedded(&path);
}
