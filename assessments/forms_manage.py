"""Forms of the authoring and results pages: they validate input; services write."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from courses.models import Course
from lms.models import Competency, Level

from .importing import MAX_BYTES
from .models import Difficulty, DrawRule, Question, QuestionBank, Quiz, QuizQuestion, QuizSection
from .services import OptionSpec, true_false_options

OPTION_ROWS = 6
OPTION_LETTERS = "ABCDEF"


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its fields when the form has them,
    otherwise at the top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            target = name if name in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        form.add_error(None, exc)


def _active_competencies(current: Competency | None = None) -> QuerySet[Competency]:
    """Active competencies, plus the one already chosen should it have been retired."""
    competencies = Competency.objects.filter(is_active=True)
    if current is not None:
        competencies = competencies | Competency.objects.filter(pk=current.pk)
    return competencies.order_by("area__dimension__order", "area__order", "order", "code")


BILINGUAL_LABELS = {
    "title_zh": _("Title (Chinese)"),
    "title_en": _("Title (English)"),
    "description_zh": _("Description (Chinese)"),
    "description_en": _("Description (English)"),
}


# --- Question banks ------------------------------------------------------------------


class BankForm(forms.ModelForm):
    class Meta:
        model = QuestionBank
        fields = ["code", "title_zh", "title_en", "description"]
        labels = BILINGUAL_LABELS
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The code names the bank in imports and draw rules: fixed once created.
            self.fields["code"].disabled = True

    def bank_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("title_zh", "title_en", "description")}


# --- Questions -----------------------------------------------------------------------


class QuestionForm(forms.ModelForm):
    """A question with up to six option rows (text in both languages and "correct"), or
    for true/false a single "the statement is true" box. Saved by the question services,
    which check the options (one right answer for single choice…)."""

    true_is_correct = forms.BooleanField(
        label=_("True/false: the statement is true"), required=False
    )

    class Meta:
        model = Question
        fields = [
            "kind",
            "text_zh",
            "text_en",
            "explanation_zh",
            "explanation_en",
            "competency",
            "level",
            "difficulty",
        ]
        labels = {
            "kind": _("Type"),
            "text_zh": _("Question (Chinese)"),
            "text_en": _("Question (English)"),
            "explanation_zh": _("Explanation (Chinese)"),
            "explanation_en": _("Explanation (English)"),
            "competency": _("Competency"),
            "level": _("Level"),
            "difficulty": _("Difficulty"),
        }
        help_texts = {
            "explanation_zh": _("Shown to the learner after they submit."),
        }
        widgets = {
            "text_zh": forms.Textarea(attrs={"rows": 3}),
            "text_en": forms.Textarea(attrs={"rows": 3}),
            "explanation_zh": forms.Textarea(attrs={"rows": 3}),
            "explanation_en": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        question = self.instance
        self.fields["kind"].choices = Question.Kind.choices
        self.fields["competency"].queryset = _active_competencies(
            question.competency if question.competency_id else None
        )
        options = list(question.options.all()) if question.pk else []
        if question.kind == Question.Kind.TRUE_FALSE and options:
            self.fields["true_is_correct"].initial = options[0].is_correct
        elif question.pk is None:
            self.fields["true_is_correct"].initial = True
        for i in range(OPTION_ROWS):
            letter = OPTION_LETTERS[i]
            existing = options[i] if i < len(options) and question.kind != "true_false" else None
            self.fields[f"option_{i}_zh"] = forms.CharField(
                label=_("Option %(letter)s (Chinese)") % {"letter": letter},
                max_length=500,
                required=False,
                initial=existing.text_zh if existing else "",
            )
            self.fields[f"option_{i}_en"] = forms.CharField(
                label=_("Option %(letter)s (English)") % {"letter": letter},
                max_length=500,
                required=False,
                initial=existing.text_en if existing else "",
            )
            self.fields[f"option_{i}_correct"] = forms.BooleanField(
                label=_("Option %(letter)s is correct") % {"letter": letter},
                required=False,
                initial=existing.is_correct if existing else False,
            )

    def option_rows(self):
        """(letter, Chinese text, English text, correct box) for the template's table."""
        return [
            (
                OPTION_LETTERS[i],
                self[f"option_{i}_zh"],
                self[f"option_{i}_en"],
                self[f"option_{i}_correct"],
            )
            for i in range(OPTION_ROWS)
        ]

    def options(self) -> list[OptionSpec]:
        """The options for the service: a row counts once anything is typed or ticked in it,
        so a ticked row without text is reported rather than silently dropped."""
        if self.cleaned_data["kind"] == Question.Kind.TRUE_FALSE:
            return true_false_options(self.cleaned_data["true_is_correct"])
        rows = []
        for i in range(OPTION_ROWS):
            zh = self.cleaned_data[f"option_{i}_zh"].strip()
            en = self.cleaned_data[f"option_{i}_en"].strip()
            correct = self.cleaned_data[f"option_{i}_correct"]
            if zh or en or correct:
                rows.append((zh, en, correct))
        return rows

    def question_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


# --- Import --------------------------------------------------------------------------


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise ValidationError(_("The file is larger than 5 MB."), code="too_big")
        return upload


# --- Quizzes -------------------------------------------------------------------------


QUIZ_FIELDS = [
    "code",
    "title_zh",
    "title_en",
    "description_zh",
    "description_en",
    "mode",
    "time_limit_minutes",
    "attempt_limit",
    "pass_mark",
    "competency",
    "level",
    "course",
    "required_for_course",
    "shuffle_questions",
    "shuffle_options",
    "one_per_page",
    "allow_review",
    "partial_credit",
]
QUIZ_CHECKBOXES = [
    "required_for_course",
    "shuffle_questions",
    "shuffle_options",
    "one_per_page",
    "allow_review",
    "partial_credit",
]


