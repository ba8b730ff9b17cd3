"""Who may open what in the console: the decorators and questions built on the Scope (scope.py)."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404

from .scope import scope_for


def console_view(view):
    """Login required; users without any console role get 404 (the console does not exist for them)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not scope_for(request.user).is_console_user:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped
