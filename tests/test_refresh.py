"""Tests of vrp_lib.refresh against a local HTTP server on 127.0.0.1 (no other address is ever contacted).

The served files are written from the embedded data (``vrp_lib.data``) in Cboe's and FRED's formats and
extended by SYNTHETIC rows after the embedded histories' last dates: those rows (and the VIX9D, VIX3M,
VIX6M and DTB3 files, scaled from the embedded VIX and 3-month yield) are test fixtures, not market data.
Each fault is injected on the server; after it the data folder is either fully refreshed or byte for byte
what it was.
"""

from __future__ import annotations

import collections
import functools
import hashlib
import importlib.util
import json
import math
import pickle
import shutil
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from vrp_lib import data, refresh

VIX_FILE, SPX_FILE = "VIX_History.csv", "SP500.csv"
#: SYNTHETIC rows after the embedded VIX (2024-06-20) and S&P 500 (2022-12-28): test fixtures only.
SYNTHETIC_VIX_DAYS = pd.bdate_range("2024-06-21", "2024-08-30", name="date").drop(pd.Timestamp("2024-07-04"))
SYNTHETIC_SPX_DAYS = pd.bdate_range("2022-12-29", "2023-03-31", name="date").drop(pd.Timestamp("2023-01-16"))
SYNTHETIC_RATE_DAYS = pd.bdate_range("2024-07-01", "2024-08-30", name="date")
#: FRED's SP500 covers the last ten years only: the served file starts here.
SPX_START = "2016-01-04"


# ---------------------------------------------------------------------------------------
# served files


def _cboe(df: pd.DataFrame) -> bytes:
    """Cboe's format: ``DATE,OPEN,HIGH,LOW,CLOSE`` or ``DATE,<INDEX>``, dates MM/DD/YYYY, six decimals."""
    header = "DATE," + ",".join(c.upper() for c in df.columns)
    lines = [header] + [d.strftime("%m/%d/%Y") + "," + ",".join(f"{x:.6f}" for x in row)
                        for d, row in zip(df.index, df.to_numpy())]
    return ("\n".join(lines) + "\n").encode()


def _fred(code: str, s: pd.Series, header: str = "observation_date", holidays=()) -> bytes:
    """FRED's format: ``observation_date,<ID>`` (or ``DATE,<ID>``), ISO dates, a missing value empty;
    ``holidays`` adds rows marked ``.`` (the older missing marker), as FRED has on market holidays."""
    s = pd.concat([s, pd.Series(np.nan, index=pd.DatetimeIndex(holidays), dtype=float)]).sort_index()
    marks = dict.fromkeys(pd.DatetimeIndex(holidays), ".")
    lines = [f"{header},{code}"] + [f"{d:%Y-%m-%d}," + (marks.get(d, "") if np.isnan(x) else f"{x:.2f}")
                                    for d, x in s.items()]
    return ("\n".join(lines) + "\n").encode()


def synthetic_vix() -> pd.DataFrame:
    """SYNTHETIC VIX OHLC rows after the embedded end (vol points): a fixture, not market data."""
    k = np.arange(len(SYNTHETIC_VIX_DAYS))
    close = 14.0 + 2.0 * np.sin(k / 5.0)
    return pd.DataFrame({"open": close - 0.1, "high": close + 0.5, "low": close - 0.6, "close": close},
                        index=SYNTHETIC_VIX_DAYS).round(2)


def synthetic_spx() -> pd.Series:
    """SYNTHETIC S&P 500 closes after the embedded end (index points): a fixture, not market data."""
    k = np.arange(1, len(SYNTHETIC_SPX_DAYS) + 1)
    return pd.Series(3783.22 * np.exp(0.001 * k + 0.01 * np.sin(k / 3.0)), index=SYNTHETIC_SPX_DAYS).round(2)


