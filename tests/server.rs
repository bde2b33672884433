//! The HTTP service over real HTTP: each test starts the server in-process on a
//! loopback port and speaks to it with reqwest. PDF text and page counts are read
//! with poppler's `pdftotext` and `pdfinfo` (installed by `.ci/run`).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

mod common;

use common::{pdf_text_with, poppler, squash_digits};
use reqwest::StatusCode;
use saraban::server::{AppState, Config, Limits, serve_on};
use saraban::{Agencies, Engine};
use serde_json::{Value, json};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A server on `127.0.0.1:<ephemeral>`.
struct Server {
    base: String,
    client: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<anyhow::Result<()>>,
}

impl Server {
    async fn start(config: Config) -> Server {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let engine = tokio::task::spawn_blocking(Engine::shared).await.unwrap();
        let state = AppState::new(config, engine, Arc::new(Agencies::built_in()));
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(serve_on(listener, state, async move {
            let _ = stopped.await;
        }));
        Server {
            base: format!("http://{addr}"),
            client: reqwest::Client::new(),
            stop: Some(stop),
            task,
        }
    }

    async fn default() -> Server {
        Server::start(Config::default()).await
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn post(&self, path: &str, body: impl Into<reqwest::Body>) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap()
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    /// Graceful shutdown; waits for the server to finish.
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

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

/// Every single-document example (not the batch requests).
fn example_files() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(examples())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .filter(|p| {
            !p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("batch")
        })
        .collect();
    v.sort();
    v
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(examples().join(name)).unwrap()
}

/// A problem document: checks the media type and the status, returns the JSON.
async fn problem(res: reqwest::Response, status: StatusCode) -> Value {
    assert_eq!(res.status(), status, "status");
    let ct = res.headers()["content-type"].to_str().unwrap().to_string();
    assert_eq!(ct, "application/problem+json");
    assert!(res.headers().contains_key("x-request-id"));
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], status.as_u16());
    assert!(body["type"].is_string() && body["title"].is_string() && body["detail"].is_string());
    assert!(body["request_id"].is_string(), "{body}");
    body
}

/// The fields named by a problem document.
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

fn pdf_text(pdf: &[u8]) -> String {
    squash_digits(&pdf_text_with(pdf, &[]))
}

fn pdf_pages(pdf: &[u8]) -> usize {
    let info = poppler("pdfinfo", pdf, &[]);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .expect("pdfinfo prints Pages")
        .trim()
        .parse()
        .unwrap()
}

/// The batch example's letter with `n` made-up recipients.
fn batch_of(n: usize) -> Value {
    let mut batch: Value = serde_json::from_slice(&read("batch-circular.json")).unwrap();
    let recipients: Vec<Value> = (1..=n)
        .map(|i| {
            json!({
                "position": format!("นายกเทศมนตรีตำบลทดสอบที่ {i}"),
                "office": format!("เทศบาลตำบลทดสอบที่ {i}"),
                "amount": 1000 + i * 7,
                "file": format!("t{i}"),
            })
        })
        .collect();
    batch["recipients"] = Value::Array(recipients);
    batch
}

fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut f = archive.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            (f.name().to_string(), data)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_kind_renders_as_pdf_and_png() {
    let server = Server::default().await;
    let mut kinds = std::collections::BTreeSet::new();
    for file in example_files() {
        let body = std::fs::read(&file).unwrap();
        let doc: Value = serde_json::from_slice(&body).unwrap();
        kinds.insert(doc["kind"].as_str().unwrap().to_string());
        let res = server.post("/v1/letters", body).await;
        assert_eq!(res.status(), 200, "{}", file.display());
        assert_eq!(res.headers()["content-type"], "application/pdf");
        let pages: usize = res.headers()["x-pages"].to_str().unwrap().parse().unwrap();
        let pdf = res.bytes().await.unwrap();
        assert!(pdf.starts_with(b"%PDF"), "{}", file.display());
        assert!(pages >= 1);
    }
    let all: Vec<String> = saraban::Kind::ALL
        .iter()
        .map(|k| k.name().to_string())
        .collect();
    assert_eq!(kinds.into_iter().collect::<Vec<_>>().len(), all.len());

    let res = server
        .post("/v1/letters?format=png", read("external-letter.json"))
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");
    assert!(res.bytes().await.unwrap().starts_with(b"\x89PNG\r\n\x1a\n"));

    let res = server
        .post(
            "/v1/letters?format=png&page=99",
            read("external-letter.json"),
        )
        .await;
    assert_eq!(
        fields(&problem(res, StatusCode::BAD_REQUEST).await),
        ["page"]
    );
    let res = server
        .post("/v1/letters?format=gif", read("external-letter.json"))
        .await;
    assert_eq!(
        fields(&problem(res, StatusCode::BAD_REQUEST).await),
        ["format"]
    );
    server.stop().await;
}

