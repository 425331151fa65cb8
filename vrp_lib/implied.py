"""Implied measures: Black-Scholes prices, implied-volatility inversion, the Cboe VIX method.

Units
-----
This module works in the option-pricing convention: volatility ``sigma`` is a **decimal**
(0.18, not 18), time ``t`` is in **years**, rates are continuously compounded decimals.
:func:`cboe_variance` returns an annualized variance as a decimal, as the Cboe white paper
writes it; :func:`cboe_vix` returns the index level in vol points, as it is quoted.
Multiply a decimal volatility by 100 for vol points.

A *chain* is a DataFrame with columns ``strike, call_bid, call_ask, put_bid, put_ask``,
one row per strike, strikes sorted and unique.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import brentq
from scipy.special import ndtr

from . import _checks
from .swaps import fair_variance, strike_spacing

MINUTES_PER_YEAR = 525_600
CHAIN_COLUMNS = ("strike", "call_bid", "call_ask", "put_bid", "put_ask")


# --------------------------------------------------------------------------- Black-Scholes

def _bs_inputs(spot, strike, t, r, sigma, q):
    s = np.asarray(spot, dtype=float)
    k = np.asarray(strike, dtype=float)
    tt = np.asarray(t, dtype=float)
    v = np.asarray(sigma, dtype=float)
    for name, a in (("spot", s), ("strike", k), ("t", tt)):
        if np.isnan(a).any() or (a <= 0).any():
            raise ValueError(f"{name} must be positive, got {a[np.isnan(a) | (a <= 0)].flat[0]}")
    if np.isnan(v).any() or (v < 0).any():
        raise ValueError("sigma must be a non-negative decimal volatility (0.2 for 20 %)")
    return s, k, tt, np.asarray(r, dtype=float), v, np.asarray(q, dtype=float)


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
        Volatility as a decimal (0.2 for 20 vol points).
    kind : {"call", "put"}

    Returns
    -------
    float or numpy.ndarray
        Option price in the currency of ``spot``.
    """
    if kind not in ("call", "put"):
        raise ValueError(f"kind must be 'call' or 'put', got {kind!r}")
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
    below the strike (minus ``e^{-qT}`` for a put).
    """
    if kind not in ("call", "put"):
        raise ValueError(f"kind must be 'call' or 'put', got {kind!r}")
    s, k, tt, rr, v, qq = _bs_inputs(spot, strike, t, r, sigma, q)
    fwd = s * np.exp((rr - qq) * tt)
    sd = v * np.sqrt(tt)
    with np.errstate(divide="ignore", invalid="ignore"):
        d1 = (np.log(fwd / k) + 0.5 * sd**2) / sd
    nd1 = np.where(sd > 0, ndtr(np.where(sd > 0, d1, 0.0)), np.where(fwd > k, 1.0, np.where(fwd < k, 0.0, 0.5)))
    out = np.exp(-qq * tt) * (nd1 if kind == "call" else nd1 - 1.0)
    return float(out) if np.ndim(out) == 0 else out


def bs_vega(spot, strike, t, r, sigma, q=0.0):
    """Black-Scholes vega: price change per unit (1.00 = 100 vol points) of ``sigma``.

    Divide by 100 for the price change per vol point.
    """
    s, k, tt, rr, v, qq = _bs_inputs(spot, strike, t, r, sigma, q)
    sd = np.maximum(v * np.sqrt(tt), 1e-300)
    d1 = (np.log(s / k) + (rr - qq + 0.5 * v**2) * tt) / sd
    out = s * np.exp(-qq * tt) * np.exp(-0.5 * d1**2) / np.sqrt(2 * np.pi) * np.sqrt(tt)
    return float(out) if np.ndim(out) == 0 else out


def implied_vol(price, spot, strike, t, r, q=0.0, kind="call", lo=1e-6, hi=10.0):
    """Black-Scholes implied volatility (decimal), by bracketed root finding.

    Brent's method on ``[lo, hi]`` always converges when the price lies inside the
    no-arbitrage bounds; outside them no volatility exists and a ``ValueError`` says so.

    Parameters
    ----------
    price : float or array
        Observed option prices.
    spot, strike, t, r, q, kind
        As in :func:`bs_price` (scalars or arrays broadcast against ``price``).

    Returns
    -------
    float or numpy.ndarray
        Implied volatility as a decimal.
    """
    if kind not in ("call", "put"):
        raise ValueError(f"kind must be 'call' or 'put', got {kind!r}")
    arrays = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (price, spot, strike, t, r, q)))
    out = np.empty(arrays[0].shape)
    for idx in np.ndindex(out.shape):
        p, s, k, tt, rr, qq = (a[idx] for a in arrays)
        _bs_inputs(s, k, tt, rr, 0.0, qq)
        fwd, df = s * np.exp((rr - qq) * tt), np.exp(-rr * tt)
        intrinsic = df * max(fwd - k, 0.0) if kind == "call" else df * max(k - fwd, 0.0)
        upper = s * np.exp(-qq * tt) if kind == "call" else k * df
        if not np.isfinite(p) or p <= intrinsic or p >= upper:
            raise ValueError(
                f"price {p:g} for the {kind} struck at {k:g} lies outside the no-arbitrage "
                f"bounds ({intrinsic:.6g}, {upper:.6g}): no implied volatility exists"
            )

        def f(v):
            return bs_price(s, k, tt, rr, v, qq, kind) - p

        if f(hi) < 0:
            raise ValueError(f"price {p:g} needs a volatility above {hi:g}")
        out[idx] = brentq(f, lo, hi, xtol=1e-12, rtol=1e-12, maxiter=200) if f(lo) < 0 else lo
    return float(out) if out.ndim == 0 else out


# --------------------------------------------------------------------------- Cboe VIX method

def check_chain(chain) -> pd.DataFrame:
    """Validate an option chain and return it with a fresh integer index.

    Raises
    ------
    ValueError
        Missing columns, NaN or negative quotes, unsorted or duplicate strikes, an ask
        below its bid.
    """
    if not isinstance(chain, pd.DataFrame):
        raise ValueError(f"chain: expected a DataFrame, got {type(chain).__name__}")
    missing = [c for c in CHAIN_COLUMNS if c not in chain.columns]
    if missing:
        raise ValueError(f"chain: missing column(s) {missing}; need {list(CHAIN_COLUMNS)}")
    c = chain.loc[:, list(CHAIN_COLUMNS)].astype(float).reset_index(drop=True)
    if len(c) < 3:
        raise ValueError("chain: need at least three strikes")
    if c.isna().any().any():
        col = c.columns[c.isna().any()][0]
        raise ValueError(f"chain: NaN in column {col!r}")
    if (c < 0).any().any():
        col = c.columns[(c < 0).any()][0]
        raise ValueError(f"chain: negative value in column {col!r}")
    strike_spacing(c["strike"].to_numpy())  # raises on unsorted or duplicate strikes
    for side in ("call", "put"):
        bad = c[f"{side}_ask"] < c[f"{side}_bid"]
        if bad.any():
            k = c.loc[bad, "strike"].iloc[0]
            raise ValueError(f"chain: {side} ask below bid at strike {k:g}")
    return c


def cboe_forward(chain, *, t, r):
    """Forward index level from put-call parity, as the Cboe method sets it.

    At the strike where the call and put mid-quotes are closest (among strikes where
    both have a bid), ``F = K + e^{rT} (C - P)``.

    Returns
    -------
    (float, float)
        The forward F and the strike used.
    """
    c = check_chain(chain)
    tt = _checks.positive(t, "t")
    rr = _checks.finite(r, "r")
    both = (c["call_bid"] > 0) & (c["put_bid"] > 0)
    if not both.any():
        raise ValueError("chain: no strike has both a call and a put bid; cannot set the forward")
    cm = 0.5 * (c["call_bid"] + c["call_ask"])
    pm = 0.5 * (c["put_bid"] + c["put_ask"])
    diff = (cm - pm).abs().where(both)
    i = int(diff.idxmin())
    k = float(c.loc[i, "strike"])
    return k + np.exp(rr * tt) * float(cm[i] - pm[i]), k


def _wing(strikes, bids, mids, order):
    """Walk away from K0 in ``order``; skip zero bids; stop after two consecutive ones."""
    keep, zeros = [], 0
    for i in order:
        if bids[i] == 0:
            zeros += 1
            if zeros == 2:
                break
            continue
        zeros = 0
        keep.append(i)
    return keep


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
    c = check_chain(chain)
    tt = _checks.positive(t, "t")
    rr = _checks.finite(r, "r")
    f, _ = cboe_forward(c, t=tt, r=rr)
    k = c["strike"].to_numpy()
    if f < k[0]:
        raise ValueError(f"forward {f:g} lies below every strike in the chain")
    i0 = int(np.searchsorted(k, f, side="right") - 1)
    cm = 0.5 * (c["call_bid"] + c["call_ask"]).to_numpy()
    pm = 0.5 * (c["put_bid"] + c["put_ask"]).to_numpy()
    puts = _wing(k, c["put_bid"].to_numpy(), pm, range(i0 - 1, -1, -1))
    calls = _wing(k, c["call_bid"].to_numpy(), cm, range(i0 + 1, len(k)))
    idx = sorted(puts) + [i0] + calls
    option = ["put"] * len(puts) + ["put/call average"] + ["call"] * len(calls)
    mid = np.concatenate([pm[sorted(puts)], [0.5 * (pm[i0] + cm[i0])], cm[calls]])
    strikes = k[idx]
    dk = strike_spacing(strikes)
    strip = pd.DataFrame(
        {
            "strike": strikes,
            "option": option,
            "mid": mid,
            "delta_k": dk,
            "contribution": dk / strikes**2 * np.exp(rr * tt) * mid,
        }
    )
    strip.attrs.update(forward=f, k0=float(k[i0]))
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


def cboe_term(chain, *, t, r) -> CboeTerm:
    """Run the Cboe method on one expiry and keep every intermediate number."""
    tt = _checks.positive(t, "t")
    rr = _checks.finite(r, "r")
    strip = cboe_strip(chain, t=tt, r=rr)
    f, k0 = strip.attrs["forward"], strip.attrs["k0"]
    var = fair_variance(strip["strike"], strip["mid"], f, tt, rr, k0=k0)
    forward_term = (f / k0 - 1.0) ** 2 / tt
    return CboeTerm(tt, rr, f, k0, strip, var + forward_term, forward_term, var)


def cboe_variance(chain, *, t, r, detail=False):
    """Annualized variance of one expiry by the Cboe VIX method, as a decimal.

    ``sigma^2 = 2/T sum_i Delta K_i / K_i^2 e^{RT} Q(K_i) - 1/T (F/K0 - 1)^2``

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
    term = cboe_term(chain, t=t, r=r)
    return term if detail else term.variance


