//! What real letters say beyond plain paragraphs: clause numbering and list
//! styles, bold and underlined words, hanging indents, dot leaders, title
//! styles. Each is checked on the laid-out frames.

mod common;

use common::*;
use saraban::frames;
use serde_json::json;

fn announcement(agency: serde_json::Value, body: serde_json::Value) -> saraban::Letter {
    let doc = json!({
        "kind": "announcement", "agency": agency, "date": "2025-06-15",
        "subject": "หลักเกณฑ์การเบิกจ่ายค่าตอบแทน",
        "body": body,
        "signatory": {"name": "นายทดสอบ ระบบ", "positions": ["อธิการบดี"]}
    });
    render_json(doc.to_string().as_bytes())
}

/// The body lines that start with a list number, as printed.
fn labels(letter: &saraban::Letter) -> Vec<String> {
    lines(letter)
        .iter()
        .filter_map(|l| {
            let t = l.text.trim();
            let first = t.split(' ').next()?;
            if first == "ข้อ" {
                return Some(t.split(' ').take(2).collect::<Vec<_>>().join(" "));
            }
            let label = first.starts_with('(') && first.chars().count() <= 5
                || first.ends_with('.') && first.chars().count() <= 4
                || first.ends_with(')')
                || first == "•"
                || first == "-";
            label.then(|| first.to_string())
        })
        .collect()
}

#[test]
fn clauses_and_lists_are_numbered_as_drafted() {
    let body = json!([
        "อาศัยอำนาจตามความในมาตรา ๓๗ จึงออกประกาศไว้ ดังต่อไปนี้",
        {"type": "list", "style": "clause", "items": [
            "ประกาศนี้เรียกว่า ประกาศหลักเกณฑ์",
            {"text": "ในประกาศนี้", "items": [
                "มหาวิทยาลัย หมายความว่า มหาวิทยาลัยทดสอบ",
                {"text": "ค่าตอบแทน หมายความว่า เงินที่จ่าย ได้แก่", "items": ["รายชั่วโมง", "เหมาจ่าย"]}
            ]},
            {"label": "ข้อ ๒/๑", "text": "ให้อธิการบดีรักษาการ"},
            "ให้ยกเลิกประกาศฉบับเดิม"
        ]},
        {"type": "list", "style": "letter", "items": [{"text": "ก่อน", "items": ["หนึ่ง"]}, "หลัง"]},
        {"type": "list", "style": "parens", "start": 3, "digits": "arabic", "items": ["สาม", "สี่"]},
        {"type": "list", "style": "dot", "items": ["จุด"]}
    ]);
    let letter = announcement(json!("khonkaen-province"), body);
    assert_eq!(
        labels(&letter),
        [
            "ข้อ ๑",
            "ข้อ ๒",
            "(๑)",
            "(๒)",
            "(ก)",
            "(ข)",
            "ข้อ ๒/๑",
            "ข้อ ๓",
            "ก.",
            "๑)",
            "ข.",
            "(3)",
            "(4)",
            "•"
        ]
    );
}

#[test]
fn an_activity_tables_indicators_take_the_asked_style() {
    let body = json!([{"type": "activities", "indicator_style": "decimal", "rows": [
        {"project": "โครงการอบรม", "indicators": ["ร้อยละ ๘๐ ผ่าน", "ผู้เข้าร่วม ๕๐ คน"], "budget": 5000}
    ]}]);
    let text = squash(&text(&announcement(json!("khonkaen-province"), body)));
    assert!(
        text.contains("๑.ร้อยละ") && text.contains("๒.ผู้เข้าร่วม"),
        "{text}"
    );
}

