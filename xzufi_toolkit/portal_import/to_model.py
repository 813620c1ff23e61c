"""Map a :class:`~.export.PortalExport` into the version-neutral Leistung model.

The export's labels are German, its texts are in the language the editorial
office wrote (the seed's are English): the language of the texts is read off
them. Values with no place in XZuFi (Handlungsgrundlage; an Ursprungsportal
without its URI) are reported as ``IMP-NOT-MAPPED``, never dropped silently.
"""

from __future__ import annotations

from xzufi_toolkit import codelists
from xzufi_toolkit.findings import Finding, Location, Severity
from xzufi_toolkit.model import (
    Code,
    Cost,
    CostModule,
    Duration,
    DurationModule,
    Identifier,
    Leistung,
    LocalizedText,
    ReleaseModule,
    Structure,
    StructureKind,
    Term,
    TermModule,
    TextModule,
)
from xzufi_toolkit.portal_import.export import PortalExport, Section
from xzufi_toolkit.portal_import.repairs import text_language
from xzufi_toolkit.portal_import.values import (
    ParsedDuration,
    blocks_html,
    blocks_text,
)

__all__ = ["TEXT_MODULE_OF", "to_leistung"]

#: Text sections of the export and their LeiKa text module codes, in portal order.
TEXT_MODULE_OF: dict[str, str] = {
    "teaser": "24",
    "volltext": "06",
    "unterlagen": "08",
    "voraussetzungen": "09",
    "verfahrensablauf": "11",
    "weiterfuehrend": "15",
    "hinweise": "16",
    "rechtsbehelf": "25",
    "kurztext": "05",
    "ansprechpunkt": "23",
    "zustaendige_stelle": "22",
    "formulare": "14",
    "rechtsgrundlage": "07",
    "urheber": "18",
}

_TEXTMODUL = "urn:de:xzufi:codeliste:leistungstextmodulleika"
_TYPISIERUNG = "urn:de:fim:leika:typisierung"
_STATUS = "urn:xoev-de:xprozess:codeliste:status"
_PVLAGEN = "urn:xoev-de:fim:codeliste:pvlagen"
_SDG = "urn:xoev-de:fim:codeliste:sdginformationsbereich"
_STRUCTURE: dict[str, StructureKind] = {"lo": "lo", "lov": "lov", "lovd": "lovd"}
_FLAG = {"yes": True, "ja": True, "no": False, "nein": False}


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def _sdg_code(name: str) -> str | None:
    """The SDG code whose German or English name is ``name`` (packaged code list)."""
    cl = codelists.find(_SDG)
    if cl is None:
        return None
    want = _norm(name)
    for code in cl:
        if any(_norm(cl.name(code, lang) or "") == want for lang in ("de", "en")):
            return code
    return None


def _text_module(code: str, lang: str, html: str) -> TextModule:
    return TextModule(
        code=Code(code=code, list_uri=_TEXTMODUL),
        contents=[LocalizedText(language=lang, text=html)],
    )


def _flag(section: Section | None, *questions: str) -> bool | None:
    """``"Online procedure possible: no"`` → False, as the portal prints such flags."""
    if section is None:
        return None
    prefixes = tuple(_norm(q) + ":" for q in questions)
    for block in section.blocks:
        for item in block.items:
            text = _norm(item)
            for prefix in prefixes:
                if text.startswith(prefix):
                    return _FLAG.get(text[len(prefix) :].strip().rstrip("."))
    return None


def to_leistung(export: PortalExport) -> tuple[Leistung, list[Finding]]:
    """The Leistung the export describes, and findings for what has no place in it.

    Requires ``export.keys`` (see ``IMP-REQUIRED``).
    """
    findings: list[Finding] = []
    lang = text_language(
        " ".join(blocks_text(s.blocks) for s in export.sections.values()) or (export.title or "")
    )
    key = export.keys[0]

    def not_mapped(section: str, en: str, de: str) -> None:
        findings.append(
            Finding(
                "IMP-NOT-MAPPED",
                Severity.INFO,
                en,
                Location(file=export.name, line=export.lines.get(section)),
                de,
            )
        )

    leistung = Leistung(
        id=Identifier(value=key, scheme_agency_name=export.source_editor),
        leika_keys=list(export.keys),
        leika_key_attrs=[{} for _ in export.keys],
        structure=_structure(export, lang),
        typisierung=[Code(code=c, list_uri=_TYPISIERUNG) for c in export.typisierung],
        status_catalog=_status(export.status_catalog),
        status_library=_status(export.status_library),
    )
    leistung.text_modules = _text_modules(export, lang)
    _structured_modules(export, lang, leistung)
    leistung.classifications = [
        Code(code=s.code, name=s.name, list_uri=_PVLAGEN) for s in export.situations if s.code
    ]
    for sdg in export.sdg:
        code = sdg.code or (sdg.name and _sdg_code(sdg.name))
        if code:
            leistung.sdg_codes.append(Code(code=code, list_uri=_SDG))
        else:
            not_mapped(
                "sdg",
                "SDG-Informationsbereich: the name matches no code of the packaged list",
                "SDG-Informationsbereich: der Name passt zu keinem Code der Liste",
            )
    leistung.single_point_of_contact = export.single_point_of_contact
    formulare = export.sections.get("formulare")
    leistung.online_possible = _flag(
        formulare, "Online procedure possible", "Online-Verfahren möglich"
    )
    leistung.personal_attendance_required = _flag(
        formulare, "Personal attendance required", "Persönliches Erscheinen erforderlich"
    )

    if export.legal_trigger:
        not_mapped(
            "handlungsgrundlage",
            "Handlungsgrundlage: XZuFi has no element for it; left out",
            "Handlungsgrundlage: XZuFi hat dafür kein Element; weggelassen",
        )
    if export.origin_titles:
        not_mapped(
            "ursprungsportal",
            "Ursprungsportal: the export gives no URI, which XZuFi requires; left out",
            "Ursprungsportal: der Export nennt keine URI, die XZuFi verlangt; weggelassen",
        )
    return leistung, findings


