//! Letters as records: PDF/A and PDF/UA output, read back with a PDF library
//! (lopdf) as an archive's ingest would read it: the standard declared in the
//! XMP metadata, title, author, language and date there, the output intent,
//! the tags, the images' alternate texts.

mod common;

use common::*;
use lopdf::{Dictionary, Document as Pdf, Object};
use saraban::PdfStandard;
use serde_json::json;

/// The catalogue's XMP metadata, as text.
fn xmp(pdf: &Pdf) -> String {
    let catalog = pdf.catalog().unwrap();
    let id = catalog.get(b"Metadata").unwrap().as_reference().unwrap();
    let stream = pdf.get_object(id).unwrap().as_stream().unwrap();
    let bytes = stream
        .decompressed_content()
        .unwrap_or_else(|_| stream.content.clone());
    String::from_utf8(bytes).unwrap()
}

fn load(bytes: &[u8]) -> Pdf {
    Pdf::load_mem(bytes).expect("a PDF lopdf reads")
}

/// A text string of a dictionary (PDFDocEncoding or UTF-16BE).
fn text(dict: &Dictionary, key: &[u8]) -> Option<String> {
    lopdf::decode_text_string(dict.get(key).ok()?).ok()
}

#[test]
fn a_pdf_a_letter_declares_its_standard_and_carries_its_metadata() {
    let letter = render_example("memo-phatthalung");
    let bytes = letter.pdf_as(Some(PdfStandard::A2b)).unwrap();
    let pdf = load(&bytes);
    let meta = xmp(&pdf);
    assert!(meta.contains("<pdfaid:part>2</pdfaid:part>"), "{meta}");
    assert!(
        meta.contains("<pdfaid:conformance>B</pdfaid:conformance>"),
        "{meta}"
    );
    // Title: the subject; author: the agency; Thai; dated as the letter.
    let subject = letter.prepared.view.doc_title.clone();
    assert!(
        meta.contains(&format!(">{subject}</rdf:li>")),
        "title: {meta}"
    );
    assert!(
        meta.contains("<rdf:li>สำนักงานเขตพื้นที่การศึกษาประถมศึกษาพัทลุง เขต ๒</rdf:li>"),
        "author: {meta}"
    );
    assert!(
        meta.contains("<dc:language><rdf:Bag><rdf:li>th</rdf:li>"),
        "{meta}"
    );
    assert!(meta.contains("<xmp:CreateDate>2020-04-24"), "date: {meta}");
    let catalog = pdf.catalog().unwrap();
    assert!(
        catalog.get(b"OutputIntents").is_ok(),
        "an output intent (sRGB)"
    );
    assert_eq!(text(catalog, b"Lang").as_deref(), Some("th"));
    // Without a standard the same letter declares none.
    let plain = load(&letter.pdf().unwrap());
    assert!(!xmp(&plain).contains("pdfaid:part"));
}

#[test]
fn an_agency_profile_chooses_the_standard_and_a_request_may_override_it() {
    let doc = json!({
        "kind": "memo",
        "agency": {"name": "สำนักงานจังหวัดขอนแก่น", "pdf_standard": "a-3b"},
        "date": "2568-06",
        "subject": "ขอส่งรายงาน",
        "to": "ผู้ว่าราชการจังหวัดขอนแก่น",
        "body": ["ตามที่ได้รับมอบหมาย บัดนี้ได้ดำเนินการเสร็จแล้ว"],
        "signatory": {"name": "นายหนึ่ง สองสาม", "positions": ["หัวหน้าสำนักงานจังหวัดขอนแก่น"]}
    });
    let letter = render_json(doc.to_string().as_bytes());
    let meta = xmp(&load(&letter.pdf().unwrap()));
    assert!(meta.contains("<pdfaid:part>3</pdfaid:part>"), "{meta}");
    // A letter without a day (left for the pen) is dated when it was made.
    assert!(meta.contains("<xmp:CreateDate>20"), "{meta}");
    let meta = xmp(&load(&letter.pdf_as(Some(PdfStandard::A2u)).unwrap()));
    assert!(meta.contains("<pdfaid:part>2</pdfaid:part>"), "{meta}");
    assert!(
        meta.contains("<pdfaid:conformance>U</pdfaid:conformance>"),
        "{meta}"
    );
}

/// Every structure element of the tree, depth first (copies).
fn elements(pdf: &Pdf) -> Vec<Dictionary> {
    let catalog = pdf.catalog().unwrap();
    let root = catalog
        .get_deref(b"StructTreeRoot", pdf)
        .unwrap()
        .as_dict()
        .unwrap();
    let mut out = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(d) = stack.pop() {
        let kids = match d.get(b"K") {
            Ok(Object::Array(a)) => a.clone(),
            Ok(o) => vec![o.clone()],
            Err(_) => vec![],
        };
        for kid in kids {
            let kid = match kid {
                Object::Reference(id) => pdf.get_object(id).ok().cloned(),
                o => Some(o),
            };
            if let Some(Object::Dictionary(dict)) = kid {
                stack.push(dict);
            }
        }
        out.push(d);
    }
    out
}

