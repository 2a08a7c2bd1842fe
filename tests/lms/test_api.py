"""The REST API: for each endpoint the refused request, then the same one succeeding for
the right person, with the data it answers and the change it makes."""

import datetime
import struct

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from lms.models import CompetencyLevel, Evidence, Level, Mentorship, Role, User
from lms.services import evidence_record
from tests.lms.factories import (
    PASSWORD,
    AreaFactory,
    BehaviouralIndicatorFactory,
    CompetencyFactory,
    CompetencyLevelFactory,
    DimensionFactory,
    EvidenceFactory,
    MentorshipFactory,
    PositionProfileFactory,
    PositionRequirementFactory,
    TeamFactory,
    UserFactory,
)

# The services' messages as the product's .po should translate them. The tests install
# them as a catalog of their own, so they check that a domain error reaches the client in
# the user's language whether or not the project's catalog has been compiled.
ZH = {
    "Nobody can mentor themselves.": "不能给自己当导师。",
    "%(mentee)s already has an active mentor: %(mentor)s.": "%(mentee)s已有导师：%(mentor)s。",
    "%(mentor)s already coaches %(count)s people, the capacity.": (
        "%(mentor)s已在带%(count)s人，名额已满。"
    ),
    "Evidence cannot be dated in the future.": "证据日期不能晚于今天。",
    "Say why the evidence is withdrawn.": "请说明撤回证据的原因。",
    "This mentorship has already ended.": "该导师关系已经结束。",
    "No competency has this code or id.": "没有这个代码或编号的能力项。",
    "Only HR can record assessments.": "只有人力资源可以录入评估。",
    "Only HR can manage mentorships.": "只有人力资源可以管理导师关系。",
}


def _write_mo(path, messages: dict[str, str]) -> None:
    """A GNU .mo catalog, as msgfmt writes it (without the optional hash table)."""
    entries = {"": "Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=1; plural=0;\n"}
    entries.update(messages)
    ids = [key.encode() for key in sorted(entries)]
    strs = [entries[key].encode() for key in sorted(entries)]
    count = len(ids)
    ids_table, strs_table = 7 * 4, 7 * 4 + count * 8
    offset = strs_table + count * 8
    id_offsets, str_offsets, blob = [], [], b""
    for table, offsets in ((ids, id_offsets), (strs, str_offsets)):
        for data in table:
            offsets.append((len(data), offset + len(blob)))
            blob += data + b"\0"
    header = struct.pack("<7I", 0x950412DE, 0, count, ids_table, strs_table, 0, 0)
    table_bytes = b"".join(struct.pack("<2I", *pair) for pair in id_offsets + str_offsets)
    path.write_bytes(header + table_bytes + blob)


@pytest.fixture
def chinese_messages(settings, tmp_path):
    folder = tmp_path / "zh_Hans" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    _write_mo(folder / "django.mo", ZH)
    settings.LOCALE_PATHS = [tmp_path]  # resets Django's translation caches both ways
    return ZH


@pytest.fixture
def client():
    return APIClient()


def _as(client: APIClient, user: User) -> APIClient:
    client.force_login(user)
    return client


def _ids(response) -> list[int]:
    return sorted(row["id"] for row in response.data["results"])


@pytest.fixture
def competency(db):
    area = AreaFactory(
        dimension=DimensionFactory(), code="tools", name_zh="工具使用", name_en="Tool usage"
    )
    return CompetencyFactory(
        area=area, code="crm", name_zh="客户关系管理系统", name_en="CRM system", order=1
    )


@pytest.fixture
def second_competency(competency):
    return CompetencyFactory(
        area=competency.area, code="kb", name_zh="智能知识库", name_en="Knowledge base", order=2
    )


# --- Token and /me/ ----------------------------------------------------------------------


