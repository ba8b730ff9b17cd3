"""The ledger's pages, one module per area (urls.py lists them in the same areas):

- `records`: the console's pending records, records for a period, the star policy, the public key;
- `hours`: my hours, a volunteer's hours in the console, the .xlsx exports;
- `corrections`: disputes, ratings, make-up requests (补录);
- `certificates`: requests, the issuer's queue, the PDF, public verification;
- `seals`: the public list of seals.
"""
