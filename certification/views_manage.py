"""HR's certification pages: programs and their requirements, who is eligible (and
issuing, one by one or to all eligible), and the certificates register with its revoke
forms, CSV export and ZIP download of PDFs.

HR (and admin) manage everything; team leads read the eligibility of their team and its
certificates, nothing more. Anyone else, and anything they may not see, gets the same
404 as a missing page or object. Writes go through ``programs`` and ``issuing``, whose
``ValidationError`` lands on the form or in a message and changes nothing.
"""

import csv
import tempfile
import zipfile
from collections.abc import Iterator

from celery.result import EagerResult
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lms.exports import FORMATS, export_links, table_response
from lms.tabular import cell_safe

from . import programs as services
from . import selectors
from .bulk import certificates_issue_bulk
from .forms_manage import (
    ProgramForm,
    RegisterFilterForm,
    RequirementForm,
    RevokeForm,
    add_service_errors,
    requirement_forms,
)
from .issuing import certificate_issue, certificate_revoke
from .models import Certificate, Program, Requirement
from .pdf import verify_url

MAX_ZIP_FILES = 200


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _manager_or_404(request: HttpRequest) -> None:
    if not selectors.can_manage(request.user):
        raise Http404


def _overseer_or_404(request: HttpRequest) -> None:
    if not selectors.can_oversee(request.user):
        raise Http404


def _program_or_404(pk: int) -> Program:
    try:
        return selectors.program_get(pk)
    except Program.DoesNotExist as exc:
        raise Http404 from exc


