"""The benefits app's forms, one module per area."""
