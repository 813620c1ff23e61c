"""Library entry points, CLI behaviour and hostile input of ``xzufi validate``."""

from __future__ import annotations

import html
import io
import json
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xzufi_toolkit.cli.main import main
from xzufi_toolkit.errors import (
    InputError,
    LimitExceededError,
    MalformedXmlError,
    UnsafeXmlError,
    ValidationFailedError,
)
from xzufi_toolkit.findings import Finding, Severity
from xzufi_toolkit.io import xmlsafe
from xzufi_toolkit.validate import api
from xzufi_toolkit.validate.api import Options, check, is_valid, iter_findings, validate_file
from xzufi_toolkit.validate.registry import RULES

ROOT = Path(__file__).resolve().parent.parent
FIX = ROOT / "fixtures"
VALID = FIX / "valid" / "leistung-99010022001012-2.2.0.xml"
VALID_231 = FIX / "valid" / "leistung-99010022001012-2.3.1.xml"
TRANSFER = FIX / "valid" / "transfer-2.2.0.xml"
INVALID = FIX / "invalid"
SARIF_SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-2.1.0-subset.schema.json").read_text())


def test_three_entry_points() -> None:
    assert is_valid(VALID)
    assert is_valid(VALID_231)
    assert not is_valid(INVALID / "XZ-KEY-001-key-13-digits.xml")
    assert check(VALID).valid
    with pytest.raises(ValidationFailedError) as exc:
        check(INVALID / "XZ-KEY-001-key-13-digits.xml")
    assert exc.value.exit_code == 1
    assert exc.value.report.codes() == ["XZ-KEY-001"]  # type: ignore[attr-defined]  # report is typed object
    assert exc.value.line == 17
    found = list(iter_findings(INVALID / "XZ-REQ-005-no-teaser.xml"))
    assert [f.code for f in found] == ["XZ-REQ-005"]


def test_bytes_and_transfer_locations() -> None:
    data = (INVALID / "XZ-BULK-001-duplicate-id.xml").read_bytes()
    found = list(iter_findings(data, name="bulk.xml"))
    assert [(f.code, f.location.entry, f.location.object_id) for f in found] == [
        ("XZ-BULK-001", 1, "test-1")
    ]
    assert found[0].location.file == "bulk.xml"
    # a rule finding inside an entry carries entry, id and a path relative to the entry
    broken = data.replace(
        b"<code>2/3</code>",
        b"<code>2/3</code>\n    </xzufi:typisierung><xzufi:typisierung><code>77</code>",
        1,
    )
    codes = [(f.code, f.location.entry, f.location.xpath) for f in iter_findings(broken)]
    assert ("XZ-CODE-001", 0, "/xzufi:leistung/xzufi:typisierung[2]") in codes


def test_jobs_give_the_same_report() -> None:
    paths = [str(p) for p in sorted(INVALID.glob("*.xml"))]
    one = api.validate_paths(paths, jobs=1)
    two = api.validate_paths(paths, jobs=2)
    assert one.findings == two.findings
    assert one.documents == two.documents == len(paths)


def test_rule_crash_becomes_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(ctx: object) -> list[object]:
        raise RuntimeError("bug")

    rule = RULES["XZ-REQ-005"]
    monkeypatch.setitem(RULES, "XZ-REQ-005", type(rule)(**{**_fields(rule), "fn": boom}))
    api._rules_without.cache_clear()  # the active-rule list is cached per process
    try:
        found = list(iter_findings(INVALID / "XZ-REQ-006-no-zustaendige-stelle.xml"))
    finally:
        monkeypatch.undo()
        api._rules_without.cache_clear()
    assert [f.code for f in found] == ["XZ-INT-001", "XZ-REQ-006"]
    assert "bug" not in found[0].message  # no exception text (could hold data)


def test_engine_crash_becomes_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> list[object]:
        raise KeyError("schema bug")

    monkeypatch.setattr(api.xsd, "validate_element", broken)
    report = api.validate_paths([str(VALID), str(INVALID / "XZ-REQ-005-no-teaser.xml")])
    assert report.codes() == ["XZ-INT-001", "XZ-INT-001"]
    assert "schema bug" not in report.findings[0].message


def _fields(rule: object) -> dict[str, object]:
    return {name: getattr(rule, name) for name in rule.__slots__}  # type: ignore[attr-defined]  # slotted dataclass


