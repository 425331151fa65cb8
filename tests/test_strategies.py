"""Tests of vrp_lib.strategies: hand-computed P&L, costs and filters in the expected
direction and amount, and bad inputs."""

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from vrp_lib import implied, realized, risk, smile, strategies as st

T21 = 21 / 252
#: Black-Scholes mechanics tests price every strike at one volatility with no dividends.
BS = {"smile": "flat", "q": 0.0}


def _prices(n=120, seed=0, vol=0.2):
    rng = np.random.default_rng(seed)
    r = rng.standard_normal(n - 1) * vol / np.sqrt(252)
    idx = pd.bdate_range("2015-01-02", periods=n, name="date")
    return pd.Series(100 * np.exp(np.concatenate([[0.0], np.cumsum(r)])), index=idx)


def _gbm_paths(n_paths, vol, seed, n_days=21, s0=100.0):
    rng = np.random.default_rng(seed)
    dt = 1 / 252
    z = rng.standard_normal((n_paths, n_days))
    steps = (-0.5 * vol**2 * dt) + vol * np.sqrt(dt) * z
    return s0 * np.exp(np.concatenate([np.zeros((n_paths, 1)), np.cumsum(steps, axis=1)], axis=1))


# --------------------------------------------------------------------------- variance swap

def test_short_variance_swap_hand_computed():
    # K = 20, RV = 10, vega notional 1: (400 - 100) / 40 = 7.5 for the seller
    assert st.short_variance_swap(20.0, 10.0, 1.0) == pytest.approx(7.5)
    # bid-ask 2 vol points: the seller's strike is 19: (361 - 100) / 38
    c = st.Costs(bid_ask=2.0)
    assert st.short_variance_swap(20.0, 10.0, 1.0, costs=c) == pytest.approx(261 / 38)
    # plus slippage 0.5 and a fee of 0.1 per unit vega: strike 18.5
    c = st.Costs(bid_ask=2.0, slippage=0.5, fee=0.1)
    assert st.short_variance_swap(20.0, 10.0, 1.0, costs=c) == pytest.approx(
        (18.5**2 - 100) / 37 - 0.1)


def test_source_worked_example_from_the_short_side():
    # strike 18, realized 14, vega notional 100,000: the seller earns 355,555.56
    assert st.short_variance_swap(18.0, 14.0, 100_000) == pytest.approx(100_000 * 128 / 36)


def test_cap_limits_the_loss():
    # RV 60 against K 20 with a 2.5x cap settles at 50: -(2500 - 400) / 40
    assert st.short_variance_swap(20.0, 60.0, 1.0, cap_multiple=2.5) == pytest.approx(-52.5)
    assert st.short_variance_swap(20.0, 60.0, 1.0) == pytest.approx(-(3600 - 400) / 40)


def test_capital_and_financing():
    r = st.short_variance_swap(20.0, 10.0, 2.0, capital=100.0, costs=st.Costs(financing=0.03))
    assert r == pytest.approx(15.0 / 100 - 0.03 * T21)


def test_variance_swap_series_and_paths():
    idx = pd.date_range("2020-01-31", periods=3, freq="ME", name="date")
    k = pd.Series([20.0, 15.0, 30.0], index=idx)
    rv = pd.Series([10.0, 15.0, 40.0], index=idx)
    out = st.short_variance_swap(k, rv, 1.0)
    assert out.index.equals(idx)
    np.testing.assert_allclose(out, [7.5, 0.0, -(1600 - 900) / 60])
    grid = st.short_variance_swap(np.full((4, 3), 20.0), np.full((4, 3), 10.0), 1.0)
    assert grid.shape == (4, 3) and np.allclose(grid, 7.5)


def test_costs_lower_every_roll():
    k = np.array([12.0, 18.0, 25.0, 40.0])
    rv = np.array([9.0, 22.0, 20.0, 70.0])
    gross = st.short_variance_swap(k, rv, 1.0)
    net = st.short_variance_swap(k, rv, 1.0, costs=st.Costs(bid_ask=1.0))
    assert (net < gross).all()
    # exact: P(K) = K/2 - RV^2/(2K), so the seller's loss from K to K - 0.5 is
    # 0.25 + RV^2/2 * (1/(K - 0.5) - 1/K): about 0.5 per unit vega when RV is near K
    exact = 0.25 + rv**2 / 2 * (1 / (k - 0.5) - 1 / k)
    np.testing.assert_allclose(gross - net, exact, rtol=1e-12)
    assert abs((gross - net)[2] - 0.5) < 0.1


# --------------------------------------------------------------------------- options

def test_straddle_on_a_flat_path_keeps_the_premium():
    s = np.full((1, 22), 100.0)
    out = st.short_straddle(s, np.array([20.0]), **BS)
    # ATM straddle, r = 0: 2 S (2 N(sigma sqrt(T) / 2) - 1)
    exact = 2 * (2 * norm.cdf(0.2 * np.sqrt(T21) / 2) - 1)
    assert out[0] == pytest.approx(exact, rel=1e-10)


def test_straddle_pays_the_move():
    s = np.linspace(100, 110, 22)[None, :]
    prem = st.short_straddle(np.full((1, 22), 100.0), np.array([20.0]), **BS)[0]
    assert st.short_straddle(s, np.array([20.0]), **BS)[0] == pytest.approx(prem - 0.10)


