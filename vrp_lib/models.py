"""Model world: a Bates (Heston with jumps) stochastic-volatility model under P and Q (issue: variance form).

Placeholder: filled by its issue."""
