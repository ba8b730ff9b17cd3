"""Background work of the credit app (django-tasks)."""

from django_tasks import task

from .services.snapshots import snapshots_recompute_all


@task()
def recompute_credit() -> str:
    """Every volunteer's credit score under the policy in force (nightly: `huiguang compute_credit`
    from cron, or enqueue this task). Writes a snapshot only where the inputs changed."""
    result = snapshots_recompute_all()
    return f"{result.volunteers} volunteers, {result.written} new snapshots (policy v{result.policy_version})"
