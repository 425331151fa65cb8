"""Short-volatility strategies with costs, sizing and regime filters (issue: regimes, asset classes, institutional use).

Placeholder: filled by its issue."""
