"""Valid calls of vrp_lib.swaps for the bad-input campaign (tests/test_campaign.py)."""

import numpy as np
from _campaign_fixtures import PRICES, STOCKS, VIX

_K = np.array([80.0, 90.0, 95.0, 100.0, 105.0, 110.0, 120.0])
_Q = np.array([0.2, 0.8, 1.6, 3.0, 1.4, 0.6, 0.1])

CALLS = {
    "variance_notional": ((100_000.0, 18.0), {}),
    "variance_swap_pnl": ((14.0, 18.0, 100_000.0), {}),
    "volatility_swap_pnl": ((14.0, 18.0, 100_000.0), {}),
    "capped_variance_swap_pnl": ((30.0, 18.0, 100_000.0), {"cap_multiple": 2.5}),
    "capped_variance_strike": ((np.array([12.0, 15.0, 18.0, 25.0, 60.0]),), {"cap_multiple": 2.5}),
    "cap_value_se": ((np.array([12.0, 15.0, 18.0, 25.0, 60.0]),), {"cap_multiple": 2.5}),
    "mark_to_market": ((15.0, 17.0, 18.0, 100_000.0, 0.5), {"time_remaining": 0.04, "rate": 0.02}),
    "live_vega": ((17.0, 18.0, 100_000.0, 0.5), {"time_remaining": 0.04, "rate": 0.02}),
    "term_structure_vol": ((np.array([20.0, 50.0]), np.array([9.0, 30.0, 93.0]),
                            np.array([[30.0, 20.0, 15.0], [12.0, 14.0, 16.0]])), {}),
    "mark_to_market_path": ((PRICES, VIX, PRICES.index[30]), {"window": 21, "vega_notional": 100_000.0,
                                                             "annualization": 252}),
    "monthly_settlements": ((PRICES, VIX), {"window": 21, "vega_notional": 100_000.0, "annualization": 252}),
    "strike_spacing": ((_K,), {}),
    "replication_weights": ((_K,), {}),
    "fair_variance": ((_K, _Q, 100.5, 30 / 365), {"r": 0.01, "k0": 100.0}),
    "path_realized_vol": ((np.column_stack([PRICES.to_numpy()[:22], STOCKS["A"].to_numpy()[:22]]),),
                          {"annualization": 252.0}),
    "piecewise_fair_variance": ((np.array([80.0, 90.0, 100.0]), np.array([0.2, 0.8, 3.0]),
                                 np.array([100.0, 110.0, 120.0]), np.array([3.0, 0.6, 0.1]), 100.0, 30 / 365),
                                {"r": 0.01, "q": 0.0, "dk": 5.0}),
}

VOLS = {
    "variance_notional": {"strike_vol": "points"},
    "variance_swap_pnl": {"realized_vol": "points", "strike_vol": "points"},
    "volatility_swap_pnl": {"realized_vol": "points", "strike_vol": "points"},
    "capped_variance_swap_pnl": {"realized_vol": "points", "strike_vol": "points"},
    "capped_variance_strike": {"realized_vol": "points"},
    "cap_value_se": {"realized_vol": "points"},
    "mark_to_market": {"realized_vol_so_far": "points", "implied_vol_remaining": "points", "strike_vol": "points"},
    "live_vega": {"implied_vol_remaining": "points", "strike_vol": "points"},
    "term_structure_vol": {"tenor_vols": "points"},
    "mark_to_market_path": {"implied_vol": "points"},
    "monthly_settlements": {"implied_vol": "points"},
}

VALID = {
    # the window applies to the prices; two implied values strike one swap
    ("monthly_settlements", "implied_vol"): {"too short": "two implied values strike one swap"},
}
