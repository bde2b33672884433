//! The command line, through the built binary: `saraban batch` on real
//! spreadsheet and CSV files (tests/data/recipients, made by LibreOffice and
//! as Thai Excel saves CSV), and what `render` and `check` say.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

use common::{TempDir, ods_with_stray_value, pdf_text_with, saraban_command, succeeded};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/recipients")
        .join(name)
}

/// Runs `saraban batch LETTER --recipients FILE extra...`: (success, stderr).
fn batch(recipients: &str, extra: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_saraban"))
        .arg("batch")
        .arg(data("letter.json"))
        .arg("--recipients")
        .arg(data(recipients))
        .args(extra)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A two-kilobyte ODS that asks for 90 million cells, and a five-kilobyte
/// XLS with a value at its last cell (16.7 million), are refused with their
/// size named, within a gigabyte of address space (the spreadsheet reader
/// would take 6 GB and 1 GB, and the process die of it).
#[test]
fn a_spreadsheet_asking_for_gigabytes_is_refused_within_a_gigabyte() {
    let tmp = TempDir::new("ods-far");
    let ods = tmp.0.join("far.ods");
    std::fs::write(&ods, ods_with_stray_value(90_000)).unwrap();
    let xls = data("stray-far.xls");
    for (sheet, expected) in [
        (
            ods,
            r#"far.ods: sheet "S": spans 90003 rows by 999 columns"#,
        ),
        (
            xls,
            r#"stray-far.xls: sheet "รายชื่อ": spans 65536 rows by 256 columns"#,
        ),
    ] {
        let out = Command::new("sh")
            .arg("-c")
            .arg("ulimit -v 1000000 && exec \"$0\" batch \"$1\" --recipients \"$2\" -o \"$3\"")
            .arg(env!("CARGO_BIN_EXE_saraban"))
            .arg(data("letter.json"))
            .arg(&sheet)
            .arg(tmp.0.join("out.zip"))
            .env("SARABAN_LANG", "en")
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(err.contains(expected), "{err}");
    }
}

/// The text of each PDF in a ZIP, in order (poppler's `pdftotext -raw`).
fn zip_texts(path: &Path) -> Vec<(String, String)> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let dir = path.with_extension("d");
    std::fs::create_dir_all(&dir).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut entry = zip.by_index(i).unwrap();
            let name = entry.name().to_string();
            let pdf = dir.join(&name);
            std::io::copy(&mut entry, &mut std::fs::File::create(&pdf).unwrap()).unwrap();
            (name, pdf_text(&pdf))
        })
        .collect()
}

fn pdf_text(pdf: &Path) -> String {
    pdf_text_with(&std::fs::read(pdf).unwrap(), &["-raw"]).replace('\u{a0}', " ")
}

#[test]
fn a_circular_goes_to_each_row_of_a_spreadsheet() {
    let tmp = TempDir::new("sheet");
    let dir = tmp.0.clone();
    for file in ["schools.xlsx", "schools.ods"] {
        let out = dir.join(format!("{file}.zip"));
        let (ok, err) = batch(
            file,
            &[
                "-o",
                out.to_str().unwrap(),
                "--file-name",
                "{{seq}}-{{recipient.ชื่อโรงเรียน}}.pdf",
            ],
        );
        assert!(ok, "{file}: {err}");
        assert!(err.contains("3 letters, 3 pages"), "{err}");
        let texts = zip_texts(&out);
        let names: Vec<&str> = texts.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "1-โรงเรียนบ้านหนองใหญ่.pdf",
                "2-โรงเรียนวัดใหม่.pdf",
                "3-โรงเรียนบ้านโคก.pdf"
            ],
            "{file}: the empty row is skipped"
        );
        // Numbers read as numbers, dates as dates.
        assert!(texts[0].1.contains("๑๒,๐๐๐ บาท (หนึ่ง"), "{}", texts[0].1);
        assert!(texts[0].1.contains("๑๕ มิถุนายน ๒๕๖๘"), "{}", texts[0].1);
        assert!(texts[1].1.contains("๑,๕๐๐.๕๐ บาท"), "{}", texts[1].1);
        assert!(texts[2].1.contains("๑ กรกฎาคม ๒๕๖๘"), "{}", texts[2].1);
    }
}

