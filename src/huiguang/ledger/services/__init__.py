"""Writes about the ledger, one module per area:

- `records`: records from attendance, confirmation and rejection, appended rows;
- `rules`: the overlap rule, the daily cap, the counted window;
- `chaining`: the hash chain, rollups and star of a confirmed record;
- `stars`: star levels and the city's star policy;
- `rollups`: the rollups rebuilt from the ledger;
- `corrections`: make-up hours, disputes (reversal + corrected row), evaluations;
- `certificates`: requests, issuing from the issuer's register, revocation.
- `sealing`: the chain of seals (a seal per confirming transaction, the hourly safety net).
"""
