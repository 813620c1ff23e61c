"""Write the model as XZuFi 2.2.0 or 2.3.1.

The writer emits elements in the profile schema's order, puts kept unknown
elements (:class:`~xzufi_toolkit.model.Extra`) back after the element they
followed, and reports as findings (codes ``XZ-C0xx``) whatever the target
version cannot hold: 2.3.1-only fields written as 2.2.0 and vice versa, kept
elements of the other version's namespace, extra modules where 2.2.0 allows
one. Nothing is dropped silently.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from lxml import etree

from xzufi_toolkit.findings import Finding, Location, Severity
from xzufi_toolkit.io import xmlsafe
from xzufi_toolkit.model import (
    Category,
    Code,
    Cost,
    CostModule,
    Duration,
    DurationModule,
    Extra,
    Identifier,
    LanguageVersion,
    Leistung,
    Lexical,
    LexicalForm,
    LexicalKind,
    Link,
    LocalizedText,
    ModuleBase,
    Validity,
    VersionInfo,
)
from xzufi_toolkit.xzufi.versions import (
    ID_ATTRIBUTES,
    SPECS,
    STRUCTURE_TYPES,
    V220,
    V231,
    VERSION_INFO,
    XSI,
    VersionSpec,
    spec_for,
)

__all__ = ["WriteResult", "leistung_element", "serialize", "write_leistung"]

_KEY_ATTRS = {
    "referenzLeiKa": {"listURI", "listVersionID", "name"},
    "referenzLeistungsschluessel": {a for a, _ in ID_ATTRIBUTES},
}
_OTHER_NS = {s.ns for s in SPECS.values()}
#: Kept elements of the other version that are carried over on conversion: texts
#: holding only markup (``<br>``), kept verbatim by the reader, same in both profiles.
_CARRIED_EXTRAS = {"inhalt", "beschreibung"}
#: Kept Leistung children of the other version that the target profile declares
#: too (type Offen there, or the same type): carried over under the target's name.
#: relevantFuerStaatsangehoerigkeit is not: 2.2.0 repeats codes, 2.3.1 has one group.
_SHARED_TOP = (
    "modulDokument",
    "modulAuskunftshinweis",
    "herausgeber",
    "relevantFuerWirtschaftszweig",
    "relevantFuerRechtsform",
)
_CARRIED_TOP = {
    V220: {n: n for n in _SHARED_TOP}
    | {"leistungImKontextID": "idLeistungImKontext", "prozessID": "idProzess"},
    V231: {n: n for n in _SHARED_TOP}
    | {"idLeistungImKontext": "leistungImKontextID", "idProzess": "prozessID"},
}
_SINGLE_220 = {"modulDokument", "modulAuskunftshinweis", "herausgeber"}
#: A Leistung's children in each profile's order (where kept elements of the other
#: version go).
LEISTUNG_ORDER = {
    V220: (
        "id",
        "idSekundaer",
        "struktur",
        "referenzLeiKa",
        "modulText",
        "modulTextIndividuell",
        "modulFrist",
        "modulKosten",
        "modulBearbeitungsdauer",
        "modulBegriffImKontext",
        "modulFachlicheFreigabe",
        "modulAuskunftshinweis",
        "modulDokument",
        "modulUrsprungsportal",
        "typisierung",
        "vertrauensniveau",
        "leistungsadressat",
        "kennzeichenSchriftformerfordernis",
        "kategorie",
        "klassifizierung",
        "informationsbereichSDG",
        "idLeistungImKontext",
        "idProzess",
        "herausgeber",
        "gueltigkeitGebietID",
        "kennzeichenEA",
        "relevantFuerWirtschaftszweig",
        "relevantFuerRechtsform",
        "relevantFuerStaatsangehoerigkeit",
        "versionsinformation",
        "sprachversion",
        "gueltigkeit",
    ),
    V231: (
        "id",
        "idSekundaer",
        "struktur",
        "statusKatalog",
        "statusBibliothek",
        "detailstufe",
        "referenzLeistungsschluessel",
        "leistungsadressat",
        "bezugsortTyp",
        "modulText",
        "modulTextIndividuell",
        "modulFrist",
        "modulBearbeitungsdauer",
        "modulKosten",
        "modulDokument",
        "modulBegriffImKontext",
        "modulFachlicheFreigabe",
        "modulAuskunftshinweis",
        "modulUrsprungsportal",
        "typisierung",
        "vertrauensniveau",
        "kennzeichenFormularSchriftformerfordernis",
        "kennzeichenFormularPersoenlich",
        "kennzeichenFormularFormlos",
        "kategorie",
        "klassifizierung",
        "informationsbereicheSDG",
        "leistungImKontextID",
        "prozessID",
        "herausgeber",
        "gueltigkeitGebietID",
        "durchfuehrbarEinheitlicheStelle",
        "relevantFuerWirtschaftszweig",
        "relevantFuerRechtsform",
        "relevantFuerStaatsangehoerigkeit",
        "versionsinformationen",
        "versionsinformation",
        "sprachversion",
        "gueltigkeit",
    ),
}
#: Verrichtung shapes each version writes as they were read (``ActionForm``).
_ACTION_FORMS = {V220: ("code", "wrapped"), V231: ("leika",)}
_M = TypeVar("_M", bound=ModuleBase)


@dataclass(slots=True)
class WriteResult:
    """Serialized XML and what could not be carried over."""

    data: bytes
    version: str
    findings: list[Finding] = field(default_factory=list)


_LAST_STEP = re.compile(r"([\w.-]+)\[\d+\]$")
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}


def _as_date(text: str) -> datetime.date:
    value = text.strip()
    day, dot, rest = value.partition(".")
    if dot:  # German notation, as the reader accepts it
        month, _, year = rest.partition(".")
        return datetime.date(int(year), int(month), int(day))
    return datetime.date.fromisoformat(value)


def _same_value(kind: LexicalKind, written: str, read: str) -> bool:
    """Whether the text as read still says what the model writes (else the model
    was changed since reading, and its value wins)."""
    try:
        if kind == "int":
            return int(written.strip()) == int(read.strip())
        if kind == "bool":
            return _BOOLEANS[written.strip()] == _BOOLEANS[read.strip()]
        if kind == "decimal":
            return Decimal(written.strip()) == Decimal(read.strip())
        if kind == "date":
            return _as_date(written) == _as_date(read)
    except (ValueError, KeyError, InvalidOperation):
        return False
    return written.split() == read.split()


def _apply_form(el: etree._Element, form: LexicalForm) -> None:
    for name, ns in form.child_ns:
        for child in el:
            if isinstance(child.tag, str) and child.tag == name and ns is not None:
                child.tag = f"{{{ns}}}{name}"
    text = form.text
    if text is not None and el.text is not None and not len(el):
        el.text = text if _same_value(form.kind, el.text, text) else el.text
    for name, value in form.attributes:
        current = el.get(name)
        if current is None or current.strip() == value.strip():
            el.set(name, value)


def restore_lexical(root: etree._Element, forms: dict[str, LexicalForm]) -> None:
    """Give elements back the lexical form they were read in (same version only):
    text as written, attributes the model does not hold, qualified code children.
    An element is found by its path below ``root``; where the model's value has
    changed since reading, the model's value stays."""
    if not forms:
        return
    if "" in forms:
        _apply_form(root, forms[""])
    stack: list[tuple[etree._Element, str]] = [(root, "")]
    while stack:
        parent, prefix = stack.pop()
        seen: Counter[str] = Counter()
        for child in parent:
            if not isinstance(child.tag, str):
                continue
            tag = child.tag
            seen[tag] += 1
            key = f"{prefix}/{tag}[{seen[tag]}]" if prefix else f"{tag}[{seen[tag]}]"
            form = forms.get(key)
            if form is not None:
                _apply_form(child, form)  # renames code children before they are keyed
            if len(child):
                stack.append((child, key))


