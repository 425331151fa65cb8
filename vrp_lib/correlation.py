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

Units: volatilities in annualized **vol points** (15.0 for 15 %), the same unit for the index
and its members (decimals are refused: every value below 1.5 looks like 0.15 for 15 %, see
:mod:`vrp_lib._checks`); correlations are plain numbers in [-1, 1] (the implied figure can
leave that range when the inputs are inconsistent, and is then reported as it is, not
clipped); windows in trading days.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import _checks, risk
from .realized import TRADING_DAYS

__all__ = ["index_vol", "implied_correlation", "stock_returns", "average_correlation", "realized_correlation",
           "pair_correlation"]


def _weights(weights, n: int, members: str = "component_vols") -> np.ndarray:
    w = _checks.array(weights, "weights", ndim=1)
    if w.shape != (n,):
        raise ValueError(f"weights and {members}: {w.size} weights for {n} members; pass one weight per member")
    if (w < 0).any():
        raise ValueError(f"weights: must be non-negative numbers, got {w[w < 0][0]:g}")
    if not np.isclose(w.sum(), 1.0, rtol=0, atol=1e-8):
        raise ValueError(f"weights: must sum to 1, they sum to {w.sum():.10g}")
    return w


def _vol_matrix(component_vols):
    if isinstance(component_vols, pd.DataFrame):
        frame = component_vols
        if isinstance(frame.index, pd.DatetimeIndex):
            frame = _checks.frame(frame, "component_vols")
        a = _checks.array(frame, "component_vols", ndim=2)
        index = frame.index
    else:
        a = np.atleast_2d(_checks.array(component_vols, "component_vols", ndim=(1, 2)))
        index = None
    if (a < 0).any():
        raise ValueError(f"component_vols: negative volatility {a[a < 0][0]:g}")
    if a.shape[1] < 2:
        raise ValueError("component_vols: need at least two components")
    _checks.vol_points(a, "component_vols")
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
        Average pairwise correlation, in [-1, 1] (one per row, or one for all).

    Returns
    -------
    float, numpy.ndarray or pandas.Series
        Index volatility in vol points (named ``index_vol`` for a DataFrame input).

    Raises
    ------
    ValueError
        NaN, inf, negative or decimal-looking volatilities, weights that are not one per
        member, negative or not summing to 1, a correlation outside [-1, 1], a negative
        index variance; :class:`TypeError` for text, booleans or None.
    """
    a, index = _vol_matrix(component_vols)
    w = _weights(weights, a.shape[1])
    if isinstance(correlation, (bool, np.bool_, str)) or correlation is None:
        _checks.finite(correlation, "correlation")
    rho = _checks.array(correlation, "correlation")
    if (np.abs(rho) > 1).any():
        raise ValueError(f"correlation must lie in [-1, 1], got {correlation!r}")
    if rho.ndim > 0 and rho.size != 1 and rho.shape[0] != a.shape[0]:
        raise ValueError(f"correlation and component_vols: {rho.shape[0]} correlations for {a.shape[0]} rows")
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

    Raises
    ------
    ValueError
        As :func:`index_vol`, and an ``index_vol`` that is NaN, inf, negative, in
        decimals, not one per row, or a Series not aligned with ``component_vols``.
    """
    a, index = _vol_matrix(component_vols)
    w = _weights(weights, a.shape[1])
    if isinstance(index_vol, pd.Series):
        sv = _checks.series(index_vol, "index_vol")
        if index is None or not sv.index.equals(index):
            raise ValueError("index_vol and component_vols: dates are not aligned")
        s = _checks.array(sv, "index_vol")
    else:
        if np.ndim(index_vol) == 0:
            _checks.finite(index_vol, "index_vol")
        s = np.atleast_1d(_checks.array(index_vol, "index_vol"))
    if s.shape[0] != a.shape[0]:
        raise ValueError(f"index_vol: {s.shape[0]} values for {a.shape[0]} rows of component_vols")
    if (s < 0).any():
        raise ValueError(f"index_vol: negative volatility {s[s < 0][0]:g}")
    _checks.vol_points(s, "index_vol")
    own = (a**2) @ (w**2)
    cross = (a @ w) ** 2 - own
    if (cross <= 0).any():
        raise ValueError("component_vols: fewer than two members with positive weight and volatility")
    out = (s**2 - own) / cross
    if index is not None:
        return pd.Series(out, index=index, name="implied_correlation")
    return float(out[0]) if np.ndim(index_vol) == 0 and np.ndim(component_vols) == 1 else out


