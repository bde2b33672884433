//! The outgoing register through the HTTP service, on real database files:
//! `"reference": "auto"`, API keys (401/403), idempotent retries, year
//! rollover, cancel, the JSON/CSV/PDF exports, numbered batches, concurrent
//! clients, and the real `saraban serve` killed with SIGKILL mid-batch and
//! restarted. PDF text is read with poppler's `pdftotext`.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;
use saraban::register::{Register, RegisterStore, sha256_hex};
use saraban::server::{AppState, Config, serve_on};
use saraban::{Agencies, Engine};

mod common;

use common::served::Served;
use common::{TempDir, pdf_text_with, squash_digits};
use serde_json::{Value, json};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

const KK: &str = "khonkaen-province";
const PT: &str = "phatthalung-2";

/// An in-process server on `127.0.0.1:<ephemeral>` with a register at `db`
/// (or none), and a key for two agencies.
struct Server {
    base: String,
    client: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<anyhow::Result<()>>,
    kk: String,
    pt: String,
}

impl Server {
    /// A server that numbers letters of any year, as these tests date them.
    async fn start(db: Option<&Path>) -> Server {
        Server::start_with(
            db,
            Config {
                any_year: true,
                ..Config::default()
            },
        )
        .await
    }

    async fn start_with(db: Option<&Path>, config: Config) -> Server {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let engine = tokio::task::spawn_blocking(Engine::shared).await.unwrap();
        let (mut kk, mut pt) = (String::new(), String::new());
        let register: Option<Arc<dyn RegisterStore>> = match db {
            Some(db) => {
                let register = Register::open(db).unwrap();
                kk = register.create_key(KK, "test").unwrap().1;
                pt = register.create_key(PT, "test").unwrap().1;
                Some(Arc::new(register))
            }
            None => None,
        };
        let state =
            AppState::with_register(config, engine, Arc::new(Agencies::built_in()), register);
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(serve_on(listener, state, async move {
            let _ = stopped.await;
        }));
        Server {
            base: format!("http://{addr}"),
            client: reqwest::Client::new(),
            stop: Some(stop),
            task,
            kk,
            pt,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// POSTs JSON with an optional key and idempotency key.
    async fn post(
        &self,
        path: &str,
        body: &Value,
        key: Option<&str>,
        idempotency: Option<&str>,
    ) -> reqwest::Response {
        let mut req = self
            .client
            .post(self.url(path))
            .header("content-type", "application/json")
            .body(serde_json::to_vec(body).unwrap());
        if let Some(key) = key {
            req = req.bearer_auth(key);
        }
        if let Some(id) = idempotency {
            req = req.header("idempotency-key", id);
        }
        req.send().await.unwrap()
    }

    async fn get(&self, path: &str, key: Option<&str>) -> reqwest::Response {
        let mut req = self.client.get(self.url(path));
        if let Some(key) = key {
            req = req.bearer_auth(key);
        }
        req.send().await.unwrap()
    }

    async fn listing(&self, agency: &str, year: i32, key: &str) -> Value {
        let res = self
            .get(&format!("/v1/register/{agency}/{year}"), Some(key))
            .await;
        assert_eq!(res.status(), 200);
        res.json().await.unwrap()
    }

    async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        tokio::time::timeout(Duration::from_secs(30), &mut self.task)
            .await
            .expect("server stops")
            .unwrap()
            .unwrap();
    }
}

/// A short letter of `kind` whose reference the register gives.
fn letter(kind: &str, agency: &str, date: &str, subject: &str) -> Value {
    let mut doc = json!({
        "kind": kind,
        "agency": agency,
        "reference": "auto",
        "date": date,
        "subject": subject,
        "to": "ผู้ว่าราชการจังหวัดขอนแก่น",
        "body": ["ด้วยจังหวัดขอนแก่นขอแจ้งกำหนดการประชุมประจำเดือน รายละเอียดตามสิ่งที่ส่งมาด้วย", "จึงเรียนมาเพื่อโปรดทราบ"],
        "signatory": {"name": "นายสมศักดิ์ จังตระกุล", "positions": ["ผู้ว่าราชการจังหวัดขอนแก่น"]}
    });
    if kind == "order" {
        doc["closing"] = json!("ทั้งนี้ ตั้งแต่บัดนี้เป็นต้นไป");
        doc.as_object_mut().unwrap().remove("to");
    }
    doc
}

/// The circular batch of the examples with `n` recipients and `"auto"`.
fn batch(n: usize, numbering: Option<&str>) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/batch-circular.json");
    let mut batch: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    batch["document"]["reference"] = json!("auto");
    batch["recipients"] = (1..=n)
        .map(|i| {
            json!({
                "position": format!("นายกเทศมนตรีตำบลทดสอบที่ {i}"),
                "office": format!("เทศบาลตำบลทดสอบที่ {i}"),
                "amount": 1000 + i,
                "file": format!("t{i}"),
            })
        })
        .collect();
    if let Some(n) = numbering {
        batch["numbering"] = json!(n);
    }
    batch
}