#[test]
fn words_are_bold_and_underlined_where_the_runs_say_and_nowhere_else() {
    let body = json!([
        ["ให้ถือ", {"text": "แนวปฏิบัติ", "bold": true}, "นี้โดยเคร่งครัด ตาม",
         {"text": "พระราชบัญญัติ", "underline": true}, " และ", {"text": "#panic()", "bold": true, "underline": true}],
    ]);
    let letter = announcement(json!("khonkaen-province"), body);
    let mut bold = String::new();
    for page in letter.doc.pages() {
        for run in frames::runs(&page.frame) {
            // Below the title lines.
            if run.bold && run.y > 6.5 * CM {
                bold.push_str(&run.text);
            }
        }
    }
    // The title lines are plain by default; only the runs are bold.
    assert_eq!(squash(&bold), "แนวปฏิบัติ#panic()");
    let line = lines(&letter)
        .into_iter()
        .find(|l| l.text.contains("พระราชบัญญัติ"))
        .expect("the paragraph is printed");
    // Each underlined word has a rule under it from its first glyph to its last.
    let runs = frames::runs(&letter.doc.pages()[0].frame);
    for word in ["พระราชบัญญัติ", "#panic()"] {
        // An emphasised run is a text item of its own.
        let run = runs
            .iter()
            .find(|r| r.text.trim() == word && (r.y - line.y).abs() < 1.0)
            .expect("the word is a run of its own");
        let (x0, x1) = (run.x, run.x + run.width);
        let under = frames::rules(&letter.doc).into_iter().find(|r| {
            r.y > line.y && r.y < line.y + 6.0 && (r.x0 - x0).abs() < 1.0 && (r.x1 - x1).abs() < 1.5
        });
        assert!(under.is_some(), "{word} is not underlined at {x0}..{x1}");
    }
    // And nothing else on the line is.
    let rules_on_line = frames::rules(&letter.doc)
        .into_iter()
        .filter(|r| r.y > line.y && r.y < line.y + 6.0)
        .count();
    assert_eq!(rules_on_line, 2);
}

/// Where `word` stands on `line`: its first glyph's left edge, its last's right.
fn span_of(line: &frames::Line, word: &str) -> (f64, f64) {
    // A cluster's glyphs (a letter and its marks) each carry the cluster's
    // text: count it once, at its first glyph.
    // White space aside: `word` may have spaces the line sets as gaps.
    let word = &squash(word);
    let mut glyphs: Vec<&frames::Glyph> = Vec::new();
    for g in line.glyphs.iter().filter(|g| !g.text.trim().is_empty()) {
        match glyphs.last() {
            Some(prev) if prev.text == g.text && g.advance.abs() < 0.01 => {}
            _ => glyphs.push(g),
        }
    }
    let chars: String = glyphs.iter().map(|g| g.text.as_str()).collect();
    let start = chars
        .find(word)
        .unwrap_or_else(|| panic!("{word} is not on the line {chars}"));
    let mut at = 0;
    let (mut x0, mut x1) = (None, 0.0);
    for g in glyphs {
        if at >= start && at < start + word.len() {
            x0.get_or_insert(g.x);
            x1 = g.x + g.advance;
        }
        at += g.text.len();
    }
    (x0.unwrap(), x1)
}

#[test]
fn badly_made_runs_are_named_at_their_field() {
    let bad = |body: serde_json::Value| problems(external(json!({"body": body})));
    let e = bad(json!([["ให้", {"text": "ก", "italic": true}]]));
    assert!(e.contains("[1]") && e.contains("italic"), "{e}");
    let e = bad(json!([["ให้", {"text": ""}]]));
    assert!(e.contains("body[0][1].text") && e.contains("empty"), "{e}");
    let e = bad(json!([{"type": "paragraph", "text": []}]));
    assert!(e.contains("body[0].text"), "{e}");
    let e = bad(json!([["ให้", 5]]));
    assert!(e.contains("[1]"), "{e}");
}

