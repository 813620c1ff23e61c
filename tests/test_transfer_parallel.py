"""``validate --jobs N`` on ONE transfer message: split into byte ranges of whole
entries, validated by a process pool, merged in entry order. The report must be
the one a single process gives, also where the split cannot be trusted (a
start tag inside CDATA or a comment, a nested ``schreibe``, a broken file):
those fall back to one process."""

from __future__ import annotations

from pathlib import Path

import pytest

from xzufi_toolkit.cli.main import main
from xzufi_toolkit.validate import bulk
from xzufi_toolkit.validate.api import Options, iter_findings, validate_paths

ROOT = Path(__file__).resolve().parent.parent / "fixtures"
NS = "http://xoev.de/schemata/xzufi/2_2_0"


def _bodies() -> str:
    """The entries of every 2.2.0 invalid BULK fixture and the valid transfer message."""
    paths = [
        *sorted((ROOT / "invalid").glob("XZ-BULK-0*.xml")),
        ROOT / "valid" / "transfer-2.2.0.xml",
    ]
    out = []
    for p in paths:
        text = p.read_text("utf-8")
        if NS not in text:
            continue
        body = text.split("<xzufi:nachrichtenkopf/>", 1)[1].rsplit("</xzufi:xzufi.transfer>", 1)[0]
        out.append(body)
    return "".join(out)


def _message(tmp_path: Path, body: str, name: str = "big.xml") -> Path:
    path = tmp_path / name
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<xzufi:xzufi.transfer xmlns:xzufi="{NS}"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xzufiVersion="2.2">\n'
        "  <xzufi:nachrichtenkopf/>\n" + body + "</xzufi:xzufi.transfer>\n<!-- end -->\n",
        "utf-8",
    )
    return path


def _report(path: Path, jobs: int) -> list[tuple[object, ...]]:
    return [
        (f.code, f.severity, f.location.line, f.location.entry, f.location.object_id, f.message)
        for f in iter_findings(path, options=Options(), jobs=jobs)
    ]


@pytest.fixture
def small_ranges(monkeypatch: pytest.MonkeyPatch) -> None:
    from xzufi_toolkit.validate import api

    monkeypatch.setattr(bulk, "_CHUNK", 16 * 1024)  # many ranges from a small file
    monkeypatch.setattr(api, "_WHOLE", 1024)  # streamed from its path, not read whole


def test_ranges_merge_to_the_single_process_report(tmp_path: Path, small_ranges: None) -> None:
    path = _message(tmp_path, _bodies() * 6)
    frame = bulk._frame(path)
    tasks = list(bulk._tasks(path, frame, "x", Options()))
    assert len(tasks) > 5
    assert all(bulk._run_chunk(t) is not None for t in tasks)  # each range stands alone
    one = _report(path, 1)
    assert {c[0] for c in one} >= {"XZ-BULK-001", "XZ-BULK-002", "XZ-BULK-007", "XZ-BULK-010"}
    assert _report(path, 2) == one


