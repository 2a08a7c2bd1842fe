"""The knowledge-quiz journey of issue 4, end to end through the real URLs.

"A trainer imports a question file, builds a random-draw quiz and attaches it to a course;
an agent takes it within its time limit and sees their result; the competency evidence
appears in their profile; nothing about the answers is visible before submission."

Like tests/test_journeys.py these tests walk the pages as a browser would: links and form
actions (and the values a form would send) are read from the pages, and the database is
checked after each step. The test reads ``Attempt.key`` from the database only to choose
the answers; the agent's pages are checked never to reveal it. The clock is a patched
``django.utils.timezone.now`` moved forward by hand: nothing sleeps.
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone

from assessments import importing
from assessments.models import Answer, Attempt, DrawRule, Question, QuestionBank, Quiz
from assessments.signals import assessment_passed
from courses.models import Course, Enrolment, LessonProgress
from lms.models import Competency, CompetencyLevel, Evidence, Level, User
from tests.courses.factories import enrolment_for, published_course
from tests.lms.factories import PASSWORD, CompetencyFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
MARKERS = [f"解析-MARK-{n}" for n in range(1, 9)]
BANK_CODE = "returns-journey"
QUIZ_CODE = "returns-journey-quiz"
QUIZ_TITLE = "退换货政策随机测验"
TIME_LIMIT = datetime.timedelta(minutes=10)


# --- A controllable clock ---------------------------------------------------------------


class Clock:
    """Stands in for ``timezone.now``: a fixed instant that moves only when told to."""

    def __init__(self, start: datetime.datetime):
        self.now = start

    def __call__(self) -> datetime.datetime:
        return self.now

    def advance(self, **delta: float) -> datetime.datetime:
        self.now += datetime.timedelta(**delta)
        return self.now


@pytest.fixture
def clock():
    clock = Clock(timezone.now().replace(microsecond=0))
    with mock.patch("django.utils.timezone.now", new=clock):
        yield clock


# --- Reading pages and their forms -------------------------------------------------------


def signed_in(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD), user.username
    return client


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def block(text: str, tag: str, element_id: str) -> str:
    match = re.search(rf'<{tag}[^>]*\bid="{element_id}".*?</{tag}>', text, flags=re.S)
    assert match, f"no <{tag} id={element_id}>"
    return match.group(0)


def first_href(fragment: str, pattern: str) -> str:
    match = re.search(rf'href="({pattern})"', fragment)
    assert match, f"no link matching {pattern}"
    return match.group(1)


@dataclass
class Form:
    action: str
    attrs: dict[str, str]
    # What submitting the form sends (without any button): name, value.
    fields: list[tuple[str, str]] = field(default_factory=list)
    # Every value a radio button, checkbox or select of that name could send.
    choices: dict[str, list[str]] = field(default_factory=dict)

    def data(self, **changes) -> dict[str, list[str]]:
        """The form's data as a browser would post it; ``name=None`` unticks or empties."""
        data: dict[str, list[str]] = {}
        for name, value in self.fields:
            data.setdefault(name, []).append(value)
        for name, value in changes.items():
            if value is None:
                data.pop(name, None)
            else:
                data[name] = [str(v) for v in value] if isinstance(value, list) else [str(value)]
        return data


