//! Letters merged into one PDF keep their own structure: every letter was
//! laid out alone, so two letters of one template carry the same element
//! locations, and typst's tagger, which pairs start and end tags by
//! location, would join the second letter's paragraphs to the first's.
//! [`relocate`] moves one letter's locations into a space of its own.

use typst::introspection::{Location, Tag};
use typst::layout::{Frame, FrameItem};
use typst::model::Destination;
use typst_layout::Page;

/// Spreads letter numbers over the 128-bit location space (an odd constant:
/// `n × K` differs for every `n` under 2¹²⁸).
const SPREAD: u128 = 0x9E37_79B9_7F4A_7C15_F39C_C060_5CED_C835;

/// Moves every location on `pages` (start and end tags, the logical parents
/// of placed frames, internal links) by letter `n`'s offset; letter 0 keeps
/// its own.
pub fn relocate(pages: &mut [Page], n: usize) {
    if n == 0 {
        return;
    }
    let offset = (n as u128).wrapping_mul(SPREAD);
    let moved = |loc: Location| Location::new(loc.hash() ^ offset);
    for page in pages {
        relocate_frame(&mut page.frame, &moved);
    }
}

fn relocate_frame(frame: &mut Frame, moved: &dyn Fn(Location) -> Location) {
    frame.retain(|item| {
        match item {
            FrameItem::Group(g) => {
                // A placed element's frame names the element it belongs to.
                if let Some(parent) = &mut g.parent {
                    parent.location = moved(parent.location);
                }
                relocate_frame(&mut g.frame, moved)
            }
            FrameItem::Tag(Tag::Start(content, _)) => {
                if let Some(loc) = content.location() {
                    content.set_location(moved(loc));
                }
            }
            FrameItem::Tag(Tag::End(loc, _, _)) => *loc = moved(*loc),
            FrameItem::Link(Destination::Location(loc), _) => *loc = moved(*loc),
            _ => {}
        }
        true
    });
}
