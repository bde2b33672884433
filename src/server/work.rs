//! The blocking work a render job does: lay out, export, count.

use std::time::Instant;

use typst_layout::Page;

use super::Shared;
use crate::compose::{self, Letter};
use crate::error::{Error, Problem, Problems};
use crate::model::Document;

/// What to export.
#[derive(Debug, Clone, Copy)]
pub enum Output {
    /// The whole letter as PDF, to a standard or else to the agency's.
    Pdf(Option<crate::PdfStandard>),
    /// Page `page` (0-based) as PNG at `dpi`.
    Png {
        /// 0-based page.
        page: usize,
        /// Resolution.
        dpi: f32,
    },
}

/// A rendered letter.
#[derive(Debug)]
pub struct Rendered {
    /// PDF or PNG bytes.
    pub bytes: Vec<u8>,
    /// Pages of the letter.
    pub pages: usize,
}

/// Lays out `doc`, counting it in the metrics.
pub fn layout(shared: &Shared, doc: &Document) -> Result<Letter, Error> {
    layout_numbered(shared, doc, None)
}

/// Lays out `doc` with `reference` in place of its own (the register's number
/// for `"auto"`), counting it in the metrics.
pub fn layout_numbered(
    shared: &Shared,
    doc: &Document,
    reference: Option<&str>,
) -> Result<Letter, Error> {
    let started = Instant::now();
    let result = compose::compose(&shared.engine, &shared.agencies, doc, reference);
    if result.is_err() {
        shared.metrics.letter(false, started.elapsed());
    }
    result
}

/// Lays out and exports `doc`. A PNG page past the end is a problem at `page`.
pub fn render(shared: &Shared, doc: &Document, output: Output) -> Result<Rendered, Error> {
    render_numbered(shared, doc, output, None)
}

/// [`render`] with the register's reference in place of the document's.
pub fn render_numbered(
    shared: &Shared,
    doc: &Document,
    output: Output,
    reference: Option<&str>,
) -> Result<Rendered, Error> {
    let started = Instant::now();
    let letter = layout_numbered(shared, doc, reference)?;
    let pages = letter.pages();
    let bytes = match output {
        Output::Pdf(standard) => letter.pdf_as(standard),
        Output::Png { page, .. } if page >= pages => {
            return Err(Error::Invalid(Problems::one(Problem::new(
                "page",
                format!("the letter has {pages} page(s)"),
            ))));
        }
        Output::Png { page, dpi } => letter.png(page, dpi),
    };
    shared.metrics.letter(bytes.is_ok(), started.elapsed());
    Ok(Rendered {
        bytes: bytes?,
        pages,
    })
}

/// Lays out `doc` and keeps its pages, for merging.
pub fn pages(shared: &Shared, doc: &Document) -> Result<Vec<Page>, Error> {
    pages_numbered(shared, doc, None)
}

/// [`pages`] with the register's reference in place of the document's.
pub fn pages_numbered(
    shared: &Shared,
    doc: &Document,
    reference: Option<&str>,
) -> Result<Vec<Page>, Error> {
    let started = Instant::now();
    let letter = layout_numbered(shared, doc, reference)?;
    shared.metrics.letter(true, started.elapsed());
    Ok(letter.doc.pages().to_vec())
}

/// One PDF of the pages of several letters, in order. Untagged: each letter's
/// structure tree was built for it alone, and stitched together they would not
/// make one valid tree.
pub fn merged_pdf(pages: Vec<Page>) -> Result<Vec<u8>, Error> {
    let doc = crate::textlayer::for_pdf(&pages, typst::model::DocumentInfo::default());
    let options = typst_pdf::PdfOptions {
        tagged: false,
        ..typst_pdf::PdfOptions::default()
    };
    typst_pdf::pdf(&doc, &options).map_err(|diags| {
        let messages: Vec<String> = diags.iter().map(|d| d.message.to_string()).collect();
        Error::Export(messages.join("; "))
    })
}
