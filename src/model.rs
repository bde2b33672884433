//! The input document: serde types, their JSON Schema, and validation.
//!
//! A request is a [`Document`]. Everything a clerk would otherwise type by hand
//! (item numbers, Thai digits, Buddhist-era dates, the reference number) is given
//! here as data and formatted later by [`crate::thai`] and [`crate::view`].

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use crate::agency::{AgencyRef, Contact};
use crate::thai::DigitStyle;
pub use crate::thai::ListStyle;

/// Largest number of body blocks, items and table rows accepted in one document.
/// A compile cannot be cancelled, so inputs are bounded instead.
pub const MAX_BLOCKS: usize = 2_000;
/// The highest number a list or members block may start from: a list's
/// labels grow with its numbers (`ฌฌฌ`), and no document counts further.
pub const MAX_START: u32 = 10_000;
/// Longest text field accepted, in characters: a paragraph of two pages,
/// longer than any real one (typst's line breaker takes seconds on a
/// paragraph of 20,000 letters without a space).
pub const MAX_TEXT_CHARS: usize = 5_000;
/// Most characters all the texts of one document may have together (a
/// 25-page measures announcement has about 75,000).
pub const MAX_DOCUMENT_CHARS: usize = 150_000;
/// Most texts (paragraphs, items, cells, enclosures, positions ...) one document
/// may have.
pub const MAX_TEXTS: usize = 10_000;
/// Most combining marks that may follow one letter (Thai stacks at most two).
pub const MAX_MARK_RUN: usize = 4;

/// One official document.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = kind_rules)]
pub struct Document {
    /// Which official form to use.
    pub kind: Kind,
    /// The sending agency: the id of a stored profile (`"khonkaen-province"`) or a
    /// whole profile inline.
    pub agency: AgencyRef,
    /// `ที่`: a literal reference text, its parts, or `"auto"` (the register
    /// allocates the next number).
    #[serde(default)]
    pub reference: Option<Reference>,
    /// Date of the document as an ISO date `2019-06-15` (printed in the
    /// Buddhist era), or `2019-06` to leave the day blank for a pen. A clerk's
    /// forms are read too: the Buddhist-era year in either (`2562-06-15`),
    /// `15/06/2562` and `๑๕/๐๖/๒๕๖๒` (day/month/year; a two-digit year is
    /// refused as ambiguous), and a date as a Thai letter writes it
    /// (`๑๕ มิถุนายน ๒๕๖๒`, `15 มิ.ย. 2562`).
    #[serde(default)]
    pub date: Option<String>,
    /// Whether the date writes `พ.ศ.` before the year. Left out, as the
    /// kind's form does: with it in announcements, orders, regulations,
    /// certificates and minutes (`๑๓ พฤษภาคม พ.ศ. ๒๕๖๗`), without it in
    /// letters and memos (`๑๓ พฤษภาคม ๒๕๖๗`), which is how many agencies
    /// date their certificates too.
    #[serde(default)]
    pub date_era: Option<bool>,
    /// `ส่วนราชการ` of a memo (defaults to the agency's name).
    #[serde(default)]
    pub department: Option<String>,
    /// `เรื่อง`. Required for every kind but `standard`, `stamped`,
    /// `certificate` and `minutes`.
    #[serde(default)]
    #[schemars(length(min = 1))]
    pub subject: Option<String>,
    /// Title of a `standard` document, or a replacement for the generated title
    /// line of an announcement or order (`ประกาศ<agency>`); on a certificate,
    /// a centred heading over the text (`หนังสือรับรอง`).
    #[serde(default)]
    #[schemars(length(min = 1))]
    pub title: Option<String>,
    /// `เรียน`: the addressee with title and position. A circular with a
    /// distribution list may leave it out: it prints `เรียน (ตามบัญชีแนบท้าย)`.
    #[serde(default)]
    pub to: Option<String>,
    /// The salutation before the addressee (คำขึ้นต้น): `เรียน` by default,
    /// `กราบเรียน` for the persons the Regulation names (the Prime Minister, the
    /// President of the Privy Council, of Parliament, of the Supreme Court ...),
    /// `นมัสการ` for a monk, `กราบทูล` for the Supreme Patriarch. It sets the
    /// default closing of an external letter. When left out, a `to` that starts
    /// with one of these words takes it from there (`"กราบเรียน นายกรัฐมนตรี"`).
    #[serde(default)]
    pub salutation: Option<Salutation>,
    /// `อ้างถึง`: letters referred to.
    #[serde(default)]
    pub refer_to: Vec<String>,
    /// `สิ่งที่ส่งมาด้วย`: enclosures, numbered when there are several.
    #[serde(default)]
    pub enclosures: Vec<String>,
    /// The body, in order: at least one block.
    #[serde(default)]
    #[schemars(length(min = 1))]
    pub body: Vec<Block>,
    /// Closing formula of an external letter (`ขอแสดงความนับถือ` by default), or
    /// the formula before the date of an announcement or order
    /// (`จึงประกาศให้ทราบโดยทั่วกัน`).
    #[serde(default)]
    pub closing: Option<String>,
    /// Who signs; left out on the unsigned forms (`statement`, `news`,
    /// `stamped`), required on every other.
    #[serde(default)]
    pub signatory: Signatory,
    /// A second signatory (a joint announcement, an agreement), signing
    /// beside the first or under it (`signatures`).
    #[serde(default)]
    pub second_signatory: Option<Signatory>,
    /// How the two signature blocks stand: `side_by_side` (default) or `stacked`.
    #[serde(default)]
    pub signatures: SignatureLayout,
    /// Bottom-left contact block; defaults to the agency profile's.
    #[serde(default)]
    pub contact: Option<Contact>,
    /// `สำเนาส่ง`: where copies go.
    #[serde(default)]
    pub copies_to: Vec<String>,
    /// Urgency mark (ด่วนที่สุด, ด่วนมาก, ด่วน).
    #[serde(default)]
    pub urgency: Option<Urgency>,
    /// `ด่วนภายใน` deadline text, e.g. `๓๐ มิถุนายน ๒๕๖๒ เวลา ๑๒.๐๐ น.`.
    #[serde(default)]
    pub deadline: Option<String>,
    /// Secrecy mark (ลับ, ลับมาก, ลับที่สุด), printed at the top and foot of every page.
    #[serde(default)]
    pub secrecy: Option<Secrecy>,
    /// The distribution list (`บัญชีแนบท้าย`) of a circular.
    #[serde(default)]
    pub distribution: Option<Distribution>,
    /// The meeting of a `minutes` document: its number, place, times and
    /// who attended.
    #[serde(default)]
    pub meeting: Option<Meeting>,
    /// When a regulation or bylaw takes effect: a date (`2568-10-01`) or the
    /// words (`ตั้งแต่วันถัดจากวันประกาศเป็นต้นไป`). Given, the renderer writes
    /// clauses 1 and 2 itself (`ระเบียบนี้เรียกว่า “...”`, `ระเบียบนี้ให้ใช้บังคับ
    /// ...`) before the body's first clause, and the body's clauses count on
    /// from ข้อ ๓.
    #[serde(default)]
    #[schemars(length(min = 1))]
    pub effective: Option<String>,
    /// `ฉบับที่` of a numbered statement or news release: a number (`2`) or
    /// as the agency numbers them by year (`"35/2569"`).
    #[serde(default)]
    pub issue: Option<IssueNumber>,
    /// The initials of the officer responsible for a stamped letter, beside
    /// the seal (`สมศ.`).
    #[serde(default)]
    pub initials: Option<String>,
    /// The photograph of the person a certificate is about (4 × 6 cm at the
    /// foot, left), with their name under it.
    #[serde(default)]
    pub photo: Option<Photo>,
    /// What superiors write under a memo, in order, each signed: a head's
    /// opinion (`เห็นควรอนุมัติ`), the approver's order (`อนุมัติ`, `ทราบ`).
    #[serde(default)]
    pub endorsements: Vec<Endorsement>,
}

