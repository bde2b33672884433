//! SHA-256 in hex, the one digest the register stores: of API key secrets,
//! of request bodies (to spot a reused idempotency key) and of PDFs.

use sha2::{Digest, Sha256};

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The hash to pass as `Allocation::request_hash`: of the request body as
/// received, so a retry with the same key but another body is caught.
pub fn request_hash(body: &[u8]) -> String {
    sha256_hex(body)
}
