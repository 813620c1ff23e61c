"""Catalogue validation: XZuFi schema plus business rules, findings as data.

Three entry points for one document (raise, boolean, iterate) and a bulk
runner; rule codes are documented in ``docs/rules.md``.
"""

from __future__ import annotations

from xzufi_toolkit.validate.api import (
    Options,
    check,
    is_valid,
    iter_findings,
    validate_bytes,
    validate_file,
    validate_paths,
)
from xzufi_toolkit.validate.config import RuleConfig, load_config, parse_config
from xzufi_toolkit.validate.registry import RULES, Rule, rule_meta

__all__ = [
    "RULES",
    "Options",
    "Rule",
    "RuleConfig",
    "check",
    "is_valid",
    "iter_findings",
    "load_config",
    "parse_config",
    "rule_meta",
    "validate_bytes",
    "validate_file",
    "validate_paths",
]
