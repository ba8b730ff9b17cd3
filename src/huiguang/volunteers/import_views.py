from django.http import Http404


def upload(request):
    raise Http404
