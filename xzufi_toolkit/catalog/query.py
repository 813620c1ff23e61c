"""Questions the store answers: who is responsible, what is in it, one object back.

Region matching follows the Amtlicher Regionalschlüssel (ARS): 2 digits name
a Land, 5 a Kreis, 9 a Gemeindeverband, 12 a Gemeinde. A Zuständigkeit whose
``gebietID`` is a prefix of the asked region covers it, so the Kreis's office
is responsible in every municipality of the Kreis. ``gebietID`` values that are
zero-padded to 12 digits (``065310000000`` for the Kreis ``06531``) match too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from lxml import etree
from sqlalchemy import ColumnElement, Label, Row, Table, and_, func, or_, select
from sqlalchemy.exc import SQLAlchemyError

from xzufi_toolkit.catalog import tables
from xzufi_toolkit.catalog.store import CatalogStore, store_error
from xzufi_toolkit.errors import UsageError

__all__ = [
    "LEVELS",
    "Answer",
    "Office",
    "OnlineService",
    "Responsibility",
    "StoredObject",
    "export_object",
    "find_objects",
    "region_candidates",
    "responsible",
    "stats",
]

#: ARS prefix length → the level it names.
LEVELS: dict[int, str] = {2: "Land", 5: "Kreis", 9: "Gemeindeverband", 12: "Gemeinde"}
_ARS = re.compile(r"\d{2}(?:\d{3}(?:\d{4}(?:\d{3})?)?)?")


def region_candidates(region: str) -> dict[str, int]:
    """Every ``gebietID`` that covers ``region`` → its level (prefix length)."""
    region = region.strip()
    if not _ARS.fullmatch(region):
        raise UsageError(
            f"region {region!r} is not a Regionalschlüssel",
            hint="2 (Land), 5 (Kreis), 9 (Gemeindeverband) or 12 (Gemeinde) digits",
        )
    found: dict[str, int] = {}
    for n in sorted(LEVELS):
        if n <= len(region):
            found.setdefault(region[:n], n)
            found.setdefault(region[:n].ljust(12, "0"), n)
    return found


@dataclass(frozen=True)
class Office:
    """An Organisationseinheit as the store types it; ``xml`` holds the rest."""

    agency: str
    id: str
    name: str | None
    strasse: str | None
    hausnummer: str | None
    postleitzahl: str | None
    ort: str | None
    ars: str | None
    xml: str = field(repr=False)


@dataclass(frozen=True)
class OnlineService:
    agency: str
    id: str
    name: str | None
    link: str | None
    vertrauensniveau: str | None


@dataclass(frozen=True)
class Responsibility:
    """One Zuständigkeit that covers the region, with what it points to.

    ``office`` or ``online_service`` is ``None`` when the store never received
    the object ``parent_id`` names.
    """

    zustaendigkeit_id: str
    agency: str
    leistung_id: str
    gebiet_id: str
    level: str
    rolle_code: str | None
    rolle_name: str | None
    parent_id: str | None
    office: Office | None = None
    online_service: OnlineService | None = None


@dataclass(frozen=True)
class LeistungRef:
    agency: str
    id: str
    leika_key: str | None
    name: str | None


@dataclass
class Answer:
    """What ``responsible`` found: most specific region first."""

    query: str
    region: str
    leistungen: list[LeistungRef]
    responsibilities: list[Responsibility]

    @property
    def offices(self) -> list[Responsibility]:
        return [r for r in self.responsibilities if r.online_service is None]

    @property
    def online_services(self) -> list[OnlineService]:
        return [r.online_service for r in self.responsibilities if r.online_service is not None]

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        for resp in out["responsibilities"]:
            if resp["office"] is not None:
                resp["office"].pop("xml")
        return out


def _labelled(t: Table, prefix: str) -> list[Label[Any]]:
    return [c.label(prefix + c.name) for c in t.columns]


def _parent(t: Table) -> ColumnElement[bool]:
    """``t`` is the object a Zuständigkeit's ``uebergeordnetesObjektID`` names."""
    zt = tables.zustaendigkeit
    return and_(
        t.c.id == zt.c.parent_id,
        or_(
            zt.c.parent_agency.is_(None), zt.c.parent_agency == "", t.c.agency == zt.c.parent_agency
        ),
    )


