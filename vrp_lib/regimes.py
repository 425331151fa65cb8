"""When the premium pays: regimes, negative spells, crisis onsets and the regime filter.

Every result here is computed on **origin dates**: a date ``t`` on which a one-month
(``window`` trading days) short variance swap can be sold at the implied level and settled
on the realized volatility of days ``t+1 .. t+window`` (:func:`vrp_lib.premium.aligned`).

Units
-----
* Volatilities in annualized **vol points** (the VIX quotes 19.7); windows in **trading
  days**; 252 trading days a year.
* P&L of a short variance swap per unit of vega notional, in **vol points**:
  ``(K^2 - RV^2) / (2 K)`` with ``K`` the strike the seller gets (the VIX minus the cost
  give-up, a proxy for the one-month variance-swap strike since the VIX squared is the
  30-day model-free implied variance).

Standard errors
---------------
Daily origin dates overlap by ``window - 1`` days. Every mean, hit rate and Sharpe ratio
here carries a moving-block bootstrap standard error (blocks of 252 trading days for daily
series, 12 periods for monthly ones, :mod:`vrp_lib.bootstrap`); a statistic conditional on
a regime is bootstrapped as a ratio ``sum(x * in_regime) / sum(in_regime)`` over the
resampled blocks of the whole sample, so the regime's days keep their dependence.

The regime filter on every roll calendar
----------------------------------------
A monthly roll sells on every ``window``-th origin date; offsets ``0 .. window - 1`` give
``window`` different calendars of the same strategy (:func:`calendar_pnl`). A **daily
tranche ladder** (:func:`ladder_pnl`) sells ``1 / window`` of the position on every origin
date, so it holds all calendars at once; with a filter it opens no tranche while the filter
is out and closes every open tranche at the close on which the filter turns out (a
mid-month exit), buying back the remaining variance at the implied level plus the cost
give-up. :func:`judge_filters` runs a filter grid on both, removes duplicate cells and
judges the best cell with the deflated Sharpe ratio (:func:`vrp_lib.risk.deflated_sharpe`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import _checks as ck
from . import bootstrap, models, premium, realized, risk, tables
from . import strategies as st
from .risk import _int_arg as _int

__all__ = [
    "CRISES", "origin_frame", "terciles", "realtime_terciles", "regime_table", "regime_forms",
    "regime_difference", "forms_table", "FORM_ROWS", "calendar_sharpe_gaps",
    "negative_spells", "crisis_table", "styled", "ORIGIN_LABELS",
    "swap_values", "calendar_pnl", "exit_age", "ladder_pnl", "monthly_sum", "filter_flags",
    "unique_filters", "judge_filters", "tenor_table",
]

#: Crisis shock dates (the first large fall of each episode) used by :func:`crisis_table`.
CRISES = {
    "Asian crisis": "1997-10-27",
    "Russia and LTCM": "1998-08-31",
    "11 September": "2001-09-17",
    "WorldCom, 2002 bear market": "2002-07-22",
    "Lehman": "2008-09-15",
    "US downgrade": "2011-08-08",
    "China devaluation": "2015-08-24",
    "Volmageddon": "2018-02-05",
    "Q4 2018 sell-off": "2018-10-10",
    "COVID-19": "2020-02-24",
}


# ------------------------------------------------------------------------------- checks

def _nonneg(x, name: str) -> float:
    return ck.nonnegative(x, name)


def _frame(frame, need=("implied", "realized")) -> pd.DataFrame:
    """Check an :func:`origin_frame` table: the columns ``need``, sorted unique naive dates,
    numbers, no NaN or inf in any column but ``trailing``, and in ``trailing`` NaN only on
    the leading dates (before the first full trailing window, as :func:`origin_frame`
    leaves it), never inf."""
    f = ck.frame(frame, "frame", columns=need)
    checked = [c for c in f.columns if c != "trailing"]
    bad = ~np.isfinite(f[checked].to_numpy())
    if bad.any():
        raise ValueError(f"frame: NaN or inf on {f.index[bad.any(axis=1)][0].date()}")
    if "trailing" in f.columns:
        tr = f["trailing"].to_numpy()
        if np.isinf(tr).any():
            raise ValueError(f"frame: inf in column 'trailing' on {f.index[np.isinf(tr)][0].date()}")
        nan = np.isnan(tr)
        late = nan & (np.cumsum(~nan) > 0)  # NaN after the first trailing value
        if late.any():
            raise ValueError(f"frame: NaN in column 'trailing' on {f.index[late][0].date()}, after its first "
                             "value (only the leading dates, before a full trailing window, may be NaN)")
    return frame


def _labels(labels, f: pd.DataFrame) -> pd.Series:
    """Regime labels on the origin dates of ``f``: a Series, same index, no missing label."""
    if labels is None:
        raise ValueError("labels: got None; pass a Series of regime labels")
    if not isinstance(labels, pd.Series):
        raise TypeError(f"labels: expected a Series, got {type(labels).__name__}")
    if not labels.index.equals(f.index):
        raise ValueError("labels: the index must equal frame's origin dates")
    if labels.isna().any():
        raise ValueError("labels: contains a missing label")
    return labels


def _labels_on(labels, f: pd.DataFrame, name: str = "labels") -> pd.Series:
    """Regime labels on some of the origin dates of ``f`` (e.g. real-time terciles, which
    label none of the first year): a Series, dates of ``f`` in order, no missing label."""
    if not isinstance(labels, pd.Series):
        raise ck.ArgumentTypeError(f"{name}: expected a Series of regime labels, got {ck._what(labels)}")
    if len(labels) == 0:
        raise ValueError(f"{name}: labels no origin date")
    if not labels.index.isin(f.index).all() or not labels.index.is_monotonic_increasing \
            or labels.index.has_duplicates:
        raise ValueError(f"{name}: its dates must be origin dates of frame, sorted and unique")
    if labels.isna().any():
        raise ValueError(f"{name}: contains a missing label")
    return labels


def _regime_pair(labels: pd.Series, first, last) -> None:
    """``first`` and ``last`` must be regimes of ``labels`` (named in the error)."""
    known = set(labels.cat.categories) if isinstance(labels.dtype, pd.CategoricalDtype) else set(labels)
    for name, c in (("first", first), ("last", last)):
        if c is None or isinstance(c, (float, bool, np.bool_)) or c not in known:
            raise ValueError(f"{name}: {c!r} is not a regime of labels ({sorted(map(str, known))})")


def _int_list(x, name: str, low: int) -> list[int]:
    """A non-empty list or tuple of integers of at least ``low``."""
    if x is None or isinstance(x, (str, bytes)) or not hasattr(x, "__len__"):
        raise ck.ArgumentTypeError(f"{name}: expected a list of integers, got {ck._what(x)}")
    if not len(x):
        raise ValueError(f"{name}: is empty; give at least one value")
    return [_int(v, name, low) for v in x]


# ------------------------------------------------------------------------ origin frame

def origin_frame(implied_vol, prices, window: int = 21, trailing_window: int = 21,
                 give_up: float = 0.0) -> pd.DataFrame:
    """Everything known about each origin date, in one table.

    Parameters
    ----------
    implied_vol : pandas.Series
        Implied volatility in vol points (the VIX), DatetimeIndex.
    prices : pandas.Series
        Daily closes of the underlying (the S&P 500).
    window : int
        Trading days of the forward window (21: one month).
    trailing_window : int
        Trading days of the trailing realized volatility known at ``t``.
    give_up : float
        Vol points the seller gives up against the implied level (half the bid-ask spread
        plus slippage); 0 for gross P&L.

    Returns
    -------
    pandas.DataFrame
        Indexed by origin date (those of :func:`vrp_lib.premium.aligned`): ``implied``,
        ``realized`` (forward, vol points), ``vrp`` (implied minus realized, vol points),
        ``trailing`` (trailing realized vol at ``t``, vol points; NaN on the first
        ``trailing_window - 1`` dates, use ``.dropna()`` for a trailing split) and ``pnl`` (short
        variance swap per unit vega notional at strike ``implied - give_up``, vol points).
    """
    g = _nonneg(give_up, "give_up")
    tw = _int(trailing_window, "trailing_window", 2)
    w = _int(window, "window", 1)
    ck.long_enough(len(ck.series(implied_vol, "implied_vol")), w + 1, "implied_vol", what="quotes",
                   window_value=w, detail="one forward window")
    ck.long_enough(len(ck.prices(prices, "prices")), tw + 1, "prices", window_value=tw,
                   window_name="trailing_window")
    a = premium.aligned(implied_vol, prices, window=window)
    trailing = realized.trailing_realized_vol(prices, tw).reindex(a.index)
    k = a["implied"] - g
    if (k <= 0).any():
        raise ValueError("give_up: exceeds the implied level on some origin date")
    out = pd.DataFrame({
        "implied": a["implied"], "realized": a["realized"],
        "vrp": a["implied"] - a["realized"], "trailing": trailing,
        "pnl": (k**2 - a["realized"] ** 2) / (2 * k),
    })
    return out


def terciles(x, labels=("low", "middle", "high")) -> pd.Series:
    """Tercile of each value over the whole sample (a descriptive split: it uses the full
    sample's quantiles, which no one knew in real time).

    Parameters
    ----------
    x : pandas.Series
        Numbers (no booleans, NaN or inf) on a sorted, unique, timezone-naive DatetimeIndex,
        at least 3 of them.
    labels : list or tuple of 3 distinct names
        The names of the low, middle and high terciles.

    Returns
    -------
    pandas.Series
        Categorical labels, index of ``x``.
    """
    v = ck.series(x, "x").to_numpy()
    if len(v) < 3:
        raise ValueError(f"x: need at least 3 values for terciles, got {len(v)}")
    if not np.isfinite(v).all():
        raise ValueError("x: contains NaN or inf")
    if not isinstance(labels, (list, tuple)):
        raise ck.ArgumentTypeError(f"labels: expected a list or tuple of 3 names, got {ck._what(labels)}")
    if len(labels) != 3 or len(set(labels)) != 3:
        raise ValueError(f"labels: need 3 distinct labels, got {list(labels)}")
    q = np.quantile(v, [1 / 3, 2 / 3])
    codes = np.searchsorted(q, v, side="right")
    return pd.Series(pd.Categorical.from_codes(codes, list(labels)), index=x.index, name="tercile")


def realtime_terciles(x, min_history: int = 252, labels=("low", "middle", "high")) -> pd.Series:
    """Tercile of each value by thresholds known at the time: the 1/3 and 2/3 quantiles of
    the values on the dates **before** it (an expanding window).

    Parameters
    ----------
    x : pandas.Series
        Numbers (no NaN or inf) on sorted, unique, naive dates (e.g. the VIX on each origin
        date).
    min_history : int
        Dates of history needed before the first label (252: a year of trading days); the
        first ``min_history`` dates get no label.
    labels : list or tuple of 3 distinct names

    Returns
    -------
    pandas.Series
        Categorical labels on the dates of ``x`` from position ``min_history`` on; a value
        equal to a threshold goes to the higher tercile, as in :func:`terciles`. Thresholds
        use ``numpy.quantile``'s linear interpolation.
    """
    s = ck.series(x, "x")
    v = s.to_numpy()
    if not np.isfinite(v).all():
        raise ValueError("x: contains NaN or inf")
    h = _int(min_history, "min_history", 3)
    if h >= len(v):
        raise ValueError(f"min_history ({h}) leaves no date of x ({len(v)} values) to label")
    if not isinstance(labels, (list, tuple)) or len(labels) != 3 or len(set(labels)) != 3:
        raise ValueError(f"labels: need 3 distinct labels, got {labels!r}")
    past = pd.Series(v).expanding(min_periods=h)
    q1 = past.quantile(1 / 3).shift(1).to_numpy()[h:]
    q2 = past.quantile(2 / 3).shift(1).to_numpy()[h:]
    codes = (v[h:] >= q1).astype(int) + (v[h:] >= q2).astype(int)
    return pd.Series(pd.Categorical.from_codes(codes, list(labels)), index=s.index[h:],
                     name="real-time tercile")


class _BootSE:
    """Block-bootstrap standard errors of many series on shared draws, from resampled sums.

    :func:`vrp_lib.risk.sharpe_se` (``method="bootstrap"``) and :func:`vrp_lib.risk.mean_se`
    build the ``n_boot x n`` resamples of :func:`vrp_lib.bootstrap.block_indices` on every
    call. This draws the same block starts once per series length and takes each
    resample's mean and standard deviation from its sums of ``x`` and ``x**2``
    (:func:`_resampled_sums`, ``O(n_boot * n / block)``): the same resamples, so the
    standard errors equal the library's up to rounding (about 1e-12 relative).
    """

    def __init__(self, block: int, n_boot: int, seed: int):
        self.block, self.n_boot, self.seed = block, n_boot, seed
        self._starts: dict[int, np.ndarray] = {}

    def _sums(self, a: np.ndarray, squares: bool) -> list[np.ndarray]:
        n = a.size
        if n not in self._starts:
            if self.block > n:
                raise ValueError(f"block ({self.block}) is longer than the series ({n} observations)")
            self._starts[n] = bootstrap._block_starts(n, self.block, self.n_boot, self.seed)
        return _sums_at([a, a * a] if squares else [a], self._starts[n], self.block)

    def sharpe(self, a: np.ndarray, periods_per_year: float) -> float:
        """``risk.sharpe_se(a, periods_per_year, "bootstrap", block, n_boot, seed)``."""
        risk.sharpe(a, periods_per_year)  # raises on a constant record, as risk.sharpe_se
        n = a.size
        s1, s2 = self._sums(a, True)
        mean = s1 / n
        var = (s2 - s1 * mean) / (n - 1)
        if not (var > 0).all():
            raise ValueError("statistic: not finite on some resamples (e.g. a constant resample "
                             "for a Sharpe ratio)")
        return float(np.sqrt(periods_per_year) * float((mean / np.sqrt(var)).std(ddof=1)))

    def mean(self, a: np.ndarray, periods_per_year: float) -> float:
        """``risk.mean_se(a, periods_per_year, block, n_boot, seed)``."""
        return float(periods_per_year * float((self._sums(a, False)[0] / a.size).std(ddof=1)))


# ------------------------------------------------------------------------ regime table

#: Column names of :func:`regime_table`.
REGIME_COLUMNS = (
    "Origin days", "Range (vol points)", "Premium (vol points)", "SE of premium",
    "P&L per roll (vol points)", "SE of P&L", "Hit rate", "SE of hit rate",
)


def _resampled_sums(columns, block: int, n_boot: int, seed: int) -> list[np.ndarray]:
    """Sum of each column over every moving-block resample, without building the resamples.

    The draws are those of :func:`vrp_lib.bootstrap.block_indices` (same generator, same
    block starts): a resample's sum is the sum of its blocks' sums, the last block cut so the
    resample has ``n`` observations. Cost ``O(n + n_boot * n / block)`` instead of
    ``O(n_boot * n)``.
    """
    n = len(columns[0])
    if block > n:
        raise ValueError(f"block ({block}) is longer than the series ({n} observations)")
    starts = bootstrap._block_starts(n, block, n_boot, seed)  # n_boot within bootstrap.MAX_N_BOOT
    return _sums_at(columns, starts, block)


def _sums_at(columns, starts: np.ndarray, block: int) -> list[np.ndarray]:
    """:func:`_resampled_sums` on given block starts (``bootstrap._block_starts``)."""
    return [bootstrap._resampled_sums(col, starts, block) for col in columns]


def regime_table(frame, labels, values=None, block: int = 252, n_boot: int = 1000,
                 seed: int = 0) -> pd.DataFrame:
    """Premium, short-swap P&L and hit rate in each regime, with block-bootstrap SEs.

    Parameters
    ----------
    frame : pandas.DataFrame
        Output of :func:`origin_frame` (columns ``vrp``, ``pnl``).
    labels : pandas.Series
        The regime of each origin date (same index), e.g. :func:`terciles` of the VIX
        or of the trailing realized volatility.
    values : pandas.Series, optional
        The variable that defines the regimes (vol points), for the range column.
    block, n_boot, seed : int
        Moving-block bootstrap over the whole sample (252 trading days for daily origins);
        ``n_boot`` at most :data:`vrp_lib.bootstrap.MAX_N_BOOT`.

    Returns
    -------
    pandas.DataFrame
        One row per regime (in the order of the categories): number of origin days, range
        of ``values`` in the regime (empty without ``values``), mean premium (vol points) and SE,
        mean P&L per unit vega (vol points)
        and SE, hit rate (fraction of origin days with P&L > 0) and SE.
    """
    f = _frame(frame, ("vrp", "pnl"))
    labels = _labels(labels, f)
    b = _int(block, "block", 1)
    nb = _int(n_boot, "n_boot", 2)
    sd = _int(seed, "seed", 0)
    cats = (list(labels.cat.categories) if isinstance(labels.dtype, pd.CategoricalDtype)
            else sorted(labels.unique()))
    value = None
    if values is not None:
        vs = ck.series(values, "values")
        if not vs.index.equals(f.index):
            raise ValueError("values: the index must equal frame's origin dates")
        value = ck.array(vs, "values")
    x = {"vrp": f["vrp"].to_numpy(), "pnl": f["pnl"].to_numpy(),
         "hit": (f["pnl"].to_numpy() > 0).astype(float)}
    rows = {}
    for c in cats:
        m = (labels == c).to_numpy()
        if m.sum() == 0:
            raise ValueError(f"labels: regime {c!r} has no origin date")
        cnt, *sums = _resampled_sums([m] + [np.where(m, x[key], 0.0) for key in x], b, nb, sd)
        if (cnt == 0).any():
            raise ValueError(f"labels: regime {c!r} is too rare for blocks of {b} days")
        row = [int(m.sum())]
        if value is not None:
            v = value[m]
            row.append(f"{v.min():.1f} to {v.max():.1f}")
        else:
            row.append("")
        for key, sm in zip(x, sums):
            row += [float(x[key][m].mean()), float((sm / cnt).std(ddof=1))]
        rows[c] = row
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(REGIME_COLUMNS))


#: Column names of :func:`regime_forms`.
FORM_COLUMNS = (
    "Origin days", "Premium (vol points)", "SE of premium", "Log premium ln(VIX/RV)",
    "SE of log premium", "Sharpe ratio of P&L (annualized)", "SE of Sharpe ratio",
)


def _form_draws(f: pd.DataFrame, m: np.ndarray, column: str, b: int, nb: int, sd: int, ppy: float):
    """The regime statistic of ``column`` and its value on every block resample."""
    if column == "sharpe":
        x = f["pnl"].to_numpy()
        cnt, s1, s2 = _resampled_sums([m, np.where(m, x, 0.0), np.where(m, x**2, 0.0)], b, nb, sd)
        if (cnt < 2).any():
            raise ValueError("labels: a regime is too rare for the blocks (fewer than 2 dates in a resample)")
        mean = s1 / cnt
        var = np.maximum(s2 / cnt - mean**2, 0.0) * cnt / (cnt - 1.0)
        xm = x[m]
        sdv = xm.std(ddof=1)
        if not sdv > 0 or not (var > 0).all():
            raise ValueError("frame: the P&L does not vary within a regime; its Sharpe ratio is undefined")
        return float(xm.mean() / sdv * np.sqrt(ppy)), mean / np.sqrt(var) * np.sqrt(ppy)
    if column == "log":
        x = np.log(f["implied"].to_numpy() / f["realized"].to_numpy())
    elif column == "hit":
        x = (f["pnl"].to_numpy() > 0).astype(float)
    else:
        x = f[column].to_numpy()
    cnt, sm = _resampled_sums([m, np.where(m, x, 0.0)], b, nb, sd)
    if (cnt == 0).any():
        raise ValueError("labels: a regime is too rare for the blocks")
    return float(x[m].mean()), sm / cnt


def regime_forms(frame, labels, block: int = 252, n_boot: int = 1000, seed: int = 0,
                 periods_per_year: float = 12.0) -> pd.DataFrame:
    """The premium by regime in three forms: vol points, logs and risk-adjusted.

    A premium larger in vol points when the VIX is high may be the same in proportion (logs)
    and smaller per unit of risk (Sharpe ratio): the three rows say which.

    Parameters
    ----------
    frame : pandas.DataFrame
        Output of :func:`origin_frame` (columns ``implied``, ``realized``, ``vrp``, ``pnl``;
        realized volatility positive).
    labels : pandas.Series
        Regime of each origin date (same index), e.g. :func:`terciles` or, on the dates it
        labels, :func:`realtime_terciles`.
    block, n_boot, seed : int
        Moving-block bootstrap over the whole sample, as in :func:`regime_table`.
    periods_per_year : float
        Annualizes the Sharpe ratio of the per-roll P&L (12: one-month swaps).

    Returns
    -------
    pandas.DataFrame
        One row per regime, ``FORM_COLUMNS``: origin days, mean premium ``IV - RV`` (vol
        points) and SE, mean log premium ``ln(IV / RV)`` and SE, the annualized Sharpe ratio
        of the short swap's P&L per roll (mean over standard deviation of the origin dates'
        P&L in the regime, times ``sqrt(periods_per_year)``) and SE.
    """
    f = _frame(frame, ("implied", "realized", "vrp", "pnl"))
    if (f["realized"].to_numpy() <= 0).any():
        raise ValueError("frame: realized volatility must be positive for the log premium")
    labels = _labels(labels, f)
    b, nb, sd = _int(block, "block", 1), _int(n_boot, "n_boot", 2), _int(seed, "seed", 0)
    ppy = risk._per_year(periods_per_year, "periods_per_year", risk.MIN_PERIODS_PER_YEAR)
    cats = (list(labels.cat.categories) if isinstance(labels.dtype, pd.CategoricalDtype)
            else sorted(labels.unique()))
    rows = {}
    for c in cats:
        m = (labels == c).to_numpy()
        if m.sum() < 2:
            raise ValueError(f"labels: regime {c!r} has fewer than 2 origin dates")
        row = [int(m.sum())]
        for col in ("vrp", "log", "sharpe"):
            value, draws = _form_draws(f, m, col, b, nb, sd, ppy)
            row += [value, float(draws.std(ddof=1))]
        rows[c] = row
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(FORM_COLUMNS))


#: Row names of :func:`forms_table` (the second level), in order.
FORM_ROWS = (
    "Premium (vol points)", "Log premium ln(VIX/RV)",
    "Sharpe ratio, all origin dates (annualized)", "Sharpe ratio, monthly rolls (annualized)",
)


def forms_table(frame, labelings: dict, roll_dates=None, first="low", last="high",
                block: int = 252, roll_block: int = 12, n_boot: int = 1000,
                seed: int = 0) -> pd.DataFrame:
    """The premium by regime in three forms, one row per form and labelling, each with the
    difference between two regimes and its standard error.

    The rows say in which form "larger in the ``last`` regime" holds: in vol points, in logs,
    per unit of risk on all origin dates, and per unit of risk on one calendar of monthly
    rolls (the non-overlapping sample an investor trades).

    Parameters
    ----------
    frame : pandas.DataFrame
        Output of :func:`origin_frame` (``implied``, ``realized``, ``vrp``, ``pnl``).
    labelings : dict
        ``name -> labels``: the regime of each origin date it labels (a Series on dates of
        ``frame``, e.g. :func:`terciles` on all dates, :func:`realtime_terciles` from the
        second year on).
    roll_dates : sequence of dates, optional
        Origin dates of one calendar of monthly rolls (e.g. the index of
        :func:`vrp_lib.strategies.rolls`); without it the monthly row is left out. Each roll
        takes the label of its origin date.
    first, last
        The regimes compared: the difference is ``last - first``.
    block, roll_block : int
        Moving-block bootstrap blocks: origin dates (252, a year) and monthly rolls (12).
    n_boot, seed : int
        Resamples and seed, as in :func:`regime_forms`.

    Returns
    -------
    pandas.DataFrame
        Index ``(labelling, form)`` with ``form`` in :data:`FORM_ROWS`; columns: each regime
        (vol points, log points or annualized Sharpe ratio), ``"SE (<regime>)"`` after it, then
        ``"<last> minus <first>"`` and ``"SE (difference)"`` (block bootstrap, the same
        resamples for both regimes).
    """
    f = _frame(frame, ("implied", "realized", "vrp", "pnl"))
    if not isinstance(labelings, dict) or not labelings:
        raise ck.ArgumentTypeError(f"labelings must be a non-empty dict name -> labels, got "
                                   f"{ck._what(labelings)}")
    dates = None
    if roll_dates is not None:
        if isinstance(roll_dates, (str, bytes)) or not hasattr(roll_dates, "__len__"):
            raise ck.ArgumentTypeError(f"roll_dates: expected a sequence of dates, got {ck._what(roll_dates)}")
        try:
            dates = pd.DatetimeIndex(roll_dates)
        except (TypeError, ValueError) as exc:
            raise ck.ArgumentTypeError(f"roll_dates: expected a sequence of dates ({exc})") from None
        if len(dates) == 0 or not dates.isin(f.index).all():
            raise ValueError("roll_dates: every roll date must be an origin date of frame")
        if not dates.is_monotonic_increasing or dates.has_duplicates:
            raise ValueError("roll_dates: the roll dates must be sorted and unique")
    b, rb = _int(block, "block", 1), _int(roll_block, "roll_block", 1)
    diff = f"{last} minus {first}"
    rows, index = [], []
    for name, labels in labelings.items():
        labels = _labels_on(labels, f, f"labelings[{name!r}]")
        _regime_pair(labels, first, last)
        sub = f.loc[labels.index]
        forms = regime_forms(sub, labels, block=b, n_boot=n_boot, seed=seed)
        cats = list(forms.index)
        parts = [(FORM_ROWS[0], forms.iloc[:, 1:3], "vrp", sub, labels, b),
                 (FORM_ROWS[1], forms.iloc[:, 3:5], "log", sub, labels, b),
                 (FORM_ROWS[2], forms.iloc[:, 5:7], "sharpe", sub, labels, b)]
        if dates is not None:
            on = dates[dates.isin(labels.index)]
            m_lab, m_sub = labels.loc[on], f.loc[on]
            monthly = regime_forms(m_sub, m_lab, block=rb, n_boot=n_boot, seed=seed)
            parts.append((FORM_ROWS[3], monthly.iloc[:, 5:7], "sharpe", m_sub, m_lab, rb))
        for form, values, column, fr, lab, blk in parts:
            d, se = regime_difference(fr, lab, last, first, column, block=blk, n_boot=n_boot,
                                      seed=seed)
            row = []
            for c in cats:
                row += [float(values.loc[c].iloc[0]), float(values.loc[c].iloc[1])]
            rows.append(row + [d, se])
            index.append((name, form))
    columns = [x for c in cats for x in (str(c), f"SE ({c})")] + [diff, "SE (difference)"]
    return pd.DataFrame(rows, index=pd.MultiIndex.from_tuples(index, names=["terciles", "form"]),
                        columns=columns)


def calendar_sharpe_gaps(frame, labels, prices, window: int = 21, first="low", last="high",
                         periods_per_year: float = 12.0) -> pd.Series:
    """The ``last``-minus-``first`` regime gap in the Sharpe ratio of monthly rolls, on each
    of the ``window`` roll calendars.

    Calendar ``k`` sells on every ``window``-th trading day of ``prices`` from the ``k``-th
    after the first origin date, as :func:`vrp_lib.strategies.rolls` with ``offset=k`` (a
    roll date that is not an origin date of ``frame`` is skipped); each roll takes the
    regime of its origin date.

    Parameters
    ----------
    frame : pandas.DataFrame
        Output of :func:`origin_frame` (column ``pnl``, vol points per unit vega).
    labels : pandas.Series
        Regime of each origin date it labels (dates of ``frame``).
    prices : pandas.Series
        The daily closes ``frame`` was built from (their trading days fix the calendars).
    window : int
        Trading days per roll: the number of calendars.
    first, last
        The regimes compared.
    periods_per_year : float
        Annualizes the per-roll Sharpe ratio (12).

    Returns
    -------
    pandas.Series
        Indexed by offset ``0 .. window - 1`` (``offset``): annualized Sharpe ratio of the
        rolls in ``last`` minus that in ``first``; NaN on a calendar with fewer than two
        rolls in either regime.
    """
    f = _frame(frame, ("pnl",))
    lab = _labels_on(labels, f)
    w = _int(window, "window", 1)
    ck.long_enough(len(lab), 4 * w, "labels", what="labelled origin dates", window_value=w,
                   detail="two rolls in each of two regimes on a calendar")
    ppy = risk._per_year(periods_per_year, "periods_per_year", risk.MIN_PERIODS_PER_YEAR)
    p = ck.prices(prices)
    pos = p.index.get_indexer(lab.index)
    if (pos < 0).any():
        raise ValueError("prices: every origin date of frame must be a trading day of prices")
    start = int(p.index.get_indexer(f.index[:1])[0])
    if start < 0:
        raise ValueError("prices: every origin date of frame must be a trading day of prices")
    _regime_pair(lab, first, last)
    rel = pos - start
    keep = rel >= 0
    offset = rel[keep] % w
    g = pd.DataFrame({"offset": offset, "regime": np.asarray(lab.astype(object))[keep],
                      "pnl": f.loc[lab.index, "pnl"].to_numpy()[keep]})
    stats = g.groupby(["offset", "regime"])["pnl"].agg(["mean", "std", "count"])
    sharpe = (stats["mean"] / stats["std"] * np.sqrt(ppy)).where(stats["count"] >= 2)
    wide = sharpe.unstack("regime").reindex(index=range(w))
    out = np.asarray(wide.get(last, np.nan) - wide.get(first, np.nan), dtype=float)
    if np.isnan(out).all():
        raise ValueError(f"labels: no calendar has two rolls in both {first!r} and {last!r} "
                         f"({len(lab)} labelled origin dates)")
    return pd.Series(out, index=pd.RangeIndex(w, name="offset"),
                     name=f"{last} minus {first}")


def regime_difference(frame, labels, first, second, column: str = "hit", block: int = 252,
                      n_boot: int = 1000, seed: int = 0) -> tuple[float, float]:
    """Difference of a regime mean between two regimes, with its block-bootstrap SE.

    Parameters
    ----------
    frame, labels, block, n_boot, seed
        As in :func:`regime_table`.
    first, second
        The two regime labels; the difference is ``first - second``.
    column : {"vrp", "pnl", "hit", "log", "sharpe"}
        Premium (vol points), P&L per unit vega (vol points), hit rate (fraction), log
        premium ``ln(IV / RV)`` or the annualized Sharpe ratio of the P&L per roll (12 a
        year, as :func:`regime_forms`).

    Returns
    -------
    (float, float)
        The difference and its standard error (the same resamples for both regimes, so
        their dependence is kept).
    """
    cols = ("vrp", "pnl", "hit", "log", "sharpe")
    if not isinstance(column, str) or column not in cols:
        raise ValueError(f"column must be one of {cols}, got {column!r}")
    f = _frame(frame, ("implied", "realized", "vrp", "pnl") if column == "log" else ("vrp", "pnl"))
    if column == "log" and (f["realized"].to_numpy() <= 0).any():
        raise ValueError("frame: realized volatility must be positive for the log premium")
    labels = _labels(labels, f)
    regimes = set(labels.cat.categories) if isinstance(labels.dtype, pd.CategoricalDtype) else set(labels)
    for name, c in (("first", first), ("second", second)):
        if c is None or isinstance(c, (float, bool, np.bool_)) or c not in regimes:
            raise ValueError(f"{name}: {c!r} is not a regime of labels ({sorted(map(str, regimes))})")
    b, nb, sd = _int(block, "block", 1), _int(n_boot, "n_boot", 2), _int(seed, "seed", 0)
    out, draws = [], []
    for c in (first, second):
        m = (labels == c).to_numpy()
        if not m.any():
            raise ValueError(f"labels: no origin date in regime {c!r}")
        value, d = _form_draws(f, m, column, b, nb, sd, 12.0)
        out.append(value)
        draws.append(d)
    return float(out[0] - out[1]), float((draws[0] - draws[1]).std(ddof=1))


#: Human column names of :func:`origin_frame`, with units, for display.
ORIGIN_LABELS = {
    "implied": "VIX (vol points)", "realized": "Forward 21-day RV (vol points)",
    "vrp": "Premium (vol points)", "trailing": "Trailing 21-day RV (vol points)",
    "pnl": "Short-swap P&L (vol points per unit vega)",
}


#: The book's table formatter, now in :mod:`vrp_lib.tables` (kept here as an alias for the
#: chapters that call ``regimes.styled``): see :func:`vrp_lib.tables.styled`.
styled = tables.styled


# --------------------------------------------------------------------- negative spells

def negative_spells(vrp_series, min_length: int = 1) -> pd.DataFrame:
    """Spells of consecutive origin dates with a negative premium, longest first.

    Parameters
    ----------
    vrp_series : pandas.Series
        Daily premium ``IV_t - RV_{t,t+window}`` in vol points.
    min_length : int
        Keep spells of at least this many origin dates (at most the length of the series).

    Returns
    -------
    pandas.DataFrame
        ``start``, ``end`` (dates), ``length`` (origin days), ``worst`` (most negative
        premium, vol points) and ``average`` (mean premium over the spell, vol points),
        sorted by length (longest first, then by start date).
    """
    vrp_series = ck.series(vrp_series, "vrp_series")
    if not np.isfinite(vrp_series.to_numpy(dtype=float)).all():
        raise ValueError("vrp_series: contains NaN or inf")
    ml = _int(min_length, "min_length", 1)
    if ml > len(vrp_series):
        raise ValueError(f"min_length ({ml}) is longer than vrp_series ({len(vrp_series)} origin dates)")
    spells = risk.runs(vrp_series < 0)
    v = vrp_series.to_numpy(dtype=float)
    pos = vrp_series.index.get_indexer(spells["start"])
    worst, avg = [], []
    for p, n in zip(pos, spells["length"]):
        seg = v[p:p + n]
        worst.append(seg.min())
        avg.append(seg.mean())
    spells["worst"] = worst
    spells["average"] = avg
    spells = spells[spells["length"] >= ml]
    return spells.sort_values(["length", "start"], ascending=[False, True]).reset_index(drop=True)


# ------------------------------------------------------------------------ crisis onsets

def crisis_table(frame, crises=None, window: int = 21, after: int = 63) -> pd.DataFrame:
    """The premium around each crisis: at the onset and in the months after.

    For a shock on date ``s`` the **onset window** is the ``window`` origin dates up to and
    including ``s``: the forward windows of the first ``window - 1`` of them hold the shock's
    return, and ``s`` itself, the day the VIX jumps, is included as the first date whose
    premium starts from the shocked level; **after** is the next
    ``after`` origin dates (``s+1 .. s+after``), and **months 4-6** the ``after`` dates
    following those.

    Parameters
    ----------
    frame : pandas.DataFrame
        Output of :func:`origin_frame`.
    crises : dict of {str: date-like}, optional
        Name and shock date of each crisis; default :data:`CRISES`.

    Returns
    -------
    pandas.DataFrame
        One row per crisis: shock date, VIX at the start of the onset window, the mean
        premium (vol points) over the onset window, its minimum, the mean premium over the
        ``after`` dates and over the following ``after`` dates, and the mean short-swap
        P&L per unit vega at the onset and after (vol points).
    """
    f = _frame(frame, ("implied", "vrp", "pnl"))
    crises = CRISES if crises is None else crises
    if not isinstance(crises, dict) or not crises:
        raise ValueError("crises: pass a non-empty dict {name: shock date}")
    w = _int(window, "window", 1)
    a = _int(after, "after", 1)
    if w > len(f):
        raise ValueError(f"window ({w}) is longer than frame ({len(f)} origin dates)")
    if w + 2 * a > len(f):
        raise ValueError(f"after ({a}): window + 2 * after = {w + 2 * a} origin dates, more than frame holds "
                         f"({len(f)})")
    rows = {}
    for name, d in crises.items():
        s = pd.Timestamp(d)
        p = int(f.index.searchsorted(s))
        if p - w + 1 < 0 or p + 2 * a >= len(f):
            raise ValueError(f"crises: {name} ({s.date()}) lies too close to the edge of frame "
                             f"({f.index[0].date()} to {f.index[-1].date()}; needs {w} origin dates "
                             f"up to the shock and {2 * a} after it)")
        on = f.iloc[p - w + 1:p + 1]
        nxt = f.iloc[p + 1:p + 1 + a]
        later = f.iloc[p + 1 + a:p + 1 + 2 * a]
        rows[name] = {
            "Shock date": f.index[p].date(), "VIX at onset start": on["implied"].iloc[0],
            "Premium at onset (vol points)": on["vrp"].mean(),
            "Worst premium at onset": on["vrp"].min(),
            "Premium, next 3 months": nxt["vrp"].mean(),
            "Premium, months 4-6": later["vrp"].mean(),
            "P&L at onset (vol points)": on["pnl"].mean(),
            "P&L, next 3 months": nxt["pnl"].mean(),
        }
    return pd.DataFrame.from_dict(rows, orient="index")


# ------------------------------------------------------------- swaps on every calendar

def swap_values(implied, sq_returns, window: int = 21, give_up: float = 0.0,
                annualization: float = 252.0, buyback_multiple: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Value of a short one-month variance swap opened on each day, at each age.

    Position ``i`` is a swap sold at the close of day ``i`` at strike
    ``K = implied[i] - give_up``; at age ``s`` (days ``i+1 .. i+s`` realized) its value
    to the seller per unit vega notional is the mark-to-market of
    :func:`vrp_lib.swaps.mark_to_market` with the sign reversed, the remaining variance
    marked at ``implied[i+s]`` (the 30-day implied level as a proxy for the remaining
    life):

    ``V[i, s] = (K^2 - 100^2 * a / w * sum_{j<=s} r_{i+j}^2 - (1 - s/w) IV_{i+s}^2) / (2K)``.

    Parameters
    ----------
    implied : array_like
        Daily implied vol in vol points, one per trading day (no NaN).
    sq_returns : array_like
        Squared daily log returns, ``sq_returns[j]`` the return from day ``j-1`` to ``j``
        (``sq_returns[0]`` is ignored but must be a number, e.g. 0: no NaN or inf).
    window : int
        Trading days of the swap's life, shorter than the data.
    give_up : float
        Vol points the seller gives up against the implied level (non-negative).
    annualization : float
        Trading days per year, in ``[1, 8784]``: 0 would drop the realized leg, an absurd
        count inflate it.
    buyback_multiple : float
        The remaining variance of a buy-back is paid at ``buyback_multiple * implied +
        give_up`` (1: at the 30-day implied level; 1.2: a stress on that level, for the
        shorter-dated variance that is dearer after a spike), in ``[1, 5]``.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        ``hold`` and ``close``, each ``(n - window, window + 1)`` in vol points: the value
        of the swap opened on day ``i`` at age ``s`` when held, and when bought back at
        that close (remaining variance paid at ``buyback_multiple * implied + give_up``).
        Column ``window`` is the settlement, equal in both.
    """
    iv = ck.array(implied, "implied", ndim=1)
    ck.vol_points(iv, "implied")
    r2 = ck.array(sq_returns, "sq_returns", ndim=1)
    if iv.ndim != 1 or r2.shape != iv.shape:
        raise ValueError(f"implied {iv.shape} and sq_returns {r2.shape}: need equal 1-D shapes")
    if not (np.isfinite(iv).all() and np.isfinite(r2[1:]).all()):
        raise ValueError("implied or sq_returns: contains NaN or inf")
    if (iv <= 0).any() or (r2[1:] < 0).any():
        raise ValueError("implied must be positive and sq_returns non-negative")
    w = _int(window, "window", 1)
    g = _nonneg(give_up, "give_up")
    ann = risk._per_year(annualization, "annualization")
    mult = ck.in_range(buyback_multiple, "buyback_multiple", 1.0, 5.0)
    n = iv.size - w
    if n < 1:
        raise ValueError(f"window ({w}) leaves no complete swap in {iv.size} days")
    k = iv[:n] - g
    if (k <= 0).any():
        raise ValueError("give_up exceeds the implied level")
    ages = np.arange(w + 1)
    pos = np.arange(n)[:, None] + ages[None, :]
    c = np.concatenate([[0.0], np.cumsum(np.where(np.arange(iv.size) == 0, 0.0, r2))])
    cum = c[pos + 1] - c[np.arange(n)[:, None] + 1]  # sum of r2 over days i+1 .. i+s
    realized_part = 1e4 * ann / w * cum
    rem = 1.0 - ages[None, :] / w
    kk = k[:, None]
    hold = (kk**2 - realized_part - rem * iv[pos] ** 2) / (2 * kk)
    close = (kk**2 - realized_part - rem * (mult * iv[pos] + g) ** 2) / (2 * kk)
    return hold, close


