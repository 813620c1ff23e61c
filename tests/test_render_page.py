"""The citizen page: structure, accessibility, sanitising, and headless Chromium."""

from __future__ import annotations

import datetime
import itertools
import os
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xzufi_toolkit.cli.main import main
from xzufi_toolkit.errors import UsageError
from xzufi_toolkit.io.resources import fixture_file
from xzufi_toolkit.model import (
    Code,
    Cost,
    CostModule,
    Duration,
    DurationModule,
    Identifier,
    Leistung,
    LocalizedText,
    TextModule,
)
from xzufi_toolkit.portal_import import import_portal
from xzufi_toolkit.render import render_page, sanitize_html
from xzufi_toolkit.render.page import _css
from xzufi_toolkit.xzufi.reader import read_leistung

PORTAL = Path(__file__).resolve().parent.parent / "fixtures" / "portal"


@pytest.fixture(scope="module")
def seed_leistung() -> Leistung:
    result = import_portal((PORTAL / "seed.txt").read_bytes(), name="seed.txt")
    assert result.leistung is not None
    return result.leistung


def _doc(page: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(page)


def _hostile(content: str, lang: str = "de") -> Leistung:
    return Leistung(
        id=Identifier(value="99010022001012"),
        leika_keys=["99010022001012"],
        text_modules=[
            TextModule(code=Code(code="02"), contents=[LocalizedText(language=lang, text="Name")]),
            TextModule(code=Code(code="06"), contents=[LocalizedText(language=lang, text=content)]),
        ],
    )


# ------------------------------------------------------------ structure


@pytest.mark.parametrize("lang", ["de", "en"])
def test_landmarks_headings_and_lang(seed_leistung: Leistung, lang: str) -> None:
    doc = _doc(render_page(seed_leistung, lang=lang))
    assert doc.get("lang") == lang
    assert len(doc.findall(".//header")) == 1
    assert len(doc.findall(".//main")) == 1
    assert len(doc.findall(".//footer")) == 1
    assert doc.find(".//nav") is not None
    levels = [int(h.tag[1]) for h in doc.iter("h1", "h2", "h3", "h4", "h5", "h6")]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), levels
    ids = {el.get("id") for el in doc.iter() if el.get("id")}
    for section in doc.iter("section"):
        assert section.get("aria-labelledby") in ids
    for link in doc.iter("a"):
        href = link.get("href", "")
        if href.startswith("#"):
            assert href[1:] in ids
    # The skip link leads to main.
    assert doc.find(".//a[@class='skip']").get("href") == "#main"


def test_self_contained(seed_leistung: Leistung) -> None:
    page = render_page(seed_leistung, lang="de")
    doc = _doc(page)
    assert not list(doc.iter("script", "link", "img", "iframe", "object", "embed"))
    assert not [el for el in doc.iter() if el.get("src") or el.get("style")]
    csp = doc.find(".//meta[@http-equiv='Content-Security-Policy']").get("content")
    assert "default-src 'none'" in csp
    assert "@import" not in page and "url(" not in page


def test_portal_order_and_structured_values(seed_leistung: Leistung) -> None:
    doc = _doc(render_page(seed_leistung, lang="de"))
    headings = [h.text_content() for h in doc.iter("h2")]
    assert headings[:10] == [
        "Inhalt",
        "Beschreibung",
        "Erforderliche Unterlagen",
        "Voraussetzungen",
        "Kosten",
        "Verfahrensablauf",
        "Bearbeitungsdauer",
        "Fristen",
        "Formulare",
        "Hinweise",
    ]
    text = doc.text_content()
    assert "100,00 EUR" in text and "50,00 EUR" in text and "kostenfrei" in text
    assert "6 bis 8 Wochen" in text and "3 Jahre" in text
    assert doc.find(".//h1").text_content().startswith("Aufenthaltserlaubnis aus völkerrechtlichen")
    # English module texts on the German page say so.
    assert doc.find(".//section[@aria-labelledby='s-06']/div").get("lang") == "en"
    en = _doc(render_page(seed_leistung, lang="en")).text_content()
    assert "EUR 100.00" in en and "6 to 8 weeks" in en and "Service key (LeiKa)" in en


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_colours_meet_wcag_aa() -> None:
    css = _css()
    foregrounds = set(re.findall(r"(?<![-\w])color:\s*(#[0-9a-f]{6})", css))
    backgrounds = set(re.findall(r"background:\s*(#[0-9a-f]{6})", css))
    assert foregrounds and backgrounds
    for fg in foregrounds:
        for bg in backgrounds:
            assert _contrast(fg, bg) >= 4.5, (fg, bg)


