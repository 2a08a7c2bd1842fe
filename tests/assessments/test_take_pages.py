"""The agent's quiz pages: my quizzes, a quiz, taking an attempt, its result, history.

Answer-key secrecy comes first: every page and partial an agent reaches while an attempt
is open is checked for the explanation, for markers of the right options and for markup
that would tell the right option from the others.
"""

import datetime
import re
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import Answer, Attempt, Question, Quiz
from tests.assessments.factories import (
    QuestionBankFactory,
    QuizFactory,
    QuizQuestionFactory,
    published_quiz,
    question,
)
from tests.courses.factories import published_course

HTMX = {"HX-Request": "true"}
SECRET_EXPLANATION = "解析SECRET"
RIGHT_TEXT = "正确选项XYZ"
WRONG_TEXTS = ("干扰选项AAA", "干扰选项BBB")


def html(response) -> str:
    return response.content.decode()


def block(text: str, tag: str, element_id: str) -> str:
    match = re.search(rf'<{tag}[^>]*id="{element_id}".*?</{tag}>', text, flags=re.S)
    assert match, f"no <{tag} id={element_id}>"
    return match.group(0)


def url(name: str, *args) -> str:
    return reverse(f"assessments:{name}", args=args)


def secret_quiz(**fields) -> Quiz:
    """A published quiz whose first question has a unique right option and explanation;
    then a multiple-choice and a true/false question with secret explanations too."""
    bank = QuestionBankFactory()
    first = services.question_create(
        bank=bank,
        kind=Question.Kind.SINGLE,
        text_zh="顾客要求七天无理由退货，应如何处理？",
        options=[
            (WRONG_TEXTS[0], "", False),
            (RIGHT_TEXT, "", True),
            (WRONG_TEXTS[1], "", False),
        ],
        explanation_zh=SECRET_EXPLANATION,
        created_by=None,
    )
    multiple = question(
        bank, kind=Question.Kind.MULTIPLE, correct=(0, 2), options=4, explanation_zh="解析MULTI"
    )
    true_false = question(bank, kind=Question.Kind.TRUE_FALSE, explanation_zh="解析TF")
    quiz = QuizFactory(**fields)
    for order, q in enumerate([first, multiple, true_false], start=1):
        QuizQuestionFactory(quiz=quiz, question=q, order=order)
    return services.quiz_publish(quiz=quiz)


def assert_no_key(text: str) -> None:
    for secret in (SECRET_EXPLANATION, "解析MULTI", "解析TF"):
        assert secret not in text
    assert "is_correct" not in text
    assert not re.search(r"correct", text, flags=re.I)
    assert "opt-key" not in text
    assert "item-right" not in text and "item-wrong" not in text


def option_skeletons(form_html: str, texts: list[str]) -> set[str]:
    """Each option's markup with its own text and id removed."""
    items = re.findall(r"<li><label>.*?</label></li>", form_html, flags=re.S)
    assert len(items) == len(texts)
    skeletons = set()
    for item, text in zip(items, texts, strict=True):
        assert text in item
        skeletons.add(re.sub(r'value="\d+"', 'value=""', item.replace(text, "")))
    return skeletons


def context_values(response):
    for layer in response.context:
        for values in layer.dicts:
            yield from values.values()


def answer(attempt: Attempt, number: int, *indexes: int, now=None) -> Answer:
    """Save the options at ``indexes`` of question ``number`` (1-based) through the service."""
    entry = attempt.paper[number - 1]
    return services.answer_save(
        attempt=attempt,
        question_id=entry["id"],
        selected=[entry["options"][i]["id"] for i in indexes],
        now=now,
    )


# --- Answer-key secrecy ------------------------------------------------------------------


