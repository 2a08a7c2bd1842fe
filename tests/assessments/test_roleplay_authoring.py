"""Authoring rubrics and scenarios: the services' validation and versioning, the pages
(who may use them, what they change) and their query counts."""

import datetime
import threading
from decimal import Decimal
from unittest.mock import patch

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext as _

from assessments import roleplay
from assessments import roleplay_authoring as authoring
from assessments.models import (
    Criterion,
    CriterionLevel,
    Rubric,
    RubricVersion,
    Scenario,
    ScenarioTurn,
    Submission,
)
from courses.models import Course
from lms.models import Level
from tests.assessments.roleplay_factories import (
    LEVELS,
    NOW,
    ScenarioFactory,
    ScenarioTurnFactory,
    criteria_of,
    published_scenario,
    rubric,
    run,
    score_all,
    submitted,
)
from tests.concurrency import hold_at, run_concurrently
from tests.lms.factories import CompetencyFactory

HTMX = {"HTTP_HX_REQUEST": "true"}
MINUTE = datetime.timedelta(minutes=1)


def url(name: str, *args) -> str:
    return reverse(f"assessments:{name}", args=args)


def html(response) -> str:
    return response.content.decode()


def refused(field: str | None, service, **kwargs) -> ValidationError:
    """Call the service, expect a ValidationError (on ``field`` when given)."""
    with pytest.raises(ValidationError) as caught:
        service(**kwargs)
    if field is not None:
        assert field in caught.value.message_dict, caught.value
    return caught.value


def draft_rubric(**fields) -> Rubric:
    return rubric(publish=False, **fields)


def draft_of(rubric_obj: Rubric) -> RubricVersion:
    return rubric_obj.versions.order_by("-number").first()


def version_rows(version: RubricVersion) -> list:
    return list(
        CriterionLevel.objects.filter(criterion__version=version)
        .order_by("criterion__order", "points")
        .values_list("criterion__title_zh", "criterion__weight", "points", "descriptor_zh")
    )


# --- Rubric services -----------------------------------------------------------------


@pytest.mark.django_db
def test_rubric_update_changes_title_pass_mark_and_policy_and_refuses_a_bad_pass_mark():
    item = rubric(code="im", pass_mark=70)
    authoring.rubric_update(
        rubric=item, title_zh="新标题", title_en="New", pass_mark=80, policy=Rubric.Policy.SENIOR
    )
    item.refresh_from_db()
    assert (item.title_zh, item.title_en, item.pass_mark, item.policy) == (
        "新标题",
        "New",
        80,
        Rubric.Policy.SENIOR,
    )

    refused("pass_mark", authoring.rubric_update, rubric=item, pass_mark=150)
    item.refresh_from_db()
    assert item.pass_mark == 80


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("levels", "message"),
    [
        ([(0, "差", "", None, True)], "A criterion needs at least two performance levels."),
        (
            [(1, "差", "", None, True), (1, "好", "", None, False)],
            "Two levels of a criterion have the same points.",
        ),
        (
            [(0, "差", "", None, True), (2, "  ", "", None, False)],
            _("Level %(n)s: describe it in Chinese.") % {"n": 2},
        ),
        (
            [(0, "差", "", None, True), (0.5, "好", "", None, False)],
            _("Level %(n)s: the points are a whole number from 0 to 1000.") % {"n": 2},
        ),
        (
            [(-1, "差", "", None, True), (2, "好", "", None, False)],
            _("Level %(n)s: the points are a whole number from 0 to 1000.") % {"n": 1},
        ),
        (
            [(0, "差", "", None, True), (2, "好", "", 7, False)],
            _("Level %(n)s: the competency level shown is basic, advanced, expert or none.")
            % {"n": 2},
        ),
        (
            [(0, "差", "", None, True), (0, "好", "", None, False)],
            "Two levels of a criterion have the same points.",
        ),
    ],
)
def test_a_criterion_is_refused_with_bad_levels_and_nothing_is_added(levels, message):
    version = draft_of(draft_rubric(criteria=[]))
    error = refused(
        "levels",
        authoring.criterion_create,
        version=version,
        title_zh="共情",
        competency=CompetencyFactory(),
        weight=50,
        levels=levels,
    )
    assert error.message_dict["levels"] == [_(message)]
    assert not Criterion.objects.filter(version=version).exists()


def test_levels_check_strips_the_descriptors():
    assert authoring.levels_check([(0, " 差 ", "", None, True), (3, "好", " Good ", 1, 0)]) == [
        (0, "差", "", None, True),
        (3, "好", "Good", Level.BASIC, False),
    ]


@pytest.mark.django_db
def test_criteria_of_a_published_version_cannot_be_added_changed_or_deleted():
    item = rubric()
    version = item.versions.get()
    criterion = version.criteria.first()
    published = _("This rubric version is published; edit a new draft instead.")
    error = refused(
        None,
        authoring.criterion_create,
        version=version,
        title_zh="新增",
        competency=CompetencyFactory(),
        weight=10,
        levels=LEVELS,
    )
    assert error.messages == [published]
    error = refused(None, authoring.criterion_update, criterion=criterion, weight=50)
    assert error.messages == [published]
    error = refused(None, authoring.criterion_remove, criterion=criterion)
    assert error.messages == [published]
    criterion.refresh_from_db()
    assert criterion.weight == 40 and version.criteria.count() == 2


