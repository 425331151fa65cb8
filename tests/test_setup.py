"""The set-up works beyond one Python: the pins resolve for 3.11, 3.12 and 3.13.

For each supported version, pip resolves ``requirements.txt`` against the package registry
as that interpreter would (``--python-version``), accepting wheels only
(``--only-binary=:all:``; a pure-Python package ships a ``py3-none-any`` wheel), without
installing anything (``--dry-run`` into a throw-away ``--target``). A pin without a wheel for
one of the versions, or whose ``Requires-Python`` excludes it, fails here. The version is
given as ``3.11`` (meaning 3.11.0), so that the oldest patch release of each line is covered
(Debian 12 ships 3.11.2). The platform is the machine's own (Linux x86-64 in CI).

It also checks the Makefile's choice of interpreter: the first of python3.13, python3.12,
python3.11 and python3 that runs and is at least 3.11, overridable with ``make PYTHON=...``.

Needs the package registry (CI has it); the three resolutions run in parallel, about a
minute in all.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REQUIREMENTS = ROOT / "requirements.txt"
VERSIONS = ("3.11", "3.12", "3.13")
MAKE = shutil.which("make") or "make"


def _resolve(version: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix=f"vrp-resolve-{version}-") as target:
        return subprocess.run(
            [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed",
             "--disable-pip-version-check", "--quiet", "--only-binary=:all:",
             "--python-version", version, "--target", target, "-r", str(REQUIREMENTS)],
            capture_output=True, text=True, timeout=600, check=False)


@pytest.fixture(scope="module")
def resolutions() -> dict[str, subprocess.CompletedProcess]:
    with ThreadPoolExecutor(max_workers=len(VERSIONS)) as pool:
        return dict(zip(VERSIONS, pool.map(_resolve, VERSIONS)))


def _pins() -> list[str]:
    return [line.strip() for line in REQUIREMENTS.read_text().splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def test_every_requirement_is_an_exact_pin():
    loose = [p for p in _pins() if "==" not in p or any(c in p for c in "<>~!*,;")]
    assert not loose, f"requirements.txt has requirements that are not exact pins: {loose}"
    names = [p.split("==")[0].lower().replace("_", "-") for p in _pins()]
    dupes = sorted({n for n in names if names.count(n) > 1})
    assert not dupes, f"requirements.txt pins these packages twice: {dupes}"


@pytest.mark.parametrize("version", VERSIONS)
def test_requirements_resolve_from_wheels(resolutions, version):
    result = resolutions[version]
    errors = "\n".join(line for line in result.stderr.splitlines()
                       if "is ignored: it is neither a file nor a directory" not in line)
    assert result.returncode == 0, (
        f"requirements.txt does not resolve from wheels for Python {version}:\n{errors[-3000:]}")


def _env(path: str) -> dict[str, str]:
    """The environment of a make started afresh: only ``path`` on PATH, and no variables
    inherited from a make that runs this test (``make test PYTHON=...`` passes PYTHON down
    through MAKEFLAGS)."""
    inherited = {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "PYTHON"}
    return {**{k: v for k, v in os.environ.items() if k not in inherited}, "PATH": path}


def _make_python(*args: str, path: str) -> str:
    env = _env(path)
    out = subprocess.run([MAKE, "--no-print-directory", "-s", "-C", str(ROOT),
                          "print-python", *args], env=env, capture_output=True, text=True,
                         timeout=60, check=False)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def _fake_python(folder: Path, name: str, version: str) -> None:
    """A stand-in interpreter that answers the Makefile's version test like the real one."""
    major, minor = version.split(".")
    script = folder / name
    script.write_text(
        "#!/bin/sh\n"
        f"# stand-in for Python {version}\n"
        f'case "$*" in *print*) echo {version}; exit 0;; esac\n'
        f"exec {sys.executable} -c "
        f"\"import sys; sys.exit(0 if ({major}, {minor}) >= (3, 11) else 1)\"\n")
    script.chmod(0o755)


def test_makefile_picks_the_first_python_of_at_least_3_11(tmp_path):
    folder = tmp_path / "bin"
    folder.mkdir()
    # Only the stand-ins are on PATH (make and /bin/sh are called by their full paths).
    # A python3.13 that does not run (a pyenv shim without that version) is passed over.
    broken = folder / "python3.13"
    broken.write_text("#!/bin/sh\necho 'python3.13: command not found' >&2\nexit 127\n")
    broken.chmod(0o755)
    _fake_python(folder, "python3.12", "3.12")
    _fake_python(folder, "python3", "3.10")
    path = str(folder)
    assert _make_python(path=path) == "python3.12"
    (folder / "python3.12").unlink()
    _fake_python(folder, "python3.11", "3.11")
    assert _make_python(path=path) == "python3.11"
    (folder / "python3.11").unlink()
    # Only a python3 older than 3.11: none qualifies, and make says so.
    env = _env(path)
    out = subprocess.run([MAKE, "--no-print-directory", "-s", "-C", str(ROOT), "print-python"],
                         env=env, capture_output=True, text=True, timeout=60, check=False)
    assert out.returncode != 0 and "3.11" in out.stderr, out.stdout + out.stderr
    # An explicit PYTHON wins when it runs and is at least 3.11 ...
    _fake_python(folder, "python3.14", "3.14")
    assert _make_python(f"PYTHON={folder / 'python3.14'}", path=path) == str(folder / "python3.14")
    # ... and is refused, with a message that names it, when it does not run or is too old.
    for arg, says in ((str(folder / "python3.13"), "does not run"), ("/opt/nowhere/python3", "does not run"),
                      (str(folder / "python3"), "needs 3.11 or newer")):
        out = subprocess.run([MAKE, "--no-print-directory", "-s", "-C", str(ROOT), "print-python",
                              f"PYTHON={arg}"], env=env, capture_output=True, text=True, timeout=60,
                             check=False)
        assert out.returncode != 0 and f"PYTHON={arg}" in out.stderr and says in out.stderr, out.stderr


def test_other_pythons_are_found_where_pyenv_keeps_them(tmp_path, monkeypatch):
    """tools/test_pythons.py passes over a shim that does not run and finds the version in
    pyenv's versions folder; a version that is nowhere is reported as not installed."""
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import test_pythons
    finally:
        sys.path.pop(0)
    shims, root = tmp_path / "shims", tmp_path / "pyenv"
    shims.mkdir()
    broken = shims / "python3.12"
    broken.write_text("#!/bin/sh\necho 'pyenv: python3.12: command not found' >&2\nexit 127\n")
    broken.chmod(0o755)
    real = root / "versions" / "3.12.9" / "bin"
    real.mkdir(parents=True)
    (real / "python3.12").write_text("#!/bin/sh\necho 3.12\n")
    (real / "python3.12").chmod(0o755)
    monkeypatch.setenv("PATH", str(shims))
    monkeypatch.setenv("PYENV_ROOT", str(root))
    monkeypatch.setattr(test_pythons, "_candidates", lambda v, f=test_pythons._candidates: [
        c for c in f(v) if c.startswith(str(tmp_path))])
    assert test_pythons.find("3.12") == str(real / "python3.12")
    assert test_pythons.find("3.13") is None
