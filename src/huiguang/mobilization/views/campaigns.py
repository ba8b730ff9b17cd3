"""Pages of rapid mobilization campaigns."""
