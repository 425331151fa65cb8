"""Risk and performance measures (issue: regimes, asset classes, institutional use).

Placeholder: filled by its issue."""
