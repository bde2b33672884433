//! `saraban batch`: a circular to the recipients of a spreadsheet, or a
//! batch request as the HTTP service takes it, rendered to a ZIP of PDFs or
//! one merged PDF on disk. Every letter is checked before the first is
//! rendered; the output appears whole, or not at all.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;
use serde_json::Value;

use crate::agency::Agencies;
use crate::error::Problem;
use crate::recipients::{self, ReadOptions, Recipients};
use crate::render::Engine;
use crate::server::batch::{Batch, BatchRequest, Numbering};
use crate::server::issuing::Issue;

/// Most letters one batch file may make (the HTTP default, as a guard
/// against a wrong sheet of 100,000 rows).
pub const MAX_LETTERS: usize = 100_000;

/// Letters rendered together before they are written, in order.
const CHUNK: usize = 64;

/// What `saraban batch` was asked to do.
#[derive(Debug, clap::Args)]
pub struct BatchArgs {
    /// A letter (one document, its text with `{{recipient.<column>}}`
    /// placeholders) or a batch request (`{"document": ..., "recipients": [...]}`
    /// or `{"documents": [...]}`) as `POST /v1/batches` takes it.
    pub input: PathBuf,
    /// The recipients: XLSX, XLS, ODS or CSV, the first row naming the
    /// columns (replaces the request's `recipients`).
    #[arg(long)]
    pub recipients: Option<PathBuf>,
    /// The sheet, by name or number from 1 (default the first).
    #[arg(long)]
    pub sheet: Option<String>,
    /// The CSV's encoding (`utf-8`, `windows-874`, `tis-620`); detected when
    /// left out.
    #[arg(long)]
    pub encoding: Option<String>,
    /// Write a ZIP of one PDF per letter here.
    #[arg(
        short,
        long,
        conflicts_with = "merge",
        required_unless_present = "merge"
    )]
    pub output: Option<PathBuf>,
    /// Write one PDF of every letter here instead.
    #[arg(long)]
    pub merge: Option<PathBuf>,
    /// Pattern of each file name in the ZIP (default `{{seq}}.pdf`).
    #[arg(long)]
    pub file_name: Option<String>,
    /// Progress as plain lines even on a terminal.
    #[arg(long)]
    pub plain: bool,
    /// The register (SQLite file or `postgres://` URL) that numbers letters
    /// whose reference is `"auto"`, as `saraban serve --db` keeps it.
    #[arg(long, env = "SARABAN_DB")]
    pub db: Option<PathBuf>,
    /// How `"auto"` letters are numbered: `one` number for them all (a
    /// circular) or `each` its own (consecutive); as over HTTP.
    #[arg(long, value_parser = ["one", "each"])]
    pub numbering: Option<String>,
}

/// What a batch made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Letters written.
    pub letters: usize,
    /// Pages of all of them.
    pub pages: usize,
}

/// Runs a batch as the arguments say; progress and the summary go to stderr.
pub fn run(args: &BatchArgs, engine: &Engine, agencies: &Agencies) -> anyhow::Result<Summary> {
    let file = args.input.display().to_string();
    let bytes = std::fs::read(&args.input).map_err(|e| anyhow::anyhow!("{file}: {e}"))?;
    let input: Value =
        serde_json::from_slice(&bytes).map_err(|e| anyhow::anyhow!("{file}: not JSON: {e}"))?;
    let sheet = match &args.recipients {
        Some(path) => Some(recipients::read(
            path,
            &ReadOptions {
                sheet: args.sheet.clone(),
                encoding: args.encoding.clone(),
            },
        )?),
        None => None,
    };
    let mut request = request(input, sheet.as_ref(), args.file_name.clone())
        .map_err(|m| anyhow::anyhow!("{file}: {m}"))?;
    if let Some(n) = &args.numbering {
        request.numbering = Some(if n == "one" {
            Numbering::One
        } else {
            Numbering::Each
        });
    }
    // What identifies the batch in the register (as a request body does).
    let request_hash = crate::register::request_hash(&bytes);
    let named = |problems: Vec<Problem>| {
        let lines: Vec<String> = problems
            .iter()
            .map(|p| locate(p, &file, args.recipients.as_deref(), sheet.as_ref()))
            .collect();
        anyhow::anyhow!("{} problem(s):\n  {}", lines.len(), lines.join("\n  "))
    };
    let mut batch = Batch::plan(request, MAX_LETTERS).map_err(|e| named(e.details().problems))?;
    let register = match (batch.numbering(), &args.db) {
        (Some(_), Some(db)) => Some(crate::register::open_store(db)?),
        (Some(_), None) => anyhow::bail!(
            "{file}: numbering: \"auto\" letters are numbered by a register: give --db REGISTER.sqlite"
        ),
        (None, _) => None,
    };
    batch.validate(engine, agencies, false).map_err(named)?;
    // The numbers, taken in one transaction once every letter is known good.
    let issue = match (batch.numbering_plan().cloned(), register) {
        (Some(plan), Some(register)) => {
            let per_letter = batch.numbering() == Some(Numbering::Each);
            let details = batch.take_details();
            let issue = Issue::take_here(register, &plan, details, None, request_hash, per_letter)?;
            batch.set_references(issue.references());
            Some(issue)
        }
        _ => None,
    };
    let (target, merged) = match (&args.output, &args.merge) {
        (Some(o), _) => (o.clone(), false),
        (None, Some(m)) => (m.clone(), true),
        (None, None) => anyhow::bail!("give -o OUT.zip or --merge OUT.pdf"),
    };
    // Written beside the target and renamed when complete: a failed batch
    // leaves nothing that looks like a result.
    let partial = partial_path(&target);
    let result =
        write(&batch, engine, agencies, &partial, merged, args.plain).and_then(|written| {
            std::fs::rename(&partial, &target)
                .map(|()| written)
                .map_err(Into::into)
        });
    match (result, issue) {
        (Ok(written), Some(issue)) => {
            issue.complete_file(written.hashes, &target, merged)?;
            Ok(written.summary)
        }
        (Ok(written), None) => Ok(written.summary),
        (Err(e), issue) => {
            let _ = std::fs::remove_file(&partial);
            // The numbers stay in the book, cancelled with the reason.
            if let Some(issue) = issue {
                issue.abandon_here(&e.to_string());
            }
            Err(e)
        }
    }
}

