"""One small exception tree.

Exceptions mean "the tool cannot go on" (unreadable input, missing schema, bad
configuration). Problems found *in* data are :class:`~xzufi_toolkit.findings.Finding`
values, not exceptions. Every message says what is wrong, where, and what to do
next, and never contains personal data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from xzufi_toolkit.findings import Report

__all__ = [
    "ConfigError",
    "FormError",
    "InputError",
    "LimitExceededError",
    "MalformedXmlError",
    "SchemaError",
    "UnsafeXmlError",
    "UnsupportedVersionError",
    "UsageError",
    "ValidationFailedError",
    "XzufiError",
]


class XzufiError(Exception):
    """Base class: the toolkit cannot continue with this input or setting.

    ``exit_code`` is what the CLI returns for it: 1 for bad input, 2 for usage,
    configuration and internal problems.
    """

    exit_code: int = 2

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.hint = hint

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = self.file + (f":{self.line}" if self.line is not None else "") + ": "
        text = where + self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


class InputError(XzufiError):
    """The input cannot be read: not XML, malformed, truncated, wrong namespace…"""

    exit_code = 1


class MalformedXmlError(InputError):
    """The input is not well-formed XML: not XML at all, a syntax error, or no root element."""


class UnsafeXmlError(InputError):
    """The input uses a DOCTYPE, entities or other constructs the toolkit refuses."""


class LimitExceededError(InputError):
    """The input is larger or deeper than the configured limits."""


class UnsupportedVersionError(InputError):
    """The input is XZuFi (or a message) of a version the toolkit does not read."""


class FormError(InputError):
    """A PDF form cannot be used: not a PDF, encrypted, XFA-only, field missing…"""


class ValidationFailedError(InputError):
    """Raised by the raising entry points when validation found errors.

    ``report`` holds the findings.
    """

    def __init__(
        self,
        message: str,
        report: Report,
        *,
        file: str | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, file=file, line=line, hint=hint)
        self.report = report


class UsageError(XzufiError):
    """The command was called wrongly (unknown option value, missing argument)."""

    exit_code = 2


class ConfigError(XzufiError):
    """A configuration file is broken or names an unknown rule."""

    exit_code = 2


class SchemaError(XzufiError):
    """A schema the toolkit needs is missing or does not compile."""

    exit_code = 2
