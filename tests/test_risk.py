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


# ------------------------------------------------------------ sampling uncertainty (issue 9)

def test_sharpe_se_iid_normal_closed_form():
    # for normal returns Var(SR) = (1 + SR^2 / 2) / n per period (Lo 2002, eq. 8)
    x = np.random.default_rng(0).normal(0.01, 0.04, 240)
    sr = x.mean() / x.std(ddof=1)
    closed = np.sqrt(12 * (1 + sr**2 / 2) / 240)
    assert risk.sharpe_se(x, 12) == pytest.approx(closed, rel=0.05)


def test_sharpe_se_equals_opdyke_formula_with_sample_moments():
    x = np.random.default_rng(1).gamma(2.0, 0.01, 300) - 0.015
    d = x - x.mean()
    m2, m3, m4 = (d**2).mean(), (d**3).mean(), (d**4).mean()
    g3, g4 = m3 / m2**1.5, m4 / m2**2
    sr_pop = x.mean() / np.sqrt(m2)
    v = (1 - g3 * sr_pop + (g4 - 1) / 4 * sr_pop**2) / x.size
    assert risk.sharpe_se(x, 252) == pytest.approx(np.sqrt(252 * v), rel=1e-12)


def test_sharpe_se_matches_simulated_spread_for_skewed_returns():
    # short-put-like monthly returns: small gains, rare large losses (skew about -3)
    # 600 periods: with about 30 crashes per record the asymptotic formula holds (with 120
    # periods, about 6 crashes, it understates the spread by about 15 %)
    rng = np.random.default_rng(2)
    crash = rng.random((4000, 600)) < 0.05
    x = np.where(crash, rng.normal(-0.08, 0.03, (4000, 600)), rng.normal(0.012, 0.01, (4000, 600)))
    sims = risk.sharpe(x, 12)
    formula = np.mean([risk.sharpe_se(row, 12) for row in x[:400]])
    assert formula == pytest.approx(sims.std(), rel=0.05)
    normal_only = np.sqrt(12 * (1 + (sims.mean() / np.sqrt(12)) ** 2 / 2) / 600)
    assert sims.std() > normal_only  # skew makes the normal formula too small


def test_sharpe_se_lo_correction_for_autocorrelated_returns():
    # AR(1) with phi = 0.5: the iid formula understates the spread about sqrt(3) times
    rng = np.random.default_rng(3)
    e = rng.normal(0, 0.02, (3000, 400))
    x = np.empty_like(e)
    x[:, 0] = e[:, 0]
    for t in range(1, e.shape[1]):
        x[:, t] = 0.5 * x[:, t - 1] + e[:, t]
    x += 0.004
    sims = risk.sharpe(x, 12).std()
    iid = np.mean([risk.sharpe_se(r, 12) for r in x[:200]])
    lo = np.mean([risk.sharpe_se(r, 12, lags=12) for r in x[:200]])
    assert iid < 0.7 * sims
    assert lo == pytest.approx(sims, rel=0.15)


def test_sharpe_se_bootstrap_agrees_with_formula_on_iid_data():
    x = np.random.default_rng(4).normal(0.005, 0.03, 600)
    boot = risk.sharpe_se(x, 12, method="bootstrap", block=12, n_boot=2000, seed=1)
    assert boot == pytest.approx(risk.sharpe_se(x, 12), rel=0.12)
    assert boot == risk.sharpe_se(x, 12, method="bootstrap", block=12, n_boot=2000, seed=1)


def test_mean_and_hit_rate_se_against_iid_closed_forms():
    x = np.random.default_rng(5).normal(0.01, 0.04, 1200)
    assert risk.mean_se(x, 12, block=1, n_boot=4000) == pytest.approx(
        12 * x.std() / np.sqrt(x.size), rel=0.06)
    h = (x > 0).mean()
    assert risk.hit_rate_se(x, block=1, n_boot=4000) == pytest.approx(
        np.sqrt(h * (1 - h) / x.size), rel=0.06)


