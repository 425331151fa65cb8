"""Valid calls of vrp_lib.forecast for the bad-input campaign (tests/test_campaign.py)."""

from _campaign_fixtures import PRICES

from vrp_lib import forecast as _f

_TARGET = _f.realized_variance_target(PRICES, 21)
_MODEL = _f.har_fit(PRICES, 21, (1, 5, 22))
_HAR = _f.har_forecast(_MODEL, PRICES)

CALLS = {
    "realized_variance_target": ((PRICES,), {"horizon": 21}),
    "har_features": ((PRICES,), {"lags": (1, 5, 22)}),
    "HARModel": ((), {f: getattr(_MODEL, f) for f in _MODEL.__dataclass_fields__}),
    "har_fit": ((PRICES,), {"horizon": 21, "lags": (1, 5, 22), "train_end": PRICES.index[400]}),
    "har_forecast": ((_MODEL, PRICES), {}),
    "garch_fit": ((PRICES,), {"train_end": PRICES.index[400], "o": 1}),
    "garch_forecast": ((PRICES,), {"horizon": 21, "train_end": PRICES.index[400], "o": 1, "annualization": 252}),
    "qlike": ((_TARGET, _HAR), {}),
    "mse": ((_TARGET, _HAR), {}),
    "evaluate": ((_TARGET, {"har": _HAR}), {}),
    "losses": ((_TARGET, _HAR), {"loss": "qlike"}),
    "loss_difference": ((_TARGET, _HAR, _HAR * 1.2), {"loss": "qlike", "block": 21, "n_boot": 200,
                                                      "seed": 0}),
}

VALID = {
    # the losses score "the dates where both exist": NaN marks a date without a value (the
    # target is NaN where its forward window is incomplete), documented and dropped
    ("qlike", "realized"): {"NaN": "NaN marks a missing date, documented and dropped"},
    ("qlike", "forecast"): {"NaN": "NaN marks a missing date, documented and dropped"},
    ("mse", "realized"): {"NaN": "NaN marks a missing date, documented and dropped"},
    ("mse", "forecast"): {"NaN": "NaN marks a missing date, documented and dropped"},
    ("evaluate", "realized"): {"NaN": "NaN marks a missing date, documented and dropped"},
    ("losses", "realized"): {"NaN": "NaN marks a missing date, documented and dropped"},
    ("losses", "forecast"): {"NaN": "NaN marks a missing date, documented and dropped"},
    ("loss_difference", "realized"): {"NaN": "NaN marks a missing date, documented and dropped"},
    ("loss_difference", "forecast"): {"NaN": "NaN marks a missing date, documented and dropped"},
    ("loss_difference", "benchmark"): {"NaN": "NaN marks a missing date, documented and dropped"},
    # a fitted model's record holds no data: any valid date after train_start is a valid label
    ("HARModel", "train_end"): {"date outside the data": "the record holds no data to be outside of"},
}
