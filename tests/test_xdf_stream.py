"""The streamed XDatenfelder reader (``read_xdf`` above ``STREAM_BYTES``) gives the
same model, and the same error, as reading the file whole.

Generated documents are compared in ``test_xdf_io.py``
(``test_generated_documents_round_trip``); here the real Blaue Karte schema, a
generated schema above the threshold, every corpus and hostile file, and the
shapes where a streamed field must be read again whole.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

from xzufi_toolkit.errors import InputError
from xzufi_toolkit.xdf import reader
from xzufi_toolkit.xdf.model import Datenfeld, walk
from xzufi_toolkit.xdf.reader import STREAM_BYTES, read_xdf, read_xdf_bytes

ROOT = Path(__file__).resolve().parent.parent
XDF = ROOT / "fixtures" / "xdf"
BLAUE_KARTE = XDF / "S00000121-antrag-blaue-karte-eu.xdf2.xml"
FILES = sorted(XDF.glob("**/*.xml")) + sorted((ROOT / "fixtures" / "hostile").iterdir())


def _bench() -> Any:
    spec = importlib.util.spec_from_file_location(
        "bench_xdf_stream", ROOT / "benchmarks" / "bench_xdf_stream.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _outcome(path: Path, stream: bool) -> Any:
    try:
        return read_xdf(path, stream=stream)
    except InputError as exc:
        return (type(exc).__name__, exc.message, exc.file, exc.line, exc.hint)


def test_blaue_karte_streamed_is_the_same_model() -> None:
    doc = read_xdf(BLAUE_KARTE, stream=True)
    assert doc == read_xdf(BLAUE_KARTE, stream=False)
    assert sum(isinstance(e.element, Datenfeld) for _, e in walk(doc.content)) > 80


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_file_reads_or_fails_alike(path: Path) -> None:
    assert _outcome(path, True) == _outcome(path, False)


def test_large_schema_is_streamed_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _bench().big_schema(STREAM_BYTES + 200_000)
    path = tmp_path / "big.xdf2.xml"
    path.write_bytes(data)
    assert len(data) > STREAM_BYTES
    streamed: list[Path] = []
    real = reader._read_streamed

    def spy(p: Path, file: str) -> Any:
        streamed.append(p)
        return real(p, file)

    monkeypatch.setattr(reader, "_read_streamed", spy)
    assert read_xdf(path) == read_xdf_bytes(data)
    assert streamed == [path]
    read_xdf(BLAUE_KARTE)  # small files are read whole
    assert streamed == [path]


def _second_enthaelt(text: str) -> str:
    """A second <enthaelt> in the first field's struktur: kept verbatim, field and all."""
    end = text.index("</xdf:enthaelt>") + len("</xdf:enthaelt>")
    start = text.rindex("<xdf:enthaelt>", 0, end)
    return text[:end] + text[start:end] + text[end:]


@pytest.mark.parametrize(
    "change",
    [
        _second_enthaelt,
        # an <enthaelt> with an attribute is kept verbatim too
        lambda t: t.replace(
            "<xdf:enthaelt><xdf:datenfeld>", '<xdf:enthaelt a="1"><xdf:datenfeld>', 1
        ),
        # a field without identifikation is one error, in the tree walk's order
        lambda t: t.replace(
            "<xdf:identifikation><xdf:id>F00000013</xdf:id>", "<xdf:x><xdf:id>F00000013</xdf:id>", 1
        ).replace(
            "</xdf:version></xdf:identifikation><xdf:name>Familienname",
            "</xdf:version></xdf:x><xdf:name>Familienname",
            1,
        ),
    ],
    ids=["second-enthaelt", "enthaelt-attribute", "field-without-id"],
)
def test_fields_read_whole_where_the_tree_walk_keeps_them(change: Any, tmp_path: Path) -> None:
    path = tmp_path / "odd.xdf2.xml"
    text = change(BLAUE_KARTE.read_text(encoding="utf-8"))
    assert text != BLAUE_KARTE.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    assert _outcome(path, True) == _outcome(path, False)
