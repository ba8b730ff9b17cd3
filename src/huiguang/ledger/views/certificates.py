"""Certificates on the web: the volunteer's requests, the issuer's queue, the PDF, public checks."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.forms import form_status, show_errors
from huiguang.core.pagination import paginate

from .. import pdf
from ..forms import IssueForm, ReasonForm, RequestForm
from ..models import Certificate
from ..permissions import may_issue_certificates, may_print_official
from ..selectors.certificates import (
    certificate_get_for_download,
    certificate_get_for_issuer,
    certificate_queue_for,
    certificates_for_volunteer,
)
from ..services import certificates as services


def _own_volunteer(request):
    volunteer = getattr(request.user, "volunteer", None)
    if volunteer is None:
        raise Http404
    return volunteer


def _issuer_console(request) -> None:
    if not may_issue_certificates(request.user):
        raise Http404


@login_required
def my_certificates(request):
    volunteer = _own_volunteer(request)
    form = RequestForm(request.POST or None, volunteer=volunteer)
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_request(volunteer=volunteer, request=request, **form.cleaned_data)
        except FieldErrors as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("Your request has been sent to the organization."))
            return redirect("ledger:my_certificates")
    context = {"form": form, "page_obj": paginate(request, certificates_for_volunteer(volunteer))}
    return render(request, "ledger/certificates/mine.html", context, status=form_status(form))


@login_required
def certificate_pdf(request, pk):
    cert = certificate_get_for_download(request.user, pk)
    if cert.status not in (Certificate.Status.ISSUED, Certificate.Status.REVOKED) or not cert.number:
        raise Http404
    id_number = None
    if request.GET.get("official") == "1":
        # The full ID number only on an official print by a city admin, written to the audit log.
        if not may_print_official(request.user):
            audit_log(
                action="certificate_official_print",
                actor=request.user,
                obj=cert,
                outcome="denied",
                request=request,
            )
            raise Http404
        id_number = cert.volunteer.decrypt_id_number()
        audit_log(action="certificate_official_print", actor=request.user, obj=cert, request=request)
    response = HttpResponse(pdf.certificate_pdf(cert, id_number=id_number), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{cert.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def certificate_queue(request):
    _issuer_console(request)
    status = request.GET.get("status", Certificate.Status.REQUESTED)
    if status not in Certificate.Status.values:
        status = Certificate.Status.REQUESTED
    qs = certificate_queue_for(request.user).filter(status=status)
    context = {"page_obj": paginate(request, qs), "status": status, "statuses": Certificate.Status.choices}
    return render(request, "ledger/certificates/queue.html", context)


def _detail(request, cert, *, issue_form=None, reason_form=None, status=200):
    issuer = cert.issuer
    issue_form = issue_form or IssueForm(
        initial={
            "responsible_person": cert.responsible_person or issuer.contact_name,
            "handler": cert.handler or request.user.display_name,
            "contact": cert.contact or issuer.contact_phone,
        }
    )
    context = {
        "cert": cert,
        "issue_form": issue_form,
        "reason_form": reason_form or ReasonForm(),
        "may_print_official": may_print_official(request.user),
    }
    return render(request, "ledger/certificates/detail.html", context, status=status)


@login_required
def certificate_detail(request, pk):
    _issuer_console(request)
    return _detail(request, certificate_get_for_issuer(request.user, pk))


@login_required
@require_POST
def certificate_issue(request, pk):
    _issuer_console(request)
    cert = certificate_get_for_issuer(request.user, pk)
    form = IssueForm(request.POST)
    if form.is_valid():
        try:
            services.certificate_issue(
                actor=request.user, certificate=cert, request=request, **form.cleaned_data
            )
        except FieldErrors as exc:
            show_errors(form, exc)
        except Refused as exc:
            messages.error(request, exc.message)
            return redirect("ledger:certificate_detail", pk=cert.pk)
        else:
            messages.success(request, _("Certificate %(number)s issued.") % {"number": cert.number})
            return redirect("ledger:certificate_detail", pk=cert.pk)
    return _detail(request, cert, issue_form=form, status=form_status(form))


def _with_reason(request, pk, service, done_message):
    _issuer_console(request)
    cert = certificate_get_for_issuer(request.user, pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            service(actor=request.user, certificate=cert, reason=form.cleaned_data["reason"], request=request)
        except FieldErrors as exc:
            show_errors(form, exc)
        except Refused as exc:
            messages.error(request, exc.message)
            return redirect("ledger:certificate_detail", pk=cert.pk)
        else:
            messages.success(request, done_message)
            return redirect("ledger:certificate_detail", pk=cert.pk)
    return _detail(request, cert, reason_form=form, status=form_status(form))


@login_required
@require_POST
def certificate_refuse(request, pk):
    return _with_reason(request, pk, services.certificate_refuse, _("The request has been refused."))


@login_required
@require_POST
def certificate_revoke(request, pk):
    return _with_reason(request, pk, services.certificate_revoke, _("The certificate has been revoked."))


def _verify_page(request, result, number=""):
    status = {"unknown": 404, "invalid": 400}.get(result.state, 200) if result else 200
    context = {"result": result, "number": number}
    return render(request, "ledger/certificates/verify.html", context, status=status)


def verify(request, number):
    return _verify_page(request, services.certificate_verify(number=number[:40]), number)


def verify_lookup(request):
    """The form, a number typed in, or a scanned QR code's payload (?payload=…)."""
    payload = request.GET.get("payload", "").strip()
    number = request.GET.get("number", "").strip()
    if number and not payload:
        if "/" in number:  # no certificate number has one, and no URL can carry it
            return _verify_page(request, services.certificate_verify(number=number[:40]), number)
        return redirect("ledger:verify", number=number[:40])
    if not payload:
        return _verify_page(request, None)
    return _verify_page(request, services.certificate_verify(payload=payload[:4000]))
