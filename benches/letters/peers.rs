//! The tools a clerk would otherwise use, on the same letters: the typst CLI run
//! once per letter on the same template and prepared view, and LibreOffice
//! converting the same letter written as a flat ODT.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::fodt;
use crate::inputs;
use crate::stats::command_line;

/// Stand-ins for saraban's two tagging functions (`src/tagging.rs`), which a
/// stock library lacks: they show their body as it is, as saraban's do.
pub const SHIMS: &str = "#let saraban-list(body) = body\n#let saraban-list-item(body) = body\n";

/// A letter as the peers get it: its prepared view and the images it uses.
pub struct PeerLetter {
    pub name: String,
    pub template: String,
    pub view: Value,
    pub assets: Vec<(String, Vec<u8>)>,
}

impl PeerLetter {
    /// The peers' copy of a letter saraban laid out: its template, its final
    /// view and its images.
    pub fn of(name: String, letter: &saraban::Letter) -> anyhow::Result<PeerLetter> {
        Ok(PeerLetter {
            name,
            template: letter.prepared.template.to_string(),
            view: letter.prepared.view.to_value()?,
            assets: letter
                .prepared
                .assets
                .iter()
                .map(|(p, b)| (p.to_string(), b.clone()))
                .collect(),
        })
    }
}

impl PeerLetter {
    /// The view as saraban serves it to the templates: `/data.json` without
    /// the body, and the body apart (`/body.json`).
    pub fn files(&self) -> anyhow::Result<(Vec<u8>, Vec<u8>)> {
        let mut data = self.view.clone();
        let body = data
            .as_object_mut()
            .and_then(|o| o.remove("body"))
            .unwrap_or_default();
        Ok((serde_json::to_vec(&data)?, serde_json::to_vec(&body)?))
    }
}

/// Runs `jobs` on `workers` threads, each taking the next job; the wall time
/// and the number of jobs that failed.
pub fn run_parallel<T: Sync>(
    jobs: &[T],
    workers: usize,
    run: impl Fn(usize, &T) -> bool + Sync,
) -> (Duration, usize) {
    let next = AtomicUsize::new(0);
    let failed = AtomicUsize::new(0);
    let started = Instant::now();
    std::thread::scope(|s| {
        for w in 0..workers.max(1) {
            let (next, failed, run) = (&next, &failed, &run);
            s.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(i) else { break };
                    if !run(w, job) {
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                }
            });
        }
    });
    (started.elapsed(), failed.load(Ordering::Relaxed))
}

/// The typst CLI, once per letter, on a copy of `letter-templates/` as its root.
pub struct TypstCli {
    pub version: String,
    root: PathBuf,
    fonts: PathBuf,
}

impl TypstCli {
    /// `None` when `typst` is not on the path.
    pub fn detect(dir: &Path) -> anyhow::Result<Option<TypstCli>> {
        let Some(version) = command_line("typst", &["--version"]) else {
            return Ok(None);
        };
        let root = dir.join("typst-root");
        std::fs::create_dir_all(root.join("assets"))?;
        std::fs::create_dir_all(root.join("out"))?;
        let templates = inputs::root().join("letter-templates");
        for entry in std::fs::read_dir(&templates)? {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "typ") {
                let mut text = std::fs::read_to_string(&path)?;
                if path.file_name().is_some_and(|n| n == "lib.typ") {
                    // The CLI's library lacks saraban's tagging functions.
                    text.insert_str(0, SHIMS);
                }
                std::fs::write(root.join(path.file_name().unwrap_or_default()), text)?;
            }
        }
        std::fs::copy(
            templates.join("assets/garuda.png"),
            root.join("assets/garuda.png"),
        )?;
        std::fs::write(
            root.join(saraban::geometry::PATH.trim_start_matches('/')),
            saraban::geometry::PAGE.json(),
        )?;
        Ok(Some(TypstCli {
            version,
            root,
            fonts: inputs::root().join("fonts"),
        }))
    }

    /// Writes the letter's view as `/<name>.json`, its body as
    /// `/<name>-body.json`, and its images under the root.
    pub fn prepare(&self, letter: &PeerLetter) -> anyhow::Result<()> {
        let (data, body) = letter.files()?;
        std::fs::write(self.root.join(format!("{}.json", letter.name)), data)?;
        std::fs::write(self.root.join(format!("{}-body.json", letter.name)), body)?;
        for (path, bytes) in &letter.assets {
            let to = self.root.join(path.trim_start_matches('/'));
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(to, bytes)?;
        }
        Ok(())
    }

    /// The command that renders one letter.
    pub fn command(&self, letter: &PeerLetter) -> Command {
        let mut c = Command::new("typst");
        c.arg("compile")
            .arg("--root")
            .arg(&self.root)
            .arg("--font-path")
            .arg(&self.fonts)
            .arg("--ignore-system-fonts")
            .arg("--input")
            .arg(format!("data=/{}.json", letter.name))
            .arg("--input")
            .arg(format!("body=/{}-body.json", letter.name))
            .arg(self.root.join(&letter.template))
            .arg(self.output(letter))
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        c
    }

    pub fn output(&self, letter: &PeerLetter) -> PathBuf {
        self.root.join("out").join(format!("{}.pdf", letter.name))
    }

    /// Renders one letter in a new process: its wall time, or `None` on failure.
    pub fn render(&self, letter: &PeerLetter) -> Option<Duration> {
        let started = Instant::now();
        let ok = self.command(letter).status().is_ok_and(|s| s.success());
        ok.then(|| started.elapsed())
    }

    /// A command line to show in the report.
    pub fn shown(&self) -> String {
        "typst compile --root <copy of letter-templates> --font-path fonts --ignore-system-fonts \
         --input data=/<view>.json --input body=/<view>-body.json external.typ out.pdf"
            .into()
    }
}

