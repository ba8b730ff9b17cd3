"""Pages of recruitment drives."""
