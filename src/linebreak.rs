//! Thai line breaking the way a careful clerk breaks lines.
//!
//! Typst finds Thai break opportunities with ICU4X's LSTM segmenter, which splits
//! compounds (`งบ|ประมาณ`) and sometimes words (`คะ|แนน`), and offers no
//! dictionary an agency could extend. So the templates lay text out under
//! `lang: "ja"`, where typst uses ICU's rule-based segmenter: it never breaks
//! inside a run of Thai letters, only at spaces and punctuation. The breaks
//! inside Thai runs come from here instead: [`Words::chunks`] segments each run
//! against a dictionary (fewest words, as PyThaiNLP's newmm does: compounds and
//! official phrases stay whole) and the template joins the chunks with a
//! vanishing space, a break opportunity that leaves nothing in the PDF's text.
//! Label/number and number/unit pairs (`พ.ศ. ๒๕๖๓`, `๕๐,๐๐๐ บาท`) become one
//! unbreakable chunk.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::text::{Segment, Style, Text};
use crate::thai::to_arabic_digits;

/// An unknown word longer than this many letter clusters is cut (between
/// syllables) into pieces of at most this many: no Thai word is that long.
pub const MAX_UNKNOWN_CLUSTERS: usize = 24;

/// Compounds longer than this many letter clusters may be cut between their
/// words when a paragraph cannot be justified otherwise.
pub const RELAX_CHARS: usize = 9;

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
    "ลงวันที่",
    "เวลา",
    "จำนวน",
    "ร้อยละ",
];

/// A word opening with one of these is a royal name or title
/// (`สมเด็จพระนางเจ้าสิริกิติ์`): it is never cut at a line's end, as a
/// clerk never divides a royal name, even where the line cannot otherwise
/// be justified.
pub const ROYAL: &[&str] = &["พระบาทสมเด็จ", "สมเด็จพระ", "กรมสมเด็จ", "เจ้าฟ้า"];

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
    "ชุด",
    "เครื่อง",
    "รายการ",
    "อัตรา",
    "ตำแหน่ง",
    "ท่าน",
];

/// Month names, full and abbreviated: a date stays on one line.
fn months() -> Vec<&'static str> {
    use crate::thai::{MONTHS, MONTHS_ABBR};
    MONTHS.iter().chain(MONTHS_ABBR.iter()).copied().collect()
}

/// A digit, Thai or Arabic, and a number such as `๕๐,๐๐๐` or `๑.๕`.
const DIGIT: &str = r"[0-9๐-๙]";
const NUMBER: &str = r"[0-9๐-๙](?:[0-9๐-๙,./:]*[0-9๐-๙])?";
/// `มท ๐๘๑๖.๓/ว ๑๒๓๔`, `อว ๘๓๙๓(๑)/๓๘๘๐`: an agency code and its number.
const CODE_NUMBER: &str = r"[ก-ฮ]{2}\s?[0-9๐-๙][0-9๐-๙.()]*/(?:ว\s?)?[0-9๐-๙]+";
/// The digits of a telephone number, grouped by spaces or hyphens.
const PHONE_DIGITS: &str = r"[0๐](?:[\s-]?[0-9๐-๙]){7,9}";

/// `xs` as regex alternatives, longest first, so `วันที่` wins over `ที่`.
fn alternation(xs: &[&str]) -> String {
    let mut v: Vec<String> = xs.iter().map(|s| regex::escape(s)).collect();
    v.sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
    v.join("|")
}

static PAIRS: LazyLock<Regex> = LazyLock::new(|| {
    let (labels, units, months) = (
        alternation(LABELS),
        alternation(UNITS),
        alternation(&months()),
    );
    let d = DIGIT;
    // Leftmost alternative first: a whole date, a reference number or a
    // telephone number before a shorter label/number pair inside it.
    let date = format!(
        r"(?:(?:{labels})\s?)?(?:{d}{{1,2}}\s)?(?:{months})\s?(?:พ\.ศ\.\s?)?{d}{{4}}|(?:(?:{labels})\s?)?{d}{{1,2}}\s(?:{months})"
    );
    let reference = format!(r"(?:ที่\s)?{CODE_NUMBER}");
    // `โทร. ๐ ๔๓๒๓ ๘๐๐๑ ต่อ ๑๑๒`, `08 1234 5678`.
    let phone = format!(r"(?:(?:โทร\.|โทรศัพท์|โทรสาร|มือถือ)\s?)?{PHONE_DIGITS}(?:\sต่อ\s{d}+)?");
    Regex::new(&format!(
        r"{date}|{reference}|{phone}|(?:{labels})\s?{NUMBER}(?:\s(?:{units}))?|{NUMBER}\s(?:{units})"
    ))
    .expect("the pair pattern is valid")
});

/// Titles before a person's name that are never the start of another word.
const TITLES: &[&str] = &[
    "นายแพทย์",
    "แพทย์หญิง",
    "ทันตแพทย์หญิง",
    "ทันตแพทย์",
    "ว่าที่ร้อยตรีหญิง",
    "ว่าที่ร้อยตรี",
    "น.ส.",
    "ศ.ดร.",
    "รศ.ดร.",
    "ผศ.ดร.",
    "ดร.",
    "ศ.",
    "รศ.",
    "ผศ.",
    "นพ.",
    "พญ.",
    // Police and military ranks, abbreviated (often with a space before the name).
    "พล.ต.อ.",
    "พล.ต.ท.",
    "พล.ต.ต.",
    "พ.ต.อ.",
    "พ.ต.ท.",
    "พ.ต.ต.",
    "ร.ต.อ.",
    "ร.ต.ท.",
    "ร.ต.ต.",
    "พล.อ.",
    "พล.ท.",
    "พล.ต.",
    "พ.อ.",
    "พ.ท.",
    "พ.ต.",
    "ร.อ.",
    "ร.ท.",
    "ร.ต.",
    "จ.ส.อ.",
    "ด.ต.",
];
/// Titles that begin ordinary words too (`นาย` of `นายก`, `นายอำเภอ`): they
/// count only where the dictionary's first word of the token is the title.
const AMBIGUOUS_TITLES: &[&str] = &["นางสาว", "นาย", "นาง"];