def _price_frame(prices) -> pd.DataFrame:
    if isinstance(prices, pd.DataFrame) and prices.shape[1] < 2:
        raise ValueError("prices: need at least two columns")
    p = _checks.frame(prices, "prices", min_columns=2)
    for c in p.columns:
        _checks.prices(p[c], f"prices[{c!r}]")
    if len(p) < 2:
        raise ValueError(f"prices: need at least two dates to form a return, got {len(p)}")
    return p


def stock_returns(prices) -> pd.DataFrame:
    """Daily log returns of each column of a price DataFrame (decimal), first date dropped.

    Parameters
    ----------
    prices : pandas.DataFrame
        Positive prices, one column per stock (at least two), sorted unique naive
        DatetimeIndex, at least two dates.

    Returns
    -------
    pandas.DataFrame
        Daily log returns as decimals, not annualized.
    """
    p = _price_frame(prices)
    out = np.log(p).diff().iloc[1:]
    out.index.name = "date"
    return out


def _at_dates(at, dates: pd.DatetimeIndex) -> np.ndarray:
    """Positions in ``dates`` of the sorted, unique, naive dates ``at`` (each one a date of ``dates``)."""
    if at is None or isinstance(at, (str, bytes, bool, np.bool_, int, float, np.number)):
        raise _checks.ArgumentTypeError(f"at: expected a sequence of dates, got {_checks._what(at)}")
    if isinstance(at, (pd.Series, pd.DataFrame)):
        raise _checks.ArgumentTypeError(f"at: expected a sequence of dates (a DatetimeIndex or a list), "
                                        f"got {_checks._what(at)}")
    try:
        idx = pd.DatetimeIndex(at)
    except (TypeError, ValueError):
        raise ValueError(f"at: expected a sequence of dates, got {_checks._what(at)}") from None
    if len(idx) == 0:
        raise ValueError("at: is empty")
    if idx.tz is not None:
        raise ValueError(f"at: time-zone aware dates ({idx.tz}); pass naive dates")
    if idx.hasnans:
        raise ValueError("at: NaT is not a date")
    if idx.has_duplicates:
        raise ValueError(f"at: duplicate date {idx[idx.duplicated()][0].date()}")
    if not idx.is_monotonic_increasing:
        raise ValueError("at: dates are not sorted in increasing order")
    pos = dates.get_indexer(idx)
    if (pos < 0).any():
        bad = idx[pos < 0][0]
        raise ValueError(f"at: {bad.date()} is not a return date of prices ({dates[0].date()} to "
                         f"{dates[-1].date()}; the first price date has no return)")
    return pos


def _flat_pairs(flat: np.ndarray, columns, ends, w: int, mode: str):
    """The pairs defined in each window (None when every column moves in every window), or raise.

    ``flat[t, i]``: column i is constant over the window ending at ``ends[t]``."""
    if not flat.any():
        return None
    ok = ~flat
    n_pairs = ok.sum(axis=1) * (ok.sum(axis=1) - 1)
    if mode == "raise" or (n_pairs == 0).any():
        if mode == "raise":
            c = int(np.flatnonzero(flat.any(axis=0))[0])
            col, end = columns[c], ends[int(np.flatnonzero(flat[:, c])[0])]
        else:
            t = int(np.flatnonzero(n_pairs == 0)[0])
            col, end = columns[int(np.flatnonzero(flat[t])[0])], ends[t]
        hint = "; drop the column or the period" + (', or pass constant="skip"' if mode == "raise" else "")
        raise ValueError(
            f"prices[{col!r}]: constant over the {w}-day window ending {end.date()}: correlation undefined for "
            f"a constant column (zero variance){hint}"
        )
    return (ok[:, :, None] & ok[:, None, :]) & ~np.eye(ok.shape[1], dtype=bool)[None]


def _average(cov: np.ndarray, pairs) -> np.ndarray:
    """Average off-diagonal correlation of each covariance matrix ``cov[t]`` (over ``pairs[t]`` if given)."""
    k = cov.shape[1]
    sd = np.sqrt(np.clip(np.einsum("tii->ti", cov), 0.0, None))
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = cov / (sd[:, :, None] * sd[:, None, :])
    if pairs is None:
        return (np.nansum(corr, axis=(1, 2)) - k) / (k * (k - 1))
    return np.where(pairs, corr, 0.0).sum(axis=(1, 2)) / pairs.sum(axis=(1, 2))