#[test]
fn a_hanging_indent_puts_lines_under_the_text_and_numbers_under_the_parents_text() {
    let long = "การบรรจุและแต่งตั้งผู้สอบแข่งขันได้ หรือผู้ได้รับคัดเลือก ให้ดำรงตำแหน่งในสังกัดสำนักงานสาธารณสุขจังหวัดและโรงพยาบาลทุกแห่งในเขตจังหวัด ตามหลักเกณฑ์ที่ ก.พ. กำหนด";
    let body = json!([
        {"type": "list", "style": "clause", "items": [
            {"text": long, "items": [long, {"text": long, "items": [long]}]}
        ]}
    ]);
    let letter = announcement(
        json!({"name": "สำนักงานทดสอบ", "layout": {"item_wrap": "text"}}),
        body,
    );
    let lines = lines(&letter);
    // For each item: its first line, and the x where its text starts.
    let mut items = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let t = l.text.trim();
        let skip = if t.starts_with("ข้อ ") {
            2
        } else if t.starts_with('(') {
            1
        } else {
            0
        };
        if skip == 0 || l.x0 > 10.0 * CM {
            continue;
        }
        // The first run after the number's (the number is a box of its own).
        let label = squash(&t.split(' ').take(skip).collect::<String>());
        let mut on_line: Vec<_> = frames::runs(&letter.doc.pages()[l.page].frame)
            .into_iter()
            .filter(|r| (r.y - l.y).abs() < 1.0 && !r.text.trim().is_empty())
            .collect();
        on_line.sort_by(|a, b| a.x.total_cmp(&b.x));
        let text_x = on_line
            .iter()
            .find(|r| !label.contains(&squash(&r.text)))
            .map(|r| r.x)
            .unwrap();
        items.push((i, l.x0, text_x));
    }
    assert_eq!(items.len(), 4, "{items:?}");
    for (n, &(i, _, text_x)) in items.iter().enumerate() {
        // Its second line starts under its text.
        let next = &lines[i + 1];
        assert!(
            (next.x0 - text_x).abs() < 1.0,
            "item {n}: second line at {} under text at {text_x}",
            next.x0
        );
    }
    // A sub-item's number stands under its parent's text.
    for (parent, child) in [(0, 1), (1, 2), (2, 3)] {
        let want = if child == 2 {
            items[0].2
        } else {
            items[parent].2
        };
        assert!(
            (items[child].1 - want).abs() < 1.0,
            "item {child} number at {} not under {want}",
            items[child].1
        );
    }
}

#[test]
fn dot_leaders_run_to_an_amount_at_the_right_margin() {
    let body = json!([
        "รายละเอียดค่าใช้จ่าย ดังนี้",
        {"type": "leaders", "text": "ค่าใช้จ่ายในการเดินทางไปราชการ", "value": "๕๘๑,๐๙๖ บาท"}
    ]);
    let letter = announcement(json!("khonkaen-province"), body);
    let line = lines(&letter)
        .into_iter()
        .find(|l| l.text.contains("ค่าใช้จ่ายในการเดินทาง"))
        .unwrap();
    assert!(line.text.contains("๕๘๑,๐๙๖ บาท"), "{}", line.text);
    assert!((line.x1 - 19.0 * CM).abs() < 1.0, "ends at {}", line.x1);
    let (_, text_end) = span_of(&line, "ไปราชการ");
    let (amount, _) = span_of(&line, "๕๘๑");
    let dots = frames::rules(&letter.doc)
        .into_iter()
        .find(|r| r.dotted && (r.y - line.y).abs() < 6.0)
        .expect("a dotted leader on the line");
    assert!(
        dots.x0 > text_end && dots.x1 < amount,
        "{dots:?} between {text_end} and {amount}"
    );
    assert!(dots.x1 - dots.x0 > 4.0 * CM);
    // The dots are drawn, not typed: the PDF's text has none.
    assert!(!text(&letter).contains("...."));
}

