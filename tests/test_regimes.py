"""Tests of vrp_lib.regimes: each function against a hand computation or another module."""

import numpy as np
import pandas as pd
import pytest

from vrp_lib import bootstrap, models, realized, regimes, risk, swaps
from vrp_lib import strategies as st


def _market(n=400, seed=0):
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2001-01-01", periods=n, name="date")
    r = rng.normal(0, 0.012, n) * np.where(np.arange(n) % 150 < 20, 3.0, 1.0)
    spx = pd.Series(100 * np.exp(np.cumsum(r)), index=idx)
    vix = pd.Series(18 + 6 * np.sin(np.arange(n) / 25) + rng.normal(0, 1, n), index=idx)
    return vix, spx


def _days(vix, spx):
    r = realized.log_returns(spx)
    fr = regimes.origin_frame(vix, spx, 21)
    return pd.DataFrame({"implied": vix, "sq_return": (r**2).reindex(spx.index).fillna(0.0),
                         "origin": spx.index.isin(fr.index)}, index=spx.index)


def test_origin_frame_matches_short_variance_swap():
    vix, spx = _market()
    fr = regimes.origin_frame(vix, spx, 21, give_up=0.75)
    fwd = realized.forward_realized_vol(spx, 21).reindex(fr.index)
    np.testing.assert_allclose(fr["realized"], fwd)
    np.testing.assert_allclose(fr["vrp"], fr["implied"] - fwd)
    ref = st.short_variance_swap(fr["implied"], fr["realized"], 1.0,
                                 costs=st.Costs(bid_ask=1.0, slippage=0.25))
    np.testing.assert_allclose(fr["pnl"], ref)
    np.testing.assert_allclose(fr["trailing"].dropna(),
                               realized.trailing_realized_vol(spx, 21).reindex(fr.index).dropna())


def test_terciles_against_qcut():
    x = pd.Series(np.random.default_rng(1).normal(size=300),
                  index=pd.bdate_range("2020-01-01", periods=300))
    t = regimes.terciles(x)
    ref = pd.qcut(x, 3, labels=["low", "middle", "high"])
    assert (t.astype(str) == ref.astype(str)).all()
    assert t.value_counts().tolist() == [100, 100, 100]


def test_regime_table_means_and_single_regime_se():
    vix, spx = _market(600)
    fr = regimes.origin_frame(vix, spx, 21)
    lab = regimes.terciles(fr["implied"])
    tab = regimes.regime_table(fr, lab, fr["implied"], block=42, n_boot=300)
    g = fr.groupby(lab.to_numpy(), observed=True)
    np.testing.assert_allclose(tab["Premium (vol points)"], g["vrp"].mean().loc[tab.index])
    np.testing.assert_allclose(tab["Hit rate"], g["pnl"].apply(lambda s: (s > 0).mean()).loc[tab.index])
    assert tab["Origin days"].sum() == len(fr)
    assert tab.loc["low", "Range (vol points)"].startswith(f"{fr['implied'].min():.1f} to")
    one = pd.Series(pd.Categorical(["all"] * len(fr)), index=fr.index)
    t1 = regimes.regime_table(fr, one, block=42, n_boot=300, seed=3)
    # one regime: the ratio bootstrap is the plain bootstrap of the mean
    assert t1.loc["all", "SE of premium"] == pytest.approx(
        bootstrap.block_bootstrap_se(fr["vrp"], "mean", block=42, n_boot=300, seed=3))


def test_negative_spells_hand_checked():
    idx = pd.bdate_range("2020-01-01", periods=9)
    v = pd.Series([1.0, -1.0, -3.0, 2.0, -0.5, -0.5, -2.0, 1.0, -4.0], index=idx)
    sp = regimes.negative_spells(v)
    assert sp["length"].tolist() == [3, 2, 1]
    assert sp.loc[0, "start"] == idx[4] and sp.loc[0, "worst"] == -2.0
    assert sp.loc[0, "average"] == pytest.approx(-1.0)
    assert sp.loc[1, "average"] == pytest.approx(-2.0)
    assert len(regimes.negative_spells(v, min_length=2)) == 2


def test_crisis_table_hand_checked():
    idx = pd.bdate_range("2010-01-01", periods=200, name="date")
    fr = pd.DataFrame({"implied": np.arange(200.0) + 10, "vrp": np.arange(200.0),
                       "pnl": -np.arange(200.0)}, index=idx)
    tab = regimes.crisis_table(fr, {"x": idx[50]}, window=5, after=10)
    assert tab.loc["x", "Premium at onset (vol points)"] == pytest.approx(np.mean([46, 47, 48, 49, 50]))
    assert tab.loc["x", "VIX at onset start"] == 56.0
    assert tab.loc["x", "Premium, next 3 months"] == pytest.approx(np.mean(np.arange(51, 61)))
    assert tab.loc["x", "Premium, months 4-6"] == pytest.approx(np.mean(np.arange(61, 71)))
    assert tab.loc["x", "P&L at onset (vol points)"] == pytest.approx(-48.0)


def test_swap_values_against_settlement_and_mark_to_market():
    vix, spx = _market()
    r2 = (realized.log_returns(spx) ** 2).reindex(spx.index).fillna(0.0).to_numpy()
    iv = vix.to_numpy()
    hold, close = regimes.swap_values(iv, r2, 21, give_up=0.5)
    rv = realized.forward_realized_vol(spx, 21).to_numpy()[:hold.shape[0]]
    k = iv[:hold.shape[0]] - 0.5
    np.testing.assert_allclose(hold[:, -1], (k**2 - rv**2) / (2 * k))
    np.testing.assert_allclose(close[:, -1], hold[:, -1])
    np.testing.assert_allclose(hold[:, 0], (k**2 - iv[:hold.shape[0]] ** 2) / (2 * k))
    i, s = 30, 8  # mid-life: the seller's value is minus the long side's mark-to-market
    rv_s = 100 * np.sqrt(252 / s * r2[i + 1:i + s + 1].sum())
    mtm = swaps.mark_to_market(rv_s, iv[i + s], k[i], 1.0, s / 21)
    assert hold[i, s] == pytest.approx(-mtm)
    mtm_ask = swaps.mark_to_market(rv_s, iv[i + s] + 0.5, k[i], 1.0, s / 21)
    assert close[i, s] == pytest.approx(-mtm_ask)


