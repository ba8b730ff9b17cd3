"""Absolute links to this site: one public address for every link that leaves the browser.

Share links, QR codes (activity, check-in, certificate), calendar feeds and the links in e-mail and
SMS are read outside the request that made them, often by another device, so they are built on
`HUIGUANG_SITE_URL` (the address the public reaches, behind any proxy), never on the host header
of the request that happened to render them.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings


def site_url() -> str:
    """The public address without a trailing slash: "https://zyz.pinghu.example"."""
    return str(settings.HUIGUANG_SITE_URL).rstrip("/")


def absolute_url(path: str) -> str:
    """`path` ("/activities/7/", from `reverse`) on the public address; a URL that already has a
    scheme and host (a media file on another host) is returned unchanged."""
    parts = urlsplit(path)
    if parts.scheme or parts.netloc:
        return path
    return site_url() + ("" if path.startswith("/") else "/") + path


def site_host() -> str:
    """The public host name ("zyz.pinghu.example"), for identifiers such as calendar UIDs."""
    return urlsplit(site_url()).hostname or "huiguang"
