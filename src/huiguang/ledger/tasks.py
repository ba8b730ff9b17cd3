"""Background work of the ledger (django-tasks)."""

from django_tasks import task

from .services.sealing import seal_unsealed


@task()
def seal_hourly() -> str:
    """The safety net behind the seal each confirmation makes: seal confirmed records that are
    under no seal (cron every hour: `huiguang seal_ledger`, or enqueue this task). A run with
    nothing to seal makes no seal."""
    seals = seal_unsealed()
    if not seals:
        return "nothing to seal"
    return f"{len(seals)} seal(s), up to #{seals[-1].sequence}: {seals[-1].records} records"
