"""Twelve weeks of demo service KPIs, so that the training-impact page has something real
to show: agents who completed a training improve plausibly after its date, the others only
drift.

lms cannot see course completions (they live in ``courses``, above it), so the caller
passes them: ``improved`` maps an agent's id to the date they completed the training.
Values are drawn from a generator seeded per agent (its employee number), so every run and
every machine produces the same figures; rows that exist are never touched.
"""

import datetime
import random
from decimal import Decimal
from typing import TextIO

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from .models import Role, ServiceKPI, User

WEEKS = 12
# How far trained agents move, fully reached two weeks after completing: FRT and AHT fall
# by a share in this range, FCR and CSAT rise by points, complaints fall by a share.
TIME_GAIN = (0.10, 0.20)
FCR_GAIN = (3.0, 6.0)
CSAT_GAIN = (2.0, 5.0)
COMPLAINT_FALL = 0.4
RAMP_WEEKS = 2


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def demo_weeks(today: datetime.date) -> list[datetime.date]:
    """The Mondays of the twelve weeks ending with the last complete one."""
    this_monday = today - datetime.timedelta(days=today.weekday())
    return [this_monday - datetime.timedelta(weeks=n) for n in range(WEEKS, 0, -1)]


def _agent_weeks(
    agent: User, weeks: list[datetime.date], completed_on: datetime.date | None
) -> list[dict]:
    rng = random.Random(f"kpi-demo:{agent.employee_no or agent.username}")
    base = {
        "contacts": rng.uniform(190, 360),
        "frt": rng.uniform(35, 80),
        "aht": rng.uniform(330, 540),
        "fcr": rng.uniform(68, 82),
        "csat": rng.uniform(78, 90),
        "complaints": rng.uniform(1.5, 4.5),
    }
    gain = {
        "time": rng.uniform(*TIME_GAIN),
        "fcr": rng.uniform(*FCR_GAIN),
        "csat": rng.uniform(*CSAT_GAIN),
    }
    rows = []
    for monday in weeks:
        # The share of the training's effect present this week: none before the week after
        # completion, then rising over RAMP_WEEKS weeks to the full effect.
        effect = 0.0
        if completed_on is not None and monday > completed_on:
            weeks_after = (monday - completed_on).days / 7
            effect = min(1.0, weeks_after / RAMP_WEEKS)
        frt = base["frt"] * (1 - gain["time"] * effect) * rng.uniform(0.93, 1.07)
        aht = base["aht"] * (1 - gain["time"] * effect) * rng.uniform(0.95, 1.05)
        fcr = base["fcr"] + gain["fcr"] * effect + rng.uniform(-1.5, 1.5)
        csat = base["csat"] + gain["csat"] * effect + rng.uniform(-1.5, 1.5)
        complaints = base["complaints"] * (1 - COMPLAINT_FALL * effect) + rng.uniform(-1.2, 1.2)
        rows.append(
            {
                "starts_on": monday,
                "contacts": round(_clamp(base["contacts"] * rng.uniform(0.9, 1.1), 150, 400)),
                "first_response_seconds": Decimal(f"{_clamp(frt, 20, 90):.1f}"),
                "handling_seconds": Decimal(f"{_clamp(aht, 240, 600):.1f}"),
                "first_contact_resolution": Decimal(f"{_clamp(fcr, 65, 90):.2f}"),
                "csat": Decimal(f"{_clamp(csat, 75, 98):.2f}"),
                "complaints": round(_clamp(complaints, 0, 6)),
            }
        )
    return rows


@transaction.atomic
def seed_kpi_demo(
    *,
    improved: dict[int, datetime.date] | None = None,
    today: datetime.date | None = None,
    stdout: TextIO | None = None,
) -> int:
    """Weekly KPIs for every active agent over the last twelve complete weeks; returns the
    number of rows created (0 on a second run)."""
    improved = improved or {}
    weeks = demo_weeks(today or timezone.localdate())
    agents = list(
        User.objects.filter(
            is_active=True, groups__in=Group.objects.filter(name=Role.AGENT)
        ).order_by("pk")
    )
    existing = set(
        ServiceKPI.objects.filter(
            period=ServiceKPI.Period.WEEK, agent__in=agents, starts_on__range=(weeks[0], weeks[-1])
        ).values_list("agent_id", "starts_on")
    )
    new = [
        ServiceKPI(agent=agent, period=ServiceKPI.Period.WEEK, **values)
        for agent in agents
        for values in _agent_weeks(agent, weeks, improved.get(agent.pk))
        if (agent.pk, values["starts_on"]) not in existing
    ]
    ServiceKPI.objects.bulk_create(new, batch_size=500)
    if stdout is not None:
        stdout.write(f"Service KPIs: {len(new)} weeks created for {len(agents)} agents\n")
    return len(new)
