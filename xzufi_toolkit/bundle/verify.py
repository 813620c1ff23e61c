"""Re-check a written bundle: hashes, ids, the message, the metadata schema.

Each mismatch is a finding (``BUNDLE-*``); a bundle that cannot be opened at
all raises :class:`~xzufi_toolkit.errors.InputError`. Evidence file names
come from the case (personal data): findings name them only with
``show_values``, as :func:`~xzufi_toolkit.bundle.build.build_bundle` does.
"""

from __future__ import annotations

import io
import json
import os
import stat
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import Any

from xzufi_toolkit.bundle.layout import (
    DATA_NAME,
    METADATA_NAME,
    attachment_path,
    leika_urn,
    metadata_findings,
    sha512_hex,
)
from xzufi_toolkit.errors import InputError, ValidationFailedError, XzufiError
from xzufi_toolkit.findings import Finding, Location, Report, Severity
from xzufi_toolkit.io.inputs import MAX_INPUT_BYTES, read_errors, read_stream
from xzufi_toolkit.io.jsonsafe import DuplicateKeyError, loads_strict

__all__ = ["open_bundle", "verify_bundle"]

MAX_BUNDLE_BYTES = 512 * 1024 * 1024
MAX_ENTRIES = 10_000


def _safe_name(name: str, where: str) -> str:
    p = PurePosixPath(name)
    if p.is_absolute() or ".." in p.parts or "\\" in name:
        raise InputError(f"bundle entry has an unsafe path: {name!r}", file=where)
    return str(p)


def open_bundle(path: str | Path) -> dict[str, bytes]:
    """The files of a bundle folder or ZIP by their bundle path (size-limited)."""
    src = Path(path)
    where = str(src)
    files: dict[str, bytes] = {}
    total = 0
    if src.is_dir():
        try:
            for f in sorted(src.rglob("*")):
                if f.is_symlink():
                    raise InputError("bundle contains a symbolic link", file=str(f))
                if not f.is_file():
                    continue
                if total + f.stat().st_size > MAX_BUNDLE_BYTES or len(files) >= MAX_ENTRIES:
                    raise InputError("bundle is larger than the limit", file=where)
                # bounded: the file may grow (or be swapped for a device) after stat
                with f.open("rb") as fh:
                    data = read_stream(fh, file=str(f), limit=MAX_BUNDLE_BYTES - total)
                total += len(data)
                files[f.relative_to(src).as_posix()] = data
        except OSError as exc:  # unreadable file, or one removed while reading
            raise InputError(f"cannot read bundle: {exc.strerror}", file=where) from None
        return files
    if not src.exists():
        raise InputError(
            "no such bundle", file=where, hint="give the folder or .zip written by xzufi bundle"
        )
    try:
        with zipfile.ZipFile(_zip_source(src, where)) as zf:
            infos = [i for i in zf.infolist() if not i.is_dir()]
            if len(infos) > MAX_ENTRIES or sum(i.file_size for i in infos) > MAX_BUNDLE_BYTES:
                raise InputError("bundle is larger than the limit", file=where)
            for info in infos:
                name = _safe_name(info.filename, where)
                if name in files:
                    raise InputError(f"bundle holds {name!r} twice", file=where)
                files[name] = _read_entry(zf, info, where)
    except zipfile.BadZipFile:
        raise InputError("not a bundle: neither a folder nor a ZIP file", file=where) from None
    except OSError as exc:
        raise InputError(f"cannot read bundle: {exc.strerror}", file=where) from None
    return files


def _zip_source(src: Path, where: str) -> Path | io.BytesIO:
    """The ZIP to open: a regular file as it is, a device or pipe read up to the
    input limit (``/dev/zero`` has no end to seek to); either must start with a
    local header. zipfile accepts bytes in front of the first entry (as in
    self-extracting archives); a bundle has none, so they are refused."""
    source: Path | io.BytesIO = src
    with read_errors(where), src.open("rb") as fh:
        if stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            head = fh.read(4)
        else:
            data = read_stream(fh, file=where, limit=MAX_INPUT_BYTES)
            head, source = data[:4], io.BytesIO(data)
    if head not in (b"PK\x03\x04", b"PK\x05\x06"):  # first entry, or an empty ZIP
        raise InputError(
            "not a bundle: neither a folder nor a ZIP file starting with an entry", file=where
        )
    return source


