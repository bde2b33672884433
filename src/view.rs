//! The view: what a template sees. Validates a [`Document`] against its agency
//! profile and formats everything a clerk would otherwise type: Thai digits,
//! Buddhist-era dates, the reference number, item numbers, amounts.

use base64::Engine as _;
use serde::Serialize;

use crate::agency::{Agency, Layout};
use crate::error::Problems;
use crate::linebreak::{Dictionary, Words};
use crate::model::{
    ActivityRow, ActivityTable, Amount, Attendee, Block, Cell, CellAlign, Document, FullItem,
    HeadingAlign, Inline, IssueNumber, Item, Kind, ListStyle, Meeting, MinuteAlign, Reference, Run,
    Salutation, Signatory, SignatureLayout, Table, TypedBlock,
};
use crate::text::Text;
use crate::thai::{self, DateStyle, DigitStyle, ThaiDate};

/// Where the default emblem (the Garuda) is served.
pub const GARUDA_PATH: &str = "/assets/garuda.png";
/// Fixed virtual paths of a document's own images.
pub const EMBLEM_PATHS: [&str; 3] = [
    "/assets/emblem.png",
    "/assets/emblem.jpg",
    "/assets/emblem.svg",
];
/// Fixed virtual paths of a scanned signature.
pub const SIGNATURE_PATHS: [&str; 3] = [
    "/assets/signature.png",
    "/assets/signature.jpg",
    "/assets/signature.svg",
];
/// Fixed virtual paths of an agency's seal.
pub const SEAL_PATHS: [&str; 3] = ["/assets/seal.png", "/assets/seal.jpg", "/assets/seal.svg"];
/// Fixed virtual paths of a certificate's photograph.
pub const PHOTO_PATHS: [&str; 3] = [
    "/assets/photo.png",
    "/assets/photo.jpg",
    "/assets/photo.svg",
];

/// Most signature images one document carries: the signatories' and the
/// minutes' (each has fixed virtual paths, as typst's file ids live as long
/// as the process).
pub const MAX_SIGNATURES: usize = 12;

/// The fixed virtual paths of signature image `n` (0: the signatory's).
fn signature_paths(n: usize) -> &'static [&'static str; 3] {
    static SLOTS: std::sync::LazyLock<Vec<[&'static str; 3]>> = std::sync::LazyLock::new(|| {
        (0..MAX_SIGNATURES)
            .map(|i| {
                if i == 0 {
                    SIGNATURE_PATHS
                } else {
                    ["png", "jpg", "svg"].map(|ext| {
                        &*Box::leak(format!("/assets/signature-{i}.{ext}").into_boxed_str())
                    })
                }
            })
            .collect()
    });
    &SLOTS[n.min(MAX_SIGNATURES - 1)]
}

/// Largest embedded image accepted, in bytes.
pub const MAX_IMAGE_BYTES: usize = 2 * 1024 * 1024;

/// Largest raster image, in pixels (5,000 × 5,000; 100 MB decoded, and typst
/// keeps a decoded image for the next letters): a scanned signature, seal
/// or photo needs a fraction of it.
pub const MAX_IMAGE_PIXELS: u64 = 25_000_000;

/// The prepared document handed to a template as `/data.json`.
#[derive(Debug, Clone, Serialize)]
pub struct View {
    /// The kind's JSON name.
    pub kind: &'static str,
    /// The PDF's title.
    pub doc_title: String,
    /// The PDF's author: the agency.
    pub doc_author: String,
    /// The PDF's date: the letter's, `[year, month, day]` (Gregorian), when
    /// it has a day.
    pub doc_date: Option<[i32; 3]>,
    /// The PDF standard the agency's letters are written to.
    #[serde(skip)]
    pub pdf_standard: Option<crate::PdfStandard>,
    /// The agency's signer, when its letters are signed.
    #[serde(skip)]
    pub signer: Option<crate::signing::SharedSigner>,
    /// Layout figures from the profile.
    pub layout: Layout,
    /// The size a font is set at, relative to the official size: 1 for TH
    /// SarabunPSK, 1/1.444 for Laksaman (set by [`crate::passes::layout`]
    /// from the engine's fonts).
    pub font_scale: f64,
    /// `thai` or `arabic` (as it serialises).
    pub digits: DigitStyle,
    /// Virtual path of the emblem.
    pub emblem: String,
    /// What the emblem is, for a reader who cannot see it (the PDF's
    /// alternate text): `ตราครุฑ`, or `ตรา<agency>` for the agency's own.
    pub emblem_alt: String,
    /// Urgency mark.
    pub urgency: Option<String>,
    /// `ด่วนภายใน` deadline.
    pub deadline: Option<String>,
    /// Secrecy mark.
    pub secrecy: Option<String>,
    /// The formatted reference number (without `ที่`).
    pub reference: Option<String>,
    /// Agency name.
    pub agency_name: String,
    /// Address lines.
    pub address: Vec<Text>,
    /// The formatted date, in the kind's style.
    pub date: Option<String>,
    /// `ส่วนราชการ` of a memo.
    pub department: Option<Text>,
    /// `เรื่อง`.
    pub subject: Option<Text>,
    /// Centred title lines of an announcement, order or standard.
    pub title_lines: Vec<Text>,
    /// The salutation: `เรียน`, `กราบเรียน`, `นมัสการ` or `กราบทูล`.
    pub salutation: &'static str,
    /// The addressee after the salutation.
    pub to: Option<Text>,
    /// `อ้างถึง`, numbered when several.
    pub refer_to: Vec<Labelled>,
    /// `สิ่งที่ส่งมาด้วย`, numbered when several.
    pub enclosures: Vec<Labelled>,
    /// The body, flattened: list items carry their printed numbers. Served
    /// apart, as [`BODY_PATH`] (see [`View::to_json`]).
    #[serde(skip)]
    pub body: Vec<ViewBlock>,
    /// Closing formula.
    pub closing: Option<String>,
    /// Signature block.
    pub signatory: ViewSignatory,
    /// A second signature block.
    pub second_signatory: Option<ViewSignatory>,
    /// Virtual path of the agency's seal on a stamped letter.
    pub seal: Option<String>,
    /// The responsible officer's initials beside the seal.
    pub initials: Option<String>,
    /// A certificate's photograph of its person.
    pub photo: Option<ViewPhoto>,
    /// `side_by_side` or `stacked`.
    pub signatures: &'static str,
    /// Contact lines.
    pub contact: Vec<Text>,
    /// `สำเนาส่ง` lines.
    pub copies_to: Vec<String>,
    /// The distribution list of a circular.
    pub distribution: Option<ViewDistribution>,
    /// Superiors' notes under a memo, each signed.
    pub endorsements: Vec<ViewEndorsement>,
    /// The first body block kept on the page of the signature, when the layout
    /// pass moved lines there (otherwise the last paragraph is).
    pub keep_from: Option<usize>,
    /// `careful` (ours), or `typst-defaults`: Thai laid out as typst does by
    /// itself, for measuring the difference.
    pub typesetting: &'static str,
}

/// Where the body's blocks are served to the templates.
pub const BODY_PATH: &str = "/body.json";

impl View {
    /// The view as the templates read it: `/data.json`, everything but the
    /// body, and [`BODY_PATH`], the body's blocks. Apart, because typst hashes
    /// every argument of every function call it remembers, and the templates
    /// hand the view to dozens of calls: with the body in it, each call
    /// hashed the whole text of the letter (a twentieth of a long document's
    /// compile). Only the one function that lays the body out reads it.
    pub fn to_json(&self) -> serde_json::Result<(Vec<u8>, Vec<u8>)> {
        Ok((serde_json::to_vec(self)?, serde_json::to_vec(&self.body)?))
    }

    /// The whole view as one JSON value, the body under `body` (for
    /// `saraban view`, and the benchmark's peers).
    pub fn to_value(&self) -> serde_json::Result<serde_json::Value> {
        let mut value = serde_json::to_value(self)?;
        value["body"] = serde_json::to_value(&self.body)?;
        Ok(value)
    }
}

/// A numbered line.
#[derive(Debug, Clone, Serialize)]
pub struct Labelled {
    /// `๑.`, `๒)` ...
    pub label: String,
    /// The text.
    pub text: Text,
}

/// A body block as the template draws it.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum ViewBlock {
    /// A paragraph.
    Par {
        /// Text.
        text: Text,
        /// First-line indent.
        indent: bool,
        /// Justify the last line too: the paragraph goes on in the next block.
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        justify_last: bool,
        /// The list item whose text this goes on with (the layout pass cut the
        /// item in two): under a hanging indent it starts under that text.
        #[serde(skip_serializing_if = "Option::is_none")]
        under: Option<ItemPlace>,
    },
    /// A line with dot leaders to a value at the right margin
    /// (`ค่าใช้จ่าย ........ ๕๘๑,๐๙๖ บาท`).
    Leaders {
        /// The text before the dots.
        text: Text,
        /// The value after them.
        value: Text,
        /// Nesting depth from 1, as a list item's.
        level: u32,
    },
    /// What a speaker said: the speaker at the left, the words beside.
    Speech {
        /// Who spoke.
        speaker: Text,
        /// What was said.
        text: Text,
    },
    /// A bold heading.
    Heading {
        /// Text.
        text: Text,
        /// `left`, `indent` or `center`.
        align: &'static str,
    },
    /// A list item with its printed number.
    Item {
        /// `๑.`, `๑.๑`, `๑)`, `-`.
        label: String,
        /// Text after the number.
        text: Text,
        /// Nesting depth from 1.
        level: u32,
        /// The numbers of the items it stands under, outermost first: under a
        /// hanging indent it starts under its parent's text.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        ancestors: Vec<String>,
        /// Bold item line.
        bold: bool,
        /// Justify the last line too: the item goes on in the next block.
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        justify_last: bool,
    },
    /// A committee's members: number, name, position, role in aligned columns.
    Members {
        /// The rows.
        rows: Vec<ViewMember>,
        /// Nesting depth from 1 (where the numbers stand, as a list item's).
        level: u32,
        /// True when any member has a name (the name column is drawn).
        names: bool,
        /// A meeting's list, which may stand in two columns side by side
        /// when each member fits half the line.
        halves: bool,
    },
    /// A table whose header repeats on every page. Served with `pieces`,
    /// what each column must be wide enough for (see `column_pieces`).
    #[serde(serialize_with = "serialize_table")]
    Table {
        /// Header labels.
        headers: Vec<String>,
        /// The header labels as printed: they wrap between their words (a
        /// header typed without spaces, `ผู้รับผิดชอบโครงการ`, does not claim
        /// its whole width).
        header_text: Vec<Text>,
        /// Cells: text, numbered lines, or `{strong: text}`.
        rows: Vec<Vec<serde_json::Value>>,
        /// Per column: `left`, `center`, `right`.
        align: Vec<&'static str>,
        /// Relative widths.
        widths: Vec<f64>,
        /// Type size, points of the official size.
        font_size_pt: f64,
        /// True when a cell spans columns or rows: every cell is then
        /// `{c: cell, col: first column, cs: columns, rs: rows}`.
        spanned: bool,
    },
}

