"""The "Assign" links on the authoring pages are shown only to those the assign page lets
in: a trainer authors courses and paths but does not assign them (HR, team leads and
mentors do), so a trainer never follows a link to a 404."""

import pytest
from django.urls import reverse

from courses import services
from tests.courses.factories import CourseFactory, LearningPathFactory, LessonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    course = CourseFactory(title_zh="退换货流程")
    LessonFactory(course=course)
    services.course_publish(course=course, published_by=None)
    path = LearningPathFactory(title_zh="新人入职路径")
    return course, path


def test_a_trainer_sees_no_assign_link_and_the_assign_page_is_indeed_closed_to_them(
    client, trainer, published
):
    course, path = published
    assign = reverse("courses:assign")
    client.force_login(trainer)

    course_page = client.get(reverse("courses:manage-course", args=[course.pk])).content.decode()
    paths_page = client.get(reverse("courses:manage-paths")).content.decode()

    assert "退换货流程" in course_page and "新人入职路径" in paths_page
    assert f"{assign}?course={course.pk}" not in course_page
    assert f"{assign}?path={path.pk}" not in paths_page
    assert client.get(f"{assign}?course={course.pk}").status_code == 404


def test_hr_sees_the_assign_links_and_they_open(client, hr, published):
    course, path = published
    assign = reverse("courses:assign")
    client.force_login(hr)

    course_page = client.get(reverse("courses:manage-course", args=[course.pk])).content.decode()
    paths_page = client.get(reverse("courses:manage-paths")).content.decode()

    assert f"{assign}?course={course.pk}" in course_page
    assert f"{assign}?path={path.pk}" in paths_page
    assert client.get(f"{assign}?path={path.pk}").status_code == 200
