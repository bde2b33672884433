//! The Regulation's other forms: stamped letters, regulations and bylaws,
//! statements and news, certificates. Each example is laid out and its parts
//! found where the form puts them.

mod common;

use common::*;
use saraban::frames;
use serde_json::json;

fn plain(letter: &saraban::Letter) -> Vec<frames::Line> {
    lines(letter)
        .into_iter()
        .map(|mut l| {
            l.text = l.text.replace('\u{a0}', " ");
            l
        })
        .collect()
}

fn find<'a>(lines: &'a [frames::Line], text: &str) -> &'a frames::Line {
    lines
        .iter()
        .find(|l| l.text.contains(text))
        .unwrap_or_else(|| panic!("no line has {text}"))
}

/// What `saraban check` says of a document: its problems, or nothing.
fn refusal(doc: &serde_json::Value) -> String {
    let d = saraban::compose::parse(doc.to_string().as_bytes()).unwrap();
    saraban::compose::check(
        &saraban::Engine::shared(),
        &d,
        &saraban::Agencies::built_in(),
    )
    .err()
    .map(|p| p.to_string())
    .unwrap_or_default()
}

#[test]
fn a_stamped_letter_has_no_subject_salutation_or_signature_and_ends_with_its_seal() {
    let letter = render_example("stamped-circular");
    let lines = plain(&letter);
    let all: String = lines
        .iter()
        .map(|l| l.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(find(&lines, "ที่ ขก ๐๐๒๓.๓/ว ๔๕๑๒").x0 < 3.0 * CM + 1.0);
    assert!(all.contains("ถึง อำเภอทุกอำเภอ"), "{all}");
    for absent in ["เรื่อง ", "เรียน ", "ขอแสดงความนับถือ", "("]
    {
        assert!(
            lines.iter().all(|l| !l.text.trim().starts_with(absent)),
            "a line opens with {absent}: {all}"
        );
    }
    // The agency's name and the officer's initials after the body, the date
    // under them, the seal stamped over the name.
    let name = lines
        .iter()
        .find(|l| l.text.trim().starts_with("จังหวัดขอนแก่น") && l.text.contains("สมศ."))
        .expect("the agency's name and initials");
    let body_end = find(&lines, "ถือปฏิบัติต่อไป");
    assert!(name.y > body_end.y);
    let date = &lines[lines.iter().position(|l| l.y == name.y).unwrap() + 1];
    assert!(date.text.contains("๘ กรกฎาคม ๒๕๖๘"), "{}", date.text);
    let seal = frames::images(&letter.doc)
        .into_iter()
        .find(|i| (i.height - 2.8 * CM).abs() < 1.0)
        .expect("the seal");
    let (x0, _) = (name.x0, name.x1);
    assert!(
        seal.x < x0 + 2.0 * CM
            && seal.x + seal.width > x0
            && seal.y < name.y
            && seal.y + seal.height > name.y
    );
    // The owning unit at the foot.
    assert!(find(&lines, "โทร. ๐ ๔๓๒๓").y > 25.0 * CM);
}

#[test]
fn a_regulation_numbers_its_clauses_through_its_chapters() {
    let letter = render_example("regulation-university");
    let lines = plain(&letter);
    let titles: Vec<&str> = lines.iter().take(3).map(|l| l.text.trim()).collect();
    assert_eq!(
        titles,
        [
            "ระเบียบมหาวิทยาลัยราชภัฏตัวอย่าง",
            "ว่าด้วยการใช้ยานพาหนะของมหาวิทยาลัย",
            "พ.ศ. ๒๕๖๘"
        ]
    );
    let clauses: Vec<String> = lines
        .iter()
        .filter(|l| l.text.trim().starts_with("ข้อ "))
        .map(|l| l.text.split(' ').take(2).collect::<Vec<_>>().join(" "))
        .collect();
    let want: Vec<String> = (1..=8)
        .map(|n| {
            format!(
                "ข้อ {}",
                saraban::thai::number(n, saraban::thai::DigitStyle::Thai)
            )
        })
        .collect();
    assert_eq!(clauses, want);
    // Each chapter centred over its title, before its first clause.
    for (chapter, title, first) in [
        ("หมวด ๑", "บททั่วไป", "ข้อ ๔"),
        ("หมวด ๓", "บทเฉพาะกาล", "ข้อ ๘"),
    ] {
        let c = find(&lines, chapter);
        let t = find(&lines, title);
        assert!(
            ((c.x0 + c.x1) / 2.0 - 11.0 * CM).abs() < 1.0,
            "{chapter} not centred"
        );
        assert!(
            ((t.x0 + t.x1) / 2.0 - 11.0 * CM).abs() < 1.0,
            "{title} not centred"
        );
        let f = lines
            .iter()
            .find(|l| l.text.trim().starts_with(first))
            .unwrap();
        assert!((c.page, c.y) < (t.page, t.y) && (t.page, t.y) < (f.page, f.y));
    }
    assert!(find(&lines, "ประกาศ ณ วันที่ ๒๐ พฤษภาคม พ.ศ. ๒๕๖๘").page >= 1);
}

/// Given `effective`, a regulation's clauses 1 and 2 are written from its
/// title lines and that date, before the first chapter, and the body's own
/// clauses count on from ข้อ ๓.
#[test]
fn clauses_one_and_two_are_written_from_the_title_and_the_effective_date() {
    let doc = json!({
        "kind": "regulation", "agency": "khonkaen-province", "date": "2568-09-01",
        "subject": "การใช้รถราชการ", "effective": "2568-10-01",
        "body": [
            "โดยที่เป็นการสมควรกำหนดหลักเกณฑ์การใช้รถราชการ จึงวางระเบียบไว้ ดังต่อไปนี้",
            {"type": "chapter", "title": "บททั่วไป"},
            {"type": "list", "style": "clause", "items": ["ให้หัวหน้าสำนักงานจังหวัดรักษาการตามระเบียบนี้"]}
        ],
        "signatory": {"name": "นายหนึ่ง สองสาม", "positions": ["ผู้ว่าราชการจังหวัดขอนแก่น"]}
    });
    let letter = render_json(doc.to_string().as_bytes());
    let lines = plain(&letter);
    let all: String = lines
        .iter()
        .map(|l| l.text.trim())
        .collect::<Vec<_>>()
        .join("");
    assert!(
        all.contains("ข้อ ๑ ระเบียบนี้เรียกว่า “ระเบียบจังหวัดขอนแก่นว่าด้วยการใช้รถราชการ พ.ศ. ๒๕๖๘”")
            || all.contains("ข้อ ๑ ระเบียบนี้เรียกว่า “ระเบียบจังหวัดขอนแก่น ว่าด้วยการใช้รถราชการ พ.ศ. ๒๕๖๘”"),
        "{all}"
    );
    assert!(
        all.contains("ข้อ ๒ ระเบียบนี้ให้ใช้บังคับตั้งแต่วันที่ ๑ ตุลาคม พ.ศ. ๒๕๖๘ เป็นต้นไป"),
        "{all}"
    );
    let first = lines.iter().position(|l| l.text.contains("ข้อ ๑")).unwrap();
    let chapter = lines
        .iter()
        .position(|l| l.text.trim() == "หมวด ๑")
        .unwrap();
    let own = lines
        .iter()
        .position(|l| l.text.contains("ให้หัวหน้าสำนักงานจังหวัดรักษาการ"))
        .unwrap();
    assert!(first < chapter && chapter < own);
    assert!(
        lines[own].text.trim().starts_with("ข้อ ๓ "),
        "{}",
        lines[own].text
    );

    // A body of a preamble alone still gets its clauses 1 and 2, after it.
    let mut short = doc.clone();
    short["body"] = json!(["โดยที่เป็นการสมควรกำหนดหลักเกณฑ์การใช้รถราชการ จึงวางระเบียบไว้ ดังต่อไปนี้"]);
    let lines = plain(&render_json(short.to_string().as_bytes()));
    let at = |t: &str| {
        lines
            .iter()
            .position(|l| l.text.contains(t))
            .unwrap_or_else(|| panic!("no {t}"))
    };
    let preamble = at("โดยที่เป็นการสมควร");
    let one = at("ข้อ ๑ ระเบียบนี้เรียกว่า");
    let two = at("ข้อ ๒ ระเบียบนี้ให้ใช้บังคับ");
    assert!(preamble < one && one < two);
}

#[test]
fn a_statement_ends_with_its_agency_and_date_unsigned() {
    let letter = render_example("statement-health");
    let lines = plain(&letter);
    let titles: Vec<&str> = lines.iter().take(3).map(|l| l.text.trim()).collect();
    assert_eq!(
        titles,
        [
            "แถลงการณ์กระทรวงสาธารณสุข",
            "เรื่อง สถานการณ์โรคไข้เลือดออกและการป้องกันในช่วงฤดูฝน",
            "ฉบับที่ ๒"
        ]
    );
    let n = lines.len();
    assert_eq!(lines[n - 2].text.trim(), "กระทรวงสาธารณสุข");
    assert_eq!(lines[n - 1].text.trim(), "๒ กันยายน ๒๕๖๘");
    assert!(lines.iter().all(|l| !l.text.trim().starts_with('(')));
}

#[test]
fn a_certificate_carries_the_persons_photograph_at_the_foot() {
    let letter = render_example("certificate-employment");
    let lines = plain(&letter);
    assert!(find(&lines, "ที่ ศธ ๐๔๐๔๐.๑๒/๐๔๕").x0 < 3.0 * CM + 1.0);
    // The agency's name level with ที่, its address under it, at the right.
    assert!(find(&lines, "ที่ ศธ").text.contains("โรงเรียนบ้านหนองใหญ่"));
    assert!(find(&lines, "ตำบลหนองใหญ่").x0 > 10.0 * CM);
    find(&lines, "ให้ไว้ ณ วันที่ ๓๑ มีนาคม พ.ศ. ๒๕๖๘");
    let photo = frames::images(&letter.doc)
        .into_iter()
        .find(|i| (i.width - 4.0 * CM).abs() < 1.0)
        .expect("the photograph");
    assert!((photo.height - 6.0 * CM).abs() < 1.0);
    assert!((photo.x - 3.0 * CM).abs() < 1.0 && photo.y > 18.0 * CM);
    let name = find(&lines, "(นางสาวกมลวรรณ ศรีสุข)");
    assert!(name.y > photo.y + photo.height);
}

#[test]
fn each_form_refuses_what_it_does_not_carry() {
    let engine = saraban::Engine::shared();
    let problems = |doc: serde_json::Value| {
        let d = saraban::compose::parse(doc.to_string().as_bytes()).unwrap();
        saraban::compose::check(&engine, &d, &saraban::Agencies::built_in())
            .err()
            .map(|p| p.to_string())
            .unwrap_or_default()
    };
    let base = |kind: &str| json!({"kind": kind, "agency": "khonkaen-province", "subject": "ทดสอบ", "to": "ผู้รับ", "body": ["ข้อความ"]});
    let mut signed = base("statement");
    signed["signatory"] = json!({"name": "นายหนึ่ง"});
    assert!(problems(signed).contains("signatory: a statement is not signed"));
    let mut stamped = base("stamped");
    stamped.as_object_mut().unwrap().remove("to");
    assert!(problems(stamped).contains("to: is required: the addressees (ถึง)"));
    let mut issue = base("external");
    issue["signatory"] = json!({"name": "นายหนึ่ง"});
    issue["issue"] = json!(3);
    assert!(problems(issue).contains("issue: belongs to a statement or news release"));
    let unsigned = base("regulation");
    assert!(problems(unsigned).contains("signatory.name: must not be empty"));
    let mut nested = base("regulation");
    nested["signatory"] = json!({"name": "นายหนึ่ง"});
    nested["body"] = json!([{"type": "list", "items": [{"text": "ก", "blocks": [{"type": "chapter", "title": "หมวด"}]}]}]);
    assert!(problems(nested).contains("a chapter (หมวด) stands at the top of the body"));
    let mut many = base("minutes");
    many["signatory"] = json!({"name": "นายหนึ่ง"});
    many["endorsements"] = json!(vec![
        json!({"text": ["ตรวจแล้ว"], "name": "นายสอง"});
        11
    ]);
    assert!(problems(many).contains("endorsements: at most 10 certifications fit one report"));
    let mut effective = base("external");
    effective["signatory"] = json!({"name": "นายหนึ่ง"});
    effective["effective"] = json!("2568-10-01");
    assert!(problems(effective).contains("effective: belongs to a regulation or bylaw only"));
    let mut month = base("bylaw");
    month["signatory"] = json!({"name": "นายหนึ่ง"});
    month["effective"] = json!("2568-10");
    assert!(problems(month).contains("effective: a regulation takes effect on a day"));
}

#[test]
fn a_body_words_its_attendance_headings_its_own_way() {
    let path = examples_dir().join("minutes-council.json");
    let mut doc: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    doc["meeting"]["headings"] =
        json!({"present": "กรรมาธิการผู้มาประชุม", "absent": "กรรมาธิการผู้ไม่มาประชุม"});
    let letter = render_json(doc.to_string().as_bytes());
    let lines = plain(&letter);
    let at = |t: &str| lines.iter().position(|l| l.text.trim() == t);
    let (present, absent) = (at("กรรมาธิการผู้มาประชุม"), at("กรรมาธิการผู้ไม่มาประชุม"));
    assert!(
        present.is_some() && absent > present,
        "{present:?} {absent:?}"
    );
    // The third list keeps the form's heading; the replaced ones are gone.
    assert!(at("ผู้เข้าร่วมประชุม").is_some() && at("ผู้มาประชุม").is_none());
    // An empty heading is named at its field.
    doc["meeting"]["headings"] = json!({"absent": " "});
    let refused = refusal(&doc);
    assert!(
        refused.contains("meeting.headings.absent: must not be empty"),
        "{refused}"
    );
}

#[test]
fn further_lists_times_and_the_date_line_as_the_body_writes_them() {
    let path = examples_dir().join("minutes-council.json");
    let mut doc: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    doc["meeting"]["groups"] = json!([
        {"heading": "ที่ปรึกษาประจำคณะกรรมาธิการ", "members": [{"name": "นายสหภูมิ เสรีวรกิจ"}]},
        {"heading": "ที่ปรึกษาประธานคณะกรรมาธิการ",
         "members": [{"name": "นายภูเบศ โพธิ์โซ๊ะ"}, {"name": "นายสามารถ ศักดิ์แก้ว"}]}
    ]);
    doc["meeting"]["start"] = json!("09.50 นาฬิกา");
    doc["meeting"]["end"] = json!("๑๑.๐๐ น.");
    doc["meeting"]["weekday"] = json!(true);
    doc["date_era"] = json!(false);
    let letter = render_json(doc.to_string().as_bytes());
    let lines = plain(&letter);
    // The day of the week, and the year without พ.ศ. when asked.
    assert_eq!(lines[2].text.trim(), "เมื่อวันศุกร์ที่ ๑๕ สิงหาคม ๒๕๖๘");
    let at = |t: &str| {
        lines
            .iter()
            .position(|l| l.text.contains(t))
            .unwrap_or_else(|| panic!("{t}"))
    };
    // After the form's lists, each group under its heading, then the start.
    let order = [
        at("ผู้เข้าร่วมประชุม"),
        at("ที่ปรึกษาประจำคณะกรรมาธิการ"),
        at("- นายสหภูมิ"),
        at("ที่ปรึกษาประธานคณะกรรมาธิการ"),
        at("๑. นายภูเบศ"),
        at("๒. นายสามารถ"),
        at("เริ่มประชุมเวลา"),
    ];
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    // A time with its own word keeps it; one with น. gets no second.
    assert_eq!(
        lines[at("เริ่มประชุมเวลา")].text.trim(),
        "เริ่มประชุมเวลา ๐๙.๕๐ นาฬิกา"
    );
    assert_eq!(
        lines[at("เลิกประชุมเวลา")].text.trim(),
        "เลิกประชุมเวลา ๑๑.๐๐ น."
    );
    // A group without a heading or without members is named at its field.
    doc["meeting"]["groups"] = json!([{"heading": " ", "members": []}]);
    let refused = refusal(&doc);
    assert!(
        refused.contains("meeting.groups[0].heading: must not be empty"),
        "{refused}"
    );
    assert!(refused.contains("meeting.groups[0].members"), "{refused}");
}

#[test]
fn minutes_list_who_came_and_set_speakers_beside_their_words() {
    let letter = render_example("minutes-council");
    let lines = plain(&letter);
    let titles: Vec<&str> = lines.iter().take(4).map(|l| l.text.trim()).collect();
    assert_eq!(
        titles,
        [
            "รายงานการประชุมสภาเทศบาลตำบลส่องดาว",
            "สมัยสามัญ สมัยที่ ๓ ครั้งที่ ๑/๒๕๖๘",
            "เมื่อวันที่ ๑๕ สิงหาคม พ.ศ. ๒๕๖๘",
            "ณ ห้องประชุมสภาเทศบาลตำบลส่องดาว"
        ]
    );
    // The lists in order, numbered from ๑ each, with positions and reasons.
    let order: Vec<usize> = [
        "ผู้มาประชุม",
        "๗. นายสุริยา",
        "ผู้ไม่มาประชุม",
        "ติดราชการ",
        "ผู้เข้าร่วมประชุม",
        "เริ่มประชุมเวลา ๐๙.๓๐ น.",
    ]
    .iter()
    .map(|t| {
        lines
            .iter()
            .position(|l| l.text.contains(t))
            .unwrap_or_else(|| panic!("{t}"))
    })
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    assert!(
        lines
            .iter()
            .any(|l| l.text.contains("เลิกประชุมเวลา ๑๒.๑๕ น."))
    );
    // Every speech's words start at one tab stop, right of its speaker.
    let starts: Vec<f64> = [
        "แจ้งให้ที่ประชุมทราบว่า",
        "รับทราบ",
        "ขอเสนอร่าง",
        "สอบถามงบประมาณ",
        "ชี้แจงว่า",
    ]
    .iter()
    .map(|w| {
        let l = find(&lines, w);
        let runs = frames::runs(&letter.doc.pages()[l.page].frame);
        runs.iter()
            .filter(|r| {
                (r.y - l.y).abs() < 1.0 && r.text.contains(&w.chars().take(2).collect::<String>())
            })
            .map(|r| r.x)
            .fold(f64::MAX, f64::min)
    })
    .collect();
    assert!(
        starts.iter().all(|x| (x - starts[0]).abs() < 1.0),
        "{starts:?}"
    );
    assert!(starts[0] >= 3.0 * CM + 3.5 * CM - 1.0);
    // Signed by the minute-taker, then certified.
    let taker = lines
        .iter()
        .position(|l| l.text.contains("(นายสุริยา บุญเรือง)"))
        .unwrap();
    let certified = lines
        .iter()
        .position(|l| l.text.contains("(นายสมบัติ ใจกว้าง)"))
        .unwrap();
    assert!(taker < certified);
}

/// A meeting's long list of short entries stands in two columns, the first
/// half down the left and the rest down the right; a list of long entries
/// stays in one.
#[test]
fn a_long_attendance_list_of_short_entries_takes_two_columns() {
    let names = [
        "นายสมบัติ ใจกว้าง",
        "นางมาลัย ศรีสุข",
        "นายประยูร ทองคำ",
        "นายบุญมี พรมมา",
        "นางสุดา แก้วใส",
        "นายวีระ คำมูล",
        "นายสุริยา บุญเรือง",
        "นายชัย ดวงดี",
    ];
    let doc = |position: &str| {
        let present: Vec<_> = names
            .iter()
            .map(|n| json!({"name": n, "position": position}))
            .collect();
        json!({
            "kind": "minutes", "agency": {"name": "สภาองค์การบริหารส่วนตำบลหนองบัว"},
            "date": "2568-08-15", "meeting": {"number": "๒/๒๕๖๘", "present": present},
            "body": ["ประธานกล่าวเปิดการประชุม"],
            "signatory": {"name": "นายสุริยา บุญเรือง", "positions": ["ผู้จดรายงานการประชุม"]}
        })
    };
    // Eight members: four rows, the fifth member level with the first.
    let short = plain(&render_json(doc("ส.อบต.").to_string().as_bytes()));
    let first = find(&short, "นายสมบัติ");
    assert!(first.text.contains("นางสุดา"), "{}", first.text);
    assert!(first.text.find("นายสมบัติ") < first.text.find("นางสุดา"));
    assert!(find(&short, "นายบุญมี").text.contains("นายชัย"));
    let long = plain(&render_json(
        doc("สมาชิกสภาองค์การบริหารส่วนตำบลหนองบัว หมู่ที่ ๑")
            .to_string()
            .as_bytes(),
    ));
    assert!(
        !find(&long, "นายสมบัติ").text.contains("นางสุดา"),
        "a long list stays in one column"
    );
    assert!(find(&long, "นางสุดา").y > find(&long, "นายบุญมี").y);
}

/// A certificate may carry the heading agencies print over its text, centred
/// between the agency's block and the body; a regulation's closing chapter may
/// stand by its title alone and take no number.
#[test]
fn a_certificate_heading_and_an_unnumbered_chapter() {
    let mut doc: serde_json::Value = serde_json::from_slice(
        &std::fs::read(examples_dir().join("certificate-employment.json")).unwrap(),
    )
    .unwrap();
    doc["title"] = json!("หนังสือรับรอง");
    let lines = plain(&render_json(doc.to_string().as_bytes()));
    let heading = lines
        .iter()
        .find(|l| l.text.trim() == "หนังสือรับรอง")
        .expect("the heading");
    assert!(((heading.x0 + heading.x1) / 2.0 - 11.0 * CM).abs() < 1.0);
    assert!(heading.y > find(&lines, "ที่ ศธ").y && heading.y < find(&lines, "หนังสือฉบับนี้").y);

    let reg = json!({
        "kind": "bylaw", "agency": {"name": "มหาวิทยาลัยตัวอย่าง"}, "date": "2568-09-01",
        "subject": "การลา", "body": [
            {"type": "chapter", "title": "บททั่วไป"},
            {"type": "list", "style": "clause", "items": ["ข้อความหนึ่ง"]},
            {"type": "chapter", "title": "บทเฉพาะกาล", "numbered": false},
            {"type": "list", "style": "clause", "items": ["ข้อความสอง"]},
            {"type": "chapter", "title": "การลาป่วย"}
        ],
        "signatory": {"name": "นายหนึ่ง", "positions": ["นายกสภามหาวิทยาลัย"]}
    });
    let lines = plain(&render_json(reg.to_string().as_bytes()));
    let texts: Vec<&str> = lines.iter().map(|l| l.text.trim()).collect();
    let at = texts.iter().position(|t| *t == "บทเฉพาะกาล").unwrap();
    assert!(!texts[at - 1].starts_with("หมวด"), "{texts:?}");
    assert!(
        texts.contains(&"หมวด ๒"),
        "the next numbered chapter is หมวด ๒: {texts:?}"
    );
}

/// A release numbered by year prints its number as written, in the
/// document's digits; its owning unit, when given, follows its end.
#[test]
fn a_news_release_numbered_by_year_with_its_owning_unit() {
    let doc = json!({
        "kind": "news", "agency": "khonkaen-province", "date": "2569-03-02",
        "subject": "การจัดงานกาชาด", "issue": "35/2569",
        "body": ["จังหวัดขอนแก่นกำหนดจัดงานกาชาด ประจำปี ๒๕๖๙"],
        "contact": {"unit": ["สำนักงานประชาสัมพันธ์จังหวัด"], "phone": "๐ ๔๓๒๓ ๖๑๒๓"}
    });
    let lines = plain(&render_json(doc.to_string().as_bytes()));
    find(&lines, "ฉบับที่ ๓๕/๒๕๖๙");
    let date = find(&lines, "๒ มีนาคม ๒๕๖๙");
    let unit = find(&lines, "สำนักงานประชาสัมพันธ์จังหวัด");
    assert!(
        unit.y > date.y && unit.y < date.y + 6.0 * 20.8,
        "the unit follows the end"
    );
    assert!(find(&lines, "โทร. ๐ ๔๓๒๓ ๖๑๒๓").y > unit.y);
}
