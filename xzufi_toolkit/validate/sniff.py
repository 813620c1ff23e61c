"""Is a file XZuFi at all? For ``xzufi validate --only-xzufi`` (the pre-commit hook).

A repository's ``*.xml`` files are not all catalogue files: a ``pom.xml``
must not fail the hook. The decision is made from the head of the file
(after the prolog, as the parser sees it) and errs towards checking: a file
is *foreign*, and skipped, only when its root element is surely not XZuFi.
Anything that might be XZuFi, or whose root cannot be told (empty,
truncated, binary, a DOCTYPE naming a ``leistung``), is validated, so a broken
catalogue file is never passed over in silence.
"""

from __future__ import annotations

import re

from xzufi_toolkit.io import xmlsafe

__all__ = ["HEAD_BYTES", "XZUFI_NS_PREFIX", "is_foreign"]

HEAD_BYTES = 64 * 1024
# every XZuFi version's namespace; an unknown version is still XZuFi (reported, not skipped)
XZUFI_NS_PREFIX = "http://xoev.de/schemata/xzufi/"
_NAME = rb"[A-Za-z_][\w.\-]*"
_DOCTYPE = re.compile(rb"<!DOCTYPE\s+(?:" + _NAME + rb":)?(" + _NAME + rb")")
_START = re.compile(rb"<(?:(" + _NAME + rb"):)?(" + _NAME + rb")([^<>]*)>")
_XMLNS = re.compile(rb"""xmlns(?::(""" + _NAME + rb"""))?\s*=\s*(["'])(.*?)\2""", re.S)


def _xzufi_name(local: bytes) -> bool:
    """A root XZuFi would have: a Leistung, or a transfer message (``xzufi.transfer``)."""
    name = local.lower()
    return name == b"leistung" or name.endswith(b"transfer")


def is_foreign(head: bytes) -> bool:
    """True when the document beginning with ``head`` is surely not XZuFi."""
    data = xmlsafe._decode_head(head[:HEAD_BYTES])  # the parser's own prolog decoding
    m = xmlsafe._PROLOG.match(data)
    pos = m.end() if m else 0
    doctype = _DOCTYPE.match(data, pos)
    if doctype:  # foreign formats (hibernate.cfg.xml) have one; XZuFi never does
        return not _xzufi_name(doctype.group(1))
    start = _START.match(data, pos)
    if start is None:  # empty, truncated, binary: let validation say what it is
        return False
    prefix, local, attributes = start.group(1) or b"", start.group(2), start.group(3)
    declared = {p or b"": ns for p, _, ns in _XMLNS.findall(attributes)}
    ns = declared.get(prefix)
    if ns is not None and ns.decode("utf-8", "replace").startswith(XZUFI_NS_PREFIX):
        return False
    return not _xzufi_name(local)
