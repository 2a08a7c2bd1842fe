"""The role-play API: for each endpoint the refused request first, then the same one
succeeding for the right person, with the data it answers and the change it makes."""

from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from assessments import roleplay
from assessments.models import Grade, Submission, SubmissionTurn
from lms.models import Evidence
from tests.assessments.roleplay_factories import (
    NOW,
    REPLIES,
    SCRIPT,
    SECOND,
    criteria_of,
    level,
    published_scenario,
    run,
    score_all,
    submitted,
)
from tests.lms.factories import MentorshipFactory, UserFactory


@pytest.fixture
def client():
    return APIClient()


def _as(client: APIClient, user) -> APIClient:
    client.force_login(user)
    return client


@pytest.fixture
def scenario(db):
    return published_scenario(title_zh="凌晨下单无人回复")


def test_a_scenario_shows_its_brief_and_turn_count_but_not_the_script(client, agent, scenario):
    data = _as(client, agent).get(f"/api/scenarios/{scenario.pk}/").json()
    assert data["brief"] == scenario.brief_zh
    assert data["persona"] == "急躁的年轻妈妈"
    assert data["turns_count"] == len(SCRIPT)
    assert data["latest"] is None
    text = str(data)
    assert SCRIPT[1]["text_zh"] not in text and SCRIPT[0]["text_zh"] not in text


def test_the_scenario_list_carries_the_requesters_latest_submission(client, agent, scenario):
    run(scenario, agent, [])
    data = _as(client, agent).get("/api/scenarios/").json()
    [item] = [s for s in data["results"] if s["id"] == scenario.pk]
    assert item["latest"]["status"] == Submission.Status.IN_PROGRESS


def test_another_agent_cannot_read_or_reply_to_someones_submission(
    client, agent, other_agent, scenario
):
    submission = run(scenario, agent, [])
    _as(client, other_agent)
    assert client.get(f"/api/submissions/{submission.pk}/").status_code == 404
    refused = client.post(f"/api/submissions/{submission.pk}/replies/", {"reply": "你好"})
    assert refused.status_code == 404
    assert not SubmissionTurn.objects.filter(submission=submission).exclude(reply="").exists()

    answer = _as(client, agent).post(
        f"/api/submissions/{submission.pk}/replies/", {"reply": REPLIES[0]}
    )
    assert answer.status_code == 201
    assert answer.json()["next"]["customer_text"] == SCRIPT[1]["text_zh"]


def test_a_mentor_who_may_see_the_submission_still_cannot_reply(client, agent, mentor, scenario):
    submission = run(scenario, agent, [])
    assert _as(client, mentor).get(f"/api/submissions/{submission.pk}/").status_code == 200
    refused = client.post(f"/api/submissions/{submission.pk}/replies/", {"reply": "你好"})
    assert refused.status_code == 404
    assert not SubmissionTurn.objects.filter(submission=submission).exclude(reply="").exists()


def test_the_agents_reply_is_saved_with_its_latency(client, agent, scenario):
    submission = run(scenario, agent, [])
    with mock.patch("django.utils.timezone.now", return_value=NOW + 45 * SECOND):
        response = _as(client, agent).post(
            f"/api/submissions/{submission.pk}/replies/", {"reply": REPLIES[0]}
        )
    turn = submission.turns.get(order=1)
    assert (turn.reply, turn.replied_at, turn.latency_seconds) == (
        REPLIES[0],
        NOW + 45 * SECOND,
        45,
    )
    assert response.json()["ended"] is False
    assert submission.turns.get(order=2).customer_text == SCRIPT[1]["text_zh"]


def test_validation_errors_are_400_with_the_services_message(client, agent, scenario):
    submission = run(scenario, agent, [])
    _as(client, agent)
    blank = client.post(f"/api/submissions/{submission.pk}/replies/", {"reply": "  "})
    assert blank.status_code == 400
    assert blank.json()["detail"] == [gettext("Write a reply first.")]
    early = client.post(f"/api/submissions/{submission.pk}/submit/", {})
    assert early.status_code == 400
    assert early.json()["detail"] == [gettext("Reply to the customer at least once.")]
    submission.refresh_from_db()
    assert submission.status == Submission.Status.IN_PROGRESS


def test_a_mentor_cannot_grade_a_non_mentees_work_nor_their_own(
    client, agent, mentor, other_agent, scenario
):
    others = submitted(scenario, other_agent)
    own = submitted(scenario, mentor)
    _as(client, mentor)
    assert client.post(f"/api/submissions/{others.pk}/grade/").status_code == 404
    assert client.post(f"/api/submissions/{own.pk}/grade/").status_code == 404
    assert not Grade.objects.exists()

    mentees = submitted(scenario, agent)
    grade = client.post(f"/api/submissions/{mentees.pk}/grade/").json()
    assert grade["grader"]["id"] == mentor.pk
    mentees.refresh_from_db()
    assert mentees.status == Submission.Status.IN_REVIEW


