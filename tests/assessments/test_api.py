"""The assessments API: for each endpoint the refused request, then the same one succeeding
for the right person, with the data it answers and the change it makes.

Answer-key secrecy first: every response an agent can get while an attempt is open is
searched for the key's fields and for marker strings planted in the explanations."""

import datetime
import json
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import gettext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from assessments import services
from assessments.models import Answer, Attempt, DrawRule, Question, QuestionBank, Quiz
from lms.models import Evidence, Level
from tests.assessments.factories import (
    QuestionBankFactory,
    QuizFactory,
    QuizQuestionFactory,
    published_quiz,
    question,
)
from tests.lms.factories import CompetencyFactory, UserFactory

SECRET_ZH = "解析密标-QK7Z-只在提交后可见"
SECRET_EN = "EXPLANATION-MARKER-QK7Z"
KEY_FIELDS = {"correct", "is_correct", "explanation", "explanation_zh", "explanation_en", "key"}


@pytest.fixture
def client():
    return APIClient()


def _as(client: APIClient, user) -> APIClient:
    client.force_login(user)
    return client


def _keys(data) -> set[str]:
    """Every key of a JSON document, at any depth."""
    if isinstance(data, dict):
        return set(data) | {k for value in data.values() for k in _keys(value)}
    if isinstance(data, list):
        return {k for value in data for k in _keys(value)}
    return set()


def _assert_no_answer_key(response) -> None:
    data = response.json()
    text = json.dumps(data, ensure_ascii=False)
    assert SECRET_ZH not in text
    assert SECRET_EN not in text
    assert not _keys(data) & KEY_FIELDS, _keys(data) & KEY_FIELDS


@pytest.fixture
def bank(db):
    return QuestionBankFactory(code="returns-bank", title_zh="退换货题库")


@pytest.fixture
def secret_quiz(bank):
    """A published quiz of two questions whose explanations carry the secret markers.

    Options are not shuffled: the first option of the single-choice question is right, and
    the first and third of the multiple-choice one."""
    quiz = QuizFactory(
        code="returns-quiz",
        title_zh="退换货测验",
        time_limit_minutes=30,
        attempt_limit=2,
        pass_mark=60,
        description_zh="共两题",
    )
    single = question(
        bank,
        text_zh="七天无理由退货从哪天开始计算？",
        explanation_zh=SECRET_ZH,
        explanation_en=SECRET_EN,
    )
    multiple = question(
        bank,
        kind=Question.Kind.MULTIPLE,
        text_zh="哪些是规范的服务用语？",
        correct=(0, 2),
        options=4,
        explanation_zh=SECRET_ZH + "-2",
        explanation_en=SECRET_EN + "-2",
    )
    QuizQuestionFactory(quiz=quiz, question=single, order=1, marks=1)
    QuizQuestionFactory(quiz=quiz, question=multiple, order=2, marks=2)
    return services.quiz_publish(quiz=quiz)


def _first_options(attempt: Attempt) -> dict[int, int]:
    """For each question of the paper, the id of its first option (the right one here)."""
    return {item["id"]: item["options"][0]["id"] for item in attempt.paper}


def _taken(quiz: Quiz, agent, *, right: bool = True) -> Attempt:
    """A submitted attempt, answered all right (read from the key, as only a test may) or
    all wrong (the first wrong option everywhere)."""
    attempt = services.attempt_start(quiz=quiz, agent=agent)
    for item in attempt.paper:
        correct = attempt.key[str(item["id"])]["correct"]
        wrong = [o["id"] for o in item["options"] if o["id"] not in correct][:1]
        services.answer_save(
            attempt=attempt, question_id=item["id"], selected=correct if right else wrong
        )
    return services.attempt_submit(attempt=attempt)


# --- Banks and questions -----------------------------------------------------------------