/// LibreOffice headless, converting flat ODT files to PDF.
pub struct Office {
    pub version: String,
    dir: PathBuf,
    fontconf: PathBuf,
}

impl Office {
    /// `None` when `soffice` is not on the path.
    pub fn detect(dir: &Path) -> anyhow::Result<Option<Office>> {
        let Some(version) = command_line("soffice", &["--version"]) else {
            return Ok(None);
        };
        let dir = dir.join("office");
        std::fs::create_dir_all(dir.join("in"))?;
        std::fs::create_dir_all(dir.join("out"))?;
        // The project's Laksaman for LibreOffice, through fontconfig, without
        // installing anything on the machine.
        let fontconf = dir.join("fonts.conf");
        std::fs::write(
            &fontconf,
            format!(
                "<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM \"fonts.dtd\">\n<fontconfig>\n\
                 <include ignore_missing=\"yes\">/etc/fonts/fonts.conf</include>\n<dir>{}</dir>\n\
                 <cachedir>{}</cachedir>\n</fontconfig>\n",
                inputs::root().join("fonts").display(),
                dir.join("fc-cache").display()
            ),
        )?;
        Ok(Some(Office {
            version,
            dir,
            fontconf,
        }))
    }

    /// Writes the letter as `in/<name>.fodt`.
    pub fn prepare(&self, letter: &PeerLetter) -> anyhow::Result<PathBuf> {
        let emblem = letter
            .assets
            .iter()
            .find(|(p, _)| Some(p.as_str()) == letter.view["emblem"].as_str())
            .map(|(_, b)| b.as_slice())
            .unwrap_or(saraban::render::GARUDA_PNG);
        let path = self.dir.join("in").join(format!("{}.fodt", letter.name));
        std::fs::write(&path, fodt::fodt(&letter.view, emblem))?;
        Ok(path)
    }

    pub fn output(&self, name: &str) -> PathBuf {
        self.dir.join("out").join(format!("{name}.pdf"))
    }

    /// Converts `files` in one `soffice` process using profile `profile`; the
    /// wall time, or `None` when a PDF is missing.
    pub fn convert(&self, profile: usize, files: &[PathBuf]) -> Option<Duration> {
        if files.is_empty() {
            return Some(Duration::ZERO);
        }
        for f in files {
            let _ = std::fs::remove_file(self.output(&stem(f)));
        }
        let started = Instant::now();
        let status = Command::new("soffice")
            .arg(format!(
                "-env:UserInstallation=file://{}",
                self.dir.join(format!("profile-{profile}")).display()
            ))
            .args([
                "--headless",
                "--norestore",
                "--nolockcheck",
                "--convert-to",
                "pdf",
                "--outdir",
            ])
            .arg(self.dir.join("out"))
            .args(files)
            .env("FONTCONFIG_FILE", &self.fontconf)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let elapsed = started.elapsed();
        let ok = status.is_ok_and(|s| s.success())
            && files.iter().all(|f| self.output(&stem(f)).exists());
        ok.then_some(elapsed)
    }

    /// Converts `files` split over `workers` processes started together; the wall
    /// time until the last one ends.
    pub fn convert_parallel(&self, files: &[PathBuf], workers: usize) -> Option<Duration> {
        let workers = workers.max(1);
        let chunk = files.len().div_ceil(workers);
        let parts: Vec<&[PathBuf]> = files.chunks(chunk.max(1)).collect();
        let started = Instant::now();
        let ok = std::thread::scope(|s| {
            let handles: Vec<_> = parts
                .iter()
                .enumerate()
                .map(|(k, part)| s.spawn(move || self.convert(k, part).is_some()))
                .collect();
            handles.into_iter().all(|h| h.join().unwrap_or(false))
        });
        ok.then(|| started.elapsed())
    }

    /// A command line to show in the report.
    pub fn shown(&self) -> String {
        "soffice -env:UserInstallation=file://<profile> --headless --convert-to pdf --outdir <dir> \
         1.fodt 2.fodt ... (FONTCONFIG_FILE adds fonts/)"
            .into()
    }
}

pub fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The number of pages of a PDF, with poppler's `pdfinfo`, when it is installed.
pub fn pdf_pages(path: &Path) -> Option<usize> {
    let out = Command::new("pdfinfo").arg(path).output().ok()?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:")?.trim().parse().ok())
}

/// The fonts embedded in a PDF (poppler's `pdffonts`), comma-separated.
pub fn pdf_fonts(path: &Path) -> Option<String> {
    let out = Command::new("pdffonts").arg(path).output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut names: Vec<String> = text
        .lines()
        .skip(2)
        .filter_map(|l| l.split_whitespace().next())
        .map(|n| n.split_once('+').map_or(n, |(_, n)| n).to_string())
        .collect();
    names.sort();
    names.dedup();
    Some(names.join(", "))
}

/// The text of a PDF without white space (poppler's `pdftotext`).
pub fn pdf_text(path: &Path) -> Option<String> {
    let out = Command::new("pdftotext").arg(path).arg("-").output().ok()?;
    out.status.success().then(|| {
        String::from_utf8_lossy(&out.stdout)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect()
    })
}
