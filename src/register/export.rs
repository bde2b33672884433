//! The register as CSV, in the official column layout of the outgoing
//! register (ทะเบียนหนังสือส่ง).

use super::{Entry, EntryStatus};

/// The official columns: number, reference, date, from, to, subject, action,
/// remarks.
pub const CSV_COLUMNS: [&str; 8] = [
    "เลขทะเบียนส่ง",
    "ที่",
    "ลงวันที่",
    "จาก",
    "ถึง",
    "เรื่อง",
    "การปฏิบัติ",
    "หมายเหตุ",
];

/// The entries as CSV with a header row.
///
/// Starts with a UTF-8 byte-order mark: without it Excel, which most
/// registry clerks open CSV in, reads the Thai as mojibake. Numbers carry
/// their series (`ว 15`, `คำสั่ง 3`) so a listing mixing series is
/// unambiguous; dates stay ISO so the sheet sorts them. `การปฏิบัติ` is left
/// for the clerk; `หมายเหตุ` says why a number was cancelled or that it is
/// still pending.
pub fn to_csv(entries: &[Entry]) -> String {
    let mut out = csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail; a failure here would be a bug in csv.
    out.write_record(CSV_COLUMNS).expect("CSV to memory");
    for e in entries {
        let number = format!("{}{}", e.series.number_prefix(), e.number);
        let remarks = match e.status {
            EntryStatus::Issued => String::new(),
            EntryStatus::Pending => "รอออกหนังสือ (pending)".to_string(),
            EntryStatus::Cancelled => {
                format!("ยกเลิก: {}", e.cancel_reason.as_deref().unwrap_or_default())
            }
        };
        out.write_record([
            number.as_str(),
            &e.reference_text,
            e.letter_date.as_deref().unwrap_or_default(),
            &e.sender,
            &e.recipient,
            &e.subject,
            "",
            &remarks,
        ])
        .expect("CSV to memory");
    }
    let bytes = out.into_inner().expect("CSV to memory");
    let text = String::from_utf8(bytes).expect("CSV of strings is UTF-8");
    format!("\u{feff}{text}")
}
