//! Agency profiles: the letterhead, code, contact and layout preferences a request
//! can name instead of repeating them.

use std::collections::BTreeMap;
use std::path::Path;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Problem, Problems};
use crate::thai::DigitStyle;

/// The sending agency, by profile id or inline.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum AgencyRef {
    /// The id of a stored profile.
    Id(String),
    /// A whole profile.
    Inline(Box<Agency>),
}

/// The contact block at the foot of an external letter.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// The owning unit (ส่วนราชการเจ้าของเรื่อง), one or two lines.
    #[serde(default)]
    pub unit: Vec<String>,
    /// `โทร.`
    #[serde(default)]
    pub phone: Option<String>,
    /// `โทรสาร`
    #[serde(default)]
    pub fax: Option<String>,
    /// `ไปรษณีย์อิเล็กทรอนิกส์`
    #[serde(default)]
    pub email: Option<String>,
    /// Further lines printed as given (`โทร./โทรสาร ๐ ๔๓๒๓ ๘๐๐๑ มท ๔๐๑๕๓`).
    #[serde(default)]
    pub lines: Vec<String>,
}

/// An agency profile.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Agency {
    /// Short id used in requests and the register (`khonkaen-province`).
    #[serde(default)]
    pub id: Option<String>,
    /// The agency's name as it follows `ประกาศ`, `คำสั่ง` and `หนังสือ`
    /// (`จังหวัดขอนแก่น`).
    pub name: String,
    /// Address lines printed on the right of an external letter.
    #[serde(default)]
    pub address: Vec<String>,
    /// Agency code with sub-unit, for `ที่` (`ขก ๐๐๑๗.๕`).
    #[serde(default)]
    pub code: Option<String>,
    /// Default contact block.
    #[serde(default)]
    pub contact: Option<Contact>,
    /// The agency's own emblem as a `data:image/png;base64,...` URI; the Garuda
    /// shipped with saraban otherwise.
    #[serde(default)]
    pub emblem: Option<String>,
    /// The agency's round seal (ตราชื่อส่วนราชการ) as a `data:image/png;base64,...`
    /// URI, stamped over its name on a stamped letter.
    #[serde(default)]
    pub seal: Option<String>,
    /// Digits for generated numbers: `thai` (default) or `arabic`.
    #[serde(default)]
    pub digits: DigitStyle,
    /// Print Arabic digits typed in the text as Thai digits (`พ.ศ. 2568` →
    /// `พ.ศ. ๒๕๖๘`), for an agency that writes Thai digits throughout. Off by
    /// default, so that a reproduction keeps the digits of its original. Web
    /// and e-mail addresses and words mixing Latin letters and digits keep
    /// theirs.
    #[serde(default)]
    pub thai_digits_in_text: bool,
    /// The PDF standard the agency's letters are written to (`a-2b` for an
    /// archive or e-saraban system that asks for PDF/A); a request may ask
    /// for another.
    #[serde(default)]
    pub pdf_standard: Option<crate::PdfStandard>,
    /// Sign every letter of the agency (PAdES): the PKCS#12 file and where
    /// its password is kept. Only a stored profile may name one; a letter's
    /// own profile cannot.
    #[serde(default)]
    pub signing: Option<crate::signing::SigningProfile>,
    /// The credential `signing` names, loaded with the profile.
    #[serde(skip)]
    #[schemars(skip)]
    pub signer: Option<crate::signing::SharedSigner>,
    /// Layout figures where typing guides differ.
    #[serde(default)]
    pub layout: Layout,
    /// The agency's own words, abbreviations and names that must never be broken
    /// across lines (added to the shipped dictionary).
    #[serde(default)]
    pub words: Vec<String>,
}

/// Horizontal positions and block spacing that differ between agencies' guides.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Layout {
    /// Where the date of an external letter starts, cm from the paper's left edge.
    pub date_x_cm: f64,
    /// Where the address block starts, cm from the paper's left edge.
    pub address_x_cm: f64,
    /// Where the signature block is centred when no closing stands above it
    /// (memos, announcements, orders), cm from the left edge. Under a closing
    /// (external letters) the name is centred under the closing, which starts
    /// at `date_x_cm`.
    pub signature_x_cm: f64,
    /// Space between blocks, in points: 20.8 for one blank line, 6 for `Enter + 6 pt`.
    pub block_gap_pt: f64,
    /// Font size of the text, in points of TH SarabunPSK (the Regulation's 16 pt):
    /// a font drawn larger for its size, such as Laksaman, is set smaller so that
    /// its type is as large (see [`crate::render::Engine::font_scale`]).
    pub font_size_pt: f64,
    /// One line of text, baseline to baseline, in points: 20.8 (1.3 × 16, TH
    /// Sarabun's single spacing) by default; offices measured at 18.1 to 21.
    pub line_pitch_pt: f64,
    /// The contact block (owning unit, telephone, สำเนาส่ง) at the foot of the
    /// signature's page, as most offices print it (default), or right under
    /// the signature.
    pub contact_at_foot: bool,
    /// Where the second line of a numbered item starts: at the left margin
    /// (`margin`, default, as most offices type them) or under the item's
    /// text, after its number (`text`, a hanging indent).
    pub item_wrap: ItemWrap,
    /// How far each level of a list stands in from the level above, in cm
    /// (0.75 by default; under a hanging indent a sub-item's number stands
    /// under its parent's text instead).
    pub item_step_cm: f64,
    /// The title lines of an announcement or order in bold (default false:
    /// the Regulation's forms set them in plain type).
    pub title_bold: bool,
    /// What is drawn under the title lines of an announcement or order: a
    /// short solid rule (`line`, default), a dotted one (`dots`) or nothing.
    pub title_rule: TitleRule,
    /// Font family names, first choice first (an agency may drop TH SarabunPSK into
    /// the fonts directory and name it here).
    pub fonts: Vec<String>,
}