def average_correlation(prices, window: int = 63, constant: str = "raise", at=None) -> pd.Series:
    """Rolling equal-weighted average of all pairwise correlations of daily log returns.

    For each date t, the sample correlation of every pair of columns over the ``window``
    returns ending at t (days t-window+1 .. t), averaged over the ``n (n - 1) / 2`` pairs.

    Parameters
    ----------
    prices : pandas.DataFrame
        Daily prices, one column per stock, sorted unique naive DatetimeIndex; at least
        ``window + 1`` dates.
    window : int
        Returns per window (trading days), at least 3.
    constant : {"raise", "skip"}
        What to do with a column whose price is constant over a window (stale prices):
        its correlations are undefined (0 / 0). ``"raise"`` (default) raises;
        ``"skip"`` leaves that column's pairs out of that window's average (the average
        is then over the pairs that are defined), and still raises when a window has no
        defined pair (two columns, one constant).
    at : sequence of dates, optional
        Only the windows ending at these dates (sorted, unique, each a return date of
        ``prices``, that is a price date other than the first), e.g. the last day of
        each year: the same values as the full series at those dates (to rounding, about
        1e-13), computed window by window instead of for every date, which is much faster
        for a few dates. ``constant`` applies to these windows only.

    Returns
    -------
    pandas.Series
        Named ``avg_correlation`` (unit-free); NaN for the first ``window - 1`` return
        dates. With ``at``: indexed by those dates (NaN where fewer than ``window``
        returns end there).

    Raises
    ------
    ValueError
        Bad prices, a window below 3 or longer than the data, or a column that is
        constant over a window (with ``constant="skip"``: a window with no defined pair);
        ``at`` not sorted unique naive dates of the returns.
    """
    w = _checks.window(window)
    if w < 3:
        raise ValueError(f"window must be at least 3 returns, got {w}")
    p = _price_frame(prices)
    _checks.long_enough(len(p), w + 1, "prices", window_value=w)
    r = np.log(p).diff().iloc[1:]
    r.index.name = "date"
    mode = _checks.choice(constant, "constant", ("raise", "skip"))
    x = r.to_numpy()
    n, k = x.shape
    if at is not None:
        pos = _at_dates(at, r.index)
        full = pos >= w - 1
        out = np.full(len(pos), np.nan)
        if full.any():
            ends = pos[full]
            xs = x[ends[:, None] + np.arange(1 - w, 1)[None, :]]  # (dates, window, columns)
            flat = xs.max(axis=1) - xs.min(axis=1) == 0
            pairs = _flat_pairs(flat, r.columns, r.index[ends], w, mode)
            xc = xs - xs.mean(axis=1, keepdims=True)
            out[full] = _average(np.einsum("twi,twj->tij", xc, xc) / w, pairs)
        return pd.Series(out, index=pd.DatetimeIndex(r.index[pos], name="date"), name="avg_correlation")
    flat = ((r.rolling(w).max() - r.rolling(w).min()).iloc[w - 1:] == 0).to_numpy()
    pairs = _flat_pairs(flat, r.columns, r.index[w - 1:], w, mode)
    zero = np.zeros((1, k))
    s1 = np.vstack([zero, np.cumsum(x, axis=0)])
    s2 = np.concatenate([np.zeros((1, k, k)), np.cumsum(x[:, :, None] * x[:, None, :], axis=0)])
    m1 = (s1[w:] - s1[:-w]) / w
    m2 = (s2[w:] - s2[:-w]) / w
    avg = _average(m2 - m1[:, :, None] * m1[:, None, :], pairs)
    return pd.Series(np.concatenate([np.full(w - 1, np.nan), avg]), index=r.index, name="avg_correlation")