@pytest.mark.django_db
def test_criterion_update_on_a_draft_changes_fields_and_replaces_its_levels():
    version = draft_of(draft_rubric())
    criterion = version.criteria.get(title_zh="信息准确")
    competency = CompetencyFactory()
    authoring.criterion_update(
        criterion=criterion,
        title_zh="信息准确无误",
        weight=55,
        competency=competency,
        critical=True,
        allow_not_applicable=True,
        levels=[(5, "全对", "All right", Level.EXPERT, False), (0, "有错", "", None, True)],
    )
    criterion.refresh_from_db()
    assert (criterion.title_zh, criterion.weight, criterion.competency, criterion.critical) == (
        "信息准确无误",
        55,
        competency,
        True,
    )
    assert criterion.allow_not_applicable
    assert list(criterion.levels.values_list("order", "points", "descriptor_zh", "fails")) == [
        (1, 0, "有错", True),
        (2, 5, "全对", False),
    ]


@pytest.mark.django_db
def test_criterion_update_with_bad_input_changes_nothing():
    version = draft_of(draft_rubric())
    criterion = version.criteria.get(title_zh="信息准确")
    before = version_rows(version)
    refused("weight", authoring.criterion_update, criterion=criterion, weight=0)
    refused(
        "levels",
        authoring.criterion_update,
        criterion=criterion,
        weight=30,
        levels=[(1, "一", "", None, False)],
    )
    assert version_rows(version) == before


@pytest.mark.django_db
def test_publishing_the_draft_needs_weights_of_100_and_a_draft():
    item = draft_rubric(
        criteria=[{"title_zh": "甲", "weight": 40}, {"title_zh": "乙", "weight": 50}]
    )
    error = refused(None, authoring.rubric_publish_draft, rubric=item)
    assert error.messages == [
        _("The weights add up to %(total)s; they must add up to 100.") % {"total": 90}
    ]
    assert not RubricVersion.objects.filter(rubric=item, is_published=True).exists()

    criterion = draft_of(item).criteria.get(title_zh="乙")
    authoring.criterion_update(criterion=criterion, weight=60)
    version = authoring.rubric_publish_draft(rubric=item)
    assert version.is_published and version.number == 1

    error = refused(None, authoring.rubric_publish_draft, rubric=item)
    assert error.messages == [
        _("There is no draft to publish: start a new draft from the published version.")
    ]


@pytest.mark.django_db
def test_editing_a_rubric_in_use_goes_to_a_new_draft_and_grades_keep_their_version(
    agent, mentor, other_agent
):
    scenario = published_scenario()
    submission = submitted(scenario, agent)
    v1 = submission.rubric_version
    grade = score_all(roleplay.grade_start(submission=submission, grader=mentor), points=2)
    grade = roleplay.grade_finalise(grade=grade, feedback="", now=NOW + 60 * MINUTE)
    before_rows, before_score = version_rows(v1), grade.score
    assert before_score == Decimal("50.00")

    v2 = roleplay.rubric_draft(rubric=scenario.rubric)
    assert v2.number == 2 and not v2.is_published
    first, second = v2.criteria.order_by("order")
    authoring.criterion_update(
        criterion=first,
        weight=30,
        levels=[(0, "未做到", "", None, True), (2, "做到", "", Level.BASIC, False)],
    )
    authoring.criterion_update(criterion=second, weight=70)
    authoring.rubric_publish_draft(rubric=scenario.rubric)

    submission.refresh_from_db()
    grade.refresh_from_db()
    assert submission.rubric_version == v1
    assert version_rows(v1) == before_rows
    assert set(grade.scores.values_list("criterion__version", flat=True)) == {v1.pk}
    assert grade.score == before_score == submission.score
    assert roleplay.grade_total(grade) == (before_score, False)

    later = submitted(scenario, other_agent)
    assert later.rubric_version == v2
    assert [c.weight for c in criteria_of(later)] == [30, 70]


# --- Scenario services ---------------------------------------------------------------


def scenario_fields(**overrides) -> dict:
    fields = {
        "code": "late-order",
        "title_zh": "凌晨订单无人回复",
        "brief_zh": "顾客凌晨两点下单，一直没人回复。",
        "rubric": rubric(),
        "created_by": None,
    }
    fields.update(overrides)
    return fields


