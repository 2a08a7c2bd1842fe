"""Server-rendered pages: who may see what, what they see, and in how many queries."""

import datetime
import re
from unittest.mock import patch

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lms.models import Level, Mentorship, Role, User
from tests.lms.factories import (
    PASSWORD,
    BehaviouralIndicatorFactory,
    CompetencyFactory,
    CompetencyLevelFactory,
    MentorshipFactory,
    PositionProfileFactory,
    PositionRequirementFactory,
    TeamFactory,
    UserFactory,
)

SECTION_IDS = {"agent-home", "mentor-home", "lead-home", "hr-home", "trainer-home", "admin-home"}


def html(response) -> str:
    return response.content.decode()


def sections(response) -> set[str]:
    return set(re.findall(r'<section class="card" id="([\w-]+)"', html(response)))


def table_rows(response, text: str) -> list[str]:
    """The ``<tr>…</tr>`` chunks of the page that contain ``text``."""
    return [row for row in re.findall(r"<tr.*?</tr>", html(response), flags=re.S) if text in row]


def query_count(client, url: str, **headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200
    return len(queries.captured_queries)


# --- Signing in --------------------------------------------------------------------------


def test_login_page_renders(client, db):
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    assert 'name="username"' in html(response)
    assert 'name="password"' in html(response)


def test_login_with_the_right_password_goes_home(client, agent):
    refused = client.post("/accounts/login/", {"username": "agent", "password": "wrong-pass"})
    assert refused.status_code == 200
    assert refused.context["form"].errors
    assert "_auth_user_id" not in client.session

    response = client.post("/accounts/login/", {"username": "agent", "password": PASSWORD})

    assert response.status_code == 302
    assert response.url == "/"
    assert client.session["_auth_user_id"] == str(agent.pk)
    assert "王雨桐" in html(client.get("/"))


@pytest.mark.parametrize("url", ["/", "/me/", "/heatmap/", "/mentorships/", "/matrix/"])
def test_anonymous_is_sent_to_login(client, db, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next={url}"


# --- Home --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        ("agent", {"agent-home"}),
        ("mentor", {"agent-home", "mentor-home"}),
        ("team_lead", {"lead-home"}),
        ("hr", {"hr-home"}),
        ("trainer", {"trainer-home"}),
    ],
)
def test_home_shows_a_section_per_role_held(client, request, person, expected):
    user = request.getfixturevalue(person)
    client.force_login(user)

    response = client.get("/")

    assert response.status_code == 200
    assert sections(response) & SECTION_IDS == expected


def test_home_of_a_person_with_every_role(client, db):
    everything = UserFactory(roles=[Role.AGENT, Role.MENTOR, Role.TEAM_LEAD, Role.HR])
    client.force_login(everything)

    response = client.get("/")

    assert sections(response) == {"agent-home", "mentor-home", "lead-home", "hr-home"}


def test_home_of_a_mentor_lists_their_mentees_and_the_agent_sees_their_mentor(
    client, agent, mentor, other_agent
):
    client.force_login(mentor)
    mentor_home = html(client.get("/"))
    assert "王雨桐" in mentor_home
    assert f'href="/people/{agent.pk}/"' in mentor_home
    assert "李思远" not in mentor_home

    client.force_login(agent)
    assert "陈导师" in html(client.get("/"))


def test_home_of_a_team_lead_lists_their_team(client, team_lead, other_team):
    client.force_login(team_lead)

    page = html(client.get("/"))

    assert "服饰组" in page
    assert "?team=apparel" in page
    assert "美妆组" not in page


# --- Profiles ------------------------------------------------------------------------------


def test_my_profile_lists_every_active_competency_with_my_level(client, agent, other_agent):
    assessed = CompetencyFactory(name_zh="投诉安抚")
    fresh = CompetencyFactory(name_zh="物流查询")
    CompetencyFactory(name_zh="旧版工单系统", is_active=False)
    CompetencyLevelFactory(agent=agent, competency=assessed, level=Level.ADVANCED)
    CompetencyLevelFactory(agent=other_agent, competency=fresh, level=Level.EXPERT)
    shown = BehaviouralIndicatorFactory(
        competency=assessed, level=Level.ADVANCED, text_zh="能化解升级投诉"
    )
    client.force_login(agent)

    response = client.get("/me/")

    assert response.status_code == 200
    page = html(response)
    assert "王雨桐" in page
    assert "旧版工单系统" not in page
    [assessed_row] = table_rows(response, "投诉安抚")
    [fresh_row] = table_rows(response, "物流查询")
    assert 'class="level lvl-2"' in assessed_row
    assert shown.text_zh in assessed_row
    assert 'class="level lvl-0"' in fresh_row
    assert 'class="level lvl-3"' not in fresh_row


