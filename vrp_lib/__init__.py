"""vrp_lib: the helper library of the executable book *The Volatility Risk Premium*.

One module per idea:

* :mod:`vrp_lib.realized` - realized volatility (close-to-close, forward and trailing,
  range-based estimators).
* :mod:`vrp_lib.implied` - Black-Scholes, implied-volatility inversion, the Cboe VIX method.
* :mod:`vrp_lib.premium` - the practical VRP, ``IV_t - RV_{t,t+T}``, and its summaries.
* :mod:`vrp_lib.ledger` - the premium's ledger: horizon and day count, the log-contract
  (jump) wedge, the Jensen part and what remains, the risk premium.
* :mod:`vrp_lib.predictability` - what the premium predicts: Mincer-Zarnowitz regressions,
  return regressions on the variance premium with overlapping-horizon errors, out-of-sample R^2.
* :mod:`vrp_lib.swaps` - variance-swap notionals, settlement, mark-to-market, replication.
* :mod:`vrp_lib.data` - loaders for the real market data embedded in ``data/``.
* :mod:`vrp_lib.claims` - a chapter's named claims: asserted on the embedded data, recorded
  (holds / no longer holds, with the numbers) on refreshed data for the claims page.
* :mod:`vrp_lib.refresh` - today's data fetched on the reader's own machine (``make
  refresh``), checked against the embedded files; never committed. Imported on first use
  (``from vrp_lib import refresh``), not by ``import vrp_lib``.
* :mod:`vrp_lib.plotting` - the book's figure style.
* :mod:`vrp_lib.tables` - numbers and tables for the page: formatted text, rounded glue
  values, "value (SE)" strings and styled tables with fixed HTML ids.
* :mod:`vrp_lib.bates` - the model world: the Bates model (stochastic volatility with jumps)
  under P and Q: expected variance, the variance premium, option prices.
* :mod:`vrp_lib.simulation` - simulated model-world paths under P, priced under Q.
* :mod:`vrp_lib.calibration` - the model world fitted to the S&P 500 and the VIX target.
* :mod:`vrp_lib.models` - the model world's former single module: re-exports the three above.
* :mod:`vrp_lib.forecast` - physical variance forecasts (HAR-RV, GARCH).
* :mod:`vrp_lib.correlation` - realized and implied correlation of index members.
* :mod:`vrp_lib.smile` - an implied-volatility smile consistent with the VIX (options are
  priced off it, never at the VIX itself).
* :mod:`vrp_lib.strategies` - short-volatility strategies with costs and filters.
* :mod:`vrp_lib.regimes` - the premium by regime, crisis onsets, negative spells, roll
  calendars and the regime-filter grid judged with a multiple-testing correction.
* :mod:`vrp_lib.risk` - risk and performance measures.
* :mod:`vrp_lib.bands` - specification bands: a verdict over the analyst's defensible choices
  (roll calendars), headlined by its robust figure.
* :mod:`vrp_lib.onsets` - crisis onsets found by a rule stated before the result.
* :mod:`vrp_lib.margin` - inside a roll: daily mark-to-market, margin and surviving capital.
* :mod:`vrp_lib.exercises` - self-checking exercises: ``check("4.1", answer)``.
* :mod:`vrp_lib.bootstrap` - moving-block bootstrap standard errors for dependent data.

Units: volatility is annualized, in vol points (15.5 means 15.5 %), unless a function
says otherwise (the option-pricing functions in :mod:`vrp_lib.implied` use decimals).
"""

import importlib

__all__ = [
    "bands", "bates", "bootstrap", "calibration", "claims", "correlation", "data", "exercises", "forecast",
    "implied", "ledger", "margin", "models", "onsets", "plotting", "predictability", "premium", "realized",
    "regimes", "risk", "simulation", "smile", "strategies", "swaps", "tables",
]
__version__ = "0.1.0"


def __getattr__(name: str):
    """Each module is imported when first used (``vrp_lib.premium``, ``from vrp_lib import
    premium``), not by ``import vrp_lib``: a chapter pays only for the modules it uses."""
    if name in __all__ or name == "refresh":
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