/// An item's number written inside a sentence (`ได้แก่ (1) การปฏิบัติ ...`,
/// `คือ ๑) ชุดไทย ๒) มวยไทย`, `(ก)`), and the space after it: it stays on the
/// line of the word it numbers, never alone at a line's end.
static ENUMERATORS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?:^|\s)(\({d}{{1,3}}\)|{d}{{1,3}}\)|\([ก-ฮ]\)) ",
        d = DIGIT
    ))
    .expect("a valid pattern")
});

/// The inline item numbers of `text` that number a list: a run of them of
/// one style counting up from one (`(1) ... (2) ...`, `๑) ชุดไทย ๒) มวยไทย`,
/// `(ก) ... (ข) ...`), words between each. A number outside such a run
/// refers to an item numbered elsewhere (`ประเด็น (๒๑)`, `ข้อ ๑๐ (๒) (๓)`,
/// `ตาม (ก) ถึง (ค)`) and stays with the words before it.
fn listed_enumerators(text: &str) -> Vec<Range<usize>> {
    const LETTERS: &str = "กขคงจฉชซฌญฎฏฐฑฒณดตถทธนบปผฝพฟภมยรลวศษสหฬอฮ";
    // (style, value, range) of each: `(n)` 0, `n)` 1, `(ก)` 2.
    let found: Vec<(u8, u32, Range<usize>)> = ENUMERATORS
        .captures_iter(text)
        .filter_map(|c| {
            let m = c.get(1)?;
            let inner = m.as_str().trim_start_matches('(').trim_end_matches(')');
            let (style, value) = match inner.chars().next()? {
                l if is_thai_letter(l) => (2, LETTERS.chars().position(|x| x == l)? as u32 + 1),
                _ if m.as_str().starts_with('(') => (0, to_arabic_digits(inner).parse().ok()?),
                _ => (1, to_arabic_digits(inner).parse().ok()?),
            };
            Some((style, value, m.range()))
        })
        .collect();
    let mut listed = Vec::new();
    for style in 0..3 {
        // A run counts from one, so its length is the last number in it.
        let mut run: Vec<Range<usize>> = Vec::new();
        for (_, value, r) in found.iter().filter(|f| f.0 == style) {
            let words_between = run
                .last()
                .is_none_or(|p| text[p.end..r.start].trim().chars().count() >= 4);
            if *value == run.len() as u32 + 1 && words_between {
                run.push(r.clone());
                continue;
            }
            if run.len() >= 2 {
                listed.append(&mut run);
            }
            run = if *value == 1 {
                vec![r.clone()]
            } else {
                Vec::new()
            };
        }
        if run.len() >= 2 {
            listed.append(&mut run);
        }
    }
    listed.sort_by_key(|r| r.start);
    listed
}

/// A title, the given name written onto it, a space and the surname.
static NAMES: LazyLock<Regex> = LazyLock::new(|| {
    let titles: Vec<String> = TITLES
        .iter()
        .chain(AMBIGUOUS_TITLES)
        .map(|t| regex::escape(t))
        .collect();
    // An abbreviated or plain title (`ดร.`, `พ.ต.อ.`) may stand a space before
    // the name; `นาย` and its kin are written onto it.
    let (plain, ambiguous) = titles.split_at(TITLES.len());
    Regex::new(&format!(
        r"(?:(?:{})\s?|(?:{}))[ก-๎]+ [ก-๎]+",
        plain.join("|"),
        ambiguous.join("|")
    ))
    .expect("the name pattern is valid")
});

/// What stays together even in a pair loosened for a line that needs the room:
/// a label and its number, a number and its unit, a day and its month, an
/// agency code and its number, the digits of a telephone number.
static TIGHT: LazyLock<Regex> = LazyLock::new(|| {
    let (labels, units, months) = (
        alternation(LABELS),
        alternation(UNITS),
        alternation(&months()),
    );
    let d = DIGIT;
    Regex::new(&format!(
        r"{CODE_NUMBER}|{PHONE_DIGITS}|ต่อ\s{d}+|{d}{{1,2}}\s(?:{months})|(?:{labels})\s?{NUMBER}|{NUMBER}\s(?:{units})"
    ))
    .expect("the tight pattern is valid")
});

/// A phrase held by no-break spaces; one with a slash or a hyphen (a reference,
/// `มท ๐๘๑๖.๓/ว ๒๐๐๑`, `๐-๒๒๘๑-๑๒๓๔`) in a box, as a line may break after either.
fn tie(piece: &str) -> Segment {
    if piece.contains(['/', '-']) {
        Segment::Keep {
            k: piece.to_string(),
            s: Style::PLAIN,
        }
    } else {
        Segment::Tie {
            t: piece.to_string(),
            s: Style::PLAIN,
        }
    }
}

/// A kept pair held together inside its tight parts only, free between them.
fn loosen(piece: &str, out: &mut Vec<Segment>) {
    let mut at = 0;
    for m in TIGHT.find_iter(piece) {
        if m.start() > at {
            out.push(Segment::Free(piece[at..m.start()].to_string()));
        }
        out.push(tie(m.as_str()));
        at = m.end();
    }
    if at < piece.len() {
        out.push(Segment::Free(piece[at..].to_string()));
    }
}