def test_performance_table_columns_and_values():
    x = np.random.default_rng(6).normal(0.01, 0.04, 120)
    out = risk.performance_table({"a": x, "b": _series(-x)})
    assert list(out.columns) == list(risk.PERFORMANCE_COLUMNS)
    assert list(out.index) == ["a", "b"]
    assert out.loc["a", "Sharpe ratio (annualized)"] == pytest.approx(risk.sharpe(x))
    assert out.loc["a", "Mean return (annualized)"] == pytest.approx(12 * x.mean())
    assert out.loc["a", "SE of mean"] == pytest.approx(risk.mean_se(x))
    assert out.loc["b", "Hit rate"] == pytest.approx(risk.hit_rate(-x))
    assert out.loc["a", "Periods"] == 120
    same = risk.performance_table(pd.DataFrame({"a": _series(x)}))
    assert same.loc["a", "SE of Sharpe"] == out.loc["a", "SE of Sharpe"]


def test_expected_max_sharpe_against_simulation_and_paper():
    # Bailey and Lopez de Prado (2014): N = 100, V = 1/2 annualized, daily: SR0 = 0.1132
    assert risk.expected_max_sharpe(100, 0.5 / 250) == pytest.approx(0.1132, abs=5e-5)
    sims = np.random.default_rng(7).standard_normal((20_000, 50)).max(axis=1).mean()
    assert risk.expected_max_sharpe(50, 1.0) == pytest.approx(sims, rel=0.02)
    assert risk.expected_max_sharpe(1, 1.0) == 0.0


def test_deflated_sharpe_paper_example_and_hand_computation():
    # the paper's example: SR 2.5 annualized, T = 1250 days, N = 100, V = 1/2, skew -3,
    # kurt 10: DSR = 0.9004. Trials [-0.5, 0.5] have variance 1/2.
    dsr = risk.deflated_sharpe(2.5, [-0.5, 0.5], 1250, -3.0, 10.0, n_trials=100,
                               periods_per_year=250)
    assert dsr == pytest.approx(0.9004, abs=5e-4)
    # by hand, monthly, N = 20 trials of variance 0.04, normal returns
    trials = np.linspace(-0.3, 0.3, 20) + 0.5
    sr, n, v = 0.8 / np.sqrt(12), 240, trials.var(ddof=1) / 12
    g = 0.5772156649015329
    sr0 = np.sqrt(v) * ((1 - g) * stats.norm.ppf(1 - 1 / 20) + g * stats.norm.ppf(1 - 1 / (20 * np.e)))
    z = (sr - sr0) * np.sqrt(n - 1) / np.sqrt(1 + sr**2 / 2)
    assert risk.deflated_sharpe(0.8, trials, n, 0.0, 3.0) == pytest.approx(stats.norm.cdf(z))
    # more trials, lower probability
    assert risk.deflated_sharpe(0.8, trials, n, 0.0, 3.0, n_trials=200) < stats.norm.cdf(z)


# ---------------------------------------------------------------- one test per input rule

X = np.random.default_rng(8).normal(0.01, 0.04, 60)


def test_rule_none_returns():
    with pytest.raises(ValueError, match="returns: got None"):
        risk.sharpe_se(None)


def test_rule_nan_returns():
    with pytest.raises(ValueError, match="NaN"):
        risk.mean_se(np.r_[X, np.nan])


def test_rule_inf_returns():
    with pytest.raises(ValueError, match="infinite"):
        risk.hit_rate_se(np.r_[X, np.inf])


def test_rule_boolean_returns():
    with pytest.raises(TypeError, match="booleans"):
        risk.sharpe_se(X > 0)


def test_rule_too_short_for_blocks():
    with pytest.raises(ValueError, match="too short"):
        risk.mean_se(X[:20], block=12)


def test_rule_two_dimensional_record_for_se():
    with pytest.raises(ValueError, match="1-D"):
        risk.sharpe_se(np.vstack([X, X]))


def test_rule_unknown_method():
    with pytest.raises(ValueError, match="method"):
        risk.sharpe_se(X, method="normal")


def test_rule_boolean_block_and_lags():
    with pytest.raises(TypeError, match="block"):
        risk.mean_se(X, block=True)
    with pytest.raises(TypeError, match="lags"):
        risk.sharpe_se(X, lags=1.5)
    with pytest.raises(ValueError, match="lags"):
        risk.sharpe_se(X, lags=60)


def test_rule_boolean_periods_per_year():
    with pytest.raises(TypeError, match="periods_per_year"):
        risk.sharpe(X, True)
    with pytest.raises(ValueError, match="periods_per_year"):
        risk.sharpe_se(X, None)


