//! Golden checks on the laid-out documents: page counts, texts present and in
//! order, the Garuda's size and place, margins, and the reproductions' full text.

mod common;

use common::*;
use saraban::frames;

/// Asserts that `needles` occur in `hay` in this order (white space ignored).
fn assert_in_order(hay: &str, needles: &[&str]) {
    let hay = squash(hay);
    let mut at = 0;
    for n in needles {
        let n2 = squash(n);
        match hay[at..].find(&n2) {
            Some(i) => at += i + n2.len(),
            None => panic!("'{n}' missing or out of order after byte {at}"),
        }
    }
}

#[test]
fn circular_reproduces_its_parts_in_order() {
    let l = render_example("circular-khonkaen");
    let t = text(&l);
    assert_in_order(
        &t,
        &[
            "ที่ ขก ๐๐๑๗.๕/ว ๑๕๐๑๕",
            "ศาลากลางจังหวัดขอนแก่น",
            "ถนนศูนย์ราชการ ขก ๔๐๐๐๐",
            "๑๕ มิถุนายน ๒๕๖๒",
            "เรื่อง มาตรการตรวจสอบการใช้ดุลพินิจ",
            "เรียน (ตามบัญชีแนบท้าย)",
            "สิ่งที่ส่งมาด้วย แบบรายงานการรับทราบ",
            "ด้วยคณะรัฐมนตรีได้มีมติเมื่อวันที่ ๒๓ มกราคม ๒๕๖๑",
            "๑. มาตรการตรวจสอบการใช้ดุลพินิจ",
            "๑.๑ ผู้บังคับบัญชาทุกระดับชั้น",
            "๑.๘ ให้หัวหน้าหน่วยงานมีหน้าที่ควบคุม",
            "๒. แนวทางการดำเนินงานของหน่วยงาน",
            "๒.๓ ให้หัวหน้าหน่วยงานรายงาน",
            "จึงเรียนมาเพื่อดำเนินการ",
            "ขอแสดงความนับถือ",
            "(นายสมศักดิ์ จังตระกุล)",
            "ผู้ว่าราชการจังหวัดขอนแก่น",
            "สำนักงานจังหวัด",
            "โทร./โทรสาร ๐ ๔๓๒๓ ๘๐๐๑ มท ๔๐๑๕๓",
            "บัญชีแนบท้าย",
            "หนังสือจังหวัดขอนแก่น ที่ ขก ๐๐๑๗.๕/ว ๑๕๐๑๕ ลงวันที่ ๑๒ มิถุนายน ๒๕๖๒",
            "๑. หัวหน้าสำนักงานจังหวัดขอนแก่น",
            "๓๓. ท้องเที่ยวและกีฬาจังหวัดขอนแก่น",
        ],
    );
    // Letter pages, then the distribution list on pages of its own.
    assert!((3..=6).contains(&l.pages()), "{} pages", l.pages());
}

#[test]
fn memo_announcement_order_standard_have_their_headers() {
    let memo = text(&render_example("memo-phatthalung"));
    assert_in_order(
        &memo,
        &[
            "บันทึกข้อความ",
            "ส่วนราชการ",
            "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาพัทลุง เขต ๒ กลุ่มอำนวยการ",
            "ที่",
            "๙๒/๒๕๖๓",
            "วันที่",
            "๒๔ เมษายน ๒๕๖๓",
            "เรื่อง",
            "เรียน ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษาประถมศึกษาพัทลุง เขต ๒",
            "เรื่องเดิม",
            "ข้อเท็จจริง",
            "๕. มาตรการตรวจสอบการใช้ดุลยพินิจ",
            "จึงเรียนมาเพื่อโปรดพิจารณา",
            "(นางธัญลีนี สุกแป้น)",
        ],
    );
    let ann = text(&render_example("announcement-samutprakan"));
    assert_in_order(
        &ann,
        &[
            "ประกาศสำนักงานเขตพื้นที่การศึกษาประถมศึกษาสมุทรปราการ เขต ๒",
            "เรื่อง มาตรการตรวจสอบการใช้ดุลพินิจ",
            "นโยบาย",
            "กรอบแนวทางปฏิบัติ",
            "จึงประกาศมาให้ทราบและถือปฏิบัติโดยทั่วกัน",
            "ประกาศ ณ วันที่ ๙ เมษายน พ.ศ. ๒๕๖๒",
            "(นายไตรรัตน์ โคสะสุ)",
        ],
    );
    let order = text(&render_example("order"));
    assert_in_order(
        &order,
        &[
            "คำสั่งจังหวัดขอนแก่น",
            "ที่ ๑๒๓/๒๕๖๗",
            "เรื่อง",
            "สั่ง ณ วันที่ ๑ มีนาคม พ.ศ. ๒๕๖๗",
        ],
    );
    let std = text(&render_example("standard-songdao"));
    assert_in_order(
        &std,
        &[
            "มาตรฐานการตรวจสอบการใช้ดุลพินิจ",
            "๑. แนวปฏิบัติของหน่วยงาน",
            "๓. ส่วนงานที่รับผิดชอบ",
            "(นายยุทธาสตร์ ราชคำ)",
            "ปลัดเทศบาลตำบลส่องดาว ปฏิบัติหน้าที่",
            "นายกเทศมนตรีตำบลส่องดาว",
        ],
    );
}

