"""A volunteer's own qualifications, with their expiry."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from huiguang.volunteers.selectors import volunteer_own_get

from ..selectors import my_qualifications


@login_required
def my(request):
    volunteer = volunteer_own_get(request.user)
    return render(
        request,
        "training/my.html",
        {"qualifications": list(my_qualifications(volunteer)), "today": timezone.localdate()},
    )
