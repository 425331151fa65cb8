"""Specification bands: a verdict over the analyst's defensible choices, not one of them.

A backtest's headline is one choice among several defensible ones, and the spread across
those choices (the *specification* error) can exceed the sampling error the standard error
shows. This module runs the monthly short variance swap on every roll calendar an analyst
could defend and summarizes the result as a band:

* the ``window`` **offsets** of a fixed ``window``-day roll (:func:`vrp_lib.strategies.rolls`);
* **calendar-month** rolls: sold at the close of the last trading day of each month, settled
  at the close of the next one (:func:`month_end_dates`);
* **expiry to expiry**: sold at the close of each monthly option expiry (the third Friday,
  or the trading day before it when it is a holiday) and settled at the next, as Cboe's PUT
  and BXM indexes roll (:func:`third_fridays`);
* the **daily ladder**: ``1 / window`` of the position sold every day and held to
  settlement, all offsets at once (:func:`vrp_lib.regimes.ladder_pnl`), summed by month.

A roll between two dates ``t0 < t1`` holding ``n`` daily returns settles on
``RV = 100 sqrt(annualization / n * sum r^2)`` (vol points), the fixed-window formula of
:func:`vrp_lib.realized.forward_realized_vol` with ``n`` the roll's own length; its strike is
the VIX at ``t0`` (a 30-calendar-day level: a proxy for rolls of 20 to 25 trading days).

Units: implied and realized volatility in vol points; P&L per unit of vega notional in vol
points; Sharpe ratios annualized with 12 periods a year (every variant here rolls monthly).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import _checks as ck
from . import realized, regimes, risk
from . import strategies as st
from .realized import TRADING_DAYS

__all__ = ["month_end_dates", "third_fridays", "schedule_rolls", "calendar_variants", "band",
           "BAND_COLUMNS"]

#: Columns of :func:`calendar_variants`.
BAND_COLUMNS = ("Rolls", "Mean P&L (vol points a year)", "Sharpe ratio (annualized)",
                "SE of Sharpe (block bootstrap)", "Worst roll (vol points)", "Worst roll opened")


def _trading_days(dates, name: str = "dates") -> pd.DatetimeIndex:
    if not isinstance(dates, pd.DatetimeIndex):
        raise ck.ArgumentTypeError(f"{name}: expected a DatetimeIndex of trading days, got {ck._what(dates)}")
    ck._date_index(dates, name)
    if len(dates) < 2:
        raise ValueError(f"{name}: need at least 2 trading days, got {len(dates)}")
    return dates


def month_end_dates(dates) -> pd.DatetimeIndex:
    """The last trading day of each calendar month in ``dates``.

    Parameters
    ----------
    dates : pandas.DatetimeIndex
        Trading days: sorted, unique, timezone-naive.

    Returns
    -------
    pandas.DatetimeIndex
        One date per calendar month (the last month's last date even if the month is cut).
    """
    d = _trading_days(dates)
    last = pd.Series(d, index=d).groupby(d.to_period("M")).max()
    return pd.DatetimeIndex(last.to_numpy(), name="roll date")


def third_fridays(dates) -> pd.DatetimeIndex:
    """The monthly option expiry in each month of ``dates``: the third Friday, or the last
    trading day before it when the exchange is closed that Friday (as on Good Friday).

    Parameters
    ----------
    dates : pandas.DatetimeIndex
        Trading days: sorted, unique, timezone-naive.

    Returns
    -------
    pandas.DatetimeIndex
        One trading day per month whose third Friday lies within ``dates``' span.
    """
    d = _trading_days(dates)
    months = pd.period_range(d[0], d[-1], freq="M")
    first = months.to_timestamp()
    third = first + pd.to_timedelta((4 - first.day_of_week) % 7 + 14, unit="D")
    third = third[(third >= d[0]) & (third <= d[-1])]
    pos = d.searchsorted(third, side="right") - 1  # the expiry or the trading day before
    return pd.DatetimeIndex(d[pos], name="roll date").unique()


def schedule_rolls(implied_vol, prices, roll_dates, annualization: float = TRADING_DAYS) -> pd.DataFrame:
    """Rolls between consecutive roll dates, each settled on its own number of returns.

    Parameters
    ----------
    implied_vol : pandas.Series
        Implied volatility in vol points (the VIX), on sorted, unique, naive dates; NaN
        allowed on days without a quote (a roll date without one is skipped).
    prices : pandas.Series
        Daily closes of the underlying.
    roll_dates : pandas.DatetimeIndex
        Sorted, unique dates of ``prices``: a roll opens at the close of each and settles at
        the close of the next.
    annualization : float
        Trading days per year, in ``[1, 8784]``.

    Returns
    -------
    pandas.DataFrame
        Indexed by the opening date (``date``): ``implied`` (vol points), ``realized`` (vol
        points, over the roll's own returns), ``days`` (returns in the roll), ``spot`` and
        ``spot_end``; as :func:`vrp_lib.strategies.rolls` for a fixed calendar.
    """
    iv = ck.vols(implied_vol, "implied_vol")
    ck.vol_points(iv.to_numpy(), "implied_vol")
    p = ck.prices(prices)
    ck.overlap(iv, p, "implied_vol", "prices")
    ann = risk._per_year(annualization, "annualization")
    rd = _trading_days(roll_dates, "roll_dates")
    missing = rd.difference(p.index)
    if len(missing):
        raise ValueError(f"roll_dates: {missing[0].date()} is not a date of prices")
    pos = p.index.get_indexer(rd)
    r2 = np.concatenate([[0.0], np.diff(np.log(p.to_numpy())) ** 2])
    c = np.cumsum(r2)
    n = np.diff(pos)
    rv = 100.0 * np.sqrt(ann / n * (c[pos[1:]] - c[pos[:-1]]))
    out = pd.DataFrame({"implied": iv.reindex(rd[:-1]).to_numpy(), "realized": rv, "days": n,
                        "spot": p.to_numpy()[pos[:-1]], "spot_end": p.to_numpy()[pos[1:]]},
                       index=pd.DatetimeIndex(rd[:-1], name="date"))
    out = out.dropna()
    if len(out) < 2:
        raise ValueError("roll_dates: fewer than two complete rolls with an implied value")
    return out


def _row(pnl: pd.Series, boot) -> list:
    a = pnl.to_numpy()
    if a.size < boot.block:
        raise ValueError(f"block ({boot.block}) is longer than the rolls ({a.size})")
    return [len(a), 12.0 * a.mean(), risk.sharpe(a, 12), boot.sharpe(a, 12), float(a.min()),
            pnl.idxmin()]


def calendar_variants(implied_vol, prices, costs=None, window: int = 21, block: int = 12,
                      n_boot: int = 1000, seed: int = 0) -> pd.DataFrame:
    """The monthly short variance swap on every defensible roll calendar.

    Parameters
    ----------
    implied_vol : pandas.Series
        Implied volatility in vol points (the VIX); days without a quote may be missing
        (filled from the previous quote for the daily ladder only).
    prices : pandas.Series
        Daily closes of the underlying (the S&P 500), on the trading days.
    costs : vrp_lib.strategies.Costs, optional
        Trading costs (none by default). The ladder pays the give-up on every tranche and
        the fee once a month (its tranches add up to one position a month).
    window : int
        Trading days of a fixed roll (21) and the number of offsets.
    block, n_boot, seed : int
        Moving-block bootstrap of each Sharpe ratio (12 months).

    Returns
    -------
    pandas.DataFrame
        One row per variant: ``offset 0`` .. ``offset <window - 1>``, ``calendar month``,
        ``third Friday`` and ``daily ladder``, with :data:`BAND_COLUMNS`: the number of rolls
        (months for the ladder), the mean P&L per unit of vega notional (vol points a year),
        the annualized Sharpe ratio and its block-bootstrap SE, the worst roll (vol points)
        and the date it opened (the month for the ladder).
    """
    iv = ck.vols(implied_vol, "implied_vol")
    ck.vol_points(iv.to_numpy(), "implied_vol")
    p = ck.prices(prices)
    ck.overlap(iv, p, "implied_vol", "prices")
    w = ck.integer(window, "window", 2)
    ck.long_enough(len(p), 4 * w, "prices", window_value=w, detail="three rolls on every offset")
    c = st._costs(costs)
    b = ck.integer(block, "block", 1)
    nb, sd = ck.integer(n_boot, "n_boot", 2), ck.integer(seed, "seed", 0)
    boot = regimes._BootSE(b, nb, sd)   # the draws built once per length, shared by the rows
    quoted = iv.dropna()
    ck.long_enough(len(quoted), 4 * w, "implied_vol", what="quotes", window_value=w,
                   detail="three rolls on every offset")
    rows = {}
    for k in range(w):
        rl = st.rolls(quoted, p, window=w, offset=k)
        pnl = st.short_variance_swap(rl["implied"], rl["realized"], 1.0, costs=c)
        rows[f"offset {k}"] = _row(pnl, boot)
    span = p.index[(p.index >= quoted.index[0]) & (p.index <= quoted.index[-1])]
    for name, dates in (("calendar month", month_end_dates(span)), ("third Friday", third_fridays(span))):
        rl = schedule_rolls(quoted, p, dates)
        pnl = st.short_variance_swap(rl["implied"], rl["realized"], 1.0, costs=c)
        rows[name] = _row(pnl, boot)
    filled = quoted.reindex(p.index).ffill().loc[quoted.index[0]:]
    pp = p.loc[filled.index]
    r2 = np.concatenate([[0.0], np.diff(np.log(pp.to_numpy())) ** 2])
    hold, _ = regimes.swap_values(filled.to_numpy(), r2, w, c.vol_give_up)
    n = hold.shape[0]
    daily = regimes.ladder_pnl(hold, hold, np.ones(n, dtype=bool), np.full(n, w))
    month = regimes.monthly_sum(daily, pp.index[:len(daily)])
    rows["daily ladder"] = _row(month - c.fee, boot)
    out = pd.DataFrame.from_dict(rows, orient="index", columns=list(BAND_COLUMNS))
    out["Rolls"] = out["Rolls"].astype(int)
    out.index.name = "Roll calendar"
    return out


def band(values, headline=None) -> pd.Series:
    """A band over defensible choices: min, median, max and mean, and where a headline sits.

    Parameters
    ----------
    values : array_like or pandas.Series
        One result per choice (e.g. the Sharpe ratio on each roll calendar), finite, at least 2.
    headline : float, optional
        The figure a text quotes; reported with its rank among the choices.

    Returns
    -------
    pandas.Series
        ``choices`` (int), ``min``, ``median`` (the robust headline), ``max``, ``mean`` and,
        with ``headline``: ``headline``, ``inside`` (bool: within ``[min, max]``) and
        ``share below`` (fraction of choices below the headline).
    """
    v = ck.array(values, "values", ndim=1, min_size=2)
    out = {"choices": int(v.size), "min": float(v.min()), "median": float(np.median(v)),
           "max": float(v.max()), "mean": float(v.mean())}
    if headline is not None:
        h = ck.finite(headline, "headline")
        out.update({"headline": h, "inside": bool(v.min() <= h <= v.max()),
                    "share below": float((v < h).mean())})
    return pd.Series(out, dtype=object)
