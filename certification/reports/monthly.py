"""The monthly report: key figures per team for one month, rendered as a PDF.

Generated on the 1st of each month for the month before (Celery beat, daily check,
idempotent) and on demand by HR; one report per month — generating it again replaces the
file with the figures as they are now.
"""

import datetime
import hashlib
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Avg, Count, Q, Sum
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assessments.models import Attempt, Submission
from courses.models import Enrolment
from courses.selectors import overdue_now_q
from lms.models import Role, Team, User

from ..models import Certificate, MonthlyReport, PointsEntry
from .kpis import agent_weeks


@dataclass
class TeamFigures:
    team: str
    headcount: int = 0
    courses_completed: int = 0
    overdue_now: int = 0
    quiz_attempts: int = 0
    quiz_passed: int = 0
    roleplays_graded: int = 0
    roleplay_average: float | None = None
    certificates_issued: int = 0
    points: int = 0
    # Agent-weeks starting in the month (a weekly row, or a week of daily rows); the
    # means below count each agent-week once.
    kpi_weeks: int = 0
    csat: float | None = None
    first_response_seconds: float | None = None
    handling_seconds: float | None = None
    first_contact_resolution: float | None = None
    complaints: int = 0  # summed over those agent-weeks

    @property
    def quiz_pass_rate(self) -> float | None:
        return round(100 * self.quiz_passed / self.quiz_attempts, 1) if self.quiz_attempts else None


@dataclass
class MonthFigures:
    month: datetime.date
    teams: list[TeamFigures] = field(default_factory=list)
    total: TeamFigures | None = None


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = month.replace(day=1)
    following = (start + datetime.timedelta(days=32)).replace(day=1)
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(start, datetime.time.min, tzinfo=tz),
        datetime.datetime.combine(following, datetime.time.min, tzinfo=tz),
    )


def _by_team(queryset, team_field: str, **aggregates) -> dict:
    return {
        row[team_field]: row
        for row in queryset.values(team_field).annotate(**aggregates).order_by(team_field)
    }


def _float(value) -> float | None:
    return None if value is None else round(float(value), 1)


def month_figures(month: datetime.date) -> MonthFigures:
    """Every team's figures for the month, and the whole organisation's: a fixed number of
    grouped queries whatever the number of people."""
    start, end = month_bounds(month)
    agents = User.objects.filter(is_active=True, groups__name=Role.AGENT)
    heads = _by_team(agents, "team_id", n=Count("pk", distinct=True))
    completed = _by_team(
        Enrolment.objects.filter(completed_at__gte=start, completed_at__lt=end),
        "agent__team_id",
        n=Count("pk"),
    )
    # Late as of the day the report is made, by the team-progress page's rule.
    overdue = _by_team(Enrolment.objects.filter(overdue_now_q()), "agent__team_id", n=Count("pk"))
    quizzes = _by_team(
        Attempt.objects.filter(
            status=Attempt.Status.SUBMITTED, submitted_at__gte=start, submitted_at__lt=end
        ),
        "agent__team_id",
        n=Count("pk"),
        passed=Count("pk", filter=Q(passed=True)),
    )
    roleplays = _by_team(
        Submission.objects.filter(
            status=Submission.Status.GRADED, graded_at__gte=start, graded_at__lt=end
        ),
        "agent__team_id",
        n=Count("pk"),
        average=Avg("score"),
    )
    certificates = _by_team(
        Certificate.objects.filter(issued_at__gte=start, issued_at__lt=end),
        "holder__team_id",
        n=Count("pk"),
    )
    points = _by_team(
        PointsEntry.objects.filter(created_at__gte=start, created_at__lt=end),
        "person__team_id",
        total=Sum("amount"),
    )
    kpis = _kpis_by_team(start.date(), end.date() - datetime.timedelta(days=1))
    sources = [heads, completed, overdue, quizzes, roleplays, certificates, points, kpis]
    team_ids = sorted({pk for source in sources for pk in source}, key=lambda pk: (pk is None, pk))
    names = {t.pk: str(t) for t in Team.objects.filter(pk__in=[pk for pk in team_ids if pk])}

    def figures(label: str, pick) -> TeamFigures:
        def one(source, key, default=0):
            return sum(row.get(key) or 0 for row in pick(source)) if pick(source) else default

        quiz_rows = pick(quizzes)
        roleplay_rows = pick(roleplays)
        kpi_rows = pick(kpis)

        def weighted(rows, key) -> float | None:
            count = sum(row["n"] for row in rows)
            if not count:
                return None
            return round(sum(float(row[key] or 0) * row["n"] for row in rows) / count, 1)

        return TeamFigures(
            team=label,
            headcount=one(heads, "n"),
            courses_completed=one(completed, "n"),
            overdue_now=one(overdue, "n"),
            quiz_attempts=sum(row["n"] for row in quiz_rows),
            quiz_passed=sum(row["passed"] for row in quiz_rows),
            roleplays_graded=sum(row["n"] for row in roleplay_rows),
            roleplay_average=weighted(roleplay_rows, "average"),
            certificates_issued=one(certificates, "n"),
            points=one(points, "total"),
            kpi_weeks=sum(row["n"] for row in kpi_rows),
            csat=weighted(kpi_rows, "csat"),
            first_response_seconds=weighted(kpi_rows, "frt"),
            handling_seconds=weighted(kpi_rows, "aht"),
            first_contact_resolution=weighted(kpi_rows, "fcr"),
            complaints=one(kpis, "complaints"),
        )

    result = MonthFigures(month=month.replace(day=1))
    for pk in team_ids:
        label = names.get(pk) or _("No team")
        result.teams.append(
            figures(label, lambda source, pk=pk: [source[pk]] if pk in source else [])
        )
    result.total = figures(_("All teams"), lambda source: list(source.values()))
    return result