def calendar_pnl(settlement, window: int = 21, taken=None) -> np.ndarray:
    """P&L of the monthly rolls of every calendar: offsets ``0 .. window - 1``.

    Parameters
    ----------
    settlement : array_like
        P&L of a roll opened on each origin day (e.g. ``swap_values(...)[0][:, -1]``).
    taken : array_like of bool, optional
        Whether the roll on each origin day is taken (a filter); P&L 0 where not.

    Returns
    -------
    numpy.ndarray
        ``(window, m)``: row ``k`` holds the rolls opened on days ``k, k + window, ...``,
        cut to the ``m = len // window`` rolls every calendar has.
    """
    x = ck.array(settlement, "settlement", ndim=1)
    w = _int(window, "window", 1)
    if x.ndim != 1 or not np.isfinite(x).all():
        raise ValueError("settlement: expected a 1-D array with no NaN or inf")
    if taken is not None:
        t = np.asarray(taken)
        if t.dtype != bool or t.shape != x.shape:
            raise ValueError("taken: expected a boolean array shaped like settlement")
        x = np.where(t, x, 0.0)
    m = x.size // w
    if m < 2:
        raise ValueError(f"settlement: {x.size} days hold fewer than two rolls of window = {w} days")
    return x[:m * w].reshape(m, w).T


