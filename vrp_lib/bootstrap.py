"""Sampling uncertainty for serially dependent data: the moving-block bootstrap.

A daily series of 21-day volatility risk premia overlaps by 20 days and is skewed, so the
textbook standard error ``std / sqrt(n)`` is far too small. The moving-block bootstrap
(Kunsch 1989; Lahiri 2003) resamples whole blocks of consecutive observations, keeping the
dependence inside each block: with blocks much longer than the overlap (the book uses about
a year, 252 trading days), the spread of the resampled statistic is a valid standard error
for averages, hit rates and ratios such as the Sharpe ratio. Two series observed on the
same dates are compared by :func:`paired_difference`, which resamples the same blocks of
both, so that the standard error of their difference keeps their correlation.

Every function is deterministic: the random generator is seeded by ``seed``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from . import _checks

__all__ = [
    "STATISTICS",
    "MAX_N_BOOT",
    "MAX_DRAWS",
    "block_indices",
    "block_bootstrap",
    "block_bootstrap_se",
    "block_bootstrap_ci",
    "block_mean_variance",
    "joint_block_bootstrap",
    "paired_difference",
]


#: Most resamples drawn in one call: beyond 100,000 the Monte Carlo error of a bootstrap
#: standard error is below 0.25 % of it (``1 / sqrt(2 n_boot)``), so more only costs time.
MAX_N_BOOT = 100_000
#: Memory bound: most resampled positions built at once, ``n * n_boot`` for the index
#: arrays of :func:`block_indices` (and ``n_boot * ceil(n / block)`` block starts):
#: 50 million, 400 MB of 64-bit indices. A larger request raises at once instead of
#: running for minutes or exhausting memory.
MAX_DRAWS = 50_000_000


def _mean(a: np.ndarray) -> np.ndarray:
    return a.mean(axis=-1)


def _hit_rate(a: np.ndarray) -> np.ndarray:
    return (a > 0).mean(axis=-1)


def _sharpe(a: np.ndarray) -> np.ndarray:
    sd = a.std(axis=-1, ddof=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(sd > 0, a.mean(axis=-1) / sd, np.nan)


#: Named statistics, each mapping an array of resamples (last axis: observations) to one
#: value per resample. ``"sharpe"`` is per period (not annualized): multiply by
#: ``sqrt(periods per year)``.
STATISTICS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "mean": _mean,
    "hit_rate": _hit_rate,
    "sharpe": _sharpe,
}


def _values(x, name: str = "x") -> np.ndarray:
    """Observations as a 1-D float array, in the order given.

    A Series with a DatetimeIndex must have sorted, unique, naive dates (the order is the
    time order); a Series with any other index (bucket labels, integers) is taken in its
    order; values must be numbers (no booleans, NaN or inf)."""
    if isinstance(x, pd.DataFrame):
        raise _checks.ArgumentTypeError(f"{name}: expected a Series or 1-D array, got a DataFrame")
    if isinstance(x, pd.Series) and isinstance(x.index, pd.DatetimeIndex):
        x = _checks.series(x, name)
    return _checks.array(x, name, ndim=1)


def _int(v, name: str, low: int) -> int:
    return _checks.integer(v, name, low)


def _seed(seed) -> int:
    return _checks.integer(seed, "seed", 0)


def _n_boot(n_boot, low: int = 1) -> int:
    """A number of resamples in ``[low, MAX_N_BOOT]``."""
    nb = _checks.integer(n_boot, "n_boot", low)
    if nb > MAX_N_BOOT:
        raise ValueError(f"n_boot ({nb:,}) is above {MAX_N_BOOT:,} resamples; the standard error's own "
                         "Monte Carlo error is already below 0.25 % at that many")
    return nb


def _draws(count: int, what: str) -> None:
    """Raise when ``count`` resampled positions would exceed :data:`MAX_DRAWS`."""
    if count > MAX_DRAWS:
        raise ValueError(f"{what}: {count:,} resampled positions exceed the memory bound of {MAX_DRAWS:,} "
                         "(400 MB); pass fewer resamples (n_boot) or a shorter series")


def _block(block, n: int, name: str = "x") -> int:
    block = _int(block, "block", 1)
    if block > n:
        raise ValueError(f"{name}: {n} observations, fewer than one block (block = {block}); "
                         "pass a longer series or a shorter block")
    return block


def _statistic(statistic) -> Callable[[np.ndarray], np.ndarray]:
    if isinstance(statistic, str):
        if statistic not in STATISTICS:
            raise ValueError(f"statistic must be one of {sorted(STATISTICS)} or a callable, got {statistic!r}")
        return STATISTICS[statistic]
    if not callable(statistic):
        raise TypeError(f"statistic must be a name or a callable, got {type(statistic).__name__}")
    return statistic


def block_indices(n: int, block: int, n_boot: int, seed: int = 0) -> np.ndarray:
    """Index arrays of ``n_boot`` moving-block resamples of a series of length ``n``.

    Each resample concatenates ``ceil(n / block)`` blocks of ``block`` consecutive
    positions, each block starting at a position drawn uniformly from ``0 .. n - block``,
    and is cut to length ``n``.

    ``n_boot`` is at most :data:`MAX_N_BOOT` and ``n * n_boot`` at most :data:`MAX_DRAWS`
    (400 MB of indices); a larger request, or a block longer than ``n``, raises at once.

    Returns
    -------
    numpy.ndarray
        Integer array of shape ``(n_boot, n)``.
    """
    n = _int(n, "n", 1)
    block = _block(block, n, "n")
    nb = _n_boot(n_boot)
    _draws(n * nb, "n * n_boot")
    starts = _block_starts(n, block, n_boot, seed)
    n_boot, k = starts.shape
    idx = (starts[:, :, None] + np.arange(block)).reshape(n_boot, k * block)
    return idx[:, :n]


def _block_starts(n: int, block: int, n_boot: int, seed: int = 0) -> np.ndarray:
    """Block start positions of :func:`block_indices`, shape ``(n_boot, ceil(n / block))``.

    ``block_indices(n, block, n_boot, seed)[:, ::block]`` without building the full
    ``n_boot x n`` index array (same generator, same draws).
    """
    n = _int(n, "n", 1)
    block = _block(block, n, "n")
    n_boot = _n_boot(n_boot)
    seed = _seed(seed)
    k = -(-n // block)
    _draws(n_boot * k, "n_boot * ceil(n / block)")
    rng = np.random.default_rng(seed)
    return rng.integers(0, n - block + 1, size=(n_boot, k))


def block_bootstrap(x, statistic="mean", block: int = 252, n_boot: int = 1000,
                    seed: int = 0) -> np.ndarray:
    """Bootstrap distribution of a statistic under the moving-block bootstrap.

    Parameters
    ----------
    x : pandas.Series or array_like
        The observations in time order (e.g. daily VRP in vol points, monthly returns);
        no NaN, inf or booleans. A Series with a DatetimeIndex must have sorted, unique,
        naive dates; a Series with another index is taken in the order given.
    statistic : {"mean", "hit_rate", "sharpe"} or callable
        A name from :data:`STATISTICS`, or a function mapping a 2-D array of resamples
        (one resample a row) to one value per row.
    block : int
        Block length in observations (252 for about a year of daily data, 12 for a year
        of monthly data). Choose it well above the serial dependence (the overlap of the
        windows) and well below the sample length.
    n_boot : int
        Number of resamples, at most :data:`MAX_N_BOOT`; ``n_boot * len(x)`` at most
        :data:`MAX_DRAWS` (the memory bound).
    seed : int
        Seed of the random generator: the same seed gives the same draws.

    Returns
    -------
    numpy.ndarray
        The statistic on each resample, shape ``(n_boot,)``.
    """
    a = _values(x)
    f = _statistic(statistic)
    _block(block, a.size)
    idx = block_indices(a.size, block, n_boot, seed)
    out = np.asarray(f(a[idx]), dtype=float)
    if out.shape != (idx.shape[0],):
        raise ValueError(f"statistic must return one value per resample, got shape {out.shape}")
    return out


def block_bootstrap_se(x, statistic="mean", block: int = 252, n_boot: int = 1000,
                       seed: int = 0) -> float:
    """Moving-block bootstrap standard error of a statistic (same units as the statistic).

    Parameters are those of :func:`block_bootstrap`. Examples: the standard error of an
    average VRP in vol points (``"mean"``), of a hit rate as a fraction (``"hit_rate"``).
    """
    draws = block_bootstrap(x, statistic, block=block, n_boot=n_boot, seed=seed)
    if not np.isfinite(draws).all():
        raise ValueError("statistic: not finite on some resamples (e.g. a constant resample for a Sharpe ratio)")
    return float(draws.std(ddof=1))


def block_bootstrap_ci(x, statistic="mean", level: float = 0.95, block: int = 252,
                       n_boot: int = 1000, seed: int = 0) -> tuple[float, float]:
    """Percentile confidence interval of a statistic under the moving-block bootstrap.

    Returns
    -------
    (float, float)
        The ``(1 - level) / 2`` and ``(1 + level) / 2`` quantiles of the bootstrap draws.
    """
    level = _checks.finite(level, "level")
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level!r}")
    draws = block_bootstrap(x, statistic, block=block, n_boot=n_boot, seed=seed)
    if not np.isfinite(draws).all():
        raise ValueError("statistic: not finite on some resamples")
    lo, hi = np.quantile(draws, [(1 - level) / 2, (1 + level) / 2])
    return float(lo), float(hi)


def block_mean_variance(x, block: int) -> float:
    """Exact moving-block-bootstrap variance of the sample mean, when ``block`` divides ``n``.

    With ``k = n / block`` blocks drawn independently and uniformly from the
    ``n - block + 1`` overlapping blocks, the resampled mean is the average of ``k``
    independent block means, so its variance is the (population) variance of the
    overlapping block means divided by ``k``. This closed form is the independent value the
    simulated standard error is tested against.
    """
    a = _values(x)
    block = _block(block, a.size)
    if a.size % block:
        raise ValueError(f"block ({block}) must divide the length of x ({a.size}) for the closed form")
    c = np.concatenate([[0.0], np.cumsum(a)])
    means = (c[block:] - c[:-block]) / block
    return float(means.var() / (a.size // block))


def joint_block_bootstrap(x, statistic: Callable[[np.ndarray], np.ndarray], block: int = 252,
                          n_boot: int = 1000, seed: int = 0) -> np.ndarray:
    """Bootstrap draws of a statistic of several series observed on the same dates.

    The rows (dates) of ``x`` are resampled in moving blocks, **all columns together**, so
    that whatever links the series on a date (two forms of the premium, a return and the
    change of volatility that month, two strategies' returns) is kept in every resample.

    Parameters
    ----------
    x : pandas.DataFrame or array_like
        Shape ``(n, k)``: one row per date in time order, one column per series; no NaN,
        inf, booleans or text. A DataFrame with a DatetimeIndex must have sorted, unique,
        naive dates.
    statistic : callable
        Maps an array of resamples of shape ``(n_boot, n, k)`` to one value per resample,
        shape ``(n_boot,)``, or to several, shape ``(n_boot, m)``.
    block, n_boot, seed : int
        As in :func:`block_bootstrap` (``n_boot * n * k`` at most :data:`MAX_DRAWS`).

    Returns
    -------
    numpy.ndarray
        The statistic on each resample, shape ``(n_boot,)`` or ``(n_boot, m)``.

    Raises
    ------
    ValueError
        ``x`` not two-dimensional, fewer rows than one block, a statistic of the wrong shape
        or not finite on some resample.
    """
    if isinstance(x, pd.DataFrame):
        if isinstance(x.index, pd.DatetimeIndex):
            _checks.frame(x, "x")
        x = x.to_numpy()
    a = _checks.array(x, "x", ndim=2)
    if not callable(statistic):
        raise TypeError(f"statistic must be a callable, got {type(statistic).__name__}")
    _block(block, a.shape[0], "x")
    _draws(a.size * _n_boot(n_boot), "n_boot * x.size")
    idx = block_indices(a.shape[0], block, n_boot, seed)
    out = np.asarray(statistic(a[idx]), dtype=float)
    if out.ndim not in (1, 2) or out.shape[0] != idx.shape[0]:
        raise ValueError(f"statistic must return one value (or one row) per resample, got shape {out.shape}")
    if not np.isfinite(out).all():
        raise ValueError("statistic: not finite on some resamples")
    return out


def _resampled_sums(v: np.ndarray, starts: np.ndarray, block: int) -> np.ndarray:
    """Sum of ``v`` over each resample of :func:`block_indices` with these block starts.

    A resample's sum is the sum of its blocks' sums, read off one cumulative sum (the last
    block cut so the resample has ``n`` observations): ``O(n + n_boot * n / block)``
    instead of the ``O(n_boot * n)`` gather, the same number to rounding. ``v`` is one
    series (shape ``(n,)``: one sum per resample) or ``m`` series as columns (shape
    ``(n, m)``: ``(n_boot, m)`` sums); the one place the library computes block sums.
    """
    v = np.asarray(v, dtype=float)
    last = v.shape[0] - (starts.shape[1] - 1) * block
    c = np.concatenate([np.zeros((1,) + v.shape[1:]), np.cumsum(v, axis=0)])
    full = (c[starts[:, :-1] + block] - c[starts[:, :-1]]).sum(axis=1)
    return full + (c[starts[:, -1] + last] - c[starts[:, -1]])


def _named_draws(a: np.ndarray, statistic: str, starts: np.ndarray, block: int) -> np.ndarray:
    """A named statistic (:data:`STATISTICS`) on each resample, from block sums.

    Equals ``STATISTICS[statistic](a[block_indices(...)])`` to rounding (about 1e-12
    relative; a hit rate exactly: its sums are counts). The sums are of ``a - mean(a)``
    (and its square for the Sharpe ratio's variance, which a shift does not move): centring
    keeps the cumulative sums, and the difference of the two sums, accurate.
    """
    n = a.size
    if statistic == "hit_rate":
        return _resampled_sums((a > 0).astype(float), starts, block) / n
    centre = a.mean()
    d = a - centre
    s1 = _resampled_sums(d, starts, block)
    if statistic == "mean":
        return s1 / n + centre
    s2 = _resampled_sums(d * d, starts, block)
    m = s1 / n
    var = np.maximum(s2 - s1 * m, 0.0) / (n - 1)
    sd = np.sqrt(var)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(sd > 1e-12 * np.abs(a).max(), (m + centre) / sd, np.nan)


def paired_difference(x, y, statistic="mean", block: int = 252, n_boot: int = 1000,
                      seed: int = 0) -> dict:
    """A statistic of ``x`` minus the same statistic of ``y``, the two resampled together.

    ``x`` and ``y`` are observed on the same dates (two forms of the premium, two
    strategies' monthly returns). Each resample draws the **same** blocks of dates for both,
    so the standard error of the difference keeps their correlation: it is far smaller
    than ``sqrt(se_x^2 + se_y^2)`` when the two move together.

    Parameters
    ----------
    x, y : pandas.Series or array_like
        Observations in time order, of equal length (Series with a DatetimeIndex must have
        the same dates); no NaN, inf or booleans.
    statistic, block, n_boot, seed
        As in :func:`block_bootstrap`.

    Returns
    -------
    dict
        ``x`` and ``y`` (the statistic on each sample), ``difference`` (``x - y``), and the
        bootstrap standard errors ``se_x``, ``se_y`` and ``se_difference`` (units of the
        statistic: vol points for a mean VRP, a fraction for a hit rate).

    Raises
    ------
    ValueError
        Different lengths or dates, a statistic that is not finite on a resample, or a
        difference that is the same on every resample (``x`` and ``y`` equal, or differing
        by a constant under a statistic that ignores it): there is nothing to compare.
    """
    a = _values(x, "x")
    b = _values(y, "y")
    if a.size != b.size:
        raise ValueError(f"x and y: lengths differ ({a.size} and {b.size}); pass observations "
                         "of the same dates")
    if isinstance(x, pd.Series) and isinstance(y, pd.Series) and \
            isinstance(x.index, pd.DatetimeIndex) and not x.index.equals(y.index):
        raise ValueError("x and y: the dates differ; align them first (e.g. with .dropna() "
                         "on a DataFrame of both)")
    f = _statistic(statistic)
    if isinstance(statistic, str):     # a named statistic: from block sums, no n_boot x n gather
        blk = _block(block, a.size, "x")
        _draws(2 * a.size * _n_boot(n_boot), "n_boot * x.size")  # the bound of the general path
        starts = _block_starts(a.size, blk, n_boot, seed)
        dx, dy = (_named_draws(v, statistic, starts, blk) for v in (a, b))
        if not (np.isfinite(dx).all() and np.isfinite(dy).all()):
            raise ValueError("statistic: not finite on some resamples")
    else:
        both = joint_block_bootstrap(np.column_stack([a, b]),
                                     lambda r: np.column_stack([f(r[..., 0]), f(r[..., 1])]),
                                     block=block, n_boot=n_boot, seed=seed)
        dx, dy = both[:, 0], both[:, 1]
    diff = dx - dy
    se_diff = float(diff.std(ddof=1))
    if not se_diff > 0:
        raise ValueError("x and y: the difference of the statistic is the same on every "
                         "resample; nothing to compare")
    fx = float(np.asarray(f(a[None, :]), dtype=float)[0])
    fy = float(np.asarray(f(b[None, :]), dtype=float)[0])
    return {"x": fx, "y": fy, "difference": fx - fy, "se_x": float(dx.std(ddof=1)),
            "se_y": float(dy.std(ddof=1)), "se_difference": se_diff}