/// The shipped word lists (PyThaiNLP's words_th.txt and official.txt), compiled
/// into an FST by `build.rs`.
static BASE_FST: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/words.fst"));

static BASE: LazyLock<Dictionary> = LazyLock::new(|| Dictionary {
    set: fst::Set::new(Cow::Borrowed(BASE_FST)).expect("build.rs writes a valid FST"),
    key: 0,
});

/// A set of Thai words, kept as a finite-state transducer: one walk from a
/// position of a run finds every word that starts there, and stops as soon as no
/// word goes on (a hash set needs one lookup for every possible end).
#[derive(Clone)]
pub struct Dictionary {
    set: fst::Set<Cow<'static, [u8]>>,
    /// Its words' fingerprint (0 when empty), naming it in the cache of
    /// segmented runs.
    key: u64,
}

impl Default for Dictionary {
    fn default() -> Self {
        // Built once: every letter starts with an empty set of agency words.
        static EMPTY: LazyLock<Vec<u8>> = LazyLock::new(|| {
            fst::Set::from_iter(std::iter::empty::<&str>())
                .expect("an empty set builds")
                .into_fst()
                .into_inner()
        });
        Dictionary {
            set: fst::Set::new(Cow::Borrowed(EMPTY.as_slice())).expect("a valid empty FST"),
            key: 0,
        }
    }
}

impl std::fmt::Debug for Dictionary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Dictionary({} words)", self.set.len())
    }
}

