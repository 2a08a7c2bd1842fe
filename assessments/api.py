"""The assessments REST API: thin views over ``permissions``, ``selectors`` and ``services``.

The same steps as ``lms.api`` and ``courses.api``: find the object through the permission
policy (a forbidden object answers 404 like a missing one), check the action's permission
(403), validate an input serializer, call a service or a selector, answer with an output
serializer. A service's ``ValidationError`` becomes a 400 in ``lms.api_errors``.

Answer-key secrecy: an agent's serializers (``AttemptQuestion``, ``AttemptOption``, the
quiz rules) have no field for a correct option or an explanation, and an open attempt is
only ever read through ``selectors.attempt_paper``. The key reaches a response only in
``ReviewQuestion`` (built by ``selectors.attempt_report``, which refuses open attempts,
and only when ``permissions.can_review``) and in the authors' bank endpoints.
"""

from django.core.paginator import Page
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.generics import ListAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from courses.models import Course
from lms.models import Competency, Level, Team, User
from lms.serializer_fields import CompetencyField

from . import importing, permissions, selectors, services
from .models import (
    Answer,
    Attempt,
    Difficulty,
    DrawRule,
    Option,
    Question,
    QuestionBank,
    Quiz,
    QuizQuestion,
    QuizSection,
)

# --- Shared pieces ---------------------------------------------------------------------


class SelectorPagination(PageNumberPagination):
    """DRF's page format for a page a selector has already cut (its size and order)."""

    def use_page(self, page: Page, request: Request) -> list:
        self.page = page
        self.request = request
        return list(page)


class QuizPersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "display_name"]


class QuizTeamSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "code", "name"]


class QuizPersonTeamSerializer(serializers.ModelSerializer):
    team = QuizTeamSerializer(allow_null=True)

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "team"]


class QuizCompetencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Competency
        fields = ["id", "code", "name"]


class QuizCourseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Course
        fields = ["id", "code", "title"]


class QuizRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Quiz
        fields = ["id", "code", "title"]


def _author_or_403(user: User) -> None:
    if not permissions.can_author(user):
        raise PermissionDenied(_("Only trainers and HR can author question banks and quizzes."))


def _language() -> str:
    return get_language() or ""


# --- Question banks and questions (authors only) ---------------------------------------


class BankSerializer(serializers.ModelSerializer):
    question_count = serializers.IntegerField(help_text="Active questions.")

    class Meta:
        model = QuestionBank
        fields = [
            "id",
            "code",
            "title",
            "title_zh",
            "title_en",
            "description",
            "question_count",
            "created_at",
        ]


class BankCreateInputSerializer(serializers.Serializer):
    code = serializers.SlugField(max_length=50)
    title_zh = serializers.CharField(max_length=200)
    title_en = serializers.CharField(max_length=200, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)


class BankOptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Option
        fields = ["id", "order", "text", "text_zh", "text_en", "is_correct"]


class BankQuestionSerializer(serializers.ModelSerializer):
    """A question as authors edit it: with its answer key and explanation."""

    bank = serializers.IntegerField(source="bank_id")
    kind = serializers.CharField(help_text="single, multiple or true_false.")
    kind_label = serializers.CharField(source="get_kind_display")
    competency = QuizCompetencySerializer(allow_null=True)
    level = serializers.IntegerField(allow_null=True, help_text="1 basic, 2 advanced, 3 expert.")
    difficulty = serializers.IntegerField(help_text="1 easy, 2 medium, 3 hard.")
    options = BankOptionSerializer(many=True)

    class Meta:
        model = Question
        fields = [
            "id",
            "bank",
            "kind",
            "kind_label",
            "text",
            "text_zh",
            "text_en",
            "explanation",
            "explanation_zh",
            "explanation_en",
            "competency",
            "level",
            "difficulty",
            "is_active",
            "options",
            "created_at",
        ]


class OptionInputSerializer(serializers.Serializer):
    # Blank passes through so that the service gives its own message.
    text_zh = serializers.CharField(max_length=500, allow_blank=True)
    text_en = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    is_correct = serializers.BooleanField(required=False, default=False)


