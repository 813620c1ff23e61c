"""Business checks of a schema-valid case: dates, permit, DIN 91379, code lists.

Each rule yields :class:`~xzufi_toolkit.findings.Finding` values with a stable
``CASE-*`` code (documented in ``docs/applications.md``) and the JSON path of
the field; messages name the field and the rule, never the value, unless
``show_values`` is set. The reference date ("today") is a parameter, so
results are reproducible; the CLI passes the real date unless ``--today`` is
given. Checks that need the Leistung live in :mod:`xzufi_toolkit.case.leistung`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from xzufi_toolkit.case.model import Case
from xzufi_toolkit.findings import Finding, Location, Severity
from xzufi_toolkit.reference import din91379

__all__ = [
    "CODE_FIELDS",
    "DIN_FIELDS",
    "CheckContext",
    "age_at",
    "check_case",
    "iter_text_fields",
]

# DIN 91379 data type of every free-text field, by JSON path ("[*]": any index).
# Names of natural persons A, other names (places, streets, authorities,
# companies, file names) B, free text C (reference/xoev-message.md).
DIN_FIELDS: dict[str, din91379.DataType] = {
    "$.antragsteller.name.familienname": din91379.DataType.A,
    "$.antragsteller.name.vornamen": din91379.DataType.A,
    "$.antragsteller.name.geburtsname": din91379.DataType.A,
    "$.antragsteller.name.rufname": din91379.DataType.A,
    "$.antragsteller.geburt.ort": din91379.DataType.B,
    "$.antragsteller.anschrift.strasse": din91379.DataType.B,
    "$.antragsteller.anschrift.hausnummer": din91379.DataType.B,
    "$.antragsteller.anschrift.wohnort": din91379.DataType.B,
    "$.antragsteller.anschrift.zusatzangaben": din91379.DataType.B,
    "$.gesetzlicherVertreter.name.familienname": din91379.DataType.A,
    "$.gesetzlicherVertreter.name.vornamen": din91379.DataType.A,
    "$.gesetzlicherVertreter.name.geburtsname": din91379.DataType.A,
    "$.gesetzlicherVertreter.name.rufname": din91379.DataType.A,
    "$.gesetzlicherVertreter.anschrift.strasse": din91379.DataType.B,
    "$.gesetzlicherVertreter.anschrift.hausnummer": din91379.DataType.B,
    "$.gesetzlicherVertreter.anschrift.wohnort": din91379.DataType.B,
    "$.gesetzlicherVertreter.anschrift.zusatzangaben": din91379.DataType.B,
    "$.ausweisdokument.ausstellendeBehoerde": din91379.DataType.B,
    "$.aufenthaltstitel.ausstellendeBehoerde": din91379.DataType.B,
    "$.aufenthaltstitel.nebenbestimmungen": din91379.DataType.C,
    "$.antrag.begruendungHaertefall": din91379.DataType.C,
    "$.lebensunterhalt.arbeitgeber": din91379.DataType.B,
    "$.lebensunterhalt.krankenversicherung": din91379.DataType.B,
    "$.unterlagen[*].dateiname": din91379.DataType.B,
    "$.unterlagen[*].bezeichnung": din91379.DataType.B,
    "$.ort": din91379.DataType.B,
}

_INDEX = re.compile(r"\[\d+\]")


@dataclass(frozen=True, slots=True)
class CheckContext:
    """Settings of one check run: the reference date, the file, value display."""

    today: dt.date
    file: str | None = None
    show_values: bool = False

    def finding(
        self,
        code: str,
        path: str,
        message: str,
        *,
        severity: Severity = Severity.ERROR,
        value: Any = None,
        detail_de: str | None = None,
    ) -> Finding:
        """A finding at ``path``; German text is the rule's title plus ``detail_de``."""
        from xzufi_toolkit.case.rules import RULES

        text = f"{path}: {message}"
        meta = RULES.get(code)
        text_de = f"{path}: {meta.title_de}" if meta and meta.title_de else None
        if text_de and detail_de:
            text_de += f" ({detail_de})"
        if self.show_values and value is not None:
            text += f" (value: {value})"
            text_de = text_de and text_de + f" (Wert: {value})"
        return Finding(
            code=code,
            severity=severity,
            message=text,
            location=Location(file=self.file, json_path=path),
            message_de=text_de,
        )


