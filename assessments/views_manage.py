"""Pages for trainers (question banks, questions, imports, quizzes, preview, item analysis)
and for mentors, team leads and HR (results per quiz and per person).

Each view checks who may use it first (a refusal is a 404, like a missing object), reads
through a selector, validates a form and calls a service. Authors may see answer keys;
the results pages never show them (the attempt report does, after submission).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.exports import FORMATS, table_response
from lms.models import User
from lms.permissions import people_visible_to, teams_visible_to
from lms.selectors import person_get_for

from . import importing, selectors, services
from .forms_manage import (
    AddQuestionsForm,
    BankForm,
    DrawRuleForm,
    ImportForm,
    ItemsForm,
    QuestionForm,
    QuizForm,
    ReplaceForm,
    SectionForm,
    add_service_errors,
)
from .models import DrawRule, Question, QuestionBank, Quiz, QuizQuestion, QuizSection
from .permissions import (
    banks_visible_to,
    can_author,
    can_see_results,
    questions_visible_to,
    quizzes_visible_to,
)

TEMPLATE_FILENAME = "question-import-template.csv"
FLAG_BELOW_PERCENT = 40  # item analysis: a question fewer get right deserves a look


def _author_or_404(request: HttpRequest) -> None:
    if not can_author(request.user):
        raise Http404


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _reverse(name: str, *args) -> str:
    return reverse(name, args=args)


def _safe_back(request: HttpRequest, default: str) -> str:
    next_url = request.POST.get("next") or ""
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return default


# --- Question banks ------------------------------------------------------------------


def _authoring_bank(request: HttpRequest, pk: int) -> QuestionBank:
    _author_or_404(request)
    try:
        return banks_visible_to(request.user).get(pk=pk)
    except QuestionBank.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def banks(request: HttpRequest) -> HttpResponse:
    _author_or_404(request)
    return render(
        request, "assessments/manage/banks.html", {"banks": selectors.banks_with_counts()}
    )


def _simple_form_page(request: HttpRequest, form, *, title: str, back: tuple[str, str]):
    context = {"form": form, "title": title, "back_url": back[0], "back_label": back[1]}
    return render(request, "assessments/manage/simple_form.html", context)


@login_required
def bank_create(request: HttpRequest) -> HttpResponse:
    _author_or_404(request)
    form = BankForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            bank = services.bank_create(
                code=form.cleaned_data["code"], created_by=request.user, **form.bank_fields()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Question bank created: add or import its questions."))
            return redirect("assessments:manage-bank", bank.pk)
    return _simple_form_page(
        request,
        form,
        title=_("New question bank"),
        back=(_reverse("assessments:manage-banks"), _("Back to the question banks")),
    )


@login_required
def bank_edit(request: HttpRequest, pk: int) -> HttpResponse:
    bank = _authoring_bank(request, pk)
    form = BankForm(request.POST or None, instance=bank)
    if request.method == "POST" and form.is_valid():
        try:
            services.bank_update(bank=bank, **form.bank_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Question bank saved."))
            return redirect("assessments:manage-bank", bank.pk)
    return _simple_form_page(
        request,
        form,
        title=_("Edit %(bank)s") % {"bank": bank},
        back=(_reverse("assessments:manage-bank", bank.pk), _("Back to the question bank")),
    )


@login_required
def bank_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The bank's questions, active first, searchable, with their right answers."""
    bank = _authoring_bank(request, pk)
    search = request.GET.get("q", "").strip()
    page = selectors.bank_questions(bank, search=search, page_number=request.GET.get("page", 1))
    context = {"bank": bank, "page": page, "search": search}
    if request.htmx:
        return render(request, "assessments/manage/bank_detail.html#questions", context)
    return render(request, "assessments/manage/bank_detail.html", context)


# --- Questions -----------------------------------------------------------------------


def _authoring_question(request: HttpRequest, pk: int) -> Question:
    _author_or_404(request)
    try:
        return (
            questions_visible_to(request.user)
            .select_related("bank", "competency")
            .prefetch_related("options")
            .get(pk=pk)
        )
    except Question.DoesNotExist as exc:
        raise Http404 from exc


def _question_form_page(
    request: HttpRequest, form: QuestionForm, bank: QuestionBank, question: Question | None
) -> HttpResponse:
    context = {"form": form, "bank": bank, "question": question}
    return render(request, "assessments/manage/question_form.html", context)


