"""The REST API: thin views over ``permissions``, ``selectors`` and ``services``.

Every endpoint does the same few steps: find the object through the permission policy
(a forbidden object answers 404 like a missing one), check the action's permission (403),
validate an input serializer, call a service or a selector, answer with an output
serializer. A service's ``ValidationError`` becomes a 400 in ``lms.api_errors``.

Lists answer in a fixed number of queries whatever their size: each queryset below
selects, prefetches or annotates what its serializer reads.
"""

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from . import permissions, selectors, services
from .api_auth import PreferencesTokenAuthentication, token_expires_at, token_issue, token_revoke
from .models import (
    Area,
    BehaviouralIndicator,
    Competency,
    Dimension,
    Evidence,
    Level,
    Mentorship,
    PositionProfile,
    Team,
    User,
)
from .serializer_fields import CompetencyField

# --- Shared output pieces --------------------------------------------------------------


class TeamRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "code", "name"]


class PositionRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = PositionProfile
        fields = ["id", "code", "name"]


class AreaRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Area
        fields = ["id", "code", "name"]


class DimensionRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Dimension
        fields = ["id", "code", "name"]


class CompetencyRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Competency
        fields = ["id", "code", "name"]


class PersonRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "display_name"]


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = BehaviouralIndicator
        fields = ["id", "level", "text", "text_zh", "text_en"]


# --- People ----------------------------------------------------------------------------


class PersonSerializer(serializers.ModelSerializer):
    team = TeamRefSerializer(allow_null=True)
    position = PositionRefSerializer(allow_null=True)
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "display_name",
            "english_name",
            "employee_no",
            "hire_date",
            "team",
            "position",
            "roles",
        ]

    def get_roles(self, person: User) -> list[str]:
        return sorted(person.role_names)


class MeSerializer(PersonSerializer):
    class Meta(PersonSerializer.Meta):
        fields = [*PersonSerializer.Meta.fields, "preferred_language", "time_zone"]


class PeopleFilterSerializer(serializers.Serializer):
    team = serializers.CharField(required=False, help_text="Team code.")


def _person_or_404(viewer: User, person_id: int) -> User:
    try:
        return selectors.person_get_for(viewer, person_id)
    except User.DoesNotExist:
        raise NotFound(_("No such person.")) from None


class MeApi(APIView):
    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)


class PersonListApi(ListAPIView):
    serializer_class = PersonSerializer

    @extend_schema(parameters=[PeopleFilterSerializer])
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[User]:
        if getattr(self, "swagger_fake_view", False):
            return User.objects.none()
        query = PeopleFilterSerializer(data=self.request.query_params.dict())
        query.is_valid(raise_exception=True)
        return selectors.person_list_for(
            self.request.user, team_code=query.validated_data.get("team")
        )


