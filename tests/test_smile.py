"""Tests of vrp_lib.smile: the smile consistent with the VIX, against independent values.

The independent check of the strip variance is the Cboe/Demeterfi discrete formula
(:func:`vrp_lib.swaps.fair_variance`) on a dense strike grid priced by Black-Scholes
(:func:`vrp_lib.implied.bs_price`) at the volatilities :func:`smile.smile_vol` returns.
"""

import os
import time

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as hs

from scipy.stats import norm

from vrp_lib import implied, models, smile, swaps

T_OPT = 21 / 252


def _black_otm(f, strikes, t, vol):
    """Undiscounted Black prices of out-of-the-money options, written out here (independent)."""
    sd = vol * np.sqrt(t)
    d1 = (np.log(f / strikes) + 0.5 * sd**2) / sd
    d2 = d1 - sd
    call = f * norm.cdf(d1) - strikes * norm.cdf(d2)
    put = strikes * norm.cdf(-d2) - f * norm.cdf(-d1)
    return np.where(strikes < f, put, np.where(strikes > f, call, 0.5 * (put + call)))


def _discrete_strip_vol(vix, shape, t, r=0.01, n=8001, width=2000.0):
    """VIX of a dense discrete strip priced at the smile's vols (independent of the module).

    Strikes are dense at the money and sparse in the wings (``z = sinh(u)``, u uniform),
    out to ``width`` at-the-money standard deviations; the grid includes K0 = F. Prices are
    discounted at r and the Cboe formula (:func:`vrp_lib.swaps.fair_variance`) undoes it.
    """
    a = smile.atm_vol(vix, shape, t) / 100
    f = 100.0
    u = np.linspace(-np.arcsinh(width), np.arcsinh(width), n)
    strikes = f * np.exp(np.sinh(u) * a * np.sqrt(t))
    vols = smile.smile_vol(vix, strikes / f, shape, t) / 100
    otm = np.exp(-r * t) * _black_otm(f, strikes, t, vols)
    return 100 * np.sqrt(swaps.fair_variance(strikes, otm, f, t, r, k0=f))


def test_flat_smile_returns_the_vix_exactly():
    v = np.array([9.14, 13.69, 19.5, 82.69])
    assert np.array_equal(smile.atm_vol(v, smile.FLAT), v)
    assert np.array_equal(smile.smile_vol(v, 0.9, "flat"), v)
    assert smile.smile_vol(13.69, np.array([0.8, 1.0, 1.2]), "flat").tolist() == [13.69] * 3
    # None is not a shape: a flat smile must be asked for by name
    with pytest.raises(ValueError, match="shape"):
        smile.atm_vol(13.69, None)


def test_strip_quadrature_of_a_flat_smile_is_the_black_scholes_variance():
    # The log contract: a continuous strip of Black-Scholes prices at one vol sigma has
    # model-free variance sigma^2 exactly. Bypass the flat shortcut with a tiny b.
    almost_flat = smile.SmileShape(1e-14, 0.0, 1.0)
    a = np.array([5.0, 13.69, 40.0, 120.0])
    assert np.allclose(smile.model_free_vol(a, almost_flat, T_OPT), a, rtol=1e-10, atol=0)


def test_whitepaper_board_atm_vol_within_tolerance():
    # The board's own at-the-money level (fitted per expiry, interpolated in total variance
    # to 30 days) against the ATM vol the module infers from the VIX 13.69 alone. Stated
    # tolerance 0.25 vol points: the shape fit's residual near the money (about 0.2), the
    # discrete and truncated Cboe strip against the continuous one, and the 30-day
    # interpolation of two expiries.
    board = smile.board_smile()
    shape, atm = smile.fit_shape(board["k"], board["t"], board["iv"], board["term"])
    (_, t1, _), (_, t2, _) = smile.WHITEPAPER_TERMS
    w1, w2 = (atm["near"] / 100) ** 2 * t1, (atm["next"] / 100) ** 2 * t2
    wt = w1 + (w2 - w1) * (smile.VIX_T - t1) / (t2 - t1)
    board_atm_30d = 100 * np.sqrt(wt / smile.VIX_T)
    assert 10.8 <= board_atm_30d <= 11.2
    inferred = smile.atm_vol(13.69, smile.WHITEPAPER)
    assert abs(inferred - board_atm_30d) < 0.25
    assert inferred < 13.69 - 2.0        # ATM sits 2-3 points under the VIX on this board


