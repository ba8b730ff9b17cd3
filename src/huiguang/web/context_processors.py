"""The navigation, built from the user's grants."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from huiguang.accounts.permissions import may_read_audit_log
from huiguang.network.permissions import may_manage_roles
from huiguang.network.scope import scope_for


def navigation(request):
    user = getattr(request, "user", None)
    scope = scope_for(user)
    items = [
        (_("Home"), reverse("web:home")),
        (_("Activities"), reverse("activities:list")),
        (_("Organizations"), reverse("network:directory")),
    ]
    console = []
    if user is not None and user.is_authenticated:
        if hasattr(user, "volunteer"):
            items.append((_("Check in"), reverse("attendance:code")))
            items.append((_("Shifts I can take"), reverse("activities:can_take")))
            items.append((_("My activities"), reverse("activities:my")))
            items.append((_("My hours"), reverse("ledger:my_hours")))
            items.append((_("My certificates"), reverse("ledger:my_certificates")))
            items.append((_("My profile"), reverse("volunteers:me")))
            items.append((_("My organizations"), reverse("network:my_memberships")))
        if scope.is_console_user:
            console.append((_("Console"), reverse("web:console")))
            if scope.city_wide or scope.region_paths:
                console.append((_("Regions"), reverse("network:region_list")))
            console.append((_("Activities"), reverse("activities:console_list")))
            if scope.can_write:
                console.append((_("Review queue"), reverse("activities:review_queue")))
            if scope.can_write:
                console.append((_("Records to confirm"), reverse("ledger:pending")))
                console.append((_("Make-up hours"), reverse("ledger:makeup_list")))
                console.append((_("Disputes"), reverse("ledger:disputes")))
                console.append((_("Certificates"), reverse("ledger:certificate_queue")))
            console.append((_("Organizations"), reverse("network:org_list")))
            console.append((_("Sites"), reverse("network:site_list")))
            console.append((_("Memberships"), reverse("network:membership_list")))
            console.append((_("Volunteers"), reverse("volunteers:console_list")))
            if scope.can_write:
                console.append((_("Import volunteers"), reverse("volunteers:import_upload")))
            if may_manage_roles(user):
                console.append((_("Roles"), reverse("network:grant_list")))
            if may_read_audit_log(user):
                console.append((_("Audit log"), reverse("accounts:audit_list")))
        items.append((_("API tokens"), reverse("accounts:token_list")))
    return {"nav_items": items, "console_items": console, "scope": scope}