/// A table as the template reads it: its fields, and per column the pieces
/// it must be wide enough for, found from the cells as they are now.
#[allow(clippy::too_many_arguments)]
fn serialize_table<S: serde::Serializer>(
    headers: &[String],
    header_text: &[Text],
    rows: &[Vec<serde_json::Value>],
    align: &[&'static str],
    widths: &[f64],
    font_size_pt: &f64,
    spanned: &bool,
    s: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::{Error as _, SerializeStruct};
    let printed = header_text
        .iter()
        .map(serde_json::to_value)
        .collect::<Result<Vec<_>, _>>()
        .map_err(S::Error::custom)?;
    let pieces = crate::column_pieces::column_pieces(&printed, rows, *spanned);
    let mut t = s.serialize_struct("Table", 8)?;
    t.serialize_field("headers", headers)?;
    t.serialize_field("header_text", header_text)?;
    t.serialize_field("rows", rows)?;
    t.serialize_field("align", align)?;
    t.serialize_field("widths", widths)?;
    t.serialize_field("font_size_pt", font_size_pt)?;
    t.serialize_field("spanned", spanned)?;
    t.serialize_field("pieces", &pieces)?;
    t.end()
}

/// Where a list item stands: its number and nesting depth.
#[derive(Debug, Clone, Serialize)]
pub struct ItemPlace {
    /// The printed number.
    pub label: String,
    /// Nesting depth from 1.
    pub level: u32,
    /// The numbers of the items it stands under.
    pub ancestors: Vec<String>,
}

/// One member of a committee.
#[derive(Debug, Clone, Serialize)]
pub struct ViewMember {
    /// `๑.`
    pub label: String,
    /// Full name.
    pub name: Option<Text>,
    /// Position.
    pub position: Option<Text>,
    /// Role in the committee.
    pub role: Option<Text>,
}

/// The signature block.
#[derive(Debug, Clone, Serialize)]
pub struct ViewSignatory {
    /// Full name (printed in parentheses).
    pub name: String,
    /// Position lines.
    pub positions: Vec<Text>,
    /// Virtual path of the signature image.
    pub image: Option<String>,
}

/// A superior's minute under a memo and its signature block.
#[derive(Debug, Clone, Serialize)]
pub struct ViewEndorsement {
    /// Bold heading at the left margin.
    pub heading: Option<Text>,
    /// Tick boxes.
    pub options: Vec<ViewChoice>,
    /// The note's paragraphs.
    pub text: Vec<Text>,
    /// Dotted lines for the pen.
    pub fill_lines: u8,
    /// Full name (printed in parentheses).
    pub name: String,
    /// Position lines.
    pub positions: Vec<Text>,
    /// Virtual path of the signature image.
    pub image: Option<String>,
    /// The formatted date, if given.
    pub date: Option<String>,
    /// A dotted date line for the pen.
    pub date_line: bool,
    /// `signature`, `center` or `left`.
    pub align: &'static str,
}

/// A person's photograph and name on a certificate.
#[derive(Debug, Clone, Serialize)]
pub struct ViewPhoto {
    /// Virtual path of the image.
    pub image: String,
    /// The name printed under it (in parentheses).
    pub name: Option<String>,
}

/// A tick box.
#[derive(Debug, Clone, Serialize)]
pub struct ViewChoice {
    /// The option.
    pub text: Text,
    /// Ticked.
    pub checked: bool,
}

/// บัญชีแนบท้าย.
#[derive(Debug, Clone, Serialize)]
pub struct ViewDistribution {
    /// `หนังสือ<agency> ที่ <reference> ลงวันที่ <date>`.
    pub line: Text,
    /// Numbered recipients.
    pub recipients: Vec<Labelled>,
}

/// A view and the binary files it refers to.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The view.
    pub view: View,
    /// The template to compile.
    pub template: &'static str,
    /// Images at fixed virtual paths.
    pub assets: Vec<(&'static str, Vec<u8>)>,
    /// The agency's own words, for line breaking.
    pub extra_words: Dictionary,
}

/// Checks `doc` and prepares its view. `reference_override` is the text the
/// register allocated when the document asked for `"auto"`.
pub fn prepare(
    doc: &Document,
    agency: &Agency,
    reference_override: Option<&str>,
) -> Result<Prepared, Problems> {
    let mut prepared = prepare_unchunked(doc, agency, reference_override)?;
    let words = Words::new(Some(&prepared.extra_words));
    chunk_texts(&mut prepared.view, &words, &|_, _, _| false);
    Ok(prepared)
}

/// A subject where the kind prints one (a stamped letter has no เรื่อง, a
/// certificate none printed: a subject there is only the PDF's title), a
/// standard's title.
fn check_subject_and_title(doc: &Document, p: &mut Problems) {
    // A stamped letter has no เรื่อง, a certificate none printed: a subject
    // there is only the PDF's title.
    let needs_subject = !matches!(
        doc.kind,
        Kind::Standard | Kind::Stamped | Kind::Certificate | Kind::Minutes
    );
    match (&doc.subject, needs_subject) {
        (None, true) => p.push("subject", "is required for a document of this kind"),
        (Some(s), _) => check_text(p, "subject", s, needs_subject),
        _ => {}
    }
    if doc.kind == Kind::Standard {
        match &doc.title {
            None => p.push("title", "is required for a standard document"),
            Some(t) => check_text(p, "title", t, true),
        }
    } else if let Some(t) = &doc.title {
        check_text(p, "title", t, true);
    }
}

/// A signatory where the kind is signed, none where it is not.
fn check_signed(doc: &Document, p: &mut Problems) {
    let signed = !doc.signatory.name.trim().is_empty()
        || !doc.signatory.positions.is_empty()
        || doc.signatory.signature_image.is_some();
    if doc.kind.unsigned() {
        if signed {
            p.push(
                "signatory",
                format!(
                    "a {} is not signed (it ends with the agency's name{}): leave it out",
                    doc.kind.name(),
                    if doc.kind == Kind::Stamped {
                        " and seal"
                    } else {
                        " and the date"
                    }
                ),
            );
        }
    } else {
        check_text(p, "signatory.name", &doc.signatory.name, true);
    }
}

/// `ฉบับที่` of a statement or a news release, in the agency's digits.
fn issue_text(doc: &Document, digits: DigitStyle, p: &mut Problems) -> Option<String> {
    match &doc.issue {
        Some(IssueNumber::Number(0)) => {
            p.push("issue", "must be 1 or more");
            None
        }
        Some(IssueNumber::Number(n)) => Some(thai::number(*n as i64, digits)),
        Some(IssueNumber::Text(t)) => {
            check_text(p, "issue", t, true);
            Some(thai::apply_digits(t.trim(), digits))
        }
        None => None,
    }
}

/// The document's date, read as Thai clerks write it.
fn document_date(doc: &Document, p: &mut Problems) -> Option<ThaiDate> {
    match &doc.date {
        Some(s) => match s.trim().parse::<ThaiDate>() {
            Ok(d) => Some(d),
            Err(e) => {
                p.push("date", e.to_string());
                None
            }
        },
        None => None,
    }
}

/// How a document prints its date: as `era` says, or as its kind's form
/// does, with `พ.ศ.` after `ประกาศ ณ วันที่` and the like, plain
/// (`๑๕ มิถุนายน ๒๕๖๒`) in letters and memos.
fn date_style(kind: Kind, era: Option<bool>) -> DateStyle {
    if let Some(era) = era {
        return if era {
            DateStyle::Formal
        } else {
            DateStyle::Letter
        };
    }
    match kind {
        Kind::Announcement
        | Kind::Order
        | Kind::Standard
        | Kind::Regulation
        | Kind::Bylaw
        | Kind::Certificate
        | Kind::Minutes => DateStyle::Formal,
        _ => DateStyle::Letter,
    }
}

/// Fields that belong to some kinds only are not given to others; no more
/// endorsements than fit.
fn check_kind_only(doc: &Document, p: &mut Problems) {
    for (field, given) in [
        ("issue", doc.issue.is_some()),
        ("initials", doc.initials.is_some()),
        ("photo", doc.photo.is_some()),
        ("effective", doc.effective.is_some()),
    ] {
        let rule = crate::model::KIND_ONLY.iter().find(|(f, _, _)| *f == field);
        if let Some((_, _, what)) = rule
            && given
            && !crate::model::belongs(field, doc.kind)
        {
            p.push(field, format!("belongs to a {what} only"));
        }
    }
    if !doc.endorsements.is_empty() && !crate::model::belongs("endorsements", doc.kind) {
        p.push(
            "endorsements",
            "only a memo (its minutes) or a meeting's minutes (their certifications) carry endorsements",
        );
    }
    if doc.meeting.is_some() && !crate::model::belongs("meeting", doc.kind) {
        p.push("meeting", "belongs to the minutes of a meeting only");
    }
    if doc.endorsements.len() + 2 > MAX_SIGNATURES {
        p.push(
            "endorsements",
            if doc.kind == Kind::Minutes {
                format!(
                    "at most {} certifications fit one report",
                    MAX_SIGNATURES - 2
                )
            } else {
                format!("at most {} minutes fit one memo", MAX_SIGNATURES - 2)
            },
        );
    }
}

/// `ที่`: the number the register gave, else the document's text or parts,
/// in the agency's digits.
fn reference_text(
    doc: &Document,
    agency: &Agency,
    reference_override: Option<&str>,
    p: &mut Problems,
) -> Option<String> {
    let digits = agency.digits;
    let reference = match (reference_override, &doc.reference) {
        (Some(r), _) => Some(r.to_string()),
        (None, None) => None,
        (None, Some(Reference::Auto)) => {
            p.push(
                "reference",
                "\"auto\" needs the register: render through the service, or give the number",
            );
            None
        }
        (None, Some(Reference::Text(t))) => {
            check_text(p, "reference", t, true);
            // The template prints the label `ที่`; a reference pasted with it
            // is not labelled twice.
            let t = t.trim();
            let t = crate::text::after_word(t, "ที่").unwrap_or(t);
            Some(thai::apply_digits(t, digits))
        }
        (None, Some(Reference::Parts(parts))) => {
            let code = parts
                .code
                .clone()
                .or_else(|| agency.code.clone())
                .unwrap_or_default();
            if !code.trim().is_empty()
                && let Err(e) = thai::validate_agency_code(code.trim())
            {
                p.push(
                    if parts.code.is_some() {
                        "reference.code"
                    } else {
                        "agency.code"
                    },
                    e,
                );
            }
            let (number, width) = parts.number.value().unwrap_or_else(|e| {
                p.push("reference.number", e);
                (1, 0)
            });
            if let Some(y) = parts.year
                && !(2400..=2800).contains(&y)
            {
                p.push(
                    "reference.year",
                    format!("{y} is not a Buddhist-era year (e.g. 2567)"),
                );
            }
            Some(thai::format_reference(
                &thai::ReferenceNumber {
                    code: code.trim().to_string(),
                    circular: parts.circular.unwrap_or(doc.kind == Kind::Circular),
                    number,
                    width,
                    year_be: parts.year,
                },
                digits,
            ))
        }
    };

    if doc.kind == Kind::Standard && doc.reference.is_some() {
        p.push(
            "reference",
            "a standard document carries no reference number (ที่): leave it out",
        );
    }
    reference
}

/// The contact block at the foot: the document's, or for a letter the
/// profile's; none where the kind carries none.
fn contact_lines(doc: &Document, agency: &Agency, p: &mut Problems) -> Vec<Text> {
    let no_contact = matches!(
        doc.kind,
        Kind::Announcement | Kind::Order | Kind::Standard | Kind::Regulation | Kind::Bylaw
    );
    if doc.contact.is_some() && no_contact {
        p.push(
            "contact",
            format!(
                "a{} {} carries no contact block (ส่วนราชการเจ้าของเรื่อง, โทร.): leave it out",
                if matches!(doc.kind, Kind::Announcement | Kind::Order) {
                    "n"
                } else {
                    ""
                },
                doc.kind.name()
            ),
        );
    }
    // The profile's contact is for letters: a memo's owner is in its
    // ส่วนราชการ line, and a release prints an owning unit only when it
    // names one.
    let profile_contact = !matches!(doc.kind, Kind::Memo | Kind::Statement | Kind::News);
    let contact = doc
        .contact
        .clone()
        .or_else(|| profile_contact.then(|| agency.contact.clone()).flatten());
    let mut contact_lines: Vec<Text> = Vec::new();
    if let Some(c) = &contact
        && !no_contact
    {
        for u in &c.unit {
            contact_lines.push(Text::plain(u));
        }
        if let Some(t) = &c.phone {
            contact_lines.push(Text::plain(&format!("โทร. {t}")));
        }
        if let Some(t) = &c.fax {
            contact_lines.push(Text::plain(&format!("โทรสาร {t}")));
        }
        if let Some(t) = &c.email {
            contact_lines.push(Text::plain(&format!("ไปรษณีย์อิเล็กทรอนิกส์ {t}")));
        }
        for l in &c.lines {
            contact_lines.push(Text::plain(l));
        }
    }
    contact_lines
}

/// A circular's บัญชีแนบท้าย: the line naming the letter (its agency,
/// number and date), then the recipients numbered from ๑, a group's heading
/// restarting the count.
fn distribution(
    doc: &Document,
    agency: &Agency,
    reference: Option<&str>,
    date: Option<ThaiDate>,
    p: &mut Problems,
) -> Option<ViewDistribution> {
    let digits = agency.digits;
    let distribution = match &doc.distribution {
        Some(d) if !d.recipients.is_empty() => {
            let ddate = match &d.date {
                Some(s) => match s.trim().parse::<ThaiDate>() {
                    Ok(x) => Some(x),
                    Err(e) => {
                        p.push("distribution.date", e.to_string());
                        None
                    }
                },
                None => date,
            };
            let mut line = format!("หนังสือ{}", agency.name);
            if let Some(r) = reference {
                line.push_str(&format!(" ที่ {r}"));
            }
            if let Some(x) = ddate {
                line.push_str(&format!(
                    " ลงวันที่ {}",
                    thai::format_date(x, DateStyle::Letter, digits)
                ));
            }
            // Numbered from ๑; a group's heading (no label) restarts the count.
            let mut recipients = Vec::new();
            let mut n = 0;
            for (i, r) in d.recipients.iter().enumerate() {
                let at = format!("distribution.recipients[{i}]");
                let (names, at) = match r {
                    crate::model::Recipient::Name(name) => (std::slice::from_ref(name), at),
                    crate::model::Recipient::Group(g) => {
                        check_text(p, &format!("{at}.group"), &g.group, true);
                        if g.recipients.is_empty() {
                            p.push(
                                format!("{at}.recipients"),
                                "must list at least one recipient",
                            );
                        }
                        recipients.push(Labelled {
                            label: String::new(),
                            text: Text::plain(&g.group),
                        });
                        n = 0;
                        (g.recipients.as_slice(), format!("{at}.recipients"))
                    }
                };
                let grouped = matches!(r, crate::model::Recipient::Group(_));
                for (j, name) in names.iter().enumerate() {
                    let field = if grouped {
                        format!("{at}[{j}]")
                    } else {
                        at.clone()
                    };
                    check_text(p, &field, name, true);
                    n += 1;
                    recipients.push(Labelled {
                        label: format!("{}.", thai::number(n, digits)),
                        text: Text::plain(name),
                    });
                }
            }
            Some(ViewDistribution {
                line: Text::plain(&line),
                recipients,
            })
        }
        _ => None,
    };
    if distribution.as_ref().map_or(0, |d| d.recipients.len()) > crate::model::MAX_BLOCKS {
        p.push(
            "distribution.recipients",
            "too many recipients for one list",
        );
    }
    distribution
}

/// The profile's layout within sane bounds: a profile is data too.
fn check_layout(agency: &Agency, p: &mut Problems) {
    let l = &agency.layout;
    for (name, v, lo, hi) in [
        ("agency.layout.date_x_cm", l.date_x_cm, 3.0, 18.0),
        ("agency.layout.address_x_cm", l.address_x_cm, 3.0, 18.0),
        ("agency.layout.signature_x_cm", l.signature_x_cm, 5.0, 17.0),
        ("agency.layout.block_gap_pt", l.block_gap_pt, 0.0, 40.0),
        ("agency.layout.font_size_pt", l.font_size_pt, 8.0, 24.0),
        ("agency.layout.line_pitch_pt", l.line_pitch_pt, 10.0, 40.0),
        ("agency.layout.item_step_cm", l.item_step_cm, 0.0, 3.0),
    ] {
        if !(lo..=hi).contains(&v) || !v.is_finite() {
            p.push(name, format!("{v} is outside {lo}..{hi}"));
        }
    }
    if l.fonts.is_empty() {
        p.push("agency.layout.fonts", "must name at least one font");
    }
}

/// The title lines: the form and the agency (`ประกาศ<agency>`, unless the
/// document names its own title), then the lines each form puts under it.
fn title_lines(
    doc: &Document,
    agency: &Agency,
    reference: Option<&str>,
    date: Option<ThaiDate>,
    issue: Option<String>,
) -> Vec<Text> {
    let digits = agency.digits;
    let subject_line = doc.subject.as_ref().map(|s| format!("เรื่อง {s}"));
    let form_title = || {
        doc.title
            .clone()
            .unwrap_or_else(|| format!("{}{}", doc.kind.thai_name(), agency.name))
    };
    let titled = |under: Vec<Option<String>>| -> Vec<Text> {
        std::iter::once(Some(form_title()))
            .chain(under)
            .flatten()
            .map(|s| Text::plain(&s))
            .collect()
    };
    match doc.kind {
        // An announcement numbered in its agency's book prints its number
        // under the title, as an order does.
        Kind::Announcement | Kind::Order => {
            titled(vec![reference.map(|r| format!("ที่ {r}")), subject_line])
        }
        Kind::Standard => doc
            .title
            .iter()
            .map(|t| Text::plain(t))
            .chain(doc.subject.iter().map(|s| Text::plain(s)))
            .collect(),
        // `ระเบียบ<agency>` / `ว่าด้วย...` / `พ.ศ. ...` (the year it is made).
        Kind::Regulation | Kind::Bylaw => titled(vec![
            doc.subject.as_deref().map(str::trim).map(|s| {
                if s.starts_with("ว่าด้วย") {
                    s.to_string()
                } else {
                    format!("ว่าด้วย{s}")
                }
            }),
            date.map(|d| {
                format!(
                    "พ.ศ. {}",
                    thai::number(thai::buddhist_year(d.year) as i64, digits)
                )
            }),
        ]),
        // `รายงานการประชุม<body>` / `ครั้งที่ ...` / `เมื่อ<date>` / `ณ <place>`.
        Kind::Minutes => {
            let m = doc.meeting.as_ref();
            titled(vec![
                // `๓/๒๕๖๘` is a number; `สมัยสามัญ สมัยที่ ๓ ครั้งที่ ๑/๒๕๖๘` says it all.
                m.and_then(|m| m.number.as_deref()).map(|n| {
                    let n = thai::apply_digits(n.trim(), digits);
                    if n.starts_with(|c: char| c.is_ascii_digit() || ('๐'..='๙').contains(&c)) {
                        format!("ครั้งที่ {n}")
                    } else {
                        n
                    }
                }),
                date.map(|d| {
                    let weekday = m
                        .filter(|m| m.weekday)
                        .and_then(|_| d.weekday())
                        .unwrap_or_default();
                    let style = date_style(doc.kind, doc.date_era);
                    format!("เมื่อวัน{weekday}ที่ {}", thai::format_date(d, style, digits))
                }),
                m.and_then(|m| m.place.as_deref())
                    .map(|pl| format!("ณ {}", pl.trim())),
            ])
        }
        // `แถลงการณ์<agency>` / `เรื่อง ...` / `ฉบับที่ ...`.
        Kind::Statement | Kind::News => {
            titled(vec![subject_line, issue.map(|n| format!("ฉบับที่ {n}"))])
        }
        // A heading many agencies print over the certifying text.
        Kind::Certificate => doc.title.iter().map(|t| Text::plain(t)).collect(),
        _ => Vec::new(),
    }
}

/// [`prepare`] without the line-break chunks (every text plain): all a check
/// needs, at a fraction of the cost.
pub fn prepare_unchunked(
    doc: &Document,
    agency: &Agency,
    reference_override: Option<&str>,
) -> Result<Prepared, Problems> {
    let mut p = Problems::default();
    let digits = agency.digits;
    let mut assets: Vec<(&'static str, Vec<u8>)> = Vec::new();

    check_text(&mut p, "agency.name", &agency.name, true);

    // Which fields each kind needs.
    check_subject_and_title(doc, &mut p);
    let has_distribution = doc
        .distribution
        .as_ref()
        .is_some_and(|d| !d.recipients.is_empty());
    let (salutation, addressee) = match doc.addressee() {
        Ok(a) => a,
        Err(e) => {
            p.push("to", e);
            (Salutation::Rian, doc.to.as_deref())
        }
    };
    match (addressee, doc.kind) {
        (Some(t), _) => check_text(&mut p, "to", t, true),
        (None, Kind::External | Kind::Memo) => p.push("to", "is required: the addressee (เรียน)"),
        (None, Kind::Stamped) => p.push("to", "is required: the addressees (ถึง)"),
        (None, Kind::Circular) if !has_distribution => p.push(
            "to",
            "is required unless distribution.recipients lists the addressees",
        ),
        _ => {}
    }
    check_signed(doc, &mut p);
    check_kind_only(doc, &mut p);
    let issue = issue_text(doc, digits, &mut p);
    if let Some(i) = &doc.initials {
        check_text(&mut p, "initials", i, true);
    }

    let date = document_date(doc, &mut p);
    let date_text = date.map(|d| thai::format_date(d, date_style(doc.kind, doc.date_era), digits));

    // Every image of the document at its fixed virtual path: a broken one
    // is a problem at its field.
    let mut image_at =
        |field: &str, uri: &str, paths: &[&'static str; 3], p: &mut Problems| match decode_image(
            uri, paths,
        ) {
            Ok((path, bytes)) => {
                assets.push((path, bytes));
                Some(path.to_string())
            }
            Err(e) => {
                p.push(field, e);
                None
            }
        };
    // Signature images: 0 the signatory's, 1 the second's, 2.. the minutes'.
    let mut signature_image = |field: String, uri: &Option<String>, n: usize, p: &mut Problems| {
        image_at(&field, uri.as_deref()?, signature_paths(n), p)
    };
    let endorsements = doc
        .endorsements
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let at = format!("endorsements[{i}]");
            if e.text.is_empty() && e.options.is_empty() && e.fill_lines == 0 {
                p.push(
                    format!("{at}.text"),
                    "must have at least one line (อนุมัติ, ทราบ ...), or give options or fill_lines",
                );
            }
            if e.fill_lines > 10 {
                p.push(format!("{at}.fill_lines"), "at most 10 lines");
            }
            if let Some(h) = &e.heading {
                check_text(&mut p, &format!("{at}.heading"), h, true);
            }
            for (j, o) in e.options.iter().enumerate() {
                check_text(&mut p, &format!("{at}.options[{j}].text"), &o.text, true);
            }
            for (j, t) in e.text.iter().enumerate() {
                check_text(&mut p, &format!("{at}.text[{j}]"), t, true);
            }
            check_text(&mut p, &format!("{at}.name"), &e.name, true);
            check_positions(&mut p, &at, &e.positions);
            let date = e
                .date
                .as_deref()
                .and_then(|s| match s.trim().parse::<ThaiDate>() {
                    Ok(d) => Some(thai::format_date(d, DateStyle::Letter, digits)),
                    Err(err) => {
                        p.push(format!("{at}.date"), err.to_string());
                        None
                    }
                });
            ViewEndorsement {
                heading: e.heading.as_deref().map(Text::plain),
                options: e
                    .options
                    .iter()
                    .map(|o| ViewChoice {
                        text: Text::plain(&o.text),
                        checked: o.checked,
                    })
                    .collect(),
                text: e.text.iter().map(|t| Text::plain(t)).collect(),
                fill_lines: e.fill_lines.min(10),
                name: bare_name(&e.name),
                positions: e.positions.iter().map(|t| Text::plain(t)).collect(),
                image: signature_image(
                    format!("{at}.signature_image"),
                    &e.signature_image,
                    i + 2,
                    &mut p,
                ),
                date_line: date.is_none() && e.date_line,
                date,
                align: match e.align.unwrap_or(MinuteAlign::Signature) {
                    MinuteAlign::Signature => "signature",
                    MinuteAlign::Center => "center",
                    MinuteAlign::Left => "left",
                },
            }
        })
        .collect();
    // A signer's block: positions and image checked (the name where the
    // caller wants it: an unsigned form has none), slot `n` for the image.
    let mut signer = |field: &str, s: &Signatory, n: usize, p: &mut Problems| {
        check_positions(p, field, &s.positions);
        ViewSignatory {
            name: bare_name(&s.name),
            positions: s.positions.iter().map(|t| Text::plain(t)).collect(),
            image: signature_image(format!("{field}.signature_image"), &s.signature_image, n, p),
        }
    };
    let signatory = signer("signatory", &doc.signatory, 0, &mut p);
    let second_signatory = doc.second_signatory.as_ref().map(|s| {
        check_text(&mut p, "second_signatory.name", &s.name, true);
        signer("second_signatory", s, 1, &mut p)
    });

    let reference = reference_text(doc, agency, reference_override, &mut p);

    // Emblem and signature images.
    let emblem = agency
        .emblem
        .as_deref()
        .and_then(|uri| image_at("agency.emblem", uri, &EMBLEM_PATHS, &mut p))
        .unwrap_or_else(|| GARUDA_PATH.to_string());
    let emblem_alt = if emblem == GARUDA_PATH {
        "ตราครุฑ".to_string()
    } else {
        format!("ตรา{}", agency.name)
    };
    // A stamped letter's seal and a certificate's photograph.
    let seal = match (&agency.seal, doc.kind) {
        (Some(uri), Kind::Stamped) => image_at("agency.seal", uri, &SEAL_PATHS, &mut p),
        _ => None,
    };
    let photo = doc.photo.as_ref().and_then(|ph| {
        if let Some(n) = &ph.name {
            check_text(&mut p, "photo.name", n, true);
        }
        Some(ViewPhoto {
            image: image_at("photo.image", &ph.image, &PHOTO_PATHS, &mut p)?,
            name: ph.name.as_deref().map(bare_name),
        })
    });

    let title_lines = title_lines(doc, agency, reference.as_deref(), date, issue);

    // Body.
    if doc.body.is_empty() {
        p.push("body", "is empty: a letter needs at least one paragraph");
    }
    let mut body = Vec::new();
    let mut count = 0usize;
    // Chapters are numbered through the body, and so are clauses: the
    // clauses of a regulation run on from chapter to chapter (`ข้อ ๗` opens
    // หมวด ๒ after `ข้อ ๖`).
    let mut chapters = 0u32;
    let mut clauses = 0u32;
    let opening = opening_clauses(doc, &title_lines, digits, &mut p);
    // Clauses 1 and 2 stand before the body's first clause or chapter (after
    // the preamble).
    let first_clause = doc
        .body
        .iter()
        .position(|b| {
            matches!(
                b,
                Block::Typed(TypedBlock::Chapter { .. })
                    | Block::Typed(TypedBlock::List {
                        style: Some(ListStyle::Clause),
                        ..
                    })
            )
        })
        .unwrap_or(doc.body.len());
    // One step past the last block, for clauses 1 and 2 of a body with no
    // clause of its own (a preamble alone).
    for i in 0..=doc.body.len() {
        if i == first_clause
            && let Some(items) = &opening
        {
            let list = ListParts {
                style: ListStyle::Clause,
                start: None,
                digits,
                items,
            };
            clauses = flatten_list(&list, 1, "effective", 1, &mut body, &mut p);
        }
        let Some(b) = doc.body.get(i) else { break };
        let at = format!("body[{i}]");
        match b {
            Block::Typed(TypedBlock::Chapter {
                title,
                number,
                numbered,
            }) => {
                if *number == Some(0) {
                    p.push(format!("{at}.number"), "must be 1 or more");
                }
                if number.is_some() && !numbered {
                    p.push(
                        format!("{at}.number"),
                        "an unnumbered chapter (numbered: false) takes no number",
                    );
                }
                check_text(&mut p, &format!("{at}.title"), title, true);
                let mut heading = vec![title.clone()];
                if *numbered {
                    chapters = number.unwrap_or(chapters + 1);
                    heading.insert(0, format!("หมวด {}", thai::number(chapters as i64, digits)));
                }
                for text in heading {
                    body.push(ViewBlock::Heading {
                        text: Text::plain(&text),
                        align: "center",
                    });
                }
            }
            Block::Typed(TypedBlock::List {
                style: Some(ListStyle::Clause),
                start,
                digits: list_digits,
                items,
            }) => {
                let list = ListParts {
                    style: ListStyle::Clause,
                    start: *start,
                    digits: list_digits.unwrap_or(digits),
                    items,
                };
                clauses = flatten_list(&list, clauses + 1, &at, 1, &mut body, &mut p);
            }
            b => flatten_block(b, "", &at, digits, 1, &mut body, &mut p),
        }
    }
    count += body.len();
    if let (Kind::Minutes, Some(m)) = (doc.kind, &doc.meeting) {
        let (opening, closing) = meeting_blocks(m, digits, &mut p);
        body.splice(0..0, opening);
        body.extend(closing);
    }
    set_ancestors(&mut body);
    if count > crate::model::MAX_BLOCKS {
        p.push(
            "body",
            format!(
                "{count} blocks, items and rows; at most {} fit one document",
                crate::model::MAX_BLOCKS
            ),
        );
    }

    let numbered = |field: &str, list: &[String], p: &mut Problems| -> Vec<Labelled> {
        list.iter()
            .enumerate()
            .map(|(i, t)| {
                check_text(p, &format!("{field}[{i}]"), t, true);
                Labelled {
                    label: if list.len() > 1 {
                        format!("{}.", thai::number(i as i64 + 1, digits))
                    } else {
                        String::new()
                    },
                    text: Text::plain(t),
                }
            })
            .collect()
    };
    let refer_to = numbered("refer_to", &doc.refer_to, &mut p);
    let enclosures = numbered("enclosures", &doc.enclosures, &mut p);

    let contact_lines = contact_lines(doc, agency, &mut p);

    let distribution = distribution(doc, agency, reference.as_deref(), date, &mut p);

    let to = match (addressee, doc.kind) {
        (Some(t), _) => Some(Text::plain(t)),
        (None, _) if distribution.is_some() => Some(Text::plain("(ตามบัญชีแนบท้าย)")),
        _ => None,
    };
    let closing = match doc.kind {
        Kind::External | Kind::Circular => Some(
            doc.closing
                .clone()
                .unwrap_or_else(|| salutation.closing().to_string()),
        ),
        // Elsewhere the closing formula (`จึงประกาศให้ทราบโดยทั่วกัน`,
        // `ทั้งนี้ ตั้งแต่บัดนี้เป็นต้นไป`) is the body's last paragraph.
        _ => {
            if let Some(c) = &doc.closing {
                body.push(ViewBlock::Par {
                    text: Text::plain(c),
                    indent: true,
                    justify_last: false,
                    under: None,
                });
            }
            None
        }
    };
    if let Some(c) = &doc.closing {
        check_text(&mut p, "closing", c, true);
    }
    for (i, c) in doc.copies_to.iter().enumerate() {
        check_text(&mut p, &format!("copies_to[{i}]"), c, true);
    }

    check_layout(agency, &mut p);

    let doc_title = match (&doc.subject, &doc.title) {
        (Some(s), _) => s.clone(),
        (None, Some(t)) => t.clone(),
        _ => doc.kind.thai_name().to_string(),
    };

    let view = View {
        kind: doc.kind.name(),
        doc_title,
        doc_author: agency.name.clone(),
        doc_date: date.and_then(|d| Some([d.year, i32::from(d.month), i32::from(d.day?)])),
        pdf_standard: agency.pdf_standard,
        signer: agency.signer.clone(),
        layout: Layout {
            // A release's owning unit and telephone follow its end, as
            // ministries print them, not the foot of the page.
            contact_at_foot: agency.layout.contact_at_foot
                && !matches!(doc.kind, Kind::Statement | Kind::News),
            ..agency.layout.clone()
        },
        font_scale: 1.0,
        digits,
        emblem,
        emblem_alt,
        urgency: doc.urgency.map(|u| u.mark().to_string()),
        deadline: doc.deadline.clone(),
        secrecy: doc.secrecy.map(|s| s.mark().to_string()),
        reference,
        agency_name: agency.name.clone(),
        address: agency
            .address
            .iter()
            .map(|a| Text::plain(&keep_postcode(a)))
            .collect(),
        date: date_text,
        department: Some(Text::plain(
            doc.department.as_deref().unwrap_or(&agency.name),
        )),
        subject: doc.subject.as_deref().map(Text::plain),
        title_lines,
        salutation: salutation.word(),
        to,
        refer_to,
        enclosures,
        body,
        closing,
        signatory,
        second_signatory,
        seal,
        initials: doc.initials.as_deref().map(|i| i.trim().to_string()),
        photo,
        signatures: match doc.signatures {
            SignatureLayout::SideBySide => "side_by_side",
            SignatureLayout::Stacked => "stacked",
        },
        contact: contact_lines,
        copies_to: doc.copies_to.clone(),
        distribution,
        endorsements,
        keep_from: None,
        typesetting: Typesetting::Careful.name(),
    };
    let mut view = view;
    if agency.thai_digits_in_text {
        thai_digits_everywhere(&mut view);
    }
    let mut extra_words = Dictionary::default();
    extra_words.extend(agency.words.iter().map(String::as_str));
    p.into_result(Prepared {
        view,
        template: doc.kind.template(),
        assets,
        extra_words,
    })
}

