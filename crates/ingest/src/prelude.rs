//! The start of a CSV file: blank lines and a DATEV line before the header, the header, the
//! dialect and the evidence of a first block of rows.

use std::fs::File;
use std::path::Path;

use crate::decode::DecodingReader;
use crate::header::ColumnMap;
use crate::read::reuse;
use crate::row::{decide, Cell, Evidence, RowCache, RowPlan};
use crate::split::{self, record_end, Dialect, Fields};
use crate::{io_error, usable_columns, ImportError, ImportOptions};

/// Where the data of a CSV file starts and how it is laid out, from its first block.
pub(crate) struct Prelude {
    /// Offset in the decoded stream of the first data row.
    pub(crate) data_start: usize,
    /// Physical line number of the first data row.
    pub(crate) data_line: u64,
    /// Blank lines before the header.
    pub(crate) blank_before: u64,
    pub(crate) dialect: Dialect,
    pub(crate) headers: Vec<String>,
    pub(crate) map: ColumnMap,
    pub(crate) datev: bool,
    pub(crate) sample_evidence: Evidence,
}

pub(crate) fn lines_of(data: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos >= data.len() {
            return None;
        }
        let start = pos;
        let end = memchr::memchr(b'\n', &data[pos..]).map_or(data.len(), |i| pos + i);
        pos = end + 1;
        Some((start, &data[start..end]))
    })
}

pub(crate) fn is_blank_line(line: &[u8]) -> bool {
    line.iter()
        .all(|b| b.is_ascii_whitespace() || matches!(b, b';' | b',' | b'\t' | b'|'))
}

/// Text of a field; the decoded stream is UTF-8, so this only fails on a broken multi-byte
/// sequence cut by a block boundary, which the record splitter never produces.
pub(crate) fn text(field: &[u8]) -> &str {
    std::str::from_utf8(field).unwrap_or("\u{fffd}")
}

pub(crate) fn prelude(
    path: &Path,
    shown: &str,
    options: &ImportOptions,
    encoding: Option<&'static encoding_rs::Encoding>,
) -> Result<Prelude, ImportError> {
    let file = File::open(path).map_err(io_error(shown))?;
    let mut reader = DecodingReader::new(file, encoding);
    let mut data = Vec::new();
    reader.read_block(&mut data).map_err(io_error(shown))?;
    let mut line_no = 0u64;
    let mut blank_before = 0;
    let mut datev = false;
    let mut header_at = None;
    for (start, line) in lines_of(&data) {
        line_no += 1;
        if is_blank_line(line) {
            blank_before += 1;
            continue;
        }
        let trimmed = line.strip_prefix(b"\"").unwrap_or(line);
        if !datev && header_at.is_none() && trimmed.starts_with(b"EXTF") {
            datev = true;
            continue;
        }
        header_at = Some((start, line_no));
        break;
    }
    let Some((header_start, header_line)) = header_at else {
        return Err(ImportError::Empty {
            path: shown.to_string(),
        });
    };
    let dialect = options
        .dialect
        .unwrap_or_else(|| split::sniff(&data[header_start..]));
    let rest = &data[header_start..];
    let (end, _) = record_end(rest, dialect);
    let header_end = end.unwrap_or(rest.len());
    let mut fields = Fields::default();
    split::split(&rest[..header_end], dialect, &mut fields);
    let headers: Vec<String> = (0..fields.len())
        .map(|i| {
            text(fields.get(&rest[..header_end], i).unwrap_or_default())
                .trim()
                .trim_matches('\u{feff}')
                .to_string()
        })
        .collect();
    let header_lines = 1 + memchr::memchr_iter(b'\n', &rest[..header_end]).count() as u64;
    let map = usable_columns(&headers, options, shown)?;
    // Sample the formats from the rows of the first block.
    let data_start = header_start + (header_end + 1).min(rest.len());
    let plan = RowPlan {
        file: shown.to_string(),
        headers: headers.clone(),
        map: map.clone(),
        dialect: Some(dialect),
        decisions: decide(&Evidence::default(), &map, dialect, None, None, false).expect("lenient"),
    };
    let mut sample_evidence = Evidence::default();
    let mut pos = data_start;
    let mut cells: Vec<Cell<'static>> = Vec::new();
    let mut cache = RowCache::default();
    let mut n = 0;
    while pos < data.len() && n < 5000 {
        let (end, open) = record_end(&data[pos..], dialect);
        if open {
            break;
        }
        let end = end.map_or(data.len(), |e| pos + e);
        let record = &data[pos..end];
        split::split(record, dialect, &mut fields);
        let mut local = reuse(std::mem::take(&mut cells));
        local.extend(
            (0..fields.len()).map(|i| Cell::Text(text(fields.get(record, i).unwrap_or_default()))),
        );
        plan.observe(&local, &mut sample_evidence, &mut cache);
        cells = reuse(local);
        pos = end + 1;
        n += 1;
    }
    Ok(Prelude {
        data_start,
        data_line: header_line + header_lines,
        blank_before,
        dialect,
        headers,
        map,
        datev,
        sample_evidence,
    })
}
