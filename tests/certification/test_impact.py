"""Training impact: the statistics on hand-computed examples, the selectors on a small
hand-built data set, who sees whom, query counts at two sizes, and the page."""

import csv
import datetime
import io
import math
from decimal import Decimal

import openpyxl
import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import gettext

from assessments.models import Submission
from certification.models import Certificate
from certification.reports import impact, stats
from courses.models import Enrolment
from lms.models import ServiceKPI
from tests.assessments.roleplay_factories import published_scenario
from tests.certification.factories import ProgramFactory, completed_course_for
from tests.courses.factories import PathCourseFactory, published_course
from tests.lms.factories import UserFactory

COMPLETION_WEEK = datetime.date(2026, 3, 2)  # a Monday
WEEK = datetime.timedelta(days=7)
FRT = impact.KPIS["frt"]


# --- Statistics -------------------------------------------------------------------------


def test_paired_comparison_on_a_hand_computed_example():
    # Differences: -2, -1, 0, -3, -3 → mean -1.8, SD √1.7, t(4) = 2.7764.
    result = stats.paired([10, 12, 9, 11, 13], [8, 11, 9, 8, 10])

    assert result.n == 5
    assert result.mean_before == pytest.approx(11.0)
    assert result.mean_after == pytest.approx(9.2)
    assert result.mean_difference == pytest.approx(-1.8)
    assert result.difference.sd == pytest.approx(math.sqrt(1.7))
    assert result.difference.df == 4
    assert result.difference.t == pytest.approx(2.7764)
    assert round(result.difference.low, 2) == -3.42
    assert round(result.difference.high, 2) == -0.18
    assert result.verdict == stats.DECREASE


def test_sample_standard_deviation_and_mean():
    assert stats.mean([2, 4, 4, 4, 5, 5, 7, 9]) == pytest.approx(5.0)
    assert stats.sample_sd([2, 4, 4, 4, 5, 5, 7, 9]) == pytest.approx(math.sqrt(32 / 7))
    assert stats.sample_sd([3]) is None
    assert stats.mean([]) is None


def test_t_quantiles_from_the_table_and_the_series():
    assert stats.t_quantile_975(1) == pytest.approx(12.7062)
    assert stats.t_quantile_975(10) == pytest.approx(2.2281)
    # A fractional df (Welch) rounds down: the interval is a little wider, never narrower.
    assert stats.t_quantile_975(4.75) == stats.t_quantile_975(4)
    assert stats.t_quantile_975(40) == pytest.approx(2.0211, abs=1e-4)
    assert stats.t_quantile_975(120) == pytest.approx(1.9799, abs=1e-4)
    assert stats.t_quantile_975(100000) == pytest.approx(1.96, abs=1e-3)
    with pytest.raises(ValueError):
        stats.t_quantile_975(0.5)


def test_welch_interval_on_a_hand_computed_example():
    # a: mean 3.5, var 3.5; b: mean 6, var 10. se = √(3.5/6 + 10/5) = 1.6073; df ≈ 6.25.
    a, b = [1, 2, 3, 4, 5, 6], [2, 4, 6, 8, 10]
    result = stats.welch(a, b)
    assert result.difference == pytest.approx(-2.5)
    assert result.se == pytest.approx(math.sqrt(3.5 / 6 + 10 / 5))
    assert result.df == pytest.approx((3.5 / 6 + 2) ** 2 / ((3.5 / 6) ** 2 / 5 + 2**2 / 4))
    assert round(result.df, 2) == 6.25
    assert result.t == pytest.approx(2.4469)  # t(6)
    assert round(result.low, 2) == -6.43
    assert round(result.high, 2) == 1.43
    assert result.verdict == stats.NO_CLEAR_CHANGE


def test_fewer_than_five_people_is_too_small_whatever_the_interval():
    result = stats.paired([100, 100, 100], [50, 51, 52])
    assert result.difference.high < 0  # a clear fall, yet:
    assert result.verdict == stats.TOO_SMALL
    assert stats.welch([1, 2, 3, 4, 5], [1, 2]).verdict == stats.TOO_SMALL
    assert stats.paired([1], [2]).difference.low is None


# --- A hand-built data set --------------------------------------------------------------


