"""Render a :class:`~xzufi_toolkit.findings.Report` for people and CI systems.

One function per format, chosen by name from :data:`FORMATS`; all go through
:func:`render`. Reporters only format: they add no values from the documents
(messages were built without personal data unless the caller asked for it)
and they decide no exit code.

Formats: ``text`` (``file:line: severity [CODE] message``), ``json``,
``junit`` (JUnit XML, one test case per finding), ``sarif`` (SARIF 2.1.0 as
GitHub code scanning reads it), ``github`` (workflow commands, within
GitHub's per-step annotation limits) and ``gitlab`` (Code Quality report).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from functools import cache
from pathlib import PurePath, PureWindowsPath
from typing import Any
from urllib.parse import quote

from xzufi_toolkit import __version__
from xzufi_toolkit.errors import UsageError
from xzufi_toolkit.findings import Finding, Location, Report, Severity
from xzufi_toolkit.io.textsafe import escape_controls

__all__ = [
    "CAP_CODE",
    "FORMATS",
    "GITHUB_ANNOTATION_LIMIT",
    "MAX_FINDINGS_PER_DOCUMENT",
    "RuleMeta",
    "cap_findings",
    "capped_lines",
    "github_step_summary",
    "render",
    "sort_findings",
    "summary",
]

TOOL_NAME = "xzufi-toolkit"

# Findings listed per document (file, or entry of a transfer message); the
# rest are counted in one "… and N more" note (code CAP_CODE).
MAX_FINDINGS_PER_DOCUMENT = 1000
CAP_CODE = "REPORT-CAP"

# GitHub shows at most 10 error and 10 warning annotations per step (and as
# many notices); more are dropped silently, so we emit no more than that.
GITHUB_ANNOTATION_LIMIT = 10


@dataclass(frozen=True, slots=True)
class RuleMeta:
    """What a reporter may say about a rule code (SARIF ``rules``, JSON, docs)."""

    code: str
    title_en: str
    title_de: str = ""
    severity: Severity = Severity.ERROR
    reference: str = ""
    help_uri: str = ""
    doc: str = ""  # the rule's meaning (docs/rules.md), SARIF rule help
    anchor: str = ""  # "docs/rules.md#…" where the rule is documented

    def title(self, lang: str) -> str:
        return self.title_de if lang.startswith("de") and self.title_de else self.title_en


Renderer = Callable[[Report, str, Mapping[str, RuleMeta], bool], str]


# Report.judged -> (English, German) subject of the summary line
_JUDGED = {"import": ("import", "Import")}


def summary(report: Report, lang: str) -> str:
    """One line: what was judged (documents, and the objects of transfer messages),
    the counts and the verdict."""
    c = report.counts
    if report.judged:  # e.g. an import: its own verdict, not the document's validity
        en, de = _JUDGED.get(report.judged, (report.judged, report.judged))
        if lang.startswith("de"):
            verdict = "in Ordnung" if report.valid else "fehlgeschlagen"
            return (
                f"{de}: {c['error']} Fehler, {c['warning']} Warnung(en), "
                f"{c['info']} Hinweis(e) – {verdict}"
            )
        verdict = "ok" if report.valid else "failed"
        return (
            f"{en}: {c['error']} error(s), {c['warning']} warning(s), {c['info']} info – {verdict}"
        )
    if lang.startswith("de"):
        verdict = "gültig" if report.valid else "ungültig"
        what = f"{report.documents} Dokument(e) geprüft"
        if report.objects:
            what += f", mit {report.objects} Objekt(en) in Transfernachrichten"
        if report.skipped:
            what += f", {report.skipped} übersprungen (kein XZuFi)"
        return (
            f"{what}: {c['error']} Fehler, "
            f"{c['warning']} Warnung(en), {c['info']} Hinweis(e) – {verdict}"
        )
    verdict = "valid" if report.valid else "invalid"
    what = f"{report.documents} document(s) checked"
    if report.objects:
        what += f", with {report.objects} object(s) in transfer messages"
    if report.skipped:
        what += f", {report.skipped} skipped (not XZuFi)"
    return f"{what}: {c['error']} error(s), {c['warning']} warning(s), {c['info']} info – {verdict}"


def _where(f: Finding) -> str:
    loc = f.location
    text = loc.file or "-"
    if loc.line is not None:
        text += f":{loc.line}"
        if loc.column is not None:
            text += f":{loc.column}"
    return text


def _entry_suffix(f: Finding) -> str:
    loc = f.location
    if loc.entry is None:
        return ""
    return f" [entry {loc.entry}" + (f" id={loc.object_id}" if loc.object_id else "") + "]"


def _text_line(f: Finding, lang: str) -> str:
    """``file:line: severity [CODE] message [entry …]``: the text format's line."""
    return f"{_where(f)}: {f.severity.value} [{f.code}] {f.text(lang)}{_entry_suffix(f)}"


