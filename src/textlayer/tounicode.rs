//! Thai text for readers of ToUnicode maps alone (pdf.js, Apple Preview).
//!
//! krilla writes one ToUnicode entry per glyph, fixed the first time it meets
//! the glyph: a cluster's first glyph gets the cluster's whole text (`ส` →
//! `สั่`, then every later `ส` reads `สั่`), its other glyphs get nothing (pdf.js
//! then prints their CID as a control character); the cluster's true text
//! goes only into `/ActualText`, which pdf.js ignores. And the glyphs come in
//! the order the font draws them (Laksaman draws `ปู่` as `ป ่.low ุ`, and `ำ`
//! as nikhahit and sara aa around a tone mark).
//!
//! So, for each cluster (consecutive glyphs sharing one text range):
//! 1. every glyph is matched to the character it draws: the font's cmap read
//!    backwards, else its glyph name (`uni0E48.low`), else the Thai
//!    presentation-form code points (U+F700–F720); never by following GSUB,
//!    whose single substitutions swap ids (Laksaman's `่.low` ↔ `ุ`);
//! 2. the glyphs are sorted into their characters' logical order, each
//!    keeping its place on the page (`x_offset` recomputed): nothing moves;
//! 3. `ำ`, which the font draws as nikhahit + sara aa, becomes the font's own
//!    `ำ` glyph when that glyph is exactly the pair (checked on the outlines),
//!    else nikhahit reads `ํ` and sara aa `า` (NFKC-equal to `ำ`);
//! 4. a cluster is written glyph by glyph (each glyph's range its own
//!    character: krilla's ToUnicode entry is then right) the first time its
//!    glyphs are met, and whole later (one range for all: krilla adds
//!    `/ActualText`, which poppler and MuPDF read). A mark is primed where
//!    poppler takes it well (at most one zero-advance glyph in the cluster,
//!    or at a word's end) when the document has such a place later.
//!
//! A cluster whose glyphs cannot all be matched (a ligature, an unknown
//! glyph) is left as it was. Measured on the examples (pdf.js's text against
//! the letter's): 0.79 before, 1.000 after; poppler and MuPDF unchanged.

// Glyphs are keyed by their FontInstance, which hashes by its font and
// variations, never by the metrics it computes lazily inside.
#![allow(clippy::mutable_key_type)]

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use ttf_parser::{Face, GlyphId, OutlineBuilder};
use typst::layout::{Em, Frame, FrameItem};
use typst::text::{FontInstance, Glyph, TextItem};
use typst_layout::Page;

const SARA_AM: char = '\u{0E33}';
const NIKHAHIT: char = '\u{0E4D}';
const SARA_AA: char = '\u{0E32}';

/// The pages with every text item rewritten, in the order typst-pdf writes
/// them (page by page, frame items in order, groups where they stand);
/// `each` is applied to every item first, in the same walk. `every_glyph`:
/// the PDF standard wants every glyph mapped (PDF/A-…u, -…a, PDF/UA), and
/// krilla then gives a cluster's whole text to each glyph not yet mapped, so
/// no mark waits for a better place: each is primed where first met.
pub fn rewrite(pages: &[Page], each: &dyn Fn(&mut TextItem), every_glyph: bool) -> Vec<Page> {
    let mut fonts = Fonts::default();
    let mut safe_left = SafeLeft::new();
    let mut splits = Vec::new();
    for page in pages.iter().filter(|_| !every_glyph) {
        walk(&page.frame, &mut |item| {
            splits.push(count_safe(item, &mut fonts, &mut safe_left))
        });
    }
    let mut state = State {
        fonts,
        primed: Primed::default(),
        safe_left,
        splits: splits.into_iter(),
    };
    pages
        .iter()
        .map(|page| {
            let mut page = page.clone();
            rewrite_frame(&mut page.frame, each, &mut state);
            page
        })
        .collect()
}

/// What the rewrite carries from one text item to the next.
struct State {
    fonts: Fonts,
    primed: Primed,
    safe_left: SafeLeft,
    /// Each text item's clusters as the counting walk split them, in the
    /// order the rewrite meets the items (splitting is half the pass: it is
    /// done once).
    splits: std::vec::IntoIter<Vec<Split>>,
}

/// One cluster's glyphs in logical order with their texts, as [`split`] gives them.
type Split = Option<Vec<(Glyph, String)>>;

