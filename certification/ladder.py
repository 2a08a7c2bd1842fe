"""The career ladder: where a person stands, what the next level still needs, who is
eligible, and HR's promotion decisions.

Every requirement is answered for a whole set of people at once (one query per kind of
evidence), so the promotion board costs the same few queries for ten people or a
thousand. A decision is one transaction under the person's row lock; the database's
``promotion_approved_once`` constraint backs the rule that a level is granted once.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lms.models import CompetencyLevel, Level, PositionRequirement, Role, User

from .eligibility import Check, points_balances
from .issuing import add_months
from .models import CareerLevel, CareerStatus, Certificate, Program, Promotion

USABLE_STATES = (Certificate.State.VALID, Certificate.State.EXPIRING)


@dataclass
class LadderCheck(Check):
    kind: str = ""  # certificate / competency / points / tenure


@dataclass
class LadderStatus:
    person: User
    level: CareerLevel | None  # None: not on the ladder yet (below the lowest rank)
    since: datetime.date | None
    next_level: CareerLevel | None  # None: the top is reached, or no level is defined
    points: int
    tenure_months: int | None  # None: no hire date
    checks: list[LadderCheck] = field(default_factory=list)
    last_rejection: Promotion | None = None  # filled by promotion_candidates()

    @property
    def eligible(self) -> bool:
        return self.next_level is not None and all(c.met for c in self.checks)

    @property
    def missing(self) -> list[LadderCheck]:
        return [c for c in self.checks if not c.met]

    def evidence(self) -> dict:
        """The snapshot kept with a decision: what the person had when HR decided."""
        return {
            "from_level": self.level.code if self.level else None,
            "to_level": self.next_level.code if self.next_level else None,
            "points": self.points,
            "tenure_months": self.tenure_months,
            "checks": [
                {"kind": c.kind, "label": c.label, "met": c.met, "detail": c.detail}
                for c in self.checks
            ],
        }


def levels() -> list[CareerLevel]:
    """Every level, lowest rank first, with what it requires (three queries at most)."""
    return list(
        CareerLevel.objects.select_related("profile")
        .prefetch_related(
            Prefetch("programs", queryset=Program.objects.order_by("kind", "code")),
            Prefetch(
                "profile__requirements",
                queryset=PositionRequirement.objects.select_related("competency").order_by(
                    "competency__order", "competency__code"
                ),
            ),
        )
        .order_by("rank")
    )


def next_level_after(ladder: list[CareerLevel], level: CareerLevel | None) -> CareerLevel | None:
    if level is None:
        return ladder[0] if ladder else None
    return next((candidate for candidate in ladder if candidate.rank > level.rank), None)


def tenure_months(hire_date: datetime.date | None, today: datetime.date) -> int | None:
    """Whole months since hiring (hired 31 January: one month on the last day of February)."""
    if hire_date is None:
        return None
    months = (today.year - hire_date.year) * 12 + today.month - hire_date.month
    if months > 0 and add_months(hire_date, months) > today:
        months -= 1
    return max(months, 0)


def _required_competencies(level: CareerLevel) -> list[PositionRequirement]:
    return list(level.profile.requirements.all()) if level.profile_id else []


def _statuses(people: Iterable[User], today: datetime.date | None = None) -> list[LadderStatus]:
    """Each person's level and the checks of their next level, for all people at once."""
    today = today or timezone.localdate()
    people = list(people)
    ids = [person.pk for person in people]
    ladder = levels()
    by_id = {level.pk: level for level in ladder}
    held = {
        person_id: (by_id[level_id], since)
        for person_id, level_id, since in CareerStatus.objects.filter(
            person_id__in=ids
        ).values_list("person_id", "level_id", "since")
    }
    program_ids = {program.pk for level in ladder for program in level.programs.all()}
    competency_ids = {
        requirement.competency_id
        for level in ladder
        for requirement in _required_competencies(level)
    }
    certificates: dict[tuple[int, int], Certificate] = {}
    if program_ids and ids:
        for certificate in Certificate.objects.filter(
            holder_id__in=ids,
            program_id__in=program_ids,
            status=Certificate.Status.ISSUED,
            superseded_by__isnull=True,
        ).order_by("holder_id", "program_id", "-cycle"):
            if certificate.state(today) in USABLE_STATES:
                certificates.setdefault(
                    (certificate.holder_id, certificate.program_id), certificate
                )
    competency_levels: dict[tuple[int, int], int] = {}
    if competency_ids and ids:
        competency_levels = {
            (agent_id, competency_id): level
            for agent_id, competency_id, level in CompetencyLevel.objects.filter(
                agent_id__in=ids, competency_id__in=competency_ids
            ).values_list("agent_id", "competency_id", "level")
        }
    balances = points_balances(ids) if ids else {}

    result = []
    for person in people:
        level, since = held.get(person.pk, (None, None))
        target = next_level_after(ladder, level)
        status = LadderStatus(
            person=person,
            level=level,
            since=since,
            next_level=target,
            points=balances.get(person.pk, 0),
            tenure_months=tenure_months(person.hire_date, today),
        )
        if target is not None:
            status.checks = _checks(status, target, certificates, competency_levels)
        result.append(status)
    return result