class PersonDetailApi(APIView):
    @extend_schema(responses=PersonSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(PersonSerializer(_person_or_404(request.user, pk)).data)


# --- Competency matrix -----------------------------------------------------------------


class MatrixLevelSerializer(serializers.Serializer):
    level = serializers.IntegerField()
    label = serializers.CharField()
    indicators = IndicatorSerializer(many=True)


class MatrixCompetencySerializer(serializers.ModelSerializer):
    levels = serializers.SerializerMethodField()

    class Meta:
        model = Competency
        fields = [
            "id",
            "code",
            "name",
            "name_zh",
            "name_en",
            "description",
            "description_zh",
            "description_en",
            "levels",
        ]

    @extend_schema_field(MatrixLevelSerializer(many=True))
    def get_levels(self, competency: Competency) -> list[dict]:
        indicators = list(competency.indicators.all())  # prefetched by the selector
        levels = [
            {
                "level": level.value,
                "label": level.label,
                "indicators": [i for i in indicators if i.level == level],
            }
            for level in Level
        ]
        return MatrixLevelSerializer(levels, many=True).data


class MatrixAreaSerializer(serializers.ModelSerializer):
    competencies = MatrixCompetencySerializer(many=True)

    class Meta:
        model = Area
        fields = ["id", "code", "name", "name_zh", "name_en", "competencies"]


class MatrixDimensionSerializer(serializers.ModelSerializer):
    areas = MatrixAreaSerializer(many=True)

    class Meta:
        model = Dimension
        fields = ["id", "code", "name", "name_zh", "name_en", "areas"]


class MatrixApi(APIView):
    @extend_schema(responses=MatrixDimensionSerializer(many=True))
    def get(self, request: Request) -> Response:
        dimensions = selectors.competency_matrix()
        return Response(MatrixDimensionSerializer(dimensions, many=True).data)


# --- Levels ----------------------------------------------------------------------------


class CompetencySummarySerializer(serializers.ModelSerializer):
    area = AreaRefSerializer()
    dimension = DimensionRefSerializer(source="area.dimension")

    class Meta:
        model = Competency
        fields = ["id", "code", "name", "area", "dimension"]


class ProfileRowSerializer(serializers.Serializer):
    competency = CompetencySummarySerializer()
    level = serializers.IntegerField(help_text="0 when no level has been demonstrated yet.")
    level_label = serializers.CharField()
    required = serializers.IntegerField(allow_null=True)
    gap = serializers.IntegerField()
    indicators = IndicatorSerializer(many=True)
    next_indicators = IndicatorSerializer(many=True)


class GapSerializer(serializers.Serializer):
    competency = CompetencyRefSerializer()
    required = serializers.IntegerField()
    current = serializers.IntegerField()
    shortfall = serializers.IntegerField()


class PersonLevelsSerializer(serializers.Serializer):
    person = PersonRefSerializer()
    position = PositionRefSerializer(allow_null=True)
    levels = ProfileRowSerializer(many=True)
    gaps = GapSerializer(many=True)


class PersonLevelsApi(APIView):
    @extend_schema(responses=PersonLevelsSerializer)
    def get(self, request: Request, pk: int) -> Response:
        person = _person_or_404(request.user, pk)
        levels = {
            "person": person,
            "position": person.position,
            "levels": selectors.competency_profile_for(person),
            "gaps": selectors.competency_gap(agent=person),
        }
        return Response(PersonLevelsSerializer(levels).data)


# --- Evidence --------------------------------------------------------------------------


class EvidenceSerializer(serializers.ModelSerializer):
    agent = serializers.IntegerField(source="agent_id")
    competency = CompetencyRefSerializer()
    level_label = serializers.CharField(source="get_level_display")
    source_label = serializers.CharField(source="get_source_display")
    recorded_by = PersonRefSerializer(allow_null=True)
    withdrawn_by = PersonRefSerializer(allow_null=True)

    class Meta:
        model = Evidence
        fields = [
            "id",
            "agent",
            "competency",
            "level",
            "level_label",
            "source",
            "source_label",
            "source_ref",
            "observed_on",
            "valid_until",
            "note",
            "recorded_by",
            "recorded_at",
            "withdrawn_at",
            "withdrawn_by",
            "withdrawal_reason",
        ]


class EvidenceRecordInputSerializer(serializers.Serializer):
    competency = CompetencyField(help_text="Competency code or id.")
    level = serializers.ChoiceField(choices=Level.choices)
    observed_on = serializers.DateField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class EvidenceWithdrawInputSerializer(serializers.Serializer):
    # Blank passes through so the service gives its own message.
    reason = serializers.CharField(allow_blank=True)


class PersonEvidenceApi(ListAPIView):
    """A visible person's evidence; HR records an assessment with POST."""

    serializer_class = EvidenceSerializer

    def get_queryset(self) -> QuerySet[Evidence]:
        if getattr(self, "swagger_fake_view", False):
            return Evidence.objects.none()
        person = _person_or_404(self.request.user, self.kwargs["pk"])
        return selectors.evidence_for(person)

    @extend_schema(request=EvidenceRecordInputSerializer, responses={201: EvidenceSerializer})
    def post(self, request: Request, pk: int) -> Response:
        person = _person_or_404(request.user, pk)
        if not permissions.can_record_assessment(request.user):
            raise PermissionDenied(_("Only HR can record assessments."))
        data = EvidenceRecordInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        evidence = services.evidence_record(
            agent=person,
            competency=data.validated_data["competency"],
            level=data.validated_data["level"],
            source=Evidence.Source.HR_ASSESSMENT,
            recorded_by=request.user,
            observed_on=data.validated_data.get("observed_on"),
            note=data.validated_data["note"],
        )
        return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)