/// `?pdf_standard=` writes the letter to a PDF standard (its XMP says so);
/// an unknown standard is a problem at that parameter, and a letter typst
/// cannot make conform is a problem at `pdf_standard` with the reason, not a
/// server error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_asks_for_a_pdf_standard() {
    let server = Server::default().await;
    let res = server
        .post(
            "/v1/letters?pdf_standard=a-2b",
            read("external-letter.json"),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let pdf = res.bytes().await.unwrap();
    let text = String::from_utf8_lossy(&pdf);
    assert!(text.contains("<pdfaid:part>2</pdfaid:part>"));
    let res = server
        .post("/v1/letters?pdf_standard=a-9", read("external-letter.json"))
        .await;
    let body = problem(res, StatusCode::BAD_REQUEST).await;
    assert_eq!(fields(&body), ["pdf_standard"]);
    assert!(body.to_string().contains("a-2b, a-2u"), "{body}");
    let res = server
        .post(
            "/v1/letters?pdf_standard=ua-1",
            read("measures-activities.json"),
        )
        .await;
    let body = problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(fields(&body), ["pdf_standard"]);
    assert!(body.to_string().contains("PDF/UA-1"), "{body}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validate_lists_problems_or_none() {
    let server = Server::default().await;
    let res = server
        .post("/v1/letters/validate", read("order.json"))
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.json::<Value>().await.unwrap(),
        json!({"valid": true, "problems": []})
    );

    let mut doc: Value = serde_json::from_slice(&read("external-letter.json")).unwrap();
    doc["agency"] = json!("no-such-agency");
    let res = server.post("/v1/letters/validate", doc.to_string()).await;
    assert_eq!(res.status(), 200);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["valid"], false);
    assert_eq!(fields(&v), ["agency"]);

    let res = server
        .post(
            "/v1/letters/validate",
            r#"{"kind": "memo", "agency": "phatthalung-2"}"#,
        )
        .await;
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["valid"], false);
    // Every problem at once: what a memo needs and this one lacks.
    assert_eq!(fields(&v), ["subject", "to", "signatory.name", "body"]);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_4xx_naming_the_field() {
    let server = Server::start(Config {
        limits: Limits {
            letter_bytes: 64 * 1024,
            ..Limits::default()
        },
        ..Config::default()
    })
    .await;

    // Malformed JSON: 400.
    let res = server
        .post(
            "/v1/letters",
            r#"{"kind": "memo", "subject": "x", "to": nobody}"#,
        )
        .await;
    let body = problem(res, StatusCode::BAD_REQUEST).await;
    assert_eq!(body["type"], "urn:saraban:malformed-json");
    assert_eq!(fields(&body), ["to"]);
    assert!(
        body["problems"][0]["message"]
            .as_str()
            .unwrap()
            .contains("line 1")
    );

    // Wrong type: 422 at the field.
    let mut doc: Value = serde_json::from_slice(&read("external-letter.json")).unwrap();
    doc["signatory"]["name"] = json!(42);
    let res = server.post("/v1/letters", doc.to_string()).await;
    let body = problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(fields(&body), ["signatory.name"]);
    assert!(
        body["problems"][0]["message"]
            .as_str()
            .unwrap()
            .contains("invalid type")
    );

    // Unknown kind: 422 naming kind.
    doc["signatory"]["name"] = json!("นายทดสอบ ระบบ");
    doc["kind"] = json!("letter");
    let res = server.post("/v1/letters", doc.to_string()).await;
    let body = problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(fields(&body), ["kind"]);

    // Valid JSON, invalid content (empty name): 422 from the checks.
    doc["kind"] = json!("external");
    doc["body"][0] = json!({"type": "list", "items": "nope"});
    let res = server.post("/v1/letters", doc.to_string()).await;
    let body = problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(fields(&body)[0].starts_with("body[0]"), "{body}");

    // Oversize body: 413, before any parsing.
    let big = format!(r#"{{"kind": "memo", "subject": "{}"}}"#, "ก".repeat(40_000));
    let res = server.post("/v1/letters", big).await;
    let body = problem(res, StatusCode::PAYLOAD_TOO_LARGE).await;
    assert!(body["detail"].as_str().unwrap().contains("65536"));

    // Unknown route and method: problem documents too; the request id is echoed.
    let res = server
        .client
        .get(server.url("/v1/nothing"))
        .header("x-request-id", "test-123")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["x-request-id"], "test-123");
    let body = problem(res, StatusCode::NOT_FOUND).await;
    assert_eq!(body["request_id"], "test-123");
    let res = server.get("/v1/letters").await;
    problem(res, StatusCode::METHOD_NOT_ALLOWED).await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_of_200_gives_200_pdfs_with_each_recipients_values() {
    let server = Server::default().await;
    let started = std::time::Instant::now();
    let res = server.post("/v1/batches", batch_of(200).to_string()).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/zip");
    assert_eq!(res.headers()["x-letters"], "200");
    let zip = res.bytes().await.unwrap();
    eprintln!(
        "200-letter batch: {} bytes in {:.1} s",
        zip.len(),
        started.elapsed().as_secs_f64()
    );
    let files = unzip(&zip);
    assert_eq!(files.len(), 200);
    let checks: Vec<(usize, String, Vec<u8>)> = files
        .into_iter()
        .enumerate()
        .map(|(i, (name, pdf))| (i + 1, name, pdf))
        .collect();
    // Text extraction on two threads.
    let (a, b): (Vec<_>, Vec<_>) = checks.into_iter().partition(|(i, ..)| i % 2 == 0);
    let check = |part: Vec<(usize, String, Vec<u8>)>| {
        for (i, name, pdf) in part {
            assert_eq!(name, format!("{i:03}-t{i}.pdf"));
            assert!(pdf.starts_with(b"%PDF"));
            let text = pdf_text(&pdf);
            let amount = saraban::thai::Baht {
                satang: (1000 + i as i64 * 7) * 100,
            };
            for want in [
                format!("เรียนนายกเทศมนตรีตำบลทดสอบที่{i}"),
                format!("เทศบาลตำบลทดสอบที่{i}"),
                squash_digits(&saraban::thai::baht_text(amount)),
            ] {
                assert!(text.contains(&want), "letter {i} lacks {want}: {text}");
            }
        }
    };
    let t = std::thread::spawn(move || check(a));
    check(b);
    t.join().unwrap();
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn merged_pdf_has_every_page_in_order() {
    let server = Server::default().await;
    let mut documents = Vec::new();
    let mut expected = 0;
    for file in example_files() {
        let body = std::fs::read(&file).unwrap();
        let res = server.post("/v1/letters", body.clone()).await;
        let pages: usize = res.headers()["x-pages"].to_str().unwrap().parse().unwrap();
        expected += pages;
        documents.push(serde_json::from_slice::<Value>(&body).unwrap());
    }
    let res = server
        .post(
            "/v1/batches?merge=true",
            json!({ "documents": documents }).to_string(),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert_eq!(
        res.headers()["x-letters"],
        example_files().len().to_string().as_str()
    );
    let header_pages: usize = res.headers()["x-pages"].to_str().unwrap().parse().unwrap();
    let pdf = res.bytes().await.unwrap();
    assert_eq!(header_pages, expected);
    assert_eq!(pdf_pages(&pdf), expected);

    // A mail merge too: one page per recipient, in order.
    let res = server
        .post("/v1/batches?merge=true", batch_of(5).to_string())
        .await;
    assert_eq!(res.status(), 200);
    let pdf = res.bytes().await.unwrap();
    assert_eq!(pdf_pages(&pdf), 5);
    let text = pdf_text(&pdf);
    let at: Vec<usize> = (1..=5)
        .map(|i| text.find(&format!("ทดสอบที่{i}")).unwrap())
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]));
    // A bookmark at each letter's first page, naming its addressee, and a
    // title, as a clerk finds a letter in a merged circular.
    let (title, marks) = outline(&pdf);
    assert!(title.ends_with("(๕ ฉบับ)"), "{title}");
    assert_eq!(marks.len(), 5, "{marks:?}");
    for (i, (text, page)) in marks.iter().enumerate() {
        assert!(text.starts_with(&format!("{}. ", i + 1)), "{text}");
        assert!(text.contains(&format!("ทดสอบที่ {}", i + 1)), "{text}");
        assert_eq!(*page, i, "{text}");
    }
    // Tagged as one letter is, each letter's structure its own: one emblem
    // figure per letter, every page's content in the tree, Thai.
    let (figures, pages) = structure(&pdf);
    assert_eq!(figures, 5);
    assert_eq!(pages, (0..5).collect::<Vec<_>>());
    server.stop().await;
}

