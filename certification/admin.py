"""Read-only admin: certificates, the points ledger, honours and promotions change only
through the app's services (which keep serials, files, points and history consistent).
The ledger in particular has no change or delete path here."""

from django.contrib import admin

from .models import (
    CareerLevel,
    CareerStatus,
    Certificate,
    CertificateTemplate,
    Honour,
    HonourType,
    PointRule,
    PointsEntry,
    Program,
    Promotion,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Program)
class ProgramAdmin(ReadOnlyAdmin):
    list_display = ["code", "title_zh", "kind", "level", "validity_months", "issue_mode"]
    list_filter = ["kind", "issue_mode", "is_active"]
    search_fields = ["code", "title_zh", "title_en"]


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ["serial", "holder", "program", "status", "valid_from", "expires_on"]
    list_filter = ["status", "program"]
    search_fields = ["serial", "holder__username", "holder__display_name"]
    list_select_related = ["holder", "program"]
    exclude = ["code"]  # the verification code is the holder's to share


@admin.register(CertificateTemplate)
class CertificateTemplateAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "is_default", "updated_at"]


@admin.register(PointsEntry)
class PointsEntryAdmin(ReadOnlyAdmin):
    list_display = ["person", "amount", "reason", "note", "created_by", "created_at"]
    list_filter = ["reason"]
    search_fields = ["person__username", "person__display_name", "note"]
    list_select_related = ["person", "created_by"]

    def get_actions(self, request):
        return {}  # not even the bulk "delete selected"


@admin.register(PointRule)
class PointRuleAdmin(ReadOnlyAdmin):
    list_display = ["event", "points", "is_active"]


@admin.register(HonourType)
class HonourTypeAdmin(ReadOnlyAdmin):
    list_display = ["code", "name_zh", "points", "is_active"]


@admin.register(Honour)
class HonourAdmin(ReadOnlyAdmin):
    list_display = ["honour_type", "person", "month", "awarded_by"]
    list_select_related = ["honour_type", "person", "awarded_by"]


@admin.register(CareerLevel)
class CareerLevelAdmin(ReadOnlyAdmin):
    list_display = ["rank", "code", "name_zh", "min_points", "min_tenure_months"]


@admin.register(CareerStatus)
class CareerStatusAdmin(ReadOnlyAdmin):
    list_display = ["person", "level", "since"]
    list_select_related = ["person", "level"]


@admin.register(Promotion)
class PromotionAdmin(ReadOnlyAdmin):
    list_display = ["person", "from_level", "to_level", "status", "decided_by", "decided_at"]
    list_select_related = ["person", "from_level", "to_level", "decided_by"]
