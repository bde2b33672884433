//! Thai typesetting checked on the laid-out frames: no line opens with a space,
//! no break inside a word, labels stay with their numbers, justified gaps stay
//! small, continuation lines match the next page, the signature never stands
//! alone, table headers repeat.

mod common;

use common::*;
use saraban::compose::{self, MAX_GAP_EM};
use saraban::frames::Line;
use saraban::linebreak::{BreakKind, LABELS, UNITS, Words, is_thai_letter};

/// Baseline to baseline within a paragraph: the profiles' line pitch.
const PITCH: f64 = 20.8;

/// Lines of the body area: not the page number, continuation or secrecy marks.
fn body_lines(lines: &[Line]) -> Vec<&Line> {
    lines
        .iter()
        .filter(|l| l.y > 2.5 * CM && l.y < 29.7 * CM - 2.0 * CM)
        .collect()
}

fn trailing_thai(s: &str) -> &str {
    let start = s
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_thai_letter(*c))
        .last()
        .map_or(s.len(), |(i, _)| i);
    &s[start..]
}

fn leading_thai(s: &str) -> &str {
    let end = s
        .char_indices()
        .find(|(_, c)| !is_thai_letter(*c))
        .map_or(s.len(), |(i, _)| i);
    &s[..end]
}

struct Report {
    lead_space: usize,
    hard: Vec<String>,
    soft_per_page: Vec<usize>,
    soft: Vec<String>,
    split_pairs: Vec<String>,
}

fn inspect(lines: &[Line], pages: usize) -> Report {
    let words = Words::new(None);
    let mut r = Report {
        lead_space: 0,
        hard: vec![],
        soft_per_page: vec![0; pages],
        soft: vec![],
        split_pairs: vec![],
    };
    let body = body_lines(lines);
    for l in &body {
        if l.text.starts_with(char::is_whitespace) {
            r.lead_space += 1;
        }
    }
    for w in body.windows(2) {
        let (a, b) = (w[0], w[1]);
        // Consecutive lines of one paragraph: same page, one line apart, the
        // first full to the right margin (so not a title, nor table cells).
        if a.page != b.page || b.y - a.y > 1.15 * PITCH || b.y <= a.y {
            continue;
        }
        if (a.x1 - 19.0 * CM).abs() > 1.5 {
            continue;
        }
        let (at, bt) = (a.text.as_str(), b.text.as_str());
        if !at.ends_with(char::is_whitespace) {
            let (left, right) = (trailing_thai(at), leading_thai(bt));
            if !left.is_empty() && !right.is_empty() {
                match words.classify_break(left, right) {
                    BreakKind::Ok => {}
                    BreakKind::Soft => {
                        r.soft_per_page[a.page] += 1;
                        r.soft.push(format!("p{} {left}|{right}", a.page + 1));
                    }
                    BreakKind::Hard => r.hard.push(format!("{left}|{right}")),
                }
            }
        }
        let last = at.trim_end().rsplit(' ').next().unwrap_or("");
        let first = bt.trim_start().split(' ').next().unwrap_or("");
        let digit = |c: char| c.is_ascii_digit() || ('๐'..='๙').contains(&c);
        if (LABELS.contains(&last) && first.starts_with(digit))
            || (last.ends_with(digit) && UNITS.contains(&first))
        {
            r.split_pairs.push(format!("{last} / {first}"));
        }
    }
    r
}

fn check_typography(name: &str, letter: &saraban::Letter) {
    let lines = lines(letter);
    let r = inspect(&lines, letter.pages());
    assert_eq!(r.lead_space, 0, "{name}: lines start with white space");
    assert!(
        r.hard.is_empty(),
        "{name}: breaks inside words: {:?}",
        r.hard
    );
    assert!(
        r.split_pairs.is_empty(),
        "{name}: split pairs: {:?}",
        r.split_pairs
    );
    for (p, n) in r.soft_per_page.iter().enumerate() {
        // A long compound or official phrase may open between its words only
        // where a line could not be justified otherwise (see compose::layout).
        assert!(
            *n <= 2,
            "{name}: {n} compounds split on page {}: {:?}",
            p + 1,
            r.soft
        );
    }
    let loose = compose::loose_lines(&letter.doc);
    assert!(
        loose.is_empty(),
        "{name}: gaps over {MAX_GAP_EM} em in {loose:?}"
    );
    check_continuations(name, letter, &lines);
}

