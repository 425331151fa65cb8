"""Valid calls of vrp_lib.predictability for the bad-input campaign (tests/test_campaign.py)."""

import numpy as np
import pandas as pd
from _campaign_fixtures import IDX, PRICES, VIX

_rng = np.random.default_rng(15)
#: 120 monthly log returns in percent (synthetic), month-end dates.
RETURNS_PCT = pd.Series(_rng.normal(0.5, 4.0, 120), index=pd.date_range("2005-01-31", periods=120, freq="ME"),
                        name="return")
#: A monthly predictor (monthly variance points, synthetic) on the same months.
PREDICTOR = pd.Series(10.0 + 6.0 * _rng.standard_normal(120), index=RETURNS_PCT.index, name="vrp")
#: A realized-vol-like series (vol points) on the fixture's days.
REALIZED = (0.9 * VIX - 1.0 + 2.0 * np.sin(np.arange(len(IDX)) / 3.0)).rename("realized")
#: A daily variance forecast, vol points squared.
FORECAST = (VIX ** 2 * 0.8).rename("forecast")

CALLS = {
    "mincer_zarnowitz": ((REALIZED, VIX), {"form": "log", "lags": 20, "se": "hac", "block": 50,
                                           "n_boot": 50, "seed": 0}),
    "monthly_returns": ((PRICES,), {}),
    "month_end_premium": ((VIX, PRICES), {"forecast": FORECAST}),
    "return_regression": ((RETURNS_PCT, PREDICTOR), {"horizon": 3, "se": "hodrick", "lags": 3,
                                                      "block": 12, "n_boot": 50, "seed": 0}),
    "return_predictability": ((RETURNS_PCT, PREDICTOR), {
        "horizons": (1, 3), "periods": {"all": ("2005", "2014")}, "se": "bootstrap", "block": 12,
        "n_boot": 50, "seed": 0}),
    "oos_r2": ((RETURNS_PCT, PREDICTOR), {"horizon": 1, "start": pd.Timestamp("2008-01-31"),
                                          "restricted": False, "block": 12, "n_boot": 50, "seed": 0}),
}

VOLS = {
    "mincer_zarnowitz": {"realized": "points", "forecast": "points"},
    "month_end_premium": {"implied_vol": "points"},
}