def _kpi(agent, week: datetime.date, frt: float, **fields) -> ServiceKPI:
    values = {
        "contacts": 100,
        "handling_seconds": 300,
        "first_contact_resolution": 80,
        "csat": 90,
        "complaints": 1,
    }
    values.update(fields)
    return ServiceKPI(
        agent=agent, period="week", starts_on=week, first_response_seconds=frt, **values
    )


def _weeks(agent, first: datetime.date, values: list[float]) -> list[ServiceKPI]:
    return [_kpi(agent, first + i * WEEK, v) for i, v in enumerate(values)]


def _completed(person, course, day: datetime.date) -> Enrolment:
    enrolment = completed_course_for(person, course)
    moment = datetime.datetime.combine(
        day, datetime.time(10), tzinfo=timezone.get_current_timezone()
    )
    Enrolment.objects.filter(pk=enrolment.pk).update(completed_at=moment)
    return enrolment


BEFORE = COMPLETION_WEEK - 2 * WEEK  # the two weeks before: Feb 16 and 23
AFTER = COMPLETION_WEEK + WEEK  # the two weeks after: Mar 9 and 16


@pytest.fixture
def dataset(team, other_team):
    """Five completers with data on both sides (changes -20, -15, -10, -20, -10), three
    left out for lack of data, two people who did not complete (changes 0 and +10) and
    one completer in another team."""
    course = published_course()
    wednesday = COMPLETION_WEEK + datetime.timedelta(days=2)
    rows: list[ServiceKPI] = []
    people = {}
    for name, before, after in [
        ("a", [100, 120], [90, 90]),
        ("b", [80], [70, 60]),
        ("c", [100, 100], [100, 80]),
        ("d", [60, 60], [40, 40]),
        ("e", [90, 110], [85, 95]),
    ]:
        person = people[name] = UserFactory(team=team)
        _completed(person, course, wednesday)
        rows += _weeks(person, BEFORE + (2 - len(before)) * WEEK, before)
        rows += _weeks(person, AFTER, after)
    # The completion week itself, and a week outside the window, count for nothing.
    rows += [_kpi(people["a"], COMPLETION_WEEK, 500), _kpi(people["a"], BEFORE - WEEK, 999)]
    only_before, only_after, nothing = (UserFactory(team=team) for _ in range(3))
    for person in (only_before, only_after, nothing):
        _completed(person, course, wednesday)
    rows += _weeks(only_before, BEFORE, [100, 100])
    rows += _weeks(only_after, AFTER, [100, 100])
    for before, after in ([100, 100], [100, 100]), ([90, 90], [100, 100]):
        person = UserFactory(team=team)
        rows += _weeks(person, BEFORE, before) + _weeks(person, AFTER, after)
    elsewhere = UserFactory(team=other_team)
    _completed(elsewhere, course, wednesday)
    rows += _weeks(elsewhere, BEFORE, [100, 100]) + _weeks(elsewhere, AFTER, [0, 0])
    ServiceKPI.objects.bulk_create(rows)
    return course


def test_completers_before_and_after_with_the_numbers_checked(dataset, hr, team):
    result = impact.impact_for(dataset, FRT, weeks=2, team=team, viewer=hr)

    paired = result.completers.paired
    assert result.completed == 8
    assert (result.missing_before, result.missing_after, result.missing_both) == (1, 1, 1)
    assert paired.n == 5
    assert paired.mean_before == pytest.approx((110 + 80 + 100 + 60 + 100) / 5)
    assert paired.mean_after == pytest.approx((90 + 65 + 90 + 40 + 90) / 5)
    assert paired.mean_difference == pytest.approx(-15)
    assert paired.difference.sd == pytest.approx(5)
    assert round(paired.difference.low, 2) == -21.21
    assert round(paired.difference.high, 2) == -8.79
    assert result.outcome == impact.IMPROVED  # lower first response time is better

    assert result.aligned.week == COMPLETION_WEEK
    assert result.comparison.paired.n == 2
    assert result.comparison.paired.mean_difference == pytest.approx(5)
    assert result.did.difference == pytest.approx(-20)
    assert result.did.verdict == stats.TOO_SMALL  # two people to compare against


