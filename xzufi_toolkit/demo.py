"""The whole path on the bundled defaults, for newcomers: ``xzufi demo``.

validate the Leistung → check a sample case against it → build and validate
the message → fill and preview the form → write the bundle → render the
citizen page. The reference date of the case checks is the case's own
application date, so the demo gives the same result on any day.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from xzufi_toolkit.errors import UsageError, ValidationFailedError
from xzufi_toolkit.io.atomicio import write_bytes_atomic, write_text_atomic

if TYPE_CHECKING:
    from xzufi_toolkit.findings import Report
    from xzufi_toolkit.model import Leistung

__all__ = ["DEFAULT_CASE", "DemoResult", "run_demo"]

DEFAULT_CASE = "adult-employed.json"
MARKER = ".xzufi-demo"


@dataclass(slots=True)
class DemoResult:
    """What the demo did: one line per step and the files it wrote."""

    out_dir: Path
    steps: list[str] = field(default_factory=list)
    files: list[tuple[Path, str]] = field(default_factory=list)


def _prepare(out_dir: Path) -> None:
    if out_dir.exists():
        if not out_dir.is_dir():
            raise UsageError("demo output exists and is not a folder", file=str(out_dir))
        if any(out_dir.iterdir()) and not (out_dir / MARKER).exists():
            raise UsageError(
                "demo output folder is not empty",
                file=str(out_dir),
                hint="choose a new folder with -o; a folder an earlier demo wrote is reused",
            )
    else:
        parent = out_dir.parent if str(out_dir.parent) else Path()
        if not parent.is_dir():
            raise UsageError(f"output folder does not exist: {parent}", file=str(out_dir))
        out_dir.mkdir()
    (out_dir / MARKER).write_text("written by xzufi demo; safe to delete\n", "utf-8")


def _sample_evidence(doc: dict[str, object], folder: Path) -> dict[str, bytes]:
    """Stand-in evidence files (labelled as samples) and their hashes in the case."""
    out: dict[str, bytes] = {}
    docs = doc.get("unterlagen")
    assert isinstance(docs, list)  # the bundled case is schema-valid
    for u in docs:
        name = str(u["dateiname"])
        data = f"xzufi demo: sample stand-in for {name}; not a real document\n".encode()
        write_bytes_atomic(folder / name, data)
        u["sha512"] = hashlib.sha512(data).hexdigest()
        out[name] = data
    return out


def _bundled_leistung() -> tuple[Leistung, Report]:
    """The bundled Leistung validated (XSD and rules) and as the model, from one parse."""
    from xzufi_toolkit.io import xmlsafe
    from xzufi_toolkit.validate.api import validate_tree
    from xzufi_toolkit.xzufi import default_path, leistung_from_tree

    path = default_path()
    tree = xmlsafe.parse_file(path)
    report = validate_tree(tree, name=str(path))
    if not report.valid:
        raise ValidationFailedError("the bundled Leistung does not validate", report)
    return leistung_from_tree(tree, file=str(path)).leistung, report


def run_demo(out_dir: str | Path = "xzufi-demo", *, case_name: str = DEFAULT_CASE) -> DemoResult:
    """Run every step on the bundled defaults and write the results to ``out_dir``."""
    import datetime as dt

    from xzufi_toolkit.bundle import build_bundle, write_bundle
    from xzufi_toolkit.bundle.layout import DATA_NAME
    from xzufi_toolkit.bundle.verify import verify_bundle
    from xzufi_toolkit.form.render import png_bytes, render_pdfium
    from xzufi_toolkit.io.resources import fixture_file
    from xzufi_toolkit.pipeline import check_case_bytes, fill_case
    from xzufi_toolkit.render import render_page

    out = Path(out_dir)
    _prepare(out)
    result = DemoResult(out_dir=out)

    # 1. the Leistung: XSD and business rules
    leistung, report = _bundled_leistung()
    c = report.counts
    result.steps.append(
        f"Leistung {leistung.key}: valid ({c['warning']} warning(s), {c['info']} info) — "
        f"{leistung.name('de')}"
    )

    # 2. the sample case, checked against the Leistung on its application date
    doc = json.loads(fixture_file("cases", case_name).read_text("utf-8"))
    evidence_dir = out / "evidence"
    evidence_dir.mkdir(exist_ok=True)
    evidence = _sample_evidence(doc, evidence_dir)
    case_bytes = (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    write_bytes_atomic(out / "case.json", case_bytes)
    result.files.append((out / "case.json", "sample case (hashes of the sample evidence)"))
    today = dt.date.fromisoformat(str(doc["datum"]))
    checked = check_case_bytes(case_bytes, today=today, file="case.json", leistung=leistung)
    result.steps.append(
        f"case {case_name}: valid against the Leistung on {today.isoformat()} "
        f"({checked.report.counts['warning']} warning(s), {checked.report.counts['info']} info)"
    )

    # 3. the form: filled, and page 1 as pdfium draws it
    pdf, _notes = fill_case(checked.document, file="case.json", leistung=leistung)
    write_bytes_atomic(out / "antrag.pdf", pdf)
    write_bytes_atomic(out / "antrag-seite1.png", png_bytes(render_pdfium(pdf, 1, dpi=80)))
    result.files.append((out / "antrag.pdf", "filled application form"))
    result.files.append((out / "antrag-seite1.png", "preview of page 1"))

    # 4. the bundle (its message is built and validated against the XSD inside)
    bundle = build_bundle(
        checked.case, form_pdf=pdf, attachments=evidence, service_name=leistung.name("de")
    )
    write_bytes_atomic(out / "nachricht.xml", bundle.files[DATA_NAME])
    result.files.append((out / "nachricht.xml", "message aufenthalt.antrag.0100 (XSD-valid)"))
    bundle_path = out / "bundle.zip"
    write_bundle(bundle, bundle_path)
    verified = verify_bundle(bundle_path)
    if not verified.valid:
        raise ValidationFailedError("the written bundle does not verify", verified)
    result.files.append((bundle_path, "FIT-Connect submission bundle (verified)"))
    result.steps.append(
        f"message and bundle: {len(bundle.files)} files, metadata valid, hashes verified"
    )

    # 5. the citizen page
    write_text_atomic(out / "leistung.html", render_page(leistung, lang="de"))
    result.files.append((out / "leistung.html", "citizen page (German)"))
    result.steps.append("form filled and previewed; citizen page rendered")
    return result
