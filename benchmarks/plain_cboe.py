"""A plain numpy implementation of the Cboe VIX method, for comparison with ``vrp_lib.implied.cboe_vix``.

Independent of vrp_lib (only numpy), written straight from the Cboe VIX white paper, with no input
checks: the forward from put-call parity at the strike where the call and put mids are closest,
K0 the first strike at or below it, out-of-the-money puts below K0 and calls above (walking outward,
skipping zero bids, stopping after two consecutive zero bids), the put/call average at K0, Delta K
half the distance between neighbours (the full distance at the ends), each term's variance
``2/T sum Delta K / K^2 e^{RT} Q(K) - (F/K0 - 1)^2 / T``, and the constant-maturity interpolation
in minutes. On the white paper's board ``cboe_vix(near, next, ...)`` gives 13.69 (13.6858...).
Not part of the library: ``benchmarks`` compares its speed with ``cboe_vix``.
"""

import numpy as np


def term_variance(chain, t, r):
    """Annualized variance (decimal) of one expiry: ``chain`` a DataFrame with columns
    strike, call_bid, call_ask, put_bid, put_ask (sorted by strike), ``t`` in years, ``r`` a rate."""
    k = chain["strike"].to_numpy(dtype=float)
    cb, ca = chain["call_bid"].to_numpy(dtype=float), chain["call_ask"].to_numpy(dtype=float)
    pb, pa = chain["put_bid"].to_numpy(dtype=float), chain["put_ask"].to_numpy(dtype=float)
    call, put = 0.5 * (cb + ca), 0.5 * (pb + pa)
    growth = np.exp(r * t)
    both = (cb > 0) & (pb > 0)
    i = np.argmin(np.where(both, np.abs(call - put), np.inf))
    fwd = k[i] + growth * (call[i] - put[i])
    i0 = np.searchsorted(k, fwd, side="right") - 1
    keep = np.zeros(k.size, dtype=bool)
    keep[i0] = True
    for step, bids in ((-1, pb), (1, cb)):
        zeros = 0
        j = i0 + step
        while 0 <= j < k.size:
            if bids[j] == 0:
                zeros += 1
                if zeros == 2:
                    break
            else:
                zeros = 0
                keep[j] = True
            j += step
    q = np.where(k < k[i0], put, call)
    q[i0] = 0.5 * (call[i0] + put[i0])
    ks, qs = k[keep], q[keep]
    dk = np.empty_like(ks)
    dk[1:-1] = 0.5 * (ks[2:] - ks[:-2])
    dk[0], dk[-1] = ks[1] - ks[0], ks[-1] - ks[-2]
    return 2.0 / t * np.sum(dk / ks**2 * growth * qs) - (fwd / k[i0] - 1.0) ** 2 / t


def cboe_vix(near, next, *, t_near, t_next, r_near, r_next, days=30):  # noqa: A002
    """The index level (vol points) from the near- and next-term chains, as ``implied.cboe_vix``."""
    v1 = term_variance(near, t_near, r_near)
    v2 = term_variance(next, t_next, r_next)
    n1, n2, nd, n365 = t_near * 525_600, t_next * 525_600, days * 1_440, 525_600
    w = (n2 - nd) / (n2 - n1)
    return 100.0 * np.sqrt((t_near * v1 * w + t_next * v2 * (1.0 - w)) * n365 / nd)
