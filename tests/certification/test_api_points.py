"""The points API: statements (who reads them, HR's corrections), a ledger with no way to
change or remove an entry (405), leaderboards, point rules, honours; list query counts
at two sizes."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import gettext
from rest_framework.test import APIClient

from certification import points
from certification.models import Honour, PointRule, PointsEntry
from tests.certification.factories import HonourTypeFactory, point_rules
from tests.lms.factories import UserFactory

pytestmark = pytest.mark.django_db

API = "/api/certification"


@pytest.fixture
def api():
    return APIClient()


def _as(api: APIClient, user) -> APIClient:
    api.force_login(user)
    return api


_sources = iter(range(1, 100_000))


def earn(person, amount: int, *, note: str = "", at=None) -> PointsEntry:
    entry, _created = points.points_award(
        person=person,
        amount=amount,
        reason="course",
        source_type="courses.course",
        source_id=next(_sources),
        note=note,
        at=at,
    )
    return entry


def ledger() -> list[tuple]:
    return list(PointsEntry.objects.order_by("pk").values_list("pk", "amount", "note"))


# --- Statements ------------------------------------------------------------------------------


def test_an_agent_reads_their_own_statement_but_not_anothers(api, agent, other_agent):
    earn(agent, 10, note="售后流程入门")
    earn(other_agent, 77, note="别人的课程")
    data = _as(api, agent).get(f"{API}/points/{agent.pk}/").json()
    assert data["balance"] == 10 and data["person"]["id"] == agent.pk
    assert [e["note"] for e in data["results"]] == ["售后流程入门"]
    assert api.get(f"{API}/points/{other_agent.pk}/").status_code == 404
    assert api.get(f"{API}/points/999999/").status_code == 404


def test_a_team_lead_reads_their_team_and_hr_reads_someone_who_left(
    api, agent, other_agent, team_lead, hr
):
    earn(agent, 5)
    _as(api, team_lead)
    assert api.get(f"{API}/points/{agent.pk}/").json()["balance"] == 5
    assert api.get(f"{API}/points/{other_agent.pk}/").status_code == 404
    agent.is_active = False
    agent.save(update_fields=["is_active"])
    assert _as(api, hr).get(f"{API}/points/{agent.pk}/").json()["balance"] == 5


def test_the_statement_shows_each_entrys_running_balance(api, agent):
    start = timezone.now() - datetime.timedelta(days=3)
    for day, amount in enumerate([10, 20, 5]):
        earn(agent, amount, at=start + datetime.timedelta(days=day))
    results = _as(api, agent).get(f"{API}/points/{agent.pk}/").json()["results"]
    assert [(e["amount"], e["running"]) for e in results] == [(5, 35), (20, 30), (10, 10)]
    assert results[0]["reason"] == "course" and results[0]["source_label"]


def test_the_statement_costs_the_same_at_two_sizes(api, agent, hr):
    earn(agent, 10)
    _as(api, hr)

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = api.get(f"{API}/points/{agent.pk}/")
        return len(queries), len(response.json()["results"])

    small = count()
    for _ in range(4):
        points.points_correct(person=agent, amount=3, note="补录", created_by=UserFactory())
    large = count()
    assert (small[1], large[1]) == (1, 5)
    assert small[0] == large[0]


# --- Corrections -------------------------------------------------------------------------------


def test_an_agent_or_team_lead_cannot_correct_points(api, agent, team_lead):
    earn(agent, 10)
    before = ledger()
    for user in (agent, team_lead):
        refused = _as(api, user).post(
            f"{API}/points/{agent.pk}/", {"amount": 500, "note": "自己加分"}
        )
        assert refused.status_code == 403
    assert ledger() == before
    assert points.balance(agent) == 10


def test_hr_corrects_points_with_a_new_entry(api, agent, hr):
    earn(agent, 10)
    response = _as(api, hr).post(f"{API}/points/{agent.pk}/", {"amount": -4, "note": "重复计分"})
    assert response.status_code == 201
    entry = response.json()
    assert (entry["amount"], entry["reason"], entry["note"]) == (-4, "correction", "重复计分")
    assert entry["created_by"]["id"] == hr.pk
    assert points.balance(agent) == 6
    assert PointsEntry.objects.count() == 2


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"amount": 0, "note": "无"}, "A correction must add or remove at least one point."),
        ({"amount": 5, "note": "  "}, "Say why the points are corrected."),
        ({"amount": 5, "note": "长" * 301}, "Keep the reason under 300 characters."),
        ({"amount": 10**6, "note": "太多"}, "That correction is implausibly large."),
    ],
)
def test_a_bad_correction_is_a_400_with_the_message_and_changes_nothing(
    api, agent, hr, body, message
):
    earn(agent, 10)
    before = ledger()
    refused = _as(api, hr).post(f"{API}/points/{agent.pk}/", body, format="json")
    assert refused.status_code == 400
    assert refused.json()["detail"] == [gettext(message)]
    assert ledger() == before


def test_a_correction_without_points_is_refused_with_a_message(api, agent, hr):
    refused = _as(api, hr).post(f"{API}/points/{agent.pk}/", {"note": "补录"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["amount"] == [gettext("Enter the points to add or remove.")]
    assert not PointsEntry.objects.exists()


# --- The ledger is append-only -----------------------------------------------------------------


def test_no_request_changes_or_removes_a_ledger_entry(api, agent, hr):
    entry = earn(agent, 10, note="原始记录")
    before = ledger()
    _as(api, hr)
    for url in (f"{API}/points/{agent.pk}/", f"{API}/points/entries/{entry.pk}/"):
        for method in (api.put, api.patch, api.delete):
            response = method(url, {"amount": 1000, "note": "改掉"}, format="json")
            assert response.status_code == 405, (url, method)
    assert ledger() == before


def test_an_entry_is_read_by_whoever_may_see_its_person(api, agent, other_agent):
    entry = earn(agent, 10, note="售后流程入门")
    url = f"{API}/points/entries/{entry.pk}/"
    assert _as(api, other_agent).get(url).status_code == 404
    data = _as(api, agent).get(url).json()
    assert (data["id"], data["amount"], data["note"]) == (entry.pk, 10, "售后流程入门")


# --- Leaderboards ----------------------------------------------------------------------------


def test_the_leaderboard_ranks_the_period_with_my_own_place(api, agent, other_agent, team):
    earn(agent, 30)
    earn(other_agent, 50)
    earn(UserFactory(team=team), 10, at=timezone.now() - datetime.timedelta(days=62))
    data = _as(api, agent).get(f"{API}/points/leaderboard/", {"period": "month"}).json()
    assert data["period"] == "month" and data["team"] is None
    assert [(s["rank"], s["person"]["id"], s["points"]) for s in data["top"]] == [
        (1, other_agent.pk, 50),
        (2, agent.pk, 30),
    ]
    assert data["mine"]["rank"] == 2


def test_the_leaderboard_per_team_and_a_leads_own_team_by_default(
    api, agent, other_agent, team_lead, team, other_team
):
    earn(agent, 30)
    earn(other_agent, 50)
    _as(api, agent)
    data = api.get(f"{API}/points/leaderboard/", {"team": str(other_team.pk)}).json()
    assert [s["person"]["id"] for s in data["top"]] == [other_agent.pk]
    assert data["team"]["code"] == other_team.code and data["mine"] is None
    everyone = api.get(f"{API}/points/leaderboard/", {"team": ""}).json()
    assert len(everyone["top"]) == 2
    led = _as(api, team_lead).get(f"{API}/points/leaderboard/").json()
    assert led["team"]["id"] == team.pk
    assert [s["person"]["id"] for s in led["top"]] == [agent.pk]


def test_a_bad_period_or_team_is_a_400(api, agent):
    _as(api, agent)
    assert api.get(f"{API}/points/leaderboard/", {"period": "year"}).status_code == 400
    unknown = api.get(f"{API}/points/leaderboard/", {"team": "999999"})
    assert unknown.status_code == 400
    assert unknown.json()["team"] == [gettext("No such team.")]


# --- Point rules ------------------------------------------------------------------------------


def test_everyone_reads_the_rules_in_force_and_hr_every_rule(api, agent, hr):
    point_rules(course=10, quiz=5)
    PointRule.objects.filter(event="quiz").update(is_active=False)
    shown = _as(api, agent).get(f"{API}/points/rules/").json()
    assert [(r["event"], r["points"]) for r in shown] == [("course", 10)]
    every = _as(api, hr).get(f"{API}/points/rules/").json()
    assert [r["event"] for r in every] == PointRule.Event.values
    assert {r["event"]: r["is_active"] for r in every}["quiz"] is False


def _all_rules(**changed: int) -> dict:
    return {
        "rules": [
            {"event": event, "points": changed.get(event, 1), "is_active": True}
            for event in PointRule.Event.values
        ]
    }


def test_an_agent_cannot_change_the_rules(api, agent):
    point_rules(course=10)
    _as(api, agent)
    assert api.put(f"{API}/points/rules/", _all_rules(course=999), format="json").status_code == 403
    patch = {"rules": [{"event": "course", "points": 999}]}
    assert api.patch(f"{API}/points/rules/", patch, format="json").status_code == 403
    assert PointRule.objects.get(event="course").points == 10


def test_hr_sets_every_rule_or_some_of_them(api, hr):
    point_rules(course=10, quiz=5)
    _as(api, hr)
    saved = api.put(f"{API}/points/rules/", _all_rules(course=20), format="json")
    assert saved.status_code == 200
    assert {r["event"]: r["points"] for r in saved.json()}["course"] == 20
    assert dict(PointRule.objects.values_list("event", "points")) == {
        "course": 20,
        "quiz": 1,
        "roleplay": 1,
        "case_review": 1,
    }
    patched = api.patch(
        f"{API}/points/rules/", {"rules": [{"event": "quiz", "is_active": False}]}, format="json"
    )
    assert patched.status_code == 200
    quiz = PointRule.objects.get(event="quiz")
    assert (quiz.points, quiz.is_active) == (1, False)


def test_bad_rules_are_refused_and_change_nothing(api, hr):
    point_rules(course=10, quiz=5)
    before = list(PointRule.objects.order_by("event").values_list("event", "points", "is_active"))
    _as(api, hr)
    partial = api.put(
        f"{API}/points/rules/",
        {"rules": [{"event": "course", "points": 3, "is_active": True}]},
        format="json",
    )
    assert partial.status_code == 400
    assert partial.json()["rules"] == [gettext("Give every achievement its points.")]
    too_many = api.patch(
        f"{API}/points/rules/",
        {"rules": [{"event": "course", "points": 3}, {"event": "quiz", "points": 10**6}]},
        format="json",
    )
    assert too_many.status_code == 400
    assert too_many.json()["detail"] == [
        gettext("Points must be between 0 and %(max)s.") % {"max": points.MAX_RULE_POINTS}
    ]
    unknown = api.patch(
        f"{API}/points/rules/", {"rules": [{"event": "login", "points": 3}]}, format="json"
    )
    assert unknown.status_code == 400
    unnamed = api.patch(f"{API}/points/rules/", {"rules": [{"points": 3}]}, format="json")
    assert unnamed.status_code == 400
    assert unnamed.json()["rules"] == [gettext("Unknown achievement.")]
    assert before == list(
        PointRule.objects.order_by("event").values_list("event", "points", "is_active")
    )


# --- Honours -----------------------------------------------------------------------------------


def _month() -> str:
    return timezone.localdate().strftime("%Y-%m")


def test_an_agent_cannot_award_an_honour(api, agent):
    star = HonourTypeFactory(name_zh="服务之星")
    refused = _as(api, agent).post(
        f"{API}/honours/", {"honour_type": star.pk, "person": agent.pk, "month": _month()}
    )
    assert refused.status_code == 403
    assert not Honour.objects.exists() and not PointsEntry.objects.exists()


def test_hr_awards_an_honour_with_its_points_once(api, agent, hr):
    star = HonourTypeFactory(name_zh="服务之星", points=50)
    _as(api, hr)
    body = {"honour_type": star.pk, "person": agent.pk, "month": _month(), "note": "好评如潮"}
    response = api.post(f"{API}/honours/", body)
    assert response.status_code == 201
    data = response.json()
    assert data["honour_type"]["name"] == "服务之星" and data["person"]["id"] == agent.pk
    assert data["month"] == timezone.localdate().replace(day=1).isoformat()
    assert points.balance(agent) == 50
    again = api.post(f"{API}/honours/", body)
    assert again.status_code == 400
    [message] = again.json()["detail"]
    assert _month() in message
    assert Honour.objects.count() == 1 and points.balance(agent) == 50


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("month", "March", "Enter a month as YYYY-MM, e.g. 2026-03."),
        ("honour_type", 999_999, "Choose an honour in use."),
        ("person", 999_999, "Choose the person honoured."),
    ],
)
def test_a_bad_award_is_a_400_with_the_message(api, agent, hr, field, value, message):
    star = HonourTypeFactory()
    body = {"honour_type": star.pk, "person": agent.pk, "month": _month(), field: value}
    refused = _as(api, hr).post(f"{API}/honours/", body)
    assert refused.status_code == 400
    assert refused.json()[field] == [gettext(message)]
    assert not Honour.objects.exists()


def test_a_future_month_is_refused_by_the_service(api, agent, hr):
    star = HonourTypeFactory()
    future = (timezone.localdate().replace(day=1) + datetime.timedelta(days=40)).strftime("%Y-%m")
    body = {"honour_type": star.pk, "person": agent.pk, "month": future}
    refused = _as(api, hr).post(f"{API}/honours/", body)
    assert refused.status_code == 400
    assert refused.json()["detail"] == [gettext("A month still to come cannot be honoured.")]
    assert not Honour.objects.exists()


def test_everyone_lists_honours_by_month(api, agent, other_agent, hr):
    star = HonourTypeFactory()
    this_month = timezone.localdate().replace(day=1)
    last_month = (this_month - datetime.timedelta(days=1)).replace(day=1)
    points.honour_award(honour_type=star, person=agent, month=this_month, awarded_by=hr)
    points.honour_award(honour_type=star, person=other_agent, month=last_month, awarded_by=hr)
    _as(api, other_agent)
    every = api.get(f"{API}/honours/").json()["results"]
    assert [h["person"]["id"] for h in every] == [agent.pk, other_agent.pk]
    last = api.get(f"{API}/honours/", {"month": last_month.strftime("%Y-%m")}).json()
    assert [h["person"]["id"] for h in last["results"]] == [other_agent.pk]
    assert api.get(f"{API}/honours/", {"month": "soon"}).status_code == 400


def test_the_honour_list_costs_the_same_at_two_sizes(api, agent, hr):
    star = HonourTypeFactory()
    month = timezone.localdate().replace(day=1)
    points.honour_award(honour_type=star, person=agent, month=month, awarded_by=hr)
    _as(api, agent)

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = api.get(f"{API}/honours/")
        return len(queries), len(response.json()["results"])

    small = count()
    for _ in range(4):
        points.honour_award(
            honour_type=HonourTypeFactory(), person=UserFactory(), month=month, awarded_by=hr
        )
    large = count()
    assert (small[1], large[1]) == (1, 5)
    assert small[0] == large[0]


def test_honour_types_in_use_for_everyone_and_all_for_hr(api, agent, hr):
    star = HonourTypeFactory(code="service-star")
    retired = HonourTypeFactory(code="old", is_active=False)
    shown = _as(api, agent).get(f"{API}/honours/types/").json()["results"]
    assert [t["id"] for t in shown] == [star.pk]
    every = _as(api, hr).get(f"{API}/honours/types/").json()["results"]
    assert [t["id"] for t in every] == [star.pk, retired.pk]
