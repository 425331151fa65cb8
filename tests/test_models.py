"""Tests of vrp_lib.models: closed forms against independent computations.

Monte Carlo checks use fixed seeds; each states its standard error (SE) and tests within
4 SE (plus the scheme's discretization bias where one is stated).
"""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import integrate, stats

from vrp_lib import data, implied, models as m, premium

P, Q = m.PHYSICAL, m.RISK_NEUTRAL
HESTON = m.BatesParams(kappa=1.5, theta=0.04, xi=0.5, rho=-0.7, lam=0.0, mu_j=0.0, sigma_j=0.0)


def merton_call(s, k, t, r, sigma, lam, mu_j, sigma_j, n_terms=60):
    """Merton (1976) jump-diffusion call: Poisson mixture of Black-Scholes prices."""
    kbar = np.exp(mu_j + 0.5 * sigma_j**2) - 1.0
    lam2 = lam * (1.0 + kbar)
    out = 0.0
    for n in range(n_terms):
        sig_n = np.sqrt(sigma**2 + n * sigma_j**2 / t)
        r_n = r - lam * kbar + n * np.log(1.0 + kbar) / t
        w = stats.poisson.pmf(n, lam2 * t)
        out += w * implied.bs_price(s, k, t, r_n, sig_n)
    return out


def heston_gil_pelaez_call(p, s, k, t, v0, r):
    """Heston (1993) call by the original two-probability form, integrated with scipy.quad.

    An independent pricing route: different integral (Gil-Pelaez inversion of P1 and P2)
    and different quadrature from the Lewis form used by the library.
    """
    x = np.log(s)

    def f(phi, j):
        u = 0.5 if j == 1 else -0.5
        b = p.kappa - p.rho * p.xi if j == 1 else p.kappa
        a = p.kappa * p.theta
        d = np.sqrt((p.rho * p.xi * phi * 1j - b) ** 2 - p.xi**2 * (2 * u * phi * 1j - phi**2))
        g = (b - p.rho * p.xi * phi * 1j - d) / (b - p.rho * p.xi * phi * 1j + d)
        e = np.exp(-d * t)
        c = r * phi * 1j * t + a / p.xi**2 * ((b - p.rho * p.xi * phi * 1j - d) * t - 2 * np.log((1 - g * e) / (1 - g)))
        dd = (b - p.rho * p.xi * phi * 1j - d) / p.xi**2 * (1 - e) / (1 - g * e)
        return np.exp(c + dd * v0 + 1j * phi * x)

    def prob(j):
        val, _ = integrate.quad(lambda ph: np.real(np.exp(-1j * ph * np.log(k)) * f(ph, j) / (1j * ph)),
                                1e-10, 500, limit=500)
        return 0.5 + val / np.pi

    return s * prob(1) - k * np.exp(-r * t) * prob(2)


# --------------------------------------------------------------------------- parameters

@pytest.mark.parametrize("field,value", [("kappa", 0.0), ("theta", -0.01), ("xi", -0.1),
                                         ("rho", 1.5), ("lam", -1.0), ("sigma_j", -0.1),
                                         ("mu_j", np.nan), ("kappa", "fast")])
def test_params_bad_input(field, value):
    kw = dict(kappa=2.0, theta=0.04, xi=0.5, rho=-0.5, lam=1.0, mu_j=-0.05, sigma_j=0.05)
    kw[field] = value
    with pytest.raises(ValueError, match=field):
        m.BatesParams(**kw)


def test_params_properties():
    p = m.BatesParams(kappa=2.0, theta=0.04, xi=0.4, rho=-0.5, lam=2.0, mu_j=-0.1, sigma_j=0.1)
    assert p.jump_variance == pytest.approx(2.0 * (0.01 + 0.01))
    assert p.kbar == pytest.approx(np.exp(-0.1 + 0.005) - 1.0)
    assert p.feller == pytest.approx(2 * 2 * 0.04 / 0.16)
    assert list(p.to_series().index) == ["kappa", "theta", "xi", "rho", "lam", "mu_j", "sigma_j"]


def test_check_pair_requires_same_diffusion():
    with pytest.raises(ValueError, match="xi"):
        m.check_pair(P, m.BatesParams(**{**Q.__dict__, "xi": P.xi + 0.1}))
    with pytest.raises(ValueError, match="rho"):
        m.check_pair(P, m.BatesParams(**{**Q.__dict__, "rho": 0.0}))
    with pytest.raises(ValueError, match="physical"):
        m.check_pair({"kappa": 1}, Q)


def test_calibrated_measures_are_a_pair_with_q_premia():
    m.check_pair(P, Q)
    assert Q.kappa < P.kappa and Q.theta > P.theta          # slower, higher under Q
    assert Q.lam > P.lam and Q.mu_j < P.mu_j                # more frequent, more negative jumps


# --------------------------------------------------------------------------- expectations

@given(kappa=st.floats(0.1, 10), theta=st.floats(0.005, 0.2), v0=st.floats(0.0, 0.3),
       t=st.floats(1 / 365, 3.0))
def test_expected_diffusive_variance_matches_integral_of_mean(kappa, theta, v0, t):
    p = m.BatesParams(kappa=kappa, theta=theta, xi=0.5, rho=0.0, lam=0.0, mu_j=0.0, sigma_j=0.0)
    # E[v_s] = theta + (v0 - theta) e^{-kappa s}, integrated numerically and averaged
    val, _ = integrate.quad(lambda s: theta + (v0 - theta) * np.exp(-kappa * s), 0.0, t)
    assert m.expected_variance(p, t, v0) == pytest.approx(val / t, rel=1e-9, abs=1e-14)