#[test]
fn a_profile_chooses_the_title_style() {
    let title_runs = |layout: serde_json::Value| {
        let letter = announcement(
            json!({"name": "มหาวิทยาลัยทดสอบ", "layout": layout}),
            json!(["ข้อความ"]),
        );
        let title_y = lines(&letter)
            .into_iter()
            .find(|l| l.text.contains("เรื่อง หลักเกณฑ์"))
            .unwrap()
            .y;
        let bold = frames::runs(&letter.doc.pages()[0].frame)
            .iter()
            .filter(|r| (r.y - title_y).abs() < 1.0)
            .all(|r| r.bold);
        let rule = frames::rules(&letter.doc)
            .into_iter()
            .find(|r| r.y > title_y && r.y < title_y + 30.0);
        (bold, rule.map(|r| (r.dotted, r.x1 - r.x0)))
    };
    let (bold, rule) = title_runs(json!({}));
    assert!(!bold);
    let (dotted, width) = rule.expect("a rule under the title by default");
    assert!(!dotted && (width - 4.0 * CM).abs() < 1.0);
    let (bold, rule) = title_runs(json!({"title_bold": true, "title_rule": "dots"}));
    assert!(bold);
    assert!(rule.expect("a dotted rule").0);
    let (_, rule) = title_runs(json!({"title_rule": "none"}));
    assert!(rule.is_none());
}

/// The problems `check` finds in `doc`, as text ("" when none).
fn problems(doc: serde_json::Value) -> String {
    let engine = saraban::Engine::shared();
    match saraban::compose::parse(doc.to_string().as_bytes()) {
        Err(p) => p.to_string(),
        Ok(d) => saraban::compose::check(&engine, &d, &saraban::Agencies::built_in())
            .err()
            .map(|p| p.to_string())
            .unwrap_or_default(),
    }
}

fn external(extra: serde_json::Value) -> serde_json::Value {
    let mut doc = json!({
        "kind": "external", "agency": "khonkaen-province", "subject": "ทดสอบ", "to": "ผู้รับ",
        "body": ["ข้อความ"], "signatory": {"name": "นายทดสอบ ระบบ"}
    });
    for (k, v) in extra.as_object().unwrap() {
        doc[k] = v.clone();
    }
    doc
}

#[test]
fn dates_and_running_numbers_are_read_as_clerks_type_them() {
    for date in ["15/06/2568", "๑๕/๐๖/๒๕๖๘", "2568-06-15"] {
        let doc = external(json!({
            "date": date,
            "reference": {"code": "อว 68204.2", "number": "024"}
        }));
        let text = text(&render_json(doc.to_string().as_bytes())).replace('\u{a0}', " ");
        assert!(text.contains("ที่ อว ๖๘๒๐๔.๒/๐๒๔"), "{text}");
        assert!(text.contains("๑๕ มิถุนายน ๒๕๖๘"), "{date}: {text}");
    }
    let e = problems(external(json!({"date": "15/06/68"})));
    assert!(e.contains("date") && e.contains("ambiguous"), "{e}");
    let e = problems(external(json!({"reference": {"number": "02a"}})));
    assert!(e.contains("reference.number") && e.contains("'02a'"), "{e}");
    let e = problems(external(json!({"reference": {"number": "000"}})));
    assert!(e.contains("reference.number: must be 1 or more"), "{e}");
}

#[test]
fn an_agency_may_print_typed_digits_as_thai_digits() {
    let body =
        json!(["ตามประกาศ พ.ศ. 2568 ข้อ 5 (ดู www.site2.go.th หรือ a1@x.go.th) มาตรฐาน ISO9001"]);
    let printed = |on: bool| {
        let mut doc = external(json!({"body": body}));
        doc["agency"] = json!({"name": "สำนักงานทดสอบ", "thai_digits_in_text": on});
        // (Ties are set with no-break spaces.)
        body_text(&render_json(doc.to_string().as_bytes())).replace('\u{a0}', " ")
    };
    let thai = printed(true);
    assert!(thai.contains("พ.ศ. ๒๕๖๘ ข้อ ๕"), "{thai}");
    for kept in ["www.site2.go.th", "a1@x.go.th", "ISO9001"] {
        assert!(thai.contains(kept), "{kept}: {thai}");
    }
    let typed = printed(false);
    assert!(typed.contains("พ.ศ. 2568 ข้อ 5"), "{typed}");
}

