"""Valid calls of vrp_lib.models for the bad-input campaign (tests/test_campaign.py).

Model world (synthetic): small simulations so that the campaign stays fast.
"""

import numpy as np
from _campaign_fixtures import PRICES, RETURNS

from vrp_lib import models as _m

_P = _m.BatesParams(kappa=2.0, theta=0.03, xi=0.4, rho=-0.7, lam=0.5, mu_j=-0.03, sigma_j=0.06)
_Q = _m.BatesParams(kappa=1.5, theta=0.04, xi=0.4, rho=-0.7, lam=0.8, mu_j=-0.06, sigma_j=0.08)
_SIM = _m.simulate(_P, _Q, 260, 3, seed=1, v0=0.03)
_U = np.array([0.5 + 0.0j, 1.0 - 0.5j, 2.0 + 0.0j])

CALLS = {
    "BatesParams": ((), {"kappa": 2.0, "theta": 0.03, "xi": 0.4, "rho": -0.7, "lam": 0.5, "mu_j": -0.03,
                         "sigma_j": 0.06}),
    "check_pair": ((_P, _Q), {}),
    "diffusive_loading": ((2.0, np.array([0.1, 0.5])), {}),
    "expected_variance_parts": ((_Q, 30 / 365, 0.04), {}),
    "expected_variance": ((_Q, 30 / 365, 0.04), {}),
    "variance_premium": ((_P, _Q, 30 / 365, 0.04), {}),
    "log_contract_variance": ((_Q, 30 / 365, 0.04), {}),
    "stationary_variance_law": ((_P,), {}),
    "characteristic_function": ((_Q, _U, 0.25, 0.04), {}),
    "call_price": ((_Q, 100.0, np.array([90.0, 100.0, 110.0]), 0.25, 0.04), {"r": 0.01, "q": 0.0, "n_nodes": 256}),
    "put_price": ((_Q, 100.0, np.array([90.0, 100.0, 110.0]), 0.25, 0.04), {"r": 0.01, "q": 0.0, "n_nodes": 256}),
    "model_chain": ((_Q, 100.0, 0.1, 0.04, np.arange(80.0, 121.0, 5.0)), {"r": 0.0, "q": 0.0, "half_spread": 0.05,
                                                                         "min_bid": 0.0}),
    "ModelPaths": ((), {"index": _SIM.index, "variance": _SIM.variance, "vix": _SIM.vix, "physical": _P,
                        "risk_neutral": _Q, "days_per_year": 252, "seed": 1}),
    "simulate": ((_P, _Q, 30, 3, 1), {"v0": 0.03, "s0": 100.0, "days_per_year": 252, "drift": 0.0}),
    "detect_jumps": ((RETURNS,), {"threshold": 4.0, "window": 63}),
    "block_variance": ((RETURNS,), {"block": 21, "annualization": 252}),
    "autocovariance": ((RETURNS.to_numpy(), 5), {}),
    "heston_block_autocovariance": ((2.0, 0.001, 21 / 252, [1, 2, 3]), {}),
    "calibrate_physical": ((PRICES,), {"block": 21, "max_lag": 3, "jump_threshold": 4.0, "jump_window": 63,
                                       "annualization": 252, "xi_method": "mean_vol", "n_years": 1,
                                       "n_paths": 16, "seed": 2009}),
    "stationary_mean_vix": ((_P, _Q), {"days": 30, "n_nodes": 32}),
    "risk_neutral_from_premia": ((_P,), {"eta0": 0.5, "eta1": 0.2}),
    "calibrate_risk_neutral": ((_P,), {"target_vix": 19.5, "eta1": 0.0, "days": 30}),
    "long_sample_table": ((_SIM,), {"windows": (21,)}),
}

VOLS = {
    "calibrate_risk_neutral": {"target_vix": "points"},
}