/// The reference letters' text, line by line, is in the rendered example (white
/// space ignored), except what the renderer makes itself (page furniture).
#[test]
fn reproductions_carry_all_reference_text() {
    let reference = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/reference");
    if !reference.exists() {
        eprintln!("skipped: {} not found", reference.display());
        return;
    }
    let cases: &[(&str, &[&str])] = &[
        ("circular-external-letter.txt", &["circular-khonkaen"]),
        ("announcement.txt", &["announcement-samutprakan"]),
        ("measures-standard.txt", &["standard-songdao"]),
        (
            "memo-and-announcement.txt",
            &["memo-phatthalung", "announcement-phatthalung"],
        ),
    ];
    for (file, stems) in cases {
        let src = std::fs::read_to_string(reference.join(file)).unwrap();
        let rendered: String = stems
            .iter()
            .map(|s| squash(&body_text(&render_example(s))))
            .collect();
        let mut missing = Vec::new();
        for line in src.lines().map(str::trim).filter(|l| !l.is_empty()) {
            // Furniture the renderer draws itself, and the form's dotted leader.
            if line.starts_with('/') && line.ends_with("...") || line.chars().all(|c| c == '.') {
                continue;
            }
            // The reference's bullets before numbered sub-items are the PDF's, not text.
            let line = line.replace("ที่.....", "ที่");
            let line = line.strip_prefix("- ").unwrap_or(&line).to_string();
            // A line of the reference may have been split by its own page break.
            let l = squash(&line);
            let l = l.trim_end_matches("โดยยึดหลัก");
            if !rendered.contains(l) {
                // Where the rendering departs from the line, for the message.
                let head: String = l.chars().take(8).collect();
                let at = rendered.find(&head).map(|i| {
                    let common = rendered[i..]
                        .chars()
                        .zip(l.chars())
                        .take_while(|(a, b)| a == b)
                        .count();
                    rendered[i..]
                        .chars()
                        .skip(common.saturating_sub(10))
                        .take(30)
                        .collect::<String>()
                });
                missing.push(format!(
                    "{} [rendered: {:?}]",
                    line.chars().take(40).collect::<String>(),
                    at
                ));
            }
        }
        assert!(
            missing.is_empty(),
            "{file}: {} lines missing, e.g. {:?}",
            missing.len(),
            &missing[..missing.len().min(5)]
        );
    }
}

#[test]
fn garuda_is_3cm_centred_and_1_5cm_from_the_top() {
    for stem in [
        "circular-khonkaen",
        "external-letter",
        "announcement-samutprakan",
        "order",
        "standard-songdao",
    ] {
        let l = render_example(stem);
        let imgs = frames::images(&l.doc);
        let g = imgs
            .iter()
            .find(|i| i.page == 0)
            .unwrap_or_else(|| panic!("{stem}: no emblem"));
        let mm = |pt: f64| pt / CM * 10.0;
        assert!(
            (mm(g.height) - 30.0).abs() <= 1.0,
            "{stem}: height {} mm",
            mm(g.height)
        );
        assert!((mm(g.y) - 15.0).abs() <= 1.0, "{stem}: top {} mm", mm(g.y));
        let centre = mm(g.x + g.width / 2.0);
        // Centred on the text block (3 cm left, 2 cm right margins): 110 mm.
        assert!((centre - 110.0).abs() <= 1.0, "{stem}: centre {centre} mm");
    }
}

#[test]
fn memo_garuda_is_1_5cm_at_the_left_margin() {
    let l = render_example("memo-phatthalung");
    let g = frames::images(&l.doc)
        .into_iter()
        .find(|i| i.page == 0)
        .expect("emblem");
    let mm = |pt: f64| pt / CM * 10.0;
    assert!(
        (mm(g.height) - 15.0).abs() <= 1.0,
        "height {}",
        mm(g.height)
    );
    assert!((mm(g.x) - 30.0).abs() <= 1.0, "left {}", mm(g.x));
    assert!((mm(g.y) - 15.0).abs() <= 1.0, "top {}", mm(g.y));
}