def interpolate_variance(var_near, t_near, var_next, t_next, days=30):
    """Constant-maturity variance by the Cboe rule (decimal, annualized).

    ``[T1 s1^2 (N_T2 - N_d)/(N_T2 - N_T1) + T2 s2^2 (N_d - N_T1)/(N_T2 - N_T1)] * N_365/N_d``

    with N counted in minutes (``N_T = T * 525,600``) and ``N_d = days * 1,440``. The
    weights are linear in total variance, so variance is interpolated, not volatility.
    """
    t1 = _checks.positive(t_near, "t_near")
    t2 = _checks.positive(t_next, "t_next")
    if t2 <= t1:
        raise ValueError(f"t_next ({t2:g}) must be later than t_near ({t1:g})")
    v1 = _checks.finite(var_near, "var_near")
    v2 = _checks.finite(var_next, "var_next")
    if v1 < 0 or v2 < 0:
        raise ValueError(f"negative variance: var_near={v1:g}, var_next={v2:g}")
    n1, n2 = t1 * MINUTES_PER_YEAR, t2 * MINUTES_PER_YEAR
    nd = _checks.positive(days, "days") * 1440.0
    w1 = (n2 - nd) / (n2 - n1)
    return (t1 * v1 * w1 + t2 * v2 * (1.0 - w1)) * MINUTES_PER_YEAR / nd


