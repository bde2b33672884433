//! Request bodies, taken as bytes by [`super::extract::Body`], parsed with
//! field paths. Not JSON at all is 400; JSON of
//! the wrong shape is 422.

use serde::de::{DeserializeOwned, IgnoredAny};

use super::problem::ApiError;

/// Parses JSON into `T`: 400 when the body is not well-formed JSON, 422 when it
/// is but does not fit, each problem at its field path.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    crate::error::parse_json::<T>(bytes).map_err(|problems| {
        if well_formed(bytes) {
            ApiError::invalid(problems.0)
        } else {
            ApiError::malformed_json(problems.0)
        }
    })
}

/// True when `bytes` are one well-formed JSON value.
pub fn well_formed(bytes: &[u8]) -> bool {
    serde_json::from_slice::<IgnoredAny>(bytes).is_ok()
}
