"""HR manages people in the admin but cannot hand out site-wide power."""

import pytest
from django.contrib.auth.models import Group

from lms.models import Role
from tests.lms.factories import UserFactory


@pytest.fixture
def hr_staff(hr):
    hr.is_staff = True
    hr.save(update_fields=["is_staff"])
    return hr


def _change_form(user) -> dict:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "english_name": user.english_name,
        "employee_no": user.employee_no,
        "preferred_language": "zh-hans",
        "time_zone": "Asia/Shanghai",
        "mentor_capacity": 5,
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00:00",
    }


def test_hr_cannot_make_anyone_superuser_or_staff(client, hr_staff, agent):
    client.force_login(hr_staff)
    form = {**_change_form(agent), "is_superuser": "on", "is_staff": "on"}

    response = client.post(f"/admin/lms/user/{agent.pk}/change/", form)

    assert response.status_code == 302, response.content.decode()[:2000]
    agent.refresh_from_db()
    assert (agent.is_superuser, agent.is_staff) == (False, False)


def test_hr_cannot_promote_themselves(client, hr_staff):
    client.force_login(hr_staff)
    form = {**_change_form(hr_staff), "is_superuser": "on", "is_staff": "on"}

    client.post(f"/admin/lms/user/{hr_staff.pk}/change/", form)

    hr_staff.refresh_from_db()
    assert hr_staff.is_superuser is False


def test_hr_cannot_hand_out_the_administrator_role(client, hr_staff, agent):
    admin_group = Group.objects.get(name=Role.ADMIN)
    mentor_group = Group.objects.get(name=Role.MENTOR)
    client.force_login(hr_staff)
    form = {**_change_form(agent), "groups": [admin_group.pk]}

    refused = client.post(f"/admin/lms/user/{agent.pk}/change/", form)

    assert refused.status_code == 200  # the form comes back with the error
    assert not agent.groups.filter(name=Role.ADMIN).exists()

    client.post(f"/admin/lms/user/{agent.pk}/change/", {**form, "groups": [mentor_group.pk]})
    assert set(agent.groups.values_list("name", flat=True)) == {Role.MENTOR}


def test_hr_cannot_edit_a_superuser_account(client, hr_staff):
    boss = UserFactory(username="boss", is_superuser=True, is_staff=True, roles=[])
    client.force_login(hr_staff)

    response = client.post(
        f"/admin/lms/user/{boss.pk}/password/",
        {
            "password1": "a-new-pass-2026",
            "password2": "a-new-pass-2026",
        },
    )

    assert response.status_code == 403
    boss.refresh_from_db()
    assert boss.check_password("test-pass-123")


def test_a_superuser_still_can(client, agent):
    boss = UserFactory(username="boss", is_superuser=True, is_staff=True, roles=[])
    client.force_login(boss)

    client.post(f"/admin/lms/user/{agent.pk}/change/", {**_change_form(agent), "is_staff": "on"})

    agent.refresh_from_db()
    assert agent.is_staff is True


def test_hr_cannot_read_api_tokens_in_the_admin(client, hr_staff):
    client.force_login(hr_staff)

    assert client.get("/admin/authtoken/tokenproxy/").status_code == 403
