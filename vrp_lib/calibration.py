"""Calibration of the model world to real data, and the summaries it is checked against.

* The physical measure from the S&P 500 daily closes (:func:`calibrate_physical`: jumps by
  a bipower threshold, :func:`detect_jumps`; the diffusive variance by the moments of block
  realized variance, :func:`block_variance`, :func:`autocovariance`,
  :func:`heston_block_autocovariance`; the vol of variance by simulated moments).
* The risk-neutral measure from chosen prices of risk and a target average VIX
  (:func:`calibrate_risk_neutral`).
* The practical-VRP table of simulated paths (:func:`long_sample_table`) and the cached
  calibration written by ``data/make_calibration.py`` (:func:`load_calibration`).

The model and its formulas are in :mod:`vrp_lib.bates`, the paths in
:mod:`vrp_lib.simulation`. Calibrated parameters and simulated tables are **model output
(synthetic)** fitted to real data, never market data. Units as in :mod:`vrp_lib.bates`
(decimal variances, years), except the VIX targets and tables (vol points).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from . import _checks, data as _data
from .bates import (
    DAYS_PER_YEAR, MAX_DECIMAL_VARIANCE, VIX_DAYS, BatesParams, _array, _contract, _params,
    _positive, _scalar, risk_neutral_from_premia, stationary_mean_vix,
)
from .simulation import MAX_DAYS_PER_YEAR, ModelPaths, simulate

__all__ = [
    "CALIBRATION_FILE", "autocovariance", "block_variance", "calibrate_physical",
    "calibrate_risk_neutral", "detect_jumps", "heston_block_autocovariance", "load_calibration",
    "long_sample_table",
]

#: The cached calibration of the model world, written by ``data/make_calibration.py``.
CALIBRATION_FILE = Path(__file__).resolve().parent.parent / "data" / "model_calibration.json"


#: Longest simulated sample of :func:`calibrate_physical` (``n_years``), in model years.
MAX_SIM_YEARS = 100.0


def _integer(x, name: str, minimum: int = 1) -> int:
    return _checks.integer(x, name, minimum=minimum)


def _annualization(x) -> float:
    """Periods a year, in (0, 366]: 252 trading days, or 12 for months."""
    return _checks.in_range(x, "annualization", 0.0, float(MAX_DAYS_PER_YEAR), lo_open=True)


def _returns(returns) -> pd.Series:
    if returns is None:
        raise ValueError("returns is None; pass a pandas Series of daily log returns")
    if isinstance(returns, pd.Series) and returns.dtype == object:
        raise _checks.ArgumentTypeError("returns: values of dtype object; pass a float Series (object columns can "
                                        "hide text, None or booleans)")
    r = _checks.series(returns, "returns")
    x = r.to_numpy()
    if np.isnan(x).any():
        raise ValueError(f"returns: NaN on {r.index[np.isnan(x)][0].date()}")
    if np.isinf(x).any():
        raise ValueError(f"returns: infinite value on {r.index[np.isinf(x)][0].date()}")
    if r.index.tz is not None:
        raise ValueError("returns: the index is tz-aware; pass dates without a time zone")
    return r



# --------------------------------------------------------------------------- calibration

def detect_jumps(returns, threshold=4.0, window=63) -> pd.Series:
    """Flag daily returns larger than ``threshold`` local standard deviations as jumps.

    The local standard deviation is the bipower variation (Barndorff-Nielsen and
    Shephard, 2004) of the ``window`` returns before the day, ``pi/2 * mean(|r_{s-1}| |r_s|)``,
    which is robust to the jumps it is meant to find. The first ``window + 1`` days are
    never flagged.

    Parameters
    ----------
    returns : pandas.Series
        Daily log returns (decimal), DatetimeIndex.

    Returns
    -------
    pandas.Series
        Boolean, True on jump days, named ``jump``.
    """
    r = _returns(returns)
    c = _scalar(threshold, "threshold")
    if c <= 0:
        raise ValueError(f"threshold must be positive (local standard deviations), got {threshold!r}")
    w = _integer(window, "window")
    if len(r) <= w + 1:
        raise ValueError(f"returns: need more than window + 1 = {w + 1} observations, got {len(r)}")
    a = r.abs()
    bpv = (np.pi / 2.0) * (a * a.shift(1)).rolling(w, min_periods=w).mean().shift(1)
    out = (a > c * np.sqrt(bpv)).fillna(False).astype(bool)
    out.name = "jump"
    return out


def block_variance(returns, block=21, annualization=DAYS_PER_YEAR) -> pd.Series:
    """Annualized realized variance of consecutive non-overlapping blocks of returns (decimal).

    ``annualization / block * sum of the block's squared returns``, dated at the block's
    last day; a trailing incomplete block is dropped.
    """
    r = _returns(returns)
    b = _integer(block, "block")
    a = _annualization(annualization)
    n = len(r) // b
    if n < 3:
        raise ValueError(f"returns: need at least three blocks of block={b} returns, got {len(r)} returns")
    x = (r.to_numpy()[: n * b] ** 2).reshape(n, b).sum(axis=1) * a / b
    out = pd.Series(x, index=pd.DatetimeIndex(r.index[b - 1: n * b: b], name="date"),
                    name="block_variance")
    return out


def autocovariance(x, max_lag) -> np.ndarray:
    """Sample autocovariances ``gamma(1..max_lag)`` of a series (divisor n)."""
    if isinstance(x, np.ndarray) and x.dtype == object:
        raise _checks.ArgumentTypeError("x: values of dtype object; pass a float array")
    a = _array(x, "x")
    if a.ndim != 1:
        raise ValueError(f"x must be one-dimensional, got shape {a.shape}")
    L = _integer(max_lag, "max_lag")
    if a.size <= L + 1:
        raise ValueError(f"x: need more than max_lag + 1 = {L + 1} observations, got {a.size}")
    c = a - a.mean()
    return np.array([np.dot(c[:-j], c[j:]) / a.size for j in range(1, L + 1)])


def heston_block_autocovariance(kappa, var_v, block_years, lags):
    """Autocovariance of block averages of a CIR variance at lags >= 1.

    For blocks of length ``h`` years, ``Cov(ybar_k, ybar_{k+j}) =
    Var(v) (1 - e^{-kappa h})^2 / (kappa h)^2 * e^{-kappa h (j - 1)}`` for ``j >= 1``.
    Measurement noise in realized variance (and independent jumps) only affects lag 0,
    which is why the calibration uses lags 1 and beyond.
    """
    k = _positive(kappa, "kappa")
    vv = _scalar(var_v, "var_v")
    if vv < 0:
        raise ValueError(f"var_v must be non-negative (a variance of the variance), got {var_v!r}")
    x = k * _positive(block_years, "block_years")
    j = _array(lags, "lags")
    if (j < 1).any() or (j != np.round(j)).any():
        raise ValueError(f"lags must be integers of at least 1, got {lags!r}")
    return vv * (np.expm1(-x) / x) ** 2 * np.exp(-x * (j - 1.0))


def _mean_block_vol(log_prices: np.ndarray, block: int, annualization: float) -> float:
    """Mean over paths and non-overlapping blocks of the block's realized vol (vol points)."""
    r = np.diff(log_prices, axis=0)
    n = r.shape[0] // block
    blocks = (r[: n * block] ** 2).reshape(n, block, -1).sum(axis=1) * annualization / block
    return float(100.0 * np.sqrt(blocks).mean())


