"""Recruitment drives (招募): targets per unit, a sign-up page and QR per unit."""