/// A superior's minute under a memo (ความเห็น, คำสั่งของผู้บังคับบัญชา),
/// signed: a head's opinion (`เห็นควรอนุมัติ`), the approver's order
/// (`อนุมัติ`, `ทราบ`), or a form's minute with a heading, tick boxes and
/// dotted lines left for the pen.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Endorsement {
    /// A bold heading at the left margin (`ความเห็นสาธารณสุขอำเภอหนองใหญ่`).
    #[serde(default)]
    pub heading: Option<String>,
    /// Tick boxes, laid out from the left margin in order
    /// (`☑ ทราบ  ☑ อนุญาตเผยแพร่  ☐ ไม่อนุญาต`).
    #[serde(default)]
    pub options: Vec<Choice>,
    /// The note, one paragraph per string: `อนุมัติ`, `ทราบ`, `เห็นควรอนุมัติ`.
    /// May be left out when `options` say it.
    #[serde(default)]
    pub text: Vec<String>,
    /// Dotted lines left blank for a handwritten note (0 to 10).
    #[serde(default)]
    #[schemars(range(max = 10))]
    pub fill_lines: u8,
    /// Full name, printed in parentheses.
    #[schemars(length(min = 1))]
    pub name: String,
    /// Position lines.
    #[serde(default)]
    pub positions: Vec<String>,
    /// The signer's scanned signature, a `data:image/png;base64,...` URI.
    #[serde(default)]
    pub signature_image: Option<String>,
    /// The date of the minute (`2025-03-12`, or as a Thai letter writes it),
    /// printed under the positions as the memo's date is. Left out, nothing
    /// is printed there, or a dotted `วันที่` line when `date_line` is true.
    #[serde(default)]
    pub date: Option<String>,
    /// A dotted date line for the pen (`วันที่ ........../........../..........`)
    /// where no date is given.
    #[serde(default)]
    pub date_line: bool,
    /// Where the note and its signature stand: on the signature axis
    /// (`signature`, default), centred on the page (`center`), or at the
    /// left margin (`left`).
    #[serde(default)]
    pub align: Option<MinuteAlign>,
}

/// A tick box of a minute.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    /// The option (`อนุญาตเผยแพร่`, `ไม่อนุญาต (เหตุผล) ........`).
    pub text: String,
    /// Ticked.
    #[serde(default)]
    pub checked: bool,
}

/// Where a minute stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum MinuteAlign {
    /// Centred on the profile's signature axis.
    Signature,
    /// Centred on the page.
    Center,
    /// At the left margin.
    Left,
}

/// How two signature blocks stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SignatureLayout {
    /// Side by side: the second signatory on the left, the first on the right.
    #[default]
    SideBySide,
    /// The second signatory under the first.
    Stacked,
}

impl Document {
    /// The salutation and the addressee after it: `salutation` if given, else
    /// the one `to` starts with, else `เรียน`; the word is taken off the front
    /// of `to` when the clerk typed it there too. An error (a problem at `to`)
    /// when `to` starts with another salutation than `salutation` says.
    pub fn addressee(&self) -> Result<(Salutation, Option<&str>), String> {
        let typed = self.to.as_deref().and_then(Salutation::split_from);
        match (self.salutation, typed) {
            (Some(s), Some((t, _))) if s != t => Err(format!(
                "starts with {} but salutation is {}: give one of them",
                t.word(),
                s.word()
            )),
            (_, Some((t, rest))) => Ok((t, Some(rest))),
            (s, None) => Ok((s.unwrap_or(Salutation::Rian), self.to.as_deref())),
        }
    }
}

