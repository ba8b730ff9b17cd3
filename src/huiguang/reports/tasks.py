"""Background work of the reports (django-tasks)."""

from django_tasks import task

from .services.bulletins import bulletin_generate_due


@task()
def generate_monthly_bulletin() -> str:
    """On the 1st of the month: last month's bulletin as a draft for the city admin to review and
    publish. Scheduled by cron daily (`huiguang generate_bulletin`, or with --enqueue): a run when
    the bulletin exists does nothing, so a missed 1st is caught up the next day."""
    bulletin = bulletin_generate_due()
    return f"bulletin {bulletin.month:%Y-%m} generated" if bulletin else "nothing to generate"
