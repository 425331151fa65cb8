"""vrp_lib.premium: the practical VRP on hand-built series with known answers."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from vrp_lib import bootstrap, premium, realized


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
        premium.vrp(pd.Series(15.0, index=p.index), p, form="logarithm")
    with pytest.raises(ValueError, match="window must be at least 1"):
        premium.summary(pd.Series(15.0, index=p.index), p, window=0)
    with pytest.raises(ValueError, match="NaN on 2020-01-01"):
        premium.distribution(pd.Series([np.nan, 1.0], index=p.index[:2]))
    with pytest.raises(ValueError, match="labels"):
        premium.summary_table(pd.Series(15.0, index=p.index), p, windows=(5, 10), labels=["a"])



# --------------------------------------------------------------------------- new forms and tables

def _noisy(n=400, seed=0, start="2000-01-03"):
    """Prices with random daily returns and an implied vol that moves with them."""
    rng = np.random.default_rng(seed)
    r = rng.normal(0.0, 0.012, size=n) * np.exp(0.4 * np.sin(np.arange(n) / 40))
    r[0] = 0.0
    idx = pd.bdate_range(start, periods=n)
    p = pd.Series(100 * np.exp(np.cumsum(r)), index=idx)
    iv = pd.Series(19.0 + 4 * np.sin(np.arange(n) / 30) + rng.normal(0, 1.5, size=n), index=idx)
    return iv, p


def test_log_form_known_value():
    p = _alternating_prices(80, 0.01)
    iv = pd.Series(20.0, index=p.index)
    s = premium.vrp(iv, p, window=21, form="log")
    assert s.name == "vrp_log"
    np.testing.assert_allclose(s.to_numpy(), math.log(20 / (100 * 0.01 * math.sqrt(252))))


def test_log_form_rejects_zero_realized():
    p = pd.Series(100.0, index=pd.bdate_range("2020-01-01", periods=30))
    with pytest.raises(ValueError, match="log ratio is undefined"):
        premium.vrp(pd.Series(15.0, index=p.index), p, window=5, form="log")


def test_demeaned_realized_vol_is_the_sample_std():
    iv, p = _noisy(120)
    df = premium.aligned(iv, p, window=10, demean=True)
    r = np.diff(np.log(p.to_numpy()))
    t = p.index.get_loc(df.index[7])
    expected = 100 * math.sqrt(252) * np.std(r[t:t + 10], ddof=1)   # r[t] is the return of day t+1
    assert df["realized"].iloc[7] == pytest.approx(expected, rel=1e-12)
    raw = premium.aligned(iv, p, window=10)
    assert len(raw) == len(df)


def test_summary_with_se_matches_bootstrap_and_closed_form():
    iv, p = _noisy(260, seed=3)
    t = premium.summary_with_se(iv, p, windows=(20,), block=12, n_boot=400, seed=5)
    base = premium.summary_table(iv, p, windows=(20,))
    for col in base.columns:
        assert t[col].iloc[0] == pytest.approx(base[col].iloc[0])
    spread = premium.vrp(iv, p, window=20)
    # the same draws as bootstrap.block_bootstrap_se
    assert t["SE avg VRP"].iloc[0] == pytest.approx(
        bootstrap.block_bootstrap_se(spread, "mean", block=12, n_boot=400, seed=5), rel=1e-10)
    assert t["SE hit rate"].iloc[0] == pytest.approx(
        bootstrap.block_bootstrap_se(spread, "hit_rate", block=12, n_boot=400, seed=5), rel=1e-10)
    # against the exact block-bootstrap variance of a mean (block divides n = 240)
    assert len(spread) == 240
    big = premium.summary_with_se(iv, p, windows=(20,), block=12, n_boot=40000, seed=1)
    exact_vrp = math.sqrt(bootstrap.block_mean_variance(spread, 12))
    exact_hit = math.sqrt(bootstrap.block_mean_variance((spread > 0).astype(float), 12))
    exact_iv = math.sqrt(bootstrap.block_mean_variance(iv.reindex(spread.index), 12))
    assert big["SE avg VRP"].iloc[0] == pytest.approx(exact_vrp, rel=0.02)
    assert big["SE hit rate"].iloc[0] == pytest.approx(exact_hit, rel=0.02)
    assert big["SE avg implied"].iloc[0] == pytest.approx(exact_iv, rel=0.02)
    assert list(big.columns) == ["Avg implied vol", "SE avg implied", "Avg realized vol",
                                 "SE avg realized", "Avg VRP (vol pts)", "SE avg VRP",
                                 "Hit rate (VRP > 0)", "SE hit rate", "n"]


def test_summary_with_se_hand_rolled_resample():
    """An independent resampling loop: blocks drawn one at a time, statistic recomputed."""
    iv, p = _noisy(150, seed=9)
    t = premium.summary_with_se(iv, p, windows=(21,), block=10, n_boot=300, seed=2)
    x = premium.vrp(iv, p, window=21).to_numpy()
    n, b = len(x), 10
    rng = np.random.default_rng(2)
    starts = rng.integers(0, n - b + 1, size=(300, -(-n // b)))
    means = []
    for row in starts:
        res = np.concatenate([x[s:s + b] for s in row])[:n]
        means.append(res.mean())
    assert t["SE avg VRP"].iloc[0] == pytest.approx(np.std(means, ddof=1), rel=1e-10)


def test_conventions_rows_agree_with_direct_computation():
    iv, p = _noisy(300, seed=4)
    c = premium.conventions(iv, p, windows=(21, 22), n_boot=50)
    assert len(c) == 8
    assert list(c.columns) == ["Window (trading days)", "Realized vol", "Sampling",
                               "Avg VRP (vol pts)", "Hit rate (VRP > 0)", "SE hit rate", "n"]
    row = c[(c["Window (trading days)"] == 21) & (c["Realized vol"] == "raw")
            & (c["Sampling"] == "overlapping")].iloc[0]
    s = premium.summary(iv, p, window=21)
    assert row["Hit rate (VRP > 0)"] == pytest.approx(s["hit_rate"])
    assert row["n"] == s["n"]
    row = c[(c["Window (trading days)"] == 22) & (c["Realized vol"] == "demeaned")
            & (c["Sampling"] == "non-overlapping")].iloc[0]
    r = np.log(p).diff()
    sd = (100 * math.sqrt(252) * r.rolling(22).std().shift(-22)).reindex(iv.index)
    x = (iv - sd).dropna().iloc[::22]
    assert row["Hit rate (VRP > 0)"] == pytest.approx((x > 0).mean())
    assert row["n"] == len(x)
    assert row["SE hit rate"] == pytest.approx(
        bootstrap.block_bootstrap_se(x, "hit_rate", block=12, n_boot=50, seed=0), rel=1e-10)


def test_threshold_hit_rates():
    s = pd.Series([-1.0, 0.5, 1.5, 2.5, 3.0], index=pd.bdate_range("2020-01-01", periods=5))
    h = premium.threshold_hit_rates(s, [0, 1, 2.5])
    assert list(h) == [0.8, 0.6, 0.2]
    assert list(h.index) == [0.0, 1.0, 2.5]


def test_subperiods_against_direct_computation():
    iv, p = _noisy(700, seed=6)
    t = premium.subperiods(iv, p, {"2000": ("2000", "2000"), "first half 2001": ("2001-01-01", "2001-06-30")})
    a = premium.aligned(iv, p, window=21)
    sub = a.loc["2000"]
    lr = np.log(sub["realized"] / sub["implied"])
    assert t.loc["2000", "n"] == len(sub) == 260
    assert t.loc["2000", "Std ln(RV/IV)"] == pytest.approx(np.std(lr.to_numpy(), ddof=1))
    assert t.loc["2000", "Mean ln(IV/RV)"] == pytest.approx(-lr.mean())
    assert t.loc["2000", "Hit rate (VRP > 0)"] == pytest.approx((sub["implied"] > sub["realized"]).mean())
    assert t.loc["first half 2001", "n"] == len(a.loc["2001-01-01":"2001-06-30"])


def test_normal_hit_rate_known_values():
    assert premium.normal_hit_rate(0.0, 0.3) == 0.5
    assert premium.normal_hit_rate(0.3, 0.3) == pytest.approx(0.8413447460685429)
    assert premium.normal_hit_rate(-0.3, 0.3) == pytest.approx(1 - 0.8413447460685429)


def test_mechanical_premium_against_monte_carlo():
    s = 0.32
    m = premium.mechanical_premium(s)
    z = np.random.default_rng(0).standard_normal(2_000_000)
    ratio = np.exp(-s * s + s * z)                      # RV / IV with E[(RV/IV)^2] = 1
    assert np.mean(ratio**2) == pytest.approx(1.0, abs=2e-3)
    assert m["vol_share"] == pytest.approx(np.mean(1 - ratio), abs=1e-3)
    assert m["hit_rate"] == pytest.approx(np.mean(ratio < 1), abs=1e-3)
    assert m["log_mean"] == pytest.approx(np.mean(-np.log(ratio)), abs=1e-3)
    assert m["variance_mean"] == 0.0


def test_mechanical_premium_limits():
    m = premium.mechanical_premium(0.0)
    assert m["vol_share"] == 0.0 and m["hit_rate"] == 0.5 and m["log_mean"] == 0.0
    # small s: the second-order Jensen gap s^2 / 2
    assert premium.mechanical_premium(1e-3)["vol_share"] == pytest.approx(0.5e-6, rel=1e-3)


@given(a=st.floats(0.0, 2.0), b=st.floats(0.0, 2.0))
def test_mechanical_premium_grows_with_dispersion(a, b):
    lo, hi = sorted((a, b))
    m_lo, m_hi = premium.mechanical_premium(lo), premium.mechanical_premium(hi)
    assert 0 <= m_lo["vol_share"] <= m_hi["vol_share"] < 1
    assert 0.5 <= m_lo["hit_rate"] <= m_hi["hit_rate"] <= 1


# --------------------------------------------------------------------------- input checks

def test_all_lists_the_public_functions():
    public = {n for n in dir(premium) if not n.startswith("_") and callable(getattr(premium, n))
              and getattr(getattr(premium, n), "__module__", "") == "vrp_lib.premium"}
    assert public <= set(premium.__all__)
    assert all(hasattr(premium, n) for n in premium.__all__)


def _iv_p():
    p = _alternating_prices(60, 0.01)
    return pd.Series(15.0, index=p.index), p


def test_units_decimals_rejected():
    iv, p = _iv_p()
    with pytest.raises(ValueError, match="looks like decimals; pass vol points"):
        premium.summary(iv / 100, p)


def test_units_swapped_arguments_rejected():
    iv, p = _iv_p()
    spx = p * 30                                           # an index in the thousands
    with pytest.raises(ValueError, match="look like prices.*swapped"):
        premium.summary(spx, iv)


def test_units_threshold_edges():
    iv, p = _iv_p()
    premium.summary(pd.Series(premium.DECIMAL_LIMIT, index=p.index), p)  # at the limit: vol points
    premium.summary(pd.Series(premium.PRICE_LIMIT, index=p.index), p)
    with pytest.raises(ValueError, match="look like prices"):
        premium.summary(pd.Series(premium.PRICE_LIMIT + 0.01, index=p.index), p)


def test_tz_aware_index_rejected():
    iv, p = _iv_p()
    with pytest.raises(ValueError, match="implied_vol: the index is time-zone aware"):
        premium.vrp(iv.tz_localize("UTC"), p)
    with pytest.raises(ValueError, match="prices: the index is time-zone aware"):
        premium.vrp(iv, p.tz_localize("America/New_York"))
    with pytest.raises(ValueError, match="vrp_series: the index is time-zone aware"):
        premium.distribution(iv.tz_localize("UTC"))


def test_none_rejected():
    iv, p = _iv_p()
    with pytest.raises(ValueError, match="implied_vol: got None"):
        premium.summary(None, p)
    with pytest.raises(ValueError, match="prices: got None"):
        premium.aligned(iv, None)
    with pytest.raises(ValueError, match="vrp_series: got None"):
        premium.monthly_samples(None)


def test_nan_and_inf_rejected():
    iv, p = _iv_p()
    bad = p.copy()
    bad.iloc[5] = np.nan
    with pytest.raises(ValueError, match="prices: missing or non-finite price on 2020-01-08"):
        premium.summary(iv, bad)
    bad.iloc[5] = np.inf
    with pytest.raises(ValueError, match="prices: missing or non-finite price"):
        premium.summary(iv, bad)
    niv = iv.copy()
    niv.iloc[3] = np.nan
    with pytest.raises(ValueError, match="implied_vol: NaN on 2020-01-06"):
        premium.vrp(niv, p)
    niv.iloc[3] = np.inf
    with pytest.raises(ValueError, match="implied_vol: infinite value"):
        premium.vrp(niv, p)
    with pytest.raises(ValueError, match="vrp_series: infinite value"):
        premium.threshold_hit_rates(niv, [0])


def test_window_longer_than_data():
    iv, p = _iv_p()
    with pytest.raises(ValueError, match=r"window \(60 trading days\) is longer than the data"):
        premium.summary(iv, p, window=60)
    with pytest.raises(ValueError, match=r"windows \(100 trading days\) is longer than the data"):
        premium.summary_table(iv, p, windows=(21, 100))


def test_window_arguments_validated():
    iv, p = _iv_p()
    with pytest.raises(ValueError, match="window must be an integer"):
        premium.vrp(iv, p, window=True)
    with pytest.raises(ValueError, match="window must be an integer"):
        premium.vrp(iv, p, window=21.5)  # 21.0 passes as 21 since the shared checks accept integral floats
    with pytest.raises(ValueError, match="windows: give at least one window"):
        premium.summary_table(iv, p, windows=())
    with pytest.raises(ValueError, match="windows: duplicate window"):
        premium.summary_table(iv, p, windows=(5, 5))
    with pytest.raises(ValueError, match="windows: expected a sequence"):
        premium.summary_with_se(iv, p, windows=21)
    with pytest.raises(ValueError, match="windows must be an integer"):
        premium.conventions(iv, p, windows=(21, False))
    with pytest.raises(ValueError, match="window must be at least 2 to demean"):
        premium.vrp(iv, p, window=1, demean=True)


def test_labels_validated():
    iv, p = _iv_p()
    with pytest.raises(ValueError, match="labels: expected a sequence of strings"):
        premium.summary_table(iv, p, windows=(5,), labels="5-day")
    with pytest.raises(ValueError, match="labels: duplicate label"):
        premium.summary_table(iv, p, windows=(5, 10), labels=["a", "a"])
    with pytest.raises(ValueError, match="labels: every label must be a non-empty string"):
        premium.summary_with_se(iv, p, windows=(5, 10), labels=["a", 3], block=5)


def test_form_annualization_and_flags_validated():
    iv, p = _iv_p()
    with pytest.raises(ValueError, match="form must be 'vol', 'variance' or 'log', got None"):
        premium.vrp(iv, p, form=None)
    with pytest.raises(ValueError, match="annualization must be a number, got the boolean True"):
        premium.vrp(iv, p, annualization=True)
    with pytest.raises(ValueError, match=r"annualization must lie in \[1, 8,784\].*got -252"):
        premium.summary(iv, p, annualization=-252)
    # zero, a fraction of a day and an absurd count rescale the realized leg silently: refused
    for bad in (0, 0.5, 1e-9, 366 * 24 + 1, 1e7):
        with pytest.raises(ValueError, match=r"annualization must lie in \[1, 8,784\]"):
            premium.vrp(iv, p, annualization=bad)
    with pytest.raises(ValueError, match="annualization must be a number"):
        premium.summary(iv, p, annualization="252")
    with pytest.raises(ValueError, match="annualization must be finite"):
        premium.summary(iv, p, annualization=np.inf)
    with pytest.raises(ValueError, match="demean must be True or False, got 1"):
        premium.aligned(iv, p, demean=1)


def test_bootstrap_arguments_validated():
    iv, p = _iv_p()
    with pytest.raises(ValueError, match="seed must be an integer"):
        premium.summary_with_se(iv, p, windows=(5,), block=5, seed=True)
    with pytest.raises(ValueError, match="block must be an integer"):
        premium.summary_with_se(iv, p, windows=(5,), block=5.5)
    with pytest.raises(ValueError, match=r"block \(252\) is longer than the 55 dates"):
        premium.summary_with_se(iv, p, windows=(5,))
    with pytest.raises(ValueError, match="n_boot must be at least 1"):
        premium.summary_with_se(iv, p, windows=(5,), block=5, n_boot=0)
    with pytest.raises(ValueError, match="sample too short"):
        premium.conventions(iv, p, windows=(5,))


def test_thresholds_and_periods_validated():
    iv, p = _iv_p()
    s = premium.vrp(iv, p, window=5)
    with pytest.raises(ValueError, match="thresholds: expected a sequence"):
        premium.threshold_hit_rates(s, 2.0)
    with pytest.raises(ValueError, match="thresholds: give at least one"):
        premium.threshold_hit_rates(s, [])
    with pytest.raises(ValueError, match="thresholds must be numbers of vol points, got True"):
        premium.threshold_hit_rates(s, [True])
    with pytest.raises(ValueError, match="thresholds must be finite"):
        premium.threshold_hit_rates(s, [np.nan])
    with pytest.raises(ValueError, match="periods: expected a non-empty mapping"):
        premium.subperiods(iv, p, [("2020", "2020")], window=5)
    with pytest.raises(ValueError, match=r"periods\['x'\]: expected \(start, end\)"):
        premium.subperiods(iv, p, {"x": "2020"}, window=5)
    with pytest.raises(ValueError, match=r"periods\['x'\]: .* are not dates"):
        premium.subperiods(iv, p, {"x": ("2020", "soon")}, window=5)
    with pytest.raises(ValueError, match=r"periods\['x'\]: end '2019' is before start"):
        premium.subperiods(iv, p, {"x": ("2020", "2019")}, window=5)
    with pytest.raises(ValueError, match=r"periods\['x'\]: fewer than two origin dates"):
        premium.subperiods(iv, p, {"x": ("2021", "2021")}, window=5)
    with pytest.raises(ValueError, match="periods: every label must be a non-empty string"):
        premium.subperiods(iv, p, {1: ("2020", "2020")}, window=5)


def test_scalar_arguments_validated():
    with pytest.raises(ValueError, match="std_log must be positive"):
        premium.normal_hit_rate(0.3, 0.0)
    with pytest.raises(ValueError, match="mean_log must be a number, got True"):
        premium.normal_hit_rate(True, 0.3)
    with pytest.raises(ValueError, match="std_log must be a number"):
        premium.normal_hit_rate(0.3, None)
    with pytest.raises(ValueError, match="mean_log must be a number, got '0.3'"):
        premium.normal_hit_rate("0.3", 0.3)
    with pytest.raises(ValueError, match="std_log must be non-negative"):
        premium.mechanical_premium(-0.1)
    with pytest.raises(ValueError, match="std_log must be finite"):
        premium.mechanical_premium(np.inf)
    with pytest.raises(ValueError, match="std_log must be a number, got False"):
        premium.mechanical_premium(False)


def test_series_functions_validated():
    iv, p = _iv_p()
    with pytest.raises(ValueError, match="n must be at least 1"):
        premium.worst_months(iv, n=0)
    with pytest.raises(ValueError, match="window must be an integer"):
        premium.monthly_samples(iv, window=None)
    with pytest.raises(ValueError, match="need at least 3 values"):
        premium.distribution(iv.iloc[:2])
    with pytest.raises(ValueError, match="vrp_series: the index must be a DatetimeIndex"):
        premium.distribution(pd.Series([1.0, 2.0, 3.0]))


def test_number_as_labels_named():
    iv, p = _iv_p()
    with pytest.raises(TypeError, match=r"labels: expected a sequence of strings, got 1\.5"):
        premium.summary_table(iv, p, windows=(5,), labels=1.5)
    with pytest.raises(TypeError, match=r"labels: expected a sequence of strings, got 1\.5"):
        premium.summary_with_se(iv, p, windows=(5,), labels=1.5, block=5)


def test_short_implied_vol_named():
    iv, p = _iv_p()
    short = iv.iloc[:2]
    with pytest.raises(ValueError, match=r"block \(5\) is longer than the 2 dates.*implied_vol"):
        premium.summary_with_se(short, p, windows=(5,), block=5)
    with pytest.raises(ValueError, match=r"sample too short.*implied_vol"):
        premium.conventions(short, p, windows=(5,))
    with pytest.raises(ValueError, match=r"fewer than two origin dates.*implied_vol"):
        premium.subperiods(short, p, {"late": (str(p.index[1].date()), str(p.index[-1].date()))},
                           window=5)


# ------------------------------------------------------------- no silent results (bounds)

def test_rule_counts_longer_than_the_data_raise():
    iv, p = _iv_p()
    s = premium.vrp(iv, p, window=5)
    months = s.groupby(s.index.to_period("M")).ngroups
    assert len(premium.worst_months(s, n=months)) == months
    with pytest.raises(ValueError, match=rf"n \(10000000\) is more months than vrp_series holds \({months} "):
        premium.worst_months(s, n=10**7)
    assert len(premium.monthly_samples(s, len(s))) == 1
    with pytest.raises(ValueError, match=rf"window \(10000000\) is longer than vrp_series \({len(s)} observations"):
        premium.monthly_samples(s, 10**7)


def test_rule_integral_float_window_same_result():
    iv, p = _iv_p()
    pd.testing.assert_series_equal(premium.summary(iv, p, window=5.0), premium.summary(iv, p, window=5))
    assert premium.summary(iv, p, window=5.0).name == "5d"


def test_rule_n_boot_bounded():
    import time

    iv, p = _iv_p()
    t0 = time.perf_counter()
    with pytest.raises(ValueError, match=r"n_boot \(10,000,000\) is above 100,000"):
        premium.summary_with_se(iv, p, windows=(5,), block=5, n_boot=10**7)
    with pytest.raises(ValueError, match=r"n_boot \(10,000,000\) is above 100,000"):
        premium.conventions(iv, p, windows=(5,), n_boot=10**7)
    assert time.perf_counter() - t0 < 1.0  # summary_with_se ran 6 s before


def test_interpolated_vol_is_cboe_rule():
    """60 days between a 30-day and a 93-day index: the white paper's rule (implied.py) on each date."""
    from vrp_lib import implied

    idx = pd.bdate_range("2020-01-01", periods=4)
    near = pd.Series([15.0, 20.0, 30.0, 12.0], index=idx)
    nxt = pd.Series([18.0, 21.0, 25.0, 12.0], index=idx)
    out = premium.interpolated_vol(near, nxt, 60)
    for t in idx:
        var = implied.interpolate_variance((near[t] / 100) ** 2, 30 / 365, (nxt[t] / 100) ** 2, 93 / 365,
                                           days=60)
        assert out[t] == pytest.approx(100 * math.sqrt(var), rel=1e-12)
    # hand value: w = 33/63, (33/63 * 30 * 15^2 + 30/63 * 93 * 18^2) / 60 = 289.20...
    assert out.iloc[0] == pytest.approx(math.sqrt((33 / 63 * 30 * 225 + 30 / 63 * 93 * 324) / 60), rel=1e-14)
    assert out.iloc[3] == pytest.approx(12.0, rel=1e-14)          # a flat term structure stays flat
    assert out.name == "iv60d"
    assert np.allclose(premium.interpolated_vol(near, nxt, 30), near)     # the ends are the inputs
    assert np.allclose(premium.interpolated_vol(near, nxt, 93), nxt)