class QuestionInputSerializer(serializers.Serializer):
    # Any text passes through so that the service gives its own message.
    kind = serializers.CharField(help_text="single, multiple or true_false.")
    text_zh = serializers.CharField()
    text_en = serializers.CharField(required=False, allow_blank=True)
    explanation_zh = serializers.CharField(required=False, allow_blank=True)
    explanation_en = serializers.CharField(required=False, allow_blank=True)
    competency = CompetencyField(required=False, allow_null=True, help_text="Code or id.")
    level = serializers.ChoiceField(choices=Level.choices, required=False, allow_null=True)
    difficulty = serializers.ChoiceField(choices=Difficulty.choices, required=False)
    is_active = serializers.BooleanField(required=False)
    options = OptionInputSerializer(
        many=True, allow_empty=True, help_text="In order; a PATCH with options replaces them all."
    )


def _option_specs(options: list[dict]) -> list[services.OptionSpec]:
    # .get: a PATCH (partial) does not fill in the defaults.
    return [(o["text_zh"], o.get("text_en", ""), o.get("is_correct", False)) for o in options]


def _bank_or_404(user: User, bank_id: int) -> QuestionBank:
    # A bank's existence is no secret (403 first); its questions are.
    _author_or_403(user)
    try:
        return permissions.banks_visible_to(user).get(pk=bank_id)
    except QuestionBank.DoesNotExist:
        raise NotFound(_("No such question bank.")) from None


def _question_detail(question_id: int) -> dict:
    question = (
        Question.objects.select_related("competency")
        .prefetch_related("options")
        .get(pk=question_id)
    )
    return BankQuestionSerializer(question).data


class BankListApi(ListAPIView):
    """Question banks with their question counts; POST creates one. Authors only."""

    serializer_class = BankSerializer

    def get_queryset(self) -> QuerySet[QuestionBank]:
        if getattr(self, "swagger_fake_view", False):
            return QuestionBank.objects.none()
        _author_or_403(self.request.user)
        return selectors.banks_with_counts()

    @extend_schema(request=BankCreateInputSerializer, responses={201: BankSerializer})
    def post(self, request: Request) -> Response:
        _author_or_403(request.user)
        data = BankCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        bank = services.bank_create(created_by=request.user, **data.validated_data)
        bank = selectors.banks_with_counts().get(pk=bank.pk)
        return Response(BankSerializer(bank).data, status=status.HTTP_201_CREATED)


class BankQuestionsFilterSerializer(serializers.Serializer):
    search = serializers.CharField(required=False, allow_blank=True, help_text="Part of the text.")
    page = serializers.IntegerField(required=False, min_value=1, default=1)


class BankQuestionsApi(ListAPIView):
    """A bank's questions with their options, answer key and explanations; POST adds one."""

    serializer_class = BankQuestionSerializer
    pagination_class = SelectorPagination

    @extend_schema(parameters=[BankQuestionsFilterSerializer])
    def get(self, request: Request, pk: int) -> Response:
        bank = _bank_or_404(request.user, pk)
        query = BankQuestionsFilterSerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        page = selectors.bank_questions(
            bank,
            search=query.validated_data.get("search", ""),
            page_number=query.validated_data["page"],
        )
        questions = self.paginator.use_page(page, request)
        return self.get_paginated_response(BankQuestionSerializer(questions, many=True).data)

    @extend_schema(request=QuestionInputSerializer, responses={201: BankQuestionSerializer})
    def post(self, request: Request, pk: int) -> Response:
        bank = _bank_or_404(request.user, pk)
        data = QuestionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        question = services.question_create(
            bank=bank,
            options=_option_specs(values.pop("options")),
            created_by=request.user,
            **values,
        )
        return Response(_question_detail(question.pk), status=status.HTTP_201_CREATED)


