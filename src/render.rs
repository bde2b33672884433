//! Typst as a library: embedded fonts and templates, a small `World` per document,
//! compile, export PDF or PNG.
//!
//! Fonts and templates are loaded once into an [`Engine`] and shared; each document
//! gets a fresh [`LetterWorld`] that serves the prepared view as the fixed virtual
//! files `/data.json` and `/body.json` (its body, apart: see [`crate::view::View::to_json`]). File ids are interned for the life of the process, so every
//! virtual path here is fixed, never derived from a request.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, LazyLock, Mutex};

use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Dict, IntoValue};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_layout::{Page, PagedDocument};

use crate::view::Typesetting;

use crate::error::Error;
use crate::outline::Mark;
use crate::pdf_standard::PdfStandard;

/// The fonts shipped in `fonts/`, embedded so the binary renders the same anywhere.
const EMBEDDED_FONTS: &[&[u8]] = &[
    include_bytes!("../fonts/Laksaman.ttf"),
    include_bytes!("../fonts/Laksaman-Bold.ttf"),
    include_bytes!("../fonts/Laksaman-Italic.ttf"),
    include_bytes!("../fonts/Laksaman-BoldItalic.ttf"),
    // Symbols Laksaman lacks (✓, ☐, →): typst's fallback, never a template's font.
    include_bytes!("../fonts/DejaVuSans.ttf"),
];

/// The templates in `letter-templates/`, by their virtual path.
const TEMPLATES: &[(&str, &str)] = &[
    ("/lib.typ", include_str!("../letter-templates/lib.typ")),
    (
        "/proclamation.typ",
        include_str!("../letter-templates/proclamation.typ"),
    ),
    (
        "/external.typ",
        include_str!("../letter-templates/external.typ"),
    ),
    ("/memo.typ", include_str!("../letter-templates/memo.typ")),
    (
        "/announcement.typ",
        include_str!("../letter-templates/announcement.typ"),
    ),
    ("/order.typ", include_str!("../letter-templates/order.typ")),
    (
        "/stamped.typ",
        include_str!("../letter-templates/stamped.typ"),
    ),
    (
        "/statement.typ",
        include_str!("../letter-templates/statement.typ"),
    ),
    (
        "/certificate.typ",
        include_str!("../letter-templates/certificate.typ"),
    ),
    (
        "/minutes.typ",
        include_str!("../letter-templates/minutes.typ"),
    ),
    (
        "/standard.typ",
        include_str!("../letter-templates/standard.typ"),
    ),
    ("/marks.typ", include_str!("../letter-templates/marks.typ")),
    (
        "/register.typ",
        include_str!("../letter-templates/register.typ"),
    ),
];

/// The advance of `ก` in TH SarabunPSK, in em: the measure of the official size.
/// (Laksaman's is 0.580 em, and Laksaman sets the closing `ขอแสดงความนับถือ`
/// 126.6 pt wide at 16 pt where TH SarabunPSK sets it 87.7 pt.)
const SARABUN_KO_EM: f64 = 0.580 * 87.7 / 126.6;

/// The default emblem: the Garuda (ตราครุฑ), 472 px tall.
pub const GARUDA_PNG: &[u8] = include_bytes!("../letter-templates/assets/garuda.png");
/// Where the prepared view is served.
pub const DATA_PATH: &str = "/data.json";

/// A virtual file id for a fixed path in the project root.
pub fn file_id(path: &str) -> FileId {
    RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new(path).expect("fixed virtual paths are valid"),
    )
    .intern()
}

/// Fonts, templates and the standard library, loaded once and shared by every compile.
pub struct Engine {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    sources: HashMap<FileId, Source>,
    files: HashMap<FileId, Bytes>,
    data_id: FileId,
    typesetting: Typesetting,
}

