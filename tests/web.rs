//! The clerk's page in a real browser: Debian's chromium driven over
//! WebDriver (chromedriver) against a real `saraban serve` on loopback.
//!
//! One test walks a clerk's day in order, as the steps depend on each other
//! (the draft typed is the one found after a reload, the key added is the one
//! the register view uses). With `SARABAN_WEB_SHOTS=<dir>` it also saves a
//! screenshot of each screen at desktop and phone width.

mod common;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::TempDir;
use common::served::Served;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

const KK: &str = "khonkaen-province";

/// chromedriver on a free port, killed when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    fn start() -> Driver {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(chromedriver())
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver (Debian's chromium-driver) is installed");
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "chromedriver did not listen"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn chromedriver() -> PathBuf {
    std::env::var_os("CHROMEDRIVER")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromedriver"))
}

async fn browser(driver: &Driver, downloads: &Path) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--window-size=1280,800", "--lang=th"],
            "prefs": {
                "download.default_directory": downloads.to_string_lossy(),
                "download.prompt_for_download": false,
                "safebrowsing.enabled": false
            }
        }),
    );
    // chromedriver is on loopback: plain HTTP, no TLS stack.
    let http = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(http)
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("a chromium session")
}

/// Waits until `check` says yes (at most `secs`), polling.
async fn until<F, Fut>(what: &str, secs: u64, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    loop {
        if check().await {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(secs),
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

async fn eval(c: &Client, script: &str) -> serde_json::Value {
    c.execute(script, vec![]).await.unwrap()
}

/// The text of the first element `css` selects (read in the page, so a
/// re-rendered element is never stale).
async fn text_of(c: &Client, css: &str) -> String {
    let css = serde_json::to_string(css).unwrap();
    eval(
        c,
        &format!("const e = document.querySelector({css}); return e ? e.innerText : '';"),
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_string()
}

/// The preview image's blob URL, once it shows a page.
async fn preview_src(c: &Client) -> String {
    eval(
        c,
        "const i = document.getElementById('preview'); \
         return i.complete && i.naturalWidth > 0 ? i.src : '';",
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_string()
}

/// Clicks the first element `css` selects.
async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|_| panic!("no {css}"))
        .click()
        .await
        .unwrap();
}

/// Empties the control `css` selects.
async fn clear(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap()
        .clear()
        .await
        .unwrap();
}

/// Types `text` into the control `css` selects (a file input takes a path).
async fn keys(c: &Client, css: &str, text: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|_| panic!("no {css}"))
        .send_keys(text)
        .await
        .unwrap();
}

/// Types into the control at a form path (`subject`, `signatory.name`).
async fn type_at(c: &Client, path: &str, text: &str) {
    let e = c
        .find(Locator::Css(&format!("[data-path=\"{path}\"]")))
        .await
        .unwrap_or_else(|_| panic!("no control at {path}"));
    e.clear().await.unwrap();
    e.send_keys(text).await.unwrap();
}

async fn field_error(c: &Client, path: &str) -> String {
    eval(
        c,
        &format!(
            "const f = document.querySelector('[data-field=\"{path}\"] > .field-error'); \
             return f ? f.textContent : '';"
        ),
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_string()
}

/// A file the browser finished downloading into `dir` whose name ends in `ext`.
async fn downloaded(dir: &Path, ext: &str, before: usize) -> PathBuf {
    let mut found = None;
    until(&format!("a downloaded .{ext}"), 60, || {
        let files: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == ext))
            .collect();
        let ready = files.len() > before;
        if ready {
            found = files
                .into_iter()
                .max_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
        }
        async move { ready }
    })
    .await;
    found.unwrap()
}

fn count(dir: &Path, ext: &str) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == ext))
        .count()
}

