"""Which code list each coded element of the message uses, with its pinned version.

Official lists come from :mod:`xzufi_toolkit.reference.codelists` (pinned in the
project's reference notes); the project's own lists (message type, evidence
type, kind of legal representation, and a listURI for the DSMeld marital-status
keys, which the notes give without one) ship in
``schemas/aufenthalt-antrag/project-codelists.json``.
The XSD fixes ``listURI``/``listVersionID`` per code type; a test keeps both
in step.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from xzufi_toolkit.io.resources import schema_file
from xzufi_toolkit.reference import codelists

__all__ = ["CodeRef", "code_ref"]

_PROJECT = {
    "nachrichtentyp": "urn:xzufi-toolkit:codeliste:nachrichtentyp",
    "familienstand": "urn:xzufi-toolkit:codeliste:familienstand",
    "nachweisart": "urn:xzufi-toolkit:codeliste:nachweisart",
    "vertretungsart": "urn:xzufi-toolkit:codeliste:vertretungsart",
}


@dataclass(frozen=True, slots=True)
class CodeRef:
    """listURI, listVersionID (``None``: the list has no pinned version) and code names."""

    uri: str
    version: str | None
    names: dict[str, str]


@cache
def _project_lists() -> dict[str, CodeRef]:
    path = schema_file("aufenthalt-antrag", "project-codelists.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    return {
        entry["uri"]: CodeRef(
            entry["uri"], entry["version"], {c["code"]: c["name"] for c in entry["codes"]}
        )
        for entry in data["lists"]
    }


@cache
def code_ref(short_name: str) -> CodeRef:
    """The list for ``short_name`` (a :mod:`codelists` short name or a project list)."""
    project = _project_lists()
    if short_name in _PROJECT:
        ref = project[_PROJECT[short_name]]
        if short_name == "familienstand":
            official = codelists.get("familienstand")
            names = {c: n for c in official.codes if (n := official.name(c)) is not None}
            return CodeRef(ref.uri, ref.version, names)
        return ref
    cl = codelists.get(short_name)
    if cl.uri is None:  # pragma: no cover - every official list used here has a URI
        raise KeyError(short_name)
    names = {c: n for c in cl.codes if (n := cl.name(c)) is not None}
    return CodeRef(cl.uri, cl.version if cl.versioned else None, names)