def test_calendar_pnl_equals_strategies_rolls_on_every_offset():
    vix, spx = _market(300)
    r2 = (realized.log_returns(spx) ** 2).reindex(spx.index).fillna(0.0).to_numpy()
    hold, _ = regimes.swap_values(vix.to_numpy(), r2, 21)
    cal = regimes.calendar_pnl(hold[:, -1], 21)
    for k in (0, 7, 20):
        ro = st.rolls(vix, spx, 21, offset=k)
        ref = st.short_variance_swap(ro["implied"], ro["realized"], 1.0).to_numpy()
        np.testing.assert_allclose(cal[k], ref[:cal.shape[1]])
    taken = np.zeros(hold.shape[0], dtype=bool)
    taken[::2] = True
    cal_t = regimes.calendar_pnl(hold[:, -1], 21, taken)
    for k in (0, 1):
        pos = k + 21 * np.arange(cal.shape[1])
        np.testing.assert_allclose(cal_t[k], np.where(taken[pos], cal[k], 0.0))


def test_exit_age_hand_checked():
    f = np.array([True, True, False, True, True, True, True, True])
    np.testing.assert_array_equal(regimes.exit_age(f, 3), [2, 1, 3, 3, 3])


def test_ladder_pnl_total_and_brute_force():
    rng = np.random.default_rng(4)
    n, w = 30, 5
    hold = rng.normal(size=(n, w + 1))
    close = hold - rng.random((n, w + 1))
    close[:, -1] = hold[:, -1]
    taken = rng.random(n) < 0.7
    age = rng.integers(1, w + 1, n)
    out = regimes.ladder_pnl(hold, close, taken, age)
    assert out.sum() == pytest.approx(sum(close[i, age[i]] for i in range(n) if taken[i]) / w)
    brute = np.zeros(n + w)
    for i in range(n):
        if not taken[i]:
            continue
        prev = 0.0
        for s in range(age[i] + 1):
            v = close[i, s] if s == age[i] else hold[i, s]
            brute[i + s] += (v - prev) / w
            prev = v
    np.testing.assert_allclose(out, brute)


def test_filter_flags_match_regime_filter_and_unique_filters():
    vix, spx = _market()
    flags = regimes.filter_flags(vix, spx, (5, 10), (1, 3), (0.0, 2.0))
    assert len(flags) == 8
    tv = realized.trailing_realized_vol(spx, 10).reindex(vix.index)
    ref = st.regime_filter(vix, tv, days=3, reentry_spread=2.0).to_numpy()
    np.testing.assert_array_equal(flags[(10, 3, 2.0)], ref)
    dup = dict(flags)
    dup[("copy",)] = flags[(5, 1, 0.0)].copy()
    kept, removed = regimes.unique_filters(dup)
    assert removed[("copy",)] == (5, 1, 0.0) and ("copy",) not in kept


def test_judge_filters_always_true_cell_equals_always_in():
    vix, spx = _market(700)
    days = _days(vix, spx)
    flags = regimes.filter_flags(days["implied"], spx, (5,), (1, 3), (0.0,))
    flags[("never out",)] = np.ones(len(days), dtype=bool)
    tab, info = regimes.judge_filters(days, flags, 21, 0.5)
    assert tab.loc[0, "Filter"] == "always in" and info["n_trials"] == 3
    never = tab[tab["Filter"] == ("never out",)].iloc[0]
    assert never["Extra P&L vs always-in (vol points a year)"] == 0.0
    assert never["Sharpe, daily ladder"] == pytest.approx(tab.loc[0, "Sharpe, daily ladder"])
    assert 0.0 <= info["dsr_best_ir"] <= 1.0
    # the always-in calendars are the monthly rolls of every offset
    hold, _ = regimes.swap_values(days["implied"].to_numpy(), days["sq_return"].to_numpy(), 21, 0.5)
    cal = regimes.calendar_pnl(hold[:, -1], 21, days["origin"].to_numpy()[:hold.shape[0]])
    np.testing.assert_allclose(info["calendar_sharpes_always_in"], [risk.sharpe(c) for c in cal])
    assert tab.loc[0, "Sharpe, monthly rolls (mean of calendars)"] == pytest.approx(
        np.mean([risk.sharpe(c) for c in cal]))


def test_judge_filters_effective_trials():
    vix, spx = _market(700)
    days = _days(vix, spx)
    flags = regimes.filter_flags(days["implied"], spx, (5, 10), (1, 3), (0.0, 2.0))
    flags[("never out",)] = np.ones(len(days), dtype=bool)
    tab, info = regimes.judge_filters(days, flags, 21, 0.5)
    ex = info["excess"]
    assert list(ex.columns) == [k for k in tab["Filter"].iloc[1:]]
    # a cell identical to always-in has no excess (the vol match uses ddof=1 on both sides)
    # and is left out of the correlation
    assert (ex[("never out",)].abs() < 1e-9).all()
    moving = ex.loc[:, ex.std() > 1e-12]
    assert ("never out",) not in moving.columns
    corr = np.corrcoef(moving.to_numpy().T)
    for how in risk.TRIAL_METHODS:
        assert info["n_effective"][how] == pytest.approx(risk.effective_trials(corr, how), rel=1e-12)
    assert info["excess_correlation"] == pytest.approx(np.median(corr[np.triu_indices(len(corr), 1)]))
    assert 1 <= info["n_effective"]["li-ji"] <= moving.shape[1]
    best = tab.iloc[1:]["Vol-matched IR vs always-in"].idxmax()
    d = ex[tab.loc[best, "Filter"]].to_numpy()
    ref = risk.deflated_sharpe(tab.loc[best, "Vol-matched IR vs always-in"],
                               tab.iloc[1:]["Vol-matched IR vs always-in"].to_numpy(), len(d),
                               risk.skewness(d), risk.excess_kurtosis(d) + 3.0,
                               n_trials=max(1, round(info["n_effective"]["li-ji"])))
    assert info["dsr_best_ir_effective"] == pytest.approx(ref, rel=1e-12)


