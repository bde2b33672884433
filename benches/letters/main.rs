//! `cargo bench --bench letters [-- --quick]`: saraban against the tools agencies
//! use today, on the same letters, in one run (issue #6). See BENCHMARKS.md.
//!
//! Measures, and prints as a markdown table with the targets:
//! - one one-page letter in-process (distinct letters, so typst's memo cache
//!   cannot reuse a layout): median and p99, with a breakdown;
//! - a 1,000-recipient circular and 1,000 distinct letters through the real
//!   `POST /v1/batches`, streamed as ZIP: letters per second;
//! - long documents (10 pages and more) in-process, ms a page, against typst
//!   as a library on the same template and view;
//! - the peak memory (VmHWM) of a child process serving a 10,000-letter batch;
//! - `POST /v1/letters` at 50 concurrent clients on loopback for a bounded time:
//!   p50/p99 and letters per second;
//! - the peers on the same letters: the typst CLI once per letter, and
//!   LibreOffice headless converting flat ODT files, warm (a batch in one
//!   process) and cold. A peer that is not installed is skipped with a line.
//!
//! Options: `--quick` (smaller counts, said so in the output), `--only
//! inproc,long,http,memory,peers`, `--write-peer-inputs DIR` (the one-page letter as
//! the peers get it, then exit), `--profile-letters N [--circular]` (only N
//! distinct, or circular, letters on one thread, for a profiler).

mod fodt;
mod http;
mod inputs;
mod long;
mod peers;
mod plain;
mod stats;

// The same allocator as the `saraban` binary, so the figures are the service's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use saraban::{Agencies, Engine, compose};
use serde_json::Value;

use peers::{Office, PeerLetter, TypstCli};
use stats::Sample;

/// How many of everything.
struct Counts {
    /// Distinct letters rendered one at a time in-process.
    one_letter: usize,
    /// Renders of the identical letter.
    identical: usize,
    /// Fresh `saraban render` processes.
    cli: usize,
    /// Renders of each long document.
    long_runs: usize,
    /// Letters in the circular and the distinct batch.
    batch: usize,
    /// Letters in the batch whose peak memory is measured.
    peak: usize,
    /// Seconds of each HTTP load.
    http_secs: u64,
    /// typst CLI: runs of the one-page letter, letters per batch.
    typst_one: usize,
    typst_batch: usize,
    /// LibreOffice: letters of the warm single-process batch, cold runs,
    /// letters per throughput batch.
    office_one: usize,
    office_cold: usize,
    office_batch: usize,
}

const FULL: Counts = Counts {
    one_letter: 500,
    identical: 200,
    cli: 10,
    long_runs: 9,
    batch: 1_000,
    peak: 10_000,
    http_secs: 10,
    typst_one: 20,
    typst_batch: 100,
    office_one: 100,
    office_cold: 3,
    office_batch: 200,
};

const QUICK: Counts = Counts {
    one_letter: 100,
    identical: 50,
    cli: 3,
    long_runs: 3,
    batch: 200,
    peak: 1_000,
    http_secs: 4,
    typst_one: 5,
    typst_batch: 20,
    office_one: 20,
    office_cold: 1,
    office_batch: 20,
};

/// HTTP clients at once.
const CLIENTS: usize = 50;

/// Targets of issue #6 (2-core machine).
const TARGET_ONE_MS: f64 = 5.0;
const TARGET_CIRCULAR: f64 = 500.0;
const TARGET_DISTINCT: f64 = 150.0;
const TARGET_PEAK_MB: f64 = 300.0;
const TARGET_HTTP_P99_MS: f64 = 40.0;
/// Target of issue #14: a long document, per page.
const TARGET_LONG_MS_PAGE: f64 = 8.0;

struct Opts {
    quick: bool,
    only: Option<Vec<String>>,
    write_peer_inputs: Option<PathBuf>,
    child_batch: Option<usize>,
    profile_letters: Option<usize>,
    profile_circular: bool,
}

impl Opts {
    fn parse() -> Opts {
        let mut o = Opts {
            quick: false,
            only: None,
            write_peer_inputs: None,
            child_batch: None,
            profile_letters: None,
            profile_circular: false,
        };
        let mut args = std::env::args().skip(1);
        while let Some(a) = args.next() {
            match a.as_str() {
                "--quick" => o.quick = true,
                "--only" => {
                    o.only = args
                        .next()
                        .map(|s| s.split(',').map(str::to_string).collect())
                }
                "--write-peer-inputs" => o.write_peer_inputs = args.next().map(PathBuf::from),
                "--child-batch" => o.child_batch = args.next().and_then(|n| n.parse().ok()),
                "--profile-letters" => o.profile_letters = args.next().and_then(|n| n.parse().ok()),
                "--circular" => o.profile_circular = true,
                // `cargo bench` passes `--bench`; libtest's other flags mean nothing here.
                _ => {}
            }
        }
        o
    }

    fn runs(&self, section: &str) -> bool {
        self.only
            .as_ref()
            .is_none_or(|o| o.iter().any(|s| s == section))
    }
}

/// One line of the table.
#[derive(Default)]
struct Row {
    metric: String,
    target: String,
    ours: String,
    met: String,
    typst: String,
    typst_vs: String,
    office: String,
    office_vs: String,
}

fn ms(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0} ms")
    } else if v >= 10.0 {
        format!("{v:.1} ms")
    } else {
        format!("{v:.2} ms")
    }
}

fn per_s(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0}/s")
    } else {
        format!("{v:.1}/s")
    }
}

fn times(v: f64) -> String {
    if v < 1.0 {
        return format!("{:.1}× slower", 1.0 / v);
    }
    if v >= 10.0 {
        format!("{v:.0}× faster")
    } else {
        format!("{v:.1}× faster")
    }
}

