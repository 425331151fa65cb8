"""Valid calls of vrp_lib.bootstrap for the bad-input campaign (tests/test_campaign.py)."""

import pandas as pd
from _campaign_fixtures import MONTHLY


def _mean_of_columns(r):
    return r.mean(axis=(1, 2))


CALLS = {
    "block_indices": ((60, 12, 50), {"seed": 0}),
    "block_bootstrap": ((MONTHLY,), {"statistic": "mean", "block": 12, "n_boot": 50, "seed": 0}),
    "block_bootstrap_se": ((MONTHLY,), {"statistic": "sharpe", "block": 12, "n_boot": 50, "seed": 0}),
    "block_bootstrap_ci": ((MONTHLY,), {"statistic": "mean", "level": 0.9, "block": 12, "n_boot": 50,
                                        "seed": 0}),
    "block_mean_variance": ((MONTHLY,), {"block": 12}),
    "joint_block_bootstrap": ((pd.concat([MONTHLY, MONTHLY.shift(1).fillna(0.0)], axis=1),
                               _mean_of_columns), {"block": 12, "n_boot": 50, "seed": 0}),
    "paired_difference": ((MONTHLY, 0.5 * MONTHLY.shift(1).fillna(0.0)),
                          {"statistic": "mean", "block": 12, "n_boot": 50, "seed": 0}),
}

_ORDER = "a Series without dates is taken in the order given (documented: x is 'in time order')"
VALID = {(name, arg): {"non-date index": _ORDER}
         for name, arg in (("block_bootstrap", "x"), ("block_bootstrap_se", "x"),
                           ("block_bootstrap_ci", "x"), ("block_mean_variance", "x"),
                           ("paired_difference", "x"), ("paired_difference", "y"),
                           ("joint_block_bootstrap", "x"))}