def _checks(
    status: LadderStatus,
    target: CareerLevel,
    certificates: dict[tuple[int, int], Certificate],
    competency_levels: dict[tuple[int, int], int],
) -> list[LadderCheck]:
    pk = status.person.pk
    checks = []
    for program in target.programs.all():
        certificate = certificates.get((pk, program.pk))
        detail = ""
        if certificate is not None:
            detail = certificate.serial
            if certificate.expires_on:
                detail += " · " + _("valid until %(date)s") % {
                    "date": certificate.expires_on.isoformat()
                }
        checks.append(
            LadderCheck(
                _("Hold a valid certificate: %(program)s") % {"program": program},
                certificate is not None,
                detail,
                kind="certificate",
            )
        )
    for requirement in _required_competencies(target):
        has = competency_levels.get((pk, requirement.competency_id), 0)
        checks.append(
            LadderCheck(
                _("Reach %(level)s in %(competency)s")
                % {"level": Level(requirement.level).label, "competency": requirement.competency},
                has >= requirement.level,
                str(Level(has).label) if has else _("Not yet assessed"),
                kind="competency",
            )
        )
    if target.min_points:
        checks.append(
            LadderCheck(
                _("Have at least %(points)s points") % {"points": target.min_points},
                status.points >= target.min_points,
                str(status.points),
                kind="points",
            )
        )
    if target.min_tenure_months:
        months = status.tenure_months
        checks.append(
            LadderCheck(
                ngettext(
                    "At least %(months)s month since hiring",
                    "At least %(months)s months since hiring",
                    target.min_tenure_months,
                )
                % {"months": target.min_tenure_months},
                months is not None and months >= target.min_tenure_months,
                _("No hire date recorded")
                if months is None
                else ngettext("%(months)s month", "%(months)s months", months) % {"months": months},
                kind="tenure",
            )
        )
    return checks


def ladder_status(person: User, today: datetime.date | None = None) -> LadderStatus:
    """The person's level, their next level, and each of its requirements met or missing."""
    return _statuses([person], today)[0]


def ladder_people() -> QuerySet[User]:
    """Who is on the ladder: active agents, and anyone who already holds a level."""
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(pk__in=Group.objects.filter(name=Role.AGENT).values("user"))
            | Q(pk__in=CareerStatus.objects.values("person_id"))
        )
        .select_related("team")
        .order_by("display_name", "username", "pk")
    )