impl Engine {
    /// The template file and line of a span typst's timings recorded
    /// (`/lib.typ`, 120); `?` and 0 for one outside the templates.
    pub fn span_location(&self, span: std::num::NonZeroU64) -> (String, u32) {
        let span = typst::syntax::Span::from_raw(span);
        let Some(source) = span.id().and_then(|id| self.sources.get(&id)) else {
            return ("?".into(), 0);
        };
        let line = source
            .find(span)
            .and_then(|node| source.lines().byte_to_line(node.range().start))
            .map_or(0, |l| l as u32 + 1);
        (source.id().vpath().get_with_slash().to_string(), line)
    }

    /// The engine with the embedded fonts and templates, plus any `*.ttf`/`*.otf`
    /// fonts in `extra_fonts` (an agency's TH SarabunPSK, say).
    pub fn new(extra_fonts: Option<&Path>) -> anyhow::Result<Self> {
        let mut fonts: Vec<Font> = Vec::new();
        if let Some(dir) = extra_fonts {
            // The agency's own fonts come first, so that a family name found in
            // both resolves to theirs.
            for entry in std::fs::read_dir(dir)? {
                let path = entry?.path();
                let ext = path
                    .extension()
                    .and_then(|e| e.to_str())
                    .map(str::to_ascii_lowercase);
                if matches!(ext.as_deref(), Some("ttf" | "otf" | "ttc" | "otc")) {
                    let data = std::fs::read(&path)?;
                    fonts.extend(Font::iter(Bytes::new(data)));
                }
            }
        }
        for data in EMBEDDED_FONTS {
            fonts.extend(Font::iter(Bytes::new(*data)));
        }
        let book = FontBook::from_fonts(&fonts);

        let mut inputs = Dict::new();
        inputs.insert("data".into(), DATA_PATH.into_value());
        inputs.insert("body".into(), crate::view::BODY_PATH.into_value());
        let mut library = Library::builder().with_inputs(inputs).build();
        crate::tagging::define(&mut library.global);

        let sources = TEMPLATES
            .iter()
            .map(|(path, text)| {
                let id = file_id(path);
                (id, Source::new(id, (*text).to_string()))
            })
            .collect();
        let mut files = HashMap::new();
        files.insert(file_id(crate::view::GARUDA_PATH), Bytes::new(GARUDA_PNG));
        files.insert(
            file_id(crate::geometry::PATH),
            Bytes::new(crate::geometry::PAGE.json()),
        );

        Ok(Engine {
            library: LazyHash::new(library),
            book: LazyHash::new(book),
            fonts,
            sources,
            files,
            data_id: file_id(DATA_PATH),
            typesetting: Typesetting::default(),
        })
    }

    /// The engine laying Thai out as `typesetting` says (saraban's careful
    /// typesetting by default).
    pub fn with_typesetting(mut self, typesetting: Typesetting) -> Engine {
        self.typesetting = typesetting;
        self
    }

    /// How this engine lays Thai out.
    pub fn typesetting(&self) -> Typesetting {
        self.typesetting
    }

    /// The shared engine with only the embedded fonts.
    pub fn shared() -> Arc<Engine> {
        static SHARED: LazyLock<Arc<Engine>> =
            LazyLock::new(|| Arc::new(Engine::new(None).expect("embedded assets load")));
        SHARED.clone()
    }

    /// True when some font of the engine has a glyph for `c` (typst would
    /// otherwise leave it out of the page without a word).
    pub fn covers(&self, c: char) -> bool {
        // ASCII and the Thai block: every shipped font has them.
        if (' '..='~').contains(&c) || ('\u{0E01}'..='\u{0E5B}').contains(&c) || c.is_whitespace() {
            return true;
        }
        (0..self.fonts.len()).any(|i| {
            self.book
                .info(i)
                .is_some_and(|f| f.coverage.contains(c as u32))
        })
    }

