"""An implied-volatility smile consistent with the VIX: options are never priced at the VIX.

The VIX is the square root of a **model-free variance**: the price of a strip of
out-of-the-money options weighted by ``1 / K^2`` (:mod:`vrp_lib.implied`). On an equity
smile that strip is dominated by expensive puts below the money, so the VIX sits **above**
at-the-money implied volatility: on the Cboe white-paper board the VIX is 13.69 while
at-the-money options trade near 11. Pricing every strike at the VIX overpays the
at-the-money seller by about as much as the premium a strategy is meant to earn.

This module turns a VIX level and a smile **shape** into a volatility per strike:

1. The shape gives implied volatility relative to at-the-money,
   ``sigma(k) = a * f(z)`` with ``f(0) = 1``, as a function of the standardized
   log-moneyness ``z = k / (a sqrt(T))``, ``k = ln(K / F)`` (F the forward, T in years,
   ``a`` the at-the-money-forward volatility as a decimal). Measuring moneyness in
   at-the-money standard deviations scales the smile with maturity (``sqrt(T)``) and with
   the level of volatility: in a crisis the smile widens with it.
2. ``f`` is the "raw SVI" form of Gatheral (2004) for total variance, normalized to one at
   the money::

       f(z)^2 = 1 + b * (rho * z + sqrt(z^2 + l^2) - l)

   ``rho`` (in (-1, 1)) sets the **skew** (``d f / dz = b rho / 2`` at the money),
   ``b >= 0`` the **wings** (``f^2`` grows like ``b (1 +- rho) |z|``, linearly in
   ``|k|``, as Lee's (2004) moment formula requires) and ``l > 0`` the **curvature** at the
   money (``d^2 f^2 / dz^2 = b / l``). ``b = 0`` is a flat smile.
3. :func:`atm_vol` solves for the at-the-money level ``a`` at which the smile's continuous
   model-free strip variance ``(2 / T) * int Q(K) / K^2 dK`` (forward prices, out of the
   money) equals ``VIX^2``; :func:`smile_vol` then reads the smile at each strike.

Sources of the shape (both fitted by :func:`fit_shape`, a least-squares fit in vol points):

* :data:`WHITEPAPER`: the Cboe VIX white paper's worked-example board
  (:func:`vrp_lib.data.load_cboe_whitepaper_quotes`), both expiries, out-of-the-money
  mid quotes of at least :data:`MIN_MID` index points inverted with
  :func:`vrp_lib.implied.implied_vol` (:func:`board_smile`). One board on one day: an
  **assumption** that the smile's shape, in standardized moneyness, is that day's shape on
  every day.
* :func:`model_world_shape`: the smile of the model world's Bates law under Q
  (:func:`vrp_lib.bates.call_price`), synthetic.
* :data:`FLAT`: no smile, for labelled comparisons only (every strike at the VIX).

Units
-----
The VIX and every volatility returned are annualized **vol points** (13.69, not 0.1369);
a VIX below 1 is refused as a probable decimal. Moneyness is ``K / F`` (a ratio, 0.9 for a
strike 10 % below the forward). Times are in **years**; the VIX horizon is
:data:`VIX_T` (30 calendar days).
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy.special import log_ndtr, ndtr

from . import _checks

__all__ = [
    "VIX_T", "MIN_T", "MAX_T", "MIN_MID", "WHITEPAPER_TERMS", "SmileShape", "FLAT", "WHITEPAPER",
    "resolve", "atm_vol", "smile_vol", "model_free_vol", "fit_shape", "board_smile",
    "model_world_shape", "MODEL_WORLD", "anchor_scale", "LevelShape", "BK_SCALE", "BK_BOUND",
    "LEVEL_GAMMA", "ANCHORED_SHAPES", "BONDARENKO_PUT_GAP", "PUT_GAP_SCALE", "PUT_GAP",
]

#: The VIX horizon: 30 calendar days, in years.
VIX_T = 30 / 365
#: Shortest and longest expiry accepted, in years: one hour (of a leap year) and ten years.
MIN_T = 1 / (366 * 24)
MAX_T = 10.0
#: Smallest mid quote (index points) of the white-paper board used to fit the shape: below
#: about ten ticks of 0.05 the implied volatility is mostly quote rounding.
MIN_MID = 0.5
#: The white paper's two expiries: (term, minutes to expiry / 525,600, risk-free rate).
WHITEPAPER_TERMS = (("near", 35_924 / 525_600, 0.000305), ("next", 46_394 / 525_600, 0.000286))

_MAP_SCALE = 4.0       # standard deviations: half the quadrature nodes lie within 4 of the money
_N_NODES = 256         # Gauss-Legendre nodes per side of the money (puts, calls)
_N_TABLE = 2001       # levels of the solver's table
_MAX_SLOPE = 1.5       # largest wing slope of total variance accepted (Lee's bound: 2)
_BLOCK = 128           # levels per block of the strip quadrature


# --------------------------------------------------------------------------- the shape

def _number(x, name: str) -> float:
    if x is None or isinstance(x, (bool, np.bool_)):
        raise ValueError(f"{name} must be a number, got {x!r}")
    return _checks.finite(x, name)


@dataclass(frozen=True)
class SmileShape:
    """Shape of the smile relative to at-the-money: ``f(z)^2 = 1 + b (rho z + sqrt(z^2 + l^2) - l)``.

    ``z = ln(K / F) / (a sqrt(T))`` is log-moneyness in at-the-money standard deviations.

    Attributes
    ----------
    b : float
        Wing slope of ``f^2`` per standard deviation (>= 0; 0 is a flat smile).
    rho : float
        Skew, in (-1, 1): negative for an equity smile (puts above calls).
    l : float
        Curvature scale at the money, in standard deviations (> 0).
    name : str
        Where the shape comes from (shown in tables).
    m : float
        Shift of the smile's vertex, in standard deviations (0 by default; the full raw SVI
        form ``f^2 = 1 + b (g(z) - g(0))``, ``g(z) = rho (z - m) + sqrt((z - m)^2 + l^2)``).
    """

    b: float
    rho: float
    l: float  # noqa: E741
    name: str = "custom"
    m: float = 0.0

    def __post_init__(self):
        b, rho, l, m = (_number(getattr(self, n), f"SmileShape.{n}") for n in ("b", "rho", "l", "m"))
        if b < 0:
            raise ValueError(f"SmileShape.b must be non-negative (0 is flat), got {b!r}")
        if not -1.0 < rho < 1.0:
            raise ValueError(f"SmileShape.rho must lie strictly between -1 and 1, got {rho!r}")
        if l <= 0:
            raise ValueError(f"SmileShape.l must be positive, got {l!r}")
        if 1.0 + b * (l * np.sqrt(1.0 - rho * rho) - self._g0()) <= 0.0:
            raise ValueError("SmileShape: 1 + b (l sqrt(1 - rho^2) - g(0)) <= 0 makes the "
                             "variance negative somewhere; lower b or l")
        if not isinstance(self.name, str):
            raise ValueError(f"SmileShape.name must be a string, got {self.name!r}")

    def _g0(self) -> float:
        return -self.rho * self.m + float(np.sqrt(self.m ** 2 + self.l ** 2))

    @property
    def is_flat(self) -> bool:
        """True for a flat smile (``b == 0``)."""
        return self.b == 0.0

    @property
    def atm_skew(self) -> float:
        """``d f / d z`` at the money: ``b (rho - m / sqrt(m^2 + l^2)) / 2`` (``b rho / 2`` for m = 0)."""
        return 0.5 * self.b * (self.rho - self.m / np.sqrt(self.m ** 2 + self.l ** 2))

    @property
    def atm_curvature(self) -> float:
        """``d^2 f^2 / d z^2`` at the money: ``b l^2 / (m^2 + l^2)^{3/2}`` (``b / l`` for m = 0)."""
        return self.b * self.l ** 2 / (self.m ** 2 + self.l ** 2) ** 1.5

    def ratio(self, z):
        """``f(z) = sigma / sigma_ATM`` at standardized log-moneyness ``z`` (array)."""
        y = np.asarray(z, dtype=float) - self.m
        f2 = 1.0 + self.b * (self.rho * y + np.sqrt(y * y + self.l ** 2) - self._g0())
        return np.sqrt(f2)

    def scaled(self, factor: float, name: str | None = None) -> "SmileShape":
        """The same shape with its departure from flat multiplied by ``factor`` (``b * factor``).

        ``factor = 0`` is flat, 1 the shape itself, 2 twice as steep a smile.
        """
        fac = _number(factor, "factor")
        if fac < 0:
            raise ValueError(f"factor must be non-negative, got {factor!r}")
        return SmileShape(self.b * fac, self.rho, self.l,
                          name if name is not None else f"{self.name} x {fac:g}", self.m)


#: No smile: every strike at one volatility. For labelled comparisons only.
FLAT = SmileShape(0.0, 0.0, 1.0, "flat (every strike at the VIX)")
#: The Cboe white-paper board's smile (both expiries, mids >= MIN_MID), fitted by
#: :func:`fit_shape` on :func:`board_smile`; ``tests/test_smile.py`` refits it.
WHITEPAPER = SmileShape(1.5935, -0.3674, 8.2321, "Cboe white-paper board")


#: Sharpe ratio of Cboe's PUT index minus that of the S&P 500, mid-1986 to 2015: 0.67 - 0.47
#: (Bondarenko 2016). A published anchor for how rich at-the-money puts were.
BONDARENKO_PUT_GAP = 0.67 - 0.47
#: The factor on :data:`WHITEPAPER`'s departure from flat (:meth:`SmileShape.scaled`) at which the
#: book's monthly at-the-money put-write, 1990-2015, beats the index's Sharpe ratio by
#: :data:`BONDARENKO_PUT_GAP` (gross, both over T-bills): :func:`anchor_scale` with ``xtol = 1e-4``,
#: rounded to 4 decimals; ``tests/test_smile.py`` recomputes it from the embedded data.
PUT_GAP_SCALE = 0.9453
#: The board's shape scaled to :data:`PUT_GAP_SCALE`: the smile anchored on PUT's published gap.
PUT_GAP = WHITEPAPER.scaled(PUT_GAP_SCALE, "board scaled to PUT's gap over the index (Bondarenko)")


@dataclass(frozen=True)
class LevelShape:
    """A smile whose shape moves with the VIX: the ATM/VIX ratio is not fixed by one board.

    On a day with VIX ``v`` the shape is ``base.scaled(factor(v))`` with
    ``factor(v) = (ref / v) ** gamma`` rounded to a multiple of ``step`` (so that only a few
    shapes need a solver table) and kept in ``[0.05, 1]``: never steeper than ``base`` (the
    white-paper board is a calm day, and a steeper board shape soon has negative variance in
    the wings). ``gamma > 0`` flattens the smile, in standardized moneyness, as the VIX rises
    above ``ref`` (at-the-money vol moves closer to the VIX); ``gamma = 0`` is ``base`` itself. :func:`atm_vol` and :func:`smile_vol` accept it wherever
    they accept a :class:`SmileShape`.

    Attributes
    ----------
    base : SmileShape
        The shape at VIX ``ref``.
    gamma : float
        Elasticity of the shape's departure from flat to the VIX level, in ``[0, 2]``.
    ref : float
        VIX level (vol points) at which the shape is ``base``.
    step : float
        Rounding of the factor, in ``(0, 0.5]``.
    name : str
        Shown in tables.
    """

    base: SmileShape
    gamma: float
    ref: float = 13.69
    step: float = 0.05
    name: str = "level-dependent"

    def __post_init__(self):
        if not isinstance(self.base, SmileShape):
            raise ValueError(f"LevelShape.base must be a SmileShape, got {self.base!r}")
        g = _number(self.gamma, "LevelShape.gamma")
        if not 0.0 <= g <= 2.0:
            raise ValueError(f"LevelShape.gamma must lie in [0, 2], got {g!r}")
        ref = _number(self.ref, "LevelShape.ref")
        if not 1.0 <= ref <= 500.0:
            raise ValueError(f"LevelShape.ref must be a VIX level in vol points (1 to 500), got {ref!r}")
        st_ = _number(self.step, "LevelShape.step")
        if not 0.0 < st_ <= 0.5:
            raise ValueError(f"LevelShape.step must lie in (0, 0.5], got {st_!r}")
        if not isinstance(self.name, str):
            raise ValueError(f"LevelShape.name must be a string, got {self.name!r}")

    is_flat = False

    def factor(self, vix):
        """The factor on ``base``'s departure from flat at each VIX level (array, vol points)."""
        v = _vol_points(vix, "vix")
        raw = (self.ref / v) ** self.gamma
        return np.clip(np.round(raw / self.step) * self.step, 0.05, 1.0)

    def shape_at(self, factor: float) -> SmileShape:
        """``base.scaled(factor)``, one shape per factor (cached; ``base`` itself at 1, so that
        its solver table is shared)."""
        f = round(float(factor), 10)
        return self.base if f == 1.0 else _scaled_cached(self.base, f)


