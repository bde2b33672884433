//! The auditor's question: is every number up to the last one accounted for?

use serde::Serialize;

use super::{EntryStatus, RegisterError, Series};

/// The state of one series of an agency's register for a year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Audit {
    /// Series audited.
    pub series: Series,
    /// Last number taken; 0 when none has been.
    pub last: u32,
    /// Numbers in 1..=last that have no row: a finding against the agency.
    /// The register's transactions keep it empty.
    pub missing: Vec<u32>,
    /// Numbers still pending (taken, PDF not recorded).
    pub pending: Vec<u32>,
    /// How many numbers were cancelled.
    pub cancelled: u32,
}

impl Audit {
    /// The audit of a series whose last number is `last`, from its rows'
    /// numbers and states in ascending order (as any store reads them).
    pub(crate) fn from_rows(
        agency: &str,
        year_be: i32,
        series: Series,
        last: u32,
        rows: Vec<(u32, EntryStatus)>,
    ) -> Result<Audit, RegisterError> {
        let mut audit = Audit {
            series,
            last,
            missing: Vec::new(),
            pending: Vec::new(),
            cancelled: 0,
        };
        let mut expected = 1u32;
        for (number, status) in rows {
            if number > last {
                return Err(RegisterError::Internal(format!(
                    "{agency}/{year_be} {series} has a row for {number} past its last number {last}"
                )));
            }
            audit.missing.extend(expected..number);
            expected = number + 1;
            match status {
                EntryStatus::Pending => audit.pending.push(number),
                EntryStatus::Cancelled => audit.cancelled += 1,
                EntryStatus::Issued => {}
            }
        }
        audit.missing.extend(expected..=last);
        Ok(audit)
    }

    /// The next number the series will give.
    pub fn next(&self) -> u32 {
        self.last + 1
    }

    /// True when every number 1..=last has its row.
    pub fn complete(&self) -> bool {
        self.missing.is_empty()
    }
}
