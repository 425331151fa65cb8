"""Valid calls of vrp_lib.smile for the bad-input campaign (tests/test_campaign.py)."""

import numpy as np

from vrp_lib import models
from vrp_lib.data import DATA_DIR

_Q = models.BatesParams(kappa=2.0, theta=0.04, xi=0.4, rho=-0.7, lam=0.5, mu_j=-0.05, sigma_j=0.08)
_K = np.array([-0.1, -0.05, 0.0, 0.05, 0.1, -0.12, -0.04, 0.0, 0.03, 0.08])
_T = np.array([0.1] * 5 + [0.2] * 5)


def _atm20(shape):
    """A cheap statistic of a shape: its at-the-money level at a VIX of 20."""
    from vrp_lib import smile

    return smile.atm_vol(20.0, shape)


from vrp_lib.smile import WHITEPAPER as _WP  # noqa: E402
_V = np.array([16.0, 13.5, 11.5, 10.4, 10.8, 17.0, 13.5, 12.0, 11.0, 10.9])

CALLS = {
    "SmileShape": ((), {"b": 0.5, "rho": -0.6, "l": 0.3, "name": "test"}),
    "resolve": (("whitepaper",), {}),
    "atm_vol": ((18.0,), {"shape": "whitepaper", "t": 30 / 365}),
    "smile_vol": ((18.0, np.array([0.9, 1.0, 1.1])), {"shape": "whitepaper", "t": 30 / 365}),
    "model_free_vol": ((15.0,), {"shape": "whitepaper", "t": 30 / 365}),
    "fit_shape": ((_K, _T, _V), {"group": np.array(["a"] * 5 + ["b"] * 5), "name": "fitted"}),
    "board_smile": ((), {"min_mid": 0.5, "data_dir": DATA_DIR}),
    "model_world_shape": ((), {"params": _Q, "v0": 0.04, "t": 30 / 365}),
    "anchor_scale": ((_atm20, 17.0), {"shape": "whitepaper", "lo": 0.0, "hi": 1.0, "xtol": 1e-3}),
    "LevelShape": ((_WP, 0.1), {"ref": 13.69, "step": 0.05}),
}

VOLS = {
    "atm_vol": {"vix": "points"},
    "smile_vol": {"vix": "points"},
    "model_free_vol": {"atm": "points"},
    "fit_shape": {"vols": "points"},
}

VALID = {
    # a shape's name is free text
    ("SmileShape", "name"): {"unknown option": "free text"},
    ("fit_shape", "name"): {"unknown option": "free text"},
}
