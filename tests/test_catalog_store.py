"""The catalog store on SQLite and on a real PostgreSQL server: the same tests.

Applying (create/replace/delete, orphaned deletions, one transaction per
message), idempotence, the ARS hierarchy of ``responsible``, ``export`` giving
back what was applied, schema versions, and the store's failure modes.
"""

from __future__ import annotations

import copy
import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
from catalog_support import CATALOG, PgCluster, pg_cluster
from lxml import etree
from sqlalchemy import event, select

from xzufi_toolkit.catalog import (
    ApplyStopped,
    StoreError,
    apply_message,
    export_object,
    open_store,
    responsible,
    stats,
    tables,
)
from xzufi_toolkit.catalog.store import CatalogStore, redact_url, schema_head
from xzufi_toolkit.errors import InputError, UsageError
from xzufi_toolkit.io import xmlsafe

PAGE1, PAGE2, EMPTY, INVALID = (
    CATALOG / n for n in ("page-1.xml", "page-2.xml", "page-3-empty.xml", "invalid-objects.xml")
)
KEY = "99010022001012"


@pytest.fixture(scope="session")
def pg() -> Iterator[PgCluster]:
    with pg_cluster() as cluster:
        yield cluster


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Any) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "catalog.sqlite")
    cluster: PgCluster = request.getfixturevalue("pg")
    return cluster.database()


@pytest.fixture
def store(db_url: str) -> Iterator[CatalogStore]:
    with open_store(db_url) as s:
        yield s


def dump(store: CatalogStore, *, counters: bool = False) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every object table (and the counters), sorted."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    chosen = [*tables.KINDS.values(), *([tables.counter] if counters else [])]
    with store.read() as conn:
        for t in chosen:
            out[t.name] = sorted(tuple(r) for r in conn.execute(select(t)).all())
    return out


def test_apply_writes_replaces_deletes_and_counts_orphans(store: CatalogStore) -> None:
    r1 = apply_message(store, PAGE1)
    assert r1.applied and r1.objects == 12 and not r1.findings
    assert r1.written == {
        "Leistung": 1,
        "Organisationseinheit": 3,
        "Zustaendigkeit": 5,
        "Onlinedienst": 1,
        "LeistungSpezialisierung": 1,
    }
    assert sum(r1.orphaned.values()) == 1 and sum(r1.deleted.values()) == 0
    r2 = apply_message(store, PAGE2)
    # zst-gemeinde deleted; two Zuständigkeiten, an Onlinedienst and a
    # Zuständigkeit of another schemeAgencyID (BY) were never received
    assert r2.deleted["Zustaendigkeit"] == 1
    assert r2.orphaned == {"Zustaendigkeit": 2 + 1, "Onlinedienst": 1}
    assert apply_message(store, EMPTY).objects == 0
    s = stats(store)
    assert s["objects"] == {
        "Leistung": 1,
        "Organisationseinheit": 3,
        "Zustaendigkeit": 4,
        "Onlinedienst": 1,
        "LeistungSpezialisierung": 1,
    }
    assert s["counters"] == {
        "messages": 3,
        "written": 12,
        "deleted": 1,
        "orphaned": 5,
        "skipped": 0,
    }
    assert s["schema_version"] == schema_head()
    with store.read() as conn:
        oe = conn.execute(
            select(tables.organisationseinheit).where(
                tables.organisationseinheit.c.id == "oe-kreis"
            )
        ).one()
    assert (oe.name, oe.hausnummer, oe.ars) == (
        "Ausländerbehörde des Musterkreises",
        "3",
        "065310000000",
    )


def test_reapplying_is_idempotent(store: CatalogStore) -> None:
    apply_message(store, PAGE1)
    apply_message(store, PAGE2)
    once = dump(store)
    apply_message(store, PAGE1)
    apply_message(store, PAGE2)
    assert dump(store) == once
    apply_message(store, PAGE2)
    assert dump(store) == once


def test_a_message_broken_halfway_leaves_the_store_as_before(
    store: CatalogStore, tmp_path: Any
) -> None:
    apply_message(store, PAGE1)
    before = dump(store, counters=True)
    text = PAGE2.read_bytes()
    broken = tmp_path / "broken.xml"
    # the replaced Organisationseinheit is complete, the message then ends mid-entry
    broken.write_bytes(text[: text.index(b"zst-verwaist-2")])
    with pytest.raises(InputError, match="nothing of this message was applied"):
        apply_message(store, broken)
    assert dump(store, counters=True) == before


