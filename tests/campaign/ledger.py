"""Valid calls of vrp_lib.ledger for the bad-input campaign (tests/test_campaign.py)."""

from _campaign_fixtures import PRICES, VIX

CALLS = {
    "matched_realized_vol": ((PRICES,), {"days": 30}),
    "jump_wedge_data": ((PRICES,), {"window": 21}),
    "ledger": ((VIX, PRICES), {"window": 21, "jump_gap": 3e-4, "days": 30, "block": 60, "n_boot": 50,
                               "seed": 0}),
}

VOLS = {"ledger": {"implied_vol": "points"}}
