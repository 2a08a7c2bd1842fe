"""End-to-end journeys through the real URLs, on the demo data of 云裳优品.

The issue is done when "the demo's new agent can log in, follow the onboarding path lesson
by lesson and complete a course; HR can assign a path to a team and see who is behind; all
of it in both languages". These tests walk those paths the way a browser would: they read
the links and form actions from the pages they get, and only check the database at the end.

The demo is seeded once for the module, in a transaction rolled back at its end (seeding
takes seconds); each test runs in a savepoint inside it, so no test sees another's changes.
"""

import datetime
import io
import os
import re

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone
from django.utils.html import escape

from courses import tasks
from courses.models import Course, Enrolment, LearningPath, LessonProgress, PathAssignment
from courses.signals import course_completed
from lms.management.commands.seed_demo import DEFAULT_PASSWORD
from lms.models import Notification, Team, User

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]

# The seeder reads the password from the environment, with this default.
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", DEFAULT_PASSWORD)
ONBOARDING = "新人入职30天"
HTMX = {"HX-Request": "true"}
DAY = datetime.timedelta(days=1)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo data, seeded once for the module and rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        # Tests run with DEBUG=False, which the seeders refuse without --force.
        call_command("seed_demo", force=True, stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


# --- Reading pages ----------------------------------------------------------------------


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=DEMO_PASSWORD), username
    return client


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def section(response, section_id: str) -> str:
    match = re.search(rf'<section[^>]*id="{section_id}".*?</section>', html(response), flags=re.S)
    assert match, f"no section {section_id}"
    return match.group(0)


def rows(fragment: str) -> list[str]:
    """The body rows of the tables in an HTML fragment."""
    bodies = re.findall(r"<tbody>(.*?)</tbody>", fragment, flags=re.S)
    return [row for body in bodies for row in re.findall(r"<tr\b.*?</tr>", body, flags=re.S)]


def first_href(fragment: str, pattern: str) -> str:
    match = re.search(rf'href="({pattern})"', fragment)
    assert match, f"no link matching {pattern}"
    return match.group(1)


def progress_rows(client: Client, **filters) -> list[str]:
    """Every row of the progress table, all pages, in the order the pages give them."""
    response = client.get(reverse("courses:progress"), filters)
    found = rows(html(response))
    pages = response.context["page"].paginator.num_pages
    for number in range(2, pages + 1):
        found += rows(html(client.get(reverse("courses:progress"), {**filters, "page": number})))
    return found


def api_enrolment_ids(client: Client, **filters) -> set[int]:
    """Ids of every enrolment the API lists to this client, following its pages."""
    url, params, ids = reverse("api-enrolments"), filters, set()
    while url:
        response = client.get(url, params)
        assert response.status_code == 200, response.content
        body = response.json()
        ids |= {item["id"] for item in body["results"]}
        url, params = body["next"], None
    return ids


# --- 1. The new agent follows the onboarding path and completes a course ----------------


