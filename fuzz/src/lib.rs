//! Fuzz targets for every parser that reads user input, with the invariants each must keep.
//!
//! Every target takes arbitrary bytes and panics when an invariant breaks (a panic inside the
//! code under test is a finding too). The same functions serve two drivers:
//!
//! - `fuzz-afl` (feature `afl`, built with `cargo afl build`): coverage-guided fuzzing with
//!   AFL++ through afl.rs, on a stable toolchain;
//! - `fuzz-replay`: replays a corpus (the committed seeds, AFL++'s queue, saved crashes) without
//!   instrumentation, for regression runs and for reproducing a finding under a debugger.
//!
//! `fuzz/run.sh TARGET SECONDS` runs one target; `fuzz/README.md` says how to run them longer.

mod http;

use std::io::Write;
use std::path::PathBuf;
use std::sync::OnceLock;

use kundenwert_analysis::ValueSeries;
use kundenwert_core::{PeriodKind, Role, Transaction, ValueBasis};
use kundenwert_ingest::dates::{self, DateEvidence, DateFormat, DayMonthOrder};
use kundenwert_ingest::header;
use kundenwert_ingest::numbers::{self, DecimalStyle};
use kundenwert_ingest::split::{self, Dialect, Fields};
use kundenwert_ingest::{
    import, ImportOptions, ImportReport, Pass, Reason, RowSink, MAX_ABS_VALUE,
};

/// A fuzz target: arbitrary bytes in, a panic when an invariant breaks.
pub type Target = fn(&[u8]);

/// Every target by name, as `fuzz/run.sh` and the drivers take it; the seed corpus of each is
/// `fuzz/corpus/NAME`.
pub const TARGETS: &[(&str, Target)] = &[
    ("split", split_records),
    ("csv_import", csv_import),
    ("numbers", numbers_agree),
    ("dates", dates_agree),
    ("header", header_roles),
    ("xlsx_import", xlsx_import),
    ("chain", chain_file),
    ("plan", plan_file),
    ("selection", selection),
    ("fixed_costs", fixed_costs),
    ("settings", settings),
    ("web_forms", web_forms),
    ("http_requests", http::http_requests),
];