def cboe_vix(near, next, *, t_near, t_next, r_near, r_next, days=30):  # noqa: A002
    """The VIX index level, in vol points, from a near-term and a next-term chain.

    ``VIX = 100 * sqrt(interpolated 30-day variance)``; see :func:`cboe_variance` and
    :func:`interpolate_variance`.
    """
    v1 = cboe_variance(near, t=t_near, r=r_near)
    v2 = cboe_variance(next, t=t_next, r=r_next)
    v = interpolate_variance(v1, t_near, v2, t_next, days=days)
    if v < 0:
        raise ValueError(f"interpolated variance is negative ({v:g}): check the chains")
    return 100.0 * float(np.sqrt(v))


# --------------------------------------------------------------------------- model chains

def skew_smile(strikes, forward, atm_vol, skew, floor=0.01):
    """A simple smile: ``sigma(K) = atm_vol - skew * ln(K / F)``, floored at ``floor``.

    A stylized equity skew (implied volatility falling with the strike), for illustrations
    and tests; not fitted to any market. Decimals.

    Parameters
    ----------
    strikes : array
        Positive strikes.
    forward : float
        Forward price F.
    atm_vol : float
        At-the-money-forward volatility, decimal.
    skew : float
        Volatility decrease per unit of log-moneyness (0.1 means 1 vol point less for a
        strike 10 % above the forward).
    """
    k = np.asarray(strikes, dtype=float)
    if np.isnan(k).any() or (k <= 0).any():
        raise ValueError("strikes must be positive")
    f = _checks.positive(forward, "forward")
    a = _checks.positive(atm_vol, "atm_vol")
    return np.maximum(a - _checks.finite(skew, "skew") * np.log(k / f), floor)


def bs_chain(spot, strikes, t, r, vols, q=0.0, half_spread=0.0):
    """An option chain priced by Black-Scholes at per-strike volatilities.

    Every option's mid is its Black-Scholes price at ``vols`` (scalar or one per strike);
    bid and ask sit ``half_spread`` (currency) either side, bids floored at zero. The result
    has the columns of a Cboe-method chain, so :func:`cboe_variance` can run on it.

    Returns
    -------
    pandas.DataFrame
        ``strike, call_bid, call_ask, put_bid, put_ask``.
    """
    k = np.asarray(strikes, dtype=float)
    strike_spacing(k)  # sorted, unique
    h = _checks.finite(half_spread, "half_spread")
    if h < 0:
        raise ValueError(f"half_spread must be non-negative, got {half_spread!r}")
    c = np.broadcast_to(bs_price(spot, k, t, r, vols, q, "call"), k.shape)
    p = np.broadcast_to(bs_price(spot, k, t, r, vols, q, "put"), k.shape)
    return pd.DataFrame(
        {"strike": k, "call_bid": np.maximum(c - h, 0.0), "call_ask": c + h,
         "put_bid": np.maximum(p - h, 0.0), "put_ask": p + h}
    )
