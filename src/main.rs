//! The `saraban` command line: render, check, schema, view, serve.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use saraban::error::Problems;
use saraban::i18n::{self, Lang};
use saraban::{Agencies, Engine, compose};

// typst allocates small objects by the million, from several threads at once:
// mimalloc renders a letter 8 % faster than glibc's malloc on one thread and
// 25 % more letters a second on two (BENCHMARKS.md). Built without transparent
// huge pages (`no_thp`), which tripled the service's resident memory.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "saraban",
    version,
    about = "Official Thai correspondence from JSON to PDF"
)]
struct Cli {
    /// Extra agency profiles (*.json), added to the built-in ones.
    #[arg(long, global = true, env = "SARABAN_AGENCIES")]
    agencies: Option<PathBuf>,
    /// Extra fonts (*.ttf, *.otf), e.g. TH SarabunPSK, preferred over the embedded ones.
    #[arg(long, global = true, env = "SARABAN_FONTS")]
    fonts: Option<PathBuf>,
    /// The language of messages: `th` or `en` (by default the locale's:
    /// `LC_ALL`, `LC_MESSAGES` or `LANG` starting with `th` is Thai).
    #[arg(long, global = true, env = "SARABAN_LANG", value_parser = |s: &str| s.parse::<Lang>())]
    lang: Option<Lang>,
    /// How Thai is laid out: `careful` (saraban's) or `typst-defaults` (as
    /// typst lays it out by itself, to measure what saraban changes; see
    /// TYPOGRAPHY.md).
    #[arg(
        long,
        global = true,
        env = "SARABAN_TYPESETTING",
        value_enum,
        default_value_t
    )]
    typesetting: saraban::view::Typesetting,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Render a document to PDF (or a PNG preview of page 1).
    Render {
        /// Input JSON, or `-` for standard input.
        input: String,
        /// Output file, or `-` for standard output. A name ending in `.png`
        /// writes a PNG preview.
        #[arg(short, long)]
        output: String,
        /// Write a PNG preview instead of a PDF.
        #[arg(long)]
        png: bool,
        /// The page of the PNG preview, from 1.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
        page: u32,
        /// Resolution of the PNG preview, 10 to 300 dots per inch (as over HTTP).
        #[arg(long, default_value_t = 80.0, value_parser = dpi)]
        dpi: f32,
        /// Write the PDF to a standard: a-2b, a-2u, a-2a, a-3b, a-3u, a-3a
        /// (PDF/A, for archives) or ua-1 (PDF/UA); the agency profile's
        /// `pdf_standard` otherwise.
        #[arg(long, value_parser = |s: &str| s.parse::<saraban::PdfStandard>())]
        pdf_standard: Option<saraban::PdfStandard>,
        /// Write where typst spent its time, every template call with its
        /// file and line, as a Chrome trace (Perfetto, chrome://tracing):
        /// for template designers.
        #[arg(long)]
        timings: Option<PathBuf>,
    },
    /// A batch on disk: a letter to each recipient of a spreadsheet or CSV
    /// (or a batch request as `POST /v1/batches` takes it), to a ZIP of PDFs
    /// or one merged PDF.
    Batch(saraban::batch_file::BatchArgs),
    /// Validate a document without rendering it.
    Check {
        /// Input JSON, or `-`.
        input: String,
    },
    /// Print the JSON Schema of the input.
    Schema,
    /// Serve the HTTP API (see README, "HTTP service").
    Serve(saraban::server::cli::ServeArgs),
    /// API keys of the outgoing register (see README, "Register").
    Keys(saraban::register::cli::KeysArgs),
    /// Print the prepared view a template receives (for template designers).
    View {
        /// Input JSON, or `-`.
        input: String,
    },
    /// Print the laid-out lines with their widest word gap (em), for typesetting checks.
    Lines {
        /// Input JSON, or `-`.
        input: String,
    },
}

/// A resolution within what the service allows.
fn dpi(text: &str) -> Result<f32, String> {
    let v: f32 = text
        .parse()
        .map_err(|_| format!("'{text}' is not a number"))?;
    if (10.0..=300.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{v} is outside 10..300"))
    }
}

/// The input's bytes; an error names the file.
/// The largest input file read: a document is a few kilobytes, a batch of
/// thousands a few megabytes (`/dev/zero` is not read to the end).
const MAX_INPUT_BYTES: u64 = 64 << 20;

fn read_input(path: &str) -> anyhow::Result<Vec<u8>> {
    let (name, reader): (&str, Box<dyn Read>) = if path == "-" {
        ("standard input", Box::new(std::io::stdin()))
    } else {
        let file = std::fs::File::open(path).map_err(|e| anyhow::anyhow!("{path}: {e}"))?;
        (path, Box::new(file))
    };
    let mut buf = Vec::new();
    reader
        .take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut buf)
        .map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
    if buf.len() as u64 > MAX_INPUT_BYTES {
        anyhow::bail!(
            "{name}: larger than {} MB; a document or batch is far smaller",
            MAX_INPUT_BYTES >> 20
        );
    }
    Ok(buf)
}

/// The input, parsed: a problem names the file and the field.
fn read_document(path: &str) -> anyhow::Result<saraban::Document> {
    let bytes = read_input(path)?;
    compose::parse(&bytes).map_err(|p| anyhow::Error::new(p).context(path.to_string()))
}

fn write_output(path: &str, bytes: &[u8]) -> anyhow::Result<()> {
    if path == "-" {
        std::io::stdout().write_all(bytes)?;
        Ok(())
    } else {
        std::fs::write(Path::new(path), bytes).map_err(|e| anyhow::anyhow!("{path}: {e}"))
    }
}

