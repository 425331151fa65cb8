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

import numpy as np
import pandas as pd
from scipy.special import ndtr, ndtri

from . import _checks
from .swaps import _broadcast, _numeric, _scalar, _spacing, fair_variance, strike_spacing

__all__ = [
    "MINUTES_PER_YEAR", "CHAIN_COLUMNS", "MAX_DECIMAL_VOL", "bs_price", "bs_delta", "bs_vega",
    "implied_vol", "check_chain", "cboe_forward", "cboe_strip", "CboeTerm", "cboe_term",
    "cboe_variance", "interpolate_variance", "cboe_vix", "skew_smile", "bs_chain",
    "smile_fair_variance", "skew_fair_variance",
]

MINUTES_PER_YEAR = 525_600
CHAIN_COLUMNS = ("strike", "call_bid", "call_ask", "put_bid", "put_ask")
MAX_DECIMAL_VOL = 5.0


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
        raise ValueError(f"{name} must be a non-negative decimal volatility (0.2 for 20 %), got {v[v < 0].flat[0]:g}")
    if (v > MAX_DECIMAL_VOL).any():
        bad = v[v > MAX_DECIMAL_VOL].flat[0]
        raise ValueError(
            f"{name} {bad:g} is above {MAX_DECIMAL_VOL:g} ({100 * MAX_DECIMAL_VOL:.0f} vol points): "
            f"{name} is a decimal; pass {bad / 100:g} for {bad:g} vol points"
        )
    return v


