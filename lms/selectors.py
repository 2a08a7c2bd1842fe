"""Reads shared by pages and the API, each in a fixed number of queries."""

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet

from .models import (
    Area,
    BehaviouralIndicator,
    Competency,
    CompetencyLevel,
    Dimension,
    Evidence,
    Level,
    Mentorship,
    Notification,
    PositionProfile,
    PositionRequirement,
    Team,
    User,
)
from .permissions import (
    heatmap_people_for,
    heatmap_teams_for,
    mentorships_visible_to,
    people_visible_to,
    teams_visible_to,
)


def competency_matrix() -> list[Dimension]:
    """Dimensions → areas → active competencies → indicators, in four queries."""
    indicators = BehaviouralIndicator.objects.order_by("level", "order", "id")
    competencies = (
        Competency.objects.filter(is_active=True)
        .order_by("order", "code")
        .prefetch_related(Prefetch("indicators", queryset=indicators))
    )
    areas = Area.objects.order_by("order", "code").prefetch_related(
        Prefetch("competencies", queryset=competencies)
    )
    return list(Dimension.objects.prefetch_related(Prefetch("areas", queryset=areas)))


def active_competencies() -> list[Competency]:
    return list(Competency.objects.filter(is_active=True).select_related("area", "area__dimension"))


def person_get_for(viewer: User, person_id: int) -> User:
    """The person if the viewer may see them; ``User.DoesNotExist`` otherwise (→ 404)."""
    return people_visible_to(viewer).select_related("team", "position").get(pk=person_id)


@dataclass
class ProfileRow:
    competency: Competency
    level: int
    required: int | None
    indicators: list[BehaviouralIndicator] = field(default_factory=list)
    next_indicators: list[BehaviouralIndicator] = field(default_factory=list)

    @property
    def level_label(self) -> str:
        return Level(self.level).label if self.level else ""

    @property
    def gap(self) -> int:
        return max((self.required or 0) - self.level, 0)


def competency_profile_for(agent: User) -> list[ProfileRow]:
    """Every active competency with the agent's level, its indicators and the requirement."""
    levels = dict(CompetencyLevel.objects.filter(agent=agent).values_list("competency_id", "level"))
    required = (
        dict(
            PositionRequirement.objects.filter(profile_id=agent.position_id).values_list(
                "competency_id", "level"
            )
        )
        if agent.position_id
        else {}
    )
    competencies = (
        Competency.objects.filter(is_active=True)
        .select_related("area", "area__dimension")
        .prefetch_related("indicators")
    )
    rows = []
    for competency in competencies:
        level = levels.get(competency.pk, 0)
        indicators = list(competency.indicators.all())
        rows.append(
            ProfileRow(
                competency=competency,
                level=level,
                required=required.get(competency.pk),
                indicators=[i for i in indicators if i.level == level],
                next_indicators=[i for i in indicators if i.level == level + 1],
            )
        )
    return rows


@dataclass(frozen=True)
class Gap:
    competency: Competency
    required: int
    current: int

    @property
    def shortfall(self) -> int:
        return self.required - self.current


def competency_gap(*, agent: User, profile: PositionProfile | None = None) -> list[Gap]:
    """Competencies where the agent is below the profile (default: their position), in 2 queries.

    Sorted by the largest shortfall first; an empty list means the agent meets the profile.
    """
    profile_id = profile.pk if profile is not None else agent.position_id
    if profile_id is None:
        return []
    levels = dict(CompetencyLevel.objects.filter(agent=agent).values_list("competency_id", "level"))
    requirements = PositionRequirement.objects.filter(
        profile_id=profile_id, competency__is_active=True
    ).select_related("competency", "competency__area")
    gaps = [
        Gap(competency=r.competency, required=r.level, current=levels.get(r.competency_id, 0))
        for r in requirements
        if levels.get(r.competency_id, 0) < r.level
    ]
    return sorted(gaps, key=lambda g: (-g.shortfall, g.competency.area.order, g.competency.order))


@dataclass
class Heatmap:
    competencies: list[Competency]
    page: Page
    rows: list[tuple[User, list[int]]]
    teams: QuerySet[Team]


HEATMAP_PAGE_SIZE = 25


