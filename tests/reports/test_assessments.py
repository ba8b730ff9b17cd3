"""Assessments: a scheme scores every town from the measures, the breakdown adds up to each total,
manual indicators take a reviewer's value with evidence, a locked result never changes after the
scheme is edited, the export and the drill-down to villages."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.models import AuditEntry
from huiguang.reports.measures import measure_values
from huiguang.reports.models import AssessmentResult, AssessmentRun, Indicator
from huiguang.reports.services import assessments as svc

from ..conftest import login_client
from .conftest import confirmed, make_shift, ten_days_ago

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def hours_scene(city, vol, org_admin):
    """Hours in town A (a village of it and the town itself) and in town B."""
    other = city.users["volunteer_b"].volunteer
    day = ten_days_ago()
    confirmed(make_shift(city.org_a1, day=day, start=8, hours=3), vol, org_admin)
    confirmed(make_shift(city.org_a, day=day, start=14, hours=2), vol, org_admin)
    confirmed(make_shift(city.org_b, day=day, start=9, hours=1), other, city.users["city_admin"])
    return day.replace(day=1)


def town_scheme(city, month, *, manual=False):
    admin = city.users["city_admin"]
    scheme = svc.scheme_create(actor=admin, year=month.year, unit_type="town", name="镇街道志愿服务考核")
    common = {"label": "", "target": None, "rank_step": None}
    svc.indicator_add(
        actor=admin,
        scheme=scheme,
        **{
            **common,
            "measure": "hours",
            "period": "month",
            "weight": Decimal(40),
            "rule": "linear",
            "target": Decimal(4),
        },
    )
    svc.indicator_add(
        actor=admin,
        scheme=scheme,
        **{
            **common,
            "measure": "participations",
            "period": "ytd",
            "weight": Decimal(30),
            "rule": "rank",
            "rank_step": Decimal(10),
        },
    )
    if manual:
        svc.indicator_add(
            actor=admin,
            scheme=scheme,
            **{
                **common,
                "measure": "manual",
                "label": "阵地建设",
                "period": "month",
                "weight": Decimal(30),
                "rule": "linear",
                "target": Decimal(10),
            },
        )
    return scheme


def test_a_scheme_scores_every_town_and_the_breakdown_adds_up_to_each_total(city, vol, org_admin):
    month = hours_scene(city, vol, org_admin)
    scheme = town_scheme(city, month)
    run = svc.run_compute(actor=city.users["city_admin"], scheme=scheme, period=month)
    results = {r.unit_id: r for r in run.results.all()}
    assert set(results) == {"330482001", "330482103"}
    _units, values = measure_values("town", month)
    a, b = results["330482001"], results["330482103"]
    assert [line["raw"] for line in a.breakdown][0] == str(Decimal(str(values["330482001"]["hours"])))
    # town A: 5 h of a 4 h target → capped 40; first in participations → 30
    assert [line["points"] for line in a.breakdown] == ["40.00", "30.00"]
    # town B: 1 h of 4 → 10; second → 20
    assert [line["points"] for line in b.breakdown] == ["10.00", "20.00"]
    for result in results.values():
        assert sum(Decimal(line["points"]) for line in result.breakdown) == result.total
    assert (a.total, a.rank, b.total, b.rank) == (Decimal("70.00"), 1, Decimal("30.00"), 2)
    assert AuditEntry.objects.filter(action="reports.assessment_run.compute").exists()


def test_editing_the_scheme_never_changes_a_locked_result(city, vol, org_admin):
    month = hours_scene(city, vol, org_admin)
    scheme = town_scheme(city, month)
    admin = city.users["city_admin"]
    run = svc.run_compute(actor=admin, scheme=scheme, period=month)
    before = {r.unit_id: (r.total, r.breakdown) for r in run.results.all()}
    svc.run_lock(actor=admin, run=run)
    hours = scheme.indicators.get(measure="hours")
    svc.indicator_update(
        actor=admin,
        indicator=hours,
        measure="hours",
        label="时长新口径",
        period="month",
        weight=Decimal(80),
        rule="linear",
        target=Decimal(1),
        rank_step=None,
    )
    with pytest.raises(Refused):
        svc.run_compute(actor=admin, scheme=scheme, period=month)
    run.refresh_from_db()
    assert {r.unit_id: (r.total, r.breakdown) for r in run.results.all()} == before
    assert run.snapshot["indicators"][0]["weight"] == "40.00"
    scheme.refresh_from_db()
    assert run.scheme_version < scheme.version
    page = login_client(admin).get(reverse("reports:run_detail", args=[run.pk]))
    assert "时长新口径" not in page.content.decode()  # the locked run shows the scheme as it was
    svc.run_publish(actor=admin, run=run)
    assert AuditEntry.objects.filter(action="reports.assessment_run.publish", object_id=str(run.pk)).exists()


def test_a_manual_indicator_takes_a_reviewers_value_with_evidence(city, vol, org_admin):
    month = hours_scene(city, vol, org_admin)
    scheme = town_scheme(city, month, manual=True)
    admin = city.users["city_admin"]
    run = svc.run_compute(actor=admin, scheme=scheme, period=month)
    manual = scheme.indicators.get(measure="manual")
    client = login_client(admin)
    url = reverse("reports:manual_score", args=[run.pk])
    bad = SimpleUploadedFile("证明.pdf", b"MZ not a pdf", content_type="application/pdf")
    data = {"indicator": manual.pk, "unit": "330482103", "value": "5", "evidence": "阵地台账"}
    refused = client.post(url, {**data, "evidence_file": bad})
    assert refused.status_code == 422
    assert "PDF" in refused.content.decode()
    good = SimpleUploadedFile("证明.pdf", PDF, content_type="application/pdf")
    assert client.post(url, {**data, "evidence_file": good}).status_code == 302
    result = AssessmentResult.objects.get(run=run, unit_id="330482103")
    line = result.breakdown[2]
    assert (line["raw"], line["points"]) == ("5.00", "15.00")
    assert result.total == Decimal("45.00")
    score = run.manual_scores.get()
    assert client.get(reverse("reports:evidence", args=[score.pk])).status_code == 200
    assert (
        login_client(city.users["town_admin"]).get(reverse("reports:evidence", args=[score.pk])).status_code
        == 404
    )
    with pytest.raises(FieldErrors):
        svc.manual_score_set(
            actor=admin, run=run, indicator=manual, unit_id="330482103", value="-1", evidence="x"
        )
    svc.run_lock(actor=admin, run=run)
    removed = client.post(reverse("reports:indicator_remove", args=[manual.pk]), follow=True)
    assert "佐证材料须保留" in removed.content.decode()
    assert run.manual_scores.filter(indicator=manual).exists()


def test_the_city_admin_builds_a_scheme_in_the_browser_forms_and_sees_each_towns_total(city, vol, org_admin):
    month = hours_scene(city, vol, org_admin)
    client = login_client(city.users["city_admin"])
    response = client.post(
        reverse("reports:scheme_create"), {"year": month.year, "unit_type": "town", "name": "考核"}
    )
    assert response.status_code == 302
    scheme_url = response["Location"]
    pk = int(scheme_url.rstrip("/").split("/")[-1])
    add = reverse("reports:indicator_add", args=[pk])
    missing_target = {"measure": "hours", "period": "month", "weight": "50", "rule": "linear"}
    assert client.post(add, missing_target).status_code == 422
    assert client.post(add, {**missing_target, "target": "2"}).status_code == 302
    rank = {"measure": "active", "period": "month", "weight": "50", "rule": "rank", "rank_step": "25"}
    assert client.post(add, rank).status_code == 302
    bad_month = client.post(reverse("reports:run_compute", args=[pk]), {"period": "2001-13"})
    assert bad_month.status_code == 422
    done = client.post(reverse("reports:run_compute", args=[pk]), {"period": month.strftime("%Y-%m")})
    assert done.status_code == 302
    page = client.get(done["Location"]).content.decode()
    assert "当湖街道" in page and "乍浦镇" in page
    assert "100.00" in page  # town A: 5 h ≥ 2 h → 50, first by active volunteers → 50


def test_published_lines_are_shown_to_each_towns_admin_only_for_their_town(city, vol, org_admin):
    month = hours_scene(city, vol, org_admin)
    admin = city.users["city_admin"]
    run = svc.run_compute(actor=admin, scheme=town_scheme(city, month), period=month)
    town = login_client(city.users["town_admin"])
    url = reverse("reports:run_detail", args=[run.pk])
    assert town.get(url).status_code == 404  # a draft is the city's
    svc.run_lock(actor=admin, run=run)
    svc.run_publish(actor=admin, run=run)
    page = town.get(url).content.decode()
    assert "当湖街道" in page and "乍浦镇" not in page
    other = AssessmentResult.objects.get(run=run, unit_id="330482103")
    assert town.get(reverse("reports:result_detail", args=[other.pk])).status_code == 404
    mine = AssessmentResult.objects.get(run=run, unit_id="330482001")
    detail = town.get(reverse("reports:result_detail", args=[mine.pk])).content.decode()
    assert "东湖社区" in detail  # the village behind the town's number


def test_the_export_holds_every_units_total_and_breakdown(city, vol, org_admin):
    month = hours_scene(city, vol, org_admin)
    run = svc.run_compute(actor=city.users["city_admin"], scheme=town_scheme(city, month), period=month)
    response = login_client(city.users["auditor"]).get(reverse("reports:run_export", args=[run.pk]))
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    totals = list(book.worksheets[0].iter_rows(min_row=2, values_only=True))
    assert {(row[1], row[2]) for row in totals} == {("当湖街道", 70.0), ("乍浦镇", 30.0)}
    breakdown = list(book.worksheets[1].iter_rows(min_row=2, values_only=True))
    assert len(breakdown) == 4
    for name, total in {(row[1], row[2]) for row in totals}:
        assert sum(row[4] for row in breakdown if row[0] == name) == pytest.approx(total)


def test_a_run_outside_the_schemes_year_or_in_the_future_is_refused(city):
    admin = city.users["city_admin"]
    scheme = svc.scheme_create(actor=admin, year=2025, unit_type="department", name="部门考核")
    from datetime import date

    with pytest.raises(FieldErrors):
        svc.run_compute(actor=admin, scheme=scheme, period=date(2024, 5, 1))
    with pytest.raises(FieldErrors):  # no indicator yet
        svc.run_compute(actor=admin, scheme=scheme, period=date(2025, 5, 1))
    assert not AssessmentRun.objects.exists()
    assert Indicator.objects.count() == 0
