"""The role-play journey of the scenario issue, end to end through the real URLs, on the
demo data of 云裳优品.

"The demo's agent runs a scenario end to end and submits; the quality check appears; the
mentor grades it from the queue with the rubric; the agent sees the feedback; the
competency profile moves; HR sees grader agreement. Both languages."

Like tests/test_journeys.py and tests/test_quiz_journey.py, the test walks the pages as a
browser would: links and form actions (and the values a form offers) are read from the
pages, htmx requests carry their header, and the database is checked after each step. The
clock is a patched ``django.utils.timezone.now`` moved forward by hand: nothing sleeps, and
the reply times the quality check judges are the ones the test chose.

Which scenario: the demo agent is already expert in every competency the IM rubric grades
(the demo's top-graded 凌晨下单 role-play), so no IM grade could move their profile. The
phone rubric's "solution and follow-up" criterion evidences negotiation, where they are at
basic, so the journey takes the phone scenario again ("start again": their earlier go was a
live session with their mentor). The quality check through a real Celery worker is in
tests/assessments/test_roleplay_worker.py.
"""

import datetime
import io
import os
import re
from decimal import Decimal
from html import unescape
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.template.defaultfilters import floatformat
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import localize
from django.utils.html import strip_tags

from assessments import calibration
from assessments.calibration import quadratic_weighted_kappa
from assessments.models import (
    Criterion,
    Grade,
    Scenario,
    Submission,
    SubmissionTurn,
)
from lms.management.commands.seed_demo import DEFAULT_PASSWORD
from lms.models import CompetencyLevel, Evidence, Level, Mentorship, User
from tests.test_quiz_journey import Clock, block, first_href, form_posting_to, forms_of, html

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]

# The seeder reads the password from the environment, with this default.
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", DEFAULT_PASSWORD)
HTMX = {"HX-Request": "true"}
SCENARIO = "phone-angry-caller"
WAITING = [Submission.Status.SUBMITTED, Submission.Status.IN_REVIEW]

# The agent's replies and the seconds each took (the script's targets: 30, 30, 30, 20).
# A greeting with the required 工号, two empathy phrases, the vague 可能, the required 回电,
# a closing; none of the words that would branch the script (加急, 顺丰).
REPLIES = [
    ("您好，我是客服工号 2046，非常理解您的心情，先跟您说声抱歉。", 25),
    ("轮子可能是仓库漏装了，我马上为您登记补发。", 48),
    ("明天中午前送到，我下午四点给您回电确认物流。", 20),
    ("感谢您的耐心，祝您生活愉快！", 15),
]

