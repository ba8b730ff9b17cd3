"""The benefits pages, one module per area (urls.py lists them in the same areas):

- `partners`: the city's partner register, staff accounts and offers (console);
- `offers`: the volunteer's offers with their reasons, claims, codes and the stores' map;
- `redeem`: the partner's own pages, the clerk's code page;
- `stats`: statistics for a partner's manager and for the city, with .xlsx exports;
- `consent`: "who can see my data", the volunteer's consents and the partners' reads;
- `loans`: 志愿贷 products, referrals with signed attestations, the bank officer's pages;
- `points`: school-admission points policies, applications, the education officer's pages.
"""
