//! The chain diagram as PNG: the SVG of [`to_svg`] rendered by resvg with the bundled font.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use kundenwert_core::Lang;
use resvg::{tiny_skia, usvg};

use super::svg::{to_svg, FONT_BOLD, FONT_FAMILY, FONT_REGULAR};
use crate::model::{ActorFigures, Chain};

/// Largest side of a rendered PNG in pixels; beyond it the pixmap alone would need gigabytes.
pub const MAX_PNG_SIDE: u32 = 16_384;

/// Why a chain could not be rendered as PNG.
#[derive(Debug, thiserror::Error)]
pub enum PngError {
    /// The scale is not a positive, finite number.
    #[error("scale must be a positive number, got {0}")]
    InvalidScale(f32),
    /// The image would be larger than [`MAX_PNG_SIDE`] pixels on a side.
    #[error("the image would be {width} × {height} pixels; at most {MAX_PNG_SIDE} per side are possible, use a smaller scale")]
    TooLarge {
        /// Width in pixels at the requested scale.
        width: u32,
        /// Height in pixels at the requested scale.
        height: u32,
    },
    /// The generated SVG could not be parsed (a bug in the SVG export).
    #[error("the diagram could not be rendered: {0}")]
    Svg(#[from] usvg::Error),
    /// The fallback font file could not be read.
    #[error("the font file {path} could not be read: {source}")]
    FontRead {
        /// The configured font file.
        path: PathBuf,
        /// Why reading failed.
        source: std::io::Error,
    },
    /// The fallback font file holds no font that could be loaded.
    #[error("{0} is not a TrueType/OpenType font")]
    NotAFont(PathBuf),
    /// The PNG could not be encoded.
    #[error("the PNG could not be encoded: {0}")]
    Encode(String),
}

impl PngError {
    /// The message in the reader's language.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (_, Lang::En) => self.to_string(),
            (PngError::InvalidScale(s), Lang::De) => {
                format!("Der Maßstab muss eine positive Zahl sein, angegeben: {s}")
            }
            (PngError::TooLarge { width, height }, Lang::De) => format!(
                "Das Bild wäre {width} × {height} Pixel groß; höchstens {MAX_PNG_SIDE} je Seite sind möglich, bitte einen kleineren Maßstab wählen"
            ),
            (PngError::Svg(e), Lang::De) => {
                format!("Das Diagramm konnte nicht gezeichnet werden: {e}")
            }
            (PngError::FontRead { path, source }, Lang::De) => format!(
                "Die Schriftdatei {} konnte nicht gelesen werden: {source}",
                path.display()
            ),
            (PngError::NotAFont(path), Lang::De) => {
                format!("{} ist keine TrueType/OpenType-Schrift", path.display())
            }
            (PngError::Encode(e), Lang::De) => {
                format!("Das PNG konnte nicht geschrieben werden: {e}")
            }
        }
    }
}

/// The chain diagram as PNG bytes, `scale` times the SVG's size (1.0 = one pixel per SVG unit;
/// 2.0 suits print and high-density screens).
///
/// Text is rendered with the bundled DejaVu Sans only, so the image is the same on every machine.
pub fn to_png(
    chain: &Chain,
    lang: Lang,
    figures: &BTreeMap<String, ActorFigures>,
    scale: f32,
) -> Result<Vec<u8>, PngError> {
    if !(scale.is_finite() && scale > 0.0) {
        return Err(PngError::InvalidScale(scale));
    }
    let svg = to_svg(chain, lang, figures);
    render(&svg, scale, None)
}

/// Like [`to_png`], with a font file (TrueType/OpenType) for the characters the bundled DejaVu
/// Sans lacks, e.g. Chinese or Japanese names. DejaVu Sans stays the main font: the layout is
/// measured with it, so replacing it would let text overflow its boxes.
pub fn to_png_with_fallback_font(
    chain: &Chain,
    lang: Lang,
    figures: &BTreeMap<String, ActorFigures>,
    scale: f32,
    fallback_font: &Path,
) -> Result<Vec<u8>, PngError> {
    if !(scale.is_finite() && scale > 0.0) {
        return Err(PngError::InvalidScale(scale));
    }
    let data = std::fs::read(fallback_font).map_err(|source| PngError::FontRead {
        path: fallback_font.to_owned(),
        source,
    })?;
    let svg = to_svg(chain, lang, figures);
    render(&svg, scale, Some((data, fallback_font)))
}

/// Renders an SVG produced by [`to_svg`] at `scale`, with an optional fallback font.
fn render(svg: &str, scale: f32, fallback: Option<(Vec<u8>, &Path)>) -> Result<Vec<u8>, PngError> {
    let mut options = usvg::Options {
        font_family: FONT_FAMILY.to_owned(),
        ..usvg::Options::default()
    };
    {
        let db = options.fontdb_mut();
        // Borrowed from the binary: no copy of the ~1.4 MB of font data per call.
        db.load_font_source(usvg::fontdb::Source::Binary(Arc::new(FONT_REGULAR)));
        db.load_font_source(usvg::fontdb::Source::Binary(Arc::new(FONT_BOLD)));
        db.set_sans_serif_family(FONT_FAMILY);
        if let Some((data, path)) = fallback {
            // usvg's default resolver falls back to any loaded face that has the glyph.
            let ids = db.load_font_source(usvg::fontdb::Source::Binary(Arc::new(data)));
            if ids.is_empty() {
                return Err(PngError::NotAFont(path.to_owned()));
            }
        }
    }
    let tree = usvg::Tree::from_str(svg, &options)?;
    let size = tree.size();
    let width = (size.width() * scale).ceil();
    let height = (size.height() * scale).ceil();
    let max = MAX_PNG_SIDE as f32;
    if width > max || height > max {
        return Err(PngError::TooLarge {
            width: width as u32,
            height: height as u32,
        });
    }
    let (width, height) = (width.max(1.0) as u32, height.max(1.0) as u32);
    let mut pixmap =
        tiny_skia::Pixmap::new(width, height).ok_or(PngError::TooLarge { width, height })?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| PngError::Encode(e.to_string()))
}