class _FormParser(HTMLParser):
    """The forms of a page with the values a browser would submit: disabled controls and
    buttons left out, boxes only when ticked, a select's chosen option (else its first)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: tuple[str, list[tuple[str, bool]], bool] | None = None
        self._textarea: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        a = {key: value if value is not None else "" for key, value in attrs}
        if tag == "form":
            self._form = Form(action=a.get("action", ""), attrs=a)
            self.forms.append(self._form)
            return
        name = a.get("name")
        if self._form is None or "disabled" in a:
            return
        if tag == "input" and name:
            kind = a.get("type", "text")
            value = a.get("value", "")
            if kind in ("checkbox", "radio"):
                self._form.choices.setdefault(name, []).append(value or "on")
                if "checked" in a:
                    self._form.fields.append((name, value or "on"))
            elif kind not in ("submit", "button", "reset", "file", "image"):
                self._form.fields.append((name, value))
        elif tag == "select" and name:
            self._select = (name, [], "multiple" in a)
        elif tag == "option" and self._select is not None:
            assert "value" in a, "options carry their value"
            self._select[1].append((a["value"], "selected" in a))
        elif tag == "textarea" and name:
            self._textarea = (name, [])

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, options, multiple = self._select
            chosen = [value for value, selected in options if selected]
            if not chosen and not multiple and options:
                chosen = [options[0][0]]
            self._form.fields.extend((name, value) for value in chosen)
            self._form.choices[name] = [value for value, _selected in options]
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            name, parts = self._textarea
            # Browsers drop the newline that follows <textarea>.
            self._form.fields.append((name, "".join(parts).removeprefix("\n")))
            self._textarea = None


def forms_of(text: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(text)
    parser.close()
    return parser.forms


def form_posting_to(text: str, pattern: str) -> Form:
    found = [form for form in forms_of(text) if re.fullmatch(pattern, form.action)]
    assert len(found) == 1, f"{len(found)} forms posting to {pattern}"
    return found[0]


def form_with_field(text: str, name: str) -> Form:
    found = [
        form
        for form in forms_of(text)
        if any(n == name for n, _v in form.fields) or name in form.choices
    ]
    assert len(found) == 1, f"{len(found)} forms with a field {name}"
    return found[0]


# --- Things that must not reach an agent before submission -------------------------------


def assert_no_key(text: str, key: dict) -> None:
    """Nothing of the answer key: no explanation, no marker of the right options."""
    for marker in MARKERS:
        assert marker not in text
    for secret in key.values():
        assert secret["explanation_zh"] and secret["explanation_zh"] not in text
        assert secret["explanation_en"] and secret["explanation_en"] not in text
    assert not re.search(r"correct|explanation|answer.?key", text, flags=re.I)
    assert "opt-key" not in text
    assert "item-right" not in text and "item-wrong" not in text


def option_skeletons(form_html: str, texts: list[str]) -> set[str]:
    """Each option's markup with its own text and id taken out: one skeleton for all
    options means the markup cannot tell the right option from the others."""
    items = re.findall(r"<li><label>.*?</label></li>", form_html, flags=re.S)
    assert len(items) == len(texts)
    skeletons = set()
    for item, text in zip(items, texts, strict=True):
        assert text in item
        skeleton = re.sub(r'value="\d+"', 'value=""', item.replace(text, ""))
        skeletons.add(skeleton.replace(" checked", ""))
    return skeletons


# --- The question file -------------------------------------------------------------------


def question_file(competency: Competency) -> bytes:
    """Eight questions of the three types, all tagged with the competency at basic level,
    each with its own explanation marker."""
    rows = [
        ("single", "七天无理由退货从哪天开始计算？", ["下单当天", "签收次日", "发货当天"], "B"),
        ("single", "退货运费险一般由谁购买？", ["卖家或买家", "快递员", "平台客服"], "A"),
        ("single", "商品签收后发现破损，首先应做什么？", ["直接拒收", "拍照留证", "差评"], "B"),
        ("single", "定制商品是否适用七天无理由？", ["适用", "不适用", "看心情"], "B"),
        ("multiple", "哪些属于规范服务用语？", ["您好", "应该吧", "感谢支持", "不知道"], "A,C"),
        ("multiple", "退款前需核对哪些信息？", ["天气", "订单号", "星座", "退货物流单号"], "B,D"),
        ("true_false", "客户情绪激动时应先安抚情绪再处理问题。", [], "正确"),
        ("true_false", "退款可以不经核实直接打到客户私人账户。", [], "错误"),
    ]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(importing.COLUMNS)
    for (kind, text, options, answer), marker in zip(rows, MARKERS, strict=True):
        cells = dict.fromkeys(importing.COLUMNS, "")
        cells.update(
            type=kind,
            question_zh=text,
            answer=answer,
            explanation_zh=f"{marker}：{text}",
            explanation_en=f"Why, see {marker}",
            competency=competency.code,
            level="basic",
            difficulty="easy",
        )
        for column, option in zip(importing.OPTION_COLUMNS, options, strict=False):
            cells[column] = option
        writer.writerow([cells[column] for column in importing.COLUMNS])
    return out.getvalue().encode("utf-8")


def upload(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("退换货题目.csv", data, content_type="text/csv")


# --- 1. The trainer builds the quiz through the authoring pages ---------------------------


def trainer_builds_the_quiz(trainer: User, *, course: Course, competency: Competency) -> Quiz:
    """Bank, import (check, then import), random-draw quiz, draw rule, course and evidence,
    publishing: each step a POST to the page's own form, checked in the database."""
    client = signed_in(trainer)

    # A new question bank.
    banks_url = reverse("assessments:manage-banks")
    new_bank_url = first_href(html(client.get(banks_url)), r"/manage/banks/new/")
    form = form_with_field(html(client.get(new_bank_url)), "code")
    created = client.post(
        form.action or new_bank_url,
        form.data(code=BANK_CODE, title_zh="退换货政策题库", title_en="Returns policy"),
    )
    bank = QuestionBank.objects.get(code=BANK_CODE)
    assert created.status_code == 302
    assert created.url == reverse("assessments:manage-bank", args=[bank.pk])
    assert bank.title_zh == "退换货政策题库" and bank.created_by == trainer
    assert not bank.questions.exists()

    # Its import page: "check only" first (the htmx button), which saves nothing.
    data = question_file(competency)
    import_url = first_href(html(client.get(created.url)), r"/manage/banks/\d+/import/")
    import_page = html(client.get(import_url))
    form = form_posting_to(import_page, re.escape(import_url))
    assert 'name="check"' in import_page and 'name="import"' in import_page
    checked = client.post(
        form.action, {**form.data(), "file": upload(data), "check": "1"}, headers=HTMX
    )
    report = block(html(checked), "div", "import-report")
    assert "<html" not in html(checked)  # the report partial only
    assert re.search(r"\b8\b", report) and "退换货题目.csv" in report
    assert "import-errors" not in report
    assert not bank.questions.exists()

    # Then the import itself.
    imported = client.post(form.action, {**form.data(), "file": upload(data), "import": "1"})
    assert imported.status_code == 302 and imported.url == created.url
    questions = list(bank.questions.order_by("pk"))
    assert len(questions) == 8
    assert [q.kind for q in questions] == ["single"] * 4 + ["multiple"] * 2 + ["true_false"] * 2
    assert all(q.competency == competency and q.level == Level.BASIC for q in questions)
    assert all(q.created_by == trainer and q.is_active for q in questions)
    assert [q.explanation_zh.split("：")[0] for q in questions] == MARKERS
    bank_page = html(client.get(created.url))
    assert all(q.text_zh in bank_page for q in questions)

    # A random-draw quiz: 10 minutes, 2 attempts, one question per screen.
    quizzes_url = reverse("assessments:manage-quizzes")
    new_quiz_url = first_href(html(client.get(quizzes_url)), r"/manage/quizzes/new/")
    form = form_with_field(html(client.get(new_quiz_url)), "time_limit_minutes")
    created = client.post(
        form.action or new_quiz_url,
        form.data(
            code=QUIZ_CODE,
            title_zh=QUIZ_TITLE,
            title_en="Returns policy quiz",
            mode=Quiz.Mode.RANDOM,
            time_limit_minutes=10,
            attempt_limit=2,
            pass_mark=60,
            one_per_page="on",
        ),
    )
    quiz = Quiz.objects.get(code=QUIZ_CODE)
    quiz_url = reverse("assessments:manage-quiz", args=[quiz.pk])
    assert created.status_code == 302 and created.url == quiz_url
    assert (quiz.mode, quiz.status) == (Quiz.Mode.RANDOM, Quiz.Status.DRAFT)
    assert (quiz.time_limit_minutes, quiz.attempt_limit, quiz.pass_mark) == (10, 2, 60)
    assert quiz.one_per_page and quiz.shuffle_questions and quiz.shuffle_options
    assert quiz.allow_review  # the form's default, as the page sent it
    assert quiz.course is None and quiz.competency is None and quiz.created_by == trainer

    # A draw rule: five questions of the bank tagged with the competency.
    rule_url = first_href(html(client.get(quiz_url)), r"/manage/quizzes/\d+/rules/new/")
    form = form_with_field(html(client.get(rule_url)), "count")
    added = client.post(
        form.action or rule_url, form.data(bank=bank.pk, competency=competency.pk, count=5)
    )
    assert added.status_code == 302 and added.url == quiz_url
    rule = DrawRule.objects.get(quiz=quiz)
    assert (rule.bank, rule.competency, rule.count, rule.marks_each) == (bank, competency, 5, 1)
    assert rule.level is None and rule.difficulty is None and rule.section is None
    detail = client.get(quiz_url)
    assert [r.matches for r in detail.context["rules"]] == [8]
    assert detail.context["problems"] == []

    # Its settings: required step of the course, evidencing the competency at basic.
    edit_url = first_href(html(detail), r"/manage/quizzes/\d+/edit/")
    form = form_with_field(html(client.get(edit_url)), "course")
    assert str(course.pk) in form.choices["course"]
    edited = client.post(
        form.action or edit_url,
        form.data(
            course=course.pk,
            required_for_course="on",
            competency=competency.pk,
            level=Level.BASIC,
        ),
    )
    assert edited.status_code == 302 and edited.url == quiz_url
    quiz.refresh_from_db()
    assert quiz.course == course and quiz.required_for_course
    assert quiz.competency == competency and quiz.level == Level.BASIC
    assert (quiz.time_limit_minutes, quiz.attempt_limit, quiz.pass_mark) == (10, 2, 60)
    assert quiz.status == Quiz.Status.DRAFT and quiz.code == QUIZ_CODE

    # Publishing.
    form = form_posting_to(html(client.get(quiz_url)), r"/manage/quizzes/\d+/publish/")
    published = client.post(form.action, form.data())
    assert published.status_code == 302 and published.url == quiz_url
    quiz.refresh_from_db()
    assert quiz.status == Quiz.Status.PUBLISHED
    return quiz