def test_put_write_equals_atm_covered_call_by_parity():
    paths = _gbm_paths(50, 0.25, seed=4)
    iv = np.full(50, 18.0)
    np.testing.assert_allclose(st.put_write(paths, iv), st.covered_call(paths, iv), atol=1e-12)
    # out of the money they differ: the covered call keeps upside to 102
    assert not np.allclose(st.put_write(paths, iv, moneyness=0.98),
                           st.covered_call(paths, iv, moneyness=1.02))


def test_long_put_is_minus_short_put():
    paths = _gbm_paths(20, 0.2, seed=5)
    iv = np.full(20, 20.0)
    np.testing.assert_allclose(st.long_put(paths, iv, moneyness=0.95),
                               -st.put_write(paths, iv, moneyness=0.95), atol=1e-12)


def test_option_costs_amounts():
    s = np.full((1, 22), 100.0)
    iv = np.array([20.0])
    base = st.short_straddle(s, iv, **BS)[0]
    # fee: 0.001 of notional per leg, two legs
    assert st.short_straddle(s, iv, costs=st.Costs(fee=0.001), **BS)[0] == pytest.approx(base - 0.002)
    assert st.short_straddle(s, iv, costs=st.Costs(financing=0.05), **BS)[0] == pytest.approx(
        base - 0.05 * T21)
    # half a vol point of give-up on two legs costs about 2 * vega * 0.005 (per unit of S0)
    vega = implied.bs_vega(100.0, 100.0, T21, 0.0, 0.2) / 100
    c = st.Costs(bid_ask=1.0)
    assert base - st.short_straddle(s, iv, costs=c, **BS)[0] == pytest.approx(2 * vega * 0.005, rel=1e-3)


def test_delta_hedged_straddle_earns_the_variance_spread():
    # GBM paths with realized vol 10 against implied 20. The hedged P&L is the gamma-weighted
    # variance spread 1/2 int Gamma S^2 (sigma_i^2 - sigma_r^2) dt. Gamma frozen at inception
    # gives vega (sigma_i^2 - sigma_r^2) / (2 sigma_i); a path pinned at the strike twice
    # that (ATM gamma grows like 1/sqrt(tau)), so the mean lies between the two bounds.
    n = 400
    paths = _gbm_paths(n, 0.10, seed=6)
    iv = np.full(n, 20.0)
    hedged = st.short_straddle(paths, iv, delta_hedge=True, **BS)
    naked = st.short_straddle(paths, iv, **BS)
    vega = 2 * implied.bs_vega(100.0, 100.0, T21, 0.0, 0.2)
    approx = vega * (0.2**2 - 0.1**2) / (2 * 0.2) / 100
    assert approx < hedged.mean() < 2 * approx
    assert hedged.std() < naked.std() / 2
    assert (hedged > 0).mean() > 0.95


def test_delta_hedged_straddle_is_fair_when_realized_equals_implied():
    n = 600
    paths = _gbm_paths(n, 0.20, seed=7)
    hedged = st.short_straddle(paths, np.full(n, 20.0), delta_hedge=True, **BS)
    se = hedged.std(ddof=1) / np.sqrt(n)
    assert abs(hedged.mean()) < 4 * se
    # off the smile the same VIX means an ATM vol under 20: the seller of the straddle,
    # hedged, now loses on paths that realize 20
    on_smile = st.short_straddle(paths, np.full(n, 20.0), delta_hedge=True, q=0.0)
    assert on_smile.mean() < -4 * se


def test_hedge_costs_lower_the_return():
    paths = _gbm_paths(30, 0.2, seed=8)
    iv = np.full(30, 20.0)
    a = st.short_straddle(paths, iv, delta_hedge=True)
    b = st.short_straddle(paths, iv, delta_hedge=True, costs=st.Costs(hedge_cost=0.0005))
    assert (b < a).all()


def test_option_strategy_series_and_model_shapes():
    p = _prices(80)
    r = st.rolls(p * 0 + 20.0, p)
    paths = st.roll_paths(p, r.index)
    out = st.short_straddle(paths, r["implied"])
    assert isinstance(out, pd.Series) and out.index.equals(r.index)
    cube = np.stack([paths, paths])
    both = st.put_write(cube, np.stack([r["implied"].to_numpy()] * 2))
    assert both.shape == (2, len(r))
    np.testing.assert_allclose(both[0], st.put_write(paths, r["implied"].to_numpy()))


# --------------------------------------------------------------------------- the smile

def _bs_put(s0, k, t, r, q, vol):
    """Black-Scholes put written out (independent of vrp_lib.implied)."""
    f = s0 * np.exp((r - q) * t)
    sd = vol * np.sqrt(t)
    d1 = (np.log(f / k) + 0.5 * sd**2) / sd
    return np.exp(-r * t) * (k * norm.cdf(-d1 + sd) - f * norm.cdf(-d1))


def test_put_write_priced_off_the_smile_by_hand():
    # flat path: the seller keeps the premium; the premium is Black-Scholes at the smile's
    # vol at K / F, with the rate and the dividend yield; carried at r to expiry
    s = np.full((1, 22), 100.0)
    vix, r, q, m = 18.0, 0.03, 0.02, 0.95
    kf = m * np.exp(-(r - q) * T21)
    vol = smile.smile_vol(vix, kf, "whitepaper", T21) / 100
    exact = _bs_put(100.0, 100.0 * m, T21, r, q, vol) * np.exp(r * T21) / 100.0
    out = st.put_write(s, np.array([vix]), moneyness=m, r=r, q=q)
    assert out[0] == pytest.approx(exact, rel=1e-10)
    # include_cash adds the collateral's interest
    cash = st.put_write(s, np.array([vix]), moneyness=m, r=r, q=q, include_cash=True)
    assert cash[0] - out[0] == pytest.approx(np.expm1(r * T21), rel=1e-12)