/// The document's fonts, numbered in the order met (a handful: a glyph's
/// key is its font's number and its id, not the font itself, which hashes
/// slowly and was most of this pass's time), each with its [`FontMap`].
#[derive(Default)]
struct Fonts(Vec<(FontInstance, Rc<FontMap>)>);

impl Fonts {
    /// The font's number and map.
    fn get(&mut self, font: &FontInstance) -> (u32, Rc<FontMap>) {
        if let Some(i) = self.0.iter().position(|(f, _)| f == font) {
            return (i as u32, self.0[i].1.clone());
        }
        let map = font_map(font);
        self.0.push((font.clone(), map.clone()));
        ((self.0.len() - 1) as u32, map)
    }
}

/// A glyph of the document: its font's number, and its id.
type GlyphKey = (u32, u16);

/// Glyphs krilla has already met with their own character: their ToUnicode
/// entry is fixed, so a later cluster may be written whole. A bit per glyph
/// id, a row per font.
#[derive(Default)]
struct Primed(Vec<Vec<u64>>);

impl Primed {
    fn insert(&mut self, (font, id): GlyphKey) {
        let font = font as usize;
        if self.0.len() <= font {
            self.0.resize_with(font + 1, Vec::new);
        }
        let row = &mut self.0[font];
        if row.is_empty() {
            row.resize(1 << 10, 0);
        }
        row[id as usize >> 6] |= 1 << (id & 63);
    }

    fn contains(&self, (font, id): GlyphKey) -> bool {
        self.0
            .get(font as usize)
            .and_then(|row| row.get(id as usize >> 6))
            .is_some_and(|bits| bits & (1 << (id & 63)) != 0)
    }
}

fn walk(frame: &Frame, f: &mut dyn FnMut(&TextItem)) {
    for (_, item) in frame.items() {
        match item {
            FrameItem::Text(t) => f(t),
            FrameItem::Group(g) => walk(&g.frame, f),
            _ => {}
        }
    }
}

fn rewrite_frame(frame: &mut Frame, each: &dyn Fn(&mut TextItem), state: &mut State) {
    frame.retain(|item| {
        match item {
            FrameItem::Text(t) => {
                each(t);
                let splits = state.splits.next().unwrap_or_default();
                rewrite_item(t, state, splits);
            }
            FrameItem::Group(g) => rewrite_frame(&mut g.frame, each, state),
            _ => {}
        }
        true
    });
}

/// The Thai presentation forms (U+F700–F71A, Microsoft's and Apple's, and
/// TLWG's F71B–F720): the character each variant glyph draws.
fn thai_pua(cp: u32) -> Option<char> {
    let c = match cp {
        0xF700 => 0x0E10,
        0xF701 => 0x0E34,
        0xF702 => 0x0E35,
        0xF703 => 0x0E36,
        0xF704 => 0x0E37,
        0xF705 | 0xF70A | 0xF713 => 0x0E48,
        0xF706 | 0xF70B | 0xF714 => 0x0E49,
        0xF707 | 0xF70C | 0xF715 => 0x0E4A,
        0xF708 | 0xF70D | 0xF716 => 0x0E4B,
        0xF709 | 0xF70E | 0xF717 => 0x0E4C,
        0xF70F => 0x0E0D,
        0xF710 => 0x0E31,
        0xF711 | 0xF71E => 0x0E4D,
        0xF712 | 0xF71F => 0x0E47,
        0xF718 => 0x0E38,
        0xF719 => 0x0E39,
        0xF71A => 0x0E3A,
        0xF71B => 0x0E0E,
        0xF71C => 0x0E0F,
        0xF71D => 0x0E2C,
        0xF720 => 0x0E4E,
        _ => return None,
    };
    char::from_u32(c)
}

fn is_private(cp: u32) -> bool {
    (0xE000..=0xF8FF).contains(&cp)
}

/// Per font: the characters each glyph draws, and the font's `ำ` glyph when
/// it is exactly nikhahit + sara aa.
struct FontMap {
    natural: HashMap<u16, Vec<char>>,
    /// (ำ, nikhahit, sara aa).
    am: Option<(u16, u16, u16)>,
}

