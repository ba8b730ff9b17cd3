"""The audit-log browser: city admins and auditors only; filters; Chinese labels; audited export."""

import csv
import datetime as dt
import io
import re

import pytest
from django.contrib.admin.sites import site
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from huiguang.accounts.services import token_create
from huiguang.core.audit import audit_log
from huiguang.core.models import AuditEntry

from .zh import zh

LIST = "accounts:audit_list"


def at(entry, when: dt.datetime):
    # The log is append-only for the application; a test moves an entry in time with a bare UPDATE.
    AuditEntry.objects.filter(pk=entry.pk).update(at=when)


def table(response) -> str:
    """The rows of the log (the filter selects list every label too)."""
    page = response.content.decode()
    return page[page.index("<tbody>") : page.index("</tbody>")]


@pytest.fixture
def logins(city, login_post):
    login_post("13900000006", "wrong-password", ip="10.1.1.1")
    login_post("13900000006", ip="10.1.1.2")
    login_post("13900000007", ip="10.2.2.2")


@pytest.mark.parametrize("role", ["city_admin", "auditor"])
def test_city_admin_and_auditor_read_the_log_in_chinese(as_role, logins, role):
    response = as_role(role).get(reverse(LIST))
    assert response.status_code == 200
    page = table(response)
    assert zh("logged in") in page and zh("failed login") in page
    assert "10.1.1.1" in page and "10.2.2.2" in page
    assert "13900000006" in page
    assert zh("failed") in page  # the outcome badge


@pytest.mark.parametrize("role", ["town_admin", "org_admin", "leader", "volunteer", "outsider"])
def test_everyone_else_gets_404(as_role, logins, role):
    client = as_role(role)
    assert client.get(reverse(LIST)).status_code == 404
    assert client.get(reverse(LIST), {"format": "csv"}).status_code == 404
    assert not AuditEntry.objects.filter(action="export").exists()


def test_anonymous_is_sent_to_login(client, city):
    response = client.get(reverse(LIST))
    assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_newest_first_and_times_in_shanghai(as_role, city):
    older = audit_log(action="export", actor=city.users["city_admin"], what="older")
    newer = audit_log(action="export", actor=city.users["city_admin"], what="newer")
    at(older, dt.datetime(2026, 3, 1, 16, 30, tzinfo=dt.UTC))
    at(newer, dt.datetime(2026, 3, 5, 1, 0, tzinfo=dt.UTC))
    page = as_role("auditor").get(reverse(LIST), {"action": "export"}).content.decode()
    assert "2026-03-02 00:30:00" in page  # 16:30 UTC is past midnight in Beijing
    assert "2026-03-05 09:00:00" in page
    assert page.index("内容: newer") < page.index("内容: older")


def test_filter_by_action(as_role, logins):
    client = as_role("auditor")
    page = client.get(reverse(LIST), {"action": "login_failed"}).content.decode()
    assert "10.1.1.1" in page
    assert "10.1.1.2" not in page and "10.2.2.2" not in page
    # The action select offers the known actions with their labels.
    assert f'<option value="login_failed" selected>{zh("failed login")}</option>' in page
    assert f'<option value="grant_revoked">{zh("role revoked")}</option>' in page


def test_filter_by_actor_phone_accepts_any_spelling(as_role, logins):
    page = as_role("auditor").get(reverse(LIST), {"actor": "+86 139 0000 0007"}).content.decode()
    assert "10.2.2.2" in page
    assert "10.1.1.1" not in page and "10.1.1.2" not in page


def test_filter_by_outcome(as_role, logins):
    page = as_role("city_admin").get(reverse(LIST), {"outcome": "failed"}).content.decode()
    assert "10.1.1.1" in page and "10.1.1.2" not in page


def test_filter_by_object_type_shows_the_models_name(as_role, city):
    token, _ = token_create(user=city.users["volunteer"], name="应用", created_by=city.users["volunteer"])
    audit_log(action="export", actor=city.users["city_admin"], what="volunteers")
    client = as_role("auditor")
    response = client.get(reverse(LIST), {"object_type": "accounts.apitoken"})
    assert zh("API token created") in table(response) and zh("data exported") not in table(response)
    assert str(token) in table(response)
    assert zh("API token") in table(response)
    assert (
        f'<option value="accounts.apitoken" selected>{zh("API token")}</option>' in response.content.decode()
    )


