"""Text hygiene (core/text.py): NFC text, and invisible, control and bidi characters refused with
a message on the field — in every form (BootstrapFormMixin) and for the API's text fields."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from huiguang.accounts.models import User
from huiguang.activities.forms import OutcomeForm
from huiguang.core.forms import BootstrapFormMixin
from huiguang.core.text import clean_text, has_bad_characters
from huiguang.ledger.forms import DisputeForm
from huiguang.volunteers.models import Volunteer

from ..volunteers.test_registration import form_data

INVISIBLE = "文本含有不可见字符"
CONTROL = "文本含有控制字符"
BIDI = "文本含有改变书写方向的字符"
NOT_ALLOWED = "文本含有不允许使用的字符"

BAD = [
    ("right-to-left override", "陈\u202e晓光", BIDI, "U+202E"),
    ("left-to-right isolate", "陈\u2066晓光", BIDI, "U+2066"),
    ("zero-width space", "陈\u200b晓光", INVISIBLE, "U+200B"),
    ("byte order mark", "\ufeff陈晓光", INVISIBLE, "U+FEFF"),
    ("soft hyphen", "陈\u00ad晓光", INVISIBLE, "U+00AD"),
    ("word joiner", "陈\u2060晓光", INVISIBLE, "U+2060"),
    ("Hangul filler", "\u3164", INVISIBLE, "U+3164"),
    ("NUL", "陈\x00晓光", CONTROL, "U+0000"),
    ("bell", "陈\x07晓光", CONTROL, "U+0007"),
    ("escape", "陈\x1b[31m晓光", CONTROL, "U+001B"),
    ("DEL", "陈\x7f晓光", CONTROL, "U+007F"),
    ("C1 control", "陈\x85晓光", CONTROL, "U+0085"),
    ("line separator", "陈\u2028晓光", CONTROL, "U+2028"),
    ("private use", "陈\ue000晓光", NOT_ALLOWED, "U+E000"),
    ("lone surrogate", "陈\ud800晓光", NOT_ALLOWED, "U+D800"),
    ("unassigned", "陈\u0378晓光", NOT_ALLOWED, "U+0378"),
]


@pytest.mark.parametrize("label,value,message,char", BAD, ids=[b[0] for b in BAD])
def test_bad_characters_are_refused_naming_the_problem(label, value, message, char):
    assert has_bad_characters(value)
    with pytest.raises(ValidationError) as exc:
        clean_text(value)
    assert exc.value.code == "bad_character"
    assert message in exc.value.messages[0] and char in exc.value.messages[0]


@pytest.mark.parametrize(
    "value,expected",
    [
        ("Jose\u0301 陈", "José 陈"),  # decomposed é → one code point
        ("Ａ组 ２号", "Ａ组 ２号"),  # full-width stays full-width: NFC does not fold it
        ("中\u3000文", "中\u3000文"),  # the ideographic space is ordinary Chinese text
        ("爱心 👨\u200d👩\u200d👧 ❤\ufe0f", "爱心 👨\u200d👩\u200d👧 ❤\ufe0f"),  # emoji joiners
        ("\U0001fae8", "\U0001fae8"),  # an emoji newer than this Python's Unicode tables
    ],
)
def test_ordinary_text_passes_in_nfc(value, expected):
    assert not has_bad_characters(value)
    assert clean_text(value) == expected


def test_newlines_and_tabs_only_in_multiline_text():
    assert clean_text("一\r\n二\r三\n\t四", multiline=True) == "一\n二\n三\n\t四"
    for value in ("一\n二", "一\t二", "一\r\n二"):
        with pytest.raises(ValidationError):
            clean_text(value)
    assert has_bad_characters("一\n二") and not has_bad_characters("一\n二", multiline=True)


def test_a_joiner_outside_an_emoji_sequence_is_refused():
    assert has_bad_characters("陈\u200d晓光")


# --- every form, through BootstrapFormMixin ----------------------------------------------------


# A lone surrogate cannot travel in UTF-8: a request can't carry one (it arrives as U+FFFD).
SENDABLE = [b for b in BAD if b[0] != "lone surrogate"]


@pytest.mark.parametrize("label,value,message,char", SENDABLE, ids=[b[0] for b in SENDABLE])
def test_registration_page_refuses_a_bad_name_on_the_field(city, client, label, value, message, char):
    response = client.post(reverse("volunteers:register"), form_data(real_name=value))
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert list(errors) == ["real_name"]
    assert message in errors["real_name"][0] and char in errors["real_name"][0]
    assert message in response.content.decode()
    assert not User.objects.filter(phone="13612345678").exists()
    assert not Volunteer.objects.filter(user__phone="13612345678").exists()


def test_registration_stores_the_name_in_nfc(city, client):
    response = client.post(reverse("volunteers:register"), form_data(real_name="Jose\u0301 Ａ"))
    assert response.status_code == 302
    assert Volunteer.objects.get(user__phone="13612345678").real_name == "José Ａ"


def test_a_password_is_taken_exactly_as_typed(city, client):
    password = "Guang#2026\u200bx\u202e"
    response = client.post(reverse("volunteers:register"), form_data(password=password))
    assert response.status_code == 302
    assert User.objects.get(phone="13612345678").check_password(password)


def test_a_multiline_description_keeps_its_newlines():
    form = OutcomeForm(data={"outcome_summary": "第一行\r\n第二行\n\n\t第三行", "outputs": ""})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["outcome_summary"] == "第一行\n第二行\n\n\t第三行"

    form = DisputeForm(data={"reason": "时长不对\r\n\u202e少记了一小时"})
    assert not form.is_valid()
    assert BIDI in form.errors["reason"][0]


def test_fields_added_after_init_and_file_fields():
    class Late(BootstrapFormMixin, forms.Form):
        upload = forms.FileField(required=False)

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["late"] = forms.CharField()

    form = Late(data={"late": "a\u200bb"})
    assert not form.is_valid()
    assert INVISIBLE in form.errors["late"][0]
    assert Late(data={"late": "e\u0301"}).is_valid()
    form = Late(data={"late": "e\u0301"})
    form.is_valid()
    assert form.cleaned_data["late"] == "é"
    # A form cleaned twice wraps its fields once.
    form.full_clean()
    assert form.cleaned_data["late"] == "é"


def test_imported_rows_go_through_the_same_hygiene(city):
    from huiguang.volunteers import importing

    from ..volunteers_import.conftest import csv_bytes, rows

    data = rows(3)
    data[0][0] = "Jose\u0301"  # decomposed: stored in NFC
    data[1][0] = "陈\u202e晓光"
    data[2][7] = "教\u200b师"  # occupation
    result = importing.volunteers_import(
        organization=city.org_a, actor=None, content=csv_bytes(data), file_name="a.csv", dry_run=True
    )
    assert [(e.row, e.column) for e in result.errors] == [(3, "姓名"), (4, "职业")]
    assert BIDI in result.errors[0].message and "\u202e" not in result.errors[0].value
    data[1][0], data[2][7] = "陈晓光", "教师"
    importing.volunteers_import(
        organization=city.org_a, actor=None, content=csv_bytes(data), file_name="a.csv"
    )
    assert Volunteer.objects.filter(real_name="José").exists()
