//! Long documents in-process: the test letters of ten pages and more, each
//! rendered from an empty memo cache (a service meets a long document once),
//! JSON to PDF, and right after it typst as a library on the same template
//! and the view saraban laid out ([`crate::plain`]), also from an empty cache.
//! The figure is milliseconds a page.

use std::time::Instant;

use saraban::{Agencies, Engine, compose};

use crate::inputs;
use crate::peers::PeerLetter;
use crate::plain::PlainTypst;
use crate::stats::Sample;

/// The long real documents of `tests/letters/`.
pub const DOCUMENTS: &[&str] = &[
    "announcement-measures-long",
    "order-committees-long",
    "circular-regulation-long",
    "bylaw-tu-student-discipline",
];

/// One document's figures.
pub struct LongRun {
    pub name: &'static str,
    pub pages: usize,
    /// Milliseconds a page, saraban (compose and PDF).
    pub saraban: Sample,
    /// Milliseconds a page, typst as a library on saraban's final view.
    pub plain: Sample,
}

/// Every document of [`DOCUMENTS`] `runs` times, saraban and the plain
/// `World` in turn.
pub fn long_documents(
    engine: &Engine,
    agencies: &Agencies,
    runs: usize,
) -> anyhow::Result<Vec<LongRun>> {
    let plain = PlainTypst::new()?;
    let mut out = Vec::new();
    for &name in DOCUMENTS {
        let path = inputs::root().join(format!("tests/letters/{name}.json"));
        let bytes = std::fs::read(&path)?;
        let doc =
            compose::parse(&bytes).map_err(|p| anyhow::anyhow!("{}: {p:?}", path.display()))?;
        // Warm up: the fonts' first use, the dictionary, the allocator.
        let warm = compose::compose(engine, agencies, &doc, None)?;
        let pages = warm.pages();
        let peer = PeerLetter::of(name.to_string(), &warm)?;
        plain.render(&peer)?;
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        for _ in 0..runs {
            comemo::evict(0);
            let t0 = Instant::now();
            let letter = compose::compose(engine, agencies, &doc, None)?;
            letter.pdf()?;
            ours.push(t0.elapsed().as_secs_f64() * 1e3 / pages as f64);
            anyhow::ensure!(letter.pages() == pages, "{name}: pages changed");
            comemo::evict(0);
            theirs.push(plain.render(&peer)?.1.as_secs_f64() * 1e3 / pages as f64);
        }
        let run = LongRun {
            name,
            pages,
            saraban: Sample::from_ms(ours),
            plain: Sample::from_ms(theirs),
        };
        crate::say(format!(
            "  {name}: {pages} pages, saraban {:.1} ms a page, typst as a library {:.1} ms a page (medians of {runs})",
            run.saraban.median(),
            run.plain.median()
        ));
        out.push(run);
    }
    Ok(out)
}
