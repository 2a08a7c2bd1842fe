"""Certificate pages: one certificate (with its PDF), "my certificates", and HR's
certificate template editor.

A certificate is seen by its holder, HR and admin, and whoever may see the holder
(``lms.permissions.can_view_person``: their team lead, their mentor); anyone else gets
the same 404 as for a missing one, for the page and its PDF alike. The template editor
is HR's (and admin's) alone.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lms.models import User

from . import selectors, templating
from .models import Certificate, CertificateTemplate, ProgramKind
from .pdf import qr_data_uri, verify_url

PAGE_SIZE = 50


def _visible_or_404(user: User, pk: int) -> Certificate:
    try:
        return selectors.certificate_get_for(user, pk)
    except Certificate.DoesNotExist as exc:
        raise Http404 from exc


# --- Certificates ----------------------------------------------------------------------


@login_required
@require_GET
def certificate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = _visible_or_404(request.user, pk)
    url = verify_url(certificate.code)
    return render(
        request,
        "certification/certificates/detail.html",
        {
            "certificate": certificate,
            "state": certificate.state(),
            "is_own": certificate.holder_id == request.user.pk,
            "verify_url": url,
            "qr_src": qr_data_uri(url),
            "history": selectors.certificate_history(certificate),
            "has_pdf": certificate.status != Certificate.Status.PENDING and bool(certificate.pdf),
        },
    )


@login_required
@require_GET
def certificate_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The stored PDF, streamed, under the certificate's serial; none while being issued."""
    certificate = _visible_or_404(request.user, pk)
    if certificate.status == Certificate.Status.PENDING or not certificate.pdf:
        raise Http404
    try:
        handle = certificate.pdf.storage.open(certificate.pdf.name, "rb")
    except OSError as exc:  # gone from storage: as if it had never been written
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{certificate.serial}.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def certificates_mine(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.certificates_of(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "certification/certificates/mine.html",
        {
            "page": page,
            "certificates": [(c, c.state()) for c in page.object_list],
            "tags": selectors.ability_tags_of(request.user),
        },
    )


# --- HR: certificate templates -----------------------------------------------------------


def _hr_or_404(user: User) -> None:
    if not user.is_hr:
        raise Http404


class TemplateForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Program kind"), choices=ProgramKind.choices)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    html = forms.CharField(
        label=gettext_lazy("HTML"),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 22, "spellcheck": "false"}),
    )
    css = forms.CharField(
        label=gettext_lazy("CSS"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            # A template stays with its kind: programs of that kind may use it.
            self.fields["kind"].disabled = True


class NewTemplateForm(TemplateForm):
    make_default = forms.BooleanField(
        label=gettext_lazy("Use it as the default for this kind"), required=False
    )


def _template_page(request: HttpRequest, form: forms.Form, template=None, status: int = 200):
    return render(
        request,
        "certification/templates/edit.html",
        {"form": form, "template": template, "placeholders": PLACEHOLDERS},
        status=status,
    )


# The values a template may use, as {{ name }}; shown beside the editor.
PLACEHOLDERS = [
    ("organisation", gettext_lazy("the issuing organisation")),
    ("program_zh", gettext_lazy("program title in Chinese")),
    ("program_en", gettext_lazy("program title in English")),
    ("kind_zh", gettext_lazy("program kind in Chinese")),
    ("kind_en", gettext_lazy("program kind in English")),
    ("level_zh", gettext_lazy("level in Chinese (may be empty)")),
    ("level_en", gettext_lazy("level in English (may be empty)")),
    ("holder_zh", gettext_lazy("holder's Chinese name")),
    ("holder_en", gettext_lazy("holder's English name (may be empty)")),
    ("serial", gettext_lazy("serial number")),
    ("valid_from", gettext_lazy("first day of validity")),
    ("expires_on", gettext_lazy("expiry date (empty: does not expire)")),
    ("issued_by", gettext_lazy("who issued it")),
    ("verify_url", gettext_lazy("verification address")),
    ("qr_src", gettext_lazy("QR code image, for <img src>")),
]


@login_required
@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    _hr_or_404(request.user)
    templates = list(CertificateTemplate.objects.select_related("updated_by"))
    defaults = {t.kind: t for t in templates if t.is_default}
    return render(
        request,
        "certification/templates/list.html",
        {
            "templates": templates,
            "kinds": [(value, label, defaults.get(value)) for value, label in ProgramKind.choices],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def template_create(request: HttpRequest) -> HttpResponse:
    _hr_or_404(request.user)
    if request.method == "GET":
        kind = request.GET.get("kind", "")
        initial = templating.template_new_initial(
            kind if kind in ProgramKind.values else ProgramKind.SKILL
        )
        return _template_page(request, NewTemplateForm(initial=initial))
    form = NewTemplateForm(request.POST)
    if form.is_valid():
        try:
            template = templating.template_create(
                kind=form.cleaned_data["kind"],
                name=form.cleaned_data["name"],
                html=form.cleaned_data["html"],
                css=form.cleaned_data["css"],
                by=request.user,
                make_default=form.cleaned_data["make_default"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Template %(name)s saved.") % {"name": template.name})
            return redirect("certification:template-edit", pk=template.pk)
    return _template_page(request, form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _hr_or_404(request.user)
    template = get_object_or_404(CertificateTemplate, pk=pk)
    if request.method == "GET":
        initial = {"kind": template.kind, "name": template.name}
        initial.update(html=template.html, css=template.css)
        return _template_page(request, TemplateForm(initial=initial, editing=True), template)
    form = TemplateForm(request.POST, initial={"kind": template.kind}, editing=True)
    if form.is_valid():
        try:
            template = templating.template_update(
                template=template,
                name=form.cleaned_data["name"],
                html=form.cleaned_data["html"],
                css=form.cleaned_data["css"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Template %(name)s saved.") % {"name": template.name})
            return redirect("certification:template-edit", pk=template.pk)
    return _template_page(request, form, template, status=400)


@login_required
@require_POST
def template_default(request: HttpRequest, pk: int) -> HttpResponse:
    _hr_or_404(request.user)
    template = get_object_or_404(CertificateTemplate, pk=pk)
    template = templating.template_set_default(template=template, by=request.user)
    messages.success(
        request,
        _("%(name)s is now the default template for %(kind)s.")
        % {"name": template.name, "kind": template.get_kind_display()},
    )
    return redirect("certification:template-list")


def _pdf_inline(data: bytes) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="preview.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def template_preview(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """The template as a PDF with sample values: a saved one (GET), or what is in the
    editor (POST, from its "Preview" button), which is not saved."""
    _hr_or_404(request.user)
    template = get_object_or_404(CertificateTemplate, pk=pk) if pk is not None else None
    if request.method == "GET":
        if template is None:
            raise Http404
        html, css, kind = template.html, template.css, template.kind
        try:
            return _pdf_inline(templating.template_render_sample(html=html, css=css, kind=kind))
        except ValidationError as exc:
            form = TemplateForm(
                initial={"kind": kind, "name": template.name, "html": html, "css": css},
                editing=True,
            )
            messages.error(request, " ".join(exc.messages))
            return _template_page(request, form, template, status=400)
    form_class = TemplateForm if template is not None else NewTemplateForm
    form = form_class(
        request.POST,
        initial={"kind": template.kind} if template else None,
        editing=template is not None,
    )
    kind = template.kind if template else request.POST.get("kind", "")
    try:
        data = templating.template_render_sample(
            html=request.POST.get("html", ""), css=request.POST.get("css", ""), kind=kind
        )
    except ValidationError as exc:
        form.is_valid()
        form.add_error(None, exc)
        return _template_page(request, form, template, status=400)
    return _pdf_inline(data)
