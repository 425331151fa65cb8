"""vrp_lib.realized: pinned to hand computations, closed forms and properties."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from vrp_lib import realized


def _prices(values, start="2020-01-01"):
    return pd.Series(values, index=pd.bdate_range(start, periods=len(values)), dtype=float)


def test_log_returns():
    r = realized.log_returns(_prices([100, 110, 99]))
    np.testing.assert_allclose(r.to_numpy(), [math.log(1.1), math.log(0.9)])
    assert r.index[0] == pd.Timestamp("2020-01-02")


def test_forward_window_lies_strictly_after_t():
    # Constant prices, then one jump of 1 % log return on day 5 (index 5).
    p = _prices(np.exp(np.r_[np.zeros(5), np.full(10, 0.01)]))
    rv = realized.forward_realized_vol(p, window=3, annualization=252)
    expected = 100 * math.sqrt(252 / 3 * 0.01**2)
    # the only non-zero return is on day 5: windows dated 2 (days 3-5), 3 and 4 (days 5-7) hold it
    np.testing.assert_allclose(rv.iloc[2:5].to_numpy(), expected)
    assert rv.iloc[1] == 0.0                       # days 2, 3, 4: before the jump
    assert rv.iloc[5] == 0.0                       # days 6, 7, 8: the window starts after day 5
    assert rv.iloc[-3:].isna().all()               # fewer than 3 returns follow
    assert rv.notna().sum() == len(p) - 3


def test_forward_equals_trailing_shifted():
    rng = np.random.default_rng(1)
    p = _prices(100 * np.exp(np.cumsum(rng.normal(0, 0.01, 300))))
    fwd = realized.forward_realized_vol(p, 21)
    trail = realized.trailing_realized_vol(p, 21)
    pd.testing.assert_series_equal(fwd, trail.shift(-21), check_names=False)


@given(sigma=st.floats(0.001, 0.05), n=st.integers(1, 60))
def test_constant_absolute_return_gives_closed_form(sigma, n):
    # Alternating +sigma / -sigma log returns: realized vol is exactly 100 sigma sqrt(252).
    r = np.where(np.arange(n + 1) % 2 == 0, sigma, -sigma)
    p = _prices(100 * np.exp(np.cumsum(r)))
    rv = realized.forward_realized_vol(p, window=n)
    assert rv.iloc[0] == pytest.approx(100 * sigma * math.sqrt(252), rel=1e-9)


def _direct_forward(p, window, annualization=252):
    """The forward definition summed window by window with math.fsum (exactly rounded)."""
    r2 = np.diff(np.log(p.to_numpy())) ** 2
    out = np.full(len(p), np.nan)
    for t in range(len(p) - window):
        out[t] = 100 * math.sqrt(annualization / window * math.fsum(r2[t:t + window]))
    return out


def _assert_rel(got, ref, rel):
    both = ~np.isnan(ref)
    assert (np.isnan(got) == ~both).all()
    scale = np.where(ref[both] == 0, 1.0, np.abs(ref[both]))
    err = np.abs(got[both] - ref[both]) / scale
    assert err.max(initial=0.0) <= rel, f"relative error {err.max():.3g}"


def test_forward_and_trailing_hand_values():
    # r = ln 1.1, ln 0.9, 0, ln 1.1; window 2, 252 days a year
    p = _prices([100.0, 110.0, 99.0, 99.0, 108.9])
    a, b = math.log(1.1), math.log(0.9)
    fwd = realized.forward_realized_vol(p, window=2)
    expected = [100 * math.sqrt(126 * (a * a + b * b)), 100 * math.sqrt(126 * b * b), 100 * math.sqrt(126 * a * a)]
    np.testing.assert_allclose(fwd.iloc[:3].to_numpy(), expected, rtol=1e-14)
    assert fwd.iloc[3:].isna().all() and fwd.name == "realized_vol" and fwd.index.name == "date"
    trail = realized.trailing_realized_vol(p, window=2)
    np.testing.assert_allclose(trail.iloc[2:].to_numpy(), expected, rtol=1e-14)
    assert trail.iloc[:2].isna().all() and trail.name == "trailing_vol"
    assert p.index.name is None          # the caller's index is not renamed


def test_calm_window_after_a_crash_keeps_its_digits():
    # a -20 % day, then 2,000 calm days of 0.01 %: a cumulative sum of squares differenced
    # (c[t+w] - c[t]) would lose ~8 digits of each calm window (4e-2 carried against 2e-7)
    r = np.r_[0.0, -0.2, np.tile([1e-4, -1e-4], 1000)]
    p = _prices(100 * np.exp(np.cumsum(r)))
    for w in (1, 21, 63, 252):
        _assert_rel(realized.forward_realized_vol(p, w).to_numpy(), _direct_forward(p, w), 1e-12)


@given(r=st.lists(st.one_of(st.floats(-0.3, 0.3), st.floats(-1e-5, 1e-5), st.just(0.0)), min_size=2, max_size=300),
       data=st.data())
def test_forward_within_1e12_of_a_direct_windowed_sum(r, data):
    # binary-doubling window sums add non-negative terms only: within ~2 log2(w) eps, far below 1e-12
    window = data.draw(st.integers(1, len(r) - 1))
    p = _prices(100 * np.exp(np.cumsum(r)))
    ref = _direct_forward(p, window)
    _assert_rel(realized.forward_realized_vol(p, window).to_numpy(), ref, 1e-12)
    trail = realized.trailing_realized_vol(p, window).to_numpy()
    _assert_rel(trail[window:], ref[:len(p) - window], 1e-12)


def test_integral_float_window_is_the_integer():
    p = _prices(100 + np.arange(40.0))
    pd.testing.assert_series_equal(realized.forward_realized_vol(p, 21.0, 252.0), realized.forward_realized_vol(p, 21))


def test_realized_vol_block():
    assert realized.realized_vol([0.01, -0.01, 0.01, -0.01]) == pytest.approx(100 * 0.01 * math.sqrt(252))
    with pytest.raises(ValueError, match="returns: is empty"):
        realized.realized_vol([])
    with pytest.raises(ValueError, match="returns: contains NaN"):
        realized.realized_vol([0.01, np.nan])
    with pytest.raises(ValueError, match="returns: contains an infinite value"):
        realized.realized_vol([0.01, np.inf])
    with pytest.raises(TypeError, match="returns: booleans are not numbers"):
        realized.realized_vol([True, False])


def test_range_estimators_closed_form():
    # H/L = e^0.02 every day and C = O: Parkinson daily var = 0.02^2 / (4 ln 2),
    # Garman-Klass daily var = 0.5 * 0.02^2.
    idx = pd.bdate_range("2020-01-01", periods=30)
    ohlc = pd.DataFrame({"open": 100.0, "high": 100 * math.exp(0.01), "low": 100 * math.exp(-0.01),
                         "close": 100.0}, index=idx)
    pk = realized.parkinson_vol(ohlc, window=10)
    gk = realized.garman_klass_vol(ohlc, window=10)
    assert pk.iloc[-1] == pytest.approx(100 * math.sqrt(252 * 0.02**2 / (4 * math.log(2))))
    assert gk.iloc[-1] == pytest.approx(100 * math.sqrt(252 * 0.5 * 0.02**2))
    assert pk.iloc[:9].isna().all() and pk.iloc[9:].notna().all()


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: _prices([100, -1, 102]), "non-positive price -1.0 on 2020-01-02"),
        (lambda: _prices([100, np.nan, 102]), "missing or non-finite price on 2020-01-02"),
        (lambda: _prices([100, 101, 102]).iloc[[0, 2, 1]], "not sorted"),
        (lambda: pd.concat([_prices([100, 101]), _prices([102], "2020-01-02")]), "duplicate date 2020-01-02"),
        (lambda: pd.Series([100.0, 101.0]), "DatetimeIndex"),
        (lambda: _prices([]), "empty"),
        (lambda: _prices([100, np.inf, 102]), "missing or non-finite price on 2020-01-02"),
        (lambda: _prices([100, 101, 102]).tz_localize("UTC"), r"tz-aware index .*tz_localize\(None\)"),
    ],
)
def test_bad_prices(make, match):
    with pytest.raises(ValueError, match=match):
        realized.forward_realized_vol(make(), window=1)


@pytest.mark.parametrize("window", [0, -3, 2.5, True])
def test_bad_window(window):
    with pytest.raises(ValueError, match="window"):
        realized.trailing_realized_vol(_prices([100, 101, 102]), window=window)


@pytest.mark.parametrize("make, match", [
    (lambda p: p.astype(object).where(p.index != p.index[1], True),
     r"prices: object dtype holding a boolean \(True\) on 2020-01-02"),
    (lambda p: p.astype(object).where(p.index != p.index[1], "101"),
     r"prices: object dtype holding a string \('101'\) on 2020-01-02"),
    (lambda p: p.astype("string"), r"prices: contains strings"),
])
def test_prices_of_the_wrong_dtype(make, match):
    with pytest.raises(TypeError, match=match):
        realized.forward_realized_vol(make(_prices([100, 101, 102])), window=1)


def test_bool_window_is_a_type_error():
    with pytest.raises(TypeError, match="window must be an integer number of observations, got the boolean True"):
        realized.forward_realized_vol(_prices([100, 101, 102]), window=True)


def test_none_prices_named():
    with pytest.raises(TypeError, match="prices: got None"):
        realized.log_returns(None)


@pytest.mark.parametrize("fn", [realized.forward_realized_vol, realized.trailing_realized_vol])
def test_window_longer_than_the_data_raises(fn):
    # a window longer than the data used to give an all-NaN series
    p = _prices(100 + np.arange(40.0))
    with pytest.raises(ValueError, match="prices: window of 63 needs at least 64 prices, got 40"):
        fn(p, window=63)
    assert fn(p, window=39).notna().sum() == 1


def test_range_window_longer_than_the_data_raises():
    idx = pd.bdate_range("2020-01-01", periods=5)
    ohlc = pd.DataFrame({"open": 1.0, "high": 1.1, "low": 0.9, "close": 1.0}, index=idx)
    with pytest.raises(ValueError, match="ohlc: window of 21 needs at least 21 days, got 5"):
        realized.parkinson_vol(ohlc, 21)
    with pytest.raises(ValueError, match=r"ohlc: dates are not sorted"):
        realized.garman_klass_vol(ohlc.iloc[::-1], 2)


@pytest.mark.parametrize("annualization, exc, match", [
    (float("nan"), ValueError, "annualization must be positive and finite, got NaN"),
    (float("inf"), ValueError, "annualization must be positive and finite, got inf"),
    (None, TypeError, "annualization must be a number, got None"),
    ("252", TypeError, "annualization must be a number, got the string '252'"),
    (True, TypeError, "annualization must be a number, got the boolean True"),
    (0, ValueError, "annualization must be positive and finite, got 0"),
    (10**7, ValueError, "annualization must be at most 527,040 periods a year"),
])
def test_bad_annualization(annualization, exc, match):
    with pytest.raises(exc, match=match):
        realized.forward_realized_vol(_prices([100, 101, 102]), window=1, annualization=annualization)


def test_bad_freq():
    p = _prices(100 * np.exp(np.arange(300) * 0.001))
    with pytest.raises(ValueError, match="freq must be a pandas offset alias"):
        realized.return_vol_change_correlation(p, freq="no-such-freq")
    with pytest.raises(TypeError, match="freq must be a string, got None"):
        realized.return_vol_change_correlation(p, freq=None)


def test_bad_ohlc():
    idx = pd.bdate_range("2020-01-01", periods=3)
    ohlc = pd.DataFrame({"open": 1.0, "high": 1.0, "low": 2.0, "close": 1.0}, index=idx)
    with pytest.raises(ValueError, match="high below low on 2020-01-01"):
        realized.parkinson_vol(ohlc, 2)
    with pytest.raises(ValueError, match="missing column"):
        realized.garman_klass_vol(ohlc.drop(columns="open"), 2)


def test_return_vol_change_correlation_hand_series():
    # Daily returns whose size is larger in months that fall: the correlation must be negative;
    # with the signs flipped (volatile months rise) it must be the same size, positive.
    idx = pd.bdate_range("2000-01-03", periods=24 * 21)
    month = np.arange(len(idx)) // 21
    up = month % 2 == 0
    size = np.where(up, 0.005, 0.02)
    sign = np.where(np.arange(len(idx)) % 2 == 0, 1.0, -1.0)
    drift = np.where(up, 0.002, -0.004)
    r = sign * size + drift
    down_vol = realized.return_vol_change_correlation(_prices(100 * np.exp(np.cumsum(r)), "2000-01-03"))
    r2 = sign * size - drift
    up_vol = realized.return_vol_change_correlation(_prices(100 * np.exp(np.cumsum(r2)), "2000-01-03"))
    assert down_vol < -0.5 and up_vol == pytest.approx(-down_vol, abs=0.15)
    with pytest.raises(ValueError, match="prices: only 0 periods have both"):
        realized.return_vol_change_correlation(_prices([100, 101, 102, 103]), window=1)