def iter_text_fields(value: Any, path: str = "$") -> Iterator[tuple[str, str]]:
    """Every string leaf of a case (or part of one) with its JSON path."""
    if isinstance(value, str):
        yield path, value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from iter_text_fields(getattr(value, f.name), f"{path}.{f.name}")
    elif isinstance(value, tuple):
        for i, item in enumerate(value):
            yield from iter_text_fields(item, f"{path}[{i}]")


def _din(case: Case, ctx: CheckContext) -> Iterator[Finding]:
    for path, text in iter_text_fields(case):
        datatype = DIN_FIELDS.get(_INDEX.sub("[*]", path))
        if datatype is None:
            continue
        invalid = din91379.check(text, datatype)
        if invalid is not None:
            yield ctx.finding(
                "CASE-DIN91379",
                path,
                f"not valid for DIN 91379 data type {datatype.value}: {invalid.describe()}",
                value=text,
                detail_de=f"Datentyp {datatype.value}: Zeichen {invalid.code_point} "
                f"{invalid.name} an Position {invalid.position}",
            )


def _partial_bounds(value: str) -> tuple[dt.date, dt.date]:
    """Earliest and latest day a partly known date (YYYY, YYYY-MM, YYYY-MM-DD) can mean."""
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 3:
        day = dt.date(parts[0], parts[1], parts[2])
        return day, day
    if len(parts) == 2:
        first = dt.date(parts[0], parts[1], 1)
        nxt = dt.date(parts[0] + (parts[1] == 12), parts[1] % 12 + 1, 1)
        return first, nxt - dt.timedelta(days=1)
    return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)


