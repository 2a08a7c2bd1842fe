"""The REST API for rubrics, and for authoring scenarios and their scripts.

The same rules as the authoring pages, as thin views over ``roleplay_authoring`` and
``roleplay``: input serializers check types only, the services validate in full, and a
service's ``ValidationError`` becomes a 400 with its translated messages (keyed by field
where the service names one) in ``lms.api_errors``.

Who reads a rubric (``roleplay_authoring.rubrics_visible_to``):

- authors (trainers, HR, admin) read every rubric with its draft and all its versions;
- mentors, who grade with rubrics, read every rubric's published versions;
- everyone else signed in (agents, team leads) reads the current published version of a
  rubric that a published scenario uses, so an agent knows how they will be graded.

A rubric someone may not read answers 404 like a missing one. Writes (rubrics, criteria,
scenarios, turns) are the authors' alone: anyone else gets 403. Agents read scenarios
through ``roleplay_api`` (brief and persona, never the script); the authoring endpoints
here answer with the script.
"""

from django.db import transaction
from django.db.models import IntegerField, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from courses.models import Course
from courses.permissions import can_author
from lms.models import Competency, Level, User
from lms.serializer_fields import CompetencyField

from . import roleplay
from . import roleplay_authoring as authoring
from .models import (
    Criterion,
    CriterionLevel,
    Rubric,
    RubricVersion,
    Scenario,
    ScenarioTurn,
)


def _author_or_403(user: User) -> None:
    if not can_author(user):
        raise PermissionDenied(_("Only trainers and HR can author rubrics and scenarios."))


# --- Rubrics: output -------------------------------------------------------------------


class RubricCompetencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Competency
        fields = ["id", "code", "name"]


class RubricLevelOutSerializer(serializers.ModelSerializer):
    demonstrates = serializers.IntegerField(
        allow_null=True, help_text="Competency level shown: 1 basic, 2 advanced, 3 expert."
    )

    class Meta:
        model = CriterionLevel
        fields = [
            "id",
            "order",
            "points",
            "descriptor_zh",
            "descriptor_en",
            "demonstrates",
            "fails",
        ]


class RubricCriterionOutSerializer(serializers.ModelSerializer):
    competency = RubricCompetencySerializer()
    levels = RubricLevelOutSerializer(many=True, source="level_list")

    class Meta:
        model = Criterion
        fields = [
            "id",
            "order",
            "title_zh",
            "title_en",
            "competency",
            "weight",
            "critical",
            "allow_not_applicable",
            "levels",
        ]


class RubricVersionSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = RubricVersion
        fields = ["number", "is_published", "created_at"]


class RubricVersionSerializer(RubricVersionSummarySerializer):
    criteria = RubricCriterionOutSerializer(many=True, source="criterion_list")
    total_weight = serializers.IntegerField(help_text="Publishing needs 100.")

    class Meta(RubricVersionSummarySerializer.Meta):
        fields = [*RubricVersionSummarySerializer.Meta.fields, "total_weight", "criteria"]


class RubricSerializer(serializers.ModelSerializer):
    policy = serializers.CharField(help_text="mean or senior: how two grades combine.")
    current = RubricVersionSerializer(
        allow_null=True,
        source="current_version",
        help_text="The latest published version: what new submissions are graded with.",
    )

    class Meta:
        model = Rubric
        fields = ["id", "code", "title", "title_zh", "title_en", "pass_mark", "policy", "current"]


class RubricDetailSerializer(RubricSerializer):
    draft = RubricVersionSerializer(
        allow_null=True, source="draft_version", help_text="The version being edited (authors)."
    )
    versions = RubricVersionSummarySerializer(
        many=True, source="version_list", help_text="Newest first; drafts for authors only."
    )

    class Meta(RubricSerializer.Meta):
        fields = [*RubricSerializer.Meta.fields, "draft", "versions"]


def _with_criteria(versions: list[RubricVersion]) -> None:
    criteria = authoring.criteria_of(v.pk for v in versions)
    for version in versions:
        version.criterion_list = criteria.get(version.pk, [])
        version.total_weight = sum(c.weight for c in version.criterion_list)