impl FontMap {
    fn new(face: &Face) -> Self {
        let mut natural: HashMap<u16, Vec<char>> = HashMap::new();
        let mut private: HashMap<u16, char> = HashMap::new();
        if let Some(cmap) = face.tables().cmap {
            for sub in cmap.subtables {
                if !sub.is_unicode() {
                    continue;
                }
                sub.codepoints(|cp| {
                    let Some(g) = sub.glyph_index(cp) else { return };
                    if is_private(cp) {
                        if let Some(c) = thai_pua(cp) {
                            private.insert(g.0, c);
                        }
                    } else if let Some(c) = char::from_u32(cp) {
                        let v = natural.entry(g.0).or_default();
                        if !v.contains(&c) {
                            v.push(c);
                        }
                    }
                });
            }
        }
        for g in 0..face.number_of_glyphs() {
            if natural.contains_key(&g) {
                continue;
            }
            // `uni0E48.low`, `u0E48.narrow`.
            let named = face.glyph_name(GlyphId(g)).and_then(|n| {
                let base = n.split('.').next()?;
                let hex = base
                    .strip_prefix("uni")
                    .or_else(|| base.strip_prefix('u'))?;
                if !(4..=6).contains(&hex.len()) {
                    return None;
                }
                char::from_u32(u32::from_str_radix(hex, 16).ok()?)
                    .filter(|c| !is_private(*c as u32))
            });
            if let Some(c) = named.or_else(|| private.get(&g).copied()) {
                natural.insert(g, vec![c]);
            }
        }
        let am = (|| {
            let p = face.glyph_index(SARA_AM)?.0;
            let n = face.glyph_index(NIKHAHIT)?.0;
            let a = face.glyph_index(SARA_AA)?.0;
            if p == n
                || p == a
                || face.glyph_hor_advance(GlyphId(p)) != face.glyph_hor_advance(GlyphId(a))
            {
                return None;
            }
            let mut want = contour_boxes(face, n)?;
            want.extend(contour_boxes(face, a)?);
            same_boxes(want, contour_boxes(face, p)?).then_some((p, n, a))
        })();
        FontMap { natural, am }
    }
}

/// The bounding box of each contour of a glyph, font units (control points
/// included: identical shapes give identical boxes).
fn contour_boxes(face: &Face, g: u16) -> Option<Vec<[f32; 4]>> {
    struct Boxes(Vec<[f32; 4]>);
    impl Boxes {
        fn point(&mut self, x: f32, y: f32) {
            if let Some(b) = self.0.last_mut() {
                *b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
            }
        }
    }
    impl OutlineBuilder for Boxes {
        fn move_to(&mut self, x: f32, y: f32) {
            self.0.push([f32::MAX, f32::MAX, f32::MIN, f32::MIN]);
            self.point(x, y);
        }
        fn line_to(&mut self, x: f32, y: f32) {
            self.point(x, y)
        }
        fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
            self.point(x1, y1);
            self.point(x, y)
        }
        fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
            self.point(x1, y1);
            self.point(x2, y2);
            self.point(x, y)
        }
        fn close(&mut self) {}
    }
    let mut b = Boxes(Vec::new());
    face.outline_glyph(GlyphId(g), &mut b)?;
    Some(b.0)
}

fn same_boxes(mut a: Vec<[f32; 4]>, mut b: Vec<[f32; 4]>) -> bool {
    let key = |x: &[f32; 4]| (x[0] as i32, x[1] as i32, x[2] as i32, x[3] as i32);
    a.sort_by_key(key);
    b.sort_by_key(key);
    // Two font units: Laksaman Regular's ำ ring is drawn one unit off its nikhahit.
    a.len() == b.len()
        && a.iter()
            .zip(&b)
            .all(|(p, q)| p.iter().zip(q).all(|(u, v)| (u - v).abs() <= 2.0))
}

thread_local! {
    static MAPS: RefCell<HashMap<FontInstance, Rc<FontMap>>> = RefCell::new(HashMap::new());
}

fn font_map(font: &FontInstance) -> Rc<FontMap> {
    MAPS.with(|m| {
        m.borrow_mut()
            .entry(font.clone())
            .or_insert_with(|| Rc::new(FontMap::new(font.ttf())))
            .clone()
    })
}

/// Which character of its cluster a glyph draws (`ch`), and which half of
/// `ำ` (`sub`: 0 nikhahit, 1 sara aa).
#[derive(Clone, Copy)]
struct Part {
    ch: usize,
    sub: u8,
}

