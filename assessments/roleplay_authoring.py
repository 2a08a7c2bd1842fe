"""Authoring of rubrics and scenarios in the app and the API: the writes trainers make, and
the reads their pages and endpoints share.

Builds on the services in ``roleplay`` (``rubric_create``, ``rubric_draft``,
``criterion_add``, ``criterion_delete``, ``rubric_publish``, ``scenario_publish``). Every
write is one transaction and raises ``ValidationError`` with a translated message
(nothing saved) when it cannot be done; field errors are keyed by field name so that
forms and the API put them where they belong.

Versioning: criteria live in rubric versions, and only a draft version is ever edited.
A submission keeps the version it started with, so editing a rubric in use (a new draft,
then publishing it) never changes a grade already given.

Script rules: a turn's order is unique in its scenario; its branches are
``[{"contains": [words], "goto": order}]`` pointing at turns that exist; a turn that
branches elsewhere or is the target of a branch cannot be renumbered or deleted without
its branches changing first; nor can any turn while an agent is in the middle of the
script (running submissions follow the script by turn number).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from courses.permissions import can_author
from lms.models import Level, Role, User

from . import roleplay
from .models import (
    Criterion,
    CriterionLevel,
    Rubric,
    RubricVersion,
    Scenario,
    ScenarioTurn,
    Submission,
)
from .quality import DEFAULT_RULES, RULE_KEYS

AUTHORING_PAGE_SIZE = 50
PHRASE_MAX_LENGTH = 100

RUBRIC_FIELDS = frozenset({"title_zh", "title_en", "pass_mark", "policy"})
CRITERION_FIELDS = frozenset(
    {"title_zh", "title_en", "competency", "weight", "critical", "allow_not_applicable", "order"}
)
SCENARIO_FIELDS = frozenset(
    {
        "title_zh",
        "title_en",
        "kind",
        "channel",
        "brief_zh",
        "brief_en",
        "persona_zh",
        "persona_en",
        "emotion",
        "rubric",
        "level",
        "quality_rules",
        "course",
        "required_for_course",
        "grading_hours",
    }
)
TURN_FIELDS = frozenset({"order", "text_zh", "text_en", "reply_target_seconds", "branches", "ends"})


def _known(fields: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:  # a programming error, not bad input
        raise TypeError(f"Unexpected fields: {sorted(unknown)}")


def _error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


# --- Rubrics -------------------------------------------------------------------------


@transaction.atomic
def rubric_update(*, rubric: Rubric, **fields: Any) -> Rubric:
    """Title, pass mark and double-grading policy. Grades already given keep their result:
    a submission stores its score and whether it passed when it is graded."""
    _known(fields, RUBRIC_FIELDS)
    rubric = Rubric.objects.select_for_update().get(pk=rubric.pk)
    for name, value in fields.items():
        setattr(rubric, name, value)
    rubric.full_clean()
    if fields:
        rubric.save(update_fields=list(fields))
    return rubric


def _draft_locked(rubric: Rubric) -> RubricVersion | None:
    """The rubric's draft version, row-locked, so that nobody publishes it mid-edit."""
    latest = (
        RubricVersion.objects.select_for_update().filter(rubric=rubric).order_by("-number").first()
    )
    return latest if latest is not None and not latest.is_published else None


def _editable_locked(version_id: int) -> RubricVersion:
    version = RubricVersion.objects.select_for_update().get(pk=version_id)
    if version.is_published:
        raise ValidationError(
            _("This rubric version is published; edit a new draft instead."), code="published"
        )
    return version


