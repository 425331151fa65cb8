"""Numbers and tables for the page: formatted text, rounded glue values, styled tables.

The chapters show numbers in two ways: glued into the prose (``{glue:text}``) and in
tables. Both must be identical on every run (nbval compares stored outputs strictly) and
readable (thousands separators, a fixed number of decimals, standard errors next to the
value they belong to). This module holds those formatting rules once.

Units
-----
These functions do not know what a number measures: a value in vol points stays in vol
points, a fraction stays a fraction. The exceptions say so in their names and docstrings:
:func:`percent_text` takes a **fraction** (0.853) and shows it in **percent** ("85.3"),
and ``scale`` arguments multiply before formatting (``scale=100`` shows a fraction as a
percent). No function adds a unit or a percent sign: the unit belongs in the column name
or the sentence.

Text or numbers
---------------
* ``*_text`` functions and :func:`value_se` return **strings** (glue them as text, or put
  them in a table of strings).
* :func:`rounded` and :func:`significant` return **floats** (glued numbers that the page
  shows with its own format, and that stay identical from run to run).

Bad input
---------
Numbers must be real, finite scalars (or arrays of them): ``None``, booleans, strings,
NaN and inf raise a ``ValueError`` (a ``TypeError`` for a wrong type) naming the argument,
with the rules of :mod:`vrp_lib._checks`. A standard error must not be negative. Every
``digits`` is an integer from 0 (1 for :func:`significant`) to 17 (``21.0`` is read as 21).
"""

from __future__ import annotations

import numbers
import re
import string

import numpy as np
import pandas as pd

from . import _checks as ck

__all__ = [
    "styled", "text_table", "value_se", "band_text", "se_text", "se_table", "summary_se_text", "number_text",
    "percent_text", "date_text", "rounded", "significant", "MIN_BLOCKS", "SUMMARY_COLUMNS",
    "glue", "GLUE_PREFIX",
]

#: The MIME-type prefix myst-nb reads for a value glued without display
#: (``myst_nb.ext.glue.GLUE_PREFIX``).
GLUE_PREFIX = "application/papermill.record/"


def glue(name: str, variable, display: bool = True) -> None:
    """Glue a value for the page's text: the same output as ``myst_nb.glue``.

    myst-nb's own ``glue`` imports nbformat (and jsonschema) on its first call, about 0.2 s of
    every chapter's run for a type annotation; this writes the identical display output
    (the value's display formats, under :data:`GLUE_PREFIX` when ``display`` is False, with
    the ``scrapbook`` metadata myst-nb reads) with IPython alone. The book build reads it
    exactly as it reads myst-nb's.

    In a Jupyter kernel every display first flushes ``sys.stdout`` and ``sys.stderr``, each
    flush a round trip to the kernel's IO thread even when there is nothing to send (about
    1 ms per glued value, measured; chapter 4 glues 254). When neither stream has text
    waiting, the value is published without that flush: the output is the same, and in the
    same order, since the IO thread sends messages in the order they are queued. Whenever
    text is waiting, the display flushes it first, as IPython's does.

    Parameters
    ----------
    name : str
        The key the text pastes with ``{glue:text}`name```; not empty.
    variable : object
        The value; what is stored is its display (``text/plain``, ``text/html``, ...).
    display : bool, default True
        Also show the value in the cell's output.
    """
    from IPython.core.formatters import format_display_data

    name = ck.text(name, "name")
    if not isinstance(display, bool):
        raise ck.ArgumentTypeError(f"display must be True or False, got {ck._what(display)}")
    mimebundle, metadata = format_display_data(variable)
    mime_prefix = "" if display else GLUE_PREFIX
    metadata["scrapbook"] = dict(name=name, mime_prefix=mime_prefix)
    _publish({mime_prefix + k: v for k, v in mimebundle.items()}, metadata)


def _streams_idle() -> bool:
    """True when ipykernel's stdout and stderr have no text waiting to be sent (False when
    unsure: another kind of stream, or a kernel without these flags)."""
    import sys

    return all(getattr(s, "_flush_pending", True) is False
               and getattr(s, "_subprocess_flush_pending", True) is False
               for s in (sys.stdout, sys.stderr))


def _publish(bundle: dict, metadata: dict) -> None:
    """``IPython.display.display(bundle, raw=True, metadata=metadata)``, without the flush of
    idle output streams (see :func:`glue`)."""
    from IPython import get_ipython
    from IPython.display import display as ipy_display

    pub = getattr(get_ipython(), "display_pub", None)
    if pub is None or not hasattr(pub, "_flush_streams") or not _streams_idle():
        ipy_display(bundle, raw=True, metadata=metadata)
        return
    pub._flush_streams = _no_flush          # this display only: the streams are idle
    try:
        ipy_display(bundle, raw=True, metadata=metadata)
    finally:
        del pub._flush_streams              # the class's own flush again