def _years_between(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def age_at(birth: str, on: dt.date) -> tuple[int, int]:
    """Smallest and largest possible age in whole years on ``on`` for a partly known birth date."""
    earliest, latest = _partial_bounds(birth)
    return _years_between(latest, on), _years_between(earliest, on)


def _dates(case: Case, ctx: CheckContext) -> Iterator[Finding]:
    a = case.antragsteller
    try:
        born_earliest, _ = _partial_bounds(a.geburt.datum)
    except ValueError:
        yield ctx.finding(
            "CASE-DATE-INVALID",
            "$.antragsteller.geburt.datum",
            "not a calendar date",
            value=a.geburt.datum,
        )
        return
    past: list[tuple[str, dt.date | None]] = [
        ("$.antragsteller.geburt.datum", born_earliest),
        ("$.ausweisdokument.ausgestelltAm", case.ausweisdokument.ausgestelltAm),
        ("$.aufenthaltstitel.gueltigAb", case.aufenthaltstitel.gueltigAb),
        ("$.antrag.ersteEinreise", case.antrag.ersteEinreise),
        ("$.lebensunterhalt.beschaeftigtSeit", case.lebensunterhalt.beschaeftigtSeit),
        ("$.datum", case.datum),
    ]
    for path, day in past:
        if day is not None and day > ctx.today:
            yield ctx.finding(
                "CASE-DATE-FUTURE",
                path,
                f"date lies after the reference date {ctx.today.isoformat()}",
                value=day.isoformat(),
            )
    order: list[tuple[str, dt.date | None, str, dt.date | None, str]] = [
        (
            "$.antrag.ersteEinreise",
            case.antrag.ersteEinreise,
            "$.antragsteller.geburt.datum",
            born_earliest,
            "first entry lies before the date of birth",
        ),
        (
            "$.ausweisdokument.gueltigBis",
            case.ausweisdokument.gueltigBis,
            "$.ausweisdokument.ausgestelltAm",
            case.ausweisdokument.ausgestelltAm,
            "identity document expires before it was issued",
        ),
        (
            "$.aufenthaltstitel.gueltigBis",
            case.aufenthaltstitel.gueltigBis,
            "$.aufenthaltstitel.gueltigAb",
            case.aufenthaltstitel.gueltigAb,
            "residence permit expires before it begins",
        ),
        (
            "$.datum",
            case.datum,
            "$.antrag.ersteEinreise",
            case.antrag.ersteEinreise,
            "application date lies before the first entry",
        ),
    ]
    for path, later, _other, earlier, message in order:
        if later is not None and earlier is not None and later < earlier:
            yield ctx.finding("CASE-DATE-ORDER", path, message)
    if case.aufenthaltstitel.gueltigBis < case.datum:
        yield ctx.finding(
            "CASE-PERMIT-EXPIRED",
            "$.aufenthaltstitel.gueltigBis",
            "the current residence permit had expired on the application date; "
            "an extension must be applied for while it is valid (§ 81 Abs. 4 AufenthG)",
        )
    if case.ausweisdokument.gueltigBis < case.datum:
        yield ctx.finding(
            "CASE-ID-EXPIRED",
            "$.ausweisdokument.gueltigBis",
            "the identity document had expired on the application date",
            severity=Severity.WARNING,
        )


def _consistency(case: Case, ctx: CheckContext) -> Iterator[Finding]:
    lu = case.lebensunterhalt
    if not lu.erwerbstaetig and (lu.arbeitgeber or lu.beschaeftigtSeit):
        yield ctx.finding(
            "CASE-INCONSISTENT",
            "$.lebensunterhalt.erwerbstaetig",
            "employer or employment start given although not employed",
            severity=Severity.WARNING,
        )
    ids = [u.dokumentId for u in case.unterlagen]
    for i, doc_id in enumerate(ids):
        if doc_id in ids[:i] or doc_id == case.antragId:
            yield ctx.finding(
                "CASE-DOC-ID-DUPLICATE",
                f"$.unterlagen[{i}].dokumentId",
                "document id is used twice; each enclosed document needs its own UUID",
            )


def _representative(case: Case, ctx: CheckContext) -> Iterator[Finding]:
    # a minor cannot apply alone (§ 80 Abs. 1, 4 AufenthG); the age is the fee check's:
    # on the application date, and only where the partly known birth date decides it
    try:
        youngest, oldest = age_at(case.antragsteller.geburt.datum, case.datum)
    except ValueError:  # CASE-DATE-INVALID names the date
        return
    if case.gesetzlicherVertreter is None and oldest < 18:
        yield ctx.finding(
            "CASE-REPRESENTATIVE-MISSING",
            "$.gesetzlicherVertreter",
            "the applicant is a minor on the application date but no legal representative "
            "is given; a minor's application is made by the legal representative "
            "(§ 80 Abs. 1 and 4 AufenthG)",
            severity=Severity.WARNING,
        )
    elif case.gesetzlicherVertreter is not None and youngest >= 18:
        yield ctx.finding(
            "CASE-REPRESENTATIVE-ADULT",
            "$.gesetzlicherVertreter",
            "a legal representative is given although the applicant is an adult on the "
            "application date; check that a representation (e.g. by a Betreuer) exists",
            severity=Severity.INFO,
        )


# Coded fields and the packaged code list (xzufi_toolkit.reference.codelists) each must come from.
CODE_FIELDS: tuple[tuple[str, str], ...] = (
    ("$.antragsteller.geschlecht", "geschlecht"),
    ("$.antragsteller.geburt.staat", "staatsangehoerigkeit"),
    ("$.antragsteller.staatsangehoerigkeiten[*]", "staatsangehoerigkeit"),
    ("$.antragsteller.familienstand", "familienstand"),
    ("$.ausweisdokument.art", "ausweisdokumente"),
    ("$.ausweisdokument.ausstellungsstaat", "staatsangehoerigkeit"),
    ("$.aufenthaltstitel.art", "aufenthaltstitelart"),
    ("$.aufenthaltstitel.azrCode", "aufenthaltserlaubnis"),
    ("$.antrag.grund", "antragsgrund"),
    ("$.antrag.gegenstand", "gegenstand"),
    ("$.antrag.rechtsgrundlage", "aufenthaltserlaubnis"),
)


def _codes(case: Case, ctx: CheckContext) -> Iterator[Finding]:
    from xzufi_toolkit.reference import codelists

    lists = dict(CODE_FIELDS)
    for path, value in iter_text_fields(case):
        short = lists.get(_INDEX.sub("[*]", path))
        if short is None:
            continue
        cl = codelists.get(short)
        if value not in cl:
            where = f"{cl.uri} {cl.version}" if cl.uri else cl.title
            note = "" if cl.complete else " (the packaged list holds only part of the codes)"
            yield ctx.finding(
                "CASE-CODE-UNKNOWN",
                path,
                f"code is not in the list {where}{note}",
                severity=cl.unknown_code_severity,
                value=value,
            )


def check_case(
    case: Case,
    *,
    today: dt.date,
    file: str | None = None,
    show_values: bool = False,
) -> list[Finding]:
    """Findings of the business rules that need no Leistung, in a stable order."""
    ctx = CheckContext(today=today, file=file, show_values=show_values)
    findings = [
        *_din(case, ctx),
        *_codes(case, ctx),
        *_dates(case, ctx),
        *_consistency(case, ctx),
        *_representative(case, ctx),
    ]
    return findings
