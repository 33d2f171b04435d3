//! Exports of a chain: the canonical file formats (YAML, JSON) and text diagrams (Mermaid, DOT,
//! draw.io, GraphML).