impl Dictionary {
    /// The shipped word list (PyThaiNLP's words_th.txt) plus official phrases.
    pub fn base() -> &'static Dictionary {
        &BASE
    }

    fn from_sorted(words: Vec<String>) -> Dictionary {
        let set = fst::Set::from_iter(&words).expect("sorted, unique words");
        let bytes = set.into_fst().into_inner();
        let key = {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            bytes.hash(&mut h);
            h.finish() | 1
        };
        Dictionary {
            set: fst::Set::new(Cow::Owned(bytes)).expect("a freshly built FST is valid"),
            key,
        }
    }

    /// Adds words; blank lines are ignored.
    pub fn extend<'a>(&mut self, words: impl IntoIterator<Item = &'a str>) {
        let mut added: Vec<String> = words
            .into_iter()
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .map(String::from)
            .collect();
        if added.is_empty() {
            return;
        }
        let mut all = self.set.stream().into_strs().expect("words are UTF-8");
        all.append(&mut added);
        all.sort_unstable();
        all.dedup();
        *self = Dictionary::from_sorted(all);
    }

    /// True when `w` is a word here.
    pub fn contains(&self, w: &str) -> bool {
        self.set.contains(w)
    }

    /// Number of words.
    pub fn len(&self) -> usize {
        self.set.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.set.is_empty()
    }

    /// Calls `found(end)` for every word `text[start..end]`, shortest first.
    fn words_from(&self, text: &str, start: usize, mut found: impl FnMut(usize)) {
        let fst = self.set.as_fst();
        let mut node = fst.root();
        for (k, &b) in text.as_bytes()[start..].iter().enumerate() {
            let Some(i) = node.find_input(b) else { return };
            node = fst.node(node.transition(i).addr);
            if node.is_final() {
                found(start + k + 1);
            }
        }
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
            extra: extra.filter(|d| !d.is_empty()),
        }
    }

    /// True when `w` is a word in either dictionary.
    pub fn contains(&self, w: &str) -> bool {
        self.base.contains(w) || self.extra.is_some_and(|d| d.contains(w))
    }

    /// Splits a run of Thai letters into words: fewest dictionary words, with text
    /// the dictionary does not know taken one character cluster at a time.
    /// Returns byte ranges into `run`.
    pub fn segment(&self, run: &str) -> Vec<Range<usize>> {
        self.segment_limited(run, usize::MAX)
    }

    /// [`Words::segment`] with words of at most `max_chars` clusters,
    /// remembered: the runs of one letter recur in the next (a circular to
    /// a thousand offices, the same closing and signature in every letter),
    /// and segmenting them was a tenth of a one-page letter's own work.
    fn segment_limited(&self, run: &str, max_chars: usize) -> Vec<Range<usize>> {
        /// Runs remembered per thread before the memory starts afresh.
        const REMEMBERED: usize = 20_000;
        type Key = (u64, usize, Box<str>);
        thread_local! {
            static SEGMENTED: std::cell::RefCell<std::collections::HashMap<Key, Vec<Range<usize>>>> =
                Default::default();
        }
        let key: Key = (self.extra.map_or(0, |d| d.key), max_chars, run.into());
        if let Some(words) = SEGMENTED.with_borrow(|m| m.get(&key).cloned()) {
            return words;
        }
        let words = self.segment_uncached(run, max_chars);
        SEGMENTED.with_borrow_mut(|m| {
            if m.len() >= REMEMBERED {
                m.clear();
            }
            m.insert(key, words.clone());
        });
        words
    }

    fn segment_uncached(&self, run: &str, max_chars: usize) -> Vec<Range<usize>> {
        // Positions where a word may start or end: never inside a syllable,
        // whatever the dictionary knows (see [`syllable_boundary`]).
        let idx: Vec<usize> = run
            .char_indices()
            .map(|(i, _)| i)
            .filter(|&i| syllable_boundary(run, i))
            .chain(std::iter::once(run.len()))
            .collect();
        // The boundary number of each byte offset that is a boundary.
        let mut boundary = vec![usize::MAX; run.len() + 1];
        for (k, &at) in idx.iter().enumerate() {
            boundary[at] = k;
        }
        let n = idx.len() - 1;
        const UNKNOWN: u32 = 100;
        // best[i] = (cost, previous boundary) for the prefix ending at idx[i].
        let mut best: Vec<(u32, usize)> = vec![(u32::MAX, 0); n + 1];
        best[0] = (0, 0);
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
            let mut word_to = |end: usize| {
                let j = boundary[end];
                if j == usize::MAX || j - i > max_chars {
                    return;
                }
                let c = cost + 1;
                if c < best[j].0 || (c == best[j].0 && i < best[j].1) {
                    best[j] = (c, i);
                }
            };
            self.base.words_from(run, idx[i], &mut word_to);
            if let Some(extra) = self.extra {
                extra.words_from(run, idx[i], &mut word_to);
            }
        }
        // The words back from the end, each with whether the dictionary
        // knows it: a step of cost 1 is a word, of UNKNOWN one cluster no
        // word covers (the dictionary was asked once, above).
        let mut out = Vec::new();
        let mut j = n;
        while j > 0 {
            let i = best[j].1;
            out.push((idx[i]..idx[j], best[j].0 - best[i].0 == 1));
            j = i;
        }
        out.reverse();
        // Merge adjacent unknown clusters into one unknown word: a name the
        // dictionary does not know stays whole, up to a length no word has
        // (a run of thousands of unknown letters would be one box wider than
        // any line, and typst's line breaker slow on it).
        let clusters =
            |r: &Range<usize>| run[r.clone()].chars().filter(|c| !is_thai_mark(*c)).count();
        // Runs of one-letter words (`กกกก...`, never Thai prose) are taken
        // together the same way: tens of thousands of break opportunities
        // in one paragraph make typst's line breaker take seconds.
        // (range, known to the dictionary, merged from several)
        let mut merged: Vec<(Range<usize>, bool, bool)> = Vec::new();
        for (r, known) in out {
            if let Some((last, last_known, joined)) = merged.last_mut() {
                // A range made of several may itself be a word.
                let last_known = if *joined {
                    self.contains(&run[last.clone()])
                } else {
                    *last_known
                };
                let lone = !last_known || clusters(last) == 1;
                if ((!known && !last_known) || (clusters(&r) == 1 && lone))
                    && clusters(last) + clusters(&r) <= MAX_UNKNOWN_CLUSTERS
                {
                    last.end = r.end;
                    *joined = true;
                    continue;
                }
            }
            merged.push((r, known, false));
        }
        merged.into_iter().map(|(r, _, _)| r).collect()
    }

    /// Splits `text` into chunks between which a line may break: our dictionary
    /// word boundaries inside Thai runs, never inside a label/number pair. The
    /// template joins the chunks with zero-width break opportunities.
    ///
    /// Where `relax(text, start, word)` is true for the word at byte `start`, a long compound (more than [`RELAX_CHARS`]
    /// clusters) may also be cut between its own words, and a label/number pair
    /// is held by a no-break space rather than a box: for the words at a line
    /// that could not otherwise be justified without holes. A compound stays
    /// whole where the line allows.
    pub fn chunks(&self, text: &str, relax: &dyn Fn(&str, usize, &str) -> bool) -> Text {
        let text = text.trim();
        // Pairs with a space inside (`พ.ศ. ๒๕๖๓`) are kept in one box; the space
        // would otherwise be a break opportunity.
        let mut pairs: Vec<Range<usize>> = PAIRS
            .find_iter(text)
            .map(|m| m.range())
            .filter(|r| text[r.clone()].contains(' '))
            .collect();
        // A person's name and surname, after their title, on one line.
        let runs = thai_runs(text);
        for m in NAMES.find_iter(text) {
            let r = m.range();
            if pairs.iter().any(|p| p.start < r.end && r.start < p.end) {
                continue;
            }
            // A title inside a word is no title: `นาง` in
            // `สมเด็จพระนางเจ้าสิริกิติ์`, `นาย` in `ผู้ว่าราชการ...นายก`.
            let inside = runs
                .iter()
                .find(|run| run.start < r.start && r.start < run.end);
            if let Some(run) = inside {
                let at = r.start - run.start;
                if !self
                    .segment(&text[run.clone()])
                    .iter()
                    .any(|w| w.start == at)
                {
                    continue;
                }
            }
            let token = m.as_str().split(' ').next().unwrap_or("");
            let plain = TITLES.iter().any(|t| token.starts_with(t));
            // `นายกเทศมนตรี`, `นายอำเภอ`, `นางพยาบาล`: a word, not a title.
            let titled = || {
                let first = self.segment(token).first().map_or(0, |w| w.end);
                AMBIGUOUS_TITLES
                    .iter()
                    .any(|t| token.starts_with(t) && first == t.len())
            };
            if plain || titled() {
                pairs.push(r);
            }
        }
        // An inline item number with the first word it numbers, where the
        // text numbers items (see `listed_enumerators`).
        for number in listed_enumerators(text) {
            let word = number.end + 1;
            let rest = &text[word..];
            let len = match runs.iter().find(|r| r.start == word) {
                Some(run) => self
                    .segment(&text[run.clone()])
                    .first()
                    .map_or(0, |w| w.len()),
                None => rest.find(char::is_whitespace).unwrap_or(rest.len()),
            };
            let r = number.start..word + len;
            if len > 0 && !pairs.iter().any(|p| p.start < r.end && r.start < p.end) {
                pairs.push(r);
            }
        }
        pairs.sort_by_key(|r| r.start);
        let in_pair = |at: usize| pairs.iter().any(|p| p.start <= at && at < p.end);
        let mut cuts: Vec<(usize, bool)> = Vec::new(); // (offset, starts a kept pair)
        for run in runs {
            let run_text = &text[run.clone()];
            for w in self.segment(run_text) {
                let mut starts = vec![w.start];
                let word = &run_text[w.clone()];
                let clusters = word.chars().filter(|c| !is_thai_mark(*c)).count();
                let royal = ROYAL.iter().any(|r| word.starts_with(r));
                if clusters > RELAX_CHARS && !royal && relax(text, run.start + w.start, word) {
                    // Its words of at most RELAX_CHARS, or failing that any
                    // shorter words, as long as the dictionary knows them all.
                    let known = |parts: &Vec<Range<usize>>| {
                        parts.len() > 1 && parts.iter().all(|p| self.contains(&word[p.clone()]))
                    };
                    let parts = Some(self.segment_limited(word, RELAX_CHARS))
                        .filter(known)
                        .or_else(|| Some(self.segment_limited(word, clusters - 1)).filter(known));
                    if let Some(parts) = parts {
                        starts.extend(parts.iter().skip(1).map(|p| w.start + p.start));
                    } else if !self.contains(word) {
                        // A name the dictionary does not know, in a line that
                        // needs it broken (a narrow cell): before a leading
                        // vowel, where a syllable always starts
                        // (`เปือยน้อยโนน | เปือยคำ`), never inside one.
                        starts.extend(
                            word.char_indices()
                                .filter(|&(i, c)| {
                                    i > 0 && is_leading_vowel(c) && syllable_boundary(word, i)
                                })
                                .map(|(i, _)| w.start + i),
                        );
                    }
                }
                for start in starts {
                    let at = run.start + start;
                    if at > run.start && !in_pair(at) {
                        cuts.push((at, false));
                    }
                }
            }
        }
        for at in long_token_cuts(text).into_iter().filter(|&at| !in_pair(at)) {
            cuts.push((at, false));
        }
        for p in &pairs {
            cuts.push((p.start, true));
            cuts.push((p.end, false));
        }
        cuts.sort();
        cuts.dedup_by_key(|c| c.0);
        if cuts.is_empty() {
            return Text::Plain(text.to_string());
        }
        let mut out = Vec::with_capacity(cuts.len() + 1);
        let mut at = 0;
        let mut keep_next = false;
        for (c, starts_pair) in cuts.into_iter().chain(std::iter::once((text.len(), false))) {
            if c > at {
                let piece = &text[at..c];
                match (keep_next, keep_next && relax(text, at, piece)) {
                    (false, _) => out.push(Segment::Free(piece.to_string())),
                    // A long pair (a date, a reference, a telephone number)
                    // would take a line's stretch away as a box: it is held by
                    // no-break spaces from the start.
                    (true, false) if piece.matches(' ').count() >= 2 => out.push(tie(piece)),
                    (true, false) => out.push(Segment::Keep {
                        k: piece.to_string(),
                        s: Style::PLAIN,
                    }),
                    // A box cannot stretch; where a line needs the stretch, the
                    // pair is held by no-break spaces instead, which justify
                    // like spaces (as clerks do in Word with Ctrl+Shift+Space),
                    // and a long pair may break between its tight parts
                    // (`วันที่ ๗ มกราคม | พ.ศ. ๒๕๖๖`).
                    (true, true) => loosen(piece, &mut out),
                }
            }
            at = c;
            keep_next = starts_pair;
        }
        Text::Segments(out)
    }
}

