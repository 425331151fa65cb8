"""vrp_lib.plotting: the style applies and the source line is written."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from vrp_lib import plotting  # noqa: E402


def test_style_and_source():
    fig, ax = plotting.new_figure()
    assert matplotlib.rcParams["axes.spines.top"] is False
    plotting.add_source(fig, "test data")
    assert any(t.get_text() == "Source: test data" for t in fig.texts)
    plt.close(fig)
