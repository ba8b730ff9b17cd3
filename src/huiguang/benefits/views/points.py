"""积分入学 on the web: the parent's applications (phone), the education officer's register and
decision (phone), the public certificate check, the policies and statistics (console)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.forms import form_status, show_errors
from huiguang.core.links import absolute_url
from huiguang.core.masking import LAST4, mask_id_number, mask_name
from huiguang.core.pagination import paginate

from ..exports.points import XLSX, points_certificate_pdf, points_statistics_xlsx
from ..forms.points import CertificateCheckForm, PointsApplyForm, PointsDecisionForm, PointsPolicyForm
from ..models import Partner, PointsApplication
from ..permissions import managed_partners, may_manage_partners, may_read_partner_statistics, partners_of
from ..selectors import points as selectors
from ..services import points as services
from .common import qr_svg, volunteer_or_404

# --- the parent -----------------------------------------------------------------------------------


@login_required
def my_points(request):
    volunteer = volunteer_or_404(request)
    policies = selectors.policies_open()
    context = {
        "applications": selectors.applications_of(volunteer)[:20],
        "previews": [(p, services.points_compute(policy=p, volunteer=volunteer)) for p in policies[:5]],
    }
    return render(request, "benefits/points/mine.html", context)


@login_required
def points_apply(request):
    volunteer = volunteer_or_404(request)
    form = PointsApplyForm(
        request.POST if request.method == "POST" else None, policies=selectors.policies_open()
    )
    if request.method == "POST" and form.is_valid():
        try:
            application = services.points_apply(
                volunteer=volunteer, user=request.user, request=request, **form.application_data()
            )
        except FieldErrors as exc:
            show_errors(form, exc)
        except Refused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your application has been sent to the education bureau."))
            return redirect("benefits:my_points_application", pk=application.pk)
    context = {"form": form, "fields": services.POINTS_FIELDS}
    return render(request, "benefits/points/apply.html", context, status=form_status(form))


def _certificate_link(application: PointsApplication) -> str:
    return absolute_url(reverse("benefits:points_verify") + f"?token={application.certificate}")


@login_required
def my_points_application(request, pk):
    application = selectors.application_of(volunteer_or_404(request), pk)
    qr = qr_svg(_certificate_link(application)) if application.certificate else ""
    context = {"application": application, "qr": qr}
    return render(request, "benefits/points/application.html", context)


@login_required
def points_certificate(request, pk):
    application = selectors.application_of(volunteer_or_404(request), pk)
    if not application.certificate:
        raise Http404
    pdf = points_certificate_pdf(application, link=_certificate_link(application))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="points-{application.certificate_number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def points_verify(request):
    """Public: paste the certificate's text or scan its QR code (?token=…)."""
    data = request.GET if "token" in request.GET else None
    form = CertificateCheckForm(data)
    result = None
    if data is not None and form.is_valid():
        result = services.points_certificate_check(form.cleaned_data["token"])
    return render(
        request, "benefits/points/verify.html", {"form": form, "result": result}, status=form_status(form)
    )


# --- the education officer ------------------------------------------------------------------------


@login_required
def school_applications(request):
    if not partners_of(request.user, Partner.Kind.EDUCATION).exists():
        raise Http404
    status = request.GET.get("status", "")
    qs = selectors.application_register_for(request.user, status=status)
    context = {
        "page_obj": paginate(request, qs),
        "status": status,
        "statuses": PointsApplication.Status.choices,
    }
    return render(request, "benefits/points/school_list.html", context)


def _school_detail(request, application, *, form=None, status=200):
    context = {
        "application": application,
        "parent_name": mask_name(application.volunteer.real_name),
        "child_id": mask_id_number(application.child_id_masked, LAST4),
        "form": form or PointsDecisionForm(),
    }
    return render(request, "benefits/points/school_detail.html", context, status=status)


@login_required
def school_application(request, pk):
    application = selectors.application_get_for_bureau(request.user, pk)
    services.application_open(user=request.user, application=application, what=_("application opened"))
    return _school_detail(request, application)


@login_required
@require_POST
def school_decide(request, pk):
    application = selectors.application_get_for_bureau(request.user, pk)
    form = PointsDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.application_decide(
                user=request.user,
                application=application,
                approve=form.cleaned_data["decision"] == "approve",
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except FieldErrors as exc:
            show_errors(form, exc)
        except Refused as exc:
            messages.error(request, exc.message)
            return redirect("benefits:school_application", pk=application.pk)
        else:
            messages.success(request, _("The decision has been recorded."))
            return redirect("benefits:school_application", pk=application.pk)
    return _school_detail(request, application, form=form, status=form_status(form))


# --- the console: policies and statistics ------------------------------------------------------


@login_required
def points_policies(request):
    if not (
        may_manage_partners(request.user) or managed_partners(request.user, Partner.Kind.EDUCATION).exists()
    ):
        raise Http404
    return render(
        request,
        "benefits/points/policies.html",
        {"page_obj": paginate(request, selectors.policy_list_for(request.user))},
    )


@login_required
def points_policy_edit(request, pk=None):
    partners = managed_partners(request.user, Partner.Kind.EDUCATION)
    if not (may_manage_partners(request.user) or partners.exists()):
        raise Http404
    policy = selectors.policy_get_for(request.user, pk) if pk else None
    form = PointsPolicyForm(
        request.POST if request.method == "POST" else None, instance=policy, partners=partners
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.points_policy_save(
                actor=request.user, data=form.policy_data(), policy=policy, request=request
            )
        except FieldErrors as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("The policy has been saved."))
            return redirect("benefits:points_policies")
    return render(
        request,
        "benefits/points/policy_form.html",
        {"form": form, "policy": policy},
        status=form_status(form),
    )


def _statistics_reader(request) -> None:
    if not may_read_partner_statistics(request.user):
        raise Http404


@login_required
def points_statistics(request):
    _statistics_reader(request)
    context = {"totals": selectors.points_totals(), "months": selectors.points_totals_by_month()}
    return render(request, "benefits/points/statistics.html", context)


@login_required
def points_statistics_export(request):
    _statistics_reader(request)
    response = HttpResponse(points_statistics_xlsx(actor=request.user, request=request), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="points-statistics.xlsx"'
    return response