#: The steepest scaling of :data:`WHITEPAPER` at which buyers of delta-hedged at-the-money
#: options still lose on average, as Bakshi and Kapadia (2003) find for S&P 500 options: the
#: factor at which the book's monthly delta-hedged at-the-money straddle, sold 1990-2022
#: (gross), earns zero on average (:func:`anchor_scale`, ``xtol = 1e-4``, 4 decimals;
#: ``tests/test_smile.py`` recomputes it). A steeper shape would make those buyers gain.
BK_SCALE = 1.0384
#: The board's shape scaled to :data:`BK_SCALE`: the steep end of the anchored shapes.
BK_BOUND = WHITEPAPER.scaled(BK_SCALE, "steepest shape at which delta-hedged buyers lose "
                                       "(Bakshi-Kapadia)")
#: The elasticity of :class:`LevelShape` on :data:`WHITEPAPER` (``ref`` 13.69, step 0.05) at
#: which the book's put-write, 1990-2015, beats the index by :data:`BONDARENKO_PUT_GAP`, as
#: :data:`PUT_GAP_SCALE` does with a fixed shape (Brent on gamma, ``xtol = 1e-4``, 3 decimals;
#: ``tests/test_smile.py`` recomputes it).
LEVEL_GAMMA = 0.127
#: The anchored shapes over which option results are reported as a band: the board, PUT's gap
#: with a fixed shape and with a shape that flattens as the VIX rises, and the Bakshi-Kapadia
#: bound (name -> shape).
ANCHORED_SHAPES = {
    "white-paper board": WHITEPAPER,
    "PUT's gap, fixed shape": PUT_GAP,
    "PUT's gap, shape moving with the VIX": LevelShape(WHITEPAPER, LEVEL_GAMMA,
                                                       name="board flattening with the VIX, "
                                                            "matched to PUT's gap"),
    "Bakshi-Kapadia bound": BK_BOUND,
}