def test_banks_are_listed_and_created_by_authors_only(client, agent, trainer, bank):
    question(bank)
    question(bank, is_active=False)
    assert client.get("/api/banks/").status_code == 401
    assert _as(client, agent).get("/api/banks/").status_code == 403
    refused = client.post("/api/banks/", {"code": "logistics", "title_zh": "物流题库"})
    assert refused.status_code == 403
    assert not QuestionBank.objects.filter(code="logistics").exists()

    response = _as(client, trainer).get("/api/banks/")
    assert response.status_code == 200
    [row] = response.data["results"]
    assert (row["code"], row["title"], row["question_count"]) == ("returns-bank", "退换货题库", 1)

    created = client.post(
        "/api/banks/", {"code": "logistics", "title_zh": "物流题库"}, format="json"
    )
    assert created.status_code == 201
    new = QuestionBank.objects.get(code="logistics")
    assert (new.title_zh, new.created_by) == ("物流题库", trainer)
    assert (created.data["id"], created.data["question_count"]) == (new.pk, 0)

    taken = client.post("/api/banks/", {"code": "logistics", "title_zh": "重名"}, format="json")
    assert taken.status_code == 400
    assert set(taken.data) == {"code"}
    assert QuestionBank.objects.count() == 2


def test_bank_questions_with_their_keys_are_for_authors_only(client, agent, hr, trainer, bank):
    q = question(bank, text_zh="退款多久到账？", explanation_zh=SECRET_ZH)
    url = f"/api/banks/{bank.pk}/questions/"
    refused = _as(client, agent).get(url)
    assert refused.status_code == 403
    assert SECRET_ZH not in json.dumps(refused.json(), ensure_ascii=False)
    assert client.get("/api/banks/999999/questions/").status_code == 403

    response = _as(client, trainer).get(url)
    assert response.status_code == 200
    [row] = response.data["results"]
    assert (row["id"], row["text"], row["kind"], row["explanation_zh"]) == (
        q.pk,
        "退款多久到账？",
        "single",
        SECRET_ZH,
    )
    assert [(o["text_zh"], o["is_correct"]) for o in row["options"]] == [
        ("选项1", True),
        ("选项2", False),
        ("选项3", False),
    ]
    assert client.get(url, {"search": "物流"}).data["count"] == 0
    assert client.get("/api/banks/999999/questions/").status_code == 404
    assert _as(client, hr).get(url).data["count"] == 1  # HR authors too


def test_only_authors_add_questions(client, agent, trainer, bank):
    competency = CompetencyFactory(code="returns-refunds")
    payload = {
        "kind": "multiple",
        "text_zh": "以下哪些属于规范用语？",
        "explanation_zh": "礼貌且明确。",
        "competency": "returns-refunds",
        "level": 1,
        "difficulty": 1,
        "options": [
            {"text_zh": "您好", "text_en": "Hello", "is_correct": True},
            {"text_zh": "应该可以吧", "is_correct": False},
            {"text_zh": "感谢支持", "is_correct": True},
        ],
    }
    url = f"/api/banks/{bank.pk}/questions/"
    assert _as(client, agent).post(url, payload, format="json").status_code == 403
    assert not Question.objects.exists()

    response = _as(client, trainer).post(url, payload, format="json")
    assert response.status_code == 201
    created = Question.objects.get()
    assert (created.bank, created.kind, created.competency, created.level, created.created_by) == (
        bank,
        "multiple",
        competency,
        1,
        trainer,
    )
    assert [(o.text_zh, o.text_en, o.is_correct) for o in created.options.all()] == [
        ("您好", "Hello", True),
        ("应该可以吧", "", False),
        ("感谢支持", "", True),
    ]
    assert response.data["id"] == created.pk
    assert [o["is_correct"] for o in response.data["options"]] == [True, False, True]

    payload["kind"] = "single"
    payload["text_zh"] = "单选却有两个答案"
    bad = client.post(url, payload, format="json")
    assert bad.status_code == 400
    assert bad.data == {"detail": [gettext("Mark exactly one option as correct.")]}
    assert Question.objects.count() == 1


def test_a_question_is_a_404_to_non_authors_and_editable_by_authors(client, agent, trainer, bank):
    q = question(bank, text_zh="原题干")
    url = f"/api/questions/{q.pk}/"
    refused = _as(client, agent).patch(url, {"text_zh": "被改"}, format="json")
    assert refused.status_code == 404
    q.refresh_from_db()
    assert q.text_zh == "原题干"

    response = _as(client, trainer).patch(
        url,
        {
            "text_zh": "新题干",
            "options": [
                {"text_zh": "甲", "is_correct": False},
                {"text_zh": "乙", "is_correct": True},
            ],
        },
        format="json",
    )
    assert response.status_code == 200
    q.refresh_from_db()
    assert (q.text_zh, q.kind) == ("新题干", "single")
    assert [(o.text_zh, o.is_correct) for o in q.options.all()] == [("甲", False), ("乙", True)]
    assert [o["text_zh"] for o in response.data["options"]] == ["甲", "乙"]

    # A true/false question needs exactly two options: the kept ones are checked again.
    three = question(bank, options=3)
    changed = client.patch(f"/api/questions/{three.pk}/", {"kind": "true_false"}, format="json")
    assert changed.status_code == 400
    three.refresh_from_db()
    assert (three.kind, three.options.count()) == ("single", 3)
    assert client.patch("/api/questions/999999/", {"text_zh": "x"}).status_code == 404


