import csv
import io
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from lms import reports
from lms.models import Competency, Level
from tests.lms.factories import (
    PASSWORD,
    CompetencyFactory,
    CompetencyLevelFactory,
    PositionProfileFactory,
    PositionRequirementFactory,
    TeamFactory,
    UserFactory,
)

REPORT = "/reports/competencies/"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def data(team, other_team, agent, other_agent, team_lead):
    """Two teams × two competencies, levels chosen so every figure is checked by hand.

    服饰组 (team): agent P c1=3 c2=1 · a2 P c1=1 · a3 (no position) c1=2
    美妆组 (other_team): other_agent P c1=2 c2=2
    Position P requires c1 ≥ 2 (advanced) and c2 ≥ 1 (basic).
    """
    Competency.objects.update(is_active=False)  # only the two below count
    c1 = CompetencyFactory(name_zh="<b>&", name_en="<b>& en", order=1)
    c2 = CompetencyFactory(name_zh="投诉处理", name_en="Complaints", order=2)
    position = PositionProfileFactory(code="agent-l1", name_zh="一级客服", name_en="Agent L1")
    PositionRequirementFactory(profile=position, competency=c1, level=Level.ADVANCED)
    PositionRequirementFactory(profile=position, competency=c2, level=Level.BASIC)
    agent.position = position
    agent.save(update_fields=["position"])
    other_agent.position = position
    other_agent.save(update_fields=["position"])
    a2 = UserFactory(display_name="=HYPERLINK(1)", team=team, position=position)
    a3 = UserFactory(team=team, position=None)
    for person, competency, level in [
        (agent, c1, 3),
        (agent, c2, 1),
        (a2, c1, 1),
        (a3, c1, 2),
        (other_agent, c1, 2),
        (other_agent, c2, 2),
    ]:
        CompetencyLevelFactory(agent=person, competency=competency, level=level)
    return {"c1": c1, "c2": c2, "position": position, "a2": a2, "a3": a3}


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


# --- numbers -------------------------------------------------------------------------


def test_team_heatmap_averages_and_shares_are_exact(data, hr, team, other_team):
    heatmap = reports.team_competency_heatmap(hr)
    assert [c.pk for c in heatmap.competencies] == [data["c1"].pk, data["c2"].pk]
    rows = {row.team.code: row for row in heatmap.rows}
    apparel, cosmetics = rows["apparel"], rows["cosmetics"]
    assert apparel.people == 3 and cosmetics.people == 1
    c1, c2 = apparel.cells
    assert c1.average == pytest.approx(2.0)  # (3 + 1 + 2) / 3
    assert (c1.required_of, c1.meeting, c1.share_meeting) == (2, 1, 50)  # a2 is below
    assert c2.average == pytest.approx(1 / 3)  # (1 + 0 + 0) / 3
    assert (c2.required_of, c2.meeting, c2.share_meeting) == (2, 1, 50)
    assert [(cell.average, cell.share_meeting) for cell in cosmetics.cells] == [(2, 100), (2, 100)]


def test_team_heatmap_filtered_by_position_leaves_out_people_without_it(data, hr):
    rows = {
        r.team.code: r for r in reports.team_competency_heatmap(hr, position=data["position"]).rows
    }
    assert rows["apparel"].people == 2  # a3 holds no position
    assert rows["apparel"].cells[0].average == pytest.approx(2.0)  # (3 + 1) / 2
    assert rows["apparel"].cells[1].average == pytest.approx(0.5)


def test_a_team_without_requirement_shows_no_share(data, hr):
    only = reports.team_competency_heatmap(hr, team=data["a3"].team)
    assert [r.team.code for r in only.rows] == ["apparel"]
    other = CompetencyFactory(name_zh="无人要求")
    heatmap = reports.team_competency_heatmap(hr)
    column = [c.pk for c in heatmap.competencies].index(other.pk)
    assert heatmap.rows[0].cells[column].share_meeting is None
    assert heatmap.rows[0].cells[column].average == 0


def test_level_distribution_counts_every_person_once_per_competency(data, hr, team):
    distribution = reports.level_distribution(hr)
    assert distribution.people == 4
    assert [row.counts for row in distribution.rows] == [(0, 1, 2, 1), (2, 1, 1, 0)]
    by_team = reports.level_distribution(hr, team=team)
    assert by_team.people == 3
    assert [row.counts for row in by_team.rows] == [(0, 1, 1, 1), (2, 1, 0, 0)]
    by_position = reports.level_distribution(hr, position=data["position"])
    assert [row.counts for row in by_position.rows] == [(0, 1, 1, 1), (1, 1, 1, 0)]
    assert [row.total for row in by_position.rows] == [3, 3]


