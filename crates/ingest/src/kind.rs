//! What kind of file a path holds, from its first bytes: an export is text (CSV) or a
//! spreadsheet, and a PDF, an image, an archive or a program handed to the import is named as
//! such instead of being read as garbled headers.

use std::io::Read;
use std::path::Path;

use kundenwert_core::Lang;
use kundenwert_text as text;

/// Bytes looked at: enough for every signature and a fair sample for NUL bytes.
const HEAD: usize = 4096;

/// A kind of file that is not an export the import can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileKind {
    /// `%PDF-`.
    Pdf,
    /// A ZIP archive that is not an Excel workbook.
    Zip,
    /// An Excel workbook (XLSX) under another extension.
    Workbook,
    /// PNG, JPEG, GIF, BMP, TIFF or WebP.
    Image,
    /// gzip, 7-Zip, RAR, bzip2 or xz.
    Archive,
    /// ELF, Windows or Mach-O executables.
    Program,
    /// An OLE compound file: a password-protected (encrypted) XLSX or an old binary Office file.
    EncryptedOrLegacyOffice,
    /// Any other file with NUL bytes that is not UTF-16 text.
    Binary,
    /// Text where a spreadsheet was expected.
    Text,
}

impl FileKind {
    /// The kind as a noun phrase for messages: `a PDF document`.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            FileKind::Pdf => text::import_kind_pdf(lang),
            FileKind::Zip => text::import_kind_zip(lang),
            FileKind::Workbook => text::import_kind_workbook(lang),
            FileKind::Image => text::import_kind_image(lang),
            FileKind::Archive => text::import_kind_archive(lang),
            FileKind::Program => text::import_kind_program(lang),
            FileKind::EncryptedOrLegacyOffice => text::import_kind_encrypted_office(lang),
            FileKind::Binary => text::import_kind_binary(lang),
            FileKind::Text => text::import_kind_text(lang),
        }
    }

    /// What to do about it.
    pub fn hint(self, lang: Lang) -> &'static str {
        match self {
            FileKind::Workbook => text::import_kind_workbook_hint(lang),
            FileKind::EncryptedOrLegacyOffice => text::import_kind_encrypted_office_hint(lang),
            FileKind::Text => text::import_kind_text_hint(lang),
            _ => text::import_kind_other_hint(lang),
        }
    }
}

/// The first bytes of `path` (fewer when the file is shorter).
pub(crate) fn head(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(HEAD);
    std::fs::File::open(path)?
        .take(HEAD as u64)
        .read_to_end(&mut head)?;
    Ok(head)
}

/// Why a file meant as CSV is not one; `None` when it may be text.
pub(crate) fn not_text(head: &[u8]) -> Option<FileKind> {
    signature(head).or_else(|| has_binary_nuls(head).then_some(FileKind::Binary))
}

/// Why a file meant as a spreadsheet (`.xlsx`, `.xlsm`) is not one; `None` when it may be.
/// Only for the Open XML extensions: `.xls` is the OLE format and `.ods` ZIP, both read on.
pub(crate) fn not_workbook(head: &[u8]) -> Option<FileKind> {
    match signature(head) {
        Some(FileKind::Zip | FileKind::Workbook) => None,
        Some(kind) => Some(kind),
        None if head.is_empty() || has_binary_nuls(head) => None,
        None => Some(FileKind::Text),
    }
}

/// The kind a file's signature names.
fn signature(head: &[u8]) -> Option<FileKind> {
    const SIGNATURES: &[(&[u8], FileKind)] = &[
        (b"%PDF-", FileKind::Pdf),
        (b"\x89PNG\r\n\x1a\n", FileKind::Image),
        (b"\xff\xd8\xff", FileKind::Image),
        (b"GIF87a", FileKind::Image),
        (b"GIF89a", FileKind::Image),
        (b"II*\x00", FileKind::Image),
        (b"MM\x00*", FileKind::Image),
        (b"\x1f\x8b", FileKind::Archive),
        (b"7z\xbc\xaf\x27\x1c", FileKind::Archive),
        (b"Rar!\x1a\x07", FileKind::Archive),
        (b"BZh", FileKind::Archive),
        (b"\xfd7zXZ\x00", FileKind::Archive),
        (b"\x7fELF", FileKind::Program),
        (b"\xcf\xfa\xed\xfe", FileKind::Program),
        (b"\xfe\xed\xfa\xcf", FileKind::Program),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
            FileKind::EncryptedOrLegacyOffice,
        ),
    ];
    if let Some((_, kind)) = SIGNATURES.iter().find(|(sig, _)| head.starts_with(sig)) {
        return Some(*kind);
    }
    // Signatures that need more than a prefix.
    if head.starts_with(b"RIFF") && head.get(8..12) == Some(b"WEBP") {
        return Some(FileKind::Image);
    }
    // `BM` and `MZ` start text too (`BMW;…`, `MZ-Nummer;…`): only with NUL bytes they are a
    // bitmap or a Windows program.
    if head.starts_with(b"BM") && has_binary_nuls(head) {
        return Some(FileKind::Image);
    }
    if head.starts_with(b"MZ") && has_binary_nuls(head) {
        return Some(FileKind::Program);
    }
    if head.starts_with(b"PK\x03\x04") {
        // A workbook's first entry is `[Content_Types].xml` or a part under `xl/` or `docProps/`.
        let name = head.get(30..).unwrap_or_default();
        let workbook = [&b"[Content_Types].xml"[..], b"xl/", b"_rels/", b"docProps/"]
            .iter()
            .any(|p| name.starts_with(p));
        return Some(if workbook {
            FileKind::Workbook
        } else {
            FileKind::Zip
        });
    }
    None
}

