"""The import service: all rows or none, every bad row reported, joins instead of duplicates."""

from __future__ import annotations

import datetime as dt
import gc

import pytest
from django.utils import timezone

from huiguang.accounts.models import User
from huiguang.core.id_card import make_id_number
from huiguang.core.models import AuditEntry
from huiguang.network.models import Membership
from huiguang.volunteers import importing
from huiguang.volunteers.models import ImportBatch, Volunteer

from .conftest import HEADERS, csv_bytes, id_number, row, rows, xlsx_bytes


def counts():
    return Volunteer.objects.count(), User.objects.count(), Membership.objects.count()


def run(city, content, name="volunteers.xlsx", org=None, dry_run=False):
    return importing.volunteers_import(
        organization=org or city.org_a,
        actor=city.users["org_admin"],
        content=content,
        file_name=name,
        dry_run=dry_run,
    )


def test_ten_thousand_rows_import_in_one_go(city):
    before = counts()
    result = run(city, xlsx_bytes(rows(10_000)))  # speed is measured in bench/, not asserted here
    assert (result.created, result.joined, result.already) == (10_000, 0, 0)
    assert counts() == (before[0] + 10_000, before[1] + 10_000, before[2] + 10_000)
    imported = Volunteer.objects.filter(memberships__organization=city.org_a, user__phone__startswith="137")
    assert imported.count() == 10_000
    assert imported.values("volunteer_number").distinct().count() == 10_000
    sample = imported.select_related("user", "residence_region").get(user__phone="13700000007")
    assert sample.real_name == row(7)[0]
    assert sample.decrypt_id_number() == id_number(7)
    assert sample.id_blind_index == Volunteer.blind_index_for(id_number(7))
    assert sample.residence_region == city.village_a1
    assert (
        sample.political_status == Volunteer.Political.LEAGUE
        and sample.is_student
        and sample.school == "平湖中学"
    )
    assert not sample.user.has_usable_password()
    assert Membership.objects.get(volunteer=sample).status == Membership.Status.ACTIVE


def test_file_with_bad_rows_writes_nothing_and_reports_every_bad_row(city):
    data = rows(8)
    data[1][1] = data[1][1][:-1] + ("0" if data[1][1][-1] != "0" else "1")  # row 3: wrong check digit
    data[2][2] = "1234567"  # row 4: not a mobile number
    data[3][0] = ""  # row 5: no name
    data[4][3] = "999999"  # row 6: unknown region
    data[5][4] = "无党派"  # row 7: not a political status
    data[6][5] = "也许"  # row 8: neither 是 nor 否
    before = counts()
    with pytest.raises(importing.ImportRowsInvalid) as exc:
        run(city, xlsx_bytes(data))
    found = {(e.row, e.column) for e in exc.value.errors}
    assert found == {
        (3, "身份证号"),
        (4, "手机号"),
        (5, "姓名"),
        (6, "居住地区代码"),
        (7, "政治面貌"),
        (8, "是否学生"),
    }
    messages = {e.row: e.message for e in exc.value.errors}
    assert "校验码" in messages[3]
    assert "手机号" in messages[4]
    assert messages[5] == "此列为必填项。"
    assert "999999" in messages[6]
    assert counts() == before
    assert not ImportBatch.objects.exists()
    assert not AuditEntry.objects.filter(action="volunteers_imported").exists()


def test_duplicates_inside_the_file_point_at_the_first_row(city):
    data = rows(4)
    data[2][1] = data[0][1]  # row 4 repeats row 2's ID number
    data[3][2] = data[1][2]  # row 5 repeats row 3's mobile number
    with pytest.raises(importing.ImportRowsInvalid) as exc:
        run(city, csv_bytes(data), name="dup.csv")
    by_row = {e.row: (e.column, e.message) for e in exc.value.errors}
    assert by_row == {4: ("身份证号", "该身份证号与第 2 行重复。"), 5: ("手机号", "该手机号与第 3 行重复。")}
    assert not Volunteer.objects.filter(user__phone__startswith="137").exists()


def test_registered_volunteer_is_joined_not_duplicated(city):
    existing = Volunteer.objects.get(user=city.users["volunteer_b"])  # a member of org B only
    number = existing.decrypt_id_number()
    data = rows(2) + [[existing.real_name, number, existing.user.phone, "330482103", "", "", "", "", ""]]
    before = Volunteer.objects.count()
    result = run(city, xlsx_bytes(data))
    assert (result.created, result.joined, result.already) == (2, 1, 0)
    assert Volunteer.objects.count() == before + 2
    assert Membership.objects.filter(
        volunteer=existing, organization=city.org_a, status=Membership.Status.ACTIVE
    ).exists()
    assert Membership.objects.filter(volunteer=existing, organization=city.org_b).exists()


