"""Reads of the needs app, scoped to the user: `requests` (residents' requests and their ratings)."""
