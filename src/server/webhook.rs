//! A finished job's webhook: the job's JSON POSTed to the URL it was
//! submitted with, signed as Gotenberg and Carbone sign theirs: the header
//! `X-Saraban-Signature: sha256=<hex>` is the HMAC-SHA256 of the exact body
//! under the service's webhook secret, so the receiver can tell the call is
//! ours and the body unchanged. Failed calls are retried a few times and
//! then logged; the job's state does not depend on them.

use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::AppState;
use crate::register::jobs::Job;

/// The header carrying the signature.
pub const SIGNATURE_HEADER: &str = "x-saraban-signature";

/// Attempts per call.
const ATTEMPTS: u32 = 3;

/// `sha256=<hex HMAC of body under secret>`.
pub fn signature(secret: &[u8], body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Calls `url` with the job; logs what it could not do.
pub async fn notify(state: &AppState, url: &str, job: &Job) {
    let Ok(body) = serde_json::to_vec(job) else {
        return;
    };
    let client = match reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(error = %e, "no HTTP client for webhooks");
            return;
        }
    };
    let mut req = client
        .post(url)
        .header("content-type", "application/json")
        .header("x-saraban-job", job.id.as_str());
    if let Some(secret) = &state.config.webhook_secret {
        req = req.header(SIGNATURE_HEADER, signature(secret.as_bytes(), &body));
    }
    for attempt in 1..=ATTEMPTS {
        let Some(call) = req.try_clone() else {
            return;
        };
        match call.body(body.clone()).send().await {
            Ok(res) if res.status().is_success() => return,
            Ok(res) => {
                tracing::warn!(job = %job.id, status = %res.status(), attempt, "webhook refused")
            }
            Err(e) => tracing::warn!(job = %job.id, error = %e, attempt, "webhook failed"),
        }
        tokio::time::sleep(Duration::from_secs(u64::from(attempt))).await;
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_signature_is_rfc_4231s_hmac_sha256() {
        // RFC 4231, test case 2.
        assert_eq!(
            super::signature(b"Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
