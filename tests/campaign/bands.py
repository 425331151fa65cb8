"""Valid calls of vrp_lib.bands for the bad-input campaign (tests/test_campaign.py)."""

from _campaign_fixtures import PRICES, VIX

from vrp_lib import strategies as _st

CALLS = {
    "month_end_dates": ((PRICES.index,), {}),
    "third_fridays": ((PRICES.index,), {}),
    "schedule_rolls": ((VIX, PRICES, PRICES.index[::21]), {"annualization": 252.0}),
    "calendar_variants": ((VIX, PRICES), {"costs": _st.Costs(bid_ask=1.0), "window": 21, "block": 12,
                                          "n_boot": 50, "seed": 0}),
    "band": (([0.4, 0.9, 0.7],), {"headline": 0.8}),
}

VOLS = {
    "schedule_rolls": {"implied_vol": "points"},
    "calendar_variants": {"implied_vol": "points"},
}

VALID = {
    ("schedule_rolls", "implied_vol"): {"NaN": "NaN marks a day without a quote: documented, its roll skipped"},
    ("calendar_variants", "implied_vol"): {"NaN": "NaN marks a day without a quote: documented, skipped"},
}
