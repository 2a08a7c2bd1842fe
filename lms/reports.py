"""Competency reports for HR and team leads: reads only, each in a fixed number of queries.

Who is counted is the heatmap's population (``lms.permissions.heatmap_people_for``):
active agents, all of them for HR, the members of the teams they lead for a team lead.
A level is an agent's current ``CompetencyLevel``; an agent without one counts as level 0
("not yet assessed"), so an average is over everybody in the team, not only the assessed.
Levels are a current snapshot, so these reports have no period filter.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from .models import (
    Competency,
    CompetencyLevel,
    Level,
    PositionProfile,
    PositionRequirement,
    Team,
    User,
)
from .permissions import heatmap_people_for, heatmap_teams_for
from .selectors import active_competencies

LEVEL_VALUES = (0, *Level.values)  # none, basic, advanced, expert


def report_population(
    viewer: User, *, team: Team | None = None, position: PositionProfile | None = None
) -> QuerySet[User]:
    people = heatmap_people_for(viewer)
    if team is not None:
        people = people.filter(team=team)
    if position is not None:
        people = people.filter(position=position)
    return people


def _level_counts(people: QuerySet[User]) -> list[tuple[int | None, int | None, int, int, int]]:
    """(team id, position id, competency id, level, people) for the active competencies."""
    return list(
        CompetencyLevel.objects.filter(agent__in=people.values("pk"), competency__is_active=True)
        .values_list("agent__team_id", "agent__position_id", "competency_id", "level")
        .annotate(n=Count("pk"))
        .order_by()
    )


def _headcounts(people: QuerySet[User]) -> dict[tuple[int | None, int | None], int]:
    return {
        (team_id, position_id): n
        for team_id, position_id, n in people.values_list("team_id", "position_id")
        .annotate(n=Count("pk"))
        .order_by()
    }


def _requirements(people: QuerySet[User]) -> dict[tuple[int, int], int]:
    """(position id, competency id) → required level, for the positions the people hold."""
    return {
        (profile_id, competency_id): level
        for profile_id, competency_id, level in PositionRequirement.objects.filter(
            profile_id__in=people.values("position_id"), competency__is_active=True
        ).values_list("profile_id", "competency_id", "level")
    }


@dataclass(frozen=True)
class TeamCell:
    average: float | None  # None: nobody in the team
    required_of: int  # people whose position requires this competency
    meeting: int  # of those, people at or above the required level

    @property
    def share_meeting(self) -> float | None:
        """0–100; None when nobody's position requires the competency."""
        return 100 * self.meeting / self.required_of if self.required_of else None


@dataclass
class TeamRow:
    team: Team
    people: int
    cells: list[TeamCell] = field(default_factory=list)


@dataclass
class TeamHeatmap:
    competencies: list[Competency]
    rows: list[TeamRow]


def team_competency_heatmap(
    viewer: User, *, team: Team | None = None, position: PositionProfile | None = None
) -> TeamHeatmap:
    """Visible teams × active competencies: the average level and the share of the people
    whose position requires the competency who are at or above the required level.

    Five queries, whatever the number of teams, people and competencies.
    """
    competencies = active_competencies()
    teams_qs = heatmap_teams_for(viewer).order_by("code")
    if team is not None:
        teams_qs = teams_qs.filter(pk=team.pk)
    teams = list(teams_qs)
    people = report_population(viewer, position=position).filter(team__in=teams_qs)
    headcounts = _headcounts(people)
    required = _requirements(people)
    level_sum: dict[tuple[int, int], int] = defaultdict(int)
    meeting: dict[tuple[int, int], int] = defaultdict(int)
    for team_id, position_id, competency_id, level, n in _level_counts(people):
        level_sum[team_id, competency_id] += level * n
        needed = required.get((position_id, competency_id))
        if needed is not None and level >= needed:
            meeting[team_id, competency_id] += n
    team_people: dict[int, int] = defaultdict(int)
    for (team_id, _position_id), n in headcounts.items():
        team_people[team_id] += n
    rows = []
    for t in teams:
        size = team_people[t.pk]
        cells = []
        for c in competencies:
            required_of = sum(
                n
                for (team_id, position_id), n in headcounts.items()
                if team_id == t.pk and (position_id, c.pk) in required
            )
            cells.append(
                TeamCell(
                    average=level_sum[t.pk, c.pk] / size if size else None,
                    required_of=required_of,
                    meeting=meeting[t.pk, c.pk],
                )
            )
        rows.append(TeamRow(team=t, people=size, cells=cells))
    return TeamHeatmap(competencies=competencies, rows=rows)