/// A tagged PDF's figures and the pages (0-based) its structure elements
/// stand on, read with lopdf; its catalogue must say Thai and marked.
fn structure(pdf: &[u8]) -> (usize, Vec<usize>) {
    use lopdf::Object;
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    let catalog = doc.catalog().unwrap();
    assert_eq!(
        lopdf::decode_text_string(catalog.get(b"Lang").unwrap()).unwrap(),
        "th"
    );
    let marked = catalog
        .get_deref(b"MarkInfo", &doc)
        .unwrap()
        .as_dict()
        .unwrap();
    assert!(marked.get(b"Marked").unwrap().as_bool().unwrap());
    let pages: Vec<lopdf::ObjectId> = doc.get_pages().into_values().collect();
    let root = catalog.get_deref(b"StructTreeRoot", &doc).unwrap();
    let (mut figures, mut on) = (0, std::collections::BTreeSet::new());
    let mut stack = vec![root.clone()];
    while let Some(node) = stack.pop() {
        let node = match node {
            Object::Reference(id) => doc.get_object(id).unwrap().clone(),
            other => other,
        };
        match node {
            Object::Array(items) => stack.extend(items),
            Object::Dictionary(d) => {
                if d.get(b"S").and_then(Object::as_name).ok() == Some(b"Figure") {
                    figures += 1;
                }
                if let Ok(page) = d.get(b"Pg").and_then(Object::as_reference) {
                    on.insert(pages.iter().position(|p| *p == page).unwrap());
                }
                if let Ok(kids) = d.get(b"K") {
                    stack.push(kids.clone());
                }
            }
            _ => {}
        }
    }
    (figures, on.into_iter().collect())
}

