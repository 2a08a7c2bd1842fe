from tests.lms.factories import CompetencyLevelFactory, MentorshipFactory


def test_factories_build_a_consistent_world(db):
    level = CompetencyLevelFactory()
    assert level.evidence.agent == level.agent
    mentorship = MentorshipFactory()
    assert mentorship.mentor.has_role("mentor")