def _lost_attributes(lexical: Lexical) -> list[str]:
    """Attributes the model does not hold (kept only for the version they were read in)."""
    lost = []
    for key, form in lexical.forms.items():
        step = _LAST_STEP.search(key)
        owner = step.group(1) if step else "leistung"
        lost += [
            f"attribute {etree.QName(name).localname} of <{owner}>"
            for name, _ in form.attributes
            if name != "currencyCode"
        ]
    return lost


def _fmt_decimal(value: Decimal) -> str:
    return format(value, "f")


def _fmt_date(value: datetime.date | str) -> str:
    return value.isoformat() if isinstance(value, datetime.date) else value


class _Writer:
    def __init__(self, spec: VersionSpec) -> None:
        self.spec = spec
        self.ns = spec.ns
        self.lost: Counter[str] = Counter()
        self.converted: Counter[str] = Counter()
        self.merged: Counter[str] = Counter()
        self.carried: Counter[str] = Counter()
        #: the Leistung is written in the version it was read in: shapes as read
        self.same_version = False

    # -- findings ---------------------------------------------------------

    def findings(self, object_id: str | None = None) -> list[Finding]:
        t = self.spec.version
        loc = Location(object_id=object_id)
        kinds = (
            (
                self.lost,
                "XZ-C001",
                Severity.WARNING,
                "{w} cannot be written as XZuFi {t}; not carried over ({n}x)",
                "{w} ist in XZuFi {t} nicht darstellbar; entfällt ({n}x)",
            ),
            (
                self.converted,
                "XZ-C002",
                Severity.INFO,
                "{w} converted for XZuFi {t} ({n}x)",
                "{w} für XZuFi {t} umgewandelt ({n}x)",
            ),
            (
                self.merged,
                "XZ-C003",
                Severity.WARNING,
                "XZuFi {t} allows one {w}: {n} more merged into the first; their module data"
                " (id, position, validity) is dropped, their descriptions are joined",
                "XZuFi {t} erlaubt ein {w}: {n} weitere in das erste übernommen; deren"
                " Moduldaten (id, Position, Gültigkeit) entfallen, ihre Beschreibungen werden"
                " zusammengeführt",
            ),
        )
        return [
            Finding(
                code=code,
                severity=severity,
                message=en.format(w=w, t=t, n=n),
                message_de=de.format(w=w, t=t, n=n),
                location=loc,
            )
            for counter, code, severity, en, de in kinds
            for w, n in sorted(counter.items())
        ]

    # -- building blocks --------------------------------------------------

    def sub(self, parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
        el = etree.SubElement(parent, f"{{{self.ns}}}{name}")
        if text is not None:
            el.text = text
        return el

    def code(self, parent: etree._Element, name: str, code: Code | None) -> None:
        if code is None:
            return
        el = self.sub(parent, name)
        if code.list_uri is not None:
            el.set("listURI", code.list_uri)
        if code.list_version_id is not None:
            el.set("listVersionID", code.list_version_id)
        etree.SubElement(el, "code").text = code.code
        if code.name is not None:
            etree.SubElement(el, "name").text = code.name

    def codes(self, parent: etree._Element, name: str, codes: Sequence[Code]) -> None:
        for c in codes:
            self.code(parent, name, c)

    def ident(self, parent: etree._Element, name: str, ident: Identifier | None) -> None:
        if ident is None:
            return
        el = self.sub(parent, name, ident.value)
        for xml_name, attr in ID_ATTRIBUTES:
            value = getattr(ident, attr)
            if value is not None:
                el.set(xml_name, value)

    def idents(self, parent: etree._Element, name: str, idents: Sequence[Identifier]) -> None:
        for i in idents:
            self.ident(parent, name, i)

    def localized(self, parent: etree._Element, name: str, texts: Sequence[LocalizedText]) -> None:
        for t in texts:
            self.sub(parent, name, t.text).set("languageCode", t.language_written or t.language)

    def opt(self, parent: etree._Element, name: str, value: object) -> None:
        if value is None:
            return
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, Decimal):
            text = _fmt_decimal(value)
        elif isinstance(value, datetime.date):
            text = value.isoformat()
        else:
            text = str(value)
        self.sub(parent, name, text)

    def link(self, parent: etree._Element, name: str, link: Link) -> None:
        el = self.sub(parent, name)
        lang = link.language_written or link.language
        if link.language_attribute and lang is not None:
            el.set("languageCode", lang)
        else:
            self.opt(el, "languageCode", lang)
        self.opt(el, "uri", link.uri)
        self.opt(el, "titel", link.title)
        self.opt(el, "beschreibung", link.description)
        self.opt(el, "positionDarstellung", link.position)

    def links(self, parent: etree._Element, links: Sequence[Link]) -> None:
        for link in links:
            self.link(parent, "weiterfuehrenderLink", link)

    def validity(self, parent: etree._Element, items: Sequence[Validity]) -> None:
        for v in items:
            el = self.sub(parent, "gueltigkeit")
            self.opt(el, "beginn", v.begin)
            self.opt(el, "ende", v.end)
            self.localized(el, "zusatz", v.notes)

    def amount(self, parent: etree._Element, name: str, value: Decimal, currency: str) -> None:
        self.sub(parent, name, _fmt_decimal(value)).set("currencyCode", currency)

    # -- extras -----------------------------------------------------------

    def kept(self, extra: Extra, *, top: bool = False) -> tuple[etree._Element | None, bool]:
        """A kept element to write back, and whether it came from the other version
        and is placed by the target profile's order (``top``: a Leistung's own
        child, see :data:`_CARRIED_TOP`). ``None`` (counted as lost) for one of the
        other XZuFi version that the target profile does not declare alike."""
        el = xmlsafe.parse_bytes(extra.xml, file="<kept element>").getroot()
        qn = etree.QName(el)
        if qn.namespace not in _OTHER_NS or qn.namespace == self.ns:
            return el, False
        if qn.localname in _CARRIED_EXTRAS:
            return _renamespaced(el, self.ns), False
        name = _CARRIED_TOP[self.spec.version].get(qn.localname) if top else None
        if name is None or not self.room_for(name):
            self.lost[f"kept element <{qn.localname}> of another XZuFi version"] += 1
            return None, False
        el = _renamespaced(el, self.ns)
        el.tag = f"{{{self.ns}}}{name}"
        renamed = f" as <{name}>" if name != qn.localname else ""
        self.converted[f"kept element <{qn.localname}>{renamed}"] += 1
        return el, True

    def room_for(self, name: str) -> bool:
        """2.2.0 holds one modulAuskunftshinweis, modulDokument, herausgeber."""
        self.carried[name] += 1
        return self.carried[name] == 1 or self.spec.multi_modules or name not in _SINGLE_220

    def place_extras(
        self, owner: etree._Element, extras: Sequence[Extra], *, top: bool = False
    ) -> None:
        """Put kept elements back after the element they followed.

        Each one goes after the last element named as the one it followed (or
        first, or last when there is none), behind the kept elements already
        placed there. Placed by anchor in one pass: searching the children for
        every element made 20,000 kept elements take minutes.
        """
        if not extras:
            return
        kids = list(owner)
        last: dict[str, int] = {}  # local name -> index of the last element (kid or placed)
        each: dict[str, list[int]] = {}  # local name -> indexes of the written elements
        for i, child in enumerate(kids):
            last[etree.QName(child).localname] = i
            each.setdefault(etree.QName(child).localname, []).append(i)
        after: dict[int, list[etree._Element]] = {}  # kid index (-1: first) -> placed there
        order = LEISTUNG_ORDER[self.spec.version]
        carried: set[etree._Element] = set()
        for extra in extras:
            el, by_order = self.kept(extra, top=top)
            if el is None:
                continue
            name = etree.QName(el).localname
            if by_order:  # from the other version: after what precedes it in this one
                anchor = _order_anchor(kids, order, name)
                carried.add(el)
            else:
                anchor = _anchor(extra, each, last, len(kids))
            after.setdefault(anchor, []).append(el)
            last[name] = max(last.get(name, -1), anchor)
        for anchor, placed in after.items():
            _order_carried(placed, carried, order)
            if anchor >= 0:
                prev = kids[anchor]
                for el in placed:
                    prev.addnext(el)
                    prev = el
            elif kids:
                for el in placed:
                    kids[0].addprevious(el)
            else:
                owner.extend(placed)

    # -- modules ----------------------------------------------------------

    def module_base(self, el: etree._Element, module: ModuleBase) -> None:
        if module.access_channel is not None:
            if self.spec.multi_modules:
                self.code(el, "zugangskanal", module.access_channel)
            else:
                self.lost["zugangskanal of a module"] += 1
        self.opt(el, "positionDarstellung", module.position)
        self.ident(el, "id", module.id)
        self.idents(el, "idSekundaer", module.secondary_ids)
        self.validity(el, module.validity)

    def duration(self, parent: etree._Element, name: str, d: Duration, *, typed: bool) -> None:
        el = self.sub(parent, name)
        if typed:
            self.code(el, "typ", d.type)
        if d.value is not None or d.unit is not None:
            self.opt(el, "dauer", d.value)
            self.opt(el, "einheit", d.unit)
            self.opt(el, "dauerBis", d.value_to)
            self.opt(el, "einheitBis", d.unit_to)
        elif d.date_from is not None or d.date_to is not None:
            st = self.sub(el, "stichtag")
            if d.date_from is not None:
                self.sub(st, "von", _fmt_date(d.date_from))
            if d.date_to is not None:
                self.sub(st, "bis", _fmt_date(d.date_to))
        self.localized(el, "beschreibung", d.description)
        self.opt(el, "positionDarstellung", d.position)
        self.validity(el, d.validity)
        self.place_extras(el, d.extras)

    def duration_module(
        self, parent: etree._Element, name: str, item_name: str, module: DurationModule
    ) -> None:
        el = self.sub(parent, name)
        self.module_base(el, module)
        for d in module.items:
            self.duration(el, item_name, d, typed=item_name == "frist")
        self.localized(el, "beschreibung", module.description)
        self.links(el, module.links)
        self.place_extras(el, module.extras)

    def cost(self, parent: etree._Element, cost: Cost) -> None:
        el = self.sub(parent, "kosten")
        self.code(el, "typ", cost.type)
        if cost.kind == "fix" and cost.amount is not None:
            self.amount(el, "betrag", cost.amount, cost.currency or "EUR")
        elif cost.kind == "frei":
            frei = self.sub(el, "frei")
            self.localized(frei, "beschreibungKostenfreiheit", cost.free_description)
        elif cost.kind == "variabel":
            var = self.sub(el, "variabel")
            if cost.lower is not None:
                self.amount(var, "betragUntergrenze", cost.lower, cost.lower_currency or "EUR")
            if cost.upper is not None:
                self.amount(var, "betragObergrenze", cost.upper, cost.upper_currency or "EUR")
            self.localized(var, "beschreibungVariabilitaet", cost.variable_description)
        self.localized(el, "beschreibung", cost.description)
        self.opt(el, "vorkasse", cost.prepayment)
        if self.spec.multi_modules:
            for link in cost.cost_links:
                self.link(el, "linkKostenbildung", link)
        elif cost.cost_links:
            first = cost.cost_links[0]
            self.opt(el, "linkKostenbildung", first.uri)
            if len(cost.cost_links) > 1:
                self.lost["further linkKostenbildung (2.2.0 holds one URI)"] += 1
            if first.title or first.description or first.language or first.position is not None:
                self.lost["title/description of linkKostenbildung"] += 1
        self.opt(el, "positionDarstellung", cost.position)
        self.validity(el, cost.validity)
        self.place_extras(el, cost.extras)

    def cost_module(self, parent: etree._Element, module: CostModule) -> None:
        el = self.sub(parent, "modulKosten")
        self.module_base(el, module)
        for cost in module.costs:
            self.cost(el, cost)
        self.localized(el, "beschreibung", module.description)
        self.links(el, module.links)
        self.place_extras(el, module.extras)

    def _single(self, modules: Sequence[_M], what: str) -> list[_M]:
        """2.2.0 holds at most one of these modules: the others are merged or reported."""
        if self.spec.multi_modules or len(modules) <= 1:
            return list(modules)
        self.merged[what] += len(modules) - 1
        return [modules[0]]

    def merged_duration(self, modules: Sequence[DurationModule], what: str) -> list[DurationModule]:
        chosen = self._single(modules, what)
        if len(chosen) == len(modules):
            return chosen
        return [
            replace(
                chosen[0],
                items=[i for m in modules for i in m.items],
                description=_merge_languages([m.description for m in modules]),
                links=[lk for m in modules for lk in m.links],
                extras=[e for m in modules for e in m.extras],
            )
        ]

    def merged_costs(self, modules: Sequence[CostModule]) -> list[CostModule]:
        chosen = self._single(modules, "modulKosten")
        if len(chosen) == len(modules):
            return chosen
        return [
            replace(
                chosen[0],
                costs=[c for m in modules for c in m.costs],
                description=_merge_languages([m.description for m in modules]),
                links=[lk for m in modules for lk in m.links],
                extras=[e for m in modules for e in m.extras],
            )
        ]

    # -- the Leistung -----------------------------------------------------

    def structure(self, parent: etree._Element, item: Leistung) -> None:
        s = item.structure
        if s is None:
            return
        el = self.sub(parent, "struktur")
        el.set(f"{{{XSI}}}type", f"xzufi:{STRUCTURE_TYPES[s.kind]}")
        self.code(el, self.spec.grouping, s.grouping)
        if s.kind != "lo":
            self.ident(el, "leistungsobjektID", s.object_id)
            self.action(el, s.action, s.action_form)
        elif s.object_id is not None or s.action is not None:
            self.lost["leistungsobjektID/verrichtung of a structure of type lo"] += 1
        if s.kind == "lovd":
            self.localized(el, "verrichtungsdetail", s.action_details)
        elif s.action_details:
            self.lost["verrichtungsdetail of a structure that is not lovd"] += 1
        self.place_extras(el, s.extras)

    def action(self, parent: etree._Element, action: Code | None, form: str | None) -> None:
        """The Verrichtung in the shape it was read where the version has it, else in
        the version's own: 2.2.0 real files wrap it (verrichtung/verrichtungLeiKa),
        2.3.1 has verrichtungLeiKa; a model without a shape gets the profile's."""
        code = self.action_code(action)
        if code is None:
            return
        forms = _ACTION_FORMS[self.spec.version]
        if form is None:
            form = "code" if self.spec.version == V220 else "leika"
        elif form not in forms and not (form == "wrapped" and self.same_version):
            # from the other version's shape: this version's real-file one (a 2.3.1
            # file's wrapped Verrichtung, which its profile accepts, stays wrapped)
            form = "wrapped" if self.spec.version == V220 else "leika"
        if form == "leika":
            self.code(parent, "verrichtungLeiKa", code)
        elif form == "wrapped":
            self.code(self.sub(parent, "verrichtung"), "verrichtungLeiKa", code)
        else:
            self.code(parent, "verrichtung", code)

    def action_code(self, code: Code | None) -> Code | None:
        """Verrichtung: 2.2.0 writes ``001``, 2.3.1 ``1``."""
        if code is None or not code.code.isdigit():
            return code
        value = code.code.zfill(3) if not self.spec.multi_modules else str(int(code.code))
        if value == code.code:
            return code
        self.converted[f"Verrichtung code {code.code!r} → {value!r}"] += 1
        return Code(
            code=value, name=code.name, list_uri=code.list_uri, list_version_id=code.list_version_id
        )

    def leika_keys(self, parent: etree._Element, item: Leistung) -> None:
        name = self.spec.leika_key
        allowed = _KEY_ATTRS[name]
        for i, key in enumerate(item.leika_keys):
            attrs = item.leika_key_attrs[i] if i < len(item.leika_key_attrs) else {}
            dropped = sorted(set(attrs) - allowed)
            if dropped:
                self.lost[f"attributes {', '.join(dropped)} of the LeiKa key"] += 1
            if name == "referenzLeiKa":
                self.code(
                    parent,
                    name,
                    Code(
                        code=key,
                        name=attrs.get("name"),
                        list_uri=attrs.get("listURI"),
                        list_version_id=attrs.get("listVersionID"),
                    ),
                )
            else:
                el = self.sub(parent, name, key)
                for attr in sorted(allowed & set(attrs)):
                    el.set(attr, attrs[attr])

    def text_modules(self, el: etree._Element, item: Leistung) -> None:
        for tm in item.text_modules:
            m = self.sub(el, "modulText")
            self.module_base(m, tm)
            self.code(m, "leikaTextmodul", tm.code)
            self.localized(m, "leikaTextmodulAbweichendeBezeichnung", tm.alt_titles)
            self.localized(m, "inhalt", tm.contents)
            self.links(m, tm.links)
            self.place_extras(m, tm.extras)
        for im in item.individual_text_modules:
            m = self.sub(el, "modulTextIndividuell")
            self.module_base(m, im)
            self.code(m, "individuellesTextmodultyp", im.type)
            self.localized(m, "inhalt", im.contents)
            self.links(m, im.links)
            self.place_extras(m, im.extras)

    def other_modules(self, el: etree._Element, item: Leistung) -> None:
        for tmod in item.term_modules:
            m = self.sub(el, "modulBegriffImKontext")
            self.module_base(m, tmod)
            for term in tmod.terms:
                t = self.sub(m, "begriffImKontext")
                self.localized(t, "begriff", [term.term])
                self.code(t, "typ", term.type)
                self.place_extras(t, term.extras)
            self.place_extras(m, tmod.extras)
        for rel in self._single(item.release_modules, "modulFachlicheFreigabe"):
            m = self.sub(el, "modulFachlicheFreigabe")
            self.module_base(m, rel)
            self.opt(m, "fachlichFreigegebenAm", rel.date)
            self.localized(m, "fachlichFreigegebenDurch", rel.by)
            self.place_extras(m, rel.extras)

    def origin_portals(self, el: etree._Element, item: Leistung) -> None:
        for op in item.origin_portals:
            m = self.sub(el, "modulUrsprungsportal")
            self.module_base(m, op)
            lang = op.language_written or op.language
            if op.language_attribute:
                m.set("languageCode", lang)
            else:
                self.opt(m, "languageCode", lang)
            self.opt(m, "uri", op.uri)
            self.opt(m, "titel", op.title)
            self.place_extras(m, op.extras)

    def leistung(self, item: Leistung, tag: str = "leistung") -> etree._Element:
        v231 = self.spec.multi_modules
        lexical = item.lexical
        self.same_version = lexical is not None and lexical.version == self.spec.version
        el = etree.Element(f"{{{self.ns}}}{tag}", nsmap={"xzufi": self.ns, "xsi": XSI})
        self.ident(el, "id", item.id)
        self.idents(el, "idSekundaer", item.secondary_ids)
        self.structure(el, item)
        if v231:
            self.code(el, "statusKatalog", item.status_catalog)
            self.code(el, "statusBibliothek", item.status_library)
            self.code(el, "detailstufe", item.detail_level)
            self.leika_keys(el, item)
            self.codes(el, "leistungsadressat", item.leistungsadressat)
            self.code(el, "bezugsortTyp", item.place_type)
        else:
            for name, value in (
                ("statusKatalog", item.status_catalog),
                ("statusBibliothek", item.status_library),
                ("detailstufe", item.detail_level),
                ("bezugsortTyp", item.place_type),
            ):
                if value is not None:
                    self.lost[name] += 1
            self.leika_keys(el, item)
        self.text_modules(el, item)
        frist = self.merged_duration(item.deadline_modules, "modulFrist")
        dauer = self.merged_duration(item.processing_time_modules, "modulBearbeitungsdauer")
        for fm in frist:
            self.duration_module(el, "modulFrist", "frist", fm)
        if v231:
            for dm in dauer:
                self.duration_module(el, "modulBearbeitungsdauer", "bearbeitungsdauer", dm)
        for cm in self.merged_costs(item.cost_modules):
            self.cost_module(el, cm)
        if not v231:
            for dm in dauer:
                self.duration_module(el, "modulBearbeitungsdauer", "bearbeitungsdauer", dm)
        self.other_modules(el, item)
        self.origin_portals(el, item)
        self.codes(el, "typisierung", item.typisierung)
        self.code(el, "vertrauensniveau", item.vertrauensniveau)
        if not v231:
            self.codes(el, "leistungsadressat", item.leistungsadressat)
        self.opt(el, self.spec.written_form, item.written_form_required)
        self.flags_and_classification(el, item)
        self.version_info(el, item.version_info)
        for lv in item.language_versions:
            self.language_version(el, lv)
        self.validity(el, item.validity)
        self.place_extras(el, item.extras, top=True)
        self.lexical_forms(el, lexical)
        return el

    def lexical_forms(self, el: etree._Element, lexical: Lexical | None) -> None:
        """Same version: the lexical forms as read. Another version: whitespace,
        dates, 1/0, leading zeros, qualified codes in the target's usual form (the
        same values); unknown attributes are not carried over (reported)."""
        if lexical is None:
            return
        if self.same_version:
            restore_lexical(el, lexical.forms)
            return
        for what in _lost_attributes(lexical):
            self.lost[what] += 1

    def category(self, parent: etree._Element, cat: Category) -> None:
        """A category read from a file goes back verbatim (in this version's namespace)."""
        if cat.xml is not None:
            el = xmlsafe.parse_bytes(cat.xml, file="<kept element>").getroot()
            parent.append(_renamespaced(el, self.ns))
            return
        k = self.sub(parent, "kategorie")
        self.ident(k, "id", cat.id)
        self.ident(k, "uebergeordneteKategorieID", cat.parent_id)
        self.localized(k, "bezeichnung", cat.labels)
        self.localized(k, "beschreibung", cat.descriptions)
        for cls in cat.classes:
            c = self.sub(k, "klasse")
            self.ident(c, "id", cls.id)
            self.localized(c, "bezeichnung", cls.labels)

    def version_info(self, parent: etree._Element, info: VersionInfo | None) -> None:
        if info is None:
            return
        # 2.3.1 accepts both names (xzufi-real-data.md vs the API model); ``tag`` is only
        # set when a 2.3.1 file used the 2.2.0 name
        tag = VERSION_INFO[self.spec.version]
        if info.tag is not None and self.spec.version == V231:
            tag = info.tag
        el = self.sub(parent, tag)
        self.opt(el, "erstelltDatumZeit", info.created)
        self.opt(el, "erstelltDurch", info.created_by)
        self.opt(el, "geaendertDatumZeit", info.changed)
        self.opt(el, "geaendertDurch", info.changed_by)
        self.opt(el, "version", info.version)
        self.place_extras(el, info.extras)

    def language_version(self, parent: etree._Element, lv: LanguageVersion) -> None:
        el = self.sub(parent, "sprachversion")
        self.opt(el, "languageCode", lv.language_code)
        self.opt(el, "sprachbezeichnungDeutsch", lv.name_german)
        self.opt(el, "sprachbezeichnungNativ", lv.name_native)
        self.place_extras(el, lv.extras)

    def flags_and_classification(self, el: etree._Element, item: Leistung) -> None:
        v231 = self.spec.multi_modules
        if v231:
            self.opt(el, "kennzeichenFormularPersoenlich", item.personal_attendance_required)
            self.opt(el, "kennzeichenFormularFormlos", item.informal_application)
        for cat in item.categories:
            self.category(el, cat)
        if not v231:
            if item.personal_attendance_required is not None:
                self.lost["kennzeichenFormularPersoenlich"] += 1
            if item.informal_application is not None:
                self.lost["kennzeichenFormularFormlos"] += 1
        if item.online_possible is not None:
            self.lost["online_possible (no XZuFi element; FIM states it in text module 14)"] += 1
        self.codes(el, "klassifizierung", item.classifications)
        if v231:
            if item.sdg_codes or item.sdg2_codes:
                sdg = self.sub(el, "informationsbereicheSDG")
                self.codes(sdg, "informationsbereichSDG1", item.sdg_codes)
                self.codes(sdg, "informationsbereichSDG2", item.sdg2_codes)
            self.idents(el, "gueltigkeitGebietID", item.validity_area_ids)
            self.codes(el, "durchfuehrbarEinheitlicheStelle", item.single_point_codes)
            if item.single_point_of_contact is not None:
                self.lost["kennzeichenEA (2.3.1 uses durchfuehrbarEinheitlicheStelle codes)"] += 1
        else:
            self.codes(el, "informationsbereichSDG", item.sdg_codes)
            if item.sdg2_codes:
                self.lost["informationsbereichSDG2"] += len(item.sdg2_codes)
            self.idents(el, "gueltigkeitGebietID", item.validity_area_ids)
            self.opt(el, "kennzeichenEA", item.single_point_of_contact)
            if item.single_point_codes:
                self.lost["durchfuehrbarEinheitlicheStelle"] += len(item.single_point_codes)