def test_demo_agent_follows_the_onboarding_path_lesson_by_lesson_and_completes_a_course(
    django_capture_on_commit_callbacks,
):
    agent = User.objects.get(username="agent")
    client = signed_in("agent")

    # My learning: the onboarding course under way, among the open work.
    learning = client.get(reverse("courses:my-learning"))
    on_path = [
        row
        for row in rows(section(learning, "open-enrolments"))
        if ONBOARDING in row and "status-in_progress" in row
    ]
    assert len(on_path) == 1
    course_page = client.get(first_href(on_path[0], r"/courses/\d+/"))

    # The course page's "continue" button opens the first lesson not yet done.
    continue_url = first_href(section(course_page, "my-enrolment"), r"/learning/\d+/lessons/\d+/")
    target = resolve(continue_url).kwargs
    enrolment = Enrolment.objects.select_related("version", "course").get(pk=target["enrolment_id"])
    assert enrolment.agent == agent
    assert enrolment.path_assignment.path.title_zh == ONBOARDING
    assert enrolment.status == Enrolment.Status.IN_PROGRESS
    assert enrolment.course.title_zh in html(course_page)
    done_before = set(
        LessonProgress.objects.filter(enrolment=enrolment).values_list("lesson_id", flat=True)
    )
    lessons = [item["id"] for item in enrolment.version.snapshot["lessons"]]
    remaining = [lesson_id for lesson_id in lessons if lesson_id not in done_before]
    assert done_before and remaining, "the demo agent is part-way through this course"
    assert target["lesson_id"] == remaining[0]

    completions = []

    def on_completed(sender, enrolment, **kwargs):
        completions.append(enrolment.pk)

    course_completed.connect(on_completed, dispatch_uid="journey-completed")
    marked, statuses = [], []
    try:
        url = continue_url
        while url:
            page = html(client.get(url))
            done_form = re.search(r'<form method="post" action="(/learning/[^"]+/done/)"', page)
            if done_form:
                # The page's button posts through htmx and swaps the status block.
                with django_capture_on_commit_callbacks(execute=True):
                    status = client.post(done_form.group(1), headers=HTMX)
                statuses.append(html(status))
                marked.append(resolve(done_form.group(1)).kwargs["lesson_id"])
            following = re.search(r'<a href="([^"]+)" rel="next">', page)
            url = following.group(1) if following else None
    finally:
        course_completed.disconnect(dispatch_uid="journey-completed")

    assert marked == remaining
    assert all("✓" in status for status in statuses)
    assert "course-completed" in statuses[-1]
    assert not any("course-completed" in status for status in statuses[:-1])
    assert completions == [enrolment.pk]

    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert enrolment.progress == 100
    assert enrolment.completed_at is not None
    assert set(
        LessonProgress.objects.filter(enrolment=enrolment).values_list("lesson_id", flat=True)
    ) == set(lessons)

    # My learning now lists the course under "completed", and no longer as open work.
    learning = client.get(reverse("courses:my-learning"))
    course_link = f'href="{reverse("courses:course-detail", args=[enrolment.course_id])}"'
    assert course_link in section(learning, "completed-enrolments")
    assert enrolment.course.title_zh in section(learning, "completed-enrolments")
    assert course_link not in section(learning, "open-enrolments")


# --- 2. HR assigns a path to a team and sees who is behind ------------------------------


