//! The JSON Schema is as strict as every rule a static schema can state: a
//! document `check` refuses for its shape, the schema refuses too, and every
//! example and letter passes both.

mod common;

use common::*;
use serde_json::{Value, json};

fn validator() -> jsonschema::Validator {
    jsonschema::validator_for(&saraban::schema()).expect("the schema compiles")
}

#[test]
fn every_example_and_letter_fits_the_schema() {
    let v = validator();
    for file in example_files().into_iter().chain(letter_files()) {
        let doc: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        let errors: Vec<String> = v
            .iter_errors(&doc)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", file.display());
    }
}

#[test]
fn what_check_refuses_for_its_shape_the_schema_refuses() {
    let v = validator();
    let base = json!({
        "kind": "external", "agency": "khonkaen-province", "subject": "ทดสอบ", "to": "ผู้รับ",
        "body": ["ข้อความ"], "signatory": {"name": "นายทดสอบ ระบบ"}
    });
    assert!(v.is_valid(&base));
    /// A way to spoil the document, named.
    type Spoil = (&'static str, Box<dyn Fn(&mut Value)>);
    let cases: Vec<Spoil> = vec![
        (
            "empty name",
            Box::new(|d| d["signatory"]["name"] = json!("")),
        ),
        ("empty subject", Box::new(|d| d["subject"] = json!(""))),
        ("no body", Box::new(|d| d["body"] = json!([]))),
        (
            "memo without subject",
            Box::new(|d| {
                d["kind"] = json!("memo");
                d.as_object_mut().unwrap().remove("subject");
            }),
        ),
        (
            "external without to",
            Box::new(|d| {
                d.as_object_mut().unwrap().remove("to");
            }),
        ),
        (
            "unsigned letter",
            Box::new(|d| {
                d.as_object_mut().unwrap().remove("signatory");
            }),
        ),
        (
            "standard without title",
            Box::new(|d| d["kind"] = json!("standard")),
        ),
        (
            "number 0",
            Box::new(|d| d["reference"] = json!({"number": 0})),
        ),
        (
            "number with letters",
            Box::new(|d| d["reference"] = json!({"number": "02a"})),
        ),
        (
            "budget abc",
            Box::new(|d| {
                d["body"] =
                    json!([{"type": "activities", "rows": [{"project": "ก", "budget": "abc"}]}]);
            }),
        ),
        (
            "empty list",
            Box::new(|d| d["body"] = json!([{"type": "list", "items": []}])),
        ),
        (
            "list start 0",
            Box::new(|d| d["body"] = json!([{"type": "list", "start": 0, "items": ["ก"]}])),
        ),
        (
            "table without headers",
            Box::new(|d| d["body"] = json!([{"type": "table", "headers": [], "rows": []}])),
        ),
        (
            "table type too big",
            Box::new(|d| {
                d["body"] =
                    json!([{"type": "table", "headers": ["ก"], "rows": [], "font_size_pt": 40}])
            }),
        ),
        (
            "eleven pen lines",
            Box::new(|d| {
                d["kind"] = json!("memo");
                d["endorsements"] = json!([{"name": "ก", "fill_lines": 11}]);
            }),
        ),
        ("unknown field", Box::new(|d| d["subjekt"] = json!("x"))),
        ("unknown kind", Box::new(|d| d["kind"] = json!("letter"))),
        (
            "bad list style",
            Box::new(|d| d["body"] = json!([{"type": "list", "style": "roman", "items": ["ก"]}])),
        ),
        (
            "issue 0",
            Box::new(|d| {
                d["kind"] = json!("statement");
                d["issue"] = json!(0);
            }),
        ),
    ];
    let engine = saraban::Engine::shared();
    for (what, change) in cases {
        let mut doc = base.clone();
        change(&mut doc);
        assert!(
            !v.is_valid(&doc),
            "the schema takes a document with {what}: {doc}"
        );
        // And the service refuses it as well.
        let refused = match saraban::compose::parse(doc.to_string().as_bytes()) {
            Err(_) => true,
            Ok(d) => saraban::compose::check(&engine, &d, &saraban::Agencies::built_in()).is_err(),
        };
        assert!(refused, "check takes a document with {what}");
    }
}