def exit_age(in_market, window: int = 21) -> np.ndarray:
    """Age at which a position opened on each day is closed under a filter.

    ``min(window, first s >= 1 with in_market[i + s] False)``: the filter is read at each
    close and a position is closed at the first close on which it is out.

    Returns
    -------
    numpy.ndarray of int
        One age per day ``i`` in ``0 .. len - window - 1``.
    """
    f = np.asarray(in_market)
    if f.dtype != bool or f.ndim != 1:
        raise ValueError("in_market: expected a 1-D boolean array")
    w = _int(window, "window", 1)
    n = f.size - w
    if n < 1:
        raise ValueError(f"in_market: {f.size} days leave no complete window of {w}")
    big = f.size + w
    nxt = np.where(~f, np.arange(f.size), big)
    nxt = np.minimum.accumulate(nxt[::-1])[::-1]  # next out day at or after each day
    first_out = nxt[np.arange(n) + 1]
    return np.minimum(first_out - np.arange(n), w).astype(int)


def ladder_pnl(hold, close, taken, age) -> np.ndarray:
    """Daily P&L of a tranche ladder: ``1 / window`` of the position opened each day.

    Parameters
    ----------
    hold, close : numpy.ndarray
        Output of :func:`swap_values`, ``(n, window + 1)``.
    taken : array_like of bool
        ``(n,)``: whether a tranche is opened on each origin day.
    age : array_like of int
        ``(n,)``: the age at which each tranche is closed (:func:`exit_age`; ``window``
        for held to settlement).

    Returns
    -------
    numpy.ndarray
        ``(n + window,)``: the ladder's P&L booked on each day (vol points per unit of total
        vega notional), the sum over open tranches of their daily change in value. The
        total equals ``sum(close[i, age[i]] for taken i) / window``.
    """
    h = ck.array(hold, "hold", ndim=2)
    c = ck.array(close, "close", ndim=2)
    if h.ndim != 2 or c.shape != h.shape:
        raise ValueError("hold and close: expected two arrays of equal shape (n, window + 1)")
    n, w1 = h.shape
    t = np.asarray(taken)
    a = np.asarray(age)
    if t.dtype != bool or t.shape != (n,):
        raise ValueError(f"taken: expected a boolean array of shape ({n},)")
    if not np.issubdtype(a.dtype, np.integer) or a.shape != (n,):
        raise ValueError(f"age: expected an integer array of shape ({n},)")
    if (a < 1).any() or (a > w1 - 1).any():
        raise ValueError(f"age: must lie in 1 .. {w1 - 1}")
    out = np.zeros(n + w1 - 1)
    prev = np.zeros(n)
    rows = np.arange(n)
    for s in range(w1):
        live = t & (s <= a)
        val = np.where(s == a, c[:, s], h[:, s])
        inc = np.where(live, val - prev, 0.0)
        out[rows + s] += inc
        prev = val
    return out / (w1 - 1)