def heatmap_for(
    viewer: User, *, team_code: str | None = None, page_number: int | str = 1
) -> Heatmap:
    """People the viewer may see × active competencies, one page, in a fixed query count."""
    people = heatmap_people_for(viewer).select_related("team").order_by("team__code", "username")
    if team_code:
        people = people.filter(team__code=team_code)
    page = Paginator(people, HEATMAP_PAGE_SIZE).get_page(page_number)
    competencies = active_competencies()
    person_ids = [p.pk for p in page.object_list]
    levels: dict[tuple[int, int], int] = {
        (agent_id, competency_id): level
        for agent_id, competency_id, level in CompetencyLevel.objects.filter(
            agent_id__in=person_ids
        ).values_list("agent_id", "competency_id", "level")
    }
    rows = [
        (person, [levels.get((person.pk, c.pk), 0) for c in competencies])
        for person in page.object_list
    ]
    return Heatmap(competencies=competencies, page=page, rows=rows, teams=heatmap_teams_for(viewer))


def heatmap_levels_all(data: Heatmap) -> list[tuple[User, list[int]]]:
    """Every person of the heatmap's filtered list (not just its page) with their levels
    in the order of ``data.competencies``: for exports, in two queries."""
    everyone = data.page.paginator.object_list
    # A subquery rather than a list of ids: a whole organisation would overflow the
    # database's limit on query parameters.
    levels = {
        (agent_id, competency_id): level
        for agent_id, competency_id, level in CompetencyLevel.objects.filter(
            agent_id__in=everyone.values("pk")
        ).values_list("agent_id", "competency_id", "level")
    }
    return [
        (person, [levels.get((person.pk, c.pk), 0) for c in data.competencies])
        for person in everyone
    ]


def evidence_for(agent: User) -> QuerySet[Evidence]:
    return Evidence.objects.filter(agent=agent).select_related(
        "competency", "recorded_by", "withdrawn_by"
    )


def active_mentor_of(agent: User) -> User | None:
    mentorship = (
        Mentorship.objects.filter(mentee=agent, ended_on__isnull=True)
        .select_related("mentor")
        .first()
    )
    return mentorship.mentor if mentorship else None


def mentorships_of_mentor(mentor: User) -> QuerySet[Mentorship]:
    """The mentor's active mentorships with their mentees, for the mentor's home page."""
    return (
        Mentorship.objects.filter(mentor=mentor, ended_on__isnull=True)
        .select_related("mentee", "mentee__team", "mentee__position")
        .order_by("mentee__display_name", "mentee__username")
    )


def teams_led_by(lead: User) -> QuerySet[Team]:
    return Team.objects.filter(lead=lead).annotate(
        size=Count("members", filter=Q(members__is_active=True))
    )


def organisation_summary() -> dict[str, int]:
    return {
        "people": User.objects.filter(is_active=True).count(),
        "teams": Team.objects.count(),
        "mentorships": Mentorship.objects.filter(ended_on__isnull=True).count(),
    }


def person_list_for(viewer: User, *, team_code: str | None = None) -> QuerySet[User]:
    people = (
        people_visible_to(viewer)
        .select_related("team", "position")
        .prefetch_related("groups")
        .order_by("username")
    )
    if team_code:
        people = people.filter(team__code=team_code)
    return people


def team_list_for(viewer: User) -> QuerySet[Team]:
    return (
        teams_visible_to(viewer)
        .select_related("lead")
        .annotate(member_count=Count("members", filter=Q(members__is_active=True)))
        .order_by("code")
    )


def mentorship_list_for(viewer: User, *, active: bool | None = None) -> QuerySet[Mentorship]:
    mentorships = mentorships_visible_to(viewer).select_related(
        "mentor", "mentee", "mentee__team", "created_by"
    )
    if active is not None:
        mentorships = mentorships.filter(ended_on__isnull=active)
    return mentorships


NOTIFICATIONS_PAGE_SIZE = 30


def notifications_for(user: User, *, page_number: int | str = 1) -> Page:
    return Paginator(
        Notification.objects.filter(recipient=user).order_by("-created_at", "-id"),
        NOTIFICATIONS_PAGE_SIZE,
    ).get_page(page_number)


def notifications_unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
