"""Events of the network app that higher apps react to (DESIGN §3: network never imports them).

`memberships_changed` is sent inside the transaction of every write that makes memberships active
or ends active ones (an approval, a departure, an organization's first admin, an import):

    memberships_changed.send(sender=Membership, joined=[...], left=[...])

- `joined`: (organization id, joined at) of each membership that became active;
- `left`: (organization id, joined at) of each active membership that stopped being active, with
  the time it had counted from.

"Joined at" is the decision time, else the application time (`Coalesce(decided_at, applied_at)`,
what `selectors.members_by_organization` counts by). A membership whose join time moves is one
`left` and one `joined`. Receivers keep their own rollups (reports: active members per
organization and month of joining) in the same transaction; an exception raised by a receiver
rolls the write back (`send`, not `send_robust`).
"""

from django.dispatch import Signal

memberships_changed = Signal()
