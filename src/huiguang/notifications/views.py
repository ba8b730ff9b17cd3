"""The notification centre and the channel preferences (a user's own; another's answers 404)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from huiguang.core.errors import FieldErrors
from huiguang.core.forms import form_status, show_errors
from huiguang.core.pagination import paginate

from . import selectors as sel
from . import services
from .forms import PreferenceForm

PAGE_SIZE = 20


@login_required
def center(request):
    unread_only = request.GET.get("unread") == "1"
    notifications = sel.notification_list_for(request.user, unread_only=unread_only)
    context = {
        "page_obj": paginate(request, notifications, PAGE_SIZE),
        "unread_only": unread_only,
        "unread_count": sel.unread_count_for(request.user),
    }
    return render(request, "notifications/center.html", context)


@login_required
def open_notification(request, pk):
    """Mark one notification read and follow its link (back to the centre when it has none)."""
    notification = sel.notification_get_for(request.user, pk)
    services.notifications_mark_read(user=request.user, ids=[notification.pk])
    if notification.url and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(notification.url)
    return redirect("notifications:center")


@login_required
@require_POST
def mark_all_read(request):
    count = services.notifications_mark_read(user=request.user)
    if count:
        messages.success(
            request,
            ngettext(
                "%(count)d notification marked as read.", "%(count)d notifications marked as read.", count
            )
            % {"count": count},
        )
    return redirect("notifications:center")


@login_required
def preferences(request):
    preference = services.preference_for(request.user)
    initial = {"sms": preference.sms, "email": preference.email, "email_address": request.user.email}
    form = PreferenceForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.preferences_update(user=request.user, request=request, **form.cleaned_data)
        except FieldErrors as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form}, status=form_status(form))
