"""Valid calls of vrp_lib.onsets for the bad-input campaign (tests/test_campaign.py)."""

import numpy as np
from _campaign_fixtures import PRICES, VIX

from vrp_lib import onsets as _o
from vrp_lib import regimes as _r

_FRAME = _r.origin_frame(VIX, PRICES, window=21, trailing_window=21)
_ON = _o.rule_onsets(PRICES, drop=0.05, lookback=21, quiet=21).index
_TABLE = _o.onset_table(_FRAME, _ON, window=21, after=42)

CALLS = {
    "breaches": ((PRICES,), {"drop": 0.05, "lookback": 21}),
    "rule_onsets": ((PRICES,), {"drop": 0.05, "lookback": 21, "quiet": 21}),
    "onset_table": ((_FRAME, _ON), {"window": 21, "after": 42}),
    "onset_summary": ((_TABLE,), {"column": "Premium at onset (vol points)"}),
    "term_repair": ((VIX, VIX * 1.05, _ON), {"after": 21}),
}

assert len(_TABLE) >= 2 and np.isfinite(_TABLE.iloc[:, 1:].to_numpy(dtype=float)).all()