def monthly_sum(daily, dates) -> pd.Series:
    """Sum a daily P&L array into calendar months (month-end index).

    Parameters
    ----------
    daily : array_like
        1-D daily P&L (vol points), finite numbers, one per date.
    dates : pandas.DatetimeIndex
        The trading day of each value: sorted, unique, timezone-naive.

    Returns
    -------
    pandas.Series
        The sum over each calendar month (vol points), indexed by month-end.
    """
    d = ck.array(daily, "daily", ndim=1)
    if not isinstance(dates, pd.DatetimeIndex):
        raise ck.ArgumentTypeError(f"dates: expected a DatetimeIndex, got {ck._what(dates)}")
    if d.shape != (len(dates),):
        raise ValueError(f"daily ({d.shape}) and dates ({len(dates)}) differ in length")
    ck.series(pd.Series(d, index=dates), "dates")      # sorted, unique, naive dates
    if len(d) == 0:
        return pd.Series(d, index=dates).resample("ME").sum()
    month = (dates.year * 12 + dates.month - 1).to_numpy()
    starts = np.r_[0, np.flatnonzero(np.diff(month)) + 1]
    sums = np.zeros(month[-1] - month[0] + 1)          # a month without a day sums to 0
    sums[month[starts] - month[0]] = np.add.reduceat(d, starts)   # in order, as resample
    months = pd.period_range(dates[0].to_period("M"), periods=len(sums), freq="M")
    index = pd.DatetimeIndex(months.to_timestamp(how="end").normalize().as_unit(dates.unit),
                             freq="ME", name=dates.name)
    return pd.Series(sums, index=index)


