"""Training impact: the statistics on hand-computed examples, the selectors on a small
hand-built data set, who sees whom, query counts at two sizes, and the page."""

import datetime
import math

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

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
