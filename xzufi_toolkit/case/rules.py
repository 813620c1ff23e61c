"""The rule codes of case and message checks, with titles for reporters (SARIF, JSON)."""

from __future__ import annotations

from xzufi_toolkit.findings import Severity
from xzufi_toolkit.reporters import RuleMeta

__all__ = ["RULES"]

_E, _W, _I = Severity.ERROR, Severity.WARNING, Severity.INFO

RULES: dict[str, RuleMeta] = {
    r.code: r
    for r in (
        RuleMeta(
            "CASE-INPUT",
            "Case file unreadable (not UTF-8 JSON, duplicate key, too large)",
            "Falldatei nicht lesbar",
            _E,
        ),
        RuleMeta("CASE-SCHEMA-REQUIRED", "Required field missing", "Pflichtfeld fehlt", _E),
        RuleMeta(
            "CASE-SCHEMA-UNKNOWN-FIELD",
            "Field not defined by the case schema",
            "Unbekanntes Feld",
            _E,
        ),
        RuleMeta("CASE-SCHEMA-TYPE", "Wrong JSON type", "Falscher JSON-Typ", _E),
        RuleMeta(
            "CASE-SCHEMA-FORMAT",
            "Not a valid date or UUID",
            "Kein gültiges Datum bzw. keine gültige UUID",
            _E,
        ),
        RuleMeta(
            "CASE-SCHEMA-PATTERN",
            "Value does not have the required form",
            "Wert hat nicht die geforderte Form",
            _E,
        ),
        RuleMeta("CASE-SCHEMA-CODE", "Not one of the allowed codes", "Kein zulässiger Code", _E),
        RuleMeta("CASE-SCHEMA-CONST", "Fixed value expected", "Fester Wert erwartet", _E),
        RuleMeta(
            "CASE-SCHEMA-LENGTH", "Text too short or too long", "Text zu kurz oder zu lang", _E
        ),
        RuleMeta(
            "CASE-SCHEMA-ITEMS",
            "Wrong number of entries or repeated entries",
            "Falsche Anzahl oder doppelte Einträge",
            _E,
        ),
        RuleMeta("CASE-SCHEMA-RANGE", "Number out of range", "Zahl außerhalb des Bereichs", _E),
        RuleMeta(
            "CASE-DIN91379",
            "Text outside its DIN 91379 data type (names A, places B, text C)",
            "Text außerhalb des DIN-91379-Datentyps",
            _E,
            "DIN 91379:2022-08",
        ),
        RuleMeta(
            "CASE-CODE-UNKNOWN",
            "Code not in the pinned code list",
            "Code nicht in der Codeliste",
            _E,
        ),
        RuleMeta(
            "CASE-DATE-INVALID",
            "Partly known date is not a calendar date",
            "Teilbekanntes Datum ist kein Kalenderdatum",
            _E,
        ),
        RuleMeta("CASE-DATE-FUTURE", "Date lies in the future", "Datum liegt in der Zukunft", _E),
        RuleMeta(
            "CASE-DATE-ORDER", "Dates in impossible order", "Daten in unmöglicher Reihenfolge", _E
        ),
        RuleMeta(
            "CASE-PERMIT-EXPIRED",
            "Current residence permit expired on the application date",
            "Aufenthaltserlaubnis am Antragstag abgelaufen",
            _E,
            "§ 81 Abs. 4 AufenthG",
        ),
        RuleMeta(
            "CASE-ID-EXPIRED",
            "Identity document expired on the application date",
            "Ausweisdokument am Antragstag abgelaufen",
            _W,
        ),
        RuleMeta(
            "CASE-INCONSISTENT",
            "Employment data without employment",
            "Beschäftigungsangaben ohne Beschäftigung",
            _W,
        ),
        RuleMeta("CASE-DOC-ID-DUPLICATE", "Document UUID used twice", "Dokument-UUID doppelt", _E),
        RuleMeta(
            "CASE-LEISTUNG-MISMATCH",
            "Case is for another Leistung",
            "Fall gehört zu einer anderen Leistung",
            _E,
        ),
        RuleMeta(
            "CASE-LEISTUNG-INCOMPLETE",
            "Leistung lacks a module; its check was skipped",
            "Leistung ohne Modul; Prüfung entfällt",
            _I,
        ),
        RuleMeta(
            "CASE-PREREQ-PERMIT",
            "Prerequisite (module 09): possession of a residence permit",
            "Voraussetzung: Besitz einer Aufenthaltserlaubnis",
            _E,
        ),
        RuleMeta(
            "CASE-PREREQ-EXPULSION",
            "Prerequisite (module 09): no interest in expulsion",
            "Voraussetzung: kein Ausweisungsinteresse",
            _E,
        ),
        RuleMeta(
            "CASE-PREREQ-ENTRY-BAN",
            "Prerequisite (module 09): no entry and residence ban",
            "Voraussetzung: kein Einreise- und Aufenthaltsverbot",
            _E,
        ),
        RuleMeta(
            "CASE-PREREQ-OPEN",
            "Prerequisites the authority must assess",
            "Von der Behörde zu prüfende Voraussetzungen",
            _I,
        ),
        RuleMeta(
            "CASE-DOC-ENCLOSED",
            "Required document (module 08) enclosed",
            "Erforderliche Unterlage beigefügt",
            _I,
        ),
        RuleMeta(
            "CASE-DOC-MISSING",
            "Required document (module 08) missing",
            "Erforderliche Unterlage fehlt",
            _W,
        ),
        RuleMeta(
            "CASE-DOC-UNMAPPED",
            "Required document without evidence type",
            "Unterlage ohne Nachweisart",
            _I,
        ),
        RuleMeta(
            "CASE-REPRESENTATIVE-MISSING",
            "Minor applicant without a legal representative",
            "Minderjährige antragstellende Person ohne gesetzliche Vertretung",
            _W,
        ),
        RuleMeta(
            "CASE-REPRESENTATIVE-ADULT",
            "Legal representative for an adult applicant",
            "Gesetzliche Vertretung bei volljähriger antragstellender Person",
            _I,
        ),
        RuleMeta("CASE-FEE", "Fee from the cost module", "Gebühr laut Kostenmodul", _I),
        RuleMeta(
            "CASE-FEE-UNDECIDED",
            "Fee depends on the exact birth date",
            "Gebühr hängt vom genauen Geburtsdatum ab",
            _W,
        ),
        RuleMeta(
            "CASE-FEE-UNKNOWN",
            "Leistung has no structured fee",
            "Leistung ohne strukturierte Gebühr",
            _I,
        ),
        RuleMeta(
            "CASE-DURATION-EXCEEDED",
            "Requested validity longer than the Frist module allows",
            "Beantragte Geltungsdauer länger als erlaubt",
            _E,
        ),
        RuleMeta(
            "MSG-INPUT",
            "Message unreadable (not XML, DOCTYPE, wrong namespace or root)",
            "Nachricht nicht lesbar",
            _E,
        ),
        RuleMeta("MSG-XSD", "Message fails its XSD", "Nachricht verletzt das XSD", _E),
    )
}