@pytest.mark.parametrize("one_per_page", [False, True])
def test_attempt_page_never_shows_the_key(client, agent, one_per_page):
    quiz = secret_quiz(one_per_page=one_per_page, time_limit_minutes=30)
    attempt = services.attempt_start(quiz=quiz, agent=agent)
    client.force_login(agent)

    response = client.get(url("attempt", attempt.pk))

    text = html(response)
    assert RIGHT_TEXT in text and WRONG_TEXTS[0] in text  # the options are shown...
    assert_no_key(text)  # ...but nothing says which one is right
    form = block(text, "form", "q-1")
    assert len(option_skeletons(form, [WRONG_TEXTS[0], RIGHT_TEXT, WRONG_TEXTS[1]])) == 1
    # Not even in the template's context: the attempt comes without its key.
    assert "key" not in response.context["attempt"].__dict__
    for value in context_values(response):
        if isinstance(value, Attempt):
            assert "key" not in value.__dict__
        assert SECRET_EXPLANATION not in repr(value)


def test_autosave_partial_and_quiz_pages_never_show_the_key(client, agent):
    quiz = secret_quiz(time_limit_minutes=30)
    attempt = services.attempt_start(quiz=quiz, agent=agent)
    client.force_login(agent)
    right_id = attempt.paper[0]["options"][1]["id"]

    saved = client.post(
        url("answer-save", attempt.pk, attempt.paper[0]["id"]), {"selected": right_id}, headers=HTMX
    )
    refused = client.post(
        url("answer-save", attempt.pk, attempt.paper[0]["id"]), {"selected": "999999"}, headers=HTMX
    )
    quiz_page = client.get(url("quiz-detail", quiz.pk))
    my_quizzes = client.get(url("my-quizzes"))
    history = client.get(url("history"))

    assert Answer.objects.get(attempt=attempt).selected == [right_id]
    for response in (saved, refused, quiz_page, my_quizzes, history):
        assert response.status_code == 200
        assert_no_key(html(response))
    # The refused save re-renders the question as stored: still no difference between options.
    form = block(html(refused), "form", "q-1")
    skeletons = option_skeletons(form, [WRONG_TEXTS[0], RIGHT_TEXT, WRONG_TEXTS[1]])
    assert {s.replace(" checked", "") for s in skeletons} == {
        next(iter(skeletons)).replace(" checked", "")
    }


# --- My quizzes ----------------------------------------------------------------------------


def test_my_quizzes_shows_standing_and_start_or_resume(client, agent, other_agent):
    course = published_course(title_zh="退换货规则课程")
    graded = published_quiz(
        title_zh="退换货测验",
        course=course,
        required_for_course=True,
        time_limit_minutes=20,
        attempt_limit=2,
    )
    started = published_quiz(title_zh="物流测验")
    untouched = published_quiz(title_zh="话术测验")
    QuizFactory(title_zh="草稿测验")  # a draft is not listed
    first = services.attempt_start(quiz=graded, agent=agent)
    answer(first, 1, 0)  # 1 of 3 right
    services.attempt_submit(attempt=first)
    open_attempt = services.attempt_start(quiz=started, agent=agent)
    services.attempt_start(quiz=untouched, agent=other_agent)  # someone else's

    client.force_login(agent)
    response = client.get(url("my-quizzes"))

    text = html(response)
    assert "草稿测验" not in text
    graded_row = block(text, "tr", f"quiz-{graded.pk}")
    assert "退换货规则课程" in graded_row
    assert reverse("courses:course-detail", args=[course.pk]) in graded_row
    assert 'class="tag"' in graded_row  # required for the course
    assert "<td>20 " in graded_row  # time limit in minutes
    assert re.search(r"\b1\b.*\b2\b", graded_row)  # 1 of 2 attempts used
    assert "33.33%" in graded_row
    assert "quiz-failed" in graded_row
    assert f'action="{url("quiz-start", graded.pk)}"' in graded_row
    started_row = block(text, "tr", f"quiz-{started.pk}")
    assert f'href="{url("attempt", open_attempt.pk)}"' in started_row  # resume
    assert url("quiz-start", started.pk) not in started_row
    untouched_row = block(text, "tr", f"quiz-{untouched.pk}")
    assert "%" not in untouched_row  # other_agent's attempt does not count for agent
    assert f'action="{url("quiz-start", untouched.pk)}"' in untouched_row


