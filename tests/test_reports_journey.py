"""The reports journey of issue 7, end to end through the real URLs.

"HR imports the people and a quarter of KPIs from files, opens the dashboards and the
impact page and sees correct, explained numbers in both languages; exports open cleanly in
a spreadsheet; the monthly PDF report is there."

Like the other journeys the test walks the pages as a browser would: links and form
actions (and the values a form offers) are read from the pages, and the database is
checked after each step. The people file is the downloaded template filled in as an XLSX
(ten people, three teams created by the file, one of them named ``=cmd`` to test the
exports' formula escaping); the KPI file is a GBK-encoded CSV with Chinese headers, as a
Chinese Windows would save it: thirteen weekly rows per person. Five people completed a
course six weeks ago (enrolments made with factories) and their first response time falls
by 8–12 s (10 s on average) after their completion week; the five others move by at most
1 s. Each week's value carries a wave (+2, −1, −2, +1 s) that sums to zero over any four
consecutive weeks, so the four-week means are exactly the levels built in. The KPI import
is a Celery task: its on-commit callback is captured and run by hand after the job page
has been seen waiting, then the page's polling fragment is followed to the result.
"""

import csv
import datetime
import io
import re
import subprocess
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from certification.models import MonthlyReport
from certification.reports import dashboards, impact
from courses.models import Course, Enrolment
from lms.models import (
    Evidence,
    ImportJob,
    Level,
    Mentorship,
    Role,
    ServiceKPI,
    Team,
    User,
)
from lms.services import evidence_record
from tests.courses.factories import enrolment_for, published_course
from tests.lms.factories import CompetencyFactory, PositionProfileFactory
from tests.test_quiz_journey import HTMX, block, first_href, form_posting_to, html, signed_in
from tests.test_roleplay_journey import cells, messages_of, rows

pytestmark = pytest.mark.django_db

WEEKS = 13
IMPACT_WEEKS = 4
WAVE = (2.0, -1.0, -2.0, 1.0)  # any four consecutive weeks sum to zero


@dataclass(frozen=True)
class Person:
    employee_no: str
    username: str
    name: str
    english: str
    team: str  # the team's code
    team_name: str  # only on the row that creates the team
    position: str
    mentor: str
    roles: str
    base_frt: float  # seconds, the level before the completion week
    change: float  # seconds, added after the completion week
    completes: bool


PEOPLE = [
    Person("YS1001", "chen.jing", "陈静", "Jing Chen", "after-sales", "售后组", "高级客服", "",
           "客服、导师", 40.0, -8.0, True),
    Person("YS1002", "wang.yutong", "王雨桐", "Yutong Wang", "after-sales", "", "初级客服",
           "YS1001", "客服", 46.0, -12.0, True),
    Person("YS1003", "li.hao", "李浩", "Hao Li", "after-sales", "", "初级客服", "", "客服",
           44.5, -10.0, True),
    Person("YS1004", "zhang.min", "张敏", "", "after-sales", "", "初级客服", "", "客服",
           42.0, 1.0, False),
    Person("YS1005", "zhao.lei", "赵磊", "Lei Zhao", "pre-sales", "售前组", "高级客服", "",
           "客服", 38.5, -9.0, True),
    Person("YS1006", "sun.li", "孙丽", "", "pre-sales", "", "初级客服", "", "客服",
           50.0, -11.0, True),
    Person("YS1007", "zhou.jie", "周杰", "Jie Zhou", "pre-sales", "", "初级客服", "", "客服",
           47.0, -1.0, False),
    Person("YS1008", "wu.fang", "吴芳", "", "pre-sales", "", "初级客服", "", "客服",
           43.0, 0.5, False),
    Person("YS1009", "zheng.yu", "郑宇", "", "cmd-team", "=cmd", "初级客服", "", "客服",
           45.0, -0.5, False),
    Person("YS1010", "huang.xin", "黄欣", "", "cmd-team", "", "初级客服", "", "客服",
           41.0, 0.0, False),
]  # fmt: skip
COMPLETERS = [p for p in PEOPLE if p.completes]
KPI_ROWS = len(PEOPLE) * WEEKS


# --- The calendar ----------------------------------------------------------------------------


def this_monday() -> datetime.date:
    today = timezone.localdate()
    return today - datetime.timedelta(days=today.weekday())


