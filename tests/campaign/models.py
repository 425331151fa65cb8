"""Campaign registry of vrp_lib.models for the bad-input campaign (tests/test_campaign.py).

``vrp_lib.models`` is a compatibility facade with an empty ``__all__``: its names are
re-exports of vrp_lib.bates, vrp_lib.simulation and vrp_lib.calibration, whose registries
(``tests/campaign/bates.py``, ``simulation.py``, ``calibration.py``) hold the valid calls.
"""

CALLS = {}