def test_rule_compound_must_be_boolean():
    for f in (risk.equity_curve, risk.drawdowns, risk.max_drawdown, risk.max_drawdown_duration,
              risk.time_under_water):
        with pytest.raises(TypeError, match="compound"):
            f(X, compound="False")
    with pytest.raises(TypeError, match="compound"):
        risk.summary(X, compound=1)


def test_rule_level_and_risk_free_not_boolean():
    with pytest.raises(TypeError, match="level"):
        risk.cvar(X, True)
    with pytest.raises(TypeError, match="risk_free"):
        risk.sharpe(X, risk_free=False)
    with pytest.raises(ValueError, match="risk_free"):
        risk.sharpe(X, risk_free=np.inf)


def test_rule_performance_table_input():
    with pytest.raises(TypeError, match="returns_by_name"):
        risk.performance_table([X])
    with pytest.raises(ValueError, match="empty"):
        risk.performance_table({})
    with pytest.raises(ValueError, match=r"returns_by_name\['b'\]: contains NaN"):
        risk.performance_table({"a": X, "b": np.r_[X, np.nan]})


def test_rule_deflated_sharpe_inputs():
    with pytest.raises(ValueError, match="excess kurtosis"):
        risk.deflated_sharpe(1.0, [0.1, 0.5], 120, -1.0, 0.5)
    with pytest.raises(ValueError, match="sharpe_trials: got None"):
        risk.deflated_sharpe(1.0, None, 120, 0.0, 3.0)
    with pytest.raises(ValueError, match="at least 2"):
        risk.deflated_sharpe(1.0, [0.5], 120, 0.0, 3.0)
    with pytest.raises(ValueError, match="sharpe_observed"):
        risk.deflated_sharpe(np.nan, [0.1, 0.5], 120, 0.0, 3.0)
    with pytest.raises(TypeError, match="n_obs"):
        risk.deflated_sharpe(1.0, [0.1, 0.5], 120.5, 0.0, 3.0)
    with pytest.raises(TypeError, match="skew"):
        risk.deflated_sharpe(1.0, [0.1, 0.5], 120, True, 3.0)
    with pytest.raises(ValueError, match="sharpe_var"):
        risk.expected_max_sharpe(10, -1.0)



def test_rule_series_index_tz_aware():
    s = _series(R)
    s.index = s.index.tz_localize("UTC")
    with pytest.raises(ValueError, match=r"returns: tz-aware index"):
        risk.sharpe(s, 12)


def test_rule_series_index_not_dates():
    with pytest.raises(TypeError, match=r"returns: the index must be a DatetimeIndex"):
        risk.hit_rate(pd.Series(R))


def test_rule_series_index_duplicated():
    s = _series(R)
    s.index = s.index[[0, 0, 1, 2, 3, 4, 5]]
    with pytest.raises(ValueError, match=r"returns: duplicate date"):
        risk.mean_se(s, 12, block=2, n_boot=20)


def test_rule_series_index_unsorted():
    s = _series(R).iloc[::-1]
    with pytest.raises(ValueError, match=r"returns: dates are not sorted"):
        risk.max_drawdown(s)


def test_rule_series_index_checked_in_summary_and_table():
    s = _series(R)
    s.index = s.index.tz_localize("UTC")
    with pytest.raises(ValueError, match=r"returns: tz-aware"):
        risk.summary(s)
    with pytest.raises(ValueError, match=r"returns_by_name\['a'\]: tz-aware"):
        risk.performance_table({"a": s}, block=2, n_boot=20)
    # an array carries no dates and stays accepted
    assert risk.hit_rate(R) == pytest.approx(4 / 7)


@pytest.mark.parametrize("arg, bad, exc", [
    ("block", np.nan, TypeError), ("block", True, TypeError), ("block", None, ValueError),
    ("block", "12", TypeError), ("n_boot", np.inf, TypeError), ("n_boot", 1, ValueError),
    ("seed", -1, ValueError), ("seed", 0.5, TypeError),
])
def test_rule_bootstrap_settings_checked_for_opdyke(arg, bad, exc):
    with pytest.raises(exc, match=rf"\b{arg}\b"):
        risk.sharpe_se(R, 12, method="opdyke", **{arg: bad})


def test_rule_sharpe_method_named():
    with pytest.raises(ValueError, match=r"sharpe_method must be one of"):
        risk.performance_table({"a": R}, block=2, n_boot=20, sharpe_method="lo")
    with pytest.raises(TypeError, match=r"sharpe_method"):
        risk.performance_table({"a": R}, block=2, n_boot=20, sharpe_method=None)


