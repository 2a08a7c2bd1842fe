import pytest
from django.utils import translation

from lms.models import Role
from tests.lms.factories import MentorshipFactory, TeamFactory, UserFactory

pytest_plugins = ["tests.worker"]  # the celery_worker_process fixture


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters live in the cache: every test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _chinese_by_default():
    """Tests speak the product's first language unless they switch."""
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def team(db):
    return TeamFactory(code="apparel", name_zh="服饰组", name_en="Apparel team")


@pytest.fixture
def other_team(db):
    return TeamFactory(code="cosmetics", name_zh="美妆组", name_en="Cosmetics team")


@pytest.fixture
def agent(team):
    return UserFactory(username="agent", display_name="王雨桐", team=team)


@pytest.fixture
def other_agent(other_team):
    return UserFactory(username="other", display_name="李思远", team=other_team)


@pytest.fixture
def mentor(team, agent):
    mentor = UserFactory(
        username="mentor", display_name="陈导师", team=team, roles=[Role.AGENT, Role.MENTOR]
    )
    MentorshipFactory(mentor=mentor, mentee=agent)
    return mentor


@pytest.fixture
def team_lead(team):
    lead = UserFactory(username="lead", display_name="张主管", team=team, roles=[Role.TEAM_LEAD])
    team.lead = lead
    team.save(update_fields=["lead"])
    return lead


@pytest.fixture
def hr(db):
    return UserFactory(username="hr", display_name="刘人事", team=None, roles=[Role.HR])


@pytest.fixture
def trainer(db):
    return UserFactory(username="trainer", display_name="赵培训", team=None, roles=[Role.TRAINER])


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres`` need row locks and real concurrent transactions."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: run with DATABASE_URL=postgres://...")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