class EvidenceWithdrawApi(APIView):
    @extend_schema(request=EvidenceWithdrawInputSerializer, responses=EvidenceSerializer)
    def post(self, request: Request, pk: int) -> Response:
        try:
            evidence = permissions.evidence_visible_to(request.user).get(pk=pk)
        except Evidence.DoesNotExist:
            raise NotFound(_("No such evidence.")) from None
        if not permissions.can_record_assessment(request.user):
            raise PermissionDenied(_("Only HR can withdraw evidence."))
        data = EvidenceWithdrawInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        evidence = services.evidence_withdraw(
            evidence=evidence, withdrawn_by=request.user, reason=data.validated_data["reason"]
        )
        return Response(EvidenceSerializer(evidence).data)


# --- Heatmap ---------------------------------------------------------------------------


class HeatmapFilterSerializer(serializers.Serializer):
    team = serializers.CharField(required=False, allow_blank=True, help_text="Team code.")
    page = serializers.IntegerField(required=False, min_value=1, default=1)


class HeatmapPersonSerializer(serializers.ModelSerializer):
    team = TeamRefSerializer(allow_null=True)

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "team"]


class HeatmapRowSerializer(serializers.Serializer):
    person = HeatmapPersonSerializer()
    levels = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="The person's level in each competency, in the order of `competencies`.",
    )


class HeatmapSerializer(serializers.Serializer):
    competencies = CompetencyRefSerializer(many=True)
    results = HeatmapRowSerializer(many=True)
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    num_pages = serializers.IntegerField()
    next = serializers.IntegerField(allow_null=True, help_text="Next page number.")
    previous = serializers.IntegerField(allow_null=True, help_text="Previous page number.")
    teams = TeamRefSerializer(many=True, help_text="Teams the heatmap can be filtered by.")


class HeatmapApi(APIView):
    @extend_schema(parameters=[HeatmapFilterSerializer], responses=HeatmapSerializer)
    def get(self, request: Request) -> Response:
        if not permissions.can_view_heatmap(request.user):
            raise PermissionDenied(_("Only HR and team leads can see the heatmap."))
        query = HeatmapFilterSerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        heatmap = selectors.heatmap_for(
            request.user,
            team_code=query.validated_data.get("team") or None,
            page_number=query.validated_data["page"],
        )
        page = heatmap.page
        data = {
            "competencies": heatmap.competencies,
            "results": [{"person": person, "levels": levels} for person, levels in heatmap.rows],
            "count": page.paginator.count,
            "page": page.number,
            "num_pages": page.paginator.num_pages,
            "next": page.next_page_number() if page.has_next() else None,
            "previous": page.previous_page_number() if page.has_previous() else None,
            "teams": heatmap.teams,
        }
        return Response(HeatmapSerializer(data).data)


# --- Teams -----------------------------------------------------------------------------


class TeamSerializer(serializers.ModelSerializer):
    lead = PersonRefSerializer(allow_null=True)
    member_count = serializers.IntegerField(help_text="Active members.")

    class Meta:
        model = Team
        fields = ["id", "code", "name", "name_zh", "name_en", "lead", "member_count"]


class TeamListApi(ListAPIView):
    serializer_class = TeamSerializer

    def get_queryset(self) -> QuerySet[Team]:
        return selectors.team_list_for(self.request.user)


# --- Mentorships -----------------------------------------------------------------------