def test_expected_variance_parts_and_limits():
    parts = m.expected_variance_parts(P, 30 / 365, 0.05)
    assert parts["total"] == pytest.approx(parts["diffusive"] + parts["jump"])
    assert parts["jump"] == pytest.approx(P.lam * (P.mu_j**2 + P.sigma_j**2))
    # T -> 0: the spot variance; T -> infinity: the long-run variance
    assert m.expected_variance(P, 1e-9, 0.05) == pytest.approx(0.05 + P.jump_variance, rel=1e-7)
    # T large (10 years, the longest accepted): the long-run variance plus (v0 - theta) / (kappa T)
    assert m.expected_variance(P, 10.0, 0.05) == pytest.approx(
        P.theta + P.jump_variance + (0.05 - P.theta) / (P.kappa * 10.0), rel=1e-9)
    # vectorized over v0
    arr = m.expected_variance(P, 0.25, np.array([0.01, 0.02]))
    assert arr.shape == (2,) and arr[1] > arr[0]


def test_variance_premium_is_difference_of_expectations():
    vp = m.variance_premium(P, Q, 30 / 365, P.theta)
    eq = m.expected_variance_parts(Q, 30 / 365, P.theta)
    ep = m.expected_variance_parts(P, 30 / 365, P.theta)
    for k in ("diffusive", "jump", "total"):
        assert vp[k] == pytest.approx(eq[k] - ep[k])
    assert vp["total"] > 0 and vp["jump"] > 0 and vp["diffusive"] > 0


@pytest.mark.parametrize("bad", [dict(horizon=0.0), dict(horizon=-1.0), dict(v0=-0.01), dict(v0=np.nan)])
def test_expected_variance_bad_input(bad):
    kw = dict(horizon=0.1, v0=0.04)
    kw.update(bad)
    with pytest.raises(ValueError):
        m.expected_variance(P, **kw)
    with pytest.raises(ValueError):
        m.expected_variance_parts(P, **kw)
    with pytest.raises(ValueError):
        m.log_contract_variance(P, **kw)


def test_expected_variance_rejects_non_params():
    with pytest.raises(ValueError, match="params"):
        m.expected_variance((2.0, 0.04), 0.1, 0.04)
    with pytest.raises(ValueError, match="physical"):
        m.variance_premium(None, Q, 0.1, 0.04)


def test_log_contract_variance():
    # no jumps: the log contract prices the expected variance
    assert m.log_contract_variance(HESTON, 0.5, 0.03) == pytest.approx(m.expected_variance(HESTON, 0.5, 0.03))
    # with jumps: 2 lam E[e^J - 1 - J] by numerical integration over the normal jump law
    val, _ = integrate.quad(lambda j: 2 * (np.expm1(j) - j) * stats.norm.pdf(j, Q.mu_j, Q.sigma_j), -1, 1)
    diff = m.expected_variance_parts(Q, 0.1, 0.04)["diffusive"]
    assert m.log_contract_variance(Q, 0.1, 0.04) == pytest.approx(diff + Q.lam * val, rel=1e-10)
    # negative jumps: the log contract is below the expected quadratic variation
    assert m.log_contract_variance(Q, 0.1, 0.04) < m.expected_variance(Q, 0.1, 0.04)


def test_stationary_law_moments():
    shape, scale = m.stationary_variance_law(P)
    assert shape * scale == pytest.approx(P.theta)
    assert shape * scale**2 == pytest.approx(P.theta * P.xi**2 / (2 * P.kappa))
    with pytest.raises(ValueError, match="xi"):
        m.stationary_variance_law(m.BatesParams(1, 0.04, 0.0, 0, 0, 0, 0))


def test_stationary_mean_vix_against_direct_integration():
    shape, scale = m.stationary_variance_law(P)
    f = lambda v: 100 * np.sqrt(m.expected_variance(Q, 30 / 365, v)) * stats.gamma.pdf(v, shape, scale=scale)  # noqa: E731
    val = integrate.quad(f, 0, 0.01, limit=200)[0] + integrate.quad(f, 0.01, 2.0, limit=200)[0]
    assert m.stationary_mean_vix(P, Q) == pytest.approx(val, rel=1e-6)


# --------------------------------------------------------------------------- Monte Carlo

def _mc_realized_variance(p, v0, n_days, n_paths, seed):
    sim = m.simulate(p, p, n_days, n_paths, seed, v0=v0)
    r = np.diff(np.log(sim.index), axis=0)
    rv = (r**2).sum(axis=0) * m.DAYS_PER_YEAR / n_days
    return rv.mean(), rv.std(ddof=1) / np.sqrt(n_paths), sim


@pytest.mark.parametrize("params,name", [(P, "P"), (Q, "Q")])
def test_monte_carlo_realized_variance_converges_to_closed_form(params, name):
    # 63 trading days, 20,000 paths from a high starting variance (so mean reversion matters).
    # SE is about 1.5 % of the mean; the drift's squared contribution is below 1e-5.
    v0 = 0.06
    mean, se, sim = _mc_realized_variance(params, v0, 63, 20_000, seed=11)
    exact = m.expected_variance(params, 63 / m.DAYS_PER_YEAR, v0)
    assert abs(mean - exact) < 4 * se, (name, mean, exact, se)
    # the spot variance itself: E[v_T] = theta + (v0 - theta) e^{-kappa T}
    vt = sim.variance[-1]
    ev = params.theta + (v0 - params.theta) * np.exp(-params.kappa * 63 / 252)
    assert abs(vt.mean() - ev) < 4 * vt.std(ddof=1) / np.sqrt(vt.size)


def test_monte_carlo_heston_call_price_within_standard_error():
    # under Q (drift = r), 20,000 paths of 63 daily steps; SE about 0.04 on a price near 4.
    r, t, v0 = 0.02, 63 / 252, 0.04
    sim = m.simulate(Q, Q, 63, 20_000, seed=5, v0=v0, drift=r)
    st_ = sim.index[-1]
    for k in (90.0, 100.0, 110.0):
        pay = np.exp(-r * t) * np.maximum(st_ - k, 0.0)
        se = pay.std(ddof=1) / np.sqrt(pay.size)
        assert abs(pay.mean() - m.call_price(Q, 100.0, k, t, v0, r)) < 4 * se