class QuestionDetailApi(APIView):
    @extend_schema(request=QuestionInputSerializer, responses=BankQuestionSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        # Questions hold answer keys: to anyone but an author they do not exist.
        try:
            question = permissions.questions_visible_to(request.user).get(pk=pk)
        except Question.DoesNotExist:
            raise NotFound(_("No such question.")) from None
        data = QuestionInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        options = values.pop("options", None)
        question = services.question_update(
            question=question,
            options=None if options is None else _option_specs(options),
            **values,
        )
        return Response(_question_detail(question.pk))


class ImportInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A .csv or .xlsx file (docs/question-import.md).")
    dry_run = serializers.BooleanField(
        required=False, default=False, help_text="Only check the file; save nothing."
    )


class ImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField(help_text="Questions created; 0 for a dry run.")
    dry_run = serializers.BooleanField()


class ImportRowErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="Line of the file (the header is line 1).")
    message = serializers.CharField()


class ImportErrorsSerializer(serializers.Serializer):
    errors = ImportRowErrorSerializer(many=True)


class BankImportApi(APIView):
    """Import questions from a file: every bad row is reported and then nothing is saved."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": ImportInputSerializer},
        responses={
            200: ImportResultSerializer,
            201: ImportResultSerializer,
            400: ImportErrorsSerializer,
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        bank = _bank_or_404(request.user, pk)
        data = ImportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        dry_run = data.validated_data["dry_run"]
        try:
            result = importing.questions_import(
                bank=bank,
                upload=upload,
                filename=upload.name,
                created_by=request.user,
                dry_run=dry_run,
            )
        except importing.ImportRejected as rejected:
            errors = [{"line": e.line, "message": e.message} for e in rejected.errors]
            return Response(
                ImportErrorsSerializer({"errors": errors}).data,
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(
            ImportResultSerializer({"created": result.created, "dry_run": dry_run}).data,
            status=status.HTTP_200_OK if dry_run else status.HTTP_201_CREATED,
        )


# --- Quizzes ---------------------------------------------------------------------------


class QuizStandingSerializer(serializers.Serializer):
    """The requester's own record at the quiz."""

    attempts_used = serializers.IntegerField()
    attempts_left = serializers.IntegerField(allow_null=True, help_text="null: no limit.")
    best_percent = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    passed = serializers.BooleanField()
    open_attempt = serializers.IntegerField(
        source="open_attempt.pk", allow_null=True, help_text="Id of the attempt to resume."
    )


class QuizSerializer(serializers.ModelSerializer):
    """A quiz's rules. No questions: those are drawn when an attempt starts."""

    mode = serializers.CharField(help_text="fixed or random.")
    mode_label = serializers.CharField(source="get_mode_display")
    status = serializers.CharField(help_text="draft, published or archived.")
    status_label = serializers.CharField(source="get_status_display")
    competency = QuizCompetencySerializer(allow_null=True, help_text="Evidenced by a pass.")
    level = serializers.IntegerField(allow_null=True, help_text="Level evidenced by a pass.")
    course = QuizCourseSerializer(allow_null=True)
    standing = QuizStandingSerializer(
        allow_null=True, help_text="The requester's attempts; null for authors."
    )

    class Meta:
        model = Quiz
        fields = [
            "id",
            "code",
            "title",
            "title_zh",
            "title_en",
            "description",
            "mode",
            "mode_label",
            "status",
            "status_label",
            "time_limit_minutes",
            "attempt_limit",
            "pass_mark",
            "competency",
            "level",
            "course",
            "required_for_course",
            "one_per_page",
            "allow_review",
            "standing",
        ]


class QuizSectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = QuizSection
        fields = ["id", "order", "title", "intro"]


class QuizDetailSerializer(QuizSerializer):
    question_count = serializers.IntegerField(help_text="Questions in each attempt.")
    sections = QuizSectionSerializer(many=True)

    class Meta(QuizSerializer.Meta):
        fields = [
            *QuizSerializer.Meta.fields,
            "description_zh",
            "description_en",
            "question_count",
            "sections",
        ]


class QuizItemQuestionSerializer(serializers.ModelSerializer):
    kind = serializers.CharField()

    class Meta:
        model = Question
        fields = ["id", "bank", "kind", "text", "is_active"]


