"""The whole path on the bundled defaults, for newcomers: ``xzufi demo``.

validate the Leistung → check a sample case against it → build and validate
the message → fill and preview the form → write the bundle → render the
citizen page. The reference date of the case checks is the case's own
application date, so the demo gives the same result on any day.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from xzufi_toolkit.errors import InputError, UsageError, ValidationFailedError
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


def _prepare(out_dir: Path) -> Path:
    """The staging folder beside ``out_dir``; usage errors for a foreign ``out_dir``."""
    if out_dir.exists():
        if not out_dir.is_dir() or out_dir.is_symlink():
            raise UsageError("demo output exists and is not a folder", file=str(out_dir))
        if any(out_dir.iterdir()) and not (out_dir / MARKER).exists():
            raise UsageError(
                "demo output folder is not empty",
                file=str(out_dir),
                hint="choose a new folder with -o; a folder an earlier demo wrote is reused",
            )
    parent = out_dir.parent if str(out_dir.parent) else Path()
    if not parent.is_dir():
        raise UsageError(f"output folder does not exist: {parent}", file=str(out_dir))
    with _write_errors(out_dir):
        stage = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".tmp", dir=parent))
        (stage / MARKER).write_text("written by xzufi demo; safe to delete\n", "utf-8")
    return stage


@contextmanager
def _write_errors(out_dir: Path) -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        raise InputError(f"cannot write demo output: {exc.strerror}", file=str(out_dir)) from None


def _publish(stage: Path, out_dir: Path) -> None:
    """Put the finished staging folder in place of ``out_dir`` (an earlier demo's)."""
    with _write_errors(out_dir):
        old = None
        if out_dir.exists():
            old = Path(
                tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".old", dir=stage.parent)
            )
            out_dir.rename(old / "demo")
        stage.rename(out_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


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
    """Run every step on the bundled defaults and write the results to ``out_dir``.

    Everything is written to a staging folder beside ``out_dir`` that takes its
    place only when every step succeeded: a full disk or a failed step leaves
    no partial demo (and an earlier demo's folder as it was).
    """
    out = Path(out_dir)
    target = out.resolve()  # "-o ." has no name to stage beside
    stage = _prepare(target)
    try:
        result = _run(stage, out, case_name)
        _publish(stage, target)
    except BaseException as exc:
        shutil.rmtree(stage, ignore_errors=True)
        if isinstance(exc, InputError) and exc.file and exc.file.startswith(str(stage)):
            exc.file = str(out) + exc.file[len(str(stage)) :]  # name the file as asked for
        raise
    return result


def _run(out: Path, final: Path, case_name: str) -> DemoResult:
    """The steps, written into ``out``; the result names the files under ``final``."""
    import datetime as dt

    from xzufi_toolkit.bundle import build_bundle, write_bundle
    from xzufi_toolkit.bundle.layout import DATA_NAME
    from xzufi_toolkit.bundle.verify import verify_bundle
    from xzufi_toolkit.form.render import png_bytes, render_pdfium
    from xzufi_toolkit.io.resources import fixture_file
    from xzufi_toolkit.pipeline import check_case_bytes, fill_case
    from xzufi_toolkit.render import render_page

    result = DemoResult(out_dir=final)

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
    with _write_errors(final):
        evidence_dir.mkdir(exist_ok=True)
    evidence = _sample_evidence(doc, evidence_dir)
    case_bytes = (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    write_bytes_atomic(out / "case.json", case_bytes)
    result.files.append((final / "case.json", "sample case (hashes of the sample evidence)"))
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
    result.files.append((final / "antrag.pdf", "filled application form"))
    result.files.append((final / "antrag-seite1.png", "preview of page 1"))

    # 4. the bundle (its message is built and validated against the XSD inside)
    bundle = build_bundle(
        checked.case, form_pdf=pdf, attachments=evidence, service_name=leistung.name("de")
    )
    write_bytes_atomic(out / "nachricht.xml", bundle.files[DATA_NAME])
    result.files.append((final / "nachricht.xml", "message aufenthalt.antrag.0100 (XSD-valid)"))
    bundle_path = out / "bundle.zip"
    write_bundle(bundle, bundle_path)
    verified = verify_bundle(bundle_path)
    if not verified.valid:
        raise ValidationFailedError("the written bundle does not verify", verified)
    result.files.append((final / "bundle.zip", "FIT-Connect submission bundle (verified)"))
    result.steps.append(
        f"message and bundle: {len(bundle.files)} files, metadata valid, hashes verified"
    )

    # 5. the citizen page
    write_text_atomic(out / "leistung.html", render_page(leistung, lang="de"))
    result.files.append((final / "leistung.html", "citizen page (German)"))
    result.steps.append("form filled and previewed; citizen page rendered")
    return result
