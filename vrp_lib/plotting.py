"""One figure style for the whole book.

Call :func:`use_book_style` once at the top of a chapter; every figure then shares fonts,
colours and size. :func:`add_source` writes the data source under a figure, as every
figure in the book carries one.

``matplotlib.pyplot`` (0.4 s to import) is imported by :func:`new_figure` when it is
called, not by ``import vrp_lib``: the numerical modules load without a plotting stack.
"""

from __future__ import annotations

import matplotlib as mpl

from . import _checks

__all__ = ["COLORS", "STYLE", "PROJECTOR", "use_book_style", "add_source", "new_figure", "show"]

#: Colours by meaning, used consistently across chapters.
COLORS = {
    "implied": "#1f4e79",     # dark blue: option-implied quantities
    "realized": "#c55a11",    # orange: realized quantities
    "premium": "#2e7d32",     # green: the premium (implied minus realized)
    "loss": "#b71c1c",        # red: losses, negative premium
    "model": "#6a1b9a",       # purple: model-world (synthetic) series
    "neutral": "#616161",     # grey: reference lines
}

#: The book's matplotlib rcParams (figure size in inches, font sizes in points).
STYLE = {
    "figure.figsize": (9.0, 4.2),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "font.size": 10.5,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 10.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "legend.frameon": False,
    "lines.linewidth": 1.3,
    "figure.constrained_layout.use": True,
    "svg.hashsalt": "vrp-book",
}


#: Size of the source line under each figure (points).
SOURCE_FONTSIZE = 8.5

#: What ``make slides`` changes in :data:`STYLE` to redraw the figures at projector size:
#: type 1.25 times the book's, figures 1.3 times as tall (key ``"figure.heightscale"``, read by
#: :func:`new_figure`, so that larger labels keep their room) and 150 dots per inch, so that a
#: figure 10 inches wide is a 1,500-pixel image, wider than a 1280x720 slide, whose axis
#: labels stay legible at the back of a room. The source line's size is key
#: ``"source.fontsize"``. Applied by ``tools/make_slides.py`` in the kernel that re-executes
#: a chapter for its deck (``STYLE.update(PROJECTOR)`` before the chapter's first cell); the
#: book itself never uses it.
PROJECTOR = {
    "figure.dpi": 150,
    "savefig.dpi": 150,
    "font.size": 13,
    "axes.titlesize": 15,
    "axes.labelsize": 13,
    "xtick.labelsize": 12,
    "ytick.labelsize": 12,
    "legend.fontsize": 11.5,
    "lines.linewidth": 1.8,
    "figure.heightscale": 1.3,
    "source.fontsize": 10.5,
}


def use_book_style() -> None:
    """Apply the book's matplotlib style (explicitly: it sets matplotlib's rcParams)."""
    mpl.rcParams.update({k: v for k, v in STYLE.items() if k in mpl.rcParams})


def _source_fontsize() -> float:
    """The source line's size: :data:`SOURCE_FONTSIZE`, unless :data:`STYLE` says otherwise
    (``"source.fontsize"``, set for the slides from :data:`PROJECTOR`)."""
    return float(STYLE.get("source.fontsize", SOURCE_FONTSIZE))


def add_source(fig, text: str) -> None:
    """Write ``Source: text`` in small grey type under the figure, wrapped to its width.

    A long source is broken into lines no wider than the figure (measured as the PNG renderer
    draws the font, at the figure's width and dpi when this is called) instead of running past
    its right edge: the notebook saves figures with ``bbox_inches="tight"``, which would widen
    the image to fit the line, and the plot would then shrink on a narrow screen. The figure's
    size is unchanged.
    (matplotlib's own ``wrap=True`` is not used: in a tight save it wraps to the enlarged box.)

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure (as returned by :func:`new_figure`).
    text : str
        The source, e.g. ``vrp_lib.data.SOURCES["vix"]``; not empty.

    Raises
    ------
    TypeError
        ``fig`` is not a matplotlib figure or ``text`` not a string.
    ValueError
        ``text`` is empty.
    """
    from matplotlib.figure import FigureBase

    if not isinstance(fig, FigureBase):
        raise _checks.ArgumentTypeError(f"fig must be a matplotlib Figure, got {_checks._what(fig)}")
    text = _checks.text(text, "text")
    # 2% short of the full width: the tight save's padding and anti-aliasing stay inside too
    size = _source_fontsize()
    lines = _wrap(f"Source: {text}", size, 0.98 * fig.get_figwidth() * fig.dpi, fig.dpi)
    fig.text(0.0, -0.01, "\n".join(lines), ha="left", va="top", fontsize=size,
             color=COLORS["neutral"], transform=fig.transFigure)