def test_my_quizzes_passed_badge_and_no_attempts_left(client, agent):
    quiz = published_quiz(title_zh="平台规则测验", attempt_limit=1)
    attempt = services.attempt_start(quiz=quiz, agent=agent)
    for number in (1, 2, 3):
        answer(attempt, number, 0)
    services.attempt_submit(attempt=attempt)
    client.force_login(agent)

    row = block(html(client.get(url("my-quizzes"))), "tr", f"quiz-{quiz.pk}")

    assert "quiz-passed" in row
    assert "100%" in row
    assert url("quiz-start", quiz.pk) not in row  # no attempt left: no start button


def test_my_quizzes_empty_state(client, agent):
    QuizFactory(title_zh="草稿测验")
    client.force_login(agent)

    response = client.get(url("my-quizzes"))

    section = block(html(response), "section", "quizzes")
    assert 'class="empty"' in section
    assert "草稿测验" not in section
    assert response.context["summaries"] == []


def test_my_quizzes_query_count_does_not_grow(client, agent):
    def make(n: int) -> None:
        for _ in range(n):
            quiz = published_quiz(
                questions=1, course=published_course(lessons=1), time_limit_minutes=10
            )
            services.attempt_start(quiz=quiz, agent=agent)

    client.force_login(agent)
    make(2)
    client.get(url("my-quizzes"))  # warm up session and content types
    with CaptureQueriesContext(connection) as small:
        first = client.get(url("my-quizzes"))
    make(8)
    with CaptureQueriesContext(connection) as large:
        second = client.get(url("my-quizzes"))

    assert len(first.context["summaries"]) == 2 and len(second.context["summaries"]) == 10
    assert len(small) == len(large)


# --- Quiz page and starting ---------------------------------------------------------------


def test_quiz_page_shows_rules_and_only_my_attempts(client, agent, other_agent):
    course = published_course(title_zh="物流课程")
    quiz = published_quiz(
        title_zh="物流时效测验",
        description_zh="检查你对物流时效的了解。",
        course=course,
        required_for_course=True,
        time_limit_minutes=15,
        attempt_limit=3,
        pass_mark=75,
    )
    mine = services.attempt_submit(attempt=services.attempt_start(quiz=quiz, agent=agent))
    theirs = services.attempt_start(quiz=quiz, agent=other_agent)
    client.force_login(agent)

    response = client.get(url("quiz-detail", quiz.pk))

    text = html(response)
    assert "检查你对物流时效的了解。" in text
    rules = block(text, "section", "rules")
    assert "15" in rules and "75%" in rules and "物流课程" in rules
    assert "<dd>3</dd>" in rules  # three questions
    attempts = block(text, "section", "my-attempts")
    assert url("attempt-result", mine.pk) in attempts
    assert f"attempt-{theirs.pk}" not in attempts
    assert f'action="{url("quiz-start", quiz.pk)}"' in block(text, "section", "start")


def test_quiz_page_of_a_draft_is_404_for_agents(client, agent, trainer):
    draft = QuizFactory(title_zh="草稿测验")

    client.force_login(agent)
    assert client.get(url("quiz-detail", draft.pk)).status_code == 404
    client.post(url("quiz-start", draft.pk))
    assert not Attempt.objects.exists()

    client.force_login(trainer)
    assert "草稿测验" in html(client.get(url("quiz-detail", draft.pk)))


def test_start_creates_an_attempt_then_resumes_it(client, agent):
    quiz = published_quiz(time_limit_minutes=10)
    client.force_login(agent)

    first = client.post(url("quiz-start", quiz.pk))
    attempt = Attempt.objects.get(agent=agent, quiz=quiz)
    second = client.post(url("quiz-start", quiz.pk))

    assert first["Location"] == url("attempt", attempt.pk)
    assert second["Location"] == url("attempt", attempt.pk)
    assert Attempt.objects.filter(agent=agent, quiz=quiz).count() == 1
    assert attempt.deadline == attempt.started_at + datetime.timedelta(minutes=10)