def test_an_agent_cannot_open_another_agents_profile_but_hr_can(client, agent, other_agent, hr):
    client.force_login(agent)
    assert client.get(f"/people/{other_agent.pk}/").status_code == 404

    client.force_login(hr)
    response = client.get(f"/people/{other_agent.pk}/")

    assert response.status_code == 200
    assert "李思远" in html(response)


def test_a_missing_person_is_a_404_too(client, hr):
    client.force_login(hr)

    assert client.get("/people/999999/").status_code == 404


def test_team_lead_sees_their_team_only(client, team_lead, agent, other_agent):
    client.force_login(team_lead)

    assert client.get(f"/people/{other_agent.pk}/").status_code == 404
    response = client.get(f"/people/{agent.pk}/")
    assert response.status_code == 200
    assert "王雨桐" in html(response)


def test_mentor_sees_active_mentees_only(client, team, agent, mentor, other_agent):
    teammate = UserFactory(team=team, display_name="周同事")
    client.force_login(mentor)

    assert client.get(f"/people/{other_agent.pk}/").status_code == 404
    assert client.get(f"/people/{teammate.pk}/").status_code == 404
    response = client.get(f"/people/{agent.pk}/")
    assert response.status_code == 200
    assert "王雨桐" in html(response)

    Mentorship.objects.filter(mentor=mentor).update(ended_on=datetime.date(2026, 2, 1))
    assert client.get(f"/people/{agent.pk}/").status_code == 404


def test_profile_shows_the_gap_to_the_position(client, agent, hr):
    position = PositionProfileFactory(name_zh="高级客服")
    agent.position = position
    agent.save(update_fields=["position"])
    PositionRequirementFactory(
        profile=position, competency=CompetencyFactory(name_zh="谈判技巧"), level=Level.EXPERT
    )
    client.force_login(hr)

    response = client.get(f"/people/{agent.pk}/")

    assert [(g.competency.name_zh, g.shortfall) for g in response.context["gaps"]] == [
        ("谈判技巧", 3)
    ]
    gap_rows = [row for row in table_rows(response, "谈判技巧") if 'class="num"' in row]
    assert len(gap_rows) == 1
    assert '<td class="num">3</td>' in gap_rows[0]


# --- Heatmap -------------------------------------------------------------------------------


def test_heatmap_is_not_for_agents_but_for_team_leads(client, agent, team_lead, other_agent):
    client.force_login(agent)
    assert client.get("/heatmap/").status_code == 404

    client.force_login(team_lead)
    response = client.get("/heatmap/")

    assert response.status_code == 200
    page = html(response)
    assert "王雨桐" in page
    assert "李思远" not in page
    # The lead is in the team but holds no agent role: agents only.
    assert {person for person, _levels in response.context["heatmap"].rows} == {agent}


def test_team_lead_cannot_filter_their_way_into_another_team(client, team_lead, other_agent):
    client.force_login(team_lead)

    response = client.get("/heatmap/?team=cosmetics")

    assert response.status_code == 200
    assert "李思远" not in html(response)
    assert response.context["heatmap"].rows == []


def test_heatmap_for_hr_shows_everyone_and_filters_by_team(client, hr, agent, other_agent):
    competency = CompetencyFactory(name_zh="客户画像")
    CompetencyLevelFactory(agent=other_agent, competency=competency, level=Level.EXPERT)
    client.force_login(hr)

    everyone = client.get("/heatmap/")
    assert "王雨桐" in html(everyone)
    assert "李思远" in html(everyone)

    filtered = client.get("/heatmap/?team=cosmetics")

    assert "李思远" in html(filtered)
    assert "王雨桐" not in html(filtered)
    assert filtered.context["heatmap"].rows == [(other_agent, [Level.EXPERT])]
    [row] = table_rows(filtered, "李思远")
    assert '<td class="cell lvl-3">3</td>' in row


