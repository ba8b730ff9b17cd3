"""Helpers of the network's pages."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme


def filters_from(request, *names) -> dict[str, str]:
    return {name: request.GET.get(name, "").strip()[:100] for name in names}


def next_url(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def form_page(request, form, *, title: str, cancel_url: str, submit: str, status: int = 200, intro: str = ""):
    context = {"form": form, "title": title, "cancel_url": cancel_url, "submit": submit, "intro": intro}
    return render(request, "network/form.html", context, status=status)
