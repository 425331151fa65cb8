"""The premium's ledger: what the average of ``VIX_t - RV_{t,t+21}`` is made of.

The practical premium mixes four things. Written per origin date t, with ``RV`` the realized
volatility of the next ``window`` trading days, ``RVm`` that of the next ``days`` calendar
days annualized as the VIX is (:func:`matched_realized_vol`) and
``K_t = sqrt(VIX_t^2 + g)`` the variance-swap volatility that the VIX's log contract
understates by a jump gap ``g`` (:func:`ledger`'s ``jump_gap``):

``VIX - RV = (RVm - RV) + (VIX - K) + K (1 - exp(-s^2 / 2)) + (K exp(-s^2 / 2) - RVm)``

1. **Horizon and day count** ``RVm - RV``: the VIX covers 30 calendar days annualized with
   365, the book's window 21 trading days annualized with 252.
2. **Log contract (jumps)** ``VIX - K``: the VIX squared prices the log contract, which is
   below expected quadratic variation when prices jump down (Carr and Wu 2009); negative.
   ``g`` comes from a model (the data hold no option strip): sized in the model world.
   :func:`jump_wedge_data` measures the same wedge under P on the data's daily returns, a
   lower bound on it under Q when jump risk is priced.
3. **Jensen (convexity)** ``K (1 - exp(-s^2 / 2))``: with no risk premium (P = Q) and
   lognormal surprises of variance ``s^2 = Var ln(RVm / K)``, ``E[RVm] = K exp(-s^2 / 2)``.
   The sample ``s^2`` also holds the variation of the premium itself, so this is an upper
   bound on the mechanical part.
4. **Risk premium**, the rest: ``K exp(-s^2 / 2) - RVm``.

The same split in variance points (``VIX^2 - RV^2``; Jensen is zero there, since
``E[RVm^2] = K^2`` under P = Q) and in log units (``ln(VIX^2 / RV^2)``, the log variance
ratio of Carr and Wu 2009; Jensen is ``2 s^2``). The parts sum to the total on every date,
hence on average and in every bootstrap resample; standard errors are moving-block bootstrap
ones, ``s^2`` re-estimated on each resample.

Units: vol points (VIX 19.7), variance points (vol points squared, VIX^2 = 388), log units
(natural log of a variance ratio); ``jump_gap`` in decimal annualized variance, as
``vrp_lib.bates.expected_variance`` returns it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import ndtr

from . import _checks, bootstrap
from .predictability import _vol_points
from .realized import TRADING_DAYS, forward_realized_vol

__all__ = ["PARTS", "UNITS", "matched_realized_vol", "jump_wedge_data", "ledger"]

#: The ledger's rows, in order; the last is their sum.
PARTS = ("horizon and day count", "log contract (jumps)", "Jensen (convexity)", "risk premium", "total")
#: The ledger's units (each with a standard-error column ``"SE " + unit``).
UNITS = ("vol points", "variance points", "log units")
#: Calendar days a year with which the VIX annualizes its 30-day variance.
CALENDAR_YEAR = 365.0
#: Largest jump gap accepted, decimal variance (a wedge of 0.05 is a VIX of 22 understating
#: a swap rate of 0.1 by half): a larger one was passed in variance points.
MAX_JUMP_GAP = 0.05
#: Longest horizon in calendar days (the one-year VIX1Y).
MAX_DAYS = 366


def _prices(prices) -> pd.Series:
    return _checks.prices(prices, "prices")


def _implied(x) -> pd.Series:
    s = _vol_points(_checks.vols(x, "implied_vol", allow_nan=False), "implied_vol")
    if (s.to_numpy() <= 0).any():
        raise ValueError("implied_vol: zero volatility on some date; the log form needs positive values")
    return s


def matched_realized_vol(prices, days: int = 30) -> pd.Series:
    """Realized volatility over the next ``days`` calendar days, annualized as the VIX is.

    ``100 * sqrt(365 / days * sum of r_s^2)`` over the trading days s with
    ``t < s <= t + days`` calendar days (returns not demeaned), dated t. The VIX prices
    30 calendar days of variance and annualizes it with 365 days; a 21-trading-day window
    annualized with 252 covers about the same span, not exactly.

    Parameters
    ----------
    prices : pandas.Series
        Daily closes (index points).
    days : int
        Calendar days ahead (30 for the VIX).

    Returns
    -------
    pandas.Series
        Vol points, dated t; only the dates whose window ends by the last price (the
        window is complete).
    """
    p = _prices(prices)
    days = _checks.integer(days, "days", minimum=1)
    if days > MAX_DAYS:
        raise ValueError(f"days: {days} calendar days is more than a year ({MAX_DAYS}); the VIX family "
                         "runs from 9 days to one year")
    dates = p.index
    if dates[-1] - dates[0] <= pd.Timedelta(days=days):
        raise ValueError(f"prices: {dates[0].date()} to {dates[-1].date()} is too short for a window of "
                         f"days={days} calendar days")
    r2 = np.concatenate([[0.0], np.diff(np.log(p.to_numpy())) ** 2])
    c = np.cumsum(r2)
    end = dates + pd.Timedelta(days=days)
    j = np.searchsorted(dates, end, side="right") - 1
    ok = end <= dates[-1]
    i = np.arange(len(dates))[ok]
    var = CALENDAR_YEAR / days * (c[j[ok]] - c[i])
    return pd.Series(100.0 * np.sqrt(var), index=dates[ok], name="matched_realized")


def jump_wedge_data(prices, window: int = 21) -> pd.Series:
    """The log-contract wedge realized on the data: ``(252 / window) * sum [r^2 - 2 (e^r - 1 - r)]``.

    Per return r a variance swap pays ``r^2`` and the log contract ``2 (e^r - 1 - r)``
    ``= r^2 + r^3 / 3 + ...``; the difference, summed over the ``window`` trading days after
    t and annualized, is what the log contract missed of realized variance. Its mean is the
    wedge under the physical measure P (about ``-E[r^3] / 3`` a day): with jump risk priced,
    crashes are more likely or larger under Q and the wedge the VIX carries is larger, so
    the data's mean is a lower bound on it.

    Parameters
    ----------
    prices : pandas.Series
        Daily closes (index points).
    window : int
        Trading days after t.

    Returns
    -------
    pandas.Series
        Variance points (vol points squared, annualized), dated t, complete windows only.
    """
    p = _prices(prices)
    window = _checks.window(window, "window")
    _checks.long_enough(len(p), window + 2, "prices", window_value=window)
    r = np.diff(np.log(p.to_numpy()))
    w = r * r - 2.0 * np.expm1(r) + 2.0 * r
    c = np.concatenate([[0.0], np.cumsum(w)])
    n = r.size - window + 1                              # origins 0 .. n-1
    out = 1e4 * TRADING_DAYS / window * (c[window:window + n] - c[:n])
    return pd.Series(out, index=p.index[:n], name="jump_wedge")


def _columns(iv, rv, rvm, gap):
    """Per-date quantities whose means make the ledger (see :func:`_parts`)."""
    k2 = iv * iv + 1e4 * gap
    k = np.sqrt(k2)
    lnr = np.log(rvm / k)
    return np.column_stack([
        iv - rv, rvm - rv, iv - k, k, lnr, lnr * lnr,                                   # vol points
        iv * iv - rv * rv, rvm * rvm - rv * rv, np.full(iv.size, -1e4 * gap),            # variance
        2 * np.log(iv / rv), 2 * np.log(rvm / rv), 2 * np.log(iv / k),                   # log units
    ])


def _parts(m: np.ndarray, n: int) -> np.ndarray:
    """The ledger from column means ``m`` (last axis): shape ``(..., 3 units, 5 parts)``."""
    s2 = (m[..., 5] - m[..., 4] ** 2) * n / (n - 1)
    jensen = m[..., 3] * -np.expm1(-0.5 * s2)
    vol = np.stack([m[..., 1], m[..., 2], jensen, m[..., 0] - m[..., 1] - m[..., 2] - jensen, m[..., 0]], -1)
    zero = np.zeros_like(s2)
    var = np.stack([m[..., 7], m[..., 8], zero, m[..., 6] - m[..., 7] - m[..., 8], m[..., 6]], -1)
    log = np.stack([m[..., 10], m[..., 11], 2 * s2, m[..., 9] - m[..., 10] - m[..., 11] - 2 * s2,
                    m[..., 9]], -1)
    return np.stack([vol, var, log], -2)


def _resampled_means(cols: np.ndarray, block: int, n_boot: int, seed: int) -> np.ndarray:
    """Column means of each moving-block resample of :func:`vrp_lib.bootstrap.block_indices`
    (same draws), from block sums of cumulative sums: shape ``(n_boot, columns)``."""
    n = cols.shape[0]
    starts = bootstrap._block_starts(n, block, n_boot, seed)    # = block_indices(...)[:, ::block]
    return bootstrap._resampled_sums(cols, starts, block) / n


def ledger(implied_vol, prices, window: int = 21, jump_gap: float = 0.0, days: int = 30,
           block: int = 252, n_boot: int = 1000, seed: int = 0) -> pd.DataFrame:
    """Split the average premium ``VIX - RV`` into its four parts, in three units, with SEs.

    Parameters
    ----------
    implied_vol : pandas.Series
        The VIX (vol points), daily.
    prices : pandas.Series
        Daily closes of the index (index points).
    window : int
        Trading days of the realized window (21).
    jump_gap : float
        Expected quadratic variation minus the log contract over the VIX's horizon, decimal
        annualized variance, from a model: e.g. ``bates.expected_variance(q, 30 / 365, v)
        - bates.log_contract_variance(q, 30 / 365, v)``. Zero ignores jumps.
    days : int
        Calendar days of the VIX's horizon (30).
    block, n_boot, seed : int
        Moving-block bootstrap over the origin dates (blocks of ``block`` trading days).

    Returns
    -------
    pandas.DataFrame
        Rows :data:`PARTS` (the parts, then ``total``); for each unit of :data:`UNITS` a
        column with the mean and one ``"SE " + unit`` with its standard error. The log
        contract's part in variance points is the model's constant ``-jump_gap`` (standard
        error zero: the model's own uncertainty is not in it). ``attrs`` holds
        ``surprise_variance`` (``s^2``), ``jensen_hit_rate`` (``Phi(s)``, the share of dates
        with ``K > RVm`` under P = Q), ``n`` (origin dates) and ``first``/``last``.

    Raises
    ------
    ValueError
        Bad series (NaN, decimals for vol points, swapped arguments), a jump gap that is
        negative, not finite or in variance points, fewer than five blocks of dates.
    """
    iv = _implied(implied_vol)
    p = _prices(prices)
    window = _checks.window(window, "window")
    gap = _checks.nonnegative(jump_gap, "jump_gap")
    if gap > MAX_JUMP_GAP:
        raise ValueError(f"jump_gap: {gap:g} is more than {MAX_JUMP_GAP} in decimal variance; pass decimal "
                         "annualized variance (0.0004 for 4 variance points), not variance points")
    _checks.overlap(iv, p, "implied_vol", "prices")
    _checks.long_enough(len(p), window + 2, "prices", window_value=window)
    rv = forward_realized_vol(p, window)
    rvm = matched_realized_vol(p, days)
    both = pd.concat([iv, rv, rvm], axis=1, join="inner").dropna()
    n = len(both)
    block = _checks.integer(block, "block", minimum=1)
    if block > n // 5:
        raise ValueError(f"block: {block} is too long for the {n} origin dates where implied_vol and prices "
                         f"both have complete windows (window={window}, days={days}); need five blocks")
    n_boot = _checks.integer(n_boot, "n_boot", minimum=2)
    if (both.iloc[:, 1:] <= 0).to_numpy().any():
        raise ValueError("prices: zero realized volatility over some window; the log form is undefined")
    cols = _columns(*(both.iloc[:, j].to_numpy() for j in range(3)), gap)
    point = _parts(cols.mean(axis=0), n)
    means = _resampled_means(cols, block, n_boot, _checks.integer(seed, "seed", minimum=0))
    se = _parts(means, n).std(axis=0, ddof=1)
    out = pd.DataFrame(index=pd.Index(PARTS, name="part"))
    for u, unit in enumerate(UNITS):
        out[unit] = point[u]
        out["SE " + unit] = se[u]
    s2 = (cols[:, 5].mean() - cols[:, 4].mean() ** 2) * n / (n - 1)
    out.attrs.update(surprise_variance=float(s2), jensen_hit_rate=float(ndtr(np.sqrt(s2))), n=n,
                     first=both.index[0], last=both.index[-1])
    return out
