"""Tests of vrp_lib.simulation: Monte Carlo paths of the model world against the closed
forms of vrp_lib.bates.

Monte Carlo checks use fixed seeds; each states its standard error (SE) and tests within
4 SE (plus the scheme's discretization bias where one is stated).
"""

import numpy as np
import pandas as pd
import pytest

from vrp_lib import bates, simulation

P, Q = bates.PHYSICAL, bates.RISK_NEUTRAL
HESTON = bates.BatesParams(kappa=1.5, theta=0.04, xi=0.5, rho=-0.7, lam=0.0, mu_j=0.0, sigma_j=0.0)


# --------------------------------------------------------------------------- Monte Carlo

def _mc_realized_variance(p, v0, n_days, n_paths, seed):
    sim = simulation.simulate(p, p, n_days, n_paths, seed, v0=v0)
    r = np.diff(np.log(sim.index), axis=0)
    rv = (r**2).sum(axis=0) * bates.DAYS_PER_YEAR / n_days
    return rv.mean(), rv.std(ddof=1) / np.sqrt(n_paths), sim


@pytest.mark.parametrize("params,name", [(P, "P"), (Q, "Q")])
def test_monte_carlo_realized_variance_converges_to_closed_form(params, name):
    # 63 trading days, 20,000 paths from a high starting variance (so mean reversion matters).
    # SE is about 1.5 % of the mean; the drift's squared contribution is below 1e-5.
    v0 = 0.06
    mean, se, sim = _mc_realized_variance(params, v0, 63, 20_000, seed=11)
    exact = bates.expected_variance(params, 63 / bates.DAYS_PER_YEAR, v0)
    assert abs(mean - exact) < 4 * se, (name, mean, exact, se)
    # the spot variance itself: E[v_T] = theta + (v0 - theta) e^{-kappa T}
    vt = sim.variance[-1]
    ev = params.theta + (v0 - params.theta) * np.exp(-params.kappa * 63 / 252)
    assert abs(vt.mean() - ev) < 4 * vt.std(ddof=1) / np.sqrt(vt.size)


def test_monte_carlo_heston_call_price_within_standard_error():
    # under Q (drift = r), 20,000 paths of 63 daily steps; SE about 0.04 on a price near 4.
    r, t, v0 = 0.02, 63 / 252, 0.04
    sim = simulation.simulate(Q, Q, 63, 20_000, seed=5, v0=v0, drift=r)
    st_ = sim.index[-1]
    for k in (90.0, 100.0, 110.0):
        pay = np.exp(-r * t) * np.maximum(st_ - k, 0.0)
        se = pay.std(ddof=1) / np.sqrt(pay.size)
        assert abs(pay.mean() - bates.call_price(Q, 100.0, k, t, v0, r)) < 4 * se


def test_simulate_shapes_frame_and_determinism():
    a = simulation.simulate(P, Q, 30, 4, seed=3)
    b = simulation.simulate(P, Q, 30, 4, seed=3)
    assert a.index.shape == (31, 4) and a.variance.shape == (31, 4) and a.vix.shape == (31, 4)
    np.testing.assert_array_equal(a.index, b.index)
    assert (a.variance >= 0).all() and (a.index > 0).all()
    np.testing.assert_allclose(a.vix, 100 * np.sqrt(bates.expected_variance(Q, 30 / 365, a.variance)))
    f = a.to_frame(2)
    assert list(f.columns) == ["model_index", "model_vix"]
    assert isinstance(f.index, pd.DatetimeIndex) and f.index.name == "date" and len(f) == 31
    assert f.index[0] == pd.Timestamp(simulation.MODEL_START_DATE)
    assert (f.index.day_of_week < 5).all()
    assert a.n_days == 30 and a.n_paths == 4
    c = simulation.simulate(P, P, 5, 2, seed=1, v0=0.02, s0=50.0)
    assert (c.variance[0] == 0.02).all() and (c.index[0] == 50.0).all()


