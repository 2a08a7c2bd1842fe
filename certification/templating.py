"""HR's certificate templates: create, edit, choose the default for a program kind, and
preview with sample values.

A template is checked by rendering it to a PDF with the sample values before anything
is saved: one that cannot render (a syntax error, an unknown filter, or an
``{% include %}``/``{% load %}``, which the certificate engine does not offer) is refused
with the reason, and nothing changes. The rendering is slow (a PDF), so it happens
before the transaction opens.
"""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.utils.translation import gettext as _

from lms.models import Level, User

from .models import Certificate, CertificateTemplate, Program, ProgramKind
from .pdf import DEFAULT_CSS, DEFAULT_HTML, certificate_context, render_pdf

logger = logging.getLogger(__name__)

MAX_LENGTH = 100_000  # characters of HTML, and of CSS: far above any real design
SAMPLE_SERIAL = "AA-2026-000000"
# Shaped like a real code (43 URL-safe characters) but never issued: the sample QR code
# opens the verification page's "no such certificate".
SAMPLE_CODE = "SAMPLE-certificate-preview-000000000000000"


def sample_certificate(kind: str) -> Certificate:
    """An unsaved certificate with sample people and program, for previews: built from
    the same models as a real one, so the template sees exactly the same values."""
    program = Program(
        kind=kind,
        level=Level.ADVANCED,
        title_zh="售后退换货处理认证（示例）",
        title_en="Returns and Refunds Certification (sample)",
    )
    holder = User(display_name="王雨桐", english_name="Wang Yutong", username="sample")
    issuer = User(display_name="刘人事", english_name="Liu Renshi", username="sample-hr")
    valid_from = datetime.date(2026, 1, 15)
    return Certificate(
        program=program,
        holder=holder,
        issued_by=issuer,
        serial=SAMPLE_SERIAL,
        code=SAMPLE_CODE,
        valid_from=valid_from,
        expires_on=datetime.date(2027, 1, 15),
    )


def sample_context(kind: str) -> dict[str, str]:
    return certificate_context(sample_certificate(kind))


def template_render_sample(*, html: str, css: str, kind: str) -> bytes:
    """The template as a PDF with the sample values; ValidationError (on ``html``) when
    it cannot render."""
    if kind not in ProgramKind.values:
        raise ValidationError({"kind": _("Choose a program kind.")}, code="kind")
    if not html.strip():
        raise ValidationError({"html": _("The template needs its HTML.")}, code="html")
    if len(html) > MAX_LENGTH or len(css) > MAX_LENGTH:
        raise ValidationError(
            _("HTML and CSS may each have at most %(limit)s characters.") % {"limit": MAX_LENGTH},
            code="length",
        )
    try:
        return render_pdf(html, css, sample_context(kind))
    except (TemplateSyntaxError, TemplateDoesNotExist) as exc:
        raise ValidationError(
            {"html": _("The template cannot be rendered: %(error)s") % {"error": exc}},
            code="template",
        ) from exc
    except Exception as exc:
        # WeasyPrint's failures share no base class; whatever it chokes on, HR gets the
        # reason and nothing is saved.
        logger.warning("Certificate template failed to render", exc_info=True)
        raise ValidationError(
            {"html": _("The template cannot be rendered as a PDF: %(error)s") % {"error": exc}},
            code="pdf",
        ) from exc


def _clean_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the template a name.")}, code="name")
    if len(name) > 100:
        raise ValidationError({"name": _("A name has at most 100 characters.")}, code="name_length")
    return name


def template_new_initial(kind: str = ProgramKind.SKILL) -> dict[str, str]:
    """What a new template starts from: the built-in design."""
    return {"kind": kind, "name": "", "html": DEFAULT_HTML, "css": DEFAULT_CSS}


def template_create(
    *,
    kind: str,
    name: str,
    html: str,
    css: str,
    by: User,
    make_default: bool = False,
) -> CertificateTemplate:
    name = _clean_name(name)
    template_render_sample(html=html, css=css, kind=kind)
    with transaction.atomic():
        template = CertificateTemplate.objects.create(
            kind=kind, name=name, html=html, css=css, updated_by=by
        )
        if make_default:
            template = template_set_default(template=template, by=by)
    return template


def template_update(
    *, template: CertificateTemplate, name: str, html: str, css: str, by: User
) -> CertificateTemplate:
    """New HTML and CSS for the certificates rendered from now on; PDFs already issued
    keep the design they were rendered with."""
    name = _clean_name(name)
    template_render_sample(html=html, css=css, kind=template.kind)
    with transaction.atomic():
        template = CertificateTemplate.objects.select_for_update().get(pk=template.pk)
        template.name, template.html, template.css, template.updated_by = name, html, css, by
        template.save(update_fields=["name", "html", "css", "updated_by", "updated_at"])
    return template


@transaction.atomic
def template_set_default(*, template: CertificateTemplate, by: User) -> CertificateTemplate:
    """The template programs of its kind use unless they name their own."""
    # Lock the kind's templates: two HR choosing at once take turns (and the unique
    # constraint on the default backs it).
    siblings = list(
        CertificateTemplate.objects.select_for_update().filter(kind=template.kind).order_by("pk")
    )
    template = next(t for t in siblings if t.pk == template.pk)
    if template.is_default:
        return template
    CertificateTemplate.objects.filter(kind=template.kind, is_default=True).update(is_default=False)
    template.is_default = True
    template.updated_by = by
    template.save(update_fields=["is_default", "updated_by", "updated_at"])
    return template
