"""FIM Datenfelder (XDatenfelder 2 and 3.0.0): model, reader, writer, checks,
JSON Schema derivation and application-data checks.

The model is in :mod:`xzufi_toolkit.xdf.model`; the other modules import it,
never the CLI.
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
]
