"""Check field values against the template before anything is written.

pypdf accepts anything: an unknown checkbox state silently becomes /Off, a
combo value outside /Opt is stored, a comb or MaxLen field cuts the text in its
appearance while /V keeps all of it. Each of these is a finding here, with a
stable code, so a fill either shows every value or does not happen.

Codes (all errors unless noted):

- ``FORM-FIELD-UNKNOWN``: a value for a field the form does not have
- ``FORM-FIELD-NOT-FILLABLE``: a value for a signature field or push button
- ``FORM-FIELD-READ-ONLY`` (warning): the field is read-only in the form
- ``FORM-VALUE-TYPE``: true/false for a text field, or text for a checkbox
  that is not one of its states
- ``FORM-VALUE-TOO-LONG``: longer than the field's /MaxLen (comb: its cells)
- ``FORM-DATE-FORMAT``: not a date in the field's format (from its AFDate action)
- ``FORM-OPTION-UNKNOWN``: not one of the choice field's options
- ``FORM-STATE-UNKNOWN``: not an on-state of the checkbox or radio group
- ``FORM-GLYPH-MISSING``: the embedded font has no glyph for a character
- ``FORM-TEXT-OVERFLOW``: the text does not fit the box even at the smallest size
  (and, for text and multiline fields, annexes are off or not even the note fits)
- ``FORM-TEXT-ANNEX`` (info): the text does not fit; the field shows "siehe
  Anlage" and the full text goes to an annex page (:mod:`.annex`)
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping

from xzufi_toolkit.findings import Finding, Location, Severity
from xzufi_toolkit.form.annex import ANNEX_KINDS, note_for
from xzufi_toolkit.form.fonts import FormFont
from xzufi_toolkit.form.inspect import FieldInfo, FormInfo
from xzufi_toolkit.form.layout import TextPlan, plan_comb, plan_line, plan_multiline

__all__ = ["FieldValue", "check_values", "date_pattern", "normalize_value", "plan_field"]

FieldValue = str | bool

TEXT_KINDS = frozenset({"text", "date", "comb", "multiline", "password"})
_DATE_TOKENS = {"dd": r"\d{2}", "d": r"\d{1,2}", "mm": r"\d{2}", "m": r"\d{1,2}"}
_DATE_TOKENS |= {"yyyy": r"\d{4}", "yy": r"\d{2}"}
_STRPTIME = {"dd": "%d", "d": "%d", "mm": "%m", "m": "%m", "yyyy": "%Y", "yy": "%y"}


def date_pattern(fmt: str) -> tuple[re.Pattern[str], str] | None:
    """A regex and strptime format for an AFDate format such as ``dd.mm.yyyy``.

    ``None`` for formats with month names or times, which are not checked.
    """
    regex, strp = "", ""
    for token in (m.group(0) for m in re.finditer(r"([a-zA-Z])\1*|.", fmt)):
        if token in _DATE_TOKENS:
            regex += _DATE_TOKENS[token]
            strp += _STRPTIME[token]
        elif token.isalpha():
            return None
        else:
            regex += re.escape(token)
            strp += token.replace("%", "%%")
    return re.compile(regex + r"\Z"), strp


def normalize_value(info: FieldInfo, value: FieldValue) -> FieldValue:
    """The value as it will be written: NFC text; booleans to the checkbox's on-state."""
    if isinstance(value, bool):
        if info.kind == "checkbox":
            return info.on_states[0] if value and info.on_states else "Off"
        return value
    value = unicodedata.normalize("NFC", value)
    if info.kind in ("combo", "list") and value not in info.options and value in info.labels:
        return info.options[info.labels.index(value)]
    return value


def plan_field(
    font: FormFont, info: FieldInfo, text: str, box: tuple[float, float] | None = None
) -> TextPlan:
    """How ``text`` is laid out in ``info``'s (first) widget."""
    if box is None:
        box = (abs(info.rect[2] - info.rect[0]), abs(info.rect[3] - info.rect[1]))
        if info.rotation in (90, 270):  # the text runs along the rectangle's height
            box = (box[1], box[0])
    width, height = box
    size = info.font_size or None
    if info.kind == "multiline":
        return plan_multiline(
            font, text, width=width, height=height, size=size, align=info.alignment
        )
    if info.kind == "comb" and info.max_len:
        return plan_comb(font, text, cells=info.max_len, width=width, height=height, size=size)
    return plan_line(font, text, width=width, height=height, size=size, align=info.alignment)