def _bs_inputs(spot, strike, t, r, sigma, q):
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
        Option price in the currency of ``spot``.

    Raises
    ------
    ValueError
        NaN, inf, None or empty input, non-positive spot, strike or t, shapes that do not
        broadcast, or ``sigma`` above 5 (vol points passed instead of decimals).
    """
    _kind(kind)
    s, k, tt, rr, v, qq = _bs_inputs(spot, strike, t, r, sigma, q)
    fwd = s * np.exp((rr - qq) * tt)
    df = np.exp(-rr * tt)
    sd = v * np.sqrt(tt)
    with np.errstate(divide="ignore", invalid="ignore"):
        d1 = np.where(sd > 0, (np.log(fwd / k) + 0.5 * sd**2) / np.where(sd > 0, sd, 1.0), np.inf)
        d2 = d1 - sd
    call = np.where(
        sd > 0, df * (fwd * ndtr(d1) - k * ndtr(d2)), df * np.maximum(fwd - k, 0.0)
    )
    out = call if kind == "call" else call - df * (fwd - k)
    out = np.maximum(out, 0.0)  # parity can leave -1e-15 on deep in-the-money puts
    return float(out) if np.ndim(out) == 0 else out


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

_INV_SQRT2PI = 1.0 / np.sqrt(2.0 * np.pi)


def _otm_call(x, s, ep, em):
    """Normalized out-of-the-money Black call ``b(x, s)``, x <= 0, with ep = e^{x/2}."""
    d1 = x / s + 0.5 * s
    return ep * ndtr(d1) - em * ndtr(d1 - s)


def _solve_normalized(x, beta, max_iter=60):
    """Total volatility s with b(x, s) = beta, for x <= 0 and 0 < beta < e^{x/2}.

    Jaeckel's "By Implication" (2006) scheme: split at the inflection point
    ``s_c = sqrt(2|x|)``; below it Halley steps on ``1/ln b``, above it on ``b``, from his
    rational/asymptotic initial guesses; every step is kept inside a bracket that tightens
    as the iteration proceeds (bisection where a step would leave it).
    """
    ep, em = np.exp(0.5 * x), np.exp(-0.5 * x)
    sc = np.sqrt(-2.0 * x)
    neg = x < 0
    bc = np.zeros_like(x)
    if neg.any():
        bc[neg] = _otm_call(x[neg], sc[neg], ep[neg], em[neg])
    low = beta < bc
    s = np.empty_like(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        s_low = np.sqrt(2.0 * x * x / (np.abs(x) - 4.0 * np.log(beta / bc)))
        arg = (ep - beta) / (ep - bc) * ndtr(-0.5 * sc)
        s_high = -2.0 * ndtri(arg)
    s = np.where(low, s_low, s_high)
    s = np.where(np.isfinite(s) & (s > 0), s, np.where(low, 0.5 * sc, sc + 1.0))
    lo = np.zeros_like(x)
    hi = np.full_like(x, np.inf)
    lnbeta = np.log(beta)
    if low.any():
        # near the money the asymptotic guess is poor: b(x, s) ~ b(0, s) + x/2 gives a
        # second candidate; keep the one whose price is closer (in logs) and bracket both
        li = np.flatnonzero(low)
        xl, el, ml, bl = x[li], ep[li], em[li], beta[li]
        with np.errstate(divide="ignore", invalid="ignore"):
            s_atm = -2.0 * ndtri(0.5 * (1.0 - bl + 0.5 * xl))
        s_atm = np.where(np.isfinite(s_atm) & (s_atm > 0), s_atm, s[li])
        cand = np.stack([s[li], s_atm])
        with np.errstate(divide="ignore"):
            err = np.log(_otm_call(np.broadcast_to(xl, cand.shape), cand, el, ml)) - lnbeta[li]
        under = err < 0
        lo[li] = np.max(np.where(under, cand, 0.0), axis=0)
        hi[li] = np.min(np.where(under, np.inf, cand), axis=0)
        s[li] = np.where(np.abs(err[0]) <= np.abs(err[1]), cand[0], cand[1])
    active = np.arange(x.size)
    for _ in range(max_iter):
        xa, sa, epa, ema = x[active], s[active], ep[active], em[active]
        ba, la = beta[active], low[active]
        d1 = xa / sa + 0.5 * sa
        b = epa * ndtr(d1) - ema * ndtr(d1 - sa)
        bp = epa * _INV_SQRT2PI * np.exp(-0.5 * d1 * d1)        # db/ds
        h2 = xa * xa / (sa * sa * sa) - 0.25 * sa                # b''/b'
        below = b < ba
        lo[active] = np.where(below, np.maximum(lo[active], sa), lo[active])
        hi[active] = np.where(below, hi[active], np.minimum(hi[active], sa))
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            # upper branch: f = b - beta
            nu_h = (ba - b) / bp
            hh = h2
            # lower branch: g = 1/ln b - 1/ln beta
            lb = np.log(b)
            r = bp / b
            nu_l = (1.0 / lb - 1.0 / lnbeta[active]) * b * lb * lb / bp
            hl = h2 - r * (1.0 + 2.0 / lb)
            nu = np.where(la, nu_l, nu_h)
            hx = np.where(la, hl, hh)
            halley = np.isfinite(nu) & (np.abs(0.5 * nu * hx) < 0.5)
            step = np.where(halley, nu / (1.0 + 0.5 * nu * hx), nu)
            new = sa + step
        la_, ha_ = lo[active], hi[active]
        # Halley converges cubically, Newton quadratically: a step this small leaves an
        # error of order its cube (its square) relative to s, below 1e-15
        rel = np.abs(step) / sa
        done = np.isfinite(new) & ((rel <= 1e-8) | (halley & (rel <= 1e-5)))
        outside = ~done & (~np.isfinite(new) | (new <= la_) | (new >= ha_))
        bis = np.where(np.isfinite(ha_), 0.5 * (la_ + ha_), 2.0 * np.maximum(sa, la_))
        new = np.where(outside, bis, new)
        s[active] = new
        done |= np.isfinite(ha_) & ((ha_ - la_) <= 4e-16 * ha_)
        active = active[~done]
        if active.size == 0:
            break
    return s


def implied_vol(price, spot, strike, t, r, q=0.0, kind="call", lo=1e-6, hi=MAX_DECIMAL_VOL,
                *, errors="raise"):
    """Black-Scholes implied volatility (decimal), vectorized over numpy arrays.

    Each price is normalized to an undiscounted out-of-the-money Black price
    ``b = Q / sqrt(F K)`` at log-moneyness ``x = -|ln(F/K)|`` (an in-the-money option by
    put-call parity), then solved for total volatility ``s = sigma sqrt(T)`` by Jaeckel's
    "By Implication" scheme: rational/asymptotic initial guesses on either side of the
    inflection point ``sqrt(2|x|)`` and Halley steps on ``1/ln b`` (low prices) or ``b``
    (high prices), each kept inside a bracket. There is no Python loop per option; the
    result is accurate to about 1e-12 in volatility for ``|x|`` up to several standard
    deviations and maturities from a day to years.

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
        raise ValueError(f"hi must be at most {MAX_DECIMAL_VOL:g} (a decimal: 5 is 500 vol points), got {hi_:g}")
    if price is None:
        raise ValueError("price is None: pass a number or an array of prices")
    if isinstance(price, (bool, np.bool_)) or np.asarray(price).dtype == bool:
        raise TypeError("price holds booleans: pass prices")
    p = np.asarray(price, dtype=float) if np.asarray(price).dtype.kind in "iuf" else None
    if p is None:
        try:
            p = np.asarray(price, dtype=float)
        except (TypeError, ValueError):
            raise TypeError(f"price must be numeric, got {type(price).__name__}") from None
    if p.size == 0:
        raise ValueError("price is empty")
    s, k, tt, rr, qq = _market(spot, strike, t, r, q)
    p, s, k, tt, rr, qq = _broadcast(("price", "spot", "strike", "t", "r", "q"), p, s, k, tt, rr, qq)
    shape = p.shape
    p, s, k, tt, rr, qq = (np.ravel(a) for a in (p, s, k, tt, rr, qq))
    fwd = s * np.exp((rr - qq) * tt)
    df = np.exp(-rr * tt)
    und = p / df
    intrinsic = np.maximum(fwd - k, 0.0) if kind == "call" else np.maximum(k - fwd, 0.0)
    otm = und - intrinsic
    # rounding only enters through the intrinsic value subtracted from an in-the-money price
    tol = np.where(intrinsic > 0, 8.0 * np.finfo(float).eps * (np.abs(und) + np.maximum(fwd, k)), 0.0)
    upper = np.minimum(fwd, k)
    finite = np.isfinite(und)
    at_bound = finite & (np.abs(otm) <= tol)
    bad = ~finite | (otm < -tol) | (otm >= upper)
    ok = ~(bad | at_bound)
    vol = np.zeros(p.shape)
    vol[bad] = np.nan
    if ok.any():
        x = -np.abs(np.log(fwd[ok] / k[ok]))
        beta = otm[ok] / np.sqrt(fwd[ok] * k[ok])
        vol[ok] = _solve_normalized(x, beta) / np.sqrt(tt[ok])
    out_of_range = ok & ((vol < lo_) | (vol > hi_))
    vol[out_of_range] = np.nan
    nbad = int(bad.sum() + out_of_range.sum())
    if nbad and errors == "raise":
        i = int(np.flatnonzero(bad | out_of_range)[0])
        where = "" if len(shape) == 0 else f" at index {tuple(int(j) for j in np.unravel_index(i, shape))}"
        lower_b, upper_b = df[i] * intrinsic[i], df[i] * (intrinsic[i] + upper[i])
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
        raise ValueError(f"{name}: infinite value in column {CHAIN_COLUMNS[int(np.flatnonzero(inf.any(0))[0])]!r}")
    neg = a < 0
    if neg.any():
        raise ValueError(f"{name}: negative value in column {CHAIN_COLUMNS[int(np.flatnonzero(neg.any(0))[0])]!r}")
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

    ``variance = strip_term - forward_term``; all variances are annualized decimals.
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
        _checks.finite(self.strip_term, "strip_term")
        _checks.nonnegative(self.forward_term, "forward_term")
        _checks.finite(self.variance, "variance")


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
    """
    t1 = _checks.positive(_scalar(t_near, "t_near"), "t_near")
    t2 = _checks.positive(_scalar(t_next, "t_next"), "t_next")
    if t2 <= t1:
        raise ValueError(f"t_next ({t2:g}) must be later than t_near ({t1:g})")
    v1 = _scalar(var_near, "var_near")
    v2 = _scalar(var_next, "var_next")
    if v1 < 0 or v2 < 0:
        raise ValueError(f"negative variance: var_near={v1:g}, var_next={v2:g}")
    n1, n2 = t1 * MINUTES_PER_YEAR, t2 * MINUTES_PER_YEAR
    nd = _checks.positive(_scalar(days, "days"), "days") * 1440.0
    w1 = (n2 - nd) / (n2 - n1)
    return (t1 * v1 * w1 + t2 * v2 * (1.0 - w1)) * MINUTES_PER_YEAR / nd


def cboe_vix(near, next, *, t_near, t_next, r_near, r_next, days=30):  # noqa: A002
    """The VIX index level, in vol points, from a near-term and a next-term chain.

    ``VIX = 100 * sqrt(interpolated 30-day variance)``; see :func:`cboe_variance` and
    :func:`interpolate_variance`. Times in years, rates continuously compounded decimals.
    """
    a1, a2 = _chain_array(near, "near"), _chain_array(next, "next")
    t1, r1 = _tr(t_near, r_near, "t_near", "r_near")
    t2, r2 = _tr(t_next, r_next, "t_next", "r_next")
    v1 = _variance(a1, t1, r1)
    v2 = _variance(a2, t2, r2)
    v = interpolate_variance(v1, t_near, v2, t_next, days=days)
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
        Number of strikes, at least 101.
    """
    f = _checks.positive(_scalar(forward, "forward"), "forward")
    tt = _checks.positive(_scalar(t, "t"), "t")
    lo_, hi_ = _scalar(lo, "lo"), _scalar(hi, "hi")
    if not 0 < lo_ < 1 < hi_:
        raise ValueError(f"need 0 < lo < 1 < hi (multiples of the forward), got lo={lo_:g}, hi={hi_:g}")
    if isinstance(n_strikes, bool) or not isinstance(n_strikes, (int, np.integer)) or n_strikes < 101:
        raise ValueError(f"n_strikes must be an integer of at least 101, got {n_strikes!r}")
    k = np.linspace(lo_ * f, hi_ * f, int(n_strikes))
    k = np.union1d(k, [f])
    vols = skew_smile(k, f, atm_vol, skew, moneyness=moneyness)
    otm = np.where(k < f, bs_price(f, k, tt, 0.0, vols, 0.0, "put"), bs_price(f, k, tt, 0.0, vols, 0.0, "call"))
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
