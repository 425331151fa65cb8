"""Realized volatility: what the market actually delivered.

Conventions
-----------
* Returns are daily log returns, ``r_t = ln(P_t / P_{t-1})``, dated at the close of day t.
* Realized variance over n days is the sum of squared returns, *not* demeaned, as a
  variance swap settles it.
* Volatility is annualized and in **vol points** (15.5 means 15.5 % a year), with
  ``annualization`` trading days a year (252 by default).
* A *forward* measure dated t uses returns strictly after t (days t+1 .. t+n): it is what
  an option bought at the close of day t is exposed to. A *trailing* measure dated t uses
  days t-n+1 .. t: it is what was known at t.
* Inputs are checked (:mod:`vrp_lib._checks`): prices finite and positive on a sorted,
  unique, timezone-naive DatetimeIndex; windows integers of at least 1 and no longer than
  the data allow (a window of n returns needs n + 1 prices: a window longer than the data
  raises instead of returning an all-NaN series); ``annualization`` a positive number of
  periods a year, at most :data:`vrp_lib._checks.PERIODS_PER_YEAR_MAX` (one a minute).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import _checks

__all__ = [
    "TRADING_DAYS", "log_returns", "forward_realized_vol", "trailing_realized_vol", "realized_vol",
    "parkinson_vol", "garman_klass_vol", "return_vol_change_correlation",
]

#: Trading days per year used to annualize by default.
TRADING_DAYS = 252


def log_returns(prices) -> pd.Series:
    """Daily log returns ``ln(P_t / P_{t-1})``, dated t; the first date is dropped.

    Parameters
    ----------
    prices : pandas.Series
        Positive prices (any currency or index points) with a sorted, unique, naive
        DatetimeIndex; at least two.

    Returns
    -------
    pandas.Series
        Daily log returns as decimals (0.01 is about 1 %), not annualized, named
        ``return``.

    Raises
    ------
    ValueError
        Bad prices (NaN, inf, non-positive, unsorted or duplicated dates, tz-aware
        index) or fewer than two prices.
    """
    p = _checks.prices(prices)
    if len(p) < 2:
        raise ValueError("prices: need at least two prices to form a return")
    r = np.log(p).diff().iloc[1:]
    r.name = "return"
    r.index.name = "date"
    return r


def _window_sums(x: np.ndarray, w: int) -> np.ndarray:
    """Sums of ``w`` consecutive values, ``x[i] + ... + x[i + w - 1]`` for ``i = 0 .. len(x) - w``.

    Built by binary doubling (sums of 1, 2, 4, ... values, those of the bits of ``w``
    added): O(n log w) vector additions and no running total subtracted, so a window of
    non-negative values (squared returns) is summed to within about ``2 log2(w)`` machine
    epsilons, relative (a cumulative sum differenced, ``c[t + w] - c[t]``, loses the digits
    of everything summed before ``t``: a calm month after a crash).
    """
    n = x.size
    out, taken = None, 0       # out[i] = x[i] + ... + x[i + taken - 1]
    block, size = x, 1         # block[i] = x[i] + ... + x[i + size - 1]
    while True:
        if w & size:
            if out is None:
                out, taken = block, size
            else:
                m = n - taken - size + 1
                out, taken = out[:m] + block[taken:taken + m], taken + size
        if 2 * size > w:
            return out
        block, size = block[:-size] + block[size:], 2 * size


def _realized_values(prices, window, annualization, detail: str = ""):
    """Checked prices and the annualized realized vol of each complete window (vol points),
    in date order of the window's first return, with the window and annualization read."""
    w = _checks.window(window)
    a = _checks.periods_per_year(annualization, "annualization")
    p = _checks.prices(prices)
    _checks.long_enough(len(p), w + 1, "prices", window_value=w, detail=detail)
    r2 = np.diff(np.log(p.to_numpy())) ** 2   # r2[k] is the squared return of date k + 1
    return p, w, 100.0 * np.sqrt(a / w * _window_sums(r2, w))


def _dated(values: np.ndarray, at: int, p: pd.Series, name: str) -> pd.Series:
    """``values`` placed from position ``at`` on p's dates (NaN elsewhere), as a named Series."""
    out = np.full(len(p), np.nan)
    out[at:at + values.size] = values
    index = p.index if p.index.name == "date" else p.index.rename("date")
    return pd.Series(out, index=index, name=name, copy=False)