class QuizItemSerializer(serializers.ModelSerializer):
    question = QuizItemQuestionSerializer()
    section = serializers.IntegerField(source="section_id", allow_null=True)

    class Meta:
        model = QuizQuestion
        fields = ["id", "order", "question", "marks", "section"]


class QuizBankRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = QuestionBank
        fields = ["id", "code", "title"]


class DrawRuleSerializer(serializers.ModelSerializer):
    bank = QuizBankRefSerializer(allow_null=True)
    competency = QuizCompetencySerializer(allow_null=True)
    level = serializers.IntegerField(allow_null=True)
    difficulty = serializers.IntegerField(allow_null=True)
    section = serializers.IntegerField(source="section_id", allow_null=True)

    class Meta:
        model = DrawRule
        fields = [
            "id",
            "order",
            "bank",
            "competency",
            "level",
            "difficulty",
            "count",
            "marks_each",
            "section",
        ]


class QuizAuthorSerializer(QuizDetailSerializer):
    """What authors see: the rules, the questions or draw rules, and what blocks publishing."""

    items = QuizItemSerializer(many=True, source="item_list", help_text="Fixed questions.")
    draw_rules = DrawRuleSerializer(many=True, source="rule_list")
    problems = serializers.ListField(
        child=serializers.CharField(), help_text="What stops the quiz from being published."
    )

    class Meta(QuizDetailSerializer.Meta):
        fields = [
            *QuizDetailSerializer.Meta.fields,
            "shuffle_questions",
            "shuffle_options",
            "partial_credit",
            "items",
            "draw_rules",
            "problems",
        ]


class QuizItemInputSerializer(serializers.Serializer):
    question = serializers.PrimaryKeyRelatedField(queryset=Question.objects.all())
    marks = serializers.IntegerField(min_value=1, default=1)


class DrawRuleInputSerializer(serializers.Serializer):
    bank = serializers.PrimaryKeyRelatedField(
        queryset=QuestionBank.objects.all(), required=False, allow_null=True
    )
    competency = CompetencyField(required=False, allow_null=True, help_text="Code or id.")
    level = serializers.ChoiceField(choices=Level.choices, required=False, allow_null=True)
    difficulty = serializers.ChoiceField(
        choices=Difficulty.choices, required=False, allow_null=True
    )
    count = serializers.IntegerField(min_value=1, help_text="Questions to draw.")
    marks_each = serializers.IntegerField(min_value=1, default=1)


class QuizUpdateInputSerializer(serializers.Serializer):
    title_zh = serializers.CharField(max_length=200)
    title_en = serializers.CharField(max_length=200, required=False, allow_blank=True)
    description_zh = serializers.CharField(required=False, allow_blank=True)
    description_en = serializers.CharField(required=False, allow_blank=True)
    mode = serializers.ChoiceField(choices=Quiz.Mode.choices, required=False)
    time_limit_minutes = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    attempt_limit = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    pass_mark = serializers.IntegerField(min_value=0, max_value=100, required=False)
    competency = CompetencyField(required=False, allow_null=True, help_text="Code or id.")
    level = serializers.ChoiceField(choices=Level.choices, required=False, allow_null=True)
    course = serializers.PrimaryKeyRelatedField(
        queryset=Course.objects.all(), required=False, allow_null=True
    )
    required_for_course = serializers.BooleanField(required=False)
    shuffle_questions = serializers.BooleanField(required=False)
    shuffle_options = serializers.BooleanField(required=False)
    one_per_page = serializers.BooleanField(required=False)
    allow_review = serializers.BooleanField(required=False)
    partial_credit = serializers.BooleanField(required=False)
    items = QuizItemInputSerializer(
        many=True, required=False, help_text="Replaces the fixed questions, in order."
    )
    draw_rules = DrawRuleInputSerializer(
        many=True, required=False, help_text="Replaces the draw rules, in order."
    )


class QuizCreateInputSerializer(QuizUpdateInputSerializer):
    code = serializers.SlugField(max_length=50)


def _quiz_or_404(user: User, quiz_id: int) -> Quiz:
    try:
        return selectors.quiz_get_for(user, quiz_id)
    except Quiz.DoesNotExist:
        raise NotFound(_("No such quiz.")) from None