fn yes(ok: bool) -> String {
    if ok { "yes".into() } else { "**no**".into() }
}

pub(crate) fn say(line: impl AsRef<str>) {
    eprintln!("[bench] {}", line.as_ref());
}

fn main() -> anyhow::Result<()> {
    let opts = Opts::parse();
    if let Some(n) = opts.child_batch {
        return child_batch(n);
    }
    let engine = Engine::shared();
    let agencies = Agencies::built_in();
    let base = inputs::one_page();
    if let Some(dir) = &opts.write_peer_inputs {
        return write_peer_inputs(&engine, &agencies, &base, dir);
    }
    if let Some(n) = opts.profile_letters {
        return profile_letters(&engine, &agencies, &base, n, opts.profile_circular);
    }
    let counts = if opts.quick { &QUICK } else { &FULL };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let started = Instant::now();
    let mut rows: Vec<Row> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    let machine = stats::machine();
    for m in &machine {
        say(m);
    }
    if opts.quick {
        notes.push(format!(
            "**--quick**: counts scaled down ({} letters a batch, {} in the memory batch, {} s of HTTP load); \
             run without it for the figures of record.",
            counts.batch, counts.peak, counts.http_secs
        ));
    }

    // In-process, one letter at a time.
    let mut one: Option<OneLetter> = None;
    let mut busy: Vec<(&str, f64)> = Vec::new();
    if opts.runs("inproc") {
        let watch = stats::CpuWatch::start();
        let r = one_letter(&engine, &agencies, &base, counts)?;
        notes.extend(r.notes());
        one = Some(r);
        let parallel = parallel_letters(&engine, &agencies, &base, counts.batch, cores)?;
        notes.push(format!(
            "In-process, {cores} threads rendering {} distinct letters (compose + PDF, no HTTP, no ZIP): {:.2} s, {}.",
            counts.batch,
            parallel,
            per_s(counts.batch as f64 / parallel)
        ));
        busy.push(("in-process", watch.others_pct()));
    }

    // Long documents, in-process.
    let mut long_runs: Vec<long::LongRun> = Vec::new();
    if opts.runs("long") {
        let watch = stats::CpuWatch::start();
        say(format!(
            "in-process: long documents, {} runs each from an empty memo cache",
            counts.long_runs
        ));
        long_runs = long::long_documents(&engine, &agencies, counts.long_runs)?;
        busy.push(("long", watch.others_pct()));
    }

    // The service: batches and concurrent clients.
    let mut circular: Option<http::BatchRun> = None;
    let mut distinct: Option<http::BatchRun> = None;
    let mut closed: Option<http::LoadRun> = None;
    let mut paced: Option<http::LoadRun> = None;
    if opts.runs("http") {
        let watch = stats::CpuWatch::start();
        let rt = tokio::runtime::Runtime::new()?;
        let (c, d, l, p) = rt.block_on(service(engine.clone(), &base, counts))?;
        circular = Some(c);
        distinct = Some(d);
        closed = Some(l);
        paced = Some(p);
        busy.push(("HTTP", watch.others_pct()));
    }

    // Peak memory of a big batch, in a process of its own.
    let mut peak: Option<ChildRun> = None;
    if opts.runs("memory") {
        let watch = stats::CpuWatch::start();
        say(format!(
            "peak memory: a {}-letter circular in a child process",
            counts.peak
        ));
        let r = run_child(counts.peak)?;
        say(format!(
            "  {} letters in {:.1} s ({:.0}/s), ZIP {:.1} MB with {} entries; VmHWM {:.0} MB (after start-up {:.0} MB)",
            r.letters,
            r.secs,
            r.letters as f64 / r.secs,
            r.bytes as f64 / 1e6,
            r.entries,
            r.hwm_kb as f64 / 1024.0,
            r.base_kb as f64 / 1024.0
        ));
        peak = Some(r);
        busy.push(("memory", watch.others_pct()));
    }

    // The peers.
    let mut typst: Option<TypstFigures> = None;
    let mut office: Option<OfficeFigures> = None;
    let dir = std::env::temp_dir().join(format!("saraban-bench-{}", std::process::id()));
    if opts.runs("peers") {
        let watch = stats::CpuWatch::start();
        std::fs::create_dir_all(&dir)?;
        let letters = peer_letters(&engine, &agencies, &base, counts)?;
        match TypstCli::detect(&dir)? {
            Some(cli) => {
                let f = typst_peer(&cli, &letters, counts, cores, &dir)?;
                notes.extend(f.notes.clone());
                typst = Some(f);
            }
            None => {
                let line = "typst CLI: not installed (`typst --version` failed): skipped. \
                            `cargo install typst-cli --version 0.15.1 --locked` installs it.";
                say(line);
                notes.push(line.into());
            }
        }
        match Office::detect(&dir)? {
            Some(lo) => {
                let f = office_peer(&lo, &letters, counts, cores)?;
                notes.extend(f.notes.clone());
                office = Some(f);
            }
            None => {
                let line = "LibreOffice: not installed (`soffice --version` failed): skipped. \
                            `apt-get install libreoffice-writer-nogui` installs it.";
                say(line);
                notes.push(line.into());
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
        busy.push(("peers", watch.others_pct()));
    }

    // The table.
    let na = || "—".to_string();
    if let Some(o) = &one {
        let mut r = Row {
            metric: "one one-page letter in-process, median".into(),
            target: format!("≤ {TARGET_ONE_MS} ms"),
            ours: ms(o.total.median()),
            met: yes(o.total.median() <= TARGET_ONE_MS),
            ..Row::default()
        };
        if let Some(t) = &typst {
            r.typst = ms(t.one.median());
            r.typst_vs = times(t.one.median() / o.total.median());
        }
        if let Some(f) = &office {
            r.office = format!("{} (warm)", ms(f.warm_per_letter));
            r.office_vs = times(f.warm_per_letter / o.total.median());
        }
        rows.push(r);
        rows.push(Row {
            metric: "one one-page letter in-process, median, against typst as a library (same template and view)".into(),
            target: "ahead".into(),
            ours: ms(o.total.median()),
            met: yes(o.total.median() <= o.plain.median()),
            typst: format!("{} (plain World)", ms(o.plain.median())),
            typst_vs: times(o.plain.median() / o.total.median()),
            ..Row::default()
        });
        let mut r = Row {
            metric: "one one-page letter in-process, p99".into(),
            target: "—".into(),
            ours: ms(o.total.p99()),
            met: na(),
            ..Row::default()
        };
        if let Some(t) = &typst {
            r.typst = ms(t.one.p99());
            r.typst_vs = times(t.one.p99() / o.total.p99());
        }
        rows.push(r);
        let mut r = Row {
            metric: "one letter from a fresh process (`saraban render`), median".into(),
            target: "—".into(),
            ours: ms(o.cli.median()),
            met: na(),
            ..Row::default()
        };
        if let Some(t) = &typst {
            r.typst = ms(t.one.median());
            r.typst_vs = times(t.one.median() / o.cli.median());
        }
        if let Some(f) = &office {
            r.office = format!("{} (cold)", ms(f.cold.median()));
            r.office_vs = times(f.cold.median() / o.cli.median());
        }
        rows.push(r);
    }
    for l in &long_runs {
        rows.push(Row {
            metric: format!(
                "long document in-process, `{}` ({} pages), median ms a page",
                l.name, l.pages
            ),
            target: format!("≤ {TARGET_LONG_MS_PAGE} ms"),
            ours: ms(l.saraban.median()),
            met: yes(l.saraban.median() <= TARGET_LONG_MS_PAGE),
            typst: format!("{} (plain World)", ms(l.plain.median())),
            typst_vs: times(l.plain.median() / l.saraban.median()),
            ..Row::default()
        });
    }
    let rate_row =
        |metric: String, target: f64, ours: &http::BatchRun, t: Option<f64>, l: Option<f64>| {
            let mut r = Row {
                metric,
                target: format!("≥ {target:.0}/s"),
                ours: per_s(ours.rate()),
                met: yes(ours.rate() >= target),
                ..Row::default()
            };
            if let Some(t) = t {
                r.typst = per_s(t);
                r.typst_vs = times(ours.rate() / t);
            }
            if let Some(l) = l {
                r.office = per_s(l);
                r.office_vs = times(ours.rate() / l);
            }
            r
        };
    if let Some(c) = &circular {
        rows.push(rate_row(
            format!(
                "circular to {} schools → ZIP (`POST /v1/batches`), letters/s",
                c.letters
            ),
            TARGET_CIRCULAR,
            c,
            typst.as_ref().map(|t| t.circular),
            office.as_ref().map(|f| f.circular),
        ));
    }
    if let Some(d) = &distinct {
        rows.push(rate_row(
            format!(
                "{} distinct letters → ZIP (`POST /v1/batches`), letters/s",
                d.letters
            ),
            TARGET_DISTINCT,
            d,
            typst.as_ref().map(|t| t.distinct),
            office.as_ref().map(|f| f.distinct),
        ));
    }
    if let Some(p) = &peak {
        let mb = p.hwm_kb as f64 / 1024.0;
        rows.push(Row {
            metric: format!(
                "peak memory, {}-letter batch (VmHWM of the serving process)",
                p.letters
            ),
            target: format!("< {TARGET_PEAK_MB:.0} MB"),
            ours: format!("{mb:.0} MB"),
            met: yes(mb < TARGET_PEAK_MB),
            typst: na(),
            typst_vs: na(),
            office: na(),
            office_vs: na(),
        });
    }
    if let Some(l) = &closed {
        rows.push(Row {
            metric: format!("HTTP `POST /v1/letters`, {CLIENTS} clients, closed loop: p50 / p99"),
            target: format!("p99 ≤ {TARGET_HTTP_P99_MS:.0} ms"),
            ours: format!("{} / {}", ms(l.latencies.median()), ms(l.latencies.p99())),
            met: yes(l.latencies.p99() <= TARGET_HTTP_P99_MS),
            ..Row::default()
        });
        rows.push(Row {
            metric: format!("HTTP `POST /v1/letters`, {CLIENTS} clients, closed loop: throughput"),
            target: "—".into(),
            ours: per_s(l.rate()),
            met: na(),
            ..Row::default()
        });
    }
    if let Some(p) = &paced {
        rows.push(Row {
            metric: format!(
                "HTTP `POST /v1/letters`, {CLIENTS} clients paced to {:.0} letters/s: p50 / p99",
                p.offered.unwrap_or_default()
            ),
            target: format!("p99 ≤ {TARGET_HTTP_P99_MS:.0} ms"),
            ours: format!("{} / {}", ms(p.latencies.median()), ms(p.latencies.p99())),
            met: yes(p.latencies.p99() <= TARGET_HTTP_P99_MS),
            ..Row::default()
        });
    }

    let typst_head = typst
        .as_ref()
        .map_or("typst CLI (not installed)".to_string(), |t| {
            t.version.clone()
        });
    let office_head = office
        .as_ref()
        .map_or("LibreOffice (not installed)".to_string(), |f| {
            f.version.clone()
        });
    let mut out = String::new();
    out.push_str("## Machine\n\n");
    for m in &machine {
        out.push_str(&format!("- {m}\n"));
    }
    out.push_str(&format!(
        "\n## Results\n\n| metric | target | saraban | met | {typst_head} | saraban vs typst | {office_head} | saraban vs LibreOffice |\n|---|---|---|---|---|---|---|---|\n"
    ));
    for r in &rows {
        let cell = |s: &String| {
            if s.is_empty() {
                "—".to_string()
            } else {
                s.clone()
            }
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
            r.metric,
            r.target,
            r.ours,
            r.met,
            cell(&r.typst),
            cell(&r.typst_vs),
            cell(&r.office),
            cell(&r.office_vs)
        ));
    }
    if let Some(c) = &circular {
        notes.push(format!(
            "Circular batch: {} letters, ZIP of {:.1} MB with {} entries, first byte after {:.2} s, all in {:.2} s.",
            c.letters,
            c.bytes as f64 / 1e6,
            c.entries,
            c.first_byte_secs,
            c.secs
        ));
    }
    if let Some(d) = &distinct {
        notes.push(format!(
            "Distinct batch: {} letters, ZIP of {:.1} MB with {} entries, all in {:.2} s.",
            d.letters,
            d.bytes as f64 / 1e6,
            d.entries,
            d.secs
        ));
    }
    if let Some(p) = &peak {
        notes.push(format!(
            "Memory batch: {} letters in {:.1} s ({:.0} letters/s), ZIP of {:.0} MB with {} entries; \
             VmHWM {:.0} MB, of which {:.0} MB before the batch (fonts, templates, dictionary, runtime).",
            p.letters,
            p.secs,
            p.letters as f64 / p.secs,
            p.bytes as f64 / 1e6,
            p.entries,
            p.hwm_kb as f64 / 1024.0,
            p.base_kb as f64 / 1024.0
        ));
    }
    for (name, l) in [("closed loop", &closed), ("paced", &paced)] {
        if let Some(l) = l {
            notes.push(format!(
                "HTTP {name}: {} clients for {:.1} s, {} letters ({} errors), p50 {} p90 {} p99 {} max {}, {}.",
                l.clients,
                l.secs,
                l.ok,
                l.errors,
                ms(l.latencies.median()),
                ms(l.latencies.pct(90.0)),
                ms(l.latencies.p99()),
                ms(l.latencies.pct(100.0)),
                per_s(l.rate())
            ));
        }
    }
    notes.push(format!(
        "Other processes on the machine took, as a share of all its cores' time: {}.",
        busy.iter()
            .map(|(part, pct)| {
                let lo = if *part == "peers" {
                    " (LibreOffice's own processes, which its launcher does not wait for, count here)"
                } else {
                    ""
                };
                format!("{pct:.0} % during the {part} part{lo}")
            })
            .collect::<Vec<_>>()
            .join(", ")
    ));
    out.push_str("\n## Notes\n\n");
    for n in &notes {
        out.push_str(&format!("- {n}\n"));
    }
    out.push_str(&format!(
        "\nRun with `cargo bench --bench letters{}` in {:.0} s.\n",
        if opts.quick { " -- --quick" } else { "" },
        started.elapsed().as_secs_f64()
    ));
    println!("{out}");
    Ok(())
}

/// In-process figures for one letter at a time.
struct OneLetter {
    total: Sample,
    layout: Sample,
    pdf: Sample,
    identical: Sample,
    prepare: Sample,
    compile: Sample,
    evict: Sample,
    export: Sample,
    cli: Sample,
    /// The same letters through typst as a library (`plain.rs`).
    plain: Sample,
    one_compile: usize,
    not_one_page: usize,
    /// Mean CPU time of the thread per letter, ms (less disturbed by other
    /// processes than the wall time).
    cpu_ms: f64,
    pdf_kb: f64,
}

impl OneLetter {
    fn notes(&self) -> Vec<String> {
        vec![
            format!(
                "One letter in-process: {} distinct one-page letters one after another on one thread, \
                 JSON → PDF bytes: median {} (layout {} + PDF {}), p99 {}, mean CPU time {}; {} of {} laid \
                 out in a single typst compile; {} not one page; PDF {:.0} kB.",
                self.total.len(),
                ms(self.total.median()),
                ms(self.layout.median()),
                ms(self.pdf.median()),
                ms(self.total.p99()),
                ms(self.cpu_ms),
                self.one_compile,
                self.total.len(),
                self.not_one_page,
                self.pdf_kb
            ),
            format!(
                "Breakdown (medians over {} more distinct letters): prepare the view (validation, Thai \
                 formatting, dictionary segmentation) {}, one typst compile {}, comemo eviction {}, PDF export {}.",
                self.compile.len(),
                ms(self.prepare.median()),
                ms(self.compile.median()),
                ms(self.evict.median()),
                ms(self.export.median())
            ),
            format!(
                "The identical letter again ({} times, typst's memo cache reuses its layout): median {}.",
                self.identical.len(),
                ms(self.identical.median())
            ),
            format!(
                "typst as a library (benches/letters/plain.rs: a plain World over the same templates, fonts \
                 and laid-out view, one compile, memo eviction and typst-pdf's export, none of saraban's \
                 passes), each letter right after saraban's: median {}, p99 {}; saraban's whole work \
                 against it: {}.",
                ms(self.plain.median()),
                ms(self.plain.p99()),
                times(self.plain.median() / self.total.median())
            ),
            format!(
                "Fresh process: `saraban render bench/one-page.json -o x.pdf`, {} runs: median {}.",
                self.cli.len(),
                ms(self.cli.median())
            ),
        ]
    }
}

fn json_bytes(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).expect("a JSON value serialises")
}