def _office(row: Row[Any]) -> Office:
    return Office(
        agency=row.oe_agency,
        id=row.oe_id,
        name=row.oe_name,
        strasse=row.oe_strasse,
        hausnummer=row.oe_hausnummer,
        postleitzahl=row.oe_postleitzahl,
        ort=row.oe_ort,
        ars=row.oe_ars,
        xml=row.oe_xml,
    )


def responsible(store: CatalogStore, key_or_id: str, region: str) -> Answer:
    """Who is responsible for the Leistung ``key_or_id`` (LeiKa key or Leistung id)
    in ``region`` (an ARS), and which Onlinedienste serve it there."""
    candidates = region_candidates(region)
    lt, zt = tables.leistung, tables.zustaendigkeit
    oe, od = tables.organisationseinheit, tables.onlinedienst
    try:
        with store.read() as conn:
            found = conn.execute(
                select(lt.c.agency, lt.c.id, lt.c.leika_key, lt.c.name).where(
                    or_(lt.c.leika_key == key_or_id, lt.c.id == key_or_id)
                )
            ).all()
            refs = [LeistungRef(r.agency, r.id, r.leika_key, r.name) for r in found]
            ids = sorted({key_or_id, *(r.id for r in refs)})
            # one round trip: each Zuständigkeit with the office or Onlinedienst
            # it names (same schemeAgencyID when the reference gives one)
            rows = conn.execute(
                select(zt, *_labelled(oe, "oe_"), *_labelled(od, "od_"))
                .select_from(zt.outerjoin(oe, _parent(oe)).outerjoin(od, _parent(od)))
                .where(zt.c.leistung_id.in_(ids), zt.c.gebiet_id.in_(list(candidates)))
                .order_by(zt.c.agency, zt.c.id, oe.c.agency, od.c.agency)
            ).all()
    except SQLAlchemyError as exc:
        raise store_error(exc, store.url, "cannot query the catalog store") from None
    out: list[Responsibility] = []
    seen: set[tuple[str, str]] = set()
    for z in rows:
        if (z.agency, z.id) in seen:  # a parent id under several agencies: the first
            continue
        seen.add((z.agency, z.id))
        office = _office(z) if z.oe_id is not None else None
        out.append(
            Responsibility(
                zustaendigkeit_id=z.id,
                agency=z.agency,
                leistung_id=z.leistung_id,
                gebiet_id=z.gebiet_id,
                level=LEVELS[candidates[z.gebiet_id]],
                rolle_code=z.rolle_code,
                rolle_name=z.rolle_name,
                parent_id=z.parent_id,
                office=office,
                online_service=OnlineService(
                    z.od_agency, z.od_id, z.od_name, z.od_link, z.od_vertrauensniveau
                )
                if office is None and z.od_id is not None
                else None,
            )
        )
    out.sort(key=lambda r: (-candidates[r.gebiet_id], r.rolle_code or "", r.zustaendigkeit_id))
    return Answer(query=key_or_id, region=region, leistungen=refs, responsibilities=out)


def stats(store: CatalogStore) -> dict[str, Any]:
    """Objects per kind, counters (messages, writes, deletions, orphaned
    deletions, skipped objects), sync positions and the schema revision."""
    try:
        with store.read() as conn:
            objects = {
                kind: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
                for kind, t in tables.KINDS.items()
            }
            counters = {r.name: int(r.value) for r in conn.execute(select(tables.counter)).all()}
            positions = [
                {
                    "source": r.source,
                    "next_index": r.next_index,
                    "next_url": r.next_url,
                    "pages": int(r.pages),
                    "complete": bool(r.complete),
                }
                for r in conn.execute(
                    select(tables.sync_position).order_by(tables.sync_position.c.source)
                ).all()
            ]
    except SQLAlchemyError as exc:
        raise store_error(exc, store.url, "cannot query the catalog store") from None
    return {
        "store": store.url,
        "schema_version": store.schema_version(),
        "objects": objects,
        "counters": {
            k: counters.get(k, 0) for k in ("messages", "written", "deleted", "orphaned", "skipped")
        },
        "sync": positions,
    }