def test_token_is_refused_for_a_wrong_password_then_authenticates_requests(client, agent):
    refused = client.post(
        "/api/auth/token/", {"username": "agent", "password": "wrong"}, format="json"
    )
    assert refused.status_code == 400
    assert not Token.objects.exists()
    assert client.get("/api/me/").status_code == 401

    response = client.post(
        "/api/auth/token/", {"username": "agent", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.data["token"]
    assert Token.objects.get(user=agent).key == token

    bad = APIClient(HTTP_AUTHORIZATION="Token not-a-token").get("/api/me/")
    assert bad.status_code == 401
    assert bad.headers["WWW-Authenticate"] == "Token"
    me = APIClient(HTTP_AUTHORIZATION=f"Token {token}").get("/api/me/")
    assert me.status_code == 200
    assert me.data["username"] == "agent"


def test_me_needs_a_signed_in_user_and_describes_them(client, agent, team):
    agent.position = PositionProfileFactory(code="junior", name_zh="初级客服", name_en="Junior")
    agent.save(update_fields=["position"])
    assert client.get("/api/me/").status_code == 401

    response = _as(client, agent).get("/api/me/")
    assert response.status_code == 200
    assert response.data == {
        "id": agent.pk,
        "username": "agent",
        "display_name": "王雨桐",
        "english_name": agent.english_name,
        "employee_no": agent.employee_no,
        "hire_date": "2025-03-01",
        "team": {"id": team.pk, "code": "apparel", "name": "服饰组"},
        "position": {"id": agent.position.pk, "code": "junior", "name": "初级客服"},
        "roles": ["agent"],
        "preferred_language": "zh-hans",
        "time_zone": "Asia/Shanghai",
    }


def test_me_lists_roles_sorted(client, mentor):
    response = _as(client, mentor).get("/api/me/")
    assert response.data["roles"] == ["agent", "mentor"]


# --- Matrix ------------------------------------------------------------------------------


def test_matrix_is_for_signed_in_users_in_both_languages(client, agent, competency, settings):
    BehaviouralIndicatorFactory(competency=competency, level=Level.ADVANCED, text_zh="批量处理")
    BehaviouralIndicatorFactory(competency=competency, level=Level.BASIC, text_zh="查询订单")
    CompetencyFactory(area=competency.area, code="retired", is_active=False)
    assert client.get("/api/matrix/").status_code == 401

    response = _as(client, agent).get("/api/matrix/")
    assert response.status_code == 200
    [dimension] = response.data
    assert (dimension["code"], dimension["name"], dimension["name_en"]) == (
        "technical",
        "技术维度",
        "Technical",
    )
    [area] = dimension["areas"]
    assert area["name"] == "工具使用"
    [crm] = area["competencies"]  # the inactive one is left out
    assert (crm["code"], crm["name"], crm["name_zh"], crm["name_en"]) == (
        "crm",
        "客户关系管理系统",
        "客户关系管理系统",
        "CRM system",
    )
    assert [level["level"] for level in crm["levels"]] == [1, 2, 3]
    assert [i["text_zh"] for i in crm["levels"][0]["indicators"]] == ["查询订单"]
    assert [i["text_zh"] for i in crm["levels"][1]["indicators"]] == ["批量处理"]
    assert crm["levels"][2]["indicators"] == []

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/api/matrix/")
    assert english.data[0]["areas"][0]["competencies"][0]["name"] == "CRM system"


# --- People ------------------------------------------------------------------------------


def test_an_agent_sees_only_themselves(client, agent, other_agent):
    response = _as(client, agent).get("/api/people/")
    assert response.status_code == 200
    assert response.data["count"] == 1
    [me] = response.data["results"]
    assert (me["id"], me["display_name"], me["roles"]) == (agent.pk, "王雨桐", ["agent"])
    assert me["team"]["code"] == "apparel"


def test_a_team_lead_sees_their_team_only(client, team_lead, agent, mentor, other_agent):
    assert _ids(_as(client, agent).get("/api/people/")) == [agent.pk]

    response = _as(client, team_lead).get("/api/people/")
    assert _ids(response) == sorted([team_lead.pk, agent.pk, mentor.pk])
    assert other_agent.pk not in _ids(response)


def test_a_mentor_sees_their_mentees(client, mentor, agent, other_agent):
    assert _ids(_as(client, other_agent).get("/api/people/")) == [other_agent.pk]

    assert _ids(_as(client, mentor).get("/api/people/")) == sorted([mentor.pk, agent.pk])


def test_hr_sees_everyone_and_filters_by_team(client, hr, agent, other_agent, team_lead):
    response = _as(client, hr).get("/api/people/")
    assert _ids(response) == sorted([hr.pk, agent.pk, other_agent.pk, team_lead.pk])

    cosmetics = client.get("/api/people/", {"team": "cosmetics"})
    assert [row["display_name"] for row in cosmetics.data["results"]] == ["李思远"]


def test_inactive_people_are_not_listed(client, hr, agent):
    agent.is_active = False
    agent.save(update_fields=["is_active"])
    assert agent.pk not in _ids(_as(client, hr).get("/api/people/"))


def test_person_detail_is_a_404_when_not_visible(client, agent, other_agent, team_lead, hr):
    assert _as(client, agent).get(f"/api/people/{other_agent.pk}/").status_code == 404
    assert _as(client, team_lead).get(f"/api/people/{other_agent.pk}/").status_code == 404
    assert client.get(f"/api/people/{agent.pk}/").data["display_name"] == "王雨桐"

    response = _as(client, hr).get(f"/api/people/{other_agent.pk}/")
    assert response.status_code == 200
    assert response.data["team"]["name"] == "美妆组"
    assert client.get("/api/people/999999/").status_code == 404


# --- Levels ------------------------------------------------------------------------------


@pytest.fixture
def profiled_agent(agent, competency, second_competency):
    position = PositionProfileFactory(code="senior", name_zh="高级客服", name_en="Senior agent")
    PositionRequirementFactory(profile=position, competency=competency, level=Level.EXPERT)
    PositionRequirementFactory(profile=position, competency=second_competency, level=Level.BASIC)
    agent.position = position
    agent.save(update_fields=["position"])
    CompetencyLevelFactory(agent=agent, competency=competency, level=Level.BASIC)
    CompetencyLevelFactory(agent=agent, competency=second_competency, level=Level.ADVANCED)
    BehaviouralIndicatorFactory(competency=competency, level=Level.BASIC, text_zh="查询订单")
    BehaviouralIndicatorFactory(competency=competency, level=Level.ADVANCED, text_zh="批量处理")
    return agent


def test_an_agent_cannot_read_another_agents_levels(client, profiled_agent, other_agent):
    assert (
        _as(client, other_agent).get(f"/api/people/{profiled_agent.pk}/levels/").status_code == 404
    )

    response = _as(client, profiled_agent).get(f"/api/people/{profiled_agent.pk}/levels/")
    assert response.status_code == 200
    assert response.data["position"]["name"] == "高级客服"
    crm, kb = response.data["levels"]
    assert (crm["competency"]["code"], crm["level"], crm["required"], crm["gap"]) == (
        "crm",
        1,
        3,
        2,
    )
    assert crm["competency"]["area"]["name"] == "工具使用"
    assert [i["text_zh"] for i in crm["indicators"]] == ["查询订单"]
    assert [i["text_zh"] for i in crm["next_indicators"]] == ["批量处理"]
    assert (kb["level"], kb["required"], kb["gap"]) == (2, 1, 0)
    assert [
        (g["competency"]["code"], g["required"], g["current"], g["shortfall"])
        for g in response.data["gaps"]
    ] == [("crm", 3, 1, 2)]


def test_team_lead_and_mentor_read_their_peoples_levels(
    client, profiled_agent, team_lead, mentor, other_agent, hr
):
    other_url = f"/api/people/{other_agent.pk}/levels/"
    url = f"/api/people/{profiled_agent.pk}/levels/"
    assert _as(client, team_lead).get(other_url).status_code == 404
    assert client.get(url).data["person"]["id"] == profiled_agent.pk
    assert _as(client, mentor).get(other_url).status_code == 404
    assert client.get(url).data["levels"][0]["level"] == 1
    assert _as(client, hr).get(other_url).data["gaps"] == []  # no position, no gap


# --- Evidence ----------------------------------------------------------------------------


def test_an_agent_cannot_read_another_agents_evidence(client, agent, other_agent, competency, hr):
    EvidenceFactory(agent=other_agent, competency=competency, level=Level.ADVANCED, note="抽查")
    assert _as(client, agent).get(f"/api/people/{other_agent.pk}/evidence/").status_code == 404

    response = _as(client, hr).get(f"/api/people/{other_agent.pk}/evidence/")
    assert response.status_code == 200
    [row] = response.data["results"]
    assert (row["agent"], row["competency"]["code"], row["level"], row["source"], row["note"]) == (
        other_agent.pk,
        "crm",
        2,
        "quiz",
        "抽查",
    )


def test_an_agent_cannot_record_an_assessment(client, agent, other_agent, team_lead, competency):
    payload = {"competency": "crm", "level": 3, "note": "自评"}
    assert _as(client, agent).post(f"/api/people/{agent.pk}/evidence/", payload).status_code == 403
    # Somebody the agent cannot see is a 404, before the permission is even asked.
    assert client.post(f"/api/people/{other_agent.pk}/evidence/", payload).status_code == 404
    assert (
        _as(client, team_lead).post(f"/api/people/{agent.pk}/evidence/", payload).status_code == 403
    )
    assert not Evidence.objects.exists()
    assert not CompetencyLevel.objects.exists()


def test_hr_records_an_assessment_and_the_level_follows(client, hr, agent, competency):
    evidence_record(
        agent=agent, competency=competency, level=Level.EXPERT, source="quiz", recorded_by=None
    )
    assert CompetencyLevel.objects.get(agent=agent, competency=competency).level == 3
    observed = timezone.localdate().isoformat()

    response = _as(client, hr).post(
        f"/api/people/{agent.pk}/evidence/",
        {"competency": "crm", "level": 1, "observed_on": observed, "note": "复核降级"},
        format="json",
    )
    assert response.status_code == 201
    assert response.data["source"] == "hr_assessment"
    assert response.data["recorded_by"]["id"] == hr.pk
    evidence = Evidence.objects.get(pk=response.data["id"])
    assert (evidence.agent, evidence.level, evidence.note, evidence.recorded_by) == (
        agent,
        1,
        "复核降级",
        hr,
    )
    # The latest HR assessment resets the level: the expert quiz no longer counts.
    assert CompetencyLevel.objects.get(agent=agent, competency=competency).level == 1
    levels = client.get(f"/api/people/{agent.pk}/levels/")
    assert levels.data["levels"][0]["level"] == 1


def test_hr_can_name_the_competency_by_id(client, hr, agent, competency):
    response = _as(client, hr).post(
        f"/api/people/{agent.pk}/evidence/",
        {"competency": competency.pk, "level": 2},
        format="json",
    )
    assert response.status_code == 201
    assert CompetencyLevel.objects.get(agent=agent, competency=competency).level == 2


def test_bad_assessments_are_400s_in_chinese_and_change_nothing(
    client, hr, agent, competency, chinese_messages
):
    url = f"/api/people/{agent.pk}/evidence/"
    _as(client, hr)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()

    future = client.post(url, {"competency": "crm", "level": 2, "observed_on": tomorrow})
    assert future.status_code == 400
    assert future.data == {"detail": ["证据日期不能晚于今天。"]}

    unknown = client.post(url, {"competency": "nope", "level": 2})
    assert unknown.status_code == 400
    assert unknown.data == {"competency": ["没有这个代码或编号的能力项。"]}

    bad_level = client.post(url, {"competency": "crm", "level": 4})
    assert bad_level.status_code == 400
    assert set(bad_level.data) == {"level"}
    assert not Evidence.objects.exists()


def test_only_hr_withdraws_evidence_and_the_level_follows(
    client, agent, other_agent, hr, competency, chinese_messages
):
    evidence = evidence_record(
        agent=agent, competency=competency, level=Level.ADVANCED, source="quiz", recorded_by=None
    )
    url = f"/api/evidence/{evidence.pk}/withdraw/"
    assert _as(client, other_agent).post(url, {"reason": "误录"}).status_code == 404
    assert _as(client, agent).post(url, {"reason": "误录"}).status_code == 403
    evidence.refresh_from_db()
    assert evidence.withdrawn_at is None

    blank = _as(client, hr).post(url, {"reason": "  "})
    assert blank.status_code == 400
    assert blank.data == {"detail": ["请说明撤回证据的原因。"]}

    response = client.post(url, {"reason": "误录"})
    assert response.status_code == 200
    assert response.data["withdrawn_by"]["id"] == hr.pk
    evidence.refresh_from_db()
    assert (evidence.withdrawal_reason, evidence.withdrawn_by) == ("误录", hr)
    assert not CompetencyLevel.objects.filter(agent=agent, competency=competency).exists()


# --- Heatmap -----------------------------------------------------------------------------


def test_heatmap_is_refused_to_agents_and_mentors(client, agent, mentor):
    assert _as(client, agent).get("/api/heatmap/").status_code == 403
    assert _as(client, mentor).get("/api/heatmap/").status_code == 403


def test_a_team_lead_heatmap_shows_their_team(
    client, team_lead, agent, mentor, other_agent, competency, second_competency
):
    CompetencyLevelFactory(agent=agent, competency=second_competency, level=Level.EXPERT)
    response = _as(client, team_lead).get("/api/heatmap/")
    assert response.status_code == 200
    assert [c["code"] for c in response.data["competencies"]] == ["crm", "kb"]
    rows = {row["person"]["username"]: row["levels"] for row in response.data["results"]}
    # Agents only: the team lead is a member of the team but has no profile to show.
    assert rows == {"agent": [0, 3], "mentor": [0, 0]}
    assert response.data["results"][0]["person"]["team"]["code"] == "apparel"
    assert [t["code"] for t in response.data["teams"]] == ["apparel"]

    assert client.get("/api/heatmap/", {"team": "cosmetics"}).data["results"] == []


def test_hr_heatmap_shows_everyone_page_by_page(client, hr, agent, other_agent, competency):
    for _ in range(30):
        UserFactory(team=agent.team)
    response = _as(client, hr).get("/api/heatmap/")
    # 32 agents: the HR user holds no agent role and is not on the map.
    assert (response.data["count"], response.data["page"], response.data["num_pages"]) == (32, 1, 2)
    assert (response.data["previous"], response.data["next"]) == (None, 2)
    assert len(response.data["results"]) == 25

    second = client.get("/api/heatmap/", {"page": 2})
    assert (second.data["previous"], second.data["next"]) == (1, None)
    assert len(second.data["results"]) == 7
    cosmetics = client.get("/api/heatmap/", {"team": "cosmetics"})
    assert [row["person"]["id"] for row in cosmetics.data["results"]] == [other_agent.pk]


# --- Teams -------------------------------------------------------------------------------


def test_teams_visible_with_lead_and_member_count(
    client, agent, team_lead, mentor, other_agent, hr, team, other_team
):
    response = _as(client, agent).get("/api/teams/")
    assert response.status_code == 200
    [row] = response.data["results"]
    assert row == {
        "id": team.pk,
        "code": "apparel",
        "name": "服饰组",
        "name_zh": "服饰组",
        "name_en": "Apparel team",
        "lead": {"id": team_lead.pk, "username": "lead", "display_name": "张主管"},
        "member_count": 3,
    }
    assert [t["code"] for t in _as(client, other_agent).get("/api/teams/").data["results"]] == [
        "cosmetics"
    ]
    everyone = _as(client, hr).get("/api/teams/").data["results"]
    assert {t["code"]: t["member_count"] for t in everyone} == {"apparel": 3, "cosmetics": 1}


# --- Mentorships -------------------------------------------------------------------------


def test_mentorships_visible_to_the_people_in_them(client, mentor, agent, other_agent, hr):
    ended = MentorshipFactory(
        mentee=other_agent, started_on=datetime.date(2025, 1, 1), ended_on=datetime.date(2025, 6, 1)
    )
    active = Mentorship.objects.get(mentor=mentor, mentee=agent)
    assert _as(client, other_agent).get("/api/mentorships/").data["results"][0]["id"] == ended.pk

    response = _as(client, agent).get("/api/mentorships/")
    [row] = response.data["results"]
    assert (row["id"], row["mentor"]["display_name"], row["mentee"]["id"], row["is_active"]) == (
        active.pk,
        "陈导师",
        agent.pk,
        True,
    )
    assert _ids(_as(client, hr).get("/api/mentorships/")) == sorted([active.pk, ended.pk])
    assert _ids(client.get("/api/mentorships/", {"active": "true"})) == [active.pk]
    assert _ids(client.get("/api/mentorships/", {"active": "false"})) == [ended.pk]
    assert client.get("/api/mentorships/", {"active": "maybe"}).status_code == 400


def test_only_hr_creates_mentorships(client, mentor, other_agent, hr, chinese_messages):
    payload = {"mentor": mentor.pk, "mentee": other_agent.pk}
    refused = _as(client, mentor).post("/api/mentorships/", payload)
    assert refused.status_code == 403
    assert refused.data["detail"] == "只有人力资源可以管理导师关系。"
    assert not Mentorship.objects.filter(mentee=other_agent).exists()

    response = _as(client, hr).post(
        "/api/mentorships/", {**payload, "started_on": "2026-02-01"}, format="json"
    )
    assert response.status_code == 201
    created = Mentorship.objects.get(mentee=other_agent)
    assert (created.mentor, created.started_on, created.created_by) == (
        mentor,
        datetime.date(2026, 2, 1),
        hr,
    )
    assert response.data["id"] == created.pk
    assert response.data["created_by"]["id"] == hr.pk


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("self", "不能给自己当导师。"),
        ("already_mentored", "王雨桐已有导师：陈导师。"),
        ("capacity", "陈导师已在带1人，名额已满。"),
    ],
)
def test_refused_mentorships_are_400s_in_chinese(
    client, hr, mentor, agent, other_agent, chinese_messages, case, message
):
    mentor.mentor_capacity = 1
    mentor.save(update_fields=["mentor_capacity"])
    other_mentor = UserFactory(display_name="周导师", roles=[Role.AGENT, Role.MENTOR])
    payload = {
        "self": {"mentor": mentor.pk, "mentee": mentor.pk},
        "already_mentored": {"mentor": other_mentor.pk, "mentee": agent.pk},
        "capacity": {"mentor": mentor.pk, "mentee": other_agent.pk},
    }[case]
    before = list(Mentorship.objects.values_list("pk", "ended_on"))

    response = _as(client, hr).post("/api/mentorships/", payload)
    assert response.status_code == 400
    assert response.data == {"detail": [message]}
    assert list(Mentorship.objects.values_list("pk", "ended_on")) == before