/// Every typed text of the view with its Arabic digits as Thai digits (see
/// [`crate::text::thai_digits_in_words`]).
fn thai_digits_everywhere(view: &mut View) {
    let thai = |s: &str| crate::text::thai_digits_in_words(s);
    for_each_text(view, &mut |t| t.map_text(&thai));
    for line in &mut view.copies_to {
        *line = thai(line);
    }
    for s in [&mut view.reference, &mut view.deadline]
        .into_iter()
        .flatten()
    {
        *s = thai(s);
    }
    fn cells(v: &mut serde_json::Value, f: &dyn Fn(&str) -> String) {
        match v {
            serde_json::Value::String(s) => *s = f(s),
            serde_json::Value::Array(a) => a.iter_mut().for_each(|x| cells(x, f)),
            serde_json::Value::Object(o) => o.values_mut().for_each(|x| cells(x, f)),
            _ => {}
        }
    }
    for b in &mut view.body {
        if let ViewBlock::Table {
            rows,
            header_text,
            headers,
            ..
        } = b
        {
            rows.iter_mut().flatten().for_each(|c| cells(c, &thai));
            header_text.iter_mut().for_each(|h| h.map_text(&thai));
            headers.iter_mut().for_each(|h| *h = thai(h));
        }
    }
}

/// An address line whose last word is a postcode (`จังหวัดเชียงใหม่ ๕๐๒๐๐`) keeps
/// it on the line of the word before, by a no-break space.
fn keep_postcode(line: &str) -> String {
    let t = line.trim_end();
    let code_start = t
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_digit() || ('๐'..='๙').contains(c))
        .last()
        .map(|(i, _)| i);
    match code_start {
        Some(i) if t[i..].chars().count() == 5 && t[..i].ends_with(' ') => {
            format!("{}\u{a0}{}", t[..i].trim_end(), &t[i..])
        }
        _ => line.to_string(),
    }
}

