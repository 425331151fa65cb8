"""Variance swaps: notionals, settlement, mark-to-market and static replication.

Conventions
-----------
* Strikes and realized volatilities are annualized **vol points** (18 means 18 %).
* A variance point is one unit of vol points squared (18 vol points is 324 variance
  points).
* The vega notional ``N_vega`` is the P&L, in currency, of a 1 vol point move of realized
  volatility around the strike for a small move; the variance notional is
  ``N_var = N_vega / (2 K)``, the P&L per variance point.
* The long side (buyer of variance) receives ``N_var * (RV^2 - K^2)`` at expiry.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import _checks


def variance_notional(vega_notional, strike_vol):
    """Variance notional: currency per variance point, ``N_vega / (2 K)``.

    Parameters
    ----------
    vega_notional : float or array
        Currency per vol point.
    strike_vol : float or array
        Volatility strike K in vol points, positive.

    Returns
    -------
    float or numpy.ndarray
        Currency per variance point (vol points squared).
    """
    k = np.asarray(strike_vol, dtype=float)
    if np.isnan(k).any() or (k <= 0).any():
        raise ValueError(f"strike_vol must be positive vol points, got {strike_vol!r}")
    n = np.asarray(vega_notional, dtype=float)
    if np.isnan(n).any():
        raise ValueError("vega_notional: contains NaN")
    out = n / (2.0 * k)
    return float(out) if out.ndim == 0 else out


def variance_swap_pnl(realized_vol, strike_vol, vega_notional):
    """Settlement of a variance swap for the long side: ``N_vega (RV^2 - K^2) / (2 K)``.

    Parameters
    ----------
    realized_vol : float or array
        Realized volatility over the swap's life, annualized vol points, non-negative.
    strike_vol : float or array
        Volatility strike K, vol points, positive.
    vega_notional : float or array
        Currency per vol point. The short side's P&L is the negative.

    Returns
    -------
    float or numpy.ndarray
        P&L in currency; vectorized by numpy broadcasting.

    Examples
    --------
    >>> round(variance_swap_pnl(14.0, 18.0, 100_000), 2)
    -355555.56
    """
    rv = _checks.nonneg_array(realized_vol, "realized_vol")
    n_var = variance_notional(vega_notional, strike_vol)
    k = np.asarray(strike_vol, dtype=float)
    out = n_var * (rv**2 - k**2)
    return float(out) if np.ndim(out) == 0 else out


def volatility_swap_pnl(realized_vol, strike_vol, vega_notional):
    """Settlement of a volatility swap for the long side: ``N_vega (RV - K)``, linear in RV.

    Set next to :func:`variance_swap_pnl` with the same vega notional, it shows the
    variance swap's convexity: the two agree to first order at RV = K, and the variance
    swap pays more for every other outcome.
    """
    rv = _checks.nonneg_array(realized_vol, "realized_vol")
    k = np.asarray(strike_vol, dtype=float)
    if np.isnan(k).any() or (k <= 0).any():
        raise ValueError(f"strike_vol must be positive vol points, got {strike_vol!r}")
    out = np.asarray(vega_notional, dtype=float) * (rv - k)
    return float(out) if np.ndim(out) == 0 else out


def mark_to_market(realized_vol_so_far, implied_vol_remaining, strike_vol, vega_notional,
                   elapsed_fraction, time_remaining=0.0, rate=0.0):
    """Value of a live variance swap to the long side, between inception and expiry.

    Realized variance is additive in time, so the expected variance at expiry is the
    time-weighted mix of what has been realized and what is implied for the rest:

    ``V_t = N_var * exp(-r (T - t)) * [ f RV_{0,t}^2 + (1 - f) IV_{t,T}^2 - K^2 ]``

    with ``f = t / T`` the elapsed fraction of the swap's life (in observation days).

    Parameters
    ----------
    realized_vol_so_far : float or array
        Realized volatility from inception to t, annualized vol points.
    implied_vol_remaining : float or array
        Fair variance-swap volatility for the remaining life (t, T), vol points.
    strike_vol : float
        Volatility strike K, vol points.
    vega_notional : float
        Currency per vol point.
    elapsed_fraction : float or array
        t / T, in [0, 1].
    time_remaining : float
        T - t in years, for discounting.
    rate : float
        Continuously compounded risk-free rate, decimal per year.

    Returns
    -------
    float or numpy.ndarray
        Present value in currency.
    """
    f = np.asarray(elapsed_fraction, dtype=float)
    if np.isnan(f).any() or (f < 0).any() or (f > 1).any():
        raise ValueError(f"elapsed_fraction must lie in [0, 1], got {elapsed_fraction!r}")
    rv = _checks.nonneg_array(realized_vol_so_far, "realized_vol_so_far")
    iv = _checks.nonneg_array(implied_vol_remaining, "implied_vol_remaining")
    tau = _checks.finite(time_remaining, "time_remaining")
    if tau < 0:
        raise ValueError(f"time_remaining must be non-negative, got {time_remaining!r}")
    r = _checks.finite(rate, "rate")
    k = np.asarray(strike_vol, dtype=float)
    n_var = variance_notional(vega_notional, strike_vol)
    expected_var = f * rv**2 + (1.0 - f) * iv**2
    out = n_var * np.exp(-r * tau) * (expected_var - k**2)
    return float(out) if np.ndim(out) == 0 else out


def mark_to_market_path(prices, implied_vol, start, window=21, vega_notional=100_000.0,
                        strike_vol=None, annualization=252):
    """Daily mark-to-market of a variance swap over its life, on a real price path.

    A swap is struck at the close of ``start`` for ``window`` daily returns. On each day i
    of its life, the realized volatility of returns 1..i is combined with the implied
    volatility quoted that day for the remaining days (see :func:`mark_to_market`; rates
    zero). On the last day the value equals the settlement :func:`variance_swap_pnl`.

    Parameters
    ----------
    prices : pandas.Series
        Daily prices, DatetimeIndex.
    implied_vol : pandas.Series
        Implied volatility in vol points on the same dates (for example the VIX, used as a
        proxy for the fair variance-swap volatility of the remaining life).
    start : str or Timestamp
        Inception date; must be a date of both series.
    window : int
        Life of the swap in trading days.
    vega_notional : float
        Currency per vol point.
    strike_vol : float, optional
        Volatility strike; by default the implied volatility at inception.
    annualization : float
        Trading days per year.

    Returns
    -------
    pandas.DataFrame
        Index ``date`` (inception and each day of the life); columns ``elapsed_days``,
        ``realized_so_far`` (vol points, NaN at inception), ``implied``, ``value`` (currency,
        long side).
    """
    from .realized import log_returns

    w = _checks.window(window)
    iv = _checks.vols(implied_vol, "implied_vol")
    r = log_returns(prices)
    t0 = pd.Timestamp(start)
    if t0 not in r.index.union(prices.index) or t0 not in iv.index:
        raise ValueError(f"start {t0.date()} is not a date of both prices and implied_vol")
    life = r.loc[r.index > t0].iloc[:w]
    if len(life) < w:
        raise ValueError(f"only {len(life)} returns after {t0.date()}: the {w}-day window is incomplete")
    dates = pd.DatetimeIndex([t0]).append(life.index)
    iv_path = iv.reindex(dates)
    if iv_path.isna().any():
        raise ValueError(f"implied_vol is missing on {iv_path.index[iv_path.isna()][0].date()}")
    k = float(iv.loc[t0]) if strike_vol is None else _checks.positive(strike_vol, "strike_vol")
    i = np.arange(w + 1)
    cum = np.r_[0.0, np.cumsum(life.to_numpy() ** 2)]
    with np.errstate(invalid="ignore", divide="ignore"):
        rv_so_far = np.where(i > 0, 100 * np.sqrt(annualization * cum / np.maximum(i, 1)), np.nan)
    value = mark_to_market(np.nan_to_num(rv_so_far), iv_path.to_numpy(), k, vega_notional, i / w)
    out = pd.DataFrame(
        {"elapsed_days": i, "realized_so_far": rv_so_far, "implied": iv_path.to_numpy(), "value": value},
        index=pd.DatetimeIndex(dates, name="date"),
    )
    out.attrs["strike_vol"] = k
    return out


def monthly_settlements(prices, implied_vol, window=21, vega_notional=100_000.0, annualization=252):
    """Settlements of back-to-back long variance swaps struck at the implied level.

    A swap is struck at ``implied_vol`` on the first date with a complete forward window,
    settled on the realized volatility of the next ``window`` returns, and the next one is
    struck on the settlement date: non-overlapping periods, one outcome each. The short
    side's P&L is the negative.

    Returns
    -------
    pandas.Series
        Long-side P&L in currency, indexed by strike date, named ``settlement``.
    """
    from .premium import aligned

    df = aligned(implied_vol, prices, window=window, annualization=annualization)
    px = _checks.prices(prices)
    pos = px.index.get_indexer(df.index)
    keep, next_pos = [], -1
    for d, p in zip(df.index, pos):
        if p >= next_pos:
            keep.append(d)
            next_pos = p + window
    sel = df.loc[keep]
    out = pd.Series(variance_swap_pnl(sel["realized"].to_numpy(), sel["implied"].to_numpy(), vega_notional),
                    index=sel.index, name="settlement")
    return out


def strike_spacing(strikes) -> np.ndarray:
    """Strike intervals ``Delta K_i`` as the Cboe method defines them.

    Half the distance between the neighbouring strikes inside the strip, and the distance
    to the single neighbour at each end.

    Raises
    ------
    ValueError
        If there are fewer than two strikes, or strikes are unsorted or duplicated.
    """
    k = np.asarray(strikes, dtype=float)
    if k.ndim != 1 or k.size < 2:
        raise ValueError("strikes: need at least two strikes")
    if np.isnan(k).any() or (k <= 0).any():
        raise ValueError("strikes: must be positive numbers")
    d = np.diff(k)
    if (d == 0).any():
        raise ValueError(f"strikes: duplicate strike {k[1:][d == 0][0]:g}")
    if (d < 0).any():
        raise ValueError(f"strikes: not sorted in increasing order (at {k[1:][d < 0][0]:g})")
    dk = np.empty_like(k)
    dk[0] = d[0]
    dk[-1] = d[-1]
    dk[1:-1] = 0.5 * (k[2:] - k[:-2])
    return dk


def replication_weights(strikes) -> np.ndarray:
    """Weights of the out-of-the-money options that replicate variance: ``Delta K / K^2``.

    Demeterfi, Derman, Kamal and Zou (1999): a portfolio holding ``2/T * Delta K / K^2``
    of each out-of-the-money option, rolled with a delta hedge, pays the realized
    variance. The 1/K^2 weighting gives low strikes (puts) the largest weights, which is
    why a skew lifts the fair variance strike above at-the-money implied volatility.
    """
    k = np.asarray(strikes, dtype=float)
    return strike_spacing(k) / k**2


def fair_variance(strikes, otm_prices, forward, t, r=0.0, k0=None) -> float:
    """Fair variance of a discrete strip of out-of-the-money options (decimal, annualized).

    ``sigma^2 = 2/T * sum_i Delta K_i / K_i^2 * e^{rT} Q(K_i) - 1/T * (F/K0 - 1)^2``

    The formula of the Cboe VIX white paper and of Demeterfi et al. (1999) on a
    discrete strike grid. ``Q(K_i)`` is the out-of-the-money option's price (put below
    K0, call above, the average of both at K0).

    Parameters
    ----------
    strikes : array
        Sorted, unique strikes.
    otm_prices : array
        Out-of-the-money option prices at those strikes (same currency as strikes).
    forward : float
        Forward price F for the expiry.
    t : float
        Time to expiry in years, positive.
    r : float
        Risk-free rate, continuously compounded, decimal.
    k0 : float, optional
        The strike immediately below the forward; by default the largest strike <= F.

    Returns
    -------
    float
        Annualized variance as a decimal (0.04 is 20 vol points).
    """
    k = np.asarray(strikes, dtype=float)
    q = _checks.nonneg_array(otm_prices, "otm_prices")
    if q.shape != k.shape:
        raise ValueError(f"otm_prices: {q.size} prices for {k.size} strikes")
    f = _checks.positive(forward, "forward")
    tt = _checks.positive(t, "t")
    rr = _checks.finite(r, "r")
    w = replication_weights(k)
    if k0 is None:
        below = k[k <= f]
        if below.size == 0:
            raise ValueError(f"forward {f:g} lies below every strike: no K0")
        k0 = below[-1]
    k0 = _checks.positive(k0, "k0")
    return float(2.0 / tt * np.sum(w * np.exp(rr * tt) * q) - (f / k0 - 1.0) ** 2 / tt)
