"""Pages of rapid mobilization campaigns: the console (list, create, board, recruits and screening,
bulk assignment, messages, the .xlsx) and the public short registration with its QR.
Outside the scope: 404 (console_page); an invalid form 422; a refusal 409."""

from __future__ import annotations

from io import BytesIO

import segno
from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.forms import form_status, show_errors
from huiguang.core.pagination import paginate
from huiguang.network.models import Region
from huiguang.network.permissions import console_page
from huiguang.training.models import Course
from huiguang.volunteers import services as volunteer_services
from huiguang.volunteers.forms import RegistrationForm

from .. import permissions as perms
from ..campaign_exports import recruits_xlsx
from ..forms.campaigns import AssignForm, BlastForm, CampaignForm, JoinForm, ScreenForm
from ..models.campaigns import Recruit
from ..selectors import campaigns as sel
from ..services import campaigns as svc


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


# --- console -------------------------------------------------------------------------------------


@console_page
def campaign_list(request):
    if perms.campaigns_visible_q(request.user) is None:
        raise Http404
    page = paginate(request, sel.campaign_list_for(request.user))
    return render(
        request,
        "mobilization/campaigns/list.html",
        {"page": page, "may_create": perms.may_create_campaigns(request.user)},
    )


@console_page
def campaign_create(request):
    regions_q = perms.campaign_regions_q(request.user)
    if regions_q is None:
        raise Http404
    form = CampaignForm(
        request.POST if request.method == "POST" else None,
        regions=Region.objects.filter(regions_q, level__in=[Region.Level.CITY, Region.Level.TOWN]).order_by(
            "code"
        ),
        courses=Course.objects.filter(is_active=True, grants__isnull=False).order_by("title"),
    )
    status = form_status(form)
    if request.method == "POST" and form.is_valid():
        campaign, status = _run(
            form, lambda: svc.campaign_create(actor=request.user, request=request, **form.data_for_service())
        )
        if campaign is not None:
            messages.success(request, _("Campaign created as a draft: open it to recruit."))
            return redirect("mobilization:campaign_detail", campaign.pk)
    return render(
        request,
        "network/form.html",
        {
            "form": form,
            "title": _("New mobilization campaign"),
            "cancel_url": reverse("mobilization:campaign_list"),
            "submit": _("Create"),
        },
        status=status,
    )


def _board_context(request, campaign) -> dict:
    return {
        "campaign": campaign,
        "may_manage": sel.may_manage(request.user, campaign),
        "funnel": sel.campaign_funnel(campaign),
        "towns": sel.campaign_by_town(campaign),
        "days": [{**d, "day": d["day"].isoformat()} for d in sel.campaign_by_day(campaign)],
        "public_url": request.build_absolute_uri(reverse("mobilization:campaign_public", args=[campaign.pk])),
    }


@console_page
def campaign_detail(request, pk):
    """The progress board: the funnel against the targets, by town, by day."""
    campaign = sel.campaign_get_for(request.user, pk)
    svc.recruits_refresh_trained(campaign=campaign)
    return render(request, "mobilization/campaigns/board.html", _board_context(request, campaign))


@console_page
@require_POST
def campaign_status(request, pk, move):
    campaign = sel.campaign_managed_get(request.user, pk)
    try:
        svc.campaign_set_status(actor=request.user, campaign=campaign, move=move, request=request)
    except Refused as exc:
        messages.error(request, exc.message)
        return render(
            request, "mobilization/campaigns/board.html", _board_context(request, campaign), status=409
        )
    return redirect("mobilization:campaign_detail", campaign.pk)


@console_page
def campaign_recruits(request, pk):
    """The recruits, filtered; those waiting for a review are approved or rejected in bulk here."""
    campaign = sel.campaign_get_for(request.user, pk)
    stage = request.GET.get("stage", "")
    stage = stage if stage in Recruit.Stage.values else ""
    review = request.GET.get("review") == "1"
    town = request.GET.get("town", "")
    recruits = sel.recruit_list(
        campaign,
        stage=stage,
        town_id=int(town) if town.isdigit() and len(town) < 12 else None,
        review=review,
        q=request.GET.get("q", "")[:64],
    )
    form, status = None, 200
    if request.method == "POST":
        if not sel.may_manage(request.user, campaign):
            raise Http404
        waiting = list(sel.recruit_list(campaign, review=True).values_list("pk", flat=True))
        form = ScreenForm(request.POST, recruit_ids=waiting)
        status = 422
        if form.is_valid():
            d = form.cleaned_data
            changed, status = _run(
                form,
                lambda: svc.recruits_screen(
                    actor=request.user,
                    campaign=campaign,
                    ids=d["ids"],
                    approve=d["decision"] == "approve",
                    reason=d["reason"],
                    request=request,
                ),
            )
            if changed is not None:
                messages.success(request, _("%(n)d recruits screened.") % {"n": changed})
                return redirect(reverse("mobilization:campaign_recruits", args=[campaign.pk]) + "?review=1")
    context = {
        "campaign": campaign,
        "page": paginate(request, recruits),
        "stage": stage,
        "review": review,
        "stages": Recruit.Stage.choices,
        "towns": sel.campaign_towns(campaign),
        "town": town,
        "form": form,
        "may_manage": sel.may_manage(request.user, campaign),
    }
    return render(request, "mobilization/campaigns/recruits.html", context, status=status)