def test_all_is_complete():
    public = {n for n in dir(risk) if not n.startswith("_") and callable(getattr(risk, n))
              and getattr(getattr(risk, n), "__module__", "") == risk.__name__}
    assert public <= set(risk.__all__)


# ------------------------------------------------------------- no silent results (bounds)

def test_rule_deflated_sharpe_trials_list_of_numbers_only():
    """[0.1, True, 0.5, 0.8] was read as [0.1, 1.0, 0.5, 0.8]: booleans, numeric strings and
    None inside a list are refused, naming the argument."""
    ok = risk.deflated_sharpe(0.8, [0.1, 0.3, 0.5, 0.8], 60, -0.5, 2.0)
    for bad in ([0.1, True, 0.5, 0.8], [0.1, "0.3", 0.5, 0.8], [0.1, None, 0.5, 0.8],
                (0.1, np.True_, 0.5, 0.8), ["0.1", "0.3"]):
        with pytest.raises(TypeError, match="sharpe_trials: contains"):
            risk.deflated_sharpe(0.8, bad, 60, -0.5, 2.0)
    with pytest.raises(TypeError, match="sharpe_trials: contains"):
        risk.deflated_sharpe(0.8, np.array([0.1, True, 0.5, 0.8], dtype=object), 60, -0.5, 2.0)
    # an object array of plain numbers is numbers
    assert risk.deflated_sharpe(0.8, np.array([0.1, 0.3, 0.5, 0.8], dtype=object), 60, -0.5, 2.0) == ok
    with pytest.raises(TypeError, match="returns: contains"):
        risk.sharpe([0.01, True, -0.02, 0.03])


def test_rule_periods_per_year_bounded():
    x = np.array([0.01, -0.02, 0.03, 0.005, -0.01])
    for bad in (0, -12, 0.01, 366 * 24 + 1, 1e7):
        with pytest.raises(ValueError, match=r"periods_per_year must lie in \[0.1, 8,784\]"):
            risk.sharpe(x, bad)
        with pytest.raises(ValueError, match=r"periods_per_year must lie in \[0.1, 8,784\]"):
            risk.deflated_sharpe(0.8, [0.1, 0.5], 60, 0.0, 3.0, periods_per_year=bad)
    # the ends are valid: one period of ten years, and hourly periods
    assert risk.annualized_return(x, 0.1) == pytest.approx(0.1 * x.mean(), rel=1e-15)
    assert risk.annualized_return(x, 366 * 24) == pytest.approx(8784 * x.mean(), rel=1e-15)
    assert risk.sharpe(x, 12.0) == risk.sharpe(x, 12)


def test_rule_risk_free_is_a_decimal_rate():
    x = np.array([0.01, -0.02, 0.03, 0.005, -0.01])
    with pytest.raises(ValueError, match=r"risk_free \(5.2\) is above 1 in size.*not percent"):
        risk.sharpe(x, 12, risk_free=5.2)
    assert risk.sharpe(x, 12, risk_free=-0.01) == pytest.approx(
        (x.mean() + 0.01 / 12) / x.std(ddof=1) * np.sqrt(12), rel=1e-14)


def test_rule_bootstrap_sizes_named_and_fast():
    import time

    x = np.random.default_rng(0).normal(0.01, 0.04, 60)
    with pytest.raises(ValueError, match="too short for a block of 40.*pass a shorter block"):
        risk.mean_se(x, 12, block=40)
    with pytest.raises(ValueError, match=r"block of 10000000"):
        risk.hit_rate_se(x, block=10**7)
    # the block is unused by the formula, but a block longer than the record is still a mistake
    with pytest.raises(ValueError, match=r"block \(61\) is longer than returns \(60 periods\)"):
        risk.sharpe_se(x, 12, "opdyke", block=61)
    assert risk.sharpe_se(x, 12, "opdyke", block=60) == risk.sharpe_se(x, 12, "opdyke")
    t0 = time.perf_counter()
    for f in (lambda: risk.mean_se(x, 12, 12, 10**7), lambda: risk.hit_rate_se(x, 12, 10**7),
              lambda: risk.sharpe_se(x, 12, "opdyke", 12, 10**7),
              lambda: risk.performance_table({"a": x}, 12, 12, 10**7)):
        with pytest.raises(ValueError, match=r"n_boot \(10,000,000\) is above 100,000"):
            f()
    assert time.perf_counter() - t0 < 1.0  # mean_se ran 14 s before


