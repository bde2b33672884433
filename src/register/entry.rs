//! One line of the register: a number and the letter it was issued to.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use super::{RegisterError, Series};

/// Where a number stands. A number never leaves the register: it is pending,
/// issued or cancelled, so an audit accounts for every number 1..=last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum EntryStatus {
    /// Allocated, the PDF not yet recorded: the render is under way, or the
    /// process died before it finished. Shown in listings so it cannot hide;
    /// a retry with the same idempotency key completes it, or a clerk
    /// cancels it.
    Pending,
    /// Allocated and its PDF recorded.
    Issued,
    /// Cancelled with a reason, by a clerk or because its render failed.
    /// Never issued again.
    Cancelled,
}

impl EntryStatus {
    /// The name stored in the database and shown in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            EntryStatus::Pending => "pending",
            EntryStatus::Issued => "issued",
            EntryStatus::Cancelled => "cancelled",
        }
    }
}

impl fmt::Display for EntryStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EntryStatus {
    type Err = RegisterError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "pending" => Ok(EntryStatus::Pending),
            "issued" => Ok(EntryStatus::Issued),
            "cancelled" => Ok(EntryStatus::Cancelled),
            _ => Err(RegisterError::Internal(format!(
                "unknown entry status '{s}'"
            ))),
        }
    }
}

/// A register row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Entry {
    /// Agency id (the profile's `id`).
    pub agency: String,
    /// Buddhist-era year of the register book.
    pub year: i32,
    /// Numbering series.
    pub series: Series,
    /// The running number, from 1.
    pub number: u32,
    /// The reference exactly as printed after `ที่`.
    pub reference_text: String,
    /// The letter's date as given (`2025-06-15`, or `2025-06`), if it had one.
    pub letter_date: Option<String>,
    /// จาก: who sent the letter.
    pub sender: String,
    /// ถึง: to whom.
    pub recipient: String,
    /// เรื่อง.
    pub subject: String,
    /// SHA-256 (hex) of the PDF that carried the number, once recorded.
    pub pdf_sha256: Option<String>,
    /// When the number was allocated (RFC 3339, UTC).
    pub created_at: String,
    /// The API key that asked for it; None for the CLI.
    pub api_key_id: Option<String>,
    /// Pending, issued or cancelled.
    pub status: EntryStatus,
    /// Why it was cancelled.
    pub cancel_reason: Option<String>,
    /// When it was cancelled (RFC 3339, UTC).
    pub cancelled_at: Option<String>,
    /// The client's idempotency key, shared by the numbers of one batch.
    pub idempotency_key: Option<String>,
}

/// Longest cancel reason kept.
const MAX_REASON: usize = 2000;

/// "number ว 15 of moe/2568", for messages.
pub(crate) fn describe_number(agency: &str, year_be: i32, series: Series, number: u32) -> String {
    format!(
        "number {}{number} of {agency}/{year_be}",
        series.number_prefix()
    )
}

/// A cancel reason, trimmed, or `Invalid` when it is empty or too long.
pub(crate) fn check_cancel_reason(reason: &str) -> Result<&str, RegisterError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(RegisterError::invalid(
            "reason",
            "is required: say why the number is cancelled",
        ));
    }
    if reason.chars().count() > MAX_REASON {
        return Err(RegisterError::invalid(
            "reason",
            format!("is longer than {MAX_REASON} characters"),
        ));
    }
    Ok(reason)
}
