"""The training console: courses, qualification types, qualifications (record from an outside
certificate, revoke), the training policy and the .xlsx of training records. Outside the scope, or
not yours to change: 404 (console_page); an invalid form 422; a refusal 409."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.forms import form_status, show_errors
from huiguang.core.pagination import paginate
from huiguang.network.permissions import console_page
from huiguang.volunteers.selectors import volunteer_list_for

from .. import permissions as perms
from ..exports import qualifications_xlsx
from ..forms import CourseForm, PolicyForm, QualificationRecordForm, QualificationTypeForm, RevokeForm
from ..models import Course, Qualification
from ..selectors import (
    course_list_for,
    course_managed_get,
    qualification_get_for,
    qualification_list_for,
    qualification_type_list,
    training_policy,
)
from ..services.courses import course_create, course_update, qualification_type_create, training_policy_set
from ..services.qualifications import qualification_record, qualification_revoke


def _posted(request):
    """(data, files) of a POST, bound even when empty (so that an empty form says what is missing)."""
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


# --- courses ------------------------------------------------------------------------------------


@console_page
def course_list(request):
    category = request.GET.get("category", "").strip()[:16]
    q = request.GET.get("q", "").strip()[:64]
    page_obj = paginate(request, course_list_for(request.user, category=category, q=q))
    for course in page_obj.object_list:
        course.manageable = perms.may_manage_course(request.user, course)
    return render(
        request,
        "training/console/course_list.html",
        {
            "page_obj": page_obj,
            "filters": {"category": category, "q": q},
            "categories": Course.Category.choices,
            "can_create": perms.may_create_courses(request.user),
            "can_policy": perms.may_set_policy(request.user),
        },
    )


def _course_form_page(request, form, course: Course | None):
    status = 200
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if course is None:
            _done, status = _run(form, lambda: course_create(actor=request.user, request=request, **data))
        else:
            _done, status = _run(
                form, lambda: course_update(actor=request.user, course=course, request=request, **data)
            )
        if status == 200:
            messages.success(request, _("Saved."))
            return redirect("training:course_list")
    return _form_page(
        request,
        form,
        title=_("New course") if course is None else _("Edit %(course)s") % {"course": course},
        cancel_url=reverse("training:course_list"),
        submit=_("Create") if course is None else _("Save"),
        status=status if status != 200 else form_status(form),
    )


@console_page
def course_create_view(request):
    if not perms.may_create_courses(request.user):
        raise Http404
    return _course_form_page(request, CourseForm(_posted(request)[0], user=request.user), None)


@console_page
def course_edit(request, pk):
    course = course_managed_get(request.user, pk)
    initial = {f: getattr(course, f) for f in CourseForm.base_fields}
    return _course_form_page(
        request, CourseForm(_posted(request)[0], user=request.user, initial=initial), course
    )


# --- qualification types --------------------------------------------------------------------------


@console_page
def type_list(request):
    can_create = perms.may_manage_types(request.user)
    form = QualificationTypeForm(_posted(request)[0]) if can_create else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            _done, status = _run(
                form,
                lambda: qualification_type_create(actor=request.user, request=request, **form.cleaned_data),
            )
            if status == 200:
                messages.success(request, _("Saved."))
                return redirect("training:type_list")
        else:
            status = form_status(form)
    return render(
        request,
        "training/console/type_list.html",
        {"types": list(qualification_type_list()), "form": form},
        status=status,
    )


# --- qualifications -------------------------------------------------------------------------------


def _qualification_filters(request) -> dict:
    raw_type = request.GET.get("type", "")
    return {
        "type_id": int(raw_type) if raw_type.isdigit() and len(raw_type) < 12 else None,
        "state": request.GET.get("state", "")
        if request.GET.get("state") in ("valid", "expired", "revoked")
        else "",
        "q": request.GET.get("q", "").strip()[:64],
    }


@console_page
def qualification_list(request):
    filters = _qualification_filters(request)
    page_obj = paginate(request, qualification_list_for(request.user, **filters))
    return render(
        request,
        "training/console/qualification_list.html",
        {
            "page_obj": page_obj,
            "filters": filters,
            "types": list(qualification_type_list()),
            "today": timezone.localdate(),
            "can_record": perms.may_record_qualifications(request.user),
        },
    )


@console_page
def qualification_export(request):
    return qualifications_xlsx(
        request=request,
        qualifications=qualification_list_for(request.user, **_qualification_filters(request)),
    )


@console_page
def qualification_record_view(request):
    if not perms.may_record_qualifications(request.user):
        raise Http404
    form = QualificationRecordForm(*_posted(request))
    status = 200
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        volunteer = (
            volunteer_list_for(request.user).filter(volunteer_number=data.pop("volunteer_number")).first()
        )
        if volunteer is None:
            form.add_error("volunteer_number", _("No volunteer you manage has this number."))
            status = 422
        else:
            _done, status = _run(
                form,
                lambda: qualification_record(
                    actor=request.user, volunteer=volunteer, request=request, **data
                ),
            )
            if status == 200:
                messages.success(request, _("The qualification is recorded."))
                return redirect("training:qualification_list")
    return _form_page(
        request,
        form,
        title=_("Record a qualification from a certificate"),
        intro=_("For a certificate obtained outside the platform: attach a photo or scan of it."),
        cancel_url=reverse("training:qualification_list"),
        submit=_("Record"),
        status=status if status != 200 else form_status(form),
    )


@console_page
def qualification_revoke_view(request, pk):
    qualification: Qualification = qualification_get_for(request.user, pk)
    if not perms.may_record_qualifications(request.user) or qualification.revoked_at is not None:
        raise Http404
    form = RevokeForm(_posted(request)[0])
    status = 200
    if request.method == "POST" and form.is_valid():
        _done, status = _run(
            form,
            lambda: qualification_revoke(
                actor=request.user,
                qualification=qualification,
                reason=form.cleaned_data["reason"],
                request=request,
            ),
        )
        if status == 200:
            messages.success(request, _("The qualification is revoked."))
            return redirect("training:qualification_list")
    return _form_page(
        request,
        form,
        title=_("Revoke %(qualification)s") % {"qualification": qualification},
        cancel_url=reverse("training:qualification_list"),
        submit=_("Revoke"),
        status=status if status != 200 else form_status(form),
    )


# --- policy ---------------------------------------------------------------------------------------


@console_page
def policy(request):
    if not perms.may_set_policy(request.user):
        raise Http404
    current = training_policy()
    form = PolicyForm(_posted(request)[0], initial={"count_hours": current.count_hours})
    if request.method == "POST" and form.is_valid():
        training_policy_set(actor=request.user, count_hours=form.cleaned_data["count_hours"], request=request)
        messages.success(request, _("Saved."))
        return redirect("training:course_list")
    return _form_page(
        request,
        form,
        title=_("Training policy"),
        intro=_("By default, time spent in training sessions does not count as volunteer hours."),
        cancel_url=reverse("training:course_list"),
        submit=_("Save"),
        status=form_status(form),
    )