@console_page
def campaign_export(request, pk):
    campaign = sel.campaign_get_for(request.user, pk)
    return recruits_xlsx(request=request, campaign=campaign, recruits=sel.recruit_list(campaign))


@console_page
def campaign_assign(request, pk):
    """Bulk assignment of trained recruits to shifts; the result lists every recruit."""
    campaign = sel.campaign_managed_get(request.user, pk)
    form = AssignForm(
        request.POST if request.method == "POST" else None,
        shifts=sel.assignable_shifts(request.user),
        towns=sel.campaign_towns(campaign),
    )
    result, status = None, form_status(form)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        result, status = _run(
            form,
            lambda: svc.recruits_assign(
                actor=request.user,
                campaign=campaign,
                shifts=sorted(d["shifts"], key=lambda s: (s.starts_at, s.pk)),
                town=d["town"],
                request=request,
            ),
        )
    trained = Recruit.objects.filter(campaign=campaign, stage=Recruit.Stage.TRAINED).count()
    return render(
        request,
        "mobilization/campaigns/assign.html",
        {"campaign": campaign, "form": form, "result": result, "trained": trained},
        status=status,
    )


@console_page
def campaign_blasts(request, pk):
    """Messages to recruits, with their delivery counts; the course push."""
    campaign = sel.campaign_get_for(request.user, pk)
    manage = sel.may_manage(request.user, campaign)
    form, status = None, 200
    if manage:
        form = BlastForm(
            request.POST if request.method == "POST" else None, towns=sel.campaign_towns(campaign)
        )
        status = form_status(form)
    elif request.method == "POST":
        raise Http404
    if request.method == "POST" and form is not None and form.is_valid():
        d = form.cleaned_data
        blast, status = _run(
            form,
            lambda: svc.campaign_blast_send(
                actor=request.user,
                campaign=campaign,
                title=d["title"],
                body=d["body"],
                stage=d["stage"],
                town=d["town"],
                request=request,
            ),
        )
        if blast is not None:
            messages.success(request, _("Message sent to %(n)d recruits.") % {"n": blast.recipients})
            return redirect("mobilization:campaign_blasts", campaign.pk)
    return render(
        request,
        "mobilization/campaigns/blasts.html",
        {"campaign": campaign, "form": form, "blasts": sel.blast_list(campaign), "may_manage": manage},
        status=status,
    )


@console_page
@require_POST
def campaign_push_course(request, pk):
    campaign = sel.campaign_managed_get(request.user, pk)
    try:
        n = svc.campaign_course_push(actor=request.user, campaign=campaign, request=request)
    except (FieldErrors, Refused) as exc:
        messages.error(request, getattr(exc, "message", None) or " ".join(sum(exc.errors.values(), [])))  # type: ignore[union-attr]
        return redirect("mobilization:campaign_blasts", campaign.pk)
    messages.success(request, _("The induction course was pushed to %(n)d recruits.") % {"n": n})
    return redirect("mobilization:campaign_blasts", campaign.pk)


# --- public ----------------------------------------------------------------------------------------


def campaign_public(request, pk):
    """The short registration (the QR leads here): a volunteer answers the questions and joins with
    one tap; a newcomer registers real-name first (the volunteers app's form and service)."""
    campaign = sel.campaign_public_get(pk)
    user = request.user if request.user.is_authenticated else None
    volunteer = getattr(user, "volunteer", None) if user else None
    recruit = sel.recruit_of(campaign, volunteer)
    questions = list(campaign.questions.all())
    registration, join, status = None, None, 200
    open_ = campaign.status == campaign.Status.RECRUITING
    if recruit is None and open_ and volunteer is None:
        if user is None:
            registration = RegistrationForm(request.POST if request.method == "POST" else None)
            status = form_status(registration)
            if request.method == "POST" and registration.is_valid():
                try:
                    volunteer = volunteer_services.volunteer_register(
                        data=registration.registration(), request=request
                    )
                except volunteer_services.RegistrationError as exc:
                    show_errors(registration, exc)
                    status = 422
                else:
                    login(request, volunteer.user, backend="django.contrib.auth.backends.ModelBackend")
                    messages.success(request, _("Registered: now answer the questions and join."))
                    return redirect("mobilization:campaign_public", campaign.pk)
        elif request.method == "POST":
            status = 409  # signed in without a volunteer profile: the page says how to register
    elif recruit is None and open_:
        join = JoinForm(request.POST if request.method == "POST" else None, questions=questions)
        status = form_status(join)
        if request.method == "POST" and join.is_valid():
            recruit, status = _run(
                join,
                lambda: svc.recruit_join(
                    campaign=campaign, volunteer=volunteer, answers=join.answers(), request=request
                ),
            )
            if recruit is not None:
                return redirect("mobilization:campaign_public", campaign.pk)
    elif request.method == "POST" and recruit is None:
        status = 409
    context = {
        "campaign": campaign,
        "recruit": recruit,
        "registration": registration,
        "join": join,
        "is_open": open_,
        "signed_in_without_profile": user is not None and volunteer is None,
    }
    return render(request, "mobilization/campaigns/public.html", context, status=status)


def campaign_qr(request, pk):
    campaign = sel.campaign_public_get(pk)
    url = request.build_absolute_uri(reverse("mobilization:campaign_public", args=[campaign.pk]))
    out = BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=6, border=2)
    return HttpResponse(out.getvalue(), content_type="image/svg+xml")
