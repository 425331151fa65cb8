"""The Bates (1996) model: Heston stochastic volatility with lognormal price jumps,
specified under the physical measure P and the risk-neutral measure Q.

In this world both expectations of the variance form of the premium,
``E^Q_t[sigma^2_{t,t+T}]`` and ``E^P_t[sigma^2_{t,t+T}]``, are known in closed form, so the
variance risk premium and its split into a diffusive part and a jump part are exact numbers.
This module holds the parameters (:class:`BatesParams`, the book's measures
:data:`PHYSICAL` and :data:`RISK_NEUTRAL`), the expectations under P and Q, the change of
measure, and option prices from the characteristic function. Paths are drawn by
:mod:`vrp_lib.simulation`, the parameters are fitted by :mod:`vrp_lib.calibration`.
Everything the model world produces is **model output (synthetic)**, never market data.

Dynamics under either measure (parameters of that measure, :class:`BatesParams`)::

    dS_t / S_{t-} = mu dt + sqrt(v_t) dW^S_t + (e^J - 1) dN_t - lam * kbar dt
    dv_t          = kappa (theta - v_t) dt + xi sqrt(v_t) dW^v_t,   d<W^S, W^v> = rho dt
    N ~ Poisson(lam per year),  J ~ Normal(mu_j, sigma_j^2),  kbar = E[e^J - 1]

with ``mu = r - q`` under Q. An equivalent change of measure changes drifts and jump
laws, not diffusion coefficients: ``xi`` and ``rho`` must be the same under P and Q, and
the spot variance ``v_t`` is the same number under both (:func:`check_pair`).

Units
-----
Option-pricing convention, as :mod:`vrp_lib.implied`: variances are annualized
**decimals** (0.02 is 14.1 vol points), times in **years**, rates continuously compounded
decimals. The simulated VIX path is in vol points, as the index is quoted.

*Variance* of a horizon T means the annualized quadratic variation of the log price,
``(1/T) * ([ln S]_T - [ln S]_0) = (1/T) * (int_0^T v_s ds + sum of J_i^2)``: what a
variance swap settles on (in the limit of continuous monitoring).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from . import _checks

__all__ = [
    "BatesParams", "CALENDAR_DAYS", "DAYS_PER_YEAR", "LAGUERRE_NODES", "MAX_DECIMAL_VARIANCE",
    "MAX_HORIZON_YEARS", "MAX_KAPPA", "MAX_LAMBDA", "MAX_RATE", "MAX_XI", "PHYSICAL", "PRICING_METHODS",
    "QUAD_NODES", "RISK_NEUTRAL", "VIX_DAYS",
    "call_price", "characteristic_function", "check_pair", "diffusive_loading",
    "expected_variance", "expected_variance_parts", "half_life", "log_contract_variance",
    "model_chain",
    "put_price", "risk_neutral_from_premia", "stationary_mean_vix", "stationary_variance_law",
    "variance_premium",
]

DAYS_PER_YEAR = 252
VIX_DAYS = 30  # calendar days of the VIX horizon
CALENDAR_DAYS = 365
#: Largest decimal variance accepted as an input (a volatility of 200 vol points). A larger
#: number is taken for a unit mistake: a variance in vol points squared (400 for a VIX of 20)
#: or a volatility in vol points (20).
MAX_DECIMAL_VARIANCE = 4.0
#: Longest horizon accepted, in years; a larger number is taken for days passed as years.
MAX_HORIZON_YEARS = 10.0
#: Largest absolute rate, dividend yield or drift accepted, as a decimal per year; a larger
#: number is taken for percent (2 for 2 %).
MAX_RATE = 1.0
#: Largest mean-reversion speed accepted, per year (a half-life of 0.17 trading days).
MAX_KAPPA = 1000.0
#: Largest vol of variance accepted, per sqrt(year); a larger number is taken for percent.
MAX_XI = 10.0
#: Largest jump intensity accepted, jumps per year (four a trading day).
MAX_LAMBDA = 1000.0
#: Node counts accepted: the quadrature of ``method="quad"`` and the Gauss-Laguerre rule of
#: :func:`stationary_mean_vix`.
QUAD_NODES = (16, 1 << 16)
LAGUERRE_NODES = (2, 1000)


# --------------------------------------------------------------------------- input checks

def _scalar(x, name: str) -> float:
    """A finite real scalar: the shared rule of :func:`vrp_lib._checks.finite`."""
    return _checks.finite(x, name)


def _array(x, name: str) -> np.ndarray:
    """A non-empty float array of finite numbers: the shared rule of
    :func:`vrp_lib._checks.array`."""
    return _checks.array(x, name)


def _variance_units(a: np.ndarray, name: str) -> None:
    if (a > MAX_DECIMAL_VARIANCE).any():
        bad = float(a[a > MAX_DECIMAL_VARIANCE].flat[0])
        raise ValueError(
            f"{name}={bad!r} is above {MAX_DECIMAL_VARIANCE:g}, a volatility of "
            f"{100 * np.sqrt(MAX_DECIMAL_VARIANCE):.0f} vol points: it looks like vol points or "
            "vol points squared; pass a decimal variance (0.04 for a volatility of 20 vol points)"
        )


def _rate(x, name: str) -> float:
    v = _scalar(x, name)
    if abs(v) > MAX_RATE:
        raise ValueError(
            f"{name}={x!r} is above {MAX_RATE:g} in absolute value: it looks like percent; pass a "
            "decimal per year (0.02 for 2 %)"
        )
    return v


def _positive(x, name: str) -> float:
    v = _scalar(x, name)
    if v <= 0:
        raise ValueError(f"{name} must be positive, got {x!r}")
    return v


def _integer(x, name: str, minimum: int, maximum: int) -> int:
    """An integer in ``[minimum, maximum]`` (an integral float such as 256.0 is read as 256)."""
    n = _checks.integer(x, name, minimum)
    if n > maximum:
        raise ValueError(f"{name}={n} is above {maximum}: more nodes than any accuracy needs (and memory "
                         "and time grow with them)")
    return n



# --------------------------------------------------------------------------- parameters

@dataclass(frozen=True)
class BatesParams:
    """Parameters of the Bates model under one measure; all per year, variance as a decimal.

    Attributes
    ----------
    kappa : float
        Mean-reversion speed of the spot variance, per year (half-life ``ln 2 / kappa``).
    theta : float
        Long-run diffusive variance, decimal (0.02 is 14.1 vol points).
    xi : float
        Volatility of variance (``xi sqrt(v)`` is the diffusion of ``v``), per sqrt(year).
    rho : float
        Correlation of price and variance shocks, in [-1, 1].
    lam : float
        Jump intensity, expected jumps per year.
    mu_j : float
        Mean of the log jump size ``J`` (-0.05 is a jump of about -4.9 %).
    sigma_j : float
        Standard deviation of the log jump size.
    """

    kappa: float
    theta: float
    xi: float
    rho: float
    lam: float
    mu_j: float
    sigma_j: float

    def __post_init__(self):
        for f in fields(self):
            object.__setattr__(self, f.name, _scalar(getattr(self, f.name), f"BatesParams.{f.name}"))
        if self.kappa <= 0:
            raise ValueError(f"BatesParams.kappa must be positive (per year), got {self.kappa!r}")
        if self.theta <= 0:
            raise ValueError(f"BatesParams.theta must be a positive decimal variance, got {self.theta!r}")
        _variance_units(np.asarray(self.theta), "BatesParams.theta")
        if self.kappa > MAX_KAPPA:
            raise ValueError(f"BatesParams.kappa={self.kappa!r} is above {MAX_KAPPA:g} per year (a half-life "
                             "under a trading day): pass a mean-reversion speed per year")
        if self.xi < 0:
            raise ValueError(f"BatesParams.xi must be non-negative, got {self.xi!r}")
        if self.xi > MAX_XI:
            raise ValueError(f"BatesParams.xi={self.xi!r} is above {MAX_XI:g}: it looks like percent; "
                             "pass the vol of variance as a decimal per sqrt(year) (0.5, not 50)")
        if not -1.0 <= self.rho <= 1.0:
            raise ValueError(f"BatesParams.rho must lie in [-1, 1], got {self.rho!r}")
        if not 0 <= self.lam <= MAX_LAMBDA:
            raise ValueError(f"BatesParams.lam must lie in [0, {MAX_LAMBDA:g}] jumps per year, "
                             f"got {self.lam!r}")
        if abs(self.mu_j) > 1.0:
            raise ValueError(
                f"BatesParams.mu_j={self.mu_j!r}: a mean log jump above 1 in absolute value looks "
                "like percent; pass a decimal log jump size (-0.05 for about -5 %)"
            )
        if self.sigma_j < 0:
            raise ValueError(f"BatesParams.sigma_j must be non-negative, got {self.sigma_j!r}")
        if self.sigma_j > 1.0:
            raise ValueError(
                f"BatesParams.sigma_j={self.sigma_j!r}: a log-jump standard deviation above 1 looks "
                "like percent; pass a decimal (0.05 for 5 %)"
            )

    @property
    def jump_variance(self) -> float:
        """Annualized variance contributed by jumps: ``lam * E[J^2] = lam (mu_j^2 + sigma_j^2)``."""
        return self.lam * (self.mu_j**2 + self.sigma_j**2)

    @property
    def kbar(self) -> float:
        """Mean relative jump size ``E[e^J - 1] = exp(mu_j + sigma_j^2 / 2) - 1``."""
        return float(np.expm1(self.mu_j + 0.5 * self.sigma_j**2))

    @property
    def feller(self) -> float:
        """Feller ratio ``2 kappa theta / xi^2``; below 1 the variance can touch zero."""
        return np.inf if self.xi == 0 else 2.0 * self.kappa * self.theta / self.xi**2

    def to_series(self) -> pd.Series:
        """The parameters as a Series (for display)."""
        return pd.Series({f.name: float(getattr(self, f.name)) for f in fields(self)})


def _params(p, name: str) -> BatesParams:
    if not isinstance(p, BatesParams):
        raise ValueError(f"{name}: expected BatesParams, got {type(p).__name__}")  # noqa: TRY004
    return p


def check_pair(physical, risk_neutral) -> tuple[BatesParams, BatesParams]:
    """Check that two parameter sets can describe one world under P and Q.

    An equivalent change of measure (Girsanov) changes drifts and the law of the jumps,
    but not diffusion coefficients: the volatility of variance ``xi`` and the correlation
    ``rho`` must agree.

    Raises
    ------
    ValueError
        If either is not a :class:`BatesParams`, or ``xi`` or ``rho`` differ.
    """
    p = _params(physical, "physical")
    q = _params(risk_neutral, "risk_neutral")
    for f in ("xi", "rho"):
        if not np.isclose(getattr(p, f), getattr(q, f), rtol=1e-12, atol=1e-12):
            raise ValueError(
                f"physical.{f}={getattr(p, f)!r} and risk_neutral.{f}={getattr(q, f)!r} differ: "
                "an equivalent change of measure changes drifts, not diffusion coefficients"
            )
    return p, q


# Calibrated values (rounded), reproduced in chapter 2 and tests/test_calibration.py by
# ``calibrate_physical(data.load_spx()["close"])`` and
# ``calibrate_risk_neutral(PHYSICAL, 19.5, eta1=1.0, lam=2.0, mu_j=-0.05, sigma_j=0.05)``.
#: Physical measure, fitted to the S&P 500 daily closes 1990-2022
#: (:func:`~vrp_lib.calibration.calibrate_physical`: moments of monthly realized variance,
#: threshold-detected jumps).
PHYSICAL = BatesParams(kappa=3.38, theta=0.0303, xi=0.588, rho=-0.919, lam=1.27, mu_j=-0.0285,
                       sigma_j=0.0433)
#: Risk-neutral measure: price of variance risk ``eta1 = 1`` (slower mean reversion) with
#: ``eta0`` solved so that the long-run average model VIX is 19.5 (the source article's
#: 30-day average implied volatility), and more frequent, more negative jumps (chosen).
RISK_NEUTRAL = BatesParams(kappa=2.38, theta=0.0603, xi=0.588, rho=-0.919, lam=2.0, mu_j=-0.05,
                           sigma_j=0.05)


# --------------------------------------------------------------------------- expectations

def _horizon(horizon, name="horizon") -> np.ndarray:
    t = _array(horizon, name)
    if (t <= 0).any():
        raise ValueError(f"{name} must be positive, in years, got {horizon!r}")
    if (t > MAX_HORIZON_YEARS).any():
        raise ValueError(
            f"{name}={float(t[t > MAX_HORIZON_YEARS].flat[0])!r} is above {MAX_HORIZON_YEARS:g} "
            "years: it looks like days; pass years (30/365 for 30 calendar days)"
        )
    return t


def _v0(v0, name="v0") -> np.ndarray:
    v = _array(v0, name)
    if (v < 0).any():
        raise ValueError(f"{name}: negative spot variance {v[v < 0].flat[0]!r}")
    _variance_units(v, name)
    return v


def _scalar_v0(v0, name="v0") -> float:
    if v0 is not None and np.ndim(v0) != 0:
        raise ValueError(f"{name} must be a scalar spot variance (decimal), got an array of shape "
                         f"{np.shape(v0)}")
    return float(_v0(_scalar(v0, name), name))


def _scalar_t(t, name="t") -> float:
    return float(_horizon(_scalar(t, name), name))


def _out(x):
    return float(x) if np.ndim(x) == 0 else x


def diffusive_loading(kappa: float, horizon) -> np.ndarray:
    """``B(T) = (1 - e^{-kappa T}) / (kappa T)``: weight of the spot variance in the mean.

    ``E[(1/T) int_0^T v_s ds | v_0] = theta + (v_0 - theta) B(T)``.
    """
    k = _positive(kappa, "kappa")
    x = k * _horizon(horizon)
    return _out(-np.expm1(-x) / x)


def expected_variance_parts(params, horizon, v0) -> dict:
    """Expected annualized variance over ``[0, T]``, split into its diffusive and jump parts.

    .. math::

        E\\Big[\\tfrac{1}{T}\\int_0^T v_s\\,ds \\,\\Big|\\, v_0\\Big]
            = \\theta + (v_0 - \\theta)\\,\\frac{1 - e^{-\\kappa T}}{\\kappa T},
        \\qquad
        E\\Big[\\tfrac{1}{T}\\sum_{i \\le N_T} J_i^2\\Big] = \\lambda(\\mu_J^2 + \\sigma_J^2).

    Under P pass the physical parameters, under Q the risk-neutral ones; ``v0`` is the
    same spot variance under both.

    Parameters
    ----------
    params : BatesParams
    horizon : float or array
        T in years (30 calendar days is 30/365).
    v0 : float or array
        Spot variance, decimal; broadcast against ``horizon``.

    Returns
    -------
    dict
        ``{"diffusive": ..., "jump": ..., "total": ...}``, annualized decimal variances
        (floats, or arrays when an input is an array).
    """
    p = _params(params, "params")
    t = _horizon(horizon)
    v = _v0(v0)
    try:
        np.broadcast(t, v)
    except ValueError:
        raise ValueError(
            f"horizon (shape {t.shape}) and v0 (shape {v.shape}) cannot be broadcast together"
        ) from None
    return _parts(p, t, v)


def _parts(p: BatesParams, t, v) -> dict:
    """:func:`expected_variance_parts` on validated inputs (also used on simulated variances)."""
    t = np.asarray(t, dtype=float)
    v = np.asarray(v, dtype=float)
    x = p.kappa * t
    diff = p.theta + (v - p.theta) * (-np.expm1(-x) / x)
    jump = np.broadcast_to(np.asarray(p.jump_variance, dtype=float), np.broadcast(t, v).shape)
    if jump.ndim == 0:
        jump = float(jump)
    return {"diffusive": _out(diff), "jump": _out(jump + 0.0), "total": _out(diff + jump)}


def expected_variance(params, horizon, v0):
    """Expected annualized variance over ``[0, T]`` given the spot variance, decimal.

    ``E[(1/T) (int_0^T v_s ds + sum J_i^2) | v_0]``: the diffusive and jump parts of
    :func:`expected_variance_parts` added. Under Q this is the fair strike of a
    ``T``-year variance swap (squared, as a decimal); under P it is the forecast of the
    realized variance.
    """
    return expected_variance_parts(params, horizon, v0)["total"]


def variance_premium(physical, risk_neutral, horizon, v0) -> dict:
    """The variance risk premium ``E^Q - E^P`` and its diffusive and jump parts, exactly.

    Returns
    -------
    dict
        ``{"diffusive": ..., "jump": ..., "total": ...}`` in annualized decimal variance
        (multiply by 10,000 for variance points).
    """
    p, q = check_pair(physical, risk_neutral)
    eq = expected_variance_parts(q, horizon, v0)
    ep = expected_variance_parts(p, horizon, v0)
    return {k: _out(np.asarray(eq[k]) - np.asarray(ep[k])) for k in ("diffusive", "jump", "total")}


def log_contract_variance(params, horizon, v0):
    """What the VIX formula measures in the model: ``(2/T) E[-ln(F_T / F_0)]``, decimal.

    A continuum of out-of-the-money options weighted by ``1/K^2`` prices the log
    contract. Without jumps it equals :func:`expected_variance`; with jumps it is

    ``E[(1/T) int v ds] + 2 lam (E[e^J] - 1 - E[J])``

    and differs from the expected quadratic variation ``lam E[J^2]`` by the jumps'
    third and higher moments (Carr and Wu, 2009): for negative jumps it is smaller.
    """
    p = _params(params, "params")
    diff = expected_variance_parts(p, horizon, v0)["diffusive"]
    return _out(np.asarray(diff) + 2.0 * p.lam * (p.kbar - p.mu_j))


def half_life(params) -> float:
    """Half-life of a variance shock, in years: ``ln 2 / kappa``.

    The spot variance's conditional mean reverts to ``theta`` as
    ``theta + (v0 - theta) e^{-kappa t}``, so a shock to the spot variance has halved, in
    expectation, after ``ln 2 / kappa`` years; multiply by 12 for months or by
    ``DAYS_PER_YEAR`` (252) for trading days.
    """
    return float(np.log(2.0) / _params(params, "params").kappa)


def stationary_variance_law(params) -> tuple[float, float]:
    """Shape and scale of the stationary (Gamma) law of the spot variance.

    ``v_inf ~ Gamma(shape = 2 kappa theta / xi^2, scale = xi^2 / (2 kappa))``; mean
    ``theta``, variance ``theta xi^2 / (2 kappa)``.
    """
    p = _params(params, "params")
    if p.xi == 0:
        raise ValueError("params.xi is 0: the stationary variance is the constant theta")
    return 2.0 * p.kappa * p.theta / p.xi**2, p.xi**2 / (2.0 * p.kappa)


# --------------------------------------------------------------------------- option prices (Q)

def characteristic_function(params, u, t, v0):
    """Characteristic function of ``X_T = ln(S_T / F_0)`` under the measure of ``params``.

    ``E[exp(i u X_T)]`` for complex ``u`` (array), with the Heston part in the form of
    Albrecher et al. (2007), which avoids the branch-cut discontinuity of the complex
    logarithm, and the compensated lognormal jumps of Bates (1996). ``X_T`` is
    normalized so that ``E[e^{X_T}] = 1`` (the forward is a martingale).

    Parameters
    ----------
    params : BatesParams
        Risk-neutral parameters when used for pricing.
    u : complex scalar or array
        Finite arguments.
    t : float
        Horizon in years (at most :data:`MAX_HORIZON_YEARS`).
    v0 : float
        Spot variance, decimal (at most :data:`MAX_DECIMAL_VARIANCE`).

    Returns
    -------
    complex or numpy.ndarray of complex
    """
    p = _params(params, "params")
    tt = _scalar_t(t)
    v = _scalar_v0(v0)
    if u is None or isinstance(u, (bool, np.bool_, str, bytes)) or np.asarray(u).dtype.kind in "bOUS":
        raise ValueError(f"u must be a number or an array of numbers, got {u!r:.60}")
    try:
        uu = np.asarray(u, dtype=complex)
    except (TypeError, ValueError):
        raise ValueError(f"u must be numeric, got {u!r}") from None
    if uu.size == 0:
        raise ValueError("u is empty")
    if not np.isfinite(uu).all():
        raise ValueError("u contains NaN or an infinite value")
    out = _cf(p, uu, tt, v)
    return complex(out) if out.ndim == 0 else out


def _cf(p: BatesParams, u: np.ndarray, tt: float, v: float) -> np.ndarray:
    """:func:`characteristic_function` on validated inputs."""
    iu = 1j * u
    a = iu + u * u  # i u + u^2
    jump = p.lam * tt * (np.exp(iu * p.mu_j - 0.5 * u * u * p.sigma_j**2) - 1.0 - iu * p.kbar)
    if p.xi == 0.0:
        w = tt * float(p.theta + (v - p.theta) * -np.expm1(-p.kappa * tt) / (p.kappa * tt))
        return np.exp(-0.5 * a * w + jump)
    # The Albrecher et al. form written without dividing by xi^2, which would cancel
    # catastrophically as xi -> 0: beta - d = -xi^2 a / (beta + d), g = (beta - d) / (beta + d).
    # Re(beta + d) >= kappa > 0, so the divisions are safe for every xi.
    beta = p.kappa - p.rho * p.xi * iu
    d = np.sqrt(beta * beta + p.xi**2 * a)
    s = beta + d
    g_over = -a / (s * s)                       # g / xi^2
    g = p.xi**2 * g_over
    one_minus_e = -np.expm1(-d * tt)
    dd = -a / s * one_minus_e / (1.0 - g * (1.0 - one_minus_e))
    # ln((1 - g e) / (1 - g)) / xi^2 = log1p(x) / xi^2 with x = g (1 - e) / (1 - g), |x| ~ xi^2
    x = g * one_minus_e / (1.0 - g)
    zero = x == 0
    ratio = np.where(zero, 1.0, _log1p_complex(x) / np.where(zero, 1.0, x))
    log_term = ratio * g_over * one_minus_e / (1.0 - g)
    cc = p.kappa * p.theta * (-a / s * tt - 2.0 * log_term)
    return np.exp(cc + dd * v + jump)


def _log1p_complex(z: np.ndarray) -> np.ndarray:
    """``log(1 + z)`` for complex ``z``, accurate to a few ulps relative also when ``|z|`` is tiny.

    numpy's complex ``log1p`` forms ``1 + z`` first and loses the digits of a small ``z``
    (relative error 1e-4 at ``|z| = 1e-12``, which put the COS price at a vol of variance of
    1e-6 1e-5 away from its limit): the real part is ``log1p`` of ``|1 + z|^2 - 1 =
    2 Re z + |z|^2`` halved, the imaginary part the angle of ``1 + z`` (principal branch).
    """
    x, y = z.real, z.imag
    return 0.5 * np.log1p(x * (2.0 + x) + y * y) + 1j * np.arctan2(y, 1.0 + x)


#: Formerly the vol of variance below which :func:`characteristic_function` switched to its
#: cancellation-free form; that form now serves every ``xi > 0`` (no switch). Kept because
#: :mod:`vrp_lib.models` re-exports it.
_XI_SMALL = 1e-3

_GL_CACHE: dict[int, tuple[np.ndarray, np.ndarray]] = {}


def _gauss_legendre_01(n: int):
    if n not in _GL_CACHE:
        from scipy.special import roots_legendre

        x, w = roots_legendre(n)
        _GL_CACHE[n] = (0.5 * (x + 1.0), 0.5 * w)
    return _GL_CACHE[n]


def _pricing_inputs(params, spot, strike, t, v0, r, q):
    p = _params(params, "params")
    s = _scalar(spot, "spot")
    if s <= 0:
        raise ValueError(f"spot must be positive, got {spot!r}")
    k = _array(strike, "strike")
    if (k <= 0).any():
        raise ValueError(f"strike must be positive, got {float(k[k <= 0].flat[0])!r}")
    tt = _scalar_t(t)
    v = _scalar_v0(v0)
    rr = _rate(r, "r")
    qq = _rate(q, "q")
    return p, s, k, tt, v, rr, qq


#: Methods of :func:`call_price` and :func:`put_price`.
PRICING_METHODS = ("cos", "quad")
_COS_L = 16.0          # half-width of the COS range, in units of sqrt(c2 + sqrt(c4))
_COS_EPS = 1e-12       # the series stops where |phi(u)| falls below this
_COS_MAX_TERMS = 1 << 15


def _cos_range(p: BatesParams, tt: float, v: float) -> tuple[float, float, float]:
    """Truncation range ``[a, b]`` of ``X_T`` and its total-variance scale ``sqrt(w)``.

    Cumulants ``c1, c2, c4`` of ``X_T`` from the characteristic function by central
    differences (with a Richardson step), the range ``c1 -/+ L sqrt(c2 + sqrt(c4))`` of Fang
    and Oosterlee (2008), widened to hold a jump ten standard deviations out.
    """
    w = max(tt * float(p.theta + (v - p.theta) * -np.expm1(-p.kappa * tt) / (p.kappa * tt))
            + tt * p.jump_variance, 1e-14)
    h = 0.25 / np.sqrt(w)
    lp = np.log(_cf(p, np.array([-2 * h, -h, h, 2 * h]), tt, v))
    c1 = float(((8.0 * (lp[2] - lp[1]) - (lp[3] - lp[0])) / (12.0 * h)).imag)
    r1, r2 = float((lp[2] + lp[1]).real), float((lp[3] + lp[0]).real)
    c2 = max(-(16.0 * r1 - r2) / (12.0 * h * h), w * 1e-4)
    c4 = max((r2 - 4.0 * r1) / h**4, 0.0)
    half = _COS_L * np.sqrt(c2 + np.sqrt(c4))
    if p.lam > 0:
        half = max(half, abs(p.mu_j) + 10.0 * p.sigma_j + 10.0 * np.sqrt(c2))
    return c1 - half, c1 + half, float(np.sqrt(w))


def _cos_n_terms(p: BatesParams, tt: float, v: float, a: float, b: float, sd: float) -> int:
    """Terms needed: up to the frequency beyond which ``|phi(u)| < _COS_EPS``."""
    ug = np.geomspace(1.0 / sd, 2e4 / sd, 160)
    big = np.nonzero(np.abs(_cf(p, ug, tt, v)) > _COS_EPS)[0]
    umax = ug[min(big[-1] + 1, ug.size - 1)] if big.size else ug[0]
    return int(np.clip(np.ceil(umax * (b - a) / np.pi), 64, _COS_MAX_TERMS))


def _cos_put(p: BatesParams, fwd: float, k: np.ndarray, tt: float, v: float,
             n_terms=None) -> np.ndarray:
    """Undiscounted put prices ``E[(K - S_T)^+]`` by the COS method (Fang and Oosterlee, 2008).

    The density of ``X = ln(S_T / F)`` on ``[a, b]`` is a cosine series whose coefficients
    come from the characteristic function, ``A_n = 2/(b-a) Re(phi(u_n) e^{-i u_n a})`` with
    ``u_n = n pi / (b - a)``; the put payoff ``K - F e^x`` on ``[a, ln(K/F)]`` has closed-form
    cosine coefficients. One set of ``A_n`` serves every strike.
    """
    a, b, sd = _cos_range(p, tt, v)
    n = _cos_n_terms(p, tt, v, a, b, sd) if n_terms is None else n_terms
    u = np.arange(n) * (np.pi / (b - a))
    coef = np.real(_cf(p, u, tt, v) * np.exp(-1j * u * a)) * (2.0 / (b - a))
    coef[0] *= 0.5
    # weights of the three trigonometric sums in the payoff coefficients
    w_sin_k = np.zeros(n)
    w_sin_k[1:] = coef[1:] / u[1:]
    w_chi = coef / (1.0 + u * u)
    weights = np.stack([w_chi, w_chi * u, w_sin_k], axis=1)          # (n, 3)
    kk = k.ravel()
    out = np.empty(kk.size)
    e_a = np.exp(a)
    block = 32                                                       # n = n1 * block + n0
    n1 = -(-n // block)
    pad = n1 * block - n
    w2 = np.concatenate([weights, np.zeros((pad, 3))]).reshape(n1, block * 3)
    for i in range(0, kk.size, 256):                                 # strikes in chunks
        kc = kk[i:i + 256]
        d = np.clip(np.log(kc / fwd), a, b)
        theta = np.pi * (d - a) / (b - a)                            # u_n (d - a) = n theta
        # sum_n w_n e^{i n theta} with n = n1 * block + n0, by angle addition (real arithmetic)
        a0 = np.outer(theta, np.arange(block))
        a1 = np.outer(theta, block * np.arange(n1))
        c0, s0 = np.cos(a0)[:, :, None], np.sin(a0)[:, :, None]
        tr = (np.cos(a1) @ w2).reshape(kc.size, block, 3)
        ti = (np.sin(a1) @ w2).reshape(kc.size, block, 3)
        s_cos = (tr * c0 - ti * s0).sum(axis=1)                      # sum w_n cos(n theta)
        s_sin = (tr * s0 + ti * c0).sum(axis=1)                      # sum w_n sin(n theta)
        e_d = np.exp(d)
        chi = (s_cos[:, 0] + s_sin[:, 1]) * e_d - e_a * w_chi.sum()
        psi = s_sin[:, 2] + coef[0] * (d - a)
        out[i:i + 256] = kc * psi - fwd * chi
    return np.maximum(out, np.maximum(kk - fwd, 0.0)).reshape(k.shape)


def _quad_call(p: BatesParams, fwd: float, k: np.ndarray, tt: float, v: float, n: int) -> np.ndarray:
    """Undiscounted call prices by the Lewis (2001) integral, Gauss-Legendre quadrature."""
    x, w = _gauss_legendre_01(n)
    # scale of the map u = c x / (1 - x): the CF decays like exp(-u^2 W / 2), W total variance
    total = max(float(_parts(p, tt, v)["total"]) * tt, 1e-8)
    c = 1.0 / np.sqrt(total)
    u = c * x / (1.0 - x)
    du = c / (1.0 - x) ** 2
    phi = _cf(p, u - 0.5j, tt, v)
    kk = k.ravel()
    lk = np.log(fwd / kk)
    weight = w * du / (u * u + 0.25)
    integral = np.empty(kk.size)
    for i in range(0, kk.size, 64):  # strikes in chunks: memory stays at 64 x n_nodes
        integral[i:i + 64] = np.real(np.exp(1j * np.outer(lk[i:i + 64], u)) * phi) @ weight
    return (fwd - np.sqrt(fwd * kk) / np.pi * integral).reshape(k.shape)


def _method(method, n_nodes):
    if method not in PRICING_METHODS:
        raise ValueError(f"method must be one of {PRICING_METHODS}, got {method!r}")
    return _integer(n_nodes, "n_nodes", *QUAD_NODES)


def call_price(params, spot, strike, t, v0, r=0.0, q=0.0, n_nodes=4096, method="cos"):
    """European call price in the Bates model, by the characteristic function.

    Two methods, vectorized over strikes:

    * ``method="cos"`` (default): the COS method of Fang and Oosterlee (2008). The density
      of ``ln(S_T / F)`` is expanded in a cosine series on a range set by its cumulants
      (``c1 -/+ 16 sqrt(c2 + sqrt(c4))``, widened to hold the jumps); the series runs to the
      frequency where ``|phi|`` falls below ``1e-12``. Puts are priced by the series and
      calls by put-call parity (the put payoff is bounded, which keeps the truncation
      error small). About 1e-8 absolute accuracy per 100 of spot against the quadrature
      on the test grid (maturities of one week to two years, spot variances of 0.01 to
      0.1), roughly ten times faster than it.
    * ``method="quad"``: the Lewis (2001) single-integral form::

          C = e^{-rT} [ F - sqrt(F K) / pi * int_0^inf Re(e^{i u k} phi(u - i/2)) / (u^2 + 1/4) du ]

      with ``k = ln(F / K)``, by ``n_nodes``-point Gauss-Legendre quadrature after mapping
      ``[0, inf)`` onto ``[0, 1)``; 4096 nodes give about 1e-9 per 100 of spot at 30 days.
      The reference of the tests.

    ``F = S e^{(r - q) T}``; ``phi`` is :func:`characteristic_function`.

    Parameters
    ----------
    params : BatesParams
        Risk-neutral parameters.
    spot : float
        Underlying price, positive.
    strike : float or array
        Strikes, positive and finite.
    t : float
        Time to expiry in years (at most :data:`MAX_HORIZON_YEARS`).
    v0 : float
        Spot variance, decimal (0.04 for 20 vol points; at most :data:`MAX_DECIMAL_VARIANCE`).
    r, q : float
        Risk-free rate and dividend yield, continuously compounded decimals per year (at
        most :data:`MAX_RATE` in absolute value).
    n_nodes : int
        Quadrature nodes of ``method="quad"`` (ignored by ``"cos"``).
    method : {"cos", "quad"}

    Returns
    -------
    float or numpy.ndarray
        Call prices, in the currency of ``spot``.

    Raises
    ------
    ValueError
        On a bad argument (the message names it): NaN, inf, None, a boolean, a
        non-positive spot, strike or horizon, a negative spot variance, or a unit mistake
        (a variance above 4, a horizon above 10 years, a rate above 1 in absolute value).
    """
    p, s, k, tt, v, rr, qq = _pricing_inputs(params, spot, strike, t, v0, r, q)
    n = _method(method, n_nodes)
    fwd = s * np.exp((rr - qq) * tt)
    if method == "cos":
        und = _cos_put(p, fwd, k, tt, v) + (fwd - k)
    else:
        und = _quad_call(p, fwd, k, tt, v, n)
    return _out(np.exp(-rr * tt) * und)


def put_price(params, spot, strike, t, v0, r=0.0, q=0.0, n_nodes=4096, method="cos"):
    """European put price in the Bates model; arguments and units as in :func:`call_price`.

    With ``method="cos"`` the put is the COS series itself; with ``method="quad"`` it is
    :func:`call_price` by put-call parity, ``P = C - e^{-rT} (F - K)``.
    """
    p, s, k, tt, v, rr, qq = _pricing_inputs(params, spot, strike, t, v0, r, q)
    n = _method(method, n_nodes)
    fwd = s * np.exp((rr - qq) * tt)
    if method == "cos":
        und = _cos_put(p, fwd, k, tt, v)
    else:
        und = _quad_call(p, fwd, k, tt, v, n) - (fwd - k)
    return _out(np.exp(-rr * tt) * und)


def model_chain(params, spot, t, v0, strikes, r=0.0, q=0.0, half_spread=0.0, min_bid=0.0):
    """A synthetic option chain priced by the model, in the layout of :mod:`vrp_lib.implied`.

    Parameters
    ----------
    params : BatesParams
        Risk-neutral parameters.
    spot, t, v0, r, q
        As in :func:`call_price`.
    strikes : array
        Sorted, unique, positive strikes.
    half_spread : float
        Bid = model price - half_spread (floored at 0), ask = model price + half_spread.
    min_bid : float
        Bids below this are set to 0, as a market shows no bid for far-out-of-the-money
        options; the Cboe method stops after two consecutive zero bids.

    Returns
    -------
    pandas.DataFrame
        Columns ``strike, call_bid, call_ask, put_bid, put_ask``: model output, usable by
        :func:`vrp_lib.implied.cboe_variance`.
    """
    from .swaps import strike_spacing

    k = _array(strikes, "strikes")
    strike_spacing(k)  # sorted, unique, positive
    hs = _scalar(half_spread, "half_spread")
    mb = _scalar(min_bid, "min_bid")
    if hs < 0 or mb < 0:
        raise ValueError(f"half_spread and min_bid must be non-negative, got {hs!r}, {mb!r}")
    c = np.maximum(np.asarray(call_price(params, spot, k, t, v0, r, q), dtype=float), 0.0)
    p = np.maximum(np.asarray(put_price(params, spot, k, t, v0, r, q), dtype=float), 0.0)
    out = {"strike": k}
    for side, price in (("call", c), ("put", p)):
        bid = np.maximum(price - hs, 0.0)
        bid = np.where(bid < mb, 0.0, bid)
        out[f"{side}_bid"] = bid
        out[f"{side}_ask"] = price + hs
    return pd.DataFrame(out)



# --------------------------------------------------------------------------- change of measure

def _contract(contract) -> str:
    if contract not in ("swap", "log"):
        raise ValueError(f"contract must be 'swap' or 'log', got {contract!r}")
    return contract


def _q_variance(q: BatesParams, horizon, v, contract: str):
    parts = _parts(q, horizon, v)
    if contract == "swap":
        return parts["total"]
    return np.asarray(parts["diffusive"]) + 2.0 * q.lam * (q.kbar - q.mu_j)


def stationary_mean_vix(physical, risk_neutral, days=VIX_DAYS, n_nodes=96, contract="swap") -> float:
    """Long-run average of the model VIX under P, in vol points, without simulation.

    ``E^P[100 sqrt(V^Q(v))]`` with ``v`` drawn from the stationary Gamma law of the spot
    variance under P (:func:`stationary_variance_law`), by generalized Gauss-Laguerre
    quadrature. ``V^Q`` is the ``days``-calendar-day variance under Q: with
    ``contract="swap"`` (default) the variance-swap rate :func:`expected_variance`, the
    definition of the simulated model VIX (:func:`~vrp_lib.simulation.simulate`); with
    ``contract="log"`` the log-contract variance :func:`log_contract_variance`, what the
    Cboe formula applied to the model's option prices would give (lower when jumps are
    negative).
    """
    from scipy.special import gammaln, roots_genlaguerre

    p, q = check_pair(physical, risk_neutral)
    horizon = _positive(days, "days") / CALENDAR_DAYS
    if horizon > MAX_HORIZON_YEARS:
        raise ValueError(f"days={days!r} is more than {MAX_HORIZON_YEARS:g} years of calendar days")
    c = _contract(contract)
    n = _integer(n_nodes, "n_nodes", *LAGUERRE_NODES)
    if p.xi == 0:
        return 100.0 * float(np.sqrt(_q_variance(q, horizon, p.theta, c)))
    shape, scale = stationary_variance_law(p)
    x, w = roots_genlaguerre(n, shape - 1.0)
    vals = 100.0 * np.sqrt(_q_variance(q, horizon, x * scale, c))
    return float(np.dot(w, vals) / np.exp(gammaln(shape)))


def risk_neutral_from_premia(physical, eta0=0.0, eta1=0.0, lam=None, mu_j=None,
                             sigma_j=None) -> BatesParams:
    """Risk-neutral parameters from the physical ones and explicit risk premia.

    Variance risk: a market price of variance risk affine in the variance,
    ``(eta0 + eta1 v) / (xi sqrt(v))`` per unit of the variance shock, moves the drift of
    the variance from ``kappa_P (theta_P - v)`` under P to
    ``kappa_P theta_P + eta0 - (kappa_P - eta1) v`` under Q::

        kappa_Q = kappa_P - eta1,      kappa_Q theta_Q = kappa_P theta_P + eta0

    ``eta0 = 0`` is Heston's (1993) specification (``kappa theta`` unchanged). Positive
    values (investors pay to be long variance) give slower mean reversion and a higher
    long-run variance under Q. With ``eta0 != 0`` the change of measure is well defined
    only when the variance cannot reach zero (Feller ratio above 1 under both measures);
    the book's fitted parameters do not meet that, and the model world is a teaching
    device, not a claim that such a measure exists. Jump risk: the jump intensity and the
    law of the jump size under Q are set directly (by default those of P, no jump
    premium). ``xi`` and ``rho`` do not change.

    Parameters
    ----------
    physical : BatesParams
    eta0 : float
        Constant part of the price of variance risk, decimal variance per year.
    eta1 : float
        Proportional part, per year; must keep ``kappa_Q > 0``.
    lam, mu_j, sigma_j : float, optional
        Jump law under Q.
    """
    p = _params(physical, "physical")
    e0 = _scalar(eta0, "eta0")
    e1 = _scalar(eta1, "eta1")
    kq = p.kappa - e1
    if kq <= 0:
        raise ValueError(f"eta1={e1!r} must be below physical.kappa={p.kappa!r} (kappa_Q > 0)")
    tq = (p.kappa * p.theta + e0) / kq
    if tq <= 0:
        raise ValueError(f"eta0={e0!r} makes the long-run Q variance non-positive")
    return BatesParams(kappa=kq, theta=tq, xi=p.xi, rho=p.rho,
                       lam=p.lam if lam is None else lam, mu_j=p.mu_j if mu_j is None else mu_j,
                       sigma_j=p.sigma_j if sigma_j is None else sigma_j)