def test_strike_vols():
    iv = np.array([12.0, 30.0])
    assert np.array_equal(st.strike_vols(iv, 0.9, T21, smile=None), iv)
    assert np.array_equal(st.strike_vols(iv, 0.9, T21, smile="flat"), iv)
    atm = st.strike_vols(iv, 1.0, T21, r=0.0, q=0.0)
    np.testing.assert_allclose(atm, smile.atm_vol(iv, "whitepaper", T21), rtol=1e-12)
    assert (atm < iv).all()                                     # ATM under the VIX
    assert (st.strike_vols(iv, 0.9, T21) > iv).all()            # the 90 % put above it


def test_smile_moves_premia_the_right_way():
    paths = _gbm_paths(40, 0.15, seed=9)
    iv = np.full(40, 16.0)
    # the ATM put-writer is paid less off the smile than at the VIX ...
    assert (st.put_write(paths, iv) < st.put_write(paths, iv, smile="flat")).all()
    # ... and the buyer of a 90 % put pays more
    assert (st.long_put(paths, iv) < st.long_put(paths, iv, smile="flat")).all()
    # a steeper (model or scaled) shape in between / beyond
    half = smile.WHITEPAPER.scaled(0.5)
    mid = st.put_write(paths, iv, smile=half)
    assert (st.put_write(paths, iv) < mid).all() and (mid < st.put_write(paths, iv, smile="flat")).all()


def test_parity_holds_off_the_smile_with_rates_and_dividends():
    # long index (as a forward) + short call = short put at the same strike: the call and
    # the put of one strike share one volatility, so the smile cannot separate them
    paths = _gbm_paths(30, 0.25, seed=10)
    iv = np.full(30, 22.0)
    r = np.linspace(0.0, 0.06, 30)                               # one rate per roll
    for m in (0.95, 1.0, 1.03):
        np.testing.assert_allclose(st.put_write(paths, iv, moneyness=m, r=r, q=0.02),
                                   st.covered_call(paths, iv, moneyness=m, r=r, q=0.02),
                                   atol=1e-12)


def test_dividend_yield_raises_the_put_premium():
    s = np.full((1, 22), 100.0)
    lo = st.put_write(s, np.array([18.0]), q=0.0)
    hi = st.put_write(s, np.array([18.0]), q=0.04)
    assert hi[0] > lo[0]


def test_risk_free_rate_conversion_and_gaps():
    idx = pd.to_datetime(["2020-01-02", "2020-01-03", "2020-01-06", "2020-01-07"])
    y = pd.Series([1.5, np.nan, 1.6, 1.7], index=idx)
    out = st.risk_free_rate(pd.to_datetime(["2020-01-03", "2020-01-05", "2020-01-07"]), y)
    np.testing.assert_allclose(out.to_numpy(), 2 * np.log(1 + np.array([1.5, 1.5, 1.7]) / 200))
    real = st.risk_free_rate(pd.to_datetime(["2007-01-03", "2021-06-01"]))
    assert 0.045 < real.iloc[0] < 0.055 and 0 <= real.iloc[1] < 0.002
    with pytest.raises(ValueError, match="precedes"):
        st.risk_free_rate(pd.to_datetime(["2019-01-02"]), y)
    with pytest.raises(ValueError, match="percent"):
        st.risk_free_rate(idx, y * 100)
    with pytest.raises(ValueError, match="empty"):
        st.risk_free_rate(pd.DatetimeIndex([]), y)


def test_index_returns_price_and_total():
    table = pd.DataFrame({"spot": [100.0, 110.0], "spot_end": [110.0, 99.0]},
                         index=pd.to_datetime(["2020-01-02", "2020-02-03"]))
    out = st.index_returns(table, q=0.02)
    np.testing.assert_allclose(out["price return"], [0.1, -0.1])
    np.testing.assert_allclose(out["total return (approx.)"], [0.1 + 0.02 * T21, -0.1 + 0.02 * T21])
    with pytest.raises(ValueError, match="roll_table"):
        st.index_returns(table[["spot"]])


def test_funded_tail_hedge_is_funded_on_average():
    paths = _gbm_paths(60, 0.12, seed=11)
    iv = np.full(60, 18.0)
    rv = np.full(60, 12.0)
    out = st.funded_tail_hedge(paths, iv, rv)
    assert abs(out["package"].mean()) < 1e-15
    np.testing.assert_allclose(out["put"], st.long_put(paths, iv, moneyness=0.9))
    swap = (18.0**2 - 12.0**2) / (2 * 18.0) / 100
    np.testing.assert_allclose(out["short_vol"], out["funding_vega"] * swap)
    fixed = st.funded_tail_hedge(paths, iv, rv, funding_vega=0.5)
    np.testing.assert_allclose(fixed["package"], out["put"] + 0.5 * swap)
    with pytest.raises(ValueError, match="cannot fund"):
        st.funded_tail_hedge(paths, iv, np.full(60, 25.0))
    with pytest.raises(ValueError, match="funding_vega"):
        st.funded_tail_hedge(paths, iv, rv, funding_vega=-1.0)