def week(k: int) -> datetime.date:
    """The Monday ``k`` weeks from this one (k < 0: the past)."""
    return this_monday() + datetime.timedelta(weeks=k)


COMPLETION_K = -6  # the completers' completion week; the quarter is weeks -13 to -1


def frt(person: Person, k: int) -> float:
    level = person.base_frt
    if person.completes and k == COMPLETION_K:
        level += person.change / 2  # the training week itself is left out of the windows
    elif k > COMPLETION_K:
        level += person.change
    return level + WAVE[k % 4]


# --- Files, downloads and exports ----------------------------------------------------------


def body(response) -> bytes:
    assert response.status_code == 200, response.status_code
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode()), "a BOM, for Excel to read UTF-8"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def xlsx_rows(data: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def people_file(headers: list[str]) -> bytes:
    """The template's columns filled in, saved as an XLSX with every cell text (a typed
    ``=cmd`` would be a formula: HR's spreadsheet keeps it as text)."""
    canonical = {
        "工号": "employee_no", "用户名": "username", "姓名": "name", "英文名": "english",
        "邮箱": "email", "团队": "team", "团队名称": "team_name", "岗位": "position",
        "入职日期": "hire_date", "导师": "mentor", "角色": "roles", "在职": "active",
    }  # fmt: skip
    assert set(headers) == set(canonical), headers
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for n, person in enumerate(PEOPLE):
        values = {
            **{field: getattr(person, field, "") for field in canonical.values()},
            "email": f"{person.username}@example.com",
            "hire_date": f"2025/{n % 9 + 1:02d}/01",
            "active": "是",
        }
        row = sheet.max_row + 1
        for column, header in enumerate(headers, start=1):
            cell = sheet.cell(row=row, column=column)
            cell.value = values[canonical[header]]
            cell.data_type = "s"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def kpi_file(headers: list[str]) -> bytes:
    """A quarter of weekly KPIs, GBK-encoded: the week's date is any day of it."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for n, person in enumerate(PEOPLE):
        for k in range(-WEEKS, 0):
            writer.writerow(
                [
                    person.employee_no,
                    "周",
                    (week(k) + datetime.timedelta(days=n % 5)).isoformat(),
                    300 + n,
                    f"{frt(person, k):.1f}",
                    420 + n,
                    "82%",
                    "4.6",
                    1,
                ]
            )
    return out.getvalue().encode("gbk")


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def post_file(client, form, name: str, data: bytes, **changes):
    return client.post(form.action, {**form.data(**changes), "file": upload(name, data)})


def people_snapshot() -> list[tuple]:
    return list(
        User.objects.filter(employee_no__startswith="YS")
        .order_by("employee_no")
        .values_list(
            "employee_no", "username", "display_name", "english_name", "email",
            "team__code", "position__code", "hire_date", "is_active",
        )
    )  # fmt: skip


def kpi_snapshot() -> list[tuple]:
    return list(
        ServiceKPI.objects.order_by("agent_id", "starts_on").values_list(
            "agent_id", "period", "starts_on", "contacts", "first_response_seconds",
            "handling_seconds", "first_contact_resolution", "csat", "complaints", "imported_at",
        )
    )  # fmt: skip


def pdf_text(data: bytes, directory: Path) -> str:
    (directory / "report.pdf").write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", "report.pdf", "-"],
        cwd=directory,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def text_of(fragment: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def headed_rows(fragment: str) -> dict[str, list[str]]:
    """Body rows keyed by their row heading (``<th scope="row">``): the other cells."""
    found = {}
    for row in rows(fragment):
        heading = re.search(r'<th scope="row">(.*?)</th>', row, flags=re.S)
        if heading:
            found[text_of(heading.group(1))] = cells(row)
    return found


def as_browser_sends(page: str, form, **changes) -> dict[str, list[str]]:
    """The form's data as a browser sends it: a date input holding anything but a
    yyyy-mm-dd value is empty to the browser (HTML's value sanitisation), so it sends ""."""
    data = form.data(**changes)
    for name, value in re.findall(r'<input type="date" name="(\w+)" value="([^"]*)"', page):
        if name in data and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            data[name] = [""]
    return data


def one_decimal(value: float) -> str:
    return f"{value:.1f}"


# --- The world -----------------------------------------------------------------------------


@pytest.fixture
def world(db):
    PositionProfileFactory(code="junior-agent", name_zh="初级客服", name_en="Junior agent")
    PositionProfileFactory(code="senior-agent", name_zh="高级客服", name_en="Senior agent")
    competency = CompetencyFactory(
        code="complaints", name_zh="投诉处理", name_en="Complaint handling"
    )
    course = published_course(
        code="frt-basics", title_zh="快速响应技巧", title_en="Responding fast", lessons=1
    )
    return competency, course


def complete_course(people: list[Person], course: Course) -> None:
    """The completers finished the course in their completion week (on its Wednesday);
    two others are still on it, one of them past the due date."""
    completed_at = timezone.make_aware(
        datetime.datetime.combine(
            week(COMPLETION_K) + datetime.timedelta(days=2), datetime.time(15, 0)
        )
    )
    for person in people:
        user = User.objects.get(employee_no=person.employee_no)
        enrolment = enrolment_for(user, course)
        if person.completes:
            Enrolment.objects.filter(pk=enrolment.pk).update(
                status=Enrolment.Status.COMPLETED,
                enrolled_at=completed_at - datetime.timedelta(days=14),
                completed_at=completed_at,
            )


# --- The journey ----------------------------------------------------------------------------


def test_hr_imports_people_and_kpis_and_reads_reports_exports_and_the_monthly_pdf(
    world, hr, tmp_path, django_capture_on_commit_callbacks
):
    competency, course = world
    hr_client = signed_in(hr)
    home = html(hr_client.get(reverse("home")))
    teams_before = set(Team.objects.values_list("code", flat=True))

    # --- 1. People: the template, a check, the import, the same file again -------------------
    import_url = first_href(home, re.escape(reverse("people_import:page")))
    page = html(hr_client.get(import_url))
    assert "<h1>导入人员</h1>" in page
    template_url = first_href(page, re.escape(reverse("people_import:template", args=["csv"])))
    template = csv_rows(body(hr_client.get(template_url)))
    headers = template[0]
    assert headers[:3] == ["工号", "用户名", "姓名"] and "团队名称" in headers
    roster = people_file(headers)

    form = form_posting_to(page, re.escape(import_url))
    assert "dry_run" in form.choices and "dry_run" not in form.data()  # unticked at first
    checked = html(post_file(hr_client, form, "员工名单.xlsx", roster, dry_run="on"))
    result = block(checked, "section", "import-result")
    assert "检查完毕：没有问题" in result
    assert (
        f"已检查 {len(PEOPLE)} 行。导入将新建 {len(PEOPLE)} 人，更新 0 人，0 人不变。"
        "尚未保存任何内容。" in result
    )
    assert block(result, "dd", "summary-created").endswith(f">{len(PEOPLE)}</dd>")
    assert "将新建的团队：" in result
    assert "将发生的变化" in result
    for line, person in enumerate(PEOPLE, start=2):
        change = block(result, "tr", f"change-{line}")
        assert person.employee_no in change and person.name in change and "新人员" in change
    assert "=cmd" in result
    assert not people_snapshot()  # nothing saved
    assert set(Team.objects.values_list("code", flat=True)) == teams_before

    page = html(hr_client.get(import_url))
    imported = html(
        post_file(hr_client, form_posting_to(page, re.escape(import_url)), "员工名单.xlsx", roster)
    )
    result = block(imported, "section", "import-result")
    assert f"已导入 {len(PEOPLE)} 行：新建 {len(PEOPLE)} 人，更新 0 人，0 人不变。" in result
    assert "已新建的团队：" in result
    stored = people_snapshot()
    assert [row[:3] for row in stored] == [(p.employee_no, p.username, p.name) for p in PEOPLE]
    teams = {
        t.code: t for t in Team.objects.filter(code__in=["after-sales", "pre-sales", "cmd-team"])
    }
    assert {code: t.name_zh for code, t in teams.items()} == {
        "after-sales": "售后组",
        "pre-sales": "售前组",
        "cmd-team": "=cmd",
    }
    for person, row in zip(PEOPLE, stored, strict=True):
        assert row[5] == person.team
        assert row[6] == {"初级客服": "junior-agent", "高级客服": "senior-agent"}[person.position]
        assert row[8] is True
    users = {u.employee_no: u for u in User.objects.filter(employee_no__startswith="YS")}
    assert users["YS1001"].has_role(Role.MENTOR) and users["YS1002"].has_role(Role.AGENT)
    assert not users["YS1002"].has_role(Role.MENTOR)
    mentorship = Mentorship.objects.get(mentee=users["YS1002"], ended_on__isnull=True)
    assert mentorship.mentor == users["YS1001"]
    assert not any(u.has_usable_password() for u in users.values())  # set by a reset

    page = html(hr_client.get(import_url))
    again = html(
        post_file(hr_client, form_posting_to(page, re.escape(import_url)), "员工名单.xlsx", roster)
    )
    result = block(again, "section", "import-result")
    assert f"已导入 {len(PEOPLE)} 行：新建 0 人，更新 0 人，{len(PEOPLE)} 人不变。" in result
    assert "无需更改：文件中的人员信息均已是最新。" in result
    assert people_snapshot() == stored
    assert Mentorship.objects.filter(mentee=users["YS1002"]).count() == 1

    # The training and the competency evidence the reports will show.
    complete_course(PEOPLE[:3] + PEOPLE[4:7] + PEOPLE[8:9], course)
    Enrolment.objects.filter(agent=users["YS1009"]).update(
        due_on=timezone.localdate() - datetime.timedelta(days=7)
    )
    for number, level in (
        ("YS1001", Level.EXPERT),
        ("YS1002", Level.BASIC),
        ("YS1005", Level.ADVANCED),
    ):
        evidence_record(
            agent=users[number],
            competency=competency,
            level=level,
            source=Evidence.Source.HR_ASSESSMENT,
            recorded_by=hr,
        )

    # --- 2. A quarter of KPIs, in the background, with the page polling ----------------------
    kpi_url = first_href(home, re.escape(reverse("kpis:import")))
    page = html(hr_client.get(kpi_url))
    assert "<h1>导入服务 KPI</h1>" in page
    kpi_template_url = first_href(page, re.escape(reverse("kpis:import-template", args=["csv"])))
    kpi_headers = csv_rows(body(hr_client.get(kpi_template_url)))[0]
    assert kpi_headers[:3] == ["工号", "周期", "日期"] and "首次响应时长(秒)" in kpi_headers
    kpis = kpi_file(kpi_headers)
    kpis.decode("gbk")  # really GBK, and not UTF-8
    with pytest.raises(UnicodeDecodeError):
        kpis.decode("utf-8")

    form = form_posting_to(page, re.escape(kpi_url))
    with django_capture_on_commit_callbacks() as queued:
        uploaded = post_file(hr_client, form, "一季度服务指标.csv", kpis)
    job = ImportJob.objects.get(kind=ImportJob.Kind.KPI)
    assert (job.kind, job.status, job.dry_run, job.created_by) == (
        ImportJob.Kind.KPI,
        ImportJob.Status.QUEUED,
        False,
        hr,
    )
    job_url = reverse("kpis:import-job", args=[job.pk])
    assert uploaded.status_code == 302 and uploaded.url == job_url
    waiting = block(html(hr_client.get(job_url)), "section", "import-status")
    assert "排队中" in waiting and "等待开始…" in waiting
    poll_url = re.search(r'hx-get="([^"]+)"', waiting).group(1)
    assert poll_url == job_url and 'hx-trigger="every 1s"' in waiting
    assert not ServiceKPI.objects.exists()

    assert len(queued) == 1
    queued[0]()  # the commit's callback: the task, run eagerly as a worker would
    for _attempt in range(5):
        fragment = html(hr_client.get(poll_url, headers=HTMX))
        if "hx-trigger" not in fragment:
            break
    assert fragment.lstrip().startswith('<section class="card" id="import-status"')
    assert "<html" not in fragment and "hx-get" not in fragment  # the polling ends
    assert "已完成" in fragment
    assert f"已导入 {KPI_ROWS} 行：新增 {KPI_ROWS} 条，更新 0 条，0 条未变。" in fragment
    assert block(fragment, "dd", "summary-created").endswith(f">{KPI_ROWS}</dd>")
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.processed == job.total == KPI_ROWS
    assert job.summary == {"rows": KPI_ROWS, "created": KPI_ROWS, "updated": 0, "unchanged": 0}
    assert ServiceKPI.objects.count() == KPI_ROWS
    assert set(ServiceKPI.objects.values_list("period", flat=True)) == {ServiceKPI.Period.WEEK}
    assert set(ServiceKPI.objects.values_list("starts_on", flat=True)) == {
        week(k) for k in range(-WEEKS, 0)
    }
    sample = ServiceKPI.objects.get(agent=users["YS1002"], starts_on=week(-3))
    assert float(sample.first_response_seconds) == pytest.approx(frt(PEOPLE[1], -3))
    assert (float(sample.first_contact_resolution), float(sample.csat)) == (82.0, 90.0)
    stored_kpis = kpi_snapshot()

    page = html(hr_client.get(kpi_url))
    with django_capture_on_commit_callbacks(execute=True):
        second = post_file(
            hr_client, form_posting_to(page, re.escape(kpi_url)), "一季度服务指标.csv", kpis
        )
    second_job = ImportJob.objects.latest("pk")
    assert second.status_code == 302 and second.url == reverse(
        "kpis:import-job", args=[second_job.pk]
    )
    fragment = html(hr_client.get(second.url, headers=HTMX))
    assert "hx-get" not in fragment
    assert f"已导入 {KPI_ROWS} 行：新增 0 条，更新 0 条，{KPI_ROWS} 条未变。" in fragment
    assert kpi_snapshot() == stored_kpis
    recent = block(html(hr_client.get(kpi_url)), "section", "imports")
    assert "最近的导入" in recent
    assert f"import-{job.pk}" in recent and f"import-{second_job.pk}" in recent

    # --- 3. Competency report, training dashboards, impact -----------------------------------
    report_url = first_href(home, re.escape(reverse("lms_reports:competencies")))
    report = html(hr_client.get(report_url))
    assert "<h1>胜任力报表</h1>" in report
    team_table = block(report, "section", "teams")
    assert "各团队各能力项的平均等级" in team_table
    # Every imported team, its people, its average level in the competency (0 = not yet).
    assert headed_rows(team_table) == {
        "售后组": ["4", "1.0"],  # expert 3 + basic 1 over four people
        "=cmd": ["2", "0.0"],
        "售前组": ["4", "0.5"],  # advanced 2 over four people
    }

    dashboards_url = first_href(home, re.escape(reverse("certification:dashboards")))
    board = html(hr_client.get(dashboards_url))
    assert "<h1>培训数据看板</h1>" in board
    training = block(board, "section", "section-training")
    assert "培训完成情况" in training
    for header in ("团队", "统计期内的报名数", "完成率（%）", "当前逾期"):
        assert header in training
    expected_training = {
        "售后组": ["3", "3", "100.0", "0"],
        "售前组": ["3", "2", "66.7", "0"],
        "=cmd": ["1", "0", "0.0", "1"],
    }
    assert headed_rows(training) == expected_training
    totals = re.search(r"<tfoot>(.*?)</tfoot>", training, flags=re.S).group(1)
    assert "可见的全部团队" in totals and cells(totals) == ["7", "5", "71.4", "1"]
    # The same figures as the selector's.
    start, end = dashboards.default_period()
    table = dashboards.training_by_team(hr, dashboards.Filters(start=start, end=end))
    assert {
        r.team: [str(r.enrolments), str(r.completed), str(r.completion_rate), str(r.overdue)]
        for r in table.rows
    } == expected_training

    impact_url = first_href(home, re.escape(reverse("certification:impact")))
    page = html(hr_client.get(impact_url))
    assert "<h1>培训效果</h1>" in page
    form = form_posting_to(page, re.escape(impact_url))
    subject = re.search(r'<option value="(course-\d+)"[^>]*>快速响应技巧</option>', page).group(1)
    assert subject in form.choices["subject"] and "frt" in form.choices["kpi"]
    choice = as_browser_sends(page, form, subject=subject, kpi="frt", weeks=IMPACT_WEEKS)
    page = html(hr_client.get(form.action, choice))
    assert 'role="alert"' not in block(page, "div", "impact-body")
    section = block(page, "section", "impact")
    assert "快速响应技巧" in section and "首次响应时长" in section and "越低越好" in section

    # What the page says is what the selector computes, and what the data was built to say.
    result = impact.impact_for(course, impact.KPIS["frt"], weeks=IMPACT_WEEKS, viewer=hr)
    paired = result.completers.paired
    assert paired.n == len(COMPLETERS) == 5 and result.completed == 5
    assert paired.mean_difference == pytest.approx(
        sum(p.change for p in COMPLETERS) / len(COMPLETERS)
    )
    assert paired.mean_difference == pytest.approx(-10.0)
    assert paired.mean_before == pytest.approx(
        sum(p.base_frt for p in COMPLETERS) / len(COMPLETERS)
    )
    # Changes -8, -12, -10, -9, -11: SD √2.5, t(4) = 2.7764, so -10 ± 1.963.
    assert paired.difference.low == pytest.approx(-11.963, abs=1e-3)
    assert paired.difference.high == pytest.approx(-8.037, abs=1e-3)
    low, high = one_decimal(paired.difference.low), one_decimal(paired.difference.high)
    assert (low, high) == ("-12.0", "-8.0")

    verdict = text_of(block(section, "p", "impact-verdict"))
    assert verdict == (
        f"有改善：首次响应时长变化了 -10.0s（95% 置信区间 {low}s 至 {high}s，n = 5）。"
    )
    assert "参与比较：5 人在完成当周之前 4 周和之后 4 周都有指标数据。" in section
    groups = headed_rows(block(section, "table", "impact-table"))
    assert groups["已完成"] == [
        "5",
        f"{one_decimal(paired.mean_before)}s",
        f"{one_decimal(paired.mean_after)}s",
        "-10.0s",
        f"{low}s … {high}s",
    ]
    others = result.comparison.paired
    assert others.n == 5 and others.mean_difference == pytest.approx(0.0)
    # A change carries its sign, as in the verdict sentences.
    assert groups["未完成"][0] == "5" and groups["未完成"][3] in ("+0.0s", "-0.0s")
    # The comparison is aligned on the completion week, its windows spelled out.
    aligned = text_of(section)
    for day in (
        week(COMPLETION_K),
        week(COMPLETION_K - 4),
        week(COMPLETION_K - 1),
        week(COMPLETION_K + 1),
        week(COMPLETION_K + 4),
    ):
        assert day.isoformat() in aligned
    did = cells(rows(block(section, "table", "impact-did"))[0])
    assert did[0] == f"{one_decimal(result.did.difference)}s" == "-10.0s"
    assert did[1] == "5 / 5"
    assert "有改善" in block(section, "p", "impact-did-verdict")

    # --- 4. Exports: CSV with a BOM and Chinese headers, XLSX that opens, =cmd neutralised ---
    links = re.search(r'<p class="downloads">(.*?)</p>', training, flags=re.S).group(1)
    csv_url = unescape(re.search(r'href="([^"]*format=csv[^"]*)"', links).group(1))
    xlsx_url = unescape(re.search(r'href="([^"]*format=xlsx[^"]*)"', links).group(1))
    exported = csv_rows(body(hr_client.get(csv_url)))
    assert exported[0] == ["团队", "统计期内的报名数", "已完成", "完成率（%）", "当前逾期"]
    by_team = {row[0]: row[1:] for row in exported[1:]}
    # Decimals without trailing zeros (lms.exports); 71.4 keeps its digit.
    assert by_team["'=cmd"] == ["1", "0", "0", "1"] and "=cmd" not in by_team
    assert by_team["售后组"] == ["3", "3", "100", "0"]
    assert by_team["可见的全部团队"] == ["7", "5", "71.4", "1"]
    response = hr_client.get(xlsx_url)
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    sheet = xlsx_rows(body(response))
    assert sheet[0] == exported[0]
    by_team = {row[0]: row[1:] for row in sheet[1:]}
    assert "=cmd" not in by_team and by_team["'=cmd"][:2] == [1, 0]
    assert by_team["售前组"][:2] == [3, 2]

    report_links = re.findall(r'href="(\?[^"]*table=teams[^"]*)"', team_table)
    for href in report_links:
        url = report_url + unescape(href)
        data = body(hr_client.get(url))
        if "format=csv" in href:
            table_rows = csv_rows(data)
            team_cell = {row[0] for row in table_rows[1:]}
        else:
            table_rows = [["" if v is None else str(v) for v in row] for row in xlsx_rows(data)]
            team_cell = {row[0] for row in table_rows[1:]}
        assert table_rows[0][:4] == ["团队", "能力项", "人员", "平均等级"]
        assert team_cell == {"售后组", "售前组", "'=cmd"}
        cmd_row = next(row for row in table_rows if row[0] == "'=cmd")
        assert cmd_row[1:3] == ["投诉处理", "2"]
    assert len(report_links) == 2

    # --- 5. The monthly report -----------------------------------------------------------------
    monthly_url = first_href(home, re.escape(reverse("certification:monthly-reports")))
    page = html(hr_client.get(monthly_url))
    assert "<h1>月度报告</h1>" in page and "暂无报告。" in page
    last_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    form = form_posting_to(page, re.escape(reverse("certification:monthly-generate")))
    assert form.data()["month"] == [last_month.strftime("%Y-%m")]
    with django_capture_on_commit_callbacks(execute=True):
        made = hr_client.post(form.action, form.data())
    assert made.status_code == 302 and made.url == monthly_url
    report = MonthlyReport.objects.get()
    assert (report.month, report.generated_by) == (last_month, hr)
    page = html(hr_client.get(monthly_url))
    assert messages_of(page) == [f"{last_month:%Y-%m} 的报告已生成。"]
    listed = [cells(row) for row in rows(page)]
    assert len(listed) == 1 and listed[0][0] == f"{last_month:%Y-%m}"
    # Made from the Chinese page, so written in Chinese, and the list says so.
    assert listed[0][2:] == ["刘人事", "简体中文", "下载 PDF"]
    pdf_url = first_href(page, re.escape(reverse("certification:monthly-pdf", args=[report.pk])))
    response = hr_client.get(pdf_url)
    assert response["Content-Type"] == "application/pdf"
    data = body(response)
    assert data.startswith(b"%PDF")
    text = pdf_text(data, tmp_path)
    for team_name in ("售后组", "售前组", "=cmd"):
        assert team_name in text, team_name

    # --- 6. The other language ---------------------------------------------------------------
    switch = form_posting_to(page, re.escape(reverse("language-switch")))
    switched = hr_client.post(switch.action, switch.data(language="en"))
    assert switched.status_code == 302 and switched.url == monthly_url
    hr.refresh_from_db()
    assert hr.preferred_language == "en"
    page = html(hr_client.get(monthly_url))
    assert '<html lang="en">' in page and "<h1>Monthly reports</h1>" in page
    assert "Download PDF" in page

    page = html(hr_client.get(impact_url))
    form = form_posting_to(page, re.escape(impact_url))
    choice = as_browser_sends(page, form, subject=subject, kpi="frt", weeks=IMPACT_WEEKS)
    page = html(hr_client.get(form.action, choice))
    section = block(page, "section", "impact")
    assert "First response time" in section and "lower is better" in section
    assert text_of(block(section, "p", "impact-verdict")) == (
        f"Improved: First response time changed by -10.0s (95 % CI {low}s to {high}s, n = 5)."
    )
    assert (
        "Compared: 5 with KPI data in both the 4 weeks before and the 4 weeks after their "
        "completion week." in text_of(section)
    )
    assert headed_rows(block(section, "table", "impact-table"))["Completed"][3] == "-10.0s"

    board = html(hr_client.get(dashboards_url))
    assert "<h1>Training dashboards</h1>" in board
    training = block(board, "section", "section-training")
    assert "Training completion" in training and "Enrolments in the period" in training
    assert headed_rows(training)["售后组"] == ["3", "3", "100.0", "0"]  # no English name
    exported = csv_rows(body(hr_client.get(csv_url)))
    assert exported[0][:2] == ["Team", "Enrolments in the period"]
    assert "'=cmd" in {row[0] for row in exported}

    report = html(hr_client.get(report_url))
    assert "<h1>Competency reports</h1>" in report
    assert "Average level by team and competency" in report

    fragment = html(hr_client.get(second.url, headers=HTMX))
    assert "Done" in fragment
    assert f"{KPI_ROWS} rows imported: 0 created, 0 updated, {KPI_ROWS} unchanged." in fragment
    page = html(hr_client.get(import_url))
    assert "<h1>Import people</h1>" in page and "Check only (save nothing)" in page