def test_a_higher_is_better_kpi_reads_a_rise_as_improvement():
    assert impact.outcome(impact.KPIS["csat"], stats.INCREASE) == impact.IMPROVED
    assert impact.outcome(impact.KPIS["aht"], stats.INCREASE) == impact.WORSENED
    assert impact.outcome(impact.KPIS["fcr"], stats.NO_CLEAR_CHANGE) == stats.NO_CLEAR_CHANGE


def test_team_lead_counts_only_their_team(dataset, hr, team_lead):
    everyone = impact.impact_for(dataset, FRT, weeks=2, viewer=hr)
    theirs = impact.impact_for(dataset, FRT, weeks=2, viewer=team_lead)

    assert everyone.completed == 9
    assert everyone.completers.paired.n == 6
    assert theirs.completed == 8
    assert theirs.completers.paired.n == 5


def test_an_agent_counts_nobody(dataset, agent):
    result = impact.impact_for(dataset, FRT, weeks=2, viewer=agent)
    assert result.completed == 0
    assert result.comparison is None


def _graded(scenario, agent, count: int) -> None:
    moment = datetime.datetime(2026, 3, 1, 10, tzinfo=datetime.UTC)
    Submission.objects.bulk_create(
        Submission(
            scenario=scenario,
            agent=agent,
            rubric_version=scenario.rubric.versions.first(),
            status=Submission.Status.GRADED,
            started_at=moment,
            submitted_at=moment,
            graded_at=moment,
        )
        for _ in range(count)
    )


def test_kpi_by_drills_buckets_people_and_averages(hr, team):
    scenario = published_scenario()
    rows = []
    for drills, frt in [(0, 100), (0, 120), (2, 90), (4, 70), (6, 50), (9, 60)]:
        person = UserFactory(team=team)
        _graded(scenario, person, drills)
        rows += _weeks(person, BEFORE, [frt, frt])
    ServiceKPI.objects.bulk_create(rows)

    result = impact.kpi_by_drills(FRT, BEFORE, AFTER, viewer=hr)

    by_label = {bucket.label: bucket.interval for bucket in result.buckets}
    assert (by_label["0"].n, by_label["1–4"].n, by_label["5+"].n) == (2, 2, 2)
    assert by_label["0"].mean == pytest.approx(110)
    assert by_label["1–4"].mean == pytest.approx(80)
    assert by_label["5+"].mean == pytest.approx(55)
    assert result.most_vs_none.difference == pytest.approx(-55)
    assert result.most_vs_none.verdict == stats.TOO_SMALL


# --- Query counts -----------------------------------------------------------------------


def _completers(course, team, count: int) -> None:
    rows = []
    for _ in range(count):
        person = UserFactory(team=team)
        _completed(person, course, COMPLETION_WEEK)
        rows += _weeks(person, BEFORE, [100, 110]) + _weeks(person, AFTER, [90, 95])
    ServiceKPI.objects.bulk_create(rows)


def _queries(callable_) -> int:
    with CaptureQueriesContext(connection) as ctx:
        callable_()
    return len(ctx.captured_queries)


def test_selectors_use_the_same_number_of_queries_for_more_people(hr, team):
    course = published_course()
    _completers(course, team, 2)

    def run():
        impact.impact_for(course, FRT, weeks=2, viewer=hr)
        impact.kpi_by_drills(FRT, BEFORE, AFTER, viewer=hr)

    run()  # the viewer's roles are read once and kept
    small = _queries(run)
    _completers(course, team, 8)
    assert _queries(run) == small


def test_page_uses_the_same_number_of_queries_for_more_people(client, hr, team):
    course = published_course()
    _completers(course, team, 2)
    client.force_login(hr)
    url = f"/reports/impact/?subject=course-{course.pk}&kpi=frt&weeks=2"

    client.get(url)  # warm caches (sessions, content types)
    small = _queries(lambda: client.get(url))
    _completers(course, team, 8)
    response = client.get(url)
    assert response.status_code == 200
    assert _queries(lambda: client.get(url)) == small


# --- The page ---------------------------------------------------------------------------


def test_agents_get_a_404_and_hr_the_page(client, agent, hr):
    client.force_login(agent)
    assert client.get("/reports/impact/").status_code == 404
    client.force_login(hr)
    assert client.get("/reports/impact/").status_code == 200


