"""Background work of the ledger (django-tasks)."""

import datetime as dt

from django.utils import timezone
from django_tasks import task

from .models import LedgerSeal
from .seal import seal_day


@task()
def seal_yesterday() -> str:
    """Seal yesterday's ledger (cron shortly after midnight: `huiguang seal_ledger`, or enqueue this
    task). A second run finds the seal and does nothing."""
    day = timezone.localdate() - dt.timedelta(days=1)
    if LedgerSeal.objects.filter(day=day).exists():
        return f"{day}: already sealed"
    seal = seal_day(day)
    return f"{day}: {seal.records} records, {seal.chains} chains"
