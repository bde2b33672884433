//! The register in the official column layout of the outgoing register
//! (ทะเบียนหนังสือส่ง): as rows for any printed form, and as CSV.

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

/// The entries as rows of [`CSV_COLUMNS`], so the CSV and a printed register
/// page show the same thing.
///
/// Numbers carry their series (`ว 15`, `คำสั่ง 3`) so a listing mixing
/// series is unambiguous; dates stay as the letter gave them (ISO), for the
/// caller to print in Thai. `การปฏิบัติ` is left for the clerk; `หมายเหตุ`
/// says why a number was cancelled or that it is still pending.
pub fn official_rows(entries: &[Entry]) -> Vec<[String; 8]> {
    entries
        .iter()
        .map(|e| {
            let remarks = match e.status {
                EntryStatus::Issued => String::new(),
                EntryStatus::Pending => "รอออกหนังสือ (pending)".to_string(),
                EntryStatus::Cancelled => {
                    format!("ยกเลิก: {}", e.cancel_reason.as_deref().unwrap_or_default())
                }
            };
            [
                format!("{}{}", e.series.number_prefix(), e.number),
                e.reference_text.clone(),
                e.letter_date.clone().unwrap_or_default(),
                e.sender.clone(),
                e.recipient.clone(),
                e.subject.clone(),
                String::new(),
                remarks,
            ]
        })
        .collect()
}

/// A cell that a spreadsheet would run as a formula (`=HYPERLINK(...)`,
/// `@SUM(1+1)`, `+...`, `-...`) gets a leading apostrophe, which spreadsheets
/// show as text (OWASP's advice for CSV injection); other cells stay as they are.
fn inert(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// The entries as CSV with a header row.
///
/// Starts with a UTF-8 byte-order mark: without it Excel, which most
/// registry clerks open CSV in, reads the Thai as mojibake.
pub fn to_csv(entries: &[Entry]) -> String {
    let mut out = csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail; a failure here would be a bug in csv.
    out.write_record(CSV_COLUMNS).expect("CSV to memory");
    for row in official_rows(entries) {
        out.write_record(row.iter().map(|cell| inert(cell).into_owned()))
            .expect("CSV to memory");
    }
    let bytes = out.into_inner().expect("CSV to memory");
    let text = String::from_utf8(bytes).expect("CSV of strings is UTF-8");
    format!("\u{feff}{text}")
}

#[cfg(test)]
mod tests {
    use super::inert;

    #[test]
    fn formulas_are_text_in_the_csv() {
        assert_eq!(
            inert("=HYPERLINK(\"http://x\",\"y\")"),
            "'=HYPERLINK(\"http://x\",\"y\")"
        );
        assert_eq!(inert("@SUM(1+1)"), "'@SUM(1+1)");
        assert_eq!(inert("+1"), "'+1");
        assert_eq!(inert("-1+2"), "'-1+2");
        assert_eq!(inert("ขอเชิญประชุม = ๑"), "ขอเชิญประชุม = ๑");
    }
}