/// One cluster's glyphs in logical order, each with its own text; `None`
/// leaves the cluster as it is.
fn split(text: &str, glyphs: &[Glyph], map: &FontMap) -> Option<Vec<(Glyph, String)>> {
    let chars: Vec<char> = text.chars().collect();
    // Bit 0: the character (or ำ's first half) is drawn; bit 1: ำ's second half.
    let mut used = vec![0u8; chars.len()];
    let mut parts = Vec::with_capacity(glyphs.len());
    for g in glyphs {
        let natural = map.natural.get(&g.id)?;
        let whole = (0..chars.len()).find(|&i| used[i] == 0 && natural.contains(&chars[i]));
        let part = if let Some(i) = whole {
            used[i] = 1;
            Part { ch: i, sub: 0 }
        } else if natural.contains(&NIKHAHIT) {
            let i = (0..chars.len()).find(|&i| chars[i] == SARA_AM && used[i] & 1 == 0)?;
            used[i] |= 1;
            Part { ch: i, sub: 0 }
        } else if natural.contains(&SARA_AA) {
            let i = (0..chars.len()).find(|&i| chars[i] == SARA_AM && used[i] & 2 == 0)?;
            used[i] |= 2;
            Part { ch: i, sub: 1 }
        } else {
            return None;
        };
        parts.push(part);
    }
    let all_drawn = chars.iter().zip(&used).all(|(&c, &u)| match u {
        1 => true,
        3 => c == SARA_AM,
        _ => false,
    });
    if !all_drawn {
        return None;
    }

    // Where each glyph stands (em from the cluster's start), before sorting.
    let mut pen = 0.0;
    let at: Vec<f64> = glyphs
        .iter()
        .map(|g| {
            let x = pen + g.x_offset.get();
            pen += g.x_advance.get();
            x
        })
        .collect();
    let mut order: Vec<usize> = (0..glyphs.len()).collect();
    order.sort_by_key(|&i| (parts[i].ch, parts[i].sub));

    // ำ drawn as two glyphs: the font's own ำ where it is exactly the pair.
    let mut dropped = vec![false; glyphs.len()];
    let mut replaced: HashMap<usize, u16> = HashMap::new();
    let mut decomposed = vec![false; chars.len()];
    for ci in (0..chars.len()).filter(|&i| used[i] == 3) {
        let n = (0..glyphs.len()).find(|&i| parts[i].ch == ci && parts[i].sub == 0)?;
        let a = (0..glyphs.len()).find(|&i| parts[i].ch == ci && parts[i].sub == 1)?;
        match map.am {
            Some((am, nk, aa))
                if glyphs[n].id == nk
                    && glyphs[a].id == aa
                    && (at[n] - at[a]).abs() < 0.0005
                    && glyphs[n].y_offset == glyphs[a].y_offset
                    && glyphs[n].x_advance.get() == 0.0 =>
            {
                dropped[n] = true;
                replaced.insert(a, am);
            }
            _ => decomposed[ci] = true,
        }
    }

    let mut out = Vec::with_capacity(glyphs.len());
    let mut pen = 0.0;
    for &i in order.iter().filter(|&&i| !dropped[i]) {
        let mut g = glyphs[i].clone();
        if let Some(&id) = replaced.get(&i) {
            g.id = id;
        }
        g.x_offset = Em::new(at[i] - pen);
        pen += g.x_advance.get();
        let Part { ch, sub } = parts[i];
        let piece = match (decomposed[ch], sub) {
            (true, 0) => NIKHAHIT.to_string(),
            (true, _) => SARA_AA.to_string(),
            (false, _) => chars[ch].to_string(),
        };
        out.push((g, piece));
    }
    Some(out)
}

/// How many places further on each mark glyph can be primed where poppler
/// takes it well.
type SafeLeft = HashMap<GlyphKey, u32>;

/// Whether writing this cluster glyph by glyph (no `/ActualText`) suits
/// poppler: at most one zero-advance glyph (poppler takes a second mark at the
/// same x for overprinted text and sorts it out of the word), or the cluster
/// ends its word.
fn poppler_safe(pieces: &[(Glyph, String)], text: &str, end: usize) -> bool {
    let zero = pieces
        .iter()
        .filter(|(g, _)| g.x_advance.get() == 0.0)
        .count();
    zero <= 1 || text[end..].chars().next().is_none_or(char::is_whitespace)
}

/// The clusters of an item: glyph index ranges sharing one text range.
fn clusters(glyphs: &[Glyph]) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        if i >= glyphs.len() {
            return None;
        }
        let r = glyphs[i].range();
        let j = (i + 1..glyphs.len())
            .find(|&j| glyphs[j].range() != r)
            .unwrap_or(glyphs.len());
        let cluster = i..j;
        i = j;
        Some(cluster)
    })
}