def test_simulate_shapes_frame_and_determinism():
    a = m.simulate(P, Q, 30, 4, seed=3)
    b = m.simulate(P, Q, 30, 4, seed=3)
    assert a.index.shape == (31, 4) and a.variance.shape == (31, 4) and a.vix.shape == (31, 4)
    np.testing.assert_array_equal(a.index, b.index)
    assert (a.variance >= 0).all() and (a.index > 0).all()
    np.testing.assert_allclose(a.vix, 100 * np.sqrt(m.expected_variance(Q, 30 / 365, a.variance)))
    f = a.to_frame(2)
    assert list(f.columns) == ["model_index", "model_vix"]
    assert isinstance(f.index, pd.DatetimeIndex) and f.index.name == "date" and len(f) == 31
    assert f.index[0] == pd.Timestamp(m.MODEL_START_DATE)
    assert (f.index.day_of_week < 5).all()
    assert a.n_days == 30 and a.n_paths == 4
    c = m.simulate(P, P, 5, 2, seed=1, v0=0.02, s0=50.0)
    assert (c.variance[0] == 0.02).all() and (c.index[0] == 50.0).all()


def test_simulate_no_vol_of_variance_no_jumps_is_black_scholes():
    bs = m.BatesParams(kappa=2.0, theta=0.04, xi=0.0, rho=0.0, lam=0.0, mu_j=0.0, sigma_j=0.0)
    sim = m.simulate(bs, bs, 252, 2000, seed=2, v0=0.04)
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
        m.simulate(**args)


def test_simulate_rejects_inconsistent_measures_and_bad_path():
    with pytest.raises(ValueError, match="xi"):
        m.simulate(P, HESTON, 10, 2, 1)
    sim = m.simulate(P, Q, 10, 2, 1)
    with pytest.raises(ValueError, match="path"):
        sim.to_frame(2)


def test_long_sample_table_matches_premium_summary_on_one_path():
    sim = m.simulate(P, Q, 600, 3, seed=4)
    tab = m.long_sample_table(sim, windows=(21,))
    per_path = [premium.summary(sim.to_frame(j)["model_vix"], sim.to_frame(j)["model_index"], 21)["avg_vrp"]
                for j in range(3)]
    assert tab.loc["21-day", "Avg VRP (vol pts)"] == pytest.approx(np.mean(per_path))
    assert tab.loc["21-day", "SE VRP"] == pytest.approx(np.std(per_path, ddof=1) / np.sqrt(3))
    hits = [premium.summary(sim.to_frame(j)["model_vix"], sim.to_frame(j)["model_index"], 21)["hit_rate"]
            for j in range(3)]
    assert tab.loc["21-day", "SE hit rate"] == pytest.approx(np.std(hits, ddof=1) / np.sqrt(3))
    with pytest.raises(ValueError, match="paths"):
        m.long_sample_table("paths")


# --------------------------------------------------------------------------- option prices

def test_black_scholes_limits():
    k = np.array([70.0, 90.0, 100.0, 110.0, 140.0])
    det = m.BatesParams(kappa=2.0, theta=0.04, xi=0.0, rho=0.0, lam=0.0, mu_j=0.0, sigma_j=0.0)
    v0, t, r, q = 0.09, 0.5, 0.03, 0.01
    sigma = np.sqrt(m.expected_variance(det, t, v0))   # deterministic variance: BS at the average
    np.testing.assert_allclose(m.call_price(det, 100, k, t, v0, r, q), implied.bs_price(100, k, t, r, sigma, q),
                               rtol=1e-9, atol=1e-10)
    np.testing.assert_allclose(m.put_price(det, 100, k, t, v0, r, q),
                               implied.bs_price(100, k, t, r, sigma, q, kind="put"), rtol=1e-9, atol=1e-10)
    # vol of variance -> 0: the stochastic-volatility price tends to the same Black-Scholes
    # price, with an error linear in xi (the rho xi skew term)
    bs = implied.bs_price(100, k, t, r, sigma, q)
    errs = []
    for xi in (1e-1, 1e-2, 1e-3):
        near = m.BatesParams(kappa=2.0, theta=0.04, xi=xi, rho=-0.7, lam=0.0, mu_j=0.0, sigma_j=0.0)
        errs.append(np.max(np.abs(m.call_price(near, 100, k, t, v0, r, q) - bs)))
    assert errs[0] > errs[1] > errs[2] and errs[2] < 2e-3
    assert errs[1] / errs[2] == pytest.approx(10, rel=0.05)


def test_merton_jump_diffusion_limit():
    # xi = 0, constant variance (v0 = theta): Bates reduces to Merton (1976), priced by his series
    p = m.BatesParams(kappa=2.0, theta=0.04, xi=0.0, rho=0.0, lam=1.5, mu_j=-0.08, sigma_j=0.1)
    for k in (80.0, 100.0, 120.0):
        assert m.call_price(p, 100, k, 0.25, 0.04, 0.02) == pytest.approx(
            merton_call(100, k, 0.25, 0.02, 0.2, 1.5, -0.08, 0.1), rel=1e-8)


@pytest.mark.parametrize("k", [80.0, 100.0, 125.0])
def test_heston_price_against_independent_gil_pelaez(k):
    t, v0, r = 0.75, 0.05, 0.01
    assert m.call_price(HESTON, 100, k, t, v0, r) == pytest.approx(
        heston_gil_pelaez_call(HESTON, 100, k, t, v0, r), rel=1e-6)


