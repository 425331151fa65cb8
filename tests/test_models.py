"""Tests of vrp_lib.models, the compatibility facade of the model world.

The model world lives in vrp_lib.bates, vrp_lib.simulation and vrp_lib.calibration (tested
in tests/test_bates.py, tests/test_simulation.py, tests/test_calibration.py); here: every
name the former single module exported is still there, as the very same object.
"""

import pytest

from vrp_lib import bates, calibration, models, simulation

#: The former ``vrp_lib.models.__all__``, and the module that now defines each name.
FORMER_NAMES = {
    "bates": [
        "BatesParams", "CALENDAR_DAYS", "DAYS_PER_YEAR", "MAX_DECIMAL_VARIANCE", "MAX_HORIZON_YEARS",
        "MAX_RATE", "PHYSICAL", "PRICING_METHODS", "RISK_NEUTRAL", "VIX_DAYS", "call_price",
        "characteristic_function", "check_pair", "diffusive_loading", "expected_variance",
        "expected_variance_parts", "log_contract_variance", "model_chain", "put_price",
        "risk_neutral_from_premia", "stationary_mean_vix", "stationary_variance_law",
        "variance_premium",
    ],
    "simulation": ["MODEL_START_DATE", "ModelPaths", "simulate"],
    "calibration": [
        "CALIBRATION_FILE", "autocovariance", "block_variance", "calibrate_physical",
        "calibrate_risk_neutral", "detect_jumps", "heston_block_autocovariance",
        "load_calibration", "long_sample_table",
    ],
}
MODULES = {"bates": bates, "simulation": simulation, "calibration": calibration}


@pytest.mark.parametrize("module,name", [(mod, n) for mod, names in FORMER_NAMES.items() for n in names])
def test_facade_reexports_every_former_name_as_the_same_object(module, name):
    assert getattr(models, name) is getattr(MODULES[module], name)
    assert name in MODULES[module].__all__


def test_the_new_modules_export_every_former_name():
    # the modules may grow (new bounds such as bates.MAX_XI); none of the 35 former names may go
    former = sorted(n for names in FORMER_NAMES.values() for n in names)
    assert len(former) == 35
    assert set(former) <= set(bates.__all__ + simulation.__all__ + calibration.__all__)


def test_facade_all_is_empty_and_private_helpers_used_elsewhere_remain():
    # the names are documented, tested and campaigned where they are defined
    assert models.__all__ == []
    # vrp_lib.smile uses models._params
    assert models._params is bates._params
    assert models._XI_SMALL is bates._XI_SMALL
    with pytest.raises(ValueError, match="params: expected BatesParams"):
        models._params(0.04, "params")
