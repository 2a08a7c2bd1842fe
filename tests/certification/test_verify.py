"""The public verification page, /verify/<code>/: every state, both languages, the JSON
form, the rate limit, and unknown codes that cannot be told apart."""

import datetime
import itertools
import secrets

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from certification import issuing
from certification.models import Certificate, Program
from certification.views_verify import RATE_LIMIT
from lms.models import Level
from tests.certification.factories import ProgramFactory

pytestmark = pytest.mark.django_db

_serials = itertools.count(900001)


def certificate_row(
    holder,
    program: Program | None = None,
    *,
    status: str = Certificate.Status.ISSUED,
    cycle: int = 1,
    valid_from: datetime.date | None = None,
    expires_in: int | None = 300,
    **fields,
) -> Certificate:
    """A certificate row as the services leave it, without rendering a PDF (the file name
    satisfies the "issued has a PDF" constraint; tests that need a real PDF issue one)."""
    today = timezone.localdate()
    now = timezone.now()
    valid_from = valid_from or today - datetime.timedelta(days=30)
    issued = status != Certificate.Status.PENDING
    return Certificate.objects.create(
        program=program or ProgramFactory(),
        holder=holder,
        cycle=cycle,
        serial=f"AA-2026-{next(_serials):06d}",
        code=secrets.token_urlsafe(32),
        status=status,
        requested_at=now,
        issued_at=now if issued else None,
        valid_from=valid_from,
        expires_on=today + datetime.timedelta(days=expires_in) if expires_in is not None else None,
        pdf="certificates/not-rendered.pdf" if issued else "",
        **fields,
    )


def verify(client, certificate_or_code, **params):
    code = getattr(certificate_or_code, "code", certificate_or_code)
    return client.get(reverse("verify", args=[code]), params)


@pytest.fixture
def program(db):
    return ProgramFactory(
        title_zh="售后退换货处理认证", title_en="Returns and Refunds", level=Level.ADVANCED
    )


@pytest.fixture
def holder(agent):
    agent.english_name = "Wang Yutong"
    agent.save(update_fields=["english_name"])
    return agent


def test_a_valid_certificate_shows_holder_program_dates_and_serial(client, holder, program):
    certificate = certificate_row(holder, program, expires_in=300)

    response = verify(client, certificate)

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-state="valid"' in page
    for text in ("王雨桐", "Wang Yutong", "售后退换货处理认证", "Returns and Refunds"):
        assert text in page
    assert certificate.serial in page
    assert certificate.valid_from.isoformat() in page
    assert certificate.expires_on.isoformat() in page
    assert "云裳优品" in page  # the issuing organisation


def test_the_page_needs_no_login_and_no_session(client, holder, program):
    certificate = certificate_row(holder, program)

    response = verify(client, certificate)

    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert "csrftoken" not in response.cookies
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize(
    ("days", "state"), [(300, "valid"), (61, "valid"), (60, "expiring"), (1, "expiring")]
)
def test_expiring_soon_starts_sixty_days_ahead(client, holder, program, days, state):
    certificate = certificate_row(holder, program, expires_in=days)

    data = verify(client, certificate, format="json").json()

    assert data["status"] == state
    assert data["days_left"] == (days if state == "expiring" else None)


def test_an_expired_certificate_says_so(client, holder, program):
    certificate = certificate_row(
        holder,
        program,
        status=Certificate.Status.EXPIRED,
        valid_from=timezone.localdate() - datetime.timedelta(days=400),
        expires_in=-5,
    )

    response = verify(client, certificate)

    assert response.status_code == 200
    assert 'data-state="expired"' in response.content.decode()
    assert verify(client, certificate, format="json").json()["status"] == "expired"


def test_a_certificate_past_its_date_reads_expired_before_the_daily_task_runs(
    client, holder, program
):
    certificate = certificate_row(
        holder, program, valid_from=timezone.localdate() - datetime.timedelta(days=400)
    )
    Certificate.objects.filter(pk=certificate.pk).update(expires_on=timezone.localdate())

    assert verify(client, certificate, format="json").json()["status"] == "expired"


def test_a_revoked_certificate_shows_the_reason_and_date_at_once(client, holder, program, hr):
    certificate = certificate_row(holder, program)
    assert verify(client, certificate, format="json").json()["status"] == "valid"

    issuing.certificate_revoke(certificate=certificate, by=hr, reason="考核作弊，证书撤销")

    response = verify(client, certificate)
    page = response.content.decode()
    assert 'data-state="revoked"' in page
    assert ">已撤销</span>" in page
    assert "考核作弊，证书撤销" in page
    certificate.refresh_from_db()
    assert timezone.localtime(certificate.revoked_at).date().isoformat() in page
    data = verify(client, certificate, format="json").json()
    assert (data["status"], data["revoke_reason"]) == ("revoked", "考核作弊，证书撤销")
    assert data["revoked_at"] == certificate.revoked_at.isoformat()


