"""Fill a wheelhouse: the participants' wheels for chosen platforms, for installing offline.

Usage (``make wheelhouse``)::

    python tools/wheelhouse.py [--dest wheelhouse] [--platforms win_amd64 macosx_12_0_arm64 ...]
                               [--pythons 3.11 3.12 3.13] [--requirements requirements-participants.txt]

For every platform and Python version, downloads from the package registry the wheel of every
pin of ``requirements-participants.txt`` that applies there (``pip download --only-binary=:all:
--no-deps``), plus the build backend of ``vrp_lib`` itself (``[build-system] requires`` of
``pyproject.toml``: setuptools), into one flat folder. Copy the folder to a USB stick; on a
participant's laptop, with no network::

    python -m pip install --no-index --find-links wheelhouse -r requirements-participants.txt
    python -m pip install --no-index --find-links wheelhouse --no-deps -e .

pip evaluates a requirement's marker (``; sys_platform == "win32"``) for the machine it runs
on, not for ``--platform``: downloading Windows wheels on Linux would skip Windows-only pins
(pywinpty, colorama) and take Linux-only ones. So each download reads a requirements list
whose markers were evaluated here for the target (:func:`requirements_for`), with the target's
``sys_platform``, ``os_name``, ``platform_machine`` and Python version (:func:`marker_environment`).

Platform tags are those of the wheels' file names. A macOS tag names the oldest macOS it
must run on (pip also takes the wheels for older versions and ``universal2``); a manylinux
tag names the glibc (``manylinux_2_28_x86_64``: glibc 2.28 or newer, Debian 10, Ubuntu 20.04,
RHEL 8; the wheels of older glibc versions are taken too). The defaults cover Windows
x86-64, macOS 12+ on Apple silicon, macOS 10.15+ on Intel and Linux x86-64: scipy's oldest
arm64 wheel needs macOS 12 and pyzmq's oldest Intel one 10.15.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
REQUIREMENTS = ROOT / "requirements-participants.txt"
DEFAULT_PLATFORMS = ("win_amd64", "macosx_12_0_arm64", "macosx_10_15_x86_64", "manylinux_2_28_x86_64")
DEFAULT_PYTHONS = ("3.11", "3.12", "3.13")

#: Windows tags and the ``platform_machine`` Python reports there.
WINDOWS = {"win_amd64": "AMD64", "win_arm64": "ARM64", "win32": "x86"}
MACOS = re.compile(r"^macosx_(?P<major>\d+)_(?P<minor>\d+)_(?P<arch>arm64|x86_64|universal2)$")
MANYLINUX = re.compile(r"^manylinux_2_(?P<glibc>\d+)_(?P<arch>x86_64|aarch64)$")
LEGACY_MANYLINUX = {"manylinux2014": 17, "manylinux2010": 12, "manylinux1": 5}


def _manylinux(tag: str) -> tuple[int, str] | None:
    """(glibc minor version, machine) of a manylinux tag, legacy names included; else None."""
    m = MANYLINUX.match(tag)
    if m:
        return int(m.group("glibc")), m.group("arch")
    prefix, _, arch = tag.partition("_")
    if prefix in LEGACY_MANYLINUX and arch in ("x86_64", "aarch64"):
        return LEGACY_MANYLINUX[prefix], arch
    return None


def pip_platforms(tag: str) -> list[str]:
    """The ``--platform`` values pip needs for wheels that run on ``tag``.

    pip expands a macOS tag to older macOS versions itself, but not a ``manylinux_2_N`` tag:
    a wheel for glibc 2.17 runs on glibc 2.28 too, so every older tag is listed (with the
    legacy names manylinux2014, manylinux2010 and manylinux1).
    """
    if tag in WINDOWS or MACOS.match(tag):
        return [tag]
    linux = _manylinux(tag)
    if linux is None:
        raise ValueError(f"platform {tag!r} is not a wheel platform tag this tool knows: use win_amd64, "
                         "win_arm64, macosx_<major>_<minor>_<arm64|x86_64> or manylinux_2_<glibc>_<x86_64|aarch64>")
    glibc, arch = linux
    tags = [f"manylinux_2_{minor}_{arch}" for minor in range(glibc, 4, -1)]
    tags += [f"{name}_{arch}" for name, minor in LEGACY_MANYLINUX.items()
             if minor <= glibc and (arch == "x86_64" or name == "manylinux2014")]
    return tags


def python_version(text: str) -> str:
    """``text`` as ``"3.N"`` (a supported Python, 3.11 or newer); ValueError otherwise."""
    m = re.fullmatch(r"3\.(\d+)", str(text).strip())
    if m is None or int(m.group(1)) < 11:
        raise ValueError(f"Python version must be 3.11 or newer, written 3.N (e.g. 3.12), got {text!r}")
    return f"3.{int(m.group(1))}"


def marker_environment(tag: str, python: str) -> dict[str, str]:
    """The values of PEP 508 environment markers on ``tag`` under CPython ``python`` (3.N.0)."""
    python = python_version(python)
    pip_platforms(tag)  # refuses an unknown tag
    if tag in WINDOWS:
        system = {"os_name": "nt", "sys_platform": "win32", "platform_system": "Windows",
                  "platform_machine": WINDOWS[tag]}
    elif tag.startswith("macosx_"):
        arch = MACOS.match(tag).group("arch")
        system = {"os_name": "posix", "sys_platform": "darwin", "platform_system": "Darwin",
                  "platform_machine": "x86_64" if arch == "universal2" else arch}
    else:
        system = {"os_name": "posix", "sys_platform": "linux", "platform_system": "Linux",
                  "platform_machine": _manylinux(tag)[1]}
    return {**system, "python_version": python, "python_full_version": f"{python}.0",
            "implementation_name": "cpython", "platform_python_implementation": "CPython",
            "implementation_version": f"{python}.0", "platform_release": "", "platform_version": ""}


def read_requirements(path: Path = REQUIREMENTS) -> list[Requirement]:
    """The requirements of a requirements file (comments and blank lines skipped)."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [Requirement(line.split("#", 1)[0].strip()) for line in lines
            if line.split("#", 1)[0].strip()]


