"""The public verification page: ``/verify/<code>/``, no login.

Anyone holding a certificate's code (its QR code) can check it: valid, expiring soon,
expired, revoked (with the reason and date), superseded by a renewal, or still being
issued; with the holder's Chinese and English names, the program, level, dates, serial
and issuer.

JSON: the same at ``/verify/<code>/?format=json``, e.g.
``{"status": "valid", "status_label": "Valid", "holder": "王雨桐", "holder_en": "Wang
Yutong", "program": {...}, "serial": "AA-2026-000001", "valid_from": "2026-01-15",
"expires_on": "2027-01-15", ...}`` (``expires_on`` is the first day it is no longer
valid); an unknown code answers 404 ``{"status": "unknown"}``.

``?lang=en`` (or ``zh-hans``) chooses the language, for visitors without an account.

Codes must not be guessable from the answers: every unknown code gets the same bytes
(the code is never echoed back, and the page is rendered without the request, so there
is no CSRF token, session or path in it) after the same single lookup, a malformed code
included. Requests are counted per client address: past the limit, 429. Nothing is
cached, so that a revocation shows at once.
"""

import re

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from .models import Certificate
from .pdf import verify_url

# token_urlsafe(32) gives 43 characters of this alphabet; a little slack either way.
CODE_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")
# Looked up in place of a malformed code, so that it costs the same query as any other
# unknown code; "!" is outside the alphabet, so no certificate ever has it.
NEVER_A_CODE = "!"

RATE_LIMIT = getattr(settings, "CERTIFICATE_VERIFY_RATE_LIMIT", 30)
RATE_WINDOW_SECONDS = getattr(settings, "CERTIFICATE_VERIFY_RATE_WINDOW_SECONDS", 60)


def _over_limit(request: HttpRequest) -> bool:
    """Count this address's requests in the cache for a window (as lms.throttle counts
    login failures); True once past the limit."""
    key = f"verify:addr:{request.META.get('REMOTE_ADDR', '')}"
    cache.add(key, 0, RATE_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RATE_WINDOW_SECONDS)
        count = 1
    return count > RATE_LIMIT


def certificate_by_code(code: str) -> Certificate | None:
    """Exactly one query, whatever the code."""
    if not CODE_SHAPE.fullmatch(code):
        code = NEVER_A_CODE
    return (
        Certificate.objects.select_related("program", "holder", "issued_by", "superseded_by")
        .filter(code=code)
        .first()
    )


def _language(request: HttpRequest) -> str:
    wanted = request.GET.get("lang", "")
    codes = [code for code, _name in settings.LANGUAGES]
    return wanted if wanted in codes else translation.get_language()


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    # The code is in the address: no Referer to other sites, and no search engine.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _facts(certificate: Certificate) -> dict:
    program, holder = certificate.program, certificate.holder
    state = certificate.state()
    today = timezone.localdate()
    return {
        "status": str(state),
        "status_label": str(Certificate.State(state).label),
        "holder": str(holder),
        "holder_en": holder.english_name,
        "program": {
            "code": program.code,
            "title": str(program),
            "title_zh": program.title_zh,
            "title_en": program.title_en,
            "kind": program.kind,
            "kind_label": program.get_kind_display(),
            "level": program.level,
            "level_label": program.get_level_display() if program.level else "",
        },
        "serial": certificate.serial,
        "valid_from": certificate.valid_from.isoformat(),
        "expires_on": certificate.expires_on.isoformat() if certificate.expires_on else None,
        "days_left": (certificate.expires_on - today).days
        if certificate.expires_on and state == Certificate.State.EXPIRING
        else None,
        "issued_at": certificate.issued_at.isoformat() if certificate.issued_at else None,
        "issuer": settings.CERTIFICATE_ISSUER_NAME,
        "issued_by": str(certificate.issued_by) if certificate.issued_by else "",
        "revoked_at": certificate.revoked_at.isoformat() if certificate.revoked_at else None,
        "revoke_reason": certificate.revoke_reason if state == Certificate.State.REVOKED else "",
        "superseded_by": certificate.superseded_by.serial
        if state == Certificate.State.SUPERSEDED
        else None,
        "verify_url": verify_url(certificate.code),
    }


@require_safe
def verify(request: HttpRequest, code: str) -> HttpResponse:
    wants_json = request.GET.get("format") == "json"
    with translation.override(_language(request)):
        if _over_limit(request):
            message = _("Too many verification requests. Try again in a minute.")
            if wants_json:
                response = JsonResponse({"status": "rate_limited", "detail": message}, status=429)
            else:
                page = render_to_string("certification/verify_limited.html", {"message": message})
                response = HttpResponse(page, status=429)
            response["Retry-After"] = str(RATE_WINDOW_SECONDS)
            return _private(response)
        certificate = certificate_by_code(code)
        if certificate is None:
            if wants_json:
                response = JsonResponse({"status": "unknown"}, status=404)
            else:
                response = HttpResponse(
                    render_to_string("certification/verify_unknown.html"), status=404
                )
            return _private(response)
        facts = _facts(certificate)
        if wants_json:
            return _private(JsonResponse(facts, json_dumps_params={"ensure_ascii": False}))
        page = render_to_string(
            "certification/verify.html",
            {"certificate": certificate, "facts": facts, "states": Certificate.State},
        )
        return _private(HttpResponse(page))