def test_invalid_objects_skip_or_stop(store: CatalogStore) -> None:
    before = dump(store, counters=True)
    with pytest.raises(ApplyStopped) as stop:
        apply_message(store, INVALID, on_invalid="stop")
    assert [f.code for f in stop.value.result.findings] == ["CAT-INVALID"]
    assert dump(store, counters=True) == before
    r = apply_message(store, INVALID, on_invalid="skip")
    assert [(f.code, f.location.entry) for f in r.findings] == [
        ("CAT-INVALID", 0),
        ("CAT-KLASSE", 1),
        ("CAT-KLASSE", 2),
    ]
    assert all(f.location.line for f in r.findings)
    assert "gebietID" in r.findings[0].message and "gebietID" in (r.findings[0].message_de or "")
    assert r.skipped == 3 and r.written == {"Organisationseinheit": 1}


def _who(store: CatalogStore, key: str, region: str) -> list[tuple[str, str, str]]:
    a = responsible(store, key, region)
    return [
        (r.zustaendigkeit_id, r.level, (r.office or r.online_service).id)  # type: ignore[union-attr]
        for r in a.responsibilities
    ]


def test_responsible_follows_the_ars_hierarchy(store: CatalogStore) -> None:
    apply_message(store, PAGE1)
    gemeinde = [
        ("zst-gemeinde", "Gemeinde", "oe-gemeinde"),
        ("zst-kreis", "Kreis", "oe-kreis"),
        ("zst-land", "Land", "oe-land"),
        ("zst-online", "Land", "od-aufenthalt"),
    ]
    assert _who(store, KEY, "065310001001") == gemeinde
    assert _who(store, "test-1", "065310001001") == gemeinde  # by Leistung id
    # another municipality of the same Kreis: the Kreis and the Land, not the Gemeinde
    assert [z for z, _, _ in _who(store, KEY, "065310002002")] == [
        "zst-kreis",
        "zst-land",
        "zst-online",
    ]
    assert [z for z, _, _ in _who(store, KEY, "06531")] == ["zst-kreis", "zst-land", "zst-online"]
    assert [z for z, _, _ in _who(store, KEY, "06")] == ["zst-land", "zst-online"]
    assert [z for z, _, _ in _who(store, KEY, "091620000000")] == ["zst-anderes-land"]
    assert _who(store, KEY, "010010000000") == []
    assert _who(store, "99999999999999", "065310001001") == []
    a = responsible(store, KEY, "065310001001")
    assert [s.link for s in a.online_services] == ["https://onlinedienst.example/aufenthalt"]
    office = a.offices[0].office
    assert office is not None and (office.strasse, office.postleitzahl) == ("Dorfplatz", "35394")
    apply_message(store, PAGE2)  # deletes zst-gemeinde, renames the Kreis office
    a = responsible(store, KEY, "065310001001")
    assert a.offices[0].office.name == "Ausländerbehörde des Musterkreises"  # type: ignore[union-attr]


@pytest.mark.parametrize("region", ["0653", "06531000100", "abc", "", "0653100010011"])
def test_responsible_refuses_what_is_no_ars(store: CatalogStore, region: str) -> None:
    with pytest.raises(UsageError, match="Regionalschlüssel"):
        responsible(store, KEY, region)


def _canonical(el: etree._Element) -> bytes:
    el = copy.deepcopy(el)
    for node in el.iter():
        if len(node) and node.text is not None and not node.text.strip():
            node.text = None
        if node.tail is not None and not node.tail.strip():
            node.tail = None
    return etree.tostring(el, method="c14n", exclusive=True)


def _originals(path: Any) -> dict[str, bytes]:
    root = xmlsafe.parse_bytes(path.read_bytes(), file=str(path)).getroot()
    out = {}
    for schreibe in root.iterfind("{*}schreibe"):
        obj = schreibe[0]
        ident = obj.find("{*}id")
        if ident is None:
            ident = obj.find("{*}zustaendigkeit/{*}id")
        out[ident.text] = _canonical(obj)  # type: ignore[union-attr,index]
    return out


def test_export_gives_back_exactly_what_was_applied(store: CatalogStore, tmp_path: Any) -> None:
    from xzufi_toolkit.validate.api import iter_findings

    apply_message(store, PAGE1)
    for object_id, original in _originals(PAGE1).items():
        data = export_object(store, object_id)
        root = xmlsafe.parse_bytes(data, file="<export>").getroot()
        obj = root if etree.QName(root).localname == "leistung" else root.find("{*}schreibe")[0]  # type: ignore[index]
        assert _canonical(obj) == original, object_id
        out = tmp_path / f"{object_id}.xml"
        out.write_bytes(data)
        errors = [
            f
            for f in iter_findings(str(out))
            if f.severity == "error" and f.code != "XZ-BULK-004"  # issue 10: Zuständigkeit ids
        ]
        assert errors == [], (object_id, errors)
    with pytest.raises(UsageError, match="no object"):
        export_object(store, "nicht-da")


def test_migrated_schema_matches_the_tables(store: CatalogStore) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with store.read() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), tables.metadata)
    assert diff == []
    assert store.schema_version() == schema_head() == "0002"


