//! Bad input gets a clear error naming the field; never a panic.

mod common;

use common::{ods_with_stray_value, valid_letter};
use saraban::{Agencies, compose};

fn problems(json: &str) -> Vec<String> {
    let doc = match compose::parse(json.as_bytes()) {
        Ok(d) => d,
        Err(p) => return p.0.iter().map(|p| p.to_string()).collect(),
    };
    match compose::check(&saraban::Engine::shared(), &doc, &Agencies::built_in()) {
        Ok(_) => vec![],
        Err(p) => p.0.iter().map(|p| p.to_string()).collect(),
    }
}

fn with(f: impl FnOnce(&mut serde_json::Value)) -> Vec<String> {
    let mut v = valid_letter();
    f(&mut v);
    problems(&v.to_string())
}

fn has(problems: &[String], want: &str) {
    assert!(
        problems.iter().any(|p| p.contains(want)),
        "expected a problem containing '{want}', got {problems:?}"
    );
}

#[test]
fn a_good_document_has_no_problems() {
    assert_eq!(with(|_| {}), Vec::<String>::new());
}

#[test]
fn missing_and_empty_fields_are_named() {
    has(
        &with(|v| v["signatory"]["name"] = "  ".into()),
        "signatory.name: must not be empty",
    );
    has(
        &with(|v| {
            v["signatory"].as_object_mut().unwrap().remove("name");
        }),
        "signatory.name: is required",
    );
    has(
        &with(|v| {
            v.as_object_mut().unwrap().remove("subject");
        }),
        "subject: is required",
    );
    has(
        &with(|v| {
            v.as_object_mut().unwrap().remove("to");
        }),
        "to: is required",
    );
    has(
        &with(|v| v["body"][0] = "".into()),
        "body[0]: must not be empty",
    );
}

#[test]
fn malformed_values_are_named() {
    has(&with(|v| v["date"] = "15/06/62".into()), "date:");
    has(&with(|v| v["date"] = "2900-06-15".into()), "(Buddhist era)");
    has(&with(|v| v["date"] = "2019-02-30".into()), "date:");
    has(&with(|v| v["kind"] = "letterx".into()), "kind");
    has(
        &with(|v| v["agency"] = "nowhere".into()),
        "agency: unknown agency 'nowhere'",
    );
    has(
        &with(|v| v["reference"]["number"] = 0.into()),
        "reference.number: must be 1 or more",
    );
    has(
        &with(|v| v["reference"]["code"] = "ขก17".into()),
        "reference.code",
    );
    has(
        &with(|v| v["signatory"]["name"] = 42.into()),
        "signatory.name",
    );
    has(
        &with(|v| v["subject"] = "a\u{0007}b".into()),
        "subject: contains the control character",
    );
    has(&with(|v| v["unknown_field"] = 1.into()), "unknown field");
    has(
        &with(|v| {
            v["body"] =
                serde_json::json!([{"type": "table", "headers": ["a", "b"], "rows": [["1"]]}])
        }),
        "body[0].rows[0]: fills 1 of 2 columns",
    );
    has(
        &with(
            |v| v["body"] = serde_json::json!([{"type": "activities", "rows": [{"project": "x", "budget": "1.234"}]}]),
        ),
        "body[0].rows[0].budget",
    );
    has(
        &with(|v| v["signatory"]["signature_image"] = "http://example.org/a.png".into()),
        "signatory.signature_image",
    );
}

#[test]
fn malformed_json_is_an_error_not_a_panic() {
    let p = problems("{\"kind\": \"external\", ");
    has(&p, "malformed JSON");
    let p = problems("[]");
    assert!(!p.is_empty());
    let p = problems("");
    assert!(!p.is_empty());
}

#[test]
fn overlong_text_is_refused() {
    has(
        &with(|v| v["subject"] = "ก".repeat(30_000).into()),
        "subject: is 30000 characters long",
    );
}

#[test]
fn schema_lists_the_kinds() {
    let s = saraban::schema().to_string();
    for k in [
        "external",
        "circular",
        "memo",
        "announcement",
        "order",
        "standard",
    ] {
        assert!(
            s.contains(&format!("\"{k}\"")),
            "{k} missing from the schema"
        );
    }
}