def levels_check(levels: Iterable[Any]) -> list[roleplay.LevelSpec]:
    """Performance levels as ``(points, descriptor_zh, descriptor_en, demonstrates, fails)``:
    at least two, points distinct and not negative (so the best level, whose points are
    the criterion's full marks, is worth something), a Chinese descriptor each, and a
    competency level that exists (or none). Returns them stripped."""
    specs: list[roleplay.LevelSpec] = []
    for number, level in enumerate(levels, start=1):
        try:
            points, zh, en, demonstrates, fails = level
        except (TypeError, ValueError):
            raise _error(
                "levels", _("Level %(n)s is incomplete.") % {"n": number}, "level"
            ) from None
        if isinstance(points, bool) or not isinstance(points, int) or not 0 <= points <= 1000:
            raise _error(
                "levels",
                _("Level %(n)s: the points are a whole number from 0 to 1000.") % {"n": number},
                "points",
            )
        if not isinstance(zh, str) or not zh.strip():
            raise _error(
                "levels", _("Level %(n)s: describe it in Chinese.") % {"n": number}, "descriptor"
            )
        if demonstrates is not None and demonstrates not in Level.values:
            raise _error(
                "levels",
                _("Level %(n)s: the competency level shown is basic, advanced, expert or none.")
                % {"n": number},
                "demonstrates",
            )
        specs.append((points, zh.strip(), (en or "").strip(), demonstrates, bool(fails)))
    if len(specs) < 2:
        raise _error("levels", _("A criterion needs at least two performance levels."), "levels")
    if len({spec[0] for spec in specs}) != len(specs):
        raise _error("levels", _("Two levels of a criterion have the same points."), "points")
    return specs


@transaction.atomic
def criterion_create(
    *, version: RubricVersion, title_zh: str, levels: Iterable[Any], **fields: Any
) -> Criterion:
    """``roleplay.criterion_add`` with the levels checked in full, on a draft version."""
    _known(fields, CRITERION_FIELDS - {"title_zh"})
    version = _editable_locked(version.pk)
    return roleplay.criterion_add(
        version=version, title_zh=title_zh, levels=levels_check(levels), **fields
    )


@transaction.atomic
def criterion_update(
    *, criterion: Criterion, levels: Iterable[Any] | None = None, **fields: Any
) -> Criterion:
    """Change a criterion of a draft version; ``levels`` (when given) replace its levels.
    A published version's criteria never change: edit a new draft instead."""
    _known(fields, CRITERION_FIELDS)
    _editable_locked(criterion.version_id)
    criterion = Criterion.objects.get(pk=criterion.pk)
    for name, value in fields.items():
        setattr(criterion, name, value)
    criterion.full_clean()
    specs = levels_check(levels) if levels is not None else None
    if fields:
        criterion.save(update_fields=list(fields))
    if specs is not None:
        # A draft is never graded (submissions take the published version), so its levels
        # have no scores pointing at them.
        criterion.levels.all().delete()
        CriterionLevel.objects.bulk_create(
            CriterionLevel(
                criterion=criterion,
                order=i,
                points=points,
                descriptor_zh=zh,
                descriptor_en=en,
                demonstrates=demonstrates,
                fails=fails,
            )
            for i, (points, zh, en, demonstrates, fails) in enumerate(
                sorted(specs, key=lambda spec: spec[0]), start=1
            )
        )
    return criterion


@transaction.atomic
def criterion_remove(*, criterion: Criterion) -> None:
    """``roleplay.criterion_delete`` with the version locked against a publish under way."""
    _editable_locked(criterion.version_id)
    roleplay.criterion_delete(
        criterion=Criterion.objects.select_related("version").get(pk=criterion.pk)
    )


@transaction.atomic
def rubric_publish_draft(*, rubric: Rubric) -> RubricVersion:
    """Publish the rubric's draft version (weights must add up to 100): submissions
    started from now on are graded with it; earlier ones keep their version."""
    Rubric.objects.select_for_update().filter(pk=rubric.pk).values_list("pk").get()
    draft = _draft_locked(rubric)
    if draft is None:
        raise ValidationError(
            _("There is no draft to publish: start a new draft from the published version."),
            code="no_draft",
        )
    return roleplay.rubric_publish(version=draft)


# --- Scenarios -----------------------------------------------------------------------