def test_put_call_parity_and_no_arbitrage_shape():
    k = np.linspace(60, 160, 41)
    t, v0, r, q = 30 / 365, 0.03, 0.04, 0.015
    c = m.call_price(Q, 100, k, t, v0, r, q)
    p = m.put_price(Q, 100, k, t, v0, r, q)
    np.testing.assert_allclose(c - p, np.exp(-r * t) * (100 * np.exp((r - q) * t) - k), atol=1e-10)
    assert (np.diff(c) < 1e-9).all()                    # decreasing in the strike (to quadrature accuracy)
    assert (np.diff(c, 2) > -1e-10).all()               # convex in the strike
    assert (c >= np.maximum(100 * np.exp(-q * t) - k * np.exp(-r * t), 0) - 1e-10).all()
    # a skew: Q has negative rho and negative jumps, so low strikes carry higher implied vol
    iv = implied.implied_vol(m.put_price(Q, 100, np.array([85.0, 100.0]), t, v0, r, q), 100,
                             np.array([85.0, 100.0]), t, r, q, kind="put")
    assert iv[0] > iv[1]
    assert isinstance(m.call_price(Q, 100, 100.0, t, v0), float)


@pytest.mark.parametrize("kw,match", [(dict(spot=-1), "spot"), (dict(strike=[100, -5]), "strike"),
                                      (dict(t=0.0), "t"), (dict(v0=-0.1), "v0"),
                                      (dict(r=np.nan), "r"), (dict(params=None), "params")])
def test_option_prices_bad_input(kw, match):
    args = dict(params=Q, spot=100.0, strike=100.0, t=0.1, v0=0.04)
    args.update(kw)
    for f in (m.call_price, m.put_price):
        with pytest.raises(ValueError, match=match):
            f(**args)


def test_characteristic_function_martingale_and_bad_input():
    assert m.characteristic_function(Q, -1j, 0.5, 0.04) == pytest.approx(1.0)
    assert m.characteristic_function(Q, 0.0, 0.5, 0.04) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="t must be positive"):
        m.characteristic_function(Q, 1.0, -0.5, 0.04)


# --------------------------------------------------------------------------- the Cboe method on model chains

def _cboe_error(dk, k_lo, k_hi, v0=0.03, t=30 / 365, r=0.02):
    strikes = np.arange(k_lo, k_hi + dk / 2, dk)
    chain = m.model_chain(Q, 100.0, t, v0, strikes, r=r)
    return implied.cboe_variance(chain, t=t, r=r) - m.log_contract_variance(Q, t, v0)


def test_cboe_method_on_model_chains_recovers_log_contract_variance():
    # wide range: the error shrinks like the square of the strike spacing, and is below
    # 2e-5 (0.2 variance point) at a spacing of 0.25 % of spot
    errs = [_cboe_error(dk, 30.0, 250.0) for dk in (2.0, 1.0, 0.5, 0.25)]
    assert all(e > 0 for e in errs)
    for a, b in zip(errs, errs[1:]):
        assert a / b == pytest.approx(4.0, rel=0.1)
    assert errs[-1] < 2e-5
    # a truncated strike range understates the variance; widening it removes the error
    trunc = [_cboe_error(0.25, 100 - w, 100 + w) for w in (5.0, 10.0, 20.0)]
    assert trunc[0] < trunc[1] < trunc[2] and trunc[0] < -0.01 and abs(trunc[2]) < 1e-3
    # exact E^Q variance and log contract differ by the jumps' higher moments (small)
    gap = m.expected_variance(Q, 30 / 365, 0.03) - m.log_contract_variance(Q, 30 / 365, 0.03)
    assert 0 < gap < 0.002


def test_model_chain_layout_and_bad_input():
    chain = m.model_chain(Q, 100.0, 0.1, 0.04, np.arange(50.0, 151.0, 5.0), half_spread=0.05, min_bid=0.1)
    assert list(chain.columns) == list(implied.CHAIN_COLUMNS)
    implied.check_chain(chain)
    assert (chain["call_ask"] - chain["call_bid"] <= 0.1 + 1e-12).all()
    assert chain["call_bid"].iloc[-1] == 0.0          # far out of the money: no bid
    with pytest.raises(ValueError, match="strike"):
        m.model_chain(Q, 100.0, 0.1, 0.04, [100.0, 90.0, 110.0])
    with pytest.raises(ValueError, match="half_spread"):
        m.model_chain(Q, 100.0, 0.1, 0.04, [90.0, 100.0, 110.0], half_spread=-1)


# --------------------------------------------------------------------------- calibration

def test_block_variance_and_autocovariance_hand_values():
    idx = pd.bdate_range("2020-01-01", periods=7, name="date")
    r = pd.Series([0.01, -0.02, 0.0, 0.03, 0.01, -0.01, 0.5], index=idx)
    bv = m.block_variance(r, block=2, annualization=252)
    np.testing.assert_allclose(bv.to_numpy(), [126 * 0.0005, 126 * 0.0009, 126 * 0.0002])
    assert list(bv.index) == [idx[1], idx[3], idx[5]]
    x = np.array([1.0, 2.0, 4.0, 3.0])
    c = x - x.mean()
    np.testing.assert_allclose(m.autocovariance(x, 2), [np.dot(c[:-1], c[1:]) / 4, np.dot(c[:-2], c[2:]) / 4])
    with pytest.raises(ValueError, match="block"):
        m.block_variance(r, block=0)
    with pytest.raises(ValueError, match="three blocks"):
        m.block_variance(r, block=5)
    with pytest.raises(ValueError, match="max_lag"):
        m.autocovariance(x, 4)


def test_heston_block_autocovariance_against_double_integral():
    kappa, h = 3.0, 21 / 252
    for j in (1, 3):
        # Cov(ybar_0, ybar_j) / Var(v) = (1/h^2) int_0^h int_{jh}^{(j+1)h} e^{-kappa (t - s)} dt ds
        val, _ = integrate.dblquad(lambda t, s: np.exp(-kappa * (t - s)), 0, h, j * h, (j + 1) * h)
        assert m.heston_block_autocovariance(kappa, 1.0, h, [j])[0] == pytest.approx(val / h**2, rel=1e-8)


