//! One text item per GPOS-stacked cluster (see the module docs of
//! [`super`]): typst 0.15 cuts `ธิ์` into two items that both carry its text.

use typst::layout::{Abs, Em, FrameItem, Point};
use typst::text::TextItem;

/// True when `b` continues `a` on the same line at another height: the raised
/// or lowered marks of a cluster typst cut off into an item of their own.
pub(super) fn stacked(pa: Point, a: &TextItem, pb: Point, b: &TextItem) -> bool {
    let tolerance = Abs::pt(0.01);
    a.font == b.font
        && a.size == b.size
        && a.fill == b.fill
        && a.stroke == b.stroke
        && a.lang == b.lang
        && pa.y != pb.y
        && (pa.y - pb.y).abs() < a.size
        && (pa.x + a.width() - pb.x).abs() < tolerance
}

/// Joins every run of [`stacked`] neighbours into one text item positioned
/// where the first was, each glyph keeping its height as `y_offset`.
pub fn merge_stacked(items: Vec<(Point, FrameItem)>) -> Vec<(Point, FrameItem)> {
    let mut out: Vec<(Point, FrameItem)> = Vec::with_capacity(items.len());
    for (pos, item) in items {
        if let (FrameItem::Text(b), Some((pa, FrameItem::Text(a)))) = (&item, out.last_mut())
            && stacked(*pa, a, pos, b)
        {
            append(a, *pa, b, pos);
            continue;
        }
        out.push((pos, item));
    }
    out
}

/// Appends `b` (at `pb`) to `a` (at `pa`): the cluster both carry is written once.
fn append(a: &mut TextItem, pa: Point, b: &TextItem, pb: Point) {
    // Y grows downwards on the page, upwards in a glyph's offset.
    let lift = Em::from_abs(pa.y - pb.y, a.size);
    let overlap = shared_cluster(a, b);
    let shift = a.text.len() - overlap;
    let mut text = a.text.to_string();
    text.push_str(&b.text[overlap..]);
    a.text = text.into();
    a.glyphs.extend(b.glyphs.iter().map(|g| {
        let mut g = g.clone();
        g.y_offset += lift;
        // `a`'s text ends with the shared cluster, so `b`'s text starts at `shift`.
        g.range = saturate(usize::from(g.range.start) + shift)
            ..saturate(usize::from(g.range.end) + shift);
        g
    }));
}

/// The length in bytes of the cluster `b` opens with that `a` ends with (the
/// text both were given for the same characters), or 0.
fn shared_cluster(a: &TextItem, b: &TextItem) -> usize {
    let Some(first) = b.glyphs.first() else {
        return 0;
    };
    let n = usize::from(first.range.end);
    let Some(last) = a.glyphs.last() else {
        return 0;
    };
    let a_len = a.text.len();
    let shares = first.range.start == 0
        && n <= a_len
        && n <= b.text.len()
        && usize::from(last.range.end) == a_len
        && usize::from(last.range.start) <= a_len - n
        && a.text.is_char_boundary(a_len - n)
        && b.text.is_char_boundary(n)
        && a.text[a_len - n..] == b.text[..n];
    if shares { n } else { 0 }
}

fn saturate(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}
