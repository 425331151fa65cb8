"""Valid calls of vrp_lib.premium for the bad-input campaign (tests/test_campaign.py)."""

from _campaign_fixtures import PRICES, VIX, VRP

_PERIODS = {"first half": ("2015-01-02", "2015-06-30"), "second half": ("2015-07-01", "2015-10-30")}

CALLS = {
    "aligned": ((VIX, PRICES), {"window": 21, "annualization": 252, "demean": False}),
    "vrp": ((VIX, PRICES), {"window": 21, "form": "vol", "annualization": 252, "demean": False}),
    "summary": ((VIX, PRICES), {"window": 21, "annualization": 252, "demean": False}),
    "summary_table": ((VIX, PRICES), {"windows": (21, 42), "labels": ["1m", "2m"], "annualization": 252}),
    "summary_with_se": ((VIX, PRICES), {"windows": (21,), "labels": ["1m"], "annualization": 252,
                                        "block": 21, "n_boot": 50, "seed": 0}),
    "conventions": ((VIX, PRICES), {"windows": (21, 22), "annualization": 252, "n_boot": 50, "seed": 0}),
    "threshold_hit_rates": ((VRP.iloc[:200], [0.0, 2.0]), {}),
    "subperiods": ((VIX, PRICES, _PERIODS), {"window": 21, "annualization": 252}),
    "normal_hit_rate": ((0.2, 0.3), {}),
    "mechanical_premium": ((0.3,), {}),
    "distribution": ((VRP,), {}),
    "worst_months": ((VRP,), {"n": 3}),
    "monthly_samples": ((VRP,), {"window": 21}),
    "interpolated_vol": ((VIX, VIX * 1.1), {"days": 60, "near_days": 30, "next_days": 93}),
    "block_se": ((VRP,), {"statistic": "hit_rate", "block": 21, "n_boot": 50, "seed": 0}),
    "rank_correlations": ((VRP.to_numpy()[:40], VRP.to_numpy()[40:80]), {}),
    "by_tenor": (({"1m": (VIX, 21), "2m": (VIX * 1.1, 42)}, PRICES),
                 {"block": 21, "n_boot": 50, "seed": 0}),
}

VOLS = {
    "aligned": {"implied_vol": "points"},
    "vrp": {"implied_vol": "points"},
    "summary": {"implied_vol": "points"},
    "summary_table": {"implied_vol": "points"},
    "summary_with_se": {"implied_vol": "points"},
    "conventions": {"implied_vol": "points"},
    "subperiods": {"implied_vol": "points"},
    "interpolated_vol": {"near_vol": "points", "next_vol": "points"},
}

VALID = {
    # the window applies to the prices; a short implied series is a short sample of origin dates
    ("aligned", "implied_vol"): {"too short": "two implied values give two origin dates"},
    ("vrp", "implied_vol"): {"too short": "two implied values give two origin dates"},
    ("summary", "implied_vol"): {"too short": "two implied values give two origin dates"},
    ("summary_table", "implied_vol"): {"too short": "two implied values give two origin dates"},
    ("monthly_samples", "vrp_series"): {"too short": "two daily values hold one monthly sample"},
    # a pointwise rule: two dates of one series give the interpolated values of those two dates
    ("interpolated_vol", "near_vol"): {"too short": "two values give two interpolated values"},
    ("interpolated_vol", "next_vol"): {"too short": "two values give two interpolated values"},
    # as vrp_lib.bootstrap: a series without dates is taken in the order given
    ("block_se", "x"): {"non-date index": "observations taken in the order given, as bootstrap does"},
}