@pytest.mark.django_db
def test_scenario_create_makes_a_draft_with_cleaned_quality_rules(trainer):
    course = Course.objects.create(code="onboarding", title_zh="入职培训")
    scenario = authoring.scenario_create(
        **scenario_fields(created_by=trainer),
        title_en="Late order",
        kind=Scenario.Kind.ROLEPLAY,
        channel="phone",
        persona_zh="急躁的妈妈",
        emotion=5,
        level=Level.ADVANCED,
        course=course,
        required_for_course=True,
        grading_hours=24,
        quality_rules={"required": [" 发货 ", "发货", ""], "forbidden": [], "vague": ["  "]},
    )
    scenario.refresh_from_db()
    assert scenario.status == Scenario.Status.DRAFT
    assert scenario.created_by == trainer
    assert (scenario.channel, scenario.emotion, scenario.course, scenario.grading_hours) == (
        "phone",
        5,
        course,
        24,
    )
    assert scenario.quality_rules == {"required": ["发货"]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"emotion": 6}, "emotion"),
        ({"emotion": 0}, "emotion"),
        ({"required_for_course": True}, "course"),
        ({"grading_hours": 0}, "grading_hours"),
        ({"channel": "fax"}, "channel"),
        ({"kind": "quiz"}, "kind"),
        ({"brief_zh": ""}, "brief_zh"),
        ({"code": "has space"}, "code"),
        ({"quality_rules": {"forbiden": ["随便"]}}, "quality_rules"),
        ({"quality_rules": {"forbidden": "随便"}}, "quality_rules"),
        ({"quality_rules": ["随便"]}, "quality_rules"),
        ({"quality_rules": {"vague": ["很" * 101]}}, "quality_rules"),
        ({"quality_rules": {"replace": "yes"}}, "quality_rules"),
    ],
)
def test_scenario_create_refuses_bad_input_and_saves_nothing(overrides, field):
    fields = scenario_fields()
    fields.update(overrides)
    refused(field, authoring.scenario_create, **fields)
    assert not Scenario.objects.exists()


@pytest.mark.django_db
def test_quality_rules_replace_keeps_empty_lists_only_when_replacing():
    assert authoring.quality_rules_clean({"vague": [], "replace": False}) == {}
    assert authoring.quality_rules_clean({"vague": [], "replace": True}) == {
        "vague": [],
        "replace": True,
    }
    assert authoring.quality_rules_clean(None) == {}


@pytest.mark.django_db
def test_a_scenario_code_is_unique():
    authoring.scenario_create(**scenario_fields())
    refused("code", authoring.scenario_create, **scenario_fields())
    assert Scenario.objects.count() == 1


@pytest.mark.django_db
def test_a_published_scenario_switches_only_to_a_rubric_with_a_published_version():
    scenario = published_scenario()
    unpublished = draft_rubric(code="draft-only")
    error = refused("rubric", authoring.scenario_update, scenario=scenario, rubric=unpublished)
    assert error.message_dict["rubric"] == [
        _("A published scenario can only use a rubric with a published version.")
    ]
    scenario.refresh_from_db()
    assert scenario.rubric != unpublished

    other = rubric(code="phone")
    authoring.scenario_update(scenario=scenario, rubric=other, emotion=2, title_en="Edited")
    scenario.refresh_from_db()
    assert (scenario.rubric, scenario.emotion, scenario.title_en) == (other, 2, "Edited")


@pytest.mark.django_db
def test_a_draft_scenario_may_use_a_draft_rubric():
    scenario = ScenarioFactory()
    unpublished = draft_rubric(code="draft-only")
    authoring.scenario_update(scenario=scenario, rubric=unpublished)
    scenario.refresh_from_db()
    assert scenario.rubric == unpublished


@pytest.mark.django_db
def test_the_kind_is_fixed_once_agents_have_submissions(agent):
    scenario = published_scenario()
    run(scenario, agent, [])
    refused("kind", authoring.scenario_update, scenario=scenario, kind=Scenario.Kind.CASE_REVIEW)
    scenario.refresh_from_db()
    assert scenario.kind == Scenario.Kind.ROLEPLAY


@pytest.mark.django_db
def test_archiving_closes_the_scenario_and_keeps_its_submissions(agent):
    scenario = published_scenario()
    submitted(scenario, agent)
    authoring.scenario_archive(scenario=scenario)
    scenario.refresh_from_db()
    assert scenario.status == Scenario.Status.ARCHIVED
    assert Submission.objects.filter(scenario=scenario).count() == 1
    refused(None, roleplay.submission_start, scenario=scenario, agent=agent)


# --- Turn services -------------------------------------------------------------------


@pytest.mark.django_db
def test_turns_are_added_in_order_with_validated_branches():
    scenario = ScenarioFactory()
    first = authoring.scenario_turn_add(scenario=scenario, text_zh="我的快递呢？")
    second = authoring.scenario_turn_add(
        scenario=scenario, text_zh="能退款吗？", reply_target_seconds=45
    )
    third = authoring.scenario_turn_add(
        scenario=scenario,
        text_zh="好吧。",
        ends=True,
        order=5,
    )
    authoring.scenario_turn_update(
        turn=first, branches=[{"contains": [" 退款 ", "refund", "退款"], "goto": 5}]
    )
    first.refresh_from_db()
    assert [first.order, second.order, third.order] == [1, 2, 5]
    assert second.reply_target_seconds == 45 and third.ends
    assert first.branches == [{"contains": ["退款", "refund"], "goto": 5}]
    turns = list(scenario.turns.all())
    assert roleplay.next_script_turn(turns, first, "我要退款") == third


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"order": 1}, "order"),
        ({"order": 0}, "order"),
        ({"reply_target_seconds": 0}, "reply_target_seconds"),
        ({"branches": [{"contains": ["退款"], "goto": 9}]}, "branches"),
        ({"branches": [{"contains": [" "], "goto": 1}]}, "branches"),
        ({"branches": [{"contains": ["退款"]}]}, "branches"),
        ({"branches": [{"contains": ["退款"], "goto": "1"}]}, "branches"),
        ({"branches": {"contains": ["退款"], "goto": 1}}, "branches"),
        ({"branches": [{"contains": ["退款"], "goto": 1}], "ends": True}, "branches"),
        ({"text_zh": ""}, "text_zh"),
    ],
)
def test_a_bad_turn_is_refused_and_nothing_is_added(kwargs, field):
    scenario = ScenarioFactory()
    ScenarioTurnFactory(scenario=scenario, order=1)
    values = {"scenario": scenario, "text_zh": "顾客说", **kwargs}
    refused(field, authoring.scenario_turn_add, **values)
    assert scenario.turns.count() == 1