# Each grader's level (in points) and comment per criterion of the phone rubric, in its
# order, with the weighted total the page shows after each choice. Weights 15, 20, 20, 25,
# 20; top points 4 everywhere: the mentor's total is 15 + 15 + 10 + 25 + 20 = 85.
MENTOR_MARKS = [
    ("开场与身份核实", 4, "报了工号，先致歉，开场到位。", "100.00"),
    ("倾听与确认", 3, "复述了问题，但没有和顾客确认。", "85.71"),
    ("信息准确", 2, "“可能是仓库漏装”是猜测，先查单再下结论。", "72.73"),
    ("情绪安抚", 4, "先处理情绪再处理问题。", "81.25"),
    ("方案与跟进", 4, "补发和回电的时间都说清楚了。", "85.00"),
]
MENTOR_FEEDBACK = "情绪安抚和跟进做得很好；给出原因前先核实订单，避免“可能”这类猜测。"
# The second grader: the same level on two criteria, another on three; 78.75 in all.
SECOND_MARKS = [
    ("开场与身份核实", 4, "开场规范。", "100.00"),
    ("倾听与确认", 3, "有复述。", "85.71"),
    ("信息准确", 4, "补发信息准确。", "90.91"),
    ("情绪安抚", 3, "安抚有效。", "85.94"),
    ("方案与跟进", 2, "回电时间有了，补发时效不够具体。", "78.75"),
]
SECOND_FEEDBACK = "第二评分：整体达标。"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The people and the role-play demo, seeded once for the module and rolled back at its
    end. ``seed_demo`` runs every app's demo seeder (about a minute); the courses, quizzes and
    certificates are no part of this journey, so only the people are seeded by it and the
    role-play seeder, which needs nothing else, runs after it as ``seed_demo`` would run it
    (about a quarter of the time)."""
    with django_db_blocker.unblock(), transaction.atomic():
        # Tests run with DEBUG=False, which the seeders refuse without force. The quality
        # check of the demo's handed-in work runs on commit: run it, as a commit would.
        with TestCase.captureOnCommitCallbacks(execute=True):
            with mock.patch("lms.management.commands.seed_demo.get_commands", return_value={}):
                call_command("seed_demo", force=True, stdout=io.StringIO())
            call_command("seed_demo_roleplay", force=True, stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def clock(demo):
    clock = Clock(timezone.now().replace(microsecond=0))
    with mock.patch("django.utils.timezone.now", new=clock):
        yield clock


# --- Reading pages ----------------------------------------------------------------------


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=DEMO_PASSWORD), username
    return client


def url_pattern(name: str, ids: int = 1) -> str:
    """A regex for the named URL with any ids: what a link to such a page looks like."""
    return re.escape(reverse(name, args=[0] * ids)).replace("/0/", r"/\d+/")


def rows(fragment: str) -> list[str]:
    """The body rows of the tables in an HTML fragment."""
    bodies = re.findall(r"<tbody>(.*?)</tbody>", fragment, flags=re.S)
    return [row for body in bodies for row in re.findall(r"<tr\b.*?</tr>", body, flags=re.S)]


def cells(row: str) -> list[str]:
    """The text of each cell of a table row, tags left out, spaces squeezed."""
    found = re.findall(r"<td\b[^>]*>(.*?)</td>", row, flags=re.S)
    return [" ".join(unescape(strip_tags(cell)).split()) for cell in found]


def messages_of(page: str) -> list[str]:
    found = re.search(r'<ul class="messages">(.*?)</ul>', page, flags=re.S)
    return (
        [unescape(m) for m in re.findall(r"<li[^>]*>(.*?)</li>", found.group(1))] if found else []
    )


def current_level(client: Client, name: str) -> str:
    """The "current level" badge of a competency on the agent's profile page."""
    profile = block(html(client.get(reverse("my-profile"))), "section", "profile")
    found = [row for row in rows(profile) if name in row]
    assert len(found) == 1, name
    current = re.findall(r"<td\b[^>]*>(.*?)</td>", found[0], flags=re.S)[2]
    return re.search(r'<span class="level (lvl-\d)">', current).group(1)


def choose_levels(client: Client, page: str, criteria: list[Criterion], marks: list) -> None:
    """Pick each criterion's level by its points on the grading page, with a comment, the
    way the page's htmx form posts on change, and check the status and live total."""
    for criterion, (title, points, comment, total) in zip(criteria, marks, strict=True):
        markup = block(page, "form", f"criterion-{criterion.pk}")
        assert title in markup
        pattern = r'value="(\d+)"[^>]*>\s*<span><strong>(\d+)</strong>'
        offered = {int(p): value for value, p in re.findall(pattern, markup)}
        (form,) = forms_of(markup)
        assert form.attrs["hx-post"] == form.action and form.attrs["hx-trigger"] == "change"
        assert sorted(form.choices["level"]) == sorted(offered.values())
        saved = html(
            client.post(
                form.action, form.data(level=offered[points], comment=comment), headers=HTMX
            )
        )
        assert "<html" not in saved  # the status and the total only
        assert "✓" in block(saved, "p", f"score-status-{criterion.pk}")
        live_total = block(saved, "section", "grade-total")
        assert 'hx-swap-oob="true"' in live_total
        assert f"<strong>{total}%</strong>" in live_total, (title, live_total)


