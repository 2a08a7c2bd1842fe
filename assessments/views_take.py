from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors


@login_required
def my_quizzes(request: HttpRequest) -> HttpResponse:
    summaries = selectors.quizzes_for_agent(request.user)
    return render(request, "assessments/my_quizzes.html", {"summaries": summaries})