@pytest.mark.django_db
def test_a_case_review_takes_no_turns():
    scenario = ScenarioFactory(kind=Scenario.Kind.CASE_REVIEW)
    refused(None, authoring.scenario_turn_add, scenario=scenario, text_zh="顾客说")
    assert not scenario.turns.exists()


@pytest.mark.django_db
def test_a_turn_a_branch_goes_to_is_neither_renumbered_nor_deleted():
    scenario = ScenarioFactory()
    ScenarioTurnFactory(scenario=scenario, order=1, branches=[{"contains": ["退款"], "goto": 2}])
    target = ScenarioTurnFactory(scenario=scenario, order=2)
    error = refused("order", authoring.scenario_turn_update, turn=target, order=7)
    assert "1" in error.message_dict["order"][0]
    refused("order", authoring.scenario_turn_delete, turn=target)
    target.refresh_from_db()
    assert target.order == 2


@pytest.mark.django_db
def test_a_turn_cannot_take_a_number_in_use_and_a_free_one_is_fine():
    scenario = ScenarioFactory()
    ScenarioTurnFactory(scenario=scenario, order=1)
    turn = ScenarioTurnFactory(scenario=scenario, order=2)
    refused("order", authoring.scenario_turn_update, turn=turn, order=1)
    authoring.scenario_turn_update(turn=turn, order=4, text_zh="改了")
    turn.refresh_from_db()
    assert (turn.order, turn.text_zh) == (4, "改了")


@pytest.mark.django_db
def test_while_agents_run_the_script_its_wording_changes_but_not_its_numbering(agent):
    scenario = published_scenario(
        script=[
            {"order": 1, "text_zh": "第一句"},
            {"order": 2, "text_zh": "第二句"},
        ]
    )
    submission = run(scenario, agent, [])
    second = scenario.turns.get(order=2)
    refused("order", authoring.scenario_turn_update, turn=second, order=3)
    refused("order", authoring.scenario_turn_delete, turn=second)
    authoring.scenario_turn_update(turn=second, text_zh="第二句（改）", reply_target_seconds=30)
    second.refresh_from_db()
    assert (second.order, second.text_zh, second.reply_target_seconds) == (2, "第二句（改）", 30)
    # The running submission carries on with the script.
    following = roleplay.turn_reply(submission=submission, reply="您好", now=NOW + MINUTE)
    assert following.customer_text == "第二句（改）"


@pytest.mark.django_db
def test_the_last_turn_of_a_published_role_play_stays():
    scenario = published_scenario(script=[{"order": 1, "text_zh": "只有一句"}])
    only = scenario.turns.get()
    refused(None, authoring.scenario_turn_delete, turn=only)
    assert scenario.turns.count() == 1

    draft = ScenarioFactory()
    turn = ScenarioTurnFactory(scenario=draft, order=1)
    authoring.scenario_turn_delete(turn=turn)
    assert not draft.turns.exists()


# --- Pages: who may use them ---------------------------------------------------------


@pytest.fixture
def world(db):
    item = rubric(code="im")
    scenario = published_scenario(code="late")
    return {
        "rubric": item,
        "criterion": item.versions.get().criteria.first(),
        "scenario": scenario,
        "turn": scenario.turns.order_by("order").first(),
    }


def _get_urls(world) -> list[str]:
    return [
        url("author-rubrics"),
        url("author-rubric-create"),
        url("author-rubric", world["rubric"].pk),
        url("author-rubric-edit", world["rubric"].pk),
        url("author-criterion-edit", world["criterion"].pk),
        url("author-scenarios"),
        url("author-scenario-create"),
        url("author-scenario", world["scenario"].pk),
        url("author-scenario-edit", world["scenario"].pk),
        url("author-scenario-try", world["scenario"].pk),
        url("author-turn-edit", world["turn"].pk),
    ]


