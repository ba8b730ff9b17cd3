"""Writes about activities, one module per area:

- `fields`: an activity's fields (declared once) and their validation;
- `activities`: create/edit, submit, review, publish, cancel, copy;
- `outcomes`: finish with the outcome, correct it, archive;
- `shifts`: shifts one by one or as a grid, editing and deleting them;
- `photos`: gallery and outcome photos;
- `copies`: an activity copied with its shifts some days later (copies, occurrences);
- `series`: recurring activities: the date rules, generating occurrences;
- `series_edit`: editing the whole series;
- `enrollments`: sign-up, cancellation, waitlist promotion, approval, team sign-up;
- `notices`: what these services tell organizers, reviewers and volunteers.
"""
