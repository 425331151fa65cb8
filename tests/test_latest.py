"""The refreshed book end to end (issue 19), against a local HTTP server on 127.0.0.1.

``make refresh`` is run with ``VRP_CBOE_URL``, ``VRP_FRED_URL`` and ``VRP_DATA_HOME`` pointing at the
server of ``tests/test_refresh.py`` (the embedded data written in Cboe's and FRED's formats, extended
by SYNTHETIC rows: test fixtures, not market data) and at a temporary folder. Then, with
``VRP_DATA=latest``:

- the loaders give the embedded histories extended by the synthetic rows;
- each of the six chapters, copied to a temporary folder, executes to the end on them and records
  its named claims instead of stopping at one that no longer holds;
- the claims page (``claims.ipynb``) lists every chapter's claims under "Claims on data to DATE".

Slow (about a minute: six chapters in fresh kernels): run by ``make test-latest`` (in ``make test``),
not by ``make test-lib``. Nothing here touches the repository's data, chapters or ``_build``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
import test_refresh as fixtures  # noqa: E402  (the server and its served files)

CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))
MAKE = shutil.which("make")


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory):
    """``make refresh`` against the local server; returns the environment that reads its folder."""
    if MAKE is None:
        pytest.skip("make is not installed (the refresh itself is tested in tests/test_refresh.py)")
    site = fixtures.Site(fixtures.served_files())
    server, base = fixtures.serve(site)
    home = tmp_path_factory.mktemp("latest") / "vrp-data"
    env = {**os.environ, "VRP_CBOE_URL": f"{base}/cboe", "VRP_FRED_URL": f"{base}/fred/fredgraph.csv",
           "VRP_DATA_HOME": str(home)}
    env.pop("VRP_DATA", None)
    env.pop("MAKEFLAGS", None)
    try:
        done = subprocess.run([MAKE, "--no-print-directory", "-C", str(ROOT), "refresh"], env=env,
                              capture_output=True, text=True, timeout=600)
    finally:
        server.shutdown()
        server.server_close()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "8 files kept in" in done.stdout + done.stderr
    assert {k for k in site.hits} >= {fixtures.VIX, fixtures.SPX}
    return {"VRP_DATA": "latest", "VRP_DATA_HOME": str(home)}


def test_make_refresh_then_latest_loaders_give_the_extended_series(refreshed, monkeypatch):
    from vrp_lib import data

    for key, value in refreshed.items():
        monkeypatch.setenv(key, value)
    vix, spx = data.load_vix(), data.load_spx()
    assert vix.index[-1] == fixtures.SYNTHETIC_VIX_DAYS[-1]
    assert spx.index[-1] == fixtures.SYNTHETIC_SPX_DAYS[-1]
    monkeypatch.setenv("VRP_DATA", "embedded")
    assert data.load_vix().index[-1] < vix.index[-1] and data.load_spx().index[-1] < spx.index[-1]


def test_every_chapter_runs_to_the_end_and_the_claims_page_lists_them(refreshed, tmp_path, monkeypatch):
    for key, value in refreshed.items():
        monkeypatch.setenv(key, value)
    claims_dir = tmp_path / "claims"
    monkeypatch.setenv("VRP_CLAIMS_DIR", str(claims_dir))
    monkeypatch.setenv("PYTHONHASHSEED", "0")
    (tmp_path / "chapters").mkdir()
    for path in CHAPTERS:  # a copy: the stored outputs of the repository's chapters are never touched
        nb = nbformat.read(path, as_version=4)
        NotebookClient(nb, timeout=300, kernel_name="python3",
                       resources={"metadata": {"path": str(tmp_path / "chapters")}}).execute()
        assert (claims_dir / f"{path.stem}.json").is_file(), f"{path.stem} recorded no claims"
    page = nbformat.read(ROOT / "claims.ipynb", as_version=4)
    NotebookClient(page, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    shown = "".join(o.get("data", {}).get("text/markdown", "") for c in page.cells
                    if c.cell_type == "code" for o in c.outputs)
    ends = {f"{d[-1]:%Y-%m-%d}" for d in (fixtures.SYNTHETIC_VIX_DAYS, fixtures.SYNTHETIC_SPX_DAYS)}
    assert any(shown.startswith(f"**Claims on data to {end}** (refreshed data)") for end in ends), shown[:200]
    for path in CHAPTERS:
        assert f"({path.stem}), data " in shown
    assert "| holds |" in shown
