"""Reporters: each format read back by the parser its consumer uses."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xzufi_toolkit.errors import UsageError
from xzufi_toolkit.findings import Finding, Location, Report, Severity
from xzufi_toolkit.io import xmlsafe
from xzufi_toolkit.reporters import FORMATS, GITHUB_ANNOTATION_LIMIT, RuleMeta, render

SARIF_SCHEMA = json.loads(
    (Path(__file__).parent / "data" / "sarif-2.1.0-subset.schema.json").read_text("utf-8")
)
RULES = [RuleMeta("XZ-KEY-001", "LeiKa key format", "LeiKa-Schlüssel Format", reference="LeiKa")]


def _f(
    code: str, sev: Severity, *, file: str = "a.xml", line: int | None = 3, **kw: object
) -> Finding:
    return Finding(
        code,
        sev,
        f"message {code}",
        Location(file=file, line=line, **kw),  # type: ignore[arg-type]  # test helper
        message_de=f"Meldung {code}",
    )


def _report(*findings: Finding) -> Report:
    return Report(findings=list(findings), documents=2)


def test_text_line_format_and_summary() -> None:
    r = _report(
        _f("XZ-KEY-001", Severity.ERROR),
        _f("XZ-TXT-002", Severity.WARNING, entry=4, object_id="L1", xpath="/x:leistung"),
    )
    lines = render(r, "text", "en").splitlines()
    assert lines[0] == "a.xml:3: error [XZ-KEY-001] message XZ-KEY-001"
    assert lines[1] == "a.xml:3: warning [XZ-TXT-002] message XZ-TXT-002 [entry 4 id=L1]"
    assert lines[2].startswith("2 document(s) checked: 1 error(s), 1 warning(s)")
    de = render(r, "text", "de", verbose=True).splitlines()
    assert de[1].endswith("Meldung XZ-TXT-002 [entry 4 id=L1] at /x:leistung")
    assert "ungültig" in de[2]


def test_verbose_names_a_json_path_once() -> None:
    """Case findings carry their JSON path at the head of the message: -v adds it
    only where the message does not name it."""
    loc = Location(file="c.json", json_path="$.unterlagen[0]")
    named = Finding("CASE-DOC-ENCLOSED", Severity.INFO, "$.unterlagen[0]: enclosed", loc)
    bare = Finding("FORM-TEXT-ANNEX", Severity.INFO, "field Name continues", loc)
    lines = render(_report(named, bare), "text", "en", verbose=True).splitlines()
    assert lines[0] == "c.json: info [CASE-DOC-ENCLOSED] $.unterlagen[0]: enclosed"
    assert lines[1] == "c.json: info [FORM-TEXT-ANNEX] field Name continues at $.unterlagen[0]"


def test_json_round_trip() -> None:
    r = _report(_f("XZ-KEY-001", Severity.ERROR, entry=0, object_id="L1"))
    doc = json.loads(render(r, "json", "de", rules=RULES))
    assert doc["valid"] is False
    assert doc["counts"] == {"info": 0, "warning": 0, "error": 1}
    (finding,) = doc["findings"]
    assert finding["message"] == "Meldung XZ-KEY-001"
    assert finding["location"] == {"file": "a.xml", "line": 3, "entry": 0, "object_id": "L1"}
    assert doc["rules"]["XZ-KEY-001"]["title"] == "LeiKa-Schlüssel Format"


def test_junit_is_xml_with_failures() -> None:
    r = _report(
        _f("XZ-KEY-001", Severity.ERROR),
        _f("XZ-KEY-002", Severity.INFO, file="b.xml"),
    )
    tree = xmlsafe.parse_bytes(render(r, "junit").encode("utf-8"))
    root = tree.getroot()
    assert root.tag == "testsuites"
    assert root.get("failures") == "1"
    assert len(root.findall("testsuite")) == 2
    assert len(root.findall(".//failure")) == 1
    empty = xmlsafe.parse_bytes(render(Report(documents=1), "junit").encode()).getroot()
    assert empty.get("failures") == "0"
    assert len(empty.findall(".//testcase")) == 1


def test_sarif_validates_against_code_scanning_subset() -> None:
    r = _report(
        _f("XZ-KEY-001", Severity.ERROR, file="dir with space/ä.xml"),
        _f("XZ-KEY-001", Severity.ERROR, file="dir with space/ä.xml"),
        _f("XZ-IO-001", Severity.ERROR, file="<stdin>", line=None),
        _f("XZ-TXT-001", Severity.INFO, file=r"win\path.xml", column=5),
    )
    doc = json.loads(render(r, "sarif", rules=RULES))
    jsonschema.validate(doc, SARIF_SCHEMA)
    run = doc["runs"][0]
    ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert ids == sorted(set(ids))
    uris = [
        res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for res in run["results"]
    ]
    assert uris[0] == "dir%20with%20space/%C3%A4.xml"
    assert uris[2] == "stdin"
    assert uris[3] == "win/path.xml"
    prints = [res["partialFingerprints"]["xzufiFinding/v1"] for res in run["results"]]
    assert len(set(prints)) == len(prints)
    for res in run["results"]:
        assert ids[res["ruleIndex"]] == res["ruleId"]


def test_github_respects_annotation_limits() -> None:
    findings = [_f("XZ-A", Severity.ERROR, line=i + 1) for i in range(25)]
    findings += [_f("XZ-B", Severity.WARNING, line=i + 1) for i in range(12)]
    findings += [_f("XZ-C", Severity.INFO)]
    out = render(_report(*findings), "github").splitlines()
    assert sum(line.startswith("::error ") for line in out) == GITHUB_ANNOTATION_LIMIT
    assert sum(line.startswith("::warning ") for line in out) == GITHUB_ANNOTATION_LIMIT
    assert sum(line.startswith("::notice ") for line in out) == 1
    assert any("15 error, 2 warning not annotated" in line for line in out)
    # the rest is still in the log, as plain lines
    assert sum("[XZ-A]" in line for line in out) == 15
    assert out[-1].startswith("2 document(s) checked: 25 error(s)")


def test_github_escapes_properties_and_data() -> None:
    f = Finding("XZ-A", Severity.ERROR, "50% bad\nnext", Location(file="a,b:c.xml", line=2))
    out = render(_report(f), "github").splitlines()[0]
    assert out == "::error file=a%2Cb%3Ac.xml,line=2,title=XZ-A::50%25 bad%0Anext"


def test_gitlab_code_quality() -> None:
    r = _report(_f("XZ-A", Severity.ERROR), _f("XZ-A", Severity.ERROR), _f("XZ-B", Severity.INFO))
    issues = json.loads(render(r, "gitlab"))
    assert [i["severity"] for i in issues] == ["major", "major", "info"]
    assert len({i["fingerprint"] for i in issues}) == 3
    assert issues[0]["location"] == {"path": "a.xml", "lines": {"begin": 3}}


def test_unknown_format_is_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown report format"):
        render(Report(), "yaml")


_text = st.text(min_size=1, max_size=30)
_findings = st.builds(
    Finding,
    code=st.from_regex(r"XZ-[A-Z]{3}-[0-9]{3}", fullmatch=True),
    severity=st.sampled_from(list(Severity)),
    message=_text,
    location=st.builds(
        Location,
        file=st.one_of(st.none(), _text),
        line=st.one_of(st.none(), st.integers(0, 10**6)),
        entry=st.one_of(st.none(), st.integers(0, 10**5)),
        object_id=st.one_of(st.none(), _text),
    ),
    message_de=st.one_of(st.none(), _text),
)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.lists(_findings, max_size=30))
def test_every_format_renders_any_report(findings: list[Finding]) -> None:
    r = Report(findings=findings, documents=len(findings))
    for fmt in FORMATS:
        out = render(r, fmt, "de")
        assert out.endswith("\n")
    doc = json.loads(render(r, "json"))
    assert [(x["code"], x["severity"]) for x in doc["findings"]] == [
        (f.code, f.severity.value) for f in findings
    ]
    sarif = json.loads(render(r, "sarif"))
    jsonschema.validate(sarif, SARIF_SCHEMA)
    assert len(sarif["runs"][0]["results"]) == len(findings)
    gitlab = json.loads(render(r, "gitlab"))
    assert len({i["fingerprint"] for i in gitlab}) == len(findings)
    gh = render(r, "github").splitlines()
    for level in ("::error ", "::warning ", "::notice "):
        assert sum(line.startswith(level) for line in gh) <= GITHUB_ANNOTATION_LIMIT
    junit = xmlsafe.parse_bytes(render(r, "junit").encode("utf-8")).getroot()
    assert len(junit.findall(".//testcase")) == max(len(findings), 1)