#[test]
fn what_a_form_does_not_carry_is_named_and_what_it_does_is_printed() {
    let mut order = external(json!({"contact": {"phone": "๐ ๔๓๒๓ ๖๐๐๐"}}));
    order["kind"] = json!("order");
    let e = problems(order);
    assert!(
        e.contains("contact: an order carries no contact block"),
        "{e}"
    );
    let mut standard = external(json!({"reference": "ขก ๐๐๑๗/๑", "title": "มาตรการ"}));
    standard["kind"] = json!("standard");
    assert!(problems(standard).contains("reference: a standard document"));
    // An announcement numbered in its agency's book prints its number.
    let mut ann = external(json!({"reference": {"code": "", "number": 12, "year": 2568}}));
    ann["kind"] = json!("announcement");
    let text = text(&render_json(ann.to_string().as_bytes())).replace('\u{a0}', " ");
    assert!(text.contains("ที่ ๑๒/๒๕๖๘"), "{text}");
}

#[test]
fn table_cells_span_rows_and_columns_and_blank_cells_stay_blank() {
    let body = json!([{"type": "table", "headers": ["โครงการ", "ตัวชี้วัด", "งบประมาณ", "หมายเหตุ"], "font_size_pt": 12,
    "rows": [
        [{"text": "โครงการพัฒนาระบบ", "rowspan": 3}, "ตัวชี้วัดที่หนึ่ง", "๑๐,๐๐๐", ""],
        ["ตัวชี้วัดที่สอง", "๒๐,๐๐๐", "-"],
        ["ตัวชี้วัดที่สาม", "๓๐,๐๐๐", ""],
        [{"text": "รวมทั้งสิ้น", "colspan": 2, "bold": true}, "๖๐,๐๐๐", ""]
    ]}]);
    let letter = announcement(json!("khonkaen-province"), body);
    let lines = lines(&letter);
    let find = |t: &str| {
        lines
            .iter()
            .filter(|l| l.text.contains(t))
            .collect::<Vec<_>>()
    };
    // The project is printed once, level with its first indicator.
    let project = find("โครงการพัฒนาระบบ");
    assert_eq!(project.len(), 1);
    let first = find("ตัวชี้วัดที่หนึ่ง")[0];
    assert!((project[0].y - first.y).abs() < 1.0);
    // Each indicator on a row of its own, in the second column.
    let xs: Vec<f64> = ["ตัวชี้วัดที่หนึ่ง", "ตัวชี้วัดที่สอง", "ตัวชี้วัดที่สาม"]
        .iter()
        .map(|t| span_of(find(t)[0], t).0)
        .collect();
    assert!(xs.iter().all(|x| (x - xs[0]).abs() < 0.5), "{xs:?}");
    let ys: Vec<f64> = ["ตัวชี้วัดที่หนึ่ง", "ตัวชี้วัดที่สอง", "ตัวชี้วัดที่สาม"]
        .iter()
        .map(|t| find(t)[0].y)
        .collect();
    assert!(ys[0] < ys[1] && ys[1] < ys[2]);
    // The total spans the first two columns: it starts where the project does.
    let total = find("รวมทั้งสิ้น")[0];
    assert!((span_of(total, "รวมทั้งสิ้น").0 - span_of(project[0], "โครงการ").0).abs() < 0.5);
    // Only the dash the data gives is printed; blank cells stay blank.
    let table_text: String = lines
        .iter()
        .filter(|l| l.y >= project[0].y - 1.0 && l.y <= total.y + 1.0)
        .map(|l| l.text.clone())
        .collect();
    assert_eq!(table_text.matches('-').count(), 1, "{table_text}");
    // Set at the size asked for: 12 pt of the official size.
    let scale = 14.0 / 16.0 * 12.0 / 14.0;
    let body_size = lines
        .iter()
        .find(|l| l.text.contains("ประกาศ ณ"))
        .unwrap()
        .size;
    assert!(
        (first.size / body_size - scale).abs() < 0.01,
        "{} vs {body_size}",
        first.size
    );
}

