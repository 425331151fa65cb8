"""The participants' set-up: ``requirements-participants.txt`` installs from wheels everywhere.

A course's laptops run Windows, macOS (Apple silicon and Intel) and Linux, with Python 3.11,
3.12 or 3.13. For each of these twelve targets, pip resolves the participants' pins against the
package registry as that system would (``--platform``, ``--python-version``, wheels only:
``--only-binary=:all:``; a pure-Python package ships a ``py3-none-any`` wheel), without
installing anything (``--dry-run`` into a throw-away ``--target``), and writes a report of what
it would install, with each package's metadata.

pip evaluates environment markers (``; sys_platform == "win32"``) for the machine it runs on,
not for ``--platform``: so each target gets its own list, with the markers evaluated for that
target (``tools/wheelhouse.py``, which the wheelhouse uses too), and pip runs with
``--no-deps`` (a pin that Linux takes as a pure-Python wheel is resolved once per Python,
there, not again for each platform); the dependencies are checked here instead, from the report's metadata with the
target's markers: every requirement of every pin (extras included) is pinned for that target at
a version its specifier allows, and every pin is needed by the notebooks' direct needs.

Also checked, offline: exact pins, the same versions as ``requirements.txt``, none of the book's
build and test tools, every import of ``vrp_lib`` covered; and a wheelhouse for another
platform holds that platform's marker-only wheels and builds ``vrp_lib`` with no index.

Needs the package registry (``make test-setup``); the resolutions run in parallel threads:
about two minutes on a shared two-core machine (116 s measured, 90 s of pip's CPU time).
"""

from __future__ import annotations

import ast
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PARTICIPANTS = ROOT / "requirements-participants.txt"
sys.path.insert(0, str(ROOT / "tools"))
try:
    import wheelhouse
finally:
    sys.path.pop(0)

VERSIONS = ("3.11", "3.12", "3.13")
TARGETS = [(tag, v) for tag in wheelhouse.DEFAULT_PLATFORMS for v in VERSIONS]
#: What the student notebooks and vrp_lib import; everything else pinned is their dependencies.
DIRECT = ("numpy", "pandas", "scipy", "matplotlib", "jupyterlab", "ipykernel")
#: The book's build and test tools, which participants do not need.
BOOK_ONLY = ("sphinx", "jupyter-book", "myst-nb", "myst-parser", "pytest", "hypothesis", "playwright",
             "nbval", "jupytext", "pydata-sphinx-theme", "greenlet", "mpmath", "numpydoc")
#: Imported by vrp_lib only in functions the notebooks do not call (chapter 2 reads the
#: cached GJR-GARCH forecasts): vrp_lib.forecast.garch_fit and garch_forecast.
OPTIONAL_IMPORTS = {"arch"}


def _name(text: str) -> str:
    return canonicalize_name(text)


#: Where a participants' pin may differ from requirements.txt's: the version pinned for another
#: system, and why.
OTHER_VERSIONS = {("argon2-cffi-bindings", "25.1.0"): "26.x has no wheel for macOS on Intel"}


def _pins() -> dict[str, set[str]]:
    pins: dict[str, set[str]] = {}
    for r in wheelhouse.read_requirements(PARTICIPANTS):
        pins.setdefault(_name(r.name), set()).add(str(r.specifier)[2:])
    return pins


def _target_pins(tag: str, version: str) -> dict[str, Version]:
    pins = {}
    for line in wheelhouse.requirements_for(tag, version, PARTICIPANTS):
        name, pinned = line.split("==")
        assert _name(name) not in pins, f"{name} pinned twice for {tag}, Python {version}"
        pins[_name(name)] = Version(pinned)
    return pins


def test_every_line_is_an_exact_pin_and_no_package_twice():
    reqs = wheelhouse.read_requirements(PARTICIPANTS)
    loose = [str(r) for r in reqs if len(r.specifier) != 1 or next(iter(r.specifier)).operator != "=="
             or "*" in str(r.specifier) or r.extras or r.url]
    assert not loose, f"requirements-participants.txt has requirements that are not exact pins: {loose}"
    # A package may be listed twice only with markers that never both hold.
    for tag, version in TARGETS:
        _target_pins(tag, version)


def test_pins_equal_the_books_where_both_list_a_package():
    book = {_name(r.name): str(r.specifier)[2:] for r in wheelhouse.read_requirements(ROOT / "requirements.txt")}
    differ = {(n, v) for n, versions in _pins().items() for v in versions
              if n in book and book[n] != v and (n, v) not in OTHER_VERSIONS}
    assert not differ, f"participants' pins that differ from requirements.txt: {sorted(differ)}"


