//! Passes over typst's laid-out pages before PDF export, so that the PDF's text
//! layer says what the letter says, in Thai.
//!
//! - **One text item per GPOS-stacked cluster.** typst 0.15 groups a run's
//!   glyphs into text items by vertical offset; a Thai cluster whose upper
//!   mark the font raises by GPOS (`ธิ์`, `ดิ์`) is cut into two items that
//!   both carry the cluster's text, and the PDF's text doubles it (`ศักดิ์ดิ์`).
//!   [`merge_stacked`] joins such neighbours back into one item whose glyphs
//!   keep their own `y_offset` (which the PDF, PNG and SVG exporters honour).
//! - **Thai, not Japanese.** Templates lay Thai out under `lang: "ja"` so that
//!   typst's own segmenter leaves Thai runs whole (our dictionary breaks them);
//!   the language of every text item and of the document is set back to Thai
//!   here, so the catalogue and tagged spans say `/Lang (th)`.
//!
//! - **Text that every viewer reads.** pdf.js (Firefox, the web document
//!   systems agencies use) and Apple Preview ignore `/ActualText` and read a
//!   glyph's text from its font's ToUnicode map alone; krilla gives a Thai
//!   cluster's whole text to its first glyph and none to its marks, in the
//!   visual order the font draws them. [`for_pdf`] gives each glyph of a
//!   cluster its own character, in logical order, where that is how krilla
//!   will first meet it (see `tounicode.rs`).
//!
//! - **Merged letters tagged apart.** [`relocate`] gives each letter of a
//!   merged PDF its own element locations, so its structure stays its own.
//!
//! Upstream report texts: docs/upstream.md.

mod relocate;
mod stacked;
mod tounicode;

use typst::foundations::Smart;
use typst::layout::{Frame, FrameItem, Point};
use typst::model::DocumentInfo;
use typst::text::{Lang, Locale};
use typst_layout::{Page, PagedDocument};

pub use relocate::relocate;
pub use stacked::merge_stacked;
use stacked::stacked;

/// The document as every reader of its frames (the line reader, the PDF and
/// PNG exporters) should see it: stacked clusters whole. Applied once, right
/// after a compile; the document is rebuilt only when a page has such a
/// cluster (most letters have none).
pub fn fix(doc: PagedDocument) -> PagedDocument {
    if !doc.pages().iter().any(|p| has_stacked(&p.frame)) {
        return doc;
    }
    let pages: Vec<Page> = doc
        .pages()
        .iter()
        .map(|page| {
            let mut page: Page = page.clone();
            merge_frame(&mut page.frame);
            page
        })
        .collect();
    PagedDocument::new(
        pages.into_iter().collect(),
        typst::model::Document::info(&doc).clone(),
    )
}

/// The document to export as PDF: pages already [`fix`]ed (of one letter or
/// several), declared Thai on every text item and as a whole, their Thai
/// clusters rewritten for readers of ToUnicode maps (pdf.js) in the order
/// typst-pdf will write them. Only for export: line readers and PNGs take the
/// document as [`fix`] left it.
pub fn for_pdf(pages: &[Page], mut info: DocumentInfo, every_glyph: bool) -> PagedDocument {
    // One walk over the frames: each text item declared Thai, then rewritten.
    let pages = tounicode::rewrite(
        pages,
        &|text| {
            if text.lang == Lang::JAPANESE {
                text.lang = Lang::THAI;
            }
        },
        every_glyph,
    );
    info.locale = Smart::Custom(Locale {
        lang: Lang::THAI,
        region: None,
    });
    PagedDocument::new(pages.into_iter().collect(), info)
}

/// True when the frame or a group in it has [`stacked`] neighbours.
fn has_stacked(frame: &Frame) -> bool {
    frame
        .items()
        .zip(frame.items().skip(1))
        .any(|((pa, a), (pb, b))| match (a, b) {
            (FrameItem::Text(a), FrameItem::Text(b)) => stacked(*pa, a, *pb, b),
            _ => false,
        })
        || frame.items().any(|(_, item)| match item {
            FrameItem::Group(g) => has_stacked(&g.frame),
            _ => false,
        })
}

/// Merges the stacked clusters of a frame and its groups.
fn merge_frame(frame: &mut Frame) {
    if !has_stacked(frame) {
        return;
    }
    let items: Vec<(Point, FrameItem)> = frame.items().cloned().collect();
    frame.clear();
    frame.push_multiple(merge_stacked(items));
    frame.retain(|item| {
        if let FrameItem::Group(group) = item {
            merge_frame(&mut group.frame);
        }
        true
    });
}
