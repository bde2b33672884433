//! Reading the laid-out frames: the text of each visual line with its position,
//! and the gaps between its words. Used by the continuation pass and by tests that
//! check line breaking on the layout itself rather than on PDF bytes.

use typst::layout::{Frame, FrameItem, Point, Transform};
use typst_layout::PagedDocument;

/// One run of shaped text, placed on the page.
#[derive(Debug, Clone)]
pub struct Run {
    /// Left edge, pt from the paper's left edge.
    pub x: f64,
    /// Baseline, pt from the paper's top edge.
    pub y: f64,
    /// Advance width, pt.
    pub width: f64,
    /// Font size, pt.
    pub size: f64,
    /// The characters.
    pub text: String,
    /// Set in a bold face.
    pub bold: bool,
    /// Each glyph's characters, its left edge and its advance, pt.
    pub glyphs: Vec<Glyph>,
}

/// One placed glyph.
#[derive(Debug, Clone)]
pub struct Glyph {
    /// The glyph's id in its font.
    pub id: u16,
    /// The characters it shows.
    pub text: String,
    /// Left edge, pt from the paper's left edge.
    pub x: f64,
    /// Advance as laid out, justification included, pt.
    pub advance: f64,
    /// The font's own advance, pt: what a PDF text tool takes as the glyph's box.
    pub natural: f64,
}

/// One visual line: runs on one baseline, left to right.
#[derive(Debug, Clone)]
pub struct Line {
    /// 0-based page.
    pub page: usize,
    /// Baseline, pt from the top edge.
    pub y: f64,
    /// Left edge of the first run.
    pub x0: f64,
    /// Right edge of the last run.
    pub x1: f64,
    /// Largest font size on the line.
    pub size: f64,
    /// The text as laid out, runs joined in order.
    pub text: String,
    /// Glyphs of the whole line in order.
    pub glyphs: Vec<Glyph>,
}

/// An image placed on a page (the emblem, a signature).
#[derive(Debug, Clone)]
pub struct Placed {
    /// 0-based page.
    pub page: usize,
    /// Left edge, pt from the paper's left edge.
    pub x: f64,
    /// Top edge, pt from the paper's top edge.
    pub y: f64,
    /// Width, pt.
    pub width: f64,
    /// Height, pt.
    pub height: f64,
}

/// Calls `f` with every item of the document that is not a group, its page,
/// its position in its frame and the transform from that frame to the page.
fn each_item(doc: &PagedDocument, f: &mut dyn FnMut(usize, Point, Transform, &FrameItem)) {
    fn walk(
        frame: &Frame,
        ts: Transform,
        page: usize,
        f: &mut dyn FnMut(usize, Point, Transform, &FrameItem),
    ) {
        for (pos, item) in frame.items() {
            match item {
                FrameItem::Group(g) => {
                    let ts = ts
                        .pre_concat(Transform::translate(pos.x, pos.y))
                        .pre_concat(g.transform);
                    walk(&g.frame, ts, page, f);
                }
                other => f(page, *pos, ts, other),
            }
        }
    }
    for (page, p) in doc.pages().iter().enumerate() {
        walk(&p.frame, Transform::identity(), page, f);
    }
}

/// Every image of the document, page by page.
pub fn images(doc: &PagedDocument) -> Vec<Placed> {
    let mut out = Vec::new();
    each_item(doc, &mut |page, pos, ts, item| {
        if let FrameItem::Image(_, size, _) = item {
            let a = Point::new(pos.x, pos.y).transform(ts);
            let b = Point::new(pos.x + size.x, pos.y + size.y).transform(ts);
            out.push(Placed {
                page,
                x: a.x.to_pt(),
                y: a.y.to_pt(),
                width: (b.x - a.x).to_pt(),
                height: (b.y - a.y).to_pt(),
            });
        }
    });
    out
}

/// A straight horizontal stroke drawn on a page: a rule under a title, an
/// underline, dot leaders, the dotted lines of a memo's header.
#[derive(Debug, Clone)]
pub struct Rule {
    /// 0-based page.
    pub page: usize,
    /// Left end, pt from the paper's left edge.
    pub x0: f64,
    /// Right end.
    pub x1: f64,
    /// Height, pt from the paper's top edge.
    pub y: f64,
    /// Drawn dotted or dashed.
    pub dotted: bool,
}