/// The target called `name`.
pub fn target(name: &str) -> Option<Target> {
    TARGETS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

fn text(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}

// ---------------------------------------------------------------------------------------------
// The CSV splitter.

/// The splitter on raw records, and against the csv crate on records the csv crate writes.
///
/// The first byte picks the dialect. On the raw bytes: every record end is a `\n`, a record
/// without quotes splits into its delimiter-separated pieces exactly, every field can be got,
/// and sniffing finishes. Then the bytes are read as fields (0x00 ends a field, 0x01 a record),
/// written by the csv crate with quoting and read back by `record_end` + `split`: the same
/// fields.
pub fn split_records(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let dialect = match first % 5 {
        0 => Dialect::Delimited(b';'),
        1 => Dialect::Delimited(b','),
        2 => Dialect::Delimited(b'\t'),
        3 => Dialect::Delimited(b'|'),
        _ => Dialect::Whitespace,
    };
    let _ = split::sniff(rest);
    let mut fields = Fields::default();
    let mut pos = 0;
    while pos < rest.len() {
        let (end, _open) = split::record_end(&rest[pos..], dialect);
        let end = match end {
            Some(e) => {
                assert_eq!(rest[pos + e], b'\n', "a record ends at a line break");
                pos + e
            }
            None => rest.len(),
        };
        let record = &rest[pos..end];
        split::split(record, dialect, &mut fields);
        for i in 0..fields.len() {
            assert!(fields.get(record, i).is_some(), "field {i} of {record:?}");
        }
        if let Dialect::Delimited(d) = dialect {
            assert!(!fields.is_empty(), "a delimited record has a field");
            if !record.contains(&b'"') {
                let plain = record.strip_suffix(b"\r").unwrap_or(record);
                let joined: Vec<u8> = (0..fields.len())
                    .map(|i| fields.get(record, i).unwrap_or_default())
                    .collect::<Vec<_>>()
                    .join(&d);
                assert_eq!(joined, plain, "an unquoted record is its fields");
            }
            let _ = split::open_quote_field(record, dialect);
        }
        pos = end + 1;
    }

    // Well-formed CSV as the csv crate writes it reads back field for field.
    let Dialect::Delimited(delim) = dialect else {
        return;
    };
    let rows: Vec<Vec<&[u8]>> = rest
        .split(|b| *b == 0x01)
        .map(|r| r.split(|b| *b == 0x00).collect())
        .collect();
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .delimiter(delim)
        .terminator(csv::Terminator::CRLF)
        .from_writer(vec![]);
    for r in &rows {
        // A record of one empty field is written as an empty line, which reads as no field.
        if r.len() == 1 && r[0].is_empty() {
            continue;
        }
        writer.write_record(r).expect("writing to memory");
    }
    let written = writer.into_inner().expect("writing to memory");
    let expected: Vec<&Vec<&[u8]>> = rows
        .iter()
        .filter(|r| !(r.len() == 1 && r[0].is_empty()))
        .collect();
    let mut pos = 0;
    let mut got = Vec::new();
    while pos < written.len() {
        let (end, open) = split::record_end(&written[pos..], dialect);
        assert!(!open, "the csv crate's quotes are closed: {written:?}");
        let end = pos + end.expect("the csv crate ends every record");
        let record = &written[pos..end];
        split::split(record, dialect, &mut fields);
        got.push(
            (0..fields.len())
                .map(|i| fields.get(record, i).unwrap_or_default().to_vec())
                .collect::<Vec<_>>(),
        );
        pos = end + 1;
    }
    let expected: Vec<Vec<Vec<u8>>> = expected
        .iter()
        .map(|r| r.iter().map(|f| f.to_vec()).collect())
        .collect();
    assert_eq!(got, expected, "written by the csv crate: {written:?}");
}

// ---------------------------------------------------------------------------------------------
// The whole import.

/// Collects the accepted rows' amounts, checking each as it comes.
#[derive(Debug, Default)]
struct Amounts {
    rows: u64,
}

#[derive(Debug, Default)]
struct AmountsSink {
    rows: u64,
}

impl RowSink for AmountsSink {
    fn push(&mut self, tx: &Transaction<'_>) {
        assert!(
            tx.revenue.is_finite() && tx.revenue.abs() <= MAX_ABS_VALUE,
            "accepted revenue {} of {tx:?}",
            tx.revenue
        );
        for (what, v) in [("cost", tx.cost), ("quantity", tx.quantity)] {
            if let Some(v) = v {
                assert!(v.is_finite(), "accepted {what} {v} of {tx:?}");
            }
        }
        assert!(!tx.customer.trim().is_empty(), "accepted without customer");
        self.rows += 1;
    }
}

impl Pass for Amounts {
    type Sink = AmountsSink;

    fn sink(&self) -> AmountsSink {
        AmountsSink::default()
    }

    fn close(&mut self, sinks: Vec<AmountsSink>) {
        self.rows += sinks.iter().map(|s| s.rows).sum::<u64>();
    }

    fn absorb(&mut self, other: Self) {
        self.rows += other.rows;
    }
}

/// A file of this process's own in `$TMPDIR/kundenwert-fuzz` (which `run.sh` empties after
/// each target), rewritten per input.
fn scratch(name: &str) -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    let dir = DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join("kundenwert-fuzz");
        std::fs::create_dir_all(&dir).expect("temporary directory");
        dir
    });
    dir.join(format!("{}-{name}", std::process::id()))
}

fn write_scratch(name: &str, data: &[u8]) -> PathBuf {
    let path = scratch(name);
    let mut f = std::fs::File::create(&path).expect("scratch file");
    f.write_all(data).expect("scratch file");
    path
}

/// Imports `path` and checks the report's invariants: rows read = accepted + rejected, the
/// counts add up per file, every accepted amount is finite and plausible (checked in the sink),
/// every rejection has a line ≥ 1 and names, if any, a column of the file. Returns the counts
/// read, accepted, rejected and blank, or `None` when the file cannot be imported at all.
fn import_and_check(path: PathBuf, options: &ImportOptions) -> Option<[u64; 4]> {
    let (pass, report) = import(&[path], options, &Amounts::default, &|_| {}).ok()?;
    check_report(&report, pass.rows);
    Some([
        report.rows_read,
        report.rows_accepted,
        report.rows_rejected,
        report.blank_lines,
    ])
}