def check_values(
    form: FormInfo,
    values: Mapping[str, FieldValue],
    font: FormFont,
    *,
    file: str | None = None,
    sources: Mapping[str, str] | None = None,
    show_values: bool = False,
    annex: bool = True,
) -> list[Finding]:
    """Findings for ``values`` (field name -> value) in ``form``; empty when all fit."""
    out: list[Finding] = []
    for name, value in values.items():
        loc = Location(file=file, json_path=(sources or {}).get(name))
        info = form.field(name)
        shown = f" ({value!r})" if show_values else ""
        if info is None:
            out.append(_f("FORM-FIELD-UNKNOWN", f"the form has no field {name!r}", loc))
            continue
        out.extend(_check_one(info, normalize_value(info, value), font, loc, shown, annex=annex))
    return out


def _f(code: str, message: str, loc: Location, severity: Severity = Severity.ERROR) -> Finding:
    return Finding(code=code, severity=severity, message=message, location=loc)


def _check_one(
    info: FieldInfo, value: FieldValue, font: FormFont, loc: Location, shown: str, *, annex: bool
) -> list[Finding]:
    name = info.name
    out: list[Finding] = []
    if info.kind in ("signature", "button"):
        return [_f("FORM-FIELD-NOT-FILLABLE", f"field {name!r} is a {info.kind}", loc)]
    if info.read_only:
        msg = f"field {name!r} is read-only in the form; it is filled anyway"
        out.append(_f("FORM-FIELD-READ-ONLY", msg, loc, Severity.WARNING))
    if info.kind in ("checkbox", "radio"):
        return out + _check_state(info, value, loc, shown)
    if isinstance(value, bool):
        return [*out, _f("FORM-VALUE-TYPE", f"field {name!r} takes text, not true/false", loc)]
    if info.kind in ("combo", "list"):
        if value and value not in info.options:
            n = len(info.options)
            msg = f"choice field {name!r}: value{shown} is not one of its {n} options"
            return [*out, _f("FORM-OPTION-UNKNOWN", msg, loc)]
        text = info.labels[info.options.index(value)] if value else ""
    else:
        text = value
    return out + _check_text(info, text, font, loc, shown, annex=annex)


def _check_state(info: FieldInfo, value: FieldValue, loc: Location, shown: str) -> list[Finding]:
    if isinstance(value, bool):
        msg = f"radio group {info.name!r} needs one of its states, not true/false"
        return [_f("FORM-VALUE-TYPE", msg, loc)]
    if value != "Off" and value not in info.on_states:
        states = ", ".join(info.on_states)
        msg = f"{info.kind} {info.name!r}: value{shown} is not one of its states ({states}, Off)"
        return [_f("FORM-STATE-UNKNOWN", msg, loc)]
    return []


def _check_text(
    info: FieldInfo, text: str, font: FormFont, loc: Location, shown: str, *, annex: bool
) -> list[Finding]:
    name = info.name
    out: list[Finding] = []
    if info.max_len is not None and len(text) > info.max_len:
        what = "cells" if info.comb else "characters"
        msg = f"field {name!r}: {len(text)} characters{shown}, "
        msg += f"the form allows {info.max_len} {what}"
        out.append(_f("FORM-VALUE-TOO-LONG", msg, loc))
    if info.kind == "date" and info.date_format and text:
        pattern = date_pattern(info.date_format)
        if pattern is not None and not _is_date(text, *pattern):
            msg = f"date field {name!r}: value{shown} is not a date in the form {info.date_format}"
            out.append(_f("FORM-DATE-FORMAT", msg, loc))
    missing = font.missing(text)
    if missing:
        chars = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, '?')}" for c in missing)
        msg = f"field {name!r}: the form font has no glyph for {chars}"
        out.append(_f("FORM-GLYPH-MISSING", msg, loc))
    if text and not out and info.kind in TEXT_KINDS | {"combo"}:
        plan = plan_field(font, info, text)
        if plan.fits:
            return out
        if annex and info.kind in ANNEX_KINDS and note_for(font, info, 99) is not None:
            msg = f"field {name!r}: the text does not fit; the full text goes to an annex page"
            out.append(_f("FORM-TEXT-ANNEX", msg, loc, Severity.INFO))
        else:
            msg = f"field {name!r}: the text{shown} does not fit the box even at the smallest size"
            out.append(_f("FORM-TEXT-OVERFLOW", msg, loc))
    return out


def _is_date(text: str, regex: re.Pattern[str], strp: str) -> bool:
    if not regex.match(text):
        return False
    try:
        dt.datetime.strptime(text, strp)
    except ValueError:
        return False
    return True
