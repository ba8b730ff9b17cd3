from dataclasses import fields as dc_fields

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huiguang.core.pagination import paginate
from huiguang.network.models import Region
from huiguang.network.scope import scope_for

from . import exports, selectors, services
from .ecard import ecard_qr_svg
from .forms import RegistrationForm, VolunteerFilterForm
from .models import Volunteer

REGISTRATION_FIELDS = {f.name for f in dc_fields(services.Registration)}


def register(request):
    if request.user.is_authenticated and hasattr(request.user, "volunteer"):
        return redirect("volunteers:me")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = services.Registration(
            **{k: v for k, v in form.cleaned_data.items() if k in REGISTRATION_FIELDS}
        )
        try:
            volunteer = services.volunteer_register(data=data, request=request)
        except services.RegistrationError as exc:
            for field, msgs in exc.errors.items():
                for msg in msgs:
                    form.add_error(field if field in form.fields else None, msg)
        else:
            login(request, volunteer.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request, _("Welcome! Your volunteer number is %(n)s.") % {"n": volunteer.volunteer_number}
            )
            return redirect("volunteers:me")
    return render(request, "volunteers/register.html", {"form": form}, status=422 if form.errors else 200)


def _own_volunteer(request) -> Volunteer:
    volunteer = getattr(request.user, "volunteer", None)
    if volunteer is None:
        raise Http404
    return volunteer


@login_required
def me(request):
    volunteer = _own_volunteer(request)
    context = {
        "volunteer": volunteer,
        "memberships": volunteer.memberships.select_related("organization").order_by("-applied_at"),
        "wards": volunteer.wards.filter(status=Volunteer.Status.AWAITING_GUARDIAN),
        "skills": volunteer.skills.all(),
    }
    return render(request, "volunteers/me.html", context)


@login_required
def ecard(request):
    volunteer = _own_volunteer(request)
    return render(
        request, "volunteers/ecard.html", {"volunteer": volunteer, "qr_svg": ecard_qr_svg(volunteer)}
    )


@login_required
@require_POST
def reveal_own_id(request):
    volunteer = _own_volunteer(request)
    number = services.volunteer_reveal_id(actor=request.user, volunteer=volunteer, request=request)
    return render(request, "volunteers/_id_full.html", {"number": number})


@login_required
@require_POST
def guardian_consent(request, pk):
    guardian = _own_volunteer(request)
    ward = get_object_or_404(Volunteer, pk=pk, guardian=guardian)
    services.volunteer_guardian_consent(guardian_user=request.user, ward=ward, request=request)
    messages.success(
        request, _("You have given your consent; %(name)s can now take part.") % {"name": ward.real_name}
    )
    return redirect("volunteers:me")


def _console_scope(request):
    if not request.user.is_authenticated or not scope_for(request.user).is_console_user:
        raise Http404
    return scope_for(request.user)


def _filtered_volunteers(request):
    form = VolunteerFilterForm(request.GET or None)
    qs = selectors.volunteer_list_for(request.user)
    if form.is_valid():
        q = form.cleaned_data["q"].strip()
        if q:
            qs = qs.filter(Q(real_name__icontains=q) | Q(volunteer_number__startswith=q))
        region = Region.objects.filter(code=form.cleaned_data["region"].strip()).first()
        if form.cleaned_data["region"]:
            qs = qs.filter(residence_region__path__startswith=region.path) if region else qs.none()
        if form.cleaned_data["status"]:
            qs = qs.filter(status=form.cleaned_data["status"])
    return form, qs.order_by("-registered_at", "-id")


@login_required
def console_list(request):
    _console_scope(request)
    form, qs = _filtered_volunteers(request)
    if request.GET.get("format") == "xlsx":
        return exports.volunteer_list_xlsx(request=request, queryset=qs)
    page = paginate(request, qs)
    return render(request, "volunteers/console_list.html", {"form": form, "page_obj": page})


@login_required
def console_detail(request, pk):
    _console_scope(request)
    volunteer = selectors.volunteer_get_for(request.user, pk)
    context = {
        "volunteer": volunteer,
        "memberships": volunteer.memberships.select_related("organization").order_by("-applied_at"),
        "skills": volunteer.skills.all(),
        "may_reveal": services.may_reveal_id(request.user, volunteer),
    }
    return render(request, "volunteers/console_detail.html", context)


@login_required
@require_POST
def console_reveal_id(request, pk):
    _console_scope(request)
    volunteer = selectors.volunteer_get_for(request.user, pk)
    try:
        number = services.volunteer_reveal_id(actor=request.user, volunteer=volunteer, request=request)
    except PermissionDenied:
        raise Http404
    return render(request, "volunteers/_id_full.html", {"number": number})