/// Records a problem when a text field is empty (where required), too long, or
/// holds control characters.
fn check_text(p: &mut Problems, field: &str, text: &str, required: bool) {
    if required && text.trim().is_empty() {
        p.push(field, "must not be empty");
    }
    let n = text.chars().count();
    if n > crate::model::MAX_TEXT_CHARS {
        p.push(
            field,
            format!(
                "is {n} characters long; at most {} are accepted",
                crate::model::MAX_TEXT_CHARS
            ),
        );
    }
    if let Some(c) = text
        .chars()
        .find(|c| c.is_control() && *c != '\n' && *c != '\t')
    {
        p.push(
            field,
            format!("contains the control character U+{:04X}", c as u32),
        );
    }
}

/// Clauses 1 and 2 of a regulation or bylaw, written from its title and
/// `effective` as the Regulation's form words them: `ระเบียบนี้เรียกว่า
/// “<title lines>”` and `ระเบียบนี้ให้ใช้บังคับ<when>`. A date prints as
/// `ตั้งแต่วันที่ ๑ ตุลาคม พ.ศ. ๒๕๖๘ เป็นต้นไป`; words stand as typed.
fn opening_clauses(
    doc: &Document,
    title_lines: &[Text],
    digits: DigitStyle,
    p: &mut Problems,
) -> Option<Vec<Item>> {
    let when = doc.effective.as_deref()?.trim();
    let form = doc.kind.thai_name();
    check_text(p, "effective", when, true);
    let when = match when.parse::<ThaiDate>() {
        Ok(d) if d.day.is_some() => format!(
            "ตั้งแต่วันที่ {} เป็นต้นไป",
            thai::format_date(d, DateStyle::Formal, digits)
        ),
        Ok(_) => {
            p.push(
                "effective",
                "a regulation takes effect on a day: give the day too (2568-10-01)",
            );
            return None;
        }
        Err(_) => thai::apply_digits(when, digits),
    };
    let name = title_lines
        .iter()
        .map(|t| t.flat().trim().to_string())
        .collect::<Vec<_>>()
        .join(" ");
    Some(vec![
        Item::Text(format!("{form}นี้เรียกว่า “{name}”")),
        Item::Text(format!("{form}นี้ให้ใช้บังคับ{when}")),
    ])
}