def _text(report: Report, lang: str, rules: Mapping[str, RuleMeta], verbose: bool) -> str:
    del rules
    lines = []
    for f in report.findings:
        line = _text_line(f, lang)
        path = f.location.xpath or f.location.json_path
        # case findings name their JSON path in the message already: not twice
        if verbose and path and not f.text(lang).startswith(f"{path}:"):
            line += f" at {path}"
        lines.append(escape_controls(line))  # one finding, one line: names cannot forge more
    lines.append(summary(report, lang))
    return "\n".join(lines) + "\n"


def _finding_dict(f: Finding, lang: str) -> dict[str, Any]:
    loc = f.location
    location = {
        k: v
        for k, v in (
            ("file", loc.file),
            ("line", loc.line),
            ("column", loc.column),
            ("xpath", loc.xpath),
            ("json_path", loc.json_path),
            ("entry", loc.entry),
            ("object_id", loc.object_id),
        )
        if v is not None
    }
    return {
        "code": f.code,
        "severity": f.severity.value,
        "message": f.text(lang),
        "message_en": f.message,
        "message_de": f.message_de or f.message,
        "location": location,
    }


def _json(report: Report, lang: str, rules: Mapping[str, RuleMeta], verbose: bool) -> str:
    del verbose
    used = sorted({f.code for f in report.findings})
    doc = {
        "tool": {"name": TOOL_NAME, "version": __version__},
        "valid": report.valid,
        "documents": report.documents,
        "objects": report.objects,
        **({"skipped": report.skipped} if report.skipped else {}),
        "counts": report.counts,
        "findings": [_finding_dict(f, lang) for f in report.findings],
        "rules": {
            c: {"title": rules[c].title(lang), "reference": rules[c].reference}
            for c in used
            if c in rules
        },
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


@cache
def _not_xml() -> re.Pattern[str]:
    """Characters XML 1.0 cannot carry (file names and messages may hold them);
    compiled on first use: it takes ~3 ms, which every command would pay at start."""
    return re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _x(text: str) -> str:
    return _not_xml().sub("\ufffd", text)


def _junit(report: Report, lang: str, rules: Mapping[str, RuleMeta], verbose: bool) -> str:
    from lxml import etree  # here: every checking command loads this module at CLI start

    del verbose
    by_file: dict[str, list[Finding]] = {}
    for f in report.findings:
        by_file.setdefault(f.location.file or "-", []).append(f)
    c = report.counts
    root = etree.Element(
        "testsuites",
        name="xzufi validate",
        tests=str(max(len(report.findings), 1)),
        failures=str(c["error"] + c["warning"]),
        errors="0",
    )
    if not by_file:
        suite = etree.SubElement(root, "testsuite", name="xzufi validate", tests="1")
        suite.set("failures", "0")
        suite.set("errors", "0")
        etree.SubElement(suite, "testcase", classname="xzufi validate", name="all documents")
    for file, findings in by_file.items():
        suite = etree.SubElement(root, "testsuite", name=_x(file), tests=str(len(findings)))
        failing = [f for f in findings if f.severity >= Severity.WARNING]
        suite.set("failures", str(len(failing)))
        suite.set("errors", "0")
        for f in findings:
            line = f":{f.location.line}" if f.location.line is not None else ""
            case = etree.SubElement(
                suite,
                "testcase",
                classname=f.code,
                name=_x(f"{f.code} {file}{line}{_entry_suffix(f)}"),
                file=_x(file),
            )
            if f.location.line is not None:
                case.set("line", str(f.location.line))
            title = rules[f.code].title(lang) if f.code in rules else f.code
            body = f"{_where(f)}: {f.text(lang)}{_entry_suffix(f)}"
            if f.location.xpath:
                body += f"\nxpath: {f.location.xpath}"
            if f.severity >= Severity.WARNING:
                fail = etree.SubElement(
                    case,
                    "failure",
                    message=_x(f.text(lang)),
                    type=_x(f"{f.severity.value}: {title}"),
                )
                fail.text = _x(body)
            else:
                out = etree.SubElement(case, "system-out")
                out.text = _x(body)
    body = etree.tostring(root, encoding="unicode", pretty_print=True)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body


def _uri(file: str | None) -> str:
    """A relative URI as SARIF wants it: forward slashes, percent-encoded."""
    if not file or file == "<stdin>":
        return "stdin"
    p = PureWindowsPath(file) if "\\" in file else PurePath(file)
    posix = p.as_posix()
    posix = posix.removeprefix("./")
    return quote(posix, safe="/:")


_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _fingerprint(f: Finding, seen: Counter[str]) -> str:
    loc = f.location
    key = "\x1f".join(
        [
            f.code,
            loc.file or "",
            loc.xpath or str(loc.line or ""),
            loc.object_id or "",
            f.message,
        ]
    )
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    seen[digest] += 1
    return f"{digest}:{seen[digest]}"


def _sarif_help(meta: RuleMeta, title: str) -> dict[str, str]:
    """SARIF ``help``: code scanning shows it with each alert. helpUri must be
    absolute, so without one the markdown names the docs/rules.md anchor."""
    text = " ".join(
        p for p in (f"{title}.", meta.doc, meta.reference and f"Reference: {meta.reference}.") if p
    )
    md = [f"**{meta.code}**: {title}", ""]
    if meta.doc:
        md += [meta.doc, ""]
    if meta.reference:
        md += [f"Reference: {meta.reference}", ""]
    where = meta.help_uri or meta.anchor
    if where:
        text += f" See {where}"
        md.append(f"Documentation: [{meta.anchor or meta.code}]({where})")
    return {"text": text, "markdown": "\n".join(md).strip() + "\n"}


def _sarif(report: Report, lang: str, rules: Mapping[str, RuleMeta], verbose: bool) -> str:
    del verbose
    codes = sorted({f.code for f in report.findings})
    index = {c: i for i, c in enumerate(codes)}
    first: dict[str, Finding] = {}
    for f in report.findings:
        first.setdefault(f.code, f)
    sarif_rules = []
    for code in codes:
        meta = rules.get(code)
        title = meta.title(lang) if meta else code
        level = _SARIF_LEVEL[meta.severity if meta else first[code].severity]
        rule: dict[str, Any] = {
            "id": code,
            "name": code.replace("-", ""),
            "shortDescription": {"text": title},
            "fullDescription": {"text": f"{title}. {meta.reference}" if meta else title},
            "defaultConfiguration": {"level": level},
            "properties": {"tags": ["xzufi"]},
        }
        if meta:
            rule["help"] = _sarif_help(meta, title)
            if meta.help_uri:
                rule["helpUri"] = meta.help_uri
        sarif_rules.append(rule)
    seen: Counter[str] = Counter()
    results = []
    for f in report.findings:
        loc = f.location
        region: dict[str, int] = {"startLine": max(loc.line or 1, 1)}
        if loc.column:
            region["startColumn"] = loc.column
        location: dict[str, Any] = {
            "physicalLocation": {
                "artifactLocation": {"uri": _uri(loc.file), "uriBaseId": "%SRCROOT%"},
                "region": region,
            }
        }
        if loc.xpath or loc.object_id:
            location["logicalLocations"] = [
                {
                    "fullyQualifiedName": loc.xpath or loc.object_id,
                    "kind": "element",
                }
            ]
        result: dict[str, Any] = {
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            "level": _SARIF_LEVEL[f.severity],
            "message": {"text": f.text(lang) + _entry_suffix(f)},
            "locations": [location],
            "partialFingerprints": {"xzufiFinding/v1": _fingerprint(f, seen)},
        }
        results.append(result)
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL_NAME,
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": sarif_rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_prop(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


_GH_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _github(report: Report, lang: str, rules: Mapping[str, RuleMeta], verbose: bool) -> str:
    """Workflow commands; at most 10 annotations per level, the rest as plain log lines."""
    del rules
    shown: Counter[Severity] = Counter()
    lines: list[str] = []
    rest: list[Finding] = []
    for f in report.findings:
        if shown[f.severity] >= GITHUB_ANNOTATION_LIMIT:
            rest.append(f)
            continue
        shown[f.severity] += 1
        props = []
        if f.location.file:
            props.append(f"file={_gh_prop(f.location.file)}")
        if f.location.line is not None:
            props.append(f"line={f.location.line}")
        if f.location.column is not None:
            props.append(f"col={f.location.column}")
        props.append(f"title={_gh_prop(f.code)}")
        msg = f.text(lang) + _entry_suffix(f)
        line = f"::{_GH_LEVEL[f.severity]} {','.join(props)}::{_gh_data(msg)}"
        lines.append(escape_controls(line))  # the log viewer renders ANSI sequences
    if rest:
        not_shown = Counter(f.severity.value for f in rest)
        hidden = ", ".join(f"{n} {sev}" for sev, n in sorted(not_shown.items()))
        lines.append(
            f"xzufi: GitHub shows {GITHUB_ANNOTATION_LIMIT} annotations per level and step; "
            f"{hidden} not annotated, listed below"
        )
        lines.extend(escape_controls(_text_line(f, lang)) for f in rest)
    elif verbose:
        lines.append("xzufi: all findings annotated")
    lines.append(summary(report, lang))
    return "\n".join(lines) + "\n"


def _md_cell(text: str) -> str:
    return escape_controls(text).replace("|", "\\|").replace("\n", " ")


def github_step_summary(
    report: Report,
    lang: str = "en",
    *,
    rules: Mapping[str, RuleMeta] | None = None,
    top: int = 10,
) -> str:
    """Markdown for ``$GITHUB_STEP_SUMMARY``: what was checked, the counts per
    severity and the most frequent codes (no document values, no file names)."""
    meta = rules or {}
    de = lang.startswith("de")
    c = report.counts
    ok = report.valid
    rows: list[tuple[str, str, int]] = [  # (English, German, value)
        ("documents checked", "Dokumente geprüft", report.documents),
        ("objects in transfer messages", "Objekte in Transfernachrichten", report.objects),
        ("skipped (not XZuFi)", "übersprungen (kein XZuFi)", report.skipped),
        ("error", "Fehler", c["error"]),
        ("warning", "Warnungen", c["warning"]),
        ("info", "Hinweise", c["info"]),
    ]
    verdict = ("gültig" if ok else "ungültig") if de else ("valid" if ok else "invalid")
    lines = [f"### xzufi validate: {verdict}", "", "| | |", "|---|---:|"]
    lines += [
        f"| {de_name if de else en} | {n} |"
        for en, de_name, n in rows
        if n or en in {"documents checked", "error", "warning", "info"}
    ]
    by_code = Counter(f.code for f in report.findings if f.code != CAP_CODE)
    severity_of: dict[str, str] = {}
    for f in report.findings:
        severity_of.setdefault(f.code, f.severity.value)
    ranked = sorted(by_code.items(), key=lambda kv: (-kv[1], kv[0]))
    if ranked:
        head = (
            "| Code | Schwere | Anzahl | Titel |" if de else "| code | severity | count | title |"
        )
        lines += ["", head, "|---|---|---:|---|"]
    for code, n in ranked[:top]:
        m = meta.get(code)
        title = _md_cell(m.title(lang)) if m else ""
        shown = f"[`{code}`]({m.help_uri})" if m and m.help_uri else f"`{code}`"
        lines.append(f"| {shown} | {severity_of[code]} | {n} | {title} |")
    if len(ranked) > top:
        codes, more = len(ranked) - top, sum(n for _, n in ranked[top:])
        rest = (
            f"{codes} weitere Codes, {more} Befunde"
            if de
            else f"{codes} more code(s), {more} finding(s)"
        )
        lines.append(f"| … | | | {rest} |")
    return "\n".join(lines) + "\n\n"


_GITLAB_SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def _gitlab(report: Report, lang: str, rules: Mapping[str, RuleMeta], verbose: bool) -> str:
    del rules, verbose
    seen: Counter[str] = Counter()
    issues = []
    for f in report.findings:
        issues.append(
            {
                "type": "issue",
                "check_name": f.code,
                "description": f"[{f.code}] {f.text(lang)}{_entry_suffix(f)}",
                "categories": ["Bug Risk" if f.severity is Severity.ERROR else "Style"],
                "fingerprint": hashlib.sha256(_fingerprint(f, seen).encode("ascii")).hexdigest(),
                "severity": _GITLAB_SEVERITY[f.severity],
                "location": {
                    "path": _uri(f.location.file),
                    "lines": {"begin": max(f.location.line or 1, 1)},
                },
            }
        )
    return json.dumps(issues, ensure_ascii=False, indent=2) + "\n"


FORMATS: dict[str, Renderer] = {
    "text": _text,
    "json": _json,
    "junit": _junit,
    "sarif": _sarif,
    "github": _github,
    "gitlab": _gitlab,
}


def _has_surrogates(text: str | None) -> bool:
    if not text or text.isascii():
        return False
    return any("\ud800" <= c <= "\udfff" for c in text)


def _printable(text: str) -> str:
    """``text`` with undecodable bytes of a file name (lone surrogates) as U+FFFD."""
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")


def _unicode_safe(report: Report) -> Report:
    """A file name that is not UTF-8 reaches us as lone surrogates, which no
    encoder (JSON file, SARIF URI, XML) accepts; show those bytes as U+FFFD."""
    if not any(
        _has_surrogates(f.location.file)
        or _has_surrogates(f.message)
        or _has_surrogates(f.message_de)
        for f in report
    ):
        return report
    findings = [
        replace(
            f,
            message=_printable(f.message),
            message_de=_printable(f.message_de) if f.message_de else f.message_de,
            location=replace(f.location, file=_printable(f.location.file))
            if f.location.file
            else f.location,
        )
        for f in report
    ]
    return _Shown(findings, report)  # counts and verdict unchanged


class _Shown(Report):
    """The findings a report lists, with the counts and verdict of all findings."""

    __slots__ = ("_all",)

    def __init__(self, findings: list[Finding], every: Report) -> None:
        super().__init__(
            findings=findings,
            documents=every.documents,
            objects=every.objects,
            skipped=every.skipped,
            judged=every.judged,
        )
        self._all = every

    @property
    def counts(self) -> dict[str, int]:
        return self._all.counts

    @property
    def valid(self) -> bool:
        return self._all.valid


def _cap_note(key: tuple[str | None, int | None], hidden: Counter[Severity], limit: int) -> Finding:
    n = sum(hidden.values())
    order = (Severity.ERROR, Severity.WARNING, Severity.INFO)
    en = ", ".join(f"{hidden[s]} {s.value}" for s in order if hidden[s])
    de_names = {
        Severity.ERROR: "Fehler",
        Severity.WARNING: "Warnung(en)",
        Severity.INFO: "Hinweis(e)",
    }
    de = ", ".join(f"{hidden[s]} {de_names[s]}" for s in order if hidden[s])
    return Finding(
        code=CAP_CODE,
        severity=Severity.INFO,
        message=f"\u2026 and {n} more finding(s) for this document not listed ({en}); "
        f"the report lists the first {limit} per document",
        message_de=f"\u2026 und {n} weitere Befunde zu diesem Dokument nicht aufgeführt ({de}); "
        f"der Bericht führt die ersten {limit} je Dokument auf",
        location=Location(file=key[0], entry=key[1]),
    )


def capped_lines(lines: Iterable[str], limit: int = MAX_FINDINGS_PER_DOCUMENT) -> Iterator[str]:
    """Message lines for a terminal: control characters escaped, at most ``limit``,
    then one ``… and N more`` line (for commands that print lines, not a report)."""
    more = 0
    for n, line in enumerate(lines):
        if n < limit:
            yield escape_controls(line)
        else:
            more += 1
    if more:
        yield f"\u2026 and {more} more line(s) not shown (at most {limit} are listed)"


def sort_findings(report: Report) -> Report:
    """The findings by file (in the order the files were given) and line.

    Stable: findings of one line keep their order, and findings without a line
    (the file as a whole) come first in their file. Rules run one after the
    other, so unsorted a file's findings jumped back and forth in the file.
    """
    order: dict[str | None, int] = {}
    for f in report.findings:
        order.setdefault(f.location.file, len(order))

    def key(f: Finding) -> tuple[int, int]:
        line = f.location.line
        return order[f.location.file], -1 if line is None else line

    ranked = sorted(report.findings, key=key)
    if all(a is b for a, b in zip(ranked, report.findings, strict=True)):
        return report
    return _Shown(ranked, report)


def cap_findings(report: Report, limit: int = MAX_FINDINGS_PER_DOCUMENT) -> Report:
    """At most ``limit`` findings per document (file, and entry of a transfer
    message), each cut followed by one ``… and N more`` note in its place.

    200,000 attributes in a 2 MB file gave a 180 MB SARIF report: the output
    must not grow beyond what a person or a CI system can use. Counts, verdict
    and exit code stay those of every finding.
    """
    seen: Counter[tuple[str | None, int | None]] = Counter()
    hidden: dict[tuple[str | None, int | None], Counter[Severity]] = {}
    notes: dict[tuple[str | None, int | None], int] = {}  # where each note goes
    shown: list[Finding] = []
    for f in report.findings:
        key = (f.location.file, f.location.entry)
        seen[key] += 1
        if seen[key] <= limit:
            shown.append(f)
            continue
        if key not in hidden:
            hidden[key] = Counter()
            notes[key] = len(shown)
            shown.append(f)  # a placeholder, replaced below
        hidden[key][f.severity] += 1
    if not hidden:
        return report
    for key, at in notes.items():
        shown[at] = _cap_note(key, hidden[key], limit)
    return _Shown(shown, report)


def render(
    report: Report,
    fmt: str = "text",
    lang: str = "en",
    *,
    rules: Mapping[str, RuleMeta] | Iterable[RuleMeta] | None = None,
    verbose: bool = False,
    limit: int = MAX_FINDINGS_PER_DOCUMENT,
) -> str:
    """The report in format ``fmt`` with messages in ``lang`` ("de" or "en").

    ``rules`` gives titles and references for rule codes (SARIF ``rules``,
    JSON ``rules``); codes without metadata fall back to the code itself.
    At most ``limit`` findings per document are listed (:func:`cap_findings`).
    """
    try:
        renderer = FORMATS[fmt]
    except KeyError:
        raise UsageError(
            f"unknown report format {fmt!r}", hint=f"choose one of {', '.join(FORMATS)}"
        ) from None
    if fmt == "text":  # for people; machine formats keep the order the checks ran in
        report = sort_findings(report)
    report = _unicode_safe(cap_findings(report, limit))
    if rules is None:
        meta: Mapping[str, RuleMeta] = {}
    elif isinstance(rules, Mapping):
        meta = rules
    else:
        meta = {r.code: r for r in rules}
    return renderer(report, lang, meta, verbose)