def calibrate_physical(prices, block=21, max_lag=12, jump_threshold=4.0, jump_window=63,
                       annualization=DAYS_PER_YEAR, xi_method="mean_vol", n_years=4,
                       n_paths=1024, seed=2009) -> tuple[BatesParams, dict]:
    """Fit the physical parameters to a daily price history by the method of moments.

    1. Jumps: days flagged by :func:`detect_jumps`; ``lam`` is their count per year,
       ``mu_j`` and ``sigma_j`` the mean and standard deviation of their log returns.
       A crude estimator, adequate for a teaching model: a threshold finds only large
       jumps, and each jump day's return includes that day's diffusive move.
    2. The continuous part: each jump day's squared return is replaced by the local
       bipower variance; block realized variance ``y_k`` over ``block`` days.
    3. ``theta = mean(y)``; ``kappa`` (and ``Var(v)``) by least squares of the sample
       autocovariances of ``y`` at lags ``1..max_lag`` on
       :func:`heston_block_autocovariance`.
    4. ``xi``: with ``xi_method="autocov"`` from the fitted level,
       ``xi = sqrt(2 kappa Var(v) / theta)`` (the stationary variance of a CIR process
       is ``theta xi^2 / (2 kappa)``); with ``xi_method="mean_vol"`` (default) by
       simulated moments: the ``xi`` at which the model's average realized volatility
       over non-overlapping blocks equals the data's (``n_paths`` paths of ``n_years``,
       fixed ``seed``, common random numbers). The two differ because the CIR
       stationary law cannot match both the data's extreme months and its typical ones.
    5. ``rho`` from the covariance of one block's return with the next block's variance,
       ``Cov(R_k, y_{k+1}) = rho xi theta (1 - e^{-kappa h}) / kappa * B(h)``, with
       ``B(h) = (1 - e^{-kappa h}) / (kappa h)``.

    Parameters
    ----------
    prices : pandas.Series
        Daily closes, DatetimeIndex.

    Returns
    -------
    (BatesParams, dict)
        The parameters (unrounded) and the intermediate quantities: ``n_jumps``,
        ``years``, ``jumps`` (bool Series), ``block_variance`` (Series), ``lags``,
        ``autocov`` (sample), ``autocov_fit`` (model, with the ``autocov`` level),
        ``var_v``, ``xi_autocov``, ``data_mean_vol`` (vol points).
    """
    from scipy.optimize import brentq, minimize_scalar

    from .realized import log_returns

    if xi_method not in ("mean_vol", "autocov"):
        raise ValueError(f"xi_method must be 'mean_vol' or 'autocov', got {xi_method!r}")
    thr = _positive(jump_threshold, "jump_threshold")
    jw = _integer(jump_window, "jump_window")
    r = log_returns(prices)
    if len(r) <= jw + 1:
        raise ValueError(f"prices: need more than jump_window + 2 = {jw + 2} prices, got {len(r) + 1}")
    b = _integer(block, "block")
    a = _annualization(annualization)
    lag = _integer(max_lag, "max_lag")
    if len(r) // b <= lag + 1:
        raise ValueError(f"max_lag={lag} needs more than {lag + 1} blocks of block={b} returns; prices hold "
                         f"{len(r) // b} (too short for the lags)")
    _integer(n_paths, "n_paths")
    _integer(seed, "seed", minimum=0)
    if _positive(n_years, "n_years") > MAX_SIM_YEARS:
        raise ValueError(f"n_years={n_years!r} is above {MAX_SIM_YEARS:g} model years")
    jumps = detect_jumps(r, thr, jw)
    years = len(r) / a
    rj = r[jumps]
    if len(rj) < 2:
        raise ValueError("prices: fewer than two jump days detected; lower jump_threshold")
    lam, mu_j, sigma_j = len(rj) / years, float(rj.mean()), float(rj.std(ddof=1))
    absr = r.abs()
    bpv = (np.pi / 2.0) * (absr * absr.shift(1)).rolling(jw, min_periods=jw).mean().shift(1)
    rc = r.where(~jumps, np.sqrt(bpv))
    y = block_variance(rc, b, a)
    theta = float(y.mean())
    lags = np.arange(1, max_lag + 1)
    gam = autocovariance(y.to_numpy(), len(lags))
    h = b / a

    def sse(log_k):
        shape = heston_block_autocovariance(np.exp(log_k), 1.0, h, lags)
        scale = max(np.dot(shape, gam) / np.dot(shape, shape), 0.0)
        return float(np.sum((gam - scale * shape) ** 2))

    res = minimize_scalar(sse, bounds=(np.log(0.05), np.log(100.0)), method="bounded",
                          options={"xatol": 1e-10})
    kappa = float(np.exp(res.x))
    shape = heston_block_autocovariance(kappa, 1.0, h, lags)
    var_v = float(max(np.dot(shape, gam) / np.dot(shape, shape), 0.0))
    xi_autocov = float(np.sqrt(2.0 * kappa * var_v / theta))
    data_mean_vol = float(100.0 * np.sqrt(block_variance(r, b, a)).mean())

    def rho_for(xi):
        n = len(y)
        ret_blocks = r.to_numpy()[: n * b].reshape(n, b).sum(axis=1)
        cov = float(np.cov(ret_blocks[:-1], y.to_numpy()[1:])[0, 1])
        x = kappa * h
        denom = xi * theta * (-np.expm1(-x)) / kappa * (-np.expm1(-x) / x)
        return float(np.clip(cov / denom, -0.99, 0.99)) if denom > 0 else 0.0

    def params_for(xi):
        return BatesParams(kappa=kappa, theta=theta, xi=xi, rho=rho_for(xi), lam=lam,
                           mu_j=mu_j, sigma_j=sigma_j)

    if xi_method == "autocov":
        xi = xi_autocov
    else:
        nd = int(round(float(n_years) * a))

        def gap(xi):
            pr = params_for(xi)
            sim = simulate(pr, pr, nd, n_paths, seed, days_per_year=int(round(a)))
            return _mean_block_vol(np.log(sim.index), b, a) - data_mean_vol

        # start from a bracket around the autocovariance estimate; widen it if needed
        lo, hi = 0.5 * xi_autocov, 1.5 * xi_autocov
        if gap(lo) < 0 or gap(hi) > 0:
            lo, hi = 0.05, 2.0
            if gap(lo) < 0 or gap(hi) > 0:
                raise ValueError("prices: no vol of variance in [0.05, 2] matches the mean realized vol")
        xi = float(brentq(gap, lo, hi, xtol=1e-3))
    params = params_for(xi)
    info = {"n_jumps": int(len(rj)), "years": years, "jumps": jumps, "block_variance": y,
            "lags": lags, "autocov": gam, "autocov_fit": var_v * shape, "var_v": var_v,
            "xi_autocov": xi_autocov, "data_mean_vol": data_mean_vol}
    return params, info



