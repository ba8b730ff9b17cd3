from django.conf import settings


class DefaultLanguageMiddleware:
    """Chinese unless the user chose otherwise.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so a phone set to
    English would get English by default; the city wants Chinese first and English on request
    (the language switcher sets the cookie).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class PrivateCacheMiddleware:
    """`Cache-Control: private, no-store` on every answer meant for one person.

    A page for a logged-in user, an API answer to a bearer token and any file download (an export
    full of names and phone numbers) must not stay in a shared proxy or in the browser's cache,
    where the next person on a shared computer could read it with the Back button. A view that set
    Cache-Control itself knows better and is left alone (a public key cached for an hour, the QR
    screen's `no-store`). Pages for anonymous visitors keep their defaults.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control") and (
            _is_attachment(response) or _is_authenticated(request)
        ):
            response["Cache-Control"] = "private, no-store"
        return response


def _is_attachment(response) -> bool:
    return response.get("Content-Disposition", "").lstrip().lower().startswith("attachment")


def _is_authenticated(request) -> bool:
    if request.META.get("HTTP_AUTHORIZATION"):
        return True  # a bearer token, proven or not: the answer is for that client only
    user = getattr(request, "user", None)  # AuthenticationMiddleware's, or the API's bearer user
    return bool(user is not None and user.is_authenticated)