def forward_realized_vol(prices, window: int = 21, annualization: float = TRADING_DAYS) -> pd.Series:
    """Realized volatility over the ``window`` trading days *after* each date.

    ``RV_t = 100 * sqrt(annualization / window * sum_{i=1..window} r_{t+i}^2)``

    Parameters
    ----------
    prices : pandas.Series
        Positive daily prices with a sorted, unique DatetimeIndex.
    window : int
        Number of daily returns in the window, in trading days (21 is about one
        calendar month); ``prices`` must hold at least ``window + 1`` prices.
    annualization : float
        Trading days per year used to annualize.

    Returns
    -------
    pandas.Series
        Annualized realized volatility in vol points, aligned at t, named
        ``realized_vol``; NaN for the last ``window`` dates, where fewer than
        ``window`` returns follow.

    Raises
    ------
    ValueError
        Bad prices, a window that is not a positive integer or longer than the data
        allow, a non-positive ``annualization``.
    """
    p, w, vol = _realized_values(prices, window, annualization,
                                 detail="no date would have a complete forward window")
    # the window of returns r_{t+1} .. r_{t+w} starts at r2[t]: dated t
    return _dated(vol, 0, p, "realized_vol")


def trailing_realized_vol(prices, window: int = 21, annualization: float = TRADING_DAYS) -> pd.Series:
    """Realized volatility over the ``window`` trading days up to and including each date.

    ``RV_t = 100 * sqrt(annualization / window * sum_{i=0..window-1} r_{t-i}^2)``

    Parameters
    ----------
    prices : pandas.Series
        Positive daily prices with a sorted, unique, naive DatetimeIndex; at least
        ``window + 1``.
    window : int
        Number of daily returns in the window, in trading days.
    annualization : float
        Trading days per year used to annualize.

    Returns
    -------
    pandas.Series
        Annualized realized volatility in vol points, named ``trailing_vol``; NaN for the
        first ``window`` dates.

    Raises
    ------
    ValueError
        As :func:`forward_realized_vol`.
    """
    p, w, vol = _realized_values(prices, window, annualization)
    # the window of returns r_{t-w+1} .. r_t starts at r2[t - w]: dated t
    return _dated(vol, w, p, "trailing_vol")


def realized_vol(returns, annualization: float = TRADING_DAYS) -> float:
    """Annualized realized volatility of one block of daily log returns, in vol points.

    ``100 * sqrt(annualization / n * sum r_i^2)``: the settlement formula of a variance
    swap with n observations.

    Parameters
    ----------
    returns : array or pandas.Series
        Daily log returns as decimals (0.01 is about 1 %), one window.
    annualization : float
        Trading days per year.

    Returns
    -------
    float
        Annualized realized volatility in vol points.

    Raises
    ------
    ValueError
        If ``returns`` is empty or contains NaN or inf (or is not numbers: a
        :class:`TypeError`).
    """
    a = _checks.periods_per_year(annualization, "annualization")
    r = _checks.array(returns, "returns", ndim=1)
    return float(100.0 * np.sqrt(a / r.size * np.sum(r**2)))


def _ohlc(ohlc, need: tuple[str, ...], window: int) -> pd.DataFrame:
    ohlc = _checks.frame(ohlc, "ohlc", columns=need)
    for c in need:
        _checks.prices(ohlc[c], f"ohlc['{c}']")
    _checks.long_enough(len(ohlc), window, "ohlc", what="days", window_value=window)
    if (ohlc["high"] < ohlc["low"]).any():
        d = ohlc.index[(ohlc["high"] < ohlc["low"]).to_numpy()][0]
        raise ValueError(f"ohlc: high below low on {d.date()}")
    return ohlc


