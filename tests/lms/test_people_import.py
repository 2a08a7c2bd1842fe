"""People import: CSV and XLSX rosters (Chinese headers and names, BOM, GBK), creating and
updating people keyed by employee number, teams, positions, roles and mentors, dry runs,
idempotency, every bad row by line with nothing saved, the page, the template and who
may use them."""

import datetime
import io

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from lms.models import Mentorship, Role, Team, User
from lms.people_import import people_import
from tests.lms.factories import (
    MentorshipFactory,
    PositionProfileFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ZH_HEADER = "工号,用户名,姓名,英文名,邮箱,团队,岗位,入职日期,导师,角色,在职"
EN_HEADER = "employee_no,username,display_name,english_name,email,team,position,hire_date,mentor,roles,active"  # noqa: E501

ROSTER = [
    "YS0001,chen.jing,陈静,Jing Chen,chen.jing@example.com,apparel,一线客服,2024-03-01,,客服、导师,是",  # noqa: E501
    "YS0002,wang.yutong,王雨桐,Yutong Wang,,服饰组,一线客服,2025/07/15,YS0001,客服,是",
    "YS0003,,李思远,,,cosmetics,,2025-09-01,YS0001,agent,yes",
]


@pytest.fixture
def setup(team, other_team):
    """The apparel and cosmetics teams (conftest) and one position."""
    return PositionProfileFactory(code="frontline", name_zh="一线客服", name_en="Frontline agent")


def csv_bytes(*lines: str, header: str = ZH_HEADER, encoding: str = "utf-8-sig") -> bytes:
    return "\n".join([header, *lines]).encode(encoding)


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run(data: bytes, name: str = "people.csv", *, dry_run: bool = False, by=None):
    return people_import(upload=io.BytesIO(data), filename=name, dry_run=dry_run, by=by)


def snapshot() -> dict:
    """Everything an import may touch, to show that nothing moved."""
    return {
        "people": list(
            User.objects.order_by("pk").values_list(
                "pk",
                "employee_no",
                "username",
                "display_name",
                "english_name",
                "email",
                "team__code",
                "position__code",
                "hire_date",
                "is_active",
                "password",
            )
        ),
        "roles": sorted(User.groups.through.objects.values_list("user_id", "group__name")),
        "mentorships": list(
            Mentorship.objects.order_by("pk").values_list("mentor", "mentee", "ended_on")
        ),
        "teams": list(
            Team.objects.order_by("pk").values_list("code", "name_zh", "lead__employee_no")
        ),
    }


def errors_by_line(result) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for error in result.errors:
        found.setdefault(error.line, []).append(error.message)
    return found


def roles_of(number: str) -> set[str]:
    return set(User.objects.get(employee_no=number).groups.values_list("name", flat=True))


# --- Reading and creating ----------------------------------------------------------------


def test_a_chinese_csv_with_a_bom_creates_people_teams_positions_roles_and_mentors(setup, hr):
    result = run(csv_bytes(*ROSTER), by=hr)

    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    chen = User.objects.get(employee_no="YS0001")
    wang = User.objects.get(employee_no="YS0002")
    li = User.objects.get(employee_no="YS0003")
    assert (chen.username, chen.display_name, chen.english_name, chen.email) == (
        "chen.jing",
        "陈静",
        "Jing Chen",
        "chen.jing@example.com",
    )
    assert (chen.team.code, chen.position.code) == ("apparel", "frontline")
    assert wang.team.code == "apparel"  # found by its Chinese name
    assert wang.hire_date == datetime.date(2025, 7, 15)  # written with slashes
    assert li.username == "YS0003"  # no username: the employee number
    assert roles_of("YS0001") == {Role.AGENT, Role.MENTOR}
    assert roles_of("YS0002") == {Role.AGENT}
    assert not any(u.has_usable_password() for u in (chen, wang, li))
    mentorships = Mentorship.objects.filter(mentor=chen, ended_on__isnull=True)
    assert set(mentorships.values_list("mentee__employee_no", flat=True)) == {"YS0002", "YS0003"}
    assert set(mentorships.values_list("created_by", flat=True)) == {hr.pk}


def test_an_xlsx_file_with_english_headers_and_real_date_cells(setup, hr):
    data = xlsx_bytes(
        [
            EN_HEADER.split(","),
            [1001, "zhou", "周敏", "Min Zhou", None, "apparel", "frontline",
             datetime.datetime(2025, 3, 1), None, "agent, team lead", "yes"],
        ]
    )  # fmt: skip

    result = run(data, "people.xlsx", by=hr)

    assert result.ok, result.errors
    person = User.objects.get(employee_no="1001")  # a number cell, read without ".0"
    assert (person.display_name, person.hire_date) == ("周敏", datetime.date(2025, 3, 1))
    assert roles_of("1001") == {Role.AGENT, Role.TEAM_LEAD}


def test_a_gbk_encoded_csv_is_read_correctly(setup, hr):
    result = run(csv_bytes(*ROSTER, encoding="gbk"), by=hr)

    assert result.ok, result.errors
    assert User.objects.get(employee_no="YS0002").display_name == "王雨桐"


def test_a_team_is_created_from_a_code_and_a_team_name_once(setup, hr):
    header = "工号,姓名,团队,团队名称"
    data = csv_bytes("YS0010,黄磊,digital,数码组", "YS0011,吴倩,digital,", header=header)

    result = run(data, by=hr)

    assert result.ok, result.errors
    assert Team.objects.get(code="digital").name_zh == "数码组"
    assert set(User.objects.filter(team__code="digital").values_list("employee_no", flat=True)) == {
        "YS0010",
        "YS0011",
    }
    assert result.teams_created == ["数码组 (digital)"]


# --- Updating, dry runs and idempotency ----------------------------------------------------


def test_an_update_changes_only_the_given_cells(setup, hr):
    person = UserFactory(
        employee_no="YS0001",
        username="chen.jing",
        display_name="陈静",
        email="old@example.com",
        team=Team.objects.get(code="apparel"),
        hire_date=datetime.date(2024, 3, 1),
    )
    header = "工号,姓名,邮箱,团队"
    result = run(csv_bytes("YS0001,陈静,new@example.com,", header=header), by=hr)

    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    person.refresh_from_db()
    assert person.email == "new@example.com"
    assert person.team.code == "apparel"  # an empty cell changes nothing
    assert person.hire_date == datetime.date(2024, 3, 1)
    assert person.has_usable_password()  # an update never touches the password
    [change] = result.changes
    assert [(f.old, f.new) for f in change.fields] == [("old@example.com", "new@example.com")]


def test_a_dry_run_reports_the_changes_and_writes_nothing(setup, hr):
    before = snapshot()

    result = run(csv_bytes(*ROSTER), dry_run=True, by=hr)

    assert result.ok
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    assert [c.employee_no for c in result.changes] == ["YS0001", "YS0002", "YS0003"]
    assert all(c.created for c in result.changes)
    mentor_change = [f for f in result.changes[1].fields if f.new == "YS0001"]
    assert mentor_change, "the mentor to be assigned is listed"
    assert snapshot() == before


def test_importing_the_same_file_again_changes_nothing(setup, hr):
    data = csv_bytes(*ROSTER)
    assert run(data, by=hr).ok
    before = snapshot()

    again = run(data, by=hr)

    assert again.ok
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert again.changes == []
    assert snapshot() == before


# --- Bad rows --------------------------------------------------------------------------


def test_every_bad_row_is_reported_by_line_and_nothing_is_saved(setup, hr):
    before = snapshot()
    data = csv_bytes(
        "YS0001,chen.jing,陈静,,,apparel,,2024-03-01,,客服、导师,是",  # 2: fine
        "YS0002,,王雨桐,,,no-such-team,,,,,",  # 3: unknown team
        "YS0003,,李思远,,,apparel,,2025-13-40,,,",  # 4: bad date
        "YS0004,,赵一,,,apparel,,,,,",  # 5: duplicate number (with 6)
        "YS0004,,赵二,,,apparel,,,,,",  # 6
        "YS0005,,钱三,,,apparel,,,YS9999,,",  # 7: unknown mentor
        "YS0006,,孙四,,,apparel,,,YS0006,导师,",  # 8: self-mentoring
        "YS0007,,周五,,,apparel,,,,boss,",  # 9: bad role
        "YS0008,,吴六,,,apparel,,03/01/2025,,,",  # 10: date the wrong way round
    )

    result = run(data, by=hr)

    lines = errors_by_line(result)
    assert sorted(lines) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert "no-such-team" in lines[3][0]
    assert "2025-13-40" in lines[4][0]
    assert "6" in lines[5][0] and "5" in lines[6][0]  # each names the other line
    assert "YS9999" in lines[7][0]
    assert lines[8] == ["不能给自己当导师。"]
    assert "boss" in lines[9][0]
    assert "03/01/2025" in lines[10][0]
    assert (result.created, result.updated, result.changes) == (0, 0, [])
    assert snapshot() == before


def test_duplicate_usernames_in_the_file_are_errors_on_both_lines(setup, hr):
    header = "工号,用户名,姓名"
    result = run(csv_bytes("YS0001,same,甲", "YS0002,same,乙", header=header), by=hr)

    assert sorted(errors_by_line(result)) == [2, 3]
    assert not User.objects.filter(employee_no__in=["YS0001", "YS0002"]).exists()


def test_a_username_that_belongs_to_someone_else_is_an_error(setup, hr, agent):
    result = run(csv_bytes("YS0001,agent,甲", header="工号,用户名,姓名"), by=hr)

    assert list(errors_by_line(result)) == [2]
    assert not User.objects.filter(employee_no="YS0001").exists()


def test_someone_with_another_active_mentor_is_refused_with_the_way_out(setup, hr):
    mentee = UserFactory(employee_no="YS0002", display_name="王雨桐")
    old = UserFactory(employee_no="YS0100", roles=[Role.MENTOR])
    UserFactory(employee_no="YS0001", roles=[Role.MENTOR])
    MentorshipFactory(mentor=old, mentee=mentee)
    before = snapshot()

    result = run(csv_bytes("YS0002,王雨桐,YS0001", header="工号,姓名,导师"), by=hr)

    [message] = errors_by_line(result)[2]
    assert "YS0100" in message
    assert snapshot() == before


def test_a_mentor_needs_the_mentor_role_and_room(setup, hr):
    UserFactory(employee_no="YS0001", roles=[Role.AGENT])
    full = UserFactory(employee_no="YS0100", roles=[Role.MENTOR], mentor_capacity=1)
    UserFactory(employee_no="YS0101", roles=[Role.MENTOR], mentor_capacity=1)
    MentorshipFactory(mentor=User.objects.get(employee_no="YS0101"), mentee=UserFactory())
    data = csv_bytes(
        "YS0002,甲,YS0001",  # 2: not a mentor
        "YS0003,乙,YS0100",  # 3: fills the capacity of one
        "YS0004,丙,YS0100",  # 4: beyond it
        "YS0005,丁,YS0101",  # 5: already full
        header="工号,姓名,导师",
    )

    result = run(data, by=hr)

    assert sorted(errors_by_line(result)) == [2, 4, 5]
    assert not Mentorship.objects.filter(mentor=full).exists()


def test_the_administrator_role_cannot_be_given_by_a_file(setup, hr):
    result = run(csv_bytes("YS0001,甲,admin", header="工号,姓名,角色"), by=hr)

    assert list(errors_by_line(result)) == [2]
    assert not User.objects.filter(employee_no="YS0001").exists()


def test_the_mentor_role_stays_while_someone_is_mentored(setup, hr):
    mentor = UserFactory(employee_no="YS0001", roles=[Role.AGENT, Role.MENTOR])
    MentorshipFactory(mentor=mentor, mentee=UserFactory())

    result = run(csv_bytes("YS0001,甲,客服", header="工号,姓名,角色"), by=hr)

    assert list(errors_by_line(result)) == [2]
    assert roles_of("YS0001") == {Role.AGENT, Role.MENTOR}


def test_roles_in_the_file_replace_the_imported_roles(setup, hr):
    UserFactory(employee_no="YS0001", roles=[Role.AGENT, Role.TRAINER])

    result = run(csv_bytes("YS0001,甲,主管、客服", header="工号,姓名,角色"), by=hr)

    assert result.ok, result.errors
    assert roles_of("YS0001") == {Role.AGENT, Role.TEAM_LEAD}


def test_a_missing_required_column_rejects_the_file_on_line_1(setup, hr):
    result = run(csv_bytes("甲,apparel", header="姓名,团队"), by=hr)

    assert [(e.line, e.message) for e in result.errors] == [(1, "缺少列：employee_no。")]


def test_leaving_marks_a_person_inactive(setup, hr):
    person = UserFactory(employee_no="YS0001", display_name="甲")

    result = run(csv_bytes("YS0001,甲,否", header="工号,姓名,在职"), by=hr)

    assert result.updated == 1
    person.refresh_from_db()
    assert not person.is_active


# --- Pages, template and permissions -----------------------------------------------------


def upload(data: bytes, name: str = "people.csv", **fields) -> dict:
    return {"file": SimpleUploadedFile(name, data), **fields}


def test_only_hr_reaches_the_import_page_and_template(client, setup, agent, team_lead, hr):
    page = reverse("people_import:page")
    template = reverse("people_import:template", args=["csv"])
    assert client.get(page).status_code == 302  # to the login page
    for person in (agent, team_lead):
        client.force_login(person)
        assert client.get(page).status_code == 404
        assert client.get(template).status_code == 404
        response = client.post(page, upload(csv_bytes(*ROSTER)))
        assert response.status_code == 404
        assert not User.objects.filter(employee_no="YS0001").exists()

    client.force_login(hr)
    assert client.get(page).status_code == 200
    response = client.post(page, upload(csv_bytes(*ROSTER)))
    assert response.status_code == 200
    assert User.objects.filter(employee_no="YS0001").exists()


def test_the_page_checks_a_file_and_lists_the_changes_without_saving(client, setup, hr):
    client.force_login(hr)
    before = snapshot()

    response = client.post(reverse("people_import:page"), upload(csv_bytes(*ROSTER), dry_run="on"))

    html = response.content.decode()
    assert 'id="summary-created">3<' in html
    assert 'id="change-3"' in html and "王雨桐" in html
    assert snapshot() == before


def test_the_page_lists_every_error_with_its_line(client, setup, hr):
    client.force_login(hr)
    data = csv_bytes(
        ROSTER[0], "YS0002,,王雨桐,,,no-such-team,,,,,", "YS0003,,李思远,,,,,,YS0003,,"
    )

    response = client.post(reverse("people_import:page"), upload(data))

    html = response.content.decode()
    assert '<td class="num">3</td>' in html and "no-such-team" in html
    assert '<td class="num">4</td>' in html and "不能给自己当导师。" in html
    assert not User.objects.filter(employee_no="YS0001").exists()


def test_the_page_speaks_english_too(client, setup, hr):
    hr.preferred_language = "en"
    hr.save(update_fields=["preferred_language"])
    client.force_login(hr)

    response = client.post(
        reverse("people_import:page"), upload(csv_bytes("YS0003,,李思远,,,,,,YS0003,,"))
    )

    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Import people" in html and "Nobody can mentor themselves." in html


def test_a_wrong_file_type_is_refused_by_the_form(client, setup, hr):
    client.force_login(hr)

    response = client.post(reverse("people_import:page"), upload(b"x", "people.txt"))

    assert "请上传 .csv 或 .xlsx 文件。" in response.content.decode()


def test_the_csv_template_has_a_bom_chinese_headers_and_imports_cleanly(client, hr):
    client.force_login(hr)

    response = client.get(reverse("people_import:template", args=["csv"]))

    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())
    assert body.decode("utf-8-sig").splitlines()[0].startswith("工号,用户名,姓名")
    result = run(body, "template.csv", dry_run=True, by=hr)
    assert result.ok, result.errors
    assert result.created == 2