#[test]
fn text_stays_inside_the_margins() {
    for path in example_files() {
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        let l = render_example(&stem);
        // The body, not the furniture in the top and bottom margins.
        for line in lines(&l)
            .into_iter()
            .filter(|l| l.y > 2.0 * CM && l.y < 29.7 * CM - 2.0 * CM)
        {
            let name = format!("{stem} p{} '{}'", line.page + 1, line.text);
            assert!(
                line.x0 >= 3.0 * CM - 1.0,
                "{name}: starts at {:.1} cm",
                line.x0 / CM
            );
            assert!(
                line.x1 <= 19.0 * CM + 1.0,
                "{name}: ends at {:.1} cm",
                line.x1 / CM
            );
            let bottom = 29.7 * CM - line.y;
            // Only the secrecy mark sits in the bottom margin.
            if !line.text.contains("ลับ") {
                assert!(
                    bottom >= 1.0 * CM,
                    "{name}: {:.1} cm from the foot",
                    bottom / CM
                );
            }
        }
    }
}

#[test]
fn a_long_web_address_or_latin_word_wraps_inside_the_margin() {
    let url = "https://www.dla.go.th/upload/document/type2/2567/5/12345_1_1715321234567.pdf?download=1&lang=th";
    let word = "A".repeat(300);
    let mut v = valid_letter();
    v["body"] = serde_json::json!([format!(
        "ดาวน์โหลดเอกสารได้ที่ {url} หรือทางไปรษณีย์อิเล็กทรอนิกส์ saraban.office.longname@khonkaen.moi.go.th และ {word} จบ"
    )]);
    v["contact"] = serde_json::json!({"unit": ["สำนักงานจังหวัด"], "email": "saraban.centre.of.khonkaen.provincial.office@moi.go.th"});
    let l = render_json(v.to_string().as_bytes());
    for line in lines(&l) {
        assert!(
            line.x1 <= 19.0 * CM + 1.0,
            "p{} '{}' ends at {:.1} cm",
            line.page + 1,
            line.text,
            line.x1 / CM
        );
    }
    // Broken where a clerk's word processor would, and whole in the text.
    let laid_out = squash(&text(&l));
    let pdf = squash(&pdf_text_with(&l.pdf().unwrap(), &[]));
    for whole in [
        url,
        word.as_str(),
        "saraban.office.longname@khonkaen.moi.go.th",
    ] {
        assert!(laid_out.contains(whole), "{whole} not whole in the lines");
        assert!(pdf.contains(whole), "{whole} not whole in the PDF's text");
    }
}

#[test]
fn every_example_renders_to_pdf_and_png() {
    for path in example_files() {
        let l = render_json(&std::fs::read(&path).unwrap());
        let pdf = l.pdf().unwrap();
        assert!(pdf.starts_with(b"%PDF-"), "{}", path.display());
        let png = l.png(0, 40.0).unwrap();
        assert!(png.starts_with(b"\x89PNG"), "{}", path.display());
    }
}

#[test]
fn user_text_is_printed_not_evaluated() {
    let nasty = [
        "#panic()",
        "#read(\"/etc/passwd\")",
        "$x^2$ [link] \\ `raw` *bold* _em_ <label> @ref // comment /* c */",
        "#import \"/lib.typ\": *",
    ];
    for s in nasty {
        let doc = serde_json::json!({
            "kind": "external",
            "agency": "khonkaen-province",
            "subject": s,
            "to": s,
            "body": [s, {"type": "list", "items": [s]}],
            "signatory": {"name": s, "positions": [s]},
        });
        let l = render_json(serde_json::to_string(&doc).unwrap().as_bytes());
        let t = squash(&text(&l));
        let want = squash(s);
        assert!(
            t.matches(&want).count() >= 5,
            "'{s}' printed {} times",
            t.matches(&want).count()
        );
        assert!(!t.contains("root:x:0"), "file contents leaked");
    }
}

/// A 60×30 PNG with one line drawn across: a stand-in for a scanned signature.

