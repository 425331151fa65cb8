"""Valid calls of vrp_lib.regimes for the bad-input campaign (tests/test_campaign.py)."""

import numpy as np
import pandas as pd
from _campaign_fixtures import PRICES, VIX, VRP

from vrp_lib import models as _m
from vrp_lib import regimes as _r

_FRAME = _r.origin_frame(VIX, PRICES, window=21, trailing_window=21)
_LABELS = _r.terciles(_FRAME["implied"])
_RET = np.log(PRICES).diff()
_DAYS = pd.DataFrame({"implied": VIX, "sq_return": (_RET**2).fillna(0.0), "origin": VIX.index.isin(_FRAME.index)},
                     index=VIX.index)
_FLAGS = _r.filter_flags(VIX, PRICES, trailing_windows=(5, 10), days=(1, 3), reentry_spreads=(0.0,))
_HOLD, _CLOSE = _r.swap_values(VIX.to_numpy(), _DAYS["sq_return"].to_numpy(), 21, 0.5)
_N = _HOLD.shape[0]
_TAKEN = np.ones(_N, dtype=bool)
_AGE = np.full(_N, 21)
_P = _m.BatesParams(kappa=2.0, theta=0.03, xi=0.4, rho=-0.7, lam=0.5, mu_j=-0.03, sigma_j=0.06)
_Q = _m.BatesParams(kappa=1.5, theta=0.04, xi=0.4, rho=-0.7, lam=0.8, mu_j=-0.06, sigma_j=0.08)
_SIM = _m.simulate(_P, _Q, 260, 3, seed=1, v0=0.03)
_TABLE = pd.DataFrame({"Mean (vol points)": [1.5, -2.25]}, index=["a", "b"])

CALLS = {
    "origin_frame": ((VIX, PRICES), {"window": 21, "trailing_window": 21, "give_up": 0.5}),
    "terciles": ((_FRAME["implied"],), {"labels": ("low", "middle", "high")}),
    "realtime_terciles": ((_FRAME["implied"],), {"min_history": 100, "labels": ("low", "middle", "high")}),
    "regime_forms": ((_FRAME, _LABELS), {"block": 21, "n_boot": 50, "seed": 0, "periods_per_year": 12.0}),
    "regime_table": ((_FRAME, _LABELS), {"values": _FRAME["implied"], "block": 21, "n_boot": 50, "seed": 0}),
    "regime_difference": ((_FRAME, _LABELS, "high", "low"), {"column": "hit", "block": 21, "n_boot": 50,
                                                            "seed": 0}),
    "forms_table": ((_FRAME, {"full": _LABELS}), {"roll_dates": _FRAME.index[::21], "first": "low", "last": "high",
                                              "block": 21, "roll_block": 3, "n_boot": 50, "seed": 0}),
    "calendar_sharpe_gaps": ((_FRAME, _LABELS, PRICES), {"window": 21, "first": "low", "last": "high",
                                                         "periods_per_year": 12.0}),
    "negative_spells": ((VRP,), {"min_length": 1}),
    "crisis_table": ((_FRAME,), {"crises": {"test": "2015-06-01"}, "window": 21, "after": 42}),
    "styled": ((_TABLE, "{:,.2f}", "test-table"), {"hide_index": False, "na_rep": "-"}),
    "swap_values": ((VIX.to_numpy(), _DAYS["sq_return"].to_numpy()), {"window": 21, "give_up": 0.5, "buyback_multiple": 1.2,
                                                                      "annualization": 252.0}),
    "calendar_pnl": ((_CLOSE[:, -1],), {"window": 21, "taken": _TAKEN}),
    "exit_age": ((np.ones(len(VIX), dtype=bool),), {"window": 21}),
    "ladder_pnl": ((_HOLD, _CLOSE, _TAKEN, _AGE), {}),
    "monthly_sum": ((np.zeros(len(VIX)), VIX.index), {}),
    "filter_flags": ((VIX, PRICES), {"trailing_windows": (5, 10), "days": (1, 3), "reentry_spreads": (0.0,)}),
    "unique_filters": ((_FLAGS,), {}),
    "judge_filters": ((_DAYS, _FLAGS), {"window": 21, "give_up": 0.5, "seed": 0}),
    "tenor_table": ((_SIM, _P, _Q), {"tenors": (21, 42), "give_up": 0.5, "days_per_year": 252.0}),
}

VOLS = {
    "origin_frame": {"implied_vol": "points"},
    "swap_values": {"implied": "points"},
    "filter_flags": {"implied_vol": "points"},
}

VALID = {
    # free text: any label of a table is valid
    ("styled", "uuid"): {"unknown option": "free text"},
    ("styled", "na_rep"): {"unknown option": "free text"},
    ("styled", "formats"): {"unknown option": "free text"},
}
