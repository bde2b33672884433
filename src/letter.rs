//! A laid-out letter and its exports: the PDF (to the agency's standard,
//! signed when the agency signs) and PNG pages.

use serde::Serialize;
use typst_layout::PagedDocument;

use crate::error::Error;
use crate::render;
use crate::view::Prepared;

/// A laid-out letter.
pub struct Letter {
    /// The typst document, pages and frames, with each page's number and
    /// continuation line drawn over it.
    pub doc: PagedDocument,
    /// The view it was compiled from.
    pub prepared: Prepared,
    /// What was drawn over each page (empty for a letter of one page).
    pub marks: Vec<PageMark>,
}

impl Letter {
    /// Number of pages.
    pub fn pages(&self) -> usize {
        self.doc.pages().len()
    }

    /// The PDF, to the agency's PDF standard if it has one.
    pub fn pdf(&self) -> Result<Vec<u8>, Error> {
        self.pdf_as(None)
    }

    /// The PDF to `standard`, or else to the agency's.
    /// A signing agency's letters come signed.
    pub fn pdf_as(&self, standard: Option<crate::PdfStandard>) -> Result<Vec<u8>, Error> {
        let pdf = render::to_pdf_as(&self.doc, standard.or(self.prepared.view.pdf_standard))?;
        match &self.prepared.view.signer {
            Some(signer) => signer
                .sign(
                    &pdf,
                    &self.doc,
                    &self.prepared.view.signatory.name,
                    self.prepared.view.layout.line_pitch_pt,
                )
                .map_err(Error::Signing),
            None => Ok(pdf),
        }
    }

    /// Page `index` (0-based) as a PNG at `dpi`.
    pub fn png(&self, index: usize, dpi: f32) -> Result<Vec<u8>, Error> {
        render::to_png(&self.doc, index, dpi)
    }
}

/// What is drawn over one page of a letter of several pages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageMark {
    /// `- ๒ -`, from the letter's second page to its last.
    pub number: Option<String>,
    /// The next page's opening words, on every page of the letter but its
    /// last (`/` and `...` are the template's).
    pub continuation: Option<String>,
}