/// The official forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// หนังสือภายนอก: Garuda 3 cm, reference and address, date, closing.
    External,
    /// หนังสือเวียน: an external letter with a ว number and usually a distribution list.
    Circular,
    /// บันทึกข้อความ: internal memo.
    Memo,
    /// ประกาศ: announcement.
    Announcement,
    /// คำสั่ง: order.
    Order,
    /// A measures or standard document with a centred title and no letterhead line.
    Standard,
    /// หนังสือประทับตรา: `ถึง` the addressees, no เรื่อง/เรียน/closing; the
    /// agency's name with its seal and the officer's initials instead of a
    /// signature.
    Stamped,
    /// ระเบียบ: `ระเบียบ<agency>` / `ว่าด้วย...` / `พ.ศ. ...`, a preamble, clauses
    /// (`ข้อ ๑`) under optional chapters (`หมวด ๑`), signed.
    Regulation,
    /// ข้อบังคับ: as a regulation, titled `ข้อบังคับ<agency>`.
    Bylaw,
    /// แถลงการณ์: title, `เรื่อง`, `ฉบับที่`, body; the agency and the date, no
    /// signature.
    Statement,
    /// ข่าว: as a statement, titled `ข่าว<agency>`.
    News,
    /// หนังสือรับรอง: the certifying text, `ให้ไว้ ณ วันที่`, signature, and
    /// optionally the person's photograph.
    Certificate,
    /// รายงานการประชุม: the meeting's title lines, who came and who did not,
    /// the agenda as the body, the minute-taker's signature and any
    /// certifications (`endorsements`).
    Minutes,
}

impl Kind {
    /// Every kind, in the order they are listed to clients.
    pub const ALL: [Kind; 13] = [
        Kind::External,
        Kind::Circular,
        Kind::Memo,
        Kind::Announcement,
        Kind::Order,
        Kind::Standard,
        Kind::Stamped,
        Kind::Regulation,
        Kind::Bylaw,
        Kind::Statement,
        Kind::News,
        Kind::Certificate,
        Kind::Minutes,
    ];

    /// The JSON name of the kind.
    pub fn name(self) -> &'static str {
        match self {
            Kind::External => "external",
            Kind::Circular => "circular",
            Kind::Memo => "memo",
            Kind::Announcement => "announcement",
            Kind::Order => "order",
            Kind::Standard => "standard",
            Kind::Stamped => "stamped",
            Kind::Regulation => "regulation",
            Kind::Bylaw => "bylaw",
            Kind::Statement => "statement",
            Kind::News => "news",
            Kind::Certificate => "certificate",
            Kind::Minutes => "minutes",
        }
    }

    /// The Thai name of the form.
    pub fn thai_name(self) -> &'static str {
        match self {
            Kind::External => "หนังสือภายนอก",
            Kind::Circular => "หนังสือเวียน",
            Kind::Memo => "บันทึกข้อความ",
            Kind::Announcement => "ประกาศ",
            Kind::Order => "คำสั่ง",
            Kind::Standard => "มาตรการ/มาตรฐาน",
            Kind::Stamped => "หนังสือประทับตรา",
            Kind::Regulation => "ระเบียบ",
            Kind::Bylaw => "ข้อบังคับ",
            Kind::Statement => "แถลงการณ์",
            Kind::News => "ข่าว",
            Kind::Certificate => "หนังสือรับรอง",
            Kind::Minutes => "รายงานการประชุม",
        }
    }

    /// True for the forms that nobody signs: a statement and a news release
    /// end with the agency's name, a stamped letter with its seal.
    pub fn unsigned(self) -> bool {
        matches!(self, Kind::Statement | Kind::News | Kind::Stamped)
    }

    /// The template file in `letter-templates/` that lays this kind out.
    pub fn template(self) -> &'static str {
        match self {
            Kind::External | Kind::Circular => "external.typ",
            Kind::Memo => "memo.typ",
            Kind::Announcement | Kind::Regulation | Kind::Bylaw => "announcement.typ",
            Kind::Order => "order.typ",
            Kind::Standard => "standard.typ",
            Kind::Stamped => "stamped.typ",
            Kind::Statement | Kind::News => "statement.typ",
            Kind::Certificate => "certificate.typ",
            Kind::Minutes => "minutes.typ",
        }
    }
}

/// `ที่`: the reference number.
#[derive(Debug, Clone, JsonSchema)]
#[serde(untagged)]
pub enum Reference {
    /// `"auto"`: the register allocates the number when the letter is issued.
    // The schema's string below already takes "auto".
    #[schemars(skip)]
    Auto,
    /// Printed as given (ASCII digits become Thai digits when the agency uses them),
    /// or `"auto"` to have the register allocate the number.
    Text(String),
    /// Built from parts.
    Parts(ReferenceParts),
}

/// What a document's reference says to have the register number it.
pub const AUTO_REFERENCE: &str = "auto";

impl Serialize for Reference {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Reference::Auto => s.serialize_str(AUTO_REFERENCE),
            Reference::Text(t) => s.serialize_str(t),
            Reference::Parts(p) => p.serialize(s),
        }
    }
}

/// A reference number built from its parts: `ขก ๐๐๑๗.๕/ว ๑๕๐๑๕` or `๙๒/๒๕๖๓`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferenceParts {
    /// Agency code with its sub-unit (`ขก 0017.5`); defaults to the profile's code.
    /// An empty string gives the memo and order style `number/year`.
    #[serde(default)]
    pub code: Option<String>,
    /// Circular (หนังสือเวียน): puts `ว` before the number. Defaults to true
    /// for a document of kind `circular`, false otherwise.
    #[serde(default)]
    pub circular: Option<bool>,
    /// The running number: `24`, or as typed with its leading zeros
    /// (`"024"`, `"๐๒๔"`), which are kept.
    pub number: RunningNumber,
    /// Buddhist-era year after a slash (`๙๒/๒๕๖๓`), as used by memos and orders.
    #[serde(default)]
    pub year: Option<i32>,
}

/// A text with bold or underlined words in it: a string, or its runs in
/// order, each a string or `{"text": ..., "bold": true, "underline": true}`.
/// The runs are text, never markup: `*`, `_`, `#` print as typed.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Inline {
    /// Plain text.
    Plain(String),
    /// Runs of text, some emphasised.
    Runs(Vec<Run>),
}

/// One run of an [`Inline`] text.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Run {
    /// Plain text.
    Plain(String),
    /// Emphasised text.
    Styled(StyledRun),
}

