"""CSV and XLSX downloads of the certification tables: the training impact (result and
drills), the certificates register (XLSX beside its CSV), a program's eligibility, the
points statement and the leaderboard. Each: the same people and filters as its page (404
where the page is 404), the whole filtered table, a fixed query count at two sizes,
Chinese intact and formula-like text neutralised in both formats."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from certification import points
from certification.selectors import PAGE_SIZE
from lms.exports import XLSX_TYPE
from lms.models import ServiceKPI
from tests.certification.factories import ProgramFactory, completed_course_for, course_requirement
from tests.certification.test_impact import AFTER, BEFORE, _completers, _weeks
from tests.certification.test_register_exports import certificate
from tests.courses.factories import published_course
from tests.lms.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

FORMULA = "=cmd|' /C calc'!A0"
SAFE = "'" + FORMULA


def url(name: str, *args) -> str:
    return reverse(f"certification:{name}", args=args)


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def xlsx_rows(response) -> list[list]:
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]


def both(client, address: str, params: dict) -> list[list[list]]:
    """The same table as CSV and as XLSX (cells as text, for comparing)."""
    as_csv = csv_rows(client.get(address, {**params, "format": "csv"}))
    as_xlsx = xlsx_rows(client.get(address, {**params, "format": "xlsx"}))
    return [as_csv, [[str(v) for v in row] for row in as_xlsx]]


def number(cell) -> float:
    """A numeric cell. XLSX keeps numbers as numbers; the CSV writer neutralises any text
    starting with "-", so a negative number comes out of the CSV as "'-12.5"."""
    return float(str(cell).removeprefix("'"))


def queries(client, address: str, params: dict) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(address, params)
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)
    return len(ctx.captured_queries)


@pytest.fixture
def formula_team(db):
    return TeamFactory(code="formula", name_zh=FORMULA, name_en=FORMULA)


# --- Training impact -----------------------------------------------------------------------


def test_the_impact_result_exports_neutralised_in_both_formats(client, hr, formula_team):
    course = published_course(title_zh=FORMULA, title_en=FORMULA)
    _completers(course, formula_team, 5)
    client.force_login(hr)
    params = {"subject": f"course-{course.pk}", "kpi": "frt", "weeks": 2, "team": "formula"}
    for rows in both(client, "/reports/impact/", {**params, "table": "result"}):
        completed = next(r for r in rows[1:] if r[3] == gettext("Completed"))
        assert completed[0] == SAFE and completed[2] == SAFE  # subject, team
        assert completed[4] == "5"
        # Before 105, after 92.5 for everyone: the change is -12.5 with no spread.
        assert number(completed[6]) == 105 and number(completed[8]) == -12.5


def test_the_impact_drills_export_lists_every_bucket(client, hr, formula_team, team):
    rows = []
    for _n in range(3):
        person = UserFactory(team=formula_team)
        rows += _weeks(person, BEFORE, [100, 120])
    UserFactory(team=team)  # another team: left out when the team is chosen
    ServiceKPI.objects.bulk_create(rows)
    client.force_login(hr)
    params = {
        "kpi": "frt",
        "weeks": 2,
        "team": "formula",
        "since": BEFORE.isoformat(),
        "until": (AFTER - datetime.timedelta(days=1)).isoformat(),
        "table": "drills",
    }
    for rows in both(client, "/reports/impact/", params):
        assert [r[4] for r in rows[1:]] == ["0", "1–4", "5+"]
        assert all(r[1] == SAFE for r in rows[1:])
        assert rows[1][5] == "3" and number(rows[1][6]) == 110


def test_the_impact_export_is_refused_like_the_page(client, agent, team_lead, other_team, hr, team):
    course = published_course()
    _completers(course, team, 5)
    params = {"subject": f"course-{course.pk}", "kpi": "frt", "weeks": 2, "table": "result"}
    client.force_login(agent)
    assert client.get("/reports/impact/", {**params, "format": "csv"}).status_code == 404
    client.force_login(team_lead)
    # Another team is not a valid choice: the page with its message, not a file.
    response = client.get("/reports/impact/", {**params, "format": "csv", "team": "cosmetics"})
    assert response["Content-Type"].startswith("text/html")
    assert "Content-Disposition" not in response
    # Without a subject there is no result table to download.
    no_subject = {"kpi": "frt", "weeks": 2, "table": "result", "format": "csv"}
    assert client.get("/reports/impact/", no_subject).status_code == 404
    # The lead's own export counts their people only; HR's counts one more completer.
    _completers(course, other_team, 1)
    rows = csv_rows(client.get("/reports/impact/", {**params, "format": "csv"}))
    assert rows[1][4] == "5"
    client.force_login(hr)
    rows = csv_rows(client.get("/reports/impact/", {**params, "format": "csv"}))
    assert rows[1][4] == "6"
    client.force_login(team_lead)
    page = client.get("/reports/impact/", params).content.decode()
    assert "table=result&amp;format=xlsx" in page and "table=drills&amp;format=csv" in page


def test_the_first_visit_links_a_drills_download_that_works(client, hr):
    client.force_login(hr)
    page = client.get("/reports/impact/")
    link = page.context["export_links"]["drills"]["xlsx"]
    rows = xlsx_rows(client.get(link))
    assert [r[4] for r in rows[1:]] == ["0", "1–4", "5+"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("table", ["result", "drills"])
def test_the_impact_exports_query_count_is_fixed(client, hr, team, fmt, table):
    course = published_course()
    _completers(course, team, 5)
    client.force_login(hr)
    params = {"subject": f"course-{course.pk}", "kpi": "frt", "weeks": 2}
    params.update(table=table, format=fmt)
    queries(client, "/reports/impact/", params)  # warm the session and the roles
    small = queries(client, "/reports/impact/", params)
    _completers(course, team, 7)
    assert queries(client, "/reports/impact/", params) == small


# --- The certificates register as XLSX ------------------------------------------------------


def test_the_register_xlsx_has_the_csv_columns_and_safe_cells(client, hr, agent):
    evil = UserFactory(display_name=FORMULA, team=agent.team)
    certificate(agent)
    certificate(evil, state="revoked")
    client.force_login(hr)
    as_csv = csv_rows(client.get(url("register-export")))
    as_xlsx = xlsx_rows(client.get(url("register-export"), {"format": "xlsx"}))
    assert as_xlsx[0] == as_csv[0]
    assert len(as_xlsx) == len(as_csv) == 3
    holders = {r[1] for r in as_xlsx[1:]}
    assert holders == {"王雨桐", SAFE}
    revoked = xlsx_rows(client.get(url("register-export"), {"format": "xlsx", "state": "revoked"}))
    assert [r[1] for r in revoked[1:]] == [SAFE]


def test_the_register_xlsx_follows_the_viewer(client, team_lead, agent, other_agent):
    certificate(agent)
    certificate(other_agent)
    client.force_login(other_agent)
    assert client.get(url("register-export"), {"format": "xlsx"}).status_code == 404
    client.force_login(team_lead)
    rows = xlsx_rows(client.get(url("register-export"), {"format": "xlsx"}))
    assert [r[1] for r in rows[1:]] == ["王雨桐"]
    page = client.get(url("register")).content.decode()
    assert "format=xlsx" in page


def test_the_register_xlsx_query_count_is_fixed(client, hr):
    client.force_login(hr)
    for _n in range(2):
        certificate(UserFactory())
    small = queries(client, url("register-export"), {"format": "xlsx"})
    for _n in range(6):
        certificate(UserFactory())
    assert queries(client, url("register-export"), {"format": "xlsx"}) == small


# --- A program's eligibility -----------------------------------------------------------------


def test_the_eligibility_export_is_the_whole_filtered_table(client, hr, agent, team, formula_team):
    program = ProgramFactory(min_points=10)
    requirement = course_requirement(program)
    completed_course_for(agent, requirement.course)
    UserFactory(display_name=FORMULA, team=formula_team)
    UserFactory.create_batch(PAGE_SIZE, team=team)
    client.force_login(hr)
    address = url("program-eligibility", program.pk)
    for rows in both(client, address, {"page": 2}):
        assert len(rows) == 1 + PAGE_SIZE + 3  # and HR, who is in no team
        mine = next(r for r in rows if r[0] == "王雨桐")
        assert mine[4] == gettext("Met") and mine[6] == gettext("Missing")
        evil = next(r for r in rows if r[0] == SAFE)
        assert evil[3] == SAFE
    for rows in both(client, address, {"team": "formula"}):
        assert [r[0] for r in rows[1:]] == [SAFE]


def test_the_eligibility_export_follows_the_viewer(client, team_lead, agent, other_agent):
    program = ProgramFactory()
    course_requirement(program)
    address = url("program-eligibility", program.pk)
    client.force_login(agent)
    assert client.get(address, {"format": "csv"}).status_code == 404
    client.force_login(team_lead)
    names = [r[0] for r in csv_rows(client.get(address, {"format": "csv"}))[1:]]
    assert "王雨桐" in names and "李思远" not in names
    rows = xlsx_rows(client.get(address, {"format": "xlsx", "team": "cosmetics"}))
    assert "李思远" not in [r[0] for r in rows]
    assert "format=xlsx" in client.get(address).content.decode()


@pytest.mark.parametrize("show", ["", "eligible"])
def test_the_eligibility_export_query_count_is_fixed(client, hr, team, show):
    program = ProgramFactory(min_points=10)
    requirement = course_requirement(program)

    def people(count: int) -> None:
        for n in range(count):
            person = UserFactory(team=team)
            if n % 2:
                completed_course_for(person, requirement.course)

    client.force_login(hr)
    address = url("program-eligibility", program.pk)
    people(3)
    small = queries(client, address, {"format": "xlsx", "show": show})
    people(9)
    assert queries(client, address, {"format": "xlsx", "show": show}) == small


# --- Points: the statement and the leaderboard ------------------------------------------------


def earn(person, amount: int, n: int) -> None:
    points.points_award(
        person=person,
        amount=amount,
        reason="course",
        source_type="courses.course",
        source_id=n,
        at=timezone.now(),
    )


def test_the_statement_exports_every_entry_with_safe_notes(client, hr, agent):
    for n in range(points.STATEMENT_PER_PAGE + 2):
        earn(agent, 5, n)
    points.points_correct(person=agent, amount=-3, note=FORMULA, created_by=hr)
    client.force_login(hr)
    address = url("points-statement", agent.pk)
    for rows in both(client, address, {"page": 2}):
        assert len(rows) == 1 + points.STATEMENT_PER_PAGE + 3
        assert all(r[0] == "王雨桐" for r in rows[1:])
        correction = next(r for r in rows[1:] if r[4] == SAFE)
        assert number(correction[6]) == -3 and correction[5] == "刘人事"
    assert "format=csv" in client.get(address).content.decode()


def test_someone_elses_statement_export_does_not_exist(client, agent, other_agent):
    earn(other_agent, 5, 1)
    client.force_login(agent)
    address = url("points-statement", other_agent.pk)
    assert client.get(address, {"format": "csv"}).status_code == 404
    assert client.get(address, {"format": "xlsx"}).status_code == 404
    rows = csv_rows(client.get(url("points-statement", agent.pk), {"format": "csv"}))
    assert rows[1:] == []


def test_the_statement_export_query_count_is_fixed(client, agent):
    client.force_login(agent)
    address = url("points-statement", agent.pk)
    earn(agent, 5, 1)
    small = queries(client, address, {"format": "xlsx"})
    for n in range(2, 40):
        earn(agent, 5, n)
    assert queries(client, address, {"format": "xlsx"}) == small


def test_the_leaderboard_exports_both_boards_with_safe_names(client, agent, formula_team):
    evil = UserFactory(display_name=FORMULA, team=formula_team)
    earn(agent, 10, 1)
    earn(evil, 20, 2)
    client.force_login(agent)
    for rows in both(client, url("leaderboard"), {"team": ""}):
        assert [r[0] for r in rows[1:]] == [gettext("This week")] * 2 + [gettext("This month")] * 2
        first = rows[1]
        assert first[2:] == ["1", SAFE, SAFE, "20"]
        assert rows[2][3] == "王雨桐"
    # The team filter applies as on the page.
    rows = csv_rows(client.get(url("leaderboard"), {"team": agent.team_id, "format": "csv"}))
    assert {r[3] for r in rows[1:]} == {"王雨桐"}
    assert "format=xlsx" in client.get(url("leaderboard")).content.decode()


def test_the_leaderboard_export_query_count_is_fixed(client, agent, team):
    client.force_login(agent)
    for n in range(2):
        earn(UserFactory(team=team), 5 + n, n)
    small = queries(client, url("leaderboard"), {"team": "", "format": "csv"})
    for n in range(2, 14):
        earn(UserFactory(team=team), 5 + n, n)
    assert queries(client, url("leaderboard"), {"team": "", "format": "csv"}) == small
