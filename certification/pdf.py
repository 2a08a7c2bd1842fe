"""Certificate PDFs with WeasyPrint.

HR edits the HTML and CSS of the templates, so rendering treats them as untrusted:
- the template is rendered by a bare Django engine (no loaders, no tag libraries, and
  of the built-ins neither ``{% include %}``/``{% extends %}`` nor ``{% debug %}``) with
  plain strings only, so it cannot read files or reach models;
- every resource it points at goes through ``StaticOnlyFetcher``, which serves our own
  static files and inline ``data:`` images, and nothing else: no ``file:``, no other host,
  no private address. WeasyPrint calls the fetcher for every image, stylesheet, font,
  SVG reference and attachment, and renders the document without what it refuses.
"""

import ctypes.util
import html as html_lib
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template import Context, Engine, Library, defaultfilters, defaulttags
from django.urls import reverse
from django.utils import translation
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from lms.models import Level

from .models import Certificate, CertificateTemplate, Program, ProgramKind

# Relative and "/static/..." URLs in a template resolve against this made-up origin; the
# fetcher maps it onto the static files and refuses every other origin.
ASSET_ORIGIN = "https://certificate-assets.invalid"


class ResourceRefused(ValueError):
    """WeasyPrint logs it and renders the document without the resource."""


class StaticOnlyFetcher(URLFetcher):
    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        found = self._static_file(url)
        content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, Path(found).read_bytes(), headers={"Content-Type": content_type}
        )

    @staticmethod
    def _static_file(url: str) -> str:
        parts = urlsplit(url)
        static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"
        if (
            parts.scheme != "https"
            or parts.netloc != urlsplit(ASSET_ORIGIN).netloc
            or not parts.path.startswith(static_prefix)
        ):
            raise ResourceRefused(f"Certificates may only use the site's static files: {url}")
        relative = unquote(parts.path[len(static_prefix) :])
        # An absolute or climbing path would let the finders join it outside their roots.
        if not relative or relative.startswith(("/", "\\")) or ".." in Path(relative).parts:
            raise ResourceRefused(f"Not a static file: {url}")
        try:
            found = finders.find(relative)
        except SuspiciousFileOperation as exc:
            raise ResourceRefused(f"Not a static file: {url}") from exc
        if not found or not Path(found).is_file():
            raise ResourceRefused(f"No such static file: {url}")
        return found


def _template_builtins() -> list[Library]:
    """The built-in tags and filters, less those that reach beyond the given strings:
    ``{% debug %}`` prints the loaded modules, and the loader tags (include, extends)
    would read templates."""
    tags = Library()
    tags.tags = {name: tag for name, tag in defaulttags.register.tags.items() if name != "debug"}
    return [tags, defaultfilters.register]


_ENGINE = Engine(dirs=[], app_dirs=False, loaders=[], libraries={}, autoescape=True)
_ENGINE.template_builtins = _template_builtins()

# The built-in design, used until HR saves templates of their own (HR's copies start
# from these files).
_DEFAULTS = Path(__file__).resolve().parent / "certificate_templates"
DEFAULT_HTML = (_DEFAULTS / "default.html").read_text(encoding="utf-8")
DEFAULT_CSS = (_DEFAULTS / "default.css").read_text(encoding="utf-8")


def verify_url(code: str) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("verify", args=[code])


def qr_data_uri(url: str) -> str:
    # A quiet zone of four modules (the standard's minimum) so that scanners find it.
    return segno.make(url, error="m").svg_data_uri(scale=4, border=4)


def _in(language: str, label) -> str:
    with translation.override(language):
        return str(label)


def certificate_context(certificate: Certificate) -> dict[str, str]:
    """Plain strings only: a template edited by HR never sees a model object."""
    program, holder = certificate.program, certificate.holder
    url = verify_url(certificate.code)
    level = Level(program.level).label if program.level else ""
    return {
        "organisation": settings.CERTIFICATE_ISSUER_NAME,
        "program_zh": program.title_zh,
        "program_en": program.title_en,
        "kind_zh": _in("zh-hans", ProgramKind(program.kind).label),
        "kind_en": _in("en", ProgramKind(program.kind).label),
        "level_zh": _in("zh-hans", level) if level else "",
        "level_en": _in("en", level) if level else "",
        "holder_zh": holder.display_name or holder.get_full_name() or holder.username,
        "holder_en": holder.english_name,
        "serial": certificate.serial,
        "valid_from": certificate.valid_from.isoformat(),
        "expires_on": certificate.expires_on.isoformat() if certificate.expires_on else "",
        "issued_by": str(certificate.issued_by)
        if certificate.issued_by
        else settings.CERTIFICATE_ISSUER_NAME,
        "verify_url": url,
        "qr_src": qr_data_uri(url),
    }


def template_for(program: Program) -> tuple[str, str]:
    """The program's template, else its kind's default, else the built-in one."""
    template = (
        program.template
        or CertificateTemplate.objects.filter(kind=program.kind, is_default=True).first()
    )
    if template is None:
        return DEFAULT_HTML, DEFAULT_CSS
    return template.html, template.css


def render_template(html: str, context: dict[str, str]) -> str:
    """The certificate's HTML with its values filled in; raises TemplateSyntaxError (and
    TemplateDoesNotExist for a template name) on a template that cannot render."""
    return _ENGINE.from_string(html).render(Context(context))


def render_pdf(html: str, css: str, context: dict[str, str]) -> bytes:
    body = render_template(html, context)
    title = html_lib.escape(context.get("serial", ""))
    document = (
        '<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8">'
        f"<title>{title}</title></head><body>{body}</body></html>"
    )
    fetcher = StaticOnlyFetcher()
    return HTML(string=document, base_url=ASSET_ORIGIN + "/", url_fetcher=fetcher).write_pdf(
        stylesheets=[CSS(string=css, base_url=ASSET_ORIGIN + "/", url_fetcher=fetcher)]
    )


def render_certificate_pdf(certificate: Certificate) -> bytes:
    html, css = template_for(certificate.program)
    return render_pdf(html, css, certificate_context(certificate))


def harfbuzz_subset_available() -> bool:
    """Without libharfbuzz-subset WeasyPrint embeds whole CJK fonts through a slow path
    (about 12 s instead of 0.14 s for a Chinese certificate)."""
    return ctypes.util.find_library("harfbuzz-subset") is not None