def test_registered_volunteer_with_another_new_phone_joins_and_keeps_their_phone(city):
    existing = Volunteer.objects.get(user=city.users["volunteer_b"])
    data = [
        [existing.real_name, existing.decrypt_id_number(), "13799999999", "330482103", "", "", "", "", ""]
    ]
    result = run(city, csv_bytes(data), name="a.csv")
    assert (result.created, result.joined) == (0, 1)
    existing.user.refresh_from_db()
    assert existing.user.phone == "13900000007"


def test_phone_of_another_person_is_a_row_error(city):
    data = rows(2)
    data[1][2] = city.users["volunteer"].phone  # a new ID number with a registered volunteer's phone
    existing = Volunteer.objects.get(user=city.users["volunteer_b"])
    data.append(
        [
            existing.real_name,
            existing.decrypt_id_number(),
            city.users["org_admin"].phone,
            "330482103",
            "",
            "",
            "",
            "",
            "",
        ]
    )
    with pytest.raises(importing.ImportRowsInvalid) as exc:
        run(city, xlsx_bytes(data))
    assert [(e.row, e.column, e.message) for e in exc.value.errors] == [
        (3, "手机号", "该手机号属于另一位已注册用户。"),
        (4, "手机号", "该手机号属于另一位已注册用户。"),
    ]
    assert not Volunteer.objects.filter(user__phone__startswith="137").exists()


def test_registered_id_number_with_another_name_is_a_row_error(city):
    existing = Volunteer.objects.get(user=city.users["volunteer_b"])
    data = [["李冒名", existing.decrypt_id_number(), existing.user.phone, "330482103", "", "", "", "", ""]]
    with pytest.raises(importing.ImportRowsInvalid) as exc:
        run(city, xlsx_bytes(data))
    assert [(e.row, e.column) for e in exc.value.errors] == [(2, "姓名")]
    assert not Membership.objects.filter(volunteer=existing, organization=city.org_a).exists()


def test_importing_the_same_file_again_changes_nothing(city):
    content = xlsx_bytes(rows(30))
    first = run(city, content)
    assert (first.created, first.joined, first.already) == (30, 0, 0)
    before = counts()
    second = run(city, content)
    assert (second.created, second.joined, second.already) == (0, 0, 30)
    assert counts() == before
    assert (
        ImportBatch.objects.filter(sha256=first.batch.sha256, status=ImportBatch.Status.APPLIED).count() == 2
    )


def test_member_who_applied_is_counted_as_already_member(city):
    existing = Volunteer.objects.get(user=city.users["volunteer_b"])
    Membership.objects.create(volunteer=existing, organization=city.org_a, status=Membership.Status.APPLIED)
    data = [[existing.real_name, existing.decrypt_id_number(), "", "330482103", "", "", "", "", ""]]
    data[0][2] = existing.user.phone
    result = run(city, csv_bytes(data), name="a.csv")
    assert (result.created, result.joined, result.already) == (0, 0, 1)
    assert Membership.objects.filter(volunteer=existing, organization=city.org_a).count() == 1


def test_gb18030_csv_is_read(city):
    data = rows(3)
    data[0][0] = "欧阳娜娜"
    result = run(city, csv_bytes(data, encoding="gb18030"), name="学生名单.csv")
    assert result.created == 3
    assert Volunteer.objects.filter(real_name="欧阳娜娜", residence_region=city.village_a1).exists()


def test_utf8_csv_without_bom_and_english_headers_are_read(city):
    headers = [
        "Name",
        "ID number",
        "Phone",
        "Region code",
        "Political status",
        "Student",
        "School",
        "Occupation",
        "New resident",
    ]
    data = rows(2)
    data[0][5] = "yes"
    result = run(city, csv_bytes(data, headers=headers, encoding="utf-8"), name="staff.csv")
    assert result.created == 2
    assert Volunteer.objects.get(user__phone=data[0][2]).is_student


def test_title_line_above_the_header_and_blank_lines_are_tolerated(city):
    content = xlsx_bytes(
        rows(2) + [[None] * 9] + rows(1, start=2), title_rows=[["2026 年平湖中学志愿者名单"], []]
    )
    result = run(city, content)
    assert result.created == 3


