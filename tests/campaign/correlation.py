"""Valid calls of vrp_lib.correlation for the bad-input campaign (tests/test_campaign.py)."""

import numpy as np
from _campaign_fixtures import MEMBER_VOLS, STOCKS

CALLS = {
    "index_vol": (([20.0, 30.0, 25.0], [0.3, 0.3, 0.4], 0.5), {}),
    "implied_correlation": ((22.0, [20.0, 30.0, 25.0], [0.3, 0.3, 0.4]), {}),
    "stock_returns": ((STOCKS,), {}),
    "average_correlation": ((STOCKS,), {"window": 63, "constant": "raise",
                                        "at": STOCKS.index[[70, 90, 120]]}),
    "pair_correlation": ((np.random.default_rng(0).normal(size=(5, 40, 4)), [0, 2], [1, 3]), {}),
    "realized_correlation": ((STOCKS,), {"window": 63, "weights": np.array([0.25, 0.25, 0.25, 0.25]),
                                          "annualization": 252}),
}

VOLS = {
    "index_vol": {"component_vols": "points"},
    "implied_correlation": {"index_vol": "points", "component_vols": "points"},
}

_unused = MEMBER_VOLS
