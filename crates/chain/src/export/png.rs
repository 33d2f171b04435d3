//! The chain diagram as PNG: the SVG of [`to_svg`] rendered by resvg with the bundled font.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use kundenwert_core::Lang;
use kundenwert_text as text;
use resvg::{tiny_skia, usvg};

use super::svg::{to_svg, FONT_BOLD, FONT_FAMILY, FONT_REGULAR};
use crate::model::{ActorFigures, Chain};

/// Largest side of a rendered PNG in pixels; beyond it the pixmap alone would need gigabytes.
pub const MAX_PNG_SIDE: u32 = 16_384;

/// Why a chain could not be rendered as PNG.
#[derive(Debug)]
pub enum PngError {
    /// The scale is not a positive, finite number.
    InvalidScale(f32),
    /// The image would be larger than [`MAX_PNG_SIDE`] pixels on a side.
    TooLarge {
        /// Width in pixels at the requested scale.
        width: u32,
        /// Height in pixels at the requested scale.
        height: u32,
    },
    /// The generated SVG could not be parsed (a bug in the SVG export).
    Svg(usvg::Error),
    /// The fallback font file could not be read.
    FontRead {
        /// The configured font file.
        path: PathBuf,
        /// Why reading failed.
        source: std::io::Error,
    },
    /// The fallback font file holds no font that could be loaded.
    NotAFont(PathBuf),
    /// The PNG could not be encoded.
    Encode(String),
}

impl PngError {
    /// The message in the reader's language.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            PngError::InvalidScale(s) => text::chain_png_invalid_scale(lang, s),
            PngError::TooLarge { width, height } => {
                text::chain_png_too_large(lang, height, MAX_PNG_SIDE, width)
            }
            PngError::Svg(e) => text::chain_png_svg(lang, e),
            PngError::FontRead { path, source } => {
                text::chain_png_font_read(lang, source, path.display())
            }
            PngError::NotAFont(path) => text::chain_png_not_a_font(lang, path.display()),
            PngError::Encode(e) => text::chain_png_encode(lang, e),
        }
    }
}

impl std::fmt::Display for PngError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for PngError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            PngError::Svg(e) => Some(e),
            PngError::FontRead { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl From<usvg::Error> for PngError {
    fn from(e: usvg::Error) -> PngError {
        PngError::Svg(e)
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
