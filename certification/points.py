"""Points: awarding them (once per source), HR corrections, honours, balances and
leaderboards. The ledger is only ever appended to."""

import datetime
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.models import User

from .models import Honour, HonourType, PointRule, PointsEntry

Reason = PointsEntry.Reason


def rule_points(event: str) -> int:
    rule = PointRule.objects.filter(event=event, is_active=True).first()
    return rule.points if rule else 0


@transaction.atomic
def points_award(
    *,
    person: User,
    amount: int,
    reason: str,
    source_type: str,
    source_id: int,
    note: str = "",
    created_by: User | None = None,
    at: datetime.datetime | None = None,
) -> tuple[PointsEntry | None, bool]:
    """Add points for an achievement; the same source and reason count once per person
    (a retried task or a second signal adds nothing). Returns (entry, created)."""
    if reason == Reason.CORRECTION:
        raise ValueError("Corrections go through points_correct().")
    if amount == 0:
        return None, False
    key = f"{reason}:{source_type}:{source_id}:{person.pk}"
    existing = PointsEntry.objects.filter(key=key).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            entry = PointsEntry.objects.create(
                person=person,
                amount=amount,
                reason=reason,
                source_type=source_type,
                source_id=source_id,
                note=note[:300],
                created_by=created_by,
                created_at=at or timezone.now(),
                key=key,
            )
    except IntegrityError:
        return PointsEntry.objects.get(key=key), False
    return entry, True


@transaction.atomic
def points_correct(*, person: User, amount: int, note: str, created_by: User) -> PointsEntry:
    """HR's correction: a new entry with a reason, never an edit of an old one."""
    if amount == 0:
        raise ValidationError(_("A correction must add or remove at least one point."))
    if not note.strip():
        raise ValidationError(_("Say why the points are corrected."), code="note")
    if abs(amount) > 100_000:
        raise ValidationError(_("That correction is implausibly large."), code="amount")
    return PointsEntry.objects.create(
        person=person,
        amount=amount,
        reason=Reason.CORRECTION,
        note=note.strip()[:300],
        created_by=created_by,
        key=f"correction:{uuid.uuid4()}",
    )


def balance(person: User) -> int:
    return PointsEntry.objects.filter(person=person).aggregate(total=Sum("amount"))["total"] or 0


def statement(person: User) -> QuerySet[PointsEntry]:
    """The person's entries, newest first (the page shows the running balance)."""
    return PointsEntry.objects.filter(person=person).select_related("created_by")


# --- Honours ---------------------------------------------------------------------------


@transaction.atomic
def honour_award(
    *,
    honour_type: HonourType,
    person: User,
    month: datetime.date,
    awarded_by: User,
    note: str = "",
) -> Honour:
    """HR honours a person for a month; the honour's points follow, once."""
    if not honour_type.is_active:
        raise ValidationError(_("This honour is no longer awarded."), code="inactive")
    month = month.replace(day=1)
    if month > timezone.localdate().replace(day=1):
        raise ValidationError(_("A month still to come cannot be honoured."), code="future")
    if not person.is_active:
        raise ValidationError(_("This person has left."), code="inactive_person")
    try:
        with transaction.atomic():
            honour = Honour.objects.create(
                honour_type=honour_type,
                person=person,
                month=month,
                note=note.strip()[:300],
                awarded_by=awarded_by,
            )
    except IntegrityError as exc:
        raise ValidationError(
            _("%(person)s already has this honour for %(month)s.")
            % {"person": person, "month": month.strftime("%Y-%m")},
            code="duplicate",
        ) from exc
    points_award(
        person=person,
        amount=honour_type.points,
        reason=Reason.HONOUR,
        source_type="certification.honour",
        source_id=honour.pk,
        note=str(honour_type),
        created_by=awarded_by,
    )
    return honour


# --- Leaderboards ----------------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    rank: int
    person: User
    points: int


@dataclass(frozen=True)
class Leaderboard:
    start: datetime.datetime
    top: list[Standing]
    mine: Standing | None  # the viewer's own place, also when outside the top


def period_start(period: str, today: datetime.date | None = None) -> datetime.datetime:
    """Monday of this week, or the 1st of this month, at midnight in the current zone."""
    today = today or timezone.localdate()
    day = (
        today - datetime.timedelta(days=today.weekday())
        if period == "week"
        else today.replace(day=1)
    )
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def leaderboard(
    *,
    period: str,
    viewer: User,
    team_id: int | None = None,
    size: int = 10,
    today: datetime.date | None = None,
) -> Leaderboard:
    """Points earned in the period (corrections count: they fix what was earned), ranked;
    equal points share a rank. Two queries whatever the number of people."""
    start = period_start(period, today)
    entries = PointsEntry.objects.filter(created_at__gte=start, person__is_active=True)
    if team_id is not None:
        entries = entries.filter(person__team_id=team_id)
    totals = list(
        entries.values("person_id")
        .annotate(total=Sum("amount"))
        .filter(total__gt=0)
        .order_by("-total", "person_id")
        .values_list("person_id", "total")
    )
    ranks: list[tuple[int, int, int]] = []
    rank = 0
    previous = None
    for position, (person_id, total) in enumerate(totals, start=1):
        if total != previous:
            rank, previous = position, total
        ranks.append((rank, person_id, total))
    shown = ranks[:size]
    mine = next((r for r in ranks if r[1] == viewer.pk), None)
    wanted = {pid for _r, pid, _t in shown} | ({mine[1]} if mine else set())
    people = User.objects.in_bulk(wanted)
    return Leaderboard(
        start=start,
        top=[Standing(r, people[pid], t) for r, pid, t in shown],
        mine=Standing(mine[0], people[mine[1]], mine[2]) if mine else None,
    )