# -------------------------------------------------------------------------- filter grid

def filter_flags(implied_vol, prices, trailing_windows=(5, 10, 21), days=(1, 3, 5, 10),
                 reentry_spreads=(0.0, 2.0)) -> dict:
    """Daily in/out flags of the regime filter for every cell of a parameter grid.

    Runs :func:`vrp_lib.strategies.regime_filter` once per ``(days, re-entry spread)``
    on all trailing windows at once (one row each).

    Parameters
    ----------
    implied_vol : pandas.Series
        Implied volatility in vol points (NaN for a day without a quote), on sorted,
        unique, naive dates; at least one more quote than the longest trailing window.
    prices : pandas.Series
        Daily closes of the underlying (finite, positive), sharing dates with ``implied_vol``.
    trailing_windows, days : sequence of int
        Non-empty grids: trailing windows (trading days, at least 2) and consecutive
        breach days (at least 1), none longer than the data.
    reentry_spreads : sequence of float
        Non-empty grid of finite re-entry spreads (vol points).

    Returns
    -------
    dict
        ``{(trailing window, days, re-entry spread): numpy.ndarray of bool}`` on the
        dates of ``implied_vol``.
    """
    implied_vol = ck.vols(implied_vol, "implied_vol")
    ck.vol_points(implied_vol, "implied_vol")
    prices = ck.prices(prices, "prices")
    ck.overlap(implied_vol, prices, "implied_vol", "prices")
    tws = _int_list(trailing_windows, "trailing_windows", 2)
    ck.long_enough(len(implied_vol), max(tws) + 1, "implied_vol", what="quotes",
                   window_value=max(tws), window_name="trailing_windows")
    ck.long_enough(len(implied_vol), max(_int_list(days, "days", 1)), "implied_vol", what="quotes",
                   window_value=max(days), window_name="days", detail="a filter that can never step out")
    sp_grid = reentry_spreads
    if sp_grid is None or isinstance(sp_grid, (str, bytes)) or not hasattr(sp_grid, "__len__"):
        raise ck.ArgumentTypeError(f"reentry_spreads: expected a list of numbers, got {ck._what(sp_grid)}")
    if not len(reentry_spreads):
        raise ValueError("reentry_spreads: is empty; give at least one value")
    for sp in reentry_spreads:
        ck.finite(sp, "reentry_spreads")
    iv = implied_vol.to_numpy(dtype=float)
    tv = np.vstack([
        realized.trailing_realized_vol(prices, tw)
        .reindex(implied_vol.index).to_numpy() for tw in tws])
    if not np.isfinite(iv).all():
        raise ValueError(f"implied_vol: NaN or inf on {implied_vol.index[~np.isfinite(iv)][0].date()} "
                         "(fill the days without a quote first)")
    out = {}
    for j, tw in enumerate(trailing_windows):
        breach = np.nan_to_num(tv[j], nan=-np.inf) > iv
        run = _breach_run(breach)
        for d in days:
            exits = np.flatnonzero(run >= d)
            for sp in reentry_spreads:
                entries = np.flatnonzero((iv - np.nan_to_num(tv[j], nan=np.inf)) > float(sp))
                out[(tw, d, sp)] = _in_market(exits, entries, len(iv))
    return {key: out[key] for key in ((tw, d, sp) for d in days for sp in reentry_spreads
                                      for tw in trailing_windows)}


