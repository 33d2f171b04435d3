//! Streaming decoding of a file into UTF-8 blocks.
//!
//! The encoding is decided from a byte-order mark, from `--encoding`, or, lazily, from the first
//! block that holds a non-ASCII byte: everything before it is ASCII and reads the same in every
//! candidate encoding, so a German export whose first umlaut sits deep in the file is still
//! read right. UTF-8 is checked first; otherwise chardetng guesses (Windows-1252 for German ERP
//! exports, which also covers ISO-8859-1).

use encoding_rs::{Decoder, Encoding, UTF_16BE, UTF_16LE, UTF_8};
use std::fs::File;
use std::io::{self, Read};

/// Size of one raw read.
pub const BLOCK: usize = 4 << 20;

enum Mode {
    /// Only ASCII seen so far; no encoding decided.
    Ascii,
    /// Decoding with the chosen encoding.
    Decoding(Decoder),
}

/// Reads a file block by block and appends UTF-8 to a buffer.
pub struct DecodingReader {
    file: File,
    mode: Mode,
    encoding: Option<&'static Encoding>,
    raw: Vec<u8>,
    started: bool,
    eof: bool,
}

impl std::fmt::Debug for DecodingReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DecodingReader")
            .field("encoding", &self.encoding)
            .finish()
    }
}

impl DecodingReader {
    /// Starts reading; `forced` is the user's `--encoding`.
    pub fn new(file: File, forced: Option<&'static Encoding>) -> Self {
        let mode = match forced {
            Some(enc) => Mode::Decoding(enc.new_decoder_with_bom_removal()),
            None => Mode::Ascii,
        };
        DecodingReader {
            file,
            mode,
            encoding: forced,
            raw: Vec::with_capacity(BLOCK),
            started: false,
            eof: false,
        }
    }

    /// The encoding in use; `None` while everything read was ASCII.
    pub fn encoding(&self) -> Option<&'static Encoding> {
        self.encoding
    }

    /// Appends the next decoded block to `out`; returns the number of raw bytes consumed
    /// (0 at the end of the file).
    pub fn read_block(&mut self, out: &mut Vec<u8>) -> io::Result<usize> {
        if self.eof {
            return Ok(0);
        }
        // Sized once; reads overwrite it.
        self.raw.resize(BLOCK, 0);
        let mut filled = 0;
        while filled < BLOCK {
            match self.file.read(&mut self.raw[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        let raw = &self.raw[..filled];
        let last = filled < BLOCK;
        if !self.started {
            self.started = true;
            if matches!(self.mode, Mode::Ascii) {
                if let Some((enc, _)) = Encoding::for_bom(raw) {
                    self.encoding = Some(enc);
                    self.mode = Mode::Decoding(enc.new_decoder_with_bom_removal());
                }
            }
        }
        if matches!(self.mode, Mode::Ascii) && !raw.is_ascii() {
            let enc = guess(raw, last);
            self.encoding = Some(enc);
            self.mode = Mode::Decoding(enc.new_decoder_without_bom_handling());
        }
        match &mut self.mode {
            Mode::Ascii => out.extend_from_slice(raw),
            Mode::Decoding(decoder) => {
                let need = decoder
                    .max_utf8_buffer_length(raw.len())
                    .unwrap_or(raw.len() * 3 + 16);
                let start = out.len();
                out.resize(start + need, 0);
                let (_, read, written, _) = decoder.decode_to_utf8(raw, &mut out[start..], last);
                debug_assert_eq!(read, raw.len());
                out.truncate(start + written);
            }
        }
        if last {
            self.eof = true;
        }
        Ok(filled)
    }
}

/// UTF-8 if the bytes are valid UTF-8 (a sequence cut at the block's end is fine), else what
/// chardetng guesses without UTF-8.
fn guess(bytes: &[u8], last: bool) -> &'static Encoding {
    match std::str::from_utf8(bytes) {
        Ok(_) => return UTF_8,
        Err(e) if e.error_len().is_none() && !last => return UTF_8,
        Err(_) => {}
    }
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(bytes, last);
    // Kundenwert's users are mostly German-speaking: the `de` hint makes chardetng prefer
    // Windows-1252 where a short sample (`ÖÜ GmbH`, `12,50 €` with a no-break space) would
    // otherwise look Greek or Cyrillic.
    let enc = detector.guess(Some(b"de"), false);
    // chardetng can still see Cyrillic in `12,50 €` (A0 80) beside a few umlauts: when the
    // bytes read as Western European text in Windows-1252, take that.
    if enc != encoding_rs::WINDOWS_1252 && looks_western(bytes) {
        return encoding_rs::WINDOWS_1252;
    }
    if enc == UTF_16LE || enc == UTF_16BE {
        encoding_rs::WINDOWS_1252
    } else {
        enc
    }
}

/// Bytes that are common Western European characters in Windows-1252: `€`, no-break space,
/// `§ ° ² ³ µ`, and the Latin-1 letters (not `×` and `÷`).
fn is_western(b: u8) -> bool {
    matches!(b, 0x80 | 0xA0 | 0xA7 | 0xB0 | 0xB2 | 0xB3 | 0xB5 | 0xC0..=0xD6 | 0xD8..=0xF6 | 0xF8..=0xFF)
}

/// Whether the non-ASCII bytes read as German or other Western European text in Windows-1252:
/// `€` and no-break spaces (amounts), and Latin letters that mostly sit inside words of ASCII
/// letters (`Müller`, `Groß`). Cyrillic or Greek text, in any code page, is words made of high
/// bytes only.
fn looks_western(bytes: &[u8]) -> bool {
    let (mut letters, mut in_words) = (0usize, 0usize);
    for (i, &b) in bytes.iter().enumerate() {
        if b.is_ascii() || b == 0x80 || b == 0xA0 {
            continue;
        }
        if !is_western(b) {
            return false;
        }
        letters += 1;
        let prev = i.checked_sub(1).map(|j| bytes[j]);
        let next = bytes.get(i + 1).copied();
        if prev.is_some_and(|p| p.is_ascii_alphabetic())
            || next.is_some_and(|n| n.is_ascii_alphabetic())
        {
            in_words += 1;
        }
    }
    in_words * 2 >= letters
}

/// The name reported to users: `utf-8`, `windows-1252`, `utf-16le`.
pub fn label(encoding: Option<&'static Encoding>) -> String {
    encoding.unwrap_or(UTF_8).name().to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn western_text_and_amounts_are_windows_1252_cyrillic_is_not() {
        let (german, _, _) = encoding_rs::WINDOWS_1252
            .encode("Kunde;Betrag\r\nMüller;12,50\u{a0}€\r\nGroß;1\u{a0}000,00\u{a0}€\r\n");
        assert_eq!(guess(&german, true), encoding_rs::WINDOWS_1252);
        let (only_euro, _, _) = encoding_rs::WINDOWS_1252.encode("1;Meyer;12,50\u{a0}€\r\n");
        assert_eq!(guess(&only_euro, true), encoding_rs::WINDOWS_1252);
        let (russian, _, _) = encoding_rs::WINDOWS_1251.encode("Клиент;Сумма\r\nИванов Петр Сергеевич;12,50\r\nОбщество с ограниченной ответственностью;7\r\n");
        assert_ne!(guess(&russian, true), encoding_rs::WINDOWS_1252);
        assert_eq!(guess("Müller".as_bytes(), true), UTF_8);
    }
}
