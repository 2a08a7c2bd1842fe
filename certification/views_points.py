"""Points pages: a person's statement (and HR's correction on it), "how points work",
the leaderboards, HR's point rules and honours, and the person-page panel.

A statement is fetched through the people policy (self, team lead, mentor, HR): anyone
else gets the same 404 as for a missing person. HR's pages and actions answer 404 to
everyone else. No view here changes or removes a ledger entry: a correction is a new one.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.exports import FORMATS, export_links, table_response
from lms.models import Team, User
from lms.permissions import people_visible_to

from . import points
from .forms_points import (
    CorrectionForm,
    HonourAwardForm,
    HonourMonthForm,
    HonourTypeForm,
    PointRulesForm,
)
from .models import CareerStatus, HonourType, Program


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _hr_or_404(user: User) -> None:
    if not user.is_hr:
        raise Http404


def person_or_404(viewer: User, person_id: int) -> User:
    """The person if the viewer may see them (HR also sees people who have left)."""
    people = User.objects.all() if viewer.is_hr else people_visible_to(viewer)
    try:
        return people.select_related("team").get(pk=person_id)
    except User.DoesNotExist as exc:
        raise Http404 from exc


# --- Statement -------------------------------------------------------------------------


@login_required
def points_me(request: HttpRequest) -> HttpResponse:
    return redirect("certification:points-statement", person_id=request.user.pk)


def _statement(
    request: HttpRequest, person: User, form: CorrectionForm | None, status: int = 200
) -> HttpResponse:
    page = points.statement_page(person, request.GET.get("page"))
    for entry in page:
        entry.source_text = points.source_label(entry.source_type) if entry.source_type else ""
    context = {
        "person": person,
        "page": page,
        "balance": points.balance(person),
        "form": form,
        "is_self": person.pk == request.user.pk,
        "export_links": _export_links(request),
    }
    template = "certification/points/statement.html"
    if request.htmx and request.method == "GET":
        template += "#entries"
    return render(request, template, context, status=status)


def _export_links(request: HttpRequest) -> dict[str, str]:
    return export_links(request)


def _statement_export(fmt: str, person: User) -> HttpResponse:
    """Every entry of the statement (not one page), newest first as on the page, with the
    running balance: two queries whatever the number of entries."""
    entries = points.statement_page(person, 1, per_page=10**9).object_list
    headers = [
        _("Person"),
        _("Date"),
        _("Reason"),
        _("Source"),
        _("Note"),
        _("Entered by"),
        _("Amount"),
        _("Balance"),
    ]
    rows = [
        [
            str(person),
            timezone.localtime(entry.created_at).strftime("%Y-%m-%d %H:%M"),
            entry.get_reason_display(),
            points.source_label(entry.source_type) if entry.source_type else "",
            entry.note,
            str(entry.created_by) if entry.created_by_id else _("automatic"),
            entry.amount,
            entry.running,
        ]
        for entry in entries
    ]
    filename = f"points-{person.pk}-{timezone.localdate():%Y%m%d}"
    return table_response(fmt, headers, rows, filename)


@login_required
def points_statement(request: HttpRequest, person_id: int) -> HttpResponse:
    person = person_or_404(request.user, person_id)
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        return _statement_export(fmt, person)
    return _statement(request, person, CorrectionForm() if request.user.is_hr else None)


@login_required
@require_POST
def points_correct(request: HttpRequest, person_id: int) -> HttpResponse:
    _hr_or_404(request.user)
    person = person_or_404(request.user, person_id)
    form = CorrectionForm(request.POST)
    if form.is_valid():
        try:
            entry = points.points_correct(
                person=person,
                amount=form.cleaned_data["amount"],
                note=form.cleaned_data["note"],
                created_by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Correction of %(amount)s points added to the statement of %(person)s.")
                % {"amount": f"{entry.amount:+d}", "person": person},
            )
            return redirect("certification:points-statement", person_id=person.pk)
    return _statement(request, person, form, status=400)


# --- How points work, leaderboards ---------------------------------------------------------


@login_required
def points_how(request: HttpRequest) -> HttpResponse:
    context = {
        "rules": points.rules_in_force(),
        "programs": Program.objects.filter(is_active=True, points_awarded__gt=0).order_by(
            "-points_awarded", "code"
        ),
        "honour_types": HonourType.objects.filter(is_active=True, points__gt=0).order_by(
            "-points", "code"
        ),
    }
    return render(request, "certification/points/how.html", context)


def _team_choice(request: HttpRequest, teams: list[Team]) -> tuple[Team | None, bool]:
    """The team asked for (``?team=`` empty: everyone); a team lead's own team when the
    page is opened without a choice. Returns (team, whether the choice was unknown)."""
    raw = request.GET.get("team")
    if raw is None:
        led = [team for team in teams if team.lead_id == request.user.pk]
        return (led[0] if led else None), False
    if raw == "":
        return None, False
    team = next((t for t in teams if str(t.pk) == raw), None)
    return team, team is None


@login_required
def leaderboard(request: HttpRequest) -> HttpResponse:
    teams = list(Team.objects.order_by("code"))
    team, unknown = _team_choice(request, teams)
    team_id = team.pk if team else None
    boards = [
        (
            _("This week"),
            points.leaderboard(period="week", viewer=request.user, team_id=team_id),
        ),
        (
            _("This month"),
            points.leaderboard(period="month", viewer=request.user, team_id=team_id),
        ),
    ]
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        return _leaderboard_export(fmt, boards)
    context = {
        "teams": teams,
        "team": team,
        "unknown_team": unknown,
        "boards": boards,
        "export_links": _export_links(request),
    }
    template = "certification/points/leaderboard.html"
    if request.htmx:
        template += "#boards"
    return render(request, template, context)


def _leaderboard_export(fmt: str, boards: list) -> HttpResponse:
    """Both boards as the page shows them (the top of each period, for the team chosen):
    the export lists nobody the page does not."""
    headers = [_("Period"), _("Since"), _("Rank"), _("Person"), _("Team"), _("Points earned")]
    rows = [
        [
            title,
            timezone.localtime(board.start).date(),
            standing.rank,
            str(standing.person),
            standing.person.team.name if standing.person.team_id else "",
            standing.points,
        ]
        for title, board in boards
        for standing in board.top
    ]
    return table_response(fmt, headers, rows, f"leaderboard-{timezone.localdate():%Y%m%d}")


# --- Rules (HR) --------------------------------------------------------------------------


@login_required
def point_rules(request: HttpRequest) -> HttpResponse:
    _hr_or_404(request.user)
    form = PointRulesForm(request.POST or None, rules=points.point_rules())
    if request.method == "POST" and form.is_valid():
        try:
            for event, amount, in_force in form.rules():
                points.point_rule_set(event=event, points=amount, is_active=in_force)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Point rules saved; they apply from now on."))
            return redirect("certification:point-rules")
    return render(request, "certification/points/rules.html", {"form": form})


# --- Honours -----------------------------------------------------------------------------


def _honours(
    request: HttpRequest, award_form: HonourAwardForm | None, status: int = 200
) -> HttpResponse:
    filter_form = HonourMonthForm(request.GET or None)
    month = filter_form.cleaned_data.get("month") if filter_form.is_valid() else None
    context = {
        "filter_form": filter_form,
        "month": month,
        "page": points.honours_page(request.GET.get("page"), month=month),
        "award_form": award_form,
    }
    return render(request, "certification/points/honours.html", context, status=status)


@login_required
def honours(request: HttpRequest) -> HttpResponse:
    """Honours by month, for everyone (they are public recognition); HR awards here."""
    return _honours(request, HonourAwardForm() if request.user.is_hr else None)


@login_required
@require_POST
def honour_award(request: HttpRequest) -> HttpResponse:
    _hr_or_404(request.user)
    form = HonourAwardForm(request.POST)
    if form.is_valid():
        try:
            honour = points.honour_award(
                honour_type=form.cleaned_data["honour_type"],
                person=form.cleaned_data["person"],
                month=form.cleaned_data["month"],
                awarded_by=request.user,
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(person)s is honoured: %(honour)s, %(month)s.")
                % {
                    "person": honour.person,
                    "honour": honour.honour_type,
                    "month": honour.month.strftime("%Y-%m"),
                },
            )
            return redirect("certification:honours")
    return _honours(request, form, status=400)


@login_required
def honour_types(request: HttpRequest) -> HttpResponse:
    _hr_or_404(request.user)
    form = HonourTypeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            honour_type = points.honour_type_create(**form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Honour %(honour)s created.") % {"honour": honour_type})
            return redirect("certification:honour-types")
    context = {"form": form, "honour_types": HonourType.objects.order_by("-is_active", "code")}
    return render(request, "certification/points/honour_types.html", context)


@login_required
def honour_type_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _hr_or_404(request.user)
    honour_type = get_object_or_404(HonourType, pk=pk)
    form = HonourTypeForm(request.POST or None, instance=honour_type)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "code"}
        try:
            points.honour_type_update(honour_type=honour_type, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Honour %(honour)s saved.") % {"honour": honour_type})
            return redirect("certification:honour-types")
    context = {"form": form, "honour_type": honour_type}
    return render(request, "certification/points/honour_type_form.html", context)


# --- The person page's panel ------------------------------------------------------------


@login_required
def person_panel(request: HttpRequest, person_id: int) -> HttpResponse:
    """Points, level, honours and ability tags: a block of the lms person page, loaded by
    htmx (lms never imports certification). Without htmx, the person page itself."""
    if not request.htmx:
        return redirect("person-detail", pk=person_id)
    person = person_or_404(request.user, person_id)
    career = CareerStatus.objects.filter(person=person).select_related("level").first()
    context = {
        "person": person,
        "is_self": person.pk == request.user.pk,
        "balance": points.balance(person),
        "career": career,
        "honours": points.honours_of(person),
        "tags": points.ability_tags(person),
    }
    return render(request, "certification/points/_person_panel.html", context)
