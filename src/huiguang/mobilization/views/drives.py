"""Pages of recruitment drives: the console (drives, units, progress, school rates, QR posters,
the .xlsx of units, the import of enrolled counts) and each unit's public sign-up page. Outside
the scope, or not yours to change: 404; an invalid form 422; a refusal 409."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.forms import form_status, show_errors
from huiguang.core.links import absolute_url
from huiguang.core.pagination import paginate
from huiguang.network.permissions import console_page
from huiguang.volunteers.forms import RegistrationForm
from huiguang.volunteers.services import RegistrationError

from .. import permissions as perms
from ..exports.drives import units_xlsx
from ..forms.drives import DriveForm, EnrolledImportForm, UnitForm
from ..selectors import drives as sel
from ..services import drives as services

SCHOOL_COLUMNS = [
    ("name", gettext_lazy("School")),
    ("enrolled", gettext_lazy("Enrolled league members")),
    ("registered", gettext_lazy("Registered league members")),
    ("rate", gettext_lazy("Registration rate")),
]


def _posted(request):
    return (request.POST, request.FILES) if request.method == "POST" else (None, None)


def _form_page(request, form, *, title, cancel_url, submit, status=200, intro=""):
    return render(
        request,
        "network/form.html",  # the console's one form page
        {"form": form, "title": title, "cancel_url": cancel_url, "submit": submit, "intro": intro},
        status=status,
    )


def _run(form, call):
    """A service on a valid form: FieldErrors on the form (422), a refusal above it (409)."""
    try:
        return call(), 200
    except FieldErrors as exc:
        show_errors(form, exc)
        return None, 422
    except Refused as exc:
        form.add_error(None, exc.message)
        return None, 409


def unit_url(unit) -> str:
    return absolute_url(reverse("mobilization:drive_unit_page", args=[unit.slug]))


# --- console -------------------------------------------------------------------------------------


@console_page
def drive_list(request):
    if perms.drive_visible_q(request.user) is None:
        raise Http404
    return render(
        request,
        "mobilization/drives/list.html",
        {
            "page_obj": paginate(request, sel.drive_list_for(request.user)),
            "can_create": perms.may_create_drives(request.user),
        },
    )


@console_page
def drive_create(request):
    if not perms.may_create_drives(request.user):
        raise Http404
    form = DriveForm(_posted(request)[0], user=request.user)
    status = form_status(form)
    if request.method == "POST" and form.is_valid():
        drive, status = _run(
            form, lambda: services.drive_create(actor=request.user, request=request, **form.cleaned_data)
        )
        if drive is not None:
            messages.success(request, _("Saved."))
            return redirect("mobilization:drive_detail", pk=drive.pk)
    return _form_page(
        request,
        form,
        title=_("New recruitment drive"),
        cancel_url=reverse("mobilization:drive_list"),
        submit=_("Create"),
        status=status,
    )


@console_page
def drive_detail(request, pk):
    drive = sel.drive_get_for(request.user, pk)
    schools = list(sel.school_rate_list(drive, sort="name"))
    return render(
        request,
        "mobilization/drives/detail.html",
        {
            "drive": drive,
            "units": list(sel.unit_progress_list(drive)),
            "totals": sel.drive_totals(drive),
            "schools": schools,
            "school_total": sel.school_rate_total(drive) if schools else None,
            "can_manage": perms.may_manage_drive(request.user, drive),
            "columns": SCHOOL_COLUMNS,
        },
    )


@console_page
@require_POST
def drive_open(request, pk):
    drive = sel.drive_managed_get(request.user, pk)
    try:
        services.drive_open(actor=request.user, drive=drive, request=request)
    except Refused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The drive is open: its units' pages take sign-ups."))
    return redirect("mobilization:drive_detail", pk=drive.pk)


@console_page
@require_POST
def drive_close(request, pk):
    drive = sel.drive_managed_get(request.user, pk)
    try:
        services.drive_close(actor=request.user, drive=drive, request=request)
    except Refused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The drive is closed; everything stays as history."))
    return redirect("mobilization:drive_detail", pk=drive.pk)


@console_page
def unit_create(request, pk):
    drive = sel.drive_managed_get(request.user, pk)
    form = UnitForm(_posted(request)[0], drive=drive)
    status = form_status(form)
    if request.method == "POST" and form.is_valid():
        unit, status = _run(
            form,
            lambda: services.drive_unit_add(
                actor=request.user, drive=drive, request=request, **form.cleaned_data
            ),
        )
        if unit is not None:
            messages.success(request, _("Saved."))
            return redirect("mobilization:drive_detail", pk=drive.pk)
    return _form_page(
        request,
        form,
        title=_("Add a unit to %(drive)s") % {"drive": drive},
        cancel_url=reverse("mobilization:drive_detail", args=[drive.pk]),
        submit=_("Add"),
        status=status,
    )


@console_page
def unit_edit(request, pk):
    unit = sel.unit_managed_get(request.user, pk)
    initial = {
        "target": unit.target,
        "enrolled_league_members": unit.enrolled_league_members,
        "school_name": unit.school_name,
        "team": unit.team_id,
        "auto_approve": unit.auto_approve,
    }
    form = UnitForm(_posted(request)[0], drive=unit.drive, edit=True, initial=initial)
    status = form_status(form)
    if request.method == "POST" and form.is_valid():
        done, status = _run(
            form,
            lambda: services.drive_unit_update(
                actor=request.user, unit=unit, request=request, **form.cleaned_data
            ),
        )
        if done is not None:
            messages.success(request, _("Saved."))
            return redirect("mobilization:drive_detail", pk=unit.drive_id)
    return _form_page(
        request,
        form,
        title=_("Edit %(unit)s") % {"unit": unit},
        cancel_url=reverse("mobilization:drive_detail", args=[unit.drive_id]),
        submit=_("Save"),
        status=status,
    )


@console_page
def enrolled_import(request, pk):
    drive = sel.drive_managed_get(request.user, pk)
    form = EnrolledImportForm(*_posted(request))
    status, row_errors = form_status(form), []
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.drive_enrolled_import(
                actor=request.user, drive=drive, content=form.cleaned_data["file"].read(), request=request
            )
        except services.EnrolledRowsInvalid as exc:
            row_errors, status = exc.errors, 422
        except Refused as exc:
            form.add_error("file", exc.message)
            status = 422
        else:
            messages.success(request, _("Enrolled counts saved for %(n)d schools.") % {"n": changed})
            return redirect("mobilization:drive_detail", pk=drive.pk)
    return render(
        request,
        "mobilization/drives/import.html",
        {"drive": drive, "form": form, "row_errors": row_errors},
        status=status,
    )


@console_page
def unit_export(request, pk):
    drive = sel.drive_get_for(request.user, pk)
    return units_xlsx(request=request, drive=drive, units=sel.unit_progress_list(drive))


@console_page
def school_rates(request, pk):
    drive = sel.drive_get_for(request.user, pk)
    sort = request.GET.get("sort", "rate")[:12]
    if sort.lstrip("-") not in sel.SCHOOL_SORTS:
        sort = "rate"
    return render(
        request,
        "mobilization/drives/schools.html",
        {
            "drive": drive,
            "schools": list(sel.school_rate_list(drive, sort=sort)),
            "total": sel.school_rate_total(drive),
            "sort": sort,
            "columns": SCHOOL_COLUMNS,
        },
    )


@console_page
def unit_qr(request, pk):
    """A printable poster: the unit's QR code and short address."""
    unit = sel.unit_get_for(request.user, pk)
    url = unit_url(unit)
    svg = segno.make(url, error="m").svg_inline(border=2, dark="#111", omitsize=True)
    return render(request, "mobilization/drives/qr.html", {"unit": unit, "url": url, "svg": svg})


