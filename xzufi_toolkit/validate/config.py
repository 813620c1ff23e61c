"""Rule configuration from TOML: severity overrides and disabled rules.

Like KoSIT's ``customLevel``, a project can raise or lower a rule's severity
or switch it off::

    # .xzufi-validate.toml (or [tool.xzufi.validate] in pyproject.toml)
    disable = ["XZ-LINK-003"]

    [severity]
    XZ-REQ-005 = "error"     # Teaser required in this portal
    XZ-KEY-005 = "off"       # same as listing it in disable

    [per-file-ignores]       # globs relative to this file's folder, as ruff's
    "legacy/**/*.xml" = ["XZ-REQ-005", "XZ-REQ-007"]

``rules-url = "https://…/docs/rules.md"`` gives SARIF rules an absolute
``helpUri`` (:mod:`xzufi_toolkit.validate.rulehelp`).

A broken file or an unknown rule code is a :class:`ConfigError` naming the line.

Without ``--config`` the file is found as ruff finds its own
(:func:`find_config`): upward from the current folder, the first
``.xzufi-validate.toml``, or ``pyproject.toml`` with a ``[tool.xzufi.validate]``
table, wins; the search stops at a repository root (``.git``, ``.hg``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from xzufi_toolkit.errors import ConfigError, InputError
from xzufi_toolkit.findings import Finding, Severity

__all__ = [
    "DEFAULT_CONFIG_NAME",
    "RuleConfig",
    "disable_rules",
    "find_config",
    "load_config",
    "parse_config",
]

DEFAULT_CONFIG_NAME = ".xzufi-validate.toml"
PYPROJECT = "pyproject.toml"
# a folder holding one of these is a repository root: the search goes no higher
ROOT_MARKERS = (".git", ".hg", ".svn")
_KEYS = {"disable", "severity", "rules-url", "per-file-ignores"}
_NAMES_XZUFI = re.compile(rb'xzufi"?\s*[.\]=]')
_TOML_POS = re.compile(r"\(at line (\d+), column \d+\)")


@dataclass(frozen=True, slots=True)
class RuleConfig:
    """Which rules are off and which severities are changed."""

    disabled: frozenset[str] = frozenset()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    # absolute URL of docs/rules.md for SARIF helpUri (rules-url = "https://…")
    rules_url: str | None = None
    # [per-file-ignores] glob = [codes], the globs relative to ``root`` (the file's folder)
    per_file_ignores: tuple[tuple[str, frozenset[str]], ...] = ()
    root: str | None = None

    def apply(self, findings: Iterable[Finding]) -> Iterable[Finding]:
        pfi = self.per_file_ignores
        if pfi:
            from xzufi_toolkit.validate.suppress import ignored_codes
        for f in findings:
            if f.code in self.disabled:
                continue
            if pfi and f.code in ignored_codes(pfi, self.root, f.location.file):
                continue
            sev = self.severity.get(f.code)
            yield f if sev is None or sev is f.severity else f.with_severity(sev)


def _line_of(text: str, needle: str) -> int | None:
    for i, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return i
    return None


def _toml(text: str, file: str) -> dict[str, Any]:
    import tomllib  # here: a run without a configuration file need not import it

    try:
        return tomllib.loads(text)
    except RecursionError:  # tomllib recurses per nested array
        raise ConfigError("not valid TOML: nested too deeply", file=file) from None


def _known_codes(known: Iterable[str] | None) -> set[str]:
    """``known``, or the codes of the rule registry."""
    if known is None:
        from xzufi_toolkit.validate import rules  # noqa: F401  # importing fills the registry
        from xzufi_toolkit.validate.registry import RULES

        known = RULES
    return set(known)


def _unknown_code(code: object, file: str, line: int | None) -> ConfigError:
    return ConfigError(
        f"unknown rule code {code!r}",
        file=file,
        line=line,
        hint="rule codes are listed in docs/rules.md and by 'xzufi validate --list-rules'",
    )


def disable_rules(
    config: RuleConfig,
    codes: Iterable[str],
    *,
    file: str = "--disable",
    known: Iterable[str] | None = None,
) -> RuleConfig:
    """``config`` with ``codes`` switched off as well (``xzufi validate --disable``)."""
    wanted = list(codes)
    if not wanted:
        return config
    known_set = _known_codes(known)
    unknown = [c for c in wanted if c not in known_set]
    if unknown:
        raise _unknown_code(unknown[0], file, None)
    return replace(config, disabled=config.disabled | frozenset(wanted))


def parse_config(
    text: str,
    *,
    file: str = "<config>",
    known: Iterable[str] | None = None,
    root: str | None = None,
) -> RuleConfig:
    """Parse TOML ``text``; ``known`` are the valid rule codes (default: the registry).
    ``per-file-ignores`` globs are relative to ``root`` (default: the folder of
    ``file``, or the current folder)."""
    import tomllib

    try:
        data: dict[str, Any] = _toml(text, file)
    except tomllib.TOMLDecodeError as exc:
        m = _TOML_POS.search(str(exc))
        line = int(m.group(1)) if m else None
        if line is None and "end of document" in str(exc):
            line = text.count("\n") + 1
        raise ConfigError(
            f"not valid TOML: {_TOML_POS.sub('', str(exc)).strip()}",
            file=file,
            line=line,
            hint="see docs/rules.md for the configuration format",
        ) from None
    table = data.get("tool", {}).get("xzufi", {}).get("validate") if "tool" in data else data
    if table is None:
        return RuleConfig()
    if not isinstance(table, dict):
        raise ConfigError("[tool.xzufi.validate] must be a table", file=file)
    known_set = _known_codes(known)
    for key in table:
        if key not in _KEYS and not (table is data and key == "tool"):
            raise ConfigError(
                f"unknown setting {key!r}",
                file=file,
                line=_line_of(text, key),
                hint="allowed: disable = [codes], [severity] code = level, rules-url = URL,"
                " [per-file-ignores] glob = [codes]",
            )

    def check_code(code: object) -> str:
        if not isinstance(code, str) or code not in known_set:
            raise _unknown_code(code, file, _line_of(text, str(code)))
        return code

    disable = table.get("disable", [])
    if not isinstance(disable, list):
        raise ConfigError(
            "'disable' must be a list of rule codes", file=file, line=_line_of(text, "disable")
        )
    disabled = {check_code(c) for c in disable}
    sev_table = table.get("severity", {})
    if not isinstance(sev_table, dict):
        raise ConfigError("'severity' must be a table", file=file, line=_line_of(text, "severity"))
    severity: dict[str, Severity] = {}
    levels = {s.value for s in Severity}
    for code, level in sev_table.items():
        check_code(code)
        if level == "off":
            disabled.add(code)
            continue
        if not isinstance(level, str) or level not in levels:
            raise ConfigError(
                f"severity of {code} must be one of error, warning, info, off; got {level!r}",
                file=file,
                line=_line_of(text, code),
            )
        severity[code] = Severity(level)
    rules_url = table.get("rules-url")
    if rules_url is not None and not (
        isinstance(rules_url, str) and re.match(r"https?://[^\s/]+/\S*$", rules_url)
    ):
        raise ConfigError(
            "'rules-url' must be an absolute http(s) URL of docs/rules.md",
            file=file,
            line=_line_of(text, "rules-url"),
            hint="SARIF helpUri may not be relative",
        )
    return RuleConfig(
        disabled=frozenset(disabled),
        severity=severity,
        rules_url=rules_url,
        per_file_ignores=_per_file_ignores(table, text, file, check_code),
        root=str(Path(file).absolute().parent) if root is None and file != "<config>" else root,
    )


def _per_file_ignores(
    table: dict[str, Any], text: str, file: str, check_code: Callable[[object], str]
) -> tuple[tuple[str, frozenset[str]], ...]:
    pfi = table.get("per-file-ignores", {})
    if not isinstance(pfi, dict):
        raise ConfigError(
            "'per-file-ignores' must be a table of glob = [codes]",
            file=file,
            line=_line_of(text, "per-file-ignores"),
        )
    out = []
    for pattern, codes in pfi.items():
        if not isinstance(codes, list) or not pattern:
            raise ConfigError(
                f"per-file-ignores: {pattern!r} must name a list of rule codes",
                file=file,
                line=_line_of(text, pattern) if pattern else None,
            )
        out.append((pattern, frozenset(check_code(c) for c in codes)))
    return tuple(out)


# A rule configuration is a few hundred bytes; /dev/zero or a pipe must not fill memory.
MAX_CONFIG_BYTES = 1024 * 1024


def _read_bytes(path: str | Path) -> bytes:
    from xzufi_toolkit.io.inputs import read_file

    name = str(path)
    try:
        return read_file(path, file=name, limit=MAX_CONFIG_BYTES)  # bounded: devices, pipes
    except InputError as exc:
        raise ConfigError(f"cannot read configuration: {exc.message}", file=name) from None


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"cannot read configuration: not UTF-8 (byte {exc.start})", file=name
        ) from None


def load_config(path: str | Path) -> RuleConfig:
    name = str(path)
    if not Path(path).exists():
        raise ConfigError("configuration file not found", file=name)
    return parse_config(_decode(_read_bytes(path), name), file=name)


def _has_table(path: Path) -> bool:
    """Whether ``pyproject.toml`` has a ``[tool.xzufi.validate]`` table.

    Only a file that names a ``xzufi`` key or table is parsed, so a project's
    unrelated (or broken) ``pyproject.toml`` never stops a run; one that does is
    parsed in full, and its errors are configuration errors."""
    data = _read_bytes(path)
    if not _NAMES_XZUFI.search(data):  # not 'name = "xzufi-…"', only keys and tables
        return False
    import tomllib

    try:
        doc = _toml(_decode(data, str(path)), str(path))
    except tomllib.TOMLDecodeError:
        return True  # it names xzufi: load_config reports the broken line
    tool = doc.get("tool")
    return (
        isinstance(tool, dict)
        and isinstance(tool.get("xzufi"), dict)
        and ("validate" in tool["xzufi"])
    )


def find_config(start: str | Path | None = None) -> Path | None:
    """The configuration that applies in ``start`` (default: the current folder).

    In each folder from ``start`` upward: ``.xzufi-validate.toml``, else a
    ``pyproject.toml`` with ``[tool.xzufi.validate]``; the first found wins.
    The search ends after a folder that is a repository root (``.git``,
    ``.hg``, ``.svn``) or at the file-system root: a catalogue checked out
    inside another project is not ruled by that project's settings."""
    here = Path(start if start is not None else Path.cwd()).absolute()
    for folder in (here, *here.parents):
        own = folder / DEFAULT_CONFIG_NAME
        if own.is_file():
            return own
        pyproject = folder / PYPROJECT
        if pyproject.is_file() and _has_table(pyproject):
            return pyproject
        if any((folder / m).exists() for m in ROOT_MARKERS):
            return None
    return None
