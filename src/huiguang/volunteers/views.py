from django.http import Http404


def register(request):
    raise Http404


def me(request):
    raise Http404


def ecard(request):
    raise Http404


def reveal_own_id(request):
    raise Http404


def guardian_consent(request, pk):
    raise Http404


def console_list(request):
    raise Http404


def console_detail(request, pk):
    raise Http404


def console_reveal_id(request, pk):
    raise Http404