def _back(request: HttpRequest, default: str) -> HttpResponse:
    """Back where the form was (its filters and page kept), if that is one of ours."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


# --- Programs ------------------------------------------------------------------------


@login_required
@require_GET
def program_list(request: HttpRequest) -> HttpResponse:
    _manager_or_404(request)
    page = selectors.program_list(page_number=request.GET.get("page", 1))
    return render(request, "certification/manage/program_list.html", {"page": page})


def _program_form_page(
    request: HttpRequest, form: ProgramForm, program: Program | None
) -> HttpResponse:
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "certification/manage/program_form.html",
        {"form": form, "program": program},
        status=status,
    )


@login_required
def program_create(request: HttpRequest) -> HttpResponse:
    _manager_or_404(request)
    form = ProgramForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            program = services.program_save(**form.program_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Program created: now add its requirements."))
            return redirect("certification:program-detail", program.pk)
    return _program_form_page(request, form, None)


@login_required
def program_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _manager_or_404(request)
    program = _program_or_404(pk)
    form = ProgramForm(request.POST or None, instance=program)
    if request.method == "POST" and form.is_valid():
        try:
            services.program_save(program=program, **form.program_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Program saved."))
            return redirect("certification:program-detail", program.pk)
    return _program_form_page(request, form, _program_or_404(pk))


def _program_page(
    request: HttpRequest,
    program: Program,
    forms: list[RequirementForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "program": program,
        "requirements": selectors.requirement_rows(program),
        "forms": forms or requirement_forms(),
    }
    return render(request, "certification/manage/program_detail.html", context, status=status)


@login_required
@require_GET
def program_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _manager_or_404(request)
    return _program_page(request, _program_or_404(pk))


@login_required
@require_POST
def requirement_add(request: HttpRequest, pk: int) -> HttpResponse:
    _manager_or_404(request)
    program = _program_or_404(pk)
    kind = request.POST.get("kind", "")
    if kind not in Requirement.Kind.values:
        messages.error(request, _("Choose a kind of requirement."))
        return redirect("certification:program-detail", program.pk)
    forms = requirement_forms(request.POST, bound_kind=kind)
    form = next(f for f in forms if f.kind == kind)
    if form.is_valid():
        try:
            services.requirement_add(program=program, **form.requirement_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Requirement added."))
            return redirect(
                reverse("certification:program-detail", args=[program.pk]) + "#requirements"
            )
    return _program_page(request, program, forms, status=400)


@login_required
@require_POST
def requirement_delete(request: HttpRequest, pk: int, requirement_id: int) -> HttpResponse:
    _manager_or_404(request)
    program = _program_or_404(pk)
    requirement = Requirement.objects.filter(program=program, pk=requirement_id).first()
    if requirement is None:
        raise Http404
    try:
        services.requirement_delete(requirement=requirement)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Requirement removed."))
    return redirect(reverse("certification:program-detail", args=[program.pk]) + "#requirements")


@login_required
@require_POST
def program_archive(request: HttpRequest, pk: int) -> HttpResponse:
    _manager_or_404(request)
    program = services.program_archive(program=_program_or_404(pk))
    messages.success(
        request,
        _("%(program)s is closed: nobody will be issued it any more.") % {"program": program},
    )
    return redirect("certification:program-list")


# --- Eligibility and issuing -------------------------------------------------------------


def _eligibility_filters(request: HttpRequest, teams: list) -> tuple[str, str]:
    team = request.GET.get("team", "")
    show = request.GET.get("show", "")
    return (
        team if team in {t.code for t in teams} else "",
        show if show in selectors.SHOW_CHOICES else "",
    )


@login_required
@require_GET
def program_eligibility(request: HttpRequest, pk: int) -> HttpResponse:
    """Everyone the viewer oversees against the program's requirements; HR issues from
    here, team leads only read."""
    _overseer_or_404(request)
    program = _program_or_404(pk)
    teams = list(selectors.overseen_teams(request.user))
    team_code, show = _eligibility_filters(request, teams)
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        return _eligibility_export(request, fmt, program, team_code=team_code, show=show)
    page = selectors.eligibility_page(
        request.user,
        program,
        team_code=team_code,
        show=show,
        page_number=request.GET.get("page", 1),
    )
    links = export_links(request)
    context = {
        "program": program,
        "requirements": selectors.requirement_rows(program),
        "page": page,
        "teams": teams,
        "team_code": team_code,
        "show": show,
        "can_issue": selectors.can_manage(request.user) and program.is_active,
        "export_links": links,
    }
    template = "certification/manage/eligibility.html"
    if request.htmx:
        template += "#table"
    return render(request, template, context)


# Every row in one page: the export is the whole filtered table, not the page on screen.
EXPORT_PAGE_SIZE = 10**9


def _eligibility_export(
    request: HttpRequest, fmt: str, program: Program, *, team_code: str, show: str
) -> HttpResponse:
    """People × requirements (met or missing, with what the person has) and the latest
    certificate, for everyone the page would list with these filters."""
    requirements = selectors.requirement_rows(program)
    rows = selectors.eligibility_page(
        request.user, program, team_code=team_code, show=show, page_size=EXPORT_PAGE_SIZE
    ).object_list
    labels = [r.label for r in requirements]
    if program.min_points:
        labels.append(_("Have at least %(points)s points") % {"points": program.min_points})
    headers = [_("Person"), _("English name"), _("Employee number"), _("Team")]
    for label in labels:
        headers += [label, f"{label} · {_('Detail')}"]
    headers += [_("Eligible"), _("Certificate"), _("State"), _("Expires on")]
    today = timezone.localdate()

    def lines() -> Iterator[list]:
        for row in rows:
            person, current = row.person, row.current
            cells: list = [
                str(person),
                person.english_name,
                person.employee_no,
                person.team.name if person.team_id else "",
            ]
            for check in row.checks:
                cells += [_("Met") if check.met else _("Missing"), check.detail]
            cells += [
                _("Yes") if row.eligible else _("No"),
                current.serial if current else "",
                current.state_label(today) if current else "",
                current.expires_on if current else None,
            ]
            yield cells

    # Built inside the view (not streamed afterwards): the request's language applies.
    body = list(lines())
    return table_response(fmt, headers, body, f"eligibility-{program.code}-{today:%Y%m%d}")


@login_required
@require_POST
def program_issue(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue the program to one person (HR); a second click finds the certificate made by
    the first and says so."""
    _manager_or_404(request)
    program = _program_or_404(pk)
    raw = request.POST.get("person", "")
    person = (
        selectors.overseen_people(request.user).filter(pk=raw).first() if raw.isdigit() else None
    )
    if person is None:
        raise Http404
    default = reverse("certification:program-eligibility", args=[program.pk])
    try:
        certificate, created = certificate_issue(
            program=program, holder=person, issued_by=request.user
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return _back(request, default)
    values = {"person": person, "serial": certificate.serial}
    if created:
        messages.success(
            request, _("Certificate %(serial)s is being issued to %(person)s.") % values
        )
    else:
        messages.info(request, _("%(person)s already holds %(serial)s: nothing issued.") % values)
    return _back(request, default)


@login_required
@require_POST
def program_issue_all(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue the program to everyone eligible (in the team chosen, if any) through the
    bulk task: inline where Celery runs eagerly, in a worker otherwise."""
    _manager_or_404(request)
    program = _program_or_404(pk)
    default = reverse("certification:program-eligibility", args=[program.pk])
    if not program.is_active:
        messages.error(request, _("This program is closed."))
        return _back(request, default)
    team = request.POST.get("team", "")
    if team not in {t.code for t in selectors.overseen_teams(request.user)}:
        team = ""
    ids = list(
        selectors.eligibility_candidates(request.user, team_code=team).values_list("pk", flat=True)
    )
    result = certificates_issue_bulk.delay(program.pk, ids, request.user.pk)
    if isinstance(result, EagerResult):
        messages.success(
            request,
            _(
                "Issued: %(issued)s; skipped (not eligible or already certified): "
                "%(skipped)s; failed: %(failed)s."
            )
            % result.get(),
        )
    else:
        messages.success(
            request,
            _(
                "Issuing to everyone eligible in the background: the certificates appear "
                "in the register as they are issued."
            ),
        )
    return _back(request, default)


# --- The certificates register ---------------------------------------------------------


@login_required
@require_GET
def register(request: HttpRequest) -> HttpResponse:
    _overseer_or_404(request)
    filters = RegisterFilterForm(request.GET).filters()
    page = selectors.register_page(request.user, filters, page_number=request.GET.get("page", 1))
    context = {
        "page": page,
        "filters": filters,
        "programs": list(selectors.register_programs(request.user)),
        "teams": list(selectors.overseen_teams(request.user)),
        "states": [(s, Certificate.State(s).label) for s in selectors.REGISTER_STATES],
        "can_revoke": selectors.can_manage(request.user),
        "today": timezone.localdate(),
    }
    template = "certification/manage/register.html"
    if request.htmx:
        template += "#table"
    return render(request, template, context)


def csv_safe(value: object) -> str:
    """A cell a spreadsheet will not run (see ``lms.tabular.cell_safe``)."""
    return cell_safe("" if value is None else str(value))


class _Echo:
    def write(self, value: str) -> str:
        return value


def _register_csv_rows(certificates: QuerySet[Certificate], language: str) -> Iterator[str]:
    # Streamed after the view has returned: speak the request's language explicitly.
    with translation.override(language):
        yield from _register_csv_lines(certificates)


def _register_csv_lines(certificates: QuerySet[Certificate]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # The BOM tells Excel the file is UTF-8, so Chinese names open correctly.
    yield "\ufeff"
    yield writer.writerow(_register_headers())
    for row in _register_rows(certificates):
        yield writer.writerow([csv_safe(cell) for cell in row])


def _register_headers() -> list[str]:
    return [
        _("Serial number"),
        _("Holder"),
        _("English name"),
        _("Employee number"),
        _("Team"),
        _("Program"),
        _("Kind"),
        _("State"),
        _("Valid from"),
        _("Expires on"),
        _("Issued at"),
        _("Issued by"),
        _("Verification link"),
        _("Why revoked"),
    ]


def _register_rows(certificates: QuerySet[Certificate]) -> Iterator[list]:
    today = timezone.localdate()
    for c in certificates.iterator(chunk_size=500):
        holder = c.holder
        issued_at = (
            timezone.localtime(c.issued_at).strftime("%Y-%m-%d %H:%M") if c.issued_at else ""
        )
        yield [
            c.serial,
            str(holder),
            holder.english_name,
            holder.employee_no,
            holder.team.name if holder.team_id else "",
            str(c.program),
            c.program.get_kind_display(),
            c.state_label(today),
            c.valid_from.isoformat(),
            c.expires_on.isoformat() if c.expires_on else "",
            issued_at,
            str(c.issued_by) if c.issued_by_id else _("automatically"),
            verify_url(c.code),
            c.revoke_reason,
        ]


@login_required
@require_GET
def register_export(request: HttpRequest) -> HttpResponse:
    """The register as filtered on the page, every page of it, as CSV (streamed) or
    ``?format=xlsx`` (one query either way)."""
    _overseer_or_404(request)
    filters = RegisterFilterForm(request.GET).filters()
    certificates = selectors.certificates_register(request.user, filters)
    if request.GET.get("format") == "xlsx":
        response = table_response(
            "xlsx",
            _register_headers(),
            _register_rows(certificates),
            f"certificates-{timezone.localdate():%Y-%m-%d}",
        )
        response["Cache-Control"] = "private, no-store"
        return response
    response = StreamingHttpResponse(
        _register_csv_rows(certificates, translation.get_language()),
        content_type="text/csv; charset=utf-8",
    )
    name = f"certificates-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def register_download(request: HttpRequest) -> HttpResponse:
    """The PDFs of the certificates ticked, as one ZIP of ``<serial>.pdf`` files; only
    issued ones with a file, and only those the user may see."""
    _overseer_or_404(request)
    default = reverse("certification:register")
    ids = [int(v) for v in request.POST.getlist("certificate") if v.isdigit()]
    if not ids:
        messages.error(request, _("Tick the certificates to download first."))
        return _back(request, default)
    if len(ids) > MAX_ZIP_FILES:
        messages.error(
            request,
            _("Download at most %(count)s certificates at a time.") % {"count": MAX_ZIP_FILES},
        )
        return _back(request, default)
    certificates = selectors.certificates_with_files(request.user, ids)
    # Spooled: small archives stay in memory, large ones go to a temporary file. Not a
    # context manager: the response closes it once sent.
    archive = tempfile.SpooledTemporaryFile(max_size=20 * 1024 * 1024)  # noqa: SIM115
    written = 0
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for certificate in certificates:
            try:
                with certificate.pdf.open("rb") as handle:
                    bundle.writestr(f"{certificate.serial}.pdf", handle.read())
            except OSError:
                continue  # missing from storage: left out rather than failing the rest
            written += 1
    if not written:
        archive.close()
        messages.error(request, _("None of the certificates ticked has a PDF to download."))
        return _back(request, default)
    archive.seek(0)
    response = FileResponse(
        archive,
        as_attachment=True,
        filename=f"certificates-{timezone.localdate():%Y-%m-%d}.zip",
        content_type="application/zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def certificate_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    _manager_or_404(request)
    try:
        certificate = selectors.certificate_for_revoking(request.user, pk)
    except Certificate.DoesNotExist as exc:
        raise Http404 from exc
    default = reverse("certification:register")
    form = RevokeForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back(request, default)
    try:
        certificate_revoke(
            certificate=certificate, by=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(
            request,
            _("Certificate %(serial)s of %(person)s is revoked.")
            % {"serial": certificate.serial, "person": certificate.holder},
        )
    return _back(request, default)