def test_option_bad_new_inputs():
    s = np.full((2, 22), 100.0)
    iv = np.array([18.0, 20.0])
    with pytest.raises(ValueError, match="r: shape"):
        st.put_write(s, iv, r=np.array([0.01, 0.02, 0.03]))
    with pytest.raises(ValueError, match="q"):
        st.put_write(s, iv, q=np.nan)
    with pytest.raises(ValueError, match="r must"):
        st.put_write(s, iv, r=None)
    with pytest.raises(ValueError, match="smile"):
        st.put_write(s, iv, smile="svi")
    with pytest.raises(ValueError, match="decimal"):
        st.put_write(s, np.array([0.18, 0.2]))
    with pytest.raises(ValueError, match="include_cash"):
        st.put_write(s, iv, include_cash="yes")


# --------------------------------------------------------------------------- rolls

def test_rolls_are_non_overlapping_and_use_forward_realized():
    p = _prices(130, seed=1)
    iv = pd.Series(15.0, index=p.index[3:])
    r = st.rolls(iv, p, window=21)
    assert r.index[0] == p.index[3]
    np.testing.assert_allclose(r["spot_end"].to_numpy()[:-1], r["spot"].to_numpy()[1:])
    paths = st.roll_paths(p, r.index, 21)
    for i in range(len(r)):
        rv = realized.realized_vol(np.diff(np.log(paths[i])))
        assert r["realized"].iloc[i] == pytest.approx(rv)
    shifted = st.rolls(iv, p, window=21, offset=5)
    assert shifted.index[0] == p.index[8]


def test_model_rolls_layout():
    rng = np.random.default_rng(2)
    n_days, n_paths = 63, 3
    idx = 100 * np.exp(np.cumsum(rng.standard_normal((n_days + 1, n_paths)) * 0.01, axis=0))
    vix = 15 + rng.random((n_days + 1, n_paths))
    m = st.model_rolls(idx, vix, window=21)
    assert m["implied"].shape == (3, 3) and m["paths"].shape == (3, 3, 22)
    assert m["implied"][1, 2] == vix[42, 1]
    np.testing.assert_allclose(m["paths"][2, 1], idx[21:43, 2])
    assert m["realized"][0, 0] == pytest.approx(realized.realized_vol(np.diff(np.log(idx[:22, 0]))))
    # every roll is realized.realized_vol of its returns, to the last bit
    for i in range(n_paths):
        for j in range(3):
            rets = np.diff(np.log(idx[21 * j:21 * j + 22, i]))
            assert m["realized"][i, j] == realized.realized_vol(rets)


# --------------------------------------------------------------------------- sizing

def test_risk_target_vega():
    k = np.array([10.0, 20.0, 40.0])
    n = st.risk_target_vega(k, 1000.0, vol_of_vol=0.25)
    np.testing.assert_allclose(n, 1000 / (0.25 * k))
    assert st.risk_target_vega(k, 1000.0, 0.25, max_vega=300.0)[0] == 300.0
    capped = st.risk_target_vega(k, 1000.0, 0.25, max_variance_notional=5.0)
    np.testing.assert_allclose(capped, np.minimum(1000 / (0.25 * k), 2 * k * 5.0))
    # underestimating vol-of-vol oversizes the position in proportion
    assert st.risk_target_vega(20.0, 1.0, 0.15) == pytest.approx(2 * st.risk_target_vega(20.0, 1.0, 0.30))
    # one vol of vol per roll (e.g. known in real time): the same formula roll by roll
    vov = np.array([0.2, 0.25, 0.5])
    np.testing.assert_allclose(st.risk_target_vega(k, 1000.0, vov), 1000 / (vov * k), rtol=1e-15)
    idx = pd.date_range("2020-01-31", periods=3, freq="ME")
    got = st.risk_target_vega(pd.Series(k, index=idx), 1000.0, pd.Series(vov, index=idx))
    assert isinstance(got, pd.Series) and got.index.equals(idx)
    with pytest.raises(ValueError, match="vol_of_vol"):
        st.risk_target_vega(pd.Series(k, index=idx), 1000.0, pd.Series(vov, index=idx + pd.Timedelta("1D")))
    with pytest.raises(ValueError, match="vol_of_vol"):
        st.risk_target_vega(k, 1000.0, vov[:2])
    with pytest.raises(ValueError, match="vol_of_vol"):
        st.risk_target_vega(k, 1000.0, np.array([0.2, -0.1, 0.3]))
    with pytest.raises(ValueError, match="vol_of_vol"):
        st.risk_target_vega(k, 1000.0, np.array([0.2, 25.0, 0.3]))


# --------------------------------------------------------------------------- filter

def test_regime_filter_hand_traced():
    idx = pd.bdate_range("2018-01-01", periods=7, name="date")
    iv = pd.Series(15.0, index=idx)
    tv = pd.Series([10, 16, 17, 18, 14, 16, 10], index=idx, dtype=float)
    f = st.regime_filter(iv, tv, days=2)
    assert f.tolist() == [True, True, False, False, True, True, True]
    g = st.regime_filter(iv, tv, days=2, reentry_spread=2.0)
    assert g.tolist() == [True, True, False, False, False, False, True]
    assert st.regime_filter(iv, tv, days=5).all()