def _post_urls(world) -> list[tuple[str, dict]]:
    return [
        (
            url("author-rubric-create"),
            {"code": "x", "title_zh": "x", "pass_mark": 60, "policy": "mean"},
        ),
        (
            url("author-rubric-edit", world["rubric"].pk),
            {"title_zh": "改", "pass_mark": 10, "policy": "mean"},
        ),
        (url("author-rubric-draft", world["rubric"].pk), {}),
        (url("author-rubric-publish", world["rubric"].pk), {}),
        (url("author-criterion-create", world["rubric"].pk), {"title_zh": "x", "weight": 1}),
        (url("author-criterion-delete", world["criterion"].pk), {}),
        (url("author-scenario-create"), {"code": "y", "title_zh": "y"}),
        (url("author-scenario-archive", world["scenario"].pk), {}),
        (url("author-scenario-publish", world["scenario"].pk), {}),
        (
            url("author-turn-create", world["scenario"].pk),
            {"text_zh": "x", "reply_target_seconds": 5},
        ),
        (url("author-turn-delete", world["turn"].pk), {}),
    ]


def _snapshot():
    return (
        list(Rubric.objects.values_list("pk", "title_zh", "pass_mark")),
        list(RubricVersion.objects.values_list("pk", "is_published")),
        Criterion.objects.count(),
        list(Scenario.objects.values_list("pk", "status")),
        list(ScenarioTurn.objects.values_list("pk", "order", "text_zh")),
    )


@pytest.mark.parametrize("who", ["agent", "mentor", "team_lead"])
def test_non_authors_get_404_on_every_authoring_page_and_change_nothing(
    client, world, who, request
):
    client.force_login(request.getfixturevalue(who))
    for page in _get_urls(world):
        assert client.get(page).status_code == 404, page
    before = _snapshot()
    for page, data in _post_urls(world):
        assert client.post(page, data).status_code == 404, page
    assert _snapshot() == before


@pytest.mark.parametrize("who", ["trainer", "hr"])
def test_authors_open_every_authoring_page(client, world, who, request):
    client.force_login(request.getfixturevalue(who))
    for page in _get_urls(world):
        response = client.get(page, follow=True)
        assert response.status_code == 200, page


def test_an_anonymous_visitor_is_sent_to_log_in(client, world):
    response = client.get(url("author-rubrics"))
    assert response.status_code == 302 and "login" in response["Location"]


# --- Pages: the author's journey -----------------------------------------------------


def criterion_post(title: str, competency, weight: int, **extra) -> dict:
    data = {
        "title_zh": title,
        "title_en": "",
        "competency": competency.pk,
        "weight": weight,
        "level_0_points": 0,
        "level_0_zh": "未做到",
        "level_0_fails": "on",
        "level_1_points": 3,
        "level_1_zh": "基本做到",
        "level_1_demonstrates": Level.BASIC,
        "level_2_points": 5,
        "level_2_zh": "做得很好",
        "level_2_en": "Done well",
        "level_2_demonstrates": Level.ADVANCED,
    }
    data.update(extra)
    return data


def scenario_post(rubric_obj: Rubric, **extra) -> dict:
    data = {
        "code": "im-late-night",
        "title_zh": "凌晨下单无人回复",
        "title_en": "No reply at 2 a.m.",
        "kind": "roleplay",
        "channel": "im",
        "brief_zh": "顾客凌晨两点下单，一直没人回复，威胁给差评。",
        "brief_en": "",
        "persona_zh": "急躁的年轻妈妈",
        "persona_en": "",
        "emotion": 4,
        "level": Level.BASIC,
        "rubric": rubric_obj.pk,
        "course": "",
        "grading_hours": 48,
        "rules_greetings": "",
        "rules_closings": "",
        "rules_required": "发货\n单号\n发货",
        "rules_forbidden": "系统问题",
        "rules_vague": "",
        "rules_empathy": "",
    }
    data.update(extra)
    return data


