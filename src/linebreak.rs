//! Thai line breaking the way a careful clerk breaks lines.
//!
//! Typst finds Thai break opportunities with ICU4X's LSTM segmenter, which splits
//! compounds (`งบ|ประมาณ`) and sometimes words (`คะ|แนน`). We run the same
//! segmenter over each text beforehand, segment the Thai runs ourselves against a
//! dictionary (longest words first, as PyThaiNLP's newmm does), and mark as
//! unbreakable only the words in which the LSTM would break: few boxes, so the
//! rest of each line still justifies with letter spacing. Label/number and
//! number/unit pairs (`พ.ศ. ๒๕๖๓`, `๕๐,๐๐๐ บาท`) are kept together the same way.
//!
//! Typst treats a box as U+FFFC, with a break opportunity on either side, and the
//! LSTM's answer depends on its context; so we re-run the segmenter with the kept
//! words replaced by U+FFFC until no break falls inside a word.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::LazyLock;

use icu_segmenter::LineSegmenter;
use icu_segmenter::options::LineBreakOptions;
use regex::Regex;

use crate::text::{Segment, Text};

const WORDS_TH: &str = include_str!("../letter-templates/dictionary/words_th.txt");
const OFFICIAL: &str = include_str!("../letter-templates/dictionary/official.txt");

/// Labels whose number must stay on their line.
pub const LABELS: &[&str] = &[
    "พ.ศ.",
    "ค.ศ.",
    "เขต",
    "ข้อ",
    "มาตรา",
    "ฉบับที่",
    "ลำดับที่",
    "หมู่ที่",
    "ที่",
    "วันที่",
    "ครั้งที่",
    "ไตรมาสที่",
    "ตัวชี้วัดที่",
    "เลขที่",
    "ชั้น",
    "ม.",
    "ถนน",
    "ซอย",
];
/// Units that must stay with their number.
pub const UNITS: &[&str] = &[
    "บาท",
    "คน",
    "ราย",
    "แห่ง",
    "ตัว",
    "ครั้ง",
    "วัน",
    "เดือน",
    "ปี",
    "ฉบับ",
    "กลุ่ม",
    "ชั่วโมง",
    "นาที",
    "น.",
    "ล้าน",
    "เล่ม",
    "หน่วย",
    "โครงการ",
    "กิจกรรม",
    "ข้อ",
];

static PAIRS: LazyLock<Regex> = LazyLock::new(|| {
    let alt = |xs: &[&str]| {
        let mut v: Vec<String> = xs.iter().map(|s| regex::escape(s)).collect();
        // Longest first, so `วันที่` wins over `ที่`.
        v.sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
        v.join("|")
    };
    let num = r"[0-9๐-๙](?:[0-9๐-๙,./:]*[0-9๐-๙])?";
    Regex::new(&format!(
        r"(?:{labels})\s?{num}(?:\s(?:{units}))?|{num}\s(?:{units})",
        labels = alt(LABELS),
        units = alt(UNITS),
    ))
    .expect("the pair pattern is valid")
});

static BASE: LazyLock<Dictionary> = LazyLock::new(|| {
    let mut d = Dictionary::default();
    d.extend(WORDS_TH.lines());
    d.extend(OFFICIAL.lines().filter(|l| !l.starts_with('#')));
    d
});

static LSTM: LazyLock<icu_segmenter::LineSegmenterBorrowed<'static>> =
    LazyLock::new(|| LineSegmenter::new_lstm(LineBreakOptions::default()));

/// A set of Thai words.
#[derive(Debug, Clone, Default)]
pub struct Dictionary {
    words: HashSet<String>,
    longest: usize,
}

impl Dictionary {
    /// The shipped word list (PyThaiNLP's words_th.txt) plus official phrases.
    pub fn base() -> &'static Dictionary {
        &BASE
    }

    /// Adds words; blank lines are ignored.
    pub fn extend<'a>(&mut self, words: impl IntoIterator<Item = &'a str>) {
        for w in words {
            let w = w.trim();
            if w.is_empty() {
                continue;
            }
            self.longest = self.longest.max(w.chars().count());
            self.words.insert(w.to_string());
        }
    }

    /// True when `w` is a word here.
    pub fn contains(&self, w: &str) -> bool {
        self.words.contains(w)
    }

    /// Number of words.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

/// The base dictionary and an agency's own words.
#[derive(Debug, Clone, Copy)]
pub struct Words<'a> {
    base: &'a Dictionary,
    extra: Option<&'a Dictionary>,
}

impl<'a> Words<'a> {
    /// The base dictionary plus `extra`.
    pub fn new(extra: Option<&'a Dictionary>) -> Self {
        Words {
            base: Dictionary::base(),
            extra,
        }
    }