def test_regime_filter_vectorized_and_nan_warmup():
    rng = np.random.default_rng(9)
    iv = 15 + rng.random((4, 50)) * 5
    tv = 12 + rng.random((4, 50)) * 10
    tv[:, :3] = np.nan
    both = st.regime_filter(iv, tv, days=2)
    for i in range(4):
        np.testing.assert_array_equal(both[i], st.regime_filter(iv[i], tv[i], days=2))
    assert both[:, :3].all()


def test_filter_removes_the_losing_rolls_it_flags():
    idx = pd.bdate_range("2018-01-01", periods=3, name="date")
    pnl = pd.Series([1.0, -5.0, 2.0], index=idx)
    flag = pd.Series([True, False, True], index=idx)
    out = st.apply_filter(pnl, flag)
    assert out.tolist() == [1.0, 0.0, 2.0] and out.sum() - pnl.sum() == pytest.approx(5.0)
    np.testing.assert_array_equal(st.apply_filter(np.ones((2, 2)), np.eye(2, dtype=bool)), np.eye(2))


# --------------------------------------------------------------------------- bad input

def test_bad_inputs():
    with pytest.raises(ValueError, match="Costs.bid_ask"):
        st.Costs(bid_ask=-1.0)
    with pytest.raises(ValueError, match="costs"):
        st.short_variance_swap(20.0, 10.0, costs={"bid_ask": 1})
    with pytest.raises(ValueError, match="exceeds the strike"):
        st.short_variance_swap(3.0, 10.0, costs=st.Costs(bid_ask=8.0))
    with pytest.raises(ValueError, match="strike_vol.*decimals"):
        st.short_variance_swap(0.2, 10.0)
    with pytest.raises(ValueError, match="realized_vol.*price level"):
        st.short_variance_swap(20.0, 2500.0)
    with pytest.raises(ValueError, match="realized_vol: shape"):
        st.short_variance_swap(np.full(3, 20.0), np.full(2, 10.0))
    with pytest.raises(ValueError, match="vega_notional"):
        st.short_variance_swap(20.0, 10.0, "1.0")
    with pytest.raises(ValueError, match="strike_vol"):
        st.short_variance_swap(-20.0, 10.0)
    with pytest.raises(ValueError, match="realized_vol"):
        st.short_variance_swap(20.0, np.nan)
    with pytest.raises(ValueError, match="vega_notional"):
        st.short_variance_swap(20.0, 10.0, -1.0)
    with pytest.raises(ValueError, match="cap_multiple"):
        st.short_variance_swap(20.0, 10.0, cap_multiple=0)
    idx = pd.bdate_range("2018-01-01", periods=2, name="date")
    with pytest.raises(ValueError, match="same index"):
        st.short_variance_swap(pd.Series([20.0, 20.0], index=idx),
                               pd.Series([10.0, 10.0], index=idx + pd.Timedelta(days=1)))
    with pytest.raises(ValueError, match="paths"):
        st.short_straddle(np.array([100.0, 101.0]), 20.0)
    with pytest.raises(ValueError, match="paths"):
        st.short_straddle(np.array([[100.0, -1.0]]), np.array([20.0]))
    with pytest.raises(ValueError, match="implied_vol: shape"):
        st.short_straddle(np.full((2, 5), 100.0), np.array([20.0]))
    with pytest.raises(ValueError, match="implied_vol: contains a non-positive"):
        st.put_write(np.full((1, 5), 100.0), np.array([0.0]))
    with pytest.raises(ValueError, match="moneyness"):
        st.put_write(np.full((1, 5), 100.0), np.array([20.0]), moneyness=0)
    with pytest.raises(ValueError, match="exceeds the implied"):
        st.put_write(np.full((1, 5), 100.0), np.array([3.0]), costs=st.Costs(bid_ask=8.0),
                     smile="flat")
    with pytest.raises(ValueError, match="delta_hedge"):
        st.covered_call(np.full((1, 5), 100.0), np.array([20.0]), delta_hedge=True)
    with pytest.raises(ValueError, match="moneyness"):
        st.long_put(np.full((1, 5), 100.0), np.array([20.0]), moneyness=-0.9)
    p = _prices(60)
    with pytest.raises(ValueError, match="no date in common"):
        st.rolls(pd.Series(15.0, index=p.index + pd.Timedelta(days=10_000)), p)
    with pytest.raises(ValueError, match="window"):
        st.rolls(p * 0 + 15, p, window=0)
    with pytest.raises(ValueError, match="offset"):
        st.rolls(p * 0 + 15, p, offset=-1)
    with pytest.raises(ValueError, match="prices: window of 60 needs at least 61 prices, got 60"):
        st.rolls(p * 0 + 15, p, window=60)
    with pytest.raises(ValueError, match="complete forward window"):  # the implied values end too soon
        st.rolls((p * 0 + 15).iloc[-5:], p, window=21)
    with pytest.raises(ValueError, match="not a date"):
        st.roll_paths(p, [pd.Timestamp("1999-01-01")])
    with pytest.raises(ValueError, match="fewer than"):
        st.roll_paths(p, [p.index[-3]])
    with pytest.raises(ValueError, match="same shape"):
        st.model_rolls(np.ones((22, 2)), np.full((22, 3), 15.0))
    with pytest.raises(ValueError, match="complete"):
        st.model_rolls(np.ones((10, 2)), np.full((10, 2), 15.0))
    with pytest.raises(ValueError, match="vix.*decimals"):
        st.model_rolls(np.ones((22, 2)), np.full((22, 2), 0.15))
    with pytest.raises(ValueError, match="vix"):
        st.model_rolls(np.ones((22, 2)), -np.ones((22, 2)))
    with pytest.raises(ValueError, match="vol_of_vol"):
        st.risk_target_vega(20.0, 1.0, vol_of_vol=0)
    with pytest.raises(ValueError, match="risk_budget"):
        st.risk_target_vega(20.0, -1.0)
    with pytest.raises(ValueError, match="implied_vol"):
        st.risk_target_vega(np.array([20.0, np.nan]), 1.0)
    with pytest.raises(ValueError, match="days"):
        st.regime_filter(np.full(3, 15.0), np.full(3, 15.0), days=0)
    with pytest.raises(ValueError, match="shape"):
        st.regime_filter(np.full(3, 15.0), np.full(4, 15.0))
    with pytest.raises(ValueError, match="NaN"):
        st.regime_filter(np.array([np.nan, 15.0]), np.full(2, 15.0))
    with pytest.raises(ValueError, match="trailing_vol.*decimals"):
        st.regime_filter(np.full(3, 15.0), np.full(3, 0.15))
    with pytest.raises(ValueError, match="in_market"):
        st.apply_filter(np.ones(3), np.array(["yes", "no", "yes"]))
    with pytest.raises(ValueError, match="roll_dates: duplicate"):
        st.roll_paths(_prices(60), [_prices(60).index[3]] * 2)
    with pytest.raises(ValueError, match="offset"):
        st.rolls(_prices(60) * 0 + 15, _prices(60), offset=True)
    with pytest.raises(ValueError, match="Series"):
        st.apply_filter(pd.Series([1.0], index=idx[:1]), np.array([True]))
    with pytest.raises(ValueError, match="roll date"):
        st.apply_filter(pd.Series([1.0], index=idx[:1]), pd.Series([True], index=idx[1:]))
    with pytest.raises(ValueError, match="shape"):
        st.apply_filter(np.ones(3), np.ones(2, dtype=bool))


