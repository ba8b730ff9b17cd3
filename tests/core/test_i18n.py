"""The zh-hans catalogue is complete: every msgid in the code has a Chinese translation."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.test import Client
from django.urls import reverse

SRC = Path(__file__).resolve().parents[2] / "src" / "huiguang"


def test_committed_catalogue_has_no_untranslated_or_fuzzy_entry():
    po = polib.pofile(str(SRC / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in po if not e.translated() and not e.obsolete]
    assert missing == [], f"untranslated in zh_Hans: {missing[:20]}"


def test_translations_keep_every_placeholder():
    po = polib.pofile(str(SRC / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    assert po.metadata["Language"] == "zh_Hans"
    pattern = re.compile(r"%\(\w+\)[sd]")
    for entry in po:
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            assert sorted(pattern.findall(entry.msgid)) == sorted(pattern.findall(text)), entry.msgid


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext (CI installs it)")
def test_every_string_in_the_code_is_in_the_catalogue(tmp_path):
    """Extract the strings afresh (makemessages on a copy of the tree): none may lack a translation."""
    copy = tmp_path / "huiguang"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "zh_Hans", "--no-location", "-i", "locale/*"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "huiguang.config.settings",
            "PYTHONPATH": str(SRC.parent),
            "HUIGUANG_VAR_DIR": str(tmp_path / "var"),
        },
    )
    po = polib.pofile(str(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in po if not e.translated() and not e.obsolete]
    assert missing == [], f"msgids without a Chinese translation: {missing[:30]}"


@pytest.mark.django_db
def test_pages_are_chinese_by_default_even_for_an_english_browser(client: Client):
    response = client.get(reverse("web:home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    body = response.content.decode()
    assert '<html lang="zh-CN">' in body
    assert "注册成为志愿者" in body


@pytest.mark.django_db
def test_english_can_be_chosen(client: Client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("web:home")).content.decode()
    assert "Register as a volunteer" in body