def test_trainer_imports_questions_builds_a_random_quiz_attaches_it_and_publishes_it(
    trainer, agent
):
    competency = CompetencyFactory(name_zh="退换货政策")
    course = published_course(title_zh="退换货入门课程")

    # An agent may not author: the page is not there for them, and nothing is created.
    refused = signed_in(agent).post(
        reverse("assessments:manage-bank-create"), {"code": BANK_CODE, "title_zh": "题库"}
    )
    assert refused.status_code == 404
    assert not QuestionBank.objects.exists()

    quiz = trainer_builds_the_quiz(trainer, course=course, competency=competency)

    # Published, it is open to agents: listed on My quizzes with a start button.
    row = block(
        html(signed_in(agent).get(reverse("assessments:my-quizzes"))), "tr", f"quiz-{quiz.pk}"
    )
    assert QUIZ_TITLE in row and course.title_zh in row
    assert reverse("assessments:quiz-start", args=[quiz.pk]) in row


# --- 2 and 3. The agent takes it in time, then sees the result and the evidence -------------


def competency_row(client: Client, competency: Competency) -> str:
    profile = block(html(client.get(reverse("my-profile"))), "section", "profile")
    found = [
        row
        for row in re.findall(r"<tr\b.*?</tr>", profile, flags=re.S)
        if competency.name_zh in row
    ]
    assert len(found) == 1
    return found[0]


