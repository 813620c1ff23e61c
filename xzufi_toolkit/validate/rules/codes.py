"""Every code against its pinned code list (``xzufi.md``, "Code lists").

Codes come from :mod:`xzufi_toolkit.reference.codelists` (lists as data with listURI and
pinned version). An unknown code is an error where the packaged list is
complete and a warning where the reference notes give only part of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from lxml import etree

from xzufi_toolkit.findings import Severity
from xzufi_toolkit.reference import codelists
from xzufi_toolkit.validate.context import Ctx, Hit
from xzufi_toolkit.validate.registry import rule

REF = "xzufi.md: Code lists; xzufi_toolkit/data/codelists/"

URI_TYPISIERUNG = "urn:de:fim:leika:typisierung"
URI_TEXTMODUL = "urn:de:xzufi:codeliste:leistungstextmodulleika"
URI_STATUS = "urn:xoev-de:xprozess:codeliste:status"

# SDG information areas: 7 digits, 1 = citizens / 2 = businesses, then area and
# item as two digits each; 0000000 for "none" (xzufi.md, Code lists).
_SDG = re.compile(r"^(0000000|[12]\d{6})$")


@cache
def _codes(name: str) -> tuple[frozenset[str], Severity | None, str]:
    """Codes of a packaged list, the severity of an unknown code, and how to name the list."""
    cl = codelists.get(name)
    return frozenset(cl.codes), None if cl.complete else Severity.WARNING, cl.uri or cl.short_name


def _check(
    ctx: Ctx,
    elements: list[etree._Element],
    name: str,
    label: str,
    label_de: str,
) -> Iterator[Hit]:
    codes, severity, where = _codes(name)
    code = ctx.code
    for el in elements:
        value = code(el)
        if value not in codes:
            yield ctx.hit(
                el,
                f"{label} code {value!r} is not in the code list {where}",
                f"{label_de}-Code {value!r} steht nicht in der Codeliste {where}",
                severity,
            )


@rule("XZ-CODE-001", Severity.ERROR, "Unknown Typisierung", "Unbekannte Typisierung", REF)
def typisierung(ctx: Ctx) -> Iterator[Hit]:
    """``typisierung`` is a code of urn:de:fim:leika:typisierung (1 … 12 with the
    a/b variants and 2/3)."""
    yield from _check(ctx, ctx.kids("typisierung"), "typisierung", "Typisierung", "Typisierungs")


@rule("XZ-CODE-002", Severity.ERROR, "Unknown text module code", "Unbekannter Textmodul-Code", REF)
def textmodul(ctx: Ctx) -> Iterator[Hit]:
    """``leikaTextmodul`` is a code of urn:de:xzufi:codeliste:leistungstextmodulleika."""
    yield from _check(ctx, ctx.all("leikatextmodul"), "textmodul", "text module", "Textmodul")


@rule("XZ-CODE-003", Severity.ERROR, "Unknown Freigabestatus", "Unbekannter Freigabestatus", REF)
def freigabestatus(ctx: Ctx) -> Iterator[Hit]:
    """``statusKatalog`` and ``statusBibliothek`` (2.3.1) are codes 1-8 of
    urn:xoev-de:xprozess:codeliste:status."""
    els = ctx.kids("statuskatalog") + ctx.kids("statusbibliothek")
    yield from _check(ctx, els, "freigabestatus", "Freigabestatus", "Freigabestatus")


@rule(
    "XZ-CODE-004",
    Severity.ERROR,
    "Malformed SDG information area",
    "Fehlerhafter SDG-Informationsbereich",
    REF + "; Regulation (EU) 2018/1724 Annex I",
)
def sdg(ctx: Ctx) -> Iterator[Hit]:
    """SDG information areas (``informationsbereichSDG``, 2.3.1
    ``informationsbereichSDG1``) are 7 digits: 1 (citizens) or 2 (businesses),
    area and item, or 0000000. The packaged list is incomplete, so a well-formed
    code missing from it is only information."""
    codes, severity, _ = _codes("sdg")
    for el in ctx.all("informationsbereichsdg") + ctx.all("informationsbereichsdg1"):
        value = ctx.code(el)
        if not _SDG.match(value):
            yield ctx.hit(
                el,
                f"SDG information area {value!r} is not a 7-digit code starting with 1 or 2",
                f"SDG-Informationsbereich {value!r} ist kein 7-stelliger Code mit 1 oder 2 vorn",
            )
        elif value not in codes:
            yield ctx.hit(
                el,
                f"SDG information area {value} is not in the packaged (incomplete) list",
                f"SDG-Informationsbereich {value} fehlt in der mitgelieferten "
                "(unvollständigen) Liste",
                None if severity is None else Severity.INFO,
            )


@rule("XZ-CODE-005", Severity.ERROR, "Unknown Zeiteinheit", "Unbekannte Zeiteinheit", REF)
def zeiteinheit(ctx: Ctx) -> Iterator[Hit]:
    """``einheit`` and ``einheitBis`` of durations and deadlines are Zeiteinheit
    codes (JAHR … SEKUNDE, WERKTAG, ARBEITSTAG)."""
    yield from _check(
        ctx, ctx.all("einheit") + ctx.all("einheitbis"), "zeiteinheit", "Zeiteinheit", "Zeiteinheit"
    )


@rule("XZ-CODE-006", Severity.ERROR, "Unknown Kostentyp", "Unbekannter Kostentyp", REF)
def kostentyp(ctx: Ctx) -> Iterator[Hit]:
    """``kosten/typ`` is a Kostentyp code 001-018."""
    els = [t for k in ctx.all("kosten") for t in ctx.kids("typ", k)]
    yield from _check(ctx, els, "kostentyp", "Kostentyp", "Kostentyp")


@rule("XZ-CODE-007", Severity.ERROR, "Unknown Fristtyp", "Unbekannter Fristtyp", REF)
def fristtyp(ctx: Ctx) -> Iterator[Hit]:
    """``frist/typ`` is a Fristtyp code (001, 002, 003, 005, 006, 009)."""
    els = [t for k in ctx.all("frist") for t in ctx.kids("typ", k)]
    yield from _check(ctx, els, "fristtyp", "Fristtyp", "Fristtyp")


@rule(
    "XZ-CODE-008", Severity.ERROR, "Unknown Leistungsadressat", "Unbekannter Leistungsadressat", REF
)
def leistungsadressat(ctx: Ctx) -> Iterator[Hit]:
    """``leistungsadressat`` is 001, 002 or 003."""
    yield from _check(
        ctx,
        ctx.kids("leistungsadressat"),
        "leistungsadressat",
        "Leistungsadressat",
        "Leistungsadressaten",
    )


@rule(
    "XZ-CODE-009", Severity.ERROR, "Unknown Vertrauensniveau", "Unbekanntes Vertrauensniveau", REF
)
def vertrauensniveau(ctx: Ctx) -> Iterator[Hit]:
    """``vertrauensniveau`` is 00, 10, 15, 20, 30 or 40."""
    yield from _check(
        ctx,
        ctx.kids("vertrauensniveau"),
        "vertrauensniveau",
        "Vertrauensniveau",
        "Vertrauensniveau",
    )


_KNOWN_URIS = {
    "typisierung": URI_TYPISIERUNG,
    "leikatextmodul": URI_TEXTMODUL,
    "statuskatalog": URI_STATUS,
    "statusbibliothek": URI_STATUS,
}


@rule(
    "XZ-CODE-010",
    Severity.WARNING,
    "Code names another code list",
    "Code nennt eine andere Codeliste",
    REF + "; XÖV code types (listURI, listVersionID)",
)
def list_uri(ctx: Ctx) -> Iterator[Hit]:
    """Where a code element carries ``listURI``, it is the list the element is
    pinned to (Typisierung, text modules, Freigabestatus)."""
    for name, uri in _KNOWN_URIS.items():
        for el in ctx.all(name):
            given = el.get("listURI")
            if given is not None and given.strip() != uri:
                yield ctx.hit(
                    el,
                    f"listURI {given!r} differs from {uri}",
                    f"listURI {given!r} weicht von {uri} ab",
                )