fn one_letter(
    engine: &Engine,
    agencies: &Agencies,
    base: &Value,
    c: &Counts,
) -> anyhow::Result<OneLetter> {
    say(format!(
        "in-process: {} distinct one-page letters",
        c.one_letter
    ));
    // Warm up: the dictionary, the fonts' first use, the allocator.
    for i in 0..20 {
        let doc = compose::parse(&json_bytes(&inputs::distinct(base, 900_000 + i)))?;
        compose::compose(engine, agencies, &doc, None)?.pdf()?;
    }
    let plain = plain::PlainTypst::new()?;
    let (mut total, mut layout, mut pdf) = (Vec::new(), Vec::new(), Vec::new());
    let mut plain_times = Vec::new();
    let (mut one_compile, mut not_one_page, mut pdf_bytes) = (0, 0, 0usize);
    let mut cpu = 0.0;
    for i in 0..c.one_letter {
        let bytes = json_bytes(&inputs::distinct(base, i));
        // The view before layout, to tell whether layout needed a second pass.
        let before = compose::prepare(&compose::parse(&bytes)?, agencies)?
            .view
            .to_value()?;
        let cpu0 = stats::thread_cpu_secs();
        let t0 = Instant::now();
        let doc = compose::parse(&bytes)?;
        let letter = compose::compose(engine, agencies, &doc, None)?;
        let t1 = Instant::now();
        let out = letter.pdf()?;
        let t2 = Instant::now();
        cpu += stats::thread_cpu_secs() - cpu0;
        total.push(t2 - t0);
        layout.push(t1 - t0);
        pdf.push(t2 - t1);
        pdf_bytes += out.len();
        // The font's scale is set by layout itself, not by a second pass.
        let mut before = before;
        before["font_scale"] = serde_json::json!(letter.prepared.view.font_scale);
        if letter.prepared.view.to_value()? == before {
            one_compile += 1;
        }
        if letter.pages() != 1 {
            not_one_page += 1;
        }
        // The same template and laid-out view through a plain World, right
        // after, so both meet the machine in the same state.
        let peer = PeerLetter::of(format!("plain-{i}"), &letter)?;
        plain_times.push(plain.render(&peer)?.1);
    }
    // The parts, on more distinct letters.
    let (mut prepare, mut compile, mut evict, mut export) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for i in 0..c.one_letter / 2 {
        let doc = compose::parse(&json_bytes(&inputs::distinct(base, 100_000 + i)))?;
        let t0 = Instant::now();
        let prepared = compose::prepare(&doc, agencies)?;
        let t1 = Instant::now();
        let mut assets: Vec<(&'static str, typst::foundations::Bytes)> = prepared
            .assets
            .iter()
            .map(|(p, b)| (*p, typst::foundations::Bytes::new(b.clone())))
            .collect();
        let (data, body) = prepared.view.to_json()?;
        assets.push((
            saraban::view::BODY_PATH,
            typst::foundations::Bytes::new(body),
        ));
        let laid = engine.compile(prepared.template, data, &assets)?;
        let t2 = Instant::now();
        saraban::render::evict_cache();
        let t3 = Instant::now();
        saraban::render::to_pdf(&laid)?;
        let t4 = Instant::now();
        prepare.push(t1 - t0);
        compile.push(t2 - t1);
        evict.push(t3 - t2);
        export.push(t4 - t3);
    }
    say(format!(
        "in-process: the identical letter {} times",
        c.identical
    ));
    let same = compose::parse(&json_bytes(base))?;
    let mut identical = Vec::new();
    for _ in 0..c.identical {
        let t0 = Instant::now();
        compose::compose(engine, agencies, &same, None)?.pdf()?;
        identical.push(t0.elapsed());
    }
    say(format!("fresh process: `saraban render` {} times", c.cli));
    let out = std::env::temp_dir().join(format!("saraban-bench-cli-{}.pdf", std::process::id()));
    let input = inputs::root().join("bench/one-page.json");
    let mut cli = Vec::new();
    for _ in 0..c.cli + 1 {
        let t0 = Instant::now();
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_saraban"))
            .arg("render")
            .arg(&input)
            .arg("-o")
            .arg(&out)
            .stderr(std::process::Stdio::null())
            .status()?;
        anyhow::ensure!(status.success(), "saraban render failed");
        cli.push(t0.elapsed());
    }
    cli.remove(0); // the first run reads the binary from disk
    let _ = std::fs::remove_file(&out);
    let r = OneLetter {
        pdf_kb: pdf_bytes as f64 / c.one_letter as f64 / 1024.0,
        total: Sample::from_durations(&total),
        layout: Sample::from_durations(&layout),
        pdf: Sample::from_durations(&pdf),
        identical: Sample::from_durations(&identical),
        prepare: Sample::from_durations(&prepare),
        compile: Sample::from_durations(&compile),
        evict: Sample::from_durations(&evict),
        export: Sample::from_durations(&export),
        cli: Sample::from_durations(&cli),
        plain: Sample::from_durations(&plain_times),
        one_compile,
        not_one_page,
        cpu_ms: cpu * 1e3 / c.one_letter as f64,
    };
    say(format!(
        "  median {} (layout {}, PDF {}), p99 {}, CPU {}; prepare {}, compile {}, evict {}; identical {}; CLI {}",
        ms(r.total.median()),
        ms(r.layout.median()),
        ms(r.pdf.median()),
        ms(r.total.p99()),
        ms(r.cpu_ms),
        ms(r.prepare.median()),
        ms(r.compile.median()),
        ms(r.evict.median()),
        ms(r.identical.median()),
        ms(r.cli.median())
    ));
    Ok(r)
}

/// Only `n` distinct letters, JSON to PDF, one after another, after ten to warm
/// up: a run to profile with `perf record`, or with `valgrind --tool=callgrind
/// --toggle-collect='*profile_loop*'` to count the instructions of the letters alone.
fn profile_letters(
    engine: &Engine,
    agencies: &Agencies,
    base: &Value,
    n: usize,
    circular: bool,
) -> anyhow::Result<()> {
    for i in 0..10 {
        let doc = compose::parse(&json_bytes(&inputs::distinct(base, 900_000 + i)))?;
        compose::compose(engine, agencies, &doc, None)?.pdf()?;
    }
    let merging = Instant::now();
    let docs: Vec<Vec<u8>> = if circular {
        inputs::circular_documents(n)
            .iter()
            .map(json_bytes)
            .collect()
    } else {
        (0..n)
            .map(|i| json_bytes(&inputs::distinct(base, i)))
            .collect()
    };
    if circular {
        say(format!(
            "{n} letters merged from the circular: {:.3} ms a letter",
            merging.elapsed().as_secs_f64() * 1e3 / n as f64
        ));
    }
    let started = Instant::now();
    let cpu0 = stats::thread_cpu_secs();
    profile_loop(engine, agencies, &docs)?;
    say(format!(
        "{n} {} letters: {:.2} ms a letter, CPU {:.2} ms a letter",
        if circular { "circular" } else { "distinct" },
        started.elapsed().as_secs_f64() * 1e3 / n as f64,
        (stats::thread_cpu_secs() - cpu0) * 1e3 / n as f64
    ));
    Ok(())
}

#[inline(never)]
fn profile_loop(engine: &Engine, agencies: &Agencies, docs: &[Vec<u8>]) -> anyhow::Result<()> {
    for bytes in docs {
        let doc = compose::parse(bytes)?;
        compose::compose(engine, agencies, &doc, None)?.pdf()?;
    }
    Ok(())
}

/// `threads` threads rendering `n` distinct letters between them: the wall time, s.
fn parallel_letters(
    engine: &Engine,
    agencies: &Agencies,
    base: &Value,
    n: usize,
    threads: usize,
) -> anyhow::Result<f64> {
    say(format!(
        "in-process: {n} distinct letters on {threads} threads"
    ));
    let docs: Vec<saraban::Document> = (0..n)
        .map(|i| compose::parse(&json_bytes(&inputs::distinct(base, 400_000 + i))))
        .collect::<Result<_, _>>()?;
    let (wall, failed) = peers::run_parallel(&docs, threads, |_, doc| {
        compose::compose(engine, agencies, doc, None)
            .and_then(|l| l.pdf())
            .is_ok()
    });
    anyhow::ensure!(failed == 0, "{failed} letters failed");
    say(format!(
        "  {:.2} s, {}",
        wall.as_secs_f64(),
        per_s(n as f64 / wall.as_secs_f64())
    ));
    Ok(wall.as_secs_f64())
}

/// The batches and the concurrent clients, on one server.
async fn service(
    engine: Arc<Engine>,
    base: &Value,
    c: &Counts,
) -> anyhow::Result<(http::BatchRun, http::BatchRun, http::LoadRun, http::LoadRun)> {
    let server = http::Server::start(engine).await?;
    let client = http::client();
    say(format!(
        "HTTP: server on {} with {} workers",
        server.base, server.workers
    ));
    // Warm the server and the connection.
    let _ = http::batch(
        &client,
        &server.base,
        json_bytes(&inputs::circular_request(8)),
        8,
    )
    .await?;

    say(format!("HTTP: circular to {} schools", c.batch));
    let circular = http::batch(
        &client,
        &server.base,
        json_bytes(&inputs::circular_request(c.batch)),
        c.batch,
    )
    .await?;
    say(format!(
        "  {:.2} s, {}, {} entries",
        circular.secs,
        per_s(circular.rate()),
        circular.entries
    ));
    anyhow::ensure!(
        circular.entries == c.batch,
        "the circular's ZIP holds {} letters",
        circular.entries
    );

    say(format!("HTTP: {} distinct letters", c.batch));
    let distinct = http::batch(
        &client,
        &server.base,
        json_bytes(&inputs::distinct_request(base, 200_000, c.batch)),
        c.batch,
    )
    .await?;
    say(format!(
        "  {:.2} s, {}, {} entries",
        distinct.secs,
        per_s(distinct.rate()),
        distinct.entries
    ));
    anyhow::ensure!(
        distinct.entries == c.batch,
        "the distinct ZIP holds {} letters",
        distinct.entries
    );

    // Distinct letters for the clients, never one twice.
    let bodies: Arc<Vec<axum::body::Bytes>> = Arc::new(
        (0..20_000)
            .map(|i| axum::body::Bytes::from(json_bytes(&inputs::distinct(base, 300_000 + i))))
            .collect(),
    );
    let secs = Duration::from_secs(c.http_secs);
    say(format!(
        "HTTP: {CLIENTS} clients, closed loop, {} s",
        c.http_secs
    ));
    let closed = http::load(
        &client,
        &server.base,
        bodies.clone(),
        CLIENTS,
        secs,
        bodies.len(),
        None,
    )
    .await;
    say(format!(
        "  p50 {} p99 {}, {}, {} errors",
        ms(closed.latencies.median()),
        ms(closed.latencies.p99()),
        per_s(closed.rate()),
        closed.errors
    ));
    // Half of what the service can do, spread over the same clients.
    let rate = (closed.rate() * 0.5).max(1.0);
    let rest: Arc<Vec<axum::body::Bytes>> = Arc::new(bodies[closed.ok + closed.errors..].to_vec());
    say(format!(
        "HTTP: {CLIENTS} clients paced to {rate:.0} letters/s, {} s",
        c.http_secs
    ));
    let paced = http::load(
        &client,
        &server.base,
        rest.clone(),
        CLIENTS,
        secs,
        rest.len(),
        Some(rate),
    )
    .await;
    say(format!(
        "  p50 {} p99 {}, {}, {} errors",
        ms(paced.latencies.median()),
        ms(paced.latencies.p99()),
        per_s(paced.rate()),
        paced.errors
    ));
    server.stop().await?;
    Ok((circular, distinct, closed, paced))
}

/// What the child process reports.
struct ChildRun {
    letters: usize,
    secs: f64,
    bytes: u64,
    entries: usize,
    base_kb: u64,
    hwm_kb: u64,
}

fn run_child(n: usize) -> anyhow::Result<ChildRun> {
    let out = std::process::Command::new(std::env::current_exe()?)
        .arg("--child-batch")
        .arg(n.to_string())
        .stderr(std::process::Stdio::inherit())
        .output()?;
    anyhow::ensure!(out.status.success(), "the memory batch's process failed");
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find(|l| l.starts_with("child "))
        .ok_or_else(|| anyhow::anyhow!("no report from the child: {text}"))?;
    let field = |k: &str| -> anyhow::Result<f64> {
        line.split_whitespace()
            .find_map(|kv| kv.strip_prefix(k)?.strip_prefix('=')?.parse().ok())
            .ok_or_else(|| anyhow::anyhow!("no {k} in {line}"))
    };
    Ok(ChildRun {
        letters: field("letters")? as usize,
        secs: field("secs")?,
        bytes: field("bytes")? as u64,
        entries: field("entries")? as usize,
        base_kb: field("base_kb")? as u64,
        hwm_kb: field("hwm_kb")? as u64,
    })
}

/// The child: a server, one batch of `n` letters streamed through it, then this
/// process's peak resident memory.
fn child_batch(n: usize) -> anyhow::Result<()> {
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async {
        let engine = tokio::task::spawn_blocking(Engine::shared).await?;
        let server = http::Server::start(engine).await?;
        let client = http::client();
        let _ = http::batch(
            &client,
            &server.base,
            json_bytes(&inputs::circular_request(4)),
            4,
        )
        .await?;
        let base_kb = stats::proc_status_kb("VmHWM").unwrap_or(0);
        let body = json_bytes(&inputs::circular_request(n));
        let run = http::batch(&client, &server.base, body, n).await?;
        server.stop().await?;
        let hwm_kb = stats::proc_status_kb("VmHWM").unwrap_or(0);
        println!(
            "child letters={} secs={:.3} bytes={} entries={} base_kb={base_kb} hwm_kb={hwm_kb}",
            run.letters, run.secs, run.bytes, run.entries
        );
        anyhow::Ok(())
    })
}

