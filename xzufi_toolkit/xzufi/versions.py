"""XZuFi versions: namespaces, element names that differ, version detection; the
XML names reader and writer both map (identifier attributes, structure types)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from xzufi_toolkit.errors import InputError, UnsupportedVersionError
from xzufi_toolkit.model import StructureKind

__all__ = [
    "ID_ATTRIBUTES",
    "SPECS",
    "STRUCTURE_TYPES",
    "SUPPORTED_VERSIONS",
    "TRANSFER_ROOT",
    "V220",
    "V231",
    "VERSION_INFO",
    "VersionSpec",
    "spec_for",
    "version_from_attribute",
    "version_from_namespace",
]

V220 = "2.2.0"
V231 = "2.3.1"
SUPPORTED_VERSIONS = (V220, V231)
#: Root element of the transfer (bulk) message: the toolkit's choice, the real
#: name is not confirmed by a source (documented in docs/xzufi.md).
TRANSFER_ROOT = "xzufi.transfer"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

#: ``xsi:type`` of ``struktur`` for each Leistungstyp (:class:`~xzufi_toolkit.model.Structure`).
STRUCTURE_TYPES: dict[StructureKind, str] = {
    "lo": "LeistungsstrukturObjekt",
    "lov": "LeistungsstrukturObjektMitVerrichtung",
    "lovd": "LeistungsstrukturObjektMitVerrichtungUndDetail",
}
#: Each version's name of ``versionsinformation`` (2.3.1: the API model's plural;
#: its profile also accepts the singular of real 2.2.0 files).
VERSION_INFO = {V220: "versionsinformation", V231: "versionsinformationen"}
#: Attributes of an ``Identifikator`` and the :class:`~xzufi_toolkit.model.Identifier` fields.
ID_ATTRIBUTES: tuple[tuple[str, str], ...] = (
    ("schemeAgencyID", "scheme_agency_id"),
    ("schemeAgencyName", "scheme_agency_name"),
    ("schemeDataURI", "scheme_data_uri"),
    ("schemeID", "scheme_id"),
    ("schemeName", "scheme_name"),
    ("schemeURI", "scheme_uri"),
    ("schemeVersionID", "scheme_version_id"),
)


@dataclass(frozen=True, slots=True)
class VersionSpec:
    """What differs between the versions, by element name."""

    version: str
    ns: str
    leika_key: str
    grouping: str
    action: str
    written_form: str
    multi_modules: bool  # 2.3.1: Frist/Kosten/Bearbeitungsdauer/Freigabe repeat


SPECS: dict[str, VersionSpec] = {
    V220: VersionSpec(
        version=V220,
        ns="http://xoev.de/schemata/xzufi/2_2_0",
        leika_key="referenzLeiKa",
        grouping="leistungsgruppierung",
        action="verrichtung",
        written_form="kennzeichenSchriftformerfordernis",
        multi_modules=False,
    ),
    V231: VersionSpec(
        version=V231,
        ns="http://xoev.de/schemata/xzufi/2_3_1",
        leika_key="referenzLeistungsschluessel",
        grouping="leistungsgruppierungLeiKa",
        action="verrichtungLeiKa",
        written_form="kennzeichenFormularSchriftformerfordernis",
        multi_modules=True,
    ),
}

_XZUFI_NS = re.compile(r"/xzufi/\d+_\d+(?:_\d+)?/?$")
_BY_NS = {s.ns: s.version for s in SPECS.values()}
_ATTR_VERSIONS = {"2.2.0": V220, "2.2": V220, "2.3.1": V231, "2.3": V231}


def spec_for(version: str) -> VersionSpec:
    """The spec of ``version`` ("2.2.0" or "2.3.1"; "2.2"/"2.3" accepted)."""
    v = _ATTR_VERSIONS.get(version.strip())
    if v is None:
        raise UnsupportedVersionError(
            f"XZuFi version {version!r} is not supported",
            hint="supported versions: " + ", ".join(SUPPORTED_VERSIONS),
        )
    return SPECS[v]


def version_from_namespace(
    ns: str | None, *, file: str | None = None, line: int | None = None
) -> str:
    """The version a root namespace stands for; clear errors for the others."""
    if ns in _BY_NS:
        return _BY_NS[ns]
    if ns and _XZUFI_NS.search(ns):
        raise UnsupportedVersionError(
            f"XZuFi namespace {ns!r} is not a supported version",
            file=file,
            line=line,
            hint="supported: " + ", ".join(s.ns for s in SPECS.values()),
        )
    raise InputError(
        f"not an XZuFi document: root namespace is {ns!r}"
        if ns
        else "not an XZuFi document: the root element has no namespace",
        file=file,
        line=line,
        hint="expected namespace " + " or ".join(s.ns for s in SPECS.values()),
    )


def version_from_attribute(value: str | None) -> str | None:
    """``xzufiVersion`` attribute → version ("2.2" counts as 2.2.0); ``None`` if unknown."""
    if value is None:
        return None
    return _ATTR_VERSIONS.get(value.strip())
