"""Valid calls of vrp_lib.strategies for the bad-input campaign (tests/test_campaign.py)."""

import numpy as np
import pandas as pd
from _campaign_fixtures import PRICES, VIX

from vrp_lib import data as _data
from vrp_lib import models as _m
from vrp_lib import strategies as _s

_ROLLS = _s.rolls(VIX, PRICES, window=21)
_PATHS = _s.roll_paths(PRICES, _ROLLS.index, window=21)
_IV = _ROLLS["implied"].to_numpy()
_P = _m.BatesParams(kappa=2.0, theta=0.03, xi=0.4, rho=-0.7, lam=0.5, mu_j=-0.03, sigma_j=0.06)
_Q = _m.BatesParams(kappa=1.5, theta=0.04, xi=0.4, rho=-0.7, lam=0.8, mu_j=-0.06, sigma_j=0.08)
_SIM = _m.simulate(_P, _Q, 260, 3, seed=1, v0=0.03)
_PNL = pd.Series(np.linspace(-1.0, 1.0, len(_ROLLS)), index=_ROLLS.index, name="pnl")
_IN = pd.Series(True, index=VIX.index)
_RV = np.full(len(_IV), 14.0)
_RATES = _data.load_treasury_rates()["3m"].loc["2014-12":"2017-06"].dropna()

CALLS = {
    "Costs": ((), {"bid_ask": 1.0, "slippage": 0.2, "fee": 0.001, "financing": 0.01, "hedge_cost": 0.0005}),
    "rolls": ((VIX, PRICES), {"window": 21, "offset": 2, "annualization": 252}),
    "roll_paths": ((PRICES, _ROLLS.index), {"window": 21}),
    "model_rolls": ((_SIM.index, _SIM.vix), {"window": 21, "annualization": 252}),
    "short_variance_swap": ((_IV, _RV, 1.0), {"costs": _s.Costs(bid_ask=1.0), "cap_multiple": 2.5,
                                             "capital": 10.0, "window": 21, "days_per_year": 252}),
    "option_strategy": ((_PATHS, _IV), {"calls": -1.0, "puts": -1.0, "underlying": 0.0, "call_moneyness": 1.0,
                                        "put_moneyness": 1.0, "delta_hedge": True, "costs": _s.Costs(),
                                        "r": 0.01, "q": 0.0, "days_per_year": 252}),
    "short_straddle": ((_PATHS, _IV), {"moneyness": 1.0, "delta_hedge": False}),
    "put_write": ((_PATHS, _IV), {"moneyness": 0.95, "delta_hedge": False}),
    "covered_call": ((_PATHS, _IV), {"moneyness": 1.05}),
    "long_put": ((_PATHS, _IV), {"moneyness": 0.9}),
    "risk_target_vega": ((_IV, 1000.0), {"vol_of_vol": 0.3, "max_vega": 500.0, "max_variance_notional": 20.0}),
    "regime_filter": ((VIX, VIX * 0.9), {"days": 5, "reentry_spread": 0.0}),
    "apply_filter": ((_PNL, _IN), {}),
    "filter_grid": ((_PNL, VIX, PRICES), {"trailing_windows": (5, 10), "days": (1, 3), "reentry_spreads": (0.0,),
                                          "periods_per_year": 12}),
    "model_tenor_table": ((_SIM, _P, _Q), {"tenors": (21, 42), "costs": _s.Costs(), "days_per_year": 252}),
    "funded_tail_hedge": ((_PATHS, _IV, _RV), {"moneyness": 0.9, "costs": _s.Costs(), "smile": "whitepaper",
                                               "r": 0.01, "q": 0.02, "days_per_year": 252}),
    "index_returns": ((_ROLLS,), {"q": 0.02, "window": 21, "days_per_year": 252}),
    "risk_free_rate": ((_ROLLS.index,), {"rates": _RATES}),
    "strike_vols": ((_IV, 0.9, 21 / 252), {"smile": "whitepaper", "r": 0.0, "q": 0.02}),
}

VOLS = {
    "rolls": {"implied_vol": "points"},
    "model_rolls": {"vix": "points"},
    "short_variance_swap": {"strike_vol": "points", "realized_vol": "points"},
    "option_strategy": {"implied_vol": "points"},
    "short_straddle": {"implied_vol": "points"},
    "put_write": {"implied_vol": "points"},
    "covered_call": {"implied_vol": "points"},
    "long_put": {"implied_vol": "points"},
    "risk_target_vega": {"implied_vol": "points"},
    "regime_filter": {"implied_vol": "points", "trailing_vol": "points"},
    "filter_grid": {"implied_vol": "points"},
    "funded_tail_hedge": {"implied_vol": "points", "realized_vol": "points"},
    "strike_vols": {"implied_vol": "points"},
}

VALID = {
    # documented: smile=None (or "flat") prices every strike at implied_vol, a labelled comparison
    ("strike_vols", "smile"): {"None": "documented: no smile"},
    ("funded_tail_hedge", "smile"): {"None": "documented: no smile"},
    # documented: a NaN trailing volatility (the first days of a trailing window) is no breach
    ("regime_filter", "trailing_vol"): {"NaN": "documented: the first days of a trailing window"},
    # the embedded 3-month yield has missing days, carried forward as documented
    ("risk_free_rate", "rates"): {"NaN": "documented: missing yields are carried forward"},
    # documented: one return per roll, any number of rolls (the window is the length of each roll)
    ("index_returns", "roll_table"): {"too short": "documented: two rolls give two returns"},
}