HEADER = "type,question_zh,option_a,option_b,option_c,answer,explanation_zh\n"


def _csv(rows: str, name: str = "questions.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (HEADER + rows).encode("utf-8"), content_type="text/csv")


def test_import_refuses_non_authors(client, agent, bank):
    rows = "single,退款多久到账？,1天,3天,7天,B,\n"
    response = _as(client, agent).post(
        f"/api/banks/{bank.pk}/import/", {"file": _csv(rows)}, format="multipart"
    )
    assert response.status_code == 403
    assert not Question.objects.exists()


def test_an_import_with_errors_lists_every_bad_line_and_creates_nothing(client, trainer, bank):
    rows = (
        "single,退款多久到账？,1天,3天,7天,B,到账时间\n"  # line 2: good
        "single,缺答案的题,甲,乙,,,\n"  # line 3: no answer
        "true_false,客户激动时先安抚,,,,正确,\n"  # line 4: good
        "essay,问答题,甲,乙,,A,\n"  # line 5: unknown type
        "single,退款多久到账？,1天,3天,7天,B,\n"  # line 6: same as line 2
    )
    response = _as(client, trainer).post(
        f"/api/banks/{bank.pk}/import/", {"file": _csv(rows)}, format="multipart"
    )
    assert response.status_code == 400
    lines = [error["line"] for error in response.json()["errors"]]
    assert sorted(set(lines)) == [3, 5, 6]
    assert all(error["message"] for error in response.json()["errors"])
    assert not Question.objects.exists()


def test_a_good_import_checks_with_dry_run_then_creates_every_question(client, trainer, bank):
    rows = "single,退款多久到账？,1天,3天,7天,B,到账时间\ntrue_false,客户激动时先安抚,,,,正确,\n"
    url = f"/api/banks/{bank.pk}/import/"
    checked = _as(client, trainer).post(
        url, {"file": _csv(rows), "dry_run": "true"}, format="multipart"
    )
    assert checked.status_code == 200
    assert checked.json() == {"created": 0, "dry_run": True}
    assert not Question.objects.exists()

    response = client.post(url, {"file": _csv(rows)}, format="multipart")
    assert response.status_code == 201
    assert response.json() == {"created": 2, "dry_run": False}
    assert sorted(bank.questions.values_list("text_zh", flat=True)) == [
        "客户激动时先安抚",
        "退款多久到账？",
    ]
    assert Question.objects.get(text_zh="退款多久到账？").created_by == trainer


# --- Quizzes -----------------------------------------------------------------------------


def test_agents_list_published_quizzes_with_their_standing(client, agent, trainer, secret_quiz):
    QuizFactory(code="draft-quiz")
    _taken(secret_quiz, agent, right=False)

    response = _as(client, agent).get("/api/quizzes/")
    assert response.status_code == 200
    [row] = response.data["results"]
    assert (row["code"], row["title"], row["time_limit_minutes"], row["pass_mark"]) == (
        "returns-quiz",
        "退换货测验",
        30,
        60,
    )
    assert row["standing"] == {
        "attempts_used": 1,
        "attempts_left": 1,
        "best_percent": "0.00",
        "passed": False,
        "open_attempt": None,
    }
    _assert_no_answer_key(response)

    authored = _as(client, trainer).get("/api/quizzes/")
    assert [r["code"] for r in authored.data["results"]] == ["draft-quiz", "returns-quiz"]
    assert authored.data["results"][0]["standing"] is None


def test_quiz_detail_gives_agents_the_rules_and_authors_the_questions(
    client, agent, trainer, secret_quiz
):
    draft = QuizFactory(code="draft-quiz")
    assert _as(client, agent).get(f"/api/quizzes/{draft.pk}/").status_code == 404

    response = client.get(f"/api/quizzes/{secret_quiz.pk}/")
    assert response.status_code == 200
    data = response.json()
    assert (data["code"], data["question_count"], data["attempt_limit"], data["status"]) == (
        "returns-quiz",
        2,
        2,
        "published",
    )
    assert data["standing"]["attempts_left"] == 2
    assert not {"items", "draw_rules", "questions", "problems"} & set(data)
    _assert_no_answer_key(response)

    authored = _as(client, trainer).get(f"/api/quizzes/{secret_quiz.pk}/")
    assert [(i["question"]["text"], i["marks"]) for i in authored.data["items"]] == [
        ("七天无理由退货从哪天开始计算？", 1),
        ("哪些是规范的服务用语？", 2),
    ]
    assert (authored.data["problems"], authored.data["standing"]) == ([], None)
    assert client.get(f"/api/quizzes/{draft.pk}/").data["problems"]


def test_only_authors_create_quizzes_with_their_questions(client, agent, trainer, bank):
    first, second = question(bank), question(bank)
    competency = CompetencyFactory(code="returns-refunds")
    payload = {
        "code": "returns-basics",
        "title_zh": "退换货基础",
        "time_limit_minutes": 20,
        "attempt_limit": 3,
        "pass_mark": 80,
        "competency": "returns-refunds",
        "level": Level.BASIC,
        "items": [{"question": second.pk, "marks": 2}, {"question": first.pk}],
    }
    assert _as(client, agent).post("/api/quizzes/", payload, format="json").status_code == 403
    assert not Quiz.objects.exists()

    response = _as(client, trainer).post("/api/quizzes/", payload, format="json")
    assert response.status_code == 201
    quiz = Quiz.objects.get(code="returns-basics")
    assert (quiz.status, quiz.time_limit_minutes, quiz.competency, quiz.created_by) == (
        "draft",
        20,
        competency,
        trainer,
    )
    assert [(i.question, i.marks) for i in quiz.items.order_by("order")] == [
        (second, 2),
        (first, 1),
    ]
    assert response.data["question_count"] == 2

    twice = client.post(
        "/api/quizzes/",
        {"code": "twice", "title_zh": "重复", "items": [{"question": first.pk}] * 2},
        format="json",
    )
    assert twice.status_code == 400
    assert twice.data == {"detail": [gettext("A question appears twice in the quiz.")]}
    assert not Quiz.objects.filter(code="twice").exists()  # the quiz went with its items


def test_authors_build_a_random_draw_quiz_and_publish_it(client, agent, trainer, bank):
    for _ in range(3):
        question(bank, difficulty=1)
    payload = {
        "code": "random-quiz",
        "title_zh": "随机测验",
        "mode": "random",
        "draw_rules": [{"bank": bank.pk, "difficulty": 1, "count": 5, "marks_each": 2}],
    }
    response = _as(client, trainer).post("/api/quizzes/", payload, format="json")
    assert response.status_code == 201
    quiz = Quiz.objects.get(code="random-quiz")
    [rule] = DrawRule.objects.filter(quiz=quiz)
    assert (rule.bank, rule.difficulty, rule.count, rule.marks_each) == (bank, 1, 5, 2)
    url = f"/api/quizzes/{quiz.pk}/publish/"

    assert _as(client, agent).post(url).status_code == 404  # a draft: not there for agents
    too_few = _as(client, trainer).post(url)
    assert too_few.status_code == 400
    quiz.refresh_from_db()
    assert quiz.status == "draft"

    patched = client.patch(
        f"/api/quizzes/{quiz.pk}/",
        {"draw_rules": [{"bank": bank.pk, "count": 3}], "pass_mark": 70},
        format="json",
    )
    assert patched.status_code == 200
    assert [(r["count"], r["marks_each"]) for r in patched.data["draw_rules"]] == [(3, 1)]
    published = client.post(url)
    assert published.status_code == 200
    quiz.refresh_from_db()
    assert (quiz.status, quiz.pass_mark) == ("published", 70)
    assert published.data["status"] == "published"

    assert _as(client, agent).post(url).status_code == 403  # visible now, still not theirs


def test_only_authors_update_quizzes(client, agent, trainer, secret_quiz):
    url = f"/api/quizzes/{secret_quiz.pk}/"
    draft = QuizFactory()
    hidden = _as(client, agent).patch(f"/api/quizzes/{draft.pk}/", {"title_zh": "改"})
    assert hidden.status_code == 404
    refused = client.patch(url, {"title_zh": "改", "attempt_limit": 9}, format="json")
    assert refused.status_code == 403
    secret_quiz.refresh_from_db()
    assert (secret_quiz.title_zh, secret_quiz.attempt_limit) == ("退换货测验", 2)

    response = _as(client, trainer).patch(
        url, {"title_zh": "退换货测验（新）", "attempt_limit": None}, format="json"
    )
    assert response.status_code == 200
    secret_quiz.refresh_from_db()
    assert (secret_quiz.title_zh, secret_quiz.attempt_limit, secret_quiz.time_limit_minutes) == (
        "退换货测验（新）",
        None,
        30,
    )
    bad = client.patch(url, {"required_for_course": True}, format="json")
    assert bad.status_code == 400
    secret_quiz.refresh_from_db()
    assert secret_quiz.required_for_course is False


# --- Attempts: answer-key secrecy --------------------------------------------------------


def test_no_endpoint_reached_during_an_open_attempt_reveals_the_answer_key(
    client, agent, secret_quiz
):
    _as(client, agent)
    detail = client.get(f"/api/quizzes/{secret_quiz.pk}/")
    _assert_no_answer_key(detail)

    start = timezone.now()
    with mock.patch("django.utils.timezone.now", return_value=start):
        started = client.post(f"/api/quizzes/{secret_quiz.pk}/attempts/")
    assert started.status_code == 201
    _assert_no_answer_key(started)
    attempt = Attempt.objects.get(agent=agent)
    assert started.data["id"] == attempt.pk
    assert [q["text"] for q in started.data["questions"]] == [
        "七天无理由退货从哪天开始计算？",
        "哪些是规范的服务用语？",
    ]
    assert started.data["seconds_left"] == 30 * 60
    first_id = started.data["questions"][0]["id"]
    first_option = started.data["questions"][0]["options"][0]["id"]

    saved = client.put(
        f"/api/attempts/{attempt.pk}/answers/{first_id}/", {"selected": [first_option]}, "json"
    )
    assert saved.status_code == 200
    _assert_no_answer_key(saved)
    assert Answer.objects.get(attempt=attempt, question_id=first_id).selected == [first_option]

    for url in (
        f"/api/attempts/{attempt.pk}/",
        "/api/attempts/",
        f"/api/attempts/?quiz={secret_quiz.pk}",
        "/api/quizzes/",
        f"/api/quizzes/{secret_quiz.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_no_answer_key(response)

    again = client.get(f"/api/attempts/{attempt.pk}/")
    assert again.data["questions"][0]["options"][0]["selected"] is True
    assert again.data["questions"][0]["answered"] is True
    assert again.data["report"] is None
    resumed = client.post(f"/api/quizzes/{secret_quiz.pk}/attempts/")
    assert (resumed.status_code, resumed.data["id"]) == (200, attempt.pk)
    _assert_no_answer_key(resumed)


def test_the_schema_of_the_agents_question_has_no_answer_key(client, agent):
    schema = _as(client, agent).get("/api/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]
    for name in ("AttemptQuestion", "AttemptOption", "QuizDetail", "Quiz", "Answer"):
        properties = set(components[name]["properties"])
        assert not properties & KEY_FIELDS, name
    questions = components["AttemptDetail"]["properties"]["questions"]
    assert "AttemptQuestion" in json.dumps(questions)
    # The report, which has them, is a separate component.
    assert {"correct"} <= set(components["ReviewOption"]["properties"])


def test_after_submission_the_report_appears_only_when_the_quiz_allows_review(
    client, agent, mentor, trainer, secret_quiz
):
    secret_quiz.allow_review = False
    secret_quiz.save(update_fields=["allow_review"])
    attempt = services.attempt_start(quiz=secret_quiz, agent=agent)
    right = _first_options(attempt)

    submitted = _as(client, agent).post(f"/api/attempts/{attempt.pk}/submit/")
    assert submitted.status_code == 200
    assert (submitted.data["status"], submitted.data["score"], submitted.data["passed"]) == (
        "submitted",
        "0.00",
        False,
    )
    assert (submitted.data["report"], submitted.data["questions"]) == (None, None)
    _assert_no_answer_key(submitted)
    _assert_no_answer_key(client.get(f"/api/attempts/{attempt.pk}/"))

    # The mentor, often an agent taking the same quizzes, sees the score but not the key;
    # the trainer reviews it whatever the quiz allows.
    mentor_view = _as(client, mentor).get(f"/api/attempts/{attempt.pk}/")
    assert mentor_view.data["percent"] == "0.00"
    assert mentor_view.data["report"] is None
    _assert_no_answer_key(mentor_view)
    trainer_view = _as(client, trainer).get(f"/api/attempts/{attempt.pk}/")
    assert trainer_view.data["report"][0]["explanation"] == SECRET_ZH

    secret_quiz.allow_review = True
    secret_quiz.save(update_fields=["allow_review"])
    response = _as(client, agent).get(f"/api/attempts/{attempt.pk}/")
    first = response.data["report"][0]
    assert (first["explanation"], first["is_correct"], first["marks_awarded"]) == (
        SECRET_ZH,
        False,
        "0.00",
    )
    assert [o["id"] for o in first["options"] if o["correct"]] == [right[first["id"]]]
    second = response.data["report"][1]
    assert sum(o["correct"] for o in second["options"]) == 2


def test_another_agent_gets_404_on_the_attempt_and_its_answers(
    client, agent, other_agent, mentor, secret_quiz
):
    attempt = services.attempt_start(quiz=secret_quiz, agent=agent)
    question_id, option_id = next(iter(_first_options(attempt).items()))
    answer_url = f"/api/attempts/{attempt.pk}/answers/{question_id}/"

    _as(client, other_agent)
    assert client.get(f"/api/attempts/{attempt.pk}/").status_code == 404
    assert client.put(answer_url, {"selected": [option_id]}, format="json").status_code == 404
    assert client.post(f"/api/attempts/{attempt.pk}/submit/").status_code == 404
    assert client.get("/api/attempts/").data["count"] == 0
    # The mentor sees the attempt but neither its paper nor its answer form.
    _as(client, mentor)
    watched = client.get(f"/api/attempts/{attempt.pk}/")
    assert (watched.status_code, watched.data["questions"]) == (200, None)
    assert client.put(answer_url, {"selected": [option_id]}, format="json").status_code == 404
    assert not Answer.objects.exists()
    attempt.refresh_from_db()
    assert attempt.status == "in_progress"

    response = _as(client, agent).put(answer_url, {"selected": [option_id]}, format="json")
    assert response.status_code == 200
    assert response.data["question"] == question_id
    assert Answer.objects.get().selected == [option_id]


def test_the_attempt_limit_is_a_400_and_starts_nothing(client, agent, secret_quiz):
    _taken(secret_quiz, agent, right=False)
    secret_quiz.attempt_limit = 1
    secret_quiz.save(update_fields=["attempt_limit"])

    refused = _as(client, agent).post(f"/api/quizzes/{secret_quiz.pk}/attempts/")
    assert refused.status_code == 400
    assert refused.data == {
        "detail": [gettext("You have used all %(limit)s attempts at this quiz.") % {"limit": 1}]
    }
    assert Attempt.objects.filter(agent=agent).count() == 1

    secret_quiz.attempt_limit = 2
    secret_quiz.save(update_fields=["attempt_limit"])
    started = client.post(f"/api/quizzes/{secret_quiz.pk}/attempts/")
    assert (started.status_code, started.data["number"]) == (201, 2)
    assert Attempt.objects.filter(agent=agent).count() == 2


def test_an_answer_after_the_deadline_is_a_400_and_the_saved_one_stays(client, agent, secret_quiz):
    started_at = timezone.now()
    attempt = services.attempt_start(quiz=secret_quiz, agent=agent, now=started_at)
    question_id = attempt.paper[0]["id"]
    first, second = (o["id"] for o in attempt.paper[0]["options"][:2])
    services.answer_save(attempt=attempt, question_id=question_id, selected=[first], now=started_at)
    url = f"/api/attempts/{attempt.pk}/answers/{question_id}/"
    _as(client, agent)

    with mock.patch("django.utils.timezone.now", return_value=attempt.deadline):
        late = client.put(url, {"selected": [second]}, format="json")
    assert late.status_code == 400
    assert late.data == {"detail": [gettext("Time is up: answers can no longer be changed.")]}
    assert Answer.objects.get(attempt=attempt).selected == [first]

    just_in_time = attempt.deadline - datetime.timedelta(seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=just_in_time):
        response = client.put(url, {"selected": [second]}, format="json")
        detail = client.get(f"/api/attempts/{attempt.pk}/")
    assert response.status_code == 200
    assert Answer.objects.get(attempt=attempt).selected == [second]
    assert detail.data["seconds_left"] == 1


def test_a_bad_choice_is_a_400_and_saves_nothing(client, agent, secret_quiz):
    attempt = services.attempt_start(quiz=secret_quiz, agent=agent)
    single, multiple = attempt.paper
    _as(client, agent)
    two = [o["id"] for o in single["options"][:2]]
    response = client.put(
        f"/api/attempts/{attempt.pk}/answers/{single['id']}/", {"selected": two}, format="json"
    )
    assert response.status_code == 400
    assert response.data == {"detail": [gettext("Choose one option.")]}
    foreign = client.put(
        f"/api/attempts/{attempt.pk}/answers/{multiple['id']}/",
        {"selected": [single["options"][0]["id"]]},
        format="json",
    )
    assert foreign.status_code == 400
    assert not Answer.objects.exists()

    both = [o["id"] for o in multiple["options"][:2]]
    saved = client.put(
        f"/api/attempts/{attempt.pk}/answers/{multiple['id']}/", {"selected": both}, "json"
    )
    assert (saved.status_code, saved.data["selected"]) == (200, sorted(both))


def test_an_agent_takes_a_quiz_end_to_end_with_a_token(agent, secret_quiz):
    competency = CompetencyFactory(code="returns-refunds")
    secret_quiz.competency, secret_quiz.level = competency, Level.BASIC
    secret_quiz.save(update_fields=["competency", "level"])
    forged = APIClient(HTTP_AUTHORIZATION="Token not-a-token").get("/api/quizzes/")
    assert forged.status_code == 401
    token = Token.objects.create(user=agent)
    api = APIClient(HTTP_AUTHORIZATION=f"Token {token.key}")

    [row] = api.get("/api/quizzes/").data["results"]
    started = api.post(f"/api/quizzes/{row['id']}/attempts/")
    assert started.status_code == 201
    attempt_id = started.data["id"]
    single, multiple = started.data["questions"]
    answers = {
        single["id"]: [single["options"][0]["id"]],
        multiple["id"]: [multiple["options"][0]["id"], multiple["options"][2]["id"]],
    }
    for question_id, selected in answers.items():
        saved = api.put(
            f"/api/attempts/{attempt_id}/answers/{question_id}/", {"selected": selected}, "json"
        )
        assert saved.status_code == 200

    result = api.post(f"/api/attempts/{attempt_id}/submit/")
    assert result.status_code == 200
    assert (result.data["score"], result.data["percent"], result.data["passed"]) == (
        "3.00",
        "100.00",
        True,
    )
    assert [q["is_correct"] for q in result.data["report"]] == [True, True]
    attempt = Attempt.objects.get(pk=attempt_id)
    assert (attempt.agent, attempt.status, attempt.passed) == (agent, "submitted", True)
    assert Evidence.objects.get(agent=agent).competency == competency
    standing = api.get("/api/quizzes/").data["results"][0]["standing"]
    assert (standing["passed"], standing["best_percent"], standing["attempts_left"]) == (
        True,
        "100.00",
        1,
    )
    history = api.get("/api/attempts/").data["results"]
    assert [(a["id"], a["status"]) for a in history] == [(attempt_id, "submitted")]


def test_a_draft_quiz_cannot_be_started_by_agents(client, agent):
    draft = QuizFactory()
    assert _as(client, agent).post(f"/api/quizzes/{draft.pk}/attempts/").status_code == 404
    assert not Attempt.objects.exists()


# --- Lists, results and item analysis ----------------------------------------------------


def test_attempt_lists_show_own_and_looked_after_people_with_filters(
    client, agent, other_agent, mentor, hr, secret_quiz
):
    other_quiz = published_quiz(questions=1)
    mine = _taken(secret_quiz, agent)
    _taken(other_quiz, agent)
    theirs = _taken(secret_quiz, other_agent)

    own = _as(client, agent).get("/api/attempts/", {"quiz": secret_quiz.pk})
    assert [a["id"] for a in own.data["results"]] == [mine.pk]
    assert _as(client, mentor).get("/api/attempts/").data["count"] == 2  # the mentee's two
    everyone = _as(client, hr).get("/api/attempts/", {"agent": other_agent.pk})
    assert [a["id"] for a in everyone.data["results"]] == [theirs.pk]
    assert client.get("/api/attempts/", {"quiz": "x"}).status_code == 400


def test_results_are_for_mentors_leads_hr_and_authors(
    client, agent, other_agent, mentor, hr, secret_quiz
):
    _taken(secret_quiz, agent)
    _taken(secret_quiz, other_agent, right=False)
    url = f"/api/quizzes/{secret_quiz.pk}/results/"
    refused = _as(client, agent).get(url)
    assert refused.status_code == 403
    assert _as(client, mentor).get(f"/api/quizzes/{QuizFactory().pk}/results/").status_code == 404

    mentored = client.get(url)
    assert mentored.status_code == 200
    assert [(r["agent"]["display_name"], r["percent"]) for r in mentored.data["results"]] == [
        ("王雨桐", "100.00")
    ]
    everyone = _as(client, hr).get(url)
    assert [r["agent"]["display_name"] for r in everyone.data["results"]] == ["王雨桐", "李思远"]
    assert everyone.data["results"][0]["agent"]["team"]["code"] == "apparel"
    cosmetics = client.get(url, {"team": "cosmetics"})
    assert [r["agent"]["display_name"] for r in cosmetics.data["results"]] == ["李思远"]


def test_item_analysis_is_for_authors(client, agent, trainer, secret_quiz):
    _taken(secret_quiz, agent, right=False)
    _taken(secret_quiz, UserFactory())
    url = f"/api/quizzes/{secret_quiz.pk}/item-analysis/"
    assert _as(client, agent).get(url).status_code == 403

    response = _as(client, trainer).get(url)
    assert response.status_code == 200
    single = next(r for r in response.data if r["question"]["kind"] == "single")
    assert (single["answered"], single["correct"], single["share_correct"]) == (2, 1, "50.0")
    assert (single["most_chosen_wrong"]["text"], single["most_chosen_wrong_count"]) == ("选项2", 1)


# --- Query counts ------------------------------------------------------------------------


def _count_queries(client: APIClient, url: str, params=None) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.content
    return len(queries), response.data


def test_the_agents_quiz_list_takes_the_same_queries_for_2_and_8_quizzes(client, agent):
    competency = CompetencyFactory()

    def add_quizzes(count: int) -> None:
        for _ in range(count):
            quiz = published_quiz(questions=1, competency=competency, level=Level.BASIC)
            _taken(quiz, agent)
            services.attempt_start(quiz=quiz, agent=agent)

    _as(client, agent)
    add_quizzes(2)
    small, small_data = _count_queries(client, "/api/quizzes/")
    add_quizzes(6)
    large, large_data = _count_queries(client, "/api/quizzes/")
    assert (small_data["count"], large_data["count"]) == (2, 8)
    assert all(row["standing"]["open_attempt"] for row in large_data["results"])
    assert small == large


def test_the_attempt_list_takes_the_same_queries_for_3_and_12(client, hr):
    quiz = published_quiz(questions=2)

    def add_attempts(count: int) -> None:
        for _ in range(count):
            _taken(quiz, UserFactory())

    _as(client, hr)
    add_attempts(3)
    small, small_data = _count_queries(client, "/api/attempts/")
    add_attempts(9)
    large, large_data = _count_queries(client, "/api/attempts/")
    assert (small_data["count"], large_data["count"]) == (3, 12)
    assert small == large


def test_bank_questions_take_the_same_queries_for_2_and_10(client, trainer, bank):
    competency = CompetencyFactory()

    def add_questions(count: int) -> None:
        for _ in range(count):
            question(bank, competency=competency, options=4)

    url = f"/api/banks/{bank.pk}/questions/"
    _as(client, trainer)
    add_questions(2)
    small, small_data = _count_queries(client, url)
    add_questions(8)
    large, large_data = _count_queries(client, url)
    assert (small_data["count"], large_data["count"]) == (2, 10)
    assert all(len(row["options"]) == 4 for row in large_data["results"])
    assert small == large


def test_quiz_results_take_the_same_queries_for_3_and_12(client, hr):
    quiz = published_quiz(questions=1)

    def add_results(count: int) -> None:
        for _ in range(count):
            _taken(quiz, UserFactory())

    url = f"/api/quizzes/{quiz.pk}/results/"
    _as(client, hr)
    add_results(3)
    small, small_data = _count_queries(client, url)
    add_results(9)
    large, large_data = _count_queries(client, url)
    assert (small_data["count"], large_data["count"]) == (3, 12)
    assert all(row["agent"]["team"] for row in large_data["results"])
    assert small == large
