"""Tests of vrp_lib.margin: marks against regimes.swap_values, settlements against
strategies.short_variance_swap, the stop rule on a hand-built crash."""

import numpy as np
import pandas as pd
import pytest

from vrp_lib import margin, regimes
from vrp_lib import strategies as st


def _market(n=300, seed=2, crash_at=None):
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2008-01-01", periods=n, name="date")
    r = rng.normal(0, 0.01, n)
    r[0] = 0.0
    if crash_at is not None:
        r[crash_at:crash_at + 5] = -0.08
    spx = pd.Series(100 * np.exp(np.cumsum(r)), index=idx)
    vix = pd.Series(20 + 3 * np.sin(np.arange(n) / 15), index=idx)
    return vix, spx


def test_roll_marks_equal_swap_values_and_settle_as_the_swap():
    vix, spx = _market()
    r2 = np.concatenate([[0.0], np.diff(np.log(spx.to_numpy())) ** 2])
    hold, close = regimes.swap_values(vix.to_numpy(), r2, 21, 0.75)
    m = margin.roll_marks(vix, spx, spx.index[40], give_up=0.75)
    np.testing.assert_allclose(m["Mark (vol points)"], hold[40], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(m["Buy-back value (vol points)"], close[40], rtol=1e-12, atol=1e-12)
    rl = st.rolls(vix, spx, 21, offset=40 % 21)
    pnl = st.short_variance_swap(rl["implied"], rl["realized"], 1.0, costs=st.Costs(bid_ask=1.5))
    assert m["Mark (vol points)"].iloc[-1] == pytest.approx(pnl.loc[spx.index[40]], rel=1e-12)
    assert m["Margin (vol points)"].iloc[-1] == 0.0
    # the margin is the loss on a 10-point jump of implied vol on the remaining life, exactly
    k = vix.iloc[40] - 0.75
    rem = 1 - np.arange(22) / 21
    iv = vix.iloc[40:62].to_numpy()
    np.testing.assert_allclose(m["Margin (vol points)"], rem * ((iv + 10) ** 2 - iv**2) / (2 * k),
                               rtol=1e-12, atol=1e-12)


def test_roll_marks_cap_settles_as_capped_swap():
    vix, spx = _market(crash_at=50)
    rl = st.rolls(vix, spx, 21, offset=42 % 21)
    capped = st.short_variance_swap(rl["implied"], rl["realized"], 1.0, cap_multiple=1.5)
    m = margin.roll_marks(vix, spx, spx.index[42], cap_multiple=1.5)
    assert m["Mark (vol points)"].iloc[-1] == pytest.approx(capped.loc[spx.index[42]], rel=1e-12)
    k = vix.iloc[42]
    assert m["Mark (vol points)"].min() >= (k**2 - (1.5 * k) ** 2) / (2 * k) - 1e-12
    free = margin.roll_marks(vix, spx, spx.index[42])
    assert (free["Mark (vol points)"] <= m["Mark (vol points)"] + 1e-12).all()


def test_capital_path_without_stop_is_the_sum_of_settlements():
    vix, spx = _market()
    path = margin.capital_path(vix, spx, 100.0, give_up=0.5)
    assert path["In market"].all()
    rl = st.rolls(vix, spx, 21)
    pnl = st.short_variance_swap(rl["implied"], rl["realized"], 1.0, costs=st.Costs(bid_ask=1.0))
    n = (len(spx) - 1) // 21
    assert path["Equity (vol points)"].iloc[-1] == pytest.approx(100.0 + pnl.iloc[:n].sum(), rel=1e-12)
    assert len(path) == n * 21 + 1 and path["Margin (vol points)"].iloc[-1] == 0.0
    assert (path["Excess (vol points)"] >= 0).all()


def test_capital_path_stops_on_a_crash_and_the_cap_helps():
    vix, spx = _market(crash_at=50)
    thin = margin.capital_path(vix, spx, 30.0)
    assert not thin["In market"].all()
    stop = thin.index[~thin["In market"]][0]
    # before the stop equity was at least the margin; on the stop day it was not
    before = thin.loc[:stop].iloc[:-1]
    assert (before["Equity (vol points)"] >= before["Margin (vol points)"]).all()
    after = thin.loc[stop:, "Equity (vol points)"]
    assert (after == after.iloc[0]).all()
    capped = margin.capital_path(vix, spx, 30.0, cap_multiple=1.5)
    assert capped["Equity (vol points)"].iloc[-1] > thin["Equity (vol points)"].iloc[-1]


def test_bad_input():
    vix, spx = _market()
    with pytest.raises(ValueError, match="capital"):
        margin.capital_path(vix, spx, -1.0)
    with pytest.raises(ValueError, match="start"):
        margin.roll_marks(vix, spx, spx.index[-3])
    with pytest.raises(ValueError, match="implied_vol"):
        margin.roll_marks(vix.iloc[:-1], spx, spx.index[3])
    with pytest.raises(ValueError, match="cap_multiple"):
        margin.capital_path(vix, spx, 10.0, cap_multiple=0.5)