def quality_rules_clean(rules: Any) -> dict[str, Any]:
    """The scenario's quality-check phrases by key (greetings, closings, required,
    forbidden, vague, empathy), stripped and without repeats. A key left out (or empty)
    uses the shared defaults; with ``"replace": true`` the keys given replace the defaults
    instead of adding to them, and an empty list then means "none"."""
    if rules in (None, ""):
        return {}
    if not isinstance(rules, dict):
        raise _error(
            "quality_rules",
            _("The quality-check rules are lists of phrases by key."),
            "quality_rules",
        )
    unknown = sorted(set(rules) - {*RULE_KEYS, "replace"})
    if unknown:
        raise _error(
            "quality_rules",
            _("Unknown quality-check rule %(keys)s: use %(allowed)s.")
            % {"keys": ", ".join(unknown), "allowed": ", ".join(RULE_KEYS)},
            "quality_rules",
        )
    replace = rules.get("replace", False)
    if not isinstance(replace, bool):
        raise _error("quality_rules", _("“replace” is true or false."), "quality_rules")
    cleaned: dict[str, Any] = {}
    for key in RULE_KEYS:
        if key not in rules:
            continue
        value = rules[key]
        if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
            raise _error(
                "quality_rules",
                _("The quality-check rule %(key)s is a list of phrases.") % {"key": key},
                "quality_rules",
            )
        phrases = list(dict.fromkeys(p.strip() for p in value if p.strip()))
        too_long = [p for p in phrases if len(p) > PHRASE_MAX_LENGTH]
        if too_long:
            raise _error(
                "quality_rules",
                _("The phrase “%(phrase)s” is longer than %(max)s characters.")
                % {"phrase": too_long[0][:20], "max": PHRASE_MAX_LENGTH},
                "quality_rules",
            )
        if phrases or replace:
            cleaned[key] = phrases
    if replace and cleaned:
        cleaned["replace"] = True
    return cleaned


def _full_clean(scenario: Scenario) -> None:
    try:
        scenario.full_clean()
    except ValidationError as exc:
        # Django's own words for the check constraint name no field: say which one.
        errors = exc.error_dict
        if NON_FIELD_ERRORS in errors and scenario.required_for_course and not scenario.course_id:
            errors.setdefault("course", []).extend(errors.pop(NON_FIELD_ERRORS))
        raise ValidationError(errors) from None


@transaction.atomic
def scenario_create(
    *,
    code: str,
    title_zh: str,
    brief_zh: str,
    rubric: Rubric,
    created_by: User | None,
    **fields: Any,
) -> Scenario:
    """A draft scenario; its turns come next, then it is published."""
    _known(fields, SCENARIO_FIELDS)
    fields["quality_rules"] = quality_rules_clean(fields.get("quality_rules"))
    scenario = Scenario(
        code=code,
        title_zh=title_zh,
        brief_zh=brief_zh,
        rubric=rubric,
        created_by=created_by,
        status=Scenario.Status.DRAFT,
        **fields,
    )
    _full_clean(scenario)
    scenario.save()
    return scenario


@transaction.atomic
def scenario_update(*, scenario: Scenario, **fields: Any) -> Scenario:
    """Change a scenario's settings. Running and graded submissions keep their rubric
    version. A published scenario may switch only to a rubric with a published version,
    and stays a role-play with turns; the kind is fixed once anyone has a submission."""
    _known(fields, SCENARIO_FIELDS)
    scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
    if "quality_rules" in fields:
        fields["quality_rules"] = quality_rules_clean(fields["quality_rules"])
    rubric = fields.get("rubric")
    kind = fields.get("kind", scenario.kind)
    if kind != scenario.kind and Submission.objects.filter(scenario=scenario).exists():
        raise _error(
            "kind",
            _("Agents have already worked on this scenario: its kind cannot change."),
            "kind",
        )
    if scenario.status == Scenario.Status.PUBLISHED:
        if (
            rubric is not None
            and rubric.pk != scenario.rubric_id
            and roleplay.rubric_current(rubric) is None
        ):
            raise _error(
                "rubric",
                _("A published scenario can only use a rubric with a published version."),
                "rubric",
            )
        if kind == Scenario.Kind.ROLEPLAY and not scenario.turns.exists():
            raise _error("kind", _("Write at least one customer turn."), "turns")
    for name, value in fields.items():
        setattr(scenario, name, value)
    _full_clean(scenario)
    if fields:
        scenario.save(update_fields=list(fields))
    return scenario


@transaction.atomic
def scenario_archive(*, scenario: Scenario) -> Scenario:
    """Nobody can start it any more; submissions and grades are kept. Publishing again
    reopens it."""
    scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
    if scenario.status != Scenario.Status.ARCHIVED:
        scenario.status = Scenario.Status.ARCHIVED
        scenario.save(update_fields=["status"])
    return scenario


