"""Rules the runner raises itself: unreadable input, schema errors, bulk messages."""

from __future__ import annotations

from xzufi_toolkit.findings import Severity
from xzufi_toolkit.validate.registry import declare

IO_UNREADABLE = declare(
    "XZ-IO-001",
    Severity.ERROR,
    "Document cannot be read",
    "Dokument kann nicht gelesen werden",
    "-",
    "input",
    "The file does not exist, is a directory, is not readable, or is empty. "
    "The run goes on with the other files.",
).code
IO_MALFORMED = declare(
    "XZ-IO-002",
    Severity.ERROR,
    "Malformed XML",
    "Fehlerhaftes XML",
    "XML 1.0",
    "input",
    "The document is not well-formed XML (syntax error, truncated file, wrong "
    "encoding); the finding names the line libxml2 stopped at.",
).code
IO_UNSAFE = declare(
    "XZ-IO-003",
    Severity.ERROR,
    "Unsafe XML refused",
    "Unsicheres XML abgelehnt",
    "OWASP XXE prevention",
    "input",
    "The document has a DOCTYPE, entity declarations or entity references. "
    "XZuFi never needs them; they are refused before parsing (XXE, billion laughs).",
).code
IO_LIMIT = declare(
    "XZ-IO-004",
    Severity.ERROR,
    "Document exceeds a limit",
    "Dokument überschreitet eine Grenze",
    "xmlsafe limits",
    "input",
    "The document (or one entry of a transfer message) is larger or deeper than "
    "the limits, or holds a text node beyond libxml2's limit.",
).code
IO_NOT_XZUFI = declare(
    "XZ-IO-005",
    Severity.ERROR,
    "Not an XZuFi document",
    "Kein XZuFi-Dokument",
    "xzufi.md: Versions and namespaces",
    "input",
    "The root element is neither a Leistung of XZuFi 2.2.0/2.3.1 nor a transfer "
    "message (schreibe/loesche entries).",
).code
XSD_INVALID = declare(
    "XZ-XSD-001",
    Severity.ERROR,
    "Schema violation",
    "Verstoß gegen das Schema",
    "XZuFi profile XSD (xzufi_toolkit/schemas/xzufi-<version>/), "
    "or the official xzufi.xsd given with --schema-dir",
    "schema",
    "The document does not conform to the XZuFi schema of its version. Both "
    "engines (lxml/libxml2, xmlschema) report the same record with line and path.",
).code
XSD_MISSING = declare(
    "XZ-XSD-002",
    Severity.WARNING,
    "No schema for this document",
    "Kein Schema für dieses Dokument",
    "xzufi_toolkit/schemas/",
    "schema",
    "No XSD is installed for the document's version or object type (an object kind "
    "the toolkit does not know in a transfer message, or an XSD given with --schema-dir "
    "that does not declare the object), so only the rules ran.",
).code
BULK_DUPLICATE_ID = declare(
    "XZ-BULK-001",
    Severity.ERROR,
    "Duplicate object id in a transfer message",
    "Doppelte Objekt-ID in einer Transfernachricht",
    "xzufi.md: Bulk / transfer message; an id is unique with its schemeAgencyID",
    "message",
    "Two schreibe entries write objects with the same id (and schemeAgencyID); "
    "the receiver keeps only one of them.",
).code
BULK_DELETE_WRITTEN = declare(
    "XZ-BULK-002",
    Severity.WARNING,
    "Deletion of an object written in the same message",
    "Löschung eines Objekts, das dieselbe Nachricht schreibt",
    "xzufi.md: Bulk / transfer message (loesche)",
    "message",
    "A loesche entry names an id that a schreibe entry of the same message "
    "writes; the result depends on the order the receiver applies them in.",
).code
BULK_VERSION = declare(
    "XZ-BULK-003",
    Severity.INFO,
    "xzufiVersion attribute differs from the namespace",
    "Attribut xzufiVersion weicht vom Namensraum ab",
    "xzufi.md: Bulk / transfer message (xzufiVersion, some producers write '2.2')",
    "message",
    "The root's xzufiVersion does not spell the version its namespace says (e.g. '2.2' for 2.2.0).",
).code
BULK_NO_ID = declare(
    "XZ-BULK-004",
    Severity.ERROR,
    "Entry without object id",
    "Eintrag ohne Objekt-ID",
    "xzufi.md: Bulk / transfer message",
    "message",
    "A schreibe entry's object or a loesche entry has no id, so the receiver cannot apply it. "
    "A Zuständigkeit's id is zustaendigkeit/id (it has no direct id).",
).code
BULK_NO_KLASSE = declare(
    "XZ-BULK-005",
    Severity.ERROR,
    "loesche without klasse",
    "loesche ohne klasse",
    "xzufi-real-data.md: The transfer message (loesche with @klasse)",
    "message",
    "A loesche entry has no klasse attribute, so the receiver cannot tell which kind "
    "of object the id names.",
).code
BULK_UNKNOWN_KLASSE = declare(
    "XZ-BULK-006",
    Severity.ERROR,
    "loesche with an unknown klasse",
    "loesche mit unbekannter klasse",
    "xzufi-real-data.md: klasse ∈ {Leistung, Organisationseinheit, Zustaendigkeit, "
    "LeistungSpezialisierung, Onlinedienst}",
    "message",
    "The klasse of a loesche entry is none of the five object kinds.",
).code
BULK_OBJECT_COUNT = declare(
    "XZ-BULK-007",
    Severity.ERROR,
    "schreibe without exactly one object",
    "schreibe ohne genau ein Objekt",
    "xzufi-real-data.md: schreibe holds exactly one object of one of five kinds",
    "message",
    "A schreibe entry holds no object or more than one; the receiver cannot apply it. "
    "The entry is kept as read (show, convert) and not checked further.",
).code
BULK_ZUST_INCOMPLETE = declare(
    "XZ-BULK-008",
    Severity.ERROR,
    "Zuständigkeit without leistungID or gebietID",
    "Zuständigkeit ohne leistungID oder gebietID",
    "xzufi-real-data.md: Zuständigkeit links one Leistung to one region",
    "message",
    "A zustaendigkeitTransferObjekt lacks zustaendigkeit, its leistungID or its gebietID, "
    "so it says nothing about who is responsible for what, where.",
).code
BULK_NO_AGENCY = declare(
    "XZ-BULK-009",
    Severity.WARNING,
    "Object id without schemeAgencyID",
    "Objekt-ID ohne schemeAgencyID",
    "xzufi-real-data.md: Identifiers (an id is unique only together with schemeAgencyID)",
    "message",
    "The id of a written or deleted object has no schemeAgencyID (the editorial office); "
    "receivers that key objects by agency and id cannot place it.",
).code
BULK_REFERENCE = declare(
    "XZ-BULK-010",
    Severity.INFO,
    "Reference to an object not in this message",
    "Verweis auf ein Objekt außerhalb dieser Nachricht",
    "xzufi-real-data.md: Zuständigkeit (leistungID, uebergeordnetesObjektID)",
    "message",
    "A Zuständigkeit names a Leistung (leistungID) or an Organisationseinheit/Onlinedienst "
    "(uebergeordnetesObjektID) that no schreibe of this message writes. Normal in a paged "
    "stream (the object came on another page); listed for the first 1,000 such "
    "Zuständigkeiten, then counted.",
).code
BULK_REGION_KEY = declare(
    "XZ-BULK-011",
    Severity.WARNING,
    "Malformed Gemeinde- or Regionalschlüssel",
    "Gemeinde- oder Regionalschlüssel fehlerhaft",
    "Amtlicher Gemeindeschlüssel (AGS, 8 digits), Amtlicher Regionalschlüssel (ARS, 12 digits), "
    "Bundesland (2 digits)",
    "message",
    "A verwaltungspolitischeKodierung of an Organisationseinheit's address has a "
    "gemeindeschluessel that is not 8 digits, a regionalschluessel that is not 12 digits, "
    "or a bundesland that is not 2 digits.",
).code
INTERNAL = declare(
    "XZ-INT-001",
    Severity.ERROR,
    "Internal error while validating",
    "Interner Fehler bei der Prüfung",
    "-",
    "input",
    "A rule, or the validator itself, failed on this document (a bug in the "
    "toolkit, please report it). The other rules and files are still checked.",
).code
