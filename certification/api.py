"""The certification REST API: programs, eligibility and issuing, certificates, and the
requester's own checklist. Points and honours are in ``api_points``, the ladder in
``api_ladder``; the shared pieces (people, pagination, HR check) are here.

The same rules as the pages (``views_manage``, ``views_certificates``,
``views_checklist``): HR (and admin) manage programs, issue and revoke; team leads read the
eligibility and certificates of the teams they lead; everyone reads their own checklist
and certificates, and a certificate whoever may see its holder. A refused action answers
403; an object the requester may not see answers 404 like a missing one. A service's
``ValidationError`` becomes a 400 in ``lms.api_errors``.
"""

import datetime

from celery.result import EagerResult
from django.core.paginator import Page
from django.db.models import Count, IntegerField, QuerySet, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.generics import ListAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from lms.models import Team, User

from . import selectors
from .bulk import certificates_issue_bulk
from .eligibility import Check, Eligibility
from .issuing import certificate_issue, certificate_revoke
from .models import Certificate, Program, Requirement
from .pdf import verify_url
from .programs import TARGETS

# --- Shared pieces ---------------------------------------------------------------------


class SelectorPagination(PageNumberPagination):
    """DRF's page format for a page a selector has already cut (its size and order)."""

    def use_page(self, page: Page, request: Request) -> list:
        self.page = page
        self.request = request
        return list(page)


def hr_or_403(user: User, message: str) -> None:
    if not user.is_hr:
        raise PermissionDenied(message)


class CertTeamSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "code", "name"]


class CertPersonRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "display_name"]


class CertPersonSerializer(serializers.ModelSerializer):
    team = CertTeamSerializer(allow_null=True)

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "english_name", "team"]


class CertProgramRefSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(help_text="skill, quality or qualification.")
    kind_label = serializers.CharField(source="get_kind_display")

    class Meta:
        model = Program
        fields = ["id", "code", "title", "kind", "kind_label", "level"]


class CertCheckSerializer(serializers.Serializer):
    label = serializers.CharField(help_text="The requirement, in words.")
    met = serializers.BooleanField()
    detail = serializers.CharField(help_text="What the person has: a score, a level, a date.")


class CertificateBriefSerializer(serializers.ModelSerializer):
    state = serializers.CharField(
        help_text="pending, valid, expiring, expired, revoked or superseded."
    )
    state_label = serializers.CharField()

    class Meta:
        model = Certificate
        fields = ["id", "serial", "cycle", "state", "state_label", "valid_from", "expires_on"]


# --- Programs --------------------------------------------------------------------------


class CertProgramSerializer(CertProgramRefSerializer):
    level_label = serializers.CharField(source="get_level_display", allow_null=True)
    issue_mode = serializers.CharField(help_text="automatic or approval (by HR).")
    issue_mode_label = serializers.CharField(source="get_issue_mode_display")
    requirement_count = serializers.IntegerField()
    valid_count = serializers.IntegerField(
        allow_null=True, help_text="Certificates in force (HR only; null for others)."
    )

    class Meta(CertProgramRefSerializer.Meta):
        fields = [
            *CertProgramRefSerializer.Meta.fields,
            "level_label",
            "title_zh",
            "title_en",
            "description",
            "tag",
            "validity_months",
            "issue_mode",
            "issue_mode_label",
            "min_points",
            "points_awarded",
            "is_active",
            "requirement_count",
            "valid_count",
        ]


class CertRequirementSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(help_text="course, quiz, roleplay, plan or competency.")
    kind_label = serializers.CharField(source="get_kind_display")
    target_id = serializers.SerializerMethodField(
        help_text="The course's, quiz's, scenario's, plan's or competency's id."
    )
    target = serializers.SerializerMethodField(help_text="Its title.")
    label = serializers.SerializerMethodField(help_text="As the checklists word it.")
    minimum = serializers.IntegerField(
        allow_null=True, help_text="A score in %, or a competency level (1 to 3)."
    )

    class Meta:
        model = Requirement
        fields = ["id", "kind", "kind_label", "target_id", "target", "minimum", "label"]

    def get_target_id(self, requirement: Requirement) -> int:
        return getattr(requirement, TARGETS[requirement.kind] + "_id")

    def get_target(self, requirement: Requirement) -> str:
        return str(getattr(requirement, TARGETS[requirement.kind]))

    def get_label(self, requirement: Requirement) -> str:
        return self.context["labels"][requirement.pk]