def test_none_of_the_books_build_and_test_tools():
    found = [n for n in _pins() if n in {_name(b) for b in BOOK_ONLY} or n.startswith("sphinx")]
    assert not found, f"the participants do not need {found}"
    assert set(map(_name, DIRECT)) <= set(_pins())


def _imports(source: str) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def uncovered_imports(modules: set[str]) -> set[str]:
    """Top-level modules among ``modules`` that neither the standard library, vrp_lib nor an
    installed distribution pinned in requirements-participants.txt provides."""
    provided = importlib.metadata.packages_distributions()
    pins = set(_pins())
    return {m for m in modules - set(sys.stdlib_module_names) - {"vrp_lib"} - OPTIONAL_IMPORTS
            if not any(_name(d) in pins for d in provided.get(m, []))}


def test_every_import_of_vrp_lib_is_pinned():
    modules = set()
    for path in sorted((ROOT / "vrp_lib").glob("*.py")):
        modules |= _imports(path.read_text(encoding="utf-8"))
    missing = uncovered_imports(modules)
    assert not missing, f"vrp_lib imports {sorted(missing)}, not in requirements-participants.txt"


def test_markers_are_evaluated_for_the_target_not_this_machine():
    win = _target_pins("win_amd64", "3.12")
    mac = _target_pins("macosx_12_0_arm64", "3.11")
    assert {"colorama", "pywinpty"} <= set(win) and not {"pexpect", "ptyprocess", "appnope"} & set(win)
    assert {"appnope", "pexpect", "overrides"} <= set(mac) and "pywinpty" not in mac
    assert "overrides" not in win
    tags = wheelhouse.pip_platforms("manylinux_2_28_x86_64")
    assert {"manylinux_2_28_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64", "manylinux1_x86_64"} <= set(tags)
    assert wheelhouse.pip_platforms("manylinux2014_aarch64")[-1] == "manylinux2014_aarch64"
    for bad in ("win_amd65", "macosx_12_arm64", "linux_x86_64", ""):
        with pytest.raises(ValueError, match="platform"):
            wheelhouse.pip_platforms(bad)
    for bad in ("3.10", "3", "python3.12", "3.12.1"):
        with pytest.raises(ValueError, match="3.11 or newer"):
            wheelhouse.python_version(bad)


LINUX = "manylinux_2_28_x86_64"


def _resolve(target: tuple[str, str], skip: frozenset = frozenset()) -> tuple[subprocess.CompletedProcess, dict | None]:
    """pip's dry run and report for the target's pins (but those in ``skip``), wheels only."""
    tag, version = target
    with tempfile.TemporaryDirectory(prefix=f"vrp-participants-{tag}-{version}-") as tmp:
        listing = Path(tmp) / "requirements.txt"
        listing.write_text("\n".join(line for line in wheelhouse.requirements_for(tag, version, PARTICIPANTS)
                                     if _name(line.split("==")[0]) not in skip) + "\n")
        report = Path(tmp) / "report.json"
        cmd = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--no-deps",
               "--disable-pip-version-check", "--quiet", "--only-binary=:all:", "--implementation", "cp",
               "--python-version", version, "--target", str(Path(tmp) / "target"),
               "--report", str(report), "-r", str(listing)]
        for platform in wheelhouse.pip_platforms(tag):
            cmd += ["--platform", platform]
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)
        return result, json.loads(report.read_text()) if report.is_file() else None


def _pure(report: dict | None) -> dict[str, dict]:
    """``name -> metadata`` of the packages the report takes as a pure-Python wheel (``none-any``)."""
    return {_name(item["metadata"]["name"]): item["metadata"] for item in (report or {}).get("install", [])
            if item.get("download_info", {}).get("url", "").endswith("-none-any.whl")}


@pytest.fixture(scope="module")
def resolutions() -> dict:
    """``target -> (pip's result, metadata of every pin)``.

    Linux first, each Python with every pin; a pin pip takes there as a pure-Python wheel
    (``py3-none-any``) runs on every platform of that Python, so the other platforms resolve
    only the rest (the compiled wheels and their own marker-only pins): about half the work.
    """
    with ThreadPoolExecutor(max_workers=6) as pool:
        linux = dict(zip(VERSIONS, pool.map(lambda v: _resolve((LINUX, v)), VERSIONS)))
        pure = {v: _pure(report) for v, (_, report) in linux.items()}
        others = [t for t in TARGETS if t[0] != LINUX]
        rest = dict(zip(others, pool.map(lambda t: _resolve(t, frozenset(pure[t[1]])), others)))
    found = {}
    for target, (result, report) in {**{(LINUX, v): r for v, r in linux.items()}, **rest}.items():
        own = {_name(item["metadata"]["name"]): item["metadata"] for item in (report or {}).get("install", [])}
        shared = pure[target[1]] if target[0] != LINUX else {}
        found[target] = (result, None if report is None else {**shared, **own})
    return found