fn check_report(report: &ImportReport, accepted_rows: u64) {
    assert_eq!(
        report.rows_read,
        report.rows_accepted + report.rows_rejected,
        "rows read = accepted + rejected: {report:?}"
    );
    assert_eq!(
        report.rows_accepted, accepted_rows,
        "accepted rows reach the sink"
    );
    assert_eq!(report.rows_rejected, report.rejected.len() as u64);
    assert_eq!(report.files.len(), 1);
    let file = &report.files[0];
    assert_eq!(file.rows_read, report.rows_read);
    assert_eq!(file.blank_lines, report.blank_lines);
    let mapped: Vec<&str> = file.columns.iter().map(|(_, h)| h.as_str()).collect();
    let mut last_line = 0;
    for r in &report.rejected {
        assert!(r.line >= 1, "rejection without a line: {r:?}");
        assert!(r.line > last_line, "rejections in line order: {report:?}");
        last_line = r.line;
        // Quote problems name the field the quote opens, by its position in the header; every
        // other reason names the column of a role.
        let by_role = !matches!(
            r.reason,
            Reason::StrayQuote { .. } | Reason::UnclosedQuote { .. }
        );
        if let (Some(column), true) = (&r.column, by_role) {
            assert!(
                mapped.contains(&column.as_str()),
                "rejection names column {column:?}, not one of {mapped:?}: {r:?}"
            );
        }
        let _ = r.message(kundenwert_core::Lang::De);
        let _ = r.message(kundenwert_core::Lang::En);
    }
}

/// The whole CSV import of the bytes as a file, on one reading thread and on two (the byte
/// ranges path and the block path split differently), with the invariants of
/// [`import_and_check`]; both readings agree on the counts.
pub fn csv_import(data: &[u8]) {
    let path = write_scratch("input.csv", data);
    let counts = [1, 2].map(|threads| {
        let options = ImportOptions {
            threads,
            ..Default::default()
        };
        import_and_check(path.clone(), &options)
    });
    assert_eq!(counts[0], counts[1], "one thread and two read the same");
}

/// The XLSX import of the bytes as a `.xlsx` file, with the invariants of
/// [`import_and_check`].
pub fn xlsx_import(data: &[u8]) {
    let path = write_scratch("input.xlsx", data);
    let options = ImportOptions {
        threads: 1,
        ..Default::default()
    };
    import_and_check(path, &options);
}

// ---------------------------------------------------------------------------------------------
// Numbers, dates, headers.

/// `shape_and_parse`'s one-scan fast path gives what `shape` and `parse` give, in both styles,
/// to the bit; no value is NaN.
pub fn numbers_agree(data: &[u8]) {
    let raw = text(data);
    for style in [DecimalStyle::Comma, DecimalStyle::Point] {
        let (shape, value) = numbers::shape_and_parse(&raw, style);
        let slow = numbers::parse(&raw, style);
        assert_eq!(shape, numbers::shape(&raw), "shape of {raw:?}");
        assert_eq!(
            value.map(f64::to_bits),
            slow.map(f64::to_bits),
            "value of {raw:?} in {style:?}: {value:?} vs. {slow:?}"
        );
        if let Some(v) = value {
            assert!(!v.is_nan(), "{raw:?} parses to NaN");
        }
    }
    let mut evidence = numbers::NumberEvidence::default();
    evidence.add(numbers::shape(&raw));
    let _ = evidence.decisive();
}

