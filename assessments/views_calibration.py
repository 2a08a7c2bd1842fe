"""Calibration page additions: ask for second grades on a random share of the waiting
submissions (HR and authors only; anyone else gets a 404, as on the calibration report).

The form lives on the calibration report page (``roleplay/calibration.html``). That page
loads it from here with htmx; without htmx its link opens the report rendered here with
the form in place, and a refused form comes back the same way with its errors.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from courses.permissions import can_author

from . import calibration, roleplay
from .forms_plans import SecondGraderSampleForm

PAGE = "assessments/roleplay/calibration.html"


def _calibrator_or_404(request: HttpRequest) -> None:
    if not can_author(request.user):
        raise Http404


def _render(request: HttpRequest, form: SecondGraderSampleForm, *, status: int = 200):
    if request.htmx:
        return render(request, f"{PAGE}#sample-form", {"sample_form": form}, status=status)
    context = {"report": calibration.agreement_report(), "sample_form": form}
    return render(request, PAGE, context, status=status)


@login_required
def second_graders_sample(request: HttpRequest) -> HttpResponse:
    _calibrator_or_404(request)
    if request.method != "POST":
        return _render(request, SecondGraderSampleForm())
    form = SecondGraderSampleForm(request.POST)
    if not form.is_valid():
        return _render(request, form, status=400)
    created = roleplay.second_graders_sample(
        share=form.cleaned_data["share"],
        requested_by=request.user,
        graders=list(form.cleaned_data["graders"]),
    )
    if created:
        count = len(created)
        messages.success(
            request,
            ngettext(
                "%(count)d submission will be graded a second time.",
                "%(count)d submissions will be graded a second time.",
                count,
            )
            % {"count": count},
        )
    else:
        messages.info(
            request,
            _(
                "No submission was drawn: none is waiting without a second grader, or "
                "none of the chosen graders may grade the ones drawn."
            ),
        )
    return redirect("assessments:roleplay-calibration")
