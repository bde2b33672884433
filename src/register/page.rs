//! The register printed as the book a registry clerk keeps: A4 landscape, the
//! official columns ([`CSV_COLUMNS`]), the header row repeated on every page,
//! Thai digits and Thai dates. The rows go to `letter-templates/register.typ`
//! as a JSON view, never as typst source.

use serde::Serialize;

use super::{CSV_COLUMNS, Entry, EntryStatus, official_rows};
use crate::error::Error;
use crate::render::{self, Engine};
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
    pub digits: &'static str,
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
    /// The eight cells, in the order of [`CSV_COLUMNS`].
    pub cells: [String; 8],
    /// `issued`, `pending` or `cancelled`; a cancelled row is greyed and
    /// marked `ยกเลิก`.
    pub status: &'static str,
}

impl RegisterPage {
    /// The view the template gets: the official rows with Thai digits and dates.
    pub fn view(&self) -> RegisterView {
        let digits = self.digits;
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
                    cells,
                    status: entry.status.as_str(),
                }
            })
            .collect();
        RegisterView {
            title: TITLE.to_string(),
            agency_name: self.agency_name.clone(),
            year_text: apply_digits(&format!("ประจำปี พ.ศ. {}", self.year_be), digits),
            digits: match digits {
                DigitStyle::Thai => "thai",
                DigitStyle::Arabic => "arabic",
            },
            fonts: self.fonts.clone(),
            columns: CSV_COLUMNS.to_vec(),
            rows,
            empty: "ยังไม่มีหนังสือส่งในปีนี้",
        }
    }

    /// The printed register as PDF.
    pub fn pdf(&self, engine: &Engine) -> Result<Vec<u8>, Error> {
        let data = serde_json::to_vec(&self.view())
            .map_err(|e| Error::Template(format!("register view does not serialise: {e}")))?;
        let doc = engine.compile(TEMPLATE, data, &[]);
        render::evict_cache();
        render::to_pdf(&doc?)
    }
}