@pytest.mark.parametrize("lang", ["de", "en"])
def test_curated_fixture_page(lang: str) -> None:
    """The bundled bilingual Leistung: no fallbacks, legal basis after the notes."""
    leistung = read_leistung(fixture_file("leistung", "99010022001012-2.3.1.xml")).leistung
    doc = _doc(render_page(leistung, lang=lang))
    body = doc.find("body")
    assert not [el for el in body.iter() if el.get("lang")]
    headings = [h.text_content() for h in body.iter("h2")]
    notes, legal = ("Hinweise", "Rechtsgrundlage(n)") if lang == "de" else ("Notes", "Legal basis")
    assert headings.index(legal) == headings.index(notes) + 1
    text = " ".join(body.text_content().split())
    if lang == "de":
        assert "§ 25 Abs. 4 Satz 2 Aufenthaltsgesetz (AufenthG)" in text
        assert "50 Euro für Minderjährige" in text and "05.04.2022" in text
    else:
        assert "Section 25 (4) sentence 2 Residence Act (AufenthG)" in text
        assert "50 euros for minors" in text and "2022-04-05" in text


def test_cost_and_duration_formats() -> None:
    leistung = _hostile("<p>x</p>")
    leistung.cost_modules = [
        CostModule(
            costs=[
                Cost(kind="fix", amount=Decimal("1234.5"), currency="EUR"),
                Cost(kind="variabel", lower=Decimal(10), upper=Decimal(30)),
                Cost(kind="frei"),
            ]
        )
    ]
    leistung.processing_time_modules = [
        DurationModule(
            items=[
                Duration(value=1, unit="TAG", value_to=2, unit_to="WOCHE"),
                Duration(value=10, unit="WERKTAG"),
                Duration(date_from=datetime.date(2025, 1, 31), date_to="--05-01"),
            ]
        )
    ]
    de = " ".join(_doc(render_page(leistung, lang="de")).text_content().split())
    for snippet in ("1.234,50 EUR", "10,00 EUR bis 30,00 EUR", "kostenfrei"):
        assert snippet in de
    for snippet in ("1 Tag bis 2 Wochen", "10 Werktage", "31.01.2025 bis --05-01"):
        assert snippet in de
    en = " ".join(_doc(render_page(leistung, lang="en")).text_content().split())
    for snippet in ("EUR 1,234.50", "EUR 10.00 to EUR 30.00", "free of charge"):
        assert snippet in en
    for snippet in ("1 day to 2 weeks", "10 working days", "2025-01-31 to --05-01"):
        assert snippet in en


def test_unknown_language_is_a_usage_error(seed_leistung: Leistung) -> None:
    with pytest.raises(UsageError):
        render_page(seed_leistung, lang="fr")


# ----------------------------------------------------------- sanitising

HOSTILE = (
    '<script>alert(1)</script><p onclick="x()">ok</p><img src="https://x.example/t.png">'
    '<a href="javascript:alert(1)">js</a><a href="https://example.org/">web</a>'
    "<style>body{}</style><iframe src='https://x.example'></iframe><h1>Heading</h1>"
    '<form action="https://x.example"><input name="q"></form>'
)


def test_sanitize_allow_list() -> None:
    clean = sanitize_html(HOSTILE)
    for bad in ("<script", "alert", "onclick", "<img", "javascript:", "<style", "<iframe", "<form"):
        assert bad not in clean
    assert "<p>ok</p>" in clean
    assert '<a href="https://example.org/" rel="noopener noreferrer nofollow">web</a>' in clean
    assert "<p><strong>Heading</strong></p>" in clean


