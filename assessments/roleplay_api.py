"""The role-play REST API: the same rules as the role-play pages, as thin views.

Find the object through the permission policy (a forbidden object answers 404 like a
missing one), validate an input serializer, call a service in ``roleplay`` or a selector
in ``roleplay_selectors``, answer with an output serializer. A service's
``ValidationError`` becomes a 400 in ``lms.api_errors``.

Script secrecy: a scenario answers with its brief, persona, channel and number of turns,
never the script; a submission shows only the customer messages already shown.
"""

from django.db.models import Count
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lms.models import User

from . import roleplay, roleplay_selectors
from .models import (
    Criterion,
    CriterionLevel,
    CriterionScore,
    Grade,
    Scenario,
    Submission,
    SubmissionTurn,
)
from .roleplay_permissions import can_run, submissions_visible_to

# --- Shared pieces ---------------------------------------------------------------------


class RoleplayPersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "display_name"]


class ScenarioRefSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(help_text="roleplay or case_review.")

    class Meta:
        model = Scenario
        fields = ["id", "code", "title", "kind"]


class LatestSubmissionSerializer(serializers.ModelSerializer):
    status = serializers.CharField(help_text="in_progress, submitted, in_review, graded, returned.")
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = Submission
        fields = ["id", "status", "status_label", "score", "passed"]


def _scenario_or_404(pk: int) -> Scenario:
    try:
        return Scenario.objects.filter(status=Scenario.Status.PUBLISHED).get(pk=pk)
    except Scenario.DoesNotExist:
        raise NotFound(_("No such scenario.")) from None


def _submission_or_404(user: User, pk: int) -> Submission:
    try:
        return roleplay_selectors.submission_get_for(user, pk)
    except Submission.DoesNotExist:
        raise NotFound(_("No such submission.")) from None


def _own_submission_or_404(user: User, pk: int) -> Submission:
    """Replying and submitting are the agent's own: a mentor who may see it gets a 404."""
    submission = _submission_or_404(user, pk)
    if not can_run(user, submission):
        raise NotFound(_("No such submission."))
    return submission


def _own_grade_or_404(user: User, pk: int) -> Grade:
    try:
        return Grade.objects.select_related("submission").get(pk=pk, grader=user)
    except Grade.DoesNotExist:
        raise NotFound(_("No such grade.")) from None


# --- Scenarios -------------------------------------------------------------------------


class ScenarioSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(help_text="roleplay or case_review.")
    channel = serializers.CharField(help_text="im, phone, email or video.")
    channel_label = serializers.CharField(source="get_channel_display")
    latest = LatestSubmissionSerializer(
        allow_null=True, help_text="The requester's latest submission."
    )

    class Meta:
        model = Scenario
        fields = ["id", "code", "title", "kind", "channel", "channel_label", "level", "latest"]


class ScenarioDetailSerializer(ScenarioSerializer):
    brief = serializers.CharField()
    persona = serializers.CharField()
    turns_count = serializers.IntegerField(help_text="Customer turns in the script.")

    class Meta(ScenarioSerializer.Meta):
        fields = [
            *ScenarioSerializer.Meta.fields,
            "brief",
            "persona",
            "emotion",
            "grading_hours",
            "turns_count",
        ]


class ScenarioListApi(ListAPIView):
    """Published scenarios, each with the requester's latest submission."""

    serializer_class = ScenarioSerializer

    def get(self, request: Request) -> Response:
        scenarios = []
        for summary in roleplay_selectors.scenarios_for_agent(request.user):
            summary.scenario.latest = summary.latest
            scenarios.append(summary.scenario)
        page = self.paginate_queryset(scenarios)
        return self.get_paginated_response(ScenarioSerializer(page, many=True).data)


