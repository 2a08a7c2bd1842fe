"""The calibration API (agreement report, a second grader, second graders at random) and
the random-share form on the calibration page: the refused request first, then the same
one succeeding for HR or a trainer, with the change it makes."""

import random

import pytest
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from rest_framework.test import APIClient

from assessments import roleplay
from assessments.calibration import agreement_report
from assessments.models import Grade, Submission
from tests.assessments.roleplay_factories import published_scenario, submitted
from tests.assessments.test_calibration import double_graded

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def url(name: str, *args) -> str:
    return reverse(f"assessments:{name}", args=args)


AGREEMENT = "/api/calibration/agreement/"
SAMPLE = "/api/calibration/second-graders/"


def second(submission: Submission) -> str:
    return f"/api/submissions/{submission.pk}/second-grader/"


# --- The agreement report ---------------------------------------------------------------


def test_the_agreement_report_is_for_hr_and_trainers(api, agent, other_agent, mentor, hr, trainer):
    scenario = published_scenario()
    double_graded(scenario, agent, hr, trainer, [4, 4], [4, 2], hr=hr)
    double_graded(scenario, other_agent, hr, trainer, [2, 0], [2, 0], hr=hr)
    for person in (agent, mentor):
        api.force_login(person)
        assert api.get(AGREEMENT).status_code == 403
    expected = agreement_report()
    for person in (hr, trainer):
        api.force_login(person)
        data = api.get(AGREEMENT).json()
        [rubric_row] = data["by_rubric"]
        assert rubric_row["label"] == expected.by_rubric[0].label == str(scenario.rubric)
        assert (
            rubric_row["submissions"],
            rubric_row["criteria"],
            rubric_row["exact"],
            rubric_row["exact_percent"],
        ) == (2, 4, 3, 75)
        assert rubric_row["kappa"] == pytest.approx(expected.by_rubric[0].kappa) == 0.8
        assert rubric_row["exact_share"] == pytest.approx(0.75)
        assert rubric_row["mean_score_difference"] == "15.00"
        [grader_row] = data["by_grader"]
        assert grader_row["label"] == str(hr)
        assert grader_row["kappa"] == pytest.approx(expected.by_grader[0].kappa)


def test_an_empty_report_has_no_rows_and_null_kappa_is_allowed(api, agent, hr, trainer):
    api.force_login(hr)
    assert api.get(AGREEMENT).json() == {"by_rubric": [], "by_grader": []}
    # Both graders chose the top level everywhere: no variation, kappa undefined.
    double_graded(published_scenario(), agent, hr, trainer, [4, 4], [4, 4], hr=hr)
    [row] = api.get(AGREEMENT).json()["by_rubric"]
    assert row["kappa"] is None and row["exact_percent"] == 100


# --- A second grader for one submission -------------------------------------------------


def test_second_grader_post(api, agent, mentor, hr, trainer):
    submission = submitted(published_scenario(), agent)
    for person in (agent, mentor):
        api.force_login(person)
        assert api.post(second(submission), {"grader": trainer.pk}).status_code == 403
    assert not Grade.objects.exists()

    api.force_login(hr)
    assert (
        api.post("/api/submissions/999999/second-grader/", {"grader": trainer.pk}).status_code
        == 404
    )
    assert api.post(second(submission), {}).status_code == 400
    assert api.post(second(submission), {"grader": 999999}).status_code == 400
    refused = api.post(second(submission), {"grader": agent.pk})
    assert refused.status_code == 400
    assert gettext("Nobody grades their own work.") in str(refused.json())
    assert not Grade.objects.exists()

    response = api.post(second(submission), {"grader": trainer.pk})
    assert response.status_code == 201
    grade = Grade.objects.get()
    assert response.json() == {
        "id": grade.pk,
        "submission": submission.pk,
        "grader": {"id": trainer.pk, "username": "trainer", "display_name": "赵培训"},
        "role": "second",
        "status": "draft",
    }
    submission.refresh_from_db()
    assert submission.status == Submission.Status.IN_REVIEW
    # Asking again for the same grader returns the same grade; another is refused.
    assert api.post(second(submission), {"grader": trainer.pk}).status_code == 200
    taken = api.post(second(submission), {"grader": mentor.pk})
    assert taken.status_code == 400
    assert Grade.objects.count() == 1


