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

/// What is wrong with a webhook's URL, if anything: it must be http(s) with
/// a host, and not a link-local address (169.254.0.0/16, fe80::/10), where
/// cloud machines answer with their credentials. Loopback and private
/// addresses stay allowed: an agency's own receiver lives there.
pub fn url_problem(url: &str) -> Option<&'static str> {
    let Ok(parsed) = reqwest::Url::parse(url) else {
        return Some("must be an http:// or https:// URL");
    };
    if !matches!(parsed.scheme(), "http" | "https") {
        return Some("must be an http:// or https:// URL");
    }
    let Some(host) = parsed.host_str() else {
        return Some("must be an http:// or https:// URL");
    };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let link_local = match bare.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(ip)) => ip.is_link_local(),
        Ok(std::net::IpAddr::V6(ip)) => {
            (ip.segments()[0] & 0xffc0) == 0xfe80
                || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_link_local())
        }
        Err(_) => host.eq_ignore_ascii_case("metadata.google.internal"),
    };
    link_local.then_some("must not point at a link-local address (169.254.0.0/16, fe80::/10)")
}

/// Calls `url` with the job; logs what it could not do.
pub async fn notify(state: &AppState, url: &str, job: &Job) {
    let Ok(body) = serde_json::to_vec(job) else {
        return;
    };
    // No redirects: a receiver could send the call on to an address the
    // URL's check refused.
    let client = match reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
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

    #[test]
    fn a_webhook_may_not_point_at_cloud_metadata() {
        use super::url_problem;
        for bad in [
            "http://169.254.169.254/latest/meta-data/",
            "http://[fe80::1]/x",
            "http://[::ffff:169.254.169.254]/",
            "http://metadata.google.internal/computeMetadata/v1/",
            "ftp://example.go.th/x",
            "not a url",
        ] {
            assert!(url_problem(bad).is_some(), "{bad}");
        }
        for good in [
            "https://hooks.example.go.th/saraban",
            "http://127.0.0.1:8080/done",
            "http://10.0.0.5/done",
        ] {
            assert_eq!(url_problem(good), None, "{good}");
        }
    }
}
