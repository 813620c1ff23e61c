"""The citizen page: one self-contained, accessible HTML page of a Leistung.

What a portal shows, in the portal's order: the name, the teaser, the text
modules, costs, processing time and deadlines (structured values first, their
text after), the legal basis and the contact modules, and a footer with the
catalogue data. The page loads nothing: the CSS is inline, there is no script,
no image, no web font, and a Content-Security-Policy says so to the browser.
Module HTML comes from the data and is sanitised with nh3 against an
allow-list; every other value is escaped.
"""

from __future__ import annotations

import datetime
import html
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from importlib.resources import files
from urllib.parse import urlsplit

from xzufi_toolkit.errors import UsageError
from xzufi_toolkit.model import (
    Cost,
    Duration,
    DurationModule,
    Leistung,
    Link,
    LocalizedText,
    normalize_language,
    unit_name,
)

__all__ = ["LANGUAGES", "render_page", "sanitize_html"]

LANGUAGES = ("de", "en")

# --------------------------------------------------------------- sanitising

_TAGS = frozenset(
    {"p", "br", "ul", "ol", "li", "strong", "b", "em", "i", "u", "a", "dl", "dt", "dd"}
    | {"table", "thead", "tbody", "tr", "th", "td", "caption", "abbr", "sub", "sup", "span"}
)
_ATTRIBUTES = {"a": {"href", "title", "hreflang"}, "abbr": {"title"}, "*": {"lang"}}
_SCHEMES = frozenset({"https", "http", "mailto", "tel"})
_HEADING_OPEN = re.compile(r"<h[1-6](\s[^>]*)?>", re.I)
_HEADING_CLOSE = re.compile(r"</h[1-6]\s*>", re.I)
_TAG = re.compile(r"<[^>]*>")
_LANG_TAG = re.compile(r"[a-z]{2,8}")


def sanitize_html(fragment: str) -> str:
    """Module HTML reduced to an allow-list: text markup, lists, tables, safe links.

    Headings inside a module become bold paragraphs, so the page's heading
    order (h1 → h2 → h3) stays intact; scripts, styles, images, forms and event
    attributes are removed with their content where they have any.
    """
    import nh3

    fragment = _HEADING_OPEN.sub("<p><strong>", fragment)
    fragment = _HEADING_CLOSE.sub("</strong></p>", fragment)
    return str(
        nh3.clean(
            fragment,
            tags=set(_TAGS),
            clean_content_tags={"script", "style", "template", "iframe", "object", "noscript"},
            attributes={k: set(v) for k, v in _ATTRIBUTES.items()},
            url_schemes=set(_SCHEMES),
            link_rel="noopener noreferrer nofollow",
            strip_comments=True,
        )
    )