def parkinson_vol(ohlc, window: int = 21, annualization: float = TRADING_DAYS) -> pd.Series:
    """Parkinson (1980) range-based volatility, trailing ``window`` days, in vol points.

    Daily variance estimate ``(ln(H/L))^2 / (4 ln 2)``, averaged over the window and
    annualized. It ignores overnight gaps, so on an index with opening jumps it is
    biased low relative to close-to-close volatility.

    Parameters
    ----------
    ohlc : pandas.DataFrame
        Columns ``high`` and ``low`` (positive prices), sorted unique naive
        DatetimeIndex; at least ``window`` rows.
    window : int
        Trading days in the trailing window.
    annualization : float
        Trading days per year.

    Returns
    -------
    pandas.Series
        Annualized volatility in vol points, named ``parkinson_vol``; NaN for the first
        ``window - 1`` dates.
    """
    w = _checks.window(window)
    a = _checks.periods_per_year(annualization, "annualization")
    d = _ohlc(ohlc, ("high", "low"), w)
    daily = np.log(d["high"] / d["low"]) ** 2 / (4.0 * np.log(2.0))
    out = 100.0 * np.sqrt(a * daily.rolling(w, min_periods=w).mean())
    out.name = "parkinson_vol"
    out.index.name = "date"
    return out


def garman_klass_vol(ohlc, window: int = 21, annualization: float = TRADING_DAYS) -> pd.Series:
    """Garman-Klass (1980) range-based volatility, trailing ``window`` days, in vol points.

    Daily variance estimate ``0.5 (ln H/L)^2 - (2 ln 2 - 1) (ln C/O)^2``, averaged over
    the window and annualized. Like Parkinson it ignores the overnight gap.

    Parameters
    ----------
    ohlc : pandas.DataFrame
        Columns ``open``, ``high``, ``low``, ``close`` (positive prices), sorted unique
        naive DatetimeIndex; at least ``window`` rows.
    window : int
        Trading days in the trailing window.
    annualization : float
        Trading days per year.

    Returns
    -------
    pandas.Series
        Annualized volatility in vol points, named ``garman_klass_vol``; NaN for the
        first ``window - 1`` dates.
    """
    w = _checks.window(window)
    a = _checks.periods_per_year(annualization, "annualization")
    d = _ohlc(ohlc, ("open", "high", "low", "close"), w)
    daily = 0.5 * np.log(d["high"] / d["low"]) ** 2 - (2.0 * np.log(2.0) - 1.0) * np.log(
        d["close"] / d["open"]
    ) ** 2
    out = 100.0 * np.sqrt(a * daily.rolling(w, min_periods=w).mean())
    out.name = "garman_klass_vol"
    out.index.name = "date"
    return out


def return_vol_change_correlation(prices, window: int = 21, freq: str = "ME",
                                  annualization: float = TRADING_DAYS) -> float:
    """Correlation of each period's log return with the change of realized volatility.

    The leverage effect: equity indices show a strongly negative correlation (volatility
    rises when prices fall), commodities a weaker or positive one. Both series are sampled
    at the end of each ``freq`` period (pandas offset alias, monthly by default): the log
    return over the period, and the change over the period of the trailing ``window``-day
    realized volatility (vol points).

    Parameters
    ----------
    prices : pandas.Series
        Positive daily prices, sorted unique naive DatetimeIndex; at least
        ``window + 1``.
    window : int
        Trading days of the trailing realized volatility.
    freq : str
        Pandas offset alias of the sampling period (``"ME"`` month end, ``"W"`` week).
    annualization : float
        Trading days per year.

    Returns
    -------
    float
        Pearson correlation over the periods where both values exist (unit-free).

    Raises
    ------
    ValueError
        Bad prices, window or ``freq``, or fewer than three periods with both values.
    """
    p, w, vol = _realized_values(prices, window, annualization)
    f = _checks.text(freq, "freq")
    try:
        pd.tseries.frequencies.to_offset(f)
    except (TypeError, ValueError):
        raise ValueError(f"freq must be a pandas offset alias such as 'ME' or 'W', got {freq!r}") from None
    period_ret = np.log(p).resample(f).last().diff()
    period_dvol = _dated(vol, w, p, "trailing_vol").resample(f).last().diff()
    both = pd.concat([period_ret, period_dvol], axis=1).dropna()
    if len(both) < 3:
        raise ValueError(f"prices: only {len(both)} periods have both a return and a volatility change; "
                         "need at least 3")
    return float(both.iloc[:, 0].corr(both.iloc[:, 1]))
