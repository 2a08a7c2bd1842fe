"""Authoring pages for rubrics and scenarios (trainers, HR and admin).

Like the quiz authoring pages: anyone who may not author gets a 404, as for a missing
object; each view reads through ``roleplay_authoring``'s reads, validates a form and calls
a service (``roleplay_authoring`` or ``roleplay``), whose ``ValidationError`` lands on the
form or in a message and changes nothing.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.permissions import can_author

from . import roleplay
from . import roleplay_authoring as authoring
from .forms_authoring import (
    RULE_LABELS,
    CriterionForm,
    RubricForm,
    ScenarioForm,
    TryReplyForm,
    TurnForm,
)
from .forms_manage import add_service_errors
from .models import Criterion, Rubric, Scenario, ScenarioTurn
from .quality import RULE_KEYS, rules_for


def _author_or_404(request: HttpRequest) -> None:
    if not can_author(request.user):
        raise Http404


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# --- Rubrics -------------------------------------------------------------------------


def _rubric_or_404(request: HttpRequest, pk: int) -> Rubric:
    _author_or_404(request)
    try:
        return Rubric.objects.get(pk=pk)
    except Rubric.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def rubric_list(request: HttpRequest) -> HttpResponse:
    _author_or_404(request)
    page = authoring.rubrics_for_authoring(page_number=request.GET.get("page", 1))
    return render(request, "assessments/authoring/rubric_list.html", {"page": page})


def _rubric_form_page(request: HttpRequest, form: RubricForm, rubric: Rubric | None):
    return render(
        request, "assessments/authoring/rubric_form.html", {"form": form, "rubric": rubric}
    )


@login_required
def rubric_create(request: HttpRequest) -> HttpResponse:
    _author_or_404(request)
    form = RubricForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rubric = roleplay.rubric_create(
                code=form.cleaned_data["code"], created_by=request.user, **form.rubric_fields()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Rubric created with a draft version 1: add its criteria, then publish.")
            )
            return redirect("assessments:author-rubric", rubric.pk)
    return _rubric_form_page(request, form, None)


@login_required
def rubric_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rubric = _rubric_or_404(request, pk)
    form = RubricForm(request.POST or None, instance=rubric)
    if request.method == "POST" and form.is_valid():
        try:
            authoring.rubric_update(rubric=rubric, **form.rubric_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Rubric saved."))
            return redirect("assessments:author-rubric", rubric.pk)
    return _rubric_form_page(request, form, rubric)


def _rubric_page(
    request: HttpRequest, rubric: Rubric, form: CriterionForm | None = None, status: int = 200
) -> HttpResponse:
    data = authoring.rubric_page(rubric, version_number=_int_or_none(request.GET.get("version")))
    if form is None and data.editable:
        form = CriterionForm()
    context = {"rubric": rubric, "data": data, "form": form if data.editable else None}
    return render(request, "assessments/authoring/rubric_detail.html", context, status=status)


@login_required
def rubric_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One version's criteria (the draft to edit, else the published one), the versions,
    and the publishing controls."""
    return _rubric_page(request, _rubric_or_404(request, pk))


@login_required
@require_POST
def rubric_new_draft(request: HttpRequest, pk: int) -> HttpResponse:
    rubric = _rubric_or_404(request, pk)
    draft = roleplay.rubric_draft(rubric=rubric)
    messages.success(
        request,
        _("Draft version %(number)s is ready: edit it, then publish it.")
        % {"number": draft.number},
    )
    return redirect("assessments:author-rubric", rubric.pk)


@login_required
@require_POST
def rubric_publish(request: HttpRequest, pk: int) -> HttpResponse:
    rubric = _rubric_or_404(request, pk)
    try:
        version = authoring.rubric_publish_draft(rubric=rubric)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(
            request,
            _(
                "Version %(number)s is published: submissions started from now on are graded "
                "with it; earlier ones keep their version."
            )
            % {"number": version.number},
        )
    return redirect("assessments:author-rubric", rubric.pk)