@lru_cache(maxsize=128)
def _scaled_cached(base: SmileShape, factor: float) -> SmileShape:
    return base.scaled(factor, f"{base.name} x {factor:g}")


def _by_level(fn, vix, shape: "LevelShape", *others):
    """Apply ``fn(vix_part, *other_parts, SmileShape)`` group by group of equal factor."""
    v = np.asarray(vix, dtype=float)
    arrays = np.broadcast_arrays(v, *(np.asarray(o, dtype=float) for o in others))
    v = arrays[0]
    fac = shape.factor(v) if v.ndim else shape.factor(v.reshape(1))
    fac = fac.reshape(v.shape)
    out = np.empty(v.shape)
    for f in np.unique(fac):
        sel = fac == f
        out[sel] = fn(v[sel], *(a[sel] for a in arrays[1:]), shape.shape_at(f))
    return out


def anchor_scale(statistic, target, shape=None, lo: float = 0.0, hi: float = 1.0,
                 xtol: float = 1e-4) -> float:
    """The factor on a shape's departure from flat at which a statistic hits a published target.

    Solves ``statistic(shape.scaled(f)) = target`` for ``f`` in ``[lo, hi]`` by Brent's method
    (``scipy.optimize.brentq``), ``f = 0`` being :data:`FLAT`: a smile anchored on evidence
    rather than on one day's board.

    Parameters
    ----------
    statistic : callable
        ``SmileShape -> float``, e.g. the Sharpe ratio of a put-write priced off the shape minus
        the index's; it must change sign about ``target`` between ``lo`` and ``hi``.
    target : float
        The published value to match (unit of the statistic).
    shape : SmileShape or str, optional
        The shape to scale (default :data:`WHITEPAPER`).
    lo, hi : float
        The bracket of factors, ``0 <= lo < hi <= 10``.
    xtol : float
        Absolute tolerance on the factor, in ``[1e-12, 0.1]``.

    Returns
    -------
    float
        The factor, within ``xtol`` of the root (brentq's own guarantee, plus rounding).
    """
    if not callable(statistic):
        raise _checks.ArgumentTypeError(f"statistic: expected a callable SmileShape -> float, got "
                                        f"{_checks._what(statistic)}")
    tgt = _checks.finite(target, "target")
    base = WHITEPAPER if shape is None else resolve(shape, "shape")
    a = _checks.in_range(lo, "lo", 0.0, 10.0)
    b = _checks.in_range(hi, "hi", 0.0, 10.0)
    if not a < b:
        raise ValueError(f"lo ({a:g}) must be below hi ({b:g})")
    tol = _checks.in_range(xtol, "xtol", 1e-12, 0.1)
    from scipy.optimize import brentq

    def gap(f):
        value = statistic(FLAT if f == 0 else base.scaled(f))
        return _checks.finite(value, "statistic") - tgt

    g_lo, g_hi = gap(a), gap(b)
    if g_lo == 0:
        return a
    if g_hi == 0:
        return b
    if np.sign(g_lo) == np.sign(g_hi):
        raise ValueError(f"target: the statistic does not cross {tgt:g} between lo = {a:g} and hi = {b:g} "
                         f"({g_lo + tgt:g} and {g_hi + tgt:g})")
    return float(brentq(gap, a, b, xtol=tol))


def resolve(smile, name: str = "smile") -> SmileShape:
    """A :class:`SmileShape` from a shape or a name.

    ``"whitepaper"`` is :data:`WHITEPAPER`, ``"model"`` the model world's
    (:func:`model_world_shape` at its defaults), ``"flat"`` :data:`FLAT` (every strike at
    the VIX: for labelled comparisons only). ``name`` is the argument named in errors.
    """
    if smile is None:
        raise ValueError(f"{name}: got None; pass 'flat' to price every strike at the VIX "
                         "(a labelled comparison), or 'whitepaper', 'model' or a SmileShape")
    if isinstance(smile, (SmileShape, LevelShape)):
        return smile
    if isinstance(smile, str):
        if smile == "whitepaper":
            return WHITEPAPER
        if smile == "flat":
            return FLAT
        if smile == "model":
            return model_world_shape()
        raise ValueError(f"{name}: unknown name {smile!r}; use 'whitepaper', 'model', 'flat' "
                         "or a SmileShape")
    raise ValueError(f"{name}: expected a SmileShape or a name, got {type(smile).__name__}")


# --------------------------------------------------------------------------- inputs

def _vol_points(x, name: str) -> np.ndarray:
    """A positive finite array of vol points; below 1 refused as a decimal, above 500 as a price."""
    a = _checks.array(x, name, positive=True)
    if (a < 1).any():
        raise ValueError(f"{name}: {a[a < 1].flat[0]!r} looks like a decimal; pass vol points "
                         "(13.69, not 0.1369)")
    if (a > 500).any():
        raise ValueError(f"{name}: {a[a > 500].flat[0]!r} looks like a price level, not a "
                         "volatility in vol points")
    return a


def _array(x, name: str) -> np.ndarray:
    """A non-empty finite float array; None, text and booleans refused, naming ``name``."""
    return _checks.array(x, name)


def _years(t, name: str = "t") -> float:
    """A time to expiry in years, from one hour (1/8784) to ``MAX_T`` (10 years)."""
    if t is None or isinstance(t, (bool, np.bool_)):
        raise ValueError(f"{name} must be a time in years, got {t!r}")
    v = _checks.positive(t, name)
    if not MIN_T <= v <= MAX_T:
        raise ValueError(f"{name} must lie in [1/8784, {MAX_T:g}] years (an hour to ten years), got {v:g}: "
                         "a longer time looks like days, a shorter one leaves no smile to read")
    return v


def _wrap(template, values, name):
    if isinstance(template, pd.Series):
        return pd.Series(values, index=template.index, name=name)
    return float(values) if np.ndim(values) == 0 else values


# --------------------------------------------------------------------------- the strip

def _otm_over_strike(k, w):
    """``q(k) e^{-k}``: out-of-the-money forward price over the strike (put for k < 0, call above).

    ``k = ln(K/F)``, ``w`` total implied variance; written with ``log_ndtr`` so that far
    wings neither overflow nor lose the result to rounding.
    """
    s = np.sqrt(w)
    d1 = (-k + 0.5 * w) / s
    d2 = d1 - s
    kp, kc = np.minimum(k, 0.0), np.maximum(k, 0.0)   # each branch only on its side
    put = ndtr(-d2) - np.exp(log_ndtr(-d1) - kp)
    call = np.exp(log_ndtr(d1) - kc) - ndtr(d2)
    return np.where(k < 0, put, call)


def _otm_one_side(k, w, put: bool):
    """:func:`_otm_over_strike` on one side of the money only (``k < 0`` for puts, ``k > 0``
    for calls): the same operations on each element, without computing the other branch."""
    s = np.sqrt(w)
    d1 = (-k + 0.5 * w) / s
    if put:
        return ndtr(-(d1 - s)) - np.exp(log_ndtr(-d1) - k)
    return np.exp(log_ndtr(d1) - k) - ndtr(d1 - s)


