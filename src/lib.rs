//! saraban: official Thai government correspondence (งานสารบรรณ) from JSON to PDF.
//!
//! Data flows one way: [`model`] (serde types) → [`view`] (validation, and the
//! formatting in [`thai`]: digits, Buddhist-era dates, reference numbers, amounts;
//! line-break protection in [`linebreak`]) → [`render`] (a typst `World` with
//! embedded fonts and templates) → [`passes`] (compile, read the lines off
//! typst's frames, adjust, compile again; page marks drawn over the pages, on
//! the one page [`geometry`]) → [`letter`] (PDF/PNG) → the shells: the
//! `saraban` CLI and the HTTP server. [`compose`] runs the pipeline.

pub mod agency;
pub mod batch_file;
mod column_pieces;
pub mod compose;
pub mod error;
pub mod frames;
pub mod geometry;
pub mod i18n;
pub mod letter;
pub mod linebreak;
pub mod merge;
pub mod model;
pub mod outline;
pub mod passes;
pub mod pdf_standard;
pub mod recipients;
pub mod register;
pub mod render;
pub mod server;
pub mod shape;
pub mod signing;
pub mod tagging;
pub mod text;
pub mod textlayer;
pub mod texts;
pub mod thai;
pub mod view;

pub use agency::{Agencies, Agency};
pub use compose::{Letter, compose};
pub use error::{Error, Problem, Problems};
pub use model::{Document, Kind};
pub use pdf_standard::PdfStandard;
pub use render::Engine;

/// The JSON Schema of the input document, each property with its Thai
/// `title` and `x-description-th` ([`i18n::annotate_schema`]).
pub fn schema() -> serde_json::Value {
    let mut schema =
        serde_json::to_value(schemars::schema_for!(model::Document)).unwrap_or_default();
    i18n::annotate_schema(&mut schema);
    schema
}