@login_required
@require_POST
def criterion_create(request: HttpRequest, pk: int) -> HttpResponse:
    rubric = _rubric_or_404(request, pk)
    data = authoring.rubric_page(rubric)
    if data.draft is None:
        messages.error(request, _("Start a new draft first: published versions never change."))
        return redirect("assessments:author-rubric", rubric.pk)
    form = CriterionForm(request.POST)
    if form.is_valid():
        try:
            authoring.criterion_create(
                version=data.draft, levels=form.levels(), **form.criterion_fields()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Criterion added."))
            return redirect(reverse("assessments:author-rubric", args=[rubric.pk]) + "#criteria")
    return _rubric_page(request, rubric, form, status=400)


def _draft_criterion_or_404(request: HttpRequest, pk: int) -> Criterion:
    _author_or_404(request)
    try:
        return Criterion.objects.select_related("version__rubric", "competency").get(pk=pk)
    except Criterion.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def criterion_edit(request: HttpRequest, pk: int) -> HttpResponse:
    criterion = _draft_criterion_or_404(request, pk)
    rubric = criterion.version.rubric
    if criterion.version.is_published:
        messages.error(request, _("This rubric version is published; edit a new draft instead."))
        return redirect("assessments:author-rubric", rubric.pk)
    form = CriterionForm(request.POST or None, criterion=criterion)
    if request.method == "POST" and form.is_valid():
        try:
            authoring.criterion_update(
                criterion=criterion, levels=form.levels(), **form.criterion_fields()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Criterion saved."))
            return redirect(reverse("assessments:author-rubric", args=[rubric.pk]) + "#criteria")
    context = {"form": form, "criterion": criterion, "rubric": rubric}
    return render(request, "assessments/authoring/criterion_form.html", context)


@login_required
@require_POST
def criterion_delete(request: HttpRequest, pk: int) -> HttpResponse:
    criterion = _draft_criterion_or_404(request, pk)
    try:
        authoring.criterion_remove(criterion=criterion)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Criterion deleted."))
    return redirect(
        reverse("assessments:author-rubric", args=[criterion.version.rubric_id]) + "#criteria"
    )


# --- Scenarios -----------------------------------------------------------------------


def _scenario_or_404(request: HttpRequest, pk: int) -> Scenario:
    _author_or_404(request)
    try:
        return authoring.scenario_for_authoring(pk)
    except Scenario.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def scenario_list(request: HttpRequest) -> HttpResponse:
    _author_or_404(request)
    status = request.GET.get("status", "")
    if status not in Scenario.Status.values:
        status = ""
    kind = request.GET.get("kind", "")
    if kind not in Scenario.Kind.values:
        kind = ""
    page = authoring.scenarios_for_authoring(
        status=status, kind=kind, page_number=request.GET.get("page", 1)
    )
    context = {
        "page": page,
        "status": status,
        "kind": kind,
        "statuses": Scenario.Status.choices,
        "kinds": Scenario.Kind.choices,
    }
    return render(request, "assessments/authoring/scenario_list.html", context)


def _scenario_form_page(request: HttpRequest, form: ScenarioForm, scenario: Scenario | None):
    context = {"form": form, "scenario": scenario}
    return render(request, "assessments/authoring/scenario_form.html", context)


@login_required
def scenario_create(request: HttpRequest) -> HttpResponse:
    _author_or_404(request)
    form = ScenarioForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            scenario = authoring.scenario_create(
                code=form.cleaned_data["code"], created_by=request.user, **form.scenario_fields()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Scenario created as a draft: write its customer turns, then publish.")
            )
            return redirect("assessments:author-scenario", scenario.pk)
    return _scenario_form_page(request, form, None)


@login_required
def scenario_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = _scenario_or_404(request, pk)
    form = ScenarioForm(request.POST or None, instance=scenario)
    if request.method == "POST" and form.is_valid():
        try:
            authoring.scenario_update(scenario=scenario, **form.scenario_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Scenario saved. Submissions already started keep their rubric version.")
            )
            return redirect("assessments:author-scenario", scenario.pk)
    return _scenario_form_page(request, form, scenario)


@dataclass
class ScriptRow:
    turn: ScenarioTurn
    following: int | None  # the turn that follows when no branch matches; None: it ends
    reachable: bool


def script_rows(turns: list[ScenarioTurn]) -> list[ScriptRow]:
    """The script as the runner plays it: each turn's default next turn, and whether any
    path from the first turn reaches it (a turn nobody reaches is worth a look)."""
    orders = [t.order for t in turns]
    following: dict[int, int | None] = {}
    for i, turn in enumerate(turns):
        following[turn.order] = None if turn.ends or i + 1 == len(turns) else orders[i + 1]
    reached: set[int] = set()
    todo = orders[:1]
    by_order = {t.order: t for t in turns}
    while todo:
        order = todo.pop()
        if order in reached or order not in by_order:
            continue
        reached.add(order)
        if by_order[order].ends:
            continue
        todo.extend(b.get("goto") for b in by_order[order].branches or [])
        if following[order] is not None:
            todo.append(following[order])
    return [ScriptRow(t, following[t.order], t.order in reached) for t in turns]


def _scenario_page(
    request: HttpRequest,
    scenario: Scenario,
    *,
    turn_form: TurnForm | None = None,
    try_form: TryReplyForm | None = None,
    try_result: dict | None = None,
    status: int = 200,
) -> HttpResponse:
    turns = scenario.turn_list
    own = scenario.quality_rules or {}
    merged = rules_for(own)
    rules = [
        {
            "key": key,
            "label": RULE_LABELS[key],
            "phrases": merged[key],
            "own": set(own.get(key, [])) if isinstance(own.get(key), list) else set(),
        }
        for key in RULE_KEYS
    ]
    context = {
        "scenario": scenario,
        "rows": script_rows(turns),
        "problems": authoring.scenario_problems(scenario),
        "turn_form": turn_form or TurnForm(),
        "try_form": try_form or TryReplyForm(turns=turns),
        "try_result": try_result,
        "rules": rules,
        "replace": bool(own.get("replace")),
    }
    return render(request, "assessments/authoring/scenario_detail.html", context, status=status)


@login_required
def scenario_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Settings, publishing, the turns editor and a preview of the script."""
    return _scenario_page(request, _scenario_or_404(request, pk))


@login_required
def scenario_try(request: HttpRequest, pk: int) -> HttpResponse:
    """Preview: the customer message that follows a given reply (nothing is saved)."""
    scenario = _scenario_or_404(request, pk)
    turns = scenario.turn_list
    form = TryReplyForm(request.GET or None, turns=turns)
    result = None
    if form.is_valid():
        current = next(t for t in turns if t.order == form.cleaned_data["turn"])
        following = roleplay.next_script_turn(turns, current, form.cleaned_data["reply"])
        result = {"current": current, "following": following}
    if request.htmx:
        context = {"scenario": scenario, "try_form": form, "try_result": result}
        return render(request, "assessments/authoring/scenario_detail.html#try", context)
    return _scenario_page(request, scenario, try_form=form, try_result=result)


@login_required
@require_POST
def scenario_publish(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = _scenario_or_404(request, pk)
    try:
        roleplay.scenario_publish(scenario=scenario)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("%(scenario)s is published.") % {"scenario": scenario})
    return redirect("assessments:author-scenario", scenario.pk)


@login_required
@require_POST
def scenario_archive(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = _scenario_or_404(request, pk)
    authoring.scenario_archive(scenario=scenario)
    messages.success(
        request, _("Scenario archived: nobody can start it; submissions and grades are kept.")
    )
    return redirect("assessments:author-scenario", scenario.pk)


@login_required
@require_POST
def turn_create(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = _scenario_or_404(request, pk)
    form = TurnForm(request.POST)
    if form.is_valid():
        try:
            authoring.scenario_turn_add(scenario=scenario, **form.turn_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Customer turn added."))
            return redirect(reverse("assessments:author-scenario", args=[scenario.pk]) + "#turns")
    return _scenario_page(request, scenario, turn_form=form, status=400)


def _turn_or_404(request: HttpRequest, pk: int) -> ScenarioTurn:
    _author_or_404(request)
    try:
        return ScenarioTurn.objects.select_related("scenario").get(pk=pk)
    except ScenarioTurn.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def turn_edit(request: HttpRequest, pk: int) -> HttpResponse:
    turn = _turn_or_404(request, pk)
    form = TurnForm(request.POST or None, turn=turn)
    if request.method == "POST" and form.is_valid():
        fields = form.turn_fields()
        if fields["order"] is None:
            fields["order"] = turn.order
        try:
            authoring.scenario_turn_update(turn=turn, **fields)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Customer turn saved."))
            return redirect(
                reverse("assessments:author-scenario", args=[turn.scenario_id]) + "#turns"
            )
    context = {"form": form, "turn": turn, "scenario": turn.scenario}
    return render(request, "assessments/authoring/turn_form.html", context)


@login_required
@require_POST
def turn_delete(request: HttpRequest, pk: int) -> HttpResponse:
    turn = _turn_or_404(request, pk)
    try:
        authoring.scenario_turn_delete(turn=turn)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Customer turn deleted."))
    return redirect(reverse("assessments:author-scenario", args=[turn.scenario_id]) + "#turns")