#[test]
fn csv_as_thai_excel_saves_it_reads_the_same_with_or_without_a_bom() {
    let tmp = TempDir::new("csv");
    let dir = tmp.0.clone();
    let mut texts = Vec::new();
    for file in ["schools-windows-874.csv", "schools-bom.csv"] {
        let out = dir.join(format!("{file}.pdf"));
        let (ok, err) = batch(file, &["--merge", out.to_str().unwrap()]);
        assert!(ok, "{file}: {err}");
        texts.push(pdf_text(&out));
    }
    assert_eq!(texts[0], texts[1]);
    // Typed as the clerk typed them: `"12,000"`, Thai digits, `DD/MM/YYYY`.
    assert!(texts[0].contains("โรงเรียนบ้านหนองใหญ่ทราบว่า"), "{}", texts[0]);
    assert!(texts[0].contains("๑๒,๐๐๐ บาท") && texts[0].contains("๑,๕๐๐.๕๐ บาท"));
    assert!(texts[0].contains("๑๖ มิถุนายน ๒๕๖๘"));
    let (ok, err) = batch(
        "schools-windows-874.csv",
        &[
            "--encoding",
            "utf-8",
            "--merge",
            dir.join("x.pdf").to_str().unwrap(),
        ],
    );
    assert!(
        !ok && err.contains("schools-windows-874.csv: is not valid UTF-8 text"),
        "{err}"
    );
}

#[test]
fn a_bad_cell_is_named_and_nothing_is_written() {
    let tmp = TempDir::new("bad");
    let dir = tmp.0.clone();
    let out = dir.join("out.zip");
    let (ok, err) = batch("schools-bad.xlsx", &["-o", out.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        err.contains(r#"schools-bad.xlsx: sheet "โรงเรียน", row 6, column "งบประมาณ": the cell is an error (#DIV/0!)"#),
        "{err}"
    );
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        0,
        "nothing is left at OUT"
    );
    // A sheet without recipients, by number and by name.
    for sheet in ["2", "อื่น"] {
        let (ok, err) = batch(
            "schools.xlsx",
            &["--sheet", sheet, "-o", out.to_str().unwrap()],
        );
        assert!(!ok && err.contains("no recipients"), "{err}");
    }
    let (ok, err) = batch(
        "schools.xlsx",
        &["--sheet", "9", "-o", out.to_str().unwrap()],
    );
    assert!(
        !ok && err.contains("has no sheet '9' (its sheets: โรงเรียน, อื่น)"),
        "{err}"
    );
    // A value the letter cannot use is named at its row and column.
    std::fs::write(
        dir.join("money.csv"),
        "ชื่อโรงเรียน,ผู้อำนวยการ,งบประมาณ,วันที่\nก,ข,สองพัน,2025-06-15\n",
    )
    .unwrap();
    let out2 = Command::new(env!("CARGO_BIN_EXE_saraban"))
        .args(["batch"])
        .arg(data("letter.json"))
        .arg("--recipients")
        .arg(dir.join("money.csv"))
        .args(["-o"])
        .arg(&out)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out2.stderr);
    assert!(!out2.status.success());
    assert!(
        err.contains("money.csv: row 2, column \"งบประมาณ\""),
        "{err}"
    );
    assert!(!out.exists());
}

fn saraban(args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_saraban"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn render_takes_the_format_from_the_name_and_any_page() {
    let tmp = TempDir::new("render");
    let dir = tmp.0.clone();
    let png = dir.join("p2.png");
    let (ok, err) = saraban(&[
        "render",
        "examples/order.json",
        "-o",
        png.to_str().unwrap(),
        "--page",
        "2",
    ]);
    assert!(ok, "{err}");
    assert!(std::fs::read(&png).unwrap().starts_with(b"\x89PNG"));
    let (ok, err) = saraban(&[
        "render",
        "examples/order.json",
        "-o",
        png.to_str().unwrap(),
        "--page",
        "9",
    ]);
    assert!(
        !ok && err.contains("--page 9: the letter has 2 page(s)"),
        "{err}"
    );
    let (ok, err) = saraban(&[
        "render",
        "examples/order.json",
        "-o",
        png.to_str().unwrap(),
        "--dpi",
        "5000",
    ]);
    assert!(!ok && err.contains("5000 is outside 10..300"), "{err}");
}

