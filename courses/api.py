"""The courses REST API: thin views over ``permissions``, ``selectors`` and ``services``.

The same steps as ``lms.api``: find the object through the permission policy (a
forbidden object answers 404 like a missing one), check the action's permission (403),
validate an input serializer, call a service or a selector, answer with an output
serializer. A service's ``ValidationError`` becomes a 400 in ``lms.api_errors``.

Lists answer in a fixed number of queries whatever their size; the lists of one course
(its lessons, its sessions) are short and come unpaginated.
"""

from django.core.paginator import Page
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.generics import ListAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lms.models import Competency, Level, Team, User
from lms.permissions import people_visible_to, teams_visible_to
from lms.serializer_fields import CompetencyField

from . import permissions, selectors, services
from .models import (
    Course,
    CourseSession,
    CourseVersion,
    DeliveryMode,
    Enrolment,
    LearningPath,
    Lesson,
    PathAssignment,
    SessionRegistration,
    Tier,
)

# --- Shared pieces ---------------------------------------------------------------------


class SelectorPagination(PageNumberPagination):
    """DRF's page format for a page a selector has already cut (its size and order)."""

    def use_page(self, page: Page, request: Request) -> list:
        self.page = page
        self.request = request
        return list(page)


class PersonBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "display_name"]


class TeamBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "code", "name"]


class CompetencyBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Competency
        fields = ["id", "code", "name"]


class CompetencyLevelSerializer(serializers.Serializer):
    """A competency at a level: what a course builds, or what it needs first."""

    competency = CompetencyBriefSerializer()
    level = serializers.IntegerField()
    level_label = serializers.CharField(source="get_level_display")


class CourseRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Course
        fields = ["id", "code", "title"]


class PathRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = LearningPath
        fields = ["id", "code", "title"]


def _author_or_403(user: User) -> None:
    if not permissions.can_author(user):
        raise PermissionDenied(_("Only trainers and HR can author courses."))


def _course_or_404(user: User, course_id: int) -> Course:
    try:
        return permissions.courses_visible_to(user).get(pk=course_id)
    except Course.DoesNotExist:
        raise NotFound(_("No such course.")) from None


class CompetencyLevelInputSerializer(serializers.Serializer):
    competency = CompetencyField(help_text="Competency code or id.")
    level = serializers.ChoiceField(choices=Level.choices)


# --- Courses ---------------------------------------------------------------------------


class EnrolmentBriefSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(source="version.number")
    status = serializers.CharField(help_text="not_started, in_progress, overdue, ...")
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = Enrolment
        fields = ["id", "version", "status", "status_label", "progress", "due_on", "completed_at"]


class CourseSerializer(serializers.ModelSerializer):
    tier_label = serializers.CharField(source="get_tier_display")
    delivery_mode_label = serializers.CharField(source="get_delivery_mode_display")
    status = serializers.CharField(help_text="draft, published or archived.")
    status_label = serializers.CharField(source="get_status_display")
    version = serializers.IntegerField(help_text="Latest published version; 0 if never.")
    targets = CompetencyLevelSerializer(many=True, help_text="Competencies the course builds.")

    class Meta:
        model = Course
        fields = [
            "id",
            "code",
            "title",
            "title_zh",
            "title_en",
            "description",
            "tier",
            "tier_label",
            "delivery_mode",
            "delivery_mode_label",
            "estimated_minutes",
            "completes_on_attendance",
            "status",
            "status_label",
            "version",
            "targets",
        ]


class CourseDetailSerializer(CourseSerializer):
    prerequisites = CourseRefSerializer(many=True)
    level_prerequisites = CompetencyLevelSerializer(many=True)
    my_enrolment = EnrolmentBriefSerializer(
        allow_null=True, help_text="The requester's ongoing (else latest) enrolment."
    )
    prerequisites_missing = serializers.ListField(
        child=serializers.CharField(), help_text="What the requester still lacks to start."
    )

    class Meta(CourseSerializer.Meta):
        fields = [
            *CourseSerializer.Meta.fields,
            "description_zh",
            "description_en",
            "prerequisites",
            "level_prerequisites",
            "my_enrolment",
            "prerequisites_missing",
        ]