def test_filter_by_local_dates(as_role, city):
    admin = city.users["city_admin"]
    entries = {d: audit_log(action="export", actor=admin, what=f"day{d}") for d in (1, 2, 3)}
    # 23:30 Beijing time on each day: still that day locally although it is 15:30 UTC.
    for d, entry in entries.items():
        at(entry, timezone.make_aware(dt.datetime(2026, 4, d, 23, 30)))
    page = (
        as_role("auditor")
        .get(reverse(LIST), {"date_from": "2026-04-02", "date_to": "2026-04-02"})
        .content.decode()
    )
    assert "内容: day2" in page
    assert "内容: day1" not in page and "内容: day3" not in page
    page = as_role("auditor").get(reverse(LIST), {"date_from": "2026-04-02"}).content.decode()
    assert "内容: day2" in page and "内容: day3" in page and "内容: day1" not in page


def test_bad_filters_are_explained_not_a_500(as_role, logins):
    response = as_role("auditor").get(reverse(LIST), {"date_from": "2026-13-45", "action": "<script>"})
    assert response.status_code == 422
    page = response.content.decode()
    assert zh("Some filters are not valid and were ignored:") in page
    assert "<script>" not in page
    response = as_role("auditor").get(reverse(LIST), {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert response.status_code == 422
    assert zh("The end date is before the start date.") in response.content.decode()


def test_unknown_actions_are_shown_as_written(as_role, city):
    audit_log(action="ledger_sealed", actor=city.users["city_admin"])
    audit_log(action="membership_transferred", actor=city.users["city_admin"])
    page = table(as_role("auditor").get(reverse(LIST)))
    assert "ledger_sealed" in page
    assert f"{zh('membership', context='audit action family')}: transferred" in page


def test_grant_changes_appear_with_their_labels(as_role, city):
    admin = as_role("city_admin")
    admin.post(reverse("network:grant_list"), {"user": "13900000006", "role": "auditor"})
    page = table(admin.get(reverse(LIST)))
    assert zh("role granted") in page
    assert "账号: 13900000006" in page


def test_csv_export_is_filtered_neutralized_and_audited(as_role, city, login_post):
    login_post("=1+2", "x", ip="10.3.3.3")
    login_post("13900000006", ip="10.1.1.2")
    response = as_role("auditor").get(reverse(LIST), {"action": "login_failed", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][0] == zh("time")
    assert len(rows) == 2  # the header and the one failed login
    assert "'=1+2" in rows[1]
    assert "10.3.3.3" in rows[1]
    assert zh("failed login") in rows[1]

    export = AuditEntry.objects.get(action="export")
    assert export.actor == city.users["auditor"]
    assert export.detail == {
        "what": "audit_log",
        "format": "csv",
        "rows": 1,
        "filters": {"action": "login_failed"},
    }


def test_xlsx_export(as_role, city, logins):
    response = as_role("city_admin").get(reverse(LIST), {"format": "xlsx", "outcome": "ok"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][3] == zh("action")
    assert {r[3] for r in rows[1:]} == {zh("logged in")}
    assert AuditEntry.objects.get(action="export").detail["rows"] == len(rows) - 1


def test_the_export_refuses_invalid_filters_rather_than_exporting_everything(as_role, logins):
    response = as_role("auditor").get(reverse(LIST), {"format": "csv", "date_to": "yesterday"})
    assert response.status_code == 422
    assert not AuditEntry.objects.filter(action="export").exists()


def test_audit_entries_cannot_be_changed_or_deleted_from_the_admin(city, client):
    admin = site._registry[AuditEntry]
    request = type("R", (), {"user": city.users["city_admin"]})()
    assert not admin.has_add_permission(request)
    assert not admin.has_change_permission(request)
    assert not admin.has_delete_permission(request)


def test_audit_list_query_count_does_not_grow_with_rows(as_role, city, assert_queries_constant):
    client = as_role("auditor")
    for _ in range(3):
        audit_log(action="login", actor=city.users["volunteer"], obj=city.users["volunteer"])

    def page():
        assert client.get(reverse(LIST)).status_code == 200

    def grow():
        for i in range(30):
            audit_log(
                action="export", actor=city.users[["city_admin", "auditor", "town_admin"][i % 3]], what=i
            )

    assert assert_queries_constant(page, grow) <= 15


# --- every action has a label; details and times read well; each filter label once -------------


# The calls that write an audit entry with an action code (core.audit).
WRITERS = ("audit_log", "audited_create")


def _action_codes_in_the_source() -> set[str]:
    """Every action code the code base passes to audit_log(...), f-strings expanded."""
    import ast
    from pathlib import Path

    from huiguang.attendance.models import CheckIn
    from huiguang.ledger.models import ServiceRecord

    # The placeholders of the f-string codes and the values they take.
    expansions = {"kind": {"attendance.": CheckIn.Kind.values, "record.append.": ServiceRecord.Kind.values}}
    codes: set[str] = set()
    src = Path(__file__).resolve().parents[2] / "src" / "huiguang"
    for path in src.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) in WRITERS):
                continue
            for kw in node.keywords:
                if kw.arg != "action" or (isinstance(kw.value, ast.Name) and path.name == "audit.py"):
                    continue
                for part in ast.walk(kw.value):
                    if isinstance(part, ast.Constant) and isinstance(part.value, str):
                        codes.add(part.value)
                    elif isinstance(part, ast.JoinedStr):
                        prefix = "".join(v.value for v in part.values if isinstance(v, ast.Constant))
                        name = next(v.value.id for v in part.values if isinstance(v, ast.FormattedValue))
                        family = next(k for k in expansions[name] if prefix.startswith(k))
                        codes |= {f"{prefix}{value}" for value in expansions[name][family]}
                assert not isinstance(kw.value, ast.Name), f"{path}: name the action code in the call"
    # f-string parts are collected as constants too ("attendance.check_"): drop the prefixes.
    return {c for c in codes if not c.endswith(("_", "."))}


def test_every_action_code_in_the_source_has_a_label():
    from huiguang.accounts.audit_labels import ACTION_LABELS

    codes = _action_codes_in_the_source()
    assert {"attendance.check_in", "records.confirm", "record.append.makeup", "login"} <= codes
    assert sorted(codes - set(ACTION_LABELS)) == []


def test_actions_details_and_times_are_readable(as_role, city):
    entry = audit_log(
        action="records.confirm", actor=city.users["city_admin"], count=7, ids=list(range(1, 8))
    )
    at(entry, dt.datetime(2026, 3, 1, 1, 30, tzinfo=dt.UTC))
    audit_log(action="attendance.check_in", actor=city.users["volunteer"], minutes=90, recorded=True)
    response = as_role("auditor").get(reverse(LIST))
    page, rows = response.content.decode(), table(response)
    assert "records.confirm" not in rows and "attendance.check_in" not in rows
    assert "服务记录已确认" in rows and "已签到" in rows
    assert "2026-03-01 09:30:00" in rows  # 01:30 UTC is 09:30 in Shanghai
    assert "数量: 7" in rows and "记录: 1, 2, 3, 4, 5 等另外 2 条" in rows
    assert "时数: 1.5 h" in rows and "已记录: 是" in rows
    assert "北京时间" in page


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_each_filter_label_once(as_role, logins, language):
    page = as_role("city_admin").get(reverse(LIST), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    form = page.split('<form method="get"', 1)[1].split("</form>", 1)[0]
    labels = re.findall(r"<label[^>]*>([^<]+)</label>", form)
    assert len(labels) == 6 and len(set(labels)) == 6, labels
    for select in re.findall(r"<select[^>]*>(.*?)</select>", form, re.S):
        options = re.findall(r"<option[^>]*>([^<]*)</option>", select)
        assert len(options) == len(set(options)), "an option label twice"