# ---------------------------------------------------------------- one test per input rule

def test_rule_none_inputs():
    with pytest.raises(ValueError, match="frame: got None"):
        regimes.regime_table(None, pd.Series(dtype=float))
    with pytest.raises(ValueError, match="vrp_series: got None"):
        regimes.negative_spells(None)
    with pytest.raises(ValueError, match="x: got None"):
        regimes.terciles(None)


def test_rule_nan_and_inf():
    idx = pd.bdate_range("2020-01-01", periods=5)
    with pytest.raises(ValueError, match="NaN or inf"):
        regimes.negative_spells(pd.Series([1.0, np.nan, 1, 1, 1], index=idx))
    with pytest.raises(ValueError, match="NaN or inf"):
        regimes.terciles(pd.Series([1.0, np.inf, 2.0, 3.0], index=idx[:4]))
    with pytest.raises(ValueError, match="implied: contains NaN"):
        regimes.swap_values([20.0, np.nan, 20.0], [0.0, 1e-4, 1e-4], 1)


def test_rule_booleans_are_not_numbers():
    with pytest.raises(TypeError, match="window"):
        regimes.calendar_pnl(np.ones(50), True)
    with pytest.raises(TypeError, match="give_up"):
        regimes.swap_values(np.full(30, 20.0), np.full(30, 1e-4), 21, give_up=True)
    with pytest.raises(ValueError, match="in_market"):
        regimes.exit_age(np.ones(30), 21)


def test_rule_too_short():
    with pytest.raises(ValueError, match="fewer than two rolls"):
        regimes.calendar_pnl(np.ones(30), 21)
    with pytest.raises(ValueError, match="no complete"):
        regimes.exit_age(np.ones(10, dtype=bool), 21)
    with pytest.raises(ValueError, match="terciles"):
        regimes.terciles(pd.Series([1.0, 2.0], index=pd.bdate_range("2020-01-01", periods=2)))


def test_rule_mismatched_shapes_and_index():
    with pytest.raises(ValueError, match="equal 1-D shapes"):
        regimes.swap_values(np.full(30, 20.0), np.full(29, 1e-4))
    vix, spx = _market(200)
    fr = regimes.origin_frame(vix, spx, 21)
    lab = regimes.terciles(fr["implied"]).iloc[1:]
    with pytest.raises(ValueError, match="index must equal"):
        regimes.regime_table(fr, lab)
    with pytest.raises(ValueError, match="taken"):
        regimes.calendar_pnl(np.ones(50), 21, np.ones(49, dtype=bool))


def test_rule_crisis_at_edge_and_bad_frame():
    vix, spx = _market(200)
    fr = regimes.origin_frame(vix, spx, 21)
    with pytest.raises(ValueError, match="edge"):
        regimes.crisis_table(fr, {"late": fr.index[-5]})
    with pytest.raises(ValueError, match="missing column"):
        regimes.crisis_table(fr.drop(columns="vrp"))
    with pytest.raises(TypeError, match="DataFrame"):
        regimes.crisis_table(fr["vrp"])


def test_rule_give_up_above_strike():
    vix, spx = _market(200)
    with pytest.raises(ValueError, match="give_up"):
        regimes.origin_frame(vix, spx, 21, give_up=100.0)


def test_all_is_complete():
    public = {n for n in dir(regimes) if not n.startswith("_") and callable(getattr(regimes, n))
              and getattr(getattr(regimes, n), "__module__", "") == regimes.__name__}
    assert public <= set(regimes.__all__)


def test_regime_difference_matches_table_and_zero_for_same_regime():
    vix, spx = _market(600)
    fr = regimes.origin_frame(vix, spx, 21)
    lab = regimes.terciles(fr["implied"])
    tab = regimes.regime_table(fr, lab, block=42, n_boot=300)
    d, se = regimes.regime_difference(fr, lab, "low", "high", "hit", block=42, n_boot=300)
    assert d == pytest.approx(tab.loc["low", "Hit rate"] - tab.loc["high", "Hit rate"])
    assert se > 0
    assert regimes.regime_difference(fr, lab, "low", "low", "vrp", block=42, n_boot=300) == (0.0, 0.0)
    with pytest.raises(ValueError, match="column"):
        regimes.regime_difference(fr, lab, "low", "high", "sortino")


def test_styled_table_is_deterministic_and_right_aligned():
    df = pd.DataFrame({"P&L (vol points)": [1234.5, -2.0]}, index=["a", "b"])
    html = regimes.styled(df, "{:,.1f}", "t1").to_html()
    assert html == regimes.styled(df, "{:,.1f}", "t1").to_html()
    assert "1,234.5" in html and "text-align: right" in html and "T_t1" in html
    with pytest.raises(ValueError, match="uuid"):
        regimes.styled(df, "{:,.1f}", "")
    # a single format touches numeric columns only (a date is not formatted as a number)
    mixed = pd.DataFrame({"Date": [pd.Timestamp("2008-09-15").date()], "x": [1.25]})
    html = regimes.styled(mixed, "{:.1f}", "t2", caption="Cap").to_html()
    assert "2008-09-15" in html and "1.2" in html and "Cap</caption>" in html


def test_resampled_sums_equal_the_explicit_block_resamples():
    x = np.random.default_rng(9).normal(size=250)
    m = x > 0.3
    idx = bootstrap.block_indices(250, 21, 200, seed=5)
    cnt, sm = regimes._resampled_sums([m, np.where(m, x, 0.0)], 21, 200, 5)
    np.testing.assert_allclose(cnt, m[idx].sum(axis=1))
    np.testing.assert_allclose(sm, np.where(m[idx], x[idx], 0.0).sum(axis=1))