#[test]
fn signature_image_and_agency_emblem_are_placed() {
    let doc = serde_json::json!({
        "kind": "external",
        "agency": {"name": "สำนักงานทดสอบ", "code": "ทส 0001", "address": ["ถนนทดสอบ"], "emblem": SIGNATURE_PNG},
        "reference": {"number": 7},
        "subject": "ทดสอบ", "to": "ผู้รับ", "body": ["ย่อหน้า"],
        "signatory": {"name": "นายทดสอบ ระบบ", "positions": ["ตำแหน่ง"], "signature_image": SIGNATURE_PNG}
    });
    let l = render_json(doc.to_string().as_bytes());
    let imgs = frames::images(&l.doc);
    assert_eq!(imgs.len(), 2, "{imgs:?}");
    let (emblem, signature) = (&imgs[0], &imgs[1]);
    // The agency's emblem takes the Garuda's place and size.
    assert!(
        (emblem.height / CM - 3.0).abs() < 0.1,
        "emblem {} cm",
        emblem.height / CM
    );
    // The signature sits above the name in parentheses.
    let name = lines(&l)
        .into_iter()
        .find(|x| x.text.contains("(นายทดสอบ ระบบ)"))
        .unwrap();
    assert!(
        signature.y + signature.height <= name.y,
        "signature below the name"
    );
    assert!(name.y - (signature.y + signature.height) < 1.5 * CM);
}

#[test]
fn an_agency_may_prefer_arabic_digits() {
    let doc = serde_json::json!({
        "kind": "external",
        "agency": {"name": "จังหวัดขอนแก่น", "code": "ขก 0017.5", "address": ["ศาลากลางจังหวัดขอนแก่น"], "digits": "arabic"},
        "reference": {"circular": true, "number": 15015},
        "date": "2019-06-15",
        "subject": "ทดสอบ", "to": "ผู้รับ",
        "body": [{"type": "list", "items": [{"text": "ข้อแรก", "items": ["ข้อย่อย"]}]}, "จึงเรียนมาเพื่อทราบ"],
        "signatory": {"name": "นายทดสอบ ระบบ"}
    });
    let t = text(&render_json(doc.to_string().as_bytes()));
    for want in [
        "ที่ ขก 0017.5/ว 15015",
        "15 มิถุนายน 2562",
        "1. ข้อแรก",
        "1.1 ข้อย่อย",
    ] {
        assert!(t.contains(want), "'{want}' missing from:\n{t}");
    }
    assert!(!t.contains('๑'), "Thai digits in an Arabic-digit letter");
}

#[test]
fn page_numbers_and_secrecy_marks_on_every_page() {
    let l = render_example("secret-memo");
    assert!(l.pages() >= 2);
    let lines = lines(&l);
    for p in 0..l.pages() {
        let marks = lines
            .iter()
            .filter(|x| x.page == p && x.text.trim() == "ลับ")
            .count();
        assert_eq!(marks, 2, "page {}: secrecy mark top and bottom", p + 1);
        let number = lines.iter().any(|x| {
            x.page == p
                && x.y < 2.5 * CM
                && x.text.trim()
                    == format!(
                        "- {} -",
                        saraban::thai::number(p as i64 + 1, saraban::thai::DigitStyle::Thai)
                    )
        });
        assert_eq!(number, p > 0, "page {}: page number", p + 1);
    }
}

#[test]
fn a_one_page_letter_keeps_its_marks_without_page_furniture() {
    // One page: no page marks drawn over it, and the secrecy marks are
    // still drawn.
    let path = examples_dir().join("../bench/one-page.json");
    let mut doc: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    doc["secrecy"] = serde_json::json!("ลับ");
    let l = render_json(&serde_json::to_vec(&doc).unwrap());
    assert_eq!(l.pages(), 1);
    assert!(l.marks.is_empty());
    let lines = lines(&l);
    assert_eq!(lines.iter().filter(|x| x.text.trim() == "ลับ").count(), 2);
    assert!(!lines.iter().any(|x| x.text.trim().starts_with("- ")));
    // A letter of several pages gets its page numbers and continuations.
    let several = render_example("secret-memo");
    assert_eq!(several.marks.len(), several.pages());
    assert!(several.marks[1].number.is_some() && several.marks[0].continuation.is_some());
}