def mark_every_lesson_done(client: Client, course: Course) -> list[int]:
    """Follow the course page's button and each lesson's "next" link, marking each done."""
    course_page = html(client.get(reverse("courses:course-detail", args=[course.pk])))
    url = first_href(block(course_page, "section", "my-enrolment"), r"/learning/\d+/lessons/\d+/")
    marked = []
    while url:
        page = html(client.get(url))
        done = form_posting_to(page, r"/learning/\d+/lessons/\d+/done/")
        html(client.post(done.action, done.data(), headers=HTMX))
        marked.append(resolve(done.action).kwargs["lesson_id"])
        following = re.search(r'<a href="([^"]+)" rel="next">', page)
        url = following.group(1) if following else None
    return marked


def question_screens(client: Client, attempt_url: str) -> list[tuple[str, Form]]:
    """Every question screen of a one-per-page attempt, following the "next" links."""
    screens, url = [], attempt_url
    while url:
        page = html(client.get(url))
        screens.append((page, form_posting_to(page, r"/attempts/\d+/answers/\d+/")))
        following = re.search(r'<a href="([^"]+)" rel="next">', page)
        url = following.group(1) if following else None
    return screens


def test_agent_takes_the_quiz_in_time_sees_no_key_then_the_result_evidence_and_completion(
    trainer, agent, clock, django_capture_on_commit_callbacks
):
    competency = CompetencyFactory(name_zh="退换货政策")
    course = published_course(title_zh="退换货入门课程", lessons=2)
    enrolment = enrolment_for(agent, course)
    quiz = trainer_builds_the_quiz(trainer, course=course, competency=competency)
    client = signed_in(agent)

    # Before: no level in the competency, and the lessons alone do not complete the course.
    assert "lvl-0" in competency_row(client, competency)
    assert "lvl-1" not in competency_row(client, competency)
    lessons = mark_every_lesson_done(client, course)
    assert lessons == [item["id"] for item in enrolment.version.snapshot["lessons"]]
    assert LessonProgress.objects.filter(enrolment=enrolment).count() == 2
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.IN_PROGRESS
    assert enrolment.progress == 100 and enrolment.completed_at is None

    # My quizzes: the start button. The server fixes the deadline and draws five questions.
    started_at = clock.now
    my_quizzes = html(client.get(reverse("assessments:my-quizzes")))
    start = form_posting_to(block(my_quizzes, "tr", f"quiz-{quiz.pk}"), r"/quizzes/\d+/start/")
    started = client.post(start.action, start.data())
    attempt = Attempt.objects.get(quiz=quiz, agent=agent)
    assert started.status_code == 302
    assert started.url == reverse("assessments:attempt", args=[attempt.pk])
    assert attempt.is_open and attempt.number == 1
    assert attempt.started_at == started_at and attempt.deadline == started_at + TIME_LIMIT
    assert len(attempt.paper) == 5 and attempt.max_score == 5
    drawn = Question.objects.in_bulk([entry["id"] for entry in attempt.paper])
    assert len(drawn) == 5 and all(q.bank.code == BANK_CODE for q in drawn.values())
    key = attempt.key  # read by the test only, to choose the answers
    drawn_markers = {key[str(pk)]["explanation_zh"].split("：")[0] for pk in drawn}
    assert len(drawn_markers) == 5

    # While the attempt is open, everything the agent gets is collected and checked.
    seen: list[str] = []
    screens = question_screens(client, started.url)
    assert len(screens) == 5
    entries = {entry["id"]: entry for entry in attempt.paper}
    for number, (page, form) in enumerate(screens, start=1):
        seen.append(page)
        question_id = resolve(form.action).kwargs["question_id"]
        entry = entries[question_id]
        assert entry == attempt.paper[number - 1]
        assert drawn[question_id].text_zh in page
        # The page offers exactly the drawn options, all alike.
        assert sorted(form.choices["selected"]) == sorted(str(o["id"]) for o in entry["options"])
        texts = [option["text_zh"] for option in entry["options"]]
        assert len(option_skeletons(block(page, "form", f"q-{number}"), texts)) == 1
        assert f'data-deadline="{attempt.deadline.isoformat(timespec="milliseconds")}"' in page

    # The agent answers each screen through its autosave: four right, the last one wrong.
    for number, (_page, form) in enumerate(screens, start=1):
        clock.advance(minutes=1)
        question_id = resolve(form.action).kwargs["question_id"]
        right = key[str(question_id)]["correct"]
        if number < 5:
            chosen = right
        else:
            chosen = [
                next(o["id"] for o in entries[question_id]["options"] if o["id"] not in right)
            ]
        assert form.attrs["hx-post"] == form.action
        saved = client.post(form.action, form.data(selected=chosen), headers=HTMX)
        seen.append(html(saved))
        assert "✓" in block(html(saved), "p", f"save-{question_id}")
        answer = Answer.objects.get(attempt=attempt, question_id=question_id)
        assert answer.selected == sorted(chosen) and answer.saved_at == clock.now
    assert clock.now - started_at == datetime.timedelta(minutes=5)  # inside the time limit

    # The other pages the agent can reach meanwhile.
    attempt_page = client.get(started.url)
    assert "key" not in attempt_page.context["attempt"].__dict__  # not even in the context
    seen.append(html(attempt_page))
    seen.append(html(client.get(reverse("assessments:quiz-detail", args=[quiz.pk]))))
    seen.append(html(client.get(reverse("assessments:my-quizzes"))))
    seen.append(html(client.get(reverse("assessments:history"))))
    course_page = html(client.get(reverse("courses:course-detail", args=[course.pk])))
    block_url = re.search(r'id="course-quizzes" hx-get="([^"]+)"', course_page).group(1)
    course_block = html(client.get(block_url, headers=HTMX))
    assert QUIZ_TITLE in course_block
    seen += [course_page, course_block]
    for text in seen:
        assert_no_key(text, key)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.IN_PROGRESS  # not before the pass

    # Submitting: scored on the server, passed, signalled once.
    passes = []

    def on_passed(sender, attempt, **kwargs):
        passes.append(attempt.pk)

    assessment_passed.connect(on_passed, dispatch_uid="quiz-journey-passed")
    try:
        clock.advance(minutes=1)
        submit = form_posting_to(html(attempt_page), r"/attempts/\d+/submit/")
        with django_capture_on_commit_callbacks(execute=True):
            submitted = client.post(submit.action, submit.data())
    finally:
        assessment_passed.disconnect(dispatch_uid="quiz-journey-passed")
    result_url = reverse("assessments:attempt-result", args=[attempt.pk])
    assert submitted.status_code == 302 and submitted.url == result_url
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED and attempt.submitted_at == clock.now
    assert (attempt.score, attempt.percent, attempt.passed) == (Decimal(4), Decimal(80), True)
    assert passes == [attempt.pk]

    # The result page: the score, passed, and now the report with the explanations.
    result = html(client.get(result_url))
    score = block(result, "section", "score")
    assert "80%" in score and "quiz-passed" in score and "quiz-failed" not in score
    report = block(result, "section", "report")
    assert all(marker in report for marker in drawn_markers)
    assert not any(marker in report for marker in set(MARKERS) - drawn_markers)
    assert report.count("item-right") == 4 and report.count("item-wrong") == 1

    # The evidence: recorded from the quiz, shown at basic on the agent's profile.
    evidence = Evidence.objects.get(agent=agent, competency=competency)
    assert (evidence.level, evidence.source) == (Level.BASIC, Evidence.Source.QUIZ)
    assert evidence.source_ref == f"quiz-attempt:{attempt.pk}"
    assert CompetencyLevel.objects.get(agent=agent, competency=competency).level == Level.BASIC
    row = competency_row(client, competency)
    assert "lvl-1" in row and "lvl-0" not in row

    # Every lesson done and the quiz passed: the course is complete.
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert enrolment.completed_at == clock.now


