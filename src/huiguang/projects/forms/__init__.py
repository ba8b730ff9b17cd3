"""The project app's forms, one module per area."""