@lru_cache(maxsize=4)
def _nodes(n: int):
    if n == _N_NODES:
        xw = np.frombuffer(base64.b64decode("".join(_GL256)), dtype="<f8")
        x, w = xw[:n], xw[n:]
    else:
        x, w = np.polynomial.legendre.leggauss(n)
    return 0.5 * (x + 1.0), 0.5 * w


# The 256 Gauss-Legendre nodes on [-1, 1] and their weights (float64, little-endian, base64),
# exactly as numpy.polynomial.legendre.leggauss(256) returns them (tests/test_smile.py
# compares): leggauss solves a 256 x 256 symmetric eigenproblem whose threaded LAPACK call
# takes 0.03 s on an idle machine but up to a second on a loaded one, and whose last bits may
# depend on the LAPACK build; tabulated, the quadrature is the same everywhere.
_GL256 = (
    "7ZqI1KP/77+p3cdgGv7vvyHn4JZW+++/Q4zBaVj377/ulrz7H/Lvvx8O936t6++/CX9uMgHk77/n92hhG9vvvy6CTGP80O+/"
    "cEOPm6TF7790za55FLnvv7W1KXlMq++/C9N5IU2c778MhA4GF4zvv768Rsaqeu+/Er5qDQlo778ZaaWSMlTvv+Mm/RgoP++/"
    "V2FMb+oo778wizlwehHvvxS2LgLZ+O6/ZbZQFwff7r+h1HWtBcTuv24MHM7Vp+6/dtlejniK7r9bkuwO72vuvxZS+3s6TO6/"
    "JnA9DVwr7r/ph9UFVQnuv5wPSrQm5u2/aH94ctLB7b8ECYilWZztv2rg2729de2/ExYFNwBO7b9iA7SXIiXtv69JqXEm++y/"
    "k2SmYQ3Q7L8N0F0P2aPsvxrDYi2Lduy/U38YeSVI7L9NNqG6qRjsv02FzMQZ6Ou/B4gFdXe2678Vg0CzxIPrv9sm6HEDUOu/"
    "kWvKrTUb678qBwVuXeXqv+J98cN8ruq/K84Qy5V26r/JuPaoqj3qv+ilNI29A+q/9ydEsdDI6b8fHXFY5ozpvy5ww88AUOm/"
    "ynnobSIS6b/UAhyTTdPov9PoEKmEk+i/WmXZIspS6L89+c58IBHov538eTyKzue/odR48AmL57/iz2Ywokbnv3mqwpxVAee/"
    "q7rU3ia75r8yx5SoGHTmvyGIj7QtLOa/bdPLxWjj5b8cdq+nzJnlvyy74y1cT+W/PKE5NBoE5b8EwI2eCbjkv7veq1gta+S/"
    "eDwyVogd5L+zi3SSHc/jv/KhXhDwf+O/2txW2gIw47+wPSACWd/iv348vKD1jeK/AVRM1ts74r+NR/PJDunhvw0ktqmRleG/"
    "W/1cqmdB4b8faVMHlOzgv2S4iAIal+C/KfFP5PxA4L84En/2f9Tfv4fFITjNJd+/qBz/Quh13r/lnlDY18Tdv1vSz8SiEt2/"
    "zWJz4E9f3L8P2isO5qrbv3bsnzts9dq/BFzoYOk+2r/idEuAZIfZv8cl+KXkzti//LbA53AV2L+VItVkEFvXv6QQfUXKn9a/"
    "+3nRuqXj1b9G9HX+qSbVvy2qUVLeaNS/MAJIAEqq078N9/BZ9OrSv1okUbjkKtK/LIqReyJq0b+BCrcKtajQv3pGs6ZHzc+/"
    "B8+2kuxHzr+Adj7NZ8HMv0ynflXIOcu/AP+GNR2xyb9GdK6BdSfIv7EX/1fgnMa/PHWh32wRxb8gnEdIKoXDv7jSl8kn+MG/"
    "PfyWonRqwL8AbCUyQLi9vwZkFvJymrq/Lqk5KKB7t7+uNdOB5lu0v5CfBLVkO7G/elc+/3I0rL/+KutLB/GlvzxYtsaHWZ+/"
    "EN9EwszPkr8kCQA2YxV5vyQJADZjFXk/EN9EwszPkj88WLbGh1mfP/4q60sH8aU/elc+/3I0rD+QnwS1ZDuxP64104HmW7Q/"
    "Lqk5KKB7tz8GZBbycpq6PwBsJTJAuL0/PfyWonRqwD+40pfJJ/jBPyCcR0gqhcM/PHWh32wRxT+xF/9X4JzGP0Z0roF1J8g/"
    "AP+GNR2xyT9Mp35VyDnLP4B2Ps1nwcw/B8+2kuxHzj96RrOmR83PP4EKtwq1qNA/LIqReyJq0T9aJFG45CrSPw338Fn06tI/"
    "MAJIAEqq0z8tqlFS3mjUP0b0df6pJtU/+3nRuqXj1T+kEH1Fyp/WP5Ui1WQQW9c//LbA53AV2D/HJfil5M7YP+J0S4Bkh9k/"
    "BFzoYOk+2j927J87bPXaPw/aKw7mqts/zWJz4E9f3D9b0s/EohLdP+WeUNjXxN0/qBz/Quh13j+HxSE4zSXfPzgSf/Z/1N8/"
    "KfFP5PxA4D9kuIgCGpfgPx9pUweU7OA/W/1cqmdB4T8NJLapkZXhP41H88kO6eE/AVRM1ts74j9+PLyg9Y3iP7A9IAJZ3+I/"
    "2txW2gIw4z/yoV4Q8H/jP7OLdJIdz+M/eDwyVogd5D+73qtYLWvkPwTAjZ4JuOQ/PKE5NBoE5T8su+MtXE/lPxx2r6fMmeU/"
    "bdPLxWjj5T8hiI+0LSzmPzLHlKgYdOY/q7rU3ia75j95qsKcVQHnP+LPZjCiRuc/odR48AmL5z+d/Hk8is7nPz35znwgEeg/"
    "WmXZIspS6D/T6BCphJPoP9QCHJNN0+g/ynnobSIS6T8ucMPPAFDpPx8dcVjmjOk/9ydEsdDI6T/opTSNvQPqP8m49qiqPeo/"
    "K84Qy5V26j/iffHDfK7qPyoHBW5d5eo/kWvKrTUb6z/bJuhxA1DrPxWDQLPEg+s/B4gFdXe26z9NhczEGejrP002obqpGOw/"
    "U38YeSVI7D8aw2Iti3bsPw3QXQ/Zo+w/k2SmYQ3Q7D+vSalxJvvsP2IDtJciJe0/ExYFNwBO7T9q4Nu9vXXtPwQJiKVZnO0/"
    "aH94ctLB7T+cD0q0JubtP+mH1QVVCe4/JnA9DVwr7j8WUvt7OkzuP1uS7A7va+4/dtlejniK7j9uDBzO1afuP6HUda0FxO4/"
    "ZbZQFwff7j8Uti4C2fjuPzCLOXB6Ee8/V2FMb+oo7z/jJv0YKD/vPxlppZIyVO8/Er5qDQlo7z++vEbGqnrvPwyEDgYXjO8/"
    "C9N5IU2c7z+1tSl5TKvvP3TNrnkUue8/cEOPm6TF7z8ugkxj/NDvP+f3aGEb2+8/CX9uMgHk7z8fDvd+revvP+6WvPsf8u8/"
    "Q4zBaVj37z8h5+CWVvvvP6ndx2Aa/u8/7ZqI1KP/7z/znlGSJJEdP2cn9f+aNDE/aNVEMPwHOz9NxukuU21CP2DbwGv7VUc/"
    "laETu8A9TD9urjysOJJQP/XDZEfuBFM/TtXKAul2VT9Y5x/IEOhXP2nRVY9NWFo/wLk7XIfHXD9sy/w9pjVfPw1wsSdJ0WA/"
    "9t+12xkHYj9UtANVOTxjP62idLSbcGQ/RHcxIjWkZT/yjyLO+dZmP3f6YPDdCGg/XMyoydU5aT9oisuj1WlqP2aGItLRmGs/"
    "oS4Bsr7GbD95ByerkPNtPzx+MTA8H28/c66G39okcD+O1LPweLlwP5Ymj5ZyTXE/LSNYIsLgcT+/qdbrYXNyP6KMklFMBXM/"
    "tukKuXuWcz9ES+2O6iZ0P2VeTEeTtnQ/Oo3WXXBFdT/9LQxWfNN1P2F9dbuxYHY/JSzYIQvtdj9nw2wlg3h3Pw2RE2sUA3g/"
    "JFaJoLmMeD//kZt8bRV5P0mAXL8qnXk/zq5WMuwjej8vPsCorKl6P53Erf9mLns/+MZEHhayez+e2e31tDR8P9hWhoI+tnw/"
    "ea2Ryq02fT8ySWrf/bV9P6AQct0pNH4/uHFC7Cyxfj+aC9w+Ai1/P4bZ1ROlp38/g/3FWogQgD9r+iY9oEyAP4dLRuIXiIA/"
    "kKeDAe3CgD/Di3xYHf2APxBxIqumNoE/1cLQw4ZvgT8ZmWJzu6eBPzcwSJFC34E/mCKc+xkWgj82XjiXP0yCPz/ayk+xgYI/"
    "DAfqF222gj8K+yjpcOqCP0pdK8S6HYM/uAe5sEhQgz8EZdG9GIKDP4uDvgEps4M/U+gnmnfjgz/2ECWsAhOEP7WyT2TIQYQ/"
    "I63V9sZvhD/csoqf/JyEPzel+aFnyYQ/4ad1SQb1hD8E5Srp1h+FP4YEL9zXSYU/J1eRhQdzhT8CsWpQZJuFP/P27K/swoU/"
    "VVtyH5/phT/WSowieg+GP8sIEkV8NIY/DvkuG6RYhj8wmnBB8HuGP24q1FxfnoY/9/vTGvC/hj8rdXQxoeCGP7i7UF9xAIc/"
    "vA2na18fhz96wmQmaj2HPx/6MWiQWoc/+fJ8EtF2hz8cDIUPK5KHP/pvZVKdrIc/7WYf1ybGhz9xVKSixt6HP2la38J79oc/"
    "k6W+TkUNiD9SYDxmIiOIP7BNZzISOIg/vQlr5RNMiD/u8Ze6Jl+IPxayavZJcYg/BHiT5nyCiD+NzPzhvpKIP+gR0kgPoog/"
    "6aaFhG2wiD/ertYH2b2IP5d+1k5Ryog/WK3t3tXViD++yeBGZuCIP3Gz1B4C6og/nZdSCKnyiD8LkkuuWvqIP0bxG8UWAYk/"
    "ER6OCt0GiT85Jt1FrQuJPyXrtkeHD4k/gvI96moSiT/K2goRWBSJP5pyLalOFYk/mnItqU4ViT/K2goRWBSJP4LyPepqEok/"
    "Jeu2R4cPiT85Jt1FrQuJPxEejgrdBok/RvEbxRYBiT8LkkuuWvqIP52XUgip8og/cbPUHgLqiD++yeBGZuCIP1it7d7V1Yg/"
    "l37WTlHKiD/ertYH2b2IP+mmhYRtsIg/6BHSSA+iiD+NzPzhvpKIPwR4k+Z8gog/FrJq9klxiD/u8Ze6Jl+IP70Ja+UTTIg/"
    "sE1nMhI4iD9SYDxmIiOIP5Olvk5FDYg/aVrfwnv2hz9xVKSixt6HP+1mH9cmxoc/+m9lUp2shz8cDIUPK5KHP/nyfBLRdoc/"
    "H/oxaJBahz96wmQmaj2HP7wNp2tfH4c/uLtQX3EAhz8rdXQxoeCGP/f70xrwv4Y/birUXF+ehj8wmnBB8HuGPw75LhukWIY/"
    "ywgSRXw0hj/WSowieg+GP1Vbch+f6YU/8/bsr+zChT8CsWpQZJuFPydXkYUHc4U/hgQv3NdJhT8E5Srp1h+FP+GndUkG9YQ/"
    "N6X5oWfJhD/csoqf/JyEPyOt1fbGb4Q/tbJPZMhBhD/2ECWsAhOEP1PoJ5p344M/i4O+ASmzgz8EZdG9GIKDP7gHubBIUIM/"
    "Sl0rxLodgz8K+yjpcOqCPwwH6hdttoI/P9rKT7GBgj82XjiXP0yCP5ginPsZFoI/NzBIkULfgT8ZmWJzu6eBP9XC0MOGb4E/"
    "EHEiq6Y2gT/Di3xYHf2AP5CngwHtwoA/h0tG4heIgD9r+iY9oEyAP4P9xVqIEIA/htnVE6Wnfz+aC9w+Ai1/P7hxQuwssX4/"
    "oBBy3Sk0fj8ySWrf/bV9P3mtkcqtNn0/2FaGgj62fD+e2e31tDR8P/jGRB4Wsns/ncSt/2Yuez8vPsCorKl6P86uVjLsI3o/"
    "SYBcvyqdeT//kZt8bRV5PyRWiaC5jHg/DZETaxQDeD9nw2wlg3h3PyUs2CEL7XY/YX11u7Fgdj/9LQxWfNN1PzqN1l1wRXU/"
    "ZV5MR5O2dD9ES+2O6iZ0P7bpCrl7lnM/ooySUUwFcz+/qdbrYXNyPy0jWCLC4HE/liaPlnJNcT+O1LPweLlwP3Ouht/aJHA/"
    "PH4xMDwfbz95ByerkPNtP6EuAbK+xmw/ZoYi0tGYaz9oisuj1WlqP1zMqMnVOWk/d/pg8N0IaD/yjyLO+dZmP0R3MSI1pGU/"
    "raJ0tJtwZD9UtANVOTxjP/bftdsZB2I/DXCxJ0nRYD9sy/w9pjVfP8C5O1yHx1w/adFVj01YWj9Y5x/IEOhXP07VygLpdlU/"
    "9cNkR+4EUz9urjysOJJQP5WhE7vAPUw/YNvAa/tVRz9NxukuU21CP2jVRDD8Bzs/Zyf1/5o0MT/znlGSJJEdPw=="
)



