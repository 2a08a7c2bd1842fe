"""The certification journey of issue 6, end to end through the real URLs.

"HR sees who is eligible, issues certificates (one, or all eligible in bulk), the PDFs
render in the background with correct Chinese text and a QR code that verifies; revoking
shows on the verification page; points and promotions are auditable end to end."

Like tests/test_quiz_journey.py and tests/test_roleplay_journey.py, the test walks the
pages as a browser would: links and form actions (and the values a form offers) are read
from the pages, and the database is checked after each step. The world is small and built
with factories: an after-sales team of three agents who completed the program's course
through its pages (earning the course points), two of them assessed at the competency
level the program requires and one not; a two-rung ladder whose second rung needs the
program's certificate and 150 points. Issuing commits first and renders afterwards: each
issuing POST runs inside ``django_capture_on_commit_callbacks(execute=True)``, which runs
the rendering task as a commit would (Celery is eager in tests). Two PDFs are rendered.
"""

import datetime
import hashlib
import re
import subprocess
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from certification.issuing import add_months
from certification.models import (
    CareerLevel,
    CareerStatus,
    Certificate,
    PointsEntry,
    Program,
    ProgramKind,
    Promotion,
    Requirement,
)
from certification.pdf import verify_url
from courses.models import Course, Enrolment
from lms.models import Competency, Evidence, Level, User
from lms.services import evidence_record
from tests.certification.factories import CareerLevelFactory, ProgramFactory, point_rules
from tests.courses.factories import enrolment_for, published_course
from tests.lms.factories import CompetencyFactory, TeamFactory, UserFactory
from tests.test_quiz_journey import (
    block,
    first_href,
    form_posting_to,
    forms_of,
    html,
    mark_every_lesson_done,
    signed_in,
)
from tests.test_roleplay_journey import cells, messages_of, rows, url_pattern

pytestmark = pytest.mark.django_db

COURSE_POINTS = 30
CERTIFICATE_POINTS = 100
INTERMEDIATE_POINTS = 150
CORRECTION = 20
CORRECTION_NOTE = "补录线下服务之星活动积分"
REVOKE_REASON = "考核记录有误，需重新认证"
REJECT_NOTE = "请先完成季度质检复核"
APPROVE_NOTE = "季度质检复核通过，批准晋升"
SERIAL = re.compile(r"AA-\d{4}-\d{6}")


# --- The world ---------------------------------------------------------------------------


@dataclass
class World:
    program: Program
    course: Course
    competency: Competency
    junior: CareerLevel
    intermediate: CareerLevel
    first: User  # eligible: issued on their own, later revoked
    second: User  # eligible: issued in bulk, later promoted
    third: User  # missing the competency level


@pytest.fixture
def world(hr, django_capture_on_commit_callbacks) -> World:
    team = TeamFactory(code="after-sales", name_zh="售后组", name_en="After-sales team")
    people = [
        UserFactory(username=username, display_name=zh, english_name=en, team=team)
        for username, zh, en in (
            ("zhou.min", "周敏", "Zhou Min"),
            ("sun.hao", "孙浩", "Sun Hao"),
            ("qian.li", "钱丽", "Qian Li"),
        )
    ]
    first, second, third = people
    competency = CompetencyFactory(
        code="complaints", name_zh="投诉处理", name_en="Complaint handling"
    )
    course = published_course(
        title_zh="售后服务规范", title_en="After-sales service standards", lessons=1
    )
    program = ProgramFactory(
        code="after-sales-skill",
        title_zh="售后服务技能认证",
        title_en="After-sales Service Skills",
        kind=ProgramKind.SKILL,
        validity_months=12,
        points_awarded=CERTIFICATE_POINTS,
        issue_mode=Program.IssueMode.APPROVAL,
    )
    Requirement.objects.create(program=program, kind=Requirement.Kind.COURSE, course=course)
    Requirement.objects.create(
        program=program,
        kind=Requirement.Kind.COMPETENCY,
        competency=competency,
        minimum=Level.ADVANCED,
    )
    point_rules(course=COURSE_POINTS)
    junior = CareerLevelFactory(code="junior", rank=1, name_zh="初级客服", name_en="Junior agent")
    intermediate = CareerLevelFactory(
        code="intermediate",
        rank=2,
        name_zh="中级客服",
        name_en="Intermediate agent",
        min_points=INTERMEDIATE_POINTS,
        min_tenure_months=0,
    )
    intermediate.programs.set([program])
    for person in people:
        CareerStatus.objects.create(person=person, level=junior, since=datetime.date(2025, 3, 1))
        # The course completed through its pages; its points are awarded once that commits.
        enrolment = enrolment_for(person, course)
        with django_capture_on_commit_callbacks(execute=True):
            mark_every_lesson_done(signed_in(person), course)
        enrolment.refresh_from_db()
        assert enrolment.status == Enrolment.Status.COMPLETED
    for person, level in ((first, Level.ADVANCED), (second, Level.ADVANCED), (third, Level.BASIC)):
        evidence_record(
            agent=person,
            competency=competency,
            level=level,
            source=Evidence.Source.HR_ASSESSMENT,
            recorded_by=hr,
        )
    for person in people:
        assert list(PointsEntry.objects.filter(person=person).values_list("reason", "amount")) == [
            (PointsEntry.Reason.COURSE, COURSE_POINTS)
        ]
    assert not Certificate.objects.exists()
    return World(program, course, competency, junior, intermediate, first, second, third)


