"""Export of the rules that XPath 1.0 can state as ISO Schematron.

For tools that run Schematron (KoSIT validator, XML editors): one schema per
XZuFi version, each assert's ``id`` is the rule code and its ``role`` the
severity. The Python rules stay the reference; the export covers the rules
listed in :data:`EXPORTABLE` (codes, required modules, release, costs,
durations, links, language tags) and states a few of them more simply (see
``APPROXIMATE``); ``tests/test_validate_schematron.py`` runs both on the corpus.
"""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

from xzufi_toolkit.errors import UsageError
from xzufi_toolkit.reference import codelists
from xzufi_toolkit.validate.registry import RULES
from xzufi_toolkit.validate.rules.key import REGULATED
from xzufi_toolkit.xzufi.versions import SPECS

__all__ = ["APPROXIMATE", "EXPORTABLE", "export_schematron"]

SCH = "http://purl.oclc.org/dsdl/schematron"
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LANG_PRIMARY = "substring-before(concat(@languageCode, '-'), '-')"
_LANG_SECOND = "substring-before(concat(substring-after(@languageCode, '-'), '-'), '-')"


def _value() -> str:
    """The code of an XÖV code element: its ``code`` child, else its own text."""
    return "normalize-space(code | self::*[not(code)])"


def _in(values: Iterable[str]) -> str:
    listed = " " + " ".join(values) + " "
    return f"contains('{listed}', concat(' ', {_value()}, ' '))"


def _codes(name: str) -> str:
    return _in(codelists.get(name).codes)


def _has_text(code: str) -> str:
    return f"z:modulText[z:leikaTextmodul/code = '{code}']/z:inhalt[normalize-space()]"


# code -> (context, test); prefix z is the version's namespace
EXPORTABLE: dict[str, tuple[str, str]] = {
    "XZ-KEY-001": (
        "z:leistung/z:referenzLeiKa | z:leistung/z:referenzLeistungsschluessel",
        "string-length($k) = 14 and starts-with($k, '99') "
        "and translate($k, '0123456789', '') = '' "
        "and not(substring($k, 9, 3) = '000' and substring($k, 12, 3) != '000')",
    ),
    "XZ-CODE-001": ("z:leistung/z:typisierung", _codes("typisierung")),
    "XZ-CODE-002": ("z:modulText/z:leikaTextmodul", _codes("textmodul")),
    "XZ-CODE-003": (
        "z:leistung/z:statusKatalog | z:leistung/z:statusBibliothek",
        _codes("freigabestatus"),
    ),
    "XZ-CODE-005": ("z:einheit | z:einheitBis", _codes("zeiteinheit")),
    "XZ-CODE-006": ("z:kosten/z:typ", _codes("kostentyp")),
    "XZ-CODE-007": ("z:frist/z:typ", _codes("fristtyp")),
    "XZ-CODE-008": ("z:leistung/z:leistungsadressat", _codes("leistungsadressat")),
    "XZ-CODE-009": ("z:leistung/z:vertrauensniveau", _codes("vertrauensniveau")),
    "XZ-CODE-010": (
        "z:leistung/z:typisierung[@listURI]",
        "normalize-space(@listURI) = 'urn:de:fim:leika:typisierung'",
    ),
    "XZ-REQ-001": ("z:leistung", _has_text("02")),
    "XZ-REQ-003": ("z:leistung", _has_text("06")),
    "XZ-REQ-004": (
        "z:leistung",
        f"not(z:typisierung[{_in(sorted(REGULATED))}]) or "
        "z:modulText[z:leikaTextmodul/code = '07']"
        "[z:inhalt[normalize-space()] or z:weiterfuehrenderLink]",
    ),
    "XZ-REQ-005": ("z:leistung", _has_text("24")),
    "XZ-REQ-006": ("z:leistung", _has_text("22")),
    "XZ-REQ-007": ("z:leistung", _has_text("23")),
    "XZ-REQ-008": ("z:leistung", "z:typisierung"),
    "XZ-REL-001": (
        "z:leistung/z:statusKatalog | z:leistung/z:statusBibliothek",
        f"not({_in(['5', '6'])}) or ../z:modulFachlicheFreigabe",
    ),
    "XZ-REL-002": ("z:modulFachlicheFreigabe", "normalize-space(z:fachlichFreigegebenAm)"),
    "XZ-REL-003": ("z:modulFachlicheFreigabe", "z:fachlichFreigegebenDurch[normalize-space()]"),
    "XZ-COST-003": (
        "z:kosten//z:betrag | z:kosten//z:betragUntergrenze | z:kosten//z:betragObergrenze",
        "not(number(.) < 0)",
    ),
    "XZ-COST-005": (
        "z:kosten[z:frei or .//z:beschreibungKostenfreiheit]",
        "not(.//z:betrag or .//z:betragUntergrenze or .//z:betragObergrenze)",
    ),
    "XZ-DUR-001": ("z:dauer | z:dauerBis", "number(.) > 0 and floor(number(.)) = number(.)"),
    "XZ-DUR-002": (
        "*[z:dauer and z:dauerBis]",
        "(z:einheitBis and normalize-space(z:einheit) != normalize-space(z:einheitBis)) "
        "or number(z:dauer) <= number(z:dauerBis)",
    ),
    "XZ-DUR-003": ("*[z:dauer]", "normalize-space(z:einheit)"),
    "XZ-LINK-001": (
        "z:uri",
        "(starts-with(normalize-space(.), 'http://') or starts-with(normalize-space(.), "
        "'https://')) and not(contains(normalize-space(.), ' ')) "
        "and string-length(substring-after(normalize-space(.), '://')) > 0",
    ),
    "XZ-LINK-003": ("z:uri", "not(starts-with(normalize-space(.), 'http://'))"),
    "XZ-LANG-002": (
        "*[@languageCode]",
        # language subtag lower case; a 2-letter second subtag (region) upper case
        f"translate({_LANG_PRIMARY}, '{_UPPER}', '') = {_LANG_PRIMARY} "
        f"and (string-length({_LANG_SECOND}) != 2 "
        f"or translate({_LANG_SECOND}, '{_UPPER.lower()}', '') = {_LANG_SECOND})",
    ),
}

