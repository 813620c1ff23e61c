"""The responsible office on the citizen page: ``xzufi render --db --leistung --region``.

Real portal pages show, next to the Leistung's texts, the office responsible
in the citizen's municipality (name, address, contact, opening hours where
present) and the online service that serves it. This module asks the catalog
store (:func:`xzufi_toolkit.catalog.responsible`) and builds that section for
:func:`~xzufi_toolkit.render.page.render_page`.

Contact channels (``kommunikation/{kanal, kennung}``) and opening hours
(``oeffnungszeiten``) are read from the office's stored XML where present;
their element names are not confirmed by the evidence on real PVOG data, so
an office without them simply shows none.
"""

from __future__ import annotations

import html

from lxml import etree

from xzufi_toolkit.catalog.query import Answer, Office, responsible
from xzufi_toolkit.catalog.store import CatalogStore
from xzufi_toolkit.errors import UsageError
from xzufi_toolkit.io import xmlsafe

__all__ = ["office_section", "render_from_store"]

_LABELS = {
    "de": {
        "office": "Zuständige Stelle",
        "online": "Online beantragen",
        "hours": "Öffnungszeiten",
        "contact": "Kontakt",
        "none": "Für diese Region ist keine zuständige Stelle hinterlegt.",
        "region": "Region",
    },
    "en": {
        "office": "Responsible office",
        "online": "Apply online",
        "hours": "Opening hours",
        "contact": "Contact",
        "none": "No responsible office is recorded for this region.",
        "region": "Region",
    },
}


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _object(office: Office) -> etree._Element:
    root = xmlsafe.parse_bytes(office.xml.encode("utf-8"), file="<stored office>").getroot()
    return root[0] if etree.QName(root).localname == "schreibe" else root


def _contact(office: Office) -> list[tuple[str, str]]:
    el = _object(office)
    out: list[tuple[str, str]] = []
    for k in el.iterfind("{*}kommunikation"):
        value = (k.findtext("{*}kennung") or "").strip()
        channel = (k.findtext("{*}kanal/{*}name") or k.findtext("{*}kanal/{*}code") or "").strip()
        if value:
            out.append((channel, value))
    return out


def _hours(office: Office) -> list[str]:
    el = _object(office)
    texts = ("".join(str(t) for t in h.itertext()).strip() for h in el.iter("{*}oeffnungszeiten"))
    return [t for t in texts if t]


def _href(value: str) -> str | None:
    if value.startswith(("https://", "http://")):
        return value
    if "@" in value and " " not in value:
        return "mailto:" + value
    return None


def _office_html(office: Office, lab: dict[str, str]) -> str:
    street = " ".join(x for x in (office.strasse, office.hausnummer) if x)
    town = " ".join(x for x in (office.postleitzahl, office.ort) if x)
    lines = "<br>".join(_esc(x) for x in (street, town) if x)
    parts = [f"<h3>{_esc(office.name or office.id)}</h3>"]
    if lines:
        parts.append(f"<address>{lines}</address>")
    contact = _contact(office)
    if contact:
        items = []
        for channel, value in contact:
            href = _href(value)
            shown = f'<a href="{_esc(href)}">{_esc(value)}</a>' if href else _esc(value)
            items.append(f"<li>{_esc(channel) + ': ' if channel else ''}{shown}</li>")
        parts.append(f"<h4>{lab['contact']}</h4><ul>{''.join(items)}</ul>")
    hours = _hours(office)
    if hours:
        parts.append(f"<h4>{lab['hours']}</h4>" + "".join(f"<p>{_esc(h)}</p>" for h in hours))
    return "".join(parts)


def office_section(answer: Answer, lang: str = "de") -> tuple[str, str, str]:
    """(id, heading, body HTML) of the responsible-office section for ``answer``."""
    lab = _LABELS.get(lang, _LABELS["de"])
    body: list[str] = []
    offices = [r.office for r in answer.offices if r.office is not None]
    if offices:
        # the most specific region's office first; the others (e.g. a Land's
        # supervisory authority) follow
        body.extend(_office_html(o, lab) for o in dict.fromkeys(offices))
    else:
        body.append(f"<p>{lab['none']} ({lab['region']} {_esc(answer.region)})</p>")
    links = [s for s in answer.online_services if s.link and _href(s.link)]
    if links:
        items = "".join(
            f'<li><a href="{_esc(s.link or "")}">{_esc(s.name or lab["online"])}</a></li>'
            for s in links
        )
        body.append(f"<h3>{lab['online']}</h3><ul>{items}</ul>")
    return ("s-office", lab["office"], "".join(body))


def render_from_store(store: CatalogStore, leistung: str, region: str, *, lang: str = "de") -> str:
    """The citizen page of the stored Leistung ``leistung`` (id or LeiKa key)
    with the office responsible in ``region`` (an ARS)."""
    from xzufi_toolkit.catalog.query import find_objects
    from xzufi_toolkit.render.page import render_page
    from xzufi_toolkit.xzufi.reader import read_leistung

    answer = responsible(store, leistung, region)
    ids = [ref.id for ref in answer.leistungen] or [leistung]
    found = [o for i in ids for o in find_objects(store, i, kind="Leistung")]
    if not found:
        raise UsageError(f"no Leistung {leistung!r} in the store", file=store.url)
    if len({(o.agency, o.id) for o in found}) > 1:
        raise UsageError(f"{leistung!r} names {len(found)} Leistungen", hint="give the Leistung id")
    model = read_leistung(found[0].xml.encode("utf-8"), file=store.url).leistung
    return render_page(model, lang=lang, sections=(office_section(answer, lang),))
