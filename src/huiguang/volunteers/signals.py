"""Events of the volunteers app that higher apps react to (DESIGN §3: volunteers never imports them).

`volunteers_registered` is sent once per registering transaction (one registration, or every new
volunteer of an import at once), inside that transaction, after the rows are inserted:

    volunteers_registered.send(sender=Volunteer, volunteers=[...])

- `volunteers`: the Volunteer rows just created, or `Registered` tuples for them (an import sends
  10,000 at once: building model instances only to carry two fields cost a fifth of the import);
  receivers read `residence_region_id` and `registered_at` only.

Receivers keep their own rollups (reports: registrations per residence region and month) in the
same transaction; an exception raised by a receiver rolls the registration back (`send`, not
`send_robust`). A registration count never has to scan the volunteers table.
"""

import datetime as dt
from typing import NamedTuple

from django.dispatch import Signal

volunteers_registered = Signal()


class Registered(NamedTuple):
    residence_region_id: int
    registered_at: dt.datetime
