"""Leaderboards: points earned this week and this month, overall and per team, top 10 with
the viewer's own rank, ties sharing a rank, in a fixed number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from certification import points
from tests.lms.factories import TeamFactory, UserFactory

WEDNESDAY = datetime.date(2026, 3, 4)  # the week starts on Monday 2 March


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def earn(person, amount, *, day=WEDNESDAY, source_id=None):
    points.points_award(
        person=person,
        amount=amount,
        reason="course",
        source_type="courses.course",
        source_id=source_id if source_id is not None else amount * 1000 + person.pk,
        at=at(day),
    )


def board(viewer, period="week", **kwargs):
    return points.leaderboard(period=period, viewer=viewer, today=WEDNESDAY, **kwargs)


def ranking(result) -> list[tuple[int, str, int]]:
    return [(s.rank, s.person.username, s.points) for s in result.top]


def test_ranks_with_ties_sharing_a_rank(agent, other_agent, team):
    third = UserFactory(username="third", team=team)
    fourth = UserFactory(username="fourth", team=team)
    earn(agent, 30)
    earn(other_agent, 30)
    earn(third, 10)
    earn(fourth, 5)

    result = board(agent)
    assert ranking(result) == [
        (1, "agent", 30),
        (1, "other", 30),
        (3, "third", 10),
        (4, "fourth", 5),
    ]
    assert (result.mine.rank, result.mine.points) == (1, 30)


def test_the_week_and_the_month_count_their_own_entries(agent, hr):
    earn(agent, 10, day=datetime.date(2026, 3, 1))  # Sunday: this month, last week
    earn(agent, 20, day=datetime.date(2026, 3, 2))  # Monday: this week
    earn(agent, 40, day=datetime.date(2026, 2, 27))  # last month
    assert board(agent, "week").mine.points == 20
    assert board(agent, "month").mine.points == 30


def test_corrections_count_and_nobody_with_nothing_earned_is_listed(agent, other_agent, hr):
    today = timezone.localdate()
    earn(agent, 30, day=today)
    earn(other_agent, 10, day=today)
    points.points_correct(person=other_agent, amount=-10, note="更正", created_by=hr)

    result = points.leaderboard(period="week", viewer=other_agent)
    assert [s.person for s in result.top] == [agent]
    assert result.mine is None


def test_the_team_filter_keeps_the_team_only(agent, other_agent, team, other_team):
    mate = UserFactory(username="mate", team=team)
    earn(agent, 10)
    earn(mate, 20)
    earn(other_agent, 99)

    assert ranking(board(agent, team_id=team.pk)) == [(1, "mate", 20), (2, "agent", 10)]
    assert ranking(board(agent, team_id=other_team.pk)) == [(1, "other", 99)]
    # Outside the team filtered on, the viewer has no rank on that board.
    assert board(agent, team_id=other_team.pk).mine is None


def test_top_ten_with_the_viewers_own_rank_outside_it(agent, team):
    for i in range(12):
        earn(UserFactory(username=f"p{i:02d}", team=team), 100 - i)
    earn(agent, 1)

    result = board(agent)
    assert len(result.top) == 10
    assert [s.rank for s in result.top] == list(range(1, 11))
    assert agent not in [s.person for s in result.top]
    assert (result.mine.rank, result.mine.person, result.mine.points) == (13, agent, 1)


def test_people_who_left_are_not_ranked(agent, other_agent):
    earn(agent, 10)
    earn(other_agent, 50)
    other_agent.is_active = False
    other_agent.save(update_fields=["is_active"])
    assert ranking(board(agent)) == [(1, "agent", 10)]


def test_an_unknown_period_is_refused(agent):
    with pytest.raises(ValueError):
        board(agent, "year")


def _selector_queries(viewer, people: int) -> int:
    team = TeamFactory()
    for i in range(people):
        earn(UserFactory(team=team), 5 + i)
    with CaptureQueriesContext(connection) as ctx:
        result = board(viewer)
        for standing in result.top:
            str(standing.person.team)  # the page shows each person's team
    return len(ctx.captured_queries)


def test_the_selector_query_count_is_fixed(agent):
    earn(agent, 1)
    small = _selector_queries(agent, 3)
    large = _selector_queries(agent, 30)
    assert small == large == 2


# --- The page ------------------------------------------------------------------------------


def test_the_page_shows_this_week_and_this_month_and_my_rank(client, agent, team):
    for i in range(11):
        person = UserFactory(username=f"q{i:02d}", display_name=f"高手{i:02d}", team=team)
        earn(person, 100 - i, day=timezone.localdate())
    earn(agent, 1, day=timezone.localdate())
    client.force_login(agent)
    page = client.get(reverse("certification:leaderboard")).content.decode()
    assert page.count('class="card leaderboard"') == 2
    assert "高手00" in page and "高手10" not in page  # top 10 only
    mine = gettext("Your rank: %(rank)s (%(points)s points)") % {"rank": 12, "points": 1}
    assert page.count(mine) == 2
    assert agent.display_name not in page.split('class="card leaderboard"')[1].split("my-rank")[0]


def test_a_team_lead_sees_their_team_by_default_and_everyone_on_request(
    client, agent, other_agent, team, team_lead
):
    earn(agent, 10, day=timezone.localdate())
    earn(other_agent, 50, day=timezone.localdate())
    client.force_login(team_lead)
    own = client.get(reverse("certification:leaderboard")).content.decode()
    assert agent.display_name in own and other_agent.display_name not in own
    everyone = client.get(reverse("certification:leaderboard"), {"team": ""}).content.decode()
    assert agent.display_name in everyone and other_agent.display_name in everyone
    # An agent sees everyone by default.
    client.force_login(agent)
    page = client.get(reverse("certification:leaderboard")).content.decode()
    assert other_agent.display_name in page


def test_an_unknown_team_shows_everyone_with_a_message(client, agent, other_agent):
    earn(other_agent, 50, day=timezone.localdate())
    client.force_login(agent)
    page = client.get(reverse("certification:leaderboard"), {"team": "nope"}).content.decode()
    assert 'role="alert"' in page and other_agent.display_name in page


def test_the_htmx_filter_returns_the_boards_only(client, agent, team):
    client.force_login(agent)
    response = client.get(
        reverse("certification:leaderboard"), {"team": team.pk}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="boards"')
    assert "<html" not in body


def _page_queries(client, viewer, people: int) -> int:
    team = TeamFactory()
    for i in range(people):
        earn(UserFactory(team=team), 5 + i, day=timezone.localdate())
    client.force_login(viewer)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("certification:leaderboard"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_page_query_count_is_fixed(client, agent):
    earn(agent, 1, day=timezone.localdate())
    assert _page_queries(client, agent, 3) == _page_queries(client, agent, 25)
