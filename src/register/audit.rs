//! The auditor's question: is every number up to the last one accounted for?

use serde::Serialize;

use super::Series;

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
    /// The next number the series will give.
    pub fn next(&self) -> u32 {
        self.last + 1
    }

    /// True when every number 1..=last has its row.
    pub fn complete(&self) -> bool {
        self.missing.is_empty()
    }
}
