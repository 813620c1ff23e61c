"""The CLI's own contract: version, help, usage errors, exit codes, no tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from xzufi_toolkit import __version__
from xzufi_toolkit.cli.main import main


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_no_command_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage" in capsys.readouterr().err.lower()


def test_unknown_command_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["no-such-command"])
    assert exc.value.code == 2
    assert "error" in capsys.readouterr().err


def test_python_dash_m_runs() -> None:
    res = subprocess.run(
        [sys.executable, "-m", "xzufi_toolkit", "--version"], capture_output=True, text=True
    )
    assert res.returncode == 0
    assert __version__ in res.stdout


def test_library_never_imports_cli() -> None:
    code = (
        "import sys, importlib, pathlib, xzufi_toolkit\n"
        "root = pathlib.Path(xzufi_toolkit.__file__).parent\n"
        "for f in sorted(root.rglob('*.py')):\n"
        "    rel = f.relative_to(root.parent).with_suffix('')\n"
        "    parts = rel.parts[:-1] if rel.name == '__init__' else rel.parts\n"
        "    if 'cli' in parts or parts[-1] == '__main__':\n"
        "        continue\n"
        "    importlib.import_module('.'.join(parts))\n"
        "bad = [n for n in sys.modules if n.startswith('xzufi_toolkit.cli')]\n"
        "print(','.join(bad))\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == ""


def test_atomic_write_respects_umask(tmp_path: Path) -> None:
    from xzufi_toolkit.io.atomicio import write_bytes_atomic

    old = os.umask(0o022)
    try:
        write_bytes_atomic(tmp_path / "out.bin", b"x")
    finally:
        os.umask(old)
    assert (tmp_path / "out.bin").stat().st_mode & 0o777 == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]
