"""The ledger console: pending records (bulk confirm with a rating and an evaluation, reject with a
reason), an organization's records for a period, the city's star policy; the public signing key.

Pages answer 404 to users who may not use them (DESIGN §6): pending records are for the admins
who manage the organization (leaders and auditors read records, they do not confirm them); the
star policy is the city admin's.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from huiguang.core.crypto import public_key_b64
from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.forms import BootstrapFormMixin
from huiguang.core.pagination import paginate
from huiguang.network.permissions import console_view
from huiguang.network.scope import scope_for
from huiguang.network.selectors import organization_list_for

from . import selectors as sel
from .models import ServiceRecord
from .services.records import current_policy, record_reject, records_confirm, star_policy_save

RATINGS = [("", gettext_lazy("No rating"))] + [(str(n), str(n)) for n in range(5, 0, -1)]


class DecisionForm(BootstrapFormMixin, forms.Form):
    action = forms.ChoiceField(choices=[("confirm", "confirm"), ("reject", "reject")])  # the submit buttons
    rating = forms.TypedChoiceField(
        label=gettext_lazy("Rating (1–5)"), choices=RATINGS, coerce=int, empty_value=None, required=False
    )
    evaluation = forms.CharField(
        label=gettext_lazy("Evaluation of the service"), max_length=200, required=False
    )
    reason = forms.CharField(label=gettext_lazy("Reason for rejecting"), max_length=300, required=False)

    def clean(self):
        data = super().clean()
        if data.get("action") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give a reason for the volunteer."))
        return data


class PeriodForm(BootstrapFormMixin, forms.Form):
    organization = forms.TypedChoiceField(label=gettext_lazy("Organization"), coerce=int, required=False)
    date_from = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("All"))] + ServiceRecord.Status.choices,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        organizations = (
            organization_list_for(user).select_related(None).only("id", "name").order_by("path")[:500]
        )
        self.fields["organization"].choices = [("", _("All my organizations"))] + [
            (o.pk, o.name) for o in organizations
        ]


class StarPolicyForm(BootstrapFormMixin, forms.Form):
    star1 = forms.IntegerField(label=gettext_lazy("1 star from (hours)"), min_value=1)
    star2 = forms.IntegerField(label=gettext_lazy("2 stars from (hours)"), min_value=1)
    star3 = forms.IntegerField(label=gettext_lazy("3 stars from (hours)"), min_value=1)
    star4 = forms.IntegerField(label=gettext_lazy("4 stars from (hours)"), min_value=1)
    star5 = forms.IntegerField(label=gettext_lazy("5 stars from (hours)"), min_value=1, max_value=100000)

    def thresholds(self) -> list[int]:
        return [self.cleaned_data[f"star{n}"] for n in range(1, 6)]


def _ids(request) -> list[int]:
    return [int(v) for v in request.POST.getlist("ids") if v.isdigit()][:500]


@console_view
def pending(request):
    if not sel.may_confirm_any(request.user):
        raise Http404
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        ids = _ids(request)
        if not ids:
            messages.error(request, _("Select at least one record."))
        elif form.is_valid():
            data = form.cleaned_data
            try:
                if data["action"] == "confirm":
                    n = records_confirm(
                        actor=request.user, ids=ids, rating=data["rating"], evaluation=data["evaluation"]
                    )
                    messages.success(request, _("%(n)d record(s) confirmed.") % {"n": n})
                else:
                    n = 0
                    for record in sel.pending_list_for(request.user).filter(pk__in=ids):
                        try:
                            record_reject(actor=request.user, record=record, reason=data["reason"])
                            n += 1
                        except Refused:
                            pass
                    messages.success(request, _("%(n)d record(s) rejected.") % {"n": n})
                return redirect(request.get_full_path())
            except FieldErrors as exc:
                for field, msgs in exc.errors.items():
                    for msg in msgs:
                        form.add_error(field if field in form.fields else None, msg)
    page_obj = paginate(request, sel.pending_list_for(request.user))
    status = 422 if request.method == "POST" else 200
    return render(request, "ledger/records/pending.html", {"page_obj": page_obj, "form": form}, status=status)


@console_view
def records(request):
    form = PeriodForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    organization = filters.get("organization")
    if organization and not organization_list_for(request.user).filter(pk=organization).exists():
        raise Http404
    qs = sel.records_for_period(
        request.user,
        organization=organization,
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
        status=filters.get("status") or "",
    )
    page_obj = paginate(request, qs)
    return render(request, "ledger/records/list.html", {"page_obj": page_obj, "form": form})


@console_view
def star_policy(request):
    if not scope_for(request.user).city_admin:
        raise Http404
    policy = current_policy()
    thresholds = policy.thresholds_hours if policy else [100, 300, 600, 1000, 1500]
    initial = {f"star{n}": h for n, h in enumerate(thresholds, start=1)}
    form = StarPolicyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            new = star_policy_save(actor=request.user, thresholds_hours=form.thresholds())
        except FieldErrors as exc:
            for msgs in exc.errors.values():
                for msg in msgs:
                    form.add_error(None, msg)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(
                request,
                _("Star policy version %(v)d is in force; every volunteer's star was recomputed.")
                % {"v": new.version},
            )
            return redirect("ledger:star_policy")
    from .models import StarPolicy

    history = StarPolicy.objects.select_related("created_by").order_by("-version")[:20]
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "ledger/records/star_policy.html",
        {"form": form, "policy": policy, "history": history},
        status=status,
    )


@require_GET
@cache_control(public=True, max_age=3600)
def public_key(request):
    """The Ed25519 key that signs seals, certificates and attestations, for offline checks."""
    return JsonResponse(
        {
            "algorithm": "Ed25519",
            "encoding": "base64url (raw 32-byte public key, no padding)",
            "key": public_key_b64(),
        }
    )
