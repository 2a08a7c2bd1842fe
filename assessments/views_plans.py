"""Composite assessment plan pages: the list, the authors' form, a plan's results (people
× parts × composite) and the agent's own composite scores.

Authors (trainers, HR, admin) manage plans and see everyone's results; team leads read
the plans in use and their own team's results; anyone else gets the same 404 as for a
missing page. Everyone sees their own composites at ``plan-mine``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.permissions import can_author
from lms.exports import FORMATS, export_links, table_response

from . import plans
from .forms_manage import add_service_errors
from .forms_plans import PlanForm
from .models import AssessmentPlan


def _reader_or_404(request: HttpRequest) -> None:
    if not plans.can_see_plans(request.user):
        raise Http404


def _author_or_404(request: HttpRequest) -> None:
    if not can_author(request.user):
        raise Http404


def _plan_or_404(request: HttpRequest, pk: int) -> AssessmentPlan:
    try:
        return plans.plan_get_for(request.user, pk)
    except AssessmentPlan.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    _reader_or_404(request)
    page = plans.plan_list_for(request.user, page_number=request.GET.get("page", 1))
    context = {"page": page, "is_author": can_author(request.user)}
    return render(request, "assessments/plans/list.html", context)


def _form_page(request: HttpRequest, form: PlanForm, plan: AssessmentPlan | None):
    status = 400 if request.method == "POST" else 200
    return render(
        request, "assessments/plans/form.html", {"form": form, "plan": plan}, status=status
    )


@login_required
def plan_create(request: HttpRequest) -> HttpResponse:
    _author_or_404(request)
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = plans.plan_save(
                created_by=request.user, code=form.cleaned_data["code"], **form.plan_fields()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Assessment plan created."))
            return redirect("assessments:plan-results", plan.pk)
    return _form_page(request, form, None)


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _author_or_404(request)
    plan = _plan_or_404(request, pk)
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        try:
            plans.plan_save(plan=plan, **form.plan_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Assessment plan saved."))
            return redirect("assessments:plan-results", plan.pk)
    if request.method == "POST":
        # The form's validation changed the instance in memory: head it with the saved title.
        plan.refresh_from_db(fields=["title_zh", "title_en"])
    return _form_page(request, form, plan)


@login_required
def plan_results(request: HttpRequest, pk: int) -> HttpResponse:
    """The people the viewer may see × the plan's parts and composite, by team."""
    _reader_or_404(request)
    plan = _plan_or_404(request, pk)
    teams = list(plans.plan_teams_for(request.user))
    team_code = request.GET.get("team", "")
    if team_code not in {team.code for team in teams}:
        team_code = ""
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        return _results_export(request, fmt, plan, team_code)
    page = plans.plan_results_for(
        request.user, plan, team_code=team_code, page_number=request.GET.get("page", 1)
    )
    links = export_links(request)
    context = {
        "plan": plan,
        "page": page,
        "teams": teams,
        "team_code": team_code,
        "is_author": can_author(request.user),
        "export_links": links,
    }
    if request.htmx:
        return render(request, "assessments/plans/results.html#table", context)
    return render(request, "assessments/plans/results.html", context)


# Every row in one page: the export is the whole filtered table, not the page on screen.
EXPORT_PAGE_SIZE = 10**9


def _results_export(
    request: HttpRequest, fmt: str, plan: AssessmentPlan, team_code: str
) -> HttpResponse:
    """The results table for everyone the page would list (every page), the parts the
    plan weighs, the composite and the outcome; the same queries as one page."""
    rows = plans.plan_results_for(
        request.user, plan, team_code=team_code, page_size=EXPORT_PAGE_SIZE
    ).object_list
    parts = [
        # The page's msgid, whose "%" is doubled (python-format): formatted to one.
        (plan.quiz_weight, _("Quiz (best %%)") % {}, "quiz"),
        (plan.roleplay_weight, _("Role-play (best)"), "roleplay"),
        (plan.case_weight, _("Case review (best)"), "case_review"),
    ]
    parts = [(label, field) for weight, label, field in parts if weight]
    headers = [
        _("Person"),
        _("English name"),
        _("Employee number"),
        _("Team"),
        *(label for label, _field in parts),
        _("Composite"),
        _("Result"),
    ]

    def outcome(composite: plans.CompositeScore) -> str:
        if not composite.complete:
            return _("Incomplete")
        return _("Passed") if composite.passed else _("Not passed")

    body = [
        [
            str(row.person),
            row.person.english_name,
            row.person.employee_no,
            row.person.team.name if row.person.team_id else "",
            *(getattr(row.composite, field) for _label, field in parts),
            row.composite.score,
            outcome(row.composite),
        ]
        for row in rows
    ]
    filename = f"plan-{plan.code}-{timezone.localdate():%Y%m%d}"
    return table_response(fmt, headers, body, filename)


@login_required
def plan_mine(request: HttpRequest) -> HttpResponse:
    """The plans in use with the user's own parts, composite and what is still missing."""
    page = plans.my_composites_page(request.user, page_number=request.GET.get("page", 1))
    return render(request, "assessments/plans/mine.html", {"page": page})