def test_whitepaper_constant_is_the_fit_of_the_board():
    board = smile.board_smile()
    shape, _ = smile.fit_shape(board["k"], board["t"], board["iv"], board["term"])
    w = smile.WHITEPAPER
    assert shape.b == pytest.approx(w.b, abs=1e-3)
    assert shape.rho == pytest.approx(w.rho, abs=1e-3)
    assert shape.l == pytest.approx(w.l, abs=1e-3)
    # the fit is good: residual RMS below 0.3 vol points, worst below 1 vol point
    a = np.where(board["term"] == "near", *_.reindex(["near", "next"]).to_numpy())
    fitted = a * shape.ratio(board["k"] / (a / 100 * np.sqrt(board["t"])))
    err = fitted - board["iv"]
    assert np.sqrt(np.mean(err**2)) < 0.3 and np.abs(err).max() < 1.0


def test_whitepaper_smile_reproduces_the_board_wings():
    # the board (near expiry): 90 % put about 23, 102 % call about 8.5
    t1 = smile.WHITEPAPER_TERMS[0][1]
    put90, call102 = smile.smile_vol(13.69, np.array([0.9, 1.02]), "whitepaper", t1)
    board = smile.board_smile()
    near = board[board["term"] == "near"]
    b90 = np.interp(0.9, near["moneyness"], near["iv"])
    b102 = np.interp(1.02, near["moneyness"], near["iv"])
    assert abs(put90 - b90) < 0.6 and abs(call102 - b102) < 0.6
    assert 22 < put90 < 24 and 8 < call102 < 9.5


