"""Submission bundles as FIT-Connect transports them.

A bundle holds the application message (``data.xml``, the submission's data),
the filled PDF (purpose ``form``), the evidence files (purpose ``attachment``)
and ``metadata.json`` whose ``contentStructure`` lists each with the sha512 of
its unencrypted bytes. Attachment ids equal the document UUIDs in the message.
Encryption (JWE) is the transport client's job and stays out.
"""

from __future__ import annotations

from xzufi_toolkit.bundle.build import Bundle, build_bundle, read_attachments, write_bundle
from xzufi_toolkit.bundle.verify import verify_bundle

__all__ = ["Bundle", "build_bundle", "read_attachments", "verify_bundle", "write_bundle"]