def test_hr_assigns_the_onboarding_path_to_a_team_and_sees_who_is_behind(
    django_capture_on_commit_callbacks,
):
    hr = User.objects.get(username="hr")
    team = Team.objects.get(code="electronics")
    path = LearningPath.objects.get(code="onboarding-30")
    steps = list(path.steps.order_by("order").values_list("course_id", "order"))
    # Someone who has left the team stays out of the assignment.
    User.objects.filter(username="peng.siyuan").update(is_active=False)
    members = list(User.objects.filter(team=team, is_active=True).order_by("username"))
    taken = set(
        Enrolment.objects.filter(agent__in=members)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .values_list("agent_id", "course_id")
    )
    due = timezone.localdate() + 30 * DAY
    form = {"path": path.pk, "team": team.pk, "due_on": due.isoformat()}
    assignments_before = PathAssignment.objects.count()

    # An agent may not assign work: the page is not there for them.
    refused = signed_in("agent").post(reverse("courses:assign"), form)
    assert refused.status_code == 404
    assert PathAssignment.objects.count() == assignments_before

    hr_client = signed_in("hr")
    assign_page = hr_client.post(reverse("courses:assign"), form)
    page = html(assign_page)
    assert all(member.display_name in page for member in members)

    new_counts = []
    for member in members:
        assignment = PathAssignment.objects.get(path=path, agent=member, team=team, assigned_by=hr)
        got = list(
            assignment.enrolments.order_by("id").values_list(
                "course_id", "path_order", "due_on", "source", "status"
            )
        )
        # In the path's order, skipping courses the person already takes or completed.
        expected = [
            (course_id, order, due, Enrolment.Source.PATH, Enrolment.Status.NOT_STARTED)
            for course_id, order in steps
            if (member.pk, course_id) not in taken
        ]
        assert got == expected, member.username
        new_counts.append(len(got))
    assert max(new_counts) >= 3
    assert not PathAssignment.objects.filter(path=path, agent__username="peng.siyuan").exists()

    # One member falls behind: their first new course is now past its due date.
    behind = next(m for m, n in zip(members, new_counts, strict=True) if n)
    late = (
        Enrolment.objects.filter(agent=behind, path_assignment__team=team)
        .select_related("course")
        .order_by("path_order")
        .first()
    )
    Enrolment.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - 5 * DAY)
    with django_capture_on_commit_callbacks(execute=True):
        marked = tasks.enrolments_mark_overdue.delay().get()
    assert marked == 1
    late.refresh_from_db()
    assert late.status == Enrolment.Status.OVERDUE

    # HR's progress table: that member's overdue row comes first.
    first_row = rows(html(hr_client.get(reverse("courses:progress"))))[0]
    assert behind.display_name in first_row
    assert late.course.title_zh in first_row
    assert "status-overdue" in first_row

    # The member and HR (who assigned it) are each told, in the app and by e-mail.
    key = f"enrolment-overdue:{late.pk}"
    to_member = Notification.objects.get(recipient=behind, key=key)
    to_hr = Notification.objects.get(recipient=hr, key=key)
    assert late.course.title_zh in to_member.subject
    assert behind.display_name in to_hr.subject
    member_page = html(signed_in(behind.username).get(reverse("notifications")))
    assert escape(to_member.subject) in member_page
    assert escape(to_hr.subject) in html(hr_client.get(reverse("notifications")))
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == sorted(
        [(behind.email, to_member.subject), (hr.email, to_hr.subject)]
    )

    # The nightly task run again tells nobody twice.
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.enrolments_mark_overdue.delay().get() == 0
    assert Notification.objects.filter(key=key).count() == 2
    assert len(mail.outbox) == 2


# --- 3. Both languages ------------------------------------------------------------------


def test_pages_speak_the_users_language_the_switch_remembers_it_and_the_cookie_wins():
    agent = User.objects.get(username="agent")
    assert agent.preferred_language == "zh-hans"
    course = Course.objects.get(code="apparel-101")
    course_url = reverse("courses:course-detail", args=[course.pk])
    client = signed_in("agent")

    learning = html(client.get(reverse("courses:my-learning")))
    assert "<h1>我的学习</h1>" in learning
    assert course.title_zh in learning and course.title_en not in learning
    page = html(client.get(course_url))
    assert course.title_zh in page and course.title_en not in page

    # The switch in the header sets the cookie and remembers the choice.
    switched = client.post(reverse("language-switch"), {"language": "en", "next": course_url})
    assert switched.status_code == 302 and switched.url == course_url
    assert switched.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    agent.refresh_from_db()
    assert agent.preferred_language == "en"
    page = html(client.get(course_url))
    assert '<html lang="en">' in page
    assert course.title_en in page and course.title_zh not in page
    assert course.description_en.split()[0] in page

    # Another browser, no cookie: the saved preference speaks English.
    elsewhere = signed_in("agent")
    assert settings.LANGUAGE_COOKIE_NAME not in elsewhere.cookies
    learning = html(elsewhere.get(reverse("courses:my-learning")))
    assert "<h1>My learning</h1>" in learning and "我的学习" not in learning
    assert course.title_en in learning and course.title_zh not in learning
    enrolment = Enrolment.objects.get(agent=agent, course=course)
    lesson = enrolment.version.snapshot["lessons"][0]
    player = html(elsewhere.get(reverse("courses:lesson", args=[enrolment.pk, lesson["id"]])))
    assert lesson["title_en"] in player and lesson["title_zh"] not in player

    # This browser's cookie wins over the saved preference.
    elsewhere.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    learning = html(elsewhere.get(reverse("courses:my-learning")))
    assert "<h1>我的学习</h1>" in learning
    assert course.title_zh in learning and course.title_en not in learning
    player = html(elsewhere.get(reverse("courses:lesson", args=[enrolment.pk, lesson["id"]])))
    assert lesson["title_zh"] in player


