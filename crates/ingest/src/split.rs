//! Splitting decoded bytes into records and fields.
//!
//! Our own splitter rather than the csv crate: we need physical line numbers that stay right on
//! CRLF files and across quoted line breaks (the csv crate reports one line too few on CRLF,
//! rust-csv issue 395), whitespace-aligned columns, and record boundaries the reader can find
//! cheaply to hand chunks to several threads. Quoting follows RFC 4180 as the csv crate reads
//! it: a quote opens a quoted field only at the start of a field, `""` inside is one quote, and
//! a quote inside an unquoted field (`12" Rohr`) is an ordinary character. The property tests
//! check the splitter against the csv crate.

use memchr::{memchr, memchr2};

/// How fields are separated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// One delimiter byte (`,` `;` tab `|`), with `"` quoting.
    Delimited(u8),
    /// Runs of spaces or tabs, as in column-aligned text exports; no quoting.
    Whitespace,
}

impl Dialect {
    /// The delimiter as shown to users (`" "` for whitespace).
    pub fn describe(self) -> String {
        match self {
            Dialect::Delimited(b'\t') => "\t".into(),
            Dialect::Delimited(b) => (b as char).to_string(),
            Dialect::Whitespace => "whitespace".into(),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    FieldStart,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

/// Finds the end of the record starting at `data[0]`: the index of its terminating `\n`, or
/// `None` if the data ends first. The second value tells whether the record ended inside an
/// open quote (only meaningful with `None`).
pub fn record_end(data: &[u8], dialect: Dialect) -> (Option<usize>, bool) {
    let delim = match dialect {
        Dialect::Delimited(d) => d,
        Dialect::Whitespace => return (memchr(b'\n', data), false),
    };
    // Fast path: a record without quotes ends at the first newline.
    match memchr2(b'\n', b'"', data) {
        None => return (None, false),
        Some(i) if data[i] == b'\n' => return (Some(i), false),
        Some(_) => {}
    }
    let mut state = State::FieldStart;
    let mut i = 0;
    while i < data.len() {
        let b = data[i];
        state = match state {
            State::FieldStart => match b {
                b'"' => State::Quoted,
                b'\n' => return (Some(i), false),
                _ if b == delim => State::FieldStart,
                _ => State::Unquoted,
            },
            State::Unquoted => match b {
                b'\n' => return (Some(i), false),
                _ if b == delim => State::FieldStart,
                _ => State::Unquoted,
            },
            State::Quoted => match memchr(b'"', &data[i..]) {
                Some(j) => {
                    i += j;
                    State::QuoteInQuoted
                }
                None => return (None, true),
            },
            State::QuoteInQuoted => match b {
                b'"' => State::Quoted,
                b'\n' => return (Some(i), false),
                _ if b == delim => State::FieldStart,
                _ => State::Unquoted,
            },
        };
        i += 1;
    }
    (None, state == State::Quoted)
}

#[derive(Debug, Clone, Copy)]
struct Span {
    start: u32,
    end: u32,
    /// In [`Fields`]' own buffer (an unescaped quoted field) rather than in the record.
    owned: bool,
}

/// The fields of one record: spans into the record itself, or, for records with quotes, into
/// a buffer holding the unescaped text. Plain records are never copied.
#[derive(Debug, Default, Clone)]
pub struct Fields {
    buf: Vec<u8>,
    spans: Vec<Span>,
}

impl Fields {
    /// Number of fields.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether there are no fields.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Field `i` of `record` (the record last split) as bytes.
    pub fn get<'a>(&'a self, record: &'a [u8], i: usize) -> Option<&'a [u8]> {
        let span = *self.spans.get(i)?;
        let source = if span.owned { &self.buf[..] } else { record };
        source.get(span.start as usize..span.end as usize)
    }

    /// Field `i` of `record` as text. Delimiters and quotes are ASCII, so the fields of valid
    /// UTF-8 are valid UTF-8; only unescaped fields are checked again.
    pub fn get_str<'a>(&'a self, record: &'a str, i: usize) -> Option<&'a str> {
        let span = *self.spans.get(i)?;
        let range = span.start as usize..span.end as usize;
        if span.owned {
            std::str::from_utf8(self.buf.get(range)?).ok()
        } else {
            record.get(range)
        }
    }

    /// Whether every field is empty or whitespace (a blank line, or `;;;;` from Excel).
    pub fn is_blank(&self, record: &[u8]) -> bool {
        (0..self.len()).all(|i| {
            self.get(record, i)
                .is_none_or(|f| f.trim_ascii().is_empty())
        })
    }

    fn clear(&mut self) {
        self.buf.clear();
        self.spans.clear();
    }

    fn push_borrowed(&mut self, start: usize, end: usize) {
        self.spans.push(Span {
            start: start as u32,
            end: end as u32,
            owned: false,
        });
    }

    fn push_owned(&mut self, start: usize) {
        self.spans.push(Span {
            start: start as u32,
            end: self.buf.len() as u32,
            owned: true,
        });
    }
}

/// [`split`] for a record known to hold no quote (its chunk has none): skips looking for one.
pub(crate) fn split_unquoted(record: &[u8], dialect: Dialect, out: &mut Fields) {
    let Dialect::Delimited(delim) = dialect else {
        return split(record, dialect, out);
    };
    out.clear();
    let record = record.strip_suffix(b"\r").unwrap_or(record);
    let mut start = 0;
    for i in memchr::memchr_iter(delim, record) {
        out.push_borrowed(start, i);
        start = i + 1;
    }
    out.push_borrowed(start, record.len());
}

/// The records of a quote-free chunk and their fields, found in one scan for both the delimiter
/// and the line break: [`split_unquoted`] record by record, without a separate search for each
/// record's end and a new search per record for its delimiters.
pub(crate) struct UnquotedRecords<'a> {
    data: &'a [u8],
    hits: memchr::Memchr2<'a>,
    delim: u8,
    pos: usize,
}

impl<'a> UnquotedRecords<'a> {
    /// The records of `data` with fields separated by `delim`; `None` for a delimiter that is
    /// itself part of a line ending, which [`split_unquoted`] treats differently.
    pub(crate) fn new(data: &'a [u8], delim: u8) -> Option<Self> {
        (delim != b'\n' && delim != b'\r').then(|| UnquotedRecords {
            data,
            hits: memchr::memchr2_iter(delim, b'\n', data),
            delim,
            pos: 0,
        })
    }

    /// Splits the next record into `out` (spans relative to the record, a trailing `\r`
    /// dropped, as [`split_unquoted`] does) and returns its range in the data, without `\n`.
    pub(crate) fn next_record(&mut self, out: &mut Fields) -> Option<(usize, usize)> {
        let start = self.pos;
        if start >= self.data.len() {
            return None;
        }
        out.clear();
        let mut field = start;
        let end = loop {
            match self.hits.next() {
                Some(i) if self.data[i] == self.delim => {
                    out.push_borrowed(field - start, i - start);
                    field = i + 1;
                }
                Some(i) => break i,
                None => break self.data.len(),
            }
        };
        // A `\r` before the line break is not part of the last field; it cannot be a
        // delimiter here, so no field ends after it.
        let last_end = if end > field && self.data[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        out.push_borrowed(field - start, last_end - start);
        self.pos = end + 1;
        Some((start, end))
    }
}

/// Splits one record (without its `\n`; a trailing `\r` is dropped) into `out`.
pub fn split(record: &[u8], dialect: Dialect, out: &mut Fields) {
    out.clear();
    let record = record.strip_suffix(b"\r").unwrap_or(record);
    let delim = match dialect {
        Dialect::Whitespace => {
            let mut start = None;
            for (i, b) in record.iter().enumerate() {
                let space = matches!(b, b' ' | b'\t' | b'\r');
                match (space, start) {
                    (false, None) => start = Some(i),
                    (true, Some(s)) => {
                        out.push_borrowed(s, i);
                        start = None;
                    }
                    _ => {}
                }
            }
            if let Some(s) = start {
                out.push_borrowed(s, record.len());
            }
            return;
        }
        Dialect::Delimited(d) => d,
    };
    if memchr(b'"', record).is_none() {
        let mut start = 0;
        for i in memchr::memchr_iter(delim, record) {
            out.push_borrowed(start, i);
            start = i + 1;
        }
        out.push_borrowed(start, record.len());
        return;
    }
    let mut state = State::FieldStart;
    let mut field_start = 0;
    for &b in record {
        state = match state {
            State::FieldStart => match b {
                b'"' => State::Quoted,
                _ if b == delim => {
                    out.push_owned(field_start);
                    field_start = out.buf.len();
                    State::FieldStart
                }
                _ => {
                    out.buf.push(b);
                    State::Unquoted
                }
            },
            State::Unquoted => {
                if b == delim {
                    out.push_owned(field_start);
                    field_start = out.buf.len();
                    State::FieldStart
                } else {
                    out.buf.push(b);
                    State::Unquoted
                }
            }
            State::Quoted => {
                if b == b'"' {
                    State::QuoteInQuoted
                } else {
                    out.buf.push(b);
                    State::Quoted
                }
            }
            State::QuoteInQuoted => match b {
                b'"' => {
                    out.buf.push(b'"');
                    State::Quoted
                }
                _ if b == delim => {
                    out.push_owned(field_start);
                    field_start = out.buf.len();
                    State::FieldStart
                }
                _ => {
                    out.buf.push(b);
                    State::Unquoted
                }
            },
        };
    }
    out.push_owned(field_start);
}

/// Index of the field whose opening quote is still open at the end of `record`.
pub fn open_quote_field(record: &[u8], dialect: Dialect) -> usize {
    let Dialect::Delimited(delim) = dialect else {
        return 0;
    };
    let mut state = State::FieldStart;
    let mut field = 0;
    let mut opened = 0;
    for &b in record {
        state = match (state, b) {
            (State::FieldStart, b'"') => {
                opened = field;
                State::Quoted
            }
            (State::Quoted, b'"') => State::QuoteInQuoted,
            (State::Quoted, _) => State::Quoted,
            (State::QuoteInQuoted, b'"') => State::Quoted,
            (_, b) if b == delim => {
                field += 1;
                State::FieldStart
            }
            _ => State::Unquoted,
        };
    }
    opened
}

/// Up to `limit` non-blank records of `text` as the dialect reads them (quoted line breaks stay
/// inside their record).
fn records(text: &[u8], dialect: Dialect, limit: usize) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < text.len() && out.len() < limit {
        let (end, _) = record_end(&text[pos..], dialect);
        let end = end.map_or(text.len(), |e| pos + e);
        let record = &text[pos..end];
        if !record.iter().all(u8::is_ascii_whitespace) {
            out.push(record);
        }
        pos = end + 1;
    }
    out
}

/// Guesses the dialect from the text starting at the header: the delimiter that gives the
/// header more than one field and the most of the next records the same number of fields
/// (records, not lines, so a header cell with a line break does not hide the delimiter);
/// whitespace-aligned when no delimiter does.
pub fn sniff(text: &[u8]) -> Dialect {
    let mut best: Option<(f64, usize, u8)> = None;
    let mut fields = Fields::default();
    for delim in [b';', b',', b'\t', b'|'] {
        let dialect = Dialect::Delimited(delim);
        let sample = records(text, dialect, 200);
        let Some(header) = sample.first() else { break };
        split(header, dialect, &mut fields);
        let n = fields.len();
        if n < 2 {
            continue;
        }
        let data = &sample[1..];
        let same = data
            .iter()
            .filter(|l| {
                split(l, dialect, &mut fields);
                fields.len() == n
            })
            .count();
        let score = if data.is_empty() {
            1.0
        } else {
            same as f64 / data.len() as f64
        };
        let better = match best {
            None => true,
            Some((s, bn, _)) => score > s + 1e-9 || ((score - s).abs() <= 1e-9 && n > bn),
        };
        if better {
            best = Some((score, n, delim));
        }
    }
    match best {
        Some((score, _, d)) if score >= 0.5 => Dialect::Delimited(d),
        _ => {
            let header = records(text, Dialect::Whitespace, 1);
            let header_words = header.first().map_or(0, |h| {
                split(h, Dialect::Whitespace, &mut fields);
                fields.len()
            });
            if header_words >= 2 {
                Dialect::Whitespace
            } else {
                best.map_or(Dialect::Delimited(b','), |(_, _, d)| Dialect::Delimited(d))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fields_of(record: &[u8], dialect: Dialect) -> Vec<String> {
        let mut f = Fields::default();
        split(record, dialect, &mut f);
        let text = std::str::from_utf8(record).unwrap();
        let by_bytes: Vec<String> = (0..f.len())
            .map(|i| String::from_utf8(f.get(record, i).unwrap().to_vec()).unwrap())
            .collect();
        let by_str: Vec<String> = (0..f.len())
            .map(|i| f.get_str(text, i).unwrap().to_string())
            .collect();
        assert_eq!(by_bytes, by_str);
        by_bytes
    }

    #[test]
    fn quoting_as_rfc4180() {
        let d = Dialect::Delimited(b';');
        assert_eq!(
            fields_of(b"a;\"b;c\";\"d\"\"e\"\r", d),
            ["a", "b;c", "d\"e"]
        );
        assert_eq!(fields_of(b"12\" Rohr;x", d), ["12\" Rohr", "x"]);
        assert_eq!(fields_of(b";;", d), ["", "", ""]);
        assert_eq!(
            fields_of(b" 00001 19970101  1   11.77", Dialect::Whitespace),
            ["00001", "19970101", "1", "11.77"]
        );
    }

    #[test]
    fn record_ends_respect_quotes() {
        let d = Dialect::Delimited(b',');
        assert_eq!(record_end(b"a,\"x\ny\",b\nnext", d), (Some(9), false));
        assert_eq!(record_end(b"a,\"never closed\nmore", d), (None, true));
        assert_eq!(record_end(b"12\" pipe,b\nc", d), (Some(10), false));
    }

    #[test]
    fn sniffs_german_and_english() {
        let de = b"Kundennr.;Datum;Umsatz\n1;01.02.2024;1.234,56\n2;02.02.2024;12,50\n";
        assert_eq!(sniff(de), Dialect::Delimited(b';'));
        assert_eq!(
            sniff(b"customer,date,revenue\n1,2024-02-01,1234.56"),
            Dialect::Delimited(b',')
        );
        let ws =
            b" customer_id  date number_of_cds  dollar_value\r\n 00001 19970101  1   11.77\r\n";
        assert_eq!(sniff(ws), Dialect::Whitespace);
        assert_eq!(sniff(b"a\tb\tc\n1\t2,5\t3\n"), Dialect::Delimited(b'\t'));
        // A wrapped header cell: records, not lines.
        let wrapped = b"\"Kunden-\r\nnummer\";Datum;\"Netto-\r\numsatz\"\r\n1;01.02.2024;1,00\r\n";
        assert_eq!(sniff(wrapped), Dialect::Delimited(b';'));
    }

    proptest! {
        /// Our splitter reads every well-formed CSV record as the csv crate does.
        #[test]
        fn agrees_with_csv_crate(rows in proptest::collection::vec(
            proptest::collection::vec("[a-zäöü0-9 ;,\"\n]{0,8}", 1..5), 1..5)) {
            let mut w = csv::WriterBuilder::new().flexible(true).delimiter(b';').terminator(csv::Terminator::CRLF).from_writer(vec![]);
            for r in &rows { w.write_record(r).unwrap(); }
            let data = w.into_inner().unwrap();
            let mut pos = 0;
            let mut ours = vec![];
            while pos < data.len() {
                let (end, open) = record_end(&data[pos..], Dialect::Delimited(b';'));
                prop_assert!(!open);
                let end = end.unwrap();
                ours.push(fields_of(&data[pos..pos + end], Dialect::Delimited(b';')));
                pos += end + 1;
            }
            let theirs: Vec<Vec<String>> = csv::ReaderBuilder::new().delimiter(b';').has_headers(false)
                .flexible(true).from_reader(&data[..]).records()
                .map(|r| r.unwrap().iter().map(str::to_string).collect()).collect();
            prop_assert_eq!(ours, theirs);
        }

        /// Records without quotes split the same on the path that does not look for them.
        #[test]
        fn unquoted_path_agrees(record in "[a-z0-9 ;,\t\r]{0,40}") {
            for d in [Dialect::Delimited(b';'), Dialect::Delimited(b','), Dialect::Whitespace] {
                let (mut a, mut b) = (Fields::default(), Fields::default());
                split(record.as_bytes(), d, &mut a);
                split_unquoted(record.as_bytes(), d, &mut b);
                let texts = |f: &Fields| (0..f.len())
                    .map(|i| f.get(record.as_bytes(), i).unwrap().to_vec())
                    .collect::<Vec<_>>();
                prop_assert_eq!(texts(&a), texts(&b));
            }
        }

        /// A quote-free chunk scanned once for delimiters and line breaks gives the records
        /// and fields of looking for each line break and then splitting the record.
        #[test]
        fn one_scan_agrees_with_record_by_record(chunk in "[a-z0-9 ;,\t\r\n]{0,120}") {
            let data = chunk.as_bytes();
            for delim in [b';', b',', b'\t'] {
                let mut scan = UnquotedRecords::new(data, delim).unwrap();
                let (mut a, mut b) = (Fields::default(), Fields::default());
                let mut pos = 0;
                while pos < data.len() {
                    let end = memchr(b'\n', &data[pos..]).map_or(data.len(), |e| pos + e);
                    let record = &data[pos..end];
                    split_unquoted(record, Dialect::Delimited(delim), &mut a);
                    prop_assert_eq!(scan.next_record(&mut b), Some((pos, end)));
                    let texts = |f: &Fields| (0..f.len())
                        .map(|i| f.get(record, i).unwrap().to_vec())
                        .collect::<Vec<_>>();
                    prop_assert_eq!(texts(&a), texts(&b));
                    pos = end + 1;
                }
                prop_assert_eq!(scan.next_record(&mut b), None);
            }
        }

        #[test]
        fn never_panics(data in proptest::collection::vec(any::<u8>(), 0..200)) {
            let mut f = Fields::default();
            for d in [Dialect::Delimited(b';'), Dialect::Whitespace] {
                let _ = record_end(&data, d);
                split(&data, d, &mut f);
            }
        }
    }
}
