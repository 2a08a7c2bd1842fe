"""Ladder pages: the agent's "next level: what is left", HR's levels and the promotion
board (who may see and decide, what a decision changes, fixed query counts)."""

from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from certification import ladder
from certification.models import CareerLevel, CareerStatus, Promotion
from tests.certification.factories import ProgramFactory
from tests.certification.test_ladder import Ladder
from tests.lms.factories import PositionProfileFactory, UserFactory


def url(name: str, *args) -> str:
    return reverse(f"certification:{name}", args=args)


def html(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- The agent's page ---------------------------------------------------------------------


def test_the_agent_sees_what_is_left_for_the_next_level(client, agent, db):
    rungs = Ladder()
    rungs.qualify(agent, points_amount=40)
    client.force_login(agent)
    page = html(client.get(url("ladder-me")))
    assert "中级" in page  # the next level
    assert page.count('class="met check-') == 4
    assert page.count('class="unmet check-points"') == 1
    assert "售后技能认证" in page and "CRM系统" in page


def test_the_agent_at_the_top_or_before_any_level_gets_a_clear_page(client, agent, db):
    client.force_login(agent)
    page = html(client.get(url("ladder-me")))
    assert 'class="empty"' in page  # no level defined yet
    rungs = Ladder()
    CareerStatus.objects.create(person=agent, level=rungs.senior, since=timezone.localdate())
    page = html(client.get(url("ladder-me")))
    assert gettext("You have reached the top of the ladder.") in page


def test_the_agent_sees_their_own_decisions_only(client, agent, other_agent, hr, db):
    rungs = Ladder()
    rungs.qualify(agent)
    rungs.qualify(other_agent)
    ladder.promotion_decide(
        person=agent, to_level=rungs.intermediate, approve=False, note="下季度再评", decided_by=hr
    )
    ladder.promotion_decide(
        person=other_agent, to_level=rungs.intermediate, approve=False, note="别人的", decided_by=hr
    )
    client.force_login(agent)
    page = html(client.get(url("ladder-me")))
    assert "下季度再评" in page and "别人的" not in page


# --- Levels (HR) ----------------------------------------------------------------------------


def test_an_agent_cannot_see_or_change_the_levels(client, agent, db):
    level = Ladder().junior
    client.force_login(agent)
    assert client.get(url("ladder-levels")).status_code == 404
    assert client.get(url("ladder-level-create")).status_code == 404
    response = client.post(url("ladder-level-edit", level.pk), {"name_zh": "改", "rank": 9})
    assert response.status_code == 404
    level.refresh_from_db()
    assert (level.name_zh, level.rank) == ("初级", 1)


def test_hr_creates_and_edits_a_level(client, hr, db):
    program = ProgramFactory(title_zh="售后技能认证")
    profile = PositionProfileFactory()
    client.force_login(hr)
    data = {
        "code": "junior",
        "name_zh": "初级",
        "name_en": "Junior",
        "rank": 1,
        "min_points": 0,
        "min_tenure_months": 0,
        "profile": "",
    }
    assert client.post(url("ladder-level-create"), data).status_code == 302
    level = CareerLevel.objects.get(code="junior")
    data.update(
        code="ignored",
        min_points=120,
        min_tenure_months=6,
        profile=profile.pk,
        programs=[program.pk],
    )
    assert client.post(url("ladder-level-edit", level.pk), data).status_code == 302
    level.refresh_from_db()
    assert (level.code, level.min_points, level.min_tenure_months, level.profile) == (
        "junior",
        120,
        6,
        profile,
    )
    assert list(level.programs.all()) == [program]
    assert "售后技能认证" in html(client.get(url("ladder-levels")))


def test_a_level_with_a_rank_already_taken_is_refused(client, hr, db):
    Ladder()
    client.force_login(hr)
    response = client.post(
        url("ladder-level-create"),
        {"code": "other", "name_zh": "另一个", "rank": 1, "min_points": 0, "min_tenure_months": 0},
    )
    assert response.status_code == 200 and 'role="alert"' in html(response)
    assert CareerLevel.objects.count() == 3


# --- The promotion board (HR) ------------------------------------------------------------


def test_an_agent_or_team_lead_cannot_see_the_board_or_approve(client, agent, team_lead, db):
    rungs = Ladder()
    rungs.qualify(agent)
    for person in (agent, team_lead):
        client.force_login(person)
        assert client.get(url("promotion-board")).status_code == 404
        response = client.post(
            url("promotion-decide"),
            {"person": agent.pk, "to_level": rungs.intermediate.pk, "decision": "approve"},
        )
        assert response.status_code == 404
    assert not Promotion.objects.exists()
    assert CareerStatus.objects.get(person=agent).level == rungs.junior


def test_the_board_lists_the_eligible_with_their_evidence(client, agent, other_agent, hr, db):
    rungs = Ladder()
    rungs.qualify(agent)
    rungs.qualify(other_agent, points_amount=5)
    client.force_login(hr)
    page = html(client.get(url("promotion-board")))
    assert f'id="candidate-{agent.pk}"' in page
    assert f'id="candidate-{other_agent.pk}"' not in page
    candidate = page.split(f'id="candidate-{agent.pk}"')[1].split("</article>")[0]
    assert "售后技能认证" in candidate and "CRM系统" in candidate and "(100)" in candidate


def test_hr_approves_from_the_board(client, agent, hr, db):
    rungs = Ladder()
    rungs.qualify(agent)
    client.force_login(hr)
    response = client.post(
        url("promotion-decide"),
        {"person": agent.pk, "to_level": rungs.intermediate.pk, "decision": "approve"},
    )
    assert response.status_code == 302
    assert CareerStatus.objects.get(person=agent).level == rungs.intermediate
    promotion = Promotion.objects.get()
    assert (promotion.status, promotion.decided_by) == (Promotion.Status.APPROVED, hr)
    page = html(client.get(url("promotion-board")))
    assert f'id="decision-{promotion.pk}"' in page
    assert f'id="candidate-{agent.pk}"' not in page  # 高级 needs 300 points


def test_a_rejection_without_a_note_is_refused_with_a_message(client, agent, hr, db):
    rungs = Ladder()
    rungs.qualify(agent)
    client.force_login(hr)
    decide = {"person": agent.pk, "to_level": rungs.intermediate.pk, "decision": "reject"}
    response = client.post(url("promotion-decide"), {**decide, "note": ""})
    assert gettext("Say why the promotion is rejected.") in " ".join(messages_of(response))
    assert not Promotion.objects.exists()

    client.post(url("promotion-decide"), {**decide, "note": "投诉率偏高"})
    promotion = Promotion.objects.get()
    assert (promotion.status, promotion.note) == (Promotion.Status.REJECTED, "投诉率偏高")
    assert CareerStatus.objects.get(person=agent).level == rungs.junior
    page = html(client.get(url("promotion-board")))
    assert "投诉率偏高" in page.split(f'id="candidate-{agent.pk}"')[1].split("</article>")[0]


def test_a_stale_approval_from_the_board_is_refused_with_a_message(client, agent, hr, db):
    rungs = Ladder()
    rungs.qualify(agent)
    client.force_login(hr)
    decide = {"person": agent.pk, "to_level": rungs.intermediate.pk, "decision": "approve"}
    client.post(url("promotion-decide"), decide)
    response = client.post(url("promotion-decide"), decide)
    assert messages_of(response)[-1].startswith(str(agent))
    assert Promotion.objects.count() == 1


def _board_queries(client, hr, rungs, people: int) -> int:
    for _ in range(people):
        person = UserFactory()
        rungs.qualify(person)
    decided = UserFactory()
    rungs.qualify(decided)
    ladder.promotion_decide(
        person=decided, to_level=rungs.intermediate, approve=False, note="再看看", decided_by=hr
    )
    client.force_login(hr)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url("promotion-board"))
    assert html(response).count('class="card candidate"') == min(CareerStatus.objects.count(), 25)
    return len(ctx.captured_queries)


def test_the_board_query_count_is_fixed(client, hr, db):
    rungs = Ladder()
    assert _board_queries(client, hr, rungs, 2) == _board_queries(client, hr, rungs, 12)
