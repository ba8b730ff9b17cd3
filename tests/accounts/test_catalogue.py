"""The accounts catalogue fragment: complete, and every placeholder kept in the translation."""

import re
from pathlib import Path

import polib

FRAGMENT = (
    Path(__file__).resolve().parents[2]
    / "src/huiguang/locale/fragments/accounts/zh_Hans/LC_MESSAGES/django.po"
)
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def test_fragment_is_fully_translated_with_the_same_placeholders():
    po = polib.pofile(str(FRAGMENT))
    assert po.metadata["Language"] == "zh_Hans"
    assert "charset=UTF-8" in po.metadata["Content-Type"]
    assert [e.msgid for e in po if not e.translated() or e.fuzzy] == []
    for entry in po:
        placeholders = sorted(PLACEHOLDER.findall(entry.msgid))
        assert placeholders == sorted(PLACEHOLDER.findall(entry.msgstr)), entry.msgid