#[test]
fn committee_roles_stand_in_one_column() {
    let l = render_example("order");
    let roles = ["ประธานคณะทำงาน", "รองประธานคณะทำงาน", "คณะทำงานและเลขานุการ"];
    let lines = lines(&l);
    // Where each role starts: on the line that ends with it, after the widest
    // gap between two glyphs (the tab stop a clerk would set).
    let start_of = |role: &str| -> f64 {
        let line = lines
            .iter()
            .find(|x| x.text.trim_end().ends_with(role))
            .unwrap_or_else(|| panic!("no line ends with {role}"));
        let g = &line.glyphs;
        (1..g.len())
            .max_by(|&a, &b| {
                let gap = |k: usize| g[k].x - (g[k - 1].x + g[k - 1].natural);
                gap(a).total_cmp(&gap(b))
            })
            .map(|k| g[k].x)
            .expect("a line of several glyphs")
    };
    let xs: Vec<f64> = roles.iter().map(|r| start_of(r)).collect();
    for x in &xs {
        assert!((x - xs[0]).abs() < 0.5, "roles at {xs:?}");
    }
    // The role column is right of the names, well inside the text block.
    assert!(xs[0] > 10.0 * CM && xs[0] < 18.0 * CM, "{xs:?}");
    // A member's name and position stay on one page.
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(examples_dir().join("order.json")).unwrap()).unwrap();
    let members = doc["body"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["type"] == "members")
        .expect("the order lists a committee")["members"]
        .as_array()
        .unwrap()
        .clone();
    // The first line at or after `from` holding `needle`.
    let line_of = |needle: &str, from: usize| {
        let squashed: String = needle.split_whitespace().collect();
        (from..lines.len()).find(|&i| {
            lines[i]
                .text
                .split_whitespace()
                .collect::<String>()
                .contains(&squashed)
        })
    };
    for m in &members {
        let name = m["name"].as_str().unwrap();
        let position = m["position"].as_str().unwrap();
        let first_words: String = position.chars().take(8).collect();
        // The position is on the name's line, or under it.
        let at = line_of(name, 0).expect("the name is printed");
        let pos = line_of(&first_words, at).expect("the position is printed");
        assert_eq!(lines[at].page, lines[pos].page, "{name} / {position}");
    }
    // Every member is numbered in order.
    let text = text(&l);
    assert_in_order(&text, &["๑. นายสมศักดิ์", "๒. นางสาวพรทิพย์", "๙. นางสาวจิราพร"]);
}

#[test]
fn a_long_committee_breaks_between_members() {
    let path = examples_dir().join("order.json");
    let mut doc: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let members: Vec<serde_json::Value> = (0..70)
        .map(|i| {
            serde_json::json!({
                "name": format!("นายทดสอบ{} ระบบงาน", saraban::thai::number(i + 1, saraban::thai::DigitStyle::Thai)),
                "position": "ผู้อำนวยการกลุ่มงานส่งเสริมและพัฒนาระบบบริหารจัดการทรัพยากรบุคคลและสวัสดิการ สำนักงานจังหวัดขอนแก่น",
                "role": "คณะทำงาน",
            })
        })
        .collect();
    doc["body"] =
        serde_json::json!(["แต่งตั้งคณะทำงาน ประกอบด้วย", {"type": "members", "members": members}]);
    let l = render_json(&serde_json::to_vec(&doc).unwrap());
    assert!(l.pages() >= 3);
    let lines = lines(&l);
    // Every member: its name line and the last line of its position on one page.
    for i in 0..70 {
        let name = format!(
            "นายทดสอบ{}",
            saraban::thai::number(i + 1, saraban::thai::DigitStyle::Thai)
        );
        let at = lines
            .iter()
            .position(|x| x.text.contains(&format!("{name} ")))
            .unwrap_or_else(|| panic!("{name} missing"));
        let end = lines[at..]
            .iter()
            .position(|x| x.text.contains("สำนักงานจังหวัดขอนแก่น") || x.text.ends_with("ขอนแก่น"))
            .map(|k| at + k)
            .unwrap_or_else(|| panic!("{name}: position's end missing"));
        assert_eq!(
            lines[at].page, lines[end].page,
            "{name} is split between pages"
        );
    }
}

