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
    for rv in (k + d, max(k - d, 0.0)):
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
