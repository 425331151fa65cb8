"""vrp_lib.plotting: the style applies and the source line is written; pyplot loads only when
a figure is made."""

import subprocess
import sys

import matplotlib
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from vrp_lib import plotting  # noqa: E402


def test_style_and_source():
    fig, ax = plotting.new_figure()
    assert matplotlib.rcParams["axes.spines.top"] is False
    plotting.add_source(fig, "test data")
    assert any(t.get_text() == "Source: test data" for t in fig.texts)
    plt.close(fig)


def test_add_source_checks_its_arguments():
    fig, _ = plotting.new_figure()
    with pytest.raises(TypeError, match="fig must be a matplotlib Figure, got None"):
        plotting.add_source(None, "test data")
    with pytest.raises(TypeError, match="text must be a string, got None"):
        plotting.add_source(fig, None)
    with pytest.raises(ValueError, match="text must not be empty"):
        plotting.add_source(fig, "  ")
    plt.close(fig)


@pytest.mark.parametrize("nrows, exc, match", [
    (0, ValueError, "nrows must be at least 1, got 0"),
    (True, TypeError, "nrows must be an integer, got the boolean True"),
    (2.5, TypeError, "nrows must be an integer, got 2.5"),
    (None, TypeError, "nrows must be an integer, got None"),
])
def test_new_figure_grid(nrows, exc, match):
    with pytest.raises(exc, match=match):
        plotting.new_figure(nrows)


def test_integral_float_grid_is_read_as_integers():
    fig, axes = plotting.new_figure(1.0, 2.0)
    assert axes.shape == (2,)
    plt.close(fig)


@pytest.mark.parametrize("code", [
    "import vrp_lib",
    "from vrp_lib import plotting, premium, realized, regimes, models; plotting.use_book_style()",
])
def test_import_does_not_load_pyplot(code):
    # pyplot costs 0.4 s of import and is needed only to draw: new_figure imports it when called
    out = subprocess.run([sys.executable, "-c", f"{code}; import sys; print('matplotlib.pyplot' in sys.modules)"],
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_submodules_and_all_stay_reachable():
    import vrp_lib
    from vrp_lib import premium

    assert vrp_lib.premium is premium and set(vrp_lib.__all__) >= {"plotting", "premium", "realized"}
    assert all(hasattr(vrp_lib, name) for name in vrp_lib.__all__)
