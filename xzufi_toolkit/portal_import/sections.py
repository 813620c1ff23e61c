"""The labelled sections of a FIM Portal export, with the two-column layout undone.

The portal prints a Leistung as two columns, labels left and values right.
Text extraction keeps a value on its label's line only while the value fits;
for a run of short fields it emits the labels first and their values after
them as a block of their own ("displaced values"), or the values first when
the columns come out in the other order. Displaced values are given back to
the empty fields by their shape (a three-digit code in parentheses is a
Verrichtungskennung, a date is "fachlich freigegeben am", …), keeping the
order of both columns; what cannot be matched is reported, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from xzufi_toolkit.findings import Finding, Location, Severity
from xzufi_toolkit.portal_import.text import Line

__all__ = ["LABELS", "Entry", "LabelSpec", "Shape", "split_sections"]


class Shape(StrEnum):
    """The shape of a short value, used to match displaced values to their fields."""

    KEY = "key"  # 14-digit Leistungsschlüssel
    CODE3 = "code3"  # "Aufenthaltstitel (010)"
    CODE7 = "code7"  # "Einwanderung (1080100)"
    YESNO = "yesno"
    DATE = "date"
    TYPISIERUNG = "typisierung"
    TEXT = "text"


@dataclass(frozen=True, slots=True)
class LabelSpec:
    """One label of the export: its key, its printed form, and what its value looks like.

    ``module`` fields hold text that runs over blank lines until the next
    label; the others hold one short value. ``accepts`` scores the shapes a
    displaced value may have to belong here.
    """

    key: str
    label: str
    module: bool = False
    accepts: tuple[tuple[Shape, int], ...] = ((Shape.TEXT, 1),)
    variants: tuple[str, ...] = ()


LABELS: tuple[LabelSpec, ...] = (
    LabelSpec("schluessel", "Leistungsschlüssel", accepts=((Shape.KEY, 3),)),
    LabelSpec("bezeichnung2", "Leistungsbezeichnung II"),
    LabelSpec("bezeichnung", "Leistungsbezeichnung"),
    LabelSpec("typisierung", "Typisierung", accepts=((Shape.TYPISIERUNG, 3),)),
    LabelSpec("quellredaktion", "Quellredaktion"),
    LabelSpec("status_katalog", "Freigabestatus Katalog"),
    LabelSpec("status_bibliothek", "Freigabestatus Bibliothek"),
    LabelSpec("begriffe", "Begriffe im Kontext"),
    LabelSpec("leistungstyp", "Leistungstyp"),
    LabelSpec("gruppierung", "Leistungsgruppierung", accepts=((Shape.CODE3, 3),)),
    LabelSpec("verrichtung", "Verrichtungskennung", accepts=((Shape.CODE3, 3),)),
    LabelSpec("verrichtungsdetail", "Verrichtungsdetail"),
    LabelSpec("sdg", "SDG-Informationsbereich", accepts=((Shape.TEXT, 2), (Shape.CODE7, 1))),
    LabelSpec("lagen", "Lagen Portalverbund", accepts=((Shape.CODE7, 3),)),
    LabelSpec("ea", "Einheitlicher Ansprechpartner", accepts=((Shape.YESNO, 3),)),
    LabelSpec("freigabe_am", "Fachlich freigegeben am", accepts=((Shape.DATE, 3),)),
    LabelSpec("freigabe_durch", "Fachlich freigegeben durch"),
    LabelSpec("handlungsgrundlage", "Handlungsgrundlage"),
    LabelSpec("teaser", "Teaser", module=True),
    LabelSpec("volltext", "Volltext", module=True),
    LabelSpec("unterlagen", "Erforderliche Unterlagen", module=True),
    LabelSpec("voraussetzungen", "Voraussetzungen", module=True),
    LabelSpec("kosten", "Kosten", module=True),
    LabelSpec("verfahrensablauf", "Verfahrensablauf", module=True),
    LabelSpec("bearbeitungsdauer", "Bearbeitungsdauer", module=True),
    LabelSpec("frist", "Frist", module=True, variants=("Fristen",)),
    LabelSpec("weiterfuehrend", "Weiterführende Informationen", module=True),
    LabelSpec("hinweise", "Hinweise", module=True, variants=("Hinweise (Besonderheiten)",)),
    LabelSpec("rechtsbehelf", "Rechtsbehelf", module=True),
    LabelSpec("kurztext", "Kurztext", module=True),
    LabelSpec("ansprechpunkt", "Ansprechpunkt", module=True),
    LabelSpec("zustaendige_stelle", "Zuständige Stelle", module=True),
    LabelSpec("formulare", "Formulare", module=True),
    LabelSpec(
        "rechtsgrundlage",
        "Rechtsgrundlage(n)",
        module=True,
        variants=("Rechtsgrundlagen", "Rechtsgrundlage"),
    ),
    LabelSpec("urheber", "Urheber", module=True),
    LabelSpec("ursprungsportal", "Ursprungsportal", module=True),
)

_BY_KEY = {spec.key: spec for spec in LABELS}

# (printed form, spec), longest first so "Leistungsbezeichnung II" wins over its prefix.
_FORMS: tuple[tuple[str, LabelSpec], ...] = tuple(
    sorted(
        ((form, spec) for spec in LABELS for form in (spec.label, *spec.variants)),
        key=lambda item: -len(item[0]),
    )
)
# Word prefixes of multi-word labels, for labels that extraction broke over two lines.
_PREFIXES = frozenset(
    " ".join(form.lower().split()[:n]) for form, _ in _FORMS for n in range(1, len(form.split()))
)

_SHAPES: tuple[tuple[Shape, re.Pattern[str]], ...] = (
    (Shape.KEY, re.compile(r"^\d{14}(\s*,\s*\d{14})*$")),
    (Shape.CODE3, re.compile(r"^.*\(\d{3}\)$")),
    (Shape.CODE7, re.compile(r"^.*\(\d{7}\)$")),
    (Shape.YESNO, re.compile(r"^(Ja|Nein|Yes|No)$", re.I)),
    (Shape.DATE, re.compile(r"^\d{1,2}\.\d{1,2}\.\d{4}$")),
    (Shape.TYPISIERUNG, re.compile(r"^(\d{1,2}|2/3)[ab]?(\s+-\s+.*)?$")),
)


def shape_of(text: str) -> Shape:
    for shape, pattern in _SHAPES:
        if pattern.match(text.strip()):
            return shape
    return Shape.TEXT


@dataclass(slots=True)
class Entry:
    """One labelled section: the label's line and the value's lines (blank lines kept)."""

    spec: LabelSpec
    line: int
    lines: list[Line] = field(default_factory=list)
    displaced_from: int | None = None

    @property
    def empty(self) -> bool:
        return all(line.blank for line in self.lines)


def _match_label(text: str) -> tuple[LabelSpec, str] | None:
    """The label this line starts with and the rest of the line (the inline value)."""
    stripped = text.strip()
    for form, spec in _FORMS:
        if stripped.startswith(form):
            rest = stripped[len(form) :]
        elif stripped.lower() == form.lower():
            # A label alone on its line may come out in another case.
            rest = ""
        else:
            continue
        if rest and not rest[0].isspace() and rest[0] != "|":
            continue
        return spec, rest.strip().removeprefix("|").strip()
    return None


def _join_broken_labels(lines: list[Line]) -> list[Line]:
    """Join "Einheitlicher" + "Ansprechpartner" when the two lines make one label."""
    out: list[Line] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        head = " ".join(line.text.lower().split())
        if head in _PREFIXES and i + 1 < len(lines) and not lines[i + 1].blank:
            joined = line.text.strip() + " " + lines[i + 1].text.strip()
            match = _match_label(joined)
            if match is not None and len(match[0].label.split()) > len(head.split()):
                out.append(Line(line.no, joined))
                i += 2
                continue
        out.append(line)
        i += 1
    return out


@dataclass(slots=True)
class _Unit:
    """A displaced value: a paragraph (or a single shaped line) outside any section."""

    lines: list[Line]

    @property
    def text(self) -> str:
        return " ".join(line.text.strip() for line in self.lines)

    @property
    def shape(self) -> Shape:
        return shape_of(self.text)


def split_sections(lines: list[Line], *, name: str) -> tuple[list[Entry], list[Finding]]:
    """The labelled sections in document order, displaced values given back to their fields."""
    lines = _join_broken_labels(lines)
    labels, findings = _label_lines(lines, name=name)
    entries: list[Entry] = []
    orphans: list[list[Line]] = []  # paragraphs outside any section
    seen: dict[str, Entry] = {}
    current: Entry | None = None
    # A short field takes the lines right under its label until a blank line;
    # after that, text is outside every section until the next label.
    open_field = False
    for i, line in enumerate(lines):
        match = labels.get(i)
        if match is not None:
            spec, inline = match
            if spec.key in seen:
                findings.append(
                    Finding(
                        "IMP-DUPLICATE",
                        Severity.WARNING,
                        f"section {spec.label!r} appears again; its text is added to the first",
                        Location(file=name, line=line.no),
                        f"Abschnitt {spec.label!r} kommt erneut vor; sein Text wird angehängt",
                    )
                )
                current = seen[spec.key]
                current.lines.append(Line(line.no, ""))
            else:
                current = Entry(spec, line.no)
                seen[spec.key] = current
                entries.append(current)
            if inline:
                current.lines.append(Line(line.no, inline))
            open_field = True
            continue
        if current is not None and current.spec.module:
            current.lines.append(line)
            continue
        if line.blank:
            open_field = False
            if orphans and orphans[-1]:
                orphans.append([])
            continue
        if current is not None and open_field:
            # A shaped value (code, date, yes/no) under a field that has its
            # value already belongs to another field: the columns came apart.
            if current.empty or shape_of(line.text) is Shape.TEXT:
                current.lines.append(line)
                continue
            open_field = False
        if not orphans or (orphans[-1] and _ends_unit(orphans[-1], line)):
            orphans.append([])
        orphans[-1].append(line)
    for entry in entries:
        _trim(entry.lines)
    units = [_Unit(p) for p in orphans if p]
    findings.extend(_place_displaced(entries, units, name=name))
    return entries, findings


_RUNS_ON = re.compile(r"[^.:!?;)\]]$")


def _label_lines(
    lines: list[Line], *, name: str
) -> tuple[dict[int, tuple[LabelSpec, str]], list[Finding]]:
    """The lines that are labels (by index), and findings for label words kept as text.

    German body text may start a line with a label word ("Kosten von 100 Euro
    …"). When a label occurs more than once, an occurrence that continues a
    sentence running on from the line above is text, not a label, as long as
    another occurrence is left to be the label.
    """
    found: dict[int, tuple[LabelSpec, str]] = {}
    for i, line in enumerate(lines):
        match = None if line.blank else _match_label(line.text)
        if match is not None:
            found[i] = match
    by_key: dict[str, list[int]] = {}
    for i, (spec, _) in found.items():
        by_key.setdefault(spec.key, []).append(i)
    findings: list[Finding] = []
    for key, places in by_key.items():
        if len(places) < 2:
            continue
        for i in list(places):
            # The text above: a line of text, or the value beside a label.
            above = "" if i == 0 else lines[i - 1].text
            if i - 1 in found:
                above = found[i - 1][1]
            runs_on = _RUNS_ON.search(above.rstrip()) is not None
            if runs_on and len(places) > 1:
                places.remove(i)
                del found[i]
                findings.append(
                    Finding(
                        "IMP-LABEL-IN-TEXT",
                        Severity.INFO,
                        f"a line starting with the label {spec_of(key).label!r} continues "
                        "a sentence: kept as text",
                        Location(file=name, line=lines[i].no),
                        f"eine Zeile, die mit {spec_of(key).label!r} beginnt, setzt einen "
                        "Satz fort: als Text behalten",
                    )
                )
    return found, findings


def _ends_unit(paragraph: list[Line], line: Line) -> bool:
    """A shaped line (code, date, yes/no) is a value of its own, not a paragraph's continuation."""
    return shape_of(line.text) is not Shape.TEXT or shape_of(paragraph[-1].text) is not Shape.TEXT


def _trim(lines: list[Line]) -> None:
    while lines and lines[-1].blank:
        lines.pop()
    while lines and lines[0].blank:
        lines.pop(0)


def _place_displaced(entries: list[Entry], units: list[_Unit], *, name: str) -> list[Finding]:
    """Give displaced values to empty short fields by shape, both columns keeping their order."""
    findings: list[Finding] = []
    if not units:
        return findings
    slots = [e for e in entries if not e.spec.module and e.empty]
    assignment = _align(slots, units)
    for ui, unit in enumerate(units):
        si = assignment.get(ui)
        if si is None:
            findings.append(
                Finding(
                    "IMP-UNPLACED",
                    Severity.WARNING,
                    f"text outside every section could not be placed ({len(unit.text)} characters)",
                    Location(file=name, line=unit.lines[0].no),
                    f"Text außerhalb aller Abschnitte nicht zuzuordnen ({len(unit.text)} Zeichen)",
                )
            )
            continue
        slot = slots[si]
        slot.lines = list(unit.lines)
        slot.displaced_from = unit.lines[0].no
        findings.append(
            Finding(
                "IMP-DISPLACED",
                Severity.INFO,
                f"value of {slot.spec.label!r} taken from the other column "
                f"(line {unit.lines[0].no})",
                Location(file=name, line=slot.line),
                f"Wert von {slot.spec.label!r} aus der anderen Spalte übernommen "
                f"(Zeile {unit.lines[0].no})",
            )
        )
    return findings


_UNPLACED = -4  # cost of leaving a displaced value without a field


def _align(slots: list[Entry], units: list[_Unit]) -> dict[int, int]:
    """Order-keeping assignment of units to slots with the best total shape score."""
    n, m = len(slots), len(units)
    neg = -(10**9)
    # best[i][j]: best score using slots[i:] for units[j:]
    best = [[neg] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        best[i][m] = 0
    for j in range(m - 1, -1, -1):
        best[n][j] = best[n][j + 1] + _UNPLACED
    for i in range(n - 1, -1, -1):
        scores = dict(slots[i].spec.accepts)
        for j in range(m - 1, -1, -1):
            options = [best[i + 1][j], best[i][j + 1] + _UNPLACED]
            s = scores.get(units[j].shape)
            if s is not None:
                options.append(best[i + 1][j + 1] + s)
            best[i][j] = max(options)
    result: dict[int, int] = {}
    i = j = 0
    while i < n and j < m:
        s = dict(slots[i].spec.accepts).get(units[j].shape)
        if s is not None and best[i][j] == best[i + 1][j + 1] + s:
            result[j] = i
            i += 1
            j += 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return result


def spec_of(key: str) -> LabelSpec:
    return _BY_KEY[key]