def test_tenor_table_exact_columns_and_simulated_sharpe_by_hand():
    from vrp_lib import models
    P, Q = models.PHYSICAL, models.RISK_NEUTRAL
    paths = models.simulate(P, Q, n_days=252 * 3, n_paths=8, seed=1)
    tab = regimes.tenor_table(paths, P, Q, tenors=(21, 63), give_up=0.5)
    for d in (21, 63):
        t = d / 252
        eq, ep = models.expected_variance(Q, t, P.theta), models.expected_variance(P, t, P.theta)
        prem = 1e4 * (eq - ep)
        assert tab.loc[d, "Premium per unit of variance exposure (variance points a year)"] == pytest.approx(prem)
        assert tab.loc[d, "Premium per unit of vega a year (vol points)"] == pytest.approx(
            prem / (2 * 100 * np.sqrt(eq)) / t)
    # simulated net Sharpe of the 63-day tenor by hand, path by path
    ro = st.model_rolls(paths.index, paths.vix, window=63)
    n = ro["realized"].shape[1]
    k = 100 * np.sqrt(models.expected_variance(Q, 0.25, paths.variance[np.arange(n) * 63].T))
    x = (k - 0.5) ** 2 - ro["realized"] ** 2
    sh = np.array([row.mean() / row.std(ddof=1) * 2 for row in x])
    assert tab.loc[63, "Sharpe net (mean of paths)"] == pytest.approx(sh.mean())
    assert tab.loc[63, "SE, Sharpe net"] == pytest.approx(sh.std(ddof=1) / np.sqrt(8))
    # per unit of variance exposure the yearly cost is about 2 K g at every tenor
    cost = tab["Cost per unit of variance exposure (variance points a year)"]
    assert cost.loc[21] == pytest.approx(cost.loc[63], rel=0.1)
    with pytest.raises(ValueError, match="tenors"):
        regimes.tenor_table(paths, P, Q, tenors=())


# ------------------------------------------------------------- bad-input rules (campaign)

def _dated(values):
    return pd.Series(values, index=pd.bdate_range("2020-01-01", periods=len(values)), dtype=float)


def test_rule_origin_frame_implied_vol_too_short():
    vix, spx = _market(200)
    with pytest.raises(ValueError, match=r"implied_vol: window of 21 needs at least 22 quotes, got 2"):
        regimes.origin_frame(vix.iloc[:2], spx, 21)


def test_rule_terciles_index_and_labels():
    x = _dated(np.arange(10.0))
    with pytest.raises(TypeError, match="x: the index must be a DatetimeIndex"):
        regimes.terciles(x.reset_index(drop=True))
    with pytest.raises(ValueError, match="x: tz-aware index"):
        regimes.terciles(x.tz_localize("UTC"))
    with pytest.raises(TypeError, match="x: booleans are not numbers"):
        regimes.terciles(x > 3)
    with pytest.raises(TypeError, match="labels: expected a list or tuple"):
        regimes.terciles(x, labels="abc")
    with pytest.raises(ValueError, match="labels: need 3 distinct labels"):
        regimes.terciles(x, labels=("a", "a", "b"))


def test_rule_regime_table_values_and_frame():
    vix, spx = _market(300)
    fr = regimes.origin_frame(vix, spx, 21)
    lab = regimes.terciles(fr["implied"])
    shifted = fr["implied"].copy()
    shifted.index = shifted.index + pd.Timedelta(days=1000)
    with pytest.raises(ValueError, match="values: the index must equal frame's origin dates"):
        regimes.regime_table(fr, lab, shifted, block=21, n_boot=20)
    with pytest.raises(ValueError, match="values: contains NaN"):
        regimes.regime_table(fr, lab, fr["implied"].where(fr.index != fr.index[5]), block=21, n_boot=20)
    with pytest.raises(TypeError, match="values: booleans are not numbers"):
        regimes.regime_table(fr, lab, fr["implied"] > 20, block=21, n_boot=20)
    bad = fr.copy()
    bad.iloc[3, bad.columns.get_loc("implied")] = np.nan
    with pytest.raises(ValueError, match="frame: NaN or inf on"):
        regimes.regime_difference(bad, lab, "high", "low", block=21, n_boot=20)
    with pytest.raises(ValueError, match="frame: tz-aware index"):
        regimes.crisis_table(fr.tz_localize("UTC"), {"x": fr.index[100]}, 21, 21)
    with pytest.raises(ValueError, match="edge of frame"):
        regimes.crisis_table(fr.iloc[:70], {"x": fr.index[60]}, 21, 21)
    with pytest.raises(ValueError, match=r"after \(21\): window \+ 2 \* after = 63 origin dates.*\(50\)"):
        regimes.crisis_table(fr.iloc[:50], {"x": fr.index[40]}, 21, 21)
    with pytest.raises(ValueError, match=r"window \(10000000\) is longer than frame"):
        regimes.crisis_table(fr, {"x": fr.index[40]}, 10**7, 21)


def test_rule_regime_difference_labels_and_regimes():
    vix, spx = _market(300)
    fr = regimes.origin_frame(vix, spx, 21)
    lab = regimes.terciles(fr["implied"])
    missing = lab.astype(object)
    missing.iloc[4] = None
    with pytest.raises(ValueError, match="labels: contains a missing label"):
        regimes.regime_difference(fr, missing, "high", "low", block=21, n_boot=20)
    with pytest.raises(ValueError, match="first: 'top' is not a regime of labels"):
        regimes.regime_difference(fr, lab, "top", "low", block=21, n_boot=20)
    with pytest.raises(ValueError, match="second: None is not a regime of labels"):
        regimes.regime_difference(fr, lab, "high", None, block=21, n_boot=20)


