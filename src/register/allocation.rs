//! The request for numbers, what the register hands back, and what the caller
//! reports once the PDF is rendered.

use std::ops::RangeInclusive;

use serde::Serialize;

use super::{RegisterError, Series, year};
use crate::thai::{DigitStyle, ReferenceNumber, format_reference, validate_agency_code};

/// Most numbers one request may take: a batch is one transaction, and one
/// that large already holds the write lock for a noticeable time.
pub const MAX_BATCH: usize = 1000;

/// Largest response body kept for idempotent replay. Beyond it only the
/// numbers and PDF hashes are kept; a replay then re-renders (typst output is
/// deterministic) and the caller can check the bytes against the hashes.
pub const MAX_STORED_BODY: usize = 32 * 1024 * 1024;

/// Longest idempotency key accepted, as most HTTP APIs allow.
pub const MAX_IDEMPOTENCY_KEY: usize = 255;

/// Longest text kept in a register column; a circular's recipient list can
/// be long, but not a book.
const MAX_TEXT: usize = 20_000;

/// A request for `letters.len()` consecutive numbers of one series.
#[derive(Debug, Clone)]
pub struct Allocation {
    /// Agency id (the profile's `id`), whose register is used.
    pub agency: String,
    /// The series to number in.
    pub series: Series,
    /// Buddhist-era year of the register book: the letter's year (see
    /// [`year_be_of_date`](super::year_be_of_date)), or the current one.
    pub year_be: i32,
    /// Agency code printed before the number (`ขก 0017.5`); empty for the
    /// memo and order style `number/year`.
    pub code: String,
    /// Prints `/year` after the number, as memos and orders do.
    pub year_in_reference: bool,
    /// Digits of the printed reference, the agency's choice.
    pub digits: DigitStyle,
    /// The client's `Idempotency-Key`: a retry under it gets the same numbers
    /// and the same response, never new numbers.
    pub idempotency_key: Option<String>,
    /// [`request_hash`](super::request_hash) of the request body; the same
    /// key with another body is refused as a conflict.
    pub request_hash: String,
    /// The API key that asked; None for the CLI.
    pub api_key_id: Option<String>,
    /// One entry per number: a batch of letters gets one number each, a
    /// circular sent to many gets one number (one entry naming them all).
    pub letters: Vec<LetterDetails>,
}

/// What the register records about one letter.
#[derive(Debug, Clone, Default)]
pub struct LetterDetails {
    /// The letter's date as written in the request (`2025-06-15`).
    pub letter_date: Option<String>,
    /// จาก: the sending agency or unit.
    pub sender: String,
    /// ถึง: the addressee, or all of a circular's addressees.
    pub recipient: String,
    /// เรื่อง.
    pub subject: String,
}

impl Allocation {
    /// Checks the request before any transaction starts, naming the field.
    pub(crate) fn validate(&self) -> Result<(), RegisterError> {
        check_agency(&self.agency)?;
        year::check_year_be(self.year_be)?;
        let code = self.code.trim();
        if !code.is_empty() {
            validate_agency_code(code).map_err(|e| RegisterError::invalid("code", e))?;
        }
        if let Some(key) = &self.idempotency_key {
            check_idempotency_key(key)?;
        }
        if self.request_hash.is_empty() {
            return Err(RegisterError::invalid("request_hash", "is empty"));
        }
        if self.letters.is_empty() {
            return Err(RegisterError::invalid(
                "letters",
                "is empty: a request takes at least one number",
            ));
        }
        if self.letters.len() > MAX_BATCH {
            return Err(RegisterError::invalid(
                "letters",
                format!(
                    "{} letters; at most {MAX_BATCH} numbers per request",
                    self.letters.len()
                ),
            ));
        }
        for (i, letter) in self.letters.iter().enumerate() {
            for (name, value) in [
                ("sender", &letter.sender),
                ("recipient", &letter.recipient),
                ("subject", &letter.subject),
            ] {
                if value.chars().count() > MAX_TEXT {
                    return Err(RegisterError::invalid(
                        format!("letters[{i}].{name}"),
                        format!("is longer than {MAX_TEXT} characters"),
                    ));
                }
            }
            if let Some(date) = &letter.letter_date
                && date.len() > 64
            {
                return Err(RegisterError::invalid(
                    format!("letters[{i}].letter_date"),
                    "is not a date",
                ));
            }
        }
        Ok(())
    }

    /// The reference printed for `number`, exactly as the letter shows it.
    pub fn reference_text(&self, number: u32) -> String {
        format_reference(
            &ReferenceNumber {
                code: self.code.trim().to_string(),
                circular: self.series.is_circular(),
                number,
                width: 0,
                year_be: self.year_in_reference.then_some(self.year_be),
            },
            self.digits,
        )
    }
}