def test_detect_jumps_finds_planted_jumps():
    rng = np.random.default_rng(0)
    idx = pd.bdate_range("2000-01-03", periods=600, name="date")
    r = pd.Series(rng.normal(0, 0.01, 600), index=idx)
    r.iloc[[200, 400]] = [-0.08, 0.07]
    flags = m.detect_jumps(r, threshold=5.0)
    assert flags.iloc[200] and flags.iloc[400] and flags.sum() == 2
    with pytest.raises(ValueError, match="threshold"):
        m.detect_jumps(r, threshold=0)
    with pytest.raises(ValueError, match="more than"):
        m.detect_jumps(r.iloc[:50])


def test_calibrate_physical_reproduces_module_constants():
    p, info = m.calibrate_physical(data.load_spx()["close"])
    for f in ("kappa", "theta", "lam", "mu_j", "sigma_j"):
        assert getattr(p, f) == pytest.approx(getattr(P, f), rel=5e-3), f
    # xi (simulated moments) and rho (which divides by xi) to their rounding plus MC noise
    assert p.xi == pytest.approx(P.xi, abs=0.005) and p.rho == pytest.approx(P.rho, abs=0.01)
    assert info["n_jumps"] == round(P.lam * info["years"])
    assert info["xi_autocov"] > p.xi        # the extreme months alone would ask for more
    with pytest.raises(ValueError, match="xi_method"):
        m.calibrate_physical(data.load_spx()["close"], xi_method="guess")


def test_calibrate_risk_neutral_hits_target_and_reproduces_constant():
    q, eta0 = m.calibrate_risk_neutral(P, 19.5, eta1=1.0, lam=2.0, mu_j=-0.05, sigma_j=0.05)
    assert m.stationary_mean_vix(P, q) == pytest.approx(19.5, abs=1e-9)
    assert q.kappa == pytest.approx(Q.kappa) and q.theta == pytest.approx(Q.theta, abs=5e-5)
    assert q.kappa * q.theta == pytest.approx(P.kappa * P.theta + eta0)
    with pytest.raises(ValueError, match="target_vix"):
        m.calibrate_risk_neutral(P, 5.0, lam=50.0, mu_j=-0.2)
    with pytest.raises(ValueError, match="eta1"):
        m.risk_neutral_from_premia(P, 0.0, eta1=P.kappa)
    with pytest.raises(ValueError, match="eta0"):
        m.risk_neutral_from_premia(P, eta0=-1.0)


def test_model_long_sample_lands_near_source_table():
    # 100 paths of 33 years (the length of the 1990-2022 sample); SE of the average VRP ~0.04
    sim = m.simulate(P, Q, 33 * 252, 100, seed=7)
    tab = m.long_sample_table(sim, windows=(21,))
    row = tab.loc["21-day"]
    assert abs(row["Avg implied vol"] - 19.5) < 0.3
    assert abs(row["Avg realized vol"] - 15.5) < 0.5
    assert abs(row["Avg VRP (vol pts)"] - 4.0) < 0.5


# --------------------------------------------------------------------------- COS pricing

COS_GRID = [(p, t, v) for p in (P, Q, HESTON) for t in (7 / 365, 30 / 365, 0.25, 1.0, 2.0)
            for v in (0.01, p.theta, 0.1)]


@pytest.mark.parametrize("params,t,v0", COS_GRID)
def test_cos_matches_quadrature_to_1e8_per_100_of_spot(params, t, v0):
    # strikes across +-4 standard deviations of ln(S_T / F) and a fixed 50..150 grid; the
    # reference is the Lewis quadrature with 16,384 nodes (converged to about 1e-11 here)
    sd = np.sqrt(m.expected_variance(params, t, v0) * t)
    k = np.unique(np.concatenate([100 * np.exp(np.linspace(-4 * sd, 4 * sd, 41)),
                                  np.linspace(50, 150, 21)]))
    for f in (m.call_price, m.put_price):
        ref = f(params, 100.0, k, t, v0, 0.02, 0.01, n_nodes=16384, method="quad")
        got = f(params, 100.0, k, t, v0, 0.02, 0.01)
        assert np.max(np.abs(got - ref)) < 1e-8


def test_cos_black_scholes_limit_and_parity():
    # no vol of variance, no jumps: Black-Scholes at the average variance, to 1e-10
    det = m.BatesParams(kappa=2.0, theta=0.04, xi=0.0, rho=0.0, lam=0.0, mu_j=0.0, sigma_j=0.0)
    k = np.linspace(50, 160, 23)
    for t, v0 in ((7 / 365, 0.02), (0.5, 0.09), (3.0, 0.04)):
        sigma = np.sqrt(m.expected_variance(det, t, v0))
        for kind, f in (("call", m.call_price), ("put", m.put_price)):
            np.testing.assert_allclose(f(det, 100, k, t, v0, 0.03, 0.01, method="cos"),
                                       implied.bs_price(100, k, t, 0.03, sigma, 0.01, kind=kind),
                                       rtol=0, atol=1e-10)
    c = m.call_price(Q, 100, k, 0.3, 0.05, 0.03, 0.01)
    p = m.put_price(Q, 100, k, 0.3, 0.05, 0.03, 0.01)
    np.testing.assert_allclose(c - p, np.exp(-0.03 * 0.3) * (100 * np.exp(0.02 * 0.3) - k), atol=1e-12)
    # shape of the output follows the strikes
    assert m.call_price(Q, 100, k.reshape(23, 1), 0.3, 0.05).shape == (23, 1)
    assert isinstance(m.put_price(Q, 100, 90, 0.3, 0.05), float)


