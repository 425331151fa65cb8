"""vrp_lib.premium: the practical VRP on hand-built series with known answers."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from vrp_lib import premium, realized


def _alternating_prices(n, sigma, start="2020-01-01"):
    r = np.where(np.arange(n) % 2 == 0, sigma, -sigma)
    r[0] = 0.0
    return pd.Series(100 * np.exp(np.cumsum(r)), index=pd.bdate_range(start, periods=n))


def test_vrp_known_value():
    # Realized vol is exactly 100 * 0.01 * sqrt(252) = 15.87 in every window; implied 20.
    p = _alternating_prices(80, 0.01)
    iv = pd.Series(20.0, index=p.index)
    rv_true = 100 * 0.01 * math.sqrt(252)
    s = premium.vrp(iv, p, window=21)
    assert len(s) == 80 - 21
    np.testing.assert_allclose(s.to_numpy(), 20 - rv_true)
    sv = premium.vrp(iv, p, window=21, form="variance")
    np.testing.assert_allclose(sv.to_numpy(), 400 - rv_true**2)
    summ = premium.summary(iv, p, window=21)
    assert summ["avg_implied"] == 20.0
    assert summ["avg_realized"] == pytest.approx(rv_true)
    assert summ["avg_vrp"] == pytest.approx(20 - rv_true)
    assert summ["hit_rate"] == 1.0
    assert summ["n"] == 59


def test_summary_uses_only_dates_with_both_values():
    p = _alternating_prices(60, 0.01)
    iv = pd.Series(10.0, index=p.index[::2])      # implied only every other day
    summ = premium.summary(iv, p, window=5)
    expected_n = int(sum(1 for d in p.index[::2] if p.index.get_loc(d) + 5 < 60))
    assert summ["n"] == expected_n
    assert summ["hit_rate"] == 0.0                # 10 < 15.87: the premium is negative


def test_hit_rate_counts_strictly_positive_spreads():
    p = _alternating_prices(40, 0.01)
    rv = realized.forward_realized_vol(p, 10).dropna()
    iv = rv.copy()
    iv.iloc[::2] += 1.0                            # half above, half exactly equal
    summ = premium.summary(iv, p, window=10)
    assert summ["hit_rate"] == pytest.approx(np.ceil(len(rv) / 2) / len(rv))


@given(shift=st.floats(-10, 10))
def test_avg_vrp_is_linear_in_a_constant_shift(shift):
    p = _alternating_prices(50, 0.012)
    iv = pd.Series(np.linspace(12, 25, 50), index=p.index)
    base = premium.summary(iv, p, window=7)["avg_vrp"]
    moved = premium.summary(iv + shift + 10, p, window=7)["avg_vrp"]  # stays positive
    assert moved - base == pytest.approx(shift + 10, abs=1e-9)


def test_summary_table_shape_and_labels():
    p = _alternating_prices(120, 0.01)
    iv = pd.Series(18.0, index=p.index)
    t = premium.summary_table(iv, p, windows=(21, 42, 63), labels=["30-day", "60-day", "90-day"])
    assert list(t.index) == ["30-day", "60-day", "90-day"]
    assert list(t.columns) == ["Avg implied vol", "Avg realized vol", "Avg VRP (vol pts)",
                               "Hit rate (VRP > 0)", "n"]
    assert list(t["n"]) == [99, 78, 57]


def test_distribution_and_worst_months():
    idx = pd.bdate_range("2020-01-01", "2020-03-31")
    s = pd.Series(np.where(idx.month == 2, -5.0, 2.0), index=idx)
    d = premium.distribution(s)
    assert d["min"] == -5.0 and d["max"] == 2.0 and d["median"] == 2.0
    assert d["hit_rate"] == pytest.approx((idx.month != 2).mean())
    w = premium.worst_months(s, n=2)
    assert list(w.index) == ["2020-02", "2020-01"]
    assert w["avg_vrp"].iloc[0] == -5.0
    assert len(premium.monthly_samples(s, 21)) == math.ceil(len(s) / 21)


def test_bad_inputs():
    p = _alternating_prices(60, 0.01)
    with pytest.raises(ValueError, match="no date in common"):
        premium.vrp(pd.Series(15.0, index=pd.bdate_range("2010-01-01", periods=10)), p)
    with pytest.raises(ValueError, match="negative volatility"):
        premium.vrp(pd.Series(-1.0, index=p.index), p)
    with pytest.raises(ValueError, match="complete 50-day forward window"):
        premium.summary(pd.Series(15.0, index=p.index[-20:]), p, window=50)
    with pytest.raises(ValueError, match="form must be"):
        premium.vrp(pd.Series(15.0, index=p.index), p, form="log")
    with pytest.raises(ValueError, match="window must be at least 1"):
        premium.summary(pd.Series(15.0, index=p.index), p, window=0)
    with pytest.raises(ValueError, match="NaN on 2020-01-01"):
        premium.distribution(pd.Series([np.nan, 1.0], index=p.index[:2]))
    with pytest.raises(ValueError, match="labels"):
        premium.summary_table(pd.Series(15.0, index=p.index), p, windows=(5, 10), labels=["a"])