/// What a line break between two runs of Thai letters does to the words there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakKind {
    /// Between two words.
    Ok,
    /// Inside a compound, between two of its words.
    Soft,
    /// Inside a word.
    Hard,
}

impl Words<'_> {
    /// [`Words::chunks`] of a text already made, its emphasis kept.
    pub fn rechunk(&self, text: &Text, relax: &dyn Fn(&str, usize, &str) -> bool) -> Text {
        let flat = text.flat();
        let spans = text.spans();
        // `chunks` trims: the spans move with the start.
        let lead = flat.len() - flat.trim_start().len();
        let spans = Text::spans_within(&spans, lead..flat.len());
        self.chunks(&flat, relax).styled(&spans)
    }

    /// Classifies a break between `left` (the Thai run ending a line) and `right`
    /// (the Thai run opening the next).
    pub fn classify_break(&self, left: &str, right: &str) -> BreakKind {
        let joined = format!("{left}{right}");
        if self.segment(&joined).iter().any(|r| r.start == left.len()) {
            return BreakKind::Ok;
        }
        let whole = |s: &str| self.segment(s).iter().all(|r| self.contains(&s[r.clone()]));
        if whole(left) && whole(right) {
            BreakKind::Soft
        } else {
            BreakKind::Hard
        }
    }
}

/// Thai letters and marks (not digits).
pub fn is_thai_letter(c: char) -> bool {
    ('\u{0E01}'..='\u{0E4E}').contains(&c)
}

/// A Thai vowel or tone mark written above or below its letter: it takes no
/// width of its own.
pub fn is_thai_mark(c: char) -> bool {
    matches!(c, '\u{0E31}' | '\u{0E34}'..='\u{0E3A}' | '\u{0E47}'..='\u{0E4E}')
}

/// Vowels written before the consonant they follow in speech: a syllable
/// never ends with one.
fn is_leading_vowel(c: char) -> bool {
    matches!(c, 'เ' | 'แ' | 'โ' | 'ใ' | 'ไ')
}

/// Characters that never open a syllable: following vowels (ะ า ำ ๅ), the
/// marks above and below, ๆ and ฯ.
fn is_following(c: char) -> bool {
    is_thai_mark(c) || matches!(c, 'ะ' | 'า' | 'ำ' | 'ๅ' | 'ๆ' | 'ฯ')
}

