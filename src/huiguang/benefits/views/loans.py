"""志愿贷 on the web: the volunteer's products, tier and referrals (phone); the bank officer's
register, check and decision (phone); the city's products and statistics (console)."""

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
from huiguang.core.masking import mask_name
from huiguang.core.pagination import paginate

from ..exports.loans import XLSX, loan_statistics_xlsx
from ..forms.loans import AttestationForm, DecisionForm, LoanProductForm, ReferralRequestForm
from ..models import Partner
from ..permissions import managed_partners, may_manage_partners, may_read_partner_statistics, partners_of
from ..selectors import loans as selectors
from ..services import loans as services
from .common import qr_svg, volunteer_or_404


def _offer(product, snapshot) -> dict:
    """A product as the volunteer sees it: every band, the one their score reaches, the next."""
    return {
        "product": product,
        "tiers": services.tiers_of(product),
        "tier": services.tier_for(product, snapshot.score),
        "next": services.next_tier(product, snapshot.score),
    }


# --- the volunteer ------------------------------------------------------------------------------


@login_required
def my_loans(request):
    volunteer = volunteer_or_404(request)
    snapshot = services.current_score(volunteer)
    context = {
        "snapshot": snapshot,
        "offers": [_offer(p, snapshot) for p in selectors.products_open()],
        "referrals": selectors.referrals_of(volunteer)[:20],
    }
    return render(request, "benefits/loans/mine.html", context)


@login_required
def loan_request(request, pk):
    volunteer = volunteer_or_404(request)
    product = selectors.product_open_get(pk)
    form = ReferralRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_request(
                volunteer=volunteer,
                product=product,
                days=form.cleaned_data["days"],
                user=request.user,
                request=request,
            )
        except Refused as exc:
            form.add_error(None, exc.message)
        except FieldErrors as exc:
            show_errors(form, exc)
        else:
            messages.success(
                request, _("Your referral and its attestation are ready; show them to the bank.")
            )
            return redirect("benefits:my_referral", pk=referral.pk)
    snapshot = services.current_score(volunteer)
    context = {
        "form": form,
        "snapshot": snapshot,
        "fields": services.LOAN_FIELDS,
        **_offer(product, snapshot),
    }
    return render(request, "benefits/loans/request.html", context, status=form_status(form))


@login_required
def my_referral(request, pk):
    referral = selectors.referral_of(volunteer_or_404(request), pk)
    link = absolute_url(reverse("benefits:bank_verify") + f"?token={referral.attestation}")
    context = {"referral": referral, "qr": qr_svg(link), "link": link}
    return render(request, "benefits/loans/referral.html", context)


# --- the bank officer ---------------------------------------------------------------------------


def _bank(request) -> Partner:
    bank = partners_of(request.user, Partner.Kind.BANK).first()
    if bank is None:
        raise Http404
    return bank


@login_required
def bank_referrals(request):
    _bank(request)
    status = request.GET.get("status", "")
    qs = selectors.referral_register_for(request.user, status=status)
    context = {"page_obj": paginate(request, qs), "status": status, "form": AttestationForm()}
    return render(request, "benefits/loans/bank_list.html", context)


@login_required
def bank_verify(request):
    """Paste (POST) or scan (GET ?token=…) an attestation."""
    bank = _bank(request)
    data = request.POST if request.method == "POST" else (request.GET if "token" in request.GET else None)
    form = AttestationForm(data)
    result = None
    if data is not None and form.is_valid():
        result = services.attestation_check(user=request.user, partner=bank, text=form.cleaned_data["token"])
        if result.referral is not None:
            return _bank_detail(request, result.referral, checked=result)
    return render(
        request, "benefits/loans/bank_verify.html", {"form": form, "result": result}, status=form_status(form)
    )


def _bank_detail(request, referral, *, checked=None, form=None, status=200):
    context = {
        "referral": referral,
        "masked_name": mask_name(referral.volunteer.real_name),
        "checked": checked,
        "form": form or DecisionForm(),
    }
    return render(request, "benefits/loans/bank_detail.html", context, status=status)


@login_required
def bank_referral(request, pk):
    referral = selectors.referral_get_for_bank(request.user, pk)
    services.referral_open(user=request.user, referral=referral, what=_("referral opened"))
    return _bank_detail(request, referral)


@login_required
@require_POST
def bank_decide(request, pk):
    referral = selectors.referral_get_for_bank(request.user, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.referral_decide(
                user=request.user, referral=referral, request=request, **form.decision_data()
            )
        except FieldErrors as exc:
            show_errors(form, exc)
        except Refused as exc:
            messages.error(request, exc.message)
            return redirect("benefits:bank_referral", pk=referral.pk)
        else:
            messages.success(request, _("The outcome has been recorded."))
            return redirect("benefits:bank_referral", pk=referral.pk)
    return _bank_detail(request, referral, form=form, status=form_status(form))


# --- the city's console -------------------------------------------------------------------------


def _product_viewer(request) -> None:
    if not (may_manage_partners(request.user) or managed_partners(request.user, Partner.Kind.BANK).exists()):
        raise Http404


@login_required
def loan_products(request):
    _product_viewer(request)
    context = {
        "page_obj": paginate(request, selectors.product_list_for(request.user)),
        "may_edit": may_manage_partners(request.user),
    }
    return render(request, "benefits/loans/products.html", context)


@login_required
def loan_product_edit(request, pk=None):
    if not may_manage_partners(request.user):
        raise Http404
    product = selectors.product_get_for(request.user, pk) if pk else None
    form = LoanProductForm(request.POST if request.method == "POST" else None, instance=product)
    if request.method == "POST" and form.is_valid():
        try:
            services.loan_product_save(
                actor=request.user, data=form.product_data(), product=product, request=request
            )
        except FieldErrors as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("The product has been saved."))
            return redirect("benefits:loan_products")
    return render(
        request,
        "benefits/loans/product_form.html",
        {"form": form, "product": product},
        status=form_status(form),
    )


@login_required
def loan_product_view(request, pk):
    """A bank manager reads a product (and its bands) without editing it."""
    product = selectors.product_get_for(request.user, pk)
    if may_manage_partners(request.user):
        return redirect("benefits:loan_product_edit", pk=product.pk)
    return render(
        request, "benefits/loans/product_view.html", {"product": product, "tiers": services.tiers_of(product)}
    )


def _statistics_reader(request) -> None:
    if not may_read_partner_statistics(request.user):
        raise Http404


@login_required
def loan_statistics(request):
    _statistics_reader(request)
    context = {"totals": selectors.loan_totals(), "months": selectors.loan_totals_by_month()}
    return render(request, "benefits/loans/statistics.html", context)


@login_required
def loan_statistics_export(request):
    _statistics_reader(request)
    response = HttpResponse(loan_statistics_xlsx(actor=request.user, request=request), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="loan-statistics.xlsx"'
    return response
