"""Valid calls of vrp_lib.claims for the bad-input campaign (tests/test_campaign.py)."""

import tempfile

_TMP = tempfile.mkdtemp(prefix="vrp-claims-campaign-")

CALLS = {
    "Claim": ((), {"chapter": "01_definitions", "name": "a", "sentence": "A holds.", "holds": True,
                   "numbers": {"x": 1.0}}),
    "Claims": ((), {"chapter": "01_definitions", "first": "1990-01-02", "last": "2022-12-28",
                    "mode": "record"}),
    "claims_folder": ((), {}),
    "collect": ((), {"folder": _TMP}),
    "page": ((), {"folder": _TMP}),
}

_FREE_TEXT = "free text: a chapter's name, a claim's name or sentence is any non-empty string"
VALID = {(fn, arg): {"unknown option": _FREE_TEXT} for fn, arg in
         (("Claim", "chapter"), ("Claim", "name"), ("Claim", "sentence"), ("Claims", "chapter"))}
VALID[("Claim", "numbers")] = {"empty dict": "a claim may compare no number (a sign, an order)"}
