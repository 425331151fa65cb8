"""Today's data on the reader's machine: a refresh that never touches the embedded book.

The embedded files in ``data/`` stop in 2022 (S&P 500) and 2024 (VIX). :func:`refresh`
downloads the public daily histories that continue them into a per-user folder outside the
repository, checks them, and :func:`load_latest` and :func:`extend` give the loaders the
embedded history extended by the refreshed rows. Nothing here runs at import time (no
network access, no file written); the committed book, its tests and its stored outputs never
depend on a refresh.

Sources
-------
The series are listed in :data:`SERIES`.

* Cboe daily history files ``<INDEX>_History.csv`` of the VIX (required) and of VIX9D,
  VIX3M and VIX6M (optional: skipped with a note when the server answers 404): header
  ``DATE,OPEN,HIGH,LOW,CLOSE`` or a single value column ``DATE,<INDEX>``, dates MM/DD/YYYY,
  every value a number (vol points).
* FRED's keyless CSV series: SP500 (required; FRED publishes the last ten years only),
  VIXCLS (a cross-check of the Cboe VIX), DTB3 and DGS3MO (percent a year): header
  ``observation_date,<ID>`` or the older ``DATE,<ID>``, dates YYYY-MM-DD, a missing value
  empty or ``.`` (FRED's holiday rows).

Addresses: :data:`CBOE_URL` + ``/<INDEX>_History.csv`` and :data:`FRED_URL` + ``?id=<ID>``.
The environment variables ``VRP_CBOE_URL`` (the folder) and ``VRP_FRED_URL`` (the address
of ``fredgraph.csv`` itself) replace them when set, and so do the arguments of
:func:`refresh`. The folder is ``VRP_DATA_HOME``, by default
``platformdirs.user_data_dir("vrp-book")``; a folder inside the repository is refused.

Checks before anything is kept
------------------------------
Each file must be CSV with the expected header (an HTML page, an empty body or another
header is named as such), one date and the header's number of values per line, dates in
the source's format, strictly increasing and on weekdays only (trading days; holidays are
weekdays and may appear, FRED marks them missing), no date after tomorrow (UTC), numbers in
range (VIX values in vol points, S&P 500 closes positive, yields between -5 and 30 percent).
A body shorter than its ``Content-Length`` or whose last line is cut is a truncated download.

The overlap with the embedded files is compared: Cboe VIX closes with
:func:`vrp_lib.data.load_vix`, FRED SP500 with :func:`vrp_lib.data.load_spx`, and FRED's
VIXCLS with the refreshed Cboe VIX; values agree when within 1e-6 relative.

**Revisions.** A day that differs is a revision: it is *reported* (listed per file in the
manifest under ``revisions``, counted in a progress line and in the returned manifest) and
*not taken*: :func:`extend` keeps the embedded value on every embedded date and appends only
the rows after the embedded history's last date. A refresh that differs on more than
:data:`REVISION_SHARE` (1 %) of the common days, or shares no day with the embedded history
(a gap would go unnoticed), is a different series, not a revision, and blocks the refresh.

Atomic writes
-------------
Every file is fetched into a temporary folder inside the data folder and checked there;
only when every required file passed (optional ones passed or answered 404) are they moved
into place with ``os.replace``, the manifest last. Any error before that leaves the
previous refresh byte for byte as it was, and the temporary folder is removed.
:func:`load_latest` checks each file's sha256 against the manifest, so a refresh killed
while moving files is detected instead of read.

Errors
------
:class:`RefreshError` (a ``ValueError``) says which file, from which address, and what was
wrong: HTTP 404 on a required file, HTTP 429 (``Retry-After`` is respected when at most
``max_wait`` seconds, default 60, for at most ``attempts`` tries, default 4; a longer wait
or the last refusal gives up with a message), a timeout (``timeout`` seconds, default 30, per
connection and per read), a truncated body, an HTML page, a changed header, bad rows, a
history that disagrees with the embedded one. Only a 404 on an optional series is skipped;
any other fault on an optional series fails the refresh as well (a broken source is not
hidden).

Licence
-------
The refreshed files are Cboe's and S&P Dow Jones Indices' (via FRED) data, fetched by the
reader for their own use on their own machine under those providers' terms. They are never
committed, never shipped with the book and never used by its tests or stored outputs.

Run it with ``make refresh`` or ``python -m vrp_lib.refresh`` (``--help`` for options).
"""

from __future__ import annotations