def _no_flush() -> None:
    return None

_UUID = re.compile(r"[A-Za-z0-9_-]+")


#: Most digits any function here shows: a double holds 17 significant digits, so more would
#: print rounding noise (and 10**7 digits a string of ten million characters).
MAX_DIGITS = 17


def _digits(digits, name: str = "digits", minimum: int = 0) -> int:
    d = ck.integer(digits, name, minimum=minimum)
    if d > MAX_DIGITS:
        raise ValueError(f"{name} must be at most {MAX_DIGITS} (a double holds 17 significant digits), "
                         f"got {d}")
    return d


def _format(fmt, name: str):
    """A format string with one replacement field (``"{:,.2f}"``, ``"{}"``) or a callable."""
    if callable(fmt):
        return fmt
    if not isinstance(fmt, str):
        raise ck.ArgumentTypeError(f"{name}: expected a format string such as '{{:,.2f}}', got {ck._what(fmt)}")
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(fmt) if f is not None]
    except ValueError as exc:
        raise ValueError(f"{name}: {fmt!r} is not a format string ({exc})") from None
    if len(fields) != 1 or fields[0] not in ("", "0"):
        raise ValueError(f"{name}: a format string needs exactly one field for the value, such as "
                         f"'{{:,.2f}}' or '{{}}', got {fmt!r}")
    return fmt


def _is_scalar(x) -> bool:
    return isinstance(x, (numbers.Number, np.generic, str, bytes)) or x is None or (
        isinstance(x, np.ndarray) and x.ndim == 0)


# --------------------------------------------------------------------------- numbers


def number_text(x, digits: int = 1) -> str:
    """A number as text with a fixed number of decimals and thousands separators.

    Parameters
    ----------
    x : float
        A finite real number, in whatever unit the caller uses (the unit is not shown).
    digits : int, default 1
        Decimals shown (0 or more).

    Returns
    -------
    str
        ``number_text(12345.678, 1) == "12,345.7"``; ``number_text(-0.25, 2) == "-0.25"``.
    """
    v = ck.finite(x, "x")
    d = _digits(digits)
    return f"{v:,.{d}f}"


def percent_text(x, digits: int = 1) -> str:
    """A fraction shown in percent, as text, without the percent sign.

    Parameters
    ----------
    x : float
        A **fraction** (0.853 for 85.3 %), finite.
    digits : int, default 1
        Decimals of the percentage shown.

    Returns
    -------
    str
        ``percent_text(0.8534) == "85.3"``; thousands separators above 1,000 %.
    """
    v = ck.finite(x, "x")
    d = _digits(digits)
    return f"{100 * v:,.{d}f}"


def date_text(date) -> str:
    """A date as text, day without a leading zero: ``"5 February 2018"``.

    Parameters
    ----------
    date : pandas.Timestamp, datetime.date or str
        A date-like scalar (not ``None``, NaT, a number or a tz-aware time stamp); a time
        of day is ignored.

    Returns
    -------
    str
        Day, English month name, four-digit year.
    """
    ts = ck.date(date, "date")
    return f"{ts.day} {ts:%B %Y}"


def rounded(x, digits: int = 2, scale: float = 1.0) -> float:
    """A number rounded for glue, as a Python float: ``round(scale * x, digits)``.

    Parameters
    ----------
    x : float
        A finite real number.
    digits : int, default 2
        Decimals kept (0 or more).
    scale : float, default 1.0
        Positive factor applied before rounding: ``scale=100`` turns a fraction (0.8534)
        into percent (85.3 with ``digits=1``).

    Returns
    -------
    float
        ``rounded(0.8534, 1, scale=100) == 85.3``.
    """
    v = ck.finite(x, "x")
    d = _digits(digits)
    s = ck.positive(scale, "scale")
    return round(s * v, d)


def significant(x, digits: int = 8) -> float:
    """A float cut to ``digits`` significant digits, so a glued value is the same on every run.

    Parameters
    ----------
    x : float
        A finite real number.
    digits : int, default 8
        Significant digits kept (at least 1).

    Returns
    -------
    float
        ``significant(2 / 3) == 0.66666667``; ``significant(123456789.0, 3) == 123000000.0``.
    """
    v = ck.finite(x, "x")
    d = _digits(digits, minimum=1)
    return float(f"{v:.{d}g}")


