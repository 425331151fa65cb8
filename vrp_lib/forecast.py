"""Physical variance forecasts: HAR-RV and GARCH-family (issue: variance form).

Placeholder: filled by its issue."""