    /// The size `families` (the first the engine has) are set at, relative
    /// to the official size: the Regulation's "16 pt" is TH SarabunPSK's, and a
    /// font whose `ก` is wider for its size is drawn larger and set smaller by
    /// as much (Laksaman, TH SarabunPSK scaled up 1.444×: 0.6926). 1 when none
    /// of the families is there or the font has no `ก`.
    pub fn font_scale(&self, families: &[String]) -> f64 {
        families
            .iter()
            .find_map(|family| {
                let index = self
                    .book
                    .select(&family.to_lowercase(), typst::text::FontVariant::default())?;
                let font = self.fonts.get(index)?.clone().instantiate(
                    typst::text::FontVariant::default(),
                    typst::layout::Abs::pt(16.0),
                    &Default::default(),
                );
                let glyph = font.ttf().glyph_index('ก')?;
                let em = font.x_advance(glyph.0)?.get();
                (em > 0.0).then(|| SARABUN_KO_EM / em)
            })
            .unwrap_or(1.0)
    }

    /// Font family names available to templates.
    pub fn font_families(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .book
            .families()
            .map(|(name, _)| name.to_string())
            .collect();
        names.dedup();
        names
    }

    /// Compiles `template` (e.g. `external.typ`) with `data` as `/data.json` and the
    /// extra binary `assets` (fixed virtual paths such as `/assets/emblem.png`).
    pub fn compile(
        &self,
        template: &str,
        data: Vec<u8>,
        assets: &[(&'static str, Bytes)],
    ) -> Result<PagedDocument, Error> {
        let main = file_id(&format!("/{template}"));
        if !self.sources.contains_key(&main) {
            return Err(Error::Template(format!("no template named {template}")));
        }
        let world = LetterWorld {
            engine: self,
            main,
            data: Bytes::new(data),
            assets: assets
                .iter()
                .map(|(p, b)| (file_id(p), b.clone()))
                .collect(),
        };
        let result = typst::compile::<PagedDocument>(&world);
        result
            .output
            .map(crate::textlayer::fix)
            .map_err(|diags| Error::Template(describe(&world, &diags)))
    }
}

/// Keeps comemo's process-global memo cache bounded: entries unused for a few
/// compiles are dropped. Called after every document, from this one place.
pub fn evict_cache() {
    evict_cache_after(1);
}

/// A document of this many pages or more empties the memo cache at once:
/// its layouts are hundreds of megabytes that no other letter will reuse,
/// and the memory goes back to the system instead of staying with the process.
const LARGE_DOCUMENT_PAGES: usize = 30;

/// [`evict_cache`] after a document of `pages` pages.
pub fn evict_cache_after(pages: usize) {
    static LOCK: Mutex<()> = Mutex::new(());
    let _guard = LOCK.lock();
    comemo::evict(if pages >= LARGE_DOCUMENT_PAGES { 0 } else { 10 });
}

fn describe(world: &LetterWorld, diags: &[SourceDiagnostic]) -> String {
    use typst::syntax::DiagSpanKind;
    diags
        .iter()
        .map(|d| {
            let id = match d.span.get() {
                DiagSpanKind::Number { id, .. } | DiagSpanKind::Range { id, .. } => Some(id),
                DiagSpanKind::Detached => None,
            };
            let place = id
                .and_then(|id| {
                    let source = world.source(id).ok()?;
                    let range = world.range(d.span)?;
                    let line = source.text()[..range.start].lines().count();
                    Some(format!(
                        "{}:{}: ",
                        id.vpath().get_without_slash(),
                        line.max(1)
                    ))
                })
                .unwrap_or_default();
            format!("{place}{}", d.message)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// One document's world: the shared engine plus this document's data and assets.
struct LetterWorld<'a> {
    engine: &'a Engine,
    main: FileId,
    data: Bytes,
    assets: HashMap<FileId, Bytes>,
}

impl World for LetterWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.engine.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.engine.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.engine
            .sources
            .get(&id)
            .cloned()
            .ok_or_else(|| FileError::NotFound(id.vpath().get_with_slash().into()))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.engine.data_id {
            return Ok(self.data.clone());
        }
        if let Some(b) = self.assets.get(&id) {
            return Ok(b.clone());
        }
        if let Some(b) = self.engine.files.get(&id) {
            return Ok(b.clone());
        }
        if let Some(s) = self.engine.sources.get(&id) {
            return Ok(Bytes::from_string(s.text().to_string()));
        }
        // Templates may read nothing else: no file system, no network.
        Err(FileError::NotFound(id.vpath().get_with_slash().into()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.engine.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        // Templates get the date from the data (formatted in Thai by Rust).
        None
    }
}

/// Exports a laid-out document as PDF.
pub fn to_pdf(doc: &PagedDocument) -> Result<Vec<u8>, Error> {
    to_pdf_as(doc, None)
}

/// Exports a laid-out document as PDF conforming to `standard`: what cannot
/// conform is [`Error::Standard`], with typst's reasons.
pub fn to_pdf_as(doc: &PagedDocument, standard: Option<PdfStandard>) -> Result<Vec<u8>, Error> {
    let options = PdfStandard::options(standard).map_err(Error::Export)?;
    let every_glyph = standard.is_some_and(PdfStandard::maps_every_glyph);
    let info = typst::model::Document::info(doc).clone();
    write_pdf(doc.pages(), info, &options, every_glyph).map_err(|reasons| match standard {
        Some(s) => Error::Standard {
            standard: s,
            reasons,
        },
        None => Error::Export(reasons),
    })
}

/// One PDF of the pages of several letters, in order, titled `title`, with a
/// bookmark at each letter's first page (`marks`). Tagged like a single
/// letter: each letter's elements moved to locations of their own first, so
/// that their structures stay apart in the one tree.
pub fn to_merged_pdf(pages: &[Page], title: &str, marks: &[Mark]) -> Result<Vec<u8>, Error> {
    let info = typst::model::DocumentInfo {
        title: Some(title.into()),
        ..Default::default()
    };
    let mut pages = pages.to_vec();
    for (n, mark) in marks.iter().enumerate() {
        let end = marks.get(n + 1).map_or(pages.len(), |next| next.page);
        if let Some(letter) = pages.get_mut(mark.page..end) {
            crate::textlayer::relocate(letter, n);
        }
    }
    let pdf =
        write_pdf(&pages, info, &typst_pdf::PdfOptions::default(), false).map_err(Error::Export)?;
    crate::outline::add(&pdf, marks).map_err(Error::Export)
}

/// The pages through the text-layer pass and typst's PDF writer; typst's
/// complaints, with their hints, as one text.
fn write_pdf(
    pages: &[Page],
    info: typst::model::DocumentInfo,
    options: &typst_pdf::PdfOptions,
    every_glyph: bool,
) -> Result<Vec<u8>, String> {
    let doc = crate::textlayer::for_pdf(pages, info, every_glyph);
    typst_pdf::pdf(&doc, options).map_err(|diags| {
        diags
            .iter()
            .map(|d| {
                let hints: String = d.hints.iter().map(|h| format!(" ({})", h.v)).collect();
                format!("{}{hints}", d.message)
            })
            .collect::<Vec<_>>()
            .join("; ")
    })
}

/// Renders page `index` (0-based) as a PNG at `dpi`.
pub fn to_png(doc: &PagedDocument, index: usize, dpi: f32) -> Result<Vec<u8>, Error> {
    let page = doc
        .pages()
        .get(index)
        .ok_or_else(|| Error::Export(format!("no page {}", index + 1)))?;
    let opts = typst_render::RenderOptions {
        pixel_per_pt: (f64::from(dpi) / 72.0).into(),
        render_bleed: false,
    };
    let pixmap = typst_render::render(page, &opts);
    pixmap
        .encode_png()
        .map_err(|e| Error::Export(e.to_string()))
}