@pytest.mark.parametrize(
    "damage",
    [
        # a start tag inside CDATA and inside a comment: the ranges may cut there
        lambda b: b.replace(
            "<xzufi:name languageCode",
            "<xzufi:bemerkung><![CDATA[<xzufi:schreibe> <xzufi:loesche>]]></xzufi:bemerkung>"
            "<!-- <xzufi:schreibe> --><xzufi:name languageCode",
        ),
        # a schreibe nested in an object
        lambda b: b.replace(
            "</xzufi:organisationseinheit>",
            "<xzufi:extra><xzufi:schreibe/></xzufi:extra></xzufi:organisationseinheit>",
        ),
        # not well-formed half-way
        lambda b: b[: len(b) // 2] + b[len(b) // 2 + 9 :],
    ],
    ids=["cdata-comment", "nested-schreibe", "broken"],
)
def test_untrustworthy_splits_fall_back(tmp_path: Path, small_ranges: None, damage: object) -> None:
    assert callable(damage)
    path = _message(tmp_path, damage(_bodies() * 6))
    one, two = _report(path, 1), _report(path, 2)
    if any(f[0] == "XZ-IO-002" for f in one):
        # lxml's stream drops the last entries it parsed before the syntax error;
        # the ranges before the broken one were checked whole: a superset, same error
        assert one[-1] == two[-1] and set(one) <= set(two)
        assert [f for f in two if f in set(one)] == one
    else:
        assert two == one


def test_frames_that_are_not_split(tmp_path: Path) -> None:
    """Non-UTF-8, a comment in the frame, no entries: one process, same report."""
    latin = tmp_path / "latin1.xml"
    latin.write_bytes(
        (
            '<?xml version="1.0" encoding="ISO-8859-1"?>\n'
            f'<x:xzufi.transfer xmlns:x="{NS}" xzufiVersion="2.2.0"><x:nachrichtenkopf/>'
            '<x:loesche klasse="Leistung"><x:id schemeAgencyID="A">Bärbel</x:id></x:loesche>'
            "</x:xzufi.transfer>"
        ).encode("latin-1")
    )
    commented = _message(tmp_path, "<!-- <xzufi:schreibe> -->" + _bodies(), "commented.xml")
    empty = _message(tmp_path, "", "empty.xml")
    for path in (latin, commented, empty):
        with pytest.raises(bulk._Fallback):  # so parallel_findings streams in one process
            bulk._frame(path)
        assert _report(path, 2) == _report(path, 1)


def test_validate_paths_and_cli_use_the_pool(tmp_path: Path, small_ranges: None) -> None:
    path = _message(tmp_path, _bodies() * 3)
    one = validate_paths([str(path)], jobs=1)
    two = validate_paths([str(path)], jobs=2)
    assert [f.location for f in two.findings] == [f.location for f in one.findings]
    assert main(["validate", "-q", "--jobs", "2", str(path)]) == 1


_REAL_RUN = bulk._run_chunk


def _third_range_fails(task: bulk._Task) -> bulk.Chunk | None:
    """As if the third range were not well-formed on its own."""
    frame = bulk._frame(Path(task.path))
    starts = list(bulk._boundaries(Path(task.path), frame))
    return None if task.start == starts[2] else _REAL_RUN(task)


def test_a_range_that_fails_continues_in_one_process(
    tmp_path: Path, small_ranges: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _message(tmp_path, _bodies() * 6)
    one = _report(path, 1)
    monkeypatch.setattr(bulk, "_run_chunk", _third_range_fails)
    assert _report(path, 2) == one


def test_lines_past_65535_are_the_same_in_one_process_and_in_ranges(
    tmp_path: Path, small_ranges: None
) -> None:
    """libxml2 keeps 16 bits of an element's line: past 65,535 it answers with a
    neighbouring text node's line (the end of the whitespace after the start tag).
    ``xmlsafe.source_line`` corrects that, so both reports name the true lines."""
    bodies = _bodies()
    path = _message(tmp_path, bodies + "\n" * 70_000 + bodies)
    one = _report(path, 1)
    lines = path.read_text("utf-8").splitlines()
    late = [c for c in one if isinstance(c[2], int) and c[2] > 65_535]
    assert late
    for finding in late:  # each names the line of an element's start tag
        assert isinstance(finding[2], int) and lines[finding[2] - 1].lstrip().startswith("<")
    assert _report(path, 2) == one


def test_source_line_past_65535_names_the_start_tag() -> None:
    from xzufi_toolkit.io import xmlsafe

    head = '<?xml version="1.0"?>\n<r>\n' + "  <e>x</e>\n" * 70_000
    tail = "  <f>\n    <g>y</g>\n  </f>\n  <h/>\n  <i a='1'><j>z</j></i>\n</r>\n"
    root = xmlsafe.parse_bytes((head + tail).encode()).getroot()
    first = 70_000 + 3  # line of <f>
    got = {el.tag: xmlsafe.source_line(el) for el in root.iter("e", "f", "g", "h", "i", "j")}
    assert got == {
        "e": 70_002,
        "f": first,
        "g": first + 1,
        "h": first + 3,
        "i": first + 4,
        "j": first + 4,
    }
