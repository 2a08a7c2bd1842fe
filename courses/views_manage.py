from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors
from .permissions import can_assign


@login_required
def progress(request: HttpRequest) -> HttpResponse:
    if not can_assign(request.user):
        raise Http404
    page = selectors.progress_for(request.user, page_number=request.GET.get("page", 1))
    return render(request, "courses/progress.html", {"page": page})
