"""Reads of rapid mobilization campaigns: scoped (permissions.py), counted in SQL."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone

from huiguang.activities.models import Activity, Enrollment, Shift
from huiguang.activities.rules import shifts_organized_by
from huiguang.core.selectors import get_or_404
from huiguang.network.models import Region
from huiguang.notifications.models import Delivery, Notification

from .. import permissions as perms
from ..models.campaigns import Campaign, CampaignBlast, Recruit

Stage = Recruit.Stage
# The funnel: each stage counts the recruits who reached it (a deployed recruit was screened and
# trained too); rejected recruits count as recruited only.
FUNNEL = {
    "recruited": [Stage.RECRUITED, Stage.SCREENED, Stage.REJECTED, Stage.TRAINED, Stage.DEPLOYED],
    "screened": [Stage.SCREENED, Stage.TRAINED, Stage.DEPLOYED],
    "trained": [Stage.TRAINED, Stage.DEPLOYED],
    "deployed": [Stage.DEPLOYED],
}


def campaign_list_for(user) -> QuerySet[Campaign]:
    q = perms.campaigns_visible_q(user)
    if q is None:
        return Campaign.objects.none()
    return (
        Campaign.objects.filter(q)
        .select_related("region", "course")
        .annotate(
            n_recruits=Count("recruits"),
            n_deployed=Count("recruits", filter=Q(recruits__stage=Stage.DEPLOYED)),
        )
        .order_by("-created_at", "-pk")
    )


def campaign_get_for(user, pk) -> Campaign:
    q = perms.campaigns_visible_q(user)
    if q is None:
        raise Http404
    return get_or_404(Campaign.objects.filter(q).select_related("region", "course", "course__grants"), pk)


def campaign_managed_get(user, pk) -> Campaign:
    q = perms.campaigns_managed_q(user)
    if q is None:
        raise Http404
    return get_or_404(Campaign.objects.filter(q).select_related("region", "course", "course__grants"), pk)


def may_manage(user, campaign: Campaign) -> bool:
    q = perms.campaigns_managed_q(user)
    return q is not None and Campaign.objects.filter(q, pk=campaign.pk).exists()


def campaign_public_get(pk) -> Campaign:
    """A campaign the public may see (not a draft)."""
    return get_or_404(
        Campaign.objects.exclude(status=Campaign.Status.DRAFT)
        .select_related("region", "course")
        .prefetch_related("questions"),
        pk,
    )


def recruit_list(
    campaign: Campaign, *, stage: str = "", town_id: int | None = None, review: bool = False, q: str = ""
) -> QuerySet[Recruit]:
    qs = Recruit.objects.filter(campaign=campaign).select_related(
        "volunteer", "volunteer__user", "town", "shift", "shift__activity"
    )
    if stage:
        qs = qs.filter(stage=stage)
    if town_id:
        qs = qs.filter(town_id=town_id)
    if review:
        qs = qs.filter(stage=Stage.RECRUITED)
    if q:
        qs = qs.filter(Q(volunteer__real_name__icontains=q) | Q(volunteer__volunteer_number__icontains=q))
    return qs.order_by("joined_at", "pk")


def recruit_of(campaign: Campaign, volunteer) -> Recruit | None:
    if volunteer is None:
        return None
    return Recruit.objects.filter(campaign=campaign, volunteer=volunteer).first()


def campaign_funnel(campaign: Campaign) -> list[dict]:
    """[{stage, label, target, actual}] for recruited → screened → trained → deployed, plus the
    rejected and those waiting for a review, from one GROUP BY."""
    by_stage = dict(
        Recruit.objects.filter(campaign=campaign).values_list("stage").annotate(n=Count("pk")).order_by()
    )
    labels = dict(Stage.choices)
    rows = [
        {
            "stage": name,
            "label": str(labels[name]),
            "target": getattr(campaign, f"target_{name}"),
            "actual": sum(by_stage.get(s, 0) for s in stages),
        }
        for name, stages in FUNNEL.items()
    ]
    rows.append(
        {
            "stage": "rejected",
            "label": str(labels[Stage.REJECTED]),
            "target": None,
            "actual": by_stage.get(Stage.REJECTED, 0),
        }
    )
    return rows


def campaign_by_town(campaign: Campaign) -> list[dict]:
    """[{town_id, town, recruited, screened, trained, deployed}] per town, in one query."""
    rows = (
        Recruit.objects.filter(campaign=campaign)
        .values("town_id", "town__name")
        .annotate(
            recruited=Count("pk"),
            screened=Count("pk", filter=Q(stage__in=FUNNEL["screened"])),
            trained=Count("pk", filter=Q(stage__in=FUNNEL["trained"])),
            deployed=Count("pk", filter=Q(stage=Stage.DEPLOYED)),
        )
        .order_by("-recruited", "town__name")
    )
    return [
        {
            "town_id": r["town_id"],
            "town": r["town__name"] or "—",
            "recruited": r["recruited"],
            "screened": r["screened"],
            "trained": r["trained"],
            "deployed": r["deployed"],
        }
        for r in rows
    ]


def campaign_by_day(campaign: Campaign) -> list[dict]:
    """[{day, joined, deployed}] per local day, two GROUP BYs."""
    tz = timezone.get_current_timezone()
    joined = dict(
        Recruit.objects.filter(campaign=campaign)
        .annotate(day=TruncDate("joined_at", tzinfo=tz))
        .values_list("day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    deployed = dict(
        Recruit.objects.filter(campaign=campaign, deployed_at__isnull=False)
        .annotate(day=TruncDate("deployed_at", tzinfo=tz))
        .values_list("day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    days = sorted(set(joined) | set(deployed))
    return [{"day": d, "joined": joined.get(d, 0), "deployed": deployed.get(d, 0)} for d in days]


def deployed_enrollments(campaign: Campaign) -> int:
    """Active enrollments behind the deployed recruits (each on the shift the campaign placed him)."""
    return Enrollment.objects.filter(
        status__in=[*Enrollment.ACTIVE, Enrollment.Status.ATTENDED, Enrollment.Status.NO_SHOW],
        volunteer_id__in=Recruit.objects.filter(campaign=campaign, stage=Stage.DEPLOYED).values(
            "volunteer_id"
        ),
        shift_id__in=Recruit.objects.filter(campaign=campaign, stage=Stage.DEPLOYED).values("shift_id"),
    ).count()


def campaign_towns(campaign: Campaign) -> QuerySet[Region]:
    return Region.objects.filter(pk__in=Recruit.objects.filter(campaign=campaign).values("town_id")).order_by(
        "code"
    )


def blast_list(campaign: Campaign) -> list[CampaignBlast]:
    """The campaign's messages, each with `.counts` {notified, sms, sent, failed, pending}: three
    queries in all."""
    blasts = list(CampaignBlast.objects.filter(campaign=campaign).select_related("sent_by", "town"))
    keys = {b.dedupe_key: b for b in blasts}
    for b in blasts:
        b.counts = {"notified": 0, "sent": 0, "failed": 0, "pending": 0}
    if not keys:
        return blasts
    for key, n in (
        Notification.objects.filter(dedupe_key__in=list(keys))
        .values_list("dedupe_key")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        keys[key].counts["notified"] = n
    for key, status, n in (
        Delivery.objects.filter(notification__dedupe_key__in=list(keys))
        .values_list("notification__dedupe_key", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        bucket = {"sent": "sent", "failed": "failed"}.get(status, "pending")
        keys[key].counts[bucket] += n
    return blasts


def assignable_shifts(user) -> QuerySet[Shift]:
    """Shifts `user` may place recruits on: those they organize, published and not started."""
    return (
        shifts_organized_by(user)
        .filter(activity__status=Activity.Status.PUBLISHED, starts_at__gt=timezone.now())
        .select_related("activity")
        .order_by("starts_at", "pk")
    )
