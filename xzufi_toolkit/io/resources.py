"""Locate the data shipped inside the package (schemas, forms, fixtures, tables).

Everything is found through :mod:`importlib.resources`; nothing is fetched at
run time. The top-level ``schemas/`` and ``forms/`` folders of the repository
are links to these package folders.
"""

from __future__ import annotations

from importlib.resources import as_file, files
from importlib.resources.abc import Traversable
from pathlib import Path

from xzufi_toolkit.errors import SchemaError

__all__ = ["data_file", "fixture_file", "form_file", "package_root", "resource_path", "schema_file"]


def package_root() -> Traversable:
    return files("xzufi_toolkit")


def resource_path(*parts: str) -> Path:
    """A real filesystem path for a packaged resource (wheels install unzipped)."""
    res = package_root().joinpath(*parts)
    if not res.is_file() and not res.is_dir():
        raise SchemaError(
            f"packaged resource missing: {'/'.join(parts)}",
            hint="reinstall xzufi-toolkit; the installation is incomplete",
        )
    with as_file(res) as p:
        return Path(p)


def schema_file(*parts: str) -> Path:
    return resource_path("schemas", *parts)


def form_file(*parts: str) -> Path:
    return resource_path("forms", *parts)


def fixture_file(*parts: str) -> Path:
    return resource_path("fixtures", *parts)


def data_file(*parts: str) -> Path:
    return resource_path("data", *parts)
