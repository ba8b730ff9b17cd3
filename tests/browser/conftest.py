"""Browser-test helpers: Playwright (Python) driving Debian's chromium against pytest-django's
live server. The fixtures (`browser`, `phone`, `desktop`) live in tests/conftest.py so that every
test directory shares one browser.

Screenshots of every step go to var/screenshots/ (open them to look at the pages as a person).
"""

from __future__ import annotations

import os
from pathlib import Path

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the test
# itself are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("HUIGUANG_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1366, "height": 900}


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def scroll_width(page) -> int:
    """The page's full width in CSS pixels (more than the screen's means it scrolls sideways),
    read once the document has loaded: right after a click that navigates, the old document may be
    gone and the new one not yet there."""
    page.wait_for_function("() => document.readyState === 'complete' && document.documentElement !== null")
    return page.evaluate("() => document.documentElement.scrollWidth")


def login(page, base_url: str, phone_number: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", phone_number)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit]")
    page.wait_for_load_state()


def open_menu_if_collapsed(page) -> None:
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