/// The blocks a meeting's minutes open with (who came, who did not, who
/// attended; when it began) and end with (when it ended).
fn meeting_blocks(
    m: &Meeting,
    digits: DigitStyle,
    p: &mut Problems,
) -> (Vec<ViewBlock>, Vec<ViewBlock>) {
    let mut opening = Vec::new();
    let headings = m.headings.clone().unwrap_or_default();
    // (field, heading, list, whether one alone takes a dash for a number)
    let mut lists: Vec<(String, String, &[Attendee], bool)> = Vec::new();
    for (key, title, own, list) in [
        ("present", "ผู้มาประชุม", &headings.present, &m.present),
        ("absent", "ผู้ไม่มาประชุม", &headings.absent, &m.absent),
        (
            "attending",
            "ผู้เข้าร่วมประชุม",
            &headings.attending,
            &m.attending,
        ),
    ] {
        // A heading of the body's own wording, where it gives one.
        let own = own.as_deref().map(str::trim);
        if let Some(own) = own {
            check_text(p, &format!("meeting.headings.{key}"), own, true);
        }
        let heading = own.filter(|t| !t.is_empty()).unwrap_or(title);
        lists.push((format!("meeting.{key}"), heading.to_string(), list, false));
    }
    for (g, group) in m.groups.iter().enumerate() {
        let field = format!("meeting.groups[{g}]");
        check_text(p, &format!("{field}.heading"), &group.heading, true);
        if group.members.is_empty() {
            p.push(format!("{field}.members"), "must name at least one person");
        }
        lists.push((
            format!("{field}.members"),
            group.heading.trim().to_string(),
            &group.members,
            true,
        ));
    }
    for (field, heading, list, lone_dash) in lists {
        if list.is_empty() {
            continue;
        }
        opening.push(ViewBlock::Heading {
            text: Text::plain(&heading),
            align: "left",
        });
        let rows = list
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let at = format!("{field}[{i}]");
                check_text(p, &format!("{at}.name"), &a.name, true);
                let text = |t: &Option<String>, f: &str, p: &mut Problems| {
                    let t = t.as_deref().map(str::trim).filter(|t| !t.is_empty())?;
                    check_text(p, &format!("{at}.{f}"), t, false);
                    Some(Text::plain(t))
                };
                let label = if lone_dash && list.len() == 1 {
                    "-".to_string()
                } else {
                    format!("{}.", thai::number(i as i64 + 1, digits))
                };
                ViewMember {
                    label,
                    name: Some(Text::plain(&a.name)),
                    position: text(&a.position, "position", p),
                    role: text(&a.note, "note", p),
                }
            })
            .collect();
        opening.push(ViewBlock::Members {
            rows,
            level: 1,
            names: true,
            halves: true,
        });
    }
    // `น.` after the time, unless it ends in its own word (`นาฬิกา`).
    let time = |label: &str, t: &Option<String>| {
        t.as_deref().map(|t| {
            let t = thai::apply_digits(t.trim(), digits);
            let t = if t.ends_with("นาฬิกา") {
                t
            } else {
                format!("{} น.", t.trim_end_matches("น.").trim())
            };
            ViewBlock::Par {
                text: Text::plain(&format!("{label} {t}")),
                indent: false,
                justify_last: false,
                under: None,
            }
        })
    };
    opening.extend(time("เริ่มประชุมเวลา", &m.start));
    let closing = time("เลิกประชุมเวลา", &m.end).into_iter().collect();
    (opening, closing)
}

/// Most position lines under one signature: a signature block is a few
/// lines, and thousands would run off the page's foot unseen.
const MAX_POSITIONS: usize = 12;

/// A signer's position lines at `field.positions`: each a text, and no more
/// than [`MAX_POSITIONS`] of them.
fn check_positions(p: &mut Problems, field: &str, positions: &[String]) {
    for (i, l) in positions.iter().enumerate() {
        check_text(p, &format!("{field}.positions[{i}]"), l, true);
    }
    if positions.len() > MAX_POSITIONS {
        p.push(
            format!("{field}.positions"),
            format!(
                "{} lines; a signature takes at most {MAX_POSITIONS}",
                positions.len()
            ),
        );
    }
}

/// A signer's name as the template prints it, in parentheses: a name typed
/// with its own is not bracketed twice.
fn bare_name(name: &str) -> String {
    let name = name.trim();
    name.strip_prefix('(')
        .and_then(|n| n.strip_suffix(')'))
        .map_or(name, str::trim)
        .to_string()
}

/// Gives every list item the numbers of the items it stands under: the
/// nearest item before it of each lower level.
fn set_ancestors(body: &mut [ViewBlock]) {
    let mut stack: Vec<(u32, String)> = Vec::new();
    for b in body {
        if let ViewBlock::Item {
            label,
            level,
            ancestors,
            ..
        } = b
        {
            stack.retain(|(l, _)| l < level);
            *ancestors = stack.iter().map(|(_, a)| a.clone()).collect();
            stack.push((*level, label.clone()));
        }
    }
}

/// A text with emphasis, checked as a whole (`field`) and run by run
/// (`field[i]`): no run is empty.
fn inline_text(p: &mut Problems, field: &str, inline: &Inline) -> Text {
    if let Inline::Runs(runs) = inline {
        if runs.is_empty() {
            p.push(field, "must have at least one run");
        }
        for (i, r) in runs.iter().enumerate() {
            let (at, text) = match r {
                Run::Plain(t) => (format!("{field}[{i}]"), t),
                Run::Styled(r) => (format!("{field}[{i}].text"), &r.text),
            };
            if text.is_empty() {
                p.push(at, "must not be empty");
            }
        }
    }
    check_text(p, field, &inline.flat(), true);
    Text::from_runs(inline.runs())
}

