"""The catalog's tables (SQLAlchemy Core), one per XZuFi object kind.

Every object is keyed by its id together with ``schemeAgencyID`` (an id is
unique only per editorial office); a missing ``schemeAgencyID`` is stored as
"". Next to the typed columns a portal queries, each row keeps ``xml``: the
``schreibe`` element exactly as it was applied (a Leistung, which the reader
gives as the model, as the toolkit's writer writes it back), so ``export``
gives the object back.

The migrations in ``migrations/versions`` create these tables; a test checks
that the migrated schema and this metadata agree.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, MetaData, Table, Text

__all__ = [
    "KINDS",
    "counter",
    "leistung",
    "metadata",
    "onlinedienst",
    "organisationseinheit",
    "spezialisierung",
    "sync_position",
    "zustaendigkeit",
]

metadata = MetaData()


def _key() -> list[Column[str]]:
    return [
        Column("agency", Text, primary_key=True),  # schemeAgencyID ("" when absent)
        Column("id", Text, primary_key=True),
    ]


leistung = Table(
    "leistung",
    metadata,
    *_key(),
    Column("leika_key", Text),
    Column("name", Text),
    Column("version", Text, nullable=False),
    Column("xml", Text, nullable=False),
    Index("ix_leistung_leika_key", "leika_key"),
    Index("ix_leistung_id", "id"),
)

organisationseinheit = Table(
    "organisationseinheit",
    metadata,
    *_key(),
    Column("name", Text),
    Column("strasse", Text),
    Column("hausnummer", Text),
    Column("postleitzahl", Text),
    Column("ort", Text),
    Column("ars", Text),  # verwaltungspolitischeKodierung: regional- or gemeindeschluessel
    Column("version", Text, nullable=False),
    Column("xml", Text, nullable=False),
    Index("ix_organisationseinheit_id", "id"),  # parents are named by id alone
)

zustaendigkeit = Table(
    "zustaendigkeit",
    metadata,
    *_key(),
    Column("parent_agency", Text),  # uebergeordnetesObjektID: the OE or Onlinedienst
    Column("parent_id", Text),
    Column("leistung_id", Text),
    Column("gebiet_id", Text),  # ARS of the region it covers
    Column("rolle_code", Text),
    Column("rolle_name", Text),
    Column("version", Text, nullable=False),
    Column("xml", Text, nullable=False),
    Index("ix_zustaendigkeit_leistung_gebiet", "leistung_id", "gebiet_id"),
)

onlinedienst = Table(
    "onlinedienst",
    metadata,
    *_key(),
    Column("name", Text),
    Column("link", Text),
    Column("vertrauensniveau", Text),
    Column("version", Text, nullable=False),
    Column("xml", Text, nullable=False),
    Index("ix_onlinedienst_id", "id"),
)

spezialisierung = Table(
    "spezialisierung",
    metadata,
    *_key(),
    Column("leistung_id", Text),
    Column("version", Text, nullable=False),
    Column("xml", Text, nullable=False),
)

#: Counters kept in the same transaction as the objects they count.
counter = Table(
    "catalog_counter",
    metadata,
    Column("name", Text, primary_key=True),
    Column("value", BigInteger, nullable=False),
)

#: Where a sync of ``source`` stands: written with the page it follows.
sync_position = Table(
    "sync_position",
    metadata,
    Column("source", Text, primary_key=True),
    Column("next_index", Text),
    Column("next_url", Text),
    Column("pages", BigInteger, nullable=False),
    Column("complete", BigInteger, nullable=False),  # 0/1: the last page said vollstaendig
)

#: ``loesche/@klasse`` → table. ``schreibe`` children map through SCHREIBE_KIND.
KINDS: dict[str, Table] = {
    "Leistung": leistung,
    "Organisationseinheit": organisationseinheit,
    "Zustaendigkeit": zustaendigkeit,
    "Onlinedienst": onlinedienst,
    "LeistungSpezialisierung": spezialisierung,
}

#: The element inside ``schreibe`` → its ``klasse``.
SCHREIBE_KIND: dict[str, str] = {
    "leistung": "Leistung",
    "organisationseinheit": "Organisationseinheit",
    "zustaendigkeitTransferObjekt": "Zustaendigkeit",
    "onlinedienst": "Onlinedienst",
    "spezialisierung": "LeistungSpezialisierung",
}