def test_rule_negative_spells_dated_numbers():
    v = _dated([1.0, -1.0, -2.0, 1.0])
    with pytest.raises(ValueError, match="vrp_series: duplicate date"):
        regimes.negative_spells(pd.concat([v.iloc[:2], v.iloc[1:]]))
    with pytest.raises(TypeError, match="vrp_series: booleans are not numbers"):
        regimes.negative_spells(v > 0)


def test_rule_styled_switches_and_text():
    df = pd.DataFrame({"Mean (vol points)": [1.5, -2.25]}, index=["a", "b"])
    with pytest.raises(TypeError, match="formats: expected a format string"):
        regimes.styled(df, None, "t")
    with pytest.raises(TypeError, match="hide_index must be True or False"):
        regimes.styled(df, "{:.2f}", "t", hide_index="False")
    with pytest.raises(TypeError, match="na_rep must be a string"):
        regimes.styled(df, "{:.2f}", "t", na_rep=None)


def test_rule_swap_arrays_numbers_and_units():
    with pytest.raises(ValueError, match="implied: median .* looks like a price level"):
        regimes.swap_values(np.full(30, 2000.0), np.full(30, 1e-4), 21)
    with pytest.raises(ValueError, match="implied: every value is below 1.5"):
        regimes.swap_values(np.full(30, 0.2), np.full(30, 1e-4), 21)
    with pytest.raises(ValueError, match="sq_returns: contains NaN"):
        regimes.swap_values(np.full(30, 20.0), np.r_[np.nan, np.full(29, 1e-4)], 21)
    with pytest.raises(TypeError, match="sq_returns: booleans are not numbers"):
        regimes.swap_values(np.full(30, 20.0), np.ones(30, dtype=bool), 21)
    with pytest.raises(TypeError, match="settlement: booleans are not numbers"):
        regimes.calendar_pnl(np.ones(50, dtype=bool), 21)
    hold, close = regimes.swap_values(np.full(30, 20.0), np.full(30, 1e-4), 5)
    taken, age = np.ones(len(hold), dtype=bool), np.full(len(hold), 5)
    for name, bad in (("hold", np.nan), ("close", np.inf)):
        h, c = hold.copy(), close.copy()
        (h if name == "hold" else c)[2, 3] = bad
        with pytest.raises(ValueError, match=f"{name}: contains"):
            regimes.ladder_pnl(h, c, taken, age)
    with pytest.raises(TypeError, match="hold: booleans are not numbers"):
        regimes.ladder_pnl(hold > 0, close, taken, age)


def test_rule_monthly_sum_daily_and_dates():
    dates = pd.bdate_range("2020-01-01", periods=40)
    with pytest.raises(ValueError, match="daily: contains NaN"):
        regimes.monthly_sum(np.r_[np.nan, np.zeros(39)], dates)
    with pytest.raises(TypeError, match="dates: expected a DatetimeIndex"):
        regimes.monthly_sum(np.zeros(40), None)
    with pytest.raises(ValueError, match="dates: tz-aware index"):
        regimes.monthly_sum(np.zeros(40), dates.tz_localize("UTC"))
    with pytest.raises(ValueError, match="dates: dates are not sorted"):
        regimes.monthly_sum(np.zeros(40), dates[::-1])


def test_rule_filter_flags_series_units_and_grid():
    vix, spx = _market(200)
    with pytest.raises(ValueError, match="implied_vol: every value is below 1.5"):
        regimes.filter_flags(vix / 100, spx, (5,), (1,), (0.0,))
    shifted = vix.copy()
    shifted.index = shifted.index + pd.Timedelta(days=2000)
    with pytest.raises(ValueError, match="have no date in common"):
        regimes.filter_flags(shifted, spx, (5,), (1,), (0.0,))
    with pytest.raises(ValueError, match="implied_vol: trailing_windows of 10 needs at least 11 quotes"):
        regimes.filter_flags(vix.iloc[:5], spx, (5, 10), (1,), (0.0,))
    with pytest.raises(ValueError, match="trailing_windows: is empty"):
        regimes.filter_flags(vix, spx, (), (1,), (0.0,))
    with pytest.raises(TypeError, match="days: expected a list of integers"):
        regimes.filter_flags(vix, spx, (5,), None, (0.0,))
    with pytest.raises(ValueError, match="reentry_spreads must be finite"):
        regimes.filter_flags(vix, spx, (5,), (1,), (np.nan,))


def test_rule_judge_filters_frame_days():
    vix, spx = _market(200)
    ret = np.log(spx).diff()
    days = pd.DataFrame({"implied": vix, "sq_return": (ret**2).fillna(0.0), "origin": True},
                        index=vix.index)
    flags = regimes.filter_flags(vix, spx, (5,), (1,), (0.0,))
    with pytest.raises(TypeError, match="frame_days: got None; pass a pandas DataFrame"):
        regimes.judge_filters(None, flags)
    with pytest.raises(ValueError, match="frame_days: tz-aware index"):
        regimes.judge_filters(days.tz_localize("UTC"), flags)
    with pytest.raises(ValueError, match="frame_days: dates are not sorted"):
        regimes.judge_filters(days.iloc[::-1], flags)
    nan = days.copy()
    nan.iloc[7, 0] = np.nan
    with pytest.raises(ValueError, match=r"frame_days\['implied'\]: contains NaN"):
        regimes.judge_filters(nan, flags)
    with pytest.raises(ValueError, match="frame_days: window of 21 needs at least 63 days"):
        regimes.judge_filters(days.iloc[:40], flags)


def test_rule_tenor_table_paths_and_tenors():
    p = models.BatesParams(kappa=2.0, theta=0.03, xi=0.4, rho=-0.7, lam=0.5, mu_j=-0.03, sigma_j=0.06)
    sim = models.simulate(p, p, 60, 2, seed=1, v0=0.03)
    with pytest.raises(TypeError, match="paths: expected simulated ModelPaths"):
        regimes.tenor_table("abc", p, p, tenors=(21,))
    with pytest.raises(TypeError, match="tenors must be an integer"):
        regimes.tenor_table(sim, p, p, tenors=(np.nan,))
    with pytest.raises(TypeError, match="tenors: expected a list of integers"):
        regimes.tenor_table(sim, p, p, tenors=None)


