"""Small deterministic inputs for the bad-input campaign (tests/test_campaign.py).

Synthetic series here are test fixtures (model world, synthetic), never shown in the
book. Real data come from ``vrp_lib.data`` where a function needs a real shape (the
Cboe white-paper chain).
"""

import numpy as np
import pandas as pd

N = 600
IDX = pd.bdate_range("2015-01-02", periods=N, name="date")
_rng = np.random.default_rng(2026)
_r = _rng.normal(0.0, 0.01, N)
_r[0] = 0.0
_r[[150, 420]] = [-0.06, -0.05]  # two jumps, for the jump detector and calibrate_physical

#: Synthetic daily closes (index points), 260 business days.
PRICES = pd.Series(100.0 * np.exp(np.cumsum(_r)), index=IDX, name="close")
#: Synthetic implied volatility in vol points (between 12 and 24).
VIX = pd.Series(18.0 + 6.0 * np.sin(np.arange(N) / 9.0), index=IDX, name="vix")
#: Daily log returns (decimals), dated from the second day.
RETURNS = np.log(PRICES).diff().iloc[1:].rename("return")
#: Daily OHLC (index points).
OHLC = pd.DataFrame({
    "open": PRICES.shift(1).fillna(PRICES.iloc[0]).to_numpy(),
    "high": (PRICES * 1.006).to_numpy(),
    "low": (PRICES * 0.994).to_numpy(),
    "close": PRICES.to_numpy(),
}, index=IDX)
OHLC["high"] = OHLC[["open", "high", "close"]].max(axis=1) * 1.001
OHLC["low"] = OHLC[["open", "low", "close"]].min(axis=1) * 0.999
_f = _rng.normal(0.0, 0.01, (N, 1))
_rs = 0.6 * _f + 0.8 * _rng.normal(0.0, 0.01, (N, 4))
_rs[0] = 0.0
#: Four synthetic stocks (prices), one common factor.
STOCKS = pd.DataFrame(50.0 * np.exp(np.cumsum(_rs, axis=0)), index=IDX, columns=["A", "B", "C", "D"])
#: 60 monthly returns (decimals), month-end dates.
MONTHLY = pd.Series(_rng.normal(0.005, 0.04, 60), index=pd.date_range("2010-01-31", periods=60, freq="ME"),
                    name="monthly")
#: Monthly returns as a plain array.
MONTHLY_ARRAY = MONTHLY.to_numpy()
#: A VRP-like daily series (vol points), with a few negative days.
VRP = (VIX - 15.0 - 4.0 * np.cos(np.arange(N) / 5.0)).rename("vrp")
#: Member volatilities (vol points) over 5 dates, two members.
MEMBER_VOLS = pd.DataFrame({"a": [20.0, 22.0, 25.0, 30.0, 28.0], "b": [30.0, 31.0, 33.0, 40.0, 35.0]},
                           index=IDX[:5])