def test_board_smile_inverts_the_quotes():
    board = smile.board_smile()
    row = board.iloc[len(board) // 3]
    spot = row["forward"] * np.exp(-0.000305 * row["t"]) if row["term"] == "near" else None
    if spot is not None:
        price = implied.bs_price(spot, row["strike"], row["t"], 0.000305, row["iv"] / 100, 0.0, row["option"])
        assert price == pytest.approx(row["mid"], abs=1e-8)
    assert (board["mid"] >= smile.MIN_MID).all()
    assert set(board["option"]) == {"put", "call"}


@settings(max_examples=30, deadline=None)
@given(vix=hs.floats(9.0, 90.0), b=hs.floats(0.0, 3.0), rho=hs.floats(-0.95, 0.3),
       l=hs.floats(0.5, 12.0), t=hs.sampled_from([smile.VIX_T, T_OPT, 0.25]))
def test_strip_variance_of_the_output_equals_vix_squared(vix, b, rho, l, t):
    assume(1 + b * (l * np.sqrt(1 - rho**2) - l) > 0.05)          # a valid shape
    shape = smile.SmileShape(b, rho, l)
    assume(smile._max_atm(shape, t) > vix)                       # within Lee's bound
    assert smile.model_free_vol(smile.atm_vol(vix, shape, t), shape, t) == pytest.approx(vix, rel=1e-8)


@pytest.mark.parametrize("vix, shape, t", [
    (13.69, smile.WHITEPAPER, smile.VIX_T), (45.0, smile.WHITEPAPER, T_OPT),
    (9.5, smile.SmileShape(2.0, -0.7, 1.0), 0.25), (25.0, smile.FLAT, T_OPT),
    (30.0, smile.SmileShape(0.3, -0.4, 1.5, m=0.7), smile.VIX_T),
])
def test_discrete_cboe_strip_of_the_output_gives_back_the_vix(vix, shape, t):
    assert _discrete_strip_vol(vix, shape, t) == pytest.approx(vix, rel=1e-4)


def test_equity_smile_orders_the_strikes():
    v = smile.smile_vol(20.0, np.array([0.8, 0.9, 1.0, 1.05]), "whitepaper", T_OPT)
    assert v[0] > v[1] > v[2] > v[3]
    assert v[2] == pytest.approx(smile.atm_vol(20.0, "whitepaper", T_OPT))
    assert smile.atm_vol(20.0, "whitepaper", T_OPT) < 20.0


def test_scaled_shape_moves_monotonically_from_flat():
    atm = [smile.atm_vol(15.0, smile.WHITEPAPER.scaled(f)) for f in (0.0, 0.25, 0.5, 1.0)]
    assert atm[0] == 15.0 and atm[0] > atm[1] > atm[2] > atm[3]
    assert smile.WHITEPAPER.scaled(1.0).b == smile.WHITEPAPER.b


def test_shape_properties_closed_form():
    s = smile.SmileShape(0.2, -0.5, 4.0)
    assert s.ratio(0.0) == 1.0
    assert s.atm_skew == pytest.approx(-0.05)
    assert s.atm_curvature == pytest.approx(0.05)
    h = 1e-4   # derivatives of f and f^2 at 0 by central differences, with and without m
    for shp in (s, smile.SmileShape(0.3, -0.4, 1.5, m=0.7)):
        assert shp.ratio(0.0) == pytest.approx(1.0, abs=1e-15)
        f = shp.ratio
        assert (f(h) - f(-h)) / (2 * h) == pytest.approx(shp.atm_skew, rel=1e-6)
        assert (f(h)**2 - 2 + f(-h)**2) / h**2 == pytest.approx(shp.atm_curvature, rel=1e-5)


def test_model_world_shape_is_a_skew_fitted_to_bates_prices():
    shape = smile.model_world_shape()
    assert shape.rho < 0 and shape.b > 0 and shape.atm_skew < 0
    # independent check: the model's own 90 % put implied vol against the fitted smile
    q, v0, t = models.RISK_NEUTRAL, models.PHYSICAL.theta, smile.VIX_T
    vix = 100 * np.sqrt(float(models.expected_variance(q, t, v0)))
    k = 0.93
    put = models.put_price(q, 1.0, k, t, v0)
    iv_model = 100 * implied.implied_vol(put, 1.0, k, t, 0.0, 0.0, "put")
    assert smile.smile_vol(vix, k, shape, t) == pytest.approx(iv_model, abs=0.7)
    atm_model = 100 * implied.implied_vol(models.call_price(q, 1.0, 1.0, t, v0), 1.0, 1.0, t, 0.0)
    assert smile.atm_vol(vix, shape, t) == pytest.approx(atm_model, abs=0.5)
    assert smile.resolve("model") == shape


def test_series_in_series_out():
    vix = pd.Series([12.0, 30.0], index=pd.to_datetime(["2020-01-02", "2020-03-16"]))
    out = smile.smile_vol(vix, 1.0)
    assert isinstance(out, pd.Series) and out.index.equals(vix.index)
    assert isinstance(smile.atm_vol(vix), pd.Series)


@pytest.mark.parametrize("bad, msg", [
    (0.1369, "decimal"), (np.nan, "NaN"), (np.inf, "infinite"), (None, "None"),
    (True, "boolean"), (-5.0, "non-positive"), ([], "empty"), ("thirteen", "vix: expected numbers"),
])
def test_bad_vix(bad, msg):
    with pytest.raises(ValueError, match=msg):
        smile.atm_vol(bad)


def test_bad_inputs():
    with pytest.raises(ValueError, match="moneyness"):
        smile.smile_vol(13.69, -1.0)
    with pytest.raises(ValueError, match="moneyness"):
        smile.smile_vol(13.69, None)
    with pytest.raises(ValueError, match="moneyness"):
        smile.smile_vol(13.69, "abc")
    with pytest.raises(ValueError, match="shape"):
        smile.smile_vol(13.69, 1.0, shape="svi")
    with pytest.raises(ValueError, match="shape"):
        smile.model_free_vol(13.69, shape=2.0)
    with pytest.raises(ValueError, match="vix"):
        smile.atm_vol("13.69")
    with pytest.raises(ValueError, match="price level"):
        smile.atm_vol(4500.0)
    with pytest.raises(ValueError, match="log_moneyness"):
        smile.fit_shape(None, 0.1, [10.0, 11.0])
    with pytest.raises(ValueError, match="log_moneyness"):
        smile.fit_shape([], 0.1, [10.0])
    with pytest.raises(ValueError, match="log_moneyness"):
        smile.fit_shape([True, False, True, True, False], 0.1, [10.0] * 5)
    with pytest.raises(ValueError, match="t"):
        smile.fit_shape([0.0, 0.1, 0.2, 0.3, 0.4], [0.1, 0.2], [10.0] * 5)
    with pytest.raises(ValueError, match="rho"):
        smile.SmileShape(1.0, -1.0, 1.0)
    with pytest.raises(ValueError, match="b must"):
        smile.SmileShape(-1.0, 0.0, 1.0)
    with pytest.raises(ValueError, match="SmileShape.l"):
        smile.SmileShape(1.0, 0.0, np.nan)
    with pytest.raises(ValueError, match="negative"):
        smile.SmileShape(40.0, -0.99, 10.0)
    with pytest.raises(ValueError, match="SmileShape.m"):
        smile.SmileShape(1.0, 0.0, 1.0, m=None)
    with pytest.raises(ValueError, match="unknown name"):
        smile.resolve("svi")
    with pytest.raises(ValueError, match="smile"):
        smile.resolve(3.0)
    with pytest.raises(ValueError, match="t must"):
        smile.atm_vol(13.69, t=0.0)
    with pytest.raises(ValueError, match="t must"):
        smile.atm_vol(13.69, t=None)
    with pytest.raises(ValueError, match="outside the range"):
        smile.atm_vol(400.0, t=1.0)
    with pytest.raises(ValueError, match="Lee"):
        smile.model_free_vol(450.0, "whitepaper", t=1.0)
    with pytest.raises(ValueError, match="factor"):
        smile.WHITEPAPER.scaled(-1.0)
    with pytest.raises(ValueError, match="one length"):
        smile.fit_shape([0.0, 0.1], 0.1, [10.0, 11.0, 12.0])
    with pytest.raises(ValueError, match="min_mid"):
        smile.board_smile(min_mid=1e9)


def test_module_exports():
    for name in smile.__all__:
        assert hasattr(smile, name)


def test_rule_t_from_an_hour_to_ten_years():
    """t=1e7 failed inside scipy ('x must be strictly increasing'): t outside [1/8784, 10] years
    raises naming t, in every function that takes it."""
    assert smile.MIN_T == 1 / 8784 and smile.MAX_T == 10.0
    for f in (lambda t: smile.atm_vol(18.0, t=t), lambda t: smile.smile_vol(18.0, 0.9, t=t),
              lambda t: smile.model_free_vol(15.0, t=t), lambda t: smile.model_world_shape(t=t),
              lambda t: smile.fit_shape(np.linspace(-0.1, 0.1, 6), t, np.full(6, 20.0))):
        for bad in (1e7, 10.5, 1e-9):
            with pytest.raises(ValueError, match=r"t must lie in \[1/8784, 10\] years"):
                f(bad)
    assert smile.atm_vol(18.0, t=10.0) < 18.0  # the ends are valid
    assert smile.atm_vol(18.0, t=smile.MIN_T) < 18.0


def test_rule_shape_too_steep_for_t_named():
    steep = smile.SmileShape(200.0, -0.5, 0.01, "steep")
    with pytest.raises(ValueError, match="shape: at t = 10 years its put wing breaks Lee's bound"):
        smile.atm_vol(18.0, steep, t=10.0)


# ---------------------------------------------------------------- anchored shapes

def test_anchor_scale_recovers_a_known_factor():
    # the at-the-money level at a VIX of 20 falls as the smile steepens: a monotone statistic
    target = smile.atm_vol(20.0, smile.WHITEPAPER.scaled(0.6))
    f = smile.anchor_scale(lambda s: smile.atm_vol(20.0, s), target, xtol=1e-6)
    assert f == pytest.approx(0.6, abs=2e-6)          # brentq's xtol, plus the statistic's rounding
    # the flat end: factor 0 is FLAT, where ATM equals the VIX
    assert smile.anchor_scale(lambda s: smile.atm_vol(20.0, s), 20.0) == 0.0
    with pytest.raises(ValueError, match="target"):
        smile.anchor_scale(lambda s: smile.atm_vol(20.0, s), 25.0)
    with pytest.raises(TypeError, match="statistic"):
        smile.anchor_scale(0.6, 20.0)
    with pytest.raises(ValueError, match="hi"):
        smile.anchor_scale(lambda s: smile.atm_vol(20.0, s), 19.0, lo=0.5, hi=0.4)


def test_put_gap_scale_reproduces_bondarenko_gap():
    """PUT_GAP_SCALE recomputed from the embedded data (about 2 s)."""
    from vrp_lib import data, risk
    from vrp_lib import strategies as st

    vix, spx = data.load_vix(), data.load_spx()["close"]
    rolls = st.rolls(vix, spx, 21)[:"2015"]
    paths = st.roll_paths(spx, rolls.index, 21)
    rf = st.risk_free_rate(rolls.index)
    index = st.index_returns(rolls)["total return (approx.)"] - np.expm1(rf * 21 / 252)

    def gap(shape):
        pw = st.put_write(paths, rolls["implied"], r=rf, smile=shape)
        return risk.sharpe(pw) - risk.sharpe(index)

    assert smile.BONDARENKO_PUT_GAP == pytest.approx(0.20, abs=1e-15)
    f = smile.anchor_scale(gap, smile.BONDARENKO_PUT_GAP, lo=0.75, hi=1.0, xtol=1e-4)
    # brentq's xtol (1e-4) plus the 4-decimal rounding of the stored constant (5e-5)
    assert abs(f - smile.PUT_GAP_SCALE) <= 1.5e-4
    # the gap moves by about 1 Sharpe unit per unit of factor here: 1.5e-4 in f is < 1e-3 in the gap
    assert gap(smile.PUT_GAP) == pytest.approx(smile.BONDARENKO_PUT_GAP, abs=1e-3)
    assert smile.PUT_GAP.b == pytest.approx(smile.WHITEPAPER.b * smile.PUT_GAP_SCALE, rel=1e-15)


def test_spline_is_scipys_not_a_knot_cubic_spline():
    """smile._Spline (no scipy.interpolate import) against scipy's CubicSpline: the same
    coefficients and values, bit for bit, on the solver's own table and on a rough one."""
    from scipy.interpolate import CubicSpline

    t = T_OPT
    grid = np.geomspace(0.5, smile._max_atm(smile.WHITEPAPER, t), smile._N_TABLE)
    mf = 100.0 * np.sqrt(smile._strip_variance(grid / 100.0, smile.WHITEPAPER, t))
    rng = np.random.default_rng(4)
    xr = np.cumsum(rng.uniform(0.1, 2.0, 40))
    for x, y in ((np.log(grid), np.log(mf / grid)), (xr, np.sin(xr) + rng.normal(0, 0.1, 40))):
        ours, ref = smile._Spline(x, y), CubicSpline(x, y)
        np.testing.assert_array_equal(ours.c, ref.c)
        xv = np.r_[x, x[0] - 0.3, x[-1] + 0.3, rng.uniform(x[0], x[-1], 5000)]
        np.testing.assert_array_equal(ours(xv), ref(xv))
    with pytest.raises(ValueError, match="increase"):
        smile._Spline([0.0, 1.0, 1.0, 2.0], [0.0, 1.0, 2.0, 3.0])


def test_one_sided_strip_integrand_is_the_two_sided_one():
    """The quadrature computes only the branch of each side of the money: the same numbers."""
    k = np.r_[-np.geomspace(1e-6, 5.0, 200), np.geomspace(1e-6, 5.0, 200)]
    w = np.linspace(1e-4, 0.5, k.size)
    both = smile._otm_over_strike(k, w)
    np.testing.assert_array_equal(smile._otm_one_side(k[:200], w[:200], put=True), both[:200])
    np.testing.assert_array_equal(smile._otm_one_side(k[200:], w[200:], put=False), both[200:])


#: ``scipy.optimize.least_squares``' default ``xtol``, which :func:`vrp_lib.smile.fit_shape` uses:
#: the fit stops once a step changes the parameters by less than this, relative.
LSQ_XTOL = 1e-8


def test_stored_model_world_shape_is_the_fit():
    """MODEL_WORLD (returned at the defaults, no refit) is what the fit gives, to the stored
    8 significant digits.

    The tolerance comes from the solver: another CPU may stop the fit elsewhere within its
    ``xtol`` (relative), and the two roundings to 8 significant digits then differ by at most
    one unit of the 8th digit."""
    fit = smile._model_shape(models.RISK_NEUTRAL, float(models.PHYSICAL.theta), smile.VIX_T)
    for f in ("b", "rho", "l", "m"):
        stored = getattr(smile.MODEL_WORLD, f)
        unit = 10.0 ** (np.floor(np.log10(abs(stored))) - 7)      # one unit of the 8th digit
        assert abs(getattr(fit, f) - stored) <= unit + LSQ_XTOL * abs(stored), f
    assert fit.name == smile.MODEL_WORLD.name
    assert smile.model_world_shape() is smile.MODEL_WORLD


def test_level_shape_is_the_scaled_board_at_each_level():
    """LevelShape: factor (ref / v)^gamma rounded to the step, capped at the base; atm_vol and
    smile_vol equal those of base.scaled(factor), element by element."""
    lvl = smile.LevelShape(smile.WHITEPAPER, 0.2, ref=13.69, step=0.05)
    v = np.array([9.0, 13.69, 20.0, 31.0, 80.0])
    want = np.clip(np.round((13.69 / v) ** 0.2 / 0.05) * 0.05, 0.05, 1.0)
    np.testing.assert_array_equal(lvl.factor(v), want)
    assert lvl.factor(v)[0] == 1.0 and lvl.factor(v)[-1] == pytest.approx(0.7)
    for x, f in zip(v, want):
        shp = smile.WHITEPAPER.scaled(f)
        assert smile.atm_vol(x, lvl, T_OPT) == pytest.approx(smile.atm_vol(x, shp, T_OPT), rel=1e-14)
        assert smile.smile_vol(x, 0.9, lvl, T_OPT) == pytest.approx(smile.smile_vol(x, 0.9, shp, T_OPT),
                                                                    rel=1e-14)
    np.testing.assert_allclose(smile.atm_vol(v, lvl, T_OPT),
                               [smile.atm_vol(x, lvl, T_OPT) for x in v], rtol=1e-14)
    # the strip of the level shape still gives back the VIX (independent discrete strip)
    assert _discrete_strip_vol(31.0, smile.WHITEPAPER.scaled(0.9), T_OPT) == pytest.approx(31.0, abs=0.02)
    s = pd.Series([15.0, 40.0], index=pd.date_range("2020-01-01", periods=2))
    assert isinstance(smile.smile_vol(s, 1.0, lvl, T_OPT), pd.Series)
    assert smile.resolve(lvl) is lvl and smile.LevelShape(smile.WHITEPAPER, 0.0).factor(v).max() == 1.0
    for bad in ({"gamma": -0.1}, {"gamma": 3.0}, {"ref": 0.5}, {"step": 0.0}, {"gamma": None}):
        with pytest.raises(ValueError, match="LevelShape"):
            smile.LevelShape(smile.WHITEPAPER, **{"gamma": 0.1, **bad})
    with pytest.raises(ValueError, match="base"):
        smile.LevelShape("whitepaper", 0.1)
    with pytest.raises(ValueError, match="vix"):
        smile.atm_vol(0.2, lvl, T_OPT)


def test_anchored_shapes_reproduce_their_anchors():
    """BK_SCALE and LEVEL_GAMMA recomputed from the embedded data (about 3 s)."""
    from scipy.optimize import brentq

    from vrp_lib import data, risk
    from vrp_lib import strategies as st

    vix, spx = data.load_vix(), data.load_spx()["close"]
    rolls = st.rolls(vix, spx, 21)
    paths = st.roll_paths(spx, rolls.index, 21)
    rf = st.risk_free_rate(rolls.index)

    def straddle_mean(shape):
        return float(st.short_straddle(paths, rolls["implied"], delta_hedge=True, r=rf,
                                       smile=shape).mean())

    f = smile.anchor_scale(straddle_mean, 0.0, lo=1.0, hi=1.085, xtol=1e-4)
    assert abs(f - smile.BK_SCALE) <= 1.5e-4
    assert straddle_mean(smile.WHITEPAPER) > 0 > straddle_mean(smile.WHITEPAPER.scaled(1.05))
    sel = rolls.index.year <= 2015
    index = st.index_returns(rolls)["total return (approx.)"] - np.expm1(rf * 21 / 252)

    def gap(g):
        pw = st.put_write(paths[sel], rolls["implied"][sel], r=rf[sel],
                          smile=smile.LevelShape(smile.WHITEPAPER, g))
        return risk.sharpe(pw) - risk.sharpe(index[sel]) - smile.BONDARENKO_PUT_GAP

    xtol = 1e-4                  # Brent's tolerance, as LEVEL_GAMMA was found
    g = brentq(gap, 0.05, 0.25, xtol=xtol)
    assert abs(g - smile.LEVEL_GAMMA) <= xtol + 0.5e-3    # stored to 3 decimals
    # the factor is rounded to 0.05: the gap is a step function of gamma, within 1e-3 here
    assert abs(gap(smile.LEVEL_GAMMA)) < 1e-3
    assert list(smile.ANCHORED_SHAPES) == ["white-paper board", "PUT's gap, fixed shape",
                                           "PUT's gap, shape moving with the VIX",
                                           "Bakshi-Kapadia bound"]
    assert smile.ANCHORED_SHAPES["PUT's gap, shape moving with the VIX"].gamma == smile.LEVEL_GAMMA


def test_tabulated_gauss_legendre_nodes_are_leggauss():
    """The quadrature's 256 nodes and weights are numpy's leggauss(256), to the last bit here
    (and to 1e-15 wherever LAPACK's last bits differ)."""
    x, w = np.polynomial.legendre.leggauss(256)
    xt, wt = smile._nodes(smile._N_NODES)
    np.testing.assert_allclose(xt, 0.5 * (x + 1.0), rtol=0, atol=1e-15)
    np.testing.assert_allclose(wt, 0.5 * w, rtol=0, atol=1e-15)
    assert abs(wt.sum() - 1.0) < 1e-14 and np.all(np.diff(xt) > 0)
    x8, w8 = smile._nodes(8)                       # any other order: leggauss itself
    assert np.array_equal(x8, 0.5 * (np.polynomial.legendre.leggauss(8)[0] + 1.0))


def test_strip_variance_on_two_threads_is_the_serial_result(monkeypatch):
    """A solver's table is integrated on two threads: the same numbers, bit for bit, as one
    thread (each block of levels is the same per-element computation)."""
    t = T_OPT
    grid = np.geomspace(0.5, smile._max_atm(smile.WHITEPAPER, t), smile._N_TABLE) / 100.0
    threaded = smile._strip_variance(grid, smile.WHITEPAPER, t)
    monkeypatch.setattr(smile, "_THREAD_MIN_BLOCKS", 10**9)
    serial = smile._strip_variance(grid, smile.WHITEPAPER, t)
    np.testing.assert_array_equal(threaded, serial)
    assert smile._strip_variance(np.zeros(0) + 0.2, smile.WHITEPAPER, t).shape == (0,)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_strip_variance_in_a_forked_child_does_not_wait_on_the_parents_threads():
    """The worker threads are per process: a child forked after the parent built a table
    builds its own (the parent's pool, copied without its threads, would never answer)."""
    t = T_OPT
    grid = np.geomspace(0.5, smile._max_atm(smile.WHITEPAPER, t), smile._N_TABLE) / 100.0
    parent = smile._strip_variance(grid, smile.WHITEPAPER, t)
    pid = os.fork()
    if pid == 0:  # pragma: no cover (the child)
        ok = (smile._strip_variance(grid, smile.WHITEPAPER, t) == parent).all()
        os._exit(0 if ok else 3)
    for _ in range(300):  # at most 30 s
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.1)
    else:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        pytest.fail("the forked child's strip quadrature did not finish")
    assert os.waitstatus_to_exitcode(status) == 0
