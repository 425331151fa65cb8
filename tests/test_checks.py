"""vrp_lib._checks: one test per input rule, with the message checked."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from vrp_lib import _checks as c


def _s(values, start="2020-01-01"):
    return pd.Series(values, index=pd.bdate_range(start, periods=len(values)), dtype=float)


# --- numbers -------------------------------------------------------------------------


@pytest.mark.parametrize("fn", [c.finite, c.positive, c.nonnegative])
@pytest.mark.parametrize("bad, exc, match", [
    (None, TypeError, "x must be a number, got None"),
    (True, TypeError, "x must be a number, got the boolean True"),
    (np.bool_(False), TypeError, "x must be a number, got the boolean False"),
    ("0.2", TypeError, "x must be a number, got the string '0.2'"),
    ([0.2], TypeError, "x must be a number, got list"),
    (float("nan"), ValueError, "x must be .*finite, got NaN"),
    (float("inf"), ValueError, "x must be .*finite, got .*inf"),
    (float("-inf"), ValueError, "x must be .*finite, got .*inf"),
])
def test_scalar_rules(fn, bad, exc, match):
    with pytest.raises(exc, match=match):
        fn(bad, "x")


def test_none_is_not_reported_as_nan():
    with pytest.raises(TypeError) as info:
        c.finite(None, "r")
    assert "NaN" not in str(info.value) and "got None" in str(info.value)


def test_scalars_accept_numpy_and_int():
    assert c.finite(np.float64(0.5), "x") == 0.5
    assert c.positive(np.int64(3), "x") == 3.0
    assert c.finite(np.array(2.0), "x") == 2.0
    assert c.nonnegative(0, "x") == 0.0


def test_positive_and_range():
    with pytest.raises(ValueError, match="notional must be positive and finite, got -1"):
        c.positive(-1.0, "notional")
    with pytest.raises(ValueError, match="x must be non-negative and finite, got -0.5"):
        c.nonnegative(-0.5, "x")
    with pytest.raises(ValueError, match=r"level must lie in \(0, 1\), got 1"):
        c.in_range(1.0, "level", 0.0, 1.0, lo_open=True, hi_open=True)
    assert c.in_range(0.5, "level", 0.0, 1.0) == 0.5


def test_type_errors_are_also_value_errors():
    # callers written against the earlier checks (which raised ValueError) keep working
    with pytest.raises(ValueError):
        c.finite("abc", "x")
    assert issubclass(c.ArgumentTypeError, TypeError) and issubclass(c.ArgumentTypeError, ValueError)


# --- integers, switches, choices, text -----------------------------------------------


@pytest.mark.parametrize("bad, exc, match", [
    (True, TypeError, "n must be an integer, got the boolean True"),
    (2.0, TypeError, "n must be an integer, got 2.0"),
    ("3", TypeError, "n must be an integer, got the string '3'"),
    (None, TypeError, "n must be an integer, got None"),
    (0, ValueError, "n must be at least 1, got 0"),
])
def test_integer(bad, exc, match):
    with pytest.raises(exc, match=match):
        c.integer(bad, "n", minimum=1)
    assert c.integer(np.int32(4), "n", minimum=1) == 4


@pytest.mark.parametrize("bad", ["False", "True", 0, 1, None, np.nan])
def test_boolean_rejects_truthy_values(bad):
    # compound="False" must not switch an option on
    with pytest.raises(TypeError, match="compound must be True or False, got"):
        c.boolean(bad, "compound")
    assert c.boolean(np.bool_(True), "compound") is True


def test_choice_and_text():
    with pytest.raises(ValueError, match=r"kind must be one of \('call', 'put'\), got 'straddle'"):
        c.choice("straddle", "kind", ("call", "put"))
    with pytest.raises(TypeError, match=r"kind must be one of \('call', 'put'\), got None"):
        c.choice(None, "kind", ("call", "put"))
    with pytest.raises(ValueError, match="label must not be empty"):
        c.text("  ", "label")
    with pytest.raises(TypeError, match="label must be a string, got float"):
        c.text(1.5, "label")


# --- arrays --------------------------------------------------------------------------


@pytest.mark.parametrize("bad, exc, match", [
    (None, TypeError, "x: got None"),
    ("abc", TypeError, "x: expected numbers, got the string 'abc'"),
    ([True, False], TypeError, "x: booleans are not numbers"),
    ([1.0, None], TypeError, "x: contains None, a boolean or a string"),
    ([0.01, True], TypeError, "x: contains None, a boolean or a string"),   # not [0.01, 1.0]
    (["0.04"], TypeError, "x: contains None, a boolean or a string"),       # text, not 0.04
    (np.array(["0.04"]), TypeError, r"x: contains strings \(e.g. '0.04'\)"),
    ([], ValueError, "x: is empty"),
    ([1.0, np.nan], ValueError, r"x: contains NaN \(at position 1\)"),
    ([np.inf, 1.0], ValueError, r"x: contains an infinite value \(at position 0\)"),
    ([1.0, -np.inf], ValueError, r"x: contains an infinite value \(at position 1\)"),
])
def test_array_rules(bad, exc, match):
    with pytest.raises(exc, match=match):
        c.array(bad, "x")


def test_array_signs_and_dims():
    with pytest.raises(ValueError, match=r"x: contains a negative value \(-1\)"):
        c.array([1.0, -1.0], "x", nonneg=True)
    with pytest.raises(ValueError, match=r"x: contains a non-positive value \(0\)"):
        c.array([1.0, 0.0], "x", positive=True)
    with pytest.raises(ValueError, match="x: expected 1-D values, got 2-D"):
        c.array([[1.0]], "x", ndim=1)
    assert np.isnan(c.array([1.0, np.nan], "x", allow_nan=True)[1])


def test_nonneg_array_keeps_its_messages_and_rejects_inf_and_none():
    with pytest.raises(ValueError, match="p: contains NaN"):
        c.nonneg_array([1.0, np.nan], "p")
    with pytest.raises(ValueError, match=r"p: contains a negative value \(-2.0\)"):
        c.nonneg_array([1.0, -2.0], "p")
    with pytest.raises(ValueError, match="p: contains an infinite value"):
        c.nonneg_array([1.0, np.inf], "p")
    with pytest.raises(TypeError, match="p: expected numbers, got None"):
        c.nonneg_array(None, "p")


def test_lengths_must_match():
    assert c.same_length(strikes=[1, 2, 3], prices=[4, 5, 6]) == 3
    with pytest.raises(ValueError, match=r"strikes and prices: lengths differ \(strikes has 3 values, prices has 2\)"):
        c.same_length(strikes=[1, 2, 3], prices=[4, 5])


def test_broadcast_names_the_arguments_instead_of_numpy():
    k, s = c.broadcast(strike=[90.0, 100.0], sigma=0.2)
    assert s.shape == (2,)
    with pytest.raises(ValueError, match=r"strike \(shape \(5,\)\), sigma \(shape \(4,\)\): shapes do not match"):
        c.broadcast(strike=np.ones(5), sigma=np.ones(4))


# --- dated series --------------------------------------------------------------------


@pytest.mark.parametrize("make, exc, match", [
    (lambda: None, TypeError, "p: got None"),
    (lambda: [1.0, 2.0], TypeError, "p: expected a pandas Series with a DatetimeIndex, got list"),
    (lambda: pd.Series([1.0, 2.0]), TypeError, "p: the index must be a DatetimeIndex, got RangeIndex"),
    (lambda: _s([1.0, 2.0]).tz_localize("UTC"), ValueError,
     r"p: tz-aware index \(UTC\); convert with .tz_localize\(None\)"),
    (lambda: _s([]), ValueError, "p: the series is empty"),
    (lambda: _s([1.0, 2.0, 3.0]).iloc[[0, 2, 1]], ValueError, "p: dates are not sorted"),
    (lambda: pd.concat([_s([1.0, 2.0]), _s([3.0], "2020-01-02")]), ValueError, "p: duplicate date 2020-01-02"),
    (lambda: _s([1.0, 2.0]) > 1.5, TypeError, "p: booleans are not numbers"),
    (lambda: _s([1.0, np.inf]), ValueError, "p: missing or non-finite price on 2020-01-02"),
    (lambda: _s([1.0, 0.0]), ValueError, "p: non-positive price 0.0 on 2020-01-02"),
])
def test_price_series_rules(make, exc, match):
    with pytest.raises(exc, match=match):
        c.prices(make(), "p")


def test_vols_reject_inf_and_negative():
    with pytest.raises(ValueError, match="iv: infinite value on 2020-01-02"):
        c.vols(_s([15.0, np.inf]), "iv")
    with pytest.raises(ValueError, match="iv: negative volatility -1.0 on 2020-01-01"):
        c.vols(_s([-1.0, 15.0]), "iv")
    with pytest.raises(ValueError, match="iv: NaN on 2020-01-02"):
        c.vols(_s([15.0, np.nan]), "iv", allow_nan=False)


def test_frame_rules():
    f = pd.DataFrame({"a": [1.0, 2.0]}, index=pd.bdate_range("2020-01-01", periods=2))
    with pytest.raises(ValueError, match=r"ohlc: missing column\(s\) \['high'\]"):
        c.frame(f, "ohlc", columns=["a", "high"])
    with pytest.raises(ValueError, match="ohlc: tz-aware index"):
        c.frame(f.tz_localize("UTC"), "ohlc")
    with pytest.raises(TypeError, match="ohlc: expected a pandas DataFrame"):
        c.frame(f["a"], "ohlc")


def test_overlap_tz_aware_against_naive_is_explained():
    a, b = _s([1.0, 2.0]), _s([1.0, 2.0]).tz_localize("UTC")
    with pytest.raises(ValueError, match=r"vix has a tz-aware index and spx a naive one.*tz_localize\(None\)") as info:
        c.overlap(a, b, "spx", "vix")
    assert "no date in common" not in str(info.value)
    with pytest.raises(ValueError, match=r"spx \(2020-01-01 to 2020-01-02\) and vix \(2021-01-01 to 2021-01-01\) "
                                         "have no date in common"):
        c.overlap(a, _s([1.0], "2021-01-01"), "spx", "vix")


def test_window_longer_than_the_data():
    with pytest.raises(ValueError, match="prices: window of 63 needs at least 64 prices, got 40"):
        c.long_enough(40, 64, "prices", window_value=63)
    c.long_enough(64, 64, "prices", window_value=63)


# --- units ---------------------------------------------------------------------------


def test_vol_points_threshold_for_decimals():
    # all values below 1.5 look like decimals
    with pytest.raises(ValueError, match=r"strike_vol: every value is below 1.5 .*pass vol points \(15.0\)"):
        c.vol_points(0.18, "strike_vol")
    with pytest.raises(ValueError, match="realized_vol: every value is below 1.5"):
        c.vol_points(_s([0.12, 0.2, 1.49]), "realized_vol")
    assert c.vol_points(1.5, "x") == 1.5             # the threshold itself is accepted
    assert c.vol_points([0.0, 0.0], "x") == [0.0, 0.0]  # zeros alone are not judged


def test_vol_points_threshold_for_prices():
    # a median above 200 looks like a price level (an index in the hundreds or thousands)
    with pytest.raises(ValueError, match="implied_vol: median 3000 is above 200, which looks like a price level"):
        c.vol_points(np.array([2900.0, 3000.0, 3100.0]), "implied_vol")
    assert c.vol_points(np.array([15.0, 80.0, 250.0]), "x") is not None   # a spike is a volatility


def test_decimal_vol_threshold():
    # above 5 (500 % a year) looks like vol points
    with pytest.raises(ValueError, match=r"sigma: 15 is above 5 \(500 % a year\), which looks like vol points; "
                                         "pass decimals"):
        c.decimal_vol(15.0, "sigma")
    assert c.decimal_vol(5.0, "sigma") == 5.0


def test_mixed_units_in_one_call_are_caught_by_each_argument():
    c.vol_points(14.0, "realized_vol")
    with pytest.raises(ValueError, match="strike_vol: every value is below 1.5"):
        c.vol_points(0.18, "strike_vol")


@given(st.floats(1.5, 200.0))
def test_plausible_vol_points_pass(v):
    assert c.vol_points(v, "x") == v


# --- dates and masks -----------------------------------------------------------------


def test_date_rules():
    idx = pd.bdate_range("2020-01-01", periods=5)
    assert c.date("2020-01-02", "start", idx) == pd.Timestamp("2020-01-02")
    with pytest.raises(TypeError, match="start must be a date .*got None"):
        c.date(None, "start")
    with pytest.raises(TypeError, match="start must be a date .*got int"):
        c.date(20200102, "start")
    with pytest.raises(ValueError, match="start must be a date, got NaT"):
        c.date(pd.NaT, "start")
    with pytest.raises(ValueError, match="start must be a date .*got 'not-a-date'"):
        c.date("not-a-date", "start")
    with pytest.raises(ValueError, match=r"start: 2020-01-04 is not a date of the data \(2020-01-01 to 2020-01-07\)"):
        c.date("2020-01-04", "start", idx)
    with pytest.raises(ValueError, match="start: tz-aware date"):
        c.date(pd.Timestamp("2020-01-02", tz="UTC"), "start")


def test_mask_rules():
    assert c.mask(np.array([True, False]), "in_market").dtype == bool
    with pytest.raises(TypeError, match="in_market: expected True/False flags, got values of type float64"):
        c.mask(np.array([1.0, np.nan]), "in_market")
    with pytest.raises(TypeError, match="in_market: expected True/False flags"):
        c.mask(pd.Series(["yes", "no"]), "in_market")
    with pytest.raises(TypeError, match="in_market: got None"):
        c.mask(None, "in_market")
    with pytest.raises(ValueError, match="in_market: is empty"):
        c.mask([], "in_market")
