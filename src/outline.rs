//! A merged PDF's outline: one bookmark per letter, so that a clerk who opens
//! a circular's 3,000 letters in one file can go to a recipient's letter from
//! the viewer's sidebar. Written over typst's PDF with lopdf: typst builds an
//! outline only from headings, and a merged document's pages carry none.

use lopdf::{Bookmark, Document as Pdf, Object};

use crate::view::View;

/// Where a letter starts in a merged PDF and what its bookmark says.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    /// The letter's first page, 0-based, in the merged PDF.
    pub page: usize,
    /// The bookmark's text.
    pub title: String,
}

/// A letter's bookmark: its number in the batch, then whom it is to (or its
/// subject) and its reference, as a clerk finds a letter in the register.
pub fn title(index: usize, view: &View) -> String {
    let who = view
        .to
        .as_ref()
        .map(|t| t.flat())
        .unwrap_or_else(|| view.doc_title.clone());
    match &view.reference {
        Some(r) => format!("{}. {who} (ที่ {r})", index + 1),
        None => format!("{}. {who}", index + 1),
    }
}

/// `pdf` with a bookmark at each mark, the outline shown when it opens.
pub fn add(pdf: &[u8], marks: &[Mark]) -> Result<Vec<u8>, String> {
    if marks.is_empty() {
        return Ok(pdf.to_vec());
    }
    let mut doc = Pdf::load_mem(pdf).map_err(|e| format!("reading the merged PDF: {e}"))?;
    let pages: Vec<_> = doc.get_pages().into_values().collect();
    for m in marks {
        let page = *pages
            .get(m.page)
            .ok_or_else(|| format!("bookmark '{}' past the last page", m.title))?;
        doc.add_bookmark(Bookmark::new(m.title.clone(), [0.0; 3], 0, page), None);
    }
    let outline = doc.build_outline().ok_or("the outline has no entries")?;
    let catalog = doc
        .catalog_mut()
        .map_err(|e| format!("the merged PDF has no catalogue: {e}"))?;
    catalog.set("Outlines", Object::Reference(outline));
    catalog.set("PageMode", Object::Name(b"UseOutlines".to_vec()));
    let mut out = Vec::with_capacity(pdf.len());
    doc.save_to(&mut out)
        .map_err(|e| format!("writing the merged PDF: {e}"))?;
    Ok(out)
}