/// Every page followed by a numbered page of the letter ends with `/words...`,
/// and the words are what that next page opens with.
fn check_continuations(name: &str, letter: &saraban::Letter, lines: &[Line]) {
    let pages = letter.pages();
    for p in 0..pages.saturating_sub(1) {
        let next_numbered = lines.iter().any(|l| {
            l.page == p + 1
                && l.y < 2.5 * CM
                && l.text.trim().starts_with("- ")
                && l.text.trim().ends_with(" -")
        });
        let cont = lines
            .iter()
            .find(|l| l.page == p && l.y > 29.7 * CM - 2.0 * CM && l.text.trim().starts_with('/'));
        if !next_numbered {
            assert!(
                cont.is_none(),
                "{name}: continuation on page {} before an unnumbered page",
                p + 1
            );
            continue;
        }
        let cont =
            cont.unwrap_or_else(|| panic!("{name}: no continuation at the foot of page {}", p + 1));
        let words = cont
            .text
            .trim()
            .trim_start_matches('/')
            .trim_end_matches("...");
        let headers = compose::table_headers(&letter.prepared.view);
        let header_words: Vec<&str> = headers.iter().flat_map(|h| h.split_whitespace()).collect();
        let is_header = |l: &&Line| {
            !header_words.is_empty() && l.text.split_whitespace().all(|w| header_words.contains(&w))
        };
        let opening = body_lines(lines)
            .into_iter()
            .filter(|l| !is_header(l))
            .find(|l| l.page == p + 1)
            .map(|l| compose::opening_words(&l.text))
            .unwrap_or_default();
        assert!(
            !words.is_empty(),
            "{name}: empty continuation on page {}",
            p + 1
        );
        assert_eq!(words, opening, "{name}: continuation of page {}", p + 1);
        let next_first = body_lines(lines)
            .into_iter()
            .filter(|l| !is_header(l))
            .find(|l| l.page == p + 1)
            .unwrap();
        assert!(
            squash(&next_first.text).starts_with(&squash(words)),
            "{name}: page {} opens with '{}', not '{words}'",
            p + 2,
            next_first.text
        );
    }
}

#[test]
fn examples_are_typeset_cleanly() {
    for path in example_files() {
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let letter = render_example(&name);
        check_typography(&name, &letter);
    }
}

/// A long letter of many pages, with pairs and compounds falling everywhere.
fn stress_document() -> serde_json::Value {
    let para = |i: usize| {
        format!(
            "ด้วยคณะรัฐมนตรีได้มีมติเมื่อวันที่ {d} มกราคม พ.ศ. ๒๕๖{y} ให้หน่วยงานภาครัฐทุกหน่วยงานเข้าร่วมการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ ในปีงบประมาณ พ.ศ. ๒๕๖{y} วงเงิน {m},๐๐๐ บาท โดยใช้แนวทางและเครื่องมือการประเมินตามที่สำนักงาน ป.ป.ช. กำหนด ตามข้อ {d} ของระเบียบ ซึ่งสำนักงานเขตพื้นที่การศึกษาประถมศึกษาพัทลุง เขต ๒ ได้จัดทำมาตรการตรวจสอบการใช้ดุลพินิจ {extra}",
            d = saraban::thai::to_thai_digits(&(i % 28 + 1).to_string()),
            y = saraban::thai::to_thai_digits(&(i % 10).to_string()),
            m = saraban::thai::to_thai_digits(&(10 + i * 7).to_string()),
            extra = "เพื่อให้ผู้บังคับบัญชาทุกระดับชั้นกำกับดูแลการปฏิบัติงานของผู้ใต้บังคับบัญชา ".repeat(i % 4),
        )
    };
    let mut body = Vec::new();
    for i in 0..36 {
        body.push(serde_json::Value::String(para(i)));
        if i % 6 == 5 {
            body.push(serde_json::json!({"type": "list", "items": [
                {"text": "มาตรการตรวจสอบการใช้ดุลพินิจ", "items": [para(i + 1), para(i + 2)]},
                {"text": "แนวทางการดำเนินงานของหน่วยงาน", "style": "paren", "items": [para(i + 3)]}
            ]}));
        }
    }
    body.push(serde_json::json!("จึงเรียนมาเพื่อโปรดพิจารณา"));
    serde_json::json!({
        "kind": "external",
        "agency": "khonkaen-province",
        "reference": {"number": 777},
        "date": "2020-04-24",
        "subject": "ทดสอบเอกสารยาวหลายหน้า",
        "to": "ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษาประถมศึกษาพัทลุง เขต ๒",
        "body": body,
        "signatory": {"name": "นายสมศักดิ์ จังตระกุล", "positions": ["ผู้ว่าราชการจังหวัดขอนแก่น"]}
    })
}

