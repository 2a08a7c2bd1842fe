"""The points REST API: statements (and HR's corrections on them), single ledger entries,
leaderboards, the point rules, honours and their types.

The same rules as the points pages (``views_points``): a statement is seen by whoever may
see the person (self, team lead, mentor, HR); anyone else gets the same 404 as for a
missing person. Corrections, rules and honours are HR's to write (403 for others).

The ledger is append-only here too: a statement answers GET and POST (a correction is a
new entry), an entry answers GET only; PUT, PATCH and DELETE answer 405.
"""

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from lms.models import Team, User
from lms.permissions import people_visible_to

from . import points
from .api import (
    CertPersonRefSerializer,
    CertPersonSerializer,
    CertTeamSerializer,
    SelectorPagination,
    hr_or_403,
)
from .models import Honour, HonourType, PointRule, PointsEntry

# --- Statement ---------------------------------------------------------------------------


def _people_for(viewer: User) -> QuerySet[User]:
    """HR also sees people who have left; everyone else whom the people policy allows."""
    return User.objects.all() if viewer.is_hr else people_visible_to(viewer)


def _person_or_404(viewer: User, person_id: int) -> User:
    try:
        return _people_for(viewer).select_related("team").get(pk=person_id)
    except User.DoesNotExist:
        raise NotFound(_("No such person.")) from None


class PointsEntrySerializer(serializers.ModelSerializer):
    reason = serializers.CharField(
        help_text="course, quiz, roleplay, case_review, certificate, honour or correction."
    )
    reason_label = serializers.CharField(source="get_reason_display")
    source_label = serializers.SerializerMethodField(help_text="What kind of source, in words.")
    created_by = CertPersonRefSerializer(allow_null=True, help_text="null: by the system.")

    class Meta:
        model = PointsEntry
        fields = [
            "id",
            "person",
            "amount",
            "reason",
            "reason_label",
            "source_type",
            "source_label",
            "source_id",
            "note",
            "created_by",
            "created_at",
        ]

    def get_source_label(self, entry: PointsEntry) -> str:
        return points.source_label(entry.source_type) if entry.source_type else ""


class StatementEntrySerializer(PointsEntrySerializer):
    running = serializers.IntegerField(help_text="The balance just after this entry.")

    class Meta(PointsEntrySerializer.Meta):
        fields = [*PointsEntrySerializer.Meta.fields, "running"]


class StatementPagination(SelectorPagination):
    """A page of entries with the person and their balance beside it."""

    def get_paginated_response_schema(self, schema: dict) -> dict:
        paginated = super().get_paginated_response_schema(schema)
        paginated["required"] = [*paginated.get("required", []), "person", "balance"]
        paginated["properties"]["person"] = {"$ref": "#/components/schemas/CertPerson"}
        paginated["properties"]["balance"] = {
            "type": "integer",
            "description": "The sum of every entry.",
        }
        return paginated


class CorrectionInputSerializer(serializers.Serializer):
    amount = serializers.IntegerField(
        help_text="Points to add (positive) or remove (negative).",
        error_messages={
            "required": gettext_lazy("Enter the points to add or remove."),
            "invalid": gettext_lazy("Enter the points to add or remove."),
        },
    )
    # Blank passes through so that the service gives its own message.
    note = serializers.CharField(allow_blank=True, trim_whitespace=False, help_text="Why.")


class StatementApi(ListAPIView):
    """GET: the person's balance and entries, newest first, each with the balance after
    it. POST (HR): a correction, as a new entry with its reason. Entries are never
    changed or removed: PUT, PATCH and DELETE answer 405."""

    serializer_class = StatementEntrySerializer
    pagination_class = StatementPagination

    def get(self, request: Request, person_id: int) -> Response:
        person = _person_or_404(request.user, person_id)
        page = points.statement_page(
            person, request.query_params.get("page"), per_page=api_settings.PAGE_SIZE
        )
        entries = self.paginator.use_page(page, request)
        response = self.get_paginated_response(StatementEntrySerializer(entries, many=True).data)
        response.data["person"] = CertPersonSerializer(person).data
        response.data["balance"] = points.balance(person)
        return response

    @extend_schema(request=CorrectionInputSerializer, responses={201: PointsEntrySerializer})
    def post(self, request: Request, person_id: int) -> Response:
        hr_or_403(request.user, _("Only HR can correct points."))
        person = _person_or_404(request.user, person_id)
        data = CorrectionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = points.points_correct(person=person, created_by=request.user, **data.validated_data)
        return Response(PointsEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class PointsEntryApi(APIView):
    """One ledger entry, to whoever may see its person; read-only (405 for writes)."""

    @extend_schema(responses=PointsEntrySerializer)
    def get(self, request: Request, pk: int) -> Response:
        entry = (
            PointsEntry.objects.filter(pk=pk, person__in=_people_for(request.user))
            .select_related("created_by")
            .first()
        )
        if entry is None:
            raise NotFound(_("No such points entry."))
        return Response(PointsEntrySerializer(entry).data)


# --- Leaderboards ------------------------------------------------------------------------


class LeaderboardQuerySerializer(serializers.Serializer):
    period = serializers.ChoiceField(
        choices=[(period, period) for period in points.PERIODS],
        default="week",
        help_text="This week (from Monday) or this month.",
    )
    team = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Team id; empty: everyone; left out: a team lead's own team, else everyone.",
    )


