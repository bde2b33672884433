//! typst used as a library with nothing of saraban's: a plain `World` over
//! the same templates (read from `letter-templates/`), the same fonts (from
//! `fonts/`) and the view saraban laid out, as `/data.json`; one compile and
//! typst-pdf's export, the memo cache evicted after each letter as a
//! long-running service must. No dictionary pass, no second compile for
//! continuation lines, no text-layer pass: the floor saraban's work stands on.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Dict, IntoValue};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

use crate::inputs;
use crate::peers::{PeerLetter, SHIMS};

/// The templates, fonts and library, made once.
pub struct PlainTypst {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    sources: HashMap<FileId, Source>,
    files: HashMap<FileId, Bytes>,
}

fn id(path: &str) -> FileId {
    RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new(path).expect("a valid virtual path"),
    )
    .intern()
}

impl PlainTypst {
    pub fn new() -> anyhow::Result<PlainTypst> {
        let root = inputs::root();
        let mut fonts = Vec::new();
        for entry in std::fs::read_dir(root.join("fonts"))? {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "ttf") {
                fonts.extend(Font::iter(Bytes::new(std::fs::read(&path)?)));
            }
        }
        let mut sources = HashMap::new();
        for entry in std::fs::read_dir(root.join("letter-templates"))? {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "typ") {
                let name = format!(
                    "/{}",
                    path.file_name().unwrap_or_default().to_string_lossy()
                );
                let mut text = std::fs::read_to_string(&path)?;
                if name == "/lib.typ" {
                    text.insert_str(0, SHIMS);
                }
                let file = id(&name);
                sources.insert(file, Source::new(file, text));
            }
        }
        let mut files = HashMap::new();
        files.insert(
            id("/assets/garuda.png"),
            Bytes::new(std::fs::read(
                root.join("letter-templates/assets/garuda.png"),
            )?),
        );
        // The page and its margins, as saraban serves them.
        files.insert(
            id(saraban::geometry::PATH),
            Bytes::new(saraban::geometry::PAGE.json()),
        );
        let mut inputs = Dict::new();
        inputs.insert("data".into(), "/data.json".into_value());
        inputs.insert("body".into(), "/body.json".into_value());
        Ok(PlainTypst {
            library: LazyHash::new(Library::builder().with_inputs(inputs).build()),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
            sources,
            files,
        })
    }

    /// One letter to PDF bytes, and the time it took (compile, eviction and
    /// export; the view's JSON is written outside the clock).
    pub fn render(&self, letter: &PeerLetter) -> anyhow::Result<(Vec<u8>, Duration)> {
        let (data, body) = letter.files()?;
        let world = LetterWorld {
            plain: self,
            main: id(&format!("/{}", letter.template)),
            data: Bytes::new(data),
            body: Bytes::new(body),
            assets: letter
                .assets
                .iter()
                .map(|(p, b)| (id(p), Bytes::new(b.clone())))
                .collect(),
        };
        let started = Instant::now();
        let doc = typst::compile::<PagedDocument>(&world)
            .output
            .map_err(|e| anyhow::anyhow!("typst compile failed: {e:?}"))?;
        comemo::evict(10);
        let pdf = typst_pdf::pdf(&doc, &typst_pdf::PdfOptions::default())
            .map_err(|e| anyhow::anyhow!("typst-pdf failed: {e:?}"))?;
        Ok((pdf, started.elapsed()))
    }
}

/// One letter's world: the shared parts and its own data and images.
struct LetterWorld<'a> {
    plain: &'a PlainTypst,
    main: FileId,
    data: Bytes,
    body: Bytes,
    assets: HashMap<FileId, Bytes>,
}

impl World for LetterWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.plain.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.plain.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.plain
            .sources
            .get(&id)
            .cloned()
            .ok_or_else(|| FileError::NotFound(id.vpath().get_with_slash().into()))
    }

    fn file(&self, file: FileId) -> FileResult<Bytes> {
        if file == id("/data.json") {
            return Ok(self.data.clone());
        }
        if file == id("/body.json") {
            return Ok(self.body.clone());
        }
        self.assets
            .get(&file)
            .or_else(|| self.plain.files.get(&file))
            .cloned()
            .ok_or_else(|| FileError::NotFound(file.vpath().get_with_slash().into()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.plain.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        None
    }
}
