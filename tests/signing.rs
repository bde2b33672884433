//! Signed letters (PAdES B-B), checked by two independent validators:
//! poppler's `pdfsig` and pyHanko (in the venv `.ci/run` makes at
//! `tests/signing/.venv`, or the Python `SARABAN_PYHANKO` names). Keys and
//! self-signed certificates are made in each test with `openssl`; none is
//! committed.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use common::{TempDir, saraban_command, succeeded};
use saraban::register::{Register, RegisterStore, sha256_hex};
use saraban::server::{AppState, Config, serve_on};
use saraban::{Agencies, Engine, compose};
use serde_json::{Value, json};

const KK: &str = "khonkaen-province";
const PASSWORD: &str = "รหัส-p12 secret";

fn run(cmd: &mut Command) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{cmd:?} cannot start: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Makes a key (`rsa` or `ec`, P-256) and a self-signed certificate in
/// `dir`, packed as `signer.p12` under [`PASSWORD`]; returns the
/// certificate's PEM path.
fn credential(dir: &Path, key: &str) -> PathBuf {
    let mut req = Command::new("openssl");
    req.current_dir(dir)
        .args(["req", "-x509", "-nodes", "-days", "30", "-utf8"]);
    match key {
        "rsa" => req.args(["-newkey", "rsa:2048"]),
        _ => req.args(["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]),
    };
    req.args(["-keyout", "key.pem", "-out", "cert.pem"])
        .args(["-subj", "/C=TH/O=จังหวัดขอนแก่น/CN=นายวีระพงษ์ ศรีสุวรรณ"]);
    run(&mut req);
    run(Command::new("openssl").current_dir(dir).args([
        "pkcs12",
        "-export",
        "-inkey",
        "key.pem",
        "-in",
        "cert.pem",
        "-out",
        "signer.p12",
        "-passout",
        &format!("pass:{PASSWORD}"),
    ]));
    std::fs::remove_file(dir.join("key.pem")).unwrap();
    dir.join("cert.pem")
}

/// Writes the Khon Kaen profile into `dir` with `signing` added.
fn profile(dir: &Path, signing: Value) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("letter-templates/agencies/khonkaen-province.json");
    let mut agency: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    agency["signing"] = signing;
    std::fs::write(
        dir.join(format!("{KK}.json")),
        serde_json::to_vec_pretty(&agency).unwrap(),
    )
    .unwrap();
}

/// The built-in agencies with `dir`'s profiles over them.
fn agencies(dir: &Path) -> anyhow::Result<Agencies> {
    let mut agencies = Agencies::built_in();
    agencies.load_dir(dir)?;
    Ok(agencies)
}

fn example(stem: &str) -> Vec<u8> {
    std::fs::read(common::examples_dir().join(format!("{stem}.json"))).unwrap()
}

/// What `pdfsig` says of `pdf`.
fn pdfsig(pdf: &[u8]) -> String {
    let dir = TempDir::new("pdfsig");
    let file = dir.0.join("signed.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = Command::new("pdfsig")
        .arg(&file)
        .output()
        .unwrap_or_else(|e| panic!("pdfsig (poppler-utils) is needed by these tests: {e}"));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// pyHanko's report on each signature of `pdf`, trusting `cert`.
fn pyhanko(pdf: &[u8], cert: &Path) -> Vec<Value> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = std::env::var_os("SARABAN_PYHANKO")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("tests/signing/.venv/bin/python"));
    assert!(
        python.exists(),
        "pyHanko is needed by these tests: `python3 -m venv tests/signing/.venv && \
         tests/signing/.venv/bin/pip install -r tests/signing/requirements.txt` (.ci/run does it)"
    );
    let dir = TempDir::new("pyhanko");
    let file = dir.0.join("signed.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = run(Command::new(python)
        .arg(root.join("tests/signing/validate.py"))
        .arg(&file)
        .arg(cert));
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Both validators find one valid signature over the whole, unmodified file.
fn assert_valid(pdf: &[u8], cert: &Path) {
    let said = pdfsig(pdf);
    assert!(said.contains("Signature is Valid."), "{said}");
    assert!(said.contains("Total document signed"), "{said}");
    assert!(said.contains("ETSI.CAdES.detached"), "{said}");
    assert!(said.contains("SHA-256"), "{said}");
    let reports = pyhanko(pdf, cert);
    assert_eq!(reports.len(), 1, "{reports:?}");
    let r = &reports[0];
    assert_eq!(r["intact"], true, "{r}");
    assert_eq!(r["valid"], true, "{r}");
    assert_eq!(r["coverage"], "ENTIRE_FILE", "{r}");
    assert_eq!(r["modification_level"], "NONE", "{r}");
}

/// Both validators reject the signature.
fn assert_invalid(pdf: &[u8], cert: &Path) {
    let said = pdfsig(pdf);
    assert!(!said.contains("Signature is Valid."), "{said}");
    assert!(
        said.contains("Signature is Invalid") || said.contains("Digest Mismatch"),
        "{said}"
    );
    let reports = pyhanko(pdf, cert);
    assert_eq!(reports[0]["intact"], false, "{reports:?}");
    assert_eq!(reports[0]["bottom_line"], false, "{reports:?}");
}

/// The signature field's widget: its page (from 0) and rectangle.
fn widget(pdf: &[u8]) -> (usize, Vec<f32>) {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    for (n, page_id) in doc.get_pages() {
        let page = doc.get_dictionary(page_id).unwrap();
        let Ok(annots) = page.get(b"Annots").and_then(lopdf::Object::as_array) else {
            continue;
        };
        for a in annots {
            let annot = doc.dereference(a).unwrap().1.as_dict().unwrap();
            if annot.get(b"FT").and_then(lopdf::Object::as_name).ok() == Some(b"Sig") {
                let rect = annot.get(b"Rect").unwrap().as_array().unwrap();
                return (
                    n as usize - 1,
                    rect.iter().map(|v| v.as_float().unwrap()).collect(),
                );
            }
        }
    }
    panic!("no signature widget")
}

#[test]
fn a_signing_agencys_letters_are_signed_and_a_changed_byte_breaks_the_signature() {
    let dir = TempDir::new("rsa");
    let cert = credential(&dir.0, "rsa");
    std::fs::write(dir.0.join("password.txt"), format!("{PASSWORD}\n")).unwrap();
    profile(
        &dir.0,
        json!({"pkcs12": "signer.p12", "password_file": "password.txt", "visible": true,
               "reason": "ลงนามหนังสือราชการ", "location": "ศาลากลางจังหวัดขอนแก่น"}),
    );
    let engine = Engine::shared();
    let signing = agencies(&dir.0).unwrap();
    let doc = compose::parse(&example("external-letter")).unwrap();
    let letter = compose::compose(&engine, &signing, &doc, None).unwrap();
    let signed = letter.pdf().unwrap();
    assert_valid(&signed, &cert);
    let said = pdfsig(&signed);
    assert!(said.contains("นายวีระพงษ์ ศรีสุวรรณ"), "{said}");

    // typst's file is kept byte for byte; the signature is an update after it.
    let plain = compose::compose(&engine, &Agencies::built_in(), &doc, None)
        .unwrap()
        .pdf()
        .unwrap();
    assert!(signed.len() > plain.len());
    assert_eq!(&signed[..plain.len()], &plain[..]);

    // The visible field stands over the signature block: on the page of the
    // signatory's name, around it.
    let (page, rect) = widget(&signed);
    let name = common::lines(&letter)
        .into_iter()
        .rfind(|l| common::squash(&l.text).contains("(นายวีระพงษ์ศรีสุวรรณ)"))
        .expect("the signatory's name is printed");
    assert_eq!(page, name.page);
    let height = letter.doc.pages()[page].frame.height().to_pt() as f32;
    let (x0, top, x1, bottom) = (rect[0], height - rect[3], rect[2], height - rect[1]);
    assert!(
        x0 < name.x0 as f32 && x1 > name.x1 as f32,
        "{rect:?} {name:?}"
    );
    assert!(
        top < name.y as f32 - 20.0 && bottom > name.y as f32 + 20.0,
        "{rect:?} {name:?}"
    );

    // One byte changed inside the signed range: both validators say so.
    let at = signed
        .windows(4)
        .rposition(|w| w == b"D:20")
        .expect("the signing time");
    let mut changed = signed.clone();
    changed[at + 5] = if changed[at + 5] == b'9' { b'8' } else { b'9' };
    assert_invalid(&changed, &cert);
    // And one inside typst's own part, in its first page's content.
    let mut changed = signed.clone();
    changed[plain.len() / 2] ^= 0x01;
    assert_invalid(&changed, &cert);
}

#[test]
fn pdf_a_2b_letters_are_signed_on_the_command_line_with_an_ec_key() {
    let dir = TempDir::new("ec");
    let cert = credential(&dir.0, "ec");
    profile(
        &dir.0,
        json!({"pkcs12": "signer.p12", "password_env": "SARABAN_TEST_P12_PASSWORD"}),
    );
    let out = dir.0.join("letter.pdf");
    let example = common::examples_dir().join("order.json");
    let mut render = saraban_command();
    render
        .env("SARABAN_TEST_P12_PASSWORD", PASSWORD)
        .arg("--agencies")
        .arg(&dir.0)
        .arg("render")
        .arg(&example)
        .args(["--pdf-standard", "a-2b", "-o"])
        .arg(&out);
    succeeded(render);
    let signed = std::fs::read(&out).unwrap();
    assert_valid(&signed, &cert);
    // Still PDF/A-2b: the XMP says so, and the invisible field has an
    // appearance and prints (as PDF/A asks of every widget).
    let doc = lopdf::Document::load_mem(&signed).unwrap();
    let catalog = doc.catalog().unwrap();
    let metadata = doc
        .get_object(catalog.get(b"Metadata").unwrap().as_reference().unwrap())
        .unwrap()
        .as_stream()
        .unwrap()
        .clone();
    let xmp = String::from_utf8_lossy(&metadata.content).into_owned();
    assert!(
        xmp.contains("<pdfaid:part>2</pdfaid:part>") || xmp.contains("pdfaid:part=\"2\""),
        "{xmp}"
    );
    let (page, rect) = widget(&signed);
    assert_eq!(page + 1, doc.get_pages().len());
    assert_eq!(rect, vec![0.0; 4]);

    // Without the password the profile does not load, and says why without
    // printing any secret.
    let refused = Command::new(env!("CARGO_BIN_EXE_saraban"))
        .env_remove("SARABAN_TEST_P12_PASSWORD")
        .arg("--agencies")
        .arg(&dir.0)
        .arg("render")
        .arg(&example)
        .arg("-o")
        .arg(dir.0.join("no.pdf"))
        .output()
        .unwrap();
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("SARABAN_TEST_P12_PASSWORD"), "{said}");
    assert!(!dir.0.join("no.pdf").exists());
}

#[test]
fn a_wrong_password_or_an_inline_certificate_is_refused_by_name() {
    let dir = TempDir::new("refused");
    credential(&dir.0, "rsa");
    std::fs::write(dir.0.join("password.txt"), "not the password\n").unwrap();
    profile(
        &dir.0,
        json!({"pkcs12": "signer.p12", "password_file": "password.txt"}),
    );
    let err = agencies(&dir.0).unwrap_err().to_string();
    assert!(err.contains("signer.p12"), "{err}");
    assert!(err.contains("signing.pkcs12"), "{err}");
    assert!(!err.contains("not the password"), "{err}");

    // A letter cannot bring a profile that names a file on the server.
    let mut doc: Value = serde_json::from_slice(&example("external-letter")).unwrap();
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("letter-templates/agencies/khonkaen-province.json");
    let mut agency: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    agency["signing"] = json!({"pkcs12": "/etc/ssl/private/agency.p12", "password_env": "HOME"});
    doc["agency"] = agency;
    let doc = compose::parse(&serde_json::to_vec(&doc).unwrap()).unwrap();
    let problems = compose::check(&Engine::shared(), &doc, &Agencies::built_in()).unwrap_err();
    assert_eq!(problems.0[0].field, "agency.signing", "{problems}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_register_records_the_signed_pdf_and_merged_batches_are_signed() {
    let dir = TempDir::new("http");
    let cert = credential(&dir.0, "rsa");
    std::fs::write(dir.0.join("password.txt"), PASSWORD).unwrap();
    let profiles = dir.0.join("agencies");
    std::fs::create_dir(&profiles).unwrap();
    std::fs::rename(dir.0.join("signer.p12"), profiles.join("signer.p12")).unwrap();
    std::fs::rename(dir.0.join("password.txt"), profiles.join("password.txt")).unwrap();
    profile(
        &profiles,
        json!({"pkcs12": "signer.p12", "password_file": "password.txt", "visible": true}),
    );
    let agencies = Arc::new(agencies(&profiles).unwrap());
    let register = Register::open(dir.0.join("register.db")).unwrap();
    let key = register.create_key(KK, "test").unwrap().1;
    let engine = tokio::task::spawn_blocking(Engine::shared).await.unwrap();
    let state = AppState::with_register(
        Config {
            any_year: true,
            ..Config::default()
        },
        engine,
        agencies,
        Some(Arc::new(register)),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(serve_on(listener, state, async move {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::new();

    let mut letter: Value = serde_json::from_slice(&example("external-letter")).unwrap();
    letter["reference"] = json!("auto");
    let res = client
        .post(format!("{base}/v1/letters"))
        .bearer_auth(&key)
        .json(&letter)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let year = res.headers()["x-register-year"]
        .to_str()
        .unwrap()
        .to_string();
    let pdf = res.bytes().await.unwrap().to_vec();
    let cert2 = cert.clone();
    let checked = pdf.clone();
    tokio::task::spawn_blocking(move || assert_valid(&checked, &cert2))
        .await
        .unwrap();

    let listing: Value =
        common::get_json(&client, format!("{base}/v1/register/{KK}/{year}"), &key).await;
    let entry = &listing["entries"][0];
    assert_eq!(entry["pdf_sha256"], sha256_hex(&pdf), "{listing}");

    // A merged batch of the agency's letters is signed as one file.
    let batch_path = common::examples_dir().join("batch-circular.json");
    let mut batch: Value = serde_json::from_slice(&std::fs::read(batch_path).unwrap()).unwrap();
    batch["document"]["agency"] = json!(KK);
    batch["recipients"] = json!(batch["recipients"].as_array().unwrap()[..2]);
    let res = client
        .post(format!("{base}/v1/batches?merge=true"))
        .json(&batch)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let merged = res.bytes().await.unwrap().to_vec();
    tokio::task::spawn_blocking(move || assert_valid(&merged, &cert))
        .await
        .unwrap();

    // One agency does not sign another's letter: a merge of a signing
    // agency's letter and an unsigned one is refused, by name.
    let mut signed_letter = letter.clone();
    signed_letter.as_object_mut().unwrap().remove("reference");
    let mut other = signed_letter.clone();
    other["agency"] = json!("phatthalung-2");
    let res = client
        .post(format!("{base}/v1/batches?merge=true"))
        .json(&json!({"documents": [signed_letter, other]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let problem: Value = res.json().await.unwrap();
    assert_eq!(problem["problems"][0]["field"], "merge", "{problem}");

    let _ = stop.send(());
    task.await.unwrap().unwrap();
}