def test_cos_merton_limit():
    p = m.BatesParams(kappa=2.0, theta=0.04, xi=0.0, rho=0.0, lam=1.5, mu_j=-0.08, sigma_j=0.1)
    k = np.array([70.0, 85.0, 100.0, 115.0, 130.0])
    np.testing.assert_allclose(m.call_price(p, 100, k, 0.25, 0.04, 0.02, method="cos"),
                               [merton_call(100, kk, 0.25, 0.02, 0.2, 1.5, -0.08, 0.1) for kk in k],
                               rtol=0, atol=1e-9)


# --------------------------------------------------------------------------- input validation, one rule a test

GOOD_PRICE = dict(params=Q, spot=100.0, strike=[90.0, 100.0], t=0.1, v0=0.04, r=0.02, q=0.0)


@pytest.mark.parametrize("kw,match", [
    (dict(spot=None), "spot is None"),
    (dict(spot=True), "spot must be a number, got the boolean"),
    (dict(spot=np.inf), "spot is infinite"),
    (dict(spot=0.0), "spot must be positive"),
    (dict(strike=[90.0, np.nan]), "strike contains NaN"),
    (dict(strike=[90.0, np.inf]), "strike contains an infinite value"),
    (dict(strike=[]), "strike is empty"),
    (dict(strike=None), "strike is None"),
    (dict(strike=[True, False]), "strike must be numeric"),
    (dict(t=30.0), "t=30.0 is above 10 years: it looks like days; pass years"),
    (dict(t=np.nan), "t is NaN"),
    (dict(t=[0.1, 0.2]), "t must be a scalar"),
    (dict(v0=[0.04, 0.05]), "v0 must be a scalar spot variance"),
    (dict(v0=400.0), "looks like vol points or vol points squared; pass a decimal variance"),
    (dict(v0=20.0), "looks like vol points or vol points squared; pass a decimal variance"),
    (dict(v0=None), "v0 is None"),
    (dict(r=2.0), "r=2.0 is above 1 in absolute value: it looks like percent; pass a decimal"),
    (dict(q=-5.0), "q=-5.0 is above 1 in absolute value"),
    (dict(r=False), "r must be a number, got the boolean"),
    (dict(method="fft"), "method must be one of"),
    (dict(n_nodes=True), "n_nodes must be an integer"),
    (dict(params=P.to_series()), "params: expected BatesParams"),
])
def test_pricing_validation(kw, match):
    args = {**GOOD_PRICE, **kw}
    for f in (m.call_price, m.put_price):
        with pytest.raises(ValueError, match=match):
            f(**args)


@pytest.mark.parametrize("field,value,match", [
    ("kappa", None, "BatesParams.kappa is None"),
    ("theta", True, "BatesParams.theta must be a number, got the boolean"),
    ("xi", np.inf, "BatesParams.xi is infinite"),
    ("theta", 4.0e2, "BatesParams.theta=400.0 is above 4.*pass a decimal variance"),
    ("theta", 19.5, "pass a decimal variance"),
    ("mu_j", -5.0, "BatesParams.mu_j=-5.0.*looks like percent"),
    ("sigma_j", 5.0, "BatesParams.sigma_j=5.0.*looks like percent"),
    ("rho", np.array([0.1, 0.2]), "BatesParams.rho must be a scalar"),
])
def test_params_validation_messages(field, value, match):
    kw = dict(kappa=2.0, theta=0.04, xi=0.5, rho=-0.5, lam=1.0, mu_j=-0.05, sigma_j=0.05)
    kw[field] = value
    with pytest.raises(ValueError, match=match):
        m.BatesParams(**kw)


