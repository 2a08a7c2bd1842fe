"""The rubric API and the scenario authoring API: for each endpoint the refused request
first, then the same one succeeding for the right person, with the change it makes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import include, path
from django.utils.translation import gettext as _
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from assessments import roleplay
from assessments.models import Criterion, Rubric, RubricVersion, Scenario, ScenarioTurn
from lms.models import Level
from tests.assessments.roleplay_factories import (
    ScenarioFactory,
    ScenarioTurnFactory,
    published_scenario,
    rubric,
    run,
    submitted,
)
from tests.lms.factories import CompetencyFactory


@pytest.fixture
def api():
    return APIClient()


def _as(api: APIClient, user) -> APIClient:
    api.force_login(user)
    return api


def levels(*points: int) -> list[dict]:
    return [
        {
            "points": p,
            "descriptor_zh": f"{p}分的表现",
            "descriptor_en": f"Worth {p}",
            "demonstrates": Level.BASIC if p else None,
            "fails": p == 0,
        }
        for p in points
    ]


def criterion_data(competency, weight: int, title: str = "共情表达", **extra) -> dict:
    return {
        "title_zh": title,
        "competency": competency.code,
        "weight": weight,
        "levels": levels(0, 2, 4),
        **extra,
    }


@pytest.fixture
def world(db):
    """A rubric used by a published scenario, one only a draft scenario uses, and a
    rubric with a draft version only."""
    used = published_scenario(code="live").rubric
    unused = ScenarioFactory(code="draft-scenario").rubric
    drafty = rubric(code="draft-only", publish=False)
    return {"used": used, "unused": unused, "drafty": drafty}


# --- Reading rubrics -------------------------------------------------------------------


def test_an_agent_reads_only_rubrics_of_published_scenarios_with_their_published_version(
    api, agent, world
):
    data = _as(api, agent).get("/api/rubrics/").json()
    assert [r["code"] for r in data["results"]] == [world["used"].code]
    current = data["results"][0]["current"]
    assert current["number"] == 1 and current["is_published"] is True
    assert current["total_weight"] == 100
    assert [c["title_zh"] for c in current["criteria"]] == ["开场与结束语", "信息准确"]
    assert [lv["points"] for lv in current["criteria"][0]["levels"]] == [0, 2, 4]

    assert api.get(f"/api/rubrics/{world['unused'].pk}/").status_code == 404
    assert api.get(f"/api/rubrics/{world['drafty'].pk}/").status_code == 404
    detail = api.get(f"/api/rubrics/{world['used'].pk}/").json()
    assert detail["draft"] is None
    assert [v["number"] for v in detail["versions"]] == [1]


def test_an_agent_never_sees_a_draft_version(api, agent, world):
    roleplay.rubric_draft(rubric=world["used"])
    detail = _as(api, agent).get(f"/api/rubrics/{world['used'].pk}/").json()
    assert detail["draft"] is None
    assert [v["number"] for v in detail["versions"]] == [1]


def test_a_mentor_reads_every_rubric_but_not_drafts(api, mentor, world):
    roleplay.rubric_draft(rubric=world["used"])
    data = _as(api, mentor).get("/api/rubrics/").json()
    assert {r["code"] for r in data["results"]} == {
        world["used"].code,
        world["unused"].code,
        "draft-only",
    }
    by_code = {r["code"]: r for r in data["results"]}
    assert by_code["draft-only"]["current"] is None
    detail = api.get(f"/api/rubrics/{world['used'].pk}/").json()
    assert detail["draft"] is None and [v["number"] for v in detail["versions"]] == [1]


def test_an_author_reads_the_draft_and_every_version(api, trainer, world):
    roleplay.rubric_draft(rubric=world["used"])
    detail = _as(api, trainer).get(f"/api/rubrics/{world['used'].pk}/").json()
    assert detail["draft"]["number"] == 2 and detail["draft"]["is_published"] is False
    assert len(detail["draft"]["criteria"]) == 2
    assert [v["number"] for v in detail["versions"]] == [2, 1]
    assert detail["current"]["number"] == 1


def test_signed_out_requests_are_refused(api, world):
    assert api.get("/api/rubrics/").status_code in (401, 403)


# --- Writing rubrics -------------------------------------------------------------------


def test_an_agent_cannot_create_a_rubric_and_a_trainer_can(api, agent, trainer):
    body = {"code": "phone", "title_zh": "电话评分表", "pass_mark": 75, "policy": "senior"}
    response = _as(api, agent).post("/api/rubrics/", body, format="json")
    assert response.status_code == 403
    assert not Rubric.objects.exists()

    response = _as(api, trainer).post("/api/rubrics/", body, format="json")
    assert response.status_code == 201
    data = response.json()
    assert (data["code"], data["pass_mark"], data["policy"]) == ("phone", 75, "senior")
    assert data["current"] is None and data["draft"]["number"] == 1
    created = Rubric.objects.get(code="phone")
    assert created.created_by == trainer and created.versions.count() == 1


def test_a_bad_rubric_answers_400_and_creates_nothing(api, trainer, world):
    _as(api, trainer)
    before = Rubric.objects.count()
    response = api.post(
        "/api/rubrics/", {"code": world["used"].code, "title_zh": "重复"}, format="json"
    )
    assert response.status_code == 400 and "code" in response.json()
    response = api.post(
        "/api/rubrics/", {"code": "ok", "title_zh": "过高", "pass_mark": 101}, format="json"
    )
    assert response.status_code == 400 and "pass_mark" in response.json()
    assert Rubric.objects.count() == before


def test_patch_changes_the_rubric_for_authors_only(api, agent, trainer, world):
    item = world["used"]
    response = _as(api, agent).patch(f"/api/rubrics/{item.pk}/", {"pass_mark": 10}, format="json")
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.pass_mark == 70

    response = _as(api, trainer).patch(
        f"/api/rubrics/{item.pk}/", {"pass_mark": 80, "title_en": "IM"}, format="json"
    )
    assert response.status_code == 200 and response.json()["pass_mark"] == 80
    item.refresh_from_db()
    assert (item.pass_mark, item.title_en) == (80, "IM")


def test_criteria_are_added_to_the_draft_and_published_when_weights_add_up(api, agent, trainer):
    _as(api, trainer)
    pk = api.post("/api/rubrics/", {"code": "im", "title_zh": "评分表"}, format="json").json()["id"]
    empathy, accuracy = CompetencyFactory(), CompetencyFactory()

    response = _as(api, agent).post(
        f"/api/rubrics/{pk}/criteria/", criterion_data(empathy, 40), format="json"
    )
    assert response.status_code == 404  # the agent may not even read a draft-only rubric
    assert not Criterion.objects.exists()

    _as(api, trainer)
    response = api.post(f"/api/rubrics/{pk}/criteria/", criterion_data(empathy, 40), format="json")
    assert response.status_code == 201
    first = response.json()
    assert first["competency"]["code"] == empathy.code
    assert [(lv["points"], lv["demonstrates"], lv["fails"]) for lv in first["levels"]] == [
        (0, None, True),
        (2, Level.BASIC, False),
        (4, Level.BASIC, False),
    ]
    response = api.post(
        f"/api/rubrics/{pk}/criteria/",
        criterion_data(accuracy, 50, "信息准确", critical=True, allow_not_applicable=True),
        format="json",
    )
    assert response.status_code == 201

    response = api.post(f"/api/rubrics/{pk}/publish/")
    assert response.status_code == 400
    assert response.json()["detail"] == [
        _("The weights add up to %(total)s; they must add up to 100.") % {"total": 90}
    ]
    assert not RubricVersion.objects.filter(rubric_id=pk, is_published=True).exists()

    response = api.patch(f"/api/criteria/{first['id']}/", {"weight": 50}, format="json")
    assert response.status_code == 200 and response.json()["weight"] == 50
    response = api.post(f"/api/rubrics/{pk}/publish/")
    assert response.status_code == 200
    data = response.json()
    assert data["current"]["number"] == 1 and data["draft"] is None
    assert [c["weight"] for c in data["current"]["criteria"]] == [50, 50]


def test_bad_levels_answer_400_and_add_nothing(api, trainer, world):
    item = world["drafty"]
    _as(api, trainer)
    before = Criterion.objects.count()
    for bad, message in [
        (levels(2), _("A criterion needs at least two performance levels.")),
        (levels(2, 2), _("Two levels of a criterion have the same points.")),
        (
            [{"points": 0, "descriptor_zh": ""}, {"points": 3, "descriptor_zh": "好"}],
            _("Level %(n)s: describe it in Chinese.") % {"n": 1},
        ),
        (
            [{"points": 0, "descriptor_zh": "差", "demonstrates": 9}, *levels(3)],
            _("Level %(n)s: the competency level shown is basic, advanced, expert or none.")
            % {"n": 1},
        ),
    ]:
        body = criterion_data(CompetencyFactory(), 20, levels=bad)
        response = api.post(f"/api/rubrics/{item.pk}/criteria/", body, format="json")
        assert response.status_code == 400, bad
        assert message in str(response.json()), response.json()
    response = api.post(
        f"/api/rubrics/{item.pk}/criteria/",
        {**criterion_data(CompetencyFactory(), 20), "competency": "no-such-code"},
        format="json",
    )
    assert response.status_code == 400 and "competency" in response.json()
    assert Criterion.objects.count() == before


def test_a_criterion_for_a_published_rubric_goes_to_a_new_draft_and_v1_stays(
    api, trainer, agent, world
):
    item = world["used"]
    scenario = item.scenarios.get()
    graded_with = submitted(scenario, agent).rubric_version
    v1 = list(graded_with.criteria.values_list("title_zh", "weight"))
    _as(api, trainer)

    refused = api.post(
        f"/api/rubrics/{item.pk}/criteria/",
        criterion_data(CompetencyFactory(), 10, levels=levels(1)),
        format="json",
    )
    assert refused.status_code == 400
    assert item.versions.count() == 1  # a refused criterion leaves no draft behind

    response = api.post(
        f"/api/rubrics/{item.pk}/criteria/", criterion_data(CompetencyFactory(), 10), format="json"
    )
    assert response.status_code == 201
    draft = item.versions.get(number=2)
    assert not draft.is_published and draft.criteria.count() == 3
    assert list(graded_with.criteria.values_list("title_zh", "weight")) == v1


def test_a_published_criterion_answers_400_and_stays(api, trainer, agent, world):
    criterion = world["used"].versions.get().criteria.first()
    response = _as(api, agent).patch(f"/api/criteria/{criterion.pk}/", {"weight": 5}, format="json")
    assert response.status_code == 403
    _as(api, trainer)
    published = _("This rubric version is published; edit a new draft instead.")
    response = api.patch(f"/api/criteria/{criterion.pk}/", {"weight": 5}, format="json")
    assert response.status_code == 400 and response.json()["detail"] == [published]
    response = api.delete(f"/api/criteria/{criterion.pk}/")
    assert response.status_code == 400 and response.json()["detail"] == [published]
    criterion.refresh_from_db()
    assert criterion.weight == 40


def test_a_draft_criterion_is_replaced_and_deleted(api, trainer, agent, world):
    criterion = world["drafty"].versions.get().criteria.first()
    assert _as(api, agent).delete(f"/api/criteria/{criterion.pk}/").status_code == 403
    assert Criterion.objects.filter(pk=criterion.pk).exists()
    _as(api, trainer)
    response = api.patch(
        f"/api/criteria/{criterion.pk}/",
        {"title_en": "Greeting", "levels": levels(0, 5)},
        format="json",
    )
    assert response.status_code == 200
    assert [lv["points"] for lv in response.json()["levels"]] == [0, 5]
    assert response.json()["title_en"] == "Greeting"
    assert api.delete(f"/api/criteria/{criterion.pk}/").status_code == 204
    assert not Criterion.objects.filter(pk=criterion.pk).exists()


def test_the_draft_endpoint_copies_the_published_version(api, agent, trainer, world):
    item = world["used"]
    assert _as(api, agent).post(f"/api/rubrics/{item.pk}/draft/").status_code == 403
    assert item.versions.count() == 1
    data = _as(api, trainer).post(f"/api/rubrics/{item.pk}/draft/").json()
    assert data["draft"]["number"] == 2
    assert [c["title_zh"] for c in data["draft"]["criteria"]] == ["开场与结束语", "信息准确"]
    assert api.post(f"/api/rubrics/{item.pk}/draft/").json()["draft"]["number"] == 2


def test_the_rubric_list_answers_in_a_fixed_number_of_queries(api, trainer):
    _as(api, trainer)

    def count(rubrics: int) -> int:
        for _i in range(rubrics):
            item = rubric()
            roleplay.rubric_draft(rubric=item)
        with CaptureQueriesContext(connection) as ctx:
            data = api.get("/api/rubrics/").json()
        assert len(data["results"]) == Rubric.objects.count()
        assert all(len(r["current"]["criteria"]) == 2 for r in data["results"])
        return len(ctx.captured_queries)

    assert count(1) == count(5)


# --- Authoring scenarios ---------------------------------------------------------------


def scenario_body(rubric_obj: Rubric, **extra) -> dict:
    return {
        "code": "im-late",
        "title_zh": "凌晨下单无人回复",
        "brief_zh": "顾客凌晨两点下单，一直没人回复。",
        "rubric": rubric_obj.pk,
        "channel": "im",
        "emotion": 4,
        "quality_rules": {"required": ["发货"]},
        **extra,
    }


def test_an_agent_cannot_use_the_scenario_authoring_api(api, agent, world):
    scenario = Scenario.objects.get(code="live")
    turn = scenario.turns.first()
    _as(api, agent)
    assert api.get("/api/authoring/scenarios/").status_code == 403
    assert api.get(f"/api/authoring/scenarios/{scenario.pk}/").status_code == 403
    body = scenario_body(world["used"])
    assert api.post("/api/authoring/scenarios/", body, format="json").status_code == 403
    assert (
        api.patch(
            f"/api/authoring/scenarios/{scenario.pk}/", {"emotion": 1}, format="json"
        ).status_code
        == 403
    )
    assert api.post(f"/api/authoring/scenarios/{scenario.pk}/archive/").status_code == 403
    assert (
        api.post(
            f"/api/authoring/scenarios/{scenario.pk}/turns/", {"text_zh": "x"}, format="json"
        ).status_code
        == 403
    )
    assert api.delete(f"/api/authoring/turns/{turn.pk}/").status_code == 403
    scenario.refresh_from_db()
    assert (scenario.status, scenario.emotion) == (Scenario.Status.PUBLISHED, 4)
    assert Scenario.objects.count() == 2 and ScenarioTurn.objects.filter(pk=turn.pk).exists()


def test_an_author_creates_scripts_and_publishes_a_scenario(api, trainer, agent, world):
    _as(api, trainer)
    response = api.post("/api/authoring/scenarios/", scenario_body(world["used"]), format="json")
    assert response.status_code == 201
    data = response.json()
    pk = data["id"]
    assert data["status"] == "draft" and data["quality_rules"] == {"required": ["发货"]}
    assert data["problems"] == [_("Write at least one customer turn.")]

    response = api.post(f"/api/authoring/scenarios/{pk}/publish/")
    assert response.status_code == 400
    assert response.json()["detail"] == [_("Write at least one customer turn.")]

    turns = f"/api/authoring/scenarios/{pk}/turns/"
    first = api.post(turns, {"text_zh": "我的单呢？", "reply_target_seconds": 60}, format="json")
    assert first.status_code == 201 and first.json()["order"] == 1
    api.post(turns, {"text_zh": "什么时候发？"}, format="json")
    last = api.post(turns, {"text_zh": "好吧。", "ends": True}, format="json").json()
    response = api.patch(
        f"/api/authoring/turns/{first.json()['id']}/",
        {"branches": [{"contains": ["退款"], "goto": last["order"]}]},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["branches"] == [{"contains": ["退款"], "goto": 3}]

    response = api.post(f"/api/authoring/scenarios/{pk}/publish/")
    assert response.status_code == 200 and response.json()["status"] == "published"
    assert [t["order"] for t in response.json()["turns"]] == [1, 2, 3]

    scenario = Scenario.objects.get(pk=pk)
    submission = run(scenario, agent, [])
    following = roleplay.turn_reply(submission=submission, reply="给您退款")
    assert following.customer_text == "好吧。"

    response = api.post(f"/api/authoring/scenarios/{pk}/archive/")
    assert response.json()["status"] == "archived"


def test_bad_scenarios_and_turns_answer_400_with_their_field(api, trainer, world):
    _as(api, trainer)
    for extra, field in [
        ({"emotion": 9}, "emotion"),
        ({"channel": "fax"}, "channel"),
        ({"kind": "quiz"}, "kind"),
        ({"required_for_course": True}, "course"),
        ({"quality_rules": {"forbiden": ["随便"]}}, "quality_rules"),
    ]:
        response = api.post(
            "/api/authoring/scenarios/", scenario_body(world["used"], **extra), format="json"
        )
        assert response.status_code == 400, extra
        assert field in response.json(), response.json()
    assert not Scenario.objects.filter(code="im-late").exists()

    scenario = ScenarioFactory()
    ScenarioTurnFactory(scenario=scenario, order=1)
    turns = f"/api/authoring/scenarios/{scenario.pk}/turns/"
    for body, field in [
        ({"text_zh": "x", "order": 1}, "order"),
        ({"text_zh": "x", "reply_target_seconds": 0}, "reply_target_seconds"),
        ({"text_zh": "x", "branches": [{"contains": ["退款"], "goto": 7}]}, "branches"),
        ({"text_zh": "x", "branches": "退款 -> 1"}, "branches"),
    ]:
        response = api.post(turns, body, format="json")
        assert response.status_code == 400, body
        assert field in response.json(), response.json()
    assert scenario.turns.count() == 1


def test_a_published_scenario_keeps_a_published_rubric(api, trainer, world):
    scenario = Scenario.objects.get(code="live")
    _as(api, trainer)
    response = api.patch(
        f"/api/authoring/scenarios/{scenario.pk}/",
        {"rubric": world["drafty"].pk},
        format="json",
    )
    assert response.status_code == 400 and "rubric" in response.json()
    scenario.refresh_from_db()
    assert scenario.rubric == world["used"]
    response = api.patch(
        f"/api/authoring/scenarios/{scenario.pk}/",
        {"rubric": world["unused"].pk, "persona_en": "A busy mum"},
        format="json",
    )
    assert response.status_code == 200
    scenario.refresh_from_db()
    assert (scenario.rubric, scenario.persona_en) == (world["unused"], "A busy mum")


def test_the_authoring_list_filters_and_a_turn_is_deleted(api, trainer, world):
    _as(api, trainer)
    codes = [s["code"] for s in api.get("/api/authoring/scenarios/?status=draft").json()["results"]]
    assert codes == ["draft-scenario"]
    assert api.get("/api/authoring/scenarios/?kind=nonsense").status_code == 400
    scenario = ScenarioFactory(code="with-turn")
    turn = ScenarioTurnFactory(scenario=scenario, order=1)
    assert api.delete(f"/api/authoring/turns/{turn.pk}/").status_code == 204
    assert not scenario.turns.exists()


# --- The schema ------------------------------------------------------------------------


def test_the_rubric_and_authoring_endpoints_are_in_a_clean_schema(api, trainer):
    GENERATOR_STATS.reset()
    generator = SchemaGenerator(patterns=[path("api/", include("assessments.rubric_api_urls"))])
    schema = generator.get_schema(request=None, public=True)
    validate_schema(schema)
    assert not GENERATOR_STATS, "schema warnings or errors"
    assert {
        "/api/rubrics/",
        "/api/rubrics/{id}/",
        "/api/rubrics/{id}/draft/",
        "/api/rubrics/{id}/publish/",
        "/api/rubrics/{id}/criteria/",
        "/api/criteria/{id}/",
        "/api/authoring/scenarios/",
        "/api/authoring/scenarios/{id}/",
        "/api/authoring/scenarios/{id}/publish/",
        "/api/authoring/scenarios/{id}/archive/",
        "/api/authoring/scenarios/{id}/turns/",
        "/api/authoring/turns/{id}/",
    } <= set(schema["paths"])


def test_the_whole_schema_generates_without_warnings(api, trainer):
    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    assert not GENERATOR_STATS, "schema warnings or errors"
    assert "/api/rubrics/{id}/criteria/" in schema["paths"]