#[test]
fn a_tagged_letter_names_its_images_for_a_reader_who_cannot_see_them() {
    for (example, standard) in [
        ("memo-phatthalung", PdfStandard::Ua1),
        ("certificate-employment", PdfStandard::A2a),
        ("stamped-circular", PdfStandard::Ua1),
    ] {
        let letter = render_example(example);
        let bytes = letter.pdf_as(Some(standard)).unwrap();
        let pdf = load(&bytes);
        let figures: Vec<String> = elements(&pdf)
            .iter()
            .filter(|d| d.get(b"S").ok().and_then(|s| s.as_name().ok()) == Some(&b"Figure"[..]))
            .map(|d| text(d, b"Alt").unwrap_or_default())
            .collect();
        assert!(
            figures.contains(&"ตราครุฑ".to_string()),
            "{example}: {figures:?}"
        );
        assert!(
            figures.iter().all(|a| !a.is_empty()),
            "{example}: {figures:?}"
        );
        if example == "certificate-employment" {
            assert!(
                figures.iter().any(|a| a == "รูปถ่าย นางสาวกมลวรรณ ศรีสุข"),
                "{figures:?}"
            );
        }
        if example == "stamped-circular" {
            assert!(
                figures.iter().any(|a| a.starts_with("ตราประทับ")),
                "{figures:?}"
            );
        }
        let catalog = pdf.catalog().unwrap();
        let marked = catalog
            .get_deref(b"MarkInfo", &pdf)
            .unwrap()
            .as_dict()
            .unwrap()
            .get(b"Marked")
            .unwrap()
            .as_bool()
            .unwrap();
        assert!(marked, "{example}: tagged");
    }
}

/// The headings a reader jumps between: the title lines (a memo's
/// `บันทึกข้อความ`) are one H1 and each chapter (`หมวด`) or heading of the
/// body an H2 whose title is its text, as PDF/UA asks; the page looks as it
/// did before headings were tagged (tests/golden.rs).
#[test]
fn title_lines_and_chapters_are_tagged_as_headings() {
    for (example, standard) in [
        ("regulation-university", Some(PdfStandard::Ua1)),
        ("announcement-clauses", Some(PdfStandard::Ua1)),
        ("statement-health", None),
        ("memo-phatthalung", Some(PdfStandard::Ua1)),
    ] {
        let letter = render_example(example);
        let pdf = load(&letter.pdf_as(standard).unwrap());
        let heads = |level: &[u8]| -> Vec<String> {
            elements(&pdf)
                .iter()
                .filter(|d| d.get(b"S").ok().and_then(|s| s.as_name().ok()) == Some(level))
                .map(|d| squash(&text(d, b"T").unwrap_or_default()))
                .collect()
        };
        let view = &letter.prepared.view;
        let title: String = if view.kind == "memo" {
            "บันทึกข้อความ".to_string()
        } else {
            view.title_lines.iter().map(|t| squash(&t.flat())).collect()
        };
        assert_eq!(heads(b"H1"), vec![title], "{example}");
        let mut chapters: Vec<String> = view
            .body
            .iter()
            .filter_map(|b| match b {
                saraban::view::ViewBlock::Heading { text, .. } => Some(squash(&text.flat())),
                _ => None,
            })
            .collect();
        let mut h2 = heads(b"H2");
        h2.sort();
        chapters.sort();
        assert_eq!(h2, chapters, "{example}");
        if example == "regulation-university" {
            assert!(
                chapters.iter().any(|c| c.starts_with("หมวด")),
                "{chapters:?}"
            );
        }
    }
}

/// What typst cannot make conform is an error that names the field and the
/// standard, with typst's reason, never a PDF that only claims to conform.
/// (typst 0.15 cannot tag a table with rows that span as PDF/UA-1 wants.)
#[test]
fn a_letter_that_cannot_conform_says_why() {
    let letter = render_example("measures-activities");
    let err = letter
        .pdf_as(Some(PdfStandard::Ua1))
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("pdf_standard: "), "{err}");
    assert!(
        err.contains("ua-1") && err.contains("PDF/UA-1 error"),
        "{err}"
    );
    // The same letter as PDF/A-2b is fine.
    letter.pdf_as(Some(PdfStandard::A2b)).unwrap();
}

/// Numbered items are a list for a reader of the PDF: each run of items an
/// `L`, each item an `LI` whose `LBody` holds its paragraph (number included,
/// as printed), sub-items a list of their own. PDF/UA-1 accepts the nesting;
/// the page looks as it did before (tests/golden.rs).
#[test]
fn numbered_items_are_tagged_as_lists() {
    for (example, standard) in [
        // Its activity tables span rows, which typst 0.15 cannot tag for UA.
        ("measures-activities", None),
        ("regulation-university", Some(PdfStandard::Ua1)),
        ("order", None),
        ("memo-approval", Some(PdfStandard::Ua1)),
    ] {
        let letter = render_example(example);
        let pdf = load(&letter.pdf_as(standard).unwrap());
        let all = elements(&pdf);
        let tag = |d: &Dictionary| -> Vec<u8> {
            d.get(b"S")
                .ok()
                .and_then(|s| s.as_name().ok())
                .unwrap_or_default()
                .to_vec()
        };
        let count = |name: &[u8]| all.iter().filter(|d| tag(d) == name).count();
        // One LI per item the view holds (an item the layout pass cut is
        // still one item).
        let items = letter
            .prepared
            .view
            .body
            .iter()
            .filter(|b| matches!(b, saraban::view::ViewBlock::Item { .. }))
            .count();
        assert!(items > 0, "{example} has items");
        assert_eq!(count(b"LI"), items, "{example}");
        assert!(count(b"L") >= 1, "{example}");
        assert_eq!(count(b"LBody"), items, "{example}");
        // Every LI sits in an L, and every LBody in an LI.
        for d in &all {
            let parent = |d: &Dictionary| {
                let id = d.get(b"P").unwrap().as_reference().unwrap();
                tag(pdf.get_object(id).unwrap().as_dict().unwrap())
            };
            match tag(d).as_slice() {
                b"LI" => assert_eq!(parent(d), b"L", "{example}"),
                b"LBody" => assert_eq!(parent(d), b"LI", "{example}"),
                _ => {}
            }
        }
    }
}
