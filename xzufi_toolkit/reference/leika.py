"""LeiKa key (Leistungsschlüssel of the FIM Leistungskatalog).

The key identifies a public service in the German federal catalogue of
services (LeiKa). It has 14 digits: ``99``, then four blocks of three digits:
Leistungsgruppierung, Leistungskennung, Verrichtung, Verrichtungsdetail.
Parent levels zero the trailing blocks. No checksum is known, so none is
checked. (Project reference ``xzufi.md``, "The LeiKa key".)

The interface follows python-stdnum: :func:`compact`, :func:`validate`
(returns the clean key or raises), :func:`is_valid`, :func:`format`.

>>> validate('99 010 022 001 012')
'99010022001012'
>>> format('99010022001012')
'99 010 022 001 012'
>>> split('99010022001012')
LeikaParts(group='010', leistungskennung='022', verrichtung='001', detail='012')
>>> level('99010022001012')
<Level.LOVD: 'lovd'>
>>> parents('99010022001012')
('99010022001000', '99010022000000')
>>> to_urn('99010022001012')
'urn:de:fim:leika:leistung:99010022001012'
>>> from_urn('urn:de:fim:leika:leistung:99010022001012')
'99010022001012'
>>> try:
...     validate('99010022001')
... except InvalidLength as exc:
...     print(exc.message)
LeiKa key has 11 digits, expected 14
>>> is_valid('12010022001012')
False
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import NamedTuple

from xzufi_toolkit.errors import InputError

__all__ = [
    "URN_PREFIX",
    "InvalidComponent",
    "InvalidFormat",
    "InvalidLength",
    "LeikaError",
    "LeikaParts",
    "Level",
    "compact",
    "format",
    "from_urn",
    "is_valid",
    "level",
    "parents",
    "split",
    "to_urn",
    "validate",
]

URN_PREFIX = "urn:de:fim:leika:leistung:"
"""URN form of a key as used by FIT-Connect and routing (``xzufi.md``)."""

_LENGTH = 14
_PREFIX = "99"
_ZERO = "000"
_SEPARATORS = re.compile(r"[\s.\-/]+")
_HINT = "a LeiKa key is 14 digits: 99 | group | Leistungskennung | Verrichtung | detail"


class LeikaError(InputError):
    """A LeiKa key is malformed; ``part`` names the offending block, if any."""

    def __init__(
        self,
        message: str,
        *,
        part: str | None = None,
        hint: str | None = _HINT,
        file: str | None = None,
        line: int | None = None,
    ) -> None:
        super().__init__(message, file=file, line=line, hint=hint)
        self.part = part


class InvalidFormat(LeikaError):
    """The key contains characters other than digits (after removing separators)."""


class InvalidLength(LeikaError):
    """The key does not have 14 digits."""


class InvalidComponent(LeikaError):
    """A block of the key has a value the key structure does not allow."""


class LeikaParts(NamedTuple):
    """The four three-digit blocks after the leading ``99``."""

    group: str
    leistungskennung: str
    verrichtung: str
    detail: str


class Level(StrEnum):
    """Leistungstyp as given by the key: which blocks are set (``xzufi.md``)."""

    LO = "lo"  # Leistungsobjekt: Verrichtung and detail 000
    LOV = "lov"  # Leistungsobjekt mit Verrichtung: detail 000
    LOVD = "lovd"  # Leistungsobjekt mit Verrichtung und Verrichtungsdetail


def compact(number: str) -> str:
    """Remove spaces, dots, hyphens and slashes; nothing else is changed."""
    return _SEPARATORS.sub("", number)


def validate(number: str) -> str:
    """Return the compact key or raise a :class:`LeikaError` saying which part is wrong."""
    key = compact(number)
    if not key:
        raise InvalidFormat("LeiKa key is empty")
    if not (key.isascii() and key.isdigit()):
        raise InvalidFormat("LeiKa key contains characters other than digits")
    if len(key) != _LENGTH:
        raise InvalidLength(f"LeiKa key has {len(key)} digits, expected {_LENGTH}")
    if not key.startswith(_PREFIX):
        # xzufi.md: the key starts with the fixed block "99".
        raise InvalidComponent(f"LeiKa key starts with {key[:2]!r}, expected '99'", part="prefix")
    parts = _parts(key)
    if parts.verrichtung == _ZERO and parts.detail != _ZERO:
        # xzufi.md: parent levels zero the trailing blocks; a Verrichtungsdetail
        # refines a Verrichtung, so a detail without one fits no Leistungstyp.
        raise InvalidComponent(
            f"LeiKa key has Verrichtungsdetail {parts.detail} but Verrichtung 000",
            part="detail",
        )
    return key


def is_valid(number: str) -> bool:
    """Whether ``number`` is a well-formed LeiKa key."""
    try:
        return bool(validate(number))
    except LeikaError:
        return False


def format(number: str) -> str:
    """The key in blocks: ``99 010 022 001 012``."""
    key = validate(number)
    return " ".join((key[:2], *_parts(key)))


def _parts(key: str) -> LeikaParts:
    return LeikaParts(key[2:5], key[5:8], key[8:11], key[11:14])


def split(number: str) -> LeikaParts:
    """The blocks group, Leistungskennung, Verrichtung and detail of a valid key."""
    return _parts(validate(number))


def level(number: str) -> Level:
    """Which Leistungstyp the key denotes: lo, lov or lovd."""
    parts = split(number)
    if parts.verrichtung == _ZERO:
        return Level.LO
    if parts.detail == _ZERO:
        return Level.LOV
    return Level.LOVD


def parents(number: str) -> tuple[str, ...]:
    """Keys of the parent levels, nearest first (empty for a Leistungsobjekt)."""
    key = validate(number)
    lvl = level(key)
    lo = key[:8] + _ZERO + _ZERO
    if lvl is Level.LOVD:
        return (key[:11] + _ZERO, lo)
    if lvl is Level.LOV:
        return (lo,)
    return ()


def to_urn(number: str) -> str:
    """``urn:de:fim:leika:leistung:<key>`` (FIT-Connect ``publicServiceType``)."""
    return URN_PREFIX + validate(number)


def from_urn(urn: str) -> str:
    """The key inside a LeiKa URN; the prefix is matched case-insensitively (RFC 8141)."""
    text = urn.strip()
    if not text.lower().startswith(URN_PREFIX):
        raise InvalidFormat(
            "not a LeiKa URN", part="urn", hint=f"expected {URN_PREFIX}<14-digit key>"
        )
    key = text[len(URN_PREFIX) :]
    if not (key.isascii() and key.isdigit()):
        raise InvalidFormat("LeiKa URN must end in the 14 digits of the key", part="urn")
    return validate(key)
