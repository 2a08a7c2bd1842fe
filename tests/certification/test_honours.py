"""Honours: HR's honour types and monthly awards (once per type, person and month, with
their points once), the honours page, and what the person page shows (honours, ability
tags, points, level)."""

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from certification import points
from certification.models import CareerStatus, Certificate, Honour, HonourType, PointsEntry
from tests.certification.factories import CareerLevelFactory, HonourTypeFactory, ProgramFactory

HTMX = {"HX-Request": "true"}


def url(name: str, *args) -> str:
    return reverse(f"certification:{name}", args=args)


def html(response) -> str:
    return response.content.decode()


def last_month() -> datetime.date:
    return (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def certificate_row(holder, program, *, expires_in_days=300, status="issued", **fields):
    """A certificate row without rendering a PDF (the PDF is not the point here)."""
    today = timezone.localdate()
    return Certificate.objects.create(
        program=program,
        holder=holder,
        serial=f"AA-T-{uuid.uuid4().hex[:10]}",
        code=uuid.uuid4().hex,
        status=status,
        requested_at=timezone.now(),
        issued_at=timezone.now(),
        valid_from=today - datetime.timedelta(days=30),
        expires_on=None if expires_in_days is None else today + datetime.timedelta(expires_in_days),
        pdf="certificates/test.pdf",
        revoked_at=timezone.now() if status == "revoked" else None,
        **fields,
    )


# --- Services ----------------------------------------------------------------------------


def test_an_honour_is_awarded_once_per_type_person_and_month_with_its_points_once(agent, hr):
    star = HonourTypeFactory(code="service-star", name_zh="服务之星", points=50)
    month = last_month()
    honour = points.honour_award(honour_type=star, person=agent, month=month, awarded_by=hr)

    with pytest.raises(ValidationError) as caught:
        points.honour_award(
            honour_type=star, person=agent, month=month + datetime.timedelta(days=5), awarded_by=hr
        )
    assert caught.value.code == "duplicate"
    assert Honour.objects.count() == 1
    entries = PointsEntry.objects.filter(person=agent)
    assert list(entries.values_list("amount", "reason", "source_id")) == [(50, "honour", honour.pk)]
    assert entries.get().created_by == hr


def test_another_month_or_another_honour_is_another_award(agent, hr):
    star = HonourTypeFactory(points=50)
    expert = HonourTypeFactory(code="problem-solver", name_zh="问题解决专家", points=30)
    month = last_month()
    points.honour_award(honour_type=star, person=agent, month=month, awarded_by=hr)
    points.honour_award(honour_type=expert, person=agent, month=month, awarded_by=hr)
    earlier = (month - datetime.timedelta(days=1)).replace(day=1)
    points.honour_award(honour_type=star, person=agent, month=earlier, awarded_by=hr)
    assert Honour.objects.filter(person=agent).count() == 3
    assert points.balance(agent) == 130


def test_an_honour_without_points_adds_no_entry(agent, hr):
    honour_type = HonourTypeFactory(points=0)
    points.honour_award(honour_type=honour_type, person=agent, month=last_month(), awarded_by=hr)
    assert Honour.objects.count() == 1
    assert not PointsEntry.objects.exists()


@pytest.mark.parametrize(
    ("case", "code"),
    [("inactive_type", "inactive"), ("future", "future"), ("inactive_person", "inactive_person")],
)
def test_bad_awards_are_refused_and_change_nothing(agent, hr, case, code):
    honour_type = HonourTypeFactory(is_active=case != "inactive_type")
    month = last_month()
    if case == "future":
        month = (timezone.localdate().replace(day=28) + datetime.timedelta(days=10)).replace(day=1)
    if case == "inactive_person":
        agent.is_active = False
        agent.save(update_fields=["is_active"])
    with pytest.raises(ValidationError) as caught:
        points.honour_award(honour_type=honour_type, person=agent, month=month, awarded_by=hr)
    assert caught.value.code == code
    assert not Honour.objects.exists()
    assert not PointsEntry.objects.exists()


def test_honour_types_are_created_edited_and_retired(db):
    star = points.honour_type_create(code="service-star", name_zh="服务之星", points=50)
    points.honour_type_update(
        honour_type=star, name_zh="服务之星", name_en="Service star", points=60, is_active=False
    )
    star.refresh_from_db()
    assert (star.name_en, star.points, star.is_active) == ("Service star", 60, False)
    with pytest.raises(ValidationError):
        points.honour_type_create(code="service-star", name_zh="重复")
    with pytest.raises(ValidationError):
        points.honour_type_create(code="no name", name_zh="")
    assert HonourType.objects.count() == 1


def test_ability_tags_come_from_valid_and_expiring_certificates_only(agent):
    valid = ProgramFactory(tag_zh="售后专家", tag_en="After-sales expert")
    expiring = ProgramFactory(tag_zh="沟通达人")
    expired = ProgramFactory(tag_zh="过期标签")
    revoked = ProgramFactory(tag_zh="撤销标签")
    untagged = ProgramFactory()
    certificate_row(agent, valid)
    certificate_row(agent, expiring, expires_in_days=10)
    certificate_row(agent, expired, expires_in_days=-1)
    certificate_row(agent, revoked, status="revoked")
    certificate_row(agent, untagged)

    assert sorted(points.ability_tags(agent)) == ["售后专家", "沟通达人"]


# --- Pages --------------------------------------------------------------------------------


def test_an_agent_cannot_award_or_manage_honours(client, agent, other_agent):
    honour_type = HonourTypeFactory()
    client.force_login(agent)
    response = client.post(
        url("honour-award"),
        {
            "honour_type": honour_type.pk,
            "person": agent.pk,
            "month": last_month().strftime("%Y-%m"),
        },
    )
    assert response.status_code == 404
    assert client.get(url("honour-types")).status_code == 404
    assert client.post(url("honour-types"), {"code": "x", "name_zh": "x"}).status_code == 404
    assert client.get(url("honour-type-edit", honour_type.pk)).status_code == 404
    assert not Honour.objects.exists()
    assert HonourType.objects.count() == 1
    # The list itself is public recognition, without the award form.
    page = client.get(url("honours"))
    assert page.status_code == 200
    assert url("honour-award") not in html(page)


def test_hr_awards_an_honour_from_the_page(client, agent, hr):
    star = HonourTypeFactory(name_zh="服务之星", points=50)
    month = last_month()
    client.force_login(hr)
    assert url("honour-award") in html(client.get(url("honours")))
    response = client.post(
        url("honour-award"),
        {
            "honour_type": star.pk,
            "person": agent.pk,
            "month": month.strftime("%Y-%m"),
            "note": "连续三周零差评",
        },
    )
    assert response.status_code == 302
    honour = Honour.objects.get()
    assert (honour.person, honour.month, honour.note, honour.awarded_by) == (
        agent,
        month,
        "连续三周零差评",
        hr,
    )
    assert points.balance(agent) == 50
    listing = html(client.get(url("honours"), {"month": month.strftime("%Y-%m")}))
    assert "服务之星" in listing and "连续三周零差评" in listing


def test_a_second_award_for_the_month_is_refused_with_a_message(client, agent, hr):
    star = HonourTypeFactory(points=50)
    month = last_month()
    points.honour_award(honour_type=star, person=agent, month=month, awarded_by=hr)
    client.force_login(hr)
    response = client.post(
        url("honour-award"),
        {"honour_type": star.pk, "person": agent.pk, "month": month.strftime("%Y-%m")},
    )
    assert response.status_code == 400
    assert month.strftime("%Y-%m") in html(response)
    assert Honour.objects.count() == 1
    assert points.balance(agent) == 50


def test_a_bad_month_is_refused(client, agent, hr):
    star = HonourTypeFactory()
    client.force_login(hr)
    response = client.post(
        url("honour-award"), {"honour_type": star.pk, "person": agent.pk, "month": "2026-13"}
    )
    assert response.status_code == 400
    assert not Honour.objects.exists()


def test_honours_are_listed_by_month(client, agent, other_agent, hr):
    star = HonourTypeFactory(name_zh="服务之星")
    month = last_month()
    earlier = (month - datetime.timedelta(days=1)).replace(day=1)
    points.honour_award(honour_type=star, person=agent, month=month, awarded_by=hr)
    points.honour_award(honour_type=star, person=other_agent, month=earlier, awarded_by=hr)
    client.force_login(agent)
    everything = html(client.get(url("honours")))
    assert everything.index(str(agent)) < everything.index(str(other_agent))  # newest first
    only_earlier = html(client.get(url("honours"), {"month": earlier.strftime("%Y-%m")}))
    assert str(other_agent) in only_earlier and str(agent) not in only_earlier.split("<main")[1]


def test_hr_creates_edits_and_retires_an_honour_type(client, hr):
    client.force_login(hr)
    response = client.post(
        url("honour-types"),
        {
            "code": "service-star",
            "name_zh": "服务之星",
            "name_en": "",
            "points": 50,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    star = HonourType.objects.get(code="service-star")
    response = client.post(
        url("honour-type-edit", star.pk),
        {"code": "renamed", "name_zh": "服务之星", "name_en": "Service star", "points": 80},
    )
    assert response.status_code == 302
    star.refresh_from_db()
    assert (star.code, star.name_en, star.points, star.is_active) == (
        "service-star",
        "Service star",
        80,
        False,
    )
    # A retired honour is no longer offered for awards.
    page = html(client.get(url("honours")))
    choices = page.split('name="honour_type"')[1].split("</select>")[0]
    assert f'value="{star.pk}"' not in choices


def test_a_duplicate_honour_code_is_refused(client, hr):
    HonourTypeFactory(code="service-star")
    client.force_login(hr)
    response = client.post(
        url("honour-types"), {"code": "service-star", "name_zh": "另一个", "points": 5}
    )
    assert response.status_code == 200
    assert HonourType.objects.count() == 1


# --- The person page's panel ------------------------------------------------------------


def test_the_person_panel_shows_honours_tags_points_and_level(client, agent, team_lead, hr):
    star = HonourTypeFactory(name_zh="服务之星", points=40)
    points.honour_award(honour_type=star, person=agent, month=last_month(), awarded_by=hr)
    certificate_row(agent, ProgramFactory(tag_zh="售后专家"))
    level = CareerLevelFactory(name_zh="中级客服")
    CareerStatus.objects.create(person=agent, level=level, since=timezone.localdate())

    client.force_login(team_lead)
    person_page = html(client.get(reverse("person-detail", args=[agent.pk])))
    assert url("person-panel", agent.pk) in person_page
    panel = html(client.get(url("person-panel", agent.pk), headers=HTMX))
    for text in ("服务之星", "售后专家", "中级客服", ">40<", url("points-statement", agent.pk)):
        assert text in panel


def test_the_person_panel_is_a_404_for_someone_who_may_not_see_the_person(
    client, agent, other_agent
):
    client.force_login(other_agent)
    assert client.get(url("person-panel", agent.pk), headers=HTMX).status_code == 404
    # Without htmx the URL leads to the person page (itself permission-checked).
    response = client.get(url("person-panel", agent.pk))
    assert response.status_code == 302
    assert response["Location"] == reverse("person-detail", args=[agent.pk])
