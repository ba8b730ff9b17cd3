"""Writes about activities, one module per area:

- `enrollments`: sign-up, cancellation, waitlist promotion, approval, team sign-up;
- `lifecycle`: create/edit, submit, review, publish, cancel, finish, copy, shifts, photos;
- `series`: recurring activities and their occurrences.
"""
