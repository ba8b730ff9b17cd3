"""Writes about the ledger, one module per area:

- `records`: records from attendance, confirmation and rejection, the hash chain, rollups, stars;
- `corrections`: make-up hours, disputes (reversal + corrected row), evaluations;
- `certificates`: requests, issuing from the issuer's register, revocation.
"""