/// True when a line may break before byte `i` of the Thai run `run` as far as
/// the writing goes: not after a leading vowel (`แม่เ|หียะ`), not before a
/// following vowel, a mark, ๆ or ฯ (`แม่เหี|ยะ` is the dictionary's business,
/// but `เหี|ยะ`'s `ะ` is not). Unknown words then fall apart only between
/// syllables.
pub fn syllable_boundary(run: &str, i: usize) -> bool {
    if i == 0 || i >= run.len() {
        return true;
    }
    let before = run[..i].chars().next_back();
    let after = run[i..].chars().next();
    // The vowel before, tone marks aside: อ after ื (เ-ือ), ย after ี
    // (เ-ีย) and ว after ั (-ัว) are letters of a compound vowel, not the
    // start of a syllable (`เปื|อย`, `เขี|ยว`, `ตั|ว` are cuts inside one).
    let vowel = run[..i]
        .chars()
        .rev()
        .find(|c| !matches!(c, '\u{0E48}'..='\u{0E4B}'));
    let compound = matches!(
        (vowel, after),
        (Some('ื'), Some('อ')) | (Some('ี'), Some('ย')) | (Some('ั'), Some('ว'))
    );
    // A leading vowel's consonant cluster: after เ+ห, a ล that takes the
    // vowel's mark belongs to the same syllable (`เห|ลียง`, `เป|ลี่ยน`);
    // after เ+ก another leading vowel starts one (`เก|เร`).
    let mut back = run[..i].chars().rev();
    let (c1, c0) = (back.next(), back.next());
    let mut ahead = run[i..].chars();
    let (a0, a1) = (ahead.next(), ahead.next());
    // The consonant pairs that begin one syllable: true clusters (กร, ปล,
    // ขว ...) and the pairs led by ห or อ (หล, หน, อย ...).
    let initial_pair = matches!(
        (c1, a0),
        (
            Some('ก' | 'ข' | 'ค' | 'ต' | 'ป' | 'พ' | 'ผ' | 'บ' | 'ด' | 'ฟ' | 'ท'),
            Some('ร' | 'ล' | 'ว'),
        ) | (
            Some('ห'),
            Some('ง' | 'ญ' | 'น' | 'ม' | 'ย' | 'ร' | 'ล' | 'ว')
        ) | (Some('อ'), Some('ย'))
    );
    let cluster = c0.is_some_and(|c| matches!(c, 'เ' | 'แ' | 'โ'))
        && initial_pair
        && a1.is_some_and(is_thai_mark);
    !before.is_some_and(is_leading_vowel)
        && !after.is_some_and(is_following)
        && !compound
        && !cluster
}

/// A run of letters without a space or a Thai letter longer than this many
/// characters (a web address, a file name, a long code) may break inside.
pub const LONG_TOKEN_CHARS: usize = 30;

/// At most this many characters of a long token stay together when it has
/// no punctuation to break after.
const TOKEN_PIECE_CHARS: usize = 20;

