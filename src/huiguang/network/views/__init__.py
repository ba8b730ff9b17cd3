"""Pages of the network, one module per area: the public directory and a volunteer's memberships
(`public`), the console (`console_regions`, `console_orgs`, `console_sites`, `console_memberships`)
and the roles console (`grants`).

Objects outside the user's scope answer 404 (never 403); pages that change something fetch
their object through a "managed by" selector, so read-only roles get 404 there too.
"""