class CertProgramDetailSerializer(CertProgramSerializer):
    requirements = serializers.SerializerMethodField()

    class Meta(CertProgramSerializer.Meta):
        fields = [*CertProgramSerializer.Meta.fields, "requirements"]

    @extend_schema_field(CertRequirementSerializer(many=True))
    def get_requirements(self, program: Program) -> list:
        rows = selectors.requirement_rows(program)
        labels = {row.requirement.pk: row.label for row in rows}
        return CertRequirementSerializer(
            [row.requirement for row in rows], many=True, context={"labels": labels}
        ).data


def _programs_for(user: User) -> QuerySet[Program]:
    """HR: every program, open first, with how many certificates are in force; everyone
    else: the open ones (those their checklist shows)."""
    programs = Program.objects.annotate(requirement_count=Count("requirements", distinct=True))
    if selectors.can_manage(user):
        today = timezone.localdate()
        return programs.annotate(
            valid_count=Count(
                "certificates", filter=selectors.in_force_q(today, "certificates__"), distinct=True
            )
        ).order_by("-is_active", "kind", "code")
    return (
        programs.filter(is_active=True)
        .annotate(valid_count=Value(None, output_field=IntegerField()))
        .order_by("kind", "code")
    )


def _program_or_404(user: User, pk: int) -> Program:
    try:
        return _programs_for(user).get(pk=pk)
    except Program.DoesNotExist:
        raise NotFound(_("No such certification program.")) from None


class ProgramListApi(ListAPIView):
    """Certification programs: all of them for HR, the open ones for everyone else."""

    serializer_class = CertProgramSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Program.objects.none()
        return _programs_for(self.request.user)