fn header<'a>(res: &'a reqwest::Response, name: &str) -> &'a str {
    res.headers()
        .get(name)
        .map(|v| std::str::from_utf8(v.as_bytes()).unwrap())
        .unwrap_or_else(|| panic!("no {name} header"))
}

fn number(res: &reqwest::Response) -> u32 {
    header(res, "x-register-number").parse().unwrap()
}

/// A problem document with this status; returns its JSON.
async fn problem(res: reqwest::Response, status: StatusCode) -> Value {
    assert_eq!(res.status(), status, "status");
    assert_eq!(
        res.headers()["content-type"].to_str().unwrap(),
        "application/problem+json"
    );
    res.json().await.unwrap()
}

fn fields(body: &Value) -> Vec<String> {
    body["problems"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|p| p["field"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// The text of a PDF without whitespace, Thai digits made ASCII.
fn pdf_text(pdf: &[u8]) -> String {
    page_text(pdf, None)
}

/// The text of one page (from 1), or of all.
fn page_text(pdf: &[u8], page: Option<usize>) -> String {
    let page = page.map(|p| p.to_string());
    let pages = match &page {
        Some(p) => vec!["-f", p.as_str(), "-l", p.as_str()],
        None => Vec::new(),
    };
    squash_digits(&pdf_text_with(pdf, &pages))
}

/// The PDFs of a ZIP, in order.
fn unzip(bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut pdf = Vec::new();
            archive.by_index(i).unwrap().read_to_end(&mut pdf).unwrap();
            pdf
        })
        .collect()
}

/// The entries of one series, by number.
fn entries<'a>(listing: &'a Value, series: &str) -> Vec<&'a Value> {
    listing["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["series"] == series)
        .collect()
}