/// Every horizontal line drawn in the document, page by page (text
/// decorations included).
pub fn rules(doc: &PagedDocument) -> Vec<Rule> {
    use typst::visualize::Geometry;
    let mut out = Vec::new();
    each_item(doc, &mut |page, pos, ts, item| {
        if let FrameItem::Shape(shape, _) = item
            && let Geometry::Line(to) = shape.geometry
            && to.y.to_pt().abs() < 0.01
        {
            let a = Point::new(pos.x, pos.y).transform(ts);
            let b = Point::new(pos.x + to.x, pos.y).transform(ts);
            out.push(Rule {
                page,
                x0: a.x.to_pt().min(b.x.to_pt()),
                x1: a.x.to_pt().max(b.x.to_pt()),
                y: a.y.to_pt(),
                dotted: shape.stroke.as_ref().is_some_and(|s| s.dash.is_some()),
            });
        }
    });
    out
}

/// Every text run on a page, in frame order.
pub fn runs(frame: &Frame) -> Vec<Run> {
    let mut out = Vec::new();
    walk(frame, Transform::identity(), &mut out);
    out
}

fn walk(frame: &Frame, ts: Transform, out: &mut Vec<Run>) {
    for (pos, item) in frame.items() {
        match item {
            FrameItem::Group(g) => {
                let ts = ts
                    .pre_concat(Transform::translate(pos.x, pos.y))
                    .pre_concat(g.transform);
                walk(&g.frame, ts, out);
            }
            FrameItem::Text(t) => {
                let origin = Point::new(pos.x, pos.y).transform(ts);
                let size = t.size.to_pt();
                let mut x = origin.x.to_pt();
                let mut glyphs = Vec::with_capacity(t.glyphs.len());
                for g in &t.glyphs {
                    let adv = g.x_advance.at(t.size).to_pt();
                    let chars = t.text.get(g.range()).unwrap_or("").to_string();
                    let natural = t
                        .font
                        .x_advance(g.id)
                        .map_or(adv, |em| em.at(t.size).to_pt());
                    glyphs.push(Glyph {
                        id: g.id,
                        text: chars,
                        x: x + g.x_offset.at(t.size).to_pt(),
                        advance: adv,
                        natural,
                    });
                    x += adv;
                }
                out.push(Run {
                    x: origin.x.to_pt(),
                    y: origin.y.to_pt(),
                    width: t.width().to_pt(),
                    size,
                    text: t.text.to_string(),
                    bold: t.font.info().variant.weight.to_number() >= 600,
                    glyphs,
                });
            }
            _ => {}
        }
    }
}

/// Visual lines of every page, top to bottom, runs joined left to right.
pub fn lines(doc: &PagedDocument) -> Vec<Line> {
    let mut out = Vec::new();
    for (page, p) in doc.pages().iter().enumerate() {
        let mut rs = runs(&p.frame);
        rs.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
        let mut current: Vec<Run> = Vec::new();
        let flush = |current: &mut Vec<Run>, out: &mut Vec<Line>| {
            if current.is_empty() {
                return;
            }
            current.sort_by(|a, b| a.x.total_cmp(&b.x));
            let mut text = String::new();
            let mut glyphs = Vec::new();
            for (i, r) in current.iter().enumerate() {
                // Runs of one line that do not touch have white space between them.
                if i > 0 {
                    let prev = &current[i - 1];
                    if r.x - (prev.x + prev.width) > 0.1 * r.size && !text.ends_with(' ') {
                        text.push(' ');
                    }
                }
                text.push_str(&r.text);
                glyphs.extend(r.glyphs.iter().cloned());
            }
            out.push(Line {
                page,
                y: current[0].y,
                x0: current[0].x,
                x1: current
                    .iter()
                    .map(|r| r.x + r.width)
                    .fold(f64::MIN, f64::max),
                size: current.iter().map(|r| r.size).fold(0.0, f64::max),
                text,
                glyphs,
            });
            current.clear();
        };
        for r in rs {
            if let Some(first) = current.first()
                && (r.y - first.y).abs() > 1.0
            {
                flush(&mut current, &mut out);
            }
            current.push(r);
        }
        flush(&mut current, &mut out);
    }
    out
}

/// The inter-word gaps of a line, in em: from the end of the glyph before a space
/// (its own width, without the letter spacing justification added after it) to
/// the start of the glyph after it, as PDF text tools (and pdfcheck.py) see them.
pub fn word_gaps_em(line: &Line) -> Vec<f64> {
    let g = &line.glyphs;
    let mut out = Vec::new();
    for k in 1..g.len().saturating_sub(1) {
        if g[k].text == " " && g[k - 1].text != " " && g[k + 1].text != " " {
            let left_end = g[k - 1].x + g[k - 1].natural;
            out.push((g[k + 1].x - left_end) / line.size);
        }
    }
    out
}