def test_filter_grid_matches_single_runs():
    idx = pd.bdate_range("2015-01-01", periods=300)
    rng = np.random.default_rng(2)
    prices = pd.Series(100 * np.exp(np.cumsum(rng.normal(0, 0.012, 300))), index=idx)
    iv = pd.Series(15 + 5 * np.sin(np.arange(300) / 20), index=idx)
    roll_dates = idx[30::21][:12]
    pnl = pd.Series(rng.normal(1, 3, len(roll_dates)), index=roll_dates)
    grid, flags = st.filter_grid(pnl, iv, prices, trailing_windows=(5, 10), days=(1, 3),
                                 reentry_spreads=(0.0,), gross=pnl + 1)
    assert len(grid) == 4 and set(flags) == {(5, 1, 0.0), (5, 3, 0.0), (10, 1, 0.0), (10, 3, 0.0)}
    flag = st.regime_filter(iv, realized.trailing_realized_vol(prices, 10).reindex(idx), days=3)
    row = grid[(grid["trailing window"] == 10) & (grid["days"] == 3)].iloc[0]
    kept = st.apply_filter(pnl, flag)
    assert row["Sharpe"] == pytest.approx(risk.sharpe(kept, 12))
    assert row["total P&L"] == pytest.approx(kept.sum())
    assert row["rolls taken %"] == pytest.approx(100 * flag[roll_dates].mean())
    assert row["Sharpe gross"] == pytest.approx(risk.sharpe(st.apply_filter(pnl + 1, flag), 12))
    with pytest.raises(ValueError, match="Series of P&L"):
        st.filter_grid(pnl.to_numpy(), iv, prices)
    with pytest.raises(ValueError, match="days: empty"):
        st.filter_grid(pnl, iv, prices, days=())
    with pytest.raises(ValueError, match="trailing_windows"):
        st.filter_grid(pnl, iv, prices, trailing_windows=None)
    with pytest.raises(ValueError, match="reentry_spreads"):
        st.filter_grid(pnl, iv, prices, reentry_spreads=(np.nan,))
    with pytest.raises(ValueError, match="implied_vol.*decimals"):
        st.filter_grid(pnl, iv / 100, prices)


def test_model_tenor_table_against_closed_form_and_direct_rolls():
    from vrp_lib import models

    P, Q = models.PHYSICAL, models.RISK_NEUTRAL
    sim = models.simulate(P, Q, n_days=252, n_paths=20, seed=3)
    table = st.model_tenor_table(sim, P, Q, tenors=(21, 63), costs=st.Costs(bid_ask=1.0))
    assert list(table.index) == [21, 63]
    t = 21 / 252
    kq = 100 * np.sqrt(models.expected_variance(Q, t, P.theta))
    ep = 1e4 * models.expected_variance(P, t, P.theta)
    assert table.loc[21, "E[P&L] per swap"] == pytest.approx((kq**2 - ep) / (2 * kq))
    assert table.loc[21, "E[P&L] per year"] == pytest.approx(12 * table.loc[21, "E[P&L] per swap"])
    assert table.loc[63, "cost per year"] > 0
    with pytest.raises(ValueError, match="tenors: empty"):
        st.model_tenor_table(sim, P, Q, tenors=())
    with pytest.raises(ValueError, match="tenors"):
        st.model_tenor_table(sim, P, Q, tenors=(21.5,))
    with pytest.raises(ValueError, match="paths"):
        st.model_tenor_table(None, P, Q)
    with pytest.raises(ValueError, match="days_per_year"):
        st.model_tenor_table(sim, P, Q, days_per_year="252")


