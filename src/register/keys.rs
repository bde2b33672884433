//! API keys: a key belongs to one agency and opens only that agency's
//! register. The secret is shown once; the database keeps its SHA-256, so a
//! copied database file does not hand out working keys.

use serde::Serialize;

use super::RegisterError;
use super::hash::sha256_hex;

/// What every secret starts with, so a leaked one is recognisable in logs
/// and secret scanners.
pub const SECRET_PREFIX: &str = "sk_";

/// Longest label kept.
const MAX_LABEL: usize = 200;

/// A key's label, trimmed, or `Invalid` when it is too long.
pub(crate) fn check_label(label: &str) -> Result<&str, RegisterError> {
    let label = label.trim();
    if label.chars().count() > MAX_LABEL {
        return Err(RegisterError::invalid(
            "label",
            format!("is longer than {MAX_LABEL} characters"),
        ));
    }
    Ok(label)
}

/// Random bytes in a secret: 256 bits, beyond guessing.
const SECRET_BYTES: usize = 32;

/// Random bytes in a key id: enough to never collide, short enough to read.
const ID_BYTES: usize = 8;

/// An API key as stored (never the secret itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiKey {
    /// Public id (`key_3f2a...`), recorded on every entry the key allocated.
    pub id: String,
    /// The agency whose register the key opens.
    pub agency: String,
    /// A note for people: who or what uses the key.
    pub label: String,
    /// When the key was created (RFC 3339, UTC).
    pub created_at: String,
    /// When the key was revoked; a revoked key authenticates no more.
    pub revoked_at: Option<String>,
}

impl ApiKey {
    /// Refuses a key of another agency: a key may allocate, read or cancel
    /// only in its own agency's register.
    pub fn authorize(&self, agency: &str) -> Result<(), RegisterError> {
        if self.agency == agency {
            Ok(())
        } else {
            Err(RegisterError::Forbidden(format!(
                "this API key belongs to agency '{}', not '{agency}'",
                self.agency
            )))
        }
    }
}

/// The token of an `Authorization: Bearer <token>` header value; None for
/// any other scheme. The scheme is case-insensitive, as HTTP says.
pub fn bearer_token(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// A fresh random key id and secret.
pub(crate) fn new_id_and_secret() -> Result<(String, String), RegisterError> {
    Ok((
        format!("key_{}", random_hex(ID_BYTES)?),
        format!("{SECRET_PREFIX}{}", random_hex(SECRET_BYTES)?),
    ))
}

/// The stored form of a secret.
pub(crate) fn secret_hash(secret: &str) -> String {
    sha256_hex(secret.as_bytes())
}

/// True when `secret` could be one of ours; anything else is refused without
/// touching the database.
pub(crate) fn looks_like_secret(secret: &str) -> bool {
    secret.strip_prefix(SECRET_PREFIX).is_some_and(|rest| {
        rest.len() == 2 * SECRET_BYTES && rest.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

pub(crate) fn random_hex(len: usize) -> Result<String, RegisterError> {
    let mut bytes = vec![0u8; len];
    // Without the OS's randomness there is no safe key to make.
    getrandom::fill(&mut bytes).map_err(|e| {
        RegisterError::Internal(format!("no randomness from the operating system: {e}"))
    })?;
    Ok(hex::encode(bytes))
}