def _strip_variance(a, shape: SmileShape, t: float):
    """Continuous model-free variance (decimal) of the smile with ATM vol ``a`` (decimal, array).

    ``(2/T) int Q(K)/K^2 dK = (2/T) int q(k) e^{-k} dk`` with ``q`` the out-of-the-money
    forward price per unit forward; each side of the money is integrated separately (the
    integrand has a kink at the money) by Gauss-Legendre quadrature after the map
    ``z = c x / (1 - x)`` of [0, 1) onto [0, inf) (z in at-the-money standard deviations).
    """
    a = np.asarray(a, dtype=float)
    flat = a.reshape(-1, 1)
    x, w = _nodes(_N_NODES)
    z_pos = _MAP_SCALE * x / (1.0 - x)
    dz = _MAP_SCALE / (1.0 - x) ** 2
    ratios = {side: shape.ratio(side * z_pos) for side in (-1.0, 1.0)}

    def block(ab):
        sd = ab * np.sqrt(t)
        part = np.zeros(ab.shape[0])
        for side in (-1.0, 1.0):
            z = side * z_pos
            k = z * sd
            var = (ab * ratios[side]) ** 2 * t
            integrand = _otm_one_side(k, var, put=side < 0)
            part = part + (integrand * w * dz).sum(axis=-1) * sd[..., 0]
        return part

    # in blocks of levels, so that the temporaries stay in cache (the result does not depend
    # on the block: every operation is per element, and each sum runs along one row); a
    # solver's table (many blocks) on two threads: numpy's and scipy's ufuncs release the
    # GIL, and each block is the same computation on either thread (bit for bit)
    blocks = [flat[lo:lo + _BLOCK] for lo in range(0, flat.shape[0], _BLOCK)]
    if len(blocks) >= _THREAD_MIN_BLOCKS:
        parts = list(_pool(os.getpid()).map(block, blocks))
    else:
        parts = [block(ab) for ab in blocks]
    total = np.concatenate(parts) if parts else np.zeros(0)
    return (2.0 * total / t).reshape(a.shape)


