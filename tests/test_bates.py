"""Tests of vrp_lib.bates: the Bates model's expectations, characteristic function and
option prices against independent computations (closed forms, limit cases, another
pricing route, hypothesis properties).
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import integrate, stats

from vrp_lib import bates, calibration, implied

P, Q = bates.PHYSICAL, bates.RISK_NEUTRAL
HESTON = bates.BatesParams(kappa=1.5, theta=0.04, xi=0.5, rho=-0.7, lam=0.0, mu_j=0.0, sigma_j=0.0)


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
        bates.BatesParams(**kw)


def test_params_properties():
    p = bates.BatesParams(kappa=2.0, theta=0.04, xi=0.4, rho=-0.5, lam=2.0, mu_j=-0.1, sigma_j=0.1)
    assert p.jump_variance == pytest.approx(2.0 * (0.01 + 0.01))
    assert p.kbar == pytest.approx(np.exp(-0.1 + 0.005) - 1.0)
    assert p.feller == pytest.approx(2 * 2 * 0.04 / 0.16)
    assert list(p.to_series().index) == ["kappa", "theta", "xi", "rho", "lam", "mu_j", "sigma_j"]


def test_check_pair_requires_same_diffusion():
    with pytest.raises(ValueError, match="xi"):
        bates.check_pair(P, bates.BatesParams(**{**Q.__dict__, "xi": P.xi + 0.1}))
    with pytest.raises(ValueError, match="rho"):
        bates.check_pair(P, bates.BatesParams(**{**Q.__dict__, "rho": 0.0}))
    with pytest.raises(ValueError, match="physical"):
        bates.check_pair({"kappa": 1}, Q)


def test_calibrated_measures_are_a_pair_with_q_premia():
    bates.check_pair(P, Q)
    assert Q.kappa < P.kappa and Q.theta > P.theta          # slower, higher under Q
    assert Q.lam > P.lam and Q.mu_j < P.mu_j                # more frequent, more negative jumps


# --------------------------------------------------------------------------- expectations

@given(kappa=st.floats(0.1, 10), theta=st.floats(0.005, 0.2), v0=st.floats(0.0, 0.3),
       t=st.floats(1 / 365, 3.0))
def test_expected_diffusive_variance_matches_integral_of_mean(kappa, theta, v0, t):
    p = bates.BatesParams(kappa=kappa, theta=theta, xi=0.5, rho=0.0, lam=0.0, mu_j=0.0, sigma_j=0.0)
    # E[v_s] = theta + (v0 - theta) e^{-kappa s}, integrated numerically and averaged
    val, _ = integrate.quad(lambda s: theta + (v0 - theta) * np.exp(-kappa * s), 0.0, t)
    assert bates.expected_variance(p, t, v0) == pytest.approx(val / t, rel=1e-9, abs=1e-14)


def test_expected_variance_parts_and_limits():
    parts = bates.expected_variance_parts(P, 30 / 365, 0.05)
    assert parts["total"] == pytest.approx(parts["diffusive"] + parts["jump"])
    assert parts["jump"] == pytest.approx(P.lam * (P.mu_j**2 + P.sigma_j**2))
    # T -> 0: the spot variance; T -> infinity: the long-run variance
    assert bates.expected_variance(P, 1e-9, 0.05) == pytest.approx(0.05 + P.jump_variance, rel=1e-7)
    # T large (10 years, the longest accepted): the long-run variance plus (v0 - theta) / (kappa T)
    assert bates.expected_variance(P, 10.0, 0.05) == pytest.approx(
        P.theta + P.jump_variance + (0.05 - P.theta) / (P.kappa * 10.0), rel=1e-9)
    # vectorized over v0
    arr = bates.expected_variance(P, 0.25, np.array([0.01, 0.02]))
    assert arr.shape == (2,) and arr[1] > arr[0]


def test_variance_premium_is_difference_of_expectations():
    vp = bates.variance_premium(P, Q, 30 / 365, P.theta)
    eq = bates.expected_variance_parts(Q, 30 / 365, P.theta)
    ep = bates.expected_variance_parts(P, 30 / 365, P.theta)
    for k in ("diffusive", "jump", "total"):
        assert vp[k] == pytest.approx(eq[k] - ep[k])
    assert vp["total"] > 0 and vp["jump"] > 0 and vp["diffusive"] > 0


@pytest.mark.parametrize("bad", [dict(horizon=0.0), dict(horizon=-1.0), dict(v0=-0.01), dict(v0=np.nan)])
def test_expected_variance_bad_input(bad):
    kw = dict(horizon=0.1, v0=0.04)
    kw.update(bad)
    with pytest.raises(ValueError):
        bates.expected_variance(P, **kw)
    with pytest.raises(ValueError):
        bates.expected_variance_parts(P, **kw)
    with pytest.raises(ValueError):
        bates.log_contract_variance(P, **kw)


def test_expected_variance_rejects_non_params():
    with pytest.raises(ValueError, match="params"):
        bates.expected_variance((2.0, 0.04), 0.1, 0.04)
    with pytest.raises(ValueError, match="physical"):
        bates.variance_premium(None, Q, 0.1, 0.04)


def test_log_contract_variance():
    # no jumps: the log contract prices the expected variance
    assert bates.log_contract_variance(HESTON, 0.5, 0.03) == pytest.approx(bates.expected_variance(HESTON, 0.5, 0.03))
    # with jumps: 2 lam E[e^J - 1 - J] by numerical integration over the normal jump law
    val, _ = integrate.quad(lambda j: 2 * (np.expm1(j) - j) * stats.norm.pdf(j, Q.mu_j, Q.sigma_j), -1, 1)
    diff = bates.expected_variance_parts(Q, 0.1, 0.04)["diffusive"]
    assert bates.log_contract_variance(Q, 0.1, 0.04) == pytest.approx(diff + Q.lam * val, rel=1e-10)
    # negative jumps: the log contract is below the expected quadratic variation
    assert bates.log_contract_variance(Q, 0.1, 0.04) < bates.expected_variance(Q, 0.1, 0.04)


def test_stationary_law_moments():
    shape, scale = bates.stationary_variance_law(P)
    assert shape * scale == pytest.approx(P.theta)
    assert shape * scale**2 == pytest.approx(P.theta * P.xi**2 / (2 * P.kappa))
    with pytest.raises(ValueError, match="xi"):
        bates.stationary_variance_law(bates.BatesParams(1, 0.04, 0.0, 0, 0, 0, 0))


def test_stationary_mean_vix_against_direct_integration():
    shape, scale = bates.stationary_variance_law(P)
    f = lambda v: 100 * np.sqrt(bates.expected_variance(Q, 30 / 365, v)) * stats.gamma.pdf(v, shape, scale=scale)  # noqa: E731
    val = integrate.quad(f, 0, 0.01, limit=200)[0] + integrate.quad(f, 0.01, 2.0, limit=200)[0]
    assert bates.stationary_mean_vix(P, Q) == pytest.approx(val, rel=1e-6)


# --------------------------------------------------------------------------- option prices

def test_black_scholes_limits():
    k = np.array([70.0, 90.0, 100.0, 110.0, 140.0])
    det = bates.BatesParams(kappa=2.0, theta=0.04, xi=0.0, rho=0.0, lam=0.0, mu_j=0.0, sigma_j=0.0)
    v0, t, r, q = 0.09, 0.5, 0.03, 0.01
    sigma = np.sqrt(bates.expected_variance(det, t, v0))   # deterministic variance: BS at the average
    np.testing.assert_allclose(bates.call_price(det, 100, k, t, v0, r, q), implied.bs_price(100, k, t, r, sigma, q),
                               rtol=1e-9, atol=1e-10)
    np.testing.assert_allclose(bates.put_price(det, 100, k, t, v0, r, q),
                               implied.bs_price(100, k, t, r, sigma, q, kind="put"), rtol=1e-9, atol=1e-10)
    # vol of variance -> 0: the stochastic-volatility price tends to the same Black-Scholes
    # price, with an error linear in xi (the rho xi skew term)
    bs = implied.bs_price(100, k, t, r, sigma, q)
    errs = []
    for xi in (1e-1, 1e-2, 1e-3):
        near = bates.BatesParams(kappa=2.0, theta=0.04, xi=xi, rho=-0.7, lam=0.0, mu_j=0.0, sigma_j=0.0)
        errs.append(np.max(np.abs(bates.call_price(near, 100, k, t, v0, r, q) - bs)))
    assert errs[0] > errs[1] > errs[2] and errs[2] < 2e-3
    assert errs[1] / errs[2] == pytest.approx(10, rel=0.05)


def test_merton_jump_diffusion_limit():
    # xi = 0, constant variance (v0 = theta): Bates reduces to Merton (1976), priced by his series
    p = bates.BatesParams(kappa=2.0, theta=0.04, xi=0.0, rho=0.0, lam=1.5, mu_j=-0.08, sigma_j=0.1)
    for k in (80.0, 100.0, 120.0):
        assert bates.call_price(p, 100, k, 0.25, 0.04, 0.02) == pytest.approx(
            merton_call(100, k, 0.25, 0.02, 0.2, 1.5, -0.08, 0.1), rel=1e-8)


@pytest.mark.parametrize("k", [80.0, 100.0, 125.0])
def test_heston_price_against_independent_gil_pelaez(k):
    t, v0, r = 0.75, 0.05, 0.01
    assert bates.call_price(HESTON, 100, k, t, v0, r) == pytest.approx(
        heston_gil_pelaez_call(HESTON, 100, k, t, v0, r), rel=1e-6)


def test_put_call_parity_and_no_arbitrage_shape():
    k = np.linspace(60, 160, 41)
    t, v0, r, q = 30 / 365, 0.03, 0.04, 0.015
    c = bates.call_price(Q, 100, k, t, v0, r, q)
    p = bates.put_price(Q, 100, k, t, v0, r, q)
    np.testing.assert_allclose(c - p, np.exp(-r * t) * (100 * np.exp((r - q) * t) - k), atol=1e-10)
    assert (np.diff(c) < 1e-9).all()                    # decreasing in the strike (to quadrature accuracy)
    assert (np.diff(c, 2) > -1e-10).all()               # convex in the strike
    assert (c >= np.maximum(100 * np.exp(-q * t) - k * np.exp(-r * t), 0) - 1e-10).all()
    # a skew: Q has negative rho and negative jumps, so low strikes carry higher implied vol
    iv = implied.implied_vol(bates.put_price(Q, 100, np.array([85.0, 100.0]), t, v0, r, q), 100,
                             np.array([85.0, 100.0]), t, r, q, kind="put")
    assert iv[0] > iv[1]
    assert isinstance(bates.call_price(Q, 100, 100.0, t, v0), float)


@pytest.mark.parametrize("kw,match", [(dict(spot=-1), "spot"), (dict(strike=[100, -5]), "strike"),
                                      (dict(t=0.0), "t"), (dict(v0=-0.1), "v0"),
                                      (dict(r=np.nan), "r"), (dict(params=None), "params")])
def test_option_prices_bad_input(kw, match):
    args = dict(params=Q, spot=100.0, strike=100.0, t=0.1, v0=0.04)
    args.update(kw)
    for f in (bates.call_price, bates.put_price):
        with pytest.raises(ValueError, match=match):
            f(**args)


def test_characteristic_function_martingale_and_bad_input():
    assert bates.characteristic_function(Q, -1j, 0.5, 0.04) == pytest.approx(1.0)
    assert bates.characteristic_function(Q, 0.0, 0.5, 0.04) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="t must be positive"):
        bates.characteristic_function(Q, 1.0, -0.5, 0.04)


# --------------------------------------------------------------------------- the Cboe method on model chains

def _cboe_error(dk, k_lo, k_hi, v0=0.03, t=30 / 365, r=0.02):
    strikes = np.arange(k_lo, k_hi + dk / 2, dk)
    chain = bates.model_chain(Q, 100.0, t, v0, strikes, r=r)
    return implied.cboe_variance(chain, t=t, r=r) - bates.log_contract_variance(Q, t, v0)


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
    gap = bates.expected_variance(Q, 30 / 365, 0.03) - bates.log_contract_variance(Q, 30 / 365, 0.03)
    assert 0 < gap < 0.002


def test_model_chain_layout_and_bad_input():
    chain = bates.model_chain(Q, 100.0, 0.1, 0.04, np.arange(50.0, 151.0, 5.0), half_spread=0.05, min_bid=0.1)
    assert list(chain.columns) == list(implied.CHAIN_COLUMNS)
    implied.check_chain(chain)
    assert (chain["call_ask"] - chain["call_bid"] <= 0.1 + 1e-12).all()
    assert chain["call_bid"].iloc[-1] == 0.0          # far out of the money: no bid
    with pytest.raises(ValueError, match="strike"):
        bates.model_chain(Q, 100.0, 0.1, 0.04, [100.0, 90.0, 110.0])
    with pytest.raises(ValueError, match="half_spread"):
        bates.model_chain(Q, 100.0, 0.1, 0.04, [90.0, 100.0, 110.0], half_spread=-1)


# --------------------------------------------------------------------------- COS pricing

COS_GRID = [(p, t, v) for p in (P, Q, HESTON) for t in (7 / 365, 30 / 365, 0.25, 1.0, 2.0)
            for v in (0.01, p.theta, 0.1)]


@pytest.mark.parametrize("params,t,v0", COS_GRID)
def test_cos_matches_quadrature_to_1e8_per_100_of_spot(params, t, v0):
    # strikes across +-4 standard deviations of ln(S_T / F) and a fixed 50..150 grid; the
    # reference is the Lewis quadrature with 16,384 nodes (converged to about 1e-11 here)
    sd = np.sqrt(bates.expected_variance(params, t, v0) * t)
    k = np.unique(np.concatenate([100 * np.exp(np.linspace(-4 * sd, 4 * sd, 41)),
                                  np.linspace(50, 150, 21)]))
    for f in (bates.call_price, bates.put_price):
        ref = f(params, 100.0, k, t, v0, 0.02, 0.01, n_nodes=16384, method="quad")
        got = f(params, 100.0, k, t, v0, 0.02, 0.01)
        assert np.max(np.abs(got - ref)) < 1e-8


def test_cos_black_scholes_limit_and_parity():
    # no vol of variance, no jumps: Black-Scholes at the average variance, to 1e-10
    det = bates.BatesParams(kappa=2.0, theta=0.04, xi=0.0, rho=0.0, lam=0.0, mu_j=0.0, sigma_j=0.0)
    k = np.linspace(50, 160, 23)
    for t, v0 in ((7 / 365, 0.02), (0.5, 0.09), (3.0, 0.04)):
        sigma = np.sqrt(bates.expected_variance(det, t, v0))
        for kind, f in (("call", bates.call_price), ("put", bates.put_price)):
            np.testing.assert_allclose(f(det, 100, k, t, v0, 0.03, 0.01, method="cos"),
                                       implied.bs_price(100, k, t, 0.03, sigma, 0.01, kind=kind),
                                       rtol=0, atol=1e-10)
    c = bates.call_price(Q, 100, k, 0.3, 0.05, 0.03, 0.01)
    p = bates.put_price(Q, 100, k, 0.3, 0.05, 0.03, 0.01)
    np.testing.assert_allclose(c - p, np.exp(-0.03 * 0.3) * (100 * np.exp(0.02 * 0.3) - k), atol=1e-12)
    # shape of the output follows the strikes
    assert bates.call_price(Q, 100, k.reshape(23, 1), 0.3, 0.05).shape == (23, 1)
    assert isinstance(bates.put_price(Q, 100, 90, 0.3, 0.05), float)


def test_cos_merton_limit():
    p = bates.BatesParams(kappa=2.0, theta=0.04, xi=0.0, rho=0.0, lam=1.5, mu_j=-0.08, sigma_j=0.1)
    k = np.array([70.0, 85.0, 100.0, 115.0, 130.0])
    np.testing.assert_allclose(bates.call_price(p, 100, k, 0.25, 0.04, 0.02, method="cos"),
                               [merton_call(100, kk, 0.25, 0.02, 0.2, 1.5, -0.08, 0.1) for kk in k],
                               rtol=0, atol=1e-9)


# --------------------------------------------------------------------------- input validation, one rule a test

GOOD_PRICE = dict(params=Q, spot=100.0, strike=[90.0, 100.0], t=0.1, v0=0.04, r=0.02, q=0.0)


@pytest.mark.parametrize("kw,match", [
    (dict(spot=None), "spot must be a number, got None"),
    (dict(spot=True), "spot must be a number, got the boolean"),
    (dict(spot=np.inf), "spot must be finite, got an infinite value"),
    (dict(spot=0.0), "spot must be positive"),
    (dict(strike=[90.0, np.nan]), "strike: contains NaN"),
    (dict(strike=[90.0, np.inf]), "strike: contains an infinite value"),
    (dict(strike=[]), "strike: is empty"),
    (dict(strike=None), "strike: got None"),
    (dict(strike=[True, False]), "strike: booleans are not numbers"),
    (dict(t=30.0), "t=30.0 is above 10 years: it looks like days; pass years"),
    (dict(t=np.nan), "t must be finite, got NaN"),
    (dict(t=[0.1, 0.2]), "t must be a number, got"),
    (dict(v0=[0.04, 0.05]), "v0 must be a scalar spot variance"),
    (dict(v0=400.0), "looks like vol points or vol points squared; pass a decimal variance"),
    (dict(v0=20.0), "looks like vol points or vol points squared; pass a decimal variance"),
    (dict(v0=None), "v0 must be a number, got None"),
    (dict(r=2.0), "r=2.0 is above 1 in absolute value: it looks like percent; pass a decimal"),
    (dict(q=-5.0), "q=-5.0 is above 1 in absolute value"),
    (dict(r=False), "r must be a number, got the boolean"),
    (dict(method="fft"), "method must be one of"),
    (dict(n_nodes=True), "n_nodes must be an integer"),
    (dict(params=P.to_series()), "params: expected BatesParams"),
])
def test_pricing_validation(kw, match):
    args = {**GOOD_PRICE, **kw}
    for f in (bates.call_price, bates.put_price):
        with pytest.raises(ValueError, match=match):
            f(**args)


@pytest.mark.parametrize("field,value,match", [
    ("kappa", None, "BatesParams.kappa must be a number, got None"),
    ("theta", True, "BatesParams.theta must be a number, got the boolean"),
    ("xi", np.inf, "BatesParams.xi must be finite, got an infinite value"),
    ("theta", 4.0e2, "BatesParams.theta=400.0 is above 4.*pass a decimal variance"),
    ("theta", 19.5, "pass a decimal variance"),
    ("mu_j", -5.0, "BatesParams.mu_j=-5.0.*looks like percent"),
    ("sigma_j", 5.0, "BatesParams.sigma_j=5.0.*looks like percent"),
    ("rho", np.array([0.1, 0.2]), "BatesParams.rho must be a number, got"),
])
def test_params_validation_messages(field, value, match):
    kw = dict(kappa=2.0, theta=0.04, xi=0.5, rho=-0.5, lam=1.0, mu_j=-0.05, sigma_j=0.05)
    kw[field] = value
    with pytest.raises(ValueError, match=match):
        bates.BatesParams(**kw)


@pytest.mark.parametrize("call,match", [
    (lambda: bates.expected_variance(P, 30, 0.04), "horizon=30.0 is above 10 years: it looks like days"),
    (lambda: bates.expected_variance(P, [0.1, np.inf], 0.04), "horizon: contains an infinite value"),
    (lambda: bates.expected_variance(P, 0.1, None), "v0: got None"),
    (lambda: bates.expected_variance(P, 0.1, 400.0), "pass a decimal variance"),
    (lambda: bates.expected_variance(P, 0.1, [0.01, True]), "v0: contains None, a boolean or a string"),
    (lambda: bates.expected_variance(P, [0.1, 0.2, 0.3], [0.01, 0.02]), "cannot be broadcast"),
    (lambda: bates.expected_variance_parts(P, None, 0.04), "horizon: got None"),
    (lambda: bates.variance_premium(P, Q, 0.1, np.nan), "v0: contains NaN"),
    (lambda: bates.log_contract_variance(Q, 0.1, -0.01), "v0: negative spot variance"),
    (lambda: bates.diffusive_loading(np.nan, 0.1), "kappa must be finite, got NaN"),
    (lambda: bates.diffusive_loading(0.0, 0.1), "kappa must be positive"),
    (lambda: bates.characteristic_function(Q, np.nan, 0.1, 0.04), "u contains NaN"),
    (lambda: bates.characteristic_function(Q, None, 0.1, 0.04), "u must be a number"),
    (lambda: bates.characteristic_function(Q, np.array([True, False]), 0.1, 0.04), "u must be a number"),
    (lambda: bates.characteristic_function(Q, 1.0, 0.1, [0.04]), "v0 must be a scalar"),
    (lambda: bates.stationary_mean_vix(P, Q, days=np.inf), "days must be finite, got an infinite value"),
    (lambda: bates.stationary_mean_vix(P, Q, n_nodes=True), "n_nodes must be an integer"),
    (lambda: bates.risk_neutral_from_premia(P, eta0=True), "eta0 must be a number, got the boolean"),
    (lambda: bates.risk_neutral_from_premia(P, eta1=None), "eta1 must be a number, got None"),
    (lambda: bates.model_chain(Q, 100, 0.1, 0.04, [90.0, 100.0], half_spread=None), "half_spread must be a number, got None"),
    (lambda: bates.model_chain(Q, 100, 0.1, 0.04, [90.0, np.nan]), "strikes: contains NaN"),
])
def test_validation_messages(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_stationary_mean_vix_log_contract_against_direct_integration():
    # the log-contract VIX: E^P[100 sqrt(diffusive + 2 lam (kbar - mu_j))] over the Gamma law,
    # integrated by scipy.quad; below the variance-swap VIX because Q jumps are negative
    shape, scale = bates.stationary_variance_law(P)
    t = 30 / 365
    jump_log = 2 * Q.lam * (np.exp(Q.mu_j + Q.sigma_j**2 / 2) - 1 - Q.mu_j)

    def integrand(v):
        b = (1 - np.exp(-Q.kappa * t)) / (Q.kappa * t)
        return 100 * np.sqrt(Q.theta + (v - Q.theta) * b + jump_log) * stats.gamma.pdf(v, shape, scale=scale)

    direct, _ = integrate.quad(integrand, 0, 2.0, limit=400, points=[1e-6, 1e-3, 0.03])
    got = bates.stationary_mean_vix(P, Q, contract="log")
    assert got == pytest.approx(direct, rel=1e-6)
    assert got < bates.stationary_mean_vix(P, Q)
    # without jumps the two contracts agree
    q0 = bates.BatesParams(**{**Q.__dict__, "lam": 0.0})
    p0 = bates.BatesParams(**{**P.__dict__, "lam": 0.0})
    assert bates.stationary_mean_vix(p0, q0, contract="log") == pytest.approx(
        bates.stationary_mean_vix(p0, q0), rel=1e-12)
    # calibrating to the log contract needs a larger eta0 for the same target
    q_log, eta_log = calibration.calibrate_risk_neutral(P, 19.5, eta1=1.0, lam=2.0, mu_j=-0.05, sigma_j=0.05,
                                                        contract="log")
    q_swap, eta_swap = calibration.calibrate_risk_neutral(P, 19.5, eta1=1.0, lam=2.0, mu_j=-0.05, sigma_j=0.05)
    assert eta_log > eta_swap and bates.stationary_mean_vix(P, q_log, contract="log") == pytest.approx(19.5, abs=1e-8)
    with pytest.raises(ValueError, match="contract must be 'swap' or 'log'"):
        bates.stationary_mean_vix(P, Q, contract="vix")


@pytest.mark.parametrize("call,match", [
    (lambda: bates.BatesParams(kappa="2.0", theta=0.04, xi=0.5, rho=-0.5, lam=1.0, mu_j=-0.05, sigma_j=0.05),
     "BatesParams.kappa must be a number, got the string"),
    (lambda: bates.call_price(Q, "100", 100.0, 0.1, 0.04), "spot must be a number, got the string"),
    (lambda: bates.expected_variance(Q, "0.1", 0.04), "horizon: expected numbers, got the string"),
    (lambda: bates.expected_variance(Q, 0.1, ["0.04"]), "v0: contains None, a boolean or a string"),
])
def test_strings_and_model_paths_validation(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@given(kappa=st.floats(0.1, 10), theta=st.floats(0.005, 0.5), xi=st.floats(0.0, 3.0),
       rho=st.floats(-0.99, 0.99), lam=st.floats(0.0, 10.0), mu_j=st.floats(-0.3, 0.3),
       sigma_j=st.floats(0.0, 0.3), t=st.floats(1e-4, 10.0), v0=st.floats(0.0, 1.0))
def test_cos_prices_are_finite_and_within_no_arbitrage_bounds(kappa, theta, xi, rho, lam, mu_j,
                                                              sigma_j, t, v0):
    p = bates.BatesParams(kappa=kappa, theta=theta, xi=xi, rho=rho, lam=lam, mu_j=mu_j, sigma_j=sigma_j)
    k = np.array([1e-3, 50.0, 90.0, 100.0, 110.0, 200.0, 1e5])
    r, q = 0.03, 0.01
    c = bates.call_price(p, 100.0, k, t, v0, r, q)
    put = bates.put_price(p, 100.0, k, t, v0, r, q)
    assert np.isfinite(c).all() and np.isfinite(put).all()
    fwd_disc, k_disc = 100.0 * np.exp(-q * t), k * np.exp(-r * t)
    assert (c >= np.maximum(fwd_disc - k_disc, 0.0) - 1e-7).all() and (c <= fwd_disc + 1e-7).all()
    assert (put >= np.maximum(k_disc - fwd_disc, 0.0) - 1e-7).all() and (put <= k_disc + 1e-7).all()
    np.testing.assert_allclose(c - put, fwd_disc - k_disc, atol=1e-9 * 1e3)


def test_characteristic_function_small_vol_of_variance_forms_agree():
    # one cancellation-free form for every xi > 0 (there used to be a switch at
    # bates._XI_SMALL = 1e-3): continuous there, and tending to the xi = 0 (deterministic
    # variance) CF
    u = np.array([0.3, 1.0, 4.0, 20.0]) - 0.5j
    base = dict(kappa=2.0, theta=0.04, rho=-0.7, lam=1.0, mu_j=-0.05, sigma_j=0.1)
    lo = bates.characteristic_function(bates.BatesParams(xi=bates._XI_SMALL * (1 - 1e-9), **base), u, 0.5, 0.03)
    hi = bates.characteristic_function(bates.BatesParams(xi=bates._XI_SMALL * (1 + 1e-9), **base), u, 0.5, 0.03)
    np.testing.assert_allclose(lo, hi, rtol=1e-9)
    tiny = bates.characteristic_function(bates.BatesParams(xi=1e-30, **base), u, 0.5, 0.03)
    zero = bates.characteristic_function(bates.BatesParams(xi=0.0, **base), u, 0.5, 0.03)
    np.testing.assert_allclose(tiny, zero, rtol=1e-12)


def test_module_all_lists_public_names():
    public = {n for n in dir(bates) if not n.startswith("_") and callable(getattr(bates, n))
              and getattr(getattr(bates, n), "__module__", "") == bates.__name__}
    assert public <= set(bates.__all__)
    assert all(hasattr(bates, n) for n in bates.__all__)


# --------------------------------------------------------------------------- continuity as xi -> 0

def _mp_heston_cf(p, u, t, v0, dps=60):
    """The Heston characteristic function of ``ln(S_T / F)`` in the Albrecher et al. form, in
    ``dps``-digit arithmetic (mpmath): the cancellations of a tiny ``xi`` cost 2 log10(1/xi)
    of the 60 digits, which leaves more than 40."""
    import mpmath as mp

    with mp.workdps(dps):
        kappa, theta, xi, rho = (mp.mpf(x) for x in (p.kappa, p.theta, p.xi, p.rho))
        out = []
        for uu in np.atleast_1d(u):
            iu = mp.mpc(0, 1) * mp.mpc(uu.real, uu.imag)
            beta = kappa - rho * xi * iu
            d = mp.sqrt(beta**2 + xi**2 * (iu - iu**2))
            g = (beta - d) / (beta + d)
            e = mp.exp(-d * t)
            dd = (beta - d) / xi**2 * (1 - e) / (1 - g * e)
            cc = kappa * theta / xi**2 * ((beta - d) * t - 2 * mp.log((1 - g * e) / (1 - g)))
            out.append(complex(mp.exp(cc + dd * v0)))
    return np.array(out)


@pytest.mark.parametrize("xi", [1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 0.5, 2.0])
@pytest.mark.parametrize("rho", [0.0, -0.7])
def test_characteristic_function_small_xi_against_60_digit_reference(xi, rho):
    # numpy's complex log1p lost the digits of its tiny argument (relative error 1e-4 at
    # |x| = 1e-12): at xi = 1e-6 the CF was 5e-6 off. Now a few ulps of |phi| <= 1.
    p = bates.BatesParams(kappa=2.0, theta=0.04, xi=xi, rho=rho, lam=0.0, mu_j=0.0, sigma_j=0.0)
    u = np.array([0.1, 1.0, 5.0, 20.0, 50.0, 1.0 - 0.5j, 7.0 - 0.5j])
    for t in (7 / 365, 0.5, 2.0):
        got = bates.characteristic_function(p, u, t, 0.02)
        np.testing.assert_allclose(got, _mp_heston_cf(p, u, t, 0.02), rtol=0, atol=1e-14)


COS_LIMIT_STRIKES = np.array([70.0, 85.0, 95.0, 100.0, 105.0, 120.0, 150.0])


def _bs_deterministic(t, v0, kind, r=0.02, q=0.01):
    """Black-Scholes at the integrated CIR mean path: the xi -> 0 limit of the Bates price."""
    det = bates.BatesParams(kappa=2.0, theta=0.04, xi=0.0, rho=0.0, lam=0.0, mu_j=0.0, sigma_j=0.0)
    sigma = np.sqrt(bates.expected_variance(det, t, v0))
    return implied.bs_price(100.0, COS_LIMIT_STRIKES, t, r, sigma, q, kind=kind)


@pytest.mark.parametrize("t", [7 / 365, 30 / 365, 0.5, 2.0])
@pytest.mark.parametrize("v0", [0.02, 0.09])
def test_cos_price_continuous_as_xi_goes_to_zero(t, v0):
    # rho = 0, no jumps: the price tends to Black-Scholes at the average variance, the gap
    # of second order in xi (the vol-of-vol convexity; the rho term is zero). At xi = 1e-6
    # the gap is about 1e-12, below the 1e-10 bound with room for the series' own 1e-12
    # truncation (_COS_EPS) and rounding.
    for kind, f in (("call", bates.call_price), ("put", bates.put_price)):
        bs = _bs_deterministic(t, v0, kind)
        gaps = {}
        for xi in (0.0, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2):
            p = bates.BatesParams(kappa=2.0, theta=0.04, xi=xi, rho=0.0, lam=0.0, mu_j=0.0, sigma_j=0.0)
            gaps[xi] = np.max(np.abs(f(p, 100.0, COS_LIMIT_STRIKES, t, v0, 0.02, 0.01) - bs))
        assert gaps[1e-6] < 1e-10 and gaps[0.0] < 1e-10
        # smooth convergence: every gap below its xi^2 scaling from xi = 1e-2, plus rounding
        for xi, gap in gaps.items():
            assert gap <= 2.0 * gaps[1e-2] * (xi / 1e-2) ** 2 + 1e-11, (kind, xi, gap)
        # and second order where it stands above rounding: a decade of xi is two of the gap
        assert gaps[1e-3] / gaps[1e-4] == pytest.approx(100.0, rel=0.05)


@pytest.mark.parametrize("t", [7 / 365, 0.5, 2.0])
def test_cos_price_first_order_in_xi_with_correlation(t):
    # rho = -0.7: the gap to the limit is first order in xi, (C(xi) - C(0)) / xi tends to a
    # constant (the skew term): between xi = 1e-6 and 1e-5 the slopes agree to O(xi) relative
    v0 = 0.03
    base = dict(kappa=2.0, theta=0.04, rho=-0.7, lam=0.0, mu_j=0.0, sigma_j=0.0)
    c0 = bates.call_price(bates.BatesParams(xi=0.0, **base), 100.0, COS_LIMIT_STRIKES, t, v0, 0.02, 0.01)
    slopes = [(bates.call_price(bates.BatesParams(xi=xi, **base), 100.0, COS_LIMIT_STRIKES, t, v0, 0.02, 0.01)
               - c0) / xi for xi in (1e-6, 1e-5, 1e-4)]
    # rounding of the prices (1e-13) divided by xi = 1e-6 is 1e-7 of slope
    np.testing.assert_allclose(slopes[0], slopes[1], rtol=0, atol=1e-5 * np.max(np.abs(slopes[1])) + 1e-6)
    np.testing.assert_allclose(slopes[1], slopes[2], rtol=0, atol=1e-3 * np.max(np.abs(slopes[2])) + 1e-6)
    assert np.max(np.abs(slopes[1])) > 0.01      # a genuine first-order term, not zero


# --------------------------------------------------------------------------- absurd values refused

@pytest.mark.parametrize("field,value,match", [
    ("xi", 58.8, r"BatesParams.xi=58.8 is above 10: it looks like percent"),
    ("kappa", 5000.0, r"BatesParams.kappa=5000.0 is above 1000 per year"),
    ("lam", 1e4, r"BatesParams.lam must lie in \[0, 1000\] jumps per year"),
    ("lam", -0.5, r"BatesParams.lam must lie in \[0, 1000\]"),
    ("theta", 0.0, "BatesParams.theta must be a positive decimal variance"),
    ("rho", -1.01, r"BatesParams.rho must lie in \[-1, 1\]"),
    ("sigma_j", "0.05", "BatesParams.sigma_j must be a number, got the string"),
    ("mu_j", np.array([-0.05]), "BatesParams.mu_j must be a number"),
])
def test_params_absurd_values_refused(field, value, match):
    kw = dict(kappa=2.0, theta=0.04, xi=0.5, rho=-0.5, lam=1.0, mu_j=-0.05, sigma_j=0.05)
    kw[field] = value
    with pytest.raises(ValueError, match=match):
        bates.BatesParams(**kw)


def test_params_at_the_bounds_accepted():
    p = bates.BatesParams(kappa=bates.MAX_KAPPA, theta=0.04, xi=bates.MAX_XI, rho=-1.0, lam=bates.MAX_LAMBDA,
                          mu_j=-1.0, sigma_j=1.0)
    assert np.isfinite(bates.call_price(p, 100.0, 100.0, 0.1, 0.04))


@pytest.mark.parametrize("call,match", [
    (lambda: bates.call_price(Q, 100.0, 100.0, 0.1, 0.04, method="quad", n_nodes=4), "n_nodes must be at least 16"),
    (lambda: bates.put_price(Q, 100.0, 100.0, 0.1, 0.04, n_nodes=10**7), "n_nodes=10000000 is above 65536"),
    (lambda: bates.call_price(Q, 100.0, 100.0, 0.1, 0.04, n_nodes=256.5), "n_nodes must be an integer"),
    (lambda: bates.stationary_mean_vix(P, Q, n_nodes=1), "n_nodes must be at least 2"),
    (lambda: bates.stationary_mean_vix(P, Q, n_nodes=5000), "n_nodes=5000 is above 1000"),
    # checked also when the answer needs no quadrature (xi = 0)
    (lambda: bates.stationary_mean_vix(bates.BatesParams(**{**P.__dict__, "xi": 0.0}),
                                       bates.BatesParams(**{**Q.__dict__, "xi": 0.0}), n_nodes=-3),
     "n_nodes must be at least 2"),
])
def test_node_counts_bounded(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_integral_float_node_counts_read_as_integers():
    assert bates.call_price(Q, 100.0, 100.0, 0.1, 0.04, method="quad", n_nodes=512.0) == \
        bates.call_price(Q, 100.0, 100.0, 0.1, 0.04, method="quad", n_nodes=512)
    assert bates.stationary_mean_vix(P, Q, n_nodes=32.0) == bates.stationary_mean_vix(P, Q, n_nodes=32)


def test_half_life_halves_a_variance_shock():
    """ln 2 / kappa years; checked on the simulation's mean recursion with no vol of variance
    (the spot variance then follows its conditional mean exactly): a shock has halved after
    the half-life."""
    from vrp_lib import simulation

    kappa = np.log(2.0) * 252 / 21                       # a half-life of 21 trading days
    p = bates.BatesParams(kappa=kappa, theta=0.04, xi=0.0, rho=0.0, lam=0.0, mu_j=0.0, sigma_j=0.0)
    assert bates.half_life(p) == pytest.approx(21 / 252, rel=1e-15)
    v = simulation.simulate(p, p, 21, 1, seed=0, v0=0.10).variance[:, 0]
    assert v[21] - 0.04 == pytest.approx((0.10 - 0.04) / 2, rel=1e-12)
    assert bates.half_life(P) == pytest.approx(np.log(2) / P.kappa, rel=1e-15)
    with pytest.raises(ValueError, match="params: expected BatesParams"):
        bates.half_life(0.5)
