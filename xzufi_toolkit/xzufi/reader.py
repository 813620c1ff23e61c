"""Read a single XZuFi ``leistung`` document (2.2.0 or 2.3.1) into the model.

Real data is messy; the reader copes and says what it did as findings
(codes ``XZ-N0xx``, documented in ``docs/xzufi.md``): language codes like
``de-DE`` become ``de``, text contents holding only ``<br>``/whitespace are
dropped, a ``struktur`` without ``xsi:type`` gets its Leistungstyp from its
children, German dates are read, and every element the model does not know is
kept verbatim (:class:`~xzufi_toolkit.model.Extra`) and written back.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Callable, Generator
from copy import deepcopy
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Literal

from lxml import etree

from xzufi_toolkit.errors import InputError, MalformedXmlError
from xzufi_toolkit.findings import Finding, Location, Severity
from xzufi_toolkit.htmltext import is_blank_html
from xzufi_toolkit.io import xmlsafe
from xzufi_toolkit.model import (
    Category,
    CategoryClass,
    Code,
    Cost,
    CostModule,
    Duration,
    DurationModule,
    Extra,
    Identifier,
    IndividualTextModule,
    LanguageVersion,
    Leistung,
    Lexical,
    LexicalForm,
    LexicalKind,
    Link,
    LocalizedText,
    ModuleBase,
    OriginPortal,
    ReleaseModule,
    Structure,
    StructureKind,
    Term,
    TermModule,
    TextModule,
    Validity,
    VersionInfo,
    normalize_language,
)
from xzufi_toolkit.xzufi.versions import (
    ID_ATTRIBUTES,
    STRUCTURE_TYPES,
    VERSION_INFO,
    XSI,
    VersionSpec,
    spec_for,
    version_from_namespace,
)

__all__ = [
    "Detected",
    "ReadResult",
    "bytes_stream",
    "compact_xml",
    "detect",
    "leistung_from_element",
    "leistung_from_tree",
    "read_leistung",
]

_STRUCT_KINDS: dict[str, StructureKind] = {t: k for k, t in STRUCTURE_TYPES.items()}
_GERMAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


#: Attributes the model holds (on the elements that have them); any other attribute
#: of a known element is kept as read in :class:`~xzufi_toolkit.model.Lexical`.
_MODEL_ATTRIBUTES = frozenset(
    {"languageCode", "listURI", "listVersionID", "currencyCode", f"{{{XSI}}}type"}
    | {a for a, _ in ID_ATTRIBUTES}
)


def _canonical(kind: LexicalKind, value: object) -> str:
    """The text the writer gives the model's value (where it differs from what was
    read, the reader keeps what was read)."""
    if kind == "bool":
        return "true" if value else "false"
    if kind == "decimal":
        assert isinstance(value, Decimal)
        return format(value, "f")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


_QNAME_PREFIX = re.compile(r"^\s*([A-Za-z_][\w.-]*):[A-Za-z_]")


def compact_xml(el: etree._Element) -> bytes:
    """An element serialized stably on its own (what the toolkit keeps verbatim):
    no layout whitespace (the writer re-indents) and no namespace declarations
    it does not use, so that read → write → read keeps it byte for byte. Prefixes used inside values
    (``xsi:type="xzufi:…"``) stay declared."""
    copy = deepcopy(el)
    copy.tail = None
    keep: set[str] = set()
    for node in copy.iter():
        if len(node) and node.text is not None and not node.text.strip():
            node.text = None
        if node is not copy and node.tail is not None and not node.tail.strip():
            node.tail = None
        for value in [*node.attrib.values(), node.text or ""]:
            m = _QNAME_PREFIX.match(value)
            if m:
                keep.add(m.group(1))
    etree.cleanup_namespaces(copy, keep_ns_prefixes=sorted(keep))
    return etree.tostring(copy)


class _Unreadable(Exception):
    """A value the model cannot hold; the element is kept verbatim instead."""


class _Blank(_Unreadable):
    """A text holding no text (only ``<br>``/whitespace): kept verbatim, already noted."""


@dataclass(slots=True)
class ReadResult:
    """A Leistung read from XML, its version and what the reader normalised."""

    leistung: Leistung
    version: str
    findings: list[Finding] = field(default_factory=list)


def _written(raw: str | None, lang: str | None) -> str | None:
    """The language code as written, where it differs from the model's normalised one."""
    return raw if raw is not None and raw != lang else None


def local(el: etree._Element) -> str:
    return etree.QName(el).localname


def _ns(el: etree._Element) -> str | None:
    return etree.QName(el).namespace


class _Positions:
    """Position of an element among its same-named siblings, counted once per parent:
    counting on every finding made 20,000 unknown siblings take minutes."""

    def __init__(self) -> None:
        self._of: dict[etree._Element, dict[etree._Element, tuple[int, int]]] = {}

    def __call__(self, parent: etree._Element, el: etree._Element) -> tuple[int, int]:
        """(1-based position, number of siblings with the same tag)."""
        table = self._of.get(parent)
        if table is None:
            same: dict[str, list[etree._Element]] = {}
            for c in parent:
                if isinstance(c.tag, str):
                    same.setdefault(c.tag, []).append(c)
            table = self._of[parent] = {
                c: (i, len(group)) for group in same.values() for i, c in enumerate(group, 1)
            }
        return table[el]


