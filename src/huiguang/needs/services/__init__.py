"""Writes of the needs app, one module per area:

- `residents`: the SMS phone code and a resident's sign-up;
- `requests`: post, review (accept, merge, decline), dispatch or open, take or assign (guarded),
  close with notes and photos;
- `ratings`: the one-time rating link (sent by SMS), the rating, chasing overdue and unrated requests;
- `texts`: the SMS texts and notices these services send.
"""
