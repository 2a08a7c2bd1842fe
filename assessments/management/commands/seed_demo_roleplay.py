"""Demo rubrics, role-play scenarios and submissions for the fictional shop 云裳优品.

Run by ``seed_demo_assessments`` (so by ``seed_demo``) or on its own afterwards. Every
write goes through ``assessments.roleplay``. Idempotent: rubrics and scenarios are keyed
by code, and a plan's submission is made only while its agent has none for the scenario.
What exists is skipped, never updated: a second run creates nothing.

Past work is dated "days ago" by passing ``now=`` to the services, so that reply times,
grading deadlines and the evidence a grade records all lie in the past. The quality
check runs by itself when a role-play is handed in (a task, eager in the demo).
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from assessments import roleplay
from assessments import roleplay_demo_content as content
from assessments.dispute_demo import seed_dispute_demo
from assessments.live_demo import seed_live_demo
from assessments.models import (
    Criterion,
    CriterionLevel,
    CriterionScore,
    Grade,
    Rubric,
    RubricVersion,
    Scenario,
    ScenarioTurn,
    Submission,
    SubmissionTurn,
)
from assessments.plan_demo import seed_plan_demo
from lms.models import Competency, Evidence, User

COUNTED = [
    Rubric,
    RubricVersion,
    Criterion,
    CriterionLevel,
    Scenario,
    ScenarioTurn,
    Submission,
    SubmissionTurn,
    Grade,
    CriterionScore,
]
MINUTE = datetime.timedelta(minutes=1)
DAY = datetime.timedelta(days=1)


def _counts() -> dict[str, int]:
    counts = {model.__name__: model._default_manager.count() for model in COUNTED}
    counts["Evidence from role-plays"] = Evidence.objects.filter(
        source__in=[Evidence.Source.ROLEPLAY, Evidence.Source.CASE_REVIEW],
        source_ref__startswith="grade:",
    ).count()
    return counts


class Command(BaseCommand):
    help = "Create the idempotent demo rubrics, role-play scenarios and submissions. DEBUG only."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Run even though DEBUG is False.")

    def handle(self, *args, force: bool = False, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo_roleplay writes demo role-play submissions for demo users and "
                "refuses to run with DEBUG=False. Pass --force if this really is a demo "
                "installation."
            )
        before = _counts()
        # A passed required scenario can complete a course, which notifies by e-mail.
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
            transaction.atomic(),
        ):
            self._seed()
        after = _counts()
        summary = ", ".join(
            f"{name} {count} ({count - before[name]:+d})" for name, count in after.items()
        )
        self.stdout.write(f"Demo role-play: {summary}")

    def _seed(self) -> None:
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        usernames = {"trainer"} | {p.agent for p in content.PLANS}
        usernames |= {p.grader for p in content.PLANS} | {
            p.second_grader for p in content.PLANS if p.second_grader
        }
        self.users = {
            u.username: u for u in User.objects.filter(username__in=usernames, is_active=True)
        }
        if "trainer" not in self.users:
            raise CommandError(
                "The demo user 'trainer' is missing: run `manage.py seed_demo` first."
            )
        codes = {c.competency for r in content.RUBRICS for c in r.criteria}
        self.competencies = {c.code: c for c in Competency.objects.filter(code__in=codes)}
        missing = codes - set(self.competencies)
        if missing:
            raise CommandError(
                f"Competencies {sorted(missing)} are missing: run `manage.py seed_demo` first."
            )
        rubrics = self._seed_rubrics()
        scenarios = self._seed_scenarios(rubrics)
        self._seed_submissions(scenarios)
        seed_live_demo(stdout=self.stdout)
        seed_plan_demo(stdout=self.stdout)
        seed_dispute_demo(stdout=self.stdout)

    # --- rubrics and scenarios -------------------------------------------------------

    def _seed_rubrics(self) -> dict[str, Rubric]:
        rubrics = {
            r.code: r for r in Rubric.objects.filter(code__in=[r.code for r in content.RUBRICS])
        }
        for spec in content.RUBRICS:
            if spec.code in rubrics:
                continue
            rubric = roleplay.rubric_create(
                code=spec.code,
                title_zh=spec.title_zh,
                title_en=spec.title_en,
                pass_mark=spec.pass_mark,
                created_by=self.users["trainer"],
            )
            version = roleplay.rubric_draft(rubric=rubric)
            for criterion in spec.criteria:
                roleplay.criterion_add(
                    version=version,
                    title_zh=criterion.title_zh,
                    title_en=criterion.title_en,
                    competency=self.competencies[criterion.competency],
                    weight=criterion.weight,
                    critical=criterion.critical,
                    levels=list(criterion.levels),
                )
            roleplay.rubric_publish(version=version)
            rubrics[spec.code] = rubric
        return rubrics

    def _seed_scenarios(self, rubrics: dict[str, Rubric]) -> dict[str, Scenario]:
        scenarios = {
            s.code: s for s in Scenario.objects.filter(code__in=[s.code for s in content.SCENARIOS])
        }
        for spec in content.SCENARIOS:
            if spec.code in scenarios:
                continue
            rules = {}
            if spec.required:
                rules["required"] = list(spec.required)
            if spec.forbidden:
                rules["forbidden"] = list(spec.forbidden)
            scenario = Scenario(
                code=spec.code,
                kind=spec.kind,
                channel=spec.channel,
                title_zh=spec.title_zh,
                title_en=spec.title_en,
                brief_zh=spec.brief_zh,
                brief_en=spec.brief_en,
                persona_zh=spec.persona_zh,
                emotion=spec.emotion,
                level=spec.level,
                rubric=rubrics[spec.rubric],
                quality_rules=rules,
                grading_hours=spec.grading_hours,
                created_by=self.users["trainer"],
            )
            scenario.full_clean()
            scenario.save()
            for order, turn in enumerate(spec.turns, start=1):
                row = ScenarioTurn(
                    scenario=scenario,
                    order=order,
                    text_zh=turn.text_zh,
                    text_en=turn.text_en,
                    reply_target_seconds=turn.reply_target_seconds,
                    branches=list(turn.branches),
                    ends=turn.ends,
                )
                row.full_clean()
                row.save()
            scenarios[spec.code] = roleplay.scenario_publish(scenario=scenario)
        return scenarios

    # --- submissions -----------------------------------------------------------------

    def _seed_submissions(self, scenarios: dict[str, Scenario]) -> None:
        done = set(
            Submission.objects.filter(scenario__in=scenarios.values()).values_list(
                "agent__username", "scenario__code"
            )
        )
        for plan in content.PLANS:
            agent = self.users.get(plan.agent)
            grader = self.users.get(plan.grader)
            if agent is None or grader is None or (plan.agent, plan.scenario) in done:
                continue
            self._submission(plan, scenarios[plan.scenario], agent, grader)

    def _started(self, agent: User, days_ago: int) -> datetime.datetime:
        """When the plan's work began: ``days_ago`` days back at 10:00 (or 40 minutes ago
        for work still open), never before the agent was hired."""
        if days_ago == 0:
            return self.now - 40 * MINUTE
        if agent.hire_date is not None:
            days_ago = max(min(days_ago, (self.today - agent.hire_date).days), 2)
        day = self.today - datetime.timedelta(days=days_ago)
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))

    def _submission(self, plan, scenario: Scenario, agent: User, grader: User) -> None:
        at = self._started(agent, plan.days_ago)
        submission = roleplay.submission_start(scenario=scenario, agent=agent, now=at)
        if scenario.kind == Scenario.Kind.ROLEPLAY:
            for reply, seconds in zip(plan.replies, plan.latencies, strict=True):
                at += datetime.timedelta(seconds=seconds)
                if roleplay.turn_reply(submission=submission, reply=reply, now=at) is None:
                    break
        if plan.state == Submission.Status.IN_PROGRESS:
            return
        at += 3 * MINUTE
        roleplay.submission_submit(submission=submission, case_text=plan.case_text or None, now=at)
        if plan.state == Submission.Status.SUBMITTED:
            return
        if plan.second_grader and plan.second_grader in self.users:
            second = roleplay.grade_start(
                submission=submission,
                grader=self.users[plan.second_grader],
                role=Grade.Role.SECOND,
            )
            self._mark(second, "good")
            roleplay.grade_finalise(
                grade=second, feedback="第二评分：整体达标。", now=min(at + DAY / 2, self.now)
            )
        grade = roleplay.grade_start(submission=submission, grader=grader)
        if plan.state == Submission.Status.RETURNED:
            roleplay.submission_return(grade=grade, comment=plan.feedback)
            return
        if plan.state == Submission.Status.IN_REVIEW:
            # A draft: the first criteria scored, the rest still to do.
            self._mark(grade, plan.marks, only=2)
            return
        self._mark(grade, plan.marks)
        roleplay.grade_finalise(grade=grade, feedback=plan.feedback, now=min(at + DAY, self.now))

    def _mark(self, grade: Grade, marks: str, only: int | None = None) -> None:
        criteria = list(
            Criterion.objects.filter(version_id=grade.submission.rubric_version_id)
            .prefetch_related("levels")
            .order_by("order")
        )
        for criterion in criteria[:only]:
            levels = sorted(criterion.levels.all(), key=lambda lv: lv.points)
            if marks == "top":
                level = levels[-1]
            elif marks == "weak":
                level = levels[1]
            elif marks == "fail_critical" and criterion.critical:
                level = levels[0]
            else:
                level = levels[-2]
            roleplay.grade_score_set(grade=grade, criterion=criterion, level=level)
