"""Build and write a submission bundle from a validated case."""

from __future__ import annotations

import io
import json
import mimetypes
import shutil
import tempfile
import uuid
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xzufi_toolkit.bundle.layout import (
    DATA_NAME,
    FORM_NAME,
    METADATA_NAME,
    attachment_path,
    leika_urn,
    metadata_findings,
    sha512_hex,
)
from xzufi_toolkit.case.model import Case
from xzufi_toolkit.errors import InputError, SchemaError, UsageError
from xzufi_toolkit.io.atomicio import write_bytes_atomic
from xzufi_toolkit.io.inputs import read_file
from xzufi_toolkit.message.header import NAMESPACE, Message, MessageHeader, SummaryDocument

__all__ = ["Bundle", "build_bundle", "read_attachments", "write_bundle"]

MAX_ATTACHMENT_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Bundle:
    """Everything a bundle holds: metadata and the files by their bundle path."""

    metadata: dict[str, Any]
    files: dict[str, bytes]

    def entries(self) -> dict[str, bytes]:
        """All files including ``metadata.json``, in a stable order."""
        meta = json.dumps(self.metadata, ensure_ascii=False, indent=2) + "\n"
        return {METADATA_NAME: meta.encode("utf-8"), **dict(sorted(self.files.items()))}


def read_attachments(paths: Sequence[str]) -> dict[str, bytes]:
    """Attachment files by file name; two files with one name are refused."""
    out: dict[str, bytes] = {}
    for p in paths:
        path = Path(p)
        if path.name in out:
            raise UsageError(f"two attachments are named {path.name!r}", file=p)
        out[path.name] = read_file(path, file=p, limit=MAX_ATTACHMENT_BYTES)  # pipes bounded too
    return out


def _match_attachments(
    case: Case, attachments: Mapping[str, bytes], *, show_values: bool = False
) -> None:
    """Every declared document attached with the declared hash, nothing undeclared.

    File names from the case are case data: named only with ``show_values``.
    """
    declared = {u.dateiname: u for u in case.unterlagen}
    problems: list[str] = []
    for i, doc in enumerate(case.unterlagen):
        data = attachments.get(doc.dateiname)
        where = f"$.unterlagen[{i}]" + (f" ({doc.dateiname})" if show_values else ".dateiname")
        if data is None:
            problems.append(f"{where} is declared but not attached")
        elif sha512_hex(data) != doc.sha512.lower():
            problems.append(f"{where}: sha512 differs from the case")
    problems.extend(
        f"{name} is attached but not declared in $.unterlagen"
        for name in attachments
        if name not in declared
    )
    if problems:
        raise InputError(
            "attachments do not match the case: " + "; ".join(problems),
            hint="attach exactly the files listed in unterlagen, unchanged",
        )


def build_bundle(
    case: Case,
    *,
    form_pdf: bytes,
    attachments: Mapping[str, bytes],
    header: MessageHeader | None = None,
    service_name: str | None = None,
    form_id: str | None = None,
    show_values: bool = False,
) -> Bundle:
    """Message, form, attachments and metadata for a valid ``case``."""
    from xzufi_toolkit.message.write import build_message

    _match_attachments(case, attachments, show_values=show_values)
    summary = SummaryDocument(
        dokument_id=form_id or str(uuid.uuid4()),
        dateiname=FORM_NAME,
        sha512=sha512_hex(form_pdf),
    )
    message = build_message(
        Message(case=case, header=header or MessageHeader.new(), zusammenfassung=summary)
    )
    files: dict[str, bytes] = {
        DATA_NAME: message,
        attachment_path(summary.dokument_id, FORM_NAME): form_pdf,
    }
    listed: list[dict[str, Any]] = [
        {
            "hash": {"type": "sha512", "content": summary.sha512},
            "purpose": "form",
            "filename": FORM_NAME,
            "description": "Antragsformular (ausgefüllt)",
            "mimeType": "application/pdf",
            "attachmentId": summary.dokument_id,
        }
    ]
    for doc in case.unterlagen:
        files[attachment_path(doc.dokumentId, doc.dateiname)] = attachments[doc.dateiname]
        entry: dict[str, Any] = {
            # _match_attachments proved the file's hash equals the declared one
            "hash": {"type": "sha512", "content": doc.sha512.lower()},
            "purpose": "attachment",
            "filename": doc.dateiname,
            "mimeType": doc.mimeType
            or mimetypes.guess_type(doc.dateiname)[0]
            or "application/octet-stream",
            "attachmentId": doc.dokumentId,
        }
        if doc.bezeichnung:
            entry["description"] = doc.bezeichnung[:255]
        listed.append(entry)
    service: dict[str, Any] = {"identifier": leika_urn(case.leistungsschluessel)}
    if service_name:
        service["name"] = service_name[:255]
    metadata: dict[str, Any] = {
        "contentStructure": {
            "data": {
                "hash": {"type": "sha512", "content": sha512_hex(message)},
                "submissionSchema": {"schemaUri": NAMESPACE, "mimeType": "application/xml"},
            },
            "attachments": listed,
        },
        "publicServiceType": service,
    }
    problems = metadata_findings(metadata)
    if problems:
        raise SchemaError(
            f"built metadata fails its schema at {problems[0].location.json_path}",
            hint="this is a bug in xzufi-toolkit; please report it",
        )
    return Bundle(metadata=metadata, files=files)


def write_bundle(bundle: Bundle, out: str | Path) -> Path:
    """Write to a ``.zip`` file or a new folder; all or nothing."""
    target = Path(out)
    entries = bundle.entries()
    if target.suffix.lower() == ".zip":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name, data in entries.items():
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, data)
        write_bytes_atomic(target, buf.getvalue())
        return target
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(
            "output folder exists and is not empty", file=str(target), hint="choose a new folder"
        )
    parent = target.parent if str(target.parent) else Path()
    if not parent.is_dir():
        raise UsageError(f"output folder does not exist: {parent}", file=str(target))
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=parent))
    try:
        for name, data in entries.items():
            dest = tmp / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(data)
        if target.exists():
            target.rmdir()
        tmp.replace(target)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise InputError(f"cannot write bundle: {exc.strerror}", file=str(target)) from None
    return target
