"""Valid calls of vrp_lib.plotting for the bad-input campaign (tests/test_campaign.py)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

_FIG = plt.figure()
_SHOWN = plt.figure()  # show() closes it after display; a closed figure can be shown again

CALLS = {
    "use_book_style": ((), {}),
    "add_source": ((_FIG, "Cboe"), {}),
    "new_figure": ((), {"nrows": 1, "ncols": 2}),
    "show": ((_SHOWN,), {}),
}

VALID = {
    # any non-empty text is a valid source line
    ("add_source", "text"): {"unknown option": "free text"},
}