def test_attempt_limit_reached_shows_the_message_and_creates_nothing(client, agent):
    quiz = published_quiz(attempt_limit=1)
    services.attempt_submit(attempt=services.attempt_start(quiz=quiz, agent=agent))
    client.force_login(agent)

    response = client.post(url("quiz-start", quiz.pk), follow=True)

    assert Attempt.objects.filter(agent=agent, quiz=quiz).count() == 1
    assert response.redirect_chain[-1][0] == url("quiz-detail", quiz.pk)
    errors = re.findall(r'<li class="msg-error">(.*?)</li>', html(response), flags=re.S)
    assert len(errors) == 1 and "1" in errors[0]  # names the limit
    assert url("quiz-start", quiz.pk) not in html(response)  # no start button any more


# --- Taking ----------------------------------------------------------------------------------


def test_attempt_page_all_on_one_page_with_the_right_inputs(client, agent):
    quiz = secret_quiz(time_limit_minutes=30)
    attempt = services.attempt_start(quiz=quiz, agent=agent)
    answer(attempt, 3, 0)
    client.force_login(agent)

    response = client.get(url("attempt", attempt.pk))

    text = html(response)
    single, multiple, true_false = (block(text, "form", f"q-{n}") for n in (1, 2, 3))
    assert single.count('type="radio"') == 3 and "checkbox" not in single
    assert multiple.count('type="checkbox"') == 4 and "radio" not in multiple
    assert true_false.count('type="radio"') == 2
    assert true_false.count(" checked") == 1  # the saved answer
    for form, entry in zip((single, multiple, true_false), attempt.paper, strict=True):
        save = url("answer-save", attempt.pk, entry["id"])
        assert f'hx-post="{save}"' in form and f'action="{save}"' in form
        assert 'hx-trigger="change"' in form
    timer = block(text, "p", "quiz-timer")
    assert f'data-deadline="{attempt.deadline.isoformat(timespec="milliseconds")}"' in timer
    assert "js/quiz-timer.js" in text
    navigator = block(text, "nav", "quiz-navigator")
    assert len(re.findall(r'<li class="answered">', navigator)) == 1
    assert re.search(r'id="unanswered"[^>]*>\D*2\D', text)  # two left to answer


def test_attempt_page_one_question_per_screen(client, agent):
    quiz = published_quiz(questions=3, one_per_page=True)
    attempt = services.attempt_start(quiz=quiz, agent=agent)
    answer(attempt, 1, 0)
    texts = [entry["text_zh"] for entry in attempt.paper]
    client.force_login(agent)

    response = client.get(url("attempt", attempt.pk) + "?q=2")

    text = html(response)
    assert texts[1] in text and texts[0] not in text and texts[2] not in text
    assert f'href="{url("attempt", attempt.pk)}?q=1" rel="prev"' in text
    assert f'href="{url("attempt", attempt.pk)}?q=3" rel="next"' in text
    navigator = block(text, "nav", "quiz-navigator")
    assert re.search(r'<li class="answered"><a href="[^"]*\?q=1"', navigator)
    assert re.search(r'<li class=" current"><a href="[^"]*\?q=2"', navigator)

    # Without JavaScript: "save and continue" stores the answer and moves on (PRG).
    entry = attempt.paper[1]
    saved = client.post(
        url("answer-save", attempt.pk, entry["id"]),
        {"selected": entry["options"][2]["id"], "go": "3"},
    )
    assert saved.status_code == 302
    assert saved["Location"] == url("attempt", attempt.pk) + "?q=3"
    assert Answer.objects.get(attempt=attempt, question_id=entry["id"]).selected == [
        entry["options"][2]["id"]
    ]
    out_of_range = client.get(url("attempt", attempt.pk) + "?q=99")
    assert texts[2] in html(out_of_range) and texts[1] not in html(out_of_range)


def test_autosave_stores_the_answer_and_updates_the_page(client, agent):
    quiz = secret_quiz(time_limit_minutes=30)
    attempt = services.attempt_start(quiz=quiz, agent=agent)
    entry = attempt.paper[1]  # multiple choice
    chosen = [entry["options"][0]["id"], entry["options"][3]["id"]]
    client.force_login(agent)

    response = client.post(
        url("answer-save", attempt.pk, entry["id"]), {"selected": chosen}, headers=HTMX
    )

    stored = Answer.objects.get(attempt=attempt, question_id=entry["id"])
    assert stored.selected == sorted(chosen)
    text = html(response)
    assert f'id="save-{entry["id"]}"' in text and "errors" not in text
    navigator = block(text, "nav", "quiz-navigator")
    assert 'hx-swap-oob="true"' in navigator
    assert re.findall(r'<li class="answered"><a href="[^"]*#q-(\d+)"', navigator) == ["2"]

    # Unticking every box saves an empty answer: the question is unanswered again.
    client.post(url("answer-save", attempt.pk, entry["id"]), {}, headers=HTMX)
    assert Answer.objects.get(attempt=attempt, question_id=entry["id"]).selected == []


