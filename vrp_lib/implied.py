"""Implied measures: Black-Scholes prices, implied-volatility inversion, the Cboe VIX method.

Units
-----
This module works in the option-pricing convention: volatility ``sigma`` is a **decimal**
(0.18, not 18), time ``t`` is in **years**, rates are continuously compounded decimals.
:func:`cboe_variance` returns an annualized variance as a decimal, as the Cboe white paper
writes it; :func:`cboe_vix` returns the index level in vol points, as it is quoted.
Multiply a decimal volatility by 100 for vol points.

Units guard: a volatility above ``MAX_DECIMAL_VOL = 5`` (500 vol points) is rejected as
vol points passed by mistake ("pass 0.15 for 15 vol points").

A *chain* is a DataFrame with columns ``strike, call_bid, call_ask, put_bid, put_ask``,
one row per strike, strikes sorted and unique.
"""

from __future__ import annotations

from dataclasses import dataclass
import math
from fractions import Fraction
from math import comb, factorial

import numpy as np
import pandas as pd
from scipy.special import erfcx, ndtr, ndtri

from . import _checks
from .swaps import _scalar, _spacing, fair_variance, strike_spacing  # one number: the same rule

__all__ = [
    "MINUTES_PER_YEAR", "CHAIN_COLUMNS", "MAX_DECIMAL_VOL", "bs_price", "bs_delta", "bs_vega",
    "implied_vol", "check_chain", "cboe_forward", "cboe_strip", "CboeTerm", "cboe_term",
    "cboe_variance", "interpolate_variance", "cboe_vix", "skew_smile", "bs_chain",
    "smile_fair_variance", "skew_fair_variance",
]

MINUTES_PER_YEAR = 525_600
CHAIN_COLUMNS = ("strike", "call_bid", "call_ask", "put_bid", "put_ask")
_CHAIN_LIST = list(CHAIN_COLUMNS)
MAX_DECIMAL_VOL = 5.0
_MAX_STRIKES = 100_001


# --------------------------------------------------------------------------- argument helpers

def _numeric(x, name):
    """A non-empty float array: no NaN, inf, None, booleans, strings or object values."""
    return _checks.array(x, name)


def _broadcast(names, *arrays):
    shapes = {a.shape for a in arrays}
    if len(shapes - {()}) <= 1:                 # scalars and one shape: no copy, no error possible
        shape = max(shapes, key=len)
        return [a if a.shape == shape else np.full(shape, a) for a in arrays]
    try:
        return np.broadcast_arrays(*arrays)
    except ValueError:
        shapes = ", ".join(f"{n} {np.shape(a)}" for n, a in zip(names, arrays))
        raise ValueError(f"lengths do not match: {shapes} cannot be broadcast together") from None


# --------------------------------------------------------------------------- normalised Black

# Jaeckel's normalised Black call (Let's Be Rational, 2015), for x = ln(F/K) <= 0, s = sigma sqrt(T):
#     b(x, s) = e^{x/2} N(h + t) - e^{-x/2} N(h - t),   h = x / s,  t = s / 2,
#             = phi-factor * [Y(h + t) - Y(h - t)],       Y(z) = N(z) / n(z),
# with phi-factor = exp(-(h^2 + t^2) / 2) / sqrt(2 pi). Out of the money the two terms cancel; each
# region below evaluates the difference without cancelling more than a few digits.
_INV_SQRT2PI = 1.0 / np.sqrt(2.0 * np.pi)
_SQRT_HALF = np.sqrt(0.5)
_SQRT_HALF_PI = np.sqrt(0.5 * np.pi)
_ETA = -10.0                                       # asymptotic expansion for h below this
_TAU = 2.0 * np.finfo(float).eps ** (1.0 / 16.0)   # Jaeckel's small-t bound (0.21)
# The small-t series is used below _TAU_SERIES only: between it and _TAU the erfcx form loses
# at most 1.2e-13 relative to its cancellation (measured against 50-digit mpmath on 3,000 points,
# t in [0.02, 0.21], h in [-10, 0.85]; tests/test_implied.py pins 1e-12) and costs a fifth as much.
_TAU_SERIES = 0.02
_UNDERFLOW = -30.0                                 # N(z) for z below this through erfcx


def _small_t_coefficients(order=6):
    """Taylor coefficients of Y(h + t) - Y(h - t) in t, as polynomials in h^2 and a = 1 + h Y(h).

    ``Y' = 1 + h Y``, so ``Y^(n) = P_n(h) + Q_n(h) Y`` with ``P_{n+1} = P_n' + Q_n`` and
    ``Q_{n+1} = Q_n' + h Q_n`` (exact fractions). For odd n, with ``Y = (a - 1)/h``,
    ``Y^(n)/n! = A(h^2) + B(h^2) a``: returns the pairs (A, B) for n = 1, 3, ..., 2 order + 1,
    lowest power first (Jaeckel's expansion to t^13).
    """
    def deriv(p):
        return [i * c for i, c in enumerate(p)][1:] or [Fraction(0)]

    def add(p, q):
        n = max(len(p), len(q))
        return [(p[i] if i < len(p) else 0) + (q[i] if i < len(q) else 0) for i in range(n)]

    p, q, out = [Fraction(0)], [Fraction(1)], []
    for n in range(1, 2 * order + 2):
        p, q = add(deriv(p), q), add(deriv(q), [Fraction(0)] + q)
        if n % 2:
            r = q[1::2]                                  # Q_n / h as a polynomial in h^2
            a_part = add(p[0::2], [-c for c in r])
            out.append(([float(c / factorial(n)) for c in a_part], [float(c / factorial(n)) for c in r]))
    return out


def _asymptotic_coefficients(order=17):
    """``c[n][m] = (-1)^n (2n - 1)!! 2 C(2n + 1, 2m + 1)``: the asymptotic series of
    ``Y(z) ~ -sum_n (-1)^n (2n - 1)!! / z^(2n+1)`` differenced at ``h + t`` and ``h - t``."""
    out, dfact = [], 1
    for n in range(order + 1):
        dfact *= max(2 * n - 1, 1)
        out.append([float((-1) ** n * dfact * 2 * comb(2 * n + 1, 2 * m + 1)) for m in range(n + 1)])
    return out


def _padded(polys):
    """Coefficient lists of different lengths as one matrix, lowest power first, padded with zeros
    at the high end (Horner's rule gives the same floats: a leading ``0 * z + 0`` is exact)."""
    width = max(len(c) for c in polys)
    return np.array([list(c) + [0.0] * (width - len(c)) for c in polys])


_SMALL_T = _small_t_coefficients()
_ASYMPTOTIC = _asymptotic_coefficients()
#: Rows in the order the series sums them (highest power of t first).
_SMALL_T_A = _padded([a for a, _ in reversed(_SMALL_T)])
_SMALL_T_B = _padded([b for _, b in reversed(_SMALL_T)])
_ASYMPTOTIC_C = _padded(list(reversed(_ASYMPTOTIC)))


def _polys(coefs, z):
    """Every row of ``coefs`` (a polynomial, lowest power first) at ``z`` by Horner's rule, as
    one 2-D array (rows x len(z)): one numpy operation per degree, not per polynomial."""
    out = np.repeat(coefs[:, -1:], z.size, axis=1)
    for j in range(coefs.shape[1] - 2, -1, -1):
        out = out * z + coefs[:, j:j + 1]
    return out


def _y_difference_small_t(h, t):
    """``Y(h + t) - Y(h - t)`` by its Taylor series in t (to t^13; accurate for t < 0.21)."""
    a = 1.0 + h * (_SQRT_HALF_PI * erfcx(-_SQRT_HALF * h))
    h2, w = h * h, t * t
    terms = _polys(_SMALL_T_A, h2) + _polys(_SMALL_T_B, h2) * a
    out = np.zeros_like(h)
    for row in terms:
        out = out * w + row
    return 2.0 * t * out


def _y_difference_asymptotic(h, t):
    """``Y(h + t) - Y(h - t)`` by the asymptotic series in ``1/(h +- t)^2`` (for h + t < -9.8).

    ``= t/r sum_n q^n sum_m c[n][m] e^m`` with ``e = (t/h)^2``, ``r = h^2 - t^2``, ``q = (h/r)^2``.
    """
    e = (t / h) ** 2
    r = (h + t) * (h - t)
    q = (h / r) ** 2
    out = np.zeros_like(h)
    for row in _polys(_ASYMPTOTIC_C, e):
        out = out * q + row
    return t / r * out


