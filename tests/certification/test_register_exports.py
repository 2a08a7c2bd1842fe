"""The certificates register: filters (every state), revoking, the CSV export (BOM,
serials, verification links, formula injection neutralised) and the ZIP of PDFs; team
leads see their team only and change nothing, agents nothing at all."""

import csv
import datetime
import io
import zipfile

import pytest
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from certification.models import Certificate
from certification.pdf import verify_url
from certification.views_manage import csv_safe
from tests.certification.factories import ProgramFactory
from tests.lms.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 20, 8, 0, tzinfo=datetime.UTC)
_serials = iter(range(1, 10_000))


def url(name: str, *args) -> str:
    return reverse(f"certification:{name}", args=args)


def html(response) -> str:
    return response.content.decode()


def said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def certificate(holder, program=None, *, state: str = "valid", **fields) -> Certificate:
    """A certificate row in ``state`` (no PDF rendering: the file is a few stored bytes)."""
    n = next(_serials)
    today = timezone.localdate()
    values = {
        "program": program or ProgramFactory(),
        "holder": holder,
        "serial": f"AA-2026-{n:06d}",
        "code": f"verification-code-{n}",
        "requested_at": NOW,
        "valid_from": today - datetime.timedelta(days=400),
        "expires_on": today + datetime.timedelta(days=300),
        "status": Certificate.Status.ISSUED,
        "issued_at": NOW,
    }
    if state == "expiring":
        values["expires_on"] = today + datetime.timedelta(days=10)
    elif state == "expired":
        values["expires_on"] = today - datetime.timedelta(days=1)
    elif state == "revoked":
        values.update(status=Certificate.Status.REVOKED, revoked_at=NOW, revoke_reason="作弊")
    elif state == "pending":
        values.update(status=Certificate.Status.PENDING, issued_at=None)
    values.update(fields)
    if values["status"] != Certificate.Status.PENDING and "pdf" not in values:
        values["pdf"] = default_storage.save(
            f"certificates/{values['code']}.pdf", ContentFile(f"%PDF {values['serial']}".encode())
        )
    return Certificate.objects.create(**values)


# --- The formula-injection helper --------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+86 138", "'+86 138"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("王雨桐", "王雨桐"),
        ("AA-2026-000001", "AA-2026-000001"),
        ("", ""),
        (None, ""),
        (42, "42"),
    ],
)
def test_csv_safe_neutralises_formulas_only(value, expected):
    assert csv_safe(value) == expected


# --- The register page -------------------------------------------------------------------


def test_the_register_filters_by_every_state(client, hr, agent):
    program = ProgramFactory()
    people = {state: UserFactory() for state in ["valid", "expiring", "expired", "revoked"]}
    rows = {state: certificate(person, program, state=state) for state, person in people.items()}
    rows["pending"] = certificate(UserFactory(), program, state="pending")
    renewed = certificate(agent, program, cycle=2)
    rows["superseded"] = certificate(agent, program, cycle=1, superseded_by=renewed)
    forever = certificate(UserFactory(), program, expires_on=None)
    client.force_login(hr)
    for state, expected in rows.items():
        page = html(client.get(url("register"), {"state": state}))
        shown = {c.serial for c in Certificate.objects.all() if f">{c.serial}<" in page}
        wanted = {expected.serial} | (
            {renewed.serial, forever.serial} if state == "valid" else set()
        )
        assert shown == wanted, state
        assert all(Certificate.objects.get(serial=s).state() == state for s in shown)
    assert rows["expiring"].state() == "expiring" and rows["superseded"].state() == "superseded"


def test_the_register_searches_serials_and_names_and_filters_team_and_program(
    client, hr, agent, other_agent
):
    mine = certificate(agent)
    theirs = certificate(other_agent)
    client.force_login(hr)
    by_serial = html(client.get(url("register"), {"q": mine.serial[-6:]}))
    assert mine.serial in by_serial and theirs.serial not in by_serial
    by_name = html(client.get(url("register"), {"q": "思远"}))
    assert theirs.serial in by_name and mine.serial not in by_name
    by_team = html(client.get(url("register"), {"team": "apparel"}))
    assert mine.serial in by_team and theirs.serial not in by_team
    by_program = html(client.get(url("register"), {"program": theirs.program_id}))
    assert theirs.serial in by_program and mine.serial not in by_program
    nonsense = client.get(url("register"), {"program": "x", "state": "nope"})
    assert mine.serial in html(nonsense) and theirs.serial in html(nonsense)