def _needed(metadata: dict[str, dict], env: dict[str, str]) -> tuple[dict[str, set[str]], list[str]]:
    """Every package the direct needs require on ``env`` (with the extras asked of each), and
    the requirements the pins do not meet."""
    needed: dict[str, set[str]] = {}
    unmet = []
    todo = [(_name(n), frozenset()) for n in DIRECT]
    while todo:
        name, extras = todo.pop()
        if name in needed and extras <= needed[name]:
            continue
        needed[name] = needed.get(name, set()) | extras
        if name not in metadata:
            continue
        for text in metadata[name].get("requires_dist") or []:
            req = Requirement(text)
            if req.marker is not None and not any(req.marker.evaluate({**env, "extra": e})
                                                  for e in needed[name] | {""}):
                continue
            dep = _name(req.name)
            if dep not in metadata:
                unmet.append(f"{name} requires {text!r}: not pinned")
            elif not req.specifier.contains(metadata[dep]["version"], prereleases=True):
                unmet.append(f"{name} requires {text!r}: pinned {metadata[dep]['version']}")
            todo.append((dep, frozenset(req.extras)))
    return needed, unmet


@pytest.mark.parametrize("target", TARGETS, ids=[f"{t}-py{v}" for t, v in TARGETS])
def test_pins_resolve_from_wheels_with_every_dependency_pinned(resolutions, target):
    tag, version = target
    result, metadata = resolutions[target]
    errors = "\n".join(line for line in result.stderr.splitlines()
                       if "is ignored: it is neither a file nor a directory" not in line)
    assert result.returncode == 0 and metadata is not None, (
        f"requirements-participants.txt does not resolve from wheels for {tag}, Python {version}:\n"
        f"{errors[-3000:]}")
    pins = _target_pins(tag, version)
    metadata = {n: m for n, m in metadata.items() if n in pins}  # Linux's pure wheels absent here
    assert set(metadata) == set(pins), set(metadata) ^ set(pins)
    assert all(Version(metadata[n]["version"]) == v for n, v in pins.items())
    needed, unmet = _needed(metadata, wheelhouse.marker_environment(tag, version))
    assert not unmet, f"{tag}, Python {version}: " + "; ".join(sorted(set(unmet)))
    unused = sorted(set(pins) - set(needed))
    assert not unused, f"{tag}, Python {version}: pinned but needed by nothing: {unused}"


def test_a_wheelhouse_for_another_platform_installs_offline(tmp_path):
    """Windows wheels fetched on this machine: the Windows-only pin comes, the Linux-only one
    does not; with the build backend in the wheelhouse, vrp_lib builds with no index."""
    small = tmp_path / "small.txt"
    small.write_text('six==1.17.0\ncolorama==0.4.6; sys_platform == "win32"\n'
                     'pexpect==4.9.0; sys_platform != "win32"\n')
    dest = tmp_path / "wheelhouse"
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "wheelhouse.py"), "--dest", str(dest),
                          "--platforms", "win_amd64", "--pythons", "3.12", "--requirements", str(small)],
                         capture_output=True, text=True, timeout=300, check=False)
    assert out.returncode == 0, out.stdout + out.stderr
    names = sorted(p.name.split("-")[0].lower() for p in dest.glob("*.whl"))
    assert names == ["colorama", "setuptools", "six"], names
    assert "--no-index --find-links" in out.stdout
    source = tmp_path / "source"
    shutil.copytree(ROOT / "vrp_lib", source / "vrp_lib", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--disable-pip-version-check", "--quiet",
                            "--no-index", "--find-links", str(dest), "--no-deps", "--wheel-dir",
                            str(tmp_path / "built"), str(source)],
                           capture_output=True, text=True, timeout=300, check=False,
                           env={**os.environ, "PIP_CONFIG_FILE": os.devnull})  # no find-links of pip.conf
    assert built.returncode == 0, built.stdout + built.stderr
    assert [p.name.split("-")[0] for p in (tmp_path / "built").glob("*.whl")] == ["vrp_lib"]