def calibrate_risk_neutral(physical, target_vix=19.5, eta1=0.0, lam=None, mu_j=None,
                           sigma_j=None, days=VIX_DAYS, contract="swap") -> tuple[BatesParams, float]:
    """Risk-neutral parameters whose long-run average model VIX equals ``target_vix``.

    The proportional price of variance risk ``eta1`` and the jump law under Q are
    *chosen* (they set how the premium splits); the constant part ``eta0`` of
    :func:`~vrp_lib.bates.risk_neutral_from_premia` is solved so that
    :func:`~vrp_lib.bates.stationary_mean_vix` (with the same ``contract``: ``"swap"`` for
    the variance-swap definition of the model VIX, ``"log"`` for the log contract the Cboe
    formula prices) equals ``target_vix`` (vol points).

    With ``eta0 != 0`` the change of measure is well defined only if the variance cannot
    reach zero under either measure (Feller ratio at least 1 under both; Cheridito,
    Filipovic and Kimmel, 2007); the book's fitted parameters do not meet that.

    Returns
    -------
    (BatesParams, float)
        The risk-neutral parameters and ``eta0``.

    Raises
    ------
    ValueError
        If no ``eta0`` reaches the target.
    """
    from scipy.optimize import brentq

    p = _params(physical, "physical")
    target = _positive(target_vix, "target_vix")
    if target < 1.5:
        raise ValueError(
            f"target_vix={target_vix!r} looks like a decimal; pass vol points (19.5, not 0.195)"
        )
    if target > 200:
        raise ValueError(f"target_vix={target_vix!r} is above 200 vol points; pass vol points (19.5)")
    e1 = _scalar(eta1, "eta1")
    c = _contract(contract)
    for name, val in (("lam", lam), ("mu_j", mu_j), ("sigma_j", sigma_j)):
        if val is not None:
            _scalar(val, name)
    floor = -p.kappa * p.theta * (1.0 - 1e-9)

    def gap(eta0):
        q = risk_neutral_from_premia(p, eta0, e1, lam, mu_j, sigma_j)
        return stationary_mean_vix(p, q, days, contract=c) - target

    kq = p.kappa - e1
    if kq <= 0:
        raise ValueError(f"eta1={e1!r} must be below physical.kappa={p.kappa!r} (kappa_Q > 0)")
    lo, hi = floor, min(10.0, MAX_DECIMAL_VARIANCE * kq * (1.0 - 1e-9) - p.kappa * p.theta)
    if gap(lo) > 0:
        raise ValueError(f"target_vix={target:g} is below what the chosen Q jumps alone imply")
    if gap(hi) < 0:
        raise ValueError(f"target_vix={target:g} is out of reach")
    eta0 = float(brentq(gap, lo, hi, xtol=1e-14, rtol=1e-12))
    return risk_neutral_from_premia(p, eta0, e1, lam, mu_j, sigma_j), eta0


