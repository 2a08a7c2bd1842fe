"""A plan's results as CSV and XLSX: the whole filtered table (every page), the same
people as the page (a team lead's team only), a fixed query count, Chinese names intact
and formula-like names neutralised."""

import csv
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.plans import RESULTS_PAGE_SIZE
from lms.exports import XLSX_TYPE
from tests.assessments.test_plans import full_results, make_plan
from tests.assessments.test_plans import parts as parts  # a fixture
from tests.lms.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

FORMULA = "=cmd|' /C calc'!A0"


def url(plan) -> str:
    return reverse("assessments:plan-results", args=[plan.pk])


def csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def xlsx_rows(response) -> list[list]:
    assert response["Content-Type"] == XLSX_TYPE
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_results_export_in_both_formats_neutralises_formulas(
    client, parts, agent, mentor, trainer
):
    plan = make_plan(parts)
    full_results(parts, agent, mentor)
    formula_team = TeamFactory(code="evil", name_zh=FORMULA, name_en=FORMULA)
    UserFactory(display_name=FORMULA, team=formula_team)
    client.force_login(trainer)

    rows = csv_rows(client.get(url(plan), {"format": "csv"}))
    header, body = rows[0], rows[1:]
    assert len(header) == 9  # person, English name, number, team, 3 parts, composite, result
    assert header[0] == "人员" and header[4] == "测验（最高 %）"  # Chinese by default
    mine = next(r for r in body if r[0] == "王雨桐")
    assert [float(v) for v in mine[4:8]] == [80, 60, 90, 75.5]
    evil = next(r for r in body if r[0].endswith(FORMULA))
    assert evil[0] == "'" + FORMULA and evil[3] == "'" + FORMULA

    rows = xlsx_rows(client.get(url(plan), {"format": "xlsx"}))
    mine = next(r for r in rows[1:] if r[0] == "王雨桐")
    assert float(mine[7]) == pytest.approx(75.5)  # a number in the spreadsheet
    evil = next(r for r in rows[1:] if r[0].endswith(FORMULA))
    assert evil[0] == "'" + FORMULA and evil[3] == "'" + FORMULA


def test_the_export_lists_every_page_and_follows_the_team_filter(client, parts, trainer, team):
    plan = make_plan(parts)
    other = TeamFactory(code="other")
    UserFactory.create_batch(RESULTS_PAGE_SIZE + 2, team=team)
    UserFactory(team=other)
    client.force_login(trainer)
    assert len(csv_rows(client.get(url(plan), {"format": "csv"}))) == RESULTS_PAGE_SIZE + 4
    rows = csv_rows(client.get(url(plan), {"format": "csv", "team": other.code}))
    assert len(rows) == 2  # the header and the one person in that team


def test_a_team_lead_exports_only_their_team_and_others_get_404(
    client, parts, agent, other_agent, team_lead, mentor
):
    plan = make_plan(parts)
    client.force_login(team_lead)
    names = [r[0] for r in xlsx_rows(client.get(url(plan), {"format": "xlsx"}))[1:]]
    assert str(agent) in names and str(other_agent) not in names
    # Asking for the other team's rows falls back to the lead's own people, never theirs.
    rows = csv_rows(client.get(url(plan), {"format": "csv", "team": other_agent.team.code}))
    assert str(other_agent) not in [r[0] for r in rows]
    for person in (agent, mentor):
        client.force_login(person)
        assert client.get(url(plan), {"format": "csv"}).status_code == 404


def test_the_page_links_both_downloads(client, parts, trainer):
    plan = make_plan(parts)
    client.force_login(trainer)
    page = client.get(url(plan), {"team": "", "page": "1"}).content.decode()
    assert "format=csv" in page and "format=xlsx" in page and "page=1&amp;format" not in page


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_export_query_count_is_fixed(client, parts, trainer, mentor, fmt):
    plan = make_plan(parts)
    client.force_login(trainer)
    team = TeamFactory(code="sized")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url(plan), {"format": fmt})
            if fmt == "csv":
                b"".join(response.streaming_content)
        return len(ctx.captured_queries)

    for _i in range(2):
        full_results(parts, UserFactory(team=team), mentor)
    small = count()
    for _i in range(5):
        full_results(parts, UserFactory(team=team), mentor)
    assert count() == small
