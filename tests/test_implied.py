"""vrp_lib.implied: Black-Scholes against closed forms and published values; the Cboe method
against every intermediate number the Cboe VIX white paper publishes."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from vrp_lib import data, implied

# ----------------------------------------------------------------------------- Black-Scholes


def test_bs_price_published_example():
    # Hull, Options, Futures and Other Derivatives, Example 15.6 (8th ed.):
    # S=42, K=40, r=10%, sigma=20%, T=0.5 -> call 4.76, put 0.81.
    assert implied.bs_price(42, 40, 0.5, 0.10, 0.20, kind="call") == pytest.approx(4.76, abs=5e-3)
    assert implied.bs_price(42, 40, 0.5, 0.10, 0.20, kind="put") == pytest.approx(0.81, abs=5e-3)


def test_bs_atm_forward_closed_form():
    # At the money forward, zero rates: C = S (2 N(sigma sqrt(T) / 2) - 1).
    s, v, t = 100.0, 0.25, 0.75
    n = 0.5 * (1 + math.erf(v * math.sqrt(t) / 2 / math.sqrt(2)))
    assert implied.bs_price(s, s, t, 0.0, v) == pytest.approx(s * (2 * n - 1), rel=1e-12)


@given(
    k=st.floats(50, 200), t=st.floats(0.01, 3), r=st.floats(-0.01, 0.08),
    v=st.floats(0.01, 1.5), q=st.floats(0, 0.05),
)
def test_bs_put_call_parity(k, t, r, v, q):
    s = 100.0
    c = implied.bs_price(s, k, t, r, v, q, "call")
    p = implied.bs_price(s, k, t, r, v, q, "put")
    assert c - p == pytest.approx(s * math.exp(-q * t) - k * math.exp(-r * t), abs=1e-9)


def test_bs_zero_vol_limit_is_discounted_intrinsic():
    assert implied.bs_price(100, 90, 1.0, 0.05, 0.0) == pytest.approx(100 - 90 * math.exp(-0.05))
    assert implied.bs_price(100, 110, 1.0, 0.0, 0.0, kind="call") == 0.0


def test_bs_vega_matches_finite_difference():
    h = 1e-6
    fd = (implied.bs_price(100, 105, 0.5, 0.02, 0.2 + h) - implied.bs_price(100, 105, 0.5, 0.02, 0.2 - h)) / (2 * h)
    assert implied.bs_vega(100, 105, 0.5, 0.02, 0.2) == pytest.approx(fd, rel=1e-6)


@given(k=st.floats(60, 160), t=st.floats(0.02, 2), v=st.floats(0.05, 1.0),
       kind=st.sampled_from(["call", "put"]))
def test_implied_vol_inverts_bs(k, t, v, kind):
    price = implied.bs_price(100, k, t, 0.01, v, kind=kind)
    # deep out-of-the-money options with prices at machine precision carry no information
    if price < 1e-6 * 100 or implied.bs_vega(100, k, t, 0.01, v) < 1e-4:
        return
    assert implied.implied_vol(price, 100, k, t, 0.01, kind=kind) == pytest.approx(v, rel=1e-7)


def test_implied_vol_vectorized():
    vols = np.array([0.1, 0.2, 0.4])
    prices = implied.bs_price(100, [90, 100, 110], 0.5, 0.0, vols)
    np.testing.assert_allclose(implied.implied_vol(prices, 100, [90, 100, 110], 0.5, 0.0), vols, rtol=1e-9)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(price=0.5, spot=100, strike=50, t=1, r=0), "no-arbitrage"),   # below intrinsic
        (dict(price=101, spot=100, strike=50, t=1, r=0), "no-arbitrage"),   # above spot
        (dict(price=5, spot=-100, strike=100, t=1, r=0), "spot"),
        (dict(price=5, spot=100, strike=100, t=0, r=0), "t must be positive"),
        (dict(price=5, spot=100, strike=100, t=1, r=0, kind="straddle"), "kind"),
        # the silent cases of issue 11: NaN rates, inf strike or t, lo above hi
        (dict(price=10.0, spot=100, strike=105, t=0.5, r=float("nan")), "r: contains NaN"),
        (dict(price=10.0, spot=100, strike=105, t=0.5, r=0.0, q=float("inf")), "q: contains an infinite"),
        (dict(price=10.0, spot=100, strike=float("inf"), t=0.5, r=0.0), "strike: contains an infinite"),
        (dict(price=10.0, spot=100, strike=105, t=float("inf"), r=0.0), "t: contains an infinite"),
        (dict(price=10.0, spot=100, strike=105, t=0.5, r=0.0, lo=0.5, hi=0.1), r"lo \(0.5\) must be below hi"),
        (dict(price=10.0, spot=100, strike=105, t=0.5, r=0.0, hi=10.0), "hi must be at most 5"),
        (dict(price=10.0, spot=100, strike=105, t=0.5, r=0.0, errors="ignore"), "errors must be"),
        (dict(price=[1.0, 2.0], spot=100, strike=[90, 100, 110], t=0.5, r=0.0), "lengths do not match"),
        (dict(price=None, spot=100, strike=105, t=0.5, r=0.0), "price is None"),
        (dict(price=[], spot=100, strike=105, t=0.5, r=0.0), "price is empty"),
        (dict(price=10.0, spot=100, strike=105, t=0.5, r=None), "r: got None"),
        (dict(price=99.0, spot=100, strike=5, t=0.5, r=0.0, hi=0.5), r"outside \[lo, hi\]"),
    ],
)
def test_implied_vol_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        implied.implied_vol(**kwargs)


def test_implied_vol_booleans_are_type_errors():
    with pytest.raises(TypeError, match="price holds booleans"):
        implied.implied_vol(True, 100, 100, 1, 0)
    with pytest.raises(TypeError, match="spot: booleans are not numbers"):
        implied.implied_vol(5.0, True, 100, 1, 0)


def _grid(n=20_000, seed=0):
    # maturities from one day to five years, moneyness up to 3 standard deviations
    rng = np.random.default_rng(seed)
    t = np.exp(rng.uniform(np.log(1 / 365), np.log(5.0), n))
    v = rng.uniform(0.05, 1.0, n)
    z = rng.uniform(-3.0, 3.0, n)
    r, q = 0.03, 0.01
    k = 100 * np.exp((r - q) * t) * np.exp(z * v * np.sqrt(t))
    return t, v, k, r, q


@pytest.mark.parametrize("kind", ["call", "put"])
def test_implied_vol_accuracy_on_a_wide_grid(kind):
    t, v, k, r, q = _grid()
    price = implied.bs_price(100, k, t, r, v, q, kind)
    iv = implied.implied_vol(price, 100, k, t, r, q, kind)
    assert iv.shape == v.shape
    assert np.max(np.abs(iv - v)) < 1e-10


def test_implied_vol_closed_form_at_the_money_forward():
    # at the money forward, zero rates: C = S (2 N(sigma sqrt(T) / 2) - 1), so
    # sigma = 2 N^{-1}((C/S + 1) / 2) / sqrt(T): an independent inversion
    from scipy.stats import norm

    c = np.array([0.5, 4.0, 20.0, 60.0])
    t = 0.75
    expected = 2 * norm.ppf((c / 100 + 1) / 2) / math.sqrt(t)
    np.testing.assert_allclose(implied.implied_vol(c, 100, 100, t, 0.0), expected, rtol=1e-12)


def test_implied_vol_broadcasts_2d():
    k = np.array([[90.0], [100.0], [110.0]])
    t = np.array([0.1, 0.5, 2.0])
    v = np.full((3, 3), 0.25)
    price = implied.bs_price(100, k, t, 0.01, v, kind="put")
    np.testing.assert_allclose(implied.implied_vol(price, 100, k, t, 0.01, kind="put"), v, atol=1e-12)


def test_implied_vol_price_at_intrinsic_is_zero_and_does_not_fail_the_array():
    # a deep in-the-money call whose float price equals its discounted intrinsic value
    deep = implied.bs_price(100, 1.0, 1.0, 0.05, 0.2)
    assert deep == pytest.approx(100 - math.exp(-0.05), abs=1e-12)
    atm = implied.bs_price(100, 100, 1.0, 0.05, 0.2)
    out = implied.implied_vol([deep, atm], 100, [1.0, 100.0], 1.0, 0.05)
    assert out[0] == 0.0 and out[1] == pytest.approx(0.2, abs=1e-12)
    # a zero price of an out-of-the-money option is the same boundary
    assert implied.implied_vol(0.0, 100, 150, 0.1, 0.0) == 0.0


def test_implied_vol_errors_raise_names_first_bad_quote_and_count():
    prices = np.array([5.0, 0.5, 4.0, 150.0])   # 0.5 below intrinsic (50), 150 above spot
    strikes = np.array([100.0, 50.0, 100.0, 50.0])
    with pytest.raises(ValueError, match=r"2 of 4 quote\(s\).*index \(1,\), price 0.5 for the call struck at 50"):
        implied.implied_vol(prices, 100, strikes, 1.0, 0.0)


def test_implied_vol_errors_nan_marks_only_bad_quotes():
    prices = np.array([5.0, 0.5, 4.0, np.nan, np.inf])
    strikes = np.array([100.0, 50.0, 100.0, 100.0, 100.0])
    out = implied.implied_vol(prices, 100, strikes, 1.0, 0.0, errors="nan")
    assert np.isnan(out[[1, 3, 4]]).all()
    np.testing.assert_allclose(out[[0, 2]], implied.implied_vol(prices[[0, 2]], 100, 100.0, 1.0, 0.0))


def test_bs_price_bad_input():
    with pytest.raises(ValueError, match="sigma"):
        implied.bs_price(100, 100, 1, 0, -0.2)
    with pytest.raises(ValueError, match="strike"):
        implied.bs_price(100, np.nan, 1, 0, 0.2)
    with pytest.raises(ValueError, match="kind"):
        implied.bs_price(100, 100, 1, 0, 0.2, kind="digital")


def test_bs_rejects_vol_points():
    # issue 11: bs_price(100, 100, 30/365, 0, 15.0) read 15 as 1500 %
    with pytest.raises(ValueError, match=r"sigma 15 is above 5 .*pass 0.15 for 15 vol points"):
        implied.bs_price(100, 100, 30 / 365, 0, 15.0)
    with pytest.raises(ValueError, match="sigma 20 is above 5"):
        implied.bs_vega(100, 100, 1, 0, 20.0)
    with pytest.raises(ValueError, match="sigma 20 is above 5"):
        implied.bs_delta(100, 100, 1, 0, 20.0)
    assert implied.bs_price(100, 100, 1, 0, 5.0) > 0          # 5 itself is accepted


BS_FUNCS = [implied.bs_price, implied.bs_delta, implied.bs_vega]
BS_ARGS = dict(spot=100.0, strike=100.0, t=0.5, r=0.01, sigma=0.2, q=0.0)


@pytest.mark.parametrize("func", BS_FUNCS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("arg", list(BS_ARGS))
@pytest.mark.parametrize(
    "bad, exc, match",
    [(np.nan, ValueError, "contains NaN"), (np.inf, ValueError, "infinite"), (-np.inf, ValueError, "infinite"),
     (None, ValueError, "got None"), (True, TypeError, "boolean"), ([], ValueError, "is empty"),
     ("0.2", TypeError, "string")],
)
def test_black_scholes_functions_validate_every_argument(func, arg, bad, exc, match):
    kwargs = dict(BS_ARGS, **{arg: bad})
    with pytest.raises(exc, match=f"{arg}.*{match}|{arg}: {match}|{arg} {match}"):
        func(**kwargs)


def test_black_scholes_mismatched_lengths():
    with pytest.raises(ValueError, match=r"lengths do not match: spot \(\), strike \(3,\), t \(2,\)"):
        implied.bs_price(100, [90, 100, 110], [0.1, 0.2], 0, 0.2)


# ----------------------------------------------------------------------------- Cboe method
# The Cboe VIX white paper (2014), worked example: near-term 25 days (35,924 minutes),
# next-term 32 days (46,394 minutes), R1 = 0.0305 %, R2 = 0.0286 %.
T1, T2 = 35_924 / 525_600, 46_394 / 525_600
R1, R2 = 0.000305, 0.000286
# The current Cboe methodology document reuses the quotes with 34,484 and 44,954 minutes and
# R1 = 0.031664 %, R2 = 0.028797 %, and publishes sigma^2 = 0.019233906 and 0.019423884.
T1_CUR, T2_CUR = 34_484 / 525_600, 44_954 / 525_600
R1_CUR, R2_CUR = 0.00031664, 0.00028797


@pytest.fixture(scope="module")
def near():
    return data.load_cboe_whitepaper_quotes("near")


@pytest.fixture(scope="module")
def nxt():
    return data.load_cboe_whitepaper_quotes("next")


def test_published_time_to_expiry():
    assert T1 == pytest.approx(0.0683486, abs=5e-8)
    assert T2 == pytest.approx(0.0882686, abs=5e-8)


def test_forward_and_k0(near, nxt):
    f1, k1 = implied.cboe_forward(near, t=T1, r=R1)
    f2, k2 = implied.cboe_forward(nxt, t=T2, r=R2)
    assert (k1, k2) == (1965.0, 1960.0)  # strikes with the smallest call-put difference
    assert f1 == pytest.approx(1962.89996, abs=5e-6)
    assert f2 == pytest.approx(1962.40006, abs=5e-6)
    t1 = implied.cboe_term(near, t=T1, r=R1)
    t2 = implied.cboe_term(nxt, t=T2, r=R2)
    assert (t1.k0, t2.k0) == (1960.0, 1960.0)


def test_strip_selection_matches_white_paper(near, nxt):
    s1 = implied.cboe_strip(near, t=T1, r=R1)
    s2 = implied.cboe_strip(nxt, t=T2, r=R2)
    # end points of the strips, after the two-consecutive-zero-bids rule
    assert (s1.strike.iloc[0], s1.strike.iloc[-1]) == (1370.0, 2125.0)
    assert (s2.strike.iloc[0], s2.strike.iloc[-1]) == (1275.0, 2200.0)
    # "the 1350 and 1355 put options are not included despite having non-zero bid prices"
    assert not s1.strike.isin([1350.0, 1355.0]).any()
    # K0 price: (24.25 + 21.30) / 2 = 22.775 near, (27.30 + 24.90) / 2 = 26.10 next
    assert s1.loc[s1.strike == 1960, "mid"].item() == pytest.approx(22.775)
    assert s2.loc[s2.strike == 1960, "mid"].item() == pytest.approx(26.10)
    # Delta K of the lowest near-term put: 1375 - 1370 = 5; of the next-term 1325 put: 37.5
    assert s1.delta_k.iloc[0] == 5.0
    assert s2.loc[s2.strike == 1325, "delta_k"].item() == 37.5
    # The strip's sizes in the methodology's appendix table
    assert (len(s1), len(s2)) == (146, 122)


def test_term_variances_2014(near, nxt):
    t1 = implied.cboe_term(near, t=T1, r=R1)
    t2 = implied.cboe_term(nxt, t=T2, r=R2)
    # (1/T)(F/K0 - 1)^2 published as 0.00003203 and 0.00001699
    assert t1.forward_term == pytest.approx(0.00003203, abs=5e-9)
    assert t2.forward_term == pytest.approx(0.00001699, abs=5e-9)
    assert t1.variance == pytest.approx(0.018463, abs=5e-7)
    assert t2.variance == pytest.approx(0.018821, abs=5e-7)


def test_vix_2014_white_paper(near, nxt):
    vix = implied.cboe_vix(near, nxt, t_near=T1, t_next=T2, r_near=R1, r_next=R2)
    assert round(vix, 2) == 13.69


def test_vix_current_methodology(near, nxt):
    t1 = implied.cboe_term(near, t=T1_CUR, r=R1_CUR)
    t2 = implied.cboe_term(nxt, t=T2_CUR, r=R2_CUR)
    # published strip sums (before the 2/T factor) and sigma^2 to the printed digits
    assert t1.strip["contribution"].sum() == pytest.approx(0.0006320516, abs=5e-11)
    assert t2.strip["contribution"].sum() == pytest.approx(0.0008314016, abs=5e-11)
    assert t1.forward_term == pytest.approx(0.00003337, abs=5e-9)
    assert t2.forward_term == pytest.approx(0.00001753, abs=5e-9)
    assert t1.variance == pytest.approx(0.019233906, abs=2e-8)
    assert t2.variance == pytest.approx(0.019423884, abs=2e-8)
    vix = implied.cboe_vix(near, nxt, t_near=T1_CUR, t_next=T2_CUR, r_near=R1_CUR, r_next=R2_CUR)
    assert round(vix, 2) == 13.93


def test_interpolation_limits():
    # At exactly 30 days the interpolation returns that term's variance.
    t30 = 30 / 365
    assert implied.interpolate_variance(0.04, t30, 0.09, 40 / 365) == pytest.approx(0.04)
    assert implied.interpolate_variance(0.01, 20 / 365, 0.04, t30) == pytest.approx(0.04)
    # A flat term structure interpolates to itself.
    assert implied.interpolate_variance(0.03, 25 / 365, 0.03, 32 / 365) == pytest.approx(0.03)


def _bs_chain(step, s=100.0, t=30 / 365, r=0.01, v=0.2):
    k = np.arange(30.0, 300.0, step)
    c = implied.bs_price(s, k, t, r, v, kind="call")
    p = implied.bs_price(s, k, t, r, v, kind="put")
    return pd.DataFrame({"strike": k, "call_bid": c, "call_ask": c, "put_bid": p, "put_ask": p})


def test_cboe_variance_converges_to_black_scholes_variance():
    # A wide strip of Black-Scholes prices at one volatility: the model-free variance tends to
    # sigma^2 as the strike grid is refined, with an error of order (Delta K)^2.
    t, r, v = 30 / 365, 0.01, 0.2
    err = [implied.cboe_variance(_bs_chain(dk), t=t, r=r) - v**2 for dk in (1.0, 0.5, 0.25)]
    assert abs(err[-1]) / v**2 < 5e-4
    assert err[0] / err[1] == pytest.approx(4.0, rel=0.05)
    assert err[1] / err[2] == pytest.approx(4.0, rel=0.05)


def _chain():
    return pd.DataFrame(
        {"strike": [90.0, 95, 100, 105, 110], "call_bid": [10.5, 6, 2.5, 0.8, 0.2],
         "call_ask": [11, 6.5, 3, 1.0, 0.3], "put_bid": [0.2, 0.8, 2.4, 5.8, 10.4],
         "put_ask": [0.3, 1.0, 2.9, 6.3, 10.9]}
    )


@pytest.mark.parametrize(
    "mutate, match",
    [
        (lambda c: c.iloc[[1, 0, 2, 3, 4]], "not sorted"),
        (lambda c: c.assign(strike=[90.0, 95, 95, 105, 110]), "duplicate strike 95"),
        (lambda c: c.assign(call_ask=[10.0, 6.5, 3, 1.0, 0.3]), "call ask below bid at strike 90"),
        (lambda c: c.drop(columns="put_bid"), "missing column"),
        (lambda c: c.assign(put_bid=[np.nan, 0.8, 2.4, 5.8, 10.4]), "NaN"),
        (lambda c: c.assign(put_bid=[-0.1, 0.8, 2.4, 5.8, 10.4]), "negative"),
    ],
)
def test_chain_bad_input(mutate, match):
    with pytest.raises(ValueError, match=match):
        implied.cboe_variance(mutate(_chain()), t=0.1, r=0.0)


def test_cboe_bad_time_and_terms():
    with pytest.raises(ValueError, match="t must be positive"):
        implied.cboe_variance(_chain(), t=0.0, r=0.0)
    with pytest.raises(ValueError, match="later than t_near"):
        implied.interpolate_variance(0.04, 0.1, 0.04, 0.05)
    with pytest.raises(ValueError, match="negative variance"):
        implied.interpolate_variance(-0.01, 0.05, 0.04, 0.1)
    with pytest.raises(ValueError, match="expected a DataFrame"):
        implied.cboe_variance([1, 2, 3], t=0.1, r=0.0)


def test_skew_smile_and_bs_chain():
    k = np.array([80.0, 100.0, 125.0])
    vols = implied.skew_smile(k, 100.0, 0.2, 0.1)
    np.testing.assert_allclose(vols, 0.2 - 0.1 * np.log(k / 100))
    chain = implied.bs_chain(100, k, 0.25, 0.0, vols, half_spread=0.05)
    assert list(chain.columns) == list(implied.CHAIN_COLUMNS)
    mid_call = 0.5 * (chain.call_bid + chain.call_ask)
    np.testing.assert_allclose(mid_call[1], implied.bs_price(100, 100, 0.25, 0.0, 0.2))
    assert (chain.call_ask - chain.call_bid <= 0.1 + 1e-12).all()
    with pytest.raises(ValueError, match="half_spread"):
        implied.bs_chain(100, k, 0.25, 0.0, 0.2, half_spread=-1)
    with pytest.raises(ValueError, match="not sorted"):
        implied.bs_chain(100, k[::-1], 0.25, 0.0, 0.2)


def test_fair_variance_above_atm_on_a_put_skew():
    # Demeterfi et al. (1999): with a linear skew the fair variance exceeds the ATM variance.
    f, t = 100.0, 30 / 365
    k = np.arange(40.0, 200.0, 0.5)
    flat = implied.cboe_variance(implied.bs_chain(f, k, t, 0.0, 0.2), t=t, r=0.0)
    skewed = implied.cboe_variance(implied.bs_chain(f, k, t, 0.0, implied.skew_smile(k, f, 0.2, 0.3)), t=t, r=0.0)
    assert skewed > flat


@given(k=st.floats(60, 160), t=st.floats(0.02, 2), v=st.floats(0.05, 1.0), q=st.floats(0, 0.04),
       kind=st.sampled_from(["call", "put"]))
def test_bs_delta_matches_finite_difference(k, t, v, q, kind):
    h = 1e-4
    fd = (implied.bs_price(100 + h, k, t, 0.02, v, q, kind) - implied.bs_price(100 - h, k, t, 0.02, v, q, kind)) / (2 * h)
    assert implied.bs_delta(100, k, t, 0.02, v, q, kind) == pytest.approx(fd, abs=1e-6)


def test_bs_delta_limits_and_parity():
    # call delta - put delta = e^{-qT}; zero volatility gives the step function
    assert implied.bs_delta(100, 90, 1, 0.0, 0.2, 0.03) - implied.bs_delta(100, 90, 1, 0.0, 0.2, 0.03, "put") == pytest.approx(math.exp(-0.03))
    np.testing.assert_allclose(implied.bs_delta(100, [90, 100, 110], 1, 0.0, 0.0), [1.0, 0.5, 0.0])
    with pytest.raises(ValueError, match="kind"):
        implied.bs_delta(100, 100, 1, 0, 0.2, kind="binary")


# ----------------------------------------------------------------------------- fast Cboe path

def test_cboe_variance_fast_path_equals_the_detailed_one(near, nxt):
    for chain, t, r in ((near, T1, R1), (nxt, T2, R2), (near, T1_CUR, R1_CUR)):
        assert implied.cboe_variance(chain, t=t, r=r) == pytest.approx(
            implied.cboe_variance(chain, t=t, r=r, detail=True).variance, abs=1e-15)


@pytest.mark.parametrize(
    "mutate, exc, match",
    [
        (lambda c: c.assign(call_ask=[11, 6.5, np.inf, 1.0, 0.3]), ValueError, "infinite value in column 'call_ask'"),
        (lambda c: c.assign(strike=[0.0, 95, 100, 105, 110]), ValueError, "strikes: must be positive"),
        (lambda c: c.assign(put_bid=["a", "b", "c", "d", "e"]), ValueError, "column 'put_bid' must be numeric"),
        (lambda c: c.assign(put_bid=[True] * 5), TypeError, "column 'put_bid' holds booleans"),
        (lambda c: c.iloc[:2], ValueError, "at least three strikes"),
    ],
)
def test_chain_more_bad_input(mutate, exc, match):
    with pytest.raises(exc, match=match):
        implied.cboe_variance(mutate(_chain()), t=0.1, r=0.0)


@pytest.mark.parametrize("func", [implied.cboe_forward, implied.cboe_strip, implied.cboe_term,
                                  implied.cboe_variance], ids=lambda f: f.__name__)
@pytest.mark.parametrize(
    "kw, exc, match",
    [(dict(t=np.nan), ValueError, "t: contains NaN"), (dict(t=np.inf), ValueError, "t: contains an infinite"),
     (dict(t=None), ValueError, "t: got None"), (dict(t=True), TypeError, "t: booleans are not numbers"),
     (dict(t=-0.1), ValueError, "t must be positive"), (dict(r=np.nan), ValueError, "r: contains NaN"),
     (dict(r=np.inf), ValueError, "r: contains an infinite"), (dict(r=None), ValueError, "r: got None"),
     (dict(r=False), TypeError, "r: booleans are not numbers"), (dict(r=[0.01, 0.02]), ValueError, "r must be one number")],
)
def test_cboe_functions_validate_t_and_r(func, kw, exc, match):
    args = dict(dict(t=0.1, r=0.0), **kw)
    with pytest.raises(exc, match=match):
        func(_chain(), **args)


def test_cboe_variance_detail_must_be_boolean():
    with pytest.raises(TypeError, match="detail must be True or False"):
        implied.cboe_variance(_chain(), t=0.1, r=0.0, detail="no")


@pytest.mark.parametrize(
    "kw, exc, match",
    [(dict(var_near=np.nan), ValueError, "var_near: contains NaN"),
     (dict(var_next=np.inf), ValueError, "var_next: contains an infinite"),
     (dict(t_near=None), ValueError, "t_near: got None"), (dict(t_next=True), TypeError, "t_next: booleans are not numbers"),
     (dict(days=0), ValueError, "days must be positive"), (dict(days=np.nan), ValueError, "days: contains NaN")],
)
def test_interpolate_variance_validates(kw, exc, match):
    args = dict(dict(var_near=0.04, t_near=20 / 365, var_next=0.05, t_next=40 / 365), **kw)
    with pytest.raises(exc, match=match):
        implied.interpolate_variance(**args)


def test_cboe_vix_validates_rates(near, nxt):
    with pytest.raises(ValueError, match="r_near: contains NaN"):
        implied.cboe_vix(near, nxt, t_near=T1, t_next=T2, r_near=np.nan, r_next=R2)
    with pytest.raises(ValueError, match="later than t_near"):
        implied.cboe_vix(near, nxt, t_near=T2, t_next=T1, r_near=R1, r_next=R2)


def test_model_chain_helpers_validate():
    k = np.array([80.0, 100.0, 125.0])
    with pytest.raises(ValueError, match="skew: contains NaN"):
        implied.skew_smile(k, 100.0, 0.2, np.nan)
    with pytest.raises(ValueError, match="atm_vol 20 is above 5"):
        implied.skew_smile(k, 100.0, 20.0, 0.1)
    with pytest.raises(ValueError, match="moneyness must be"):
        implied.skew_smile(k, 100.0, 0.2, 0.1, moneyness="delta")
    with pytest.raises(ValueError, match="forward must be positive"):
        implied.skew_smile(k, -1.0, 0.2, 0.1)
    with pytest.raises(ValueError, match="strikes: contains an infinite"):
        implied.bs_chain(100, [80.0, np.inf], 0.25, 0.0, 0.2)
    with pytest.raises(ValueError, match="r: contains NaN"):
        implied.bs_chain(100, k, 0.25, np.nan, 0.2)
    with pytest.raises(ValueError, match="half_spread: contains NaN"):
        implied.bs_chain(100, k, 0.25, 0.0, 0.2, half_spread=np.nan)


def test_skew_smile_by_strike():
    k = np.array([80.0, 100.0, 125.0])
    np.testing.assert_allclose(implied.skew_smile(k, 100.0, 0.2, 0.3, moneyness="strike"),
                               0.2 - 0.3 * (k / 100 - 1))


# ----------------------------------------------------------------------------- skew and the fair strike

def test_flat_smile_strip_recovers_sigma_squared():
    assert implied.smile_fair_variance(100.0, 0.25, 0.2, 0.0) == pytest.approx(0.04, rel=1e-4)


def test_skew_lifts_fair_variance_at_second_order():
    # Demeterfi et al. (1999): K_var = atm^2 (1 + 3 T b^2 + ...) for sigma = atm - b (K/F - 1)
    t, a = 0.25, 0.2
    base = implied.smile_fair_variance(100.0, t, a, 0.0)
    lift = {b: implied.smile_fair_variance(100.0, t, a, b) - base for b in (-0.1, 0.05, 0.1)}
    assert lift[0.1] == pytest.approx(3 * t * 0.1**2 * a**2, rel=0.03)
    assert lift[0.1] / lift[0.05] == pytest.approx(4.0, rel=0.03)   # quadratic in the slope
    # the sign does not matter to second order (the third-order term is 7 % of the lift here)
    assert lift[-0.1] == pytest.approx(lift[0.1], rel=0.1)
    assert implied.skew_fair_variance(a, 0.1, t) == pytest.approx(a**2 * (1 + 3 * t * 0.01))


def test_skew_fair_variance_validates():
    with pytest.raises(ValueError, match="atm_vol 15 is above 5"):
        implied.skew_fair_variance(15.0, 0.1, 0.25)
    with pytest.raises(ValueError, match="t must be positive"):
        implied.skew_fair_variance(0.15, 0.1, 0.0)
    with pytest.raises(ValueError, match="skew: contains an infinite"):
        implied.skew_fair_variance(0.15, np.inf, 0.25)
    with pytest.raises(ValueError, match="need 0 < lo < 1 < hi"):
        implied.smile_fair_variance(100.0, 0.25, 0.2, 0.1, lo=1.2)
    with pytest.raises(ValueError, match="n_strikes must be an integer"):
        implied.smile_fair_variance(100.0, 0.25, 0.2, 0.1, n_strikes=True)


def test_all_is_complete():
    import inspect

    public = {n for n, o in vars(implied).items() if not n.startswith("_")
              and (inspect.isfunction(o) or inspect.isclass(o)) and getattr(o, "__module__", "") == implied.__name__}
    assert public <= set(implied.__all__)
    assert all(hasattr(implied, n) for n in implied.__all__)


def test_implied_vol_deep_out_of_the_money_tiny_prices_are_inverted():
    # 8 standard deviations out of the money: a price of order 1e-16 still has a volatility
    k = 100 * np.exp(8 * 0.2 / math.sqrt(365))
    price = implied.bs_price(100, k, 1 / 365, 0.0, 0.2)
    assert 0 < price < 1e-15
    assert implied.implied_vol(price, 100, k, 1 / 365, 0.0) == pytest.approx(0.2, rel=1e-8)


def test_cboe_vix_names_the_argument(near, nxt):
    kw = dict(t_near=T1, t_next=T2, r_near=R1, r_next=R2)
    with pytest.raises(ValueError, match=r"^near: expected a DataFrame"):
        implied.cboe_vix(None, nxt, **kw)
    with pytest.raises(ValueError, match=r"^next: expected a DataFrame"):
        implied.cboe_vix(near, "abc", **kw)
    with pytest.raises(ValueError, match=r"^t_near must be positive"):
        implied.cboe_vix(near, nxt, **{**kw, "t_near": -T1})
    with pytest.raises(ValueError, match=r"^t_next: contains an infinite value"):
        implied.cboe_vix(near, nxt, **{**kw, "t_next": np.inf})
    with pytest.raises(ValueError, match=r"^r_next: contains NaN"):
        implied.cboe_vix(near, nxt, **{**kw, "r_next": np.nan})


def test_bs_chain_names_vols():
    k = np.array([80.0, 100.0, 125.0])
    with pytest.raises(ValueError, match=r"^vols 20 is above 5"):
        implied.bs_chain(100.0, k, 0.25, 0.02, 20.0)
    with pytest.raises(ValueError, match=r"^vols: contains NaN"):
        implied.bs_chain(100.0, k, 0.25, 0.02, np.array([0.2, np.nan, 0.2]))


def test_cboe_term_record_checks_its_fields(near):
    term = implied.cboe_term(near, t=T1, r=R1)
    fields = {f: getattr(term, f) for f in term.__dataclass_fields__}
    assert implied.CboeTerm(**fields).variance == term.variance  # a valid record builds
    for name, bad, exc, match in [
        ("t", 0.0, ValueError, r"^t must be positive"),
        ("r", np.nan, ValueError, r"^r must be finite"),
        ("forward", np.inf, ValueError, r"^forward must be positive"),
        ("k0", -1.0, ValueError, r"^k0 must be positive"),
        ("strip", None, TypeError, r"^strip must be a pandas DataFrame"),
        ("strip_term", np.nan, ValueError, r"^strip_term must be non-negative and finite"),
        ("forward_term", -1e-6, ValueError, r"\bforward_term\b"),
        ("variance", True, TypeError, r"\bvariance\b"),
    ]:
        with pytest.raises(exc, match=match):
            implied.CboeTerm(**{**fields, name: bad})


# ----------------------------------------------------------------------------- accurate tails

def _mp_price(s, k, t, r, v, q, kind):
    """Black-Scholes at 60 significant digits from the same (float) inputs."""
    import mpmath as mp

    with mp.workdps(60):
        s, k, t, r, v, q = (mp.mpf(float(a)) for a in (s, k, t, r, v, q))
        sd = v * mp.sqrt(t)
        d1 = (mp.log(s / k) + (r - q) * t) / sd + sd / 2
        d2 = d1 - sd
        if kind == "call":
            return s * mp.exp(-q * t) * mp.ncdf(d1) - k * mp.exp(-r * t) * mp.ncdf(d2)
        return k * mp.exp(-r * t) * mp.ncdf(-d2) - s * mp.exp(-q * t) * mp.ncdf(-d1)


def _tail_grid(n=400, seed=7, z_max=30.0):
    # maturities 1 day to 5 years, vols 1 % to 200 %, moneyness ln(K/F) / (sigma sqrt T) in
    # [-z_max, z_max], plus the corners of that box
    rng = np.random.default_rng(seed)
    t = np.exp(rng.uniform(np.log(1 / 365), np.log(5.0), n))
    v = np.exp(rng.uniform(np.log(0.01), np.log(2.0), n))
    z = rng.uniform(-z_max, z_max, n)
    corners = np.array([(a, b, c) for a in (1 / 365, 5.0) for b in (0.01, 2.0) for c in (-z_max, 0.0, z_max)])
    t, v, z = (np.concatenate([col, corners[:, i]]) for i, col in enumerate((t, v, z)))
    r, q, s = 0.03, 0.01, 100.0
    k = s * np.exp((r - q) * t + z * v * np.sqrt(t))
    return s, k, t, r, v, q, z


@pytest.mark.parametrize("kind", ["call", "put"])
def test_bs_price_relative_accuracy_to_30_standard_deviations(kind):
    # every price, in or out of the money out to 30 standard deviations (prices down to 1e-198),
    # within 1e-12 relative of the 60-digit value: the out-of-the-money side no longer comes
    # from put-call parity, whose subtraction lost everything beyond 6 standard deviations
    s, k, t, r, v, q, _ = _tail_grid()
    price = implied.bs_price(s, k, t, r, v, q, kind)
    ref = np.array([float(_mp_price(s, kk, tt, r, vv, q, kind)) for kk, tt, vv in zip(k, t, v)])
    assert ref.min() < 1e-190  # the grid reaches the tail
    np.testing.assert_allclose(price, ref, rtol=1e-12, atol=0)


def test_bs_price_put_six_standard_deviations_out():
    # the case: a put 6 standard deviations out of the money was 39 % off by parity
    k = 100 * np.exp(-6 * 0.2)
    ref = float(_mp_price(100, k, 1.0, 0.0, 0.2, 0.0, "put"))
    assert implied.bs_price(100, k, 1.0, 0.0, 0.2, kind="put") == pytest.approx(ref, rel=1e-13)


@given(k=st.floats(70, 140), t=st.floats(1 / 365, 5), r=st.floats(-0.01, 0.08),
       v=st.floats(0.01, 2.0), q=st.floats(0, 0.05))
def test_bs_put_call_parity_is_an_identity_near_the_money(k, t, r, v, q):
    # calls and puts come from separate formulas: parity must hold to rounding of the larger
    # of the two prices and the forward (a few ulps of the spot)
    s = 100.0
    c = implied.bs_price(s, k, t, r, v, q, "call")
    p = implied.bs_price(s, k, t, r, v, q, "put")
    fwd_diff = s * math.exp(-q * t) - k * math.exp(-r * t)
    assert c - p == pytest.approx(fwd_diff, abs=16 * np.finfo(float).eps * (s + k))


@given(t=st.floats(1 / 365, 5), v=st.floats(0.01, 2.0), kind=st.sampled_from(["call", "put"]),
       z=st.floats(-25, 25))
def test_bs_price_monotone_in_strike_and_sigma(t, v, kind, z):
    s, r, q = 100.0, 0.02, 0.01
    k = s * np.exp((r - q) * t + z * v * np.sqrt(t)) * np.array([1.0, 1.0 + 1e-3])
    pk = implied.bs_price(s, k, t, r, v, q, kind)
    pv = implied.bs_price(s, k[0], t, r, v * np.array([1.0, 1.001]), q, kind)
    # to rounding: deep in the money a 0.1 % move of a tiny strike is below the price's last digit
    ulp = 4 * np.finfo(float).eps
    if kind == "call":
        assert pk[1] <= pk[0] * (1 + ulp)
    else:
        assert pk[1] >= pk[0] * (1 - ulp)
    assert pv[1] >= pv[0] * (1 - ulp)


@pytest.mark.parametrize("kind", ["call", "put"])
def test_implied_vol_round_trip_in_the_tails(kind):
    # out-of-the-money options out to where the price is still a normal double above 1e-300
    # (about 37 standard deviations): price -> implied_vol -> sigma within 1e-11 relative. The
    # solver stops at a Householder step below 2e-4 relative (error of order 1e-15); what is
    # left is the price's own rounding divided by the price's elasticity to sigma (h^2 here).
    s, r, q = 100.0, 0.03, 0.01
    rng = np.random.default_rng(11)
    n = 3000
    t = np.exp(rng.uniform(np.log(1 / 365), np.log(5.0), n))
    v = np.exp(rng.uniform(np.log(0.01), np.log(2.0), n))
    z = rng.uniform(0.0, 37.0, n) * (1 if kind == "call" else -1)
    k = s * np.exp((r - q) * t + z * v * np.sqrt(t))
    price = implied.bs_price(s, k, t, r, v, q, kind)
    keep = price > 1e-300
    assert keep.mean() > 0.9
    iv = implied.implied_vol(price[keep], s, k[keep], t[keep], r, q, kind)
    np.testing.assert_allclose(iv, v[keep], rtol=1e-11, atol=0)


def test_normalised_black_expansions_against_mpmath():
    # each of the four regions of the normalised Black function at 1e-12 relative
    import mpmath as mp

    x = np.array([-300.0, -3.0, -0.01, -2.0, -40.0, -0.5, 0.0, -1e-8])
    sd = np.array([10.0, 0.2, 0.3, 0.9, 5.0, 3.0, 0.05, 1e-3])
    b = implied._black(x, sd)
    with mp.workdps(60):
        ref = [mp.exp(xx / 2) * mp.ncdf(xx / ss + ss / 2) - mp.exp(-xx / 2) * mp.ncdf(xx / ss - ss / 2)
               for xx, ss in ((mp.mpf(float(a)), mp.mpf(float(c))) for a, c in zip(x, sd))]
    np.testing.assert_allclose(b, [float(v) for v in ref], rtol=1e-12, atol=0)


@pytest.mark.parametrize("price", [[21, 12.5, True, 1.2, 0.2], [21, "12.5", 4.9, 1.2, 0.2],
                                   [21, None, 4.9, 1.2, 0.2], np.array([21.0, 12.5, None, 1.2, 0.2], dtype=object),
                                   np.array(["21", "12.5", "4.9", "1.2", "0.2"]), "21", np.array([1 + 0j] * 5)])
def test_implied_vol_price_must_be_numbers(price):
    with pytest.raises(TypeError, match=r"^price"):
        implied.implied_vol(price, 100.0, [80.0, 90.0, 100.0, 110.0, 120.0], 0.25, 0.02)


def test_cboe_term_rejects_impossible_variances(near):
    term = implied.cboe_term(near, t=T1, r=R1)
    fields = {f: getattr(term, f) for f in term.__dataclass_fields__}
    for changes, match in [
        (dict(variance=-1e300), r"^variance must be non-negative"),
        (dict(variance=-1e-6), r"^variance must be non-negative"),
        (dict(variance=np.inf), r"^variance must be non-negative and finite"),
        (dict(variance=1e300, strip_term=1e300), r"^variance 1e\+300 is above 25"),
        (dict(variance=term.variance * 2), r"^variance .* must equal strip_term - forward_term"),
        (dict(strip_term=-1.0), r"^strip_term must be non-negative"),
        (dict(forward_term=np.nan), r"^forward_term must be non-negative and finite"),
        (dict(forward=-1.0), r"^forward must be positive"),
        (dict(t=np.nan), r"^t must be positive"),
    ]:
        with pytest.raises(ValueError, match=match):
            implied.CboeTerm(**{**fields, **changes})


def test_days_must_lie_between_the_terms(near, nxt):
    kw = dict(t_near=T1, t_next=T2, r_near=R1, r_next=R2)
    # the white paper's terms are 35,924 and 46,394 minutes: 24.95 and 32.22 days
    for days in (10**7, 40, 24, 1, 32.3):
        with pytest.raises(ValueError, match=r"^days .* must lie between the two terms' maturities"):
            implied.cboe_vix(near, nxt, **kw, days=days)
        with pytest.raises(ValueError, match=r"^days .*does not extrapolate"):
            implied.interpolate_variance(0.02, T1, 0.02, T2, days=days)
    # both ends are allowed: there the rule returns that term's variance
    assert implied.interpolate_variance(0.02, T1, 0.03, T2, days=T1 * 365) == pytest.approx(0.02, rel=1e-12)
    assert implied.interpolate_variance(0.02, T1, 0.03, T2, days=T2 * 365) == pytest.approx(0.03, rel=1e-12)
    assert implied.cboe_vix(near, nxt, **kw, days=30.0) == implied.cboe_vix(near, nxt, **kw, days=30)


def test_smile_fair_variance_bounds_n_strikes():
    with pytest.raises(ValueError, match=r"^n_strikes must be at most 100,001"):
        implied.smile_fair_variance(100.0, 0.25, 0.2, 0.1, n_strikes=10**7)
    with pytest.raises(ValueError, match=r"\bn_strikes\b"):
        implied.smile_fair_variance(100.0, 0.25, 0.2, 0.1, n_strikes=50)


def test_chain_columns_of_text_or_objects_are_rejected(near):
    bad = near.copy()
    bad["put_ask"] = bad["put_ask"].astype(str)  # numeric strings, once read as numbers
    with pytest.raises(TypeError, match=r"^chain: column 'put_ask' must be numeric, got dtype"):
        implied.check_chain(bad)
    bad = near.copy()
    bad["strike"] = bad["strike"].astype(object)
    with pytest.raises(TypeError, match=r"^near: column 'strike' must be numeric"):
        implied.cboe_vix(bad, near, t_near=T1, t_next=T2, r_near=R1, r_next=R2)


def test_cboe_vix_matches_an_independent_plain_implementation(near, nxt):
    # benchmarks/plain_cboe.py: the white paper's steps in plain numpy, written separately
    import importlib.util
    import pathlib

    path = pathlib.Path(__file__).resolve().parent.parent / "benchmarks" / "plain_cboe.py"
    spec = importlib.util.spec_from_file_location("plain_cboe", path)
    plain = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(plain)
    kw = dict(t_near=T1, t_next=T2, r_near=R1, r_next=R2)
    assert round(float(plain.cboe_vix(near, nxt, **kw)), 2) == 13.69
    # the same sums in a different order: equal to a few ulps
    assert implied.cboe_vix(near, nxt, **kw) == pytest.approx(float(plain.cboe_vix(near, nxt, **kw)), rel=1e-13)
    for chain, t, r in ((near, T1, R1), (nxt, T2, R2)):
        assert implied.cboe_variance(chain, t=t, r=r) == pytest.approx(plain.term_variance(chain, t, r), rel=1e-13)


@pytest.mark.parametrize("z", [38.0, 39.0])
def test_price_normal_where_the_normalised_price_underflows(z):
    # a call 5 years at 200 %, 38 standard deviations out: b = price / (e^{-rT} sqrt(F K)) is
    # ~1e-317 (subnormal; at 39 it is zero) while the price, scaled by sqrt(K) with K = F e^170,
    # is an ordinary double: bs_price keeps its relative accuracy and implied_vol inverts it
    # (it used to return 0.0 or lose digits). A put that far out has an underflowing price.
    kind = "call"
    s, t, r, v, q = 100.0, 5.0, 0.03, 2.0, 0.01
    k = s * np.exp((r - q) * t + z * v * np.sqrt(t))
    price = implied.bs_price(s, k, t, r, v, q, kind)
    assert 1e-300 < price < 1e-250
    assert price == pytest.approx(float(_mp_price(s, k, t, r, v, q, kind)), rel=1e-12)
    assert implied.implied_vol(price, s, k, t, r, q, kind) == pytest.approx(v, rel=1e-12)
