"""The application path as one library call chain, shared by ``form fill``,
``bundle`` and ``demo``: case JSON → checked case → form values → filled PDF.

The form and its mapping are loaded and checked against each other once per
process (:func:`form_setup`); the embedded font subset is built once too.
Every :class:`FormSetup` checks its mapping against its form when it is made
(hash, field names, table values), whichever way it was built.

Any other authority's AcroForm takes any JSON: :func:`check_data_bytes` reads
it with the same strict JSON reader and, given a JSON Schema
(:func:`load_data_schema`), reports ``DATA-SCHEMA-*`` findings by JSON path,
without values unless asked. The residence-permit case checks are only for the
bundled form (:attr:`FormSetup.own_form`).
"""

from __future__ import annotations

import datetime as dt
import re
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

__all__ = [
    "CheckedCase",
    "DataSchema",
    "FormSetup",
    "check_case_bytes",
    "check_data_bytes",
    "fill_case",
    "form_setup",
    "load_data_schema",
]


@dataclass(frozen=True, slots=True)
class FormSetup:
    """A template with its mapping, checked against each other when made.

    ``own_form``: the template is the bundled form (by SHA-256), so case data
    gets the residence-permit case checks; any other form takes any JSON.
    """

    filler: FormFiller
    mapping: FormMapping
    own_form: bool = False

    def __post_init__(self) -> None:
        from xzufi_toolkit.form.mapping import require_matching_form

        require_matching_form(self.mapping, self.filler.info, form_file=self.filler.file or "")


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
    )
    from xzufi_toolkit.io.inputs import read_file
    from xzufi_toolkit.io.resources import form_file

    form_name = form or str(form_file(DEFAULT_FORM))
    mapping_name = mapping or str(form_file(DEFAULT_MAPPING))
    loaded = load_mapping(read_file(mapping_name), file=mapping_name)
    filler = FormFiller(read_file(form_name), file=form_name)
    own = form is None or filler.info.sha256 == _bundled_sha256()
    return FormSetup(filler=filler, mapping=loaded, own_form=own)


@cache
def _bundled_sha256() -> str:
    import hashlib

    from xzufi_toolkit.form.mapping import DEFAULT_FORM
    from xzufi_toolkit.io.resources import form_file

    return hashlib.sha256(form_file(DEFAULT_FORM).read_bytes()).hexdigest()


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


@dataclass(frozen=True, slots=True)
class DataSchema:
    """A user's JSON Schema for the data of a foreign form, checked and compiled."""

    validator: Any
    file: str | None = None


def load_data_schema(data: bytes, *, file: str | None = None) -> DataSchema:
    """Parse and check a JSON Schema (its ``$schema``, else draft 2020-12).

    Raises :class:`ConfigError` for a file that is not JSON or not a schema.
    Nothing is fetched: a ``$ref`` outside the file fails when data is checked.
    """
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError
    from jsonschema.validators import validator_for

    from xzufi_toolkit.case.io import parse_case_json
    from xzufi_toolkit.errors import ConfigError, InputError
    from xzufi_toolkit.form.mapping import format_path

    try:
        schema = parse_case_json(data, file=file)
    except InputError as exc:
        raise ConfigError(f"the data schema is not usable: {exc.message}", file=file) from None
    if not isinstance(schema, dict | bool):
        raise ConfigError("the data schema is not a JSON Schema (an object)", file=file)
    try:
        cls: Any = validator_for(schema, default=Draft202012Validator)
        cls.check_schema(schema)
    except SchemaError as exc:
        where = format_path(list(exc.absolute_path))
        raise ConfigError(
            f"not a valid JSON Schema at {where}: {exc.message[:160]}", file=file
        ) from None
    except (RecursionError, ValueError, TypeError, LookupError) as exc:
        raise ConfigError(f"not a usable JSON Schema: {type(exc).__name__}", file=file) from None
    return DataSchema(cls(schema, format_checker=cls.FORMAT_CHECKER), file)


def check_data_bytes(
    data: bytes,
    *,
    schema: DataSchema | None = None,
    file: str | None = None,
    show_values: bool = False,
) -> tuple[Any, Report]:
    """Any JSON for a foreign form: parsed strictly, then checked against ``schema``.

    Returns the document and the report; raises :class:`ValidationFailedError`
    when the schema finds errors (``DATA-SCHEMA-*``, one per JSON path and
    keyword, values only with ``show_values``), :class:`InputError` for
    input that is not JSON.
    """
    from xzufi_toolkit.case.io import parse_case_json

    document = parse_case_json(data, file=file)
    findings = _data_findings(document, schema, file, show_values) if schema else []
    report = Report(findings=findings, documents=1)
    if not report.valid:
        raise ValidationFailedError(
            f"the data do not match the data schema ({report.counts['error']} error(s))",
            report,
            file=file,
            hint="nothing was written; fix the data or the schema",
        )
    return document, report