def test_a_renewed_certificate_reads_superseded_and_names_the_renewal(client, holder, program):
    renewal = certificate_row(holder, program, cycle=2)
    old = certificate_row(holder, program, cycle=1, expires_in=20, superseded_by=renewal)

    response = verify(client, old)

    page = response.content.decode()
    assert 'data-state="superseded"' in page
    assert renewal.serial in page
    data = verify(client, old, format="json").json()
    assert (data["status"], data["superseded_by"]) == ("superseded", renewal.serial)
    assert verify(client, renewal, format="json").json()["status"] == "valid"


def test_a_certificate_being_issued_reads_pending(client, holder, program):
    certificate = certificate_row(holder, program, status=Certificate.Status.PENDING)

    response = verify(client, certificate)

    assert response.status_code == 200
    assert 'data-state="pending"' in response.content.decode()
    assert verify(client, certificate, format="json").json()["status"] == "pending"


def test_the_json_form_carries_the_same_facts(client, holder, program, hr):
    certificate = certificate_row(holder, program, issued_by=hr)

    response = verify(client, certificate, format="json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    data = response.json()
    assert data["status"] == "valid"
    assert (data["holder"], data["holder_en"]) == ("王雨桐", "Wang Yutong")
    assert data["program"]["title_zh"] == "售后退换货处理认证"
    assert data["program"]["title_en"] == "Returns and Refunds"
    assert data["program"]["level"] == Level.ADVANCED
    assert data["serial"] == certificate.serial
    assert data["valid_from"] == certificate.valid_from.isoformat()
    assert data["expires_on"] == certificate.expires_on.isoformat()
    assert data["issued_by"] == "刘人事"
    assert data["revoke_reason"] == "" and data["superseded_by"] is None
    assert data["verify_url"].endswith(f"/verify/{certificate.code}/")


def test_the_page_speaks_chinese_by_default_and_english_on_request(client, holder, program):
    certificate = certificate_row(holder, program)

    chinese = verify(client, certificate).content.decode()
    english = verify(client, certificate, lang="en").content.decode()

    assert '<html lang="zh-hans">' in chinese
    assert "客服学院" in chinese  # from the catalogue
    assert "进阶" in chinese  # the program's level
    assert ">有效</span>" in chinese and "技能认证" in chinese  # the state and the kind
    assert '<html lang="en">' in english
    assert "Agent Academy" in english and "Advanced" in english
    assert ">Valid</span>" in english and "Skill certification" in english
    assert "Certificate verification" in english
    # Names and the program are shown in both languages on either page.
    for page in (chinese, english):
        assert "王雨桐" in page and "Wang Yutong" in page and "Returns and Refunds" in page
    assert verify(client, certificate, format="json").json()["status_label"] == "有效"
    assert verify(client, certificate, format="json", lang="en").json()["status_label"] == "Valid"


def test_an_unknown_code_is_a_404_page(client):
    response = verify(client, secrets.token_urlsafe(32))

    assert response.status_code == 404
    assert 'data-state="unknown"' in response.content.decode()
    assert response["Cache-Control"] == "no-store"


def test_an_unknown_code_in_json_is_a_404_with_status_unknown(client):
    response = verify(client, secrets.token_urlsafe(32), format="json")

    assert response.status_code == 404
    assert response.json() == {"status": "unknown"}


@pytest.mark.parametrize("fmt", [None, "json"])
def test_unknown_codes_get_identical_answers_after_the_same_lookup(client, holder, fmt):
    certificate_row(holder)  # a real certificate exists, and changes nothing
    params = {"format": fmt} if fmt else {}
    codes = [
        secrets.token_urlsafe(32),
        secrets.token_urlsafe(32),
        "Q7z-kP",  # malformed: too short
        "not a code at all!",  # malformed: outside the alphabet
        "A" * 200,  # malformed: too long
    ]
    bodies, lookups = set(), []
    for code in codes:
        with CaptureQueriesContext(connection) as ctx:
            response = verify(client, code, **params)
        assert response.status_code == 404
        body = response.content
        assert code.encode() not in body
        bodies.add(body)
        lookups.append(
            [q["sql"] for q in ctx.captured_queries if "certification_certificate" in q["sql"]]
        )
    assert len(bodies) == 1
    # Exactly one certificate lookup each, the same statement for every unknown code.
    assert all(len(found) == 1 for found in lookups)
    shapes = {found[0].split("WHERE")[0] for found in lookups}
    assert len(shapes) == 1


def test_requests_past_the_limit_get_429_per_address(client, holder):
    certificate = certificate_row(holder)
    for _ in range(RATE_LIMIT):
        assert verify(client, certificate).status_code == 200

    refused = verify(client, certificate)
    refused_json = verify(client, certificate, format="json")
    elsewhere = client.get(reverse("verify", args=[certificate.code]), REMOTE_ADDR="10.1.2.3")

    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert certificate.serial not in refused.content.decode()
    assert refused_json.status_code == 429
    assert refused_json.json()["status"] == "rate_limited"
    assert elsewhere.status_code == 200  # another address has its own count


def test_unknown_codes_count_towards_the_limit_too(client):
    for _ in range(RATE_LIMIT):
        assert verify(client, secrets.token_urlsafe(32)).status_code == 404

    assert verify(client, secrets.token_urlsafe(32)).status_code == 429