def _breach_run(breach: np.ndarray) -> np.ndarray:
    """Length of the run of consecutive ``True`` ending on each day (0 on a ``False`` day)."""
    i = np.arange(breach.size)
    last_clear = np.maximum.accumulate(np.where(breach, -1, i))
    return i - last_clear


def _in_market(exits: np.ndarray, entries: np.ndarray, n: int) -> np.ndarray:
    """The states of :func:`vrp_lib.strategies.regime_filter` from its event days: in the
    market until the first day in ``exits`` (a breach run of at least ``days``), out from
    it until the first day in ``entries`` after it (the spread reopened), in again from
    that day until the next exit after it, and so on. One step per exit, not per day."""
    inside = np.ones(n, dtype=bool)
    t = 0
    while True:
        k = np.searchsorted(exits, t)
        if k == exits.size:
            return inside
        e = exits[k]
        j = np.searchsorted(entries, e, side="right")
        if j == entries.size:
            inside[e:] = False
            return inside
        inside[e:entries[j]] = False
        t = entries[j] + 1


def unique_filters(flags: dict) -> tuple[dict, dict]:
    """Remove duplicate grid cells: cells whose daily flags are identical.

    Returns
    -------
    (dict, dict)
        The first cell of each distinct flag series, and ``{duplicate: kept cell}``.
    """
    if not isinstance(flags, dict) or not flags:
        raise ValueError("flags: pass a non-empty dict of daily flags")
    seen, kept, dup = {}, {}, {}
    for key, f in flags.items():
        h = np.asarray(f, dtype=bool).tobytes()
        if h in seen:
            dup[key] = seen[h]
        else:
            seen[h] = key
            kept[key] = f
    return kept, dup