# ------------------------------------------------------------- effective trials, MinTRL

def _blocks(k, m, rho_in=1.0):
    """k independent blocks of m trials, correlation rho_in inside a block, 0 across."""
    c = np.zeros((k * m, k * m))
    for b in range(k):
        c[b * m:(b + 1) * m, b * m:(b + 1) * m] = rho_in
    np.fill_diagonal(c, 1.0)
    return c


@pytest.mark.parametrize("k,m", [(1, 24), (3, 8), (4, 6), (24, 1)])
def test_effective_trials_perfect_blocks(k, m):
    c = _blocks(k, m)
    big = k * m
    # Li-Ji: k eigenvalues of m, the rest 0 -> k trials exactly
    assert risk.effective_trials(c, "li-ji") == pytest.approx(k, abs=1e-9)
    # Nyholt: Var(lambda) = k m (m - 1) / (M - 1) -> M - m + 1
    assert risk.effective_trials(c, "nyholt") == pytest.approx(big - m + 1, abs=1e-9)
    # average correlation: rho = (m - 1) / (M - 1)
    if big > 1:
        rho = (m - 1) / (big - 1)
        assert risk.effective_trials(c, "average") == pytest.approx(rho + (1 - rho) * big, rel=1e-12)


@pytest.mark.parametrize("rho", [0.0, 0.3, 0.87])
def test_effective_trials_equicorrelated(rho):
    m = 24
    c = np.full((m, m), rho)
    np.fill_diagonal(c, 1.0)
    top = 1 + (m - 1) * rho                    # the other m - 1 eigenvalues are 1 - rho
    lam = np.array([top] + [1 - rho] * (m - 1))
    li_ji = sum((x >= 1) + (x - np.floor(x)) for x in np.round(lam, 10))
    assert risk.effective_trials(c, "li-ji") == pytest.approx(li_ji, abs=1e-9)
    nyholt = 1 + (m - 1) * (1 - np.var(lam, ddof=1) / m)
    assert risk.effective_trials(c, "nyholt") == pytest.approx(nyholt, abs=1e-9)
    assert risk.effective_trials(c, "average") == pytest.approx(rho + (1 - rho) * m, rel=1e-12)
    if rho == 0:  # independent trials count in full
        for how in risk.TRIAL_METHODS:
            assert risk.effective_trials(c, how) == pytest.approx(m, abs=1e-9)


def test_effective_trials_refuses_bad_matrices():
    c = _blocks(2, 3)
    with pytest.raises(ValueError, match="correlation"):
        risk.effective_trials(c[:, :5])
    with pytest.raises(ValueError, match="correlation"):
        risk.effective_trials(2 * c)
    bad = c.copy()
    bad[0, 1] = bad[1, 0] = -1.0   # not positive semi-definite with the rest of the block
    with pytest.raises(ValueError, match="correlation"):
        risk.effective_trials(bad)
    with pytest.raises(ValueError, match="method"):
        risk.effective_trials(c, "bonferroni")


def test_min_track_record_normal_closed_form_and_psr():
    from scipy.stats import norm

    rng = np.random.default_rng(4)
    r = rng.normal(0.01, 0.04, 240)
    sr = r.mean() / r.std(ddof=1)                # per period
    z = norm.ppf(0.95)
    assert risk.min_track_record(r, normal=True) == pytest.approx(1 + (1 + sr**2 / 2) * (z / sr) ** 2,
                                                                  rel=1e-12)
    # the probabilistic Sharpe ratio at n = MinTRL is the confidence level, by construction of
    # Bailey and Lopez de Prado (2012): Phi((SR - SR*) sqrt(n - 1) / sqrt(1 - g3 SR + (g4-1)/4 SR^2))
    d = r - r.mean()
    g3, g4 = (d**3).mean() / (d**2).mean() ** 1.5, (d**4).mean() / (d**2).mean() ** 2
    target = 0.2                                  # annualized
    n = risk.min_track_record(r, target=target, level=0.9)
    srs = target / np.sqrt(12)
    psr = norm.cdf((sr - srs) * np.sqrt(n - 1) / np.sqrt(1 - g3 * sr + (g4 - 1) / 4 * sr**2))
    assert psr == pytest.approx(0.9, abs=1e-12)


