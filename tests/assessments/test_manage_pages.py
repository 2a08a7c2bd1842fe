"""Authoring pages (banks, questions, imports, quizzes, preview, item analysis) and the
results pages: who may use them, what they change, and in how many queries they answer."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext as _
from openpyxl import Workbook

from assessments import importing, services
from assessments.models import Attempt, DrawRule, Option, Question, QuestionBank, Quiz
from lms.models import Level, Role
from tests.assessments.factories import (
    DrawRuleFactory,
    QuestionBankFactory,
    QuizFactory,
    QuizQuestionFactory,
    published_quiz,
    question,
)
from tests.lms.factories import CompetencyFactory, UserFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


def html(response) -> str:
    return response.content.decode()


def sit(quiz: Quiz, agent, picks: list[int | None]) -> Attempt:
    """Start, answer (option index per question, None = skip) and submit an attempt."""
    attempt = services.attempt_start(quiz=quiz, agent=agent)
    for entry, pick in zip(attempt.paper, picks, strict=True):
        if pick is not None:
            services.answer_save(
                attempt=attempt,
                question_id=entry["id"],
                selected=[entry["options"][pick]["id"]],
            )
    return services.attempt_submit(attempt=attempt)


def question_post_data(**overrides) -> dict:
    data = {
        "kind": "single",
        "text_zh": "七天无理由退货从哪天开始计算？",
        "text_en": "When does the 7-day return period start?",
        "explanation_zh": "自签收次日起计算。",
        "explanation_en": "",
        "competency": "",
        "level": "",
        "difficulty": "2",
        "option_0_zh": "下单当天",
        "option_1_zh": "签收次日",
        "option_2_zh": "发货当天",
    }
    for i in range(6):
        data.setdefault(f"option_{i}_zh", "")
        data.setdefault(f"option_{i}_en", "")
    data.update(overrides)
    return data


def csv_upload(rows: list[list[str]], name: str = "questions.csv") -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(importing.COLUMNS)
    for row in rows:
        writer.writerow(row)
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8"), content_type="text/csv")


def row(kind, text, options=(), answer="", competency="", level="", difficulty="") -> list[str]:
    """A data row in the order of ``importing.COLUMNS``."""
    cells = dict.fromkeys(importing.COLUMNS, "")
    cells.update(type=kind, question_zh=text, answer=answer, competency=competency)
    cells.update(level=level, difficulty=difficulty)
    for column, option in zip(importing.OPTION_COLUMNS, options, strict=False):
        cells[column] = option
    return [cells[c] for c in importing.COLUMNS]


@pytest.fixture
def world(agent, trainer):
    """A bank with questions, a fixed quiz with a section and an attempt, a random quiz
    with a draw rule: one of each thing the authoring pages show."""
    bank = QuestionBankFactory(code="returns", title_zh="退货题库")
    first = question(bank, text_zh="退货运费由谁承担？")
    second = question(bank, text_zh="签收后几天内可以申请退货？")
    question(bank, text_zh="备用题目：换货流程")
    quiz = QuizFactory(code="after-sales", title_zh="售后测验")
    section = services.quiz_section_save(quiz=quiz, title_zh="第一部分")
    item = QuizQuestionFactory(quiz=quiz, question=first, order=1, section=section)
    QuizQuestionFactory(quiz=quiz, question=second, order=2)
    services.quiz_publish(quiz=quiz)
    sit(quiz, agent, [0, 1])
    random_quiz = QuizFactory(code="random-draw", title_zh="随机抽题测验", mode=Quiz.Mode.RANDOM)
    rule = DrawRuleFactory(quiz=random_quiz, bank=bank, count=2)
    return {
        "bank": bank,
        "question": first,
        "quiz": quiz,
        "item": item,
        "section": section,
        "random_quiz": random_quiz,
        "rule": rule,
        "agent": agent,
    }


# --- Who may use the pages -------------------------------------------------------------

PAGES = [
    ("/manage/banks/", "退货题库"),
    ("/manage/banks/new/", 'name="title_zh"'),
    ("/manage/banks/{bank}/", "退货运费由谁承担？"),
    ("/manage/banks/{bank}/edit/", "退货题库"),
    ("/manage/banks/{bank}/import/", 'type="file"'),
    ("/manage/banks/{bank}/questions/new/", 'name="option_0_zh"'),
    ("/manage/questions/{question}/", "退货运费由谁承担？"),
    ("/manage/quizzes/", "售后测验"),
    ("/manage/quizzes/new/", 'name="pass_mark"'),
    ("/manage/quizzes/{quiz}/", "退货运费由谁承担？"),
    ("/manage/quizzes/{quiz}/edit/", "售后测验"),
    ("/manage/quizzes/{quiz}/items/add/", "备用题目：换货流程"),
    ("/manage/quiz-items/{item}/replace/", "备用题目：换货流程"),
    ("/manage/quizzes/{quiz}/preview/", "退货运费由谁承担？"),
    ("/manage/quizzes/{random_quiz}/preview/", "解析：按规定处理。"),
    ("/manage/quizzes/{quiz}/analysis/", "退货运费由谁承担？"),
    ("/manage/quizzes/{quiz}/sections/new/", 'name="intro_zh"'),
    ("/manage/quiz-sections/{section}/", "第一部分"),
    ("/manage/quizzes/{random_quiz}/rules/new/", 'name="marks_each"'),
    ("/manage/draw-rules/{rule}/", "随机抽题测验"),
]
# Results pages: trainers see every quiz's results; one person's results are for the
# people who look after them (HR here).
RESULTS_PAGES = [
    ("/results/", "售后测验"),
    ("/results/quizzes/{quiz}/", "王雨桐"),
    ("/results/people/{agent}/", "售后测验"),
]


@pytest.mark.parametrize(
    ("template", "expected", "allowed"),
    [(*page, "trainer") for page in PAGES] + [(*page, "hr") for page in RESULTS_PAGES],
)
def test_agent_gets_404_on_every_authoring_and_results_page(
    client, world, request, template, expected, allowed
):
    url = template.format(**{key: obj.pk for key, obj in world.items()})

    client.force_login(world["agent"])
    refused = client.get(url)
    assert refused.status_code == 404
    assert "退货题库" not in html(refused)
    assert "退货运费由谁承担？" not in html(refused)

    client.force_login(request.getfixturevalue(allowed))
    response = client.get(url)
    assert response.status_code == 200
    assert expected in html(response)


def test_agent_gets_404_on_the_import_template_then_trainer_downloads_it(client, agent, trainer):
    client.force_login(agent)
    assert client.get("/manage/banks/import-template.csv").status_code == 404

    client.force_login(trainer)
    response = client.get("/manage/banks/import-template.csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'attachment; filename="' in response["Content-Disposition"]
    assert response["Content-Disposition"].endswith('.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == importing.COLUMNS
    assert len(rows) > 1


def test_agent_posts_get_404_and_change_nothing(client, world, trainer):
    quiz, random_quiz = world["quiz"], world["random_quiz"]
    posts = [
        (f"/manage/questions/{world['question'].pk}/retire/", {"active": "0"}),
        (f"/manage/quizzes/{random_quiz.pk}/publish/", {}),
        (f"/manage/quizzes/{quiz.pk}/archive/", {}),
        (f"/manage/quizzes/{quiz.pk}/items/", {f"remove_{world['item'].pk}": "on"}),
        (f"/manage/quiz-sections/{world['section'].pk}/delete/", {}),
        (f"/manage/draw-rules/{world['rule'].pk}/delete/", {}),
        (f"/manage/banks/{world['bank'].pk}/import/", {"file": csv_upload([])}),
    ]
    client.force_login(world["agent"])
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url

    world["question"].refresh_from_db()
    quiz.refresh_from_db()
    random_quiz.refresh_from_db()
    assert world["question"].is_active
    assert (quiz.status, random_quiz.status) == (Quiz.Status.PUBLISHED, Quiz.Status.DRAFT)
    assert quiz.items.count() == 2
    assert quiz.sections.count() == 1
    assert random_quiz.draw_rules.count() == 1

    client.force_login(trainer)
    response = client.post(posts[0][0], posts[0][1])
    assert response.status_code == 302
    world["question"].refresh_from_db()
    assert not world["question"].is_active


def test_mentor_may_see_results_but_not_authoring_pages(client, world, mentor):
    client.force_login(mentor)
    assert client.get("/manage/banks/").status_code == 404
    assert client.get(f"/manage/quizzes/{world['quiz'].pk}/analysis/").status_code == 404
    assert client.get(f"/manage/quizzes/{world['quiz'].pk}/preview/").status_code == 404

    response = client.get(f"/results/quizzes/{world['quiz'].pk}/")
    assert response.status_code == 200
    assert "王雨桐" in html(response)


# --- Banks and questions ---------------------------------------------------------------


def test_trainer_creates_a_bank(client, agent, trainer):
    data = {"code": "logistics", "title_zh": "物流题库", "title_en": "Logistics", "description": ""}
    client.force_login(agent)
    assert client.post("/manage/banks/new/", data).status_code == 404
    assert not QuestionBank.objects.exists()

    client.force_login(trainer)
    response = client.post("/manage/banks/new/", data)

    bank = QuestionBank.objects.get()
    assert response.url == f"/manage/banks/{bank.pk}/"
    assert (bank.code, bank.title_zh, bank.created_by) == ("logistics", "物流题库", trainer)


def test_question_without_a_correct_option_shows_the_error_and_saves_nothing(client, trainer):
    bank = QuestionBankFactory()
    client.force_login(trainer)

    response = client.post(f"/manage/banks/{bank.pk}/questions/new/", question_post_data())

    assert response.status_code == 200
    assert response.context["form"].has_error("__all__", "correct_one")
    assert _("Mark exactly one option as correct.") in html(response)
    assert not Question.objects.exists()
    assert not Option.objects.exists()


def test_ticked_option_without_text_is_reported_not_dropped(client, trainer):
    bank = QuestionBankFactory()
    client.force_login(trainer)

    response = client.post(
        f"/manage/banks/{bank.pk}/questions/new/",
        question_post_data(option_1_correct="on", option_3_correct="on"),
    )

    assert response.context["form"].has_error("__all__", "option_text")
    assert not Question.objects.exists()


def test_trainer_creates_a_tagged_single_choice_question(client, trainer):
    bank = QuestionBankFactory()
    competency = CompetencyFactory(name_zh="电商平台后台")
    client.force_login(trainer)

    response = client.post(
        f"/manage/banks/{bank.pk}/questions/new/",
        question_post_data(
            option_1_correct="on",
            option_1_en="The day after delivery",
            competency=competency.pk,
            level=Level.ADVANCED,
            difficulty="3",
        ),
    )

    assert response.url == f"/manage/banks/{bank.pk}/"
    created = Question.objects.get()
    assert (created.kind, created.text_zh, created.created_by) == (
        "single",
        "七天无理由退货从哪天开始计算？",
        trainer,
    )
    assert (created.competency, created.level, created.difficulty) == (competency, 2, 3)
    assert [(o.text_zh, o.text_en, o.is_correct) for o in created.options.all()] == [
        ("下单当天", "", False),
        ("签收次日", "The day after delivery", True),
        ("发货当天", "", False),
    ]


def test_true_false_question_uses_the_true_is_correct_box(client, trainer):
    bank = QuestionBankFactory()
    client.force_login(trainer)

    client.post(
        f"/manage/banks/{bank.pk}/questions/new/",
        question_post_data(kind="true_false", text_zh="客户情绪激动时应先处理问题再安抚。"),
    )

    created = Question.objects.get()
    assert created.kind == "true_false"
    assert [(o.text_zh, o.is_correct) for o in created.options.all()] == [
        ("正确", False),
        ("错误", True),
    ]


def test_trainer_edits_a_question_and_its_options(client, trainer):
    existing = question(text_zh="旧题干", options=3, correct=(0,))
    client.force_login(trainer)

    response = client.post(
        f"/manage/questions/{existing.pk}/",
        question_post_data(
            kind="multiple", text_zh="新题干", option_0_correct="on", option_2_correct="on"
        ),
    )

    assert response.status_code == 302
    existing.refresh_from_db()
    assert (existing.text_zh, existing.kind) == ("新题干", "multiple")
    assert [o.is_correct for o in existing.options.all()] == [True, False, True]


def test_bank_search_answers_with_the_partial_for_htmx(client, trainer):
    bank = QuestionBankFactory()
    question(bank, text_zh="物流延迟怎么安抚客户？")
    question(bank, text_zh="退款多久到账？")
    client.force_login(trainer)

    response = client.get(f"/manage/banks/{bank.pk}/", {"q": "物流"}, **HTMX)

    assert "<html" not in html(response)
    assert "物流延迟怎么安抚客户？" in html(response)
    assert "退款多久到账？" not in html(response)


# --- Import ----------------------------------------------------------------------------


def test_import_reports_every_bad_row_with_its_line_and_imports_nothing(client, trainer):
    bank = QuestionBankFactory()
    CompetencyFactory(code="crm")
    upload = csv_upload(
        [
            row("single", "好题一", ["甲", "乙"], "A", competency="crm"),  # line 2
            row("essay", "题型不对"),  # line 3
            row("multiple", "好题二", ["甲", "乙", "丙"], "A,C"),  # line 4
            row("single", "答案指向空选项", ["甲", "乙"], "D"),  # line 5
            row("true_false", "能力代码不存在", answer="正确", competency="nope"),  # line 6
        ]
    )
    client.force_login(trainer)

    response = client.post(f"/manage/banks/{bank.pk}/import/", {"file": upload, "import": "1"})

    assert response.status_code == 200
    errors = response.context["report"]["errors"]
    assert [e.line for e in errors] == [3, 5, 6]
    page = html(response)
    for error in errors:
        assert f'<td class="num">{error.line}</td>' in page
        assert str(error.message) in page
    assert "nope" in page
    assert not Question.objects.exists()


def test_check_only_saves_nothing_and_says_how_many_are_ready(client, trainer):
    bank = QuestionBankFactory()
    upload = csv_upload(
        [
            row("single", "好题一", ["甲", "乙"], "B"),
            row("multiple", "好题二", ["甲", "乙", "丙"], "A,C"),
            row("判断", "好题三", answer="错误"),
        ]
    )
    client.force_login(trainer)

    response = client.post(f"/manage/banks/{bank.pk}/import/", {"file": upload, "check": "1"})

    assert response.context["report"] == {
        "dry_run": True,
        "filename": "questions.csv",
        "errors": [],
        "count": 3,
    }
    assert not Question.objects.exists()


def test_check_only_by_htmx_answers_with_the_report_partial(client, trainer):
    bank = QuestionBankFactory()
    upload = csv_upload([row("essay", "题型不对")])
    client.force_login(trainer)

    response = client.post(
        f"/manage/banks/{bank.pk}/import/", {"file": upload, "check": "1"}, **HTMX
    )

    page = html(response)
    assert "<html" not in page
    assert 'id="import-report"' in page
    assert '<td class="num">2</td>' in page


def test_good_csv_creates_the_questions(client, trainer):
    bank = QuestionBankFactory()
    competency = CompetencyFactory(code="returns-policy")
    upload = csv_upload(
        [
            row(
                "single",
                "七天无理由从何时起算？",
                ["下单 | Order", "签收次日"],
                "B",
                "returns-policy",
                "1",
                "easy",
            ),
            row("multiple", "哪些是规范用语？", ["您好", "可能吧", "感谢支持"], "A,C"),
            row("true_false", "可以向客户承诺无法兑现的赔偿。", answer="false"),
        ]
    )
    client.force_login(trainer)

    response = client.post(f"/manage/banks/{bank.pk}/import/", {"file": upload, "import": "1"})

    assert response.url == f"/manage/banks/{bank.pk}/"
    questions = list(bank.questions.order_by("id"))
    assert [(q.kind, q.text_zh) for q in questions] == [
        ("single", "七天无理由从何时起算？"),
        ("multiple", "哪些是规范用语？"),
        ("true_false", "可以向客户承诺无法兑现的赔偿。"),
    ]
    assert (questions[0].competency, questions[0].level, questions[0].difficulty) == (
        competency,
        1,
        1,
    )
    assert [(o.text_zh, o.text_en, o.is_correct) for o in questions[0].options.all()] == [
        ("下单", "Order", False),
        ("签收次日", "", True),
    ]
    assert [o.is_correct for o in questions[1].options.all()] == [True, False, True]
    assert [o.is_correct for o in questions[2].options.all()] == [False, True]
    assert {q.created_by for q in questions} == {trainer}


def test_good_xlsx_creates_the_questions(client, trainer):
    bank = QuestionBankFactory()
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(importing.COLUMNS)
    sheet.append(
        row("单选", "物流显示签收但客户说没收到，先做什么？", ["核实物流轨迹", "直接退款"], "A")
    )
    sheet.append(row("判断", "投诉处理中可以使用“应该”“可能”等模糊用语。", answer="错误"))
    data = io.BytesIO()
    workbook.save(data)
    upload = SimpleUploadedFile("questions.xlsx", data.getvalue())
    client.force_login(trainer)

    response = client.post(f"/manage/banks/{bank.pk}/import/", {"file": upload, "import": "1"})

    assert response.status_code == 302
    assert sorted(bank.questions.values_list("kind", "text_zh")) == sorted(
        [
            ("single", "物流显示签收但客户说没收到，先做什么？"),
            ("true_false", "投诉处理中可以使用“应该”“可能”等模糊用语。"),
        ]
    )


# --- Quizzes ---------------------------------------------------------------------------


def quiz_post_data(**overrides) -> dict:
    data = {
        "code": "logistics-basics",
        "title_zh": "物流基础测验",
        "title_en": "Logistics basics",
        "description_zh": "",
        "description_en": "",
        "mode": "fixed",
        "time_limit_minutes": "20",
        "attempt_limit": "3",
        "pass_mark": "80",
        "competency": "",
        "level": "",
        "course": "",
        "shuffle_questions": "on",
        "allow_review": "on",
    }
    data.update(overrides)
    return data


def test_trainer_creates_a_quiz_and_model_validation_errors_are_shown(client, agent, trainer):
    competency = CompetencyFactory()
    client.force_login(agent)
    assert client.post("/manage/quizzes/new/", quiz_post_data()).status_code == 404

    client.force_login(trainer)
    refused = client.post("/manage/quizzes/new/", quiz_post_data(competency=competency.pk))
    assert refused.status_code == 200
    assert _("Give both the competency and the level, or neither.") in html(refused)
    assert not Quiz.objects.exists()

    response = client.post(
        "/manage/quizzes/new/", quiz_post_data(competency=competency.pk, level=Level.BASIC)
    )
    quiz = Quiz.objects.get()
    assert response.url == f"/manage/quizzes/{quiz.pk}/"
    assert (quiz.code, quiz.status, quiz.time_limit_minutes, quiz.attempt_limit) == (
        "logistics-basics",
        Quiz.Status.DRAFT,
        20,
        3,
    )
    assert (quiz.competency, quiz.level, quiz.created_by) == (competency, 1, trainer)
    assert (quiz.shuffle_questions, quiz.shuffle_options, quiz.allow_review) == (True, False, True)


def test_editing_a_published_quiz_saves_its_settings_or_refuses_what_would_stop_it(
    client, agent, trainer
):
    quiz = published_quiz(code="logistics-basics", title_zh="物流基础测验")
    url = f"/manage/quizzes/{quiz.pk}/edit/"
    client.force_login(agent)
    assert client.post(url, quiz_post_data(title_zh="改名")).status_code == 404

    client.force_login(trainer)
    refused = client.post(url, quiz_post_data(title_zh="改名", mode="random"))
    assert refused.status_code == 200
    problem = _("This quiz is published and could no longer be taken: %(problem)s") % {
        "problem": _("Add at least one draw rule.")
    }
    assert problem in refused.context["form"].non_field_errors()
    quiz.refresh_from_db()
    assert (quiz.title_zh, quiz.mode, quiz.status) == (
        "物流基础测验",
        Quiz.Mode.FIXED,
        Quiz.Status.PUBLISHED,
    )

    response = client.post(url, quiz_post_data(title_zh="物流进阶测验", pass_mark="90"))
    assert response.url == f"/manage/quizzes/{quiz.pk}/"
    quiz.refresh_from_db()
    assert (quiz.code, quiz.title_zh, quiz.pass_mark, quiz.status) == (
        "logistics-basics",
        "物流进阶测验",
        90,
        Quiz.Status.PUBLISHED,
    )


def test_random_quiz_asking_for_too_many_questions_cannot_be_published(client, trainer):
    bank = QuestionBankFactory(title_zh="平台规则题库")
    question(bank)
    question(bank)
    client.force_login(trainer)
    client.post("/manage/quizzes/new/", quiz_post_data(mode="random"))
    quiz = Quiz.objects.get()
    client.post(
        f"/manage/quizzes/{quiz.pk}/rules/new/",
        {"bank": bank.pk, "count": "5", "marks_each": "2", "level": "", "difficulty": ""},
    )
    rule = DrawRule.objects.get()
    assert (rule.quiz, rule.bank, rule.count, rule.marks_each) == (quiz, bank, 5, 2)

    detail = client.get(f"/manage/quizzes/{quiz.pk}/")
    assert [(r.count, r.matches, r.short) for r in detail.context["rules"]] == [(5, 2, True)]

    response = client.post(f"/manage/quizzes/{quiz.pk}/publish/", follow=True)

    problems = services.quiz_problems(quiz)
    assert problems
    shown = [str(m) for m in response.context["messages"]]
    assert all(problem in shown for problem in problems)
    assert all(problem in html(response) for problem in problems)
    quiz.refresh_from_db()
    assert quiz.status == Quiz.Status.DRAFT


def test_publishing_a_ready_quiz_then_archiving_it(client, trainer):
    bank = QuestionBankFactory()
    question(bank)
    question(bank)
    quiz = QuizFactory(mode=Quiz.Mode.RANDOM)
    DrawRuleFactory(quiz=quiz, bank=bank, count=2)
    client.force_login(trainer)

    client.post(f"/manage/quizzes/{quiz.pk}/publish/")
    quiz.refresh_from_db()
    assert quiz.status == Quiz.Status.PUBLISHED

    client.post(f"/manage/quizzes/{quiz.pk}/archive/")
    quiz.refresh_from_db()
    assert quiz.status == Quiz.Status.ARCHIVED


def test_replacing_a_question_keeps_its_place_and_marks(client, agent, trainer):
    bank = QuestionBankFactory()
    quiz = QuizFactory()
    section = services.quiz_section_save(quiz=quiz, title_zh="物流")
    items = [
        QuizQuestionFactory(quiz=quiz, question=question(bank), order=1, marks=1),
        QuizQuestionFactory(quiz=quiz, question=question(bank), order=2, marks=3, section=section),
        QuizQuestionFactory(quiz=quiz, question=question(bank), order=3, marks=1),
    ]
    newcomer = question(bank, text_zh="新的物流题")
    url = f"/manage/quiz-items/{items[1].pk}/replace/"

    client.force_login(agent)
    assert client.post(url, {"question": newcomer.pk}).status_code == 404
    items[1].refresh_from_db()
    assert items[1].question != newcomer

    client.force_login(trainer)
    response = client.post(url, {"question": newcomer.pk})

    assert response.url == f"/manage/quizzes/{quiz.pk}/"
    assert [(i.question, i.order, i.marks, i.section) for i in quiz.items.order_by("order")] == [
        (items[0].question, 1, 1, None),
        (newcomer, 2, 3, section),
        (items[2].question, 3, 1, None),
    ]


def test_replacing_with_a_question_already_in_the_quiz_is_refused(client, trainer):
    quiz = QuizFactory()
    first = QuizQuestionFactory(quiz=quiz, order=1)
    second = QuizQuestionFactory(quiz=quiz, order=2)
    client.force_login(trainer)

    response = client.post(
        f"/manage/quiz-items/{first.pk}/replace/", {"question": second.question.pk}
    )

    assert response.status_code == 200
    assert response.context["form"].has_error("__all__", "twice")
    first.refresh_from_db()
    assert first.question != second.question


def test_adding_questions_from_the_banks_appends_them_with_their_marks(client, trainer):
    bank = QuestionBankFactory()
    quiz = QuizFactory()
    kept = QuizQuestionFactory(quiz=quiz, question=question(bank), order=1, marks=4)
    extra = [question(bank, text_zh="加入一"), question(bank, text_zh="加入二")]
    client.force_login(trainer)

    picker = client.get(f"/manage/quizzes/{quiz.pk}/items/add/", {"q": "加入"})
    assert [q.pk for q in picker.context["page"].object_list] == [q.pk for q in extra]

    response = client.post(
        f"/manage/quizzes/{quiz.pk}/items/add/",
        {"questions": [q.pk for q in extra], "marks": "2"},
    )

    assert response.status_code == 302
    assert [(i.question, i.order, i.marks) for i in quiz.items.order_by("order")] == [
        (kept.question, 1, 4),
        (extra[0], 2, 2),
        (extra[1], 3, 2),
    ]


def test_items_form_reorders_changes_marks_and_sections_and_removes(client, trainer):
    quiz = QuizFactory()
    section = services.quiz_section_save(quiz=quiz, title_zh="服务用语")
    a, b, c = (QuizQuestionFactory(quiz=quiz, order=n) for n in (1, 2, 3))
    client.force_login(trainer)

    response = client.post(
        f"/manage/quizzes/{quiz.pk}/items/",
        {
            f"order_{a.pk}": "3",
            f"marks_{a.pk}": "1",
            f"section_{a.pk}": "",
            f"order_{b.pk}": "1",
            f"marks_{b.pk}": "5",
            f"section_{b.pk}": str(section.pk),
            f"order_{c.pk}": "2",
            f"marks_{c.pk}": "1",
            f"remove_{c.pk}": "on",
        },
    )

    assert response.status_code == 302
    assert [(i.question, i.order, i.marks, i.section) for i in quiz.items.order_by("order")] == [
        (b.question, 1, 5, section),
        (a.question, 2, 1, None),
    ]


def test_preview_draws_a_paper_with_the_answers_and_saves_no_attempt(client, agent, trainer):
    bank = QuestionBankFactory()
    for n in range(4):
        question(bank, text_zh=f"预览题{n}", correct=(n % 3,))
    quiz = QuizFactory(mode=Quiz.Mode.RANDOM, shuffle_options=True)
    DrawRuleFactory(quiz=quiz, bank=bank, count=3, marks_each=2)
    url = f"/manage/quizzes/{quiz.pk}/preview/"

    client.force_login(agent)
    assert client.get(url).status_code == 404

    client.force_login(trainer)
    response = client.get(url)

    paper = response.context["paper"]
    assert len(paper) == 3
    assert {q.marks for q in paper} == {2}
    correct = set(Option.objects.filter(is_correct=True).values_list("pk", flat=True))
    for entry in paper:
        assert {o.id for o in entry.options if o.correct} == {
            o.id for o in entry.options if o.id in correct
        }
        assert entry.explanation == "解析：按规定处理。"
    assert "解析：按规定处理。" in html(response)
    assert not Attempt.objects.exists()


def test_preview_of_an_undrawable_quiz_says_why(client, trainer):
    quiz = QuizFactory(mode=Quiz.Mode.RANDOM)
    DrawRuleFactory(quiz=quiz, bank=QuestionBankFactory(), count=2)
    client.force_login(trainer)

    response = client.get(f"/manage/quizzes/{quiz.pk}/preview/")

    assert response.status_code == 200
    assert response.context["paper"] == []
    problems = services.quiz_problems(quiz)
    assert problems
    assert response.context["problems"] == problems
    assert all(problem in html(response) for problem in problems)
    assert not Attempt.objects.exists()


# --- Results ---------------------------------------------------------------------------


@pytest.fixture
def teammate(team):
    return UserFactory(username="teammate", display_name="周同组", team=team)


@pytest.fixture
def results_quiz(agent, teammate, other_agent):
    quiz = published_quiz(questions=2, title_zh="退货规则测验")
    sit(quiz, agent, [0, 0])
    sit(quiz, teammate, [0, 1])
    sit(quiz, other_agent, [1, 1])
    return quiz


def result_names(response) -> set[str]:
    return {attempt.agent.display_name for attempt in response.context["page"].object_list}


def test_results_per_quiz_team_lead_sees_only_their_team(client, results_quiz, team_lead, agent):
    client.force_login(agent)
    assert client.get(f"/results/quizzes/{results_quiz.pk}/").status_code == 404

    client.force_login(team_lead)
    response = client.get(f"/results/quizzes/{results_quiz.pk}/")

    assert result_names(response) == {"王雨桐", "周同组"}
    assert "李思远" not in html(response)


def test_results_per_quiz_mentor_sees_only_mentees(client, results_quiz, mentor):
    client.force_login(mentor)

    response = client.get(f"/results/quizzes/{results_quiz.pk}/")

    assert result_names(response) == {"王雨桐"}
    assert "周同组" not in html(response)
    assert "李思远" not in html(response)
    # Results list people and scores, never the questions' keys or explanations.
    assert "解析：按规定处理。" not in html(response)


def test_results_per_quiz_hr_sees_everyone_and_filters_by_team(client, results_quiz, hr):
    client.force_login(hr)

    everyone = client.get(f"/results/quizzes/{results_quiz.pk}/")
    cosmetics = client.get(f"/results/quizzes/{results_quiz.pk}/", {"team": "cosmetics"}, **HTMX)

    assert result_names(everyone) == {"王雨桐", "周同组", "李思远"}
    assert "<html" not in html(cosmetics)
    assert "李思远" in html(cosmetics)
    assert "王雨桐" not in html(cosmetics)
    assert "周同组" not in html(cosmetics)
    first = everyone.context["page"].object_list[0]
    assert f"/attempts/{first.pk}/result/" in html(everyone)


def test_results_per_person_only_for_people_the_viewer_looks_after(
    client, results_quiz, mentor, agent, teammate
):
    client.force_login(mentor)
    assert client.get(f"/results/people/{teammate.pk}/").status_code == 404

    response = client.get(f"/results/people/{agent.pk}/")

    assert response.status_code == 200
    assert [a.agent for a in response.context["attempts"]] == [agent]
    assert "退货规则测验" in html(response)


def test_results_person_chooser_redirects_to_the_person(client, results_quiz, hr, teammate):
    client.force_login(hr)

    response = client.get("/results/people/", {"person": teammate.pk})

    assert response.url == f"/results/people/{teammate.pk}/"


# --- Item analysis ---------------------------------------------------------------------


def test_item_analysis_share_correct_and_most_chosen_wrong_option(client, mentor, trainer):
    quiz = published_quiz(questions=2, title_zh="分析测验")
    first, second = (item.question for item in quiz.items.order_by("order"))
    people = [UserFactory(roles=[Role.AGENT]) for _i in range(4)]
    # Question 1: three right, one chose option 2. Question 2: only one right.
    for person, picks in zip(people, [[0, 0], [0, 2], [0, 2], [1, 1]], strict=True):
        sit(quiz, person, picks)
    url = f"/manage/quizzes/{quiz.pk}/analysis/"

    client.force_login(mentor)
    assert client.get(url).status_code == 404

    client.force_login(trainer)
    response = client.get(url)

    stats = response.context["stats"]
    assert [s.question for s in stats] == [second, first]  # worst first
    worst, best = stats
    assert (worst.answered, worst.correct, str(worst.share_correct)) == (4, 1, "25.0")
    assert (worst.most_chosen_wrong.text_zh, worst.most_chosen_wrong_count) == ("选项3", 2)
    assert worst.flagged
    assert (best.answered, best.correct, str(best.share_correct)) == (4, 3, "75.0")
    assert (best.most_chosen_wrong.text_zh, best.most_chosen_wrong_count) == ("选项2", 1)
    assert not best.flagged
    page = html(response)
    assert "75.0 %" in page
    assert "25.0 %" in page
    assert page.count('class="flagged"') == 1


# --- Query counts ----------------------------------------------------------------------


def count_queries(client, url: str, **extra) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    assert response.status_code == 200
    return len(queries)


def test_bank_question_list_query_count_does_not_grow(client, trainer):
    bank = QuestionBankFactory()
    competency = CompetencyFactory()
    question(bank, competency=competency)
    client.force_login(trainer)
    url = f"/manage/banks/{bank.pk}/"
    client.get(url)

    small = count_queries(client, url)
    for n in range(8):
        question(bank, competency=CompetencyFactory() if n % 2 else competency, options=4)
    large = count_queries(client, url)

    assert small == large


def test_results_per_quiz_query_count_does_not_grow(client, hr):
    quiz = published_quiz(questions=2)
    sit(quiz, UserFactory(), [0, 1])
    client.force_login(hr)
    url = f"/results/quizzes/{quiz.pk}/"
    client.get(url)

    small = count_queries(client, url)
    for _i in range(6):
        sit(quiz, UserFactory(), [0, 0])
    large = count_queries(client, url)

    assert small == large


def test_item_analysis_query_count_does_not_grow(client, trainer):
    small_quiz = published_quiz(questions=2)
    large_quiz = published_quiz(questions=6)
    sit(small_quiz, UserFactory(), [0, 1])
    for _i in range(5):
        sit(large_quiz, UserFactory(), [0, 1, 2, 0, 1, 2])
    client.force_login(trainer)
    client.get(f"/manage/quizzes/{small_quiz.pk}/analysis/")

    small = count_queries(client, f"/manage/quizzes/{small_quiz.pk}/analysis/")
    large = count_queries(client, f"/manage/quizzes/{large_quiz.pk}/analysis/")

    assert small == large


def test_quiz_list_query_count_does_not_grow(client, trainer):
    published_quiz(questions=2)
    client.force_login(trainer)
    client.get("/manage/quizzes/")

    small = count_queries(client, "/manage/quizzes/")
    for _i in range(4):
        published_quiz(questions=3)
        DrawRuleFactory(quiz=QuizFactory(mode=Quiz.Mode.RANDOM))
    large = count_queries(client, "/manage/quizzes/")

    assert small == large
