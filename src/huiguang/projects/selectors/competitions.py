"""Reads of competitions, scoped to the user (permissions.py): outside the scope, 404.

- Every console user reads the list and a competition's page (a call for entries is public news);
  the organizers' parts (every entry, judges, scores) only the organizers and the auditor.
- An entry: its competition's organizers and the managers of its organization.
- A judge reads the eligible entries of his round, never one of an organization he belongs to
  (permissions.judge_conflict_q): such an entry is 404 for him.
- The public results: published competitions only, aggregates only.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from huiguang.core.selectors import get_or_404
from huiguang.network.scope import scope_for

from ..models import Award, Competition, Entry, Judge, Project, Round, RoundResult, Score
from ..permissions import judge_conflict_q, organized_competitions_q, project_manage_q


def competition_list_for(user) -> QuerySet[Competition]:
    if not scope_for(user).is_console_user:
        return Competition.objects.none()
    return Competition.objects.annotate(n_entries=Count("entries", distinct=True)).prefetch_related(
        "co_hosts"
    )


def competition_get_for(user, pk) -> Competition:
    qs = competition_list_for(user).prefetch_related(
        Prefetch(
            "rounds", queryset=Round.objects.prefetch_related("criteria").annotate(n_judges=Count("judges"))
        ),
        "tracks",
        "award_levels",
    )
    return get_or_404(qs, pk)


def entries_for_organizer(competition: Competition) -> QuerySet[Entry]:
    return competition.entries.select_related(
        "project", "organization", "track", "current_round", "award__level"
    ).order_by("submitted_at", "id")


def entries_of_user(user, competition: Competition) -> QuerySet[Entry]:
    """The entries of the organizations the user manages."""
    q = project_manage_q(user, "project__")
    if q is None:
        return Entry.objects.none()
    return competition.entries.filter(q).select_related("project", "track", "current_round")


def enterable_projects(user) -> QuerySet[Project]:
    q = project_manage_q(user)
    if q is None:
        return Project.objects.none()
    return Project.objects.filter(q).exclude(status=Project.Status.CLOSED).order_by("name")


def entry_get_for(user, pk) -> Entry:
    """Organizers (and the auditor) of its competition, or the managers of its organization."""
    q_org = organized_competitions_q(user)
    q_own = project_manage_q(user, "project__")
    q = Q(pk__in=[])
    if q_org is not None:
        q |= Q(competition__in=Competition.objects.filter(q_org).values("pk"))
    if q_own is not None:
        q |= q_own
    qs = Entry.objects.filter(pk__in=Entry.objects.filter(q).values("pk"))
    return get_or_404(
        qs.select_related(
            "competition", "project", "organization", "track", "current_round"
        ).prefetch_related("images"),
        pk,
    )


def judges_of(competition: Competition) -> QuerySet[Judge]:
    return (
        Judge.objects.filter(competition=competition)
        .select_related("user", "round")
        .prefetch_related("conflicts")
        .order_by("round__number", "id")
    )


def scores_of_entry(entry: Entry) -> QuerySet[Score]:
    """The judges' individual scores: for the organizers' entry page only."""
    return entry.scores.select_related("judge__user", "criterion", "judge__round").order_by(
        "judge__round__number", "judge_id", "criterion_id"
    )


def results_of(rnd: Round) -> QuerySet[RoundResult]:
    return rnd.results.select_related("entry__project", "entry__organization", "entry__award__level")


# --- judges -----------------------------------------------------------------------------------


def judge_assignments_for(user) -> QuerySet[Judge]:
    if not user.is_authenticated:
        return Judge.objects.none()
    return (
        Judge.objects.filter(user=user)
        .exclude(competition__status=Competition.Status.PUBLISHED)
        .select_related("competition", "round")
        .order_by("round__starts_on", "id")
    )


def judge_entries(judge: Judge) -> QuerySet[Entry]:
    """The entries the judge scores: eligible, in his round, none of his own organizations."""
    return (
        Entry.objects.filter(current_round=judge.round, status=Entry.Status.ELIGIBLE)
        .exclude(judge_conflict_q(judge))
        .select_related("project", "organization", "track")
        .annotate(n_scored=Count("scores", filter=Q(scores__judge=judge)))
        .order_by("submitted_at", "id")
    )


def judge_get_for(user, pk) -> Judge:
    return get_or_404(judge_assignments_for(user), pk)


def judge_entry_get_for(user, judge_pk, entry_pk) -> tuple[Judge, Entry]:
    judge = judge_get_for(user, judge_pk)
    entry = get_or_404(judge_entries(judge).prefetch_related("images"), entry_pk)
    return judge, entry


def judge_scores(judge: Judge, entry: Entry) -> dict[int, int]:
    return dict(Score.objects.filter(judge=judge, entry=entry).values_list("criterion_id", "value"))


# --- public -----------------------------------------------------------------------------------


def published_competitions() -> QuerySet[Competition]:
    return Competition.objects.filter(status=Competition.Status.PUBLISHED).order_by("-published_at")


def published_get(pk) -> Competition:
    return get_or_404(published_competitions().prefetch_related("co_hosts", "rounds"), pk)


def awards_of(competition: Competition) -> QuerySet[Award]:
    return Award.objects.filter(level__competition=competition).select_related(
        "level", "entry__project", "entry__organization"
    )