class ScenarioDetailApi(APIView):
    """The brief, the persona, the channel and how many turns: not the script itself."""

    @extend_schema(responses=ScenarioDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        try:
            scenario = (
                Scenario.objects.filter(status=Scenario.Status.PUBLISHED)
                .annotate(turns_count=Count("turns"))
                .get(pk=pk)
            )
        except Scenario.DoesNotExist:
            raise NotFound(_("No such scenario.")) from None
        scenario.latest = (
            Submission.objects.filter(scenario=scenario, agent=request.user)
            .order_by("-started_at", "-pk")
            .first()
        )
        return Response(ScenarioDetailSerializer(scenario).data)


# --- Submissions -----------------------------------------------------------------------


class ExchangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = SubmissionTurn
        fields = [
            "order",
            "customer_text",
            "reply_target_seconds",
            "shown_at",
            "reply",
            "replied_at",
            "latency_seconds",
        ]


class SubmissionSerializer(serializers.ModelSerializer):
    scenario = ScenarioRefSerializer()
    agent = RoleplayPersonSerializer()
    status = serializers.CharField(help_text="in_progress, submitted, in_review, graded, returned.")
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = Submission
        fields = [
            "id",
            "scenario",
            "agent",
            "status",
            "status_label",
            "started_at",
            "submitted_at",
            "grading_due_at",
            "score",
            "passed",
            "graded_at",
        ]


class RoleplayLevelSerializer(serializers.ModelSerializer):
    demonstrates = serializers.IntegerField(
        allow_null=True, help_text="Competency level shown: 1 basic, 2 advanced, 3 expert."
    )

    class Meta:
        model = CriterionLevel
        fields = ["id", "points", "descriptor", "demonstrates", "fails"]


class RoleplayCriterionSerializer(serializers.ModelSerializer):
    levels = RoleplayLevelSerializer(many=True, source="rubric_levels")

    class Meta:
        model = Criterion
        fields = ["id", "order", "title", "weight", "critical", "allow_not_applicable", "levels"]


class CriterionScoreSerializer(serializers.ModelSerializer):
    criterion = serializers.IntegerField(source="criterion_id")
    level = serializers.IntegerField(source="level_id", allow_null=True, help_text="null: n/a.")
    points = serializers.IntegerField(source="level.points", allow_null=True, default=None)

    class Meta:
        model = CriterionScore
        fields = ["criterion", "level", "points", "comment"]


class GradeSerializer(serializers.ModelSerializer):
    submission = serializers.IntegerField(source="submission_id")
    grader = RoleplayPersonSerializer()
    role = serializers.CharField(help_text="primary or second.")
    status = serializers.CharField(help_text="draft or final.")
    scores = CriterionScoreSerializer(many=True, source="score_rows")

    class Meta:
        model = Grade
        fields = [
            "id",
            "submission",
            "grader",
            "role",
            "status",
            "feedback",
            "score",
            "critical_failed",
            "finalised_at",
            "scores",
        ]


class SubmissionDetailSerializer(SubmissionSerializer):
    exchanges = ExchangeSerializer(many=True)
    quality = serializers.JSONField(allow_null=True, help_text="Quality-check findings.")
    criteria = RoleplayCriterionSerializer(many=True, help_text="The rubric it is graded with.")
    grades = GradeSerializer(
        many=True,
        source="grades_shown",
        help_text="Final grades once graded, and the requester's own draft.",
    )

    class Meta(SubmissionSerializer.Meta):
        fields = [
            *SubmissionSerializer.Meta.fields,
            "case_text",
            "return_comment",
            "exchanges",
            "quality",
            "criteria",
            "grades",
        ]


def _grade_data(grade: Grade) -> dict:
    grade = Grade.objects.select_related("grader").get(pk=grade.pk)
    grade.score_rows = list(grade.scores.select_related("level").order_by("criterion_id"))
    return GradeSerializer(grade).data


def _submission_detail(user: User, submission: Submission) -> dict:
    detail = roleplay_selectors.submission_detail(submission, viewer=user)
    submission.exchanges = [t.turn for t in detail.transcript]
    criteria = []
    for item in detail.criteria:
        item.criterion.rubric_levels = item.levels
        criteria.append(item.criterion)
    submission.criteria = criteria
    graded = submission.status == Submission.Status.GRADED
    grades = []
    for view in detail.grades:
        # Never another grader's draft; final grades only once the submission is graded.
        if view.grade.grader_id == user.pk or (graded and view.grade.status == Grade.Status.FINAL):
            view.grade.score_rows = list(view.scores.values())
            grades.append(view.grade)
    submission.grades_shown = grades
    return SubmissionDetailSerializer(submission).data


class ScenarioSubmissionsApi(APIView):
    """Start the scenario (or resume the open submission) with its exchanges so far."""

    @extend_schema(
        request=None,
        responses={200: SubmissionDetailSerializer, 201: SubmissionDetailSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        scenario = _scenario_or_404(pk)
        existing = Submission.objects.filter(
            scenario=scenario, agent=request.user, status=Submission.Status.IN_PROGRESS
        ).exists()
        submission = roleplay.submission_start(scenario=scenario, agent=request.user)
        submission = _submission_or_404(request.user, submission.pk)
        return Response(
            _submission_detail(request.user, submission),
            status=status.HTTP_200_OK if existing else status.HTTP_201_CREATED,
        )


class SubmissionFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Submission.Status.choices, required=False)
    scenario = serializers.IntegerField(required=False, help_text="Scenario id.")


class SubmissionListApi(ListAPIView):
    """Submissions the requester may see: own, mentees', the team's, all for HR/trainers."""

    serializer_class = SubmissionSerializer

    @extend_schema(parameters=[SubmissionFilterSerializer])
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Submission.objects.none()
        query = SubmissionFilterSerializer(data=self.request.query_params.dict())
        query.is_valid(raise_exception=True)
        submissions = submissions_visible_to(self.request.user).select_related("scenario", "agent")
        if "status" in query.validated_data:
            submissions = submissions.filter(status=query.validated_data["status"])
        if "scenario" in query.validated_data:
            submissions = submissions.filter(scenario_id=query.validated_data["scenario"])
        return submissions.order_by("-started_at", "-pk")


class SubmissionDetailApi(APIView):
    @extend_schema(responses=SubmissionDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        submission = _submission_or_404(request.user, pk)
        return Response(_submission_detail(request.user, submission))


class ReplyInputSerializer(serializers.Serializer):
    # Blank passes through so that the service gives its own message.
    reply = serializers.CharField(allow_blank=True, trim_whitespace=False)


class ReplyResultSerializer(serializers.Serializer):
    ended = serializers.BooleanField(help_text="The script has ended: submit the submission.")
    next = ExchangeSerializer(allow_null=True, help_text="The customer's next message.")


class SubmissionReplyApi(APIView):
    """Reply to the waiting customer message, timed on the server."""

    @extend_schema(request=ReplyInputSerializer, responses={201: ReplyResultSerializer})
    def post(self, request: Request, pk: int) -> Response:
        submission = _own_submission_or_404(request.user, pk)
        data = ReplyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        following = roleplay.turn_reply(submission=submission, reply=data.validated_data["reply"])
        result = {"ended": following is None, "next": following}
        return Response(ReplyResultSerializer(result).data, status=status.HTTP_201_CREATED)


class SubmitInputSerializer(serializers.Serializer):
    case_text = serializers.CharField(
        required=False, allow_blank=True, help_text="A real-case review's analysis."
    )


class SubmissionSubmitApi(APIView):
    """Hand in for grading; the quality check runs in the background."""

    @extend_schema(request=SubmitInputSerializer, responses=SubmissionDetailSerializer)
    def post(self, request: Request, pk: int) -> Response:
        submission = _own_submission_or_404(request.user, pk)
        data = SubmitInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        roleplay.submission_submit(
            submission=submission, case_text=data.validated_data.get("case_text")
        )
        submission = _submission_or_404(request.user, pk)
        return Response(_submission_detail(request.user, submission))


# --- Grading ---------------------------------------------------------------------------


class QueueItemSerializer(serializers.Serializer):
    submission = SubmissionSerializer()
    waiting_minutes = serializers.IntegerField(help_text="Since it was handed in.")
    overdue = serializers.BooleanField(help_text="Past the time it should be graded by.")
    grader = RoleplayPersonSerializer(allow_null=True, help_text="Who is grading it, if anyone.")


class GradingQueueApi(ListAPIView):
    """Submissions waiting for a grade that the requester may grade, oldest first."""

    serializer_class = QueueItemSerializer

    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(roleplay_selectors.grading_queue(request.user))
        return self.get_paginated_response(QueueItemSerializer(page, many=True).data)


class SubmissionGradeApi(APIView):
    """Open the requester's draft grade (or return it); the submission goes in review."""

    @extend_schema(request=None, responses={200: GradeSerializer})
    def post(self, request: Request, pk: int) -> Response:
        try:
            submission = roleplay_selectors.submission_get_gradeable(request.user, pk)
        except Submission.DoesNotExist:
            raise NotFound(_("No such submission.")) from None
        grade = roleplay.grade_start(submission=submission, grader=request.user)
        return Response(_grade_data(grade))


class ScoreInputSerializer(serializers.Serializer):
    level = serializers.PrimaryKeyRelatedField(
        queryset=CriterionLevel.objects.all(),
        allow_null=True,
        help_text="Level id; null: not applicable.",
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class GradeScoreApi(GenericAPIView):
    """Score one criterion of the requester's draft grade; answers the live total."""

    serializer_class = GradeSerializer

    @extend_schema(request=ScoreInputSerializer, responses=GradeSerializer)
    def put(self, request: Request, pk: int, criterion_id: int) -> Response:
        grade = _own_grade_or_404(request.user, pk)
        try:
            criterion = Criterion.objects.get(pk=criterion_id)
        except Criterion.DoesNotExist:
            raise NotFound(_("No such criterion.")) from None
        data = ScoreInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        roleplay.grade_score_set(grade=grade, criterion=criterion, **data.validated_data)
        return Response(_grade_data(grade))


class FinaliseInputSerializer(serializers.Serializer):
    feedback = serializers.CharField(required=False, allow_blank=True, default="")


class GradeFinaliseApi(APIView):
    """Finalise the draft: the submission is graded and its evidence recorded."""

    @extend_schema(request=FinaliseInputSerializer, responses=GradeSerializer)
    def post(self, request: Request, pk: int) -> Response:
        grade = _own_grade_or_404(request.user, pk)
        data = FinaliseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        grade = roleplay.grade_finalise(grade=grade, feedback=data.validated_data["feedback"])
        return Response(_grade_data(grade))


class ReturnInputSerializer(serializers.Serializer):
    # Blank passes through so that the service gives its own message.
    comment = serializers.CharField(allow_blank=True)


class GradeReturnApi(APIView):
    """Send the work back for a redo with a comment; the draft grade goes."""

    @extend_schema(request=ReturnInputSerializer, responses=SubmissionSerializer)
    def post(self, request: Request, pk: int) -> Response:
        grade = _own_grade_or_404(request.user, pk)
        data = ReturnInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        submission = roleplay.submission_return(grade=grade, comment=data.validated_data["comment"])
        submission = _submission_or_404(request.user, submission.pk)
        return Response(SubmissionSerializer(submission).data)