@dataclass(frozen=True)
class StoredObject:
    kind: str
    agency: str
    id: str
    version: str
    xml: str = field(repr=False)


def find_objects(
    store: CatalogStore, object_id: str, *, kind: str | None = None, agency: str | None = None
) -> list[StoredObject]:
    """Every stored object with ``object_id`` (of ``kind``, of ``agency``)."""
    if kind is not None and kind not in tables.KINDS:
        raise UsageError(f"unknown kind {kind!r}", hint="one of " + ", ".join(tables.KINDS))
    out: list[StoredObject] = []
    try:
        with store.read() as conn:
            for name, t in tables.KINDS.items():
                if kind is not None and name != kind:
                    continue
                stmt = select(t.c.agency, t.c.id, t.c.version, t.c.xml).where(t.c.id == object_id)
                if agency is not None:
                    stmt = stmt.where(t.c.agency == agency)
                out.extend(
                    StoredObject(name, r.agency, r.id, r.version, r.xml)
                    for r in conn.execute(stmt).all()
                )
    except SQLAlchemyError as exc:
        raise store_error(exc, store.url, "cannot query the catalog store") from None
    return out


def _describe(objs: Sequence[StoredObject]) -> str:
    return ", ".join(f"{o.kind} of {o.agency or '(no schemeAgencyID)'}" for o in objs)


def export_object(
    store: CatalogStore,
    object_id: str,
    *,
    kind: str | None = None,
    agency: str | None = None,
    as_transfer: bool = False,
) -> bytes:
    """One stored object as XZuFi: a Leistung as a single ``leistung`` document,
    every other kind (or with ``as_transfer``) as a transfer message holding
    one ``schreibe``. The object's elements come back exactly as applied."""
    from xzufi_toolkit.io import xmlsafe

    objs = find_objects(store, object_id, kind=kind, agency=agency)
    if not objs:
        raise UsageError(f"no object with id {object_id!r} in the store", file=store.url)
    if len(objs) > 1:
        raise UsageError(
            f"id {object_id!r} names {len(objs)} objects ({_describe(objs)})",
            hint="choose one with --kind and --agency",
        )
    obj = objs[0]
    el = xmlsafe.parse_bytes(obj.xml.encode("utf-8"), file="<stored object>").getroot()
    if etree.QName(el).localname == "schreibe":  # stored as the entry it came in
        el = el[0]
    if obj.kind == "Leistung" and not as_transfer:
        from xzufi_toolkit.xzufi.writer import serialize

        return serialize(el)
    return _transfer_of(el, obj)


def _transfer_of(el: etree._Element, obj: StoredObject) -> bytes:
    import io

    from xzufi_toolkit.model import TransferEntry, TransferMessage
    from xzufi_toolkit.xzufi.transfer import TransferWriter

    ns = etree.QName(el).namespace
    schreibe = etree.Element(f"{{{ns}}}schreibe", nsmap={"xzufi": ns} if ns else None)
    schreibe.append(el)
    message = TransferMessage(
        version=obj.version, produktbezeichnung="xzufi-toolkit catalog export"
    )
    buf = io.BytesIO()
    with TransferWriter(buf, message) as writer:
        writer.write(
            TransferEntry(
                op="schreibe",
                klasse=etree.QName(el).localname,
                object_id=obj.id,
                xml=etree.tostring(schreibe),
            )
        )
    return buf.getvalue()
