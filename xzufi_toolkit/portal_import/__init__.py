"""Import a Leistung from the FIM Portal's PDF export (or its text).

Editorial offices often have only the portal's export of a Leistung. The
import reads its labelled sections (:mod:`.export`), maps them into the model
(:mod:`.to_model`) and writes XZuFi 2.2.0 or 2.3.1 with the toolkit's writer.
Everything it repaired, guessed from layout or could not place is a finding
with an ``IMP-…`` code (``docs/import.md``).

>>> from xzufi_toolkit.portal_import import import_portal
>>> result = import_portal(open("fixtures/portal/seed.txt", "rb").read(), name="seed.txt")
>>> result.leistung.key, result.report.valid
('99010022001012', True)
"""

from __future__ import annotations

from dataclasses import dataclass

from xzufi_toolkit.findings import Report, Severity
from xzufi_toolkit.model import Leistung
from xzufi_toolkit.portal_import.export import PortalExport, read_export
from xzufi_toolkit.portal_import.to_model import to_leistung
from xzufi_toolkit.reporters import RuleMeta

__all__ = ["RULES", "ImportResult", "PortalExport", "import_portal", "read_export", "to_leistung"]

DEFAULT_VERSION = "2.3.1"

#: The import's finding codes (documented in docs/import.md).
RULES: tuple[RuleMeta, ...] = (
    RuleMeta("IMP-REQUIRED", "Leistungsschlüssel or Leistungsbezeichnung missing",
             "Leistungsschlüssel oder Leistungsbezeichnung fehlt", Severity.ERROR),
    RuleMeta("IMP-MISSING", "A section the portal always prints is missing",
             "Ein Abschnitt, den das Portal immer druckt, fehlt", Severity.WARNING),
    RuleMeta("IMP-UNPLACED", "Text outside every section could not be placed",
             "Text außerhalb aller Abschnitte nicht zuzuordnen", Severity.WARNING),
    RuleMeta("IMP-VALUE", "A field's value was not understood and left out",
             "Wert eines Feldes nicht verstanden und weggelassen", Severity.WARNING),
    RuleMeta("IMP-DUPLICATE", "A section appears twice; its text was added to the first",
             "Ein Abschnitt kommt doppelt vor; sein Text wurde angehängt", Severity.WARNING),
    RuleMeta("IMP-LABEL-IN-TEXT", "A label word inside running text was kept as text",
             "Ein Label-Wort im Fließtext wurde als Text behalten", Severity.INFO),
    RuleMeta("IMP-DISPLACED", "A value was taken from the other column of the layout",
             "Ein Wert wurde aus der anderen Spalte übernommen", Severity.INFO),
    RuleMeta("IMP-REPAIRED", "Text extraction damage repaired",
             "Extraktionsschaden behoben", Severity.INFO),
    RuleMeta("IMP-FOOTER", "Page footer removed", "Seitenfuß entfernt", Severity.INFO),
    RuleMeta("IMP-TEXT-ONLY", "Cost or duration text without a plainly stated value",
             "Kosten- oder Dauertext ohne eindeutig genannten Wert", Severity.INFO),
    RuleMeta("IMP-NOT-MAPPED", "A value XZuFi has no place for was left out",
             "Ein Wert ohne Platz in XZuFi wurde weggelassen", Severity.INFO),
)  # fmt: skip


@dataclass(slots=True)
class ImportResult:
    """The export as read, the Leistung (``None`` when it cannot be built) and its XML."""

    export: PortalExport
    leistung: Leistung | None
    report: Report
    xml: bytes | None = None
    version: str = DEFAULT_VERSION


def import_portal(data: bytes, *, name: str, version: str = DEFAULT_VERSION) -> ImportResult:
    """Read a portal export and write it as XZuFi ``version``.

    Raises :class:`~xzufi_toolkit.errors.InputError` when ``data`` is no portal
    export at all (empty, another document, image-only PDF). A Leistung without
    key or name is not written: ``leistung`` and ``xml`` stay ``None`` and the
    report holds the ``IMP-REQUIRED`` error.
    """
    from xzufi_toolkit.xzufi.writer import write_leistung

    export = read_export(data, name=name)
    report = Report(documents=1)
    report.extend(export.findings)
    if not export.keys or not export.title:
        return ImportResult(export, None, report, version=version)
    leistung, findings = to_leistung(export)
    report.extend(findings)
    written = write_leistung(leistung, version)
    report.extend(f.at(file=name) for f in written.findings)
    return ImportResult(export, leistung, report, written.data, written.version)