def _plain_simulate(p, q, nd, npth, seed, v0, s0=100.0, drift=0.0, dpy=252):
    """The scheme written out day by day (the reference the vectorized sums must equal)."""
    rng = np.random.default_rng(seed)
    dt = 1.0 / dpy
    v = np.full(npth, v0)
    k, th, xi, rho = p.kappa, p.theta, p.xi, p.rho
    ekt = np.exp(-k * dt)
    c1 = xi**2 * ekt * (1.0 - ekt) / k
    c2 = th * xi**2 * (1.0 - ekt) ** 2 / (2.0 * k)
    var, logs = np.empty((nd + 1, npth)), np.empty((nd + 1, npth))
    var[0], logs[0] = v, np.log(s0)
    z_s, z_v, u_v = (rng.standard_normal((nd, npth)), rng.standard_normal((nd, npth)),
                     rng.random((nd, npth)))
    n_j = rng.poisson(p.lam * dt, size=(nd, npth))
    jumps = n_j * p.mu_j + np.sqrt(n_j) * p.sigma_j * rng.standard_normal((nd, npth))
    for i in range(nd):
        vi = var[i]
        m = th + (vi - th) * ekt
        s2 = vi * c1 + c2
        psi = s2 / (m * m)
        t2 = 2.0 / np.minimum(psi, 1.5)
        b2 = t2 - 1.0 + np.sqrt(t2) * np.sqrt(t2 - 1.0)
        a = m / (1.0 + b2)
        v_quad = a * (np.sqrt(b2) + z_v[i]) ** 2
        psi_e = np.maximum(psi, 1.5)
        pp = (psi_e - 1.0) / (psi_e + 1.0)
        beta = (1.0 - pp) / m
        v_exp = np.where(u_v[i] <= pp, 0.0,
                         np.log((1.0 - pp) / np.maximum(1.0 - u_v[i], 1e-300)) / beta)
        var[i + 1] = np.where(psi <= 1.5, v_quad, v_exp)
    for i in range(nd):
        vi, vn = var[i], var[i + 1]
        vbar = 0.5 * (vi + vn)
        dif = (rho / xi * (vn - vi - k * th * dt + k * vbar * dt)
               + np.sqrt(1.0 - rho**2) * np.sqrt(vbar * dt) * z_s[i])
        logs[i + 1] = logs[i] + (drift - p.lam * p.kbar - 0.5 * vbar) * dt + dif + jumps[i]
    return var, logs


@pytest.mark.parametrize("params,n_days,n_paths", [(P, 600, 10), (Q, 21, 500)])
def test_simulate_equals_the_plain_day_by_day_scheme_bit_for_bit(params, n_days, n_paths):
    # the simulation's shared terms and its one-pass sum of the log-index steps change no bit
    var, logs = _plain_simulate(params, params, n_days, n_paths, 11, v0=P.theta, drift=0.02)
    sim = simulation.simulate(params, params, n_days, n_paths, 11, v0=P.theta, drift=0.02)
    np.testing.assert_array_equal(sim.variance, var)
    np.testing.assert_array_equal(sim.index[1:], np.exp(logs)[1:])


def test_model_dates_are_a_fresh_object_each_time():
    a = simulation.simulate(P, Q, 30, 2, seed=3)
    d = a.dates()
    d.name = "renamed"
    assert a.dates().name == "date" and a.to_frame(1).index.name == "date"


def test_simulate_no_vol_of_variance_no_jumps_is_black_scholes():
    bs = bates.BatesParams(kappa=2.0, theta=0.04, xi=0.0, rho=0.0, lam=0.0, mu_j=0.0, sigma_j=0.0)
    sim = simulation.simulate(bs, bs, 252, 2000, seed=2, v0=0.04)
    r = np.diff(np.log(sim.index), axis=0)
    # daily log returns are N(-v dt / 2, v dt): the sample variance is within a few SE
    se = 0.04 / 252 * np.sqrt(2 / r.size)
    assert abs(r.var() - 0.04 / 252) < 4 * se


@pytest.mark.parametrize("kw,match", [
    (dict(n_days=0), "n_days"), (dict(n_paths=1.5), "n_paths"), (dict(seed=None), "seed"),
    (dict(v0=-0.1), "v0"), (dict(v0=[0.01, 0.02]), "v0"), (dict(s0=0.0), "s0"), (dict(days_per_year=0), "days_per_year"),
    (dict(drift=np.inf), "drift"),
])
def test_simulate_bad_input(kw, match):
    args = dict(physical=P, risk_neutral=Q, n_days=10, n_paths=2, seed=1)
    args.update(kw)
    with pytest.raises(ValueError, match=match):
        simulation.simulate(**args)


