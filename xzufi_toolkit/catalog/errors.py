"""What stops a catalog operation: the store, a page, the server."""

from __future__ import annotations

from xzufi_toolkit.errors import InputError, XzufiError

__all__ = ["PageError", "StoreError", "SyncError"]


class StoreError(XzufiError):
    """The store cannot be opened or written (bad URL, locked, full, newer schema).

    Messages name the database URL without its password.
    """

    exit_code = 1


class SyncError(InputError):
    """A paged source cannot be followed: unreachable, refused (4xx), bad answers."""


class PageError(SyncError):
    """One page is unusable (not JSON, no ``xzufiObjekte``, broken XML); nothing of it
    was applied and the position did not move."""
