"""Valid calls of vrp_lib.implied for the bad-input campaign (tests/test_campaign.py)."""

import numpy as np

from vrp_lib import data

_NEAR = data.load_cboe_whitepaper_quotes("near")
_NEXT = data.load_cboe_whitepaper_quotes("next")
_T1, _T2 = 35_924 / 525_600, 46_394 / 525_600
_R1, _R2 = 0.000305, 0.000286
_K = np.array([80.0, 90.0, 100.0, 110.0, 120.0])

CALLS = {
    "bs_price": ((100.0, _K, 0.25, 0.02, 0.2), {"q": 0.01, "kind": "call"}),
    "bs_delta": ((100.0, _K, 0.25, 0.02, 0.2), {"q": 0.01, "kind": "put"}),
    "bs_vega": ((100.0, _K, 0.25, 0.02, 0.2), {"q": 0.01}),
    "implied_vol": ((np.array([21.0, 12.5, 4.9, 1.2, 0.2]), 100.0, _K, 0.25, 0.02), {"q": 0.01, "kind": "call",
                                                                                    "errors": "raise"}),
    "check_chain": ((_NEAR,), {}),
    "cboe_forward": ((_NEAR,), {"t": _T1, "r": _R1}),
    "cboe_strip": ((_NEAR,), {"t": _T1, "r": _R1}),
    "CboeTerm": ((), {}),  # replaced below by a real term's fields
    "cboe_term": ((_NEAR,), {"t": _T1, "r": _R1}),
    "cboe_variance": ((_NEAR,), {"t": _T1, "r": _R1, "detail": False}),
    "interpolate_variance": ((0.0197, _T1, 0.0195, _T2), {"days": 30}),
    "cboe_vix": ((_NEAR, _NEXT), {"t_near": _T1, "t_next": _T2, "r_near": _R1, "r_next": _R2, "days": 30}),
    "skew_smile": ((_K, 100.0, 0.2, 0.1), {"floor": 0.01}),
    "bs_chain": ((100.0, _K, 0.25, 0.02, 0.2), {"q": 0.01, "half_spread": 0.05}),
    "skew_fair_variance": ((0.2, 0.1, 0.25), {}),
    "smile_fair_variance": ((100.0, 0.25, 0.2, 0.1), {"moneyness": "strike", "lo": 0.05, "hi": 4.0,
                                                      "n_strikes": 401}),
}

try:
    from vrp_lib import implied as _implied

    _term = _implied.cboe_term(_NEAR, t=_T1, r=_R1)
    CALLS["CboeTerm"] = ((), {f: getattr(_term, f) for f in _term.__dataclass_fields__})
except Exception:  # noqa: BLE001 - the campaign reports a registry that no longer fits
    pass

VOLS = {
    "bs_price": {"sigma": "decimal"},
    "bs_delta": {"sigma": "decimal"},
    "bs_vega": {"sigma": "decimal"},
    "skew_smile": {"atm_vol": "decimal"},
    "bs_chain": {"vols": "decimal"},
    "skew_fair_variance": {"atm_vol": "decimal"},
    "smile_fair_variance": {"atm_vol": "decimal"},
}