def test_heatmap_htmx_request_returns_only_the_grid(client, hr, agent):
    client.force_login(hr)

    response = client.get("/heatmap/", HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    fragment = html(response).strip()
    assert fragment.startswith('<div id="grid">')
    assert fragment.endswith("</div>")
    assert "<html" not in fragment
    assert 'id="team-filter"' not in fragment
    assert "王雨桐" in fragment

    full = html(client.get("/heatmap/"))
    assert "<html" in full
    assert '<div id="grid">' in full


def test_heatmap_pages_by_25(client, hr):
    bulk = TeamFactory(code="bulk")
    for i in range(30):
        UserFactory(username=f"p{i:02d}", display_name=f"学员{i:02d}", team=bulk)
    client.force_login(hr)

    first = client.get("/heatmap/?team=bulk")
    second = client.get("/heatmap/?team=bulk&page=2")
    second_fragment = html(client.get("/heatmap/?team=bulk&page=2", HTTP_HX_REQUEST="true"))

    assert [p.username for p, _ in first.context["heatmap"].rows] == [
        f"p{i:02d}" for i in range(25)
    ]
    assert [p.username for p, _ in second.context["heatmap"].rows] == [
        f"p{i:02d}" for i in range(25, 30)
    ]
    assert "学员24" in html(first)
    assert "学员25" not in html(first)
    assert "学员24" not in html(second)
    assert all(f"学员{i}" in html(second) for i in range(25, 30))
    assert "学员24" not in second_fragment
    assert all(f"学员{i}" in second_fragment for i in range(25, 30))
    assert "page=2" in html(first)


# --- Mentorships page ------------------------------------------------------------------------


def test_mentorships_page_is_for_hr_only(client, agent, mentor, hr):
    newcomer = UserFactory(display_name="周新人")
    data = {"mentor": mentor.pk, "mentee": newcomer.pk, "started_on": "2026-02-01"}
    client.force_login(agent)
    assert client.get("/mentorships/").status_code == 404
    assert client.post("/mentorships/", data).status_code == 404
    assert not Mentorship.objects.filter(mentee=newcomer).exists()

    client.force_login(hr)
    response = client.post("/mentorships/", data)

    assert response.status_code == 302
    assert response.url == "/mentorships/"
    created = Mentorship.objects.get(mentee=newcomer)
    assert (created.mentor, created.created_by) == (mentor, hr)
    assert created.started_on == datetime.date(2026, 2, 1)
    listing = client.get("/mentorships/")
    assert table_rows(listing, "周新人")
    assert table_rows(listing, "王雨桐")


def test_mentorships_page_shows_the_service_error_and_saves_nothing(client, mentor, hr):
    response_count = Mentorship.objects.count()
    client.force_login(hr)

    response = client.post(
        "/mentorships/", {"mentor": mentor.pk, "mentee": mentor.pk, "started_on": "2026-02-01"}
    )

    assert response.status_code == 200
    [error] = response.context["form"].non_field_errors().as_data()
    assert error.code == "self_mentoring"
    assert 'class="errors" role="alert"' in html(response)
    assert Mentorship.objects.count() == response_count
    assert not Mentorship.objects.filter(mentee=mentor).exists()


def test_mentorships_page_refuses_a_second_active_mentor(client, agent, mentor, hr):
    other_mentor = UserFactory(display_name="孙导师", roles=[Role.AGENT, Role.MENTOR])
    client.force_login(hr)

    response = client.post(
        "/mentorships/", {"mentor": other_mentor.pk, "mentee": agent.pk, "started_on": ""}
    )

    assert response.status_code == 200
    [error] = response.context["form"].non_field_errors().as_data()
    assert error.code == "already_mentored"
    assert "陈导师" in html(response)
    assert list(Mentorship.objects.filter(mentee=agent).values_list("mentor", flat=True)) == [
        mentor.pk
    ]


def test_ending_a_mentorship_from_the_page(client, agent, mentor, hr):
    mentorship = Mentorship.objects.get(mentee=agent)
    client.force_login(agent)
    assert client.post(f"/mentorships/{mentorship.pk}/end/").status_code == 404
    mentorship.refresh_from_db()
    assert mentorship.ended_on is None

    client.force_login(hr)
    assert client.get(f"/mentorships/{mentorship.pk}/end/").status_code == 405
    morning_in_shanghai = datetime.datetime(2026, 3, 1, 1, 30, tzinfo=datetime.UTC)
    with patch("django.utils.timezone.now", return_value=morning_in_shanghai):
        response = client.post(f"/mentorships/{mentorship.pk}/end/")

    assert response.status_code == 302
    assert response.url == "/mentorships/"
    mentorship.refresh_from_db()
    assert mentorship.ended_on == datetime.date(2026, 3, 1)
    assert not table_rows(client.get("/mentorships/"), "王雨桐")

    again = client.post(f"/mentorships/{mentorship.pk}/end/", follow=True)
    assert again.status_code == 200
    assert [m.level_tag for m in again.context["messages"]] == ["error"]
    mentorship.refresh_from_db()
    assert mentorship.ended_on == datetime.date(2026, 3, 1)


# --- Language ------------------------------------------------------------------------------


def test_language_switch_refuses_an_off_site_next(client, agent):
    client.force_login(agent)

    response = client.post("/language/", {"language": "en", "next": "https://evil.example/x"})

    assert response.status_code == 302
    assert response.url == "/"


def test_language_switch_sets_cookie_and_remembers_the_choice(client, agent):
    client.force_login(agent)
    assert agent.preferred_language == "zh-hans"
    assert '<html lang="zh-hans">' in html(client.get("/me/"))

    response = client.post("/language/", {"language": "en", "next": "/me/"})

    assert response.status_code == 302
    assert response.url == "/me/"
    assert response.cookies["django_language"].value == "en"
    agent.refresh_from_db()
    assert agent.preferred_language == "en"
    assert '<html lang="en">' in html(client.get("/me/"))


def test_language_switch_refuses_an_unknown_language(client, agent):
    client.force_login(agent)

    response = client.post("/language/", {"language": "fr", "next": "/me/"})

    assert response.status_code == 302
    assert "django_language" not in response.cookies
    agent.refresh_from_db()
    assert agent.preferred_language == "zh-hans"


def test_language_switch_works_before_signing_in(client, db):
    response = client.post("/language/", {"language": "en", "next": "/accounts/login/"})

    assert response.url == "/accounts/login/"
    assert response.cookies["django_language"].value == "en"
    assert '<html lang="en">' in html(client.get("/accounts/login/"))


def test_preferred_language_applies_at_the_next_visit(client, agent):
    agent.preferred_language = "en"
    agent.save(update_fields=["preferred_language"])
    client.force_login(agent)

    assert '<html lang="en">' in html(client.get("/"))


# --- Query counts at two data sizes ------------------------------------------------------------


def _people_with_levels(team, competencies, count):
    for _ in range(count):
        person = UserFactory(team=team)
        for competency in competencies[:2]:
            CompetencyLevelFactory(agent=person, competency=competency, level=Level.ADVANCED)


def test_heatmap_query_count_does_not_grow_with_people(client, hr):
    competencies = [CompetencyFactory() for _ in range(4)]
    teams = [TeamFactory(code="apparel"), TeamFactory(code="cosmetics")]
    for team in teams:
        _people_with_levels(team, competencies, 5)
    client.force_login(hr)
    few = query_count(client, "/heatmap/")

    for team in teams:
        _people_with_levels(team, competencies, 25)
    many = query_count(client, "/heatmap/")

    assert User.objects.count() == 61
    assert few == many
    assert query_count(client, "/heatmap/?team=apparel", HTTP_HX_REQUEST="true") <= many


def _competencies_for(agent, count):
    for _ in range(count):
        competency = CompetencyFactory()
        for level in Level.values:
            BehaviouralIndicatorFactory(competency=competency, level=level)
        PositionRequirementFactory(
            profile=agent.position, competency=competency, level=Level.EXPERT
        )
        CompetencyLevelFactory(agent=agent, competency=competency, level=Level.BASIC)


def test_my_profile_query_count_does_not_grow_with_competencies(client, agent):
    agent.position = PositionProfileFactory()
    agent.save(update_fields=["position"])
    _competencies_for(agent, 3)
    client.force_login(agent)
    few = query_count(client, "/me/")

    _competencies_for(agent, 12)
    many = query_count(client, "/me/")

    assert few == many


def test_mentor_home_query_count_does_not_grow_with_mentees(client, team, mentor):
    client.force_login(mentor)
    few = query_count(client, "/")

    for i in range(12):
        MentorshipFactory(mentor=mentor, mentee=UserFactory(team=TeamFactory(code=f"t{i}")))
    many = query_count(client, "/")

    assert Mentorship.objects.filter(mentor=mentor).count() == 13
    assert few == many


def test_hr_home_query_count_does_not_grow_with_the_organisation(client, hr):
    MentorshipFactory()
    client.force_login(hr)
    few = query_count(client, "/")

    for _ in range(12):
        MentorshipFactory()
    many = query_count(client, "/")

    assert few == many


def test_mentorships_page_query_count_does_not_grow_with_mentorships(client, hr):
    MentorshipFactory()
    client.force_login(hr)
    few = query_count(client, "/mentorships/")

    for i in range(12):
        MentorshipFactory(mentee=UserFactory(team=TeamFactory(code=f"t{i}")))
    many = query_count(client, "/mentorships/")

    assert few == many


def test_matrix_query_count_does_not_grow_with_competencies(client, agent):
    def add(count):
        for _ in range(count):
            competency = CompetencyFactory()
            BehaviouralIndicatorFactory(competency=competency, level=Level.BASIC)
            BehaviouralIndicatorFactory(competency=competency, level=Level.EXPERT)

    add(3)
    client.force_login(agent)
    few = query_count(client, "/matrix/")

    add(12)
    many = query_count(client, "/matrix/")

    assert few == many