def long_sample_table(paths, windows=(21, 42, 63)) -> pd.DataFrame:
    """The practical-VRP table of :func:`vrp_lib.premium.summary_table`, averaged over paths.

    Each path is treated exactly as the real data: the model VIX against the forward
    realized volatility of the model index. The averages are over paths (each path's
    averages weigh equally); ``se`` columns give the standard error across paths.

    Returns
    -------
    pandas.DataFrame
        Index ``Window``; columns ``Avg implied vol``, ``Avg realized vol``,
        ``Avg VRP (vol pts)``, ``Hit rate (VRP > 0)`` (means over paths), ``SE VRP``
        (standard error of the VRP average across paths), and the standard errors across
        paths ``SE avg implied``, ``SE avg realized`` (vol points) and ``SE hit rate``
        (fraction). Paths are independent, so these are plain standard errors of a mean.
    """
    from .premium import summary_table

    if not isinstance(paths, ModelPaths):
        raise ValueError(f"paths: expected ModelPaths, got {type(paths).__name__}")
    tables = []
    for j in range(paths.n_paths):
        f = paths.to_frame(j)
        tables.append(summary_table(f["model_vix"], f["model_index"], windows=windows,
                                    annualization=paths.days_per_year))
    stack = np.stack([t.drop(columns="n").to_numpy(dtype=float) for t in tables])
    out = pd.DataFrame(stack.mean(axis=0), index=tables[0].index,
                       columns=tables[0].columns.drop("n"))
    se = (stack.std(axis=0, ddof=1) / np.sqrt(paths.n_paths) if paths.n_paths > 1
          else np.full(stack.shape[1:], np.nan))
    out["SE VRP"] = se[:, 2]
    out["SE avg implied"] = se[:, 0]
    out["SE avg realized"] = se[:, 1]
    out["SE hit rate"] = se[:, 3]
    return out