class StandingSerializer(serializers.Serializer):
    rank = serializers.IntegerField(help_text="Equal points share a rank.")
    person = CertPersonSerializer()
    points = serializers.IntegerField()


class LeaderboardSerializer(serializers.Serializer):
    period = serializers.CharField(help_text="week or month.")
    start = serializers.DateTimeField(help_text="Points earned from this moment count.")
    team = CertTeamSerializer(allow_null=True, help_text="null: everyone.")
    top = StandingSerializer(many=True, help_text="The top 10.")
    mine = StandingSerializer(
        allow_null=True, help_text="The requester's own place, also outside the top."
    )


def _leaderboard_team(request: Request, raw: str | None) -> Team | None:
    if raw is None:
        return Team.objects.filter(lead=request.user).order_by("code").first()
    if raw == "":
        return None
    team = Team.objects.filter(pk=raw).first() if raw.isdigit() else None
    if team is None:
        raise serializers.ValidationError({"team": [_("No such team.")]})
    return team


class LeaderboardApi(APIView):
    """Points earned this week or month, top 10 with the requester's own rank; overall or
    for one team."""

    @extend_schema(parameters=[LeaderboardQuerySerializer], responses=LeaderboardSerializer)
    def get(self, request: Request) -> Response:
        query = LeaderboardQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        period = query.validated_data["period"]
        team = _leaderboard_team(request, query.validated_data.get("team"))
        board = points.leaderboard(
            period=period, viewer=request.user, team_id=team.pk if team else None
        )
        data = {
            "period": period,
            "start": board.start,
            "team": team,
            "top": board.top,
            "mine": board.mine,
        }
        return Response(LeaderboardSerializer(data).data)


# --- Point rules -------------------------------------------------------------------------


class PointRuleSerializer(serializers.ModelSerializer):
    event = serializers.CharField(help_text="course, quiz, roleplay or case_review.")
    event_label = serializers.CharField(source="get_event_display")

    class Meta:
        model = PointRule
        fields = ["event", "event_label", "points", "is_active"]


class PointRuleInputSerializer(serializers.Serializer):
    event = serializers.ChoiceField(
        choices=PointRule.Event.choices,
        error_messages={"invalid_choice": gettext_lazy("Unknown achievement.")},
    )
    # The range is the service's to check, with its own message.
    points = serializers.IntegerField(
        error_messages={
            "required": gettext_lazy("Enter the points (0 for none)."),
            "invalid": gettext_lazy("Enter the points (0 for none)."),
        },
    )
    is_active = serializers.BooleanField(help_text="In force.")


class PointRulesInputSerializer(serializers.Serializer):
    rules = PointRuleInputSerializer(many=True)

    def validate_rules(self, rules: list[dict]) -> list[dict]:
        if any("event" not in rule for rule in rules):  # a PATCH skips missing fields
            raise serializers.ValidationError(_("Unknown achievement."))
        events = [rule["event"] for rule in rules]
        if len(events) != len(set(events)):
            raise serializers.ValidationError(_("Give each achievement once."))
        if not self.partial and set(events) != set(PointRule.Event.values):
            raise serializers.ValidationError(_("Give every achievement its points."))
        return rules


