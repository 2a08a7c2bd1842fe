"""The ladder API: my next level and what is left, HR's promotion board and decisions
(who may, what a decision changes, messages for bad input), list query counts at two
sizes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext
from rest_framework.test import APIClient

from certification import ladder
from certification.models import CareerStatus, Promotion
from tests.certification.test_ladder import Ladder
from tests.lms.factories import UserFactory

pytestmark = pytest.mark.django_db

API = "/api/certification"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def rungs():
    return Ladder()


def _as(api: APIClient, user) -> APIClient:
    api.force_login(user)
    return api


def _count(api: APIClient, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = api.get(url)
    assert response.status_code == 200
    return len(queries), len(response.json()["results"])


def test_i_see_my_next_level_and_what_is_left(api, agent, rungs):
    rungs.qualify(agent, points_amount=40)
    data = _as(api, agent).get(f"{API}/ladder/me/").json()
    assert data["level"]["code"] == "junior" and data["next_level"]["code"] == "intermediate"
    assert data["points"] == 40 and data["eligible"] is False
    met = {check["kind"]: check["met"] for check in data["checks"]}
    assert met == {"certificate": True, "competency": True, "points": False, "tenure": True}


def test_without_a_ladder_there_is_no_next_level(api, agent):
    data = _as(api, agent).get(f"{API}/ladder/me/").json()
    assert data["level"] is None and data["next_level"] is None and data["checks"] == []


# --- The board and decisions (HR) ---------------------------------------------------------------


def test_an_agent_or_team_lead_cannot_see_the_board_or_decide(api, agent, team_lead, rungs):
    rungs.qualify(agent)
    decision = {"person": agent.pk, "to_level": rungs.intermediate.pk, "approve": True}
    for user in (agent, team_lead):
        _as(api, user)
        assert api.get(f"{API}/ladder/board/").status_code == 403
        assert api.get(f"{API}/ladder/decisions/").status_code == 403
        assert api.post(f"{API}/ladder/decisions/", decision, format="json").status_code == 403
    assert not Promotion.objects.exists()
    assert CareerStatus.objects.get(person=agent).level == rungs.junior


def test_the_board_lists_the_eligible_with_their_evidence(api, agent, other_agent, hr, rungs):
    rungs.qualify(agent)
    rungs.qualify(other_agent, points_amount=5)
    [candidate] = _as(api, hr).get(f"{API}/ladder/board/").json()["results"]
    assert candidate["person"]["id"] == agent.pk
    assert candidate["next_level"]["code"] == "intermediate"
    assert all(check["met"] for check in candidate["checks"])
    assert candidate["last_rejection"] is None


def test_hr_approves_and_the_level_moves(api, agent, hr, rungs):
    rungs.qualify(agent)
    decision = {"person": agent.pk, "to_level": rungs.intermediate.pk, "approve": True}
    response = _as(api, hr).post(f"{API}/ladder/decisions/", decision, format="json")
    assert response.status_code == 201
    data = response.json()
    assert (data["status"], data["from_level"]["code"], data["to_level"]["code"]) == (
        "approved",
        "junior",
        "intermediate",
    )
    assert data["evidence"]["points"] == 100 and data["decided_by"]["id"] == hr.pk
    assert CareerStatus.objects.get(person=agent).level == rungs.intermediate
    again = api.post(f"{API}/ladder/decisions/", decision, format="json")
    assert again.status_code == 400
    assert again.json()["detail"][0].startswith(str(agent))
    assert Promotion.objects.count() == 1
    history = api.get(f"{API}/ladder/decisions/").json()["results"]
    assert [d["id"] for d in history] == [data["id"]]


def test_a_rejection_needs_a_note_and_leaves_the_level(api, agent, hr, rungs):
    rungs.qualify(agent)
    _as(api, hr)
    decision = {"person": agent.pk, "to_level": rungs.intermediate.pk, "approve": False}
    refused = api.post(f"{API}/ladder/decisions/", {**decision, "note": " "}, format="json")
    assert refused.status_code == 400
    assert refused.json()["detail"] == [gettext("Say why the promotion is rejected.")]
    assert not Promotion.objects.exists()
    rejected = api.post(f"{API}/ladder/decisions/", {**decision, "note": "投诉率偏高"})
    assert rejected.status_code == 201 and rejected.json()["status"] == "rejected"
    assert CareerStatus.objects.get(person=agent).level == rungs.junior
    [candidate] = api.get(f"{API}/ladder/board/").json()["results"]
    assert candidate["last_rejection"]["note"] == "投诉率偏高"


def test_bad_decisions_are_400s_with_messages(api, agent, hr, rungs):
    rungs.qualify(agent, points_amount=5)
    _as(api, hr)
    not_eligible = api.post(
        f"{API}/ladder/decisions/",
        {"person": agent.pk, "to_level": rungs.intermediate.pk, "approve": True},
        format="json",
    )
    assert not_eligible.status_code == 400
    assert not_eligible.json()["detail"] == [
        gettext("%(person)s no longer meets every requirement of %(level)s.")
        % {"person": agent, "level": rungs.intermediate}
    ]
    unknown = api.post(
        f"{API}/ladder/decisions/",
        {"person": agent.pk, "to_level": 999_999, "approve": True},
        format="json",
    )
    assert unknown.status_code == 400
    assert unknown.json()["to_level"] == [gettext("No such career level.")]
    own = api.post(
        f"{API}/ladder/decisions/",
        {"person": hr.pk, "to_level": rungs.junior.pk, "approve": True},
        format="json",
    )
    assert own.json()["detail"] == [gettext("Nobody decides their own promotion.")]
    assert not Promotion.objects.exists()


def test_the_board_and_history_cost_the_same_at_two_sizes(api, hr, rungs):
    def grow(count: int) -> None:
        for _ in range(count):
            person = UserFactory()
            rungs.qualify(person)
            decided = UserFactory()
            rungs.qualify(decided)
            ladder.promotion_decide(
                person=decided,
                to_level=rungs.intermediate,
                approve=False,
                note="再看看",
                decided_by=hr,
            )

    grow(1)
    _as(api, hr)
    small = (_count(api, f"{API}/ladder/board/"), _count(api, f"{API}/ladder/decisions/"))
    grow(3)
    large = (_count(api, f"{API}/ladder/board/"), _count(api, f"{API}/ladder/decisions/"))
    assert [rows for _n, rows in small] == [2, 1] and [rows for _n, rows in large] == [8, 4]
    assert [n for n, _rows in small] == [n for n, _rows in large]
