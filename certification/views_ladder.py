"""Career ladder pages: the agent's "next level: what is left", HR's levels and the
promotion board with its decisions. HR's pages and actions answer 404 to everyone else."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.models import User

from . import ladder
from .forms_points import CareerLevelForm, PromotionDecisionForm
from .models import CareerLevel

CANDIDATES_PER_PAGE = 25


def _hr_or_404(user: User) -> None:
    if not user.is_hr:
        raise Http404


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@login_required
def ladder_me(request: HttpRequest) -> HttpResponse:
    context = {
        "status": ladder.ladder_status(request.user),
        "ladder": ladder.levels(),
        "history": ladder.promotion_history(request.GET.get("page"), person=request.user),
    }
    return render(request, "certification/ladder/me.html", context)


# --- Levels (HR) -----------------------------------------------------------------------


@login_required
def ladder_levels(request: HttpRequest) -> HttpResponse:
    _hr_or_404(request.user)
    return render(request, "certification/ladder/levels.html", {"levels": ladder.levels()})


@login_required
def ladder_level_create(request: HttpRequest) -> HttpResponse:
    _hr_or_404(request.user)
    form = CareerLevelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            level = ladder.career_level_create(programs=data.pop("programs"), **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Level %(level)s created.") % {"level": level})
            return redirect("certification:ladder-levels")
    return render(request, "certification/ladder/level_form.html", {"form": form})


@login_required
def ladder_level_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _hr_or_404(request.user)
    level = get_object_or_404(CareerLevel, pk=pk)
    form = CareerLevelForm(request.POST or None, instance=level)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "code"}
        try:
            ladder.career_level_update(level=level, programs=data.pop("programs"), **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Level %(level)s saved.") % {"level": level})
            return redirect("certification:ladder-levels")
    context = {"form": form, "level": level}
    return render(request, "certification/ladder/level_form.html", context)


# --- Promotion board (HR) ----------------------------------------------------------------


@login_required
def promotion_board(request: HttpRequest) -> HttpResponse:
    _hr_or_404(request.user)
    candidates = ladder.promotion_candidates(ladder.ladder_people())
    context = {
        "page": Paginator(candidates, CANDIDATES_PER_PAGE).get_page(request.GET.get("page")),
        "history": ladder.promotion_history(request.GET.get("history")),
    }
    return render(request, "certification/ladder/board.html", context)


@login_required
@require_POST
def promotion_decide(request: HttpRequest) -> HttpResponse:
    _hr_or_404(request.user)
    form = PromotionDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(" ".join(errors) for errors in form.errors.values()))
        return redirect("certification:promotion-board")
    data = form.cleaned_data
    approve = data["decision"] == "approve"
    try:
        promotion = ladder.promotion_decide(
            person=data["person"],
            to_level=data["to_level"],
            approve=approve,
            note=data["note"],
            decided_by=request.user,
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        text = (
            _("%(person)s is promoted to %(level)s.")
            if approve
            else _("The promotion of %(person)s to %(level)s is rejected.")
        )
        messages.success(request, text % {"person": promotion.person, "level": promotion.to_level})
    return redirect("certification:promotion-board")
