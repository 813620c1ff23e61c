"""Case data of an application for Leistung 99010022001012: model, JSON I/O, checks."""

from __future__ import annotations

from xzufi_toolkit.case.io import (
    dump_case,
    iter_schema_findings,
    load_case,
    parse_case_json,
    read_case_file,
)
from xzufi_toolkit.case.model import Case, case_from_dict, case_to_dict

__all__ = [
    "Case",
    "case_from_dict",
    "case_to_dict",
    "dump_case",
    "iter_schema_findings",
    "load_case",
    "parse_case_json",
    "read_case_file",
]