/// The letters as the peers get them: laid out by saraban (untimed), so each
/// peer gets the final view the template compiled.
struct Letters {
    one: PeerLetter,
    distinct: Vec<PeerLetter>,
    circular: Vec<PeerLetter>,
}

fn peer_letter(
    engine: &Engine,
    agencies: &Agencies,
    name: String,
    doc: &Value,
) -> anyhow::Result<PeerLetter> {
    let doc = compose::parse(&json_bytes(doc))?;
    PeerLetter::of(name, &compose::compose(engine, agencies, &doc, None)?)
}

fn peer_letters(
    engine: &Engine,
    agencies: &Agencies,
    base: &Value,
    c: &Counts,
) -> anyhow::Result<Letters> {
    let n = c.typst_batch.max(c.office_batch).max(c.office_one);
    let one = peer_letter(engine, agencies, "one-page".into(), base)?;
    let distinct = (0..n)
        .map(|i| {
            peer_letter(
                engine,
                agencies,
                format!("distinct-{i:05}"),
                &inputs::distinct(base, i),
            )
        })
        .collect::<anyhow::Result<_>>()?;
    let circular = inputs::circular_documents(n)
        .iter()
        .enumerate()
        .map(|(i, d)| peer_letter(engine, agencies, format!("circular-{i:05}"), d))
        .collect::<anyhow::Result<_>>()?;
    Ok(Letters {
        one,
        distinct,
        circular,
    })
}

