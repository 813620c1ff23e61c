"""PDF application forms: inspect any AcroForm, check values, fill, flatten, render.

Data flows one way: case JSON -> :mod:`.mapping` (field values) ->
:mod:`.values` (checked against the template) -> :mod:`.fill` (pypdf, embedded
Roboto subset) -> :mod:`.flatten` (qpdf) -> :mod:`.render` (pdfium, poppler).
"""

from __future__ import annotations

from xzufi_toolkit.form.fill import FormFiller, fill_form
from xzufi_toolkit.form.flatten import flatten_pdf, is_flat
from xzufi_toolkit.form.fonts import FormFont, build_font, form_font
from xzufi_toolkit.form.inspect import FieldInfo, FormInfo, inspect_form, mapping_skeleton
from xzufi_toolkit.form.values import FieldValue, check_values

__all__ = [
    "FieldInfo",
    "FieldValue",
    "FormFiller",
    "FormFont",
    "FormInfo",
    "build_font",
    "check_values",
    "fill_form",
    "flatten_pdf",
    "form_font",
    "inspect_form",
    "is_flat",
    "mapping_skeleton",
]
