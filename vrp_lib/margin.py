"""Inside a roll: the daily mark-to-market, the margin it calls and the capital that survives.

A monthly short variance swap settles once a month, but it is marked, and margined, every
day. Per unit of vega notional, a swap sold at the close of day ``i`` at strike
``K = IV_i - give_up`` (vol points) is worth to the seller, after ``s`` of its ``w`` days,

``V_s = (K^2 - E_s) / (2K)``,  ``E_s = 100^2 a / w * sum_{j<=s} r_{i+j}^2 + (1 - s/w) IV_{i+s}^2``,

the realized part so far plus the remaining variance marked at the day's implied level (the
30-day VIX as a proxy for the remaining life, as :func:`vrp_lib.regimes.swap_values`). With
a cap at ``c`` times the strike, ``E_s`` is replaced by ``min(E_s, c^2 K^2)``: the payoff's cap
applied to the expected total, which ignores the cap's option value and so overstates the
seller's mark-to-market loss (a conservative mark); at settlement it is the capped payoff
exactly.

The **margin** is a stress test on the remaining life: the extra loss if implied volatility
jumped by ``shock`` vol points at the close, ``M_s = (E_s(IV + shock) - E_s(IV)) / (2K)``
(capped the same way). A program of monthly rolls starts with ``capital`` (vol points per
unit of vega notional); at each close its equity is the capital plus the settled rolls plus
the open roll's mark. When the equity falls below the margin the position is closed at that
close, buying back the remaining variance at the implied level plus ``give_up``, and the
program stops: what is left is the capital that survives.

Units: vol points; P&L, margin and capital per unit of vega notional (vol points); windows in
trading days.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import _checks as ck
from . import risk
from .realized import TRADING_DAYS

__all__ = ["roll_marks", "capital_path"]


def _inputs(implied_vol, prices, window, give_up, cap_multiple, shock, annualization):
    iv = ck.vols(implied_vol, "implied_vol", allow_nan=False)
    ck.vol_points(iv.to_numpy(), "implied_vol")
    p = ck.prices(prices)
    ck.overlap(iv, p, "implied_vol", "prices")
    if not iv.index.equals(p.index):
        raise ValueError("implied_vol: must have a value on every date of prices (fill the days "
                         "without a quote first)")
    w = ck.window(window)
    ck.long_enough(len(p), w + 1, "prices", window_value=w)
    g = ck.in_range(give_up, "give_up", 0.0, 100.0)
    cap = None
    if cap_multiple is not None:
        cap = ck.in_range(cap_multiple, "cap_multiple", 1.0, 10.0)
    sh = ck.in_range(shock, "shock", 0.0, 500.0)
    ann = risk._per_year(annualization, "annualization")
    return iv.to_numpy(), p, w, g, cap, sh, ann


def _marks(iv, r2, i, w, g, cap, sh, ann):
    """Hold value, buy-back value and margin of the swap sold on day ``i``, ages 0 .. w."""
    k = iv[i] - g
    if k <= 0:
        raise ValueError("give_up exceeds the implied level")
    s = np.arange(w + 1)
    realized_part = 1e4 * ann / w * np.concatenate([[0.0], np.cumsum(r2[i + 1:i + w + 1])])
    rem = 1.0 - s / w
    level = iv[i:i + w + 1]

    def value(vol):
        e = realized_part + rem * vol**2
        if cap is not None:
            e = np.minimum(e, (cap * k) ** 2)
        return (k**2 - e) / (2 * k)

    hold = value(level)
    return hold, value(level + g), hold - value(level + sh), realized_part


def roll_marks(implied_vol, prices, start, window: int = 21, give_up: float = 0.0, cap_multiple=None,
               shock: float = 10.0, annualization: float = TRADING_DAYS) -> pd.DataFrame:
    """The daily mark-to-market and margin of one short variance swap, from sale to settlement.

    Parameters
    ----------
    implied_vol : pandas.Series
        Implied volatility in vol points (the VIX) on every date of ``prices`` (no NaN).
    prices : pandas.Series
        Daily closes of the underlying.
    start : date-like
        The sale date, a date of ``prices`` with ``window`` trading days after it.
    window : int
        Trading days of the swap's life (21).
    give_up : float
        Vol points the seller gives up at the sale and at a buy-back (half the bid-ask plus
        slippage), in [0, 100].
    cap_multiple : float, optional
        Cap on realized volatility as a multiple of the strike, in [1, 10]; None for none.
    shock : float
        The margin's stress: a jump of implied volatility, in vol points (10), in [0, 500].
    annualization : float
        Trading days per year, in ``[1, 8784]``.

    Returns
    -------
    pandas.DataFrame
        One row per close from the sale (age 0) to settlement (age ``window``): ``Age
        (trading days)``, ``VIX``, ``Realized variance so far (variance points)``,
        ``Mark (vol points)`` (value to the seller), ``Buy-back value (vol points)`` and
        ``Margin (vol points)``.
    """
    iv, p, w, g, cap, sh, ann = _inputs(implied_vol, prices, window, give_up, cap_multiple, shock,
                                        annualization)
    d = ck.date(start, "start", p.index)
    i = int(p.index.get_loc(d))
    if i + w >= len(p):
        raise ValueError(f"start: {d.date()} has fewer than window = {w} trading days after it")
    r2 = np.concatenate([[0.0], np.diff(np.log(p.to_numpy())) ** 2])
    hold, close, margin, realized_part = _marks(iv, r2, i, w, g, cap, sh, ann)
    return pd.DataFrame({"Age (trading days)": np.arange(w + 1), "VIX": iv[i:i + w + 1],
                         "Realized variance so far (variance points)": realized_part,
                         "Mark (vol points)": hold, "Buy-back value (vol points)": close,
                         "Margin (vol points)": margin}, index=p.index[i:i + w + 1])


def capital_path(implied_vol, prices, capital: float, start=None, end=None, window: int = 21,
                 give_up: float = 0.0, cap_multiple=None, shock: float = 10.0,
                 annualization: float = TRADING_DAYS) -> pd.DataFrame:
    """A program of monthly short variance swaps marked daily, stopped when equity falls below margin.

    Parameters
    ----------
    implied_vol, prices, window, give_up, cap_multiple, shock, annualization
        As in :func:`roll_marks`.
    capital : float
        Starting capital per unit of vega notional, in vol points (positive).
    start, end : date-like, optional
        The first sale (a date of ``prices``; default the first date) and the last date
        (default the last); rolls follow every ``window`` trading days and the last roll that
        ends by ``end`` is the last sold.

    Returns
    -------
    pandas.DataFrame
        One row per close from ``start`` to the last settlement: ``Equity (vol points)``
        (capital + settled rolls + the open roll's mark), ``Margin (vol points)``,
        ``Excess (vol points)`` (equity minus margin) and ``In market`` (False from the close
        on which the position was closed for want of margin). After a stop the equity stays
        at its value on that close.
    """
    iv, p, w, g, cap, sh, ann = _inputs(implied_vol, prices, window, give_up, cap_multiple, shock,
                                        annualization)
    c0 = ck.positive(capital, "capital")
    i0 = 0 if start is None else int(p.index.get_loc(ck.date(start, "start", p.index)))
    i1 = len(p) - 1 if end is None else int(p.index.get_loc(ck.date(end, "end", p.index)))
    n_rolls = (i1 - i0) // w
    if n_rolls < 1:
        raise ValueError(f"end: fewer than window = {w} trading days between start and end")
    r2 = np.concatenate([[0.0], np.diff(np.log(p.to_numpy())) ** 2])
    equity = np.full(n_rolls * w + 1, np.nan)
    margin = np.zeros_like(equity)
    live = np.ones(equity.size, dtype=bool)
    base = c0
    for j in range(n_rolls):
        hold, close, mg, _ = _marks(iv, r2, i0 + j * w, w, g, cap, sh, ann)
        pos = j * w + np.arange(w + 1)  # age 0 is the sale (the previous roll's settlement)
        eq = base + hold
        bad = np.flatnonzero(eq < mg)
        if bad.size:  # closed at the first close short of margin, the program stops
            a = bad[0]
            equity[pos[:a]], margin[pos[:a]] = eq[:a], mg[:a]
            equity[pos[a]:] = base + close[a]
            live[pos[a]:] = False
            break
        equity[pos], margin[pos] = eq, mg
        margin[pos[-1]] = 0.0  # settled; the next roll's sale overwrites this close
        base = eq[-1]
    idx = p.index[i0:i0 + n_rolls * w + 1]
    return pd.DataFrame({"Equity (vol points)": equity, "Margin (vol points)": margin,
                         "Excess (vol points)": equity - margin, "In market": live}, index=idx)
