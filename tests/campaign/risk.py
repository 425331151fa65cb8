"""Valid calls of vrp_lib.risk for the bad-input campaign (tests/test_campaign.py)."""

import numpy as np
import pandas as pd
from _campaign_fixtures import MONTHLY

_CORR = np.array([[1.0, 0.8, 0.1], [0.8, 1.0, 0.2], [0.1, 0.2, 1.0]])
_MASK = pd.Series([False, True, True, False, True, False, False, True], index=pd.bdate_range("2020-01-01", periods=8))

CALLS = {
    "annualized_return": ((MONTHLY,), {"periods_per_year": 12}),
    "annualized_vol": ((MONTHLY,), {"periods_per_year": 12}),
    "sharpe": ((MONTHLY,), {"periods_per_year": 12, "risk_free": 0.01}),
    "skewness": ((MONTHLY,), {}),
    "excess_kurtosis": ((MONTHLY,), {}),
    "equity_curve": ((MONTHLY,), {"compound": False}),
    "drawdowns": ((MONTHLY,), {"compound": True}),
    "max_drawdown": ((MONTHLY,), {"compound": False}),
    "max_drawdown_duration": ((MONTHLY,), {"compound": False}),
    "time_under_water": ((MONTHLY,), {"compound": False}),
    "worst_period": ((MONTHLY,), {}),
    "cvar": ((MONTHLY,), {"level": 0.05}),
    "normal_cvar": ((MONTHLY,), {"level": 0.05}),
    "hit_rate": ((MONTHLY,), {}),
    "runs": ((_MASK,), {}),
    "summary": ((MONTHLY,), {"periods_per_year": 12, "level": 0.05, "compound": False}),
    "sharpe_se": ((MONTHLY,), {"periods_per_year": 12, "method": "opdyke", "block": 12, "n_boot": 50,
                               "seed": 0, "lags": 0}),
    "mean_se": ((MONTHLY,), {"periods_per_year": 12, "block": 12, "n_boot": 50, "seed": 0}),
    "hit_rate_se": ((MONTHLY,), {"block": 12, "n_boot": 50, "seed": 0}),
    "performance_table": (({"a": MONTHLY, "b": MONTHLY * 0.5},), {"periods_per_year": 12, "block": 12,
                                                                   "n_boot": 50, "seed": 0,
                                                                   "sharpe_method": "bootstrap"}),
    "expected_max_sharpe": ((10, 0.04), {}),
    "deflated_sharpe": ((0.8, [0.1, 0.3, 0.5, 0.8], 60, -0.5, 2.0), {"periods_per_year": 12}),
    "effective_trials": ((_CORR,), {"method": "li-ji"}),
    "min_track_record": ((MONTHLY + 0.02,), {"target": 0.0, "level": 0.95, "periods_per_year": 12, "normal": False}),
    "rolling_sharpe": ((MONTHLY,), {"window": 36, "periods_per_year": 12}),
    "band_summary": (([0.2, 0.5, 0.0, 0.3],), {"se": 0.2}),
}