/// What writing a batch made.
pub(crate) struct Written {
    pub(crate) summary: Summary,
    /// SHA-256 of each letter's PDF, in order (ZIPs only).
    pub(crate) hashes: Vec<String>,
}

/// The batch request: the input as it is, or a letter with the file's
/// recipients.
fn request(
    input: Value,
    sheet: Option<&Recipients>,
    file_name: Option<String>,
) -> Result<BatchRequest, String> {
    let is_request = input.get("document").is_some() || input.get("documents").is_some();
    let mut req: BatchRequest = if is_request {
        serde_path_to_error::deserialize(input)
            .map_err(|e| format!("{}: {}", e.path(), e.inner()))?
    } else {
        BatchRequest {
            document: Some(input),
            recipients: None,
            documents: None,
            file_name: None,
            numbering: None,
        }
    };
    if let Some(sheet) = sheet {
        if req.documents.is_some() {
            return Err("a request of whole `documents` takes no --recipients".into());
        }
        req.recipients = Some(sheet.rows.clone());
    }
    if req.document.is_some() && req.recipients.is_none() {
        return Err("a letter needs --recipients (or a batch request with `recipients`)".into());
    }
    if file_name.is_some() {
        req.file_name = file_name;
    }
    Ok(req)
}

/// A problem at `recipients[i]...` named by the file, sheet, row and column
/// it came from; any other at the input file.
fn locate(p: &Problem, input: &str, path: Option<&Path>, sheet: Option<&Recipients>) -> String {
    let field = p.field.as_str();
    if let (Some(path), Some(sheet)) = (path, sheet)
        && let Some(rest) = field.strip_prefix("recipients[")
        && let Some((index, after)) = rest.split_once(']')
        && let Ok(i) = index.parse::<usize>()
    {
        // The column: the field itself, or the one the message names
        // (`baht: recipient.งบประมาณ: expected baht in figures`).
        let column = after
            .strip_prefix('.')
            .filter(|c| sheet.columns.iter().any(|k| k == c))
            .map(str::to_string)
            .or_else(|| {
                sheet
                    .columns
                    .iter()
                    .filter(|c| p.message.contains(&format!("recipient.{c}")))
                    .max_by_key(|c| c.len())
                    .cloned()
            })
            .map(|c| format!(", column \"{c}\""))
            .unwrap_or_default();
        let inside = if !after.is_empty() && !sheet.columns.iter().any(|c| after == format!(".{c}"))
        {
            format!(" (letter {}: {})", i + 1, after.trim_start_matches('.'))
        } else {
            String::new()
        };
        return format!(
            "{}: {}{column}{inside}: {}",
            path.display(),
            sheet.place(i),
            p.message
        );
    }
    format!("{input}: {p}")
}

pub(crate) fn partial_path(target: &Path) -> PathBuf {
    let mut name = target.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".partial-{}", std::process::id()));
    target.with_file_name(name)
}

/// Renders every letter, in order, into `path`.
fn write(
    batch: &Batch,
    engine: &Engine,
    agencies: &Agencies,
    path: &Path,
    merged: bool,
    plain: bool,
) -> anyhow::Result<Written> {
    write_with(batch, engine, agencies, path, merged, Some(plain), &|_| {
        Ok(())
    })
}

