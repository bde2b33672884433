//! The blocking work a render job does: lay out, export, count.

use std::time::Instant;

use typst_layout::Page;

use super::Shared;
use crate::compose::{self, Letter};
use crate::error::{Error, Problem, Problems};
use crate::model::Document;
use crate::outline;

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

/// One letter of a merged batch: its bookmark's text, its pages, and who
/// signs it.
pub struct Marked {
    /// The bookmark's text.
    pub title: String,
    /// The laid-out pages.
    pub pages: Vec<Page>,
    /// The agency's signer, when its letters are signed.
    pub signer: Option<crate::signing::SharedSigner>,
}

/// The pages of letter `index` of a batch and its bookmark's text.
pub fn marked_pages(
    shared: &Shared,
    doc: &Document,
    reference: Option<&str>,
    index: usize,
) -> Result<Marked, Error> {
    let started = Instant::now();
    let letter = layout_numbered(shared, doc, reference)?;
    shared.metrics.letter(true, started.elapsed());
    Ok(Marked {
        title: outline::title(index, &letter.prepared.view),
        pages: letter.doc.pages().to_vec(),
        signer: letter.prepared.view.signer.clone(),
    })
}
