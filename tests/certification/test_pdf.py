"""Certificate PDFs (content, page size, QR round trip, a rendering locked to our static
files), the system check for libharfbuzz-subset, and the pages that show a certificate:
the certificate page, its PDF download and "my certificates"."""

import hashlib
import subprocess
import urllib.parse
from pathlib import Path

import pytest
from django.core import checks
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from certification import issuing, pdf
from certification.models import Certificate
from lms.models import Level
from tests.certification.factories import ProgramFactory, eligible_program_for, issued_certificate
from tests.certification.test_verify import certificate_row

pytestmark = pytest.mark.django_db


def pdftotext(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def stored_bytes(certificate: Certificate) -> bytes:
    with default_storage.open(certificate.pdf.name, "rb") as stored:
        return stored.read()


@pytest.fixture
def holder(agent):
    agent.english_name = "Wang Yutong"
    agent.save(update_fields=["english_name"])
    return agent


def render_to_png(data: bytes, directory: Path) -> Path:
    (directory / "certificate.pdf").write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-singlefile", "certificate.pdf", "page"],
        cwd=directory,
        check=True,
    )
    return directory / "page.png"


def zbar(png: Path) -> str:
    return subprocess.run(
        ["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True, check=True
    ).stdout.strip()


# --- The PDF -----------------------------------------------------------------------------


def test_the_stored_pdf_is_an_a4_landscape_page_with_names_program_and_serial(holder, hr, tmp_path):
    program = eligible_program_for(
        holder, title_zh="售后退换货处理认证", title_en="Returns and Refunds", level=Level.ADVANCED
    )
    certificate = issued_certificate(holder, program, by=hr)
    data = stored_bytes(certificate)

    text = pdftotext(data, tmp_path)
    for expected in (
        "王雨桐",
        "Wang Yutong",
        "售后退换货处理认证",
        "Returns and Refunds",
        certificate.serial,
        "刘人事",
    ):
        assert expected in text
    info = subprocess.run(
        ["pdfinfo", str(tmp_path / "certificate.pdf")], capture_output=True, text=True, check=True
    ).stdout
    assert "Pages:           1" in info
    assert "Page size:       841.89 x 595.27" in info  # points: 297 x 210 mm
    assert hashlib.sha256(data).hexdigest() == certificate.pdf_sha256


def test_the_qr_code_decodes_to_the_verification_page_which_says_valid(
    client, holder, hr, tmp_path
):
    certificate = issued_certificate(holder, by=hr)

    decoded = zbar(render_to_png(stored_bytes(certificate), tmp_path))

    assert decoded == pdf.verify_url(certificate.code)
    path = urllib.parse.urlsplit(decoded).path
    assert path == reverse("verify", args=[certificate.code])
    response = client.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-state="valid"' in page
    assert "王雨桐" in page and "Wang Yutong" in page and certificate.serial in page


# --- Rendering is locked to our static files --------------------------------------------

REFUSED = [
    "file:///etc/passwd",
    "http://example.com/x.png",
    "http://127.0.0.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.1/",
    "/static/../../../etc/passwd",
    "/static//etc/passwd",
    "/media/certificates/someone-else.pdf",
]


@pytest.fixture
def no_network(monkeypatch):
    """What the fetcher saw; any socket or urllib opening fails the test."""
    seen: list[tuple[str, str]] = []
    real_fetch = pdf.StaticOnlyFetcher.fetch

    def spy(self, url, headers=None):
        try:
            response = real_fetch(self, url, headers)
        except pdf.ResourceRefused:
            seen.append((url, "refused"))
            raise
        seen.append((url, "served"))
        return response

    def forbidden(*args, **kwargs):
        # Recorded, not only raised: WeasyPrint swallows a failing fetch.
        attempts.append(args)
        raise OSError("network and files are out of bounds in this test")

    attempts: list = []
    monkeypatch.setattr(pdf.StaticOnlyFetcher, "fetch", spy)
    monkeypatch.setattr("socket.create_connection", forbidden)
    monkeypatch.setattr("socket.getaddrinfo", forbidden)
    monkeypatch.setattr("urllib.request.FileHandler.file_open", forbidden)
    monkeypatch.setattr("urllib.request.HTTPHandler.http_open", forbidden)
    monkeypatch.setattr("urllib.request.HTTPSHandler.https_open", forbidden)
    yield seen
    assert attempts == [], "a resource was fetched around the static-only fetcher"


@pytest.mark.parametrize("url", REFUSED)
def test_a_template_pointing_elsewhere_renders_without_it(url, no_network, tmp_path):
    html = f'<p>证书 {{{{ holder_zh }}}}</p><img src="{url}"><link rel="stylesheet" href="{url}">'
    css = f'@import url("{url}"); body {{ background: url("{url}"); }}'

    data = pdf.render_pdf(html, css, {"holder_zh": "王雨桐"})

    assert data.startswith(b"%PDF")
    assert "证书 王雨桐" in pdftotext(data, tmp_path)
    assert no_network, "the fetcher was never asked"
    assert {verdict for _url, verdict in no_network} == {"refused"}
    assert b"root:" not in data


@pytest.mark.parametrize("url", ["file:///etc/passwd", "http://169.254.169.254/"])
def test_the_fetcher_refuses_directly(url):
    with pytest.raises(pdf.ResourceRefused):
        pdf.StaticOnlyFetcher().fetch(url)


def test_an_svg_image_cannot_reach_out_either(no_network):
    svg = (
        "data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'>"
        "<image href='http://10.0.0.1/x.png' width='10' height='10'/></svg>"
    )

    data = pdf.render_pdf(f'<img src="{svg}">', "", {})

    assert data.startswith(b"%PDF")
    assert ("http://10.0.0.1/x.png", "refused") in no_network


def test_the_projects_own_static_files_are_served(no_network):
    html = '<img src="/static/img/favicon.svg" width="40"><p>ok</p>'
    css = '@import url("/static/css/app.css");'

    data = pdf.render_pdf(html, css, {})

    assert data.startswith(b"%PDF")
    served = {url for url, verdict in no_network if verdict == "served"}
    assert served == {
        f"{pdf.ASSET_ORIGIN}/static/img/favicon.svg",
        f"{pdf.ASSET_ORIGIN}/static/css/app.css",
    }


def test_a_qr_data_uri_is_served_inline(no_network):
    data = pdf.render_pdf('<img src="{{ qr_src }}">', "", {"qr_src": pdf.qr_data_uri("x")})

    assert data.startswith(b"%PDF")
    assert [verdict for _url, verdict in no_network] == ["served"]


# --- The system check --------------------------------------------------------------------


def test_the_check_warns_when_libharfbuzz_subset_is_missing(monkeypatch):
    monkeypatch.setattr(pdf, "harfbuzz_subset_available", lambda: False)

    found = [message.id for message in checks.run_checks()]

    assert "certification.W001" in found


def test_the_check_is_quiet_when_libharfbuzz_subset_is_there(monkeypatch):
    monkeypatch.setattr(pdf, "harfbuzz_subset_available", lambda: True)

    found = [message.id for message in checks.run_checks()]

    assert "certification.W001" not in found


# --- The certificate page and its PDF ----------------------------------------------------


def page_of(client, certificate):
    return client.get(reverse("certification:certificate", args=[certificate.pk]))


def pdf_of(client, certificate):
    return client.get(reverse("certification:certificate-pdf", args=[certificate.pk]))


def test_the_holder_sees_the_page_with_state_evidence_verification_and_history(client, agent):
    program = ProgramFactory(tag_zh="退换货专家")
    renewal = certificate_row(
        agent,
        program,
        cycle=2,
        evidence=[{"requirement": "完成课程 售后基础", "met": True, "detail": "2026-02-01"}],
    )
    old = certificate_row(agent, program, cycle=1, expires_in=10, superseded_by=renewal)
    client.force_login(agent)

    response = page_of(client, renewal)

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-state="valid"' in page
    assert "完成课程 售后基础" in page and "2026-02-01" in page
    assert pdf.verify_url(renewal.code) in page
    assert 'src="data:image/svg+xml' in page  # the QR code
    assert reverse("certification:certificate-pdf", args=[renewal.pk]) in page
    assert 'id="cycle-1"' in page and old.serial in page
    assert "退换货专家" in page
    old_page = page_of(client, old).content.decode()
    assert 'data-state="superseded"' in old_page
    assert reverse("certification:certificate", args=[renewal.pk]) in old_page


def test_others_get_404_for_the_page_and_the_pdf(client, agent, other_agent, hr):
    certificate = issued_certificate(agent, by=hr)

    client.force_login(other_agent)
    assert page_of(client, certificate).status_code == 404
    assert pdf_of(client, certificate).status_code == 404

    client.force_login(agent)
    assert page_of(client, certificate).status_code == 200
    download = pdf_of(client, certificate)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == f'attachment; filename="{certificate.serial}.pdf"'
    assert b"".join(download.streaming_content) == stored_bytes(certificate)


def test_hr_the_team_lead_and_the_mentor_may_see_it(client, agent, hr, team_lead, mentor):
    certificate = certificate_row(agent)
    for viewer in (hr, team_lead, mentor):
        client.force_login(viewer)
        assert page_of(client, certificate).status_code == 200, viewer


def test_anonymous_visitors_are_sent_to_log_in(client, agent):
    certificate = certificate_row(agent)

    response = page_of(client, certificate)

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_no_pdf_while_the_certificate_is_being_issued(client, agent):
    certificate = certificate_row(agent, status=Certificate.Status.PENDING)
    client.force_login(agent)

    assert pdf_of(client, certificate).status_code == 404
    page = page_of(client, certificate).content.decode()
    assert 'data-state="pending"' in page
    assert reverse("certification:certificate-pdf", args=[certificate.pk]) not in page


def test_a_revoked_certificate_page_shows_the_reason(client, agent, hr):
    certificate = certificate_row(agent)
    issuing.certificate_revoke(certificate=certificate, by=hr, reason="考核作弊")
    client.force_login(agent)

    page = page_of(client, certificate).content.decode()

    assert 'data-state="revoked"' in page and "考核作弊" in page


# --- My certificates ---------------------------------------------------------------------


def test_my_certificates_lists_mine_with_state_and_ability_tags(client, agent, other_agent):
    mine = certificate_row(agent, ProgramFactory(tag_zh="退换货专家", title_zh="售后认证"))
    expired = certificate_row(
        agent,
        ProgramFactory(tag_zh="过期标签", title_zh="旧认证"),
        status=Certificate.Status.EXPIRED,
        valid_from=timezone.localdate().replace(year=2020),
        expires_in=-1,
    )
    theirs = certificate_row(other_agent, ProgramFactory(title_zh="别人的认证"))
    client.force_login(agent)

    page = client.get(reverse("certification:certificates-mine")).content.decode()

    assert f'id="certificate-{mine.pk}"' in page and f'id="certificate-{expired.pk}"' in page
    assert f'id="certificate-{theirs.pk}"' not in page and "别人的认证" not in page
    assert 'data-state="valid"' in page and 'data-state="expired"' in page
    tags = page.split('id="tags"')[1].split("</section>")[0]
    assert "退换货专家" in tags and "过期标签" not in tags


def test_my_certificates_has_an_empty_state(client, agent):
    client.force_login(agent)

    response = client.get(reverse("certification:certificates-mine"))

    assert response.status_code == 200
    assert 'class="empty"' in response.content.decode()


def _mine_queries(client, agent, count: int) -> int:
    Certificate.objects.filter(holder=agent).delete()
    for n in range(count):
        certificate_row(agent, ProgramFactory(tag_zh=f"标签{n}"))
    client.force_login(agent)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("certification:certificates-mine"))
    assert response.content.decode().count('id="certificate-') == count
    return len(ctx.captured_queries)


def test_my_certificates_query_count_is_fixed(client, agent):
    assert _mine_queries(client, agent, 2) == _mine_queries(client, agent, 8)


def _detail_queries(client, agent, cycles: int) -> int:
    program = ProgramFactory()
    latest = None
    for cycle in range(cycles, 0, -1):
        latest = certificate_row(agent, program, cycle=cycle, superseded_by=latest)
    client.force_login(agent)
    with CaptureQueriesContext(connection) as ctx:
        response = page_of(client, latest)
    assert response.content.decode().count('id="cycle-') == cycles
    return len(ctx.captured_queries)


def test_the_certificate_page_query_count_is_fixed(client, agent):
    assert _detail_queries(client, agent, 2) == _detail_queries(client, agent, 6)
