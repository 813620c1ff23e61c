"""Map a :class:`~.export.PortalExport` into the version-neutral Leistung model.

The export's labels are German, its texts are in the language the editorial
office wrote (the seed's are English): the language of the texts is read off
them. Values with no place in XZuFi (Handlungsgrundlage; an Ursprungsportal
without its URI) are reported as ``IMP-NOT-MAPPED``, never dropped silently.
"""

from __future__ import annotations

from xzufi_toolkit.findings import Finding, Location, Severity
from xzufi_toolkit.model import (
    TEXT_MODULE_NAMES,
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
    Block,
    ParsedDuration,
    blocks_html,
    blocks_text,
)
from xzufi_toolkit.reference import codelists, leika

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
# Name and teaser are plain text in XZuFi data; the other modules are HTML.
_PLAIN_MODULES = frozenset({"02", "03", "24"})


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


def _text_module(code: str, lang: str, content: str) -> TextModule:
    return TextModule(
        code=Code(code=code, name=TEXT_MODULE_NAMES.get(code), list_uri=_TEXTMODUL),
        contents=[LocalizedText(language=lang, text=content)],
    )


def _module_content(code: str, blocks: tuple[Block, ...]) -> str:
    if code in _PLAIN_MODULES:
        return " ".join(item for block in blocks for item in block.items)
    return blocks_html(blocks)


def _flag(section: Section | None, *questions: str) -> bool | None:
    """``"Personal attendance required: yes"`` → True, as the portal prints such flags."""
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

    def not_mapped(section: str, en: str, de: str) -> None:
        location = Location(file=export.name, line=export.lines.get(section))
        findings.append(Finding("IMP-NOT-MAPPED", Severity.INFO, en, location, de))

    leistung = Leistung(
        id=Identifier(value=export.keys[0], scheme_agency_name=export.source_editor),
        leika_keys=list(export.keys),
        leika_key_attrs=[{} for _ in export.keys],
        structure=_structure(export, lang),
        typisierung=[Code(code=c, list_uri=_TYPISIERUNG) for c in export.typisierung],
        status_catalog=_status(export.status_catalog, export.status_catalog_name),
        status_library=_status(export.status_library, export.status_library_name),
        text_modules=_text_modules(export, lang),
        classifications=[
            Code(code=s.code, name=s.name, list_uri=_PVLAGEN) for s in export.situations if s.code
        ],
        single_point_of_contact=export.single_point_of_contact,
        # "Online procedure possible" has no XZuFi element: it stays in module 14's text.
        personal_attendance_required=_flag(
            export.sections.get("formulare"),
            "Personal attendance required",
            "Persönliches Erscheinen nötig",
            "Persönliches Erscheinen erforderlich",
        ),
    )
    _structured_modules(export, lang, leistung)
    for sdg in export.sdg:
        code = sdg.code or (sdg.name and _sdg_code(sdg.name))
        if code:
            leistung.sdg_codes.append(Code(code=code, name=sdg.name, list_uri=_SDG))
        else:
            not_mapped(
                "sdg",
                "SDG-Informationsbereich: the name matches no code of the packaged list",
                "SDG-Informationsbereich: der Name passt zu keinem Code der Liste",
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
            modules.append(_text_module(code, lang, _module_content(code, section.blocks)))
    return modules


def _structured_modules(export: PortalExport, lang: str, leistung: Leistung) -> None:
    """Costs, processing time, deadline, terms and release into ``leistung``."""
    if "kosten" in export.sections:
        leistung.cost_modules.append(_cost_module(export, lang))
    if "bearbeitungsdauer" in export.sections:
        section = export.sections["bearbeitungsdauer"]
        leistung.processing_time_modules.append(
            _duration_module(section, export.processing_times, lang, html=False)
        )
    if "frist" in export.sections:
        leistung.deadline_modules.append(
            _duration_module(export.sections["frist"], export.deadlines, lang, html=True)
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


def _status(code: str | None, name: str | None) -> Code | None:
    return Code(code=code, name=name, list_uri=_STATUS) if code else None


def _structure(export: PortalExport, lang: str) -> Structure | None:
    kind = _STRUCTURE.get(export.structure_kind or "")
    if kind is None:
        return None
    key = export.keys[0]
    # The Leistungsobjekt is the key with Verrichtung and detail zeroed (xzufi.md).
    object_key = (leika.parents(key) or (key,))[-1] if leika.is_valid(key) else None
    return Structure(
        kind=kind,
        grouping=(
            Code(code=export.grouping.code, name=export.grouping.name)
            if export.grouping is not None and export.grouping.code
            else None
        ),
        object_id=Identifier(value=object_key) if object_key else None,
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
    section = export.sections["kosten"]
    module = CostModule(
        description=[LocalizedText(language=lang, text=blocks_html(section.blocks))]
    )
    for parsed in export.costs:
        text = [LocalizedText(language=lang, text=parsed.description)]
        cost = Cost(kind=parsed.kind)
        if parsed.kind == "fix":
            cost.amount, cost.currency, cost.description = parsed.amount, "EUR", text
        elif parsed.kind == "variabel":
            cost.lower, cost.lower_currency = parsed.lower, "EUR"
            cost.upper, cost.upper_currency = parsed.upper, "EUR"
            cost.description = text
        else:
            cost.free_description = text
        module.costs.append(cost)
    return module


def _duration_module(
    section: Section, items: list[ParsedDuration], lang: str, *, html: bool
) -> DurationModule:
    """One stated duration carries the whole section as its description; several
    carry their own sentence each and the section becomes the module's description.

    ``html``: item descriptions are HTML (``frist``), else plain text
    (``bearbeitungsdauer``, a StringLocalized in XZuFi).
    """
    whole = blocks_html(section.blocks) if html else blocks_text(section.blocks)
    module = DurationModule(
        items=[
            Duration(
                value=d.value,
                unit=d.unit,
                value_to=d.value_to,
                unit_to=d.unit_to,
                description=[
                    LocalizedText(language=lang, text=whole if len(items) == 1 else d.description)
                ],
            )
            for d in items
        ]
    )
    if len(items) != 1:
        module.description = [LocalizedText(language=lang, text=blocks_html(section.blocks))]
    return module
