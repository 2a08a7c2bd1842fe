"""Demo question banks, quizzes and attempts for the fictional shop 云裳优品.

Run by ``seed_demo`` after the people and courses exist (or on its own afterwards).
Every write goes through ``assessments.services``. Idempotent: banks and quizzes are
keyed by code, questions by bank and Chinese text, and an agent's sittings of a quiz are
seeded only while that agent has no attempt at it. What exists is skipped, never
updated: a second run creates nothing.

Past sittings are taken "days ago" by passing ``now=`` to the services, so that their
deadlines, submission times and the evidence a pass records all lie in the past. The
answers are drawn with ``random.Random(2026)`` in a fixed order, whatever is already in
the database; which questions a random-draw quiz puts on the paper is the service's own
draw and differs between fresh databases.
"""

import datetime
import random

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from assessments import demo_content as content
from assessments import services
from assessments.models import Answer, Attempt, Option, Question, QuestionBank, Quiz
from courses.models import Course
from lms.models import Competency, Evidence, User

COUNTED = [QuestionBank, Question, Option, Quiz, Attempt, Answer]
EASE = {1: 1.0, 2: 0.8, 3: 0.6}  # how readily a question is answered right, by difficulty
SECONDS_PER_QUESTION = 55


def _counts() -> dict[str, int]:
    counts = {model.__name__: model._default_manager.count() for model in COUNTED}
    counts["Evidence from quizzes"] = Evidence.objects.filter(
        source=Evidence.Source.QUIZ, source_ref__startswith="quiz-attempt:"
    ).count()
    return counts


