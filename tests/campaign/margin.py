"""Valid calls of vrp_lib.margin for the bad-input campaign (tests/test_campaign.py)."""

from _campaign_fixtures import PRICES, VIX

CALLS = {
    "roll_marks": ((VIX, PRICES, PRICES.index[30]), {"window": 21, "give_up": 0.5, "cap_multiple": 2.5,
                                                     "shock": 10.0, "annualization": 252.0}),
    "capital_path": ((VIX, PRICES, 50.0), {"start": PRICES.index[10], "end": PRICES.index[300], "window": 21,
                                           "give_up": 0.5, "cap_multiple": 2.5, "shock": 10.0,
                                           "annualization": 252.0}),
}

VOLS = {
    "roll_marks": {"implied_vol": "points"},
    "capital_path": {"implied_vol": "points"},
}
