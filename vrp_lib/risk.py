"""Risk and performance measures for strategy returns, on one track record or many.

Conventions
-----------
* Input is a sequence of **periodic returns** (decimals, 0.01 is 1 %) or periodic P&L in
  currency: every measure here is defined for either, and the unit of the output is the
  unit of the input (ratios such as Sharpe, skew and hit rate are unit-free).
* A pandas Series or a 1-D array is one track record. A 2-D array is many track records,
  one per **row**, with time along the **last axis** (``paths x time``); every measure is
  then computed per row and returned as an array, so a whole Monte Carlo sample of the
  model world is measured in one call.
* ``periods_per_year`` annualizes: 12 for monthly returns, 252 for daily ones.
* Returns are treated as **additive** (the strategy is re-sized to the same capital each
  period, as a short-volatility overlay is): the equity curve is the cumulative sum of the
  returns, and a drawdown is measured in the same unit as the returns (a drawdown of 0.25
  is 25 % of the capital). ``compound=True`` in the drawdown functions compounds instead
  (wealth ``prod(1 + r)``, drawdown relative to the running peak of wealth).

Every function raises :class:`ValueError` on NaN, on too few observations, or on a bad
parameter, naming the argument.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import _checks

__all__ = [
    "annualized_return", "annualized_vol", "sharpe", "skewness", "excess_kurtosis",
    "equity_curve", "drawdowns", "max_drawdown", "max_drawdown_duration", "time_under_water",
    "worst_period", "cvar", "hit_rate", "runs", "summary",
]


def _returns(returns, name: str = "returns", min_obs: int = 2) -> np.ndarray:
    """Validate returns and give a float array with time on the last axis."""
    if isinstance(returns, pd.DataFrame):
        raise ValueError(
            f"{name}: pass a Series or an array (paths x time); for a DataFrame of several "
            "strategies use risk.summary"
        )
    a = np.asarray(returns.to_numpy() if isinstance(returns, pd.Series) else returns, dtype=float)
    if a.ndim not in (1, 2):
        raise ValueError(f"{name}: expected 1-D (one record) or 2-D (paths x time), got {a.ndim}-D")
    if a.shape[-1] < min_obs:
        raise ValueError(f"{name}: need at least {min_obs} periods, got {a.shape[-1]}")
    if np.isnan(a).any():
        raise ValueError(f"{name}: contains NaN (drop or fill the periods first)")
    if np.isinf(a).any():
        raise ValueError(f"{name}: contains an infinite value")
    return a


def _out(x):
    x = np.asarray(x, dtype=float)
    return float(x) if x.ndim == 0 else x


def _ppy(periods_per_year) -> float:
    return _checks.positive(periods_per_year, "periods_per_year")


def annualized_return(returns, periods_per_year: float = 12):
    """Arithmetic mean return times ``periods_per_year``.

    The arithmetic (not geometric) mean, which is what the Sharpe ratio uses and what an
    additive, constantly re-sized overlay earns.
    """
    a = _returns(returns)
    return _out(a.mean(axis=-1) * _ppy(periods_per_year))


def annualized_vol(returns, periods_per_year: float = 12):
    """Sample standard deviation (``ddof=1``) times ``sqrt(periods_per_year)``."""
    a = _returns(returns)
    return _out(a.std(axis=-1, ddof=1) * np.sqrt(_ppy(periods_per_year)))


def sharpe(returns, periods_per_year: float = 12, risk_free: float = 0.0):
    """Annualized Sharpe ratio ``(mean - rf/ppy) / std * sqrt(ppy)``.

    Parameters
    ----------
    returns
        Periodic returns; a short-volatility overlay's returns are already excess returns
        (the swap is unfunded), so ``risk_free`` defaults to 0.
    risk_free : float
        Annual risk-free rate (decimal) subtracted from funded returns.

    Raises
    ------
    ValueError
        If a record has zero standard deviation (the ratio does not exist).
    """
    a = _returns(returns)
    p = _ppy(periods_per_year)
    rf = _checks.finite(risk_free, "risk_free")
    sd = a.std(axis=-1, ddof=1)
    if (sd <= 1e-12 * np.maximum(np.abs(a).max(axis=-1), 1e-300)).any():
        raise ValueError("returns: zero standard deviation, the Sharpe ratio is undefined")
    return _out((a.mean(axis=-1) - rf / p) / sd * np.sqrt(p))


def _moments(returns, min_obs: int, what: str):
    """Count and central moments m2, m3, m4 along the last axis."""
    a = _returns(returns, min_obs=min_obs)
    d = a - a.mean(axis=-1, keepdims=True)
    m2 = (d**2).mean(axis=-1)
    if (m2 <= 1e-24 * np.maximum((a**2).max(axis=-1), 1e-300)).any():
        raise ValueError(f"returns: zero variance, {what} is undefined")
    return a.shape[-1], m2, (d**3).mean(axis=-1), (d**4).mean(axis=-1)


def skewness(returns):
    """Sample skewness, bias-adjusted (Fisher-Pearson G1, as pandas ``Series.skew``).

    ``G1 = sqrt(n (n-1)) / (n-2) * m3 / m2^1.5`` with ``m_k`` the central moments.
    Negative for the returns of a short-volatility strategy: many small gains, few large
    losses.
    """
    n, m2, m3, _ = _moments(returns, 3, "skewness")
    return _out(np.sqrt(n * (n - 1.0)) / (n - 2.0) * m3 / m2**1.5)


def excess_kurtosis(returns):
    """Sample excess kurtosis, bias-adjusted (G2, as pandas ``Series.kurt``); 0 for a normal.

    ``G2 = (n-1) / ((n-2)(n-3)) * ((n+1) m4 / m2^2 - 3 (n-1))``.
    """
    n, m2, _, m4 = _moments(returns, 4, "kurtosis")
    g2 = (n - 1.0) / ((n - 2.0) * (n - 3.0)) * ((n + 1.0) * m4 / m2**2 - 3.0 * (n - 1.0))
    return _out(g2)


def equity_curve(returns, compound: bool = False):
    """Cumulative value of the returns, starting from 0 (additive) or 1 (compounded).

    Returns
    -------
    pandas.Series or numpy.ndarray
        Same shape as ``returns``; a Series keeps its index. Additive: ``cumsum(r)``.
        Compounded: ``cumprod(1 + r)`` (raises if a return is -100 % or worse).
    """
    a = _returns(returns, min_obs=1)
    if compound:
        if (a <= -1).any():
            raise ValueError("returns: a return of -100 % or worse cannot be compounded")
        out = np.cumprod(1.0 + a, axis=-1)
    else:
        out = np.cumsum(a, axis=-1)
    if isinstance(returns, pd.Series):
        return pd.Series(out, index=returns.index, name="equity")
    return out


def drawdowns(returns, compound: bool = False):
    """Drawdown after each period: distance below the running peak of the equity curve.

    Additive: ``E_t - max(0, max_{s<=t} E_s)`` with ``E = cumsum(r)`` (the peak includes
    the starting capital, 0). Compounded: ``W_t / max(1, max_{s<=t} W_s) - 1``.
    Values are <= 0, in the unit of the returns.
    """
    eq = equity_curve(returns, compound=compound)
    a = np.asarray(eq, dtype=float)
    start = 1.0 if compound else 0.0
    peak = np.maximum(np.maximum.accumulate(a, axis=-1), start)
    dd = a / peak - 1.0 if compound else a - peak
    if isinstance(returns, pd.Series):
        return pd.Series(dd, index=returns.index, name="drawdown")
    return dd


def max_drawdown(returns, compound: bool = False):
    """Largest peak-to-trough fall of the equity curve, as a positive number."""
    dd = np.asarray(drawdowns(returns, compound=compound), dtype=float)
    return _out(-dd.min(axis=-1))


def _longest_true_run(mask: np.ndarray) -> np.ndarray:
    """Length of the longest run of True along the last axis (vectorized over rows)."""
    m = np.atleast_2d(mask)
    cur = np.zeros(m.shape[0])
    best = np.zeros(m.shape[0])
    for j in range(m.shape[1]):
        cur = np.where(m[:, j], cur + 1.0, 0.0)
        best = np.maximum(best, cur)
    return best if mask.ndim == 2 else best[0]


def max_drawdown_duration(returns, compound: bool = False):
    """Longest spell under water, in periods: from the period after a peak until the equity
    curve is back at that peak (or the end of the record, if it never recovers)."""
    dd = np.asarray(drawdowns(returns, compound=compound), dtype=float)
    return _out(_longest_true_run(dd < 0))


def time_under_water(returns, compound: bool = False):
    """Fraction of periods in which the equity curve is below its running peak, in [0, 1]."""
    dd = np.asarray(drawdowns(returns, compound=compound), dtype=float)
    return _out((dd < 0).mean(axis=-1))


def worst_period(returns):
    """The lowest single-period return (the worst month, for monthly returns)."""
    a = _returns(returns, min_obs=1)
    return _out(a.min(axis=-1))


def cvar(returns, level: float = 0.05):
    """Conditional value at risk (expected shortfall): the mean return of the worst
    ``level`` fraction of periods.

    With ``n`` periods sorted from worst, ``k = n * level`` periods make the tail; when
    ``k`` is not an integer the next period enters with weight ``k - floor(k)``
    (Acerbi and Tasche, 2002), so the measure is coherent and continuous in ``level``.

    Returns
    -------
    float or numpy.ndarray
        A return (negative when the tail is a loss), in the unit of ``returns``.

    Raises
    ------
    ValueError
        If ``level`` is not in (0, 1), or fewer than one full period lies in the tail
        (``n * level < 1``): the estimate would rest on a fraction of one observation.
    """
    a = _returns(returns, min_obs=1)
    lv = _checks.finite(level, "level")
    if not 0.0 < lv < 1.0:
        raise ValueError(f"level must lie strictly between 0 and 1, got {level!r}")
    n = a.shape[-1]
    k = n * lv
    if k < 1.0 - 1e-12:
        raise ValueError(
            f"level {lv:g} with {n} periods leaves {k:.2f} periods in the tail: need at least one"
        )
    s = np.sort(a, axis=-1)
    kf = int(np.floor(k + 1e-12))
    tail = s[..., :kf].sum(axis=-1)
    frac = k - kf
    if frac > 1e-12:
        tail = tail + frac * s[..., kf]
    return _out(tail / k)


def normal_cvar(returns, level: float = 0.05):
    """CVaR as a normal distribution with the sample's mean and standard deviation gives it.

    ``mean - sd * phi(z_level) / level`` with ``phi`` the standard normal density and
    ``z_level`` its ``level`` quantile: the tail a mean-variance view assumes. Set next to
    :func:`cvar` it shows how much a negatively skewed return stream's measured tail exceeds
    the normal one.

    Returns
    -------
    float or numpy.ndarray
        A return (negative when the tail is a loss), in the unit of ``returns``.
    """
    from scipy.stats import norm

    a = _returns(returns, min_obs=2)
    lv = _checks.finite(level, "level")
    if not 0.0 < lv < 1.0:
        raise ValueError(f"level must lie strictly between 0 and 1, got {level!r}")
    z_term = norm.pdf(norm.ppf(lv)) / lv
    return _out(a.mean(axis=-1) - a.std(axis=-1, ddof=1) * z_term)


def hit_rate(returns):
    """Fraction of periods with a strictly positive return, in [0, 1]."""
    a = _returns(returns, min_obs=1)
    return _out((a > 0).mean(axis=-1))


def runs(mask) -> pd.DataFrame:
    """Spells of consecutive True values in a boolean Series.

    Used for "how long did the premium stay negative" (``mask = vrp < 0``) and for spells
    under water (``mask = drawdowns(r) < 0``).

    Parameters
    ----------
    mask : pandas.Series of bool
        DatetimeIndex, sorted and unique.

    Returns
    -------
    pandas.DataFrame
        One row per spell: ``start`` and ``end`` (first and last date of the spell) and
        ``length`` (number of observations), in date order.
    """
    if not isinstance(mask, pd.Series) or mask.dtype != bool:
        raise ValueError("mask: expected a boolean pandas Series with a DatetimeIndex")
    s = _checks.series(mask.astype(float), "mask")
    v = s.to_numpy() > 0.5
    edges = np.diff(np.concatenate([[0], v.astype(int), [0]]))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1) - 1
    return pd.DataFrame(
        {"start": s.index[starts], "end": s.index[ends], "length": ends - starts + 1}
    )


def summary(returns, periods_per_year: float = 12, level: float = 0.05,
            compound: bool = False) -> pd.DataFrame | pd.Series:
    """Every measure of this module for one track record or several.

    Parameters
    ----------
    returns : pandas.Series or pandas.DataFrame
        Periodic returns; a DataFrame holds one strategy per column (with no NaN).

    Returns
    -------
    pandas.Series or pandas.DataFrame
        ``ann_return``, ``ann_vol``, ``sharpe``, ``skew``, ``excess_kurtosis``,
        ``max_drawdown``, ``max_dd_duration`` (periods), ``worst_period``, ``cvar``
        (at ``level``; NaN when the record holds fewer than ``1 / level`` periods), ``hit_rate``, ``time_under_water``, ``n``; one row per column of
        a DataFrame.
    """
    if isinstance(returns, pd.DataFrame):
        if returns.empty or returns.shape[1] == 0:
            raise ValueError("returns: empty DataFrame")
        return pd.DataFrame(
            {c: summary(returns[c], periods_per_year, level, compound) for c in returns.columns}
        ).T
    a = _returns(returns, min_obs=4)
    return pd.Series(
        {
            "ann_return": annualized_return(a, periods_per_year),
            "ann_vol": annualized_vol(a, periods_per_year),
            "sharpe": sharpe(a, periods_per_year),
            "skew": skewness(a),
            "excess_kurtosis": excess_kurtosis(a),
            "max_drawdown": max_drawdown(a, compound),
            "max_dd_duration": max_drawdown_duration(a, compound),
            "worst_period": worst_period(a),
            "cvar": cvar(a, level) if a.shape[-1] * level >= 1 else np.nan,
            "hit_rate": hit_rate(a),
            "time_under_water": time_under_water(a, compound),
            "n": float(a.shape[-1]),
        },
        name=getattr(returns, "name", None),
    )
