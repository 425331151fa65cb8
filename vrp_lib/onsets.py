"""Crisis onsets found by a rule stated before the result, and the premium at each.

A list of crises picked after the fact by their falls selects the result: a forward window
that holds a large fall realizes a high volatility, so the premium "reverses at every onset"
by construction. Here an onset is found by a rule on the index alone, with its numbers as
parameters:

* a **breach** is a close at least ``drop`` (0.10: 10 %) below the highest close of the last
  ``lookback`` trading days (63, about three months; today's close included);
* an **onset** is a breach preceded by ``quiet`` trading days (63) without one.

The rule uses only closes known on the day (it could have been run in real time), and it is
blind to the premium it is then used to measure. :func:`onset_table` measures the premium
at each onset with :func:`vrp_lib.regimes.crisis_table`; :func:`onset_summary` counts the
negative onsets and gives the mean premium with its standard error (onsets at least
``quiet`` days apart are taken as independent).

Units: prices in index points; the premium and the P&L per unit of vega notional in vol
points; windows in trading days.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import _checks as ck
from . import regimes

__all__ = ["breaches", "rule_onsets", "onset_table", "onset_summary", "term_repair", "REPAIR_COLUMNS"]

#: Largest lookback or quiet period accepted, in trading days (ten years).
MAX_DAYS = 2520


def _days(x, name: str, n: int) -> int:
    """A count of trading days in ``[1, MAX_DAYS]`` and below the length ``n`` of the prices."""
    d = ck.integer(x, name, 1)
    if d > MAX_DAYS:
        raise ValueError(f"{name} ({d}) is above {MAX_DAYS} trading days (ten years)")
    if d >= n:
        raise ValueError(f"{name} ({d}) is not shorter than prices ({n} closes)")
    return d


def _drop(x) -> float:
    return ck.in_range(x, "drop", 0.0, 1.0, lo_open=True, hi_open=True)


def breaches(prices, drop: float = 0.10, lookback: int = 63) -> pd.Series:
    """Whether each close lies at least ``drop`` below the highest close of the last ``lookback`` days.

    Parameters
    ----------
    prices : pandas.Series
        Daily closes (index points, positive), sorted, unique, timezone-naive dates.
    drop : float
        The fall from the high, a decimal in (0, 1): 0.10 is 10 %.
    lookback : int
        Trading days of the running high, today's close included (63: about three months).

    Returns
    -------
    pandas.Series of bool
        ``close_t <= (1 - drop) * max(close_{t-lookback+1} .. close_t)``; False on the first
        ``lookback - 1`` dates (no full window yet).
    """
    p = ck.prices(prices, "prices")
    d = _drop(drop)
    lb = _days(lookback, "lookback", len(p))
    v = p.to_numpy(dtype=float)
    high = pd.Series(v).rolling(lb, min_periods=lb).max().to_numpy()
    out = np.zeros(len(v), dtype=bool)
    full = ~np.isnan(high)
    out[full] = v[full] <= (1.0 - d) * high[full]
    return pd.Series(out, index=p.index, name="breach")


def rule_onsets(prices, drop: float = 0.10, lookback: int = 63, quiet: int = 63) -> pd.DataFrame:
    """Onset dates by the rule: the first breach after ``quiet`` trading days without one.

    Parameters
    ----------
    prices : pandas.Series
        Daily closes (index points), sorted, unique, timezone-naive dates.
    drop, lookback
        The breach (:func:`breaches`): a close ``drop`` below the ``lookback``-day high.
    quiet : int
        Trading days without a breach that must precede an onset (63). The first
        ``lookback - 1 + quiet`` dates cannot hold one: their quiet period is not observed.

    Returns
    -------
    pandas.DataFrame
        One row per onset, indexed by its date (``onset``): ``Close`` (index points), the
        ``lookback``-day high (column ``"<lookback>-day high"``) and ``Fall from the high (%)``.
        Empty when the rule finds none.
    """
    b = breaches(prices, drop, lookback)
    lb = _days(lookback, "lookback", len(b))
    q = _days(quiet, "quiet", len(b))
    v = b.to_numpy()
    c = np.concatenate([[0], np.cumsum(v)])
    i = np.flatnonzero(v)
    i = i[i >= lb - 1 + q]
    i = i[c[i] - c[i - q] == 0]  # no breach on days i-q .. i-1
    close = prices.to_numpy(dtype=float)
    high = np.array([close[j - lb + 1:j + 1].max() for j in i], dtype=float)
    out = pd.DataFrame({"Close": close[i], f"{lb}-day high": high,
                        "Fall from the high (%)": 100.0 * (1.0 - close[i] / high)},
                       index=pd.DatetimeIndex(b.index[i], name="onset"))
    return out


def _onset_dates(onsets) -> pd.DatetimeIndex:
    """Onset dates as a sorted, unique, naive DatetimeIndex (refused by name otherwise)."""
    text_or_frame = isinstance(onsets, (str, bytes, pd.DataFrame, pd.Series))
    if text_or_frame or onsets is None or not hasattr(onsets, "__len__"):
        raise ck.ArgumentTypeError(f"onsets: expected a DatetimeIndex of dates, got {ck._what(onsets)}")
    if not isinstance(onsets, pd.DatetimeIndex):
        if any(isinstance(x, (bool, np.bool_, int, float, np.number)) or x is None for x in onsets):
            raise ck.ArgumentTypeError("onsets: expected dates, got numbers, booleans or None")
        try:
            onsets = pd.DatetimeIndex(onsets)
        except (TypeError, ValueError):
            raise ck.ArgumentTypeError("onsets: could not read the values as dates") from None
    if onsets.tz is not None:
        raise ValueError("onsets: dates must be timezone-naive, like frame's")
    if onsets.hasnans:
        raise ValueError("onsets: contains a missing date (NaT)")
    if not onsets.is_monotonic_increasing or not onsets.is_unique:
        raise ValueError("onsets: dates must be sorted and unique")
    return onsets


def onset_table(frame, onsets, window: int = 21, after: int = 63) -> pd.DataFrame:
    """The premium around each onset: :func:`vrp_lib.regimes.crisis_table` on rule-based dates.

    Parameters
    ----------
    frame : pandas.DataFrame
        Output of :func:`vrp_lib.regimes.origin_frame` (vol points).
    onsets : pandas.DatetimeIndex or sequence of dates
        Onset dates, sorted and unique (the index of :func:`rule_onsets`). Onsets too close to the edges
        of ``frame`` (fewer than ``window`` origin dates up to them or ``2 * after`` after)
        are left out, not refused: the rule finds them, the data cannot measure them.
    window, after : int
        Onset window and the months after, in origin dates (see ``crisis_table``).

    Returns
    -------
    pandas.DataFrame
        ``crisis_table``'s columns, one row per measurable onset, indexed by the onset date
        as text (``"2020-02-27"``).
    """
    f = regimes._frame(frame, ("implied", "vrp", "pnl"))
    onsets = _onset_dates(onsets)
    w = ck.integer(window, "window", 1)
    a = ck.integer(after, "after", 1)
    if w + 2 * a > len(f):
        raise ValueError(f"window + 2 * after = {w + 2 * a} origin dates, more than frame holds ({len(f)})")
    pos = f.index.searchsorted(onsets)
    keep = (pos - w + 1 >= 0) & (pos + 2 * a < len(f))
    crises = {f"{d:%Y-%m-%d}": d for d in onsets[keep]}
    if not crises:
        raise ValueError("onsets: no onset lies far enough inside frame to be measured")
    return regimes.crisis_table(f, crises, window=w, after=a)


def onset_summary(table, column: str = "Premium at onset (vol points)") -> dict:
    """Count, negatives, mean and standard error of one column of :func:`onset_table`.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`onset_table` (or of ``crisis_table``), at least two rows.
    column : str
        The column to summarize (vol points).

    Returns
    -------
    dict
        ``n`` (int), ``negative`` (int: onsets below zero), ``mean`` and ``se`` (vol points:
        ``sd / sqrt(n)``, the onsets taken as independent), ``min`` and ``max``.
    """
    if not isinstance(table, pd.DataFrame):
        raise ck.ArgumentTypeError(f"table: expected the DataFrame of onset_table, got {ck._what(table)}")
    col = ck.text(column, "column")
    if col not in table.columns:
        raise ValueError(f"column: {col!r} is not a column of table")
    x = ck.array(table[col], "table", min_size=2)
    return {"n": int(x.size), "negative": int((x < 0).sum()), "mean": float(x.mean()),
            "se": float(x.std(ddof=1) / np.sqrt(x.size)), "min": float(x.min()), "max": float(x.max())}


#: Columns of :func:`term_repair`.
REPAIR_COLUMNS = ("Slope at onset (vol points)", "Days inverted", "Days until upward")


def term_repair(front, back, onsets, after: int = 63) -> pd.DataFrame:
    """How long the volatility term structure stays inverted after each onset.

    The slope is ``back - front`` (e.g. the three-month VIX3M minus the 30-day VIX, vol
    points); it is inverted on a close where the front quote is above the back one. For
    each onset, counted on the ``after`` trading days from the onset (the first close on or
    after it with both quotes, included): the slope at the onset, the closes inverted, and
    the trading days until the first close that is not inverted (0 when the onset is not
    inverted; NaN when every close of the span is).

    Parameters
    ----------
    front, back : pandas.Series
        Implied volatility indexes in vol points on sorted, unique, naive dates (the VIX and
        the VIX3M), no NaN (drop the days without a quote); only the dates both quote
        are used.
    onsets : pandas.DatetimeIndex or sequence of dates
        Onset dates, sorted and unique (the index of :func:`rule_onsets`). Onsets before the
        first common quote, or with fewer than ``after`` common quotes from them, are left
        out, not refused.
    after : int
        Trading days followed after each onset (63: three months).

    Returns
    -------
    pandas.DataFrame
        :data:`REPAIR_COLUMNS`, one row per onset followed, indexed by the onset date as
        text (``"2020-02-27"``).
    """
    f = ck.vols(front, "front", allow_nan=False)
    b = ck.vols(back, "back", allow_nan=False)
    ck.vol_points(f.to_numpy(), "front")
    ck.vol_points(b.to_numpy(), "back")
    ck.overlap(f, b, "front", "back")
    on = _onset_dates(onsets)
    a = ck.integer(after, "after", 1)
    common = f.index.intersection(b.index)
    slope = (b.reindex(common) - f.reindex(common)).to_numpy()
    ck.long_enough(len(common), a, "back", what="dates quoted by both", window_value=a,
                   window_name="after")
    rows = {}
    for d, p in zip(on, common.searchsorted(on)):
        if d < common[0] or p + a > len(common):     # outside the span quoted by both
            continue
        s = slope[p:p + a]
        up = np.flatnonzero(s >= 0)
        rows[f"{d:%Y-%m-%d}"] = [float(s[0]), int((s < 0).sum()),
                                 float(up[0]) if up.size else np.nan]
    if not rows:
        raise ValueError(f"onsets: none has {a} common quotes of front and back from it "
                         f"(quoted together {common[0].date()} to {common[-1].date()})")
    out = pd.DataFrame.from_dict(rows, orient="index", columns=list(REPAIR_COLUMNS))
    out.index.name = "Onset"
    return out

