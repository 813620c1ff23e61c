"""XZ-LANG-002 (issue 10): real PVOG data writes ``de-DE`` a lot. A region subtag is
fine; the rule reports only codes not in BCP 47's canonical case (``DE``, ``de-de``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from xzufi_toolkit.validate.api import iter_findings
from xzufi_toolkit.validate.rules.language import canonical_case

ROOT = Path(__file__).resolve().parent.parent
INVALID = ROOT / "fixtures" / "invalid" / "XZ-LANG-002-case.xml"


@pytest.mark.parametrize(
    ("tag", "proper"),
    [
        ("de", "de"),
        ("de-DE", "de-DE"),
        ("DE", "de"),
        ("de-de", "de-DE"),
        ("EN-gb", "en-GB"),
        ("sr-latn-rs", "sr-Latn-RS"),
        ("es-419", "es-419"),
        ("de-x-PVOG", "de-x-pvog"),
    ],
)
def test_canonical_case(tag: str, proper: str) -> None:
    assert canonical_case(tag) == proper


@pytest.mark.parametrize(("code", "reported"), [("de-DE", False), ("de-de", True), ("DE", True)])
def test_region_subtag_is_fine_wrong_case_is_reported(
    tmp_path: Path, code: str, reported: bool
) -> None:
    doc = tmp_path / "leistung.xml"
    doc.write_bytes(
        INVALID.read_bytes().replace(b'languageCode="de-de"', f'languageCode="{code}"'.encode())
    )
    lang = [f for f in iter_findings(doc) if f.code.startswith("XZ-LANG")]
    assert [f.code for f in lang] == (["XZ-LANG-002"] if reported else [])


def test_pvog_corpus_de_de_is_not_reported() -> None:
    checked = 0
    for path in sorted((ROOT / "fixtures" / "pvog").glob("*.xml")):
        checked += path.read_bytes().count(b"de-DE")
        for f in iter_findings(path):
            if f.code == "XZ-LANG-002":  # the corpus also has an 'EN'
                assert "'de-DE'" not in f.message, path.name
    assert checked > 10
