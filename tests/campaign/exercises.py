"""Valid calls of vrp_lib.exercises for the bad-input campaign (tests/test_campaign.py).

A valid answer need not be right: a wrong number is graded, never refused. The valid call
of :func:`verify` gives the recorded answer of exercise 1.5 (a year), which passes.
"""

CALLS = {
    "check": (("1.5", 2010), {}),
    "grade": (("1.5", 2010), {}),
    "verify": (("1.5", 2017), {}),
    "expected": (("1.5",), {}),
    "exercise_ids": ((), {}),
}
