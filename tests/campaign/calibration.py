"""Valid calls of vrp_lib.calibration for the bad-input campaign (tests/test_campaign.py).

Model world (synthetic): small simulations and fixture prices so that the campaign stays fast.
"""

from _campaign_fixtures import PRICES, RETURNS

from vrp_lib import bates as _b, calibration as _c, data as _d, simulation as _s

_P = _b.BatesParams(kappa=2.0, theta=0.03, xi=0.4, rho=-0.7, lam=0.5, mu_j=-0.03, sigma_j=0.06)
_Q = _b.BatesParams(kappa=1.5, theta=0.04, xi=0.4, rho=-0.7, lam=0.8, mu_j=-0.06, sigma_j=0.08)
_SIM = _s.simulate(_P, _Q, 260, 3, seed=1, v0=0.03)

CALLS = {
    "detect_jumps": ((RETURNS,), {"threshold": 4.0, "window": 63}),
    "block_variance": ((RETURNS,), {"block": 21, "annualization": 252}),
    "autocovariance": ((RETURNS.to_numpy(), 5), {}),
    "heston_block_autocovariance": ((2.0, 0.001, 21 / 252, [1, 2, 3]), {}),
    "calibrate_physical": ((PRICES,), {"block": 21, "max_lag": 3, "jump_threshold": 4.0, "jump_window": 63,
                                       "annualization": 252, "xi_method": "mean_vol", "n_years": 1,
                                       "n_paths": 16, "seed": 2009}),
    "calibrate_risk_neutral": ((_P,), {"target_vix": 19.5, "eta1": 0.0, "days": 30}),
    "long_sample_table": ((_SIM,), {"windows": (21,)}),
    # the cached calibration file (data/model_calibration.json) and the folder of its input data
    "load_calibration": ((), {"path": _c.CALIBRATION_FILE, "data_dir": _d.DATA_DIR}),
}

VOLS = {
    "calibrate_risk_neutral": {"target_vix": "points"},
}
