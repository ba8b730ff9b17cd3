"""The bulletin pages: the console (list, generate, one bulletin with its actions, downloads) and
the public pages of the published bulletins."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.forms import form_status, show_errors
from huiguang.core.pagination import paginate
from huiguang.network.permissions import console_page

from ..forms.bulletins import GenerateForm
from ..models import Bulletin
from ..permissions import may_see_bulletins, may_write_bulletins
from ..selectors.bulletins import (
    bulletin_get_for,
    bulletin_list_for,
    bulletin_page,
    bulletin_public_get,
    bulletin_public_list,
)
from ..services import bulletins as services

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _reader(request) -> None:
    if not may_see_bulletins(request.user):
        raise Http404


@console_page
def console_list(request):
    _reader(request)
    data = request.POST if request.method == "POST" else None
    form = GenerateForm(data) if may_write_bulletins(request.user) else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                month = services.parse_month(form.cleaned_data["month"])
                bulletin = services.bulletin_generate(actor=request.user, month=month, request=request)
            except (FieldErrors, Refused) as exc:
                show_errors(
                    form, exc if isinstance(exc, FieldErrors) else FieldErrors({"month": [exc.message]})
                )
            else:
                messages.success(
                    request, _("The bulletin was generated as a draft: review it, then publish it.")
                )
                return redirect("reports:console_detail", month=f"{bulletin.month:%Y-%m}")
    context = {"form": form, "page_obj": paginate(request, bulletin_list_for(request.user))}
    return render(request, "reports/console_list.html", context, status=form_status(form) if form else 200)


@console_page
def console_detail(request, month):
    _reader(request)
    bulletin = bulletin_get_for(request.user, month)
    context = {
        "bulletin": bulletin,
        "may_write": may_write_bulletins(request.user),
        "console": True,
        **bulletin_page(bulletin, user=request.user),
    }
    return render(request, "reports/detail.html", context)


@require_POST
@console_page
def console_move(request, month, step):
    _reader(request)
    bulletin = bulletin_get_for(request.user, month)
    move = {"review": services.bulletin_review, "publish": services.bulletin_publish}.get(step)
    if move is None:
        raise Http404
    try:
        move(actor=request.user, bulletin=bulletin, request=request)
    except Refused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Bulletin reviewed.") if step == "review" else _("Bulletin published."))
    return redirect("reports:console_detail", month=month)


def _file(bulletin: Bulletin, kind: str) -> HttpResponse:
    bulletin = services.bulletin_files(bulletin)
    if kind == "pdf":
        response = HttpResponse(bytes(bulletin.pdf), content_type="application/pdf")
    else:
        response = HttpResponse(bytes(bulletin.xlsx), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="bulletin-{bulletin.month:%Y-%m}.{kind}"'
    return response


@console_page
def console_download(request, month, kind):
    _reader(request)
    return _file(bulletin_get_for(request.user, month), kind)


def public_list(request):
    return render(
        request, "reports/public_list.html", {"page_obj": paginate(request, bulletin_public_list())}
    )


def public_detail(request, month):
    bulletin = bulletin_public_get(month)
    context = {"bulletin": bulletin, "console": False, **bulletin_page(bulletin, public=True)}
    return render(request, "reports/detail.html", context)


def public_download(request, month, kind):
    return _file(bulletin_public_get(month), kind)


# --- a service project's figures (issue 12), from the project × month rollups ---------------------
