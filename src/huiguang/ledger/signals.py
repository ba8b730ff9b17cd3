"""Events of the ledger that higher apps react to (DESIGN §3: the ledger never imports them).

`records_confirmed` is sent once per confirming transaction, after every record of it is chained
and before the transaction puts them under a seal, with synchronous receivers inside that
transaction:

    records_confirmed.send(sender=ServiceRecord, records=[...], stars={record_id: (old, new)})

- `records`: the ServiceRecord rows just confirmed (status, chain fields and `organization` set in
  memory; a reversal or a correction is a confirmed row too, a reversal with negative minutes);
- `record_ids` (only from a bulk write that builds no model instances, the history import; then
  `records` is empty): the ids of the records just confirmed, which the receivers read from the
  database, in the same transaction (their rows are inserted already);
- `stars`: for each record whose confirmation raised its volunteer's star, (star before, after).

Receivers keep their own rollups (reports) and must not lock a volunteer's chain head: every head
of the transaction is already taken when the signal is sent, so a receiver's locks come after
them, in the same order in every transaction (docs/locking.md). An exception raised by a receiver
rolls the confirmation back (the signal is sent with `send`, not `send_robust`).
"""

from django.dispatch import Signal

records_confirmed = Signal()