#: Fewest blocks of levels computed on two threads (a solver's table has 16; one VIX series
#: of a few thousand days about 60); fewer run on the calling thread.
_THREAD_MIN_BLOCKS = 8


@lru_cache(maxsize=1)
def _pool(pid: int):
    """The two worker threads, one pool per process (a forked child, whose copy of the
    parent's pool has no threads, makes its own)."""
    from concurrent.futures import ThreadPoolExecutor

    return ThreadPoolExecutor(max_workers=2, thread_name_prefix="vrp-smile")


def _wing_slope(a, shape: SmileShape, t: float):
    """Slope of total implied variance in ``|k|`` far out in the put wing (Lee's bound is 2)."""
    return np.asarray(a, dtype=float) * np.sqrt(t) * shape.b * (1.0 + abs(shape.rho))


def model_free_vol(atm, shape="whitepaper", t: float = VIX_T):
    """The smile's model-free volatility: ``100 sqrt((2/T) int Q(K)/K^2 dK)``, vol points.

    The forward function of :func:`atm_vol`: the VIX a smile of this shape and
    at-the-money level implies (continuous strikes, no truncation, forward prices).

    Parameters
    ----------
    atm : float, array or Series
        At-the-money-forward implied volatility, vol points.
    shape : SmileShape, name or None
        Default :data:`WHITEPAPER`; None or ``"flat"`` is :data:`FLAT`.
    t : float
        Expiry in years (default :data:`VIX_T`, 30 calendar days), from :data:`MIN_T` (an
        hour) to ``MAX_T`` (ten years).
    """
    a = _vol_points(atm, "atm")
    s = resolve(shape, "shape")
    tt = _years(t)
    if s.is_flat:
        return _wrap(atm, a.copy() if a.ndim else float(a), "model_free_vol")
    if (_wing_slope(a / 100.0, s, tt) > _MAX_SLOPE).any():
        raise ValueError(f"atm: above {_max_atm(s, tt):.4g} vol points at t = {tt:g} years the put "
                         "wing's total variance grows too fast in |k| (Lee's bound): no finite strip")
    out = 100.0 * np.sqrt(_strip_variance(a / 100.0, s, tt))
    return _wrap(atm, out, "model_free_vol")


def _max_atm(shape: SmileShape, t: float) -> float:
    """Largest ATM vol (vol points) whose put wing stays within :data:`_MAX_SLOPE`."""
    steep = np.sqrt(t) * shape.b * (1.0 + abs(shape.rho))
    return 300.0 if steep == 0 else min(300.0, 100.0 * _MAX_SLOPE / steep)


class _Spline:
    """Cubic spline with not-a-knot ends through ``(x, y)`` (``x`` increasing), as
    ``scipy.interpolate.CubicSpline(x, y)`` builds and evaluates it (the same equations for
    the slopes, solved by the same elimination, the same power form on each interval; it
    agrees to rounding, ``tests/test_smile.py``), without loading ``scipy.interpolate``
    (about 0.3 s). Extrapolates with the end pieces."""

    def __init__(self, x, y):
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        n = len(x)
        if x.ndim != 1 or y.shape != x.shape or n < 4 or not (np.diff(x) > 0).all():
            raise ValueError("_Spline: x must increase, with one y per x and at least 4 points")
        dx = np.diff(x)
        slope = np.diff(y) / dx
        diag = np.empty(n)
        diag[1:-1] = 2 * (dx[:-1] + dx[1:])
        upper = np.empty(n - 1)               # upper[i] = A[i, i + 1]
        upper[1:] = dx[:-1]
        lower = np.empty(n - 1)               # lower[i] = A[i + 1, i]
        lower[:-1] = dx[1:]
        b = np.empty(n)
        b[1:-1] = 3 * (dx[1:] * slope[:-1] + dx[:-1] * slope[1:])
        d = x[2] - x[0]                       # not-a-knot at the start
        diag[0], upper[0] = dx[1], d
        b[0] = ((dx[0] + 2 * d) * dx[1] * slope[0] + dx[0] ** 2 * slope[1]) / d
        d = x[-1] - x[-3]                     # and at the end
        diag[-1], lower[-1] = dx[-2], d
        b[-1] = (dx[-1] ** 2 * slope[-2] + (2 * d + dx[-1]) * dx[-2] * slope[-1]) / d
        s = _tridiagonal(lower.tolist(), diag.tolist(), upper.tolist(), b.tolist())
        s = np.asarray(s)
        t = (s[:-1] + s[1:] - 2 * slope) / dx
        self.x = x
        self.c = np.stack((t / dx, (slope - s[:-1]) / dx - t, s[:-1], y[:-1]))

    def __call__(self, xv):
        xv = np.asarray(xv, dtype=float)
        i = np.clip(np.searchsorted(self.x, xv, side="right") - 1, 0, len(self.x) - 2)
        h = xv - self.x[i]
        c = self.c[:, i]
        z = h * h
        return ((c[3] + c[2] * h) + c[1] * z) + c[0] * (z * h)