# --- Second graders at random ---------------------------------------------------------------


def test_random_share_post(api, agent, other_agent, mentor, hr, trainer):
    scenario = published_scenario()
    for person in (agent, other_agent, agent, other_agent):
        submitted(scenario, person)
    api.force_login(agent)
    assert api.post(SAMPLE, {"share": 50, "graders": [trainer.pk]}).status_code == 403
    api.force_login(trainer)
    for bad in (
        {"share": 0, "graders": [hr.pk]},
        {"share": 101, "graders": [hr.pk]},
        {"share": 50, "graders": []},
        {"share": 50, "graders": [999999]},
        {"graders": [hr.pk]},
    ):
        assert api.post(SAMPLE, bad, format="json").status_code == 400, bad
    assert not Grade.objects.exists()

    response = api.post(SAMPLE, {"share": 50, "graders": [hr.pk]}, format="json")
    assert response.status_code == 201
    created = response.json()
    assert len(created) == 2  # half of four
    assert {g["grader"]["id"] for g in created} == {hr.pk}
    assert {g["role"] for g in created} == {"second"}
    assert Grade.objects.filter(role=Grade.Role.SECOND, grader=hr).count() == 2
    # The rest: the two without a second grader yet (rounded up, 1 % is one of them).
    response = api.post(SAMPLE, {"share": 1, "graders": [hr.pk]}, format="json")
    assert len(response.json()) == 1
    assert Grade.objects.filter(role=Grade.Role.SECOND).count() == 3


def test_random_share_draws_through_the_services_rng(api, agent, other_agent, hr, monkeypatch):
    scenario = published_scenario()
    waiting = [submitted(scenario, p) for p in (agent, other_agent, agent)]
    real = roleplay.second_graders_sample

    def seeded(**kwargs):
        return real(rng=random.Random(7), **kwargs)

    monkeypatch.setattr(roleplay, "second_graders_sample", seeded)
    expected = random.Random(7).sample(sorted(waiting, key=lambda s: s.pk), 2)
    api.force_login(hr)
    response = api.post(SAMPLE, {"share": 60, "graders": [hr.pk]}, format="json")
    assert [g["submission"] for g in response.json()] == [s.pk for s in expected]


# --- The random-share form on the calibration page -------------------------------------------


def test_the_calibration_page_loads_the_random_share_form(client, agent, hr):
    client.force_login(hr)
    page = client.get(url("roleplay-calibration")).content.decode()
    assert f'hx-get="{url("plan-calibration-sample")}"' in page
    form = client.get(url("plan-calibration-sample"), headers={"HX-Request": "true"})
    body = form.content.decode()
    assert 'name="share"' in body and f'value="{hr.pk}"' in body
    assert "<html" not in body  # the partial only
    # Without htmx: the report with the form in place.
    full = client.get(url("plan-calibration-sample")).content.decode()
    assert 'id="by-rubric"' in full and 'name="graders"' in full


def test_the_random_share_form(client, agent, other_agent, mentor, hr, trainer):
    scenario = published_scenario()
    for person in (agent, other_agent, agent, other_agent):
        submitted(scenario, person)
    target = url("plan-calibration-sample")
    for person in (agent, mentor):
        client.force_login(person)
        assert client.get(target).status_code == 404
        assert client.post(target, {"share": 50, "graders": [trainer.pk]}).status_code == 404
    assert not Grade.objects.exists()

    client.force_login(hr)
    refused = client.post(target, {"share": 0, "graders": []})
    assert refused.status_code == 400
    assert gettext("Choose at least one grader.") in refused.content.decode()
    assert not Grade.objects.exists()

    response = client.post(target, {"share": 50, "graders": [trainer.pk]}, follow=True)
    assert response.redirect_chain[-1][0] == url("roleplay-calibration")
    message = ngettext(
        "%(count)d submission will be graded a second time.",
        "%(count)d submissions will be graded a second time.",
        2,
    ) % {"count": 2}
    assert message in response.content.decode()
    assert Grade.objects.filter(role=Grade.Role.SECOND, grader=trainer).count() == 2