def test_overdue_notifications_speak_each_recipients_language(django_capture_on_commit_callbacks):
    """The nightly task runs in no one's request: each message is written in the language
    its recipient chose, not the worker's default."""
    agent = User.objects.get(username="agent")
    User.objects.filter(pk=agent.pk).update(preferred_language="en")
    enrolment = Enrolment.objects.select_related("course", "assigned_by").get(
        agent=agent, course__code="apparel-101"
    )
    assigner = enrolment.assigned_by
    assert assigner is not None and assigner.preferred_language == "zh-hans"
    Enrolment.objects.filter(pk=enrolment.pk).update(due_on=timezone.localdate() - DAY)

    with django_capture_on_commit_callbacks(execute=True):
        tasks.enrolments_mark_overdue.delay().get()

    key = f"enrolment-overdue:{enrolment.pk}"
    to_agent = Notification.objects.get(recipient=agent, key=key)
    to_assigner = Notification.objects.get(recipient=assigner, key=key)
    assert enrolment.course.title_zh in to_assigner.subject
    assert enrolment.course.title_en in to_agent.subject, to_agent.subject
    assert escape(to_agent.subject) in html(signed_in("agent").get(reverse("notifications")))


# --- 4. Nobody sees another agent's learning ---------------------------------------------


def test_another_agent_and_another_teams_lead_cannot_see_the_agents_learning():
    agent = User.objects.get(username="agent")
    enrolment = Enrolment.objects.select_related("course", "version").get(
        agent=agent, course__code="apparel-101"
    )
    lesson = enrolment.version.snapshot["lessons"][-1]
    player_url = reverse("courses:lesson", args=[enrolment.pk, lesson["id"]])
    done_url = reverse("courses:lesson-done", args=[enrolment.pk, lesson["id"]])
    mine = set(Enrolment.objects.filter(agent=agent).values_list("pk", flat=True))
    progress_before = LessonProgress.objects.filter(enrolment=enrolment).count()

    # A colleague in the same team: no player, no marking done, nothing in the API.
    colleague = signed_in("wang.yutong")
    assert colleague.get(player_url).status_code == 404
    assert colleague.post(done_url, headers=HTMX).status_code == 404
    assert LessonProgress.objects.filter(enrolment=enrolment).count() == progress_before
    assert api_enrolment_ids(colleague).isdisjoint(mine)
    assert api_enrolment_ids(colleague, agent=agent.pk) == set()
    assert colleague.get(reverse("courses:progress")).status_code == 404

    # The agent themselves: the player opens and the API lists all their enrolments.
    own = signed_in("agent")
    assert lesson["title_zh"] in html(own.get(player_url))
    assert api_enrolment_ids(own) == mine

    # The cosmetics team's lead sees their own team, not the apparel agent.
    other_lead = progress_rows(signed_in("lead.cosmetics"))
    assert other_lead, "the cosmetics lead has people to follow"
    assert all("美妆组" in row for row in other_lead)
    assert not any(agent.display_name in row for row in other_lead)
    # Asking for the apparel team is ignored, not obeyed.
    asked = progress_rows(signed_in("lead.cosmetics"), team="apparel")
    assert not any(agent.display_name in row for row in asked)
    assert api_enrolment_ids(signed_in("lead.cosmetics"), agent=agent.pk) == set()

    # The apparel team's lead does see them.
    lead_rows = progress_rows(signed_in("lead"), team="apparel")
    agent_rows = [row for row in lead_rows if agent.display_name in row]
    assert any(enrolment.course.title_zh in row for row in agent_rows)
    assert (
        len(agent_rows)
        == Enrolment.objects.filter(agent=agent).exclude(status=Enrolment.Status.WITHDRAWN).count()
    )
    assert api_enrolment_ids(signed_in("lead"), agent=agent.pk) == mine