def test_hostile_language_code_cannot_break_out_of_its_attribute() -> None:
    doc = _doc(render_page(_hostile("<p>text</p>", lang='en" onmouseover="alert(1)')))
    body = doc.find("body")
    assert not [el for el in body.iter() if any(a.startswith("on") for a in el.attrib)]
    assert {el.get("lang") for el in body.iter() if el.get("lang")} == {"und"}


def test_hostile_module_cannot_break_the_page() -> None:
    doc = _doc(render_page(_hostile(HOSTILE)))
    body = doc.find("body")
    assert not list(body.iter("script", "img", "iframe", "form", "input", "style"))
    assert [h.text_content() for h in doc.iter("h1")] == ["Name"]
    assert "ok" in body.text_content()


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/=\"' abcdehijlnoprstv:()&;#")), max_size=120))
def test_sanitized_output_has_no_active_content(fragment: str) -> None:
    clean = sanitize_html(fragment).lower()
    doc = lxml.html.fragment_fromstring(clean or "<p></p>", create_parent="div")
    for el in doc.iter():
        assert el.tag in {"div", "p", "a", "strong", "b", "i", "em", "br"} | {
            "ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody", "tr", "th", "td",
            "caption", "abbr", "sub", "sup", "span", "u",
        }  # fmt: skip
        assert not [a for a in el.attrib if a.startswith("on")]
        assert not el.get("href", "").strip().startswith("javascript")


# ------------------------------------------------------------------ CLI


def test_render_cli_round_trip(tmp_path: Path) -> None:
    xml = tmp_path / "l.xml"
    page = tmp_path / "page.html"
    assert main(["import-portal", str(PORTAL / "seed.txt"), "-o", str(xml), "-q"]) == 0
    assert main(["render", str(xml), "-o", str(page), "--lang", "en"]) == 0
    doc = _doc(page.read_text("utf-8"))
    assert doc.get("lang") == "en"
    assert "Residence permit for international" in doc.find(".//h1").text_content()


def test_render_cli_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text("<not-xzufi/>")
    page = tmp_path / "page.html"
    assert main(["render", str(bad), "-o", str(page)]) == 1
    assert not page.exists()
    err = capsys.readouterr().err
    assert "bad.xml" in err and "Traceback" not in err


# -------------------------------------------------------------- browser

_CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing on CI: .ci/run installs Debian's chromium package")
        pytest.skip("chromium not installed (Debian: apt-get install chromium)")
    return found


def _run_chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_chromium(), *_CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )


BROWSER_CASES = {
    # source, lang → text the rendered DOM must show
    ("seed", "de"): ["100,00 EUR", "6 bis 8 Wochen", "Erforderliche Unterlagen", "Lease"],
    ("seed", "en"): ["EUR 100.00", "6 to 8 weeks", "Required documents", "Lease"],
    ("fixture", "de"): ["Rechtsgrundlage(n)", "§ 25 Abs. 4 Satz 2", "Mietvertrag", "3 Jahre"],
}


@pytest.mark.browser
@pytest.mark.parametrize(("source", "lang"), sorted(BROWSER_CASES))
def test_page_in_headless_chromium(
    seed_leistung: Leistung, tmp_path: Path, source: str, lang: str
) -> None:
    page = tmp_path / f"page-{lang}.html"
    if source == "seed":
        page.write_text(render_page(seed_leistung, lang=lang), "utf-8")
    else:
        xml = str(fixture_file("leistung", "99010022001012-2.3.1.xml"))
        assert main(["render", xml, "-o", str(page), "--lang", lang]) == 0
    dumped = _run_chromium(tmp_path, "--dump-dom", page.as_uri())
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    doc = _doc(dumped.stdout)
    assert doc.get("lang") == lang
    text = " ".join(doc.text_content().split())
    for snippet in BROWSER_CASES[source, lang]:
        assert snippet in text

    shot = tmp_path / f"page-{lang}.png"
    taken = _run_chromium(
        tmp_path, f"--screenshot={shot}", "--window-size=1000,1600", page.as_uri()
    )
    assert taken.returncode == 0, taken.stderr[-2000:]
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (1000, 1600)
    # A blank page compresses to almost nothing; text and tables do not.
    assert len(png) > 20_000