import csv
import datetime as _dt
import email.utils
import hashlib
import http.client
import io
import json
import os
import shutil
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import numpy as np
import pandas as pd

from . import _checks

__all__ = [
    "CBOE_URL", "FRED_URL", "SERIES", "NAMES", "REL_TOL", "REVISION_SHARE", "MANIFEST", "LICENCE",
    "RefreshError", "data_folder", "refresh", "load_latest", "extend",
]

#: Cboe's folder of daily index histories (``<INDEX>_History.csv``); ``VRP_CBOE_URL`` replaces it.
CBOE_URL = "https://cdn.cboe.com/api/global/us_indices/daily_prices"
#: FRED's keyless CSV address (``?id=<ID>``); ``VRP_FRED_URL`` replaces it.
FRED_URL = "https://fred.stlouisfed.org/graph/fredgraph.csv"

#: The series fetched: name -> (site, code, required, kind). ``kind`` sets the value check:
#: ``vix`` vol points, ``price`` positive index points, ``rate`` percent a year.
SERIES = {
    "vix": ("cboe", "VIX", True, "vix"),
    "vix9d": ("cboe", "VIX9D", False, "vix"),
    "vix3m": ("cboe", "VIX3M", False, "vix"),
    "vix6m": ("cboe", "VIX6M", False, "vix"),
    "spx": ("fred", "SP500", True, "price"),
    "vixcls": ("fred", "VIXCLS", False, "vix"),
    "dtb3": ("fred", "DTB3", False, "rate"),
    "dgs3mo": ("fred", "DGS3MO", False, "rate"),
}
#: Names :func:`load_latest` accepts: the series above, and ``vix_ohlc`` (the VIX file's four columns).
NAMES = tuple(SERIES) + ("vix_ohlc",)

#: Two values agree when ``|refreshed - embedded| <= REL_TOL * |embedded|``.
REL_TOL = 1e-6
#: Share of the common days that may differ (revisions, reported); more blocks the refresh.
REVISION_SHARE = 0.01
#: Upper bounds of ``timeout`` (s), ``attempts`` and ``max_wait`` (s): a refresh ends in bounded time.
MAX_TIMEOUT, MAX_ATTEMPTS, MAX_WAIT = 600.0, 20, 3600.0
#: The manifest's file name in the data folder.
MANIFEST = "manifest.json"
#: The licence note written into every manifest.
LICENCE = ("Refreshed files are Cboe's and S&P Dow Jones Indices' (via FRED) data, fetched for the "
           "reader's own use on their own machine under those providers' terms; never commit or "
           "redistribute them.")
USER_AGENT = "vrp-book-refresh/1 (daily index history for the reader's own use; Python urllib)"
#: Yields in percent outside this range are refused (a decimal would pass; the book's unit is percent).
RATE_RANGE = (-5.0, 30.0)
HINT = "run `make refresh` (or `python -m vrp_lib.refresh`)"
_REPO = Path(__file__).resolve().parent.parent
_TMP_PREFIX = ".refresh-"


class RefreshError(ValueError):
    """A refresh that failed: which file, fetched from which address, and what was wrong.

    Parameters
    ----------
    file : str
        The file's name in the data folder (``VIX_History.csv``, ``SP500.csv``).
    address : str
        The address it was fetched from.
    problem : str
        What was wrong (``HTTP 404 Not Found``, ``timed out after 30 s``...).
    """

    def __init__(self, file: str, address: str, problem: str):
        for arg, value in (("file", file), ("address", address), ("problem", problem)):
            _checks.text(value, arg)
        self.file, self.address, self.problem = file, address, problem
        super().__init__(f"refresh: {file} from {address}: {problem}; nothing was kept, the previous "
                         "refresh (if any) is unchanged")

    def __reduce__(self):
        return type(self), (self.file, self.address, self.problem)


class _Bad(Exception):
    """A problem with a file's content; the caller adds the file and the address."""


class _NotFound(_Bad):
    """HTTP 404: an optional series may be skipped."""


# ---------------------------------------------------------------------------------------
# folders and addresses