def _xpath(el: etree._Element, positions: _Positions | None = None) -> str:
    pos = positions or _Positions()
    parts: list[str] = []
    node: etree._Element | None = el
    while node is not None:
        name = local(node)
        parent = node.getparent()
        if parent is not None:
            index, count = pos(parent, node)
            if count > 1:
                name += f"[{index}]"
        parts.append(name)
        node = parent
    return "/" + "/".join(reversed(parts))


class _Reader:
    """One document's (or one transfer entry's) reading state."""

    def __init__(self, spec: VersionSpec, file: str | None) -> None:
        self.spec = spec
        self.ns = spec.ns
        self.file = file
        self.findings: list[Finding] = []
        self._languages_seen: set[str] = set()
        self._qualified_codes_seen = False
        self._positions = _Positions()
        #: the element read as the Leistung: lexical paths are relative to it
        self.root: etree._Element | None = None
        self.forms: dict[str, LexicalForm] = {}

    # -- findings ---------------------------------------------------------

    def note(
        self, code: str, severity: Severity, el: etree._Element, message: str, message_de: str
    ) -> None:
        self.findings.append(
            Finding(
                code=code,
                severity=severity,
                message=message,
                message_de=message_de,
                location=Location(
                    file=self.file,
                    line=xmlsafe.source_line(el),
                    xpath=_xpath(el, self._positions),
                ),
            )
        )

    # -- lexical forms (a same-version writer gives back what was read) ----

    def path_key(self, el: etree._Element) -> str | None:
        """``{ns}tag[n]/…`` from below :attr:`root` to ``el`` (None: not below it)."""
        steps: list[str] = []
        node: etree._Element | None = el
        while node is not None and node is not self.root:
            parent = node.getparent()
            if parent is None:
                return None
            steps.append(f"{node.tag}[{self._positions(parent, node)[0]}]")
            node = parent
        return "/".join(reversed(steps))

    def lexical(self, el: etree._Element, **changes: object) -> None:
        """Note how ``el`` was written where the model's view differs."""
        key = self.path_key(el)
        if key is None:
            return
        form = self.forms.get(key, LexicalForm())
        self.forms[key] = replace(form, **changes)  # type: ignore[arg-type]

    def lexical_text(self, el: etree._Element, kind: LexicalKind, value: object) -> None:
        raw = el.text or ""
        if raw != _canonical(kind, value):
            self.lexical(el, text=raw, kind=kind)

    def unknown_attributes(self, el: etree._Element) -> None:
        extra = tuple((k, v) for k, v in el.attrib.items() if k not in _MODEL_ATTRIBUTES)
        if extra:
            self.lexical(el, attributes=extra)

    # -- generic walking --------------------------------------------------

    def children(
        self, el: etree._Element, owner_extras: list[Extra], known: set[str]
    ) -> Generator[tuple[str, etree._Element], None, None]:
        """Known child elements (by local name); the others go to ``owner_extras``."""
        last_known: str | None = None
        seen: dict[str, int] = {}  # known names read so far: which one a kept element follows
        for child in el:
            if not isinstance(child.tag, str):
                continue  # comments and processing instructions are not kept
            name = local(child)
            nth = seen.get(last_known) if last_known is not None else None
            if _ns(child) == self.ns and name in known:
                if child.attrib:
                    self.unknown_attributes(child)
                try:
                    yield name, child
                except _Blank:
                    self.keep(child, owner_extras, last_known, nth, unreadable=None)
                except _Unreadable:
                    # the handler could not read it (walk() threw it back in here):
                    # kept verbatim in its place, reading goes on with the next child
                    self.keep(child, owner_extras, last_known, nth, unreadable=True)
                else:
                    last_known = name
                    seen[name] = seen.get(name, 0) + 1
            else:
                self.keep(child, owner_extras, last_known, nth, unreadable=False)

    def keep(
        self,
        child: etree._Element,
        owner_extras: list[Extra],
        after: str | None,
        nth: int | None,
        *,
        unreadable: bool | None,
    ) -> None:
        """Keep ``child`` verbatim; ``unreadable`` None: already noted, say nothing."""
        owner_extras.append(Extra(after=after, xml=compact_xml(child), nth=nth))
        name = local(child)
        if unreadable is None:
            return
        if unreadable:
            self.note(
                "XZ-N006",
                Severity.WARNING,
                child,
                f"value of <{name}> is not readable; the element is kept verbatim",
                f"Wert von <{name}> nicht lesbar; das Element wird unverändert übernommen",
            )
        else:
            self.note(
                "XZ-N005",
                Severity.INFO,
                child,
                f"element <{name}> is not part of the model; kept verbatim",
                f"Element <{name}> gehört nicht zum Modell; unverändert übernommen",
            )

    def walk(
        self,
        el: etree._Element,
        extras: list[Extra],
        handlers: dict[str, Callable[[etree._Element], None]],
    ) -> None:
        gen = self.children(el, extras, set(handlers))
        item = next(gen, None)
        while item is not None:
            name, child = item
            try:
                handlers[name](child)
            except _Unreadable as exc:
                try:
                    item = gen.throw(exc)
                except StopIteration:
                    item = None
                continue
            item = next(gen, None)

    # -- leaf values -------------------------------------------------------

    def text(self, el: etree._Element) -> str:
        return el.text or ""

    def token(self, el: etree._Element) -> str:
        value = self._token(el)
        self.lexical_text(el, "token", value)
        return value

    def _token(self, el: etree._Element) -> str:
        raw = el.text or ""
        value = " ".join(raw.split())
        if value != raw:
            self.note(
                "XZ-N010",
                Severity.INFO,
                el,
                f"whitespace around the value of <{local(el)}> removed",
                f"Leerraum um den Wert von <{local(el)}> entfernt",
            )
        if not value:
            raise _Unreadable
        return value

    def integer(self, el: etree._Element) -> int:
        try:
            number = int(self._token(el))
        except ValueError:
            raise _Unreadable from None
        self.lexical_text(el, "int", number)  # leading zeros, "+1" come back as written
        return number

    def boolean(self, el: etree._Element) -> bool:
        value = self._token(el)
        if value in ("true", "1"):
            result = True
        elif value in ("false", "0"):
            result = False
        else:
            raise _Unreadable
        self.lexical_text(el, "bool", result)  # 1/0 come back as 1/0
        return result

    def decimal(self, el: etree._Element) -> Decimal:
        try:
            value = Decimal(self._token(el))
        except InvalidOperation:
            raise _Unreadable from None
        if not value.is_finite():
            raise _Unreadable
        self.lexical_text(el, "decimal", value)
        return value

    def date(self, el: etree._Element) -> datetime.date:
        value = self._token(el)
        try:
            d = datetime.date.fromisoformat(value)
        except ValueError:
            pass
        else:
            self.lexical_text(el, "date", d)
            return d
        m = _GERMAN_DATE.fullmatch(value)
        if m:
            try:
                d = datetime.date(int(m[3]), int(m[2]), int(m[1]))
            except ValueError:
                raise _Unreadable from None
            self.note(
                "XZ-N007",
                Severity.INFO,
                el,
                f"date in German notation in <{local(el)}> read as {d.isoformat()}",
                f"Datum in deutscher Schreibweise in <{local(el)}> als {d.isoformat()} gelesen",
            )
            self.lexical_text(el, "date", d)
            return d
        raise _Unreadable

    def date_or_text(self, el: etree._Element) -> datetime.date | str:
        value = self._token(el)
        try:
            d = datetime.date.fromisoformat(value)
        except ValueError:
            self.lexical_text(el, "token", value)
            return value
        self.lexical_text(el, "date", d)
        return d

    def language(self, el: etree._Element, raw: str | None) -> str:
        """The normalised language (the model's view); see :meth:`written`."""
        if raw is None or not raw.strip():
            raise _Unreadable
        lang = normalize_language(raw)
        if lang != raw and raw not in self._languages_seen:
            self._languages_seen.add(raw)
            self.note(
                "XZ-N001",
                Severity.INFO,
                el,
                f"language code {raw!r} normalised to {lang!r}",
                f"Sprachcode {raw!r} zu {lang!r} vereinheitlicht",
            )
        return lang

    def localized(self, el: etree._Element, *, html: bool = False) -> LocalizedText:
        raw = el.get("languageCode")
        lang = self.language(el, raw)
        value = el.text or ""
        if html and is_blank_html(value):
            self.note(
                "XZ-N002",
                Severity.WARNING,
                el,
                f"<{local(el)}> ({lang}) holds no text (only markup such as <br> or whitespace);"
                " left out of the model, written back as it is",
                f"<{local(el)}> ({lang}) enthält keinen Text (nur Markup wie <br> oder Leerraum);"
                " nicht ins Modell übernommen, unverändert zurückgeschrieben",
            )
            raise _Blank
        return LocalizedText(language=lang, text=value, language_written=_written(raw, lang))

    def add_localized(
        self, target: list[LocalizedText], *, html: bool = False
    ) -> Callable[[etree._Element], None]:
        def handler(el: etree._Element) -> None:
            target.append(self.localized(el, html=html))

        return handler

    def code(self, el: etree._Element) -> Code:
        result = Code(code="", list_uri=el.get("listURI"), list_version_id=el.get("listVersionID"))
        found = False
        qualified: list[tuple[str, str | None]] = []
        for child in el:
            if not isinstance(child.tag, str):
                continue
            qn = etree.QName(child)
            if qn.namespace is not None:
                if qn.namespace != self.ns or qn.localname not in ("code", "name"):
                    raise _Unreadable
                self.qualified_code_child(child)
                qualified.append((qn.localname, qn.namespace))
            if child.attrib:  # the model holds none of a code child's attributes
                self.lexical(child, attributes=tuple((str(k), str(v)) for k, v in child.items()))
            if qn.localname == "code":
                result.code = self.token(child)
                found = True
            elif qn.localname == "name":
                result.name = child.text or ""
            else:
                raise _Unreadable
        if not found:
            raise _Unreadable
        if qualified:
            self.lexical(el, child_ns=tuple(qualified))
        return result

    def qualified_code_child(self, child: etree._Element) -> None:
        """``code``/``name`` are unqualified in XÖV; a default namespace qualifies them."""
        if not self._qualified_codes_seen:
            self._qualified_codes_seen = True
            self.note(
                "XZ-N011",
                Severity.INFO,
                child,
                f"<{local(child)}> of a code is in the XZuFi namespace (it should have none);"
                " read as usual",
                f"<{local(child)}> eines Codes steht im XZuFi-Namensraum (sollte keinen haben);"
                " wie üblich gelesen",
            )

    def identifier(self, el: etree._Element) -> Identifier:
        if len(el):
            raise _Unreadable
        ident = Identifier(value=self.token(el))
        for attr, name in ID_ATTRIBUTES:
            value = el.get(attr)
            if value is not None:
                setattr(ident, name, value)
        return ident

    def link(self, el: etree._Element) -> Link:
        extras: list[Extra] = []
        values: dict[str, str] = {}
        position: list[int] = []
        attr_lang = el.get("languageCode")  # real files: an attribute (xzufi-real-data.md)
        if attr_lang is not None:
            values["lang"] = self.language(el, attr_lang)
            values["raw"] = attr_lang

        def set_lang(c: etree._Element) -> None:
            if attr_lang is not None:
                raise _Unreadable  # both shapes at once: keep the link verbatim
            values["lang"] = self.language(c, c.text)
            values["raw"] = c.text or ""

        def put(key: str) -> Callable[[etree._Element], None]:
            def handler(child: etree._Element) -> None:
                values[key] = self.text(child)

            return handler

        def set_uri(child: etree._Element) -> None:
            values["uri"] = self.text(child)
            self.lexical_text(child, "token", values["uri"].strip())

        self.walk(
            el,
            extras,
            {
                "languageCode": set_lang,
                "uri": set_uri,
                "titel": put("titel"),
                "beschreibung": put("beschreibung"),
                "positionDarstellung": lambda c: position.append(self.integer(c)),
            },
        )
        if extras or "uri" not in values:
            raise _Unreadable  # links have no extras slot: keep the whole link verbatim
        lang = values.get("lang")
        return Link(
            uri=values["uri"].strip(),
            language=lang,
            language_written=_written(values.get("raw"), lang),
            language_attribute=attr_lang is not None,
            title=values.get("titel"),
            description=values.get("beschreibung"),
            position=position[0] if position else None,
        )

    def validity(self, el: etree._Element) -> Validity:
        v = Validity()
        extras: list[Extra] = []
        self.walk(
            el,
            extras,
            {
                "beginn": lambda c: setattr(v, "begin", self.token(c)),
                "ende": lambda c: setattr(v, "end", self.token(c)),
                "zusatz": self.add_localized(v.notes),
            },
        )
        if extras:
            raise _Unreadable
        return v

    # -- modules ----------------------------------------------------------

    def module_base(self, module: ModuleBase) -> dict[str, Callable[[etree._Element], None]]:
        def set_id(c: etree._Element) -> None:
            module.id = self.identifier(c)

        def set_channel(c: etree._Element) -> None:
            module.access_channel = self.code(c)

        def set_position(c: etree._Element) -> None:
            module.position = self.integer(c)

        handlers: dict[str, Callable[[etree._Element], None]] = {
            "positionDarstellung": set_position,
            "id": set_id,
            "idSekundaer": lambda c: module.secondary_ids.append(self.identifier(c)),
            "gueltigkeit": lambda c: module.validity.append(self.validity(c)),
        }
        if self.spec.multi_modules:
            handlers["zugangskanal"] = set_channel
        return handlers

    def text_module(self, el: etree._Element) -> TextModule:
        module = TextModule(code=Code(code=""))

        def set_code(c: etree._Element) -> None:
            module.code = self.code(c)

        handlers = self.module_base(module) | {
            "leikaTextmodul": set_code,
            "leikaTextmodulAbweichendeBezeichnung": self.add_localized(module.alt_titles),
            "inhalt": self.add_localized(module.contents, html=True),
            "weiterfuehrenderLink": lambda c: module.links.append(self.link(c)),
        }
        self.walk(el, module.extras, handlers)
        if not module.code.code:
            raise _Unreadable
        return module

    def individual_module(self, el: etree._Element) -> IndividualTextModule:
        module = IndividualTextModule(type=Code(code=""))

        def set_type(c: etree._Element) -> None:
            module.type = self.code(c)

        handlers = self.module_base(module) | {
            "individuellesTextmodultyp": set_type,
            "inhalt": self.add_localized(module.contents, html=True),
            "weiterfuehrenderLink": lambda c: module.links.append(self.link(c)),
        }
        self.walk(el, module.extras, handlers)
        if not module.type.code:
            raise _Unreadable
        return module

    def duration(self, el: etree._Element, *, typed: bool) -> Duration:
        d = Duration()

        def stichtag(c: etree._Element) -> None:
            inner: list[Extra] = []
            dates: dict[str, datetime.date | str] = {}
            self.walk(
                c,
                inner,
                {
                    "von": lambda x: dates.__setitem__("von", self.date_or_text(x)),
                    "bis": lambda x: dates.__setitem__("bis", self.date_or_text(x)),
                },
            )
            if inner:
                raise _Unreadable
            d.date_from, d.date_to = dates.get("von"), dates.get("bis")

        def set_type(c: etree._Element) -> None:
            d.type = self.code(c)

        handlers: dict[str, Callable[[etree._Element], None]] = {
            "dauer": lambda c: setattr(d, "value", self.integer(c)),
            "einheit": lambda c: setattr(d, "unit", self.token(c)),
            "dauerBis": lambda c: setattr(d, "value_to", self.integer(c)),
            "einheitBis": lambda c: setattr(d, "unit_to", self.token(c)),
            "stichtag": stichtag,
            "beschreibung": self.add_localized(d.description, html=typed),
            "positionDarstellung": lambda c: setattr(d, "position", self.integer(c)),
            "gueltigkeit": lambda c: d.validity.append(self.validity(c)),
        }
        if typed:
            handlers["typ"] = set_type
        self.walk(el, d.extras, handlers)
        return d

    def duration_module(self, el: etree._Element, item_name: str) -> DurationModule:
        module = DurationModule()
        typed = item_name == "frist"
        handlers = self.module_base(module) | {
            item_name: lambda c: module.items.append(self.duration(c, typed=typed)),
            "beschreibung": self.add_localized(module.description, html=True),
            "weiterfuehrenderLink": lambda c: module.links.append(self.link(c)),
        }
        self.walk(el, module.extras, handlers)
        return module

    def amount(self, el: etree._Element) -> tuple[Decimal, str]:
        raw_currency = el.get("currencyCode") or ""
        currency = raw_currency.strip()
        if not currency:
            raise _Unreadable
        if currency != raw_currency:
            self.lexical(el, attributes=(("currencyCode", raw_currency),))
        return self.decimal(el), currency

    def cost(self, el: etree._Element) -> Cost:
        cost = Cost()

        # Each choice is read completely before it touches ``cost``: an unreadable
        # one is kept verbatim and must leave no half-filled fields behind.
        def fix(c: etree._Element) -> None:
            amount, currency = self.amount(c)
            cost.kind, cost.amount, cost.currency = "fix", amount, currency

        def frei(c: etree._Element) -> None:
            inner: list[Extra] = []
            texts: list[LocalizedText] = []
            self.walk(c, inner, {"beschreibungKostenfreiheit": self.add_localized(texts)})
            if inner:
                raise _Unreadable
            cost.kind, cost.free_description = "frei", texts

        def variabel(c: etree._Element) -> None:
            inner: list[Extra] = []
            bounds: dict[str, tuple[Decimal, str]] = {}
            texts: list[LocalizedText] = []
            self.walk(
                c,
                inner,
                {
                    "betragUntergrenze": lambda x: bounds.__setitem__("lower", self.amount(x)),
                    "betragObergrenze": lambda x: bounds.__setitem__("upper", self.amount(x)),
                    "beschreibungVariabilitaet": self.add_localized(texts),
                },
            )
            if inner:
                raise _Unreadable
            cost.kind, cost.variable_description = "variabel", texts
            if "lower" in bounds:
                cost.lower, cost.lower_currency = bounds["lower"]
            if "upper" in bounds:
                cost.upper, cost.upper_currency = bounds["upper"]

        def set_type(c: etree._Element) -> None:
            cost.type = self.code(c)

        def cost_link(c: etree._Element) -> None:
            if len(c):
                cost.cost_links.append(self.link(c))
            else:
                cost.cost_links.append(Link(uri=self.token(c)))

        self.walk(
            el,
            cost.extras,
            {
                "typ": set_type,
                "betrag": fix,
                "frei": frei,
                "variabel": variabel,
                "beschreibung": self.add_localized(cost.description, html=True),
                "vorkasse": lambda c: setattr(cost, "prepayment", self.boolean(c)),
                "linkKostenbildung": cost_link,
                "positionDarstellung": lambda c: setattr(cost, "position", self.integer(c)),
                "gueltigkeit": lambda c: cost.validity.append(self.validity(c)),
            },
        )
        return cost

    def cost_module(self, el: etree._Element) -> CostModule:
        module = CostModule()
        handlers = self.module_base(module) | {
            "kosten": lambda c: module.costs.append(self.cost(c)),
            "beschreibung": self.add_localized(module.description, html=True),
            "weiterfuehrenderLink": lambda c: module.links.append(self.link(c)),
        }
        self.walk(el, module.extras, handlers)
        return module

    def term(self, el: etree._Element) -> Term:
        found: list[LocalizedText] = []
        t = Term(term=LocalizedText(language="", text=""))

        def set_type(c: etree._Element) -> None:
            t.type = self.code(c)

        self.walk(el, t.extras, {"begriff": self.add_localized(found), "typ": set_type})
        if not found:
            raise _Unreadable
        t.term = found[0]
        return t

    def term_module(self, el: etree._Element) -> TermModule:
        module = TermModule()
        handlers = self.module_base(module) | {
            "begriffImKontext": lambda c: module.terms.append(self.term(c)),
        }
        self.walk(el, module.extras, handlers)
        return module

    def release_module(self, el: etree._Element) -> ReleaseModule:
        module = ReleaseModule()
        handlers = self.module_base(module) | {
            "fachlichFreigegebenAm": lambda c: setattr(module, "date", self.date(c)),
            "fachlichFreigegebenDurch": self.add_localized(module.by),
        }
        self.walk(el, module.extras, handlers)
        return module

    def origin_portal(self, el: etree._Element) -> OriginPortal:
        module = OriginPortal(language="", uri="")
        attr_lang = el.get("languageCode")  # real files: an attribute (xzufi-real-data.md)
        if attr_lang is not None:
            module.language = self.language(el, attr_lang)
            module.language_written = _written(attr_lang, module.language)
            module.language_attribute = True

        def set_language(c: etree._Element) -> None:
            if attr_lang is not None:
                raise _Unreadable  # both shapes at once: the element stays verbatim
            module.language = self.language(c, c.text)
            module.language_written = _written(c.text, module.language)

        handlers = self.module_base(module) | {
            "languageCode": set_language,
            "uri": lambda c: setattr(module, "uri", self.token(c)),
            "titel": lambda c: setattr(module, "title", self.text(c)),
        }
        self.walk(el, module.extras, handlers)
        if not module.uri or not module.language:
            raise _Unreadable
        return module

    # -- structure and Leistung --------------------------------------------

    def structure(self, el: etree._Element) -> Structure:
        xsi_type = el.get(f"{{{XSI}}}type")
        kind: StructureKind | None = None
        if xsi_type is not None:
            kind = _STRUCT_KINDS.get(xsi_type.rsplit(":", 1)[-1].strip())
            if kind is None:
                raise _Unreadable
        s = Structure(kind=kind or "lo")

        def set_grouping(c: etree._Element) -> None:
            s.grouping = self.code(c)

        def set_object(c: etree._Element) -> None:
            s.object_id = self.identifier(c)

        def set_action(c: etree._Element) -> None:
            # both shapes (xzufi-real-data.md): real 2.2.0 files wrap the code element
            # verrichtungLeiKa in verrichtung; the API model has verrichtung/code
            if local(c) == "verrichtungLeiKa":
                s.action, s.action_form = self.code(c), "leika"
                return
            kids = [k for k in c if isinstance(k.tag, str)]
            if len(kids) == 1 and _ns(kids[0]) == self.ns and local(kids[0]) == "verrichtungLeiKa":
                if c.attrib:
                    raise _Unreadable  # the wrapper has no attributes in the model
                if kids[0].attrib:
                    self.unknown_attributes(kids[0])
                s.action, s.action_form = self.code(kids[0]), "wrapped"
            else:
                s.action, s.action_form = self.code(c), "code"

        self.walk(
            el,
            s.extras,
            {
                self.spec.grouping: set_grouping,
                "leistungsobjektID": set_object,
                "verrichtung": set_action,
                "verrichtungLeiKa": set_action,
                "verrichtungsdetail": self.add_localized(s.action_details),
            },
        )
        if kind is None:
            s.kind = "lovd" if s.action_details else "lov" if s.action or s.object_id else "lo"
            self.note(
                "XZ-N003",
                Severity.INFO,
                el,
                f"<struktur> has no xsi:type; Leistungstyp {s.kind!r} inferred from its children",
                f"<struktur> ohne xsi:type; Leistungstyp {s.kind!r} aus dem Inhalt abgeleitet",
            )
        return s

    def leistung(self, el: etree._Element) -> Leistung:
        spec = self.spec
        item = Leistung(id=Identifier(value=""))
        id_found: list[Identifier] = []

        def set_structure(c: etree._Element) -> None:
            item.structure = self.structure(c)

        def leika_key(c: etree._Element) -> None:
            if spec.leika_key == "referenzLeiKa":
                code = self.code(c)
                attrs = {
                    k: v
                    for k, v in (
                        ("listURI", code.list_uri),
                        ("listVersionID", code.list_version_id),
                        ("name", code.name),
                    )
                    if v is not None
                }
                item.leika_keys.append(code.code)
            else:
                ident = self.identifier(c)
                attrs = {a: c.get(a) or "" for a, _ in ID_ATTRIBUTES if c.get(a) is not None}
                item.leika_keys.append(ident.value)
            item.leika_key_attrs.append(attrs)

        def setter(
            name: str, read: Callable[[etree._Element], object]
        ) -> Callable[[etree._Element], None]:
            return lambda c: setattr(item, name, read(c))

        handlers: dict[str, Callable[[etree._Element], None]] = {
            "id": lambda c: id_found.append(self.identifier(c)),
            "idSekundaer": lambda c: item.secondary_ids.append(self.identifier(c)),
            "struktur": set_structure,
            spec.leika_key: leika_key,
            "leistungsadressat": lambda c: item.leistungsadressat.append(self.code(c)),
            "modulText": lambda c: item.text_modules.append(self.text_module(c)),
            "modulTextIndividuell": lambda c: item.individual_text_modules.append(
                self.individual_module(c)
            ),
            "modulFrist": lambda c: item.deadline_modules.append(self.duration_module(c, "frist")),
            "modulKosten": lambda c: item.cost_modules.append(self.cost_module(c)),
            "modulBearbeitungsdauer": lambda c: item.processing_time_modules.append(
                self.duration_module(c, "bearbeitungsdauer")
            ),
            "modulBegriffImKontext": lambda c: item.term_modules.append(self.term_module(c)),
            "modulFachlicheFreigabe": lambda c: item.release_modules.append(self.release_module(c)),
            "modulUrsprungsportal": lambda c: item.origin_portals.append(self.origin_portal(c)),
            "typisierung": lambda c: item.typisierung.append(self.code(c)),
            "vertrauensniveau": setter("vertrauensniveau", self.code),
            spec.written_form: setter("written_form_required", self.boolean),
            "klassifizierung": lambda c: item.classifications.append(self.code(c)),
            "kategorie": lambda c: item.categories.append(self.category(c)),
            "gueltigkeitGebietID": lambda c: item.validity_area_ids.append(self.identifier(c)),
            "versionsinformation": setter("version_info", self.version_info),
            "sprachversion": lambda c: item.language_versions.append(self.language_version(c)),
            "gueltigkeit": lambda c: item.validity.append(self.validity(c)),
        }
        if spec.multi_modules:
            handlers |= {
                "statusKatalog": setter("status_catalog", self.code),
                "statusBibliothek": setter("status_library", self.code),
                "detailstufe": setter("detail_level", self.code),
                "bezugsortTyp": setter("place_type", self.code),
                "kennzeichenFormularPersoenlich": setter(
                    "personal_attendance_required", self.boolean
                ),
                "kennzeichenFormularFormlos": setter("informal_application", self.boolean),
                "versionsinformationen": setter("version_info", self.version_info),
                "informationsbereicheSDG": lambda c: self.sdg_231(c, item),
                "durchfuehrbarEinheitlicheStelle": lambda c: item.single_point_codes.append(
                    self.code(c)
                ),
            }
        else:
            handlers |= {
                "informationsbereichSDG": lambda c: item.sdg_codes.append(self.code(c)),
                "kennzeichenEA": setter("single_point_of_contact", self.boolean),
            }
        self.walk(el, item.extras, handlers)
        if not id_found:
            raise InputError(
                "<leistung> has no readable <id>",
                file=self.file,
                line=xmlsafe.source_line(el),
                hint="every XZuFi Leistung needs an id",
            )
        item.id = id_found[0]
        item.secondary_ids[:0] = id_found[1:]
        if not any(item.leika_key_attrs):
            item.leika_key_attrs = []  # no attributes at all: nothing to keep in parallel
        return item

    # -- kategorie, versionsinformation, sprachversion (xzufi-real-data.md) --

    def category(self, el: etree._Element) -> Category:
        """A read view of ``kategorie``; the element itself is kept verbatim."""
        cat = Category(xml=compact_xml(el))
        ignored: list[Extra] = []  # the verbatim copy holds everything: nothing to keep twice

        def klasse(c: etree._Element) -> None:
            cls = CategoryClass()

            def set_id(x: etree._Element) -> None:
                cls.id = self.identifier(x)

            self.quiet_walk(
                c, ignored, {"id": set_id, "bezeichnung": self.add_localized(cls.labels)}
            )
            cat.classes.append(cls)

        def set_id(c: etree._Element) -> None:
            cat.id = self.identifier(c)

        def set_parent(c: etree._Element) -> None:
            cat.parent_id = self.identifier(c)

        self.quiet_walk(
            el,
            ignored,
            {
                "klasse": klasse,
                "id": set_id,
                "uebergeordneteKategorieID": set_parent,
                "bezeichnung": self.add_localized(cat.labels),
                "beschreibung": self.add_localized(cat.descriptions),
            },
        )
        return cat

    def quiet_walk(
        self,
        el: etree._Element,
        extras: list[Extra],
        handlers: dict[str, Callable[[etree._Element], None]],
    ) -> None:
        """:meth:`walk` for a read view of an element kept verbatim: no findings."""
        before, seen = len(self.findings), set(self._languages_seen)
        self.walk(el, extras, handlers)
        del self.findings[before:]
        self._languages_seen = seen

    def version_info(self, el: etree._Element) -> VersionInfo:
        name = local(el)
        info = VersionInfo(tag=name if name != VERSION_INFO[self.spec.version] else None)

        def put(name: str) -> Callable[[etree._Element], None]:
            return lambda c: setattr(info, name, self.text(c))

        self.walk(
            el,
            info.extras,
            {
                "erstelltDatumZeit": put("created"),
                "erstelltDurch": put("created_by"),
                "geaendertDatumZeit": put("changed"),
                "geaendertDurch": put("changed_by"),
                "version": put("version"),
            },
        )
        return info

    def language_version(self, el: etree._Element) -> LanguageVersion:
        lv = LanguageVersion(language_code="")

        def put(name: str) -> Callable[[etree._Element], None]:
            return lambda c: setattr(lv, name, self.text(c))

        self.walk(
            el,
            lv.extras,
            {
                "languageCode": put("language_code"),
                "sprachbezeichnungDeutsch": put("name_german"),
                "sprachbezeichnungNativ": put("name_native"),
            },
        )
        if not lv.language_code.strip():
            raise _Unreadable
        return lv

    def sdg_231(self, el: etree._Element, item: Leistung) -> None:
        inner: list[Extra] = []
        sdg1: list[Code] = []
        sdg2: list[Code] = []
        self.walk(
            el,
            inner,
            {
                "informationsbereichSDG1": lambda c: sdg1.append(self.code(c)),
                "informationsbereichSDG2": lambda c: sdg2.append(self.code(c)),
            },
        )
        if inner:
            raise _Unreadable
        item.sdg_codes.extend(sdg1)
        item.sdg2_codes.extend(sdg2)


