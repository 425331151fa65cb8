"""Short-volatility strategies: rolls, P&L with costs, sizing and a regime filter.

Every strategy is a sequence of non-overlapping **rolls**: a position opened at the close
of a roll date t and settled ``window`` trading days later, when the next one opens. The
same functions serve the real sample and the model world:

* real data: a Series per quantity, indexed by the roll dates (see :func:`rolls` and
  :func:`roll_paths`); results are Series with the same index;
* the model world: arrays with paths on the first axis and rolls on the next
  (``paths x rolls``, see :func:`model_rolls`); results are arrays of that shape.

Units
-----
* Implied and realized volatility in annualized **vol points** (as the VIX); the option
  pricer :func:`vrp_lib.implied.bs_price` is called with decimals (``vol / 100``).
* Variance-swap P&L in **currency** for a given vega notional (currency per vol point),
  or, with ``capital`` given, as a return on that capital.
* Option-strategy P&L as a **return on the underlying notional**: currency P&L of one
  unit of each leg divided by the index level at inception.
* Time: ``days_per_year`` trading days (252) a year.

Costs (:class:`Costs`) are parameters, never hidden: a seller trades at the implied level
minus half the bid-ask spread and minus slippage (both in vol points), pays a fee per trade
and a financing spread on the capital, and pays ``hedge_cost`` on every delta-hedge trade.

Option pricing, stated once: no option is priced at the VIX. The VIX is a model-free
variance, above at-the-money implied volatility on an equity smile; each strike trades at
the volatility of a smile whose 1/K^2 strip variance equals the VIX squared
(:mod:`vrp_lib.smile`; by default the shape of the Cboe white-paper board), by
Black-Scholes with the risk-free rate ``r`` (on real data the 3-month Treasury yield,
:func:`risk_free_rate`) and an **assumed** dividend yield :data:`DIVIDEND_YIELD` (2 % a
year). ``smile=None`` or ``"flat"`` prices every strike at the VIX, for a labelled
comparison only. A variance swap, by contrast, is rightly struck at the VIX: the VIX is the
square root of the 30-day fair variance, its fair strike (up to the discreteness and
truncation of the listed strikes).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import _checks, implied, models, realized, risk, swaps
from . import smile as smile_mod
from .realized import TRADING_DAYS

__all__ = [
    "Costs", "NO_COSTS", "DIVIDEND_YIELD", "rolls", "roll_paths", "model_rolls",
    "risk_free_rate", "index_returns", "short_variance_swap", "strike_vols",
    "option_strategy", "short_straddle", "put_write", "covered_call", "long_put",
    "funded_tail_hedge", "risk_target_vega", "regime_filter", "apply_filter",
    "filter_grid", "model_tenor_table",
]


#: Largest bid-ask spread or slippage a :class:`Costs` accepts, in vol points.
MAX_GIVE_UP = 100.0
#: Highest strike volatility :func:`strike_vols` returns, in vol points (a decimal of 5,
#: the pricer's limit): a strike further out is no listed option.
MAX_STRIKE_VOL = 500.0
#: Longest roll or option life accepted, in years (``window / days_per_year``): longer is
#: a count of days passed as years, or a window far beyond any listed tenor.
MAX_YEARS = 10.0


@dataclass(frozen=True)
class Costs:
    """Implementation costs of a short-volatility trade; all zero by default.

    Every field is checked when the record is built: a finite, non-negative number (not a
    boolean or a string), with the bounds below.

    Attributes
    ----------
    bid_ask : float
        Full bid-ask spread in vol points (at most ``MAX_GIVE_UP``, 100); a seller
        trades at ``mid - bid_ask / 2``, a buyer at ``mid + bid_ask / 2``.
    slippage : float
        Further vol points lost on each trade (market impact, timing), at most 100.
    fee : float
        Per trade. Variance swaps: currency per unit of vega notional. Options: a fraction
        of the underlying notional per option leg.
    financing : float
        Annual spread (decimal, at most 1: 3.0 is refused as percent) charged pro rata on
        the capital (swaps, when ``capital`` is given) or on the underlying notional
        (options).
    hedge_cost : float
        Delta hedging: a fraction (at most 1) of the notional of every hedge trade
        (including the first trade and the unwind at expiry).
    """

    bid_ask: float = 0.0
    slippage: float = 0.0
    fee: float = 0.0
    financing: float = 0.0
    hedge_cost: float = 0.0

    def __post_init__(self):
        for name in ("bid_ask", "slippage", "fee", "financing", "hedge_cost"):
            v = getattr(self, name)
            if isinstance(v, (bool, np.bool_)):
                raise _checks.ArgumentTypeError(
                    f"Costs.{name} must be a non-negative finite number, got the boolean {v!r} "
                    "(booleans are not numbers)")
            if not isinstance(v, (int, float, np.integer, np.floating)) or not np.isfinite(v) or v < 0:
                raise ValueError(f"Costs.{name} must be a non-negative finite number, got {v!r}")
        for name in ("bid_ask", "slippage"):
            if getattr(self, name) > MAX_GIVE_UP:
                raise ValueError(f"Costs.{name} ({getattr(self, name):g}) is above {MAX_GIVE_UP:g} "
                                 "vol points: more than any volatility it is taken from")
        for name in ("financing", "hedge_cost"):
            if getattr(self, name) > 1:
                raise ValueError(f"Costs.{name} ({getattr(self, name):g}) is above 1: pass a decimal "
                                 "fraction (0.03 for 3 %), not percent")

    @property
    def vol_give_up(self) -> float:
        """Vol points a trade gives up against mid: ``bid_ask / 2 + slippage``."""
        return 0.5 * self.bid_ask + self.slippage


NO_COSTS = Costs()

#: Dividend yield of the S&P 500 assumed in option pricing and in the index's approximate
#: total return: 2 % a year, continuously compounded. An **assumption**: the book embeds
#: no dividend data, and the yield moved over 1990-2022.
DIVIDEND_YIELD = 0.02


# --------------------------------------------------------------------------- roll schedules

def rolls(implied_vol, prices, window: int = 21, offset: int = 0,
          annualization: float = TRADING_DAYS) -> pd.DataFrame:
    """Non-overlapping monthly (``window``-day) rolls on real data.

    Roll dates are every ``window``-th trading day of ``prices``, starting ``offset`` days
    after the first date that has an implied value; each roll lasts exactly ``window``
    trading days, so consecutive rolls share no return. The calendar is fixed: a roll date
    without an implied value is skipped, not moved (unlike
    :func:`vrp_lib.swaps.monthly_settlements`, which strikes on the next date that has one).

    Parameters
    ----------
    implied_vol : pandas.Series
        Implied volatility in vol points (e.g. the VIX), DatetimeIndex, no NaN (drop
        missing days first: a date absent from the index has no roll).
    prices : pandas.Series
        Daily prices of the underlying.
    window : int
        Trading days per roll (21 is about a month).
    offset : int
        Days to skip before the first roll (0 .. window-1): a different roll calendar.
    annualization : float
        Trading days per year, in ``[1, 8784]``.

    Returns
    -------
    pandas.DataFrame
        Indexed by roll date (``date``): ``implied`` (vol points at t), ``realized``
        (forward realized vol over days t+1 .. t+window, vol points), ``spot`` (price at t)
        and ``spot_end`` (price at t+window). Only rolls with an implied value and a
        complete window are kept.
    """
    w = _checks.window(window)
    off = _checks.integer(offset, "offset", minimum=0)
    if off >= w:
        raise ValueError(f"offset ({off}) must be below window ({w}): offsets 0 .. window - 1 are the "
                         "distinct roll calendars")
    ann = risk._per_year(annualization, "annualization")
    iv = _checks.vols(implied_vol, "implied_vol", allow_nan=False)
    _checks.vol_points(iv.to_numpy(), "implied_vol")
    p = _checks.prices(prices)
    _checks.overlap(iv, p, "implied_vol", "prices")
    _checks.long_enough(len(p), w + 1, "prices", window_value=w)
    rv = realized.forward_realized_vol(p, window=w, annualization=ann)
    first = int(np.searchsorted(p.index, iv.dropna().index[0]))
    pos = np.arange(first + off, len(p) - w, w)
    dates = p.index[pos]
    df = pd.DataFrame(
        {
            "implied": iv.reindex(dates).to_numpy(),
            "realized": rv.iloc[pos].to_numpy(),
            "spot": p.iloc[pos].to_numpy(),
            "spot_end": p.iloc[pos + w].to_numpy(),
        },
        index=pd.DatetimeIndex(dates, name="date"),
    )
    df = df[df.index <= iv.index[-1]].dropna()
    if df.empty:
        raise ValueError("implied_vol, prices: no roll date has an implied value and a complete "
                         "forward window")
    return df


def roll_paths(prices, roll_dates, window: int = 21) -> np.ndarray:
    """Daily price paths of each roll: an array ``(n_rolls, window + 1)``.

    Row i holds the prices from roll date i to ``window`` trading days later, the path an
    option sold at roll date i lives on (needed for delta hedging).
    """
    w = _checks.window(window)
    p = _checks.prices(prices)
    idx = _dates(roll_dates, "roll_dates")
    missing = idx.difference(p.index)
    if len(missing):
        raise ValueError(f"roll_dates: {missing[0].date()} is not a date of prices")
    pos = p.index.get_indexer(idx)
    if (pos + w >= len(p)).any():
        raise ValueError(f"roll_dates: a roll has fewer than window = {w} trading days of prices after it "
                         f"(prices hold {len(p)} dates)")
    values = p.to_numpy()
    return values[pos[:, None] + np.arange(w + 1)[None, :]]


def model_rolls(index, vix, window: int = 21, annualization: float = TRADING_DAYS) -> dict:
    """Non-overlapping rolls on simulated model paths.

    Parameters
    ----------
    index, vix : numpy.ndarray
        Shape ``(n_days + 1, n_paths)``, as :func:`vrp_lib.simulation.simulate` returns them:
        the model index level and the model VIX (vol points), time along the first axis.
    window : int
        Trading days per roll (the paths must hold at least one).
    annualization : float
        Trading days per year, in ``[1, 8784]``.

    Returns
    -------
    dict
        ``implied`` and ``realized`` (vol points), shape ``(n_paths, n_rolls)``, and
        ``paths``, shape ``(n_paths, n_rolls, window + 1)``: the same quantities that
        :func:`rolls` and :func:`roll_paths` give on real data, rearranged so that paths
        lead.
    """
    w = _checks.window(window)
    ann = risk._per_year(annualization, "annualization")
    s = _checks.array(index, "index", positive=True)
    v = _vol_array(vix, "vix")
    if s.ndim != 2 or s.shape != v.shape:
        raise ValueError(
            f"index and vix must be 2-D arrays of the same shape (n_days + 1, n_paths), got "
            f"{s.shape} and {v.shape}"
        )
    if np.isnan(s).any() or (s <= 0).any():
        raise ValueError("index: model prices must be positive and not NaN")
    if np.isnan(v).any() or (v < 0).any():
        raise ValueError("vix: model implied volatility must be non-negative and not NaN")
    n_rolls = (s.shape[0] - 1) // w
    if n_rolls < 1:
        raise ValueError(f"index: {s.shape[0] - 1} days hold no complete roll of window = {w} days")
    starts = np.arange(n_rolls) * w
    paths = s.T[:, starts[:, None] + np.arange(w + 1)[None, :]]
    rets = np.diff(np.log(paths), axis=-1)
    # realized.realized_vol on every roll at once (the same operations, row by row)
    rv = 100.0 * np.sqrt(ann / w * np.ascontiguousarray(rets**2).sum(axis=-1))
    return {"implied": v.T[:, starts], "realized": rv, "paths": paths}


def risk_free_rate(dates, rates=None) -> pd.Series:
    """The 3-month Treasury yield at each date, as a continuously compounded decimal.

    The U.S. Treasury's par yield (percent, bond-equivalent basis) of the last business
    day at or before each date (:func:`vrp_lib.data.load_treasury_rates`, column ``"3m"``;
    its four missing days take the previous day's value), converted by
    ``r = 2 ln(1 + y / 200)``.

    Parameters
    ----------
    dates : DatetimeIndex or sequence of dates
        E.g. the roll dates (``rolls(...).index``): sorted, unique, time-zone naive.
    rates : pandas.Series, optional
        Yields in percent, DatetimeIndex (default: the embedded 3-month yield).
    """
    if rates is None:
        from . import data

        rates = data.load_treasury_rates()["3m"]
    y = _checks.series(rates, "rates").dropna()
    if y.empty:
        raise ValueError("rates: no value")
    if (y.abs() > 30).any():
        raise ValueError("rates: a yield above 30: pass percent (5.2 for 5.2 %), not basis points")
    idx = _dates(dates, "dates")
    if idx.min() < y.index[0]:
        raise ValueError(f"dates: {idx.min().date()} precedes the first rate ({y.index[0].date()})")
    pos = y.index.searchsorted(idx, side="right") - 1
    out = 2.0 * np.log1p(y.to_numpy()[pos] / 200.0)
    return pd.Series(out, index=idx, name="r")


def index_returns(roll_table, q: float = DIVIDEND_YIELD, window: int = 21,
                  days_per_year: float = TRADING_DAYS) -> pd.DataFrame:
    """The index over each roll: price return and approximate total return.

    ``price return = S_T / S_0 - 1``; ``total return (approx.) = price return + q T`` with
    the **assumed** dividend yield q (default :data:`DIVIDEND_YIELD`) and ``T = window /
    days_per_year``: the book embeds index prices, not dividends.

    Parameters
    ----------
    roll_table : pandas.DataFrame
        The output of :func:`rolls` (columns ``spot`` and ``spot_end``, prices: positive;
        every column finite, as :func:`rolls` returns it), indexed by roll date (sorted, unique,
        naive). One row per roll: any
        number of rolls, even one, gives one return per row.
    q : float
        Assumed dividend yield, continuously compounded decimal (at most 1 in size).
    window : int
        Trading days per roll: at most the business days between consecutive roll dates
        (a trading day is a business day), and at most ``MAX_YEARS`` years.
    days_per_year : float
        Trading days per year, in ``[1, 8784]``.
    """
    if not isinstance(roll_table, pd.DataFrame) or not {"spot", "spot_end"} <= set(roll_table):
        raise ValueError("roll_table: expected the DataFrame of strategies.rolls (spot, spot_end)")
    _checks.array(_checks.frame(roll_table, "roll_table"), "roll_table")  # no NaN, no inf
    for col in ("spot", "spot_end"):
        _checks.array(roll_table[col], f"roll_table[{col!r}]", positive=True)
    qq = risk._rate(q, "q")
    w = _checks.window(window)
    _, t = _years(w, days_per_year)
    if len(roll_table) >= 2:
        gaps = np.busday_count(roll_table.index[:-1].values.astype("datetime64[D]"),
                               roll_table.index[1:].values.astype("datetime64[D]"))
        if w > gaps.min():
            raise ValueError(f"window ({w} trading days) is longer than the gap between consecutive "
                             f"roll dates of roll_table ({gaps.min()} business days, {len(roll_table)} "
                             "rolls): pass the window the rolls were built with")
    price = roll_table["spot_end"] / roll_table["spot"] - 1.0
    return pd.DataFrame({"price return": price, "total return (approx.)": price + qq * t})


# --------------------------------------------------------------------------- helpers

def _years(days: int, days_per_year, what: str = "window") -> tuple[float, float]:
    """``(days_per_year, days / days_per_year)``: a count in ``[1, 8784]`` and a life of at
    most ``MAX_YEARS`` years, or an error naming ``what`` and ``days_per_year``."""
    dpy = risk._per_year(days_per_year, "days_per_year")
    t = days / dpy
    if t > MAX_YEARS:
        raise ValueError(f"{what} / days_per_year = {days} / {dpy:g} = {t:g} years, above {MAX_YEARS:g}: "
                         "pass trading days per year (252) and a life in trading days")
    return dpy, t


def _vol_array(x, name, *, allow_nan=False, zero_ok=False):
    """Volatilities in vol points: numbers, finite, positive (or >= 0), not decimals or prices."""
    a = _checks.array(x, name, allow_nan=allow_nan, positive=not zero_ok, nonneg=zero_ok)
    _checks.vol_points(a, name)
    return a


def _grid(values, name, check):
    """A non-empty sequence of parameter values, each checked by ``check(value, name)``."""
    if values is None or isinstance(values, (str, bytes)):
        raise ValueError(f"{name}: expected a sequence of values, got {values!r}")
    try:
        items = list(values)
    except TypeError:
        raise ValueError(f"{name}: expected a sequence of values, got {type(values).__name__}") from None
    if not items:
        raise ValueError(f"{name}: empty; give at least one value")
    return [check(v, name) for v in items]


def _dates(x, name):
    """Sorted, unique, time-zone naive dates."""
    if x is None or isinstance(x, (str, bytes, int, float)):
        raise ValueError(f"{name}: expected a sequence of dates, got {x!r}")
    try:
        idx = pd.DatetimeIndex(x)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: expected a sequence of dates") from None
    if len(idx) == 0:
        raise ValueError(f"{name}: empty")
    if idx.tz is not None:
        raise ValueError(f"{name}: time-zone aware dates; pass naive dates")
    if idx.has_duplicates:
        raise ValueError(f"{name}: duplicate date {idx[idx.duplicated()][0].date()}")
    if not idx.is_monotonic_increasing:
        raise ValueError(f"{name}: dates are not sorted in increasing order")
    return idx


def _like(template, values):
    """Wrap ``values`` as a Series when ``template`` is one."""
    if isinstance(template, pd.Series):
        return pd.Series(np.asarray(values, dtype=float), index=template.index, name="pnl")
    v = np.asarray(values, dtype=float)
    return float(v) if v.ndim == 0 else v


def _same_index(*series, names):
    idx = [s.index for s in series if isinstance(s, pd.Series)]
    for i, j in zip(idx, idx[1:]):
        if not i.equals(j):
            raise ValueError(f"{', '.join(names)}: Series must share the same index (roll dates)")


def _costs(costs) -> Costs:
    if costs is None:
        return NO_COSTS
    if not isinstance(costs, Costs):
        raise ValueError(f"costs: expected a strategies.Costs, got {type(costs).__name__}")
    return costs


# --------------------------------------------------------------------------- variance swap

def short_variance_swap(strike_vol, realized_vol, vega_notional=1.0, *, costs=None,
                        cap_multiple=None, capital=None, window: int = 21,
                        days_per_year: float = TRADING_DAYS):
    """P&L of the **short** side of a variance swap, one per roll.

    ``P&L = N_vega / (2 K') * (K'^2 - min(RV, c K')^2) - fee * N_vega``, with
    ``K' = K - bid_ask / 2 - slippage`` the strike the seller actually gets and ``c`` the
    cap multiple. Settlement is :func:`vrp_lib.swaps.variance_swap_pnl` with the sign
    reversed.

    Parameters
    ----------
    strike_vol : Series or array
        Mid strike K in vol points (VIX on real data, the model VIX in the model world).
    realized_vol : Series or array
        Realized volatility over the roll, vol points.
    vega_notional : float, Series or array
        Currency per vol point; broadcast against the strikes (a sizing rule's output).
    costs : Costs, optional
    cap_multiple : float, optional
        Cap on realized volatility as a multiple of the strike, at least 1 (2.5 is the conventional
        level when a cap is agreed; index variance swaps usually trade without one); None
        for no cap.
    capital : float, optional
        If given, the result is a return on this capital, net of ``costs.financing`` for
        ``window / days_per_year`` years (at most ``MAX_YEARS``; ``days_per_year`` in
        ``[1, 8784]``).

    Returns
    -------
    Series or array
        P&L in currency (or a return on ``capital``), shaped like ``strike_vol``.
    """
    c = _costs(costs)
    _same_index(strike_vol, realized_vol, vega_notional,
                names=("strike_vol", "realized_vol", "vega_notional"))
    k = _vol_array(strike_vol, "strike_vol")
    rv = _vol_array(realized_vol, "realized_vol", zero_ok=True)
    n = _checks.array(vega_notional, "vega_notional")
    if (n < 0).any():
        raise ValueError("vega_notional must be non-negative (the sign is set by the strategy)")
    for name, a in (("realized_vol", rv), ("vega_notional", n)):
        if a.ndim and k.ndim and a.shape != k.shape:
            raise ValueError(f"{name}: shape {a.shape} does not match strike_vol {k.shape}")
    k_trade = k - c.vol_give_up
    if (k_trade <= 0).any():
        raise ValueError("costs: bid_ask / 2 + slippage exceeds the strike")
    if cap_multiple is not None:
        cm = _checks.positive(cap_multiple, "cap_multiple")
        if cm < 1:
            raise ValueError(f"cap_multiple must be at least 1 (a cap below the strike), got {cm:g}")
        rv = np.minimum(rv, cm * k_trade)
    pnl = -swaps.variance_swap_pnl(rv, k_trade, n) - c.fee * n
    if capital is not None:
        cap = _checks.positive(capital, "capital")
        _, t = _years(_checks.window(window), days_per_year)
        pnl = pnl / cap - c.financing * t
    return _like(strike_vol, pnl)


# --------------------------------------------------------------------------- options

def _per_roll(x, shape, name):
    """An annual rate (decimal, at most 1 in size), a scalar or one per roll (array or
    Series) of ``shape``."""
    if x is None or isinstance(x, (bool, np.bool_)):
        raise ValueError(f"{name} must be a number or one number per roll, got {x!r}")
    a = _checks.array(x, name)
    if a.ndim and a.shape != shape:
        raise ValueError(f"{name}: shape {a.shape} does not match the rolls {shape}")
    if (np.abs(a) > 1).any():
        raise ValueError(f"{name}: {a[np.abs(a) > 1].flat[0]:g} is above 1 in size; pass an annual rate as a "
                         "decimal (0.052 for 5.2 %), not percent")
    return a


def strike_vols(implied_vol, moneyness, t, *, smile="whitepaper", r=0.0, q=DIVIDEND_YIELD):
    """Implied volatility (vol points) of the option struck at ``moneyness * S0``, per roll.

    With a smile (default the Cboe white-paper shape, :mod:`vrp_lib.smile`), ``implied_vol``
    is read as the VIX, a model-free variance, and the strike's volatility is the smile's
    at ``K / F = moneyness * e^{-(r - q) t}``, with the smile's strip variance equal to
    ``implied_vol^2``. With ``smile=None`` or ``"flat"`` every strike trades at
    ``implied_vol`` itself (labelled comparisons only: pricing at the VIX).

    ``t`` is in years (at most ``MAX_YEARS``), ``r`` and ``q`` annual decimals (at most
    1 in size); a strike whose smile volatility exceeds ``MAX_STRIKE_VOL`` raises,
    naming ``moneyness``.
    """
    return _strike_vols(implied_vol, moneyness, t, smile, r, q, "moneyness")


def _strike_vols(implied_vol, moneyness, t, smile, r, q, name):
    """:func:`strike_vols`, naming the moneyness argument ``name`` in its errors."""
    shp = smile_mod.FLAT if smile is None else smile_mod.resolve(smile, "smile")
    iv = _vol_array(implied_vol, "implied_vol")
    moneyness = _checks.array(moneyness, name, positive=True)
    t = _checks.positive(t, "t")
    if t > MAX_YEARS:
        raise ValueError(f"t ({t:g} years) is above {MAX_YEARS:g} years: it looks like days; pass years")
    r = _per_roll(r, np.shape(r), "r")
    q = _per_roll(q, np.shape(q), "q")
    if shp.is_flat:
        return iv.copy()
    km = np.asarray(moneyness, dtype=float) * np.exp(-(r - q) * t)
    out = np.asarray(smile_mod.smile_vol(iv, km, shp, t), dtype=float)
    if (out > MAX_STRIKE_VOL).any():
        raise ValueError(f"{name}: a strike at {np.max(np.abs(np.log(km))):.3g} in |ln(K/F)| trades at "
                         f"{out.max():.4g} vol points on this smile at t = {t:g} years, above "
                         f"{MAX_STRIKE_VOL:g}: a strike that far from the money is no listed option")
    return out


def option_strategy(paths, implied_vol, *, calls: float = 0.0, puts: float = 0.0,
                    underlying: float = 0.0, call_moneyness: float = 1.0,
                    put_moneyness: float = 1.0, delta_hedge: bool = False, costs=None,
                    r=0.0, q=DIVIDEND_YIELD, days_per_year: float = TRADING_DAYS,
                    smile="whitepaper", include_cash: bool = False):
    """Return of a held-to-expiry option position per roll, on the underlying notional.

    The position holds ``calls`` calls struck at ``call_moneyness * S0``, ``puts`` puts
    struck at ``put_moneyness * S0`` (negative quantities are sold) and ``underlying``
    units of the index (as a forward: ``S_T - S0 e^{(r - q) T}``, the index financed at r
    with its dividends), opened at the first price of each path and settled at the last.
    Options trade at Black-Scholes prices (rate r, dividend yield q) at the volatility of
    their strike (:func:`strike_vols`: the smile consistent with the VIX by default), moved
    against the trader by ``costs.vol_give_up`` vol points.

    With ``delta_hedge=True`` the option legs are delta-hedged once a day with the index,
    using the Black-Scholes delta at each strike's mid implied volatility of inception (the
    usual "hedge at implied" convention), so the P&L becomes a bet on realized against
    implied volatility rather than on direction.

    Parameters
    ----------
    paths : numpy.ndarray
        Daily prices from inception to expiry, shape ``(..., n_days + 1)``: ``(n_rolls,
        n + 1)`` on real data (:func:`roll_paths`), ``(n_paths, n_rolls, n + 1)`` in the
        model world (:func:`model_rolls`). The option's life is ``n_days / days_per_year``
        (at most ``MAX_YEARS``; ``days_per_year`` in ``[1, 8784]``).
    implied_vol : Series or array
        The VIX (a model-free 30-day implied volatility) of each roll in vol points, shape
        ``paths.shape[:-1]``; with ``smile="flat"`` the one volatility of every strike.
    r : float, array or Series
        Risk-free rate, continuously compounded decimal; one per roll allowed
        (:func:`risk_free_rate`).
    q : float, array or Series
        Dividend yield, continuously compounded decimal (default :data:`DIVIDEND_YIELD`,
        an assumption).
    smile : SmileShape, name or None
        ``"whitepaper"`` (default), ``"model"``, a :class:`vrp_lib.smile.SmileShape`, or
        None / ``"flat"`` to price every strike at ``implied_vol`` (comparison only).
    include_cash : bool
        Add the interest ``e^{rT} - 1`` the cash collateral (one unit of notional) earns:
        a total return as the Cboe PUT index reports it, instead of a return in excess of
        cash.

    Returns
    -------
    Series or numpy.ndarray
        ``(payoff + hedge P&L - premium carried at r - fees - hedge costs) / S0 -
        financing * T`` (plus cash interest if asked), a return on one unit of underlying
        notional per roll.
    """
    c = _costs(costs)
    s = _checks.array(paths, "paths", positive=True)
    if s.ndim < 2 or s.shape[-1] < 2:
        raise ValueError("paths: need an array (..., n_days + 1) with at least two prices per roll")
    iv = _vol_array(implied_vol, "implied_vol")
    if iv.shape != s.shape[:-1]:
        raise ValueError(f"implied_vol: shape {iv.shape} does not match paths {s.shape[:-1]}")
    for name, v in (("calls", calls), ("puts", puts), ("underlying", underlying)):
        _checks.finite(v, name)
    if not isinstance(delta_hedge, (bool, np.bool_)) or not isinstance(include_cash, (bool, np.bool_)):
        raise ValueError("delta_hedge and include_cash must be True or False")
    km_c = _checks.positive(call_moneyness, "call_moneyness")
    km_p = _checks.positive(put_moneyness, "put_moneyness")
    r = _per_roll(r, iv.shape, "r")
    q = _per_roll(q, iv.shape, "q")
    n_days = s.shape[-1] - 1
    dpy, t = _years(n_days, days_per_year, "paths' days")
    s0, st = s[..., 0], s[..., -1]
    kc, kp = km_c * s0, km_p * s0
    give = c.vol_give_up / 100.0
    sig_c = _strike_vols(iv, km_c, t, smile, r, q, "call_moneyness") / 100.0 if calls else None
    sig_p = _strike_vols(iv, km_p, t, smile, r, q, "put_moneyness") / 100.0 if puts else None

    def trade_vol(sig, qty):
        v = sig + give if qty > 0 else sig - give
        if (v <= 0).any():
            raise ValueError("costs: bid_ask / 2 + slippage exceeds the implied volatility")
        return v

    premium = np.zeros_like(s0)
    payoff = underlying * (st - s0 * np.exp((r - q) * t))
    if calls:
        premium += calls * implied.bs_price(s0, kc, t, r, trade_vol(sig_c, calls), q, "call")
        payoff += calls * np.maximum(st - kc, 0.0)
    if puts:
        premium += puts * implied.bs_price(s0, kp, t, r, trade_vol(sig_p, puts), q, "put")
        payoff += puts * np.maximum(kp - st, 0.0)
    pnl = payoff - premium * np.exp(r * t) - c.fee * (abs(calls) + abs(puts)) * s0
    if delta_hedge and (calls or puts):
        hedge = np.zeros_like(s0)
        cost = np.zeros_like(s0)
        prev = np.zeros_like(s0)
        # every day's delta in one call (day on the last axis): the same per-element
        # operations as one call a day, so the same numbers
        tau = (n_days - np.arange(n_days)) / dpy
        rd, qd = r[..., None], q[..., None]
        deltas = np.zeros(s.shape[:-1] + (n_days,))
        if calls:
            deltas += calls * implied.bs_delta(s[..., :-1], kc[..., None], tau, rd,
                                               sig_c[..., None], qd, "call")
        if puts:
            deltas += puts * implied.bs_delta(s[..., :-1], kp[..., None], tau, rd,
                                              sig_p[..., None], qd, "put")
        for i in range(n_days):
            h = -deltas[..., i]
            hedge += h * (s[..., i + 1] - s[..., i])
            cost += c.hedge_cost * np.abs(h - prev) * s[..., i]
            prev = h
        cost += c.hedge_cost * np.abs(prev) * st
        pnl = pnl + hedge - cost
    out = pnl / s0 - c.financing * t
    if include_cash:
        out = out + np.expm1(r * t)
    if isinstance(implied_vol, pd.Series):
        return pd.Series(out, index=implied_vol.index, name="return")
    return out


def short_straddle(paths, implied_vol, *, moneyness: float = 1.0, delta_hedge: bool = False,
                   **kwargs):
    """Sell one call and one put at ``moneyness * S0`` (at the money by default).

    See :func:`option_strategy` for the other arguments and the units (a return on the
    underlying notional per roll).
    """
    return option_strategy(paths, implied_vol, calls=-1.0, puts=-1.0, call_moneyness=moneyness,
                           put_moneyness=moneyness, delta_hedge=delta_hedge, **kwargs)


def put_write(paths, implied_vol, *, moneyness: float = 1.0, delta_hedge: bool = False, **kwargs):
    """Sell one put at ``moneyness * S0``, collateralised by cash (the Cboe PUT index design).

    Priced off the smile (see :func:`option_strategy`; ``include_cash=True`` adds the
    collateral's interest for a total return comparable with the PUT index).
    """
    return option_strategy(paths, implied_vol, puts=-1.0, put_moneyness=moneyness,
                           delta_hedge=delta_hedge, **kwargs)


def covered_call(paths, implied_vol, *, moneyness: float = 1.0, **kwargs):
    """Hold the index and sell one call at ``moneyness * S0`` (the Cboe BXM index design).

    Not delta-hedged: the long index is the point of the strategy.
    """
    if kwargs.get("delta_hedge"):
        raise ValueError("delta_hedge: a covered call is not delta-hedged (it holds the index)")
    return option_strategy(paths, implied_vol, calls=-1.0, underlying=1.0,
                           call_moneyness=moneyness, **kwargs)


def long_put(paths, implied_vol, *, moneyness: float = 0.9, **kwargs):
    """Buy one put at ``moneyness * S0``: the tail hedge.

    Priced off the smile (see :func:`option_strategy`); with ``smile="flat"`` it would be
    priced at the VIX, far below the market's skewed price.
    """
    return option_strategy(paths, implied_vol, puts=1.0, put_moneyness=moneyness, **kwargs)


def funded_tail_hedge(paths, implied_vol, realized_vol, *, moneyness: float = 0.9,
                      funding_vega=None, costs=None, smile="whitepaper", r=0.0,
                      q=DIVIDEND_YIELD, days_per_year: float = TRADING_DAYS) -> dict:
    """A long out-of-the-money put paid for by a short variance swap, per roll.

    The put (:func:`long_put`, priced off the smile) and a short variance swap struck at
    the VIX (:func:`short_variance_swap`, the VIX being its fair strike) with a vega
    notional of ``funding_vega`` % of the index notional per vol point. By default
    ``funding_vega`` makes the package cost nothing on average over the rolls given
    (chosen in sample).

    Parameters
    ----------
    paths, implied_vol
        As in :func:`option_strategy` (``implied_vol`` is the VIX).
    realized_vol : Series or array
        Realized volatility over each roll, vol points, shaped like ``implied_vol``.
    funding_vega : float, optional
        Vega notional of the swap, % of notional per vol point.

    Returns
    -------
    dict
        ``put``, ``short_vol`` and ``package`` (returns on the index notional per roll,
        shaped like ``implied_vol``) and ``funding_vega``.
    """
    put = long_put(paths, implied_vol, moneyness=moneyness, costs=costs, smile=smile, r=r,
                   q=q, days_per_year=days_per_year)
    swap = short_variance_swap(implied_vol, realized_vol, 1.0, costs=costs) / 100.0
    if funding_vega is None:
        m = float(np.mean(swap))
        if m <= 0:
            raise ValueError("funding_vega: the short variance swap lost money on average over "
                             "these rolls, so it cannot fund the put; pass funding_vega")
        fv = -float(np.mean(put)) / m
    else:
        fv = _checks.finite(funding_vega, "funding_vega")
        if fv < 0:
            raise ValueError(f"funding_vega must be non-negative, got {funding_vega!r}")
    return {"put": put, "short_vol": fv * swap, "package": put + fv * swap, "funding_vega": fv}


# --------------------------------------------------------------------------- sizing

def risk_target_vega(implied_vol, risk_budget, vol_of_vol: float = 0.3, max_vega=None,
                     max_variance_notional=None):
    """Vega notional per roll sized to a risk budget, then capped.

    A short variance swap's P&L per unit of vega notional is, to first order, ``K - RV``;
    if realized volatility deviates from the strike by ``vol_of_vol * K`` (one standard
    deviation, as a fraction of the strike) the P&L's standard deviation per unit of vega
    is ``vol_of_vol * K``. The vega notional that spends ``risk_budget`` (currency, one
    standard deviation per roll) is therefore

    ``N_vega = risk_budget / (vol_of_vol * K)``,

    which sells less vega when implied volatility is high. Then ``N_vega <= max_vega``
    and ``N_vega / (2K) <= max_variance_notional`` (the variance-notional cap).

    Parameters
    ----------
    implied_vol : Series or array
        Strike K of each roll, vol points.
    risk_budget : float
        Currency, one standard deviation of P&L per roll.
    vol_of_vol : float, Series or array
        Assumed standard deviation of ``RV / K`` over a roll, positive: one number, or one per
        roll shaped like ``implied_vol`` (e.g. an estimate from the rolls before each, known in
        real time). Underestimating it oversizes the position: that is the risk-parity failure
        mode of chapter 6.

    Returns
    -------
    Series or array
        Vega notional (currency per vol point), shaped like ``implied_vol``.
    """
    k = _vol_array(implied_vol, "implied_vol")
    b = _checks.positive(risk_budget, "risk_budget")
    if np.ndim(vol_of_vol) == 0:
        vov = _checks.positive(vol_of_vol, "vol_of_vol")
    else:
        _same_index(implied_vol, vol_of_vol, names=("implied_vol", "vol_of_vol"))
        vov = _checks.array(vol_of_vol, "vol_of_vol", positive=True)
        if vov.shape != k.shape:
            raise ValueError(f"vol_of_vol: shape {vov.shape} does not match implied_vol {k.shape}")
        if (vov > 10).any():
            raise ValueError("vol_of_vol: above 10 (a standard deviation of RV / K, not percent)")
    n = b / (vov * k)
    if max_vega is not None:
        n = np.minimum(n, _checks.positive(max_vega, "max_vega"))
    if max_variance_notional is not None:
        n = np.minimum(n, 2.0 * k * _checks.positive(max_variance_notional, "max_variance_notional"))
    if isinstance(implied_vol, pd.Series):
        return pd.Series(n, index=implied_vol.index, name="vega_notional")
    return float(n) if n.ndim == 0 else n


# --------------------------------------------------------------------------- regime filter

def regime_filter(implied_vol, trailing_vol, days: int = 5, reentry_spread: float = 0.0):
    """In or out of the market, day by day, from information known at each close.

    The rule of the source: **step out** once trailing realized volatility has exceeded
    implied volatility on ``days`` consecutive days; **re-enter** on the first day the
    spread ``implied - trailing`` reopens above ``reentry_spread`` (vol points).

    Parameters
    ----------
    implied_vol, trailing_vol : Series or array
        Vol points; Series must share their index. Arrays: ``(time,)`` or
        ``(paths, time)``, time on the last axis. A NaN in ``trailing_vol`` (the first
        days of a trailing window) counts as no breach.
    days : int
        Consecutive breach days that trigger the exit (at most the length of the data).
    reentry_spread : float
        Spread (vol points) the market must offer again before re-entering; 0 re-enters
        as soon as implied is back above trailing.

    Returns
    -------
    Series of bool or numpy.ndarray of bool
        True where the strategy may hold a position opened at that close.
    """
    _same_index(implied_vol, trailing_vol, names=("implied_vol", "trailing_vol"))
    for name, x in (("implied_vol", implied_vol), ("trailing_vol", trailing_vol)):
        if isinstance(x, pd.Series):
            _checks.series(x, name)
    iv = _vol_array(implied_vol, "implied_vol", zero_ok=True)
    tv = _vol_array(trailing_vol, "trailing_vol", allow_nan=True, zero_ok=True)
    if iv.shape != tv.shape:
        raise ValueError(f"implied_vol {iv.shape} and trailing_vol {tv.shape} differ in shape")
    if iv.ndim not in (1, 2) or iv.shape[-1] == 0:
        raise ValueError("implied_vol: expected a non-empty 1-D or 2-D (paths x time) array")
    d = _checks.window(days, "days")
    if d > iv.shape[-1]:
        raise ValueError(f"days ({d}) is longer than implied_vol ({iv.shape[-1]} days): the filter could "
                         "never step out")
    spread_min = _checks.finite(reentry_spread, "reentry_spread")
    iv2, tv2 = np.atleast_2d(iv), np.atleast_2d(tv)
    breach = np.nan_to_num(tv2, nan=-np.inf) > iv2
    reopen = (iv2 - np.nan_to_num(tv2, nan=np.inf)) > spread_min
    inside = np.ones(iv2.shape, dtype=bool)
    state = np.ones(iv2.shape[0], dtype=bool)
    count = np.zeros(iv2.shape[0])
    for j in range(iv2.shape[1]):
        count = np.where(breach[:, j], count + 1.0, 0.0)
        state = np.where(state, count < d, reopen[:, j])
        inside[:, j] = state
    out = inside if iv.ndim == 2 else inside[0]
    if isinstance(implied_vol, pd.Series):
        return pd.Series(out, index=implied_vol.index, name="in_market")
    return out


def _flags(x, name):
    """Booleans, no missing value: a Series (sorted, unique, naive dates) or an array."""
    if x is None or isinstance(x, (str, bytes)):
        raise ValueError(f"{name}: expected booleans, got {x!r}")
    if isinstance(x, pd.Series):
        if len(x) == 0:
            raise ValueError(f"{name}: empty")
        _dates(x.index, name)
    a = np.asarray(x)
    if a.dtype != bool:
        raise ValueError(f"{name}: expected booleans (True where in the market), got {a.dtype}")
    return a


def apply_filter(pnl, in_market):
    """Keep the P&L of the rolls opened while the filter was in; zero for the others.

    Parameters
    ----------
    pnl : Series or array
        P&L per roll, indexed by roll date (Series) or shaped like ``in_market``.
    in_market : Series of bool or array of bool
        Daily filter (Series: looked up at each roll date) or one flag per roll (array).
    """
    if isinstance(pnl, pd.Series):
        if not isinstance(in_market, pd.Series):
            raise ValueError("in_market: pass a Series when pnl is a Series")
        ps = _checks.series(pnl, "pnl")
        _checks.array(ps.to_numpy(), "pnl")
        _flags(in_market, "in_market")
        missing = pnl.index.difference(in_market.index)
        if len(missing):
            raise ValueError(f"pnl, in_market: no filter value on roll date {missing[0].date()}")
        flag = in_market.reindex(pnl.index).to_numpy(dtype=bool)
        return pd.Series(np.where(flag, ps.to_numpy(), 0.0), index=pnl.index, name=pnl.name)
    p = _checks.array(pnl, "pnl")
    f = _flags(in_market, "in_market")
    if p.shape != f.shape:
        raise ValueError(f"in_market: shape {f.shape} does not match pnl {p.shape}")
    return np.where(f, p, 0.0)


def filter_grid(pnl, implied_vol, prices, *, trailing_windows=(5, 10, 21), days=(1, 3, 5, 10),
                reentry_spreads=(0.0, 2.0), gross=None, periods_per_year: float = 12):
    """The regime filter over a grid of its parameters, on one P&L series of rolls.

    For every combination of trailing window (trading days), breach ``days`` and
    ``reentry_spread`` (vol points), the filter of :func:`regime_filter` is run on
    ``implied_vol`` against the trailing realized volatility of ``prices``, and applied to
    ``pnl`` with :func:`apply_filter`. A result that holds on most of the grid is not an
    artifact of one choice.

    Parameters
    ----------
    pnl : pandas.Series
        P&L per roll, indexed by roll date (e.g. net of costs); at least one year of
        rolls (``periods_per_year`` of them, 12 monthly rolls): an annualized Sharpe ratio
        from fewer rolls is an extrapolation.
    implied_vol : pandas.Series
        Daily implied volatility, vol points.
    prices : pandas.Series
        Daily prices of the underlying.
    gross : pandas.Series, optional
        A second P&L series (e.g. gross of costs) whose filtered Sharpe ratio is reported
        as ``Sharpe gross``.
    periods_per_year : float
        Rolls per year (12 for monthly rolls), to annualize the Sharpe ratios; in
        ``[0.1, 8784]`` (:func:`vrp_lib.risk.sharpe`).

    Returns
    -------
    (pandas.DataFrame, dict)
        One row per combination with ``trailing window``, ``days``, ``re-entry spread``,
        ``rolls taken %``, ``Sharpe`` (and ``Sharpe gross``), ``max drawdown`` and
        ``total P&L``; and the daily filter of each combination, keyed by
        ``(trailing window, days, re-entry spread)``.
    """
    if not isinstance(pnl, pd.Series):
        raise ValueError("pnl: expected a Series of P&L per roll, indexed by roll date")
    pnl = _checks.series(pnl, "pnl")
    ppy = risk._ppy(periods_per_year)
    _checks.array(pnl.to_numpy(), "pnl")
    _checks.long_enough(len(pnl), max(2, int(np.ceil(ppy))), "pnl", what="rolls (one year)",
                        window_value=f"{ppy:g}", window_name="periods_per_year")
    iv = _checks.vols(implied_vol, "implied_vol", allow_nan=False)
    _checks.vol_points(iv.to_numpy(), "implied_vol")
    p = _checks.prices(prices)
    _checks.overlap(iv, p, "implied_vol", "prices")
    missing = pnl.index.difference(iv.index)
    if len(missing):
        raise ValueError(f"pnl, implied_vol: no implied value on roll date {missing[0].date()}")
    tws = _grid(trailing_windows, "trailing_windows", _checks.window)
    _checks.long_enough(len(p), max(tws) + 1, "prices", window_value=max(tws), window_name="trailing_windows")
    ds = _grid(days, "days", _checks.window)
    _checks.long_enough(len(iv), max(ds), "implied_vol", what="days", window_value=max(ds),
                        window_name="days", detail="a filter that can never step out")
    spreads = _grid(reentry_spreads, "reentry_spreads", _checks.finite)
    if gross is not None:
        gross = _checks.series(gross, "gross")
    rows, flags = [], {}
    for tw in tws:
        tv = realized.trailing_realized_vol(p, tw).reindex(iv.index)
        for d in ds:
            for spread in spreads:
                flag = regime_filter(iv, tv, days=d, reentry_spread=spread)
                kept = apply_filter(pnl, flag)
                row = {"trailing window": tw, "days": d, "re-entry spread": spread,
                       "rolls taken %": 100 * flag.reindex(pnl.index).mean(),
                       "Sharpe": risk.sharpe(kept, periods_per_year)}
                if gross is not None:
                    row["Sharpe gross"] = risk.sharpe(apply_filter(gross, flag), periods_per_year)
                row.update({"max drawdown": risk.max_drawdown(kept), "total P&L": kept.sum()})
                rows.append(row)
                flags[(tw, d, spread)] = flag
    return pd.DataFrame(rows), flags


def model_tenor_table(paths, physical, risk_neutral, tenors=(21, 42, 63, 126, 252), costs=None,
                      days_per_year: float = TRADING_DAYS) -> pd.DataFrame:
    """Short variance swaps of several tenors in the model world: expected and simulated P&L.

    For each tenor (trading days): the exact fair strike at the long-run variance
    (``sqrt(E^Q)`` with ``v0 = physical.theta``), the exact expected P&L per swap
    ``(K^2 - E^P) / (2K)`` per unit vega notional, and, on the simulated ``paths`` rolled
    back to back at that tenor with each strike set from the state at inception, the P&L
    standard deviation, the yearly cost of ``costs`` and the Sharpe ratios gross and net.

    Parameters
    ----------
    paths : vrp_lib.simulation.ModelPaths
        Simulated paths (model world, synthetic).
    physical, risk_neutral : vrp_lib.bates.BatesParams
    tenors : sequence of int
        Swap lives in trading days; the paths must hold one roll of each.
    costs : Costs, optional
    days_per_year : float
        Trading days per year, in ``[1, 8784]``.

    Returns
    -------
    pandas.DataFrame
        Index ``tenor (days)``; columns ``strike K (vol pts)``, ``E[P&L] per swap``,
        ``E[P&L] per year``, ``P&L sd per swap (sim.)``, ``cost per year``,
        ``Sharpe gross (sim.)``, ``Sharpe net (sim.)``; P&L in vol points per unit vega.
    """
    p, q = models.check_pair(physical, risk_neutral)
    if not isinstance(paths, models.ModelPaths):
        raise ValueError(f"paths: expected vrp_lib.models.ModelPaths, got {type(paths).__name__}")
    days_per_year = risk._per_year(days_per_year, "days_per_year")
    n_days = np.shape(paths.index)[0] - 1
    for d in _grid(tenors, "tenors", _checks.window):
        if d > n_days:
            raise ValueError(f"tenors: a tenor of {d} days is longer than the paths ({n_days} days)")
    rows = []
    for d in _grid(tenors, "tenors", _checks.window):
        t_years = d / days_per_year
        k_exact = 100 * np.sqrt(models.expected_variance(q, t_years, p.theta))
        rv_exact = 100 * np.sqrt(models.expected_variance(p, t_years, p.theta))
        e_pnl = float(short_variance_swap(k_exact, rv_exact, 1.0))
        rolled = model_rolls(paths.index, paths.vix, window=d)
        n_rolls = rolled["realized"].shape[1]
        strike = 100 * np.sqrt(models.expected_variance(q, t_years, paths.variance[np.arange(n_rolls) * d].T))
        gross = short_variance_swap(strike, rolled["realized"], 1.0)
        net = short_variance_swap(strike, rolled["realized"], 1.0, costs=costs)
        per_year = days_per_year / d
        rows.append({"tenor (days)": d, "strike K (vol pts)": k_exact, "E[P&L] per swap": e_pnl,
                     "E[P&L] per year": e_pnl * per_year,
                     "P&L sd per swap (sim.)": gross.std(), "cost per year": per_year * (gross - net).mean(),
                     "Sharpe gross (sim.)": risk.sharpe(gross.ravel(), per_year),
                     "Sharpe net (sim.)": risk.sharpe(net.ravel(), per_year)})
    return pd.DataFrame(rows).set_index("tenor (days)")
