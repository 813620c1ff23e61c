"""Names inside a bundle and the metadata schema, shared by writer and verifier."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from typing import TYPE_CHECKING, Any

from xzufi_toolkit.findings import Finding, Location, Severity
from xzufi_toolkit.io.resources import schema_file

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

__all__ = [
    "DATA_NAME",
    "FORM_NAME",
    "METADATA_NAME",
    "attachment_path",
    "leika_urn",
    "metadata_findings",
    "sha512_hex",
]

METADATA_NAME = "metadata.json"
DATA_NAME = "data.xml"
FORM_NAME = "antrag.pdf"


def sha512_hex(data: bytes) -> str:
    return hashlib.sha512(data).hexdigest()


def attachment_path(attachment_id: str, filename: str) -> str:
    """Where an attachment lies in the bundle: its id keeps equal file names apart."""
    return f"attachments/{attachment_id}/{filename}"


def leika_urn(key: str) -> str:
    return f"urn:de:fim:leika:leistung:{key}"


@cache
def _validator() -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    schema = json.loads(schema_file("fitconnect", "metadata.schema.json").read_text("utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def metadata_findings(metadata: Any, *, file: str | None = None) -> list[Finding]:
    """Schema findings for a metadata document (``BUNDLE-METADATA-SCHEMA``)."""
    out: list[Finding] = []
    for err in sorted(_validator().iter_errors(metadata), key=lambda e: list(e.path)):
        path = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err.path)
        out.append(
            Finding(
                code="BUNDLE-METADATA-SCHEMA",
                severity=Severity.ERROR,
                message=f"metadata does not fit the FIT-Connect schema ({err.validator})",
                message_de=f"Metadaten passen nicht zum FIT-Connect-Schema ({err.validator})",
                location=Location(file=file, json_path=path),
            )
        )
    return out
