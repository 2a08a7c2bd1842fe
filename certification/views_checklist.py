"""The agent's own checklist: "what is left for this certificate", for every open
program and for one. Each person sees only their own; there is nothing to forbid."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import selectors
from .models import Program


@login_required
@require_GET
def checklist(request: HttpRequest) -> HttpResponse:
    page = selectors.checklist_page(request.user, page_number=request.GET.get("page", 1))
    return render(request, "certification/checklist.html", {"page": page})


@login_required
@require_GET
def checklist_program(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        entry = selectors.checklist_program(request.user, pk)
    except Program.DoesNotExist as exc:
        raise Http404 from exc
    context = {
        "entry": entry,
        "program": entry.program,
        "certificates": selectors.my_certificates_in(request.user, entry.program),
    }
    return render(request, "certification/checklist_program.html", context)