#[test]
fn a_distribution_list_may_group_its_recipients() {
    let path = examples_dir().join("circular-khonkaen.json");
    let mut doc: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    doc["distribution"]["recipients"] = serde_json::json!([
        {"group": "ส่วนราชการระดับจังหวัด", "recipients": ["ปลัดจังหวัดขอนแก่น", "คลังจังหวัดขอนแก่น", "ท้องถิ่นจังหวัดขอนแก่น"]},
        {"group": "ส่วนราชการระดับอำเภอ", "recipients": ["นายอำเภอเมืองขอนแก่น", "นายอำเภอบ้านฝาง"]}
    ]);
    let l = render_json(&serde_json::to_vec(&doc).unwrap());
    let text = text(&l);
    let list = &text[text.rfind("บัญชีแนบท้าย").expect("the list's heading")..];
    assert_in_order(
        list,
        &[
            "ส่วนราชการระดับจังหวัด",
            "๑. ปลัดจังหวัดขอนแก่น",
            "๒. คลังจังหวัดขอนแก่น",
            "๓. ท้องถิ่นจังหวัดขอนแก่น",
            "ส่วนราชการระดับอำเภอ",
            "๑. นายอำเภอเมืองขอนแก่น",
            "๒. นายอำเภอบ้านฝาง",
        ],
    );
    // The addressee line still points to the list, and the group headings are bold.
    assert!(text.contains("(ตามบัญชีแนบท้าย)"));
    let heading = lines(&l)
        .into_iter()
        .find(|x| x.text.trim() == "ส่วนราชการระดับอำเภอ")
        .expect("a heading line of its own");
    assert!(
        heading.x0 < 3.2 * CM,
        "the heading starts at the margin: {}",
        heading.x0
    );
}

#[test]
fn the_salutation_sets_its_closing() {
    let letter = |extra: serde_json::Value| {
        let mut doc = serde_json::json!({
            "kind": "external", "agency": "khonkaen-province",
            "reference": {"number": 12}, "date": "2024-03-01", "subject": "ทดสอบ",
            "body": ["ย่อหน้า", "จึงเรียนมาเพื่อโปรดทราบ"],
            "signatory": {"name": "นายทดสอบ ระบบ", "positions": ["ผู้ว่าราชการจังหวัดขอนแก่น"]}
        });
        doc.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        body_text(&render_json(doc.to_string().as_bytes()))
    };
    // Typed in `to`, as a clerk would: taken from there, not printed twice.
    let pm = letter(serde_json::json!({"to": "กราบเรียน นายกรัฐมนตรี"}));
    assert_in_order(&pm, &["กราบเรียน นายกรัฐมนตรี", "ขอแสดงความนับถืออย่างยิ่ง"]);
    assert!(!pm.contains("เรียน กราบเรียน"), "{pm}");
    let monk = letter(serde_json::json!({"salutation": "นมัสการ", "to": "เจ้าอาวาสวัดศรีนวล"}));
    assert_in_order(&monk, &["นมัสการ เจ้าอาวาสวัดศรีนวล", "ขอนมัสการด้วยความเคารพ"]);
    assert!(!monk.contains("ขอแสดงความนับถือ"), "{monk}");
    // The default, and a closing given outright still wins.
    let plain =
        letter(serde_json::json!({"to": "นายอำเภอเมืองขอนแก่น", "closing": "ขอแสดงความนับถืออย่างสูง"}));
    assert_in_order(&plain, &["เรียน นายอำเภอเมืองขอนแก่น", "ขอแสดงความนับถืออย่างสูง"]);
}

#[test]
fn table_columns_hold_their_amounts() {
    // Widths that give the amounts far less room than they need.
    let doc = serde_json::json!({
        "kind": "memo", "agency": "khonkaen-province",
        "reference": {"number": 12, "year": 2568}, "date": "2025-03-10", "subject": "ขออนุมัติจัดซื้อ",
        "to": "ผู้ว่าราชการจังหวัดขอนแก่น",
        "body": ["รายละเอียดดังนี้", {"type": "table",
            "headers": ["ลำดับ", "รายการ", "ราคาต่อหน่วย (บาท)", "รวมเงิน (บาท)"],
            "widths": [0.5, 8, 1, 1], "align": ["center", "left", "right", "right"],
            "rows": [["๑", "Trastuzumab 440 mg injection (ยาฉีดรักษามะเร็งเต้านม)", "๒๘,๕๐๐.๐๐", "๑,๓๔๒,๐๐๐.๐๐"],
                     ["๒", "ชุดให้สารน้ำทางหลอดเลือดดำชนิดควบคุมอัตราการไหล", "๔๕.๐๐", "๖๗,๕๐๐.๐๐"]]}],
        "signatory": {"name": "นายทดสอบ ระบบ", "positions": ["หัวหน้างานพัสดุ"]}
    });
    let letter = render_json(doc.to_string().as_bytes());
    assert_nothing_overflows(&letter);
    let t = text(&letter);
    assert!(t.contains("๑,๓๔๒,๐๐๐.๐๐") && t.contains("๒๘,๕๐๐.๐๐"), "{t}");
    // A URL wider than its column wraps at its slashes; the amounts keep theirs.
    let doc = serde_json::json!({
        "kind": "memo", "agency": "khonkaen-province",
        "reference": {"number": 13, "year": 2568}, "date": "2025-03-10", "subject": "แหล่งข้อมูล",
        "to": "ผู้ว่าราชการจังหวัดขอนแก่น",
        "body": ["ดังนี้", {"type": "table", "headers": ["ลำดับ", "แหล่งข้อมูล", "จำนวนเงิน"],
            "widths": [1, 2, 1], "align": ["center", "left", "right"],
            "rows": [["๑", "https://www.example.go.th/very/long/path/to/a/document/report-2568-final-version.pdf", "๑,๒๓๔,๕๖๗,๘๙๐.๐๐"]]}],
        "signatory": {"name": "นายทดสอบ ระบบ"}
    });
    assert_nothing_overflows(&render_json(doc.to_string().as_bytes()));
}

