"""Input checks shared by every module.

Each check raises :class:`ValueError` (or :class:`TypeError` for a wrong type) with a
message that names the argument and says what is wrong and what to pass instead, so that
bad input never turns into a silent wrong number, NaN or inf.

Rules
-----
* **Numbers** (:func:`finite`, :func:`positive`, :func:`nonnegative`, :func:`in_range`):
  a real scalar; ``None`` is reported as "got None", a boolean or a string as a wrong type
  (``True`` is not 1, ``"0.2"`` is not 0.2), NaN and +/-inf are rejected.
* **Annualization** (:func:`periods_per_year`): positive, finite and at most
  :data:`PERIODS_PER_YEAR_MAX` (one period a minute, round the clock).
* **Integers** (:func:`integer`, :func:`window`): an ``int`` (or numpy integer); an
  integral float passes as the integer (``21.0`` is 21); a bool, a non-integral float
  (``2.5``), NaN and inf are rejected.
* **Switches** (:func:`boolean`): ``True`` or ``False`` only; ``compound="False"``, ``0`` or
  ``None`` raise :class:`TypeError` (a truthy string would otherwise switch an option on).
* **Choices** (:func:`choice`): one of the listed strings.
* **Dates** (:func:`date`): a date-like scalar (``"2008-09-15"``, a ``Timestamp``), not
  ``None``, NaT, a number or a boolean; optionally a date of a given index.
* **Masks** (:func:`mask`): booleans only (a NaN or the string ``"no"`` is not "in the
  market").
* **Arrays** (:func:`array`, :func:`nonneg_array`, :func:`same_length`, :func:`broadcast`):
  numbers (no booleans, strings or ``None``), not empty, no NaN, no inf; lengths that must
  match are compared with a message naming both arguments instead of numpy's broadcasting
  error.
* **Dtypes** (every array, Series and DataFrame check): a boolean dtype, a string dtype
  (pandas ``string``/``str``, numpy ``U``/``S``) and an object dtype holding a boolean, a
  string (numeric or not), ``None`` or another non-number are refused with the first bad
  value and its date ("prices: object dtype holding a boolean (True) on 2008-10-15; pass
  floats"): pandas and numpy would read ``True`` as 1.0 and ``"0.04"`` as 0.04. An object
  dtype holding only real numbers is converted.
* **Dated series** (:func:`series`, :func:`frame`, :func:`prices`, :func:`vols`,
  :func:`overlap`, :func:`long_enough`): a ``DatetimeIndex`` that is timezone-naive
  (a tz-aware index is rejected: convert with ``.tz_localize(None)``), sorted, unique and
  not empty; two series must share dates (a tz-aware series against a naive one is
  explained as such); a window needs one more price than its length
  ("window of 63 needs at least 64 prices, got 40"): a window longer than the data raises
  instead of returning an all-NaN series.
* **Units of volatility** (:func:`vol_points`, :func:`decimal_vol`), with the thresholds
  below (module constants):

  - an argument in **vol points** (15.0 for 15 % a year) whose finite values are all
    below :data:`DECIMAL_LOOKING_MAX` = 1.5 looks like decimals (0.15): rejected with
    "pass vol points";
  - an argument in vol points whose median is above :data:`PRICE_LEVEL_MIN` = 200 looks
    like a price level (an index in the hundreds or thousands), not a volatility;
  - an argument in **decimals** (0.15 for 15 %) above :data:`DECIMAL_VOL_MAX` = 5
    (500 % a year) looks like vol points: rejected with "pass decimals".

  Mixed units in one call (a realized 14 with a strike of 0.18) are caught because each
  argument is checked on its own.

Wrong types raise :class:`ArgumentTypeError`, a subclass of both :class:`TypeError` and
:class:`ValueError` (as numpy's ``AxisError`` is of ``ValueError`` and ``IndexError``), so
that callers catching the ``ValueError`` of earlier versions keep working.
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

__all__ = [
    "ArgumentTypeError", "DECIMAL_LOOKING_MAX", "DECIMAL_VOL_MAX", "PRICE_LEVEL_MIN", "PERIODS_PER_YEAR_MAX",
    "finite", "positive", "nonnegative", "in_range", "periods_per_year", "integer", "window", "boolean",
    "choice",
    "text", "array", "nonneg_array", "same_length", "broadcast", "series", "frame", "prices",
    "vols", "overlap", "long_enough", "vol_points", "decimal_vol", "date", "mask",
]

#: Vol points: finite values all below this look like decimals (0.15 for 15 %).
DECIMAL_LOOKING_MAX = 1.5
#: Decimals: a volatility above this (500 % a year) looks like vol points.
DECIMAL_VOL_MAX = 5.0
#: Vol points: a median above this looks like a price level, not a volatility.
PRICE_LEVEL_MIN = 200.0
#: Annualization: at most one period a minute, round the clock (366 * 24 * 60).
PERIODS_PER_YEAR_MAX = 527_040


class ArgumentTypeError(TypeError, ValueError):
    """An argument of the wrong type (both a :class:`TypeError` and a :class:`ValueError`)."""


def _what(x) -> str:
    if x is None:
        return "None"
    if isinstance(x, (str, bytes)):
        return f"the string {x!r}"
    if isinstance(x, (bool, np.bool_)):
        return f"the boolean {bool(x)!r}"
    return type(x).__name__


# ---------------------------------------------------------------------------------------
# scalars


def _scalar(x, name: str, what: str = "a number") -> float:
    """A real scalar as a float (NaN and inf still possible); the type rules only."""
    if x is None:
        raise ArgumentTypeError(f"{name} must be {what}, got None")
    if isinstance(x, (bool, np.bool_)):
        raise ArgumentTypeError(f"{name} must be {what}, got the boolean {bool(x)!r} "
                                "(booleans are not numbers)")
    if isinstance(x, (str, bytes)):
        raise ArgumentTypeError(f"{name} must be {what}, got the string {x!r} (pass a number, not text)")
    if isinstance(x, np.ndarray) and x.ndim == 0:
        x = x[()]
    if isinstance(x, (np.bool_, bool)):
        raise ArgumentTypeError(f"{name} must be {what}, got the boolean {bool(x)!r} "
                                "(booleans are not numbers)")
    if not isinstance(x, numbers.Real):
        raise ArgumentTypeError(f"{name} must be {what}, got {_what(x)}")
    return float(x)


def finite(x, name: str) -> float:
    """A finite real scalar: not None, not a bool or a string, not NaN, not +/-inf."""
    v = _scalar(x, name)
    if np.isnan(v):
        raise ValueError(f"{name} must be finite, got NaN")
    if np.isinf(v):
        raise ValueError(f"{name} must be finite, got an infinite value ({v})")
    return v


def positive(x, name: str) -> float:
    """A strictly positive finite scalar."""
    v = _scalar(x, name)
    if not np.isfinite(v) or v <= 0:
        raise ValueError(f"{name} must be positive and finite, got {_num(v)}")
    return v


def nonnegative(x, name: str) -> float:
    """A finite scalar of at least zero."""
    v = _scalar(x, name)
    if not np.isfinite(v) or v < 0:
        raise ValueError(f"{name} must be non-negative and finite, got {_num(v)}")
    return v


def in_range(x, name: str, lo: float, hi: float, *, lo_open: bool = False, hi_open: bool = False) -> float:
    """A finite scalar in ``[lo, hi]`` (``(lo`` or ``hi)`` when the end is open)."""
    v = finite(x, name)
    if v < lo or v > hi or (lo_open and v == lo) or (hi_open and v == hi):
        left, right = "(" if lo_open else "[", ")" if hi_open else "]"
        raise ValueError(f"{name} must lie in {left}{lo:g}, {hi:g}{right}, got {v:g}")
    return v


def periods_per_year(x, name: str) -> float:
    """Periods a year used to annualize (252 trading days, 365 calendar days, 52 weeks, 12
    months): a positive finite number of at most :data:`PERIODS_PER_YEAR_MAX` (one a minute,
    round the clock); 10**7 is a typo, not a sampling frequency."""
    v = positive(x, name)
    if v > PERIODS_PER_YEAR_MAX:
        raise ValueError(f"{name} must be at most {PERIODS_PER_YEAR_MAX:,} periods a year (one a minute), "
                         f"got {v:g}; pass e.g. 252 trading days, 365 calendar days or 12 months")
    return v


def _num(v: float) -> str:
    return "NaN" if np.isnan(v) else f"{v:g}"


def _whole(x, name: str, what: str):
    """``x`` as an int when it is an int, a numpy integer or an integral float (21.0 -> 21)."""
    if x is None:
        raise ArgumentTypeError(f"{name} must be {what}, got None")
    if isinstance(x, (bool, np.bool_)):
        raise ArgumentTypeError(f"{name} must be {what}, got the boolean {bool(x)!r}")
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        if np.isfinite(x) and float(x).is_integer():
            return int(x)
        raise ArgumentTypeError(f"{name} must be {what}, got {x!r}")
    raise ArgumentTypeError(f"{name} must be {what}, got {_what(x)}")


def integer(x, name: str, minimum: int | None = None) -> int:
    """An integer (``int``, numpy integer or an integral float such as ``3.0``; not a bool,
    not 2.5, NaN or inf), at least ``minimum``."""
    n = _whole(x, name, "an integer")
    if minimum is not None and n < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {n}")
    return n


def window(w, name: str = "window") -> int:
    """A window length in observations: an integer of at least 1 (``21.0`` is read as 21)."""
    n = _whole(w, name, "an integer number of observations")
    if n < 1:
        raise ValueError(f"{name} must be at least 1, got {n}")
    return n


def boolean(x, name: str) -> bool:
    """A switch: ``True`` or ``False`` (numpy booleans too); anything else is a TypeError."""
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    raise ArgumentTypeError(f"{name} must be True or False, got {x!r}")


def choice(x, name: str, options) -> str:
    """One of the strings in ``options``."""
    opts = tuple(options)
    if not isinstance(x, str):
        raise ArgumentTypeError(f"{name} must be one of {opts}, got {_what(x)}")
    if x not in opts:
        raise ValueError(f"{name} must be one of {opts}, got {x!r}")
    return x


def text(x, name: str, allow_empty: bool = False) -> str:
    """A string (not empty unless ``allow_empty``)."""
    if not isinstance(x, str):
        raise ArgumentTypeError(f"{name} must be a string, got {_what(x)}")
    if not allow_empty and not x.strip():
        raise ValueError(f"{name} must not be empty")
    return x


def date(x, name: str, index: pd.DatetimeIndex | None = None) -> pd.Timestamp:
    """A date-like scalar as a naive ``Timestamp``; a date of ``index`` when one is given."""
    if x is None or isinstance(x, (bool, np.bool_, numbers.Number)):
        raise ArgumentTypeError(f"{name} must be a date (e.g. '2008-09-15' or a Timestamp), got {_what(x)}")
    try:
        ts = pd.Timestamp(x)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a date (e.g. '2008-09-15' or a Timestamp), got {x!r}") from None
    if ts is pd.NaT or pd.isna(ts):
        raise ValueError(f"{name} must be a date, got NaT")
    if ts.tz is not None:
        raise ValueError(f"{name}: tz-aware date ({ts.tz}); convert with .tz_localize(None)")
    if index is not None and ts not in index:
        span = f"{index[0].date()} to {index[-1].date()}"
        raise ValueError(f"{name}: {ts.date()} is not a date of the data ({span})")
    return ts


def mask(x, name: str) -> np.ndarray:
    """A boolean array (or Series) of flags: booleans only, no NaN, no strings, not empty."""
    if x is None:
        raise ArgumentTypeError(f"{name}: got None; pass True/False flags")
    if isinstance(x, (str, bytes)):
        raise ArgumentTypeError(f"{name}: expected True/False flags, got {_what(x)}")
    raw = np.asarray(x.to_numpy() if isinstance(x, (pd.Series, pd.DataFrame)) else x)
    if raw.size == 0:
        raise ValueError(f"{name}: is empty")
    if raw.dtype != bool:
        if raw.dtype == object and all(isinstance(v, (bool, np.bool_)) for v in raw.ravel()):
            return raw.astype(bool)
        raise ArgumentTypeError(
            f"{name}: expected True/False flags, got values of type {raw.dtype} (a NaN or a string such as "
            "'no' is not a flag)"
        )
    return raw


# ---------------------------------------------------------------------------------------
# arrays


#: What pandas' ``infer_dtype`` calls an object array holding only real numbers.
_NUMBER_KINDS = frozenset({"integer", "floating", "mixed-integer-float", "decimal"})


def _value_text(v) -> str:
    if v is None:
        return "None"
    if v is pd.NA:
        return "a missing value (<NA>)"
    if isinstance(v, (bool, np.bool_)):
        return f"a boolean ({bool(v)!r})"
    if isinstance(v, (str, bytes)):
        return f"a string ({v!r})"
    return f"a {type(v).__name__} ({str(v)[:30]!r})"


def _place(i: int, index) -> str:
    if index is None:
        return f" at position {i}"
    label = index[i]
    return f" on {label.date()}" if isinstance(label, pd.Timestamp) else f" at {label!r}"


def _first_text(values) -> str:
    flat = np.asarray(values, dtype=object).ravel()
    if not flat.size:
        return "''"
    return repr(bytes(flat[0])) if isinstance(flat[0], bytes) else repr(str(flat[0]))


def _as_floats(values, name: str, index=None, listed: bool = False) -> np.ndarray:
    """``values`` (a numpy array or a pandas Series) as a float64 array, refusing what is not
    numbers: boolean dtypes, string dtypes (pandas ``string``/``str``, numpy ``U``/``S``),
    dates, complex numbers, and object dtypes holding a boolean, a string, None or another
    non-number. An object array of real numbers only is converted. Messages give the first
    bad value and its date (``index``) or position; ``listed`` words them for a list.

    Fast on numeric dtypes (no Python loop); an object array is classified by pandas'
    ``infer_dtype`` (in C) and looped over only to locate the first bad value.
    """
    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        values = np.asarray(values)
        dtype = values.dtype
    if isinstance(dtype, pd.StringDtype) or getattr(dtype, "kind", "O") in "USV":
        first = _first_text(values)
        raise ArgumentTypeError(f"{name}: contains strings (e.g. {first}) of dtype {dtype}; "
                                "pass floats, not text")
    if dtype == bool or isinstance(dtype, pd.BooleanDtype):
        raise ArgumentTypeError(f"{name}: booleans are not numbers (boolean dtype); pass floats")
    kind = dtype.kind
    if kind in "iuf":
        return np.asarray(values, dtype=float)
    if kind == "c":
        raise ArgumentTypeError(f"{name}: complex values are not accepted")
    if kind in "mM":
        raise ArgumentTypeError(f"{name}: dates or durations ({dtype}) are not numbers; pass floats")
    if kind != "O":
        raise ArgumentTypeError(f"{name}: values of dtype {dtype} are not numbers; pass floats")
    raw = np.asarray(values, dtype=object)
    flat = raw.ravel()
    inferred = pd.api.types.infer_dtype(flat, skipna=False)
    if inferred == "boolean":
        raise ArgumentTypeError(f"{name}: booleans are not numbers (object dtype holding only booleans)")
    if inferred not in _NUMBER_KINDS and inferred != "empty":
        for i, v in enumerate(flat):
            if v is None or v is pd.NA or isinstance(v, (bool, np.bool_, str, bytes)) or not isinstance(
                    v, numbers.Real):
                where = _place(i, index)
                if listed:
                    raise ArgumentTypeError(f"{name}: contains None, a boolean or a string ({_value_text(v)}"
                                            f"{where}); pass numbers")
                raise ArgumentTypeError(f"{name}: object dtype holding {_value_text(v)}{where}; pass floats")
    return raw.astype(float)


def _float_array(x, name: str) -> np.ndarray:
    """Numbers of a scalar, list, tuple, array, Series, Index or DataFrame as a float array,
    with the dtype rules of :func:`_as_floats` (lists are read element by element: numpy
    would turn ``[0.01, True]`` into ``[0.01, 1.0]`` and ``["0.04"]`` into text)."""
    if isinstance(x, pd.DataFrame):
        dated = x.index if isinstance(x.index, pd.DatetimeIndex) else None
        cols = [_as_floats(x.iloc[:, j], f"{name}[{x.columns[j]!r}]", dated) for j in range(x.shape[1])]
        return np.column_stack(cols) if cols else np.empty(x.shape)
    if isinstance(x, pd.Series):
        return _as_floats(x, name, x.index if isinstance(x.index, pd.DatetimeIndex) else None)
    if isinstance(x, pd.Index):
        return _as_floats(x, name)
    if isinstance(x, (list, tuple)):
        try:
            raw = np.asarray(x, dtype=object)
        except ValueError:
            raise ArgumentTypeError(f"{name}: a ragged nesting of lists; pass numbers of one shape") from None
        return _as_floats(raw, name, listed=True)
    return _as_floats(np.asarray(x), name)


def array(x, name: str, *, ndim: int | tuple | None = None, min_size: int = 1, allow_nan: bool = False,
          nonneg: bool = False, positive: bool = False) -> np.ndarray:
    """A float array of numbers: no None, booleans or strings (nor an object or string dtype
    holding them); not empty; no NaN (unless ``allow_nan``) and no inf; optionally
    non-negative or strictly positive."""
    if type(x) is float or (type(x) is np.ndarray and x.dtype == np.float64):
        a = np.asarray(x)                 # fast path: already floats (the checks below still run)
    else:
        if x is None:
            raise ArgumentTypeError(f"{name}: got None; pass numbers")
        if isinstance(x, (str, bytes, dict, set)):
            raise ArgumentTypeError(f"{name}: expected numbers, got {_what(x)}")
        a = _float_array(x, name)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if a.ndim not in allowed:
            dims = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{name}: expected {dims} values, got {a.ndim}-D")
    if a.size == 0:
        raise ValueError(f"{name}: is empty")
    if a.size < min_size:
        raise ValueError(f"{name}: need at least {min_size} values, got {a.size}")
    if np.isfinite(a).all():              # the usual case: one pass, no masks
        if positive and (a <= 0).any():
            raise ValueError(f"{name}: contains a non-positive value ({a[a <= 0].flat[0]:g})")
        if nonneg and (a < 0).any():
            raise ValueError(f"{name}: contains a negative value ({a[a < 0].flat[0]:g})")
        return a
    nan = np.isnan(a)
    if not allow_nan and nan.any():
        raise ValueError(f"{name}: contains NaN (at position {int(np.flatnonzero(nan.ravel())[0])})")
    inf = np.isinf(a)
    if inf.any():
        first = int(np.flatnonzero(inf.ravel())[0])
        raise ValueError(f"{name}: contains an infinite value (at position {first})")
    if positive and (a[~nan] <= 0).any():
        raise ValueError(f"{name}: contains a non-positive value ({a[~nan][a[~nan] <= 0][0]:g})")
    if nonneg and (a[~nan] < 0).any():
        raise ValueError(f"{name}: contains a negative value ({a[~nan][a[~nan] < 0][0]:g})")
    return a


def nonneg_array(x, name: str) -> np.ndarray:
    """A float array with no NaN, no inf and no negative entry (None, booleans and text
    rejected, as in :func:`array`)."""
    if x is None or isinstance(x, (str, bytes, bool, np.bool_)):
        raise ArgumentTypeError(f"{name}: expected numbers, got {_what(x)}")
    a = _float_array(x, name)
    if np.isnan(a).any():
        raise ValueError(f"{name}: contains NaN")
    if np.isinf(a).any():
        raise ValueError(f"{name}: contains an infinite value")
    if (a < 0).any():
        raise ValueError(f"{name}: contains a negative value ({a[a < 0].flat[0]})")
    return a


def same_length(**named) -> int:
    """The common length of 1-D sequences, or an error naming the pair that differs.

    ``same_length(strikes=k, otm_prices=p)`` returns ``len(k)``.
    """
    items = [(n, len(v) if hasattr(v, "__len__") else np.size(v)) for n, v in named.items()]
    n0, l0 = items[0]
    for n, ln in items[1:]:
        if ln != l0:
            raise ValueError(f"{n0} and {n}: lengths differ ({n0} has {l0} values, {n} has {ln}); "
                             "pass one value per row of each")
    return l0


def broadcast(**named) -> list[np.ndarray]:
    """The arrays broadcast to one shape, or an error naming the arguments that do not fit.

    Scalars combine with anything; arrays must share a shape (numpy's rules), and a
    mismatch is reported as ``strike (shape (5,)) and sigma (shape (4,)) ...`` rather than
    numpy's "operands could not be broadcast together".
    """
    arrays = {n: _float_array(v, n) for n, v in named.items()}
    try:
        out = np.broadcast_arrays(*arrays.values())
    except ValueError:
        shaped = [(n, a.shape) for n, a in arrays.items() if a.ndim > 0]
        desc = ", ".join(f"{n} (shape {s})" for n, s in shaped)
        raise ValueError(f"{desc}: shapes do not match; pass scalars or arrays of the same shape") from None
    return list(out)


# ---------------------------------------------------------------------------------------
# dated series


def _date_index(index, name: str) -> None:
    if not isinstance(index, pd.DatetimeIndex):
        raise ArgumentTypeError(f"{name}: the index must be a DatetimeIndex, got {type(index).__name__}")
    if index.tz is not None:
        raise ValueError(f"{name}: tz-aware index ({index.tz}); convert with .tz_localize(None) "
                         "to naive dates")
    if len(index) == 0:
        raise ValueError(f"{name}: the series is empty")
    if index.has_duplicates:
        dup = index[index.duplicated()][0]
        raise ValueError(f"{name}: duplicate date {dup.date()} in the index")
    if not index.is_monotonic_increasing:
        raise ValueError(f"{name}: dates are not sorted in increasing order (use .sort_index())")


def series(x, name: str) -> pd.Series:
    """Return ``x`` as a float Series with a sorted, unique, naive DatetimeIndex.

    Raises
    ------
    TypeError
        ``None``, not a Series, an index that is not a DatetimeIndex, non-numeric values
        (as :class:`ArgumentTypeError`, also a ``ValueError``).
    ValueError
        Empty, tz-aware index, dates unsorted or duplicated.
    """
    if x is None:
        raise ArgumentTypeError(f"{name}: got None; pass a pandas Series with a DatetimeIndex")
    if isinstance(x, pd.DataFrame):
        if x.shape[1] != 1:
            raise ArgumentTypeError(
                f"{name}: expected a Series (or a one-column DataFrame), got a DataFrame "
                f"with columns {list(x.columns)}"
            )
        x = x.iloc[:, 0]
    if not isinstance(x, pd.Series):
        raise ArgumentTypeError(f"{name}: expected a pandas Series with a DatetimeIndex, got {_what(x)}")
    _date_index(x.index, name)
    if x.dtype == np.float64:
        return x.copy(deep=False)     # a new object; copy-on-write keeps the caller's data apart
    return pd.Series(_as_floats(x, name, x.index), index=x.index, name=x.name)


def frame(x, name: str, columns=None, min_columns: int = 1) -> pd.DataFrame:
    """A float DataFrame with a sorted, unique, naive DatetimeIndex (and ``columns`` if given)."""
    if x is None:
        raise ArgumentTypeError(f"{name}: got None; pass a pandas DataFrame with a DatetimeIndex")
    if not isinstance(x, pd.DataFrame):
        raise ArgumentTypeError(f"{name}: expected a pandas DataFrame with a DatetimeIndex, got {_what(x)}")
    if columns is not None:
        missing = [c for c in columns if c not in x.columns]
        if missing:
            raise ValueError(f"{name}: missing column(s) {missing}")
    if x.shape[1] < min_columns:
        raise ValueError(f"{name}: need at least {min_columns} columns, got {x.shape[1]}")
    _date_index(x.index, name)
    if all(dt == np.float64 for dt in x.dtypes):
        return x.astype(float)
    return pd.DataFrame(_float_array(x, name), index=x.index, columns=x.columns)


def prices(x, name: str = "prices") -> pd.Series:
    """A price Series: sorted unique naive dates, finite and strictly positive values."""
    s = series(x, name)
    v = s.to_numpy()
    if ((v > 0) & (v < np.inf)).all():       # one pass for the usual case
        return s
    bad = ~np.isfinite(v)
    if bad.any():
        raise ValueError(f"{name}: missing or non-finite price on {s.index[bad][0].date()}")
    nonpos = v <= 0
    if nonpos.any():
        raise ValueError(
            f"{name}: non-positive price {s[nonpos].iloc[0]} on {s.index[nonpos][0].date()}"
        )
    return s


def vols(x, name: str, allow_nan: bool = True) -> pd.Series:
    """A volatility Series in vol points: sorted unique naive dates, no inf, no negative value."""
    s = series(x, name)
    v = s.to_numpy()
    if not allow_nan and np.isnan(v).any():
        raise ValueError(f"{name}: NaN on {s.index[np.isnan(v)][0].date()}")
    if np.isinf(v).any():
        raise ValueError(f"{name}: infinite value on {s.index[np.isinf(v)][0].date()}")
    neg = v < 0
    if neg.any():
        raise ValueError(f"{name}: negative volatility {v[neg][0]} on {s.index[neg][0].date()}")
    return s


def overlap(a: pd.Series, b: pd.Series, name_a: str, name_b: str) -> pd.DatetimeIndex:
    """The dates two series share; an error if they share none (or mix tz-aware and naive)."""
    tza, tzb = getattr(a.index, "tz", None), getattr(b.index, "tz", None)
    if (tza is None) != (tzb is None):
        aware, naive = (name_a, name_b) if tza is not None else (name_b, name_a)
        raise ValueError(
            f"{aware} has a tz-aware index and {naive} a naive one: their dates cannot be compared; "
            "convert with .tz_localize(None)"
        )
    if len(a) == 0 or len(b) == 0:
        raise ValueError(f"{name_a if len(a) == 0 else name_b}: the series is empty")
    common = a.index.intersection(b.index)
    if len(common) == 0:
        raise ValueError(
            f"{name_a} ({a.index[0].date()} to {a.index[-1].date()}) and {name_b} "
            f"({b.index[0].date()} to {b.index[-1].date()}) have no date in common"
        )
    return common


def long_enough(n: int, needed: int, name: str, *, what: str = "prices", window_value: int | None = None,
                window_name: str = "window", detail: str = "") -> None:
    """Raise unless ``n >= needed``: ``window of 63 needs at least 64 prices, got 40``.

    ``detail`` is appended in parentheses (what the shortage means for the caller).
    """
    if n < needed:
        head = f"{window_name} of {window_value}" if window_value is not None else name
        tail = f" ({detail})" if detail else ""
        raise ValueError(f"{name}: {head} needs at least {needed} {what}, got {n}{tail}")


# ---------------------------------------------------------------------------------------
# units


def _finite_values(x) -> np.ndarray:
    """The finite numbers of ``x``; nothing when ``x`` is not numbers (a unit check does not
    judge text or booleans: the type checks of the caller refuse them with their own message)."""
    try:
        a = _float_array(x, "x").ravel()
    except (TypeError, ValueError):
        return np.empty(0)
    return a[np.isfinite(a)]


def vol_points(x, name: str):
    """Check that a volatility is in **vol points** (15.0 for 15 %); return ``x`` unchanged.

    Raises :class:`ValueError` when every finite value is below :data:`DECIMAL_LOOKING_MAX`
    (decimals passed by mistake) or the median is above :data:`PRICE_LEVEL_MIN` (a price
    level passed as a volatility). Zeros alone (a constant-price test) are not judged.
    The finite positive values are judged in place, without copying them (a simulated VIX
    panel holds a million).
    """
    try:
        a = _float_array(x, "x").ravel()
    except (TypeError, ValueError):
        return x                # not numbers: the caller's type checks refuse them
    judged = np.isfinite(a)
    np.logical_and(judged, a > 0, out=judged)
    n = int(np.count_nonzero(judged))
    if n == 0:
        return x
    largest = float(a.max(where=judged, initial=-np.inf))
    if largest < DECIMAL_LOOKING_MAX:
        raise ValueError(
            f"{name}: every value is below {DECIMAL_LOOKING_MAX} (largest {largest:.4g}), which looks like "
            "volatility in decimals (0.15 for 15 %); pass vol points (15.0), i.e. multiply by 100"
        )
    above = int(np.count_nonzero((a > PRICE_LEVEL_MIN) & judged))
    if _median_above(a[judged] if 2 * above == n else None, PRICE_LEVEL_MIN, n, above):
        raise ValueError(
            f"{name}: median {float(np.median(a[judged])):.6g} is above {PRICE_LEVEL_MIN:g}, which looks like "
            "a price level, not a volatility; pass the volatility in vol points (15.0 for 15 %)"
        )
    return x


def _median_above(v, level: float, n: int | None = None, above: int | None = None) -> bool:
    """``np.median(v) > level`` (``v`` 1-D, not empty, no NaN), decided by counting the
    ``above`` of ``n`` values that exceed ``level`` (counted here when not given); the median
    itself is computed only when the count cannot decide (an even number of values with
    exactly half above; then ``v`` must be given). One pass instead of a partition."""
    if n is None or above is None:
        v = np.asarray(v, dtype=float)
        n, above = v.size, int(np.count_nonzero(v > level))
    if 2 * above > n:      # more than half above: the middle value(s) are above
        return True
    if 2 * above < n:      # fewer than half: the middle value(s) are at or below
        return False
    return float(np.median(v)) > level


def decimal_vol(x, name: str):
    """Check that a volatility is in **decimals** (0.15 for 15 %); return ``x`` unchanged.

    Raises :class:`ValueError` when a finite value is above :data:`DECIMAL_VOL_MAX`
    (vol points passed by mistake: 15.0 would be read as 1,500 % a year).
    """
    v = _finite_values(x)
    if v.size and v.max() > DECIMAL_VOL_MAX:
        raise ValueError(
            f"{name}: {v.max():.6g} is above {DECIMAL_VOL_MAX:g} (500 % a year), which looks like vol "
            "points; pass decimals (0.15 for 15 %), i.e. divide by 100"
        )
    return x