def _locked_script(scenario: Scenario) -> tuple[Scenario, list[ScenarioTurn]]:
    scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
    return scenario, list(scenario.turns.order_by("order"))


def branches_clean(branches: Any, *, orders: set[int], ends: bool = False) -> list[dict]:
    """``[{"contains": ["退款", "refund"], "goto": 3}]``: each rule at least one word and
    a turn that exists (``orders``). A turn that ends the conversation has none."""
    if branches in (None, ""):
        return []
    if not isinstance(branches, list):
        raise _error("branches", _("The branches are a list of rules."), "branches")
    cleaned = []
    for number, branch in enumerate(branches, start=1):
        if not isinstance(branch, dict) or set(branch) != {"contains", "goto"}:
            raise _error(
                "branches",
                _("Branch %(n)s: give the words to look for and the turn to go to.")
                % {"n": number},
                "branches",
            )
        words = branch["contains"]
        if isinstance(words, str):
            words = [words]
        if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            raise _error(
                "branches",
                _("Branch %(n)s: the words to look for are a list.") % {"n": number},
                "branches",
            )
        words = list(dict.fromkeys(w.strip() for w in words if w.strip()))
        if not words:
            raise _error(
                "branches",
                _("Branch %(n)s: give at least one word to look for.") % {"n": number},
                "branches",
            )
        goto = branch["goto"]
        if isinstance(goto, bool) or not isinstance(goto, int):
            raise _error(
                "branches",
                _("Branch %(n)s: the turn to go to is a turn number.") % {"n": number},
                "branches",
            )
        if goto not in orders:
            raise _error(
                "branches",
                _("Branch %(n)s goes to turn %(goto)s, which does not exist.")
                % {"n": number, "goto": goto},
                "branches",
            )
        cleaned.append({"contains": words, "goto": goto})
    if cleaned and ends:
        raise _error(
            "branches",
            _("A turn that ends the conversation has no branches."),
            "branches",
        )
    return cleaned


def _check_reply_target(seconds: Any) -> None:
    if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds < 1:
        raise _error(
            "reply_target_seconds",
            _("The reply target is a whole number of seconds, at least 1."),
            "reply_target",
        )


def _check_order(order: Any, taken: set[int]) -> None:
    if isinstance(order, bool) or not isinstance(order, int) or not 1 <= order <= 32767:
        raise _error("order", _("The turn number is a whole number from 1."), "order")
    if order in taken:
        raise _error("order", _("Turn %(order)s already exists.") % {"order": order}, "order_taken")


def _check_nobody_running(scenario: Scenario) -> None:
    if Submission.objects.filter(scenario=scenario, status=Submission.Status.IN_PROGRESS).exists():
        raise _error(
            "order",
            _(
                "Agents are in the middle of this script: turns can be renumbered or removed "
                "once nobody is running it. Their wording can change now."
            ),
            "running",
        )


def _branching_to(turns: list[ScenarioTurn], order: int, *, but: ScenarioTurn) -> list[int]:
    return [
        t.order
        for t in turns
        if t.pk != but.pk and any(b.get("goto") == order for b in t.branches or [])
    ]


def _check_not_a_target(turns: list[ScenarioTurn], turn: ScenarioTurn) -> None:
    sources = _branching_to(turns, turn.order, but=turn)
    if sources:
        raise _error(
            "order",
            _("Turns %(turns)s branch to this turn: change their branches first.")
            % {"turns": ", ".join(str(o) for o in sources)},
            "branch_target",
        )


@transaction.atomic
def scenario_turn_add(
    *,
    scenario: Scenario,
    text_zh: str,
    text_en: str = "",
    order: int | None = None,
    reply_target_seconds: int = 60,
    branches: Any = None,
    ends: bool = False,
) -> ScenarioTurn:
    """A customer message at ``order`` (the next number when none is given)."""
    scenario, turns = _locked_script(scenario)
    if scenario.kind == Scenario.Kind.CASE_REVIEW:
        raise ValidationError(
            _("A real-case review has no scripted customer turns."), code="case_review"
        )
    taken = {t.order for t in turns}
    if order is None:
        order = max(taken, default=0) + 1
    _check_order(order, taken)
    _check_reply_target(reply_target_seconds)
    turn = ScenarioTurn(
        scenario=scenario,
        order=order,
        text_zh=text_zh,
        text_en=text_en,
        reply_target_seconds=reply_target_seconds,
        branches=branches_clean(branches, orders=taken | {order}, ends=ends),
        ends=ends,
    )
    turn.full_clean()
    turn.save()
    return turn


