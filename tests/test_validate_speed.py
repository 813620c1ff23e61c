"""The speed measures of ``xzufi validate`` change no result.

Per-Leistung indexes must answer exactly what a naive walk answers; process-wide
caches must give the uncached result, stay bounded and never keep hostile
megabyte values; the per-thread parser of :mod:`xzufi_toolkit.io.xmlsafe` must
parse every document as a fresh parser would, after errors and across threads.
"""

from __future__ import annotations

import datetime
import re
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from xzufi_toolkit.errors import InputError
from xzufi_toolkit.io import xmlsafe
from xzufi_toolkit.model import normalize_language
from xzufi_toolkit.reference import citations, leika
from xzufi_toolkit.validate.api import Options, validate_file
from xzufi_toolkit.validate.config import RuleConfig
from xzufi_toolkit.validate.context import Ctx, code_value, local, text_of
from xzufi_toolkit.validate.registry import RULES
from xzufi_toolkit.validate.rules import key, language, law, links

ROOT = Path(__file__).resolve().parent.parent
NS = "http://xoev.de/schemata/xzufi/2_2_0"
TODAY = datetime.date(2026, 1, 1)

# Names in several spellings and namespaces, so that lower-casing and
# qualified/unqualified children are exercised.
_NAMES = ["code", "Code", "inhalt", "typ", "modulText", "modultext", "name", "dauer"]
_TAGS = [f"{{{NS}}}{n}" for n in _NAMES] + _NAMES + ["{urn:other}code"]


@st.composite
def trees(draw: st.DrawFn) -> etree._Element:
    root = etree.Element(f"{{{NS}}}leistung")
    nodes = [root]
    for _ in range(draw(st.integers(0, 40))):
        parent = draw(st.sampled_from(nodes))
        kind = draw(st.integers(0, 9))
        if kind == 0:
            parent.append(etree.Comment("c"))
            continue
        child = etree.SubElement(parent, draw(st.sampled_from(_TAGS)))
        child.text = draw(st.sampled_from([None, "", " 07 ", "x", "&nbsp;", "<p></p>"]))
        if draw(st.booleans()):
            child.set(draw(st.sampled_from(["languageCode", "{urn:other}languageCode"])), "de")
        nodes.append(child)
    if draw(st.booleans()):
        root.set("languageCode", "")
    return root


@settings(max_examples=150, deadline=None, derandomize=True)
@given(trees())
def test_index_answers_what_a_walk_answers(root: etree._Element) -> None:
    ctx = Ctx(root, "2.2.0", TODAY)
    everything = list(root.iter(tag=etree.Element))
    for name in {n.lower() for n in _NAMES}:
        assert ctx.all(name) == [e for e in everything if local(e) == name]
        for parent in everything:
            assert ctx.kids(name, parent) == [c for c in parent if local(c) == name]
    for el in everything:
        assert ctx.code(el) == code_value(el)
        assert ctx.code(el) == ctx.code(el)  # memoised: same answer again
    assert ctx.kids("typ") == [c for c in root if local(c) == "typ"]
    assert ctx.localized == [e for e in everything if e.get("languageCode") is not None]
    by_code: dict[str, list[etree._Element]] = {}
    for m in everything:
        if local(m) == "modultext":
            lt = next((c for c in m if local(c) == "leikatextmodul"), None)
            by_code.setdefault(code_value(lt) if lt is not None else "", []).append(m)
    assert ctx.text_modules == by_code


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.text(max_size=40))
def test_process_caches_give_the_uncached_answer(value: str) -> None:
    assert links._parsed(value) == links._split(value)
    assert key._checked(value) == key._check(value)
    v = value.strip()
    assert language._info(value) == (
        v,
        language._BCP47.match(v) is not None,
        normalize_language(v),
        language.canonical_case(v),
    )
    assert law._parse(value) == citations.parse(value)


def test_caches_keep_no_megabyte_values() -> None:
    huge = "https://example.org/" + "a" * 1_000_000
    before = links._split_cached.cache_info().currsize
    assert links._parsed(huge)[0] == "https"
    assert links._split_cached.cache_info().currsize == before
    long_key = "99" * 100_000
    before = key._check_cached.cache_info().currsize
    assert key._checked(long_key)[1] is not None
    assert key._check_cached.cache_info().currsize == before
    text = "§ 25 AufenthG " * 100_000
    before = law._parse_cached.cache_info().currsize
    assert law._parse(text).citations
    assert law._parse_cached.cache_info().currsize == before


