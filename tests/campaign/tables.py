"""Valid calls of vrp_lib.tables for the bad-input campaign (tests/test_campaign.py)."""

import numpy as np
import pandas as pd

_TABLE = pd.DataFrame({"Mean (vol points)": [1.5, -2.25], "Label": ["x", "y"]}, index=["a", "b"])
_DAILY = pd.Series(np.random.default_rng(0).normal(1.0, 3.0, 300), index=pd.bdate_range("2015-01-02", periods=300))
_PREMIUM = pd.DataFrame({"Avg implied vol": [19.66], "SE avg implied": [1.06], "Avg realized vol": [15.54],
                         "SE avg realized": [1.13], "Avg VRP (vol pts)": [4.11], "SE avg VRP": [0.36],
                         "Hit rate (VRP > 0)": [0.854], "SE hit rate": [0.019], "n": [8287]}, index=["30-day"])
_SUMMARY = pd.DataFrame({"Avg VRP": [2.94, 3.1], "SE avg VRP": [0.24, 0.25], "n": [8287, 8266]},
                        index=["21 days", "42 days"])

CALLS = {
    "styled": ((_TABLE, "{:,.2f}", "test-table"), {"hide_index": False, "na_rep": "-", "caption": "A caption",
                                                  "nowrap_index": False}),
    "value_se": ((2.94, 0.24), {"digits": 2, "scale": 1.0}),
    "band_text": (([0.46, 0.52, 0.55], 0.25), {"digits": 2}),
    "se_table": ((_SUMMARY, {"Avg VRP (SE)": ("Avg VRP", "SE avg VRP", 2, 1.0)}), {"counts": {"Days": "n"}}),
    "number_text": ((12345.678,), {"digits": 1}),
    "percent_text": ((0.853,), {"digits": 1}),
    "date_text": ((pd.Timestamp("2018-02-05"),), {}),
    "rounded": ((0.853,), {"digits": 1, "scale": 100.0}),
    "significant": ((2 / 3,), {"digits": 8}),
    "se_text": ((_DAILY,), {"statistic": "hit_rate", "digits": 1, "scale": 100.0, "block": 21, "n_boot": 50,
                            "seed": 0}),
    "summary_se_text": ((_PREMIUM,), {}),
    "text_table": ((_TABLE, "test-text", "A caption"), {}),
    "glue": (("test-key", 1.5), {"display": False}),
}

_ANY = "glue stores the display of any value, as myst_nb.glue does (the page shows what is glued)"

VALID = {
    ("glue", "name"): {"unknown option": "free text: any key is a valid glue name"},
    ("glue", "variable"): {label: _ANY for label in ("NaN", "inf", "+inf", "-inf", "bool for number",
                                                     "string for number", "None")},
    # free text: any label or caption of a table is valid
    ("styled", "na_rep"): {"unknown option": "free text"},
    ("styled", "caption"): {"unknown option": "free text"},
    ("text_table", "caption"): {"unknown option": "free text"},
    # as vrp_lib.bootstrap: a series without dates is taken in the order given; a short one
    # gets its value with "(n/a)" for the standard error
    ("se_text", "x"): {"non-date index": "observations taken in the order given, as bootstrap does",
                       "too short": "a short series is shown as 'value (n/a)'"},
    ("text_table", "uuid"): {"unknown option": "free text: 'no-such-option' is a valid HTML id"},
    ("styled", "uuid"): {"unknown option": "free text: 'no-such-option' is a valid HTML id"},
    # any date can be written out, not only a date of some data
    ("date_text", "date"): {"date outside the data": "no data: any date is a valid date"},
}
