from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from . import hooks, selectors, services, throttle
from .exports import FORMATS, table_response
from .forms import LanguageForm, MentorshipForm
from .models import Level, Notification, Role, User
from .permissions import (
    can_manage_mentorships,
    can_view_heatmap,
    mentorships_visible_to,
)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """One page, a section per role held."""
    user = request.user
    context: dict = {
        "roles": sorted(user.role_names),
        "role_labels": [Role(name).label for name in Role.values if name in user.role_names],
    }
    if user.has_role(Role.AGENT):
        profile = selectors.competency_profile_for(user)
        context["level_counts"] = [
            (label, sum(1 for row in profile if row.level == value))
            for value, label in [(0, _("Not yet assessed")), *Level.choices]
        ]
        context["gaps"] = selectors.competency_gap(agent=user)[:5]
        context["my_mentor"] = selectors.active_mentor_of(user)
    if user.has_role(Role.MENTOR):
        context["mentees"] = selectors.mentorships_of_mentor(user)
    if user.has_role(Role.TEAM_LEAD):
        context["led_teams"] = selectors.teams_led_by(user)
    if user.has_role(Role.HR, Role.ADMIN):
        context["org"] = selectors.organisation_summary()
    return render(request, "lms/home.html", context)


@login_required
def my_profile(request: HttpRequest) -> HttpResponse:
    return person_detail(request, request.user.pk)


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        person = selectors.person_get_for(request.user, pk)
    except User.DoesNotExist as exc:
        raise Http404 from exc
    context = {
        "person": person,
        "rows": selectors.competency_profile_for(person),
        "gaps": selectors.competency_gap(agent=person),
        "is_self": person.pk == request.user.pk,
        # Blocks that higher apps add (points, honours, level...), each loaded over htmx
        # into an element named after its URL; no query here, whatever is registered.
        "panels": [
            {"id": name.rsplit(":", 1)[-1], "url": reverse(name, args=[person.pk])}
            for name in hooks.person_panels()
        ],
    }
    return render(request, "lms/person_detail.html", context)


@login_required
def heatmap(request: HttpRequest) -> HttpResponse:
    if not can_view_heatmap(request.user):
        raise Http404
    team_code = request.GET.get("team") or None
    data = selectors.heatmap_for(
        request.user, team_code=team_code, page_number=request.GET.get("page", 1)
    )
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        return _heatmap_export(fmt, data)
    context = {"heatmap": data, "team_code": team_code or "", "levels": Level.choices}
    template = "lms/heatmap.html#grid" if request.htmx else "lms/heatmap.html"
    return render(request, template, context)


def _heatmap_export(fmt: str, data: selectors.Heatmap) -> HttpResponse:
    """The whole filtered table, not the page, with level names."""
    labels = {0: _("Not yet"), **dict(Level.choices)}
    headers = [_("Person"), _("Team"), *(str(c.name) for c in data.competencies)]
    rows = (
        [str(person), str(person.team) if person.team else "", *(str(labels[v]) for v in values)]
        for person, values in selectors.heatmap_levels_all(data)
    )
    return table_response(fmt, headers, rows, "heatmap")


@login_required
def matrix(request: HttpRequest) -> HttpResponse:
    return render(request, "lms/matrix.html", {"dimensions": selectors.competency_matrix()})


MENTORSHIPS_PER_PAGE = 50


@login_required
def mentorships(request: HttpRequest) -> HttpResponse:
    if not can_manage_mentorships(request.user):
        raise Http404
    form = MentorshipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.mentorship_create(
                mentor=form.cleaned_data["mentor"],
                mentee=form.cleaned_data["mentee"],
                started_on=form.cleaned_data["started_on"],
                created_by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Mentorship created."))
            return redirect("mentorships")
    active = selectors.mentorship_list_for(request.user, active=True).order_by(
        "mentor__display_name", "mentee__display_name", "pk"
    )
    fmt = request.GET.get("format", "")
    if fmt in FORMATS and request.method == "GET":
        headers = [_("Mentor"), _("Mentee"), _("Team"), pgettext("date", "Start")]
        rows = (
            [
                str(m.mentor),
                str(m.mentee),
                str(m.mentee.team) if m.mentee.team else "",
                m.started_on,
            ]
            for m in active
        )
        return table_response(fmt, headers, rows, "mentorships")
    page = Paginator(active, MENTORSHIPS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "lms/mentorships.html", {"form": form, "page": page})


@login_required
@require_POST
def mentorship_end(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_manage_mentorships(request.user):
        raise Http404
    mentorship = get_object_or_404(mentorships_visible_to(request.user), pk=pk)
    try:
        services.mentorship_end(mentorship=mentorship)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Mentorship ended."))
    return redirect("mentorships")


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """Switch the interface language for this browser and, when signed in, remember it."""
    form = LanguageForm(request.POST)
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if not form.is_valid():
        return response
    language = form.cleaned_data["language"]
    if request.user.is_authenticated:
        services.user_set_preferred_language(user=request.user, language=language)
    translation.activate(language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    page = selectors.notifications_for(request.user, page_number=request.GET.get("page", 1))
    return render(request, "lms/notifications.html", {"page": page})


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark read and follow the link; only the recipient's own notifications exist here."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.notification_mark_read(notification=notification)
    target = notification.url
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "notifications"
    return redirect(target)


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_all_read(user=request.user)
    return redirect("notifications")


class LoginView(auth_views.LoginView):
    """Django's login, refusing for a while after too many failed attempts."""

    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")
        if throttle.login_blocked(request, username):
            form = self.get_form()
            form.errors.clear()
            form.add_error(None, _("Too many failed attempts. Wait 15 minutes and try again."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        throttle.login_failed(self.request, self.request.POST.get("username", ""))
        return super().form_invalid(form)

    def form_valid(self, form):
        throttle.login_succeeded(self.request, form.get_user().get_username())
        return super().form_valid(form)