@dataclass(frozen=True)
class DistributionRow:
    competency: Competency
    counts: tuple[int, int, int, int]  # not yet assessed, basic, advanced, expert

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass
class LevelDistribution:
    people: int
    rows: list[DistributionRow]


def level_distribution(
    viewer: User, *, team: Team | None = None, position: PositionProfile | None = None
) -> LevelDistribution:
    """Per active competency, how many people in scope are at each level (0 = not yet).

    Three queries. Every row adds up to the number of people in scope.
    """
    competencies = active_competencies()
    people = report_population(viewer, team=team, position=position)
    total = people.count()
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for _team_id, _position_id, competency_id, level, n in _level_counts(people):
        counts[competency_id][level] += n
    rows = []
    for c in competencies:
        basic, advanced, expert = counts[c.pk][1:]
        rows.append(
            DistributionRow(
                competency=c,
                counts=(total - basic - advanced - expert, basic, advanced, expert),
            )
        )
    return LevelDistribution(people=total, rows=rows)


@dataclass(frozen=True)
class RadarAxis:
    competency: Competency
    required: int
    current: int

    @property
    def gap(self) -> int:
        return max(self.required - self.current, 0)


def person_radar(person: User) -> list[RadarAxis]:
    """The competencies the person's position profile requires, required against current.

    Empty when the person has no position; two queries otherwise.
    """
    if person.position_id is None:
        return []
    requirements = (
        PositionRequirement.objects.filter(
            profile_id=person.position_id, competency__is_active=True
        )
        .select_related("competency", "competency__area")
        .order_by(
            "competency__area__dimension__order",
            "competency__area__order",
            "competency__order",
            "competency__code",
        )
    )
    levels = dict(
        CompetencyLevel.objects.filter(agent=person).values_list("competency_id", "level")
    )
    return [
        RadarAxis(competency=r.competency, required=r.level, current=levels.get(r.competency_id, 0))
        for r in requirements
    ]


@dataclass
class PeopleTable:
    competencies: list[Competency]
    rows: list[tuple[User, list[int]]]


def people_competency_table(
    viewer: User, *, team: Team | None = None, position: PositionProfile | None = None
) -> PeopleTable:
    """People × competencies, unpaginated, for the export of the heatmap; three queries."""
    competencies = active_competencies()
    population = report_population(viewer, team=team, position=position)
    people = list(population.select_related("team", "position").order_by("team__code", "username"))
    levels = {
        (agent_id, competency_id): level
        for agent_id, competency_id, level in CompetencyLevel.objects.filter(
            agent__in=population.values("pk")
        ).values_list("agent_id", "competency_id", "level")
    }
    return PeopleTable(
        competencies=competencies,
        rows=[(p, [levels.get((p.pk, c.pk), 0) for c in competencies]) for p in people],
    )


@dataclass(frozen=True)
class ExportTable:
    """A table as ``lms.exports.table_response`` writes it: column titles, then rows."""

    headers: list[str]
    rows: list[list[str | int]]


def people_competency_export(
    viewer: User, *, team: Team | None = None, position: PositionProfile | None = None
) -> ExportTable:
    """The heatmap's people table for download: person, employee number, team and
    position, then their level (0-3) in each active competency. Three queries, as
    ``people_competency_table``."""
    table = people_competency_table(viewer, team=team, position=position)
    headers = [
        _("Person"),
        _("Employee number"),
        _("Team"),
        _("Position profile"),
        *(c.name for c in table.competencies),
    ]
    rows: list[list[str | int]] = [
        [
            str(person),
            person.employee_no,
            person.team.name if person.team else "",
            person.position.name if person.position else "",
            *levels,
        ]
        for person, levels in table.rows
    ]
    return ExportTable(headers=headers, rows=rows)