def _frame_from(d: dict, name: str) -> pd.DataFrame:
    try:
        return pd.DataFrame(d["data"], index=pd.Index(d["index"]), columns=d["columns"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"calibration file: {name} is not a table ({exc})") from None


def _check_inputs(p: Path, provenance, data_dir) -> None:
    """The inputs' sha256 recorded by make_calibration.py against the current data files."""
    inputs = provenance.get("inputs_sha256") if isinstance(provenance, dict) else None
    if not isinstance(inputs, dict) or not inputs:
        raise ValueError(f"path: {p} records no provenance.inputs_sha256; regenerate it with "
                         "data/make_calibration.py")
    for name, digest in inputs.items():
        now = _data._sha256(name, data_dir)
        if now != digest:
            raise ValueError(
                f"path: {p} was computed from {name} with sha256 {str(digest)[:12]}..., but {name} now has "
                f"{now[:12]}...: the data changed; regenerate the calibration with "
                "`.venv/bin/python data/make_calibration.py` (after `make data` if the data are wrong)"
            )


def load_calibration(path=None, data_dir=None) -> dict:
    """The cached calibration of the model world (``data/model_calibration.json``).

    Written by ``data/make_calibration.py`` from the embedded S&P 500 and VIX files (the
    script states the inputs' sha256 and the package versions). Model output calibrated
    to real data, never market data. The inputs' sha256 recorded in the file
    (``provenance.inputs_sha256``) must be those of the current data files, themselves
    checked against the data's manifest (:mod:`vrp_lib.data`): a calibration of other data
    is refused.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        The calibration file (default :data:`CALIBRATION_FILE`).
    data_dir : str or pathlib.Path, optional
        The folder of the input data files and their ``manifest.json`` (default ``data/``).

    Returns
    -------
    dict
        ``physical_fit`` and ``risk_neutral_fit`` (:class:`~vrp_lib.bates.BatesParams`, unrounded),
        ``physical_fit_info`` (dict: ``n_jumps``, ``years``, ``var_v``, ``xi_autocov``,
        ``data_mean_vol`` in vol points, and arrays ``lags``, ``autocov``, ``autocov_fit``),
        ``eta0``, ``risk_neutral_choices`` (dict), ``long_sample`` (dict with ``table``, the
        :func:`long_sample_table` of 100 simulated 33-year paths, a DataFrame),
        ``forecasts`` (dict with ``scores``, a DataFrame of :func:`vrp_lib.forecast.evaluate`,
        ``premia``, ``har_coef``, ``garch_oos``, the GJR-GARCH forecast of each
        out-of-sample day, a Series in annualized vol points squared, and ``garch_params``, the
        parameters it was run from, a Series: ``omega`` in percent squared per day, ``alpha[1]``,
        ``gamma[1]``, ``beta[1]``) and ``provenance``.

    Raises
    ------
    ValueError
        If the file is missing or lacks a part, or was computed from other input files
        (regenerate it with ``data/make_calibration.py``), or an input file does not match
        the data's manifest (``make data``).
    """
    if path is not None and not isinstance(path, (str, Path)):
        raise ValueError(f"path must be a file path (str or pathlib.Path), got {type(path).__name__}")
    p = CALIBRATION_FILE if path is None else Path(path)
    if not p.is_file():
        raise ValueError(f"path: no calibration file at {p}; run data/make_calibration.py")
    try:
        raw = json.loads(p.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"path: {p} is not valid JSON ({exc})") from None
    need = ("physical_fit", "physical_fit_info", "risk_neutral_fit", "eta0", "risk_neutral_choices",
            "long_sample", "forecasts", "provenance")
    missing = [k for k in need if k not in raw]
    if missing:
        raise ValueError(f"path: {p} lacks {missing}; regenerate it with data/make_calibration.py")
    _check_inputs(p, raw["provenance"], data_dir)
    out = dict(raw)
    out["physical_fit"] = BatesParams(**raw["physical_fit"])
    out["risk_neutral_fit"] = BatesParams(**raw["risk_neutral_fit"])
    info = dict(raw["physical_fit_info"])
    for k in ("lags", "autocov", "autocov_fit"):
        info[k] = np.asarray(info[k], dtype=int if k == "lags" else float)
    out["physical_fit_info"] = info
    out["long_sample"] = {**raw["long_sample"], "table": _frame_from(raw["long_sample"]["table"], "table")}
    tab = out["long_sample"]["table"]
    tab.index.name = "Window"
    fc = dict(raw["forecasts"])
    fc["scores"] = _frame_from(fc["scores"], "scores")
    fc["scores"]["n"] = fc["scores"]["n"].astype(int)
    fc["scores"].index.name = "forecast"
    missing = [k for k in ("garch_oos", "garch_params") if k not in fc]
    if missing:
        raise ValueError(f"path: {p} lacks forecasts {missing}; regenerate it with data/make_calibration.py")
    g = fc["garch_oos"]
    fc["garch_oos"] = pd.Series(np.asarray(g["values"], dtype=float),
                                index=pd.DatetimeIndex(pd.to_datetime(g["dates"]), name="date"),
                                name="garch_forecast")
    fc["garch_params"] = pd.Series(fc["garch_params"], dtype=float, name="garch_params")
    out["forecasts"] = fc
    return out