def test_min_track_record_fat_left_tail_needs_longer():
    rng = np.random.default_rng(5)
    r = rng.normal(0.02, 0.02, 400)
    r[::40] = -0.15                               # rare crashes: negative skew, fat tails
    assert risk.min_track_record(r) > 1.5 * risk.min_track_record(r, normal=True)
    with pytest.raises(ValueError, match="returns"):
        risk.min_track_record(-np.abs(r))
    with pytest.raises(ValueError, match="level"):
        risk.min_track_record(r, level=95)
    with pytest.raises(TypeError, match="normal"):
        risk.min_track_record(r, normal="yes")


def test_rolling_sharpe_matches_loop():
    rng = np.random.default_rng(6)
    idx = pd.date_range("2000-01-31", periods=100, freq="ME")
    r = pd.Series(rng.normal(0.01, 0.05, 100), index=idx)
    got = risk.rolling_sharpe(r, 36)
    ref = [np.sqrt(12) * r.iloc[i - 35:i + 1].mean() / r.iloc[i - 35:i + 1].std(ddof=1)
           for i in range(35, 100)]
    np.testing.assert_allclose(got.to_numpy(), ref, rtol=1e-12)
    assert got.index[0] == idx[35] and got.index[-1] == idx[-1]
    np.testing.assert_allclose(risk.rolling_sharpe(r.to_numpy(), 36.0), ref, rtol=1e-12)
    with pytest.raises(ValueError, match="window"):
        risk.rolling_sharpe(r, 101)


def test_band_summary_by_hand():
    """Band, median and the total error against a hand computation."""
    out = risk.band_summary([0.2, 0.5, 0.0, 0.3], se=0.2)
    assert out["low"] == 0.0 and out["high"] == 0.5
    assert out["median"] == pytest.approx(0.25, abs=1e-15)
    assert out["se_total"] == pytest.approx((0.2**2 + 0.25**2) ** 0.5, rel=1e-15)
    assert risk.band_summary([1.0, 1.0], 0.3)["se_total"] == pytest.approx(0.3, rel=1e-15)
    with pytest.raises(ValueError, match="at least 2"):
        risk.band_summary([0.1], 0.1)
    with pytest.raises(ValueError, match="se must be non-negative"):
        risk.band_summary([0.1, 0.2], -0.1)
    with pytest.raises(ValueError, match="values"):
        risk.band_summary([0.1, float("nan")], 0.1)


def test_performance_table_equals_its_parts_exactly():
    """performance_table draws the resamples once; its SEs are, to the last bit, those of
    mean_se, sharpe_se and hit_rate_se called one by one (records of two lengths)."""
    rng = np.random.default_rng(7)
    recs = {"a": rng.normal(0.01, 0.04, 120), "b": rng.normal(0.0, 0.02, 120),
            "c": rng.normal(0.02, 0.05, 60)}
    for kw in ({}, {"block": 6, "n_boot": 200, "seed": 3}, {"sharpe_method": "opdyke"}):
        t = risk.performance_table(recs, **kw)
        block, n_boot, seed = kw.get("block", 12), kw.get("n_boot", 1000), kw.get("seed", 0)
        for k, r in recs.items():
            assert t.loc[k, "SE of mean"] == risk.mean_se(r, 12, block, n_boot, seed)
            assert t.loc[k, "SE of Sharpe"] == risk.sharpe_se(r, 12, kw.get("sharpe_method", "bootstrap"),
                                                              block, n_boot, seed)
            assert t.loc[k, "SE of hit rate"] == risk.hit_rate_se(r, block, n_boot, seed)
            assert t.loc[k, "Sharpe ratio (annualized)"] == risk.sharpe(r, 12)


def test_bootstrap_se_asked_again_is_the_stored_number():
    """risk keeps a record's bootstrap SE: asked again (or on an equal copy) it returns the
    number a fresh computation gives, bit for bit; another seed is computed anew."""
    rng = np.random.default_rng(7)
    x = rng.standard_normal(240) * 0.04 + 0.005
    first = risk.sharpe_se(x, method="bootstrap")
    again = risk.sharpe_se(x.copy(), method="bootstrap")
    risk._SE_MEMO.clear()
    fresh = risk.sharpe_se(x, method="bootstrap")
    assert first == again == fresh
    months = pd.date_range("2000", periods=240, freq="ME")
    assert risk.mean_se(x) == risk.mean_se(pd.Series(x, months))
    assert risk.sharpe_se(x, method="bootstrap", seed=1) != first
