"""Pieces of the portal import: repairs, line joins, costs, durations; property tests."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xzufi_toolkit.errors import InputError
from xzufi_toolkit.io import xmlsafe
from xzufi_toolkit.portal_import.export import read_export
from xzufi_toolkit.portal_import.repairs import repair_line
from xzufi_toolkit.portal_import.text import Line, clean_lines
from xzufi_toolkit.portal_import.values import (
    Block,
    blocks_html,
    blocks_of,
    parse_code,
    parse_costs,
    parse_date,
    parse_durations,
)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("according to Book Il of the Social Code", "according to Book II of the Social Code"),
        ("Leistungsbezeichnung Il", "Leistungsbezeichnung II"),
        ("Il Postino", "Il Postino"),  # not after a word that takes a numeral
        ("Erteilung far aullergewohnliche Hartefalle", "Erteilung für außergewöhnliche Härtefälle"),
        ("humanitaren oder politischen Grunden", "humanitären oder politischen Gründen"),
        # English lines keep their short words.
        ("as far as the office is concerned", "as far as the office is concerned"),
        ("a fur coat and the Schlussel", "a fur coat and the Schlüssel"),
    ],
)
def test_repair_line(line: str, expected: str) -> None:
    assert repair_line(line)[0] == expected


def _clean(text: str) -> list[str]:
    lines, _ = clean_lines(text, name="t")
    return [line.text for line in lines]


def test_hyphenation_joined_but_coordinations_kept() -> None:
    assert _clean("the resi-\ndence permit") == ["the residence", "permit"]
    assert _clean("Kranken-\nund Pflegeversicherung") == ["Kranken- und Pflegeversicherung"]
    assert _clean("Bund-\nLänder") == ["Bund-", "Länder"]  # next word capitalised: a real hyphen


def test_torn_paragraph_joined_only_mid_sentence() -> None:
    assert _clean("provision for\n\njobseekers") == ["provision for", "jobseekers"]
    assert _clean("It ends.\n\nnext one") == ["It ends.", "", "next one"]
    assert _clean("Heading\n\nNew paragraph") == ["Heading", "", "New paragraph"]


def test_footer_lines_removed_and_reported() -> None:
    text = "a\nTitle… Heruntergeladen am 01.02.2023\nSeite 1 von 2\nb"
    lines, findings = clean_lines(text, name="t")
    assert [x.text for x in lines if not x.blank] == ["a", "b"]
    assert [(f.code, f.location.line) for f in findings] == [("IMP-FOOTER", 2), ("IMP-FOOTER", 3)]


def test_blocks_bullets_and_inline_bullet() -> None:
    lines = [
        Line(1, "Intro:"),
        Line(2, "* one"),
        Line(3, "continued"),
        Line(4, ""),
        Line(5, "+ two"),
        Line(6, ""),
        Line(7, "Validity: « first « second"),
    ]
    assert blocks_of(lines) == (
        Block("p", ("Intro:",)),
        Block("ul", ("one continued", "two")),
        Block("p", ("Validity:",)),
        Block("ul", ("first", "second")),
    )


def test_short_line_ending_a_sentence_ends_the_paragraph() -> None:
    lines = [
        Line(1, "first line of the section, shared with its label."),
        Line(2, "A line as wide as the column is wide here, and it"),
        Line(3, "ends the sentence here."),
        Line(4, "Next paragraph, its first word fits above, and"),
        Line(5, "A full-width line that ends a sentence right here."),
        Line(6, "Continuation_of_a_long_word_that_would_not_fit above."),
    ]
    assert [b.items[0][:10] for b in blocks_of(lines)] == ["first line", "Next parag"]


def test_parse_code_and_date() -> None:
    assert parse_code("Aufenthaltstitel (010)") == ("010", "Aufenthaltstitel")
    assert parse_code("Einwanderung  (1080100)") == ("1080100", "Einwanderung")
    assert parse_code("no code here") == (None, "no code here")
    assert parse_date("05.04.2022") == datetime.date(2022, 4, 5)
    assert parse_date("31.02.2022") is None
    assert parse_date("2022-04-05") == datetime.date(2022, 4, 5)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a fee of 100 euros is due (50 euros for minors)", [("fix", "100"), ("fix", "50")]),
        ("Die Gebühr beträgt 1.000,50 Euro.", [("fix", "1000.50")]),
        ("The fee is € 12.50.", [("fix", "12.50")]),
        ("zwischen 10 und 30 Euro", [("variabel", "10-30")]),
        ("from 25 to 80 euros depending on the case", [("variabel", "25-80")]),
        ("Exemption from fees for social benefits", [("frei", None)]),
        ("Die Leistung ist gebührenfrei.", [("frei", None)]),
        ("Fees depend on the municipality.", []),
    ],
)
def test_parse_costs(text: str, expected: list[tuple[str, str | None]]) -> None:
    costs, rest = parse_costs((Block("p", (text,)),), 1)
    got = [
        (c.kind, f"{c.lower}-{c.upper}" if c.kind == "variabel" else c.amount and str(c.amount))
        for c in costs
    ]
    assert got == expected
    assert rest == ([] if expected else [text])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(about 6 to 8 weeks)", (6, "WOCHE", 8, "WOCHE")),
        ("A maximum of three years", (3, "JAHR", None, None)),
        ("in der Regel 2 bis 3 Monate", (2, "MONAT", 3, "MONAT")),
        ("innerhalb von zehn Werktagen", (10, "WERKTAG", None, None)),
        ("1 day to 2 weeks", (1, "TAG", 2, "WOCHE")),
    ],
)
def test_parse_durations(text: str, expected: tuple[object, ...]) -> None:
    (d,) = parse_durations((Block("p", (text,)),), 1)
    assert (d.value, d.unit, d.value_to, d.unit_to) == expected


def test_no_duration_in_plain_text() -> None:
    assert parse_durations((Block("p", ("Please ask the authority.",)),), 1) == []


# ------------------------------------------------------------ properties

_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöüß&<>\"'", min_size=1, max_size=8)
_ITEM = st.lists(_WORD, min_size=1, max_size=6).map(" ".join)
_BLOCK = st.one_of(
    _ITEM.map(lambda t: Block("p", (t,))),
    st.lists(_ITEM, min_size=1, max_size=4).map(lambda items: Block("ul", tuple(items))),
)


@given(st.lists(_BLOCK, max_size=6))
def test_blocks_html_reads_back(blocks: list[Block]) -> None:
    """blocks_html writes well-formed markup whose paragraphs and items read back unchanged."""
    root = xmlsafe.parse_bytes(f"<div>{blocks_html(tuple(blocks))}</div>".encode()).getroot()
    got = [
        (el.tag, tuple(li.text or "" for li in el) if el.tag == "ul" else (el.text or "",))
        for el in root
    ]
    assert got == [(b.kind, b.items) for b in blocks]


_NAME = st.sampled_from(["Aufenthaltstitel", "Einwanderung", "Familie", "Bildung Arbeit"])


@settings(max_examples=60, deadline=None)
@given(
    typ=st.sampled_from(["1", "2", "2/3", "2/3a", "4b", "10"]),
    group=st.tuples(st.integers(1, 999), _NAME),
    action=st.tuples(st.integers(1, 999), _NAME),
    situation=st.tuples(st.integers(1_000_000, 9_999_999), _NAME),
    ea=st.booleans(),
    day=st.dates(datetime.date(2000, 1, 1), datetime.date(2099, 12, 31)),
    by=_NAME,
    layout=st.sampled_from(["inline", "after", "before"]),
)
def test_export_text_reads_back(
    typ: str,
    group: tuple[int, str],
    action: tuple[int, str],
    situation: tuple[int, str],
    ea: bool,
    day: datetime.date,
    by: str,
    layout: str,
) -> None:
    """Short fields written as the portal lays them out (inline or displaced) read back."""
    values = {
        "Verrichtungskennung": f"{action[1]} ({action[0]:03d})",
        "Lagen Portalverbund": f"{situation[1]} ({situation[0]})",
        "Einheitlicher Ansprechpartner": "Ja" if ea else "Nein",
        "Fachlich freigegeben am": day.strftime("%d.%m.%Y"),
        "Fachlich freigegeben durch": by,
    }
    head = [
        "Leistungsschlüssel 99010022001012",
        "Leistungsbezeichnung Some title",
        f"Typisierung {typ}",
        f"Leistungsgruppierung {group[1]} ({group[0]:03d})",
    ]
    if layout == "inline":
        block = [f"{label} {value}" for label, value in values.items()]
    else:
        labels = [*values, ""]
        displaced = [v for value in values.values() for v in (value, "")]
        block = labels + displaced if layout == "after" else displaced + labels
    text = "\n".join([*head, *block, "Volltext Some text."]) + "\n"
    result = read_export(text.encode(), name="gen.txt")
    assert result.typisierung == [typ]
    assert result.grouping is not None and result.grouping.code == f"{group[0]:03d}"
    assert result.action is not None and result.action.code == f"{action[0]:03d}"
    assert [s.code for s in result.situations] == [str(situation[0])]
    assert result.single_point_of_contact is ea
    assert result.released_on == day
    assert result.released_by == by
    assert not [f for f in result.findings if f.code == "IMP-UNPLACED"]


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400) | st.text(max_size=400).map(str.encode))
def test_any_input_reads_or_raises_input_error(data: bytes) -> None:
    try:
        read_export(data, name="fuzz")
    except InputError as exc:
        assert exc.file == "fuzz"


def test_amount_notation() -> None:
    costs, _ = parse_costs((Block("p", ("1,000.00 euros",)),), 1)
    assert costs[0].amount == Decimal("1000.00")


def test_label_word_continuing_a_sentence_is_text() -> None:
    text = (
        "Leistungsschlüssel 99010022001012\n"
        "Leistungsbezeichnung Name\n"
        "Typisierung 2/3\n\n"
        "Volltext Für den Antrag fallen\n"
        "Kosten an, die unten stehen.\n\n"
        "Kosten Die Gebühr beträgt 100 Euro.\n"
    )
    result = read_export(text.encode(), name="t.txt")
    volltext = result.sections["volltext"].blocks
    assert volltext[0].items == ("Für den Antrag fallen Kosten an, die unten stehen.",)
    assert [(c.kind, c.amount) for c in result.costs] == [("fix", Decimal(100))]
    assert [(f.code, f.location.line) for f in result.findings if f.code != "IMP-MISSING"] == [
        ("IMP-LABEL-IN-TEXT", 6)
    ]


_LOWER = st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöüß", min_size=1, max_size=11)
_SENTENCE = st.lists(_LOWER, min_size=2, max_size=14).map(lambda w: " ".join(w).capitalize() + ".")
_TEXT_BLOCK = st.one_of(
    st.lists(_SENTENCE, min_size=1, max_size=3).map(lambda s: Block("p", (" ".join(s),))),
    st.lists(st.lists(_LOWER, min_size=1, max_size=9).map(" ".join), min_size=1, max_size=4).map(
        lambda items: Block("ul", tuple(items))
    ),
)


def _layout(label: str, blocks: list[Block], width: int) -> str:
    """A text section as the portal export lays it out: wrapped, "•" bullets, blank lines."""
    import textwrap

    paragraphs = []
    for block in blocks:
        if block.kind == "p":
            paragraphs.append(textwrap.wrap(block.items[0], width))
        else:
            lines = []
            for item in block.items:
                wrapped = textwrap.wrap(item, width - 2)
                lines += ["• " + wrapped[0], *wrapped[1:]]
            paragraphs.append(lines)
    paragraphs[0][0] = f"{label} {paragraphs[0][0]}"
    return "\n\n".join("\n".join(p) for p in paragraphs)


def _merge_lists(blocks: list[Block]) -> tuple[Block, ...]:
    """Adjacent lists read back as one (the export shows no boundary between them)."""
    out: list[Block] = []
    for block in blocks:
        if out and block.kind == "ul" and out[-1].kind == "ul":
            out[-1] = Block("ul", out[-1].items + block.items)
        else:
            out.append(block)
    return tuple(out)


@settings(max_examples=80, deadline=None)
@given(st.lists(_TEXT_BLOCK, min_size=1, max_size=5), st.integers(30, 70))
def test_text_section_layout_reads_back(blocks: list[Block], width: int) -> None:
    """Paragraphs and lists wrapped at any column width come back as they were."""
    head = "Leistungsschlüssel 99010022001012\nLeistungsbezeichnung Name\n\n"
    text = head + _layout("Volltext", blocks, width) + "\n\nHinweise Ende.\n"
    result = read_export(text.encode(), name="gen.txt")
    assert result.sections["volltext"].blocks == _merge_lists(blocks)