def test_minor_cannot_be_imported(city):
    child = make_id_number("330482", timezone.localdate() - dt.timedelta(days=365 * 10), 11)
    with pytest.raises(importing.ImportRowsInvalid) as exc:
        run(city, xlsx_bytes([row(0, 身份证号=child)]))
    assert exc.value.errors[0].column == "身份证号"
    assert "监护人" in exc.value.errors[0].message


def test_id_number_typed_as_a_number_gets_a_clear_message(city):
    data = rows(1)
    data[0][1] = float(data[0][1][:17] + "0")  # Excel keeps 15 digits of a number
    with pytest.raises(importing.ImportRowsInvalid) as exc:
        run(city, xlsx_bytes(data))
    assert "文本" in exc.value.errors[0].message


def test_dry_run_writes_nothing_and_returns_the_plan(city):
    before = counts()
    result = run(city, xlsx_bytes(rows(5)), dry_run=True)
    assert (result.created, result.joined, result.already, result.errors) == (5, 0, 0, [])
    assert counts() == before
    assert not ImportBatch.objects.exists()


def test_import_is_audited_with_counts(city):
    result = run(city, xlsx_bytes(rows(4)))
    entry = AuditEntry.objects.get(action="volunteers_imported")
    assert entry.actor == city.users["org_admin"]
    assert entry.object_id == str(result.batch.pk)
    assert entry.detail["created"] == 4 and entry.detail["organization"] == "TA"


def test_missing_required_column_refuses_the_file(city):
    with pytest.raises(importing.ImportRefused) as exc:
        run(
            city,
            csv_bytes(rows(2), headers=["姓名", "身份证号", "电话", "居住地区代码", "", "", "", "", ""]),
            name="a.csv",
        )
    assert "手机号" in str(exc.value.message)


def test_column_named_twice_refuses_the_file(city):
    with pytest.raises(importing.ImportRefused) as exc:
        run(city, csv_bytes(rows(1), headers=HEADERS[:-1] + ["姓名"]), name="a.csv")
    assert exc.value.reason == "DUPLICATE_COLUMN"


def test_cells_beyond_ascii_and_common_ideographs_are_stored_nfc(city):
    data = rows(2)
    data[0][0] = "阿依古丽·买买提"  # the middle dot of a transcribed name
    data[1][0] = "Jose\u0301"  # a decomposed é
    data[1][7] = "ＡＩ工程师"  # full-width letters stay as typed
    result = run(city, xlsx_bytes(data))
    assert result.created == 2
    assert Volunteer.objects.filter(real_name="阿依古丽·买买提").exists()
    second = Volunteer.objects.get(user__phone=data[1][2])
    assert (second.real_name, second.occupation) == ("Jos\u00e9", "ＡＩ工程师")


def test_invisible_and_direction_characters_are_row_errors_shown_as_replacement(city):
    data = rows(4)
    data[1][0] = "王\u202e芳"  # row 3: a right-to-left override in the name
    data[2][6] = "平湖\u200b中学"  # row 4: a zero-width space in the school
    before = counts()
    with pytest.raises(importing.ImportRowsInvalid) as exc:
        run(city, xlsx_bytes(data))
    assert [(e.row, e.column, e.value) for e in exc.value.errors] == [
        (3, "姓名", "王\ufffd芳"),
        (4, "学校", "平湖\ufffd中学"),
    ]
    assert "U+202E" in exc.value.errors[0].message and "U+200B" in exc.value.errors[1].message
    assert counts() == before


def test_imported_users_have_distinct_unusable_passwords(city):
    run(city, xlsx_bytes(rows(5)))
    users = User.objects.filter(phone__startswith="137")
    assert users.count() == 5 and not any(user.has_usable_password() for user in users)
    assert len({user.password for user in users}) == 5


def test_an_import_leaves_the_cycle_collector_as_it_found_it(city):
    run(city, xlsx_bytes(rows(2)))
    assert gc.isenabled()
    with pytest.raises(importing.ImportRowsInvalid):
        run(city, xlsx_bytes([row(5, 手机号="1234567")]))
    assert gc.isenabled()
    gc.disable()
    try:
        assert run(city, xlsx_bytes(rows(1, start=6))).created == 1
        assert not gc.isenabled()
    finally:
        gc.enable()