def test_mentorship_create_rejects_unknown_people(client, hr, mentor):
    response = _as(client, hr).post("/api/mentorships/", {"mentor": mentor.pk, "mentee": 999999})
    assert response.status_code == 400
    assert set(response.data) == {"mentee"}


def test_only_hr_ends_mentorships(client, mentor, agent, other_agent, hr, chinese_messages):
    mentorship = Mentorship.objects.get(mentor=mentor, mentee=agent)
    url = f"/api/mentorships/{mentorship.pk}/end/"
    assert _as(client, other_agent).post(url).status_code == 404
    assert _as(client, mentor).post(url).status_code == 403
    mentorship.refresh_from_db()
    assert mentorship.ended_on is None

    response = _as(client, hr).post(url, {"ended_on": "2026-03-01"})
    assert response.status_code == 200
    assert response.data["is_active"] is False
    mentorship.refresh_from_db()
    assert mentorship.ended_on == datetime.date(2026, 3, 1)

    again = client.post(url)
    assert again.status_code == 400
    assert again.data == {"detail": ["该导师关系已经结束。"]}


# --- Query counts ------------------------------------------------------------------------


def _count_queries(client: APIClient, url: str) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.data


def _add_people(count: int, competencies: list) -> None:
    position = PositionProfileFactory()
    for _ in range(count):
        person = UserFactory(position=position, roles=[Role.AGENT, Role.MENTOR])
        for competency in competencies:
            CompetencyLevelFactory(agent=person, competency=competency, level=Level.ADVANCED)