def test_values_only_with_show_values() -> None:
    path = INVALID / "XZ-LINK-001-relative.xml"
    (plain,) = validate_file(path).findings
    assert "gesetze-im-internet" not in plain.message
    (shown,) = validate_file(path, options=Options(show_values=True)).findings
    assert "gesetze-im-internet" in shown.message


def test_disabled_rules_do_not_run_and_severity_overrides() -> None:
    from xzufi_toolkit.validate.config import parse_config

    cfg = parse_config('disable = ["XZ-REQ-005"]\n[severity]\nXZ-REQ-006 = "error"\n')
    assert (
        list(iter_findings(INVALID / "XZ-REQ-005-no-teaser.xml", options=Options(config=cfg))) == []
    )
    (f,) = iter_findings(
        INVALID / "XZ-REQ-006-no-zustaendige-stelle.xml", options=Options(config=cfg)
    )
    assert f.severity is Severity.ERROR


# -- hostile input: every byte string ends as findings, never as an exception ----------

_BASE = VALID.read_bytes()


@settings(
    max_examples=80, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    st.lists(
        st.tuples(st.integers(0, len(_BASE) - 1), st.integers(0, 40), st.binary(max_size=12)),
        max_size=4,
    )
)
def test_mutated_documents_never_raise(edits: list[tuple[int, int, bytes]]) -> None:
    data = bytearray(_BASE)
    for pos, cut, new in edits:
        data[pos : pos + cut] = new
    found = list(iter_findings(bytes(data), name="fuzz.xml"))
    assert all(isinstance(f, Finding) and f.code in RULES for f in found)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    found = list(iter_findings(data, name="junk"))
    assert all(f.code in RULES for f in found)


# -- input errors: the finding code follows the error's class, never its wording ----

# The XZ-IO code each InputError class stands for (any other InputError: XZ-IO-001).
IO_CODE_OF = {
    UnsafeXmlError: "XZ-IO-003",
    LimitExceededError: "XZ-IO-004",
    MalformedXmlError: "XZ-IO-002",
}
IO_CODES = {"XZ-IO-001", *IO_CODE_OF.values()}
BROKEN = sorted(
    [
        *(FIX / "xzufi" / "bad").glob("*.xml"),
        *(FIX / "hostile").glob("*.xml"),
        FIX / "hostile" / "not-xml.txt",
        *INVALID.glob("XZ-IO-00[1-4]-*.xml"),
    ]
)


def _io_code(exc: InputError) -> str:
    return next((c for cls, c in IO_CODE_OF.items() if isinstance(exc, cls)), "XZ-IO-001")


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_corpus_input_errors_map_to_the_code_of_their_class(path: Path) -> None:
    """The parser's error class decides the validator's XZ-IO code for every broken input."""
    try:
        xmlsafe.parse_file(path)
    except InputError as exc:
        expected = [_io_code(exc)]
    else:
        expected = []  # well-formed: whatever the validator reports, it is no read error
    assert [f.code for f in iter_findings(path) if f.code in IO_CODES] == expected


