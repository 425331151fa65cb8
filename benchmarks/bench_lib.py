"""Library benchmark: vrp_lib against peer libraries, side by side, in one run.

Run with the benchmark venv (peers stay out of requirements.txt):

    python3.11 -m venv /tmp/benchvenv
    /tmp/benchvenv/bin/pip install -r requirements.txt -r benchmarks/requirements-bench.txt
    /tmp/benchvenv/bin/pip install --no-deps -e .
    /tmp/benchvenv/bin/python benchmarks/bench_lib.py

It writes ``benchmarks/results_lib.md``. Every time is the median of several repeats
(CPU time of the process, ``time.process_time``: the timed code is single-threaded). Tasks:

* implied volatility of 100,000 options (maturities 1 day to 5 years, moneyness up to 3
  standard deviations): ``vrp_lib.implied.implied_vol`` against ``lbriv`` (a Cython port
  of Jaeckel's "Let's Be Rational"; undiscounted Black prices with T = 1, so it returns the
  total volatility ``sigma sqrt(T)``: prices are undiscounted and divided by the strike
  first, then the result divided by ``sqrt(T)``);
* one vectorized ``bs_price`` call on the same arrays (the target: implied vol in at most
  20 times this);
* ``cboe_vix`` on the Cboe white paper's board, against the previous implementation
  (git 5eb25af, pandas, loaded from the repository's history);
* variance replication on Demeterfi et al.'s case against QuantLib's
  ``ReplicatingVarianceSwapEngine`` (QuantLib's test value 0.0418885742);
* ``cboe_vix`` against a plain numpy version of the same method (``benchmarks/plain_cboe.py``,
  no input checks);
* forward realized volatility of 8,000 days against a plain numpy cumulative sum;
* ``import vrp_lib`` in a fresh interpreter (wall time, median of 5), and whether it imports
  ``matplotlib.pyplot``;
* Bates prices: the rows of ``benchmarks/bench_bates.py``'s ``run()`` if that file exists.

The targets of issue 18 are checked at the end ("Targets" table): implied vol at most 1.5x
lbriv's C loop; ``cboe_vix`` no slower than the plain numpy version; forward realized vol at
most 2x the numpy cumulative sum; the replication no slower than QuantLib's build-and-price;
no pyplot on import.

Not part of the test suite: timings depend on the machine.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import importlib.metadata as md

import numpy as np

from vrp_lib import data, implied, realized, swaps

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "results_lib.md"
REPEAT = 7
OLD_COMMIT = "5eb25af"   # vrp_lib before the vectorized implied vol and Cboe method
LOAD = "unknown"


def median_time(fn, repeat=REPEAT, number=1):
    """Median over ``repeat`` runs of the CPU time of ``number`` calls, per call (seconds).

    CPU time of this process (``time.process_time``): every timed call is single-threaded,
    so other jobs sharing the two cores do not inflate it the way they inflate wall time.
    """
    fn()   # warm-up
    times = []
    for _ in range(repeat):
        t0 = time.process_time()
        for _ in range(number):
            fn()
        times.append((time.process_time() - t0) / number)
    return statistics.median(times)


def _version(dist):
    try:
        return md.version(dist)
    except md.PackageNotFoundError:
        return "?"


def option_grid(n=100_000, seed=0):
    """Maturities 1 day to 5 years (log-uniform), vols 5-100 %, |z| <= 3 standard deviations."""
    rng = np.random.default_rng(seed)
    t = np.exp(rng.uniform(np.log(1 / 365), np.log(5.0), n))
    vol = rng.uniform(0.05, 1.0, n)
    z = rng.uniform(-3.0, 3.0, n)
    r, q, spot = 0.03, 0.01, 100.0
    strike = spot * np.exp((r - q) * t) * np.exp(z * vol * np.sqrt(t))
    return dict(spot=spot, strike=strike, t=t, r=r, q=q, vol=vol)


def old_vrp_lib():
    """The library as of OLD_COMMIT, imported from git history as package ``vrp_old``."""
    tmp = Path(tempfile.mkdtemp(prefix="vrp_old_"))
    pkg = tmp / "vrp_old"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    for mod in ("_checks", "swaps", "implied"):
        src = subprocess.run(["git", "-C", str(ROOT), "show", f"{OLD_COMMIT}:vrp_lib/{mod}.py"],
                             check=True, capture_output=True, text=True).stdout
        (pkg / f"{mod}.py").write_text(src)
    sys.path.insert(0, str(tmp))
    return importlib.import_module("vrp_old.implied")


def bench_implied_vol(rows):
    import lbriv

    g = option_grid()
    s, k, t, r, q, vol = g["spot"], g["strike"], g["t"], g["r"], g["q"], g["vol"]
    price = implied.bs_price(s, k, t, r, vol, q, "call")
    bs_s = median_time(lambda: implied.bs_price(s, k, t, r, vol, q, "call"))
    ours_s = median_time(lambda: implied.implied_vol(price, s, k, t, r, q, "call"))
    ours = implied.implied_vol(price, s, k, t, r, q, "call")

    # lbriv: undiscounted Black at T = 1; divide by the strike so one call covers every option
    fwd = s * np.exp((r - q) * t)
    und = price * np.exp(r * t)
    p_over_k = np.ascontiguousarray(und / k)
    f_over_k = np.ascontiguousarray(fwd / k)

    def lbr_vec():
        return lbriv.vectorized_implied_vol(p_over_k, f_over_k, 1.0, 1)

    def lbr_loop():
        f = lbriv.implied_vol
        return [f(p, ff, kk, 1) for p, ff, kk in zip(und.tolist(), fwd.tolist(), k.tolist())]

    peer_s = median_time(lbr_vec)
    loop_s = median_time(lbr_loop, repeat=3)
    peer = np.asarray(lbr_vec()) / np.sqrt(t)
    n = len(k)
    rows.append(dict(task=f"implied vol, {n:,} options (1 day to 5 years, up to 3 standard deviations from the money)",
                     ours_s=ours_s, peer=f"lbriv {_version('lbriv')}, C loop (Let's Be Rational)",
                     peer_s=peer_s, target=1.5,
                     max_abs_err=float(np.max(np.abs(ours - vol))),
                     peer_err=float(np.max(np.abs(peer - vol)))))
    rows.append(dict(task=f"implied vol, {n:,} options", ours_s=ours_s,
                     peer=f"lbriv {_version('lbriv')}, Python loop over lbriv.implied_vol", peer_s=loop_s,
                     max_abs_err=float(np.max(np.abs(ours - vol))),
                     peer_err=float(np.max(np.abs(np.asarray(lbr_loop()) / np.sqrt(t) - vol)))))
    rows.append(dict(task=f"one bs_price call on the same {n:,} options (target: implied vol "
                          f"<= 20x this)", ours_s=ours_s, peer="vrp_lib bs_price", peer_s=bs_s,
                     max_abs_err=None, peer_err=None, note="ratio = implied vol / bs_price"))
    # the previous implementation (Brent per option), timed on 1,000 options and scaled
    old = old_vrp_lib()
    m = 1_000
    old_s = median_time(lambda: old.implied_vol(price[:m], s, k[:m], t[:m], r, q, "call"), repeat=3)
    rows.append(dict(task=f"implied vol, {n:,} options", ours_s=ours_s,
                     peer=f"vrp_lib {OLD_COMMIT} (Brent per option; {m:,} timed, scaled)",
                     peer_s=old_s * n / m, max_abs_err=None, peer_err=None))
    return old


def bench_cboe(rows, old):
    near = data.load_cboe_whitepaper_quotes("near")
    nxt = data.load_cboe_whitepaper_quotes("next")
    kw = dict(t_near=35_924 / 525_600, t_next=46_394 / 525_600, r_near=0.000305, r_next=0.000286)
    ours_s = median_time(lambda: implied.cboe_vix(near, nxt, **kw), number=50)
    old_s = median_time(lambda: old.cboe_vix(near, nxt, **kw), number=10)
    ours = implied.cboe_vix(near, nxt, **kw)
    rows.append(dict(task="cboe_vix, white-paper board (published 13.69)", ours_s=ours_s,
                     peer=f"vrp_lib {OLD_COMMIT} (pandas)", peer_s=old_s,
                     max_abs_err=abs(round(ours, 2) - 13.69),
                     peer_err=abs(round(old.cboe_vix(near, nxt, **kw), 2) - 13.69)))
    path = ROOT / "benchmarks" / "plain_cboe.py"
    if not path.exists():
        print("benchmarks/plain_cboe.py is not there: the plain numpy row is skipped")
        return
    spec = importlib.util.spec_from_file_location("plain_cboe", path)
    plain = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(plain)
    plain_s = median_time(lambda: plain.cboe_vix(near, nxt, **kw), number=50)
    rows.append(dict(task="cboe_vix, white-paper board", ours_s=ours_s,
                     peer="plain numpy, same method, no input checks (benchmarks/plain_cboe.py)",
                     peer_s=plain_s, target=1.0, max_abs_err=abs(round(ours, 2) - 13.69),
                     peer_err=abs(round(plain.cboe_vix(near, nxt, **kw), 2) - 13.69)))


def plain_forward_vol(prices, window=21, annualization=252.0):
    """Forward realized vol with a numpy cumulative sum of squared log returns (no checks).

    Same input and output as ``realized.forward_realized_vol``: a dated Series in, a dated
    Series out (NaN where fewer than ``window`` returns lie ahead).
    """
    import pandas as pd

    close = prices.to_numpy(dtype=float)
    r2 = np.diff(np.log(close)) ** 2
    c = np.concatenate(([0.0], np.cumsum(r2)))
    out = np.full(close.size, np.nan)
    n = close.size - window
    out[:n] = 100.0 * np.sqrt(annualization / window * (c[window: window + n] - c[:n]))
    return pd.Series(out, index=prices.index, name="rv")


def bench_forward_vol(rows):
    spx = data.load_spx()["close"].iloc[-8_000:]
    close = spx.to_numpy()
    ours_s = median_time(lambda: realized.forward_realized_vol(spx, 21), number=20)
    plain_s = median_time(lambda: plain_forward_vol(spx, 21), number=20)
    ours = realized.forward_realized_vol(spx, 21).to_numpy()
    plain = plain_forward_vol(spx, 21).to_numpy()
    both = ~np.isnan(ours) & ~np.isnan(plain)
    rows.append(dict(task=f"forward 21-day realized vol, {close.size:,} days of S&P 500 closes", ours_s=ours_s,
                     peer="plain numpy cumulative sum (no checks)", peer_s=plain_s, target=2.0,
                     max_abs_err=float(np.max(np.abs(ours[both] - plain[both]))), peer_err=None,
                     note="error column: |vrp_lib - plain numpy| in vol points"))


def bench_import(rows):
    code = "import vrp_lib, sys; print('matplotlib.pyplot' in sys.modules)"
    walls, pyplot = [], None
    for _ in range(5):
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        walls.append(time.perf_counter() - t0)
        pyplot = out.stdout.strip() == "True"
    base = []
    for _ in range(5):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import numpy, pandas, scipy.stats"], check=True)
        base.append(time.perf_counter() - t0)
    rows.append(dict(task="import vrp_lib in a fresh interpreter (wall time, median of 5)",
                     ours_s=statistics.median(walls), peer="import numpy, pandas, scipy.stats",
                     peer_s=statistics.median(base), max_abs_err=None, peer_err=None,
                     note=f"matplotlib.pyplot imported by import vrp_lib: {'yes' if pyplot else 'no'}"))
    return pyplot


def bench_replication(rows):
    import QuantLib as ql

    kp = np.arange(50.0, 101.0, 5.0)
    kc = np.arange(100.0, 136.0, 5.0)
    vp = 0.30 - 0.01 * np.arange(kp.size)
    vc = 0.20 - 0.01 * np.arange(kc.size)
    s0, r, days = 100.0, 0.05, 90
    t = days / 365

    def ours():
        pp = implied.bs_price(s0, kp, t, r, vp, kind="put")
        pc = implied.bs_price(s0, kc, t, r, vc, kind="call")
        return swaps.piecewise_fair_variance(kp, pp, kc, pc, s0, t, r, dk=5.0)

    def quantlib():
        dc = ql.Actual365Fixed()
        today = ql.Date(1, 1, 2024)
        ql.Settings.instance().evaluationDate = today
        ex = today + days
        strikes = list(kp) + list(kc[1:])
        vols = ql.Matrix(len(strikes), 1)
        for i, v in enumerate(list(vp) + list(vc[1:])):
            vols[i][0] = float(v)
        surface = ql.BlackVarianceSurface(today, ql.NullCalendar(), [ex], strikes, vols, dc)
        process = ql.BlackScholesMertonProcess(
            ql.QuoteHandle(ql.SimpleQuote(s0)),
            ql.YieldTermStructureHandle(ql.FlatForward(today, 0.0, dc)),
            ql.YieldTermStructureHandle(ql.FlatForward(today, r, dc)),
            ql.BlackVolTermStructureHandle(surface))
        engine = ql.ReplicatingVarianceSwapEngine(process, 5.0, [float(x) for x in kc],
                                                  [float(x) for x in kp])
        swap = ql.VarianceSwap(ql.Position.Long, 0.04, 50_000.0, today, ex)
        swap.setPricingEngine(engine)
        return swap.variance()

    ours_s = median_time(ours, number=20)
    peer_s = median_time(quantlib, number=20)
    ql_value = quantlib()
    rows.append(dict(task="variance replication, Demeterfi et al. case (QuantLib test value "
                          "0.0418885742)", ours_s=ours_s,
                     peer=f"QuantLib {_version('QuantLib')} ReplicatingVarianceSwapEngine (build and price)",
                     peer_s=peer_s, target=1.0,
                     max_abs_err=abs(ours() - ql_value), peer_err=abs(ql_value - 0.0418885742),
                     note=f"ours {ours():.10f}, QuantLib {ql_value:.10f}"))


def bench_bates(rows):
    path = ROOT / "benchmarks" / "bench_bates.py"
    if not path.exists():
        print("benchmarks/bench_bates.py is not there yet: Bates prices skipped")
        return False
    spec = importlib.util.spec_from_file_location("bench_bates", path)
    mod = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(path.parent))
    spec.loader.exec_module(mod)
    for row in mod.run():
        rows.append(dict(task=row["task"], ours_s=row["ours_s"], peer=row["peer"], peer_s=row["peer_s"],
                         max_abs_err=row.get("max_abs_err"), peer_err=None))
    return True


def _fmt_s(x):
    if x >= 1:
        return f"{x:,.2f} s"
    if x >= 1e-3:
        return f"{x * 1e3:,.2f} ms"
    return f"{x * 1e6:,.1f} us"


def _fmt_err(x):
    return "" if x is None else f"{x:.1e}"


def machine():
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import scipy

    return (f"{os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}")


def write(rows, bates, pyplot=None):
    lines = [
        "# Library benchmark: vrp_lib against peers",
        "",
        "Written by `benchmarks/bench_lib.py` (do not edit by hand). Re-run with the benchmark venv:",
        "",
        "```bash",
        "python3.11 -m venv /tmp/benchvenv",
        "/tmp/benchvenv/bin/pip install -r requirements.txt -r benchmarks/requirements-bench.txt",
        "/tmp/benchvenv/bin/pip install --no-deps -e .",
        "/tmp/benchvenv/bin/python benchmarks/bench_lib.py",
        "```",
        "",
        f"Machine: {machine()}. Each time is the median of {REPEAT} repeats (3 for the Python loops "
        "and the old implementation) of the CPU time of the process (`time.process_time`; all timed "
        "code is single-threaded), so that other jobs on the two cores inflate it less than wall "
        f"time; load average when the run started: {LOAD}. Compare ratios within a row rather than "
        "times across runs.",
        "",
        "| task | vrp_lib | peer | peer time | vrp_lib / peer | vrp_lib max abs error | peer max abs error |",
        "| :--- | ---: | :--- | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        ratio = row["ours_s"] / row["peer_s"]
        shown = f"{ratio:,.2f}" if ratio >= 0.1 else f"1/{1 / ratio:,.0f}"
        lines.append(f"| {row['task']} | {_fmt_s(row['ours_s'])} | {row['peer']} | {_fmt_s(row['peer_s'])} | "
                     f"{shown} | {_fmt_err(row.get('max_abs_err'))} | {_fmt_err(row.get('peer_err'))} |")
    lines += [
        "",
        "Errors: implied vol rows, the largest |recovered - true| volatility (decimal) over the grid; "
        "cboe_vix, the distance of the rounded index from the published 13.69; replication, "
        "|vrp_lib - QuantLib| fair variance (and QuantLib against its own test value).",
        "",
    ]
    for row in rows:
        if row.get("note"):
            lines.append(f"- {row['task']}: {row['note']}.")
    targets = [row for row in rows if row.get("target")]
    if targets or pyplot is not None:
        lines += ["", "## Targets (issue 18)", "", "| task | peer | vrp_lib / peer | target | met |",
                  "| :--- | :--- | ---: | ---: | :--- |"]
        for row in targets:
            ratio = row["ours_s"] / row["peer_s"]
            lines.append(f"| {row['task']} | {row['peer']} | {ratio:.2f} | <= {row['target']:g} | "
                         f"{'yes' if ratio <= row['target'] else 'NO'} |")
        if pyplot is not None:
            lines.append(f"| import vrp_lib | | | no pyplot | {'NO' if pyplot else 'yes'} |")
    if bates:
        lines += ["", "Bates rows: as returned by `run()` of `benchmarks/bench_bates.py` (written for "
                  "chapter 2; timed and checked by that script, errors are absolute price errors)."]
    else:
        lines += ["", "Bates prices: `benchmarks/bench_bates.py` was not there when this ran; skipped."]
    OUT.write_text("\n".join(lines) + "\n")
    print(OUT.read_text())


def main():
    global LOAD
    LOAD = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    rows = []
    old = bench_implied_vol(rows)
    bench_cboe(rows, old)
    bench_replication(rows)
    bench_forward_vol(rows)
    pyplot = bench_import(rows)
    bates = bench_bates(rows)
    write(rows, bates, pyplot)


if __name__ == "__main__":
    main()
