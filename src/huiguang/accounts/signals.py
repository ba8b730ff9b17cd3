"""Logins and failed logins go to the audit log."""

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from huiguang.core.audit import audit_log


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit_log(action="login", actor=user, obj=user, request=request)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    audit_log(
        action="login_failed",
        outcome="failed",
        request=request,
        actor_label=str(credentials.get("username", ""))[:64],
    )