/// Checks an agency id given by a client, a key or a URL.
pub(crate) fn check_agency(agency: &str) -> Result<(), RegisterError> {
    if agency.trim().is_empty() {
        return Err(RegisterError::invalid("agency", "is empty"));
    }
    if agency.len() > 200 {
        return Err(RegisterError::invalid("agency", "is longer than 200 bytes"));
    }
    Ok(())
}

fn check_idempotency_key(key: &str) -> Result<(), RegisterError> {
    let field = "Idempotency-Key";
    if key.is_empty() {
        return Err(RegisterError::invalid(field, "is empty"));
    }
    if key.len() > MAX_IDEMPOTENCY_KEY {
        return Err(RegisterError::invalid(
            field,
            format!("is longer than {MAX_IDEMPOTENCY_KEY} characters"),
        ));
    }
    // An HTTP header value: visible ASCII only.
    if !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(RegisterError::invalid(
            field,
            "may hold only visible ASCII characters",
        ));
    }
    Ok(())
}

/// A response kept for idempotent replay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    /// HTTP status sent.
    pub status: u16,
    /// `Content-Type` sent (`application/pdf`, `application/zip`).
    pub content_type: String,
    /// The body, byte for byte.
    pub body: Vec<u8>,
}

/// The numbers the register gave, first to last, consecutive.
#[derive(Debug, Clone, Serialize)]
pub struct Allocated {
    /// Agency id.
    pub agency: String,
    /// Buddhist-era year of the register book.
    pub year: i32,
    /// Series numbered in.
    pub series: Series,
    /// First number of the block.
    pub first: u32,
    /// Last number of the block (equal to `first` for one letter).
    pub last: u32,
    /// The printed reference of each number, `first` first; pass it to
    /// [`compose`](crate::compose()) so the letter shows what the register holds.
    pub references: Vec<String>,
    /// True when the idempotency key had been seen: these are the numbers
    /// the first request got, and no new number was taken.
    pub replay: bool,
    /// On replay, the PDF hash recorded for each number so far.
    pub pdf_sha256: Vec<Option<String>>,
    /// On replay, the response the first request completed with; send it
    /// as it is. None on replay means the first request never completed
    /// (still rendering, or it died): render again and call
    /// [`complete`](super::RegisterStore::complete).
    #[serde(skip)]
    pub response: Option<StoredResponse>,
    /// The idempotency key the numbers were taken under.
    pub idempotency_key: Option<String>,
}

impl Allocated {
    /// The numbers, first to last.
    pub fn numbers(&self) -> RangeInclusive<u32> {
        self.first..=self.last
    }

    /// How many numbers.
    pub fn count(&self) -> usize {
        (self.last - self.first + 1) as usize
    }

    /// The report to make once the PDFs are rendered: one SHA-256 per number
    /// (`first` first) and, for an idempotent request, the response to keep.
    pub fn completion(
        &self,
        pdf_sha256: Vec<String>,
        response: Option<StoredResponse>,
    ) -> Completion {
        Completion {
            agency: self.agency.clone(),
            year: self.year,
            series: self.series,
            first: self.first,
            pdf_sha256,
            idempotency_key: self.idempotency_key.clone(),
            response,
        }
    }
}

/// What the caller reports after rendering: it marks the numbers issued and
/// keeps the response for replay, in one transaction.
#[derive(Debug, Clone)]
pub struct Completion {
    /// Agency id.
    pub agency: String,
    /// Buddhist-era year.
    pub year: i32,
    /// Series.
    pub series: Series,
    /// Number the hashes start at.
    pub first: u32,
    /// SHA-256 (hex) of each number's PDF; several numbers may share one
    /// PDF (a batch rendered into one file).
    pub pdf_sha256: Vec<String>,
    /// The idempotency key of the allocation, if any.
    pub idempotency_key: Option<String>,
    /// The response to keep for replay; ignored without an idempotency key.
    pub response: Option<StoredResponse>,
}

impl Completion {
    /// The last number the hashes cover, once each hash is checked to be a
    /// lower-case hex SHA-256.
    pub(crate) fn checked_last(&self) -> Result<u32, RegisterError> {
        if self.pdf_sha256.is_empty() {
            return Err(RegisterError::invalid("pdf_sha256", "is empty"));
        }
        for (i, hash) in self.pdf_sha256.iter().enumerate() {
            if hash.len() != 64 || !hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
                return Err(RegisterError::invalid(
                    format!("pdf_sha256[{i}]"),
                    "is not a SHA-256 in lower-case hex",
                ));
            }
        }
        let count = u32::try_from(self.pdf_sha256.len())
            .map_err(|_| RegisterError::invalid("pdf_sha256", "has too many hashes"))?;
        self.first
            .checked_add(count - 1)
            .ok_or_else(|| RegisterError::invalid("pdf_sha256", "runs past the last number"))
    }
}

/// Why numbers were abandoned, as the book records it: the failure's first
/// 500 characters (the whole goes to the log), so that a long failure never
/// makes the cancelling itself fail and leave the numbers pending.
pub fn abandon_reason(failure: &str) -> String {
    failure.chars().take(500).collect()
}
