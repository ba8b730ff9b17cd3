"""The credit app's pages, one module per area."""
