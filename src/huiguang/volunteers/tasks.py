"""Background work of volunteers (django-tasks)."""

from django_tasks import task

from .importing.storage import purge_expired


@task()
def purge_import_files() -> dict:
    """Delete uploaded import files (full ID numbers) older than HUIGUANG_IMPORT_FILE_TTL_HOURS:
    those of batches nobody confirmed. Safe to run as often as wanted and twice at once.
    Scheduled by cron: `huiguang purge_import_files` every hour, or with --enqueue."""
    return {"deleted": purge_expired()}