def test_an_author_builds_and_publishes_a_rubric_and_a_scenario_through_the_pages(
    client, trainer, agent
):
    client.force_login(trainer)
    empathy, accuracy = CompetencyFactory(name_zh="倾听与共情"), CompetencyFactory()

    # The rubric, with two criteria whose weights first add up to 90.
    response = client.post(
        url("author-rubric-create"),
        {
            "code": "im-conv",
            "title_zh": "IM 对话评分表",
            "title_en": "",
            "pass_mark": 70,
            "policy": "mean",
        },
    )
    item = Rubric.objects.get(code="im-conv")
    assert response["Location"] == url("author-rubric", item.pk)
    assert item.created_by == trainer
    client.post(url("author-criterion-create", item.pk), criterion_post("共情表达", empathy, 40))
    client.post(url("author-criterion-create", item.pk), criterion_post("信息准确", accuracy, 50))
    page = html(client.get(url("author-rubric", item.pk)))
    assert "共情表达" in page and "信息准确" in page and "倾听与共情" in page
    assert "90" in page and 'id="weight-total" class="errors"' in page

    response = client.post(url("author-rubric-publish", item.pk), follow=True)
    assert _("The weights add up to %(total)s; they must add up to 100.") % {"total": 90} in html(
        response
    )
    assert not item.versions.filter(is_published=True).exists()

    accuracy_row = Criterion.objects.get(title_zh="信息准确")
    response = client.post(
        url("author-criterion-edit", accuracy_row.pk), criterion_post("信息准确", accuracy, 60)
    )
    assert response.status_code == 302
    response = client.post(url("author-rubric-publish", item.pk), follow=True)
    assert _(
        "Version %(number)s is published: submissions started from now on are graded "
        "with it; earlier ones keep their version."
    ) % {"number": 1} in html(response)
    version = item.versions.get()
    assert version.is_published
    assert [(c.title_zh, c.weight) for c in version.criteria.order_by("order")] == [
        ("共情表达", 40),
        ("信息准确", 60),
    ]
    assert list(
        version.criteria.get(title_zh="共情表达").levels.values_list("points", "demonstrates")
    ) == [(0, None), (3, Level.BASIC), (5, Level.ADVANCED)]

    # The scenario, with three turns and a branch.
    response = client.post(url("author-scenario-create"), scenario_post(item))
    scenario = Scenario.objects.get(code="im-late-night")
    assert response["Location"] == url("author-scenario", scenario.pk)
    assert scenario.quality_rules == {"required": ["发货", "单号"], "forbidden": ["系统问题"]}
    turn = url("author-turn-create", scenario.pk)
    for text, target in [("我凌晨下的单，没人理！", 60), ("到底什么时候发货？", 60)]:
        response = client.post(turn, {"text_zh": text, "reply_target_seconds": target})
        assert response.status_code == 302
    client.post(turn, {"text_zh": "那就这样吧。", "reply_target_seconds": 30, "ends": "on"})
    first = scenario.turns.get(order=1)
    response = client.post(
        url("author-turn-edit", first.pk),
        {
            "order": 1,
            "text_zh": first.text_zh,
            "reply_target_seconds": 60,
            "branches": "退款,取消 -> 3",
        },
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.branches == [{"contains": ["退款", "取消"], "goto": 3}]

    page = html(client.get(url("author-scenario", scenario.pk)))
    assert "退款 / 取消" in page and "到底什么时候发货？" in page

    response = client.post(url("author-scenario-publish", scenario.pk), follow=True)
    scenario.refresh_from_db()
    assert scenario.status == Scenario.Status.PUBLISHED

    # The agent finds it, and the branch works in the runner.
    client.force_login(agent)
    assert "凌晨下单无人回复" in html(client.get(url("roleplay-list")))
    submission = roleplay.submission_start(scenario=scenario, agent=agent, now=NOW)
    following = roleplay.turn_reply(submission=submission, reply="可以帮您退款", now=NOW + MINUTE)
    assert following.customer_text == "那就这样吧。"
    assert submission.rubric_version == version


def test_a_bad_criterion_shows_its_errors_on_the_rubric_page_and_adds_nothing(client, trainer):
    client.force_login(trainer)
    item = draft_rubric(criteria=[])
    data = criterion_post("共情", CompetencyFactory(), 40, level_1_zh="", level_2_points="")
    response = client.post(url("author-criterion-create", item.pk), data)
    assert response.status_code == 400
    assert _("Describe this level in Chinese.") in html(response)
    assert _("Give the points of this level.") in html(response)
    data = criterion_post("共情", CompetencyFactory(), 40, level_1_points=0, level_2_points=0)
    response = client.post(url("author-criterion-create", item.pk), data)
    assert response.status_code == 400
    assert _("Two levels of a criterion have the same points.") in html(response)
    assert not Criterion.objects.exists()


def test_published_versions_are_read_only_and_a_new_draft_copies_them(client, trainer):
    client.force_login(trainer)
    item = rubric(code="im")
    criterion = item.versions.get().criteria.first()
    page = html(client.get(url("author-rubric", item.pk)))
    assert url("author-criterion-edit", criterion.pk) not in page
    assert url("author-criterion-create", item.pk) not in page
    response = client.get(url("author-criterion-edit", criterion.pk), follow=True)
    assert _("This rubric version is published; edit a new draft instead.") in html(response)

    client.post(url("author-rubric-draft", item.pk))
    draft = draft_of(item)
    assert (draft.number, draft.is_published, draft.criteria.count()) == (2, False, 2)
    page = html(client.get(url("author-rubric", item.pk)))
    assert url("author-criterion-create", item.pk) in page
    copy = draft.criteria.first()
    assert url("author-criterion-edit", copy.pk) in page
    # Version 1 stays readable as it was.
    page = html(client.get(url("author-rubric", item.pk) + "?version=1"))
    assert url("author-criterion-edit", criterion.pk) not in page
    assert "开场与结束语" in page


def test_a_bad_turn_shows_its_error_and_adds_nothing(client, trainer):
    client.force_login(trainer)
    scenario = ScenarioFactory()
    ScenarioTurnFactory(scenario=scenario, order=1)
    response = client.post(
        url("author-turn-create", scenario.pk),
        {"text_zh": "退款呢？", "reply_target_seconds": 60, "branches": "退款 -> 9"},
    )
    assert response.status_code == 400
    assert _("Branch %(n)s goes to turn %(goto)s, which does not exist.") % {
        "n": 1,
        "goto": 9,
    } in html(response)
    response = client.post(
        url("author-turn-create", scenario.pk),
        {"text_zh": "退款呢？", "reply_target_seconds": 60, "branches": "退款 3"},
    )
    assert response.status_code == 400
    assert "退款,refund -&gt; 3" in html(response)
    assert scenario.turns.count() == 1


def test_a_scenario_form_error_lands_on_its_field(client, trainer):
    client.force_login(trainer)
    item = rubric()
    response = client.post(
        url("author-scenario-create"), scenario_post(item, required_for_course="on", emotion=9)
    )
    assert response.status_code == 200
    assert _("Choose the course the scenario is required for.") in html(response)
    assert not Scenario.objects.exists()


def test_the_scenario_form_shows_the_shared_defaults_and_keeps_the_scenarios_phrases(
    client, trainer
):
    client.force_login(trainer)
    scenario = published_scenario(quality_rules={"forbidden": ["系统问题"], "replace": True})
    page = html(client.get(url("author-scenario-edit", scenario.pk)))
    assert "不知道、没办法" in page  # the forbidden defaults, as help
    assert "系统问题</textarea>" in page
    assert 'name="replace_defaults" id="id_replace_defaults" checked' in page


def test_publishing_a_scenario_without_turns_says_why(client, trainer):
    client.force_login(trainer)
    scenario = ScenarioFactory()
    page = html(client.get(url("author-scenario", scenario.pk)))
    assert _("Write at least one customer turn.") in page
    response = client.post(url("author-scenario-publish", scenario.pk), follow=True)
    assert _("Write at least one customer turn.") in html(response)
    scenario.refresh_from_db()
    assert scenario.status == Scenario.Status.DRAFT


def test_archive_from_the_page(client, trainer):
    client.force_login(trainer)
    scenario = published_scenario()
    client.post(url("author-scenario-archive", scenario.pk))
    scenario.refresh_from_db()
    assert scenario.status == Scenario.Status.ARCHIVED


def test_the_script_preview_shows_where_a_reply_leads(client, trainer):
    client.force_login(trainer)
    scenario = published_scenario()  # turn 1 branches to 3 on 退款; 3 ends; 4 unreachable
    page = html(client.get(url("author-scenario", scenario.pk)))
    assert _("No path from the first turn reaches this turn.") in page
    assert page.count(_("No path from the first turn reaches this turn.")) == 1
    response = client.get(
        url("author-scenario-try", scenario.pk), {"turn": 1, "reply": "我帮您退款"}, **HTMX
    )
    body = html(response)
    assert 'id="try-result"' in body and "<html" not in body
    assert "好吧，那就这样。" in body
    response = client.get(url("author-scenario-try", scenario.pk), {"turn": 3, "reply": "好的"})
    assert _("After turn %(a)s the conversation ends.") % {"a": 3} in html(response)


def test_turns_can_be_edited_and_deleted_from_the_pages(client, trainer):
    client.force_login(trainer)
    scenario = ScenarioFactory()
    turn = ScenarioTurnFactory(scenario=scenario, order=1, text_zh="原话")
    response = client.post(
        url("author-turn-edit", turn.pk),
        {"order": 2, "text_zh": "新话", "text_en": "New", "reply_target_seconds": 20},
    )
    assert response.status_code == 302
    turn.refresh_from_db()
    assert (turn.order, turn.text_zh, turn.text_en, turn.reply_target_seconds) == (
        2,
        "新话",
        "New",
        20,
    )
    client.post(url("author-turn-delete", turn.pk))
    assert not scenario.turns.exists()


def test_the_scenario_list_filters_by_status_and_kind(client, trainer):
    client.force_login(trainer)
    published_scenario(code="live-one", title_zh="已发布的")
    ScenarioFactory(code="draft-one", title_zh="草稿的")
    ScenarioFactory(code="case-one", title_zh="复盘的", kind=Scenario.Kind.CASE_REVIEW)
    page = html(client.get(url("author-scenarios"), {"status": "draft"}))
    assert "草稿的" in page and "复盘的" in page and "已发布的" not in page
    page = html(client.get(url("author-scenarios"), {"kind": "case_review"}))
    assert "复盘的" in page and "草稿的" not in page
    page = html(client.get(url("author-scenarios"), {"kind": "roleplay", "status": "archived"}))
    assert _("No scenario matches the filter.") in page


def test_empty_lists_say_so(client, trainer):
    client.force_login(trainer)
    assert _("No rubrics yet: create one, add its weighted criteria and publish it.") in html(
        client.get(url("author-rubrics"))
    )
    assert _("No scenarios yet: create one, write its customer turns and publish it.") in html(
        client.get(url("author-scenarios"))
    )


def test_the_rubric_list_shows_status_versions_and_use(client, trainer, agent):
    client.force_login(trainer)
    scenario = published_scenario()
    submitted(scenario, agent)
    roleplay.rubric_draft(rubric=scenario.rubric)
    fresh = draft_rubric(code="fresh")
    page = html(client.get(url("author-rubrics")))
    row = page.split(f'id="rubric-{scenario.rubric.pk}"')[1].split("</tr>")[0]
    assert _("Version %(n)s published") % {"n": 1} in row
    assert _("draft version %(n)s in progress") % {"n": 2} in row
    assert [cell.split(">")[-1] for cell in row.split("</td>") if 'class="num"' in cell] == [
        "2",
        "70 %",
        "1",
        "1",
    ]
    row = page.split(f'id="rubric-{fresh.pk}"')[1].split("</tr>")[0]
    assert _("Not published yet") in row


def test_the_lists_are_paginated(client, trainer):
    client.force_login(trainer)
    for i in range(authoring.AUTHORING_PAGE_SIZE + 1):
        Rubric.objects.create(code=f"r{i:03}", title_zh=f"评分表{i}")
    first = html(client.get(url("author-rubrics")))
    second = html(client.get(url("author-rubrics"), {"page": 2}))
    assert first.count('id="rubric-') == authoring.AUTHORING_PAGE_SIZE
    assert second.count('id="rubric-') == 1


# --- Query counts --------------------------------------------------------------------


def _queries(client, page: str, marker: str, expected: int) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(page)
    assert response.status_code == 200
    assert html(response).count(marker) == expected
    return len(ctx.captured_queries)


def _rubric_list_queries(client, agent, count: int) -> int:
    for _i in range(count):
        scenario = published_scenario()
        submitted(scenario, agent)
        roleplay.rubric_draft(rubric=scenario.rubric)
        agent.submissions.update(status=Submission.Status.GRADED)
    return _queries(client, url("author-rubrics"), 'id="rubric-', Rubric.objects.count())


def test_the_rubric_list_answers_in_a_fixed_number_of_queries(client, trainer, agent):
    client.force_login(trainer)
    small = _rubric_list_queries(client, agent, 1)
    large = _rubric_list_queries(client, agent, 5)
    assert small == large


def _scenario_list_queries(client, count: int) -> int:
    course = Course.objects.get_or_create(code="c1", defaults={"title_zh": "课程"})[0]
    for _i in range(count):
        published_scenario(course=course, required_for_course=True)
        ScenarioFactory(kind=Scenario.Kind.CASE_REVIEW)
    return _queries(client, url("author-scenarios"), 'id="scenario-', Scenario.objects.count())


def test_the_scenario_list_answers_in_a_fixed_number_of_queries(client, trainer):
    client.force_login(trainer)
    assert _scenario_list_queries(client, 1) == _scenario_list_queries(client, 5)


def _rubric_page_queries(client, criteria: int, code: str) -> int:
    weights = [100 // criteria] * criteria
    weights[-1] += 100 - sum(weights)
    item = draft_rubric(
        code=code,
        criteria=[{"title_zh": f"评分项{i}", "weight": w} for i, w in enumerate(weights)],
    )
    roleplay.rubric_publish(version=draft_of(item))
    roleplay.rubric_draft(rubric=item)
    return _queries(client, url("author-rubric", item.pk), '<tr id="criterion-', criteria)


def test_the_rubric_page_answers_in_a_fixed_number_of_queries(client, trainer):
    client.force_login(trainer)
    assert _rubric_page_queries(client, 2, "two") == _rubric_page_queries(client, 7, "seven")


def _scenario_page_queries(client, turns: int, code: str) -> int:
    script = [{"order": i, "text_zh": f"第{i}句"} for i in range(1, turns + 1)]
    scenario = published_scenario(code=code, script=script)
    return _queries(client, url("author-scenario", scenario.pk), '<tr id="turn-', turns)


def test_the_scenario_page_answers_in_a_fixed_number_of_queries(client, trainer):
    client.force_login(trainer)
    assert _scenario_page_queries(client, 2, "two") == _scenario_page_queries(client, 8, "eight")


# --- At the same time (PostgreSQL) ---------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_authors_adding_the_same_turn_number_at_once_make_one_turn():
    scenario = ScenarioFactory()

    def add(text: str):
        return lambda: authoring.scenario_turn_add(
            scenario=Scenario.objects.get(pk=scenario.pk), text_zh=text, order=1
        )

    barrier = threading.Barrier(2)
    with patch.object(
        Scenario.objects, "select_for_update", hold_at(barrier, Scenario.objects.select_for_update)
    ):
        results = run_concurrently(add("甲"), add("乙"))

    turns = [r for r in results if isinstance(r, ScenarioTurn)]
    refused_ = [r for r in results if isinstance(r, ValidationError)]
    assert (len(turns), len(refused_)) == (1, 1), results
    assert "order" in refused_[0].message_dict
    assert list(scenario.turns.values_list("order", "text_zh")) == [(1, turns[0].text_zh)]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_criterion_edited_while_the_draft_is_published_never_changes_a_published_version():
    item = draft_rubric()  # weights 40 + 60: ready to publish
    criterion = draft_of(item).criteria.get(weight=40)

    barrier = threading.Barrier(2)
    with patch.object(
        RubricVersion.objects,
        "select_for_update",
        hold_at(barrier, RubricVersion.objects.select_for_update),
    ):
        results = run_concurrently(
            lambda: authoring.rubric_publish_draft(rubric=Rubric.objects.get(pk=item.pk)),
            lambda: authoring.criterion_update(
                criterion=Criterion.objects.get(pk=criterion.pk), weight=30
            ),
        )

    assert sum(isinstance(r, ValidationError) for r in results) == 1, results
    version = RubricVersion.objects.get(rubric=item)
    weights = sum(version.criteria.values_list("weight", flat=True))
    # Either the edit came first and publishing was refused, or publishing came first and
    # the edit was refused: never a published version whose weights changed afterwards.
    assert (version.is_published, weights) in {(True, 100), (False, 90)}