#[test]
fn a_table_row_that_does_not_fill_its_columns_is_named() {
    let table = |rows: serde_json::Value| {
        problems(external(
            json!({"body": [{"type": "table", "headers": ["ก", "ข", "ค"], "rows": rows}]}),
        ))
    };
    let e = table(json!([[{"text": "ก", "rowspan": 2}, "ข", "ค"], ["ข", "ค", "ง"]]));
    assert!(e.contains("body[0].rows[1][2]: does not fit"), "{e}");
    let e = table(json!([[{"text": "ก", "colspan": 2}]]));
    assert!(e.contains("body[0].rows[0]: fills 2 of 3 columns"), "{e}");
    let e = table(json!([[{"text": "ก", "rowspan": 3}, "ข", "ค"], ["ข", "ค"]]));
    assert!(
        e.contains("body[0].rows[0][0].rowspan: spans 3 rows; only 2 are left"),
        "{e}"
    );
    let e = table(json!([["ก", "ข", {"text": "ค", "colspan": 0}]]));
    assert!(
        e.contains("body[0].rows[0][2]: spans must be 1 or more"),
        "{e}"
    );
    assert_eq!(
        table(json!([[{"text": "ก", "rowspan": 2}, "ข", "ค"], ["ข", "ค"]])),
        ""
    );
}

#[test]
fn two_signatories_sign_side_by_side_or_one_under_the_other() {
    let doc = |layout: &str| {
        json!({
            "kind": "announcement", "agency": "khonkaen-province", "date": "2025-06-15",
            "subject": "การจัดงานเทศกาลไหม", "body": ["ขอเชิญชวนประชาชนร่วมงานโดยทั่วกัน"],
            "signatory": {"name": "นายหนึ่ง ทดสอบ", "positions": ["ผู้ว่าราชการจังหวัดขอนแก่น"]},
            "second_signatory": {"name": "นายสอง ทดสอบ", "positions": ["นายกองค์การบริหารส่วนจังหวัดขอนแก่น"], "signature_image": SIGNATURE_PNG},
            "signatures": layout
        })
    };
    let name_at = |letter: &saraban::Letter, name: &str| {
        let line = lines(letter)
            .into_iter()
            .find(|l| squash(&l.text).contains(&squash(name)))
            .unwrap();
        let (x0, x1) = span_of(&line, name);
        (line.y, (x0 + x1) / 2.0)
    };
    let side = render_json(doc("side_by_side").to_string().as_bytes());
    let (y1, x1) = name_at(&side, "(นายหนึ่ง ทดสอบ)");
    let (y2, x2) = name_at(&side, "(นายสอง ทดสอบ)");
    assert!((y1 - y2).abs() < 1.0, "one baseline: {y1} {y2}");
    // The second on the left half, the first on the right, each centred in it.
    assert!((x2 - (3.0 + 4.0) * CM).abs() < 0.5 * CM, "{x2}");
    assert!((x1 - (3.0 + 12.0) * CM).abs() < 0.5 * CM, "{x1}");
    // The second's scanned signature stands above their name.
    let image = frames::images(&side.doc)
        .into_iter()
        .find(|i| i.height < 2.0 * CM)
        .expect("the signature");
    assert!((image.x + image.width / 2.0 - x2).abs() < 2.5 * CM && image.y < y2);
    let stacked = render_json(doc("stacked").to_string().as_bytes());
    let (y1, x1) = name_at(&stacked, "(นายหนึ่ง ทดสอบ)");
    let (y2, x2) = name_at(&stacked, "(นายสอง ทดสอบ)");
    assert!(y2 > y1 + 3.0 * 20.8, "{y1} {y2}");
    assert!((x1 - x2).abs() < 1.0, "one axis: {x1} {x2}");
}

