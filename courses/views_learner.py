from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors
from .models import Course


@login_required
def my_learning(request: HttpRequest) -> HttpResponse:
    return render(request, "courses/my_learning.html", selectors.my_learning(request.user))


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    page = selectors.catalogue_for(request.user, page_number=request.GET.get("page", 1))
    return render(request, "courses/catalogue.html", {"page": page})


@login_required
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        course = selectors.course_get_for(request.user, pk)
    except Course.DoesNotExist as exc:
        raise Http404 from exc
    return render(request, "courses/course_detail.html", {"course": course})
