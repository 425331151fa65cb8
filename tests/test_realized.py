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