def data_folder(data_home: str | os.PathLike | None = None) -> Path:
    """The folder of refreshed data: ``data_home``, else ``VRP_DATA_HOME``, else the user data folder.

    Parameters
    ----------
    data_home : str or os.PathLike, optional
        A folder; by default the environment variable ``VRP_DATA_HOME`` or
        ``platformdirs.user_data_dir("vrp-book")``.

    Returns
    -------
    pathlib.Path
        The folder, absolute (it may not exist yet).
    """
    if data_home is None:
        data_home = os.environ.get("VRP_DATA_HOME") or None
        if data_home is None:
            import platformdirs

            data_home = platformdirs.user_data_dir("vrp-book")
    if not isinstance(data_home, (str, os.PathLike)):
        raise _checks.ArgumentTypeError(
            f"data_home must be a folder path (str or pathlib.Path) or None, got {_checks._what(data_home)}")
    if not str(data_home).strip():
        raise ValueError("data_home must not be empty (unset VRP_DATA_HOME for the default folder)")
    return Path(data_home).expanduser().resolve()


def _url(value, name: str, env: str, default: str) -> str:
    if value is None:
        value = os.environ.get(env) or default
        name = f"{name} (from {env})" if os.environ.get(env) else name
    if not isinstance(value, str):
        raise _checks.ArgumentTypeError(
            f"{name} must be an http(s) address or None, got {_checks._what(value)}")
    parts = urllib.parse.urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{name} must be an http:// or https:// address, got {value!r}")
    return value


def _address(name: str, cboe_url: str, fred_url: str) -> tuple[str, str]:
    """(file name in the data folder, address) of one series."""
    site, code, _, _ = SERIES[name]
    if site == "cboe":
        file = f"{code}_History.csv"
        return file, f"{cboe_url.rstrip('/')}/{file}"
    sep = "&" if "?" in fred_url else "?"
    return f"{code}.csv", f"{fred_url}{sep}id={code}"


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------------------------------
# fetching


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date); None if absent or unreadable."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=_dt.timezone.utc)
    return max(0.0, (when - _dt.datetime.now(_dt.timezone.utc)).total_seconds())


