"""Validates every signature of a PDF with pyHanko, trusting the given
certificate, and prints one JSON object per signature: whether the
signature is intact and valid, whether it covers the whole file, and what
pyHanko found changed after it. Used by tests/signing.rs."""
import json
import sys

from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext


def main(pdf_path, cert_path):
    trust = ValidationContext(trust_roots=[load_cert_from_pemder(cert_path)])
    with open(pdf_path, "rb") as f:
        reader = PdfFileReader(f, strict=False)
        signatures = reader.embedded_signatures
        if not signatures:
            print(json.dumps({"error": "no signature"}))
            return
        for sig in signatures:
            status = validate_pdf_signature(sig, trust)
            print(json.dumps({
                "field": sig.field_name,
                "intact": status.intact,
                "valid": status.valid,
                "trusted": status.trusted,
                "coverage": status.coverage.name,
                "modification_level": status.modification_level.name
                if status.modification_level is not None else None,
                "bottom_line": status.bottom_line,
                "subfilter": str(sig.sig_object.get("/SubFilter")),
                "pades": str(status.md_algorithm),
            }))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
