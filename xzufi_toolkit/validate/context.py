"""What a rule sees: one ``leistung`` element with an index of its descendants.

Rules match elements by lower-cased local name, so acronym spellings
(``referenzLeiKa``/``referenzLeika``) and the unqualified ``code``/``name``
children of XÖV code types are found alike in 2.2.0 and 2.3.1. The index is
built in one pass over the subtree (C-speed ``iter``), which is what keeps
fifty rules within a small multiple of the bare parse.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, cast

from lxml import etree

from xzufi_toolkit.findings import Severity
from xzufi_toolkit.htmltext import is_blank_html
from xzufi_toolkit.xzufi.versions import SPECS

__all__ = [
    "NAMESPACES",
    "Ctx",
    "Hit",
    "code_value",
    "is_blank_html",
    "local",
    "text_of",
    "version_of",
]

NAMESPACES = {spec.ns: spec.version for spec in SPECS.values()}  # namespace -> version
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
# the owners of languageCode attributes, in document order: the same elements as
# descendant-or-self::*[@languageCode] in half the time (libxml2 tests no predicate)
_LOCALIZED = etree.XPath("descendant-or-self::*/@languageCode/..")
_EMPTY: list[etree._Element] = []  # shared empty result: callers never mutate it


_LOCAL: dict[object, str] = {}
_LOCAL_MAX = 4096  # hostile input with endless distinct names must not grow the cache


def local(el: etree._Element) -> str:
    """Lower-cased local name of an element ('' for comments and PIs)."""
    tag = el.tag
    name = _LOCAL.get(tag)
    if name is None:
        name = tag.rpartition("}")[2].lower() if isinstance(tag, str) else ""
        if len(_LOCAL) < _LOCAL_MAX:
            _LOCAL[tag] = name
    return name


def version_of(el: etree._Element) -> str | None:
    tag = el.tag
    if not isinstance(tag, str) or not tag.startswith("{"):
        return None
    return NAMESPACES.get(tag[1:].partition("}")[0])


def text_of(el: etree._Element) -> str:
    return (el.text or "").strip()


def code_value(el: etree._Element) -> str:
    """The value of an XÖV code element: its ``code`` child, else its own text."""
    for child in el:
        if local(child) == "code":
            return text_of(child)
    return text_of(el)


@dataclass(frozen=True, slots=True)
class Hit:
    """One rule violation before it becomes a Finding (code and severity come from the registry)."""

    el: etree._Element | None
    message: str
    message_de: str
    severity: Severity | None = None  # None: the rule's default severity


class Ctx:
    """One Leistung under validation.

    Everything rules share is computed once per Leistung and kept in plain
    attributes (no ``cached_property``: its lock cost more than the lookups).
    The index keeps every element proxy alive, so elements are stable dict keys.
    """

    __slots__ = (
        "_blank",
        "_codes",
        "_index",
        "_kids",
        "_localized",
        "_localized_texts",
        "_text_modules",
        "_texts",
        "_typisierung",
        "el",
        "memo",
        "show_values",
        "today",
        "version",
    )

    def __init__(
        self,
        el: etree._Element,
        version: str,
        today: datetime.date,
        show_values: bool = False,
    ) -> None:
        self.el = el
        self.version = version
        self.today = today
        self.show_values = show_values
        self.memo: dict[str, Any] = {}  # per-Leistung results shared by rules (typed where read)
        self._kids: dict[str, dict[etree._Element | None, list[etree._Element]]] = {}
        self._texts: dict[etree._Element, str] = {}
        self._blank: dict[etree._Element, bool] = {}
        self._codes: dict[etree._Element, str] = {}
        self._localized: list[etree._Element] | None = None
        self._localized_texts: list[str] | None = None
        self._text_modules: dict[str, list[etree._Element]] | None = None
        self._typisierung: list[str] | None = None
        # One pass over the subtree: descendants by name.
        index: dict[str, list[etree._Element]] = {}
        known = _LOCAL.get  # inlined local(): this loop runs for every element
        for e in el.iter(tag=etree.Element):
            name = known(e.tag)
            if name is None:
                name = local(e)
            found = index.get(name)
            if found is None:
                index[name] = [e]
            else:
                found.append(e)
        self._index = index

    def all(self, name: str) -> list[etree._Element]:
        """Every descendant (and self) with this lower-cased local name, in document order."""
        return self._index.get(name, _EMPTY)

    def kids(self, name: str, parent: etree._Element | None = None) -> list[etree._Element]:
        """Direct children of ``parent`` (default: the Leistung) with this local name.

        Built per name from the index (one ``getparent`` per element of that
        name, in document order), not per parent: no child is looked at twice.
        """
        by_parent = self._kids.get(name)
        if by_parent is None:
            by_parent = self._kids[name] = {}
            for e in self._index.get(name, _EMPTY):
                p = e.getparent()
                found = by_parent.get(p)
                if found is None:
                    by_parent[p] = [e]
                else:
                    found.append(e)
        return by_parent.get(self.el if parent is None else parent, _EMPTY)

    def kid(self, name: str, parent: etree._Element | None = None) -> etree._Element | None:
        found = self.kids(name, parent)
        return found[0] if found else None

    def code(self, el: etree._Element) -> str:
        """:func:`code_value` of ``el``, once per element."""
        value = self._codes.get(el)
        if value is None:
            found = self.kids("code", el)
            value = self._codes[el] = text_of(found[0] if found else el)
        return value

    @property
    def text_modules(self) -> dict[str, list[etree._Element]]:
        """``modulText`` elements by their ``leikaTextmodul`` code."""
        out = self._text_modules
        if out is None:
            out = self._text_modules = {}
            for m in self.all("modultext"):
                code_el = self.kid("leikatextmodul", m)
                out.setdefault(self.code(code_el) if code_el is not None else "", []).append(m)
        return out

    @property
    def localized(self) -> list[etree._Element]:
        """Elements with a ``languageCode`` attribute (StringLocalized and HTML texts)."""
        out = self._localized
        if out is None:
            out = self._localized = cast("list[etree._Element]", _LOCALIZED(self.el))
        return out

    def localized_texts(self) -> list[str]:
        """``text`` of each :attr:`localized` element (same order), decoded once."""
        out = self._localized_texts
        if out is None:
            out = self._localized_texts = [e.text or "" for e in self.localized]
            self._texts.update(zip(self.localized, out, strict=True))
        return out

    def text(self, el: etree._Element) -> str:
        """``el.text`` decoded once per Leistung (text modules are read by several rules)."""
        value = self._texts.get(el)
        if value is None:
            value = self._texts[el] = el.text or ""
        return value

    def blank(self, el: etree._Element) -> bool:
        """Whether ``el``'s HTML text is empty (only markup or whitespace), once per element."""
        value = self._blank.get(el)
        if value is None:
            value = self._blank[el] = is_blank_html(self.text(el))
        return value

    @property
    def typisierung(self) -> list[str]:
        out = self._typisierung
        if out is None:
            out = self._typisierung = [self.code(e) for e in self.kids("typisierung")]
        return out

    def hit(
        self, el: etree._Element | None, en: str, de: str, severity: Severity | None = None
    ) -> Hit:
        return Hit(el, en, de, severity)

    def value(self, v: str) -> str:
        """A document value for a message: shown only with ``--show-values``."""
        return f" ({v!r})" if self.show_values else ""
