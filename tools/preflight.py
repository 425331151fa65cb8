"""Pre-flight check of a participant's laptop: is it ready for the course? About 30 seconds.

Usage (``make preflight``; on Windows ``.venv\\Scripts\\python tools\\preflight.py``)::

    python tools/preflight.py [--course work] [--no-lab]

Run it with the environment's Python (the one JupyterLab will use). Prints one line per check,
``PASS`` or ``FAIL`` (``SKIP`` where a check cannot apply), and exits with status 1 if any
check failed:

- the Python version (3.11, 3.12 or 3.13);
- the packages: each of the notebooks' direct needs imports at its pinned version, and every
  other pin of ``requirements-participants.txt`` that applies to this machine is installed at
  its version; ``vrp_lib`` imports from this repository and finds its ``data/`` folder;
- the data: the sha256 of each embedded data file against ``data/manifest.json`` (or, without
  a manifest, against the file committed in git);
- a small computation: the VIX of Cboe's white-paper example, 13.69, from the embedded quotes
  with ``vrp_lib.implied.cboe_vix``;
- JupyterLab starts: a server on 127.0.0.1 with a random token answers on loopback and starts a
  kernel, then is stopped;
- the course folder (``work/``, written by ``make course``) holds the student notebooks.

Standard library only (plus the packages it checks), no shell: it runs the same on Windows,
macOS and Linux.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import importlib.metadata
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REQUIREMENTS = ROOT / "requirements-participants.txt"
DATA = ROOT / "data"
#: Import name -> distribution name of the notebooks' direct needs.
DIRECT = {"numpy": "numpy", "pandas": "pandas", "scipy": "scipy", "matplotlib": "matplotlib",
          "jupyterlab": "jupyterlab", "ipykernel": "ipykernel"}
SUPPORTED = ((3, 11), (3, 12), (3, 13))
LAB_TIMEOUT = 90.0  # seconds for JupyterLab to answer (a first start on a slow laptop)


class Report:
    """Prints each check's line and remembers whether one failed."""

    def __init__(self) -> None:
        self.failed = 0

    def line(self, status: str, what: str, detail: str = "") -> None:
        if status == "FAIL":
            self.failed += 1
        print(f"{status:4}  {what}" + (f": {detail}" if detail else ""), flush=True)

    def check(self, ok: bool, what: str, detail: str = "", hint: str = "") -> bool:
        self.line("PASS" if ok else "FAIL", what, detail if ok or not hint else f"{detail} - {hint}")
        return ok