def _register_queries(client, count: int) -> int:
    program = ProgramFactory()
    for _n in range(count):
        certificate(UserFactory(), program, issued_by=UserFactory())
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url("register"))
    assert html(response).count('id="certificate-') == Certificate.objects.count()
    return len(ctx.captured_queries)


def test_an_htmx_filter_gets_the_table_only(client, hr, agent):
    mine = certificate(agent)
    client.force_login(hr)
    response = client.get(url("register"), {"q": mine.serial}, HTTP_HX_REQUEST="true")
    page = html(response)
    assert page.lstrip().startswith('<section class="card" id="register">')
    assert mine.serial in page and "<html" not in page


def test_register_query_count_is_fixed(client, hr):
    client.force_login(hr)
    assert _register_queries(client, 2) == _register_queries(client, 7)


def test_a_team_lead_sees_their_team_only_and_cannot_revoke(client, team_lead, agent, other_agent):
    mine = certificate(agent)
    theirs = certificate(other_agent)
    client.force_login(team_lead)
    page = html(client.get(url("register")))
    assert mine.serial in page and theirs.serial not in page
    assert url("register-revoke", mine.pk) not in page
    response = client.post(url("register-revoke", mine.pk), {"reason": "违规"})
    assert response.status_code == 404
    mine.refresh_from_db()
    assert mine.status == Certificate.Status.ISSUED


def test_an_agent_cannot_see_export_download_or_revoke(client, agent):
    mine = certificate(agent)
    client.force_login(agent)
    assert client.get(url("register")).status_code == 404
    assert client.get(url("register-export")).status_code == 404
    assert client.post(url("register-download"), {"certificate": [mine.pk]}).status_code == 404
    assert client.post(url("register-revoke", mine.pk), {"reason": "x"}).status_code == 404
    mine.refresh_from_db()
    assert mine.status == Certificate.Status.ISSUED


# --- Revoking --------------------------------------------------------------------------------


def test_hr_revokes_with_a_reason(client, hr, agent):
    issued = certificate(agent)
    client.force_login(hr)
    response = client.post(
        url("register-revoke", issued.pk), {"reason": "  考试作弊  ", "next": url("register")}
    )
    assert response.status_code == 302 and response["Location"] == url("register")
    issued.refresh_from_db()
    assert issued.status == Certificate.Status.REVOKED
    assert (issued.revoke_reason, issued.revoked_by) == ("考试作弊", hr)
    assert said(response) == [
        gettext("Certificate %(serial)s of %(person)s is revoked.")
        % {"serial": issued.serial, "person": agent}
    ]
    assert "考试作弊" in html(client.get(url("register")))


def test_revoking_needs_a_reason_and_an_issued_certificate(client, hr, agent, other_agent):
    issued = certificate(agent)
    pending = certificate(other_agent, state="pending")
    client.force_login(hr)
    response = client.post(url("register-revoke", issued.pk), {"reason": "  "})
    assert said(response) == [gettext("Say why the certificate is revoked.")]
    response = client.post(url("register-revoke", pending.pk), {"reason": "错发"})
    assert said(response)[-1] == gettext(
        "This certificate is still being issued; revoke it once it is."
    )
    response = client.post(url("register-revoke", issued.pk), {"next": "https://evil.example/"})
    assert response["Location"] == url("register")  # never back to another site
    issued.refresh_from_db()
    pending.refresh_from_db()
    assert issued.status == Certificate.Status.ISSUED and not issued.revoke_reason
    assert pending.status == Certificate.Status.PENDING
    assert client.post(url("register-revoke", 999_999), {"reason": "x"}).status_code == 404


# --- CSV export ------------------------------------------------------------------------------


def exported(response) -> tuple[str, list[list[str]]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    return body, list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))


