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


def test_calibrate_physical_reproduces_module_constants():
    p, info = calibration.calibrate_physical(data.load_spx()["close"])
    for f in ("kappa", "theta", "lam", "mu_j", "sigma_j"):
        assert getattr(p, f) == pytest.approx(getattr(P, f), rel=5e-3), f
    # xi (simulated moments) and rho (which divides by xi) to their rounding plus MC noise
    assert p.xi == pytest.approx(P.xi, abs=0.005) and p.rho == pytest.approx(P.rho, abs=0.01)
    assert info["n_jumps"] == round(P.lam * info["years"])
    assert info["xi_autocov"] > p.xi        # the extreme months alone would ask for more
    with pytest.raises(ValueError, match="xi_method"):
        calibration.calibrate_physical(data.load_spx()["close"], xi_method="guess")


def test_calibrate_risk_neutral_hits_target_and_reproduces_constant():
    q, eta0 = calibration.calibrate_risk_neutral(P, 19.5, eta1=1.0, lam=2.0, mu_j=-0.05, sigma_j=0.05)
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
    # 100 paths of 33 years (the length of the 1990-2022 sample); SE of the average VRP ~0.04
    sim = simulation.simulate(P, Q, 33 * 252, 100, seed=7)
    tab = calibration.long_sample_table(sim, windows=(21,))
    row = tab.loc["21-day"]
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
    (lambda r: r, dict(threshold=True), "threshold must be a number, got the boolean"),
    (lambda r: r, dict(threshold=-1.0), "threshold must be positive"),
    (lambda r: r, dict(window=2.5), "window must be an integer"),
])
def test_detect_jumps_validation(mutate, kw, match):
    with pytest.raises(ValueError, match=match):
        calibration.detect_jumps(mutate(_returns_series()), **kw)


@pytest.mark.parametrize("kw,match", [(dict(block=True), "block must be an integer"),
                                      (dict(annualization=np.nan), "annualization must be finite, got NaN")])
def test_block_variance_validation(kw, match):
    with pytest.raises(ValueError, match=match):
        calibration.block_variance(_returns_series(), **kw)


@pytest.mark.parametrize("kw,match", [(dict(n_paths=0), "n_paths must be at least 1"),
                                      (dict(seed=-1), "seed must be at least 0"),
                                      (dict(n_years=np.inf), "n_years must be finite, got an infinite value"),
                                      (dict(xi_method="both"), "xi_method")])
def test_calibrate_physical_validation(kw, match):
    prices = np.exp(_returns_series(600).cumsum())
    with pytest.raises(ValueError, match=match):
        calibration.calibrate_physical(prices, **kw)


# --------------------------------------------------------------------------- the cached calibration

def test_cached_calibration_matches_the_published_constants_and_a_fresh_solve(tmp_path):
    cal = calibration.load_calibration()
    fit = cal["physical_fit"]
    for f in ("kappa", "theta", "lam", "mu_j", "sigma_j"):
        assert getattr(fit, f) == pytest.approx(getattr(P, f), rel=5e-3), f
    assert fit.xi == pytest.approx(P.xi, abs=0.005)
    # the risk-neutral solve is cheap: redo it and compare with the file
    q, eta0 = calibration.calibrate_risk_neutral(P, **{k: v for k, v in cal["risk_neutral_choices"].items()})
    assert eta0 == pytest.approx(cal["eta0"], rel=1e-12)
    assert cal["risk_neutral_fit"] == q
    tab = cal["long_sample"]["table"]
    assert list(tab.index) == ["21-day", "42-day", "63-day"] and tab.index.name == "Window"
    assert (tab["Hit rate (VRP > 0)"].between(0, 1)).all()
    assert cal["forecasts"]["scores"]["n"].dtype.kind == "i"
    # the cached GJR-GARCH forecasts are the library's, day by day, and give the cached score
    fcs = cal["forecasts"]
    spx = data.load_spx()["close"]
    live = forecast.garch_forecast(spx, horizon=fcs["horizon"], train_end=fcs["train_end"])
    cached = fcs["garch_oos"]
    assert isinstance(cached.index, pd.DatetimeIndex) and cached.index[0] == pd.Timestamp("2014-01-02")
    np.testing.assert_allclose(cached.to_numpy(), live.loc[cached.index].to_numpy(), rtol=1e-9)
    target = forecast.realized_variance_target(spx, fcs["horizon"])
    oos = target.loc[fcs["oos_start"]:].dropna()
    assert forecast.qlike(oos, cached) == pytest.approx(fcs["scores"].loc["GJR-GARCH", "QLIKE"],
                                                        rel=1e-12)
    # the file's inputs are the embedded data files
    for name, digest in cal["provenance"]["inputs_sha256"].items():
        import hashlib
        assert hashlib.sha256((data.DATA_DIR / name).read_bytes()).hexdigest() == digest
    with pytest.raises(ValueError, match="no calibration file"):
        calibration.load_calibration(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text("{}")
    with pytest.raises(ValueError, match="lacks"):
        calibration.load_calibration(tmp_path / "bad.json")
    (tmp_path / "broken.json").write_text("{")
    with pytest.raises(ValueError, match="not valid JSON"):
        calibration.load_calibration(tmp_path / "broken.json")


@pytest.mark.parametrize("call,match", [
    (lambda: calibration.calibrate_risk_neutral(P, target_vix="19.5"), "target_vix must be a number"),
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
