"""Composite assessment plans: the composite selector on a hand-computed example, saving a
plan, the plan pages, the agent's own composites, the plan API and the demo plan."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse
from django.utils.translation import gettext
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from assessments import plan_demo, roleplay, roleplay_demo_content, services
from assessments.models import AssessmentPlan, Attempt, Option, Quiz, Scenario, Submission
from assessments.plans import composite_score, composite_scores, plan_save
from tests.assessments.factories import QuizFactory, published_quiz
from tests.assessments.roleplay_factories import (
    NOW,
    ScenarioFactory,
    criteria_of,
    level,
    published_scenario,
    rubric,
    submitted,
)
from tests.lms.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

MINUTE = datetime.timedelta(minutes=1)


def url(name: str, *args) -> str:
    return reverse(f"assessments:{name}", args=args)


def html(response) -> str:
    return response.content.decode()


# --- Building results through the services ----------------------------------------------


def take(quiz: Quiz, agent, right: int, *, submit: bool = True, now=NOW) -> Attempt:
    """An attempt with the first ``right`` questions answered right, the rest wrong."""
    attempt = services.attempt_start(quiz=quiz, agent=agent, now=now)
    for index, entry in enumerate(attempt.paper):
        options = Option.objects.filter(question_id=entry["id"], is_correct=index < right)
        services.answer_save(
            attempt=attempt,
            question_id=entry["id"],
            selected=[options.values_list("pk", flat=True)[0]],
            now=now + MINUTE,
        )
    if submit:
        attempt = services.attempt_submit(attempt=attempt, now=now + 2 * MINUTE)
    return attempt


def graded(scenario: Scenario, agent, points: list[int], grader, *, now=NOW) -> Submission:
    """Handed in and graded with the criteria at the levels worth ``points`` (0, 2, 4)."""
    submission = submitted(scenario, agent, now=now)
    grade = roleplay.grade_start(submission=submission, grader=grader)
    for criterion, p in zip(criteria_of(submission), points, strict=True):
        roleplay.grade_score_set(grade=grade, criterion=criterion, level=level(criterion, p))
    roleplay.grade_finalise(grade=grade, feedback="")
    submission.refresh_from_db()
    return submission


@pytest.fixture
def parts(db):
    """A 5-question quiz (20 % a question), a role-play with criteria 40 / 60 and a case
    review with criteria 20 / 80 (levels 0, 2, 4 worth 0, ½, 1 of the weight)."""
    quiz = published_quiz(questions=5, pass_mark=60)
    play = published_scenario(
        rubric=rubric(
            criteria=[{"title_zh": "开场", "weight": 40}, {"title_zh": "准确", "weight": 60}]
        )
    )
    case = published_scenario(
        kind=Scenario.Kind.CASE_REVIEW,
        rubric=rubric(
            criteria=[{"title_zh": "分析", "weight": 20}, {"title_zh": "改进", "weight": 80}]
        ),
    )
    return quiz, play, case


def make_plan(parts, **fields) -> AssessmentPlan:
    quiz, play, case = parts
    values = {
        "code": "onboarding",
        "title_zh": "上岗综合考核",
        "quiz": quiz,
        "roleplay": play,
        "case_review": case,
    }
    values.update(fields)
    return plan_save(**values)


def full_results(parts, agent, grader) -> None:
    """Quiz 80 %, role-play 60, case review 90."""
    quiz, play, case = parts
    take(quiz, agent, 4)
    graded(play, agent, [0, 4], grader)  # 0 + 60
    graded(case, agent, [2, 4], grader)  # 10 + 80


# --- The composite selector ----------------------------------------------------------------


def test_composite_on_a_hand_computed_example(parts, agent, mentor):
    plan = make_plan(parts)
    assert (plan.quiz_weight, plan.roleplay_weight, plan.case_weight) == (40, 35, 25)
    full_results(parts, agent, mentor)
    result = composite_score(plan, agent)
    # 0.40 × 80 + 0.35 × 60 + 0.25 × 90 = 32 + 21 + 22.5 = 75.50
    assert (result.quiz, result.roleplay, result.case_review) == (
        Decimal("80"),
        Decimal("60"),
        Decimal("90"),
    )
    assert result.score == Decimal("75.50")
    assert result.complete and result.passed
    plan = plan_save(plan=plan, pass_mark=76)
    assert composite_score(plan, agent).passed is False


def test_the_best_attempt_and_the_best_grade_count(parts, agent, mentor):
    quiz, play, _case = parts
    plan = make_plan(parts)
    full_results(parts, agent, mentor)
    take(quiz, agent, 2, now=NOW + 60 * MINUTE)  # 40 %: worse, later
    graded(play, agent, [2, 2], mentor, now=NOW + 60 * MINUTE)  # 50: worse
    assert composite_score(plan, agent).score == Decimal("75.50")
    take(quiz, agent, 5, now=NOW + 120 * MINUTE)  # 100 %: 40 + 21 + 22.5
    assert composite_score(plan, agent).score == Decimal("83.50")


def test_unfinished_and_ungraded_work_is_ignored(parts, agent, mentor):
    quiz, play, case = parts
    plan = make_plan(parts)
    take(quiz, agent, 5, submit=False)  # in progress, all right so far
    submitted(play, agent)  # handed in, not graded
    waiting = submitted(case, agent)
    roleplay.grade_start(submission=waiting, grader=mentor)  # in review, draft grade
    result = composite_score(plan, agent)
    assert (result.quiz, result.roleplay, result.case_review, result.score) == (
        None,
        None,
        None,
        None,
    )
    assert not result.complete and not result.passed


def test_a_missing_part_leaves_the_composite_incomplete(parts, agent, other_agent, mentor):
    quiz, play, _case = parts
    plan = make_plan(parts)
    take(quiz, agent, 5)
    graded(play, agent, [4, 4], mentor)  # 100, 100, no case review yet
    scores = composite_scores(plan, [agent.pk, other_agent.pk])
    assert scores[agent.pk].quiz == Decimal("100")
    assert scores[agent.pk].score is None and scores[agent.pk].passed is False
    assert scores[other_agent.pk].score is None


def test_a_part_of_weight_zero_is_ignored(parts, agent, mentor):
    quiz, play, case = parts
    plan = make_plan(parts, quiz_weight=60, roleplay_weight=40, case_weight=0)
    take(quiz, agent, 4)
    graded(play, agent, [0, 4], mentor)
    result = composite_score(plan, agent)
    assert result.score == Decimal("72.00")  # 0.6 × 80 + 0.4 × 60, no case review
    assert result.passed and result.case_review is None
    graded(case, agent, [0, 0], mentor)  # 0 in the unused part changes nothing
    assert composite_score(plan, agent).score == Decimal("72.00")


def _selector_queries(plan, people: list[int]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        scores = composite_scores(plan, people)
    assert set(scores) == set(people)
    return len(ctx.captured_queries)


def test_composite_scores_queries_do_not_grow_with_people(parts, mentor):
    quiz, play, case = parts
    plan = make_plan(parts)
    people = [UserFactory() for _ in range(8)]
    for person in people:
        take(quiz, person, 3)
        graded(play, person, [2, 4], mentor)
        graded(case, person, [4, 4], mentor)
    small = _selector_queries(plan, [p.pk for p in people[:2]])
    large = _selector_queries(plan, [p.pk for p in people])
    assert small == large <= 3
    assert all(s.score == Decimal("77.00") for s in composite_scores(plan, [people[0].pk]).values())


# --- Saving a plan ----------------------------------------------------------------------------


def test_plan_save_refuses_bad_plans_and_changes_nothing(parts):
    _quiz, play, case = parts
    plan = make_plan(parts)
    refused = [
        {"quiz_weight": 50},  # 50 + 35 + 25
        {"case_review": None},  # weight 25 without a case review
        {"roleplay": case},  # a case review where a role-play goes
        {"case_review": play},
        {"pass_mark": 101},
    ]
    for change in refused:
        with pytest.raises(ValidationError):
            plan_save(plan=AssessmentPlan.objects.get(pk=plan.pk), **change)
        saved = AssessmentPlan.objects.get(pk=plan.pk)
        assert (saved.quiz_weight, saved.roleplay_id, saved.case_review_id, saved.pass_mark) == (
            40,
            play.pk,
            case.pk,
            70,
        )
    with pytest.raises(ValidationError) as exc:
        make_plan(parts, code="other", quiz_weight=40, roleplay_weight=40, case_weight=40)
    assert gettext("The weights must add up to 100.") in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        make_plan(parts, code="other", roleplay=case)
    assert "roleplay" in exc.value.message_dict
    assert AssessmentPlan.objects.count() == 1


# --- Pages ---------------------------------------------------------------------------------


def _form(parts, **fields) -> dict:
    quiz, play, case = parts
    data = {
        "code": "onboarding",
        "title_zh": "上岗综合考核",
        "title_en": "",
        "quiz": quiz.pk,
        "quiz_weight": 40,
        "roleplay": play.pk,
        "roleplay_weight": 35,
        "case_review": case.pk,
        "case_weight": 25,
        "pass_mark": 70,
        "is_active": "on",
    }
    data.update(fields)
    return data


def test_an_author_creates_a_plan_and_an_agent_is_refused(client, parts, agent, trainer):
    client.force_login(agent)
    for name in ("plan-list", "plan-create"):
        assert client.get(url(name)).status_code == 404
    assert client.post(url("plan-create"), _form(parts)).status_code == 404
    assert not AssessmentPlan.objects.exists()

    client.force_login(trainer)
    empty = gettext(
        "No assessment plan yet: create one to weigh a quiz, a role-play and a case review."
    )
    assert empty in html(client.get(url("plan-list")))
    response = client.post(url("plan-create"), _form(parts))
    plan = AssessmentPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == url("plan-results", plan.pk)
    assert (plan.code, plan.created_by, plan.quiz_weight, plan.pass_mark) == (
        "onboarding",
        trainer,
        40,
        70,
    )
    assert "上岗综合考核" in html(client.get(url("plan-list")))


def test_a_bad_plan_form_shows_the_error_and_saves_nothing(client, parts, trainer):
    _quiz, _play, case = parts
    client.force_login(trainer)
    response = client.post(url("plan-create"), _form(parts, quiz_weight=50))
    assert response.status_code == 400
    assert gettext("The weights must add up to 100.") in html(response)
    response = client.post(url("plan-create"), _form(parts, roleplay=case.pk))
    assert response.status_code == 400 and "roleplay" in response.context["form"].errors
    response = client.post(url("plan-create"), _form(parts, case_review="", case_weight=25))
    assert response.status_code == 400
    assert not AssessmentPlan.objects.exists()
    # Editing: a refused change leaves the saved plan as it was.
    plan = make_plan(parts)
    response = client.post(url("plan-edit", plan.pk), _form(parts, roleplay_weight=10))
    assert response.status_code == 400
    plan.refresh_from_db()
    assert plan.roleplay_weight == 35
    response = client.post(url("plan-edit", plan.pk), _form(parts, pass_mark=80, code="x"))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.pass_mark, plan.code) == (80, "onboarding")  # the code stays


def test_a_team_lead_reads_only_their_teams_results(
    client, parts, agent, other_agent, team_lead, mentor, trainer
):
    plan = make_plan(parts)
    full_results(parts, agent, mentor)
    client.force_login(team_lead)
    assert "上岗综合考核" in html(client.get(url("plan-list")))
    page = html(client.get(url("plan-results", plan.pk)))
    assert str(agent) in page and "75.50" in page
    assert str(other_agent) not in page
    assert url("plan-edit", plan.pk) not in page
    assert client.get(url("plan-edit", plan.pk)).status_code == 404
    assert client.post(url("plan-create"), _form(parts, code="x")).status_code == 404
    # A plan not in use is the authors' business.
    plan_save(plan=plan, is_active=False)
    assert client.get(url("plan-results", plan.pk)).status_code == 404
    # Trainers see everyone, and filter by team.
    client.force_login(trainer)
    page = html(client.get(url("plan-results", plan.pk)))
    assert str(agent) in page and str(other_agent) in page
    page = html(client.get(url("plan-results", plan.pk), {"team": other_agent.team.code}))
    assert str(other_agent) in page and str(agent) not in page


def test_a_mentor_and_an_agent_cannot_read_results(client, parts, agent, mentor):
    plan = make_plan(parts)
    for person in (agent, mentor):
        client.force_login(person)
        assert client.get(url("plan-results", plan.pk)).status_code == 404


def _results_queries(client, plan, team, count: int, grader) -> int:
    quiz, play, case = plan.quiz, plan.roleplay, plan.case_review
    for _i in range(count):
        person = UserFactory(team=team)
        take(quiz, person, 4)
        graded(play, person, [0, 4], grader)
        graded(case, person, [2, 4], grader)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url("plan-results", plan.pk))
    # Everyone so far, both teams: 0.4 × 80 + 0.35 × 60 + 0.25 × 90 each.
    assert html(response).count("75.50") == Submission.objects.filter(scenario=play).count()
    return len(ctx.captured_queries)


def test_the_results_page_query_count_is_fixed(client, parts, trainer, mentor):
    plan = make_plan(parts)
    client.force_login(trainer)
    small = _results_queries(client, plan, TeamFactory(code="small"), 2, trainer)
    large = _results_queries(client, plan, TeamFactory(code="large"), 6, trainer)
    assert small == large


def test_the_agent_sees_their_own_composite_and_what_is_missing(client, parts, agent, mentor):
    quiz, play, case = parts
    plan = make_plan(parts)
    client.force_login(agent)
    page = html(client.get(url("plan-mine")))
    assert "上岗综合考核" in page and gettext("Take the quiz.") in page
    take(quiz, agent, 4)
    graded(play, agent, [0, 4], mentor)
    submitted(case, agent)
    mine = client.get(url("plan-mine"))
    [item] = mine.context["page"].object_list
    assert item.plan == plan and not item.composite.complete
    todos = {p.part: p.todo for p in item.parts}
    assert todos == {"quiz": "", "roleplay": "", "case_review": "wait"}
    # Graded now: the composite appears.
    waiting = Submission.objects.get(scenario=case, agent=agent)
    grade = roleplay.grade_start(submission=waiting, grader=mentor)
    for criterion, p in zip(criteria_of(waiting), [2, 4], strict=True):
        roleplay.grade_score_set(grade=grade, criterion=criterion, level=level(criterion, p))
    roleplay.grade_finalise(grade=grade, feedback="")
    assert "75.50" in html(client.get(url("plan-mine")))


def test_my_composites_query_count_is_fixed(client, parts, agent):
    client.force_login(agent)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            client.get(url("plan-mine"))
        return len(ctx.captured_queries)

    make_plan(parts)
    small = count()
    for n in range(4):
        make_plan(parts, code=f"plan-{n}")
    assert count() == small


# --- API -----------------------------------------------------------------------------------


@pytest.fixture
def api():
    return APIClient()


def test_the_plan_api_follows_the_page_rules(
    api, parts, agent, other_agent, team_lead, mentor, trainer
):
    plan = make_plan(parts)
    full_results(parts, agent, mentor)
    api.force_login(agent)
    for target in ("/api/plans/", f"/api/plans/{plan.pk}/", f"/api/plans/{plan.pk}/scores/"):
        assert api.get(target).status_code == 403
    api.force_login(trainer)
    [listed] = api.get("/api/plans/").json()["results"]
    assert (listed["code"], listed["quiz"]["id"], listed["roleplay_weight"]) == (
        "onboarding",
        plan.quiz_id,
        35,
    )
    assert api.get("/api/plans/999999/").status_code == 404
    people = {
        row["person"]["id"]: row
        for row in api.get(f"/api/plans/{plan.pk}/scores/").json()["results"]
    }
    assert {agent.pk, other_agent.pk} <= set(people)
    assert people[agent.pk]["composite"]["score"] == "75.50"
    assert people[agent.pk]["composite"]["passed"] is True
    assert people[other_agent.pk]["composite"]["complete"] is False
    assert api.get(f"/api/plans/{plan.pk}/scores/", {"page": 0}).status_code == 400

    api.force_login(team_lead)
    rows = api.get(f"/api/plans/{plan.pk}/scores/").json()["results"]
    # The lead's team: the agent and the mentor (an agent too), not the other team.
    assert {row["person"]["id"] for row in rows} == {agent.pk, mentor.pk}
    plan_save(plan=plan, is_active=False)
    assert api.get(f"/api/plans/{plan.pk}/").status_code == 404
    assert api.get("/api/plans/").json()["results"] == []


def test_my_composite_api(api, parts, agent, mentor):
    make_plan(parts)
    quiz, _play, _case = parts
    take(quiz, agent, 4)
    api.force_login(agent)
    [item] = api.get("/api/plans/mine/").json()["results"]
    assert item["plan"]["code"] == "onboarding"
    assert item["composite"]["quiz"] == "80.00" and item["composite"]["score"] is None
    todo = {p["part"]: p["todo"] for p in item["parts"]}
    assert todo == {"quiz": "", "roleplay": "start", "case_review": "start"}
    assert all(p["todo_label"] for p in item["parts"] if p["todo"])


def test_the_plan_and_calibration_endpoints_are_in_a_clean_schema(api, hr):
    GENERATOR_STATS.reset()
    generator = SchemaGenerator(
        patterns=[path("api/", include("assessments.calibration_api_urls"))]
    )
    schema = generator.get_schema(request=None, public=True)
    validate_schema(schema)
    assert not GENERATOR_STATS, "schema warnings or errors"
    assert {
        "/api/plans/",
        "/api/plans/{id}/",
        "/api/plans/{id}/scores/",
        "/api/plans/mine/",
        "/api/calibration/agreement/",
        "/api/calibration/second-graders/",
        "/api/submissions/{id}/second-grader/",
    } <= set(schema["paths"])
    api.force_login(hr)
    served = api.get("/api/schema/", {"format": "json"})
    assert "/api/plans/{id}/scores/" in served.json()["paths"]


# --- The demo plan ----------------------------------------------------------------------------


def test_the_demo_codes_name_demo_scenarios_of_the_right_kind():
    kinds = {s.code: s.kind for s in roleplay_demo_content.SCENARIOS}
    assert kinds[plan_demo.ROLEPLAY_CODE] == Scenario.Kind.ROLEPLAY
    assert kinds[plan_demo.CASE_CODE] == Scenario.Kind.CASE_REVIEW


def test_seed_plan_demo_is_idempotent(db):
    assert plan_demo.seed_plan_demo() == 0  # nothing to build it from yet
    QuizFactory(code=plan_demo.QUIZ_CODE)
    ScenarioFactory(code=plan_demo.ROLEPLAY_CODE)
    ScenarioFactory(code=plan_demo.CASE_CODE, kind=Scenario.Kind.CASE_REVIEW)
    assert plan_demo.seed_plan_demo() == 1
    assert plan_demo.seed_plan_demo() == 0
    plan = AssessmentPlan.objects.get()
    assert (plan.code, plan.title_zh) == ("onboarding-composite", "客服上岗综合考核")
    assert (plan.quiz_weight, plan.roleplay_weight, plan.case_weight, plan.pass_mark) == (
        40,
        35,
        25,
        70,
    )
    assert (plan.quiz.code, plan.roleplay.code, plan.case_review.code) == (
        "newcomer-general",
        "im-late-night-order",
        "case-bad-review",
    )
