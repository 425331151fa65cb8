"""The model world, by its old single-module name: a compatibility facade.

The model world (Heston stochastic volatility with lognormal price jumps, Bates 1996,
under the physical measure P and the risk-neutral measure Q) lives in three modules, one
idea each:

* ``vrp_lib.bates`` - the model: parameters (``BatesParams``, the book's measures
  ``PHYSICAL`` and ``RISK_NEUTRAL``), expected variance under P and Q and its diffusive and
  jump parts, the variance premium, the change of measure, the characteristic function,
  option prices (``call_price``, ``put_price``, ``model_chain``) and ``stationary_mean_vix``.
* ``vrp_lib.simulation`` - daily paths under P priced under Q (``simulate``,
  ``ModelPaths``).
* ``vrp_lib.calibration`` - the fit to real data (``calibrate_physical``,
  ``calibrate_risk_neutral`` and their moment functions), ``long_sample_table`` and the
  cached calibration (``load_calibration``, ``CALIBRATION_FILE``).

Every name this module used to define is re-exported here as the same object, so
``from vrp_lib import models; models.simulate(...)`` keeps working. New code should import
from the three modules. Everything the model world produces is **model output
(synthetic)**, never market data.
"""

from __future__ import annotations

from .bates import (  # noqa: F401 - re-exports
    CALENDAR_DAYS, DAYS_PER_YEAR, MAX_DECIMAL_VARIANCE, MAX_HORIZON_YEARS, MAX_RATE, PHYSICAL,
    PRICING_METHODS, RISK_NEUTRAL, VIX_DAYS, _XI_SMALL, BatesParams, _params, call_price,
    characteristic_function, check_pair, diffusive_loading, expected_variance,
    expected_variance_parts, half_life, log_contract_variance, model_chain, put_price,
    risk_neutral_from_premia, stationary_mean_vix, stationary_variance_law, variance_premium,
)
from .calibration import (  # noqa: F401 - re-exports
    CALIBRATION_FILE, autocovariance, block_variance, calibrate_physical, calibrate_risk_neutral,
    detect_jumps, heston_block_autocovariance, load_calibration, long_sample_table,
)
from .simulation import MODEL_START_DATE, ModelPaths, simulate  # noqa: F401 - re-exports

#: Empty on purpose: the public names above are re-exports, documented and tested (and
#: covered by the bad-input campaign, ``tests/campaign/<module>.py``) in the modules that
#: define them; ``tests/test_models.py`` checks that each is the same object here.
__all__: list[str] = []