def _tridiagonal(lower, diag, upper, b):
    """Solve a tridiagonal system by Gaussian elimination (lists of floats; the pivots must
    dominate, as in a cubic spline's system: a row swap is refused)."""
    n = len(diag)
    for j in range(n - 1):
        if abs(lower[j]) > abs(diag[j]):
            raise ValueError("_tridiagonal: the system needs pivoting")
        m = lower[j] / diag[j]
        diag[j + 1] -= m * upper[j]
        b[j + 1] -= m * b[j]
    for j in range(n - 1, -1, -1):
        b[j] = b[j] / diag[j]
        if j:
            b[j - 1] -= b[j] * upper[j - 1]
    return b


@lru_cache(maxsize=64)
def _ratio_table(shape: SmileShape, t: float):
    """``log(model-free vol / ATM vol)`` as a smooth function of ``log ATM vol``, and its range."""
    grid = np.geomspace(0.5, _max_atm(shape, t), _N_TABLE)
    mf = 100.0 * np.sqrt(_strip_variance(grid / 100.0, shape, t))
    return _Spline(np.log(grid), np.log(mf / grid)), float(mf[0]), float(mf[-1])


def atm_vol(vix, shape="whitepaper", t: float = VIX_T):
    """At-the-money-forward implied volatility of a smile whose strip variance is ``VIX^2``.

    Solves ``model_free_vol(a, shape, t) = vix`` for ``a``. On a flat smile ``a = vix``
    exactly; on an equity smile ``a < vix``.

    Parameters
    ----------
    vix : float, array or Series
        The VIX, or any model-free implied volatility to expiry ``t``, in vol points.
    shape : SmileShape, name or None
        Default :data:`WHITEPAPER`; None or ``"flat"`` returns ``vix`` itself.
    t : float
        Years to the expiry whose model-free variance ``vix`` is (default 30 days), from
        :data:`MIN_T` to ``MAX_T``.

    Returns
    -------
    float, array or Series
        Vol points, shaped like ``vix``.

    Notes
    -----
    The ratio model-free / at-the-money depends on the level only weakly (through the
    standardized moneyness); it is tabulated once per shape and expiry on 2,001 levels from
    0.5 vol points up to the level at which the put wing's total variance would grow
    faster than ``1.5 |k|`` (Lee's bound for a finite strip is 2), interpolated (relative
    error below 1e-8), and the fixed point ``a = vix / ratio(a)`` is iterated to 1e-13.
    """
    v = _vol_points(vix, "vix")
    s = resolve(shape, "shape")
    tt = _years(t)
    if isinstance(s, LevelShape):
        out = _by_level(lambda part, shp: atm_vol(part, shp, tt), v, s)
        return _wrap(vix, out if v.ndim else float(out), "atm_vol")
    if s.is_flat:
        return _wrap(vix, v.copy() if v.ndim else float(v), "atm_vol")
    if _max_atm(s, tt) <= 0.5:
        raise ValueError(f"shape: at t = {tt:g} years its put wing breaks Lee's bound above "
                         f"{_max_atm(s, tt):.3g} vol points (b = {s.b:g}); use a shorter t or a "
                         "flatter shape")
    spline, lo, hi = _ratio_table(s, round(tt, 12))
    if v.max() > hi or v.min() < lo:
        bad = v.max() if v.max() > hi else v.min()
        raise ValueError(f"vix: {bad:g} lies outside the range this shape admits at t={tt:g} "
                         f"({lo:.3g} to {hi:.4g} vol points; beyond it the put wing breaks "
                         "Lee's moment bound)")
    a = v / np.exp(spline(np.log(v)))
    for _ in range(60):
        new = v / np.exp(spline(np.log(a)))
        done = np.max(np.abs(new - a) / a) < 1e-13
        a = new
        if done:
            break
    return _wrap(vix, a, "atm_vol")


def smile_vol(vix, moneyness, shape="whitepaper", t: float = VIX_T):
    """Implied volatility at each strike of the smile consistent with the VIX, vol points.

    ``sigma(K) = a f(ln(K/F) / (a sqrt(T)))`` with ``a = atm_vol(vix, shape, t)``: the
    smile's model-free variance equals ``vix^2``.

    Parameters
    ----------
    vix : float, array or Series
        The VIX (or a model-free implied vol to ``t``), vol points.
    moneyness : float or array
        ``K / F``, strike over forward (positive); broadcast against ``vix``.
    shape : SmileShape, name or None
        Default :data:`WHITEPAPER`; None or ``"flat"`` (:data:`FLAT`) prices every strike
        at the VIX.
    t : float
        Years to expiry, from :data:`MIN_T` to ``MAX_T``.

    Returns
    -------
    float, array or Series
        Vol points; a Series when ``vix`` is one and ``moneyness`` a scalar.
    """
    s = resolve(shape, "shape")
    if isinstance(s, LevelShape):
        _vol_points(vix, "vix")
        m = _array(moneyness, "moneyness")
        if (m <= 0).any():
            raise ValueError("moneyness must be positive K / F ratios (0.9 for 10 % below)")
        out = _by_level(lambda part, mm, shp: smile_vol(part, mm, shp, t), vix, s, m)
        if isinstance(vix, pd.Series) and np.ndim(m) == 0:
            return pd.Series(out, index=vix.index, name="smile_vol")
        return float(out) if np.ndim(out) == 0 else out
    a = atm_vol(vix, shape, t)
    tt = _years(t)
    m = _array(moneyness, "moneyness")
    if (m <= 0).any():
        raise ValueError("moneyness must be positive K / F ratios (0.9 for 10 % below)")
    av = np.asarray(a, dtype=float)
    z = np.log(m) / (av / 100.0 * np.sqrt(tt))
    out = av * s.ratio(z)
    if isinstance(vix, pd.Series) and np.ndim(m) == 0:
        return pd.Series(out, index=vix.index, name="smile_vol")
    return float(out) if np.ndim(out) == 0 else out


# --------------------------------------------------------------------------- fitting