def test_costs_reject_booleans():
    for name in ("bid_ask", "slippage", "fee", "financing", "hedge_cost"):
        with pytest.raises(TypeError, match=rf"Costs\.{name} .*got the boolean True"):
            st.Costs(**{name: True})


def test_rolls_reject_nan_implied_vol():
    p = _prices(120)
    iv = pd.Series(15.0, index=p.index)
    iv.iloc[30] = np.nan
    with pytest.raises(ValueError, match="implied_vol: NaN on"):
        st.rolls(iv, p, window=21)


def test_risk_free_rate_dates_checked():
    rates = pd.Series(5.0, index=pd.bdate_range("2020-01-01", periods=40))
    d = rates.index[5:10]
    with pytest.raises(ValueError, match="dates: duplicate date"):
        st.risk_free_rate(d.append(d[-1:]), rates)
    with pytest.raises(ValueError, match="dates: dates are not sorted"):
        st.risk_free_rate(d[::-1], rates)
    with pytest.raises(ValueError, match="dates: time-zone aware"):
        st.risk_free_rate(d.tz_localize("UTC"), rates)
    for bad in (None, "abc"):
        with pytest.raises(ValueError, match="dates: expected a sequence of dates"):
            st.risk_free_rate(bad, rates)


def test_index_returns_roll_table_checked():
    p = _prices(120)
    table = st.rolls(pd.Series(15.0, index=p.index), p, window=21)
    bad = table.copy()
    bad.iloc[0, bad.columns.get_loc("spot")] = np.nan
    with pytest.raises(ValueError, match="roll_table: contains NaN"):
        st.index_returns(bad)
    bad["spot"] = np.inf
    with pytest.raises(ValueError, match="roll_table: contains an infinite value"):
        st.index_returns(bad)
    with pytest.raises(ValueError, match="roll_table: contains NaN"):
        st.index_returns(table.assign(implied=np.nan))
    with pytest.raises(ValueError, match=r"roll_table\['spot'\]: contains a non-positive value"):
        st.index_returns(table.assign(spot=-1.0))
    with pytest.raises(ValueError, match="roll_table: dates are not sorted"):
        st.index_returns(table.iloc[::-1])
    with pytest.raises(ValueError, match="roll_table: duplicate date"):
        st.index_returns(pd.concat([table, table.iloc[-1:]]))
    with pytest.raises(ValueError, match="roll_table: the index must be a DatetimeIndex"):
        st.index_returns(table.reset_index(drop=True))
    with pytest.raises(ValueError, match="roll_table: tz-aware index"):
        st.index_returns(table.tz_localize("UTC"))
    with pytest.raises(ValueError, match="roll_table: the series is empty"):
        st.index_returns(table.iloc[:0])


def test_strike_vols_rates_checked():
    iv = np.array([15.0, 20.0])
    for name in ("r", "q"):
        with pytest.raises(ValueError, match=rf"^{name}: contains NaN"):
            st.strike_vols(iv, 0.9, 21 / 252, **{name: np.nan})
        with pytest.raises(ValueError, match=rf"^{name}: contains an infinite value"):
            st.strike_vols(iv, 0.9, 21 / 252, **{name: np.inf})
        for bad in (True, None):
            with pytest.raises(ValueError, match=rf"^{name} must be a number or one number per roll"):
                st.strike_vols(iv, 0.9, 21 / 252, **{name: bad})
        with pytest.raises(TypeError, match=rf"^{name}: expected numbers"):
            st.strike_vols(iv, 0.9, 21 / 252, **{name: "0.0"})


def test_filter_grid_needs_a_year_of_rolls():
    idx = pd.bdate_range("2015-01-01", periods=300)
    prices = pd.Series(100 * np.exp(np.linspace(0, 0.1, 300)), index=idx)
    iv = pd.Series(15.0, index=idx)
    pnl = pd.Series(1.0, index=idx[30::21][:11])
    with pytest.raises(ValueError, match="pnl: periods_per_year of 12 needs at least 12 rolls .one year., got 11"):
        st.filter_grid(pnl, iv, prices)


# ------------------------------------------------------------- no silent results (bounds)

def test_rule_index_returns_window_beyond_the_rolls():
    """window=10**7 gave a total return of 793.7 (q T with T = 40,000 years): a window longer than
    the gap between consecutive roll dates, or an absurd count per year, raises."""
    p = _prices(200)
    table = st.rolls(p * 0 + 15, p, window=21)
    out = st.index_returns(table, q=0.02, window=21)
    # the closed form: total = price + q * 21 / 252
    assert np.allclose(out["total return (approx.)"] - out["price return"], 0.02 * 21 / 252, rtol=0, atol=1e-15)
    with pytest.raises(ValueError, match=r"window \(400 trading days\) is longer than the gap .*\(21 business days, 9 rolls\)"):
        st.index_returns(table, window=400)
    with pytest.raises(ValueError, match=r"window \(22 trading days\) is longer than the gap"):
        st.index_returns(table, window=22)
    for rolls in (table, table.iloc[:1]):
        with pytest.raises(ValueError, match="window / days_per_year = 10000000 / 252 = .* years, above 10"):
            st.index_returns(rolls, window=10**7)
    for bad in (0, 0.5, 1e7):
        with pytest.raises(ValueError, match=r"days_per_year must lie in \[1, 8,784\]"):
            st.index_returns(table, days_per_year=bad)
    with pytest.raises(ValueError, match=r"q \(2\) is above 1 in size"):
        st.index_returns(table, q=2.0)
    assert st.index_returns(table, window=21.0).equals(out)  # 21.0 is 21


