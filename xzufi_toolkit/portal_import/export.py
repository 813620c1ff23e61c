"""The intermediate structure: what a FIM Portal export says, field by field.

:func:`read_export` turns the export's bytes (PDF or text) into a
:class:`PortalExport`: codes, dates and flags parsed, text sections as
paragraphs and lists, costs and durations structured where the text allows,
and a finding for everything it could not place. Mapping into the XZuFi model
is :mod:`.to_model`'s job.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from xzufi_toolkit.errors import InputError
from xzufi_toolkit.findings import Finding, Location, Severity
from xzufi_toolkit.portal_import.sections import Entry, spec_of, split_sections
from xzufi_toolkit.portal_import.text import clean_lines, extract_text
from xzufi_toolkit.portal_import.values import (
    Block,
    ParsedCost,
    ParsedDuration,
    blocks_of,
    parse_code,
    parse_costs,
    parse_date,
    parse_durations,
)

__all__ = ["CodeValue", "PortalExport", "Section", "read_export"]

# Fewer known labels than this: the file is not a portal export.
MIN_LABELS = 4

# Sections every export of the portal prints (possibly empty).
EXPECTED = (
    "schluessel",
    "bezeichnung",
    "typisierung",
    "leistungstyp",
    "gruppierung",
    "volltext",
    "unterlagen",
    "voraussetzungen",
    "kosten",
    "verfahrensablauf",
    "bearbeitungsdauer",
    "frist",
)

_STATUS = {
    "in planung": "1",
    "in bearbeitung": "2",
    "entwurf": "3",
    "methodisch freigegeben": "4",
    "fachlich freigegeben (silber)": "5",
    "fachlich freigegeben (gold)": "6",
    "inaktiv": "7",
    "vorgesehen zum löschen": "8",
}
_STATUS_UNKNOWN = "unbestimmter freigabestatus"
_LEISTUNGSTYP = {
    "leistungsobjekt": "lo",
    "leistungsobjekt mit verrichtung": "lov",
    "leistungsobjekt mit verrichtung und detail": "lovd",
}
_TYPISIERUNG = re.compile(r"^(?P<code>\d{1,2}[ab]?|2/3[ab]?)(?:\s+-\s+.*)?$")
_KEY = re.compile(r"\b\d{14}\b")


@dataclass(frozen=True, slots=True)
class CodeValue:
    """A code the export prints as "name (code)"; ``code`` is ``None`` when only a name is given."""

    code: str | None
    name: str | None


@dataclass(frozen=True, slots=True)
class Section:
    """A text section: its label's line and its paragraphs and lists."""

    key: str
    label: str
    line: int
    blocks: tuple[Block, ...]


@dataclass(slots=True)
class PortalExport:
    """Everything read from one export; ``None``/empty where the export says nothing."""

    name: str
    keys: list[str] = field(default_factory=list)
    title: str | None = None
    title2: str | None = None
    typisierung: list[str] = field(default_factory=list)
    source_editor: str | None = None
    status_catalog: str | None = None
    status_catalog_name: str | None = None
    status_library: str | None = None
    status_library_name: str | None = None
    terms: list[str] = field(default_factory=list)
    structure_kind: str | None = None
    grouping: CodeValue | None = None
    action: CodeValue | None = None
    action_detail: str | None = None
    sdg: list[CodeValue] = field(default_factory=list)
    situations: list[CodeValue] = field(default_factory=list)
    single_point_of_contact: bool | None = None
    released_on: datetime.date | None = None
    released_by: str | None = None
    legal_trigger: str | None = None
    sections: dict[str, Section] = field(default_factory=dict)
    costs: list[ParsedCost] = field(default_factory=list)
    processing_times: list[ParsedDuration] = field(default_factory=list)
    deadlines: list[ParsedDuration] = field(default_factory=list)
    origin_titles: list[str] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


