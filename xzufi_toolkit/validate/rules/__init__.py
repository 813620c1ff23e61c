"""Business rules, one module per topic; importing this package fills the registry."""

from __future__ import annotations

from xzufi_toolkit.validate.rules import (  # noqa: F401  # imported for their registrations
    codes,
    costs,
    document,
    durations,
    html,
    key,
    language,
    law,
    links,
    modules,
    release,
)
