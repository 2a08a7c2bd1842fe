import datetime

import factory
from django.contrib.auth.models import Group

from lms.models import (
    Area,
    BehaviouralIndicator,
    Competency,
    CompetencyLevel,
    Dimension,
    Evidence,
    Level,
    Mentorship,
    PositionProfile,
    PositionRequirement,
    Role,
    Team,
    User,
)

PASSWORD = "test-pass-123"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"team-{n}")
    name_zh = factory.Sequence(lambda n: f"第{n}组")
    name_en = factory.Sequence(lambda n: f"Team {n}")


class PositionProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PositionProfile

    code = factory.Sequence(lambda n: f"position-{n}")
    name_zh = factory.Sequence(lambda n: f"岗位{n}")
    name_en = factory.Sequence(lambda n: f"Position {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"客服{n}号")
    english_name = factory.Sequence(lambda n: f"Agent {n}")
    employee_no = factory.Sequence(lambda n: f"E{n:05d}")
    hire_date = datetime.date(2025, 3, 1)
    team = factory.SubFactory(TeamFactory)
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        """UserFactory(roles=["mentor"]); agents by default."""
        if not create:
            return
        names = extracted if extracted is not None else [Role.AGENT]
        for name in names:
            self.groups.add(Group.objects.get_or_create(name=name)[0])
        self.__dict__.pop("role_names", None)


class DimensionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dimension
        django_get_or_create = ["code"]

    code = "technical"
    name_zh = "技术维度"
    name_en = "Technical"


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    dimension = factory.SubFactory(DimensionFactory)
    code = factory.Sequence(lambda n: f"area-{n}")
    name_zh = factory.Sequence(lambda n: f"领域{n}")
    name_en = factory.Sequence(lambda n: f"Area {n}")


class CompetencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Competency

    area = factory.SubFactory(AreaFactory)
    code = factory.Sequence(lambda n: f"competency-{n}")
    name_zh = factory.Sequence(lambda n: f"能力{n}")
    name_en = factory.Sequence(lambda n: f"Competency {n}")
    order = factory.Sequence(lambda n: n)


class BehaviouralIndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BehaviouralIndicator

    competency = factory.SubFactory(CompetencyFactory)
    level = Level.BASIC
    text_zh = factory.Sequence(lambda n: f"行为指标{n}")
    text_en = factory.Sequence(lambda n: f"Indicator {n}")


class EvidenceFactory(factory.django.DjangoModelFactory):
    """Raw rows for read tests; tests of the rule go through ``evidence_record``."""

    class Meta:
        model = Evidence

    agent = factory.SubFactory(UserFactory)
    competency = factory.SubFactory(CompetencyFactory)
    level = Level.BASIC
    source = Evidence.Source.QUIZ
    observed_on = datetime.date(2026, 1, 15)


class CompetencyLevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompetencyLevel

    agent = factory.SubFactory(UserFactory)
    competency = factory.SubFactory(CompetencyFactory)
    level = Level.BASIC
    evidence = factory.SubFactory(
        EvidenceFactory,
        agent=factory.SelfAttribute("..agent"),
        competency=factory.SelfAttribute("..competency"),
        level=factory.SelfAttribute("..level"),
    )


class PositionRequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PositionRequirement

    profile = factory.SubFactory(PositionProfileFactory)
    competency = factory.SubFactory(CompetencyFactory)
    level = Level.ADVANCED


class MentorshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mentorship

    mentor = factory.SubFactory(UserFactory, roles=[Role.AGENT, Role.MENTOR])
    mentee = factory.SubFactory(UserFactory)
    started_on = datetime.date(2026, 1, 1)
