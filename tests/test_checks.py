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
    (np.bool_(True), TypeError, "n must be an integer, got the boolean True"),
    (2.5, TypeError, "n must be an integer, got 2.5"),
    (float("nan"), TypeError, "n must be an integer, got nan"),
    (float("inf"), TypeError, "n must be an integer, got inf"),
    ("3", TypeError, "n must be an integer, got the string '3'"),
    (None, TypeError, "n must be an integer, got None"),
    (0, ValueError, "n must be at least 1, got 0"),
    (0.0, ValueError, "n must be at least 1, got 0"),
])
def test_integer(bad, exc, match):
    with pytest.raises(exc, match=match):
        c.integer(bad, "n", minimum=1)
    assert c.integer(np.int32(4), "n", minimum=1) == 4


@pytest.mark.parametrize("fn", [c.integer, c.window])
def test_integral_floats_pass_as_the_integer(fn):
    # 21.0 is the count 21 (a value read from a CSV or computed as 252 / 12); 2.5 is no count
    for value in (21.0, np.float64(21.0), np.float32(21.0)):
        got = fn(value, "window")
        assert got == 21 and type(got) is int
    with pytest.raises(TypeError, match="window must be an integer.*got 21.5"):
        fn(21.5, "window")


@pytest.mark.parametrize("bad, exc, match", [
    (True, TypeError, "window must be an integer number of observations, got the boolean True"),
    (2.5, TypeError, "window must be an integer number of observations, got 2.5"),
    (float("nan"), TypeError, "window must be an integer number of observations, got nan"),
    (float("-inf"), TypeError, "window must be an integer number of observations, got -inf"),
    ("21", TypeError, "window must be an integer number of observations, got the string '21'"),
    (None, TypeError, "window must be an integer number of observations, got None"),
    (0.0, ValueError, "window must be at least 1, got 0"),
])
def test_window(bad, exc, match):
    with pytest.raises(exc, match=match):
        c.window(bad)


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


@pytest.mark.parametrize("bad, match", [
    (np.array([0.01, True], dtype=object), r"x: object dtype holding a boolean \(True\) at position 1; pass floats"),
    (np.array([0.01, "0.02"], dtype=object), r"x: object dtype holding a string \('0.02'\) at position 1"),
    (np.array([None, 0.02], dtype=object), "x: object dtype holding None at position 0"),
    (np.array([True, False], dtype=object), "x: booleans are not numbers"),
    (np.array([0.01, 0.02]) > 0.015, "x: booleans are not numbers"),
    (np.array([b"0.01"]), r"x: contains strings \(e.g. b'0.01'\)"),
    (pd.Series([0.01, 0.02]).astype("string"), r"x: contains strings \(e.g. '0.01'\) of dtype string"),
    (pd.Series([True, None], dtype="boolean"), "x: booleans are not numbers"),
    (pd.Series(["0.5", "1.5"], dtype="category"), r"x: object dtype holding a string \('0.5'\) at position 0"),
    ([0.01, pd.NA], r"x: contains None, a boolean or a string \(a missing value \(<NA>\) at position 1\)"),
    ([[0.01, 0.02], [0.03, "x"]], r"x: contains None, a boolean or a string \(a string \('x'\) at position 3\)"),
    (np.array(["2020-01-01"], dtype="datetime64[D]"), r"x: dates or durations \(datetime64\[D\]\) are not numbers"),
    (np.array([1 + 2j]), "x: complex values are not accepted"),
])
def test_array_refuses_non_numeric_dtypes(bad, match):
    with pytest.raises(TypeError, match=match):
        c.array(bad, "x")
    with pytest.raises(TypeError, match=match.replace("pass floats", "")):
        c.nonneg_array(bad, "x")


def test_object_arrays_of_real_numbers_are_converted():
    got = c.array(np.array([1, 2.5, np.float32(0.5), np.int64(3)], dtype=object), "x")
    assert got.dtype == np.float64 and got.tolist() == [1.0, 2.5, 0.5, 3.0]
    assert c.array(pd.Series([1, 2], dtype="Int64"), "x").tolist() == [1.0, 2.0]
    assert c.array([[1, 2.0], [3, 4]], "x", ndim=2).shape == (2, 2)
    assert np.isnan(c.array(pd.Series([1.0, None], dtype="Float64"), "x", allow_nan=True)[1])


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


def _obj(values, start="2008-10-14"):
    return pd.Series(values, index=pd.bdate_range(start, periods=len(values)), dtype=object)