# --- 4. A second agent submits late --------------------------------------------------------


def test_late_submission_counts_only_the_answers_saved_before_the_deadline(
    trainer, other_agent, clock
):
    competency = CompetencyFactory(name_zh="退换货政策")
    course = published_course(title_zh="退换货入门课程")
    quiz = trainer_builds_the_quiz(trainer, course=course, competency=competency)
    client = signed_in(other_agent)

    my_quizzes = html(client.get(reverse("assessments:my-quizzes")))
    start = form_posting_to(block(my_quizzes, "tr", f"quiz-{quiz.pk}"), r"/quizzes/\d+/start/")
    started = client.post(start.action, start.data())
    attempt = Attempt.objects.get(quiz=quiz, agent=other_agent)
    assert attempt.deadline == clock.now + TIME_LIMIT
    key = attempt.key  # read by the test only, to choose the answers
    screens = question_screens(client, started.url)
    submit = form_posting_to(screens[-1][0], r"/attempts/\d+/submit/")

    def save(number: int, *, right: bool):
        form = screens[number - 1][1]
        question_id = resolve(form.action).kwargs["question_id"]
        correct = key[str(question_id)]["correct"]
        options = [o["id"] for o in attempt.paper[number - 1]["options"]]
        chosen = correct if right else [next(o for o in options if o not in correct)]
        return question_id, client.post(form.action, form.data(selected=chosen), headers=HTMX)

    # Before the deadline: two right answers and one wrong are saved.
    clock.advance(minutes=3)
    for number, right in ((1, True), (2, True), (3, False)):
        save(number, right=right)
    assert attempt.answers.count() == 3

    # After it: a new answer and a change are both refused, and say so.
    clock.advance(minutes=8)
    assert clock.now > attempt.deadline
    late_id, late = save(4, right=True)
    changed_id, changed = save(3, right=True)
    for number, response in ((4, late), (3, changed)):
        assert 'class="errors"' in html(response)
        assert response["HX-Retarget"] == f"#q-{number}" and response["HX-Reswap"] == "outerHTML"
        assert_no_key(html(response), key)
    assert not Answer.objects.filter(attempt=attempt, question_id=late_id).exists()
    kept = Answer.objects.get(attempt=attempt, question_id=changed_id)
    assert kept.selected != sorted(key[str(changed_id)]["correct"])  # still the wrong one
    assert attempt.answers.count() == 3

    # Submitted late: scored with what was saved in time, handed in at the deadline.
    submitted = client.post(submit.action, submit.data())
    result_url = reverse("assessments:attempt-result", args=[attempt.pk])
    assert submitted.status_code == 302 and submitted.url == result_url
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED
    assert attempt.submitted_at == attempt.deadline
    assert (attempt.score, attempt.percent, attempt.passed) == (Decimal(2), Decimal(40), False)
    marks = dict(attempt.answers.values_list("question_id", "marks_awarded"))
    assert sorted(marks.values()) == [Decimal(0), Decimal(1), Decimal(1)]
    score = block(html(client.get(result_url)), "section", "score")
    assert "40%" in score and "quiz-failed" in score
    assert not Evidence.objects.filter(agent=other_agent).exists()