def _get(address: str, timeout: float) -> tuple[bytes, str]:
    """One GET: the body and its Content-Type; a short body raises ``_Bad``."""
    request = urllib.request.Request(address, headers={"User-Agent": USER_AGENT, "Accept": "text/csv, */*"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        ctype = response.headers.get("Content-Type", "")
        length = response.headers.get("Content-Length")
        try:
            body = response.read()
        except http.client.IncompleteRead as exc:
            raise _Bad(f"truncated body: the connection closed after {len(exc.partial):,} bytes of "
                       f"{length or 'an unknown number of'} (Content-Length)") from None
    if length is not None and length.isdigit() and len(body) != int(length):
        raise _Bad(f"truncated body: {len(body):,} bytes where Content-Length says {int(length):,}")
    return body, ctype


def _fetch(address: str, timeout: float, attempts: int, max_wait: float) -> tuple[bytes, str]:
    """GET with a timeout; HTTP 429 is tried again after Retry-After (``max_wait``, ``attempts``)."""
    waited = 0.0
    for attempt in range(1, attempts + 1):
        try:
            return _get(address, timeout)
        except urllib.error.HTTPError as exc:
            exc.close()  # the error holds the response and its socket
            status = f"HTTP {exc.code} {exc.reason}"
            if exc.code == 404:
                raise _NotFound(f"{status} (not published there)") from None
            if exc.code != 429:
                raise _Bad(status) from None
            asked = _retry_after(exc.headers.get("Retry-After") if exc.headers else None)
            wait = min(2.0 ** (attempt - 1), max_wait) if asked is None else asked
            if asked is not None and asked > max_wait:
                raise _Bad(f"{status}: the server asks to wait {asked:g} s (Retry-After), more than "
                           f"max_wait={max_wait:g} s; gave up, try again later") from None
            if attempt == attempts:
                raise _Bad(f"{status} on each of {attempts} attempts (waited {waited:g} s in all, "
                           "Retry-After respected); gave up, try again later") from None
            time.sleep(wait)
            waited += wait
        except TimeoutError:  # socket.timeout is TimeoutError
            raise _Bad(f"timed out after {timeout:g} s (timeout)") from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise _Bad(f"timed out after {timeout:g} s (timeout)") from None
            raise _Bad(f"could not connect ({exc.reason}); are you online?") from None
        except (http.client.HTTPException, OSError) as exc:
            raise _Bad(f"the connection failed ({type(exc).__name__}: {exc})") from None
    raise AssertionError("unreachable")  # pragma: no cover


# ---------------------------------------------------------------------------------------
# parsing and checking


def _headers(name: str) -> tuple[str, ...]:
    site, code, _, _ = SERIES["vix" if name == "vix_ohlc" else name]
    if site == "cboe":
        return "DATE,OPEN,HIGH,LOW,CLOSE", f"DATE,{code}"
    return f"observation_date,{code}", f"DATE,{code}"


def _is_html(text: str) -> bool:
    """A markup page (HTML, XML) rather than CSV: judged by the body, whatever the Content-Type says."""
    return text.lstrip().startswith("<")


def _html_title(text: str) -> str:
    low = text.lower()
    i, j = low.find("<title>"), low.find("</title>")
    return f" titled {text[i + 7:j].strip()[:80]!r}" if 0 <= i < j else ""


def _parse(raw: bytes, name: str, ctype: str = "") -> pd.DataFrame:
    """Parse and check one file's bytes; a DataFrame of floats (NaN where FRED marks a value missing)."""
    site, _, _, kind = SERIES[name]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _Bad("the body is not UTF-8 text, so not the expected CSV") from None
    if _is_html(text):
        raise _Bad(f"an HTML page{_html_title(text)} instead of CSV (Content-Type {ctype or 'not given'})")
    if not text.strip():
        raise _Bad("an empty body instead of CSV")
    cut = not text.endswith("\n")
    lines = text.replace("\r\n", "\n").rstrip("\n").split("\n")
    header = lines[0].strip()
    if header not in _headers(name):
        raise _Bad(f"the header {header[:80]!r} is not the expected "
                   f"{' or '.join(repr(h) for h in _headers(name))}: the format changed")
    columns = [c.lower() for c in header.split(",")[1:]]
    if len(lines) < 2:
        raise _Bad("no data rows after the header")
    last = len(lines) - 2  # the last row's position
    last_cut = f"the last line {lines[-1][:60]!r} is cut (truncated body)"
    commas = np.fromiter((line.count(",") for line in lines[1:]), dtype=int, count=len(lines) - 1)
    if (commas != len(columns)).any():
        i = int(np.flatnonzero(commas != len(columns))[0])
        if cut and i == last:
            raise _Bad(last_cut)
        raise _Bad(f"line {i + 2} {lines[i + 1][:60]!r} has {commas[i] + 1} fields, the header "
                   f"{len(columns) + 1}")
    if cut and "" in (c.strip() for c in lines[-1].split(",")):
        raise _Bad(last_cut)
    cells = pd.read_csv(io.StringIO("\n".join(lines[1:])), header=None, names=["date", *columns], dtype=str,
                        keep_default_na=False, quoting=csv.QUOTE_NONE, skip_blank_lines=False)
    fmt, shown = ("%m/%d/%Y", "MM/DD/YYYY") if site == "cboe" else ("%Y-%m-%d", "YYYY-MM-DD")
    dates = pd.to_datetime(cells["date"], format=fmt, errors="coerce")
    if dates.isna().any():
        i = int(np.flatnonzero(dates.isna().to_numpy())[0])
        if cut and i == last:
            raise _Bad(last_cut)
        raise _Bad(f"line {i + 2}: the date {cells['date'].iloc[i]!r} is not {shown}")
    idx = pd.DatetimeIndex(dates, name="date")
    values = np.empty((len(cells), len(columns)))
    for j, col in enumerate(columns):
        text_col = cells[col]
        missing = text_col.isin(["", "."]).to_numpy() if site == "fred" else np.zeros(len(cells), bool)
        num = pd.to_numeric(text_col.where(~missing, "nan"), errors="coerce").to_numpy(dtype=float)
        bad = ~missing & ~np.isfinite(num)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            if cut and i == last:
                raise _Bad(last_cut)
            raise _Bad(f"line {i + 2}: the value {text_col.iloc[i]!r} in column {col!r} is not a number")
        values[:, j] = num
    step = np.diff(idx.asi8)
    if (step <= 0).any():
        i = int(np.flatnonzero(step <= 0)[0]) + 1
        what = "twice" if step[i - 1] == 0 else f"after {idx[i - 1].date()}"
        raise _Bad(f"line {i + 2}: dates not strictly increasing ({idx[i].date()} {what})")
    weekend = idx.day_of_week >= 5
    if weekend.any():
        i = int(np.flatnonzero(weekend)[0])
        raise _Bad(f"line {i + 2}: {idx[i].date()} is a {idx[i].day_name()}, not a trading day")
    tomorrow = pd.Timestamp(_dt.datetime.now(_dt.timezone.utc).date()) + pd.Timedelta(days=1)
    if idx[-1] > tomorrow:
        i = int(np.flatnonzero(idx > tomorrow)[0])
        raise _Bad(f"line {i + 2}: {idx[i].date()} is in the future")
    df = pd.DataFrame(values, index=idx, columns=columns)
    _check_values(df, kind)
    return df


def _check_values(df: pd.DataFrame, kind: str) -> None:
    v = df.to_numpy()
    finite = v[np.isfinite(v)]
    if finite.size == 0:
        raise _Bad("every value is missing")
    if kind == "rate":
        lo, hi = RATE_RANGE
        bad = np.isfinite(v) & ((v < lo) | (v > hi))
        if bad.any():
            i, j = (int(a[0]) for a in np.nonzero(bad))
            raise _Bad(f"the yield {v[i, j]:g} on {df.index[i].date()} is outside [{lo:g}, {hi:g}] percent")
        return
    bad = np.isfinite(v) & (v <= 0)
    if bad.any():
        i, j = (int(a[0]) for a in np.nonzero(bad))
        raise _Bad(f"the non-positive value {v[i, j]:g} on {df.index[i].date()} in column {df.columns[j]!r}")
    lo, hi = _checks.DECIMAL_LOOKING_MAX, _checks.PRICE_LEVEL_MIN
    if kind == "vix" and (finite.max() >= hi or finite.max() < lo):
        raise _Bad(f"values from {finite.min():g} to {finite.max():g}: not vol points (expected a maximum "
                   f"between {lo:g} and {hi:g})")


def _close(df: pd.DataFrame, name: str) -> pd.Series:
    """The value column (``close``, or the single one) without missing rows."""
    col = "close" if "close" in df.columns else df.columns[0]
    return df[col].dropna().rename(name)


def _compare(new: pd.Series, old: pd.Series, what: str, new_name: str = "the refresh") -> dict:
    """Compare ``new`` with the reference ``old`` (described by ``what``) on their common dates, within
    REL_TOL; the summary with the revisions (``reference`` is the value of ``old``), or ``_Bad``."""
    common = new.index.intersection(old.index)
    if len(common) == 0:
        raise _Bad(f"{new_name} ({new.index[0].date()} to {new.index[-1].date()}) has no date in common with "
                   f"{what} ({old.index[0].date()} to {old.index[-1].date()}): the overlap cannot be checked "
                   "and a gap would go unnoticed")
    a, b = new[common].to_numpy(), old[common].to_numpy()
    differ = np.abs(a - b) > REL_TOL * np.abs(b)
    k, n = int(differ.sum()), len(common)
    if k > REVISION_SHARE * n:
        i = int(np.flatnonzero(differ)[0])
        raise _Bad(f"{new_name} disagrees with {what} on {k:,} of {n:,} common days (more than "
                   f"{REVISION_SHARE:.0%}; first on {common[i].date()}: {a[i]:g} against {b[i]:g}): "
                   "a different series, not a revision")
    revised = [{"date": str(common[i].date()), "reference": float(b[i]), "refreshed": float(a[i])}
               for i in np.flatnonzero(differ)]
    return {"with": what, "days": n, "first": str(common[0].date()), "last": str(common[-1].date()),
            "revised": len(revised), "revisions": revised}


def _embedded(name: str) -> tuple[pd.Series, str] | None:
    """The embedded history a refreshed series is compared with, and its description."""
    from . import data

    if name == "vix":
        return data.load_vix("cboe"), "the embedded VIX (vrp_lib.data.load_vix)"
    if name == "spx":
        return data.load_spx("skfolio")["close"], "the embedded S&P 500 (vrp_lib.data.load_spx)"
    return None


# ---------------------------------------------------------------------------------------
# refresh


def _say(progress, line: str) -> None:
    if progress is None:
        print(line, file=sys.stderr, flush=True)
    else:
        progress(line)


def _outside_repository(home: Path) -> None:
    if home == _REPO or _REPO in home.parents:
        raise ValueError(f"data_home {home} is inside the repository {_REPO}: refreshed files are for your "
                         "own use and must never be committed; choose a folder outside it (VRP_DATA_HOME)")


def refresh(*, data_home: str | os.PathLike | None = None, cboe_url: str | None = None,
            fred_url: str | None = None, timeout: float = 30.0, attempts: int = 4, max_wait: float = 60.0,
            progress=None) -> dict:
    """Download, check and keep today's Cboe and FRED daily histories (see the module docstring).

    Parameters
    ----------
    data_home : str or os.PathLike, optional
        The data folder (default :func:`data_folder`: ``VRP_DATA_HOME`` or the user data folder);
        created if missing; not inside the repository.
    cboe_url : str, optional
        Folder of the ``<INDEX>_History.csv`` files (default ``VRP_CBOE_URL``, else :data:`CBOE_URL`).
    fred_url : str, optional
        Address of ``fredgraph.csv`` (default ``VRP_FRED_URL``, else :data:`FRED_URL`).
    timeout : float
        Seconds to wait for a connection and for each read (default 30, at most 600).
    attempts : int
        Tries per file when the server answers HTTP 429 (default 4, at most 20).
    max_wait : float
        Longest ``Retry-After`` respected, in seconds (default 60, at most 3600); a longer one
        gives up at once. Without ``Retry-After`` the waits are 1, 2, 4... seconds, capped at
        ``max_wait``.
    progress : callable, optional
        Called with one line of text per file; by default the lines go to stderr.

    Returns
    -------
    dict
        The manifest written to ``<data_home>/manifest.json``: ``refreshed`` (UTC), ``licence``,
        ``files`` (per file: ``name``, ``address``, ``fetched`` (UTC), ``sha256``, ``bytes``,
        ``rows``, ``values``, ``first``, ``last``, ``columns`` and, where compared, ``overlap``:
        ``with`` (the reference history), ``days``, ``first``, ``last``, ``revised`` and
        ``revisions``, a list of ``{date, reference, refreshed}``), ``skipped`` (optional files
        answered 404, with the reason); plus ``folder``, the data folder.

    Raises
    ------
    RefreshError
        A file failed a check (the data folder is left as it was).
    ValueError, TypeError
        A bad argument (before any download).
    """
    home = data_folder(data_home)
    _outside_repository(home)
    cboe = _url(cboe_url, "cboe_url", "VRP_CBOE_URL", CBOE_URL)
    fred = _url(fred_url, "fred_url", "VRP_FRED_URL", FRED_URL)
    timeout = _checks.positive(timeout, "timeout")
    attempts = _checks.integer(attempts, "attempts", minimum=1)
    max_wait = _checks.nonnegative(max_wait, "max_wait")
    for arg, value, most in (("timeout", timeout, MAX_TIMEOUT), ("attempts", attempts, MAX_ATTEMPTS),
                             ("max_wait", max_wait, MAX_WAIT)):
        if value > most:
            raise ValueError(f"{arg} must be at most {most:g}, got {value:g} (a refresh must end, or fail, "
                             "in bounded time)")
    if progress is not None and not callable(progress):
        raise _checks.ArgumentTypeError(f"progress must be a callable taking one line of text, or None, got "
                                        f"{_checks._what(progress)}")
    home.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=_TMP_PREFIX, dir=home))
    try:
        files, skipped = _download_all(tmp, cboe, fred, timeout, attempts, max_wait, progress)
        manifest = {"format": 1, "refreshed": _now(), "licence": LICENCE, "files": files, "skipped": skipped}
        _commit(home, tmp, manifest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    revised = {f: e["overlap"]["revised"] for f, e in files.items() if e.get("overlap", {}).get("revised")}
    line = f"refresh: {len(files)} files kept in {home}" + (f", {len(skipped)} skipped" if skipped else "")
    _say(progress, line + (f"; revisions reported, not taken: {revised}" if revised else ""))
    return {**manifest, "folder": str(home)}


def _download_all(tmp: Path, cboe: str, fred: str, timeout: float, attempts: int, max_wait: float,
                  progress) -> tuple[dict, dict]:
    files, skipped, closes = {}, {}, {}
    for name, (_, _, required, _) in SERIES.items():
        file, address = _address(name, cboe, fred)
        try:
            raw, ctype = _fetch(address, timeout, attempts, max_wait)
            fetched = _now()
            df = _parse(raw, name, ctype)
            closes[name] = _close(df, name)
            entry = {"name": name, "address": address, "fetched": fetched,
                     "sha256": hashlib.sha256(raw).hexdigest(), "bytes": len(raw), "rows": len(df),
                     "values": int(np.isfinite(df.to_numpy()).all(axis=1).sum()),
                     "first": str(df.index[0].date()), "last": str(df.index[-1].date()),
                     "columns": list(df.columns)}
            reference = _embedded(name) if name != "vixcls" else (closes["vix"], "the refreshed Cboe VIX")
            if reference is not None:
                entry["overlap"] = _compare(closes[name], *reference)
        except _NotFound as exc:
            if required:
                raise RefreshError(file, address, f"{exc} - a required series") from None
            skipped[file] = {"name": name, "address": address, "reason": str(exc)}
            _say(progress, f"refresh: {file}: skipped (optional; {exc} at {address})")
            continue
        except _Bad as exc:
            raise RefreshError(file, address, str(exc)) from None
        (tmp / file).write_bytes(raw)
        files[file] = entry
        _say(progress, _line(file, entry))
    return files, skipped


def _line(file: str, entry: dict) -> str:
    text = (f"refresh: {file}: {entry['rows']:,} rows, {entry['first']} to {entry['last']}, "
            f"{entry['bytes'] / 1000:,.0f} kB from {entry['address']}")
    overlap = entry.get("overlap")
    if overlap:
        agree = overlap["days"] - overlap["revised"]
        text += f"; agrees with {overlap['with']} on {agree:,} of {overlap['days']:,} days"
        if overlap["revised"]:
            text += f", {overlap['revised']} revised (reported in the manifest, not taken)"
    return text


def _commit(home: Path, tmp: Path, manifest: dict) -> None:
    """Move the checked files into place, then the manifest, then drop files no longer listed."""
    old = _read_manifest(home, missing_ok=True) or {}
    for file in manifest["files"]:
        os.replace(tmp / file, home / file)
    (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp / MANIFEST, home / MANIFEST)
    for file in set(old.get("files", {})) - set(manifest["files"]):
        (home / file).unlink(missing_ok=True)


# ---------------------------------------------------------------------------------------
# loading


def _read_manifest(home: Path, missing_ok: bool = False) -> dict | None:
    path = home / MANIFEST
    if not path.is_file():
        if missing_ok:
            return None
        raise ValueError(f"no refreshed data in {home} (no {MANIFEST}): {HINT}; the book's default is the "
                         "embedded data")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        manifest["files"].items()
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        if missing_ok:
            return None
        raise ValueError(f"{path} is not a refresh manifest ({exc}); {HINT} again") from None
    return manifest


def load_latest(name: str, *, data_home: str | os.PathLike | None = None) -> pd.Series | pd.DataFrame:
    """The refreshed history of one series, as the loaders of :mod:`vrp_lib.data` return it.

    Parameters
    ----------
    name : str
        ``"vix"``, ``"vix9d"``, ``"vix3m"``, ``"vix6m"``, ``"vixcls"`` (closes in vol points,
        a Series named ``name``), ``"vix_ohlc"`` (``open, high, low, close``, vol points),
        ``"spx"`` (a DataFrame with the column ``close``, index points, like
        :func:`vrp_lib.data.load_spx`), ``"dtb3"``, ``"dgs3mo"`` (percent a year).
    data_home : str or os.PathLike, optional
        The data folder (default :func:`data_folder`).

    Returns
    -------
    pandas.Series or pandas.DataFrame
        The refreshed rows only, indexed by a sorted, unique ``DatetimeIndex`` named ``date``;
        FRED's missing values (holidays) are dropped. Extend the embedded history with
        :func:`extend`.

    Raises
    ------
    ValueError
        No refresh has been run (``run make refresh``), the series was skipped or not fetched,
        or its file no longer matches the manifest's sha256.
    """
    name = _checks.choice(name, "name", NAMES)
    home = data_folder(data_home)
    manifest = _read_manifest(home)
    series = "vix" if name == "vix_ohlc" else name
    listed = {e.get("name"): f for f, e in manifest["files"].items()}
    if series not in listed:
        skipped = {e.get("name"): e for e in manifest.get("skipped", {}).values()}
        why = "is not in the last refresh"
        if series in skipped:
            note = skipped[series]
            why = f"was skipped by the last refresh ({note['reason']} at {note['address']})"
        raise ValueError(f"name: {name!r} {why}; {HINT} again later")
    file = listed[series]
    path = home / file
    if not path.is_file():
        raise ValueError(f"name: {name!r}: {path} is missing though the manifest lists it; {HINT} again")
    raw = path.read_bytes()
    if hashlib.sha256(raw).hexdigest() != manifest["files"][file].get("sha256"):
        raise ValueError(f"name: {name!r}: {path} does not match the sha256 in {MANIFEST} (changed by hand "
                         f"or an interrupted refresh); {HINT} again")
    try:
        df = _parse(raw, series)
    except _Bad as exc:
        raise ValueError(f"name: {name!r}: {path} no longer passes the refresh checks ({exc}); "
                         f"{HINT} again") from None
    if name == "vix_ohlc":
        if list(df.columns) != ["open", "high", "low", "close"]:
            raise ValueError(f"name: 'vix_ohlc': {file} has the single column {list(df.columns)}, not OHLC; "
                             "use name='vix'")
        return df
    if name == "spx":
        return _close(df, "close").to_frame()
    return _close(df, name)


def _dated(x, name: str):
    out = _checks.frame(x, name) if isinstance(x, pd.DataFrame) else _checks.series(x, name)
    v = out.to_numpy().reshape(len(out), -1)
    bad = ~np.isfinite(v).all(axis=1)
    if bad.any():
        raise ValueError(f"{name}: missing or infinite value on {out.index[bad][0].date()}; drop missing "
                         "rows first (load_latest does)")
    return out


def extend(embedded: pd.Series | pd.DataFrame,
           refreshed: pd.Series | pd.DataFrame) -> pd.Series | pd.DataFrame:
    """The embedded history followed by the refreshed rows after its last date.

    The embedded values win on every date they cover; the refreshed ones must agree with them
    on the common dates (within :data:`REL_TOL` relative, on all but :data:`REVISION_SHARE` of
    the days: the revisions the refresh reported), and there must be at least one common date,
    so that no gap opens between the two.

    Parameters
    ----------
    embedded : pandas.Series or pandas.DataFrame
        The embedded history (e.g. :func:`vrp_lib.data.load_vix`), no missing value.
    refreshed : pandas.Series or pandas.DataFrame
        The refreshed history (:func:`load_latest`), of the same kind; a DataFrame needs the
        embedded columns (others are dropped).

    Returns
    -------
    pandas.Series or pandas.DataFrame
        In the embedded history's units and name (or columns), dates named ``date``.

    Raises
    ------
    ValueError
        A bad or mismatched input, no common date, or a refreshed history that disagrees with the
        embedded one on more than :data:`REVISION_SHARE` of the common days.
    """
    emb = _dated(embedded, "embedded")
    ref = _dated(refreshed, "refreshed")
    if isinstance(emb, pd.DataFrame) != isinstance(refreshed, pd.DataFrame):
        kinds = {True: "a DataFrame", False: "a Series"}
        raise _checks.ArgumentTypeError(
            f"refreshed is {kinds[isinstance(refreshed, pd.DataFrame)]} and embedded "
            f"{kinds[isinstance(embedded, pd.DataFrame)]}: pass the same kind")
    if isinstance(emb, pd.DataFrame):
        missing = [c for c in emb.columns if c not in ref.columns]
        if missing:
            raise ValueError(f"refreshed lacks the embedded column(s) {missing}")
        ref = ref[list(emb.columns)]
    _checks.overlap(emb, ref, "embedded", "refreshed")
    pairs = [(emb[c], ref[c]) for c in emb.columns] if isinstance(emb, pd.DataFrame) else [(emb, ref)]
    for old, new in pairs:
        try:
            _compare(new, old, "embedded", new_name="refreshed")
        except _Bad as exc:
            raise ValueError(str(exc)) from None
    tail = ref[ref.index > emb.index[-1]]
    if isinstance(emb, pd.Series):
        tail = tail.rename(emb.name)
    out = pd.concat([emb, tail])
    out.index.name = "date"
    return out


# ---------------------------------------------------------------------------------------
# command line


def _main(argv=None) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m vrp_lib.refresh",
        description="Download today's Cboe VIX (and VIX9D, VIX3M, VIX6M) and FRED (SP500, VIXCLS, DTB3, "
                    "DGS3MO) daily histories into your own data folder, checked against the embedded data. "
                    + LICENCE)
    parser.add_argument("--data-home", default=None, help="data folder (default: VRP_DATA_HOME or "
                        "platformdirs.user_data_dir('vrp-book'))")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per connection and read (30)")
    parser.add_argument("--max-wait", type=float, default=60.0, help="longest Retry-After respected, s (60)")
    parser.add_argument("--attempts", type=int, default=4, help="tries per file on HTTP 429 (4)")
    args = parser.parse_args(argv)
    try:
        refresh(data_home=args.data_home, timeout=args.timeout, attempts=args.attempts,
                max_wait=args.max_wait)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(_main())