def _course_detail(user: User, course_id: int) -> dict:
    try:
        course = selectors.course_get_for(user, course_id)
    except Course.DoesNotExist:
        raise NotFound(_("No such course.")) from None
    course.my_enrolment = selectors.enrolment_current(user, course)
    course.prerequisites_missing = services.prerequisites_missing(agent=user, course=course)
    return CourseDetailSerializer(course).data


class CatalogueFilterSerializer(serializers.Serializer):
    tier = serializers.ChoiceField(choices=Tier.choices, required=False)
    competency = serializers.CharField(required=False, help_text="Competency code.")
    delivery_mode = serializers.ChoiceField(choices=DeliveryMode.choices, required=False)
    search = serializers.CharField(required=False, help_text="Part of the title or code.")


class CourseUpdateInputSerializer(serializers.Serializer):
    title_zh = serializers.CharField(max_length=200)
    title_en = serializers.CharField(max_length=200, required=False, allow_blank=True)
    description_zh = serializers.CharField(required=False, allow_blank=True)
    description_en = serializers.CharField(required=False, allow_blank=True)
    tier = serializers.ChoiceField(choices=Tier.choices, required=False)
    delivery_mode = serializers.ChoiceField(choices=DeliveryMode.choices, required=False)
    estimated_minutes = serializers.IntegerField(min_value=0, required=False)
    completes_on_attendance = serializers.BooleanField(required=False)
    prerequisites = serializers.PrimaryKeyRelatedField(
        queryset=Course.objects.all(), many=True, required=False, help_text="Course ids."
    )
    targets = CompetencyLevelInputSerializer(
        many=True, required=False, help_text="Replaces the competencies the course builds."
    )
    level_prerequisites = CompetencyLevelInputSerializer(
        many=True, required=False, help_text="Replaces the minimum levels needed first."
    )


class CourseCreateInputSerializer(CourseUpdateInputSerializer):
    code = serializers.CharField(max_length=50)


def _author_save_kwargs(values: dict) -> dict:
    """The input serializer's data as ``services.course_author_save`` takes it."""
    kwargs = {k: v for k, v in values.items() if k not in ("targets", "level_prerequisites")}
    if "targets" in values:
        kwargs["targets"] = [(t["competency"], t["level"]) for t in values["targets"]]
    if "level_prerequisites" in values:
        kwargs["level_rules"] = [
            (r["competency"], r["level"]) for r in values["level_prerequisites"]
        ]
    return kwargs


class CourseListApi(ListAPIView):
    """The catalogue (entry tier first, one page); authors create a course with POST."""

    serializer_class = CourseSerializer
    pagination_class = SelectorPagination

    @extend_schema(parameters=[CatalogueFilterSerializer])
    def get(self, request: Request, *args, **kwargs) -> Response:
        query = CatalogueFilterSerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        page = selectors.catalogue_for(
            request.user,
            **query.validated_data,
            page_number=request.query_params.get("page", 1),
        )
        courses = self.paginator.use_page(page, request)
        return self.get_paginated_response(CourseSerializer(courses, many=True).data)

    @extend_schema(request=CourseCreateInputSerializer, responses={201: CourseDetailSerializer})
    def post(self, request: Request) -> Response:
        _author_or_403(request.user)
        data = CourseCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # One service, one transaction: a bad target leaves no half-made course behind.
        course = services.course_author_save(
            created_by=request.user, **_author_save_kwargs(data.validated_data)
        )
        return Response(_course_detail(request.user, course.pk), status=status.HTTP_201_CREATED)


