import unicodedata

from django.core.management.base import BaseCommand
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from huiguang.core.links import site_url
from huiguang.demo.accounts import DEMO_PASSWORD
from huiguang.demo.selectors import demo_login_list


def display_width(text: str) -> int:
    """Terminal columns: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def text_table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(display_width(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(pad(cell, width) for cell, width in zip(cells, widths, strict=True)).rstrip()

    return [line(header), "  ".join("-" * w for w in widths), *(line(row) for row in rows)]


class Command(BaseCommand):
    help = "Print the demo accounts (role, name, mobile number, password, scope) and where to log in."

    def add_arguments(self, parser):
        parser.add_argument(
            "--url",
            default="",
            help="base URL of the running site (default: HUIGUANG_SITE_URL, as `make run` sets it)",
        )

    def handle(self, *args, url, **options):
        logins = demo_login_list()
        if not any(login.present for login in logins):
            self.stdout.write(
                self.style.WARNING(
                    _("This database holds no demo accounts: run `huiguang seed_demo` on an empty database.")
                )
            )
            return
        header = [_("Role"), pgettext("person", "Name"), _("Mobile number"), _("Password"), _("Scope")]
        rows = [
            [str(login.account.label), login.name, login.phone, DEMO_PASSWORD, login.scope]
            if login.present
            else [str(login.account.label), _("(missing)"), login.phone, "", ""]
            for login in logins
        ]
        base = url.rstrip("/") or site_url()
        self.stdout.write(
            _("Demo accounts (one password for all: %(password)s)") % {"password": DEMO_PASSWORD}
        )
        self.stdout.write("")
        for text in text_table(header, rows):
            self.stdout.write(text)
        self.stdout.write("")
        self.stdout.write(
            _("Open %(url)s and log in at %(login)s with a mobile number and the password.")
            % {"url": base, "login": base + reverse("accounts:login")}
        )