/// A run in bold, underlined or both.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StyledRun {
    /// The text.
    pub text: String,
    /// Bold.
    #[serde(default)]
    pub bold: bool,
    /// Underlined.
    #[serde(default)]
    pub underline: bool,
}

impl Inline {
    /// The runs with their emphasis.
    pub fn runs(&self) -> Vec<(&str, crate::text::Style)> {
        use crate::text::Style;
        match self {
            Inline::Plain(s) => vec![(s.as_str(), Style::PLAIN)],
            Inline::Runs(runs) => runs
                .iter()
                .map(|r| match r {
                    Run::Plain(s) => (s.as_str(), Style::PLAIN),
                    Run::Styled(r) => (
                        r.text.as_str(),
                        Style {
                            bold: r.bold,
                            underline: r.underline,
                        },
                    ),
                })
                .collect(),
        }
    }

    /// The text without its emphasis.
    pub fn flat(&self) -> String {
        self.runs().into_iter().map(|(t, _)| t).collect()
    }
}

impl From<&str> for Inline {
    fn from(s: &str) -> Inline {
        Inline::Plain(s.to_string())
    }
}

/// A running number, as a JSON number or as its digits typed.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum RunningNumber {
    /// A number.
    #[schemars(extend("minimum" = 1))]
    Number(u32),
    /// Digits, Thai or Arabic, leading zeros kept (`"024"`).
    #[schemars(extend("pattern" = r"^\s*[0-9๐-๙]{1,9}\s*$"))]
    Digits(String),
}

impl<'de> Deserialize<'de> for RunningNumber {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        match serde_json::Value::deserialize(d)? {
            serde_json::Value::String(s) => Ok(RunningNumber::Digits(s)),
            serde_json::Value::Number(n) => match n.as_u64().and_then(|n| u32::try_from(n).ok()) {
                Some(n) => Ok(RunningNumber::Number(n)),
                None => Err(D::Error::custom(format!(
                    "invalid value: {n}: a running number is a whole number from 1 to {}",
                    u32::MAX
                ))),
            },
            _ => Err(D::Error::custom(
                "a running number is a whole number, or its digits as a string (\"024\")",
            )),
        }
    }
}

impl RunningNumber {
    /// The number and the digits it is printed with (0: as many as it
    /// needs), or what is wrong with it.
    pub fn value(&self) -> Result<(u32, usize), String> {
        match self {
            RunningNumber::Number(0) => Err("must be 1 or more".into()),
            RunningNumber::Number(n) => Ok((*n, 0)),
            RunningNumber::Digits(d) => {
                let ascii = crate::thai::to_arabic_digits(d.trim());
                if ascii.is_empty() || ascii.len() > 9 || !ascii.bytes().all(|b| b.is_ascii_digit())
                {
                    return Err(format!("'{d}' is not a running number: give 1 to 9 digits"));
                }
                match ascii.parse::<u32>() {
                    Ok(0) | Err(_) => Err("must be 1 or more".into()),
                    Ok(n) => Ok((n, ascii.len())),
                }
            }
        }
    }
}

/// One block of the body.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Block {
    /// A plain string is a body paragraph.
    Text(String),
    /// An array of runs is a body paragraph with bold or underlined words.
    Runs(Vec<Run>),
    /// A typed block.
    Typed(TypedBlock),
}

/// A body block with a `type`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum TypedBlock {
    /// A paragraph; indented 2.5 cm on its first line unless `indent` is false.
    Paragraph {
        /// The text: a string, or runs with bold or underlined words
        /// (`["ให้ถือเป็น", {"text": "แนวปฏิบัติ", "bold": true}, " ต่อไป"]`).
        text: Inline,
        /// First-line indent (default true).
        #[serde(default)]
        indent: Option<bool>,
    },
    /// A bold section heading (`เรื่องเดิม`, `ข้อเท็จจริง`, `นโยบาย`, ...).
    Heading {
        /// The text.
        text: String,
        /// `left`, `indent` (default, at the paragraph indent) or `center`.
        #[serde(default)]
        align: Option<HeadingAlign>,
    },
    /// A numbered or bulleted list; the renderer writes the numbers.
    List {
        /// Numbering style of this level (default `decimal`).
        #[serde(default)]
        style: Option<ListStyle>,
        /// First number (default 1, at most 10,000).
        #[serde(default)]
        #[schemars(range(min = 1, max = 10000))]
        start: Option<u32>,
        /// Thai or Arabic digits in this list's numbers (default: the agency's).
        #[serde(default)]
        digits: Option<DigitStyle>,
        /// The items.
        #[schemars(length(min = 1))]
        items: Vec<Item>,
    },
    /// What a speaker said, as minutes print it: the speaker at the left,
    /// the words beside, wrapping under themselves (`ประธาน | แจ้งให้ที่ประชุมทราบ...`).
    Speech {
        /// Who spoke (`ประธาน`, `นายสมชาย ใจดี`, `มติที่ประชุม`).
        speaker: String,
        /// What was said, as a paragraph's text (runs allowed).
        text: Inline,
    },
    /// A chapter of a regulation or bylaw: `หมวด ๑` and its title, centred.
    /// Chapters are numbered in order unless `number` says otherwise.
    Chapter {
        /// The chapter's title (`บททั่วไป`, `บทเฉพาะกาล`).
        title: String,
        /// Its number, when not the next one.
        #[serde(default)]
        number: Option<u32>,
        /// False for a chapter printed by its title alone (a closing
        /// `บทเฉพาะกาล` after the numbered ones); it takes no number of the
        /// count.
        #[serde(default = "yes")]
        numbered: bool,
    },
    /// A line with dot leaders to a value at the right margin:
    /// `ค่าใช้จ่าย .................... ๕๘๑,๐๙๖ บาท`.
    Leaders {
        /// The text before the dots (`ค่าใช้จ่ายในการเดินทาง`).
        text: String,
        /// The value at the right margin (`๕๘๑,๐๙๖ บาท`).
        value: String,
    },
    /// An activity table: project, indicators, budget, period, responsible unit.
    Activities(ActivityTable),
    /// A general table with a header row that repeats on every page.
    Table(Table),
    /// The members of a committee or working group (คณะกรรมการ, คณะทำงาน), as
    /// an order lists them: numbered, each with a name and/or a position, and a
    /// role (`ประธานกรรมการ`, `กรรมการและเลขานุการ`) in a column of its own.
    Members {
        /// First number (default 1, at most 10,000).
        #[serde(default)]
        #[schemars(range(min = 1, max = 10000))]
        start: Option<u32>,
        /// The members, in order.
        #[schemars(length(min = 1))]
        members: Vec<Member>,
    },
}

