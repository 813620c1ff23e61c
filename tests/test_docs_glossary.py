"""The glossary: every link to it lands on a term, and findings explain their words."""

from __future__ import annotations

import re
from pathlib import Path

from xzufi_toolkit.io.resources import fixture_file
from xzufi_toolkit.validate.api import validate_file

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = ROOT / "docs" / "glossary.md"
TERMS = (
    "LeiKa",
    "Typisierung",
    "lo, lov, lovd",
    "Verrichtung",
    "Verrichtungsdetail",
    "Zuständigkeit",
    "ARS",
    "Stammdatenschema",
)


def _anchors() -> set[str]:
    return set(re.findall(r'<a id="([^"]+)"></a>', GLOSSARY.read_text("utf-8")))


def test_the_issue_terms_are_defined() -> None:
    text = GLOSSARY.read_text("utf-8")
    for term in TERMS:
        assert re.search(rf"\*\*[^*\n]*{re.escape(term)}[^*\n]*\*\*", text), term


def test_every_glossary_link_resolves() -> None:
    anchors = _anchors()
    docs = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    links = [
        (doc.name, anchor)
        for doc in docs
        for anchor in re.findall(r"glossary\.md#([\w-]+)", doc.read_text("utf-8"))
    ]
    assert len(links) > 20  # docs/rules.md links its terms
    assert [link for link in links if link[1] not in anchors] == []
    inner = re.findall(r"\]\(#([\w-]+)\)", GLOSSARY.read_text("utf-8"))
    assert inner and set(inner) <= anchors


def test_the_lov_finding_says_what_lov_is() -> None:
    report = validate_file(fixture_file("leistung", "99010022001012-2.3.1.xml"))
    (finding,) = [f for f in report if f.code == "XZ-KEY-005"]
    assert "Leistungsobjekt mit Verrichtung" in finding.text("en")
    assert "Leistungsobjekt mit Verrichtung" in finding.text("de")