class PointRulesApi(APIView):
    """GET: the rules (HR every achievement, in force or not; everyone else the rules in
    force, as "how points work" lists them). PUT (HR): every achievement's points; PATCH
    (HR): some of them. Points already earned keep what they earned."""

    @extend_schema(responses=PointRuleSerializer(many=True))
    def get(self, request: Request) -> Response:
        rules = points.point_rules() if request.user.is_hr else points.rules_in_force()
        return Response(PointRuleSerializer(rules, many=True).data)

    @extend_schema(request=PointRulesInputSerializer, responses=PointRuleSerializer(many=True))
    def put(self, request: Request) -> Response:
        return self._save(request, partial=False)

    @extend_schema(request=PointRulesInputSerializer, responses=PointRuleSerializer(many=True))
    def patch(self, request: Request) -> Response:
        return self._save(request, partial=True)

    def _save(self, request: Request, *, partial: bool) -> Response:
        hr_or_403(request.user, _("Only HR can change the point rules."))
        data = PointRulesInputSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        current = {rule.event: rule for rule in points.point_rules()}
        # All or nothing: a refused rule leaves the others as they were.
        with transaction.atomic():
            for rule in data.validated_data.get("rules", []):
                before = current[rule["event"]]
                points.point_rule_set(
                    event=rule["event"],
                    points=rule.get("points", before.points),
                    is_active=rule.get("is_active", before.is_active),
                )
        return Response(PointRuleSerializer(points.point_rules(), many=True).data)


# --- Honours -----------------------------------------------------------------------------


class HonourTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = HonourType
        fields = ["id", "code", "name", "name_zh", "name_en", "points", "is_active"]


class HonourTypeRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = HonourType
        fields = ["id", "code", "name", "points"]


class HonourSerializer(serializers.ModelSerializer):
    honour_type = HonourTypeRefSerializer()
    person = CertPersonRefSerializer()
    awarded_by = CertPersonRefSerializer()

    class Meta:
        model = Honour
        fields = ["id", "honour_type", "person", "month", "note", "awarded_by", "awarded_at"]


@extend_schema_field(OpenApiTypes.STR)
class MonthField(serializers.DateField):
    """A month as YYYY-MM (a full date is accepted too), read as its first day."""

    default_error_messages = {"invalid": gettext_lazy("Enter a month as YYYY-MM, e.g. 2026-03.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m", "%Y-%m-%d"])
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        return super().to_internal_value(value).replace(day=1)


class HonourQuerySerializer(serializers.Serializer):
    month = MonthField(required=False, help_text="YYYY-MM: that month only.")


class HonourAwardInputSerializer(serializers.Serializer):
    honour_type = serializers.PrimaryKeyRelatedField(
        queryset=HonourType.objects.filter(is_active=True),
        help_text="An honour in use.",
        error_messages={
            "required": gettext_lazy("Choose an honour in use."),
            "does_not_exist": gettext_lazy("Choose an honour in use."),
            "incorrect_type": gettext_lazy("Choose an honour in use."),
        },
    )
    person = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        error_messages={
            "required": gettext_lazy("Choose the person honoured."),
            "does_not_exist": gettext_lazy("Choose the person honoured."),
            "incorrect_type": gettext_lazy("Choose the person honoured."),
        },
    )
    month = MonthField(help_text="YYYY-MM.")
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=300, help_text="Citation."
    )


class HonourListApi(ListAPIView):
    """GET: honours awarded, newest month first (everyone: they are public recognition).
    POST (HR): honour a person for a month; the honour's points follow, once."""

    serializer_class = HonourSerializer
    pagination_class = SelectorPagination

    @extend_schema(parameters=[HonourQuerySerializer])
    def get(self, request: Request) -> Response:
        query = HonourQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        page = points.honours_page(
            request.query_params.get("page"), month=query.validated_data.get("month")
        )
        honours = self.paginator.use_page(page, request)
        return self.get_paginated_response(HonourSerializer(honours, many=True).data)

    @extend_schema(request=HonourAwardInputSerializer, responses={201: HonourSerializer})
    def post(self, request: Request) -> Response:
        hr_or_403(request.user, _("Only HR can award honours."))
        data = HonourAwardInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        honour = points.honour_award(awarded_by=request.user, **data.validated_data)
        return Response(HonourSerializer(honour).data, status=status.HTTP_201_CREATED)


class HonourTypeListApi(ListAPIView):
    """The honours HR awards: all of them for HR, those in use for everyone else."""

    serializer_class = HonourTypeSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False) or self.request.user.is_hr:
            return HonourType.objects.order_by("-is_active", "code")
        return HonourType.objects.filter(is_active=True).order_by("code")
