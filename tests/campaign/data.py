"""Valid calls of vrp_lib.data for the bad-input campaign (tests/test_campaign.py)."""

from vrp_lib.data import DATA_DIR

CALLS = {
    "load_spx": ((), {"source": "skfolio", "data_dir": DATA_DIR}),
    "load_vix": ((), {"source": "cboe", "data_dir": DATA_DIR}),
    "load_vix_ohlc": ((), {"data_dir": DATA_DIR}),
    "load_treasury_rates": ((), {"data_dir": DATA_DIR}),
    "load_nasdaq": ((), {"data_dir": DATA_DIR}),
    "load_wti": ((), {"data_dir": DATA_DIR}),
    "load_sp500_stocks": ((), {"data_dir": DATA_DIR}),
    "load_cboe_whitepaper_quotes": ((), {"term": "near", "data_dir": DATA_DIR}),
    "data_choice": ((), {}),
}