def _black_cdf(x, h, t):
    """``e^{x/2} N(h + t) - e^{-x/2} N(h - t)`` term by term (a term whose N would underflow
    through ``exp(-(h^2 + t^2)/2) erfcx``)."""
    d1, d2 = h + t, h - t
    with np.errstate(over="ignore", invalid="ignore"):
        b = np.exp(0.5 * x) * ndtr(d1) - np.exp(-0.5 * x) * ndtr(d2)
    low = d2 < _UNDERFLOW
    if low.any():
        i = np.flatnonzero(low)
        xi, hi, ti, d1i = x[i], h[i], t[i], d1[i]
        far = 0.5 * np.exp(-0.5 * (hi * hi + ti * ti))
        first = np.where(d1i < _UNDERFLOW, far * erfcx(-_SQRT_HALF * d1i), np.exp(0.5 * xi) * ndtr(d1i))
        b[i] = first - far * erfcx(-_SQRT_HALF * d2[i])
    return b


def _black(x, s, log_scale=0.0):
    """Normalised out-of-the-money Black call ``b(x, s)`` for ``x <= 0`` and ``s > 0`` (1-D arrays),
    times ``exp(log_scale)`` (a scalar or an array like x).

    Relative accuracy about 1e-13 wherever the result is a normal double: Jaeckel's four regions,
    the asymptotic expansion (h < -10 and h + t < -9.8), the small-t expansion (t < 0.02;
    Jaeckel uses it up to 0.21), the two normal cdfs where ``h + t > 0.85`` (the first term dominates) and the erfcx form
    ``exp(-(h^2 + t^2)/2)/2 [erfcx(-(h + t)/sqrt 2) - erfcx(-(h - t)/sqrt 2)]`` elsewhere. The
    scale enters the exponent ``-(h^2 + t^2)/2``, so a price ``sqrt(F K) b`` stays accurate where
    b alone would underflow (far out of the money with a large total volatility).
    """
    h = x / s
    t = 0.5 * s
    ls = log_scale if np.shape(log_scale) == h.shape else np.broadcast_to(log_scale, h.shape)
    asym = (h < _ETA) & (h + t < _ETA + _TAU)
    small = ~asym & (t < _TAU_SERIES)
    cdf = ~(asym | small) & (h + t > 0.85)
    mid = ~(asym | small | cdf)
    if mid.all():                       # the usual chain: one region, no masks (same floats)
        return np.maximum(0.5 * np.exp(ls - 0.5 * (h * h + t * t)) * (
            erfcx(-_SQRT_HALF * (h + t)) - erfcx(-_SQRT_HALF * (h - t))), 0.0)
    b = np.empty_like(h)
    for mask, diff in ((asym, _y_difference_asymptotic), (small, _y_difference_small_t)):
        if mask.any():
            hh, tt = h[mask], t[mask]
            b[mask] = _INV_SQRT2PI * np.exp(ls[mask] - 0.5 * (hh * hh + tt * tt)) * diff(hh, tt)
    if cdf.any():
        b[cdf] = _black_cdf(x[cdf], h[cdf], t[cdf]) * np.exp(ls[cdf])
    if mid.any():
        hh, tt = h[mid], t[mid]
        b[mid] = 0.5 * np.exp(ls[mid] - 0.5 * (hh * hh + tt * tt)) * (
            erfcx(-_SQRT_HALF * (hh + tt)) - erfcx(-_SQRT_HALF * (hh - tt)))
    return np.maximum(b, 0.0)


def _log_moneyness(s, k, drift):
    """``ln(F/K) = ln(S/K) + drift`` to relative accuracy (log1p of an exact S - K near the money)."""
    with np.errstate(divide="ignore", over="ignore"):      # replaced below where S/K is far from 1
        x = np.log1p((s - k) / k)
    far = (k > 2.0 * s) | (s > 2.0 * k)
    if far.any():
        x[far] = np.log(s[far] / k[far])
    return x + drift


# --------------------------------------------------------------------------- Black-Scholes

def _kind(kind):
    if not isinstance(kind, str) or kind not in ("call", "put"):
        raise ValueError(f"kind must be 'call' or 'put', got {kind!r}")
    return kind


def _pos(x, name):
    a = _numeric(x, name)
    if (a <= 0).any():
        raise ValueError(f"{name} must be positive, got {a[a <= 0].flat[0]:g}")
    return a


def _market(spot, strike, t, r, q):
    s = _pos(spot, "spot")
    k = _pos(strike, "strike")
    tt = _numeric(t, "t")
    if (tt <= 0).any():
        raise ValueError(f"t must be positive years to expiry, got {tt[tt <= 0].flat[0]:g}")
    return s, k, tt, _numeric(r, "r"), _numeric(q, "q")


def _sigma(sigma, name="sigma"):
    v = _numeric(sigma, name)
    if (v < 0).any():
        raise ValueError(f"{name} must be a non-negative decimal volatility (0.2 for 20 %), "
                         f"got {v[v < 0].flat[0]:g}")
    if (v > MAX_DECIMAL_VOL).any():
        bad = v[v > MAX_DECIMAL_VOL].flat[0]
        raise ValueError(
            f"{name} {bad:g} is above {MAX_DECIMAL_VOL:g} ({100 * MAX_DECIMAL_VOL:.0f} vol points): "
            f"{name} is a decimal; pass {bad / 100:g} for {bad:g} vol points"
        )
    return v


def _valid_chain(spot, strike, t, r, sigma, q) -> bool:
    """True for the usual call, already valid: float spot, t, r, q and float64 strikes and sigmas
    of one shape (the rules of :func:`_market` and :func:`_sigma` checked in a few operations)."""
    return (type(spot) is float and type(t) is float and type(r) is float and type(q) is float
            and type(strike) is np.ndarray and type(sigma) is np.ndarray
            and strike.dtype == np.float64 and sigma.dtype == np.float64
            and strike.shape == sigma.shape and strike.size > 0
            and 0.0 < spot < math.inf and 0.0 < t < math.inf and math.isfinite(r) and math.isfinite(q)
            and bool(((strike > 0.0) & (strike < math.inf)).all())
            and bool(((sigma >= 0.0) & (sigma <= MAX_DECIMAL_VOL)).all()))


def _bs_inputs(spot, strike, t, r, sigma, q):
    if _valid_chain(spot, strike, t, r, sigma, q):        # the same arrays the checks would give
        shape = strike.shape
        return np.full(shape, spot), strike, np.full(shape, t), np.full(shape, r), sigma, np.full(shape, q)
    s, k, tt, rr, qq = _market(spot, strike, t, r, q)
    v = _sigma(sigma)
    return _broadcast(("spot", "strike", "t", "r", "sigma", "q"), s, k, tt, rr, v, qq)


def bs_price(spot, strike, t, r, sigma, q=0.0, kind="call"):
    """Black-Scholes-Merton price of a European option, vectorized by broadcasting.

    Parameters
    ----------
    spot, strike : float or array
        Underlying price and strike, positive.
    t : float or array
        Time to expiry in years, positive.
    r, q : float or array
        Risk-free rate and dividend yield, continuously compounded decimals.
    sigma : float or array
        Volatility as a decimal (0.2 for 20 vol points), between 0 and 5.
    kind : {"call", "put"}

    Returns
    -------
    float or numpy.ndarray
        Option price in the currency of ``spot``: ``e^{-rT} sqrt(F K)`` times the intrinsic
        value ``2 sinh(x/2)`` (in the money, ``x = ln(F/K)``, ``-x`` for a put) plus the
        normalised out-of-the-money Black price at ``-|x|`` (``_black``, Jaeckel's
        regions). Calls and puts each come from this formula, never by put-call parity, so
        every price has a relative accuracy of about 1e-12 or better (against 60-digit
        arithmetic) out to at least 30 standard deviations, maturities 1 day to 5 years and
        vols 1 % to 200 %, down to prices of 1e-300.

    Raises
    ------
    ValueError
        NaN, inf, None or empty input, non-positive spot, strike or t, shapes that do not
        broadcast, or ``sigma`` above 5 (vol points passed instead of decimals).
    """
    _kind(kind)
    s, k, tt, rr, v, qq = _bs_inputs(spot, strike, t, r, sigma, q)
    shape = s.shape
    if s.ndim != 1:
        s, k, tt, rr, v, qq = (np.ravel(a) for a in (s, k, tt, rr, v, qq))
    x = _log_moneyness(s, k, (rr - qq) * tt)
    if kind == "put":
        x = -x
    sd = v * np.sqrt(tt)
    # in the money: intrinsic value 2 sinh(x/2) plus the out-of-the-money price at -|x| (no parity
    # subtraction, so every price keeps its relative accuracy)
    log_scale = 0.5 * (np.log(s) + np.log(k) - (rr + qq) * tt)      # ln(e^{-rT} sqrt(F K))
    out = np.exp(log_scale) * (2.0 * np.sinh(0.5 * np.maximum(x, 0.0)))
    live = sd > 0
    if live.all():
        out += _black(-np.abs(x), sd, log_scale)
    elif live.any():
        out[live] += _black(-np.abs(x[live]), sd[live], log_scale[live])
    out = out.reshape(shape)
    return float(out) if out.ndim == 0 else out


