"""Odd query strings on every web page that takes no path argument, as three personas: never a 5xx.

The parameter names come from the page itself (the inputs and selects of its GET forms) plus the
names the list pages share; the values are the edges that broke pages before (the first and last
day of the calendar, numbers past 64 bits, slashes, NUL, very long text, lists, negative numbers).
Every page gets all its parameters at once with each odd value. Each parameter alone with each
edge is sent only where the page reads it: the test records which names the page's code looks up
in its query string (request.GET and its copies, a form's data), in every request made to it, the
first plain one included; a page that lists or copies its whole query string reads every name. A
name a page never looks up cannot change its answer; these requests were half the suite's time.
"""

from __future__ import annotations

import re

import pytest
from django.http import QueryDict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.datastructures import MultiValueDict

PERSONAS = ["anonymous", "volunteer", "city_admin"]
COMMON = ["q", "page", "date_from", "date_to", "region", "organization", "status", "kind", "id", "number"]
ODD = [
    "0001-01-01",
    "9999-12-31",
    "99999999999999999999",
    "9223372036854775808",
    "-1",
    "a/b",
    "%00",
    "0",
    "x" * 3000,
    "２０２６-１２-０６",
    "1e309",
    "' OR 1=1 --",
]
# Each parameter alone gets these (a filter that is empty but one is where the edges used to bite).
EDGES = ["0001-01-01", "9999-12-31", "99999999999999999999", "a/b", "-1"]
FORM = re.compile(r"<form[^>]*>(.*?)</form>", re.S | re.I)
NAME = re.compile(r"<(?:input|select|textarea)[^>]*\bname=\"([^\"]+)\"", re.I)


def _pages() -> list[str]:
    names = []

    def walk(patterns, namespace=None):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = p.namespace or namespace
                if ns in ("admin", "api", None) and p.namespace in ("admin", "api"):
                    continue
                walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern) and p.name and namespace and not p.pattern.regex.groups:
                names.append(f"{namespace}:{p.name}")

    walk(get_resolver().url_patterns)
    return sorted(set(names))


def _get_form_names(html: str) -> set[str]:
    names: set[str] = set()
    for form in FORM.finditer(html):
        head = html[form.start() : form.start() + 300].lower()
        if 'method="post"' in head:
            continue
        names.update(NAME.findall(form.group(1)))
    return names - {"csrfmiddlewaretoken"}


ALL = object()  # in `read`: the whole query string was listed or copied


@pytest.fixture
def read(monkeypatch) -> set:
    """The names looked up in any query dict (request.GET, its copies, a form's data) while the test
    runs, present or not; ALL once a query dict was listed, copied or encoded whole."""
    names: set = set()

    def looking_up(method):
        def wrapper(self, key, *args, **kwargs):
            names.add(key)
            return method(self, key, *args, **kwargs)

        return wrapper

    def listing(method):
        def wrapper(self, *args, **kwargs):
            if isinstance(self, QueryDict):  # not request.FILES, which the test client closes
                names.add(ALL)
            return method(self, *args, **kwargs)

        return wrapper

    for method in ("__getitem__", "get", "getlist", "__contains__", "pop", "setdefault"):
        monkeypatch.setattr(MultiValueDict, method, looking_up(getattr(MultiValueDict, method)))
    listings = ("__iter__", "keys", "items", "lists", "values", "dict", "copy", "__copy__", "__deepcopy__")
    for method in listings:
        monkeypatch.setattr(MultiValueDict, method, listing(getattr(MultiValueDict, method)))
    monkeypatch.setattr(QueryDict, "urlencode", listing(QueryDict.urlencode))
    return names


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_page_answers_5xx_to_odd_query_strings(city, persona, read):
    client = Client(raise_request_exception=False)  # a server error is an answer to count here
    if persona != "anonymous":
        client.force_login(city.users[persona])
    tried, errors = 0, []
    for name in _pages():
        url = reverse(name)
        read.clear()
        first = client.get(url)
        if first.status_code != 200 or "text/html" not in first.get("Content-Type", ""):
            continue
        params = sorted(_get_form_names(first.content.decode()) | set(COMMON))

        def send(query):
            nonlocal tried
            response = client.get(url, query)
            tried += 1
            if response.status_code >= 500:
                errors.append(f"{response.status_code} {url} {query}")

        for value in ODD:
            send({p: value for p in params})
        alone: set[str] = set()
        # Each name the page has read (so far: reading one may lead it to read another) alone.
        while todo := [p for p in params if p not in alone and (ALL in read or p in read)]:
            for p in todo:
                alone.add(p)
                for value in EDGES:
                    send({p: value})
    assert tried > 100
    assert errors == [], f"{len(errors)} of {tried} requests failed:\n" + "\n".join(
        e[:300] for e in errors[:40]
    )
