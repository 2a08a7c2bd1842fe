"""A course locked by its prerequisites shows why and what is missing, but not its
lessons: no text, no video link, no file, no "mark as done", until it is unlocked."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from courses import services
from courses.models import Lesson
from tests.courses.factories import CourseFactory, LessonFactory
from tests.courses.test_learner_pages import complete, enrolment_for, html, published_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def locked(settings, tmp_path, agent, hr):
    """An advanced course assigned to the agent before they completed its prerequisite."""
    settings.MEDIA_ROOT = tmp_path
    basics = published_course(title_zh="客服基础")
    course = CourseFactory(title_zh="高级谈判")
    text = LessonFactory(
        course=course, body_zh="先倾听，再提出两个方案。", video_url="https://video.example.com/v/1"
    )
    attached = LessonFactory(
        course=course,
        kind=Lesson.Kind.FILE,
        body_zh="",
        file=SimpleUploadedFile("话术.pdf", b"%PDF-1.4 scripts"),
    )
    course.prerequisites.add(basics)
    services.course_publish(course=course, published_by=None)
    enrolment = enrolment_for(agent, course, assigned_by=hr)
    return basics, enrolment, text, attached


def test_a_locked_lesson_shows_the_lock_and_not_the_content(client, agent, locked):
    _basics, enrolment, text, _attached = locked
    client.force_login(agent)

    page = html(client.get(reverse("courses:lesson", args=[enrolment.pk, text.pk])))

    assert "客服基础" in page  # what is missing
    assert "先倾听，再提出两个方案。" not in page
    assert "video.example.com" not in page
    assert reverse("courses:lesson-done", args=[enrolment.pk, text.pk]) not in page


def test_a_locked_lessons_file_is_not_served_until_the_course_is_unlocked(client, agent, locked):
    basics, enrolment, _text, attached = locked
    url = reverse("courses:lesson-file", args=[enrolment.pk, attached.pk])
    client.force_login(agent)

    assert client.get(url).status_code == 404

    complete(enrolment_for(agent, basics))
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 scripts"


def test_once_unlocked_the_lesson_shows_its_content(client, agent, locked):
    basics, enrolment, text, _attached = locked
    complete(enrolment_for(agent, basics))
    client.force_login(agent)

    page = html(client.get(reverse("courses:lesson", args=[enrolment.pk, text.pk])))

    assert "先倾听，再提出两个方案。" in page
    assert reverse("courses:lesson-done", args=[enrolment.pk, text.pk]) in page


def test_the_api_refuses_a_locked_courses_lessons_and_says_what_is_missing(agent, locked):
    basics, enrolment, _text, _attached = locked
    api = APIClient()
    api.force_login(agent)
    url = f"/api/enrolments/{enrolment.pk}/lessons/"

    refused = api.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert refused.status_code == 403
    assert "客服基础" in refused.data["detail"]
    assert "先倾听" not in refused.content.decode()

    complete(enrolment_for(agent, basics))
    lessons = api.get(url).data
    assert "先倾听，再提出两个方案。" in lessons[0]["html"]