def _read_entry(zf: zipfile.ZipFile, info: zipfile.ZipInfo, where: str) -> bytes:
    """One entry's bytes; a damaged, encrypted or exotic entry is an InputError."""
    try:
        return zf.read(info)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        reason = f"damaged ({exc})"  # e.g. "Bad CRC-32": a size or checksum that lies
    except NotImplementedError:  # a RuntimeError, so caught first
        reason = "compressed with a method zipfile does not support"
    except RuntimeError:
        reason = "encrypted"
    raise InputError(f"bundle entry {info.filename!r} cannot be read: {reason}", file=where)


def _parse_metadata(raw: bytes, where: str) -> Any:
    try:
        return loads_strict(raw.decode("utf-8"))
    except DuplicateKeyError as exc:  # a checker and a receiver could read different values
        reason = f"duplicate key {json.dumps(str(exc))}"
    except UnicodeDecodeError as exc:
        reason = f"not UTF-8 (byte {exc.start})"
    except json.JSONDecodeError as exc:
        reason = f"{exc.msg} (line {exc.lineno}, column {exc.colno})"
    except RecursionError:
        reason = "nested too deeply"
    except ValueError as exc:  # int() refuses more than 4300 digits; NaN, Infinity
        reason = "a number is too long" if "digits" in str(exc) else str(exc)
    raise InputError(f"metadata.json is not JSON: {reason}", file=where)


def _finding(code: str, en: str, de: str, file: str, json_path: str | None = None) -> Finding:
    return Finding(
        code=code,
        severity=Severity.ERROR,
        message=en,
        message_de=de,
        location=Location(file=file, json_path=json_path),
    )


def _shown(rel: str, show_values: bool) -> tuple[str, str]:
    """A bundle path for a message and for a location: an evidence file's name
    (``attachments/<id>/<name>``) only with ``show_values``, else its folder."""
    parts = PurePosixPath(rel).parts
    if show_values or len(parts) < 3 or parts[0] != "attachments":
        return rel, rel
    folder = "/".join(parts[:2])
    return f"{folder}/\u2026", folder


def _check_message(data: bytes, where: str, show_values: bool) -> tuple[Any, list[Finding]]:
    from xzufi_toolkit.message.read import read_message

    try:
        return read_message(data, file=where, show_values=show_values), []
    except XzufiError as exc:
        if isinstance(exc, ValidationFailedError) and len(exc.report):
            return None, list(exc.report)
        return None, [
            _finding(
                "BUNDLE-MESSAGE",
                f"the message cannot be read: {exc.message}",
                f"die Nachricht ist nicht lesbar: {exc.message}",
                where,
            )
        ]


def verify_bundle(path: str | Path, *, show_values: bool = False) -> Report:
    """Findings for a bundle; ``report.valid`` when everything matches."""
    base = str(path)
    files = open_bundle(path)
    report = Report(documents=1)
    meta_where = f"{base}/{METADATA_NAME}"
    raw = files.get(METADATA_NAME)
    if raw is None:
        raise InputError("bundle has no metadata.json", file=base, hint="is this a bundle?")
    metadata = _parse_metadata(raw, meta_where)
    schema_problems = metadata_findings(metadata, file=meta_where)
    report.extend(schema_problems)
    if schema_problems:
        return report
    structure = metadata["contentStructure"]
    listed: set[str] = {METADATA_NAME}
    message = _check_data(structure, files, base, listed, report, show_values=show_values)
    forms, by_id = _check_attachments(
        structure, files, base, listed, report, show_values=show_values
    )
    for extra in sorted(set(files) - listed):
        shown, where = _shown(extra, show_values)
        report.add(
            _finding(
                "BUNDLE-EXTRA",
                f"file not listed in the metadata: {shown}",
                f"Datei nicht in den Metadaten: {shown}",
                f"{base}/{where}",
            )
        )
    if len(forms) != 1:
        report.add(
            _finding(
                "BUNDLE-FORM",
                f"expected one form attachment, found {len(forms)}",
                f"genau ein Formular-Anhang erwartet, gefunden: {len(forms)}",
                meta_where,
                "$.contentStructure.attachments",
            )
        )
    if message is not None:
        _check_ids(
            message,
            by_id=by_id,
            forms=forms,
            metadata=metadata,
            meta_where=meta_where,
            report=report,
        )
    return report