def bs_delta(spot, strike, t, r, sigma, q=0.0, kind="call"):
    """Black-Scholes delta: the change of the option price per unit of the spot.

    ``e^{-qT} N(d1)`` for a call and ``e^{-qT} (N(d1) - 1)`` for a put. At zero volatility
    (or expiry) the limit: ``e^{-qT}`` times 1, 1/2 or 0 as the forward is above, at or
    below the strike (minus ``e^{-qT}`` for a put). Inputs as in :func:`bs_price`.
    """
    _kind(kind)
    s, k, tt, rr, v, qq = _bs_inputs(spot, strike, t, r, sigma, q)
    fwd = s * np.exp((rr - qq) * tt)
    sd = v * np.sqrt(tt)
    with np.errstate(divide="ignore", invalid="ignore"):
        d1 = (np.log(fwd / k) + 0.5 * sd**2) / sd
    nd1 = np.where(sd > 0, ndtr(np.where(sd > 0, d1, 0.0)),
                   np.where(fwd > k, 1.0, np.where(fwd < k, 0.0, 0.5)))
    out = np.exp(-qq * tt) * (nd1 if kind == "call" else nd1 - 1.0)
    return float(out) if np.ndim(out) == 0 else out


def bs_vega(spot, strike, t, r, sigma, q=0.0):
    """Black-Scholes vega: price change per unit (1.00 = 100 vol points) of ``sigma``.

    Divide by 100 for the price change per vol point. Inputs as in :func:`bs_price`.
    """
    s, k, tt, rr, v, qq = _bs_inputs(spot, strike, t, r, sigma, q)
    sd = np.maximum(v * np.sqrt(tt), 1e-300)
    d1 = (np.log(s / k) + (rr - qq + 0.5 * v**2) * tt) / sd
    out = s * np.exp(-qq * tt) * np.exp(-0.5 * d1**2) / np.sqrt(2 * np.pi) * np.sqrt(tt)
    return float(out) if np.ndim(out) == 0 else out


# --------------------------------------------------------------------------- implied volatility

# Jaeckel's rational cubic interpolation (Let's Be Rational, 2015, section 4)
_RMIN = -(1.0 - np.sqrt(np.finfo(float).eps))
_RMAX = 2.0 / np.finfo(float).eps ** 2
_TINY = np.finfo(float).tiny
_SQRT3 = np.sqrt(3.0)
_F_LOWER = 2.0 * np.pi / np.sqrt(27.0)


def _black_iterate(x, h, t):
    """b(x, s) for the solver: the two normal cdfs, and :func:`_black` where they would cancel
    too much for a 1e-12 volatility (``h < -4`` or ``t < 1e-3``; ``s = 2t``)."""
    b = _black_cdf(x, h, t)
    hard = (h < -4.0) | (t < 1e-3)
    if hard.any():
        b[hard] = _black(x[hard], 2.0 * t[hard])
    return b


def _rational_cubic(z, zl, zr, yl, yr, dl, dr, r):
    """Delbourgo-Gregory rational cubic through (zl, yl), (zr, yr) with end slopes dl, dr and
    control parameter r (linear for r at its maximum)."""
    w = zr - zl
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        u = (z - zl) / w
        v = 1.0 - u
        y = (yr * u * u * u + (r * yr - w * dr) * u * u * v + (r * yl + w * dl) * u * v * v
             + yl * v * v * v) \
            / (1.0 + (r - 3.0) * u * v)
    return np.where(r >= _RMAX, yr * u + yl * v, y)


def _r_convex(zl, zr, yl, yr, dl, dr, d2, left, prefer_shape):
    """Control parameter that fits the second derivative d2 at the left (right) end, raised to
    Jaeckel's minimum that keeps the interpolant monotonic and convex (concave) as the data."""
    w = zr - zl
    slope = (yr - yl) / w
    num = 0.5 * w * d2 + (dr - dl)
    den = slope - dl if left else dr - slope
    fallback = _RMAX if prefer_shape else -np.inf
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        r = np.where(np.abs(num) < _TINY, 0.0,
                     np.where(np.abs(den) < _TINY, np.where(num > 0, _RMAX, _RMIN), num / den))
        mono = (dl * slope >= 0) & (dr * slope >= 0)
        shaped = ((dl <= slope) & (slope <= dr)) | ((dl >= slope) & (slope >= dr))
        r1 = np.where(mono, np.where(np.abs(slope) >= _TINY, (dr + dl) / slope, fallback), -np.inf)
        a, c = slope - dl, dr - slope
        r2 = np.where((np.abs(a) >= _TINY) & (np.abs(c) >= _TINY),
                      np.maximum(np.abs((dr - dl) / c), np.abs((dr - dl) / a)), fallback)
    r2 = np.where(shaped, r2, np.where(mono & prefer_shape, _RMAX, -np.inf))
    r_min = np.where(mono | shaped, np.maximum(_RMIN, np.maximum(r1, r2)), _RMIN)
    return np.maximum(r, r_min)


def _vega(x, s):
    """Normalised vega db/ds = exp(-(h^2 + t^2)/2) / sqrt(2 pi)."""
    h = x / s
    return _INV_SQRT2PI * np.exp(-0.5 * (h * h + 0.25 * s * s))


# Correction tables for the guess. The lowest segment's quadratic in the lower map is a few per cent
# off (the map's slope at beta = 0 is reached only logarithmically) and the rational cubics of the two
# middle segments about 1e-3; either costs a second Householder step. The ratio exact / guessed s is
# smooth in (xi, w), xi = |x| / (1 + |x|) and w the position of beta in its segment
# (1 / (1 - ln(beta / b_l)) in the lowest, linear between the ends in the middle ones), both in
# [0, 1]: tabulated once per segment on a 128 x 128 grid (by the solver itself, without correction)
# and interpolated bilinearly, it brings the guess within about 1e-5, so one step suffices. It only
# moves the starting point: the answer is still the solver's, to its own tolerance.
_TABLE_N = 128
_XI_MAX = 0.95
_TABLES = {}


def _segment_ends(x):
    """``b_max, s_c, b_c, s_l, b_l, s_h, b_h`` of Jaeckel's segments (``b_l``, ``b_h`` by :func:`_black`)."""
    ax = -x
    bmax = np.exp(0.5 * x)
    sc = np.sqrt(2.0 * ax)
    bc = np.maximum(0.5 * bmax - np.exp(0.5 * ax) * ndtr(-sc), 0.0)
    vc = _INV_SQRT2PI * bmax
    sl = sc - bc / vc
    sh = sc + (bmax - bc) / vc
    with np.errstate(divide="ignore", invalid="ignore"):
        bl = np.where(sl > 0, _black(x, np.where(sl > 0, sl, 1.0)), 0.0)
    return bmax, sc, bc, sl, bl, sh, _black(x, sh)