@transaction.atomic
def scenario_turn_update(*, turn: ScenarioTurn, **fields: Any) -> ScenarioTurn:
    """Change a customer message. Its wording may change any time (an exchange already
    shown keeps the words it showed); its number only when no branch points at it and
    nobody is running the script."""
    _known(fields, TURN_FIELDS)
    scenario, turns = _locked_script(turn.scenario)
    try:
        turn = next(t for t in turns if t.pk == turn.pk)
    except StopIteration:
        raise ValidationError(_("This turn no longer exists."), code="gone") from None
    others = {t.order for t in turns if t.pk != turn.pk}
    order = fields.get("order", turn.order)
    if order != turn.order:
        _check_order(order, others)
        _check_not_a_target(turns, turn)
        _check_nobody_running(scenario)
    if "reply_target_seconds" in fields:
        _check_reply_target(fields["reply_target_seconds"])
    ends = fields.get("ends", turn.ends)
    if "branches" in fields or "ends" in fields or order != turn.order:
        fields["branches"] = branches_clean(
            fields.get("branches", turn.branches), orders=others | {order}, ends=ends
        )
    for name, value in fields.items():
        setattr(turn, name, value)
    turn.full_clean()
    if fields:
        turn.save(update_fields=list(fields))
    return turn


@transaction.atomic
def scenario_turn_delete(*, turn: ScenarioTurn) -> None:
    """Remove a customer message: not while agents run the script, not while a branch
    goes to it, and never the last one of a published role-play."""
    scenario, turns = _locked_script(turn.scenario)
    turn = next((t for t in turns if t.pk == turn.pk), None)
    if turn is None:
        return
    _check_not_a_target(turns, turn)
    _check_nobody_running(scenario)
    if (
        scenario.status == Scenario.Status.PUBLISHED
        and scenario.kind == Scenario.Kind.ROLEPLAY
        and len(turns) == 1
    ):
        raise ValidationError(
            _("A published role-play keeps at least one customer turn."), code="last_turn"
        )
    turn.delete()


# --- Reads shared by the authoring pages and the API ---------------------------------