def test_page_shows_the_comparison_and_verdict_in_english(client, dataset, hr, team):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(hr)
    response = client.get(
        f"/reports/impact/?subject=course-{dataset.pk}&kpi=frt&weeks=2&team={team.code}"
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert (
        "Improved: First response time changed by -15.0s (95 % CI -21.2s to -8.8s, n = 5)." in html
    )
    assert "Left out for lack of data: 1 without weeks before, 1 without weeks after" in html
    assert "<svg" in html and 'role="img"' in html
    assert "Too few people to conclude (n = 2; at least 5 needed)." in html
    assert "lower is better" in html
    assert "All teams" in html


def test_page_speaks_chinese_by_default(client, dataset, team_lead):
    client.force_login(team_lead)
    response = client.get(f"/reports/impact/?subject=course-{dataset.pk}&kpi=frt&weeks=2")

    html = response.content.decode()
    assert response.status_code == 200
    assert "团队" in html and "人员" in html
    assert "All teams" not in html


def test_team_lead_cannot_choose_another_team(client, dataset, team_lead, other_team):
    client.force_login(team_lead)
    response = client.get(
        f"/reports/impact/?subject=course-{dataset.pk}&kpi=frt&weeks=2&team={other_team.code}"
    )
    assert response.status_code == 200
    assert 'id="impact-verdict"' not in response.content.decode()
    assert response.context["form"].errors["team"]


def test_weeks_out_of_range_is_refused_with_a_message(client, hr):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(hr)
    response = client.get("/reports/impact/?kpi=frt&weeks=20")
    assert "Some choices were not valid" in response.content.decode()
    assert "weeks" in response.context["form"].errors


# --- Paths and certificates -------------------------------------------------------------


def test_a_path_counts_when_its_last_course_is_completed(hr, team):
    first, second = published_course(), published_course()
    path = PathCourseFactory(course=first).path
    PathCourseFactory(path=path, course=second)
    done, halfway = UserFactory(team=team), UserFactory(team=team)
    _completed(done, first, datetime.date(2026, 2, 3))
    _completed(done, second, datetime.date(2026, 3, 4))
    _completed(halfway, first, datetime.date(2026, 2, 3))

    completed = impact.completions(path, impact.impact_people_for(hr))

    assert completed == {done.pk: datetime.date(2026, 3, 4)}


def test_a_program_counts_its_first_issued_certificate_not_a_revoked_one(hr, team):
    program = ProgramFactory()
    holder, revoked = UserFactory(team=team), UserFactory(team=team)
    for n, (person, status) in enumerate(
        [(holder, Certificate.Status.ISSUED), (revoked, Certificate.Status.REVOKED)]
    ):
        moment = datetime.datetime(2026, 3, 4, 3, tzinfo=datetime.UTC)
        Certificate.objects.create(
            program=program,
            holder=person,
            serial=f"T-{n}",
            code=f"code-{n}",
            status=status,
            requested_at=moment,
            issued_at=moment,
            valid_from=moment.date(),
            pdf="certificates/test.pdf",
            revoked_at=moment if status == Certificate.Status.REVOKED else None,
        )

    completed = impact.completions(program, impact.impact_people_for(hr))

    assert completed == {holder.pk: datetime.date(2026, 3, 4)}


def test_htmx_request_gets_only_the_results(client, hr):
    client.force_login(hr)
    response = client.get("/reports/impact/?kpi=csat&weeks=4", headers={"HX-Request": "true"})

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="impact-body">')
    assert "<html" not in html


# --- KPIs imported day by day -----------------------------------------------------------

DAY = datetime.timedelta(days=1)
# The KPIs kept as a mean or share per contact, and how far a day may stray from the week.
PER_CONTACT = {
    "first_response_seconds": None,
    "handling_seconds": None,
    "first_contact_resolution": 100,
    "csat": 100,
}


def _as_days(week: ServiceKPI) -> list[ServiceKPI]:
    """The same week as daily rows: half its contacts on Monday at (value − δ), the other
    half on Thursday at (value + δ), and a Tuesday without contacts whose values must
    weigh nothing. Contacts and complaints sum, the rest averages weighted by contacts, to
    the weekly row's values."""
    half = week.contacts // 2
    assert 2 * half == week.contacts  # the data set keeps contacts even
    monday, tuesday, thursday = {}, {}, {}
    for name, ceiling in PER_CONTACT.items():
        value = Decimal(str(getattr(week, name)))
        spread = min(Decimal(5), value, (ceiling - value) if ceiling else Decimal(5))
        monday[name], thursday[name], tuesday[name] = value - spread, value + spread, 0
    return [
        ServiceKPI(
            agent=week.agent,
            period="day",
            starts_on=week.starts_on + offset * DAY,
            contacts=contacts,
            complaints=complaints,
            **values,
        )
        for offset, contacts, complaints, values in (
            (0, half, week.complaints, monday),
            (1, 0, 0, tuesday),
            (3, half, 0, thursday),
        )
    ]


def _vary(rows) -> None:
    """Give every KPI of the weekly rows some spread (the data set varies FRT only)."""
    for row in rows:
        seed = int(row.first_response_seconds)
        row.contacts = 80 + 2 * (seed % 10)
        row.handling_seconds = 200 + seed
        row.first_contact_resolution = 50 + seed % 41
        row.csat = 60 + seed % 37
        row.complaints = seed % 4
        row.save()


def _numbers(course, hr) -> dict:
    """Every figure the page shows, for every KPI: the impact and the drills."""
    numbers = {}
    for code, kpi in impact.KPIS.items():
        result = impact.impact_for(course, kpi, weeks=2, viewer=hr)
        paired, did = result.completers.paired, result.did
        drills = impact.kpi_by_drills(kpi, BEFORE - WEEK, AFTER + WEEK, viewer=hr)
        numbers[code] = {
            "left out": (result.missing_before, result.missing_after, result.missing_both),
            "paired": (
                paired.n,
                paired.mean_before,
                paired.mean_after,
                paired.mean_difference,
                paired.difference.low,
                paired.difference.high,
            ),
            "comparison": (result.comparison.paired.n, result.comparison.paired.mean_difference),
            "did": (did.n_a, did.n_b, did.difference, did.low, did.high),
            "drills": tuple(x for b in drills.buckets for x in (b.interval.n, b.interval.mean)),
        }
    return numbers


def test_daily_rows_give_the_same_impact_as_the_same_weeks_given_as_weekly_rows(dataset, hr):
    weekly = list(ServiceKPI.objects.select_related("agent"))
    _vary(weekly)
    scenario = published_scenario()
    people = sorted({row.agent for row in weekly}, key=lambda person: person.pk)
    for person, drills in zip(people, [1, 2, 5, 6, 7], strict=False):
        _graded(scenario, person, drills)
    from_weeks = _numbers(dataset, hr)

    ServiceKPI.objects.all().delete()
    ServiceKPI.objects.bulk_create([day for week in weekly for day in _as_days(week)])
    assert not ServiceKPI.objects.filter(period="week").exists()
    from_days = _numbers(dataset, hr)

    assert from_weeks["frt"]["paired"][0] == 6  # the data set's six completers compared
    for code, figures in from_weeks.items():
        for name, expected in figures.items():
            assert from_days[code][name] == pytest.approx(expected), (code, name)


def test_a_weekly_row_wins_over_the_daily_rows_of_its_week(hr, team):
    person = UserFactory(team=team)
    week = _kpi(person, BEFORE, 100)
    ServiceKPI.objects.bulk_create(
        [
            week,
            *_as_days(_kpi(person, BEFORE, 300)),  # the same week, day by day: ignored
            *_as_days(_kpi(person, BEFORE + WEEK, 200)),  # a week with days only: counted
        ]
    )

    values = impact.weekly_values(FRT, impact.impact_people_for(hr), BEFORE, BEFORE + WEEK)

    assert values[person.pk] == {BEFORE: 100.0, BEFORE + WEEK: pytest.approx(200.0)}


def test_complaints_of_a_daily_week_are_summed_then_taken_per_100_contacts(hr, team):
    person = UserFactory(team=team)
    days = [
        ServiceKPI(
            agent=person,
            period="day",
            starts_on=BEFORE + offset * DAY,
            contacts=contacts,
            complaints=complaints,
            first_response_seconds=frt,
            handling_seconds=300,
            first_contact_resolution=80,
            csat=csat,
        )
        for offset, contacts, complaints, frt, csat in (
            (0, 30, 1, 60, 70),
            (2, 10, 3, 20, 90),
            (6, 0, 0, 999, 0),  # Sunday, no contacts: weighs nothing
            (7, 50, 5, 10, 10),  # next Monday: another week
        )
    ]
    ServiceKPI.objects.bulk_create(days)
    people = impact.impact_people_for(hr)

    def week_value(code: str) -> float:
        return impact.weekly_values(impact.KPIS[code], people, BEFORE, BEFORE)[person.pk][BEFORE]

    assert week_value("complaints") == pytest.approx(100 * 4 / 40)
    assert week_value("frt") == pytest.approx((30 * 60 + 10 * 20) / 40)
    assert week_value("csat") == pytest.approx((30 * 70 + 10 * 90) / 40)


def _daily_completers(course, team, count: int) -> None:
    rows = []
    for _ in range(count):
        person = UserFactory(team=team)
        _completed(person, course, COMPLETION_WEEK)
        for week in _weeks(person, BEFORE, [100, 110]) + _weeks(person, AFTER, [90, 95]):
            rows += _as_days(week)
    ServiceKPI.objects.bulk_create(rows)


def test_daily_rows_take_the_same_number_of_queries_for_more_people(client, hr, team):
    course = published_course()
    _daily_completers(course, team, 2)

    def run():
        result = impact.impact_for(course, FRT, weeks=2, viewer=hr)
        impact.kpi_by_drills(FRT, BEFORE, AFTER, viewer=hr)
        return result

    run()
    small = _queries(run)
    client.force_login(hr)
    url = f"/reports/impact/?subject=course-{course.pk}&kpi=csat&weeks=2"
    client.get(url)
    small_page = _queries(lambda: client.get(url))
    _daily_completers(course, team, 8)
    assert run().completers.paired.n == 10
    assert _queries(run) == small
    assert _queries(lambda: client.get(url)) == small_page


# --- The page: the difference-in-differences download, units, the drills period, order ---


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def _xlsx(response) -> list[list]:
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


TOO_FEW = "Too few people to conclude (n = %(n)s; at least %(min)s needed)."


def _cell(value) -> float:
    # The CSV writer neutralises text starting with "-": a negative number reads "'-17.5".
    return float(str(value).removeprefix("'"))


@pytest.fixture
def csat_rise(team):
    """Five completers whose CSAT rose from 80 % to 82.5 % (+2.5 points each) and two
    people who did not complete, whose CSAT stayed at 80 %."""
    course = published_course()
    rows = []
    for _ in range(5):
        person = UserFactory(team=team)
        _completed(person, course, COMPLETION_WEEK)
        rows += [_kpi(person, BEFORE + i * WEEK, 100, csat=80) for i in range(2)]
        rows += [_kpi(person, AFTER + i * WEEK, 100, csat=csat) for i, csat in enumerate([82, 83])]
    for _ in range(2):
        person = UserFactory(team=team)
        rows += [_kpi(person, BEFORE + i * WEEK, 100, csat=80) for i in range(2)]
        rows += [_kpi(person, AFTER + i * WEEK, 100, csat=80) for i in range(2)]
    ServiceKPI.objects.bulk_create(rows)
    return course


def test_the_difference_in_differences_downloads_as_csv_and_xlsx(client, hr, csat_rise):
    client.force_login(hr)
    params = {"subject": f"course-{csat_rise.pk}", "kpi": "csat", "weeks": 2, "table": "did"}

    page = client.get("/reports/impact/", {k: v for k, v in params.items() if k != "table"})
    links = page.context["export_links"]["did"]
    assert links["csv"] in page.content.decode().replace("&amp;", "&")
    as_csv = _csv(client.get(links["csv"]))
    as_xlsx = _xlsx(client.get("/reports/impact/", {**params, "format": "xlsx"}))

    for rows in (as_csv, as_xlsx):
        assert len(rows) == 2  # the header and the one comparison
        header, row = rows
        assert header[3] == gettext("Median completion week")
        assert row[11] == gettext(TOO_FEW) % {"n": 2, "min": 5}
        assert str(row[3]).startswith(COMPLETION_WEEK.isoformat())
        assert [int(row[4]), int(row[5])] == [5, 2]
        assert [_cell(v) for v in row[6:11]] == [2.5, 0.0, 2.5, 2.5, 2.5]


def test_the_difference_in_differences_download_has_a_fixed_query_count(client, hr, team):
    course = published_course()
    _completers(course, team, 5)
    client.force_login(hr)
    params = {"subject": f"course-{course.pk}", "kpi": "frt", "weeks": 2}
    params.update(table="did", format="csv")

    def download() -> None:
        assert len(_csv(client.get("/reports/impact/", params))) == 2

    download()  # warm the session and the roles
    small = _queries(download)
    _completers(course, team, 7)
    assert _queries(download) == small


@pytest.mark.parametrize("query", ["format=csv", "format=xlsx&table=nothing", "format=csv&table="])
def test_a_download_without_a_known_table_is_a_404(client, hr, csat_rise, query):
    client.force_login(hr)
    response = client.get(f"/reports/impact/?subject=course-{csat_rise.pk}&kpi=csat&{query}")
    assert response.status_code == 404
    assert client.get(f"/reports/impact/?subject=course-{csat_rise.pk}&kpi=csat").status_code == 200


def _table(html: str, table_id: str) -> str:
    start = html.index(f'id="{table_id}"')
    return html[start : html.index("</table>", start)]


def test_rate_changes_read_in_percentage_points_and_levels_in_percent(client, hr, csat_rise):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(hr)
    response = client.get(f"/reports/impact/?subject=course-{csat_rise.pk}&kpi=csat&weeks=2")

    html = response.content.decode()
    assert (
        "Improved: Satisfaction (CSAT) changed by +2.5 pp (95 % CI 2.5 pp to 2.5 pp, n = 5)."
        in html
    )
    table = _table(html, "impact-table")
    assert "80.0%" in table and "82.5%" in table  # the means are shares
    assert "+2.5 pp" in table and "+2.5%" not in table
    did = _table(html, "impact-did")
    assert "+2.5 pp" in did and "2.5 pp … 2.5 pp" in did
    assert "%</td>" not in did
    # Seconds stay seconds.
    frt = client.get(f"/reports/impact/?subject=course-{csat_rise.pk}&kpi=frt&weeks=2")
    assert "+0.0s" in frt.content.decode() and " pp" not in frt.content.decode()


def test_the_drills_inputs_show_the_period_used(client, hr, csat_rise):
    from certification.views_reports import _default_drill_period

    since, until = _default_drill_period()
    client.force_login(hr)
    address = f"/reports/impact/?subject=course-{csat_rise.pk}&kpi=csat&weeks=2"

    for response in (
        client.get("/reports/impact/"),  # the first visit
        client.get(address),  # the form sent with the dates left empty
        client.get(address + "&since=&until=", headers={"HX-Request": "true"}),
    ):
        html = response.content.decode()
        assert f'name="since" value="{since.isoformat()}"' in html
        assert f'name="until" value="{until.isoformat()}"' in html
        assert (response.context["drills"].since, response.context["drills"].until) == (
            since,
            until,
        )

    chosen = client.get(address + "&since=2026-01-05&until=2026-02-01").content.decode()
    assert 'name="since" value="2026-01-05"' in chosen
    assert 'name="until" value="2026-02-01"' in chosen


def test_the_subjects_follow_the_title_in_the_active_language(client, hr):
    titles = [("c-1", "乙课程", "Zebra"), ("c-2", "甲课程", "apple"), ("c-3", "丙课程", "Mango")]
    for code, zh, en in titles:
        published_course(code=code, title_zh=zh, title_en=en)
    client.force_login(hr)

    def courses() -> list[str]:
        choices = client.get("/reports/impact/").context["form"].fields["subject"].choices
        ours = {title for _code, *both in titles for title in both}
        return [
            label for _group, options in choices[1:] for _value, label in options if label in ours
        ]

    assert courses() == ["丙课程", "乙课程", "甲课程"]  # code point order of the Chinese titles
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert courses() == ["apple", "Mango", "Zebra"]