/// Date shapes and parsing: `parse` is `parse_shaped` with the value's own shape, a date of
/// one order differs from the other only for slash dates, evidence decides without panicking,
/// and a user pattern (the first line) never panics chrono.
pub fn dates_agree(data: &[u8]) {
    let raw = text(data);
    let (pattern, value) = raw.split_once('\n').unwrap_or(("%d.%m.%Y", &raw));
    let shape = dates::shape(value);
    let mut evidence = DateEvidence::default();
    evidence.add(value, shape);
    for order in [DayMonthOrder::DayFirst, DayMonthOrder::MonthFirst] {
        let format = DateFormat::Auto(order);
        assert_eq!(
            dates::parse(value, &format),
            dates::parse_shaped(value, shape, &format),
            "{value:?} ({shape:?})"
        );
        let _ = evidence.describe(order);
    }
    if matches!(
        shape,
        dates::DateShape::Iso
            | dates::DateShape::Compact
            | dates::DateShape::Dotted
            | dates::DateShape::Serial
    ) {
        assert_eq!(
            dates::parse(value, &DateFormat::Auto(DayMonthOrder::DayFirst)),
            dates::parse(value, &DateFormat::Auto(DayMonthOrder::MonthFirst)),
            "an unambiguous shape reads the same in either order: {value:?}"
        );
    }
    let _ = evidence.order();
    let _ = dates::parse(value, &DateFormat::from_pattern(pattern));
    if let Ok(serial) = value.trim().parse::<f64>() {
        let _ = dates::serial_to_date(serial);
    }
}

/// Header roles: lines are headers; lines `ROLE=HEADER` before a line `--` are overrides. A
/// mapping gives each role at most one column and each column at most one role, all within the
/// header; an override is applied unless another override takes its column.
pub fn header_roles(data: &[u8]) {
    let raw = text(data);
    let (overrides_text, headers_text) = raw.split_once("\n--\n").unwrap_or(("", &raw));
    let overrides: Vec<(Role, String)> = overrides_text
        .lines()
        .filter_map(|l| {
            let (role, header) = l.split_once('=')?;
            Some((role.trim().parse::<Role>().ok()?, header.to_string()))
        })
        .collect();
    let headers: Vec<String> = headers_text.lines().map(str::to_string).collect();
    for h in &headers {
        let n = header::normalize(h);
        assert_eq!(header::normalize(&n), n, "normalising is idempotent: {h:?}");
    }
    let map = match header::map_columns(&headers, &overrides) {
        Ok(map) => map,
        Err(header::OverrideError::UnknownHeader { .. }) => return,
        // A contradiction is named with the headers of both columns (or both roles).
        Err(header::OverrideError::Conflict(header::ColumnConflict::ColumnTwice {
            column,
            first,
            second,
        })) => {
            assert!(headers.contains(&column) && first != second, "{column:?}");
            return;
        }
        Err(header::OverrideError::Conflict(header::ColumnConflict::RoleTwice {
            role,
            first,
            second,
        })) => {
            assert!(
                headers.contains(&first) && headers.contains(&second),
                "{role:?}"
            );
            return;
        }
    };
    let pairs: Vec<(Role, usize)> = map.iter().collect();
    for (i, (role, column)) in pairs.iter().enumerate() {
        assert!(*column < headers.len(), "{pairs:?} beyond {headers:?}");
        assert_eq!(map.get(*role), Some(*column));
        for (other_role, other_column) in &pairs[i + 1..] {
            assert_ne!(role, other_role, "a role twice: {pairs:?}");
            assert_ne!(column, other_column, "a column twice: {pairs:?}");
        }
    }
    if !headers.is_empty() {
        assert!(map.max_index() < headers.len());
    }
    // Overrides that do not contradict each other are all applied, each to its column.
    for (role, _) in &overrides {
        assert!(map.get(*role).is_some(), "override of {role:?} applied");
    }
}

// ---------------------------------------------------------------------------------------------
// Chain and plan files, selections.

