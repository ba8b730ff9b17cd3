"""The resident's pages (375 px first): sign up with an SMS code, post a need in a few taps (with
"use my location"), follow my requests and their states."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.forms import form_status, show_errors
from huiguang.core.pagination import paginate

from .. import permissions as perms
from ..forms import PhoneForm, RequestForm, ResidentSignupForm
from ..selectors.requests import request_get_for_resident, request_list_for_resident
from ..services import requests as services
from ..services.residents import phone_code_send, resident_register


def home(request):
    """The entry for residents: what they can do here, with the steps of a request."""
    context = {
        "resident": perms.resident_of(request.user),
        "volunteer": perms.volunteer_of(request.user),
        "worker": request.user.is_authenticated and perms.may_post_for_others(request.user),
    }
    return render(request, "needs/resident/home.html", context)


def signup(request):
    """Two steps on one page: the number gets a code by SMS; then the code, name and community."""
    if perms.resident_of(request.user) is not None:
        return redirect("needs:post")
    phone_form = PhoneForm(request.POST if request.POST.get("step") == "code" else None)
    form = ResidentSignupForm(request.POST if request.POST.get("step") == "register" else None)
    if phone_form.is_bound and phone_form.is_valid():
        try:
            phone_code_send(phone=phone_form.cleaned_data["phone"], request=request)
        except FieldErrors as exc:
            show_errors(phone_form, exc)
        except Refused as exc:
            phone_form.add_error("phone", exc.message)
        else:
            messages.success(request, _("A code was sent to your phone by SMS."))
            form = ResidentSignupForm(initial={"phone": phone_form.cleaned_data["phone"]})
    elif form.is_bound and form.is_valid():
        user = request.user if request.user.is_authenticated else None
        try:
            resident = resident_register(user=user, **form.cleaned_data, request=request)
        except FieldErrors as exc:
            show_errors(form, exc)
        else:
            if user is None:
                login(request, resident.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! You can now ask for help."))
            return redirect("needs:post")
    status = max(form_status(phone_form), form_status(form))
    return render(
        request, "needs/resident/signup.html", {"phone_form": phone_form, "form": form}, status=status
    )


@login_required
def post(request):
    """A resident posts a need; a community worker posts one for a resident (`?for=other`)."""
    resident = perms.resident_of(request.user)
    on_behalf = resident is None or request.GET.get("for") == "other"
    if on_behalf and not perms.may_post_for_others(request.user):
        if resident is None:
            return redirect("needs:signup")
        raise Http404
    regions = perms.regions_for_worker(request.user) if on_behalf else None
    initial = (
        {} if resident is None or on_behalf else {"address": resident.address, "phone": request.user.phone}
    )
    form = RequestForm(
        request.POST if request.method == "POST" else None,
        on_behalf=on_behalf,
        regions=regions,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            req = services.request_post(actor=request.user, data=form.service_data(), request=request)
        except FieldErrors as exc:
            show_errors(form, exc)
        else:
            messages.success(
                request, _("Your request %(n)s was posted. The community will review it.") % {"n": req.number}
            )
            if on_behalf:
                return redirect("needs:console_detail", pk=req.pk)
            return redirect("needs:mine_detail", pk=req.pk)
    context = {"form": form, "on_behalf": on_behalf}
    return render(request, "needs/resident/post.html", context, status=form_status(form))


@login_required
def mine(request):
    page = paginate(request, request_list_for_resident(request.user))
    return render(request, "needs/resident/mine.html", {"page_obj": page, "requests": page.object_list})


@login_required
def mine_detail(request, pk: int):
    req = request_get_for_resident(request.user, pk)
    return render(request, "needs/resident/detail.html", {"req": req})