@pytest.mark.parametrize("url", ["/api/people/", "/api/heatmap/"])
def test_people_and_heatmap_take_the_same_queries_for_5_and_40_people(
    client, hr, competency, second_competency, url
):
    competencies = [competency, second_competency]
    _as(client, hr)
    _add_people(5, competencies)
    small, small_data = _count_queries(client, url)
    _add_people(35, competencies)
    large, large_data = _count_queries(client, url)
    people = 6 if url == "/api/people/" else 5  # the heatmap lists agents, not the HR user
    assert small_data["count"] == people and large_data["count"] == people + 35
    assert small == large


def test_team_lead_people_list_takes_the_same_queries_at_both_sizes(client, team_lead, team):
    _as(client, team_lead)
    for _ in range(5):
        UserFactory(team=team)
    small, small_data = _count_queries(client, "/api/people/")
    for _ in range(35):
        UserFactory(team=team)
    large, large_data = _count_queries(client, "/api/people/")
    assert (small_data["count"], large_data["count"]) == (6, 41)
    assert small == large


def test_mentorships_take_the_same_queries_for_5_and_40(client, hr):
    _as(client, hr)
    for _ in range(5):
        MentorshipFactory(created_by=hr)
    small, small_data = _count_queries(client, "/api/mentorships/")
    for _ in range(35):
        MentorshipFactory(created_by=hr)
    large, large_data = _count_queries(client, "/api/mentorships/")
    assert (small_data["count"], large_data["count"]) == (5, 40)
    assert small == large


def test_teams_take_the_same_queries_for_5_and_40(client, hr):
    def add_teams(count: int) -> None:
        for _ in range(count):
            team = TeamFactory(lead=UserFactory())
            UserFactory(team=team)

    _as(client, hr)
    add_teams(5)
    small, small_data = _count_queries(client, "/api/teams/")
    add_teams(35)
    large, large_data = _count_queries(client, "/api/teams/")
    # Each lead's own factory team comes along with the teams they lead.
    assert (small_data["count"], large_data["count"]) == (10, 80)
    assert all(row["member_count"] >= 1 for row in large_data["results"])
    assert small == large


def test_token_requests_speak_the_users_preferred_language(agent):
    agent.preferred_language = "en"
    agent.save(update_fields=["preferred_language"])
    token = Token.objects.create(user=agent)
    competency = CompetencyFactory(name_zh="倾听与共情", name_en="Listening and empathy")

    response = APIClient(HTTP_AUTHORIZATION=f"Token {token.key}").get("/api/matrix/")

    names = [c["name"] for d in response.data for a in d["areas"] for c in a["competencies"]]
    assert names == [competency.name_en]