def test_interpolated_vol_common_dates_and_bad_input():
    idx = pd.bdate_range("2020-01-01", periods=5)
    near = pd.Series([15.0, 20.0, 30.0, 12.0, 14.0], index=idx)
    nxt = pd.Series([18.0, 21.0, 25.0], index=idx[2:])
    assert list(premium.interpolated_vol(near, nxt, 60).index) == list(idx[2:])
    with pytest.raises(ValueError, match="days"):
        premium.interpolated_vol(near, nxt, 120)
    with pytest.raises(ValueError, match="next_days"):
        premium.interpolated_vol(near, nxt, 60, near_days=93, next_days=30)
    with pytest.raises(ValueError, match="next_vol"):
        premium.interpolated_vol(near, nxt / 100, 60)
    with pytest.raises(ValueError, match="no date in common"):
        premium.interpolated_vol(near, pd.Series([18.0], index=[pd.Timestamp("2021-01-04")]), 60)


def test_block_se_equals_block_bootstrap_se():
    rng = np.random.default_rng(3)
    x = pd.Series(rng.standard_t(4, 3000) + 0.3,
                  index=pd.bdate_range("2000-01-03", periods=3000))
    for stat in ("mean", "hit_rate"):
        for block, n_boot, seed in ((252, 1000, 0), (1, 500, 7), (21, 300, 2), (3000, 50, 1)):
            ref = bootstrap.block_bootstrap_se(x, stat, block=block, n_boot=n_boot, seed=seed)
            got = premium.block_se(x, stat, block=block, n_boot=n_boot, seed=seed)
            assert got == pytest.approx(ref, rel=1e-12, abs=1e-15)
    # a hit rate's SE of an i.i.d. bootstrap is close to sqrt(p (1 - p) / n)
    p = (x > 0).mean()
    assert premium.block_se(x, "hit_rate", block=1, n_boot=4000) == pytest.approx(
        math.sqrt(p * (1 - p) / len(x)), rel=0.05)
    both = premium.block_se(x, ("mean", "hit_rate"), block=21, n_boot=300, seed=2)   # same draws
    assert both == (premium.block_se(x, "mean", block=21, n_boot=300, seed=2),
                    premium.block_se(x, "hit_rate", block=21, n_boot=300, seed=2))
    assert premium.block_se(x, ("hit_rate",), block=1, n_boot=50) == (
        premium.block_se(x, "hit_rate", block=1, n_boot=50),)
    with pytest.raises(ValueError, match="statistic"):
        premium.block_se(x, "sharpe")
    with pytest.raises(ValueError, match="statistic"):
        premium.block_se(x, ())
    with pytest.raises(ValueError, match="statistic"):
        premium.block_se(x, ("mean", "median"))
    with pytest.raises(ValueError, match="block"):
        premium.block_se(x.iloc[:10], block=20)
    with pytest.raises(ValueError, match="n_boot"):
        premium.block_se(x, n_boot=1)