/// One member of a committee.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Member {
    /// Full name with title (`นายสมชาย ใจดี`); optional when the position says who.
    #[serde(default)]
    pub name: Option<String>,
    /// Position (`ผู้อำนวยการกองคลัง`, `ปลัดจังหวัดขอนแก่น`).
    #[serde(default)]
    pub position: Option<String>,
    /// Role in the committee (`ประธานกรรมการ`, `กรรมการ`, `กรรมการและเลขานุการ`).
    #[serde(default)]
    pub role: Option<String>,
}

/// Where a heading sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum HeadingAlign {
    /// At the left margin.
    Left,
    /// At the paragraph indent (2.5 cm).
    Indent,
    /// Centred.
    Center,
}

/// One list item: its text, then optional further paragraphs, sub-items and tables.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Item {
    /// Just the text.
    Text(String),
    /// Text with children.
    Full(FullItem),
}

/// A list item with children.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FullItem {
    /// The item's text, after its number: a string or runs, as a paragraph's.
    pub text: Inline,
    /// The item's number as the author typed it (`ข้อ ๓/๑`, `ข้อ ๑๔ ทวิ`,
    /// `๒.๕`), printed instead of a counted one, for documents numbered
    /// irregularly. It takes no number of the count: the item after
    /// `ข้อ ๓/๑` is `ข้อ ๔`.
    #[serde(default)]
    pub label: Option<String>,
    /// Print the item's own line in bold (a measure's heading).
    #[serde(default)]
    pub bold: bool,
    /// Blocks under the item (paragraphs, tables), before its sub-items.
    #[serde(default)]
    pub blocks: Vec<Block>,
    /// Numbering style of the sub-items (default: as Thai documents nest
    /// them, `(๑)` under `ข้อ ๑` or `๑)`, `(ก)` under `(๑)`, `๑)` under `ก.`,
    /// `๑.๑` under `๑.`, `-` under `(ก)` or a bullet).
    #[serde(default)]
    pub style: Option<ListStyle>,
    /// Thai or Arabic digits in the sub-items' numbers (default: this list's).
    #[serde(default)]
    pub digits: Option<DigitStyle>,
    /// Sub-items.
    #[serde(default)]
    pub items: Vec<Item>,
    /// Blocks after its sub-items: a clause's last paragraph, which follows
    /// its sub-clauses (`บรรดาระเบียบ ... ให้ใช้ระเบียบนี้แทน`).
    #[serde(default)]
    pub after: Vec<Block>,
}

/// An activity table (แผนงาน หรือโครงการ/กิจกรรม).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityTable {
    /// Replacement header labels, in column order
    /// (default `โครงการ/กิจกรรม`, `ตัวชี้วัด`, `งบประมาณ (บาท)`, `ระยะเวลา`, `ผู้รับผิดชอบ`).
    #[serde(default)]
    pub headers: Option<Vec<String>>,
    /// The rows.
    #[schemars(length(min = 1))]
    pub rows: Vec<ActivityRow>,
    /// How several indicators in a cell are numbered (default `paren`, `๑)`).
    #[serde(default)]
    pub indicator_style: Option<ListStyle>,
    /// Type size of the table in points of the official size (default 14).
    #[serde(default)]
    #[schemars(range(min = 8.0, max = 20.0))]
    pub font_size_pt: Option<f64>,
    /// Add a total row under the budgets.
    #[serde(default)]
    pub total: bool,
}

/// One activity.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityRow {
    /// Project or activity.
    pub project: String,
    /// Indicators; several are numbered `๑)`, `๒)`. None leaves the cell blank.
    #[serde(default)]
    pub indicators: Vec<String>,
    /// Budget in baht (`50000`, `"1545340.50"`), or `"-"` for an activity
    /// without one (printed `-`); absent or null leaves the cell blank.
    /// Period and owner likewise print what they say, `-` included.
    #[serde(default)]
    pub budget: Option<Amount>,
    /// Period (`ต.ค. ๒๕๖๒ - ก.ย. ๒๕๖๓`).
    #[serde(default)]
    pub period: Option<String>,
    /// Responsible unit.
    #[serde(default)]
    pub owner: Option<String>,
}

/// An amount of baht, as a JSON number or a decimal string.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Amount {
    /// A number.
    #[schemars(extend("minimum" = 0))]
    Number(f64),
    /// A decimal string, `"1,545,340.50"` or `"1545340.5"`, in Thai or
    /// Arabic digits, or `"-"` (an activity's budget: none).
    #[schemars(extend("pattern" = r"^\s*(-|[0-9๐-๙][0-9๐-๙,]*(\.[0-9๐-๙]{1,2})?)\s*$"))]
    Text(String),
}

/// A general table.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Table {
    /// Header labels.
    #[schemars(length(min = 1))]
    pub headers: Vec<String>,
    /// Rows of cells, each row filling the header's columns: a cell spanning
    /// columns counts as many, and a cell spanning rows fills its column in
    /// the rows below it (which leave that column out). An empty string is a
    /// blank cell.
    pub rows: Vec<Vec<Cell>>,
    /// Alignment per column (`left`, `center`, `right`).
    #[serde(default)]
    pub align: Vec<CellAlign>,
    /// Relative column widths (by default from how long each column's cells
    /// are, as a word processor's AutoFit: numbers narrow, sentences wide).
    #[serde(default)]
    pub widths: Vec<f64>,
    /// A last row set in bold, as long as `headers` (`["", "รวมทั้งสิ้น", "", "๘๖๒,๕๐๐.๐๐"]`).
    #[serde(default)]
    pub total: Option<Vec<String>>,
    /// Type size of the table in points of the official size (default 14:
    /// a size smaller than the text, as agencies type tables; 12 for a wide
    /// one).
    #[serde(default)]
    #[schemars(range(min = 8.0, max = 20.0))]
    pub font_size_pt: Option<f64>,
}