def test_an_agent_never_sees_a_graders_draft(client, agent, mentor, scenario):
    submission = submitted(scenario, agent)
    grade = score_all(roleplay.grade_start(submission=submission, grader=mentor))
    assert _as(client, agent).get(f"/api/submissions/{submission.pk}/").json()["grades"] == []
    [draft] = _as(client, mentor).get(f"/api/submissions/{submission.pk}/").json()["grades"]
    assert draft["id"] == grade.pk and draft["status"] == Grade.Status.DRAFT


def test_a_score_for_a_criterion_left_blank_is_refused_with_a_400(client, agent, mentor, scenario):
    submission = submitted(scenario, agent)
    grade = roleplay.grade_start(submission=submission, grader=mentor)
    criterion = criteria_of(submission)[0]
    url = f"/api/grades/{grade.pk}/scores/{criterion.pk}/"
    refused = _as(client, mentor).put(url, {"level": None, "comment": ""}, format="json")
    assert refused.status_code == 400
    assert criterion.title_zh in str(refused.json())
    assert not grade.scores.exists()

    ok = client.put(url, {"level": level(criterion, 4).pk, "comment": "很好"}, format="json")
    assert ok.json()["scores"][0]["points"] == 4
    assert grade.scores.get().comment == "很好"


def test_end_to_end_with_tokens(agent, mentor, scenario):
    api = APIClient(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=agent).key}")
    started = api.post(f"/api/scenarios/{scenario.pk}/submissions/")
    assert started.status_code == 201
    submission_id = started.json()["id"]
    assert [e["customer_text"] for e in started.json()["exchanges"]] == [SCRIPT[0]["text_zh"]]
    replies = iter(REPLIES)
    while True:
        answer = api.post(f"/api/submissions/{submission_id}/replies/", {"reply": next(replies)})
        if answer.json()["ended"]:
            break
    assert api.post(f"/api/submissions/{submission_id}/submit/", {}).json()["status"] == (
        Submission.Status.SUBMITTED
    )

    grader = APIClient(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=mentor).key}")
    [queued] = grader.get("/api/grading-queue/").json()["results"]
    assert queued["submission"]["id"] == submission_id
    grade_id = grader.post(f"/api/submissions/{submission_id}/grade/").json()["id"]
    detail = grader.get(f"/api/submissions/{submission_id}/").json()
    for criterion in detail["criteria"]:
        top = max(criterion["levels"], key=lambda lv: lv["points"])
        grader.put(
            f"/api/grades/{grade_id}/scores/{criterion['id']}/",
            {"level": top["id"], "comment": ""},
            format="json",
        )
    final = grader.post(f"/api/grades/{grade_id}/finalise/", {"feedback": "不错"}).json()
    assert final["status"] == Grade.Status.FINAL

    seen = api.get(f"/api/submissions/{submission_id}/").json()
    assert seen["status"] == Submission.Status.GRADED and seen["passed"] is True
    assert [g["feedback"] for g in seen["grades"]] == ["不错"]
    assert Evidence.objects.filter(agent=agent, source_ref__startswith=f"grade:{grade_id}:").count()


def test_a_grader_returns_the_work_for_a_redo(client, agent, mentor, other_agent, scenario):
    submission = submitted(scenario, agent)
    grade = roleplay.grade_start(submission=submission, grader=mentor)
    refused = _as(client, other_agent).post(f"/api/grades/{grade.pk}/return/", {"comment": "x"})
    assert refused.status_code == 404
    returned = _as(client, mentor).post(f"/api/grades/{grade.pk}/return/", {"comment": "重做"})
    assert returned.json()["status"] == Submission.Status.RETURNED
    submission.refresh_from_db()
    assert submission.return_comment == "重做"


def _count(client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return len(queries), len(response.json()["results"])


def test_submission_list_and_queue_cost_the_same_at_two_sizes(client, agent, mentor, scenario):
    submitted(scenario, agent)
    _as(client, mentor)
    small = (_count(client, "/api/submissions/"), _count(client, "/api/grading-queue/"))
    for _ in range(3):
        mentee = UserFactory()
        MentorshipFactory(mentor=mentor, mentee=mentee)
        submitted(published_scenario(), mentee)
    large = (_count(client, "/api/submissions/"), _count(client, "/api/grading-queue/"))
    assert [n for n, _rows in large] == [n for n, _rows in small]
    assert [rows for _n, rows in large] == [4, 4] and [r for _n, r in small] == [1, 1]
