"""The volatility risk premium in its practical form, ``VRP_t = IV_t - RV_{t,t+T}``.

The implied volatility quoted at the close of day t is set against the volatility
realized over the following ``window`` trading days (days t+1 .. t+window), never a
window that overlaps t or lies before it: only then is the spread the outcome of
selling volatility at t and delivering it afterwards.

Units
-----
* Volatilities are annualized and in **vol points** (the VIX quotes 19.7, not 0.197);
  the variance form is in vol points squared; the log form ``ln(IV / RV)`` is a pure
  number (0.30 means implied was about 35 % above realized).
* Windows are in **trading days**; ``annualization`` is trading days per year, in
  ``[1, 8784]`` (an hourly count over a leap year at most).

Units guard
-----------
Every function that takes an implied-volatility series checks that it is in vol points:

* if every implied value is below :data:`DECIMAL_LIMIT` (1.5 vol points) the series looks
  like decimals (0.197 for a VIX of 19.7): multiply by 100. No index volatility quoted in
  vol points has stayed below 1.5 for a whole sample (the VIX's record low is 9.1);
* if any implied value is above :data:`PRICE_LIMIT` (200 vol points) the series looks
  like prices, typically the two arguments swapped (the S&P 500 is in the thousands; the
  VIX's record close is 82.7).

The mechanical part of the premium
----------------------------------
Implied volatility is (close to) the square root of an expected variance. By Jensen's
inequality ``sqrt(E[RV^2]) >= E[RV]``, so even with no risk premium (the risk-neutral
measure equal to the physical one, P = Q) the average of ``IV - RV`` is positive and, as
realized volatility is right-skewed, ``IV > RV`` more often than not.
:func:`mechanical_premium` gives the size of this part when ``ln(RV / IV)`` is normal;
the variance form ``IV^2 - RV^2`` has mean zero under P = Q and is the cleaner test.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy.special import ndtr

from . import _checks, bootstrap, risk, swaps
from .realized import TRADING_DAYS, forward_realized_vol

__all__ = [
    "DECIMAL_LIMIT",
    "PRICE_LIMIT",
    "SUMMARY_FIELDS",
    "FORMS",
    "aligned",
    "vrp",
    "summary",
    "summary_table",
    "summary_with_se",
    "by_tenor",
    "BY_TENOR_COLUMNS",
    "conventions",
    "threshold_hit_rates",
    "subperiods",
    "normal_hit_rate",
    "mechanical_premium",
    "distribution",
    "worst_months",
    "monthly_samples",
    "interpolated_vol",
    "block_se",
    "rank_correlations",
]

#: Implied values all below this many vol points look like decimals (0.197, not 19.7).
DECIMAL_LIMIT = _checks.DECIMAL_LOOKING_MAX  # 1.5, shared by every module
#: An implied value above this many vol points looks like a price (arguments swapped?).
PRICE_LIMIT = _checks.PRICE_LEVEL_MIN  # 200, shared by every module

SUMMARY_FIELDS = ("avg_implied", "avg_realized", "avg_vrp", "hit_rate", "n")
#: The three forms of the premium accepted by :func:`vrp`.
FORMS = ("vol", "variance", "log")


# --------------------------------------------------------------------------- checks

def _not_none(x, name: str):
    if x is None:
        raise ValueError(f"{name}: got None; pass a pandas Series with a DatetimeIndex")
    return x


def _naive_dates(s, name: str):
    """Refuse a time-zone aware DatetimeIndex (checked before any other check)."""
    if isinstance(getattr(s, "index", None), pd.DatetimeIndex) and s.index.tz is not None:
        raise ValueError(
            f"{name}: the index is time-zone aware ({s.index.tz}); use plain dates "
            "(e.g. .tz_localize(None)), as the embedded data do"
        )
    return s


def _implied(x, name: str = "implied_vol") -> pd.Series:
    """An implied-volatility Series in vol points: no NaN/inf, no negative, units guarded."""
    s = _checks.vols(_naive_dates(_not_none(x, name), name), name, allow_nan=False)
    v = s.to_numpy()
    if v.max() > PRICE_LIMIT:
        raise ValueError(
            f"{name}: values up to {v.max():,.2f} look like prices, not volatilities "
            f"(above {PRICE_LIMIT:g} vol points); were implied_vol and prices swapped?"
        )
    if v.max() < DECIMAL_LIMIT:
        raise ValueError(
            f"{name}: every value is below {DECIMAL_LIMIT} (max {v.max():.4f}): this looks like "
            "decimals; pass vol points (multiply by 100: a VIX of 19.7, not 0.197)"
        )
    return s


def _prices(x, name: str = "prices") -> pd.Series:
    return _checks.prices(_naive_dates(_not_none(x, name), name), name)


def _window(w, n_prices: int, name: str = "window") -> int:
    w = _checks.window(w, name)
    if w >= n_prices:
        raise ValueError(
            f"{name} ({w} trading days) is longer than the data: {n_prices} prices give "
            f"only {n_prices - 1} returns"
        )
    return w


def _number(x, name: str, what: str = "a number") -> float:
    """A finite real scalar; booleans, strings and None are refused."""
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be {what}, got {x!r}")
    v = float(x)
    if not np.isfinite(v):
        raise ValueError(f"{name} must be finite, got {x!r}")
    return v


def _annualization(a) -> float:
    """Trading days per year in ``[1, 8784]`` (:func:`vrp_lib.risk._per_year`)."""
    return risk._per_year(a, "annualization")


def _flag(b, name: str) -> bool:
    if not isinstance(b, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False, got {b!r}")
    return bool(b)


def _form(form) -> str:
    if not isinstance(form, str) or form not in FORMS:
        raise ValueError(f"form must be 'vol', 'variance' or 'log', got {form!r}")
    return form


def _windows(windows, n_prices: int) -> list[int]:
    if windows is None or isinstance(windows, (str, bytes)) or np.ndim(windows) != 1:
        raise ValueError(f"windows: expected a sequence of integers (trading days), got {windows!r}")
    ws = [_window(w, n_prices, "windows") for w in windows]
    if not ws:
        raise ValueError("windows: give at least one window")
    if len(set(ws)) != len(ws):
        raise ValueError(f"windows: duplicate window in {ws}")
    return ws


def _labels(labels, windows: list[int]) -> list[str]:
    if labels is None:
        return [f"{w}-day" for w in windows]
    if isinstance(labels, (str, bytes)):
        raise ValueError(f"labels: expected a sequence of strings, got the string {labels!r}")
    if np.ndim(labels) != 1:
        raise _checks.ArgumentTypeError(f"labels: expected a sequence of strings, got {labels!r}")
    labels = list(labels)
    if len(labels) != len(windows):
        raise ValueError(f"labels: {len(labels)} labels for {len(windows)} windows")
    if not all(isinstance(x, str) and x for x in labels):
        raise ValueError(f"labels: every label must be a non-empty string, got {labels!r}")
    if len(set(labels)) != len(labels):
        raise ValueError(f"labels: duplicate label in {labels}")
    return labels


def _seed(seed) -> int:
    return _checks.integer(seed, "seed", 0)


def _block_starts(n: int, block: int, n_boot: int, seed: int) -> np.ndarray:
    """Block starts of the moving-block resamples of
    :func:`vrp_lib.bootstrap.block_bootstrap_se` with the same ``block``, ``n_boot`` and
    ``seed`` (``vrp_lib.bootstrap._block_starts``), after checking the block fits."""
    if block > n:
        raise ValueError(f"block ({block}) is longer than the series ({n} observations)")
    return bootstrap._block_starts(n, block, n_boot, seed)


def _block_se_of_mean(x: np.ndarray, starts: np.ndarray, block: int) -> float:
    """Bootstrap SE of the mean of ``x`` over the resamples with these block starts.

    Each resample's sum is a sum of block sums (``vrp_lib.bootstrap._resampled_sums``),
    instead of an ``n_boot x n`` gather: the same number to rounding, much faster. A hit
    rate is the mean of the indicator ``x > 0``.
    """
    return float((bootstrap._resampled_sums(x, starts, block) / x.size).std(ddof=1))


def _demeaned_forward_vol(p: pd.Series, window: int, annualization: float) -> pd.Series:
    """Forward realized vol from the *demeaned* returns (the sample standard deviation)."""
    r = np.log(p).diff()
    sd = r.rolling(window, min_periods=window).std(ddof=1).shift(-window)
    out = 100.0 * np.sqrt(annualization) * sd
    out.name = "realized_vol_demeaned"
    return out


# --------------------------------------------------------------------------- the premium

def aligned(implied_vol, prices, window: int = 21, annualization: float = TRADING_DAYS,
            demean: bool = False) -> pd.DataFrame:
    """Implied volatility next to the forward realized volatility that followed it.

    Parameters
    ----------
    implied_vol : pandas.Series
        Annualized implied volatility in **vol points** (e.g. the VIX), DatetimeIndex
        (time-zone naive), no NaN: drop dates without a quote, never fill them.
    prices : pandas.Series
        Daily prices of the underlying (positive, finite), DatetimeIndex.
    window : int
        Forward window in trading days (21 is about the VIX's 30 calendar days).
    annualization : float
        Trading days per year, in ``[1, 8784]`` (0, a negative or an absurd count raises).
    demean : bool
        ``False`` (default): realized vol from raw squared returns, as a variance swap
        settles. ``True``: from the sample standard deviation of the window's returns.

    Returns
    -------
    pandas.DataFrame
        Columns ``implied``, ``realized`` (vol points) on the dates where both the implied
        value and the full forward window exist, index named ``date``.

    Raises
    ------
    ValueError
        On None, NaN or inf, a time-zone aware index, implied values that look like
        decimals (all below :data:`DECIMAL_LIMIT`) or prices (above :data:`PRICE_LIMIT`),
        a window longer than the data, no shared date, or no complete forward window.
    """
    iv = _implied(implied_vol)
    p = _prices(prices)
    w = _window(window, len(p))
    a = _annualization(annualization)
    if _flag(demean, "demean"):
        if w < 2:
            raise ValueError("window must be at least 2 to demean the returns")
        rv = _demeaned_forward_vol(p, w, a)
    else:
        rv = forward_realized_vol(p, window=w, annualization=a)
    common = _checks.overlap(iv, rv, "implied_vol", "prices")
    df = pd.DataFrame({"implied": iv.reindex(common), "realized": rv.reindex(common)})
    df = df.dropna()
    if df.empty:
        raise ValueError(
            f"no date has both an implied value and a complete {w}-day forward window"
        )
    df.index.name = "date"
    return df


def vrp(implied_vol, prices, window: int = 21, form: str = "vol",
        annualization: float = TRADING_DAYS, demean: bool = False) -> pd.Series:
    """Daily volatility risk premium series.

    Parameters
    ----------
    implied_vol, prices, window, annualization, demean
        As in :func:`aligned`.
    form : {"vol", "variance", "log"}
        ``"vol"``: ``IV_t - RV_{t,t+window}`` in vol points.
        ``"variance"``: ``IV_t**2 - RV_{t,t+window}**2`` in vol points squared
        (divide by 10,000 for decimal variance).
        ``"log"``: ``ln(IV_t / RV_{t,t+window})``, a pure number.

    Returns
    -------
    pandas.Series
        Named ``vrp`` (vol points), ``vrp_variance`` (vol points squared) or ``vrp_log``.

    Raises
    ------
    ValueError
        As :func:`aligned`; for ``form="log"`` also when a realized or implied value is 0.
    """
    f = _form(form)
    df = aligned(implied_vol, prices, window=window, annualization=annualization, demean=demean)
    if f == "vol":
        out = df["implied"] - df["realized"]
        out.name = "vrp"
    elif f == "variance":
        out = df["implied"] ** 2 - df["realized"] ** 2
        out.name = "vrp_variance"
    else:
        zero = (df["implied"] <= 0) | (df["realized"] <= 0)
        if zero.any():
            raise ValueError(
                f"form='log': implied or realized volatility is 0 on {df.index[zero][0].date()}, "
                "the log ratio is undefined"
            )
        out = np.log(df["implied"] / df["realized"])
        out.name = "vrp_log"
    return out


def summary(implied_vol, prices, window: int = 21, annualization: float = TRADING_DAYS,
            demean: bool = False) -> pd.Series:
    """Averages of implied, realized and their spread, and how often the spread is positive.

    Parameters are those of :func:`aligned`.

    Returns
    -------
    pandas.Series
        ``avg_implied``, ``avg_realized``, ``avg_vrp`` (vol points), ``hit_rate`` (the
        fraction of dates with ``IV_t > RV_{t,t+window}``, in [0, 1]) and ``n`` (number of
        dates used), over the dates where the implied value and the full forward window
        both exist.
    """
    df = aligned(implied_vol, prices, window=window, annualization=annualization, demean=demean)
    spread = df["implied"] - df["realized"]
    return pd.Series(
        {
            "avg_implied": float(df["implied"].mean()),
            "avg_realized": float(df["realized"].mean()),
            "avg_vrp": float(spread.mean()),
            "hit_rate": float((spread > 0).mean()),
            "n": int(len(df)),
        },
        name=f"{_checks.window(window)}d",  # 21.0 is named "21d", as 21
        dtype=object,
    )


def summary_table(implied_vol, prices, windows=(21, 42, 63), labels=None,
                  annualization: float = TRADING_DAYS) -> pd.DataFrame:
    """:func:`summary` for several windows, shaped like a published VRP table.

    Parameters
    ----------
    windows : sequence of int
        Forward windows in trading days, distinct.
    labels : sequence of str, optional
        Row labels, distinct; by default ``"21-day"`` etc.

    Returns
    -------
    pandas.DataFrame
        One row per window (index ``Window``) with columns ``Avg implied vol``,
        ``Avg realized vol``, ``Avg VRP (vol pts)``, ``Hit rate (VRP > 0)`` (a fraction)
        and ``n``.
    """
    p = _prices(prices)
    ws = _windows(windows, len(p))
    labels = _labels(labels, ws)
    rows = [summary(implied_vol, p, window=w, annualization=annualization) for w in ws]
    table = pd.DataFrame(
        {
            "Avg implied vol": [r["avg_implied"] for r in rows],
            "Avg realized vol": [r["avg_realized"] for r in rows],
            "Avg VRP (vol pts)": [r["avg_vrp"] for r in rows],
            "Hit rate (VRP > 0)": [r["hit_rate"] for r in rows],
            "n": [r["n"] for r in rows],
        },
        index=pd.Index(labels, name="Window"),
    )
    return table


def summary_with_se(implied_vol, prices, windows=(21, 42, 63), labels=None,
                    annualization: float = TRADING_DAYS, block: int = 252,
                    n_boot: int = 1000, seed: int = 0) -> pd.DataFrame:
    """:func:`summary_table` with a moving-block bootstrap standard error for each estimate.

    For each window the daily series (implied, realized, their spread, the indicator of
    a positive spread) are resampled with the same blocks: those drawn by
    :func:`vrp_lib.bootstrap.block_bootstrap_se` with the same ``block``, ``n_boot`` and
    ``seed``, so each standard error equals ``block_bootstrap_se`` of that series (to
    rounding; the resample means are computed from block sums, which is much faster).

    Parameters
    ----------
    implied_vol, prices, windows, labels, annualization
        As in :func:`summary_table`.
    block : int
        Block length in daily observations (252: about a year, far above the overlap of
        the windows).
    n_boot : int
        Number of bootstrap resamples, at most :data:`vrp_lib.bootstrap.MAX_N_BOOT`.
    seed : int
        Seed of the resampling (non-negative).

    Returns
    -------
    pandas.DataFrame
        Index ``Window``; columns ``Avg implied vol``, ``SE avg implied``,
        ``Avg realized vol``, ``SE avg realized``, ``Avg VRP (vol pts)``, ``SE avg VRP``
        (vol points), ``Hit rate (VRP > 0)``, ``SE hit rate`` (fractions) and ``n``.
    """
    p = _prices(prices)
    ws = _windows(windows, len(p))
    labels = _labels(labels, ws)
    blk = _checks.window(block, "block")
    nb = bootstrap._n_boot(n_boot)
    sd = _seed(seed)
    rows = []
    for w in ws:
        df = aligned(implied_vol, p, window=w, annualization=annualization)
        if blk > len(df):
            raise ValueError(f"block ({blk}) is longer than the {len(df)} dates of the {w}-day sample "
                             "(the origin dates shared by implied_vol and prices): implied_vol "
                             "too short or a shorter block")
        spread = (df["implied"] - df["realized"]).to_numpy()
        starts = _block_starts(len(df), blk, nb, sd)
        row = {}
        for col, se_col, x in (
            ("Avg implied vol", "SE avg implied", df["implied"].to_numpy()),
            ("Avg realized vol", "SE avg realized", df["realized"].to_numpy()),
            ("Avg VRP (vol pts)", "SE avg VRP", spread),
            ("Hit rate (VRP > 0)", "SE hit rate", (spread > 0).astype(float)),
        ):
            row[col] = float(x.mean())
            row[se_col] = _block_se_of_mean(x, starts, blk)
        row["n"] = len(df)
        rows.append(row)
    return pd.DataFrame(rows, index=pd.Index(labels, name="Window"))


#: Columns of :func:`by_tenor`, in order.
BY_TENOR_COLUMNS = (
    "Average implied vol (vol points)",
    "Average realized vol over the tenor (vol points)",
    "Premium (vol points)",
    "SE of the premium (vol points)",
    "Premium per unit of variance exposure (variance points a year)",
    "SE per unit of exposure (variance points a year)",
    "Origin days",
)


def by_tenor(tenors, prices, block: int = 252, n_boot: int = 1000, seed: int = 0) -> pd.DataFrame:
    """The premium at several tenors, compared on the origin dates they all have.

    Each implied volatility (the VIX family: VIX9D, VIX, VIX3M, VIX6M) is set against the
    index's realized volatility over its own horizon, on the dates every series has, so that
    the rows differ by tenor only. Each row gives the premium in vol points
    (:func:`summary_with_se`) and in the variance form ``IV^2 - RV^2``, the premium per unit
    of variance exposure, with moving-block bootstrap standard errors (both with the same
    ``block``, ``n_boot`` and ``seed``).

    Parameters
    ----------
    tenors : dict
        ``{label: (implied_vol, window)}``: a daily implied volatility (vol points, Series
        with a DatetimeIndex) and its horizon in trading days (VIX9D 6, VIX 21, VIX3M 63,
        VIX6M 126); at least one.
    prices : pandas.Series
        Daily closes of the index, covering every window after the last common date used.
    block, n_boot, seed : int
        Moving-block bootstrap: block length (days), resamples and seed.

    Returns
    -------
    pandas.DataFrame
        Index ``Index and tenor`` (the labels), columns :data:`BY_TENOR_COLUMNS` (vol points,
        variance points a year, and the number of origin days). ``attrs["first_origin"]`` is
        the first common date.
    """
    if not isinstance(tenors, dict):
        raise _checks.ArgumentTypeError(f"tenors: expected a dict {{label: (implied_vol, window)}}, "
                                        f"got {_checks._what(tenors)}")
    if not tenors:
        raise ValueError("tenors: is empty; pass at least one (implied_vol, window) pair")
    p = _prices(prices)
    series = {}
    for label, pair in tenors.items():
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise _checks.ArgumentTypeError(f"tenors[{label!r}]: expected a pair (implied_vol, window), "
                                            f"got {_checks._what(pair)}")
        series[label] = (_implied(pair[0], f"tenors[{label!r}]"),
                         _window(pair[1], len(p), f"tenors[{label!r}] window"))
    labels = list(series)
    first = series[labels[0]][0]
    common = first.index
    for label in labels[1:]:       # the same date rules as two series (tz, empty, disjoint)
        _checks.overlap(first, series[label][0], f"tenors[{labels[0]!r}]", f"tenors[{label!r}]")
        common = common.intersection(series[label][0].index)
    if len(common) == 0:
        raise ValueError("tenors: the implied volatilities have no date in common")
    rows = {}
    for label, (iv, window) in series.items():
        iv = iv.reindex(common)
        s = summary_with_se(iv, p, windows=(window,), block=block, n_boot=n_boot, seed=seed).iloc[0]
        var = vrp(iv, p, window=window, form="variance")
        rows[label] = [s["Avg implied vol"], s["Avg realized vol"], s["Avg VRP (vol pts)"],
                       s["SE avg VRP"], float(var.mean()),
                       bootstrap.block_bootstrap_se(var.to_numpy(), block=block, n_boot=n_boot,
                                                    seed=seed),
                       int(s["n"])]
    out = pd.DataFrame.from_dict(rows, orient="index", columns=list(BY_TENOR_COLUMNS))
    out["Origin days"] = out["Origin days"].astype(int)
    out.index.name = "Index and tenor"
    out.attrs["first_origin"] = common[0]
    return out


def conventions(implied_vol, prices, windows=(21, 22), annualization: float = TRADING_DAYS,
                n_boot: int = 1000, seed: int = 0) -> pd.DataFrame:
    """Hit rate and average premium under each convention a published table might use.

    Every combination of: the forward window (``windows``, trading days); realized
    volatility from raw or demeaned returns; every date (overlapping windows) or every
    ``window``-th date (non-overlapping, :func:`monthly_samples`).

    Parameters
    ----------
    implied_vol, prices, annualization
        As in :func:`aligned` (implied volatility in vol points).
    windows : sequence of int
        Forward windows in trading days, distinct (21 and 22 both stand for 30 calendar
        days).
    n_boot : int
        Bootstrap resamples for the standard errors, at most
        :data:`vrp_lib.bootstrap.MAX_N_BOOT`.
    seed : int
        Seed of the resampling (non-negative).

    Returns
    -------
    pandas.DataFrame
        One row per convention, columns ``Window (trading days)``, ``Realized vol``
        (``"raw"`` or ``"demeaned"``), ``Sampling`` (``"overlapping"`` or
        ``"non-overlapping"``), ``Avg VRP (vol pts)``, ``Hit rate (VRP > 0)``,
        ``SE hit rate`` (moving-block bootstrap: blocks of 252 daily or 12
        non-overlapping observations, about a year) and ``n``.
    """
    p = _prices(prices)
    ws = _windows(windows, len(p))
    nb = bootstrap._n_boot(n_boot)
    sd = _seed(seed)
    rows = []
    for w in ws:
        for dm in (False, True):
            s = vrp(implied_vol, p, window=w, annualization=annualization, demean=dm)
            for sampling, x, blk in (("overlapping", s, 252),
                                     ("non-overlapping", s.iloc[::w], 12)):  # monthly_samples
                if blk > len(x):
                    raise ValueError(f"sample too short for the {w}-day {sampling} bootstrap: "
                                     f"{len(x)} observations for blocks of {blk} (implied_vol "
                                     "and prices share too few origin dates)")
                rows.append({
                    "Window (trading days)": w,
                    "Realized vol": "demeaned" if dm else "raw",
                    "Sampling": sampling,
                    "Avg VRP (vol pts)": float(x.mean()),
                    "Hit rate (VRP > 0)": float((x > 0).mean()),
                    "SE hit rate": _block_se_of_mean((x.to_numpy() > 0).astype(float),
                                                     _block_starts(len(x), blk, nb, sd), blk),
                    "n": int(len(x)),
                })
    return pd.DataFrame(rows)


def threshold_hit_rates(vrp_series, thresholds) -> pd.Series:
    """Share of dates on which the premium exceeds each threshold.

    Parameters
    ----------
    vrp_series : pandas.Series
        A VRP series in vol points (e.g. from :func:`vrp`), no NaN.
    thresholds : sequence of float
        Thresholds in vol points (0 gives the ordinary hit rate).

    Returns
    -------
    pandas.Series
        Fractions in [0, 1], indexed by the thresholds (index ``threshold``).
    """
    s = _finite_series(vrp_series, "vrp_series")
    if thresholds is None or isinstance(thresholds, (str, bytes)) or np.ndim(thresholds) != 1:
        raise ValueError(f"thresholds: expected a sequence of numbers (vol points), got {thresholds!r}")
    if len(thresholds) == 0:
        raise ValueError("thresholds: give at least one threshold")
    ths = [_number(t, "thresholds", "numbers of vol points") for t in thresholds]
    v = s.to_numpy()
    return pd.Series([float((v > t).mean()) for t in ths],
                     index=pd.Index(ths, name="threshold"), name="hit_rate")


def subperiods(implied_vol, prices, periods, window: int = 21,
               annualization: float = TRADING_DAYS) -> pd.DataFrame:
    """The practical premium and the dispersion of surprises, sub-period by sub-period.

    Parameters
    ----------
    implied_vol, prices, window, annualization
        As in :func:`aligned`; the premium is computed once on the whole sample and then
        cut by *origin* date.
    periods : mapping of str to (start, end)
        Label to the first and last origin dates (anything ``pandas`` reads as a date;
        ``("2008", "2008")`` is the calendar year 2008).

    Returns
    -------
    pandas.DataFrame
        Index ``Period``; columns ``Avg implied vol``, ``Avg VRP (vol pts)``,
        ``Hit rate (VRP > 0)`` (fraction), ``Mean ln(IV/RV)`` and ``Std ln(RV/IV)`` (pure
        numbers: the average log premium and the dispersion of the surprises relative to
        the implied volatility), ``n`` (origin dates).
    """
    if not isinstance(periods, Mapping) or len(periods) == 0:
        raise ValueError(f"periods: expected a non-empty mapping label -> (start, end), got {periods!r}")
    df = aligned(implied_vol, prices, window=window, annualization=annualization)
    iv, rv = df["implied"].to_numpy(), df["realized"].to_numpy()
    spread = iv - rv
    with np.errstate(divide="ignore"):
        logr = np.log(iv / np.where(rv > 0, rv, np.nan))
    rows, labels = [], []
    for label, span in periods.items():
        if not isinstance(label, str) or not label:
            raise ValueError(f"periods: every label must be a non-empty string, got {label!r}")
        if isinstance(span, (str, bytes)) or np.ndim(span) != 1 or len(span) != 2:
            raise ValueError(f"periods[{label!r}]: expected (start, end), got {span!r}")
        try:
            start, end = pd.Timestamp(span[0]), pd.Timestamp(span[1])
        except (TypeError, ValueError):
            raise ValueError(f"periods[{label!r}]: {span!r} are not dates") from None
        if end < start:
            raise ValueError(f"periods[{label!r}]: end {span[1]!r} is before start {span[0]!r}")
        # the rows of df.loc[span[0]:span[1]]: partial dates ("2008") cover the whole period
        cut = df.index.slice_indexer(span[0], span[1])
        n = len(range(*cut.indices(len(df))))
        if n < 2:
            raise ValueError(f"periods[{label!r}]: fewer than two origin dates in {span!r} "
                             "(dates shared by implied_vol and prices)")
        lr = logr[cut]
        if np.isnan(lr).any():
            raise ValueError(f"periods[{label!r}]: realized volatility is 0 on some date")
        sp = spread[cut]
        rows.append({
            "Avg implied vol": float(iv[cut].mean()),
            "Avg VRP (vol pts)": float(sp.mean()),
            "Hit rate (VRP > 0)": float((sp > 0).mean()),
            "Mean ln(IV/RV)": float(lr.mean()),
            "Std ln(RV/IV)": float(lr.std(ddof=1)),
            "n": n,
        })
        labels.append(label)
    if len(set(labels)) != len(labels):
        raise ValueError("periods: duplicate label")
    return pd.DataFrame(rows, index=pd.Index(labels, name="Period"))


# --------------------------------------------------------------------------- the mechanical part

def _nonneg_scalar(x, name: str) -> float:
    v = _number(x, name)
    if v < 0:
        raise ValueError(f"{name} must be non-negative, got {x!r}")
    return v


def normal_hit_rate(mean_log, std_log) -> float:
    """Hit rate ``P(IV > RV)`` when ``ln(IV / RV)`` is normal: ``Phi(mean_log / std_log)``.

    Parameters
    ----------
    mean_log : float
        Mean of ``ln(IV / RV)`` (a pure number; 0.30 is implied about 35 % above realized).
    std_log : float
        Standard deviation of ``ln(RV / IV)``, the dispersion of the surprises relative to
        the implied volatility; positive.

    Returns
    -------
    float
        A fraction in (0, 1). It depends on the *ratio* of the log premium to the
        dispersion of surprises, not on the level of implied volatility.
    """
    m = _number(mean_log, "mean_log")
    s = _number(std_log, "std_log")
    if s <= 0:
        raise ValueError(f"std_log must be positive, got {std_log!r}")
    return float(ndtr(m / s))


def mechanical_premium(std_log) -> pd.Series:
    """The premium with no risk premium at all (P = Q), if ``ln(RV / IV)`` is normal.

    With implied variance the expectation of realized variance, ``E[RV^2] = IV^2``, and
    ``ln(RV / IV) ~ Normal(m, s^2)``, the condition ``E[(RV / IV)^2] = 1`` forces
    ``m = -s^2``. Then, by Jensen's inequality made exact:

    * ``E[IV - RV] / IV = 1 - exp(-s^2 / 2)`` (the average premium, as a share of IV);
    * ``P(IV > RV) = Phi(s)`` (the hit rate);
    * ``E[ln(IV / RV)] = s^2`` (the mean log premium);
    * ``E[IV^2 - RV^2] = 0`` (the variance form: no mechanical part).

    Parameters
    ----------
    std_log : float
        ``s``, the standard deviation of ``ln(RV / IV)`` (a pure number, about 0.3 for
        the S&P 500 at 21 days); 0 gives no mechanical part.

    Returns
    -------
    pandas.Series
        ``vol_share`` (fraction of IV), ``hit_rate`` (fraction), ``log_mean`` and
        ``variance_mean`` (always 0).
    """
    s = _nonneg_scalar(std_log, "std_log")
    return pd.Series({
        "vol_share": float(-np.expm1(-0.5 * s * s)),
        "hit_rate": float(ndtr(s)),
        "log_mean": s * s,
        "variance_mean": 0.0,
    })


# --------------------------------------------------------------------------- shape

def _finite_series(x, name: str) -> pd.Series:
    s = _checks.series(_naive_dates(_not_none(x, name), name), name)
    v = s.to_numpy()
    if np.isnan(v).any():
        raise ValueError(f"{name}: NaN on {s.index[np.isnan(v)][0].date()}")
    if np.isinf(v).any():
        raise ValueError(f"{name}: infinite value on {s.index[np.isinf(v)][0].date()}")
    return s


def distribution(vrp_series) -> pd.Series:
    """Shape of a VRP series: mean, median, standard deviation, skewness, quantiles, extremes.

    Parameters
    ----------
    vrp_series : pandas.Series
        A VRP series (vol points), e.g. from :func:`vrp`; NaN or inf is an error.

    Returns
    -------
    pandas.Series
        ``mean``, ``median``, ``std``, ``skew`` (sample skewness, bias-adjusted as pandas
        computes it), ``p05``, ``p95``, ``min``, ``max``, ``hit_rate``, ``n``.
    """
    s = _finite_series(vrp_series, "vrp_series")
    if len(s) < 3:
        raise ValueError(f"vrp_series: need at least 3 values for a skewness, got {len(s)}")
    return pd.Series(
        {
            "mean": s.mean(),
            "median": s.median(),
            "std": s.std(),
            "skew": s.skew(),
            "p05": s.quantile(0.05),
            "p95": s.quantile(0.95),
            "min": s.min(),
            "max": s.max(),
            "hit_rate": float((s > 0).mean()),
            "n": float(len(s)),
        }
    )


def worst_months(vrp_series, n: int = 5) -> pd.DataFrame:
    """The calendar months with the lowest average VRP.

    Parameters
    ----------
    vrp_series : pandas.Series
        A daily VRP series (vol points), no NaN.
    n : int
        How many months to return, at most the number of calendar months in the series.

    Returns
    -------
    pandas.DataFrame
        Columns ``avg_vrp`` (vol points), ``min_vrp`` and ``days``, index the month
        (``YYYY-MM``), lowest average first.
    """
    s = _finite_series(vrp_series, "vrp_series")
    k = _checks.window(n, "n")
    g = s.groupby(s.index.to_period("M"))
    if k > g.ngroups:
        raise ValueError(f"n ({k}) is more months than vrp_series holds ({g.ngroups} calendar months)")
    out = pd.DataFrame({"avg_vrp": g.mean(), "min_vrp": g.min(), "days": g.size()})
    out.index = out.index.astype(str)
    out.index.name = "month"
    return out.sort_values("avg_vrp").head(k)


def monthly_samples(vrp_series, window: int = 21) -> pd.Series:
    """Every ``window``-th observation of a daily VRP series: non-overlapping outcomes.

    Daily VRP values with a 21-day forward window overlap by 20 days, so their count
    overstates the number of independent outcomes; sampling every 21st day (starting with
    the first) gives one outcome per holding period.

    Parameters
    ----------
    vrp_series : pandas.Series
        A daily series (vol points), no NaN.
    window : int
        The step in observations (the forward window, in trading days), at most the length
        of the series.
    """
    s = _finite_series(vrp_series, "vrp_series")
    w = _checks.window(window)
    if w > len(s):
        raise ValueError(f"window ({w}) is longer than vrp_series ({len(s)} observations): it would keep "
                         "one outcome")
    return s.iloc[::w]


def interpolated_vol(near_vol, next_vol, days: float, near_days: float = 30.0,
                     next_days: float = 93.0) -> pd.Series:
    """Implied volatility at a constant maturity between two indices, as Cboe interpolates.

    Total variance is linear in time between the two maturities (the rule of the VIX white
    paper, :func:`vrp_lib.implied.interpolate_variance`, computed by
    :func:`vrp_lib.swaps.term_structure_vol` on each date):
    ``sigma_d^2 d = w T1 sigma_1^2 + (1 - w) T2 sigma_2^2`` with ``w = (T2 - d) / (T2 - T1)``.
    With the VIX (30 days) and the VIX3M (93 days) it gives the 60-day implied volatility.

    Parameters
    ----------
    near_vol, next_vol : pandas.Series
        Implied volatilities of the shorter and the longer maturity (vol points), daily; only
        the dates both have are used.
    days : float
        Target maturity in calendar days, ``near_days <= days <= next_days``.
    near_days, next_days : float
        Maturities of the two series in calendar days (VIX 30, VIX3M 93, VIX6M 182).

    Returns
    -------
    pandas.Series
        Vol points, on the common dates, named ``iv<days>d``.
    """
    near = _implied(near_vol, "near_vol")
    nxt = _implied(next_vol, "next_vol")
    t1 = _checks.positive(_number(near_days, "near_days"), "near_days")
    t2 = _checks.positive(_number(next_days, "next_days"), "next_days")
    if t2 <= t1:
        raise ValueError(f"next_days ({t2:g}) must be longer than near_days ({t1:g})")
    d = _number(days, "days")
    if not t1 <= d <= t2:
        raise ValueError(f"days ({d:g}) must lie between near_days ({t1:g}) and next_days ({t2:g}): "
                         "the rule interpolates, it does not extrapolate")
    common = _checks.overlap(near, nxt, "near_vol", "next_vol")
    vols = np.column_stack([near.reindex(common).to_numpy(), nxt.reindex(common).to_numpy()])
    out = swaps.term_structure_vol(np.full(len(common), d), [t1, t2], vols)   # the one rule
    return pd.Series(out, index=common, name=f"iv{d:g}d")


def block_se(x, statistic="mean", block: int = 252, n_boot: int = 1000, seed: int = 0):
    """Moving-block bootstrap standard error of a mean or a hit rate, from block sums.

    The same resamples as :func:`vrp_lib.bootstrap.block_bootstrap_se` with the same
    ``block``, ``n_boot`` and ``seed``, and the same number to rounding (about 1e-15
    relative); each resample's mean is a sum of block sums read off a cumulative sum instead
    of an ``n_boot x n`` gather, which is several times faster on a daily series.

    Parameters
    ----------
    x : pandas.Series or array_like
        The observations in time order (e.g. daily VRP in vol points); finite, no booleans.
    statistic : {"mean", "hit_rate"} or tuple of them
        The mean of ``x`` (its unit) or the share of ``x > 0`` (a fraction); a tuple gives
        the standard error of each on the same resamples (drawn once).
    block : int
        Block length in observations, at most ``len(x)``.
    n_boot : int
        Number of resamples (at least 2), at most :data:`vrp_lib.bootstrap.MAX_N_BOOT`.
    seed : int
        Seed of the resampling (non-negative).

    Returns
    -------
    float or tuple of float
        The standard error, in the unit of the statistic (one per statistic for a tuple).
    """
    a = bootstrap._values(x)
    many = isinstance(statistic, tuple)
    if many and not statistic:
        raise ValueError("statistic: an empty tuple; name 'mean' or 'hit_rate'")
    stats = [_checks.choice(s, "statistic", ("mean", "hit_rate")) for s in (statistic if many else (statistic,))]
    blk = bootstrap._block(block, a.size)
    nb = bootstrap._n_boot(n_boot, low=2)
    starts = _block_starts(a.size, blk, nb, _seed(seed))
    out = []
    for stat in stats:
        values = (a > 0).astype(float) if stat == "hit_rate" else a
        if blk == 1:        # an ordinary bootstrap: one gather, no cumulative sums
            out.append(float(values[starts].mean(axis=1).std(ddof=1)))
        else:
            out.append(_block_se_of_mean(values, starts, blk))
    return tuple(out) if many else out[0]


def _average_ranks(a: np.ndarray) -> np.ndarray:
    """Ranks along the last axis (1 = smallest), ties given their average rank, as
    ``pandas.Series.rank()`` does."""
    order = np.argsort(a, axis=-1, kind="stable")
    s = np.take_along_axis(a, order, axis=-1)
    n = a.shape[-1]
    pos = np.broadcast_to(np.arange(n), a.shape)
    starts = np.ones(a.shape, dtype=bool)
    starts[..., 1:] = s[..., 1:] != s[..., :-1]
    ends = np.ones(a.shape, dtype=bool)
    ends[..., :-1] = starts[..., 1:]
    first = np.maximum.accumulate(np.where(starts, pos, 0), axis=-1)
    last = np.flip(np.minimum.accumulate(np.flip(np.where(ends, pos, n), axis=-1), axis=-1), axis=-1)
    ranks = np.empty(a.shape, dtype=float)
    np.put_along_axis(ranks, order, (first + last) / 2.0 + 1.0, axis=-1)
    return ranks


def rank_correlations(x, y) -> np.ndarray:
    """Spearman rank correlations of the rows of two arrays, vectorized over the rows.

    The Pearson correlation of the ranks (ties given their average rank), as
    ``pandas.DataFrame.rank().corr()`` computes it for one pair of columns, for every row
    at once: e.g. the bootstrap resamples of yearly hit rates and yearly average VIX levels,
    one resample a row.

    Parameters
    ----------
    x, y : array_like
        Finite numbers of the same shape: ``(n,)`` for one pair of samples or
        ``(n_rows, n)`` for many, ``n >= 2``.

    Returns
    -------
    numpy.ndarray
        One correlation per row (a 0-d array for 1-d input), between -1 and 1; NaN for a row
        in which ``x`` or ``y`` is constant.
    """
    a = _checks.array(x, "x", ndim=(1, 2))
    b = _checks.array(y, "y", ndim=(1, 2))
    for name, v in (("x", a), ("y", b)):
        if v.shape[-1] < 2:
            raise ValueError(f"{name}: needs at least two observations per row, got {v.shape[-1]}")
    if a.shape != b.shape:
        raise ValueError(f"x and y must have the same shape, got {a.shape} and {b.shape}")
    rx, ry = _average_ranks(a), _average_ranks(b)
    rx = rx - rx.mean(axis=-1, keepdims=True)
    ry = ry - ry.mean(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (rx * ry).sum(axis=-1) / np.sqrt((rx * rx).sum(axis=-1) * (ry * ry).sum(axis=-1))
