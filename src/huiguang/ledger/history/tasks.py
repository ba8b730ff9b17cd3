"""The history import's background work (django-tasks): the console enqueues the apply step."""

from django_tasks import task

from huiguang.accounts.models import User

from .console import history_run


@task()
def apply_history_import(history_import_id: int, actor_id: int | None = None) -> str:
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    return history_run(history_import_id=history_import_id, actor=actor)
