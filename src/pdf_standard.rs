//! The PDF standards a letter may be made to conform to: PDF/A for the
//! archives and e-saraban systems that file letters as records, PDF/UA for
//! readers who need the structure. typst enforces them while it writes the
//! PDF; what cannot conform is an error naming the reason.

use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A PDF standard saraban can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum PdfStandard {
    /// PDF/A-2b: the archival standard's visual conformance.
    #[serde(rename = "a-2b")]
    A2b,
    /// PDF/A-2u: as A-2b, and every character's Unicode known.
    #[serde(rename = "a-2u")]
    A2u,
    /// PDF/A-2a: as A-2u, and tagged (structure and alternate texts).
    #[serde(rename = "a-2a")]
    A2a,
    /// PDF/A-3b: as A-2b, and other files may be embedded.
    #[serde(rename = "a-3b")]
    A3b,
    /// PDF/A-3u.
    #[serde(rename = "a-3u")]
    A3u,
    /// PDF/A-3a.
    #[serde(rename = "a-3a")]
    A3a,
    /// PDF/UA-1: universal accessibility.
    #[serde(rename = "ua-1")]
    Ua1,
}

impl PdfStandard {
    /// Every standard, in the order the help lists them.
    pub const ALL: [PdfStandard; 7] = [
        PdfStandard::A2b,
        PdfStandard::A2u,
        PdfStandard::A2a,
        PdfStandard::A3b,
        PdfStandard::A3u,
        PdfStandard::A3a,
        PdfStandard::Ua1,
    ];

    /// The name requests use (`a-2b`).
    pub fn name(self) -> &'static str {
        match self {
            PdfStandard::A2b => "a-2b",
            PdfStandard::A2u => "a-2u",
            PdfStandard::A2a => "a-2a",
            PdfStandard::A3b => "a-3b",
            PdfStandard::A3u => "a-3u",
            PdfStandard::A3a => "a-3a",
            PdfStandard::Ua1 => "ua-1",
        }
    }

    /// True when the standard wants every glyph's Unicode in the font's
    /// ToUnicode map (all but PDF/A-…b).
    pub(crate) fn maps_every_glyph(self) -> bool {
        !matches!(self, PdfStandard::A2b | PdfStandard::A3b)
    }

    /// typst's name for it.
    pub(crate) fn typst(self) -> typst_pdf::PdfStandard {
        use typst_pdf::PdfStandard as T;
        match self {
            PdfStandard::A2b => T::A_2b,
            PdfStandard::A2u => T::A_2u,
            PdfStandard::A2a => T::A_2a,
            PdfStandard::A3b => T::A_3b,
            PdfStandard::A3u => T::A_3u,
            PdfStandard::A3a => T::A_3a,
            PdfStandard::Ua1 => T::Ua_1,
        }
    }

    /// The options typst exports with: the standard enforced, and the PDF
    /// tagged (saraban tags every PDF; PDF/A-…a and PDF/UA require it).
    pub(crate) fn options(standard: Option<PdfStandard>) -> Result<typst_pdf::PdfOptions, String> {
        let standards = match standard {
            Some(s) => {
                typst_pdf::PdfStandards::new(&[s.typst()]).map_err(|e| e.message().to_string())?
            }
            None => typst_pdf::PdfStandards::default(),
        };
        Ok(typst_pdf::PdfOptions {
            standards,
            tagged: true,
            // PDF/A wants a date; a letter without a day (left for the pen)
            // gets the time it was made. Without a standard the PDF stays the
            // same bytes from one run to the next.
            timestamp: standard.and_then(|_| now()),
            ..typst_pdf::PdfOptions::default()
        })
    }
}

/// The time now, as typst's PDF writer takes it.
fn now() -> Option<typst_pdf::Timestamp> {
    let t = time::OffsetDateTime::now_utc();
    let datetime = typst::foundations::Datetime::from_ymd_hms(
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
    )?;
    Some(typst_pdf::Timestamp::new_utc(datetime))
}

impl fmt::Display for PdfStandard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for PdfStandard {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let want = s.trim().to_ascii_lowercase().replace(['/', '_'], "-");
        let want = want.strip_prefix("pdf-").unwrap_or(&want);
        PdfStandard::ALL
            .into_iter()
            .find(|p| p.name() == want)
            .ok_or_else(|| {
                format!(
                    "'{s}' is not a PDF standard saraban writes: use one of {}",
                    PdfStandard::ALL.map(|p| p.name()).join(", ")
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_as_people_write_them() {
        assert_eq!("a-2b".parse(), Ok(PdfStandard::A2b));
        assert_eq!("PDF/A-3b".parse(), Ok(PdfStandard::A3b));
        assert_eq!("UA-1".parse(), Ok(PdfStandard::Ua1));
        let err = "a-4".parse::<PdfStandard>().unwrap_err();
        assert!(err.contains("a-2b, a-2u"), "{err}");
        for p in PdfStandard::ALL {
            assert_eq!(p.name().parse(), Ok(p));
            assert!(PdfStandard::options(Some(p)).is_ok());
        }
    }
}