struct TypstFigures {
    version: String,
    one: Sample,
    distinct: f64,
    circular: f64,
    notes: Vec<String>,
}

fn typst_peer(
    cli: &TypstCli,
    letters: &Letters,
    c: &Counts,
    cores: usize,
    dir: &Path,
) -> anyhow::Result<TypstFigures> {
    say(format!(
        "typst CLI ({}): the one-page letter {} times",
        cli.version, c.typst_one
    ));
    cli.prepare(&letters.one)?;
    for l in letters.distinct.iter().chain(&letters.circular) {
        cli.prepare(l)?;
    }
    anyhow::ensure!(
        cli.render(&letters.one).is_some(),
        "typst compile failed on the one-page letter"
    );
    let mut one = Vec::new();
    for _ in 0..c.typst_one {
        one.push(
            cli.render(&letters.one)
                .ok_or_else(|| anyhow::anyhow!("typst compile failed"))?,
        );
    }
    let one = Sample::from_durations(&one);
    let mut notes = vec![format!(
        "typst CLI: `{}`, a new process per letter, the same template and the same prepared view as \
         saraban's compile; one-page letter {} runs: median {}, p99 {}.",
        cli.shown(),
        one.len(),
        ms(one.median()),
        ms(one.p99())
    )];
    // Is it the same letter?
    let ours = dir.join("ours-one-page.pdf");
    let doc = compose::parse(&json_bytes(&inputs::one_page()))?;
    let agencies = Agencies::built_in();
    std::fs::write(
        &ours,
        compose::compose(&Engine::shared(), &agencies, &doc, None)?.pdf()?,
    )?;
    let theirs = cli.output(&letters.one);
    if let (Some(a), Some(b)) = (peers::pdf_text(&ours), peers::pdf_text(&theirs)) {
        notes.push(format!(
            "typst CLI's one-page letter: {} page(s); its text, white space aside, {}",
            peers::pdf_pages(&theirs).unwrap_or(0),
            if a == b {
                "is saraban's."
            } else {
                "differs from saraban's: the released CLI has neither saraban's text-layer pass \
                 (src/textlayer: stacked Thai marks split a cluster's text) nor its icu_segmenter 2.4 \
                 (its own lock file), so a few lines break differently. The work is the same: one \
                 compile and one PDF export of the same template and data."
            }
        ));
    }
    let n = c.typst_batch;
    let mut rate = |set: &[PeerLetter], what: &str| -> anyhow::Result<f64> {
        say(format!(
            "typst CLI: {n} {what} letters, {cores} processes at a time"
        ));
        let (wall, failed) = peers::run_parallel(&set[..n], cores, |_, l| cli.render(l).is_some());
        anyhow::ensure!(
            failed == 0,
            "typst compile failed on {failed} {what} letters"
        );
        let r = n as f64 / wall.as_secs_f64();
        notes.push(format!(
            "typst CLI, {n} {what} letters, {cores} processes at a time: {:.2} s, {}.",
            wall.as_secs_f64(),
            per_s(r)
        ));
        say(format!("  {:.2} s, {}", wall.as_secs_f64(), per_s(r)));
        Ok(r)
    };
    let distinct = rate(&letters.distinct, "distinct")?;
    let circular = rate(&letters.circular, "circular")?;
    Ok(TypstFigures {
        version: cli.version.clone(),
        one,
        distinct,
        circular,
        notes,
    })
}