def leistung_from_element(
    el: etree._Element, version: str, *, file: str | None = None
) -> ReadResult:
    """Read a ``leistung`` element (of a parsed document or a transfer entry)."""
    spec = spec_for(version)
    reader = _Reader(spec, file)
    reader.root = el
    leistung = reader.leistung(el)
    if el.attrib:
        root_attributes = [(str(k), str(v)) for k, v in el.attrib.items()]
        reader.forms[""] = LexicalForm(attributes=tuple(root_attributes))
    leistung.lexical = Lexical(version=spec.version, forms=reader.forms)
    return ReadResult(leistung=leistung, version=spec.version, findings=reader.findings)


def read_leistung(source: bytes | str | Path, *, file: str | None = None) -> ReadResult:
    """Read a single ``leistung`` document: bytes, or a path to a file.

    Raises :class:`~xzufi_toolkit.errors.InputError` (and subclasses) for input
    that is not a readable XZuFi Leistung, naming file and line.
    """
    if isinstance(source, bytes):
        tree = xmlsafe.parse_bytes(source, file=file)
        name = file
    else:
        name = file or str(source)
        tree = xmlsafe.parse_file(source, display=name)
    return leistung_from_tree(tree, file=name)


def leistung_from_tree(tree: etree._ElementTree, *, file: str | None = None) -> ReadResult:
    """Read a parsed single ``leistung`` document, e.g. one that is also validated
    against the schema (one parse serves both); the checks of :func:`read_leistung`."""
    root = tree.getroot()
    line = xmlsafe.source_line(root)
    version = version_from_namespace(_ns(root), file=file, line=line)
    if local(root) != "leistung":
        raise InputError(
            f"root element is <{local(root)}>, not <leistung>",
            file=file,
            line=line,
            hint="read transfer messages with xzufi_toolkit.xzufi.open_transfer",
        )
    return leistung_from_element(root, version, file=file)