def _order_carried(
    placed: list[etree._Element], carried: set[etree._Element], order: tuple[str, ...]
) -> None:
    """Elements carried over from the other version that share a place go in the
    target profile's order; the others keep theirs."""
    slots = [i for i, e in enumerate(placed) if e in carried]
    if len(slots) > 1:
        moved = sorted((placed[i] for i in slots), key=lambda e: _rank(order, e))
        for i, e in zip(slots, moved, strict=True):
            placed[i] = e


def _order_anchor(kids: list[etree._Element], order: tuple[str, ...], name: str) -> int:
    """Index of the last child that comes before ``name`` in ``order`` (-1: none)."""
    rank = order.index(name)
    return max((i for i, k in enumerate(kids) if _rank(order, k) <= rank), default=-1)


def _rank(order: tuple[str, ...], el: etree._Element) -> int:
    """Position of ``el``'s name in a Leistung's child order (unknown: at the end)."""
    name = etree.QName(el).localname
    return order.index(name) if name in order else len(order)


def _anchor(extra: Extra, each: dict[str, list[int]], last: dict[str, int], n: int) -> int:
    """Index of the element a kept one goes after (-1: first)."""
    if extra.after is None:
        return -1
    named = each.get(extra.after, [])
    if extra.nth is not None and 0 < extra.nth <= len(named):
        return named[extra.nth - 1]  # after the nth of its name, as read
    return last.get(extra.after, n - 1)