def _table(segment):
    if segment not in _TABLES:
        n = _TABLE_N
        xi, w = np.meshgrid(np.linspace(0.0, _XI_MAX, n), np.linspace(0.0, 1.0, n), indexing="ij")
        xi, w = xi.ravel(), w.ravel()
        x = -xi / (1.0 - xi)
        bmax, sc, bc, sl, bl, sh, bh = _segment_ends(x)
        with np.errstate(divide="ignore"):
            beta = (np.exp(1.0 - 1.0 / w) * bl, bl + w * (bc - bl), bc + w * (bh - bc))[segment]
        rho = np.ones(n * n)
        i = np.flatnonzero((beta > 1e-290) & (beta < bmax) & ((x < 0) | (segment == 2)))
        exact = _solve_normalized(x[i], beta[i], correct=False)
        guess, seg, _ = _guess(x[i], beta[i], correct=False)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = exact / guess
        rho[i] = np.where((seg == segment) & np.isfinite(ratio) & (ratio > 0), ratio, 1.0)
        _TABLES[segment] = rho.reshape(n, n)
    return _TABLES[segment]


def _correction(segment, ax, w):
    """Bilinear interpolation of the tabulated ratio exact / guessed s at |x| = ax, position w."""
    rho = _table(segment).ravel()
    n1 = _TABLE_N - 1
    fi = np.minimum(ax / (1.0 + ax), _XI_MAX) * (n1 / _XI_MAX)
    fj = np.clip(w, 0.0, 1.0) * n1
    i = np.minimum(fi.astype(np.intp), n1 - 1)
    j = np.minimum(fj.astype(np.intp), n1 - 1)
    a, b = fi - i, fj - j
    at = i * _TABLE_N + j                                   # flat index of (i, j)
    lower = rho.take(at) * (1.0 - b) + rho.take(at + 1) * b
    upper = rho.take(at + _TABLE_N) * (1.0 - b) + rho.take(at + _TABLE_N + 1) * b
    return lower * (1.0 - a) + upper * a


def _guess(x, beta, correct=True):
    """Jaeckel's initial guess (Let's Be Rational, section 4) and the objective per option.

    Four segments of beta split at b_l < b_c < b_h, the prices at ``s_c = sqrt(2|x|)`` (the
    inflection point) and at the tangents' zero and maximum: a rational cubic in the lower map
    ``f = 2 pi |x| / sqrt(27) N(-|x| / (sqrt 3 s))^3`` below b_l, in s between b_l and b_h, in
    the upper map ``f = N(-s/2)`` above b_h; each map is then inverted in closed form (below
    b_l a quadratic in the lower map), then corrected by the segment's table. Returns the guess,
    the segment (0 lowest, 1 and 2 the middle ones, 3 highest above half of b_max, 4 highest
    below) and b_max.
    """
    ax = -x
    bmax = np.exp(0.5 * x)
    sc = np.sqrt(2.0 * ax)
    # b_c = b(x, s_c): h + t = 0 and h - t = -s_c
    with np.errstate(over="ignore", invalid="ignore"):
        bc = 0.5 * bmax - np.exp(0.5 * ax) * ndtr(-sc)
    far = ax > 400.0
    if far.any():
        bc[far] = 0.5 * bmax[far] * (1.0 - erfcx(np.sqrt(ax[far])))
    bc = np.maximum(bc, 0.0)
    vc = _INV_SQRT2PI * bmax
    s = np.empty_like(x)
    seg = np.full(x.shape, 2, dtype=np.int8)
    low = beta < bc
    il = np.flatnonzero(low)
    if il.size:
        xl, bel, bcl, vcl, scl = x[il], beta[il], bc[il], vc[il], sc[il]
        sl = scl - bcl / vcl
        bl = _black_iterate(xl, xl / sl, 0.5 * sl)
        lowest = bel < bl
        j = np.flatnonzero(lowest)
        if j.size:
            # the lower map f = 2 pi |x| / sqrt(27) N(-|x| / (sqrt 3 s))^3 has f ~ beta for small
            # beta: a quadratic through f(0) = 0, f'(0) = 1 and f(b_l), inverted in closed form,
            # then the tabulated correction (which absorbs the quadratic's error)
            axj, sj, bj, bej = -xl[j], sl[j], bl[j], bel[j]
            fl = _F_LOWER * axj * ndtr(-axj / (_SQRT3 * sj)) ** 3
            u = bej / bj
            fg = (fl * u + bj * (1.0 - u)) * u
            with np.errstate(divide="ignore", invalid="ignore"):
                sg = np.abs(axj / (_SQRT3 * ndtri(np.cbrt(fg / (_F_LOWER * axj)))))
            if correct:
                with np.errstate(divide="ignore"):
                    sg = sg * _correction(0, axj, 1.0 / (1.0 - np.log(u)))
            s[il[j]] = sg
            seg[il[j]] = 0
        j = np.flatnonzero(~lowest)
        if j.size:
            dl, dr = 1.0 / _vega(xl[j], sl[j]), 1.0 / vcl[j]
            r = _r_convex(bl[j], bcl[j], sl[j], scl[j], dl, dr, 0.0, left=False, prefer_shape=False)
            sg = _rational_cubic(bel[j], bl[j], bcl[j], sl[j], scl[j], dl, dr, r)
            if correct:
                sg = sg * _correction(1, -xl[j], (bel[j] - bl[j]) / (bcl[j] - bl[j]))
            s[il[j]] = sg
            seg[il[j]] = 1
    ih = np.flatnonzero(~low)
    if ih.size:
        xh, beh, bch, vch, sch, bmh = x[ih], beta[ih], bc[ih], vc[ih], sc[ih], bmax[ih]
        sh = sch + (bmh - bch) / vch
        bh = _black_iterate(xh, xh / sh, 0.5 * sh)
        middle = beh <= bh
        j = np.flatnonzero(middle)
        if j.size:
            dl, dr = 1.0 / vch[j], 1.0 / _vega(xh[j], sh[j])
            r = _r_convex(bch[j], bh[j], sch[j], sh[j], dl, dr, 0.0, left=True, prefer_shape=False)
            sg = _rational_cubic(beh[j], bch[j], bh[j], sch[j], sh[j], dl, dr, r)
            if correct:
                sg = sg * _correction(2, -xh[j], (beh[j] - bch[j]) / (bh[j] - bch[j]))
            s[ih[j]] = sg
        j = np.flatnonzero(~middle)
        if j.size:
            xj, sj, bj, bej, bm = xh[j], sh[j], bh[j], beh[j], bmh[j]
            f = ndtr(-0.5 * sj)
            w = (xj / sj) ** 2
            with np.errstate(over="ignore", invalid="ignore"):
                fp = -0.5 * np.exp(0.5 * w)
                fpp = np.sqrt(0.5 * np.pi) * np.exp(w + 0.125 * sj * sj) * w / sj
            ok = np.isfinite(fpp) & np.isfinite(fp)
            r = _r_convex(bj, bm, f, 0.0, fp, -0.5, np.where(ok, fpp, 0.0), left=True, prefer_shape=True)
            fg = np.where(ok, _rational_cubic(bej, bj, bm, f, 0.0, fp, -0.5, r), -1.0)
            u = (bej - bj) / (bm - bj)
            fg = np.where(fg > 0, fg, (f * (1.0 - u) + 0.5 * (bm - bj) * u) * (1.0 - u))
            s[ih[j]] = -2.0 * ndtri(fg)
            seg[ih[j]] = np.where(bej > 0.5 * bm, 3, 4)
    return s, seg, bmax


