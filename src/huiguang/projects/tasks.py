"""Background work of projects (django-tasks)."""

from django_tasks import task

from .services.funding import overdue_milestones_notify


@task()
def notify_overdue_milestones() -> int:
    """Tell the mentors and the city admins of the milestones that fell due and are not accepted
    (once per milestone). Daily by cron: `huiguang notify_overdue_milestones` (in-process) or with
    --enqueue for the task worker. Running it twice tells nobody twice."""
    return overdue_milestones_notify()