def _renamespaced(el: etree._Element, ns: str) -> etree._Element:
    """``el`` with every element of an XZuFi namespace moved to ``ns``."""
    for node in el.iter():
        if isinstance(node.tag, str):
            qn = etree.QName(node)
            if qn.namespace in _OTHER_NS and qn.namespace != ns:
                node.tag = f"{{{ns}}}{qn.localname}"
    etree.cleanup_namespaces(el)
    return el


def _merge_languages(groups: Sequence[Sequence[LocalizedText]]) -> list[LocalizedText]:
    """One text per language: the descriptions of merged modules joined, one per line
    (description-only modules are common in real data: their text must not go)."""
    out: dict[str, LocalizedText] = {}
    for group in groups:
        for t in group:
            first = out.get(t.language)
            if first is None:
                out[t.language] = t
            elif t.text not in first.text:
                out[t.language] = replace(first, text=f"{first.text}\n{t.text}")
    return list(out.values())


def leistung_element(
    leistung: Leistung, version: str, *, tag: str = "leistung"
) -> tuple[etree._Element, list[Finding]]:
    """The ``leistung`` element in ``version`` and the conversion findings."""
    writer = _Writer(spec_for(version))
    el = writer.leistung(leistung, tag)
    return el, writer.findings(object_id=leistung.id.value or None)


def serialize(el: etree._Element) -> bytes:
    """Indented UTF-8 XML with declaration (the toolkit's one output style)."""
    etree.indent(el, space="  ")
    return etree.tostring(el, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write_leistung(leistung: Leistung, version: str) -> WriteResult:
    """Serialize ``leistung`` as a single XZuFi ``version`` document."""
    el, findings = leistung_element(leistung, version)
    return WriteResult(data=serialize(el), version=spec_for(version).version, findings=findings)
