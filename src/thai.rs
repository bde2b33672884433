//! Thai-language formatting for official correspondence (งานสารบรรณ):
//! Thai digits, Buddhist-era dates, amounts of money in figures and in
//! words, and document reference numbers (เลขที่หนังสือ).
//!
//! Self-contained on purpose: it knows nothing of the letter model, so the
//! rules here can be tested in isolation and reused by any template.

mod counter;
mod date;
mod digits;
mod money;
mod reference;

pub use counter::{ListStyle, counting_letter, label as counter_label};
pub use date::{DateError, DateStyle, MONTHS, MONTHS_ABBR, ThaiDate, buddhist_year, format_date};
pub use digits::{DigitStyle, apply_digits, number, to_arabic_digits, to_thai_digits};
pub use money::{AmountError, Baht, baht_text, format_amount};
pub use reference::{
    DRAFT_NUMBER, ReferenceNumber, format_draft_reference, format_reference, parse_reference,
    validate_agency_code,
};