def _solve_normalized(x, beta, max_iter=60, correct=True, lnbeta=None):
    """Total volatility s with b(x, s) = beta, for x <= 0 and 0 < beta < e^{x/2}.

    Jaeckel's "Let's Be Rational" (2015): the rational initial guess of :func:`_guess`, then
    Householder steps of order 3 (quartic convergence) on ``1/ln b`` in the lowest segment,
    ``ln(b_max - b)`` in the highest and ``b`` between; about two steps reach the last digits.
    Each step is kept inside a bracket that tightens with every evaluation (bisection where a
    step would leave it), so a poor guess costs steps, never a wrong answer.
    """
    s, seg, bmax = _guess(x, beta, correct)
    kind = np.where(seg == 0, 0, np.where(seg == 3, 2, 1)).astype(np.int8)
    if lnbeta is None:
        lnbeta = np.log(beta)
    # b underflowing (ln beta below -644): ln b ~ -x^2 / (2 s^2) for the guess, ln b in the steps
    deep = lnbeta < -644.0
    if deep.any():
        s[deep] = -x[deep] / np.sqrt(-2.0 * lnbeta[deep])
        kind[deep] = 0
    s = np.where(np.isfinite(s) & (s > 0), s, np.sqrt(-2.0 * x) + 1.0)
    lo = np.zeros_like(x)
    hi = np.full_like(x, np.inf)
    active = np.arange(x.size)
    for _ in range(max_iter):
        xa, sa, ba, ka = x[active], s[active], beta[active], kind[active]
        h = xa / sa
        t = 0.5 * sa
        b = _black_iterate(xa, h, t)
        bp = _INV_SQRT2PI * np.exp(-0.5 * (h * h + t * t))     # db/ds
        lnb = lnbeta[active]
        lb = p = None
        da = deep[active]
        if da.any():
            # scaled by 1/beta, b/beta and b'/beta are normal doubles near the solution
            with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
                lb = np.log(b)
                lb[da] = np.log(_black(xa[da], sa[da], -lnb[da])) + lnb[da]
                p = bp / b
                p[da] = np.exp(-0.5 * (h[da] ** 2 + t[da] ** 2) - lb[da]) * _INV_SQRT2PI
        hs = h / sa
        d2 = h * hs - 0.5 * t                                   # b''/b' = x^2/s^3 - s/4
        d3 = d2 * d2 - 3.0 * hs * hs - 0.25                     # b'''/b'
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            nu = (ba - b) / bp                                  # objective b - beta
            g2, g3 = d2, d3
            lower = ka == 0
            if lower.any():                                     # objective 1/ln b - 1/ln beta
                if lb is None:
                    lb, p = np.log(b), bp / b
                c = 1.0 + 2.0 / lb
                nu = np.where(lower, (lnb - lb) * lb / (lnb * p), nu)
                g2 = np.where(lower, d2 - p * c, g2)
                g3l = d3 - 3.0 * p * d2 * c + 2.0 * p * p * (1.0 + 3.0 / lb * (1.0 + 1.0 / lb))
                g3 = np.where(lower, g3l, g3)
            upper = ka == 2
            if upper.any():                                     # objective ln(bmax - beta) - ln(bmax - b)
                bm = bmax[active]
                qd = bp / (bm - b)
                nu = np.where(upper, (np.log(bm - b) - np.log(bm - ba)) / qd, nu)
                g2 = np.where(upper, d2 + qd, g2)
                g3 = np.where(upper, d3 + 3.0 * d2 * qd + 2.0 * qd * qd, g3)
            step = nu * (1.0 + 0.5 * g2 * nu) / (1.0 + nu * (g2 + g3 * nu / 6.0))
            new = sa + step
        below = b < ba
        if da.any():
            below[da] = lb[da] < lnb[da]
        la = np.where(below, np.maximum(lo[active], sa), lo[active])
        ha = np.where(below, hi[active], np.minimum(hi[active], sa))
        lo[active], hi[active] = la, ha
        # the error after a Householder step of relative size d is of order d^4: below 2e-4 the
        # step leaves an error under 1e-14 relative
        done = np.isfinite(new) & (np.abs(step) <= 2e-4 * sa)
        outside = ~done & (~np.isfinite(new) | (new <= la) | (new >= ha))
        new = np.where(outside, np.where(np.isfinite(ha), 0.5 * (la + ha), 2.0 * np.maximum(sa, la)), new)
        s[active] = new
        done |= np.isfinite(ha) & ((ha - la) <= 4e-16 * ha)
        active = active[~done]
        if active.size == 0:
            break
    return s


def _prices(price):
    """Quoted prices as a float array. NaN and inf pass (bad quotes, handled by ``errors``);
    None, booleans, strings and other non-numbers anywhere in the array are type errors."""
    if price is None:
        raise _checks.ArgumentTypeError("price is None: pass a number or an array of prices")
    if isinstance(price, (bool, np.bool_)):
        raise _checks.ArgumentTypeError("price holds booleans: pass prices")
    if isinstance(price, (str, bytes)):
        raise _checks.ArgumentTypeError(f"price must be numbers, got the string {price!r}")
    if isinstance(price, (pd.Series, pd.DataFrame, pd.Index)):
        price = price.to_numpy()
    raw = np.asarray(price)
    if raw.dtype.kind in "iuf" and not isinstance(price, (list, tuple)):
        return raw.astype(float, copy=False)
    if raw.dtype == bool:
        raise _checks.ArgumentTypeError("price holds booleans: pass prices")
    if raw.dtype.kind == "O" or isinstance(price, (list, tuple)):
        # numpy reads [21, True] as [21.0, 1.0] and [1.0, "2"] as text
        flat = np.ravel(np.asarray(price, dtype=object))
        bad = [v for v in flat if v is None or isinstance(v, (bool, np.bool_, str, bytes))]
        if bad:
            raise _checks.ArgumentTypeError(
                f"price holds {_checks._what(bad[0])} among the prices; pass numbers only")
    try:
        if raw.dtype.kind in "USVc":
            raise TypeError
        return np.asarray(raw, dtype=float)
    except (TypeError, ValueError):
        raise _checks.ArgumentTypeError(f"price must be numbers, got {raw.dtype} values") from None


