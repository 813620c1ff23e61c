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
