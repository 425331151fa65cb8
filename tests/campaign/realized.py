"""Valid calls of vrp_lib.realized for the bad-input campaign (tests/test_campaign.py)."""

from _campaign_fixtures import OHLC, PRICES, RETURNS

CALLS = {
    "log_returns": ((PRICES,), {}),
    "forward_realized_vol": ((PRICES,), {"window": 21, "annualization": 252}),
    "trailing_realized_vol": ((PRICES,), {"window": 21, "annualization": 252}),
    "realized_vol": ((RETURNS.to_numpy()[:21],), {"annualization": 252}),
    "parkinson_vol": ((OHLC[["high", "low"]],), {"window": 21, "annualization": 252}),
    "garman_klass_vol": ((OHLC,), {"window": 21, "annualization": 252}),
    "return_vol_change_correlation": ((PRICES,), {"window": 21, "freq": "ME", "annualization": 252}),
}