def implied_vol(price, spot, strike, t, r, q=0.0, kind="call", lo=1e-6, hi=MAX_DECIMAL_VOL,
                *, errors="raise"):
    """Black-Scholes implied volatility (decimal), vectorized over numpy arrays.

    Each price is normalized as :func:`bs_price` prices, ``b = Q / (e^{-rT} sqrt(F K))`` at
    ``x = ln(F/K)`` (``-x`` for a put), less the intrinsic value ``2 sinh(x/2)`` in the money,
    and solved for total volatility ``s = sigma sqrt(T)`` at ``-|x|`` by Jaeckel's "Let's Be
    Rational" (2015): his rational initial guess on four segments around the inflection point
    ``sqrt(2|x|)``, corrected by tabulated ratios (built at first use), then Householder steps
    of order 3 on ``1/ln b``, ``b`` or ``ln(b_max - b)``, each kept inside a bracket; one step
    suffices for about 98 % of options. There is no Python loop per option. The result is
    accurate to about 1e-12 in volatility for maturities from a day to years and vols from
    1 % to 200 %; out of the money the round trip ``bs_price -> implied_vol`` holds to 1e-11
    relative out to where the price underflows (about 37 standard deviations), also where the
    normalised price b is below the smallest double (it is then carried as ``ln b``).

    Parameters
    ----------
    price : float or array
        Observed option prices (discounted, in the currency of ``spot``).
    spot, strike, t, r, q, kind
        As in :func:`bs_price` (scalars or arrays broadcast against ``price``).
    lo, hi : float
        Range of accepted volatilities (decimals, ``0 <= lo < hi <= 5``); a solution
        outside it counts as a bad quote.
    errors : {"raise", "nan"}
        What to do with quotes outside the no-arbitrage bounds (at or below the lower
        bound minus rounding, at or above the upper one, NaN or inf prices) and solutions
        outside ``[lo, hi]``: ``"raise"`` (default) raises a ``ValueError`` naming the
        first bad quote and how many there are; ``"nan"`` returns NaN at each of them and
        the implied volatility everywhere else.

    Returns
    -------
    float or numpy.ndarray
        Implied volatility as a decimal. A price equal to its intrinsic value (the lower
        no-arbitrage bound: zero for an out-of-the-money option, and for an in-the-money one
        within ``8 * eps * (price + max(F, K))`` undiscounted of the intrinsic value, as a
        deep in-the-money option's float price often is) has only the zero-volatility
        solution and returns 0.0 under either ``errors`` rule; it never fails the array.

    Raises
    ------
    ValueError
        Invalid ``spot``, ``strike``, ``t``, ``r``, ``q`` (NaN, inf, None, non-positive),
        ``lo``/``hi`` out of order or above 5, unknown ``kind`` or ``errors``, shapes that
        do not broadcast; bad quotes under ``errors="raise"``.
    TypeError
        ``price`` (or any other array argument) holding None, booleans, strings or other
        non-numbers, anywhere in the array (``[21, 12.5, True]`` is not read as 1.0).
    """
    _kind(kind)
    if not isinstance(errors, str) or errors not in ("raise", "nan"):
        raise ValueError(f"errors must be 'raise' or 'nan', got {errors!r}")
    lo_ = _scalar(lo, "lo")
    hi_ = _scalar(hi, "hi")
    if lo_ < 0:
        raise ValueError(f"lo must be a non-negative decimal volatility, got {lo_:g}")
    if lo_ >= hi_:
        raise ValueError(f"lo ({lo_:g}) must be below hi ({hi_:g})")
    if hi_ > MAX_DECIMAL_VOL:
        raise ValueError(f"hi must be at most {MAX_DECIMAL_VOL:g} (a decimal: 5 is 500 vol points), "
                         f"got {hi_:g}")
    p = _prices(price)
    if p.size == 0:
        raise ValueError("price is empty")
    s, k, tt, rr, qq = _market(spot, strike, t, r, q)
    p, s, k, tt, rr, qq = _broadcast(("price", "spot", "strike", "t", "r", "q"), p, s, k, tt, rr, qq)
    shape = p.shape
    p, s, k, tt, rr, qq = (np.ravel(a) for a in (p, s, k, tt, rr, qq))
    # normalised as bs_price prices: b = price / (e^{-rT} sqrt(F K)) at x = ln(F/K) (-x for a put)
    x = _log_moneyness(s, k, (rr - qq) * tt)
    if kind == "put":
        x = -x
    log_scale = 0.5 * (np.log(s) + np.log(k) - (rr + qq) * tt)      # ln(e^{-rT} sqrt(F K))
    scale = np.exp(log_scale)
    beta = p / scale
    ax = np.abs(x)
    intrinsic = 2.0 * np.sinh(0.5 * np.maximum(x, 0.0))
    otm = beta - intrinsic
    upper = np.exp(-0.5 * ax)                      # min(F, K) / sqrt(F K)
    # rounding only enters through the intrinsic value subtracted from an in-the-money price
    tol = np.where(x > 0, 8.0 * np.finfo(float).eps * (np.abs(beta) + np.exp(0.5 * ax)), 0.0)
    finite = np.isfinite(beta)
    # far out of the money with a large total volatility b can underflow (even to zero) while the
    # price does not: there the solver works with ln b = ln(price) - ln(scale)
    tiny = (x <= 0) & finite & (p > 0) & (otm < 1e-280)
    at_bound = finite & (np.abs(otm) <= tol) & ~tiny
    bad = ~finite | (otm < -tol) | (otm >= upper)
    ok = ~(bad | at_bound)
    vol = np.zeros(p.shape)
    vol[bad] = np.nan
    lnbeta = None
    if tiny.any():
        with np.errstate(divide="ignore"):
            lnbeta = np.where(tiny, np.log(p) - log_scale, np.log(otm))
    if ok.all():
        vol = _solve_normalized(-ax, otm, lnbeta=lnbeta) / np.sqrt(tt)
    elif ok.any():
        lnb = None if lnbeta is None else lnbeta[ok]
        vol[ok] = _solve_normalized(-ax[ok], otm[ok], lnbeta=lnb) / np.sqrt(tt[ok])
    out_of_range = ok & ((vol < lo_) | (vol > hi_))
    vol[out_of_range] = np.nan
    nbad = int(bad.sum() + out_of_range.sum())
    if nbad and errors == "raise":
        i = int(np.flatnonzero(bad | out_of_range)[0])
        where = "" if len(shape) == 0 else f" at index {tuple(int(j) for j in np.unravel_index(i, shape))}"
        lower_b, upper_b = scale[i] * intrinsic[i], scale[i] * (intrinsic[i] + upper[i])
        if bad[i]:
            why = (f"lies outside the no-arbitrage bounds ({lower_b:.6g}, {upper_b:.6g}): "
                   f"no implied volatility exists")
        else:
            why = f"implies a volatility outside [lo, hi] = [{lo_:g}, {hi_:g}]"
        raise ValueError(
            f"price: {nbad} of {p.size} quote(s) have no implied volatility; the first{where}, "
            f"price {p[i]:g} for the {kind} struck at {k[i]:g} with t = {tt[i]:g}, {why}. "
            f"Pass errors='nan' to get NaN at such quotes"
        )
    vol = vol.reshape(shape)
    return float(vol) if vol.ndim == 0 else vol


# --------------------------------------------------------------------------- Cboe VIX method

def _chain_array(chain, name="chain"):
    """Validated chain as five float arrays (strike, call bid/ask, put bid/ask)."""
    if not isinstance(chain, pd.DataFrame):
        raise ValueError(f"{name}: expected a DataFrame, got {type(chain).__name__}")
    if list(chain.columns) == _CHAIN_LIST and len(chain) >= 3:
        # fast path: the five columns in order, all numbers (a bool or object column makes the
        # frame's common dtype object), finite, non-negative, sorted strikes, asks above bids
        a = chain.to_numpy()
        if a.dtype.kind in "fiu":
            a = a.astype(float, copy=False)
            k = a[:, 0]
            if (np.isfinite(a).all() and (a >= 0).all() and (k[0] > 0) and (k[1:] > k[:-1]).all()
                    and (a[:, 2] >= a[:, 1]).all() and (a[:, 4] >= a[:, 3]).all()):
                return a
    missing = [c for c in CHAIN_COLUMNS if c not in chain.columns]
    if missing:
        raise ValueError(f"{name}: missing column(s) {missing}; need {list(CHAIN_COLUMNS)}")
    cols = []
    for c in CHAIN_COLUMNS:
        col = chain[c]
        if isinstance(col, pd.DataFrame):
            raise ValueError(f"{name}: duplicate column {c!r}")
        if col.dtype == bool:
            raise TypeError(f"{name}: column {c!r} holds booleans; quotes must be numbers")
        if col.dtype.kind not in "iuf":
            # object columns: numeric strings ("1.5") or None would otherwise be read as numbers
            raise _checks.ArgumentTypeError(f"{name}: column {c!r} must be numeric, got dtype {col.dtype}")
        try:
            cols.append(col.to_numpy(dtype=float))
        except (TypeError, ValueError):
            raise ValueError(f"{name}: column {c!r} must be numeric") from None
    a = np.column_stack(cols)
    if len(a) < 3:
        raise ValueError(f"{name}: need at least three strikes")
    nan = np.isnan(a)
    if nan.any():
        raise ValueError(f"{name}: NaN in column {CHAIN_COLUMNS[int(np.flatnonzero(nan.any(0))[0])]!r}")
    inf = np.isinf(a)
    if inf.any():
        col = CHAIN_COLUMNS[int(np.flatnonzero(inf.any(0))[0])]
        raise ValueError(f"{name}: infinite value in column {col!r}")
    neg = a < 0
    if neg.any():
        col = CHAIN_COLUMNS[int(np.flatnonzero(neg.any(0))[0])]
        raise ValueError(f"{name}: negative value in column {col!r}")
    k = a[:, 0]
    if (k <= 0).any():
        raise ValueError("strikes: must be positive numbers")
    _spacing(k)  # raises on unsorted or duplicate strikes
    for side, (b, ask) in (("call", (1, 2)), ("put", (3, 4))):
        lowask = a[:, ask] < a[:, b]
        if lowask.any():
            raise ValueError(f"{name}: {side} ask below bid at strike {k[lowask][0]:g}")
    return a


def check_chain(chain) -> pd.DataFrame:
    """Validate an option chain and return it with a fresh integer index.

    Raises
    ------
    ValueError
        Missing columns, NaN, infinite or negative quotes, unsorted or duplicate strikes,
        an ask below its bid.
    """
    return pd.DataFrame(_chain_array(chain), columns=list(CHAIN_COLUMNS))


def _tr(t, r, t_name="t", r_name="r"):
    return _checks.positive(_scalar(t, t_name), t_name), _scalar(r, r_name)


def _forward(a, tt, rr):
    cm = 0.5 * (a[:, 1] + a[:, 2])
    pm = 0.5 * (a[:, 3] + a[:, 4])
    both = (a[:, 1] > 0) & (a[:, 3] > 0)
    if not both.any():
        raise ValueError("chain: no strike has both a call and a put bid; cannot set the forward")
    i = int(np.argmin(np.where(both, np.abs(cm - pm), np.inf)))
    return a[i, 0] + np.exp(rr * tt) * (cm[i] - pm[i]), a[i, 0], cm, pm


def cboe_forward(chain, *, t, r):
    """Forward index level from put-call parity, as the Cboe method sets it.

    At the strike where the call and put mid-quotes are closest (among strikes where
    both have a bid), ``F = K + e^{rT} (C - P)``. ``t`` in years, ``r`` a continuously
    compounded decimal.

    Returns
    -------
    (float, float)
        The forward F and the strike used.
    """
    a = _chain_array(chain)
    tt, rr = _tr(t, r)
    f, k, _, _ = _forward(a, tt, rr)
    return float(f), float(k)


