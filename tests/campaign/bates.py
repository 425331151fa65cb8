"""Valid calls of vrp_lib.bates for the bad-input campaign (tests/test_campaign.py).

Model world (synthetic).
"""

import numpy as np

from vrp_lib import bates as _b

_P = _b.BatesParams(kappa=2.0, theta=0.03, xi=0.4, rho=-0.7, lam=0.5, mu_j=-0.03, sigma_j=0.06)
_Q = _b.BatesParams(kappa=1.5, theta=0.04, xi=0.4, rho=-0.7, lam=0.8, mu_j=-0.06, sigma_j=0.08)
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
    "half_life": ((_P,), {}),
    "characteristic_function": ((_Q, _U, 0.25, 0.04), {}),
    "call_price": ((_Q, 100.0, np.array([90.0, 100.0, 110.0]), 0.25, 0.04), {"r": 0.01, "q": 0.0, "n_nodes": 256}),
    "put_price": ((_Q, 100.0, np.array([90.0, 100.0, 110.0]), 0.25, 0.04), {"r": 0.01, "q": 0.0, "n_nodes": 256}),
    "model_chain": ((_Q, 100.0, 0.1, 0.04, np.arange(80.0, 121.0, 5.0)), {"r": 0.0, "q": 0.0, "half_spread": 0.05,
                                                                         "min_bid": 0.0}),
    "stationary_mean_vix": ((_P, _Q), {"days": 30, "n_nodes": 32}),
    "risk_neutral_from_premia": ((_P,), {"eta0": 0.5, "eta1": 0.2}),
}
