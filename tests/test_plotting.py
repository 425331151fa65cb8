"""vrp_lib.plotting: the style applies and the source line is written; pyplot loads only when
a figure is made."""

import io
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


def _saved_size(source):
    """Pixel size of a two-panel figure saved as the notebooks save it (tight bounding box)."""
    from PIL import Image

    fig, axes = plotting.new_figure(1, 2)
    axes[0].plot([0, 1], [0, 1])
    axes[1].plot([0, 1], [1, 0])
    if source is not None:
        plotting.add_source(fig, source)
    figure_px = fig.get_size_inches() * fig.dpi
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")   # the inline backend's setting
    plt.close(fig)
    return Image.open(buffer).size, figure_px


LONG_SOURCE = ("Cboe VIX index daily close (Cboe Global Markets); S&P 500 daily close (S&P Dow "
               "Jones Indices); model world (synthetic): vrp_lib.models.simulate, seed 0, 100 "
               "paths of 33 years, options priced at the physical forecast")


def test_a_long_source_line_never_widens_the_figure():
    # Unwrapped, this source made the saved image about 1,260 px wide for a 900 px figure.
    (width, height), (fig_w, fig_h) = _saved_size(LONG_SOURCE)
    (plain_w, plain_h), _ = _saved_size(None)
    pad = 2 * matplotlib.rcParams["savefig.pad_inches"] * matplotlib.rcParams["savefig.dpi"]
    assert width <= fig_w + pad                   # nothing beyond the figure's edges
    assert width <= plain_w + 5                   # at most the text's few pixels left of the axes
    assert height > plain_h + 20                  # it went onto the lines below instead


def test_the_source_is_broken_only_at_spaces_and_each_line_fits_the_figure():
    fig, _ = plotting.new_figure()
    plotting.add_source(fig, LONG_SOURCE)
    text = fig.texts[0]
    assert text.get_text().replace("\n", " ") == f"Source: {LONG_SOURCE}"
    renderer = fig.canvas.get_renderer()
    width = fig.get_figwidth() * fig.dpi
    for line in text.get_text().split("\n"):
        probe = fig.text(0, 0, line, fontsize=plotting.SOURCE_FONTSIZE)
        assert probe.get_window_extent(renderer).width <= width
    plt.close(fig)


def test_a_short_source_line_stays_on_one_line():
    (_, one_line), _ = _saved_size("test data")
    (_, two_lines), _ = _saved_size(LONG_SOURCE)
    assert one_line < two_lines


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


def test_projector_style_draws_larger_type_on_a_taller_denser_figure(monkeypatch):
    """make slides applies PROJECTOR to STYLE: every key but the two of the library's own is a
    matplotlib setting; a 10 x 4 inch figure becomes 10 x 5.2 inches at 150 dpi (1,500 px wide,
    wider than a 1280x720 slide), with type 1.25 times the book's and a larger source line."""
    own = {"figure.heightscale", "source.fontsize"}
    assert set(plotting.PROJECTOR) - own <= set(matplotlib.rcParams)
    book = plotting.new_figure(figsize=(10, 4))[0]
    plotting.add_source(book, "test data")
    monkeypatch.setattr(plotting, "STYLE", {**plotting.STYLE, **plotting.PROJECTOR})
    fig, ax = plotting.new_figure(1, 2, figsize=(10, 4))
    plotting.add_source(fig, "test data")
    assert tuple(fig.get_size_inches()) == pytest.approx((10, 5.2))
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    width = int.from_bytes(buf.getvalue()[16:20], "big")       # the PNG header's IHDR width
    assert width == 1500
    assert matplotlib.rcParams["font.size"] == pytest.approx(1.25 * 10.4, rel=0.01)
    assert fig.texts[-1].get_fontsize() > book.texts[-1].get_fontsize()
    plt.close(fig)
    plt.close(book)
    monkeypatch.undo()
    plotting.use_book_style()
    assert matplotlib.rcParams["font.size"] == plotting.STYLE["font.size"]


def _sample_figure():
    import numpy as np
    import pandas as pd

    fig, (a1, a2) = plotting.new_figure(1, 2, figsize=(10, 4))
    days = pd.bdate_range("1990-01-02", periods=2000)
    a1.plot(days, np.sin(np.arange(2000) / 50.0) + 2.0, label="a series")
    a1.set_title("A title that says the point")
    a1.set_ylabel("vol points")
    a1.legend()
    a2.hist(np.exp(np.linspace(0, 5, 300)), bins=30)
    a2.set_xscale("log")
    a2.set_xlabel("VIX (vol points, log scale)")
    plotting.add_source(fig, "test data, " * 20)
    return fig


def test_show_displays_the_inline_backends_png_byte_for_byte(monkeypatch):
    """plotting.show draws once; what it displays is the PNG the inline backend would save
    (a tight save of the same figure), byte for byte, and the figure is closed."""
    import base64

    import IPython.display

    reference = io.BytesIO()
    fig = _sample_figure()
    fig.canvas.print_figure(reference, format="png", facecolor=fig.get_facecolor(),
                            edgecolor=fig.get_edgecolor(), dpi=fig.dpi, bbox_inches="tight")
    plt.close(fig)
    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda data, raw: shown.append(data))
    fig = _sample_figure()
    plotting.show(fig)
    assert len(shown) == 1 and set(shown[0]) == {"image/png", "text/plain"}
    assert base64.b64decode(shown[0]["image/png"]) == reference.getvalue()
    assert shown[0]["text/plain"].startswith("<Figure size")
    assert not plt.fignum_exists(fig.number)
    with pytest.raises(TypeError, match="fig must be a matplotlib Figure"):
        plotting.show(None)
