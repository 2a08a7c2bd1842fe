"""Points: awarding them (once per source), HR corrections, honours, balances and
leaderboards. The ledger is only ever appended to."""

import datetime
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet, Sum, Window
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lms.models import User

from .models import Certificate, Honour, HonourType, PointRule, PointsEntry

Reason = PointsEntry.Reason

PERIODS = ("week", "month")
MAX_RULE_POINTS = 10_000
MAX_CORRECTION = 100_000

# What the statement says a source is; the entry's note names the object itself.
SOURCE_LABELS = {
    "courses.course": gettext_lazy("Course"),
    "assessments.quiz": gettext_lazy("Quiz"),
    "assessments.scenario": gettext_lazy("Scenario"),
    "certification.certificate": gettext_lazy("Certificate"),
    "certification.certificate.revoked": gettext_lazy("Certificate revoked"),
    "certification.honour": gettext_lazy("Honour"),
}


def source_label(source_type: str) -> str:
    return str(SOURCE_LABELS.get(source_type, source_type))


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
        raise ValidationError(
            _("A correction must add or remove at least one point."), code="amount"
        )
    note = note.strip()
    if not note:
        raise ValidationError(_("Say why the points are corrected."), code="note")
    if len(note) > 300:
        # Cutting the reason short would lose part of the audit trail: refuse instead.
        raise ValidationError(_("Keep the reason under 300 characters."), code="note_length")
    if abs(amount) > MAX_CORRECTION:
        raise ValidationError(_("That correction is implausibly large."), code="amount")
    return PointsEntry.objects.create(
        person=person,
        amount=amount,
        reason=Reason.CORRECTION,
        note=note,
        created_by=created_by,
        key=f"correction:{uuid.uuid4()}",
    )


def balance(person: User) -> int:
    return PointsEntry.objects.filter(person=person).aggregate(total=Sum("amount"))["total"] or 0


def statement(person: User) -> QuerySet[PointsEntry]:
    """The person's entries, newest first (the page shows the running balance)."""
    return PointsEntry.objects.filter(person=person).select_related("created_by")


STATEMENT_PER_PAGE = 25


def statement_page(person: User, page_number, per_page: int = STATEMENT_PER_PAGE) -> Page:
    """One page of the statement, each entry with ``running``: the balance just after it.
    A window sum over all of the person's entries, computed before the page is cut, so any
    page is right in one query (plus the paginator's count)."""
    entries = statement(person).annotate(
        running=Window(Sum("amount"), order_by=[F("created_at").asc(), F("id").asc()])
    )
    return Paginator(entries, per_page).get_page(page_number)


# --- Rules -----------------------------------------------------------------------------


def point_rules() -> list[PointRule]:
    """Every achievement with its rule, a missing rule shown as 0 points, not in force."""
    rules = {rule.event: rule for rule in PointRule.objects.all()}
    return [
        rules.get(event) or PointRule(event=event, points=0, is_active=False)
        for event in PointRule.Event.values
    ]


@transaction.atomic
def point_rule_set(*, event: str, points: int, is_active: bool) -> PointRule:
    """How many points an achievement earns from now on; entries already in the ledger keep
    what they earned (a rule change never rewrites history)."""
    if event not in PointRule.Event.values:
        raise ValidationError(_("Unknown achievement."), code="event")
    if not 0 <= points <= MAX_RULE_POINTS:
        raise ValidationError(
            _("Points must be between 0 and %(max)s.") % {"max": MAX_RULE_POINTS},
            code="points",
        )
    rule, _created = PointRule.objects.select_for_update().get_or_create(
        event=event, defaults={"points": points, "is_active": is_active}
    )
    if (rule.points, rule.is_active) != (points, is_active):
        rule.points, rule.is_active = points, is_active
        rule.save(update_fields=["points", "is_active"])
    return rule


def rules_in_force() -> list[PointRule]:
    return list(PointRule.objects.filter(is_active=True, points__gt=0).order_by("event"))


# --- Honours ---------------------------------------------------------------------------


HONOUR_TYPE_FIELDS = ("name_zh", "name_en", "points", "is_active")


@transaction.atomic
def honour_type_create(
    *, code: str, name_zh: str, name_en: str = "", points: int = 0, is_active: bool = True
) -> HonourType:
    honour_type = HonourType(
        code=code, name_zh=name_zh, name_en=name_en, points=points, is_active=is_active
    )
    honour_type.full_clean()
    honour_type.save()
    return honour_type


@transaction.atomic
def honour_type_update(
    *, honour_type: HonourType, name_zh: str, name_en: str, points: int, is_active: bool
) -> HonourType:
    """Rename, re-point or retire an honour (its code stays: the demo and links use it).
    Points already awarded stay in the ledger as they were."""
    honour_type.name_zh, honour_type.name_en = name_zh, name_en
    honour_type.points, honour_type.is_active = points, is_active
    honour_type.full_clean()
    honour_type.save(update_fields=list(HONOUR_TYPE_FIELDS))
    return honour_type


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


HONOURS_PER_PAGE = 50


def honours_page(page_number, month: datetime.date | None = None) -> Page:
    """Honours awarded, newest month first; one month only when ``month`` is given."""
    honours = Honour.objects.select_related("honour_type", "person", "awarded_by").order_by(
        "-month", "honour_type__code", "person__display_name", "person_id"
    )
    if month is not None:
        honours = honours.filter(month=month.replace(day=1))
    return Paginator(honours, HONOURS_PER_PAGE).get_page(page_number)


def honours_of(person: User) -> list[Honour]:
    return list(
        Honour.objects.filter(person=person).select_related("honour_type").order_by("-month")
    )


def ability_tags(person: User, today: datetime.date | None = None) -> list[str]:
    """The tags (能力标签) of the person's certificates that are valid now, once each."""
    certificates = Certificate.objects.filter(
        holder=person, status=Certificate.Status.ISSUED, superseded_by__isnull=True
    ).select_related("program")
    tags: list[str] = []
    for certificate in certificates.order_by("program__kind", "program__code"):
        tag = certificate.program.tag
        usable = certificate.state(today) in (Certificate.State.VALID, Certificate.State.EXPIRING)
        if usable and tag and tag not in tags:
            tags.append(tag)
    return tags


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
    if period not in PERIODS:
        raise ValueError(f"Unknown leaderboard period: {period!r}")
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
    # The board shows each person's team; in_bulk of an empty set makes no query at all.
    people = User.objects.select_related("team").in_bulk(wanted)
    return Leaderboard(
        start=start,
        top=[Standing(r, people[pid], t) for r, pid, t in shown],
        mine=Standing(mine[0], people[mine[1]], mine[2]) if mine else None,
    )