/// A chain file that reads exports canonically (YAML and JSON), and the export reads back to
/// the same chain; exporting it again gives the same bytes.
pub fn chain_file(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(chain) = kundenwert_chain::parse(text, None) else {
        return;
    };
    let yaml = kundenwert_chain::to_yaml(&chain);
    let again = kundenwert_chain::parse(&yaml, Some(kundenwert_chain::Format::Yaml))
        .unwrap_or_else(|e| panic!("canonical YAML does not read back: {e:?}\n{yaml}"));
    assert_eq!(again, chain, "YAML round trip\n{yaml}");
    assert_eq!(
        kundenwert_chain::to_yaml(&again),
        yaml,
        "YAML is a fixed point"
    );
    let json = kundenwert_chain::to_json(&chain);
    let from_json = kundenwert_chain::parse(&json, Some(kundenwert_chain::Format::Json))
        .unwrap_or_else(|e| panic!("canonical JSON does not read back: {e:?}\n{json}"));
    assert_eq!(from_json, chain, "JSON round trip\n{json}");
}

/// A plan file that reads exports canonically, and the export reads back to the same plan.
pub fn plan_file(data: &[u8]) {
    use kundenwert_chain::plan;
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(p) = plan::parse_plan(text, None) else {
        return;
    };
    let yaml = plan::plan_to_yaml(&p);
    let again = plan::parse_plan(&yaml, Some(kundenwert_chain::Format::Yaml))
        .unwrap_or_else(|e| panic!("canonical YAML does not read back: {e:?}\n{yaml}"));
    assert_eq!(again, p, "YAML round trip\n{yaml}");
    assert_eq!(plan::plan_to_yaml(&again), yaml, "YAML is a fixed point");
    let json = plan::plan_to_json(&p);
    let from_json = plan::parse_plan(&json, Some(kundenwert_chain::Format::Json))
        .unwrap_or_else(|e| panic!("canonical JSON does not read back: {e:?}\n{json}"));
    assert_eq!(from_json, p, "JSON round trip\n{json}");
}

/// A selection that parses prints (`Display`) as text that parses to the same selection, and
/// printing that gives the same text.
pub fn selection(data: &[u8]) {
    use kundenwert_chain::selection;
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = match selection::parse(text) {
        Ok(s) => s,
        Err(e) => {
            let _ = e.localized(kundenwert_core::Lang::De);
            return;
        }
    };
    let shown = parsed.to_string();
    let again = selection::parse(&shown)
        .unwrap_or_else(|e| panic!("{text:?} prints as {shown:?}, which does not parse: {e:?}"));
    assert_eq!(again, parsed, "{text:?} prints as {shown:?}");
    assert_eq!(again.to_string(), shown, "printing is a fixed point");
}

// ---------------------------------------------------------------------------------------------
// Workbench files.

/// The fixed-costs CSV as a file: accepted costs are finite and ≥ 0; every bad line has a line
/// number ≥ 1; the messages render.
pub fn fixed_costs(data: &[u8]) {
    use kundenwert_workbench::fixed_costs::{read, FixedCostsError};
    let path = write_scratch("fixed_costs.csv", data);
    let series = ValueSeries {
        as_of: chrono::NaiveDate::from_ymd_opt(2024, 12, 31).expect("a date"),
        period: PeriodKind::Month,
        basis: ValueBasis::Revenue,
        customers: Vec::new(),
        holdout: Default::default(),
    };
    match read(&path, &series) {
        Ok(costs) => {
            for (customer, v) in &costs.per_year {
                assert!(!customer.is_empty());
                assert!(v.is_finite() && *v >= 0.0, "{customer}: {v}");
            }
            assert_eq!(
                costs.unknown.len(),
                costs.per_year.len(),
                "no customer is known"
            );
        }
        Err(e) => {
            if let FixedCostsError::BadLines { lines, .. } = &e {
                assert!(!lines.is_empty());
                for l in lines {
                    assert!(l.line >= 1, "bad line without a line number: {l:?}");
                }
            }
            let _ = e.localized(kundenwert_core::Lang::De);
        }
    }
}

/// TOML settings: accepted settings pass their own checks, write as TOML that reads back to
/// the same settings, and every key's value can be set again through `with`.
pub fn settings(data: &[u8]) {
    use kundenwert_workbench::Settings;
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let s = match Settings::parse(text) {
        Ok(s) => s,
        Err(e) => {
            let _ = e.localized(kundenwert_core::Lang::En);
            return;
        }
    };
    assert!(s.check().is_ok());
    let toml = s.to_toml();
    let again = Settings::parse(&toml)
        .unwrap_or_else(|e| panic!("written settings do not read back: {e:?}\n{toml}"));
    assert_eq!(again, s, "TOML round trip\n{toml}");
    for (key, value, _) in s.lines() {
        let _ = s.with(&key, &value);
    }
}