class ProgramDetailApi(APIView):
    """A program with its requirements, each worded as the checklists word it."""

    @extend_schema(responses=CertProgramDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(CertProgramDetailSerializer(_program_or_404(request.user, pk)).data)


# --- Eligibility and issuing -------------------------------------------------------------


class EligibilityRowSerializer(serializers.Serializer):
    person = CertPersonSerializer()
    eligible = serializers.BooleanField(help_text="Every requirement met.")
    can_issue = serializers.BooleanField(
        help_text="Eligible and not holding a certificate being issued or valid."
    )
    checks = CertCheckSerializer(many=True)
    current = CertificateBriefSerializer(
        allow_null=True, help_text="The person's latest certificate of this program."
    )


class EligibilityQuerySerializer(serializers.Serializer):
    team = serializers.CharField(required=False, allow_blank=True, help_text="Team code.")
    show = serializers.ChoiceField(
        choices=[(value, value) for value in selectors.SHOW_CHOICES],
        required=False,
        allow_blank=True,
        help_text="eligible (can be issued), missing (a requirement unmet) or certified.",
    )


def _team_code_or_400(user: User, code: str) -> str:
    if code and not selectors.overseen_teams(user).filter(code=code).exists():
        raise serializers.ValidationError({"team": [_("No such team.")]})
    return code


def _overseer_or_403(user: User) -> None:
    if not selectors.can_oversee(user):
        raise PermissionDenied(_("Only HR and team leads see who is eligible."))


def _any_program_or_404(pk: int) -> Program:
    """HR's screens reach closed programs too (to read who held them)."""
    try:
        return selectors.program_get(pk)
    except Program.DoesNotExist:
        raise NotFound(_("No such certification program.")) from None


class ProgramEligibilityApi(ListAPIView):
    """Everyone the requester oversees (HR: everyone; a team lead: their teams), each with
    every requirement met or missing and their latest certificate; one eligibility
    computation per page."""

    serializer_class = EligibilityRowSerializer
    pagination_class = SelectorPagination

    @extend_schema(parameters=[EligibilityQuerySerializer])
    def get(self, request: Request, pk: int) -> Response:
        _overseer_or_403(request.user)
        program = _any_program_or_404(pk)
        query = EligibilityQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        page = selectors.eligibility_page(
            request.user,
            program,
            team_code=_team_code_or_400(request.user, query.validated_data.get("team", "")),
            show=query.validated_data.get("show", ""),
            page_number=request.query_params.get("page", 1),
            page_size=api_settings.PAGE_SIZE,
        )
        rows = self.paginator.use_page(page, request)
        return self.get_paginated_response(_eligibility_data(rows))


def _eligibility_data(rows: list[Eligibility]) -> list:
    return EligibilityRowSerializer(
        [
            {
                "person": row.person,
                "eligible": row.eligible,
                "can_issue": row.can_issue,
                "checks": row.checks,
                "current": row.current,
            }
            for row in rows
        ],
        many=True,
    ).data


class IssueInputSerializer(serializers.Serializer):
    person = serializers.IntegerField(help_text="The person's id.")


class CertificateEvidenceSerializer(serializers.Serializer):
    requirement = serializers.CharField()
    met = serializers.BooleanField()
    detail = serializers.CharField(allow_blank=True)


class CertificateSerializer(serializers.ModelSerializer):
    program = CertProgramRefSerializer()
    holder = CertPersonSerializer()
    status = serializers.CharField(help_text="pending, issued, revoked or expired.")
    status_label = serializers.CharField(source="get_status_display")
    state = serializers.CharField(
        help_text="What a reader is told: pending, valid, expiring, expired, revoked or superseded."
    )
    state_label = serializers.CharField()
    issued_by = CertPersonRefSerializer(allow_null=True, help_text="null: automatically.")

    class Meta:
        model = Certificate
        fields = [
            "id",
            "serial",
            "program",
            "holder",
            "cycle",
            "status",
            "status_label",
            "state",
            "state_label",
            "valid_from",
            "expires_on",
            "issued_at",
            "issued_by",
        ]


class CertificateDetailSerializer(CertificateSerializer):
    evidence = CertificateEvidenceSerializer(
        many=True, help_text="The requirements as they stood when it was issued."
    )
    revoked_by = CertPersonRefSerializer(allow_null=True)
    superseded_by = serializers.IntegerField(
        source="superseded_by_id", allow_null=True, help_text="The renewal's id, if renewed."
    )
    verify_url = serializers.SerializerMethodField(help_text="The public verification page.")
    pdf_url = serializers.SerializerMethodField(
        help_text="The PDF (for those who may see the certificate); null while being issued."
    )

    class Meta(CertificateSerializer.Meta):
        fields = [
            *CertificateSerializer.Meta.fields,
            "requested_at",
            "evidence",
            "pdf_sha256",
            "revoked_at",
            "revoked_by",
            "revoke_reason",
            "superseded_by",
            "verify_url",
            "pdf_url",
        ]

    def get_verify_url(self, certificate: Certificate) -> str:
        return verify_url(certificate.code)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_pdf_url(self, certificate: Certificate) -> str | None:
        if certificate.status == Certificate.Status.PENDING or not certificate.pdf:
            return None
        url = reverse("certification:certificate-pdf", args=[certificate.pk])
        return self.context["request"].build_absolute_uri(url)


def _certificate_or_404(user: User, pk: int) -> Certificate:
    try:
        return selectors.certificate_get_for(user, pk)
    except Certificate.DoesNotExist:
        raise NotFound(_("No such certificate.")) from None


def _certificate_detail(request: Request, pk: int) -> dict:
    certificate = _certificate_or_404(request.user, pk)
    return CertificateDetailSerializer(certificate, context={"request": request}).data


class ProgramIssueApi(APIView):
    """Issue the program to one person (HR). A second request finds the certificate the
    first made (200); the PDF renders in the background, the certificate pending until
    then."""

    @extend_schema(
        request=IssueInputSerializer,
        responses={201: CertificateDetailSerializer, 200: CertificateDetailSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        hr_or_403(request.user, _("Only HR can issue certificates."))
        program = _any_program_or_404(pk)
        data = IssueInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        person = (
            selectors.overseen_people(request.user).filter(pk=data.validated_data["person"]).first()
        )
        if person is None:
            raise serializers.ValidationError({"person": [_("No such person.")]})
        certificate, created = certificate_issue(
            program=program, holder=person, issued_by=request.user
        )
        return Response(
            _certificate_detail(request, certificate.pk),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class IssueAllInputSerializer(serializers.Serializer):
    team = serializers.CharField(
        required=False, allow_blank=True, help_text="Team code; empty: everyone."
    )


class BulkResultSerializer(serializers.Serializer):
    queued = serializers.BooleanField(
        help_text="True: issuing runs in the background and the counts are not known yet."
    )
    issued = serializers.IntegerField(allow_null=True)
    skipped = serializers.IntegerField(
        allow_null=True, help_text="Not eligible, or already holding a certificate in force."
    )
    failed = serializers.IntegerField(allow_null=True)


class ProgramIssueAllApi(APIView):
    """Issue the program to everyone eligible (in a team, if given) through the bulk task:
    200 with the counts when it ran at once, 202 when a worker runs it."""

    @extend_schema(
        request=IssueAllInputSerializer,
        responses={200: BulkResultSerializer, 202: BulkResultSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        hr_or_403(request.user, _("Only HR can issue certificates."))
        program = _any_program_or_404(pk)
        data = IssueAllInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if not program.is_active:
            raise serializers.ValidationError({"detail": [_("This program is closed.")]})
        team = _team_code_or_400(request.user, data.validated_data.get("team", ""))
        ids = list(
            selectors.eligibility_candidates(request.user, team_code=team).values_list(
                "pk", flat=True
            )
        )
        result = certificates_issue_bulk.delay(program.pk, ids, request.user.pk)
        if isinstance(result, EagerResult):
            counts = {"queued": False, **result.get()}
            return Response(BulkResultSerializer(counts).data)
        queued = {"queued": True, "issued": None, "skipped": None, "failed": None}
        return Response(BulkResultSerializer(queued).data, status=status.HTTP_202_ACCEPTED)


# --- Certificates ------------------------------------------------------------------------


class CertificateQuerySerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=Certificate.State.choices, required=False, allow_blank=True
    )
    program = serializers.IntegerField(required=False, help_text="Program id.")
    team = serializers.CharField(required=False, allow_blank=True, help_text="Team code.")
    search = serializers.CharField(
        required=False, allow_blank=True, help_text="Serial, name, username or employee number."
    )


def _certificates_for(
    user: User, filters: selectors.RegisterFilters, today: datetime.date
) -> QuerySet[Certificate]:
    """The register for HR and team leads; everyone else's own certificates."""
    if selectors.can_oversee(user):
        return selectors.certificates_register(user, filters, today=today)
    mine = Certificate.objects.filter(holder=user).select_related(
        "program", "holder__team", "issued_by"
    )
    if filters.program_id:
        mine = mine.filter(program_id=filters.program_id)
    if filters.state:
        mine = mine.filter(selectors.state_q(filters.state, today))
    return mine.order_by("-requested_at", "-id")


class CertificateListApi(ListAPIView):
    """The certificates register: HR all, team leads their teams', everyone else their
    own; newest first."""

    serializer_class = CertificateSerializer

    @extend_schema(parameters=[CertificateQuerySerializer])
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Certificate.objects.none()
        query = CertificateQuerySerializer(data=self.request.query_params.dict())
        query.is_valid(raise_exception=True)
        values = query.validated_data
        filters = selectors.RegisterFilters(
            program_id=values.get("program"),
            team_code=values.get("team", ""),
            state=values.get("state", ""),
            search=values.get("search", ""),
        )
        return _certificates_for(self.request.user, filters, timezone.localdate())


class CertificateDetailApi(APIView):
    """A certificate, to its holder, HR and whoever may see the holder: state, serial,
    verification address, the evidence it was issued on, and its PDF."""

    @extend_schema(responses=CertificateDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(_certificate_detail(request, pk))


class RevokeInputSerializer(serializers.Serializer):
    # Blank passes through so that the service gives its own message.
    reason = serializers.CharField(allow_blank=True, max_length=1000)


class CertificateRevokeApi(APIView):
    """HR withdraws a certificate with a reason; the verification page says so."""

    @extend_schema(request=RevokeInputSerializer, responses=CertificateDetailSerializer)
    def post(self, request: Request, pk: int) -> Response:
        hr_or_403(request.user, _("Only HR can revoke certificates."))
        try:
            certificate = selectors.certificate_for_revoking(request.user, pk)
        except Certificate.DoesNotExist:
            raise NotFound(_("No such certificate.")) from None
        data = RevokeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        certificate_revoke(certificate=certificate, by=request.user, **data.validated_data)
        return Response(_certificate_detail(request, pk))


# --- The requester's checklist ---------------------------------------------------------


class ChecklistItemSerializer(CertCheckSerializer):
    url = serializers.CharField(help_text="Where to go to meet it; empty once met.")


class ChecklistSerializer(serializers.Serializer):
    program = CertProgramRefSerializer()
    eligible = serializers.BooleanField()
    met_count = serializers.IntegerField()
    total = serializers.IntegerField()
    current = CertificateBriefSerializer(
        allow_null=True, help_text="The requester's latest certificate of this program."
    )
    items = ChecklistItemSerializer(many=True)


class ChecklistApi(ListAPIView):
    """Every open program with what the requester has met and what is left."""

    serializer_class = ChecklistSerializer

    def get(self, request: Request) -> Response:
        programs = self.paginate_queryset(selectors.checklist_programs())
        rows = [
            {
                "program": entry.program,
                "eligible": entry.status.eligible,
                "met_count": entry.met_count,
                "total": len(entry.items),
                "current": entry.status.current,
                "items": [_item(item) for item in entry.items],
            }
            for entry in selectors.checklists_for(request.user, programs)
        ]
        return self.get_paginated_response(ChecklistSerializer(rows, many=True).data)


def _item(item: selectors.ChecklistItem) -> dict:
    check: Check = item.check
    return {"label": check.label, "met": check.met, "detail": check.detail, "url": item.url}
