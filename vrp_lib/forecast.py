"""Physical variance forecasts, ``E^P_t[sigma^2_{t,t+h}]``, and how to score them.

The physical leg of the variance form of the premium is a forecast. Two standard ones:

* HAR-RV (Corsi, 2009): the variance over the next ``h`` days regressed on the realized
  variance of the last day, week and month, by ordinary least squares.
* GARCH-family: a GJR-GARCH(1,1) (asymmetric, so that falls raise variance more than
  rises) fitted by maximum likelihood with the ``arch`` package, its ``h``-day variance
  forecast averaged over the horizon.

Scores (:func:`qlike`, :func:`mse`, :func:`evaluate`) are averages over a finite sample of
overlapping targets; :func:`loss_difference` gives the difference of two forecasts' average
losses with a moving-block bootstrap standard error (a Diebold-Mariano comparison that
respects the overlap of the ``h``-day targets).

Units
-----
Variances are annualized **vol points squared** (the VIX squared is on this scale: a VIX
of 20 is 400), with 252 trading days a year. The target is the forward realized variance
``RV_{t,t+h}^2 = forward_realized_vol(prices, h)^2``: the mean of ``252 * r^2 * 10^4``
over days t+1 .. t+h, squared returns not demeaned, as a variance swap settles.
A forecast dated t uses information up to and including day t only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import _checks, bootstrap
from .realized import TRADING_DAYS, forward_realized_vol, log_returns, trailing_realized_vol

__all__ = [
    "HAR_LAGS", "HARModel", "evaluate", "garch_fit", "garch_forecast", "har_features", "har_fit",
    "har_forecast", "loss_difference", "losses", "mse", "qlike", "realized_variance_target",
]

HAR_LAGS = (1, 5, 22)
#: Largest ratio between the typical realized variance and the typical forecast that
#: :func:`qlike`, :func:`mse` and :func:`evaluate` accept: a larger one means mixed units
#: (decimal variance against vol points squared differ by 10,000).
MAX_UNIT_RATIO = 100.0
#: Largest ``annualization`` accepted (periods a year): 366 calendar days; 252 is the default.
MAX_ANNUALIZATION = 366.0
#: Weight decay and length of ``arch``'s backcast, the variance the GARCH recursion starts from:
#: an exponentially weighted mean of the first 75 squared returns with weights 0.94^j.
BACKCAST_DECAY, BACKCAST_DAYS = 0.94, 75


def _typed(x, name: str):
    """Refuse an object-dtype Series or array (numbers hidden among anything); return ``x``."""
    if isinstance(x, (pd.Series, np.ndarray)) and x.dtype == object:
        raise _checks.ArgumentTypeError(f"{name}: values of dtype object; pass a float Series (object columns "
                                        "can hide text, None or booleans)")
    return x


def _prices(prices, name: str = "prices") -> pd.Series:
    return _checks.prices(_typed(prices, name), name)


def _horizon(horizon, p: pd.Series) -> int:
    h = _checks.window(horizon, "horizon")
    if h >= len(p):
        raise ValueError(f"horizon: {h} days needs at least {h + 1} prices, got {len(p)} (too short for the "
                         "horizon)")
    return h


def realized_variance_target(prices, horizon: int = 21) -> pd.Series:
    """The forecast target: forward realized variance over days t+1 .. t+h, vol points squared.

    ``forward_realized_vol(prices, horizon) ** 2``, named ``realized_variance``; NaN where
    fewer than ``horizon`` returns follow.
    """
    h = _horizon(horizon, _prices(prices))
    out = forward_realized_vol(prices, window=h) ** 2
    out.name = "realized_variance"
    return out


def har_features(prices, lags=HAR_LAGS) -> pd.DataFrame:
    """HAR regressors at t: trailing realized variance over each lag, vol points squared.

    Column ``rv_<lag>`` is ``trailing_realized_vol(prices, lag) ** 2``, the annualized mean
    of the squared returns of days t-lag+1 .. t (known at the close of t). With daily closes
    only, the daily "realized variance" is the squared daily return, a noisy proxy of the
    intraday measure Corsi used.
    """
    lags = _lags(lags)
    _typed(prices, "prices")
    cols = {f"rv_{lag}": trailing_realized_vol(prices, window=lag) ** 2 for lag in lags}
    out = pd.DataFrame(cols)
    out.index.name = "date"
    return out


def _lags(lags) -> tuple[int, ...]:
    if lags is None or isinstance(lags, (str, bytes)) or not np.iterable(lags):
        raise ValueError(f"lags: give a sequence of integers, got {lags!r}")
    lags = tuple(lags)
    if not lags:
        raise ValueError("lags: give at least one lag")
    for lag in lags:
        _checks.window(lag, "lags")
    if len(set(lags)) != len(lags):
        raise ValueError(f"lags: duplicate lag in {lags}")
    return lags


def _split_date(prices: pd.Series, train_end, name="train_end") -> pd.Timestamp:
    d = _checks.date(train_end, name)
    if d < prices.index[0] or d >= prices.index[-1]:
        raise ValueError(
            f"{name} {d.date()} must lie inside the price history of prices "
            f"({prices.index[0].date()} to {prices.index[-1].date()}); prices may be too short"
        )
    return d


@dataclass(frozen=True)
class HARModel:
    """A fitted HAR-RV regression.

    ``E_t[RV^2_{t,t+h}] = const + sum_lag b_lag * RV^2_{t-lag+1..t}``

    Attributes
    ----------
    coef : pandas.Series
        ``const`` (vol points squared) and one slope per lag (``rv_1``, ``rv_5``, ``rv_22``).
    horizon : int
        Forecast horizon h in trading days.
    lags : tuple of int
    train_start, train_end : pandas.Timestamp
        First and last dates of the regression sample; every target window used ends on
        or before ``train_end``.
    n : int
        Number of (overlapping) observations, at least one per coefficient.
    r2 : float
        In-sample R squared, in [0, 1].

    Every field is checked when the record is built (a :class:`ValueError` or
    :class:`TypeError` naming it); integral floats are read as integers.
    """

    coef: pd.Series
    horizon: int
    lags: tuple
    train_start: pd.Timestamp
    train_end: pd.Timestamp
    n: int
    r2: float

    def __post_init__(self):
        if not isinstance(self.coef, pd.Series) or "const" not in self.coef.index:
            raise ValueError("HARModel.coef must be a pandas Series with a 'const' entry and one slope per lag")
        c = self.coef.to_numpy()
        if c.dtype.kind not in "fi" or not np.isfinite(c).all():
            raise ValueError("HARModel.coef must hold finite numbers")
        object.__setattr__(self, "horizon", _checks.integer(self.horizon, "HARModel.horizon", minimum=1))
        lags = _lags(self.lags)
        if len(self.coef) != len(lags) + 1:
            raise ValueError(f"HARModel.coef has {len(self.coef)} entries for {len(lags)} lags plus 'const'")
        names = ["const", *(f"rv_{lag}" for lag in lags)]
        if list(self.coef.index) != names:
            raise ValueError(f"HARModel.coef must be indexed {names} (lags {lags}), got {list(self.coef.index)}")
        for name in ("train_start", "train_end"):
            d = getattr(self, name)
            if not isinstance(d, pd.Timestamp) or pd.isna(d):
                raise ValueError(f"HARModel.{name} must be a pandas Timestamp, got {d!r}")
            if d.tz is not None:
                raise ValueError(f"HARModel.{name}: tz-aware date ({d.tz}); the book's dates are naive, convert "
                                 "with .tz_localize(None)")
        if self.train_start >= self.train_end:
            raise ValueError(f"HARModel.train_start {self.train_start.date()} must precede train_end "
                             f"{self.train_end.date()}")
        n = _checks.integer(self.n, "HARModel.n", minimum=len(lags) + 1)
        object.__setattr__(self, "n", n)
        r2 = _checks.finite(self.r2, "HARModel.r2")
        # an in-sample least-squares R squared with a constant lies in [0, 1] (rounding may go a hair below 0)
        if not -1e-12 <= r2 <= 1.0:
            raise ValueError(f"HARModel.r2 must lie in [0, 1] (the in-sample R squared of a least-squares fit with "
                             f"a constant), got {self.r2!r}")


def har_fit(prices, horizon: int = 21, lags=HAR_LAGS, train_end=None) -> HARModel:
    """Fit HAR-RV (Corsi, 2009) for the average variance of the next ``horizon`` days, by OLS.

    The direct multi-step form: the ``horizon``-day forward realized variance regressed
    on the trailing daily, weekly and monthly realized variances, by least squares
    (``numpy.linalg.lstsq``).

    Parameters
    ----------
    prices : pandas.Series
        Daily closes.
    horizon : int
        Trading days ahead.
    lags : sequence of int
        Trailing windows of the regressors.
    train_end : date-like, optional
        Last day whose information the fit may use: only dates t with the whole target
        window t+1 .. t+h on or before ``train_end`` enter the regression (no look-ahead).
        By default the whole history.

    Returns
    -------
    HARModel
    """
    p = _prices(prices)
    h = _horizon(horizon, p)
    lags = _lags(lags)
    x = har_features(p, lags)
    y = realized_variance_target(p, h)
    if train_end is not None:
        end = _split_date(p, train_end)
        last_t = p.index[p.index <= end][-1 - h] if (p.index <= end).sum() > h else None
        if last_t is None:
            raise ValueError(f"train_end: fewer than {h} days before {end.date()}")
        keep = p.index <= last_t
        x, y = x[keep], y[keep]
    df = pd.concat([x, y], axis=1).dropna()
    if len(df) < len(lags) + 10:
        raise ValueError(f"prices: only {len(df)} complete observations to fit {len(lags) + 1} coefficients")
    design = np.column_stack([np.ones(len(df)), df[x.columns].to_numpy()])
    target = df[y.name].to_numpy()
    beta, *_ = np.linalg.lstsq(design, target, rcond=None)
    resid = target - design @ beta
    r2 = 1.0 - resid.var() / target.var()
    coef = pd.Series(beta, index=["const", *x.columns], name="coef")
    return HARModel(coef=coef, horizon=h, lags=lags, train_start=df.index[0],
                    train_end=df.index[-1] + pd.Timedelta(0), n=int(len(df)), r2=float(r2))


def har_forecast(model: HARModel, prices) -> pd.Series:
    """HAR-RV forecast at every date with complete regressors, vol points squared.

    Returns
    -------
    pandas.Series
        ``E_t[RV^2_{t,t+h}]`` named ``har``, dated t.
    """
    if not isinstance(model, HARModel):
        raise ValueError(f"model: expected a HARModel from har_fit, got {type(model).__name__}")
    x = har_features(prices, model.lags).dropna()
    out = model.coef["const"] + x.to_numpy() @ model.coef.drop("const").to_numpy()
    return pd.Series(out, index=x.index, name="har")


def _annualization(annualization) -> float:
    if isinstance(annualization, (bool, np.bool_)):
        raise _checks.ArgumentTypeError(f"annualization must be a number, got the boolean {annualization!r}")
    return _checks.in_range(annualization, "annualization", 0.0, MAX_ANNUALIZATION, lo_open=True)


def _o(o) -> int:
    if isinstance(o, (bool, np.bool_)) or not isinstance(o, (int, np.integer, float, np.floating)) \
            or o not in (0, 1):
        raise ValueError(f"o must be the integer 0 (GARCH) or 1 (GJR-GARCH), got {o!r}")
    return int(o)


def _garch_setup(prices, train_end, o):
    """Percent log returns, the position of the last estimation return and the arch model."""
    from arch import arch_model

    p = _prices(prices)
    o = _o(o)
    r = 100.0 * log_returns(p)
    if train_end is None:
        pos0 = len(r) - 1
    else:
        end = _split_date(p, train_end)
        pos0 = r.index.get_loc(r.index[r.index <= end][-1])
        if pos0 < 250:
            raise ValueError(f"train_end: only {pos0 + 1} returns to estimate on; need at least 250")
    if len(r) < 250:
        raise ValueError(f"prices: only {len(r)} returns to estimate a GARCH model on; need at least 250")
    model = arch_model(r, mean="Zero", vol="GARCH", p=1, o=o, q=1, dist="normal", rescale=False)
    return r, pos0, model


def garch_fit(prices, train_end=None, o: int = 1) -> pd.DataFrame:
    """The GJR-GARCH(1,1) parameters :func:`garch_forecast` uses, with their standard errors.

    Maximum likelihood with ``arch.arch_model`` (zero mean, normal innovations) on daily log
    returns in percent, ``sigma2_{t+1} = omega + (alpha + gamma 1[r_t < 0]) r_t^2 + beta sigma2_t``,
    estimated on the returns up to and including ``train_end``. ``arch`` maximizes with scipy's
    SLSQP and its default stopping rule (``ftol = 1e-6`` on the total log-likelihood), so the
    estimates are optimizer output: two machines agree to within a small fraction of a standard
    error, not bit for bit.

    Parameters
    ----------
    prices : pandas.Series
        Daily closes (at least 251).
    train_end : date-like, optional
        Last return of the estimation sample (default: the whole history).
    o : int
        1 for GJR-GARCH, 0 for a plain GARCH(1,1) (no ``gamma[1]`` row).

    Returns
    -------
    pandas.DataFrame
        Index ``omega`` (percent squared per day), ``alpha[1]``, ``gamma[1]``, ``beta[1]``
        (unitless); columns ``estimate`` and ``se``, the standard error from the inverse
        Hessian of the log-likelihood (``cov_type="classic"``), the scale on which the
        optimizer's stopping rule is judged.
    """
    r, pos0, model = _garch_setup(prices, train_end, o)
    res = model.fit(last_obs=pos0 + 1, disp="off", cov_type="classic")
    out = pd.DataFrame({"estimate": res.params, "se": res.std_err})
    out.index.name = "parameter"
    return out


def _garch_from_params(prices, params, horizon: int, start=None, annualization: float = TRADING_DAYS):
    """The forecast of :func:`garch_forecast` run from given parameters: the closed-form recursion.

    ``sigma2`` starts from ``arch``'s backcast (:data:`BACKCAST_DAYS`, :data:`BACKCAST_DECAY`) and
    follows the GJR recursion through every return; the ``h``-day forecast from day t is
    ``E_t[sigma2_{t+k}] = omega (1 + phi + ... + phi^{k-2}) + phi^{k-1} sigma2_{t+1}`` with
    ``phi = alpha + gamma / 2 + beta``, averaged over k = 1 .. h and annualized. ``params``
    maps ``omega``, ``alpha[1]``, ``beta[1]`` and optionally ``gamma[1]`` to numbers (percent
    returns). Returns the forecast from ``start`` (default: the first return) on, named ``garch``.
    """
    p = _checks.prices(prices)
    h = _checks.window(horizon, "horizon")
    a = _annualization(annualization)
    om, al, ga, be = (_checks.finite(params.get(k, 0.0), f"params[{k!r}]")
                      for k in ("omega", "alpha[1]", "gamma[1]", "beta[1]"))
    r = 100.0 * log_returns(p)
    x = r.to_numpy()
    tau = min(BACKCAST_DAYS, x.size)
    w = BACKCAST_DECAY ** np.arange(tau)
    backcast = float(np.sum(x[:tau] ** 2 * (w / w.sum())))
    s2 = np.empty(x.size + 1)
    s2[0] = om + (al + 0.5 * ga + be) * backcast
    for t in range(x.size):
        s2[t + 1] = om + (al + ga * (x[t] < 0)) * x[t] ** 2 + be * s2[t]
    pos = 0 if start is None else r.index.get_loc(r.index[r.index <= _checks.date(start, "start")][-1])
    phi = al + 0.5 * ga + be
    k = np.arange(h)
    geo = k.astype(float) if phi == 1.0 else (1.0 - phi**k) / (1.0 - phi)
    mean_var = (om * geo.sum() + s2[pos + 1:] * (phi**k).sum()) / h
    return pd.Series(mean_var * a, index=pd.DatetimeIndex(r.index[pos:], name="date"), name="garch")


def garch_forecast(prices, horizon: int = 21, train_end=None, refit_every=None, o: int = 1,
                   annualization: float = TRADING_DAYS) -> pd.Series:
    """GJR-GARCH(1,1) forecast of the average variance of the next ``horizon`` days.

    Fitted with ``arch.arch_model`` (zero mean, normal innovations; :func:`garch_fit`) on daily
    log returns in percent (the scale ``arch`` expects). Its variance forecasts for days
    t+1 .. t+h are averaged and annualized: percent squared per day times ``annualization``
    is vol points squared per year.

    Parameters
    ----------
    prices : pandas.Series
        Daily closes (at least 251).
    horizon : int
        Trading days ahead, at most the number of returns in ``prices``.
    train_end : date-like, optional
        The parameters are estimated on returns up to and including this date; forecasts
        are returned from this date on (out of sample), with the parameters fixed. By
        default the whole history is used and forecasts are in sample.
    refit_every : int, optional
        Re-estimate on an expanding window every this many trading days after
        ``train_end`` (each estimate is used until the next).
    o : int
        Asymmetric (GJR) order: 1 for GJR-GARCH, 0 for a plain GARCH(1,1).
    annualization : float
        Periods a year, in (0, 366] (252 trading days by default).

    Returns
    -------
    pandas.Series
        Forecast named ``garch``, dated t, vol points squared.
    """
    h = _checks.window(horizon, "horizon")
    a = _annualization(annualization)
    r, pos0, model = _garch_setup(prices, train_end, o)
    if h > len(r):
        raise ValueError(f"horizon: {h} days is longer than the {len(r)} returns in prices (too short "
                         "for the horizon)")
    if train_end is None:
        pos0 = 0
    step = None if refit_every is None else _checks.window(refit_every, "refit_every")
    bounds = [pos0] if step is None else list(range(pos0, len(r), step))
    pieces = []
    for i, b in enumerate(bounds):
        last = None if train_end is None else b + 1  # estimate on returns 0 .. b
        res = model.fit(last_obs=last, disp="off")
        fc = res.forecast(horizon=h, start=r.index[b], reindex=False).variance
        stop = bounds[i + 1] if i + 1 < len(bounds) else len(r)
        pieces.append(fc.iloc[: stop - b])
    var = pd.concat(pieces)
    out = var.mean(axis=1) * a
    out.name = "garch"
    out.index.name = "date"
    return out


def _no_inf(s: pd.Series, name: str) -> None:
    inf = np.isinf(s.to_numpy())
    if inf.any():
        raise ValueError(f"{name}: infinite value on {s.index[inf][0].date()}")


def _aligned(realized, forecast, name_r="realized", name_f="forecast"):
    rv = _checks.series(_typed(realized, name_r), name_r)
    fc = _checks.series(_typed(forecast, name_f), name_f)
    _no_inf(rv, name_r)
    _no_inf(fc, name_f)
    common = _checks.overlap(rv, fc, name_r, name_f)
    df = pd.DataFrame({"rv": rv.reindex(common), "fc": fc.reindex(common)}).dropna()
    if df.empty:
        raise ValueError(f"{name_r} and {name_f} have no date where both are known")
    for col, name in (("rv", name_r), ("fc", name_f)):
        inf = np.isinf(df[col].to_numpy())
        if inf.any():
            raise ValueError(f"{name}: infinite value on {df.index[inf][0].date()}")
    if (df["fc"] <= 0).any():
        d = df.index[(df["fc"] <= 0).to_numpy()][0]
        raise ValueError(f"{name_f}: non-positive variance forecast on {d.date()}")
    if (df["rv"] < 0).any():
        d = df.index[(df["rv"] < 0).to_numpy()][0]
        raise ValueError(f"{name_r}: negative realized variance on {d.date()}")
    ratio = float(df["rv"].median() / df["fc"].median()) if df["rv"].median() > 0 else 1.0
    if not 1.0 / MAX_UNIT_RATIO <= ratio <= MAX_UNIT_RATIO:
        raise ValueError(
            f"{name_r} and {name_f} look like different units (median realized variance "
            f"{df['rv'].median():.4g}, median forecast {df['fc'].median():.4g}); pass both in "
            "the same unit, e.g. vol points squared (a VIX of 20 is 400)"
        )
    return df


def qlike(realized, forecast) -> float:
    """QLIKE loss, ``mean(RV/F - ln(RV/F) - 1)``, over the dates where both exist.

    Zero for a perfect forecast, always non-negative, and robust to noise in the
    realized-variance proxy (Patton, 2011): it ranks forecasts as their expected loss
    against the true variance would. It punishes under-prediction more than
    over-prediction. Variances in any common unit.

    Raises
    ------
    ValueError
        No common date, a non-positive forecast, or a realized variance of zero.
    """
    return _qlike(_aligned(realized, forecast))


def _qlike(df: pd.DataFrame) -> float:
    if (df["rv"] <= 0).any():
        d = df.index[(df["rv"] <= 0).to_numpy()][0]
        raise ValueError(f"realized: zero realized variance on {d.date()}; QLIKE needs RV > 0")
    x = (df["rv"] / df["fc"]).to_numpy()
    return float(np.mean(x - np.log(x) - 1.0))


def mse(realized, forecast) -> float:
    """Mean squared error ``mean((RV - F)^2)`` over common dates, in variance units squared."""
    return _mse(_aligned(realized, forecast))


def _mse(df: pd.DataFrame) -> float:
    return float(np.mean((df["rv"] - df["fc"]) ** 2))


def evaluate(realized, forecasts: dict) -> pd.DataFrame:
    """Score several forecasts of the same target on their common dates.

    Parameters
    ----------
    realized : pandas.Series
        Realized variance that followed each date (e.g. :func:`realized_variance_target`).
    forecasts : dict of str -> pandas.Series
        Forecasts dated t, same units.

    Returns
    -------
    pandas.DataFrame
        One row per forecast: ``QLIKE``, ``MSE``, ``RMSE`` (variance units), ``bias``
        (mean forecast minus mean realized) and ``n``, all on the dates where the target
        and every forecast exist, so the rows are comparable.
    """
    if not isinstance(forecasts, dict) or not forecasts:
        raise ValueError("forecasts: give a non-empty dict of name -> Series")
    if realized is None:
        raise ValueError("realized is None; pass a Series of realized variances")
    rv = _checks.series(_typed(realized, "realized"), "realized")
    _no_inf(rv, "realized")
    rv = rv.dropna()
    common = rv.index
    for name, f in forecasts.items():
        fs = _checks.series(_typed(f, f"forecasts[{name!r}]"), f"forecasts[{name!r}]")
        _no_inf(fs, f"forecasts[{name!r}]")
        fs = fs.dropna()
        common = common.intersection(fs.index)
    if len(common) == 0:
        raise ValueError("realized and the forecasts have no date in common")
    rows = {}
    r_ = rv.reindex(common)
    for name, f in forecasts.items():
        fc = f.reindex(common)
        df = _aligned(r_, fc)                          # checked and aligned once per forecast
        mse_ = _mse(df)
        rows[name] = {
            "QLIKE": _qlike(df),
            "MSE": mse_,
            "RMSE": float(np.sqrt(mse_)),
            "bias": float(fc.mean() - r_.mean()),
            "n": int(len(common)),
        }
    out = pd.DataFrame(rows).T
    out["n"] = out["n"].astype(int)
    out.index.name = "forecast"
    return out


LOSSES = ("qlike", "squared")


def losses(realized, forecast, loss: str = "qlike") -> pd.Series:
    """The loss of a forecast on each date where it and the realized variance both exist.

    Parameters
    ----------
    realized, forecast : pandas.Series
        Realized variance that followed each date and its forecast dated t, in the same
        unit (annualized vol points squared in this book).
    loss : {"qlike", "squared"}
        ``"qlike"``: ``RV/F - ln(RV/F) - 1`` (unitless; needs RV > 0); ``"squared"``:
        ``(RV - F)^2`` (variance units squared).

    Returns
    -------
    pandas.Series
        One loss per common date, named ``loss``; its mean is :func:`qlike` or :func:`mse`.
    """
    return _losses(realized, forecast, loss, "forecast")


def _losses(realized, forecast, loss: str, name_f: str) -> pd.Series:
    loss = _checks.choice(loss, "loss", LOSSES)
    df = _aligned(realized, forecast, "realized", name_f)
    if loss == "qlike":
        if (df["rv"] <= 0).any():
            d = df.index[(df["rv"] <= 0).to_numpy()][0]
            raise ValueError(f"realized: zero realized variance on {d.date()}; QLIKE needs RV > 0")
        x = df["rv"] / df["fc"]
        out = x - np.log(x) - 1.0
    else:
        out = (df["rv"] - df["fc"]) ** 2
    out.name = "loss"
    out.index.name = "date"
    return out


def loss_difference(realized, forecast, benchmark, loss: str = "qlike", block: int = 252,
                    n_boot: int = 1000, seed: int = 0) -> dict:
    """Average loss of ``forecast`` minus that of ``benchmark``, with a block-bootstrap SE.

    A Diebold-Mariano comparison: ``d_t = L(RV_t, F_t) - L(RV_t, B_t)`` on the dates where
    the realized variance and both forecasts exist; its mean is negative when ``forecast``
    is the better one. The ``h``-day targets of neighbouring dates overlap, so the losses
    are serially dependent: the standard error is the moving-block bootstrap one
    (:func:`vrp_lib.bootstrap.block_bootstrap_se` of ``d_t``, blocks of ``block`` days).

    Parameters
    ----------
    realized, forecast, benchmark : pandas.Series
        Realized variance and two forecasts of it, dated t, in the same unit.
    loss : {"qlike", "squared"}
        See :func:`losses`.
    block, n_boot, seed : int
        Block length (trading days), number of resamples and seed of the bootstrap.

    Returns
    -------
    dict
        ``mean`` (average loss difference, in the loss's unit), ``se`` (its standard
        error), ``t`` (``mean / se``) and ``n`` (dates compared).

    Raises
    ------
    ValueError
        As :func:`losses`; also when the two forecasts lose the same on every date (there
        is nothing to compare) or the common sample is shorter than ``block``.
    """
    block = _checks.integer(block, "block", minimum=1)
    a = _losses(realized, forecast, loss, "forecast")
    b = _losses(realized, benchmark, loss, "benchmark")
    common = a.index.intersection(b.index)
    if len(common) == 0:
        raise ValueError("forecast and benchmark have no date in common with realized")
    d = (a.reindex(common) - b.reindex(common)).to_numpy()
    if block > d.size:
        raise ValueError(f"block: {block} days is longer than the {d.size} dates where realized, "
                         "forecast and benchmark all exist (too short for the block)")
    if not np.any(d != 0.0):
        raise ValueError("forecast and benchmark have the same loss on every date; "
                         "nothing to compare")
    # block_bootstrap_se(d, "mean", block, n_boot, seed): the same resamples, their means
    # from block sums (no n_boot x n gather), equal to rounding
    starts = bootstrap._block_starts(d.size, block, n_boot, seed)
    se = float(bootstrap._named_draws(d, "mean", starts, block).std(ddof=1))
    if not se > 0:
        raise ValueError("forecast and benchmark differ by the same loss on every date; the "
                         "standard error of the difference is zero")
    mean = float(d.mean())
    return {"mean": mean, "se": float(se), "t": mean / float(se), "n": int(d.size)}