# --------------------------------------------------------------------- value (SE)


def band_text(values, se, digits: int = 2) -> str:
    """An estimate over several defensible choices as text: ``"0.52 [0.46, 0.55] (0.25)"``.

    The robust figure (the median over the choices), the band in brackets and the standard
    error with the choice in parentheses, from :func:`vrp_lib.risk.band_summary`; each
    rounded to ``digits`` decimals, with no ``-0.00``.

    Parameters
    ----------
    values : sequence of float
        The estimate under each choice (at least two, finite).
    se : float
        Sampling standard error of the estimate (non-negative, same unit).
    digits : int, default 2
        Decimals shown.

    Returns
    -------
    str
    """
    from . import risk

    d = _digits(digits)
    b = {k: round(v, d) + 0.0 for k, v in risk.band_summary(values, se).items()}  # no -0.00
    return f"{b['median']:.{d}f} [{b['low']:.{d}f}, {b['high']:.{d}f}] ({b['se_total']:.{d}f})"


def value_se(value, se, digits: int = 2, scale: float = 1.0):
    """A value with its standard error in brackets: ``"1,234.50 (0.25)"``.

    Parameters
    ----------
    value : float or array-like of float
        Estimate(s), finite, in the caller's unit.
    se : float or array-like of float
        Standard error(s) of ``value``, finite and non-negative: a scalar with a scalar
        ``value``, a sequence of the same length with a sequence.
    digits : int, default 2
        Decimals shown for both numbers.
    scale : float, default 1.0
        Positive factor applied to both before formatting (``scale=100``: a fraction and
        its standard error shown in percent).

    Returns
    -------
    str or list of str
        One string for scalars, a list of strings (one per element) for sequences.
    """
    d = _digits(digits)
    s = ck.positive(scale, "scale")
    if _is_scalar(value) or _is_scalar(se):
        if not (_is_scalar(value) and _is_scalar(se)):
            raise ValueError("value and se: pass two scalars or two sequences of the same length, "
                             f"got {'a scalar' if _is_scalar(value) else 'a sequence'} value and "
                             f"{'a scalar' if _is_scalar(se) else 'a sequence'} se")
        v = ck.finite(value, "value")
        e = ck.nonnegative(se, "se")
        return f"{s * v:,.{d}f} ({s * e:,.{d}f})"
    v = ck.array(value, "value", ndim=1)
    e = ck.array(se, "se", ndim=1, nonneg=True)
    ck.same_length(value=v, se=e)
    return [f"{s * a:,.{d}f} ({s * b:,.{d}f})" for a, b in zip(v, e)]


#: Fewest blocks a moving-block bootstrap standard error is shown for: with fewer, the
#: bootstrap cannot see how the mean varies and its standard error is itself unreliable.
MIN_BLOCKS = 4.5


def se_text(x, statistic: str = "mean", digits: int = 2, scale: float = 1.0, block: int = 252,
            n_boot: int = 1000, seed: int = 0) -> str:
    """``"value (SE)"`` of a daily series' mean or hit rate, or ``"value (n/a)"`` when short.

    The standard error is the moving-block bootstrap's (:func:`vrp_lib.premium.block_se`, the
    resamples of :func:`vrp_lib.bootstrap.block_bootstrap_se`); a series shorter than
    :data:`MIN_BLOCKS` blocks (about four and a half years of 252-day blocks) gets ``n/a``.

    Parameters
    ----------
    x : pandas.Series or array_like
        Observations in time order (e.g. daily VRP in vol points), finite.
    statistic : {"mean", "hit_rate"}
        The mean of ``x`` or the share of ``x > 0`` (a fraction).
    digits : int, default 2
        Decimals shown for both numbers.
    scale : float, default 1.0
        Positive factor applied to both (``scale=100``: a hit rate in percent).
    block, n_boot, seed : int
        The bootstrap's block length (observations), resamples and seed.

    Returns
    -------
    str
        ``"4.11 (0.36)"``; ``"-1.06 (n/a)"`` for a series under ``MIN_BLOCKS * block``.

    Raises
    ------
    ValueError
        A bad series, statistic, digits or scale, or a block longer than the series.
    """
    from . import bootstrap, premium      # numbers first, then the statistics

    a = bootstrap._values(x)
    stat = ck.choice(statistic, "statistic", ("mean", "hit_rate"))
    d = _digits(digits)
    sc = ck.positive(scale, "scale")
    blk = bootstrap._block(block, a.size)          # at most the length of x
    value = a.mean() if stat == "mean" else (a > 0).mean()
    if a.size < MIN_BLOCKS * blk:
        return f"{sc * value:,.{d}f} (n/a)"
    return value_se(value, premium.block_se(a, stat, block=blk, n_boot=n_boot, seed=seed), d, sc)


