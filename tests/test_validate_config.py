"""Rule configuration: TOML in, RuleConfig out; broken input names its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from xzufi_toolkit.errors import ConfigError
from xzufi_toolkit.findings import Finding, Severity
from xzufi_toolkit.validate.config import RuleConfig, load_config, parse_config


def test_disable_and_severity() -> None:
    cfg = parse_config(
        'disable = ["XZ-LINK-003"]\n[severity]\nXZ-REQ-005 = "error"\nXZ-KEY-005 = "off"\n'
    )
    assert cfg.disabled == {"XZ-LINK-003", "XZ-KEY-005"}
    assert cfg.severity == {"XZ-REQ-005": Severity.ERROR}
    findings = [
        Finding("XZ-LINK-003", Severity.INFO, "a"),
        Finding("XZ-REQ-005", Severity.WARNING, "b"),
        Finding("XZ-REQ-006", Severity.WARNING, "c"),
    ]
    out = list(cfg.apply(findings))
    assert [(f.code, f.severity) for f in out] == [
        ("XZ-REQ-005", Severity.ERROR),
        ("XZ-REQ-006", Severity.WARNING),
    ]


def test_pyproject_table() -> None:
    cfg = parse_config('[project]\nname = "x"\n[tool.xzufi.validate]\ndisable = ["XZ-REQ-007"]\n')
    assert cfg.disabled == {"XZ-REQ-007"}
    assert parse_config("[tool.other]\na = 1\n") == RuleConfig()


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ('disable = ["XZ-REQ-005"\n', 2, "not valid TOML"),
        ('disable = ["XZ-REQ-005"]\n\n[severity]\nXZ-FOO-001 = "error"\n', 4, "unknown rule code"),
        ('disable = ["XZ-BAR-002"]\n', 1, "unknown rule code"),
        ('[severity]\nXZ-REQ-005 = "fatal"\n', 2, "must be one of"),
        ('ignore = ["XZ-REQ-005"]\n', 1, "unknown setting"),
        ('disable = "XZ-REQ-005"\n', 1, "must be a list"),
        ("severity = 3\n", 1, "must be a table"),
    ],
)
def test_errors_name_the_line(text: str, line: int, fragment: str) -> None:
    with pytest.raises(ConfigError) as exc:
        parse_config(text, file="rules.toml")
    assert exc.value.line == line
    assert fragment in exc.value.message
    assert exc.value.exit_code == 2
    assert str(exc.value).startswith(f"rules.toml:{line}: ")


def test_load_config(tmp_path: Path) -> None:
    p = tmp_path / "c.toml"
    p.write_text('disable = ["XZ-REQ-005"]\n', encoding="utf-8")
    assert load_config(p).disabled == {"XZ-REQ-005"}
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "missing.toml")
    p.write_bytes(b"\xff\xfe")
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(p)