def _kpis_by_team(first: datetime.date, last: datetime.date) -> dict:
    """Team id → the number of agent-weeks starting in [first, last], their mean KPIs and
    their complaints: two queries (``kpis.agent_weeks``), summed here per team."""
    sums: dict = {}
    for week in agent_weeks(first, last):
        row = sums.setdefault(
            week.team_id,
            {"n": 0, "csat": 0.0, "frt": 0.0, "aht": 0.0, "fcr": 0.0, "complaints": 0},
        )
        row["n"] += 1
        row["csat"] += week.csat
        row["frt"] += week.first_response_seconds
        row["aht"] += week.handling_seconds
        row["fcr"] += week.first_contact_resolution
        row["complaints"] += week.complaints
    for row in sums.values():
        for key in ("csat", "frt", "aht", "fcr"):
            row[key] /= row["n"]
    return sums


def render_monthly_pdf(figures: MonthFigures) -> bytes:
    from weasyprint import HTML

    from ..pdf import ASSET_ORIGIN, StaticOnlyFetcher

    html = render_to_string("certification/reports/monthly_pdf.html", {"figures": figures})
    return HTML(
        string=html, base_url=ASSET_ORIGIN + "/", url_fetcher=StaticOnlyFetcher()
    ).write_pdf()


def monthly_report_generate(
    *, month: datetime.date, by: User | None = None, language: str = "zh-hans"
) -> MonthlyReport:
    """Make (or make again) the report of ``month``; the file is stored before the row."""
    month = month.replace(day=1)
    with translation.override(language):
        figures = month_figures(month)
        data = render_monthly_pdf(figures)
        # The language actually in force (an unknown code falls back to the default).
        language = translation.get_language()
    name = f"reports/monthly-{month:%Y-%m}.pdf"
    if default_storage.exists(name):
        default_storage.delete(name)
    stored = default_storage.save(name, ContentFile(data))
    with transaction.atomic():
        report, _created = MonthlyReport.objects.select_for_update().update_or_create(
            month=month,
            defaults={
                "pdf": stored,
                "pdf_sha256": hashlib.sha256(data).hexdigest(),
                "figures": _jsonable(figures) | {"language": language},
                "generated_at": timezone.now(),
                "generated_by": by,
            },
        )
    return report


def _jsonable(figures: MonthFigures) -> dict:
    def clean(value):
        if isinstance(value, Decimal):
            return float(value)
        if isinstance(value, datetime.date):
            return value.isoformat()
        return value

    def team(t: TeamFigures) -> dict:
        return {k: clean(v) for k, v in asdict(t).items()} | {"quiz_pass_rate": t.quiz_pass_rate}

    return {
        "month": figures.month.isoformat(),
        "teams": [team(t) for t in figures.teams],
        "total": team(figures.total) if figures.total else None,
    }


def report_language(report: MonthlyReport) -> str | None:
    """The language the report's PDF was written in: its code (``settings.LANGUAGES``),
    or None for a report made before the language was recorded."""
    return report.figures.get("language") if isinstance(report.figures, dict) else None


def report_language_label(report: MonthlyReport) -> str | None:
    """The language's own name (简体中文, English), as the language menu shows it."""
    code = report_language(report)
    return None if code is None else dict(settings.LANGUAGES).get(code, code)


def monthly_report_due(*, today: datetime.date | None = None) -> MonthlyReport | None:
    """Daily: on or after the 1st, make last month's report if it is missing."""
    today = today or timezone.localdate()
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    if MonthlyReport.objects.filter(month=last_month).exists():
        return None
    return monthly_report_generate(month=last_month)