# Stated more simply than the Python rule; the Python rule is the reference.
APPROXIMATE = {
    "XZ-REQ-001": "content of only markup (<br>, empty <p>) counts as present",
    "XZ-REQ-003": "content of only markup counts as present",
    "XZ-REQ-005": "content of only markup counts as present",
    "XZ-REQ-006": "content of only markup counts as present",
    "XZ-REQ-007": "content of only markup counts as present",
    "XZ-REQ-004": "content of only markup counts as present",
    "XZ-DUR-002": "compares only equal units (the Python rule also converts second … week)",
    "XZ-LANG-002": "checks the case of the first two subtags only; also reports malformed tags,"
    " which the Python rule leaves to XZ-LANG-003",
    "XZ-LINK-001": "does not parse the URL (host check is 'something after ://')",
}

_LET = {"XZ-KEY-001": ("k", f"translate({_value()}, ' .-/', '')")}


def export_schematron(version: str) -> bytes:
    """An ISO Schematron schema of the exportable rules for XZuFi ``version``."""
    spec = SPECS.get(version)
    if spec is None:
        raise UsageError(
            f"no Schematron export for XZuFi {version!r}", hint="versions: " + ", ".join(SPECS)
        )
    q = f"{{{SCH}}}"
    schema = etree.Element(q + "schema", nsmap={"sch": SCH}, queryBinding="xslt")
    title = etree.SubElement(schema, q + "title")
    title.text = f"xzufi-toolkit rules for XZuFi {version} (export of docs/rules.md)"
    etree.SubElement(schema, q + "ns", prefix="z", uri=spec.ns)
    for code, (context, test) in EXPORTABLE.items():
        rule = RULES[code]
        pattern = etree.SubElement(schema, q + "pattern", id=f"pattern-{code}")
        r = etree.SubElement(pattern, q + "rule", context=context)
        if code in _LET:
            name, value = _LET[code]
            etree.SubElement(r, q + "let", name=name, value=value)
        a = etree.SubElement(r, q + "assert", id=code, test=test, role=rule.severity.value)
        a.text = f"[{code}] {rule.title_en}"
    return etree.tostring(schema, xml_declaration=True, encoding="UTF-8", pretty_print=True)
