"""Tests of vrp_lib.forecast: HAR against statsmodels OLS, GARCH against its recursion, losses by hand."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from arch import arch_model
from hypothesis import given, settings
from hypothesis import strategies as st

from vrp_lib import data, forecast as fc
from vrp_lib.realized import forward_realized_vol

SPX = data.load_spx()["close"]
SHORT = SPX.loc["2000-01-01":"2009-12-31"]


def _series(values, start="2020-01-01"):
    return pd.Series(values, index=pd.bdate_range(start, periods=len(values), name="date"), dtype=float)


def test_target_and_features_hand_values():
    p = _series([100.0, 101.0, 99.0, 100.0, 102.0])
    r = np.log(p).diff()
    y = fc.realized_variance_target(p, horizon=2)
    assert y.iloc[0] == pytest.approx(1e4 * 252 / 2 * (r.iloc[1] ** 2 + r.iloc[2] ** 2))
    assert y.iloc[-2:].isna().all()
    pd.testing.assert_series_equal(y, (forward_realized_vol(p, 2) ** 2).rename("realized_variance"))
    x = fc.har_features(p, lags=(1, 2))
    assert x["rv_1"].iloc[2] == pytest.approx(1e4 * 252 * r.iloc[2] ** 2)
    assert x["rv_2"].iloc[2] == pytest.approx(1e4 * 252 / 2 * (r.iloc[1] ** 2 + r.iloc[2] ** 2))


def test_har_fit_matches_statsmodels_ols():
    model = fc.har_fit(SHORT, horizon=21)
    x = fc.har_features(SHORT)
    y = fc.realized_variance_target(SHORT, 21)
    df = pd.concat([x, y], axis=1).dropna()
    ols = sm.OLS(df["realized_variance"], sm.add_constant(df[["rv_1", "rv_5", "rv_22"]])).fit()
    np.testing.assert_allclose(model.coef.to_numpy(), ols.params.to_numpy(), rtol=1e-8)
    assert model.r2 == pytest.approx(ols.rsquared, rel=1e-8)
    assert model.n == len(df)
    f = fc.har_forecast(model, SHORT)
    assert f.iloc[-1] == pytest.approx(float(ols.params["const"] + x.iloc[-1] @ ols.params.iloc[1:]))


def test_har_fit_uses_no_information_after_train_end():
    end = "2005-12-30"
    a = fc.har_fit(SHORT, train_end=end)
    changed = SHORT.copy()
    changed.loc["2006-01-02":] *= np.exp(np.linspace(0, 0.5, (changed.index >= "2006-01-02").sum()) ** 2)
    b = fc.har_fit(changed, train_end=end)
    pd.testing.assert_series_equal(a.coef, b.coef)
    # the last target window ends on or before train_end
    pos = SHORT.index.get_loc(a.train_end)
    assert SHORT.index[pos + 21] <= pd.Timestamp(end)


@pytest.mark.parametrize("kw,match", [(dict(horizon=0), "horizon"), (dict(lags=()), "lags"),
                                      (dict(lags=(1, 1)), "duplicate"), (dict(train_end="1980-01-01"), "train_end"),
                                      (dict(train_end="not a date"), "train_end")])
def test_har_fit_bad_input(kw, match):
    with pytest.raises(ValueError, match=match):
        fc.har_fit(SHORT, **kw)


def test_har_bad_input_prices_and_model():
    bad = SHORT.copy()
    bad.iloc[10] = -1.0
    with pytest.raises(ValueError, match="non-positive"):
        fc.har_fit(bad)
    with pytest.raises(ValueError, match="HARModel"):
        fc.har_forecast({"const": 1.0}, SHORT)
    with pytest.raises(ValueError, match="observations"):
        fc.har_fit(SHORT.iloc[:40])


def test_garch_recursion_from_parameters_matches_arch_and_a_hand_loop():
    end = "2007-12-31"
    params = fc.garch_fit(SHORT, train_end=end)["estimate"]
    # arch's own forecast from the same (fixed) parameters: no optimizer between the two
    r = 100 * np.log(SHORT).diff().dropna()
    model = arch_model(r, mean="Zero", vol="GARCH", p=1, o=1, q=1, rescale=False)
    ref = model.forecast(params.to_numpy(), horizon=10, start=pd.Timestamp(end), reindex=False)
    ref = 252 * ref.variance.mean(axis=1)
    rec = fc._garch_from_params(SHORT, params, 10, start=end)
    # the same closed-form recursion in two implementations (a contraction: no growth of rounding)
    np.testing.assert_allclose(rec.to_numpy(), ref.to_numpy(), rtol=1e-12)
    assert rec.index.equals(pd.DatetimeIndex(ref.index)) and rec.name == "garch"
    # the multi-step part by a hand loop, E[s2_{t+k}] = omega + (alpha + gamma / 2 + beta) E[s2_{t+k-1}]
    om, al, ga, be = params[["omega", "alpha[1]", "gamma[1]", "beta[1]"]]
    one = fc._garch_from_params(SHORT, params, 1, start=end) / 252
    for d in ("2008-10-15", "2009-06-30"):
        path = [one.loc[d]]
        for _ in range(9):
            path.append(om + (al + ga / 2 + be) * path[-1])
        assert rec.loc[d] == pytest.approx(252 * np.mean(path), rel=1e-13)
    # the library's forecast is arch's fit followed by arch's forecast: the same fit as garch_fit
    # in one process (same call, same data), so the same parameters and the recursion to 1e-12
    out = fc.garch_forecast(SHORT, horizon=10, train_end=end)
    assert out.index[0] == pd.Timestamp(end) and out.name == "garch"
    np.testing.assert_allclose(out.to_numpy(), rec.to_numpy(), rtol=1e-12)


def test_garch_fit_table():
    fit = fc.garch_fit(SHORT, train_end="2007-12-31")
    assert list(fit.index) == ["omega", "alpha[1]", "gamma[1]", "beta[1]"]
    assert list(fit.columns) == ["estimate", "se"] and (fit["se"] > 0).all()
    assert fit.loc["alpha[1]", "estimate"] + fit.loc["gamma[1]", "estimate"] / 2 + fit.loc["beta[1]", "estimate"] < 1
    plain = fc.garch_fit(SHORT, o=0)
    assert list(plain.index) == ["omega", "alpha[1]", "beta[1]"]


def test_garch_refit_schedule_and_bad_input():
    a = fc.garch_forecast(SHORT, horizon=5, train_end="2007-12-31", refit_every=252, o=0)
    assert a.index[0] == pd.Timestamp("2007-12-31") and a.index[-1] == SHORT.index[-1]
    assert a.index.is_unique and (a > 0).all()
    with pytest.raises(ValueError, match="o must"):
        fc.garch_forecast(SHORT, o=2)
    with pytest.raises(ValueError, match="250"):
        fc.garch_forecast(SHORT, train_end="2000-03-01")
    with pytest.raises(ValueError, match="refit_every"):
        fc.garch_forecast(SHORT, train_end="2007-12-31", refit_every=0)


def test_losses_hand_values():
    rv = _series([100.0, 400.0, 225.0])
    f = _series([100.0, 200.0, 300.0])
    x = np.array([1.0, 2.0, 0.75])
    assert fc.qlike(rv, f) == pytest.approx(np.mean(x - np.log(x) - 1))
    assert fc.mse(rv, f) == pytest.approx((0 + 200**2 + 75**2) / 3)
    assert fc.qlike(rv, rv) == 0.0
    # QLIKE punishes under-prediction more than over-prediction by the same factor
    assert fc.qlike(rv, rv / 2) > fc.qlike(rv, rv * 2)


def test_losses_bad_input():
    rv = _series([100.0, 400.0])
    with pytest.raises(ValueError, match="non-positive"):
        fc.qlike(rv, _series([100.0, 0.0]))
    with pytest.raises(ValueError, match="zero realized"):
        fc.qlike(_series([0.0, 400.0]), rv)
    with pytest.raises(ValueError, match="no date in common"):
        fc.mse(rv, _series([1.0, 2.0], start="2021-01-01"))
    with pytest.raises(ValueError, match="negative realized"):
        fc.mse(_series([-1.0, 400.0]), rv)


def test_evaluate_uses_common_dates():
    rv = _series([100.0, 400.0, 225.0, 150.0])
    a = _series([100.0, 200.0, 300.0, 100.0])
    b = _series([np.nan, 300.0, 250.0, 150.0])
    tab = fc.evaluate(rv, {"a": a, "b": b})
    assert list(tab.index) == ["a", "b"] and (tab["n"] == 3).all()
    assert tab.loc["a", "QLIKE"] == pytest.approx(fc.qlike(rv.iloc[1:], a.iloc[1:]))
    assert tab.loc["b", "bias"] == pytest.approx(b.iloc[1:].mean() - rv.iloc[1:].mean())
    with pytest.raises(ValueError, match="forecasts"):
        fc.evaluate(rv, {})


# --------------------------------------------------------------------------- input validation, one rule a test

RV = _series([400.0, 300.0, 500.0, 250.0, 350.0])
FC = _series([380.0, 320.0, 450.0, 300.0, 330.0])


@pytest.mark.parametrize("call,match", [
    (lambda: fc.qlike(RV / 1e4, FC), "look like different units"),
    (lambda: fc.mse(RV, FC / 1e4), "look like different units"),
    (lambda: fc.qlike(RV.where(RV.index != RV.index[2], np.inf), FC), "realized: infinite value"),
    (lambda: fc.mse(RV, FC.where(FC.index != FC.index[1], np.inf)), "forecast: infinite value"),
    (lambda: fc.qlike(None, FC), "realized"),
    (lambda: fc.evaluate(None, {"a": FC}), "realized is None"),
    (lambda: fc.evaluate(RV, {"a": FC / 1e4}), "look like different units"),
    (lambda: fc.har_features(SHORT, lags=None), "lags: give a sequence"),
    (lambda: fc.har_features(SHORT, lags=(1, True)), "lags"),
    (lambda: fc.har_fit(SHORT, horizon=True), "horizon"),
    (lambda: fc.har_fit(SHORT, train_end=2005), "train_end must be a date"),
    (lambda: fc.har_fit(SHORT, train_end=True), "train_end must be a date"),
    (lambda: fc.har_fit(SHORT, train_end="2005-01-03 00:00+00:00"), "train_end: tz-aware"),
    (lambda: fc.garch_forecast(SHORT, o=True), "o must be the integer 0"),
    (lambda: fc.garch_forecast(SHORT, annualization=True), "annualization must be a number"),
    (lambda: fc.garch_forecast(SHORT, annualization=np.inf), "annualization"),
    (lambda: fc.realized_variance_target(SHORT, horizon=0), "horizon"),
])
def test_validation_messages(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_module_all_lists_public_names():
    public = {n for n in dir(fc) if not n.startswith("_") and callable(getattr(fc, n))
              and getattr(getattr(fc, n), "__module__", "") == fc.__name__}
    assert public <= set(fc.__all__)
    assert all(hasattr(fc, n) for n in fc.__all__)


def test_har_model_validates_its_fields():
    model = fc.har_fit(SHORT, horizon=21)
    fields = {f: getattr(model, f) for f in model.__dataclass_fields__}
    for kw, match in ((dict(coef=None), "HARModel.coef must be a pandas Series"),
                      (dict(horizon=True), "HARModel.horizon"),
                      (dict(lags=(1, 5)), "HARModel.coef has 4 entries for 2 lags"),
                      (dict(train_start=pd.NaT), "HARModel.train_start"),
                      (dict(train_end=model.train_start), "must precede train_end"),
                      (dict(n=np.nan), "HARModel.n"),
                      (dict(n=2), "HARModel.n must be at least 4"),
                      (dict(r2=np.inf), "HARModel.r2"),
                      (dict(r2=-1e300), r"HARModel.r2 must lie in \[0, 1\]"),
                      (dict(r2=1.5), r"HARModel.r2 must lie in \[0, 1\]"),
                      (dict(r2="0.5"), "HARModel.r2 must be a number, got the string"),
                      (dict(train_start=model.train_start.tz_localize("UTC")), "HARModel.train_start: tz-aware"),
                      (dict(train_end=model.train_end.tz_localize("America/New_York")),
                       "HARModel.train_end: tz-aware"),
                      (dict(coef=model.coef.rename({"rv_5": "rv_10"})), r"HARModel.coef must be indexed"),
                      (dict(coef=model.coef.astype(object).where(model.coef.index != "rv_1", "0.1")),
                       "HARModel.coef must hold finite numbers"),
                      (dict(horizon=21.5), "HARModel.horizon must be an integer")):
        with pytest.raises(ValueError, match=match):
            fc.HARModel(**{**fields, **kw})


def test_har_model_reads_integral_floats_as_integers():
    model = fc.har_fit(SHORT, horizon=21)
    fields = {f: getattr(model, f) for f in model.__dataclass_fields__}
    again = fc.HARModel(**{**fields, "horizon": 21.0, "n": float(model.n)})
    assert again.horizon == 21 and isinstance(again.horizon, int) and again.n == model.n


@pytest.mark.parametrize("call, match", [
    (lambda: fc.garch_forecast(SHORT, annualization=0.0), r"annualization must lie in \(0, 366\]"),
    (lambda: fc.garch_forecast(SHORT, annualization=25200), r"annualization must lie in \(0, 366\]"),
    (lambda: fc.garch_forecast(SHORT.iloc[:300], horizon=400), "horizon: 400 days is longer than the 299 returns"),
    (lambda: fc.garch_forecast(SHORT.iloc[:200]), "prices: only 199 returns"),
    (lambda: fc.garch_fit(SHORT, o=2), "o must be the integer 0"),
    (lambda: fc.garch_fit(SHORT, train_end="2000-02-01"), "train_end: only"),
    (lambda: fc.garch_fit(SHORT.tz_localize("UTC")), "prices: tz-aware"),
    (lambda: fc.garch_fit(SHORT.astype(str)), "prices"),
    (lambda: fc.har_fit(SHORT, horizon=5000), "horizon: 5000 days needs at least 5001 prices, got 2515"),
    # object dtype (floats that could as well be text or None) is refused, not converted
    (lambda: fc.har_fit(SHORT.astype(object)), "prices: values of dtype object"),
    (lambda: fc.garch_fit(SHORT.astype(object)), "prices: values of dtype object"),
    (lambda: fc.realized_variance_target(SHORT.astype(object)), "prices: values of dtype object"),
    (lambda: fc.har_features(SHORT.astype(object)), "prices: values of dtype object"),
    (lambda: fc.qlike(RV.astype(object), FC), "realized: values of dtype object"),
    (lambda: fc.losses(RV, FC.astype(object)), "forecast: values of dtype object"),
    (lambda: fc.evaluate(RV, {"a": FC.astype(object)}), r"forecasts\['a'\]: values of dtype object"),
])
def test_garch_and_har_bounds(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_losses_reject_inf_on_any_date():
    # an inf on a date where the other series has no value is still an error
    rv = RV.copy()
    rv.iloc[0] = np.inf
    with pytest.raises(ValueError, match="realized: infinite value"):
        fc.mse(rv, FC.iloc[1:])
    with pytest.raises(ValueError, match=r"forecasts\['a'\]: infinite value"):
        fc.evaluate(RV, {"a": FC.where(FC.index != FC.index[0], np.inf)})


# --- per-day losses and the Diebold-Mariano comparison ------------------------------------

def test_losses_per_day_by_hand_and_their_means_are_the_scores():
    q = fc.losses(RV, FC)
    x = RV / FC
    np.testing.assert_allclose(q.to_numpy(), (x - np.log(x) - 1.0).to_numpy(), rtol=1e-15)
    assert q.mean() == pytest.approx(fc.qlike(RV, FC), rel=1e-14)
    sq = fc.losses(RV, FC, loss="squared")
    np.testing.assert_allclose(sq.to_numpy(), [400.0, 400.0, 2500.0, 2500.0, 400.0])
    assert sq.mean() == pytest.approx(fc.mse(RV, FC), rel=1e-14)
    assert (q >= 0).all() and q.name == "loss"


def _oos():
    oos = slice("2014-01-01", None)
    model = fc.har_fit(SPX, horizon=21, train_end="2013-12-31")
    har = fc.har_forecast(model, SPX).loc[oos]
    naive = (fc.realized_variance_target(SPX, 21).shift(21)).loc[oos]  # the last 21 days
    return fc.realized_variance_target(SPX, 21).loc[oos], har, naive


def test_loss_difference_is_the_difference_of_scores_with_the_bootstrap_se():
    from vrp_lib import bootstrap
    target, har, naive = _oos()
    out = fc.loss_difference(target, har, naive)
    common = target.dropna().index.intersection(har.dropna().index).intersection(
        naive.dropna().index)
    t, a, b = target.loc[common], har.loc[common], naive.loc[common]
    assert out["mean"] == pytest.approx(fc.qlike(t, a) - fc.qlike(t, b), rel=1e-12)
    d = (fc.losses(t, a) - fc.losses(t, b)).to_numpy()
    # the same resamples (block sums instead of a gather): equal to rounding
    assert out["se"] == pytest.approx(
        bootstrap.block_bootstrap_se(d, "mean", block=252, n_boot=1000, seed=0), rel=1e-12)
    assert out["t"] == out["mean"] / out["se"] and out["n"] == len(common)
    assert out["mean"] < 0  # HAR beats the trailing variance out of sample


def test_loss_difference_iid_limit():
    # block = 1: the bootstrap SE of a mean tends to std / sqrt(n)
    rng = np.random.default_rng(3)
    rv = _series(400.0 * np.exp(rng.normal(0, 0.5, 4000)))
    a, b = _series(np.full(4000, 420.0)), _series(400.0 * np.exp(rng.normal(0, 0.3, 4000)))
    out = fc.loss_difference(rv, a, b, block=1, n_boot=4000)
    d = (fc.losses(rv, a) - fc.losses(rv, b)).to_numpy()
    assert out["se"] == pytest.approx(d.std() / np.sqrt(d.size), rel=0.05)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000))
def test_loss_difference_is_antisymmetric(seed):
    rng = np.random.default_rng(seed)
    rv = _series(400.0 * np.exp(rng.normal(0, 0.4, 300)))
    a = _series(400.0 * np.exp(rng.normal(0, 0.2, 300)))
    b = _series(400.0 * np.exp(rng.normal(0, 0.2, 300)))
    ab = fc.loss_difference(rv, a, b, block=21, n_boot=200, seed=seed)
    ba = fc.loss_difference(rv, b, a, block=21, n_boot=200, seed=seed)
    assert ab["mean"] == -ba["mean"] and ab["se"] == ba["se"] and ab["se"] > 0


@pytest.mark.parametrize("call, match", [
    (lambda: fc.losses(RV, FC, loss="abs"), "loss"),
    (lambda: fc.losses(RV, FC, loss=None), "loss"),
    (lambda: fc.losses(RV.where(RV.index != RV.index[0], 0.0), FC), "QLIKE needs RV > 0"),
    (lambda: fc.loss_difference(RV, FC, FC.copy(), block=2), "same loss on every date"),
    (lambda: fc.loss_difference(RV, FC, FC * 1.1, block=6), "block: 6 days is longer"),
    (lambda: fc.loss_difference(RV, FC, FC * 1.1, block=2, n_boot=0), "n_boot"),
    (lambda: fc.loss_difference(RV, FC, FC * 1.1, block=0), "block"),
    (lambda: fc.loss_difference(_series([100.0] * 30), _series([90.0] * 30),
                                _series([80.0] * 30), loss="squared", block=5),
     "standard error of the difference is zero"),
    (lambda: fc.loss_difference(RV, FC, FC / 1e4, block=2), "different units"),
])
def test_loss_difference_rejects_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