# ------------------------------------------------------------- no silent results (bounds)

def test_rule_swap_values_annualization_bounded():
    """annualization=0 dropped the realized leg (the swap paid K/2 whatever happened): refused,
    as are a fraction of a day, an absurd count, NaN, inf and booleans."""
    vix, spx = _market(80)
    days = _days(vix, spx)
    iv, r2 = days["implied"].to_numpy(), days["sq_return"].to_numpy()
    hold, _ = regimes.swap_values(iv, r2, 21, 0.0, annualization=252.0)
    # the settlement by hand: (K^2 - 100^2 * 252 / 21 * sum r^2) / (2K), an independent sum
    k = iv[0]
    assert hold[0, -1] == pytest.approx((k**2 - 1e4 * 252 / 21 * r2[1:22].sum()) / (2 * k), rel=1e-12)
    for bad in (0, -252.0, 0.5, 366 * 24 + 1, 1e7):
        with pytest.raises(ValueError, match=r"annualization must lie in \[1, 8,784\]"):
            regimes.swap_values(iv, r2, 21, 0.0, annualization=bad)
    for bad in (np.nan, np.inf):
        with pytest.raises(ValueError, match="annualization must be finite"):
            regimes.swap_values(iv, r2, 21, 0.0, annualization=bad)
    with pytest.raises(TypeError, match="annualization must be a number, got the boolean True"):
        regimes.swap_values(iv, r2, 21, 0.0, annualization=True)
    assert np.array_equal(regimes.swap_values(iv, r2, 21.0, 0.0, 252)[0], hold)  # 21.0 is 21


def test_rule_tenor_table_days_per_year_and_long_tenors():
    p = models.BatesParams(kappa=2.0, theta=0.03, xi=0.4, rho=-0.7, lam=0.5, mu_j=-0.03, sigma_j=0.06)
    sim = models.simulate(p, p, 130, 2, seed=1, v0=0.03)
    for bad in (0, -252, 0.5, 1e7):  # 0 raised ZeroDivisionError
        with pytest.raises(ValueError, match=r"days_per_year must lie in \[1, 8,784\]"):
            regimes.tenor_table(sim, p, p, tenors=(21,), days_per_year=bad)
    with pytest.raises(ValueError, match=r"tenors: a tenor of 50 days needs 3 rolls \(150 days\); the paths hold 130"):
        regimes.tenor_table(sim, p, p, tenors=(21, 50))
    with pytest.raises(ValueError, match="tenors: a tenor of 10000000 days"):
        regimes.tenor_table(sim, p, p, tenors=(10**7,))


def test_rule_windows_longer_than_the_data_named():
    vix, spx = _market(120)
    with pytest.raises(ValueError, match="prices: trailing_window of 200 needs at least 201 prices, got 120"):
        regimes.origin_frame(vix, spx, 21, trailing_window=200)
    fr = regimes.origin_frame(vix, spx, 21)
    with pytest.raises(ValueError, match=r"min_length \(1000\) is longer than vrp_series \(99 origin dates\)"):
        regimes.negative_spells(fr["vrp"], min_length=1000)
    with pytest.raises(ValueError, match="implied_vol: days of 500 needs at least 500 quotes, got 120"):
        regimes.filter_flags(vix, spx, (5,), (1, 500), (0.0,))
    with pytest.raises(ValueError, match="implied_vol: trailing_windows of 10000000 needs"):
        regimes.filter_flags(vix, spx, (5, 10**7), (1,), (0.0,))
    with pytest.raises(ValueError, match="fewer than two rolls of window = 100 days"):
        regimes.calendar_pnl(np.zeros(120), window=100)


def test_rule_regime_bootstrap_sizes_raise_at_once():
    import time

    vix, spx = _market(300)
    fr = regimes.origin_frame(vix, spx, 21)
    lab = regimes.terciles(fr["implied"])
    t0 = time.perf_counter()
    with pytest.raises(ValueError, match=r"n_boot \(10,000,000\) is above 100,000"):
        regimes.regime_table(fr, lab, block=21, n_boot=10**7)
    with pytest.raises(ValueError, match=r"n_boot \(10,000,000\) is above 100,000"):
        regimes.regime_difference(fr, lab, "high", "low", block=21, n_boot=10**7)
    assert time.perf_counter() - t0 < 1.0  # raised before drawing anything (ran for 18 s)


def test_rule_frame_trailing_nan_only_at_the_start():
    """origin_frame leaves NaN in 'trailing' on the leading dates only: NaN later, or inf, is bad input."""
    vix, spx = _market(300)
    fr = regimes.origin_frame(vix, spx, 21)
    lab = regimes.terciles(fr["implied"])
    assert fr["trailing"].iloc[:20].isna().all()
    regimes.regime_difference(fr, lab, "high", "low", block=21, n_boot=20)  # leading NaN: valid
    for bad in (np.nan, np.inf, -np.inf):
        f = fr.copy()
        f.iloc[100, f.columns.get_loc("trailing")] = bad
        with pytest.raises(ValueError, match="frame: (NaN|inf) in column 'trailing'"):
            regimes.regime_difference(f, lab, "high", "low", block=21, n_boot=20)
        with pytest.raises(ValueError, match="frame: (NaN|inf) in column 'trailing'"):
            regimes.crisis_table(f, {"x": fr.index[100]}, 21, 21)


# ------------------------------------------------------ real-time terciles, three forms