def requirements_for(tag: str, python: str, path: Path = REQUIREMENTS) -> list[str]:
    """``name==version`` of every requirement of ``path`` whose marker holds on ``tag`` and
    ``python`` (the marker itself left out, so that pip on another system takes it as is)."""
    env = marker_environment(tag, python)
    return [f"{req.name}{req.specifier}" for req in read_requirements(path)
            if req.marker is None or req.marker.evaluate(env)]


def build_requirements(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """What pip needs to build ``vrp_lib`` from the repository (``[build-system] requires``)."""
    with open(pyproject, "rb") as f:
        return list(tomllib.load(f)["build-system"]["requires"])


def download_command(dest: Path, tag: str, python: str, requirements: Path) -> list[str]:
    """The pip command that downloads the wheels of ``requirements`` for ``tag`` and ``python``."""
    cmd = [sys.executable, "-m", "pip", "download", "--disable-pip-version-check", "--progress-bar", "off",
           "--only-binary=:all:", "--no-deps", "--implementation", "cp", "--python-version",
           python_version(python), "--dest", str(dest), "-r", str(requirements)]
    for platform in pip_platforms(tag):
        cmd += ["--platform", platform]
    return cmd


def fill(dest: Path, platforms, pythons, requirements: Path = REQUIREMENTS) -> list[str]:
    """Download every wheel for each platform and Python into ``dest``; the failures' descriptions."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    failures = []
    with tempfile.TemporaryDirectory(prefix="vrp-wheelhouse-") as tmp:
        build = Path(tmp) / "build.txt"
        build.write_text("\n".join(build_requirements()) + "\n", encoding="utf-8")
        jobs = [("any", "-", build, [sys.executable, "-m", "pip", "download", "--disable-pip-version-check",
                                     "--progress-bar", "off", "--only-binary=:all:", "--no-deps",
                                     "--dest", str(dest), "-r", str(build)])]
        for tag in platforms:
            for python in pythons:
                listing = Path(tmp) / f"{tag}-{python}.txt"
                listing.write_text("\n".join(requirements_for(tag, python, requirements)) + "\n",
                                   encoding="utf-8")
                jobs.append((tag, python, listing, download_command(dest, tag, python, listing)))
        for tag, python, listing, cmd in jobs:
            count = len(listing.read_text(encoding="utf-8").split())
            print(f"{tag} / Python {python}: {count} wheels ...", flush=True)
            result = subprocess.run(cmd, capture_output=True, text=True, check=False)
            if result.returncode != 0:
                errors = [ln for ln in result.stderr.splitlines() if ln.startswith("ERROR")]
                failures.append(f"{tag} / Python {python}: " + ("; ".join(errors) or result.stderr[-500:]))
                print(f"  FAILED: {failures[-1]}", flush=True)
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dest", type=Path, default=ROOT / "wheelhouse", help="folder to fill (default wheelhouse/)")
    parser.add_argument("--platforms", nargs="+", default=list(DEFAULT_PLATFORMS),
                        help="wheel platform tags (default: %(default)s)")
    parser.add_argument("--pythons", nargs="+", default=list(DEFAULT_PYTHONS),
                        help="Python versions, 3.N (default: %(default)s)")
    parser.add_argument("--requirements", type=Path, default=REQUIREMENTS)
    args = parser.parse_args(argv)
    try:
        platforms = [tag for tag in args.platforms if pip_platforms(tag)]
        pythons = [python_version(v) for v in args.pythons]
    except ValueError as err:
        parser.error(str(err))
    failures = fill(args.dest, platforms, pythons, args.requirements)
    wheels = sorted(args.dest.glob("*.whl"))
    size = sum(w.stat().st_size for w in wheels) / 1e6
    print(f"{args.dest}: {len(wheels)} wheels, {size:.0f} MB, for {' '.join(platforms)} on Python "
          f"{' '.join(pythons)}")
    if failures:
        print(f"{len(failures)} download(s) failed:\n  " + "\n  ".join(failures), file=sys.stderr)
        return 1
    print("Install with no network, from the repository's folder:\n"
          f"  python -m pip install --no-index --find-links {args.dest} -r {args.requirements.name}\n"
          f"  python -m pip install --no-index --find-links {args.dest} --no-deps -e .")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