#[test]
fn committee_members_need_a_name_or_a_position() {
    let p = with(|v| {
        v["body"] = serde_json::json!([
            "แต่งตั้งคณะกรรมการ ประกอบด้วย",
            {"type": "members", "members": [
                {"name": "นายสมชาย ใจดี", "role": "ประธานกรรมการ"},
                {"role": "กรรมการ"}
            ]}
        ]);
    });
    has(&p, "body[1].members[1]: needs a name or a position");
    assert_eq!(p.len(), 1, "{p:?}");
    let p = with(|v| v["body"] = serde_json::json!([{"type": "members", "members": []}]));
    has(&p, "body[0].members: must list at least one member");
    let p = with(|v| {
        v["body"] =
            serde_json::json!([{"type": "members", "members": [{"name": "นาย ก", "rank": "x"}]}]);
    });
    has(&p, "rank");
}

#[test]
fn a_distribution_group_needs_recipients() {
    let p = with(|v| {
        v["kind"] = serde_json::json!("circular");
        v["distribution"] = serde_json::json!({"recipients": [
            "ปลัดจังหวัด",
            {"group": "อำเภอ", "recipients": []},
            {"group": " ", "recipients": ["นายอำเภอ", ""]}
        ]});
    });
    has(
        &p,
        "distribution.recipients[1].recipients: must list at least one recipient",
    );
    has(&p, "distribution.recipients[2].group: must not be empty");
    has(
        &p,
        "distribution.recipients[2].recipients[1]: must not be empty",
    );
}

#[test]
fn a_salutation_typed_twice_must_agree() {
    assert_eq!(
        with(|v| v["to"] = "เรียน ผู้ว่าราชการจังหวัด".into()),
        Vec::<String>::new()
    );
    has(
        &with(|v| {
            v["to"] = "กราบเรียน นายกรัฐมนตรี".into();
            v["salutation"] = "เรียน".into();
        }),
        "to: starts with กราบเรียน but salutation is เรียน",
    );
    has(
        &with(|v| v["to"] = "เรียน   ".into()),
        "to: must not be empty",
    );
    has(
        &with(|v| v["salutation"] = "ถึง".into()),
        "salutation: unknown variant",
    );
}

#[test]
fn list_numbers_start_at_one_or_more() {
    has(
        &with(|v| v["body"] = serde_json::json!([{"type": "list", "start": 0, "items": ["ข้อ"]}])),
        "body[0].start: must be 1 or more",
    );
}

#[test]
fn list_numbers_stop_where_labels_would_run_away() {
    // `ฌฌฌ…` grows a letter every 41 items: a list from 4,294,967,295 took
    // gigabytes.
    for (block, field) in [
        (
            serde_json::json!({"type": "list", "style": "letter", "start": 4_294_967_295u32, "items": ["ข้อ"]}),
            "body[0].start",
        ),
        (
            serde_json::json!({"type": "members", "start": 10_001, "members": [{"name": "นายสมชาย ใจดี"}]}),
            "body[0].start",
        ),
    ] {
        has(
            &with(|v| v["body"] = serde_json::json!([block])),
            &format!("{field}: must be at most 10000"),
        );
    }
    assert_eq!(
        with(
            |v| v["body"] = serde_json::json!([{"type": "list", "start": 10_000, "items": ["ข้อ"]}])
        ),
        Vec::<String>::new()
    );
}

#[test]
fn table_widths_that_add_up_to_infinity_are_named() {
    let table = |widths: serde_json::Value| serde_json::json!([{"type": "table", "headers": ["ก", "ข"], "rows": [["๑", "๒"]], "widths": widths}]);
    has(
        &with(|v| v["body"] = table(serde_json::json!([1e308, 1]))),
        "body[0].widths: needs 2 numbers above 0, at most 10000",
    );
    assert_eq!(
        with(|v| v["body"] = table(serde_json::json!([35, 120]))),
        Vec::<String>::new()
    );
}

#[test]
fn an_image_that_would_decode_to_gigabytes_is_refused_at_its_field() {
    use base64::Engine as _;
    // A PNG header claiming 20,000 × 20,000 pixels: its size is read before
    // anything is decoded.
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend(20_000u32.to_be_bytes());
    png.extend(20_000u32.to_be_bytes());
    png.extend([8, 6, 0, 0, 0, 0, 0, 0, 0]);
    let uri = format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(&png)
    );
    has(
        &with(|v| v["signatory"]["signature_image"] = uri.into()),
        "signatory.signature_image: the image is 20000 × 20000 pixels; at most 25 million",
    );
}

