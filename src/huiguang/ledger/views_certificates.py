"""Certificates on the web: the volunteer's requests, the issuer's queue, the PDF, public checks."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.forms import BootstrapFormMixin
from huiguang.core.pagination import paginate
from huiguang.network.models import Organization
from huiguang.network.scope import scope_for

from . import pdf
from .models import Certificate
from .services import certificates as services


class RequestForm(BootstrapFormMixin, forms.Form):
    issuer: forms.ModelChoiceField = forms.ModelChoiceField(
        label=gettext_lazy("Issuing organization"), queryset=Organization.objects.none()
    )
    all_organizations = forms.BooleanField(
        label=gettext_lazy("Hours of every organization (not only the issuer's)"), required=False
    )
    period_start = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Leave both dates empty for all your hours."),
    )
    period_end = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    purpose = forms.CharField(label=gettext_lazy("Purpose"), max_length=200, required=False)

    def __init__(self, *args, volunteer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer"].queryset = services.issuer_choices(volunteer)


class IssueForm(BootstrapFormMixin, forms.Form):
    responsible_person = forms.CharField(label=gettext_lazy("Responsible person"), max_length=64)
    handler = forms.CharField(label=gettext_lazy("Handled by"), max_length=64)
    contact = forms.CharField(label=gettext_lazy("Contact details"), max_length=64)


class ReasonForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300)


def _add_errors(form, exc: FieldErrors) -> None:
    for field, msgs in exc.errors.items():
        for msg in msgs:
            form.add_error(field if field in form.fields else None, msg)


def _with_hours(page):
    for cert in page:
        cert.hours = services.hours_text(cert.total_minutes)
    return page


def _own_volunteer(request):
    volunteer = getattr(request.user, "volunteer", None)
    if volunteer is None:
        raise Http404
    return volunteer


@login_required
def my_certificates(request):
    volunteer = _own_volunteer(request)
    form = RequestForm(request.POST or None, volunteer=volunteer)
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_request(volunteer=volunteer, request=request, **form.cleaned_data)
        except FieldErrors as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Your request has been sent to the organization."))
            return redirect("ledger:my_certificates")
    page = _with_hours(paginate(request, services.certificates_for_volunteer(volunteer)))
    status = 422 if form.errors else 200
    return render(request, "ledger/certificates/mine.html", {"form": form, "page_obj": page}, status=status)


@login_required
def certificate_pdf(request, pk):
    cert = services.certificate_get_for_download(request.user, pk)
    if cert.status not in (Certificate.Status.ISSUED, Certificate.Status.REVOKED) or not cert.number:
        raise Http404
    id_number = None
    if request.GET.get("official") == "1":
        # The full ID number only on an official print by a city admin, written to the audit log.
        if not scope_for(request.user).city_admin:
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


def _console(request):
    if not request.user.is_authenticated or not scope_for(request.user).can_write:
        raise Http404


@login_required
def certificate_queue(request):
    _console(request)
    status = request.GET.get("status", Certificate.Status.REQUESTED)
    if status not in Certificate.Status.values:
        status = Certificate.Status.REQUESTED
    qs = services.certificate_queue_for(request.user).filter(status=status)
    context = {
        "page_obj": _with_hours(paginate(request, qs)),
        "status": status,
        "statuses": Certificate.Status.choices,
    }
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
    cert.hours = services.hours_text(cert.total_minutes)
    cert.credit_hours = services.hours_text(cert.credit_minutes)
    context = {
        "cert": cert,
        "issue_form": issue_form,
        "reason_form": reason_form or ReasonForm(),
        "may_print_official": scope_for(request.user).city_admin,
    }
    return render(request, "ledger/certificates/detail.html", context, status=status)


@login_required
def certificate_detail(request, pk):
    _console(request)
    return _detail(request, services.certificate_get_for_issuer(request.user, pk))


@login_required
@require_POST
def certificate_issue(request, pk):
    _console(request)
    cert = services.certificate_get_for_issuer(request.user, pk)
    form = IssueForm(request.POST)
    if form.is_valid():
        try:
            services.certificate_issue(
                actor=request.user, certificate=cert, request=request, **form.cleaned_data
            )
        except FieldErrors as exc:
            _add_errors(form, exc)
        except Refused as exc:
            messages.error(request, exc.message)
            return redirect("ledger:certificate_detail", pk=cert.pk)
        else:
            messages.success(request, _("Certificate %(number)s issued.") % {"number": cert.number})
            return redirect("ledger:certificate_detail", pk=cert.pk)
    return _detail(request, cert, issue_form=form, status=422)


def _with_reason(request, pk, service, done_message):
    _console(request)
    cert = services.certificate_get_for_issuer(request.user, pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            service(actor=request.user, certificate=cert, reason=form.cleaned_data["reason"], request=request)
        except FieldErrors as exc:
            _add_errors(form, exc)
        except Refused as exc:
            messages.error(request, exc.message)
            return redirect("ledger:certificate_detail", pk=cert.pk)
        else:
            messages.success(request, done_message)
            return redirect("ledger:certificate_detail", pk=cert.pk)
    return _detail(request, cert, reason_form=form, status=422)


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
    hours = services.hours_text(result.certificate.total_minutes) if result and result.certificate else ""
    context = {"result": result, "number": number, "hours": hours}
    return render(request, "ledger/certificates/verify.html", context, status=status)


def verify(request, number):
    return _verify_page(request, services.certificate_verify(number=number[:40]), number)


def verify_lookup(request):
    """The form, a number typed in, or a scanned QR code's payload (?payload=…)."""
    payload = request.GET.get("payload", "").strip()
    number = request.GET.get("number", "").strip()
    if number and not payload:
        return redirect("ledger:verify", number=number[:40])
    if not payload:
        return _verify_page(request, None)
    return _verify_page(request, services.certificate_verify(payload=payload[:4000]))
