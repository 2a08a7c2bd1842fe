"""Forms of the rubric and scenario authoring pages: they read input; the services in
``roleplay_authoring`` validate in full and write."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from courses.models import Course
from lms.models import Competency, Level

from .models import Criterion, Rubric, Scenario, ScenarioTurn
from .quality import DEFAULT_RULES, RULE_KEYS

LEVEL_ROWS = 5
MAX_LEVEL_POINTS = 1000

BILINGUAL_LABELS = {
    "title_zh": _("Title (Chinese)"),
    "title_en": _("Title (English)"),
}

RULE_LABELS = {
    "greetings": _("Greetings"),
    "closings": _("Closings"),
    "required": _("Required phrases"),
    "forbidden": _("Forbidden phrases"),
    "vague": _("Vague phrases"),
    "empathy": _("Empathy phrases"),
}


def _competencies(current_id: int | None = None) -> QuerySet[Competency]:
    """Active competencies, plus the one already chosen should it have been retired."""
    rule = Competency.objects.filter(is_active=True)
    if current_id is not None:
        rule = rule | Competency.objects.filter(pk=current_id)
    return rule.order_by("area__dimension__order", "area__order", "order", "code")


def _unbound(args: tuple, kwargs: dict) -> bool:
    return (args[0] if args else kwargs.get("data")) is None


# --- Rubrics -------------------------------------------------------------------------


class RubricForm(forms.ModelForm):
    class Meta:
        model = Rubric
        fields = ["code", "title_zh", "title_en", "pass_mark", "policy"]
        labels = BILINGUAL_LABELS
        help_texts = {
            "code": _("Letters, digits and hyphens; fixed once created."),
            "pass_mark": _(
                "Applies to submissions graded from now on; results already given stay."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["code"].disabled = True

    def rubric_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name != "code"}


class CriterionForm(forms.Form):
    """A criterion and up to five performance levels (a row counts once anything is
    typed in it; empty rows are ignored)."""

    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=200)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False)
    competency = forms.ModelChoiceField(label=_("Competency"), queryset=Competency.objects.none())
    weight = forms.IntegerField(label=_("Weight (%)"), min_value=1, max_value=100)
    critical = forms.BooleanField(
        label=_("Critical: failing it fails the whole review"), required=False
    )
    allow_not_applicable = forms.BooleanField(label=_("May be not applicable"), required=False)

    def __init__(self, *args, criterion: Criterion | None = None, **kwargs):
        if criterion is not None and _unbound(args, kwargs):
            kwargs["initial"] = self.initial_for(criterion)
        super().__init__(*args, **kwargs)
        self.fields["competency"].queryset = _competencies(
            criterion.competency_id if criterion else None
        )
        level_choices = [("", _("— none —")), *Level.choices]
        for i in range(LEVEL_ROWS):
            n = i + 1
            self.fields[f"level_{i}_points"] = forms.IntegerField(
                label=_("Points of level %(n)s") % {"n": n},
                min_value=0,
                max_value=MAX_LEVEL_POINTS,
                required=False,
                widget=forms.NumberInput(attrs={"class": "position", "min": 0}),
            )
            self.fields[f"level_{i}_zh"] = forms.CharField(
                label=_("Descriptor of level %(n)s (Chinese)") % {"n": n},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"level_{i}_en"] = forms.CharField(
                label=_("Descriptor of level %(n)s (English)") % {"n": n},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"level_{i}_demonstrates"] = forms.TypedChoiceField(
                label=_("Competency level shown by level %(n)s") % {"n": n},
                choices=level_choices,
                coerce=int,
                empty_value=None,
                required=False,
            )
            self.fields[f"level_{i}_fails"] = forms.BooleanField(
                label=_("Level %(n)s fails the criterion") % {"n": n}, required=False
            )

    @staticmethod
    def initial_for(criterion: Criterion) -> dict:
        initial = {
            "title_zh": criterion.title_zh,
            "title_en": criterion.title_en,
            "competency": criterion.competency_id,
            "weight": criterion.weight,
            "critical": criterion.critical,
            "allow_not_applicable": criterion.allow_not_applicable,
        }
        levels = getattr(criterion, "level_list", None)
        if levels is None:
            levels = list(criterion.levels.order_by("order", "points"))
        for i, level in enumerate(levels[:LEVEL_ROWS]):
            initial[f"level_{i}_points"] = level.points
            initial[f"level_{i}_zh"] = level.descriptor_zh
            initial[f"level_{i}_en"] = level.descriptor_en
            initial[f"level_{i}_demonstrates"] = level.demonstrates or ""
            initial[f"level_{i}_fails"] = level.fails
        return initial

    def level_rows(self):
        """(number, points, Chinese, English, level shown, fails) for the template."""
        return [
            (
                i + 1,
                self[f"level_{i}_points"],
                self[f"level_{i}_zh"],
                self[f"level_{i}_en"],
                self[f"level_{i}_demonstrates"],
                self[f"level_{i}_fails"],
            )
            for i in range(LEVEL_ROWS)
        ]

    def clean(self):
        data = super().clean()
        for i in range(LEVEL_ROWS):
            points = data.get(f"level_{i}_points")
            zh = (data.get(f"level_{i}_zh") or "").strip()
            en = (data.get(f"level_{i}_en") or "").strip()
            if points is None and (zh or en) and f"level_{i}_points" not in self.errors:
                self.add_error(f"level_{i}_points", _("Give the points of this level."))
            if points is not None and not zh:
                self.add_error(f"level_{i}_zh", _("Describe this level in Chinese."))
        return data

    def levels(self) -> list[tuple]:
        data = self.cleaned_data
        rows = []
        for i in range(LEVEL_ROWS):
            if data.get(f"level_{i}_points") is None:
                continue
            rows.append(
                (
                    data[f"level_{i}_points"],
                    data[f"level_{i}_zh"].strip(),
                    data[f"level_{i}_en"].strip(),
                    data[f"level_{i}_demonstrates"],
                    data[f"level_{i}_fails"],
                )
            )
        return rows

    def criterion_fields(self) -> dict:
        names = ["title_zh", "title_en", "competency", "weight", "critical"]
        return {name: self.cleaned_data[name] for name in [*names, "allow_not_applicable"]}


# --- Scenarios -----------------------------------------------------------------------


SCENARIO_FIELDS = [
    "code",
    "title_zh",
    "title_en",
    "kind",
    "channel",
    "brief_zh",
    "brief_en",
    "persona_zh",
    "persona_en",
    "emotion",
    "level",
    "rubric",
    "course",
    "required_for_course",
    "grading_hours",
]


def _lines(text: str) -> list[str]:
    return list(dict.fromkeys(line.strip() for line in text.splitlines() if line.strip()))


class ScenarioForm(forms.ModelForm):
    """The scenario's settings and its quality-check phrases (one textarea per key, one
    phrase per line). An empty box uses the shared defaults."""

    replace_defaults = forms.BooleanField(
        label=_("The phrases given replace the shared defaults (instead of adding to them)"),
        required=False,
    )

    class Meta:
        model = Scenario
        fields = SCENARIO_FIELDS
        labels = {
            **BILINGUAL_LABELS,
            "emotion": _("Starting emotion (1 calm – 5 furious)"),
        }
        help_texts = {
            "code": _("Letters, digits and hyphens; fixed once created."),
            "rubric": _("A published scenario needs a rubric with a published version."),
            "course": _("The course this scenario belongs to, if any."),
        }
        widgets = {
            "brief_zh": forms.Textarea(attrs={"rows": 3}),
            "brief_en": forms.Textarea(attrs={"rows": 3}),
            "persona_zh": forms.Textarea(attrs={"rows": 2}),
            "persona_en": forms.Textarea(attrs={"rows": 2}),
            "emotion": forms.NumberInput(attrs={"min": 1, "max": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        scenario = self.instance
        if scenario.pk:
            self.fields["code"].disabled = True
        self.fields["rubric"].queryset = Rubric.objects.order_by("code")
        self.fields["course"].queryset = Course.objects.order_by("code")
        rules = scenario.quality_rules or {}
        self.fields["replace_defaults"].initial = bool(rules.get("replace"))
        for key in RULE_KEYS:
            defaults = DEFAULT_RULES[key]
            help_text = (
                _("Shared defaults: %(phrases)s") % {"phrases": "、".join(defaults)}
                if defaults
                else _("No shared defaults.")
            )
            value = rules.get(key, [])
            self.fields[f"rules_{key}"] = forms.CharField(
                label=RULE_LABELS[key],
                required=False,
                help_text=help_text,
                initial="\n".join(value if isinstance(value, list) else [value]),
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def clean(self):
        data = super().clean()
        if data.get("required_for_course") and not data.get("course"):
            self.add_error("course", _("Choose the course the scenario is required for."))
        return data

    def rule_fields(self):
        return [self[f"rules_{key}"] for key in RULE_KEYS]

    def quality_rules(self) -> dict:
        rules: dict = {}
        for key in RULE_KEYS:
            phrases = _lines(self.cleaned_data[f"rules_{key}"])
            if phrases:
                rules[key] = phrases
        if rules and self.cleaned_data["replace_defaults"]:
            rules["replace"] = True
        return rules

    def scenario_fields(self) -> dict:
        fields = {name: self.cleaned_data[name] for name in SCENARIO_FIELDS if name != "code"}
        fields["quality_rules"] = self.quality_rules()
        return fields


_ARROW = re.compile(r"->|→|=>")
_WORD_SEPARATORS = re.compile(r"[,，、]")


def branches_from_text(text: str) -> list[dict]:
    """Lines such as ``退款,refund -> 3``: the words (comma-separated) and the turn to go
    to. Raises ValidationError naming the first bad line."""
    branches = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        parts = _ARROW.split(line)
        words = [w.strip() for w in _WORD_SEPARATORS.split(parts[0]) if w.strip()]
        target = parts[-1].strip() if len(parts) == 2 else ""
        if len(parts) != 2 or not words or not target.isdigit():
            raise ValidationError(
                _(
                    "Line %(line)s: write the words, then -> and the turn number, "
                    "e.g. 退款,refund -> 3."
                )
                % {"line": number},
                code="branches",
            )
        branches.append({"contains": words, "goto": int(target)})
    return branches


def branches_to_text(branches: list[dict]) -> str:
    return "\n".join(
        f"{','.join(b.get('contains', []))} -> {b.get('goto')}" for b in branches or []
    )


class TurnForm(forms.Form):
    order = forms.IntegerField(
        label=_("Turn number"),
        min_value=1,
        max_value=32767,
        required=False,
        help_text=_("Blank: after the last turn."),
        widget=forms.NumberInput(attrs={"class": "position", "min": 1}),
    )
    text_zh = forms.CharField(
        label=_("Customer says (Chinese)"), widget=forms.Textarea(attrs={"rows": 2})
    )
    text_en = forms.CharField(
        label=_("Customer says (English)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    reply_target_seconds = forms.IntegerField(
        label=_("Reply within (seconds)"), min_value=1, initial=60
    )
    ends = forms.BooleanField(label=_("The conversation ends after the reply"), required=False)
    branches = forms.CharField(
        label=_("Branches"),
        required=False,
        help_text=_(
            "One rule per line: words found in the agent's reply, then -> and the turn to go "
            "to, e.g. 退款,refund -> 3. The first rule that matches wins; otherwise the next "
            "turn follows."
        ),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, turn: ScenarioTurn | None = None, **kwargs):
        if turn is not None and _unbound(args, kwargs):
            kwargs["initial"] = {
                "order": turn.order,
                "text_zh": turn.text_zh,
                "text_en": turn.text_en,
                "reply_target_seconds": turn.reply_target_seconds,
                "ends": turn.ends,
                "branches": branches_to_text(turn.branches),
            }
        super().__init__(*args, **kwargs)

    def clean_branches(self) -> list[dict]:
        return branches_from_text(self.cleaned_data["branches"])

    def turn_fields(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in ("order", "text_zh", "text_en", "reply_target_seconds", "ends", "branches")
        }


class TryReplyForm(forms.Form):
    """The script preview: which customer message follows a reply to a turn."""

    turn = forms.TypedChoiceField(label=_("After turn"), coerce=int)
    reply = forms.CharField(
        label=_("The agent replies"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, turns: list[ScenarioTurn], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["turn"].choices = [(t.order, str(t.order)) for t in turns]
