"""Background work of attendance (django-tasks)."""

from django_tasks import task

from . import services


@task()
def close_attendance() -> dict:
    """After shifts end: close forgotten check-outs at the shift end as pending records (source
    auto, with a note) and mark confirmed people who never checked in as no-shows.

    Safe to run as often as wanted and twice at once (derived idempotency keys; one guarded
    UPDATE). Scheduled by cron: `huiguang close_attendance` every 10 minutes, or with --enqueue.
    """
    closed = services.close_forgotten_checkouts()
    no_shows = services.mark_no_shows()
    return {"closed": closed, "no_shows": no_shows}
