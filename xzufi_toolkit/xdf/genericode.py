"""Code lists for ``select`` fields: genericode 1.0 files and the bundled lists.

A Stammdatenschema only *references* its code lists (canonical URI and
version); the codes live in genericode files published on XRepository. This
module reads such a file (through :mod:`xzufi_toolkit.io.xmlsafe`) and finds
the list for a :class:`~xzufi_toolkit.xdf.model.CodelisteReferenz`: first
among the files the user gave (``--codelist``), then among the toolkit's
bundled lists (:mod:`xzufi_toolkit.reference.codelists`), which count only
when URI and version match and the list is complete.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from xzufi_toolkit.errors import InputError
from xzufi_toolkit.io import xmlsafe
from xzufi_toolkit.xdf.model import CodelisteReferenz, Datenfeld

__all__ = ["GC_NS", "CodeListSource", "GenericodeList", "read_genericode", "resolve"]

GC_NS = "http://docs.oasis-open.org/codelist/ns/genericode/1.0/"
MAX_GC_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class GenericodeList:
    """One genericode code list: identification, columns, rows (column id → value)."""

    short_name: str | None
    version: str | None
    canonical_uri: str | None
    canonical_version_uri: str | None
    columns: tuple[str, ...]
    key_column: str | None
    rows: tuple[tuple[tuple[str, str], ...], ...]
    long_name: str | None = None

    def column(self, name: str | None) -> tuple[str, ...]:
        """The values of column ``name`` (default: the key column, else the first)."""
        col = name or self.key_column or (self.columns[0] if self.columns else None)
        return tuple(v for row in self.rows for c, v in row if c == col)

    def codes(self, code_key: str | None = None) -> tuple[str, ...]:
        return self.column(code_key)


@dataclass(frozen=True, slots=True)
class CodeListSource:
    """The codes found for a reference and where they came from."""

    codes: tuple[str, ...]
    origin: str  # file name or "bundled:<short name>"
    version_mismatch: str | None = None  # the list's version when it differs


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _child_text(el: etree._Element, name: str) -> str | None:
    for kid in el:
        if _local(kid) == name:
            return (kid.text or "").strip()
    return None


def read_genericode(path: str | Path, *, file: str | None = None) -> GenericodeList:
    """Read a genericode 1.0 ``CodeList`` file; anything else is an :class:`InputError`."""
    from xzufi_toolkit.io.inputs import read_file

    name = str(path) if file is None else file
    data = read_file(path, file=name, limit=MAX_GC_BYTES)
    root = xmlsafe.parse_bytes(
        data, file=name, limits=xmlsafe.XmlLimits(max_bytes=MAX_GC_BYTES)
    ).getroot()
    if etree.QName(root).namespace != GC_NS or _local(root) != "CodeList":
        raise InputError(
            "not a genericode 1.0 code list",
            file=name,
            line=xmlsafe.source_line(root),
            hint=f"expected a CodeList root in {GC_NS}",
        )
    ident = next((k for k in root if _local(k) == "Identification"), None)
    colset = next((k for k in root if _local(k) == "ColumnSet"), None)
    simple = next((k for k in root if _local(k) == "SimpleCodeList"), None)
    if ident is None or colset is None or simple is None:
        raise InputError(
            "genericode list lacks Identification, ColumnSet or SimpleCodeList", file=name
        )
    columns = tuple(k.get("Id", "") for k in colset if _local(k) == "Column")
    key = next((k for k in colset if _local(k) == "Key"), None)
    ref = next((k for k in key if _local(k) == "ColumnRef"), None) if key is not None else None
    rows = []
    for row in simple:
        if _local(row) != "Row":
            continue
        values = []
        for i, value in enumerate(k for k in row if _local(k) == "Value"):
            col = value.get("ColumnRef") or (columns[i] if i < len(columns) else str(i))
            values.append((col, _child_text(value, "SimpleValue") or ""))
        rows.append(tuple(values))
    return GenericodeList(
        short_name=_child_text(ident, "ShortName"),
        long_name=_child_text(ident, "LongName"),
        version=_child_text(ident, "Version"),
        canonical_uri=_child_text(ident, "CanonicalUri"),
        canonical_version_uri=_child_text(ident, "CanonicalVersionUri"),
        columns=columns,
        key_column=None if ref is None else ref.get("Ref"),
        rows=tuple(rows),
    )


def resolve(
    fld: Datenfeld, given: Sequence[tuple[str, GenericodeList]] = ()
) -> CodeListSource | None:
    """The codes of ``fld``'s code list, or ``None`` when no usable list is at hand.

    ``given`` pairs a display name with each ``--codelist`` file. A given list
    matches by canonical URI (a differing version is reported, not refused:
    the user chose the file); a bundled list only when URI and version match
    and the list is complete.
    """
    ref: CodelisteReferenz | None = fld.codeliste_referenz
    if ref is None or not ref.canonical_identification:
        return None
    uri = ref.canonical_identification.strip()
    for name, gc in given:
        if (gc.canonical_uri or "").strip() == uri:
            mismatch = gc.version if (ref.version and gc.version != ref.version) else None
            return CodeListSource(gc.codes(fld.code_key), name, mismatch)
    from xzufi_toolkit.reference import codelists

    bundled = codelists.find(uri)
    if bundled is None or not bundled.complete or bundled.version != (ref.version or "").strip():
        return None
    return CodeListSource(tuple(bundled.codes), f"bundled:{bundled.short_name}")