def _quiz_values(validated: dict) -> dict:
    """Keyword arguments for ``services.quiz_create`` / ``quiz_update``: the items as
    (question, marks); questions and rules left out of a PATCH stay as they are."""
    values = dict(validated)
    if "items" in values:
        values["items"] = [(item["question"], item["marks"]) for item in values["items"]]
    return values


def _quiz_detail(user: User, quiz_id: int) -> dict:
    """Authors get the questions and draw rules; everyone else the rules and their record."""
    quiz = _quiz_or_404(user, quiz_id)
    quiz.question_count = selectors.quiz_question_count(quiz)
    if permissions.can_author(user):
        quiz.standing = None
        quiz.item_list = quiz.items.select_related("question").order_by("order", "id")
        quiz.rule_list = quiz.draw_rules.select_related("bank", "competency")
        quiz.problems = services.quiz_problems(quiz)
        return QuizAuthorSerializer(quiz).data
    quiz.standing = selectors.quiz_summary_for(user, quiz)
    return QuizDetailSerializer(quiz).data


QUIZ_DETAIL_RESPONSE = PolymorphicProxySerializer(
    component_name="QuizDetailOrAuthor",
    serializers=[QuizDetailSerializer, QuizAuthorSerializer],
    resource_type_field_name=None,
)


class QuizListApi(ListAPIView):
    """Agents: published quizzes with their own record. Authors: every quiz. POST creates."""

    serializer_class = QuizSerializer

    def get(self, request: Request, *args, **kwargs) -> Response:
        if permissions.can_author(request.user):
            quizzes = list(
                permissions.quizzes_visible_to(request.user)
                .select_related("course", "competency")
                .order_by("code")
            )
            for quiz in quizzes:
                quiz.standing = None
        else:
            quizzes = []
            for summary in selectors.quizzes_for_agent(request.user):
                summary.quiz.standing = summary
                quizzes.append(summary.quiz)
        page = self.paginate_queryset(quizzes)
        return self.get_paginated_response(QuizSerializer(page, many=True).data)

    @extend_schema(request=QuizCreateInputSerializer, responses={201: QuizAuthorSerializer})
    def post(self, request: Request) -> Response:
        _author_or_403(request.user)
        data = QuizCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        quiz = services.quiz_create(created_by=request.user, **_quiz_values(data.validated_data))
        return Response(_quiz_detail(request.user, quiz.pk), status=status.HTTP_201_CREATED)


class QuizDetailApi(APIView):
    @extend_schema(responses=QUIZ_DETAIL_RESPONSE)
    def get(self, request: Request, pk: int) -> Response:
        return Response(_quiz_detail(request.user, pk))

    @extend_schema(request=QuizUpdateInputSerializer, responses=QuizAuthorSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        quiz = _quiz_or_404(request.user, pk)
        _author_or_403(request.user)
        data = QuizUpdateInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.quiz_update(quiz=quiz, **_quiz_values(data.validated_data))
        return Response(_quiz_detail(request.user, quiz.pk))


class QuizPublishApi(APIView):
    """Open the quiz to agents; a 400 lists what stops it (no questions, too few to draw)."""

    @extend_schema(request=None, responses=QuizAuthorSerializer)
    def post(self, request: Request, pk: int) -> Response:
        quiz = _quiz_or_404(request.user, pk)
        _author_or_403(request.user)
        services.quiz_publish(quiz=quiz)
        return Response(_quiz_detail(request.user, quiz.pk))


# --- Attempts --------------------------------------------------------------------------


class AttemptSectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = QuizSection
        fields = ["id", "title", "intro"]


class AttemptOptionSerializer(serializers.Serializer):
    """An option as the agent sees it while answering: no sign of whether it is right."""

    id = serializers.IntegerField()
    text = serializers.CharField()
    selected = serializers.BooleanField(help_text="Saved as the agent's choice.")


class AttemptQuestionSerializer(serializers.Serializer):
    """A question of the agent's paper: no answer key, no explanation."""

    number = serializers.IntegerField()
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="single, multiple or true_false.")
    text = serializers.CharField()
    marks = serializers.IntegerField()
    section = AttemptSectionSerializer(allow_null=True)
    options = AttemptOptionSerializer(many=True)
    answered = serializers.BooleanField()


