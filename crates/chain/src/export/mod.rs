//! Exports of a chain: the canonical file formats (YAML, JSON) and text diagrams (Mermaid, DOT,
//! draw.io, GraphML).

// The plan's HTML report escapes with the same function as the diagrams.
pub(crate) mod common;
mod dot;
mod drawio;
mod graphml;
mod json;
mod mermaid;
mod yaml;

pub use dot::to_dot;
pub use drawio::to_drawio;
pub use graphml::to_graphml;
pub use json::to_json;
pub use mermaid::to_mermaid;
pub use yaml::to_yaml;

mod png;
mod svg;
pub use png::{to_png, to_png_with_fallback_font, PngError, MAX_PNG_SIDE};
pub use svg::{to_svg, FONT_FAMILY};
