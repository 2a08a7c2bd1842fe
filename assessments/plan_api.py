"""The composite-plan REST API: plans, a plan's composite scores, and the requester's own.

The same rules as the plan pages (``plans.can_see_plans``, ``plans.plans_visible_to``,
``plans.plan_people_for``): authors see every plan and everyone's scores, team leads the
plans in use and their own team's agents; anyone else is refused with 403, and a plan
they may not see answers 404 like a missing one. Everyone reads their own composites.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lms.models import Team, User

from . import plans
from .api import SelectorPagination
from .models import AssessmentPlan, Quiz, Scenario


def _reader_or_403(user: User) -> None:
    if not plans.can_see_plans(user):
        raise PermissionDenied(_("Only trainers, HR and team leads see assessment plans."))


def _plan_or_404(user: User, pk: int) -> AssessmentPlan:
    try:
        return plans.plan_get_for(user, pk)
    except AssessmentPlan.DoesNotExist:
        raise NotFound(_("No such assessment plan.")) from None


class PlanQuizSerializer(serializers.ModelSerializer):
    class Meta:
        model = Quiz
        fields = ["id", "code", "title"]


class PlanScenarioSerializer(serializers.ModelSerializer):
    class Meta:
        model = Scenario
        fields = ["id", "code", "title"]


class PlanSerializer(serializers.ModelSerializer):
    quiz = PlanQuizSerializer(allow_null=True)
    roleplay = PlanScenarioSerializer(allow_null=True)
    case_review = PlanScenarioSerializer(allow_null=True)

    class Meta:
        model = AssessmentPlan
        fields = [
            "id",
            "code",
            "title",
            "title_zh",
            "title_en",
            "quiz",
            "quiz_weight",
            "roleplay",
            "roleplay_weight",
            "case_review",
            "case_weight",
            "pass_mark",
            "is_active",
        ]


class PlanRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = AssessmentPlan
        fields = ["id", "code", "title", "pass_mark"]


class CompositeSerializer(serializers.Serializer):
    quiz = serializers.DecimalField(
        max_digits=5, decimal_places=2, allow_null=True, help_text="Best quiz percent."
    )
    roleplay = serializers.DecimalField(
        max_digits=5, decimal_places=2, allow_null=True, help_text="Best graded role-play."
    )
    case_review = serializers.DecimalField(
        max_digits=5, decimal_places=2, allow_null=True, help_text="Best graded case review."
    )
    score = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        allow_null=True,
        help_text="The weighted composite; null until every weighted part has a result.",
    )
    complete = serializers.BooleanField()
    passed = serializers.BooleanField()


class PlanTeamSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "code", "name"]


class PlanPersonSerializer(serializers.ModelSerializer):
    team = PlanTeamSerializer(allow_null=True)

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "team"]


class PersonCompositeSerializer(serializers.Serializer):
    person = PlanPersonSerializer()
    composite = CompositeSerializer()


class PartSerializer(serializers.Serializer):
    part = serializers.CharField(help_text="quiz, roleplay or case_review.")
    weight = serializers.IntegerField()
    target_id = serializers.IntegerField(help_text="The quiz's or the scenario's id.")
    target = serializers.CharField(help_text="Its title.")
    score = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    todo = serializers.CharField(
        help_text="Empty once scored; otherwise start, finish, wait (for the grade) or redo."
    )
    todo_label = serializers.CharField(help_text="What is still to do, in words.")


class MyCompositeSerializer(serializers.Serializer):
    plan = PlanRefSerializer()
    composite = CompositeSerializer()
    parts = PartSerializer(many=True, help_text="The weighted parts.")


class PageQuerySerializer(serializers.Serializer):
    page = serializers.IntegerField(required=False, min_value=1, default=1)


class ScoresQuerySerializer(PageQuerySerializer):
    team = serializers.CharField(required=False, allow_blank=True, help_text="Team code.")


class PlanListApi(ListAPIView):
    """The plans the requester may see: all for authors, the ones in use for team leads."""

    serializer_class = PlanSerializer
    pagination_class = SelectorPagination

    @extend_schema(parameters=[PageQuerySerializer])
    def get(self, request: Request) -> Response:
        _reader_or_403(request.user)
        query = PageQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        page = plans.plan_list_for(request.user, page_number=query.validated_data["page"])
        rows = self.paginator.use_page(page, request)
        return self.get_paginated_response(PlanSerializer(rows, many=True).data)


class PlanDetailApi(APIView):
    @extend_schema(responses=PlanSerializer)
    def get(self, request: Request, pk: int) -> Response:
        _reader_or_403(request.user)
        return Response(PlanSerializer(_plan_or_404(request.user, pk)).data)


class PlanScoresApi(ListAPIView):
    """Each person the requester may see with their composite on the plan, by team and
    name: a fixed number of queries a page."""

    serializer_class = PersonCompositeSerializer
    pagination_class = SelectorPagination

    @extend_schema(parameters=[ScoresQuerySerializer])
    def get(self, request: Request, pk: int) -> Response:
        _reader_or_403(request.user)
        plan = _plan_or_404(request.user, pk)
        query = ScoresQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        page = plans.plan_results_for(
            request.user,
            plan,
            team_code=query.validated_data.get("team", ""),
            page_number=query.validated_data["page"],
        )
        rows = self.paginator.use_page(page, request)
        return self.get_paginated_response(PersonCompositeSerializer(rows, many=True).data)


class MyCompositesApi(ListAPIView):
    """The plans in use with the requester's parts, composite and what is still to do."""

    serializer_class = MyCompositeSerializer
    pagination_class = SelectorPagination

    @extend_schema(parameters=[PageQuerySerializer])
    def get(self, request: Request) -> Response:
        query = PageQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        page = plans.my_composites_page(request.user, page_number=query.validated_data["page"])
        rows = self.paginator.use_page(page, request)
        return self.get_paginated_response(MyCompositeSerializer(rows, many=True).data)
