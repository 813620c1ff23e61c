"""Legal citations: cases as data, HTML, problems, law table, format→parse round trip."""

from __future__ import annotations

import doctest
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xzufi_toolkit.findings import Location, Severity
from xzufi_toolkit.reference import citations
from xzufi_toolkit.reference.citations import Citation, parse

# (text, canonical forms of the citations found)
CASES = [
    ("§ 25 Abs. 4 Satz 2 AufenthG", ["§ 25 Abs. 4 Satz 2 AufenthG"]),
    ("§ 25 Abs. 4 S. 2 AufenthG", ["§ 25 Abs. 4 Satz 2 AufenthG"]),
    ("§ 25 Absatz 4 Satz 2 AufenthG", ["§ 25 Abs. 4 Satz 2 AufenthG"]),
    ("§§ 5, 8 AufenthG", ["§ 5 AufenthG", "§ 8 AufenthG"]),
    ("§§ 5 und 8 AufenthG", ["§ 5 AufenthG", "§ 8 AufenthG"]),
    ("Art. 6 Abs. 1 GG", ["Art. 6 Abs. 1 GG"]),
    ("Artikel 6 Absatz 1 des Grundgesetzes", ["Art. 6 Abs. 1 GG"]),
    ("§ 45 AufenthV", ["§ 45 AufenthV"]),
    ("§ 4a AufenthG", ["§ 4a AufenthG"]),
    ("§§ 45–53 AufenthV", ["§§ 45–53 AufenthV"]),
    ("§§ 45 bis 53 AufenthV", ["§§ 45–53 AufenthV"]),
    ("§ 26 Abs. 1 und 2 AufenthG", ["§ 26 Abs. 1 AufenthG", "§ 26 Abs. 2 AufenthG"]),
    ("§ 5 Abs. 1 Nr. 1 bis 3 AufenthG", [f"§ 5 Abs. 1 Nr. {n} AufenthG" for n in (1, 2, 3)]),
    ("§ 53 Abs. 1 Nr. 8 Buchst. a AufenthV", ["§ 53 Abs. 1 Nr. 8 Buchst. a AufenthV"]),
    ("§ 7 Abs. 1 Satz 2 Nr. 1 SGB II", ["§ 7 Abs. 1 Satz 2 Nr. 1 SGB II"]),
    ("§ 19 SGB XII", ["§ 19 SGB XII"]),
    ("§ 16 Zwölftes Buch Sozialgesetzbuch", ["§ 16 SGB XII"]),
    ("§ 1 des Zweiten Buches Sozialgesetzbuch", ["§ 1 SGB II"]),
    ("§ 8 des Aufenthaltsgesetzes", ["§ 8 AufenthG"]),
    ("§ 25 Aufenthaltsgesetz (AufenthG)", ["§ 25 AufenthG"]),
    ("§ 2 Freizügigkeitsgesetz/EU", ["§ 2 FreizügG/EU"]),
    ("§ 2 FreizügG/EU", ["§ 2 FreizügG/EU"]),
    ("§ 39 Beschäftigungsverordnung (BeschV)", ["§ 39 BeschV"]),
    ("§ 5 Abs. 1 Satz 1 Halbsatz 2 AufenthG", ["§ 5 Abs. 1 Satz 1 AufenthG"]),
    ("§ 25\nAbs. 4 AufenthG", ["§ 25 Abs. 4 AufenthG"]),  # a line break inside a citation
    ("Gebühr nach § 45 Nr. 1 AufenthV (100 Euro)", ["§ 45 Nr. 1 AufenthV"]),
    ("§ 12", ["§ 12"]),
    ("ohne Rechtsgrundlage", []),
    ("Art der Leistung", []),  # "Art" without a dot is not Art.
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_cases(text: str, expected: list[str]) -> None:
    result = parse(text)
    assert [c.format() for c in result.citations] == expected
    assert result.problems == ()


def test_doctests() -> None:
    result = doctest.testmod(citations)
    assert result.attempted >= 3
    assert result.failed == 0


def test_seed_legal_basis_and_span() -> None:
    text = "Rechtsgrundlage: § 25 Abs. 4 Satz 2 AufenthG."
    (c,) = parse(text).citations
    assert (c.kind, c.number, c.paragraph, c.sentence, c.law) == ("§", "25", "4", "2", "AufenthG")
    assert c.item is None and c.letter is None and c.number_to is None
    assert text[c.span[0] : c.span[1]] == c.raw == "§ 25 Abs. 4 Satz 2 AufenthG"


def test_range_keeps_ends() -> None:
    (c,) = parse("§§ 45–53 AufenthV").citations
    assert (c.number, c.number_to) == ("45", "53")


def test_law_is_inferred_across_connectors_only() -> None:
    cs = parse("§ 25 Abs. 4 Satz 2 i. V. m. § 8 AufenthG").citations
    assert [(c.law, c.law_inferred) for c in cs] == [("AufenthG", True), ("AufenthG", False)]
    cs = parse("§ 5, § 8 AufenthG").citations
    assert [c.law for c in cs] == ["AufenthG", "AufenthG"]
    # Different kinds or separate list items: no inference.
    cs = parse("§ 5 i. V. m. Art. 6 GG").citations
    assert [c.law for c in cs] == [None, "GG"]
    cs = parse("<ul><li>§ 5</li><li>§ 8 AufenthG</li></ul>").citations
    assert [c.law for c in cs] == [None, "AufenthG"]
    cs = parse("§ 5 gilt entsprechend. § 8 AufenthG").citations
    assert [c.law for c in cs] == [None, "AufenthG"]


def test_html_list_from_text_module_07() -> None:
    html = (
        "<p>Rechtsgrundlagen:</p><ul>"
        '<li><a href="https://www.gesetze-im-internet.de/aufenthg_2004/__25.html">'
        "§ 25 Abs. 4 Satz 2 Aufenthaltsgesetz (AufenthG)</a></li>"
        "<li>§&nbsp;5 AufenthG</li><li>§§ 45, 50 und 53 AufenthV</li>"
        "<li>Art.&#160;6 GG</li></ul>"
    )
    result = parse(html)
    assert [c.format() for c in result.citations] == [
        "§ 25 Abs. 4 Satz 2 AufenthG",
        "§ 5 AufenthG",
        "§ 45 AufenthV",
        "§ 50 AufenthV",
        "§ 53 AufenthV",
        "Art. 6 GG",
    ]
    assert "<" not in result.text
    for c in result.citations:
        assert result.text[c.span[0] : c.span[1]] == c.raw
    assert result.laws == ("AufenthG", "AufenthV", "GG")


def test_html_flag_forces_plain_text() -> None:
    text = "§ 5 <b>AufenthG</b>"
    assert parse(text, html=False).text == text
    assert parse(text).citations[0].law == "AufenthG"


PROBLEMS = [
    # (text, citations still found, problem text, message)
    ("§ Abs. 2", [], "§ Abs.", "expected a number after '§'"),
    ("§ 25 Abs. Satz 2 AufenthG", [], "§ 25 Abs. Satz", "expected a number after 'Abs.'"),
    ("§ 53 Nr. 8 Buchst. 7 AufenthV", [], "§ 53 Nr. 8 Buchst. 7", "expected a letter after"),
    ("§ 5 Abs. 3 bis 1 AufenthG", [], "§ 5 Abs. 3 bis 1", "cannot expand the range"),
    ("§ 5 Abs. 1a bis 3 X", [], "§ 5 Abs. 1a bis 3", "cannot expand the range"),
    ("Art. x; § 8 AufenthG", ["§ 8 AufenthG"], "Art. x;", "expected a number after 'Art.'"),
]


@pytest.mark.parametrize(("text", "found", "snippet", "message"), PROBLEMS)
def test_problems_name_the_failing_part(
    text: str, found: list[str], snippet: str, message: str
) -> None:
    result = parse(text)
    assert [c.format() for c in result.citations] == found
    (p,) = result.problems
    assert p.text == snippet
    assert message in p.message
    assert text[p.span[0] : p.span[1]] == p.text


def test_law_table() -> None:
    laws = citations.known_laws()
    for abbr in ("AufenthG", "AufenthV", "GG", "VwVfG", "AsylG", "FreizügG/EU", "BeschV", "StAG",
                 "PassG", "PAuswG", "BGebG"):  # fmt: skip
        assert abbr in laws
    for roman in ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"):
        assert f"SGB {roman}" in laws
    assert citations.law_title("AufenthG") == "Aufenthaltsgesetz"
    assert citations.law_title("FooG") is None


def test_unknown_laws() -> None:
    result = parse("§ 12 FooG, § 3 AufenthG, Art. 20 AEUV, § 4 FooG, § 9")
    assert citations.unknown_laws(result.citations) == ["FooG", "AEUV"]


def test_findings() -> None:
    loc = Location(file="leistung.xml", line=12)
    findings = citations.to_findings(parse("§ 12 FooG, § 3 Abs. x, § 4"), loc)
    assert [(f.code, f.severity) for f in findings] == [
        ("CITATION-UNPARSED", Severity.WARNING),
        ("CITATION-NO-LAW", Severity.INFO),
        ("CITATION-UNKNOWN-LAW", Severity.WARNING),
    ]
    assert all(f.location == loc for f in findings)
    assert all(f.message_de for f in findings)
    assert citations.to_findings(parse("§ 25 Abs. 4 Satz 2 AufenthG")) == []


# --- property: format → parse gives the same citation back ---

numbers = st.builds(
    lambda n, s: f"{n}{s}", st.integers(1, 999), st.sampled_from(["", "", "a", "b"])
)
small = st.integers(1, 30).map(str)
laws = st.sampled_from(sorted(citations.known_laws()))


@st.composite
def citation_values(draw: st.DrawFn) -> Citation:
    kind = draw(st.sampled_from(["§", "Art."]))
    number = draw(numbers)
    law = draw(st.one_of(st.none(), laws))
    if draw(st.booleans()) and number.isdigit():
        return Citation(
            kind, number, number_to=str(int(number) + draw(st.integers(1, 20))), law=law
        )
    return Citation(
        kind,
        number,
        paragraph=draw(st.one_of(st.none(), numbers)),
        sentence=draw(st.one_of(st.none(), small)),
        item=draw(st.one_of(st.none(), small)),
        letter=draw(st.one_of(st.none(), st.sampled_from(["a", "b", "c", "aa"]))),
        law=law,
    )


@given(citation_values())
def test_format_parse_round_trip(c: Citation) -> None:
    text = c.format()
    result = parse(text)
    assert result.problems == ()
    assert result.citations == (replace(c, raw=text, span=(0, len(text))),)


@given(
    citation_values(),
    st.sampled_from(["Siehe ", "(", "- ", "<li>"]),
    st.sampled_from([".", ")", ";", "</li>"]),
)
def test_round_trip_inside_text(c: Citation, before: str, after: str) -> None:
    (found,) = parse(before + c.format() + after).citations
    assert found.format() == c.format()


@given(st.text(max_size=60))
def test_never_raises(text: str) -> None:
    result = parse(text)
    for c in result.citations:
        assert result.text[c.span[0] : c.span[1]] == c.raw
    for p in result.problems:
        assert result.text[p.span[0] : p.span[1]] == p.text


@pytest.mark.parametrize("abbr", sorted(citations.known_laws()))
def test_every_known_law_is_recognised(abbr: str) -> None:
    (c,) = parse(f"§ 3 Abs. 1 {abbr}").citations
    assert c.law == abbr
    assert citations.unknown_laws([c]) == []


def test_overlong_capitalised_word_is_no_law() -> None:
    (c,) = parse("§ 1 " + "AB" * 500).citations
    assert c.law is None