def test_person_radar_is_required_against_current_on_the_position_axes(data, agent):
    axes = reports.person_radar(agent)
    assert [(a.competency.pk, a.required, a.current, a.gap) for a in axes] == [
        (data["c1"].pk, 2, 3, 0),
        (data["c2"].pk, 1, 1, 0),
    ]
    a2 = reports.person_radar(data["a2"])
    assert [(a.required, a.current, a.gap) for a in a2] == [(2, 1, 1), (1, 0, 1)]
    assert reports.person_radar(data["a3"]) == []  # no position, no axes


# --- pages and permissions -------------------------------------------------------------


def svgs(html: str) -> list[ET.Element]:
    found = []
    start = 0
    while (start := html.find("<svg", start)) != -1:
        end = html.index("</svg>", start) + len("</svg>")
        found.append(ET.fromstring(html[start:end]))
        start = end
    return found


def test_report_page_shows_both_charts_and_tables_to_hr(client, data, hr):
    response = login(client, hr).get(REPORT)
    assert response.status_code == 200
    html = response.content.decode()
    heat, bars = svgs(html)
    assert len([g for g in heat.iter(f"{SVG}g") if g.get("class") == "cell"]) == 4  # 2 × 2
    assert len([g for g in bars.iter(f"{SVG}g") if g.get("class") == "bar"]) == 2
    assert "&lt;b&gt;&amp;" in html and "<b>&" not in html
    assert "服饰组" in html and "美妆组" in html
    assert "<table" in html and "2.0" in html and "50%" in html
    assert "table=teams&amp;format=csv" in html and "table=levels&amp;format=xlsx" in html


def test_agent_gets_404_on_the_report(client, data, agent):
    assert login(client, agent).get(REPORT).status_code == 404
    assert client.get(REPORT + "?table=teams&format=csv").status_code == 404


def test_team_lead_sees_only_their_team(client, data, team_lead, other_team):
    html = login(client, team_lead).get(REPORT).content.decode()
    assert "服饰组" in html and "美妆组" not in html
    # Asking for another team is refused with a message and shows only their own.
    html = client.get(REPORT + "?team=cosmetics").content.decode()
    assert 'role="alert"' in html and "美妆组" not in html and "服饰组" in html
    body = b"".join(client.get(REPORT + "?table=teams&format=csv").streaming_content)
    assert "美妆组" not in body.decode() and "服饰组" in body.decode()


def test_filters_narrow_the_page(client, data, hr):
    html = login(client, hr).get(REPORT + "?team=apparel&position=agent-l1").content.decode()
    report = html[html.index('<div id="report">') :]
    assert "服饰组" in report and "美妆组" not in report
    assert "table=people&amp;format=csv" in html  # a team is picked: its people table
    htmx = client.get(REPORT + "?team=apparel", HTTP_HX_REQUEST="true").content.decode()
    assert htmx.lstrip().startswith('<div id="report">') and "<html" not in htmx


def test_unknown_export_table_is_404(client, data, hr):
    assert login(client, hr).get(REPORT + "?table=nope&format=csv").status_code == 404


def test_radar_page_for_lead_hr_and_self_not_for_others(
    client, data, agent, other_agent, team_lead, hr
):
    url = f"/people/{agent.pk}/radar/"
    assert login(client, other_agent).get(url).status_code == 404
    assert client.get(f"/people/{other_agent.pk}/radar/").status_code == 200  # themself
    assert login(client, team_lead).get(f"/people/{other_agent.pk}/radar/").status_code == 404
    for viewer in (team_lead, hr, agent):
        response = login(client, viewer).get(url)
        assert response.status_code == 200
        (svg,) = svgs(response.content.decode())
        assert len([e for e in svg.iter(f"{SVG}line") if e.get("class") == "axis"]) == 2
        assert len([e for e in svg.iter(f"{SVG}polygon") if e.get("class") == "series"]) == 2


def test_person_page_links_to_the_radar(client, data, agent):
    html = login(client, agent).get(f"/people/{agent.pk}/").content.decode()
    assert f'href="/people/{agent.pk}/radar/"' in html


def test_radar_page_without_position_says_so(client, data, hr):
    html = login(client, hr).get(f"/people/{data['a3'].pk}/radar/").content.decode()
    assert "<svg" not in html and "未设置岗位画像" in html


def test_people_export_rows_are_each_visible_person_with_their_levels(data, hr, team_lead):
    export = reports.people_competency_export(hr)
    assert export.headers == ["人员", "工号", "团队", "岗位画像", "<b>&", "投诉处理"]
    a2, a3 = data["a2"], data["a3"]
    assert [str(a2), a2.employee_no, "服饰组", "一级客服", 1, 0] in export.rows
    assert [str(a3), a3.employee_no, "服饰组", "", 2, 0] in export.rows
    assert len(export.rows) == 4
    by_position = reports.people_competency_export(hr, position=data["position"])
    assert len(by_position.rows) == 3 and [r[0] for r in by_position.rows].count(str(a3)) == 0
    # A team lead's export holds the people of the teams they lead only.
    assert {row[2] for row in reports.people_competency_export(team_lead).rows} == {"服饰组"}


# --- exports ---------------------------------------------------------------------------


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(body)))