@functools.lru_cache(maxsize=1)
def served_files() -> dict:
    """Request path -> bytes of every file the test server publishes (Cboe under /cboe, FRED under /fred)."""
    ohlc = pd.concat([data.load_vix_ohlc(), synthetic_vix()])
    vix = ohlc["close"]
    rate = data.load_treasury_rates()["3m"]
    rate = pd.concat([rate, pd.Series(5.25, index=SYNTHETIC_RATE_DAYS)])
    spx = pd.concat([data.load_spx()["close"].loc[SPX_START:], synthetic_spx()])
    scaled = {  # SYNTHETIC term structure: the VIX scaled, on a shorter history
        "VIX9D": (0.92 * vix.loc["2011-01-03":]).to_frame("vix9d"),
        "VIX3M": (ohlc.loc["2007-12-04":] * 1.08),
        "VIX6M": (1.12 * vix.loc["2008-01-02":]).to_frame("vix6m"),
    }
    files = {f"/cboe/{VIX_FILE}": _cboe(ohlc)}
    files.update({f"/cboe/{code}_History.csv": _cboe(df) for code, df in scaled.items()})
    fred = "/fred/fredgraph.csv?id="
    files[fred + "SP500"] = _fred("SP500", spx, holidays=["2016-01-18", "2016-02-15", "2023-01-16"])
    files[fred + "VIXCLS"] = _fred("VIXCLS", vix, header="DATE", holidays=["2024-07-04"])
    files[fred + "DTB3"] = _fred("DTB3", (rate - 0.05).round(2))  # SYNTHETIC: 3-month yield less 5 bp
    files[fred + "DGS3MO"] = _fred("DGS3MO", rate)
    return files


def path_of(file: str) -> str:
    """The served request path of a data-folder file name."""
    if file.endswith("_History.csv"):
        return f"/cboe/{file}"
    return f"/fred/fredgraph.csv?id={file[:-4]}"


VIX, SPX = path_of(VIX_FILE), path_of(SPX_FILE)


# ---------------------------------------------------------------------------------------
# the server


class Site:
    """What the server on 127.0.0.1 publishes, and the faults it injects, by request path."""

    def __init__(self, files: dict):
        self.files = dict(files)
        self.types: dict = {}
        self.faults: dict = {}
        self.hits = collections.Counter()

    def answer(self, handler, path: str) -> None:
        body = self.files[path]
        handler.send_response(200)
        handler.send_header("Content-Type", self.types.get(path, "text/csv"))
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)


def serve(site: Site):
    """A ThreadingHTTPServer on 127.0.0.1, port 0, in a daemon thread; returns (server, base address)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            site.hits[self.path] += 1
            try:
                if self.path in site.faults:
                    site.faults[self.path](self, site)
                elif self.path in site.files:
                    site.answer(self, self.path)
                else:
                    self.send_error(404)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout tests)
                pass

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def not_found(handler, site):
    handler.send_error(404)


def too_many(retry_after: str | None, times: int):
    """HTTP 429 (with ``Retry-After: retry_after``) on the first ``times`` requests, then the file."""
    def fault(handler, site):
        if site.hits[handler.path] > times:
            return site.answer(handler, handler.path)
        handler.send_response(429)
        if retry_after is not None:
            handler.send_header("Retry-After", retry_after)
        handler.send_header("Content-Length", "0")
        handler.end_headers()
    return fault


def slow(seconds: float):
    """Answer after ``seconds`` (past the client's timeout)."""
    def fault(handler, site):
        time.sleep(seconds)
        site.answer(handler, handler.path)
    return fault


def short(n: int):
    """Announce the whole file in Content-Length, send ``n`` bytes, close the connection."""
    def fault(handler, site):
        body = site.files[handler.path]
        handler.send_response(200)
        handler.send_header("Content-Type", "text/csv")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body[:n])
        handler.close_connection = True
    return fault


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch):
    """Refuse any connection to an address other than 127.0.0.1 for the whole module."""
    real = socket.create_connection

    def guarded(address, *args, **kwargs):
        assert address[0] == "127.0.0.1", f"test tried to reach {address[0]}, not 127.0.0.1"
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", guarded)


@pytest.fixture
def site(monkeypatch, tmp_path):
    """The server, with VRP_CBOE_URL, VRP_FRED_URL and VRP_DATA_HOME pointing at it and at tmp_path."""
    s = Site(served_files())
    server, base = serve(s)
    s.base, s.home = base, tmp_path / "vrp-data"
    monkeypatch.setenv("VRP_CBOE_URL", f"{base}/cboe")
    monkeypatch.setenv("VRP_FRED_URL", f"{base}/fred/fredgraph.csv")
    monkeypatch.setenv("VRP_DATA_HOME", str(s.home))
    yield s
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def previous(tmp_path_factory):
    """A data folder after one good refresh (made once, copied by the tests that need a previous state)."""
    site = Site(served_files())
    server, base = serve(site)
    home = tmp_path_factory.mktemp("previous") / "vrp-data"
    refresh.refresh(data_home=home, cboe_url=f"{base}/cboe", fred_url=f"{base}/fred/fredgraph.csv",
                    progress=lambda line: None)
    server.shutdown()
    server.server_close()
    return home


