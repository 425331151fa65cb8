"""Tests of vrp_lib.ledger, each pinned to an independent value: loops written out in the
test, closed forms (the lognormal Jensen term, the cubic term of the log contract), the
bootstrap's own index arrays, and the P = Q model world, where the variance form of the
risk premium must vanish."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import ndtr

from vrp_lib import bootstrap, models, premium
from vrp_lib import ledger as lg

DAYS = pd.bdate_range("2010-01-01", periods=900).delete([5, 40, 41, 300])   # a few holidays
_rng = np.random.default_rng(8)
PRICES = pd.Series(100 * np.exp(np.cumsum(_rng.normal(0, 0.011, len(DAYS)))), index=DAYS)
VIX = pd.Series(17 + 4 * np.sin(np.arange(len(DAYS)) / 30) + _rng.random(len(DAYS)), index=DAYS)


def test_matched_realized_vol_by_hand():
    got = lg.matched_realized_vol(PRICES, 30)
    r = np.log(PRICES).diff()
    for t in (DAYS[0], DAYS[3], DAYS[300], got.index[-1]):
        inside = r[(r.index > t) & (r.index <= t + pd.Timedelta(days=30))]
        assert np.isclose(got[t], 100 * np.sqrt(365 / 30 * (inside**2).sum()), rtol=1e-12)
    assert got.index[-1] + pd.Timedelta(days=30) <= DAYS[-1]
    assert got.index[-1] == DAYS[DAYS + pd.Timedelta(days=30) <= DAYS[-1]][-1]


def test_jump_wedge_by_hand_and_its_cubic_limit():
    got = lg.jump_wedge_data(PRICES, 21)
    r = np.diff(np.log(PRICES.to_numpy()))
    t = 100
    w = r[t:t + 21]
    assert np.isclose(got.iloc[t], 1e4 * 252 / 21 * np.sum(w**2 - 2 * (np.exp(w) - 1 - w)), rtol=1e-12)
    # r^2 - 2(e^r - 1 - r) = -r^3/3 - r^4/12 - ...: the cubic term dominates for small returns
    cubic = 1e4 * 252 / 21 * np.sum(-(w**3) / 3)
    assert abs(got.iloc[t] - cubic) < 1e4 * 252 / 21 * np.sum(w**4) / 10
    assert len(got) == len(PRICES) - 21 and got.index[0] == DAYS[0]


def test_ledger_totals_are_the_premium_and_the_parts_add_up():
    gap = 3e-4
    led = lg.ledger(VIX, PRICES, jump_gap=gap, block=60, n_boot=200)
    a = premium.aligned(VIX, PRICES, 21)
    rvm = lg.matched_realized_vol(PRICES).reindex(a.index)
    a = a.assign(rvm=rvm).dropna()
    iv, rv, m = a["implied"], a["realized"], a["rvm"]
    assert np.isclose(led.loc["total", "vol points"], (iv - rv).mean(), rtol=1e-12)
    assert np.isclose(led.loc["total", "variance points"], (iv**2 - rv**2).mean(), rtol=1e-12)
    assert np.isclose(led.loc["total", "log units"], np.log(iv**2 / rv**2).mean(), rtol=1e-12)
    for unit in lg.UNITS:
        parts = led.loc[list(lg.PARTS[:-1]), unit].sum()
        assert np.isclose(parts, led.loc["total", unit], rtol=1e-12, atol=1e-12)
    k = np.sqrt(iv**2 + 1e4 * gap)
    s2 = np.log(m / k).var(ddof=1)
    assert np.isclose(led.attrs["surprise_variance"], s2, rtol=1e-10)
    assert np.isclose(led.attrs["jensen_hit_rate"], ndtr(np.sqrt(s2)))
    assert np.isclose(led.loc["Jensen (convexity)", "vol points"], k.mean() * (1 - np.exp(-s2 / 2)))
    assert led.loc["Jensen (convexity)", "variance points"] == 0.0
    assert np.isclose(led.loc["Jensen (convexity)", "log units"], 2 * s2)
    assert np.isclose(led.loc["log contract (jumps)", "variance points"], -1e4 * gap)
    assert np.isclose(led.loc["log contract (jumps)", "vol points"], (iv - k).mean())
    assert np.isclose(led.loc["horizon and day count", "vol points"], (m - rv).mean())
    assert np.isclose(led.loc["risk premium", "variance points"], (k**2 - m**2).mean())
    assert led.attrs["n"] == len(a)


def test_ledger_standard_errors_are_the_bootstrap_of_the_same_draws():
    led = lg.ledger(VIX, PRICES, jump_gap=0.0, block=60, n_boot=150, seed=4)
    a = premium.aligned(VIX, PRICES, 21)
    a = a.assign(rvm=lg.matched_realized_vol(PRICES).reindex(a.index)).dropna()
    idx = bootstrap.block_indices(len(a), 60, 150, seed=4)
    iv, rv, m = (a[c].to_numpy()[idx] for c in ("implied", "realized", "rvm"))
    total = (iv - rv).mean(axis=1)
    s2 = np.log(m / iv).var(axis=1, ddof=1)
    jensen = iv.mean(axis=1) * (1 - np.exp(-s2 / 2))
    risk_var = (iv**2 - m**2).mean(axis=1)
    assert np.isclose(led.loc["total", "SE vol points"], total.std(ddof=1), rtol=1e-9)
    assert np.isclose(led.loc["Jensen (convexity)", "SE vol points"], jensen.std(ddof=1), rtol=1e-9)
    assert np.isclose(led.loc["risk premium", "SE variance points"], risk_var.std(ddof=1), rtol=1e-9)
    assert led.loc["log contract (jumps)", "vol points"] == 0.0          # no jump gap, no wedge


def test_p_equals_q_model_world_has_no_variance_risk_premium():
    # model world (synthetic), P = Q, no jumps priced apart: the variance form's risk part is
    # zero in expectation; 40 years of one path, within three bootstrap standard errors
    w = models.simulate(models.PHYSICAL, models.PHYSICAL, n_days=40 * 252, n_paths=1, seed=3).to_frame(0)
    led = lg.ledger(w["model_vix"], w["model_index"])
    row = led.loc["risk premium"]
    assert abs(row["variance points"]) < 3 * row["SE variance points"]
    assert led.loc["Jensen (convexity)", "vol points"] > 0.5


@settings(max_examples=20, deadline=None)
@given(gap=st.floats(0.0, 0.002), shift=st.floats(-5, 10))
def test_parts_always_sum_to_the_total(gap, shift):
    led = lg.ledger((VIX + shift).clip(lower=2.0), PRICES, jump_gap=gap, block=60, n_boot=20)
    for unit in lg.UNITS:
        assert np.isclose(led.loc[list(lg.PARTS[:-1]), unit].sum(), led.loc["total", unit],
                          rtol=1e-10, atol=1e-10)


def test_ledger_refuses_bad_input():
    with pytest.raises(ValueError, match="jump_gap"):
        lg.ledger(VIX, PRICES, jump_gap=3.2)                # variance points, not decimals
    with pytest.raises(ValueError, match="implied_vol.*decimals"):
        lg.ledger(VIX / 100, PRICES)
    with pytest.raises(ValueError, match="block"):
        lg.ledger(VIX, PRICES, block=500)
    with pytest.raises(ValueError, match="days"):
        lg.matched_realized_vol(PRICES.iloc[:10], 30)