def _wrap(text: str, fontsize: float, width: float, dpi: float) -> list[str]:
    """``text`` broken at spaces into lines at most ``width`` pixels wide as Agg (the PNG
    renderer) draws the default font at ``fontsize`` points and ``dpi`` (a word longer than a
    line stays whole)."""
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.font_manager import FontProperties

    font = FontProperties(size=fontsize)
    renderer = RendererAgg(1, 1, dpi)

    def pixels(line: str) -> float:
        return renderer.get_text_width_height_descent(line, font, ismath=False)[0]

    if pixels(text) <= width:  # the usual case: one measurement
        return [text]
    # Greedy filling, each line the longest run of words that fits; a line's width grows with
    # each word added, so the longest run is found by bisection (log2 of the words per line
    # measurements instead of one per word).
    words = text.split(" ")
    lines: list[str] = []
    i = 0
    while i < len(words):
        lo, hi = 1, len(words) - i          # lo words always go (a long word stays whole)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if pixels(" ".join(words[i:i + mid])) <= width:
                lo = mid
            else:
                hi = mid - 1
        lines.append(" ".join(words[i:i + lo]))
        i += lo
    return lines


def new_figure(nrows: int = 1, ncols: int = 1, **kwargs):
    """``plt.subplots`` with the book style applied.

    Parameters
    ----------
    nrows, ncols : int
        Grid of axes, each at least 1.
    **kwargs
        Passed to ``matplotlib.pyplot.subplots`` (e.g. ``sharex=True``).

    Returns
    -------
    (matplotlib.figure.Figure, matplotlib.axes.Axes or numpy.ndarray of Axes)
    """
    import matplotlib.pyplot as plt

    nrows = _checks.integer(nrows, "nrows", minimum=1)
    ncols = _checks.integer(ncols, "ncols", minimum=1)
    use_book_style()
    scale = float(STYLE.get("figure.heightscale", 1.0))
    if scale != 1.0:  # the slides' projector style (PROJECTOR): taller, for larger type
        width, height = kwargs.pop("figsize", mpl.rcParams["figure.figsize"])
        kwargs["figsize"] = (width, scale * height)
    return plt.subplots(nrows, ncols, **kwargs)


def show(fig) -> None:
    """Display ``fig`` in the notebook as ``plt.show()`` does, drawing it once instead of twice.

    The inline backend saves a figure with ``bbox_inches="tight"``: one draw only to measure
    the box, a second to render, each running the constrained layout and the tick locators.
    Here the layout runs once, the ticks it placed are fixed (same positions and labels),
    the tight box is measured on the laid-out figure and the PNG is saved with it: the same
    bytes as the inline backend's, displayed with the same ``image/png`` and ``text/plain``
    output, and the figure is closed.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A figure made with :func:`new_figure` (constrained layout).
    """
    from binascii import b2a_base64
    from io import BytesIO

    import matplotlib.pyplot as plt
    from IPython.display import display
    from matplotlib.figure import Figure
    from matplotlib.ticker import FixedFormatter, FixedLocator

    if not isinstance(fig, Figure):
        raise _checks.ArgumentTypeError(f"fig must be a matplotlib Figure, got {_checks._what(fig)}")
    engine = fig.get_layout_engine()
    if engine is not None:
        engine.execute(fig)
    with plt.rc_context({"figure.constrained_layout.use": False}):
        fig.set_layout_engine(None)    # no engine: the save draws once
    for axis in (a for ax in fig.axes for a in (ax.xaxis, ax.yaxis)):
        for ticker in (axis.major, axis.minor):
            locs = ticker.locator()
            labels = ticker.formatter.format_ticks(locs)
            ticker.locator, ticker.formatter = FixedLocator(locs), FixedFormatter(labels)
            ticker.locator.set_axis(axis)
            ticker.formatter.set_axis(axis)
    box = fig.get_tightbbox(fig.canvas.get_renderer()).padded(mpl.rcParams["savefig.pad_inches"])
    png = BytesIO()
    fig.canvas.print_figure(png, format="png", facecolor=fig.get_facecolor(),
                            edgecolor=fig.get_edgecolor(), dpi=fig.dpi, bbox_inches=box)
    display({"image/png": b2a_base64(png.getvalue(), newline=False).decode("ascii"),
             "text/plain": repr(fig)}, raw=True)
    plt.close(fig)
