"""The volatility risk premium in its practical form, ``VRP_t = IV_t - RV_{t,t+T}``.

The implied volatility quoted at the close of day t is set against the volatility
realized over the following ``window`` trading days (days t+1 .. t+window), never a
window that overlaps t or lies before it: only then is the spread the outcome of
selling volatility at t and delivering it afterwards.

Units: volatilities in annualized vol points; the variance form in vol points squared.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import _checks
from .realized import TRADING_DAYS, forward_realized_vol

SUMMARY_FIELDS = ("avg_implied", "avg_realized", "avg_vrp", "hit_rate", "n")


def aligned(implied_vol, prices, window: int = 21, annualization: float = TRADING_DAYS) -> pd.DataFrame:
    """Implied volatility next to the forward realized volatility that followed it.

    Parameters
    ----------
    implied_vol : pandas.Series
        Annualized implied volatility in vol points (e.g. the VIX), DatetimeIndex.
    prices : pandas.Series
        Daily prices of the underlying, DatetimeIndex.
    window : int
        Forward window in trading days.

    Returns
    -------
    pandas.DataFrame
        Columns ``implied``, ``realized`` (vol points) on the dates where both the implied
        value and the full forward window exist, index named ``date``.

    Raises
    ------
    ValueError
        If the two series share no date, or no shared date has a complete forward window.
    """
    iv = _checks.vols(implied_vol, "implied_vol")
    rv = forward_realized_vol(prices, window=window, annualization=annualization)
    common = _checks.overlap(iv, rv, "implied_vol", "prices")
    df = pd.DataFrame({"implied": iv.reindex(common), "realized": rv.reindex(common)})
    df = df.dropna()
    if df.empty:
        raise ValueError(
            f"no date has both an implied value and a complete {window}-day forward window"
        )
    df.index.name = "date"
    return df


def vrp(implied_vol, prices, window: int = 21, form: str = "vol",
        annualization: float = TRADING_DAYS) -> pd.Series:
    """Daily volatility risk premium series.

    Parameters
    ----------
    implied_vol, prices, window, annualization
        As in :func:`aligned`.
    form : {"vol", "variance"}
        ``"vol"``: ``IV_t - RV_{t,t+window}`` in vol points.
        ``"variance"``: ``IV_t**2 - RV_{t,t+window}**2`` in vol points squared
        (divide by 10,000 for decimal variance).

    Returns
    -------
    pandas.Series
        Named ``vrp`` (vol points) or ``vrp_variance`` (vol points squared).
    """
    df = aligned(implied_vol, prices, window=window, annualization=annualization)
    if form == "vol":
        out = df["implied"] - df["realized"]
        out.name = "vrp"
    elif form == "variance":
        out = df["implied"] ** 2 - df["realized"] ** 2
        out.name = "vrp_variance"
    else:
        raise ValueError(f"form must be 'vol' or 'variance', got {form!r}")
    return out


def summary(implied_vol, prices, window: int = 21, annualization: float = TRADING_DAYS) -> pd.Series:
    """Averages of implied, realized and their spread, and how often the spread is positive.

    Returns
    -------
    pandas.Series
        ``avg_implied``, ``avg_realized``, ``avg_vrp`` (vol points), ``hit_rate`` (the
        fraction of dates with ``IV_t > RV_{t,t+window}``, in [0, 1]) and ``n`` (number of
        dates used), over the dates where the implied value and the full forward window
        both exist.
    """
    df = aligned(implied_vol, prices, window=window, annualization=annualization)
    spread = df["implied"] - df["realized"]
    return pd.Series(
        {
            "avg_implied": float(df["implied"].mean()),
            "avg_realized": float(df["realized"].mean()),
            "avg_vrp": float(spread.mean()),
            "hit_rate": float((spread > 0).mean()),
            "n": int(len(df)),
        },
        name=f"{window}d",
        dtype=object,
    )


def summary_table(implied_vol, prices, windows=(21, 42, 63), labels=None,
                  annualization: float = TRADING_DAYS) -> pd.DataFrame:
    """:func:`summary` for several windows, shaped like a published VRP table.

    Parameters
    ----------
    windows : sequence of int
        Forward windows in trading days.
    labels : sequence of str, optional
        Row labels; by default ``"21-day"`` etc.

    Returns
    -------
    pandas.DataFrame
        One row per window (index ``Window``) with columns ``Avg implied vol``,
        ``Avg realized vol``, ``Avg VRP (vol pts)``, ``Hit rate (VRP > 0)`` and ``n``.
    """
    windows = list(windows)
    if not windows:
        raise ValueError("windows: give at least one window")
    if labels is None:
        labels = [f"{w}-day" for w in windows]
    if len(labels) != len(windows):
        raise ValueError(f"labels: {len(labels)} labels for {len(windows)} windows")
    rows = [summary(implied_vol, prices, window=w, annualization=annualization) for w in windows]
    table = pd.DataFrame(
        {
            "Avg implied vol": [r["avg_implied"] for r in rows],
            "Avg realized vol": [r["avg_realized"] for r in rows],
            "Avg VRP (vol pts)": [r["avg_vrp"] for r in rows],
            "Hit rate (VRP > 0)": [r["hit_rate"] for r in rows],
            "n": [r["n"] for r in rows],
        },
        index=pd.Index(labels, name="Window"),
    )
    return table


def distribution(vrp_series) -> pd.Series:
    """Shape of a VRP series: mean, median, standard deviation, skewness, quantiles, extremes.

    Parameters
    ----------
    vrp_series : pandas.Series
        A VRP series (vol points), e.g. from :func:`vrp`; NaNs are an error.

    Returns
    -------
    pandas.Series
        ``mean``, ``median``, ``std``, ``skew`` (sample skewness, bias-adjusted as pandas
        computes it), ``p05``, ``p95``, ``min``, ``max``, ``hit_rate``, ``n``.
    """
    s = _checks.series(vrp_series, "vrp_series")
    if s.isna().any():
        raise ValueError(f"vrp_series: NaN on {s.index[s.isna().to_numpy()][0].date()}")
    return pd.Series(
        {
            "mean": s.mean(),
            "median": s.median(),
            "std": s.std(),
            "skew": s.skew(),
            "p05": s.quantile(0.05),
            "p95": s.quantile(0.95),
            "min": s.min(),
            "max": s.max(),
            "hit_rate": float((s > 0).mean()),
            "n": float(len(s)),
        }
    )


def worst_months(vrp_series, n: int = 5) -> pd.DataFrame:
    """The calendar months with the lowest average VRP.

    Returns
    -------
    pandas.DataFrame
        Columns ``avg_vrp`` (vol points), ``min_vrp`` and ``days``, index the month
        (``YYYY-MM``), lowest average first.
    """
    s = _checks.series(vrp_series, "vrp_series")
    k = _checks.window(n, "n")
    g = s.groupby(s.index.to_period("M"))
    out = pd.DataFrame({"avg_vrp": g.mean(), "min_vrp": g.min(), "days": g.size()})
    out.index = out.index.astype(str)
    out.index.name = "month"
    return out.sort_values("avg_vrp").head(k)


def monthly_samples(vrp_series, window: int = 21) -> pd.Series:
    """Every ``window``-th observation of a daily VRP series: non-overlapping outcomes.

    Daily VRP values with a 21-day forward window overlap by 20 days, so their count
    overstates the number of independent outcomes; sampling every 21st day gives one
    outcome per holding period.
    """
    s = _checks.series(vrp_series, "vrp_series")
    w = _checks.window(window)
    return s.iloc[::w]