def se_table(table, columns, counts=None) -> pd.DataFrame:
    """A table of ``"value (SE)"`` strings from a table of values and standard errors.

    Turns the output of :func:`vrp_lib.premium.summary_with_se` or
    :func:`vrp_lib.risk.performance_table` (one column of estimates, one of their standard
    errors) into the columns a reader wants: ``"2.94 (0.24)"``.

    Parameters
    ----------
    table : pandas.DataFrame
        The estimates and standard errors, one row per line of the result.
    columns : dict
        ``{shown name: (value column, SE column[, digits[, scale]])}``, in the order shown;
        ``digits`` defaults to 2 and ``scale`` to 1.0 (``scale=100`` for a hit rate given
        as a fraction and shown in percent), as in :func:`value_se`.
    counts : dict, optional
        ``{shown name: column}`` of whole numbers (observations, months), shown last with
        thousands separators (``"8,287"``).

    Returns
    -------
    pandas.DataFrame
        Strings, with the index of ``table``.

    Examples
    --------
    >>> t = pd.DataFrame({"Mean": [0.0512], "SE of mean": [0.0123], "n": [8287]})
    >>> se_table(t, {"Mean, % (SE)": ("Mean", "SE of mean", 1, 100)},
    ...          counts={"Days": "n"}).iloc[0].tolist()
    ['5.1 (1.2)', '8,287']
    """
    if table is None or not isinstance(table, pd.DataFrame):
        raise ck.ArgumentTypeError(f"table: expected a pandas DataFrame, got {ck._what(table)}")
    if table.empty:
        raise ValueError("table: is empty")
    if not isinstance(columns, dict):
        raise ck.ArgumentTypeError(
            "columns: expected a dict {shown name: (value column, SE column[, digits[, scale]])}, "
            f"got {ck._what(columns)}")
    if not columns:
        raise ValueError("columns: is empty; name at least one (value column, SE column) pair")
    if counts is not None and not isinstance(counts, dict):
        raise ck.ArgumentTypeError(f"counts: expected a dict {{shown name: column}} or None, got {ck._what(counts)}")
    if counts is not None and not counts:
        raise ValueError("counts: is empty; pass None for no count column")
    out = pd.DataFrame(index=table.index)
    for shown, spec in columns.items():
        if not isinstance(spec, tuple) or not 2 <= len(spec) <= 4:
            raise ValueError(f"columns[{shown!r}]: expected a tuple (value column, SE column[, digits[, scale]]), "
                             f"got {spec!r}")
        for col in spec[:2]:
            if col not in table.columns:
                raise ValueError(f"columns[{shown!r}]: table has no column {col!r}")
        digits, scale = (tuple(spec[2:]) + (2, 1.0)[len(spec) - 2:])[:2]
        value = ck.array(table[spec[0]], f"table[{spec[0]!r}]", ndim=1)
        se = ck.array(table[spec[1]], f"table[{spec[1]!r}]", ndim=1, nonneg=True)
        out[shown] = value_se(value, se, digits, scale)
    for shown, col in (counts or {}).items():
        if col not in table.columns:
            raise ValueError(f"counts[{shown!r}]: table has no column {col!r}")
        n = ck.array(table[col], f"table[{col!r}]", ndim=1, nonneg=True)
        if (n != np.round(n)).any():
            raise ValueError(f"table[{col!r}]: counts must be whole numbers, got {n[n != np.round(n)][0]:g}")
        out[shown] = [f"{int(k):,}" for k in n]
    return out



#: The columns of :func:`vrp_lib.premium.summary_with_se` as :func:`summary_se_text` shows them.
SUMMARY_COLUMNS = {
    "Avg implied vol": ("Avg implied vol", "SE avg implied"),
    "Avg realized vol": ("Avg realized vol", "SE avg realized"),
    "Avg VRP (vol pts)": ("Avg VRP (vol pts)", "SE avg VRP"),
    "Hit rate, % (VRP > 0)": ("Hit rate (VRP > 0)", "SE hit rate", 1, 100),
}


