"""A team's figures of a year: active members (distinct people), hours, participations and the
people its activities served."""

from django.test import Client
from django.urls import reverse

from .conftest import confirmed, make_shift, ten_days_ago


def test_active_members_count_each_volunteer_once_across_months_and_sub_teams(city):
    vol = city.users["volunteer"].volunteer
    leader = city.users["leader"].volunteer
    admin = city.users["org_admin"]
    day = ten_days_ago()
    confirmed(make_shift(city.org_a1, day=day, start=8, hours=2), vol, admin)
    confirmed(make_shift(city.org_a, day=day, start=14, hours=1), vol, admin)
    confirmed(make_shift(city.org_a, day=day, start=9, hours=1), leader, admin)
    shift = make_shift(city.org_a, day=day, start=18, hours=1)
    shift.activity.people_served = 40
    shift.activity.status = "finished"
    shift.activity.save(update_fields=["people_served", "status"])
    body = Client().get(f"/api/v1/reports/teams/{city.org_a.pk}/figures?year={day.year}").json()
    assert (body["active_members"], body["participations"], body["hours"]) == (2, 3, 4.0)
    assert body["people_served"] == 40
    page = (
        Client()
        .get(reverse("reports:team_figures", args=[city.org_a.pk]), {"year": day.year})
        .content.decode()
    )
    assert 'id="team-active">2<' in page and 'id="team-served">40<' in page
    sub = Client().get(f"/api/v1/reports/teams/{city.org_a1.pk}/figures?year={day.year}").json()
    assert sub["active_members"] == 1
    assert Client().get("/api/v1/reports/teams/999999/figures").status_code == 404
