//! The signature itself: a detached CMS SignedData over the PDF's byte range,
//! as PAdES baseline B-B asks (ETSI EN 319 142-1): signed attributes
//! content-type, message-digest and signing-certificate-v2, the signer's
//! certificate chain, and no signing-time attribute (the time is the
//! signature dictionary's `/M`).

use cms::builder::{SignedDataBuilder, SignerInfoBuilder};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::signed_data::{EncapsulatedContentInfo, SignerIdentifier};
use der::asn1::{OctetString, SetOfVec};
use der::{Any, Encode};
use rsa::signature::{Keypair, Signer};
use sha2::{Digest, Sha256};
use x509_cert::attr::Attribute;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::SignatureBitStringEncoding;
use x509_cert::spki::{AlgorithmIdentifierOwned, DynSignatureAlgorithmIdentifier};

use super::credential::{Credential, Key};

/// `id-aa-signingCertificateV2` (RFC 5035).
const SIGNING_CERTIFICATE_V2: der::oid::ObjectIdentifier =
    der::oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");

/// `SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2, ... }`.
#[derive(der::Sequence)]
struct SigningCertificateV2 {
    certs: Vec<EssCertIdV2>,
}

/// `ESSCertIDv2`, its hash algorithm left at the DEFAULT, SHA-256.
#[derive(der::Sequence)]
struct EssCertIdV2 {
    cert_hash: OctetString,
    issuer_serial: IssuerSerial,
}

/// `IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber }`.
#[derive(der::Sequence)]
struct IssuerSerial {
    issuer: Vec<GeneralName>,
    serial_number: SerialNumber,
}

/// The DER of a CMS ContentInfo holding a SignedData whose signer signs
/// `digest`, the SHA-256 of the bytes the signature covers.
pub(super) fn signed_data(credential: &Credential, digest: &[u8]) -> Result<Vec<u8>, String> {
    let cert = credential.certificate();
    let sid = SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
        issuer: cert.tbs_certificate.issuer.clone(),
        serial_number: cert.tbs_certificate.serial_number.clone(),
    });
    let content = EncapsulatedContentInfo {
        econtent_type: const_oid::db::rfc5911::ID_DATA,
        econtent: None,
    };
    let ess = signing_certificate(credential)?;
    let parts = Parts {
        sid,
        content: &content,
        digest,
        ess,
        chain: &credential.chain,
    };
    match &credential.key {
        Key::Rsa(key) => build::<_, rsa::pkcs1v15::Signature>(key.as_ref(), parts),
        Key::P256(key) => build::<_, p256::ecdsa::DerSignature>(key, parts),
    }
}

/// What a signer info is made of, whatever the key.
struct Parts<'a> {
    sid: SignerIdentifier,
    content: &'a EncapsulatedContentInfo,
    digest: &'a [u8],
    ess: Attribute,
    chain: &'a [x509_cert::Certificate],
}

/// Why the signature could not be built.
fn failed(e: impl std::fmt::Display) -> String {
    format!("the signature cannot be built: {e}")
}

fn sha256() -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid: const_oid::db::rfc5912::ID_SHA_256,
        parameters: None,
    }
}

fn build<S, Sig>(key: &S, parts: Parts<'_>) -> Result<Vec<u8>, String>
where
    S: Keypair + DynSignatureAlgorithmIdentifier + Signer<Sig>,
    Sig: SignatureBitStringEncoding,
{
    let mut info =
        SignerInfoBuilder::new(key, parts.sid, sha256(), parts.content, Some(parts.digest))
            .map_err(failed)?;
    info.add_signed_attribute(parts.ess).map_err(failed)?;
    let mut data = SignedDataBuilder::new(parts.content);
    data.add_digest_algorithm(sha256()).map_err(failed)?;
    for cert in parts.chain {
        data.add_certificate(CertificateChoices::Certificate(cert.clone()))
            .map_err(failed)?;
    }
    data.add_signer_info::<S, Sig>(info).map_err(failed)?;
    data.build().map_err(failed)?.to_der().map_err(failed)
}

/// The signing-certificate-v2 attribute naming the signer's certificate by
/// its SHA-256 and its issuer and serial number.
fn signing_certificate(credential: &Credential) -> Result<Attribute, String> {
    let cert = credential.certificate();
    let failed = |e: der::Error| format!("the signer's certificate cannot be encoded: {e}");
    let hash = Sha256::digest(cert.to_der().map_err(failed)?);
    let value = SigningCertificateV2 {
        certs: vec![EssCertIdV2 {
            cert_hash: OctetString::new(hash.to_vec()).map_err(failed)?,
            issuer_serial: IssuerSerial {
                issuer: vec![GeneralName::DirectoryName(
                    cert.tbs_certificate.issuer.clone(),
                )],
                serial_number: cert.tbs_certificate.serial_number.clone(),
            },
        }],
    };
    let mut values = SetOfVec::new();
    values
        .insert(Any::encode_from(&value).map_err(failed)?)
        .map_err(failed)?;
    Ok(Attribute {
        oid: SIGNING_CERTIFICATE_V2,
        values,
    })
}
