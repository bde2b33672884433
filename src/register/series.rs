//! The numbering series of an agency's register: ordinary letters, circulars
//! (ว) and orders (คำสั่ง) each count from ๑ on their own.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::RegisterError;

/// One running sequence of an agency's register for a year.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Series {
    /// Ordinary outgoing letters: `ที่ ขก ๐๐๑๗.๕/๑๕`.
    Normal,
    /// Circulars (หนังสือเวียน), numbered after ว: `ที่ ขก ๐๐๑๗.๕/ว ๑๕`.
    Circular,
    /// Orders (คำสั่ง), which have a register of their own: `ที่ ๑๒๓/๒๕๖๗`.
    Order,
}

impl Series {
    /// All series, in the order a register lists them.
    pub const ALL: [Series; 3] = [Series::Normal, Series::Circular, Series::Order];

    /// The name stored in the database and used in URLs and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Series::Normal => "normal",
            Series::Circular => "circular",
            Series::Order => "order",
        }
    }

    /// True when the printed number carries ว.
    pub fn is_circular(self) -> bool {
        self == Series::Circular
    }

    /// What precedes the number in the register's number column, so one
    /// listing can mix series without two rows reading "15".
    pub fn number_prefix(self) -> &'static str {
        match self {
            Series::Normal => "",
            Series::Circular => "ว ",
            Series::Order => "คำสั่ง ",
        }
    }
}

impl fmt::Display for Series {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Series {
    type Err = RegisterError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Series::ALL
            .into_iter()
            .find(|series| series.as_str() == s)
            .ok_or_else(|| {
                RegisterError::invalid(
                    "series",
                    format!("'{s}' is not one of normal, circular, order"),
                )
            })
    }
}