@pytest.mark.parametrize("call,match", [
    (lambda: m.expected_variance(P, 30, 0.04), "horizon=30.0 is above 10 years: it looks like days"),
    (lambda: m.expected_variance(P, [0.1, np.inf], 0.04), "horizon contains an infinite value"),
    (lambda: m.expected_variance(P, 0.1, None), "v0 is None"),
    (lambda: m.expected_variance(P, 0.1, 400.0), "pass a decimal variance"),
    (lambda: m.expected_variance(P, 0.1, [0.01, True]), "v0 must be numeric"),
    (lambda: m.expected_variance(P, [0.1, 0.2, 0.3], [0.01, 0.02]), "cannot be broadcast"),
    (lambda: m.expected_variance_parts(P, None, 0.04), "horizon is None"),
    (lambda: m.variance_premium(P, Q, 0.1, np.nan), "v0 contains NaN"),
    (lambda: m.log_contract_variance(Q, 0.1, -0.01), "v0: negative spot variance"),
    (lambda: m.diffusive_loading(np.nan, 0.1), "kappa is NaN"),
    (lambda: m.diffusive_loading(0.0, 0.1), "kappa must be positive"),
    (lambda: m.characteristic_function(Q, np.nan, 0.1, 0.04), "u contains NaN"),
    (lambda: m.characteristic_function(Q, None, 0.1, 0.04), "u must be a number"),
    (lambda: m.characteristic_function(Q, np.array([True, False]), 0.1, 0.04), "u must be a number"),
    (lambda: m.characteristic_function(Q, 1.0, 0.1, [0.04]), "v0 must be a scalar"),
    (lambda: m.stationary_mean_vix(P, Q, days=np.inf), "days is infinite"),
    (lambda: m.stationary_mean_vix(P, Q, n_nodes=True), "n_nodes must be an integer"),
    (lambda: m.risk_neutral_from_premia(P, eta0=True), "eta0 must be a number, got the boolean"),
    (lambda: m.risk_neutral_from_premia(P, eta1=None), "eta1 is None"),
    (lambda: m.calibrate_risk_neutral(P, target_vix=0.195), "looks like a decimal; pass vol points"),
    (lambda: m.calibrate_risk_neutral(P, target_vix=1950.0), "above 200 vol points"),
    (lambda: m.calibrate_risk_neutral(P, lam=np.nan), "lam is NaN"),
    (lambda: m.model_chain(Q, 100, 0.1, 0.04, [90.0, 100.0], half_spread=None), "half_spread is None"),
    (lambda: m.model_chain(Q, 100, 0.1, 0.04, [90.0, np.nan]), "strikes contains NaN"),
    (lambda: m.simulate(P, Q, 10, 2, seed=True), "seed must be an integer"),
    (lambda: m.simulate(P, Q, 10, 2, seed=1, drift=5.0), "drift=5.0.*looks like percent"),
    (lambda: m.simulate(P, Q, 10, 2, seed=1, v0=np.inf), "v0 is infinite"),
    (lambda: m.simulate(P, Q, 10, 2, seed=1, v0=0.2 ** 2 * 1e4), "pass a decimal variance"),
    (lambda: m.simulate(P, Q, 10, 2, seed=1, s0=None), "s0 is None"),
    (lambda: m.heston_block_autocovariance(2.0, 1.0, 1 / 12, [0, 1]), "lags must be integers"),
    (lambda: m.heston_block_autocovariance(np.nan, 1.0, 1 / 12, [1]), "kappa is NaN"),
    (lambda: m.heston_block_autocovariance(2.0, -1.0, 1 / 12, [1]), "var_v must be non-negative"),
    (lambda: m.autocovariance([1.0, np.inf, 2.0, 3.0], 1), "x contains an infinite value"),
    (lambda: m.autocovariance(None, 1), "x is None"),
    (lambda: m.autocovariance(np.ones((4, 2)), 1), "one-dimensional"),
    (lambda: m.autocovariance([1.0, 2.0, 3.0, 4.0], True), "max_lag must be an integer"),
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
        m.detect_jumps(mutate(_returns_series()), **kw)


@pytest.mark.parametrize("kw,match", [(dict(block=True), "block must be an integer"),
                                      (dict(annualization=np.nan), "annualization is NaN")])
def test_block_variance_validation(kw, match):
    with pytest.raises(ValueError, match=match):
        m.block_variance(_returns_series(), **kw)


@pytest.mark.parametrize("kw,match", [(dict(n_paths=0), "n_paths must be at least 1"),
                                      (dict(seed=-1), "seed must be at least 0"),
                                      (dict(n_years=np.inf), "n_years is infinite"),
                                      (dict(xi_method="both"), "xi_method")])
def test_calibrate_physical_validation(kw, match):
    prices = np.exp(_returns_series(600).cumsum())
    with pytest.raises(ValueError, match=match):
        m.calibrate_physical(prices, **kw)


def test_module_all_lists_public_names():
    public = {n for n in dir(m) if not n.startswith("_") and callable(getattr(m, n))
              and getattr(getattr(m, n), "__module__", "") == m.__name__}
    assert public <= set(m.__all__)
    assert all(hasattr(m, n) for n in m.__all__)


# --------------------------------------------------------------------------- the cached calibration

def test_cached_calibration_matches_the_published_constants_and_a_fresh_solve(tmp_path):
    cal = m.load_calibration()
    fit = cal["physical_fit"]
    for f in ("kappa", "theta", "lam", "mu_j", "sigma_j"):
        assert getattr(fit, f) == pytest.approx(getattr(P, f), rel=5e-3), f
    assert fit.xi == pytest.approx(P.xi, abs=0.005)
    # the risk-neutral solve is cheap: redo it and compare with the file
    q, eta0 = m.calibrate_risk_neutral(P, **{k: v for k, v in cal["risk_neutral_choices"].items()})
    assert eta0 == pytest.approx(cal["eta0"], rel=1e-12)
    assert cal["risk_neutral_fit"] == q
    tab = cal["long_sample"]["table"]
    assert list(tab.index) == ["21-day", "42-day", "63-day"] and tab.index.name == "Window"
    assert (tab["Hit rate (VRP > 0)"].between(0, 1)).all()
    assert cal["forecasts"]["scores"]["n"].dtype.kind == "i"
    # the file's inputs are the embedded data files
    for name, digest in cal["provenance"]["inputs_sha256"].items():
        import hashlib
        assert hashlib.sha256((data.DATA_DIR / name).read_bytes()).hexdigest() == digest
    with pytest.raises(ValueError, match="no calibration file"):
        m.load_calibration(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text("{}")
    with pytest.raises(ValueError, match="lacks"):
        m.load_calibration(tmp_path / "bad.json")
    (tmp_path / "broken.json").write_text("{")
    with pytest.raises(ValueError, match="not valid JSON"):
        m.load_calibration(tmp_path / "broken.json")


def test_stationary_mean_vix_log_contract_against_direct_integration():
    # the log-contract VIX: E^P[100 sqrt(diffusive + 2 lam (kbar - mu_j))] over the Gamma law,
    # integrated by scipy.quad; below the variance-swap VIX because Q jumps are negative
    shape, scale = m.stationary_variance_law(P)
    t = 30 / 365
    jump_log = 2 * Q.lam * (np.exp(Q.mu_j + Q.sigma_j**2 / 2) - 1 - Q.mu_j)

    def integrand(v):
        b = (1 - np.exp(-Q.kappa * t)) / (Q.kappa * t)
        return 100 * np.sqrt(Q.theta + (v - Q.theta) * b + jump_log) * stats.gamma.pdf(v, shape, scale=scale)

    direct, _ = integrate.quad(integrand, 0, 2.0, limit=400, points=[1e-6, 1e-3, 0.03])
    got = m.stationary_mean_vix(P, Q, contract="log")
    assert got == pytest.approx(direct, rel=1e-6)
    assert got < m.stationary_mean_vix(P, Q)
    # without jumps the two contracts agree
    q0 = m.BatesParams(**{**Q.__dict__, "lam": 0.0})
    p0 = m.BatesParams(**{**P.__dict__, "lam": 0.0})
    assert m.stationary_mean_vix(p0, q0, contract="log") == pytest.approx(m.stationary_mean_vix(p0, q0), rel=1e-12)
    # calibrating to the log contract needs a larger eta0 for the same target
    q_log, eta_log = m.calibrate_risk_neutral(P, 19.5, eta1=1.0, lam=2.0, mu_j=-0.05, sigma_j=0.05, contract="log")
    q_swap, eta_swap = m.calibrate_risk_neutral(P, 19.5, eta1=1.0, lam=2.0, mu_j=-0.05, sigma_j=0.05)
    assert eta_log > eta_swap and m.stationary_mean_vix(P, q_log, contract="log") == pytest.approx(19.5, abs=1e-8)
    with pytest.raises(ValueError, match="contract must be 'swap' or 'log'"):
        m.stationary_mean_vix(P, Q, contract="vix")


@pytest.mark.parametrize("call,match", [
    (lambda: m.BatesParams(kappa="2.0", theta=0.04, xi=0.5, rho=-0.5, lam=1.0, mu_j=-0.05, sigma_j=0.05),
     "BatesParams.kappa must be a number, got the string"),
    (lambda: m.call_price(Q, "100", 100.0, 0.1, 0.04), "spot must be a number, got the string"),
    (lambda: m.expected_variance(Q, "0.1", 0.04), "horizon must be numeric"),
    (lambda: m.expected_variance(Q, 0.1, ["0.04"]), "v0 must be numeric"),
    (lambda: m.calibrate_risk_neutral(P, target_vix="19.5"), "target_vix must be a number"),
    (lambda: m.ModelPaths(index=np.full((3, 2), np.nan), variance=np.ones((3, 2)), vix=np.ones((3, 2)),
                          physical=P, risk_neutral=Q, days_per_year=252, seed=1), "ModelPaths.index contains NaN"),
    (lambda: m.ModelPaths(index=np.ones((3, 2)), variance=np.ones((2, 2)), vix=np.ones((3, 2)),
                          physical=P, risk_neutral=Q, days_per_year=252, seed=1), "must have one shape"),
    (lambda: m.ModelPaths(index=np.ones((3, 2)), variance=np.ones((3, 2)), vix=np.ones((3, 2)),
                          physical=P, risk_neutral=Q, days_per_year=252, seed=None), "ModelPaths.seed"),
    (lambda: m.ModelPaths(index=np.ones((3, 2)), variance=-np.ones((3, 2)), vix=np.ones((3, 2)),
                          physical=P, risk_neutral=Q, days_per_year=252, seed=1), "ModelPaths.variance"),
    (lambda: m.load_calibration(3.0), "path must be a file path"),
])
def test_strings_and_model_paths_validation(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("kw,match", [(dict(jump_threshold=np.nan), "jump_threshold is NaN"),
                                      (dict(jump_window=True), "jump_window must be an integer"),
                                      (dict(jump_window=700), "prices: need more than jump_window")])
def test_calibrate_physical_names_its_jump_arguments(kw, match):
    prices = np.exp(_returns_series(600).cumsum())
    with pytest.raises(ValueError, match=match):
        m.calibrate_physical(prices, **kw)


@given(kappa=st.floats(0.1, 10), theta=st.floats(0.005, 0.5), xi=st.floats(0.0, 3.0),
       rho=st.floats(-0.99, 0.99), lam=st.floats(0.0, 10.0), mu_j=st.floats(-0.3, 0.3),
       sigma_j=st.floats(0.0, 0.3), t=st.floats(1e-4, 10.0), v0=st.floats(0.0, 1.0))
def test_cos_prices_are_finite_and_within_no_arbitrage_bounds(kappa, theta, xi, rho, lam, mu_j,
                                                              sigma_j, t, v0):
    p = m.BatesParams(kappa=kappa, theta=theta, xi=xi, rho=rho, lam=lam, mu_j=mu_j, sigma_j=sigma_j)
    k = np.array([1e-3, 50.0, 90.0, 100.0, 110.0, 200.0, 1e5])
    r, q = 0.03, 0.01
    c = m.call_price(p, 100.0, k, t, v0, r, q)
    put = m.put_price(p, 100.0, k, t, v0, r, q)
    assert np.isfinite(c).all() and np.isfinite(put).all()
    fwd_disc, k_disc = 100.0 * np.exp(-q * t), k * np.exp(-r * t)
    assert (c >= np.maximum(fwd_disc - k_disc, 0.0) - 1e-7).all() and (c <= fwd_disc + 1e-7).all()
    assert (put >= np.maximum(k_disc - fwd_disc, 0.0) - 1e-7).all() and (put <= k_disc + 1e-7).all()
    np.testing.assert_allclose(c - put, fwd_disc - k_disc, atol=1e-9 * 1e3)


def test_characteristic_function_small_vol_of_variance_forms_agree():
    # below models._XI_SMALL the CF uses a cancellation-free form of the same formula:
    # continuous across the switch, and tending to the xi = 0 (deterministic variance) CF
    u = np.array([0.3, 1.0, 4.0, 20.0]) - 0.5j
    base = dict(kappa=2.0, theta=0.04, rho=-0.7, lam=1.0, mu_j=-0.05, sigma_j=0.1)
    lo = m.characteristic_function(m.BatesParams(xi=m._XI_SMALL * (1 - 1e-9), **base), u, 0.5, 0.03)
    hi = m.characteristic_function(m.BatesParams(xi=m._XI_SMALL * (1 + 1e-9), **base), u, 0.5, 0.03)
    np.testing.assert_allclose(lo, hi, rtol=1e-9)
    tiny = m.characteristic_function(m.BatesParams(xi=1e-30, **base), u, 0.5, 0.03)
    zero = m.characteristic_function(m.BatesParams(xi=0.0, **base), u, 0.5, 0.03)
    np.testing.assert_allclose(tiny, zero, rtol=1e-12)
