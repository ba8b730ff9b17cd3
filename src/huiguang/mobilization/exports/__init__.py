"""The mobilization app's .xlsx builders, one module per area."""