def test_rank_correlations_match_pandas_and_scipy_with_ties():
    from scipy import stats

    rng = np.random.default_rng(5)
    x = rng.integers(0, 6, size=(50, 33)).astype(float)         # many ties
    y = x + rng.normal(0, 2, size=x.shape)
    y[:, :5] = np.round(y[:, :5])
    got = premium.rank_correlations(x, y)
    assert got.shape == (50,)
    for i in range(50):
        ref = pd.DataFrame({"x": x[i], "y": y[i]}).rank().corr().iloc[0, 1]
        assert got[i] == pytest.approx(ref, abs=1e-13)
        assert got[i] == pytest.approx(stats.spearmanr(x[i], y[i]).statistic, abs=1e-13)
    # one pair: a monotone transform has correlation one; reversed order minus one
    a = np.array([1.0, 5.0, 2.0, 9.0])
    assert float(premium.rank_correlations(a, np.exp(a))) == pytest.approx(1.0)
    assert float(premium.rank_correlations(a, -a)) == pytest.approx(-1.0)
    assert np.isnan(premium.rank_correlations(a, np.ones(4)))        # constant: undefined
    with pytest.raises(ValueError, match="same shape"):
        premium.rank_correlations(x, y[:, :-1])
    with pytest.raises(ValueError, match="NaN"):
        premium.rank_correlations(a, np.array([1.0, np.nan, 2.0, 3.0]))
    with pytest.raises(ValueError, match="two observations"):
        premium.rank_correlations(a[:1], a[:1])


