"""CSV and XLSX downloads of quiz results (per quiz, per person) and of the grader
agreement report: the page's permission and filters, every page of the table, a fixed
number of queries and formula-like names neutralised."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext
from openpyxl import load_workbook

from assessments import roleplay
from assessments.models import Attempt, Grade, Quiz, Submission
from lms.models import Role
from tests.assessments.factories import published_quiz
from tests.assessments.roleplay_factories import (
    criteria_of,
    level,
    published_scenario,
    rubric,
    submitted,
)
from tests.lms.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

FORMULA = "=cmd|' /C calc'!A0"
SAFE = "'" + FORMULA


def table(response, fmt: str) -> list[list[str]]:
    assert response.status_code == 200
    data = b"".join(response.streaming_content) if response.streaming else response.content
    if fmt == "csv":
        assert data.startswith("\ufeff".encode())
        return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def download(client, url: str, fmt: str, **params) -> list[list[str]]:
    return table(client.get(url, {**params, "format": fmt}), fmt)


def counted(client, url: str, fmt: str, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        rows = download(client, url, fmt, **params)  # streaming: consume inside the count
    assert rows
    return len(ctx.captured_queries)


def sit(quiz: Quiz, agent, picks: list[int]) -> Attempt:
    """Start, answer (option index per question) and submit an attempt."""
    from assessments import services

    attempt = services.attempt_start(quiz=quiz, agent=agent)
    for entry, pick in zip(attempt.paper, picks, strict=True):
        services.answer_save(
            attempt=attempt, question_id=entry["id"], selected=[entry["options"][pick]["id"]]
        )
    return services.attempt_submit(attempt=attempt)


@pytest.fixture
def evil(db):
    return UserFactory(display_name=FORMULA, team=TeamFactory(code="evil", name_zh=FORMULA))


# --- Results per quiz ------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_quiz_results_export_scores_and_neutralises_formulas(client, hr, agent, evil, fmt):
    quiz = published_quiz(questions=2, title_zh="退货规则测验")
    sit(quiz, agent, [0, 0])  # option 0 is right: 2 / 2
    sit(quiz, evil, [1, 1])
    client.force_login(hr)

    header, *rows = download(client, f"/results/quizzes/{quiz.pk}/", fmt)

    assert header[0] == gettext("Person")
    result = header.index(gettext("Result"))
    by_name = {row[0]: row for row in rows}
    assert set(by_name) == {"王雨桐", SAFE}
    assert by_name["王雨桐"][result] == gettext("Passed")
    assert float(by_name["王雨桐"][header.index(gettext("Score (%)"))]) == 100
    assert by_name[SAFE][1] == SAFE
    assert by_name[SAFE][result] == gettext("Not passed")
    assert [row[0] for row in rows] == ["王雨桐", SAFE]  # best first, as on the page


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_quiz_results_export_is_the_viewers_people_and_team_filter(
    client, team_lead, hr, agent, other_agent, fmt
):
    quiz = published_quiz(questions=1)
    sit(quiz, agent, [0])
    sit(quiz, other_agent, [0])
    url = f"/results/quizzes/{quiz.pk}/"

    client.force_login(agent)
    assert client.get(url, {"format": fmt}).status_code == 404
    client.force_login(team_lead)
    assert {row[0] for row in download(client, url, fmt)[1:]} == {"王雨桐"}
    client.force_login(hr)
    assert {row[0] for row in download(client, url, fmt, team="cosmetics")[1:]} == {"李思远"}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_quiz_results_export_is_every_page_in_a_fixed_number_of_queries(
    client, monkeypatch, hr, fmt
):
    monkeypatch.setattr("assessments.selectors.RESULTS_PAGE_SIZE", 2)
    quiz = published_quiz(questions=1)
    url = f"/results/quizzes/{quiz.pk}/"
    client.force_login(hr)

    def grow(count: int) -> None:
        for _ in range(count):
            sit(quiz, UserFactory(team=TeamFactory()), [0])

    grow(3)
    small = counted(client, url, fmt)
    grow(5)
    large = counted(client, url, fmt)

    assert len(download(client, url, fmt)) == 1 + 8
    assert small == large


def test_quiz_results_page_links_the_downloads_with_its_filter(client, hr, agent, other_agent):
    quiz = published_quiz(questions=1)
    sit(quiz, agent, [0])
    client.force_login(hr)

    page = client.get(f"/results/quizzes/{quiz.pk}/", {"team": "apparel"}).content.decode()

    assert "?team=apparel&amp;format=csv" in page and "?team=apparel&amp;format=xlsx" in page


# --- Results per person ----------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_person_results_export_only_for_people_the_viewer_looks_after(
    client, mentor, agent, other_agent, fmt
):
    quiz = published_quiz(questions=1, title_zh=FORMULA)
    sit(quiz, agent, [0])
    sit(quiz, other_agent, [0])
    client.force_login(mentor)

    assert client.get(f"/results/people/{other_agent.pk}/", {"format": fmt}).status_code == 404
    header, *rows = download(client, f"/results/people/{agent.pk}/", fmt)

    assert header[0] == gettext("Quiz")
    assert [row[0] for row in rows] == [SAFE]
    assert rows[0][header.index(gettext("Result"))] == gettext("Passed")


def test_person_results_export_shows_an_open_attempt_by_its_status(client, hr, agent):
    from assessments import services

    quiz = published_quiz(questions=1)
    services.attempt_start(quiz=quiz, agent=agent)
    client.force_login(hr)

    header, row = download(client, f"/results/people/{agent.pk}/", "csv")

    assert row[header.index(gettext("Result"))] == ""
    assert row[3] == Attempt.objects.get().get_status_display()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_person_results_export_query_count_is_fixed(client, hr, agent, fmt):
    url = f"/results/people/{agent.pk}/"
    client.force_login(hr)

    def grow(count: int) -> None:
        for _ in range(count):
            sit(published_quiz(questions=1), agent, [0])

    grow(2)
    small = counted(client, url, fmt)
    grow(4)
    large = counted(client, url, fmt)

    assert len(download(client, url, fmt)) == 1 + 6
    assert small == large


# --- Grader agreement ------------------------------------------------------------------


def grade_with(grade: Grade, points: list[int]) -> Grade:
    for criterion, p in zip(criteria_of(grade.submission), points, strict=True):
        roleplay.grade_score_set(
            grade=grade, criterion=criterion, level=level(criterion, p), comment=""
        )
    return grade


def double_graded(scenario, agent, primary, second, p_points, s_points, *, hr) -> Submission:
    submission = submitted(scenario, agent)
    g2 = roleplay.second_grader_request(submission=submission, grader=second, requested_by=hr)
    g1 = roleplay.grade_start(submission=submission, grader=primary)
    roleplay.grade_finalise(grade=grade_with(g1, p_points), feedback="")
    roleplay.grade_finalise(grade=grade_with(g2, s_points), feedback="")
    return submission


CALIBRATION = "/roleplay/calibration/"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_agreement_export_per_rubric_and_per_grader(client, agent, hr, trainer, fmt):
    primary = UserFactory(display_name=FORMULA, team=None, roles=[Role.TRAINER])
    scenario = published_scenario(rubric=rubric(title_zh=FORMULA))
    other = published_scenario(rubric=rubric(title_zh="投诉处理评分表"))
    double_graded(scenario, agent, primary, trainer, [4, 4], [4, 2], hr=hr)
    double_graded(other, agent, hr, trainer, [2, 0], [2, 0], hr=hr)
    client.force_login(hr)

    by_rubric = download(client, CALIBRATION, fmt, table="rubric")
    by_grader = download(client, CALIBRATION, fmt, table="grader")

    assert by_rubric[0][0] == gettext("Rubric") and by_grader[0][0] == gettext("Grader")
    rubrics = {row[0]: row for row in by_rubric[1:]}
    assert set(rubrics) == {SAFE, "投诉处理评分表"}
    # One submission, two criteria, one of them at the same level: 50 %.
    assert [float(v) for v in rubrics[SAFE][1:4]] == [1, 2, 50]
    assert float(rubrics["投诉处理评分表"][3]) == 100
    assert {row[0] for row in by_grader[1:]} == {SAFE, "刘人事"}


def test_agreement_export_is_for_hr_and_authors_only(client, agent, mentor, hr):
    for person in (agent, mentor):
        client.force_login(person)
        response = client.get(CALIBRATION, {"format": "csv", "table": "rubric"})
        assert response.status_code == 404


def test_agreement_export_without_a_table_is_the_page(client, hr):
    client.force_login(hr)

    response = client.get(CALIBRATION, {"format": "csv", "table": "nope"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert f"{CALIBRATION}?table=rubric&amp;format=csv" not in response.content.decode()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_agreement_export_query_count_is_fixed(client, agent, other_agent, hr, trainer, fmt):
    client.force_login(hr)
    double_graded(published_scenario(), agent, hr, trainer, [4, 4], [4, 2], hr=hr)
    small = counted(client, CALIBRATION, fmt, table="grader")
    for person in (agent, other_agent, other_agent):
        double_graded(published_scenario(), person, trainer, hr, [2, 2], [0, 4], hr=hr)
    large = counted(client, CALIBRATION, fmt, table="rubric")

    assert len(download(client, CALIBRATION, fmt, table="rubric")) == 1 + 4
    assert small == large


def test_calibration_page_links_both_downloads(client, agent, hr, trainer):
    double_graded(published_scenario(), agent, hr, trainer, [4, 4], [4, 2], hr=hr)
    client.force_login(hr)

    page = client.get(CALIBRATION).content.decode()

    for table_name in ("rubric", "grader"):
        for fmt in ("csv", "xlsx"):
            assert f"{CALIBRATION}?table={table_name}&amp;format={fmt}" in page
