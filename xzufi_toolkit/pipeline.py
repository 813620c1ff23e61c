"""The application path as one library call chain, shared by ``form fill``,
``bundle`` and ``demo``: case JSON → checked case → form values → filled PDF.

The form and its mapping are loaded and checked against each other once per
process (:func:`form_setup`); the embedded font subset is built once too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from xzufi_toolkit.errors import ValidationFailedError
from xzufi_toolkit.findings import Finding, Report

if TYPE_CHECKING:
    from xzufi_toolkit.case.model import Case
    from xzufi_toolkit.form.fill import FormFiller
    from xzufi_toolkit.form.mapping import FormMapping
    from xzufi_toolkit.model import Leistung

__all__ = ["CheckedCase", "FormSetup", "check_case_bytes", "fill_case", "form_setup"]


@dataclass(frozen=True, slots=True)
class FormSetup:
    """A template with its mapping, checked against each other."""

    filler: FormFiller
    mapping: FormMapping


@dataclass(frozen=True, slots=True)
class CheckedCase:
    """A case that passed every check: the parsed JSON, the model, the report."""

    document: Any
    case: Case
    report: Report


def _load_setup(form: str | None, mapping: str | None) -> FormSetup:
    from xzufi_toolkit.form.fill import FormFiller
    from xzufi_toolkit.form.mapping import (
        DEFAULT_FORM,
        DEFAULT_MAPPING,
        load_mapping,
        require_matching_form,
    )
    from xzufi_toolkit.io.inputs import read_file
    from xzufi_toolkit.io.resources import form_file

    form_name = form or str(form_file(DEFAULT_FORM))
    mapping_name = mapping or str(form_file(DEFAULT_MAPPING))
    loaded = load_mapping(read_file(mapping_name), file=mapping_name)
    filler = FormFiller(read_file(form_name), file=form_name)
    require_matching_form(loaded, filler.info, form_file=form_name)
    return FormSetup(filler=filler, mapping=loaded)


@cache
def form_setup(form: str | None = None, mapping: str | None = None) -> FormSetup:
    """The (cached) form setup; defaults to the bundled form and mapping."""
    return _load_setup(form, mapping)


def check_case_bytes(
    data: bytes,
    *,
    today: dt.date,
    file: str | None = None,
    leistung: Leistung | None = None,
    show_values: bool = False,
) -> CheckedCase:
    """Parse and check case JSON; raise :class:`ValidationFailedError` if it has errors."""
    from xzufi_toolkit.case.io import parse_case_json
    from xzufi_toolkit.case.validate import validate_case

    document = parse_case_json(data, file=file)  # a BOM is allowed
    case, report = validate_case(
        document, today=today, file=file, leistung=leistung, show_values=show_values
    )
    if case is None or not report.valid:
        raise ValidationFailedError(
            f"case check failed ({report.counts['error']} error(s))",
            report,
            file=file,
            hint="nothing was written; fix the case data first",
        )
    return CheckedCase(document=document, case=case, report=report)


def fill_case(
    document: Any,
    *,
    setup: FormSetup | None = None,
    flatten: bool = False,
    annex: bool = True,
    file: str | None = None,
    show_values: bool = False,
) -> tuple[bytes, list[Finding]]:
    """The filled PDF for a checked case document (see :func:`check_case_bytes`).

    Also returns the findings below error, e.g. ``FORM-TEXT-ANNEX`` where a text
    went to an annex page. Raises :class:`ValidationFailedError` when the case
    cannot be mapped or a value does not fit the form.
    """
    from xzufi_toolkit.form.mapping import apply_mapping

    used = setup or form_setup()
    values, sources, problems = apply_mapping(
        used.mapping, document, file=file, show_values=show_values
    )
    if problems:
        raise ValidationFailedError(
            "the case cannot be mapped onto the form",
            Report(findings=problems, documents=1),
            file=file,
            hint="nothing was written",
        )
    return used.filler.fill_report(
        values, flatten=flatten, sources=sources, file=file, show_values=show_values, annex=annex
    )
