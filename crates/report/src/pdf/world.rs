//! The smallest typst world that compiles our documents: one source (the layout), one virtual
//! `input.json` (the document's content), the bundled DejaVu fonts, and no file system, no
//! packages and no clock.

use std::sync::LazyLock;

use typst::diag::{FileError, FileResult, Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

use super::PdfError;

static REGULAR: &[u8] = include_bytes!("../../../chain/assets/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../../chain/assets/DejaVuSans-Bold.ttf");

/// The bundled fonts, loaded once per process.
struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static FONTS: LazyLock<Fonts> = LazyLock::new(|| {
    let fonts: Vec<Font> = [REGULAR, BOLD]
        .into_iter()
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect();
    Fonts {
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
    }
});

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

/// Whether every bundled font draws `c` (both weights, so bold text never lacks a glyph).
pub(crate) fn has_glyph(c: char) -> bool {
    FONTS
        .fonts
        .iter()
        .all(|f| f.info().coverage.contains(c as u32))
}

fn file_id(path: &str) -> FileId {
    // The paths are constants of this module: always valid.
    let vpath = VirtualPath::new(path).unwrap_or_else(|_| unreachable!("{path} is a valid path"));
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

/// A layout (`main.typ`) and its content (`input.json`).
struct Doc {
    main: Source,
    input_id: FileId,
    input: Bytes,
}

impl World for Doc {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(not_found(id))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.input_id {
            Ok(self.input.clone())
        } else if id == self.main.id() {
            Ok(Bytes::from_string(self.main.clone()))
        } else {
            Err(not_found(id))
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        // No clock: the documents carry the date of the analysis they show.
        None
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(id.get().vpath().get_without_slash().into())
}

fn messages(diagnostics: &[SourceDiagnostic]) -> String {
    diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.message.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Lays out `layout` (typst markup reading `/input.json`) with `input` and writes the PDF.
pub(crate) fn compile(layout: &str, input: Vec<u8>) -> Result<Vec<u8>, PdfError> {
    let world = Doc {
        main: Source::new(file_id("/main.typ"), layout.to_owned()),
        input_id: file_id("/input.json"),
        input: Bytes::new(input),
    };
    let document = typst::compile::<PagedDocument>(&world)
        .output
        .map_err(|e| PdfError::Layout(messages(&e)))?;
    let options = typst_pdf::PdfOptions {
        // The same content gives the same file: a stable document id, no creator version.
        ident: typst::foundations::Smart::Custom("kundenwert".into()),
        creator: typst::foundations::Smart::Custom(Some("Kundenwert".into())),
        ..typst_pdf::PdfOptions::default()
    };
    typst_pdf::pdf(&document, &options).map_err(|e| PdfError::Pdf(messages(&e)))
}
