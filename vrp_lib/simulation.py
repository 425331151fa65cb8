"""Simulation of the model world: daily paths of the Bates model under P, priced under Q.

:func:`simulate` draws the spot variance and the index under the physical parameters and
computes the model VIX from the spot variance under the risk-neutral ones
(:mod:`vrp_lib.bates`); :class:`ModelPaths` holds the paths and presents one of them with
synthetic dates, so that the functions written for real data run unchanged on it. The
paths are **model output (synthetic)**, never market data; the column names carry
``model`` to say so.

Units as in :mod:`vrp_lib.bates`: variances are annualized decimals, the model VIX is in
vol points, one step is one trading day (``1 / days_per_year`` years).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import _checks
from .bates import (
    CALENDAR_DAYS, DAYS_PER_YEAR, MAX_DECIMAL_VARIANCE, VIX_DAYS, BatesParams, _array, _params, _parts, _rate,
    _scalar, _scalar_v0, check_pair, stationary_variance_law,
)

__all__ = ["MAX_CELLS", "MAX_DAYS_PER_YEAR", "MODEL_START_DATE", "ModelPaths", "simulate"]

#: First date of the synthetic business-day calendar of :meth:`ModelPaths.to_frame`.
MODEL_START_DATE = "2000-01-03"
#: Largest ``n_days * n_paths`` :func:`simulate` accepts: about a dozen arrays of this many
#: floats are held at once (10 million cells is about 1 GB).
MAX_CELLS = 10_000_000
#: Largest ``days_per_year`` (steps per model year) accepted: calendar days.
MAX_DAYS_PER_YEAR = 366


def _days_per_year(x, name: str) -> int:
    n = _checks.integer(x, name, minimum=1)
    if n > MAX_DAYS_PER_YEAR:
        raise ValueError(f"{name}={n} is above {MAX_DAYS_PER_YEAR}: pass the steps (trading days) per model year, "
                         "e.g. 252")
    return n


@dataclass(frozen=True)
class ModelPaths:
    """Simulated model-world paths (synthetic), arrays shaped ``(n_days + 1, n_paths)``.

    Attributes
    ----------
    index : numpy.ndarray
        Model index level (starts at ``s0``).
    variance : numpy.ndarray
        Spot variance ``v_t``, annualized decimal (the same number under P and Q).
    vix : numpy.ndarray
        Model VIX in vol points (values all below 1.5 are refused as decimals): ``100 sqrt(E^Q_t[variance over the next 30 calendar days])``,
        a function of ``v_t`` (:func:`~vrp_lib.bates.expected_variance` under Q at
        ``T = 30/365``).
    physical, risk_neutral : BatesParams
        The parameters the paths were simulated with (under P) and priced with (under Q).
    days_per_year : int
        Trading days per model year; each step is ``1 / days_per_year`` years.
    seed : int
        Seed of the generator.
    """

    index: np.ndarray
    variance: np.ndarray
    vix: np.ndarray
    physical: BatesParams
    risk_neutral: BatesParams
    days_per_year: int
    seed: int

    def __post_init__(self):
        arrays = {}
        for name in ("index", "variance", "vix"):
            a = _array(getattr(self, name), f"ModelPaths.{name}")
            if a.ndim != 2:
                raise ValueError(f"ModelPaths.{name} must be 2-D (days + 1, paths), got shape {a.shape}")
            arrays[name] = a
        shapes = {n: a.shape for n, a in arrays.items()}
        if len(set(shapes.values())) != 1:
            raise ValueError(f"ModelPaths.index, variance and vix must have one shape, got {shapes}")
        if arrays["index"].shape[0] < 2:
            raise ValueError(f"ModelPaths.index needs at least two rows (day 0 and one step), got shape "
                             f"{arrays['index'].shape}")
        if (arrays["index"] <= 0).any():
            raise ValueError("ModelPaths.index must be positive (index levels)")
        if (arrays["variance"] < 0).any():
            raise ValueError("ModelPaths.variance must be non-negative (decimal variances)")
        if (arrays["variance"] > MAX_DECIMAL_VARIANCE).any():
            raise ValueError(f"ModelPaths.variance has values above {MAX_DECIMAL_VARIANCE:g}, which look like vol "
                             "points squared; pass decimal variances (0.04 for a 20 % vol)")
        if (arrays["vix"] < 0).any():
            raise ValueError("ModelPaths.vix must be non-negative (vol points)")
        _checks.vol_points(arrays["vix"], "ModelPaths.vix")
        for name in ("index", "variance", "vix"):
            object.__setattr__(self, name, arrays[name])
        _params(self.physical, "ModelPaths.physical")
        _params(self.risk_neutral, "ModelPaths.risk_neutral")
        object.__setattr__(self, "days_per_year", _days_per_year(self.days_per_year, "ModelPaths.days_per_year"))
        object.__setattr__(self, "seed", _checks.integer(self.seed, "ModelPaths.seed", minimum=0))

    @property
    def n_days(self) -> int:
        return self.index.shape[0] - 1

    @property
    def n_paths(self) -> int:
        return self.index.shape[1]

    def dates(self) -> pd.DatetimeIndex:
        """Synthetic business-day dates from ``MODEL_START_DATE`` (labels only, no calendar)."""
        return _model_dates(self.n_days + 1).copy()   # a new object: renaming it is harmless

    def to_frame(self, path: int = 0) -> pd.DataFrame:
        """One path as a DataFrame with columns ``model_index`` and ``model_vix``.

        The index is a business-day ``DatetimeIndex`` named ``date`` starting at
        ``MODEL_START_DATE``: synthetic dates, so that the functions written for real data
        (:mod:`vrp_lib.premium`, :mod:`vrp_lib.realized`) run unchanged on model output.
        One model year is ``days_per_year`` rows, whatever the labels say.
        """
        if isinstance(path, bool) or not isinstance(path, (int, np.integer)) or not 0 <= path < self.n_paths:
            raise ValueError(f"path must be an integer in [0, {self.n_paths - 1}], got {path!r}")
        return pd.DataFrame(
            {"model_index": self.index[:, path], "model_vix": self.vix[:, path]},
            index=self.dates(),
        )


@functools.lru_cache(maxsize=8)
def _model_dates(n: int) -> pd.DatetimeIndex:
    # built once per length (pd.bdate_range is the slow part of to_frame); dates() copies it
    return pd.bdate_range(MODEL_START_DATE, periods=n, name="date")


def simulate(physical, risk_neutral, n_days, n_paths, seed, v0=None, s0=100.0,
             days_per_year=DAYS_PER_YEAR, drift=0.0) -> ModelPaths:
    """Simulate the model world under P, daily, many paths at once; price the VIX under Q.

    The variance follows Andersen's (2008) quadratic-exponential scheme, which matches the
    conditional mean and variance of the exact transition, so the mean of the simulated
    variance is right even with daily steps and a Feller ratio below one. The log price
    uses the trapezoidal integrated variance and the variance increment for the
    correlated part, plus compound Poisson jumps with normal log sizes.

    Parameters
    ----------
    physical : BatesParams
        Parameters under P: the paths are drawn from them.
    risk_neutral : BatesParams
        Parameters under Q: used only to compute the model VIX from the spot variance.
        Pass ``physical`` as both to simulate a world priced at its own forecasts, or
        ``risk_neutral`` as both to simulate under Q.
    n_days : int
        Number of daily steps.
    n_paths : int
        Number of independent paths; ``(n_days + 1) * n_paths`` at most :data:`MAX_CELLS`.
    seed : int
        Seed of ``numpy.random.default_rng``.
    v0 : float, optional
        Initial spot variance (decimal). By default each path starts from a draw of the
        stationary Gamma law of the variance under P, so a long sample is stationary from
        its first day (``theta`` if ``xi = 0``).
    s0 : float
        Initial index level.
    days_per_year : int
        Steps per model year (trading days), 1 to :data:`MAX_DAYS_PER_YEAR`.
    drift : float
        Expected arithmetic return of the index under P, decimal per year (0 by default:
        the model is about variance, not about the equity premium).

    Returns
    -------
    ModelPaths
    """
    p, q = check_pair(physical, risk_neutral)
    nd = _checks.integer(n_days, "n_days", minimum=1)
    npth = _checks.integer(n_paths, "n_paths", minimum=1)
    if (nd + 1) * npth > MAX_CELLS:
        raise ValueError(f"n_days={nd} and n_paths={npth} make {(nd + 1) * npth:,} cells, above {MAX_CELLS:,} "
                         "(about 1 GB of arrays); simulate fewer paths at a time")
    dpy = _days_per_year(days_per_year, "days_per_year")
    seed = _checks.integer(seed, "seed", minimum=0)
    s_0 = _scalar(s0, "s0")
    if s_0 <= 0:
        raise ValueError(f"s0 must be positive, got {s0!r}")
    mu = _rate(drift, "drift")
    rng = np.random.default_rng(seed)
    dt = 1.0 / dpy

    if v0 is None:
        if p.xi == 0:
            v = np.full(npth, p.theta)
        else:
            shape, scale = stationary_variance_law(p)
            v = rng.gamma(shape, scale, size=npth)
    else:
        v = np.full(npth, _scalar_v0(v0))

    k, th, xi, rho = p.kappa, p.theta, p.xi, p.rho
    ekt = np.exp(-k * dt)
    c1 = xi**2 * ekt * (1.0 - ekt) / k
    c2 = th * xi**2 * (1.0 - ekt) ** 2 / (2.0 * k)
    jump_drift = p.lam * p.kbar
    sq = np.sqrt(1.0 - rho**2)

    var = np.empty((nd + 1, npth))
    var[0] = v
    z_s = rng.standard_normal((nd, npth))
    z_v = rng.standard_normal((nd, npth))
    u_v = rng.random((nd, npth))
    n_jumps = rng.poisson(p.lam * dt, size=(nd, npth)) if p.lam > 0 else np.zeros((nd, npth))
    z_j = rng.standard_normal((nd, npth))
    jumps = n_jumps * p.mu_j + np.sqrt(n_jumps) * p.sigma_j * z_j

    # Andersen's QE step, one day at a time for all paths (the step depends on the last
    # variance). Every operation is the one of the plain formulas, in the same order, so
    # the paths are bit for bit those of the written-out version; what is shared across
    # steps (1 - u, floored) or within a step (t2 - 1, 1 - pp) is computed once.
    one_minus_u = np.maximum(1.0 - u_v, 1e-300)
    for i in range(nd):
        vi = var[i]
        m = th + (vi - th) * ekt
        if xi == 0:
            var[i + 1] = m
            continue
        psi = (vi * c1 + c2) / (m * m)
        # quadratic branch (psi <= 1.5)
        t2 = 2.0 / np.minimum(psi, 1.5)
        t2m1 = t2 - 1.0
        b2 = t2m1 + np.sqrt(t2) * np.sqrt(t2m1)
        v_quad = m / (1.0 + b2) * (np.sqrt(b2) + z_v[i]) ** 2
        # exponential branch (psi > 1.5)
        psi_e = np.maximum(psi, 1.5)
        pp = (psi_e - 1.0) / (psi_e + 1.0)
        q1 = 1.0 - pp
        v_exp = np.where(u_v[i] <= pp, 0.0, np.log(q1 / one_minus_u[i]) / (q1 / m))
        var[i + 1] = np.where(psi <= 1.5, v_quad, v_exp)
    # the log-index steps depend on the variance path only: their parts for all days at
    # once, then the running sum ((log S_i + drift_i) + diffusion_i) + jump_i, as one
    # sequential accumulation over the interleaved parts (the same additions in the same
    # order as a day-by-day loop)
    vi, vn = var[:-1], var[1:]
    vbar = 0.5 * (vi + vn)
    if xi == 0:
        diff = np.sqrt(vbar * dt) * z_s
    else:
        diff = rho / xi * (vn - vi - k * th * dt + k * vbar * dt) + sq * np.sqrt(vbar * dt) * z_s
    drift_part = (mu - jump_drift - 0.5 * vbar) * dt
    steps = np.empty((3 * nd + 1, npth))
    steps[0] = np.log(s_0)
    steps[1::3], steps[2::3], steps[3::3] = drift_part, diff, jumps
    logs = np.ascontiguousarray(np.add.accumulate(steps, axis=0)[::3])

    vix = 100.0 * np.sqrt(_parts(q, VIX_DAYS / CALENDAR_DAYS, var)["total"])
    index = np.exp(logs)
    index[0] = s_0
    return ModelPaths(index=index, variance=var, vix=vix, physical=p, risk_neutral=q,
                      days_per_year=dpy, seed=int(seed))