def test_simulate_rejects_inconsistent_measures_and_bad_path():
    with pytest.raises(ValueError, match="xi"):
        simulation.simulate(P, HESTON, 10, 2, 1)
    sim = simulation.simulate(P, Q, 10, 2, 1)
    with pytest.raises(ValueError, match="path"):
        sim.to_frame(2)


@pytest.mark.parametrize("call,match", [
    (lambda: simulation.simulate(P, Q, 10, 2, seed=True), "seed must be an integer"),
    (lambda: simulation.simulate(P, Q, 10, 2, seed=1, drift=5.0), "drift=5.0.*looks like percent"),
    (lambda: simulation.simulate(P, Q, 10, 2, seed=1, v0=np.inf), "v0 must be finite, got an infinite value"),
    (lambda: simulation.simulate(P, Q, 10, 2, seed=1, v0=0.2 ** 2 * 1e4), "pass a decimal variance"),
    (lambda: simulation.simulate(P, Q, 10, 2, seed=1, s0=None), "s0 must be a number, got None"),
])
def test_validation_messages(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def _paths(**kw):
    fields = dict(index=np.full((3, 2), 100.0), variance=np.full((3, 2), 0.04), vix=np.full((3, 2), 20.0),
                  physical=P, risk_neutral=Q, days_per_year=252, seed=1)
    return simulation.ModelPaths(**{**fields, **kw})


def test_model_paths_reads_integral_floats_as_integers():
    m = _paths(days_per_year=252.0, seed=3.0)
    assert m.days_per_year == 252 and isinstance(m.days_per_year, int) and m.seed == 3


@pytest.mark.parametrize("call,match", [
    (lambda: simulation.ModelPaths(index=np.full((3, 2), np.nan), variance=np.ones((3, 2)), vix=np.ones((3, 2)),
                                   physical=P, risk_neutral=Q, days_per_year=252, seed=1), "ModelPaths.index: contains NaN"),
    (lambda: simulation.ModelPaths(index=np.ones((3, 2)), variance=np.ones((2, 2)), vix=np.ones((3, 2)),
                                   physical=P, risk_neutral=Q, days_per_year=252, seed=1), "must have one shape"),
    (lambda: _paths(seed=None), "ModelPaths.seed"),
    (lambda: _paths(variance=-np.ones((3, 2))), "ModelPaths.variance"),
    # units: a VIX in decimals, a variance in vol points squared
    (lambda: _paths(vix=np.full((3, 2), 0.2)), r"ModelPaths.vix: every value is below 1.5 .* pass vol points"),
    (lambda: _paths(vix=np.full((3, 2), 2000.0)), r"ModelPaths.vix: median 2000 .* price level"),
    (lambda: _paths(variance=np.full((3, 2), 400.0)), r"ModelPaths.variance .* look like vol points squared"),
    (lambda: _paths(vix=np.full((3, 2), np.inf)), r"ModelPaths.vix: contains an infinite value"),
    (lambda: _paths(index=np.ones((1, 2)), variance=np.ones((1, 2)) * 0.04, vix=np.full((1, 2), 20.0)),
     r"ModelPaths.index needs at least two rows"),
    (lambda: _paths(index=np.ones(3)), r"ModelPaths.index must be 2-D"),
    (lambda: _paths(index=[["100"] * 2] * 3), r"ModelPaths.index: contains None, a boolean or a string"),
    (lambda: _paths(days_per_year=0), r"ModelPaths.days_per_year must be at least 1"),
    (lambda: _paths(days_per_year=25200), r"ModelPaths.days_per_year=25200 is above 366"),
    (lambda: _paths(days_per_year=True), r"ModelPaths.days_per_year must be an integer"),
    (lambda: _paths(physical="P"), r"ModelPaths.physical"),
    (lambda: simulation.simulate(P, Q, 10, 2, seed=1, days_per_year=2520), r"days_per_year=2520 is above 366"),
    (lambda: simulation.simulate(P, Q, 10_000, 10_000, seed=1), r"n_days=10000 and n_paths=10000 .* above"),
])
def test_strings_and_model_paths_validation(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_module_all_lists_public_names():
    public = {n for n in dir(simulation) if not n.startswith("_") and callable(getattr(simulation, n))
              and getattr(getattr(simulation, n), "__module__", "") == simulation.__name__}
    assert public <= set(simulation.__all__)
    assert all(hasattr(simulation, n) for n in simulation.__all__)