def promotion_candidates(
    people: Iterable[User], today: datetime.date | None = None
) -> list[LadderStatus]:
    """The people eligible for their next level, with the evidence and, when HR already
    turned down that step, the latest rejection (a fixed number of queries)."""
    eligible = [status for status in _statuses(people, today) if status.eligible]
    if eligible:
        rejections: dict[tuple[int, int], Promotion] = {}
        for promotion in (
            Promotion.objects.filter(
                person_id__in=[status.person.pk for status in eligible],
                status=Promotion.Status.REJECTED,
            )
            .select_related("decided_by")
            .order_by("-decided_at", "-id")
        ):
            rejections.setdefault((promotion.person_id, promotion.to_level_id), promotion)
        for status in eligible:
            status.last_rejection = rejections.get((status.person.pk, status.next_level.pk))
    return eligible


HISTORY_PER_PAGE = 25


def promotion_history(page_number, person: User | None = None) -> Page:
    decisions = Promotion.objects.select_related(
        "person", "from_level", "to_level", "decided_by"
    ).order_by("-decided_at", "-id")
    if person is not None:
        decisions = decisions.filter(person=person)
    return Paginator(decisions, HISTORY_PER_PAGE).get_page(page_number)


@transaction.atomic
def promotion_decide(
    *,
    person: User,
    to_level: CareerLevel,
    approve: bool,
    note: str,
    decided_by: User,
    today: datetime.date | None = None,
) -> Promotion:
    """HR approves or rejects a person's step to ``to_level``. Under the person's row lock:
    the person must still be one level below it, and (to approve) still meet every
    requirement. An approval moves the person's level; either way the decision and the
    evidence seen are kept."""
    note = note.strip()
    if not approve and not note:
        raise ValidationError(_("Say why the promotion is rejected."), code="note")
    if person.pk == decided_by.pk:
        raise ValidationError(_("Nobody decides their own promotion."), code="self")
    # Two HR clicks at once: the second waits here and then sees the first one's result.
    person = User.objects.select_for_update().get(pk=person.pk)
    status = ladder_status(person, today)
    if status.next_level is None or status.next_level.pk != to_level.pk:
        raise ValidationError(
            _("%(person)s is no longer one level below %(level)s: reload the board.")
            % {"person": person, "level": to_level},
            code="stale",
        )
    if approve and not status.eligible:
        raise ValidationError(
            _("%(person)s no longer meets every requirement of %(level)s.")
            % {"person": person, "level": to_level},
            code="not_eligible",
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            promotion = Promotion.objects.create(
                person=person,
                from_level=status.level,
                to_level=to_level,
                status=Promotion.Status.APPROVED if approve else Promotion.Status.REJECTED,
                note=note,
                evidence=status.evidence(),
                decided_by=decided_by,
                decided_at=now,
            )
    except IntegrityError as exc:
        raise ValidationError(
            _("%(person)s was already promoted to %(level)s.")
            % {"person": person, "level": to_level},
            code="decided",
        ) from exc
    if approve:
        since = today or timezone.localdate(now)
        career = CareerStatus.objects.filter(person=person).first()
        if career is None:
            CareerStatus.objects.create(person=person, level=to_level, since=since)
        else:
            career.level, career.since = to_level, since
            career.save(update_fields=["level", "since"])
    return promotion


# --- Levels (HR) -----------------------------------------------------------------------

LEVEL_FIELDS = ("name_zh", "name_en", "rank", "min_points", "min_tenure_months", "profile")


@transaction.atomic
def career_level_create(*, programs: Iterable[Program] = (), **fields) -> CareerLevel:
    level = CareerLevel(**fields)
    level.full_clean()
    level.save()
    level.programs.set(list(programs))
    return level


@transaction.atomic
def career_level_update(
    *, level: CareerLevel, programs: Iterable[Program], **fields
) -> CareerLevel:
    """Change what a level requires; the code stays (the demo and history refer to it).
    Decisions already taken keep the evidence they were taken on."""
    unknown = set(fields) - set(LEVEL_FIELDS)
    if unknown:
        raise TypeError(f"Unknown level fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(level, name, value)
    level.full_clean()
    level.save(update_fields=list(fields))
    level.programs.set(list(programs))
    return level