@pytest.mark.parametrize(
    "exc",
    [
        UnsafeXmlError("malformed XML: worded like another class"),
        LimitExceededError("not an XML document"),
        MalformedXmlError("reworded: the tag never closes"),
        InputError("malformed XML: but not raised as MalformedXmlError"),
        InputError("no root element"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_input_finding_dispatches_on_the_class(exc: InputError) -> None:
    finding = api._input_finding(exc, "x.xml")
    assert finding.code == _io_code(exc)
    assert finding.message == exc.message


@pytest.mark.parametrize(
    ("markup", "empty"),
    [
        ("<p><br/>&nbsp;</p>", True),
        ("<!-- entwurf --><hr>", True),
        ("&#0160;", True),  # reported since htmltext.is_blank_html (was taken for text)
        ("<>", False),  # no longer reported: shown as text, '<' opens no tag here
        ("&NBSP;", False),  # no longer reported: an entity name is case-sensitive
        ('<img src="plan.png">', False),  # an image is content, the module is not empty
    ],
)
def test_empty_module_content_is_html_that_shows_nothing(markup: str, empty: bool) -> None:
    data = (INVALID / "XZ-TXT-001-teaser-only-br.xml").read_bytes()
    old = b"&lt;p&gt;&lt;br/&gt;&amp;nbsp;&lt;/p&gt;"
    assert old in data
    data = data.replace(old, html.escape(markup, quote=False).encode(), 1)
    codes = [f.code for f in iter_findings(data)]
    assert codes == (["XZ-TXT-001"] if empty else [])


def test_transfer_truncated_keeps_earlier_findings(tmp_path: Path) -> None:
    data = (INVALID / "XZ-BULK-001-duplicate-id.xml").read_bytes()
    cut = tmp_path / "cut.xml"
    cut.write_bytes(data.replace(b"</xzufi:xzufi.transfer>", b"<xzufi:schreibe><xzufi:leistung>"))
    codes = [f.code for f in iter_findings(cut)]
    assert codes == ["XZ-BULK-001", "XZ-IO-002"]


def test_huge_text_and_deep_entries_are_limit_findings() -> None:
    base = VALID.read_bytes()
    big = base.replace("Ihre örtlich".encode(), b"x" * 11_000_000 + "Ihre örtlich".encode())
    assert [f.code for f in iter_findings(big, name="big.xml")] == ["XZ-IO-004"]
    data = (FIX / "valid" / "transfer-2.2.0.xml").read_bytes()
    deep = b"<x>" * 120 + b"</x>" * 120
    data = data.replace(b"<xzufi:kennzeichenEA>", deep + b"<xzufi:kennzeichenEA>", 1)
    found = [(f.code, f.location.entry) for f in iter_findings(data, name="deep.xml")]
    assert found == [("XZ-IO-004", 0)]


# -- CLI --------------------------------------------------------------------------


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    rc = main(["validate", *argv])
    cap = capsys.readouterr()
    return rc, cap.out, cap.err


def test_cli_text_default_and_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = _run(capsys, "--format", "text", str(INVALID / "XZ-REQ-005-no-teaser.xml"))
    assert rc == 0
    assert out.splitlines()[0].endswith(
        "XZ-REQ-005-no-teaser.xml:4: warning [XZ-REQ-005] "
        "text module 24 (Teaser) is missing or empty"
    )
    rc, _, _ = _run(capsys, "--fail-on", "warning", str(INVALID / "XZ-REQ-005-no-teaser.xml"))
    assert rc == 1
    rc, _, _ = _run(capsys, "--exit-zero", str(INVALID / "XZ-KEY-001-key-13-digits.xml"))
    assert rc == 0
    rc, out, _ = _run(
        capsys, "-q", "--lang", "de", "--format", "text", str(INVALID / "XZ-KEY-006-no-key.xml")
    )
    assert out.count("\n") == 1 and "Leistung ohne LeiKa-Schlüssel" in out


def test_cli_folders_globs_missing_and_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    rc, out, _ = _run(capsys, "-f", "json", str(FIX / "valid"))
    assert rc == 0 and json.loads(out)["documents"] == 3
    rc, out, _ = _run(capsys, "-f", "json", str(INVALID / "XZ-REQ-00*.xml"))
    assert json.loads(out)["documents"] == 8
    rc, out, _ = _run(capsys, "-f", "json", str(FIX / "nope.xml"), str(VALID))
    doc = json.loads(out)
    assert rc == 1 and doc["documents"] == 2 and doc["findings"][0]["code"] == "XZ-IO-001"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(VALID.read_bytes())))
    rc, out, _ = _run(capsys, "-f", "json", "-")
    assert rc == 0 and json.loads(out)["documents"] == 1


def test_cli_github_auto_and_sarif(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    rc, out, _ = _run(capsys, str(INVALID / "XZ-KEY-001-key-13-digits.xml"))
    assert rc == 1 and out.startswith("::error file=")
    sarif = tmp_path / "out.sarif"
    rc, _, err = _run(capsys, "-f", "sarif", "-o", str(sarif), str(INVALID))
    doc = json.loads(sarif.read_text("utf-8"))
    jsonschema.validate(doc, SARIF_SCHEMA)
    rules = {r["id"] for r in doc["runs"][0]["tool"]["driver"]["rules"]}
    assert "XZ-KEY-001" in rules and rc == 1 and "document(s) checked" in err


def test_cli_usage_and_config_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rc, _, err = _run(capsys, "--disable", "XZ-NOPE-001", str(VALID))
    assert rc == 2 and "unknown rule code" in err
    # a code is a code, not TOML: quotes and backslashes are just unknown codes
    for odd in ('XZ-"NOPE', "XZ-\\NOPE", "XZ-REQ-005,XZ-NOPE-002"):
        rc, _, err = _run(capsys, "--disable", odd, str(VALID))
        assert rc == 2 and "unknown rule code" in err and "TOML" not in err
    no_teaser = str(INVALID / "XZ-REQ-005-no-teaser.xml")
    rc, out, _ = _run(capsys, "-f", "json", no_teaser)
    assert "XZ-REQ-005" in out
    rc, out, _ = _run(capsys, "-f", "json", "--disable", "XZ-REQ-006, XZ-REQ-005", no_teaser)
    assert rc == 0 and "XZ-REQ-005" not in out
    cfg = tmp_path / "rules.toml"
    cfg.write_text('disable = ["XZ-REQ-005"]\n[severity]\nXZ-REQ-006 = "loud"\n')
    rc, _, err = _run(capsys, "--config", str(cfg), str(VALID))
    assert rc == 2 and f"{cfg}:3:" in err
    rc, _, err = _run(capsys)
    assert rc == 2 and "no PATH" in err
    rc, _, _ = _run(capsys, "--jobs", "-1", str(VALID))
    assert rc == 2
    with pytest.raises(SystemExit) as exc:
        _run(capsys, "--today", "2026-13-01", str(VALID))
    assert exc.value.code == 2 and "not a date" in capsys.readouterr().err
    rc, _, _ = _run(capsys, "--today", "2026-11-20", str(VALID))
    assert rc == 0
    rc, _, _ = _run(capsys, "--jobs", "0", str(VALID), str(VALID_231))
    assert rc == 0
    rc, out, _ = _run(capsys, "--list-rules")
    codes = [line for line in out.splitlines() if not line.startswith("#")]
    assert rc == 0 and len(codes) == len(RULES)
    # rules (checks of one Leistung) and runner codes are listed apart, each under a heading
    heads = [line for line in out.splitlines() if line.startswith("#")]
    assert len(heads) == 2 and "rules" in heads[0] and "runner codes" in heads[1]
    assert out.index("XZ-KEY-001") < out.index(heads[1]) < out.index("XZ-IO-001")


def test_cli_schema_dir_and_verbose(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    import shutil

    from xzufi_toolkit.validate.xsd import schema_path

    official = tmp_path / "official"
    official.mkdir()
    # a stand-in for the official XSD folder: the profile, made self-contained
    text = schema_path("2.2.0").read_text("utf-8")
    for part in ("xzufi-basis.xsd", "xzufi-objekte.xsd"):
        shutil.copy(schema_path("2.2.0").parent.parent / "xzufi-common" / part, official)
        text = text.replace(f"../xzufi-common/{part}", part)
    (official / "xzufi.xsd").write_text(text, "utf-8")
    bad = str(INVALID / "XZ-XSD-001-order.xml")
    rc, out, _ = _run(capsys, "-v", "-f", "text", "--schema-dir", str(official), bad)
    assert rc == 1 and "[XZ-XSD-001]" in out and " at /xzufi:leistung" in out
    rc, _, err = _run(capsys, "--schema-dir", str(tmp_path / "missing"), str(VALID_231))
    assert rc == 2 and "xzufi.xsd" in err
    assert "2.2.0 or 2.3.1" in err and "official XZuFi 2.2.0" not in err  # no guessed version
    # a 2.3.1 document against a 2.2.0 folder: the mismatch is named, not libxml2's
    # "No matching global declaration"
    rc, out, err = _run(capsys, "--schema-dir", str(official), str(VALID_231))
    assert rc == 2, out + err
    assert "not for XZuFi 2.3.1" in err and "official XZuFi 2.3.1 XSDs" in err
    assert "No matching global declaration" not in out + err


def test_progress_counter(capsys: pytest.CaptureFixture[str]) -> None:
    from xzufi_toolkit.cli.validate_cmd import _Progress

    _Progress(enabled=False)(1, 2)
    assert capsys.readouterr().err == ""
    progress = _Progress(enabled=True)
    progress(1, 3)
    progress(3, 3)
    err = capsys.readouterr().err
    assert "1/3 files" in err and err.endswith("\r\033[K")