# --- the public page of a unit ---------------------------------------------------------------------


def _registration_form(unit, data=None) -> RegistrationForm:
    form = RegistrationForm(data)
    if unit.region_id:
        form.fields["region_code"].initial = unit.region.code
        form.fields["region_code"].disabled = True
    if unit.is_school:
        for name, value in (("is_student", True), ("school", unit.school_name or unit.organization.name)):
            form.fields[name].initial = value
            form.fields[name].disabled = True
    return form


def _public_page(request, unit, form=None, status=200):
    volunteer = getattr(request.user, "volunteer", None) if request.user.is_authenticated else None
    if form is None and not request.user.is_authenticated:
        form = _registration_form(unit)
    return render(
        request,
        "mobilization/drives/public.html",
        {
            "unit": unit,
            "drive": unit.drive,
            "is_open": unit.drive.status == unit.drive.Status.OPEN,
            "volunteer": volunteer,
            "signed_up": sel.signed_up(unit, request.user),
            "form": form,
        },
        status=status,
    )


def unit_public(request, slug):
    """The page a QR code opens: a volunteer joins with one tap; a newcomer registers here."""
    unit = sel.unit_public_get(slug)
    if request.method != "POST" or request.user.is_authenticated:
        return _public_page(request, unit)
    form = _registration_form(unit, request.POST)
    if not form.is_valid():
        return _public_page(request, unit, form, status=form_status(form))
    try:
        volunteer = services.drive_register(unit=unit, data=form.registration(), request=request)
    except RegistrationError as exc:
        show_errors(form, exc)
        return _public_page(request, unit, form, status=422)
    except Refused as exc:
        form.add_error(None, exc.message)
        return _public_page(request, unit, form, status=409)
    login(request, volunteer.user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(
        request,
        _("Welcome! Your volunteer number is %(n)s; you are signed up with %(unit)s.")
        % {"n": volunteer.volunteer_number, "unit": unit},
    )
    return redirect("mobilization:drive_unit_page", slug=unit.slug)


@login_required
@require_POST
def unit_join(request, slug):
    unit = sel.unit_public_get(slug)
    try:
        _signup, created = services.drive_signup(actor=request.user, unit=unit, request=request)
    except Refused as exc:
        messages.error(request, exc.message)
        return _public_page(request, unit, status=409)
    if created:
        messages.success(request, _("You are signed up with %(unit)s.") % {"unit": unit})
    return redirect("mobilization:drive_unit_page", slug=unit.slug)