class QuizForm(forms.ModelForm):
    """The quiz's settings. Model validation (``full_clean``, constraints included) runs
    here and again in ``services.quiz_create`` and ``quiz_update``."""

    class Meta:
        model = Quiz
        fields = QUIZ_FIELDS
        labels = {
            **BILINGUAL_LABELS,
            "competency": _("Competency a pass evidences"),
            "level": _("Level a pass evidences"),
        }
        help_texts = {
            "time_limit_minutes": _("Blank: no time limit."),
            "attempt_limit": _("Blank: as many attempts as the learner likes."),
            "course": _("The course this quiz belongs to, if any."),
        }
        widgets = {
            "description_zh": forms.Textarea(attrs={"rows": 3}),
            "description_en": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        quiz = self.instance
        if quiz.pk:
            self.fields["code"].disabled = True
        self.fields["competency"].queryset = _active_competencies(
            quiz.competency if quiz.competency_id else None
        )
        self.fields["course"].queryset = Course.objects.order_by("code")

    def quiz_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in QUIZ_FIELDS if name != "code"}

    def checkboxes(self):
        return [self[name] for name in QUIZ_CHECKBOXES]


class SectionForm(forms.ModelForm):
    class Meta:
        model = QuizSection
        fields = ["title_zh", "title_en", "intro_zh", "intro_en", "order"]
        labels = {
            **BILINGUAL_LABELS,
            "intro_zh": _("Introduction (Chinese)"),
            "intro_en": _("Introduction (English)"),
            "order": _("Order"),
        }
        widgets = {
            "intro_zh": forms.Textarea(attrs={"rows": 3}),
            "intro_en": forms.Textarea(attrs={"rows": 3}),
        }

    def section_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class DrawRuleForm(forms.ModelForm):
    class Meta:
        model = DrawRule
        fields = ["section", "bank", "competency", "level", "difficulty", "count", "marks_each"]
        labels = {
            "section": _("Section"),
            "bank": _("Question bank"),
            "competency": _("Competency"),
            "level": _("Level"),
            "difficulty": _("Difficulty"),
            "count": _("Questions to draw"),
            "marks_each": _("Marks each"),
        }
        help_texts = {
            "bank": _("Leave a tag blank to draw from any."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rule = self.instance
        self.fields["section"].queryset = rule.quiz.sections.order_by("order", "id")
        self.fields["section"].empty_label = _("— no section —")
        self.fields["bank"].queryset = QuestionBank.objects.order_by("code")
        self.fields["bank"].empty_label = _("— any bank —")
        self.fields["competency"].queryset = _active_competencies(
            rule.competency if rule.competency_id else None
        )
        self.fields["competency"].empty_label = _("— any competency —")
        self.fields["level"].choices = [("", _("— any level —")), *Level.choices]
        self.fields["difficulty"].choices = [("", _("— any difficulty —")), *Difficulty.choices]

    def rule_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ItemsForm(forms.Form):
    """The fixed questions of a quiz: position, marks and section per row, or removed."""

    def __init__(self, *args, items: list[QuizQuestion], sections: list[QuizSection], **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        section_choices = [("", _("— no section —")), *((str(s.pk), str(s)) for s in sections)]
        self.sections = {str(s.pk): s for s in sections}
        for item in items:
            self.fields[f"order_{item.pk}"] = forms.IntegerField(
                label=_("Position of question %(number)s") % {"number": item.order},
                min_value=1,
                initial=item.order,
                widget=forms.NumberInput(attrs={"class": "position", "min": 1}),
            )
            self.fields[f"marks_{item.pk}"] = forms.IntegerField(
                label=_("Marks of question %(number)s") % {"number": item.order},
                min_value=1,
                initial=item.marks,
                widget=forms.NumberInput(attrs={"class": "position", "min": 1}),
            )
            self.fields[f"section_{item.pk}"] = forms.ChoiceField(
                label=_("Section of question %(number)s") % {"number": item.order},
                choices=section_choices,
                required=False,
                initial=str(item.section_id or ""),
            )
            self.fields[f"remove_{item.pk}"] = forms.BooleanField(
                label=_("Remove question %(number)s") % {"number": item.order}, required=False
            )

    def rows(self):
        return [
            (
                item,
                self[f"order_{item.pk}"],
                self[f"marks_{item.pk}"],
                self[f"section_{item.pk}"],
                self[f"remove_{item.pk}"],
            )
            for item in self.items
        ]

    def placed(self) -> list[tuple[Question, int, QuizSection | None]]:
        """The kept questions, by the positions typed (ties keep the current order)."""
        data = self.cleaned_data
        kept = sorted(
            (data[f"order_{item.pk}"], item.order, item.pk, item)
            for item in self.items
            if not data[f"remove_{item.pk}"]
        )
        return [
            (
                item.question,
                data[f"marks_{item.pk}"],
                self.sections.get(data[f"section_{item.pk}"] or ""),
            )
            for _order, _old, _pk, item in kept
        ]


class AddQuestionsForm(forms.Form):
    questions = forms.ModelMultipleChoiceField(
        label=_("Questions"), queryset=Question.objects.none()
    )
    marks = forms.IntegerField(label=_("Marks each"), min_value=1, initial=1)

    def __init__(self, *args, questions: QuerySet[Question], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questions"].queryset = questions


class ReplaceForm(forms.Form):
    question = forms.ModelChoiceField(label=_("New question"), queryset=Question.objects.none())

    def __init__(self, *args, questions: QuerySet[Question], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question"].queryset = questions
