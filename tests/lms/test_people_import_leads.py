"""People import and team leads: a team lead in the file leads the team on their row, so
that the reports show them their team; one lead per team; taking the role away or marking
the person as having left ends the leading; the same file twice changes nothing."""

import pytest
from django.urls import reverse

from lms.models import Team, User
from tests.lms.factories import UserFactory
from tests.lms.test_people_import import csv_bytes, errors_by_line, run, snapshot

pytestmark = pytest.mark.django_db

HEADER = "工号,姓名,团队,团队名称,角色,在职"


def lead_of(code: str) -> str | None:
    lead = Team.objects.get(code=code).lead
    return lead.employee_no if lead else None


def test_a_new_team_lead_leads_the_team_on_their_row_and_again_changes_nothing(team, hr):
    data = csv_bytes(
        "YS0100,周组长,apparel,,主管,是", "YS0101,孙客服,apparel,,客服,是", header=HEADER
    )

    first = run(data, by=hr)
    second = run(data, by=hr)

    assert first.ok, first.errors
    assert lead_of("apparel") == "YS0100"
    assert (second.created, second.updated, second.unchanged) == (0, 0, 2)
    assert lead_of("apparel") == "YS0100"


def test_the_imported_team_lead_sees_their_team_in_the_competency_report(
    client, team, other_team, hr
):
    data = csv_bytes("YS0100,周组长,apparel,,team_lead,是", header=HEADER)
    assert run(data, by=hr).ok
    lead = User.objects.get(employee_no="YS0100")
    lead.set_password("a-long-password-2026")
    lead.save()
    client.force_login(lead)

    page = client.get(reverse("lms_reports:competencies")).content.decode()

    assert "服饰组" in page
    assert "美妆组" not in page


def test_a_file_lead_replaces_the_stored_lead_and_the_dry_run_says_so(team, team_lead, hr):
    data = csv_bytes("YS0100,周组长,apparel,,主管,是", header=HEADER)
    before = snapshot()

    preview = run(data, dry_run=True, by=hr)

    assert preview.ok, preview.errors
    assert snapshot() == before
    assert Team.objects.get(code="apparel").lead == team_lead
    fields = {f.label: f.new for f in preview.changes[0].fields}
    assert fields["担任组长"] == f"服饰组，接替 {team_lead}"

    assert run(data, by=hr).ok
    assert lead_of("apparel") == "YS0100"
    assert User.objects.get(pk=team_lead.pk).led_teams.count() == 0


def test_two_leads_for_one_team_are_refused_on_both_lines_and_nothing_is_saved(team, hr):
    data = csv_bytes(
        "YS0100,周组长,apparel,,主管,是",
        "YS0101,孙客服,apparel,,客服,是",
        "YS0102,钱组长,服饰组,,team lead,是",
        header=HEADER,
    )
    before = snapshot()

    result = run(data, by=hr)

    lines = errors_by_line(result)
    assert set(lines) == {2, 4}
    assert "第 4 行" in lines[2][0] and "第 2 行" in lines[4][0]
    assert snapshot() == before
    assert Team.objects.get(code="apparel").lead is None


def test_a_new_team_is_created_with_its_lead(hr):
    data = csv_bytes("YS0100,周组长,digital,数码组,主管,是", header=HEADER)

    result = run(data, by=hr)

    assert result.ok, result.errors
    assert lead_of("digital") == "YS0100"


def test_taking_the_role_away_ends_the_leading(team, team_lead, hr):
    team_lead.employee_no = "YS0009"
    team_lead.save()
    data = csv_bytes("YS0009,张主管,,,客服,是", header=HEADER)

    preview = run(data, dry_run=True, by=hr)
    result = run(data, by=hr)

    leads = [f for f in preview.changes[0].fields if f.label == "担任组长"]
    assert [(f.old, f.new) for f in leads] == [("服饰组", "—")]
    assert result.ok, result.errors
    assert Team.objects.get(code="apparel").lead is None


def test_marking_a_lead_as_left_ends_the_leading(team, team_lead, hr):
    team_lead.employee_no = "YS0009"
    team_lead.save()

    result = run(csv_bytes("YS0009,张主管,,,,否", header=HEADER), by=hr)

    assert result.ok, result.errors
    assert Team.objects.get(code="apparel").lead is None


def test_a_lead_who_moves_keeps_the_old_team_until_the_file_names_its_new_lead(
    team, other_team, team_lead, hr
):
    team_lead.employee_no = "YS0009"
    team_lead.save()
    moved = csv_bytes("YS0009,张主管,cosmetics,,,是", header=HEADER)

    assert run(moved, by=hr).ok
    assert (lead_of("apparel"), lead_of("cosmetics")) == ("YS0009", "YS0009")

    both = csv_bytes(
        "YS0009,张主管,cosmetics,,,是", "YS0100,周组长,apparel,,主管,是", header=HEADER
    )
    assert run(both, by=hr).ok
    assert (lead_of("apparel"), lead_of("cosmetics")) == ("YS0100", "YS0009")


def test_someone_who_leads_without_the_role_is_left_alone_by_a_file_without_roles(team, hr):
    # A lead set by an administrator without the role: a file that does not speak of
    # roles must not end it.
    person = UserFactory(employee_no="YS0009", display_name="张主管", team=team)
    team.lead = person
    team.save()

    result = run(csv_bytes("YS0009,张主管,,,,是", header=HEADER), by=hr)

    assert result.ok, result.errors
    assert lead_of("apparel") == "YS0009"