/// One cell of a general table: its text, or the text with spans.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Cell {
    /// Just the text (`""` for a blank cell).
    Text(String),
    /// A cell spanning columns or rows, or set in bold.
    Full(FullCell),
}

/// A table cell with its spans.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FullCell {
    /// The text.
    pub text: String,
    /// Columns it spans (default 1).
    #[serde(default)]
    pub colspan: Option<u32>,
    /// Rows it spans (default 1): one project with three indicators, each
    /// on a row of its own.
    #[serde(default)]
    pub rowspan: Option<u32>,
    /// Bold.
    #[serde(default)]
    pub bold: bool,
}

impl Cell {
    /// The cell's text.
    pub fn text(&self) -> &str {
        match self {
            Cell::Text(t) => t,
            Cell::Full(c) => &c.text,
        }
    }

    /// Columns and rows it spans.
    pub fn spans(&self) -> (u32, u32) {
        match self {
            Cell::Text(_) => (1, 1),
            Cell::Full(c) => (c.colspan.unwrap_or(1), c.rowspan.unwrap_or(1)),
        }
    }
}

impl<'de> Deserialize<'de> for Cell {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        string_or_object(
            serde_json::Value::deserialize(d)?,
            "a table cell",
            Cell::Text,
            Cell::Full,
        )
        .map_err(D::Error::custom)
    }
}

/// Cell alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CellAlign {
    /// Left.
    Left,
    /// Centre.
    Center,
    /// Right.
    Right,
}

/// `ฉบับที่` of a statement or news release.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum IssueNumber {
    /// The release's number (from 1).
    Number(#[schemars(range(min = 1))] u32),
    /// The number as written, with its year (`35/2569`); its digits follow
    /// the document's.
    Text(#[schemars(length(min = 1))] String),
}

/// A meeting, for its minutes.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Meeting {
    /// `ครั้งที่`, as the body numbers its meetings (`๓/๒๕๖๘`).
    #[serde(default)]
    pub number: Option<String>,
    /// `ณ`: where it met.
    #[serde(default)]
    pub place: Option<String>,
    /// `เริ่มประชุมเวลา` (`๐๙.๓๐`; ` น.` is added unless the time ends in
    /// its own word: `๐๙.๕๐ นาฬิกา`). Printed after every list, the
    /// further `groups` included.
    #[serde(default)]
    pub start: Option<String>,
    /// `เลิกประชุมเวลา`, written as `start`.
    #[serde(default)]
    pub end: Option<String>,
    /// `ผู้มาประชุม`, numbered, with their positions.
    #[serde(default)]
    pub present: Vec<Attendee>,
    /// `ผู้ไม่มาประชุม`, with the reason (`ติดราชการ`).
    #[serde(default)]
    pub absent: Vec<Attendee>,
    /// `ผู้เข้าร่วมประชุม`: those who attended without a seat.
    #[serde(default)]
    pub attending: Vec<Attendee>,
    /// Whether the date line names the day of the week
    /// (`เมื่อวันพุธที่ ๑๔ สิงหาคม พ.ศ. ๒๕๖๗`), as many bodies write it.
    #[serde(default)]
    pub weekday: bool,
    /// Further lists after those three, each under its own heading, as a
    /// House committee lists its secretaries and advisers
    /// (`ที่ปรึกษาประจำคณะกรรมาธิการ`).
    #[serde(default)]
    pub groups: Vec<AttendanceGroup>,
    /// The lists' headings where the body words them otherwise
    /// (`กรรมาธิการผู้มาประชุม` in a House committee's minutes).
    #[serde(default)]
    pub headings: Option<MeetingHeadings>,
}

/// A further list of a meeting's minutes under its own heading. Its members
/// are numbered; one alone is marked with a dash (`- นายสหภูมิ เสรีวรกิจ`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendanceGroup {
    /// The list's heading (`ที่ปรึกษาและเลขานุการประจำคณะกรรมาธิการ`).
    #[schemars(length(min = 1))]
    pub heading: String,
    /// Who is on it.
    #[schemars(length(min = 1))]
    pub members: Vec<Attendee>,
}

/// Headings of a meeting's lists, each in place of the form's own.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingHeadings {
    /// In place of `ผู้มาประชุม`.
    #[serde(default)]
    #[schemars(length(min = 1))]
    pub present: Option<String>,
    /// In place of `ผู้ไม่มาประชุม`.
    #[serde(default)]
    #[schemars(length(min = 1))]
    pub absent: Option<String>,
    /// In place of `ผู้เข้าร่วมประชุม`.
    #[serde(default)]
    #[schemars(length(min = 1))]
    pub attending: Option<String>,
}

/// One person on a meeting's lists.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Attendee {
    /// Full name with title.
    #[schemars(length(min = 1))]
    pub name: String,
    /// Position (in the body or outside it).
    #[serde(default)]
    pub position: Option<String>,
    /// Why absent, or a note (`ติดราชการ`, `ลาป่วย`).
    #[serde(default)]
    pub note: Option<String>,
}

/// A person's photograph on a certificate.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Photo {
    /// The photograph, a `data:image/jpeg;base64,...` (or PNG) URI.
    pub image: String,
    /// The person's name, printed under it in parentheses.
    #[serde(default)]
    pub name: Option<String>,
}

