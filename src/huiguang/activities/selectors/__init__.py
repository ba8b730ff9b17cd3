"""Reads about activities: `public` (who sees what, the list, an activity's page), `search` (the
list's filters), `mine` (a volunteer's shifts, activities, calendar), `enrollments` (sign-up
look-ups shared by web and API) and `console` (organizers)."""
