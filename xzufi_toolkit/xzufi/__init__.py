"""Readers and writers for XZuFi 2.2.0 and 2.3.1 (single Leistung and transfer messages).

API overview (everything below is importable from ``xzufi_toolkit.xzufi``):

Reading
    ``read_leistung(path | bytes, file=None) -> ReadResult``
        ``.leistung`` (:class:`~xzufi_toolkit.model.Leistung`), ``.version``,
        ``.findings`` (what was normalised, codes ``XZ-N0xx``).
    ``leistung_from_element(lxml_element, version, file=None) -> ReadResult``
    ``leistung_from_tree(parsed_document, file=None) -> ReadResult``: the
        checks of ``read_leistung`` on a document parsed by the caller.
    ``detect(path | stream) -> Detected(version, kind="leistung" | "transfer")``
    ``open_transfer(path | bytes | stream) -> TransferReader``
        ``.frame() -> TransferMessage`` (root attributes, ``nachrichtenkopf``);
        iterating yields ``ReadEntry(entry: TransferEntry, findings)`` in
        constant memory, each entry with ``index`` and ``line``.
    ``read_transfer(source) -> TransferResult(message, findings)``: a small
        message whole, entries in ``message.entries``.
Writing
    ``write_leistung(leistung, version) -> WriteResult(data, version, findings)``
        ``findings``: what the target version cannot hold (``XZ-C0xx``).
    ``leistung_element(leistung, version) -> (lxml element, findings)``
    ``TransferWriter(binary_stream, message, version)`` context manager:
        ``.write(entry)``, ``.write_leistung(leistung)``, ``.findings``.
    ``write_transfer(message, version=None) -> WriteResult``: a message whole.
Schemas
    ``load_schema(version, schema_dir=None)`` compiled once per process;
    the packaged XSDs are a profile reconstructed from reference material,
    ``schema_dir`` points at the official ones.
Defaults
    ``load_default(version="2.3.1") -> Leistung``: the bundled Leistung
    99010022001012; ``default_path(version)`` its file,
    ``default_transfer_path()`` the bundled transfer message.
Versions
    ``V220``, ``V231``, ``SUPPORTED_VERSIONS``, ``TRANSFER_ROOT``, ``spec_for``.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING

from xzufi_toolkit.io.resources import fixture_file
from xzufi_toolkit.xzufi.versions import (
    SUPPORTED_VERSIONS,
    TRANSFER_ROOT,
    V220,
    V231,
    spec_for,
)

if TYPE_CHECKING:
    from xzufi_toolkit.model import Leistung
    from xzufi_toolkit.xzufi.reader import (
        Detected,
        ReadResult,
        detect,
        leistung_from_element,
        leistung_from_tree,
        read_leistung,
    )
    from xzufi_toolkit.xzufi.schema import load_schema, schema_path
    from xzufi_toolkit.xzufi.transfer import (
        ReadEntry,
        TransferReader,
        TransferResult,
        TransferWriter,
        open_transfer,
        read_transfer,
        write_transfer,
    )
    from xzufi_toolkit.xzufi.writer import WriteResult, leistung_element, serialize, write_leistung

__all__ = [
    "DEFAULT_KEY",
    "SUPPORTED_VERSIONS",
    "TRANSFER_ROOT",
    "V220",
    "V231",
    "Detected",
    "ReadEntry",
    "ReadResult",
    "TransferReader",
    "TransferResult",
    "TransferWriter",
    "WriteResult",
    "default_path",
    "default_transfer_path",
    "detect",
    "leistung_element",
    "leistung_from_element",
    "leistung_from_tree",
    "load_default",
    "load_schema",
    "open_transfer",
    "read_leistung",
    "read_transfer",
    "schema_path",
    "serialize",
    "spec_for",
    "write_leistung",
    "write_transfer",
]

# Public names of the reader, writer, transfer and schema modules, imported on
# first use (PEP 562): ``xzufi validate`` needs only the versions and the
# schema, and should not pay for loading the reader and writer at start-up.
_LAZY: dict[str, str] = {
    name: module
    for module, names in {
        "reader": (
            "Detected",
            "ReadResult",
            "detect",
            "leistung_from_element",
            "leistung_from_tree",
            "read_leistung",
        ),
        "schema": ("load_schema", "schema_path"),
        "transfer": (
            "ReadEntry",
            "TransferReader",
            "TransferResult",
            "TransferWriter",
            "open_transfer",
            "read_transfer",
            "write_transfer",
        ),
        "writer": ("WriteResult", "leistung_element", "serialize", "write_leistung"),
    }.items()
    for name in names
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


#: The Leistung the toolkit is built around and ships as its default.
DEFAULT_KEY = "99010022001012"


def default_path(version: str = V231) -> Path:
    """The bundled Leistung 99010022001012 in ``version``."""
    return fixture_file("leistung", f"{DEFAULT_KEY}-{spec_for(version).version}.xml")


def default_transfer_path() -> Path:
    """The bundled transfer message (2.3.1)."""
    return fixture_file("leistung", "transfer-2.3.1.xml")


def load_default(version: str = V231) -> Leistung:
    """The bundled Leistung 99010022001012 as the model."""
    from xzufi_toolkit.xzufi.reader import read_leistung

    return read_leistung(default_path(version)).leistung
