"""Events of the volunteers app that higher apps react to (DESIGN §3: volunteers never imports them).

`volunteers_registered` is sent once per registering transaction (one registration, or every new
volunteer of an import at once), inside that transaction, after the rows are inserted:

    volunteers_registered.send(sender=Volunteer, volunteers=[...])

- `volunteers`: the Volunteer rows just created (`residence_region_id` and `registered_at` set).

Receivers keep their own rollups (reports: registrations per residence region and month) in the
same transaction; an exception raised by a receiver rolls the registration back (`send`, not
`send_robust`). A registration count never has to scan the volunteers table.
"""

from django.dispatch import Signal

volunteers_registered = Signal()