/// No figure or Latin letter runs into the next, and no line passes the right
/// margin.
fn assert_nothing_overflows(letter: &saraban::Letter) {
    for l in lines(letter) {
        // Figures and Latin letters: what a too-narrow column lets overflow
        // (spaces are set narrower than their natural width, Thai marks stack).
        let figure = |t: &str| {
            !t.is_empty()
                && t.chars().all(|c| {
                    c.is_ascii_alphanumeric() || ('๐'..='๙').contains(&c) || ",.".contains(c)
                })
        };
        let mut g: Vec<_> = l
            .glyphs
            .iter()
            .filter(|g| figure(&g.text))
            .cloned()
            .collect();
        g.sort_by(|a, b| a.x.total_cmp(&b.x));
        for w in g.windows(2) {
            assert!(
                w[0].x + w[0].natural <= w[1].x + 2.0,
                "glyphs overlap on '{}': '{}' at {:.1} runs into '{}' at {:.1}",
                l.text,
                w[0].text,
                w[0].x,
                w[1].text,
                w[1].x
            );
        }
        assert!(
            l.x1 <= 19.0 * CM + 0.5,
            "'{}' ends at {:.1} cm",
            l.text,
            l.x1 / CM
        );
    }
}

#[test]
fn the_letterhead_keeps_clear_of_the_garuda() {
    // A long address (a university's) and a ด่วนภายใน deadline beside it.
    let doc = serde_json::json!({
        "kind": "external",
        "agency": {"name": "คณะแพทยศาสตร์ มหาวิทยาลัยเชียงใหม่", "code": "อว ๘๓๙๓(๑)",
                   "address": ["คณะแพทยศาสตร์ มหาวิทยาลัยเชียงใหม่", "๑๑๐ ถนนอินทวโรรส ตำบลศรีภูมิ",
                               "อำเภอเมืองเชียงใหม่ จังหวัดเชียงใหม่ ๕๐๒๐๐"]},
        "urgency": "ด่วนที่สุด", "deadline": "๒๘ กุมภาพันธ์ ๒๕๖๘ เวลา ๑๖.๓๐ น.",
        "reference": {"circular": true, "number": 12345}, "date": "2025-02-14",
        "subject": "ขอความอนุเคราะห์", "to": "ผู้อำนวยการโรงพยาบาลนครพิงค์",
        "body": ["ย่อหน้า", "จึงเรียนมาเพื่อโปรดพิจารณา"],
        "signatory": {"name": "นายทดสอบ ระบบ", "positions": ["คณบดีคณะแพทยศาสตร์"]}
    });
    let letter = render_json(doc.to_string().as_bytes());
    let g = frames::images(&letter.doc)
        .into_iter()
        .find(|i| i.page == 0)
        .expect("the Garuda");
    for l in lines(&letter).iter().filter(|l| l.page == 0) {
        for c in &l.glyphs {
            let (top, bottom) = (l.y - 0.8 * l.size, l.y + 0.2 * l.size);
            let across = c.x < g.x + g.width && c.x + c.natural > g.x;
            let level = top < g.y + g.height && bottom > g.y;
            assert!(
                !(across && level),
                "'{}' of '{}' is printed over the Garuda",
                c.text,
                l.text
            );
        }
    }
    let t = text(&letter);
    // The reference on one line, the postcode with its province.
    assert!(t.contains("ที่ อว ๘๓๙๓(๑)/ว ๑๒๓๔๕"), "{t}");
    assert!(
        t.contains("จังหวัดเชียงใหม่\u{a0}๕๐๒๐๐") || t.contains("จังหวัดเชียงใหม่ ๕๐๒๐๐"),
        "{t}"
    );
}

