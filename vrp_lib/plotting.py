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

__all__ = ["COLORS", "STYLE", "use_book_style", "add_source", "new_figure"]

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


def use_book_style() -> None:
    """Apply the book's matplotlib style (explicitly: it sets matplotlib's rcParams)."""
    mpl.rcParams.update(STYLE)


def add_source(fig, text: str) -> None:
    """Write ``Source: text`` in small grey type under the figure.

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
    fig.text(0.0, -0.01, f"Source: {text}", ha="left", va="top", fontsize=8.5,
             color=COLORS["neutral"], transform=fig.transFigure)


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
    return plt.subplots(nrows, ncols, **kwargs)
