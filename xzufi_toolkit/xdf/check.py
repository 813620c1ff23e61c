"""Quality checks of an XDatenfelder schema, as a FIM data-field editor runs them
before publishing (the FIM QS reports): findings with stable ``XDF-…`` codes.

Each rule is listed in :data:`RULES` with its severity and meaning; the
reference is ``docs/xdf-rules.md``. Findings name the element id and the
source line. Rules are never executed: ``script`` is only looked at for the
ids it names.

Three entry points, as for every check of the toolkit: :func:`iter_findings`
(iterate), :func:`check` (a :class:`~xzufi_toolkit.findings.Report`) and
:func:`is_valid` (boolean).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from xzufi_toolkit.errors import InputError
from xzufi_toolkit.findings import Finding, Location, Report, Severity
from xzufi_toolkit.reporters import RuleMeta
from xzufi_toolkit.xdf.model import (
    Datenfeld,
    Datenfeldgruppe,
    Datentyp,
    Feldart,
    Identifikation,
    Praezisierung,
    Regel,
    Stammdatenschema,
    XdfDocument,
    parse_anzahl,
    walk,
)
from xzufi_toolkit.xdf.patterns import RISK_DE, pattern_risk
from xzufi_toolkit.xdf.rules import parse_rule

__all__ = [
    "RULES",
    "check",
    "check_file",
    "input_report",
    "is_valid",
    "iter_findings",
    "xsd_regex_error",
]

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

RULES: dict[str, RuleMeta] = {
    r.code: r
    for r in (
        RuleMeta(
            "XDF-INPUT",
            "the file is not a readable XDatenfelder message",
            "die Datei ist keine lesbare XDatenfelder-Nachricht",
            E,
        ),
        RuleMeta(
            "XDF-ID-001",
            "one id and version defined twice with different content",
            "eine Id in derselben Version zweimal mit verschiedenem Inhalt definiert",
            E,
        ),
        RuleMeta("XDF-ID-002", "element without version", "Element ohne Version", W),
        RuleMeta(
            "XDF-ID-003",
            "id prefix does not fit the element (S, G, F, R)",
            "Präfix der Id passt nicht zum Element (S, G, F, R)",
            W,
        ),
        RuleMeta(
            "XDF-ID-004",
            "the same element in more than one version",
            "dasselbe Element in mehreren Versionen",
            W,
        ),
        RuleMeta("XDF-LABEL-001", "element without name", "Element ohne Namen", E),
        RuleMeta(
            "XDF-LABEL-002",
            "element without label for input (bezeichnungEingabe)",
            "Element ohne Bezeichnung Eingabe",
            W,
        ),
        RuleMeta(
            "XDF-CARD-001",
            "cardinality is not 'min:max'",
            "Anzahl hat nicht die Form 'min:max'",
            E,
        ),
        RuleMeta("XDF-CARD-002", "cardinality min is above max", "Anzahl: Minimum über Maximum", E),
        RuleMeta(
            "XDF-CARD-003",
            "cardinality max is 0: the element can never occur",
            "Anzahl: Maximum 0, das Element kann nie vorkommen",
            W,
        ),
        RuleMeta(
            "XDF-FIELD-001",
            "field kind (feldart) missing or unknown",
            "Feldart fehlt oder ist unbekannt",
            E,
        ),
        RuleMeta(
            "XDF-FIELD-002",
            "data type (datentyp) missing or unknown",
            "Datentyp fehlt oder ist unbekannt",
            E,
        ),
        RuleMeta(
            "XDF-SELECT-001",
            "select field without code list",
            "Auswahlfeld ohne Codeliste",
            E,
        ),
        RuleMeta(
            "XDF-SELECT-002",
            "code list on a field that is not a select field",
            "Codeliste an einem Feld, das kein Auswahlfeld ist",
            W,
        ),
        RuleMeta(
            "XDF-SELECT-003",
            "code-list reference without version",
            "Codelisten-Referenz ohne Version",
            W,
        ),
        RuleMeta(
            "XDF-PRAEZ-001",
            "praezisierung is not a JSON object",
            "Präzisierung ist kein JSON-Objekt",
            E,
        ),
        RuleMeta(
            "XDF-PRAEZ-002",
            "praezisierung has an unknown key",
            "Präzisierung: unbekannter Schlüssel",
            W,
        ),
        RuleMeta(
            "XDF-PRAEZ-003",
            "praezisierung value malformed (length not a whole number, value not a number "
            "or date, pattern not a regular expression)",
            "Präzisierung: Wert fehlerhaft (Länge keine ganze Zahl, Wert keine Zahl oder kein "
            "Datum, Muster kein regulärer Ausdruck)",
            E,
        ),
        RuleMeta(
            "XDF-PRAEZ-004",
            "praezisierung minimum above maximum",
            "Präzisierung: Minimum über Maximum",
            E,
        ),
        RuleMeta(
            "XDF-PRAEZ-005",
            "praezisierung does not fit the data type",
            "Präzisierung passt nicht zum Datentyp",
            W,
        ),
        RuleMeta(
            "XDF-PRAEZ-006",
            "praezisierung names a key twice",
            "Präzisierung nennt einen Schlüssel doppelt",
            E,
        ),
        RuleMeta(
            "XDF-PRAEZ-007",
            "pattern may take exponential time (repeated group that repeats or alternates) "
            "or is too long",
            "Muster kann exponentielle Zeit brauchen (wiederholte Gruppe mit Wiederholung "
            "oder Alternative) oder ist zu lang",
            W,
        ),
        RuleMeta("XDF-GROUP-001", "group without elements", "Gruppe ohne Elemente", E),
        RuleMeta("XDF-SCHEMA-001", "schema without elements", "Schema ohne Elemente", E),
        RuleMeta(
            "XDF-RULE-001",
            "rule names an element id the schema does not contain",
            "Regel nennt eine Element-Id, die das Schema nicht enthält",
            E,
        ),
        RuleMeta(
            "XDF-RULE-002",
            "rule is free text in no form the toolkit reads: a human must check it",
            "Regel ist Freitext in keiner lesbaren Form: ein Mensch muss sie prüfen",
            INFO,
        ),
        RuleMeta(
            "XDF-RULE-003",
            "rule without text and without script",
            "Regel ohne Text und ohne Skript",
            W,
        ),
        RuleMeta(
            "XDF-EXTRA-001",
            "element not part of XDatenfelder as read here: kept, not checked",
            "Element nicht Teil von XDatenfelder, wie hier gelesen: erhalten, nicht geprüft",
            INFO,
        ),
    )
}

_Out = Callable[[str, str, str], Finding]

_PREFIX = {Stammdatenschema: "S", Datenfeldgruppe: "G", Datenfeld: "F", Regel: "R"}
# ids a rule's text or script may name (FIM: letter + 5 to 11 digits)
_ID_REF = re.compile(r"\b([FG]\d{5,11})\b")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

# which praezisierung keys make sense for which data type
_LENGTH_TYPES = {Datentyp.TEXT}
_VALUE_TYPES = {Datentyp.NUM, Datentyp.NUM_INT, Datentyp.NUM_CURRENCY, Datentyp.DATE}
_PATTERN_TYPES = {Datentyp.TEXT, Datentyp.NUM, Datentyp.NUM_INT, Datentyp.NUM_CURRENCY}


def xsd_regex_error(pattern: str) -> str | None:
    """Why ``pattern`` is no usable regular expression (``None``: it is).

    XSD patterns are anchored and lack a few Perl constructs; Python's ``re``
    accepts what FIM schemas use in practice, so it is the test here.
    """
    try:
        re.compile(pattern)
    except re.error as exc:
        return str(exc)
    return None


@dataclass(slots=True)
class _Checker:
    doc: XdfDocument
    file: str | None

    def f(
        self,
        code: str,
        en: str,
        de: str,
        *,
        line: int | None,
        ident: Identifikation | None = None,
        severity: Severity | None = None,
    ) -> Finding:
        return Finding(
            code=code,
            severity=severity or RULES[code].severity,
            message=en,
            message_de=de,
            location=Location(
                file=self.file, line=line, object_id=None if ident is None else str(ident)
            ),
        )

    def run(self) -> Iterator[Finding]:
        root = self.doc.content
        yield from self._element(root)
        if not root.struktur:
            code = "XDF-SCHEMA-001" if isinstance(root, Stammdatenschema) else "XDF-GROUP-001"
            yield self.f(
                code,
                f"{root.identifikation.id} contains no elements",
                f"{root.identifikation.id} enthält keine Elemente",
                line=root.line,
                ident=root.identifikation,
            )
        ids: set[str] = {root.identifikation.id}
        seen: dict[tuple[str, str | None], Datenfeld | Datenfeldgruppe] = {}
        versions: dict[str, set[str | None]] = {}
        rules: list[Regel] = list(root.regeln)
        for _path, entry in walk(root):
            yield from self._struktur(entry.anzahl, entry.line, entry.element.identifikation)
            if entry.extras:
                yield self._extra(entry.line, entry.element.identifikation, len(entry.extras))
            el = entry.element
            ident = el.identifikation
            ids.add(ident.id)
            key = (ident.id, ident.version)
            first = seen.get(key)
            if first is not None:
                if first != el:
                    yield self.f(
                        "XDF-ID-001",
                        f"{ident} is defined again with different content "
                        f"(first at line {first.line})",
                        f"{ident} ist erneut mit anderem Inhalt definiert "
                        f"(zuerst in Zeile {first.line})",
                        line=el.line,
                        ident=ident,
                    )
                continue  # the same definition again: checked once
            seen[key] = el
            versions.setdefault(ident.id, set()).add(ident.version)
            rules.extend(el.regeln)
            yield from self._element(el)
            if isinstance(el, Datenfeld):
                yield from self._field(el)
        for id_, vs in sorted(versions.items()):
            if len(vs) > 1:
                listed = ", ".join(sorted(v or "-" for v in vs))
                yield self.f(
                    "XDF-ID-004",
                    f"{id_} is used in versions {listed}",
                    f"{id_} wird in den Versionen {listed} verwendet",
                    line=None,
                    ident=Identifikation(id_),
                )
        for rule in rules:
            yield from self._element(rule)
            yield from self._rule(rule, ids)

    def _extra(self, line: int | None, ident: Identifikation, n: int) -> Finding:
        return self.f(
            "XDF-EXTRA-001",
            f"{ident}: {n} element(s) not read as XDatenfelder are kept unchecked",
            f"{ident}: {n} nicht als XDatenfelder gelesene(s) Element(e) bleiben ungeprüft",
            line=line,
            ident=ident,
        )

    def _element(
        self, el: Stammdatenschema | Datenfeldgruppe | Datenfeld | Regel
    ) -> Iterator[Finding]:
        ident = el.identifikation
        kind = type(el).__name__
        if el.extras:
            yield self._extra(el.line, ident, len(el.extras))
        if ident.version is None or not ident.version.strip():
            yield self.f(
                "XDF-ID-002",
                f"{kind} {ident.id} has no version",
                f"{kind} {ident.id} hat keine Version",
                line=el.line,
                ident=ident,
            )
        prefix = _PREFIX[type(el)]
        if not ident.id.startswith(prefix):
            yield self.f(
                "XDF-ID-003",
                f"{kind} id {ident.id} does not start with {prefix}",
                f"Id {ident.id} eines Elements {kind} beginnt nicht mit {prefix}",
                line=el.line,
                ident=ident,
            )
        meta = el.meta
        if not (meta.name or "").strip():
            yield self.f(
                "XDF-LABEL-001",
                f"{ident} has no name",
                f"{ident} hat keinen Namen",
                line=el.line,
                ident=ident,
            )
        if isinstance(el, Regel):
            return
        has_label = (meta.bezeichnung_eingabe or "").strip() or (
            isinstance(el, Stammdatenschema) and (meta.bezeichnung or "").strip()
        )
        hidden = isinstance(el, Datenfeld) and el.kind is Feldart.HIDDEN
        if not has_label and not hidden:
            yield self.f(
                "XDF-LABEL-002",
                f"{ident} has no label for input (bezeichnungEingabe)",
                f"{ident} hat keine Bezeichnung Eingabe",
                line=el.line,
                ident=ident,
            )
        if isinstance(el, Datenfeldgruppe) and not el.struktur:
            yield self.f(
                "XDF-GROUP-001",
                f"group {ident} contains no elements",
                f"Gruppe {ident} enthält keine Elemente",
                line=el.line,
                ident=ident,
            )

    def _struktur(self, anzahl: str, line: int | None, ident: Identifikation) -> Iterator[Finding]:
        card = parse_anzahl(anzahl)
        if card is None:
            yield self.f(
                "XDF-CARD-001",
                f"cardinality of {ident} is not 'min:max' (e.g. 1:1, 0:*)",
                f"Anzahl von {ident} hat nicht die Form 'min:max' (z. B. 1:1, 0:*)",
                line=line,
                ident=ident,
            )
        elif card.max is not None and card.min > card.max:
            yield self.f(
                "XDF-CARD-002",
                f"cardinality of {ident}: min {card.min} is above max {card.max}",
                f"Anzahl von {ident}: Minimum {card.min} über Maximum {card.max}",
                line=line,
                ident=ident,
            )
        elif card.max == 0:
            yield self.f(
                "XDF-CARD-003",
                f"cardinality of {ident} is 0:0",
                f"Anzahl von {ident} ist 0:0",
                line=line,
                ident=ident,
            )

    def _field(self, fld: Datenfeld) -> Iterator[Finding]:
        ident, line = fld.identifikation, fld.line
        kind, dtype = fld.kind, fld.data_type
        if kind is None:
            got = fld.feldart.code if fld.feldart else "none"
            yield self.f(
                "XDF-FIELD-001",
                f"field {ident}: feldart {got!r} is not one of {', '.join(Feldart)}",
                f"Feld {ident}: Feldart {got!r} ist nicht eine von {', '.join(Feldart)}",
                line=line,
                ident=ident,
            )
        if dtype is None:
            got = fld.datentyp.code if fld.datentyp else "none"
            yield self.f(
                "XDF-FIELD-002",
                f"field {ident}: datentyp {got!r} is not one of {', '.join(Datentyp)}",
                f"Feld {ident}: Datentyp {got!r} ist nicht einer von {', '.join(Datentyp)}",
                line=line,
                ident=ident,
            )
        ref = fld.codeliste_referenz
        if kind is Feldart.SELECT and ref is None:
            yield self.f(
                "XDF-SELECT-001",
                f"select field {ident} has no code list (codelisteReferenz)",
                f"Auswahlfeld {ident} hat keine Codeliste (codelisteReferenz)",
                line=line,
                ident=ident,
            )
        if ref is not None and kind is not None and kind is not Feldart.SELECT:
            yield self.f(
                "XDF-SELECT-002",
                f"field {ident} has a code list but feldart {kind.value}, not select",
                f"Feld {ident} hat eine Codeliste, aber Feldart {kind.value}, nicht select",
                line=line,
                ident=ident,
            )
        if ref is not None and not (ref.version or "").strip():
            yield self.f(
                "XDF-SELECT-003",
                f"field {ident}: the code list reference has no version",
                f"Feld {ident}: die Codelisten-Referenz hat keine Version",
                line=line,
                ident=ident,
            )
        if fld.praezisierung is not None:
            yield from self._praezisierung(fld, fld.praezisierung, dtype)

    def _praezisierung(
        self, fld: Datenfeld, p: Praezisierung, dtype: Datentyp | None
    ) -> Iterator[Finding]:
        ident, line = fld.identifikation, fld.line

        def out(code: str, en: str, de: str) -> Finding:
            return self.f(
                code, f"field {ident}: {en}", f"Feld {ident}: {de}", line=line, ident=ident
            )

        if p.json_error is not None:
            yield out(
                "XDF-PRAEZ-001",
                f"praezisierung is {p.json_error}",
                "Präzisierung ist kein gültiges JSON-Objekt",
            )
            return
        keys = [k for k, _ in p.items]
        for key in sorted({k for k in keys if keys.count(k) > 1}):
            yield out(
                "XDF-PRAEZ-006",
                f"praezisierung names {key!r} more than once",
                f"Präzisierung nennt {key!r} mehrmals",
            )
        for key, _ in p.unknown:
            yield out(
                "XDF-PRAEZ-002",
                f"praezisierung key {key!r} is not one of minLength, maxLength, minValue, "
                "maxValue, pattern",
                f"Präzisierung: Schlüssel {key!r} ist nicht minLength, maxLength, minValue, "
                "maxValue oder pattern",
            )
        yield from self._praez_values(p, dtype, out)

    def _praez_values(
        self, p: Praezisierung, dtype: Datentyp | None, out: _Out
    ) -> Iterator[Finding]:
        for key, typed in (("minLength", p.min_length), ("maxLength", p.max_length)):
            if p.get(key) is not None and typed is None:
                yield out(
                    "XDF-PRAEZ-003",
                    f"{key} is not a whole number ≥ 0",
                    f"{key} ist keine ganze Zahl ≥ 0",
                )
        if p.min_length is not None and p.max_length is not None and p.min_length > p.max_length:
            yield out(
                "XDF-PRAEZ-004",
                f"minLength {p.min_length} is above maxLength {p.max_length}",
                f"minLength {p.min_length} liegt über maxLength {p.max_length}",
            )
        dates = dtype is Datentyp.DATE
        lo, hi = p.get("minValue"), p.get("maxValue")
        for key, raw in (("minValue", lo), ("maxValue", hi)):
            if raw is None:
                continue
            ok = _DATE.fullmatch(raw.strip()) if dates else p._dec(key) is not None
            if not ok:
                what = "a date (YYYY-MM-DD)" if dates else "a number"
                was = "ein Datum (JJJJ-MM-TT)" if dates else "eine Zahl"
                yield out("XDF-PRAEZ-003", f"{key} is not {what}", f"{key} ist nicht {was}")
        if lo is not None and hi is not None:
            bad = (
                lo.strip() > hi.strip()
                if dates and _DATE.fullmatch(lo.strip()) and _DATE.fullmatch(hi.strip())
                else (
                    p.min_value is not None
                    and p.max_value is not None
                    and p.min_value > p.max_value
                )
            )
            if bad:
                yield out(
                    "XDF-PRAEZ-004",
                    "minValue is above maxValue",
                    "minValue liegt über maxValue",
                )
        if p.pattern is not None and (err := xsd_regex_error(p.pattern)) is not None:
            yield out(
                "XDF-PRAEZ-003",
                f"pattern is not a regular expression ({err})",
                f"pattern ist kein regulärer Ausdruck ({err})",
            )
        elif p.pattern is not None and (risk := pattern_risk(p.pattern)) is not None:
            yield out(
                "XDF-PRAEZ-007",
                f"pattern may take exponential time: {risk}; data check evaluates it with a "
                "time limit, the XSD leaves it out",
                f"pattern kann exponentielle Zeit brauchen: {RISK_DE.get(risk, risk)}; "
                "data check wertet es mit Zeitlimit aus, das XSD lässt es weg",
            )
        if dtype is not None:
            yield from self._praez_fit(p, dtype, out)

    def _praez_fit(self, p: Praezisierung, dtype: Datentyp, out: _Out) -> Iterator[Finding]:
        misfit = [
            k
            for k, allowed in (
                ("minLength", _LENGTH_TYPES),
                ("maxLength", _LENGTH_TYPES),
                ("minValue", _VALUE_TYPES),
                ("maxValue", _VALUE_TYPES),
                ("pattern", _PATTERN_TYPES),
            )
            if p.get(k) is not None and dtype not in allowed
        ]
        if misfit:
            names = ", ".join(misfit)
            yield out(
                "XDF-PRAEZ-005",
                f"{names} does not apply to data type {dtype.value}",
                f"{names} passt nicht zum Datentyp {dtype.value}",
            )
        if dtype is Datentyp.NUM_INT:
            for key, value in (("minValue", p.min_value), ("maxValue", p.max_value)):
                if value is not None and value != value.to_integral_value():
                    yield out(
                        "XDF-PRAEZ-005",
                        f"{key} is not a whole number, but the data type is num_int",
                        f"{key} ist keine ganze Zahl, der Datentyp ist aber num_int",
                    )

    def _rule(self, rule: Regel, ids: set[str]) -> Iterator[Finding]:
        ident = rule.identifikation
        text = rule.text
        script = (rule.script or "").strip()
        named = _ID_REF.findall(text) + _ID_REF.findall(script)
        for missing in sorted(set(named) - ids):
            yield self.f(
                "XDF-RULE-001",
                f"rule {ident} names {missing}, which the schema does not contain",
                f"Regel {ident} nennt {missing}, das im Schema nicht vorkommt",
                line=rule.line,
                ident=ident,
            )
        if not text.strip() and not script:
            yield self.f(
                "XDF-RULE-003",
                f"rule {ident} has neither text nor script",
                f"Regel {ident} hat weder Text noch Skript",
                line=rule.line,
                ident=ident,
            )
        elif not script and parse_rule(rule) is None:
            yield self.f(
                "XDF-RULE-002",
                f"rule {ident} ({(rule.meta.name or '').strip() or 'no name'}) is free text: "
                "check it by hand",
                f"Regel {ident} ({(rule.meta.name or '').strip() or 'ohne Namen'}) ist "
                "Freitext: von Hand prüfen",
                line=rule.line,
                ident=ident,
            )


def iter_findings(doc: XdfDocument, *, file: str | None = None) -> Iterator[Finding]:
    """Every quality finding of ``doc``, in document order per rule family."""
    yield from _Checker(doc, file).run()


def check(doc: XdfDocument, *, file: str | None = None) -> Report:
    return Report(findings=list(iter_findings(doc, file=file)), documents=1)


def is_valid(doc: XdfDocument) -> bool:
    return check(doc).valid


def check_file(path: str | Path, *, file: str | None = None) -> Report:
    """Read and check a file; an unreadable one is one ``XDF-INPUT`` finding."""
    from xzufi_toolkit.xdf.reader import read_xdf

    name = str(path) if file is None else file
    try:
        doc = read_xdf(path, file=name)
    except InputError as exc:
        return input_report("XDF-INPUT", exc)
    return check(doc, file=name)


def input_report(code: str, exc: InputError) -> Report:
    """The report of one input that cannot be read: one error finding ``code``."""
    text = exc.message + (f" ({exc.hint})" if exc.hint else "")
    finding = Finding(code, Severity.ERROR, text, Location(file=exc.file, line=exc.line))
    return Report(findings=[finding], documents=1)