#[test]
fn a_long_position_beside_another_signature_wraps_inside_its_half() {
    // The checker of a committee's minutes, beside the minute-taker: a
    // position far wider than half the line (tests/letters/minutes-hr-legal-committee.json).
    let long = "ผู้บังคับบัญชากลุ่มงานคณะกรรมาธิการการกฎหมาย การยุติธรรมและสิทธิมนุษยชน";
    let doc = json!({
        "kind": "announcement", "agency": "khonkaen-province", "date": "2025-06-15",
        "subject": "การจัดงานเทศกาลไหม", "body": ["ขอเชิญชวนประชาชนร่วมงานโดยทั่วกัน"],
        "signatory": {"name": "นายหนึ่ง ทดสอบ", "positions": ["วิทยากรเชี่ยวชาญ", "ผู้จดบันทึกการประชุม"]},
        "second_signatory": {"name": "นายสอง ทดสอบ", "positions": [long, "ผู้ตรวจบันทึกการประชุม"]},
        "signatures": "side_by_side"
    });
    let letter = render_json(doc.to_string().as_bytes());
    assert_eq!(letter.pages(), 1);
    let runs = frames::runs(&letter.doc.pages()[0].frame);
    let middle = (3.0 + 8.0) * CM;
    // Every word of the long position stands in the left half.
    let left: String = runs
        .iter()
        .filter(|r| r.x + r.width <= middle + 0.5)
        .map(|r| r.text.as_str())
        .collect();
    assert!(squash(&left).contains(&squash(long)), "{left}");
    // The first signatory's block keeps the right half to itself.
    for r in runs.iter().filter(|r| {
        ["นายหนึ่ง", "วิทยากร", "ผู้จดบันทึก"]
            .iter()
            .any(|w| r.text.contains(w))
    }) {
        assert!(r.x >= middle - 0.5, "{} at {}", r.text, r.x);
    }
}

#[test]
fn a_minute_has_its_heading_tick_boxes_and_lines_for_the_pen() {
    let letter = render_example("memo-minute");
    let lines = lines(&letter);
    let heading = lines
        .iter()
        .find(|l| l.text.contains("ความเห็นสาธารณสุขอำเภอหนองใหญ่"))
        .expect("the heading");
    assert!(
        (heading.x0 - 3.0 * CM).abs() < 1.0,
        "at the margin: {}",
        heading.x0
    );
    let bold: String = frames::runs(&letter.doc.pages()[0].frame)
        .into_iter()
        .filter(|r| r.bold && (r.y - heading.y).abs() < 1.0)
        .map(|r| r.text)
        .collect();
    assert_eq!(squash(&bold), "ความเห็นสาธารณสุขอำเภอหนองใหญ่");
    let options = lines.iter().find(|l| l.text.contains("☑")).unwrap();
    assert!(
        squash(&options.text).starts_with("☑ทราบ☑อนุญาตเผยแพร่☐ไม่อนุญาต"),
        "{}",
        options.text
    );
    assert!((options.x0 - 3.0 * CM).abs() < 1.0);
    // One dotted line across the text width under the options, for the pen.
    let pen = frames::rules(&letter.doc)
        .into_iter()
        .filter(|r| r.dotted && r.y > options.y + 5.0 && (r.x1 - r.x0 - 16.0 * CM).abs() < 1.0)
        .count();
    assert_eq!(pen, 1);
    // Signed, then a dotted date line for the pen under the position.
    let name = lines
        .iter()
        .position(|l| l.text.contains("(นายสมพงษ์"))
        .unwrap();
    assert!(
        lines[name + 2].text.starts_with("วันที่"),
        "{}",
        lines[name + 2].text
    );
    let e = problems(json!({
        "kind": "memo", "agency": "khonkaen-province", "subject": "ทดสอบ", "to": "ผู้รับ",
        "body": ["ข้อความ"], "signatory": {"name": "นายทดสอบ ระบบ"},
        "endorsements": [{"name": "นายหนึ่ง", "options": [{"text": " "}], "fill_lines": 11}]
    }));
    assert!(
        e.contains("endorsements[0].options[0].text: must not be empty"),
        "{e}"
    );
    assert!(e.contains("endorsements[0].fill_lines: at most 10"), "{e}");
}