def _text_modules(export: PortalExport, lang: str) -> list[TextModule]:
    """The name first (02, 03), then the text sections in portal order."""
    modules: list[TextModule] = []
    if export.title:
        title = _text_module("02", lang, export.title)
        if len(export.origin_titles) == 2 and lang == "en":
            # The Ursprungsportal line carries the German name before the English one.
            title.contents.insert(0, LocalizedText(language="de", text=export.origin_titles[0]))
        modules.append(title)
    if export.title2:
        modules.append(_text_module("03", lang, export.title2))
    for key, section in export.sections.items():
        code = TEXT_MODULE_OF.get(key)
        if code is not None:
            modules.append(_text_module(code, lang, blocks_html(section.blocks)))
    return modules


def _structured_modules(export: PortalExport, lang: str, leistung: Leistung) -> None:
    """Costs, processing time, deadline, terms and release into ``leistung``."""
    if "kosten" in export.sections:
        leistung.cost_modules.append(_cost_module(export, lang))
    if "bearbeitungsdauer" in export.sections:
        leistung.processing_time_modules.append(
            _duration_module(export.sections["bearbeitungsdauer"], export.processing_times, lang)
        )
    if "frist" in export.sections:
        leistung.deadline_modules.append(
            _duration_module(export.sections["frist"], export.deadlines, lang)
        )
    if export.terms:
        terms = [Term(term=LocalizedText(language="de", text=t)) for t in export.terms]
        leistung.term_modules.append(TermModule(terms=terms))
    if export.released_on is not None or export.released_by:
        by = export.released_by
        leistung.release_modules.append(
            ReleaseModule(
                date=export.released_on,
                by=[LocalizedText(language=text_language(by), text=by)] if by else [],
            )
        )


def _status(code: str | None) -> Code | None:
    return Code(code=code, list_uri=_STATUS) if code else None


def _structure(export: PortalExport, lang: str) -> Structure | None:
    kind = _STRUCTURE.get(export.structure_kind or "")
    if kind is None:
        return None
    return Structure(
        kind=kind,
        grouping=(
            Code(code=export.grouping.code, name=export.grouping.name)
            if export.grouping is not None and export.grouping.code
            else None
        ),
        action=(
            Code(code=export.action.code, name=export.action.name)
            if export.action is not None and export.action.code
            else None
        ),
        action_details=(
            [LocalizedText(language=lang, text=export.action_detail)]
            if export.action_detail
            else []
        ),
    )


def _cost_module(export: PortalExport, lang: str) -> CostModule:
    module = CostModule(
        description=[
            LocalizedText(language=lang, text=blocks_html(export.sections["kosten"].blocks))
        ]
    )
    for parsed in export.costs:
        cost = Cost(
            kind=parsed.kind, description=[LocalizedText(language=lang, text=parsed.description)]
        )
        if parsed.kind == "fix":
            cost.amount, cost.currency = parsed.amount, "EUR"
        elif parsed.kind == "variabel":
            cost.lower, cost.lower_currency = parsed.lower, "EUR"
            cost.upper, cost.upper_currency = parsed.upper, "EUR"
        else:
            cost.free_description = [LocalizedText(language=lang, text=parsed.description)]
            cost.description = []
        module.costs.append(cost)
    return module


def _duration_module(section: Section, items: list[ParsedDuration], lang: str) -> DurationModule:
    return DurationModule(
        items=[
            Duration(
                value=d.value,
                unit=d.unit,
                value_to=d.value_to,
                unit_to=d.unit_to,
                description=[LocalizedText(language=lang, text=d.description)],
            )
            for d in items
        ],
        description=[LocalizedText(language=lang, text=blocks_html(section.blocks))],
    )
