"""Correlation and the index variance: realized average correlation, implied correlation.

An index's variance is the weighted sum of its members' variances and covariances. With a
single average correlation ``rho`` standing for every pair::

    sigma_I^2 = sum_i w_i^2 sigma_i^2 + rho * sum_{i != j} w_i w_j sigma_i sigma_j

so that, given the index volatility and the members' volatilities,

    rho = (sigma_I^2 - sum_i w_i^2 sigma_i^2) / ((sum_i w_i sigma_i)^2 - sum_i w_i^2 sigma_i^2)

With implied volatilities this is the *implied correlation* (the CBOE publishes indices of
it for the S&P 500); with realized volatilities it is a realized correlation. An index
variance premium is then a single-name variance premium plus a correlation premium
(Driessen, Maenhout and Vilkov, 2009).

Units: volatilities in any common unit (vol points throughout the book); correlations are
plain numbers in [-1, 1] (the implied figure can leave that range when the inputs are
inconsistent, and is then reported as it is, not clipped).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import _checks
from .realized import TRADING_DAYS


def _weights(weights, n: int) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    if w.shape != (n,):
        raise ValueError(f"weights: expected {n} weights, got shape {w.shape}")
    if np.isnan(w).any() or (w < 0).any():
        raise ValueError("weights: must be non-negative numbers")
    if not np.isclose(w.sum(), 1.0, rtol=0, atol=1e-8):
        raise ValueError(f"weights: must sum to 1, they sum to {w.sum():.10g}")
    return w


def _vol_matrix(component_vols):
    if isinstance(component_vols, pd.DataFrame):
        a = component_vols.to_numpy(dtype=float)
        index = component_vols.index
    else:
        a = np.atleast_2d(np.asarray(component_vols, dtype=float))
        index = None
    if np.isnan(a).any():
        raise ValueError("component_vols: contains NaN")
    if (a < 0).any():
        raise ValueError("component_vols: negative volatility")
    if a.shape[1] < 2:
        raise ValueError("component_vols: need at least two components")
    return a, index


def index_vol(component_vols, weights, correlation):
    """Index volatility implied by member volatilities and one average correlation.

    ``sqrt(sum w_i^2 s_i^2 + rho ((sum w_i s_i)^2 - sum w_i^2 s_i^2))``

    Parameters
    ----------
    component_vols : array (n,) or (dates, n), or DataFrame
        Member volatilities (vol points).
    weights : array (n,)
        Index weights, non-negative, summing to 1.
    correlation : float or array
        Average pairwise correlation, in [-1, 1].

    Returns
    -------
    float, numpy.ndarray or pandas.Series
    """
    a, index = _vol_matrix(component_vols)
    w = _weights(weights, a.shape[1])
    rho = np.asarray(correlation, dtype=float)
    if np.isnan(rho).any() or (np.abs(rho) > 1).any():
        raise ValueError(f"correlation must lie in [-1, 1], got {correlation!r}")
    own = (a**2) @ (w**2)
    cross = (a @ w) ** 2 - own
    var = own + rho * cross
    if (var < 0).any():
        raise ValueError("correlation too negative for these volatilities: negative index variance")
    out = np.sqrt(var)
    if index is not None:
        return pd.Series(out, index=index, name="index_vol")
    return float(out[0]) if np.ndim(component_vols) == 1 else out


def implied_correlation(index_vol, component_vols, weights):
    """The average correlation that reconciles an index volatility with its members'.

    ``rho = (s_I^2 - sum w_i^2 s_i^2) / ((sum w_i s_i)^2 - sum w_i^2 s_i^2)``

    Parameters
    ----------
    index_vol : float, array or pandas.Series
        Index volatility (vol points), one per row of ``component_vols``.
    component_vols : array (n,) or (dates, n), or DataFrame
        Member volatilities, same unit.
    weights : array (n,)
        Index weights, non-negative, summing to 1.

    Returns
    -------
    float, numpy.ndarray or pandas.Series (named ``implied_correlation``)
        Not clipped to [-1, 1]: a value outside says the inputs are inconsistent.
    """
    a, index = _vol_matrix(component_vols)
    w = _weights(weights, a.shape[1])
    if isinstance(index_vol, pd.Series):
        if index is None or not index_vol.index.equals(index):
            raise ValueError("index_vol and component_vols: dates are not aligned")
        s = index_vol.to_numpy(dtype=float)
    else:
        s = np.atleast_1d(np.asarray(index_vol, dtype=float))
    if s.shape[0] != a.shape[0]:
        raise ValueError(f"index_vol: {s.shape[0]} values for {a.shape[0]} rows of component_vols")
    if np.isnan(s).any() or (s < 0).any():
        raise ValueError("index_vol: NaN or negative volatility")
    own = (a**2) @ (w**2)
    cross = (a @ w) ** 2 - own
    if (cross <= 0).any():
        raise ValueError("component_vols: fewer than two members with positive weight and volatility")
    out = (s**2 - own) / cross
    if index is not None:
        return pd.Series(out, index=index, name="implied_correlation")
    return float(out[0]) if np.ndim(index_vol) == 0 and np.ndim(component_vols) == 1 else out


def stock_returns(prices) -> pd.DataFrame:
    """Daily log returns of each column of a price DataFrame (decimal), first date dropped."""
    if not isinstance(prices, pd.DataFrame):
        raise ValueError(f"prices: expected a DataFrame of price columns, got {type(prices).__name__}")
    if prices.shape[1] < 2:
        raise ValueError("prices: need at least two columns")
    for c in prices.columns:
        _checks.prices(prices[c], f"prices[{c!r}]")
    out = np.log(prices.astype(float)).diff().iloc[1:]
    out.index.name = "date"
    return out


def average_correlation(prices, window: int = 63) -> pd.Series:
    """Rolling equal-weighted average of all pairwise correlations of daily log returns.

    For each date t, the sample correlation of every pair of columns over the ``window``
    returns ending at t (days t-window+1 .. t), averaged over the ``n (n - 1) / 2`` pairs.

    Parameters
    ----------
    prices : pandas.DataFrame
        Daily prices, one column per stock, DatetimeIndex.
    window : int
        Returns per window, at least 3.

    Returns
    -------
    pandas.Series
        Named ``avg_correlation``; NaN for the first ``window - 1`` return dates.
    """
    r = stock_returns(prices)
    w = _checks.window(window)
    if w < 3:
        raise ValueError(f"window must be at least 3 returns, got {w}")
    if len(r) < w:
        raise ValueError(f"prices: {len(r)} returns, fewer than window={w}")
    x = r.to_numpy()
    n, k = x.shape
    zero = np.zeros((1, k))
    s1 = np.vstack([zero, np.cumsum(x, axis=0)])
    s2 = np.concatenate([np.zeros((1, k, k)), np.cumsum(x[:, :, None] * x[:, None, :], axis=0)])
    m1 = (s1[w:] - s1[:-w]) / w
    m2 = (s2[w:] - s2[:-w]) / w
    cov = m2 - m1[:, :, None] * m1[:, None, :]
    sd = np.sqrt(np.clip(np.einsum("tii->ti", cov), 0.0, None))
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = cov / (sd[:, :, None] * sd[:, None, :])
    avg = (np.nansum(corr, axis=(1, 2)) - k) / (k * (k - 1))
    out = pd.Series(np.concatenate([np.full(w - 1, np.nan), avg]), index=r.index, name="avg_correlation")
    return out


def realized_correlation(prices, window: int = 63, weights=None,
                         annualization: float = TRADING_DAYS) -> pd.DataFrame:
    """Realized volatilities of a portfolio and its members, and the correlation linking them.

    The portfolio holds ``weights`` of each column, rebalanced daily (its daily simple
    return is the weighted mean of the members'). Over trailing windows of ``window``
    days, its realized volatility and the members' feed :func:`implied_correlation`: the
    realized counterpart of implied correlation.

    Returns
    -------
    pandas.DataFrame
        Columns ``index_vol`` and ``avg_member_vol`` (vol points, weighted mean of the
        members' volatilities) and ``correlation``; one row per date with a full window.
    """
    from .realized import trailing_realized_vol

    if not isinstance(prices, pd.DataFrame):
        raise ValueError(f"prices: expected a DataFrame of price columns, got {type(prices).__name__}")
    k = prices.shape[1]
    w = _weights(np.full(k, 1.0 / k) if weights is None else weights, k)
    r = stock_returns(prices)
    port = np.exp(r).sub(1.0).to_numpy() @ w
    level = pd.Series(np.concatenate([[1.0], np.cumprod(1.0 + port)]), index=prices.index)
    iv = trailing_realized_vol(level, window=window, annualization=annualization)
    members = pd.DataFrame({c: trailing_realized_vol(prices[c], window=window, annualization=annualization)
                            for c in prices.columns})
    ok = iv.notna() & members.notna().all(axis=1)
    iv, members = iv[ok], members[ok]
    rho = implied_correlation(iv, members, w)
    out = pd.DataFrame({"index_vol": iv, "avg_member_vol": members.to_numpy() @ w, "correlation": rho})
    out.index.name = "date"
    return out
