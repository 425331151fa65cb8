"""The bad-input campaign: every public function of every vrp_lib module, one argument
corrupted at a time, must raise a ValueError or TypeError that names the argument.

How it works
------------
* The public functions of a module are the functions and classes (their constructors)
  listed in its ``__all__``; every one of them must have a VALID call in the registry
  ``tests/campaign/<module>.py``: ``CALLS = {"name": (args, kwargs), ...}``. A new
  function without a registry entry fails :func:`test_registry_covers_all`.
* A registry may also declare, per function, which arguments are volatilities and in
  which unit (``VOLS = {"name": {"arg": "points" | "decimal"}}``), and the corruptions
  that are valid input for one argument, with the reason (``VALID = {("name", "arg"):
  {"nan": "NaN marks a missing value, documented and dropped"}}``).
* Each argument of the valid call is corrupted according to its kind (number, switch,
  text, array, dated Series or DataFrame, object): NaN, +inf, -inf, None, empty, wrong
  type, a boolean for a number, a string for a number, a tz-aware index, a duplicated
  date, unsorted dates, a non-date index, a misaligned index with no overlap (when two
  arguments are dated), too short for the window (when the function has one), lengths
  that do not match (when two arrays share a length), wrong units (vol points as decimals
  and as a price level, decimals as vol points). Hypothesis draws where the bad value
  goes (derandomized: every run checks the same calls).
* A corrupted call passes when it raises ``ValueError`` or ``TypeError`` whose message
  contains the argument's name as a word (``t`` inside ``at`` or ``t_near`` does not count). It fails when it returns (a silent number, NaN or inf),
  raises another exception, or raises without naming the argument.

``pytest tests/test_campaign.py -k <module>`` runs one module. ``python tests/test_campaign.py [module ...]``
prints, per module, the number of corrupted calls and every one that failed (function,
argument, corruption, what happened), without stopping at the first.
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
import inspect
import math
import pathlib
import re
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

import vrp_lib

HERE = pathlib.Path(__file__).resolve().parent
REGISTRY_DIR = HERE / "campaign"
LIB_DIR = pathlib.Path(vrp_lib.__file__).resolve().parent
sys.path.insert(0, str(REGISTRY_DIR))

#: Parameter names that make "too short for the window" a meaningful corruption.
WINDOW_PARAMS = {"window", "windows", "block", "horizon", "lags", "max_lag", "jump_window", "days",
                 "trailing_windows", "tenors"}


def _modules() -> list[str]:
    found = {p.stem for p in LIB_DIR.glob("*.py") if not p.stem.startswith("_")}
    return sorted(found | set(vrp_lib.__all__))


MODULES = _modules()


def _registry(module: str):
    path = REGISTRY_DIR / f"{module}.py"
    if not path.exists():
        raise AssertionError(f"no campaign registry {path.relative_to(HERE.parent)} for vrp_lib.{module}")
    spec = importlib.util.spec_from_file_location(f"campaign_registry_{module}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _public(module: str, strict: bool = True) -> dict:
    mod = importlib.import_module(f"vrp_lib.{module}")
    names = getattr(mod, "__all__", None)
    if names is None and not strict:  # the human report on a module still without __all__
        names = [n for n, o in vars(mod).items() if not n.startswith("_") and getattr(o, "__module__", "") == mod.__name__]
    assert names is not None, f"vrp_lib.{module} has no __all__"
    return {n: getattr(mod, n) for n in names if inspect.isfunction(getattr(mod, n)) or inspect.isclass(getattr(mod, n))}


# ---------------------------------------------------------------------------------------
# corruptions


def _is_dated(v) -> bool:
    return isinstance(v, (pd.Series, pd.DataFrame)) and isinstance(v.index, pd.DatetimeIndex)


def _is_number(v) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))


def _is_numeric_seq(v) -> bool:
    if isinstance(v, np.ndarray):
        return v.dtype.kind in "iufc" and v.size > 0
    if isinstance(v, (list, tuple)) and len(v) > 0:
        return all(_is_number(x) for x in v)
    return False


def _with(v, i, value):
    """A copy of a numeric sequence/array with the flat element i set to value."""
    a = np.array(v, dtype=complex if np.iscomplexobj(v) else float)
    a.flat[i] = value
    if isinstance(v, list):
        return a.tolist()
    if isinstance(v, tuple):
        return tuple(a.tolist())
    return a


def _numeric_columns(v) -> list:
    """Positions of the numeric (not boolean) columns of a DataFrame."""
    return [j for j, dt in enumerate(v.dtypes) if dt.kind in "iuf"]


def _is_numeric_dated(v) -> bool:
    if isinstance(v, pd.DataFrame):
        return bool(_numeric_columns(v))
    return v.dtype.kind in "iuf"


def _dated_with(v, i, value):
    """A copy of a dated Series/DataFrame with one numeric cell set to value."""
    out = v.copy()
    if isinstance(out, pd.DataFrame):
        cols = _numeric_columns(out)
        j = cols[(i // len(out)) % len(cols)]
        col = out.columns[j]
        out[col] = out[col].astype(float)
        out.iloc[i % len(out), j] = value
    else:
        out = out.astype(float)
        out.iloc[i] = value
    return out


def _dated_missing(v, i):
    """A non-numeric dated Series (labels, flags) with one value missing."""
    out = v.astype(object).copy()
    out.iloc[i % len(out)] = None
    return out


def corruptions(name, v, default, ctx, draw):
    """(label, corrupted value) pairs for one argument."""
    out = []
    none_ok = default is None
    if isinstance(v, (bool, np.bool_)):
        out += [("string 'False' for a switch", "False"), ("integer 1 for a switch", 1)]
        if not none_ok:
            out.append(("None", None))
    elif _is_number(v):
        out += [("NaN", float("nan")), ("inf", float("inf")), ("-inf", float("-inf")),
                ("bool for number", True), ("string for number", str(v))]
        if not none_ok:
            out.append(("None", None))
    elif isinstance(v, str):
        out += [("number for text", 1.5), ("unknown option", "no-such-option")]
        if not none_ok:
            out.append(("None", None))
    elif _is_dated(v):
        n = len(v)
        size = v.size
        i = draw(size)
        if _is_numeric_dated(v):
            out += [("NaN", _dated_with(v, i, np.nan)), ("inf", _dated_with(v, i, np.inf)),
                    ("-inf", _dated_with(v, i, -np.inf))]
        else:
            out.append(("missing value", _dated_missing(v, i)))
        out += [
            ("empty", v.iloc[:0]), ("string", "abc"),
            ("tz-aware index", v.tz_localize("UTC")),
            ("non-date index", v.reset_index(drop=True)),
        ]
        if not none_ok:
            out.append(("None", None))
        if n >= 2:
            j = draw(n - 1)
            out.append(("duplicated date", pd.concat([v.iloc[: j + 1], v.iloc[j: j + 1], v.iloc[j + 1:]])))
            out.append(("unsorted dates", v.iloc[::-1]))
        if ctx["n_dated"] >= 2:
            last = max(x.index[-1] for x in ctx["dated"])
            shifted = v.copy()
            shifted.index = pd.bdate_range(last + pd.Timedelta(days=30), periods=n, name=v.index.name)
            out.append(("no overlap", shifted))
        if ctx["windowed"] and n > 2:
            out.append(("too short", v.iloc[:2]))
        if isinstance(v, pd.Series) and v.dtype.kind in "iuf":
            out.append(("booleans for numbers", v.astype(float) > v.astype(float).median()))
        if isinstance(v, pd.Series) and v.dtype.kind == "b":
            out.append(("strings for booleans", v.map({True: "yes", False: "no"})))
    elif isinstance(v, pd.DatetimeIndex):
        n = len(v)
        out += [("empty", v[:0]), ("string", "abc"), ("tz-aware index", v.tz_localize("UTC"))]
        if not none_ok:
            out.append(("None", None))
        if n >= 2:
            j = draw(n - 1)
            out += [("duplicated date", v[: j + 1].append(v[j: j + 1]).append(v[j + 1:])),
                    ("unsorted dates", v[::-1])]
    elif isinstance(v, np.ndarray) and v.dtype == bool and v.size > 0:
        i = draw(v.size)
        nan = v.astype(float)
        nan.flat[i] = np.nan
        out += [("NaN in a mask", nan), ("strings for booleans", np.where(v, "yes", "no")),
                ("empty", v[:0]), ("string", "abc")]
        if not none_ok:
            out.append(("None", None))
        if v.ndim >= 1 and len(v) >= 3 and ctx["lengths"].get(len(v), 0) >= 2:
            out.append(("length mismatch", v[:-1]))
    elif _is_numeric_seq(v):
        a = np.asarray(v).real.astype(float)
        i = draw(a.size)
        out += [("NaN", _with(v, i, np.nan)), ("inf", _with(v, i, np.inf)), ("-inf", _with(v, i, -np.inf)),
                ("empty", type(v)() if isinstance(v, (list, tuple)) else np.array([])), ("string", "abc"),
                ("booleans for numbers", np.asarray(a > np.median(a)) if a.ndim else True)]
        if not none_ok:
            out.append(("None", None))
        if a.ndim >= 1 and len(a) >= 3 and ctx["lengths"].get(len(a), 0) >= 2:
            out.append(("length mismatch", v[:-1]))
    elif isinstance(v, dict):
        out += [("empty dict", {}), ("string", "abc")]
        if not none_ok:
            out.append(("None", None))
    elif v is None:
        pass
    elif isinstance(v, pd.Timestamp):
        out += [("NaT", pd.NaT), ("date outside the data", pd.Timestamp("2199-01-01")), ("string", "not-a-date")]
        if not none_ok:
            out.append(("None", None))
    elif isinstance(v, pathlib.Path):
        out += [("number for a path", 12345)]
    else:  # objects: parameter sets, figures, fitted models
        out += [("string", "abc"), ("number", 1.5)]
        if not none_ok:
            out.append(("None", None))
    unit = ctx["vols"].get(name)
    if unit == "points":
        out += [("decimals for vol points", _scale(v, 0.01)), ("price level for vol points", _scale(v, 100.0))]
    elif unit == "decimal":
        out += [("vol points for decimals", _scale(v, 100.0))]
    return out


def _scale(v, k):
    if isinstance(v, (pd.Series, pd.DataFrame)):
        return v * k
    if isinstance(v, list):
        return [x * k for x in v]
    if isinstance(v, tuple):
        return tuple(x * k for x in v)
    return np.asarray(v, dtype=float) * k if isinstance(v, np.ndarray) else float(v) * k


# ---------------------------------------------------------------------------------------
# running


def _bind(fn, args, kwargs):
    sig = inspect.signature(fn)
    ba = sig.bind(*args, **kwargs)
    pos, kw, defaults = [], {}, {}
    for p in sig.parameters.values():
        if p.name not in ba.arguments:
            continue
        val = ba.arguments[p.name]
        if p.kind is p.POSITIONAL_ONLY:
            pos.append(val)
        elif p.kind is p.VAR_POSITIONAL:
            pos.extend(val)
        elif p.kind is p.VAR_KEYWORD:
            kw.update(val)
            defaults.update({k: inspect.Parameter.empty for k in val})
        else:
            kw[p.name] = val
            defaults[p.name] = p.default
    return pos, kw, defaults


def _call(fn, pos, kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            return fn(*pos, **kw)


def _close(result):
    import matplotlib.pyplot as plt

    figs = [r for r in (result if isinstance(result, tuple) else (result,)) if hasattr(r, "savefig")]
    for f in figs:
        plt.close(f)


def _describe(result) -> str:
    if isinstance(result, (float, np.floating)):
        return f"returned {float(result)!r}"
    if isinstance(result, (pd.Series, pd.DataFrame, np.ndarray)):
        a = np.asarray(result.to_numpy() if hasattr(result, "to_numpy") else result)
        try:
            nan = int(np.isnan(a if np.iscomplexobj(a) else a.astype(float)).sum())
        except (TypeError, ValueError):
            nan = 0
        return f"returned a {type(result).__name__} of shape {a.shape} ({nan} NaN)"
    text = repr(result)
    return f"returned {text[:60]}"


def _names(message: str, arg: str) -> bool:
    """Whether the message names the argument as a word: ``t`` is not found inside ``at`` or
    ``t_near``; a prefixed name such as ``put_moneyness`` names ``moneyness``."""
    return re.search(rf"(?<![A-Za-z0-9]){re.escape(arg)}(?![A-Za-z0-9_])", message) is not None


def run_module(module: str, draw, *, limit: int | None = None, strict: bool = True) -> dict:
    """Run the campaign on one module; return the tallies and the failures."""
    reg = _registry(module)
    calls = reg.CALLS
    vols = getattr(reg, "VOLS", {})
    valid = getattr(reg, "VALID", {})
    report = {"calls": 0, "ok": 0, "failures": []}
    for fname, fn in _public(module, strict).items():
        if fname not in calls:
            report["failures"].append((fname, "-", "-", f"no entry in tests/campaign/{module}.py"))
            continue
        args, kwargs = calls[fname]
        pos, kw, defaults = _bind(fn, args, kwargs)
        try:
            _close(_call(fn, pos, kw))
        except Exception as exc:  # a registry that rots must say so
            raise AssertionError(f"{module}.{fname}: the registry's valid call raised {type(exc).__name__}: {exc}")
        dated = [v for v in kw.values() if _is_dated(v)]
        lengths = {}
        for v in kw.values():
            if (_is_numeric_seq(v) or (isinstance(v, np.ndarray) and v.dtype == bool)) and np.ndim(v) >= 1:
                lengths[len(v)] = lengths.get(len(v), 0) + 1
        params = set(inspect.signature(fn).parameters) | set(kw)
        ctx = {"dated": dated, "n_dated": len(dated), "lengths": lengths, "vols": vols.get(fname, {}),
               "windowed": bool(params & WINDOW_PARAMS)}
        for arg, v in kw.items():
            allowed = valid.get((fname, arg), {})
            for label, bad in corruptions(arg, v, defaults.get(arg, inspect.Parameter.empty), ctx, draw):
                if label in allowed:
                    continue
                report["calls"] += 1
                trial = dict(kw)
                trial[arg] = bad
                try:
                    result = _call(fn, pos, trial)
                except (ValueError, TypeError) as exc:
                    if _names(str(exc), arg):
                        report["ok"] += 1
                    else:
                        report["failures"].append((fname, arg, label, f"{type(exc).__name__} not naming "
                                                   f"{arg!r}: {str(exc)[:120]}"))
                except Exception as exc:  # noqa: BLE001 - the campaign records every kind
                    report["failures"].append((fname, arg, label, f"{type(exc).__name__}: {str(exc)[:120]}"))
                else:
                    _close(result)
                    report["failures"].append((fname, arg, label, f"silent: {_describe(result)}"))
                if limit is not None and len(report["failures"]) >= limit:
                    return report
    return report


def format_failures(module: str, report: dict) -> str:
    lines = [f"vrp_lib.{module}: {len(report['failures'])} of {report['calls']} corrupted calls "
             "did not raise a clear error naming the argument:"]
    lines += [f"  {f}({a}=<{label}>): {what}" for f, a, label, what in report["failures"]]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------
# tests


@pytest.mark.parametrize("module", MODULES)
def test_registry_covers_all(module):
    """Every public name has a valid call in the registry, and the registry names no ghost."""
    public = _public(module)
    calls = _registry(module).CALLS
    missing = sorted(set(public) - set(calls))
    extra = sorted(set(calls) - set(public))
    assert not missing, f"vrp_lib.{module}: no campaign entry for {missing} in tests/campaign/{module}.py"
    assert not extra, f"tests/campaign/{module}.py has entries for names not in __all__: {extra}"


@pytest.mark.parametrize("module", MODULES)
def test_campaign(module):
    """Zero silent results: every corrupted call raises a clear error naming its argument."""

    reports = []

    @settings(max_examples=3, derandomize=True, deadline=None, phases=[Phase.explicit, Phase.generate],
              database=None)
    @given(data=st.data())
    def campaign(data):
        reports.append(run_module(module, lambda n: data.draw(st.integers(0, n - 1))))

    campaign()
    failures = [r for r in reports if r["failures"]]
    assert not failures, format_failures(module, failures[0])
    print(f"vrp_lib.{module}: {reports[0]['calls']} corrupted calls per example, all raised a clear error")


def _main():  # pragma: no cover - a report for humans: python tests/test_campaign.py [modules]
    import random

    rng = random.Random(0)
    for m in sys.argv[1:] or MODULES:
        try:
            rep = run_module(m, lambda n: rng.randrange(n), strict=False)
        except AssertionError as exc:
            print(f"vrp_lib.{m}: {exc}")
            continue
        bad = len(rep["failures"])
        print(f"vrp_lib.{m}: {rep['calls']} corrupted calls, {rep['ok']} clear errors, {bad} failures")
        for f, a, label, what in rep["failures"]:
            print(f"    {f}({a}=<{label}>): {what}")


if __name__ == "__main__":  # pragma: no cover
    _main()
