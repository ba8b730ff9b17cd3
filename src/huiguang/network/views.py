from django.http import Http404


def directory(request):
    raise Http404


def org_public(request, code):
    raise Http404


def region_list(request):
    raise Http404


def org_list(request):
    raise Http404


def site_list(request):
    raise Http404


def membership_list(request):
    raise Http404