# --------------------------------------------------------------------------- by_tenor


def _tenor_data(n=700, seed=3):
    rng = np.random.default_rng(seed)
    dates = pd.bdate_range("2015-01-01", periods=n)
    px = pd.Series(100 * np.exp(np.cumsum(rng.normal(0, 0.01, n))), index=dates)
    short = pd.Series(14 + 4 * rng.random(n), index=dates).iloc[40:]        # starts later
    long_ = pd.Series(17 + 3 * rng.random(n), index=dates).drop(dates[100:110])  # gaps
    return px, short, long_


def test_by_tenor_compares_the_tenors_on_their_common_dates():
    px, short, long_ = _tenor_data()
    out = premium.by_tenor({"short, 5": (short, 5), "long, 21": (long_, 21)}, px, block=50,
                           n_boot=200, seed=1)
    assert list(out.columns) == list(premium.BY_TENOR_COLUMNS)
    assert out.index.name == "Index and tenor" and list(out.index) == ["short, 5", "long, 21"]
    common = short.index.intersection(long_.index)
    assert out.attrs["first_origin"] == common[0]
    r = np.log(px.to_numpy())
    for label, iv, w in (("short, 5", short, 5), ("long, 21", long_, 21)):
        # by hand: origin t on a common date with w returns after it, RV over t+1..t+w
        rows = []
        for t in common:
            i = px.index.get_loc(t)
            if i + w < len(px):
                rv = 100 * math.sqrt(252 / w * sum((r[j] - r[j - 1]) ** 2
                                                   for j in range(i + 1, i + w + 1)))
                rows.append((iv[t], rv))
        ivs, rvs = np.array(rows).T
        got = out.loc[label]
        assert got["Origin days"] == len(rows)
        assert got["Average implied vol (vol points)"] == pytest.approx(ivs.mean(), rel=1e-12)
        assert got["Average realized vol over the tenor (vol points)"] == pytest.approx(
            rvs.mean(), rel=1e-12)
        assert got["Premium (vol points)"] == pytest.approx((ivs - rvs).mean(), rel=1e-10)
        var = ivs**2 - rvs**2
        assert got["Premium per unit of variance exposure (variance points a year)"] == \
            pytest.approx(var.mean(), rel=1e-10)
        assert got["SE per unit of exposure (variance points a year)"] == pytest.approx(
            bootstrap.block_bootstrap_se(var, block=50, n_boot=200, seed=1), rel=1e-9)
        assert got["SE of the premium (vol points)"] == pytest.approx(
            bootstrap.block_bootstrap_se(ivs - rvs, block=50, n_boot=200, seed=1), rel=1e-9)


def test_by_tenor_refuses_bad_input():
    px, short, long_ = _tenor_data()
    with pytest.raises(TypeError, match="tenors: expected a dict"):
        premium.by_tenor([(short, 5)], px)
    with pytest.raises(ValueError, match="tenors: is empty"):
        premium.by_tenor({}, px)
    with pytest.raises(TypeError, match=r"tenors\['a'\]: expected a pair"):
        premium.by_tenor({"a": short}, px)
    with pytest.raises(ValueError, match="window"):
        premium.by_tenor({"a": (short, 0)}, px)
    with pytest.raises(ValueError, match="no date in common"):
        premium.by_tenor({"a": (short.iloc[:50], 5), "b": (long_.iloc[-50:], 21)}, px)
    aware = long_.tz_localize("UTC")
    with pytest.raises(ValueError, match=r"tenors\['b'\]: the index is time-zone aware"):
        premium.by_tenor({"a": (short, 5), "b": (aware, 21)}, px)