def _check_data(
    structure: dict[str, Any],
    files: dict[str, bytes],
    base: str,
    listed: set[str],
    report: Report,
    *,
    show_values: bool,
) -> Any:
    """The message file: present, hash as listed, readable and schema-valid."""
    if "data" not in structure:
        return None
    listed.add(DATA_NAME)
    data = files.get(DATA_NAME)
    if data is None:
        report.add(
            _finding(
                "BUNDLE-MISSING",
                f"{DATA_NAME} is missing",
                f"{DATA_NAME} fehlt",
                base,
                "$.contentStructure.data",
            )
        )
        return None
    if sha512_hex(data) != structure["data"]["hash"]["content"]:
        report.add(
            _finding(
                "BUNDLE-HASH",
                f"{DATA_NAME}: sha512 differs from the metadata",
                f"{DATA_NAME}: sha512 weicht von den Metadaten ab",
                f"{base}/{DATA_NAME}",
                "$.contentStructure.data.hash",
            )
        )
    message, problems = _check_message(data, f"{base}/{DATA_NAME}", show_values)
    report.extend(problems)
    return message


def _check_attachments(
    structure: dict[str, Any],
    files: dict[str, bytes],
    base: str,
    listed: set[str],
    report: Report,
    *,
    show_values: bool,
) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """Each listed attachment: present, hash as listed, id unique."""
    meta_where = f"{base}/{METADATA_NAME}"
    forms: list[dict[str, Any]] = []
    by_id: dict[str, dict[str, Any]] = {}
    for i, att in enumerate(structure["attachments"]):
        jp = f"$.contentStructure.attachments[{i}]"
        rel = attachment_path(att["attachmentId"], att.get("filename", ""))
        listed.add(rel)
        shown, where = _shown(rel, show_values or att["purpose"] == "form")
        if att["attachmentId"] in by_id:
            report.add(
                _finding(
                    "BUNDLE-ID",
                    "attachment id used twice",
                    "Anhangs-ID doppelt vergeben",
                    meta_where,
                    jp,
                )
            )
        by_id[att["attachmentId"]] = att
        if att["purpose"] == "form":
            forms.append(att)
        content = files.get(rel)
        if content is None:
            report.add(
                _finding(
                    "BUNDLE-MISSING",
                    f"attachment file missing: {shown}",
                    f"Anhangsdatei fehlt: {shown}",
                    base,
                    jp,
                )
            )
        elif sha512_hex(content) != att["hash"]["content"]:
            report.add(
                _finding(
                    "BUNDLE-HASH",
                    f"{shown}: sha512 differs from the metadata",
                    f"{shown}: sha512 weicht von den Metadaten ab",
                    f"{base}/{where}",
                    f"{jp}.hash",
                )
            )
    return forms, by_id


def _check_ids(
    message: Any,
    *,
    by_id: dict[str, dict[str, Any]],
    forms: list[dict[str, Any]],
    metadata: dict[str, Any],
    meta_where: str,
    report: Report,
) -> None:
    """Attachment ids equal the message's document UUIDs, with the same hashes."""
    wanted: dict[str, str] = {u.dokumentId: u.sha512.lower() for u in message.case.unterlagen}
    summary = message.zusammenfassung
    if summary is not None:
        wanted[summary.dokument_id] = summary.sha512.lower()
        if forms and forms[0]["attachmentId"] != summary.dokument_id:
            report.add(
                _finding(
                    "BUNDLE-ID",
                    "form attachment id differs from the message's summary document UUID",
                    "ID des Formular-Anhangs weicht von der UUID des Zusammenfassungsdokuments ab",
                    meta_where,
                )
            )
    for doc_id, digest in sorted(wanted.items()):
        att = by_id.get(doc_id)
        if att is None:
            report.add(
                _finding(
                    "BUNDLE-ID",
                    f"document {doc_id} of the message has no attachment",
                    f"Dokument {doc_id} der Nachricht hat keinen Anhang",
                    meta_where,
                )
            )
        elif att["hash"]["content"] != digest:
            report.add(
                _finding(
                    "BUNDLE-HASH",
                    f"document {doc_id}: the message and the metadata name different sha512 values",
                    f"Dokument {doc_id}: Nachricht und Metadaten nennen verschiedene sha512-Werte",
                    meta_where,
                )
            )
    for doc_id in sorted(set(by_id) - set(wanted)):
        report.add(
            _finding(
                "BUNDLE-ID",
                f"attachment {doc_id} is not referenced by the message",
                f"Anhang {doc_id} wird in der Nachricht nicht genannt",
                meta_where,
            )
        )
    service = metadata.get("publicServiceType", {}).get("identifier")
    if service != leika_urn(message.case.leistungsschluessel):
        report.add(
            _finding(
                "BUNDLE-SERVICE",
                "publicServiceType.identifier does not name the message's Leistung",
                "publicServiceType.identifier nennt nicht die Leistung der Nachricht",
                meta_where,
                "$.publicServiceType.identifier",
            )
        )
