"""Findings are data: one frozen record per problem, collected in a :class:`Report`.

Every finding has a stable rule code (documented in ``docs/rules.md``), a
severity, a message in English and German, and a precise location. Messages
name field paths and rules, never personal values, unless a caller built the
finding with values on purpose (``--show-values``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from enum import StrEnum

__all__ = ["Finding", "Location", "Report", "Severity"]


class Severity(StrEnum):
    """How bad a finding is; ordered ``INFO < WARNING < ERROR``."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank >= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank > other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank <= other.rank

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank < other.rank


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@dataclass(frozen=True, slots=True)
class Location:
    """Where a finding is: file and line, and XPath or JSON path inside it.

    ``entry`` is the 0-based index of the object inside a transfer message,
    ``object_id`` that object's id (both ``None`` for single documents).
    """

    file: str | None = None
    line: int | None = None
    column: int | None = None
    xpath: str | None = None
    json_path: str | None = None
    entry: int | None = None
    object_id: str | None = None

    def __str__(self) -> str:
        parts = [self.file or "-"]
        if self.line is not None:
            parts.append(str(self.line))
        text = ":".join(parts)
        if self.entry is not None:
            text += f" [entry {self.entry}" + (f" {self.object_id}" if self.object_id else "") + "]"
        path = self.xpath or self.json_path
        if path:
            text += f" {path}"
        return text


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in data."""

    code: str
    severity: Severity
    message: str
    location: Location = field(default_factory=Location)
    message_de: str | None = None

    def text(self, lang: str = "en") -> str:
        """The message in ``lang`` ("de" or "en"); English where no German exists."""
        if lang.startswith("de") and self.message_de:
            return self.message_de
        return self.message

    def at(
        self,
        *,
        file: str | None = None,
        line: int | None = None,
        entry: int | None = None,
        object_id: str | None = None,
    ) -> Finding:
        """A copy placed in ``file`` (and bulk ``entry``); fields left ``None`` are kept."""
        loc = self.location
        return replace(
            self,
            location=replace(
                loc,
                file=file if file is not None else loc.file,
                line=line if line is not None else loc.line,
                entry=entry if entry is not None else loc.entry,
                object_id=object_id if object_id is not None else loc.object_id,
            ),
        )

    def with_severity(self, severity: Severity) -> Finding:
        return replace(self, severity=severity)


@dataclass(slots=True)
class Report:
    """The findings of one run, with counts; ``valid`` means no error."""

    findings: list[Finding] = field(default_factory=list)
    documents: int = 0
    objects: int = 0  # entries of the transfer messages among the documents
    skipped: int = 0  # files passed over as not XZuFi (validate --only-xzufi)
    # what the verdict is about, when it is not the documents' validity ("import")
    judged: str = ""

    def add(self, finding: Finding) -> None:
        self.findings.append(finding)

    def extend(self, findings: Iterable[Finding]) -> None:
        self.findings.extend(findings)

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    @property
    def counts(self) -> dict[str, int]:
        c = Counter(f.severity.value for f in self.findings)
        return {s.value: c.get(s.value, 0) for s in Severity}

    @property
    def valid(self) -> bool:
        return not any(f.severity is Severity.ERROR for f in self.findings)

    def worst(self) -> Severity | None:
        return max((f.severity for f in self.findings), default=None)

    def fails(self, fail_on: Severity = Severity.ERROR) -> bool:
        """True when any finding is at or above ``fail_on``."""
        return any(f.severity >= fail_on for f in self.findings)

    def codes(self) -> list[str]:
        return [f.code for f in self.findings]