def test_realtime_terciles_match_loop():
    rng = np.random.default_rng(8)
    idx = pd.bdate_range("2010-01-01", periods=400)
    x = pd.Series(np.round(rng.normal(20, 5, 400), 1), index=idx)   # rounded: ties happen
    got = regimes.realtime_terciles(x, min_history=50)
    assert got.index.equals(idx[50:])
    ref = []
    for t in range(50, 400):
        q1, q2 = np.quantile(x.to_numpy()[:t], [1 / 3, 2 / 3])
        v = x.iloc[t]
        ref.append("high" if v >= q2 else "middle" if v >= q1 else "low")
    assert list(got.astype(str)) == ref
    with pytest.raises(ValueError, match="min_history"):
        regimes.realtime_terciles(x, min_history=400)


def test_regime_forms_against_direct_and_bootstrap():
    vix, spx = _market(600)
    fr = regimes.origin_frame(vix, spx, 21, give_up=0.75)
    lab = regimes.terciles(fr["implied"])
    forms = regimes.regime_forms(fr, lab, block=42, n_boot=200, seed=3)
    table = regimes.regime_table(fr, lab, block=42, n_boot=200, seed=3)
    idx = bootstrap.block_indices(len(fr), 42, 200, seed=3)
    pnl = fr["pnl"].to_numpy()
    for reg in ("low", "middle", "high"):
        m = (lab == reg).to_numpy()
        assert forms.loc[reg, "Origin days"] == m.sum()
        assert forms.loc[reg, "Premium (vol points)"] == pytest.approx(fr["vrp"][m].mean(), rel=1e-12)
        assert forms.loc[reg, "SE of premium"] == pytest.approx(table.loc[reg, "SE of premium"], rel=1e-9)
        lg = np.log(fr["implied"] / fr["realized"])[m]
        assert forms.loc[reg, "Log premium ln(VIX/RV)"] == pytest.approx(lg.mean(), rel=1e-12)
        sh = pnl[m].mean() / pnl[m].std(ddof=1) * np.sqrt(12)
        assert forms.loc[reg, "Sharpe ratio of P&L (annualized)"] == pytest.approx(sh, rel=1e-12)
        # the SE from the resampled sums equals a direct bootstrap on the same draws
        draws = []
        for row in idx:
            x = pnl[row][m[row]]
            draws.append(x.mean() / x.std(ddof=1) * np.sqrt(12))
        assert forms.loc[reg, "SE of Sharpe ratio"] == pytest.approx(np.std(draws, ddof=1), rel=1e-8)
    d, se = regimes.regime_difference(fr, lab, "high", "low", "sharpe", block=42, n_boot=200, seed=3)
    assert d == pytest.approx(forms.loc["high", "Sharpe ratio of P&L (annualized)"]
                              - forms.loc["low", "Sharpe ratio of P&L (annualized)"], rel=1e-12)
    assert se > 0
    d, _ = regimes.regime_difference(fr, lab, "high", "low", "log", block=42, n_boot=200, seed=3)
    assert d == pytest.approx(forms.loc["high", "Log premium ln(VIX/RV)"]
                              - forms.loc["low", "Log premium ln(VIX/RV)"], rel=1e-12)


def test_swap_values_buyback_multiple():
    vix, spx = _market(200)
    r2 = np.concatenate([[0.0], np.diff(np.log(spx.to_numpy())) ** 2])
    iv = vix.to_numpy()
    hold, close = regimes.swap_values(iv, r2, 21, 0.5)
    hold2, close2 = regimes.swap_values(iv, r2, 21, 0.5, buyback_multiple=1.0)
    np.testing.assert_array_equal(close, close2)
    h12, c12 = regimes.swap_values(iv, r2, 21, 0.5, buyback_multiple=1.2)
    np.testing.assert_array_equal(hold, h12)
    # by hand: swap opened on day 10, bought back at age 7, remaining variance at 1.2 IV + 0.5
    i, s, k = 10, 7, iv[10] - 0.5
    realized_part = 1e4 * 252 / 21 * r2[i + 1:i + s + 1].sum()
    ref = (k**2 - realized_part - (1 - s / 21) * (1.2 * iv[i + s] + 0.5) ** 2) / (2 * k)
    assert c12[i, s] == pytest.approx(ref, rel=1e-12)
    np.testing.assert_allclose(c12[:, -1], hold[:, -1])          # settlement does not buy back
    with pytest.raises(ValueError, match="buyback_multiple"):
        regimes.swap_values(iv, r2, 21, 0.5, buyback_multiple=0.8)


def test_forms_table_rows_equal_regime_forms_and_differences():
    vix, spx = _market(900)
    fr = regimes.origin_frame(vix, spx, 21, give_up=0.75)
    full = regimes.terciles(fr["implied"])
    live = regimes.realtime_terciles(fr["implied"], min_history=100)
    roll_dates = st.rolls(vix, spx, window=21).index
    kw = {"block": 42, "n_boot": 200, "seed": 3}
    t = regimes.forms_table(fr, {"full": full, "live": live}, roll_dates, roll_block=6, **kw)
    assert list(t.index.get_level_values("form")) == list(regimes.FORM_ROWS) * 2
    assert list(t.columns) == ["low", "SE (low)", "middle", "SE (middle)", "high", "SE (high)",
                               "high minus low", "SE (difference)"]
    for name, lab in (("full", full), ("live", live)):
        sub = fr.loc[lab.index]
        forms = regimes.regime_forms(sub, lab, **kw)
        for form, col in zip(regimes.FORM_ROWS[:3], (1, 3, 5)):
            row = t.loc[(name, form)]
            for reg in ("low", "middle", "high"):
                assert row[reg] == forms.loc[reg].iloc[col]
                assert row[f"SE ({reg})"] == forms.loc[reg].iloc[col + 1]
        d, se = regimes.regime_difference(sub, lab, "high", "low", "log", **kw)
        assert t.loc[(name, regimes.FORM_ROWS[1]), ["high minus low", "SE (difference)"]].tolist() == [d, se]
        # the monthly row: one calendar of rolls, each with its origin date's label, by hand
        on = roll_dates[roll_dates.isin(lab.index)]
        pnl = st.short_variance_swap(vix.reindex(on), st.rolls(vix, spx, window=21).loc[on, "realized"],
                                     1.0, costs=st.Costs(bid_ask=1.0, slippage=0.25))
        row = t.loc[(name, regimes.FORM_ROWS[3])]
        for reg in ("low", "high"):
            x = pnl[(lab.loc[on] == reg).to_numpy()]
            assert row[reg] == pytest.approx(x.mean() / x.std(ddof=1) * np.sqrt(12), rel=1e-9)
        assert row["high minus low"] == pytest.approx(row["high"] - row["low"], rel=1e-12)
        assert row["SE (difference)"] > 0
    no_rolls = regimes.forms_table(fr, {"full": full}, **kw)
    assert list(no_rolls.index.get_level_values("form")) == list(regimes.FORM_ROWS[:3])
    with pytest.raises(ValueError, match="roll_dates"):
        regimes.forms_table(fr, {"full": full}, roll_dates=spx.index[-3:], **kw)
    with pytest.raises(ValueError, match="origin dates of frame"):
        regimes.forms_table(fr, {"full": full.set_axis(full.index + pd.Timedelta(days=1000))}, **kw)
    with pytest.raises(TypeError, match="labelings"):
        regimes.forms_table(fr, [full], **kw)
    with pytest.raises(TypeError, match="labelings\\['full'\\]"):
        regimes.forms_table(fr, {"full": list(full)}, **kw)