/// A PDF's title and its outline's entries with their pages (0-based), read
/// with lopdf.
fn outline(pdf: &[u8]) -> (String, Vec<(String, usize)>) {
    use lopdf::Object;
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    let decode = |o: &Object| lopdf::decode_text_string(o).unwrap();
    let info = doc
        .trailer
        .get_deref(b"Info", &doc)
        .unwrap()
        .as_dict()
        .unwrap();
    let title = decode(info.get(b"Title").unwrap());
    let pages: Vec<lopdf::ObjectId> = doc.get_pages().into_values().collect();
    let root = doc
        .catalog()
        .unwrap()
        .get_deref(b"Outlines", &doc)
        .unwrap()
        .as_dict()
        .unwrap();
    let mut marks = Vec::new();
    let mut next = root.get(b"First").ok().cloned();
    while let Some(Object::Reference(id)) = next {
        let item = doc.get_object(id).unwrap().as_dict().unwrap();
        let action = item.get_deref(b"A", &doc).unwrap().as_dict().unwrap();
        let dest = action.get(b"D").unwrap().as_array().unwrap();
        let page = dest[0].as_reference().unwrap();
        marks.push((
            decode(item.get(b"Title").unwrap()),
            pages.iter().position(|p| *p == page).unwrap(),
        ));
        next = item.get(b"Next").ok().cloned();
    }
    (title, marks)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_problems_are_422_before_any_zip_byte() {
    let server = Server::start(Config {
        limits: Limits {
            batch_letters: 50,
            merge_letters: 10,
            ..Limits::default()
        },
        ..Config::default()
    })
    .await;

    // A recipient without the variable a placeholder uses.
    let mut batch = batch_of(20);
    batch["recipients"][7]
        .as_object_mut()
        .unwrap()
        .remove("position");
    let res = server.post("/v1/batches", batch.to_string()).await;
    let body = problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(fields(&body), ["recipients[7].document.to"]);
    let message = body["problems"][0]["message"].as_str().unwrap();
    assert!(message.contains("recipient.position"), "{message}");

    // null counts as missing.
    let mut batch = batch_of(3);
    batch["recipients"][2]["office"] = Value::Null;
    let res = server.post("/v1/batches", batch.to_string()).await;
    let body = problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(fields(&body), ["recipients[2].document.body[0]"]);

    // The file-name pattern's variable.
    let mut batch = batch_of(3);
    batch["file_name"] = json!("{{recipient.nickname}}.pdf");
    let res = server.post("/v1/batches", batch.to_string()).await;
    let body = problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(fields(&body)[0], "file_name");
    assert!(
        body["problems"][0]["message"]
            .as_str()
            .unwrap()
            .contains("recipients[0]")
    );

    // A recipient's value that makes the letter invalid.
    let mut batch = batch_of(3);
    batch["recipients"][1]["amount"] = json!("หนึ่งพัน");
    let res = server.post("/v1/batches", batch.to_string()).await;
    let body = problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(fields(&body), ["recipients[1].amount"]);

    // A bad placeholder in the letter, a wrong type in the letter, bad documents.
    let mut batch = batch_of(3);
    batch["document"]["subject"] = json!("{{#if recipient.x}} never closed");
    let res = server.post("/v1/batches", batch.to_string()).await;
    let body = problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(fields(&body), ["document.subject"]);
    let mut batch = batch_of(3);
    batch["document"]["kind"] = json!("postcard");
    let res = server.post("/v1/batches", batch.to_string()).await;
    assert_eq!(
        fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await),
        ["document.kind"]
    );
    let res = server
        .post("/v1/batches", r#"{"documents": [{"kind": "memo"}]}"#)
        .await;
    let body = problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(fields(&body)[0], "documents[0].agency");
    let res = server.post("/v1/batches", r#"{"recipients": [{}]}"#).await;
    assert_eq!(
        fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await),
        ["document"]
    );
    let res = server.post("/v1/batches", r#"{"documents": [}"#).await;
    problem(res, StatusCode::BAD_REQUEST).await;

    // Too many letters: 413 naming the list; merging too many: 413 naming merge.
    let res = server.post("/v1/batches", batch_of(51).to_string()).await;
    assert_eq!(
        fields(&problem(res, StatusCode::PAYLOAD_TOO_LARGE).await),
        ["recipients"]
    );
    let res = server
        .post("/v1/batches?merge=true", batch_of(11).to_string())
        .await;
    assert_eq!(
        fields(&problem(res, StatusCode::PAYLOAD_TOO_LARGE).await),
        ["merge"]
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_requests_all_succeed() {
    let server = Arc::new(Server::default().await);
    let body = read("memo-phatthalung.json");
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..50 {
        let (server, body) = (server.clone(), body.clone());
        tasks.spawn(async move {
            let res = server.post("/v1/letters", body).await;
            let status = res.status();
            let pdf = res.bytes().await.unwrap();
            (status, pdf.starts_with(b"%PDF"))
        });
    }
    let mut ok = 0;
    while let Some(r) = tasks.join_next().await {
        let (status, pdf) = r.unwrap();
        assert_eq!(status, 200);
        assert!(pdf);
        ok += 1;
    }
    assert_eq!(ok, 50);
    let metrics = server.get("/metrics").await.text().await.unwrap();
    assert!(metrics.contains(
        "saraban_http_requests_total{route=\"/v1/letters\",method=\"POST\",status=\"200\"} 50"
    ));
    assert!(metrics.contains("saraban_letters_rendered_total 50"));
    Arc::try_unwrap(server).ok().unwrap().stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_queue_answers_503_with_retry_after() {
    // One worker, one place in the queue: two long letters in flight fill both.
    let server = Server::start(Config {
        workers: 1,
        queue: 1,
        ..Config::default()
    })
    .await;
    let mut long: Value = serde_json::from_slice(&read("external-letter.json")).unwrap();
    long["body"] = json!(vec![
        "ด้วยจังหวัดขอนแก่นขอแจ้งกำหนดการประชุม ".repeat(100);
        6
    ]);
    let mut in_flight = Vec::new();
    for _ in 0..2 {
        let client = server.client.clone();
        let url = server.url("/v1/letters");
        let body = long.to_string();
        in_flight.push(tokio::spawn(async move {
            client.post(url).body(body).send().await
        }));
    }
    for _ in 0..500 {
        let h: Value = server.get("/healthz").await.json().await.unwrap();
        if h["admitted"] == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }

    let res = server
        .post("/v1/letters", read("memo-phatthalung.json"))
        .await;
    assert_eq!(res.headers()["retry-after"], "1");
    let body = problem(res, StatusCode::SERVICE_UNAVAILABLE).await;
    assert_eq!(body["type"], "urn:saraban:overloaded");
    let health: Value = server.get("/healthz").await.json().await.unwrap();
    assert_eq!(health["admitted"], 2);
    assert_eq!(health["capacity"], 2);

    // The letters still complete, and then there is room again.
    for res in in_flight {
        let res = res.await.unwrap().unwrap();
        assert_eq!(res.status(), 200);
        assert!(res.bytes().await.unwrap().starts_with(b"%PDF"));
    }
    let mut status = StatusCode::SERVICE_UNAVAILABLE;
    for _ in 0..50 {
        let res = server
            .post("/v1/letters", read("memo-phatthalung.json"))
            .await;
        status = res.status();
        if status == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(status, 200);
    let metrics = server.get("/metrics").await.text().await.unwrap();
    assert!(metrics.contains("saraban_rejected_total 1"), "{metrics}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn time_limit_answers_503() {
    let server = Server::start(Config {
        timeout: Duration::from_millis(1),
        ..Config::default()
    })
    .await;
    let res = server
        .post("/v1/letters", read("measures-activities.json"))
        .await;
    let body = problem(res, StatusCode::SERVICE_UNAVAILABLE).await;
    assert_eq!(body["type"], "urn:saraban:timeout");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_finishes_letters_in_flight() {
    let server = Server::default().await;
    let client = server.client.clone();
    let url = server.url("/v1/letters");
    let request = tokio::spawn(async move {
        client
            .post(url)
            .body(read("measures-activities.json"))
            .send()
            .await
    });
    // Wait until the render is running, then stop.
    for _ in 0..200 {
        let h: Value = server.get("/healthz").await.json().await.unwrap();
        if h["busy"] == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    server.stop().await;
    let res = request.await.unwrap().unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.bytes().await.unwrap().starts_with(b"%PDF"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn service_describes_itself() {
    let server = Server::default().await;
    let api: Value = server.get("/openapi.json").await.json().await.unwrap();
    assert_eq!(api["openapi"], "3.1.0");
    for route in saraban::server::routes::routes() {
        let op = &api["paths"][route.path][route.method];
        assert!(
            op.is_object(),
            "{} {} is not in the OpenAPI document",
            route.method,
            route.path
        );
        // Every route answers with success: 200, or 202 for a queued job.
        assert!(
            op["responses"]["200"].is_object() || op["responses"]["202"].is_object(),
            "{} {}",
            route.method,
            route.path
        );
        // Routes with path parameters (the register's) are tested on their own.
        if route.method == "get" && !route.path.contains('{') {
            assert_eq!(server.get(route.path).await.status(), 200, "{}", route.path);
        }
    }
    let paths = api["paths"].as_object().unwrap();
    for path in [
        "/v1/letters",
        "/v1/letters/validate",
        "/v1/batches",
        "/v1/kinds",
        "/v1/schema",
        "/openapi.json",
        "/healthz",
        "/metrics",
    ] {
        assert!(paths.contains_key(path), "{path}");
    }
    // Every $ref resolves.
    let text = api.to_string();
    for part in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = part.split('"').next().unwrap();
        assert!(api["components"]["schemas"][name].is_object(), "{name}");
    }
    assert!(api["components"]["schemas"]["Document"].is_object());
    assert!(api["components"]["schemas"]["BatchRequest"].is_object());

    let kinds: Value = server.get("/v1/kinds").await.json().await.unwrap();
    let names: Vec<&str> = kinds["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "external",
            "circular",
            "memo",
            "announcement",
            "order",
            "standard",
            "stamped",
            "regulation",
            "bylaw",
            "statement",
            "news",
            "certificate",
            "minutes"
        ]
    );
    assert_eq!(kinds["kinds"][2]["template"], "memo.typ");

    let schema: Value = server.get("/v1/schema").await.json().await.unwrap();
    assert!(schema["properties"]["kind"].is_object());
    let health: Value = server.get("/healthz").await.json().await.unwrap();
    assert_eq!(health["status"], "ok");

    server.post("/v1/letters", read("order.json")).await;
    let metrics = server.get("/metrics").await.text().await.unwrap();
    // The latency histogram's bucket, its labels in either order.
    assert!(
        metrics.lines().any(
            |l| l.starts_with("saraban_http_request_duration_seconds_bucket{")
                && l.contains("route=\"/v1/letters\"")
                && l.contains("le=\"+Inf\"")
                && l.ends_with("} 1")
        ),
        "no latency bucket in {metrics}"
    );
    for want in [
        "saraban_http_requests_total{route=\"/v1/letters\",method=\"POST\",status=\"200\"} 1",
        "saraban_letters_rendered_total 1",
        "saraban_render_duration_seconds_count 1",
        "saraban_queue_depth 0",
    ] {
        assert!(metrics.contains(want), "{want} not in {metrics}");
    }
    server.stop().await;
}

// ---------------------------------------------------------------------------
// Hostile input and slow clients: every one of these crashed the process, ran
// without bound or locked every client out before (issue 12).

/// A 1×1 PNG whose pixel data is cut short: its signature is right, it does
/// not decode.
fn broken_png() -> String {
    use base64::Engine as _;
    let mut png =
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
            .to_vec();
    png.extend_from_slice(b"\x90wS\xde\x00\x00\x00\x0cIDAT\x08\xd7c\xf8");
    format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(png)
    )
}

fn svg_uri(svg: &str) -> String {
    use base64::Engine as _;
    format!(
        "data:image/svg+xml;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(svg)
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_letters_get_422_naming_the_field_and_the_limit() {
    let server = Server::default().await;
    let base: Value = serde_json::from_slice(&read("external-letter.json")).unwrap();
    let cases: Vec<(&str, Value, &str)> = {
        let mut marks = base.clone();
        marks["body"][0] = json!(format!("a{}", "\u{0301}".repeat(19_999)));
        let mut cell = base.clone();
        cell["body"] =
            json!([{"type": "table", "headers": ["ก", "ข"], "rows": [["ค", "ง".repeat(5_001)]]}]);
        let mut enclosures = base.clone();
        enclosures["enclosures"] = json!(vec!["ก"; 12_000]);
        let mut much = base.clone();
        much["body"] = json!(vec!["ข".repeat(4_900); 32]);
        let mut png = base.clone();
        png["signatory"]["signature_image"] = json!(broken_png());
        let mut linked = base.clone();
        linked["signatory"]["signature_image"] = json!(svg_uri(
            r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10"><image xlink:href="file:///etc/passwd" width="10" height="10"/></svg>"#
        ));
        let mut entities = base.clone();
        entities["signatory"]["signature_image"] = json!(svg_uri(
            r#"<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "&b;"><!ENTITY b "&a;">]><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>&a;</text></svg>"#
        ));
        let mut deep = base.clone();
        deep["signatory"]["signature_image"] = json!(svg_uri(&format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">{}{}</svg>"#,
            "<g>".repeat(5_000),
            "</g>".repeat(5_000)
        )));
        vec![
            ("a run of 19,999 combining marks", marks, "body[0]"),
            (
                "a table cell over 5,000 characters",
                cell,
                "body[0].rows[0][1]",
            ),
            ("12,000 enclosures", enclosures, ""),
            ("156,800 characters in all", much, ""),
            (
                "a PNG that does not decode",
                png,
                "signatory.signature_image",
            ),
            ("an SVG linking a file", linked, "signatory.signature_image"),
            (
                "an SVG with an entity loop",
                entities,
                "signatory.signature_image",
            ),
            (
                "an SVG nested 5,000 deep",
                deep,
                "signatory.signature_image",
            ),
        ]
    };
    for (what, doc, field) in cases {
        let started = std::time::Instant::now();
        let res = server.post("/v1/letters", doc.to_string()).await;
        let body = problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(fields(&body).iter().any(|f| f == field), "{what}: {body}");
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{what}: {:?}",
            started.elapsed()
        );
    }
    // The service is still there.
    let res = server
        .post("/v1/letters", read("external-letter.json"))
        .await;
    assert_eq!(res.status(), 200);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_placeholders_get_422_not_a_crash() {
    let server = Server::default().await;
    let mut looped = batch_of(2);
    looped["document"]["body"][0] = json!(r#"{{#*inline "p"}}{{> p}}{{/inline}}{{> p}}"#);
    let mut mutual = batch_of(2);
    mutual["document"]["to"] = json!("{{> /body/0}}");
    mutual["document"]["body"][0] = json!("{{> /to}}");
    // Nested #each over a long list: a billion passes, no output.
    let mut nested = batch_of(2);
    nested["recipients"][0]["list"] = json!(vec![0; 1000]);
    nested["recipients"][1]["list"] = json!(vec![0; 1000]);
    nested["document"]["body"][1] = json!(
        "{{#each recipient.list}}{{#each ../recipient.list}}{{#each ../../recipient.list}}{{/each}}{{/each}}{{/each}}"
    );
    // Output that grows past any field's limit.
    let mut long = batch_of(2);
    long["recipients"][0]["list"] = json!(vec![0; 5000]);
    long["recipients"][1]["list"] = json!(vec![0; 5000]);
    long["document"]["body"][1] = json!("{{#each recipient.list}}ยาวมาก{{/each}}");
    for (what, batch, field) in [
        ("a partial including itself", looped, "document.body[0]"),
        ("fields including each other", mutual, "document.to"),
        ("nested #each", nested, "document.body[1]"),
        ("output past a field's limit", long, "document.body[1]"),
    ] {
        let started = std::time::Instant::now();
        let res = server.post("/v1/batches", batch.to_string()).await;
        assert_eq!(res.status(), 422, "{what}");
        let body = problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(
            body["problems"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["field"].as_str().unwrap().contains(field)
                    || p["message"].as_str().unwrap().contains(field)),
            "{what}: {body}"
        );
        assert!(started.elapsed() < Duration::from_secs(10), "{what}");
    }
    let res = server.get("/healthz").await;
    assert_eq!(res.status(), 200);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn merged_pdfs_are_capped_in_pages_and_zip_names_never_repeat() {
    let server = Server::start(Config {
        limits: Limits {
            merge_pages: 3,
            ..Limits::default()
        },
        ..Config::default()
    })
    .await;
    let res = server
        .post("/v1/batches?merge=true", batch_of(5).to_string())
        .await;
    let body = problem(res, StatusCode::PAYLOAD_TOO_LARGE).await;
    assert_eq!(fields(&body), ["merge"], "{body}");

    // `x`, `x-3`, `x`: three letters, three names.
    let mut batch = batch_of(3);
    for (i, name) in ["x", "x-3", "x"].iter().enumerate() {
        batch["recipients"][i]["file"] = json!(name);
    }
    batch["file_name"] = json!("{{recipient.file}}");
    let res = server.post("/v1/batches", batch.to_string()).await;
    assert_eq!(res.status(), 200);
    let files = unzip(&res.bytes().await.unwrap());
    let names: std::collections::BTreeSet<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names.len(), 3, "{names:?}");
    server.stop().await;
}

/// Posts `body` to /v1/batches from a socket with a 4 KB receive buffer,
/// reads the status line and then nothing more: a client that stalls.
async fn stalled_batch(addr: &str, body: &str) -> tokio::net::TcpStream {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let mut stream = socket.connect(addr.parse().unwrap()).await.unwrap();
    let head = format!(
        "POST /v1/batches HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body.as_bytes()).await.unwrap();
    let mut status = [0u8; 12];
    stream.read_exact(&mut status).await.unwrap();
    assert_eq!(&status, b"HTTP/1.1 200");
    stream
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_batch_readers_lock_nobody_out() {
    use tokio::io::AsyncReadExt;
    let server = Server::start(Config {
        workers: 2,
        queue: 2,
        streams: 2,
        stall: Duration::from_secs(2),
        ..Config::default()
    })
    .await;
    let addr = server.base.trim_start_matches("http://").to_string();
    // Two batches whose clients stop reading: each holds its stream.
    let body = batch_of(300).to_string();
    let mut stalled = Vec::new();
    for _ in 0..2 {
        stalled.push(stalled_batch(&addr, &body).await);
    }
    // A third batch is turned away; single letters still render, quickly.
    let res = server.post("/v1/batches", batch_of(2).to_string()).await;
    let overloaded = problem(res, StatusCode::SERVICE_UNAVAILABLE).await;
    assert_eq!(overloaded["type"], "urn:saraban:overloaded");
    for _ in 0..3 {
        let started = std::time::Instant::now();
        let res = server
            .post("/v1/letters", read("external-letter.json"))
            .await;
        assert_eq!(res.status(), 200);
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
    }
    // A stalled reader is cut off after `stall`: what it reads then ends
    // without the chunked body's last chunk (the ZIP is not passed off as
    // complete), and its place is given back.
    let mut admitted = false;
    for _ in 0..100 {
        let res = server.post("/v1/batches", batch_of(2).to_string()).await;
        if res.status() == 200 {
            admitted = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(admitted, "a stalled batch's place is given back");
    // Reading resumes a stream not yet cut, so give both their `stall`
    // (the place above may have come from either) before reading them.
    tokio::time::sleep(Duration::from_secs(4)).await;
    for stream in &mut stalled {
        let mut rest = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut rest))
            .await
            .expect("the stalled stream ends");
        let clean_end = read.is_ok() && rest.ends_with(b"\r\n0\r\n\r\n");
        assert!(!clean_end, "a stalled ZIP must not end cleanly");
    }
    drop(stalled);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_headers_and_idle_sockets_are_closed_and_shutdown_finishes() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let server = Server::start(Config {
        header_timeout: Duration::from_secs(1),
        drain: Duration::from_secs(5),
        ..Config::default()
    })
    .await;
    let addr = server.base.trim_start_matches("http://").to_string();
    // Headers a byte at a time, never finished.
    let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
    slow.write_all(b"POST /v1/letters HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    // A socket that says nothing.
    let mut idle = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let mut buf = [0u8; 256];
    for sock in [&mut slow, &mut idle] {
        let read = tokio::time::timeout(Duration::from_secs(10), sock.read(&mut buf))
            .await
            .expect("the server closes the socket");
        // Closed (0 bytes), or a 408 before closing.
        if let Ok(n) = read
            && n > 0
        {
            assert!(String::from_utf8_lossy(&buf[..n]).contains("408"));
        }
    }
    // A slow client connected at shutdown does not hold the process.
    let _held = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let started = std::time::Instant::now();
    server.stop().await;
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_form_takes_the_recipients_spreadsheet_as_it_is() {
    let server = Server::default().await;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/recipients");
    let letter = std::fs::read_to_string(dir.join("letter.json")).unwrap();
    let form = |sheet: &str| {
        let file = std::fs::read(dir.join(sheet)).unwrap();
        reqwest::multipart::Form::new()
            .text("document", letter.clone())
            .part(
                "recipients",
                reqwest::multipart::Part::bytes(file).file_name(sheet.to_string()),
            )
            .text("file_name", "{{seq}}-{{recipient.ชื่อโรงเรียน}}.pdf")
    };
    let res = server
        .client
        .post(server.url("/v1/batches"))
        .multipart(form("schools.xlsx"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/zip");
    let bytes = res.bytes().await.unwrap();
    let zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let names: Vec<&str> = zip.file_names().collect();
    assert_eq!(names.len(), 3);
    assert!(names.contains(&"2-โรงเรียนวัดใหม่.pdf"), "{names:?}");
    // A bad cell is a 422 naming the file, the sheet, the row and the column.
    let res = server
        .client
        .post(server.url("/v1/batches"))
        .multipart(form("schools-bad.xlsx"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["problems"][0]["field"], "recipients");
    let message = v["problems"][0]["message"].as_str().unwrap();
    assert!(
        message.contains(r#"schools-bad.xlsx: sheet "โรงเรียน", row 6, column "งบประมาณ""#),
        "{message}"
    );
    // The form is described beside the JSON body.
    let api: Value = server.get("/openapi.json").await.json().await.unwrap();
    let form =
        &api["paths"]["/v1/batches"]["post"]["requestBody"]["content"]["multipart/form-data"];
    assert_eq!(
        form["schema"]["$ref"], "#/components/schemas/BatchForm",
        "{form}"
    );
    let schema = &api["components"]["schemas"]["BatchForm"];
    assert_eq!(
        schema["properties"]["recipients"]["format"], "binary",
        "{schema}"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_of_another_type_is_a_415() {
    let server = Server::default().await;
    let send = |path: &'static str, media: &'static str| {
        server
            .client
            .post(server.url(path))
            .header("content-type", media)
            .body(read("external-letter.json"))
            .send()
    };
    for (path, media) in [
        ("/v1/letters", "text/plain"),
        ("/v1/letters", "application/x-www-form-urlencoded"),
        ("/v1/letters/validate", "application/xml"),
        ("/v1/letters", "multipart/form-data; boundary=x"),
    ] {
        let res = send(path, media).await.unwrap();
        assert_eq!(res.status(), 415, "{path} {media}");
        let v: Value = res.json().await.unwrap();
        assert!(
            v["detail"]
                .as_str()
                .unwrap()
                .contains("send application/json"),
            "{v}"
        );
    }
    for media in [
        "application/json",
        "application/json; charset=utf-8",
        "application/problem+json",
    ] {
        assert_eq!(
            send("/v1/letters", media).await.unwrap().status(),
            200,
            "{media}"
        );
    }
    server.stop().await;
}

/// What the clerk's page stands on: its files (only its own, under a strict
/// content policy), the agencies and examples it starts from, a spreadsheet
/// read into recipients, and one recipient's letter as a page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_and_what_it_starts_from() {
    let s = Server::default().await;
    let res = s.get("/").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("script-src 'self'") && csp.contains("default-src 'self'"),
        "{csp}"
    );
    let html = res.text().await.unwrap();
    assert!(html.contains("lang=\"th\"") && html.contains("/page/app.js"));
    // No asset from elsewhere: the page works offline.
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "{html}"
    );
    for (path, media) in [
        ("/page/app.js", "text/javascript"),
        ("/page/app.css", "text/css"),
        ("/page/fonts/Laksaman.ttf", "font/ttf"),
    ] {
        let res = s.get(path).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert!(
            res.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with(media)
        );
        let body = res.bytes().await.unwrap();
        assert!(body.len() > 1000, "{path}");
        if !path.ends_with(".ttf") {
            let text = String::from_utf8(body.to_vec()).unwrap();
            assert!(!text.contains("https://"), "{path} loads from elsewhere");
        }
    }
    assert_eq!(
        s.get("/page/../Cargo.toml").await.status(),
        StatusCode::NOT_FOUND
    );

    let agencies: Value = s.get("/v1/agencies").await.json().await.unwrap();
    let ids: Vec<&str> = agencies["agencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"khonkaen-province"), "{ids:?}");

    // Every shipped example is offered, and each comes back as shipped.
    let list: Value = s.get("/v1/examples").await.json().await.unwrap();
    let names: Vec<&str> = list["examples"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    let shipped = std::fs::read_dir(examples())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "json")
        })
        .count();
    assert_eq!(names.len(), shipped);
    let res = s.get("/v1/examples/batch-circular").await;
    let got: Value = res.json().await.unwrap();
    let file: Value = serde_json::from_slice(&read("batch-circular.json")).unwrap();
    assert_eq!(got, file);
    problem(s.get("/v1/examples/nothing").await, StatusCode::NOT_FOUND).await;

    // A spreadsheet read as a batch reads it: columns in order, rows as objects.
    let form = reqwest::multipart::Form::new().part(
        "recipients",
        reqwest::multipart::Part::bytes("ชื่อ,ตำแหน่ง\nนายหนึ่ง,ครู\nนางสอง,ผู้อำนวยการ\n".as_bytes())
            .file_name("list.csv"),
    );
    let res = s
        .client
        .post(s.url("/v1/recipients"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let read: Value = res.json().await.unwrap();
    assert_eq!(read["columns"], json!(["ชื่อ", "ตำแหน่ง"]));
    assert_eq!(read["rows"][1]["ตำแหน่ง"], "ผู้อำนวยการ");
    // JSON is not a spreadsheet.
    problem(
        s.post("/v1/recipients", "{}").await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
    )
    .await;

    // One recipient's letter as a page; past the last letter is a problem at `letter`.
    let batch = batch_of(3);
    let res = s
        .post("/v1/batches/preview?letter=2&dpi=30", batch.to_string())
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "image/png");
    assert_eq!(res.headers()["x-letters"], "3");
    let png = res.bytes().await.unwrap();
    assert_eq!(&png[..4], b"\x89PNG");
    let other = s
        .post("/v1/batches/preview?letter=3&dpi=30", batch.to_string())
        .await
        .bytes()
        .await
        .unwrap();
    assert_ne!(png, other, "each recipient's letter is their own");
    let body = problem(
        s.post("/v1/batches/preview?letter=4", batch.to_string())
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(fields(&body), ["letter"]);
    s.stop().await;
}