def test_rule_costs_fields_bounded_when_built():
    assert st.Costs(bid_ask=100.0, financing=1.0, hedge_cost=1.0).vol_give_up == 50.0
    for field, bad, msg in (("bid_ask", 1e7, "above 100 vol points"), ("slippage", 101.0, "above 100 vol points"),
                            ("financing", 3.0, "above 1: pass a decimal"), ("hedge_cost", 5.0, "above 1")):
        with pytest.raises(ValueError, match=f"Costs.{field} .*{msg}"):
            st.Costs(**{field: bad})


def test_rule_rolls_and_paths_windows_named():
    p = _prices(120)
    iv = p * 0 + 15
    with pytest.raises(ValueError, match=r"offset \(21\) must be below window \(21\)"):
        st.rolls(iv, p, window=21, offset=21)
    for bad in (0, 1e7):
        with pytest.raises(ValueError, match=r"annualization must lie in \[1, 8,784\]"):
            st.rolls(iv, p, annualization=bad)
    with pytest.raises(ValueError, match="fewer than window = 10000000 trading days"):
        st.roll_paths(p, p.index[:3], window=10**7)
    paths = _gbm_paths(30, 0.2, 0, n_days=40).T
    with pytest.raises(ValueError, match="no complete roll of window = 50 days"):
        st.model_rolls(paths, paths * 0 + 20.0, window=50)
    with pytest.raises(ValueError, match=r"annualization must lie in \[1, 8,784\]"):
        st.model_rolls(paths, paths * 0 + 20.0, window=20, annualization=0)


def test_rule_option_and_swap_bounds():
    paths = _gbm_paths(5, 0.2, 1)
    iv = np.full(5, 20.0)
    for bad in (0, 1e-9, 1e7):  # 1e-9 gave a 21e9-year option and an error from the spline
        with pytest.raises(ValueError, match=r"days_per_year must lie in \[1, 8,784\]"):
            st.put_write(paths, iv, days_per_year=bad)
    with pytest.raises(ValueError, match=r"paths' days / days_per_year = 21 / 1 = 21 years, above 10"):
        st.put_write(paths, iv, days_per_year=1)
    with pytest.raises(ValueError, match="r: 5.2 is above 1 in size.*not percent"):
        st.put_write(paths, iv, r=5.2)
    with pytest.raises(ValueError, match="q: -3 is above 1 in size"):
        st.short_straddle(paths, iv, q=-3.0)
    with pytest.raises(ValueError, match="put_moneyness: a strike at .* vol points on this smile"):
        st.put_write(paths, iv, moneyness=1e-12)
    with pytest.raises(ValueError, match="call_moneyness: a strike at"):
        st.covered_call(paths, iv, moneyness=1e-12)
    with pytest.raises(ValueError, match=r"t \(1e\+07 years\) is above 10 years"):
        st.strike_vols(iv, 0.9, 1e7)
    k, rv = np.full(4, 20.0), np.array([15.0, 18.0, 25.0, 60.0])
    with pytest.raises(ValueError, match="cap_multiple must be at least 1"):
        st.short_variance_swap(k, rv, cap_multiple=0.5)
    with pytest.raises(ValueError, match=r"days_per_year must lie in \[1, 8,784\]"):
        st.short_variance_swap(k, rv, capital=100.0, days_per_year=0)


def test_rule_filter_days_and_grid_bounds():
    p = _prices(150)
    iv = p * 0 + 15
    tv = realized.trailing_realized_vol(p, 10)
    with pytest.raises(ValueError, match=r"days \(10000000\) is longer than implied_vol \(150 days\)"):
        st.regime_filter(iv, tv, days=10**7)
    pnl = pd.Series(1.0, index=p.index[30::10][:12])
    with pytest.raises(ValueError, match="implied_vol: days of 500 needs at least 500 days"):
        st.filter_grid(pnl + np.arange(12), iv, p, days=(1, 500))
    with pytest.raises(ValueError, match="prices: trailing_windows of 10000000 needs"):
        st.filter_grid(pnl + np.arange(12), iv, p, trailing_windows=(5, 10**7))
    with pytest.raises(ValueError, match=r"periods_per_year must lie in \[0.1, 8,784\]"):
        st.filter_grid(pnl + np.arange(12), iv, p, periods_per_year=1e7)


def test_rule_model_tenor_table_bounds():
    from vrp_lib import models

    P, Q = models.PHYSICAL, models.RISK_NEUTRAL
    sim = models.simulate(P, Q, n_days=63, n_paths=4, seed=3)
    with pytest.raises(ValueError, match=r"tenors: a tenor of 126 days is longer than the paths \(63 days\)"):
        st.model_tenor_table(sim, P, Q, tenors=(21, 126))
    with pytest.raises(ValueError, match=r"days_per_year must lie in \[1, 8,784\]"):
        st.model_tenor_table(sim, P, Q, tenors=(21,), days_per_year=1e-9)
