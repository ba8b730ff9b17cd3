"""Competitions: the organizers set one up, an organization enters a project with checked
materials, the organizers review it for eligibility."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from huiguang.core.models import AuditEntry
from huiguang.projects.models import Competition, Entry, EntryImage, Judge, Round

from ..conftest import login_client
from .conftest_competitions import PDF


def _png() -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (400, 300), "red").save(buf, "PNG")
    return SimpleUploadedFile("p.png", buf.getvalue(), content_type="image/png")


def test_the_city_creates_a_competition_and_sets_it_up(city):
    client = login_client(city.users["city_admin"])
    response = client.post(
        reverse("projects:competition_create"),
        {
            "name": "追梦金平湖·全民志愿红",
            "year": 2026,
            "entries_close_on": "2026-06-30",
            "co_hosts": [city.org_a.pk, city.org_b.pk],
            "tracks": "社区治理\n助老服务",
        },
    )
    competition = Competition.objects.get()
    assert response.status_code == 302
    assert sorted(competition.tracks.values_list("name", flat=True)) == ["助老服务", "社区治理"]
    setup = lambda part, data: client.post(  # noqa: E731
        reverse("projects:competition_setup", args=[competition.pk, part]), data
    )
    assert (
        setup(
            "round", {"name": "初赛", "starts_on": "2026-07-01", "ends_on": "2026-07-05", "advance_count": 10}
        ).status_code
        == 302
    )
    assert (
        setup(
            "round", {"name": "决赛", "starts_on": "2026-07-02", "ends_on": "2026-07-22", "advance_count": 0}
        ).status_code
        == 422
    )
    assert (
        setup(
            "round",
            {
                "name": "决赛",
                "starts_on": "2026-07-22",
                "ends_on": "2026-07-22",
                "venue": "东湖中学",
                "advance_count": 0,
            },
        ).status_code
        == 302
    )
    first = Round.objects.get(number=1)
    assert setup("criterion", {"round": first.pk, "name": "创新性", "weight": 40}).status_code == 302
    assert setup("judge", {"round": first.pk, "phone": "10000000000"}).status_code == 422
    judge_user = city.users["volunteer"]
    assert (
        setup(
            "judge", {"round": first.pk, "phone": judge_user.phone, "conflicts": [city.org_b.pk]}
        ).status_code
        == 302
    )
    assert (
        setup("award_level", {"name": "最佳志愿服务项目奖", "prize": "25000", "places": 2}).status_code == 302
    )
    assert list(Round.objects.values_list("number", "name")) == [(1, "初赛"), (2, "决赛")]
    assert list(Judge.objects.get().conflicts.all()) == [city.org_b]
    assert competition.award_levels.get().prize_fen == 2_500_000
    assert AuditEntry.objects.filter(action="competition_created").count() == 1
    assert AuditEntry.objects.filter(action="judge_added").count() == 1
    page = client.get(reverse("projects:competition_detail", args=[competition.pk])).content.decode()
    assert "东湖中学" in page and "创新性" in page


def test_a_co_hosts_admin_organizes_others_do_not(city, contest):
    url = reverse("projects:competition_setup", args=[contest.competition.pk, "track"])
    assert (
        login_client(city.users["outsider"]).post(url, {"name": "助老"}).status_code == 302
    )  # org B's region
    assert login_client(city.users["org_admin"]).post(url, {"name": "助残"}).status_code == 404
    assert sorted(contest.competition.tracks.values_list("name", flat=True)) == ["助老", "社区治理"]


def test_an_organization_enters_its_project_with_checked_materials(city, contest, scene):
    contest.entry_a.delete()
    client = login_client(city.users["org_admin"])
    url = reverse("projects:entry_submit", args=[contest.competition.pk])
    data = {"project": scene.project.pk, "track": contest.track.pk, "summary": "周末课堂"}
    bad_pdf = SimpleUploadedFile("a.pdf", b"not a pdf at all", content_type="application/pdf")
    response = client.post(url, {**data, "application_form": bad_pdf, "images": [_png()]})
    assert response.status_code == 422
    assert "PDF" in response.content.decode()
    bad_image = SimpleUploadedFile("x.png", b"\x89PNG broken", content_type="image/png")
    pdf = SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")
    assert client.post(url, {**data, "application_form": pdf, "images": [bad_image]}).status_code == 422
    assert not Entry.objects.filter(project=scene.project).exists() and not EntryImage.objects.exists()
    pdf = SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")
    response = client.post(url, {**data, "application_form": pdf, "images": [_png(), _png()]})
    entry = Entry.objects.get(project=scene.project)
    assert response.status_code == 302
    assert entry.organization == city.org_a and entry.status == Entry.Status.SUBMITTED
    assert entry.images.count() == 2
    # Entered once only; a project of another organization is not offered.
    pdf = SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")
    assert client.post(url, {**data, "application_form": pdf}).status_code == 422
    other = {**data, "project": scene.project_b.pk, "application_form": SimpleUploadedFile("a.pdf", PDF)}
    assert client.post(url, other).status_code == 422
    assert Entry.objects.filter(competition=contest.competition).count() == 2


def test_organizers_review_eligibility(city, contest, scene):
    entry = contest.entry_a
    Entry.objects.filter(pk=entry.pk).update(status=Entry.Status.SUBMITTED, current_round=None)
    url = reverse("projects:entry_review", args=[entry.pk])
    assert login_client(city.users["org_admin"]).post(url, {"eligible": "1"}).status_code == 404
    client = login_client(city.users["city_admin"])
    assert client.post(url, {"eligible": "0"}).status_code == 422  # a refusal needs a note
    assert client.post(url, {"eligible": "1"}).status_code == 302
    entry.refresh_from_db()
    assert entry.status == Entry.Status.ELIGIBLE and entry.current_round == contest.rounds[0]
    assert AuditEntry.objects.filter(action="entry_reviewed", object_id=str(entry.pk)).exists()


def test_competition_pages_keep_their_query_count(city, contest, scene, assert_queries_constant):
    from .conftest_competitions import make_entry

    client = login_client(city.users["city_admin"])

    counter = iter(range(1000))

    def grow():
        for _ in range(3):
            i = next(counter)
            project = scene.project.__class__.objects.create(
                organization=city.org_a,
                name=f"项目{i}",
                category="community",
                starts_on=scene.project.starts_on,
            )
            make_entry(contest.competition, project, contest.track, rnd=contest.rounds[0])
            Competition.objects.create(
                name=f"比赛{i}", year=2026, entries_close_on=contest.competition.entries_close_on
            )

    assert_queries_constant(lambda: client.get(reverse("projects:competition_list")), grow)
    assert_queries_constant(
        lambda: client.get(reverse("projects:competition_detail", args=[contest.competition.pk])), grow
    )
    assert_queries_constant(lambda: client.get("/api/v1/competitions"), grow)
