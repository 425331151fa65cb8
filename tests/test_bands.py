"""Tests of vrp_lib.bands: each roll calendar against another module or a hand value."""

import numpy as np
import pandas as pd
import pytest

from vrp_lib import bands, data, regimes, risk
from vrp_lib import strategies as st


def _market(n=600, seed=1):
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2019-01-01", periods=n, name="date")
    r = rng.normal(0, 0.01, n)
    r[0] = 0.0
    spx = pd.Series(100 * np.exp(np.cumsum(r)), index=idx)
    vix = pd.Series(18 + 4 * np.sin(np.arange(n) / 30) + rng.normal(0, 0.5, n), index=idx)
    return vix, spx


def test_third_fridays_real_calendar():
    idx = data.load_spx().index
    got = bands.third_fridays(idx[(idx >= "2020-01-01") & (idx <= "2022-12-31")])
    assert pd.Timestamp("2020-02-21") in got and pd.Timestamp("2020-03-20") in got
    # Good Friday 15 April 2022: the exchange was closed, the expiry moved to Thursday
    assert pd.Timestamp("2022-04-14") in got and pd.Timestamp("2022-04-15") not in got
    assert len(got) == 36 and (got.day_of_week[got != pd.Timestamp("2022-04-14")] == 4).all()
    assert ((got.day >= 14) & (got.day <= 21)).all()   # 14: the Thursday before Good Friday 2022


def test_month_end_dates_are_last_trading_days():
    vix, spx = _market()
    got = bands.month_end_dates(spx.index)
    ref = spx.index.to_series().groupby(spx.index.to_period("M")).max()
    assert list(got) == list(ref)


def test_schedule_rolls_equals_fixed_rolls():
    vix, spx = _market()
    fixed = st.rolls(vix, spx, window=21, offset=3)
    dates = spx.index[3::21]
    got = bands.schedule_rolls(vix, spx, dates)
    got = got.loc[fixed.index]
    np.testing.assert_allclose(got["realized"], fixed["realized"], rtol=1e-12)
    np.testing.assert_allclose(got["implied"], fixed["implied"])
    np.testing.assert_allclose(got["spot_end"], fixed["spot_end"])
    assert (got["days"] == 21).all()


def test_schedule_rolls_hand_value():
    idx = pd.bdate_range("2020-01-01", periods=6)
    spx = pd.Series([100.0, 101.0, 99.0, 99.0, 100.0, 102.0], index=idx)
    vix = pd.Series(20.0, index=idx)
    got = bands.schedule_rolls(vix, spx, idx[[0, 2, 5]])
    r = np.log(spx.to_numpy())
    rv0 = 100 * np.sqrt(252 / 2 * ((r[1] - r[0]) ** 2 + (r[2] - r[1]) ** 2))
    rv1 = 100 * np.sqrt(252 / 3 * ((r[3] - r[2]) ** 2 + (r[4] - r[3]) ** 2 + (r[5] - r[4]) ** 2))
    np.testing.assert_allclose(got["realized"], [rv0, rv1], rtol=1e-14)
    assert list(got["days"]) == [2, 3]


def test_calendar_variants_rows():
    vix, spx = _market()
    costs = st.Costs(bid_ask=1.0, slippage=0.25)
    t = bands.calendar_variants(vix, spx, costs=costs, n_boot=50)
    assert list(t.index) == [f"offset {k}" for k in range(21)] + ["calendar month", "third Friday",
                                                                  "daily ladder"]
    rl = st.rolls(vix, spx, window=21, offset=5)
    pnl = st.short_variance_swap(rl["implied"], rl["realized"], 1.0, costs=costs)
    assert t.loc["offset 5", "Sharpe ratio (annualized)"] == pytest.approx(risk.sharpe(pnl), rel=1e-12)
    assert t.loc["offset 5", "Worst roll (vol points)"] == pytest.approx(pnl.min(), rel=1e-12)
    assert t.loc["offset 5", "Rolls"] == len(pnl)
    # the ladder's P&L over the whole sample is the mean of the settlements of every swap
    r2 = np.concatenate([[0.0], np.diff(np.log(spx.to_numpy())) ** 2])
    hold, _ = regimes.swap_values(vix.to_numpy(), r2, 21, costs.vol_give_up)
    total = 12 * t.loc["daily ladder", "Mean P&L (vol points a year)"] / 12 * t.loc["daily ladder", "Rolls"] / 12
    assert total == pytest.approx(hold[:, -1].sum() / 21, rel=1e-10)


def test_band():
    b = bands.band([0.4, 0.9, 0.7, 0.6], headline=0.83)
    assert b["choices"] == 4 and b["min"] == 0.4 and b["max"] == 0.9
    assert b["median"] == pytest.approx(0.65) and b["mean"] == pytest.approx(0.65)
    assert b["inside"] and b["share below"] == 0.75
    assert not bands.band([0.4, 0.5], headline=0.83)["inside"]
    with pytest.raises(ValueError, match="values"):
        bands.band([0.4])
    with pytest.raises(ValueError, match="headline"):
        bands.band([0.4, 0.5], headline=np.nan)


def test_bad_input():
    vix, spx = _market()
    with pytest.raises(ValueError, match="roll_dates"):
        bands.schedule_rolls(vix, spx, pd.DatetimeIndex(["2019-01-05", "2019-02-05"]))
    with pytest.raises(TypeError, match="dates"):
        bands.third_fridays(["2020-01-01"])
    with pytest.raises(ValueError, match="window"):
        bands.calendar_variants(vix, spx, window=1)