def xlsx_rows(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_team_heatmap_csv_and_xlsx_hold_the_table(client, data, hr):
    TeamFactory(code="formula", name_zh="=SUM(A1)", name_en="=SUM(A1)")
    login(client, hr)
    rows = csv_rows(client.get(REPORT + "?table=teams&format=csv"))
    assert rows[0][0] == "团队"
    assert ["服饰组", "<b>&", "3", "2.0", "2", "1", "50.0"] in rows
    assert ["服饰组", "投诉处理", "3", "0.33", "2", "1", "50.0"] in rows
    assert ["'=SUM(A1)", "<b>&", "0", "", "0", "0", ""] in rows  # neutralised, empty team
    xrows = xlsx_rows(client.get(REPORT + "?table=teams&format=xlsx"))
    assert ["美妆组", "投诉处理", 1, 2, 1, 1, 100] in xrows
    assert ["'=SUM(A1)", "<b>&", 0, None, 0, 0, None] in xrows


def test_distribution_and_people_exports(client, data, hr):
    login(client, hr)
    rows = csv_rows(client.get(REPORT + "?table=levels&format=csv"))
    assert rows[0] == ["能力项", "未评定", "基础", "进阶", "专家", "人员"]
    assert rows[1:] == [["<b>&", "0", "1", "2", "1", "4"], ["投诉处理", "2", "1", "1", "0", "4"]]
    xrows = xlsx_rows(client.get(REPORT + "?team=apparel&table=people&format=xlsx"))
    assert xrows[0][-2:] == ["<b>&", "投诉处理"]
    assert ["'=HYPERLINK(1)", data["a2"].employee_no, "服饰组", "一级客服", 1, 0] in xrows
    assert len(xrows) == 4  # header + the three apparel agents


def test_radar_exports(client, data, agent):
    login(client, agent)
    rows = csv_rows(client.get(f"/people/{agent.pk}/radar/?format=csv"))
    assert rows == [
        ["能力项", "要求", "当前", "差距等级数"],
        ["<b>&", "2", "3", "0"],
        ["投诉处理", "1", "1", "0"],
    ]
    xrows = xlsx_rows(client.get(f"/people/{agent.pk}/radar/?format=xlsx"))
    assert xrows[1:] == [["<b>&", 2, 3, 0], ["投诉处理", 1, 1, 0]]


# --- languages -------------------------------------------------------------------------


def test_pages_speak_english_for_english_users(client, data, hr, agent):
    hr.preferred_language = "en"
    hr.save(update_fields=["preferred_language"])
    html = login(client, hr).get(REPORT).content.decode()
    assert '<html lang="en">' in html
    assert "Apparel team" in html and "Complaints" in html and "Competency" in html
    rows = csv_rows(client.get(REPORT + "?table=levels&format=csv"))
    assert rows[0][:5] == ["Competency", "Not yet assessed", "Basic", "Advanced", "Expert"]
    html = client.get(f"/people/{agent.pk}/radar/").content.decode()
    assert "Required" in html and "Current" in html and "Agent L1" in html


def test_pages_speak_chinese_by_default(client, data, hr, agent):
    html = login(client, hr).get(REPORT).content.decode()
    assert "服饰组" in html and "能力项" in html and "基础" in html
    html = client.get(f"/people/{agent.pk}/radar/").content.decode()
    assert "要求" in html and "当前" in html and "一级客服" in html


# --- query counts ----------------------------------------------------------------------


def grow(data, teams: int, people: int):
    position = data["position"]
    competencies = [data["c1"], data["c2"], CompetencyFactory()]
    for _ in range(teams):
        team = TeamFactory()
        for p in range(people):
            person = UserFactory(team=team, position=position if p % 2 else None)
            for i, competency in enumerate(competencies):
                CompetencyLevelFactory(agent=person, competency=competency, level=1 + (p + i) % 3)


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        REPORT,
        REPORT + "?team=apparel&position=agent-l1",
        REPORT + "?table=teams&format=csv",
        REPORT + "?table=levels&format=xlsx",
        REPORT + "?team=apparel&table=people&format=csv",
        # Unfiltered, so that ``grow``'s new teams add rows to the export.
        REPORT + "?table=people&format=csv",
        REPORT + "?table=people&format=xlsx",
    ],
)
def test_report_query_count_does_not_grow_with_data(client, data, hr, url):
    login(client, hr)
    grow(data, teams=1, people=2)
    small = count_queries(client, url)
    grow(data, teams=4, people=6)
    assert count_queries(client, url) == small


def test_radar_query_count_does_not_grow_with_data(client, data, hr, agent):
    login(client, hr)
    url = f"/people/{agent.pk}/radar/"
    small = count_queries(client, url)
    for _ in range(5):
        competency = CompetencyFactory()
        PositionRequirementFactory(profile=data["position"], competency=competency)
        CompetencyLevelFactory(agent=agent, competency=competency, level=Level.EXPERT)
    assert count_queries(client, url) == small
