"""The rule registry: one entry per stable rule code.

Each rule has a code (``XZ-<TOPIC>-<NNN>``), a default severity, a title in
German and English, the reference it enforces, and, for rules that look at one
Leistung, the function that finds its hits. Input, schema and bulk-message
rules are declared here too (they are raised by the runner), so every code a
report can hold is documented in ``docs/rules.md``, which is generated from
this registry by ``scripts/gen_rules_doc.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from xzufi_toolkit.findings import Severity
from xzufi_toolkit.reporters import RuleMeta

if TYPE_CHECKING:
    from xzufi_toolkit.validate.context import Ctx, Hit

__all__ = ["RULES", "Rule", "Scope", "declare", "rule", "rule_meta"]

Scope = Literal["input", "schema", "leistung", "message"]
RuleFn = Callable[["Ctx"], Iterable["Hit"]]

CODE_RE = re.compile(r"^XZ-[A-Z]{2,5}-\d{3}$")


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    severity: Severity
    title_en: str
    title_de: str
    reference: str
    scope: Scope
    doc: str = ""
    fn: RuleFn | None = None

    def meta(self) -> RuleMeta:
        return RuleMeta(
            code=self.code,
            title_en=self.title_en,
            title_de=self.title_de,
            severity=self.severity,
            reference=self.reference,
        )


RULES: dict[str, Rule] = {}


def _add(r: Rule) -> Rule:
    if not CODE_RE.match(r.code):
        raise ValueError(f"rule code {r.code!r} does not match {CODE_RE.pattern}")
    if r.code in RULES:
        raise ValueError(f"rule code {r.code} registered twice")
    RULES[r.code] = r
    return r


def declare(  # noqa: PLR0917  # a declaration reads as one row of the rule table
    code: str,
    severity: Severity,
    title_en: str,
    title_de: str,
    reference: str,
    scope: Scope,
    doc: str,
) -> Rule:
    """Register a rule that the runner raises itself (input, schema, bulk)."""
    return _add(Rule(code, severity, title_en, title_de, reference, scope, doc))


def rule(
    code: str,
    severity: Severity,
    title_en: str,
    title_de: str,
    reference: str,
) -> Callable[[RuleFn], RuleFn]:
    """Register a per-Leistung rule; the function's docstring is its meaning."""

    def wrap(fn: RuleFn) -> RuleFn:
        doc = " ".join((fn.__doc__ or "").split())
        _add(Rule(code, severity, title_en, title_de, reference, "leistung", doc, fn))
        return fn

    return wrap


def rule_meta() -> dict[str, RuleMeta]:
    """Titles and references of every registered rule, for the reporters."""
    return {code: r.meta() for code, r in RULES.items()}


_TOPICS = {
    "IO": "Input",
    "XSD": "Schema",
    "KEY": "LeiKa key",
    "CODE": "Code lists",
    "REQ": "Required and recommended modules",
    "TXT": "Text content",
    "LANG": "Languages",
    "LAW": "Legal basis",
    "REL": "Release status",
    "DATE": "Dates",
    "COST": "Costs",
    "DUR": "Durations",
    "LINK": "Links",
    "HTML": "HTML in text modules",
    "BULK": "Transfer messages",
    "INT": "Internal",
}


# Terms of docs/glossary.md and their anchors, most specific first.
_GLOSSARY = (
    (r"LeiKa key|Leistungsschlüssel", "leistungsschluessel"),
    (r"LeiKa", "leika"),
    (r"Typisierung", "typisierung"),
    (r"lovd|lov|lo", "leistungstyp"),
    (r"Verrichtungsdetail", "verrichtungsdetail"),
    (r"Verrichtung", "verrichtung"),
    (r"Leistungsgruppierung", "leistungsgruppierung"),
    (r"Zuständigkeit(?:en)?", "zustaendigkeit"),
    (r"ARS", "ars"),
    (r"Organisationseinheit(?:en)?", "organisationseinheit"),
    (r"Onlinedienst(?:e)?", "onlinedienst"),
    (r"transfer messages?", "transfer-message"),
    (r"text modules?", "textmodul"),
    (r"Freigabestatus", "freigabestatus"),
)


