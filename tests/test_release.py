"""The package as a user installs it: sdist → wheel → ``xzufi demo``, offline.

The sdist once lost the package's ``schemas/`` and ``forms/`` (hatch's ``include``
skipped them behind the top-level links), so every installed command failed with
"packaged resource missing". These tests build the release artefacts the way a
release does and run the installed copy from a folder with nothing beside it.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from wheel_support import build_wheel

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "xzufi_toolkit"


def _package_files() -> set[str]:
    """Every data and code file of the package as the source tree has it."""
    return {
        p.relative_to(ROOT).as_posix()
        for p in PACKAGE.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }


@pytest.fixture(scope="module")
def sdist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    for tool in ("build", "hatchling"):
        if importlib.util.find_spec(tool) is None:
            pytest.fail(f"{tool} is missing: install the test extras (pip install -e '.[test]')")
    out = tmp_path_factory.mktemp("sdist")
    subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--no-isolation", "-o", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("xzufi_toolkit-*.tar.gz")
    return built


def test_sdist_holds_the_whole_package(sdist: Path) -> None:
    with tarfile.open(sdist) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    missing = sorted(_package_files() - names)
    assert not missing, missing[:20]
    for needed in ("LICENSE", "README.md", "CHANGELOG.md", "pyproject.toml"):
        assert needed in names, needed


def test_wheel_from_the_sdist_runs_the_demo(sdist: Path, tmp_path: Path) -> None:
    wheel = build_wheel(sdist, tmp_path / "wheels")
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = sorted(_package_files() - names)
    assert not missing, missing[:20]
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = (
        f"import sys; sys.path.insert(0, {str(site)!r});"
        "import xzufi_toolkit, pathlib;"
        f"assert pathlib.Path(xzufi_toolkit.__file__).is_relative_to({str(site)!r});"
        "from xzufi_toolkit.cli.main import main;"
        "sys.exit(main(['demo', '-o', 'out']))"
    )
    done = subprocess.run(
        [sys.executable, "-I", "-c", code],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    made = {p.name for p in (elsewhere / "out").iterdir()}
    assert any(name.endswith(".pdf") for name in made), made
    assert any(name.endswith(".xml") for name in made), made


def test_nothing_reads_outside_the_repository() -> None:
    """Tests, scripts and the package name no folder beside the checkout (the
    reference material lies in a sibling folder that users do not have)."""
    sibling = "shared"
    needles = (f"../{sibling}", f'parent / "{sibling}"')
    offenders = []
    for folder in ("xzufi_toolkit", "tests", "scripts", "benchmarks"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if any(needle in text for needle in needles):
                offenders.append(path.relative_to(ROOT).as_posix())
    assert offenders == []


def test_shipped_font_is_the_unchanged_roboto() -> None:
    if importlib.util.find_spec("font_roboto") is None:
        pytest.fail("font-roboto is missing: install the test extras (pip install -e '.[test]')")
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "regen_font.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