#[test]
fn a_clerks_habits_are_read_as_meant() {
    let doc = serde_json::json!({
        "kind": "circular", "agency": "khonkaen-province",
        // A circular's number is a ว number without being told.
        "reference": {"number": 2001}, "date": "2025-02-14",
        "subject": "ทดสอบ", "to": "นายอำเภอทุกอำเภอ",
        // A tab between words is a space.
        "body": ["คำแรก\tคำที่สอง", "จึงเรียนมาเพื่อโปรดทราบ"],
        // A name typed in its own parentheses is not bracketed twice.
        "signatory": {"name": "(นายทดสอบ ใจดี)", "positions": ["ผู้ว่าราชการจังหวัดขอนแก่น"]}
    });
    let t = text(&render_json(doc.to_string().as_bytes()));
    for want in ["ที่ ขก ๐๐๑๗.๕/ว ๒๐๐๑", "คำแรก คำที่สอง", "(นายทดสอบ ใจดี)"]
    {
        assert!(t.contains(want), "'{want}' missing from:\n{t}");
    }
    assert!(!t.contains("(("), "{t}");
    // A reference pasted with its label, a date written as the letter prints it.
    let mut doc = doc;
    doc["reference"] = "ที่ ศธ 0206/123".into();
    doc["date"] = "๑๕ มิถุนายน ๒๕๖๒".into();
    let t = text(&render_json(doc.to_string().as_bytes()));
    assert!(!t.contains("ที่ ที่"), "{t}");
    for want in ["ที่ ศธ ๐๒๐๖/๑๒๓", "๑๕ มิถุนายน ๒๕๖๒"]
    {
        assert!(t.contains(want), "'{want}' missing from:\n{t}");
    }
}

#[test]
fn a_memo_carries_its_endorsements_in_order() {
    let l = render_example("memo-approval");
    let t = squash(&body_text(&l));
    assert_in_order(
        &t,
        &[
            "(นางสาวพิมพ์ชนก",
            "เห็นควรอนุมัติ",
            "(นางสาวสมใจรักงาน)",
            "๑๑มีนาคม๒๕๖๘",
            "อนุมัติ",
            "(นายแพทย์สมชายใจดี)",
            "ผู้อำนวยการโรงพยาบาลสมเด็จพระยุพราชสว่างแดนดิน",
        ],
    );
}

#[test]
fn a_committee_under_an_item_is_numbered_as_its_sub_items() {
    let doc = serde_json::json!({
        "kind": "order", "agency": "khonkaen-province",
        "reference": {"code": "", "number": 12, "year": 2568}, "date": "2025-03-10",
        "subject": "แต่งตั้งคณะกรรมการ",
        "body": ["จึงแต่งตั้งคณะกรรมการ ดังนี้", {"type": "list", "items": [
            {"text": "คณะกรรมการอำนวยการ ประกอบด้วย", "blocks": [{"type": "members", "members": [
                {"position": "ผู้ว่าราชการจังหวัดขอนแก่น", "role": "ประธานกรรมการ"},
                {"position": "ปลัดจังหวัดขอนแก่น", "role": "กรรมการและเลขานุการ"}]}]}]}],
        "closing": "ทั้งนี้ ตั้งแต่บัดนี้เป็นต้นไป",
        "signatory": {"name": "นายทดสอบ ระบบ", "positions": ["ผู้ว่าราชการจังหวัดขอนแก่น"]}
    });
    let t = text(&render_json(doc.to_string().as_bytes()));
    assert_in_order(
        &t,
        &[
            "๑. คณะกรรมการอำนวยการ",
            "๑.๑ ผู้ว่าราชการจังหวัดขอนแก่น",
            "๑.๒ ปลัดจังหวัดขอนแก่น",
        ],
    );
}

#[test]
fn the_reproduced_address_keeps_its_lines() {
    // The Khon Kaen circular's address as the original sets it: two lines, the
    // block starting where the Garuda's box ends.
    let l = render_example("circular-khonkaen");
    let lines = lines(&l);
    // Its first line shares the ที่ line's baseline; keep what lies right of
    // the Garuda.
    let address: Vec<String> = lines
        .iter()
        .filter(|l| l.page == 0 && l.y < 5.5 * CM && l.x1 > 15.0 * CM)
        .map(|l| {
            let t = l.text.trim();
            let t = t.strip_prefix("ที่ ขก ๐๐๑๗.๕/ว ๑๕๐๑๕").unwrap_or(t);
            t.trim().replace('\u{a0}', " ")
        })
        .collect();
    assert_eq!(address, ["ศาลากลางจังหวัดขอนแก่น", "ถนนศูนย์ราชการ ขก ๔๐๐๐๐"]);
}