#[test]
fn a_signature_of_thousands_of_lines_is_named() {
    let lines: Vec<String> = (0..5000).map(|i| format!("ตำแหน่ง {i}")).collect();
    has(
        &with(|v| v["signatory"]["positions"] = serde_json::json!(lines)),
        "signatory.positions: 5000 lines; a signature takes at most 12",
    );
}

#[test]
fn a_wrong_value_deep_in_a_block_is_named_where_it_is() {
    has(
        &with(|v| {
            v["body"] =
                serde_json::json!([{"type": "list", "items": [{"text": "ข้อ", "bold": null}]}])
        }),
        "body[0].items[0].bold: is not of type \"boolean\"",
    );
    has(
        &with(|v| v["agency"] = serde_json::json!({"name": "สำนักงานทดสอบ", "digits": "roman"})),
        "agency.digits: is not one of",
    );
}

#[test]
fn a_spreadsheet_cell_far_off_the_grid_is_named_not_allocated() {
    use std::io::Write;
    // A minimal workbook: one sheet, a header, one recipient, and a stray
    // value at XFD1048576 (a dense sheet of it would be 17 billion cells).
    let part = |z: &mut zip::ZipWriter<std::io::Cursor<Vec<u8>>>, name: &str, text: &str| {
        z.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(text.as_bytes()).unwrap();
    };
    let book = |far: &str| {
        let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        part(
            &mut z,
            "[Content_Types].xml",
            r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
        );
        part(
            &mut z,
            "_rels/.rels",
            r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        );
        part(
            &mut z,
            "xl/workbook.xml",
            r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        );
        part(
            &mut z,
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        );
        part(
            &mut z,
            "xl/worksheets/sheet1.xml",
            &format!(
                r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>โรงเรียนบ้านโนน</t></is></c></row>{far}</sheetData></worksheet>"#
            ),
        );
        z.finish().unwrap().into_inner()
    };
    let options = saraban::recipients::ReadOptions::default();
    let ok = saraban::recipients::read_bytes("r.xlsx", &book(""), &options).unwrap();
    assert_eq!(ok.rows.len(), 1);
    let far = r#"<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>"#;
    let err = saraban::recipients::read_bytes("r.xlsx", &book(far), &options)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        err.contains(r#"sheet "S": has a cell at XFD1048576, beyond the"#),
        "{err}"
    );
}

#[test]
fn an_empty_body_is_named() {
    has(
        &with(|v| v["body"] = serde_json::json!([])),
        "body: is empty: a letter needs at least one paragraph",
    );
}

#[test]
fn endorsements_belong_to_memos() {
    let note = serde_json::json!([{"text": ["อนุมัติ"], "name": "นายผู้อนุมัติ ใจดี"}]);
    has(
        &with(|v| v["endorsements"] = note.clone()),
        "endorsements: only a memo (its minutes) or a meeting's minutes (their certifications) carry endorsements",
    );
    has(
        &with(|v| {
            v["kind"] = "memo".into();
            v["endorsements"] =
                serde_json::json!([{"text": [], "name": " ", "date": "2025-13-01"}]);
        }),
        "endorsements[0].name: must not be empty",
    );
}

#[test]
fn a_bad_reference_number_says_what_is_wrong() {
    has(
        &with(|v| v["reference"] = serde_json::json!({"number": -5})),
        // The schema names the field inside the form serde refused.
        "reference.number: is less than the minimum of 1",
    );
    has(
        &with(|v| v["reference"] = serde_json::json!({"numbr": 5})),
        "reference.numbr: unknown field",
    );
}

#[test]
fn a_character_no_font_has_is_named() {
    let doc = |v: serde_json::Value| compose::parse(v.to_string().as_bytes()).unwrap();
    let engine = saraban::Engine::shared();
    let mut v = valid_letter();
    v["subject"] = "ทดสอบ 漢字".into();
    v["body"] = serde_json::json!(["ย่อหน้า", {"type": "list", "items": ["ข้อ ✓ ถูก", "ข้อ 🙏"]}]);
    let got: Vec<String> = match compose::check(&engine, &doc(v), &Agencies::built_in()) {
        Ok(_) => vec![],
        Err(p) => p.0.iter().map(|p| p.to_string()).collect(),
    };
    has(
        &got,
        "subject: the character 漢 (U+6F22) is in none of the fonts",
    );
    has(
        &got,
        "body[1].items[1]: the character 🙏 (U+1F64F) is in none of the fonts",
    );
    // Thai, Latin, and ✓ (from the fallback font) print.
    assert!(
        !got.iter().any(|p| p.contains("body[1].items[0]")),
        "{got:?}"
    );
    assert!(compose::check_texts(&engine, &doc(valid_letter())).is_ok());
}