async fn shot(c: &Client, name: &str) {
    let Some(dir) = std::env::var_os("SARABAN_WEB_SHOTS") else {
        return;
    };
    let dir = PathBuf::from(dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (suffix, w, h) in [("desktop", 1280, 800), ("phone", 390, 844)] {
        c.set_window_size(w, h).await.unwrap();
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let png = c.screenshot().await.unwrap();
        std::fs::write(dir.join(format!("{name}-{suffix}.png")), png).unwrap();
    }
    c.set_window_size(1280, 800).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clerk_writes_previews_fixes_downloads_merges_and_numbers_letters() {
    let dir = TempDir::new("web");
    let downloads = dir.0.join("downloads");
    std::fs::create_dir_all(&downloads).unwrap();
    let db = dir.db();
    let key = common::add_key(&db, KK, "web page");
    let served = {
        let db = db.clone();
        tokio::task::spawn_blocking(move || Served::start(&db))
            .await
            .unwrap()
    };
    let driver = Driver::start();
    let c = browser(&driver, &downloads).await;
    let base = served.base.clone();

    // The page loads with its own files only, in Thai.
    c.goto(&format!("{base}/")).await.unwrap();
    until("the page to be ready", 30, || async {
        eval(&c, "return document.body.dataset.ready === 'true';").await == json!(true)
    })
    .await;
    assert_eq!(
        eval(&c, "return document.documentElement.lang;").await,
        "th"
    );
    let tab = text_of(&c, "#tab-write").await;
    assert_eq!(tab, "เขียนหนังสือ");
    // Every control has a name a screen reader reads.
    let unlabelled = eval(
        &c,
        "return [...document.querySelectorAll('input, select, textarea, button')]
           .filter(e => !e.closest('[hidden]'))
           .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
                        && !e.textContent.trim())
           .map(e => e.outerHTML.slice(0, 80));",
    )
    .await;
    assert_eq!(unlabelled, json!([]), "controls without a label");

    // Start from an example: its text fills the form, its pages the preview.
    let example: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(common::examples_dir().join("measures-activities.json")).unwrap(),
    )
    .unwrap();
    click(&c, "#example option[value=\"measures-activities\"]").await;
    until("the example in the form", 20, || async {
        eval(
            &c,
            "const e = document.querySelector('[data-path=\"subject\"]'); return e ? e.value : '';",
        )
        .await
            == example["subject"]
    })
    .await;
    until("the example's pages", 60, || async {
        !preview_src(&c).await.is_empty() && text_of(&c, "#page-label").await != "หน้า ๑/๑"
    })
    .await;
    click(&c, "#next-page").await;
    until("page 2", 30, || async {
        text_of(&c, "#page-label").await.starts_with("หน้า ๒/")
    })
    .await;
    shot(&c, "0-example").await;
    // Nothing is wider than a phone's screen.
    c.set_window_size(390, 844).await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let overflow = eval(
        &c,
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
    )
    .await;
    assert_eq!(overflow, json!(0), "the page scrolls sideways on a phone");
    c.set_window_size(1280, 800).await.unwrap();

    // A new external letter: the blank form names what is missing, at its field.
    click(&c, "#kind option[value=\"external\"]").await;
    click(&c, "#new-draft").await;
    until("the problem at subject", 20, || async {
        !field_error(&c, "subject").await.is_empty()
    })
    .await;
    shot(&c, "1-blank-letter").await;

    // Fill the letter; the subject is markup-looking text, which stays text.
    let subject = "ขอเชิญประชุม <b>คณะทำงาน</b> #panic()";
    type_at(&c, "subject", subject).await;
    type_at(&c, "to", "ผู้ว่าราชการจังหวัดขอนแก่น").await;
    type_at(
        &c,
        "body[0]",
        "ด้วยจังหวัดขอนแก่นจะจัดการประชุมคณะทำงานเพื่อพิจารณาแผนงานประจำปี จึงขอเชิญท่านเข้าร่วมประชุม",
    )
    .await;
    type_at(&c, "signatory.name", "นายสมชาย ใจดี").await;
    until("the subject's problem to go", 20, || async {
        field_error(&c, "subject").await.is_empty()
    })
    .await;
    until("a preview image", 30, || async {
        !preview_src(&c).await.is_empty()
    })
    .await;
    let first = preview_src(&c).await;
    assert_eq!(
        eval(
            &c,
            "return document.querySelectorAll('#letter-form b, #problems b').length;"
        )
        .await,
        json!(0),
        "the subject became markup"
    );

    // A wrong date is shown at the date field, in Thai words; fixing it clears it.
    type_at(&c, "date", "2567-13-45").await;
    until("the date's problem", 20, || async {
        !field_error(&c, "date").await.is_empty()
    })
    .await;
    // In Thai: the page asks for Thai (Accept-Language) and the service answers in it.
    let message = field_error(&c, "date").await;
    assert!(
        message
            .chars()
            .any(|c| ('\u{0E01}'..='\u{0E5B}').contains(&c))
            && !message.contains(" is ")
            && !message.contains("month"),
        "{message}"
    );
    // The list above the form names the field by its Thai label.
    let listed = text_of(&c, "#problem-list").await;
    assert!(
        listed.contains("ลงวันที่") || listed.contains("วันที่"),
        "{listed}"
    );
    shot(&c, "2-problem-at-field").await;
    type_at(&c, "date", "2567-06-15").await;
    until("the date's problem to go", 20, || async {
        field_error(&c, "date").await.is_empty()
    })
    .await;
    // The preview follows the typing.
    until("the preview to change", 30, || async {
        let now = preview_src(&c).await;
        !now.is_empty() && now != first
    })
    .await;
    shot(&c, "3-letter-preview").await;

    // Download the PDF; its text is the letter's.
    let before = count(&downloads, "pdf");
    click(&c, "#download-pdf").await;
    let pdf = downloaded(&downloads, "pdf", before).await;
    let text = pdftotext(&pdf);
    assert!(text.contains("#panic()"), "{text}");
    assert!(text.contains("<b>คณะทำงาน</b>"), "{text}");
    assert!(text.contains("นายสมชาย ใจดี"), "{text}");

    // A reload finds the draft.
    c.refresh().await.unwrap();
    until("the page to be ready again", 30, || async {
        eval(&c, "return document.body.dataset.ready === 'true';").await == json!(true)
    })
    .await;
    let kept = eval(
        &c,
        "return document.querySelector('[data-path=\"subject\"]').value;",
    )
    .await;
    assert_eq!(kept, json!(subject));

    // Recipients from a 3-row CSV: columns become placeholders, the preview
    // flips through the letters, the ZIP has three.
    let csv = dir.0.join("schools.csv");
    std::fs::write(
        &csv,
        "ชื่อโรงเรียน,ผู้อำนวยการ\nโรงเรียนบ้านหนองแวง,นายหนึ่ง\nโรงเรียนบ้านโคก,นางสอง\nโรงเรียนบ้านดอน,นายสาม\n",
    )
    .unwrap();
    c.execute("document.getElementById('merge').open = true;", vec![])
        .await
        .unwrap();
    keys(&c, "#recipients-file", &csv.to_string_lossy()).await;
    until("the recipients' columns", 20, || async {
        eval(
            &c,
            "return document.querySelectorAll('#columns button').length;",
        )
        .await
            == json!(3)
    })
    .await;
    // Into the addressee: click in it, then on the column.
    clear(&c, "[data-path=\"to\"]").await;
    click(&c, "[data-path=\"to\"]").await;
    click(&c, "#columns button[title=\"{{recipient.ผู้อำนวยการ}}\"]").await;
    let to = eval(
        &c,
        "return document.querySelector('[data-path=\"to\"]').value;",
    )
    .await;
    assert_eq!(to, json!("{{recipient.ผู้อำนวยการ}}"));
    until("the recipient pager", 20, || async {
        text_of(&c, "#recipient-label").await.contains("๑/๓")
    })
    .await;
    until("a recipient's preview", 30, || async {
        !preview_src(&c).await.is_empty()
    })
    .await;
    let one = preview_src(&c).await;
    click(&c, "#next-recipient").await;
    until("the second recipient's preview", 30, || async {
        let now = preview_src(&c).await;
        !now.is_empty() && now != one
    })
    .await;
    assert!(text_of(&c, "#recipient-label").await.contains("๒/๓"));
    shot(&c, "4-recipients").await;
    let before = count(&downloads, "zip");
    click(&c, "#download-zip").await;
    let zip = downloaded(&downloads, "zip", before).await;
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&zip).unwrap()).unwrap();
    assert_eq!(archive.len(), 3);
    let mut second = Vec::new();
    std::io::copy(&mut archive.by_index(1).unwrap(), &mut second).unwrap();
    let second_pdf = dir.0.join("second.pdf");
    std::fs::write(&second_pdf, second).unwrap();
    assert!(pdftotext(&second_pdf).contains("นางสอง"));
    click(&c, "#clear-recipients").await;

    // With the agency's key, the letter takes the register's next number.
    click(&c, "#tab-register").await;
    keys(&c, "#api-key", &key).await;
    clear(&c, "#register-year").await;
    keys(&c, "#register-year", "2567").await;
    click(&c, "#tab-write").await;
    type_at(&c, "to", "ผู้ว่าราชการจังหวัดขอนแก่น").await;
    click(&c, "#auto-number").await;
    until("the draft preview of an auto letter", 30, || async {
        !preview_src(&c).await.is_empty() && text_of(&c, "#preview-state").await.is_empty()
    })
    .await;
    let before = count(&downloads, "pdf");
    click(&c, "#download-pdf").await;
    let numbered = downloaded(&downloads, "pdf", before).await;
    until("the number's message", 20, || async {
        text_of(&c, "#status").await.contains("ได้เลขที่")
    })
    .await;
    let status = text_of(&c, "#status").await;
    assert!(status.contains("/๑"), "{status}");
    assert!(pdftotext(&numbered).contains("ขก ๐๐๑๗.๕/๑"));

    // The register view shows it; cancelling it with a reason marks it.
    click(&c, "#tab-register").await;
    click(&c, "#load-register").await;
    until("the register's row", 20, || async {
        eval(
            &c,
            "return document.querySelectorAll('#register-table tbody tr').length;",
        )
        .await
            == json!(1)
    })
    .await;
    let row = text_of(&c, "#register-table tbody tr").await;
    assert!(row.contains("ขก ๐๐๑๗.๕/๑"), "{row}");
    assert!(row.contains("ออกแล้ว"), "{row}");
    shot(&c, "5-register").await;
    click(&c, "#register-table tbody tr td:last-child button").await;
    keys(&c, "#register-table .cancel input", "พิมพ์ผิด").await;
    click(&c, "#register-table .cancel button").await;
    until("the cancelled row", 20, || async {
        text_of(&c, "#register-table tbody tr")
            .await
            .contains("ยกเลิก: พิมพ์ผิด")
    })
    .await;

    c.close().await.unwrap();
}

fn pdftotext(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}
