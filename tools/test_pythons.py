"""Run the library tests and strict nbval under every other Python 3.11-3.13 on this machine.

``make test`` runs everything under the interpreter of ``.venv``; this script (``make
test-pythons``, part of ``make test``) finds the other supported versions that are installed
and run, and for each builds a venv ``.venv-3.X`` from the same ``requirements.txt`` and runs

* the library tests (``pytest tests``, without the build, browser, PDF, student and set-up
  tests, which do not depend on the interpreter's arithmetic), and
* strict nbval on every chapter (the stored outputs, made under the main interpreter, must
  be reproduced exactly: same numbers, same figures' reprs, no new warning).

Where an interpreter is looked for, for each version 3.X: ``python3.X`` on ``PATH`` (a pyenv
shim of a version that is not the active one does not run, and is passed over), then
``$(pyenv root)/versions/3.X.*/bin/python3.X``, then the usual install folders. A version
that is not installed is reported as skipped, not failed: the README promises 3.11-3.13,
and installing a missing one is the reader's choice.

Usage: ``python tools/test_pythons.py [--list] [--skip VERSION ...]``. Exit status 0 when
every found interpreter passes.
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VERSIONS = ("3.11", "3.12", "3.13")
SLOW_TESTS = ("tests/test_browser.py", "tests/test_pdf.py", "tests/test_student.py", "tests/test_setup.py",
              "tests/test_participants.py")
PIP = ("-m", "pip", "install", "--disable-pip-version-check", "-q")


def _version_of(exe: str) -> str | None:
    """``"3.X"`` if ``exe`` runs, else None."""
    try:
        out = subprocess.run([exe, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                             capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def _candidates(version: str) -> list[str]:
    name = f"python{version}"
    found = [shutil.which(name)] if shutil.which(name) else []
    roots = []
    if shutil.which("pyenv"):
        out = subprocess.run(["pyenv", "root"], capture_output=True, text=True, check=False)
        roots.append(out.stdout.strip())
    roots.append(os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv")))
    for root in dict.fromkeys(r for r in roots if r):
        found += sorted(glob.glob(f"{root}/versions/{version}.*/bin/{name}"), reverse=True)
    found += [f"/usr/bin/{name}", f"/usr/local/bin/{name}", f"/opt/homebrew/bin/{name}",
              f"/Library/Frameworks/Python.framework/Versions/{version}/bin/{name}"]
    return found


def find(version: str) -> str | None:
    """The first interpreter of ``version`` that runs, or None."""
    for exe in _candidates(version):
        if exe and Path(exe).exists() and _version_of(exe) == version:
            return exe
    return None


def _run(cmd: list[str], **kw) -> int:
    print("+ " + " ".join(cmd), flush=True)
    return subprocess.run(cmd, cwd=ROOT, check=False, **kw).returncode


def _venv(exe: str, version: str) -> Path:
    """``.venv-3.X`` with ``requirements.txt`` and vrp_lib installed (rebuilt when the pins change)."""
    venv = ROOT / f".venv-{version}"
    py = venv / "bin" / "python"
    stamp = venv / ".installed"
    inputs = [ROOT / "requirements.txt", ROOT / "pyproject.toml"]
    if stamp.exists() and all(stamp.stat().st_mtime >= p.stat().st_mtime for p in inputs):
        return py
    if not py.exists() and _run([exe, "-m", "venv", str(venv)]) != 0:
        raise SystemExit(f"{exe}: could not create {venv.name}")
    if _run([str(py), *PIP, "-r", "requirements.txt"]) != 0:
        raise SystemExit(f"{venv.name}: pip could not install requirements.txt")
    if _run([str(py), *PIP, "--no-deps", "-e", "."]) != 0:
        raise SystemExit(f"{venv.name}: pip could not install vrp_lib")
    stamp.touch()
    return py


def run_under(exe: str, version: str) -> bool:
    py = str(_venv(exe, version))
    env = {**os.environ, "PYTHONHASHSEED": "0", "PYDEVD_DISABLE_FILE_VALIDATION": "1",
           "PATH": f"{Path(py).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    lib = _run([py, "-m", "pytest", "tests", "-q", *(f"--ignore={t}" for t in SLOW_TESTS)], env=env)
    notebooks = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "chapters").glob("*.ipynb"))
    nbval = _run([py, "-m", "pytest", "--nbval", "--nbval-current-env", "--nbval-sanitize-with",
                  "tests/nbval_sanitize.cfg", "-q", *notebooks], env=env)
    return lib == 0 and nbval == 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="only say which interpreters are found")
    parser.add_argument("--skip", nargs="*", default=[], help="versions not to run (e.g. the main venv's)")
    args = parser.parse_args(argv)
    found = {v: find(v) for v in VERSIONS}
    for v, exe in found.items():
        state = "skipped (the main venv's version)" if v in args.skip else (exe or "not installed: skipped")
        print(f"Python {v}: {state}", flush=True)
    if args.list:
        return 0
    results = {}
    for v, exe in found.items():
        if exe and v not in args.skip:
            start = time.monotonic()
            results[v] = run_under(exe, v)
            print(f"Python {v}: {'passed' if results[v] else 'FAILED'} "
                  f"({time.monotonic() - start:.0f} s)", flush=True)
    failed = [v for v, ok in results.items() if not ok]
    ran = ", ".join(results) or "none"
    print(f"other Pythons ({ran}): " + (f"failed under {', '.join(failed)}" if failed else "all passed"),
          flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
