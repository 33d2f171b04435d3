//! The PDF report, chain diagram and focus plan, read back with poppler-utils: the text
//! (`pdftotext`) carries the headings, customers and figures in the reader's language, every
//! font is embedded (`pdffonts`), the same analysis gives the same bytes, and a name the
//! fonts cannot draw prints instead of failing. The pages are rendered (`pdftoppm`) and
//! looked at by machine: none is blank, and nothing is drawn in the outer margin, where a
//! table or chart too wide for the page would end up. `KUNDENWERT_PDF_KEEP=DIR` keeps the
//! files (to render them with `pdftoppm -png -r 50` and look at them yourself).
#![cfg(feature = "pdf")]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use common::{report, stored_figures, workspace};
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

/// A plan that targets hundreds of customers (the demo company's growth plan targets about
/// 300) still prints on one page: the first `PLAN_TOP` customers, a line saying how many there
/// are, and the total over all of them.
// See: issue 19 (the demo's plan PDF ran to seven pages)
#[test]
fn a_plan_with_many_customers_stays_on_one_page() {
    use kundenwert_chain::plan::TargetCustomer;
    let (dir, bench) = workspace();
    let report = report(&bench, Lang::En);
    let p = &report.plans[0];
    let mut ctx = p.context(report.overview.as_of);
    ctx.customers = (0..300u32)
        .map(|i| TargetCustomer {
            id: format!("K{:05}", 90_000 - i),
            name: Some(format!("Customer {i} GmbH")),
            type_label: Some("growth".into()),
            current_value: Some(1_000.0),
            future_value: Some(f64::from(10_000 - i)),
        })
        .collect();
    let bytes = pdf::plan(&p.plan, &ctx, report.overview.as_of, Lang::En).unwrap();
    let path = save(dir.path(), "plan-300.pdf", &bytes);
    let info = poppler("pdfinfo", &[], &path);
    assert!(info.contains("Pages:           1"), "{info}");
    let text = words(&poppler("pdftotext", &[], &path));
    let shown = pdf::PLAN_TOP;
    for (i, c) in ctx.customers.iter().enumerate() {
        let listed = text.contains(&c.id);
        assert_eq!(listed, i < shown, "customer {i} {}", c.id);
    }
    assert!(
        text.contains(&format!(
            "The {shown} customers with the largest future value of 300"
        )),
        "{text}"
    );
    // The total row sums all 300: 300 × 1,000 now.
    assert!(text.contains("Total (300)"), "{text}");
    assert!(text.contains("300,000"), "{text}");
}

/// The stored analysis's figures (`common::stored_figures`, the same list the HTML is held
/// to) are in the PDF's text in both languages, each as a word of its own where the HTML has
/// it in a cell of its own.
#[test]
fn the_pdf_report_carries_the_figures_of_the_stored_analysis() {
    let (dir, bench) = workspace();
    for lang in [Lang::De, Lang::En] {
        let bytes = pdf::render(&report(&bench, lang)).unwrap();
        let path = save(dir.path(), &format!("figures-{}.pdf", lang.code()), &bytes);
        let text = format!(" {} ", words(&poppler("pdftotext", &["-layout"], &path)));
        for f in stored_figures(&bench, lang) {
            let shown = if f.own_cell {
                text.contains(&format!(" {} ", f.text))
            } else {
                text.contains(&f.text)
            };
            assert!(shown, "{lang:?}: {} {} is not in the PDF", f.what, f.text);
        }
    }
}

/// A page rendered as grey pixels (`pdftoppm -gray`, a binary PGM).
struct Page {
    width: usize,
    height: usize,
    pixels: Vec<u8>,
}

impl Page {
    /// Reads a binary PGM (`P5`, 8 bits) as pdftoppm writes it.
    fn read(path: &Path) -> Page {
        let bytes = std::fs::read(path).unwrap();
        // The header is four white-space separated fields: P5 WIDTH HEIGHT MAXVAL, then one
        // white-space byte and the pixels.
        let mut fields = Vec::new();
        let mut at = 0;
        while fields.len() < 4 {
            while bytes[at].is_ascii_whitespace() {
                at += 1;
            }
            let start = at;
            while !bytes[at].is_ascii_whitespace() {
                at += 1;
            }
            fields.push(std::str::from_utf8(&bytes[start..at]).unwrap().to_owned());
        }
        assert_eq!(fields[0], "P5", "{}", path.display());
        assert_eq!(fields[3], "255", "{}", path.display());
        let (width, height) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
        let pixels = bytes[at + 1..].to_vec();
        assert_eq!(pixels.len(), width * height, "{}", path.display());
        Page {
            width,
            height,
            pixels,
        }
    }

    /// Pixels darker than light grey (ink, not paper) inside the rectangle.
    fn ink(&self, x: std::ops::Range<usize>, y: std::ops::Range<usize>) -> usize {
        y.flat_map(|row| x.clone().map(move |col| (row, col)))
            .filter(|&(row, col)| self.pixels[row * self.width + col] < 200)
            .count()
    }
}

#[test]
fn every_page_has_content_and_nothing_runs_into_the_outer_margin() {
    let (dir, bench) = workspace();
    for lang in [Lang::De, Lang::En] {
        let bytes = pdf::render(&report(&bench, lang)).unwrap();
        let path = save(dir.path(), &format!("pages-{}.pdf", lang.code()), &bytes);
        // 72 dpi: a pixel is 0.35 mm, an A4 page 595 × 842 pixels.
        let prefix = dir.path().join(format!("page-{}", lang.code()));
        let out = Command::new("pdftoppm")
            .args(["-gray", "-r", "72"])
            .arg(&path)
            .arg(&prefix)
            .output()
            .expect("pdftoppm (poppler-utils) must be installed");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut pages: Vec<PathBuf> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with(&format!("page-{}", lang.code()))
            })
            .collect();
        pages.sort();
        assert!(pages.len() >= 8, "{lang:?}: {} pages", pages.len());
        let mm = |v: f64| (v / 25.4 * 72.0).round() as usize;
        for p in &pages {
            let page = Page::read(p);
            let (w, h) = (page.width, page.height);
            let a4 = |w: usize, h: usize| w.abs_diff(mm(210.0)) <= 1 && h.abs_diff(mm(297.0)) <= 1;
            // Chain diagrams stand on landscape pages.
            assert!(a4(w, h) || a4(h, w), "A4: {} is {w} × {h}", p.display());
            // Above the footer (page numbers stand in the bottom margin): a page of a few
            // lines of text has thousands of dark pixels at 72 dpi.
            let body = page.ink(0..w, 0..h - mm(18.0));
            assert!(
                body > 500,
                "{lang:?}: {} is (almost) blank: {body}",
                p.display()
            );
            // The margins are 15 mm at the sides and top, 18 mm at the bottom (page numbers
            // stand there); the outer 8 mm at the sides and 6 mm at top and bottom stay paper.
            let (side, edge) = (mm(8.0), mm(6.0));
            for (name, x, y) in [
                ("left", 0..side, 0..h),
                ("right", w - side..w, 0..h),
                ("top", 0..w, 0..edge),
                ("bottom", 0..w, h - edge..h),
            ] {
                let ink = page.ink(x, y);
                assert_eq!(
                    ink,
                    0,
                    "{lang:?}: ink in the {name} margin of {}",
                    p.display()
                );
            }
        }
    }
}
