"""The career-ladder REST API: the requester's "next level: what is left", HR's promotion
board, and promotion decisions with their history.

The same rules as the ladder pages (``views_ladder``): everyone reads their own standing;
the board, the decisions and their history are HR's (403 for everyone else).
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lms.models import User

from . import ladder
from .api import (
    CertCheckSerializer,
    CertPersonRefSerializer,
    CertPersonSerializer,
    SelectorPagination,
    hr_or_403,
)
from .models import CareerLevel, Promotion


class CareerLevelRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = CareerLevel
        fields = ["id", "code", "name", "rank"]


class LadderCheckSerializer(CertCheckSerializer):
    kind = serializers.CharField(help_text="certificate, competency, points or tenure.")


class LadderStatusSerializer(serializers.Serializer):
    level = CareerLevelRefSerializer(allow_null=True, help_text="null: not on the ladder yet.")
    since = serializers.DateField(allow_null=True)
    next_level = CareerLevelRefSerializer(
        allow_null=True, help_text="null: the top is reached, or no level is defined."
    )
    points = serializers.IntegerField(help_text="The points balance.")
    tenure_months = serializers.IntegerField(allow_null=True, help_text="null: no hire date.")
    eligible = serializers.BooleanField(help_text="Every requirement of the next level met.")
    checks = LadderCheckSerializer(many=True, help_text="The next level's requirements.")


class LadderMeApi(APIView):
    """The requester's level, their next level and each of its requirements."""

    @extend_schema(responses=LadderStatusSerializer)
    def get(self, request: Request) -> Response:
        return Response(LadderStatusSerializer(ladder.ladder_status(request.user)).data)


# --- The promotion board (HR) -------------------------------------------------------------


class RejectionSerializer(serializers.ModelSerializer):
    decided_by = CertPersonRefSerializer()

    class Meta:
        model = Promotion
        fields = ["id", "note", "decided_by", "decided_at"]


class CandidateSerializer(LadderStatusSerializer):
    person = CertPersonSerializer()
    last_rejection = RejectionSerializer(
        allow_null=True, help_text="HR's latest rejection of this same step, if any."
    )


class PromotionBoardApi(ListAPIView):
    """The people eligible for their next level, with the evidence (HR)."""

    serializer_class = CandidateSerializer

    def get(self, request: Request) -> Response:
        hr_or_403(request.user, _("Only HR sees the promotion board."))
        candidates = ladder.promotion_candidates(ladder.ladder_people())
        page = self.paginate_queryset(candidates)
        return self.get_paginated_response(CandidateSerializer(page, many=True).data)


class PromotionSerializer(serializers.ModelSerializer):
    person = CertPersonRefSerializer()
    from_level = CareerLevelRefSerializer(allow_null=True)
    to_level = CareerLevelRefSerializer()
    status = serializers.CharField(help_text="approved or rejected.")
    status_label = serializers.CharField(source="get_status_display")
    evidence = serializers.JSONField(help_text="What the person had when HR decided.")
    decided_by = CertPersonRefSerializer()

    class Meta:
        model = Promotion
        fields = [
            "id",
            "person",
            "from_level",
            "to_level",
            "status",
            "status_label",
            "note",
            "evidence",
            "decided_by",
            "decided_at",
        ]


class DecisionInputSerializer(serializers.Serializer):
    person = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        error_messages={
            "required": gettext_lazy("No such person."),
            "does_not_exist": gettext_lazy("No such person."),
            "incorrect_type": gettext_lazy("No such person."),
        },
    )
    to_level = serializers.PrimaryKeyRelatedField(
        queryset=CareerLevel.objects.all(),
        help_text="The level one above the person's.",
        error_messages={
            "required": gettext_lazy("No such career level."),
            "does_not_exist": gettext_lazy("No such career level."),
            "incorrect_type": gettext_lazy("No such career level."),
        },
    )
    approve = serializers.BooleanField(
        help_text="true: approve; false: reject (a note is then required).",
        error_messages={"required": gettext_lazy("Approve or reject.")},
    )
    # Blank passes through so that the service gives its own message.
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class HistoryQuerySerializer(serializers.Serializer):
    person = serializers.IntegerField(required=False, help_text="One person's decisions only.")


class PromotionDecisionsApi(ListAPIView):
    """GET (HR): decisions, newest first. POST (HR): approve or reject a person's step to
    the next level; an approval moves their level in the same transaction."""

    serializer_class = PromotionSerializer
    pagination_class = SelectorPagination

    @extend_schema(parameters=[HistoryQuerySerializer])
    def get(self, request: Request) -> Response:
        hr_or_403(request.user, _("Only HR decides promotions."))
        query = HistoryQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        person = None
        if "person" in query.validated_data:
            person = User.objects.filter(pk=query.validated_data["person"]).first()
            if person is None:
                raise NotFound(_("No such person."))
        page = ladder.promotion_history(request.query_params.get("page"), person=person)
        decisions = self.paginator.use_page(page, request)
        return self.get_paginated_response(PromotionSerializer(decisions, many=True).data)

    @extend_schema(request=DecisionInputSerializer, responses={201: PromotionSerializer})
    def post(self, request: Request) -> Response:
        hr_or_403(request.user, _("Only HR decides promotions."))
        data = DecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        promotion = ladder.promotion_decide(decided_by=request.user, **data.validated_data)
        promotion = Promotion.objects.select_related(
            "person", "from_level", "to_level", "decided_by"
        ).get(pk=promotion.pk)
        return Response(PromotionSerializer(promotion).data, status=status.HTTP_201_CREATED)
