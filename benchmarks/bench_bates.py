"""Bates option prices: vrp_lib's COS method against its quadrature and QuantLib's BatesEngine.

Run ``python benchmarks/bench_bates.py`` in a venv with the pinned peer from
``benchmarks/requirements-bench.txt`` (``QuantLib==1.44``); the library benchmark
(``benchmarks/bench_lib.py``) imports :func:`run`.

Each task prices European calls on 81 strikes (60 to 140, spot 100) under
``models.RISK_NEUTRAL`` with the spot variance at ``models.PHYSICAL.theta``, a rate of 2 % and
a dividend yield of 1 %. Times are the median CPU time (``time.process_time``, as in
``bench_lib.py``: steadier than wall time on a shared machine) of ``repeat`` runs of the whole
81-strike call, so they include input checks and set-up: for QuantLib,
building the process, model, engine and one ``VanillaOption`` per strike, then ``NPV()``.
``ratio`` is ``ours_s / peer_s`` (below 1: ours is faster). ``max_abs_err`` is the largest
absolute price difference between the two, in currency units per 100 of spot.
"""

from __future__ import annotations

import time

import numpy as np

from vrp_lib import models

__all__ = ["STRIKES", "quantlib_bates_calls", "run"]

STRIKES = np.linspace(60.0, 140.0, 81)
SPOT, RATE, DIVIDEND = 100.0, 0.02, 0.01
MATURITIES_DAYS = (30, 365)


def _best_time(fn, repeat: int) -> tuple[float, np.ndarray]:
    """Median CPU time (``time.process_time``) of ``repeat`` calls after one warm-up call."""
    out = fn()
    times = []
    for _ in range(repeat):
        t0 = time.process_time()
        out = fn()
        times.append(time.process_time() - t0)
    return float(np.median(times)), np.asarray(out, dtype=float)


def quantlib_bates_calls(params, spot, strikes, days, v0, r, q, rel_tolerance=None):
    """Call prices from QuantLib's ``BatesEngine`` (maturity ``days`` calendar days, Actual/365).

    With ``rel_tolerance=None`` the engine's default (Gauss-Laguerre quadrature of order 144);
    otherwise its adaptive integration to that relative tolerance (at most 100,000
    evaluations), slower but accurate to about 1e-10 here.

    QuantLib's Bates process has the same parametrization as :class:`vrp_lib.models.BatesParams`
    (``nu`` and ``delta`` are the mean and standard deviation of the log jump size, and the
    drift is compensated by ``lambda (e^{nu + delta^2 / 2} - 1)``).
    """
    import QuantLib as ql

    today = ql.Date(2, 1, 2024)
    ql.Settings.instance().evaluationDate = today
    dc = ql.Actual365Fixed()
    maturity = today + int(days)
    rts = ql.YieldTermStructureHandle(ql.FlatForward(today, r, dc, ql.Continuous))
    dts = ql.YieldTermStructureHandle(ql.FlatForward(today, q, dc, ql.Continuous))
    s0 = ql.QuoteHandle(ql.SimpleQuote(spot))
    process = ql.BatesProcess(rts, dts, s0, v0, params.kappa, params.theta, params.xi, params.rho,
                              params.lam, params.mu_j, params.sigma_j)
    model = ql.BatesModel(process)
    engine = (ql.BatesEngine(model) if rel_tolerance is None
              else ql.BatesEngine(model, float(rel_tolerance), 100_000))
    exercise = ql.EuropeanExercise(maturity)
    out = np.empty(len(strikes))
    for i, k in enumerate(strikes):
        opt = ql.VanillaOption(ql.PlainVanillaPayoff(ql.Option.Call, float(k)), exercise)
        opt.setPricingEngine(engine)
        out[i] = opt.NPV()
    return out


def run(repeat: int = 20) -> list[dict]:
    """Time the three pricers on 81 strikes at 30 and 365 days; one dict per comparison.

    Returns
    -------
    list of dict
        Keys ``task``, ``ours_s``, ``peer``, ``peer_s``, ``ratio`` (ours_s / peer_s) and
        ``max_abs_err`` (largest absolute price difference, per 100 of spot).

    Raises
    ------
    ImportError
        If QuantLib is not installed (``pip install -r benchmarks/requirements-bench.txt``).
    """
    try:
        import QuantLib as ql
    except ImportError as exc:  # the peer is pinned outside the book's requirements
        raise ImportError(
            "bench_bates needs QuantLib==1.44: pip install -r benchmarks/requirements-bench.txt"
        ) from exc
    q_params, v0 = models.RISK_NEUTRAL, models.PHYSICAL.theta
    rows = []
    for days in MATURITIES_DAYS:
        t = days / 365.0
        cos_s, cos = _best_time(lambda: models.call_price(q_params, SPOT, STRIKES, t, v0, RATE, DIVIDEND),
                                repeat)
        quad_s, quad = _best_time(lambda: models.call_price(q_params, SPOT, STRIKES, t, v0, RATE, DIVIDEND,
                                                            method="quad"), repeat)
        ql_s, qlp = _best_time(lambda: quantlib_bates_calls(q_params, SPOT, STRIKES, days, v0, RATE,
                                                            DIVIDEND), max(3, repeat // 4))
        qla_s, qla = _best_time(lambda: quantlib_bates_calls(q_params, SPOT, STRIKES, days, v0, RATE,
                                                             DIVIDEND, rel_tolerance=1e-12), 2)
        peer = f"QuantLib {ql.__version__} BatesEngine"
        peer_a = f"QuantLib {ql.__version__} BatesEngine (adaptive, 1e-12)"
        base = f"Bates calls, 81 strikes, {days} days"
        rows.append({"task": f"{base}: COS", "ours_s": cos_s, "peer": peer, "peer_s": ql_s,
                     "ratio": cos_s / ql_s, "max_abs_err": float(np.max(np.abs(cos - qlp)))})
        rows.append({"task": f"{base}: COS", "ours_s": cos_s, "peer": peer_a, "peer_s": qla_s,
                     "ratio": cos_s / qla_s, "max_abs_err": float(np.max(np.abs(cos - qla)))})
        rows.append({"task": f"{base}: quadrature (4096 nodes)", "ours_s": quad_s, "peer": peer,
                     "peer_s": ql_s, "ratio": quad_s / ql_s,
                     "max_abs_err": float(np.max(np.abs(quad - qlp)))})
        rows.append({"task": f"{base}: COS vs quadrature", "ours_s": cos_s,
                     "peer": "vrp_lib quadrature (4096 nodes)", "peer_s": quad_s,
                     "ratio": cos_s / quad_s, "max_abs_err": float(np.max(np.abs(cos - quad)))})
    return rows


def _table(rows: list[dict]) -> str:
    head = f"| {'task':<58} | {'ours (ms)':>9} | {'peer':<52} | {'peer (ms)':>9} | {'ratio':>6} | {'max abs err':>11} |"
    sep = "|" + "|".join("-" * (len(c)) for c in head.split("|")[1:-1]) + "|"
    lines = [head, sep]
    for r in rows:
        lines.append(f"| {r['task']:<58} | {1e3 * r['ours_s']:>9.3f} | {r['peer']:<52} | "
                     f"{1e3 * r['peer_s']:>9.3f} | {r['ratio']:>6.3f} | {r['max_abs_err']:>11.2e} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(_table(run()))