/// `parent` is the decimal number of the list item the block stands under
/// (`๑`), or empty at the top of the body.
fn flatten_block(
    b: &Block,
    parent: &str,
    path: &str,
    digits: DigitStyle,
    level: u32,
    out: &mut Vec<ViewBlock>,
    p: &mut Problems,
) {
    match b {
        Block::Text(t) => {
            check_text(p, path, t, true);
            out.push(ViewBlock::Par {
                text: Text::plain(t),
                indent: true,
                justify_last: false,
                under: None,
            });
        }
        Block::Runs(runs) => {
            out.push(ViewBlock::Par {
                text: inline_text(p, path, &Inline::Runs(runs.clone())),
                indent: true,
                justify_last: false,
                under: None,
            });
        }
        Block::Typed(TypedBlock::Paragraph { text, indent }) => {
            out.push(ViewBlock::Par {
                text: inline_text(p, &format!("{path}.text"), text),
                indent: indent.unwrap_or(true),
                justify_last: false,
                under: None,
            });
        }
        Block::Typed(TypedBlock::Heading { text, align }) => {
            check_text(p, &format!("{path}.text"), text, true);
            out.push(ViewBlock::Heading {
                text: Text::plain(text),
                align: match align.unwrap_or(HeadingAlign::Indent) {
                    HeadingAlign::Left => "left",
                    HeadingAlign::Indent => "indent",
                    HeadingAlign::Center => "center",
                },
            });
        }
        Block::Typed(TypedBlock::List {
            style,
            start,
            digits: list_digits,
            items,
        }) => {
            let list = ListParts {
                style: style.unwrap_or(ListStyle::Decimal),
                start: *start,
                digits: list_digits.unwrap_or(digits),
                items,
            };
            flatten_list(&list, 1, path, level, out, p);
        }
        Block::Typed(TypedBlock::Speech { speaker, text }) => {
            check_text(p, &format!("{path}.speaker"), speaker, true);
            out.push(ViewBlock::Speech {
                speaker: Text::plain(speaker),
                text: inline_text(p, &format!("{path}.text"), text),
            });
        }
        Block::Typed(TypedBlock::Chapter { .. }) => {
            p.push(
                path,
                "a chapter (หมวด) stands at the top of the body, not inside an item",
            );
        }
        Block::Typed(TypedBlock::Leaders { text, value }) => {
            check_text(p, &format!("{path}.text"), text, true);
            check_text(p, &format!("{path}.value"), value, true);
            out.push(ViewBlock::Leaders {
                text: Text::plain(text),
                value: Text::plain(value),
                level,
            });
        }
        Block::Typed(TypedBlock::Activities(t)) => {
            out.push(activity_table(t, path, digits, p));
        }
        Block::Typed(TypedBlock::Table(t)) => out.push(general_table(t, path, p)),
        Block::Typed(TypedBlock::Members { start, members }) => {
            check_start(*start, path, p);
            out.push(members_block(
                members,
                start.unwrap_or(1),
                parent,
                path,
                digits,
                level,
                p,
            ));
        }
    }
}

/// A committee; under a numbered item (`parent` `๑`) its members are numbered
/// as that item's sub-items (`๑.๑`, `๑.๒`), at the top level `๑.`, `๒.`.
fn members_block(
    members: &[crate::model::Member],
    start: u32,
    parent: &str,
    path: &str,
    digits: DigitStyle,
    level: u32,
    p: &mut Problems,
) -> ViewBlock {
    if members.is_empty() {
        p.push(format!("{path}.members"), "must list at least one member");
    }
    let mut text = |field: String, t: &Option<String>| {
        let t = t.as_deref().map(str::trim).filter(|t| !t.is_empty())?;
        check_text(p, &field, t, false);
        Some(Text::plain(t))
    };
    let rows: Vec<ViewMember> = members
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let at = format!("{path}.members[{i}]");
            ViewMember {
                label: match thai::number(start as i64 + i as i64, digits) {
                    n if parent.is_empty() => format!("{n}."),
                    n => format!("{parent}.{n}"),
                },
                name: text(format!("{at}.name"), &m.name),
                position: text(format!("{at}.position"), &m.position),
                role: text(format!("{at}.role"), &m.role),
            }
        })
        .collect();
    for (i, r) in rows.iter().enumerate() {
        if r.name.is_none() && r.position.is_none() {
            p.push(
                format!("{path}.members[{i}]"),
                "needs a name or a position (or both)",
            );
        }
    }
    ViewBlock::Members {
        names: rows.iter().any(|r| r.name.is_some()),
        halves: false,
        rows,
        level,
    }
}

/// A list's parts, its defaults applied.
struct ListParts<'a> {
    style: ListStyle,
    start: Option<u32>,
    digits: DigitStyle,
    items: &'a [Item],
}

/// A list's or members block's first number: 1 to [`crate::model::MAX_START`].
fn check_start(start: Option<u32>, path: &str, p: &mut Problems) {
    match start {
        Some(0) => p.push(format!("{path}.start"), "must be 1 or more"),
        Some(n) if n > crate::model::MAX_START => p.push(
            format!("{path}.start"),
            format!("must be at most {}", crate::model::MAX_START),
        ),
        _ => {}
    }
}

/// A top-level or nested list: checks its start and items and flattens
/// them, numbered from `start` or else from `from`. Returns the last number
/// it counted (`from - 1` when none), where a continued count goes on.
fn flatten_list(
    list: &ListParts,
    from: u32,
    path: &str,
    level: u32,
    out: &mut Vec<ViewBlock>,
    p: &mut Problems,
) -> u32 {
    if list.items.is_empty() {
        p.push(format!("{path}.items"), "must list at least one item");
    }
    check_start(list.start, path, p);
    let start = list.start.unwrap_or(from);
    let counted = flatten_items(
        list.items,
        list.style,
        start,
        "",
        &format!("{path}.items"),
        list.digits,
        level,
        out,
        p,
    );
    (start + counted).saturating_sub(1)
}

#[allow(clippy::too_many_arguments)]
fn flatten_items(
    items: &[Item],
    style: ListStyle,
    start: u32,
    parent: &str,
    path: &str,
    digits: DigitStyle,
    level: u32,
    out: &mut Vec<ViewBlock>,
    p: &mut Problems,
) -> u32 {
    if level > 6 {
        p.push(path, "lists nest at most six levels deep");
        return 0;
    }
    // An item numbered by its author (`ข้อ ๓/๑`) takes no number of the
    // count: the one after it is `ข้อ ๔`.
    let mut counted = 0u32;
    for (i, item) in items.iter().enumerate() {
        let (label, own) = match item {
            Item::Full(FullItem {
                label: Some(typed), ..
            }) => {
                check_text(p, &format!("{path}[{i}].label"), typed, true);
                // Its decimal sub-items carry its number without the dot.
                let typed = typed.trim().to_string();
                let own = typed
                    .trim_start_matches("ข้อ ")
                    .trim_end_matches(['.', ')'])
                    .to_string();
                (typed, own)
            }
            _ => {
                counted += 1;
                thai::counter_label(style, start.saturating_add(counted - 1), parent, digits)
            }
        };
        let ipath = format!("{path}[{i}]");
        match item {
            Item::Text(t) => {
                check_text(p, &ipath, t, true);
                out.push(ViewBlock::Item {
                    label,
                    text: Text::plain(t),
                    level,
                    ancestors: Vec::new(),
                    bold: false,
                    justify_last: false,
                });
            }
            Item::Full(f) => {
                out.push(ViewBlock::Item {
                    label,
                    text: inline_text(p, &format!("{ipath}.text"), &f.text),
                    level,
                    ancestors: Vec::new(),
                    bold: f.bold,
                    justify_last: false,
                });
                for (j, b) in f.blocks.iter().enumerate() {
                    flatten_block(
                        b,
                        &own,
                        &format!("{ipath}.blocks[{j}]"),
                        digits,
                        level + 1,
                        out,
                        p,
                    );
                }
                if !f.items.is_empty() {
                    flatten_items(
                        &f.items,
                        f.style.unwrap_or(style.nested()),
                        1,
                        &own,
                        &format!("{ipath}.items"),
                        f.digits.unwrap_or(digits),
                        level + 1,
                        out,
                        p,
                    );
                }
                for (j, b) in f.after.iter().enumerate() {
                    flatten_block(
                        b,
                        &own,
                        &format!("{ipath}.after[{j}]"),
                        digits,
                        level + 1,
                        out,
                        p,
                    );
                }
            }
        }
    }
    counted
}

const ACTIVITY_HEADERS: [&str; 5] = [
    "โครงการ/กิจกรรม",
    "ตัวชี้วัด",
    "งบประมาณ (บาท)",
    "ระยะเวลา",
    "ผู้รับผิดชอบ",
];

fn activity_table(
    t: &ActivityTable,
    path: &str,
    digits: DigitStyle,
    p: &mut Problems,
) -> ViewBlock {
    let headers: Vec<String> = match &t.headers {
        Some(h) if h.len() == 5 => h.clone(),
        Some(h) => {
            p.push(
                format!("{path}.headers"),
                format!("an activity table has 5 columns; {} labels given", h.len()),
            );
            ACTIVITY_HEADERS.iter().map(|s| s.to_string()).collect()
        }
        None => ACTIVITY_HEADERS.iter().map(|s| s.to_string()).collect(),
    };
    if t.rows.is_empty() {
        p.push(format!("{path}.rows"), "must list at least one activity");
    }
    let mut total = thai::Baht { satang: 0 };
    let indicators = t.indicator_style.unwrap_or(ListStyle::Paren);
    let rows = t
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            activity_row(
                r,
                &format!("{path}.rows[{i}]"),
                indicators,
                digits,
                &mut total,
                p,
            )
        })
        .collect::<Vec<_>>();
    let mut rows = rows;
    if t.total {
        rows.push(vec![
            serde_json::json!({"strong": "รวม"}),
            serde_json::json!(""),
            serde_json::json!({"strong": thai::format_amount(total, digits)}),
            serde_json::json!(""),
            serde_json::json!(""),
        ]);
    }
    ViewBlock::Table {
        header_text: headers.iter().map(|h| Text::plain(h)).collect(),
        headers,
        rows,
        align: vec!["left", "left", "right", "center", "left"],
        widths: vec![3.0, 3.1, 2.0, 1.7, 1.9],
        font_size_pt: table_size(t.font_size_pt, path, p),
        spanned: false,
    }
}

fn activity_row(
    r: &ActivityRow,
    path: &str,
    style: ListStyle,
    digits: DigitStyle,
    total: &mut thai::Baht,
    p: &mut Problems,
) -> Vec<serde_json::Value> {
    check_text(p, &format!("{path}.project"), &r.project, true);
    let indicators: serde_json::Value = match r.indicators.len() {
        0 => serde_json::json!(""),
        1 => serde_json::to_value(Text::plain(&r.indicators[0])).unwrap_or_default(),
        _ => serde_json::Value::Array(
            r.indicators
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    let label = thai::counter_label(style, i as u32 + 1, "", digits).0;
                    serde_json::json!({"label": label, "text": Text::plain(t)})
                })
                .collect(),
        ),
    };
    let budget = match &r.budget {
        None => String::new(),
        Some(Amount::Text(t)) if t.trim() == "-" => "-".to_string(),
        Some(a) => match parse_amount(a) {
            Ok(b) => {
                total.satang += b.satang;
                thai::format_amount(b, digits)
            }
            Err(e) => {
                p.push(format!("{path}.budget"), e);
                String::new()
            }
        },
    };
    let cell = |t: &Option<String>| match t {
        Some(s) if !s.trim().is_empty() => serde_json::to_value(Text::plain(s)).unwrap_or_default(),
        _ => serde_json::json!(""),
    };
    vec![
        serde_json::to_value(Text::plain(&r.project)).unwrap_or_default(),
        indicators,
        serde_json::json!(budget),
        cell(&r.period),
        cell(&r.owner),
    ]
}

