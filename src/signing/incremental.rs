//! The signed PDF: typst's file left byte for byte as it is, and an
//! incremental update after it that adds the signature field, its widget on
//! a page and the signature dictionary, whose `/Contents` is filled last with
//! the CMS over every byte but its own.

use lopdf::{Dictionary, IncrementalDocument, Object, StringFormat, dictionary};

use super::credential::Credential;
use super::{SignatureDetails, SignatureField};

/// Stands for each `/ByteRange` number until the numbers are known: ten
/// digits, as wide as any offset in a file under 10 GB.
const RANGE_PLACEHOLDER: i64 = 9_999_999_999;

/// Signs `pdf` with `credential`: returns the file with its signature.
pub(super) fn sign(
    pdf: &[u8],
    credential: &Credential,
    field: &SignatureField,
    details: &SignatureDetails,
) -> Result<Vec<u8>, String> {
    let unreadable = |e: lopdf::Error| format!("the PDF to sign cannot be read: {e}");
    let prev = lopdf::Document::load_mem(pdf).map_err(unreadable)?;
    let pages = prev.get_pages();
    let page_id = *pages
        .get(&(field.page as u32 + 1))
        .ok_or_else(|| format!("the PDF has no page {}", field.page + 1))?;
    let root_id = prev
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(unreadable)?;
    let version = prev.version.clone();
    let mut update = IncrementalDocument::create_from(pdf.to_vec(), prev);
    let new = &mut update.new_document;
    // The update's header comment repeats the file's own version.
    new.version = version;

    // Room for the CMS: the certificates it carries, the signature and its
    // attributes (under 2 KB for a 4096-bit RSA key).
    let chain_bytes: usize = credential
        .chain
        .iter()
        .map(|c| der::Encode::encoded_len(c).map_or(4096, |l| u32::from(l) as usize))
        .sum();
    let contents_len = chain_bytes + 4096;

    let mut signature = dictionary! {
        "Type" => "Sig",
        "Filter" => "Adobe.PPKLite",
        "SubFilter" => "ETSI.CAdES.detached",
        "ByteRange" => vec![0.into(), RANGE_PLACEHOLDER.into(), RANGE_PLACEHOLDER.into(), RANGE_PLACEHOLDER.into()],
        "Contents" => Object::String(vec![0; contents_len], StringFormat::Hexadecimal),
        "M" => Object::string_literal(pdf_date(details.time)),
        "Name" => lopdf::text_string(&credential.name),
    };
    if let Some(reason) = &details.reason {
        signature.set("Reason", lopdf::text_string(reason));
    }
    if let Some(location) = &details.location {
        signature.set("Location", lopdf::text_string(location));
    }
    let signature_id = new.add_object(signature);

    // The widget's appearance: empty, so the page shows what typst drew; a
    // viewer marks the field itself. PDF/A asks every widget for one.
    let [x0, y0, x1, y1] = field.rect;
    let appearance = lopdf::Stream::new(
        dictionary! {
            "Type" => "XObject",
            "Subtype" => "Form",
            "BBox" => vec![0.into(), 0.into(), (x1 - x0).into(), (y1 - y0).into()],
            "Resources" => Dictionary::new(),
        },
        Vec::new(),
    );
    let appearance_id = new.add_object(appearance);
    let widget_id = new.add_object(dictionary! {
        "Type" => "Annot",
        "Subtype" => "Widget",
        "FT" => "Sig",
        "T" => lopdf::text_string("saraban-signature"),
        "TU" => lopdf::text_string(&format!("ลายมือชื่ออิเล็กทรอนิกส์ {}", credential.name)),
        "V" => signature_id,
        "P" => page_id,
        "Rect" => vec![x0.into(), y0.into(), x1.into(), y1.into()],
        // Print and Locked: printed with the page, not moved by a reader.
        "F" => 132,
        "AP" => dictionary! { "N" => appearance_id },
    });

    // The page lists its new widget among its annotations.
    update
        .opt_clone_object_to_new_document(page_id)
        .map_err(unreadable)?;
    let annots = match update
        .get_prev_documents()
        .get_dictionary(page_id)
        .map_err(unreadable)?
        .get(b"Annots")
    {
        Ok(Object::Array(a)) => a.clone(),
        Ok(Object::Reference(id)) => update
            .get_prev_documents()
            .get_object(*id)
            .and_then(Object::as_array)
            .cloned()
            .map_err(unreadable)?,
        _ => Vec::new(),
    };
    let mut annots = annots;
    annots.push(widget_id.into());
    let new = &mut update.new_document;
    new.get_dictionary_mut(page_id)
        .map_err(unreadable)?
        .set("Annots", annots);

    // The catalog gains the form: one signature field, signatures present
    // and the file to be changed only by appending (SigFlags 3).
    update
        .opt_clone_object_to_new_document(root_id)
        .map_err(unreadable)?;
    update
        .new_document
        .get_dictionary_mut(root_id)
        .map_err(unreadable)?
        .set(
            "AcroForm",
            dictionary! { "Fields" => vec![widget_id.into()], "SigFlags" => 3 },
        );

    let mut out = Vec::with_capacity(pdf.len() + contents_len * 2 + 4096);
    update
        .save_to(&mut out)
        .map_err(|e| format!("the signed PDF cannot be written: {e}"))?;

    fill(&mut out, pdf.len(), contents_len, credential)?;
    Ok(out)
}