def summary_se_text(table) -> pd.DataFrame:
    """The output of :func:`vrp_lib.premium.summary_with_se` as ``"value (SE)"`` strings.

    Vol points with two decimals, the hit rate in percent with one, the count of origin
    dates with thousands separators (:func:`se_table` with :data:`SUMMARY_COLUMNS`).

    Parameters
    ----------
    table : pandas.DataFrame
        ``summary_with_se``'s columns (values, standard errors, ``n``).

    Returns
    -------
    pandas.DataFrame
        Columns ``Avg implied vol``, ``Avg realized vol``, ``Avg VRP (vol pts)``,
        ``Hit rate, % (VRP > 0)`` and ``Origin dates``, strings, with the index of ``table``.
    """
    return se_table(table, SUMMARY_COLUMNS, counts={"Origin dates": "n"})

# --------------------------------------------------------------------------- tables


def styled(df, formats, uuid: str, hide_index: bool = False, na_rep: str = "-",
           caption: str | None = None, nowrap_index: bool = False):
    """A table for the page: formatted numbers, right-aligned, with a fixed HTML id.

    Parameters
    ----------
    df : pandas.DataFrame
        Columns with human names and units; not empty.
    formats : dict or str or callable
        Format per column (``"{:,.2f}"``: thousands separators, two decimals), a callable,
        or a dict ``{column: format}`` naming columns of ``df``; a format string has exactly
        one field for the value. A single string applies to
        the numeric columns only; other columns are shown as they are. A table that is
        already text takes ``"{}"`` (or ``{}``): nothing to format.
    uuid : str
        Fixed id of the HTML table (letters, digits, ``-`` and ``_``), so the stored output
        is identical on every run.
    hide_index : bool, default False
        Hide the row labels.
    na_rep : str, default "-"
        Text shown for a missing value.
    caption : str, optional
        A caption shown above the table (what it shows, the sample, the units).
    nowrap_index : bool, default False
        Keep each row label on one line (``white-space: nowrap``).

    Returns
    -------
    pandas.io.formats.style.Styler
        Cells and headers right-aligned.
    """
    if not isinstance(df, pd.DataFrame):
        raise ck.ArgumentTypeError(f"df: expected a DataFrame, got {ck._what(df)}")
    if df.empty:
        raise ValueError("df: is empty; there is no table to show")
    if not (isinstance(formats, (str, dict)) or callable(formats)):
        raise ck.ArgumentTypeError(
            f"formats: expected a format string or a dict of them, got {ck._what(formats)}")
    if isinstance(formats, dict):
        for col, fmt in formats.items():
            if col not in df.columns:
                raise ValueError(f"formats: df has no column {col!r}")
            _format(fmt, f"formats[{col!r}]")
    elif isinstance(formats, str):
        _format(formats, "formats")
    if not isinstance(uuid, str):
        raise ck.ArgumentTypeError(f"uuid: expected a string, got {ck._what(uuid)}")
    if not uuid:
        raise ValueError("uuid: pass a non-empty string")
    if not _UUID.fullmatch(uuid):
        raise ValueError(f"uuid: use letters, digits, '-' and '_' only (it becomes an HTML id), got {uuid!r}")
    hide_index = ck.boolean(hide_index, "hide_index")
    nowrap_index = ck.boolean(nowrap_index, "nowrap_index")
    ck.text(na_rep, "na_rep", allow_empty=True)
    if caption is not None:
        ck.text(caption, "caption", allow_empty=True)
    if isinstance(formats, str):
        formats = {c: formats for c in df.columns if pd.api.types.is_numeric_dtype(df[c])}
    sty = df.style.set_uuid(uuid).format(formats, na_rep=na_rep)
    if caption is not None:
        sty = sty.set_caption(caption)
    styles = [{"selector": "th", "props": [("text-align", "right")]}]
    if nowrap_index:
        styles.append({"selector": "th.row_heading", "props": [("white-space", "nowrap")]})
    sty = sty.set_properties(**{"text-align": "right"}).set_table_styles(styles)
    return sty.hide(axis="index") if hide_index else sty


def text_table(df, uuid: str, caption: str):
    """A table that is already text (``"4.11 (0.36)"``, ``"8,287"``), captioned, row labels
    on one line: :func:`styled` with nothing left to format.

    Parameters
    ----------
    df : pandas.DataFrame
        Strings (or numbers shown as they are), not empty.
    uuid : str
        Fixed HTML id (letters, digits, ``-`` and ``_``).
    caption : str
        What the table shows, the sample and the units.

    Returns
    -------
    pandas.io.formats.style.Styler
    """
    ck.text(caption, "caption")
    return styled(df, "{}", uuid, caption=caption, nowrap_index=True)