def _rubric_or_404(user: User, pk: int) -> Rubric:
    try:
        return authoring.rubrics_visible_to(user).get(pk=pk)
    except Rubric.DoesNotExist:
        raise NotFound(_("No such rubric.")) from None


def _rubric_detail(user: User, rubric: Rubric) -> dict:
    versions = list(rubric.versions.order_by("-number"))
    drafts = authoring.can_see_drafts(user)
    rubric.version_list = [v for v in versions if drafts or v.is_published]
    rubric.current_version = next((v for v in versions if v.is_published), None)
    latest = versions[0] if versions else None
    rubric.draft_version = latest if drafts and latest and not latest.is_published else None
    _with_criteria([v for v in (rubric.current_version, rubric.draft_version) if v])
    return RubricDetailSerializer(rubric).data


# --- Rubrics: input --------------------------------------------------------------------


class RubricUpdateInputSerializer(serializers.Serializer):
    title_zh = serializers.CharField(max_length=200)
    title_en = serializers.CharField(max_length=200, required=False, allow_blank=True)
    pass_mark = serializers.IntegerField(min_value=0, max_value=100, required=False)
    policy = serializers.ChoiceField(choices=Rubric.Policy.choices, required=False)


class RubricCreateInputSerializer(RubricUpdateInputSerializer):
    code = serializers.SlugField(max_length=50)


class LevelInputSerializer(serializers.Serializer):
    points = serializers.IntegerField()
    # Blank passes through so that the service gives its own message.
    descriptor_zh = serializers.CharField(allow_blank=True)
    descriptor_en = serializers.CharField(required=False, allow_blank=True, default="")
    demonstrates = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Competency level shown: 1 basic, 2 advanced, 3 expert; null: none.",
    )
    fails = serializers.BooleanField(required=False, default=False)


class CriterionUpdateInputSerializer(serializers.Serializer):
    title_zh = serializers.CharField(max_length=200)
    title_en = serializers.CharField(max_length=200, required=False, allow_blank=True)
    competency = CompetencyField(help_text="Code or id.")
    weight = serializers.IntegerField(help_text="Percent; the weights of a version add up to 100.")
    critical = serializers.BooleanField(required=False)
    allow_not_applicable = serializers.BooleanField(required=False)
    order = serializers.IntegerField(min_value=0, max_value=32767, required=False)
    levels = LevelInputSerializer(
        many=True, help_text="At least two, with distinct points; replaces the levels."
    )


class CriterionCreateInputSerializer(CriterionUpdateInputSerializer):
    pass


def _level_specs(levels: list[dict]) -> list[tuple]:
    return [
        (lv["points"], lv["descriptor_zh"], lv["descriptor_en"], lv["demonstrates"], lv["fails"])
        for lv in levels
    ]


def _criterion_data(criterion: Criterion) -> dict:
    version = RubricVersion.objects.get(pk=criterion.version_id)
    _with_criteria([version])
    return RubricCriterionOutSerializer(
        next(c for c in version.criterion_list if c.pk == criterion.pk)
    ).data


# --- Rubrics: endpoints ----------------------------------------------------------------


