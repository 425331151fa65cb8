"""Tests of vrp_lib.correlation against hand computations and pandas."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from vrp_lib import correlation as co


def _prices(n=200, k=4, seed=0, common=0.6):
    rng = np.random.default_rng(seed)
    f = rng.normal(0, 0.01, (n, 1))
    r = common * f + np.sqrt(1 - common**2) * rng.normal(0, 0.01, (n, k))
    idx = pd.bdate_range("2010-01-04", periods=n + 1, name="date")
    return pd.DataFrame(100 * np.exp(np.vstack([np.zeros((1, k)), np.cumsum(r, axis=0)])), index=idx,
                        columns=[f"S{i}" for i in range(k)])


def test_index_vol_two_assets_closed_form():
    # two assets, 20 and 30 vol, equal weights, correlation 0.5
    expected = np.sqrt(0.25 * 400 + 0.25 * 900 + 2 * 0.25 * 0.5 * 20 * 30)
    assert co.index_vol([20.0, 30.0], [0.5, 0.5], 0.5) == pytest.approx(expected)
    assert co.index_vol([20.0, 30.0], [0.5, 0.5], 1.0) == pytest.approx(25.0)   # perfect correlation: mean vol


@given(rho=st.floats(-0.3, 1.0), vols=st.lists(st.floats(5, 80), min_size=2, max_size=6))
def test_implied_correlation_inverts_index_vol(rho, vols):
    w = np.full(len(vols), 1 / len(vols))
    try:
        s = co.index_vol(vols, w, rho)
    except ValueError:
        return  # too negative a correlation for these vols
    assert co.implied_correlation(s, vols, w) == pytest.approx(rho, abs=1e-9)


def test_implied_correlation_frame_and_series():
    vols = pd.DataFrame({"a": [20.0, 40.0], "b": [30.0, 50.0]}, index=pd.bdate_range("2020-01-01", periods=2, name="date"))
    idx_vol = co.index_vol(vols, [0.5, 0.5], 0.3)
    assert isinstance(idx_vol, pd.Series)
    rho = co.implied_correlation(idx_vol, vols, [0.5, 0.5])
    np.testing.assert_allclose(rho.to_numpy(), [0.3, 0.3])
    assert rho.name == "implied_correlation"


@pytest.mark.parametrize("kw,match", [
    (dict(weights=[0.6, 0.6]), "sum to 1"), (dict(weights=[1.0]), "weights"),
    (dict(component_vols=[20.0, -1.0]), "negative"), (dict(component_vols=[20.0]), "two components"),
    (dict(index_vol=np.nan), "index_vol"), (dict(index_vol=[20.0, 21.0]), "index_vol"),
])
def test_implied_correlation_bad_input(kw, match):
    args = dict(index_vol=20.0, component_vols=[20.0, 30.0], weights=[0.5, 0.5])
    args.update(kw)
    with pytest.raises(ValueError, match=match):
        co.implied_correlation(**args)


def test_implied_correlation_misaligned_dates():
    d = pd.bdate_range("2020-01-01", periods=2, name="date")
    vols = pd.DataFrame({"a": [20.0, 40.0], "b": [30.0, 50.0]}, index=d)
    with pytest.raises(ValueError, match="aligned"):
        co.implied_correlation(pd.Series([20.0, 30.0], index=d + pd.Timedelta(days=7)), vols, [0.5, 0.5])


def test_index_vol_bad_input():
    with pytest.raises(ValueError, match="correlation"):
        co.index_vol([20.0, 30.0], [0.5, 0.5], 1.5)
    with pytest.raises(ValueError, match="negative index variance"):
        co.index_vol([20.0, 20.0, 20.0], np.full(3, 1 / 3), -0.9)


def test_average_correlation_matches_pandas():
    px = _prices()
    ac = co.average_correlation(px, window=40)
    r = np.log(px).diff().iloc[1:]
    for end in (39, 120, 199):
        c = r.iloc[end - 39: end + 1].corr().to_numpy()
        expected = (c.sum() - 4) / 12
        assert ac.iloc[end] == pytest.approx(expected, abs=1e-10)
    assert ac.iloc[:39].isna().all() and ac.name == "avg_correlation"
    # a one-factor loading of 0.6 gives a true correlation of 0.36
    assert ac.mean() == pytest.approx(0.36, abs=0.1)


def test_average_correlation_bad_input():
    px = _prices()
    with pytest.raises(ValueError, match="window"):
        co.average_correlation(px, window=2)
    with pytest.raises(ValueError, match="prices: window of 500 needs at least 501 prices, got 201"):
        co.average_correlation(px, window=500)
    with pytest.raises(ValueError, match="two columns"):
        co.average_correlation(px[["S0"]])
    bad = px.copy()
    bad.iloc[5, 1] = -1.0
    with pytest.raises(ValueError, match="non-positive"):
        co.average_correlation(bad)
    with pytest.raises(ValueError, match="DataFrame"):
        co.average_correlation(px["S0"])


def test_realized_correlation_identity():
    px = _prices(n=300)
    rc = co.realized_correlation(px, window=63)
    assert list(rc.columns) == ["index_vol", "avg_member_vol", "correlation"]
    # index vol recomputed from the member vols and the correlation column
    from vrp_lib.realized import trailing_realized_vol
    members = pd.DataFrame({c: trailing_realized_vol(px[c], 63) for c in px.columns}).loc[rc.index]
    np.testing.assert_allclose(co.index_vol(members, np.full(4, 0.25), rc["correlation"].to_numpy()),
                               rc["index_vol"], rtol=1e-10)
    # close to the average pairwise correlation when the members' vols are alike
    ac = co.average_correlation(px, 63).loc[rc.index]
    assert np.abs(rc["correlation"] - ac).mean() < 0.05
    with pytest.raises(ValueError, match="weights"):
        co.realized_correlation(px, weights=[1.0, 0.0, 0.0])


def test_average_correlation_constant_column_raises():
    # it used to report -0.5 for two columns when one is constant
    px = _prices(k=2)
    px["S1"] = 100.0
    with pytest.raises(ValueError, match=r"prices\['S1'\]: constant over the 63-day window ending .*"
                                         "correlation undefined for a constant column"):
        co.average_correlation(px, window=63)
    # constant over one window only, inside the sample
    px = _prices(k=3)
    px.iloc[50:120, 2] = 100.0
    with pytest.raises(ValueError, match=r"prices\['S2'\]: constant over the 40-day window ending 2010-05-10"):
        co.average_correlation(px, window=40)
    # skip: the windows with S2 constant average the one defined pair (S0, S1) only
    ac = co.average_correlation(px, window=40, constant="skip")
    r = np.log(px).diff().iloc[1:]
    end = r.index.get_loc(pd.Timestamp("2010-05-10"))
    expected = r.iloc[end - 39: end + 1][["S0", "S1"]].corr().iloc[0, 1]
    assert ac.iloc[end] == pytest.approx(expected, abs=1e-10)
    assert ac.iloc[end - 1] == pytest.approx((r.iloc[end - 40: end].corr().to_numpy().sum() - 3) / 6, abs=1e-10)
    with pytest.raises(ValueError, match="constant over the 63-day window"):
        co.average_correlation(_prices(k=2).assign(S1=100.0), window=63, constant="skip")
    with pytest.raises(ValueError, match="constant must be one of"):
        co.average_correlation(px, window=40, constant="ignore")


@pytest.mark.parametrize("kw, exc, match", [
    (dict(component_vols=[0.2, 0.3]), ValueError, "component_vols: every value is below 1.5.*pass vol points"),
    (dict(component_vols=[2000.0, 3000.0]), ValueError, "component_vols: median .* looks like a price level"),
    (dict(component_vols=[20.0, np.inf]), ValueError, "component_vols: contains an infinite value"),
    (dict(component_vols="abc"), TypeError, "component_vols: expected numbers"),
    (dict(component_vols=None), TypeError, "component_vols: got None"),
    (dict(component_vols=[20.0, 30.0, 25.0]), ValueError, "weights and component_vols: 2 weights for 3 members"),
    (dict(weights=[True, False]), TypeError, "weights: booleans are not numbers"),
    (dict(correlation=True), TypeError, "correlation must be a number, got the boolean True"),
    (dict(correlation="0.5"), TypeError, "correlation must be a number, got the string '0.5'"),
    (dict(correlation=np.nan), ValueError, "correlation: contains NaN"),
])
def test_index_vol_rules(kw, exc, match):
    args = dict(component_vols=[20.0, 30.0], weights=[0.5, 0.5], correlation=0.5)
    args.update(kw)
    with pytest.raises(exc, match=match):
        co.index_vol(**args)


@pytest.mark.parametrize("index_vol, exc, match", [
    (np.inf, ValueError, "index_vol must be finite, got an infinite value"),
    (0.22, ValueError, "index_vol: every value is below 1.5"),
    (True, TypeError, "index_vol must be a number, got the boolean True"),
    (None, TypeError, "index_vol must be a number, got None"),
])
def test_implied_correlation_index_vol_rules(index_vol, exc, match):
    with pytest.raises(exc, match=match):
        co.implied_correlation(index_vol, [20.0, 30.0], [0.5, 0.5])


def test_frames_with_bad_dates():
    px = _prices(n=100)
    with pytest.raises(ValueError, match=r"prices: tz-aware index .*tz_localize\(None\)"):
        co.stock_returns(px.tz_localize("UTC"))
    with pytest.raises(ValueError, match="prices: duplicate date"):
        co.average_correlation(pd.concat([px.iloc[:50], px.iloc[49:]]), window=20)
    with pytest.raises(ValueError, match="prices: dates are not sorted"):
        co.realized_correlation(px.iloc[::-1], window=20)
    with pytest.raises(ValueError, match="prices: window of 63 needs at least 64 prices, got 40"):
        co.realized_correlation(px.iloc[:40], window=63)
    with pytest.raises(ValueError, match="prices: the series is empty"):
        co.stock_returns(px.iloc[:0])


def test_rule_realized_correlation_annualization_bounded():
    """annualization=1e7 turned the volatilities into 'price levels' and 1e-9 into 'decimals',
    errors that named component_vols: the count itself is checked first, by name."""
    p = _prices(120)
    for bad in (0, -252, 0.5, 1e-9, 366 * 24 + 1, 1e7):
        with pytest.raises(ValueError, match=r"annualization must lie in \[1, 8,784\]"):
            co.realized_correlation(p, 21, annualization=bad)
    # the correlation does not depend on the annualization (it cancels), the vols scale with its root
    a, b = co.realized_correlation(p, 21, annualization=252), co.realized_correlation(p, 21, annualization=365)
    assert np.allclose(a["correlation"], b["correlation"], rtol=1e-12, atol=1e-12)
    assert np.allclose(b["index_vol"] / a["index_vol"], np.sqrt(365 / 252), rtol=1e-12)


def test_average_correlation_at_dates_matches_full_series():
    px = _prices(n=300, k=5)
    full = co.average_correlation(px, window=40)
    r = np.log(px).diff().iloc[1:]
    at = r.index[[0, 38, 39, 150, 299]]  # two before the first full window
    got = co.average_correlation(px, window=40, at=at)
    assert got.name == "avg_correlation" and got.index.equals(at) and got.index.name == "date"
    assert got.iloc[:2].isna().all()
    np.testing.assert_allclose(got.iloc[2:], full.loc[at[2:]], rtol=0, atol=1e-12)
    # independent: pandas' correlation matrix of the window ending at the 151st return
    c = r.iloc[150 - 39: 151].corr().to_numpy()
    assert got.loc[at[3]] == pytest.approx((c.sum() - 5) / 20, abs=1e-12)
    # a list of date strings works like the DatetimeIndex
    assert co.average_correlation(px, window=40, at=[str(d.date()) for d in at]).equals(got)


def test_average_correlation_at_constant_windows():
    px = _prices(k=3)
    px.iloc[50:120, 2] = 100.0  # S2 constant over the returns of rows 51..119
    r = np.log(px).diff().iloc[1:]
    inside, outside = r.index[100], r.index[180]
    with pytest.raises(ValueError, match=rf"prices\['S2'\]: constant over the 40-day window ending "
                                         rf"{inside.date()}"):
        co.average_correlation(px, window=40, at=[inside, outside])
    # the constant window is not asked for: no error
    assert np.isfinite(co.average_correlation(px, window=40, at=[outside]).iloc[0])
    skip = co.average_correlation(px, window=40, constant="skip", at=[inside, outside])
    full = co.average_correlation(px, window=40, constant="skip")
    np.testing.assert_allclose(skip, full.loc[[inside, outside]], atol=1e-12)


@pytest.mark.parametrize("at,match", [
    (["2010-01-04"], "at: 2010-01-04 is not a return date"),          # the first price date
    (["2011-06-01", "2010-06-01"], "not sorted"),
    (["2010-06-01", "2010-06-01"], "duplicate date 2010-06-01"),
    ([], "at: is empty"),
    (["not a date"], "at: expected a sequence of dates"),
    (pd.DatetimeIndex(["2010-06-01"]).tz_localize("UTC"), "time-zone aware"),
    ([pd.NaT], "NaT"),
])
def test_average_correlation_at_bad_input(at, match):
    with pytest.raises(ValueError, match=match):
        co.average_correlation(_prices(), window=40, at=at)


@pytest.mark.parametrize("at", [5, 2.5, "2010-06-01", True, pd.Series([1.0])])
def test_average_correlation_at_wrong_type(at):
    with pytest.raises(TypeError, match="at"):
        co.average_correlation(_prices(), window=40, at=at)


def test_pair_correlation_matches_corrcoef():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(50, 30, 4))
    x[..., 1] += 0.5 * x[..., 0]
    got = co.pair_correlation(x, [0, 2], [1, 3])
    assert got.shape == (50, 2)
    want = np.array([[np.corrcoef(s[:, 0], s[:, 1])[0, 1], np.corrcoef(s[:, 2], s[:, 3])[0, 1]] for s in x])
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-14)
    # one sample, one pair: a float; by hand
    s = x[0]
    u, v = s[:, 0] - s[:, 0].mean(), s[:, 1] - s[:, 1].mean()
    one = co.pair_correlation(s, 0, 1)
    assert isinstance(one, float) and one == pytest.approx((u @ v) / np.sqrt((u @ u) * (v @ v)), abs=1e-15)
    assert co.pair_correlation(x, 0, 1).shape == (50,)
    # perfectly related columns: exactly +1 and -1
    line = np.column_stack([np.arange(5.0), 2 * np.arange(5.0) + 1, -np.arange(5.0)])
    assert co.pair_correlation(line, [0, 0], [1, 2]).tolist() == [1.0, -1.0]


@pytest.mark.parametrize("kw,exc,match", [
    (dict(x=np.ones((1, 3))), ValueError, "two rows"),
    (dict(x=np.arange(6.0)), ValueError, "shape"),
    (dict(x=np.array([[1.0, 2.0], [1.0, 3.0], [1.0, 5.0]])), ValueError, "constant"),
    (dict(x=np.array([[1.0, np.nan], [2.0, 3.0]])), ValueError, "x"),
    (dict(first=5), ValueError, "first"),
    (dict(second=-1), ValueError, "second"),
    (dict(first=[0, 1], second=[1]), ValueError, "first and second"),
    (dict(first=0.0), TypeError, "first"),
    (dict(second=True), TypeError, "second"),
    (dict(first="a"), TypeError, "first"),
])
def test_pair_correlation_bad_input(kw, exc, match):
    args = dict(x=np.random.default_rng(0).normal(size=(20, 3)), first=0, second=1)
    args.update(kw)
    with pytest.raises(exc, match=match):
        co.pair_correlation(**args)