def read_export(data: bytes, *, name: str) -> PortalExport:
    """Read a FIM Portal export (PDF or its text); raise :class:`InputError` if it is none."""
    text = extract_text(data, name=name)
    lines, findings = clean_lines(text, name=name)
    entries, found = split_sections(lines, name=name)
    if len(entries) < MIN_LABELS:
        raise InputError(
            "not a FIM Portal export of a Leistung: its section labels are missing",
            file=name,
            hint="pass the PDF export of a Leistung from the FIM Portal (or its text), "
            "with labels such as Leistungsschlüssel, Typisierung, Volltext",
        )
    findings.extend(found)
    result = PortalExport(name=name)
    _Reader(result, findings).read(entries)
    result.findings = findings
    return result


def _flat(entry: Entry) -> str:
    return " ".join(" ".join(line.text.split()) for line in entry.lines if not line.blank)


class _Reader:
    def __init__(self, result: PortalExport, findings: list[Finding]) -> None:
        self.r = result
        self.findings = findings

    def finding(self, code: str, severity: Severity, line: int | None, en: str, de: str) -> None:
        self.findings.append(Finding(code, severity, en, Location(file=self.r.name, line=line), de))

    def unparsed(self, entry: Entry, what: str) -> None:
        self.finding(
            "IMP-VALUE",
            Severity.WARNING,
            entry.line,
            f"{entry.spec.label}: value not understood, left out ({what})",
            f"{entry.spec.label}: Wert nicht verstanden, weggelassen ({what})",
        )

    def read(self, entries: list[Entry]) -> None:
        r = self.r
        by_key = {e.spec.key: e for e in entries}
        for key in EXPECTED:
            if key not in by_key:
                label = spec_of(key).label
                self.finding(
                    "IMP-MISSING",
                    Severity.WARNING,
                    None,
                    f"section {label!r} is missing from the export",
                    f"Abschnitt {label!r} fehlt im Export",
                )
        for entry in entries:
            r.lines[entry.spec.key] = entry.line
            if entry.empty:
                continue
            handler = getattr(self, f"_{entry.spec.key}", None)
            if handler is not None:
                handler(entry)
            else:
                self._text(entry)
        for key, present in (("schluessel", bool(r.keys)), ("bezeichnung", bool(r.title))):
            if not present:
                label = spec_of(key).label
                self.finding(
                    "IMP-REQUIRED",
                    Severity.ERROR,
                    r.lines.get(key),
                    f"{label} is missing or empty: a Leistung cannot be written without it",
                    f"{label} fehlt oder ist leer: ohne diesen Wert entsteht keine Leistung",
                )

    # -- short fields ---------------------------------------------------

    def _schluessel(self, e: Entry) -> None:
        keys = _KEY.findall(_flat(e))
        if not keys:
            self.unparsed(e, "no 14-digit key")
        for key in keys:
            if key not in self.r.keys:
                self.r.keys.append(key)

    def _bezeichnung(self, e: Entry) -> None:
        self.r.title = _flat(e)

    def _bezeichnung2(self, e: Entry) -> None:
        self.r.title2 = _flat(e)

    def _typisierung(self, e: Entry) -> None:
        m = _TYPISIERUNG.match(_flat(e))
        if m is None:
            self.unparsed(e, "no Typisierung code")
            return
        self.r.typisierung.append(m["code"])

    def _quellredaktion(self, e: Entry) -> None:
        self.r.source_editor = _flat(e)

    def _status(self, e: Entry) -> str | None:
        text = _flat(e).lower()
        if text == _STATUS_UNKNOWN:
            return None
        code = _STATUS.get(text)
        if code is None:
            self.unparsed(e, "not a Freigabestatus")
        return code

    def _status_katalog(self, e: Entry) -> None:
        self.r.status_catalog = self._status(e)
        self.r.status_catalog_name = _flat(e) if self.r.status_catalog else None

    def _status_bibliothek(self, e: Entry) -> None:
        self.r.status_library = self._status(e)
        self.r.status_library_name = _flat(e) if self.r.status_library else None

    def _begriffe(self, e: Entry) -> None:
        for block in blocks_of(e.lines):
            self.r.terms.extend(t.strip() for item in block.items for t in item.split(";"))

    def _leistungstyp(self, e: Entry) -> None:
        kind = _LEISTUNGSTYP.get(_flat(e).lower())
        if kind is None:
            self.unparsed(e, "not a Leistungstyp")
        self.r.structure_kind = kind

    def _coded(self, e: Entry, digits: int) -> CodeValue | None:
        code, name = parse_code(_flat(e))
        if code is None or len(code) != digits:
            self.unparsed(e, f"no {digits}-digit code in parentheses")
            return None
        return CodeValue(code, name)

    def _gruppierung(self, e: Entry) -> None:
        self.r.grouping = self._coded(e, 3)

    def _verrichtung(self, e: Entry) -> None:
        self.r.action = self._coded(e, 3)

    def _verrichtungsdetail(self, e: Entry) -> None:
        self.r.action_detail = _flat(e)

    def _sdg(self, e: Entry) -> None:
        code, name = parse_code(_flat(e))
        self.r.sdg.append(CodeValue(code, name))

    def _lagen(self, e: Entry) -> None:
        value = self._coded(e, 7)
        if value is not None:
            self.r.situations.append(value)

    def _ea(self, e: Entry) -> None:
        text = _flat(e).lower()
        if text in ("ja", "yes"):
            self.r.single_point_of_contact = True
        elif text in ("nein", "no"):
            self.r.single_point_of_contact = False
        else:
            self.unparsed(e, "not Ja/Nein")

    def _freigabe_am(self, e: Entry) -> None:
        self.r.released_on = parse_date(_flat(e))
        if self.r.released_on is None:
            self.unparsed(e, "not a date")

    def _freigabe_durch(self, e: Entry) -> None:
        self.r.released_by = _flat(e)

    def _handlungsgrundlage(self, e: Entry) -> None:
        self.r.legal_trigger = _flat(e)

    def _ursprungsportal(self, e: Entry) -> None:
        text = _flat(e)
        title = self.r.title
        # "<German title>, <English title>": split where the English title
        # (the Leistungsbezeichnung) starts.
        if title and text.endswith(", " + title):
            self.r.origin_titles = [text[: -len(title) - 2], title]
        else:
            self.r.origin_titles = [text]

    # -- text sections ----------------------------------------------------

    def _text(self, e: Entry) -> None:
        self.r.sections[e.spec.key] = Section(e.spec.key, e.spec.label, e.line, blocks_of(e.lines))

    def _kosten(self, e: Entry) -> None:
        self._text(e)
        costs, rest = parse_costs(self.r.sections["kosten"].blocks, e.line)
        self.r.costs = costs
        for text in rest:
            self.finding(
                "IMP-TEXT-ONLY",
                Severity.INFO,
                e.line,
                f"Kosten: a paragraph states no amount ({len(text)} characters), kept as text",
                f"Kosten: ein Absatz nennt keinen Betrag ({len(text)} Zeichen), als Text behalten",
            )

    def _durations(self, e: Entry) -> list[ParsedDuration]:
        self._text(e)
        found = parse_durations(self.r.sections[e.spec.key].blocks, e.line)
        if not found:
            self.finding(
                "IMP-TEXT-ONLY",
                Severity.INFO,
                e.line,
                f"{e.spec.label}: no duration stated plainly, kept as text",
                f"{e.spec.label}: keine Dauer eindeutig genannt, als Text behalten",
            )
        return found

    def _bearbeitungsdauer(self, e: Entry) -> None:
        self.r.processing_times = self._durations(e)

    def _frist(self, e: Entry) -> None:
        self.r.deadlines = self._durations(e)
