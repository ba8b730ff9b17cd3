"""Background work of campaigns (django-tasks): recruits who passed the induction course since the
last look become trained (no signal tells mobilization when training grants a qualification, so
this runs after sessions' results, nightly, and whenever the board is opened)."""

from django_tasks import task

from .models.campaigns import Campaign
from .services.campaigns import recruits_refresh_trained


def refresh_all_campaigns() -> int:
    """Refresh every campaign still running; returns how many recruits became trained."""
    moved = 0
    for campaign in Campaign.objects.exclude(status=Campaign.Status.ENDED).filter(course__isnull=False):
        moved += recruits_refresh_trained(campaign=campaign)
    return moved


@task()
def campaign_refresh_trained() -> int:
    return refresh_all_campaigns()
