//! The register printed as the book a registry clerk keeps: A4 landscape, the
//! official columns ([`CSV_COLUMNS`]), the header row repeated on every page,
//! Thai digits and Thai dates. The rows go to `letter-templates/register.typ`
//! as a JSON view, never as typst source.

use serde::Serialize;

#[cfg(test)]
use super::Series;
use super::{CSV_COLUMNS, Entry, EntryStatus, official_rows};
use crate::error::Error;
use crate::linebreak::Words;
use crate::render::{self, Engine};
use crate::text::Text;
use crate::thai::{DateStyle, DigitStyle, ThaiDate, apply_digits, format_date};

/// The template that lays the register out.
pub const TEMPLATE: &str = "register.typ";

/// The title of the book.
pub const TITLE: &str = "ทะเบียนหนังสือส่ง";

/// One agency's register for one year, ready to print.
#[derive(Debug, Clone)]
pub struct RegisterPage {
    /// The agency's name as printed (`จังหวัดขอนแก่น`).
    pub agency_name: String,
    /// Buddhist-era year of the book.
    pub year_be: i32,
    /// The agency's digits.
    pub digits: DigitStyle,
    /// Font families, first choice first (the agency profile's).
    pub fonts: Vec<String>,
    /// The rows, as [`RegisterStore::list`](super::RegisterStore::list) gives them.
    pub entries: Vec<Entry>,
}

/// What `register.typ` receives.
#[derive(Debug, Serialize)]
pub struct RegisterView {
    /// `ทะเบียนหนังสือส่ง`.
    pub title: String,
    /// The agency's name.
    pub agency_name: String,
    /// `ประจำปี พ.ศ. ๒๕๖๘`.
    pub year_text: String,
    /// `thai` or `arabic`, for the page numbers the template writes.
    pub digits: DigitStyle,
    /// Font families.
    pub fonts: Vec<String>,
    /// The column heads.
    pub columns: Vec<&'static str>,
    /// The rows.
    pub rows: Vec<RegisterRow>,
    /// What an empty book says.
    pub empty: &'static str,
}

/// One printed row.
#[derive(Debug, Serialize)]
pub struct RegisterRow {
    /// The eight cells, in the order of [`CSV_COLUMNS`], split where a line may
    /// break as letters are (a narrow cell must not cut `ขอน|แก่น`).
    pub cells: [Text; 8],
    /// `issued`, `pending` or `cancelled`; a cancelled row is greyed and
    /// marked `ยกเลิก`.
    pub status: &'static str,
}

impl RegisterPage {
    /// The view the template gets: the official rows with Thai digits and dates.
    pub fn view(&self) -> RegisterView {
        let digits = self.digits;
        let words = Words::new(None);
        let rows = official_rows(&self.entries)
            .into_iter()
            .zip(&self.entries)
            .map(|(mut cells, entry)| {
                cells[0] = apply_digits(&cells[0], digits);
                cells[2] = match cells[2].trim().parse::<ThaiDate>() {
                    Ok(date) => format_date(date, DateStyle::ShortBe, digits),
                    Err(_) => apply_digits(&cells[2], digits),
                };
                if entry.status == EntryStatus::Cancelled {
                    cells[6] = "ยกเลิก".to_string();
                }
                RegisterRow {
                    cells: cells.map(|c| words.chunks(&c, &|_, _, _| false)),
                    status: entry.status.as_str(),
                }
            })
            .collect();
        RegisterView {
            title: TITLE.to_string(),
            agency_name: self.agency_name.clone(),
            year_text: apply_digits(&format!("ประจำปี พ.ศ. {}", self.year_be), digits),
            digits,
            fonts: self.fonts.clone(),
            columns: CSV_COLUMNS.to_vec(),
            rows,
            empty: "ยังไม่มีหนังสือส่งในปีนี้",
        }
    }

    /// The printed register, laid out.
    pub fn document(&self, engine: &Engine) -> Result<typst_layout::PagedDocument, Error> {
        let data = serde_json::to_vec(&self.view())
            .map_err(|e| Error::Template(format!("register view does not serialise: {e}")))?;
        let doc = engine.compile(TEMPLATE, data, &[]);
        render::evict_cache();
        doc
    }

    /// The printed register as PDF.
    pub fn pdf(&self, engine: &Engine) -> Result<Vec<u8>, Error> {
        render::to_pdf(&self.document(engine)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frames;
    use crate::linebreak::{BreakKind, thai_runs};

    #[test]
    fn narrow_cells_break_between_words() {
        let recipient = "ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษาประถมศึกษาขอนแก่น เขต ๑";
        let entries = (1..=3)
            .map(|n| Entry {
                agency: "khonkaen-province".into(),
                year: 2568,
                series: Series::Normal,
                number: n,
                reference_text: format!("ขก ๐๐๑๗.๕/{n}"),
                letter_date: Some("2025-06-15".into()),
                sender: "สำนักงานจังหวัดขอนแก่น กลุ่มงานบริหารทรัพยากรบุคคล".into(),
                recipient: recipient.into(),
                subject: "ขอความอนุเคราะห์ประชาสัมพันธ์โครงการเสริมสร้างคุณธรรมและความโปร่งใส".into(),
                pdf_sha256: None,
                created_at: "2025-06-15T02:00:00Z".into(),
                api_key_id: None,
                idempotency_key: None,
                status: EntryStatus::Issued,
                cancel_reason: None,
                cancelled_at: None,
            })
            .collect();
        let page = RegisterPage {
            agency_name: "จังหวัดขอนแก่น".into(),
            year_be: 2568,
            digits: DigitStyle::Thai,
            fonts: vec!["Laksaman".into()],
            entries,
        };
        let doc = page.document(&Engine::shared()).unwrap();
        let words = Words::new(None);
        let mut checked = 0;
        for p in doc.pages() {
            // Runs of one cell share its left edge; read them top to bottom.
            let mut runs = frames::runs(&p.frame);
            runs.sort_by(|a, b| a.x.total_cmp(&b.x).then(a.y.total_cmp(&b.y)));
            for pair in runs.windows(2) {
                let (a, b) = (&pair[0], &pair[1]);
                if (a.x - b.x).abs() > 0.5 || b.y <= a.y || b.y - a.y > 1.6 * a.size {
                    continue;
                }
                let (Some(left), Some(right)) = (
                    thai_runs(&a.text).pop(),
                    thai_runs(&b.text).first().cloned(),
                ) else {
                    continue;
                };
                if left.end != a.text.trim_end().len() || right.start != 0 {
                    continue;
                }
                checked += 1;
                let kind = words.classify_break(&a.text[left], &b.text[right]);
                assert_eq!(kind, BreakKind::Ok, "{:?} | {:?}", a.text, b.text);
            }
        }
        assert!(checked > 0, "no cell wrapped between Thai letters");
    }
}
