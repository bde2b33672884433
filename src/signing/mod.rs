//! Signed letters (PAdES baseline B-B): an agency profile names a PKCS#12
//! file and where its password is kept; every PDF of that agency is signed
//! with a detached CMS over its byte range, in an incremental update after
//! typst's file, so the letter as laid out is untouched.
//!
//! The certificate is read once, when the profile is loaded; the password is
//! read from an environment variable or a file and kept nowhere else. A
//! letter that brings its own profile cannot name a certificate: only the
//! service's stored profiles sign.

mod cades;
mod credential;
mod incremental;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use typst_layout::PagedDocument;

pub use credential::Credential;

/// How an agency signs its letters (the profile's `signing`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SigningProfile {
    /// The PKCS#12 file (`.p12`, `.pfx`) holding the signer's key and
    /// certificate chain, relative to the profile's directory.
    pub pkcs12: PathBuf,
    /// The environment variable that holds the file's password.
    #[serde(default)]
    pub password_env: Option<String>,
    /// A file whose first line is the password, relative to the profile's
    /// directory (a container secret, say).
    #[serde(default)]
    pub password_file: Option<PathBuf>,
    /// Show the signature as a field over the signature block (a viewer
    /// marks it and opens the signature's details there); invisible otherwise.
    #[serde(default)]
    pub visible: bool,
    /// Why the letters are signed, shown by viewers (`ลงนามหนังสือราชการ`).
    #[serde(default)]
    pub reason: Option<String>,
    /// Where they are signed (`ศาลากลางจังหวัดขอนแก่น`).
    #[serde(default)]
    pub location: Option<String>,
}

/// An agency's loaded signing credential and how it signs.
#[derive(Debug)]
pub struct Signer {
    credential: Credential,
    visible: bool,
    reason: Option<String>,
    location: Option<String>,
}

impl Signer {
    /// Loads the profile's PKCS#12 file, paths taken from `dir` (the
    /// profile's directory). Errors name the file or the variable, never the
    /// password.
    pub fn load(profile: &SigningProfile, dir: &Path) -> Result<Signer, String> {
        let password = match (&profile.password_env, &profile.password_file) {
            (Some(var), None) => std::env::var(var)
                .map_err(|_| format!("signing.password_env: the variable {var} is not set"))?,
            (None, Some(file)) => {
                let path = dir.join(file);
                let text = std::fs::read_to_string(&path).map_err(|e| {
                    format!(
                        "signing.password_file: {} cannot be read: {e}",
                        path.display()
                    )
                })?;
                text.lines().next().unwrap_or("").to_string()
            }
            _ => {
                return Err(
                    "signing: give exactly one of password_env and password_file".to_string(),
                );
            }
        };
        let credential = Credential::from_pkcs12_file(&dir.join(&profile.pkcs12), &password)
            .map_err(|e| format!("signing.pkcs12: {e}"))?;
        Ok(Signer::new(credential, profile))
    }

    /// A signer from a credential already loaded.
    pub fn new(credential: Credential, profile: &SigningProfile) -> Signer {
        Signer {
            credential,
            visible: profile.visible,
            reason: profile.reason.clone(),
            location: profile.location.clone(),
        }
    }

    /// The signer's name as the certificate gives it.
    pub fn name(&self) -> &str {
        self.credential.name()
    }

    /// Signs `pdf`, the PDF of `doc`; a visible field is placed over the
    /// signature block of `signatory` (the name printed in parentheses, its
    /// position lines `line_pitch` pt apart under it).
    pub fn sign(
        &self,
        pdf: &[u8],
        doc: &PagedDocument,
        signatory: &str,
        line_pitch: f64,
    ) -> Result<Vec<u8>, String> {
        let field = self
            .visible
            .then(|| signature_block(doc, signatory, line_pitch))
            .flatten()
            .unwrap_or_else(|| SignatureField::invisible(doc.pages().len()));
        self.sign_at(pdf, &field)
    }

    /// Signs a PDF whose signature block is unknown (a merged file): the
    /// field is invisible, on its last page.
    pub fn sign_file(&self, pdf: &[u8], pages: usize) -> Result<Vec<u8>, String> {
        self.sign_at(pdf, &SignatureField::invisible(pages))
    }