/// A message as a terminal may show it: control characters a document
/// carried (an escape sequence in a subject) written out, not obeyed.
fn printable(message: &str) -> String {
    message
        .chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let lang = cli.lang.unwrap_or_else(Lang::from_env);
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if lang == Lang::Th => {
            eprintln!("ข้อผิดพลาด: {}", printable(&described(&e, Lang::Th)));
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: {}", printable(&described(&e, Lang::En)));
            ExitCode::FAILURE
        }
    }
}

/// The problems an error in a chain carries.
fn problems<'a>(c: &'a (dyn std::error::Error + 'static)) -> Option<&'a Problems> {
    c.downcast_ref::<Problems>()
        .or(match c.downcast_ref::<saraban::Error>() {
            Some(saraban::Error::Invalid(p)) => Some(p),
            _ => None,
        })
}

/// An error in `lang`: what it is about (the file), then each problem with
/// its field (in Thai, its field's Thai label), one a line when there are
/// several.
fn described(e: &anyhow::Error, lang: Lang) -> String {
    let Some(found) = e.chain().find_map(problems) else {
        return i18n::translate(&format!("{e:#}"), lang);
    };
    let mut out = String::new();
    for c in e.chain().take_while(|c| problems(*c).is_none()) {
        out.push_str(&i18n::translate(&c.to_string(), lang));
        out.push_str(": ");
    }
    let lines: Vec<String> = found
        .0
        .iter()
        .map(|p| i18n::problem_line(p, lang))
        .collect();
    if lines.len() > 1 {
        out.push_str(&match lang {
            Lang::Th => format!("พบ {} ปัญหา", lines.len()),
            Lang::En => format!("{} problems:", lines.len()),
        });
        for l in lines {
            out.push_str("\n  ");
            out.push_str(&l);
        }
    } else {
        out.push_str(&lines.concat());
    }
    out
}

/// The engine with the extra fonts and the typesetting the options ask for.
fn engine(cli: &Cli) -> anyhow::Result<Engine> {
    let engine = Engine::new(cli.fonts.as_deref()).map_err(|e| match &cli.fonts {
        Some(dir) => anyhow::anyhow!("--fonts {}: {e}", dir.display()),
        None => e,
    })?;
    Ok(engine.with_typesetting(cli.typesetting))
}

fn agencies(cli: &Cli) -> anyhow::Result<Agencies> {
    let mut a = Agencies::built_in();
    if let Some(dir) = &cli.agencies {
        a.load_dir(dir)
            .map_err(|e| anyhow::anyhow!("--agencies {}: {e}", dir.display()))?;
    }
    Ok(a)
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match &cli.command {
        Command::Render {
            input,
            output,
            png,
            page,
            dpi,
            pdf_standard,
            timings,
        } => {
            let agencies = agencies(&cli)?;
            let engine = engine(&cli)?;
            let doc = read_document(input)?;
            if timings.is_some() {
                typst_timing::enable();
            }
            let letter = compose::compose(&engine, &agencies, &doc, None)?;
            let png = *png || output.to_ascii_lowercase().ends_with(".png");
            let page = *page as usize;
            if page > letter.pages() {
                anyhow::bail!("--page {page}: the letter has {} page(s)", letter.pages());
            }
            let out = if png {
                letter.png(page - 1, *dpi)?
            } else {
                letter.pdf_as(*pdf_standard)?
            };
            write_output(output, &out)?;
            if output != "-" {
                eprintln!("{output}: {} page(s)", letter.pages());
            }
            if let Some(path) = timings {
                let file = std::fs::File::create(path)
                    .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
                typst_timing::export_json(std::io::BufWriter::new(file), |span| {
                    engine.span_location(span)
                })
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            }
        }
        Command::Check { input } => {
            let agencies = agencies(&cli)?;
            let doc = read_document(input)?;
            compose::check(&engine(&cli)?, &doc, &agencies)?;
            println!("ok");
        }
        Command::Batch(args) => {
            let started = std::time::Instant::now();
            let engine = engine(&cli)?;
            let summary = saraban::batch_file::run(args, &engine, &agencies(&cli)?)?;
            let seconds = started.elapsed().as_secs_f64();
            let out = args
                .output
                .as_ref()
                .or(args.merge.as_ref())
                .map(|p| p.display().to_string());
            eprintln!(
                "{}: {} letters, {} pages in {seconds:.1} s ({:.0} letters/s)",
                out.unwrap_or_default(),
                summary.letters,
                summary.pages,
                summary.letters as f64 / seconds.max(1e-9)
            );
        }
        Command::Serve(args) => {
            saraban::server::cli::run(args, engine(&cli)?, agencies(&cli)?)?;
        }
        Command::Keys(args) => {
            saraban::register::cli::run(args, &agencies(&cli)?)?;
        }
        Command::Schema => {
            println!("{}", serde_json::to_string_pretty(&saraban::schema())?);
        }
        Command::View { input } => {
            let agencies = agencies(&cli)?;
            let doc = read_document(input)?;
            let prepared = compose::prepare(&doc, &agencies)?;
            println!(
                "{}",
                serde_json::to_string_pretty(&prepared.view.to_value()?)?
            );
        }
        Command::Lines { input } => {
            let agencies = agencies(&cli)?;
            let engine = engine(&cli)?;
            let doc = read_document(input)?;
            let letter = compose::compose(&engine, &agencies, &doc, None)?;
            for l in saraban::frames::lines(&letter.doc) {
                let gap = saraban::frames::word_gaps_em(&l)
                    .into_iter()
                    .fold(0.0, f64::max);
                println!(
                    "p{} y={:6.1} x={:5.1}..{:5.1} gap={:4.2} |{}",
                    l.page + 1,
                    l.y,
                    l.x0,
                    l.x1,
                    gap,
                    l.text
                );
            }
        }
    }
    Ok(())
}
