"""What a message carries besides the case: header, base-message attributes, summary file."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from xzufi_toolkit import __version__
from xzufi_toolkit.case.model import Case

__all__ = [
    "NAMESPACE",
    "ROOT",
    "Message",
    "MessageHeader",
    "Participant",
    "SummaryDocument",
]

NAMESPACE = "urn:xzufi-toolkit:schemas:aufenthalt:1.0"
ROOT = "aufenthalt.antrag.0100"
MESSAGE_TYPE = "0100"
STANDARD = "xzufi-toolkit-aufenthalt"
STANDARD_VERSION = "1.0"


@dataclass(frozen=True, slots=True)
class Participant:
    """Reader or author of a message: directory service, DVDV-style id, name."""

    kennung: str
    name: str
    verzeichnisdienst: str = "DVDV"


# Placeholders for messages built without naming the parties; set real ones
# (``--reader``/``--author``) before anything is sent.
DEFAULT_AUTHOR = Participant(kennung="xzufi:portal", name="xzufi-toolkit Online-Dienst")
DEFAULT_READER = Participant(kennung="xzufi:auslaenderbehoerde", name="Zuständige Ausländerbehörde")


@dataclass(frozen=True, slots=True)
class MessageHeader:
    """``nachrichtenkopf.g2g`` plus the XÖV base-message attributes of the root."""

    nachrichten_uuid: str
    erstellungszeitpunkt: dt.datetime
    leser: Participant = DEFAULT_READER
    autor: Participant = DEFAULT_AUTHOR
    produkt: str = "xzufi-toolkit"
    produkthersteller: str = "xzufi-toolkit developers"
    produktversion: str | None = __version__
    test: bool | None = None

    @classmethod
    def new(
        cls,
        *,
        now: dt.datetime | None = None,
        leser: Participant = DEFAULT_READER,
        autor: Participant = DEFAULT_AUTHOR,
        test: bool | None = None,
    ) -> MessageHeader:
        """A header with a fresh random UUID, created ``now`` (UTC, whole seconds)."""
        created = now or dt.datetime.now(dt.UTC).replace(microsecond=0)
        return cls(str(uuid.uuid4()), created, leser, autor, test=test)


@dataclass(frozen=True, slots=True)
class SummaryDocument:
    """The filled PDF sent with the message (FIT-Connect ``form`` attachment)."""

    dokument_id: str
    dateiname: str
    sha512: str
    mime_type: str = "application/pdf"


@dataclass(frozen=True, slots=True)
class Message:
    """A whole application message: the case, its header and the optional summary."""

    case: Case
    header: MessageHeader
    zusammenfassung: SummaryDocument | None = field(default=None)