/// Where a line may break inside the long tokens of `text` (byte offsets):
/// after a web address's punctuation (`/`, `.`, `?`, `&` ...) once a piece
/// has a few characters, and every [`TOKEN_PIECE_CHARS`] characters where
/// there is none. Typst would keep such a token whole and run it past the
/// margin; a clerk's word processor wraps it.
fn long_token_cuts(text: &str) -> Vec<usize> {
    let mut cuts = Vec::new();
    let tokens = text.split(|c: char| c.is_whitespace() || is_thai_letter(c));
    let mut offset = 0;
    for token in tokens {
        let start = offset;
        offset += token.len()
            + text[start + token.len()..]
                .chars()
                .next()
                .map_or(0, char::len_utf8);
        if token.chars().count() <= LONG_TOKEN_CHARS {
            continue;
        }
        let mark = |c: char| {
            matches!(
                c,
                '/' | '.' | '?' | '&' | '=' | '-' | '_' | '@' | ',' | ':' | ';'
            )
        };
        let mut piece = 0; // characters since the last cut
        let mut chars = token.char_indices().peekable();
        while let Some((_, c)) = chars.next() {
            piece += 1;
            let Some(&(next, n)) = chars.peek() else {
                break;
            };
            // After a run of marks (`https://|www.`), never inside one.
            let after_marks = mark(c) && !mark(n);
            if (after_marks && piece >= 4) || piece >= TOKEN_PIECE_CHARS {
                cuts.push(start + next);
                piece = 0;
            }
        }
    }
    cuts
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The pieces kept on one line (boxes and ties).
    fn kept(t: &Text) -> Vec<String> {
        pieces(t).into_iter().filter(|p| p.1).map(|p| p.0).collect()
    }

    fn pieces(t: &Text) -> Vec<(String, bool)> {
        match t {
            Text::Plain(s) => vec![(s.clone(), false)],
            Text::Segments(s) => s
                .iter()
                .map(|x| {
                    let kept = matches!(x, Segment::Keep { .. } | Segment::Tie { .. });
                    (x.text().to_string(), kept)
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
    fn keeps_label_number_pairs_in_one_chunk() {
        let w = Words::new(None);
        let text = "ในปีงบประมาณ พ.ศ. ๒๕๖๑ - ๒๕๖๔ และ ๕๐,๐๐๐ บาท ข้อ ๑";
        let t = w.chunks(text, &|_, _, _| false);
        let kept = kept(&t);
        assert!(kept.contains(&"พ.ศ. ๒๕๖๑".to_string()), "{kept:?}");
        assert!(kept.contains(&"๕๐,๐๐๐ บาท".to_string()), "{kept:?}");
        assert!(kept.contains(&"ข้อ ๑".to_string()), "{kept:?}");
        assert_eq!(t.flat(), text);
    }

    #[test]
    fn dates_references_and_phone_numbers_stay_whole() {
        let w = Words::new(None);
        let text = "ตามหนังสือที่ อว ๘๓๙๓(๑)/๓๘๘๐ ลงวันที่ ๒๐ ธันวาคม ๒๕๖๗ และหนังสือ มท ๐๘๑๖.๓/ว ๑๒๓๔ \
                    ภายในเดือนกรกฎาคม ๒๕๖๘ เมื่อ ๓๐ เมษายน โทร. ๐ ๔๒๗๒ ๑๐๔๔ ต่อ ๑๒๓๔ หรือ 08 1234 5678 \
                    แนบเอกสาร จำนวน ๑ ชุด";
        let t = w.chunks(text, &|_, _, _| false);
        let kept = kept(&t);
        for want in [
            "ที่ อว ๘๓๙๓(๑)/๓๘๘๐",
            "ลงวันที่ ๒๐ ธันวาคม ๒๕๖๗",
            "มท ๐๘๑๖.๓/ว ๑๒๓๔",
            "กรกฎาคม ๒๕๖๘",
            "๓๐ เมษายน",
            "โทร. ๐ ๔๒๗๒ ๑๐๔๔ ต่อ ๑๒๓๔",
            "08 1234 5678",
            "จำนวน ๑ ชุด",
        ] {
            assert!(kept.contains(&want.to_string()), "{want}: {kept:?}");
        }
        assert_eq!(t.flat(), text);
    }

    #[test]
    fn a_persons_name_stays_whole_a_title_word_does_not() {
        let w = Words::new(None);
        let text = "โดยมอบหมายให้นางสาวกัญญารัตน์ สุขเจริญ และนายสมชาย ใจดี กับแพทย์หญิงวรรณา สุขเจริญ \
                    และ พ.ต.อ. สมศักดิ์ รักษาสันติ ประสานกับนายกเทศมนตรี นครขอนแก่น";
        let kept = kept(&w.chunks(text, &|_, _, _| false));
        for want in [
            "นางสาวกัญญารัตน์ สุขเจริญ",
            "นายสมชาย ใจดี",
            "แพทย์หญิงวรรณา สุขเจริญ",
            "พ.ต.อ. สมศักดิ์ รักษาสันติ",
        ] {
            assert!(kept.contains(&want.to_string()), "{want}: {kept:?}");
        }
        assert!(!kept.iter().any(|k| k.contains("นายก")), "{kept:?}");
    }

    #[test]
    fn chunks_cut_only_between_dictionary_words() {
        let w = Words::new(None);
        let text = "ด้วยคณะรัฐมนตรีได้มีมติให้หน่วยงานภาครัฐทุกหน่วยงานให้ความร่วมมือในปีงบประมาณ";
        let t = w.chunks(text, &|_, _, _| false);
        assert_eq!(t.flat(), text);
        let chunks: Vec<String> = pieces(&t).into_iter().map(|p| p.0).collect();
        assert!(chunks.contains(&"ปีงบประมาณ".to_string()), "{chunks:?}");
        assert!(chunks.contains(&"คณะรัฐมนตรี".to_string()), "{chunks:?}");
        // No chunk ends inside a word: every chunk is made of whole words.
        for c in &chunks {
            for r in w.segment(c) {
                assert!(w.contains(&c[r.clone()]), "{c}: {} unknown", &c[r]);
            }
        }
    }

    #[test]
    fn agency_words_extend_the_dictionary() {
        let mut extra = Dictionary::default();
        extra.extend(["ส่องดาวพัฒนาวิทยา"]);
        let plain = Words::new(None).chunks("โรงเรียนส่องดาวพัฒนาวิทยา", &|_, _, _| false);
        let with = Words::new(Some(&extra)).chunks("โรงเรียนส่องดาวพัฒนาวิทยา", &|_, _, _| false);
        let n = |t: &Text| pieces(t).len();
        assert!(n(&with) < n(&plain), "{with:?} vs {plain:?}");
        assert!(pieces(&with).iter().any(|p| p.0 == "ส่องดาวพัฒนาวิทยา"));
    }

    #[test]
    fn relaxed_chunks_open_long_compounds() {
        let w = Words::new(None);
        let text = "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาพัทลุง";
        let strict = pieces(&w.chunks(text, &|_, _, _| false));
        let relaxed = pieces(&w.chunks(text, &|_, _, _| true));
        assert!(
            strict
                .iter()
                .any(|p| p.0 == "สำนักงานเขตพื้นที่การศึกษาประถมศึกษา"),
            "{strict:?}"
        );
        assert!(relaxed.len() > strict.len(), "{relaxed:?}");
        assert!(
            relaxed.iter().any(|p| p.0.starts_with("สำนักงาน")),
            "{relaxed:?}"
        );
        assert!(relaxed.iter().any(|p| p.0 == "การศึกษา"), "{relaxed:?}");
    }

    #[test]
    fn words_never_cut_a_syllable() {
        let words = Words::new(None);
        for name in ["ตำบลแม่เหียะ", "บ้านหนองใหญ่", "เชิงดอย", "สันผีเสื้อ", "แม่เหียะเหนือ"]
        {
            let cuts: Vec<usize> = words.segment(name).iter().map(|r| r.start).collect();
            for at in cuts {
                assert!(
                    syllable_boundary(name, at),
                    "{name} cut at {at}: {:?}",
                    &name[at..]
                );
            }
        }
        assert!(!syllable_boundary("แม่เหียะ", "แม่เ".len()));
        assert!(!syllable_boundary("เหียะ", "เหีย".len()));
        assert!(syllable_boundary("แม่เหียะ", "แม่".len()));
        assert!(!syllable_boundary("เปือย", "เปื".len()));
        assert!(!syllable_boundary("เปื่อย", "เปื่".len()));
        assert!(!syllable_boundary("เขียว", "เขี".len()));
        assert!(!syllable_boundary("ตัว", "ตั".len()));
        assert!(!syllable_boundary("เหลียง", "เห".len()));
        assert!(!syllable_boundary("เปลี่ยน", "เป".len()));
        assert!(syllable_boundary("เกเร", "เก".len()));
    }

    #[test]
    fn a_royal_name_is_one_word_never_cut_and_no_persons_name() {
        let words = Words::new(None);
        let text = "เพื่อเทิดพระเกียรติสมเด็จพระนางเจ้าสิริกิติ์ พระบรมราชินีนาถ";
        // Even where every long compound may be cut (a loose line).
        let t = words.chunks(text, &|_, _, _| true);
        let texts: Vec<String> = pieces(&t).into_iter().map(|p| p.0).collect();
        assert!(
            texts.iter().any(|p| p.contains("สมเด็จพระนางเจ้าสิริกิติ์")),
            "{texts:?}"
        );
        // `นาง` inside the title is not a person's title before a name.
        assert!(
            kept(&t).iter().all(|k| !k.starts_with("นาง")),
            "{:?}",
            kept(&t)
        );
        // A person's name after a word still stays whole.
        let t = words.chunks("มอบหมายให้นางสมศรี ใจดี เป็นผู้แทน", &|_, _, _| false);
        assert!(
            kept(&t).iter().any(|k| k == "นางสมศรี ใจดี"),
            "{:?}",
            kept(&t)
        );
    }

    #[test]
    fn an_inline_item_number_stays_with_its_word() {
        let words = Words::new(None);
        let t = words.chunks(
            "ได้แก่ (1) การปฏิบัติและการแสดงออก (2) พิธีกรรม คือ ๑) ชุดไทย ๒) มวยไทย และ (ก) Sbek Thom (ข) Lkhon Khol",
            &|_, _, _| false,
        );
        let held = kept(&t);
        for pair in [
            "(1) การปฏิบัติ",
            "(2) พิธีกรรม",
            "๑) ชุด",
            "๒) มวยไทย",
            "(ก) Sbek",
            "(ข) Lkhon",
        ] {
            assert!(held.iter().any(|k| k == pair), "{pair}: {held:?}");
        }
        // References to items numbered elsewhere stay with the words before.
        let t = words.chunks(
            "ประเด็น (๒๑) การต่อต้าน ตามข้อ ๑๐ (๒) (๓) หรือ (๔) ให้ทำ ตาม (ก) ถึง (ค) ให้หัวหน้า",
            &|_, _, _| false,
        );
        assert!(
            kept(&t).iter().all(|k| !k.starts_with('(')),
            "{:?}",
            kept(&t)
        );
    }

    #[test]
    fn long_tokens_break_after_their_punctuation() {
        let words = Words::new(None);
        let url = "https://www.dla.go.th/upload/document/type2/2567/5/12345_1_1715.pdf";
        let t = words.chunks(&format!("ดาวน์โหลดได้ที่ {url} ค่ะ"), &|_, _, _| false);
        let texts: Vec<String> = pieces(&t).into_iter().map(|p| p.0).collect();
        assert_eq!(texts.concat(), format!("ดาวน์โหลดได้ที่ {url} ค่ะ"));
        assert!(texts.iter().any(|p| p.ends_with(" https://")), "{texts:?}");
        assert!(texts.iter().any(|p| p == "dla."), "{texts:?}");
        assert!(
            texts.iter().all(|p| p.trim().chars().count() <= 24),
            "{texts:?}"
        );
        // No punctuation: pieces of 20; a short address stays whole.
        let t = words.chunks(&"A".repeat(50), &|_, _, _| false);
        let lengths: Vec<usize> = pieces(&t).into_iter().map(|p| p.0.len()).collect();
        assert_eq!(lengths, vec![20, 20, 10]);
        let t = words.chunks("อีเมล saraban@dla.go.th", &|_, _, _| false);
        assert!(
            pieces(&t)
                .iter()
                .any(|p| p.0.ends_with("saraban@dla.go.th"))
        );
    }

    #[test]
    fn lock_has_icu_segmenter_2_4_or_later() {
        // icu_segmenter 2.2/2.3 report a break at the end of every Thai run, so
        // lines start with a space (icu4x #7218). All icu_* crates move together.
        // (A 1.x may be locked too: the test browser's WebDriver crate uses it;
        // typst 0.15 takes 2.x.)
        let lock = include_str!("../Cargo.lock");
        let versions: Vec<Vec<u32>> = lock
            .match_indices("name = \"icu_segmenter\"")
            .map(|(at, _)| {
                let version = lock[at..].lines().nth(1).unwrap();
                version
                    .trim_start_matches("version = \"")
                    .trim_end_matches('"')
                    .split('.')
                    .map(|x| x.parse().unwrap())
                    .collect()
            })
            .collect();
        let twos: Vec<&Vec<u32>> = versions.iter().filter(|v| v[0] == 2).collect();
        assert!(
            !twos.is_empty(),
            "icu_segmenter 2.x is locked: {versions:?}"
        );
        assert!(
            twos.iter().all(|v| v[1] >= 4) && versions.iter().all(|v| v[0] <= 2),
            "icu_segmenter {versions:?}"
        );
    }
}
