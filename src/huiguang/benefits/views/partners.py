"""The city's partner register (console): partners, their staff accounts and their offers."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huiguang.core.errors import FieldErrors
from huiguang.core.forms import form_status, show_errors
from huiguang.core.pagination import paginate

from ..forms.offers import OfferForm
from ..forms.partners import PartnerForm, StaffAddForm
from ..models import Partner
from ..selectors.offers import offer_get_for_admin, offers_of
from ..selectors.partners import partner_get_for, partner_list_for, partner_staff_get, partner_staff_list
from ..services import offers as offer_services
from ..services import partners as services
from .common import partner_admin


@partner_admin
def partner_list(request):
    kind = request.GET.get("kind", "")
    kind = kind if kind in Partner.Kind.values else ""
    q = (request.GET.get("q") or "").strip()[:100]
    context = {
        "page_obj": paginate(request, partner_list_for(request.user, kind=kind, q=q)),
        "kinds": Partner.Kind.choices,
        "filters": {"kind": kind, "q": q},
    }
    return render(request, "benefits/partners/list.html", context)


def _form_page(request, form, *, title, cancel_url):
    context = {"form": form, "title": title, "submit": _("Save"), "cancel_url": cancel_url}
    return render(request, "network/form.html", context, status=form_status(form))


@partner_admin
def partner_create(request):
    form = PartnerForm(
        request.POST if request.method == "POST" else None, initial={"kind": Partner.Kind.STORE}
    )
    if request.method == "POST" and form.is_valid():
        try:
            partner = services.partner_create(user=request.user, request=request, **form.cleaned_data)
        except FieldErrors as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("The partner has been registered."))
            return redirect("benefits:partner_detail", partner.pk)
    return _form_page(request, form, title=_("New partner"), cancel_url=reverse("benefits:partner_list"))


@partner_admin
def partner_edit(request, pk):
    partner = partner_get_for(request.user, pk)
    initial = {f: getattr(partner, f) for f in services.PARTNER_FIELDS}
    form = PartnerForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_update(user=request.user, partner=partner, request=request, **form.cleaned_data)
        except FieldErrors as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("The partner has been saved."))
            return redirect("benefits:partner_detail", partner.pk)
    cancel = reverse("benefits:partner_detail", args=[partner.pk])
    return _form_page(request, form, title=_("Edit %(name)s") % {"name": partner.name}, cancel_url=cancel)


def _detail(request, partner, *, staff_form=None, status=200):
    context = {
        "partner": partner,
        "staff": partner_staff_list(partner),
        "offers": offers_of(partner),
        "staff_form": staff_form or StaffAddForm(),
    }
    return render(request, "benefits/partners/detail.html", context, status=status)


@partner_admin
def partner_detail(request, pk):
    return _detail(request, partner_get_for(request.user, pk))


@partner_admin
@require_POST
def staff_add(request, pk):
    partner = partner_get_for(request.user, pk)
    form = StaffAddForm(request.POST)
    if form.is_valid():
        try:
            staff, password = services.partner_staff_add(
                user=request.user, partner=partner, request=request, **form.cleaned_data
            )
        except FieldErrors as exc:
            show_errors(form, exc)
        else:
            if password:
                messages.success(
                    request,
                    _(
                        "Account %(phone)s created with the one-time password %(password)s: "
                        "hand it over in person."
                    )
                    % {"phone": staff.user.phone, "password": password},
                )
            else:
                messages.success(request, _("%(name)s now acts for this partner.") % {"name": staff.user})
            return redirect("benefits:partner_detail", partner.pk)
    return _detail(request, partner, staff_form=form, status=form_status(form))


@partner_admin
@require_POST
def staff_active(request, pk, staff_pk):
    partner = partner_get_for(request.user, pk)
    staff = partner_staff_get(partner, staff_pk)
    services.partner_staff_set_active(
        user=request.user, staff=staff, active=request.POST.get("active") == "1", request=request
    )
    return redirect("benefits:partner_detail", partner.pk)


def _offer_page(request, form, partner, title):
    cancel = reverse("benefits:partner_detail", args=[partner.pk])
    context = {"form": form, "title": title, "submit": _("Save"), "cancel_url": cancel, "partner": partner}
    return render(request, "network/form.html", context, status=form_status(form))


@partner_admin
def offer_create(request, pk):
    partner = partner_get_for(request.user, pk)
    now = timezone.localtime().replace(second=0, microsecond=0)
    initial = {"valid_from": now, "valid_until": now + dt.timedelta(days=90)}
    form = OfferForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            offer_services.offer_create(
                user=request.user, partner=partner, request=request, **form.cleaned_data
            )
        except FieldErrors as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("The offer has been published."))
            return redirect("benefits:partner_detail", partner.pk)
    return _offer_page(request, form, partner, _("New offer of %(name)s") % {"name": partner.name})


@partner_admin
def offer_edit(request, pk):
    offer = offer_get_for_admin(request.user, pk)
    initial = {f: getattr(offer, f) for f in offer_services.OFFER_FIELDS}
    for f in ("valid_from", "valid_until"):
        initial[f] = timezone.localtime(initial[f])
    form = OfferForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            offer_services.offer_update(user=request.user, offer=offer, request=request, **form.cleaned_data)
        except FieldErrors as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("The offer has been saved."))
            return redirect("benefits:partner_detail", offer.partner_id)
    return _offer_page(request, form, offer.partner, _("Edit %(name)s") % {"name": offer.title})