def judge_filters(frame_days, flags, window: int = 21, give_up: float = 0.0,
                  seed: int = 0, buyback_multiple: float = 1.0) -> tuple[pd.DataFrame, dict]:
    """The regime-filter grid on every roll calendar and on a daily ladder, judged.

    Parameters
    ----------
    frame_days : pandas.DataFrame
        One row per trading day (the grid of prices): ``implied`` (vol points, filled on
        the few days without a quote), ``sq_return`` (squared daily log return; the first
        row is ignored, pass 0) and ``origin`` (bool: a swap may be opened that day), on sorted,
        unique, naive dates; no NaN or inf; at least ``3 * window`` days (two monthly
        rolls on every calendar).
    flags : dict
        Daily filter flags per grid cell (:func:`filter_flags`), on ``frame_days``' dates.
    window, give_up
        Roll length in trading days; vol points given up at each trade.
    buyback_multiple : float
        A mid-month exit buys back the remaining variance at ``buyback_multiple`` times the
        implied level plus ``give_up`` (:func:`swap_values`; 1 by default).

    Returns
    -------
    (pandas.DataFrame, dict)
        The table, one row per distinct cell plus ``always in`` first: trailing window,
        days, re-entry spread, share of origin days in the market, the Sharpe ratio of
        monthly rolls (mean, min and max over the ``window`` calendars), the share of
        calendars on which the cell's Sharpe ratio beats always-in's, the ladder's Sharpe
        ratio (calendar months, exits mid-month) with its SE, the ladder's extra P&L over
        always-in (vol points a year) with its SE, and the **vol-matched information
        ratio**: the Sharpe ratio of ``r_f * sd(r_a) / sd(r_f) - r_a`` (filtered ladder
        scaled to always-in's volatility, minus always-in; its mean is positive exactly
        when the filtered Sharpe ratio is higher), with its SE. And a dict with the
        duplicates removed, the number of distinct trials, the best cell by vol-matched
        information ratio and its deflated Sharpe ratio (a confidence level under the null
        "no cell beats always-in and this one was picked as the best": above 0.95 the
        best cell passes the correction at 5 %; not the probability that it truly beats
        always-in), and the deflated Sharpe ratio of the best ladder Sharpe ratio (against
        zero). The trials are correlated: ``excess`` holds each distinct cell's monthly
        vol-matched difference to always-in (one column per cell), ``excess_correlation``
        the median off-diagonal correlation of those columns (NaN with fewer than two cells
        that differ from always-in), ``n_effective`` the effective
        number of trials by each method of :func:`vrp_lib.risk.effective_trials` and
        ``dsr_best_ir_effective`` the best cell's deflated Sharpe ratio with ``n_trials`` the
        Li-Ji count rounded (at least 1).
    """
    if not isinstance(frame_days, pd.DataFrame):
        ck.frame(frame_days, "frame_days")  # raises: not a DataFrame
    missing = [c for c in ("implied", "sq_return", "origin") if c not in frame_days.columns]
    if missing:
        raise ValueError(f"frame_days: missing column(s) {missing}")
    f = frame_days
    ck.frame(f[["implied", "sq_return"]], "frame_days")
    ck.array(f["implied"], "frame_days['implied']", positive=True)
    ck.array(f["sq_return"], "frame_days['sq_return']", nonneg=True)
    ck.mask(f["origin"], "frame_days['origin']")
    w = _int(window, "window", 2)
    ck.long_enough(len(f), 3 * w, "frame_days", what="days", window_value=w,
                   detail="two monthly rolls on every calendar")
    hold, close = swap_values(f["implied"].to_numpy(), f["sq_return"].to_numpy(), w, give_up,
                              buyback_multiple=buyback_multiple)
    n = hold.shape[0]
    origin = f["origin"].to_numpy(dtype=bool)[:n]
    dates = f.index
    settle = hold[:, -1]
    base_cal = calendar_pnl(settle, w, origin)
    full_age = np.full(n, w)
    base_daily = ladder_pnl(hold, close, origin, full_age)
    base_month = monthly_sum(base_daily, dates[:len(base_daily)])
    kept, dup = unique_filters(flags)

    def _sh(x):
        return risk.sharpe(x, 12)

    boot = _BootSE(12, 1000, ck.integer(seed, "seed", 0))  # one set of draws for every SE

    base_cal_sh = _sh(np.ascontiguousarray(base_cal))   # one Sharpe ratio per calendar

    def matched(month):
        """Vol-matched difference: positive mean exactly when the Sharpe ratio is higher."""
        m = month.to_numpy()
        return m * (base_month.std() / m.std(ddof=1)) - base_month.to_numpy()

    def row(name, cal, month, taken_share):
        cal_sh = _sh(np.ascontiguousarray(cal))
        extra = (month - base_month).to_numpy()
        same = np.abs(extra).max() == 0
        d = matched(month)
        return {
            "Filter": name, "In market (% of days)": 100 * taken_share,
            "Sharpe, monthly rolls (mean of calendars)": cal_sh.mean(),
            "Sharpe, worst calendar": cal_sh.min(), "Sharpe, best calendar": cal_sh.max(),
            "Calendars beating always-in (%)": (
                np.nan if same else 100 * float((cal_sh > base_cal_sh + 1e-9).mean())),
            "Sharpe, daily ladder": _sh(month.to_numpy()),
            "SE, ladder Sharpe": boot.sharpe(month.to_numpy(), 12),
            "Extra P&L vs always-in (vol points a year)": 12 * extra.mean(),
            "SE, extra P&L": 0.0 if same else boot.mean(extra, 12),
            "Vol-matched IR vs always-in": 0.0 if same else _sh(d),
            "SE, vol-matched IR": 0.0 if same else boot.sharpe(d, 12),
        }

    rows, months = [row("always in", base_cal, base_month, 1.0)], {}
    for key, fl in kept.items():
        fl = np.asarray(fl, dtype=bool)
        if fl.shape != (len(f),):
            raise ValueError(f"flags[{key!r}]: expected {len(f)} daily flags, got {fl.shape}")
        taken = origin & fl[:n]
        age = exit_age(fl, w)[:n]
        daily = ladder_pnl(hold, close, taken, age)
        month = monthly_sum(daily, dates[:len(daily)])
        rows.append(row(key, calendar_pnl(settle, w, taken), month,
                        float(taken.sum() / origin.sum())))
        months[key] = month
    table = pd.DataFrame(rows)
    cells = table.iloc[1:]
    ir_col = "Vol-matched IR vs always-in"
    best_i = int(cells[ir_col].to_numpy().argmax()) + 1
    best_key = table.loc[best_i, "Filter"]
    diff_best = matched(months[best_key])
    dsr_ir = risk.deflated_sharpe(
        table.loc[best_i, ir_col], cells[ir_col].to_numpy(), len(diff_best),
        risk.skewness(diff_best), risk.excess_kurtosis(diff_best) + 3.0)
    sh_col = "Sharpe, daily ladder"
    best_s = int(table[sh_col].to_numpy().argmax())
    m_best = (base_month if best_s == 0 else months[table.loc[best_s, "Filter"]]).to_numpy()
    dsr_sh = risk.deflated_sharpe(
        table.loc[best_s, sh_col], table[sh_col].to_numpy(), len(m_best),
        risk.skewness(m_best), risk.excess_kurtosis(m_best) + 3.0)
    excess = pd.DataFrame(np.column_stack([matched(month) for month in months.values()]),
                          index=base_month.index,
                          columns=pd.Index(list(months), tupleize_cols=False))
    moving = excess.loc[:, excess.std() > 1e-12]  # a cell identical to always-in has no excess
    if moving.shape[1] >= 2:
        corr = np.corrcoef(moving.to_numpy().T)
        n_eff = {how: risk.effective_trials(corr, how) for how in risk.TRIAL_METHODS}
        med_corr = float(np.median(corr[np.triu_indices(len(corr), 1)]))
    else:
        n_eff, med_corr = {how: float(moving.shape[1] or 1) for how in risk.TRIAL_METHODS}, float("nan")
    dsr_eff = risk.deflated_sharpe(
        table.loc[best_i, ir_col], cells[ir_col].to_numpy(), len(diff_best),
        risk.skewness(diff_best), risk.excess_kurtosis(diff_best) + 3.0,
        n_trials=max(1, int(round(n_eff["li-ji"]))))
    info = {"duplicates": dup, "n_trials": len(kept), "best_ir": best_key,
            "excess": excess, "excess_correlation": med_corr,
            "n_effective": n_eff, "dsr_best_ir_effective": dsr_eff,
            "dsr_best_ir": dsr_ir, "best_sharpe": table.loc[best_s, "Filter"],
            "dsr_best_sharpe": dsr_sh, "ladder_always_in": base_month,
            "calendar_sharpes_always_in": base_cal_sh}
    return table, info