class RubricListApi(ListAPIView):
    """Rubrics the requester may read, each with its current published version (criteria
    and levels); POST creates one (authors) with an empty draft version 1."""

    serializer_class = RubricSerializer

    def get_queryset(self) -> QuerySet[Rubric]:
        if getattr(self, "swagger_fake_view", False):
            return Rubric.objects.none()
        current = RubricVersion.objects.filter(rubric=OuterRef("pk"), is_published=True)
        return (
            authoring.rubrics_visible_to(self.request.user)
            .annotate(
                current_id=Subquery(
                    current.order_by("-number").values("pk")[:1], output_field=IntegerField()
                )
            )
            .order_by("code")
        )

    def list(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        ids = [r.current_id for r in page if r.current_id]
        versions = {v.pk: v for v in RubricVersion.objects.filter(pk__in=ids)} if ids else {}
        _with_criteria(list(versions.values()))
        for rubric in page:
            rubric.current_version = versions.get(rubric.current_id)
        return self.get_paginated_response(RubricSerializer(page, many=True).data)

    @extend_schema(request=RubricCreateInputSerializer, responses={201: RubricDetailSerializer})
    def post(self, request: Request) -> Response:
        _author_or_403(request.user)
        data = RubricCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rubric = roleplay.rubric_create(created_by=request.user, **data.validated_data)
        return Response(_rubric_detail(request.user, rubric), status=status.HTTP_201_CREATED)


class RubricDetailApi(APIView):
    """A rubric with its current published version; authors also get the draft."""

    @extend_schema(responses=RubricDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(_rubric_detail(request.user, _rubric_or_404(request.user, pk)))

    @extend_schema(request=RubricUpdateInputSerializer, responses=RubricDetailSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        rubric = _rubric_or_404(request.user, pk)
        _author_or_403(request.user)
        data = RubricUpdateInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        rubric = authoring.rubric_update(rubric=rubric, **data.validated_data)
        return Response(_rubric_detail(request.user, rubric))


class RubricDraftApi(APIView):
    """The draft to edit: the existing one, or a copy of the latest published version.
    Published versions never change, so grades given with them keep their meaning."""

    @extend_schema(request=None, responses=RubricDetailSerializer)
    def post(self, request: Request, pk: int) -> Response:
        rubric = _rubric_or_404(request.user, pk)
        _author_or_403(request.user)
        roleplay.rubric_draft(rubric=rubric)
        return Response(_rubric_detail(request.user, rubric))


class RubricPublishApi(APIView):
    """Publish the draft (its weights must add up to 100); a 400 says what stops it."""

    @extend_schema(request=None, responses=RubricDetailSerializer)
    def post(self, request: Request, pk: int) -> Response:
        rubric = _rubric_or_404(request.user, pk)
        _author_or_403(request.user)
        authoring.rubric_publish_draft(rubric=rubric)
        return Response(_rubric_detail(request.user, rubric))


class RubricCriteriaApi(APIView):
    """Add a criterion to the draft; without a draft, one is first copied from the latest
    published version (all in one transaction: a refused criterion leaves no draft)."""

    @extend_schema(
        request=CriterionCreateInputSerializer, responses={201: RubricCriterionOutSerializer}
    )
    def post(self, request: Request, pk: int) -> Response:
        rubric = _rubric_or_404(request.user, pk)
        _author_or_403(request.user)
        data = CriterionCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        levels = _level_specs(values.pop("levels"))
        with transaction.atomic():
            draft = roleplay.rubric_draft(rubric=rubric)
            criterion = authoring.criterion_create(version=draft, levels=levels, **values)
        return Response(_criterion_data(criterion), status=status.HTTP_201_CREATED)


class CriterionDetailApi(APIView):
    """Change or delete a criterion of a draft version (authors); a published version's
    criteria answer 400: edit a new draft instead."""

    def _criterion(self, request: Request, pk: int) -> Criterion:
        _author_or_403(request.user)
        try:
            return Criterion.objects.get(pk=pk)
        except Criterion.DoesNotExist:
            raise NotFound(_("No such criterion.")) from None

    @extend_schema(request=CriterionUpdateInputSerializer, responses=RubricCriterionOutSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        criterion = self._criterion(request, pk)
        data = CriterionUpdateInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        levels = values.pop("levels", None)
        criterion = authoring.criterion_update(
            criterion=criterion,
            levels=_level_specs(levels) if levels is not None else None,
            **values,
        )
        return Response(_criterion_data(criterion))

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        authoring.criterion_remove(criterion=self._criterion(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Scenario authoring ----------------------------------------------------------------


class BranchSerializer(serializers.Serializer):
    contains = serializers.ListField(
        child=serializers.CharField(), help_text="Words looked for in the agent's reply."
    )
    goto = serializers.IntegerField(help_text="The turn number to go to.")


class QualityRulesSerializer(serializers.Serializer):
    greetings = serializers.ListField(child=serializers.CharField(), required=False)
    closings = serializers.ListField(child=serializers.CharField(), required=False)
    required = serializers.ListField(child=serializers.CharField(), required=False)
    forbidden = serializers.ListField(child=serializers.CharField(), required=False)
    vague = serializers.ListField(child=serializers.CharField(), required=False)
    empathy = serializers.ListField(child=serializers.CharField(), required=False)
    replace = serializers.BooleanField(
        required=False, help_text="The lists given replace the shared defaults."
    )


@extend_schema_field(BranchSerializer(many=True))
class BranchesField(serializers.JSONField):
    """Checked in full by the service, which names the bad rule."""


@extend_schema_field(QualityRulesSerializer)
class QualityRulesField(serializers.JSONField):
    """Checked in full by the service, which names an unknown key."""


class AuthorTurnSerializer(serializers.ModelSerializer):
    branches = BranchesField()

    class Meta:
        model = ScenarioTurn
        fields = ["id", "order", "text_zh", "text_en", "reply_target_seconds", "branches", "ends"]


class AuthorScenarioSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(help_text="roleplay or case_review.")
    channel = serializers.CharField(help_text="im, phone, email or video.")
    status = serializers.CharField(help_text="draft, published or archived.")
    quality_rules = QualityRulesField(help_text="The scenario's own phrases by key.")
    rubric = serializers.IntegerField(source="rubric_id")
    course = serializers.IntegerField(source="course_id", allow_null=True)

    class Meta:
        model = Scenario
        fields = [
            "id",
            "code",
            "title_zh",
            "title_en",
            "kind",
            "channel",
            "brief_zh",
            "brief_en",
            "persona_zh",
            "persona_en",
            "emotion",
            "level",
            "rubric",
            "course",
            "required_for_course",
            "grading_hours",
            "quality_rules",
            "status",
        ]


class AuthorScenarioDetailSerializer(AuthorScenarioSerializer):
    turns = AuthorTurnSerializer(many=True, source="turn_list")
    problems = serializers.ListField(
        child=serializers.CharField(), help_text="What stops it being published."
    )

    class Meta(AuthorScenarioSerializer.Meta):
        fields = [*AuthorScenarioSerializer.Meta.fields, "turns", "problems"]


class ScenarioUpdateInputSerializer(serializers.Serializer):
    title_zh = serializers.CharField(max_length=200)
    title_en = serializers.CharField(max_length=200, required=False, allow_blank=True)
    # Plain strings: the service checks them against the model's choices.
    kind = serializers.CharField(required=False, help_text="roleplay or case_review.")
    channel = serializers.CharField(required=False, help_text="im, phone, email or video.")
    brief_zh = serializers.CharField()
    brief_en = serializers.CharField(required=False, allow_blank=True)
    persona_zh = serializers.CharField(required=False, allow_blank=True)
    persona_en = serializers.CharField(required=False, allow_blank=True)
    emotion = serializers.IntegerField(required=False, help_text="1 calm – 5 furious.")
    level = serializers.ChoiceField(choices=Level.choices, required=False)
    rubric = serializers.PrimaryKeyRelatedField(queryset=Rubric.objects.all())
    course = serializers.PrimaryKeyRelatedField(
        queryset=Course.objects.all(), required=False, allow_null=True
    )
    required_for_course = serializers.BooleanField(required=False)
    grading_hours = serializers.IntegerField(required=False)
    quality_rules = QualityRulesField(required=False)


class ScenarioCreateInputSerializer(ScenarioUpdateInputSerializer):
    code = serializers.SlugField(max_length=50)


class TurnUpdateInputSerializer(serializers.Serializer):
    order = serializers.IntegerField(required=False, help_text="Blank: after the last turn.")
    text_zh = serializers.CharField()
    text_en = serializers.CharField(required=False, allow_blank=True)
    reply_target_seconds = serializers.IntegerField(required=False)
    branches = BranchesField(required=False)
    ends = serializers.BooleanField(required=False)


class TurnCreateInputSerializer(TurnUpdateInputSerializer):
    pass


class ScenarioFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Scenario.Status.choices, required=False)
    kind = serializers.CharField(required=False, help_text="roleplay or case_review.")

    def validate_kind(self, value: str) -> str:
        if value not in Scenario.Kind.values:
            raise serializers.ValidationError(_("Choose roleplay or case_review."))
        return value


def _author_scenario_or_404(user: User, pk: int) -> Scenario:
    _author_or_403(user)
    try:
        return authoring.scenario_for_authoring(pk)
    except Scenario.DoesNotExist:
        raise NotFound(_("No such scenario.")) from None


def _scenario_detail(pk: int) -> dict:
    scenario = authoring.scenario_for_authoring(pk)
    scenario.problems = authoring.scenario_problems(scenario)
    return AuthorScenarioDetailSerializer(scenario).data


class AuthorScenarioListApi(ListAPIView):
    """Every scenario whatever its status (authors); POST creates a draft."""

    serializer_class = AuthorScenarioSerializer

    @extend_schema(parameters=[ScenarioFilterSerializer])
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Scenario]:
        if getattr(self, "swagger_fake_view", False):
            return Scenario.objects.none()
        _author_or_403(self.request.user)
        query = ScenarioFilterSerializer(data=self.request.query_params.dict())
        query.is_valid(raise_exception=True)
        return Scenario.objects.filter(**query.validated_data).order_by("code")

    @extend_schema(
        request=ScenarioCreateInputSerializer, responses={201: AuthorScenarioDetailSerializer}
    )
    def post(self, request: Request) -> Response:
        _author_or_403(request.user)
        data = ScenarioCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        scenario = authoring.scenario_create(created_by=request.user, **data.validated_data)
        return Response(_scenario_detail(scenario.pk), status=status.HTTP_201_CREATED)


class AuthorScenarioDetailApi(APIView):
    """A scenario with its script and what stops it being published (authors)."""

    @extend_schema(responses=AuthorScenarioDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(_scenario_detail(_author_scenario_or_404(request.user, pk).pk))

    @extend_schema(request=ScenarioUpdateInputSerializer, responses=AuthorScenarioDetailSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        scenario = _author_scenario_or_404(request.user, pk)
        data = ScenarioUpdateInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        authoring.scenario_update(scenario=scenario, **data.validated_data)
        return Response(_scenario_detail(scenario.pk))


class AuthorScenarioPublishApi(APIView):
    """Open the scenario to agents; a 400 says what stops it (rubric, turns)."""

    @extend_schema(request=None, responses=AuthorScenarioDetailSerializer)
    def post(self, request: Request, pk: int) -> Response:
        scenario = _author_scenario_or_404(request.user, pk)
        roleplay.scenario_publish(scenario=scenario)
        return Response(_scenario_detail(scenario.pk))


class AuthorScenarioArchiveApi(APIView):
    """Nobody can start it any more; submissions and grades are kept."""

    @extend_schema(request=None, responses=AuthorScenarioDetailSerializer)
    def post(self, request: Request, pk: int) -> Response:
        scenario = _author_scenario_or_404(request.user, pk)
        authoring.scenario_archive(scenario=scenario)
        return Response(_scenario_detail(scenario.pk))


class AuthorScenarioTurnsApi(APIView):
    """Add a customer turn to the script."""

    @extend_schema(request=TurnCreateInputSerializer, responses={201: AuthorTurnSerializer})
    def post(self, request: Request, pk: int) -> Response:
        scenario = _author_scenario_or_404(request.user, pk)
        data = TurnCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        turn = authoring.scenario_turn_add(scenario=scenario, **data.validated_data)
        return Response(AuthorTurnSerializer(turn).data, status=status.HTTP_201_CREATED)


class AuthorTurnDetailApi(APIView):
    """Change or delete a customer turn (see ``roleplay_authoring`` for the script rules)."""

    def _turn(self, request: Request, pk: int) -> ScenarioTurn:
        _author_or_403(request.user)
        try:
            return ScenarioTurn.objects.select_related("scenario").get(pk=pk)
        except ScenarioTurn.DoesNotExist:
            raise NotFound(_("No such turn.")) from None

    @extend_schema(request=TurnUpdateInputSerializer, responses=AuthorTurnSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        turn = self._turn(request, pk)
        data = TurnUpdateInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        turn = authoring.scenario_turn_update(turn=turn, **data.validated_data)
        return Response(AuthorTurnSerializer(turn).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        authoring.scenario_turn_delete(turn=self._turn(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)