impl Default for Layout {
    fn default() -> Self {
        Layout {
            date_x_cm: 10.5,
            address_x_cm: 13.0,
            signature_x_cm: 12.5,
            block_gap_pt: 6.0,
            font_size_pt: 16.0,
            line_pitch_pt: 20.8,
            contact_at_foot: true,
            item_wrap: ItemWrap::Margin,
            item_step_cm: 0.75,
            title_bold: false,
            title_rule: TitleRule::Line,
            fonts: vec!["TH SarabunPSK".into(), "Laksaman".into()],
        }
    }
}

/// Where the second line of a numbered item starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ItemWrap {
    /// At the left margin.
    Margin,
    /// Under the item's text (a hanging indent).
    Text,
}

/// The rule under the title lines of an announcement or order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TitleRule {
    /// A short solid rule, 4 cm.
    Line,
    /// A dotted rule (`.........................`).
    Dots,
    /// Nothing.
    None,
}

/// The profiles shipped in `letter-templates/agencies/`.
const BUILT_IN: &[(&str, &str)] = &[
    (
        "khonkaen-province",
        include_str!("../letter-templates/agencies/khonkaen-province.json"),
    ),
    (
        "phatthalung-2",
        include_str!("../letter-templates/agencies/phatthalung-2.json"),
    ),
    (
        "samutprakan-2",
        include_str!("../letter-templates/agencies/samutprakan-2.json"),
    ),
    (
        "songdao-municipality",
        include_str!("../letter-templates/agencies/songdao-municipality.json"),
    ),
];

/// A set of agency profiles by id.
#[derive(Debug, Clone, Default)]
pub struct Agencies {
    by_id: BTreeMap<String, Agency>,
}

impl Agencies {
    /// The profiles shipped with saraban.
    pub fn built_in() -> Self {
        let mut set = Agencies::default();
        for (id, json) in BUILT_IN {
            let mut agency: Agency =
                serde_json::from_str(json).expect("built-in agency profiles are valid JSON");
            agency.id = Some((*id).to_string());
            set.by_id.insert((*id).to_string(), agency);
        }
        set
    }

    /// Adds every `*.json` profile in `dir`; a file's stem is its id unless it names one.
    pub fn load_dir(&mut self, dir: &Path) -> anyhow::Result<usize> {
        let mut count = 0;
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.extension().and_then(|e| e.to_str()) != Some("json") {
                continue;
            }
            let text = std::fs::read_to_string(&path)?;
            let mut agency: Agency = serde_json::from_str(&text)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            if let Some(signing) = &agency.signing {
                let signer = crate::signing::Signer::load(signing, dir)
                    .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
                agency.signer = Some(std::sync::Arc::new(signer));
            }
            let id = agency.id.clone().unwrap_or_else(|| {
                path.file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default()
            });
            agency.id = Some(id.clone());
            self.by_id.insert(id, agency);
            count += 1;
        }
        Ok(count)
    }

    /// The profile with this id.
    pub fn get(&self, id: &str) -> Option<&Agency> {
        self.by_id.get(id)
    }

    /// All profiles, by id.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Agency)> {
        self.by_id.iter()
    }

    /// Resolves a request's agency field, naming the field when it is wrong.
    pub fn resolve(&self, agency: &AgencyRef) -> Result<Agency, Problems> {
        match agency {
            AgencyRef::Id(id) => self.get(id).cloned().ok_or_else(|| {
                let known: Vec<&str> = self.by_id.keys().map(String::as_str).collect();
                Problems::one(Problem::new(
                    "agency",
                    format!("unknown agency '{id}' (known: {})", known.join(", ")),
                ))
            }),
            AgencyRef::Inline(a) if a.signing.is_some() => Err(Problems::one(Problem::new(
                "agency.signing",
                "a letter's own profile cannot name a certificate; name a stored profile \
                     that signs (its id)",
            ))),
            AgencyRef::Inline(a) => Ok((**a).clone()),
        }
    }
}
