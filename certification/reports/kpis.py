"""Service KPIs per agent and week, whichever period they were imported by.

A KPI file gives one row per agent and day or per agent and week (``ServiceKPI.period``).
The reports think in weeks (Monday to Sunday), so an agent-week is:

- the agent's weekly row for that week, when there is one: it is what the file said about
  the whole week, so it wins over any daily rows of the same week;
- otherwise the week's daily rows taken together: contacts and complaints summed; first
  response time, handling time, first-contact resolution and CSAT averaged weighted by
  contacts (each is a mean or a share over the contacts of its day, so a busy day weighs
  more than a quiet one). Days without contacts weigh nothing; a week whose days all lack
  contacts gets the plain mean of its days, as a weekly row without contacts would still
  carry values.

Two queries whatever the number of people or rows: the weekly rows, and the daily rows
summed per agent and week by the database. The method is in docs/impact-method.md.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Avg, Count, F, FloatField, QuerySet, Sum
from django.db.models.functions import Cast, TruncWeek

from lms.models import ServiceKPI, User

# The KPIs kept as a mean or a share per contact (weighted by contacts over a week).
PER_CONTACT = ("first_response_seconds", "handling_seconds", "first_contact_resolution", "csat")


@dataclass(frozen=True)
class AgentWeek:
    agent_id: int
    team_id: int | None
    starts_on: datetime.date  # the Monday
    contacts: int
    complaints: int
    first_response_seconds: float
    handling_seconds: float
    first_contact_resolution: float
    csat: float
    days: int | None  # None: the agent's weekly row; else the number of daily rows


def _first_monday_from(day: datetime.date) -> datetime.date:
    return day + datetime.timedelta(days=-day.weekday() % 7)


def agent_weeks(
    first: datetime.date, last: datetime.date, *, agents: QuerySet[User] | None = None
) -> list[AgentWeek]:
    """Every agent-week whose Monday falls in [first, last] (of ``agents`` if given, of
    everyone otherwise). Two queries."""
    weekly = ServiceKPI.objects.filter(
        period=ServiceKPI.Period.WEEK, starts_on__range=(first, last)
    )
    # The days of the weeks whose Monday is in [first, last], and no others.
    first_day = _first_monday_from(first)
    last_day = last - datetime.timedelta(days=last.weekday()) + datetime.timedelta(days=6)
    daily = ServiceKPI.objects.filter(
        period=ServiceKPI.Period.DAY, starts_on__range=(first_day, last_day)
    )
    if agents is not None:
        weekly = weekly.filter(agent__in=agents)
        daily = daily.filter(agent__in=agents)

    weeks: dict[tuple[int, datetime.date], AgentWeek] = {}
    for row in weekly.values(
        "agent_id", "agent__team_id", "starts_on", "contacts", "complaints", *PER_CONTACT
    ).order_by():
        weeks[row["agent_id"], row["starts_on"]] = AgentWeek(
            agent_id=row["agent_id"],
            team_id=row["agent__team_id"],
            starts_on=row["starts_on"],
            contacts=row["contacts"],
            complaints=row["complaints"],
            days=None,
            **{name: float(row[name]) for name in PER_CONTACT},
        )

    if first_day > last_day:
        return list(weeks.values())
    weighted = {
        f"weighted_{name}": Sum(Cast(name, FloatField()) * F("contacts"), output_field=FloatField())
        for name in PER_CONTACT
    }
    plain = {f"plain_{name}": Avg(Cast(name, FloatField())) for name in PER_CONTACT}
    for row in (
        daily.annotate(week=TruncWeek("starts_on"))
        .values("agent_id", "agent__team_id", "week")
        .annotate(
            day_count=Count("pk"),
            contact_sum=Sum("contacts"),
            complaint_sum=Sum("complaints"),
            **weighted,
            **plain,
        )
        .order_by()
    ):
        week = row["week"]
        if isinstance(week, datetime.datetime):  # some back ends truncate to a timestamp
            week = week.date()
        key = (row["agent_id"], week)
        if key in weeks:
            continue  # the weekly row wins
        contacts = row["contact_sum"] or 0
        weeks[key] = AgentWeek(
            agent_id=row["agent_id"],
            team_id=row["agent__team_id"],
            starts_on=week,
            contacts=contacts,
            complaints=row["complaint_sum"] or 0,
            days=row["day_count"],
            **{
                name: (
                    row[f"weighted_{name}"] / contacts if contacts else float(row[f"plain_{name}"])
                )
                for name in PER_CONTACT
            },
        )
    return list(weeks.values())