# ------------------------------------------------------------------ the term structure

def tenor_table(paths, physical, risk_neutral, tenors=(21, 42, 63, 126, 252), give_up=0.0,
                days_per_year: float = 252.0) -> pd.DataFrame:
    """Short variance swaps of several tenors compared per unit of realized-variance exposure.

    A swap of tenor ``T`` years with variance notional ``N`` pays ``N (K^2 - RV_T^2)``;
    rolled ``1 / T`` times a year its exposure to the year's realized variance is
    ``N / T``. Sizing every tenor to the **same exposure** (``N`` proportional to ``T``)
    makes the expected P&L per year the variance premium ``K^2 - E^P[RV^2]`` itself, and
    a cost of ``g`` vol points per trade costs about ``2 K g`` a year at every tenor. Per
    unit of vega notional instead, a one-month swap rolled twelve times carries twelve
    times the variance exposure of a one-year swap, which flatters the short tenor.

    Parameters
    ----------
    paths : vrp_lib.simulation.ModelPaths
        Simulated paths (model world, synthetic).
    physical, risk_neutral : vrp_lib.bates.BatesParams
    tenors : sequence of int
        Swap lives in trading days; the paths must hold three rolls of each.
    give_up : float
        Vol points the seller gives up per trade (half the bid-ask plus slippage).
    days_per_year : float
        Trading days per year, in ``[1, 8784]``.

    Returns
    -------
    pandas.DataFrame
        Index ``Tenor (trading days)``. Exact (at the physical long-run variance):
        ``Strike (vol points)``, ``Premium per unit of variance exposure (variance points
        a year)`` ``= K^2 - E^P[RV^2]``, ``Premium per unit of vega a year (vol points)``
        ``= (K^2 - E^P[RV^2]) / (2K) / T``. Simulated, each path one track record with
        strikes set from the state at each roll: the mean across paths of the annualized
        Sharpe ratio, gross and net, each with its standard error across paths, and the
        spread of one record's Sharpe ratio (standard deviation across paths).
    """
    from .simulation import ModelPaths
    if not isinstance(paths, ModelPaths):
        raise ck.ArgumentTypeError(f"paths: expected simulated ModelPaths, got {ck._what(paths)}")
    p, q = models.check_pair(physical, risk_neutral)
    g = _nonneg(give_up, "give_up")
    dpy = risk._per_year(days_per_year, "days_per_year")
    n_days = paths.index.shape[0] - 1
    for d in _int_list(tenors, "tenors", 1):
        if 3 * d > n_days:
            raise ValueError(f"tenors: a tenor of {d} days needs 3 rolls ({3 * d} days); the paths hold "
                             f"{n_days} days")
    rows = {}
    n_paths = paths.variance.shape[1]
    for days in tenors:
        d = _int(days, "tenors", 1)
        t = d / dpy
        k = 100 * np.sqrt(models.expected_variance(q, t, p.theta))
        ep = 1e4 * models.expected_variance(p, t, p.theta)
        rolled = st.model_rolls(paths.index, paths.vix, window=d)
        rv = rolled["realized"]
        if rv.shape[1] < 3:
            raise ValueError(f"tenor {d}: the paths hold fewer than 3 rolls")
        strike = 100 * np.sqrt(models.expected_variance(
            q, t, paths.variance[np.arange(rv.shape[1]) * d].T))
        kk = strike - g
        if (kk <= 0).any():
            raise ValueError("give_up exceeds a strike")
        gross = t * (strike**2 - rv**2)  # per unit of variance exposure, variance points
        net = t * (kk**2 - rv**2)
        sh_g, sh_n = risk.sharpe(gross, 1 / t), risk.sharpe(net, 1 / t)
        rows[d] = {
            "Strike (vol points)": k,
            "Premium per unit of variance exposure (variance points a year)": k**2 - ep,
            "Premium per unit of vega a year (vol points)": (k**2 - ep) / (2 * k) / t,
            "Cost per unit of variance exposure (variance points a year)":
                float((gross - net).mean() / t),
            "Sharpe gross (mean of paths)": sh_g.mean(),
            "SE, Sharpe gross": sh_g.std(ddof=1) / np.sqrt(n_paths),
            "Sharpe net (mean of paths)": sh_n.mean(),
            "SE, Sharpe net": sh_n.std(ddof=1) / np.sqrt(n_paths),
            "Spread of one record's net Sharpe": sh_n.std(ddof=1),
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "Tenor (trading days)"
    return out