def test_language_cache_is_bounded() -> None:
    for i in range(language._INFO_MAX + 500):
        language._info(f"x{i}")
    assert len(language._INFO) <= language._INFO_MAX


def test_leika_verdict_cached_like_leika() -> None:
    good = "99010022001012"
    assert key._checked(good) == (leika.validate(good), None, leika.level(good))
    with pytest.raises(leika.LeikaError) as exc:
        leika.validate("9901002200101")
    assert key._checked("9901002200101") == (None, exc.value.message, None)


def test_thread_parser_recovers_after_errors() -> None:
    good = (ROOT / "fixtures" / "valid" / "leistung-99010022001012-2.2.0.xml").read_bytes()
    expected = etree.tostring(etree.fromstring(good, xmlsafe.make_parser()))
    for bad in (good[: len(good) // 2], b"<a><b></a>", b"\xff\xfe<\x00"):
        with pytest.raises(InputError):
            xmlsafe.parse_bytes(bad)
        assert etree.tostring(xmlsafe.parse_bytes(good).getroot()) == expected


_ITEM = re.compile(rb"\s+|<\?.*?\?>|<!--.*?-->", re.S)
_PIECES = [b" ", b"\n", b"<?xml version='1.0'?>", b"<?pi?>", b"<!-- c -->", b"<!--", b"-->"]
_PIECES += [b"?>", b"<?", b"<!DOCTYPE a>", b"<a/>", b"x", b"\xef\xbb\xbf", b"<"]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(_PIECES), max_size=8))
def test_prolog_in_one_match_ends_where_item_by_item_ends(parts: list[bytes]) -> None:
    data = b"".join(parts)
    pos = 0
    while (m := _ITEM.match(data, pos)) is not None:  # the loop it replaced
        pos = m.end()
    one = xmlsafe._PROLOG.match(data)
    assert one is not None
    assert one.end() == pos


def test_thread_parser_keeps_no_base_url() -> None:
    with_url = xmlsafe.parse_bytes(b"<a/>", base_url="/tmp/schemas/x.xsd")
    without = xmlsafe.parse_bytes(b"<b/>")
    assert with_url.docinfo.URL == "/tmp/schemas/x.xsd"
    assert without.docinfo.URL is None


def test_thread_parser_per_thread() -> None:
    docs = [f"<r><v>{i}</v>{'<x/>' * i}</r>".encode() for i in range(200)]
    errors: list[str] = []

    def work() -> None:
        for i, d in enumerate(docs):
            root = xmlsafe.parse_bytes(d).getroot()
            if root.findtext("v") != str(i) or len(root) != i + 1:
                errors.append(f"document {i} parsed wrongly")

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_warm_caches_give_the_same_findings() -> None:
    """A second run over the corpus (every cache warm) reports exactly the first run."""
    files = sorted((ROOT / "fixtures").rglob("*.xml"))
    assert files
    opts = Options(today=TODAY)

    def run() -> list[tuple[str, str, str, int | None, str | None]]:
        return [
            (str(p), f.code, f.message, f.location.line, f.location.xpath)
            for p in files
            for f in validate_file(p, options=opts).findings
        ]

    first = run()
    assert first == run()
    assert any(code.startswith("XZ-") for _, code, *_ in first)


def test_text_of_and_code_value_unchanged() -> None:
    el = etree.fromstring("<t><code> 02 </code></t>")
    assert code_value(el) == "02" == text_of(el[0])


def test_all_rules_disabled_keeps_input_and_schema_findings() -> None:
    """With every Leistung rule disabled no index is built; the input and XSD
    findings are exactly those of the full run."""
    off = frozenset(code for code, r in RULES.items() if r.fn is not None)
    files = sorted((ROOT / "fixtures").rglob("*.xml"))
    full = Options(today=TODAY)
    bare = Options(today=TODAY, config=RuleConfig(disabled=off))
    seen: set[str] = set()
    for p in files:
        expected = [f for f in validate_file(p, options=full).findings if f.code not in off]
        got = validate_file(p, options=bare).findings
        assert got == expected, p
        seen.update(f.code for f in got)
    assert "XZ-XSD-001" in seen