class Command(BaseCommand):
    help = "Create the idempotent demo question banks, quizzes and attempts. DEBUG only."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Run even though DEBUG is False.")

    def handle(self, *args, force: bool = False, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo_assessments writes demo quiz attempts for demo users and refuses "
                "to run with DEBUG=False. Pass --force if this really is a demo installation."
            )
        before = _counts()
        # A passed required quiz can complete a course, which notifies by e-mail: keep
        # those demo e-mails in memory instead of printing them into the start-up output.
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
            transaction.atomic(),
        ):
            self._seed()
        after = _counts()
        summary = ", ".join(
            f"{name} {count} ({count - before[name]:+d})" for name, count in after.items()
        )
        self.stdout.write(f"Demo assessments: {summary}")
        call_command("seed_demo_roleplay", stdout=self.stdout, force=force)

    # --- reference data --------------------------------------------------------------

    def _seed(self) -> None:
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        usernames = {"trainer", *(plan.username for plan in content.ATTEMPTS)}
        usernames |= {username for username, _quiz, _n in content.OPEN_ATTEMPTS}
        self.users = {
            u.username: u for u in User.objects.filter(username__in=usernames, is_active=True)
        }
        if "trainer" not in self.users:
            raise CommandError(
                "The demo user 'trainer' is missing: run `manage.py seed_demo` first."
            )
        self.trainer = self.users["trainer"]
        codes = {q.competency for bank in content.BANKS for q in bank.questions}
        codes |= {quiz.competency for quiz in content.QUIZZES if quiz.competency}
        codes |= {d.competency for quiz in content.QUIZZES for d in quiz.draws if d.competency}
        self.competencies = {c.code: c for c in Competency.objects.filter(code__in=codes)}
        missing = codes - set(self.competencies)
        if missing:
            raise CommandError(
                f"Competencies {sorted(missing)} are missing: run `manage.py seed_demo` first."
            )

        banks, questions = self._seed_banks()
        quizzes = self._seed_quizzes(banks, questions)
        # Which content a drawn question came from: for the demo answers' traps and ease.
        self.spec_of = {
            questions[spec.key].pk: spec for bank in content.BANKS for spec in bank.questions
        }
        self._seed_attempts(quizzes)

    # --- banks and questions ---------------------------------------------------------

    def _seed_banks(self) -> tuple[dict[str, QuestionBank], dict[str, Question]]:
        existing = {
            b.code: b for b in QuestionBank.objects.filter(code__in=[b.code for b in content.BANKS])
        }
        banks: dict[str, QuestionBank] = {}
        questions: dict[str, Question] = {}
        for item in content.BANKS:
            bank = existing.get(item.code) or services.bank_create(
                code=item.code,
                title_zh=item.title_zh,
                title_en=item.title_en,
                description=item.description,
                created_by=self.trainer,
            )
            banks[item.code] = bank
            by_text = {q.text_zh: q for q in bank.questions.all()}
            for spec in item.questions:
                question = by_text.get(spec.text_zh)
                if question is None:
                    question = services.question_create(
                        bank=bank,
                        kind=spec.kind,
                        text_zh=spec.text_zh,
                        text_en=spec.text_en,
                        options=(
                            services.true_false_options(bool(spec.answer))
                            if spec.kind == Question.Kind.TRUE_FALSE
                            else list(spec.options)
                        ),
                        explanation_zh=spec.explanation_zh,
                        competency=self.competencies[spec.competency],
                        level=spec.level,
                        difficulty=spec.difficulty,
                        created_by=self.trainer,
                    )
                questions[spec.key] = question
        return banks, questions

    # --- quizzes ---------------------------------------------------------------------

    def _seed_quizzes(
        self, banks: dict[str, QuestionBank], questions: dict[str, Question]
    ) -> dict[str, Quiz]:
        quizzes = {
            q.code: q for q in Quiz.objects.filter(code__in=[q.code for q in content.QUIZZES])
        }
        for item in content.QUIZZES:
            if item.code in quizzes:
                continue
            course = None
            if item.course:
                course = Course.objects.filter(code=item.course).first()
                if course is None:
                    raise CommandError(
                        f"The demo course {item.course!r} is missing: run `manage.py seed_demo`."
                    )
            quiz = services.quiz_create(
                code=item.code,
                title_zh=item.title_zh,
                title_en=item.title_en,
                description_zh=item.description_zh,
                description_en=item.description_en,
                mode=item.mode,
                pass_mark=item.pass_mark,
                time_limit_minutes=item.time_limit_minutes,
                attempt_limit=item.attempt_limit,
                competency=self.competencies[item.competency] if item.competency else None,
                level=item.level,
                course=course,
                required_for_course=item.required_for_course,
                shuffle_questions=item.shuffle_questions,
                shuffle_options=item.shuffle_options,
                one_per_page=item.one_per_page,
                partial_credit=item.partial_credit,
                created_by=self.trainer,
            )
            placed = [(questions[key], marks, None) for key, marks in item.items]
            for order, section_spec in enumerate(item.sections, start=1):
                section = services.quiz_section_save(
                    quiz=quiz,
                    title_zh=section_spec.title_zh,
                    title_en=section_spec.title_en,
                    intro_zh=section_spec.intro_zh,
                    intro_en=section_spec.intro_en,
                    order=order,
                )
                placed += [(questions[key], marks, section) for key, marks in section_spec.items]
            if placed:
                services.quiz_items_place(quiz=quiz, items=placed)
            if item.draws:
                services.quiz_draw_rules_set(
                    quiz=quiz,
                    rules=[
                        {
                            "count": draw.count,
                            "bank": banks[draw.bank] if draw.bank else None,
                            "competency": (
                                self.competencies[draw.competency] if draw.competency else None
                            ),
                            "level": draw.level,
                            "difficulty": draw.difficulty,
                            "marks_each": draw.marks_each,
                        }
                        for draw in item.draws
                    ],
                )
            quizzes[item.code] = services.quiz_publish(quiz=quiz)
        return quizzes

    # --- attempts --------------------------------------------------------------------

    def _seed_attempts(self, quizzes: dict[str, Quiz]) -> None:
        rng = random.Random(2026)
        taken = set(
            Attempt.objects.filter(
                quiz__in=quizzes.values(), agent__in=self.users.values()
            ).values_list("agent__username", "quiz__code")
        )
        for plan in content.ATTEMPTS:
            # Draw first, skip after: the draws stay in step whatever already exists.
            days_ago = rng.randint(8, 28)
            gaps = [rng.randint(1, 3) for _ in plan.shares[1:]]
            times = [(rng.randint(9, 16), rng.randint(0, 59)) for _ in plan.shares]
            seeds = [rng.getrandbits(32) for _ in plan.shares]
            agent, quiz = self.users.get(plan.username), quizzes[plan.quiz]
            if agent is None or not quiz.is_published or (plan.username, plan.quiz) in taken:
                continue
            sittings = zip(
                self._days(agent, days_ago, gaps), times, plan.shares, seeds, strict=True
            )
            for number, (day, (hour, minute), share, seed) in enumerate(sittings, start=1):
                started = timezone.make_aware(
                    datetime.datetime.combine(day, datetime.time(hour, minute))
                )
                self._sit(
                    quiz,
                    agent,
                    started=started,
                    share=share,
                    rng=random.Random(seed),
                    timed_out=plan.timed_out and number == len(plan.shares),
                )
            taken.add((plan.username, plan.quiz))

        for username, code, answered in content.OPEN_ATTEMPTS:
            seed = rng.getrandbits(32)
            agent, quiz = self.users.get(username), quizzes[code]
            # Only a quiz without a time limit: a timed attempt would soon expire.
            if (
                agent is None
                or not quiz.is_published
                or quiz.time_limit_minutes
                or (username, code) in taken
            ):
                continue
            started = self.now - datetime.timedelta(minutes=25)
            attempt = services.attempt_start(quiz=quiz, agent=agent, now=started)
            choices = self._choices(attempt, share=0.7, rng=random.Random(seed))
            for number, entry in enumerate(attempt.paper[:answered], start=1):
                services.answer_save(
                    attempt=attempt,
                    question_id=entry["id"],
                    selected=choices[entry["id"]],
                    now=started + datetime.timedelta(seconds=SECONDS_PER_QUESTION * number),
                )

    def _days(self, agent: User, days_ago: int, gaps: list[int]) -> list[datetime.date]:
        """The sittings' days: the first ``days_ago``, each retake ``gap`` days later, all
        before today and, as far as possible, after the agent was hired."""
        span = sum(gaps)
        if agent.hire_date is not None:
            days_ago = min(days_ago, max((self.today - agent.hire_date).days - 1, span + 1))
        days_ago = max(days_ago, span + 1)
        days = [self.today - datetime.timedelta(days=days_ago)]
        for gap in gaps:
            days.append(days[-1] + datetime.timedelta(days=gap))
        return days

    def _sit(
        self,
        quiz: Quiz,
        agent: User,
        *,
        started: datetime.datetime,
        share: float,
        rng: random.Random,
        timed_out: bool,
    ) -> Attempt:
        attempt = services.attempt_start(quiz=quiz, agent=agent, now=started)
        choices = self._choices(attempt, share=share, rng=rng)
        paper = attempt.paper[: len(attempt.paper) // 2] if timed_out else attempt.paper
        at = started
        for entry in paper:
            at += datetime.timedelta(seconds=SECONDS_PER_QUESTION)
            services.answer_save(
                attempt=attempt, question_id=entry["id"], selected=choices[entry["id"]], now=at
            )
        # Left half-way: closed hours later, scored as at the deadline with what was saved.
        if timed_out:
            finished = started + datetime.timedelta(hours=3)
        else:
            finished = at + datetime.timedelta(minutes=1)
        return services.attempt_submit(attempt=attempt, now=finished)

    def _choices(
        self, attempt: Attempt, *, share: float, rng: random.Random
    ) -> dict[int, list[int]]:
        """The options chosen for each question: right for about ``share`` of them.

        The seeder is server code and reads the attempt's key to choose; which questions
        go wrong favours the hard ones, and a wrong answer favours the question's trap,
        so that item analysis has a clearly weak question to show.
        """
        entries = sorted(attempt.paper, key=lambda entry: entry["id"])
        weight = {}
        for entry in entries:
            spec = self.spec_of.get(entry["id"])
            if spec is None:  # a trainer's question, drawn by a random quiz
                ease = EASE[2]
            else:
                ease = spec.ease if spec.ease is not None else EASE[spec.difficulty]
            weight[entry["id"]] = rng.random() * ease
        right_count = round(share * len(entries))
        right = set(sorted(weight, key=lambda pk: (-weight[pk], pk))[:right_count])
        choices = {}
        for entry in entries:
            correct = sorted(attempt.key[str(entry["id"])]["correct"])
            if entry["id"] in right:
                choices[entry["id"]] = correct
            else:
                choices[entry["id"]] = self._wrong(entry, correct, rng)
        return choices

    def _wrong(self, entry: dict, correct: list[int], rng: random.Random) -> list[int]:
        options = sorted(option["id"] for option in entry["options"])
        wrong = [pk for pk in options if pk not in correct]
        if entry["kind"] == Question.Kind.MULTIPLE:
            # Half right: one right choice missed, or one wrong one added.
            if len(correct) > 1 and (not wrong or rng.random() < 0.6):
                missed = rng.choice(correct)
                return [pk for pk in correct if pk != missed]
            return sorted([*correct, rng.choice(wrong)])
        spec = self.spec_of.get(entry["id"])
        trap = next(
            (o["id"] for o in entry["options"] if spec and spec.trap and o["text_zh"] == spec.trap),
            None,
        )
        if trap is not None and rng.random() < 0.85:
            return [trap]
        return [rng.choice(wrong)]
