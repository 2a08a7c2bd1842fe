from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors
from .permissions import can_author


@login_required
def banks(request: HttpRequest) -> HttpResponse:
    if not can_author(request.user):
        raise Http404
    return render(
        request, "assessments/manage/banks.html", {"banks": selectors.banks_with_counts()}
    )