@login_required
def question_create(request: HttpRequest, bank_pk: int) -> HttpResponse:
    bank = _authoring_bank(request, bank_pk)
    form = QuestionForm(request.POST or None, instance=Question(bank=bank))
    if request.method == "POST" and form.is_valid():
        try:
            services.question_create(
                bank=bank, options=form.options(), created_by=request.user, **form.question_fields()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Question added."))
            if "add_another" in request.POST:
                return redirect("assessments:manage-question-create", bank.pk)
            return redirect("assessments:manage-bank", bank.pk)
    return _question_form_page(request, form, bank, None)


@login_required
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    question = _authoring_question(request, pk)
    form = QuestionForm(request.POST or None, instance=question)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_update(
                question=question, options=form.options(), **form.question_fields()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Question saved. Attempts already started keep the version they drew.")
            )
            return redirect("assessments:manage-bank", question.bank_id)
    return _question_form_page(request, form, question.bank, question)


@login_required
@require_POST
def question_retire(request: HttpRequest, pk: int) -> HttpResponse:
    """Retire (no longer drawn or added to quizzes) or bring back a question."""
    question = _authoring_question(request, pk)
    active = request.POST.get("active") == "1"
    services.question_update(question=question, is_active=active)
    if active:
        messages.success(request, _("Question back in use."))
    else:
        messages.success(
            request,
            _("Question retired: random draws skip it; replace it in fixed quizzes."),
        )
    return redirect(_safe_back(request, _reverse("assessments:manage-bank", question.bank_id)))


# --- Import --------------------------------------------------------------------------


@login_required
def bank_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Check a file ("check only": nothing saved) or import it: all its rows or none."""
    bank = _authoring_bank(request, pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        dry_run = "check" in request.POST
        report = {"dry_run": dry_run, "filename": upload.name, "errors": [], "count": 0}
        try:
            result = importing.questions_import(
                bank=bank,
                upload=upload,
                filename=upload.name,
                created_by=request.user,
                dry_run=dry_run,
            )
        except importing.ImportRejected as exc:
            report["errors"] = exc.errors
        except ValidationError as exc:  # a refusal not tied to a line: show it on the form
            add_service_errors(form, exc)
            report = None
        else:
            if dry_run:
                report["count"] = result.ready
            else:
                messages.success(
                    request,
                    _("%(count)s questions imported into %(bank)s.")
                    % {"count": result.created, "bank": bank},
                )
                return redirect("assessments:manage-bank", bank.pk)
    context = {
        "bank": bank,
        "form": form,
        "report": report,
        "columns": importing.COLUMNS,
        "max_rows": importing.MAX_ROWS,
    }
    if request.htmx and report is not None:
        return render(request, "assessments/manage/import.html#report", context)
    return render(request, "assessments/manage/import.html", context)


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    _author_or_404(request)
    response = HttpResponse(importing.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{TEMPLATE_FILENAME}"'
    return response


# --- Quizzes -------------------------------------------------------------------------


def _authoring_quiz(request: HttpRequest, pk: int) -> Quiz:
    _author_or_404(request)
    try:
        return (
            quizzes_visible_to(request.user)
            .select_related("course", "competency")
            .prefetch_related("sections")
            .get(pk=pk)
        )
    except Quiz.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def quiz_list(request: HttpRequest) -> HttpResponse:
    _author_or_404(request)
    status = request.GET.get("status", "")
    if status not in Quiz.Status.values:
        status = ""
    page = selectors.quizzes_for_authoring(status=status, page_number=request.GET.get("page", 1))
    context = {"page": page, "status": status, "statuses": Quiz.Status.choices}
    return render(request, "assessments/manage/quiz_list.html", context)


@login_required
def quiz_create(request: HttpRequest) -> HttpResponse:
    _author_or_404(request)
    form = QuizForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            quiz = services.quiz_create(
                created_by=request.user, code=form.cleaned_data["code"], **form.quiz_fields()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Quiz created as a draft: add its questions."))
            return redirect("assessments:manage-quiz", quiz.pk)
    return render(request, "assessments/manage/quiz_form.html", {"form": form, "quiz": None})


@login_required
def quiz_edit(request: HttpRequest, pk: int) -> HttpResponse:
    quiz = _authoring_quiz(request, pk)
    form = QuizForm(request.POST or None, instance=quiz)
    if request.method == "POST" and form.is_valid():
        try:
            services.quiz_update(quiz=quiz, **form.quiz_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Quiz saved."))
            return redirect("assessments:manage-quiz", quiz.pk)
    return render(request, "assessments/manage/quiz_form.html", {"form": form, "quiz": quiz})


def _quiz_detail_context(quiz: Quiz, items_form: ItemsForm | None = None) -> dict:
    sections = list(quiz.sections.all())
    context = {"quiz": quiz, "sections": sections, "problems": services.quiz_problems(quiz)}
    if quiz.mode == Quiz.Mode.FIXED:
        items = selectors.quiz_items_for_authoring(quiz)
        context["items_form"] = items_form or ItemsForm(items=items, sections=sections)
    else:
        rules = selectors.quiz_rules_for_authoring(quiz)
        matches = selectors.draw_rule_matches(rules)
        for rule in rules:
            rule.matches = matches[rule.pk]
            rule.short = rule.matches < rule.count
        context["rules"] = rules
    return context


@login_required
def quiz_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The quiz's settings, sections, questions or draw rules, and publishing."""
    quiz = _authoring_quiz(request, pk)
    return render(request, "assessments/manage/quiz_detail.html", _quiz_detail_context(quiz))


@login_required
@require_POST
def quiz_items(request: HttpRequest, pk: int) -> HttpResponse:
    """Save positions, marks and sections of the fixed questions; drop those ticked."""
    quiz = _authoring_quiz(request, pk)
    sections = list(quiz.sections.all())
    form = ItemsForm(
        request.POST, items=selectors.quiz_items_for_authoring(quiz), sections=sections
    )
    if form.is_valid():
        try:
            services.quiz_items_place(quiz=quiz, items=form.placed())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Questions saved."))
            return redirect("assessments:manage-quiz", quiz.pk)
    context = _quiz_detail_context(quiz, items_form=form)
    return render(request, "assessments/manage/quiz_detail.html", context, status=400)


def _picker_context(request: HttpRequest, quiz: Quiz) -> dict:
    search = request.GET.get("q", "").strip()
    bank_id = _int_or_none(request.GET.get("bank"))
    page = selectors.question_search(
        search=search,
        bank_id=bank_id,
        exclude_quiz=quiz,
        page_number=request.GET.get("page", 1),
    )
    return {
        "quiz": quiz,
        "page": page,
        "search": search,
        "bank_id": bank_id,
        "banks": selectors.banks_with_counts(),
    }


def _active_questions(request: HttpRequest):
    return questions_visible_to(request.user).filter(is_active=True)


@login_required
def quiz_add_questions(request: HttpRequest, pk: int) -> HttpResponse:
    """Search the banks and add questions at the end of a fixed quiz."""
    quiz = _authoring_quiz(request, pk)
    form = AddQuestionsForm(request.POST or None, questions=_active_questions(request))
    if request.method == "POST" and form.is_valid():
        current = selectors.quiz_items_for_authoring(quiz)
        chosen = sorted(form.cleaned_data["questions"], key=lambda q: q.pk)
        items = [(item.question, item.marks, item.section) for item in current]
        items += [(question, form.cleaned_data["marks"], None) for question in chosen]
        try:
            services.quiz_items_place(quiz=quiz, items=items)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(count)s questions added to the quiz.") % {"count": len(chosen)},
            )
            return redirect("assessments:manage-quiz", quiz.pk)
    context = {**_picker_context(request, quiz), "form": form, "item": None}
    if request.htmx and request.method == "GET":
        return render(request, "assessments/manage/question_picker.html#results", context)
    return render(request, "assessments/manage/question_picker.html", context)