@pytest.mark.parametrize("check", [c.series, c.prices, c.vols])
@pytest.mark.parametrize("make, match", [
    # one True in a price history turned premium.summary's average from +4.12 to -4.39 (read as 1.0)
    (lambda: _obj([900.0, True, 910.0]), r"p: object dtype holding a boolean \(True\) on 2008-10-15; pass floats"),
    (lambda: _obj([900.0, np.bool_(False), 910.0]), r"p: object dtype holding a boolean \(False\) on 2008-10-15"),
    (lambda: _obj([900.0, "905.5", 910.0]), r"p: object dtype holding a string \('905.5'\) on 2008-10-15"),
    (lambda: _obj([900.0, "n/a", 910.0]), r"p: object dtype holding a string \('n/a'\) on 2008-10-15"),
    (lambda: _obj([900.0, 905.0, None]), "p: object dtype holding None on 2008-10-16"),
    (lambda: _obj([900.0, 905.0, [1.0]]), r"p: object dtype holding a list \('\[1.0\]'\) on 2008-10-16"),
    (lambda: _obj([900.0, 905.0]).astype(float).astype("string"), r"p: contains strings \(e.g. '900.0'\)"),
    (lambda: _obj([900.0, 905.0]).astype(float).astype(str), r"p: contains strings \(e.g. '900.0'\)"),
    (lambda: _obj([True, False]).astype(bool), "p: booleans are not numbers"),
    (lambda: _obj([True, None]).astype("boolean"), "p: booleans are not numbers"),
    (lambda: _obj([True, False]), "p: booleans are not numbers"),
    (lambda: pd.Series(pd.bdate_range("2020-01-01", periods=2), index=pd.bdate_range("2020-01-01", periods=2)),
     "p: dates or durations"),
])
def test_series_refuse_non_numeric_dtypes(check, make, match):
    with pytest.raises(TypeError, match=match):
        check(make(), "p")


def test_series_of_real_numbers_in_object_dtype_are_converted():
    got = c.prices(_obj([900, 905.5, np.int64(910)]), "p")
    assert got.dtype == np.float64 and got.tolist() == [900.0, 905.5, 910.0]
    assert got.index.equals(pd.bdate_range("2008-10-14", periods=3))
    assert c.series(_obj([1, 2]).astype("Int64"), "p").dtype == np.float64


def test_frame_refuses_a_bad_column():
    f = pd.DataFrame({"high": [2.0, 3.0], "low": [1.0, True]}, index=pd.bdate_range("2008-10-14", periods=2))
    assert f["low"].dtype == object
    with pytest.raises(TypeError, match=r"ohlc\['low'\]: object dtype holding a boolean \(True\) on 2008-10-15"):
        c.frame(f, "ohlc")
    with pytest.raises(TypeError, match=r"ohlc\['low'\]: contains strings"):
        c.frame(f.assign(low=["1.0", "2.0"]), "ohlc")
    ok = c.frame(f.assign(low=pd.Series([1, 2.0], index=f.index, dtype=object)), "ohlc")
    assert (ok.dtypes == np.float64).all() and ok["low"].tolist() == [1.0, 2.0]


def test_float_checks_do_not_loop_in_python(monkeypatch):
    # a float64 input never reaches the object-dtype scan (which alone loops over values)
    def boom(*args, **kwargs):
        raise AssertionError("infer_dtype called on a float64 input")

    monkeypatch.setattr(pd.api.types, "infer_dtype", boom)
    s = _s(np.linspace(1.0, 2.0, 1000))
    c.prices(s, "p")
    c.array(s.to_numpy(), "x")
    c.frame(pd.DataFrame({"a": s, "b": s}), "f")


def test_unit_checks_leave_non_numbers_to_the_type_checks():
    # vol_points judges numbers only; a string or a boolean is refused by the caller's type check
    assert c.vol_points("18", "strike_vol") == "18"
    assert c.vol_points(_obj([15.0, True]), "iv") is not None


def test_broadcast_refuses_booleans_and_text():
    with pytest.raises(TypeError, match="sigma: booleans are not numbers"):
        c.broadcast(strike=[90.0, 100.0], sigma=True)
    with pytest.raises(TypeError, match=r"strike: contains None, a boolean or a string \(a string \('90'\)"):
        c.broadcast(strike=["90", 100.0], sigma=0.2)


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


# --- annualization -------------------------------------------------------------------


@pytest.mark.parametrize("good", [1, 12, 52, 252, 365.25, 527_040])
def test_periods_per_year_accepts_plausible_frequencies(good):
    assert c.periods_per_year(good, "annualization") == good


@pytest.mark.parametrize("bad, exc, match", [
    (0, ValueError, "annualization must be positive and finite, got 0"),
    (-252, ValueError, "annualization must be positive and finite, got -252"),
    (10**7, ValueError, "annualization must be at most 527,040 periods a year .one a minute., got 1e"),
    (float("inf"), ValueError, "annualization must be positive and finite, got inf"),
    (True, TypeError, "annualization must be a number, got the boolean True"),
])
def test_periods_per_year_refuses_zero_and_absurd(bad, exc, match):
    with pytest.raises(exc, match=match):
        c.periods_per_year(bad, "annualization")


def test_series_returns_a_new_object_whose_changes_never_reach_the_input():
    x = pd.Series([1.0, 2.0, 3.0], index=pd.bdate_range("2020-01-01", periods=3))
    s = c.series(x, "x")
    s.iloc[0] = 99.0
    assert s is not x and x.iloc[0] == 1.0


@given(st.lists(st.floats(min_value=1e-3, max_value=1e4, allow_nan=False), min_size=1, max_size=40),
       st.sampled_from([200.0, 15.0, 1000.0]))
def test_median_above_is_np_median_greater(values, level):
    # the counting shortcut decides exactly as np.median does, ties and even counts included
    v = np.array(values + [level] * (len(values) % 3))   # some values exactly at the level
    assert c._median_above(v, level) == (float(np.median(v)) > level)
    # half above, half below: the exact median decides (level + 1 here, then level itself)
    assert c._median_above(np.array([level - 1, level + 3]), level) is True
    assert c._median_above(np.array([level - 1, level + 1]), level) is False