struct OfficeFigures {
    version: String,
    warm_per_letter: f64,
    cold: Sample,
    distinct: f64,
    circular: f64,
    notes: Vec<String>,
}

fn office_peer(
    lo: &Office,
    letters: &Letters,
    c: &Counts,
    cores: usize,
) -> anyhow::Result<OfficeFigures> {
    say(format!(
        "LibreOffice ({}): preparing flat ODT files",
        lo.version
    ));
    let one = lo.prepare(&letters.one)?;
    let distinct: Vec<PathBuf> = letters
        .distinct
        .iter()
        .map(|l| lo.prepare(l))
        .collect::<anyhow::Result<_>>()?;
    let circular: Vec<PathBuf> = letters
        .circular
        .iter()
        .map(|l| lo.prepare(l))
        .collect::<anyhow::Result<_>>()?;
    // Each profile is created once, outside the timings.
    for k in 0..cores {
        anyhow::ensure!(
            lo.convert(k, std::slice::from_ref(&one)).is_some(),
            "soffice failed to convert the one-page letter"
        );
    }
    let out = lo.output("one-page");
    let mut notes = vec![format!(
        "LibreOffice: `{}`; the letter as a flat ODT (A4, Laksaman 16 pt, the Garuda embedded) written \
         from the same view; its PDF: {} page(s), fonts {}.",
        lo.shown(),
        peers::pdf_pages(&out).unwrap_or(0),
        peers::pdf_fonts(&out).unwrap_or_else(|| "?".into())
    )];
    say(format!(
        "LibreOffice: cold, one letter per process, {} times",
        c.office_cold
    ));
    let mut cold = Vec::new();
    for _ in 0..c.office_cold {
        cold.push(
            lo.convert(0, std::slice::from_ref(&one))
                .ok_or_else(|| anyhow::anyhow!("soffice failed"))?,
        );
    }
    let cold = Sample::from_durations(&cold);
    say(format!(
        "LibreOffice: warm, {} letters in one process",
        c.office_one
    ));
    let wall = lo
        .convert(0, &distinct[..c.office_one])
        .ok_or_else(|| anyhow::anyhow!("soffice failed on the warm batch"))?;
    let warm_per_letter = wall.as_secs_f64() * 1e3 / c.office_one as f64;
    notes.push(format!(
        "LibreOffice cold (one letter, a new process, {} runs): median {}; warm ({} distinct letters in one \
         process): {:.2} s, {} a letter.",
        cold.len(),
        ms(cold.median()),
        c.office_one,
        wall.as_secs_f64(),
        ms(warm_per_letter)
    ));
    let n = c.office_batch;
    let mut rate = |files: &[PathBuf], what: &str| -> anyhow::Result<f64> {
        say(format!(
            "LibreOffice: {n} {what} letters over {cores} processes"
        ));
        let wall = lo
            .convert_parallel(&files[..n], cores)
            .ok_or_else(|| anyhow::anyhow!("soffice failed on the {what} batch"))?;
        let r = n as f64 / wall.as_secs_f64();
        notes.push(format!(
            "LibreOffice, {n} {what} letters split over {cores} processes started together: {:.2} s, {}.",
            wall.as_secs_f64(),
            per_s(r)
        ));
        say(format!("  {:.2} s, {}", wall.as_secs_f64(), per_s(r)));
        Ok(r)
    };
    let d = rate(&distinct, "distinct")?;
    let ci = rate(&circular, "circular")?;
    Ok(OfficeFigures {
        version: lo.version.clone(),
        warm_per_letter,
        cold,
        distinct: d,
        circular: ci,
        notes,
    })
}

/// The one-page letter as the peers get it: its prepared view (typst) and flat
/// ODT (LibreOffice), written to `dir`.
fn write_peer_inputs(
    engine: &Engine,
    agencies: &Agencies,
    base: &Value,
    dir: &Path,
) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    let one = peer_letter(engine, agencies, "one-page".into(), base)?;
    // As saraban serves them: the view, and its body apart.
    let (data, body) = one.files()?;
    for (name, bytes) in [("one-page.view.json", data), ("one-page.body.json", body)] {
        let value: Value = serde_json::from_slice(&bytes)?;
        let mut text = serde_json::to_string_pretty(&value)?;
        text.push('\n');
        std::fs::write(dir.join(name), text)?;
    }
    std::fs::write(
        dir.join("one-page.fodt"),
        fodt::fodt(&one.view, saraban::render::GARUDA_PNG),
    )?;
    // The page the templates read (`/page.json` at the typst root).
    std::fs::write(dir.join("page.json"), saraban::geometry::PAGE.json())?;
    say(format!(
        "wrote {0}/one-page.view.json, {0}/one-page.body.json, {0}/page.json and {0}/one-page.fodt",
        dir.display()
    ));
    Ok(())
}