def _per(model_queryset: QuerySet, field: str) -> Coalesce:
    """A count per outer row as a subquery, so that several counts never multiply."""
    counted = (
        model_queryset.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _version_number(published: bool) -> Subquery:
    return Subquery(
        RubricVersion.objects.filter(rubric=OuterRef("pk"), is_published=published)
        .order_by("-number")
        .values("number")[:1],
        output_field=IntegerField(),
    )


def rubrics_annotated() -> QuerySet[Rubric]:
    """Rubrics with ``versions_count``, ``published_number`` (latest published),
    ``latest_number``, ``scenarios_count`` and ``submissions_count``: one query."""
    latest = Subquery(
        RubricVersion.objects.filter(rubric=OuterRef("pk"))
        .order_by("-number")
        .values("number")[:1],
        output_field=IntegerField(),
    )
    return Rubric.objects.annotate(
        versions_count=_per(RubricVersion.objects.all(), "rubric"),
        published_number=_version_number(True),
        latest_number=latest,
        scenarios_count=_per(Scenario.objects.all(), "rubric"),
        submissions_count=_per(Submission.objects.all(), "rubric_version__rubric"),
    ).order_by("code")


def rubrics_for_authoring(*, page_number: int | str = 1) -> Page:
    """Every rubric with its version numbers and use counts. Two queries."""
    return Paginator(rubrics_annotated(), AUTHORING_PAGE_SIZE).get_page(page_number)


def criteria_of(version_ids: Iterable[int]) -> dict[int, list[Criterion]]:
    """The criteria of these versions in order, with competency and levels
    (``criterion.level_list``), by version id. Two queries, none when no id."""
    ids = [pk for pk in version_ids if pk]
    by_version: dict[int, list[Criterion]] = {pk: [] for pk in ids}
    if not ids:
        return by_version
    criteria = (
        Criterion.objects.filter(version_id__in=ids)
        .select_related("competency")
        .prefetch_related(
            Prefetch(
                "levels",
                queryset=CriterionLevel.objects.order_by("order", "points"),
                to_attr="level_list",
            )
        )
        .order_by("order", "id")
    )
    for criterion in criteria:
        by_version[criterion.version_id].append(criterion)
    return by_version


@dataclass
class RubricPage:
    rubric: Rubric
    versions: list[RubricVersion]  # newest first, with criteria_count, submissions_count
    draft: RubricVersion | None
    current: RubricVersion | None  # the latest published
    shown: RubricVersion | None  # the version displayed: asked for, else draft, else current
    criteria: list[Criterion]

    @property
    def total_weight(self) -> int:
        return sum(c.weight for c in self.criteria)

    @property
    def editable(self) -> bool:
        return self.shown is not None and not self.shown.is_published


def rubric_page(rubric: Rubric, *, version_number: int | None = None) -> RubricPage:
    """A rubric's versions and one version's criteria. Three queries."""
    versions = list(
        rubric.versions.annotate(
            criteria_count=_per(Criterion.objects.all(), "version"),
            submissions_count=_per(Submission.objects.all(), "rubric_version"),
        ).order_by("-number")
    )
    draft = versions[0] if versions and not versions[0].is_published else None
    current = next((v for v in versions if v.is_published), None)
    shown = next((v for v in versions if v.number == version_number), None) or draft or current
    criteria = criteria_of([shown.pk]).get(shown.pk, []) if shown else []
    return RubricPage(rubric, versions, draft, current, shown, criteria)


def scenarios_for_authoring(
    *, status: str = "", kind: str = "", page_number: int | str = 1
) -> Page:
    """Every scenario with its rubric, course, turn and submission counts. Two queries."""
    scenarios = (
        Scenario.objects.select_related("rubric", "course")
        .annotate(
            turns_count=_per(ScenarioTurn.objects.all(), "scenario"),
            submissions_count=_per(Submission.objects.all(), "scenario"),
        )
        .order_by("code")
    )
    if status:
        scenarios = scenarios.filter(status=status)
    if kind:
        scenarios = scenarios.filter(kind=kind)
    return Paginator(scenarios, AUTHORING_PAGE_SIZE).get_page(page_number)


def scenario_for_authoring(pk: int) -> Scenario:
    """One scenario with its rubric (``published_number``) and course; its turns in order
    as ``turn_list``. Two queries; raises Scenario.DoesNotExist."""
    scenario = (
        Scenario.objects.select_related("course")
        .prefetch_related(
            Prefetch("rubric", queryset=rubrics_annotated()),
            Prefetch("turns", queryset=ScenarioTurn.objects.order_by("order"), to_attr="turn_list"),
        )
        .get(pk=pk)
    )
    return scenario


def scenario_problems(scenario: Scenario) -> list[str]:
    """What stops the scenario being published, from ``scenario_for_authoring``'s data."""
    problems = []
    if scenario.rubric.published_number is None:
        problems.append(_("Publish the rubric first."))
    if scenario.kind == Scenario.Kind.ROLEPLAY and not scenario.turn_list:
        problems.append(_("Write at least one customer turn."))
    return problems


def quality_defaults() -> dict[str, list[str]]:
    return {key: list(DEFAULT_RULES[key]) for key in RULE_KEYS}


def rubrics_visible_to(user: User) -> QuerySet[Rubric]:
    """Who may read a rubric (the API):

    - authors (trainers, HR, admin) read every rubric, drafts included;
    - mentors, who grade with rubrics, read every rubric's published versions;
    - everyone else signed in (agents, team leads) reads the published version of a
      rubric that a published scenario uses: agents see how they will be graded.

    Drafts are for authors only (``can_see_drafts``).
    """
    if not user.is_authenticated:
        return Rubric.objects.none()
    if can_author(user) or user.has_role(Role.MENTOR):
        return Rubric.objects.all()
    in_use = Scenario.objects.filter(status=Scenario.Status.PUBLISHED).values("rubric_id")
    return Rubric.objects.filter(Q(pk__in=in_use))


def can_see_drafts(user: User) -> bool:
    return can_author(user)