#[test]
fn a_ten_page_letter_is_typeset_cleanly() {
    let letter = render_json(stress_document().to_string().as_bytes());
    assert!(letter.pages() >= 10, "only {} pages", letter.pages());
    check_typography("stress", &letter);
    // The signature never stands alone: the closing's page carries body text.
    let lines = lines(&letter);
    let name = lines
        .iter()
        .find(|l| l.text.contains("(นายสมศักดิ์ จังตระกุล)"))
        .unwrap();
    let closing = lines
        .iter()
        .find(|l| l.text.contains("ขอแสดงความนับถือ"))
        .unwrap();
    assert_eq!(name.page, closing.page);
    let above = body_lines(&lines)
        .into_iter()
        .filter(|l| l.page == closing.page && l.y < closing.y)
        .count();
    assert!(
        above >= 2,
        "only {above} body lines before the closing on its page"
    );
}

#[test]
fn table_header_repeats_on_every_page_of_the_table() {
    let letter = render_example("measures-activities");
    let lines = lines(&letter);
    let header_pages: Vec<usize> = lines
        .iter()
        .filter(|l| l.text.contains("โครงการ/กิจกรรม") && l.text.contains("ตัวชี้วัด"))
        .map(|l| l.page)
        .collect();
    let total_page = lines
        .iter()
        .rfind(|l| l.text.trim_start().starts_with("รวม"))
        .expect("total row")
        .page;
    let first = *header_pages.first().expect("a header row");
    assert!(
        total_page > first,
        "the table fits one page; nothing to repeat"
    );
    for p in first..=total_page {
        assert!(header_pages.contains(&p), "no header row on page {}", p + 1);
    }
}

/// The PDF's text as poppler's pdftotext extracts it, in content order
/// (-raw): poppler's layout mode re-sorts by x, and the first use of a
/// cluster with two stacked marks inside a word, which the PDF writes glyph by
/// glyph for pdf.js (src/textlayer/tounicode.rs), comes out with its marks
/// after the next letter there (ที่ก -> ทีก่).
fn pdf_text(pdf: &[u8]) -> String {
    pdf_text_with(pdf, &["-raw"])
}

#[test]
fn pdf_text_layer_gives_back_the_input() {
    // Words whose marks the font stacks with GPOS offsets (ธิ์, ดิ์) used to come
    // back doubled from the PDF (ธิ์ธิ์); see src/textlayer.rs.
    let words = "สิทธิ์ ศักดิ์ศรี ฤทธิ์ ผลสัมฤทธิ์ ที่นี่ ตั้งแต่ ผู้ใต้บังคับบัญชา ปัญญา ฎีกา น้ำ กำหนด";
    let doc = serde_json::json!({
        "kind": "external", "agency": "khonkaen-province", "subject": words, "to": "ผู้ว่าราชการจังหวัดขอนแก่น",
        "body": [words], "signatory": {"name": "นายสมศักดิ์ จังตระกุล"}
    });
    let letter = render_json(doc.to_string().as_bytes());
    let extracted = pdf_text(&letter.pdf().unwrap());
    let squashed = squash(&extracted);
    for w in words.split(' ') {
        assert!(
            squashed.matches(w).count() >= 2,
            "'{w}' not extracted whole: {extracted}"
        );
    }
    for doubled in ["ธิ์ธิ์", "ดิ์ดิ์", "ที่ที่"] {
        assert!(
            !squashed.contains(doubled),
            "doubled cluster {doubled} in {extracted}"
        );
    }
    for bad in ['\u{200B}', '\u{2060}', '\u{FFFC}', '\u{00AD}', '\u{FEFF}'] {
        assert!(
            !extracted.contains(bad),
            "U+{:04X} in the text layer",
            bad as u32
        );
    }

    // A whole letter: every paragraph comes back from the PDF, in order.
    let letter = render_example("circular-khonkaen");
    let squashed = squash(&pdf_text(&letter.pdf().unwrap()));
    let json: serde_json::Value = serde_json::from_slice(
        &std::fs::read(examples_dir().join("circular-khonkaen.json")).unwrap(),
    )
    .unwrap();
    let mut at = 0;
    for p in json["body"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|b| b.as_str())
    {
        let p = squash(p);
        // Page furniture (a continuation line, a page number) may interrupt a
        // paragraph that runs over a page: compare its first 40 characters.
        let head: String = p.chars().take(40).collect();
        let i = squashed[at..]
            .find(&head)
            .unwrap_or_else(|| panic!("paragraph not found: {head}"));
        at += i + head.len();
    }
}