def _data_findings(
    document: Any, schema: DataSchema, file: str | None, show_values: bool
) -> list[Finding]:
    import json

    # the case schema's keyword table and its unwrapping of if/then and $ref errors
    from xzufi_toolkit.case.io import _KEYWORDS, _leaf_errors
    from xzufi_toolkit.errors import ConfigError
    from xzufi_toolkit.findings import Location, Severity
    from xzufi_toolkit.form.mapping import format_path

    try:
        errors = [leaf for e in schema.validator.iter_errors(document) for leaf in _leaf_errors(e)]
    except RecursionError:
        raise ConfigError(
            "the data schema refers to itself without end", file=schema.file
        ) from None
    except Exception as exc:  # referencing's Unresolvable and friends: a $ref we cannot follow
        if type(exc).__module__.split(".")[0] not in ("referencing", "jsonschema"):
            raise
        raise ConfigError(
            "the data schema has a $ref that cannot be resolved offline",
            file=schema.file,
            hint="put every definition into the schema file ($defs)",
        ) from None
    out: dict[tuple[str, str], Finding] = {}
    for err in errors:
        keyword = str(err.validator)
        suffix, template = _KEYWORDS.get(keyword, ("INVALID", "not valid ({k})"))
        steps = list(err.absolute_path)
        if keyword == "required" and isinstance(err.instance, dict):
            names = err.validator_value if isinstance(err.validator_value, list) else []
            steps += [next((k for k in names if k not in err.instance), "?")]
        elif keyword == "additionalProperties" and isinstance(err.instance, dict):
            allowed = err.schema.get("properties", {}) if isinstance(err.schema, dict) else {}
            steps += [next((k for k in sorted(err.instance) if k not in allowed), "?")]
        value = err.validator_value
        if keyword == "enum" and isinstance(value, list):
            value = ", ".join(str(x) for x in value)
        message = template.format(v=str(value)[:120], k=keyword)
        if show_values and keyword not in ("required", "additionalProperties"):
            message += f" (value: {json.dumps(err.instance, ensure_ascii=False)[:80]})"
        where = format_path(steps)
        code = f"DATA-SCHEMA-{suffix}"
        out.setdefault(
            (where, code),
            Finding(
                code, Severity.ERROR, f"{where}: {message}", Location(file=file, json_path=where)
            ),
        )
    return [out[k] for k in sorted(out)]


def fill_case(
    document: Any,
    *,
    setup: FormSetup | None = None,
    flatten: bool = False,
    annex: bool = True,
    file: str | None = None,
    show_values: bool = False,
    leistung: Leistung | None = None,
) -> tuple[bytes, list[Finding]]:
    """The filled PDF for a checked case document (see :func:`check_case_bytes`).

    On the bundled form the fee and the minor's box come from :func:`clerk_values`
    (against ``leistung``, default the bundled one) and annex pages name the applicant.

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
    heading = None
    if set(used.filler.info.by_name) >= CLERK_FIELDS and _is_case(document):
        extra, heading = clerk_values(document, leistung=leistung)
        values = {**values, **extra}
    return used.filler.fill_report(
        values,
        flatten=flatten,
        sources=sources,
        file=file,
        show_values=show_values,
        annex=annex,
        annex_heading=heading,
    )


# Fields of the bundled form that no mapping rule fills: the case check computes them.
CLERK_FIELDS = frozenset({"gebuehr", "minderjaehrig"})
_FEE = re.compile(r": fee due: (\S+) (\S+) \(")  # the finding reads "$.datum: fee due: …"


def _is_case(document: Any) -> bool:
    return isinstance(document, dict) and isinstance(document.get("antragsteller"), dict)


@cache
def _bundled_leistung() -> Leistung:
    from xzufi_toolkit.case.leistung import load_leistung

    return load_leistung()


def clerk_values(document: Any, *, leistung: Leistung | None = None) -> tuple[dict[str, Any], str]:
    """What the bundled form shows beyond the mapping, and the annex heading.

    - ``gebuehr``: the fee due, from the same check as ``case check`` (CASE-FEE, on
      the Leistung's cost module: 100 EUR, 50 EUR for minors, 0 EUR with SGB II/XII
      benefits); left empty where the check cannot decide it.
    - ``minderjaehrig``: ticked when the applicant is a minor on the application
      date. The case holds no data on the legal representative (see docs/forms.md),
      so their name, kind and address stay for the representative to write in.
    - the annex heading: the applicant's name and the Leistung.
    """
    from xzufi_toolkit.case.checks import age_at
    from xzufi_toolkit.case.leistung import check_against_leistung
    from xzufi_toolkit.case.model import case_from_dict

    case = case_from_dict(document)
    used = leistung or _bundled_leistung()
    values: dict[str, Any] = {}
    for finding in check_against_leistung(case, used, today=case.datum):
        if finding.code != "CASE-FEE":
            continue
        m = _FEE.search(finding.message)
        if m and "minor" in finding.message:
            values["gebuehr"] = f"{m[1]} {m[2]} (minderjährig / minor)"
        elif m:
            values["gebuehr"] = f"{m[1]} {m[2]}"
        elif ": no fee: exempt" in finding.message:
            values["gebuehr"] = "0 EUR (gebührenfrei, SGB II/XII / exempt)"
    try:
        _, oldest = age_at(case.antragsteller.geburt.datum, case.datum)
    except ValueError:
        oldest = 18
    values["minderjaehrig"] = "Ja" if oldest < 18 else "Off"
    name = case.antragsteller.name
    person = ", ".join(p for p in (name.familienname, name.vornamen) if p)
    heading = f"Antragsteller/in / Applicant: {person} · Leistung {case.leistungsschluessel}"
    return values, heading