# --- The journey ------------------------------------------------------------------------


def test_demo_agent_runs_a_scenario_the_mentor_grades_it_and_hr_sees_grader_agreement(
    clock, django_capture_on_commit_callbacks
):
    agent = User.objects.get(username="agent")
    mentor = User.objects.get(username="mentor")
    trainer = User.objects.get(username="trainer")
    assert agent.preferred_language == "zh-hans" and agent.display_name == "李思琪"
    assert Mentorship.objects.filter(mentor=mentor, mentee=agent, ended_on=None).exists()
    scenario = Scenario.objects.select_related("rubric").get(code=SCENARIO)
    criteria = list(Criterion.objects.filter(version__rubric=scenario.rubric).order_by("order"))
    assert [c.title_zh for c in criteria] == [title for title, *_rest in MENTOR_MARKS]
    negotiation = criteria[-1].competency
    assert negotiation.code == "negotiation"

    agent_client = signed_in("agent")
    levels_before = dict(
        CompetencyLevel.objects.filter(agent=agent).values_list("competency__code", "level")
    )
    evidence_before = set(Evidence.objects.filter(agent=agent).values_list("pk", flat=True))
    assert levels_before["negotiation"] == Level.BASIC
    assert current_level(agent_client, negotiation.name_zh) == "lvl-1"

    # --- 1. The agent picks the phone scenario from the list and starts it again ---------
    listing = html(agent_client.get(reverse("assessments:roleplay-list")))
    assert "<h1>情景演练</h1>" in listing
    phone = [row for row in rows(block(listing, "section", "scenarios")) if "<td>电话</td>" in row]
    assert len(phone) == 1 and scenario.title_zh in phone[0]
    assert "重新开始" in phone[0]  # done before, live with the mentor
    start = form_posting_to(phone[0], url_pattern("assessments:roleplay-start"))
    started_at = clock.now
    started = agent_client.post(start.action, start.data())
    submission = Submission.objects.get(
        agent=agent, scenario=scenario, status=Submission.Status.IN_PROGRESS
    )
    runner_url = reverse("assessments:roleplay-submission", args=[submission.pk])
    assert started.status_code == 302 and started.url == runner_url
    assert submission.started_at == started_at and not submission.live

    # A colleague can neither open it nor reply in it.
    colleague = signed_in("wang.yutong")
    assert colleague.get(runner_url).status_code == 404
    reply_url = reverse("assessments:roleplay-reply", args=[submission.pk])
    assert colleague.post(reply_url, {"reply": "您好"}, headers=HTMX).status_code == 404
    assert not submission.turns.filter(replied_at__isnull=False).exists()

    # The runner: the first customer message, the reply box; each reply through htmx.
    runner = html(agent_client.get(runner_url))
    first = submission.turns.get(order=1)
    assert first.customer_text in block(runner, "li", "turn-1") and first.shown_at == started_at
    assert "您的回复" in runner and "请在 30 秒内回复" in runner
    form = form_posting_to(runner, url_pattern("assessments:roleplay-reply"))
    submit = None
    for number, (reply, seconds) in enumerate(REPLIES, start=1):
        assert submit is None, "the conversation ended before the last reply"
        assert form.attrs["hx-post"] == form.action
        clock.advance(seconds=seconds)
        answered = html(agent_client.post(form.action, form.data(reply=reply), headers=HTMX))
        turn = SubmissionTurn.objects.get(submission=submission, order=number)
        assert (turn.reply, turn.replied_at, turn.latency_seconds) == (reply, clock.now, seconds)
        mine = block(answered, "li", f"reply-{number}")
        assert reply in mine and f"{seconds} 秒" in mine
        following = SubmissionTurn.objects.filter(submission=submission, order=number + 1).first()
        if following is not None:
            assert following.customer_text in block(answered, "li", f"turn-{number + 1}")
            assert following.shown_at == clock.now and following.replied_at is None
            form = form_posting_to(answered, url_pattern("assessments:roleplay-reply"))
        else:
            assert "对话已结束。" in block(answered, "section", "reply-box")
            submit = form_posting_to(answered, url_pattern("assessments:roleplay-submit"))
    assert submit is not None, "the conversation has not ended"
    turns = list(submission.turns.order_by("order"))
    assert [t.script_turn for t in turns] == [1, 2, 3, 4]
    assert [t.latency_seconds for t in turns] == [seconds for _reply, seconds in REPLIES]
    assert [t.reply_target_seconds for t in turns] == [30, 30, 30, 20]

    # Handing in: the quality check is queued on commit and runs (eagerly, in tests).
    clock.advance(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        handed_in = agent_client.post(submit.action, submit.data())
    assert handed_in.status_code == 302 and handed_in.url == runner_url
    submission.refresh_from_db()
    submitted_at = clock.now
    assert submission.status == Submission.Status.SUBMITTED
    assert submission.submitted_at == submitted_at
    assert submission.grading_due_at == submitted_at + datetime.timedelta(
        hours=scenario.grading_hours
    )

    # --- 2. The quality check appears on the agent's page --------------------------------
    vague_at = REPLIES[1][0].index("可能")
    assert submission.quality == {
        "greeting": True,
        "closing": True,
        "required_missing": [],
        "forbidden": [],
        "vague": [{"phrase": "可能", "turn": 2, "position": vague_at}],
        "empathy_count": 2,  # 理解, 抱歉
        "reply_times": [
            {"turn": 1, "seconds": 25, "target": 30, "met": True},
            {"turn": 2, "seconds": 48, "target": 30, "met": False},
            {"turn": 3, "seconds": 20, "target": 30, "met": True},
            {"turn": 4, "seconds": 15, "target": 20, "met": True},
        ],
        "on_time_share": 75,
    }
    page = html(agent_client.get(runner_url))
    assert messages_of(page) == ["已提交，导师将为您评分。"]
    quality = block(page, "section", "quality")
    assert "<h2>智能质检</h2>" in quality
    for label in ("问候语", "结束语", "必用语"):
        assert re.search(rf'class="met"><span class="check-mark">✓</span>\s*{label}', quality)
    assert re.search(r'<span class="check-mark">2</span>\s*共情用语', quality)
    forbidden = quality.split("<h3>禁用语</h3>")[1].split("<h3>")[0]
    assert '<p class="ok">未发现。</p>' in forbidden
    vague = quality.split("<h3>模糊用语</h3>")[1].split("<h3>")[0]
    assert re.search(
        r'<mark class="rp-vague">可能</mark> · <a href="#reply-2">第 2 条回复</a>', vague
    )
    times = [cells(row) for row in rows(quality.split("<h3>回复用时</h3>")[1])]
    assert times == [
        ["1", "25 s", "30 s", "✓"],
        ["2", "48 s", "30 s", "✗"],
        ["3", "20 s", "30 s", "✓"],
        ["4", "15 s", "20 s", "✓"],
    ]
    assert "75% 的回复按时完成" in quality
    # In the transcript, the vague word is marked where the check found it.
    before, after = REPLIES[1][0][:vague_at], REPLIES[1][0][vague_at + 2 :]
    second_reply = block(page, "li", "reply-2")
    assert re.search(
        rf'{re.escape(before)}<mark class="rp-vague"[^>]*>可能</mark>{re.escape(after)}',
        second_reply,
    )
    assert "48 秒（目标 30 秒）" in second_reply

    # --- 3a. HR, in English, asks the trainer for a second, independent grade -------------
    clock.advance(hours=2, minutes=5)
    queue_url = reverse("assessments:roleplay-queue")
    hr_client = signed_in("hr")
    queue = html(hr_client.get(queue_url))
    assert "<h1>待评分</h1>" in queue
    switch = form_posting_to(queue, re.escape(reverse("language-switch")))
    switched = hr_client.post(switch.action, switch.data(language="en"))
    assert switched.status_code == 302 and switched.url == queue_url
    assert User.objects.get(username="hr").preferred_language == "en"
    queue = html(hr_client.get(queue_url))
    assert '<html lang="en">' in queue and "<h1>Grading queue</h1>" in queue
    row = block(queue, "tr", f"submission-{submission.pk}")
    assert scenario.title_en in row and "waiting 2 h" in row
    ask = form_posting_to(row, url_pattern("assessments:roleplay-second-grader"))
    assert str(trainer.pk) in ask.choices["grader"] and str(agent.pk) not in ask.choices["grader"]
    asked = hr_client.post(ask.action, ask.data(grader=trainer.pk))
    assert asked.status_code == 302 and asked.url == queue_url
    second = Grade.objects.get(submission=submission, role=Grade.Role.SECOND)
    assert (second.grader, second.status) == (trainer, Grade.Status.DRAFT)
    submission.refresh_from_db()
    assert submission.status == Submission.Status.IN_REVIEW
    queue = html(hr_client.get(queue_url))
    assert messages_of(queue) == ["蒋文静 will grade it a second time."]
    assert "蒋文静" in block(queue, "tr", f"submission-{submission.pk}")

    # --- 3b. The mentor grades it from the queue -----------------------------------------
    mentor_client = signed_in("mentor")
    queue = html(mentor_client.get(queue_url))
    assert "<h1>待评分</h1>" in queue and "最早的在前" in queue
    order = [int(pk) for pk in re.findall(r'<tr[^>]*id="submission-(\d+)"', queue)]
    mentees = Mentorship.objects.filter(mentor=mentor, ended_on=None).values("mentee")
    waiting = Submission.objects.filter(agent__in=mentees, status__in=WAITING)
    assert order == list(waiting.order_by("submitted_at", "pk").values_list("pk", flat=True))
    assert len(order) > 1 and order[-1] == submission.pk  # the newest comes last
    assert re.search(r"已等待 \d+ 天", block(queue, "tr", f"submission-{order[0]}"))
    row = block(queue, "tr", f"submission-{submission.pk}")
    assert "已等待 2 小时" in row and "李思琪" in row and scenario.title_zh in row
    assert "评分中" in row
    # Another mentor, not the agent's, may not grade it.
    grade_url = first_href(row, url_pattern("assessments:roleplay-grade"))
    other_mentor = signed_in("zhang.haoran")
    assert f"submission-{submission.pk}" not in html(other_mentor.get(queue_url))
    assert other_mentor.get(grade_url).status_code == 404
    assert not Grade.objects.filter(submission=submission, role=Grade.Role.PRIMARY).exists()

    grading = html(mentor_client.get(grade_url))
    primary = Grade.objects.get(submission=submission, role=Grade.Role.PRIMARY)
    assert (primary.grader, primary.status) == (mentor, Grade.Status.DRAFT)
    # Beside the rubric: the transcript and the quality findings.
    transcript = block(grading, "section", "transcript")
    for number, (reply, _seconds) in enumerate(REPLIES, start=1):
        assert reply in strip_tags(block(transcript, "li", f"reply-{number}"))
    assert '<mark class="rp-vague"' in block(transcript, "li", "reply-2")
    assert "<h2>智能质检</h2>" in block(grading, "section", "quality")
    assert "<strong>—</strong>" in block(grading, "section", "grade-total")
    choose_levels(mentor_client, grading, criteria, MENTOR_MARKS)
    scores = {s.criterion_id: s for s in primary.scores.select_related("level")}
    assert [(scores[c.pk].level.points, scores[c.pk].comment) for c in criteria] == [
        (points, comment) for _title, points, comment, _total in MENTOR_MARKS
    ]
    clock.advance(minutes=20)
    finalise = form_posting_to(
        html(mentor_client.get(grade_url)), url_pattern("assessments:roleplay-finalise")
    )
    finalised = mentor_client.post(finalise.action, finalise.data(feedback=MENTOR_FEEDBACK))
    assert finalised.status_code == 302 and finalised.url == queue_url
    primary.refresh_from_db()
    assert (primary.status, primary.score, primary.feedback) == (
        Grade.Status.FINAL,
        Decimal("85.00"),
        MENTOR_FEEDBACK,
    )
    assert primary.finalised_at == clock.now
    assert messages_of(html(mentor_client.get(queue_url))) == [
        "你的评分已定稿，正在等待另一位评分人。"
    ]
    # Waiting for the second grade: nothing reaches the agent yet, no evidence either.
    submission.refresh_from_db()
    assert submission.status == Submission.Status.IN_REVIEW and submission.score is None
    page = html(agent_client.get(runner_url))
    assert 'id="grade"' not in page and MENTOR_FEEDBACK not in page
    assert set(Evidence.objects.filter(agent=agent).values_list("pk", flat=True)) == evidence_before

    # --- 3c. The trainer grades it a second time, without seeing the first grade ----------
    clock.advance(hours=1)
    trainer_client = signed_in("trainer")
    row = block(html(trainer_client.get(queue_url)), "tr", f"submission-{submission.pk}")
    assert "陈静怡" in row  # the primary grader
    second_url = first_href(row, url_pattern("assessments:roleplay-grade"))
    assert second_url == grade_url
    grading = html(trainer_client.get(second_url))
    assert MENTOR_FEEDBACK not in grading
    assert not any(comment in grading for _title, _points, comment, _total in MENTOR_MARKS)
    assert "85.00" not in grading
    choose_levels(trainer_client, grading, criteria, SECOND_MARKS)
    finalise = form_posting_to(
        html(trainer_client.get(second_url)), url_pattern("assessments:roleplay-finalise")
    )
    with django_capture_on_commit_callbacks(execute=True):
        finalised = trainer_client.post(finalise.action, finalise.data(feedback=SECOND_FEEDBACK))
    assert finalised.status_code == 302 and finalised.url == queue_url
    assert messages_of(html(trainer_client.get(queue_url))) == ["评分已确认，客服现在可以查看。"]
    second.refresh_from_db()
    assert (second.status, second.score) == (Grade.Status.FINAL, Decimal("78.75"))
    submission.refresh_from_db()
    # The rubric's policy: the mean of the two grades, 81.875 rounded half up.
    assert scenario.rubric.policy == scenario.rubric.Policy.MEAN
    assert submission.status == Submission.Status.GRADED
    assert (submission.score, submission.passed) == (Decimal("81.88"), True)
    assert submission.graded_at == clock.now

    # --- 4. The agent sees the grade and the feedback -------------------------------------
    page = html(agent_client.get(runner_url))
    head = re.search(r'<header class="pagehead">.*?</header>', page, flags=re.S).group(0)
    assert "已评分" in head and "<strong>81.88%</strong>" in head and "已通过" in head
    graded = block(page, "section", "grade")
    assert "评分人：陈静怡" in graded
    for criterion, (title, points, comment, _total) in zip(criteria, MENTOR_MARKS, strict=True):
        level = scores[criterion.pk].level
        row = cells(block(graded, "tr", f"criterion-{criterion.pk}"))
        assert row[0].startswith(title) and row[1] == f"{criterion.weight}%"
        assert row[2] == f"{points}/4 {level.descriptor_zh}" and row[3] == comment
    assert "<h3>总体反馈</h3>" in graded and MENTOR_FEEDBACK in graded
    assert SECOND_FEEDBACK not in page  # the primary grade is the one the agent reads
    mine = html(agent_client.get(reverse("assessments:roleplay-mine")))
    (listed,) = [row for row in rows(mine) if runner_url in row]
    assert "81.88%" in listed and "已通过" in listed

    # --- 5. The competency profile moves --------------------------------------------------
    new = Evidence.objects.filter(agent=agent).exclude(pk__in=evidence_before)
    assert sorted(new.values_list("competency_id", "level", "source", "source_ref")) == sorted(
        (
            c.competency_id,
            scores[c.pk].level.demonstrates,
            Evidence.Source.ROLEPLAY,
            f"grade:{primary.pk}:{c.pk}",
        )
        for c in criteria
    )
    assert set(new.values_list("observed_on", flat=True)) == {timezone.localdate(clock.now)}
    levels_after = dict(
        CompetencyLevel.objects.filter(agent=agent).values_list("competency__code", "level")
    )
    assert levels_after == {**levels_before, "negotiation": Level.ADVANCED}
    current = CompetencyLevel.objects.get(agent=agent, competency=negotiation)
    assert current.evidence.source_ref == f"grade:{primary.pk}:{criteria[-1].pk}"
    assert current_level(agent_client, negotiation.name_zh) == "lvl-2"

    # --- 6. HR sees grader agreement -------------------------------------------------------
    assert agent_client.get(reverse("assessments:roleplay-calibration")).status_code == 404
    assert mentor_client.get(reverse("assessments:roleplay-calibration")).status_code == 404
    report_page = html(hr_client.get(reverse("assessments:roleplay-calibration")))
    assert "<h1>Grader calibration</h1>" in report_page
    with translation.override("en"):
        report = calibration.agreement_report()
        for section, expected in (("by-rubric", report.by_rubric), ("by-grader", report.by_grader)):
            table = block(report_page, "section", section)
            for header in ("Submissions", "Double-graded criteria", "Same level", "Kappa"):
                assert f">{header}</th>" in table
            assert [cells(row) for row in rows(table)] == [
                [
                    row.label,
                    str(row.submissions),
                    str(row.criteria),
                    "—" if row.exact_percent is None else f"{row.exact_percent}%",
                    "—" if row.kappa is None else floatformat(row.kappa, 2),
                    "—"
                    if row.mean_score_difference is None
                    else localize(row.mean_score_difference),
                ]
                for row in expected
            ]
        # This journey's submission is the phone rubric's only double-graded one: five
        # criteria, the same level on two, 85 − 78.75 between the graders.
        (phone,) = [row for row in report.by_rubric if row.label == scenario.rubric.title_en]
        assert (phone.submissions, phone.criteria, phone.exact_percent) == (1, 5, 40)
        assert phone.mean_score_difference == Decimal("6.25")
        # Each level as its place on the criterion's scale (0 to 1): 3, 4, 3, 4, 3 levels.
        pairs = [(1, 1), (2 / 3, 2 / 3), (1 / 2, 1), (1, 2 / 3), (1, 1 / 2)]
        assert phone.kappa == pytest.approx(quadratic_weighted_kappa(pairs))
        (by_mentor,) = [row for row in report.by_grader if row.label == "陈静怡"]
        assert by_mentor.submissions == 2  # the demo's late-night order and this one

    # --- 7. The other language -------------------------------------------------------------
    # The trainer's calibration page speaks Chinese.
    report_page = html(trainer_client.get(reverse("assessments:roleplay-calibration")))
    assert "<h1>评分校准</h1>" in report_page
    table = block(report_page, "section", "by-rubric")
    assert (
        "<h2>按评分表</h2>" in table and ">Kappa 系数</th>" in table and ">等级一致</th>" in table
    )
    assert any(cells(row)[0] == scenario.rubric.title_zh for row in rows(table))
    # The agent's page in English, in a browser that chose it.
    english = signed_in("agent")
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = html(english.get(runner_url))
    assert '<html lang="en">' in page and scenario.title_en in page
    assert "<h2>Quality check</h2>" in page and "Vague phrases" in page
    assert '<a href="#reply-2">reply 2</a>' in page
    graded = block(page, "section", "grade")
    assert "by 陈静怡" in graded and "<h3>Overall feedback</h3>" in graded
    level = scores[criteria[-1].pk].level
    assert level.descriptor_en in block(graded, "tr", f"criterion-{criteria[-1].pk}")
    assert "81.88%" in page and "Passed" in page
