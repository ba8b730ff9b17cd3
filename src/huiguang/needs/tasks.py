"""Background work of the needs app (django-tasks): texting residents, the daily chase."""

from django_tasks import task

from huiguang.notifications.sms import SmsError, send_sms


@task()
def send_text(phone: str, text: str) -> str:
    """One SMS to a resident's contact phone (not a user: no notification preferences apply)."""
    try:
        send_sms(phone, text)
    except SmsError as exc:
        return f"failed: {exc}"
    return "sent"