/// NUL bytes, which no text export in a single-byte or UTF-8 encoding holds, unless the text is
/// UTF-16 (with or without a byte-order mark: NULs on one side of most byte pairs).
fn has_binary_nuls(head: &[u8]) -> bool {
    if !head.contains(&0) {
        return false;
    }
    if head.starts_with(b"\xff\xfe") || head.starts_with(b"\xfe\xff") {
        return false;
    }
    let pairs = head.len() / 2;
    let (even, odd) = head.chunks_exact(2).fold((0, 0), |(e, o), p| {
        (e + usize::from(p[0] == 0), o + usize::from(p[1] == 0))
    });
    // ASCII text in UTF-16: nearly every pair has its NUL on the same side.
    let utf16 = pairs > 0 && (even.max(odd) * 10 >= pairs * 8) && even.min(odd) * 10 < pairs;
    !utf16
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    #[test]
    fn kinds_by_their_first_bytes() {
        let zip_entry = |name: &[u8]| {
            let mut b = b"PK\x03\x04".to_vec();
            b.resize(30, 0);
            b.extend_from_slice(name);
            b
        };
        let cases: &[(&[u8], Option<FileKind>, Option<FileKind>)] = &[
            // (head, as CSV, as XLSX)
            (
                b"Kunde;Datum;Umsatz\n1;01.02.2024;5,00\n",
                None,
                Some(FileKind::Text),
            ),
            (
                b"%PDF-1.7\n%\xe2\xe3",
                Some(FileKind::Pdf),
                Some(FileKind::Pdf),
            ),
            (
                b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
                Some(FileKind::Image),
                Some(FileKind::Image),
            ),
            (
                b"\xff\xd8\xff\xe0\0\x10JFIF",
                Some(FileKind::Image),
                Some(FileKind::Image),
            ),
            (
                b"\x1f\x8b\x08\0",
                Some(FileKind::Archive),
                Some(FileKind::Archive),
            ),
            (
                b"\x7fELF\x02\x01\x01\0",
                Some(FileKind::Program),
                Some(FileKind::Program),
            ),
            (
                b"MZ\x90\0\x03\0\0\0",
                Some(FileKind::Program),
                Some(FileKind::Program),
            ),
            (b"MZ-Nummer;Datum;Betrag\n", None, Some(FileKind::Text)),
            (b"BMW AG;01.02.2024;5,00\n", None, Some(FileKind::Text)),
            (
                b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\0\0",
                Some(FileKind::EncryptedOrLegacyOffice),
                Some(FileKind::EncryptedOrLegacyOffice),
            ),
            (
                b"abc\0\x01\x02\xff\0\0\x10binary",
                Some(FileKind::Binary),
                None,
            ),
            (b"", None, None),
        ];
        for (head, csv, xlsx) in cases {
            assert_eq!(not_text(head), *csv, "{head:?} as CSV");
            assert_eq!(not_workbook(head), *xlsx, "{head:?} as XLSX");
        }
        let workbook = zip_entry(b"[Content_Types].xml");
        assert_eq!(not_text(&workbook), Some(FileKind::Workbook));
        assert_eq!(not_workbook(&workbook), None);
        let other = zip_entry(b"rechnungen.csv");
        assert_eq!(not_text(&other), Some(FileKind::Zip));
        assert_eq!(
            not_workbook(&other),
            None,
            "a damaged workbook: the reader says why"
        );
    }

    #[test]
    fn utf16_text_is_text() {
        let text = "Kunde;Datum;Umsatz\r\n1;01.02.2024;5,00\r\n";
        let bom: Vec<u8> = [&b"\xff\xfe"[..], &utf16le(text)].concat();
        assert_eq!(not_text(&bom), None);
        assert_eq!(not_text(&utf16le(text)), None, "without a byte-order mark");
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(not_text(&be), None);
    }

    #[test]
    fn every_kind_has_both_languages() {
        for kind in [
            FileKind::Pdf,
            FileKind::Zip,
            FileKind::Workbook,
            FileKind::Image,
            FileKind::Archive,
            FileKind::Program,
            FileKind::EncryptedOrLegacyOffice,
            FileKind::Binary,
            FileKind::Text,
        ] {
            assert_ne!(kind.label(Lang::De), kind.label(Lang::En));
            assert_ne!(kind.hint(Lang::De), kind.hint(Lang::En));
        }
    }
}