_PEEK = 64 * 1024


class _RawBytes(io.RawIOBase):
    """``bytes`` as a raw stream (what :class:`io.BufferedReader` wraps)."""

    def __init__(self, data: bytes) -> None:
        self._data = memoryview(data)
        self._pos = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]  # typeshed declares WriteableBuffer; lxml/io pass a memoryview
        n = min(len(buffer), len(self._data) - self._pos)
        buffer[:n] = self._data[self._pos : self._pos + n]
        self._pos += n
        return n


def bytes_stream(data: bytes) -> io.BufferedReader:
    """``data`` as a peekable binary stream, so :mod:`xmlsafe` can scan the prolog
    for a DOCTYPE before a streamed parse."""
    return io.BufferedReader(_RawBytes(data), buffer_size=_PEEK)


@dataclass(frozen=True, slots=True)
class Detected:
    """What a file is: its XZuFi version and whether a ``leistung`` or a transfer message."""

    version: str
    kind: Literal["leistung", "transfer"]


def detect(source: str | Path | IO[bytes], *, file: str | None = None) -> Detected:
    """Look at the root element only (streamed: big files are not read whole)."""
    name = file or (str(source) if isinstance(source, str | Path) else None)
    events = xmlsafe.iterparse(source, events=("start",), file=name)
    try:
        _, root = next(events)
    except StopIteration:
        raise MalformedXmlError("no root element", file=name, line=1) from None
    finally:
        close = getattr(events, "close", None)  # a generator: stop parsing (closes the file)
        if close is not None:
            close()
    version = version_from_namespace(_ns(root), file=name, line=xmlsafe.source_line(root))
    return Detected(version=version, kind="leistung" if local(root) == "leistung" else "transfer")