def _wing(bids):
    """Positions (in walking order) kept: skip zero bids, stop at two consecutive zeros."""
    z = bids == 0
    pair = z[:-1] & z[1:]
    stop = int(np.argmax(pair)) if pair.any() else z.size
    return np.flatnonzero(~z[:stop])


def _strip(a, tt, rr):
    """Indices, option labels and mids of the Cboe strip; forward and K0 index."""
    f, _, cm, pm = _forward(a, tt, rr)
    k = a[:, 0]
    if f < k[0]:
        raise ValueError(f"forward {f:g} lies below every strike in the chain")
    i0 = int(np.searchsorted(k, f, side="right") - 1)
    puts = (i0 - 1 - _wing(a[i0 - 1::-1, 3] if i0 > 0 else a[:0, 3]))[::-1]
    calls = i0 + 1 + _wing(a[i0 + 1:, 1])
    idx = np.concatenate([puts, [i0], calls])
    mid = np.concatenate([pm[puts], [0.5 * (pm[i0] + cm[i0])], cm[calls]])
    return f, i0, idx, mid, len(puts), len(calls)


def _variance(a, tt, rr):
    f, i0, idx, mid, _, _ = _strip(a, tt, rr)
    strikes = a[idx, 0]
    k0 = a[i0, 0]
    strip_term = 2.0 / tt * np.sum(_spacing(strikes) / strikes**2 * np.exp(rr * tt) * mid)
    forward_term = (f / k0 - 1.0) ** 2 / tt
    return float(strip_term - forward_term)


def cboe_strip(chain, *, t, r) -> pd.DataFrame:
    """The options the Cboe method selects, with their price and contribution.

    Steps: forward F from put-call parity; ``K0`` the first strike at or below F;
    out-of-the-money puts below K0 and calls above it, walking outward, skipping zero
    bids and stopping after two consecutive zero bids; at K0 the average of the put and
    call mids.

    Returns
    -------
    pandas.DataFrame
        Columns ``strike``, ``option`` (``"put"``, ``"call"`` or ``"put/call average"``),
        ``mid``, ``delta_k`` and ``contribution`` (``Delta K / K^2 * e^{rT} * mid``),
        sorted by strike. The strip's attributes ``forward`` and ``k0`` are in
        ``DataFrame.attrs``.
    """
    a = _chain_array(chain)
    tt, rr = _tr(t, r)
    f, i0, idx, mid, n_puts, n_calls = _strip(a, tt, rr)
    strikes = a[idx, 0]
    dk = _spacing(strikes)
    option = ["put"] * n_puts + ["put/call average"] + ["call"] * n_calls
    strip = pd.DataFrame(
        {
            "strike": strikes,
            "option": option,
            "mid": mid,
            "delta_k": dk,
            "contribution": dk / strikes**2 * np.exp(rr * tt) * mid,
        }
    )
    strip.attrs.update(forward=float(f), k0=float(a[i0, 0]))
    return strip


@dataclass(frozen=True)
class CboeTerm:
    """Every intermediate number of one expiry in the Cboe method.

    ``variance = strip_term - forward_term``; all variances are annualized decimals. Checked
    when built: t, forward and k0 positive, r finite, the three terms finite and non-negative,
    the variance at most 25 (500 vol points) and equal to ``strip_term - forward_term`` to
    rounding.
    """

    t: float
    r: float
    forward: float
    k0: float
    strip: pd.DataFrame
    strip_term: float
    forward_term: float
    variance: float

    def __post_init__(self):
        # a frozen record: check each field, do not convert it
        _checks.positive(self.t, "t")
        _checks.finite(self.r, "r")
        _checks.positive(self.forward, "forward")
        _checks.positive(self.k0, "k0")
        if not isinstance(self.strip, pd.DataFrame):
            raise TypeError(f"strip must be a pandas DataFrame, got {type(self.strip).__name__}")
        _checks.nonnegative(self.strip_term, "strip_term")
        _checks.nonnegative(self.forward_term, "forward_term")
        v = _checks.nonnegative(self.variance, "variance")
        if v > MAX_DECIMAL_VOL ** 2:
            raise ValueError(f"variance {v:g} is above {MAX_DECIMAL_VOL ** 2:g} ({100 * MAX_DECIMAL_VOL:.0f} "
                             f"vol points squared): an annualized variance is a decimal (0.04 for 20 "
                             f"vol points)")
        gap = abs(v - (self.strip_term - self.forward_term))
        if gap > 1e-12 * max(1.0, self.strip_term):
            raise ValueError(f"variance ({v:g}) must equal strip_term - forward_term "
                             f"({self.strip_term:g} - {self.forward_term:g})")


def cboe_term(chain, *, t, r) -> CboeTerm:
    """Run the Cboe method on one expiry and keep every intermediate number."""
    tt, rr = _tr(t, r)
    strip = cboe_strip(chain, t=tt, r=rr)
    f, k0 = strip.attrs["forward"], strip.attrs["k0"]
    var = fair_variance(strip["strike"].to_numpy(), strip["mid"].to_numpy(), f, tt, rr, k0=k0)
    forward_term = (f / k0 - 1.0) ** 2 / tt
    return CboeTerm(tt, rr, f, k0, strip, var + forward_term, forward_term, var)


def cboe_variance(chain, *, t, r, detail=False):
    """Annualized variance of one expiry by the Cboe VIX method, as a decimal.

    ``sigma^2 = 2/T sum_i Delta K_i / K_i^2 e^{RT} Q(K_i) - 1/T (F/K0 - 1)^2``

    Vectorized in numpy (no pandas on the way): the white paper's board takes well under
    a millisecond. The strip prices the log contract: with jumps its value differs from
    the expected quadratic variation (see chapter 3).

    Parameters
    ----------
    chain : pandas.DataFrame
        Columns ``strike, call_bid, call_ask, put_bid, put_ask``.
    t : float
        Time to expiry in years (minutes to expiry / 525,600).
    r : float
        Risk-free rate to that expiry, continuously compounded decimal.
    detail : bool
        If True return the :class:`CboeTerm` with every intermediate number.

    Returns
    -------
    float or CboeTerm
    """
    if not isinstance(detail, (bool, np.bool_)):
        raise TypeError(f"detail must be True or False, got {detail!r}")
    if detail:
        return cboe_term(chain, t=t, r=r)
    a = _chain_array(chain)
    tt, rr = _tr(t, r)
    return _variance(a, tt, rr)


def interpolate_variance(var_near, t_near, var_next, t_next, days=30):
    """Constant-maturity variance by the Cboe rule (decimal, annualized).

    ``[T1 s1^2 (N_T2 - N_d)/(N_T2 - N_T1) + T2 s2^2 (N_d - N_T1)/(N_T2 - N_T1)] * N_365/N_d``

    with N counted in minutes (``N_T = T * 525,600``) and ``N_d = days * 1,440``. The
    weights are linear in total variance, so variance is interpolated, not volatility.

    ``days`` counts calendar days of 1,440 minutes and must lie between the two terms'
    maturities in the same units, ``t_near * 365 <= days <= t_next * 365`` (the white paper's
    24.9 and 32.2 days bracket its 30); outside them the rule would extrapolate, and it raises.
    """
    t1 = _checks.positive(_scalar(t_near, "t_near"), "t_near")
    t2 = _checks.positive(_scalar(t_next, "t_next"), "t_next")
    if t2 <= t1:
        raise ValueError(f"t_next ({t2:g}) must be later than t_near ({t1:g})")
    v1 = _scalar(var_near, "var_near")
    v2 = _scalar(var_next, "var_next")
    if v1 < 0 or v2 < 0:
        raise ValueError(f"negative variance: var_near={v1:g}, var_next={v2:g}")
    return _interpolate(v1, t1, v2, t2, _days(days, t1, t2))


def _days(days, t1, t2):
    """``days`` as a float, checked to lie between the terms' maturities (t * 365 days)."""
    d = _checks.positive(_scalar(days, "days"), "days")
    d1, d2 = t1 * (MINUTES_PER_YEAR / 1440.0), t2 * (MINUTES_PER_YEAR / 1440.0)
    if not d1 * (1 - 1e-12) <= d <= d2 * (1 + 1e-12):
        raise ValueError(
            f"days ({d:g}) must lie between the two terms' maturities, {d1:.6g} and {d2:.6g} days "
            f"(t_near and t_next times 365): the Cboe rule interpolates, it does not extrapolate")
    return d


