from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import LoginView
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .forms import PhoneLoginForm


class PhoneLoginView(LoginView):
    form_class = PhoneLoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


login_view = PhoneLoginView.as_view()


@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, _("You have logged out."))
    return redirect("core:home")


def lockout(request, credentials=None, *args, **kwargs):
    """django-axes: too many failures for this mobile number from this address."""
    from django.conf import settings

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    form = PhoneLoginForm(request)
    return render(
        request,
        "accounts/login.html",
        {"form": form, "locked_out": True, "cooloff_minutes": minutes},
        status=429,
    )


# Implemented in accounts/console_views.py (tokens, roles, audit log).
def token_list(request):
    raise Http404


def token_revoke(request, pk):
    raise Http404


def grant_list(request):
    raise Http404


def grant_revoke(request, pk):
    raise Http404


def audit_list(request):
    raise Http404