/// Who signs.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Signatory {
    /// Full name with title (`นายสมศักดิ์ จังตระกุล`), printed in parentheses.
    #[schemars(length(min = 1))]
    pub name: String,
    /// Position lines, acting phrases included
    /// (`ปลัดเทศบาลตำบลส่องดาว ปฏิบัติหน้าที่`, `นายกเทศมนตรีตำบลส่องดาว`).
    #[serde(default)]
    pub positions: Vec<String>,
    /// A scanned signature as a `data:image/png;base64,...` URI.
    #[serde(default)]
    pub signature_image: Option<String>,
}

/// The salutations of the Regulation's table of forms of address (คำขึ้นต้น
/// สรรพนาม และคำลงท้าย), each with the closing that goes with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Salutation {
    /// เรียน: anyone; closes ขอแสดงความนับถือ.
    #[serde(rename = "เรียน")]
    Rian,
    /// กราบเรียน: the persons the Regulation names (นายกรัฐมนตรี, ประธานองคมนตรี,
    /// ประธานรัฐสภา, ประธานศาลฎีกา, รัฐบุรุษ ...); closes ขอแสดงความนับถืออย่างยิ่ง.
    #[serde(rename = "กราบเรียน")]
    KrapRian,
    /// นมัสการ: a monk; closes ขอนมัสการด้วยความเคารพ.
    #[serde(rename = "นมัสการ")]
    Namatsakan,
    /// กราบทูล: the Supreme Patriarch; closes ขอนมัสการด้วยความเคารพอย่างยิ่ง.
    #[serde(rename = "กราบทูล")]
    KrapThun,
}

impl Salutation {
    /// Every salutation, longest first (so `กราบเรียน` is found before `เรียน`).
    pub const ALL: [Salutation; 4] = [
        Salutation::KrapRian,
        Salutation::Namatsakan,
        Salutation::KrapThun,
        Salutation::Rian,
    ];

    /// The printed word.
    pub fn word(self) -> &'static str {
        match self {
            Salutation::Rian => "เรียน",
            Salutation::KrapRian => "กราบเรียน",
            Salutation::Namatsakan => "นมัสการ",
            Salutation::KrapThun => "กราบทูล",
        }
    }

    /// The closing of an external letter that goes with it.
    pub fn closing(self) -> &'static str {
        match self {
            Salutation::Rian => "ขอแสดงความนับถือ",
            Salutation::KrapRian => "ขอแสดงความนับถืออย่างยิ่ง",
            Salutation::Namatsakan => "ขอนมัสการด้วยความเคารพ",
            Salutation::KrapThun => "ขอนมัสการด้วยความเคารพอย่างยิ่ง",
        }
    }

    /// The salutation `to` starts with (followed by a space), and the rest:
    /// `"กราบเรียน นายกรัฐมนตรี"` gives `(KrapRian, "นายกรัฐมนตรี")`.
    pub fn split_from(to: &str) -> Option<(Salutation, &str)> {
        Salutation::ALL
            .into_iter()
            .find_map(|s| Some((s, crate::text::after_word(to, s.word())?)))
    }
}

/// Urgency marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Urgency {
    /// ด่วนที่สุด
    #[serde(rename = "ด่วนที่สุด", alias = "most-urgent")]
    MostUrgent,
    /// ด่วนมาก
    #[serde(rename = "ด่วนมาก", alias = "very-urgent")]
    VeryUrgent,
    /// ด่วน
    #[serde(rename = "ด่วน", alias = "urgent")]
    Urgent,
}

impl Urgency {
    /// The printed mark.
    pub fn mark(self) -> &'static str {
        match self {
            Urgency::MostUrgent => "ด่วนที่สุด",
            Urgency::VeryUrgent => "ด่วนมาก",
            Urgency::Urgent => "ด่วน",
        }
    }
}

/// Secrecy marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Secrecy {
    /// ลับที่สุด
    #[serde(rename = "ลับที่สุด", alias = "top-secret")]
    TopSecret,
    /// ลับมาก
    #[serde(rename = "ลับมาก", alias = "secret")]
    Secret,
    /// ลับ
    #[serde(rename = "ลับ", alias = "confidential")]
    Confidential,
}

impl Secrecy {
    /// The printed mark.
    pub fn mark(self) -> &'static str {
        match self {
            Secrecy::TopSecret => "ลับที่สุด",
            Secrecy::Secret => "ลับมาก",
            Secrecy::Confidential => "ลับ",
        }
    }
}

/// The distribution list of a circular.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Distribution {
    /// Recipients, numbered by the renderer: names, or groups of names under a
    /// heading (`{"group": "ส่วนราชการระดับอำเภอ", "recipients": [...]}`), each
    /// group numbered from ๑.
    pub recipients: Vec<Recipient>,
    /// The date printed in `ลงวันที่` (defaults to the letter's date).
    #[serde(default)]
    pub date: Option<String>,
}

/// One entry of a distribution list.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Recipient {
    /// A recipient.
    Name(String),
    /// Recipients under a heading.
    Group(RecipientGroup),
}

/// Recipients under a heading in a distribution list.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecipientGroup {
    /// The heading (`ส่วนราชการระดับจังหวัด`).
    pub group: String,
    /// The recipients, numbered from ๑ within the group.
    pub recipients: Vec<String>,
}

impl Recipient {
    /// Every recipient's name, groups flattened.
    pub fn names(list: &[Recipient]) -> impl Iterator<Item = &str> {
        list.iter()
            .flat_map(|r| match r {
                Recipient::Name(n) => std::slice::from_ref(n).iter(),
                Recipient::Group(g) => g.recipients.iter(),
            })
            .map(String::as_str)
    }
}

impl<'de> Deserialize<'de> for Recipient {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        string_or_object(
            serde_json::Value::deserialize(d)?,
            "a recipient",
            Recipient::Name,
            Recipient::Group,
        )
        .map_err(D::Error::custom)
    }
}

// A string or an object. Derived untagged enums answer a typo inside an object
// with "did not match any variant"; these say what is wrong with the object.
impl<'de> Deserialize<'de> for Block {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        match serde_json::Value::deserialize(d)? {
            v @ serde_json::Value::Array(_) => runs(v).map(Block::Runs).map_err(D::Error::custom),
            v => string_or_object(
                v,
                "a body block (or an array of runs)",
                Block::Text,
                Block::Typed,
            )
            .map_err(D::Error::custom),
        }
    }
}

impl<'de> Deserialize<'de> for Inline {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        match serde_json::Value::deserialize(d)? {
            serde_json::Value::String(s) => Ok(Inline::Plain(s)),
            v @ serde_json::Value::Array(_) => runs(v).map(Inline::Runs).map_err(D::Error::custom),
            _ => Err(D::Error::custom(
                "a text is a string or an array of runs (strings or {\"text\": ..., \"bold\": true})",
            )),
        }
    }
}

impl<'de> Deserialize<'de> for Run {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        string_or_object(
            serde_json::Value::deserialize(d)?,
            "a run",
            Run::Plain,
            Run::Styled,
        )
        .map_err(D::Error::custom)
    }
}

/// An array of runs, a bad one named by its index (`[1].bold`).
fn runs(v: serde_json::Value) -> Result<Vec<Run>, String> {
    serde_path_to_error::deserialize::<_, Vec<Run>>(v).map_err(|e| {
        let at = e.path().to_string();
        format!("{at}: {}", e.into_inner())
    })
}

impl<'de> Deserialize<'de> for Reference {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        string_or_object(
            serde_json::Value::deserialize(d)?,
            "a reference",
            |t| {
                if t.trim() == AUTO_REFERENCE {
                    Reference::Auto
                } else {
                    Reference::Text(t)
                }
            },
            Reference::Parts,
        )
        .map_err(D::Error::custom)
    }
}

impl<'de> Deserialize<'de> for Item {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        string_or_object(
            serde_json::Value::deserialize(d)?,
            "a list item",
            Item::Text,
            Item::Full,
        )
        .map_err(D::Error::custom)
    }
}

fn string_or_object<T, O>(
    v: serde_json::Value,
    what: &str,
    text: impl FnOnce(String) -> T,
    object: impl FnOnce(O) -> T,
) -> Result<T, String>
where
    O: serde::de::DeserializeOwned,
{
    match v {
        serde_json::Value::String(s) => Ok(text(s)),
        v @ serde_json::Value::Object(_) => serde_json::from_value(v)
            .map(object)
            .map_err(|e| e.to_string()),
        _ => Err(format!("{what} is a string or an object")),
    }
}

/// The fields that belong to some kinds only, with those kinds and what the
/// form is called in a problem: the checker refuses them elsewhere, and the
/// schema marks them (`x-kinds`) so a form shows them only where they belong.
/// (`meeting` and `endorsements` are refused in words of their own.)
pub const KIND_ONLY: &[(&str, &[Kind], &str)] = &[
    (
        "issue",
        &[Kind::Statement, Kind::News],
        "statement or news release (ฉบับที่)",
    ),
    ("initials", &[Kind::Stamped], "stamped letter"),
    ("photo", &[Kind::Certificate], "certificate"),
    (
        "effective",
        &[Kind::Regulation, Kind::Bylaw],
        "regulation or bylaw",
    ),
    ("meeting", &[Kind::Minutes], "meeting's minutes"),
    (
        "endorsements",
        &[Kind::Memo, Kind::Minutes],
        "memo or meeting's minutes",
    ),
];

/// False when `field` belongs to other kinds of document than `kind` (see
/// [`KIND_ONLY`]).
pub fn belongs(field: &str, kind: Kind) -> bool {
    KIND_ONLY
        .iter()
        .find(|(f, _, _)| *f == field)
        .is_none_or(|(_, kinds, _)| kinds.contains(&kind))
}

/// What the schema says of a document by its kind, as `check` does: which
/// kinds need a subject, an addressee, a signatory; and which fields belong
/// to which kinds.
fn kind_rules(schema: &mut schemars::Schema) {
    if let Some(props) = schema.get_mut("properties").and_then(|p| p.as_object_mut()) {
        for (field, kinds, _) in KIND_ONLY {
            if let Some(p) = props.get_mut(*field).and_then(|p| p.as_object_mut()) {
                let names: Vec<&str> = kinds.iter().map(|k| k.name()).collect();
                p.insert("x-kinds".into(), serde_json::json!(names));
            }
        }
    }
    let needing = |kinds: &[Kind], field: &str| {
        let names: Vec<&str> = kinds.iter().map(|k| k.name()).collect();
        serde_json::json!({
            "if": {"properties": {"kind": {"enum": names}}, "required": ["kind"]},
            "then": {"required": [field]}
        })
    };
    let with_subject: Vec<Kind> = Kind::ALL
        .into_iter()
        .filter(|k| {
            !matches!(
                k,
                Kind::Standard | Kind::Stamped | Kind::Certificate | Kind::Minutes
            )
        })
        .collect();
    let signed: Vec<Kind> = Kind::ALL.into_iter().filter(|k| !k.unsigned()).collect();
    schema.insert(
        "allOf".into(),
        serde_json::json!([
            needing(&with_subject, "subject"),
            needing(&[Kind::External, Kind::Memo, Kind::Stamped], "to"),
            needing(&[Kind::Standard], "title"),
            needing(&signed, "signatory"),
            needing(&Kind::ALL, "body"),
        ]),
    );
}

/// Serde's default for a flag that is on unless turned off.
fn yes() -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_is_its_own_reference_and_prints_back_as_auto() {
        let read = |v: serde_json::Value| serde_json::from_value::<Reference>(v).unwrap();
        assert!(matches!(read(serde_json::json!(" auto ")), Reference::Auto));
        assert!(matches!(
            read(serde_json::json!("ขก 0017.5/12")),
            Reference::Text(_)
        ));
        assert!(matches!(
            read(serde_json::json!({"number": 3})),
            Reference::Parts(_)
        ));
        assert_eq!(
            serde_json::to_value(Reference::Auto).unwrap(),
            serde_json::json!("auto")
        );
        assert_eq!(
            serde_json::to_value(read(serde_json::json!({"number": 3}))).unwrap()["number"],
            3
        );
    }
}