def fit_shape(log_moneyness, t, vols, group=None, name: str = "fitted", shift: bool = False):
    """Least-squares fit of a :class:`SmileShape` to implied volatilities.

    Minimizes ``sum (a_g f(z) - vol)^2`` (vol points) over the shape and one at-the-money
    level ``a_g`` per group (an expiry), with ``z = k / (a_g sqrt(t))``; a penalty keeps
    the variance positive everywhere.

    Parameters
    ----------
    log_moneyness : array
        ``ln(K / F)`` of each quote.
    t : float or array
        Years to expiry of each quote, from :data:`MIN_T` to ``MAX_T``.
    vols : array
        Implied volatilities, vol points.
    group : array, optional
        Expiry label of each quote; one level ``a`` per label (default: one group).
    shift : bool
        Fit the vertex shift ``m`` too (default False: ``m = 0``).

    Returns
    -------
    (SmileShape, pandas.Series)
        The shape and the fitted at-the-money level of each group (vol points).
    """
    k = _array(log_moneyness, "log_moneyness")
    v = _vol_points(vols, "vols")
    if k.ndim != 1 or v.shape != k.shape:
        raise ValueError(f"log_moneyness {k.shape} and vols {v.shape} must be 1-D of one length")
    t_arr = _array(t, "t")
    if (t_arr <= 0).any():
        raise ValueError("t: times to expiry must be positive (years)")
    for each in np.ravel(t_arr):
        _years(each)
    if t_arr.ndim and t_arr.shape != k.shape:
        raise ValueError(f"t: {t_arr.shape} does not match log_moneyness {k.shape}")
    tt = np.broadcast_to(t_arr, k.shape)
    if not isinstance(shift, (bool, np.bool_)):
        raise ValueError(f"shift must be True or False, got {shift!r}")
    g = np.zeros(k.shape, dtype=int) if group is None else np.asarray(group)
    if g.shape != k.shape:
        raise ValueError("group must have one label per quote")
    if not isinstance(name, str):
        raise ValueError(f"name must be a string, got {name!r}")
    labels, gi = np.unique(g, return_inverse=True)
    ng = len(labels)
    if len(k) < ng + 4:
        raise ValueError("fit_shape: need at least four more quotes than groups")
    a0 = np.array([np.interp(0.0, *_sorted(k[gi == j], v[gi == j])) for j in range(ng)])

    def unpack(p):
        return p[ng], p[ng + 1], p[ng + 2], (p[ng + 3] if shift else 0.0)

    def resid(p):
        a = p[gi] / 100.0
        b, rho, l, m = unpack(p)
        y = k / (a * np.sqrt(tt)) - m
        g0 = -rho * m + np.sqrt(m * m + l * l)
        f2 = 1.0 + b * (rho * y + np.sqrt(y * y + l * l) - g0)
        fmin = 1.0 + b * (l * np.sqrt(1.0 - rho * rho) - g0)
        return np.r_[100.0 * a * np.sqrt(np.maximum(f2, 1e-12)) - v, 1e3 * max(0.0, 0.05 - fmin)]

    lo = np.r_[np.full(ng, 1.0), 0.0, -0.999, 0.05, [-5.0] * shift]
    hi = np.r_[np.full(ng, 400.0), 20.0, 0.999, 50.0, [5.0] * shift]
    from scipy.optimize import least_squares  # imported here: scipy.optimize is slow to load

    p = least_squares(resid, np.r_[a0, 1.0, -0.5, 2.0, [0.0] * shift], bounds=(lo, hi),
                      x_scale="jac").x
    b, rho, l, m = unpack(p)
    shape = SmileShape(float(b), float(rho), float(l), name, float(m))
    return shape, pd.Series(p[:ng], index=pd.Index(labels, name="group"), name="atm")


def _sorted(k, v):
    o = np.argsort(k)
    return k[o], v[o]


def board_smile(min_mid: float = MIN_MID, data_dir=None) -> pd.DataFrame:
    """The Cboe white-paper board's smile: implied vol of each out-of-the-money quote.

    For each expiry (:data:`WHITEPAPER_TERMS`), the options the Cboe method selects
    (:func:`vrp_lib.implied.cboe_strip`: forward from put-call parity, puts below ``K0``,
    calls above, the ``K0`` average left out), with a mid of at least ``min_mid`` index
    points, inverted by :func:`vrp_lib.implied.implied_vol` against the forward.

    Returns
    -------
    pandas.DataFrame
        ``term, t (years), strike, option, mid, forward, moneyness (K/F), k (ln K/F),
        iv (vol points)``.
    """
    from . import data, implied

    mm = _checks.finite(min_mid, "min_mid")
    if mm < 0:
        raise ValueError(f"min_mid must be non-negative, got {min_mid!r}")
    frames = []
    for term, t, r in WHITEPAPER_TERMS:
        chain = data.load_cboe_whitepaper_quotes(term, data_dir=data_dir)
        strip = implied.cboe_strip(chain, t=t, r=r)
        f = strip.attrs["forward"]
        strip = strip[(strip["option"] != "put/call average") & (strip["mid"] >= mm)]
        k, mid, opt = (strip[c].to_numpy() for c in ("strike", "mid", "option"))
        iv = np.empty(len(strip))
        for kind in ("put", "call"):          # one vectorized inversion per option type
            sel = opt == kind
            if sel.any():
                iv[sel] = implied.implied_vol(mid[sel], f * np.exp(-r * t), k[sel], t, r, 0.0, kind)
        frames.append(pd.DataFrame({"term": term, "t": t, "strike": k, "option": opt, "mid": mid,
                                    "forward": f, "moneyness": k / f, "k": np.log(k / f),
                                    "iv": 100 * iv}))
    board = pd.concat(frames, ignore_index=True)
    if board.empty:
        raise ValueError(f"min_mid: no quote has a mid of at least {mm:g}")
    return board


#: :func:`model_world_shape` at its defaults (the model world's Q law, its long-run variance,
#: 30 days), as the fit gives it (parameters to 8 significant digits): stored, so that a chapter
#: does not refit it (57 Bates prices, their implied vols and a least-squares fit, about 0.1 s,
#: and scipy.optimize's import); ``tests/test_smile.py`` refits it and compares.
MODEL_WORLD = SmileShape(0.26358655, -0.44026047, 0.05, "model world (synthetic), Bates under Q",
                         1.5354921)


@lru_cache(maxsize=8)
def _model_shape(params, v0: float, t: float) -> SmileShape:
    from . import implied, models

    a = 100.0 * np.sqrt(float(models.expected_variance(params, t, v0)))
    z = np.linspace(-4.0, 3.0, 57)
    strikes = np.exp(z * a / 100.0 * np.sqrt(t))
    calls = np.asarray(models.call_price(params, 1.0, strikes, t, v0), dtype=float)
    puts = calls - (1.0 - strikes)          # put-call parity, zero rates, forward 1
    otm = np.where(strikes < 1.0, puts, calls)
    kinds = np.where(strikes < 1.0, "put", "call")
    iv = np.array([implied.implied_vol(p, 1.0, k, t, 0.0, 0.0, kd)
                   for p, k, kd in zip(otm, strikes, kinds)])
    # The quadrature's matrix product may sum in a different order from run to run (threaded
    # BLAS): the implied vols are rounded to 1e-6 vol points before the fit, and the fitted
    # parameters to 8 significant digits, so that the shape is the same number every time.
    iv = np.round(100 * iv, 6)
    shape, _ = fit_shape(np.log(strikes), t, iv, name="model world (synthetic), Bates under Q",
                         shift=True)
    return SmileShape(*(float(f"{x:.8g}") for x in (shape.b, shape.rho, shape.l)), shape.name,
                      float(f"{shape.m:.8g}"))


def model_world_shape(params=None, v0=None, t: float = VIX_T) -> SmileShape:
    """The smile shape of the model world (synthetic): Bates under Q, fitted by :func:`fit_shape`.

    Out-of-the-money prices from :func:`vrp_lib.bates.call_price` (puts by put-call
    parity) on strikes from -4 to +3 standard deviations, inverted to implied vols; the
    vertex shift ``m`` is fitted too (the model's smile has its minimum above the money).

    Parameters
    ----------
    params : BatesParams, optional
        Risk-neutral parameters (default :data:`vrp_lib.bates.RISK_NEUTRAL`).
    v0 : float, optional
        Spot variance, decimal (default: the physical long-run level
        ``models.PHYSICAL.theta``, the model world's typical state).
    t : float
        Expiry in years (default 30 days), from :data:`MIN_T` to ``MAX_T``.
    """
    from . import models

    p = models.RISK_NEUTRAL if params is None else models._params(params, "params")
    v = models.PHYSICAL.theta if v0 is None else _checks.positive(v0, "v0")
    tt = _years(t)
    if params is None and v0 is None and tt == VIX_T:
        return MODEL_WORLD          # the fit at the defaults, stored (tests/test_smile.py refits it)
    return _model_shape(p, float(v), tt)