def test_the_xlsx_template_opens_and_imports_cleanly(client, hr):
    client.force_login(hr)

    response = client.get(reverse("people_import:template", args=["xlsx"]))

    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet.cell(1, 1).value == "工号"
    result = run(response.content, "template.xlsx", by=hr)
    assert result.ok, result.errors
    assert Mentorship.objects.filter(mentor__employee_no="YS9001").count() == 1
    assert client.get(reverse("people_import:template", args=["pdf"])).status_code == 404


def _roster(n: int, prefix: str) -> bytes:
    return csv_bytes(
        *[
            f"{prefix}{i:04d},{prefix}.user{i},客服{i},,,apparel,一线客服,2025-01-01,,客服,是"
            for i in range(n)
        ]
    )


@pytest.mark.parametrize("dry_run", [True, False])
def test_an_import_makes_the_same_number_of_queries_for_5_or_40_people(client, setup, hr, dry_run):
    Group.objects.get_or_create(name=Role.AGENT)
    client.force_login(hr)
    counts = []
    for n, prefix in ((5, "A"), (40, "B")):
        fields = {"dry_run": "on"} if dry_run else {}
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                reverse("people_import:page"), upload(_roster(n, prefix), **fields)
            )
        assert f'id="summary-created">{n}<'.encode() in response.content
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert User.objects.filter(employee_no__startswith="B").count() == (0 if dry_run else 40)