    /// Signs `pdf` now, its widget at `field`.
    fn sign_at(&self, pdf: &[u8], field: &SignatureField) -> Result<Vec<u8>, String> {
        let details = SignatureDetails {
            time: time::OffsetDateTime::now_utc(),
            reason: self.reason.clone(),
            location: self.location.clone(),
        };
        incremental::sign(pdf, &self.credential, field, &details)
    }
}

/// Where the signature's widget goes.
struct SignatureField {
    /// 0-based page.
    page: usize,
    /// `[x0, y0, x1, y1]` in PDF points from the page's lower left corner;
    /// all zero for an invisible signature.
    rect: [f64; 4],
}

impl SignatureField {
    /// An invisible field on the last of `pages`.
    fn invisible(pages: usize) -> SignatureField {
        SignatureField {
            page: pages.saturating_sub(1),
            rect: [0.0; 4],
        }
    }
}

/// What the signature dictionary says besides the signature.
struct SignatureDetails {
    time: time::OffsetDateTime,
    reason: Option<String>,
    location: Option<String>,
}

/// The signature block as laid out: from the pen's room above the printed
/// name down to the last position line under it.
fn signature_block(doc: &PagedDocument, name: &str, line_pitch: f64) -> Option<SignatureField> {
    if name.trim().is_empty() {
        return None;
    }
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let wanted = squeeze(&format!("({name})"));
    let lines = crate::frames::lines(doc);
    let at = lines.iter().rposition(|l| squeeze(&l.text) == wanted)?;
    let line = &lines[at];
    let centre = (line.x0 + line.x1) / 2.0;
    // The position lines: centred under the name, one pitch apart.
    let mut end = at;
    while let Some(next) = lines.get(end + 1) {
        let pitch = next.y - lines[end].y;
        if next.page != line.page
            || pitch > line_pitch * 1.1
            || ((next.x0 + next.x1) / 2.0 - centre).abs() > 24.0
        {
            break;
        }
        end += 1;
    }
    let block = &lines[at..=end];
    let last = &lines[end];
    let x0 = block.iter().map(|l| l.x0).fold(f64::MAX, f64::min) - 6.0;
    let x1 = block.iter().map(|l| l.x1).fold(f64::MIN, f64::max) + 6.0;
    let top = line.y - line.size * 3.0;
    let bottom = last.y + last.size * 0.35;
    let height = doc.pages()[line.page].frame.height().to_pt();
    Some(SignatureField {
        page: line.page,
        rect: [x0, height - bottom, x1, height - top],
    })
}

/// An agency's signer, shared by every letter of the agency.
pub type SharedSigner = Arc<Signer>;

/// The one signer of a merged file, gathered letter by letter: a merged PDF
/// is signed when all its letters are signed by one certificate, unsigned
/// when none is, and refused otherwise (one agency must not sign another's
/// letter).
#[derive(Debug, Default)]
pub struct MergedSigner {
    first: Option<Option<SharedSigner>>,
    mixed: bool,
}

impl MergedSigner {
    /// Adds the next letter's signer.
    pub fn add(&mut self, signer: Option<&SharedSigner>) {
        match &self.first {
            None => self.first = Some(signer.cloned()),
            Some(first) => {
                let same = match (first, signer) {
                    (None, None) => true,
                    (Some(a), Some(b)) => Arc::ptr_eq(a, b),
                    _ => false,
                };
                self.mixed |= !same;
            }
        }
    }

    /// Signs the merged `pdf` of `pages` pages if its letters are signed.
    pub fn sign(self, pdf: Vec<u8>, pages: usize) -> Result<Vec<u8>, crate::Error> {
        if self.mixed {
            return Err(crate::Error::Invalid(crate::Problems::one(
                crate::Problem::new(
                    "merge",
                    "the letters are not all signed by one certificate (agencies that sign \
                 differently, or some not at all); ask for a ZIP, one signed PDF per letter",
                ),
            )));
        }
        match self.first.flatten() {
            Some(signer) => signer.sign_file(&pdf, pages).map_err(crate::Error::Signing),
            None => Ok(pdf),
        }
    }
}