def test_plain_form_save_redirects_back_to_the_question(client, agent):
    quiz = published_quiz(questions=2)
    attempt = services.attempt_start(quiz=quiz, agent=agent)
    entry = attempt.paper[1]
    client.force_login(agent)

    response = client.post(
        url("answer-save", attempt.pk, entry["id"]), {"selected": entry["options"][1]["id"]}
    )

    assert response["Location"] == url("attempt", attempt.pk) + "#q-2"
    assert Answer.objects.get(attempt=attempt).selected == [entry["options"][1]["id"]]


def test_save_after_the_deadline_is_refused_and_the_answer_unchanged(client, agent):
    start = timezone.now()
    quiz = published_quiz(questions=2, time_limit_minutes=10)
    attempt = services.attempt_start(quiz=quiz, agent=agent, now=start)
    entry = attempt.paper[0]
    first, second = entry["options"][0]["id"], entry["options"][1]["id"]
    services.answer_save(
        attempt=attempt,
        question_id=entry["id"],
        selected=[first],
        now=start + datetime.timedelta(minutes=1),
    )
    client.force_login(agent)

    with mock.patch(
        "django.utils.timezone.now", return_value=start + datetime.timedelta(minutes=11)
    ):
        late = client.post(
            url("answer-save", attempt.pk, entry["id"]), {"selected": second}, headers=HTMX
        )

    assert Answer.objects.get(attempt=attempt).selected == [first]
    assert late["HX-Retarget"] == "#q-1"
    form = block(html(late), "form", "q-1")
    assert 'class="errors"' in form
    assert f'value="{first}" checked' in form and f'value="{second}" checked' not in form

    # Before the deadline the same request is accepted.
    with mock.patch(
        "django.utils.timezone.now", return_value=start + datetime.timedelta(minutes=9)
    ):
        client.post(url("answer-save", attempt.pk, entry["id"]), {"selected": second}, headers=HTMX)
    assert Answer.objects.get(attempt=attempt).selected == [second]


def test_opening_an_expired_attempt_scores_what_was_saved(client, agent):
    start = timezone.now()
    quiz = published_quiz(questions=2, time_limit_minutes=10)
    attempt = services.attempt_start(quiz=quiz, agent=agent, now=start)
    answer(attempt, 1, 0, now=start + datetime.timedelta(minutes=2))  # right
    client.force_login(agent)

    with mock.patch(
        "django.utils.timezone.now", return_value=start + datetime.timedelta(minutes=30)
    ):
        response = client.get(url("attempt", attempt.pk))

    attempt.refresh_from_db()
    assert response["Location"] == url("attempt-result", attempt.pk)
    assert attempt.status == Attempt.Status.SUBMITTED
    assert attempt.score == 1 and attempt.percent == 50
    assert attempt.submitted_at == attempt.deadline


def test_submit_scores_and_leads_to_the_result(client, agent):
    quiz = published_quiz(questions=3, pass_mark=60)
    attempt = services.attempt_start(quiz=quiz, agent=agent)
    answer(attempt, 1, 0)
    answer(attempt, 2, 0)
    client.force_login(agent)
    page = html(client.get(url("attempt", attempt.pk)))
    assert re.search(r'id="unanswered"[^>]*>\D*1\D', page)  # shown before submitting
    assert f'action="{url("attempt-submit", attempt.pk)}" id="submit-form"' in page

    response = client.post(url("attempt-submit", attempt.pk))

    attempt.refresh_from_db()
    assert response["Location"] == url("attempt-result", attempt.pk)
    assert attempt.status == Attempt.Status.SUBMITTED and attempt.passed is True
    assert attempt.percent == Decimal("66.67")
    # The attempt page of a submitted attempt leads to the result; nothing more is saved.
    assert client.get(url("attempt", attempt.pk))["Location"] == url("attempt-result", attempt.pk)
    entry = attempt.paper[2]
    client.post(
        url("answer-save", attempt.pk, entry["id"]), {"selected": entry["options"][0]["id"]}
    )
    assert not Answer.objects.filter(attempt=attempt, question_id=entry["id"]).exists()