def test_the_csv_export_has_serials_links_and_safe_cells(client, hr, agent):
    attacker = UserFactory(
        display_name="=cmd|' /C calc'!A0", english_name="@evil", employee_no="-1+1"
    )
    program = ProgramFactory(title_zh="知识库认证")
    safe = certificate(agent, program, issued_by=hr)
    unsafe = certificate(attacker, program, state="revoked", revoke_reason="+cheated")
    client.force_login(hr)
    response = client.get(url("register-export"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    body, rows = exported(response)
    assert body.startswith("\ufeff")
    header, *data = rows
    assert len(header) == 14
    by_serial = {row[0]: row for row in data}
    assert set(by_serial) == {safe.serial, unsafe.serial}
    row = by_serial[safe.serial]
    assert row[1:5] == [agent.display_name, agent.english_name, agent.employee_no, "服饰组"]
    assert row[5] == "知识库认证"
    assert row[7] == gettext("Valid")
    assert row[11] == str(hr)
    assert row[12] == verify_url(safe.code)
    assert row[12].startswith("http") and row[12].endswith(f"/verify/{safe.code}/")
    bad = by_serial[unsafe.serial]
    assert bad[1:4] == ["'=cmd|' /C calc'!A0", "'@evil", "'-1+1"]
    assert bad[7] == gettext("Revoked") and bad[13] == "'+cheated"
    assert bad[11] == gettext("automatically")


def test_the_csv_export_follows_the_filters_and_the_viewer(client, team_lead, agent, other_agent):
    valid = certificate(agent)
    revoked = certificate(agent, state="revoked")
    certificate(other_agent)
    client.force_login(team_lead)
    _body, rows = exported(client.get(url("register-export"), {"state": "revoked"}))
    assert [row[0] for row in rows[1:]] == [revoked.serial]
    _body, rows = exported(client.get(url("register-export")))
    assert {row[0] for row in rows[1:]} == {valid.serial, revoked.serial}


def test_the_csv_export_reads_in_one_query(client, hr):
    client.force_login(hr)
    program = ProgramFactory()
    for _n in range(3):
        certificate(UserFactory(), program, issued_by=hr)
    with CaptureQueriesContext(connection) as small:
        _body, rows = exported(client.get(url("register-export")))
    assert len(rows) == 4
    for _n in range(5):
        certificate(UserFactory(), program, issued_by=hr)
    with CaptureQueriesContext(connection) as large:
        _body, rows = exported(client.get(url("register-export")))
    assert len(rows) == 9
    assert len(small.captured_queries) == len(large.captured_queries)


# --- ZIP download ----------------------------------------------------------------------------


def test_the_zip_holds_the_pdfs_of_the_issued_certificates_ticked(client, hr, agent, other_agent):
    program = ProgramFactory()
    first = certificate(agent, program)
    second = certificate(other_agent, program, state="expired")
    pending = certificate(UserFactory(), program, state="pending")
    revoked = certificate(UserFactory(), program, state="revoked")
    not_ticked = certificate(UserFactory(), program)
    client.force_login(hr)
    response = client.post(
        url("register-download"),
        {"certificate": [first.pk, second.pk, pending.pk, revoked.pk, "junk"]},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    bundle = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(bundle.namelist()) == sorted([f"{first.serial}.pdf", f"{second.serial}.pdf"])
    assert bundle.read(f"{first.serial}.pdf") == f"%PDF {first.serial}".encode()
    assert f"{not_ticked.serial}.pdf" not in bundle.namelist()


def test_a_team_lead_zips_only_their_teams_certificates(client, team_lead, agent, other_agent):
    mine = certificate(agent)
    theirs = certificate(other_agent)
    client.force_login(team_lead)
    response = client.post(url("register-download"), {"certificate": [mine.pk, theirs.pk]})
    bundle = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert bundle.namelist() == [f"{mine.serial}.pdf"]
    response = client.post(url("register-download"), {"certificate": [theirs.pk]})
    assert response.status_code == 302
    assert said(response) == [gettext("None of the certificates ticked has a PDF to download.")]


def test_a_zip_of_nothing_ticked_says_so(client, hr):
    client.force_login(hr)
    response = client.post(url("register-download"), {})
    assert response.status_code == 302
    assert said(response) == [gettext("Tick the certificates to download first.")]