#[test]
fn errors_name_the_file_and_never_a_question_mark() {
    let tmp = TempDir::new("errors");
    let dir = tmp.0.clone();
    let broken = dir.join("broken.json");
    std::fs::write(&broken, "{\"kind\": \"external\",").unwrap();
    let (ok, err) = saraban(&["check", broken.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        err.contains("broken.json: malformed JSON: EOF while parsing"),
        "{err}"
    );
    assert!(!err.contains('?'), "{err}");
    let (ok, err) = saraban(&["check", "no/such/letter.json"]);
    assert!(
        !ok && err.contains("no/such/letter.json: No such file"),
        "{err}"
    );
    // A directory of fonts or agencies that is not there is named.
    for option in ["--fonts", "--agencies"] {
        let (ok, err) = saraban(&["check", "examples/order.json", option, "no/such/dir"]);
        assert!(
            !ok && err.contains(&format!("{option} no/such/dir: No such file")),
            "{err}"
        );
    }
    // An endless input is not read to its end.
    let (ok, err) = saraban(&["check", "/dev/zero"]);
    assert!(!ok && err.contains("/dev/zero: larger than 64 MB"), "{err}");
    // A control character the document carried is written out, not obeyed.
    let escaped = dir.join("escape.json");
    std::fs::write(&escaped, r#"{"kind": "\u001b[31mred"}"#).unwrap();
    let (ok, err) = saraban(&["check", escaped.to_str().unwrap()]);
    assert!(
        !ok && !err.contains('\u{1b}') && err.contains("\\u{1b}"),
        "{err}"
    );
}

#[test]
fn a_document_saved_with_a_byte_order_mark_is_read() {
    let tmp = TempDir::new("bom");
    let with_bom = tmp.0.join("bom.json");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/order.json")).unwrap(),
    );
    std::fs::write(&with_bom, bytes).unwrap();
    let (ok, err) = saraban(&["check", with_bom.to_str().unwrap()]);
    assert!(ok, "{err}");
}

#[test]
fn a_batch_from_the_command_line_takes_its_numbers_from_the_register() {
    use saraban::register::RegisterStore;
    let tmp = TempDir::new("numbered");
    let dir = tmp.0.clone();
    let db = dir.join("register.sqlite");
    let mut letter: serde_json::Value =
        serde_json::from_slice(&std::fs::read(data("letter.json")).unwrap()).unwrap();
    letter["kind"] = "circular".into();
    letter["reference"] = "auto".into();
    letter["date"] = serde_json::json!(format!("{}-06-15", time_year()));
    let file = dir.join("auto.json");
    std::fs::write(&file, letter.to_string()).unwrap();
    let run = |numbering: &str, out: &str, with_db: bool| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_saraban"));
        cmd.arg("batch")
            .arg(&file)
            .arg("--recipients")
            .arg(data("schools.xlsx"))
            .args(["--numbering", numbering, "-o"])
            .arg(dir.join(out));
        if with_db {
            cmd.arg("--db").arg(&db);
        }
        let o = cmd.output().unwrap();
        (
            o.status.success(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let (ok, err) = run("each", "each.zip", false);
    assert!(!ok && err.contains("give --db"), "{err}");
    let (ok, err) = run("each", "each.zip", true);
    assert!(ok, "{err}");
    let texts = zip_texts(&dir.join("each.zip"));
    for (i, (_, text)) in texts.iter().enumerate() {
        let want = format!(
            "ขก ๐๐๑๗.๕/ว {}",
            saraban::thai::number(i as i64 + 1, saraban::thai::DigitStyle::Thai)
        );
        assert!(
            text.contains(&want),
            "letter {}: {want} not in {text}",
            i + 1
        );
    }
    let (ok, err) = run("one", "one.zip", true);
    assert!(ok, "{err}");
    assert!(
        zip_texts(&dir.join("one.zip"))
            .iter()
            .all(|(_, t)| t.contains("ขก ๐๐๑๗.๕/ว ๔"))
    );
    // The book: four numbers, each issued with its PDF's hash.
    let register = saraban::register::Register::open(&db).unwrap();
    let year = saraban::register::current_year_be();
    let entries = register.list("khonkaen-province", year).unwrap();
    assert_eq!(
        entries.iter().map(|e| e.number).collect::<Vec<_>>(),
        [1, 2, 3, 4]
    );
    assert!(
        entries.iter().all(|e| e.pdf_sha256.is_some()),
        "{entries:?}"
    );
}

/// This Gregorian year (the register opens only this year's book).
fn time_year() -> i32 {
    saraban::register::current_year_be() - 543
}

#[test]
fn typst_defaults_lay_thai_out_otherwise() {
    // `--typesetting typst-defaults` (the before picture of TYPOGRAPHY.md)
    // reaches the layout: the same letter's lines differ from saraban's.
    let lines = |extra: &[&str]| {
        let mut lines = saraban_command();
        lines
            .args(extra)
            .arg("lines")
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/external-letter.json"));
        succeeded(lines)
    };
    let careful = lines(&[]);
    assert!(careful.contains("|ขอแสดงความนับถือ"), "{careful}");
    assert_eq!(lines(&["--typesetting", "careful"]), careful);
    assert_ne!(lines(&["--typesetting", "typst-defaults"]), careful);
}
