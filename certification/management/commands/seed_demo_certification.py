"""Demo programs, certificates, points, honours and the career ladder for 云裳优品.

Run by ``seed_demo`` after people, courses and assessments exist (or on its own later).
Idempotent: programs, rules, honours and levels are keyed by code; the demo certificates
of a program are made only while it has none; points use the ledger's idempotency keys.
What exists is skipped, never updated: a second run creates nothing.

Past events are dated by passing ``now=`` to the services: a certificate issued eleven
months ago is "expiring soon" today, one issued thirteen months ago has expired. PDFs are
rendered here, synchronously, so that the demo's certificates all have their file.
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Min
from django.test.utils import override_settings
from django.utils import timezone

from assessments.models import AssessmentPlan, Attempt, Quiz, Scenario, Submission
from certification import demo_content as content
from certification import issuing
from certification.eligibility import eligibility
from certification.models import (
    CareerLevel,
    CareerStatus,
    Certificate,
    CertificateTemplate,
    Honour,
    HonourType,
    PointRule,
    PointsEntry,
    Program,
    ProgramKind,
    Promotion,
    Requirement,
)
from certification.pdf import DEFAULT_CSS, DEFAULT_HTML
from certification.points import honour_award, points_award, points_correct
from certification.reports.monthly import monthly_report_due
from courses.models import Course, Enrolment
from lms.kpi_demo import seed_kpi_demo
from lms.models import Competency, PositionProfile, Role, User

COUNTED = [Program, Requirement, Certificate, PointsEntry, Honour, CareerLevel, Promotion]
DAY = datetime.timedelta(days=1)
# The soft-skill training whose effect the demo's service KPIs show.
TRAINING_COURSES = ["complaint-deescalation-201", "empathy-listening-101"]
CORRECTION_NOTE = "补录：线下带教课签到漏记 Missed sign-in for an on-site coaching session"


def _counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in COUNTED}


class Command(BaseCommand):
    help = "Create the idempotent demo programs, certificates, points and ladder. DEBUG only."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Run even though DEBUG is False.")

    def handle(self, *args, force: bool = False, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo_certification issues demo certificates to demo users and refuses "
                "to run with DEBUG=False. Pass --force if this really is a demo installation."
            )
        before = _counts()
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
            transaction.atomic(),
        ):
            self._seed()
        after = _counts()
        summary = ", ".join(
            f"{name} {count} ({count - before[name]:+d})" for name, count in after.items()
        )
        self.stdout.write(f"Demo certification: {summary}")

    def _seed(self) -> None:
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.hr = User.objects.filter(username="hr").first()
        if self.hr is None:
            raise CommandError("The demo user 'hr' is missing: run `manage.py seed_demo` first.")
        self.agents = list(
            User.objects.filter(is_active=True, groups__name=Role.AGENT)
            .select_related("position")
            .order_by("username")
            .distinct()
        )
        self._rules_and_honour_types()
        self._templates()
        programs = self._programs()
        seed_kpi_demo(improved=self._training_dates(), today=self.today, stdout=self.stdout)
        self._points_backfill()
        levels = self._ladder()
        for person in self.agents:
            for certificate in issuing.automatic_issue(person=person):
                issuing.certificate_render(certificate_id=certificate.pk)
        self._approval_certificates(programs)
        issuing.certificates_expire(today=self.today)
        issuing.expiry_reminders_send(today=self.today)
        self._honours_and_correction()
        self._promotion_history(levels)
        # What beat makes on the 1st: last month's report is there when HR first looks.
        monthly_report_due(today=self.today)

    # --- reference data ----------------------------------------------------------------

    def _rules_and_honour_types(self) -> None:
        for event, points in content.POINT_RULES.items():
            PointRule.objects.get_or_create(event=event, defaults={"points": points})
        for code, zh, en, points in content.HONOURS:
            HonourType.objects.get_or_create(
                code=code, defaults={"name_zh": zh, "name_en": en, "points": points}
            )

    def _templates(self) -> None:
        for kind in ProgramKind:
            if not CertificateTemplate.objects.filter(kind=kind).exists():
                CertificateTemplate.objects.create(
                    kind=kind,
                    name=f"{kind.value} · 默认 default",
                    html=DEFAULT_HTML,
                    css=DEFAULT_CSS,
                    is_default=True,
                    updated_by=self.hr,
                )

    def _targets(self, spec: content.ProgramSpec) -> dict | None:
        models = {
            "course": Course,
            "quiz": Quiz,
            "roleplay": Scenario,
            "plan": AssessmentPlan,
            "competency": Competency,
        }
        found = {}
        for kind, code, _minimum in spec.requirements:
            target = models[kind].objects.filter(code=code).first()
            if target is None:
                self.stdout.write(f"  (program {spec.code} skipped: {kind} {code} is missing)")
                return None
            found[code] = target
        return found

    def _programs(self) -> dict[str, Program]:
        programs = {
            p.code: p for p in Program.objects.filter(code__in=[s.code for s in content.PROGRAMS])
        }
        for spec in content.PROGRAMS:
            if spec.code in programs:
                continue
            targets = self._targets(spec)
            if targets is None:
                continue
            program = Program.objects.create(
                code=spec.code,
                kind=spec.kind,
                title_zh=spec.title_zh,
                title_en=spec.title_en,
                level=spec.level,
                validity_months=spec.validity_months,
                issue_mode=spec.issue_mode,
                points_awarded=spec.points,
                min_points=spec.min_points,
                tag_zh=spec.tag_zh,
                tag_en=spec.tag_en,
                description_zh=spec.description_zh,
                refresher_course=Course.objects.filter(code=spec.refresher).first()
                if spec.refresher
                else None,
            )
            for kind, code, minimum in spec.requirements:
                field = "scenario" if kind == "roleplay" else kind
                Requirement.objects.create(
                    program=program, kind=kind, minimum=minimum, **{field: targets[code]}
                )
            programs[spec.code] = program
        return programs

    # --- service KPIs --------------------------------------------------------------------

    def _training_dates(self) -> dict[int, datetime.date]:
        """The demo's soft-skill courses were all completed "now" by the course demo; spread
        those completions over five to eight weeks ago (once: rows already in the past are
        left alone), so that the KPIs have weeks before and after the training to compare.
        Returns each trained agent's first completion date."""
        recent = Enrolment.objects.filter(
            course__code__in=TRAINING_COURSES,
            status=Enrolment.Status.COMPLETED,
            completed_at__gte=self.now - 2 * DAY,
        ).order_by("pk")
        for index, enrolment in enumerate(recent):
            Enrolment.objects.filter(pk=enrolment.pk).update(
                completed_at=self.now - (35 + (index * 5) % 22) * DAY
            )
        firsts = (
            Enrolment.objects.filter(
                course__code__in=TRAINING_COURSES, status=Enrolment.Status.COMPLETED
            )
            .values("agent_id")
            .annotate(at=Min("completed_at"))
        )
        return {row["agent_id"]: timezone.localdate(row["at"]) for row in firsts}

    # --- points --------------------------------------------------------------------------

    def _points_backfill(self) -> None:
        """Award the rules' points for the demo history made before the rules existed,
        under the same keys the live signals use (so nothing counts twice)."""
        rules = dict(PointRule.objects.filter(is_active=True).values_list("event", "points"))
        people = {p.pk: p for p in self.agents}
        completions = (
            Enrolment.objects.filter(agent_id__in=people, status=Enrolment.Status.COMPLETED)
            .values("agent_id", "course_id")
            .annotate(at=Min("completed_at"))
        )
        for row in completions:
            points_award(
                person=people[row["agent_id"]],
                amount=rules.get("course", 0),
                reason=PointsEntry.Reason.COURSE,
                source_type="courses.course",
                source_id=row["course_id"],
                at=row["at"],
            )
        passes = (
            Attempt.objects.filter(agent_id__in=people, passed=True)
            .values("agent_id", "quiz_id")
            .annotate(at=Min("submitted_at"))
        )
        for row in passes:
            points_award(
                person=people[row["agent_id"]],
                amount=rules.get("quiz", 0),
                reason=PointsEntry.Reason.QUIZ,
                source_type="assessments.quiz",
                source_id=row["quiz_id"],
                at=row["at"],
            )
        graded = (
            Submission.objects.filter(agent_id__in=people, passed=True)
            .values("agent_id", "scenario_id", "scenario__kind")
            .annotate(at=Min("graded_at"))
        )
        for row in graded:
            case = row["scenario__kind"] == Scenario.Kind.CASE_REVIEW
            points_award(
                person=people[row["agent_id"]],
                amount=rules.get("case_review" if case else "roleplay", 0),
                reason=PointsEntry.Reason.CASE_REVIEW if case else PointsEntry.Reason.ROLEPLAY,
                source_type="assessments.scenario",
                source_id=row["scenario_id"],
                at=row["at"],
            )

    def _honours_and_correction(self) -> None:
        last_month = (self.today.replace(day=1) - DAY).replace(day=1)
        picks = [("service-star", "agent"), ("problem-solver", "zhang.haoran")]
        types = {t.code: t for t in HonourType.objects.all()}
        by_name = {p.username: p for p in self.agents}
        for code, username in picks:
            person = by_name.get(username)
            if (
                person is None
                or Honour.objects.filter(
                    honour_type=types[code], person=person, month=last_month
                ).exists()
            ):
                continue
            honour_award(
                honour_type=types[code],
                person=person,
                month=last_month,
                awarded_by=self.hr,
                note="顾客来信表扬，耐心解决尺码换货问题。"
                if code == "service-star"
                else "独立排查并解决了物流丢件的批量问题。",
            )
        person = by_name.get("agent")
        if person and not PointsEntry.objects.filter(person=person, note=CORRECTION_NOTE).exists():
            points_correct(person=person, amount=20, note=CORRECTION_NOTE, created_by=self.hr)

    # --- certificates ----------------------------------------------------------------------

    def _issue(self, program: Program, person: User, when: datetime.datetime) -> Certificate:
        certificate, _created = issuing.certificate_issue(
            program=program, holder=person, issued_by=self.hr, now=when
        )
        certificate = issuing.certificate_render(certificate_id=certificate.pk)
        # The render stamps the moment it ran; a backdated demo certificate was issued on
        # its first valid day, as the register and the verification page then show.
        Certificate.objects.filter(pk=certificate.pk).update(issued_at=when)
        certificate.issued_at = when
        return certificate

    def _approval_certificates(self, programs: dict[str, Program]) -> None:
        """Every state on show: valid, expiring soon, expired, revoked, and a renewal that
        superseded its predecessor. Made once per program."""
        for code in ("returns-skill", "service-quality"):
            program = programs.get(code)
            if program is None or program.certificates.exists():
                continue
            eligible = [e.person for e in eligibility(program, self.agents) if e.eligible]
            plan = ["valid", "expiring", "revoked", "expired", "renewed"]
            if code == "service-quality":
                plan = ["valid", "valid", "expiring"]
            for person, state in zip(eligible, plan, strict=False):
                if state == "valid":
                    self._issue(program, person, self.now - 20 * DAY)
                elif state == "expiring":
                    months = program.validity_months or 12
                    self._issue(program, person, self.now - (months * 30 - 25) * DAY)
                elif state == "expired":
                    months = program.validity_months or 12
                    self._issue(program, person, self.now - (months * 30 + 40) * DAY)
                elif state == "revoked":
                    certificate = self._issue(program, person, self.now - 60 * DAY)
                    issuing.certificate_revoke(
                        certificate=certificate,
                        by=self.hr,
                        reason="考核记录经复查存在代答，证书撤销。The assessment was found to have "
                        "been taken by someone else.",
                    )
                elif state == "renewed":
                    months = program.validity_months or 12
                    self._issue(program, person, self.now - (months * 30 - 20) * DAY)
                    self._issue(program, person, self.now - 2 * DAY)

    # --- ladder ----------------------------------------------------------------------------

    def _ladder(self) -> dict[str, CareerLevel]:
        levels = {level.code: level for level in CareerLevel.objects.all()}
        profiles = {p.code: p for p in PositionProfile.objects.all()}
        programs = {p.code: p for p in Program.objects.all()}
        for code, rank, zh, en, points, months, profile, required in content.LEVELS:
            if code in levels:
                continue
            level = CareerLevel.objects.create(
                code=code,
                rank=rank,
                name_zh=zh,
                name_en=en,
                min_points=points,
                min_tenure_months=months,
                profile=profiles.get(profile) if profile else None,
            )
            level.programs.set([programs[c] for c in required if c in programs])
            levels[code] = level
        holding = set(CareerStatus.objects.values_list("person_id", flat=True))
        CareerStatus.objects.bulk_create(
            CareerStatus(
                person=person,
                level=levels[
                    "intermediate"
                    if person.position and person.position.code == "senior-agent"
                    else "junior"
                ],
                since=person.hire_date or self.today,
            )
            for person in self.agents
            if person.pk not in holding
        )
        return levels

    def _promotion_history(self, levels: dict[str, CareerLevel]) -> None:
        """One past decision each way, so that the board has history to show."""
        if Promotion.objects.exists():
            return
        seniors = [p for p in self.agents if p.position and p.position.code == "senior-agent"]
        juniors = [p for p in self.agents if not p.position or p.position.code != "senior-agent"]
        if seniors:
            person = seniors[0]
            Promotion.objects.create(
                person=person,
                from_level=levels["junior"],
                to_level=levels["intermediate"],
                status=Promotion.Status.APPROVED,
                note="上岗满半年，考核与认证齐全。",
                evidence={"points": None, "note": "demo history"},
                decided_by=self.hr,
                decided_at=self.now - 120 * DAY,
            )
        if juniors:
            Promotion.objects.create(
                person=juniors[-1],
                from_level=levels["junior"],
                to_level=levels["intermediate"],
                status=Promotion.Status.REJECTED,
                note="积分已够，但客诉处理仍需导师带教一个月后再评。",
                evidence={"note": "demo history"},
                decided_by=self.hr,
                decided_at=self.now - 30 * DAY,
            )
