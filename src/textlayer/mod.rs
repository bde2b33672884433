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
//! Upstream report texts: docs/upstream.md.

mod stacked;
mod tounicode;

use typst::foundations::Smart;
use typst::layout::{Frame, FrameItem, Point};
use typst::model::DocumentInfo;
use typst::text::{Lang, Locale};
use typst_layout::{Page, PagedDocument};

pub use stacked::merge_stacked;
use stacked::stacked;

/// The document as every reader of its frames (the line reader, the PDF and
/// PNG exporters) should see it: stacked clusters whole, Thai language on
/// every text item and on the document. Applied once, right after a compile.
pub fn fix(doc: PagedDocument) -> PagedDocument {
    let pages = doc
        .pages()
        .iter()
        .map(|page| {
            let mut page: Page = page.clone();
            fix_frame(&mut page.frame);
            page
        })
        .collect::<Vec<_>>();
    document(pages, typst::model::Document::info(&doc).clone())
}

/// The document to export as PDF, for readers of ToUnicode maps too (pdf.js):
/// pages already [`fix`]ed (of one letter or several), their Thai clusters
/// rewritten in the order typst-pdf will write them. Only for export: line readers and PNGs
/// take the document as [`fix`] left it.
pub fn for_pdf(pages: &[Page], info: DocumentInfo) -> PagedDocument {
    document(tounicode::rewrite(pages), info)
}

/// A document of pages already [`fix`]ed (of one letter or several), declared Thai.
fn document(pages: impl IntoIterator<Item = Page>, mut info: DocumentInfo) -> PagedDocument {
    info.locale = Smart::Custom(Locale {
        lang: Lang::THAI,
        region: None,
    });
    PagedDocument::new(pages.into_iter().collect(), info)
}

/// Applies both passes to a frame and its groups.
fn fix_frame(frame: &mut Frame) {
    let needs_merge = frame
        .items()
        .zip(frame.items().skip(1))
        .any(|((pa, a), (pb, b))| match (a, b) {
            (FrameItem::Text(a), FrameItem::Text(b)) => stacked(*pa, a, *pb, b),
            _ => false,
        });
    if needs_merge {
        let items: Vec<(Point, FrameItem)> = frame.items().cloned().collect();
        frame.clear();
        frame.push_multiple(merge_stacked(items));
    }
    frame.retain(|item| {
        match item {
            FrameItem::Text(text) if text.lang == Lang::JAPANESE => text.lang = Lang::THAI,
            FrameItem::Group(group) => fix_frame(&mut group.frame),
            _ => {}
        }
        true
    });
}
