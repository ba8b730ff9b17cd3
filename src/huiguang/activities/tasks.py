"""Background work of activities (django-tasks)."""

from django_tasks import task

from . import reminders
from .services.training import qualification_expiry_reminders


@task()
def send_due_reminders() -> int:
    """Send the reminders owed now (24 h / 2 h before each confirmed shift); returns how many.

    Safe to run as often as wanted and twice at once: each reminder is sent once (dedupe key).
    Scheduled by cron: `huiguang send_reminders` every 10 minutes (runs it in-process), or
    `huiguang send_reminders --enqueue` to hand it to the task worker.
    """
    return reminders.send_due_reminders()


@task()
def send_qualification_reminders() -> int:
    """Daily: tell holders of qualifications expiring within 30 days, with the next sessions of the
    course that renews them; each expiry is told once (dedupe key). Cron: `huiguang
    send_qualification_reminders` once a day."""
    return qualification_expiry_reminders()