fn is_simple(text: &str, glyphs: &[Glyph]) -> bool {
    glyphs.len() == 1 && text.chars().count() == 1
}

/// Counts each mark glyph's places where poppler takes it well.
/// Returns the item's clusters as split, in order, up to any it cannot read.
fn count_safe(item: &TextItem, fonts: &mut Fonts, left: &mut SafeLeft) -> Vec<Split> {
    let (font, map) = fonts.get(&item.font);
    let mut splits = Vec::new();
    for c in clusters(&item.glyphs) {
        let glyphs = &item.glyphs[c];
        let r = glyphs[0].range();
        let Some(cluster) = item.text.get(r.clone()) else {
            break;
        };
        if is_simple(cluster, glyphs) {
            continue;
        }
        let pieces = split(cluster, glyphs, &map);
        if let Some(pieces) = &pieces
            && poppler_safe(pieces, &item.text, r.end)
        {
            for (g, _) in &pieces[1..] {
                *left.entry((font, g.id)).or_default() += 1;
            }
        }
        splits.push(pieces);
    }
    splits
}

/// Rewrites one text item in place (see the module docs).
/// `splits`: its clusters as the counting walk split them, if it did.
fn rewrite_item(item: &mut TextItem, state: &mut State, splits: Vec<Split>) {
    // A glyph's range is counted in 16 bits: past 64 KiB of text (one
    // unbroken run of a page) its ranges no longer say where it stands.
    if item.text.len() > u16::MAX as usize {
        return;
    }
    let mut splits = splits.into_iter();
    let (font, map) = state.fonts.get(&item.font);
    let State {
        primed,
        safe_left: left,
        ..
    } = state;
    let text = item.text.clone();
    let mut new_text = String::with_capacity(text.len() + 8);
    let mut new_glyphs: Vec<Glyph> = Vec::with_capacity(item.glyphs.len());
    let mut cursor = 0usize;
    let key = |g: &Glyph| (font, g.id);
    let range = |s: usize, e: usize| saturate(s)..saturate(e);
    for c in clusters(&item.glyphs) {
        let glyphs = &item.glyphs[c];
        let r = glyphs[0].range();
        if r.start < cursor
            || r.end > text.len()
            || !text.is_char_boundary(r.start)
            || !text.is_char_boundary(r.end)
        {
            // Not left to right with growing ranges: leave the item alone.
            return;
        }
        new_text.push_str(&text[cursor..r.start]);
        cursor = r.end;
        let cluster = &text[r.clone()];
        if is_simple(cluster, glyphs) {
            primed.insert(key(&glyphs[0]));
            let s = new_text.len();
            new_text.push_str(cluster);
            let mut g = glyphs[0].clone();
            g.range = range(s, new_text.len());
            new_glyphs.push(g);
            continue;
        }
        let pieces = match splits.next() {
            Some(pieces) => pieces,
            None => split(cluster, glyphs, &map),
        };
        let Some(pieces) = pieces else {
            // As typst gave it: one range for all (krilla's /ActualText).
            let s = new_text.len();
            new_text.push_str(cluster);
            new_glyphs.extend(glyphs.iter().map(|g| {
                let mut g = g.clone();
                g.range = range(s, new_text.len());
                g
            }));
            continue;
        };
        let safe = poppler_safe(&pieces, &text, r.end);
        if safe {
            for (g, _) in &pieces[1..] {
                if let Some(n) = left.get_mut(&key(g)) {
                    *n = n.saturating_sub(1);
                }
            }
        }
        // Whole when the base is primed (a cluster's first glyph must be its
        // base: an /ActualText span opening with a mark makes pdf.js insert a
        // space) and each mark is primed, or will be at a safe place later.
        let whole = primed.contains(key(&pieces[0].0))
            && pieces[1..].iter().all(|(g, _)| {
                primed.contains(key(g)) || (!safe && left.get(&key(g)).copied().unwrap_or(0) > 0)
            });
        if whole {
            let s = new_text.len();
            new_text.push_str(cluster);
            new_glyphs.extend(pieces.into_iter().map(|(mut g, _)| {
                g.range = range(s, new_text.len());
                g
            }));
        } else {
            for (mut g, piece) in pieces {
                primed.insert(key(&g));
                let s = new_text.len();
                new_text.push_str(&piece);
                g.range = range(s, new_text.len());
                new_glyphs.push(g);
            }
        }
    }
    new_text.push_str(&text[cursor..]);
    item.text = new_text.into();
    item.glyphs = new_glyphs;
}

fn saturate(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}