# --- Reading pages, PDFs and QR codes ----------------------------------------------------


def table_rows(table: str) -> dict[str, dict[str, str]]:
    """Each body row of a table by its id, as {column heading: cell text}."""
    headings = [
        re.sub(r"<[^>]+>", "", heading).strip()
        for heading in re.findall(r"<th\b[^>]*>(.*?)</th>", table, flags=re.S)
    ]
    found = {}
    for row in rows(table):
        row_id = re.match(r'<tr[^>]*\bid="([^"]+)"', row)
        if row_id:
            found[row_id.group(1)] = dict(zip(headings, cells(row), strict=False))
    return found


def stored_bytes(certificate: Certificate) -> bytes:
    with default_storage.open(certificate.pdf.name, "rb") as stored:
        return stored.read()


def pdf_text(data: bytes, directory: Path) -> str:
    (directory / "certificate.pdf").write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", "certificate.pdf", "-"],
        cwd=directory,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def qr_of(data: bytes, directory: Path) -> str:
    """What the page's QR code says: the PDF drawn at 150 dpi, read by zbar."""
    (directory / "certificate.pdf").write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-singlefile", "certificate.pdf", "page"],
        cwd=directory,
        check=True,
    )
    return subprocess.run(
        ["zbarimg", "-q", "--raw", str(directory / "page.png")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def ledger() -> list[tuple]:
    """Every ledger line as written, to show that later steps only ever add lines."""
    return list(
        PointsEntry.objects.order_by("pk").values_list(
            "pk", "person_id", "amount", "reason", "source_type", "source_id", "note", "key"
        )
    )


def statement_rows(page: str) -> dict[str, dict[str, str]]:
    return table_rows(block(page, "section", "entries"))


def balance_on(page: str) -> int:
    return int(re.search(r"<strong>(-?\d+)</strong>", block(page, "li", "balance")).group(1))


def db_balance(person: User) -> int:
    return PointsEntry.objects.filter(person=person).aggregate(total=Sum("amount"))["total"] or 0


# --- The journey ----------------------------------------------------------------------------


def test_hr_certifies_the_eligible_and_revocation_points_and_promotion_are_auditable(
    world, hr, tmp_path, django_capture_on_commit_callbacks
):
    w = world
    hr_client = signed_in(hr)
    third_client = signed_in(w.third)  # an agent, for the permission checks

    # --- 1. HR sees who is eligible -------------------------------------------------------
    programs = html(hr_client.get(reverse("certification:program-list")))
    assert "<h1>认证项目</h1>" in programs
    listed = block(programs, "tr", f"program-{w.program.pk}")
    assert "售后服务技能认证" in listed and "技能认证" in listed and "由人力资源颁发" in listed
    assert cells(listed)[4:6] == ["2", "0"]  # two requirements, no certificate in force
    eligibility_url = first_href(listed, url_pattern("certification:program-eligibility"))
    assert eligibility_url == reverse("certification:program-eligibility", args=[w.program.pk])

    page = html(hr_client.get(eligibility_url))
    assert "谁符合条件" in page and "向所有符合条件者颁发" in page
    table = block(page, "section", "eligibility")
    course_column, competency_column = "完成课程《售后服务规范》", "投诉处理 达到进阶"
    people = table_rows(table)
    completed_on = timezone.localdate().isoformat()
    for person in (w.first, w.second):
        row = people[f"person-{person.pk}"]
        assert row["人员"].startswith(person.display_name) and row["团队"] == "售后组"
        assert row[course_column] == f"已满足 {completed_on}"
        assert row[competency_column] == "已满足 进阶"
        assert row["证书"] == "无"
    # The third agent: the course done, the competency level missing.
    missing = people[f"person-{w.third.pk}"]
    assert missing[course_column] == f"已满足 {completed_on}"
    assert missing[competency_column] == "未满足 基础"  # with the level they have so far
    assert missing["证书"] == "无"
    assert not forms_of(block(table, "tr", f"person-{w.third.pk}"))  # no issue button

    # An agent can neither read this page nor issue.
    assert third_client.get(eligibility_url).status_code == 404
    row_form = form_posting_to(
        block(table, "tr", f"person-{w.first.pk}"), url_pattern("certification:program-issue")
    )
    refused = third_client.post(row_form.action, row_form.data())
    assert refused.status_code == 404
    assert not Certificate.objects.exists()

    # --- 2. HR issues one, then everyone eligible ----------------------------------------------
    assert row_form.data()["person"] == [str(w.first.pk)]
    with django_capture_on_commit_callbacks(execute=True):
        issued = hr_client.post(row_form.action, row_form.data())
    assert issued.status_code == 302 and issued.url == eligibility_url
    first_cert = Certificate.objects.get(holder=w.first, program=w.program)
    assert SERIAL.fullmatch(first_cert.serial)
    page = html(hr_client.get(eligibility_url))
    assert messages_of(page) == [f"正在向 周敏 颁发证书 {first_cert.serial}。"]
    row = block(page, "tr", f"person-{w.first.pk}")
    assert 'data-state="valid"' in row and "有效" in row and first_cert.serial in row
    assert not forms_of(row)  # nothing left to issue to them
    # A second click on the same (stale) button issues nothing more.
    again = hr_client.post(row_form.action, row_form.data())
    assert again.status_code == 302
    assert messages_of(html(hr_client.get(eligibility_url))) == [
        f"周敏 已持有证书 {first_cert.serial}：未重复颁发。"
    ]
    assert Certificate.objects.filter(holder=w.first).count() == 1

    # "Issue to all eligible": only the second agent is both eligible and not certified.
    bulk = form_posting_to(page, url_pattern("certification:program-issue-all"))
    with django_capture_on_commit_callbacks(execute=True):
        issued = hr_client.post(bulk.action, bulk.data())
    assert issued.status_code == 302 and issued.url == eligibility_url
    skipped = User.objects.filter(is_active=True).count() - 1  # first, third, and HR
    page = html(hr_client.get(eligibility_url))
    assert messages_of(page) == [f"已颁发：1；已跳过（不符合条件或已获证）：{skipped}；失败：0。"]
    certificates = Certificate.objects.filter(program=w.program)
    assert sorted(certificates.values_list("holder_id", flat=True)) == sorted(
        [w.first.pk, w.second.pk]
    )
    second_cert = certificates.get(holder=w.second)
    assert first_cert.pk != second_cert.pk and first_cert.serial != second_cert.serial
    first_cert.refresh_from_db()
    for certificate in (first_cert, second_cert):
        assert certificate.status == Certificate.Status.ISSUED
        assert certificate.cycle == 1 and certificate.issued_by == hr
        assert certificate.issued_at is not None
        assert certificate.valid_from == timezone.localdate()
        assert certificate.expires_on == add_months(certificate.valid_from, 12)
        assert len(certificate.code) >= 43  # 256 random bits, URL-safe
        assert certificate.pdf.name == f"certificates/{certificate.code}.pdf"
        assert hashlib.sha256(stored_bytes(certificate)).hexdigest() == certificate.pdf_sha256
        assert [e["met"] for e in certificate.evidence] == [True, True]
        entry = PointsEntry.objects.get(
            person=certificate.holder, reason=PointsEntry.Reason.CERTIFICATE
        )
        assert (entry.amount, entry.source_id, entry.created_by) == (
            CERTIFICATE_POINTS,
            certificate.pk,
            hr,
        )
    people = table_rows(block(page, "section", "eligibility"))
    assert people[f"person-{w.second.pk}"]["证书"] == f"有效 {second_cert.serial}"
    assert people[f"person-{w.third.pk}"]["证书"] == "无"

    # --- 3. The PDFs: Chinese text that extracts, a QR code that verifies ---------------------
    for certificate, zh, en in ((first_cert, "周敏", "Zhou Min"), (second_cert, "孙浩", "Sun Hao")):
        text = pdf_text(stored_bytes(certificate), tmp_path)
        for expected in (
            zh,
            en,
            "售后服务技能认证",
            "After-sales Service Skills",
            certificate.serial,
            "刘人事",  # the issuer
        ):
            assert expected in text, expected
    decoded = qr_of(stored_bytes(first_cert), tmp_path)
    assert decoded == verify_url(first_cert.code)
    verify_path = urllib.parse.urlsplit(decoded).path
    assert verify_path == reverse("verify", args=[first_cert.code])

    visitor = Client()  # anyone, signed in or not
    page = html(visitor.get(verify_path))
    verdict = block(page, "section", "verification")
    assert 'data-state="valid"' in verdict
    assert "证书验证" in verdict and "有效" in verdict and "此证书有效。" in verdict
    for expected in ("周敏", "Zhou Min", "售后服务技能认证", first_cert.serial):
        assert expected in verdict
    english = html(visitor.get(verify_path, {"lang": "en"}))
    assert '<html lang="en">' in english
    verdict = block(english, "section", "verification")
    assert "Valid" in verdict and "This certificate is valid." in verdict
    assert "Zhou Min" in verdict and "After-sales Service Skills" in verdict

    # --- 4. HR revokes one from the register; the verification page says so -----------------
    register_url = first_href(
        html(hr_client.get(eligibility_url)),
        re.escape(reverse("certification:register")) + r"\?program=\d+",
    )
    register = html(hr_client.get(register_url))
    assert "<h1>证书登记册</h1>" in register
    listed = table_rows(block(register, "section", "register"))
    assert set(listed) == {f"certificate-{first_cert.pk}", f"certificate-{second_cert.pk}"}
    revoke = form_posting_to(
        block(register, "tr", f"certificate-{first_cert.pk}"),
        url_pattern("certification:register-revoke"),
    )
    # The field is required; a blank reason (spaces pass the browser's check) is refused.
    blank = hr_client.post(revoke.action, revoke.data(reason="   "))
    assert blank.status_code == 302
    assert messages_of(html(hr_client.get(register_url))) == ["请说明撤销证书的原因。"]
    first_cert.refresh_from_db()
    assert first_cert.status == Certificate.Status.ISSUED
    revoked = hr_client.post(revoke.action, revoke.data(reason=REVOKE_REASON))
    assert revoked.status_code == 302 and revoked.url == register_url
    register = html(hr_client.get(register_url))
    assert messages_of(register) == [f"周敏 的证书 {first_cert.serial} 已撤销。"]
    first_cert.refresh_from_db()
    assert first_cert.status == Certificate.Status.REVOKED
    assert (first_cert.revoked_by, first_cert.revoke_reason) == (hr, REVOKE_REASON)
    assert first_cert.revoked_at is not None
    row = block(register, "tr", f"certificate-{first_cert.pk}")
    assert "已撤销" in row and REVOKE_REASON in row
    assert not forms_of(row)  # nothing left to revoke
    assert forms_of(block(register, "tr", f"certificate-{second_cert.pk}"))

    page = html(visitor.get(verify_path))
    verdict = block(page, "section", "verification")
    assert 'data-state="revoked"' in verdict and "已撤销" in verdict
    assert "此证书有效。" not in verdict
    assert REVOKE_REASON in block(verdict, "p", "revoke-reason")
    english = block(html(visitor.get(verify_path, {"lang": "en"})), "section", "verification")
    assert "Revoked" in english and "no longer valid" in english and REVOKE_REASON in english
    facts = visitor.get(verify_path, {"format": "json"})
    assert facts.status_code == 200 and facts["Content-Type"] == "application/json"
    assert facts.json()["status"] == "revoked"
    assert facts.json()["revoke_reason"] == REVOKE_REASON
    assert (facts.json()["serial"], facts.json()["holder"]) == (first_cert.serial, "周敏")
    other = visitor.get(reverse("verify", args=[second_cert.code]), {"format": "json"})
    assert other.json()["status"] == "valid" and other.json()["holder_en"] == "Sun Hao"

    # --- 5. Points, auditable to the last entry ----------------------------------------------
    # The revoked certificate's points were taken back by a new, negative entry.
    entries = list(PointsEntry.objects.filter(person=w.first).order_by("created_at", "pk"))
    assert [(e.reason, e.amount) for e in entries] == [
        (PointsEntry.Reason.COURSE, COURSE_POINTS),
        (PointsEntry.Reason.CERTIFICATE, CERTIFICATE_POINTS),
        (PointsEntry.Reason.CERTIFICATE, -CERTIFICATE_POINTS),
    ]
    taken_back = entries[-1]
    assert taken_back.source_type == "certification.certificate.revoked"
    assert (taken_back.source_id, taken_back.created_by) == (first_cert.pk, hr)
    statement_url = reverse("certification:points-statement", args=[w.first.pk])
    statement = html(hr_client.get(statement_url))
    assert "周敏 的积分" in statement
    shown = statement_rows(statement)
    assert set(shown) == {f"entry-{e.pk}" for e in entries}
    running = 0
    for entry in entries:
        running += entry.amount
        row = shown[f"entry-{entry.pk}"]
        assert row["积分变动"] == f"{entry.amount:+d}" and row["余额"] == str(running)
    assert shown[f"entry-{entries[0].pk}"]["来源"] == "课程"
    assert shown[f"entry-{entries[1].pk}"]["来源"] == "证书"
    revoked_row = shown[f"entry-{taken_back.pk}"]
    assert revoked_row["来源"] == "证书已撤销" and first_cert.serial in revoked_row["备注"]
    assert revoked_row["录入人"] == "刘人事"
    assert balance_on(statement) == db_balance(w.first) == COURSE_POINTS == running

    # The agent reads their own statement; another agent's is not there for them.
    first_client = signed_in(w.first)
    mine = first_client.get(reverse("certification:points-me"))
    assert mine.status_code == 302 and mine.url == statement_url
    own = html(first_client.get(statement_url))
    assert "我的积分" in own and balance_on(own) == COURSE_POINTS
    assert 'id="correction"' not in own  # no correction form for an agent
    second_statement_url = reverse("certification:points-statement", args=[w.second.pk])
    assert third_client.get(second_statement_url).status_code == 404
    assert first_client.get(second_statement_url).status_code == 404

    # Before the correction the second agent is 20 points short of the next level.
    ladder_url = reverse("certification:ladder-me")
    second_client = signed_in(w.second)
    next_level = block(html(second_client.get(ladder_url)), "section", "next-level")
    assert "下一职级：中级客服" in next_level
    assert re.search(r'class="unmet check-points">.*?\(130\)', next_level, flags=re.S)
    assert 'class="met check-certificate"' in next_level
    board_url = reverse("certification:promotion-board")
    board = html(hr_client.get(board_url))
    assert "<h1>晋升评审</h1>" in board
    assert "candidate-" not in block(board, "section", "candidates")

    # HR corrects the second agent's points through their statement: a new line, with a reason.
    before = ledger()
    statement = html(hr_client.get(second_statement_url))
    assert balance_on(statement) == COURSE_POINTS + CERTIFICATE_POINTS
    correct = form_posting_to(statement, url_pattern("certification:points-correct"))
    # An agent may not post it, even for themselves.
    own_correct = reverse("certification:points-correct", args=[w.third.pk])
    assert (
        third_client.post(own_correct, correct.data(amount=500, note="自己加分")).status_code == 404
    )
    no_reason = hr_client.post(correct.action, correct.data(amount=CORRECTION, note=""))
    assert no_reason.status_code == 400 and "请说明更正积分的原因。" in no_reason.content.decode()
    assert ledger() == before
    corrected = hr_client.post(
        correct.action, correct.data(amount=CORRECTION, note=CORRECTION_NOTE)
    )
    assert corrected.status_code == 302 and corrected.url == second_statement_url
    after = ledger()
    assert after[: len(before)] == before and len(after) == len(before) + 1
    correction = PointsEntry.objects.get(pk=after[-1][0])
    assert (correction.person, correction.amount, correction.reason) == (
        w.second,
        CORRECTION,
        PointsEntry.Reason.CORRECTION,
    )
    assert (correction.note, correction.created_by) == (CORRECTION_NOTE, hr)
    statement = html(hr_client.get(second_statement_url))
    assert messages_of(statement) == ["已在 孙浩 的积分明细中添加 +20 积分的更正。"]
    row = statement_rows(statement)[f"entry-{correction.pk}"]
    assert row["理由"] == "更正" and row["备注"] == CORRECTION_NOTE and row["录入人"] == "刘人事"
    assert row["积分变动"] == "+20" and row["余额"] == str(INTERMEDIATE_POINTS)
    assert balance_on(statement) == db_balance(w.second) == INTERMEDIATE_POINTS
    # No path changes or removes a line: the API's entry is read-only.
    entry_api = reverse("api-cert-points-entry", args=[correction.pk])
    assert hr_client.get(entry_api).json()["amount"] == CORRECTION
    assert (
        hr_client.patch(entry_api, {"amount": 1}, content_type="application/json").status_code
        == 405
    )
    assert hr_client.delete(entry_api).status_code == 405
    assert ledger() == after

    # --- 6. The promotion board, a rejection, then the approval ---------------------------------
    board = html(hr_client.get(board_url))
    candidates = block(board, "section", "candidates")
    assert f"candidate-{w.first.pk}" not in candidates  # certificate revoked
    assert f"candidate-{w.third.pk}" not in candidates  # never certified
    candidate = block(candidates, "article", f"candidate-{w.second.pk}")
    assert "孙浩" in candidate and "初级客服" in candidate and "中级客服" in candidate
    evidence = re.findall(r'<li class="met check-(\w+)">(.*?)</li>', candidate, flags=re.S)
    assert [kind for kind, _text in evidence] == ["certificate", "points"]
    assert "售后服务技能认证" in evidence[0][1] and second_cert.serial in evidence[0][1]
    assert f"({INTERMEDIATE_POINTS})" in evidence[1][1]
    decide = form_posting_to(candidate, url_pattern("certification:promotion-decide", ids=0))
    assert decide.data()["person"] == [str(w.second.pk)]
    assert decide.data()["to_level"] == [str(w.intermediate.pk)]

    # A rejection needs a note: without one nothing is decided.
    refused = hr_client.post(decide.action, decide.data(decision="reject", note=""))
    assert refused.status_code == 302 and refused.url == board_url
    assert messages_of(html(hr_client.get(board_url))) == ["请说明驳回晋升的原因。"]
    assert not Promotion.objects.exists()
    rejected = hr_client.post(decide.action, decide.data(decision="reject", note=REJECT_NOTE))
    assert rejected.status_code == 302
    rejection = Promotion.objects.get()
    assert (rejection.status, rejection.note, rejection.decided_by) == (
        Promotion.Status.REJECTED,
        REJECT_NOTE,
        hr,
    )
    assert CareerStatus.objects.get(person=w.second).level == w.junior
    board = html(hr_client.get(board_url))
    assert messages_of(board) == ["孙浩 晋升为 中级客服 的申请已驳回。"]
    candidate = block(board, "article", f"candidate-{w.second.pk}")  # still eligible
    assert REJECT_NOTE in candidate and "刘人事" in candidate

    # HR approves, with a note: the level changes and the decision keeps the evidence.
    decide = form_posting_to(candidate, url_pattern("certification:promotion-decide", ids=0))
    approved = hr_client.post(decide.action, decide.data(decision="approve", note=APPROVE_NOTE))
    assert approved.status_code == 302 and approved.url == board_url
    promotion = Promotion.objects.get(status=Promotion.Status.APPROVED)
    assert (promotion.person, promotion.from_level, promotion.to_level) == (
        w.second,
        w.junior,
        w.intermediate,
    )
    assert (promotion.note, promotion.decided_by) == (APPROVE_NOTE, hr)
    assert promotion.decided_at >= rejection.decided_at
    assert promotion.evidence["points"] == INTERMEDIATE_POINTS
    assert (promotion.evidence["from_level"], promotion.evidence["to_level"]) == (
        "junior",
        "intermediate",
    )
    assert all(check["met"] for check in promotion.evidence["checks"])
    assert any(second_cert.serial in check["detail"] for check in promotion.evidence["checks"])
    career = CareerStatus.objects.get(person=w.second)
    assert (career.level, career.since) == (w.intermediate, timezone.localdate())
    assert CareerStatus.objects.get(person=w.first).level == w.junior
    board = html(hr_client.get(board_url))
    assert messages_of(board) == ["孙浩 已晋升为 中级客服。"]
    assert "candidate-" not in block(board, "section", "candidates")
    decisions = table_rows(block(board, "section", "history"))
    assert [decisions[f"decision-{p.pk}"]["评审结果"] for p in (promotion, rejection)] == [
        "已批准",
        "已驳回",
    ]
    assert decisions[f"decision-{promotion.pk}"]["备注"] == APPROVE_NOTE
    assert decisions[f"decision-{promotion.pk}"]["决定人"] == "刘人事"

    # The agent's page: the new level, the top reached, both decisions in the history.
    mine = html(second_client.get(ladder_url))
    assert "中级客服" in block(mine, "li", "current-level")
    assert "您已达到最高职级。" in block(mine, "section", "next-level")
    history = [cells(row) for row in rows(block(mine, "section", "history"))]
    today = timezone.localdate().isoformat()
    assert history == [
        [today, "初级客服", "中级客服", "已批准", APPROVE_NOTE],
        [today, "初级客服", "中级客服", "已驳回", REJECT_NOTE],
    ]

    # --- 7. The other language ------------------------------------------------------------------
    # HR switches to English with the page's switch; the board and eligibility follow.
    switch = form_posting_to(board, re.escape(reverse("language-switch")))
    switched = hr_client.post(switch.action, switch.data(language="en"))
    assert switched.status_code == 302 and switched.url == board_url
    hr.refresh_from_db()
    assert hr.preferred_language == "en"
    board = html(hr_client.get(board_url))
    assert '<html lang="en">' in board and "<h1>Promotion board</h1>" in board
    decisions = table_rows(block(board, "section", "history"))
    approved_row = decisions[f"decision-{promotion.pk}"]
    assert (
        approved_row["Outcome"] == "Approved" and approved_row["To level"] == "Intermediate agent"
    )
    assert decisions[f"decision-{rejection.pk}"]["Outcome"] == "Rejected"
    page = html(hr_client.get(eligibility_url))
    assert "<h1>Who is eligible" in page and "Issue to all eligible" in page
    people = table_rows(block(page, "section", "eligibility"))
    competency_column = "Reach Advanced in Complaint handling"
    assert people[f"person-{w.third.pk}"][competency_column] == "Missing Basic"
    assert people[f"person-{w.second.pk}"]["Certificate"] == f"Valid {second_cert.serial}"
    # The revoked holder still meets the requirements: HR may issue them a new certificate.
    assert people[f"person-{w.first.pk}"]["Certificate"] == f"Revoked {first_cert.serial}"
    assert "Renew" in block(page, "tr", f"person-{w.first.pk}")
    # And an agent whose browser chose English reads their ledger in English.
    english = signed_in(w.first)
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    own = html(english.get(statement_url))
    assert '<html lang="en">' in own and "My points" in own
    assert statement_rows(own)[f"entry-{taken_back.pk}"]["Source"] == "Certificate revoked"