fn series_state<'a>(listing: &'a Value, series: &str) -> &'a Value {
    listing["series"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["series"] == series)
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_letters_take_numbers_once_under_their_agencys_key() {
    let dir = TempDir::new("letters");
    let s = Server::start(Some(&dir.db())).await;
    let doc = letter("external", KK, "2024-05-20", "ขอเชิญประชุม");

    // No key, a bad key, another agency's key: nothing is taken.
    let res = s.post("/v1/letters", &doc, None, None).await;
    assert!(res.headers().contains_key("www-authenticate"));
    problem(res, StatusCode::UNAUTHORIZED).await;
    let res = s.post("/v1/letters", &doc, Some("sk_nope"), None).await;
    problem(res, StatusCode::UNAUTHORIZED).await;
    let res = s.post("/v1/letters", &doc, Some(&s.pt), None).await;
    let body = problem(res, StatusCode::FORBIDDEN).await;
    assert!(body["detail"].as_str().unwrap().contains(PT), "{body}");

    // The first number, printed after ที่ and named in the headers.
    let res = s.post("/v1/letters", &doc, Some(&s.kk), None).await;
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "content-type"), "application/pdf");
    assert_eq!(number(&res), 1);
    assert_eq!(header(&res, "x-reference"), "ขก ๐๐๑๗.๕/๑");
    // The same in ASCII (RFC 8187), read back by percent-decoding.
    let encoded = header(&res, "x-reference-encoded");
    assert!(encoded.is_ascii(), "{encoded}");
    let decoded = percent_encoding::percent_decode_str(encoded.strip_prefix("UTF-8''").unwrap())
        .decode_utf8()
        .unwrap();
    assert_eq!(decoded, "ขก ๐๐๑๗.๕/๑");
    assert_eq!(header(&res, "x-register-year"), "2567");
    assert_eq!(header(&res, "x-register-series"), "normal");
    assert!(!res.headers().contains_key("idempotent-replayed"));
    let first = res.bytes().await.unwrap();
    assert!(first.starts_with(b"%PDF"));
    assert!(
        pdf_text(&first).contains("ที่ขก0017.5/1"),
        "{}",
        pdf_text(&first)
    );

    let res = s.post("/v1/letters", &doc, Some(&s.kk), None).await;
    assert_eq!(number(&res), 2);
    assert!(pdf_text(&res.bytes().await.unwrap()).contains("ที่ขก0017.5/2"));

    // An idempotent retry: the same number and the same bytes.
    let res = s
        .post("/v1/letters", &doc, Some(&s.kk), Some("req-3"))
        .await;
    assert_eq!(number(&res), 3);
    let third = res.bytes().await.unwrap();
    let res = s
        .post("/v1/letters", &doc, Some(&s.kk), Some("req-3"))
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(number(&res), 3);
    assert_eq!(header(&res, "idempotent-replayed"), "true");
    assert_eq!(header(&res, "x-reference"), "ขก ๐๐๑๗.๕/๓");
    assert_eq!(res.bytes().await.unwrap(), third);
    // The same key with another body is refused.
    let other = letter("external", KK, "2024-05-20", "เรื่องอื่น");
    let res = s
        .post("/v1/letters", &other, Some(&s.kk), Some("req-3"))
        .await;
    problem(res, StatusCode::CONFLICT).await;

    // A letter with a problem is refused before a number is taken.
    let mut bad = doc.clone();
    bad["signatory"]["name"] = json!("");
    let res = s.post("/v1/letters", &bad, Some(&s.kk), None).await;
    let body = problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(fields(&body), ["signatory.name"]);
    // Announcements print no number.
    let ann = letter("announcement", KK, "2024-05-20", "ประกาศ");
    let res = s.post("/v1/letters", &ann, Some(&s.kk), None).await;
    let body = problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(fields(&body), ["reference"]);
    // A preview is a draft: the number left blank, none taken (nor any key needed).
    let res = s.post("/v1/letters?format=png", &doc, None, None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "image/png");
    let res = s.post("/v1/letters", &doc, Some(&s.kk), None).await;
    assert_eq!(number(&res), 4);

    // Circulars and orders count in series of their own.
    let circular = letter("circular", KK, "2024-05-20", "แจ้งเวียน");
    let res = s.post("/v1/letters", &circular, Some(&s.kk), None).await;
    assert_eq!(
        (number(&res), header(&res, "x-register-series")),
        (1, "circular")
    );
    assert!(pdf_text(&res.bytes().await.unwrap()).contains("ที่ขก0017.5/ว1"));
    let order = letter("order", KK, "2024-05-20", "แต่งตั้งคณะทำงาน");
    let res = s.post("/v1/letters", &order, Some(&s.kk), None).await;
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "x-reference"), "๑/๒๕๖๗");
    assert!(pdf_text(&res.bytes().await.unwrap()).contains("ที่1/2567"));
    // Another agency's register has its own numbers.
    let memo = letter("memo", PT, "2024-05-20", "ขออนุมัติ");
    let res = s.post("/v1/letters", &memo, Some(&s.pt), None).await;
    assert_eq!(header(&res, "x-reference"), "ศธ ๐๔๑๓๙/๑");

    // A literal reference needs no key and takes no number.
    let mut literal = doc.clone();
    literal["reference"] = json!({"number": 77});
    let res = s.post("/v1/letters", &literal, None, None).await;
    assert_eq!(res.status(), 200);
    assert!(!res.headers().contains_key("x-register-number"));
    // Validation accepts "auto" where the service keeps a register.
    let res = s.post("/v1/letters/validate", &doc, None, None).await;
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["valid"], true, "{v}");

    let listing = s.listing(KK, 2567, &s.kk).await;
    let normal = entries(&listing, "normal");
    assert_eq!(normal.len(), 4);
    assert_eq!(normal[0]["pdf_sha256"], sha256_hex(&first));
    assert_eq!(normal[2]["idempotency_key"], "req-3");
    assert!(normal.iter().all(|e| e["status"] == "issued"));
    assert_eq!(normal[0]["subject"], "ขอเชิญประชุม");
    assert_eq!(normal[0]["recipient"], "ผู้ว่าราชการจังหวัดขอนแก่น");
    assert_eq!(normal[0]["sender"], "จังหวัดขอนแก่น");
    assert_eq!(normal[0]["letter_date"], "2024-05-20");
    assert!(
        normal[0]["api_key_id"]
            .as_str()
            .unwrap()
            .starts_with("key_")
    );
    assert_eq!(series_state(&listing, "normal")["next"], 5);

    // The register's work in the metrics: seven numbers taken and issued
    // (four normal, a circular, an order, another agency's memo), retries
    // answered without taking one.
    let metrics = s.get("/metrics", None).await.text().await.unwrap();
    let value = |name: &str| -> f64 {
        metrics
            .lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
            .unwrap_or_else(|| panic!("no {name} in\n{metrics}"))
    };
    assert_eq!(value("saraban_register_numbers_allocated_total"), 7.0);
    assert_eq!(value("saraban_register_numbers_issued_total"), 7.0);
    assert!(value("saraban_register_replays_total") >= 1.0);
    assert!(value("saraban_register_allocation_seconds_count") >= 8.0);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_list_and_export_the_register() {
    let dir = TempDir::new("cancel");
    let s = Server::start(Some(&dir.db())).await;
    let doc = letter("external", KK, "2025-06-15", "ขอเชิญประชุม");
    for n in 1..=3 {
        let res = s.post("/v1/letters", &doc, Some(&s.kk), None).await;
        assert_eq!(number(&res), n);
    }
    let path = format!("/v1/register/{KK}/2568");

    // Reading is for the agency's own keys.
    problem(s.get(&path, None).await, StatusCode::UNAUTHORIZED).await;
    problem(s.get(&path, Some(&s.pt)).await, StatusCode::FORBIDDEN).await;
    let res = s.get(&format!("/v1/register/{KK}/abc"), Some(&s.kk)).await;
    problem(res, StatusCode::BAD_REQUEST).await;
    let res = s.get(&format!("/v1/register/{KK}/2025"), Some(&s.kk)).await;
    problem(res, StatusCode::BAD_REQUEST).await;

    // Cancel number 2: kept, marked, never reused.
    let cancel = format!("{path}/2/cancel");
    let reason = json!({"reason": "พิมพ์ผิด ออกเลขใหม่"});
    let res = s.post(&cancel, &reason, Some(&s.pt), None).await;
    problem(res, StatusCode::FORBIDDEN).await;
    let res = s.post(&cancel, &reason, None, None).await;
    problem(res, StatusCode::UNAUTHORIZED).await;
    let res = s.post(&cancel, &reason, Some(&s.kk), None).await;
    assert_eq!(res.status(), 200);
    let entry: Value = res.json().await.unwrap();
    assert_eq!(entry["status"], "cancelled");
    assert_eq!(entry["cancel_reason"], "พิมพ์ผิด ออกเลขใหม่");
    let res = s.post(&cancel, &reason, Some(&s.kk), None).await;
    problem(res, StatusCode::CONFLICT).await;
    let res = s
        .post(&format!("{path}/9/cancel"), &reason, Some(&s.kk), None)
        .await;
    problem(res, StatusCode::NOT_FOUND).await;
    let res = s
        .post(
            &format!("{path}/1/cancel"),
            &json!({"reason": "x", "series": "circular"}),
            Some(&s.kk),
            None,
        )
        .await;
    problem(res, StatusCode::NOT_FOUND).await;
    let res = s
        .post(&cancel, &json!({"reason": " "}), Some(&s.kk), None)
        .await;
    let body = problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(fields(&body), ["reason"]);

    let res = s.post("/v1/letters", &doc, Some(&s.kk), None).await;
    assert_eq!(number(&res), 4);

    let listing = s.listing(KK, 2568, &s.kk).await;
    assert_eq!(listing["agency"], KK);
    assert_eq!(listing["year"], 2568);
    let normal = entries(&listing, "normal");
    let numbers: Vec<u64> = normal
        .iter()
        .map(|e| e["number"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, [1, 2, 3, 4]);
    assert_eq!(normal[1]["status"], "cancelled");
    assert_eq!(normal[1]["reference_text"], "ขก ๐๐๑๗.๕/๒");
    let state = series_state(&listing, "normal");
    assert_eq!(
        (state["last"].as_u64(), state["next"].as_u64()),
        (Some(4), Some(5))
    );
    assert_eq!(state["cancelled"], 1);
    assert_eq!(state["missing"], json!([]));

    // CSV in the official columns, with a BOM for Excel.
    let res = s.get(&format!("{path}?format=csv"), Some(&s.kk)).await;
    assert_eq!(res.status(), 200);
    assert!(header(&res, "content-type").starts_with("text/csv"));
    let csv = res.text().await.unwrap();
    assert!(csv.starts_with("\u{feff}เลขทะเบียนส่ง,ที่,ลงวันที่,จาก,ถึง,เรื่อง,การปฏิบัติ,หมายเหตุ"));
    assert!(csv.contains("ยกเลิก: พิมพ์ผิด ออกเลขใหม่"), "{csv}");
    assert_eq!(csv.lines().count(), 5);

    // The printed book.
    let res = s.get(&format!("{path}?format=pdf"), Some(&s.kk)).await;
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "content-type"), "application/pdf");
    let pdf = res.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let text = pdf_text(&pdf);
    for needle in [
        "ทะเบียนหนังสือส่ง",
        "จังหวัดขอนแก่น",
        "พ.ศ.2568",
        "เลขทะเบียนส่ง",
        "ขก0017.5/4",
        "15มิ.ย.2568",
        "ยกเลิก",
    ] {
        assert!(text.contains(needle), "{needle} not in {text}");
    }
    let res = s.get(&format!("{path}?format=xml"), Some(&s.kk)).await;
    problem(res, StatusCode::BAD_REQUEST).await;
    // An empty year prints an empty book.
    let res = s
        .get(&format!("/v1/register/{KK}/2560?format=pdf"), Some(&s.kk))
        .await;
    assert_eq!(res.status(), 200);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn numbers_restart_with_the_letters_year() {
    let dir = TempDir::new("rollover");
    let s = Server::start(Some(&dir.db())).await;
    for (date, year, n) in [
        ("2024-12-30", "2567", 1),
        ("2024-12-31", "2567", 2),
        ("2025-01-01", "2568", 1),
        ("2024-12-31", "2567", 3),
        ("2025-01-02", "2568", 2),
    ] {
        let doc = letter("external", KK, date, "ส่งท้ายปี");
        let res = s.post("/v1/letters", &doc, Some(&s.kk), None).await;
        assert_eq!(res.status(), 200, "{date}");
        assert_eq!((header(&res, "x-register-year"), number(&res)), (year, n));
    }
    let res = s
        .post(
            "/v1/letters",
            &letter("external", KK, "2025-01-02", "x"),
            Some(&s.kk),
            None,
        )
        .await;
    assert_eq!(header(&res, "x-reference"), "ขก ๐๐๑๗.๕/๓");
    assert_eq!(
        entries(&s.listing(KK, 2567, &s.kk).await, "normal").len(),
        3
    );
    assert_eq!(
        entries(&s.listing(KK, 2568, &s.kk).await, "normal").len(),
        3
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batches_take_one_number_or_one_each() {
    let dir = TempDir::new("batches");
    let s = Server::start(Some(&dir.db())).await;

    // One number per letter: a block of five.
    let res = s
        .post("/v1/batches", &batch(5, Some("each")), Some(&s.kk), None)
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "content-type"), "application/zip");
    assert_eq!((number(&res), header(&res, "x-register-last")), (1, "5"));
    assert_eq!(header(&res, "x-register-series"), "circular");
    let pdfs = unzip(&res.bytes().await.unwrap());
    assert_eq!(pdfs.len(), 5);
    for (i, pdf) in pdfs.iter().enumerate() {
        let text = pdf_text(pdf);
        assert!(text.contains(&format!("ที่ขก0017.5/ว{}", i + 1)), "{text}");
        assert!(text.contains(&format!("นายกเทศมนตรีตำบลทดสอบที่{}", i + 1)));
    }
    let listing = s.listing(KK, 2567, &s.kk).await;
    let rows = entries(&listing, "circular");
    assert_eq!(rows.len(), 5);
    for (row, pdf) in rows.iter().zip(&pdfs) {
        assert_eq!(row["status"], "issued");
        assert_eq!(row["pdf_sha256"], sha256_hex(pdf));
    }
    assert_eq!(rows[3]["recipient"], "นายกเทศมนตรีตำบลทดสอบที่ 4");

    // One number for the whole circular: every copy prints ว 6.
    let res = s
        .post("/v1/batches", &batch(5, Some("one")), Some(&s.kk), None)
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(number(&res), 6);
    assert!(!res.headers().contains_key("x-register-last"));
    let zip = res.bytes().await.unwrap();
    let pdfs = unzip(&zip);
    assert_eq!(pdfs.len(), 5);
    for pdf in &pdfs {
        assert!(pdf_text(pdf).contains("ที่ขก0017.5/ว6"));
    }
    let listing = s.listing(KK, 2567, &s.kk).await;
    let rows = entries(&listing, "circular");
    assert_eq!(rows.len(), 6);
    let recipient = rows[5]["recipient"].as_str().unwrap();
    assert!(
        recipient.contains("ที่ 1,") && recipient.ends_with("ที่ 5"),
        "{recipient}"
    );
    assert_eq!(rows[5]["pdf_sha256"], sha256_hex(&zip));

    // Merged into one PDF, numbered once.
    let res = s
        .post(
            "/v1/batches?merge=true",
            &batch(3, Some("one")),
            Some(&s.kk),
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(number(&res), 7);
    let pdf = res.bytes().await.unwrap();
    assert_eq!(pdf_text(&pdf).matches("ที่ขก0017.5/ว7").count(), 3);

    // An idempotent batch: the same block and the same bytes.
    let body = batch(3, Some("each"));
    let res = s.post("/v1/batches", &body, Some(&s.kk), Some("b-1")).await;
    assert_eq!((number(&res), header(&res, "x-register-last")), (8, "10"));
    let zip = res.bytes().await.unwrap();
    let res = s.post("/v1/batches", &body, Some(&s.kk), Some("b-1")).await;
    assert_eq!(res.status(), 200);
    assert_eq!((number(&res), header(&res, "x-register-last")), (8, "10"));
    assert_eq!(header(&res, "idempotent-replayed"), "true");
    assert_eq!(header(&res, "x-letters"), "3");
    assert_eq!(res.bytes().await.unwrap(), zip);

    // Wrong requests take nothing.
    let res = s
        .post("/v1/batches", &batch(2, None), Some(&s.kk), None)
        .await;
    let body = problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(fields(&body), ["numbering"]);
    let mut literal = batch(2, Some("each"));
    literal["document"]["reference"] = json!({"circular": true, "number": 5});
    let res = s.post("/v1/batches", &literal, Some(&s.kk), None).await;
    let body = problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(fields(&body), ["numbering"]);
    let res = s
        .post("/v1/batches", &batch(2, Some("each")), Some(&s.pt), None)
        .await;
    problem(res, StatusCode::FORBIDDEN).await;
    let res = s
        .post("/v1/batches", &batch(2, Some("each")), None, None)
        .await;
    problem(res, StatusCode::UNAUTHORIZED).await;
    let mut mixed = json!({"documents": [
        letter("external", KK, "2024-05-20", "a"),
        letter("external", KK, "2025-05-20", "b"),
    ], "numbering": "each"});
    let res = s.post("/v1/batches", &mixed, Some(&s.kk), None).await;
    let body = problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(fields(&body), ["documents[1].reference"]);
    mixed["documents"][1]["date"] = json!("2024-05-21");
    let res = s.post("/v1/batches", &mixed, Some(&s.kk), None).await;
    assert_eq!((number(&res), header(&res, "x-register-last")), (1, "2"));
    assert_eq!(header(&res, "x-register-series"), "normal");

    let listing = s.listing(KK, 2567, &s.kk).await;
    assert_eq!(series_state(&listing, "circular")["next"], 11);
    assert_eq!(series_state(&listing, "circular")["pending"], json!([]));
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_clients_get_distinct_consecutive_numbers() {
    const CLIENTS: u32 = 64;
    let dir = TempDir::new("concurrent");
    let s = Arc::new(Server::start(Some(&dir.db())).await);
    let doc = Arc::new(letter("memo", KK, "2025-03-01", "ขออนุมัติ"));
    let tasks: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let s = s.clone();
            let doc = doc.clone();
            tokio::spawn(async move {
                let res = s.post("/v1/letters", &doc, Some(&s.kk), None).await;
                assert_eq!(res.status(), 200);
                let n = number(&res);
                let text = pdf_text(&res.bytes().await.unwrap());
                assert!(text.contains(&format!("ขก0017.5/{n}")));
                n
            })
        })
        .collect();
    let mut numbers = Vec::new();
    for t in tasks {
        numbers.push(t.await.unwrap());
    }
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=CLIENTS).collect::<Vec<_>>());
    let listing = s.listing(KK, 2568, &s.kk).await;
    assert_eq!(entries(&listing, "normal").len(), CLIENTS as usize);
    // The printed book runs over pages, each with the header row.
    let res = s
        .get(&format!("/v1/register/{KK}/2568?format=pdf"), Some(&s.kk))
        .await;
    let pdf = res.bytes().await.unwrap();
    let second = page_text(&pdf, Some(2));
    assert!(
        second.contains("เลขทะเบียนส่ง") && second.contains("หมายเหตุ"),
        "{second}"
    );
    assert!(pdf_text(&pdf).contains(&format!("ขก0017.5/{CLIENTS}")));
    Arc::into_inner(s).unwrap().stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_register_auto_is_refused() {
    let s = Server::start(None).await;
    let doc = letter("external", KK, "2024-05-20", "x");
    let res = s.post("/v1/letters", &doc, None, None).await;
    let body = problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(fields(&body), ["reference"]);
    let res = s.post("/v1/letters/validate", &doc, None, None).await;
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["valid"], false);
    let res = s.get(&format!("/v1/register/{KK}/2567"), None).await;
    problem(res, StatusCode::NOT_IMPLEMENTED).await;
    let res = s
        .post("/v1/batches", &batch(2, Some("one")), None, None)
        .await;
    let body = problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(fields(&body), ["numbering"]);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_this_years_book_and_the_agencys_own_profile_are_numbered() {
    let dir = TempDir::new("closed-books");
    let s = Server::start_with(Some(&dir.db()), Config::default()).await;
    // Back-dating into a closed book (or forward into one not begun).
    for date in ["2024-05-20", "2099-01-10"] {
        let res = s
            .post(
                "/v1/letters",
                &letter("external", KK, date, "x"),
                Some(&s.kk),
                None,
            )
            .await;
        let body = problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(fields(&body), ["date"], "{date}: {body}");
    }
    // Today's letter is numbered.
    let today = time::OffsetDateTime::now_utc()
        .to_offset(time::UtcOffset::from_hms(7, 0, 0).unwrap())
        .date()
        .to_string();
    let res = s
        .post(
            "/v1/letters",
            &letter("external", KK, &today, "x"),
            Some(&s.kk),
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(number(&res), 1);
    // Khon Kaen's key numbering a letter that prints another code and name.
    let mut forged = letter("external", KK, &today, "x");
    let mut profile = serde_json::to_value(Agencies::built_in().get(KK).unwrap()).unwrap();
    profile["id"] = json!(KK);
    profile["code"] = json!("นร ๐๑๐๓");
    profile["name"] = json!("สำนักนายกรัฐมนตรี");
    forged["agency"] = profile.clone();
    let res = s.post("/v1/letters", &forged, Some(&s.kk), None).await;
    let body = problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(fields(&body), ["agency.code", "agency.name"], "{body}");
    // The same profile with its own code and name is numbered: 2, no gap.
    profile["code"] = serde_json::to_value(&Agencies::built_in().get(KK).unwrap().code).unwrap();
    profile["name"] = json!(Agencies::built_in().get(KK).unwrap().name);
    forged["agency"] = profile;
    let res = s.post("/v1/letters", &forged, Some(&s.kk), None).await;
    assert_eq!(res.status(), 200);
    assert_eq!(number(&res), 2);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_finishes_numbered_batches_whose_client_left() {
    let dir = TempDir::new("drain");
    let s = Server::start(Some(&dir.db())).await;
    let res = s
        .post("/v1/batches", &batch(120, Some("each")), Some(&s.kk), None)
        .await;
    assert_eq!(res.status(), 200);
    let (first, last): (u32, u32) = (
        header(&res, "x-register-number").parse().unwrap(),
        header(&res, "x-register-last").parse().unwrap(),
    );
    assert_eq!(last - first + 1, 120);
    // The client goes away at once, and the service is told to stop.
    drop(res);
    s.stop().await;
    // Every number the batch took is issued, none left pending.
    let register = Register::open(dir.db()).unwrap();
    let year =
        saraban::register::year_be_of_date(batch(1, None)["document"]["date"].as_str().unwrap())
            .unwrap();
    let audit = register
        .audit(KK, year, saraban::register::Series::Circular)
        .unwrap();
    assert!(audit.pending.is_empty(), "pending: {:?}", audit.pending);
    assert_eq!((audit.last, audit.cancelled), (last, 0));
}

fn saraban(args: &[&str], db: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_saraban"))
        .args(args)
        .env("SARABAN_DB", db)
        .output()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_server_mid_batch_loses_nothing() {
    let dir = TempDir::new("crash");
    let db = dir.db();

    // A key from the command line: the secret alone on standard output.
    let out = saraban(&["keys", "add", KK, "--label", "crash test"], &db);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let key = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert!(key.starts_with("sk_"), "{key}");
    let out = saraban(&["keys", "list", KK], &db);
    let listed = String::from_utf8(out.stdout).unwrap();
    assert!(
        listed.contains("crash test") && listed.contains("active"),
        "{listed}"
    );
    let out = saraban(&["keys", "add", "nowhere"], &db);
    assert!(!out.status.success());

    let client = reqwest::Client::new();
    let send = |base: &str, path: &str, body: &Value, idempotency: Option<&str>| {
        let mut req = client
            .post(format!("{base}{path}"))
            .bearer_auth(&key)
            .json(body);
        if let Some(id) = idempotency {
            req = req.header("idempotency-key", id);
        }
        req.send()
    };
    let single = letter("circular", KK, "2024-06-03", "แจ้งเวียน");
    let listing = |base: String| {
        let req = client
            .get(format!("{base}/v1/register/{KK}/2567"))
            .bearer_auth(&key);
        async move {
            let res = req.send().await.unwrap();
            assert_eq!(res.status(), 200);
            res.json::<Value>().await.unwrap()
        }
    };

    let served = tokio::task::spawn_blocking({
        let db = db.clone();
        move || Served::start(&db)
    })
    .await
    .unwrap();
    for n in 1..=2 {
        let res = send(&served.base, "/v1/letters", &single, None)
            .await
            .unwrap();
        assert_eq!(number(&res), n);
    }
    // A batch of a hundred, killed as soon as its first letter arrives.
    let body = batch(100, Some("each"));
    let mut res = send(&served.base, "/v1/batches", &body, Some("crash-1"))
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!((number(&res), header(&res, "x-register-last")), (3, "102"));
    let mut received = 0;
    while received == 0 {
        received += res.chunk().await.unwrap().expect("the ZIP starts").len();
    }
    served.kill();
    drop(res);

    // Restarted on the same file: every number taken has its row.
    let served = tokio::task::spawn_blocking({
        let db = db.clone();
        move || Served::start(&db)
    })
    .await
    .unwrap();
    let book = listing(served.base.clone()).await;
    let rows = entries(&book, "circular");
    let numbers: Vec<u64> = rows.iter().map(|e| e["number"].as_u64().unwrap()).collect();
    assert_eq!(numbers, (1..=102).collect::<Vec<_>>());
    assert!(rows[..2].iter().all(|e| e["status"] == "issued"));
    // The batch was cut: its numbers wait, pending, for the retry or a clerk.
    assert!(rows[2..].iter().all(|e| e["status"] == "pending"));
    let state = series_state(&book, "circular");
    assert_eq!(
        (state["last"].as_u64(), state["missing"].clone()),
        (Some(102), json!([]))
    );

    // The next letter continues after the last number taken.
    let res = send(&served.base, "/v1/letters", &single, None)
        .await
        .unwrap();
    assert_eq!(number(&res), 103);

    // The retry under the same key gets the same block, whole, and records it.
    let res = send(&served.base, "/v1/batches", &body, Some("crash-1"))
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!((number(&res), header(&res, "x-register-last")), (3, "102"));
    assert_eq!(header(&res, "idempotent-replayed"), "true");
    let pdfs = unzip(&res.bytes().await.unwrap());
    assert_eq!(pdfs.len(), 100);
    assert!(pdf_text(&pdfs[99]).contains("ที่ขก0017.5/ว102"));
    let book = listing(served.base.clone()).await;
    let rows = entries(&book, "circular");
    assert_eq!(rows.len(), 103);
    assert!(rows.iter().all(|e| e["status"] == "issued"));
    assert_eq!(rows[101]["pdf_sha256"], sha256_hex(&pdfs[99]));
    drop(served);

    let register = Register::open(&db).unwrap();
    register.integrity_check().unwrap();
    let numbers: BTreeSet<u32> = register
        .list(KK, 2567)
        .unwrap()
        .iter()
        .map(|e| e.number)
        .collect();
    assert_eq!(numbers, (1..=103).collect());
}
