"""Points pages: the statement (who may read it, HR's correction), "how points work", HR's
point rules, both languages, and fixed query counts."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from certification import points
from certification.models import PointRule, PointsEntry
from tests.certification.factories import HonourTypeFactory, ProgramFactory, point_rules
from tests.lms.factories import UserFactory

HTMX = {"HX-Request": "true"}
AT = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def url(name: str, *args) -> str:
    return reverse(f"certification:{name}", args=args)


def html(response) -> str:
    return response.content.decode()


def earn(person, amount: int, source_id: int, *, note: str = "", day: int = 0) -> PointsEntry:
    entry, _created = points.points_award(
        person=person,
        amount=amount,
        reason="course",
        source_type="courses.course",
        source_id=source_id,
        note=note,
        at=AT + datetime.timedelta(days=day),
    )
    return entry


# --- Who reads a statement --------------------------------------------------------------


def test_points_redirects_to_my_own_statement(client, agent):
    client.force_login(agent)
    response = client.get(url("points-me"))
    assert response.status_code == 302
    assert response["Location"] == url("points-statement", agent.pk)


def test_an_agent_reads_their_own_statement_but_not_anothers(client, agent, other_agent):
    earn(agent, 10, 1, note="售后流程入门")
    earn(other_agent, 77, 2, note="别人的课程")
    client.force_login(agent)
    own = html(client.get(url("points-statement", agent.pk)))
    assert "售后流程入门" in own and 'id="balance"><strong>10<' in own
    assert "别人的课程" not in own
    assert url("points-correct", agent.pk) not in own  # no correction form for agents

    assert client.get(url("points-statement", other_agent.pk)).status_code == 404
    assert client.get(url("points-statement", 999_999)).status_code == 404


def test_a_team_lead_reads_their_team_members_statement_only(client, agent, other_agent, team_lead):
    earn(agent, 10, 1, note="售后流程入门")
    client.force_login(team_lead)
    assert "售后流程入门" in html(client.get(url("points-statement", agent.pk)))
    assert client.get(url("points-statement", other_agent.pk)).status_code == 404


def test_a_mentor_reads_their_mentees_statement(client, agent, mentor, other_agent):
    earn(agent, 10, 1, note="售后流程入门")
    client.force_login(mentor)
    assert "售后流程入门" in html(client.get(url("points-statement", agent.pk)))
    assert client.get(url("points-statement", other_agent.pk)).status_code == 404


def test_hr_reads_anyone_even_someone_who_has_left(client, agent, hr):
    earn(agent, 10, 1, note="售后流程入门")
    agent.is_active = False
    agent.save(update_fields=["is_active"])
    client.force_login(hr)
    page = html(client.get(url("points-statement", agent.pk)))
    assert "售后流程入门" in page and url("points-correct", agent.pk) in page


def test_anonymous_visitors_are_sent_to_log_in(client, agent):
    response = client.get(url("points-statement", agent.pk))
    assert response.status_code == 302 and "login" in response["Location"]


# --- Corrections -------------------------------------------------------------------------


def test_an_agent_or_team_lead_cannot_correct_points(client, agent, team_lead):
    earn(agent, 10, 1)
    for person in (agent, team_lead):
        client.force_login(person)
        response = client.post(url("points-correct", agent.pk), {"amount": 500, "note": "自己加"})
        assert response.status_code == 404
    assert list(PointsEntry.objects.values_list("amount", flat=True)) == [10]


def test_hr_corrects_points_with_a_reason(client, agent, hr):
    earn(agent, 10, 1)
    client.force_login(hr)
    response = client.post(url("points-correct", agent.pk), {"amount": -3, "note": "重复计分"})
    assert response.status_code == 302
    correction = PointsEntry.objects.get(reason="correction")
    assert (correction.person, correction.amount, correction.note, correction.created_by) == (
        agent,
        -3,
        "重复计分",
        hr,
    )
    page = html(client.get(url("points-statement", agent.pk)))
    assert 'id="balance"><strong>7<' in page and "重复计分" in page and str(hr) in page


def test_a_correction_without_a_reason_or_with_zero_points_changes_nothing(client, agent, hr):
    earn(agent, 10, 1)
    client.force_login(hr)
    for data in ({"amount": 5, "note": ""}, {"amount": 0, "note": "原因"}, {"amount": "x"}):
        response = client.post(url("points-correct", agent.pk), data)
        assert response.status_code == 400
        assert 'role="alert"' in html(response)
    no_reason = html(client.post(url("points-correct", agent.pk), {"amount": 5, "note": ""}))
    assert gettext("Say why the points are corrected.") in no_reason
    assert PointsEntry.objects.count() == 1


# --- The statement itself ----------------------------------------------------------------


def test_the_statement_is_paginated_with_running_balances(client, agent):
    for i in range(30):
        earn(agent, 1, i, note=f"课程{i:02d}", day=i)
    client.force_login(agent)
    first = html(client.get(url("points-statement", agent.pk)))
    assert first.count('id="entry-') == points.STATEMENT_PER_PAGE
    assert "课程29" in first and "课程00" not in first
    second = client.get(url("points-statement", agent.pk), {"page": 2}, headers=HTMX)
    body = html(second)
    assert body.lstrip().startswith('<section class="card" id="entries"')
    assert "课程00" in body and body.count('id="entry-') == 5
    # The oldest entry's running balance is its own amount.
    oldest = body.split("课程00")[1]
    assert '<td class="num">1</td>' in oldest.split("</tr>")[0]


def test_an_empty_statement_says_so(client, agent):
    client.force_login(agent)
    page = html(client.get(url("points-statement", agent.pk)))
    assert 'class="empty"' in page and 'id="balance"><strong>0<' in page


def _statement_queries(client, viewer, person, entries: int) -> int:
    start = PointsEntry.objects.filter(person=person).count()
    hr = UserFactory(roles=["hr"])
    for i in range(entries):
        earn(person, 2, 10_000 + start + i, day=i)
        points.points_correct(person=person, amount=-1, note=f"更正{i}", created_by=hr)
    client.force_login(viewer)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url("points-statement", person.pk))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_statement_query_count_is_fixed(client, agent, hr):
    assert _statement_queries(client, hr, agent, 2) == _statement_queries(client, hr, agent, 20)


# --- How points work, rules ---------------------------------------------------------------


def test_how_points_work_lists_what_is_in_force(client, agent):
    point_rules(course=10, quiz=5)
    PointRule.objects.filter(event="quiz").update(is_active=False)
    ProgramFactory(title_zh="售后技能认证", points_awarded=80)
    ProgramFactory(title_zh="已关闭认证", points_awarded=70, is_active=False)
    HonourTypeFactory(name_zh="服务之星", points=50)
    HonourTypeFactory(name_zh="停用荣誉", points=50, is_active=False)
    client.force_login(agent)
    page = html(client.get(url("points-how")))
    assert 'id="rule-course"' in page and 'id="rule-quiz"' not in page
    assert "售后技能认证" in page and "已关闭认证" not in page
    assert "服务之星" in page and "停用荣誉" not in page


def test_point_rules_are_hrs(client, agent, hr):
    client.force_login(agent)
    assert client.get(url("point-rules")).status_code == 404
    assert client.post(url("point-rules"), {"course_points": 99}).status_code == 404
    assert not PointRule.objects.exists()

    client.force_login(hr)
    data = {f"{event}_points": 0 for event in PointRule.Event.values}
    data.update(course_points=12, course_active="on", quiz_points=4)
    response = client.post(url("point-rules"), data)
    assert response.status_code == 302
    assert points.rule_points("course") == 12
    assert points.rule_points("quiz") == 0  # set, but not in force
    assert PointRule.objects.get(event="quiz").points == 4


def test_a_bad_rule_changes_nothing(client, hr):
    point_rules(course=10)
    client.force_login(hr)
    data = {f"{event}_points": 1 for event in PointRule.Event.values}
    data.update(course_points=-5, course_active="on")
    response = client.post(url("point-rules"), data)
    assert response.status_code == 200 and 'role="alert"' in html(response)
    assert list(PointRule.objects.values_list("event", "points")) == [("course", 10)]


# --- Languages ---------------------------------------------------------------------------


PAGES = [
    ("points-statement", True),
    ("leaderboard", False),
    ("points-how", False),
    ("honours", False),
    ("ladder-me", False),
]


def test_the_pages_speak_both_languages(client, agent):
    earn(agent, 10, 1)
    client.force_login(agent)
    for language in ("zh-hans", "en"):
        client.cookies["django_language"] = language
        with translation.override(language):
            # Strings of the pages' shared navigation, and one already in the catalogue.
            expected = [gettext("Leaderboard"), gettext("How points work"), gettext("Next")]
            for name, with_id in PAGES:
                page = html(client.get(url(name, *([agent.pk] if with_id else []))))
                assert f'<html lang="{language}"' in page
                for text in expected[:2]:
                    assert text in page, (language, name, text)
            board = html(client.get(url("leaderboard")))
            assert gettext("Team") in board
            assert expected[2] == ("下一页" if language == "zh-hans" else "Next")


# --- The person page ------------------------------------------------------------------------


def _person_page_queries(client, viewer, person, honours: int) -> int:
    hr = UserFactory(roles=["hr"])
    honour_type = HonourTypeFactory()
    for i in range(honours):
        month = datetime.date(2025 - i // 12, 12 - i % 12, 1)
        points.honour_award(honour_type=honour_type, person=person, month=month, awarded_by=hr)
    client.force_login(viewer)
    with CaptureQueriesContext(connection) as page_ctx:
        client.get(reverse("person-detail", args=[person.pk]))
    with CaptureQueriesContext(connection) as panel_ctx:
        response = client.get(url("person-panel", person.pk), headers=HTMX)
    assert (
        html(response).count('<li><span class="tag">')
        == points.Honour.objects.filter(person=person).count()
    )
    return len(page_ctx.captured_queries), len(panel_ctx.captured_queries)


def test_the_person_page_and_its_panel_query_counts_are_fixed(client, agent, team_lead):
    assert _person_page_queries(client, team_lead, agent, 1) == _person_page_queries(
        client, team_lead, agent, 6
    )


def test_the_person_page_loads_the_registered_panels(client, agent):
    client.force_login(agent)
    page = html(client.get(reverse("my-profile")))
    assert f'hx-get="{url("person-panel", agent.pk)}"' in page
    assert 'id="person-panel"' in page
