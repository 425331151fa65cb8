"""Tests of vrp_lib.risk: each measure against a closed form or a series checked by hand."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as hs
from scipy import stats

from vrp_lib import risk

# A hand-checked monthly record: equity 1, 3, 0, -1, 1, 4, 3 (additive)
R = np.array([1.0, 2.0, -3.0, -1.0, 2.0, 3.0, -1.0])


def _series(values):
    idx = pd.date_range("2020-01-31", periods=len(values), freq="ME", name="date")
    return pd.Series(values, index=idx)


def test_annualized_return_and_vol_closed_form():
    assert risk.annualized_return(R, 12) == pytest.approx(12 * 3.0 / 7)
    sd = np.sqrt(np.sum((R - 3.0 / 7) ** 2) / 6)
    assert risk.annualized_vol(R, 12) == pytest.approx(np.sqrt(12) * sd)
    assert risk.sharpe(R, 12) == pytest.approx(3.0 / 7 / sd * np.sqrt(12))


def test_sharpe_with_risk_free_and_daily_scaling():
    r = np.array([0.01, 0.02, 0.0, 0.03])
    m, sd = r.mean(), r.std(ddof=1)
    assert risk.sharpe(r, 12, risk_free=0.06) == pytest.approx((m - 0.005) / sd * np.sqrt(12))
    assert risk.sharpe(r, 252) == pytest.approx(m / sd * np.sqrt(252))


def test_moments_match_scipy_bias_corrected():
    x = np.array([0.3, -2.0, 0.5, 0.4, 0.6, 0.2, -0.1, 0.45, 0.35, 0.5])
    assert risk.skewness(x) == pytest.approx(stats.skew(x, bias=False))
    assert risk.excess_kurtosis(x) == pytest.approx(stats.kurtosis(x, bias=False))
    assert risk.skewness(x) < 0  # one large loss among small gains


def test_moments_of_a_normal_sample_within_standard_errors():
    rng = np.random.default_rng(1)
    x = rng.standard_normal(20_000)
    # standard errors sqrt(6/n) and sqrt(24/n): 0.017 and 0.035
    assert abs(risk.skewness(x)) < 4 * np.sqrt(6 / x.size)
    assert abs(risk.excess_kurtosis(x)) < 4 * np.sqrt(24 / x.size)


def test_drawdown_hand_checked():
    # equity 1, 3, 0, -1, 1, 4, 3: peak 3 then trough -1 (depth 4), recovered at t=5
    dd = risk.drawdowns(R)
    np.testing.assert_allclose(dd, [0, 0, -3, -4, -2, 0, -1])
    assert risk.max_drawdown(R) == pytest.approx(4.0)
    assert risk.max_drawdown_duration(R) == 3
    assert risk.time_under_water(R) == pytest.approx(4 / 7)
    assert risk.worst_period(R) == -3.0
    assert risk.hit_rate(R) == pytest.approx(4 / 7)


def test_drawdown_counts_losses_from_the_start():
    assert risk.max_drawdown(np.array([-1.0, -1.0, 3.0])) == pytest.approx(2.0)


def test_compounded_drawdown_closed_form():
    r = np.array([0.10, -0.50, 0.20])
    # wealth 1.1, 0.55, 0.66: drawdown from 1.1 to 0.55 is 50 %
    assert risk.max_drawdown(r, compound=True) == pytest.approx(0.5)
    np.testing.assert_allclose(risk.equity_curve(r, compound=True), [1.1, 0.55, 0.66])
    with pytest.raises(ValueError, match="-100"):
        risk.equity_curve(np.array([0.1, -1.0]), compound=True)


def test_series_keeps_index():
    s = _series(R)
    dd = risk.drawdowns(s)
    assert isinstance(dd, pd.Series) and dd.index.equals(s.index)
    assert risk.equity_curve(s).iloc[-1] == pytest.approx(3.0)


def test_cvar_hand_checked_and_fractional_tail():
    x = np.arange(1.0, 21.0)  # 20 periods: the worst 5 % is the single value 1
    assert risk.cvar(x, 0.05) == pytest.approx(1.0)
    y = np.arange(1.0, 26.0)  # 25 periods at 10 %: 2.5 periods, 1 + 2 + half of 3
    assert risk.cvar(y, 0.10) == pytest.approx((1 + 2 + 0.5 * 3) / 2.5)


def test_cvar_of_normal_quantile_grid_closed_form():
    # an evenly spaced quantile grid of N(0.01, 0.04^2): ES_5% = mu - sigma phi(z)/alpha
    n = 200_000
    x = stats.norm.ppf((np.arange(n) + 0.5) / n, loc=0.01, scale=0.04)
    exact = 0.01 - 0.04 * stats.norm.pdf(stats.norm.ppf(0.05)) / 0.05
    assert risk.cvar(x, 0.05) == pytest.approx(exact, abs=1e-4)


def test_vectorized_over_paths_equals_row_by_row():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((5, 40)) * 0.02 + 0.005
    for f in (risk.annualized_return, risk.annualized_vol, risk.sharpe, risk.skewness,
              risk.excess_kurtosis, risk.max_drawdown, risk.max_drawdown_duration,
              risk.time_under_water, risk.worst_period, risk.cvar, risk.hit_rate):
        both = f(x)
        assert both.shape == (5,)
        np.testing.assert_allclose(both, [f(row) for row in x])


@given(hs.lists(hs.floats(-1.0, 1.0), min_size=4, max_size=40))
def test_drawdown_properties(values):
    x = np.array(values)
    mdd = risk.max_drawdown(x)
    assert 0 <= mdd <= np.abs(x).sum() + 1e-12
    assert 0 <= risk.time_under_water(x) <= 1
    assert risk.max_drawdown_duration(x) <= x.size
    # scaling the returns scales the drawdown
    assert risk.max_drawdown(2 * x) == pytest.approx(2 * mdd, abs=1e-12)


def test_runs():
    idx = pd.date_range("2020-01-01", periods=8, freq="D", name="date")
    m = pd.Series([False, True, True, False, True, False, True, True], index=idx)
    out = risk.runs(m)
    assert out["length"].tolist() == [2, 1, 2]
    assert out["start"].iloc[0] == idx[1] and out["end"].iloc[-1] == idx[-1]
    assert risk.runs(m & False).empty


def test_summary_table():
    df = pd.DataFrame({"a": R, "b": -R}, index=_series(R).index)
    out = risk.summary(df)
    assert list(out.index) == ["a", "b"]
    assert out.loc["a", "max_drawdown"] == pytest.approx(4.0)
    assert out.loc["b", "skew"] == pytest.approx(-out.loc["a", "skew"])
    one = risk.summary(_series(R))
    assert one["n"] == 7 and np.isnan(one["cvar"])  # 7 months hold no 5 % tail
    assert risk.summary(_series(np.arange(20.0)))["cvar"] == 0.0


def test_bad_inputs():
    with pytest.raises(ValueError, match="NaN"):
        risk.sharpe(np.array([0.1, np.nan, 0.2]))
    with pytest.raises(ValueError, match="at least 2"):
        risk.annualized_vol(np.array([0.1]))
    with pytest.raises(ValueError, match="zero standard deviation"):
        risk.sharpe(np.array([0.1, 0.1, 0.1]))
    with pytest.raises(ValueError, match="periods_per_year"):
        risk.annualized_return(R, 0)
    with pytest.raises(ValueError, match="level"):
        risk.cvar(R, 1.5)
    with pytest.raises(ValueError, match="tail"):
        risk.cvar(R, 0.05)  # 7 * 0.05 < 1 period
    with pytest.raises(ValueError, match="zero variance"):
        risk.skewness(np.ones(5))
    with pytest.raises(ValueError, match="zero variance"):
        risk.excess_kurtosis(np.ones(5))
    with pytest.raises(ValueError, match="3-D"):
        risk.max_drawdown(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match="DataFrame"):
        risk.max_drawdown(pd.DataFrame({"a": R}))
    with pytest.raises(ValueError, match="infinite"):
        risk.worst_period(np.array([1.0, np.inf]))
    with pytest.raises(ValueError, match="boolean"):
        risk.runs(pd.Series([1, 0]))
    with pytest.raises(ValueError, match="empty"):
        risk.summary(pd.DataFrame())
    with pytest.raises(ValueError, match="NaN"):
        risk.hit_rate([np.nan])
    with pytest.raises(ValueError, match="NaN"):
        risk.time_under_water([0.1, np.nan])
    with pytest.raises(ValueError, match="NaN"):
        risk.max_drawdown_duration([0.1, np.nan])


def test_normal_cvar_closed_form_and_against_empirical():
    from scipy.stats import norm

    # For a sample with mean m and sd s: m - s * phi(Phi^-1(a)) / a; 5 %: phi(-1.6449)/0.05 = 2.0627
    x = np.array([-2.0, -1.0, 0.0, 1.0, 2.0])
    assert risk.normal_cvar(x, 0.05) == pytest.approx(0.0 - x.std(ddof=1) * norm.pdf(norm.ppf(0.05)) / 0.05)
    assert norm.pdf(norm.ppf(0.05)) / 0.05 == pytest.approx(2.0627, abs=1e-4)
    # on a large normal sample the measured CVaR converges to the normal one
    z = np.random.default_rng(0).normal(0.01, 0.04, 200_000)
    assert risk.cvar(z, 0.05) == pytest.approx(risk.normal_cvar(z, 0.05), rel=0.02)
    with pytest.raises(ValueError, match="level"):
        risk.normal_cvar(x, 0.0)
