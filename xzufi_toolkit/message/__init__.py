"""The XÖV-like application message ``aufenthalt.antrag.0100``: build, read, validate.

>>> from xzufi_toolkit.message import NAMESPACE
>>> NAMESPACE
'urn:xzufi-toolkit:schemas:aufenthalt:1.0'
"""

from __future__ import annotations

from xzufi_toolkit.message.header import (
    NAMESPACE,
    ROOT,
    Message,
    MessageHeader,
    Participant,
    SummaryDocument,
)
from xzufi_toolkit.message.read import message_from_tree, read_message, read_message_file
from xzufi_toolkit.message.schema import message_schema, xsd_findings
from xzufi_toolkit.message.write import build_message, message_tree

__all__ = [
    "NAMESPACE",
    "ROOT",
    "Message",
    "MessageHeader",
    "Participant",
    "SummaryDocument",
    "build_message",
    "message_from_tree",
    "message_schema",
    "message_tree",
    "read_message",
    "read_message_file",
    "xsd_findings",
]
