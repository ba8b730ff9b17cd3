"""Reads of the ledger, one module per area (the same areas as views/ and services/):

- `records`: a volunteer's records, the console's lists, exports;
- `hours`: a volunteer's totals and star, the star policy;
- `corrections`: make-up requests, disputes, ratings;
- `certificates`: certificates and the hours they state;
- `seals`: the public chain of seals.
"""
