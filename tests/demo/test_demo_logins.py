"""`make run` serves on HOST:PORT and tells the site that address; `demo_logins` prints it."""

from __future__ import annotations

import os
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def seeded(db):
    call_command("seed_demo", volunteers=50, seed=7, network_only=True, stdout=StringIO())


def logins(**options) -> str:
    out = StringIO()
    call_command("demo_logins", stdout=out, **options)
    return out.getvalue()


def test_demo_logins_prints_the_address_the_site_serves(seeded, settings):
    settings.HUIGUANG_SITE_URL = "http://127.0.0.1:8123/"
    output = logins()
    assert "http://127.0.0.1:8123/accounts/login/" in output
    assert ":8000" not in output


def test_demo_logins_url_option_wins(seeded, settings):
    settings.HUIGUANG_SITE_URL = "http://127.0.0.1:8123"
    output = logins(url="https://zyz.pinghu.example/")
    assert "https://zyz.pinghu.example/accounts/login/" in output
    assert ":8123" not in output


def _make_run(*args: str, **env: str) -> list[str]:
    """The commands `make run` would run (dry run), the demo_logins and runserver lines joined."""
    environ = {k: v for k, v in os.environ.items() if k not in {"HUIGUANG_SITE_URL", "HOST", "PORT"}}
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", "run", "VENV=/nonexistent-venv", *args],
        cwd=ROOT,
        env={**environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    text = result.stdout.replace("\\\n", " ")
    return [line for line in text.splitlines() if "demo_logins" in line or "runserver" in line]


def test_make_run_gives_the_served_address_to_the_site_and_the_logins():
    demo, server = _make_run("HOST=192.168.1.20", "PORT=8123")
    assert demo.startswith("HUIGUANG_SITE_URL=http://192.168.1.20:8123 ")
    assert "HUIGUANG_SITE_URL=http://192.168.1.20:8123 " in server
    assert server.endswith("runserver 192.168.1.20:8123")


def test_make_run_keeps_a_public_address_from_the_environment():
    demo, server = _make_run(HUIGUANG_SITE_URL="https://zyz.pinghu.example")
    assert demo.startswith("HUIGUANG_SITE_URL=https://zyz.pinghu.example ")
    assert "HUIGUANG_SITE_URL=https://zyz.pinghu.example " in server
    assert server.endswith("runserver 127.0.0.1:8000")