def _interpolate(v1, t1, v2, t2, days):
    n1, n2, nd = t1 * MINUTES_PER_YEAR, t2 * MINUTES_PER_YEAR, days * 1440.0
    w1 = (n2 - nd) / (n2 - n1)
    return (t1 * v1 * w1 + t2 * v2 * (1.0 - w1)) * MINUTES_PER_YEAR / nd


def cboe_vix(near, next, *, t_near, t_next, r_near, r_next, days=30):  # noqa: A002
    """The VIX index level, in vol points, from a near-term and a next-term chain.

    ``VIX = 100 * sqrt(interpolated 30-day variance)``; see :func:`cboe_variance` and
    :func:`interpolate_variance`. Times in years, rates continuously compounded decimals;
    ``days`` (calendar days) must lie between the terms, ``t_near * 365 <= days <= t_next * 365``.
    """
    a1, a2 = _chain_array(near, "near"), _chain_array(next, "next")
    t1, r1 = _tr(t_near, r_near, "t_near", "r_near")
    t2, r2 = _tr(t_next, r_next, "t_next", "r_next")
    if t2 <= t1:
        raise ValueError(f"t_next ({t2:g}) must be later than t_near ({t1:g})")
    d = _days(days, t1, t2)
    v1 = _variance(a1, t1, r1)
    v2 = _variance(a2, t2, r2)
    if v1 < 0 or v2 < 0:
        raise ValueError(f"negative variance: var_near={v1:g}, var_next={v2:g}; check the chains")
    v = _interpolate(v1, t1, v2, t2, d)
    if v < 0:
        raise ValueError(f"interpolated variance is negative ({v:g}): check the chains")
    return 100.0 * float(np.sqrt(v))


# --------------------------------------------------------------------------- model chains

def skew_smile(strikes, forward, atm_vol, skew, floor=0.01, *, moneyness="log"):
    """A simple smile, linear in moneyness, floored at ``floor`` (decimals).

    ``moneyness="log"``: ``sigma(K) = atm_vol - skew * ln(K / F)``;
    ``moneyness="strike"``: ``sigma(K) = atm_vol - skew * (K / F - 1)``, the linear skew of
    Demeterfi et al. (1999), for which :func:`skew_fair_variance` gives the fair variance.
    A stylized equity skew (implied volatility falling with the strike), for illustrations
    and tests; not fitted to any market.

    Parameters
    ----------
    strikes : array
        Positive strikes.
    forward : float
        Forward price F.
    atm_vol : float
        At-the-money-forward volatility, decimal.
    skew : float
        Volatility decrease per unit of moneyness (0.1 means 1 vol point less for a
        strike 10 % above the forward).
    floor : float
        Lowest volatility, decimal, positive.
    """
    k = _pos(strikes, "strikes")
    f = _checks.positive(_scalar(forward, "forward"), "forward")
    a = _sigma(_checks.positive(_scalar(atm_vol, "atm_vol"), "atm_vol"), "atm_vol")
    b = _scalar(skew, "skew")
    fl = _checks.positive(_scalar(floor, "floor"), "floor")
    if moneyness == "log":
        m = np.log(k / f)
    elif moneyness == "strike":
        m = k / f - 1.0
    else:
        raise ValueError(f"moneyness must be 'log' or 'strike', got {moneyness!r}")
    return np.maximum(float(a) - b * m, fl)


def bs_chain(spot, strikes, t, r, vols, q=0.0, half_spread=0.0):
    """An option chain priced by Black-Scholes at per-strike volatilities.

    Every option's mid is its Black-Scholes price at ``vols`` (decimals, scalar or one per
    strike); bid and ask sit ``half_spread`` (currency) either side, bids floored at zero.
    The result has the columns of a Cboe-method chain, so :func:`cboe_variance` can run
    on it.

    Returns
    -------
    pandas.DataFrame
        ``strike, call_bid, call_ask, put_bid, put_ask``.
    """
    strike_spacing(strikes)  # raises unless sorted, unique, positive and finite
    k = _numeric(strikes, "strikes")
    h = _scalar(half_spread, "half_spread")
    if h < 0:
        raise ValueError(f"half_spread must be non-negative, got {half_spread!r}")
    _sigma(vols, "vols")  # name the argument (bs_price would call it sigma)
    c = np.broadcast_to(bs_price(spot, k, t, r, vols, q, "call"), k.shape)
    p = np.broadcast_to(bs_price(spot, k, t, r, vols, q, "put"), k.shape)
    return pd.DataFrame(
        {"strike": k, "call_bid": np.maximum(c - h, 0.0), "call_ask": c + h,
         "put_bid": np.maximum(p - h, 0.0), "put_ask": p + h}
    )


# --------------------------------------------------------------------------- skew and the fair strike

def smile_fair_variance(forward, t, atm_vol, skew, *, moneyness="strike", lo=0.05, hi=4.0,
                        n_strikes=4001):
    """Fair variance (decimal, annualized) of a dense strip priced on a linear-skew smile.

    Black-Scholes prices at zero rates on :func:`skew_smile` over strikes from
    ``lo * F`` to ``hi * F`` (``n_strikes`` equally spaced), replicated by
    :func:`vrp_lib.swaps.fair_variance`. The numerical counterpart of
    :func:`skew_fair_variance`.

    Parameters
    ----------
    forward : float
        Forward F (= spot at zero rates).
    t : float
        Years to expiry.
    atm_vol, skew : float
        Decimals, as in :func:`skew_smile`.
    moneyness : {"strike", "log"}
        The smile's variable.
    lo, hi : float
        Strike range as multiples of the forward, ``0 < lo < 1 < hi``.
    n_strikes : int
        Number of strikes, from 101 to 100,001 (an integral float such as 401.0 passes).
    """
    f = _checks.positive(_scalar(forward, "forward"), "forward")
    tt = _checks.positive(_scalar(t, "t"), "t")
    lo_, hi_ = _scalar(lo, "lo"), _scalar(hi, "hi")
    if not 0 < lo_ < 1 < hi_:
        raise ValueError(f"need 0 < lo < 1 < hi (multiples of the forward), got lo={lo_:g}, hi={hi_:g}")
    n = _checks.integer(n_strikes, "n_strikes", minimum=101)
    if n > _MAX_STRIKES:
        raise ValueError(f"n_strikes must be at most {_MAX_STRIKES:,} (finer strips change nothing at double "
                         f"precision), got {n:,}")
    k = np.linspace(lo_ * f, hi_ * f, n)
    k = np.union1d(k, [f])
    vols = skew_smile(k, f, atm_vol, skew, moneyness=moneyness)
    put, call = bs_price(f, k, tt, 0.0, vols, 0.0, "put"), bs_price(f, k, tt, 0.0, vols, 0.0, "call")
    otm = np.where(k < f, put, call)
    return fair_variance(k, otm, f, tt, 0.0, k0=f)


def skew_fair_variance(atm_vol, skew, t):
    """Fair variance on a linear skew, to second order: ``atm^2 (1 + 3 T skew^2)``.

    Demeterfi, Derman, Kamal and Zou (1999): for the smile
    ``sigma(K) = atm_vol - skew * (K/F - 1)`` the fair variance of the replicating strip is
    ``K_var ~ atm_vol^2 (1 + 3 T skew^2 + ...)``. The slope enters at second order: a
    linear skew lifts the strike by ``3 T skew^2`` in relative variance, whatever its sign.

    Parameters
    ----------
    atm_vol : float or array
        At-the-money-forward volatility, decimal.
    skew : float or array
        Volatility decrease per unit of ``K/F - 1`` (decimal).
    t : float or array
        Years to expiry.

    Returns
    -------
    float or numpy.ndarray
        Annualized variance, decimal.
    """
    a = _sigma(_pos(atm_vol, "atm_vol"), "atm_vol")
    b = _numeric(skew, "skew")
    tt = _pos(t, "t")
    a, b, tt = _broadcast(("atm_vol", "skew", "t"), a, b, tt)
    out = a**2 * (1.0 + 3.0 * tt * b**2)
    return float(out) if out.ndim == 0 else out