class ReviewOptionSerializer(AttemptOptionSerializer):
    correct = serializers.BooleanField()


class ReviewQuestionSerializer(AttemptQuestionSerializer):
    """A question of a submitted attempt, graded, with the right options and explanation."""

    options = ReviewOptionSerializer(many=True)
    explanation = serializers.CharField()
    marks_awarded = serializers.DecimalField(max_digits=6, decimal_places=2)
    is_correct = serializers.BooleanField()


class AttemptSerializer(serializers.ModelSerializer):
    quiz = QuizRefSerializer()
    agent = QuizPersonSerializer()
    status = serializers.CharField(help_text="in_progress or submitted.")
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = Attempt
        # Never "paper" or "key": the paper comes through attempt_paper, the key never.
        fields = [
            "id",
            "quiz",
            "agent",
            "number",
            "status",
            "status_label",
            "started_at",
            "deadline",
            "submitted_at",
            "score",
            "max_score",
            "percent",
            "passed",
        ]


class AttemptDetailSerializer(AttemptSerializer):
    seconds_left = serializers.IntegerField(
        allow_null=True, help_text="Until the deadline, for an open attempt with a time limit."
    )
    questions = AttemptQuestionSerializer(
        many=True,
        allow_null=True,
        help_text="The paper with the saved choices: the agent's own open attempt only.",
    )
    report = ReviewQuestionSerializer(
        many=True,
        allow_null=True,
        help_text="The graded attempt, once submitted, for those who may review it.",
    )

    class Meta(AttemptSerializer.Meta):
        fields = [*AttemptSerializer.Meta.fields, "seconds_left", "questions", "report"]


def _attempt_detail(user: User, attempt: Attempt) -> dict:
    attempt.seconds_left = None
    attempt.questions = None
    attempt.report = None
    if attempt.is_open:
        if attempt.agent_id == user.pk:
            attempt.questions = selectors.attempt_paper(attempt, language=_language())
        if attempt.deadline is not None:
            left = (attempt.deadline - timezone.now()).total_seconds()
            attempt.seconds_left = max(int(left), 0)
    elif permissions.can_review(user, attempt):
        attempt.report = selectors.attempt_report(attempt, language=_language())
    return AttemptDetailSerializer(attempt).data


def _own_attempt_or_404(user: User, attempt_id: int) -> Attempt:
    """Answering and submitting are the agent's own: whoever else may see the attempt
    (mentor, lead, HR) gets the same 404 as a stranger."""
    try:
        return selectors.attempt_get_own(user, attempt_id)
    except Attempt.DoesNotExist:
        raise NotFound(_("No such attempt.")) from None


class QuizAttemptsApi(APIView):
    """Start an attempt (or resume the open one): the paper comes without its key."""

    @extend_schema(
        request=None, responses={200: AttemptDetailSerializer, 201: AttemptDetailSerializer}
    )
    def post(self, request: Request, pk: int) -> Response:
        quiz = _quiz_or_404(request.user, pk)
        now = timezone.now()
        attempt = services.attempt_start(quiz=quiz, agent=request.user, now=now)
        created = attempt.started_at == now
        attempt = _own_attempt_or_404(request.user, attempt.pk)
        return Response(
            _attempt_detail(request.user, attempt),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class AttemptFilterSerializer(serializers.Serializer):
    quiz = serializers.IntegerField(required=False, help_text="Quiz id.")
    agent = serializers.IntegerField(required=False, help_text="Person id.")


class AttemptListApi(ListAPIView):
    """Attempts the requester may see: their own, their mentees' and team's, all for HR."""

    serializer_class = AttemptSerializer

    @extend_schema(parameters=[AttemptFilterSerializer])
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Attempt]:
        if getattr(self, "swagger_fake_view", False):
            return Attempt.objects.none()
        query = AttemptFilterSerializer(data=self.request.query_params.dict())
        query.is_valid(raise_exception=True)
        return selectors.attempt_list_for(
            self.request.user,
            quiz_id=query.validated_data.get("quiz"),
            agent_id=query.validated_data.get("agent"),
        )