def _plain(fragment: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


# ------------------------------------------------------------------ labels

_LABELS: dict[str, dict[str, str]] = {
    "de": {
        "skip": "Zum Inhalt springen",
        "banner": "Leistungsbeschreibung",
        "toc": "Inhalt",
        "06": "Beschreibung",
        "08": "Erforderliche Unterlagen",
        "09": "Voraussetzungen",
        "costs": "Kosten",
        "11": "Verfahrensablauf",
        "times": "Bearbeitungsdauer",
        "deadlines": "Fristen",
        "14": "Formulare",
        "15": "Weiterführende Informationen",
        "16": "Hinweise",
        "07": "Rechtsgrundlage(n)",
        "25": "Rechtsbehelf",
        "05": "Kurz gefasst",
        "contact": "Kontakt",
        "23": "Ansprechpunkt",
        "22": "Zuständige Stelle",
        "18": "Urheber",
        "amount": "Betrag",
        "what": "Beschreibung",
        "free": "kostenfrei",
        "to": "bis",
        "meta": "Angaben zur Leistung",
        "key": "Leistungsschlüssel",
        "typisierung": "Typisierung",
        "editor": "Quellredaktion",
        "released": "Fachlich freigegeben",
        "on": "am",
        "by": "durch",
        "online": "Online-Verfahren möglich",
        "yes": "ja",
        "no": "nein",
        "other_lang": "Dieser Abschnitt liegt nur in einer anderen Sprache vor.",
    },
    "en": {
        "skip": "Skip to content",
        "banner": "Service description",
        "toc": "Contents",
        "06": "Description",
        "08": "Required documents",
        "09": "Requirements",
        "costs": "Costs",
        "11": "Procedure",
        "times": "Processing time",
        "deadlines": "Deadlines",
        "14": "Forms",
        "15": "Further information",
        "16": "Notes",
        "07": "Legal basis",
        "25": "Legal remedy",
        "05": "Summary",
        "contact": "Contact",
        "23": "Point of contact",
        "22": "Competent authority",
        "18": "Author",
        "amount": "Amount",
        "what": "Description",
        "free": "free of charge",
        "to": "to",
        "meta": "About this service",
        "key": "Service key (LeiKa)",
        "typisierung": "Type",
        "editor": "Editorial office",
        "released": "Approved",
        "on": "on",
        "by": "by",
        "online": "Online procedure possible",
        "yes": "yes",
        "no": "no",
        "other_lang": "This section is only available in another language.",
    },
}
# The portal's order of sections after the teaser: text module codes and the
# sections built from several modules ("costs", "times", "deadlines", "contact").
_ORDER = (
    "06",
    "08",
    "09",
    "costs",
    "11",
    "times",
    "deadlines",
    "14",
    "15",
    "16",
    "07",
    "25",
    "05",
    "contact",
    "18",
)


@lru_cache(maxsize=1)
def _css() -> str:
    return files("xzufi_toolkit.render").joinpath("page.css").read_text("utf-8")


# ------------------------------------------------------------------ values


@dataclass(frozen=True, slots=True)
class _Text:
    """A localized value picked for the page; ``lang`` differs when it fell back."""

    text: str
    lang: str


def _pick(texts: list[LocalizedText], lang: str) -> _Text | None:
    want = normalize_language(lang)
    usable = [t for t in texts if t.text.strip()]
    for t in usable:
        if normalize_language(t.language) == want:
            return _Text(t.text, want)
    for fallback in (*LANGUAGES, *(normalize_language(t.language) for t in usable)):
        for t in usable:
            if normalize_language(t.language) == fallback:
                # The code goes into a lang attribute: only a language subtag
                # passes, anything else is "und" (undetermined, BCP 47).
                return _Text(t.text, fallback if _LANG_TAG.fullmatch(fallback) else "und")
    return None


def _money(amount: Decimal, currency: str | None, lang: str) -> str:
    text = f"{amount:,.2f}"
    cur = currency or "EUR"
    if lang == "de":
        text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
        return f"{text} {cur}"
    return f"{cur} {text}"


def _unit(unit: str | None, n: int, lang: str) -> str:
    return unit_name(unit, n, lang)


def _date(value: datetime.date | str, lang: str) -> str:
    if isinstance(value, str):
        return value
    return value.strftime("%d.%m.%Y") if lang == "de" else value.isoformat()


def _span(d: Duration, lang: str) -> str | None:
    to = _LABELS[lang]["to"]
    if d.value is not None:
        first = f"{d.value} {_unit(d.unit, d.value, lang)}"
        if d.value_to is None:
            return first
        last = f"{d.value_to} {_unit(d.unit_to or d.unit, d.value_to, lang)}"
        if (d.unit_to or d.unit) == d.unit:
            return f"{d.value} {to} {last}"
        return f"{first} {to} {last}"
    if d.date_from is not None or d.date_to is not None:
        parts = [_date(v, lang) for v in (d.date_from, d.date_to) if v is not None]
        return f" {to} ".join(parts)
    return None


# ------------------------------------------------------------------- page


class _Page:
    def __init__(self, leistung: Leistung, lang: str) -> None:
        self.leistung = leistung
        self.lang = lang
        self.labels = _LABELS[lang]
        self.sections: list[tuple[str, str, str]] = []  # (id, heading, body html)

    def esc(self, text: str) -> str:
        return html.escape(text, quote=True)

    def localized(self, texts: list[LocalizedText], *, markup: bool, tag: str = "div") -> str:
        """The value in the page language, or a fallback marked with its ``lang``."""
        return self.shown(_pick(texts, self.lang), markup=markup, tag=tag)

    def shown(self, picked: _Text | None, *, markup: bool, tag: str = "div") -> str:
        """A value :func:`_pick` chose as HTML; a fallback marked with its ``lang``."""
        if picked is None:
            return ""
        body = sanitize_html(picked.text) if markup else self.esc(picked.text)
        if picked.lang == self.lang:
            return body
        return f'<{tag} lang="{picked.lang}">{body}</{tag}>'

    def module(self, code: str) -> str:
        """A text module's content and its links: a module may hold links only
        (typically 15, Weiterführende Informationen, xzufi-real-data.md)."""
        for module in self.leistung.text_modules:
            if module.code.code == code:
                body = self.localized(module.contents, markup=True) + self.links(module.links)
                if body:
                    return body
        return ""

    def links(self, links: list[Link]) -> str:
        """``weiterfuehrenderLink`` as a list: those in the page language or without
        one; when none is, all of them, each marked with its language."""
        mine = [k for k in links if k.language is None or k.language == self.lang]
        items = []
        for link in sorted(
            mine or links, key=lambda k: k.position if k.position is not None else 0
        ):
            label = self.esc(link.title or link.uri)
            scheme = urlsplit(link.uri).scheme.lower()
            text = (
                f'<a href="{self.esc(link.uri)}" rel="noopener noreferrer nofollow">{label}</a>'
                if scheme in _SCHEMES
                else label
            )
            if link.description:
                text += f" – {self.esc(link.description)}"
            lang = link.language
            if lang and lang != self.lang and _LANG_TAG.fullmatch(lang):
                items.append(f'<li lang="{lang}">{text}</li>')
            else:
                items.append(f"<li>{text}</li>")
        return f'<ul class="links">{"".join(items)}</ul>' if items else ""

    def add(self, key: str, body: str) -> None:
        if body.strip():
            self.sections.append((f"s-{key}", self.labels[key], body))

    # -- structured modules ---------------------------------------------

    def costs(self) -> str:
        rows: list[str] = []
        described: list[str] = []
        for cost in self.leistung.costs:
            amount = self._cost_amount(cost)
            desc_texts = cost.description or cost.free_description or cost.variable_description
            picked = _pick(desc_texts, self.lang)
            desc = self.shown(picked, markup=True)
            if picked is not None:
                described.append(_plain(picked.text))
            if amount or desc:
                rows.append(f'<tr><td class="amount">{amount}</td><td>{desc}</td></tr>')
        out = ""
        if rows:
            out += (
                f'<table><thead><tr><th scope="col">{self.labels["amount"]}</th>'
                f'<th scope="col">{self.labels["what"]}</th></tr></thead>'
                f"<tbody>{''.join(rows)}</tbody></table>"
            )
        for module in self.leistung.cost_modules:
            out += self._uncovered(module.description, described) + self.links(module.links)
        return out

    def _cost_amount(self, cost: Cost) -> str:
        if cost.kind == "fix" and cost.amount is not None:
            return self.esc(_money(cost.amount, cost.currency, self.lang))
        if cost.kind == "frei":
            return self.esc(self.labels["free"])
        if cost.kind == "variabel":
            bounds = [
                _money(v, c, self.lang)
                for v, c in ((cost.lower, cost.lower_currency), (cost.upper, cost.upper_currency))
                if v is not None
            ]
            return self.esc(f" {self.labels['to']} ".join(bounds))
        return ""

    def durations(self, modules: list[DurationModule]) -> str:
        items: list[str] = []
        described: list[str] = []
        for module in modules:
            for d in module.items:
                span = _span(d, self.lang)
                picked = _pick(d.description, self.lang)
                if picked is not None:
                    described.append(_plain(picked.text))
                desc = self.shown(picked, markup=True)
                if span:
                    items.append(
                        f"<li><strong>{self.esc(span)}</strong>"
                        + (f'<div class="desc">{desc}</div>' if desc else "")
                        + "</li>"
                    )
                elif desc:
                    items.append(f"<li>{desc}</li>")
        out = f"<ul>{''.join(items)}</ul>" if items else ""
        for module in modules:
            out += self._uncovered(module.description, described) + self.links(module.links)
        return out

    def _uncovered(self, texts: list[LocalizedText], described: list[str]) -> str:
        """The module description, unless the items' descriptions already say all of it."""
        picked = _pick(texts, self.lang)
        if picked is None:
            return ""
        rest = _plain(picked.text)
        for text in described:
            rest = rest.replace(text, " ")
        if not re.search(r"\w", rest):
            return ""
        return self.shown(picked, markup=True)

    # -- whole page -------------------------------------------------------

    def build(self) -> str:
        lst = self.leistung
        name = _pick(self.module_texts("02"), self.lang)
        title = name.text if name is not None else (lst.key or lst.id.value)
        h1_lang = f' lang="{name.lang}"' if name is not None and name.lang != self.lang else ""
        subtitle = self.module("03")
        teaser = self.module("24")

        for key in _ORDER:
            self.add(key, self.section(key))

        toc = "".join(f'<li><a href="#{sid}">{self.esc(h)}</a></li>' for sid, h, _ in self.sections)
        body = "".join(
            f'<section aria-labelledby="{sid}"><h2 id="{sid}">{self.esc(h)}</h2>{b}</section>'
            for sid, h, b in self.sections
        )
        head_title = self.esc(_plain(title))
        return (
            "<!DOCTYPE html>\n"
            f'<html lang="{self.lang}">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<meta http-equiv="Content-Security-Policy" '
            "content=\"default-src 'none'; style-src 'unsafe-inline'; "
            "base-uri 'none'; form-action 'none'\">\n"
            '<meta name="referrer" content="no-referrer">\n'
            '<meta name="generator" content="xzufi-toolkit">\n'
            f"<title>{head_title}</title>\n<style>\n{_css()}</style>\n</head>\n<body>\n"
            f'<a class="skip" href="#main">{self.labels["skip"]}</a>\n'
            f'<header class="site"><div class="wrap"><p>{self.labels["banner"]}'
            f"{' · ' + self.esc(lst.key) if lst.key else ''}</p></div></header>\n"
            f'<main id="main" class="wrap">\n<article>\n<h1{h1_lang}>{head_title}</h1>\n'
            + (f'<div class="subtitle">{subtitle}</div>\n' if subtitle else "")
            + (f'<div class="teaser">{teaser}</div>\n' if teaser else "")
            + (
                f'<nav class="toc" aria-labelledby="toc"><h2 id="toc">{self.labels["toc"]}</h2>'
                f"<ul>{toc}</ul></nav>\n"
                if self.sections
                else ""
            )
            + f"{body}\n</article>\n</main>\n"
            f'<footer class="site"><div class="wrap">{self.meta()}</div></footer>\n'
            "</body>\n</html>\n"
        )

    def section(self, key: str) -> str:
        """The body of the section ``key`` of :data:`_ORDER` ("" leaves it out)."""
        if key == "costs":
            return self.costs()
        if key == "times":
            return self.durations(self.leistung.processing_time_modules)
        if key == "deadlines":
            return self.durations(self.leistung.deadline_modules)
        if key == "contact":
            return "".join(
                f"<h3>{self.labels[code]}</h3>{body}"
                for code in ("23", "22")
                if (body := self.module(code))
            )
        return self.module(key)

    def module_texts(self, code: str) -> list[LocalizedText]:
        module = self.leistung.text_module(code)
        return module.contents if module is not None else []

    def meta(self) -> str:
        lst, lab = self.leistung, self.labels
        rows: list[tuple[str, str]] = []
        if lst.key:
            rows.append((lab["key"], self.esc(lst.key)))
        if lst.typisierung:
            rows.append((lab["typisierung"], self.esc(", ".join(c.code for c in lst.typisierung))))
        if lst.source_editor:
            rows.append((lab["editor"], self.esc(lst.source_editor)))
        released = []
        if lst.released_on is not None:
            released.append(f"{lab['on']} {self.esc(_date(lst.released_on, self.lang))}")
        for module in lst.release_modules:
            by = self.localized(module.by, markup=False, tag="span")
            if by:
                released.append(f"{lab['by']} {by}")
                break
        if released:
            rows.append((lab["released"], " ".join(released)))
        if lst.online_possible is not None:
            rows.append((lab["online"], lab["yes"] if lst.online_possible else lab["no"]))
        items = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
        return f'<h2 class="note">{lab["meta"]}</h2><dl class="meta">{items}</dl>'


def render_page(
    leistung: Leistung, *, lang: str = "de", sections: tuple[tuple[str, str, str], ...] = ()
) -> str:
    """The citizen page of ``leistung`` in ``lang`` ("de" or "en") as HTML text.

    Texts missing in ``lang`` fall back to the other language and carry their
    own ``lang`` attribute, so screen readers switch pronunciation.
    ``sections`` (id, heading, safe body HTML) come first, e.g. the responsible
    office from the catalog (:mod:`xzufi_toolkit.render.office`).
    """
    lang = normalize_language(lang)
    if lang not in LANGUAGES:
        raise UsageError(
            f"language {lang!r} is not offered", hint="choose one of " + ", ".join(LANGUAGES)
        )
    page = _Page(leistung, lang)
    page.sections.extend(sections)
    return page.build()