def test_another_agent_gets_404_on_every_attempt_url_and_saves_nothing(
    client, agent, other_agent, mentor
):
    quiz = published_quiz(questions=2, time_limit_minutes=10)
    attempt = services.attempt_start(quiz=quiz, agent=agent)
    entry = attempt.paper[0]
    option = entry["options"][0]["id"]
    save = url("answer-save", attempt.pk, entry["id"])

    for intruder in (other_agent, mentor):  # the mentor may see results, not answer
        client.force_login(intruder)
        assert client.get(url("attempt", attempt.pk)).status_code == 404
        assert client.post(save, {"selected": option}).status_code == 404
        assert client.post(save, {"selected": option}, headers=HTMX).status_code == 404
        assert client.post(url("attempt-submit", attempt.pk)).status_code == 404
    client.force_login(other_agent)
    assert client.get(url("attempt-result", attempt.pk)).status_code == 404
    attempt.refresh_from_db()
    assert attempt.is_open and not Answer.objects.filter(attempt=attempt).exists()

    client.force_login(agent)
    assert client.post(save, {"selected": option}, headers=HTMX).status_code == 200
    assert Answer.objects.get(attempt=attempt).selected == [option]


def test_a_question_outside_the_attempt_is_404(client, agent):
    quiz = published_quiz(questions=1)
    other = question()
    attempt = services.attempt_start(quiz=quiz, agent=agent)
    client.force_login(agent)

    response = client.post(
        url("answer-save", attempt.pk, other.pk),
        {"selected": other.options.first().pk},
        headers=HTMX,
    )

    assert response.status_code == 404
    assert not Answer.objects.exists()


def test_attempt_page_query_count_does_not_grow(client, agent):
    small_quiz = published_quiz(questions=3, time_limit_minutes=30)
    large_quiz = published_quiz(questions=15, time_limit_minutes=30)
    small = services.attempt_start(quiz=small_quiz, agent=agent)
    large = services.attempt_start(quiz=large_quiz, agent=agent)
    for attempt in (small, large):
        answer(attempt, 1, 0)
        answer(attempt, 2, 1)
    client.force_login(agent)
    client.get(url("attempt", small.pk))  # warm up

    with CaptureQueriesContext(connection) as three:
        client.get(url("attempt", small.pk))
    with CaptureQueriesContext(connection) as fifteen:
        response = client.get(url("attempt", large.pk))

    assert len(response.context["paper"]) == 15
    assert len(three) == len(fifteen)


# --- Result -------------------------------------------------------------------------------


def test_result_shows_the_report_only_when_the_quiz_allows_review(client, agent):
    reviewed = secret_quiz(allow_review=True)
    hidden = secret_quiz(allow_review=False)
    client.force_login(agent)
    attempts = {}
    for quiz in (reviewed, hidden):
        attempt = services.attempt_start(quiz=quiz, agent=agent)
        answer(attempt, 1, 0)  # a wrong option
        attempts[quiz.pk] = services.attempt_submit(attempt=attempt)

    without = html(client.get(url("attempt-result", attempts[hidden.pk].pk)))
    assert "0%" in block(without, "section", "score")
    assert SECRET_EXPLANATION not in without and 'id="report"' not in without
    assert "opt-key" not in without

    page = html(client.get(url("attempt-result", attempts[reviewed.pk].pk)))
    report = block(page, "section", "report")
    assert SECRET_EXPLANATION in report and "解析MULTI" in report
    first = block(report, "article", "q-1")
    assert re.search(rf'<li class="opt-key">{RIGHT_TEXT}', first)
    assert re.search(rf'<li class=" opt-chosen">{WRONG_TEXTS[0]}', first)
    assert "item-wrong" in first