class CourseDetailApi(APIView):
    @extend_schema(responses=CourseDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(_course_detail(request.user, pk))

    @extend_schema(request=CourseUpdateInputSerializer, responses=CourseDetailSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        course = _course_or_404(request.user, pk)
        _author_or_403(request.user)
        data = CourseUpdateInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.course_author_save(course=course, **_author_save_kwargs(data.validated_data))
        return Response(_course_detail(request.user, course.pk))


class CourseVersionSerializer(serializers.ModelSerializer):
    course = serializers.IntegerField(source="course_id")
    published_by = PersonBriefSerializer(allow_null=True)

    class Meta:
        model = CourseVersion
        fields = ["id", "course", "number", "published_at", "published_by"]


class CoursePublishApi(APIView):
    """Freeze the working copy as the next version: new enrolments follow it."""

    @extend_schema(request=None, responses={201: CourseVersionSerializer})
    def post(self, request: Request, pk: int) -> Response:
        course = _course_or_404(request.user, pk)
        _author_or_403(request.user)
        version = services.course_publish(course=course, published_by=request.user)
        return Response(CourseVersionSerializer(version).data, status=status.HTTP_201_CREATED)


# --- Lessons ---------------------------------------------------------------------------


class LessonSerializer(serializers.ModelSerializer):
    """A lesson of the working copy, as authors edit it (Markdown, not rendered)."""

    course = serializers.IntegerField(source="course_id")
    file = serializers.SerializerMethodField(
        help_text="Where authors download the file (lesson files are never public)."
    )
    file_name = serializers.SerializerMethodField()

    class Meta:
        model = Lesson
        fields = [
            "id",
            "course",
            "order",
            "kind",
            "title",
            "title_zh",
            "title_en",
            "body_zh",
            "body_en",
            "video_url",
            "file",
            "file_name",
            "estimated_minutes",
            "required",
        ]

    def get_file(self, lesson: Lesson) -> str | None:
        if not lesson.file:
            return None
        url = reverse("courses:manage-lesson-file", args=[lesson.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url

    def get_file_name(self, lesson: Lesson) -> str:
        return lesson.file.name.rsplit("/", 1)[-1] if lesson.file else ""


class LessonOutlineSerializer(serializers.Serializer):
    """A lesson of the latest published version as the catalogue shows it: no content."""

    id = serializers.IntegerField()
    order = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    estimated_minutes = serializers.IntegerField()
    required = serializers.BooleanField()


class LessonUpdateInputSerializer(serializers.Serializer):
    title_zh = serializers.CharField(max_length=200)
    title_en = serializers.CharField(max_length=200, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=Lesson.Kind.choices, required=False)
    body_zh = serializers.CharField(required=False, allow_blank=True, help_text="Markdown.")
    body_en = serializers.CharField(required=False, allow_blank=True, help_text="Markdown.")
    video_url = serializers.CharField(required=False, allow_blank=True)
    file = serializers.FileField(required=False, help_text="Send as multipart/form-data.")
    estimated_minutes = serializers.IntegerField(min_value=0, required=False)
    # A default, so that a multipart form leaving it out does not read as "false".
    required = serializers.BooleanField(required=False, default=True)
    order = serializers.IntegerField(min_value=0, required=False)


class CourseLessonsApi(APIView):
    """Authors get the working copy; everyone else the published version's outline."""

    @extend_schema(
        responses=PolymorphicProxySerializer(
            component_name="CourseLessons",
            serializers=[LessonSerializer, LessonOutlineSerializer],
            resource_type_field_name=None,
            many=True,
        )
    )
    def get(self, request: Request, pk: int) -> Response:
        course = _course_or_404(request.user, pk)
        if permissions.can_author(request.user):
            lessons = course.lessons.order_by("order", "id")
            return Response(LessonSerializer(lessons, many=True, context={"request": request}).data)
        outline = selectors.course_outline(course, language=get_language() or "")
        return Response(LessonOutlineSerializer(outline, many=True).data)

    @extend_schema(request=LessonUpdateInputSerializer, responses={201: LessonSerializer})
    def post(self, request: Request, pk: int) -> Response:
        course = _course_or_404(request.user, pk)
        _author_or_403(request.user)
        data = LessonUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        lesson = services.lesson_create(course=course, **data.validated_data)
        return Response(
            LessonSerializer(lesson, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class LessonDetailApi(APIView):
    def _lesson(self, request: Request, pk: int) -> Lesson:
        try:
            lesson = selectors.lesson_get_for_authoring(request.user, pk)
        except Lesson.DoesNotExist:
            raise NotFound(_("No such lesson.")) from None
        _author_or_403(request.user)
        return lesson

    @extend_schema(request=LessonUpdateInputSerializer, responses=LessonSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        lesson = self._lesson(request, pk)
        data = LessonUpdateInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        lesson = services.lesson_update(lesson=lesson, **data.validated_data)
        return Response(LessonSerializer(lesson, context={"request": request}).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        services.lesson_delete(lesson=self._lesson(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Learning paths --------------------------------------------------------------------


class PathStepSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    course = CourseRefSerializer()


class PathSerializer(serializers.ModelSerializer):
    courses = PathStepSerializer(source="steps", many=True, help_text="In the path's order.")

    class Meta:
        model = LearningPath
        fields = [
            "id",
            "code",
            "title",
            "title_zh",
            "title_en",
            "description",
            "is_published",
            "courses",
        ]


class PathCreateInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=50)
    title_zh = serializers.CharField(max_length=200)
    title_en = serializers.CharField(max_length=200, required=False, allow_blank=True)
    description_zh = serializers.CharField(required=False, allow_blank=True)
    description_en = serializers.CharField(required=False, allow_blank=True)
    is_published = serializers.BooleanField(required=False, default=False)
    # allow_empty so that the service gives its own message for an empty path.
    courses = serializers.PrimaryKeyRelatedField(
        queryset=Course.objects.all(),
        many=True,
        allow_empty=True,
        help_text="Course ids, in order.",
    )


class PathListApi(ListAPIView):
    """Learning paths with their courses in order; authors create one with POST."""

    serializer_class = PathSerializer

    def get_queryset(self) -> QuerySet[LearningPath]:
        return selectors.paths_for(self.request.user)

    @extend_schema(request=PathCreateInputSerializer, responses={201: PathSerializer})
    def post(self, request: Request) -> Response:
        _author_or_403(request.user)
        data = PathCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        path = services.learning_path_save(created_by=request.user, **data.validated_data)
        path = selectors.paths_for(request.user).get(pk=path.pk)
        return Response(PathSerializer(path).data, status=status.HTTP_201_CREATED)


class PathAssignInputSerializer(serializers.Serializer):
    people = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.none(), many=True, required=False, help_text="Person ids."
    )
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.none(),
        required=False,
        allow_null=True,
        help_text="Team id: assigns the path to its active members.",
    )
    due_on = serializers.DateField(required=False, allow_null=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # Unknown and invisible people read alike: "does not exist".
            self.fields["people"].child_relation.queryset = people_visible_to(request.user)
            self.fields["team"].queryset = teams_visible_to(request.user)


class AssignmentEnrolmentSerializer(serializers.ModelSerializer):
    course = CourseRefSerializer()
    status = serializers.CharField()

    class Meta:
        model = Enrolment
        fields = ["id", "course", "status", "due_on"]


class PathAssignmentSerializer(serializers.ModelSerializer):
    path = serializers.IntegerField(source="path_id")
    agent = PersonBriefSerializer()
    team = TeamBriefSerializer(allow_null=True)
    assigned_by = PersonBriefSerializer(allow_null=True)
    enrolments = AssignmentEnrolmentSerializer(
        many=True, help_text="Enrolments this assignment created (courses not already taken)."
    )

    class Meta:
        model = PathAssignment
        fields = [
            "id",
            "path",
            "agent",
            "team",
            "due_on",
            "assigned_by",
            "assigned_at",
            "enrolments",
        ]


class PathAssignApi(APIView):
    """Assign a path to people and/or a team: enrols them in its courses, in order."""

    @extend_schema(
        request=PathAssignInputSerializer, responses={201: PathAssignmentSerializer(many=True)}
    )
    def post(self, request: Request, pk: int) -> Response:
        try:
            path = permissions.paths_visible_to(request.user).get(pk=pk)
        except LearningPath.DoesNotExist:
            raise NotFound(_("No such learning path.")) from None
        if not permissions.can_assign(request.user):
            raise PermissionDenied(_("Only mentors, team leads and HR can assign training."))
        data = PathAssignInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        assignments = services.path_assign_to_people(
            path=path,
            assigned_by=request.user,
            team=data.validated_data.get("team"),
            people=data.validated_data.get("people", []),
            due_on=data.validated_data.get("due_on"),
        )
        assignments = (
            PathAssignment.objects.filter(pk__in=[a.pk for a in assignments])
            .select_related("agent", "team", "assigned_by")
            .prefetch_related("enrolments__course")
            .order_by("agent__username")
        )
        return Response(
            PathAssignmentSerializer(assignments, many=True).data, status=status.HTTP_201_CREATED
        )


# --- Enrolments ------------------------------------------------------------------------


class EnrolmentSerializer(serializers.ModelSerializer):
    agent = PersonBriefSerializer()
    course = CourseRefSerializer()
    version = serializers.IntegerField(source="version.number", help_text="Version followed.")
    source = serializers.CharField(help_text="self, hr, mentor, team_lead, path, ...")
    source_label = serializers.CharField(source="get_source_display")
    assigned_by = PersonBriefSerializer(allow_null=True)
    path = PathRefSerializer(source="path_assignment.path", allow_null=True)
    status = serializers.CharField(help_text="not_started, in_progress, overdue, ...")
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "agent",
            "course",
            "version",
            "source",
            "source_label",
            "assigned_by",
            "path",
            "due_on",
            "status",
            "status_label",
            "progress",
            "enrolled_at",
            "started_at",
            "completed_at",
            "withdrawn_at",
        ]


class EnrolmentFilterSerializer(serializers.Serializer):
    agent = serializers.IntegerField(required=False, help_text="Person id.")
    course = serializers.IntegerField(required=False, help_text="Course id.")
    status = serializers.ChoiceField(choices=Enrolment.Status.choices, required=False)


class EnrolmentCreateInputSerializer(serializers.Serializer):
    course = serializers.PrimaryKeyRelatedField(queryset=Course.objects.none())
    agent = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="Person id; leave out to enrol yourself.",
    )
    due_on = serializers.DateField(required=False, allow_null=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["course"].queryset = permissions.courses_visible_to(request.user)


class EnrolmentListApi(ListAPIView):
    """Enrolments the requester may see, overdue first; POST enrols or assigns."""

    serializer_class = EnrolmentSerializer

    @extend_schema(parameters=[EnrolmentFilterSerializer])
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Enrolment]:
        if getattr(self, "swagger_fake_view", False):
            return Enrolment.objects.none()
        query = EnrolmentFilterSerializer(data=self.request.query_params.dict())
        query.is_valid(raise_exception=True)
        return selectors.enrolment_list_for(
            self.request.user,
            agent_id=query.validated_data.get("agent"),
            course_id=query.validated_data.get("course"),
            status=query.validated_data.get("status", ""),
        )

    @extend_schema(request=EnrolmentCreateInputSerializer, responses={201: EnrolmentSerializer})
    def post(self, request: Request) -> Response:
        data = EnrolmentCreateInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        agent_id = data.validated_data.get("agent")
        course = data.validated_data["course"]
        due_on = data.validated_data.get("due_on")
        if agent_id is None or agent_id == request.user.pk:
            enrolment = services.enrolment_create(
                agent=request.user,
                course=course,
                source=Enrolment.Source.SELF,
                assigned_by=request.user,
                due_on=due_on,
            )
        else:
            agent = permissions.assignable_people_for(request.user).filter(pk=agent_id).first()
            if agent is None:
                raise PermissionDenied(_("You cannot assign training to this person."))
            enrolment = services.enrolment_assign(
                agent=agent, course=course, assigned_by=request.user, due_on=due_on
            )
        return Response(EnrolmentSerializer(enrolment).data, status=status.HTTP_201_CREATED)


def _enrolment_or_404(user: User, enrolment_id: int, *, own: bool = False) -> Enrolment:
    try:
        enrolment = selectors.enrolment_get_for(user, enrolment_id)
    except Enrolment.DoesNotExist:
        raise NotFound(_("No such enrolment.")) from None
    if own and enrolment.agent_id != user.pk:
        # Lessons are the learner's own: whoever else may see the enrolment sees its
        # progress, not its player.
        raise NotFound(_("No such enrolment."))
    return enrolment


class EnrolmentWithdrawApi(APIView):
    @extend_schema(request=None, responses=EnrolmentSerializer)
    def post(self, request: Request, pk: int) -> Response:
        enrolment = _enrolment_or_404(request.user, pk)
        if not permissions.can_manage_enrolment(request.user, enrolment):
            raise PermissionDenied(_("You cannot withdraw this enrolment."))
        enrolment = services.enrolment_withdraw(enrolment=enrolment)
        return Response(EnrolmentSerializer(enrolment).data)


class EnrolmentLessonSerializer(serializers.Serializer):
    """A lesson of the version the learner follows, rendered and sanitised."""

    id = serializers.IntegerField()
    order = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    html = serializers.CharField(help_text="Sanitised HTML rendered from the lesson's Markdown.")
    video_url = serializers.CharField()
    file_url = serializers.CharField()
    file_name = serializers.CharField()
    estimated_minutes = serializers.IntegerField()
    required = serializers.BooleanField()
    done = serializers.BooleanField()


class EnrolmentLessonsApi(APIView):
    @extend_schema(responses=EnrolmentLessonSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        enrolment = _enrolment_or_404(request.user, pk, own=True)
        # As on the lesson pages: a locked course says what is missing, not its content.
        if enrolment.is_active and (
            locked := services.course_lock_message(agent=request.user, course=enrolment.course)
        ):
            raise PermissionDenied(locked)
        lessons = selectors.lessons_for(enrolment, language=get_language() or "")
        return Response(EnrolmentLessonSerializer(lessons, many=True).data)


class EnrolmentLessonDoneApi(APIView):
    @extend_schema(request=None, responses=EnrolmentSerializer)
    def post(self, request: Request, pk: int, lesson_id: int) -> Response:
        enrolment = _enrolment_or_404(request.user, pk, own=True)
        enrolment = services.lesson_complete(enrolment=enrolment, lesson_id=lesson_id)
        return Response(EnrolmentSerializer(enrolment).data)


# --- Sessions and attendance -----------------------------------------------------------


class RegistrationBriefSerializer(serializers.ModelSerializer):
    status = serializers.CharField(help_text="registered or waitlisted.")

    class Meta:
        model = SessionRegistration
        fields = ["id", "status", "attendance"]


class SessionSerializer(serializers.ModelSerializer):
    course = serializers.IntegerField(source="course_id")
    instructor = PersonBriefSerializer()
    seats_left = serializers.IntegerField()
    waiting = serializers.IntegerField(help_text="People on the waiting list.")
    my_registration = RegistrationBriefSerializer(allow_null=True)

    class Meta:
        model = CourseSession
        fields = [
            "id",
            "course",
            "starts_at",
            "ends_at",
            "location",
            "online_url",
            "capacity",
            "instructor",
            "seats_left",
            "waiting",
            "my_registration",
        ]


class RegistrationSerializer(serializers.ModelSerializer):
    session = serializers.IntegerField(source="session_id")
    agent = PersonBriefSerializer()
    status = serializers.CharField(help_text="registered, waitlisted or cancelled.")
    status_label = serializers.CharField(source="get_status_display")
    attendance = serializers.CharField(help_text="present, absent, excused, or blank.")
    attendance_by = PersonBriefSerializer(allow_null=True)

    class Meta:
        model = SessionRegistration
        fields = [
            "id",
            "session",
            "agent",
            "status",
            "status_label",
            "registered_at",
            "attendance",
            "attendance_by",
            "attendance_at",
        ]


class AttendanceInputSerializer(serializers.Serializer):
    # Any text passes through so that the service gives its own message.
    attendance = serializers.CharField(allow_blank=True, help_text="present, absent or excused.")


def _session_or_404(user: User, session_id: int) -> CourseSession:
    try:
        return selectors.session_get_for(user, session_id)
    except CourseSession.DoesNotExist:
        raise NotFound(_("No such session.")) from None


def _registration_or_404(user: User, registration_id: int) -> SessionRegistration:
    try:
        return (
            permissions.registrations_visible_to(user)
            .select_related("session", "agent")
            .get(pk=registration_id)
        )
    except SessionRegistration.DoesNotExist:
        raise NotFound(_("No such registration.")) from None


class CourseSessionsApi(APIView):
    """A course's sessions with seats left, the waiting list and the requester's place."""

    @extend_schema(responses=SessionSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        course = _course_or_404(request.user, pk)
        sessions = selectors.sessions_for_course(course, agent=request.user)
        return Response(SessionSerializer(sessions, many=True).data)


class SessionRegisterApi(APIView):
    """Register yourself: a seat, or the waiting list when the session is full."""

    @extend_schema(request=None, responses={201: RegistrationSerializer})
    def post(self, request: Request, pk: int) -> Response:
        session = _session_or_404(request.user, pk)
        registration = services.session_register(session=session, agent=request.user)
        return Response(RegistrationSerializer(registration).data, status=status.HTTP_201_CREATED)


class SessionRegistrationsApi(ListAPIView):
    """Who is registered or waiting, for the instructor and course authors."""

    serializer_class = RegistrationSerializer

    def get_queryset(self) -> QuerySet[SessionRegistration]:
        if getattr(self, "swagger_fake_view", False):
            return SessionRegistration.objects.none()
        session = _session_or_404(self.request.user, self.kwargs["pk"])
        if not permissions.can_take_attendance(self.request.user, session):
            raise PermissionDenied(_("Only the instructor and course authors can see this."))
        return selectors.session_registrations_for(session)


class RegistrationCancelApi(APIView):
    @extend_schema(request=None, responses=RegistrationSerializer)
    def post(self, request: Request, pk: int) -> Response:
        registration = _registration_or_404(request.user, pk)
        if registration.agent_id != request.user.pk and not permissions.can_author(request.user):
            raise PermissionDenied(_("Only the person registered can cancel this."))
        registration = services.session_registration_cancel(registration=registration)
        return Response(RegistrationSerializer(registration).data)


class RegistrationAttendanceApi(APIView):
    @extend_schema(request=AttendanceInputSerializer, responses=RegistrationSerializer)
    def post(self, request: Request, pk: int) -> Response:
        registration = _registration_or_404(request.user, pk)
        if not permissions.can_take_attendance(request.user, registration.session):
            raise PermissionDenied(_("Only the instructor and course authors take attendance."))
        data = AttendanceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        registration = services.attendance_record(
            registration=registration,
            attendance=data.validated_data["attendance"],
            taken_by=request.user,
        )
        return Response(RegistrationSerializer(registration).data)