/// [`write`], calling `done` with the letters written so far after every
/// chunk; an error from it stops the batch (a job whose lease was taken).
/// `plain`: progress as plain lines (`Some(true)`), a bar on a terminal
/// (`Some(false)`), or none (`None`, a service's job).
pub(crate) fn write_with(
    batch: &Batch,
    engine: &Engine,
    agencies: &Agencies,
    path: &Path,
    merged: bool,
    plain: Option<bool>,
    done: &(dyn Fn(usize) -> anyhow::Result<()> + Sync),
) -> anyhow::Result<Written> {
    let n = batch.len();
    let progress = Progress::new(n, plain);
    let file =
        std::fs::File::create(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let mut zip = (!merged).then(|| zip::ZipWriter::new(std::io::BufWriter::new(file)));
    let mut all_pages = Vec::new();
    let mut marks = Vec::new();
    let mut signer = crate::signing::MergedSigner::default();
    let mut pages = 0;
    let mut hashes = Vec::new();
    // Dated as the letters are (as the service's ZIPs are).
    let (y, m, d) = batch.zip_date();
    let options = zip::write::SimpleFileOptions::default()
        // PDFs are compressed already.
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(
            zip::DateTime::from_date_and_time(y.clamp(1980, 2107) as u16, m, d, 0, 0, 0)
                .unwrap_or_default(),
        );
    for start in (0..n).step_by(CHUNK) {
        let end = (start + CHUNK).min(n);
        let letters: Vec<anyhow::Result<crate::Letter>> = (start..end)
            .into_par_iter()
            .map(|i| {
                let doc = batch
                    .document(i)
                    .map_err(|p| anyhow::anyhow!("letter {}: {}", i + 1, crate::Problems(p)))?;
                Ok(crate::compose::compose(
                    engine,
                    agencies,
                    &doc,
                    batch.reference(i),
                )?)
            })
            .collect();
        for (i, letter) in (start..end).zip(letters) {
            let letter = letter?;
            pages += letter.pages();
            match &mut zip {
                Some(zip) => {
                    let pdf = letter.pdf()?;
                    hashes.push(crate::register::sha256_hex(&pdf));
                    zip.start_file(batch.name(i), options)?;
                    zip.write_all(&pdf)?;
                }
                None => {
                    marks.push(crate::outline::Mark {
                        page: all_pages.len(),
                        title: crate::outline::title(i, &letter.prepared.view),
                    });
                    signer.add(letter.prepared.view.signer.as_ref());
                    all_pages.extend(letter.doc.pages().iter().cloned())
                }
            }
            progress.advance();
        }
        done(end)?;
    }
    match zip {
        Some(zip) => {
            zip.finish()?.flush()?;
        }
        None => {
            let pdf = crate::render::to_merged_pdf(&all_pages, &batch.title(), &marks)?;
            let pdf = signer.sign(pdf, all_pages.len())?;
            std::fs::write(path, pdf)?;
        }
    }
    progress.finish();
    Ok(Written {
        summary: Summary { letters: n, pages },
        hashes,
    })
}

/// Letters done, letters a second and time left: a bar on a terminal,
/// a line every few seconds otherwise (a log, CI).
struct Progress {
    shown: bool,
    bar: Option<indicatif::ProgressBar>,
    total: usize,
    done: std::sync::atomic::AtomicUsize,
    started: Instant,
    last_line: std::sync::Mutex<Instant>,
}

impl Progress {
    fn new(total: usize, plain: Option<bool>) -> Progress {
        let shown = plain.is_some();
        let plain = plain.unwrap_or(true);
        let bar = (shown && !plain && std::io::stderr().is_terminal()).then(|| {
            let bar = indicatif::ProgressBar::new(total as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:40} {pos}/{len} letters  {per_sec}  {eta} left",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        });
        Progress {
            shown,
            bar,
            total,
            done: 0.into(),
            started: Instant::now(),
            last_line: std::sync::Mutex::new(Instant::now()),
        }
    }

    fn advance(&self) {
        let done = self.done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        if let Some(bar) = &self.bar {
            bar.inc(1);
            return;
        }
        if !self.shown {
            return;
        }
        let mut last = self.last_line.lock().unwrap_or_else(|e| e.into_inner());
        if last.elapsed().as_secs_f64() >= 2.0 {
            *last = Instant::now();
            let rate = done as f64 / self.started.elapsed().as_secs_f64().max(1e-9);
            let left = (self.total - done) as f64 / rate.max(1e-9);
            eprintln!(
                "{done}/{} letters, {rate:.0}/s, {left:.0} s left",
                self.total
            );
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
