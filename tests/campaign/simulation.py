"""Valid calls of vrp_lib.simulation for the bad-input campaign (tests/test_campaign.py).

Model world (synthetic): small simulations so that the campaign stays fast.
"""

from vrp_lib import bates as _b, simulation as _s

_P = _b.BatesParams(kappa=2.0, theta=0.03, xi=0.4, rho=-0.7, lam=0.5, mu_j=-0.03, sigma_j=0.06)
_Q = _b.BatesParams(kappa=1.5, theta=0.04, xi=0.4, rho=-0.7, lam=0.8, mu_j=-0.06, sigma_j=0.08)
_SIM = _s.simulate(_P, _Q, 260, 3, seed=1, v0=0.03)

CALLS = {
    "ModelPaths": ((), {"index": _SIM.index, "variance": _SIM.variance, "vix": _SIM.vix, "physical": _P,
                        "risk_neutral": _Q, "days_per_year": 252, "seed": 1}),
    "simulate": ((_P, _Q, 30, 3, 1), {"v0": 0.03, "s0": 100.0, "days_per_year": 252, "drift": 0.0}),
}

VOLS = {
    "ModelPaths": {"vix": "points"},
}