    fn contains(&self, w: &str) -> bool {
        self.base.contains(w) || self.extra.is_some_and(|d| d.contains(w))
    }

    fn longest(&self) -> usize {
        self.base.longest.max(self.extra.map_or(0, |d| d.longest))
    }

    /// Splits a run of Thai letters into words: fewest dictionary words, with text
    /// the dictionary does not know taken one character cluster at a time.
    /// Returns byte ranges into `run`.
    pub fn segment(&self, run: &str) -> Vec<Range<usize>> {
        // Positions where a word may start or end: not before a combining mark.
        let idx: Vec<usize> = run
            .char_indices()
            .filter(|(_, c)| !is_thai_mark(*c))
            .map(|(i, _)| i)
            .chain(std::iter::once(run.len()))
            .collect();
        let n = idx.len() - 1;
        const UNKNOWN: u32 = 100;
        // best[i] = (cost, previous boundary) for the prefix ending at idx[i].
        let mut best: Vec<(u32, usize)> = vec![(u32::MAX, 0); n + 1];
        best[0] = (0, 0);
        let longest = self.longest();
        for i in 0..n {
            let (cost, _) = best[i];
            if cost == u32::MAX {
                continue;
            }
            // One unknown cluster.
            let c = cost + UNKNOWN;
            if c < best[i + 1].0 {
                best[i + 1] = (c, i);
            }
            for j in (i + 1)..=n.min(i + longest) {
                if self.contains(&run[idx[i]..idx[j]]) {
                    let c = cost + 1;
                    if c < best[j].0 || (c == best[j].0 && i < best[j].1) {
                        best[j] = (c, i);
                    }
                }
            }
        }
        let mut out = Vec::new();
        let mut j = n;
        while j > 0 {
            let i = best[j].1;
            out.push(idx[i]..idx[j]);
            j = i;
        }
        out.reverse();
        // Merge adjacent unknown clusters into one unknown word: a name the
        // dictionary does not know stays whole.
        let mut merged: Vec<Range<usize>> = Vec::new();
        for r in out {
            let unknown = !self.contains(&run[r.clone()]);
            if unknown
                && let Some(last) = merged.last_mut()
                && !self.contains(&run[last.clone()])
            {
                last.end = r.end;
                continue;
            }
            merged.push(r);
        }
        merged
    }

    /// Marks what must not be broken in `text`: words the LSTM would split and
    /// label/number pairs. `prefix` is what precedes the text in its paragraph
    /// (an item's number), for the segmenter's context.
    pub fn protect(&self, text: &str, prefix: &str) -> Text {
        let text = text.trim();
        let mut keep: Vec<Range<usize>> = PAIRS
            .find_iter(text)
            .map(|m| m.range())
            .filter(|r| text[r.clone()].contains(char::is_whitespace))
            .collect();

        // Word boundaries of every Thai run.
        let mut words: Vec<Range<usize>> = Vec::new();
        for run in thai_runs(text) {
            for w in self.segment(&text[run.clone()]) {
                words.push(run.start + w.start..run.start + w.end);
            }
        }

        for _ in 0..6 {
            let (sim, map) = simulate(prefix, text, &keep);
            let mut added = false;
            for b in LSTM.segment_str(&sim) {
                let Some(pos) = map(b) else { continue };
                if keep.iter().any(|k| k.start < pos && pos < k.end) {
                    continue;
                }
                // A break strictly inside one of our words: keep that word whole.
                if let Some(w) = words.iter().find(|w| w.start < pos && pos < w.end) {
                    keep.push(w.clone());
                    added = true;
                }
            }
            if !added {
                break;
            }
            keep.sort_by_key(|r| r.start);
            keep = merge(keep);
        }
        keep.sort_by_key(|r| r.start);
        let keep = merge(keep);
        if keep.is_empty() {
            return Text::Plain(text.to_string());
        }
        let mut segs = Vec::new();
        let mut at = 0;
        for k in keep {
            if k.start > at {
                segs.push(Segment::Free(text[at..k.start].to_string()));
            }
            segs.push(Segment::Keep {
                k: text[k.clone()].to_string(),
            });
            at = k.end;
        }
        if at < text.len() {
            segs.push(Segment::Free(text[at..].to_string()));
        }
        Text::Segments(segs)
    }
}

