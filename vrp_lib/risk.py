"""Risk and performance measures for strategy returns, on one track record or many.

Conventions
-----------
* Input is a sequence of **periodic returns** (decimals, 0.01 is 1 %) or periodic P&L in
  currency: every measure here is defined for either, and the unit of the output is the
  unit of the input (ratios such as Sharpe, skew and hit rate are unit-free).
* A pandas Series or a 1-D array is one track record. A Series must have a sorted,
  unique, timezone-naive DatetimeIndex (its dates are the periods); an array has no dates
  and is taken in the order given. A 2-D array is many track records,
  one per **row**, with time along the **last axis** (``paths x time``); every measure is
  then computed per row and returned as an array, so a whole Monte Carlo sample of the
  model world is measured in one call.
* ``periods_per_year`` annualizes: 12 for monthly returns, 252 for daily ones; it must lie
  in ``[0.1, 8784]`` (one period of ten years to hourly periods over a leap year): 0, a
  negative or an absurd count raises instead of rescaling the result.
* Returns are treated as **additive** (the strategy is re-sized to the same capital each
  period, as a short-volatility overlay is): the equity curve is the cumulative sum of the
  returns, and a drawdown is measured in the same unit as the returns (a drawdown of 0.25
  is 25 % of the capital). ``compound=True`` in the drawdown functions compounds instead
  (wealth ``prod(1 + r)``, drawdown relative to the running peak of wealth).

Every function raises :class:`ValueError` on NaN, inf, None, on too few observations, or
on a bad parameter, naming the argument; a boolean passed as a number, or anything but a
boolean passed as a switch (``compound="False"``), raises :class:`TypeError`.

Sampling uncertainty
--------------------
:func:`sharpe_se`, :func:`mean_se`, :func:`hit_rate_se` and :func:`performance_table` give
standard errors fit for skewed, fat-tailed and serially dependent returns (the non-normal
asymptotic formula of Mertens 2002 / Opdyke 2007 with an optional Lo 2002 correction for
autocorrelation, or the moving-block bootstrap of :mod:`vrp_lib.bootstrap`);
:func:`deflated_sharpe` corrects the best of many tried strategies for selection (Bailey and
Lopez de Prado 2014), with :func:`effective_trials` counting correlated trials for fewer;
:func:`min_track_record` is the record a Sharpe ratio needs to be told from a target (Bailey
and Lopez de Prado 2012) and :func:`rolling_sharpe` shows how a short record flatters.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
from scipy.special import ndtr, ndtri

from . import _checks

def _norm_pdf(z):
    """The standard normal density (as scipy.stats.norm.pdf computes it, without importing
    scipy.stats: about a second at a chapter's first call)."""
    return np.exp(-z**2 / 2.0) / np.sqrt(2 * np.pi)


__all__ = [
    "annualized_return", "annualized_vol", "sharpe", "skewness", "excess_kurtosis",
    "equity_curve", "drawdowns", "max_drawdown", "max_drawdown_duration", "time_under_water",
    "worst_period", "cvar", "normal_cvar", "hit_rate", "runs", "summary",
    "sharpe_se", "mean_se", "hit_rate_se", "performance_table", "expected_max_sharpe",
    "deflated_sharpe", "effective_trials", "min_track_record", "rolling_sharpe", "band_summary",
]


def _returns(returns, name: str = "returns", min_obs: int = 2) -> np.ndarray:
    """Validate returns and give a float array with time on the last axis."""
    if returns is None:
        raise ValueError(f"{name}: got None; pass a Series or an array of returns")
    if isinstance(returns, (str, bytes, bool, np.bool_)):
        raise TypeError(f"{name}: expected a Series or an array of numbers, got {returns!r}")
    if isinstance(returns, pd.DataFrame):
        raise ValueError(
            f"{name}: pass a Series or an array (paths x time); for a DataFrame of several "
            "strategies use risk.summary"
        )
    if isinstance(returns, pd.Series):
        # A Series is a dated record: its index must be a sorted, unique, naive
        # DatetimeIndex (an array carries no dates and is taken as it is).
        _checks.series(returns, name)
    if isinstance(returns, (list, tuple)):
        flat = np.ravel(np.asarray(returns, dtype=object))
        if any(x is None or isinstance(x, (bool, np.bool_, str, bytes)) for x in flat):
            # numpy would read [0.1, True] as [0.1, 1.0] and ["0.1", 0.2] as text or numbers
            raise TypeError(f"{name}: contains None, a boolean or a string; pass numbers")
    raw = np.asarray(returns.to_numpy() if isinstance(returns, pd.Series) else returns)
    if raw.dtype.kind in "USV":
        raise TypeError(f"{name}: contains strings; pass numbers, not text")
    if raw.dtype == bool:
        raise TypeError(f"{name}: booleans are not returns (pass numbers)")
    if raw.dtype == object and any(x is None or isinstance(x, (bool, np.bool_, str, bytes))
                                   for x in raw.ravel()):
        raise TypeError(f"{name}: contains None, a boolean or a string; pass numbers")
    try:
        a = np.asarray(raw, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name}: values must be numbers") from None
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


def _number(x, name: str) -> float:
    """A finite scalar that is a number, not a boolean, a string or None (those raise
    :class:`vrp_lib._checks.ArgumentTypeError`, both a TypeError and a ValueError)."""
    return _checks.finite(x, name)


#: Most periods a year any count here may hold: hourly observations over a leap year.
MAX_PER_YEAR = 366 * 24
#: Fewest periods a year :func:`sharpe` and friends accept: one period of ten years.
MIN_PERIODS_PER_YEAR = 0.1


def _per_year(x, name: str, low: float = 1.0) -> float:
    """A count of periods (or trading days) per year in ``[low, MAX_PER_YEAR]``.

    Zero, a negative, NaN, inf, a boolean or a string raise, and so does an absurd count
    (above 8,784, hourly over a leap year; below ``low``, 1 for a daily annualization): a
    count of 0 or 1e7 would otherwise rescale a result silently. Shared by the modules
    that annualize (premium, regimes, strategies, correlation).
    """
    v = _number(x, name)
    if not low <= v <= MAX_PER_YEAR:
        raise ValueError(f"{name} must lie in [{low:g}, {MAX_PER_YEAR:,}] periods a year "
                         f"(252 for daily data, 12 for monthly), got {v:g}")
    return v


def _ppy(periods_per_year) -> float:
    return _per_year(periods_per_year, "periods_per_year", MIN_PERIODS_PER_YEAR)


def _rate(x, name: str) -> float:
    """An annual rate as a decimal, at most 1 (100 %) in size: 5.2 looks like percent."""
    v = _number(x, name)
    if abs(v) > 1.0:
        raise ValueError(f"{name} ({v:g}) is above 1 in size: pass an annual rate as a decimal "
                         "(0.052 for 5.2 %), not percent")
    return v


def _flag(x, name: str) -> bool:
    """A switch: only ``True`` or ``False`` (a string such as ``"False"`` is refused)."""
    if not isinstance(x, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {x!r}")
    return bool(x)


def _level(level) -> float:
    lv = _number(level, "level")
    if not 0.0 < lv < 1.0:
        raise ValueError(f"level must lie strictly between 0 and 1, got {level!r}")
    return lv


def _int_arg(x, name: str, low: int) -> int:
    return _checks.integer(x, name, low)


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
        Annual risk-free rate (decimal, at most 1 in size: 5.2 is refused as percent)
        subtracted from funded returns.

    Raises
    ------
    ValueError
        If a record has zero standard deviation (the ratio does not exist).
    """
    a = _returns(returns)
    p = _ppy(periods_per_year)
    rf = _rate(risk_free, "risk_free")
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
    if _flag(compound, "compound"):
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
    compound = _flag(compound, "compound")
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
    lv = _level(level)
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

    a = _returns(returns, min_obs=2)
    lv = _level(level)
    z_term = _norm_pdf(ndtri(lv)) / lv
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
        Periodic returns; a DataFrame holds one strategy per column (with no NaN). The
        index must be a sorted, unique, timezone-naive DatetimeIndex.

    Returns
    -------
    pandas.Series or pandas.DataFrame
        ``ann_return``, ``ann_vol``, ``sharpe``, ``skew``, ``excess_kurtosis``,
        ``max_drawdown``, ``max_dd_duration`` (periods), ``worst_period``, ``cvar``
        (at ``level``; NaN when the record holds fewer than ``1 / level`` periods),
        ``hit_rate``, ``time_under_water``, ``n``; one row per column of a DataFrame.
    """
    _ppy(periods_per_year)
    _level(level)
    _flag(compound, "compound")
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


# --------------------------------------------------------------------- sampling uncertainty

_EULER_GAMMA = 0.5772156649015329


def _record(returns, name: str = "returns", min_obs: int = 2) -> np.ndarray:
    a = _returns(returns, name, min_obs=min_obs)
    if a.ndim != 1:
        raise ValueError(f"{name}: expected one track record (1-D), got shape {a.shape}")
    return a


def _boot_args(a: np.ndarray, block, n_boot, seed) -> tuple[int, int, int]:
    from . import bootstrap

    b = _int_arg(block, "block", 1)
    nb = bootstrap._n_boot(n_boot, 2)
    sd = _int_arg(seed, "seed", 0)
    if a.size < 2 * b:
        raise ValueError(
            f"returns: {a.size} periods is too short for a block of {b}: need at least "
            f"{2 * b} (two blocks); pass a shorter block"
        )
    return b, nb, sd


#: Largest ``n * n_boot`` whose resample indices are kept between calls (16 MB each, 8 kept).
_CACHED_DRAWS = 2_000_000


@lru_cache(maxsize=8)
def _resample_indices(n: int, block: int, n_boot: int, seed: int) -> np.ndarray:
    """``bootstrap.block_indices``, kept for the next call with the same settings (read-only)."""
    from . import bootstrap

    idx = bootstrap.block_indices(n, block, n_boot, seed)
    idx.flags.writeable = False
    return idx


def _boot_se(a: np.ndarray, statistic: str, block: int, n_boot: int, seed: int) -> float:
    """``bootstrap.block_bootstrap_se(a, statistic, block, n_boot, seed)``, the same numbers,
    with the resample indices drawn once per length and settings (a table of SEs of many
    records of one length draws them once)."""
    from . import bootstrap

    if a.size * n_boot > _CACHED_DRAWS:        # too large to keep: drawn for this call only
        idx = bootstrap.block_indices(a.size, block, n_boot, seed)
        return _se_of_draws(bootstrap.STATISTICS[statistic](a[idx]))
    # the same record asked again (a chapter quoting an SE in a table and in its text):
    # the stored number, bit for bit
    key = (a.tobytes(), a.dtype.str, statistic, block, n_boot, seed)
    if key not in _SE_MEMO:
        idx = _resample_indices(a.size, block, n_boot, seed)
        if len(_SE_MEMO) >= _SE_MEMO_SIZE:
            _SE_MEMO.pop(next(iter(_SE_MEMO)))
        _SE_MEMO[key] = _se_of_draws(bootstrap.STATISTICS[statistic](a[idx]))
    return _SE_MEMO[key]


#: Bootstrap SEs kept by record, statistic and settings (oldest dropped first).
_SE_MEMO: dict = {}
_SE_MEMO_SIZE = 256


def _se_of_draws(draws) -> float:
    draws = np.asarray(draws, dtype=float)
    if not np.isfinite(draws).all():
        raise ValueError("statistic: not finite on some resamples (e.g. a constant resample for a "
                         "Sharpe ratio)")
    return float(draws.std(ddof=1))


def sharpe_se(returns, periods_per_year: float = 12, method: str = "opdyke", block: int = 12,
              n_boot: int = 1000, seed: int = 0, lags: int = 0) -> float:
    """Standard error of the annualized Sharpe ratio, for skewed and dependent returns.

    Parameters
    ----------
    returns : pandas.Series or array_like
        One track record of periodic returns (decimals or currency), 1-D, no NaN or inf.
    periods_per_year : float
        12 for monthly returns, 252 for daily ones; the Sharpe ratio and its standard error
        are annualized with ``sqrt(periods_per_year)``.
    method : {"opdyke", "bootstrap"}
        ``"opdyke"``: the asymptotic variance of the per-period ratio ``SR = mean / sd``
        for non-normal returns (Mertens 2002; Opdyke 2007),
        ``Var(SR) = (1 - skew * SR + (kurt - 1) / 4 * SR**2) / n`` with ``skew`` and
        ``kurt`` the sample skewness and (Pearson, 3 for a normal) kurtosis. With
        ``lags > 0`` the same delta-method variance uses a Newey-West (Bartlett) long-run
        covariance of the moment conditions ``(r - mean, (r - mean)**2 - var)``: the
        autocorrelation-robust estimator of Lo (2002). ``lags = 0`` gives Opdyke's formula
        exactly. ``"bootstrap"``: the moving-block bootstrap
        (:func:`vrp_lib.bootstrap.block_bootstrap_se` with ``block``, ``n_boot``, ``seed``).
    block, n_boot, seed : int
        Bootstrap block length (periods), number of resamples and seed; used by
        ``"bootstrap"`` only, but validated whatever the method (integers, ``block >= 1``,
        ``2 <= n_boot <=`` :data:`vrp_lib.bootstrap.MAX_N_BOOT`, ``seed >= 0``, ``block``
        at most the record's length); with ``"bootstrap"`` the record must hold at least
        two blocks.
    lags : int
        Newey-West lags for ``"opdyke"`` (0: no autocorrelation correction).

    Returns
    -------
    float
        Standard error of the annualized Sharpe ratio (unit-free).

    Notes
    -----
    Both methods are large-sample approximations. On a short record with rare large losses
    (120 months with a 5 % crash probability) both understate the true spread (the formula
    by about 15 % in the tests' simulation), because the sample rarely shows enough crashes.
    """
    if not isinstance(method, str) or method not in ("opdyke", "bootstrap"):
        raise ValueError(f"method must be 'opdyke' or 'bootstrap', got {method!r}")
    a = _record(returns, min_obs=4)
    p = _ppy(periods_per_year)
    q = _int_arg(lags, "lags", 0)
    # The bootstrap settings are checked whatever the method: a bad value is a mistake
    # even where it is not used (the record's length is checked against the block only
    # by the bootstrap).
    b = _int_arg(block, "block", 1)
    _int_arg(n_boot, "n_boot", 2)
    _int_arg(seed, "seed", 0)
    from . import bootstrap

    bootstrap._n_boot(n_boot, 2)
    if b > a.size:
        raise ValueError(f"block ({b}) is longer than returns ({a.size} periods)")
    if method == "bootstrap":
        b, nb, sd = _boot_args(a, block, n_boot, seed)
        sharpe(a, p)  # raises on a constant record
        return float(np.sqrt(p) * _boot_se(a, "sharpe", b, nb, sd))
    n = a.size
    if q >= n:
        raise ValueError(f"lags ({q}) must be smaller than the number of periods ({n})")
    mu = a.mean()
    d = a - mu
    var = (d**2).mean()
    if var <= 1e-24 * max((a**2).max(), 1e-300):
        raise ValueError("returns: zero variance, the Sharpe ratio is undefined")
    sd_s = a.std(ddof=1)
    sr = mu / sd_s
    h = np.column_stack([d, d**2 - var])
    lrv = h.T @ h / n
    for k in range(1, q + 1):
        w = 1.0 - k / (q + 1.0)
        g = h[k:].T @ h[:-k] / n
        lrv = lrv + w * (g + g.T)
    grad = np.array([1.0 / np.sqrt(var), -mu / (2.0 * var**1.5)])
    v = float(grad @ lrv @ grad) / n
    if not v > 0:
        raise ValueError("returns: the estimated variance of the Sharpe ratio is not positive")
    return float(np.sqrt(p * v))


def mean_se(returns, periods_per_year: float = 12, block: int = 12, n_boot: int = 1000,
            seed: int = 0) -> float:
    """Moving-block bootstrap standard error of the annualized mean return.

    ``periods_per_year`` times the bootstrap standard error of the periodic mean, in the
    unit of ``returns`` per year (see :func:`annualized_return`).
    """
    a = _record(returns)
    p = _ppy(periods_per_year)
    b, nb, sd = _boot_args(a, block, n_boot, seed)
    return float(p * _boot_se(a, "mean", b, nb, sd))


def hit_rate_se(returns, block: int = 12, n_boot: int = 1000, seed: int = 0) -> float:
    """Moving-block bootstrap standard error of the hit rate (a fraction, not percent)."""
    a = _record(returns)
    b, nb, sd = _boot_args(a, block, n_boot, seed)
    return float(_boot_se(a, "hit_rate", b, nb, sd))


#: Column names of :func:`performance_table`.
PERFORMANCE_COLUMNS = (
    "Mean return (annualized)", "SE of mean", "Sharpe ratio (annualized)", "SE of Sharpe",
    "Hit rate", "SE of hit rate", "Periods",
)


def performance_table(returns_by_name, periods_per_year: float = 12, block: int = 12,
                      n_boot: int = 1000, seed: int = 0,
                      sharpe_method: str = "bootstrap") -> pd.DataFrame:
    """Mean, Sharpe ratio and hit rate of several track records, each with its standard error.

    Parameters
    ----------
    returns_by_name : dict of {str: Series or array} or pandas.DataFrame
        One track record per entry (or per column), periodic returns, no NaN; a Series
        (or a DataFrame) must have a sorted, unique, timezone-naive DatetimeIndex.
    periods_per_year, block, n_boot, seed
        Annualization and bootstrap settings (block 12 for monthly returns).
    sharpe_method : {"bootstrap", "opdyke"}
        How the Sharpe ratio's standard error is computed (see :func:`sharpe_se`).

    Returns
    -------
    pandas.DataFrame
        One row per record; columns ``PERFORMANCE_COLUMNS``: the annualized mean return
        (unit of the returns per year) and its SE, the annualized Sharpe ratio and its SE,
        the hit rate (fraction of periods with a positive return) and its SE, the number of
        periods.
    """
    if isinstance(returns_by_name, pd.DataFrame):
        items = [(c, returns_by_name[c]) for c in returns_by_name.columns]
    elif isinstance(returns_by_name, dict):
        items = list(returns_by_name.items())
    else:
        raise TypeError(
            "returns_by_name: expected a dict {name: returns} or a DataFrame, got "
            f"{type(returns_by_name).__name__}"
        )
    if not items:
        raise ValueError("returns_by_name: empty, no track record to measure")
    p = _ppy(periods_per_year)
    _checks.choice(sharpe_method, "sharpe_method", ("bootstrap", "opdyke"))
    rows = {}
    for name, r in items:
        a = _record(r, name=f"returns_by_name[{name!r}]")
        b, nb, sd = _boot_args(a, block, n_boot, seed)
        # mean_se, sharpe_se and hit_rate_se on one set of resamples (the same indices)
        sr = sharpe(a, p)
        sr_se = (float(np.sqrt(p) * _boot_se(a, "sharpe", b, nb, sd)) if sharpe_method == "bootstrap"
                 else sharpe_se(a, p, sharpe_method, block, n_boot, seed))
        rows[name] = [annualized_return(a, p), float(p * _boot_se(a, "mean", b, nb, sd)), sr, sr_se,
                      hit_rate(a), _boot_se(a, "hit_rate", b, nb, sd), float(a.size)]
    out = pd.DataFrame.from_dict(rows, orient="index", columns=list(PERFORMANCE_COLUMNS))
    out["Periods"] = out["Periods"].astype(int)
    return out


def expected_max_sharpe(n_trials: int, sharpe_var: float) -> float:
    """Expected maximum of ``n_trials`` Sharpe ratios whose true value is zero.

    ``sqrt(V) * ((1 - g) * Phi^-1(1 - 1/N) + g * Phi^-1(1 - 1/(N e)))`` with ``g`` the
    Euler-Mascheroni constant (Bailey and Lopez de Prado 2014, after the extreme-value limit
    of the maximum of ``N`` independent normals). In the unit of ``sqrt(sharpe_var)``;
    zero for one trial.
    """

    n = _int_arg(n_trials, "n_trials", 1)
    v = _number(sharpe_var, "sharpe_var")
    if v < 0:
        raise ValueError(f"sharpe_var must be non-negative, got {sharpe_var!r}")
    if n == 1:
        return 0.0
    z = (1 - _EULER_GAMMA) * ndtri(1 - 1 / n) + _EULER_GAMMA * ndtri(1 - 1 / (n * np.e))
    return float(np.sqrt(v) * z)


def deflated_sharpe(sharpe_observed, sharpe_trials, n_obs, skew, kurt, *, n_trials=None,
                    periods_per_year: float = 12) -> float:
    """Deflated Sharpe ratio (Bailey and Lopez de Prado 2014).

    A confidence level under the null: ``Phi`` of the observed ratio's distance above the
    ratio the best of ``N`` worthless strategies would show by luck, in standard errors,

    ``DSR = Phi((SR - SR0) * sqrt(T - 1) / sqrt(1 - skew * SR + (kurt - 1) / 4 * SR**2))``,
    ``SR0 = expected_max_sharpe(N, Var(trials))``, all ratios per period.

    How to read it: ``1 - DSR`` is a p-value of the hypothesis "every trial is worthless (true
    Sharpe ratio zero) and this one was picked as the best of ``N``". A DSR above 0.95 rejects
    that hypothesis at 5 %. It is **not** the probability that the selected strategy's true
    Sharpe ratio is above zero (or above a benchmark, when the trials are differences to one):
    that would need a prior over true Sharpe ratios, which the test does not use.

    Parameters
    ----------
    sharpe_observed : float
        Annualized Sharpe ratio of the selected (best) strategy.
    sharpe_trials : array_like
        Annualized Sharpe ratios of every strategy tried (the selected one included); their
        variance across trials sets the luck benchmark. At least two.
    n_obs : int
        Number of periods ``T`` in the selected strategy's record.
    skew, kurt : float
        Skewness and **Pearson** kurtosis (3 for a normal, not the excess) of the selected
        strategy's periodic returns. ``kurt`` must be at least ``1 + skew**2``.
    n_trials : int, optional
        Number of independent trials ``N``; defaults to ``len(sharpe_trials)``. Correlated
        trials count for fewer: pass :func:`effective_trials` of their correlation matrix
        (rounded to an integer of at least 1).
    periods_per_year : float
        Converts the annualized ratios to per-period ones (``/ sqrt(periods_per_year)``).

    Returns
    -------
    float
        A confidence level in [0, 1]; above 0.95 the selected strategy beats the luck of
        ``N`` trials at 5 %.
    """

    p = _ppy(periods_per_year)
    sr = _number(sharpe_observed, "sharpe_observed") / np.sqrt(p)
    if sharpe_trials is None:
        raise ValueError("sharpe_trials: got None; pass the Sharpe ratios of every trial")
    trials = _record(sharpe_trials, name="sharpe_trials", min_obs=2)
    t = _int_arg(n_obs, "n_obs", 2)
    g3 = _number(skew, "skew")
    g4 = _number(kurt, "kurt")
    if g4 < 1 + g3**2 - 1e-12:
        raise ValueError(
            f"kurt ({g4:g}) is below 1 + skew**2 ({1 + g3**2:g}): pass the Pearson kurtosis "
            "(3 for a normal), not the excess kurtosis"
        )
    n = len(trials) if n_trials is None else _int_arg(n_trials, "n_trials", 1)
    sr0 = expected_max_sharpe(n, float(trials.var(ddof=1)) / p)
    denom = 1.0 - g3 * sr + (g4 - 1.0) / 4.0 * sr**2
    if not denom > 0:
        raise ValueError("skew and kurt give a non-positive variance of the Sharpe ratio")
    return float(ndtr((sr - sr0) * np.sqrt(t - 1.0) / np.sqrt(denom)))


# ------------------------------------------------------------- trials, track records

#: Methods of :func:`effective_trials`.
TRIAL_METHODS = ("li-ji", "nyholt", "average")


def _correlation(x, name: str = "correlation") -> np.ndarray:
    """A correlation matrix: square, at least 2 x 2, symmetric, unit diagonal, entries in
    [-1, 1], positive semi-definite (eigenvalues above ``-1e-8``)."""
    c = _checks.array(x, name, ndim=2)
    if c.shape[0] != c.shape[1] or c.shape[0] < 2:
        raise ValueError(f"{name}: expected a square matrix of at least 2 x 2, got shape {c.shape}")
    if np.abs(c - c.T).max() > 1e-10:
        raise ValueError(f"{name}: not symmetric")
    if np.abs(np.diag(c) - 1.0).max() > 1e-10:
        raise ValueError(f"{name}: the diagonal must be 1 (a correlation, not a covariance, matrix)")
    if np.abs(c).max() > 1.0 + 1e-10:
        raise ValueError(f"{name}: an entry lies outside [-1, 1]")
    lam = np.linalg.eigvalsh((c + c.T) / 2.0)
    if lam.min() < -1e-8:
        raise ValueError(f"{name}: not positive semi-definite (eigenvalue {lam.min():.3g})")
    return c


def effective_trials(correlation, method: str = "li-ji") -> float:
    """Effective number of independent trials among ``M`` correlated ones.

    Parameters
    ----------
    correlation : array_like
        ``M x M`` correlation matrix of the trials' returns (e.g. ``numpy.corrcoef`` of the
        filter cells' monthly P&L, one row per cell).
    method : {"li-ji", "nyholt", "average"}
        From the eigenvalues ``lambda_i`` of the correlation matrix (they sum to ``M``):

        * ``"li-ji"`` (Li and Ji 2005): ``sum_i [I(lambda_i >= 1) + (lambda_i - floor(lambda_i))]``;
          ``k`` blocks of perfectly correlated trials count as ``k``;
        * ``"nyholt"`` (Nyholt 2004): ``1 + (M - 1) (1 - Var(lambda) / M)``, ``Var`` with
          ``M - 1`` in the denominator; conservative for block structures;
        * ``"average"``: ``rho + (1 - rho) M`` with ``rho`` the mean off-diagonal correlation,
          the approximation Bailey and Lopez de Prado (2014) give for the deflated Sharpe
          ratio.

        Eigenvalues are rounded to 10 decimals before ``floor``, so that an eigenvalue of
        6 computed as 5.9999999999999 counts as 6.

    Returns
    -------
    float
        The effective number of trials, between 1 and ``M`` for ``"li-ji"`` and
        ``"nyholt"`` with non-negative correlations (a float: round it for ``n_trials``).
    """
    c = _correlation(correlation)
    how = _checks.choice(method, "method", TRIAL_METHODS)
    m = c.shape[0]
    lam = np.clip(np.linalg.eigvalsh((c + c.T) / 2.0), 0.0, None)
    if how == "li-ji":
        a = np.round(lam, 10)
        return float(((a >= 1.0) + (a - np.floor(a))).sum())
    if how == "nyholt":
        return float(1.0 + (m - 1.0) * (1.0 - lam.var(ddof=1) / m))
    rho = (c.sum() - np.trace(c)) / (m * (m - 1.0))
    return float(rho + (1.0 - rho) * m)


def min_track_record(returns, target: float = 0.0, level: float = 0.95, periods_per_year: float = 12,
                     normal: bool = False) -> float:
    """Minimum track record length (Bailey and Lopez de Prado 2012), in periods.

    The number of periods a record with this Sharpe ratio, skewness and kurtosis needs for
    its Sharpe ratio to be above ``target`` at confidence ``level`` (a one-sided test):

    ``MinTRL = 1 + (1 - g3 SR + (g4 - 1) / 4 SR^2) (z / (SR - SR*))^2``,

    with ``SR`` and ``SR*`` per period (the annualized ratios over ``sqrt(periods_per_year)``),
    ``z = Phi^-1(level)``, ``g3`` and ``g4`` the skewness and Pearson kurtosis of the returns
    (moment estimates ``m3 / m2^1.5`` and ``m4 / m2^2``, as in the paper) and ``SR`` the
    sample ratio with ``ddof = 1`` (:func:`sharpe`).

    Parameters
    ----------
    returns : pandas.Series or array_like
        One record of periodic returns (or P&L), at least 4 periods.
    target : float
        The annualized Sharpe ratio to beat (0: a positive Sharpe ratio).
    level : float
        Confidence level in (0, 1).
    periods_per_year : float
        12 for monthly returns.
    normal : bool
        True: as if the returns were normal (``g3 = 0``, ``g4 = 3``), for comparison.

    Returns
    -------
    float
        Periods (months for monthly returns); compare with the record's length.
    """

    a = _record(returns, min_obs=4)
    p = _ppy(periods_per_year)
    sr_star = _number(target, "target") / np.sqrt(p)
    z = ndtri(_level(level))
    flat = _flag(normal, "normal")
    sr = sharpe(a, p) / np.sqrt(p)
    if sr <= sr_star:
        raise ValueError(f"returns: the Sharpe ratio ({sr * np.sqrt(p):.3g} annualized) is not above target "
                         f"({sr_star * np.sqrt(p):.3g}); no track record length can show it is")
    if flat:
        g3, g4 = 0.0, 3.0
    else:
        d = a - a.mean()
        m2 = (d**2).mean()
        g3, g4 = (d**3).mean() / m2**1.5, (d**4).mean() / m2**2
    var = 1.0 - g3 * sr + (g4 - 1.0) / 4.0 * sr**2
    return float(1.0 + var * (z / (sr - sr_star)) ** 2)


def rolling_sharpe(returns, window: int = 36, periods_per_year: float = 12):
    """Annualized Sharpe ratio of every ``window``-period stretch of a record.

    Parameters
    ----------
    returns : pandas.Series or array_like
        One record of periodic returns, at least ``window`` periods.
    window : int
        Periods per stretch (36 months: the short track record an allocator often sees), at
        least 3.
    periods_per_year : float
        12 for monthly returns.

    Returns
    -------
    pandas.Series or numpy.ndarray
        One ratio per stretch, ``len - window + 1`` of them; a Series is indexed by the
        stretch's last date. A stretch with zero standard deviation raises.
    """
    a = _record(returns, min_obs=3)
    p = _ppy(periods_per_year)
    w = _int_arg(window, "window", 3)
    if w > a.size:
        raise ValueError(f"window ({w}) is longer than returns ({a.size} periods)")
    stretches = np.lib.stride_tricks.sliding_window_view(a, w)
    out = sharpe(stretches, p)
    out = np.atleast_1d(out)
    if isinstance(returns, pd.Series):
        return pd.Series(out, index=returns.index[w - 1:], name="rolling Sharpe")
    return out


def band_summary(values, se) -> dict:
    """One estimate under several defensible choices: its band, robust figure and total error.

    The specification error of a choice (a smile shape, a roll calendar) is not in a
    sampling standard error. Given the estimate under each choice and the sampling standard
    error of the estimate, this returns the band ``[low, high]``, the **median** over the
    choices (the robust figure to headline: it moves least when one choice is added or
    dropped) and a total error ``sqrt(se^2 + ((high - low) / 2)^2)``: the sampling error and
    half the band's width in quadrature (a band read as about two standard errors wide).

    Parameters
    ----------
    values : sequence of float
        The estimate under each choice (at least two, finite), in its own unit.
    se : float
        Sampling standard error of the estimate (non-negative, same unit), e.g. at the
        headline choice.

    Returns
    -------
    dict
        ``low``, ``high``, ``median``, ``se`` (as given), ``se_total`` (same unit).
    """
    v = _checks.array(values, "values", ndim=1)
    if v.size < 2:
        raise ValueError(f"values: a band needs at least 2 choices, got {v.size}")
    e = _checks.finite(se, "se")
    if e < 0:
        raise ValueError(f"se must be non-negative, got {e!r}")
    low, high = float(v.min()), float(v.max())
    return {"low": low, "high": high, "median": float(np.median(v)), "se": e,
            "se_total": float(np.hypot(e, (high - low) / 2.0))}