/// Writes the byte range and the CMS into the update's placeholders.
fn fill(
    out: &mut [u8],
    update_start: usize,
    contents_len: usize,
    credential: &Credential,
) -> Result<(), String> {
    let lost = || "the signed PDF's placeholders were not found".to_string();
    let zeros = vec![b'0'; contents_len * 2];
    let hex_at = update_start + find(&out[update_start..], &zeros).ok_or_else(lost)?;
    // `<` before the hex digits, `>` after them: the range leaves out both.
    let gap_start = hex_at - 1;
    let gap_end = hex_at + zeros.len() + 1;
    if out.get(gap_start) != Some(&b'<') || out.get(gap_end - 1) != Some(&b'>') {
        return Err(lost());
    }
    let placeholder = format!("0 {RANGE_PLACEHOLDER} {RANGE_PLACEHOLDER} {RANGE_PLACEHOLDER}");
    let range_at =
        update_start + find(&out[update_start..], placeholder.as_bytes()).ok_or_else(lost)?;
    let range = format!("0 {} {} {}", gap_start, gap_end, out.len() - gap_end);
    let padded = format!("{range:<width$}", width = placeholder.len());
    out[range_at..range_at + placeholder.len()].copy_from_slice(padded.as_bytes());

    let mut hasher = <sha2::Sha256 as sha2::Digest>::new();
    sha2::Digest::update(&mut hasher, &out[..gap_start]);
    sha2::Digest::update(&mut hasher, &out[gap_end..]);
    let digest = sha2::Digest::finalize(hasher);
    let cms = super::cades::signed_data(credential, &digest)?;
    if cms.len() > contents_len {
        return Err(format!(
            "the signature ({} bytes) is larger than the room kept for it ({contents_len})",
            cms.len()
        ));
    }
    let hex = hex::encode_upper(&cms);
    out[hex_at..hex_at + hex.len()].copy_from_slice(hex.as_bytes());
    Ok(())
}

/// The first index of `needle` in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A PDF date, `D:20261206143000+07'00'`.
fn pdf_date(time: time::OffsetDateTime) -> String {
    let offset = time.offset();
    let (h, m, _) = offset.as_hms();
    let sign = if offset.is_negative() { '-' } else { '+' };
    format!(
        "D:{:04}{:02}{:02}{:02}{:02}{:02}{sign}{:02}'{:02}'",
        time.year(),
        u8::from(time.month()),
        time.day(),
        time.hour(),
        time.minute(),
        time.second(),
        h.unsigned_abs(),
        m.unsigned_abs()
    )
}