/// Letters of kinds and agencies the examples do not show (`tests/letters/`,
/// made-up content in the shape of real ones): a university's research request
/// with a long address and a deadline, a municipality's committee order, a
/// school's announcement with a table, a department's circular with a grouped
/// distribution list, a letter to a monk with Arabic digits, a ministry's secret
/// letter to the Prime Minister, a faculty's travel memo.
#[test]
fn unseen_letters_are_typeset_cleanly() {
    let files = letter_files();
    assert!(files.len() >= 7, "{} letters in tests/letters", files.len());
    for path in files {
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let letter = render_json(&std::fs::read(&path).unwrap());
        check_typography(&name, &letter);
    }
}

/// The Regulation's 16 pt is TH SarabunPSK's: the closing ขอแสดงความนับถือ is
/// 87.7 pt wide in real letters' PDFs (Laksaman at 16 pt made it 126.6 pt),
/// and a line of body text advances the profile's pitch (20.8 pt).
#[test]
fn type_is_the_official_size() {
    let letter = render_example("external-letter");
    let lines = lines(&letter);
    let closing = lines
        .iter()
        .find(|l| l.text.trim() == "ขอแสดงความนับถือ")
        .expect("the closing has a line of its own");
    let width = closing.x1 - closing.x0;
    assert!(
        (width - 87.7).abs() <= 87.7 * 0.03,
        "closing {width:.1} pt wide"
    );
    // Consecutive lines of the first body paragraph.
    let body = body_lines(&lines);
    let pitches: Vec<f64> = body
        .windows(2)
        .filter(|w| w[0].page == w[1].page && (w[0].x1 - 19.0 * CM).abs() < 1.0)
        .map(|w| w[1].y - w[0].y)
        .collect();
    assert!(
        pitches.iter().any(|p| (p - 20.8).abs() < 0.05),
        "no line advances 20.8 pt: {pitches:?}"
    );
}

/// The PDF declares Thai (`/Lang (th)`) in its catalogue and on its tagged
/// spans, never the `ja` the layout borrows, and carries the subject as title.
#[test]
fn the_pdf_is_thai() {
    let letter = render_example("memo-phatthalung");
    let pdf = letter.pdf().unwrap();
    let text = String::from_utf8_lossy(&pdf);
    assert!(
        text.contains("/Lang(th)") || text.contains("/Lang (th)"),
        "no /Lang (th)"
    );
    assert!(
        !text.contains("(ja)"),
        "a part of the PDF says it is Japanese"
    );
    let info = std::process::Command::new("pdfinfo")
        .arg("-")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(&pdf)?;
            child.wait_with_output()
        })
        .expect("pdfinfo (poppler-utils)");
    let info = String::from_utf8_lossy(&info.stdout);
    let subject = letter.prepared.view.doc_title.clone();
    assert!(info.contains(&subject), "title is not the subject: {info}");
}