#[test]
fn a_profile_sets_how_far_each_list_level_stands_in() {
    let body = json!([{"type": "list", "items": [{"text": "หนึ่ง", "items": [{"text": "สอง", "items": ["สาม"]}]}]}]);
    let starts = |layout: serde_json::Value| {
        let letter = announcement(
            json!({"name": "สำนักงานทดสอบ", "layout": layout}),
            body.clone(),
        );
        ["หนึ่ง", "สอง", "สาม"].map(|t| {
            lines(&letter)
                .into_iter()
                .find(|l| l.text.contains(t))
                .unwrap()
                .x0
        })
    };
    let default = starts(json!({}));
    assert!(
        (default[1] - default[0] - 0.75 * CM).abs() < 0.5,
        "{default:?}"
    );
    let wide = starts(json!({"item_step_cm": 1.25}));
    assert!((wide[1] - wide[0] - 1.25 * CM).abs() < 0.5, "{wide:?}");
    assert!((wide[2] - wide[1] - 1.25 * CM).abs() < 0.5, "{wide:?}");
    assert!(
        problems(external(
            json!({"agency": {"name": "ก", "layout": {"item_step_cm": 9}}})
        ))
        .contains("agency.layout.item_step_cm: 9 is outside 0..3")
    );
}

#[test]
fn a_clause_may_end_with_a_paragraph_after_its_sub_clauses() {
    let body = json!([{"type": "list", "style": "clause", "items": [
        {"text": "ให้ยกเลิก", "items": ["ระเบียบฉบับหนึ่ง", "ระเบียบฉบับสอง"],
         "after": ["บรรดาระเบียบอื่นในส่วนที่กำหนดไว้แล้วในระเบียบนี้ ให้ใช้ระเบียบนี้แทน"]},
        "ให้นายกรัฐมนตรีรักษาการตามระเบียบนี้"
    ]}]);
    let letter = announcement(json!("khonkaen-province"), body);
    let order: Vec<usize> = [
        "ข้อ ๑ ให้ยกเลิก",
        "(๒) ระเบียบฉบับสอง",
        "บรรดาระเบียบ",
        "ข้อ ๒ ให้นายก",
    ]
    .iter()
    .map(|t| {
        lines(&letter)
            .iter()
            .position(|l| l.text.contains(t))
            .unwrap_or_else(|| panic!("{t}"))
    })
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
}

/// A table whose data gives no widths is laid out as a word processor's
/// AutoFit would: the number column narrow, the columns of text wide, a
/// short column still wide enough for a date it cannot break.
#[test]
fn a_table_without_widths_fits_its_columns_to_their_cells() {
    let mut v = valid_letter();
    v["body"] = json!(["ตามรายการดังนี้", {"type": "table",
    "headers": ["ลำดับ", "หน่วยงาน", "ช่องทาง", "หมายเหตุ"],
    "rows": [
        ["๑", "สำนักงานจังหวัดขอนแก่น", "https://www.khonkaen.go.th/upload/document/2567/announcement_ita_report.pdf", "ภายในวันที่ ๓๐ มิถุนายน ๒๕๖๗"],
        ["๒", "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาขอนแก่น เขต ๑", "saraban.centre.khonkaen1@obec.go.th", "-"]
    ]}]);
    let letter = render_json(v.to_string().as_bytes());
    let lines = lines(&letter);
    let first = lines
        .iter()
        .find(|l| l.text.starts_with("๑ ") && l.text.contains("สำนักงานจังหวัด"))
        .expect("the first row");
    let (number, _) = span_of(first, "๑");
    let (office, _) = span_of(first, "สำนักงานจังหวัด");
    // The number column is a number's width and its header's, not a quarter
    // of the table.
    assert!(
        office - number < 1.6 * CM,
        "{:.1} cm",
        (office - number) / CM
    );
    // The date is whole on one line, inside the table.
    let date = lines
        .iter()
        .find(|l| squash(&l.text).contains(&squash("๓๐ มิถุนายน ๒๕๖๗")))
        .expect("the date on one line");
    assert!(date.x1 <= 19.0 * CM, "{date:?}");
}