#[test]
fn a_table_total_row_is_as_long_as_the_header() {
    has(
        &with(|v| {
            v["body"] = serde_json::json!([{"type": "table", "headers": ["รายการ", "บาท"],
                "rows": [["ก", "๑"]], "total": ["รวม", "๑", "เกิน"]}])
        }),
        "body[0].total: has 3 cells; the header has 2",
    );
}

#[test]
fn every_problem_with_the_shape_is_named_at_once() {
    // serde stops at the first; the schema names the others.
    let found = with(|v| {
        v["reference"] = serde_json::json!({"number": 0});
        v["body"] = serde_json::json!([]);
        v["signatory"]["name"] = 5.into();
        v["urgency"] = "soon".into();
        v.as_object_mut().unwrap().remove("subject");
    });
    for field in [
        "reference.number:",
        "body:",
        "signatory.name:",
        "urgency:",
        "subject: is required",
    ] {
        has(&found, field);
    }
    // Each place once.
    let mut fields: Vec<&str> = found.iter().map(|p| p.split(':').next().unwrap()).collect();
    let all = fields.len();
    fields.dedup();
    assert_eq!(fields.len(), all, "{found:?}");
    // A value quoted whole is left out of a message: the field says where.
    assert!(found.iter().all(|p| p.chars().count() < 260), "{found:?}");
}

#[test]
fn a_spreadsheet_that_lies_about_its_unpacked_size_is_refused_before_it_is_read() {
    use std::io::Write;
    // A sheet whose XML is padded with 130 MB of spaces (deflated to a few
    // hundred kilobytes), then its sizes rewritten to say 1 KB: the reader
    // would unpack it whole.
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    z.start_file(
        "xl/worksheets/sheet1.xml",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    let spaces = vec![b' '; 1 << 20];
    for _ in 0..130 {
        z.write_all(&spaces).unwrap();
    }
    let mut bytes = z.finish().unwrap().into_inner();
    let forge = |bytes: &mut Vec<u8>, signature: &[u8], size_at: usize| {
        let at = bytes
            .windows(4)
            .position(|w| w == signature)
            .expect("header");
        bytes[at + size_at..at + size_at + 4].copy_from_slice(&1024u32.to_le_bytes());
    };
    forge(&mut bytes, b"PK\x03\x04", 22); // local header: uncompressed size
    forge(&mut bytes, b"PK\x01\x02", 24); // central directory: uncompressed size
    let options = saraban::recipients::ReadOptions::default();
    let err = saraban::recipients::read_bytes("r.xlsx", &bytes, &options)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        err.contains("unpacks to more than 128 MB; a recipients list may unpack to at most 128 MB"),
        "{err}"
    );
}

#[test]
fn an_ods_sheet_repeating_empty_rows_to_a_far_value_is_refused_before_it_is_unpacked() {
    // Two kilobytes that ask the ODS reader for 90 million cells (6 GB).
    let options = saraban::recipients::ReadOptions::default();
    let read = |rows: u32| {
        saraban::recipients::read_bytes("r.ods", &ods_with_stray_value(rows), &options)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    };
    let err = read(90_000);
    assert!(
        err.contains(r#"sheet "S": spans 90003 rows by 999 columns; a recipients list may hold at most 4000000 cells"#),
        "{err}"
    );
    // A few empty rows between are a sheet like any other (the stray value
    // is then named as a column the first row does not name), and the
    // trailing empty rows LibreOffice writes count for nothing.
    let err = read(3);
    assert!(err.contains("which the first row does not name"), "{err}");
}

#[test]
fn an_xls_sheet_with_a_value_at_its_last_cell_is_refused_before_it_is_read() {
    let read = |name: &str| {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/recipients")
            .join(name);
        saraban::recipients::read(&path, &saraban::recipients::ReadOptions::default())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    };
    // Five kilobytes that calamine would make 16.7 million cells of.
    let err = read("stray-far.xls");
    assert!(
        err.contains(r#"stray-far.xls: sheet "รายชื่อ": spans 65536 rows by 256 columns; a recipients list may hold at most 4000000 cells"#),
        "{err}"
    );
    // The same stray value near the list: read, and named as a column the
    // header does not name.
    let err = read("stray-near.xls");
    assert!(err.contains("which the first row does not name"), "{err}");
}
