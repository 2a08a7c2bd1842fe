"""The calibration REST API: the agreement report, a second grader for one submission,
and second graders for a random share of the waiting submissions.

The same rules as the calibration pages: HR, trainers and admins only. Anyone else is
refused with 403 (the endpoint is not theirs, as with the authors' quiz endpoints); a
missing submission answers 404. A service's ``ValidationError`` becomes a 400 with its
message in ``lms.api_errors``.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from courses.permissions import can_author
from lms.models import User

from . import calibration, roleplay, roleplay_selectors
from .models import Grade, Submission
from .roleplay_api import RoleplayPersonSerializer


def _calibrator_or_403(user: User) -> None:
    if not can_author(user):
        raise PermissionDenied(_("Only HR and trainers calibrate graders."))


class AgreementRowSerializer(serializers.Serializer):
    label = serializers.CharField(help_text="The rubric, or the primary grader.")
    submissions = serializers.IntegerField(help_text="Submissions with two final grades.")
    criteria = serializers.IntegerField(help_text="Criteria graded by both graders.")
    exact = serializers.IntegerField(help_text="Of which both chose the same level.")
    exact_share = serializers.FloatField(
        allow_null=True, help_text="exact / criteria, 0–1; null without criteria."
    )
    exact_percent = serializers.IntegerField(allow_null=True)
    kappa = serializers.FloatField(
        allow_null=True,
        help_text="Cohen's weighted kappa, quadratic weights; null without variation.",
    )
    mean_score_difference = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        allow_null=True,
        help_text="Primary minus second grade, in score points: above zero the second "
        "grader is harsher.",
    )


class AgreementReportSerializer(serializers.Serializer):
    by_rubric = AgreementRowSerializer(many=True)
    by_grader = AgreementRowSerializer(many=True, help_text="Per primary grader.")


class SecondGradeSerializer(serializers.ModelSerializer):
    submission = serializers.IntegerField(source="submission_id")
    grader = RoleplayPersonSerializer()
    role = serializers.CharField(help_text="second.")
    status = serializers.CharField(help_text="draft or final.")

    class Meta:
        model = Grade
        fields = ["id", "submission", "grader", "role", "status"]


def _active_people():
    return User.objects.filter(is_active=True)


class SecondGraderInputSerializer(serializers.Serializer):
    grader = serializers.PrimaryKeyRelatedField(
        queryset=_active_people(), help_text="The second grader's user id."
    )


class SampleInputSerializer(serializers.Serializer):
    share = serializers.IntegerField(
        min_value=1, max_value=100, help_text="Per cent of the waiting submissions, rounded up."
    )
    graders = serializers.PrimaryKeyRelatedField(
        queryset=_active_people(),
        many=True,
        allow_empty=False,
        help_text="User ids; each drawn submission goes to one who may grade it.",
    )


class AgreementReportApi(APIView):
    """Agreement between the two graders of double-graded submissions."""

    @extend_schema(responses=AgreementReportSerializer)
    def get(self, request: Request) -> Response:
        _calibrator_or_403(request.user)
        report = calibration.agreement_report()
        return Response(AgreementReportSerializer(report).data)


class SubmissionSecondGraderApi(APIView):
    """Ask ``grader`` for an independent second grade of a waiting submission."""

    @extend_schema(
        request=SecondGraderInputSerializer,
        responses={200: SecondGradeSerializer, 201: SecondGradeSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        _calibrator_or_403(request.user)
        try:
            submission = roleplay_selectors.submission_get_for(request.user, pk)
        except Submission.DoesNotExist:
            raise NotFound(_("No such submission.")) from None
        data = SecondGraderInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        grader = data.validated_data["grader"]
        existed = Grade.objects.filter(
            submission=submission, role=Grade.Role.SECOND, grader=grader
        ).exists()
        grade = roleplay.second_grader_request(
            submission=submission, grader=grader, requested_by=request.user
        )
        return Response(
            SecondGradeSerializer(grade).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )


class SecondGradersSampleApi(APIView):
    """Second grades for ``share`` % of the waiting submissions without one, drawn at
    random; answers the grades opened (none when nothing could be drawn)."""

    @extend_schema(request=SampleInputSerializer, responses={201: SecondGradeSerializer(many=True)})
    def post(self, request: Request) -> Response:
        _calibrator_or_403(request.user)
        data = SampleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        created = roleplay.second_graders_sample(
            share=data.validated_data["share"],
            requested_by=request.user,
            graders=list(data.validated_data["graders"]),
        )
        return Response(
            SecondGradeSerializer(created, many=True).data, status=status.HTTP_201_CREATED
        )