def _norm(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def pins(path: Path = REQUIREMENTS) -> dict[str, str]:
    """``name -> version`` of the pins of ``path`` that apply to this machine."""
    try:
        from packaging.markers import Marker
    except ImportError:
        Marker = None
    found = {}
    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        requirement, _, marker = line.partition(";")
        if marker.strip() and (Marker is None or not Marker(marker.strip()).evaluate()):
            continue
        name, _, version = requirement.partition("==")
        found[_norm(name.strip())] = version.strip()
    return found


def check_python(report: Report) -> None:
    v = sys.version_info
    report.check(v[:2] in SUPPORTED, f"Python {v.major}.{v.minor}.{v.micro}", sys.executable,
                 "the course needs Python 3.11, 3.12 or 3.13: make the environment with one of them")


def _installed(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def check_packages(report: Report) -> bool:
    """The direct needs import at their pins; every other pin is installed at its version."""
    pinned = pins()
    hint = f"install the pins: {Path(sys.executable).name} -m pip install -r requirements-participants.txt"
    ok = True
    for module, dist in DIRECT.items():
        want = pinned.get(_norm(dist))
        try:
            importlib.import_module(module)
        except Exception as err:  # an import can fail in many ways on a broken install
            ok = report.check(False, f"import {module}", f"{type(err).__name__}: {err}", hint) and ok
            continue
        have = _installed(dist)
        ok = report.check(have == want, f"import {module}", f"version {have}" + (
            "" if have == want else f", pinned {want}"), hint) and ok
    others = {n: v for n, v in pinned.items() if n not in {_norm(d) for d in DIRECT.values()}}
    wrong = [f"{n} {_installed(n) or 'missing'} (pinned {v})" for n, v in sorted(others.items())
             if _installed(n) != v]
    ok = report.check(not wrong, f"{len(others)} other pinned packages at their versions",
                      "; ".join(wrong[:8]) + (" ..." if len(wrong) > 8 else ""), hint) and ok
    try:
        import vrp_lib
        from vrp_lib import data
    except Exception as err:
        return report.check(False, "import vrp_lib", f"{type(err).__name__}: {err}",
                            "install it from the repository's folder: python -m pip install --no-deps -e .")
    here = Path(vrp_lib.__file__).resolve().parent
    report.check(here == ROOT / "vrp_lib" and Path(data.DATA_DIR).is_dir(), "import vrp_lib", str(here),
                 f"not this repository's vrp_lib, or no data folder at {data.DATA_DIR}: from {ROOT}, "
                 "python -m pip install --no-deps -e .")
    return ok


def _manifest_hashes(manifest: dict) -> dict[str, str]:
    """``file name -> sha256`` from the manifest (``{"files": {name: {"sha256": ...}}}``)."""
    files = manifest.get("files", manifest) if isinstance(manifest, dict) else {}
    hashes = {}
    for name, entry in files.items():
        digest = entry.get("sha256") if isinstance(entry, dict) else entry
        if isinstance(digest, str) and len(digest) == 64:
            hashes[name] = digest.lower()
    return hashes


def _git_blobs() -> dict[str, str] | None:
    """``file name -> git blob id`` of the data files committed at HEAD; None without git."""
    if not (ROOT / ".git").exists():
        return None
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "ls-tree", "HEAD", "data/"],
                             capture_output=True, text=True, timeout=30, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    blobs = {}
    for line in out.splitlines():
        meta, _, path = line.partition("\t")
        parts = meta.split()
        if len(parts) == 3 and parts[1] == "blob":
            blobs[Path(path).name] = parts[2]
    return blobs


def _blob_id(content: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()


def check_data(report: Report) -> None:
    manifest = DATA / "manifest.json"
    if manifest.is_file():
        try:
            hashes = _manifest_hashes(json.loads(manifest.read_text(encoding="utf-8")))
        except ValueError as err:
            report.check(False, "data/manifest.json", f"not JSON ({err})", "restore it from the repository")
            return
        for name, digest in sorted(hashes.items()):
            path = DATA / name
            have = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
            report.check(have == digest, f"data/{name}", "sha256 as in data/manifest.json" if have == digest
                         else ("missing" if have is None else "sha256 differs from data/manifest.json"),
                         "restore the file from the repository (git checkout -- data/, or unpack the archive again)")
        return
    blobs = _git_blobs()
    if not blobs:
        report.line("SKIP", "data checksums", "no data/manifest.json and no git checkout to compare with")
        return
    for name, blob in sorted(blobs.items()):
        if not name.endswith((".csv.gz", ".csv", ".json")):
            continue
        path = DATA / name
        content = path.read_bytes() if path.is_file() else None
        # A checkout with core.autocrlf turns a text file's LF into CRLF: same file.
        ok = content is not None and blob in (_blob_id(content), _blob_id(content.replace(b"\r\n", b"\n")))
        report.check(ok, f"data/{name}", "as committed in git" if ok else
                     ("missing" if content is None else "differs from the committed file"),
                     "restore it: git checkout -- data/")


def check_computation(report: Report) -> None:
    """The VIX of Cboe's white-paper example (13.69) from the embedded quotes."""
    try:
        from vrp_lib import data, implied
        near, nxt = data.load_cboe_whitepaper_quotes("near"), data.load_cboe_whitepaper_quotes("next")
        # The white paper's times to expiry (minutes / minutes a year) and rates.
        vix = implied.cboe_vix(near, nxt, t_near=35_924 / 525_600, t_next=46_394 / 525_600,
                               r_near=0.000305, r_next=0.000286)
    except Exception as err:
        report.check(False, "computation: VIX of Cboe's white-paper example", f"{type(err).__name__}: {err}",
                     "see the error; run python tools/preflight.py again after fixing the packages")
        return
    report.check(round(vix, 2) == 13.69, "computation: VIX of Cboe's white-paper example",
                 f"{vix:.2f} (published 13.69)", "the environment computes a wrong number: reinstall the pins")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _request(url: str, token: str, method: str = "GET") -> int:
    req = urllib.request.Request(url, method=method, headers={"Authorization": f"token {token}"})
    # Straight to loopback: a proxy in the environment must not see this request.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(req, timeout=5) as response:
        body = response.read()
        return response.status if method != "POST" else json.loads(body or b"{}").get("id", "")


def lab_command(port: int, token: str, folder: Path) -> list[str]:
    """The command that starts JupyterLab on 127.0.0.1:``port`` with ``token``, no browser."""
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
           "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
           f"--ServerApp.root_dir={folder}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    return cmd


def check_lab(report: Report, folder: Path) -> None:
    """JupyterLab starts, answers on loopback and starts a kernel; then it is stopped."""
    token, port = secrets.token_hex(16), _free_port()
    base = f"http://127.0.0.1:{port}"
    start = time.monotonic()
    # The server's log goes to a file, not a pipe: a full pipe would stall the server.
    log = tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace")
    proc = subprocess.Popen(lab_command(port, token, folder if folder.is_dir() else ROOT),
                            stdout=subprocess.DEVNULL, stderr=log,
                            env={**os.environ, "NO_PROXY": "127.0.0.1,localhost"})
    status, detail = None, ""
    try:
        while time.monotonic() - start < LAB_TIMEOUT and proc.poll() is None:
            try:
                status = _request(f"{base}/api/status", token)
                break
            except (OSError, urllib.error.URLError):
                time.sleep(0.5)
        if status == 200:
            lab = _request(f"{base}/lab", token)
            kernel = _request(f"{base}/api/kernels", token, method="POST")
            if kernel:
                _request(f"{base}/api/kernels/{kernel}", token, method="DELETE")
            ok = lab == 200 and bool(kernel)
            detail = (f"answered on 127.0.0.1:{port} in {time.monotonic() - start:.1f} s, started a kernel"
                      if ok else f"/lab answered {lab}, kernel {kernel!r}")
        elif proc.poll() is not None:
            ok, detail = False, f"exited with status {proc.returncode}"
        else:
            ok, detail = False, f"no answer on 127.0.0.1:{port} within {LAB_TIMEOUT:.0f} s"
    except (OSError, urllib.error.URLError, ValueError) as err:
        ok, detail = False, f"{type(err).__name__}: {err}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.seek(0)
        err_text = log.read()
        log.close()
    if not ok and err_text:
        detail += " | " + " ".join(err_text.strip().splitlines()[-3:])
    report.check(ok, "JupyterLab starts", detail,
                 "a firewall or security tool may block local ports; see how_to_run.md, Troubleshooting")


def check_course(report: Report, folder: Path) -> None:
    chapters = sorted(p.name for p in (ROOT / "chapters").glob("*.ipynb"))
    have = sorted(p.name for p in folder.glob("*.ipynb")) if folder.is_dir() else []
    missing = [c for c in chapters if c not in have] if chapters else ([] if have else ["(no notebooks)"])
    report.check(folder.is_dir() and not missing, f"course folder {folder}",
                 f"{len(have)} notebooks" + (f", missing {', '.join(missing)}" if missing else ""),
                 "create it: make course (or python tools/make_course.py --from <the trainer's notebooks>)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--course", type=Path, default=Path(os.environ.get("COURSE_DIR", ROOT / "work")),
                        help="the course folder (default work/, or $COURSE_DIR)")
    parser.add_argument("--no-lab", action="store_true", help="skip starting JupyterLab")
    args = parser.parse_args(argv)
    course = args.course if args.course.is_absolute() else (Path.cwd() / args.course)
    start = time.monotonic()
    report = Report()
    print(f"Pre-flight check of {ROOT}")
    check_python(report)
    packages_ok = check_packages(report)
    check_data(report)
    check_computation(report)
    if args.no_lab:
        report.line("SKIP", "JupyterLab starts", "--no-lab")
    elif packages_ok:
        check_lab(report, course)
    else:
        report.check(False, "JupyterLab starts", "not tried: the packages above are not right")
    check_course(report, course)
    took = time.monotonic() - start
    if report.failed:
        print(f"{report.failed} check(s) FAILED ({took:.0f} s). Fix the lines marked FAIL, or send this "
              "output to your trainer.")
        return 1
    print(f"All checks passed ({took:.0f} s): ready for the course.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