class AttemptDetailApi(APIView):
    @extend_schema(responses=AttemptDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        try:
            attempt = selectors.attempt_get_for(request.user, pk)
        except Attempt.DoesNotExist:
            raise NotFound(_("No such attempt.")) from None
        return Response(_attempt_detail(request.user, attempt))


class AnswerInputSerializer(serializers.Serializer):
    selected = serializers.ListField(
        child=serializers.IntegerField(), allow_empty=True, help_text="Option ids; [] clears."
    )


class AnswerSerializer(serializers.ModelSerializer):
    question = serializers.IntegerField(source="question_id")

    class Meta:
        model = Answer
        # Never "is_correct" or "marks_awarded": they would grade the answer as it is saved.
        fields = ["question", "selected", "saved_at"]


class AttemptAnswerApi(APIView):
    @extend_schema(request=AnswerInputSerializer, responses=AnswerSerializer)
    def put(self, request: Request, pk: int, question_id: int) -> Response:
        attempt = _own_attempt_or_404(request.user, pk)
        data = AnswerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        answer = services.answer_save(
            attempt=attempt, question_id=question_id, selected=data.validated_data["selected"]
        )
        return Response(AnswerSerializer(answer).data)


class AttemptSubmitApi(APIView):
    """Hand the attempt in: it is scored with the answers saved before the deadline."""

    @extend_schema(request=None, responses=AttemptDetailSerializer)
    def post(self, request: Request, pk: int) -> Response:
        attempt = _own_attempt_or_404(request.user, pk)
        attempt = services.attempt_submit(attempt=attempt)
        return Response(
            _attempt_detail(request.user, selectors.attempt_get_for(request.user, attempt.pk))
        )


# --- Results ---------------------------------------------------------------------------


class QuizResultSerializer(serializers.ModelSerializer):
    agent = QuizPersonTeamSerializer()

    class Meta:
        model = Attempt
        fields = [
            "id",
            "agent",
            "number",
            "submitted_at",
            "score",
            "max_score",
            "percent",
            "passed",
        ]


class ResultsFilterSerializer(serializers.Serializer):
    team = serializers.CharField(required=False, allow_blank=True, help_text="Team code.")
    page = serializers.IntegerField(required=False, min_value=1, default=1)


class QuizResultsApi(ListAPIView):
    """Submitted attempts at the quiz by the people the requester looks after, best first."""

    serializer_class = QuizResultSerializer
    pagination_class = SelectorPagination

    @extend_schema(parameters=[ResultsFilterSerializer])
    def get(self, request: Request, pk: int) -> Response:
        quiz = _quiz_or_404(request.user, pk)
        if not permissions.can_see_results(request.user):
            raise PermissionDenied(_("Only mentors, team leads, HR and trainers see results."))
        query = ResultsFilterSerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        page = selectors.results_for_quiz(
            request.user,
            quiz,
            team_code=query.validated_data.get("team", ""),
            page_number=query.validated_data["page"],
        )
        attempts = self.paginator.use_page(page, request)
        return self.get_paginated_response(QuizResultSerializer(attempts, many=True).data)


class ItemOptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Option
        fields = ["id", "text"]


class ItemStatsSerializer(serializers.Serializer):
    question = QuizItemQuestionSerializer()
    answered = serializers.IntegerField()
    correct = serializers.IntegerField(help_text="Answers that were right.")
    share_correct = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)
    most_chosen_wrong = ItemOptionSerializer(allow_null=True)
    most_chosen_wrong_count = serializers.IntegerField()


class QuizItemAnalysisApi(APIView):
    """Per question: share correct and the wrong option chosen most, hardest first."""

    @extend_schema(responses=ItemStatsSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        quiz = _quiz_or_404(request.user, pk)
        _author_or_403(request.user)
        return Response(ItemStatsSerializer(selectors.item_analysis(quiz), many=True).data)