def test_result_of_an_open_attempt_never_shows_the_report(client, agent, mentor):
    quiz = secret_quiz(allow_review=True, time_limit_minutes=30)
    attempt = services.attempt_start(quiz=quiz, agent=agent)

    client.force_login(agent)
    assert client.get(url("attempt-result", attempt.pk))["Location"] == url("attempt", attempt.pk)
    client.force_login(mentor)
    response = client.get(url("attempt-result", attempt.pk))
    assert response.status_code == 200
    assert "王雨桐" in html(response)  # whose attempt it is
    assert_no_key(html(response))
    assert response.context["report"] is None
    assert all(not isinstance(value, Attempt) for value in context_values(response))


def test_mentor_sees_the_mentee_result_another_agent_does_not(
    client, agent, mentor, other_agent, trainer
):
    quiz = secret_quiz(allow_review=False)
    attempt = services.attempt_start(quiz=quiz, agent=agent)
    answer(attempt, 1, 1)  # right
    attempt = services.attempt_submit(attempt=attempt)

    client.force_login(other_agent)
    assert client.get(url("attempt-result", attempt.pk)).status_code == 404

    client.force_login(mentor)
    page = html(client.get(url("attempt-result", attempt.pk)))
    assert "王雨桐" in page
    assert "33.33%" in block(page, "section", "score")
    # A mentor is often an agent taking the same quizzes: the score, never the key.
    assert SECRET_EXPLANATION not in page

    client.force_login(trainer)
    page = html(client.get(url("attempt-result", attempt.pk)))
    assert SECRET_EXPLANATION in block(page, "section", "report")
    assert "<form" not in block(page, "section", "report")  # read only


# --- History and the course block ---------------------------------------------------------


def test_history_is_mine_only_and_paginated(client, agent, other_agent):
    quiz = published_quiz(questions=1, title_zh="反复练习测验")
    for _ in range(21):
        services.attempt_submit(attempt=services.attempt_start(quiz=quiz, agent=agent))
    theirs = services.attempt_start(quiz=quiz, agent=other_agent)
    client.force_login(agent)

    first = client.get(url("history"))
    second = client.get(url("history") + "?page=2")

    first_rows = re.findall(r'<tr id="attempt-(\d+)">', html(first))
    second_rows = re.findall(r'<tr id="attempt-(\d+)">', html(second))
    assert len(first_rows) == 20 and len(second_rows) == 1
    assert str(theirs.pk) not in first_rows + second_rows
    assert "反复练习测验" in html(first)
    assert 'rel="next"' in html(first) and 'rel="prev"' in html(second)


def test_history_query_count_does_not_grow(client, agent):
    client.force_login(agent)
    quiz = published_quiz(questions=1)
    services.attempt_submit(attempt=services.attempt_start(quiz=quiz, agent=agent))
    client.get(url("history"))
    with CaptureQueriesContext(connection) as one:
        client.get(url("history"))
    for _ in range(5):
        other = published_quiz(questions=1)
        services.attempt_submit(attempt=services.attempt_start(quiz=other, agent=agent))
    with CaptureQueriesContext(connection) as six:
        response = client.get(url("history"))

    assert len(response.context["page"].object_list) == 6
    assert len(one) == len(six)


def test_course_page_loads_the_course_quizzes_block(client, agent):
    course = published_course(title_zh="投诉处理课程")
    required = published_quiz(title_zh="投诉处理测验", course=course, required_for_course=True)
    published_quiz(title_zh="其他测验")
    client.force_login(agent)

    page = html(client.get(reverse("courses:course-detail", args=[course.pk])))
    assert f'hx-get="{url("course-quizzes", course.pk)}"' in page

    fragment = html(client.get(url("course-quizzes", course.pk), headers=HTMX))
    assert "投诉处理测验" in fragment and "其他测验" not in fragment
    assert f'action="{url("quiz-start", required.pk)}"' in fragment
    assert client.get(url("course-quizzes", course.pk))["Location"] == url("my-quizzes")
    empty = client.get(url("course-quizzes", published_course().pk), headers=HTMX)
    assert html(empty).strip() == ""