def _link_terms(text: str) -> str:
    """``text`` with the first use of each glossary term linked (not inside `code`)."""
    parts = re.split(r"(`+[^`]*`+)", text)  # ``code`` spans at the odd indexes
    done: set[str] = set()
    for i in range(0, len(parts), 2):
        for pattern, anchor in _GLOSSARY:
            if anchor in done:
                continue
            found = re.search(rf"(?<![\w\[/#-])(?:{pattern})(?![\w\]-])", parts[i])
            if found:
                term = found.group(0)
                link = f"[{term}](glossary.md#{anchor})"
                parts[i] = parts[i][: found.start()] + link + parts[i][found.end() :]
                done.add(anchor)
    return "".join(parts)


def rules_markdown() -> str:
    """``docs/rules.md``, generated from the registry (``scripts/gen_rules_doc.py``)."""
    from xzufi_toolkit.validate import rules  # noqa: F401  # importing fills the registry
    from xzufi_toolkit.validate.schematron import APPROXIMATE, EXPORTABLE

    out = [
        "# Validation rules (`xzufi validate`)",
        "",
        "<!-- generated by scripts/gen_rules_doc.py from xzufi_toolkit/validate/registry.py;"
        " do not edit -->",
        "",
        "Every finding has one of these stable codes. The severity is the default;",
        "a configuration file can change it or switch the rule off:",
        "",
        "```toml",
        "# .xzufi-validate.toml (or [tool.xzufi.validate] in pyproject.toml)",
        'disable = ["XZ-LINK-003"]',
        "",
        "[severity]",
        'XZ-REQ-005 = "error"   # error, warning, info or off',
        "```",
        "",
        f"{len(RULES)} codes: {sum(r.fn is not None for r in RULES.values())} rules, each a",
        "check of one Leistung, and"
        f" {sum(r.fn is None for r in RULES.values())} runner codes that the runner raises itself",
        "(input, XSD, across the entries of a transfer message); `xzufi validate",
        "--list-rules` lists them apart. Reference notes named `xzufi.md` are the",
        "project's reference material on XZuFi (element names, code lists, the LeiKa",
        "key). The FIM and XZuFi terms (LeiKa, Typisierung, lo/lov/lovd, Verrichtung,",
        "Zuständigkeit, ARS, …) are explained in the [glossary](glossary.md); each",
        "entry below links the first use of a term.",
        f"Rules marked *Schematron* ({len(EXPORTABLE)}) are also exported as ISO Schematron",
        "(`xzufi validate --export-schematron FILE --for-version 2.2.0|2.3.1`); the",
        "export states some of them more simply, as noted.",
        "",
        "The rules of FIM Datenfelder schemas and application data (`xzufi xdf check`,",
        "`xzufi data check`) are in [xdf-rules.md](xdf-rules.md).",
    ]
    by_topic: dict[str, list[Rule]] = {}
    for code in sorted(RULES):
        by_topic.setdefault(code.split("-")[1], []).append(RULES[code])
    for topic, title in _TOPICS.items():
        rules_of = by_topic.pop(topic, [])
        if not rules_of:
            continue
        out += ["", f"## {title}", "", "| Code | Severity | Title | Meaning | Reference |"]
        out.append("|---|---|---|---|---|")
        for r in rules_of:
            meaning = _link_terms(r.doc)
            if r.code in EXPORTABLE:
                note = APPROXIMATE.get(r.code)
                meaning += " *Schematron*" + (f" (simplified: {note})" if note else "") + "."
            cells = [
                f"`{r.code}`",
                r.severity.value,
                f"{r.title_en} / {r.title_de}",
                meaning,
                r.reference,
            ]
            out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    if by_topic:
        raise ValueError(f"rule topics without a heading: {sorted(by_topic)}")
    return "\n".join(out) + "\n"