def test_calendar_sharpe_gaps_equal_a_loop_over_strategies_rolls():
    vix, spx = _market(900)
    fr = regimes.origin_frame(vix, spx, 21, give_up=0.75)
    lab = regimes.terciles(fr["implied"])
    got = regimes.calendar_sharpe_gaps(fr, lab, spx)
    assert list(got.index) == list(range(21)) and got.name == "high minus low"
    for k in range(21):
        r = st.rolls(vix, spx, window=21, offset=k)
        pnl = st.short_variance_swap(r["implied"], r["realized"], 1.0,
                                     costs=st.Costs(bid_ask=1.0, slippage=0.25))
        reg = lab.reindex(r.index).to_numpy()
        sr = {c: pnl[reg == c].mean() / pnl[reg == c].std(ddof=1) * np.sqrt(12) for c in ("low", "high")}
        assert got[k] == pytest.approx(sr["high"] - sr["low"], rel=1e-9)
    flip = regimes.calendar_sharpe_gaps(fr, lab, spx, first="high", last="low")
    np.testing.assert_allclose(flip.to_numpy(), -got.to_numpy(), rtol=1e-12)
    with pytest.raises(ValueError, match="first"):
        regimes.calendar_sharpe_gaps(fr, lab, spx, first="top")
    with pytest.raises(ValueError, match="trading day of prices"):
        regimes.calendar_sharpe_gaps(fr, lab, spx.iloc[::2])
    with pytest.raises(TypeError, match="labels"):
        regimes.calendar_sharpe_gaps(fr, lab.to_numpy(), spx)


def test_shared_bootstrap_draws_equal_the_library_standard_errors():
    rng = np.random.default_rng(5)
    boot = regimes._BootSE(12, 300, 4)
    for n in (120, 121, 120):                       # a length seen twice reuses its draws
        a = 20 * rng.standard_t(4, n) + 3.0
        assert boot.sharpe(a, 12) == pytest.approx(risk.sharpe_se(a, 12, "bootstrap", 12, 300, 4),
                                                   rel=1e-11)
        assert boot.mean(a, 12) == pytest.approx(risk.mean_se(a, 12, 12, 300, 4), rel=1e-11)
    assert sorted(boot._starts) == [120, 121]
    with pytest.raises(ValueError, match="zero variance|constant|undefined"):
        boot.sharpe(np.ones(120), 12)


def test_filter_flags_equal_strategies_regime_filter_cell_by_cell():
    vix, spx = _market(700, seed=3)
    flags = regimes.filter_flags(vix, spx, trailing_windows=(5, 21), days=(1, 3), reentry_spreads=(0.0, 2.0))
    assert len(flags) == 8 and any(not f.all() for f in flags.values())   # some filter steps out
    for (tw, d, sp), got in flags.items():
        tv = realized.trailing_realized_vol(spx, tw).reindex(vix.index)
        ref = st.regime_filter(vix.to_numpy(), tv.to_numpy(), days=d, reentry_spread=sp)
        np.testing.assert_array_equal(got, ref)


def test_monthly_sum_equals_pandas_resample_exactly():
    rng = np.random.default_rng(2)
    idx = pd.bdate_range("2001-01-01", periods=900)
    for dates in (idx, idx[::40], idx[7:8]):          # every 40th day leaves months empty (0)
        d = rng.standard_t(3, len(dates)) * 3
        ref = pd.Series(d, index=dates).resample("ME").sum()
        pd.testing.assert_series_equal(regimes.monthly_sum(d, dates), ref, check_exact=True)


@pytest.mark.parametrize("seed", range(6))
def test_filter_states_from_event_days_equal_the_daily_recursion(seed):
    rng = np.random.default_rng(seed)
    n = 600
    iv = 15 + np.cumsum(rng.normal(0, 1, n)).clip(-10, 30)
    tv = np.abs(iv + rng.normal(0, 3, n))
    tv[:rng.integers(0, 30)] = np.nan                     # the leading days without a trailing value
    run = regimes._breach_run(np.nan_to_num(tv, nan=-np.inf) > iv)
    for d in (1, 2, 3, 10):
        for sp in (-1.0, 0.0, 2.0):                        # a negative spread re-enters during a breach
            got = regimes._in_market(np.flatnonzero(run >= d),
                                     np.flatnonzero((iv - np.nan_to_num(tv, nan=np.inf)) > sp), n)
            np.testing.assert_array_equal(got, st.regime_filter(iv, tv, days=d, reentry_spread=sp))
