"""The benefits app's .xlsx and PDF builders, one module per area."""