// ---------------------------------------------------------------------------------------------
// The web workbench's editing forms.

/// The example chain and plan the demo brings, which the forms below edit.
fn demo_documents() -> &'static (kundenwert_chain::Chain, kundenwert_chain::plan::Plan) {
    static DOCS: OnceLock<(kundenwert_chain::Chain, kundenwert_chain::plan::Plan)> =
        OnceLock::new();
    DOCS.get_or_init(|| {
        let chain = kundenwert_chain::parse(
            include_str!("../../data/demo/kette_hydraulik.yaml"),
            Some(kundenwert_chain::Format::Yaml),
        )
        .expect("the demo chain reads");
        let plan = kundenwert_chain::plan::parse_plan(
            include_str!("../../data/demo/fokusplan_wachstum.yaml"),
            Some(kundenwert_chain::Format::Yaml),
        )
        .expect("the demo plan reads");
        (chain, plan)
    })
}

/// The chain reads back from both canonical exports as itself.
fn assert_chain_round_trips(chain: &kundenwert_chain::Chain, after: &str) {
    let yaml = kundenwert_chain::to_yaml(chain);
    let again = kundenwert_chain::parse(&yaml, Some(kundenwert_chain::Format::Yaml))
        .unwrap_or_else(|e| {
            panic!("after {after}: the edited chain's YAML does not read: {e:?}\n{yaml}")
        });
    assert_eq!(&again, chain, "after {after}: YAML round trip\n{yaml}");
    let json = kundenwert_chain::to_json(chain);
    let again = kundenwert_chain::parse(&json, Some(kundenwert_chain::Format::Json))
        .unwrap_or_else(|e| panic!("after {after}: the edited chain's JSON does not read: {e:?}"));
    assert_eq!(&again, chain, "after {after}: JSON round trip");
}

/// The plan reads back from both canonical exports as itself.
fn assert_plan_round_trips(plan: &kundenwert_chain::plan::Plan, after: &str) {
    use kundenwert_chain::plan;
    let yaml = plan::plan_to_yaml(plan);
    let again = plan::parse_plan(&yaml, Some(kundenwert_chain::Format::Yaml)).unwrap_or_else(|e| {
        panic!("after {after}: the edited plan's YAML does not read: {e:?}\n{yaml}")
    });
    assert_eq!(&again, plan, "after {after}: YAML round trip\n{yaml}");
    let json = plan::plan_to_json(plan);
    let again = plan::parse_plan(&json, Some(kundenwert_chain::Format::Json))
        .unwrap_or_else(|e| panic!("after {after}: the edited plan's JSON does not read: {e:?}"));
    assert_eq!(&again, plan, "after {after}: JSON round trip");
}

