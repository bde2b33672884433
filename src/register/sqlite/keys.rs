//! API keys in SQLite: created with a random secret, found by its hash.

use rusqlite::{Connection, OptionalExtension, params};

use super::columns::{KEY_COLUMNS, key_from_row};
use crate::register::allocation::check_agency;
use crate::register::keys::{check_label, looks_like_secret, new_id_and_secret, secret_hash};
use crate::register::{ApiKey, RegisterError, clock};

pub(crate) fn create_key(
    conn: &Connection,
    agency: &str,
    label: &str,
) -> Result<(ApiKey, String), RegisterError> {
    check_agency(agency)?;
    let label = check_label(label)?;
    let (id, secret) = new_id_and_secret()?;
    let key = ApiKey {
        id,
        agency: agency.to_string(),
        label: label.to_string(),
        created_at: clock::now(),
        revoked_at: None,
    };
    conn.execute(
        "INSERT INTO api_keys (id, agency, key_hash, label, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![key.id, key.agency, secret_hash(&secret), key.label, key.created_at],
    )?;
    Ok((key, secret))
}

pub(crate) fn authenticate(
    conn: &Connection,
    secret: &str,
) -> Result<Option<ApiKey>, RegisterError> {
    // Found by hash, so no secret-dependent comparison happens in our code.
    if !looks_like_secret(secret) {
        return Ok(None);
    }
    Ok(conn
        .query_row(
            &format!(
                "SELECT {KEY_COLUMNS} FROM api_keys WHERE key_hash = ?1 AND revoked_at IS NULL"
            ),
            params![secret_hash(secret)],
            key_from_row,
        )
        .optional()?)
}

pub(crate) fn revoke_key(conn: &Connection, id: &str) -> Result<ApiKey, RegisterError> {
    // COALESCE keeps the first revocation's time when revoked twice.
    conn.execute(
        "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?2) WHERE id = ?1",
        params![id, clock::now()],
    )?;
    conn.query_row(
        &format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE id = ?1"),
        params![id],
        key_from_row,
    )
    .optional()?
    .ok_or_else(|| RegisterError::NotFound(format!("API key '{id}'")))
}

pub(crate) fn keys(conn: &Connection, agency: &str) -> Result<Vec<ApiKey>, RegisterError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {KEY_COLUMNS} FROM api_keys WHERE agency = ?1 ORDER BY created_at, id"
    ))?;
    let keys = stmt
        .query_map(params![agency], key_from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(keys)
}