def test_an_older_store_is_migrated_and_keeps_its_objects(db_url: str) -> None:
    from alembic import command
    from alembic.config import Config

    from xzufi_toolkit.catalog.store import _MIGRATIONS

    with open_store(db_url, migrate=False) as s, s.write() as conn:
        cfg = Config()
        cfg.set_main_option("script_location", str(_MIGRATIONS))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    with open_store(db_url, migrate=False) as s:
        assert s.schema_version() == "0001"
        apply_message(s, PAGE1)
        before = dump(s, counters=True)
    with open_store(db_url) as s:
        assert s.schema_version() == "0002"
        assert dump(s, counters=True) == before
        assert [r.zustaendigkeit_id for r in responsible(s, KEY, "06").responsibilities] == [
            "zst-land",
            "zst-online",
        ]


def test_reopening_does_not_migrate_again(db_url: str) -> None:
    with open_store(db_url) as s:
        apply_message(s, PAGE1)
        before = dump(s, counters=True)
    with open_store(db_url) as s:
        assert dump(s, counters=True) == before


def test_a_newer_schema_is_refused(store: CatalogStore, db_url: str) -> None:
    from sqlalchemy import text

    with store.write() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(StoreError, match="newer than this toolkit"):
        open_store(db_url)


# -- failure modes ------------------------------------------------------------


def test_unopenable_url_names_it_without_the_password() -> None:
    with pytest.raises(StoreError) as exc:
        open_store("postgresql://reader:s3cr3t-pw@127.0.0.1:1/catalog")
    text = str(exc.value)
    assert "s3cr3t-pw" not in text and "reader:***@127.0.0.1:1/catalog" in text
    assert "s3cr3t" not in redact_url("postgresql://reader:s3cr3t@db/x")


@pytest.mark.parametrize("url", ["mysql://u:pw1@h/db", "not a url://x"])
def test_unsupported_urls(url: str) -> None:
    with pytest.raises(StoreError) as exc:
        open_store(url)
    assert "pw1" not in str(exc.value)


def test_a_file_that_is_no_store(tmp_path: Any) -> None:
    bad = tmp_path / "x.sqlite"
    bad.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StoreError, match="not a catalog store"):
        open_store(str(bad))
    with pytest.raises(StoreError, match="no catalog store here"):
        open_store(str(tmp_path / "missing.sqlite"), create=False)


def test_disk_full_mid_transaction_rolls_back(tmp_path: Any) -> None:
    """SQLite's own 'database or disk is full' (SQLITE_FULL), provoked with
    max_page_count, the same error a full disk gives."""
    path = str(tmp_path / "full.sqlite")
    with open_store(path) as s:
        apply_message(s, PAGE1)
        before = dump(s, counters=True)
        pages = sqlite3.connect(path).execute("PRAGMA page_count").fetchone()[0]
    big = tmp_path / "big.xml"
    text = PAGE1.read_text(encoding="utf-8")
    head, _, rest = text.partition("  <xzufi:schreibe>")
    body = "  <xzufi:schreibe>" + rest.rsplit("</xzufi:xzufi.transfer>", 1)[0]
    copies = [
        body.replace(">oe-", f">oe{i}-")
        .replace(">zst-", f">zst{i}-")
        .replace(">test-1<", f">t{i}<")
        for i in range(200)
    ]
    big.write_text(head + "".join(copies) + "</xzufi:xzufi.transfer>\n", encoding="utf-8")
    s = open_store(path)
    s.engine.dispose()

    @event.listens_for(s.engine, "connect")
    def _cap(dbapi_conn: Any, _rec: Any) -> None:
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages + 2}")

    with pytest.raises(StoreError) as exc:
        apply_message(s, big)
    assert "full" in str(exc.value) and "nothing of it was kept" in str(exc.value)
    s.close()
    with open_store(path) as again:
        assert dump(again, counters=True) == before
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_the_parent_is_matched_by_id_and_its_scheme_agency(store: CatalogStore) -> None:
    """Two offices share an id under two editorial offices; the Zuständigkeit's
    uebergeordnetesObjektID names one by its schemeAgencyID."""
    text = PAGE1.read_text(encoding="utf-8")
    twin = text.replace(
        '<xzufi:id schemeAgencyID="HE" schemeID="oe">oe-kreis</xzufi:id>',
        '<xzufi:id schemeAgencyID="BY" schemeID="oe">oe-kreis</xzufi:id>',
    ).replace("Ausländerbehörde Musterkreis", "Zwilling in Bayern")
    apply_message(store, text.encode("utf-8"))
    apply_message(store, twin.encode("utf-8"))
    a = responsible(store, KEY, "065310002002")
    kreis = [r for r in a.responsibilities if r.zustaendigkeit_id == "zst-kreis"]
    assert len(kreis) == 1 and kreis[0].office is not None
    assert (kreis[0].office.agency, kreis[0].office.name) == ("HE", "Ausländerbehörde Musterkreis")
