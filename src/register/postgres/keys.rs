//! API keys in PostgreSQL: created with a random secret, found by its hash.

use postgres::Client;

use super::rows::{KEY_COLUMNS, key};
use crate::register::allocation::check_agency;
use crate::register::keys::{check_label, looks_like_secret, new_id_and_secret, secret_hash};
use crate::register::{ApiKey, RegisterError, clock};

pub(super) fn create_key(
    client: &mut Client,
    agency: &str,
    label: &str,
) -> Result<(ApiKey, String), RegisterError> {
    check_agency(agency)?;
    let label = check_label(label)?;
    let (id, secret) = new_id_and_secret()?;
    let created = ApiKey {
        id,
        agency: agency.to_string(),
        label: label.to_string(),
        created_at: clock::now(),
        revoked_at: None,
    };
    client.execute(
        "INSERT INTO api_keys (id, agency, key_hash, label, created_at) VALUES ($1, $2, $3, $4, $5)",
        &[
            &created.id,
            &created.agency,
            &secret_hash(&secret),
            &created.label,
            &created.created_at,
        ],
    )?;
    Ok((created, secret))
}

pub(super) fn authenticate(
    client: &mut Client,
    secret: &str,
) -> Result<Option<ApiKey>, RegisterError> {
    // Found by hash, so no secret-dependent comparison happens in our code.
    if !looks_like_secret(secret) {
        return Ok(None);
    }
    client
        .query_opt(
            &format!(
                "SELECT {KEY_COLUMNS} FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL"
            ),
            &[&secret_hash(secret)],
        )?
        .map(|row| key(&row))
        .transpose()
}

pub(super) fn revoke_key(client: &mut Client, id: &str) -> Result<ApiKey, RegisterError> {
    // COALESCE keeps the first revocation's time when revoked twice.
    client.execute(
        "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1",
        &[&id, &clock::now()],
    )?;
    let row = client
        .query_opt(
            &format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE id = $1"),
            &[&id],
        )?
        .ok_or_else(|| RegisterError::NotFound(format!("API key '{id}'")))?;
    key(&row)
}

pub(super) fn keys(client: &mut Client, agency: &str) -> Result<Vec<ApiKey>, RegisterError> {
    client
        .query(
            &format!(
                "SELECT {KEY_COLUMNS} FROM api_keys WHERE agency = $1 ORDER BY created_at, id"
            ),
            &[&agency],
        )?
        .iter()
        .map(key)
        .collect()
}
