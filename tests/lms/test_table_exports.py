"""CSV and XLSX downloads of the heatmap and the mentorships list: the same people as the
page (never one the viewer may not see), the whole filtered table rather than one page,
a fixed number of queries, and text a spreadsheet would run as a formula neutralised."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext
from openpyxl import load_workbook

from lms.models import Level, Role
from tests.lms.factories import (
    CompetencyFactory,
    CompetencyLevelFactory,
    MentorshipFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

FORMULA = "=cmd|' /C calc'!A0"


def body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def table(response, fmt: str) -> list[list[str]]:
    """The downloaded rows, every cell as the text a spreadsheet would show."""
    assert response.status_code == 200
    data = body(response)
    if fmt == "csv":
        assert response["Content-Type"].startswith("text/csv")
        assert data.startswith("\ufeff".encode())
        return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def download(client, url: str, fmt: str, **params) -> list[list[str]]:
    return table(client.get(url, {**params, "format": fmt}), fmt)


def counted(client, url: str, fmt: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        rows = download(client, url, fmt)  # streaming: consume inside the count
    assert rows
    return len(ctx.captured_queries)


# --- Heatmap ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_heatmap_export_has_level_names_and_neutralises_formulas(client, hr, team, agent, fmt):
    crm = CompetencyFactory(name_zh="CRM系统", name_en="CRM")
    CompetencyLevelFactory(agent=agent, competency=crm, level=Level.ADVANCED)
    evil = UserFactory(display_name=FORMULA, team=TeamFactory(code="evil", name_zh=FORMULA))
    client.force_login(hr)

    rows = download(client, "/heatmap/", fmt)

    header, *people = rows
    assert header[:2] == [gettext("Person"), gettext("Team")]
    column = header.index("CRM系统")
    by_name = {row[0]: row for row in people}
    assert by_name["王雨桐"][column] == str(Level.ADVANCED.label)
    assert by_name["王雨桐"][1] == str(team)
    evil_row = by_name["'" + FORMULA]
    assert evil_row[1] == "'" + FORMULA
    assert evil_row[column] == gettext("Not yet")
    assert FORMULA not in by_name and evil.display_name == FORMULA


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_heatmap_export_is_the_team_leads_team_only_and_every_page(
    client, monkeypatch, team_lead, team, agent, other_agent, fmt
):
    monkeypatch.setattr("lms.selectors.HEATMAP_PAGE_SIZE", 2)
    teammates = [UserFactory(team=team) for _ in range(3)]
    client.force_login(team_lead)

    names = {row[0] for row in download(client, "/heatmap/", fmt)[1:]}
    # Filtering into another team gives nobody, as on the page.
    other = download(client, "/heatmap/", fmt, team="cosmetics")

    assert names == {"王雨桐", *(p.display_name for p in teammates)}
    assert "李思远" not in names
    assert other[1:] == []


def test_heatmap_export_follows_the_team_filter(client, hr, agent, other_agent):
    client.force_login(hr)

    names = {row[0] for row in download(client, "/heatmap/", "csv", team="cosmetics")[1:]}

    assert names == {"李思远"}


def test_heatmap_export_is_refused_to_agents(client, agent):
    client.force_login(agent)

    assert client.get("/heatmap/", {"format": "csv"}).status_code == 404
    assert client.get("/heatmap/", {"format": "xlsx"}).status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_heatmap_export_query_count_is_fixed(client, monkeypatch, hr, team, fmt):
    monkeypatch.setattr("lms.selectors.HEATMAP_PAGE_SIZE", 2)
    competencies = [CompetencyFactory() for _ in range(3)]
    client.force_login(hr)

    def grow(count: int) -> None:
        for _ in range(count):
            person = UserFactory(team=TeamFactory())
            for competency in competencies:
                CompetencyLevelFactory(agent=person, competency=competency)

    grow(2)
    small = counted(client, "/heatmap/", fmt)
    grow(6)
    large = counted(client, "/heatmap/", fmt)

    assert len(download(client, "/heatmap/", fmt)) == 1 + 8
    assert small == large


def test_heatmap_page_links_the_downloads_with_its_filter(client, hr, agent):
    client.force_login(hr)

    page = client.get("/heatmap/", {"team": "apparel"}).content.decode()

    assert "/heatmap/?team=apparel&amp;format=csv" in page
    assert "/heatmap/?team=apparel&amp;format=xlsx" in page


# --- Mentorships -----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_mentorships_export_lists_active_ones_and_neutralises_formulas(client, hr, mentor, fmt):
    evil_team = TeamFactory(code="evil", name_zh=FORMULA)
    evil = MentorshipFactory(
        mentor=UserFactory(display_name="@SUM(A1)", roles=[Role.AGENT, Role.MENTOR]),
        mentee=UserFactory(display_name=FORMULA, team=evil_team),
    )
    ended = MentorshipFactory(mentee=UserFactory(display_name="已结束的学员"))
    ended.ended_on = ended.started_on
    ended.save(update_fields=["ended_on"])
    client.force_login(hr)

    header, *rows = download(client, "/mentorships/", fmt)

    assert len(header) == 4
    assert rows[[r[1] for r in rows].index("王雨桐")][:3] == ["陈导师", "王雨桐", "服饰组"]
    assert ["'@SUM(A1)", "'" + FORMULA, "'" + FORMULA] in [r[:3] for r in rows]
    assert rows[-1][3].startswith(str(evil.started_on.year))
    assert all("已结束的学员" not in r for r in rows)
    assert len(rows) == 2


def test_mentorships_export_is_refused_to_those_who_cannot_manage_them(client, agent, mentor):
    for person in (agent, mentor):
        client.force_login(person)
        assert client.get("/mentorships/", {"format": "csv"}).status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_mentorships_export_query_count_is_fixed_and_not_paged(client, monkeypatch, hr, fmt):
    monkeypatch.setattr("lms.views.MENTORSHIPS_PER_PAGE", 2)
    client.force_login(hr)

    def grow(count: int) -> None:
        for _ in range(count):
            MentorshipFactory()

    grow(2)
    small = counted(client, "/mentorships/", fmt)
    grow(5)
    large = counted(client, "/mentorships/", fmt)

    assert len(download(client, "/mentorships/", fmt)) == 1 + 7
    assert small == large


def test_mentorships_page_links_the_downloads(client, hr, mentor):
    client.force_login(hr)

    page = client.get("/mentorships/").content.decode()

    assert "/mentorships/?format=csv" in page and "/mentorships/?format=xlsx" in page
