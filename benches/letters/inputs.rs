//! The letters every measurement uses, saraban's and the peers' alike: the
//! one-page letter (`bench/one-page.json`), distinct one-page letters made from
//! it, and the circular of `examples/batch-circular.json` to generated schools.

use std::path::{Path, PathBuf};

use saraban::merge::{self, Merge};
use serde_json::{Map, Value, json};

/// The repository's root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// ASCII digits to Thai digits.
pub fn thai_digits(n: usize) -> String {
    saraban::thai::to_thai_digits(&n.to_string())
}

/// The one-page external letter.
pub fn one_page() -> Value {
    read_json(&root().join("bench/one-page.json"))
}

/// Whom the distinct letters go to, and what their request was about.
const ADDRESSEES: &[(&str, &str)] = &[
    ("อธิการบดีมหาวิทยาลัยขอนแก่น", "มหาวิทยาลัยขอนแก่น"),
    ("อธิการบดีมหาวิทยาลัยราชภัฏขอนแก่น", "มหาวิทยาลัยราชภัฏขอนแก่น"),
    ("ผู้อำนวยการโรงพยาบาลขอนแก่น", "โรงพยาบาลขอนแก่น"),
    ("นายแพทย์สาธารณสุขจังหวัดขอนแก่น", "สำนักงานสาธารณสุขจังหวัดขอนแก่น"),
    ("พัฒนาการจังหวัดขอนแก่น", "สำนักงานพัฒนาชุมชนจังหวัดขอนแก่น"),
    ("นายกเทศมนตรีนครขอนแก่น", "เทศบาลนครขอนแก่น"),
    ("ผู้อำนวยการวิทยาลัยเทคนิคขอนแก่น", "วิทยาลัยเทคนิคขอนแก่น"),
    ("คลังจังหวัดขอนแก่น", "สำนักงานคลังจังหวัดขอนแก่น"),
];

const TOPICS: &[&str] = &[
    "การใช้ดุลพินิจของเจ้าหน้าที่ของรัฐ",
    "การป้องกันการทุจริตในภาครัฐ",
    "การประเมินคุณธรรมและความโปร่งใส",
    "ธรรมาภิบาลในการบริหารงานภาครัฐ",
    "การจัดซื้อจัดจ้างภาครัฐ",
    "การบริหารความเสี่ยงในองค์กร",
    "จริยธรรมของเจ้าหน้าที่ของรัฐ",
    "การบริการประชาชนด้วยระบบดิจิทัล",
];

const MONTHS: &[&str] = &["มิถุนายน", "กรกฎาคม", "สิงหาคม", "กันยายน"];

/// Distinct letter `i`: the one-page letter with its own addressee, reference
/// number, and words in both paragraphs of its body, so no paragraph is laid out
/// twice in a run (typst's memo cache cannot reuse a layout).
pub fn distinct(base: &Value, i: usize) -> Value {
    let mut d = base.clone();
    let (to, org) = ADDRESSEES[i % ADDRESSEES.len()];
    let topic = TOPICS[(i / ADDRESSEES.len()) % TOPICS.len()];
    let month = MONTHS[(i / 7) % MONTHS.len()];
    let day = thai_digits(1 + i % 28);
    let round = thai_digits(i + 1);
    d["to"] = json!(to);
    d["reference"]["number"] = json!(10_000 + i);
    d["body"][0] = json!(format!(
        "ตามที่{org}แจ้งความประสงค์ให้การสนับสนุนทางวิชาการแก่ส่วนราชการในจังหวัดขอนแก่น ความละเอียดแจ้งแล้ว นั้น"
    ));
    d["body"][1] = json!(format!(
        "จังหวัดขอนแก่นกำหนดจัดโครงการเสริมสร้างคุณธรรมและความโปร่งใส รุ่นที่ {round} ในวันที่ {day} {month} ๒๕๖๗ จึงขอความอนุเคราะห์มอบหมายบุคลากรเป็นวิทยากรบรรยายในหัวข้อ{topic}"
    ));
    d
}

/// The circular of `examples/batch-circular.json` (its `document`), whose
/// placeholders are filled per recipient.
pub fn circular_template() -> Value {
    read_json(&root().join("examples/batch-circular.json"))["document"].clone()
}

const VILLAGE_A: &[&str] = &[
    "หนอง",
    "โนน",
    "ดอน",
    "โคก",
    "นา",
    "ห้วย",
    "บ่อ",
    "ท่า",
    "หัว",
    "กุด",
    "คำ",
    "วัง",
    "ดง",
    "สระ",
    "หนองบัว",
    "ทุ่ง",
];
const VILLAGE_B: &[&str] = &[
    "แดง",
    "ใหญ่",
    "สว่าง",
    "ทอง",
    "ไผ่",
    "จาน",
    "ยาง",
    "ม่วง",
    "เรือ",
    "ขาม",
    "โพธิ์",
    "ศิลา",
    "หญ้าปล้อง",
    "ตะเคียน",
    "สำราญ",
    "เจริญ",
];
const SUFFIX: &[&str] = &["", "วิทยา", "ศึกษา", "พัฒนา"];

/// Recipient `i` of the circular: a school of the province, with its allocation.
pub fn school(i: usize) -> Map<String, Value> {
    let a = VILLAGE_A[i % VILLAGE_A.len()];
    let b = VILLAGE_B[(i / VILLAGE_A.len()) % VILLAGE_B.len()];
    let s = SUFFIX[(i / (VILLAGE_A.len() * VILLAGE_B.len())) % SUFFIX.len()];
    let name = format!("โรงเรียนบ้าน{a}{b}{s}");
    let amount = 20_000 + (i * 7_919 % 400) * 250;
    let mut m = Map::new();
    m.insert("position".into(), json!(format!("ผู้อำนวยการ{name}")));
    m.insert("office".into(), json!(name));
    m.insert("amount".into(), json!(amount));
    m.insert("file".into(), json!(format!("school-{i:05}")));
    m
}

/// The body of `POST /v1/batches` for the circular to `n` schools.
pub fn circular_request(n: usize) -> Value {
    let recipients: Vec<Value> = (0..n).map(|i| Value::Object(school(i))).collect();
    json!({
        "document": circular_template(),
        "recipients": recipients,
        "file_name": "{{seq}}-{{recipient.file}}.pdf",
    })
}

/// The body of `POST /v1/batches` for distinct letters `from..from + n`.
pub fn distinct_request(base: &Value, from: usize, n: usize) -> Value {
    let documents: Vec<Value> = (from..from + n).map(|i| distinct(base, i)).collect();
    json!({ "documents": documents })
}

/// Circular letters `0..n` as whole documents, filled as the server fills them.
pub fn circular_documents(n: usize) -> Vec<Value> {
    let merge =
        Merge::new(circular_template(), "document").expect("the circular's placeholders parse");
    (0..n)
        .map(|i| {
            let ctx = merge::context(Some(&school(i)), i + 1, n).expect("a recipient's context");
            merge.apply(&ctx).expect("every placeholder is filled")
        })
        .collect()
}
