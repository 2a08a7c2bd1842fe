"""The certificate reads in ``certification.selectors`` that the certificate pages and the
API share: who may see one certificate, its history, and the holder's ability tags."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from certification import issuing, selectors
from certification.models import Certificate
from tests.certification.factories import ProgramFactory
from tests.certification.test_verify import certificate_row

pytestmark = pytest.mark.django_db


def test_the_holder_hr_their_lead_and_mentor_get_it_others_get_does_not_exist(
    agent, other_agent, hr, team_lead, mentor
):
    certificate = certificate_row(agent)

    with pytest.raises(Certificate.DoesNotExist):
        selectors.certificate_get_for(other_agent, certificate.pk)
    assert not selectors.can_view_certificate(other_agent, certificate)
    assert not selectors.can_view_certificate(AnonymousUser(), certificate)
    for viewer in (agent, hr, team_lead, mentor):
        assert selectors.can_view_certificate(viewer, certificate), viewer
        assert selectors.certificate_get_for(viewer, certificate.pk) == certificate


def test_a_missing_certificate_raises_like_a_forbidden_one(hr):
    with pytest.raises(Certificate.DoesNotExist):
        selectors.certificate_get_for(hr, 999_999)


def test_history_is_every_cycle_of_the_same_program_and_holder_newest_first(agent, other_agent):
    program = ProgramFactory()
    second = certificate_row(agent, program, cycle=2)
    first = certificate_row(agent, program, cycle=1, superseded_by=second)
    certificate_row(agent, ProgramFactory())  # another program
    certificate_row(other_agent, program)  # another holder

    assert selectors.certificate_history(first) == [second, first]


def test_certificates_of_are_the_holders_own_in_every_state(agent, other_agent):
    mine = certificate_row(agent)
    pending = certificate_row(agent, status=Certificate.Status.PENDING)
    certificate_row(other_agent)

    assert set(selectors.certificates_of(agent)) == {mine, pending}


def test_ability_tags_come_from_certificates_in_force_once_each(agent, other_agent, hr):
    today = timezone.localdate()
    certificate_row(agent, ProgramFactory(tag_zh="退换货专家"))
    certificate_row(agent, ProgramFactory(tag_zh="即将到期"), expires_in=5)
    certificate_row(agent, ProgramFactory(tag_zh="退换货专家"))  # the same tag again
    certificate_row(
        agent,
        ProgramFactory(tag_zh="已过期"),
        status=Certificate.Status.EXPIRED,
        valid_from=today.replace(year=2020),
        expires_in=-1,
    )
    revoked = certificate_row(agent, ProgramFactory(tag_zh="已撤销"))
    issuing.certificate_revoke(certificate=revoked, by=hr, reason="考核作弊")
    renewal_program = ProgramFactory(tag_zh="旧周期")
    renewal = certificate_row(agent, renewal_program, cycle=2, status=Certificate.Status.PENDING)
    certificate_row(agent, renewal_program, cycle=1, superseded_by=renewal)
    certificate_row(other_agent, ProgramFactory(tag_zh="别人的"))

    assert sorted(selectors.ability_tags_of(agent)) == ["即将到期", "退换货专家"]


def test_ability_tags_of_is_one_query_whatever_the_number_of_certificates(agent):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            selectors.ability_tags_of(agent)
        return len(ctx.captured_queries)

    certificate_row(agent, ProgramFactory(tag_zh="标签0"))
    small = queries()
    for n in range(1, 7):
        certificate_row(agent, ProgramFactory(tag_zh=f"标签{n}"))
    assert queries() == small == 1