/// Page flow a clerk accepts (FORMAT.md): the signature's page carries at
/// least two lines of body text above the closing; no page but the two last
/// of the letter ends more than six lines short of the bottom margin (the
/// page before the signature's may lose the signature block's height, a page
/// before a table's next row that row's); the contact block sits at the foot
/// of its page.
#[test]
fn pages_flow_as_a_clerk_sets_them() {
    let bottom = 29.7 * CM - 2.0 * CM;
    let mut problems = Vec::new();
    for file in example_files().into_iter().chain(letter_files()) {
        let name = file.file_stem().unwrap().to_string_lossy().to_string();
        let letter = render_json(&std::fs::read(&file).unwrap());
        let lines = lines(&letter);
        let view = &letter.prepared.view;
        let body = body_lines(&lines);
        // A paragraph cut by a page break leaves at least two of its lines
        // on each side (no orphan at the foot, no widow at the top). A body
        // line is the paragraph's first when indented, its last when short
        // of the right margin.
        let full = |l: &Line| (l.x1 - 19.0 * CM).abs() < 1.0;
        let indented = |l: &Line| l.x0 > 3.0 * CM + 1.0;
        for w in body.windows(2) {
            let (a, b) = (w[0], w[1]);
            if b.page != a.page + 1 || !full(a) || indented(b) || a.text.contains("  ") {
                continue;
            }
            if indented(a) {
                problems.push(format!(
                    "{name}: a paragraph's first line alone at the foot of page {}",
                    a.page + 1
                ));
            }
            if !full(b) {
                problems.push(format!(
                    "{name}: a paragraph's last line alone at the top of page {}",
                    b.page + 1
                ));
            }
        }
        // The signatory's name (beside a second's, when two sign side by
        // side), or on an unsigned form the agency's name that ends it.
        let unsigned = view.signatory.name.is_empty();
        let signed = if unsigned {
            squash(&view.agency_name)
        } else {
            squash(&format!("({})", view.signatory.name))
        };
        let Some(at) = body.iter().rposition(|l| {
            let t = squash(&l.text);
            if unsigned {
                t.starts_with(&signed)
            } else {
                t.contains(&signed)
            }
        }) else {
            problems.push(format!("{name}: no signature line"));
            continue;
        };
        let page = body[at].page;
        let pitch = view.layout.line_pitch_pt;
        let above: Vec<&&Line> = body[..at].iter().filter(|l| l.page == page).collect();
        let opening = above
            .last()
            .filter(|l| body[at].y - l.y > 2.5 * pitch)
            .map_or(body[at].y, |l| l.y);
        let with = above.iter().filter(|l| l.y < opening - 1.0).count();
        if page > 0 && with < 2 {
            problems.push(format!(
                "{name}: {with} body line(s) on the signature's page"
            ));
        }
        // A table's row moves whole to the next page, under its repeated
        // header: the page before may end a row's height short.
        let headers = compose::table_headers(view);
        let header_words: Vec<&str> = headers.iter().flat_map(|h| h.split_whitespace()).collect();
        let opens_with_header = |p: usize| {
            body.iter().find(|l| l.page == p).is_some_and(|l| {
                !header_words.is_empty()
                    && l.text.split_whitespace().all(|w| header_words.contains(&w))
            })
        };
        for p in 0..page.saturating_sub(1) {
            let last = body
                .iter()
                .filter(|l| l.page == p)
                .map(|l| l.y)
                .fold(0.0, f64::max);
            let empty = (bottom - last) / pitch;
            let allowed = if opens_with_header(p + 1) { 9.0 } else { 6.5 };
            if empty > allowed {
                problems.push(format!(
                    "{name}: page {} ends {empty:.1} lines short",
                    p + 1
                ));
            }
        }
        if view.layout.contact_at_foot
            && let Some(contact) = view.contact.last()
        {
            let text = squash(&contact.flat());
            if let Some(l) = body.iter().rev().find(|l| squash(&l.text) == text)
                && bottom - l.y > (1.5 + (view.copies_to.len() as f64 + 1.0).min(9.0)) * pitch
            {
                problems.push(format!(
                    "{name}: the contact block is not at the foot of its page"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A break never falls inside a Thai syllable, whatever the dictionary knows:
/// 452 real place names, surnames and loanwords (tests/data/thai-names.txt,
/// most of them not in the word list), run together as clerks type them in
/// justified paragraphs and in narrow table cells: no line ends with a leading
/// vowel (เ แ โ ใ ไ), none starts with a following vowel, a mark, ๆ or ฯ.
#[test]
fn syllables_stay_whole_in_names_the_dictionary_does_not_know() {
    let names: Vec<String> = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/thai-names.txt"),
    )
    .unwrap()
    .lines()
    .map(str::to_string)
    .collect();
    assert!(names.len() >= 300);
    // Names in groups of three, written together (ตำบลแม่เหียะอำเภอเมือง...).
    let paragraphs: Vec<String> = names
        .chunks(24)
        .map(|group| {
            group
                .chunks(3)
                .map(|g| g.concat())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    // Six narrow columns: most names do not fit their cell and must break.
    let rows: Vec<serde_json::Value> = names
        .chunks(12)
        .map(|g| serde_json::json!(g.chunks(2).map(|p| p.concat()).collect::<Vec<_>>()))
        .filter(|r| r.as_array().unwrap().len() == 6)
        .collect();
    let mut body: Vec<serde_json::Value> =
        paragraphs.iter().map(|p| serde_json::json!(p)).collect();
    body.push(serde_json::json!({"type": "table", "headers": ["ก", "ข", "ค", "ง", "จ", "ฉ"], "rows": rows}));
    let doc = serde_json::json!({
        "kind": "memo", "agency": "phatthalung-2", "reference": "ศธ ๐๔๑๓๙/๑", "date": "2024-05-01",
        "department": "กลุ่มอำนวยการ", "subject": "รายชื่อ", "to": "ผู้อำนวยการ",
        "body": body, "signatory": {"name": "นายทดสอบ ระบบ"}
    });
    let letter = render_json(doc.to_string().as_bytes());
    let lines = lines(&letter);
    let leading = |c: char| "เแโใไ".contains(c);
    let following = |c: char| matches!(c, '\u{0E31}' | '\u{0E34}'..='\u{0E3A}' | '\u{0E47}'..='\u{0E4E}' | 'ะ' | 'า' | 'ำ' | 'ๅ' | 'ๆ' | 'ฯ');
    let mut cut = Vec::new();
    for l in &lines {
        // Each cell's and each line's text between its runs of white space.
        for piece in l.text.split("  ").map(str::trim) {
            if piece.ends_with(leading) || piece.starts_with(following) {
                cut.push(format!("p{} {piece}", l.page + 1));
            }
        }
    }
    // Inside the cells: where a name goes on in the cell's next line, the
    // junction is between syllables (not `เปื|อย`, `เห|ลียง`).
    let runs: Vec<saraban::frames::Run> = letter
        .doc
        .pages()
        .iter()
        .flat_map(|p| saraban::frames::runs(&p.frame))
        .collect();
    for a in &runs {
        let below = runs
            .iter()
            .find(|b| (b.x - a.x).abs() < 0.5 && b.y > a.y + 5.0 && b.y < a.y + PITCH + 3.0);
        if let Some(b) = below {
            let (end, start) = (a.text.trim_end(), b.text.trim_start());
            if end.ends_with(is_thai_letter)
                && start.starts_with(is_thai_letter)
                && inside_syllable(end, start)
            {
                cut.push(format!("{end}|{start}"));
            }
        }
    }
    assert!(cut.is_empty(), "syllables cut: {cut:?}");
    // The names come back whole from the PDF's text.
    let text = squash(&pdf_text(&letter.pdf().unwrap()));
    let missing: Vec<&String> = names
        .iter()
        .filter(|n| !text.contains(n.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "names not in the PDF's text: {missing:?}"
    );
}

/// Tables on input as agencies type it: header words run together without
/// spaces (ผู้รับผิดชอบโครงการ), long compounds and amounts in narrow columns.
/// No column collapses (the document stays short), and no cell's text runs
/// into the next cell's on any line.
#[test]
fn tables_hold_their_text_within_their_cells() {
    let headers = [
        "ลำดับที่",
        "โครงการกิจกรรมที่สอดคล้องกับมาตรการ",
        "ตัวชี้วัดความสำเร็จของโครงการ",
        "งบประมาณที่ได้รับจัดสรร(บาท)",
        "ระยะเวลาดำเนินการ",
        "ผู้รับผิดชอบโครงการ",
    ];
    let rows: Vec<serde_json::Value> = (1..=30)
        .map(|i| {
            serde_json::json!([
                saraban::thai::number(i, saraban::thai::DigitStyle::Thai),
                "โครงการส่งเสริมคุณธรรมและความโปร่งใสในการดำเนินงานของสำนักงานเขตพื้นที่การศึกษาประถมศึกษา",
                "ร้อยละของบุคลากรที่ผ่านการอบรมหลักสูตรต้านทุจริตศึกษา",
                "๑,๒๓๔,๕๖๗.๘๙",
                "ตุลาคม ๒๕๖๗ - กันยายน ๒๕๖๘",
                "กลุ่มบริหารงานบุคคลและกลุ่มนิเทศติดตามและประเมินผลการจัดการศึกษา",
            ])
        })
        .collect();
    let doc = serde_json::json!({
        "kind": "announcement", "agency": "samutprakan-2", "date": "2024-10-01",
        "subject": "แผนปฏิบัติการ", "body": ["ตารางแผน", {"type": "table", "headers": headers, "rows": rows}],
        "signatory": {"name": "นายทดสอบ ระบบ", "positions": ["ผู้อำนวยการ"]}
    });
    let letter = render_json(doc.to_string().as_bytes());
    assert!(
        letter.pages() <= 12,
        "{} pages: a column collapsed",
        letter.pages()
    );
    let mut crossing = Vec::new();
    for (page, p) in letter.doc.pages().iter().enumerate() {
        let mut runs = saraban::frames::runs(&p.frame);
        // Baselines within a tenth of a point are one line.
        runs.sort_by(|a, b| {
            ((a.y * 10.0).round() as i64)
                .cmp(&((b.y * 10.0).round() as i64))
                .then(a.x.total_cmp(&b.x))
        });
        for w in runs.windows(2) {
            let (a, b) = (&w[0], &w[1]);
            if (a.y - b.y).abs() < 0.5 && a.x + a.width > b.x + 0.5 {
                crossing.push(format!("p{} '{}' runs into '{}'", page + 1, a.text, b.text));
            }
        }
    }
    assert!(crossing.is_empty(), "{crossing:?}");
}

/// A line that no pass can justify without holes (wide Latin codes, each
/// too short to break inside, two filling most of a line) is set flush left,
/// not spread.
#[test]
fn a_line_that_cannot_be_justified_is_set_flush_left() {
    let code = (0..6)
        .map(|i| format!("W{i}{}", "W".repeat(14)))
        .collect::<Vec<_>>()
        .join(" ");
    let text = format!(
        "ขอให้หน่วยงานในสังกัดทุกแห่งรายงานผลการดำเนินงานตามแบบรายงานที่กำหนด โดยใช้รหัส {code} ในการส่งข้อมูลผ่านระบบรายงานผลการดำเนินงานของจังหวัด"
    );
    let doc = serde_json::json!({
        "kind": "external", "agency": "khonkaen-province", "reference": "ขก ๐๐๑๗.๕/๑", "date": "2024-05-01",
        "subject": "การรายงานผล", "to": "นายอำเภอทุกอำเภอ",
        "body": [text], "signatory": {"name": "นายทดสอบ ระบบ", "positions": ["ผู้ว่าราชการจังหวัดขอนแก่น"]}
    });
    let letter = render_json(doc.to_string().as_bytes());
    let loose = compose::loose_lines(&letter.doc);
    assert!(loose.is_empty(), "lines spread with holes: {loose:?}");
    let lines = lines(&letter);
    // The line that could not be filled ends short of the margin, ragged.
    let ragged = lines
        .iter()
        .find(|l| l.text.contains("W0W"))
        .expect("the code is printed");
    assert!(
        ragged.x1 < 19.0 * CM - 5.0,
        "the line is spread: {ragged:?}"
    );
}

/// True when a line ending with `end` and going on with `start` cuts a Thai
/// syllable (the test's own statement of the rules, apart from the
/// library's): after a leading vowel; before a following vowel, a mark, ๆ or
/// ฯ; inside a compound vowel (เ-ือ, เ-ีย, -ัว); inside a leading vowel's
/// consonant cluster (เห|ลียง).
fn inside_syllable(end: &str, start: &str) -> bool {
    let leading = |c: char| "เแโใไ".contains(c);
    let mark =
        |c: char| matches!(c, '\u{0E31}' | '\u{0E34}'..='\u{0E3A}' | '\u{0E47}'..='\u{0E4E}');
    let following = |c: char| mark(c) || "ะาำๅๆฯ".contains(c);
    let pair = |a: char, b: char| {
        ("กขคตปพผบดฟท".contains(a) && "รลว".contains(b))
            || (a == 'ห' && "งญนมยรลว".contains(b))
            || (a == 'อ' && b == 'ย')
    };
    let tail: Vec<char> = end.chars().rev().take(2).collect();
    let head: Vec<char> = start.chars().take(2).collect();
    let vowel = end
        .chars()
        .rev()
        .find(|c| !matches!(c, '\u{0E48}'..='\u{0E4B}'));
    tail.first().is_some_and(|&c| leading(c))
        || head.first().is_some_and(|&c| following(c))
        || matches!(
            (vowel, head.first()),
            (Some('ื'), Some('อ')) | (Some('ี'), Some('ย')) | (Some('ั'), Some('ว'))
        )
        || (tail.len() == 2
            && "เแโ".contains(tail[1])
            && head.len() == 2
            && pair(tail[0], head[0])
            && mark(head[1]))
}