def realized_correlation(prices, window: int = 63, weights=None,
                         annualization: float = TRADING_DAYS) -> pd.DataFrame:
    """Realized volatilities of a portfolio and its members, and the correlation linking them.

    The portfolio holds ``weights`` of each column, rebalanced daily (its daily simple
    return is the weighted mean of the members'). Over trailing windows of ``window``
    days, its realized volatility and the members' feed :func:`implied_correlation`: the
    realized counterpart of implied correlation.

    Parameters
    ----------
    prices : pandas.DataFrame
        Daily prices, one column per member (at least two), sorted unique naive
        DatetimeIndex; at least ``window + 1`` dates.
    window : int
        Trading days per trailing window.
    weights : array, optional
        Portfolio weights, non-negative, summing to 1, one per column (equal by default).
    annualization : float
        Trading days per year, in ``[1, 8784]`` (0 or an absurd count raises).

    Returns
    -------
    pandas.DataFrame
        Columns ``index_vol`` and ``avg_member_vol`` (vol points, weighted mean of the
        members' volatilities) and ``correlation``; one row per date with a full window.
    """
    from .realized import trailing_realized_vol

    p = _price_frame(prices)
    k = p.shape[1]
    win = _checks.window(window)
    annualization = risk._per_year(annualization, "annualization")
    _checks.long_enough(len(p), win + 1, "prices", window_value=win)
    w = _weights(np.full(k, 1.0 / k) if weights is None else weights, k, members="prices")
    prices = p
    r = stock_returns(p)
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


def _columns(c, k: int, name: str) -> np.ndarray:
    if isinstance(c, (bool, np.bool_, float, str, bytes)) or c is None:
        raise _checks.ArgumentTypeError(f"{name}: expected a column number or a list of them, got {_checks._what(c)}")
    try:
        a = np.asarray(c)
    except (TypeError, ValueError):
        raise _checks.ArgumentTypeError(f"{name}: expected column numbers, got {_checks._what(c)}") from None
    if any(isinstance(v, (bool, np.bool_)) for v in np.asarray(c, dtype=object).ravel()):
        raise _checks.ArgumentTypeError(f"{name}: a boolean is not a column number, got {_checks._what(c)}")
    if a.dtype.kind not in "iu" or a.ndim > 1 or a.size == 0:
        raise _checks.ArgumentTypeError(f"{name}: expected a column number or a non-empty list of them "
                                        f"(integers), got {_checks._what(c)}")
    if (a < 0).any() or (a >= k).any():
        raise ValueError(f"{name}: column numbers must be in 0 .. {k - 1}, got {a.tolist()}")
    return a


def pair_correlation(x, first, second) -> np.ndarray | float:
    """Sample (Pearson) correlation of column ``first`` with column ``second`` of ``x``, down the rows.

    Vectorized over leading axes, so that one call gives the correlation on every bootstrap
    resample (``x`` of shape ``(n_boot, n, k)``, as :func:`vrp_lib.bootstrap.joint_block_bootstrap`
    hands its statistic) instead of one ``numpy.corrcoef`` per resample.

    Parameters
    ----------
    x : array_like
        Shape ``(n, k)`` (one sample: rows are dates, columns series) or ``(..., n, k)``
        (a stack of samples); finite numbers, at least two rows.
    first, second : int or sequence of int
        Column numbers; sequences of the same length give one correlation per pair.

    Returns
    -------
    float or numpy.ndarray
        Unit-free, in [-1, 1]: shape ``x.shape[:-2]`` for single columns (a float for one
        sample), ``x.shape[:-2] + (m,)`` for ``m`` pairs.

    Raises
    ------
    ValueError
        Fewer than two rows, a NaN or inf, column numbers out of range or of different
        counts, or a column constant within a sample (its correlation is undefined).
    """
    a = _checks.array(x, "x")
    if a.ndim < 2:
        raise ValueError(f"x: expected an array of shape (n, k) or (..., n, k), got {a.ndim} dimension(s)")
    if a.shape[-2] < 2:
        raise ValueError(f"x: need at least two rows (dates) for a correlation, got {a.shape[-2]}")
    single = np.ndim(first) == 0 and np.ndim(second) == 0
    i = np.atleast_1d(_columns(first, a.shape[-1], "first"))
    j = np.atleast_1d(_columns(second, a.shape[-1], "second"))
    if i.size != j.size:
        raise ValueError(f"first and second: {i.size} and {j.size} columns; give one of each per pair")
    u = a[..., i] - a[..., i].mean(axis=-2, keepdims=True)
    v = a[..., j] - a[..., j].mean(axis=-2, keepdims=True)
    den = np.sqrt((u * u).sum(axis=-2) * (v * v).sum(axis=-2))
    if (den == 0).any():
        raise ValueError("x: a column is constant within a sample: its correlation is undefined (0 / 0)")
    out = np.clip((u * v).sum(axis=-2) / den, -1.0, 1.0)
    if single:
        out = out[..., 0]
        return float(out) if out.ndim == 0 else out
    return out

