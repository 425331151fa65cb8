"""vrp_lib.swaps: the source's worked example, closed forms and replication properties."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from vrp_lib import implied, swaps


def test_source_worked_example():
    # Strike 18 vol points (324 variance points), realized 14, vega notional USD 100,000:
    # 100,000 * (196 - 324) / 36 = -355,555.56 for the buyer.
    assert swaps.variance_notional(100_000, 18) == pytest.approx(100_000 / 36)
    assert swaps.variance_swap_pnl(14, 18, 100_000) == pytest.approx(100_000 * (196 - 324) / 36)
    assert round(swaps.variance_swap_pnl(14, 18, 100_000)) == -355_556


def test_vectorized_and_zero_at_strike():
    rv = np.array([10.0, 18.0, 30.0])
    pnl = swaps.variance_swap_pnl(rv, 18.0, 50_000)
    assert pnl.shape == (3,) and pnl[1] == 0.0


@given(k=st.floats(5, 80), d=st.floats(0.01, 30))
def test_convexity_long_variance_beats_long_vol(k, d):
    # Same vega notional: variance swap P&L = N (RV^2 - K^2) / 2K = N (RV - K) + N (RV - K)^2 / 2K.
    # realized vol below 1.5 vol points (but above 0) reads as a decimal and is refused by design
    for rv in (k + d, k - d if k - d >= 1.5 else 0.0):
        var = swaps.variance_swap_pnl(rv, k, 1.0)
        vol = swaps.volatility_swap_pnl(rv, k, 1.0)
        assert var - vol == pytest.approx((rv - k) ** 2 / (2 * k), rel=1e-9, abs=1e-12)
        assert var >= vol


def test_first_order_vega():
    # Near the strike a 1 vol point move pays about the vega notional.
    assert swaps.variance_swap_pnl(18.001, 18, 100_000) / 0.001 == pytest.approx(100_000, rel=1e-4)


def test_mark_to_market_limits():
    kw = dict(strike_vol=20.0, vega_notional=100_000)
    # at inception with implied = strike the swap is worth zero
    assert swaps.mark_to_market(0.0, 20.0, elapsed_fraction=0.0, **kw) == 0.0
    # at expiry it equals the settlement
    assert swaps.mark_to_market(25.0, 99.0, elapsed_fraction=1.0, **kw) == pytest.approx(
        swaps.variance_swap_pnl(25.0, 20.0, 100_000))
    # halfway: the mix of realized and implied variance, discounted
    v = swaps.mark_to_market(30.0, 20.0, elapsed_fraction=0.5, time_remaining=0.5, rate=0.04, **kw)
    assert v == pytest.approx(100_000 / 40 * np.exp(-0.02) * (0.5 * 900 + 0.5 * 400 - 400))


def test_replication_weights_and_fair_variance():
    k = np.array([80.0, 90.0, 100.0, 110.0, 120.0])
    np.testing.assert_allclose(swaps.strike_spacing(k), [10, 10, 10, 10, 10])
    np.testing.assert_allclose(swaps.replication_weights(k), 10 / k**2)
    # fair_variance on a dense Black-Scholes strip recovers sigma^2 (zero rates, F = K0 = S)
    kk = np.arange(20.0, 400.0, 0.25)
    t, v = 0.25, 0.3
    otm = np.where(kk < 100, implied.bs_price(100, kk, t, 0.0, v, kind="put"),
                   implied.bs_price(100, kk, t, 0.0, v, kind="call"))
    otm[kk == 100] = implied.bs_price(100, 100, t, 0.0, v)
    assert swaps.fair_variance(kk, otm, 100.0, t) == pytest.approx(v**2, rel=1e-3)


def test_bad_inputs():
    with pytest.raises(ValueError, match="strike_vol must be positive"):
        swaps.variance_notional(100_000, 0)
    with pytest.raises(ValueError, match="realized_vol: contains a negative value"):
        swaps.variance_swap_pnl(-1.0, 18, 100_000)
    with pytest.raises(ValueError, match="realized_vol: contains NaN"):
        swaps.variance_swap_pnl(np.nan, 18, 100_000)
    with pytest.raises(ValueError, match="elapsed_fraction"):
        swaps.mark_to_market(10, 10, 10, 1, elapsed_fraction=1.5)
    with pytest.raises(ValueError, match="not sorted"):
        swaps.strike_spacing([100, 90, 110])
    with pytest.raises(ValueError, match="duplicate strike 90"):
        swaps.strike_spacing([80, 90, 90])
    with pytest.raises(ValueError, match="at least two strikes"):
        swaps.replication_weights([100])
    with pytest.raises(ValueError, match="no K0"):
        swaps.fair_variance([100, 110], [1, 1], 50.0, 0.1)
    with pytest.raises(ValueError, match="t must be positive"):
        swaps.fair_variance([100, 110], [1, 1], 105.0, 0.0)


# ----------------------------------------------------------------------------- units at the boundary

def test_mixed_units_rejected():
    # issue 11: variance_swap_pnl(14.0, 0.18, 1e5) returned 54 million
    with pytest.raises(ValueError, match=r"strike_vol looks like a decimal .*pass 18 for 18 %"):
        swaps.variance_swap_pnl(14.0, 0.18, 1e5)
    with pytest.raises(ValueError, match="realized_vol looks like a decimal"):
        swaps.variance_swap_pnl(0.14, 18.0, 1e5)


@pytest.mark.parametrize("func", [swaps.variance_swap_pnl, swaps.volatility_swap_pnl,
                                  swaps.capped_variance_swap_pnl], ids=lambda f: f.__name__)
def test_vol_point_functions_reject_decimals(func):
    with pytest.raises(ValueError, match=r"looks like a decimal \(every value below 1.5"):
        func(np.array([0.12, 0.2, 0.35]), np.array([0.15, 0.15, 0.15]), 1.0)


def test_decimal_threshold_is_documented_and_applied():
    assert swaps.DECIMAL_LOOKING == 1.5 and "1.5" in swaps.__doc__
    assert swaps.variance_swap_pnl(1.5, 18, 1.0) < 0           # 1.5 vol points is accepted
    assert swaps.variance_swap_pnl(np.array([0.0, 0.0]), 18, 1.0).shape == (2,)   # zeros are not decimals
    with pytest.raises(ValueError, match="strike_vol looks like a decimal"):
        swaps.variance_notional(100_000, 1.49)


def test_prices_passed_as_vols_rejected():
    with pytest.raises(ValueError, match=r"above 500: that looks like an index level"):
        swaps.variance_swap_pnl(2_700.0, 18.0, 1.0)
    with pytest.raises(ValueError, match="strike_vol has 524 vol points, above 500"):
        swaps.variance_notional(1.0, 524.0)


@pytest.mark.parametrize("notional", [0.0, -100_000.0, [1.0, -1.0]])
def test_non_positive_notional_rejected(notional):
    with pytest.raises(ValueError, match="vega_notional must be positive"):
        swaps.variance_swap_pnl(14.0, 18.0, notional)
    with pytest.raises(ValueError, match="vega_notional must be positive"):
        swaps.mark_to_market(14.0, 18.0, 18.0, notional, 0.5)


def test_fair_variance_k0_must_be_a_strike():
    k = np.array([90.0, 100.0, 110.0])
    with pytest.raises(ValueError, match="k0 95 is not one of the strikes"):
        swaps.fair_variance(k, [1.0, 2.0, 1.0], 100.0, 0.1, k0=95.0)


@pytest.mark.parametrize("kw, match", [(dict(rate=np.nan), "rate: contains NaN"),
                                       (dict(rate=np.inf), "rate: contains an infinite"),
                                       (dict(time_remaining=np.inf), "time_remaining: contains an infinite"),
                                       (dict(time_remaining=-1.0), "time_remaining must be non-negative")])
def test_mark_to_market_rates_checked(kw, match):
    with pytest.raises(ValueError, match=match):
        swaps.mark_to_market(14.0, 18.0, 18.0, 1.0, 0.5, **kw)


CALLS = {
    swaps.variance_notional: dict(vega_notional=1e5, strike_vol=18.0),
    swaps.variance_swap_pnl: dict(realized_vol=14.0, strike_vol=18.0, vega_notional=1e5),
    swaps.volatility_swap_pnl: dict(realized_vol=14.0, strike_vol=18.0, vega_notional=1e5),
    swaps.capped_variance_swap_pnl: dict(realized_vol=14.0, strike_vol=18.0, vega_notional=1e5, cap_multiple=2.5),
    swaps.capped_variance_strike: dict(realized_vol=[12.0, 20.0, 60.0], cap_multiple=2.5),
    swaps.cap_value_se: dict(realized_vol=[12.0, 20.0, 60.0], cap_multiple=2.5),
    swaps.mark_to_market: dict(realized_vol_so_far=14.0, implied_vol_remaining=20.0, strike_vol=18.0,
                               vega_notional=1e5, elapsed_fraction=0.5, time_remaining=0.05, rate=0.01),
    swaps.live_vega: dict(implied_vol_remaining=20.0, strike_vol=18.0, vega_notional=1e5, elapsed_fraction=0.5,
                          time_remaining=0.05, rate=0.01),
    swaps.term_structure_vol: dict(remaining_days=20.0, tenor_days=[9.0, 30.0, 93.0],
                                   tenor_vols=[30.0, 20.0, 15.0]),
    swaps.strike_spacing: dict(strikes=[90.0, 100.0, 110.0]),
    swaps.replication_weights: dict(strikes=[90.0, 100.0, 110.0]),
    swaps.fair_variance: dict(strikes=[90.0, 100.0, 110.0], otm_prices=[1.0, 4.0, 1.0], forward=100.0, t=0.1,
                              r=0.01, k0=100.0),
}
CASES = [(f, arg) for f, kw in CALLS.items() for arg in kw]


@pytest.mark.parametrize("func, arg", CASES, ids=[f"{f.__name__}-{a}" for f, a in CASES])
@pytest.mark.parametrize(
    "bad, exc, match",
    [(np.nan, ValueError, "contains NaN"), (np.inf, ValueError, "infinite"), (None, ValueError, "got None"),
     (True, TypeError, "boolean"), ([], ValueError, "empty")],
)
def test_every_argument_validated(func, arg, bad, exc, match):
    kwargs = dict(CALLS[func], **{arg: bad})
    valid = func(**CALLS[func])   # the valid call works
    if arg == "k0" and bad is None:   # None is k0's default: the strike at or below the forward
        assert func(**kwargs) == valid
        return
    with pytest.raises(exc, match=f"{arg}(: | )?.*{match}"):
        func(**kwargs)


def test_all_is_complete():
    import inspect

    public = {n for n, o in vars(swaps).items() if not n.startswith("_") and inspect.isfunction(o)
              and o.__module__ == swaps.__name__}
    assert public <= set(swaps.__all__)
    assert all(hasattr(swaps, n) for n in swaps.__all__)


# ----------------------------------------------------------------------------- caps

def test_capped_swap_loss_is_bounded_uncapped_is_not():
    rv = np.array([10.0, 45.0, 100.0, 400.0])
    capped = swaps.capped_variance_swap_pnl(rv, 18.0, 1.0, cap_multiple=2.5)
    # the long side gains at most N_var (c^2 - 1) K^2 = (6.25 - 1) * 324 / 36
    assert capped.max() == pytest.approx((2.5**2 - 1) * 18.0**2 / 36)
    np.testing.assert_allclose(capped[:2], swaps.variance_swap_pnl(rv[:2], 18.0, 1.0))
    uncapped = swaps.variance_swap_pnl(rv, 18.0, 1.0)
    assert uncapped[-1] > 40 * capped[-1]


def test_capped_strike_closed_form_and_below_uncapped():
    # nine calm outcomes at 10 and one crash at 300: uncapped K^2 = 9,090; capped at 2.5:
    # K^2 (10 - 6.25) = 900 -> K^2 = 240, and 2.5 K = 38.7 lies between 10 and 300
    rv = np.array([10.0] * 9 + [300.0])
    assert swaps.capped_variance_strike(rv, 2.5) == pytest.approx(np.sqrt(240.0), rel=1e-12)
    # no outcome reaches the cap: the capped strike is the uncapped one
    rv2 = np.array([15.0, 18.0, 25.0])
    assert swaps.capped_variance_strike(rv2, 2.5) == pytest.approx(np.sqrt(np.mean(rv2**2)))


@given(st.lists(st.floats(1.5, 300), min_size=2, max_size=40), st.floats(1.0, 4.0))
def test_capped_strike_is_the_break_even(rv, c):
    rv = np.array(rv)
    k = swaps.capped_variance_strike(rv, c)
    assert k <= np.sqrt(np.mean(rv**2)) * (1 + 1e-12)
    assert np.mean(np.minimum(rv, c * k) ** 2) == pytest.approx(k**2, rel=1e-9)


def _gain(rv, c=2.5):
    return np.sqrt(np.mean(rv**2)) - swaps.capped_variance_strike(rv, c)


def test_cap_value_se_matches_the_spread_over_independent_samples():
    # 300 independent samples of 20,000 lognormal outcomes (about 1% of them capped): the
    # spread of the cap's value across samples is its true standard error; the delta method
    # on each one sample estimates it (their median within 10%; it agrees to 0.4% here)
    rng = np.random.default_rng(7)
    samples = 12.0 * np.exp(0.5 * rng.standard_normal((300, 20_000)))
    gains = np.array([_gain(x) for x in samples])
    ses = np.array([swaps.cap_value_se(x) for x in samples[:40]])
    assert gains.std(ddof=1) == pytest.approx(np.median(ses), rel=0.10)


def test_cap_value_se_is_zero_without_capped_outcomes():
    # no outcome reaches 2.5 K: the capped strike is the uncapped one on every resample
    rv = np.array([15.0, 18.0, 25.0, 20.0, 12.0])
    assert swaps.cap_value_se(rv, 2.5) == pytest.approx(0.0, abs=1e-12)


def test_cap_value_se_validates():
    with pytest.raises(ValueError, match="need a one-dimensional array of at least two"):
        swaps.cap_value_se([20.0])
    with pytest.raises(ValueError, match="cap_multiple must be at least 1"):
        swaps.cap_value_se([12.0, 30.0], cap_multiple=0.5)


def test_cap_multiple_validated():
    with pytest.raises(ValueError, match="cap_multiple must be at least 1"):
        swaps.capped_variance_swap_pnl(20.0, 18.0, 1.0, cap_multiple=0.5)
    with pytest.raises(ValueError, match="need a one-dimensional array of at least two"):
        swaps.capped_variance_strike([20.0])


# ----------------------------------------------------------------------------- vega of a live swap

def test_live_vega_decays_as_remaining_life():
    f = np.linspace(0, 1, 11)
    np.testing.assert_allclose(swaps.live_vega(18.0, 18.0, 100_000, f), 100_000 * (1 - f))


@given(iv=st.floats(5, 80), k=st.floats(5, 80), f=st.floats(0, 1))
def test_live_vega_is_the_derivative_of_mark_to_market(iv, k, f):
    h = 1e-4
    up = swaps.mark_to_market(20.0, iv + h, k, 1_000.0, f, 0.1, 0.02)
    dn = swaps.mark_to_market(20.0, iv - h, k, 1_000.0, f, 0.1, 0.02)
    assert swaps.live_vega(iv, k, 1_000.0, f, 0.1, 0.02) == pytest.approx((up - dn) / (2 * h), rel=1e-6, abs=1e-6)


def test_marking_with_a_too_low_implied_understates_the_long_value():
    # inverted term structure: the fair vol of the remaining life (say 45) above the 30-day
    # proxy (37): marking with the proxy understates the long side by N_var (1 - f)(45^2 - 37^2)
    true = swaps.mark_to_market(30.0, 45.0, 12.0, 100_000, 0.5)
    proxy = swaps.mark_to_market(30.0, 37.0, 12.0, 100_000, 0.5)
    assert true - proxy == pytest.approx(100_000 / 24 * 0.5 * (45**2 - 37**2))


def test_mark_to_market_path_ends_at_settlement():
    import pandas as pd

    from vrp_lib import realized

    idx = pd.bdate_range("2020-01-01", periods=40)
    rng = np.random.default_rng(3)
    prices = pd.Series(100 * np.exp(np.cumsum(rng.normal(0, 0.01, 40))), index=idx)
    iv = pd.Series(np.linspace(15, 25, 40), index=idx)
    path = swaps.mark_to_market_path(prices, iv, idx[5], window=21, vega_notional=10_000)
    assert len(path) == 22 and path["elapsed_days"].iloc[-1] == 21
    rv = realized.forward_realized_vol(prices, 21).loc[idx[5]]
    assert path["value"].iloc[-1] == pytest.approx(swaps.variance_swap_pnl(rv, iv[idx[5]], 10_000))
    assert path["value"].iloc[0] == 0.0          # struck at the implied level
    assert np.isnan(path["realized_so_far"].iloc[0])
    with pytest.raises(ValueError, match="window is incomplete"):
        swaps.mark_to_market_path(prices, iv, idx[30], window=21)
    with pytest.raises(ValueError, match="not a date of both"):
        swaps.mark_to_market_path(prices, iv, "2019-01-01")


def test_monthly_settlements_are_back_to_back():
    import pandas as pd

    from vrp_lib import realized

    idx = pd.bdate_range("2020-01-01", periods=100)
    rng = np.random.default_rng(5)
    prices = pd.Series(100 * np.exp(np.cumsum(rng.normal(0, 0.01, 100))), index=idx)
    iv = pd.Series(20.0, index=idx)
    s = swaps.monthly_settlements(prices, iv, window=21, vega_notional=1_000)
    assert list(s.index) == [idx[0], idx[21], idx[42], idx[63]]   # idx[84] has no full window
    rv = realized.forward_realized_vol(prices, 21)
    np.testing.assert_allclose(s.to_numpy(), 1_000 / 40 * (rv[s.index] ** 2 - 400))
    # implied quoted only on some days: each swap starts on the first quoted day after the last one settled
    iv_gappy = iv.drop(idx[21])
    assert swaps.monthly_settlements(prices, iv_gappy, window=21).index[1] == idx[22]


# ----------------------------------------------------------------------------- piecewise replication

def _ddkz_case():
    # Demeterfi, Derman, Kamal and Zou (1999), as QuantLib's test suite sets it up
    # (test-suite/varianceswaps.cpp): S = 100, r = 5 %, q = 0, 90 days (Actual/365), puts
    # 50..100 at 30..20 % and calls 100..135 at 20..13 % implied volatility, dk = 5
    kp = np.arange(50.0, 101.0, 5.0)
    kc = np.arange(100.0, 136.0, 5.0)
    vp = 0.30 - 0.01 * np.arange(kp.size)
    vc = 0.20 - 0.01 * np.arange(kc.size)
    t, r = 90 / 365, 0.05
    pp = implied.bs_price(100, kp, t, r, vp, kind="put")
    pc = implied.bs_price(100, kc, t, r, vc, kind="call")
    return kp, pp, kc, pc, t, r


def test_piecewise_replication_matches_quantlib_published_value():
    kp, pp, kc, pc, t, r = _ddkz_case()
    # QuantLib 1.44's ReplicatingVarianceSwapEngine returns 0.0418885742 on this case
    assert swaps.piecewise_fair_variance(kp, pp, kc, pc, 100.0, t, r, dk=5.0) == pytest.approx(
        0.0418885742, abs=5e-11)


def test_piecewise_replication_tends_to_the_cboe_strip_on_a_fine_grid():
    t, r, v = 0.25, 0.02, 0.25
    kp, kc = np.arange(200, 1001) / 10.0, np.arange(1000, 4000) / 10.0
    pp = implied.bs_price(100, kp, t, r, v, kind="put")
    pc = implied.bs_price(100, kc, t, r, v, kind="call")
    pw = swaps.piecewise_fair_variance(kp, pp, kc, pc, 100.0, t, r, dk=0.1)
    assert pw == pytest.approx(v**2, rel=1e-4)


def test_piecewise_replication_validates():
    kp, pp, kc, pc, t, r = _ddkz_case()
    with pytest.raises(ValueError, match="largest put strike .* must equal the smallest call strike"):
        swaps.piecewise_fair_variance(kp[:-1], pp[:-1], kc, pc, 100.0, t, r)
    with pytest.raises(ValueError, match="call_prices: 3 prices for 8 call_strikes"):
        swaps.piecewise_fair_variance(kp, pp, kc, pc[:3], 100.0, t, r)
    with pytest.raises(ValueError, match="r: contains NaN"):
        swaps.piecewise_fair_variance(kp, pp, kc, pc, 100.0, t, np.nan)
    with pytest.raises(ValueError, match="dk must be positive"):
        swaps.piecewise_fair_variance(kp, pp, kc, pc, 100.0, t, r, dk=0.0)
    with pytest.raises(ValueError, match="put_prices: contains a negative value"):
        swaps.piecewise_fair_variance(kp, -pp, kc, pc, 100.0, t, r)


def _path_data(n=40, seed=3):
    import pandas as pd

    idx = pd.bdate_range("2020-01-01", periods=n)
    rng = np.random.default_rng(seed)
    prices = pd.Series(100 * np.exp(np.cumsum(rng.normal(0, 0.01, n))), index=idx)
    return idx, prices, pd.Series(np.linspace(15, 25, n), index=idx)


@pytest.mark.parametrize(
    "kw, exc, match",
    [(dict(implied_vol="decimals"), ValueError, "implied_vol looks like a decimal"),
     (dict(start=None), ValueError, "start must be a date"),
     (dict(start=True), ValueError, "start must be a date"),
     (dict(start="not a date"), ValueError, "start must be a date"),
     (dict(start="2020-01-08 00:00+00:00"), ValueError, "tz-aware"),
     (dict(vega_notional=-1.0), ValueError, "vega_notional must be positive"),
     (dict(vega_notional=np.nan), ValueError, "vega_notional: contains NaN"),
     (dict(strike_vol=0.2), ValueError, "strike_vol looks like a decimal"),
     (dict(annualization=0), ValueError, r"annualization=0 is outside \[1, 366\]"),
     (dict(window=True), ValueError, "window must be an integer")],
)
def test_mark_to_market_path_validates(kw, exc, match):
    idx, prices, iv = _path_data()
    args = dict(prices=prices, implied_vol=iv, start=idx[5], window=21)
    if kw.get("implied_vol") == "decimals":
        kw = dict(implied_vol=iv / 100)
    args.update(kw)
    with pytest.raises(exc, match=match):
        swaps.mark_to_market_path(**args)


def test_monthly_settlements_rejects_decimals_and_bad_notional():
    idx, prices, iv = _path_data(100)
    with pytest.raises(ValueError, match="implied_vol looks like a decimal"):
        swaps.monthly_settlements(prices, iv / 100)
    with pytest.raises(ValueError, match="vega_notional must be positive"):
        swaps.monthly_settlements(prices, iv, vega_notional=0.0)


def test_path_realized_vol_matches_realized_vol_per_path():
    from vrp_lib import realized

    rng = np.random.default_rng(1)
    px = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, (22, 5)), axis=0))
    out = swaps.path_realized_vol(px)
    expected = [realized.realized_vol(np.diff(np.log(px[:, j]))) for j in range(5)]
    np.testing.assert_allclose(out, expected, rtol=1e-12)
    with pytest.raises(ValueError, match="need a 2-D array"):
        swaps.path_realized_vol(px[:, 0])
    with pytest.raises(ValueError, match="prices must be positive"):
        swaps.path_realized_vol(-px)
    with pytest.raises(ValueError, match="prices: contains NaN"):
        swaps.path_realized_vol(np.where(px > 101, np.nan, px))


def test_piecewise_replication_length_mismatch_names_the_strikes():
    kp, pp, kc, pc, t, r = _ddkz_case()
    with pytest.raises(ValueError, match=r"\bput_strikes\b"):
        swaps.piecewise_fair_variance(kp[:3], pp, kc, pc, 100.0, t, r)
    with pytest.raises(ValueError, match=r"\bcall_strikes\b"):
        swaps.piecewise_fair_variance(kp, pp, kc[:3], pc, 100.0, t, r)


def test_mark_to_market_path_rejects_nan_implied_vol():
    import pandas as pd

    idx = pd.bdate_range("2020-01-01", periods=40)
    prices = pd.Series(100 * np.exp(np.linspace(0, 0.1, 40)), index=idx)
    iv = pd.Series(np.linspace(15, 25, 40), index=idx)
    iv.iloc[35] = np.nan                      # outside the swap's life, still rejected
    with pytest.raises(ValueError, match="implied_vol: NaN on "):
        swaps.mark_to_market_path(prices, iv, idx[5], window=21)


# ----------------------------------------------------------------------------- no silent results

def _cboe_strip():
    kp, pp, kc, pc, t, r = _ddkz_case()
    k = np.r_[kp, kc[1:]]
    q = np.r_[pp[:-1], 0.5 * (pp[-1] + pc[0]), pc[1:]]
    return k, q, 100.0 * np.exp(r * t), t, r


@pytest.mark.parametrize("call, match", [
    # put quotes in QuantLib's descending order gave 0.157 instead of 0.117 on the campaign's strip
    (lambda kp, pp, kc, pc, t, r: swaps.piecewise_fair_variance(kp[::-1], pp, kc, pc, 100.0, t, r),
     r"put_strikes: not sorted in increasing order \(at 95\)"),
    (lambda kp, pp, kc, pc, t, r: swaps.piecewise_fair_variance(kp[::-1], pp[::-1], kc, pc, 100.0, t, r),
     "put_strikes: not sorted in increasing order"),
    (lambda kp, pp, kc, pc, t, r: swaps.piecewise_fair_variance(kp, pp, kc[::-1], pc[::-1], 100.0, t, r),
     "call_strikes: not sorted in increasing order"),
    (lambda kp, pp, kc, pc, t, r: swaps.piecewise_fair_variance(np.r_[kp[:2], kp[1:]], np.r_[pp[:2], pp[1:]],
                                                                kc, pc, 100.0, t, r),
     "put_strikes: duplicate strike 55"),
    # prices in the reverse order of their strikes: an arbitrage, refused
    (lambda kp, pp, kc, pc, t, r: swaps.piecewise_fair_variance(kp, pp[::-1], kc, pc, 100.0, t, r),
     "put_prices: the price goes from .* between strikes 50 and 55; a put's price cannot fall"),
    (lambda kp, pp, kc, pc, t, r: swaps.piecewise_fair_variance(kp, pp, kc, pc[::-1], 100.0, t, r),
     "call_prices: the price goes from .* a call's price cannot rise"),
    # all zero gave a small negative number
    (lambda kp, pp, kc, pc, t, r: swaps.piecewise_fair_variance(kp, 0 * pp, kc, 0 * pc, 100.0, t, r),
     "put_prices and call_prices: every price is zero"),
    (lambda kp, pp, kc, pc, t, r: swaps.piecewise_fair_variance(kp, pp, kc, pc, 100.0, t, r, dk=50.0),
     r"dk=50 must be below the lowest put strike \(50\)"),
    (lambda kp, pp, kc, pc, t, r: swaps.piecewise_fair_variance(kp, pp, kc, pc, 100.0, 90.0, r),
     "t=90 is above 10 years: it looks like days"),
    (lambda kp, pp, kc, pc, t, r: swaps.piecewise_fair_variance(kp, pp, kc, pc, 100.0, t, 5.0),
     "r=5 is above 1 in absolute value: it looks like percent"),
    (lambda kp, pp, kc, pc, t, r: swaps.piecewise_fair_variance(kp, pp, kc, pc, 100.0, t, r, q=-2.0),
     "q=-2 is above 1 in absolute value"),
    (lambda kp, pp, kc, pc, t, r: swaps.piecewise_fair_variance(kp, pp.astype(object), kc, pc, 100.0, t, r),
     None),
    (lambda kp, pp, kc, pc, t, r: swaps.piecewise_fair_variance(kp, pp, kc, pc, True, t, r), r"\bspot\b"),
    (lambda kp, pp, kc, pc, t, r: swaps.piecewise_fair_variance(kp, pp, kc, pc, "100", t, r), r"\bspot\b"),
    (lambda kp, pp, kc, pc, t, r: swaps.piecewise_fair_variance(kp, [*pp[:-1], None], kc, pc, 100.0, t, r),
     r"\bput_prices\b"),
    (lambda kp, pp, kc, pc, t, r: swaps.piecewise_fair_variance(kp, pp, kc, pc.astype(str), 100.0, t, r),
     r"\bcall_prices\b"),
    (lambda kp, pp, kc, pc, t, r: swaps.piecewise_fair_variance(kp, pp, kc > 110, pc, 100.0, t, r),
     r"\bcall_strikes\b"),
])
def test_piecewise_replication_refuses_what_would_be_silent(call, match):
    args = _ddkz_case()
    if match is None:   # an object array of numbers is read as numbers
        assert call(*args) == pytest.approx(0.0418885742, abs=5e-11)
        return
    with pytest.raises((ValueError, TypeError), match=match):
        call(*args)


def test_piecewise_replication_tolerates_rounding_in_wing_prices():
    # deep wings priced by parity carry rounding noise of 1e-14 that is not an arbitrage
    kp, pp, kc, pc, t, r = _ddkz_case()
    pp = pp.copy()
    pp[0], pp[1] = 1e-14, 0.0
    assert np.isfinite(swaps.piecewise_fair_variance(kp, pp, kc, pc, 100.0, t, r))


@pytest.mark.parametrize("mutate, match", [
    (lambda k, q, f, t, r: (k[::-1], q[::-1], f, t, r), "strikes: not sorted in increasing order"),
    (lambda k, q, f, t, r: (k, 0 * q, f, t, r), "otm_prices: every price is zero"),
    (lambda k, q, f, t, r: (k, q, 200.0, t, r), "forward 200 lies above every strike"),
    (lambda k, q, f, t, r: (k, q, f, 30.0, r), "t=30 is above 10 years"),
    (lambda k, q, f, t, r: (k, q, f, t, 3.0), "r=3 is above 1"),
    (lambda k, q, f, t, r: (k, np.r_[q[:-1], -1e-3], f, t, r), "otm_prices: contains a negative value"),
    (lambda k, q, f, t, r: (k, q.astype(str), f, t, r), r"\botm_prices\b"),
    (lambda k, q, f, t, r: (list(k[:-1]) + [None], q, f, t, r), r"\bstrikes\b"),
    (lambda k, q, f, t, r: (k, q, True, t, r), r"\bforward\b"),
])
def test_fair_variance_refuses_what_would_be_silent(mutate, match):
    with pytest.raises((ValueError, TypeError), match=match):
        swaps.fair_variance(*mutate(*_cboe_strip()))


def test_fair_variance_k0_and_weights_unchanged():
    k, q, f, t, r = _cboe_strip()
    # K0 by default the largest strike at or below F (here 100 < F = 101.2); passing it agrees
    assert swaps.fair_variance(k, q, f, t, r) == swaps.fair_variance(k, q, f, t, r, k0=100.0)
    with pytest.raises(ValueError, match="k0 102 is not one of the strikes"):
        swaps.fair_variance(k, q, f, t, r, k0=102.0)
    # the formula by hand: 2/T e^{rT} sum dK/K^2 Q - (F/K0 - 1)^2 / T, dK = 5 everywhere here
    by_hand = 2 / t * np.exp(r * t) * np.sum(5.0 / k**2 * q) - (f / 100.0 - 1) ** 2 / t
    assert swaps.fair_variance(k, q, f, t, r) == pytest.approx(by_hand, rel=1e-14)
    np.testing.assert_allclose(swaps.replication_weights(k), 5.0 / k**2, rtol=1e-15)


@pytest.mark.parametrize("call, match", [
    (lambda: swaps.capped_variance_swap_pnl(30.0, 18.0, 1e5, cap_multiple=250.0),
     "cap_multiple=250 is above 10: it looks like percent"),
    (lambda: swaps.capped_variance_strike(np.array([12.0, 30.0]), cap_multiple=0.5), "cap_multiple must be at least 1"),
    (lambda: swaps.variance_swap_pnl(14.0, 18.0, 1e300), "vega_notional=1e.300 is above 1e.12"),
    (lambda: swaps.variance_notional(np.array([1e5, 1e13]), 18.0), r"vega_notional=1e\+13 is above"),
    (lambda: swaps.path_realized_vol(np.full((3, 2), 100.0), annualization=25200.0),
     r"annualization=25200 is outside \[1, 366\]"),
    (lambda: swaps.path_realized_vol(np.full((3, 2), 100.0), annualization=0.0), r"annualization=0 is outside"),
    (lambda: swaps.mark_to_market(15.0, 17.0, 18.0, 1e5, 0.5, time_remaining=30.0),
     "time_remaining=30 is above 10 years: it looks like days"),
    (lambda: swaps.live_vega(17.0, 18.0, 1e5, 0.5, time_remaining=0.1, rate=4.0),
     "rate=4 is above 1 in absolute value"),
    (lambda: swaps.live_vega(17.0, 18.0, 1e5, 0.5, time_remaining=-0.1), "time_remaining must be non-negative"),
    (lambda: swaps.variance_notional(np.array([1e5, 2e5], dtype=object), np.array([18.0, True], dtype=object)),
     r"\bstrike_vol\b"),
    (lambda: swaps.variance_swap_pnl(np.array(["14", "15"]), 18.0, 1e5), r"\brealized_vol\b"),
])
def test_zero_or_absurd_bounds_refused(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


def test_monthly_settlements_annualization_bounded():
    idx, prices, iv = _path_data(100)
    with pytest.raises(ValueError, match=r"annualization=2520 is outside \[1, 366\]"):
        swaps.monthly_settlements(prices, iv, annualization=2520)


@pytest.mark.parametrize("x", [0.2, np.array([0.1, 0.2]), np.array(0.3)])
def test_fast_path_returns_what_the_shared_check_returns(x):
    # _numeric's fast path (finite float64 input) must agree with _checks.array exactly
    from vrp_lib import _checks

    fast = swaps._numeric(x, "x")
    ref = _checks.array(x, "x")
    assert fast.dtype == ref.dtype and fast.shape == ref.shape and np.array_equal(fast, ref)


@pytest.mark.parametrize("x, match", [(np.array([1.0, np.nan]), "x: contains NaN"),
                                      (np.array([1.0, np.inf]), "x: contains an infinite value"),
                                      (np.array([]), "x: is empty"), (float("nan"), "x: contains NaN"),
                                      (np.array([1e200, 2e200]), None)])
def test_fast_path_falls_back_to_the_shared_messages(x, match):
    if match is None:   # huge but finite: accepted, no overflow warning
        np.testing.assert_array_equal(swaps._numeric(x, "x"), x)
        return
    with pytest.raises(ValueError, match=match):
        swaps._numeric(x, "x")


def test_broadcast_fast_path_matches_numpy():
    a, k = np.asarray(2.0), np.arange(3.0)
    got = swaps._broadcast(("a", "k", "b"), a, k, np.asarray(1.0))
    ref = np.broadcast_arrays(a, k, np.asarray(1.0))
    assert all(g.shape == r.shape and np.array_equal(g, r) for g, r in zip(got, ref))
    got = swaps._broadcast(("a", "m"), np.arange(3.0), np.ones((2, 1)))
    assert [g.shape for g in got] == [(2, 3), (2, 3)]
    with pytest.raises(ValueError, match=r"lengths do not match: a \(3,\), k \(4,\)"):
        swaps._broadcast(("a", "k"), np.arange(3.0), np.arange(4.0))


# ----------------------------------------------------------------------------- term structure

def test_term_structure_vol_reproduces_the_white_paper_interpolation():
    # Cboe (2014), step 4: sigma_1^2 = 0.018463 at 35,924 minutes and sigma_2^2 = 0.018821 at
    # 46,394 minutes (as published) interpolate to the 30-day VIX of 13.69
    t1, t2 = 35_924 / 1_440, 46_394 / 1_440
    vix = swaps.term_structure_vol(30.0, [t1, t2], 100 * np.sqrt([0.018463, 0.018821]))
    assert round(vix, 2) == 13.69
    # by hand, with N counted in minutes as the white paper does
    n1, n2, n30, n365 = 35_924, 46_394, 43_200, 525_600
    by_hand = 100 * np.sqrt((n1 / n365 * 0.018463 * (n2 - n30) / (n2 - n1)
                             + n2 / n365 * 0.018821 * (n30 - n1) / (n2 - n1)) * n365 / n30)
    assert vix == pytest.approx(by_hand, rel=1e-12)


def test_term_structure_vol_is_exact_on_linear_total_variance():
    # total variance w(T) = a + b T (vol^2 x days) linear in time: interpolation is exact
    a, b = 0.05, 0.03
    tenors = np.array([9.0, 30.0, 93.0])
    vols = 100 * np.sqrt((a + b * tenors) / tenors)
    d = np.array([9.0, 12.5, 21.0, 30.0, 45.0, 93.0])
    expected = 100 * np.sqrt((a + b * d) / d)
    got = swaps.term_structure_vol(d, tenors, np.tile(vols, (d.size, 1)))
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    # one row of vols for one life, and flat below the shortest tenor
    assert swaps.term_structure_vol(21.0, tenors, vols) == pytest.approx(expected[2], rel=1e-12)
    assert swaps.term_structure_vol(4.0, tenors, vols) == vols[0]


def test_term_structure_vol_flat_curve_and_rows():
    assert swaps.term_structure_vol(17.0, [9.0, 30.0], [20.0, 20.0]) == pytest.approx(20.0)
    rows = np.array([[30.0, 20.0, 15.0], [12.0, 14.0, 16.0]])
    got = swaps.term_structure_vol(np.array([20.0, 50.0]), [9.0, 30.0, 93.0], rows)
    assert got[0] == pytest.approx(swaps.term_structure_vol(20.0, [9.0, 30.0, 93.0], rows[0]))
    assert got[1] == pytest.approx(swaps.term_structure_vol(50.0, [9.0, 30.0, 93.0], rows[1]))
    assert 20.0 < got[0] < 30.0 and 14.0 < got[1] < 16.0   # inverted, then upward sloping


@pytest.mark.parametrize("kw, match", [
    ({"remaining_days": 120.0}, "remaining_days.*beyond the longest tenor"),
    ({"remaining_days": 0.0}, "remaining_days must be positive"),
    ({"tenor_days": [30.0, 9.0, 93.0]}, "tenor_days must be positive and increasing"),
    ({"tenor_days": [9.0 * 1440, 30.0 * 1440, 93.0 * 1440]}, "tenor_days.*not minutes"),
    ({"tenor_vols": [0.3, 0.2, 0.15]}, "tenor_vols looks like a decimal"),
    ({"tenor_vols": [30.0, 20.0]}, "lengths do not match"),
    ({"tenor_vols": [[30.0, 20.0, 15.0]] * 2}, "lengths do not match"),
])
def test_term_structure_vol_validates(kw, match):
    args = dict({"remaining_days": 20.0, "tenor_days": [9.0, 30.0, 93.0], "tenor_vols": [30.0, 20.0, 15.0]},
                **kw)
    with pytest.raises(ValueError, match=match):
        swaps.term_structure_vol(**args)
