"""FIM Datenfelder (XDatenfelder 2 and 3.0.0): model, reader, writer, checks,
JSON Schema derivation and application-data checks.

The model is in :mod:`xzufi_toolkit.xdf.model`; :func:`read_xdf` and
:func:`write_xdf_bytes` read and write it. Quality checks are in
:mod:`.check`, the JSON Schema in :mod:`.jsonschema`, data checks in
:mod:`.data` (imported on use: they pull in ``jsonschema``). No module here
imports the CLI.
"""

from __future__ import annotations

from xzufi_toolkit.xdf.model import (
    Cardinality,
    Datenfeld,
    Datenfeldgruppe,
    Datentyp,
    Feldart,
    MessageType,
    Praezisierung,
    Regel,
    Stammdatenschema,
    Struktur,
    XdfDocument,
    XdfVersion,
)
from xzufi_toolkit.xdf.reader import read_xdf, read_xdf_bytes
from xzufi_toolkit.xdf.writer import write_xdf_bytes

__all__ = [
    "Cardinality",
    "Datenfeld",
    "Datenfeldgruppe",
    "Datentyp",
    "Feldart",
    "MessageType",
    "Praezisierung",
    "Regel",
    "Stammdatenschema",
    "Struktur",
    "XdfDocument",
    "XdfVersion",
    "read_xdf",
    "read_xdf_bytes",
    "write_xdf_bytes",
]
