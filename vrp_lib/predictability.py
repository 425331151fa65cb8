"""What the premium predicts: realized volatility (Mincer-Zarnowitz) and index returns.

Two questions, each a regression on overlapping data:

* **Is the VIX an unbiased forecast of realized volatility?** The Mincer-Zarnowitz (1969)
  regression ``RV_{t,t+21} = a + b IV_t + e`` (levels) or ``ln RV = a + b ln IV + e``
  (logs); an unbiased forecast has ``a = 0`` and ``b = 1``, tested jointly by a Wald test
  (:func:`mincer_zarnowitz`). Daily 21-day windows overlap by 20 days, so the errors are
  serially correlated: the standard errors are Newey-West (HAC, Bartlett weights, at
  least ``window - 1`` lags) or moving-block bootstrap ones, never the textbook OLS ones.
* **Does the variance premium forecast returns?** Bollerslev, Tauchen and Zhou (2009)
  regress the S&P 500 return over the next ``h`` months on the month-end variance premium
  ``VIX_t^2 / 12 - RV_t`` (the past month's realized variance) (:func:`month_end_premium`,
  :func:`return_regression`, :func:`return_predictability`). For ``h > 1`` the monthly
  observations overlap by ``h - 1`` months; the standard errors are Hodrick's (1992) "1B"
  ones (the sum of ``h`` one-month residuals under the null of no predictability, moved
  onto the regressors), Newey-West, or a moving-block bootstrap. :func:`oos_r2` gives the
  out-of-sample R^2 of Campbell and Thompson (2008) with an expanding window.

Units
-----
* Volatilities in **vol points** (the VIX quotes 19.7); logs are natural logs of vol points.
* Monthly returns are **log returns in percent** (2.5 for +2.5 %); the ``h``-month target
  is annualized, ``(12 / h) * sum of the next h monthly returns`` (percent a year).
* The month-end premium is in **monthly variance points** (percent squared per month): a VIX
  of 20 is ``400 / 12 = 33.3``; the past month's realized variance is the sum of the
  month's squared daily log returns in percent squared.

Regression slopes are in the unit of the target per unit of the predictor.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy.special import chdtrc

from . import _checks, bootstrap

__all__ = [
    "SE_KINDS",
    "mincer_zarnowitz",
    "monthly_returns",
    "month_end_premium",
    "return_regression",
    "return_predictability",
    "oos_r2",
]

#: Standard errors fit for overlapping observations: Hodrick (1992) 1B, Newey-West HAC with
#: Bartlett weights, moving-block bootstrap of the (target, predictor) pairs.
SE_KINDS = ("hodrick", "hac", "bootstrap")
#: A series of monthly returns in percent has some month beyond this size (in absolute
#: value); one that never leaves it over a year or more was passed in decimals.
DECIMAL_RETURN_LIMIT = 0.5


# --------------------------------------------------------------------------- checks


def _dated(x, name: str) -> pd.Series:
    """A Series with a sorted, unique, naive DatetimeIndex and finite values."""
    s = _checks.series(x, name)
    v = s.to_numpy()
    bad = ~np.isfinite(v)
    if bad.any():
        raise ValueError(f"{name}: missing or non-finite value on {s.index[bad][0].date()}")
    return s


def _positive(x, name: str) -> pd.Series:
    s = _dated(x, name)
    nonpos = s.to_numpy() <= 0
    if nonpos.any():
        raise ValueError(f"{name}: non-positive value {s[nonpos].iloc[0]} on {s.index[nonpos][0].date()}; "
                         "volatilities must be positive (vol points)")
    return s


def _vol_points(s: pd.Series, name: str) -> pd.Series:
    v = s.to_numpy()
    if v.max() < 1.5:
        raise ValueError(f"{name}: every value is below 1.5 (max {v.max():.4f}): this looks like decimals; "
                         "pass vol points (a VIX of 19.7, not 0.197)")
    if v.max() > 200:
        raise ValueError(f"{name}: values up to {v.max():,.1f} look like prices, not vol points")
    return s


def _percent_returns(r: pd.Series, name: str) -> pd.Series:
    if len(r) >= 12 and np.abs(r.to_numpy()).max() < DECIMAL_RETURN_LIMIT:
        raise ValueError(f"{name}: every monthly return is below {DECIMAL_RETURN_LIMIT} in absolute value: "
                         "this looks like decimals; pass log returns in percent (2.5 for +2.5 %)")
    return r


def _kind(se) -> str:
    return _checks.choice(se, "se", SE_KINDS)


def _common(a: pd.Series, b: pd.Series, name_a: str, name_b: str) -> pd.DatetimeIndex:
    return _checks.overlap(a, b, name_a, name_b)


def _monthly(s: pd.Series, name: str) -> None:
    """Refuse a series with a gap: one observation per calendar month, in order."""
    months = s.index.to_period("M")
    if months.has_duplicates:
        raise ValueError(f"{name}: two observations in the month {months[months.duplicated()][0]}; "
                         "pass one value a month")
    step = np.diff(months.asi8)
    if (step != 1).any():
        i = int(np.flatnonzero(step != 1)[0])
        raise ValueError(f"{name}: months are not consecutive ({months[i]} is followed by "
                         f"{months[i + 1]}); pass an unbroken monthly series")


# --------------------------------------------------------------------------- regression


def _ols(y: np.ndarray, X: np.ndarray):
    """Coefficients, residuals and (X'X)^-1 of a least-squares fit."""
    xtx_inv = np.linalg.inv(X.T @ X)
    b = xtx_inv @ (X.T @ y)
    return b, y - X @ b, xtx_inv


def _newey_west(X: np.ndarray, e: np.ndarray, xtx_inv: np.ndarray, lags: int) -> np.ndarray:
    """Newey-West (1987) covariance of OLS coefficients, Bartlett weights 1 - l / (lags + 1),
    no small-sample correction."""
    g = X * e[:, None]
    s = g.T @ g
    for lag in range(1, lags + 1):
        c = g[lag:].T @ g[:-lag]
        s += (1.0 - lag / (lags + 1.0)) * (c + c.T)
    return xtx_inv @ s @ xtx_inv


def _hodrick(X: np.ndarray, u: np.ndarray, xtx_inv: np.ndarray, horizon: int, scale: float) -> np.ndarray:
    """Hodrick (1992) 1B covariance of OLS coefficients of an ``horizon``-period sum.

    ``X`` holds the regressors of origins 0..n-1; ``u`` the one-period residuals under the
    null (returns minus their mean) of periods 1..n+horizon-1, so that the target of origin
    t is ``scale * sum(u[t .. t + horizon - 1]) + const``. Each one-period residual is
    paired with the sum of the regressors of the origins whose target contains it.
    """
    n = X.shape[0]
    c = np.vstack([np.zeros((1, X.shape[1])), np.cumsum(X, axis=0)])
    s_idx = np.arange(u.size)                       # residual s belongs to origins s-h+1 .. s
    lo = np.clip(s_idx - horizon + 1, 0, n)
    hi = np.clip(s_idx + 1, 0, n)
    w = c[hi] - c[lo]
    g = scale * w * u[:, None]
    return xtx_inv @ (g.T @ g) @ xtx_inv


def _bootstrap_cov(y: np.ndarray, x: np.ndarray, block: int, n_boot: int, seed: int) -> np.ndarray:
    """Covariance of (intercept, slope) over moving-block resamples of the (y, x) pairs.

    The resamples of :func:`vrp_lib.bootstrap.joint_block_bootstrap` (same block starts),
    each one's OLS fit from its sums of ``x``, ``y``, ``x**2`` and ``x*y`` (block sums of
    the series centred on their sample means) instead of an ``n_boot x n`` gather: the same
    coefficients to rounding (about 1e-12 relative).
    """
    n = y.size
    bootstrap._block(block, n, "x")
    starts = bootstrap._block_starts(n, block, n_boot, seed)
    xc, yc = x.mean(), y.mean()
    dx, dy = x - xc, y - yc
    sx, sy, sxx, sxy = (bootstrap._resampled_sums(v, starts, block)
                        for v in (dx, dy, dx * dx, dx * dy))
    xm, ym = sx / n, sy / n
    vxx = sxx - sx * xm
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = (sxy - sx * ym) / np.where(vxx > 1e-12 * sxx.max(), vxx, np.nan)
    draws = np.column_stack([(ym + yc) - slope * (xm + xc), slope])
    if not np.isfinite(draws).all():
        raise ValueError("statistic: not finite on some resamples")
    return np.cov(draws, rowvar=False, ddof=1)


def _fit(y, x, kind, *, lags=0, block=12, n_boot=1000, seed=0, u=None, horizon=1, scale=1.0):
    X = np.column_stack([np.ones_like(x), x])
    b, e, xtx_inv = _ols(y, X)
    if kind == "hac":
        cov = _newey_west(X, e, xtx_inv, lags)
    elif kind == "hodrick":
        cov = _hodrick(X, u, xtx_inv, horizon, scale)
    else:
        cov = _bootstrap_cov(y, x, block, n_boot, seed)
    se = np.sqrt(np.diag(cov))
    r2 = 1.0 - (e @ e) / ((y - y.mean()) @ (y - y.mean()))
    return b, se, cov, float(r2)


def _int_arg(v, name: str, minimum: int) -> int:
    return _checks.integer(v, name, minimum=minimum)


def _resampling(block, n_boot, seed, n: int, what: str) -> tuple[int, int, int]:
    """Bootstrap settings, checked whatever the standard error: a block that leaves at least
    five blocks in ``n`` observations, 2 to :data:`bootstrap.MAX_N_BOOT` resamples, a seed."""
    block = _int_arg(block, "block", 1)
    if block > n // 5:
        raise ValueError(f"block: {block} is too long for {n} {what} (need at least five blocks)")
    n_boot = _int_arg(n_boot, "n_boot", 2)
    if n_boot > bootstrap.MAX_N_BOOT:
        raise ValueError(f"n_boot: {n_boot:,} resamples is more than {bootstrap.MAX_N_BOOT:,}")
    return block, n_boot, _int_arg(seed, "seed", 0)


# --------------------------------------------------------------------------- Mincer-Zarnowitz


def mincer_zarnowitz(realized, forecast, form: str = "level", lags: int = 21, se: str = "hac",
                     block: int = 252, n_boot: int = 1000, seed: int = 0) -> pd.Series:
    """Mincer-Zarnowitz regression of realized volatility on its forecast, and the test of
    unbiasedness ``a = 0, b = 1``.

    ``RV_t = a + b F_t + e_t`` (``form="level"``, vol points) or
    ``ln RV_t = a + b ln F_t + e_t`` (``form="log"``), by least squares on the dates both
    exist. The Wald statistic ``(theta - (0, 1))' V^-1 (theta - (0, 1))`` is chi-squared
    with 2 degrees of freedom under unbiasedness.

    Parameters
    ----------
    realized : pandas.Series
        Realized volatility of the window after each date (vol points), dated at the
        window's origin t, e.g. ``premium.aligned(vix, spx)["realized"]``.
    forecast : pandas.Series
        The forecast made at t (vol points), e.g. the VIX.
    form : {"level", "log"}
        Regression in vol points or in natural logs of vol points.
    lags : int
        Newey-West lags (trading days) when ``se="hac"``; at least ``window - 1`` for
        overlapping windows (20 for 21-day windows). Must leave at least 10 observations
        per lag.
    se : {"hac", "bootstrap"}
        Newey-West (Bartlett weights, no small-sample correction) or a moving-block
        bootstrap of the (realized, forecast) pairs.
    block, n_boot, seed : int
        Block length (trading days), resamples and seed when ``se="bootstrap"``.

    Returns
    -------
    pandas.Series
        ``intercept`` and ``slope`` (units of the regression: vol points per vol point,
        or log per log), ``se_intercept``, ``se_slope``, ``t_slope_one``
        (``(b - 1) / se_b``), ``wald`` and ``p_value`` of the joint test, ``r2``, ``n``
        (dates), ``lags`` and ``se_kind``.

    Raises
    ------
    ValueError
        Missing or non-positive values, decimals for vol points, no common dates, a
        sample too short for the lags or the block, a forecast that does not vary.
    """
    kind = _checks.choice(se, "se", ("hac", "bootstrap"))
    f = _checks.choice(form, "form", ("level", "log"))
    rv = _vol_points(_positive(realized, "realized"), "realized")
    fc = _vol_points(_positive(forecast, "forecast"), "forecast")
    lags = _int_arg(lags, "lags", 0)
    common = _common(rv, fc, "realized", "forecast")
    y, x = rv.reindex(common).to_numpy(), fc.reindex(common).to_numpy()
    if f == "log":
        y, x = np.log(y), np.log(x)
    n = y.size
    if n < max(10 * (lags + 1), 30):
        raise ValueError(f"realized and forecast share {n} dates: too short for lags={lags} "
                         f"(need at least {max(10 * (lags + 1), 30)})")
    block, n_boot, seed = _resampling(block, n_boot, seed, n, "dates")
    if np.ptp(x) == 0:
        raise ValueError("forecast: constant on the common dates; the slope is not identified")
    b, s, cov, r2 = _fit(y, x, kind, lags=lags, block=block, n_boot=n_boot, seed=seed)
    d = b - np.array([0.0, 1.0])
    wald = float(d @ np.linalg.solve(cov, d))
    return pd.Series({
        "intercept": float(b[0]), "slope": float(b[1]),
        "se_intercept": float(s[0]), "se_slope": float(s[1]),
        "t_slope_one": float(d[1] / s[1]), "wald": wald, "p_value": float(chdtrc(2, wald)),
        "r2": r2, "n": n, "lags": lags if kind == "hac" else np.nan, "se_kind": kind,
    }, dtype=object)


# --------------------------------------------------------------------------- monthly data


def monthly_returns(prices) -> pd.Series:
    """Month-end to month-end log returns of a daily price series, in percent.

    Parameters
    ----------
    prices : pandas.Series
        Daily closes (index points) with a DatetimeIndex.

    Returns
    -------
    pandas.Series
        ``100 * ln(P_m / P_{m-1})`` with ``P_m`` the last close of calendar month m, dated
        at the calendar month's end (``2008-10-31``); the first month, which has no
        previous close, is dropped. Percent per month.
    """
    p = _checks.prices(prices, "prices")
    last = p.groupby(p.index.to_period("M")).last()
    if len(last) < 2:
        raise ValueError(f"prices: {len(last)} calendar month(s); need at least two for a monthly return")
    out = 100.0 * np.log(last).diff().iloc[1:]
    out.index = out.index.to_timestamp(how="end").normalize()
    out.index.name = "month"
    return out.rename("return")


def month_end_premium(implied_vol, prices, forecast=None) -> pd.Series:
    """The month-end variance premium of Bollerslev, Tauchen and Zhou (2009).

    ``VRP_m = VIX_m^2 / 12 - RV_m``: the implied variance of the coming month at the last
    date of calendar month m on which both series exist, minus the variance realized over
    month m, the sum of its squared daily log returns (percent squared). With
    ``forecast``, the *ex-ante* form ``(VIX_m^2 - F_m) / 12`` replaces the past month's
    variance by a forecast of the coming month's made on the same date.

    Parameters
    ----------
    implied_vol : pandas.Series
        Daily implied volatility in vol points (the VIX).
    prices : pandas.Series
        Daily closes (index points).
    forecast : pandas.Series, optional
        A daily forecast of the annualized variance of the coming month, vol points squared
        (e.g. ``forecast.har_forecast``).

    Returns
    -------
    pandas.Series
        Monthly variance points (percent squared per month), dated at the calendar month's
        end; months without a date common to both series are dropped. The first month of
        ``prices`` is dropped (its variance misses the first return).
    """
    iv = _vol_points(_positive(implied_vol, "implied_vol"), "implied_vol")
    p = _checks.prices(prices, "prices")
    common = _common(iv, p, "implied_vol", "prices")
    r2 = (100.0 * np.log(p).diff()) ** 2
    months = p.index.to_period("M")
    rv = r2.groupby(months).sum(min_count=1).iloc[1:]
    if forecast is not None:
        fc = _dated(forecast, "forecast")
        if fc.to_numpy().min() < 0:
            raise ValueError("forecast: negative variance forecast; pass vol points squared")
        common = _common(pd.Series(0.0, index=common), fc, "implied_vol", "forecast")
    last = pd.Series(common, index=common).groupby(common.to_period("M")).last()
    last = last.loc[last.index.isin(rv.index)]
    if len(last) == 0:
        raise ValueError("implied_vol and prices: no complete month in common")
    iv_m = iv.reindex(last.to_numpy()).to_numpy() ** 2 / 12.0
    if forecast is None:
        out = iv_m - rv.reindex(last.index).to_numpy()
    else:
        out = iv_m - fc.reindex(last.to_numpy()).to_numpy() / 12.0
    idx = last.index.to_timestamp(how="end").normalize()
    return pd.Series(out, index=pd.DatetimeIndex(idx, name="month"), name="vrp")


# --------------------------------------------------------------------------- return regressions


def _pairs(returns, predictor):
    r = _percent_returns(_dated(returns, "returns"), "returns")
    x = _dated(predictor, "predictor")
    _monthly(r, "returns")
    _monthly(x, "predictor")
    r.index = r.index.to_period("M").to_timestamp(how="end").normalize()
    x.index = x.index.to_period("M").to_timestamp(how="end").normalize()
    _common(r, x, "returns", "predictor")
    return r, x


def _targets(r: pd.Series, x: pd.Series, horizon: int):
    """Origins t with a predictor value and h complete months of returns after t.

    Both series are unbroken monthly runs (checked by :func:`_monthly`). Returns the origin
    months, the predictor at the origins, the annualized targets, the one-month returns of
    months t_first+1 .. t_last+h (for Hodrick's residuals) and each target's first position
    among them; ``None`` when no origin has h months of returns after it."""
    rm = r.index.to_period("M").asi8
    xm = x.index.to_period("M").asi8
    keep = (xm + 1 >= rm[0]) & (xm + horizon <= rm[-1])
    if not keep.any():
        return None
    om = xm[keep]
    first = om[0] + 1 - rm[0]
    rr = r.to_numpy()[first:om[-1] + horizon - rm[0] + 1]
    start = om - om[0]
    c = np.concatenate([[0.0], np.cumsum(rr)])
    y = (12.0 / horizon) * (c[start + horizon] - c[start])
    origins = pd.PeriodIndex(x.index[keep], freq="M")
    return origins, x.to_numpy()[keep], y, rr, start


def return_regression(returns, predictor, horizon: int = 3, se: str = "hodrick", lags=None,
                      block: int = 12, n_boot: int = 1000, seed: int = 0) -> pd.Series:
    """Regression of the annualized return over the next ``horizon`` months on a predictor.

    ``(12 / h) * (r_{t+1} + ... + r_{t+h}) = a + b x_t + e``, on every month-end origin t
    with a predictor value and ``h`` complete months of returns after it (an unbroken run
    of months: the origin months must be consecutive).

    Parameters
    ----------
    returns : pandas.Series
        Monthly log returns in percent (:func:`monthly_returns`), dated at month ends, no
        gap.
    predictor : pandas.Series
        The predictor at month ends (e.g. :func:`month_end_premium`, monthly variance
        points), no gap.
    horizon : int
        Months ahead, ``h >= 1``.
    se : {"hodrick", "hac", "bootstrap"}
        Hodrick (1992) 1B (the default; residuals under the null of no predictability),
        Newey-West with ``lags`` (default ``h``, at least ``h - 1``), or a moving-block
        bootstrap of the (target, predictor) pairs with blocks of ``block`` months
        (at least ``h``).
    lags : int, optional
        Newey-West lags for ``se="hac"``.
    block, n_boot, seed : int
        Bootstrap block (months), resamples and seed.

    Returns
    -------
    pandas.Series
        ``intercept`` (percent a year), ``slope`` (percent a year per unit of the
        predictor), ``se_intercept``, ``se_slope``, ``t`` (slope over its SE), ``r2``,
        ``n`` (origins), ``horizon``, ``se_kind``, ``first`` and ``last`` origin.

    Raises
    ------
    ValueError
        Gaps, non-finite values, returns in decimals, fewer than 24 origins, a block
        shorter than the horizon or too long for five blocks, lags below ``h - 1``, a
        constant predictor.
    """
    kind = _kind(se)
    h = _int_arg(horizon, "horizon", 1)
    lag = h if lags is None else _int_arg(lags, "lags", 0)
    r, x = _pairs(returns, predictor)
    return _regression(r, x, h, kind, lag, block, n_boot, seed)


def _regression(r: pd.Series, x: pd.Series, h: int, kind: str, lag: int, block, n_boot,
                seed) -> pd.Series:
    """:func:`return_regression` on series already checked and dated by :func:`_pairs`."""
    got = _targets(r, x, h)
    if got is None or len(got[0]) < 24:
        raise ValueError(f"returns and predictor: fewer than 24 month-end origins with {h} months of "
                         f"returns after them (horizon too long for the data)")
    origins, xs, y, rr, start = got
    if not (np.diff(origins.asi8) == 1).all():
        raise ValueError("predictor: origin months are not consecutive where returns follow them")
    if np.ptp(xs) == 0:
        raise ValueError("predictor: constant on the origins; the slope is not identified")
    if lag < h - 1 or lag > len(y) // 5:
        raise ValueError(f"lags: {lag} must be at least horizon - 1 = {h - 1}, the overlap of the "
                         f"targets, and at most a fifth of the {len(y)} origins")
    block, n_boot, seed = _resampling(block, n_boot, seed, len(y), "origins")
    if kind == "bootstrap" and block < h:
        raise ValueError(f"block: {block} months is shorter than the horizon ({h})")
    u = rr - rr.mean()
    b, s, _, r2 = _fit(y, xs, kind, lags=lag, block=block, n_boot=n_boot, seed=seed,
                       u=u, horizon=h, scale=12.0 / h)
    return pd.Series({
        "intercept": float(b[0]), "slope": float(b[1]), "se_intercept": float(s[0]),
        "se_slope": float(s[1]), "t": float(b[1] / s[1]), "r2": r2, "n": int(y.size),
        "horizon": h, "se_kind": kind,
        "first": origins[0].to_timestamp(how="end").normalize(),
        "last": origins[-1].to_timestamp(how="end").normalize(),
    }, dtype=object)


def return_predictability(returns, predictor, horizons=(1, 3, 6, 12), periods=None,
                          se: str = "hodrick", block: int = 12, n_boot: int = 1000,
                          seed: int = 0) -> pd.DataFrame:
    """:func:`return_regression` at several horizons and over several sub-periods.

    Parameters
    ----------
    returns, predictor : pandas.Series
        As in :func:`return_regression`.
    horizons : sequence of int
        Months ahead.
    periods : mapping of str to (start, end), optional
        Sub-periods by label, ends inclusive (``{"1990-2007": ("1990", "2007")}``). Both
        the origin *and* the returns that follow it must lie in the period: a 12-month
        target of December 2006 would end in 2007, inside; one of 2007 would not. By
        default the whole common sample.
    se, block, n_boot, seed
        As in :func:`return_regression`.

    Returns
    -------
    pandas.DataFrame
        One row per (period, horizon), with the columns of :func:`return_regression`.
    """
    kind = _kind(se)
    r, x = _pairs(returns, predictor)
    if isinstance(horizons, (str, bytes)) or not hasattr(horizons, "__iter__"):
        raise TypeError(f"horizons must be a sequence of integers, got {horizons!r}")
    hs = [_int_arg(h, "horizons", 1) for h in horizons]
    if not hs:
        raise ValueError("horizons: empty; pass at least one horizon in months")
    if periods is None:
        periods = {"whole sample": (str(r.index[0].date()), str(r.index[-1].date()))}
    if not isinstance(periods, Mapping) or not periods:
        raise ValueError(f"periods must be a non-empty mapping of label to (start, end), got {periods!r}")
    rows = {}
    for label, span in periods.items():
        if not isinstance(span, (tuple, list)) or len(span) != 2:
            raise ValueError(f"periods[{label!r}]: expected (start, end), got {span!r}")
        a, b = (_checks.date(d, "periods") for d in span)
        end = (b.to_period("M") if len(str(span[1])) > 4 else pd.Period(str(span[1]) + "-12", "M"))
        end = end.to_timestamp(how="end").normalize()
        rs, xs = r.loc[a:end], x.loc[a:end]
        if len(rs) == 0 or len(xs) == 0:
            raise ValueError(f"periods[{label!r}]: no data between {span[0]} and {span[1]}")
        _percent_returns(rs, "returns")  # the checks of _pairs that a slice could fail
        _common(rs, xs, "returns", "predictor")
        for h in hs:                     # r and x are dated by _pairs: each period is a slice
            rows[(label, h)] = _regression(rs, xs, h, kind, h, block, n_boot, seed)
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index = pd.MultiIndex.from_tuples(out.index, names=["period", "horizon"])
    return out


def oos_r2(returns, predictor, horizon: int = 1, start="2000-01-31", restricted: bool = False,
           block: int = 12, n_boot: int = 1000, seed: int = 0) -> pd.Series:
    """Out-of-sample R^2 of Campbell and Thompson (2008), with an expanding window.

    At each month-end origin t from ``start`` on, the regression of
    :func:`return_regression` is fitted on the origins whose ``h``-month target was known at
    t (origins up to ``t - h``), and forecasts the target of t from the predictor at t; the
    benchmark forecasts it by the mean of the same known targets.
    ``R^2_OS = 1 - sum (y - yhat)^2 / sum (y - ybar)^2``: positive when the predictor beat
    the historical mean out of sample. ``restricted=True`` applies Campbell and Thompson's
    restrictions: a negative fitted slope is set to zero (the premium should raise expected
    returns) and a negative return forecast to zero.

    Parameters
    ----------
    returns, predictor : pandas.Series
        As in :func:`return_regression`.
    horizon : int
        Months ahead.
    start : date-like
        First origin forecast out of sample; at least 24 known targets must precede it.
    restricted : bool
        Apply Campbell and Thompson's sign restrictions.
    block, n_boot, seed : int
        The standard error is a moving-block bootstrap one over the out-of-sample origins
        (the pairs of squared errors resampled together; blocks of ``block`` months, at least
        the horizon).

    Returns
    -------
    pandas.Series
        ``r2_oos`` (a fraction), ``se`` (its bootstrap standard error), ``mse_model`` and
        ``mse_mean`` (percent a year, squared), ``n_oos``, ``horizon``, ``first`` (the first
        forecast origin) and ``restricted``.
    """
    h = _int_arg(horizon, "horizon", 1)
    flag = _checks.boolean(restricted, "restricted")
    r, x = _pairs(returns, predictor)
    first = _checks.date(start, "start")
    got = _targets(r, x, h)
    if got is None:
        raise ValueError(f"horizon: {h} months leave no origin with complete returns")
    origins, xs, y, _, _ = got
    if not (np.diff(origins.asi8) == 1).all():
        raise ValueError("predictor: origin months are not consecutive where returns follow them")
    t0 = int(np.searchsorted(origins.to_timestamp(how="end").normalize(), first))
    if t0 - h + 1 < 24:
        raise ValueError(f"start: {first.date()} leaves {max(t0 - h + 1, 0)} known targets of returns "
                         "and predictor before it; need at least 24")
    block, n_boot, seed = _resampling(block, n_boot, seed, len(y) - t0,
                                      f"out-of-sample origins from start ({first.date()})")
    if block < h:
        raise ValueError(f"block: {block} months is shorter than the horizon ({h})")
    err_m, err_b = [], []
    for t in range(t0, len(y)):
        k = t - h + 1                                  # targets of origins 0 .. t-h are known
        yy, xx = y[:k], xs[:k]
        xm, ym = xx.mean(), yy.mean()
        sxx = ((xx - xm) ** 2).sum()
        slope = ((xx - xm) * (yy - ym)).sum() / sxx if sxx > 0 else 0.0
        if flag and slope < 0:
            slope = 0.0
        fc = ym + slope * (xs[t] - xm)
        if flag and fc < 0:
            fc = 0.0
        err_m.append(y[t] - fc)
        err_b.append(y[t] - ym)
    em2, eb2 = np.square(err_m), np.square(err_b)
    if not eb2.sum() > 0:
        raise ValueError("returns: the out-of-sample targets equal their historical mean; R^2 undefined")
    r2 = 1.0 - em2.sum() / eb2.sum()
    # R^2 of each moving-block resample of the (em2, eb2) pairs (the resamples of
    # bootstrap.joint_block_bootstrap), from the resamples' sums: block sums, no gather
    bootstrap._block(block, em2.size, "x")
    starts = bootstrap._block_starts(em2.size, block, n_boot, seed)
    with np.errstate(divide="ignore", invalid="ignore"):
        draws = 1.0 - (bootstrap._resampled_sums(em2, starts, block)
                       / bootstrap._resampled_sums(eb2, starts, block))
    if not np.isfinite(draws).all():
        raise ValueError("statistic: not finite on some resamples")
    return pd.Series({
        "r2_oos": float(r2), "se": float(draws.std(ddof=1)), "mse_model": float(em2.mean()),
        "mse_mean": float(eb2.mean()), "n_oos": int(em2.size), "horizon": h,
        "first": origins[t0].to_timestamp(how="end").normalize(), "restricted": flag,
    }, dtype=object)