class MentorshipSerializer(serializers.ModelSerializer):
    mentor = PersonRefSerializer()
    mentee = PersonRefSerializer()
    is_active = serializers.BooleanField()
    created_by = PersonRefSerializer(allow_null=True)

    class Meta:
        model = Mentorship
        fields = [
            "id",
            "mentor",
            "mentee",
            "started_on",
            "ended_on",
            "is_active",
            "created_by",
            "created_at",
        ]


class MentorshipFilterSerializer(serializers.Serializer):
    active = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="Only active (or ended) ones."
    )


class MentorshipCreateInputSerializer(serializers.Serializer):
    mentor = serializers.PrimaryKeyRelatedField(queryset=User.objects.none())
    mentee = serializers.PrimaryKeyRelatedField(queryset=User.objects.none())
    started_on = serializers.DateField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            people = permissions.people_visible_to(request.user)
            self.fields["mentor"].queryset = people
            self.fields["mentee"].queryset = people


class MentorshipEndInputSerializer(serializers.Serializer):
    ended_on = serializers.DateField(required=False)


class MentorshipListApi(ListAPIView):
    """Mentorships the user may see; HR creates one with POST."""

    serializer_class = MentorshipSerializer

    @extend_schema(parameters=[MentorshipFilterSerializer])
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Mentorship]:
        if getattr(self, "swagger_fake_view", False):
            return Mentorship.objects.none()
        query = MentorshipFilterSerializer(data=self.request.query_params.dict())
        query.is_valid(raise_exception=True)
        return selectors.mentorship_list_for(
            self.request.user, active=query.validated_data["active"]
        )

    @extend_schema(request=MentorshipCreateInputSerializer, responses={201: MentorshipSerializer})
    def post(self, request: Request) -> Response:
        if not permissions.can_manage_mentorships(request.user):
            raise PermissionDenied(_("Only HR can manage mentorships."))
        data = MentorshipCreateInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        mentorship = services.mentorship_create(
            mentor=data.validated_data["mentor"],
            mentee=data.validated_data["mentee"],
            started_on=data.validated_data.get("started_on"),
            created_by=request.user,
        )
        return Response(MentorshipSerializer(mentorship).data, status=status.HTTP_201_CREATED)


class MentorshipEndApi(APIView):
    @extend_schema(request=MentorshipEndInputSerializer, responses=MentorshipSerializer)
    def post(self, request: Request, pk: int) -> Response:
        try:
            mentorship = permissions.mentorships_visible_to(request.user).get(pk=pk)
        except Mentorship.DoesNotExist:
            raise NotFound(_("No such mentorship.")) from None
        if not permissions.can_manage_mentorships(request.user):
            raise PermissionDenied(_("Only HR can manage mentorships."))
        data = MentorshipEndInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        mentorship = services.mentorship_end(
            mentorship=mentorship, ended_on=data.validated_data.get("ended_on")
        )
        return Response(MentorshipSerializer(mentorship).data)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField()


class TokenApi(ObtainAuthToken):
    """POST: a token for a username and password, valid ``API_TOKEN_TTL_DAYS`` days; the
    same token until it expires, then a new one. Password guessing is slowed down here as
    on the login page. DELETE (with the token): revoke it."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    def get_permissions(self):
        if self.request.method == "DELETE":
            return [IsAuthenticated()]
        return super().get_permissions()

    def get_authenticators(self):
        # Only the token itself can revoke it. A POST reads no credentials but the body's,
        # so that a client still sending its expired token can get a new one.
        if getattr(self.request, "method", "DELETE") == "DELETE":  # no request: the schema
            return [PreferencesTokenAuthentication()]
        return []

    @extend_schema(request=AuthTokenSerializer, responses=TokenSerializer)
    def post(self, request: Request, *args, **kwargs) -> Response:
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        token = token_issue(user=data.validated_data["user"])
        return Response(
            TokenSerializer({"token": token.key, "expires_at": token_expires_at(token)}).data
        )

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, *args, **kwargs) -> Response:
        token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
