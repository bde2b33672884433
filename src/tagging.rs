//! Typst functions the templates call to tag what typst's own elements would
//! lay out differently: a letter's numbered items are set as paragraphs with
//! the number inline (lines after the first run back to the margin, which
//! typst's `enum` cannot do), yet a reader of the PDF should meet them as a
//! list. These wrap the items in typst's own list markers, so typst's tagger
//! writes `L > LI > LBody` around the paragraphs, and change no layout (the
//! markers show their body as it is).

use typst::foundations::{Content, Module, func};
use typst_library::pdf::PdfMarkerTag;

/// `saraban-list(body)`: the items in `body` form one list (`L`).
#[func]
fn saraban_list(
    /// The list's items, each wrapped in `saraban-list-item`.
    body: Content,
) -> Content {
    // typst's own numbered-list group, which it otherwise gives a
    // bibliography: an `L` whose items are numbered.
    PdfMarkerTag::Bibliography(true, body)
}

/// `saraban-list-item(body)`: one item of the enclosing list (`LI > LBody`);
/// its number stays in its first paragraph, as the letter prints it.
#[func]
fn saraban_list_item(
    /// The item's paragraphs.
    body: Content,
) -> Content {
    PdfMarkerTag::ListItemBody(body)
}

/// Adds the functions to the library's global scope.
pub fn define(global: &mut Module) {
    let scope = global.scope_mut();
    scope.define_func::<saraban_list>();
    scope.define_func::<saraban_list_item>();
}