/// A sequence of the web workbench's editing forms, with their fields as the server hands them
/// on once the URL-encoded body is decoded (any text, line breaks included): the chain editor's
/// actor, person and flow forms (add, change, remove), a new chain, and the plan's activity,
/// reasons, coaching, priorities, notes and new-plan forms, applied one after another to the
/// demo's chain and plan.
///
/// Forms are separated by `\x02`, fields by `\x01`; a form's first character picks it, its
/// fields are `key=value` (a field without `=` is a plain value). Invariants: an edit
/// the chain or plan crate accepts leaves a document that reads back from its canonical YAML and
/// JSON as itself; a refused edit leaves the document exactly as it was and explains itself in
/// German and English; nothing panics.
pub fn web_forms(data: &[u8]) {
    use kundenwert_chain::{edit, plan};
    use kundenwert_core::Lang;
    let text = text(data);
    let (chain0, plan0) = demo_documents();
    let mut chain = chain0.clone();
    let mut p = plan0.clone();
    for form in text.split('\u{2}').take(64) {
        let mut chars = form.chars();
        let Some(op) = chars.next() else { continue };
        let fields: Vec<(&str, &str)> = chars
            .as_str()
            .split('\u{1}')
            .map(|f| f.split_once('=').unwrap_or(("", f)))
            .collect();
        let value = |i: usize| fields.get(i).map_or("", |(_, v)| *v);
        let values: Vec<String> = fields.iter().map(|(_, v)| (*v).to_owned()).collect();
        let rest = fields.get(1..).unwrap_or(&[]);
        let before = (chain.clone(), p.clone());
        let what = format!("form {op:?} {fields:?}");
        let chain_result: Option<Result<(), edit::EditError>> = match u32::from(op) % 12 {
            0 => Some(edit::set_actor_fields(&mut chain, value(0), rest).map(drop)),
            1 => Some(
                edit::set_person_fields(
                    &mut chain,
                    value(0),
                    value(1),
                    fields.get(2..).unwrap_or(&[]),
                )
                .map(drop),
            ),
            2 => {
                Some(edit::actor_from_fields(&fields).and_then(|a| edit::add_actor(&mut chain, a)))
            }
            3 => Some(
                edit::person_from_fields(rest)
                    .and_then(|person| edit::add_person(&mut chain, value(0), person)),
            ),
            4 => Some(
                edit::flow_from_fields(
                    value(0),
                    value(1),
                    value(2),
                    fields.get(3).map(|(_, v)| *v),
                )
                .and_then(|flow| edit::add_flow(&mut chain, flow)),
            ),
            5 => Some(edit::remove_actor(&mut chain, value(0), value(1) == "on").map(drop)),
            6 => Some(edit::remove_person(&mut chain, value(0), value(1)).map(drop)),
            7 => {
                match edit::new_chain(value(0), value(1), value(2), value(3)) {
                    Ok(new) => {
                        assert_chain_round_trips(&new, &what);
                        chain = new;
                    }
                    Err(e) => {
                        assert!(
                            !e.localized(Lang::De).is_empty() && !e.localized(Lang::En).is_empty()
                        );
                    }
                }
                None
            }
            _ => None,
        };
        match chain_result {
            Some(Ok(())) => assert_chain_round_trips(&chain, &what),
            Some(Err(e)) => {
                assert_eq!(chain, before.0, "a refused {what} changed the chain");
                assert!(
                    !e.localized(Lang::De).is_empty(),
                    "{what}: no German message"
                );
                assert!(
                    !e.localized(Lang::En).is_empty(),
                    "{what}: no English message"
                );
            }
            None => {}
        }
        let plan_result: Option<Result<(), plan::PlanErrors>> = match u32::from(op) % 12 {
            8 => {
                let index = value(0).trim().parse::<usize>().ok();
                Some(plan::edit::set_activity(&mut p, index, rest).map(drop))
            }
            9 => Some(plan::edit::set_reasons(&mut p, &values)),
            10 => Some(match value(0).len() % 3 {
                0 => plan::edit::set_coaching(&mut p, &values[1..]),
                1 => plan::edit::set_priorities(&mut p, &values[1..]),
                _ => plan::edit::set_notes(&mut p, value(1)),
            }),
            11 => {
                let customers: Vec<String> = values.iter().skip(4).cloned().collect();
                let selection = Some(value(3)).filter(|s| !s.is_empty());
                match plan::edit::new_plan(
                    value(0),
                    value(1),
                    value(2),
                    &values[..values.len().min(1)],
                    selection,
                    &customers,
                ) {
                    Ok(new) => {
                        assert_plan_round_trips(&new, &what);
                        p = new;
                    }
                    Err(e) => {
                        assert!(
                            !e.localized(Lang::De).is_empty() && !e.localized(Lang::En).is_empty()
                        );
                    }
                }
                None
            }
            _ => None,
        };
        match plan_result {
            Some(Ok(())) => assert_plan_round_trips(&p, &what),
            Some(Err(e)) => {
                assert_eq!(p, before.1, "a refused {what} changed the plan");
                assert!(
                    !e.localized(Lang::De).is_empty(),
                    "{what}: no German message"
                );
                assert!(
                    !e.localized(Lang::En).is_empty(),
                    "{what}: no English message"
                );
            }
            None => {}
        }
    }
}
