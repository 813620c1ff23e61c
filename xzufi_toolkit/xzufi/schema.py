"""The XZuFi profile schemas (or the official ones) as compiled lxml schemas.

The packaged XSDs under ``xzufi_toolkit/schemas/xzufi-<version>/`` are a
PROFILE reconstructed from reference material, not the official XRepository
schemas. A user who has the official XSD files points ``schema_dir`` at their
folder; the toolkit then compiles ``xzufi.xsd`` from there instead.
"""

from __future__ import annotations

import threading
from pathlib import Path

from lxml import etree

from xzufi_toolkit.errors import InputError, SchemaError
from xzufi_toolkit.io import xmlsafe
from xzufi_toolkit.io.resources import schema_file
from xzufi_toolkit.xzufi.versions import spec_for

__all__ = ["load_schema", "schema_path"]

_CACHE: dict[tuple[str, str], etree.XMLSchema] = {}
_LOCK = threading.Lock()
MAIN_FILE = "xzufi.xsd"


def schema_path(version: str, schema_dir: str | Path | None = None) -> Path:
    """The main XSD file of ``version``: packaged profile, or ``schema_dir/xzufi.xsd``."""
    spec = spec_for(version)
    if schema_dir is None:
        return schema_file(f"xzufi-{spec.version}", MAIN_FILE)
    path = Path(schema_dir) / MAIN_FILE
    if not path.is_file():
        raise SchemaError(
            f"no {MAIN_FILE} in the schema folder",
            file=str(schema_dir),
            hint=f"point --schema-dir at the folder holding the official XZuFi {spec.version} XSDs",
        )
    return path


def load_schema(version: str, schema_dir: str | Path | None = None) -> etree.XMLSchema:
    """Compile the schema of ``version`` once per process (cached per folder)."""
    path = schema_path(version, schema_dir)
    key = (spec_for(version).version, str(path.resolve()))
    with _LOCK:
        cached = _CACHE.get(key)
        if cached is not None:
            return cached
        try:
            tree = xmlsafe.parse_file(path)
        except InputError as exc:
            raise SchemaError(f"schema cannot be read: {exc.message}", file=str(path)) from None
        target = tree.getroot().get("targetNamespace")
        if schema_dir is not None and target != spec_for(version).ns:
            # libxml2 would only say "No matching global declaration" for each document
            raise SchemaError(
                f"the schema folder is not for XZuFi {spec_for(version).version}: its "
                f"{MAIN_FILE} declares targetNamespace {target!r}, the document uses "
                f"{spec_for(version).ns!r}",
                file=str(path),
                hint=f"point --schema-dir at the official XZuFi {spec_for(version).version} XSDs",
            )
        try:
            schema = etree.XMLSchema(tree)
        except etree.XMLSchemaParseError as exc:
            raise SchemaError(f"schema does not compile: {exc}", file=str(path)) from None
        _CACHE[key] = schema
        return schema