def run(**kwargs):
    """refresh() with the progress lines collected and a short timeout; (manifest, lines)."""
    lines = []
    kwargs.setdefault("timeout", 5.0)
    return refresh.refresh(progress=lines.append, **kwargs), lines


def snapshot(folder: Path) -> dict:
    """Every file and folder below ``folder``: relative path -> bytes (None for a folder)."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None) for p in folder.rglob("*")}


# ---------------------------------------------------------------------------------------
# the good path


def test_refresh_keeps_every_file_with_its_manifest(site):
    manifest, lines = run()
    home = site.home
    files = manifest["files"]
    assert set(files) == {VIX_FILE, "VIX9D_History.csv", "VIX3M_History.csv", "VIX6M_History.csv", SPX_FILE,
                          "VIXCLS.csv", "DTB3.csv", "DGS3MO.csv"}
    assert manifest["skipped"] == {} and manifest["folder"] == str(home)
    assert json.loads((home / refresh.MANIFEST).read_text()) == {k: v for k, v in manifest.items() if k != "folder"}
    assert "own use" in manifest["licence"] and "never commit" in manifest["licence"]
    for file, entry in files.items():
        raw = (home / file).read_bytes()
        assert raw == site.files[path_of(file)]  # kept as fetched
        assert entry["sha256"] == hashlib.sha256(raw).hexdigest() and entry["bytes"] == len(raw)
        assert entry["rows"] == raw.count(b"\n") - 1
        assert entry["address"] == site.base + path_of(file)
        assert pd.Timestamp(entry["fetched"].rstrip("Z")) <= pd.Timestamp.now("UTC").tz_localize(None)
        assert entry["fetched"].endswith("Z")
    vix = files[VIX_FILE]
    assert (vix["first"], vix["last"]) == ("1990-01-02", "2024-08-30")
    assert vix["rows"] == 8695 + len(SYNTHETIC_VIX_DAYS)
    assert vix["columns"] == ["open", "high", "low", "close"]
    assert vix["overlap"] == {"with": "the embedded VIX (vrp_lib.data.load_vix)", "days": 8695,
                              "first": "1990-01-02", "last": "2024-06-20", "revised": 0, "revisions": []}
    spx = files[SPX_FILE]
    n_spx = len(data.load_spx().loc[SPX_START:])
    assert spx["rows"] == n_spx + len(SYNTHETIC_SPX_DAYS) + 3 and spx["values"] == spx["rows"] - 3
    assert spx["overlap"]["days"] == n_spx and spx["overlap"]["revised"] == 0
    assert files["VIXCLS.csv"]["overlap"]["with"] == "the refreshed Cboe VIX"
    assert files["VIX9D_History.csv"]["columns"] == ["vix9d"]
    # one progress line per file, then the summary; no temporary folder left
    assert len(lines) == 9 and all(line.startswith("refresh: ") for line in lines)
    assert [f for f in files if any(line.startswith(f"refresh: {f}: ") for line in lines)] == list(files)
    assert f"{vix['rows']:,} rows, 1990-01-02 to 2024-08-30" in lines[0]
    assert "agrees with the embedded VIX (vrp_lib.data.load_vix) on 8,695 of 8,695 days" in lines[0]
    assert sorted(p.name for p in home.iterdir()) == sorted([*files, refresh.MANIFEST])


def test_loaders_get_the_embedded_history_extended_by_the_synthetic_rows(site):
    run()
    vix = refresh.extend(data.load_vix(), refresh.load_latest("vix"))
    embedded = data.load_vix()
    assert vix.name == "vix" and vix.index.name == "date" and len(vix) == len(embedded) + len(SYNTHETIC_VIX_DAYS)
    pd.testing.assert_series_equal(vix.loc[: embedded.index[-1]], embedded)
    np.testing.assert_array_equal(vix.loc[SYNTHETIC_VIX_DAYS].to_numpy(), synthetic_vix()["close"].to_numpy())
    spx = refresh.extend(data.load_spx(), refresh.load_latest("spx"))
    assert list(spx.columns) == ["close"] and spx.index[0] == pd.Timestamp("1990-01-02")
    np.testing.assert_array_equal(spx["close"].loc[SYNTHETIC_SPX_DAYS].to_numpy(), synthetic_spx().to_numpy())
    latest = refresh.load_latest("spx")
    assert pd.Timestamp("2023-01-16") not in latest.index  # FRED's holiday row (".") is dropped
    assert len(latest) == len(data.load_spx().loc[SPX_START:]) + len(SYNTHETIC_SPX_DAYS)
    ohlc = refresh.extend(data.load_vix_ohlc(), refresh.load_latest("vix_ohlc"))
    pd.testing.assert_frame_equal(ohlc.loc[SYNTHETIC_VIX_DAYS], synthetic_vix(), check_freq=False)
    assert refresh.load_latest("vix9d").name == "vix9d"
    assert refresh.load_latest("dgs3mo").iloc[-1] == 5.25
    assert not refresh.load_latest("dtb3").isna().any()  # the embedded yield's 4 missing days are dropped


def test_data_loaders_take_the_refresh_when_asked(site, monkeypatch):
    """data.load_vix/load_spx(source="latest"), and VRP_DATA=latest as their default."""
    monkeypatch.delenv("VRP_DATA", raising=False)
    with pytest.raises(ValueError, match="make refresh"):
        data.load_vix(source="latest")
    run()
    embedded_vix, embedded_spx = data.load_vix(), data.load_spx()
    assert embedded_vix.index[-1] == pd.Timestamp("2024-06-20")        # the default stays embedded
    latest_vix = data.load_vix(source="latest")
    assert len(latest_vix) == len(embedded_vix) + len(SYNTHETIC_VIX_DAYS) and latest_vix.name == "vix"
    latest_spx = data.load_spx(source="latest")
    assert len(latest_spx) == len(embedded_spx) + len(SYNTHETIC_SPX_DAYS)
    monkeypatch.setenv("VRP_DATA", "latest")
    pd.testing.assert_series_equal(data.load_vix(), latest_vix)
    pd.testing.assert_frame_equal(data.load_spx(), latest_spx)
    pd.testing.assert_series_equal(data.load_vix("cboe"), embedded_vix)  # an explicit source wins
    monkeypatch.setenv("VRP_DATA", "embedded")
    pd.testing.assert_series_equal(data.load_vix(), embedded_vix)
    monkeypatch.setenv("VRP_DATA", "lastest")
    with pytest.raises(ValueError, match="VRP_DATA must be 'embedded' or 'latest'"):
        data.load_vix()


def test_optional_series_404_is_skipped_and_its_old_file_dropped(site):
    run()
    site.faults[path_of("VIX6M_History.csv")] = not_found
    manifest, lines = run()
    assert "VIX6M_History.csv" not in manifest["files"] and not (site.home / "VIX6M_History.csv").exists()
    assert manifest["skipped"]["VIX6M_History.csv"]["reason"].startswith("HTTP 404")
    assert any("VIX6M_History.csv: skipped (optional; HTTP 404" in line for line in lines)
    with pytest.raises(ValueError, match=r"'vix6m' was skipped by the last refresh \(HTTP 404"):
        refresh.load_latest("vix6m")
    assert len(refresh.load_latest("vix3m")) > 0


def test_csv_served_as_text_html_is_judged_by_its_body(site):
    site.types[path_of(VIX_FILE)] = "text/html"  # a misconfigured server: the body is still the CSV
    manifest, _ = run()
    assert manifest["files"][VIX_FILE]["rows"] == 8695 + len(SYNTHETIC_VIX_DAYS)


def test_http_429_with_retry_after_is_waited_out(site, monkeypatch):
    waits = []
    monkeypatch.setattr(refresh.time, "sleep", waits.append)  # record the waits instead of sleeping
    site.faults[VIX] = too_many("7", times=2)
    manifest, _ = run()
    assert site.hits[VIX] == 3 and VIX_FILE in manifest["files"] and waits == [7.0, 7.0]
    waits.clear()
    site.faults[SPX] = too_many(None, times=99)  # no Retry-After: 1, 2, 4... s, capped at max_wait
    with pytest.raises(refresh.RefreshError, match=r"on each of 4 attempts \(waited 6 s in all"):
        run(attempts=4, max_wait=3.0)
    assert waits == [1.0, 2.0, 3.0]


def test_a_revised_day_is_reported_and_not_taken(site):
    day = pd.Timestamp("2008-10-10")
    embedded = data.load_vix()[day]
    body = site.files[path_of(VIX_FILE)].decode()
    row = next(line for line in body.split("\n") if line.startswith("10/10/2008,"))
    site.files[path_of(VIX_FILE)] = body.replace(row, row.rsplit(",", 1)[0] + f",{embedded + 1:.6f}").encode()
    manifest, lines = run()
    overlap = manifest["files"][VIX_FILE]["overlap"]
    assert overlap["revised"] == 1
    revised = float(f"{embedded + 1:.6f}")  # as written in the served file
    assert overlap["revisions"] == [{"date": "2008-10-10", "reference": embedded, "refreshed": revised}]
    saved = json.loads((site.home / refresh.MANIFEST).read_text())
    assert saved["files"][VIX_FILE]["overlap"]["revisions"] == overlap["revisions"]
    assert "1 revised (reported in the manifest, not taken)" in lines[0]
    # FRED's VIXCLS still has the embedded value: its cross-check with the refreshed Cboe VIX flags the day too
    assert "revisions reported, not taken: {'VIX_History.csv': 1, 'VIXCLS.csv': 1}" in lines[-1]
    assert refresh.extend(data.load_vix(), refresh.load_latest("vix"))[day] == embedded


# ---------------------------------------------------------------------------------------
# faults: the data folder ends untouched, with a clear message


def _replace_line(path: str, start: str, new) -> callable:
    def apply(site):
        lines = site.files[path].decode().split("\n")
        i = next(k for k, line in enumerate(lines) if line.startswith(start))
        lines[i] = new(lines[i]) if callable(new) else new
        site.files[path] = "\n".join(lines).encode()
    return apply


def _html(site):
    site.files[path_of(VIX_FILE)] = b"<!DOCTYPE html><html><head><title>Access Denied</title></head></html>"
    site.types[path_of(VIX_FILE)] = "text/html; charset=utf-8"


def _swap_rows(site):
    lines = site.files[path_of(VIX_FILE)].decode().split("\n")
    lines[100], lines[101] = lines[101], lines[100]
    site.files[path_of(VIX_FILE)] = "\n".join(lines).encode()


def _scaled(path: str, k: float):
    def apply(site):
        lines = site.files[path].decode().rstrip("\n").split("\n")
        out = [lines[0]]
        for line in lines[1:]:
            date, *values = line.split(",")
            out.append(",".join([date] + [f"{float(v) * k:.6f}" if v not in ("", ".") else v for v in values]))
        site.files[path] = ("\n".join(out) + "\n").encode()
    return apply


def _cut(path: str, n: int):
    def apply(site):
        site.files[path] = site.files[path][:-n]
    return apply


def _only_synthetic_spx(site):
    site.files[path_of(SPX_FILE)] = _fred("SP500", synthetic_spx())


def _maintenance_page(site):
    site.files[path_of("VIX9D_History.csv")] = b"<html><body>maintenance</body></html>"


def _fault(path: str, fault):
    def apply(site):
        site.faults[path] = fault
    return apply


FAULTS = {  # label: (how, refresh arguments, the file named, what the message says)
    "html": (_html, {}, VIX_FILE, r"an HTML page titled 'Access Denied' instead of CSV"),
    "404 required": (_fault(SPX, not_found), {}, SPX_FILE, r"HTTP 404 Not Found .* a required series"),
    "429 wait too long": (_fault(VIX, too_many("3600", times=99)), {"max_wait": 1.0}, VIX_FILE,
                          r"HTTP 429 .* asks to wait 3600 s \(Retry-After\), more than max_wait=1 s; gave up"),
    "429 every time": (_fault(VIX, too_many("0", times=99)), {"attempts": 3}, VIX_FILE,
                       r"HTTP 429 .* on each of 3 attempts .* gave up"),
    "429 without Retry-After": (_fault(VIX, too_many(None, times=99)), {"attempts": 2, "max_wait": 0.01},
                                VIX_FILE, r"on each of 2 attempts \(waited 0.01 s in all"),
    "timeout": (_fault(SPX, slow(2.0)), {"timeout": 0.25}, SPX_FILE, r"timed out after 0.25 s"),
    "short body": (_fault(VIX, short(5000)), {}, VIX_FILE, r"truncated body: the connection closed after "
                   r"5,000 bytes of \d+ \(Content-Length\)"),
    "cut last line (Cboe)": (_cut(VIX, 20), {}, VIX_FILE, r"the last line '08/30/2024,.*' is cut"),
    "cut last line (FRED)": (_cut(SPX, 8), {}, SPX_FILE, r"the last line '2023-03-31,' is cut"),
    "changed header": (_replace_line(VIX, "DATE,", "Date,Open,High,Low,Close"), {}, VIX_FILE,
                       r"the header 'Date,Open,High,Low,Close' is not the expected "
                       r"'DATE,OPEN,HIGH,LOW,CLOSE' or 'DATE,VIX': the format changed"),
    "unordered dates": (_swap_rows, {}, VIX_FILE, r"line 102: dates not strictly increasing \(1990-05-23 "
                        r"after 1990-05-24\)"),
    "repeated date": (_replace_line(SPX, "2016-01-05,", lambda x: "2016-01-04" + x[10:]), {}, SPX_FILE,
                      r"line 3: dates not strictly increasing \(2016-01-04 twice\)"),
    "weekend": (_replace_line(VIX, "08/30/2024,", lambda x: "08/31/2024" + x[10:]), {}, VIX_FILE,
                r"2024-08-31 is a Saturday, not a trading day"),
    "future date": (_replace_line(SPX, "2023-03-31,", "2199-01-02,4000.00"), {}, SPX_FILE,
                    r"2199-01-02 is in the future"),
    "not a number": (_replace_line(VIX, "01/03/1990,", "01/03/1990,18.19,18.19,abc,18.19"), {}, VIX_FILE,
                     r"line 3: the value 'abc' in column 'low' is not a number"),
    "missing Cboe value": (_replace_line(VIX, "01/03/1990,", "01/03/1990,18.19,18.19,,18.19"), {}, VIX_FILE,
                           r"line 3: the value '' in column 'low' is not a number"),
    "bad date": (_replace_line(VIX, "01/03/1990,", lambda x: "1990-01-03" + x[10:]), {}, VIX_FILE,
                 r"line 3: the date '1990-01-03' is not MM/DD/YYYY"),
    "VIX in decimals": (_scaled(VIX, 0.01), {}, VIX_FILE, r"not vol points"),
    "different series": (_scaled(SPX, 1.01), {}, SPX_FILE, r"disagrees with the embedded S&P 500 .* on "
                         r"1,760 of 1,760 common days .*: a different series, not a revision"),
    "no overlap": (_only_synthetic_spx, {}, SPX_FILE, r"no date in common with the embedded S&P 500"),
    "VIXCLS cross-check": (_scaled(path_of("VIXCLS.csv"), 1.05), {}, "VIXCLS.csv",
                           r"disagrees with the refreshed Cboe VIX"),
    "optional file broken": (_maintenance_page, {}, "VIX9D_History.csv", r"an HTML page instead of CSV"),
    "yield out of range": (_replace_line(path_of("DTB3.csv"), "2000-01-04,", "2000-01-04,520.00"), {},
                           "DTB3.csv", r"the yield 520 on 2000-01-04 is outside \[-5, 30\] percent"),
    "empty body": (lambda s: s.files.__setitem__(SPX, b""), {}, SPX_FILE, r"an empty body instead of CSV"),
    "header only": (lambda s: s.files.__setitem__(SPX, b"observation_date,SP500\n"), {}, SPX_FILE,
                    r"no data rows after the header"),
    "server error": (_fault(VIX, lambda h, s: h.send_error(503)), {}, VIX_FILE, r"HTTP 503"),
}


@pytest.mark.parametrize("label", list(FAULTS))
def test_a_fault_leaves_the_previous_refresh_intact(site, previous, label):
    how, kwargs, file, message = FAULTS[label]
    shutil.copytree(previous, site.home)
    before = snapshot(site.home)
    how(site)
    with pytest.raises(refresh.RefreshError, match=message) as info:
        run(**kwargs)
    assert snapshot(site.home) == before
    err = info.value
    assert err.file == file and err.address == site.base + path_of(file)
    assert str(err).startswith(f"refresh: {file} from {err.address}: ")
    assert str(err).endswith("nothing was kept, the previous refresh (if any) is unchanged")


def test_a_fault_on_the_first_refresh_leaves_an_empty_folder(site):
    site.faults[SPX] = not_found
    with pytest.raises(refresh.RefreshError, match="HTTP 404"):
        run()
    assert snapshot(site.home) == {}
    with pytest.raises(ValueError, match=r"no refreshed data in .* run `make refresh`"):
        refresh.load_latest("vix")


def test_a_file_changed_after_the_refresh_is_not_read(site):
    run()
    path = site.home / VIX_FILE
    path.write_bytes(path.read_bytes().replace(b"17.240000", b"17.250000", 1))
    with pytest.raises(ValueError, match=r"does not match the sha256 in manifest.json .*make refresh"):
        refresh.load_latest("vix")
    path.unlink()
    with pytest.raises(ValueError, match=r"is missing though the manifest lists it"):
        refresh.load_latest("vix_ohlc")
    (site.home / refresh.MANIFEST).write_text("{not json")
    with pytest.raises(ValueError, match=r"is not a refresh manifest"):
        refresh.load_latest("vix")


def test_an_error_raised_midway_leaves_no_trace(site, previous):
    shutil.copytree(previous, site.home)
    before = snapshot(site.home)
    lines = []

    def progress(line):
        lines.append(line)
        if len(lines) == 3:
            raise KeyboardInterrupt  # the reader stops the refresh after the third file

    with pytest.raises(KeyboardInterrupt):
        refresh.refresh(progress=progress)
    assert snapshot(site.home) == before


def test_a_commit_killed_before_the_manifest_is_detected(site, previous, monkeypatch):
    shutil.copytree(previous, site.home)
    _replace_line(VIX, "08/30/2024,", "08/30/2024,15.000000,15.500000,14.500000,15.000000")(site)
    real = refresh.os.replace

    def crash(src, dst):
        if Path(dst).name == refresh.MANIFEST:
            raise OSError("simulated crash before the manifest")
        return real(src, dst)

    monkeypatch.setattr(refresh.os, "replace", crash)
    with pytest.raises(OSError, match="simulated crash"):
        refresh.refresh(progress=lambda line: None)
    assert not [p for p in site.home.iterdir() if p.name.startswith(".refresh-")]
    with pytest.raises(ValueError, match=r"VIX_History.csv does not match the sha256 .*interrupted refresh"):
        refresh.load_latest("vix")
    assert len(refresh.load_latest("dtb3")) > 0  # unchanged bytes: still the manifest's


# ---------------------------------------------------------------------------------------
# rules, addresses, arguments


def test_agreement_is_within_1e_6_relative():
    old = pd.Series([20.0, 30.0, 40.0] * 100, index=pd.bdate_range("2020-01-01", periods=300))
    new = old.copy()
    new.iloc[0] = 20.0 * (1 + 0.9e-6)  # within 1e-6: agrees
    new.iloc[1] = 30.0 * (1 + 1.1e-6)  # outside: one revision
    result = refresh._compare(new, old, "old")
    assert result["revised"] == 1 and result["revisions"][0]["date"] == "2020-01-02"
    new.iloc[2:5] *= 1.01  # 4 of 300 days (1.3 %) differ: more than REVISION_SHARE
    with pytest.raises(refresh._Bad, match="on 4 of 300 common days"):
        refresh._compare(new, old, "old")


def test_extend_keeps_the_embedded_values_and_appends_after_the_last_date():
    days = pd.bdate_range("2024-01-01", periods=300, name="date")
    embedded = pd.Series(np.linspace(10.0, 20.0, 200), index=days[:200], name="vix")
    refreshed = pd.Series(np.linspace(30.0, 40.0, 250), index=days[50:], name="other")
    refreshed.iloc[:150] = embedded.iloc[50:].to_numpy()
    refreshed.iloc[10] *= 1.5  # one revision of 150 common days: the embedded value wins
    out = refresh.extend(embedded, refreshed)
    assert out.name == "vix" and out.index.name == "date" and out.index.equals(days)
    pd.testing.assert_series_equal(out.iloc[:200], embedded)
    np.testing.assert_array_equal(out.iloc[200:].to_numpy(), refreshed.iloc[150:].to_numpy())
    with pytest.raises(ValueError, match="have no date in common"):
        refresh.extend(embedded.iloc[:40], refreshed)
    with pytest.raises(ValueError, match=r"refreshed disagrees with embedded on 150 of 150"):
        refresh.extend(embedded, refreshed * 2)
    with pytest.raises(TypeError, match="refreshed is a DataFrame and embedded a Series"):
        refresh.extend(embedded, refreshed.to_frame().assign(x=1.0))
    with pytest.raises(ValueError, match=r"refreshed lacks the embedded column\(s\) \['vix'\]"):
        refresh.extend(embedded.to_frame(), refreshed.to_frame())
    with pytest.raises(ValueError, match="refreshed: missing or infinite value on 2024-03-11"):
        refresh.extend(embedded, refreshed.where(refreshed.index != "2024-03-11"))


@given(st.integers(1, 120), st.integers(1, 120), st.integers(0, 119))
def test_extend_of_two_slices_of_one_history_is_the_history(n_embedded, n_tail, overlap):
    days = pd.bdate_range("2020-01-01", periods=n_embedded + n_tail, name="date")
    full = pd.Series(10.0 + np.arange(len(days)) % 7, index=days, name="vix")
    start = max(0, n_embedded - 1 - min(overlap, n_embedded - 1))  # at least one common day
    pd.testing.assert_series_equal(refresh.extend(full.iloc[:n_embedded], full.iloc[start:]), full)


def test_addresses_and_folder_defaults(monkeypatch, tmp_path):
    for name in ("VRP_CBOE_URL", "VRP_FRED_URL", "VRP_DATA_HOME"):
        monkeypatch.delenv(name, raising=False)
    cboe = refresh._url(None, "cboe_url", "VRP_CBOE_URL", refresh.CBOE_URL)
    fred = refresh._url(None, "fred_url", "VRP_FRED_URL", refresh.FRED_URL)
    assert refresh._address("vix3m", cboe, fred) == (
        "VIX3M_History.csv", "https://cdn.cboe.com/api/global/us_indices/daily_prices/VIX3M_History.csv")
    assert refresh._address("spx", cboe, fred) == ("SP500.csv",
                                                   "https://fred.stlouisfed.org/graph/fredgraph.csv?id=SP500")
    assert refresh._address("dtb3", "http://127.0.0.1:1/x/", "http://127.0.0.1:1/g.csv?a=1") == (
        "DTB3.csv", "http://127.0.0.1:1/g.csv?a=1&id=DTB3")
    import platformdirs

    assert refresh.data_folder() == Path(platformdirs.user_data_dir("vrp-book")).resolve()
    monkeypatch.setenv("VRP_DATA_HOME", str(tmp_path))
    monkeypatch.setenv("VRP_CBOE_URL", "ftp://example.invalid/")
    assert refresh.data_folder() == tmp_path.resolve()
    with pytest.raises(ValueError, match=r"cboe_url \(from VRP_CBOE_URL\) must be an http:// or https://"):
        refresh.refresh()
    with pytest.raises(ValueError, match="inside the repository .* never be committed"):
        refresh.refresh(data_home=Path(refresh.__file__).parent.parent / "data" / "latest")
    assert snapshot(tmp_path) == {}


def test_retry_after_reads_seconds_and_http_dates():
    assert refresh._retry_after("7") == 7.0
    assert refresh._retry_after(None) is None and refresh._retry_after("soon") is None
    assert refresh._retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past: no wait
    later = (pd.Timestamp.now("UTC") + pd.Timedelta(seconds=120)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert 100.0 < refresh._retry_after(later) <= 120.0


def test_refresh_error_names_file_address_and_problem():
    err = refresh.RefreshError("SP500.csv", "http://127.0.0.1:1/fredgraph.csv?id=SP500", "HTTP 404 Not Found")
    assert isinstance(err, ValueError)
    assert str(err).startswith("refresh: SP500.csv from http://127.0.0.1:1/fredgraph.csv?id=SP500: HTTP 404")
    again = pickle.loads(pickle.dumps(err))
    assert (again.file, again.address, again.problem, str(again)) == (err.file, err.address, err.problem, str(err))
    with pytest.raises(TypeError, match="problem must be a string"):
        refresh.RefreshError("SP500.csv", "x", 404)


def test_no_network_and_no_file_at_import(monkeypatch, tmp_path):
    def refuse(*args, **kwargs):
        raise AssertionError("network access at import")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setenv("VRP_DATA_HOME", str(tmp_path / "home"))
    # a fresh copy of the module, executed apart (reloading vrp_lib.refresh would replace its classes)
    spec = importlib.util.spec_from_file_location("vrp_lib._refresh_import_probe", refresh.__file__)
    spec.loader.exec_module(importlib.util.module_from_spec(spec))
    assert not (tmp_path / "home").exists()


def test_command_line(site, capsys):
    assert refresh._main(["--timeout", "5"]) == 0
    err = capsys.readouterr().err
    assert f"refresh: VIX_History.csv: {8695 + len(SYNTHETIC_VIX_DAYS):,} rows" in err
    assert "refresh: 8 files kept in" in err
    site.faults[VIX] = not_found
    assert refresh._main(["--timeout", "5"]) == 1
    assert "error: refresh: VIX_History.csv from" in capsys.readouterr().err


def test_argument_bounds_and_integral_floats(site):
    for arg, value, most in (("timeout", 601.0, "600"), ("attempts", 21, "20"), ("max_wait", 3601.0, "3600")):
        with pytest.raises(ValueError, match=rf"{arg} must be at most {most}, got"):
            refresh.refresh(**{arg: value})
    with pytest.raises(TypeError, match="progress must be a callable"):
        refresh.refresh(progress="stderr")
    assert snapshot(site.home) == {}
    site.faults[VIX] = too_many("0", times=99)
    with pytest.raises(refresh.RefreshError, match="on each of 2 attempts"):
        run(attempts=2.0)  # an integral float is the integer
    assert site.hits[VIX] == 2


def test_load_latest_names():
    with pytest.raises(ValueError, match=r"name must be one of \('vix', .*'vix_ohlc'\), got 'VIX'"):
        refresh.load_latest("VIX")
    assert math.isclose(refresh.REL_TOL, 1e-6) and refresh.REVISION_SHARE == 0.01
