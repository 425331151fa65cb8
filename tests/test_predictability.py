"""Tests of vrp_lib.predictability, each pinned to an independent value: statsmodels OLS and
its Newey-West (HAC) covariance, hand computations written out as loops in the test, closed
forms and limit cases."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import chi2

from vrp_lib import bootstrap
from vrp_lib import predictability as pr

DAYS = pd.bdate_range("2000-01-03", periods=1500)


def _overlapping(seed=0, n=1500, window=21):
    """Synthetic (model world) forecast and realized vol with overlapping 21-day errors."""
    rng = np.random.default_rng(seed)
    f = 18 + 5 * np.sin(np.arange(n) / 60) + rng.normal(0, 1, n)
    shocks = rng.normal(0, 1, n + window)
    err = np.convolve(shocks, np.ones(window) / np.sqrt(window), mode="valid")[:n]
    rv = np.maximum(-1.5 + 0.9 * f + 2.0 * err, 1.0)
    return pd.Series(rv, index=DAYS[:n]), pd.Series(f, index=DAYS[:n])


def _monthly(seed=1, n=240):
    rng = np.random.default_rng(seed)
    idx = pd.date_range("1990-01-31", periods=n, freq="ME")
    x = pd.Series(10 + 8 * rng.standard_normal(n), index=idx)
    r = pd.Series(0.6 + 0.05 * x.shift(1).fillna(10).to_numpy() + 4 * rng.standard_normal(n), index=idx)
    return r, x


# --------------------------------------------------------------------------- Mincer-Zarnowitz


@pytest.mark.parametrize("form", ["level", "log"])
def test_mz_matches_statsmodels_hac(form):
    rv, f = _overlapping()
    got = pr.mincer_zarnowitz(rv, f, form=form, lags=20)
    y, x = (rv, f) if form == "level" else (np.log(rv), np.log(f))
    fit = sm.OLS(y.to_numpy(), sm.add_constant(x.to_numpy())).fit(
        cov_type="HAC", cov_kwds={"maxlags": 20, "use_correction": False})
    # closed-form least squares: agreement to rounding
    assert np.allclose([got["intercept"], got["slope"]], fit.params, rtol=1e-10)
    assert np.allclose([got["se_intercept"], got["se_slope"]], fit.bse, rtol=1e-9)
    assert np.isclose(got["r2"], fit.rsquared, rtol=1e-10)
    d = fit.params - np.array([0.0, 1.0])
    wald = d @ np.linalg.solve(fit.cov_params(), d)
    assert np.isclose(got["wald"], wald, rtol=1e-8)
    assert np.isclose(got["p_value"], chi2.sf(wald, 2), rtol=1e-8, atol=1e-300)
    assert got["n"] == len(rv) and got["lags"] == 20


def test_mz_zero_lags_is_white_hc0():
    rv, f = _overlapping(seed=3)
    got = pr.mincer_zarnowitz(rv, f, lags=0)
    fit = sm.OLS(rv.to_numpy(), sm.add_constant(f.to_numpy())).fit(cov_type="HC0")
    assert np.allclose([got["se_intercept"], got["se_slope"]], fit.bse, rtol=1e-9)


def test_mz_bootstrap_se_is_the_spread_of_resampled_fits():
    rv, f = _overlapping(seed=4, n=1000)
    got = pr.mincer_zarnowitz(rv, f, se="bootstrap", block=100, n_boot=200, seed=5)
    idx = bootstrap.block_indices(1000, 100, 200, seed=5)
    fits = np.array([np.polyfit(f.to_numpy()[i], rv.to_numpy()[i], 1) for i in idx])  # slope, intercept
    assert np.isclose(got["se_slope"], fits[:, 0].std(ddof=1), rtol=1e-9)
    assert np.isclose(got["se_intercept"], fits[:, 1].std(ddof=1), rtol=1e-9)
    assert got["se_kind"] == "bootstrap" and np.isnan(got["lags"])


@settings(max_examples=25, deadline=None)
@given(a=st.floats(-3, 5), b=st.floats(0.5, 2.0))
def test_mz_recovers_an_exact_line(a, b):
    f = pd.Series(15 + 5 * np.sin(np.arange(400) / 7), index=DAYS[:400])     # 10 .. 20
    y = a + b * f + 1e-9 * np.cos(np.arange(400))                             # positive
    got = pr.mincer_zarnowitz(y, f, lags=5, block=50)
    assert abs(got["slope"] - b) < 1e-8 and abs(got["intercept"] - a) < 1e-7


def test_mz_unbiased_forecast_is_not_rejected_more_often_than_its_level():
    # property: realized = forecast + independent noise; the Wald test at 5 % rejects rarely
    rejections = 0
    for seed in range(40):
        rng = np.random.default_rng(seed)
        f = pd.Series(15 + 5 * rng.random(600), index=DAYS[:600])
        rv = f + rng.normal(0, 2, 600)
        rejections += pr.mincer_zarnowitz(rv, f, lags=0, block=100)["p_value"] < 0.05
    assert rejections <= 6          # binomial(40, 0.05): P(X > 6) < 0.01


def test_mz_refuses_bad_input():
    rv, f = _overlapping()
    with pytest.raises(ValueError, match="forecast.*decimals"):
        pr.mincer_zarnowitz(rv, f / 100)
    with pytest.raises(ValueError, match="realized.*non-positive"):
        pr.mincer_zarnowitz(rv - 100, f)
    with pytest.raises(ValueError, match="lags"):
        pr.mincer_zarnowitz(rv.iloc[:50], f, lags=20)
    with pytest.raises(ValueError, match="se"):
        pr.mincer_zarnowitz(rv, f, se="hodrick")
    assert pr.mincer_zarnowitz(rv, f, lags=20.0)["lags"] == 20      # integral float


# --------------------------------------------------------------------------- monthly data


def test_monthly_returns_by_hand():
    days = pd.bdate_range("2020-01-01", "2020-04-30")
    p = pd.Series(np.linspace(100, 130, len(days)), index=days)
    got = pr.monthly_returns(p)
    last = [p.loc[m].iloc[-1] for m in ("2020-01", "2020-02", "2020-03", "2020-04")]
    assert np.allclose(got.to_numpy(), 100 * np.diff(np.log(last)), rtol=1e-13)
    assert list(got.index) == list(pd.to_datetime(["2020-02-29", "2020-03-31", "2020-04-30"]))


def test_month_end_premium_by_hand():
    days = pd.bdate_range("2020-01-01", "2020-06-30")
    rng = np.random.default_rng(2)
    p = pd.Series(100 * np.exp(np.cumsum(rng.normal(0, 0.01, len(days)))), index=days)
    iv = pd.Series(20 + rng.random(len(days)), index=days).drop(pd.Timestamp("2020-03-31"))
    got = pr.month_end_premium(iv, p)
    # March: the VIX of the last date both exist (30 March) and March's squared returns
    r = 100 * np.log(p).diff()
    want = iv.loc["2020-03-30"] ** 2 / 12 - (r.loc["2020-03"] ** 2).sum()
    assert np.isclose(got.loc["2020-03-31"], want, rtol=1e-13)
    assert got.index[0] == pd.Timestamp("2020-02-29")          # January lacks its first return
    fc = pd.Series(300.0, index=days)
    ex_ante = pr.month_end_premium(iv, p, forecast=fc)
    assert np.isclose(ex_ante.loc["2020-03-31"], (iv.loc["2020-03-30"] ** 2 - 300) / 12)


# --------------------------------------------------------------------------- return regressions


def _hodrick_loops(y_returns, x, h, scale):
    """Hodrick (1992) 1B covariance written out: each one-period residual times the sum of
    the regressors of every origin whose target contains it."""
    n = len(x)
    X = np.column_stack([np.ones(n), x])
    u = y_returns - y_returns.mean()
    s = np.zeros((2, 2))
    for k in range(len(u)):
        w = np.zeros(2)
        for t in range(n):
            if t <= k <= t + h - 1:
                w += X[t]
        s += (scale * u[k]) ** 2 * np.outer(w, w)
    inv = np.linalg.inv(X.T @ X)
    return inv @ s @ inv


@pytest.mark.parametrize("h", [1, 3, 12])
def test_return_regression_hodrick_by_hand(h):
    r, x = _monthly()
    got = pr.return_regression(r, x, horizon=h)
    n = len(r) - h            # origins 0 .. n-1, returns 1 .. n+h-1
    rr, xs = r.to_numpy(), x.to_numpy()[:n]
    y = np.array([12 / h * rr[t + 1:t + 1 + h].sum() for t in range(n)])
    fit = sm.OLS(y, sm.add_constant(xs)).fit()
    assert np.allclose([got["intercept"], got["slope"]], fit.params, rtol=1e-10)
    assert np.isclose(got["r2"], fit.rsquared, rtol=1e-10)
    cov = _hodrick_loops(rr[1:n + h], xs, h, 12 / h)
    assert np.allclose([got["se_intercept"], got["se_slope"]], np.sqrt(np.diag(cov)), rtol=1e-10)
    assert got["n"] == n and got["se_kind"] == "hodrick"


def test_return_regression_hac_matches_statsmodels():
    r, x = _monthly(seed=3)
    got = pr.return_regression(r, x, horizon=6, se="hac")
    n = len(r) - 6
    y = np.array([2 * r.to_numpy()[t + 1:t + 7].sum() for t in range(n)])
    fit = sm.OLS(y, sm.add_constant(x.to_numpy()[:n])).fit(
        cov_type="HAC", cov_kwds={"maxlags": 6, "use_correction": False})
    assert np.allclose([got["se_intercept"], got["se_slope"]], fit.bse, rtol=1e-9)
    with pytest.raises(ValueError, match="lags"):
        pr.return_regression(r, x, horizon=6, se="hac", lags=3)


def test_return_regression_bootstrap_and_block_rule():
    r, x = _monthly(seed=4)
    got = pr.return_regression(r, x, horizon=3, se="bootstrap", block=12, n_boot=300)
    assert got["se_slope"] > 0 and got["se_kind"] == "bootstrap"
    with pytest.raises(ValueError, match="block"):
        pr.return_regression(r, x, horizon=12, se="bootstrap", block=6)


def test_return_predictability_periods_keep_targets_inside():
    r, x = _monthly(n=240)      # 1990-01 .. 2009-12
    tab = pr.return_predictability(r, x, horizons=(1, 12), periods={"a": ("1990", "1999"),
                                                                   "b": ("2000", "2009")})
    assert tab.loc[("a", 12), "last"] == pd.Timestamp("1998-12-31")   # target ends December 1999
    assert tab.loc[("a", 1), "last"] == pd.Timestamp("1999-11-30")
    assert tab.loc[("b", 1), "first"] == pd.Timestamp("2000-01-31")
    one = pr.return_regression(r.loc[:"1999"], x.loc[:"1999"], 12)
    assert np.isclose(tab.loc[("a", 12), "slope"], one["slope"])


def test_returns_in_decimals_and_gaps_refused():
    r, x = _monthly()
    with pytest.raises(ValueError, match="returns.*decimals"):
        pr.return_regression(r / 1000, x, 3)
    with pytest.raises(ValueError, match="predictor.*consecutive"):
        pr.return_regression(r, x.drop(x.index[100]), 3)


# --------------------------------------------------------------------------- out-of-sample R^2


def _oos_errors(r, x, h, t0, restricted=False):
    """Squared out-of-sample errors of the forecast and of the historical mean, by loops."""
    n = len(r) - h
    rr, xs = r.to_numpy(), x.to_numpy()[:n]
    y = np.array([12 / h * rr[t + 1:t + 1 + h].sum() for t in range(n)])
    em2, eb2 = [], []
    for t in range(t0, n):
        known = slice(0, t - h + 1)
        slope, icpt = np.polyfit(xs[known], y[known], 1)
        if restricted and slope < 0:
            slope, icpt = 0.0, y[known].mean()
        fc = icpt + slope * xs[t]
        if restricted:
            fc = max(fc, 0.0)
        em2.append((y[t] - fc) ** 2)
        eb2.append((y[t] - y[known].mean()) ** 2)
    return np.array(em2), np.array(eb2)


def _oos_loops(r, x, h, t0, restricted=False):
    em2, eb2 = _oos_errors(r, x, h, t0, restricted)
    return 1 - em2.sum() / eb2.sum()


@pytest.mark.parametrize("h,restricted", [(1, False), (3, False), (3, True)])
def test_oos_r2_by_hand(h, restricted):
    r, x = _monthly(seed=5)
    got = pr.oos_r2(r, x, horizon=h, start="2000-01-31", restricted=restricted, n_boot=200)
    t0 = list(x.index).index(pd.Timestamp("2000-01-31"))
    assert np.isclose(got["r2_oos"], _oos_loops(r, x, h, t0, restricted), rtol=1e-9)
    assert got["first"] == pd.Timestamp("2000-01-31") and got["se"] > 0
    # the SE: spread of R^2 over moving-block resamples of the paired squared errors
    em2, eb2 = _oos_errors(r, x, h, t0, restricted)
    idx = bootstrap.block_indices(em2.size, 12, 200, seed=0)
    r2_boot = 1 - em2[idx].sum(axis=1) / eb2[idx].sum(axis=1)
    assert np.isclose(got["se"], r2_boot.std(ddof=1), rtol=1e-9)


def test_oos_r2_limits():
    # a predictor that is the coming month's return itself: R^2_OS near one
    r, _ = _monthly(seed=6)
    perfect = r.shift(-1).fillna(0.0)
    assert pr.oos_r2(r, perfect, 1, start="1995-01-31", n_boot=100)["r2_oos"] > 0.99
    # pure noise: R^2_OS at most about zero (estimation error only costs)
    noise = pd.Series(np.random.default_rng(7).standard_normal(len(r)), index=r.index)
    assert pr.oos_r2(r, noise, 1, start="1995-01-31", n_boot=100)["r2_oos"] < 0.02
    with pytest.raises(ValueError, match="start"):
        pr.oos_r2(r, noise, 1, start="1990-06-30")
