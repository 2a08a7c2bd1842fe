from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from . import services
from .models import (
    Area,
    BehaviouralIndicator,
    Competency,
    CompetencyLevel,
    Dimension,
    Evidence,
    Mentorship,
    PositionProfile,
    PositionRequirement,
    Role,
    Team,
    User,
)


class _DryRun(Exception):
    pass


def service_check(call, **kwargs) -> None:
    """Run a service inside a savepoint that is always rolled back, so an admin form can
    show the service's own error messages before anything is saved."""
    try:
        with transaction.atomic():
            call(**kwargs)
            raise _DryRun
    except _DryRun:
        pass
    except ValidationError as exc:
        raise forms.ValidationError(exc.messages) from exc


class MentorshipAdminForm(forms.ModelForm):
    class Meta:
        model = Mentorship
        fields = ["mentor", "mentee", "started_on", "ended_on"]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None and not self.errors:
            service_check(
                services.mentorship_create,
                mentor=cleaned["mentor"],
                mentee=cleaned["mentee"],
                started_on=cleaned["started_on"],
                created_by=None,
            )
        elif self.instance.pk and "ended_on" in self.changed_data and not self.errors:
            if cleaned["ended_on"] is None:
                raise forms.ValidationError(_("An ended mentorship cannot be reopened."))
            service_check(
                services.mentorship_end, mentorship=self.instance, ended_on=cleaned["ended_on"]
            )
        return cleaned


class EvidenceAdminForm(forms.ModelForm):
    class Meta:
        model = Evidence
        fields = [
            "agent",
            "competency",
            "level",
            "source",
            "source_ref",
            "observed_on",
            "valid_until",
            "note",
        ]

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            service_check(services.evidence_record, recorded_by=None, **cleaned)
        return cleaned


# Fields that grant power over the whole site: only a superuser may set them, so that HR
# (who manages people here) cannot make anyone — themselves included — a superuser.
PRIVILEGED_USER_FIELDS = ("is_superuser", "is_staff", "user_permissions")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = [
        "username",
        "display_name",
        "employee_no",
        "team",
        "position",
        "hire_date",
        "is_active",
    ]
    list_filter = ["team", "position", "groups", "is_active", "is_staff"]
    search_fields = ["username", "display_name", "english_name", "employee_no", "email"]
    list_select_related = ["team", "position"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += PRIVILEGED_USER_FIELDS
        return fields

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            # The administrator role carries every permission: superusers hand it out.
            kwargs["queryset"] = Group.objects.exclude(name=Role.ADMIN)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        # Nobody but a superuser edits a superuser (or an administrator's) account.
        protected = obj is not None and (
            obj.is_superuser or obj.groups.filter(name=Role.ADMIN).exists()
        )
        if protected and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (
            _("Agent Academy"),
            {
                "fields": (
                    "display_name",
                    "english_name",
                    "employee_no",
                    "hire_date",
                    "team",
                    "position",
                    "preferred_language",
                    "time_zone",
                    "mentor_capacity",
                )
            },
        ),
    )


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "lead"]
    search_fields = ["code", "name_zh", "name_en"]
    list_select_related = ["lead"]
    autocomplete_fields = ["lead"]


@admin.register(Mentorship)
class MentorshipAdmin(admin.ModelAdmin):
    list_display = ["mentor", "mentee", "started_on", "ended_on"]
    list_filter = [("ended_on", admin.EmptyFieldListFilter), "started_on"]
    search_fields = ["mentor__display_name", "mentee__display_name", "mentee__employee_no"]
    list_select_related = ["mentor", "mentee"]
    autocomplete_fields = ["mentor", "mentee"]
    readonly_fields = ["created_by", "created_at"]
    form = MentorshipAdminForm

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return [*self.readonly_fields, "mentor", "mentee", "started_on"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        # Mentorships change only through their services, here as everywhere.
        if change:
            if "ended_on" in form.changed_data and obj.ended_on is not None:
                services.mentorship_end(mentorship=obj, ended_on=obj.ended_on)
            return
        created = services.mentorship_create(
            mentor=obj.mentor,
            mentee=obj.mentee,
            started_on=obj.started_on,
            created_by=request.user,
        )
        obj.pk = created.pk


class IndicatorInline(admin.TabularInline):
    model = BehaviouralIndicator
    extra = 0


@admin.register(Dimension)
class DimensionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "order"]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "dimension", "order"]
    list_filter = ["dimension"]
    search_fields = ["code", "name_zh", "name_en"]


@admin.register(Competency)
class CompetencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "area", "order", "is_active"]
    list_filter = ["area__dimension", "area", "is_active"]
    search_fields = ["code", "name_zh", "name_en"]
    list_select_related = ["area"]
    inlines = [IndicatorInline]


@admin.register(BehaviouralIndicator)
class BehaviouralIndicatorAdmin(admin.ModelAdmin):
    list_display = ["competency", "level", "text_zh", "text_en"]
    list_filter = ["level", "competency__area"]
    search_fields = ["text_zh", "text_en", "competency__name_zh"]
    list_select_related = ["competency"]


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    """Evidence is append-only: recorded and withdrawn through services, never edited."""

    list_display = [
        "agent",
        "competency",
        "level",
        "source",
        "observed_on",
        "valid_until",
        "withdrawn_at",
    ]
    list_filter = ["source", "level", ("withdrawn_at", admin.EmptyFieldListFilter)]
    search_fields = ["agent__display_name", "agent__employee_no", "competency__name_zh"]
    list_select_related = ["agent", "competency"]
    autocomplete_fields = ["agent", "competency"]
    form = EvidenceAdminForm

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        created = services.evidence_record(recorded_by=request.user, **form.cleaned_data)
        obj.pk = created.pk


@admin.register(CompetencyLevel)
class CompetencyLevelAdmin(admin.ModelAdmin):
    """Derived from evidence: read-only here."""

    list_display = ["agent", "competency", "level", "evidence", "updated_at"]
    list_filter = ["level", "competency__area"]
    search_fields = ["agent__display_name", "agent__employee_no", "competency__name_zh"]
    list_select_related = ["agent", "competency", "evidence"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RequirementInline(admin.TabularInline):
    model = PositionRequirement
    extra = 0
    autocomplete_fields = ["competency"]


@admin.register(PositionProfile)
class PositionProfileAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "order"]
    search_fields = ["code", "name_zh", "name_en"]
    inlines = [RequirementInline]