/// Parses an amount given as a JSON number or a decimal string.
pub fn parse_amount(a: &Amount) -> Result<thai::Baht, String> {
    match a {
        Amount::Number(n) => thai::Baht::from_f64(*n).map_err(|e| e.to_string()),
        Amount::Text(s) => s.parse::<thai::Baht>().map_err(|e| e.to_string()),
    }
}

/// Relative column widths for a table whose data gives none, from how long
/// its columns' cells are, as a word processor's AutoFit sets them: a
/// column of numbers (`ลำดับ`) narrow, a column of sentences wide. A
/// column's weight is its cells' mean length, or a third of its longest
/// where one stands out, between 2 and 60 letters: past a line or so every
/// long column shares alike, and a short one keeps room for a date. (The
/// template still makes every column as wide as its widest unbreakable
/// piece, the header's words included.)
fn content_widths(lengths: &[Vec<usize>]) -> Vec<f64> {
    lengths
        .iter()
        .map(|l| {
            if l.is_empty() {
                return 1.0;
            }
            let mean = l.iter().sum::<usize>() as f64 / l.len() as f64;
            let longest = l.iter().copied().max().unwrap_or(0) as f64;
            mean.max(longest / 3.0).clamp(2.0, 60.0)
        })
        .collect()
}

/// A table's type size: the one asked for, within reason, or 14 pt.
fn table_size(size: Option<f64>, path: &str, p: &mut Problems) -> f64 {
    match size {
        None => 14.0,
        Some(s) if (8.0..=20.0).contains(&s) => s,
        Some(s) => {
            p.push(
                format!("{path}.font_size_pt"),
                format!("{s} is outside 8..20"),
            );
            14.0
        }
    }
}

fn general_table(t: &Table, path: &str, p: &mut Problems) -> ViewBlock {
    let n = t.headers.len();
    if n == 0 {
        p.push(format!("{path}.headers"), "must name at least one column");
    }
    let spanned = t.rows.iter().flatten().any(|c| c.spans() != (1, 1));
    // Which columns of each row the rows above still fill (a cell spanning rows).
    let mut filled: Vec<u32> = vec![0; n];
    let mut rows: Vec<Vec<serde_json::Value>> = Vec::with_capacity(t.rows.len());
    // How long each column's cells are (letters: marks take no width), a
    // cell spanning columns left out: the widths where the data gives none.
    let mut lengths: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, r) in t.rows.iter().enumerate() {
        let at = format!("{path}.rows[{i}]");
        let mut out = Vec::with_capacity(r.len());
        let mut col = 0usize;
        for (j, c) in r.iter().enumerate() {
            while col < n && filled[col] > 0 {
                col += 1;
            }
            let (cs, rs) = c.spans();
            if cs == 0 || rs == 0 {
                p.push(format!("{at}[{j}]"), "spans must be 1 or more");
                continue;
            }
            if rs as usize > t.rows.len() - i {
                p.push(
                    format!("{at}[{j}].rowspan"),
                    format!("spans {rs} rows; only {} are left", t.rows.len() - i),
                );
            }
            let end = col + cs as usize;
            if end > n || (col..end).any(|k| filled[k] > 0) {
                p.push(
                    format!("{at}[{j}]"),
                    format!("does not fit: the row has {n} columns, and cells spanning rows from above fill some"),
                );
                break;
            }
            if cs == 1 {
                let letters = c
                    .text()
                    .chars()
                    .filter(|&ch| !crate::linebreak::is_thai_mark(ch));
                lengths[col].push(letters.count());
            }
            let text = match c {
                Cell::Full(f) if f.bold => serde_json::json!({"strong": f.text.trim()}),
                c => serde_json::to_value(Text::plain(c.text())).unwrap_or_default(),
            };
            out.push(if spanned {
                serde_json::json!({"c": text, "col": col, "cs": cs, "rs": rs})
            } else {
                text
            });
            filled[col..end].fill(rs);
            col = end;
        }
        let missing = filled.iter().filter(|&&f| f == 0).count();
        if missing > 0 {
            p.push(
                &at,
                format!("fills {} of {n} columns; the header has {n}", n - missing),
            );
        }
        // The cells spanning rows go on into the next row.
        for f in filled.iter_mut() {
            *f = f.saturating_sub(1);
        }
        if !spanned {
            // Short rows are padded so the template can index every column.
            out.resize(n, serde_json::json!(""));
        }
        rows.push(out);
    }
    if let Some(total) = &t.total {
        if total.len() != n {
            p.push(
                format!("{path}.total"),
                format!("has {} cells; the header has {n}", total.len()),
            );
        }
        rows.push(
            (0..n)
                .map(|i| {
                    let c = serde_json::json!({"strong": total.get(i).map_or("", |c| c.trim())});
                    if spanned {
                        serde_json::json!({"c": c, "col": i, "cs": 1, "rs": 1})
                    } else {
                        c
                    }
                })
                .collect(),
        );
    }
    if !t.align.is_empty() && t.align.len() != n {
        p.push(
            format!("{path}.align"),
            format!("gives {} alignments for {n} columns", t.align.len()),
        );
    }
    // Relative widths, each at most 10,000 (millimetres and points fit):
    // typst adds them up, and 1e308 twice is no width at all.
    if !t.widths.is_empty()
        && (t.widths.len() != n || t.widths.iter().any(|w| !(*w > 0.0 && *w <= 10_000.0)))
    {
        p.push(
            format!("{path}.widths"),
            format!("needs {n} numbers above 0, at most 10000"),
        );
    }
    ViewBlock::Table {
        headers: t.headers.clone(),
        header_text: t.headers.iter().map(|h| Text::plain(h)).collect(),
        rows,
        align: (0..n)
            .map(|i| match t.align.get(i) {
                Some(CellAlign::Right) => "right",
                Some(CellAlign::Center) => "center",
                _ => "left",
            })
            .collect(),
        widths: if t.widths.len() == n {
            t.widths.clone()
        } else {
            content_widths(&lengths)
        },
        font_size_pt: table_size(t.font_size_pt, path, p),
        spanned,
    }
}

/// Decodes a `data:image/...;base64,` URI to one of the fixed virtual paths.
fn decode_image(uri: &str, paths: &[&'static str; 3]) -> Result<(&'static str, Vec<u8>), String> {
    let rest = uri
        .strip_prefix("data:")
        .ok_or("must be a data URI: data:image/png;base64,...")?;
    let (mime, data) = rest
        .split_once(";base64,")
        .ok_or("must be a base64 data URI: data:image/png;base64,...")?;
    let path = match mime {
        "image/png" => paths[0],
        "image/jpeg" | "image/jpg" => paths[1],
        "image/svg+xml" => paths[2],
        other => return Err(format!("image type '{other}' is not PNG, JPEG or SVG")),
    };
    if data.len() > MAX_IMAGE_BYTES * 4 / 3 + 4 {
        return Err(format!("image larger than {} bytes", MAX_IMAGE_BYTES));
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data.trim())
        .map_err(|e| format!("base64 does not decode: {e}"))?;
    // Checked here so a broken image is the client's error, not a template error.
    let ok = match path {
        p if p.ends_with(".png") => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        p if p.ends_with(".jpg") => bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
        _ => std::str::from_utf8(&bytes).is_ok_and(|s| s.contains("<svg")),
    };
    if !ok {
        return Err(format!("the data is not a {mime} image"));
    }
    // A small file may decode to gigabytes (a PNG of 14,000 × 14,000 pixels
    // compresses to a few hundred kilobytes): its size is read first.
    if !path.ends_with(".svg") {
        let size = imagesize::blob_size(&bytes)
            .map_err(|e| format!("the {mime} image does not decode: {e}"))?;
        if size.width as u64 * size.height as u64 > MAX_IMAGE_PIXELS {
            return Err(format!(
                "the image is {} × {} pixels; at most {} million pixels are taken \
                 (scale it down: 300 dpi is plenty for print)",
                size.width,
                size.height,
                MAX_IMAGE_PIXELS / 1_000_000
            ));
        }
    }
    decodes(path, &bytes).map_err(|e| format!("the {mime} image does not decode: {e}"))?;
    Ok((path, bytes))
}

/// Decodes an image as typst will (memoized there, so the compile finds it
/// again): a broken PNG, an SVG with entity loops or deep nesting is the
/// client's problem at its field, not a failed render.
fn decodes(path: &str, bytes: &[u8]) -> Result<(), String> {
    use typst::foundations::Bytes;
    use typst::visualize::{ExchangeFormat, RasterImage, SvgImage};
    let data = Bytes::new(bytes.to_vec());
    if path.ends_with(".svg") {
        if let Some(href) = linked_href(bytes) {
            return Err(format!(
                "it links to {href}; an image inside an SVG must be embedded as a data: URI"
            ));
        }
        SvgImage::new(data).map(|_| ()).map_err(|e| {
            // typst's LoadError shows its message only through Debug.
            let debug = format!("{e:?}");
            debug
                .split_once("message: \"")
                .and_then(|(_, rest)| rest.rsplit_once('"'))
                .map_or(debug.clone(), |(m, _)| m.to_string())
        })
    } else {
        let format = if path.ends_with(".png") {
            ExchangeFormat::Png
        } else {
            ExchangeFormat::Jpg
        };
        RasterImage::plain(data, format)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// The first link in an SVG to something outside it (not `#id`, not `data:`).
fn linked_href(svg: &[u8]) -> Option<String> {
    static HREF: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#"href\s*=\s*["']\s*([^"']*)"#).expect("a valid pattern")
    });
    let text = String::from_utf8_lossy(svg);
    HREF.captures_iter(&text)
        .map(|c| c[1].to_string())
        .find(|h| !h.starts_with('#') && !h.starts_with("data:"))
}

/// [`chunk_texts`] again for the texts `touched` says a layout pass found
/// loose lines in, with `relax`; every other text keeps its chunks (they would
/// come out the same: a text's chunks depend on its words and `relax` alone),
/// and so do table cells and committee columns, chunked by rules of their own
/// whatever the pass found.
pub fn rechunk_touched(
    view: &mut View,
    words: &Words,
    touched: &dyn Fn(&Text) -> bool,
    relax: &dyn Fn(&str, usize, &str) -> bool,
) {
    // A committee's positions and roles are chunked as their columns want:
    // out of the walk, and back after it.
    let mut columns = Vec::new();
    for b in &mut view.body {
        if let ViewBlock::Members { rows, .. } = b {
            columns.extend(rows.iter_mut().map(|r| (r.position.take(), r.role.take())));
        }
    }
    for_each_text(view, &mut |t| {
        if touched(t) {
            *t = words.rechunk(t, relax);
        }
    });
    let mut columns = columns.into_iter();
    for b in &mut view.body {
        if let ViewBlock::Members { rows, .. } = b {
            for (r, (position, role)) in rows.iter_mut().zip(columns.by_ref()) {
                (r.position, r.role) = (position, role);
            }
        }
    }
}

/// Splits every text of the view into the chunks between which a line may break
/// (see [`crate::linebreak`]); compounds and pairs for which `relax` is true may
/// also break or stretch.
pub fn chunk_texts(view: &mut View, words: &Words, relax: &dyn Fn(&str, usize, &str) -> bool) {
    let mut fix = |t: &mut Text| {
        *t = words.rechunk(t, relax);
    };
    let fix_json = |v: &mut serde_json::Value| {
        let flat = match serde_json::from_value::<TextIn>(v.clone()) {
            Ok(t) => t.flat(),
            Err(_) => return,
        };
        // A table cell is narrow and set ragged: a long compound there may
        // always break between its words rather than run into the next cell.
        let in_cell = |_: &str, _: usize, word: &str| !word.contains(' ');
        *v = serde_json::to_value(words.chunks(&flat, &in_cell)).unwrap_or_default();
    };
    for_each_text(view, &mut fix);
    // A committee's positions and roles stand in narrow columns, set ragged:
    // a long compound there may break between its words, as in a table cell
    // (`ผู้อำนวยการสำนักงานเขต | พื้นที่การศึกษา`, not `ผู้อำนวยการ` alone).
    let in_column = |_: &str, _: usize, word: &str| !word.contains(' ');
    for b in &mut view.body {
        if let ViewBlock::Members { rows, .. } = b {
            for t in rows
                .iter_mut()
                .flat_map(|r| [&mut r.position, &mut r.role])
                .flatten()
            {
                *t = words.rechunk(t, &in_column);
            }
        }
    }
    for b in &mut view.body {
        let ViewBlock::Table {
            rows, header_text, ..
        } = b
        else {
            continue;
        };
        for h in header_text.iter_mut() {
            let in_cell = |_: &str, _: usize, word: &str| !word.contains(' ');
            *h = words.rechunk(h, &in_cell);
        }
        for cell in rows.iter_mut().flatten() {
            // A spanning cell's own content.
            let cell = match cell {
                serde_json::Value::Object(o) if o.contains_key("cs") => match o.get_mut("c") {
                    Some(c) => c,
                    None => continue,
                },
                c => c,
            };
            match cell {
                serde_json::Value::Array(lines)
                    if lines.first().is_some_and(|l| l.get("label").is_some()) =>
                {
                    for l in lines {
                        if let Some(t) = l.get_mut("text") {
                            fix_json(t);
                        }
                    }
                }
                serde_json::Value::Object(o) if o.contains_key("strong") => {}
                other => fix_json(other),
            }
        }
    }
}

/// A text cell as it was serialised: a string or chunks.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum TextIn {
    Plain(String),
    Chunks(Vec<ChunkIn>),
}

