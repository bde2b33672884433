//! An agency's signing credential: its private key and certificate chain,
//! read from a PKCS#12 file once, when the profile is loaded.

use std::path::Path;

use der::{Decode, Encode};
use p256::pkcs8::DecodePrivateKey;
use rsa::pkcs8::EncodePublicKey;
use x509_cert::Certificate;

/// The key a letter is signed with: RSA (PKCS #1 v1.5 over SHA-256), the
/// kind Thai certification authorities issue, or ECDSA on P-256.
pub(super) enum Key {
    Rsa(Box<rsa::pkcs1v15::SigningKey<sha2::Sha256>>),
    P256(p256::ecdsa::SigningKey),
}

/// A loaded credential. Its `Debug` names the certificate, never the key.
pub struct Credential {
    pub(super) key: Key,
    /// The signer's certificate first, then the rest of the chain the file holds.
    pub(super) chain: Vec<Certificate>,
    /// The signer's common name (or whole subject), for the signature's `/Name`.
    pub(super) name: String,
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credential")
            .field("subject", &self.name)
            .field("certificates", &self.chain.len())
            .finish_non_exhaustive()
    }
}

impl Credential {
    /// Reads `path`, a PKCS#12 file (`.p12`, `.pfx`) holding one private key
    /// and its certificate, opened with `password`. Errors name the file and
    /// what is wrong with it, never the password.
    pub fn from_pkcs12_file(path: &Path, password: &str) -> Result<Credential, String> {
        let bytes =
            std::fs::read(path).map_err(|e| format!("{}: cannot be read: {e}", path.display()))?;
        Credential::from_pkcs12(&bytes, password).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Reads a PKCS#12 archive from memory.
    pub fn from_pkcs12(bytes: &[u8], password: &str) -> Result<Credential, String> {
        let store = p12_keystore::KeyStore::from_pkcs12(
            bytes,
            password,
            p12_keystore::Pkcs12ImportPolicy::Strict,
        )
        .map_err(|e| format!("not a PKCS#12 file this password opens ({e})"))?;
        let (_, chain) = store
            .private_key_chain()
            .ok_or("holds no private key with its certificate")?;
        let key_der = chain.key().as_der();
        let (key, public) = if let Ok(k) = rsa::RsaPrivateKey::from_pkcs8_der(key_der) {
            let public = k
                .to_public_key()
                .to_public_key_der()
                .map_err(|e| e.to_string())?;
            (
                Key::Rsa(Box::new(rsa::pkcs1v15::SigningKey::new(k))),
                public,
            )
        } else if let Ok(k) = p256::ecdsa::SigningKey::from_pkcs8_der(key_der) {
            let public = k
                .verifying_key()
                .to_public_key_der()
                .map_err(|e| e.to_string())?;
            (Key::P256(k), public)
        } else {
            return Err(format!(
                "its key ({}) is neither RSA nor ECDSA P-256, the kinds saraban signs with",
                chain.key().oid()
            ));
        };
        let chain: Vec<Certificate> = chain
            .certs()
            .iter()
            .map(|c| Certificate::from_der(c.as_der()))
            .collect::<Result<_, _>>()
            .map_err(|e| format!("a certificate cannot be read: {e}"))?;
        let leaf = chain.first().ok_or("holds no certificate for its key")?;
        let leaf_key = leaf
            .tbs_certificate
            .subject_public_key_info
            .to_der()
            .map_err(|e| e.to_string())?;
        if leaf_key != public.as_bytes() {
            return Err("its first certificate is not the key's".into());
        }
        let name = common_name(leaf);
        Ok(Credential { key, chain, name })
    }

    /// The signer's certificate.
    pub(super) fn certificate(&self) -> &Certificate {
        &self.chain[0]
    }

    /// The signer's name as its certificate gives it.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// The certificate subject's common name, or the whole subject when it has none.
fn common_name(cert: &Certificate) -> String {
    let subject = &cert.tbs_certificate.subject;
    for rdn in subject.0.iter() {
        for atv in rdn.0.iter() {
            if atv.oid == const_oid::db::rfc4519::CN {
                if let Ok(s) = der::asn1::Utf8StringRef::try_from(&atv.value) {
                    return s.as_str().to_string();
                }
                if let Ok(s) = der::asn1::PrintableStringRef::try_from(&atv.value) {
                    return s.as_str().to_string();
                }
            }
        }
    }
    subject.to_string()
}