/// The paragraph as typst's segmenter sees it (kept spans as U+FFFC), and a map
/// from its byte offsets back to offsets in `text` (None for offsets in the
/// prefix or inside a kept span).
fn simulate<'t>(
    prefix: &str,
    text: &'t str,
    keep: &[Range<usize>],
) -> (String, impl Fn(usize) -> Option<usize> + use<'t>) {
    let mut sim = String::with_capacity(prefix.len() + text.len());
    sim.push_str(prefix);
    let mut pieces: Vec<(usize, usize, usize)> = Vec::new(); // (sim start, text start, len)
    let mut at = 0;
    for k in keep {
        if k.start > at {
            pieces.push((sim.len(), at, k.start - at));
            sim.push_str(&text[at..k.start]);
        }
        sim.push('\u{FFFC}');
        at = k.end;
    }
    if at < text.len() {
        pieces.push((sim.len(), at, text.len() - at));
        sim.push_str(&text[at..]);
    }
    let _ = text;
    let map = move |b: usize| {
        pieces.iter().find_map(|&(s, t, len)| {
            if b > s && b < s + len {
                Some(t + (b - s))
            } else {
                None
            }
        })
    };
    (sim, map)
}

fn merge(sorted: Vec<Range<usize>>) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    for r in sorted {
        if let Some(last) = out.last_mut()
            && r.start < last.end
        {
            last.end = last.end.max(r.end);
            continue;
        }
        out.push(r);
    }
    out
}

/// Thai letters and marks (not digits).
pub fn is_thai_letter(c: char) -> bool {
    ('\u{0E01}'..='\u{0E4E}').contains(&c)
}

fn is_thai_mark(c: char) -> bool {
    matches!(c, '\u{0E31}' | '\u{0E34}'..='\u{0E3A}' | '\u{0E47}'..='\u{0E4E}')
}

/// Byte ranges of the maximal runs of Thai letters in `text`.
pub fn thai_runs(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        match (is_thai_letter(c), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(s..i);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(s..text.len());
    }
    out
}

/// The break opportunities the LSTM finds in `text` (byte offsets), as typst sees them.
pub fn lstm_breaks(text: &str) -> Vec<usize> {
    LSTM.segment_str(text).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(t: &Text) -> Vec<String> {
        match t {
            Text::Plain(_) => vec![],
            Text::Segments(s) => s
                .iter()
                .filter_map(|x| match x {
                    Segment::Keep { k } => Some(k.clone()),
                    _ => None,
                })
                .collect(),
        }
    }

    #[test]
    fn segments_compounds_whole() {
        let w = Words::new(None);
        let run = "ปีงบประมาณ";
        let segs: Vec<&str> = w.segment(run).into_iter().map(|r| &run[r]).collect();
        assert_eq!(segs, vec!["ปีงบประมาณ"]);
        let run = "การประเมินคุณธรรมและความโปร่งใส";
        let segs: Vec<&str> = w.segment(run).into_iter().map(|r| &run[r]).collect();
        assert!(segs.contains(&"คุณธรรม"), "{segs:?}");
        assert!(segs.contains(&"ความโปร่งใส"), "{segs:?}");
    }

    #[test]
    fn keeps_label_number_pairs() {
        let w = Words::new(None);
        let t = w.protect("ในปีงบประมาณ พ.ศ. ๒๕๖๑ - ๒๕๖๔ และ ๕๐,๐๐๐ บาท ข้อ ๑", "");
        let k = kept(&t);
        assert!(k.contains(&"พ.ศ. ๒๕๖๑".to_string()), "{k:?}");
        assert!(k.contains(&"๕๐,๐๐๐ บาท".to_string()), "{k:?}");
        assert!(k.contains(&"ข้อ ๑".to_string()), "{k:?}");
        assert_eq!(t.flat(), "ในปีงบประมาณ พ.ศ. ๒๕๖๑ - ๒๕๖๔ และ ๕๐,๐๐๐ บาท ข้อ ๑");
    }

    #[test]
    fn no_lstm_break_left_inside_a_word() {
        let w = Words::new(None);
        let text = "ด้วยคณะรัฐมนตรีได้มีมติให้หน่วยงานภาครัฐทุกหน่วยงานให้ความร่วมมือและเข้าร่วมการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐในปีงบประมาณ";
        let t = w.protect(text, "");
        assert_eq!(t.flat(), text);
        // Re-run the segmenter the way typst will see the paragraph.
        let (keep, mut sim) = (kept(&t), String::new());
        let mut rest = text;
        for k in &keep {
            let i = rest.find(k.as_str()).unwrap();
            sim.push_str(&rest[..i]);
            sim.push('\u{FFFC}');
            rest = &rest[i + k.len()..];
        }
        sim.push_str(rest);
        for run in thai_runs(&sim) {
            let words = w.segment(&sim[run.clone()]);
            for b in lstm_breaks(&sim) {
                if b > run.start && b < run.end {
                    let rel = b - run.start;
                    assert!(
                        words.iter().any(|r| r.start == rel),
                        "break inside a word at {rel} in {}",
                        &sim[run.clone()]
                    );
                }
            }
        }
    }
}
