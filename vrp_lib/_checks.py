"""Input checks shared by every module.

Each check raises :class:`ValueError` with a message that names the argument and
what is wrong with it, so that bad input never turns into a silent wrong number.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def series(x, name: str) -> pd.Series:
    """Return ``x`` as a float Series with a sorted, unique DatetimeIndex.

    Raises
    ------
    ValueError
        If ``x`` is not a Series with a DatetimeIndex, is empty, or its dates are
        unsorted or duplicated.
    """
    if isinstance(x, pd.DataFrame):
        if x.shape[1] != 1:
            raise ValueError(
                f"{name}: expected a Series (or a one-column DataFrame), got a DataFrame "
                f"with columns {list(x.columns)}"
            )
        x = x.iloc[:, 0]
    if not isinstance(x, pd.Series):
        raise ValueError(f"{name}: expected a pandas Series with a DatetimeIndex, got {type(x).__name__}")
    if not isinstance(x.index, pd.DatetimeIndex):
        raise ValueError(f"{name}: the index must be a DatetimeIndex, got {type(x.index).__name__}")
    if len(x) == 0:
        raise ValueError(f"{name}: the series is empty")
    if x.index.has_duplicates:
        dup = x.index[x.index.duplicated()][0]
        raise ValueError(f"{name}: duplicate date {dup.date()} in the index")
    if not x.index.is_monotonic_increasing:
        raise ValueError(f"{name}: dates are not sorted in increasing order")
    try:
        return x.astype(float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}: values must be numeric ({exc})") from None


def prices(x, name: str = "prices") -> pd.Series:
    """A price Series: sorted unique dates, finite and strictly positive values."""
    s = series(x, name)
    bad = ~np.isfinite(s.to_numpy())
    if bad.any():
        raise ValueError(f"{name}: missing or non-finite price on {s.index[bad][0].date()}")
    nonpos = s.to_numpy() <= 0
    if nonpos.any():
        raise ValueError(
            f"{name}: non-positive price {s[nonpos].iloc[0]} on {s.index[nonpos][0].date()}"
        )
    return s


def vols(x, name: str, allow_nan: bool = True) -> pd.Series:
    """A volatility Series in vol points: sorted unique dates, no negative values."""
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


def window(w, name: str = "window") -> int:
    """A window length in observations: an integer of at least 1."""
    if isinstance(w, bool) or not isinstance(w, (int, np.integer)):
        raise ValueError(f"{name} must be an integer number of observations, got {w!r}")
    if w < 1:
        raise ValueError(f"{name} must be at least 1, got {w}")
    return int(w)


def positive(x, name: str) -> float:
    """A strictly positive finite scalar."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {x!r}") from None
    if not np.isfinite(v) or v <= 0:
        raise ValueError(f"{name} must be positive and finite, got {x!r}")
    return v


def finite(x, name: str) -> float:
    """A finite scalar."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {x!r}") from None
    if not np.isfinite(v):
        raise ValueError(f"{name} must be finite, got {x!r}")
    return v


def nonneg_array(x, name: str) -> np.ndarray:
    """A float array with no NaN and no negative entry."""
    a = np.asarray(x, dtype=float)
    if np.isnan(a).any():
        raise ValueError(f"{name}: contains NaN")
    if (a < 0).any():
        raise ValueError(f"{name}: contains a negative value ({a[a < 0].flat[0]})")
    return a


def overlap(a: pd.Series, b: pd.Series, name_a: str, name_b: str) -> pd.DatetimeIndex:
    """The dates two series share; an error if they share none."""
    common = a.index.intersection(b.index)
    if len(common) == 0:
        raise ValueError(
            f"{name_a} ({a.index[0].date()} to {a.index[-1].date()}) and {name_b} "
            f"({b.index[0].date()} to {b.index[-1].date()}) have no date in common"
        )
    return common
