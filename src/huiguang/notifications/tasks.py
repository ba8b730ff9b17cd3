"""Background work of notifications (django-tasks): sending e-mail and SMS after commit."""

from django_tasks import task

from .delivery import notification_deliver


@task()
def deliver_notification(notification_id: int) -> dict[str, str]:
    """Send one notification's pending e-mail and SMS deliveries (enqueued by notify())."""
    return notification_deliver(notification_id=notification_id)