@login_required
def quiz_item_replace(request: HttpRequest, pk: int) -> HttpResponse:
    """Put another question in this question's place, keeping its position and marks."""
    _author_or_404(request)
    try:
        item = QuizQuestion.objects.select_related("quiz", "question", "question__bank").get(
            pk=pk, quiz__in=quizzes_visible_to(request.user)
        )
    except QuizQuestion.DoesNotExist as exc:
        raise Http404 from exc
    quiz = item.quiz
    form = ReplaceForm(request.POST or None, questions=_active_questions(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.quiz_question_replace(item=item, question=form.cleaned_data["question"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Question replaced; its place and marks are kept."))
            return redirect("assessments:manage-quiz", quiz.pk)
    context = {**_picker_context(request, quiz), "form": form, "item": item}
    if request.htmx and request.method == "GET":
        return render(request, "assessments/manage/question_picker.html#results", context)
    return render(request, "assessments/manage/question_picker.html", context)


@login_required
@require_POST
def quiz_publish(request: HttpRequest, pk: int) -> HttpResponse:
    quiz = _authoring_quiz(request, pk)
    try:
        services.quiz_publish(quiz=quiz)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(quiz)s is published.") % {"quiz": quiz})
    return redirect("assessments:manage-quiz", quiz.pk)


@login_required
@require_POST
def quiz_archive(request: HttpRequest, pk: int) -> HttpResponse:
    quiz = _authoring_quiz(request, pk)
    services.quiz_archive(quiz=quiz)
    messages.success(
        request, _("Quiz archived: nobody can start it; attempts and results are kept.")
    )
    return redirect("assessments:manage-quiz", quiz.pk)


@login_required
def quiz_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """A sample paper drawn as an attempt would draw it, with its answers (authors only).
    Each visit draws again; nothing is saved."""
    quiz = _authoring_quiz(request, pk)
    problems: list[str] = []
    try:
        paper = selectors.quiz_preview(quiz, language=get_language() or "zh-hans")
        error = ""
    except ValidationError as exc:
        # The learner's message says "tell a trainer"; the trainer needs the reason.
        paper, error = [], " ".join(exc.messages)
        problems = services.quiz_problems(quiz)
    context = {"quiz": quiz, "paper": paper, "error": error, "problems": problems}
    return render(request, "assessments/manage/quiz_preview.html", context)


@login_required
def item_analysis(request: HttpRequest, pk: int) -> HttpResponse:
    """Per question: share correct and the wrong option chosen most, worst first."""
    quiz = _authoring_quiz(request, pk)
    stats = selectors.item_analysis(quiz)
    for row in stats:
        row.flagged = row.share_correct is not None and row.share_correct < FLAG_BELOW_PERCENT
    context = {"quiz": quiz, "stats": stats, "flag_label": f"{FLAG_BELOW_PERCENT} %"}
    return render(request, "assessments/manage/item_analysis.html", context)


# --- Sections ------------------------------------------------------------------------


def _authoring_section(request: HttpRequest, pk: int) -> QuizSection:
    _author_or_404(request)
    try:
        return QuizSection.objects.select_related("quiz").get(
            pk=pk, quiz__in=quizzes_visible_to(request.user)
        )
    except QuizSection.DoesNotExist as exc:
        raise Http404 from exc


def _section_form_page(request: HttpRequest, quiz: Quiz, section: QuizSection | None):
    form = SectionForm(request.POST or None, instance=section or QuizSection(quiz=quiz))
    if request.method == "POST" and form.is_valid():
        try:
            services.quiz_section_save(quiz=quiz, section=section, **form.section_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Section saved."))
            return redirect("assessments:manage-quiz", quiz.pk)
    title = _("Edit section") if section else _("New section")
    return _simple_form_page(
        request,
        form,
        title=f"{title} · {quiz}",
        back=(_reverse("assessments:manage-quiz", quiz.pk), _("Back to the quiz")),
    )


@login_required
def section_create(request: HttpRequest, quiz_pk: int) -> HttpResponse:
    return _section_form_page(request, _authoring_quiz(request, quiz_pk), None)


@login_required
def section_edit(request: HttpRequest, pk: int) -> HttpResponse:
    section = _authoring_section(request, pk)
    return _section_form_page(request, section.quiz, section)


@login_required
@require_POST
def section_delete(request: HttpRequest, pk: int) -> HttpResponse:
    section = _authoring_section(request, pk)
    services.quiz_section_delete(section=section)
    messages.success(request, _("Section deleted; its questions stay in the quiz."))
    return redirect("assessments:manage-quiz", section.quiz_id)


# --- Draw rules ----------------------------------------------------------------------


def _authoring_rule(request: HttpRequest, pk: int) -> DrawRule:
    _author_or_404(request)
    try:
        return DrawRule.objects.select_related("quiz").get(
            pk=pk, quiz__in=quizzes_visible_to(request.user)
        )
    except DrawRule.DoesNotExist as exc:
        raise Http404 from exc


def _rule_form_page(request: HttpRequest, quiz: Quiz, rule: DrawRule | None):
    form = DrawRuleForm(request.POST or None, instance=rule or DrawRule(quiz=quiz))
    if request.method == "POST" and form.is_valid():
        try:
            services.draw_rule_save(quiz=quiz, rule=rule, **form.rule_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Draw rule saved."))
            return redirect("assessments:manage-quiz", quiz.pk)
    title = _("Edit draw rule") if rule else _("New draw rule")
    return _simple_form_page(
        request,
        form,
        title=f"{title} · {quiz}",
        back=(_reverse("assessments:manage-quiz", quiz.pk), _("Back to the quiz")),
    )


@login_required
def rule_create(request: HttpRequest, quiz_pk: int) -> HttpResponse:
    return _rule_form_page(request, _authoring_quiz(request, quiz_pk), None)


@login_required
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rule = _authoring_rule(request, pk)
    return _rule_form_page(request, rule.quiz, rule)


@login_required
@require_POST
def rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    rule = _authoring_rule(request, pk)
    quiz_id = rule.quiz_id
    try:
        services.draw_rule_delete(rule=rule)
    except ValidationError as exc:  # a published quiz would be left impossible to draw
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Draw rule deleted."))
    return redirect("assessments:manage-quiz", quiz_id)


# --- Results -------------------------------------------------------------------------


def _results_or_404(request: HttpRequest) -> None:
    if not can_see_results(request.user):
        raise Http404


def _local_minute(moment) -> str:
    # As on the page: the viewer's time zone, to the minute (a spreadsheet cannot hold
    # an aware datetime).
    return date_format(timezone.localtime(moment), "Y-m-d H:i") if moment else ""


def _result_label(attempt) -> str:
    return _("Passed") if attempt.passed else _("Not passed")


@login_required
def results(request: HttpRequest) -> HttpResponse:
    """Quizzes with the number of results the viewer may see, and a person chooser."""
    _results_or_404(request)
    context = {
        "quizzes": selectors.results_quizzes_for(request.user),
        "people": selectors.results_people_for(request.user),
        "is_author": can_author(request.user),
    }
    return render(request, "assessments/results/index.html", context)


@login_required
def results_quiz(request: HttpRequest, pk: int) -> HttpResponse:
    """Submitted attempts at one quiz by the people the viewer looks after, best first."""
    _results_or_404(request)
    user = request.user
    try:
        quiz = selectors.results_quizzes_for(user).get(pk=pk)
    except Quiz.DoesNotExist as exc:
        raise Http404 from exc
    teams = list(teams_visible_to(user).order_by("code"))
    team_code = request.GET.get("team", "")
    if team_code not in {team.code for team in teams}:
        team_code = ""
    page = selectors.results_for_quiz(
        user, quiz, team_code=team_code, page_number=request.GET.get("page", 1)
    )
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        headers = [
            _("Person"),
            _("Team"),
            _("Attempt"),
            pgettext("column", "Submitted"),
            _("Score"),
            _("Maximum score"),
            _("Score (%)"),
            _("Result"),
        ]
        rows = (
            [
                str(a.agent),
                str(a.agent.team) if a.agent.team else "",
                a.number,
                _local_minute(a.submitted_at),
                a.score,
                a.max_score,
                a.percent,
                _result_label(a),
            ]
            for a in page.paginator.object_list
        )
        return table_response(fmt, headers, rows, f"results-{quiz.code}")
    # Trainers see every result but open one person's page only for people they look
    # after: link the names they may open.
    linkable = set(
        people_visible_to(user)
        .filter(pk__in={attempt.agent_id for attempt in page.object_list})
        .values_list("pk", flat=True)
    )
    context = {
        "quiz": quiz,
        "page": page,
        "linkable": linkable,
        "teams": teams,
        "team_code": team_code,
        "is_author": can_author(user),
    }
    if request.htmx:
        return render(request, "assessments/results/quiz.html#table", context)
    return render(request, "assessments/results/quiz.html", context)


@login_required
def results_person_pick(request: HttpRequest) -> HttpResponse:
    """The person chooser of the results page (a GET form) lands here."""
    _results_or_404(request)
    person_id = _int_or_none(request.GET.get("person"))
    if person_id is None:
        return redirect("assessments:results")
    return redirect("assessments:results-person", person_id)


@login_required
def results_person(request: HttpRequest, pk: int) -> HttpResponse:
    """One person's attempts at every quiz; only for someone the viewer looks after."""
    _results_or_404(request)
    try:
        person = person_get_for(request.user, pk)
    except User.DoesNotExist as exc:
        raise Http404 from exc
    attempts = selectors.results_for_person(request.user, person)
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        headers = [
            _("Quiz"),
            _("Attempt"),
            _("Started"),
            pgettext("column", "Submitted"),
            _("Score"),
            _("Maximum score"),
            _("Score (%)"),
            _("Result"),
        ]
        rows = (
            [
                str(a.quiz),
                a.number,
                _local_minute(a.started_at),
                *(
                    [a.get_status_display(), "", "", "", ""]
                    if a.is_open
                    else [
                        _local_minute(a.submitted_at),
                        a.score,
                        a.max_score,
                        a.percent,
                        _result_label(a),
                    ]
                ),
            ]
            for a in attempts
        )
        return table_response(fmt, headers, rows, f"results-person-{person.pk}")
    context = {"person": person, "attempts": attempts}
    return render(request, "assessments/results/person.html", context)