#[derive(serde::Deserialize)]
#[serde(untagged)]
enum ChunkIn {
    Free(String),
    Keep { k: String },
}

impl TextIn {
    fn flat(&self) -> String {
        match self {
            TextIn::Plain(s) => s.clone(),
            TextIn::Chunks(c) => c
                .iter()
                .map(|x| match x {
                    ChunkIn::Free(s) => s.as_str(),
                    ChunkIn::Keep { k } => k.as_str(),
                })
                .collect(),
        }
    }
}

/// Moves the body's last lines (`lines`, as laid out, in order) into the
/// block kept with the signature, so that the signature's page carries them:
/// a paragraph (or item) they end is split where the first of them starts,
/// the part before keeping its last line justified; a block they hold whole
/// moves whole. Sets `keep_from` in every case, so the carry is made once.
pub fn carry_lines(view: &mut View, words: &Words, lines: &[String]) {
    let mut from = view.body.len();
    let mut left: Vec<&str> = lines.iter().map(String::as_str).collect();
    while !left.is_empty() {
        let Some(j) = from.checked_sub(1) else { break };
        let text = match &view.body[j] {
            ViewBlock::Par { text, .. } | ViewBlock::Item { text, .. } => text.flat(),
            // A table, a committee, a heading: moves whole, and ends the carry.
            _ => {
                from = j;
                break;
            }
        };
        // The lines of `left` this block ends with, from its own last line back.
        let mut taken = 0;
        let mut at = None;
        for k in (0..left.len()).rev() {
            let tail: String = left[k..].concat();
            match find_squashed(&text, &tail) {
                Some(i) if squashed_eq(&text[i..], &tail) => {
                    taken = left.len() - k;
                    at = Some(i);
                }
                _ => break,
            }
        }
        let Some(at) = at else {
            // The last line is not this block's (a label line, say): stop.
            break;
        };
        left.truncate(left.len() - taken);
        if at == 0 {
            from = j;
            continue;
        }
        let (head, tail) = text.split_at(at);
        let no_relax = |_: &str, _: usize, _: &str| false;
        let spans = match &view.body[j] {
            ViewBlock::Par { text, .. } | ViewBlock::Item { text, .. } => text.spans(),
            _ => Vec::new(),
        };
        // Each part keeps its emphasis (`chunks` trims the tail's space).
        let tail_from = at + (tail.len() - tail.trim_start().len());
        let head_text = words
            .chunks(head, &no_relax)
            .styled(&Text::spans_within(&spans, 0..at));
        let tail_text = words
            .chunks(tail, &no_relax)
            .styled(&Text::spans_within(&spans, tail_from..text.len()));
        let under = match &view.body[j] {
            ViewBlock::Item {
                label,
                level,
                ancestors,
                ..
            } => Some(ItemPlace {
                label: label.clone(),
                level: *level,
                ancestors: ancestors.clone(),
            }),
            ViewBlock::Par { under, .. } => under.clone(),
            _ => None,
        };
        if let ViewBlock::Par {
            text, justify_last, ..
        }
        | ViewBlock::Item {
            text, justify_last, ..
        } = &mut view.body[j]
        {
            *text = head_text;
            *justify_last = true;
        }
        view.body.insert(
            j + 1,
            ViewBlock::Par {
                text: tail_text,
                indent: false,
                justify_last: false,
                under,
            },
        );
        from = j + 1;
        break;
    }
    view.keep_from = Some(from.min(view.body.len()));
}

/// Ends the body line `line` (as laid out, its list number left off) where
/// it ends, flush left: a line that the passes could not justify without
/// holes is set ragged rather than spread. False when no paragraph or item
/// holds the line.
pub fn ragged_after(view: &mut View, line: &str) -> bool {
    let needle: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    if needle.is_empty() {
        return false;
    }
    for b in &mut view.body {
        let (ViewBlock::Par { text, .. } | ViewBlock::Item { text, .. }) = b else {
            continue;
        };
        let flat = text.flat();
        let (squashed, origin) = crate::text::squash_with_origin(&flat);
        let Some(i) = squashed.find(&needle) else {
            continue;
        };
        let end = squashed[..i + needle.len()]
            .char_indices()
            .next_back()
            .map(|(j, c)| origin[j] + c.len_utf8())
            .unwrap_or(0);
        // The space after the line stays on it (typst drops it there).
        let at = end + (flat[end..].len() - flat[end..].trim_start().len());
        if at >= flat.len() {
            return false;
        }
        *text = text.ragged_at(at);
        return true;
    }
    false
}

/// True when `a` and `b` are the same text, white space aside.
fn squashed_eq(a: &str, b: &str) -> bool {
    a.chars()
        .filter(|c| !c.is_whitespace())
        .eq(b.chars().filter(|c| !c.is_whitespace()))
}

/// The byte offset in `text` where the last occurrence of `needle` starts,
/// comparing both without white space.
fn find_squashed(text: &str, needle: &str) -> Option<usize> {
    let needle: String = needle.chars().filter(|c| !c.is_whitespace()).collect();
    if needle.is_empty() {
        return None;
    }
    let (squashed, origin) = crate::text::squash_with_origin(text);
    squashed.rfind(&needle).map(|i| origin[i])
}

/// How Thai text is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Typesetting {
    /// saraban's: a dictionary pass keeps words and compounds whole, no line
    /// starts with a space, justified lines use a little letter spacing.
    #[default]
    Careful,
    /// Thai as typst lays it out by itself (its segmenter and justification):
    /// the before picture for measuring what saraban changes.
    TypstDefaults,
}

impl Typesetting {
    /// The name the templates read (`view.typesetting`).
    pub fn name(self) -> &'static str {
        match self {
            Typesetting::Careful => "careful",
            Typesetting::TypstDefaults => "typst-defaults",
        }
    }
}

/// Lays the view out as typst would by default: plain texts (no dictionary
/// breaks), typst's Thai segmenter and justification. Only for comparisons.
pub fn use_typst_defaults(view: &mut View) {
    view.typesetting = Typesetting::TypstDefaults.name();
    for_each_text(view, &mut |t| {
        let spans = t.spans();
        *t = Text::Plain(t.flat()).styled(&spans);
    });
}

/// Every text of the view but table cells.
fn for_each_text(view: &mut View, f: &mut dyn FnMut(&mut Text)) {
    let singles = [&mut view.department, &mut view.subject, &mut view.to];
    for t in view
        .address
        .iter_mut()
        .chain(view.title_lines.iter_mut())
        .chain(singles.into_iter().flatten())
        .chain(view.refer_to.iter_mut().map(|l| &mut l.text))
        .chain(view.enclosures.iter_mut().map(|l| &mut l.text))
        .chain(view.signatory.positions.iter_mut())
        .chain(view.contact.iter_mut())
    {
        f(t);
    }
    for e in &mut view.endorsements {
        for t in e
            .heading
            .iter_mut()
            .chain(e.options.iter_mut().map(|o| &mut o.text))
            .chain(e.text.iter_mut())
            .chain(e.positions.iter_mut())
        {
            f(t);
        }
    }
    if let Some(s) = &mut view.second_signatory {
        for t in &mut s.positions {
            f(t);
        }
    }
    if let Some(d) = &mut view.distribution {
        f(&mut d.line);
        for r in &mut d.recipients {
            f(&mut r.text);
        }
    }
    for b in &mut view.body {
        match b {
            ViewBlock::Par { text, .. }
            | ViewBlock::Heading { text, .. }
            | ViewBlock::Item { text, .. } => f(text),
            ViewBlock::Members { rows, .. } => {
                for r in rows {
                    for t in [&mut r.name, &mut r.position, &mut r.role]
                        .into_iter()
                        .flatten()
                    {
                        f(t);
                    }
                }
            }
            ViewBlock::Leaders { text, value, .. } => {
                f(text);
                f(value);
            }
            ViewBlock::Speech { speaker, text } => {
                f(speaker);
                f(text);
            }
            ViewBlock::Table { .. } => {}
        }
    }
}
